"""Undo commands for editing indicators: one ``QUndoCommand`` class per user action.

Contract (the machinery is ``ui.service_commands``'s; this module adds the indicator parts):

- Every command calls only ``services.indicator_editing``. Its first ``redo``
  makes the change (``create_indicator``, ``update_indicator``,
  ``set_indicator_value`` …); after that ``undo`` and ``redo`` both call
  ``revert_change`` on the last change the command received, which the
  service documents as the exact inverse (so a command never reads the
  database to build its inverse, and the inverse still goes through the
  service's validation and version check).
- ``IndicatorEditor`` is what the commands of one undo stack share: the open
  workspace, the latest version of every row they have changed (keyed by
  ``row_key``: the indicator, a period's figures, a year's targets), and the
  two signals. ``change_applied`` carries every ``IndicatorChange`` as it
  happens, so views refresh only what its flags name. ``command_failed``
  carries a sentence when a service refused (someone else changed or deleted
  the row: ``ConflictError``; the rules or the data said no:
  ``ValidationError``, ``NotAllowedError``, ``NotFoundError``), and asks the
  views to reload after all but a ``ValidationError``. Commands never show a
  message themselves: the tab does, after the stack has finished.
- A command whose service call fails marks itself obsolete, so ``QUndoStack``
  drops it (on push, undo or redo alike). A no-op is dropped silently.
- ``SetValueCommand`` and ``EditIndicatorCommand`` merge (``id``/``mergeWith``)
  with the command before them when both edit the same fields of the same row
  (the same cell, the same form field), so typing over a figure three times is
  one undo step; their combined change (``merge_changes``) goes back to the
  state before the first.
- Multi-row actions (pasting a block into the values grid, saving a form with
  its targets) are ``QUndoStack`` macros of these commands: one undo step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import Final

from qpmr_desktop.domain.periods import Quarter, financial_year_label
from qpmr_desktop.services.read_models import (
    ChangeKind,
    ChangeSubject,
    IndicatorChange,
    IndicatorDraft,
)
from qpmr_desktop.ui.service_commands import ServiceCommand, ServiceEditor

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

# The editing service is imported where each command first calls it, not here: it
# brings SQLAlchemy (about half a second), and the window paints before that loads.

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


class IndicatorEditor(ServiceEditor[RowKey, IndicatorChange]):
    """What one undo stack's indicator commands share; see the module contract."""

    def version_for(self, change: IndicatorChange) -> int | None:
        """The version the row ``change`` changed is at now, as far as this editor knows."""
        return self._versions.current(row_key(change), change.version)

    def _rows_written(self, change: IndicatorChange) -> Iterable[tuple[RowKey, int | None]]:
        return ((row_key(change), change.version),)


class _IndicatorCommand(ServiceCommand[IndicatorEditor, IndicatorChange]):
    """Makes a change once, then flips between it and its inverse through ``revert_change``."""

    def _revert(self, change: IndicatorChange) -> IndicatorChange:
        from qpmr_desktop.services.indicator_editing import revert_change  # noqa: PLC0415

        return revert_change(
            workspace=self._editor.workspace,
            change=change,
            expected_version=self._editor.version_for(change),
        )

    def _merged(self, first: IndicatorChange, second: IndicatorChange) -> IndicatorChange:
        return merge_changes(first, second)


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

    MERGE_ID = 3101  # any number no other merging class uses

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

    def _merge_key(self) -> Hashable:
        return (self.indicator_id, self.fields)


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

    MERGE_ID = 3102

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

    def _merge_key(self) -> Hashable:
        return (self.indicator_id, self.period, self.fields)


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
