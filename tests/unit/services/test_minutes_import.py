"""Saving parsed published minutes as a new agenda item, and reading it back the same.

Each test writes to a fresh database through the real service and reads back
through ``services.minutes`` (the read side the app shows), so what is
checked is what a clerk would see.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import MinutesStatus, PointKind
from qpmr_desktop.domain.minutes_parsing import (
    ParsedMinutes,
    ParsedPoint,
    ParsedPresenter,
    ParsedResolution,
    ParsedSection,
    parse_published_minutes,
)
from qpmr_desktop.services.audit import list_audit
from qpmr_desktop.services.errors import NotAllowedError, ValidationError
from qpmr_desktop.services.minutes import get_item_minutes, list_agenda_items, list_meetings
from qpmr_desktop.services.minutes_import import next_item_number, save_parsed_item
from qpmr_desktop.services.read_models import ItemMinutes
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import (
    AgendaItem,
    AuditEntry,
    Committee,
    Meeting,
    MinutePoint,
    Person,
    Resolution,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "domain" / "minutes_examples"
COMMITTEE = "Cabinet Committee on Performance Improvement"
DATE = dt.date(2017, 9, 12)
NOW = dt.datetime(2017, 9, 20, 10, 30, tzinfo=dt.UTC)


def fake_clock() -> dt.datetime:
    return NOW


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "import.qpmr", create=True, user="clerk")
    yield workspace
    workspace.close()


def save(
    workspace: Workspace,
    parsed: ParsedMinutes,
    *,
    committee: str = COMMITTEE,
    meeting_date: dt.date = DATE,
    number: str | None = None,
) -> AgendaItemId:
    return save_parsed_item(
        workspace=workspace,
        parsed=parsed,
        committee=committee,
        meeting_date=meeting_date,
        number=number,
        clock=fake_clock,
    )


def inserted_id(connection: sa.Connection, statement: sa.Insert) -> int:
    (row_id,) = connection.execute(statement).inserted_primary_key or (None,)
    assert isinstance(row_id, int)
    return row_id


def structure(minutes: ItemMinutes) -> ParsedMinutes:
    """What was read back, in the parser's terms (part labels joined back to their text)."""
    return ParsedMinutes(
        title=minutes.title,
        presenters=tuple(ParsedPresenter(each.name, each.role) for each in minutes.presenters),
        sections=tuple(
            ParsedSection(
                section.heading,
                tuple(ParsedPoint(point.kind, point.text) for point in section.points),
            )
            for section in minutes.sections
        ),
        resolutions=tuple(
            ParsedResolution(
                # The read side numbers several resolutions: "Resolved (ii)".
                resolution.label.split(" (")[0],
                resolution.text,
                tuple(f"{label} {text}" if label else text for label, text in resolution.parts),
            )
            for resolution in minutes.resolutions
        ),
        supporting_documents=tuple(document.title for document in minutes.documents),
    )


def saved_part(parsed: ParsedMinutes) -> ParsedMinutes:
    """What of a parse is saved: not the published item number, nor the repeats folded away.

    A presenter known only by role is saved as a person of that name.
    """
    presenters = tuple(
        ParsedPresenter(each.name or each.role, each.role) for each in parsed.presenters
    )
    return dataclasses.replace(
        parsed, presenters=presenters, item_number=None, repeated_decisions=()
    )


def count(workspace: Workspace, table: type[object]) -> int:
    with workspace.database.session() as session:
        return int(
            session.connection().execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        )


def all_counts(workspace: Workspace) -> list[int]:
    tables = (Committee, Meeting, AgendaItem, Person, MinutePoint, Resolution, AuditEntry)
    return [count(workspace, table) for table in tables]


# ------------------------------------------------------------------ round trips


def test_the_seed_reads_back_as_parsed(workspace: Workspace, seed_text: str) -> None:
    parsed = parse_published_minutes(seed_text)

    item_id = save(workspace, parsed)
    minutes = get_item_minutes(workspace=workspace, item_id=item_id)

    assert structure(minutes) == saved_part(parsed)
    assert minutes.number == "1"
    assert minutes.meeting.committee == COMMITTEE
    assert minutes.meeting.date == DATE
    assert minutes.meeting.status is MinutesStatus.DRAFT
    assert [
        each.title for each in list_agenda_items(workspace=workspace, meeting_id=minutes.meeting.id)
    ] == [parsed.title]


@pytest.mark.parametrize("name", sorted(path.stem for path in EXAMPLES.glob("*.txt")))
def test_every_example_reads_back_as_parsed(workspace: Workspace, name: str) -> None:
    parsed = parse_published_minutes((EXAMPLES / f"{name}.txt").read_text(encoding="utf-8"))
    if parsed.title is None:
        parsed = dataclasses.replace(parsed, title="Untitled")

    item_id = save(workspace, parsed)

    assert structure(get_item_minutes(workspace=workspace, item_id=item_id)) == saved_part(parsed)


def test_parts_are_saved_with_their_numbers_as_labels(workspace: Workspace) -> None:
    parsed = parse_published_minutes(
        "Title\n\nRESOLVED – That:\n(1) the report be noted;\n(ii) the plan be approved;\n"
        "• a review be held.\n\nAGREED: That the Chair write to the Minister.\n"
    )

    minutes = get_item_minutes(workspace=workspace, item_id=save(workspace, parsed))

    assert [(each.label, each.text, each.parts) for each in minutes.resolutions] == [
        (
            "Resolved (i)",
            "That:",
            (
                ("(1)", "the report be noted;"),
                ("(ii)", "the plan be approved;"),
                ("", "a review be held."),
            ),
        ),
        ("Agreed (ii)", "That the Chair write to the Minister.", ()),
    ]


def test_hostile_text_survives(workspace: Workspace) -> None:
    text = (
        "<b>Title</b> & “quotes” 🚀 — 陈伟\n\n"
        "Zoë O’Brien-Łukasiewicz, Head of <Digital> & Data, presented the report; "
        "'; DROP TABLE minute_point; -- was typed by nobody 🙂.\n\n"
        "Resolved: That <script>alert('x')</script> & “this” be noted — Ngũgĩ.\n\n"
        "Supporting documents:\n\nAppendix <A> & “B”.pdf PDF 1 MB\n"
    )
    parsed = parse_published_minutes(text)

    minutes = get_item_minutes(workspace=workspace, item_id=save(workspace, parsed))

    assert structure(minutes) == saved_part(parsed)
    assert minutes.title == "<b>Title</b> & “quotes” 🚀 — 陈伟"
    assert minutes.presenters[0].name == "Zoë O’Brien-Łukasiewicz"
    assert minutes.presenters[0].role == "Head of <Digital> & Data"
    assert minutes.sections[0].points[0].text.endswith("-- was typed by nobody 🙂.")
    assert (
        minutes.resolutions[0].text == "That <script>alert('x')</script> & “this” be noted — Ngũgĩ."
    )
    assert [each.title for each in minutes.documents] == ["Appendix <A> & “B”.pdf"]
    assert count(workspace, MinutePoint) == 1


# ------------------------------------------------------------------ committee, meeting, agenda


def test_an_existing_committee_and_meeting_take_the_item_at_the_end(workspace: Workspace) -> None:
    with workspace.database.session() as session:
        connection = session.connection()
        committee_id = inserted_id(
            connection, sa.insert(Committee).values(name="Łódź Scrutiny Panel")
        )
        meeting_id = inserted_id(
            connection,
            sa.insert(Meeting).values(
                committee_id=committee_id, date=DATE, status=MinutesStatus.CIRCULATED
            ),
        )
        for number, position in (("1", 1), ("2a", 5), ("2", 2)):
            connection.execute(
                sa.insert(AgendaItem).values(
                    meeting_id=meeting_id, number=number, title="Earlier", position=position
                )
            )
    parsed = parse_published_minutes("Budget\n\nIt was noted.\n")

    # The name matches whatever its capitals, non-ASCII letters too.
    item_id = save(workspace, parsed, committee="  łódź   scrutiny PANEL ")

    minutes = get_item_minutes(workspace=workspace, item_id=item_id)
    assert minutes.meeting.id == meeting_id
    assert minutes.number == "3"
    assert [
        each.number
        for each in list_agenda_items(workspace=workspace, meeting_id=MeetingId(meeting_id))
    ] == [
        "1",
        "2",
        "2a",
        "3",
    ]
    assert count(workspace, Committee) == 1
    assert count(workspace, Meeting) == 1


def test_a_number_given_is_used(workspace: Workspace) -> None:
    parsed = parse_published_minutes("4. Budget PDF 84 KB\n\nIt was noted.\n")
    assert parsed.item_number == "4"

    item_id = save(workspace, parsed, number=parsed.item_number)

    assert get_item_minutes(workspace=workspace, item_id=item_id).number == "4"


def test_a_second_import_goes_after_the_first(workspace: Workspace) -> None:
    parsed = parse_published_minutes("Budget\n\nIt was noted.\n")

    first = save(workspace, parsed)
    second = save(workspace, parsed)

    assert [
        get_item_minutes(workspace=workspace, item_id=item).number for item in (first, second)
    ] == ["1", "2"]
    (meeting,) = list_meetings(workspace=workspace)
    assert meeting.item_count == 2


def test_another_date_is_another_meeting(workspace: Workspace) -> None:
    parsed = parse_published_minutes("Budget\n\nIt was noted.\n")

    save(workspace, parsed)
    save(workspace, parsed, meeting_date=dt.date(2017, 12, 5))

    assert [(each.date, each.item_count) for each in list_meetings(workspace=workspace)] == [
        (dt.date(2017, 12, 5), 1),
        (DATE, 1),
    ]
    assert count(workspace, Committee) == 1


def test_approved_minutes_are_refused_and_nothing_is_written(workspace: Workspace) -> None:
    parsed = parse_published_minutes("Budget\n\nJo Bloggs, Head of Finance, presented it.\n")
    save(workspace, parsed)
    with workspace.database.session() as session:
        session.connection().execute(sa.update(Meeting).values(status=MinutesStatus.APPROVED))
    before = all_counts(workspace)

    with pytest.raises(NotAllowedError, match=r"12 September 2017 are approved"):
        save(workspace, parse_published_minutes("Another\n\nA new person, Ann Other, gave it.\n"))

    assert all_counts(workspace) == before


@pytest.mark.parametrize(
    ("parsed", "committee", "field"),
    [
        (ParsedMinutes(None, (), (), (), ()), COMMITTEE, "title"),
        (ParsedMinutes("  ", (), (), (), ()), COMMITTEE, "title"),
        (ParsedMinutes("Budget", (), (), (), ()), " \t", "committee"),
    ],
)
def test_a_title_and_a_committee_are_needed(
    workspace: Workspace, parsed: ParsedMinutes, committee: str, field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        save(workspace, parsed, committee=committee)

    assert [problem.field for problem in raised.value.problems] == [field]
    assert all_counts(workspace) == [0] * 7


# ------------------------------------------------------------------ people


def test_presenters_are_found_or_created_with_their_role_as_job_title(workspace: Workspace) -> None:
    with workspace.database.session() as session:
        session.connection().execute(
            sa.insert(Person).values(name="Donna Talbot", job_title="Head of BI")
        )
    parsed = parse_published_minutes(
        "Title\n\nA report was presented by DONNA TALBOT, Head of Services Business "
        "Intelligence, on the figures.\n\nRichard Cooke, Programme Manager, provided a summary."
        "\n\nThe update was presented by the Director of Children's Services.\n"
    )

    minutes = get_item_minutes(workspace=workspace, item_id=save(workspace, parsed))

    assert [(each.name, each.role) for each in minutes.presenters] == [
        ("Donna Talbot", "Head of Services Business Intelligence"),
        ("Richard Cooke", "Programme Manager"),
        ("Director of Children's Services", "Director of Children's Services"),
    ]
    with workspace.database.session() as session:
        people = (
            session.connection()
            .execute(sa.select(col(Person.name), col(Person.job_title)).order_by(col(Person.id)))
            .all()
        )
    assert [tuple(each) for each in people] == [
        ("Donna Talbot", "Head of BI"),  # found, and left as it was
        ("Richard Cooke", "Programme Manager"),
        ("Director of Children's Services", "Director of Children's Services"),
    ]


def test_the_same_presenter_in_two_imports_is_one_person(workspace: Workspace) -> None:
    parsed = parse_published_minutes("Title\n\nJo Bloggs, Head of Finance, presented it.\n")

    save(workspace, parsed)
    save(workspace, parsed)

    assert count(workspace, Person) == 1


# ------------------------------------------------------------------ audit


def test_everything_created_is_audited(workspace: Workspace, seed_text: str) -> None:
    item_id = save(workspace, parse_published_minutes(seed_text))

    entries = list_audit(workspace=workspace)

    assert [(each.table, each.change, each.who, each.at) for each in entries] == [
        ("committee", "create", "clerk", NOW),
        ("meeting", "create", "clerk", NOW),
        ("person", "create", "clerk", NOW),
        ("person", "create", "clerk", NOW),
        ("agenda_item", "create", "clerk", NOW),
    ]
    item_entry = entries[-1]
    assert item_entry.row_id == item_id
    assert item_entry.details["source"] == "published minutes"
    assert item_entry.details["fields"] == {
        "meeting_id": {"old": None, "new": 1},
        "number": {"old": None, "new": "1"},
        "title": {
            "old": None,
            "new": "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18",
        },
        "position": {"old": None, "new": 1},
    }
    assert (item_entry.details["points"], item_entry.details["resolutions"]) == (19, 1)
    meeting_fields = entries[1].details["fields"]
    assert isinstance(meeting_fields, dict)
    assert meeting_fields["status"] == {"old": None, "new": "draft"}


def test_adding_to_the_demo_meeting(demo_path: Path, seed_text: str) -> None:
    workspace = open_workspace(demo_path)
    try:
        (meeting,) = list_meetings(workspace=workspace)
        parsed = parse_published_minutes(seed_text)

        item_id = save_parsed_item(
            workspace=workspace,
            parsed=parsed,
            committee=meeting.committee,
            meeting_date=meeting.date,
        )

        minutes = get_item_minutes(workspace=workspace, item_id=item_id)
        assert minutes.meeting.id == meeting.id
        assert minutes.number == "5"  # after the demo's items 1-4
        assert structure(minutes) == saved_part(parsed)
        # The demo already has both presenters: no one is added twice.
        with workspace.database.session() as session:
            names = session.connection().execute(sa.select(col(Person.name))).scalars().all()
        assert names.count("Donna Talbot") == names.count("Richard Cooke") == 1
    finally:
        workspace.close()


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [([], "1"), (["1", "2", "3"], "4"), (["3a", "1"], "4"), (["A", "B"], "1"), ([" 9 "], "10")],
)
def test_next_item_number(numbers: list[str], expected: str) -> None:
    assert next_item_number(numbers) == expected


def test_point_kinds_survive(workspace: Workspace, seed_text: str) -> None:
    minutes = get_item_minutes(
        workspace=workspace, item_id=save(workspace, parse_published_minutes(seed_text))
    )

    kinds = [point.kind for section in minutes.sections for point in section.points]
    assert kinds.count(PointKind.PRESENTED) == 2
    assert kinds.count(PointKind.DISCUSSION) == 1
