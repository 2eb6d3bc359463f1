"""The lifecycle of minutes and amendments to approved ones (``services.minutes_lifecycle``).

Two meetings of one committee, written through the services: September's
minutes go draft → circulated → approved at October's meeting. Each
transition is checked with its refusals, its audit entry and its undo; then
amendments: a reason is required, the amendment is kept with who, when and
what changed, the item says it was amended, and undoing an amendment is
another amendment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId, PointId, SectionId
from qpmr_desktop.domain.minutes import AttendanceRole, MinutesStatus, PointKind
from qpmr_desktop.services import minutes_editing as editing
from qpmr_desktop.services.audit import list_audit
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    ValidationError,
)
from qpmr_desktop.services.minutes import (
    get_item_for_editing,
    get_item_lifecycle,
    get_meeting_detail,
    list_amendments,
)
from qpmr_desktop.services.minutes_lifecycle import (
    amend_approved,
    approve_minutes,
    approve_previous_minutes,
    circulate_minutes,
    return_to_draft,
)
from qpmr_desktop.services.read_models import MinutesArea, MinutesChange
from qpmr_desktop.services.workspace import Workspace, open_workspace

CLERK = "Clerk to the Committee"
APPROVED_AT = dt.datetime(2017, 10, 10, 14, 30, tzinfo=dt.UTC)
READ_ONLY = (
    "The minutes of 12 Sep 2017 were approved as a correct record on 10 Oct 2017; "
    "record an amendment instead."
)


class FakeClock:
    """Aware UTC times a minute apart."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        reading = self.now
        self.now += dt.timedelta(minutes=1)
        return reading


@dataclasses.dataclass(frozen=True)
class Ids:
    september: MeetingId
    october: MeetingId
    item: AgendaItemId
    point: PointId


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2017, 9, 12, 16, 0, tzinfo=dt.UTC))


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "lifecycle.qpmr", create=True, user=CLERK)
    yield workspace
    workspace.close()


@pytest.fixture
def ids(workspace: Workspace) -> Ids:
    committee = "Cabinet Committee on Performance Improvement"
    september = editing.create_meeting(
        workspace=workspace, committee=committee, date=dt.date(2017, 9, 12), standing_items=True
    ).meeting_id
    editing.add_attendance(
        workspace=workspace,
        meeting_id=september,
        role=AttendanceRole.CHAIR,
        name="County Councillor Eleanor Pennington",
    )
    item = AgendaItemId(
        editing.add_agenda_item(
            workspace=workspace, meeting_id=september, title="Quarterly Performance"
        ).row.id
    )
    section = SectionId(
        editing.insert_section(workspace=workspace, item_id=item, position=None).row.id
    )
    point = PointId(
        editing.insert_point(
            workspace=workspace,
            section_id=section,
            position=None,
            kind=PointKind.NOTED,
            text="It was noted that the number was the highest ever recorded.",
        ).row.id
    )
    october = editing.create_meeting(
        workspace=workspace, committee=committee, date=dt.date(2017, 10, 10), standing_items=True
    ).meeting_id
    return Ids(september, october, item, point)


def version(workspace: Workspace, meeting_id: MeetingId) -> int:
    return get_meeting_detail(workspace=workspace, meeting_id=meeting_id).version


def circulate(workspace: Workspace, ids: Ids, clock: FakeClock) -> MinutesChange:
    return circulate_minutes(
        workspace=workspace,
        meeting_id=ids.september,
        expected_version=version(workspace, ids.september),
        clock=clock,
    )


def approve(workspace: Workspace, ids: Ids) -> MinutesChange:
    return approve_previous_minutes(
        workspace=workspace, meeting_id=ids.october, clock=FakeClock(APPROVED_AT)
    )


def point_text(workspace: Workspace, ids: Ids) -> str:
    item = get_item_for_editing(workspace=workspace, item_id=ids.item)
    return item.sections[0].points[0].text


def point_version(workspace: Workspace, ids: Ids) -> int:
    item = get_item_for_editing(workspace=workspace, item_id=ids.item)
    return item.sections[0].points[0].version


# ------------------------------------------------------------------ transitions


def test_draft_circulated_approved(workspace: Workspace, ids: Ids, clock: FakeClock) -> None:
    circulated = circulate(workspace, ids, clock)

    assert circulated.before == {"status": "draft"}
    assert circulated.after == {"status": "circulated"}
    assert circulated.areas == {MinutesArea.LIFECYCLE}
    assert ids.item in circulated.item_ids
    # Circulated minutes can still be corrected.
    editing.set_point_text(
        workspace=workspace,
        point_id=ids.point,
        expected_version=point_version(workspace, ids),
        text="It was noted that the figure was the highest ever recorded.",
    )

    approved = approve(workspace, ids)

    assert approved.meeting_id == ids.september
    assert approved.after["status"] == "approved"
    assert approved.after["at_meeting_id"] == ids.october
    detail = get_meeting_detail(workspace=workspace, meeting_id=ids.september)
    assert detail.status is MinutesStatus.APPROVED
    assert detail.approved_at == APPROVED_AT
    assert detail.approved_by == CLERK
    lifecycle = get_item_lifecycle(workspace=workspace, item_id=ids.item)
    assert not lifecycle.editable
    assert lifecycle.read_only_reason == READ_ONLY
    assert not lifecycle.amended
    entry = list_audit(workspace=workspace, table="meeting", row_id=ids.september)[-1]
    assert (entry.change, entry.who, entry.at) == ("approve", CLERK, APPROVED_AT)
    assert entry.details["at_meeting_date"] == "2017-10-10"
    assert entry.details["fields"] == {"status": {"old": "circulated", "new": "approved"}}


def test_the_next_meeting_links_to_the_previous_one(workspace: Workspace, ids: Ids) -> None:
    october = get_meeting_detail(workspace=workspace, meeting_id=ids.october)

    assert october.previous_meeting is not None
    assert october.previous_meeting.id == ids.september
    assert october.items[-1].title == "Minutes of the Previous Meeting"


def test_circulated_minutes_can_go_back_to_draft(
    workspace: Workspace, ids: Ids, clock: FakeClock
) -> None:
    circulated = circulate(workspace, ids, clock)

    back = return_to_draft(
        workspace=workspace,
        meeting_id=ids.september,
        expected_version=version(workspace, ids.september),
        reason="The chair asked for the discussion to be minuted in more detail.",
        clock=clock,
    )

    assert back.after["status"] == "draft"
    entry = list_audit(workspace=workspace, table="meeting", row_id=ids.september)[-1]
    assert entry.change == "return to draft"
    assert str(entry.details["reason"]).startswith("The chair asked")
    # Undo and redo: circulating and returning to draft undo each other.
    redo = editing.revert_minutes_change(workspace=workspace, change=back, clock=clock)
    assert redo.operation == "circulate_minutes"
    undo = editing.revert_minutes_change(
        workspace=workspace,
        change=circulated,
        versions={circulated.row: version(workspace, ids.september)},
    )
    assert undo.after["status"] == "draft"


def test_a_draft_cannot_be_approved(workspace: Workspace, ids: Ids) -> None:
    with pytest.raises(NotAllowedError) as refused:
        approve(workspace, ids)

    assert str(refused.value) == (
        "The minutes of 12 Sep 2017 are still a draft: circulate them to the members first. "
        "Minutes are approved as a correct record only after the members have seen them."
    )
    assert get_meeting_detail(workspace=workspace, meeting_id=ids.september).status is (
        MinutesStatus.DRAFT
    )


def test_approved_minutes_stay_approved(workspace: Workspace, ids: Ids, clock: FakeClock) -> None:
    circulate(workspace, ids, clock)
    approval = approve(workspace, ids)
    current = version(workspace, ids.september)

    with pytest.raises(NotAllowedError, match="approved minutes stay approved"):
        return_to_draft(workspace=workspace, meeting_id=ids.september, expected_version=current)
    with pytest.raises(NotAllowedError, match="stay approved"):
        circulate_minutes(workspace=workspace, meeting_id=ids.september, expected_version=current)
    with pytest.raises(NotAllowedError, match="approved as a correct record on 10 Oct 2017 al"):
        approve_minutes(workspace=workspace, meeting_id=ids.september, expected_version=current)
    with pytest.raises(NotAllowedError, match="cannot be undone"):
        editing.revert_minutes_change(workspace=workspace, change=approval)
    with pytest.raises(NotAllowedError, match="cannot be deleted"):
        editing.delete_meeting(
            workspace=workspace, meeting_id=ids.september, expected_version=current
        )


def test_transitions_refuse_what_makes_no_sense(
    workspace: Workspace, ids: Ids, clock: FakeClock
) -> None:
    with pytest.raises(NotAllowedError, match="already draft"):
        return_to_draft(
            workspace=workspace,
            meeting_id=ids.september,
            expected_version=version(workspace, ids.september),
        )
    circulate(workspace, ids, clock)
    with pytest.raises(NotAllowedError, match="already circulated"):
        circulate(workspace, ids, clock)
    with pytest.raises(ConflictError, match="changed by someone else"):
        approve_minutes(workspace=workspace, meeting_id=ids.september, expected_version=1)
    with pytest.raises(NotAllowedError, match="later meeting of the same committee"):
        approve_minutes(
            workspace=workspace,
            meeting_id=ids.september,
            expected_version=version(workspace, ids.september),
            at_meeting_id=ids.september,
        )


def test_approving_the_previous_minutes_needs_a_previous_meeting(
    workspace: Workspace, ids: Ids
) -> None:
    with pytest.raises(NotAllowedError, match="no previous minutes to approve"):
        approve_previous_minutes(workspace=workspace, meeting_id=ids.september)


# ------------------------------------------------------------------ amendments


@pytest.fixture
def approved(workspace: Workspace, ids: Ids, clock: FakeClock) -> Ids:
    circulate(workspace, ids, clock)
    approve(workspace, ids)
    return ids


def test_an_edit_of_approved_minutes_is_refused_with_a_plain_message(
    workspace: Workspace, approved: Ids
) -> None:
    with pytest.raises(NotAllowedError) as refused:
        editing.set_point_text(
            workspace=workspace,
            point_id=approved.point,
            expected_version=point_version(workspace, approved),
            text="Changed.",
        )

    assert str(refused.value) == READ_ONLY


def test_an_amendment_needs_a_reason(workspace: Workspace, approved: Ids) -> None:
    before = point_text(workspace, approved)

    for reason in ("", "   \n"):
        with pytest.raises(ValidationError, match="needs a reason"):
            amend_approved(
                workspace=workspace,
                reason=reason,
                edit=editing.set_point_text,
                point_id=approved.point,
                expected_version=point_version(workspace, approved),
                text="Changed.",
            )

    assert point_text(workspace, approved) == before
    assert list_amendments(workspace=workspace) == []


def test_an_amendment_is_recorded_with_who_when_and_why(
    workspace: Workspace, approved: Ids
) -> None:
    clock = FakeClock(dt.datetime(2017, 11, 1, 10, 0, tzinfo=dt.UTC))
    old = point_text(workspace, approved)

    change = amend_approved(
        workspace=workspace,
        reason="The figure was 1,875, not 1,857 (typing error).",
        edit=editing.set_point_text,
        point_id=approved.point,
        expected_version=point_version(workspace, approved),
        text="It was noted that the number, 1,875, was the highest ever recorded.",
        clock=clock,
    )

    assert change.amendment_id is not None
    assert change.amendment_reason == "The figure was 1,875, not 1,857 (typing error)."
    assert point_text(workspace, approved).startswith("It was noted that the number, 1,875")
    [amendment] = list_amendments(workspace=workspace, item_id=approved.item)
    assert amendment.id == change.amendment_id
    assert (amendment.who, amendment.at) == (CLERK, dt.datetime(2017, 11, 1, 10, 0, tzinfo=dt.UTC))
    assert amendment.reason == change.amendment_reason
    assert amendment.operation == "set_point_text"
    assert amendment.meeting_id == approved.september
    assert amendment.changes["before"] == {"text": old}
    assert amendment.changes["row"] == {"table": "minute_point", "id": approved.point}
    lifecycle = get_item_lifecycle(workspace=workspace, item_id=approved.item)
    assert lifecycle.amended
    assert lifecycle.amendments == (amendment,)
    assert lifecycle.status is MinutesStatus.APPROVED
    audited = list_audit(workspace=workspace, table="minutes_amendment")
    assert [entry.row_id for entry in audited] == [amendment.id]
    point_entry = list_audit(workspace=workspace, table="minute_point", row_id=approved.point)[-1]
    assert point_entry.details["amendment_reason"] == change.amendment_reason
    detail = get_meeting_detail(workspace=workspace, meeting_id=approved.september)
    assert detail.amendments == (amendment,)


def test_undoing_an_amendment_is_an_amendment(workspace: Workspace, approved: Ids) -> None:
    old = point_text(workspace, approved)
    change = amend_approved(
        workspace=workspace,
        reason="A typing error.",
        edit=editing.set_point_text,
        point_id=approved.point,
        expected_version=point_version(workspace, approved),
        text="Amended.",
    )

    undo = editing.revert_minutes_change(workspace=workspace, change=change)

    assert point_text(workspace, approved) == old
    assert undo.amendment_reason == "Undoing the amendment: A typing error."
    assert len(list_amendments(workspace=workspace, item_id=approved.item)) == 2


def test_structure_and_attendance_can_be_amended(workspace: Workspace, approved: Ids) -> None:
    detail = get_meeting_detail(workspace=workspace, meeting_id=approved.september)

    added = amend_approved(
        workspace=workspace,
        reason="The resolution was left out.",
        edit=editing.add_resolution,
        item_id=approved.item,
        text="That the report be noted.",
    )
    attendance = amend_approved(
        workspace=workspace,
        reason="Councillor Hussain attended as a substitute.",
        edit=editing.add_attendance,
        meeting_id=approved.september,
        role=AttendanceRole.MEMBER,
        name="County Councillor Tariq Hussain",
    )

    assert added.amendment_id is not None
    assert attendance.amendment_id is not None
    amendments = list_amendments(workspace=workspace, meeting_id=approved.september)
    assert [a.item_id for a in amendments] == [approved.item, None]  # attendance: the meeting
    assert len(
        get_meeting_detail(workspace=workspace, meeting_id=approved.september).attendance
    ) == (len(detail.attendance) + 1)


def test_deleting_an_item_by_amendment_keeps_the_record(
    workspace: Workspace, approved: Ids
) -> None:
    item = get_item_for_editing(workspace=workspace, item_id=approved.item)

    change = amend_approved(
        workspace=workspace,
        reason="The item was withdrawn before the meeting.",
        edit=editing.delete_agenda_item,
        item_id=approved.item,
        expected_version=item.version,
    )

    [amendment] = list_amendments(workspace=workspace, meeting_id=approved.september)
    assert amendment.item_id is None  # the item is gone; the JSON still names it
    assert amendment.changes["item_ids"] == [approved.item]
    editing.revert_minutes_change(workspace=workspace, change=change)
    assert get_item_for_editing(workspace=workspace, item_id=approved.item).sections


def test_minutes_not_approved_need_no_amendment(workspace: Workspace, ids: Ids) -> None:
    with pytest.raises(NotAllowedError, match="not approved: change them directly"):
        amend_approved(
            workspace=workspace,
            reason="A reason.",
            edit=editing.set_point_text,
            point_id=ids.point,
            expected_version=point_version(workspace, ids),
            text="Changed.",
        )
    with pytest.raises(ValueError, match="not an edit of minutes"):
        amend_approved(
            workspace=workspace,
            reason="A reason.",
            edit=editing.create_meeting,
            committee="Another",
            date=dt.date(2018, 1, 1),
        )


def test_a_change_made_before_approval_is_undone_afterwards_only_as_an_amendment(
    workspace: Workspace, ids: Ids, clock: FakeClock
) -> None:
    change = editing.set_point_text(
        workspace=workspace,
        point_id=ids.point,
        expected_version=point_version(workspace, ids),
        text="Draft wording.",
    )
    circulate(workspace, ids, clock)
    approve(workspace, ids)

    with pytest.raises(NotAllowedError, match="record an amendment instead"):
        editing.revert_minutes_change(workspace=workspace, change=change)

    undo = editing.revert_minutes_change(
        workspace=workspace, change=change, reason="Restoring the wording the committee saw."
    )
    assert undo.amendment_id is not None
