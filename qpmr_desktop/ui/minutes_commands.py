"""Undo commands for editing minutes: one ``QUndoCommand`` class per user action.

Contract (the machinery is ``ui.service_commands``'s; this module adds the minutes parts):

- Every command calls only ``services.minutes_editing`` (and
  ``services.minutes_lifecycle`` for circulating). Its first ``redo`` makes the
  change; after that ``undo`` and ``redo`` both call ``revert_minutes_change``
  on the last change the command received, which the service documents as the
  exact inverse (a split's inverse is a merge and the merge's inverse the
  split again), so a command never reads the database to build its inverse.
- ``MinutesEditor`` is what the commands of one undo stack share: the open
  workspace, the latest version of every row they have written (a change can
  write several: each ``RowRef`` in its ``versions``), the amendment being
  recorded (when set, a command's first ``redo`` goes through
  ``minutes_lifecycle.amend_approved`` with that reason: ``call``), and the
  two signals: ``change_applied(MinutesChange)`` for every change as it
  happens, so views refresh only what its ``areas`` name, and
  ``command_failed(undo text, message, reload)`` when a service refused.
  Commands never show a message themselves: the tab does, after the stack
  has finished (queued connection).
- A command whose service call fails marks itself obsolete, so ``QUndoStack``
  drops it. A no-op is dropped silently.
- ``SetPointTextCommand`` (and the resolution/part/heading text commands)
  merge (``id``/``mergeWith``) with the command just before them when both set
  the same row's text: the editor commits typing about a second after each
  pause, and all those commits of one point are one undo step, whose undo
  goes back to the text before the first. An ordinary edit never merges with
  an amendment.
- Approving minutes is not a command: it cannot be undone (the service
  refuses), so the lifecycle panel calls the service directly and reports the
  change through ``MinutesEditor.apply_external``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from PySide6.QtCore import QObject

from qpmr_desktop.domain.ids import (
    AgendaItemId,
    MeetingId,
    PointId,
    ResolutionId,
    ResolutionPartId,
    SectionId,
)
from qpmr_desktop.domain.minutes import PointKind
from qpmr_desktop.services.read_models import MinutesChange, RowRef
from qpmr_desktop.ui.service_commands import ServiceCommand, ServiceEditor

__all__ = [
    "AddResolutionCommand",
    "AddResolutionPartCommand",
    "CirculateMinutesCommand",
    "DeletePointCommand",
    "DeleteResolutionCommand",
    "DeleteResolutionPartCommand",
    "DeleteSectionCommand",
    "InsertPointCommand",
    "InsertSectionCommand",
    "MergePointsCommand",
    "MinutesEditor",
    "MovePointCommand",
    "MoveResolutionCommand",
    "MoveResolutionPartCommand",
    "MoveSectionCommand",
    "RenameSectionCommand",
    "ReturnToDraftCommand",
    "SetPointKindCommand",
    "SetPointTextCommand",
    "SetResolutionLabelCommand",
    "SetResolutionTextCommand",
    "SplitPointCommand",
    "UpdateResolutionPartCommand",
    "merge_text_changes",
]

# The editing services are imported where a command first calls them, not here:
# they bring SQLAlchemy, and the window paints before that loads.


def merge_text_changes(first: MinutesChange, second: MinutesChange) -> MinutesChange:
    """One update of the same row going from before ``first`` to after ``second``."""
    if first.row != second.row or first.operation != second.operation:
        raise ValueError("Only updates of the same row by the same operation can be merged.")
    before = {**second.before, **first.before}
    after = {**first.after, **second.after}
    versions = {**first.versions, **second.versions}
    return dataclasses.replace(
        second,
        before=MappingProxyType(before),
        after=MappingProxyType(after),
        versions=MappingProxyType(versions),
    )


class MinutesEditor(ServiceEditor[RowRef, MinutesChange]):
    """What one undo stack's minutes commands share; see the module contract."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._amendment_reason: str | None = None

    @property
    def amendment_reason(self) -> str | None:
        """The reason of the amendment being recorded to approved minutes, or None."""
        return self._amendment_reason

    def set_amendment_reason(self, reason: str | None) -> None:
        """Record the next edits as an amendment with ``reason`` (None: ordinary edits)."""
        self._amendment_reason = reason.strip() if reason and reason.strip() else None

    def version(self, row: RowRef, default: int) -> int:
        """The version ``row`` is at, as far as this editor knows (``default`` otherwise)."""
        return self._versions.expected(row, default)

    def versions_for(self, change: MinutesChange) -> dict[RowRef, int]:
        """The current versions of the rows ``change`` wrote, for ``revert_minutes_change``."""
        current: dict[RowRef, int] = {}
        for row, version in change.versions.items():
            known = self._versions.current(row, version)
            if known is not None:
                current[row] = known
        return current

    def call(self, function: Callable[..., MinutesChange], **arguments: Any) -> MinutesChange:
        """``function(workspace=…, **arguments)``, as an amendment while one is being recorded."""
        if self._amendment_reason is None:
            return function(workspace=self.workspace, **arguments)
        from qpmr_desktop.services.minutes_lifecycle import amend_approved  # noqa: PLC0415

        return amend_approved(
            workspace=self.workspace, reason=self._amendment_reason, edit=function, **arguments
        )

    def revert(self, change: MinutesChange) -> MinutesChange:
        """``change`` undone by ``revert_minutes_change``, expecting the versions known here."""
        from qpmr_desktop.services.minutes_editing import revert_minutes_change  # noqa: PLC0415

        return revert_minutes_change(
            workspace=self.workspace, change=change, versions=self.versions_for(change)
        )

    def apply_external(self, change: MinutesChange) -> None:
        """Report a change made outside the undo stack (an approval)."""
        self.applied(change)

    def _forget(self) -> None:
        super()._forget()
        self._amendment_reason = None

    def _rows_written(self, change: MinutesChange) -> Iterable[tuple[RowRef, int | None]]:
        return change.versions.items()


class _MinutesCommand(ServiceCommand[MinutesEditor, MinutesChange]):
    """Makes a change once, then flips between it and its inverse."""

    def _revert(self, change: MinutesChange) -> MinutesChange:
        return self._editor.revert(change)

    def _can_merge(self, first: MinutesChange, second: MinutesChange) -> bool:
        # An ordinary edit and an amendment are separate steps.
        return first.amendment_id == second.amendment_id or (
            first.amendment_id is not None and second.amendment_id is not None
        )

    def _merged(self, first: MinutesChange, second: MinutesChange) -> MinutesChange:
        return merge_text_changes(first, second)

    def _undoes_nothing(self, change: MinutesChange) -> bool:
        return dict(change.before) == {key: change.after.get(key) for key in change.before}


# ------------------------------------------------------------------ points


class InsertPointCommand(_MinutesCommand):
    """A new point of ``kind`` at ``position`` in a section; undo deletes it."""

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        section_id: SectionId,
        position: int | None,
        kind: PointKind,
        text: str = "",
    ) -> None:
        super().__init__(editor, f"Insert {kind.label} Point")
        self.section_id = section_id
        self.position = position
        self.kind = kind
        self._text = text

    @property
    def point_id(self) -> PointId | None:
        """The new point's id once inserted, else None."""
        return None if self._change is None else PointId(self._change.row.id)

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import insert_point  # noqa: PLC0415

        return self._editor.call(
            insert_point,
            section_id=self.section_id,
            position=self.position,
            kind=self.kind,
            text=self._text,
        )


class SetPointTextCommand(_MinutesCommand):
    """The text of one point as typed; consecutive commits of one point merge."""

    MERGE_ID = 4101  # each merging class has its own number (4101-4105)

    def __init__(
        self, editor: MinutesEditor, *, point_id: PointId, expected_version: int, text: str
    ) -> None:
        super().__init__(editor, "Typing")
        self.point_id = point_id
        self._expected_version = expected_version
        self._text = text

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import set_point_text  # noqa: PLC0415

        return self._editor.call(
            set_point_text,
            point_id=self.point_id,
            expected_version=self._editor.version(
                RowRef("minute_point", self.point_id), self._expected_version
            ),
            text=self._text,
        )

    def _merge_key(self) -> Hashable:
        return self.point_id


class SetPointKindCommand(_MinutesCommand):
    """Change what a point does (Presented, Noted …)."""

    def __init__(
        self, editor: MinutesEditor, *, point_id: PointId, expected_version: int, kind: PointKind
    ) -> None:
        super().__init__(editor, f"Make Point {kind.label}")
        self.point_id = point_id
        self._expected_version = expected_version
        self.kind = kind

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import set_point_kind  # noqa: PLC0415

        return self._editor.call(
            set_point_kind,
            point_id=self.point_id,
            expected_version=self._editor.version(
                RowRef("minute_point", self.point_id), self._expected_version
            ),
            kind=self.kind,
        )


class SplitPointCommand(_MinutesCommand):
    """Split a point at ``offset`` (a string index) into two of the same kind; undo merges."""

    def __init__(
        self, editor: MinutesEditor, *, point_id: PointId, expected_version: int, offset: int
    ) -> None:
        super().__init__(editor, "Split Point")
        self.point_id = point_id
        self._expected_version = expected_version
        self.offset = offset

    @property
    def new_point_id(self) -> PointId | None:
        """The second point's id once split, else None."""
        if self._change is None or "new_point_id" not in self._change.after:
            return None
        value = self._change.after["new_point_id"]
        return PointId(value) if isinstance(value, int) else None

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import split_point  # noqa: PLC0415

        return self._editor.call(
            split_point,
            point_id=self.point_id,
            expected_version=self._editor.version(
                RowRef("minute_point", self.point_id), self._expected_version
            ),
            offset=self.offset,
        )


class MergePointsCommand(_MinutesCommand):
    """Join the next point of the same section onto ``point_id``; undo splits them again."""

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        point_id: PointId,
        expected_version: int,
        next_point_id: PointId,
        next_expected_version: int,
    ) -> None:
        super().__init__(editor, "Merge Points")
        self.point_id = point_id
        self._expected_version = expected_version
        self.next_point_id = next_point_id
        self._next_expected_version = next_expected_version

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import merge_point_with_next  # noqa: PLC0415

        return self._editor.call(
            merge_point_with_next,
            point_id=self.point_id,
            expected_version=self._editor.version(
                RowRef("minute_point", self.point_id), self._expected_version
            ),
            next_expected_version=self._editor.version(
                RowRef("minute_point", self.next_point_id), self._next_expected_version
            ),
        )


class MovePointCommand(_MinutesCommand):
    """Move a point: one place up (``step`` -1) or down (+1), across sections as the service
    does (Alt+Up / Alt+Down); or, given ``position``, to that index of ``section_id`` (its own
    section when None) as drag and drop does. ``position`` counts the section's points
    without the one moved, as ``move_point`` does."""

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        point_id: PointId,
        expected_version: int,
        step: int = 0,
        position: int | None = None,
        section_id: SectionId | None = None,
    ) -> None:
        if (position is None) == (step == 0):
            raise ValueError("Move a point by a step or to a position, not both or neither.")
        if position is not None:
            text = "Move Point"
        else:
            text = "Move Point Up" if step < 0 else "Move Point Down"
        super().__init__(editor, text)
        self.point_id = point_id
        self._expected_version = expected_version
        self.step = step
        self.position = position
        self.section_id = section_id

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import (  # noqa: PLC0415
            move_point,
            move_point_down,
            move_point_up,
        )

        expected_version = self._editor.version(
            RowRef("minute_point", self.point_id), self._expected_version
        )
        if self.position is not None:
            return self._editor.call(
                move_point,
                point_id=self.point_id,
                expected_version=expected_version,
                position=self.position,
                section_id=self.section_id,
            )
        return self._editor.call(
            move_point_up if self.step < 0 else move_point_down,
            point_id=self.point_id,
            expected_version=expected_version,
        )


class DeletePointCommand(_MinutesCommand):
    """Delete a point; undo puts it back with its id, kind and text."""

    def __init__(self, editor: MinutesEditor, *, point_id: PointId, expected_version: int) -> None:
        super().__init__(editor, "Delete Point")
        self.point_id = point_id
        self._expected_version = expected_version

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import delete_point  # noqa: PLC0415

        return self._editor.call(
            delete_point,
            point_id=self.point_id,
            expected_version=self._editor.version(
                RowRef("minute_point", self.point_id), self._expected_version
            ),
        )


# ------------------------------------------------------------------ sections


class InsertSectionCommand(_MinutesCommand):
    """A new section at ``position`` of an item; undo deletes it."""

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        item_id: AgendaItemId,
        position: int | None,
        heading: str | None = None,
    ) -> None:
        super().__init__(editor, "Insert Section")
        self.item_id = item_id
        self.position = position
        self._heading = heading

    @property
    def section_id(self) -> SectionId | None:
        return None if self._change is None else SectionId(self._change.row.id)

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import insert_section  # noqa: PLC0415

        return self._editor.call(
            insert_section, item_id=self.item_id, position=self.position, heading=self._heading
        )


class RenameSectionCommand(_MinutesCommand):
    """A section's heading (None or "" for no heading); consecutive renames merge."""

    MERGE_ID = 4103

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        section_id: SectionId,
        expected_version: int,
        heading: str | None,
    ) -> None:
        super().__init__(editor, "Rename Section")
        self.section_id = section_id
        self._expected_version = expected_version
        self._heading = heading.strip() if heading and heading.strip() else None

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import rename_section  # noqa: PLC0415

        return self._editor.call(
            rename_section,
            section_id=self.section_id,
            expected_version=self._editor.version(
                RowRef("minute_section", self.section_id), self._expected_version
            ),
            heading=self._heading,
        )

    def _merge_key(self) -> Hashable:
        return self.section_id


class MoveSectionCommand(_MinutesCommand):
    """Move a section, with its points, to ``position`` among the item's sections."""

    def __init__(
        self, editor: MinutesEditor, *, section_id: SectionId, expected_version: int, position: int
    ) -> None:
        super().__init__(editor, "Move Section")
        self.section_id = section_id
        self._expected_version = expected_version
        self.position = position

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import move_section  # noqa: PLC0415

        return self._editor.call(
            move_section,
            section_id=self.section_id,
            expected_version=self._editor.version(
                RowRef("minute_section", self.section_id), self._expected_version
            ),
            position=self.position,
        )


class DeleteSectionCommand(_MinutesCommand):
    """Delete a section and its points; undo puts them all back."""

    def __init__(
        self, editor: MinutesEditor, *, section_id: SectionId, expected_version: int
    ) -> None:
        super().__init__(editor, "Delete Section")
        self.section_id = section_id
        self._expected_version = expected_version

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import delete_section  # noqa: PLC0415

        return self._editor.call(
            delete_section,
            section_id=self.section_id,
            expected_version=self._editor.version(
                RowRef("minute_section", self.section_id), self._expected_version
            ),
        )


# ------------------------------------------------------------------ resolutions


class AddResolutionCommand(_MinutesCommand):
    """A new resolution of an item ("Resolved: That …"); undo deletes it."""

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        item_id: AgendaItemId,
        text: str = "",
        label: str = "Resolved",
        position: int | None = None,
    ) -> None:
        super().__init__(editor, "Add Resolution")
        self.item_id = item_id
        self._text = text
        self._label = label
        self.position = position

    @property
    def resolution_id(self) -> ResolutionId | None:
        return None if self._change is None else ResolutionId(self._change.row.id)

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import add_resolution  # noqa: PLC0415

        return self._editor.call(
            add_resolution,
            item_id=self.item_id,
            text=self._text,
            label=self._label,
            position=self.position,
        )


class SetResolutionTextCommand(_MinutesCommand):
    """A resolution's text as typed; consecutive commits of one resolution merge."""

    MERGE_ID = 4102

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        resolution_id: ResolutionId,
        expected_version: int,
        text: str,
    ) -> None:
        super().__init__(editor, "Typing")
        self.resolution_id = resolution_id
        self._expected_version = expected_version
        self._text = text

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import set_resolution_text  # noqa: PLC0415

        return self._editor.call(
            set_resolution_text,
            resolution_id=self.resolution_id,
            expected_version=self._editor.version(
                RowRef("resolution", self.resolution_id), self._expected_version
            ),
            text=self._text,
        )

    def _merge_key(self) -> Hashable:
        return self.resolution_id


class SetResolutionLabelCommand(_MinutesCommand):
    """How a resolution is introduced ("Resolved", "Agreed"); consecutive edits merge."""

    MERGE_ID = 4105

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        resolution_id: ResolutionId,
        expected_version: int,
        label: str,
    ) -> None:
        super().__init__(editor, "Change Resolution Label")
        self.resolution_id = resolution_id
        self._expected_version = expected_version
        self._label = label

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import set_resolution_label  # noqa: PLC0415

        return self._editor.call(
            set_resolution_label,
            resolution_id=self.resolution_id,
            expected_version=self._editor.version(
                RowRef("resolution", self.resolution_id), self._expected_version
            ),
            label=self._label,
        )

    def _merge_key(self) -> Hashable:
        return self.resolution_id


class DeleteResolutionCommand(_MinutesCommand):
    """Delete a resolution and its parts; undo puts them back."""

    def __init__(
        self, editor: MinutesEditor, *, resolution_id: ResolutionId, expected_version: int
    ) -> None:
        super().__init__(editor, "Delete Resolution")
        self.resolution_id = resolution_id
        self._expected_version = expected_version

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import delete_resolution  # noqa: PLC0415

        return self._editor.call(
            delete_resolution,
            resolution_id=self.resolution_id,
            expected_version=self._editor.version(
                RowRef("resolution", self.resolution_id), self._expected_version
            ),
        )


class MoveResolutionCommand(_MinutesCommand):
    """Move a resolution to ``position``; its number (i), (ii) … follows its new place."""

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        resolution_id: ResolutionId,
        expected_version: int,
        position: int,
    ) -> None:
        super().__init__(editor, "Move Resolution")
        self.resolution_id = resolution_id
        self._expected_version = expected_version
        self.position = position

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import move_resolution  # noqa: PLC0415

        return self._editor.call(
            move_resolution,
            resolution_id=self.resolution_id,
            expected_version=self._editor.version(
                RowRef("resolution", self.resolution_id), self._expected_version
            ),
            position=self.position,
        )


class AddResolutionPartCommand(_MinutesCommand):
    """A new part of a resolution at ``position`` (None: the end); undo deletes it."""

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        resolution_id: ResolutionId,
        text: str = "",
        label: str = "",
        position: int | None = None,
    ) -> None:
        super().__init__(editor, "Add Resolution Part")
        self.resolution_id = resolution_id
        self._text = text
        self._label = label
        self.position = position

    @property
    def part_id(self) -> ResolutionPartId | None:
        """The new part's id once added, else None."""
        return None if self._change is None else ResolutionPartId(self._change.row.id)

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import add_resolution_part  # noqa: PLC0415

        return self._editor.call(
            add_resolution_part,
            resolution_id=self.resolution_id,
            text=self._text,
            label=self._label,
            position=self.position,
        )


class MoveResolutionPartCommand(_MinutesCommand):
    """Move a part to ``position`` within its resolution."""

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        part_id: ResolutionPartId,
        expected_version: int,
        position: int,
    ) -> None:
        super().__init__(editor, "Move Resolution Part")
        self.part_id = part_id
        self._expected_version = expected_version
        self.position = position

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import move_resolution_part  # noqa: PLC0415

        return self._editor.call(
            move_resolution_part,
            part_id=self.part_id,
            expected_version=self._editor.version(
                RowRef("resolution_part", self.part_id), self._expected_version
            ),
            position=self.position,
        )


class DeleteResolutionPartCommand(_MinutesCommand):
    """Delete a part of a resolution; undo puts it back with its id, label and text."""

    def __init__(
        self, editor: MinutesEditor, *, part_id: ResolutionPartId, expected_version: int
    ) -> None:
        super().__init__(editor, "Delete Resolution Part")
        self.part_id = part_id
        self._expected_version = expected_version

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import delete_resolution_part  # noqa: PLC0415

        return self._editor.call(
            delete_resolution_part,
            part_id=self.part_id,
            expected_version=self._editor.version(
                RowRef("resolution_part", self.part_id), self._expected_version
            ),
        )


class UpdateResolutionPartCommand(_MinutesCommand):
    """A resolution part's ``label`` or ``text``; consecutive edits of one part merge."""

    MERGE_ID = 4104

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        part_id: ResolutionPartId,
        expected_version: int,
        changes: Mapping[str, object],
    ) -> None:
        super().__init__(
            editor,
            "Relabel Resolution Part" if set(changes) == {"label"} else "Edit Resolution Part",
        )
        self.part_id = part_id
        self._expected_version = expected_version
        self._changes = dict(changes)
        self.fields = frozenset(changes)

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import update_resolution_part  # noqa: PLC0415

        return self._editor.call(
            update_resolution_part,
            part_id=self.part_id,
            expected_version=self._editor.version(
                RowRef("resolution_part", self.part_id), self._expected_version
            ),
            changes=self._changes,
        )

    def _merge_key(self) -> Hashable:
        return (self.part_id, self.fields)


# ------------------------------------------------------------------ lifecycle


class CirculateMinutesCommand(_MinutesCommand):
    """draft → circulated; undo returns the minutes to draft."""

    def __init__(
        self, editor: MinutesEditor, *, meeting_id: MeetingId, expected_version: int
    ) -> None:
        super().__init__(editor, "Circulate Minutes")
        self.meeting_id = meeting_id
        self._expected_version = expected_version

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_lifecycle import circulate_minutes  # noqa: PLC0415

        return circulate_minutes(
            workspace=self._editor.workspace,
            meeting_id=self.meeting_id,
            expected_version=self._editor.version(
                RowRef("meeting", self.meeting_id), self._expected_version
            ),
        )


class ReturnToDraftCommand(_MinutesCommand):
    """circulated → draft; undo circulates them again."""

    def __init__(
        self,
        editor: MinutesEditor,
        *,
        meeting_id: MeetingId,
        expected_version: int,
        reason: str = "",
    ) -> None:
        super().__init__(editor, "Return Minutes to Draft")
        self.meeting_id = meeting_id
        self._expected_version = expected_version
        self._reason = reason

    def _first_redo(self) -> MinutesChange:
        from qpmr_desktop.services.minutes_lifecycle import return_to_draft  # noqa: PLC0415

        return return_to_draft(
            workspace=self._editor.workspace,
            meeting_id=self.meeting_id,
            expected_version=self._editor.version(
                RowRef("meeting", self.meeting_id), self._expected_version
            ),
            reason=self._reason,
        )
