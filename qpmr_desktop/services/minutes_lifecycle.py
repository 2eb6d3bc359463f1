"""The lifecycle of a meeting's minutes, and amendments to approved minutes.

Minutes go draft → circulated → approved as a correct record (BRIEF.md):

- ``circulate_minutes``: draft → circulated, when the clerk sends the draft
  to the members. Circulated minutes can still be edited: members' comments
  are put right before the next meeting.
- ``return_to_draft``: circulated → draft, with an optional reason. Allowed
  because nothing has been decided yet: circulating is only sending a draft
  for comment, and when members' comments call for more than small
  corrections (or the wrong papers were sent) the clerk takes the minutes
  back, reworks them and circulates them again. Approved minutes never go
  back.
- ``approve_minutes``: circulated → approved, at a later meeting of the
  committee (``at_meeting_id``, optional). Refused for a draft: members must
  have seen the minutes they confirm. The audit entry (``change`` =
  ``minutes.APPROVAL_CHANGE``) records who and when, and at which meeting;
  the read side and the refusals quote it.
- ``approve_previous_minutes(meeting_id=N+1)``: what the "Minutes of the
  Previous Meeting" standing item of meeting N+1 does — approves the minutes
  of the same committee's meeting before it (``minutes.previous_meeting_id``),
  refusing when there is none or they are not circulated.
- From approved there is no transition: approved minutes are read-only in
  the service layer (every function of ``minutes_editing`` refuses them) and
  change only by ``amend_approved``.

``amend_approved(workspace=…, reason=…, edit=<a minutes_editing function>,
**arguments)`` makes that one edit of approved minutes, with a reason that
must not be blank (``ValidationError``). In the edit's transaction it writes
a ``minutes_amendment`` row (meeting, item, who, when, reason, the operation
and its before/after as JSON) and the audit entries; the change comes back
with ``amendment_id``. The read side then shows the item as amended
(``minutes.get_item_lifecycle``). An amendment of minutes that are not
approved is refused: they are simply edited.

Each transition is one transaction with the meeting's version checked and an
audit entry, and returns a ``MinutesChange`` (areas ``LIFECYCLE``; every item
of the meeting, since whether they may be edited changed). Undo through
``minutes_editing.revert_minutes_change``: circulating and returning to
draft undo each other; an approval cannot be undone (``NotAllowedError``) —
an undo stack should treat it as a barrier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.audit import Clock, field_changes, record_audit, utc_now
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.minutes import (
    APPROVAL_CHANGE,
    approval_record,
    approval_sentence,
    format_meeting_date,
    previous_meeting_id,
)
from qpmr_desktop.services.minutes_editing import (
    EDITING_FUNCTIONS,
    amending,
    create_meeting,
    delete_meeting,
    register_inverse,
)
from qpmr_desktop.services.read_models import FieldProblem, MinutesArea, MinutesChange, RowRef
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import AgendaItem, Committee, Meeting
from qpmr_desktop.storage.versioning import (
    RowVersionError,
    StaleRowError,
    table_of,
    update_versioned,
)

__all__ = [
    "AMENDABLE_FUNCTIONS",
    "amend_approved",
    "approve_minutes",
    "approve_previous_minutes",
    "circulate_minutes",
    "return_to_draft",
]

#: The editing functions ``amend_approved`` accepts: all but making or deleting a
#: meeting, which is never an amendment of approved minutes.
AMENDABLE_FUNCTIONS = EDITING_FUNCTIONS - {create_meeting, delete_meeting}

_SAVED_NOT = "your change was not saved"


def circulate_minutes(
    *,
    workspace: Workspace,
    meeting_id: MeetingId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """draft → circulated. Inverse: ``return_to_draft``."""
    return _transition(
        workspace,
        clock,
        operation="circulate_minutes",
        audit_change="circulate",
        meeting_id=meeting_id,
        expected_version=expected_version,
        to=MinutesStatus.CIRCULATED,
    )


def return_to_draft(
    *,
    workspace: Workspace,
    meeting_id: MeetingId,
    expected_version: int,
    reason: str = "",
    clock: Clock = utc_now,
) -> MinutesChange:
    """circulated → draft (see the module docstring for why). Inverse: ``circulate_minutes``."""
    return _transition(
        workspace,
        clock,
        operation="return_to_draft",
        audit_change="return to draft",
        meeting_id=meeting_id,
        expected_version=expected_version,
        to=MinutesStatus.DRAFT,
        details={"reason": reason.strip()} if reason.strip() else {},
    )


def approve_minutes(
    *,
    workspace: Workspace,
    meeting_id: MeetingId,
    expected_version: int,
    at_meeting_id: MeetingId | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """circulated → approved as a correct record, at ``at_meeting_id`` if given.

    ``at_meeting_id`` must be a later meeting of the same committee. Cannot be
    undone.
    """
    return _transition(
        workspace,
        clock,
        operation="approve_minutes",
        audit_change=APPROVAL_CHANGE,
        meeting_id=meeting_id,
        expected_version=expected_version,
        to=MinutesStatus.APPROVED,
        at_meeting_id=at_meeting_id,
    )


def approve_previous_minutes(
    *,
    workspace: Workspace,
    meeting_id: MeetingId,
    expected_version: int | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Approve, at meeting ``meeting_id``, the minutes of the committee's meeting before it.

    ``expected_version`` is the *previous* meeting's version as the caller saw
    it; None approves whatever version it is at (the standing item shows only
    that meeting's date and status).
    """
    with workspace.database.session() as session:
        connection = session.connection()
        previous = previous_meeting_id(connection, meeting_id)
        if previous is None:
            committee = connection.execute(
                sa.select(col(Committee.name))
                .join(Meeting, col(Meeting.committee_id) == col(Committee.id))
                .where(col(Meeting.id) == meeting_id)
            ).scalar_one()
            raise NotAllowedError(
                f"This is the first meeting of the {committee} in this database: there are no "
                "previous minutes to approve."
            )
        version = connection.execute(
            sa.select(col(Meeting.version)).where(col(Meeting.id) == previous)
        ).scalar_one()
    return approve_minutes(
        workspace=workspace,
        meeting_id=previous,
        expected_version=version if expected_version is None else expected_version,
        at_meeting_id=meeting_id,
        clock=clock,
    )


def amend_approved(
    *,
    workspace: Workspace,
    reason: str,
    edit: Callable[..., MinutesChange],
    clock: Clock = utc_now,
    **arguments: Any,
) -> MinutesChange:
    """Make ``edit(workspace=…, **arguments)`` on approved minutes, recorded as an amendment.

    ``edit`` is one of ``AMENDABLE_FUNCTIONS`` (``minutes_editing``);
    ``reason`` must not be blank. See the module docstring.
    """
    if edit not in AMENDABLE_FUNCTIONS:
        raise ValueError(f"{getattr(edit, '__name__', edit)!r} is not an edit of minutes.")
    cleaned = reason.strip() if isinstance(reason, str) else ""
    if not cleaned:
        raise ValidationError(
            "The amendment",
            [
                FieldProblem(
                    field="reason",
                    message="Say why the approved minutes are being changed: an amendment "
                    "needs a reason.",
                )
            ],
        )
    with amending(cleaned):
        return edit(workspace=workspace, clock=clock, **arguments)


# ------------------------------------------------------------------ transitions


# Which status each transition starts from.
_FROM = {
    MinutesStatus.CIRCULATED: MinutesStatus.DRAFT,
    MinutesStatus.DRAFT: MinutesStatus.CIRCULATED,
    MinutesStatus.APPROVED: MinutesStatus.CIRCULATED,
}


def _transition(
    workspace: Workspace,
    clock: Clock,
    *,
    operation: str,
    audit_change: str,
    meeting_id: MeetingId,
    expected_version: int,
    to: MinutesStatus,
    at_meeting_id: MeetingId | None = None,
    details: Mapping[str, object] | None = None,
) -> MinutesChange:
    with workspace.database.session() as session:
        connection = session.connection()
        meeting = connection.execute(
            sa.select(
                col(Meeting.id),
                col(Meeting.version),
                col(Meeting.status),
                col(Meeting.date),
                col(Meeting.committee_id),
            ).where(col(Meeting.id) == meeting_id)
        ).first()
        if meeting is None:
            raise NotFoundError("meeting", meeting_id)
        when = format_meeting_date(meeting.date)
        if meeting.version != expected_version:
            raise _stale(meeting_id, when, expected_version, meeting.version)
        status = MinutesStatus(meeting.status)
        _check_transition(connection, meeting_id, meeting.date, status, to)
        extra: dict[str, object] = dict(details or {})
        if at_meeting_id is not None:
            extra.update(_check_approving_meeting(connection, meeting, at_meeting_id))
        try:
            version = update_versioned(
                session,
                Meeting,
                meeting_id,
                expected_version=expected_version,
                changes={"status": to.value},
            )
        except RowVersionError as error:
            actual = error.actual_version if isinstance(error, StaleRowError) else None
            raise _stale(meeting_id, when, expected_version, actual) from error
        before, after = {"status": status.value}, {"status": to.value}
        record_audit(
            session,
            who=workspace.user,
            table=Meeting.__tablename__,
            row_id=meeting_id,
            change=audit_change,
            details={
                "operation": operation,
                "meeting_date": meeting.date,
                **extra,
                "fields": field_changes(before, after),
            },
            clock=clock,
        )
        item_ids = frozenset(
            AgendaItemId(row.id)
            for row in connection.execute(
                sa.select(table_of(AgendaItem).c.id).where(col(AgendaItem.meeting_id) == meeting_id)
            )
        )
    row = RowRef(Meeting.__tablename__, meeting_id)
    return MinutesChange(
        operation=operation,
        meeting_id=meeting_id,
        item_ids=item_ids,
        areas=frozenset({MinutesArea.LIFECYCLE}),
        row=row,
        before=MappingProxyType(before),
        after=MappingProxyType({**after, **extra}),
        versions=MappingProxyType({row: version}),
    )


def _check_transition(
    connection: sa.Connection,
    meeting_id: int,
    meeting_date: dt.date,
    status: MinutesStatus,
    to: MinutesStatus,
) -> None:
    when = format_meeting_date(meeting_date)
    if status is MinutesStatus.APPROVED:
        approval = approval_record(connection, meeting_id)
        sentence = approval_sentence(meeting_date, None if approval is None else approval[0])
        if to is MinutesStatus.APPROVED:
            raise NotAllowedError(f"{sentence} already.")
        raise NotAllowedError(
            f"{sentence}; approved minutes stay approved: record an amendment instead."
        )
    if status is to:
        raise NotAllowedError(f"The minutes of {when} are already {status.value}.")
    if status is not _FROM[to]:
        # The one way left: a draft straight to approved.
        raise NotAllowedError(
            f"The minutes of {when} are still a draft: circulate them to the members first. "
            "Minutes are approved as a correct record only after the members have seen them."
        )


def _check_approving_meeting(
    connection: sa.Connection, meeting: sa.Row[*tuple[Any, ...]], at_meeting_id: MeetingId
) -> dict[str, object]:
    """The meeting that approves must be a later meeting of the same committee."""
    at = connection.execute(
        sa.select(col(Meeting.id), col(Meeting.date), col(Meeting.committee_id)).where(
            col(Meeting.id) == at_meeting_id
        )
    ).first()
    if at is None:
        raise NotFoundError("meeting", at_meeting_id)
    if at.committee_id != meeting.committee_id or at.date < meeting.date or at.id == meeting.id:
        raise NotAllowedError(
            f"The minutes of {format_meeting_date(meeting.date)} can be approved only at a "
            "later meeting of the same committee."
        )
    return {"at_meeting_id": at.id, "at_meeting_date": at.date}


def _stale(meeting_id: int, when: str, expected: int, actual: int | None) -> ConflictError:
    if actual is None:
        message = f"The meeting of {when} was deleted by someone else; {_SAVED_NOT}."
    else:
        message = (
            f"The meeting of {when} was changed by someone else since you opened it; "
            f"{_SAVED_NOT}. Reload to see where its minutes stand."
        )
    return ConflictError(
        message,
        table=Meeting.__tablename__,
        row_id=meeting_id,
        expected_version=expected,
        actual_version=actual,
    )


# ------------------------------------------------------------------ undo


def _version(versions: Mapping[RowRef, int], change: MinutesChange) -> int:
    try:
        return versions[change.row]
    except KeyError:
        raise ValueError("Say which version of the meeting to expect.") from None


def _undo_circulate(
    workspace: Workspace, change: MinutesChange, versions: Mapping[RowRef, int], clock: Clock
) -> MinutesChange:
    return return_to_draft(
        workspace=workspace,
        meeting_id=change.meeting_id,
        expected_version=_version(versions, change),
        reason="Undo",
        clock=clock,
    )


def _undo_return(
    workspace: Workspace, change: MinutesChange, versions: Mapping[RowRef, int], clock: Clock
) -> MinutesChange:
    return circulate_minutes(
        workspace=workspace,
        meeting_id=change.meeting_id,
        expected_version=_version(versions, change),
        clock=clock,
    )


def _undo_approval(
    _workspace: Workspace, _change: MinutesChange, _versions: Mapping[RowRef, int], _clock: Clock
) -> MinutesChange:
    raise NotAllowedError(
        "Approving minutes as a correct record cannot be undone: the approval is the "
        "committee's decision. Record an amendment to correct them."
    )


register_inverse("circulate_minutes", _undo_circulate)
register_inverse("return_to_draft", _undo_return)
register_inverse("approve_minutes", _undo_approval)
