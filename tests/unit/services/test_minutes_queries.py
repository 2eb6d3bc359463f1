"""Minutes read models: meetings newest first, items by position, one item in full order.

A small database written here (not the demo) so every ordering rule is
exercised by rows inserted out of order, and every label asserted exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import DeclarationKind, MinutesStatus, PointKind
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.minutes import (
    get_item_minutes,
    list_agenda_items,
    list_all_agenda_items,
    list_meetings,
    list_meetings_lazily,
    meeting_of_item,
    resolution_label,
    roman_numeral,
)
from qpmr_desktop.services.read_models import DocumentView, Presenter
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import (
    AgendaItem,
    Committee,
    DeclarationOfInterest,
    ItemPresenter,
    Meeting,
    MinutePoint,
    MinuteSection,
    Person,
    Resolution,
    ResolutionPart,
    SupportingDocument,
)

TITLE = "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"


@dataclass(frozen=True)
class Ids:
    september: MeetingId
    december: MeetingId
    empty: MeetingId
    performance: AgendaItemId
    apologies: AgendaItemId
    budget: AgendaItemId


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "minutes.qpmr", create=True)
    yield workspace
    workspace.close()


class _Row(Protocol):
    id: int | None


def insert(session: Session, row: _Row) -> int:
    """Add one row and return its new id."""
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


@pytest.fixture
def ids(workspace: Workspace) -> Ids:
    with workspace.database.session() as session:
        committee = insert(session, Committee(name="Cabinet Committee on Performance Improvement"))
        donna = insert(
            session,
            Person(name="Donna Talbot", job_title="Head of Services Business Intelligence"),
        )
        richard = insert(session, Person(name="Richard Cooke", job_title="Programme Manager"))
        member = insert(session, Person(name="County Councillor Zoë Ångström"))

        def meeting(day: dt.date, start: dt.time | None) -> MeetingId:
            row = Meeting(
                committee_id=committee,
                date=day,
                start_time=start,
                venue="Cabinet Room 'C' – County Hall, Preston",
                status=MinutesStatus.DRAFT,
            )
            return MeetingId(insert(session, row))

        # Inserted out of date order: the list must sort, not trust insertion.
        september = meeting(dt.date(2017, 9, 19), dt.time(14, 0))
        december = meeting(dt.date(2017, 12, 12), dt.time(10, 0))
        empty = meeting(dt.date(2017, 6, 1), None)

        def item(meeting_id: MeetingId, number: str, title: str, position: int) -> AgendaItemId:
            row = AgendaItem(meeting_id=meeting_id, number=number, title=title, position=position)
            return AgendaItemId(insert(session, row))

        performance = item(september, "4", TITLE, 4)
        apologies = item(september, "1", "Apologies", 1)
        item(september, "2", "Disclosure of Pecuniary and Non-Pecuniary Interests", 2)
        budget = item(december, "1", "Budget <draft> & “options” 😀", 1)

        # Presenters inserted in reverse: position decides; no stated role → job title.
        insert(
            session,
            ItemPresenter(agenda_item_id=performance, person_id=richard, role="", position=2),
        )
        insert(
            session,
            ItemPresenter(
                agenda_item_id=performance,
                person_id=donna,
                role="Head of Service, Business Intelligence",
                position=1,
            ),
        )
        start_well = insert(
            session, MinuteSection(agenda_item_id=performance, heading="Start Well", position=2)
        )
        opening = insert(
            session, MinuteSection(agenda_item_id=performance, heading=None, position=1)
        )
        for section, kind, text, position in [
            (start_well, PointKind.NOTED, "It was noted that 1,875 children were looked after.", 2),
            (start_well, PointKind.REPORTED, "It was reported that the rate had risen.", 1),
            (opening, PointKind.PRESENTED, "A report was presented.", 1),
        ]:
            insert(
                session, MinutePoint(section_id=section, kind=kind, text=text, position=position)
            )
        second = insert(
            session,
            Resolution(agenda_item_id=performance, text="That the plan be noted.", position=2),
        )
        insert(
            session,
            Resolution(agenda_item_id=performance, text="That the report be noted.", position=1),
        )
        insert(session, Resolution(agenda_item_id=budget, text="That the budget be agreed."))
        insert(
            session, ResolutionPart(resolution_id=second, label="(b)", text="by March.", position=2)
        )
        insert(
            session, ResolutionPart(resolution_id=second, label="(a)", text="in full;", position=1)
        )
        insert(
            session,
            DeclarationOfInterest(
                agenda_item_id=performance,
                person_id=member,
                kind=DeclarationKind.NON_REGISTRABLE,
                text="A relative works in the service.",
            ),
        )
        insert(
            session,
            SupportingDocument(
                agenda_item_id=performance, title="Appendix A", url="https://x/a", position=2
            ),
        )
        insert(
            session,
            SupportingDocument(
                agenda_item_id=performance,
                title="Report",
                file_path="papers/report.pdf",
                position=1,
            ),
        )
    return Ids(
        september=september,
        december=december,
        empty=empty,
        performance=performance,
        apologies=apologies,
        budget=budget,
    )


def test_meetings_read_lazily_are_the_same_meetings_made_one_at_a_time(
    workspace: Workspace, ids: Ids
) -> None:
    lazy = list_meetings_lazily(workspace=workspace)

    assert lazy.made_count == 0
    assert [lazy.key(row) for row in range(len(lazy))] == [ids.december, ids.september, ids.empty]
    assert lazy.position_of(ids.empty) == 2
    assert lazy[1] == list_meetings(workspace=workspace)[1]  # dates, times, status all typed
    assert lazy.made_count == 1
    assert list(lazy) == list_meetings(workspace=workspace)
    assert isinstance(lazy[0].date, dt.date)
    assert isinstance(lazy[0].status, MinutesStatus)


def test_meetings_are_listed_newest_first_with_item_counts(workspace: Workspace, ids: Ids) -> None:
    meetings = list_meetings(workspace=workspace)

    assert [m.id for m in meetings] == [ids.december, ids.september, ids.empty]
    assert [m.item_count for m in meetings] == [1, 3, 0]
    september = meetings[1]
    assert september.committee == "Cabinet Committee on Performance Improvement"
    assert september.date == dt.date(2017, 9, 19)
    assert september.start_time == dt.time(14, 0)
    assert september.venue == "Cabinet Room 'C' – County Hall, Preston"
    assert september.status is MinutesStatus.DRAFT
    assert meetings[2].start_time is None


def test_agenda_items_come_by_position(workspace: Workspace, ids: Ids) -> None:
    items = list_agenda_items(workspace=workspace, meeting_id=ids.september)

    assert [item.number for item in items] == ["1", "2", "4"]
    assert items[2].id == ids.performance
    assert items[2].title == TITLE
    assert {item.meeting_id for item in items} == {ids.september}


def test_a_meeting_without_items_lists_none(workspace: Workspace, ids: Ids) -> None:
    assert list_agenda_items(workspace=workspace, meeting_id=ids.empty) == []


def test_an_unknown_meeting_is_not_found(workspace: Workspace, ids: Ids) -> None:
    with pytest.raises(NotFoundError, match=r"no meeting with id 999\b"):
        list_agenda_items(workspace=workspace, meeting_id=MeetingId(999))


def test_all_items_follow_the_meetings_order(workspace: Workspace, ids: Ids) -> None:
    items = list_all_agenda_items(workspace=workspace)

    assert [(item.meeting_id, item.number) for item in items] == [
        (ids.december, "1"),
        (ids.september, "1"),
        (ids.september, "2"),
        (ids.september, "4"),
    ]
    assert items[0].title == "Budget <draft> & “options” 😀"


def test_the_meeting_of_an_item(workspace: Workspace, ids: Ids) -> None:
    assert meeting_of_item(workspace=workspace, item_id=ids.performance) == ids.september
    assert meeting_of_item(workspace=workspace, item_id=ids.apologies) == ids.september
    assert meeting_of_item(workspace=workspace, item_id=ids.budget) == ids.december


def test_the_meeting_of_an_unknown_item_is_not_found(workspace: Workspace, ids: Ids) -> None:
    with pytest.raises(NotFoundError, match=r"no agenda item with id 4242\b") as caught:
        meeting_of_item(workspace=workspace, item_id=AgendaItemId(4242))
    assert isinstance(caught.value, LookupError)


def test_item_minutes_hold_everything_in_order(workspace: Workspace, ids: Ids) -> None:
    minutes = get_item_minutes(workspace=workspace, item_id=ids.performance)

    assert minutes.id == ids.performance
    assert (minutes.number, minutes.title) == ("4", TITLE)
    assert minutes.meeting.id == ids.september
    assert minutes.meeting.item_count == 3
    assert minutes.presenters == (
        Presenter(name="Donna Talbot", role="Head of Service, Business Intelligence"),
        Presenter(name="Richard Cooke", role="Programme Manager"),
    )
    assert [section.heading for section in minutes.sections] == [None, "Start Well"]
    assert [[(p.kind, p.text) for p in s.points] for s in minutes.sections] == [
        [(PointKind.PRESENTED, "A report was presented.")],
        [
            (PointKind.REPORTED, "It was reported that the rate had risen."),
            (PointKind.NOTED, "It was noted that 1,875 children were looked after."),
        ],
    ]
    assert [d.title for d in minutes.documents] == ["Report", "Appendix A"]
    assert minutes.documents[0] == DocumentView("Report", "papers/report.pdf", None)
    assert minutes.documents[1].url == "https://x/a"
    (declaration,) = minutes.declarations
    assert declaration.member == "County Councillor Zoë Ångström"
    assert declaration.kind == DeclarationKind.NON_REGISTRABLE.value
    assert declaration.text == "A relative works in the service."


def test_several_resolutions_are_numbered_with_their_parts(workspace: Workspace, ids: Ids) -> None:
    minutes = get_item_minutes(workspace=workspace, item_id=ids.performance)

    assert [(r.label, r.text) for r in minutes.resolutions] == [
        ("Resolved (i)", "That the report be noted."),
        ("Resolved (ii)", "That the plan be noted."),
    ]
    assert minutes.resolutions[0].parts == ()
    assert minutes.resolutions[1].parts == (("(a)", "in full;"), ("(b)", "by March."))


def test_a_single_resolution_is_plain_resolved(workspace: Workspace, ids: Ids) -> None:
    minutes = get_item_minutes(workspace=workspace, item_id=ids.budget)

    assert [r.label for r in minutes.resolutions] == ["Resolved"]
    assert minutes.presenters == ()
    assert minutes.sections == ()
    assert minutes.documents == ()


def test_an_unknown_item_is_not_found(workspace: Workspace, ids: Ids) -> None:
    with pytest.raises(NotFoundError, match=r"no agenda item with id 4242\b") as caught:
        get_item_minutes(workspace=workspace, item_id=AgendaItemId(4242))
    assert isinstance(caught.value, LookupError)


def test_item_minutes_cost_a_fixed_number_of_queries(workspace: Workspace, ids: Ids) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = workspace.database.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        get_item_minutes(workspace=workspace, item_id=ids.performance)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)

    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # The item with its meeting; then presenters, sections, points,
    # resolutions, parts, declarations and documents in one UNION ALL:
    # however many sections and points there are.
    assert len(selects) == 2


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, "i"),
        (2, "ii"),
        (3, "iii"),
        (4, "iv"),
        (9, "ix"),
        (14, "xiv"),
        (40, "xl"),
        (1994, "mcmxciv"),
    ],
)
def test_roman_numerals(number: int, expected: str) -> None:
    assert roman_numeral(number) == expected


def test_roman_numerals_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        roman_numeral(0)


def test_a_blank_stored_label_still_reads_resolved() -> None:
    assert resolution_label("  ", 3, several=True) == "Resolved (iii)"
    assert resolution_label("Agreed", 1, several=False) == "Agreed"


def test_the_demo_marks_invented_minutes_as_sample_and_the_seed_item_as_real(
    demo_path: Path,
) -> None:
    workspace = open_workspace(demo_path)
    try:
        (meeting,) = list_meetings(workspace=workspace)
        items = list_agenda_items(workspace=workspace, meeting_id=meeting.id)
        seed_item = get_item_minutes(workspace=workspace, item_id=items[-1].id)
        standing_item = get_item_minutes(workspace=workspace, item_id=items[0].id)
    finally:
        workspace.close()

    assert meeting.is_sample  # date, venue and attendance are not in the published minutes
    assert [item.is_sample for item in items] == [True, True, True, False]
    assert seed_item.title.startswith("Quarterly Corporate Performance Monitoring Report")
    assert not seed_item.is_sample
    assert standing_item.is_sample
