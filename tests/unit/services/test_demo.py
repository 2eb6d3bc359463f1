"""The demo database holds the seed minutes faithfully, and sample data clearly labelled.

The seed (``shared/seeds``) is the source of truth: these tests read it and
check the demo against it paragraph by paragraph, rather than against a copy
of its text, so a mistake in the data files cannot hide in a mistaken test.
They read the database back with ``sqlite3``, the way any other tool would.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from qpmr_desktop.services import demo
from qpmr_desktop.services.demo import (
    DemoDataError,
    DemoExistsError,
    build_demo_database,
    demo_data_dir,
    ensure_demo_database,
    load_demo_data,
)

SHARED = Path(__file__).resolve().parents[4] / "shared"
SEED_CHECK = SHARED / "checks" / "seed_in_db.py"
SEED = SHARED / "seeds" / "000_1c0c492cd0f74398.txt"

TITLE = "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
RESOLUTION = (
    "That the reported performance for Quarter 1 and the Ofsted post inspection update "
    "information and comments be noted."
)
HEADINGS = ("Start Well", "Live Well", "Age Well", "Ofsted Post Inspection Update")

# For each point of item 4, in the seed's order: the section heading it sits
# under in the demo and its kind. "Highlights were provided…" has no heading
# in the seed and is not about Age Well, so it opens a heading-less section.
EXPECTED_POINTS: list[tuple[str | None, str]] = [
    (None, "presented"),  # A report was presented by Donna Talbot…
    ("Start Well", "noted"),  # It was noted that the number of 1,875…
    ("Start Well", "reported"),  # The proportion of care leavers…
    ("Start Well", "noted"),  # The Cabinet Committee noted…
    ("Live Well", "reported"),  # It was reported that there had been a low uptake…
    ("Live Well", "noted"),  # It was noted that representatives from NHS England…
    ("Age Well", "discussion"),  # An area of concern was…
    ("Age Well", "noted"),  # The Committee noted that there had been a rising trend…
    ("Age Well", "noted"),  # It was noted that waiting times…
    (None, "reported"),  # Highlights were provided…
    ("Ofsted Post Inspection Update", "presented"),  # Richard Cooke… provided a summary
    ("Ofsted Post Inspection Update", "reported"),  # It was reported that a new 12 week plan…
    ("Ofsted Post Inspection Update", "reported"),  # The overarching Improvement Plan…
    ("Ofsted Post Inspection Update", "reported"),  # It was reported that a Social Work Academy…
    ("Ofsted Post Inspection Update", "noted"),  # The Committee noted that locality workshops…
    ("Ofsted Post Inspection Update", "reported"),  # It was reported that work continued…
    ("Ofsted Post Inspection Update", "noted"),  # The Committee noted that the formal letter…
    ("Ofsted Post Inspection Update", "reported"),  # It was reported that the DfE…
    ("Ofsted Post Inspection Update", "reported"),  # There would also be a LGA Peer Review…
]


def fold(text: str) -> str:
    """Whitespace folded as the external seed check folds it."""
    return re.sub(r"\s+", " ", text).strip()


def seed_paragraphs(seed_text: str) -> list[str]:
    """The seed's paragraphs without the page furniture, as the external check splits them."""
    paragraphs = [fold(each) for each in re.split(r"\n\s*\n", seed_text)]
    return [
        each for each in paragraphs if each and each not in ("Agenda item", "Supporting documents:")
    ]


@pytest.fixture
def db(demo_template: Path) -> Iterator[sqlite3.Connection]:
    """The shared demo, opened read-only: these tests only look."""
    connection = sqlite3.connect(f"{demo_template.as_uri()}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    """Run one statement on the database at ``path`` (committed) and return its rows."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            return connection.execute(sql).fetchall()
    finally:
        connection.close()


def seed_item_id(db: sqlite3.Connection) -> int:
    (row,) = db.execute("select id from agenda_item where title = ?", (TITLE,)).fetchall()
    return int(row["id"])


def item_points(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute(
        """
        select s.position as section_position, s.heading, p.kind, p.text
        from minute_section s join minute_point p on p.section_id = s.id
        where s.agenda_item_id = ?
        order by s.position, s.id, p.position, p.id
        """,
        (seed_item_id(db),),
    ).fetchall()


# ------------------------------------------------------------------ the seed item


def test_every_seed_paragraph_is_in_order_under_its_heading_with_its_kind(
    db: sqlite3.Connection, seed_text: str
) -> None:
    paragraphs = seed_paragraphs(seed_text)
    assert paragraphs[0] == TITLE
    assert paragraphs[-1].startswith("Resolved:")
    body = [each for each in paragraphs[1:-1] if each not in HEADINGS]

    points = item_points(db)

    assert [fold(point["text"]) for point in points] == body
    assert [(point["heading"], point["kind"]) for point in points] == EXPECTED_POINTS
    # Stored text is already folded and trimmed: what prints is what was checked.
    assert all(point["text"] == fold(point["text"]) for point in points)


def test_headings_and_points_read_in_the_seeds_order(
    db: sqlite3.Connection, seed_text: str
) -> None:
    """Walking the sections as a printer would gives the seed's paragraphs, headings included."""
    printed: list[str] = []
    current_section: int | None = None
    for point in item_points(db):
        if point["section_position"] != current_section:
            current_section = point["section_position"]
            if point["heading"] is not None:
                printed.append(point["heading"])
        printed.append(point["text"])
    assert printed == seed_paragraphs(seed_text)[1:-1]


def test_sections_are_the_four_headings_in_order(db: sqlite3.Connection) -> None:
    headings = [
        row["heading"]
        for row in db.execute(
            "select heading from minute_section where agenda_item_id = ? order by position, id",
            (seed_item_id(db),),
        )
    ]
    assert headings == [None, *HEADINGS[:3], None, HEADINGS[3]]
    assert [each for each in headings if each is not None] == list(HEADINGS)


def test_the_title_number_and_resolution_are_exact(db: sqlite3.Connection, seed_text: str) -> None:
    item = db.execute("select * from agenda_item where title = ?", (TITLE,)).fetchone()
    assert item["number"] == "4"
    assert item["is_sample"] == 0
    resolutions = db.execute(
        "select label, text from resolution where agenda_item_id = ? order by position",
        (item["id"],),
    ).fetchall()
    assert [(row["label"], row["text"]) for row in resolutions] == [("Resolved", RESOLUTION)]
    assert seed_paragraphs(seed_text)[-1] == f"Resolved: {RESOLUTION}"


def test_presenters_are_in_order_with_their_roles(db: sqlite3.Connection) -> None:
    presenters = db.execute(
        """
        select p.name, p.is_sample, ip.role
        from item_presenter ip join person p on p.id = ip.person_id
        where ip.agenda_item_id = ? order by ip.position
        """,
        (seed_item_id(db),),
    ).fetchall()
    assert [(row["name"], row["role"], row["is_sample"]) for row in presenters] == [
        ("Donna Talbot", "Head of Services Business Intelligence", 0),
        ("Richard Cooke", "Programme Manager", 0),
    ]


def test_the_seed_item_records_no_supporting_documents(db: sqlite3.Connection) -> None:
    """The seed's "Supporting documents:" has nothing after it; nothing is invented."""
    assert db.execute("select count(*) from supporting_document").fetchone()[0] == 0


def test_the_external_seed_check_passes(demo_template: Path) -> None:
    if not (SEED_CHECK.exists() and SEED.exists()):
        pytest.skip("the shared seed check is not available here")
    result = subprocess.run(
        [sys.executable, str(SEED_CHECK), str(demo_template), str(SEED)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(r"all \d+ seed paragraphs present\n", result.stdout)


# ------------------------------------------------------------------ the meeting


def test_the_meeting_is_sample_metadata_before_the_seeds_future_dates(
    db: sqlite3.Connection,
) -> None:
    (meeting,) = db.execute("select * from meeting").fetchall()
    assert meeting["is_sample"] == 1
    assert dt.date.fromisoformat(meeting["date"]) < dt.date(2017, 9, 18)
    assert "County Hall, Preston" in meeting["venue"]
    committee = db.execute("select name from committee where id = ?", (meeting["committee_id"],))
    assert committee.fetchone()["name"] == "Cabinet Committee on Performance Improvement"


def test_the_standing_items_come_first_and_are_sample(db: sqlite3.Connection) -> None:
    items = db.execute(
        "select number, title, is_sample from agenda_item order by position"
    ).fetchall()
    assert [(row["number"], row["is_sample"]) for row in items] == [
        ("1", 1),
        ("2", 1),
        ("3", 1),
        ("4", 0),
    ]
    minutes_item = db.execute("select id from agenda_item where number = '3'").fetchone()["id"]
    resolution = db.execute("select text from resolution where agenda_item_id = ?", (minutes_item,))
    assert "correct record" in resolution.fetchone()["text"]


def test_attendance_marks_the_chair_and_real_people_are_not_sample(db: sqlite3.Connection) -> None:
    rows = db.execute(
        """
        select p.name, p.is_sample, a.role, a.status
        from attendance a join person p on p.id = a.person_id
        order by a.position
        """
    ).fetchall()
    roles = [(row["role"], row["status"]) for row in rows]
    assert roles.count(("chair", "present")) == 1
    assert ("member", "apologies") in roles
    assert ("officer", "present") in roles
    people = {
        row["name"]: row["is_sample"] for row in db.execute("select name, is_sample from person")
    }
    for real in ("Donna Talbot", "Richard Cooke", "Amanda Hatton", "Tony Crane"):
        assert people.pop(real) == 0
    assert people
    assert set(people.values()) == {1}  # everyone else is invented


# ------------------------------------------------------------------ indicators


def values_of(db: sqlite3.Connection, ref: str) -> list[sqlite3.Row]:
    return db.execute(
        """
        select v.* from indicator_value v join indicator i on i.id = v.indicator_id
        where i.ref = ? order by v.year, v.quarter
        """,
        (ref,),
    ).fetchall()


def test_children_looked_after_is_the_seeds_figure_and_the_highest_ever(
    db: sqlite3.Connection,
) -> None:
    values = values_of(db, "CLA-01")
    latest = values[-1]
    assert (latest["year"], latest["quarter"]) == (2017, 1)
    assert latest["value"] == 1875
    assert latest["is_sample"] == 0
    assert latest["data_as_at"] == "2017-06-30"
    assert "highest" in latest["commentary"]
    assert len(values) >= 8
    assert all(earlier["value"] < 1875 for earlier in values[:-1])


def test_every_other_value_is_flagged_sample(db: sqlite3.Connection) -> None:
    real = db.execute(
        """
        select i.ref, v.year, v.quarter
        from indicator_value v join indicator i on i.id = v.indicator_id
        where not v.is_sample
        """
    ).fetchall()
    assert [tuple(row) for row in real] == [("CLA-01", 2017, 1)]


def test_every_indicator_has_eight_to_twelve_quarters_to_q1_2017_18(db: sqlite3.Connection) -> None:
    refs = [row["ref"] for row in db.execute("select ref from indicator order by id")]
    assert len(refs) == 9
    for ref in refs:
        values = values_of(db, ref)
        assert 8 <= len(values) <= 12, ref
        assert (values[-1]["year"], values[-1]["quarter"]) == (2017, 1), ref
        assert values[-1]["commentary"], ref


def test_the_seeds_statements_hold_in_the_data(db: sqlite3.Connection) -> None:
    def last_two(ref: str) -> tuple[float, float]:
        values = values_of(db, ref)
        return values[-2]["value"], values[-1]["value"]

    previous, latest = last_two("CLV-01")
    assert latest < previous  # care leavers in EET "had reduced"
    previous, latest = last_two("ASC-01")
    assert latest > previous  # care-home admissions "increased"
    previous, latest = last_two("ASC-02")
    assert latest < previous  # social work assessment waits "had improved"

    exclusions = values_of(db, "EXC-01")[-1]
    assert exclusions["value"] > max(
        exclusions["england"], exclusions["region"], exclusions["statistical_neighbours"]
    )
    health_checks = values_of(db, "NHC-01")
    assert health_checks[-1]["value"] < min(each["value"] for each in health_checks[:-1])

    # Delayed transfers: "a rising trend both locally and nationally".
    delays = values_of(db, "DTC-01")[-5:]
    for column in ("value", "england"):
        series = [each[column] for each in delays]
        assert series == sorted(series), column
        assert series[-1] > series[0], column


def test_percentages_agree_with_their_numerators(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "select value, numerator, denominator from indicator_value where numerator is not null"
    ).fetchall()
    assert rows
    for row in rows:
        assert round(row["numerator"] / row["denominator"] * 100, 1) == row["value"]


# ------------------------------------------------------------------ plans, actions, events


def test_the_two_plans_have_their_priority_areas_in_order(db: sqlite3.Connection) -> None:
    plans = {
        row["name"]: (row["id"], row["board"])
        for row in db.execute("select id, name, board from improvement_plan")
    }
    areas = {
        name: [
            row["name"]
            for row in db.execute(
                "select name from priority_area where plan_id = ? order by position", (plan_id,)
            )
        ]
        for name, (plan_id, _board) in plans.items()
    }
    assert areas == {
        "12-Week Improvement Plan": [
            "MASH/Early Help",
            "Quality of practice",
            "Placement sufficiency",
            "Child sexual exploitation",
            "Workforce",
        ],
        "Overarching Improvement Plan": ["Prevention", "Purposeful Practice", "Permanence"],
    }
    assert plans["12-Week Improvement Plan"][1] == "Children's Services Improvement Board"


def test_actions_are_sample_and_cover_every_status(db: sqlite3.Connection) -> None:
    actions = db.execute("select * from action").fetchall()
    assert all(action["is_sample"] for action in actions)
    assert {action["status"] for action in actions} >= {"complete", "at risk", "off track"}
    per_area = db.execute(
        "select count(*) as n from priority_area a left join action x on x.priority_area_id = a.id "
        "group by a.id"
    ).fetchall()
    assert all(2 <= row["n"] <= 4 for row in per_area)
    assert all(action["lead_id"] is not None for action in actions)
    assert all(
        dt.date(2017, 9, 1) <= dt.date.fromisoformat(action["due_date"]) <= dt.date(2018, 5, 31)
        for action in actions
    )


def test_actions_name_the_resolution_that_created_them(db: sqlite3.Connection) -> None:
    # Sample links, so the Minutes tab shows an item's actions in the demo.
    linked = db.execute(
        "select a.ref, p.name as plan, i.number from action a "
        "join improvement_plan p on p.id = a.plan_id "
        "join resolution r on r.id = a.resolution_id "
        "join agenda_item i on i.id = r.agenda_item_id order by a.ref"
    ).fetchall()
    assert [(row["ref"], row["number"]) for row in linked] == [("3.1", "4"), ("3.2", "4")]
    assert {row["plan"] for row in linked} == {"12-Week Improvement Plan"}


def test_action_updates_are_sample_utc_history_ending_at_the_actions_state(
    db: sqlite3.Connection,
) -> None:
    for action in db.execute("select id, status, progress from action"):
        updates = db.execute(
            "select * from action_update where action_id = ? order by at, id", (action["id"],)
        ).fetchall()
        assert len(updates) <= 3
        if updates:
            assert updates[-1]["new_status"] == action["status"]
            assert updates[-1]["new_progress"] == action["progress"]
            assert all(update["is_sample"] for update in updates)
    assert db.execute("select count(*) from action_update").fetchone()[0] >= 5


def test_events_have_the_seeds_dates(db: sqlite3.Connection) -> None:
    events = {
        row["title"]: (row["kind"], row["start_date"], row["end_date"], row["date_precision"])
        for row in db.execute("select * from plan_event")
    }

    def find(words: str) -> tuple[str, str, str | None, str]:
        (match,) = [value for title, value in events.items() if words in title]
        return match

    assert find("Social Work Academy") == ("intake", "2017-09-18", None, "day")
    assert find("Health Scrutiny Steering Group") == ("meeting", "2017-09-27", None, "day")
    assert find("agreed by Cabinet") == ("milestone", "2017-09-01", None, "month")
    assert find("signed off by the Improvement Board") == ("milestone", "2017-10-01", None, "month")
    assert find("Peer Review") == ("peer review", "2017-10-16", "2017-10-19", "day")
    assert find("DfE six-month review") == ("review", "2017-11-03", "2017-11-04", "day")
    assert find("Full Council") == ("meeting", "2017-12-01", None, "month")
    crane = db.execute("select notes from plan_event where title like 'DfE%'").fetchone()
    assert "Tony Crane" in crane["notes"]


# ------------------------------------------------------------------ building safely


def test_refuses_to_overwrite_without_force_and_leaves_the_file_alone(demo_path: Path) -> None:
    before = demo_path.read_bytes()
    with pytest.raises(DemoExistsError) as caught:
        build_demo_database(demo_path)
    assert str(demo_path) in str(caught.value)
    assert "--force" in str(caught.value)
    assert demo_path.read_bytes() == before
    assert os.listdir(demo_path.parent) == [demo_path.name]


def test_refuses_any_existing_file_even_one_that_is_not_a_database(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(DemoExistsError):
        build_demo_database(target)
    assert target.read_text(encoding="utf-8") == "keep me"


def test_force_replaces_the_file_with_a_new_demo(tmp_path: Path, seed_text: str) -> None:
    target = tmp_path / "demo.qpmr"
    target.write_bytes(b"not a database")
    # A stale rollback journal beside the old file must not be replayed into the new one.
    Path(f"{target}-journal").write_bytes(b"stale")

    assert build_demo_database(target, force=True) == target

    assert sorted(os.listdir(tmp_path)) == ["demo.qpmr"]
    assert (TITLE,) in query(target, "select title from agenda_item")


def test_a_failure_while_writing_leaves_the_old_file_and_no_debris(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = demo_path.read_bytes()

    def explode(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(demo, "_insert", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build_demo_database(demo_path, force=True)
    assert demo_path.read_bytes() == before
    assert os.listdir(demo_path.parent) == [demo_path.name]


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        build_demo_database(tmp_path / "nowhere" / "demo.qpmr")
    assert caught.value.filename == str(tmp_path / "nowhere")


def test_ensure_builds_only_when_missing(tmp_path: Path) -> None:
    target = tmp_path / "data" / "folder" / "demo.qpmr"
    assert ensure_demo_database(target) == target
    built = target.read_bytes()
    # A second call keeps the (possibly edited) file as it is.
    query(target, "update committee set name = 'Edited'")
    edited = target.read_bytes()
    assert edited != built
    assert ensure_demo_database(target) == target
    assert target.read_bytes() == edited


# ------------------------------------------------------------------ the data files


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped data files, for a test to spoil."""
    folder = tmp_path / "data"
    shutil.copytree(demo_data_dir(), folder)
    return folder


class Spoil(NamedTuple):
    """One way to spoil a data file, and the start of the error it must cause."""

    name: str  # the data file
    old: str  # text replaced (its first occurrence)
    new: str
    message: str  # a regular expression


def spoil(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_data_loads() -> None:
    data = load_demo_data()
    assert data.council == "Lancashire County Council"
    assert data.indicators[0].ref == "CLA-01"
    assert sum(len(plan.actions) for plan in data.plans) == 20


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            Spoil(
                "meeting.toml",
                'kind = "discussion"',
                'kind = "gossip"',
                r"meeting\.toml, item 4 \(number '4'\), section 4 \(heading 'Age Well'\), point 1: "
                r"'kind' is 'gossip', which is not one of 'presented', ",
            ),
            id="bad point kind",
        ),
        pytest.param(
            Spoil(
                "indicators.toml",
                'polarity = "lower is better"',
                'polarity = "down"',
                r"indicators\.toml, indicator 1 \(ref 'CLA-01'\): 'polarity' is 'down'",
            ),
            id="bad polarity",
        ),
        pytest.param(
            Spoil(
                "indicators.toml",
                'measure_type = "rolling 12 months"\n',
                "",
                r"indicators\.toml, indicator 3 \(ref 'EXC-01'\): "
                r"the key 'measure_type' is missing",
            ),
            id="missing key",
        ),
        pytest.param(
            Spoil(
                "indicators.toml",
                '{ period = "Q3 2014/15", value = 1526,',
                '{ period = "Q3 2014/16", value = 1526,',
                r"indicators\.toml, indicator 1 \(ref 'CLA-01'\), "
                r"values 2 \(period 'Q3 2014/16'\): 'Q3 2014/16' is not a period",
            ),
            id="bad period",
        ),
        pytest.param(
            Spoil(
                "plans.toml",
                'status = "off track"',
                'status = "off the rails"',
                r"plans\.toml, plan 1 \(key 'twelve_week'\), action 6 \(ref '2\.3'\): 'status'",
            ),
            id="bad action status",
        ),
        pytest.param(
            Spoil(
                "plans.toml",
                'lead = "mark_threlfall"',
                'lead = "nobody"',
                r"plans\.toml, plan 1 \(key 'twelve_week'\), action 10 \(ref '4\.1'\): "
                r"'lead' names person 'nobody', which is not defined",
            ),
            id="unknown person",
        ),
        pytest.param(
            Spoil(
                "people.toml",
                'key = "tony_crane"\nname = "Tony Crane"\n',
                'key = "tony_crane"\nname = "Tony Crane"\nis_smaple = true\n',
                r"people\.toml, person 4 \(key 'tony_crane'\): unknown key\(s\) 'is_smaple'",
            ),
            id="misspelt key",
        ),
        pytest.param(
            Spoil(
                "plans.toml",
                "new_progress = 60\n",
                "new_progress = 65\n",
                r"plans\.toml, plan 1 \(key 'twelve_week'\), action 1 \(ref '1\.1'\): "
                r"update 2: old_progress 60 should be 65",
            ),
            id="broken history",
        ),
        pytest.param(
            Spoil(
                "plans.toml",
                "at = 2017-09-22T15:10:00Z",
                "at = 2017-09-22T15:10:00",
                r"plans\.toml, .*update 1: 'at' must give its time zone",
            ),
            id="naive time",
        ),
        pytest.param(
            Spoil(
                "indicators.toml",
                "numerator = 362, denominator = 712",
                "numerator = 363, denominator = 712",
                r"indicators\.toml, indicator 2 \(ref 'CLV-01'\), "
                r"values 12 \(period 'Q1 2017/18'\): 'value' 50\.8 disagrees",
            ),
            id="value disagrees with n",
        ),
        pytest.param(
            Spoil(
                "plans.toml",
                'resolution = "4"',
                'resolution = "2"',
                r"plans\.toml, plan 1 \(key 'twelve_week'\), action \d+ \(ref '3\.1'\): "
                r"'resolution' names the agenda item with a resolution '2', which is not defined",
            ),
            id="action names an item without a resolution",
        ),
        pytest.param(
            Spoil(
                "meeting.toml",
                "[committee]\n",
                "[committee\n",
                r"meeting\.toml: not valid TOML",
            ),
            id="toml syntax",
        ),
    ],
)
def test_bad_data_is_refused_with_the_file_and_entry_named(
    data_copy: Path, tmp_path: Path, case: Spoil
) -> None:
    spoil(data_copy, case.name, case.old, case.new)
    with pytest.raises(DemoDataError, match=case.message):
        load_demo_data(data_copy)
    # Nothing is written for bad data, not even a scratch folder.
    target = tmp_path / "out" / "demo.qpmr"
    target.parent.mkdir()
    with pytest.raises(DemoDataError):
        build_demo_database(target, data_dir=data_copy)
    assert os.listdir(target.parent) == []


def test_a_missing_data_file_is_named(data_copy: Path) -> None:
    (data_copy / "plans.toml").unlink()
    with pytest.raises(DemoDataError, match=r"^plans\.toml: the demo data file .* is missing"):
        load_demo_data(data_copy)


def test_non_latin_text_and_emoji_survive_the_round_trip(data_copy: Path, tmp_path: Path) -> None:
    title = 'Ymgynghoriad – Łódź, Zürich, 東京 and <b>&amp;</b> "quotes" 📈'
    spoil(data_copy, "meeting.toml", 'title = "Apologies"', f"title = '{title}'")
    target = tmp_path / "unicode.qpmr"
    build_demo_database(target, data_dir=data_copy)
    assert query(target, "select title from agenda_item where number = '1'") == [(title,)]


def test_the_demo_names_its_council_for_the_papers(demo_path: Path) -> None:
    from qpmr_desktop.services.settings import COUNCIL_NAME, get_setting
    from qpmr_desktop.services.workspace import open_workspace

    workspace = open_workspace(demo_path)
    try:
        assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == "Lancashire County Council"
    finally:
        workspace.close()


def test_the_demo_judges_its_2017_actions_as_at_december_2017(demo_path: Path) -> None:
    from qpmr_desktop.services.actions import list_action_rows
    from qpmr_desktop.services.settings import effective_today
    from qpmr_desktop.services.workspace import open_workspace

    workspace = open_workspace(demo_path)
    try:
        as_at = effective_today(workspace=workspace)
        rows = list_action_rows(workspace=workspace, today=as_at)
    finally:
        workspace.close()

    assert as_at == dt.date(2017, 12, 1)
    overdue = [row for row in rows if row.overdue]
    # A realistic picture for a plan under way, not "everything late".
    assert 0 < len(overdue) < len([row for row in rows if row.status.value != "complete"])
    assert all(row.due_date is not None and row.due_date < as_at for row in overdue)
