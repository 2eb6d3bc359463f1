"""Undo commands for improvement-plan actions: one ``QUndoCommand`` class per user action.

Contract (the machinery is ``ui.service_commands``'s; this module adds the action parts):

- Every command calls only ``services.action_editing``. Its first ``redo``
  makes the change (``record_action_update``, ``update_action``,
  ``set_rag_override``, ``create_action``, ``delete_action``); after that
  ``undo`` and ``redo`` both call ``revert_action_change`` on the last change
  the command received, which the service documents as the exact inverse. So
  undoing a progress update deletes the history entry it wrote (only while it
  is still the action's newest: otherwise the service refuses, and the
  command is dropped), and redoing puts the very same entry back.
- ``ActionEditor`` is what the commands of one undo stack share: the open
  workspace, the latest version of every action they changed (keyed by id),
  and the signals. ``change_applied`` carries every ``ActionChange`` as it
  happens, so the tab refreshes only the actions named. ``command_failed``
  carries the undo text, a sentence (each problem of a ``ValidationError``
  spelt out), and whether the views must reload, when a service refused
  (``ConflictError``: someone else changed or deleted the action, reload;
  ``NotFoundError``, reload; ``NotAllowedError``: the rules said no, such as
  a newer update; ``ValidationError``). Commands never show a message: the
  tab does, after the stack has finished.
- A command whose service call fails marks itself obsolete, so ``QUndoStack``
  drops it (on push, undo or redo alike). A no-op is dropped silently.
- ``UpdateActionCommand`` merges (``id``/``mergeWith``) with the command
  before it when both change the same fields of the same action, so retyping a
  description three times is one undo step back to the first text. Progress
  updates never merge: each is an entry in the action's history.
- Plans, priority areas and events (``CreatePlanCommand``, ``EditPlanCommand``,
  ``AddAreaCommand``, ``RenameAreaCommand``, ``MoveAreaCommand``,
  ``DeleteAreaCommand``, ``CreateEventCommand``, ``EditEventCommand``,
  ``DeleteEventCommand``) follow the same pattern over ``services.plans`` and
  its ``revert_plan_change``; the editor tracks their versions by (kind, id)
  and announces them with ``plan_change_applied``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import Final

from PySide6.QtCore import QObject, Signal

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.services.errors import ConflictError, NotFoundError, ValidationError
from qpmr_desktop.services.read_models import (
    ActionChange,
    ActionChangeKind,
    ActionDraft,
    PlanChange,
    PlanDraft,
    PlanEventDraft,
    PlanSubject,
)
from qpmr_desktop.ui.service_commands import RowVersions, ServiceCommand, ServiceEditor

__all__ = [
    "ACTION_FIELD_LABELS",
    "ActionEditor",
    "AddAreaCommand",
    "CreateActionCommand",
    "CreateEventCommand",
    "CreatePlanCommand",
    "DeleteActionCommand",
    "DeleteAreaCommand",
    "DeleteEventCommand",
    "EditEventCommand",
    "EditPlanCommand",
    "MoveAreaCommand",
    "RecordActionUpdateCommand",
    "RenameAreaCommand",
    "SetRagOverrideCommand",
    "UpdateActionCommand",
    "merge_action_changes",
]

# The editing service is imported where each command first calls it, not here: it
# brings SQLAlchemy, and the window paints before that loads.

#: How a field is named in undo texts ("Undo Change due date of 2.3").
ACTION_FIELD_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "description": "description",
        "priority_area_id": "priority area",
        "lead": "lead",
        "lead_id": "lead",
        "due_date": "due date",
        "resolution_id": "linked resolution",
        "indicator_ids": "linked indicators",
    }
)


def merge_action_changes(first: ActionChange, second: ActionChange) -> ActionChange:
    """One change from before ``first`` to after ``second`` (the same action, in that order).

    Two updates keep the first's old values and the second's new ones; a
    field that ends where it began drops out, so typing back the original
    leaves nothing to undo.
    """
    if first.action_id != second.action_id:
        raise ValueError("Only changes of the same action can be merged.")
    before = {**second.before, **first.before}
    after = {**first.after, **second.after}
    same = [name for name in after if name in before and before[name] == after[name]]
    for name in same:
        del before[name], after[name]
    return dataclasses.replace(
        second,
        before=MappingProxyType(before),
        after=MappingProxyType(after),
        people_changed=first.people_changed or second.people_changed,
    )


class ActionEditor(ServiceEditor[int, ActionChange]):
    """What one undo stack's action and plan commands share; see the module contract."""

    plan_change_applied = Signal(object)  # PlanChange

    # A refused rule (a newer update) leaves the views right: only these make them stale.
    RELOAD_AFTER = (ConflictError, NotFoundError)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plan_versions: RowVersions[tuple[PlanSubject, int]] = RowVersions()
        self._last_plan_change: PlanChange | None = None

    def version_of(self, action_id: int, seen: int) -> int:
        """The version to expect for ``action_id``: the newest this editor made, else ``seen``."""
        return self._versions.expected(action_id, seen)

    def version_for(self, change: ActionChange) -> int | None:
        """The version the action of ``change`` is at now, as far as this editor knows."""
        return self._versions.current(change.action_id, change.version)

    @property
    def last_plan_change(self) -> PlanChange | None:
        """The plan, area or event change most recently made (a new row's id, after a push)."""
        return self._last_plan_change

    def plan_version_of(self, subject: PlanSubject, row_id: int, seen: int) -> int:
        """As ``version_of``, for a plan, a priority area or an event."""
        return self._plan_versions.expected((subject, row_id), seen)

    def plan_version_for(self, change: PlanChange) -> int | None:
        return self._plan_versions.current((change.subject, change.row_id), change.version)

    def plan_applied(self, change: PlanChange) -> None:
        """Remember the version a plan change left its row at, and tell the views."""
        self._plan_versions.record((change.subject, change.row_id), change.version)
        self._last_plan_change = change
        self.plan_change_applied.emit(change)

    def describe(self, error: Exception) -> str:
        """The service's words, with each field problem of a ``ValidationError`` spelt out."""
        if isinstance(error, ValidationError):
            problems = [problem.message for problem in error.problems if problem.message]
            if problems:
                return " ".join(problems)
        return str(error)

    def _forget(self) -> None:
        super()._forget()
        self._plan_versions.clear()
        self._last_plan_change = None

    def _rows_written(self, change: ActionChange) -> Iterable[tuple[int, int | None]]:
        return ((change.action_id, change.version),)


class _ActionCommand(ServiceCommand[ActionEditor, ActionChange]):
    """Makes a change once, then flips between it and its inverse through the service."""

    def _revert(self, change: ActionChange) -> ActionChange:
        from qpmr_desktop.services.action_editing import revert_action_change  # noqa: PLC0415

        return revert_action_change(
            workspace=self._editor.workspace,
            change=change,
            expected_version=self._editor.version_for(change),
        )


class RecordActionUpdateCommand(_ActionCommand):
    """Record a change of status and/or progress and/or a note: one entry in the history.

    ``status``/``progress`` None leave them as they are. Undo deletes the
    entry (refused, and the step dropped, once someone has recorded a newer
    one); redo puts the same entry back.
    """

    def __init__(
        self,
        editor: ActionEditor,
        *,
        action_id: int,
        ref: str,
        expected_version: int,
        status: ActionStatus | None = None,
        progress: int | None = None,
        note: str = "",
    ) -> None:
        super().__init__(editor, _update_text(ref, status, progress, note))
        self.action_id = action_id
        self._expected_version = expected_version
        self._status = status
        self._progress = progress
        self._note = note

    def _first_redo(self) -> ActionChange:
        from qpmr_desktop.services.action_editing import record_action_update  # noqa: PLC0415

        return record_action_update(
            workspace=self._editor.workspace,
            action_id=self.action_id,
            expected_version=self._editor.version_of(self.action_id, self._expected_version),
            status=self._status,
            progress=self._progress,
            note=self._note,
        )


def _update_text(ref: str, status: ActionStatus | None, progress: int | None, note: str) -> str:
    if note.strip():
        return f"Add Update to {ref}"
    if status is not None and progress is None:
        return f"Set Status of {ref} to {status.label}"
    if progress is not None and status is None:
        return f"Set Progress of {ref} to {progress}%"
    return f"Update {ref}"


class UpdateActionCommand(_ActionCommand):
    """Change some fields of an action; merges with a previous edit of the same fields."""

    MERGE_ID = 4201  # any number no other merging class uses

    def __init__(
        self,
        editor: ActionEditor,
        *,
        action_id: int,
        ref: str,
        expected_version: int,
        changes: Mapping[str, object],
    ) -> None:
        fields = sorted(changes)
        if len(fields) == 1:
            text = f"Change {ACTION_FIELD_LABELS.get(fields[0], fields[0])} of {ref}"
        else:
            text = f"Edit {ref}"
        super().__init__(editor, text)
        self.action_id = action_id
        self.fields = frozenset(changes)
        self._expected_version = expected_version
        self._changes = dict(changes)

    def _first_redo(self) -> ActionChange:
        from qpmr_desktop.services.action_editing import update_action  # noqa: PLC0415

        return update_action(
            workspace=self._editor.workspace,
            action_id=self.action_id,
            expected_version=self._editor.version_of(self.action_id, self._expected_version),
            changes=self._changes,
        )

    def _merge_key(self) -> Hashable:
        return (self.action_id, self.fields)

    def _can_merge(self, first: ActionChange, second: ActionChange) -> bool:  # noqa: ARG002
        return first.kind is ActionChangeKind.UPDATE

    def _merged(self, first: ActionChange, second: ActionChange) -> ActionChange:
        return merge_action_changes(first, second)


class SetRagOverrideCommand(_ActionCommand):
    """Override an action's derived rating with a reason, or clear the override (``rag`` None)."""

    def __init__(
        self,
        editor: ActionEditor,
        *,
        action_id: int,
        ref: str,
        expected_version: int,
        rag: ActionRag | None,
        reason: str,
    ) -> None:
        text = f"Clear RAG Override of {ref}" if rag is None else f"Override RAG of {ref}"
        super().__init__(editor, text)
        self.action_id = action_id
        self._expected_version = expected_version
        self._rag = rag
        self._reason = reason

    def _first_redo(self) -> ActionChange:
        from qpmr_desktop.services.action_editing import set_rag_override  # noqa: PLC0415

        return set_rag_override(
            workspace=self._editor.workspace,
            action_id=self.action_id,
            expected_version=self._editor.version_of(self.action_id, self._expected_version),
            rag=self._rag,
            reason=self._reason,
        )


class CreateActionCommand(_ActionCommand):
    """Add an action from a form's draft; undo deletes it (it has no history then)."""

    def __init__(self, editor: ActionEditor, draft: ActionDraft) -> None:
        super().__init__(editor, f"Add Action {draft.ref.strip()}")
        self._draft = draft

    @property
    def action_id(self) -> int | None:
        """The new action's id once created (kept by undo and redo), else None."""
        return None if self._change is None else self._change.action_id

    def _first_redo(self) -> ActionChange:
        from qpmr_desktop.services.action_editing import create_action  # noqa: PLC0415

        return create_action(workspace=self._editor.workspace, draft=self._draft)


class DeleteActionCommand(_ActionCommand):
    """Delete an action that has no history yet; undo puts it back with its id and links."""

    def __init__(
        self, editor: ActionEditor, *, action_id: int, ref: str, expected_version: int
    ) -> None:
        super().__init__(editor, f"Delete Action {ref}")
        self.action_id = action_id
        self._expected_version = expected_version

    def _first_redo(self) -> ActionChange:
        from qpmr_desktop.services.action_editing import delete_action  # noqa: PLC0415

        return delete_action(
            workspace=self._editor.workspace,
            action_id=self.action_id,
            expected_version=self._editor.version_of(self.action_id, self._expected_version),
        )


# ------------------------------------------------------------------ plans, areas, events


class _PlanCommand(ServiceCommand[ActionEditor, PlanChange]):
    """A plan, area or event change made once, then flipped through ``revert_plan_change``."""

    def _revert(self, change: PlanChange) -> PlanChange:
        from qpmr_desktop.services.plans import revert_plan_change  # noqa: PLC0415

        return revert_plan_change(
            workspace=self._editor.workspace,
            change=change,
            expected_version=self._editor.plan_version_for(change),
        )

    def _applied(self, change: PlanChange) -> None:
        self._editor.plan_applied(change)

    def _version(self, subject: PlanSubject, row_id: int, seen: int) -> int:
        return self._editor.plan_version_of(subject, row_id, seen)


class CreatePlanCommand(_PlanCommand):
    """Add an improvement plan; undo deletes it (it is empty then)."""

    def __init__(self, editor: ActionEditor, draft: PlanDraft) -> None:
        super().__init__(editor, f"Add Plan {draft.name.strip()}")
        self._draft = draft

    def _first_redo(self) -> PlanChange:
        from qpmr_desktop.services.plans import create_plan  # noqa: PLC0415

        return create_plan(workspace=self._editor.workspace, draft=self._draft)


class EditPlanCommand(_PlanCommand):
    """Change some fields of a plan (name, board, dates, status)."""

    def __init__(
        self,
        editor: ActionEditor,
        *,
        plan_id: int,
        name: str,
        expected_version: int,
        changes: Mapping[str, object],
    ) -> None:
        super().__init__(editor, f"Edit Plan {name}")
        self.plan_id = plan_id
        self._expected_version = expected_version
        self._changes = dict(changes)

    def _first_redo(self) -> PlanChange:
        from qpmr_desktop.services.plans import update_plan  # noqa: PLC0415

        return update_plan(
            workspace=self._editor.workspace,
            plan_id=self.plan_id,
            expected_version=self._version(PlanSubject.PLAN, self.plan_id, self._expected_version),
            changes=self._changes,
        )


class AddAreaCommand(_PlanCommand):
    """Add a priority area at the end of a plan's; undo deletes it."""

    def __init__(self, editor: ActionEditor, *, plan_id: int, name: str) -> None:
        super().__init__(editor, f"Add Priority Area {name.strip()}")
        self.plan_id = plan_id
        self._name = name

    def _first_redo(self) -> PlanChange:
        from qpmr_desktop.services.plans import add_priority_area  # noqa: PLC0415

        return add_priority_area(
            workspace=self._editor.workspace, plan_id=self.plan_id, name=self._name
        )


class RenameAreaCommand(_PlanCommand):
    """Rename a priority area."""

    def __init__(
        self, editor: ActionEditor, *, area_id: int, old_name: str, name: str, expected_version: int
    ) -> None:
        super().__init__(editor, f"Rename Priority Area {old_name}")
        self.area_id = area_id
        self._name = name
        self._expected_version = expected_version

    def _first_redo(self) -> PlanChange:
        from qpmr_desktop.services.plans import rename_priority_area  # noqa: PLC0415

        return rename_priority_area(
            workspace=self._editor.workspace,
            area_id=self.area_id,
            expected_version=self._version(PlanSubject.AREA, self.area_id, self._expected_version),
            name=self._name,
        )


class MoveAreaCommand(_PlanCommand):
    """Move a priority area to another position in its plan (the others close up)."""

    def __init__(
        self, editor: ActionEditor, *, area_id: int, name: str, position: int, expected_version: int
    ) -> None:
        super().__init__(editor, f"Move Priority Area {name}")
        self.area_id = area_id
        self._position = position
        self._expected_version = expected_version

    def _first_redo(self) -> PlanChange:
        from qpmr_desktop.services.plans import move_priority_area  # noqa: PLC0415

        return move_priority_area(
            workspace=self._editor.workspace,
            area_id=self.area_id,
            expected_version=self._version(PlanSubject.AREA, self.area_id, self._expected_version),
            position=self._position,
        )


class DeleteAreaCommand(_PlanCommand):
    """Delete a priority area with no actions; undo puts it back in its place."""

    def __init__(
        self, editor: ActionEditor, *, area_id: int, name: str, expected_version: int
    ) -> None:
        super().__init__(editor, f"Delete Priority Area {name}")
        self.area_id = area_id
        self._expected_version = expected_version

    def _first_redo(self) -> PlanChange:
        from qpmr_desktop.services.plans import delete_priority_area  # noqa: PLC0415

        return delete_priority_area(
            workspace=self._editor.workspace,
            area_id=self.area_id,
            expected_version=self._version(PlanSubject.AREA, self.area_id, self._expected_version),
        )


class CreateEventCommand(_PlanCommand):
    """Add an event or milestone; undo deletes it."""

    def __init__(self, editor: ActionEditor, draft: PlanEventDraft) -> None:
        super().__init__(editor, f"Add Event {draft.title.strip()}")
        self._draft = draft

    def _first_redo(self) -> PlanChange:
        from qpmr_desktop.services.plans import create_event  # noqa: PLC0415

        return create_event(workspace=self._editor.workspace, draft=self._draft)


class EditEventCommand(_PlanCommand):
    """Change some fields of an event (title, kind, dates, notes)."""

    def __init__(
        self,
        editor: ActionEditor,
        *,
        event_id: int,
        title: str,
        expected_version: int,
        changes: Mapping[str, object],
    ) -> None:
        super().__init__(editor, f"Edit Event {title}")
        self.event_id = event_id
        self._expected_version = expected_version
        self._changes = dict(changes)

    def _first_redo(self) -> PlanChange:
        from qpmr_desktop.services.plans import update_event  # noqa: PLC0415

        return update_event(
            workspace=self._editor.workspace,
            event_id=self.event_id,
            expected_version=self._version(
                PlanSubject.EVENT, self.event_id, self._expected_version
            ),
            changes=self._changes,
        )


class DeleteEventCommand(_PlanCommand):
    """Delete an event; undo puts it back with its id."""

    def __init__(
        self, editor: ActionEditor, *, event_id: int, title: str, expected_version: int
    ) -> None:
        super().__init__(editor, f"Delete Event {title}")
        self.event_id = event_id
        self._expected_version = expected_version

    def _first_redo(self) -> PlanChange:
        from qpmr_desktop.services.plans import delete_event  # noqa: PLC0415

        return delete_event(
            workspace=self._editor.workspace,
            event_id=self.event_id,
            expected_version=self._version(
                PlanSubject.EVENT, self.event_id, self._expected_version
            ),
        )
