"""The register of resolutions and full-text search (``services.minutes_search``).

Minutes are written through the editing services, so the index is filled by
migration 0003's triggers exactly as in use. Checked: what matches where
(points, resolutions and parts, headings, titles), accents and letters with
strokes folded ("Zolc" finds "Żółć"), hostile input never raising, plain-text
snippets with offsets, the index following edits and deletions, the LIKE
fallback on a database without FTS5, rebuilding, the demo database, and the
register's order and numbering.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId, PointId, ResolutionId, SectionId
from qpmr_desktop.domain.minutes import MinutesStatus, PointKind
from qpmr_desktop.paths import migrations_dir
from qpmr_desktop.services import minutes_editing as editing
from qpmr_desktop.services import minutes_search as search
from qpmr_desktop.services.minutes import get_item_for_editing, get_item_minutes
from qpmr_desktop.services.minutes_lifecycle import circulate_minutes
from qpmr_desktop.services.minutes_search import (
    SearchQuery,
    SearchTerm,
    list_resolutions,
    parse_query,
    rebuild_search_index,
    search_minutes,
    to_fts5,
)
from qpmr_desktop.services.read_models import MatchSource, SearchHit
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage import migrations

LONG_POINT = (
    "It was noted that the number of 1,875 Children Looked After (CLA), was the highest ever "
    "recorded for the Authority.  However, a number of initiatives would help to address this, "
    "and a report <b>detailing</b> these & more was due to be considered by the Board."
)


@dataclasses.dataclass(frozen=True)
class Ids:
    september: MeetingId
    december: MeetingId
    performance: AgendaItemId
    budget: AgendaItemId
    start_well: SectionId
    long_point: PointId
    polish_point: PointId
    resolution: ResolutionId


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "search.qpmr", create=True, user="Clerk")
    yield workspace
    workspace.close()


@pytest.fixture
def ids(workspace: Workspace) -> Ids:
    ws = workspace
    committee = "Cabinet Committee on Performance Improvement"
    september = editing.create_meeting(
        workspace=ws, committee=committee, date=dt.date(2017, 9, 12)
    ).meeting_id
    december = editing.create_meeting(
        workspace=ws, committee="Audit Committee", date=dt.date(2017, 12, 5)
    ).meeting_id
    performance = AgendaItemId(
        editing.add_agenda_item(
            workspace=ws,
            meeting_id=september,
            number="4",
            title="Quarterly Corporate Performance Monitoring Report",
        ).row.id
    )
    start_well = SectionId(
        editing.insert_section(
            workspace=ws, item_id=performance, position=None, heading="Start Well"
        ).row.id
    )
    long_point = PointId(
        editing.insert_point(
            workspace=ws,
            section_id=start_well,
            position=None,
            kind=PointKind.NOTED,
            text=LONG_POINT,
        ).row.id
    )
    polish_point = PointId(
        editing.insert_point(
            workspace=ws,
            section_id=start_well,
            position=None,
            kind=PointKind.REPORTED,
            text="It was reported that Dr Żółć of Łódź and Ms Ångström met the DTaP/IPV/Hib team.",
        ).row.id
    )
    resolution = ResolutionId(
        editing.add_resolution(
            workspace=ws,
            item_id=performance,
            text="That the reported performance for Quarter 1 be noted.",
        ).row.id
    )
    editing.add_resolution_part(
        workspace=ws,
        resolution_id=resolution,
        label="(1)",
        text="That the scrutiny committee receive a briefing.",
    )
    budget = AgendaItemId(
        editing.add_agenda_item(workspace=ws, meeting_id=december, title="Budget Monitoring").row.id
    )
    first = ResolutionId(
        editing.add_resolution(
            workspace=ws, item_id=budget, text="That the budget be approved."
        ).row.id
    )
    editing.add_resolution_part(workspace=ws, resolution_id=first, label="(a)", text="Capital.")
    editing.add_resolution_part(workspace=ws, resolution_id=first, label="(b)", text="Revenue.")
    editing.add_resolution(workspace=ws, item_id=budget, text="That reserves be reviewed.")
    return Ids(
        september,
        december,
        performance,
        budget,
        start_well,
        long_point,
        polish_point,
        resolution,
    )


def found(hits: list[SearchHit]) -> list[tuple[MatchSource, int]]:
    return [(hit.source, hit.row_id) for hit in hits]


def matched_words(hit: SearchHit) -> list[str]:
    return [hit.snippet[start:end] for start, end in hit.matches]


# ------------------------------------------------------------------ what is found where


def test_words_are_found_in_points_resolutions_parts_headings_and_titles(
    workspace: Workspace, ids: Ids
) -> None:
    point = search_minutes(workspace=workspace, query="highest ever recorded")
    assert found(point) == [(MatchSource.POINT, ids.long_point)]
    assert point[0].item_id == ids.performance
    assert point[0].meeting_date == dt.date(2017, 9, 12)
    assert point[0].committee == "Cabinet Committee on Performance Improvement"
    assert point[0].item_number == "4"
    assert point[0].status is MinutesStatus.DRAFT
    assert matched_words(point[0]) == ["highest", "ever", "recorded"]

    resolution = search_minutes(workspace=workspace, query="reported performance quarter")
    assert found(resolution) == [(MatchSource.RESOLUTION, ids.resolution)]
    part = search_minutes(workspace=workspace, query="scrutiny briefing")
    assert [hit.source for hit in part] == [MatchSource.RESOLUTION]
    assert part[0].snippet == "That the scrutiny committee receive a briefing."
    heading = search_minutes(workspace=workspace, query="start well")
    assert found(heading) == [(MatchSource.HEADING, ids.start_well)]
    title = search_minutes(workspace=workspace, query="budget monitoring")
    assert found(title)[0] == (MatchSource.TITLE, ids.budget)


def test_the_best_match_comes_first(workspace: Workspace, ids: Ids) -> None:
    repeated = editing.insert_point(
        workspace=workspace,
        section_id=ids.start_well,
        position=None,
        kind=PointKind.OTHER,
        text="Initiatives, initiatives and more initiatives.",
    ).row.id

    hits = search_minutes(workspace=workspace, query="initiatives")

    assert found(hits) == [(MatchSource.POINT, repeated), (MatchSource.POINT, ids.long_point)]
    assert [hit.score for hit in hits] == sorted(hit.score for hit in hits)
    assert len(search_minutes(workspace=workspace, query="initiatives", limit=1)) == 1


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("Zolc", "Żółć"),
        ("ZÓŁĆ", "Żółć"),
        ("zol", "Żółć"),
        ("lodz", "Łódź"),
        ("angstrom", "Ångström"),
        ("dtap ipv", "DTaP"),
        ("DTaP/IPV/Hib", "DTaP/IPV/Hib"),
    ],
)
def test_case_and_accents_do_not_matter(
    workspace: Workspace, ids: Ids, query: str, word: str
) -> None:
    hits = search_minutes(workspace=workspace, query=query)

    assert found(hits) == [(MatchSource.POINT, ids.polish_point)]
    assert word in matched_words(hits[0])


def test_the_fold_is_the_one_the_migration_wrote() -> None:
    path = migrations_dir() / "versions" / "0003_minutes_amendments_and_search.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    assert module.FOLDED_LETTERS == search.FOLDED_LETTERS
    assert module.TOKENIZE == "unicode61 remove_diacritics 2"
    assert all(len(letter) == len(plain) == 1 for letter, plain in module.FOLDED_LETTERS.items())


# ------------------------------------------------------------------ what a person types


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("highest ever", '"highest"* AND "ever"*'),
        ('"highest ever recorded"', '"highest ever recorded"*'),
        ('"highest ever', '"highest"* AND "ever"*'),  # an unbalanced quote is text
        ("care AND homes", '"care"* AND "homes"*'),
        ("care OR homes", '("care"* OR "homes"*)'),
        ("OR care OR", '"care"*'),
        ("40-74 year", '"40 74"* AND "year"*'),
        ("NOT NEAR(a b)", '"not"* AND "near a"* AND "b"*'),
        ("col:umn * ^x", '"col umn"* AND "x"*'),
        ("“smart quotes”", '"smart quotes"*'),
        ("snake_case", '"snake case"*'),
        ("Żółć", '"zolc"*'),
    ],
)
def test_what_is_typed_becomes_quoted_prefix_terms(typed: str, expected: str) -> None:
    assert to_fts5(parse_query(typed)) == expected


def test_a_query_without_words_finds_nothing(workspace: Workspace, ids: Ids) -> None:
    assert parse_query(' "" * - : ( ) ').empty
    assert search_minutes(workspace=workspace, query=' "" * - ') == []
    assert search_minutes(workspace=workspace, query="highest", limit=0) == []


HOSTILE_QUERIES = [
    '"',
    '"""',
    "highest*ever",
    "AND",
    "OR OR OR",
    "NOT",
    "NEAR(",
    "a:b",
    "-highest",
    "^start",
    "'; DROP TABLE minute_point; --",
    "\\",
    "%_%",
    "\x00",
    "\ufdd0\ufdd1",
    "😀 <b>&amp;",
    "( highest",
    "{col}: x",
    "*" * 50,
    " ".join(["word"] * 200),
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_do_not_raise(workspace: Workspace, ids: Ids, query: str) -> None:
    search_minutes(workspace=workspace, query=query)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text(max_size=40))
def test_any_text_is_a_valid_query(workspace: Workspace, query: str) -> None:
    expression = to_fts5(parse_query(query))
    if expression:  # FTS5 itself accepts it
        with workspace.database.engine.connect() as connection:
            connection.exec_driver_sql(
                "SELECT count(*) FROM fts_minute_point WHERE fts_minute_point MATCH ?",
                (expression,),
            ).scalar_one()
    search_minutes(workspace=workspace, query=query)


def test_snippets_are_plain_text_with_the_matches_marked(workspace: Workspace, ids: Ids) -> None:
    [hit] = search_minutes(workspace=workspace, query="detailing considered")

    assert hit.snippet.startswith("…")
    assert "<b>detailing</b> these & more" in hit.snippet  # not escaped, not HTML
    assert matched_words(hit) == ["detailing", "considered"]
    assert hit.snippet.endswith("by the Board.")


def test_a_long_text_is_cut_around_the_first_match() -> None:
    text = " ".join(f"word{n}" for n in range(200)) + " target " + "tail " * 100
    query = parse_query("target")

    snippet, matches = search._snippet(text, search._match_spans(text, query))

    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert len(snippet) <= search._SNIPPET_LENGTH + 2
    assert [snippet[start:end] for start, end in matches] == ["target"]


# ------------------------------------------------------------------ the index follows edits


def test_the_index_follows_edits_and_deletions(workspace: Workspace, ids: Ids) -> None:
    item = get_item_for_editing(workspace=workspace, item_id=ids.performance)
    point = item.sections[0].points[0]

    editing.set_point_text(
        workspace=workspace,
        point_id=point.id,
        expected_version=point.version,
        text="The number of children looked after was unprecedented.",
    )

    assert search_minutes(workspace=workspace, query="highest ever") == []
    assert found(search_minutes(workspace=workspace, query="unprecedented")) == [
        (MatchSource.POINT, ids.long_point)
    ]
    section = item.sections[0]
    editing.rename_section(
        workspace=workspace,
        section_id=section.id,
        expected_version=section.version,
        heading="Live Well",
    )
    assert search_minutes(workspace=workspace, query="start well") == []
    assert found(search_minutes(workspace=workspace, query="live well")) == [
        (MatchSource.HEADING, ids.start_well)
    ]
    editing.delete_point(workspace=workspace, point_id=point.id, expected_version=point.version + 1)
    assert search_minutes(workspace=workspace, query="unprecedented") == []
    editing.delete_agenda_item(
        workspace=workspace, item_id=ids.performance, expected_version=item.version
    )
    assert search_minutes(workspace=workspace, query="zolc") == []
    assert search_minutes(workspace=workspace, query="scrutiny") == []
    assert search_minutes(workspace=workspace, query="quarterly") == []


def test_undoing_a_deletion_makes_it_searchable_again(workspace: Workspace, ids: Ids) -> None:
    item = get_item_for_editing(workspace=workspace, item_id=ids.performance)
    deleted = editing.delete_agenda_item(
        workspace=workspace, item_id=ids.performance, expected_version=item.version
    )

    editing.revert_minutes_change(workspace=workspace, change=deleted)

    assert found(search_minutes(workspace=workspace, query="zolc")) == [
        (MatchSource.POINT, ids.polish_point)
    ]


def test_raw_sql_is_indexed_too(workspace: Workspace, ids: Ids) -> None:
    with workspace.database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO minute_point (section_id, kind, text, position, version)"
            " VALUES (?, 'other', 'Added with the sqlite3 shell.', 9, 1)",
            (ids.start_well,),
        )

    assert [hit.source for hit in search_minutes(workspace=workspace, query="shell")] == [
        MatchSource.POINT
    ]


def test_the_status_follows_the_lifecycle(workspace: Workspace, ids: Ids) -> None:
    version = 1
    circulate_minutes(workspace=workspace, meeting_id=ids.september, expected_version=version)

    [hit] = search_minutes(workspace=workspace, query="highest")
    assert hit.status is MinutesStatus.CIRCULATED


def test_rebuilding_the_index(workspace: Workspace, ids: Ids) -> None:
    with workspace.database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO fts_minute_point(fts_minute_point) VALUES ('delete-all')"
        )
    assert search_minutes(workspace=workspace, query="highest") == []

    assert rebuild_search_index(workspace=workspace)

    assert found(search_minutes(workspace=workspace, query="highest")) == [
        (MatchSource.POINT, ids.long_point)
    ]


def test_without_fts5_the_search_falls_back_to_like(workspace: Workspace, ids: Ids) -> None:
    with workspace.database.engine.begin() as connection:
        for table in (
            "minute_point",
            "resolution",
            "resolution_part",
            "minute_section",
            "agenda_item",
        ):
            for event in ("insert", "delete", "update"):
                connection.exec_driver_sql(f"DROP TRIGGER fts_{table}_{event}")
            connection.exec_driver_sql(f"DROP TABLE fts_{table}")
            connection.exec_driver_sql(f"DROP VIEW fts_source_{table}")

    assert not rebuild_search_index(workspace=workspace)
    hits = search_minutes(workspace=workspace, query="highest ever recorded")
    assert found(hits) == [(MatchSource.POINT, ids.long_point)]
    assert matched_words(hits[0]) == ["highest", "ever", "recorded"]
    assert found(search_minutes(workspace=workspace, query="start well")) == [
        (MatchSource.HEADING, ids.start_well)
    ]
    # Words, not letters: "igh" is inside "highest" but starts no word.
    assert search_minutes(workspace=workspace, query="igh") == []
    for query in HOSTILE_QUERIES:
        search_minutes(workspace=workspace, query=query)


def test_search_query_dataclasses_are_plain() -> None:
    query = parse_query("a OR b c")

    assert query == SearchQuery(((SearchTerm(("a",)), SearchTerm(("b",))), (SearchTerm(("c",)),)))


# ------------------------------------------------------------------ the register


def test_the_register_lists_every_resolution_newest_first(workspace: Workspace, ids: Ids) -> None:
    register = list_resolutions(workspace=workspace)

    assert [(row.meeting_date, row.label, row.text) for row in register] == [
        (dt.date(2017, 12, 5), "Resolved (i)", "That the budget be approved."),
        (dt.date(2017, 12, 5), "Resolved (ii)", "That reserves be reviewed."),
        (
            dt.date(2017, 9, 12),
            "Resolved",
            "That the reported performance for Quarter 1 be noted.",
        ),
    ]
    first = register[0]
    assert first.parts == (("(a)", "Capital."), ("(b)", "Revenue."))
    assert first.full_text == "That the budget be approved.\n(a) Capital.\n(b) Revenue."
    assert (first.committee, first.item_title, first.item_id) == (
        "Audit Committee",
        "Budget Monitoring",
        ids.budget,
    )
    assert register[2].item_number == "4"
    assert all(row.status is MinutesStatus.DRAFT for row in register)


def test_the_register_numbers_resolutions_as_the_item_minutes_do(
    workspace: Workspace, ids: Ids
) -> None:
    """Only items with several resolutions are numbered, by position, with their own stems."""
    ws = workspace
    later = editing.add_agenda_item(workspace=ws, meeting_id=ids.december, title="Fees").row.id
    item = AgendaItemId(later)
    editing.add_resolution(workspace=ws, item_id=item, text="Second.", label="Agreed")
    editing.add_resolution(workspace=ws, item_id=item, text="Third.", label="Resolved")
    editing.add_resolution(workspace=ws, item_id=item, text="First.", label="Noted", position=0)
    lone = editing.add_agenda_item(workspace=ws, meeting_id=ids.september, title="Any").row.id
    editing.add_resolution(workspace=ws, item_id=AgendaItemId(lone), text="Only.", label="Agreed")

    register = list_resolutions(workspace=ws)

    assert [(row.item_id, row.label, row.text) for row in register] == [
        (ids.budget, "Resolved (i)", "That the budget be approved."),
        (ids.budget, "Resolved (ii)", "That reserves be reviewed."),
        (item, "Noted (i)", "First."),
        (item, "Agreed (ii)", "Second."),
        (item, "Resolved (iii)", "Third."),
        (ids.performance, "Resolved", "That the reported performance for Quarter 1 be noted."),
        (lone, "Agreed", "Only."),
    ]
    for item_id in {row.item_id for row in register}:
        minutes = get_item_minutes(workspace=ws, item_id=item_id)
        expected = [(r.id, r.label, r.text, r.parts) for r in minutes.resolutions]
        shown = [(r.id, r.label, r.text, r.parts) for r in register if r.item_id == item_id]
        assert shown == expected
    assert [type(row.meeting_date) for row in register] == [dt.date] * len(register)
    assert {row.meeting_id for row in register} == {ids.september, ids.december}


# ------------------------------------------------------------------ the demo database


def test_the_demo_database_is_searchable(demo_path: Path) -> None:
    workspace = open_workspace(demo_path)
    try:
        hits = search_minutes(workspace=workspace, query="highest ever recorded")
        register = list_resolutions(workspace=workspace)
    finally:
        workspace.close()

    assert hits
    assert hits[0].item_number == "4"
    assert hits[0].item_title.startswith("Quarterly Corporate Performance Monitoring Report")
    assert "the highest ever recorded for the Authority" in hits[0].snippet
    seed = [row for row in register if row.item_number == "4"]
    assert [row.text for row in seed] == [
        (
            "That the reported performance for Quarter 1 and the Ofsted post inspection update "
            "information and comments be noted."
        )
    ]
    assert seed[0].label == "Resolved"


def test_the_demo_database_is_searchable_after_an_upgrade_from_0002(demo_path: Path) -> None:
    """A database written before the index existed is indexed by the upgrade."""
    engine = sa.create_engine(sa.URL.create("sqlite", database=str(demo_path)))
    try:
        with engine.begin() as connection:
            command.downgrade(migrations.alembic_config(connection), "0002_indicator_targets")
    finally:
        engine.dispose()

    workspace = open_workspace(demo_path)  # upgrades to the head again
    try:
        hits = search_minutes(workspace=workspace, query="highest ever recorded")
    finally:
        workspace.close()

    assert [hit.item_number for hit in hits][:1] == ["4"]
