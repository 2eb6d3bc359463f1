"""Undo commands for editing indicators: one ``QUndoCommand`` class per user action.

Contract:

- Every command calls only ``services.indicator_editing``. Its first ``redo``
  makes the change (``create_indicator``, ``update_indicator``,
  ``set_indicator_value`` …); after that ``undo`` and ``redo`` both call
  ``revert_change`` on the last change the command received, which the
  service documents as the exact inverse (so a command never reads the
  database to build its inverse, and the inverse still goes through the
  service's validation and version check).
- ``IndicatorEditor`` is what the commands of one undo stack share: the open
  workspace, the latest version of every row they have changed (versions only
  go up, so undoing an older command must expect the version a newer one left
  behind), and two signals. ``change_applied`` carries every
  ``IndicatorChange`` as it happens, so views refresh only what its flags name.
  ``command_failed`` carries a sentence when a service refused (someone else
  changed or deleted the row: ``ConflictError``; the rules or the data said no:
  ``ValidationError``, ``NotAllowedError``, ``NotFoundError``). Commands never
  show a message themselves: the tab does, after the stack has finished.
- A command whose service call fails marks itself obsolete, so ``QUndoStack``
  drops it (on push, undo or redo alike) and the stack holds only steps that
  can still be taken. A change that turns out to be a no-op is dropped the same
  way, silently.
- ``SetValueCommand`` and ``EditIndicatorCommand`` merge (``id``/``mergeWith``)
  with the command before them when both edit the same fields of the same row
  (the same cell, the same form field), so typing over a figure three times is
  one undo step; their combined change goes back to the state before the first.
- Multi-row actions (pasting a block into the values grid, saving a form with
  its targets) are ``QUndoStack`` macros of these commands: one undo step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from qpmr_desktop.domain.periods import Quarter, financial_year_label
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.read_models import (
    ChangeKind,
    ChangeSubject,
    IndicatorChange,
    IndicatorDraft,
)
from qpmr_desktop.services.workspace import Workspace

__all__ = [
    "FIELD_LABELS",
    "CreateIndicatorCommand",
    "EditIndicatorCommand",
    "IndicatorEditor",
    "RestoreIndicatorCommand",
    "RetireIndicatorCommand",
    "RowKey",
    "SetTargetCommand",
    "SetValueCommand",
    "merge_changes",
    "row_key",
]

# Command ids for mergeWith; any distinct numbers do.
_EDIT_INDICATOR_ID: Final = 3101
_SET_VALUE_ID: Final = 3102

# The editing service is imported where each command first calls it, not here: it
# brings SQLAlchemy (about half a second), and the window paints before that loads.

# Errors a service raises for a person to read; anything else is a bug and propagates.
_REFUSALS = (ConflictError, ValidationError, NotAllowedError, NotFoundError)

#: How a field is named in undo texts ("Undo Change Q1 2017/18 value of CLA-01").
FIELD_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "value": "value",
        "numerator": "numerator",
        "denominator": "denominator",
        "target": "target",
        "floor": "floor",
        "england": "England figure",
        "region": "regional figure",
        "statistical_neighbours": "statistical neighbours' figure",
        "provisional": "provisional flag",
        "status_symbol": "status",
        "commentary": "commentary",
        "ref": "ref",
        "name": "name",
        "theme": "theme",
        "unit": "unit",
        "polarity": "polarity",
        "frequency": "frequency",
        "measure_type": "measure type",
        "decimals": "decimal places",
        "tolerance": "tolerance",
        "tolerance_kind": "tolerance kind",
        "lead_service": "lead service",
        "owner": "owner",
        "source": "data source",
        "definition": "definition",
        "notes": "notes",
    }
)

#: What identifies a changed row across commands: (subject, indicator id, period or year).
RowKey = tuple[ChangeSubject, int, Quarter | int | None]


def row_key(change: IndicatorChange) -> RowKey:
    """The key of the row ``change`` changed: indicator, value row or target row."""
    if change.subject is ChangeSubject.VALUE:
        return (change.subject, change.indicator_id, change.period)
    if change.subject is ChangeSubject.TARGET:
        return (change.subject, change.indicator_id, change.year)
    return (change.subject, change.indicator_id, None)


def merge_changes(first: IndicatorChange, second: IndicatorChange) -> IndicatorChange:
    """One change that goes from before ``first`` to after ``second`` (same row, in that order).

    A create followed by an update is still a create (its inverse deletes the
    row); two updates keep the first's old values and the second's new ones.
    """
    if row_key(first) != row_key(second):
        raise ValueError("Only changes of the same row can be merged.")
    if first.kind is ChangeKind.CREATE:
        before: dict[str, object] = {}
    else:
        before = {**second.before, **first.before}
    after = {**first.after, **second.after}
    return dataclasses.replace(
        second,
        kind=first.kind if first.kind is ChangeKind.CREATE else second.kind,
        before=MappingProxyType(before),
        after=MappingProxyType(after),
        definition_changed=first.definition_changed or second.definition_changed,
        scorecard_changed=first.scorecard_changed or second.scorecard_changed,
        values_changed=first.values_changed or second.values_changed,
        targets_changed=first.targets_changed or second.targets_changed,
        themes_changed=first.themes_changed or second.themes_changed,
    )


class IndicatorEditor(QObject):
    """What one undo stack's indicator commands share; see the module contract."""

    change_applied = Signal(object)  # IndicatorChange
    command_failed = Signal(str, str, bool)  # undo text, message, whether to reload

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._versions: dict[RowKey, int | None] = {}
        self._last_applied: IndicatorChange | None = None

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            raise RuntimeError("No database is open: there is nothing to edit.")
        return self._workspace

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Edit ``workspace`` from now on; versions seen in the old one are forgotten."""
        self._workspace = workspace
        self._versions.clear()

    @property
    def last_applied(self) -> IndicatorChange | None:
        """The change most recently made by any command (a new indicator's id, after a push)."""
        return self._last_applied

    def version_for(self, change: IndicatorChange) -> int | None:
        """The version the row ``change`` changed is at now, as far as this editor knows."""
        return self._versions.get(row_key(change), change.version)

    def applied(self, change: IndicatorChange) -> None:
        """Remember the version ``change`` left its row at, and tell the views."""
        self._versions[row_key(change)] = change.version
        self._last_applied = change
        self.change_applied.emit(change)

    def failed(self, what: str, error: Exception) -> None:
        """Report a refused step: a sentence for a person, and whether the views must reload."""
        reload = isinstance(error, ConflictError | NotFoundError | NotAllowedError)
        self.command_failed.emit(what, str(error), reload)


class _IndicatorCommand(QUndoCommand):
    """Makes a change once, then flips between it and its inverse through ``revert_change``."""

    def __init__(self, editor: IndicatorEditor, text: str) -> None:
        super().__init__(text)
        self._editor = editor
        self._change: IndicatorChange | None = None

    @property
    def change(self) -> IndicatorChange | None:
        """The last change this command made (its forward change after a redo)."""
        return self._change

    def redo(self) -> None:
        if self.isObsolete():
            return
        if self._change is None:
            self._run(self._first_redo, first=True)
        else:
            self._run(self._revert, first=False)

    def undo(self) -> None:
        if self.isObsolete() or self._change is None:
            return
        self._run(self._revert, first=False)

    def _first_redo(self) -> IndicatorChange:
        raise NotImplementedError

    def _absorb(self, later: _IndicatorCommand) -> bool:
        """Fold ``later`` (just done) into this command (done before it); False if it cannot."""
        if self.isObsolete() or later.isObsolete():
            return False  # a failed step is never folded into a good one
        if self._change is None or later.change is None:
            return False
        self._change = merge_changes(self._change, later.change)
        if not self._change.changed:
            # Typed back to what it was: the step has nothing left to undo.
            self.setObsolete(True)
        return True

    def _revert(self) -> IndicatorChange:
        assert self._change is not None  # undo and later redos follow a first redo
        from qpmr_desktop.services.indicator_editing import revert_change  # noqa: PLC0415

        return revert_change(
            workspace=self._editor.workspace,
            change=self._change,
            expected_version=self._editor.version_for(self._change),
        )

    def _run(self, step: Callable[[], IndicatorChange], *, first: bool) -> None:
        try:
            change = step()
        except _REFUSALS as error:
            # Dropped from the stack: the step cannot be taken, and the steps
            # around it must not assume it was.
            self.setObsolete(True)
            self._editor.failed(self.text(), error)
            return
        if first and not change.changed:
            self.setObsolete(True)  # nothing differed: nothing to undo
            return
        self._change = change
        self._editor.applied(change)


class CreateIndicatorCommand(_IndicatorCommand):
    """Add an indicator from a form's draft; undo deletes it (it has nothing attached then)."""

    def __init__(self, editor: IndicatorEditor, draft: IndicatorDraft) -> None:
        super().__init__(editor, f"Add Indicator {draft.ref.strip()}")
        self._draft = draft

    @property
    def indicator_id(self) -> int | None:
        """The new indicator's id once created (kept by undo and redo), else None."""
        return None if self._change is None else self._change.indicator_id

    def _first_redo(self) -> IndicatorChange:
        from qpmr_desktop.services.indicator_editing import create_indicator  # noqa: PLC0415

        return create_indicator(workspace=self._editor.workspace, draft=self._draft)


class EditIndicatorCommand(_IndicatorCommand):
    """Change some fields of an indicator; merges with a previous edit of the same fields."""

    def __init__(
        self,
        editor: IndicatorEditor,
        *,
        indicator_id: int,
        ref: str,
        expected_version: int,
        changes: Mapping[str, object],
    ) -> None:
        fields = sorted(changes)
        what = FIELD_LABELS.get(fields[0], fields[0]) if len(fields) == 1 else "indicator"
        super().__init__(editor, f"Edit {what} of {ref}" if len(fields) == 1 else f"Edit {ref}")
        self.indicator_id = indicator_id
        self.fields = frozenset(changes)
        self._expected_version = expected_version
        self._changes = dict(changes)

    def _first_redo(self) -> IndicatorChange:
        from qpmr_desktop.services.indicator_editing import update_indicator  # noqa: PLC0415

        return update_indicator(
            workspace=self._editor.workspace,
            indicator_id=self.indicator_id,
            expected_version=self._expected_version,
            changes=self._changes,
        )

    def id(self) -> int:
        return _EDIT_INDICATOR_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (
            isinstance(other, EditIndicatorCommand)
            and (other.indicator_id, other.fields) == (self.indicator_id, self.fields)
        ):
            return False
        return self._absorb(other)


class RetireIndicatorCommand(_IndicatorCommand):
    """Take an indicator off the scorecard, keeping its history; undo restores it."""

    def __init__(
        self, editor: IndicatorEditor, *, indicator_id: int, ref: str, expected_version: int
    ) -> None:
        super().__init__(editor, f"Retire {ref}")
        self.indicator_id = indicator_id
        self._expected_version = expected_version

    def _first_redo(self) -> IndicatorChange:
        from qpmr_desktop.services.indicator_editing import retire_indicator  # noqa: PLC0415

        return retire_indicator(
            workspace=self._editor.workspace,
            indicator_id=self.indicator_id,
            expected_version=self._expected_version,
        )


class RestoreIndicatorCommand(_IndicatorCommand):
    """Put a retired indicator back on the scorecard; undo retires it again."""

    def __init__(
        self, editor: IndicatorEditor, *, indicator_id: int, ref: str, expected_version: int
    ) -> None:
        super().__init__(editor, f"Restore {ref}")
        self.indicator_id = indicator_id
        self._expected_version = expected_version

    def _first_redo(self) -> IndicatorChange:
        from qpmr_desktop.services.indicator_editing import restore_indicator  # noqa: PLC0415

        return restore_indicator(
            workspace=self._editor.workspace,
            indicator_id=self.indicator_id,
            expected_version=self._expected_version,
        )


class SetValueCommand(_IndicatorCommand):
    """Change fields of one period's figures (one grid cell, or a pasted row).

    ``expected_version`` is the row's version as the grid showed it, None for
    a period that has no row yet (the row is created). Consecutive edits of
    the same fields of the same period merge into one undo step.
    """

    def __init__(
        self,
        editor: IndicatorEditor,
        *,
        indicator_id: int,
        ref: str,
        period: Quarter,
        changes: Mapping[str, object],
        expected_version: int | None,
    ) -> None:
        fields = [name for name in changes if name not in {"is_sample", "status_symbol"}]
        fields = fields or list(changes)
        if len(fields) == 1:
            text = f"Change {period.label} {FIELD_LABELS.get(fields[0], fields[0])} of {ref}"
        else:
            text = f"Change {period.label} figures of {ref}"
        super().__init__(editor, text)
        self.indicator_id = indicator_id
        self.period = period
        self.fields = frozenset(changes)
        self._changes = dict(changes)
        self._expected_version = expected_version

    def _first_redo(self) -> IndicatorChange:
        from qpmr_desktop.services.indicator_editing import set_indicator_value  # noqa: PLC0415

        return set_indicator_value(
            workspace=self._editor.workspace,
            indicator_id=self.indicator_id,
            period=self.period,
            changes=self._changes,
            expected_version=self._expected_version,
        )

    def id(self) -> int:
        return _SET_VALUE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (
            isinstance(other, SetValueCommand)
            and (other.indicator_id, other.period, other.fields)
            == (self.indicator_id, self.period, self.fields)
        ):
            return False
        return self._absorb(other)


class SetTargetCommand(_IndicatorCommand):
    """Set (or create) an indicator's target, floor and tolerance for one financial year."""

    def __init__(
        self,
        editor: IndicatorEditor,
        *,
        indicator_id: int,
        ref: str,
        year: int,
        changes: Mapping[str, object],
        expected_version: int | None,
    ) -> None:
        super().__init__(editor, f"Set {financial_year_label(year)} targets of {ref}")
        self.indicator_id = indicator_id
        self.year = year
        self._changes = dict(changes)
        self._expected_version = expected_version

    def _first_redo(self) -> IndicatorChange:
        from qpmr_desktop.services.indicator_editing import set_indicator_target  # noqa: PLC0415

        return set_indicator_target(
            workspace=self._editor.workspace,
            indicator_id=self.indicator_id,
            year=self.year,
            changes=self._changes,
            expected_version=self._expected_version,
        )
