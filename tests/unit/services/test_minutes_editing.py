"""Editing minutes (``services.minutes_editing``).

Each test writes a small real database through the services themselves. The
undo contract is checked as an undo stack uses it: apply an edit, revert it
and read everything back equal to the original (ids included: deleted rows
come back with theirs), revert the revert (redo) and read back the edited
state, and undo again. After every change, every sibling group of the
database has dense positions 0..n-1. A property test drives random
sequences of insert, split, merge, move and delete against a plain Python
model of the item, and then undoes them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId, PointId, ResolutionId, SectionId
from qpmr_desktop.domain.minutes import (
    AttendanceRole,
    AttendanceStatus,
    DeclarationKind,
    MinutesStatus,
    PointKind,
)
from qpmr_desktop.services import minutes_editing as editing
from qpmr_desktop.services.audit import list_audit
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.minutes import (
    get_item_for_editing,
    get_item_minutes,
    get_meeting_detail,
    list_agenda_items,
    list_people,
)
from qpmr_desktop.services.minutes_lifecycle import approve_minutes, circulate_minutes
from qpmr_desktop.services.read_models import (
    EditableItem,
    MeetingDetail,
    MinutesArea,
    MinutesChange,
    RowRef,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace

AUTHOR = "Clerk to the Committee"
HOSTILE = '<b>&"😀 Żółć Ωμέγα'
SEED_POINT = (
    "It was noted that the number of 1,875 Children Looked After (CLA), was the highest ever "
    "recorded for the Authority.  However, a number of initiatives would help to address this."
)


class FakeClock:
    """Aware UTC times a minute apart, from 09:00 on 12 September 2017."""

    def __init__(self) -> None:
        self.now = dt.datetime(2017, 9, 12, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        reading = self.now
        self.now += dt.timedelta(minutes=1)
        return reading


@dataclasses.dataclass(frozen=True)
class Ids:
    meeting: MeetingId
    item: AgendaItemId
    other_item: AgendaItemId
    start_well: SectionId
    untitled: SectionId


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ids]:
    """The minutes below, written once per module through the services; tests copy it."""
    path = tmp_path_factory.mktemp("template") / "minutes.qpmr"
    workspace = open_workspace(path, create=True, user=AUTHOR)
    try:
        ids = _write_minutes(workspace)
    finally:
        workspace.close()  # one self-contained file to copy
    return path, ids


@pytest.fixture
def workspace(template: tuple[Path, Ids], tmp_path: Path) -> Iterator[Workspace]:
    path = tmp_path / "minutes.qpmr"
    shutil.copyfile(template[0], path)
    workspace = open_workspace(path, user=AUTHOR)
    yield workspace
    workspace.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ids(template: tuple[Path, Ids]) -> Ids:
    return template[1]


def _write_minutes(ws: Workspace) -> Ids:
    """One meeting: attendance, an item with everything minutes hold, and a second item."""
    meeting = editing.create_meeting(
        workspace=ws,
        committee="Cabinet Committee on Performance Improvement",
        date=dt.date(2017, 9, 12),
        start_time=dt.time(14, 0),
        venue="Cabinet Room 'C' – County Hall, Preston",
    ).meeting_id
    for name, role, status in (
        ("County Councillor Eleanor Pennington", AttendanceRole.CHAIR, AttendanceStatus.PRESENT),
        ("County Councillor Sandra Openshaw", AttendanceRole.MEMBER, AttendanceStatus.APOLOGIES),
        ("Donna Talbot", AttendanceRole.OFFICER, AttendanceStatus.PRESENT),
    ):
        editing.add_attendance(
            workspace=ws, meeting_id=meeting, role=role, status=status, name=name
        )
    item = AgendaItemId(
        editing.add_agenda_item(
            workspace=ws,
            meeting_id=meeting,
            number="4",
            title="Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18",
        ).row.id
    )
    other = AgendaItemId(
        editing.add_agenda_item(workspace=ws, meeting_id=meeting, title="Budget").row.id
    )
    editing.add_presenter(
        workspace=ws,
        item_id=item,
        name="Donna Talbot",
        job_title="Head of Services Business Intelligence",
    )
    editing.add_presenter(
        workspace=ws, item_id=item, name="Richard Cooke", job_title="Programme Manager"
    )
    editing.add_document(
        workspace=ws, item_id=item, title="Report", url="https://example.gov.uk/report.pdf"
    )
    untitled = SectionId(editing.insert_section(workspace=ws, item_id=item, position=None).row.id)
    editing.insert_point(
        workspace=ws,
        section_id=untitled,
        position=None,
        kind=PointKind.PRESENTED,
        text="A report was presented by Donna Talbot.",
    )
    start_well = SectionId(
        editing.insert_section(
            workspace=ws, item_id=item, position=None, heading="Start Well"
        ).row.id
    )
    for kind, text in (
        (PointKind.NOTED, SEED_POINT),
        (PointKind.REPORTED, "It was reported that EET had reduced."),
        (PointKind.DISCUSSION, HOSTILE),
    ):
        editing.insert_point(
            workspace=ws, section_id=start_well, position=None, kind=kind, text=text
        )
    first = ResolutionId(
        editing.add_resolution(
            workspace=ws, item_id=item, text="That the reported performance be noted."
        ).row.id
    )
    editing.add_resolution_part(
        workspace=ws, resolution_id=first, label="(1)", text="That the report be noted."
    )
    editing.add_resolution_part(
        workspace=ws, resolution_id=first, label="(2)", text="That a further report be made."
    )
    editing.add_resolution(workspace=ws, item_id=item, text="That the update be noted.")
    editing.add_declaration(
        workspace=ws,
        item_id=item,
        kind=DeclarationKind.NON_REGISTRABLE,
        name="County Councillor Eleanor Pennington",
        text="A relative works for the service.",
    )
    return Ids(meeting, item, other, start_well, untitled)


def editable(ws: Workspace, ids: Ids) -> EditableItem:
    return get_item_for_editing(workspace=ws, item_id=ids.item)


def meeting(ws: Workspace, ids: Ids) -> MeetingDetail:
    return get_meeting_detail(workspace=ws, meeting_id=ids.meeting)


def state(ws: Workspace, ids: Ids) -> tuple[object, ...]:
    """Everything an edit may change, without versions (which only go up)."""
    detail = meeting(ws, ids)
    attendance = tuple(
        (line.id, line.person_id, line.role, line.status, line.substitute_for_id)
        for line in detail.attendance
    )
    head = (detail.committee, detail.date, detail.start_time, detail.venue, detail.status)
    items = tuple(list_agenda_items(workspace=ws, meeting_id=ids.meeting))
    minutes = tuple(get_item_minutes(workspace=ws, item_id=item.id) for item in items)
    declarations = tuple(
        (d.id, d.person_id, d.kind, d.text)
        for item in items
        for d in get_item_for_editing(workspace=ws, item_id=item.id).declarations
    )
    return head, attendance, items, minutes, declarations


_POSITIONED = (
    ("attendance", "meeting_id"),
    ("agenda_item", "meeting_id"),
    ("item_presenter", "agenda_item_id"),
    ("supporting_document", "agenda_item_id"),
    ("minute_section", "agenda_item_id"),
    ("minute_point", "section_id"),
    ("resolution", "agenda_item_id"),
    ("resolution_part", "resolution_id"),
)


def assert_dense(ws: Workspace) -> None:
    """Every sibling group has positions 0..n-1."""
    with ws.database.engine.connect() as connection:
        for table, parent in _POSITIONED:
            rows = connection.exec_driver_sql(
                f"SELECT {parent}, position FROM {table} ORDER BY {parent}, position"
            ).all()
            groups: dict[int, list[int]] = {}
            for group, position in rows:
                groups.setdefault(group, []).append(position)
            for group, positions in groups.items():
                assert positions == list(range(len(positions))), (table, group, positions)


def point_ids(ws: Workspace, ids: Ids) -> list[PointId]:
    return [point.id for section in editable(ws, ids).sections for point in section.points]


# ------------------------------------------------------------------ every edit, and its undo

Edit = Callable[[Workspace, Ids, EditableItem, MeetingDetail, Path], MinutesChange]


def _start_well(item: EditableItem) -> Any:
    return next(section for section in item.sections if section.heading == "Start Well")


EDITS: dict[str, Edit] = {
    "update_meeting": lambda ws, ids, item, detail, tmp: editing.update_meeting(
        workspace=ws,
        meeting_id=ids.meeting,
        expected_version=detail.version,
        changes={
            "committee": "Scrutiny Committee",
            "date": dt.date(2017, 9, 13),
            "start_time": None,
            "venue": "Room 1",
        },
    ),
    "add_agenda_item": lambda ws, ids, item, detail, tmp: editing.add_agenda_item(
        workspace=ws, meeting_id=ids.meeting, title="Any Other Business", position=0
    ),
    "update_agenda_item": lambda ws, ids, item, detail, tmp: editing.update_agenda_item(
        workspace=ws,
        item_id=ids.item,
        expected_version=item.version,
        changes={"number": "4a", "title": HOSTILE},
    ),
    "move_agenda_item": lambda ws, ids, item, detail, tmp: editing.move_agenda_item(
        workspace=ws, item_id=ids.item, expected_version=item.version, position=1
    ),
    "delete_agenda_item": lambda ws, ids, item, detail, tmp: editing.delete_agenda_item(
        workspace=ws, item_id=ids.item, expected_version=item.version
    ),
    "add_presenter": lambda ws, ids, item, detail, tmp: editing.add_presenter(
        workspace=ws, item_id=ids.item, name="Amanda Hatton", role="Director", position=0
    ),
    "set_presenter_role": lambda ws, ids, item, detail, tmp: editing.set_presenter_role(
        workspace=ws,
        presenter_id=item.presenters[0].id,
        expected_version=item.presenters[0].version,
        role="Head of BI",
    ),
    "move_presenter": lambda ws, ids, item, detail, tmp: editing.move_presenter(
        workspace=ws,
        presenter_id=item.presenters[0].id,
        expected_version=item.presenters[0].version,
        position=1,
    ),
    "remove_presenter": lambda ws, ids, item, detail, tmp: editing.remove_presenter(
        workspace=ws,
        presenter_id=item.presenters[0].id,
        expected_version=item.presenters[0].version,
    ),
    "add_document (link)": lambda ws, ids, item, detail, tmp: editing.add_document(
        workspace=ws, item_id=ids.item, url="https://example.gov.uk/appendix", position=0
    ),
    "add_document (file)": lambda ws, ids, item, detail, tmp: editing.add_document(
        workspace=ws, item_id=ids.item, file=_paper(tmp)
    ),
    "update_document": lambda ws, ids, item, detail, tmp: editing.update_document(
        workspace=ws,
        document_id=item.documents[0].id,
        expected_version=item.documents[0].version,
        changes={"title": "Appendix A", "url": "https://example.gov.uk/a"},
    ),
    "remove_document": lambda ws, ids, item, detail, tmp: editing.remove_document(
        workspace=ws, document_id=item.documents[0].id, expected_version=item.documents[0].version
    ),
    "add_attendance": lambda ws, ids, item, detail, tmp: editing.add_attendance(
        workspace=ws,
        meeting_id=ids.meeting,
        role=AttendanceRole.SUBSTITUTE,
        name="County Councillor Tariq Hussain",
        substitute_for_id=detail.attendance[1].person_id,
        position=2,
    ),
    "update_attendance": lambda ws, ids, item, detail, tmp: editing.update_attendance(
        workspace=ws,
        attendance_id=detail.attendance[1].id,
        expected_version=detail.attendance[1].version,
        changes={"status": AttendanceStatus.PRESENT, "role": AttendanceRole.MEMBER},
    ),
    "move_attendance": lambda ws, ids, item, detail, tmp: editing.move_attendance(
        workspace=ws,
        attendance_id=detail.attendance[0].id,
        expected_version=detail.attendance[0].version,
        position=2,
    ),
    "remove_attendance": lambda ws, ids, item, detail, tmp: editing.remove_attendance(
        workspace=ws,
        attendance_id=detail.attendance[1].id,
        expected_version=detail.attendance[1].version,
    ),
    "add_declaration": lambda ws, ids, item, detail, tmp: editing.add_declaration(
        workspace=ws,
        item_id=ids.item,
        kind=DeclarationKind.DISCLOSABLE_PECUNIARY,
        person_id=detail.attendance[1].person_id,
        text="Owns shares.",
    ),
    "update_declaration": lambda ws, ids, item, detail, tmp: editing.update_declaration(
        workspace=ws,
        declaration_id=item.declarations[0].id,
        expected_version=item.declarations[0].version,
        changes={"kind": DeclarationKind.OTHER_REGISTRABLE, "text": HOSTILE},
    ),
    "delete_declaration": lambda ws, ids, item, detail, tmp: editing.delete_declaration(
        workspace=ws,
        declaration_id=item.declarations[0].id,
        expected_version=item.declarations[0].version,
    ),
    "insert_section": lambda ws, ids, item, detail, tmp: editing.insert_section(
        workspace=ws, item_id=ids.item, position=1, heading="Live Well"
    ),
    "rename_section": lambda ws, ids, item, detail, tmp: editing.rename_section(
        workspace=ws,
        section_id=ids.start_well,
        expected_version=_start_well(item).version,
        heading=None,
    ),
    "move_section": lambda ws, ids, item, detail, tmp: editing.move_section(
        workspace=ws,
        section_id=ids.start_well,
        expected_version=_start_well(item).version,
        position=0,
    ),
    "delete_section": lambda ws, ids, item, detail, tmp: editing.delete_section(
        workspace=ws, section_id=ids.start_well, expected_version=_start_well(item).version
    ),
    "insert_point": lambda ws, ids, item, detail, tmp: editing.insert_point(
        workspace=ws,
        section_id=ids.start_well,
        position=1,
        kind=PointKind.OTHER,
        text="  Line one\n\nline two  ",
    ),
    "set_point_text": lambda ws, ids, item, detail, tmp: editing.set_point_text(
        workspace=ws,
        point_id=_start_well(item).points[0].id,
        expected_version=_start_well(item).points[0].version,
        text=HOSTILE,
    ),
    "set_point_kind": lambda ws, ids, item, detail, tmp: editing.set_point_kind(
        workspace=ws,
        point_id=_start_well(item).points[0].id,
        expected_version=_start_well(item).points[0].version,
        kind=PointKind.DISCUSSION,
    ),
    "split_point": lambda ws, ids, item, detail, tmp: editing.split_point(
        workspace=ws,
        point_id=_start_well(item).points[0].id,
        expected_version=_start_well(item).points[0].version,
        offset=SEED_POINT.index("However"),
    ),
    "merge_point_with_next": lambda ws, ids, item, detail, tmp: editing.merge_point_with_next(
        workspace=ws,
        point_id=_start_well(item).points[0].id,
        expected_version=_start_well(item).points[0].version,
        next_expected_version=_start_well(item).points[1].version,
    ),
    "move_point (to another section)": lambda ws, ids, item, detail, tmp: editing.move_point(
        workspace=ws,
        point_id=_start_well(item).points[1].id,
        expected_version=_start_well(item).points[1].version,
        section_id=ids.untitled,
        position=0,
    ),
    "move_point_up (across a section)": lambda ws, ids, item, detail, tmp: editing.move_point_up(
        workspace=ws,
        point_id=_start_well(item).points[0].id,
        expected_version=_start_well(item).points[0].version,
    ),
    "move_point_down": lambda ws, ids, item, detail, tmp: editing.move_point_down(
        workspace=ws,
        point_id=_start_well(item).points[0].id,
        expected_version=_start_well(item).points[0].version,
    ),
    "delete_point": lambda ws, ids, item, detail, tmp: editing.delete_point(
        workspace=ws,
        point_id=_start_well(item).points[1].id,
        expected_version=_start_well(item).points[1].version,
    ),
    "add_resolution": lambda ws, ids, item, detail, tmp: editing.add_resolution(
        workspace=ws, item_id=ids.item, text="That officers report back.", position=0
    ),
    "set_resolution_text": lambda ws, ids, item, detail, tmp: editing.set_resolution_text(
        workspace=ws,
        resolution_id=item.resolutions[0].id,
        expected_version=item.resolutions[0].version,
        text=HOSTILE,
    ),
    "set_resolution_label": lambda ws, ids, item, detail, tmp: editing.set_resolution_label(
        workspace=ws,
        resolution_id=item.resolutions[0].id,
        expected_version=item.resolutions[0].version,
        label="Agreed",
    ),
    "move_resolution": lambda ws, ids, item, detail, tmp: editing.move_resolution(
        workspace=ws,
        resolution_id=item.resolutions[0].id,
        expected_version=item.resolutions[0].version,
        position=1,
    ),
    "delete_resolution": lambda ws, ids, item, detail, tmp: editing.delete_resolution(
        workspace=ws,
        resolution_id=item.resolutions[0].id,
        expected_version=item.resolutions[0].version,
    ),
    "add_resolution_part": lambda ws, ids, item, detail, tmp: editing.add_resolution_part(
        workspace=ws,
        resolution_id=item.resolutions[1].id,
        label="(a)",
        text="That it be published.",
    ),
    "update_resolution_part": lambda ws, ids, item, detail, tmp: editing.update_resolution_part(
        workspace=ws,
        part_id=item.resolutions[0].parts[1].id,
        expected_version=item.resolutions[0].parts[1].version,
        changes={"label": "(ii)", "text": HOSTILE},
    ),
    "move_resolution_part": lambda ws, ids, item, detail, tmp: editing.move_resolution_part(
        workspace=ws,
        part_id=item.resolutions[0].parts[1].id,
        expected_version=item.resolutions[0].parts[1].version,
        position=0,
    ),
    "delete_resolution_part": lambda ws, ids, item, detail, tmp: editing.delete_resolution_part(
        workspace=ws,
        part_id=item.resolutions[0].parts[0].id,
        expected_version=item.resolutions[0].parts[0].version,
    ),
}


def _paper(folder: Path) -> Path:
    paper = folder / "Q1 report.pdf"
    if not paper.exists():
        paper.write_bytes(b"%PDF-1.4 a report")
    return paper


def apply(name: str, ws: Workspace, ids: Ids, tmp_path: Path) -> MinutesChange:
    return EDITS[name](ws, ids, editable(ws, ids), meeting(ws, ids), tmp_path)


@pytest.mark.parametrize("name", list(EDITS))
def test_every_edit_is_undone_and_redone_exactly(
    name: str, workspace: Workspace, ids: Ids, clock: FakeClock, tmp_path: Path
) -> None:
    original = state(workspace, ids)
    audited = len(list_audit(workspace=workspace))

    change = apply(name, workspace, ids, tmp_path)

    assert change.changed
    assert change.meeting_id == ids.meeting
    assert change.areas
    edited = state(workspace, ids)
    assert edited != original
    assert_dense(workspace)
    assert len(list_audit(workspace=workspace)) > audited  # every change is audited
    for row, version in change.versions.items():
        _assert_version(workspace, row, version)

    undo = editing.revert_minutes_change(workspace=workspace, change=change, clock=clock)

    assert state(workspace, ids) == original
    assert_dense(workspace)

    redo = editing.revert_minutes_change(workspace=workspace, change=undo, clock=clock)

    assert state(workspace, ids) == edited
    editing.revert_minutes_change(workspace=workspace, change=redo, clock=clock)
    assert state(workspace, ids) == original
    assert_dense(workspace)


def _assert_version(ws: Workspace, row: RowRef, version: int | None) -> None:
    with ws.database.engine.connect() as connection:
        actual = connection.exec_driver_sql(
            f"SELECT version FROM {row.table} WHERE id = ?", (row.id,)
        ).scalar_one_or_none()
    assert actual == version


@pytest.mark.parametrize("name", list(EDITS))
def test_approved_minutes_refuse_every_edit(
    name: str, workspace: Workspace, ids: Ids, clock: FakeClock, tmp_path: Path
) -> None:
    detail = meeting(workspace, ids)
    version = circulate_minutes(
        workspace=workspace, meeting_id=ids.meeting, expected_version=detail.version, clock=clock
    ).version
    assert version is not None
    clock.now = dt.datetime(2017, 10, 10, 15, 30, tzinfo=dt.UTC)
    approve_minutes(
        workspace=workspace, meeting_id=ids.meeting, expected_version=version, clock=clock
    )
    original = state(workspace, ids)
    audited = len(list_audit(workspace=workspace))

    with pytest.raises(NotAllowedError) as refused:
        apply(name, workspace, ids, tmp_path)

    assert str(refused.value) == (
        "The minutes of 12 Sep 2017 were approved as a correct record on 10 Oct 2017; "
        "record an amendment instead."
    )
    assert state(workspace, ids) == original
    assert len(list_audit(workspace=workspace)) == audited
    assert not list((tmp_path / "minutes.qpmr.attachments").glob("*/*"))  # no file copied


def test_deleting_the_meeting_and_creating_it_again_are_inverse(
    workspace: Workspace, clock: FakeClock
) -> None:
    first = editing.create_meeting(
        workspace=workspace, committee="Audit Committee", date=dt.date(2017, 6, 1), clock=clock
    )
    change = editing.create_meeting(
        workspace=workspace,
        committee="  audit   committee ",  # the same committee: spaces and capitals ignored
        date=dt.date(2017, 9, 1),
        start_time=dt.time(10, 0),
        standing_items=True,
        clock=clock,
    )
    detail = get_meeting_detail(workspace=workspace, meeting_id=change.meeting_id)
    assert detail.committee == "Audit Committee"
    assert [item.title for item in detail.items] == list(editing.STANDING_ITEMS)
    assert [item.number for item in detail.items] == ["1", "2", "3"]
    assert detail.previous_meeting is not None
    assert detail.previous_meeting.id == first.meeting_id
    first_detail = get_meeting_detail(workspace=workspace, meeting_id=first.meeting_id)
    assert first_detail.previous_meeting is None

    undo = editing.revert_minutes_change(workspace=workspace, change=change, clock=clock)

    assert undo.operation == "delete_meeting"
    with pytest.raises(NotFoundError):
        get_meeting_detail(workspace=workspace, meeting_id=change.meeting_id)
    editing.revert_minutes_change(workspace=workspace, change=undo, clock=clock)
    assert get_meeting_detail(workspace=workspace, meeting_id=change.meeting_id).items == (
        detail.items
    )


def test_the_first_meeting_of_a_committee_has_no_previous_minutes_to_approve(
    workspace: Workspace,
) -> None:
    change = editing.create_meeting(
        workspace=workspace,
        committee="New Committee",
        date=dt.date(2018, 1, 1),
        standing_items=True,
    )

    detail = get_meeting_detail(workspace=workspace, meeting_id=change.meeting_id)
    assert [item.title for item in detail.items] == ["Apologies", "Declarations of Interest"]
    assert detail.previous_meeting is None


def test_a_meeting_with_minutes_is_not_deleted(workspace: Workspace, ids: Ids) -> None:
    detail = meeting(workspace, ids)

    with pytest.raises(NotAllowedError, match="has attendance recorded"):
        editing.delete_meeting(
            workspace=workspace, meeting_id=ids.meeting, expected_version=detail.version
        )
    for line in detail.attendance:
        editing.remove_attendance(
            workspace=workspace, attendance_id=line.id, expected_version=line.version
        )
    with pytest.raises(NotAllowedError, match="delete its agenda items first"):
        editing.delete_meeting(
            workspace=workspace, meeting_id=ids.meeting, expected_version=detail.version
        )


# ------------------------------------------------------------------ stale versions


STALE: dict[str, Callable[[Workspace, Ids, EditableItem, MeetingDetail], object]] = {
    "set_point_text": lambda ws, ids, item, detail: editing.set_point_text(
        workspace=ws,
        point_id=_start_well(item).points[0].id,
        expected_version=_start_well(item).points[0].version - 1,
        text="x",
    ),
    "merge (the next point stale)": lambda ws, ids, item, detail: editing.merge_point_with_next(
        workspace=ws,
        point_id=_start_well(item).points[0].id,
        expected_version=_start_well(item).points[0].version,
        next_expected_version=_start_well(item).points[1].version + 1,
    ),
    "delete_section": lambda ws, ids, item, detail: editing.delete_section(
        workspace=ws, section_id=ids.start_well, expected_version=_start_well(item).version + 1
    ),
    "move_resolution": lambda ws, ids, item, detail: editing.move_resolution(
        workspace=ws,
        resolution_id=item.resolutions[0].id,
        expected_version=item.resolutions[0].version + 1,
        position=1,
    ),
    "update_meeting": lambda ws, ids, item, detail: editing.update_meeting(
        workspace=ws,
        meeting_id=ids.meeting,
        expected_version=detail.version + 1,
        changes={"venue": "Room 2"},
    ),
    "update_attendance": lambda ws, ids, item, detail: editing.update_attendance(
        workspace=ws,
        attendance_id=detail.attendance[0].id,
        expected_version=detail.attendance[0].version + 1,
        changes={"status": AttendanceStatus.APOLOGIES},
    ),
}


@pytest.mark.parametrize("name", list(STALE))
def test_a_stale_version_is_a_conflict_and_saves_nothing(
    name: str, workspace: Workspace, ids: Ids
) -> None:
    original = state(workspace, ids)

    with pytest.raises(ConflictError, match="changed by someone else"):
        STALE[name](workspace, ids, editable(workspace, ids), meeting(workspace, ids))

    assert state(workspace, ids) == original


def test_a_point_deleted_meanwhile_is_a_conflict(workspace: Workspace, ids: Ids) -> None:
    point = _start_well(editable(workspace, ids)).points[0]
    editing.delete_point(workspace=workspace, point_id=point.id, expected_version=point.version)

    with pytest.raises(ConflictError, match="deleted by someone else") as conflict:
        editing.set_point_text(
            workspace=workspace, point_id=point.id, expected_version=point.version, text="x"
        )

    assert conflict.value.actual_version is None


def test_undo_after_someone_else_edited_is_a_conflict(workspace: Workspace, ids: Ids) -> None:
    point = _start_well(editable(workspace, ids)).points[0]
    change = editing.set_point_text(
        workspace=workspace, point_id=point.id, expected_version=point.version, text="Mine."
    )
    assert change.version is not None
    editing.set_point_text(
        workspace=workspace, point_id=point.id, expected_version=change.version, text="Theirs."
    )

    with pytest.raises(ConflictError):
        editing.revert_minutes_change(workspace=workspace, change=change)

    assert _start_well(editable(workspace, ids)).points[0].text == "Theirs."


def test_a_deleted_row_cannot_come_back_where_its_parent_is_gone(
    workspace: Workspace, ids: Ids
) -> None:
    item = editable(workspace, ids)
    point = _start_well(item).points[0]
    deleted = editing.delete_point(
        workspace=workspace, point_id=point.id, expected_version=point.version
    )
    editing.delete_section(
        workspace=workspace, section_id=ids.start_well, expected_version=_start_well(item).version
    )

    with pytest.raises(ConflictError, match="was deleted meanwhile"):
        editing.revert_minutes_change(workspace=workspace, change=deleted)


# ------------------------------------------------------------------ what each edit does


def test_set_point_text_keeps_inner_whitespace_and_strips_the_ends(
    workspace: Workspace, ids: Ids
) -> None:
    point = _start_well(editable(workspace, ids)).points[0]
    text = "  It was noted that  the figure.\nA second line.\t "

    change = editing.set_point_text(
        workspace=workspace, point_id=point.id, expected_version=point.version, text=text
    )

    assert change.after == {"text": "It was noted that  the figure.\nA second line."}
    assert change.before == {"text": SEED_POINT}
    assert change.areas == {MinutesArea.TEXT}
    assert change.item_ids == {ids.item}
    assert change.versions == {RowRef("minute_point", point.id): point.version + 1}
    assert _start_well(editable(workspace, ids)).points[0].text == text.strip()


def test_set_point_text_is_one_small_update(workspace: Workspace, ids: Ids) -> None:
    """The editor commits a second after typing pauses: one row written, nothing else."""
    point = _start_well(editable(workspace, ids)).points[0]
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.split(maxsplit=1)[0].upper())

    sa.event.listen(workspace.database.engine, "before_cursor_execute", record)
    try:
        editing.set_point_text(
            workspace=workspace, point_id=point.id, expected_version=point.version, text="New."
        )
    finally:
        sa.event.remove(workspace.database.engine, "before_cursor_execute", record)

    assert statements.count("UPDATE") == 1
    assert statements.count("INSERT") == 1  # the audit entry
    assert statements.count("SELECT") == 1  # the point with its meeting's status
    assert "DELETE" not in statements


def test_an_unchanged_text_is_a_no_op(workspace: Workspace, ids: Ids) -> None:
    point = _start_well(editable(workspace, ids)).points[0]
    audited = len(list_audit(workspace=workspace))

    change = editing.set_point_text(
        workspace=workspace,
        point_id=point.id,
        expected_version=point.version,
        text=f" {SEED_POINT} ",
    )

    assert not change.changed
    assert change.versions == {}
    assert len(list_audit(workspace=workspace)) == audited
    assert editing.revert_minutes_change(workspace=workspace, change=change) is change


def test_split_and_merge(workspace: Workspace, ids: Ids) -> None:
    point = _start_well(editable(workspace, ids)).points[0]
    offset = SEED_POINT.index("However") - 1  # inside the double space

    split = editing.split_point(
        workspace=workspace, point_id=point.id, expected_version=point.version, offset=offset
    )

    points = _start_well(editable(workspace, ids)).points
    assert [p.text for p in points[:2]] == [
        SEED_POINT[: SEED_POINT.index("  However")],
        SEED_POINT[SEED_POINT.index("However") :],
    ]
    assert points[1].kind is PointKind.NOTED  # the same kind
    assert split.after["separator"] == "  "
    assert split.areas == {MinutesArea.STRUCTURE, MinutesArea.TEXT}

    merged = editing.merge_point_with_next(
        workspace=workspace,
        point_id=point.id,
        expected_version=points[0].version,
        next_expected_version=points[1].version,
        separator="  ",
    )

    assert _start_well(editable(workspace, ids)).points[0].text == SEED_POINT
    assert merged.versions[RowRef("minute_point", points[1].id)] is None


def test_merge_joins_with_one_space_by_default_and_keeps_the_first_kind(
    workspace: Workspace, ids: Ids
) -> None:
    first, second, *_ = _start_well(editable(workspace, ids)).points

    editing.merge_point_with_next(
        workspace=workspace,
        point_id=first.id,
        expected_version=first.version,
        next_expected_version=second.version,
    )

    merged = _start_well(editable(workspace, ids)).points[0]
    assert merged.text == f"{SEED_POINT} {second.text}"
    assert merged.kind is PointKind.NOTED


def test_the_last_point_of_a_section_has_nothing_to_merge_with(
    workspace: Workspace, ids: Ids
) -> None:
    last = _start_well(editable(workspace, ids)).points[-1]

    with pytest.raises(NotAllowedError, match="last point of its section"):
        editing.merge_point_with_next(
            workspace=workspace,
            point_id=last.id,
            expected_version=last.version,
            next_expected_version=last.version,
        )


def test_split_refuses_an_offset_outside_the_text(workspace: Workspace, ids: Ids) -> None:
    point = _start_well(editable(workspace, ids)).points[0]

    with pytest.raises(ValidationError, match="Split within the text"):
        editing.split_point(
            workspace=workspace,
            point_id=point.id,
            expected_version=point.version,
            offset=len(SEED_POINT) + 1,
        )


def test_alt_up_and_down_cross_section_boundaries(workspace: Workspace, ids: Ids) -> None:
    item = editable(workspace, ids)
    [presented] = item.sections[0].points
    noted = _start_well(item).points[0]

    up = editing.move_point_up(
        workspace=workspace, point_id=noted.id, expected_version=noted.version
    )

    sections = editable(workspace, ids).sections
    assert [p.id for p in sections[0].points] == [presented.id, noted.id]  # at the end
    assert up.before == {"parent_id": ids.start_well, "position": 0}
    assert up.after == {"parent_id": ids.untitled, "position": 1}
    moved = sections[0].points[1]

    down = editing.move_point_down(
        workspace=workspace, point_id=moved.id, expected_version=moved.version
    )

    assert down.after == {"parent_id": ids.start_well, "position": 0}  # at the start
    assert editable(workspace, ids).sections[1].points[0].id == noted.id
    first = editable(workspace, ids).sections[0].points[0]
    at_top = editing.move_point_up(
        workspace=workspace, point_id=first.id, expected_version=first.version
    )
    assert not at_top.changed  # the first point of the first section stays
    last = editable(workspace, ids).sections[1].points[-1]
    at_bottom = editing.move_point_down(
        workspace=workspace, point_id=last.id, expected_version=last.version
    )
    assert not at_bottom.changed


def test_a_point_moves_only_within_its_item(workspace: Workspace, ids: Ids) -> None:
    other_section = editing.insert_section(
        workspace=workspace, item_id=ids.other_item, position=None
    ).row.id
    point = _start_well(editable(workspace, ids)).points[0]

    with pytest.raises(NotAllowedError, match="its own agenda item"):
        editing.move_point(
            workspace=workspace,
            point_id=point.id,
            expected_version=point.version,
            section_id=SectionId(other_section),
            position=0,
        )


def test_several_resolutions_are_numbered_by_position(workspace: Workspace, ids: Ids) -> None:
    item = editable(workspace, ids)
    assert [r.numbered_label for r in item.resolutions] == ["Resolved (i)", "Resolved (ii)"]

    editing.delete_resolution(
        workspace=workspace,
        resolution_id=item.resolutions[1].id,
        expected_version=item.resolutions[1].version,
    )

    assert [r.numbered_label for r in editable(workspace, ids).resolutions] == ["Resolved"]


@pytest.mark.parametrize(
    ("labels", "count", "expected"),
    [
        (["(1)", "(2)"], 3, ["(1)", "(2)", "(3)"]),
        (["(i)"], 4, ["(i)", "(ii)", "(iii)", "(iv)"]),  # "(i)" alone is Roman
        (["(a)", "(b)", "(c)"], 2, ["(a)", "(b)"]),
        ([" 1. ", "2."], 3, ["1.", "2.", "3."]),
        (["1)"], 2, ["1)", "2)"]),
        (["a)", "b)"], 3, ["a)", "b)", "c)"]),
        (["(A)"], 2, ["(A)", "(B)"]),
        (["(I)", "(II)"], 3, ["(I)", "(II)", "(III)"]),
        (["(1)"], 0, []),
        ([], 2, None),  # nothing to follow
        (["", ""], 3, None),  # empty labels: numbered by position when shown
        (["(1)", "(3)"], 3, None),  # out of sequence: the clerk's labels
        (["(2)", "(3)"], 3, None),  # not from the first
        (["That", "(2)"], 3, None),
        (["(1)", ""], 3, None),
    ],
)
def test_part_labels_in_sequence_are_continued(
    labels: list[str], count: int, expected: list[str] | None
) -> None:
    assert editing.numbered_part_labels(labels, count) == expected


def test_lettered_parts_go_on_past_z() -> None:
    letters = [f"({chr(ord('a') + n)})" for n in range(26)]
    numbered = editing.numbered_part_labels(letters, 28)
    assert numbered is not None
    assert numbered[25:] == ["(z)", "(aa)", "(ab)"]


_LABEL_PIECES = st.sampled_from(["(1)", "(2)", "(3)", "(i)", "(ii)", "(a)", "(b)", "1.", "", "x"])


@settings(max_examples=200, deadline=None)
@given(labels=st.lists(_LABEL_PIECES, max_size=6), count=st.integers(0, 12))
def test_numbered_part_labels_keep_the_labels_they_follow(labels: list[str], count: int) -> None:
    numbered = editing.numbered_part_labels(labels, count)
    if numbered is None:
        return
    assert len(numbered) == count
    shared = min(len(labels), count)
    assert numbered[:shared] == labels[:shared]  # a sequence is continued, never changed
    assert len(set(numbered)) == count  # every part numbered differently
    if numbered:
        again = editing.numbered_part_labels(numbered, count + 1)
        assert again is not None  # and it stays a sequence
        assert again[:count] == numbered


def test_parts_move_within_their_resolution_only(workspace: Workspace, ids: Ids) -> None:
    item = editable(workspace, ids)
    first, second = item.resolutions
    part = first.parts[1]

    moved = editing.move_resolution_part(
        workspace=workspace, part_id=part.id, expected_version=part.version, position=0
    )

    assert [p.id for p in editable(workspace, ids).resolutions[0].parts] == [
        part.id,
        first.parts[0].id,
    ]
    assert moved.before == {"parent_id": first.id, "position": 1}
    assert second.parts == ()
    editing.revert_minutes_change(workspace=workspace, change=moved)
    assert [p.label for p in editable(workspace, ids).resolutions[0].parts] == ["(1)", "(2)"]


def test_people_are_found_by_name_or_added_with_their_job_title(
    workspace: Workspace, ids: Ids
) -> None:
    before = list_people(workspace=workspace)

    editing.add_presenter(workspace=workspace, item_id=ids.other_item, name="  richard   COOKE ")
    editing.add_presenter(
        workspace=workspace, item_id=ids.other_item, name="Zoë Ångström", job_title="Analyst"
    )

    people = list_people(workspace=workspace)
    assert len(people) == len(before) + 1
    presenters = get_item_minutes(workspace=workspace, item_id=ids.other_item).presenters
    assert [(p.name, p.role) for p in presenters] == [
        ("Richard Cooke", "Programme Manager"),
        ("Zoë Ångström", "Analyst"),
    ]
    editing.add_presenter(workspace=workspace, item_id=ids.other_item, name="ZOË ÅNGSTRÖM")
    assert len(list_people(workspace=workspace)) == len(people)  # not ASCII, still found


def test_a_supporting_file_is_copied_beside_the_database(
    workspace: Workspace, ids: Ids, tmp_path: Path
) -> None:
    original = tmp_path / "papers" / "Q1 report.pdf"
    original.parent.mkdir()
    original.write_bytes(b"%PDF-1.4 the report")

    first = editing.add_document(workspace=workspace, item_id=ids.item, file=original)
    second = editing.add_document(
        workspace=workspace, item_id=ids.other_item, file=original, title="Again"
    )

    assert original.read_bytes() == b"%PDF-1.4 the report"  # copied, never moved
    assert first.after["file_path"] == "2017-09-12/Q1 report.pdf"
    assert first.after["title"] == "Q1 report.pdf"
    assert second.after["file_path"] == "2017-09-12/Q1 report (2).pdf"
    folder = editing.attachments_folder(workspace)
    assert folder == tmp_path / "minutes.qpmr.attachments"
    assert (folder / "2017-09-12" / "Q1 report (2).pdf").read_bytes() == original.read_bytes()


def test_a_missing_file_is_a_validation_error(
    workspace: Workspace, ids: Ids, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match="There is no file"):
        editing.add_document(workspace=workspace, item_id=ids.item, file=tmp_path / "none.pdf")


def test_what_is_typed_is_validated(workspace: Workspace, ids: Ids) -> None:
    item = editable(workspace, ids)
    detail = meeting(workspace, ids)

    with pytest.raises(ValidationError, match="The title must not be empty"):
        editing.update_agenda_item(
            workspace=workspace,
            item_id=ids.item,
            expected_version=item.version,
            changes={"title": "   "},
        )
    with pytest.raises(ValidationError, match="single line"):
        editing.rename_section(
            workspace=workspace,
            section_id=ids.start_well,
            expected_version=_start_well(item).version,
            heading="Start\nWell",
        )
    with pytest.raises(ValidationError, match="not text"):
        editing.set_point_text(
            workspace=workspace,
            point_id=_start_well(item).points[0].id,
            expected_version=_start_well(item).points[0].version,
            text="marked \ufdd0 here",
        )
    with pytest.raises(ValidationError, match="Only a substitute"):
        editing.update_attendance(
            workspace=workspace,
            attendance_id=detail.attendance[0].id,
            expected_version=detail.attendance[0].version,
            changes={"substitute_for_id": detail.attendance[1].person_id},
        )
    with pytest.raises(ValidationError, match="already in the record of attendance"):
        editing.add_attendance(
            workspace=workspace,
            meeting_id=ids.meeting,
            role=AttendanceRole.MEMBER,
            name="Donna Talbot",
        )
    with pytest.raises(ValidationError, match="web address"):
        editing.add_document(workspace=workspace, item_id=ids.item, url="not a link")
    with pytest.raises(ValueError, match="cannot change"):
        editing.update_meeting(
            workspace=workspace,
            meeting_id=ids.meeting,
            expected_version=detail.version,
            changes={"status": MinutesStatus.APPROVED},
        )
    with pytest.raises(NotFoundError):
        editing.insert_point(
            workspace=workspace, section_id=SectionId(9999), position=0, kind=PointKind.NOTED
        )


def test_the_audit_entry_says_who_did_what(
    workspace: Workspace, ids: Ids, clock: FakeClock
) -> None:
    point = _start_well(editable(workspace, ids)).points[0]

    editing.set_point_text(
        workspace=workspace,
        point_id=point.id,
        expected_version=point.version,
        text="Corrected.",
        clock=clock,
    )

    entry = list_audit(workspace=workspace, table="minute_point", row_id=point.id)[-1]
    assert entry.who == AUTHOR
    assert entry.at == dt.datetime(2017, 9, 12, 9, 0, tzinfo=dt.UTC)
    assert entry.change == "update"
    assert entry.details["operation"] == "set_point_text"
    assert entry.details["fields"] == {"text": {"old": SEED_POINT, "new": "Corrected."}}


# ------------------------------------------------------------------ a property


@dataclasses.dataclass
class Model:
    """The item's points as plain lists: what the services should leave in the database."""

    sections: list[list[list[str]]]  # [[[kind, text], …], …]

    def flat(self) -> list[tuple[int, int]]:
        return [(s, p) for s, points in enumerate(self.sections) for p in range(len(points))]


_TEXT = st.lists(
    st.sampled_from([*"abc XYZ.,–\n", "  ", "Żółć", "😀", "<b>", "&"]), max_size=12
).map("".join)
_OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("insert"),
            st.integers(0, 1),
            st.integers(0, 6),
            st.sampled_from(list(PointKind)),
            _TEXT,
        ),
        st.tuples(st.just("split"), st.integers(0, 20), st.floats(0, 1)),
        st.tuples(st.just("merge"), st.integers(0, 20)),
        st.tuples(st.just("up"), st.integers(0, 20)),
        st.tuples(st.just("down"), st.integers(0, 20)),
        st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 1), st.integers(0, 6)),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("text"), st.integers(0, 20), _TEXT),
    ),
    max_size=12,
)


def _model_step(model: Model, operation: tuple[Any, ...]) -> bool:
    """Apply ``operation`` to the model; False when the services must refuse it."""
    name = operation[0]
    if name == "insert":
        _, section, position, kind, text = operation
        points = model.sections[section]
        points.insert(min(position, len(points)), [kind.value, text.strip()])
        return True
    places = model.flat()
    section, index = places[operation[1] % len(places)]
    points = model.sections[section]
    if name == "split":
        kind, text = points[index]
        offset = int(operation[2] * len(text))
        points[index] = [kind, text[:offset].rstrip()]
        points.insert(index + 1, [kind, text[offset:].lstrip()])
    elif name == "merge":
        if index + 1 >= len(points):
            return False
        (kind, first), (_, second) = points[index], points.pop(index + 1)
        points[index] = [kind, first + (" " if first and second else "") + second]
    elif name in {"up", "down"}:
        step = -1 if name == "up" else 1
        if 0 <= index + step < len(points):
            points.insert(index + step, points.pop(index))
        elif 0 <= section + step < len(model.sections):
            target = model.sections[section + step]
            target.insert(len(target) if step < 0 else 0, points.pop(index))
    elif name == "move":
        _, _, target_section, position = operation
        point = points.pop(index)
        target = model.sections[target_section]
        target.insert(min(position, len(target)), point)
    elif name == "delete":
        points.pop(index)
    else:
        points[index][1] = operation[2].strip()
    return True


def _service_step(
    ws: Workspace, item_id: AgendaItemId, operation: tuple[Any, ...]
) -> MinutesChange:
    item = get_item_for_editing(workspace=ws, item_id=item_id)
    name = operation[0]
    if name == "insert":
        _, section, position, kind, text = operation
        return editing.insert_point(
            workspace=ws,
            section_id=item.sections[section].id,
            position=position,
            kind=kind,
            text=text,
        )
    points = [point for section in item.sections for point in section.points]
    point = points[operation[1] % len(points)]
    common: dict[str, Any] = {
        "workspace": ws,
        "point_id": point.id,
        "expected_version": point.version,
    }
    following = points[points.index(point) + 1] if point is not points[-1] else point
    steps: dict[str, Callable[[], MinutesChange]] = {
        "split": lambda: editing.split_point(**common, offset=int(operation[2] * len(point.text))),
        "merge": lambda: editing.merge_point_with_next(
            **common, next_expected_version=following.version
        ),
        "up": lambda: editing.move_point_up(**common),
        "down": lambda: editing.move_point_down(**common),
        "move": lambda: editing.move_point(
            **common, section_id=item.sections[operation[2]].id, position=operation[3]
        ),
        "delete": lambda: editing.delete_point(**common),
        "text": lambda: editing.set_point_text(**common, text=operation[2]),
    }
    return steps[name]()


def _texts(ws: Workspace, item_id: AgendaItemId) -> list[list[list[str]]]:
    item = get_item_minutes(workspace=ws, item_id=item_id)
    return [[[p.kind.value, p.text] for p in section.points] for section in item.sections]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=_OPERATIONS)
def test_random_edits_follow_the_model_and_all_undo(
    workspace: Workspace, ids: Ids, operations: list[tuple[Any, ...]]
) -> None:
    item_id = AgendaItemId(
        editing.add_agenda_item(workspace=workspace, meeting_id=ids.meeting, title="Scratch").row.id
    )
    for heading in ("One", "Two"):
        section = editing.insert_section(
            workspace=workspace, item_id=item_id, position=None, heading=heading
        ).row.id
        editing.insert_point(
            workspace=workspace,
            section_id=SectionId(section),
            position=None,
            kind=PointKind.NOTED,
            text=f"It was noted that {heading}  was  here.",
        )
    model = Model(_texts(workspace, item_id))
    original = get_item_minutes(workspace=workspace, item_id=item_id)
    changes: list[MinutesChange] = []
    versions: dict[RowRef, int] = {}

    def track(change: MinutesChange) -> None:
        for row, version in change.versions.items():
            if version is None:
                versions.pop(row, None)
            else:
                versions[row] = version

    for operation in operations:
        if not model.flat() and operation[0] != "insert":
            continue
        if _model_step(model, operation):
            change = _service_step(workspace, item_id, operation)
            track(change)
            changes.append(change)
        else:
            with pytest.raises(NotAllowedError):
                _service_step(workspace, item_id, operation)
        assert _texts(workspace, item_id) == model.sections
        assert_dense(workspace)

    for change in reversed(changes):
        track(editing.revert_minutes_change(workspace=workspace, change=change, versions=versions))

    assert get_item_minutes(workspace=workspace, item_id=item_id) == original
    assert_dense(workspace)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=_TEXT, fraction=st.floats(0, 1))
def test_split_then_merge_restores_the_text_exactly(
    workspace: Workspace, ids: Ids, text: str, fraction: float
) -> None:
    stored = text.strip()
    before = [point.id for point in editable(workspace, ids).sections[0].points]
    point_id = PointId(
        editing.insert_point(
            workspace=workspace,
            section_id=ids.untitled,
            position=0,
            kind=PointKind.REPORTED,
            text=text,
        ).row.id
    )
    split = editing.split_point(
        workspace=workspace,
        point_id=point_id,
        expected_version=1,
        offset=int(fraction * len(stored)),
    )
    new_point = RowRef("minute_point", int(split.after["new_point_id"]))  # type: ignore[call-overload]
    assert split.version is not None

    editing.merge_point_with_next(
        workspace=workspace,
        point_id=point_id,
        expected_version=split.version,
        next_expected_version=split.versions[new_point] or 0,
        separator=str(split.after["separator"]),
    )

    points = editable(workspace, ids).sections[0].points
    assert [point.id for point in points] == [point_id, *before]  # the split-off point gone
    assert points[0].text == stored


def test_the_record_of_attendance_names_whom_a_substitute_stood_in_for(
    workspace: Workspace, ids: Ids
) -> None:
    apologies = meeting(workspace, ids).attendance[1]

    change = editing.add_attendance(
        workspace=workspace,
        meeting_id=ids.meeting,
        role=AttendanceRole.SUBSTITUTE,
        name="County Councillor Tariq Hussain",
        substitute_for_id=apologies.person_id,
        position=2,
    )

    assert change.areas == {MinutesArea.ATTENDANCE}
    assert change.item_ids == frozenset()
    lines = meeting(workspace, ids).attendance
    assert [(line.name, line.role, line.status) for line in lines] == [
        ("County Councillor Eleanor Pennington", AttendanceRole.CHAIR, AttendanceStatus.PRESENT),
        ("County Councillor Sandra Openshaw", AttendanceRole.MEMBER, AttendanceStatus.APOLOGIES),
        ("County Councillor Tariq Hussain", AttendanceRole.SUBSTITUTE, AttendanceStatus.PRESENT),
        ("Donna Talbot", AttendanceRole.OFFICER, AttendanceStatus.PRESENT),
    ]
    assert lines[2].substitute_for == "County Councillor Sandra Openshaw"
