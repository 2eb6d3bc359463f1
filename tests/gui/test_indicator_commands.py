"""Undo commands for indicators, on a copy of the demo database.

Each test pushes a command, checks what the services now read, undoes it and
checks the original is back, redoes it and checks again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.performance import Polarity
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.services.indicator_editing import set_indicator_value, update_indicator
from qpmr_desktop.services.indicators import get_indicator_detail, list_indicator_rows
from qpmr_desktop.services.read_models import (
    ChangeKind,
    IndicatorChange,
    IndicatorDetail,
    IndicatorDraft,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.indicator_commands import (
    CreateIndicatorCommand,
    EditIndicatorCommand,
    IndicatorEditor,
    RestoreIndicatorCommand,
    RetireIndicatorCommand,
    SetTargetCommand,
    SetValueCommand,
    merge_changes,
)

Q1 = Quarter(2017, 1)
Q2 = Quarter(2017, 2)


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="tester")
    yield workspace
    workspace.close()


@pytest.fixture
def editor(workspace: Workspace) -> IndicatorEditor:
    editor = IndicatorEditor()
    editor.set_workspace(workspace)
    return editor


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def cla(workspace: Workspace) -> IndicatorDetail:
    row = next(row for row in list_indicator_rows(workspace=workspace) if row.ref == "CLA-01")
    return get_indicator_detail(workspace=workspace, indicator_id=row.id)


def detail(workspace: Workspace, ident: int) -> IndicatorDetail:
    return get_indicator_detail(workspace=workspace, indicator_id=ident)


def value_at(workspace: Workspace, ident: int, period: Quarter) -> float | None:
    for row in detail(workspace, ident).values:
        if row.period == period:
            return row.value
    return None


def version_at(info: IndicatorDetail, period: Quarter) -> int | None:
    return next((row.version for row in info.values if row.period == period), None)


def refs(workspace: Workspace) -> list[str]:
    return [row.ref for row in list_indicator_rows(workspace=workspace)]


def test_create_indicator_undo_redo(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack
) -> None:
    draft = IndicatorDraft(
        ref="NEW-01",
        name="A new indicator",
        theme="Start Well",
        unit=Unit.COUNT,
        polarity=Polarity.HIGHER_IS_BETTER,
    )
    command = CreateIndicatorCommand(editor, draft)
    stack.push(command)
    assert "NEW-01" in refs(workspace)
    assert stack.undoText() == "Add Indicator NEW-01"
    created = editor.last_applied
    assert created is not None
    assert created.kind is ChangeKind.CREATE

    stack.undo()
    assert "NEW-01" not in refs(workspace)
    stack.redo()
    assert "NEW-01" in refs(workspace)
    assert detail(workspace, created.indicator_id).name == "A new indicator"  # same id back


def test_edit_indicator_undo_redo_and_merging(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    stack.push(
        EditIndicatorCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            expected_version=cla.version,
            changes={"name": "First"},
        )
    )
    now = detail(workspace, cla.id)
    assert now.name == "First"
    stack.push(
        EditIndicatorCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            expected_version=now.version,
            changes={"name": "Second"},
        )
    )
    assert detail(workspace, cla.id).name == "Second"
    assert stack.count() == 1  # two edits of one field: one undo step
    assert stack.undoText() == "Edit name of CLA-01"

    stack.undo()
    assert detail(workspace, cla.id).name == cla.name
    stack.redo()
    assert detail(workspace, cla.id).name == "Second"


def test_edits_of_different_fields_do_not_merge(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    stack.push(
        EditIndicatorCommand(
            editor, indicator_id=cla.id, ref=cla.ref, expected_version=cla.version,
            changes={"name": "First"},
        )
    )  # fmt: skip
    stack.push(
        EditIndicatorCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            expected_version=detail(workspace, cla.id).version,
            changes={"owner": "Someone"},
        )
    )
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    after = detail(workspace, cla.id)
    assert (after.name, after.owner) == (cla.name, cla.owner)


def test_retire_and_restore_undo_redo(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    stack.push(
        RetireIndicatorCommand(
            editor, indicator_id=cla.id, ref=cla.ref, expected_version=cla.version
        )
    )
    assert "CLA-01" not in refs(workspace)
    assert detail(workspace, cla.id).retired
    assert len(detail(workspace, cla.id).values) == len(cla.values)  # history kept
    stack.undo()
    assert "CLA-01" in refs(workspace)
    stack.redo()
    assert "CLA-01" not in refs(workspace)

    stack.push(
        RestoreIndicatorCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            expected_version=detail(workspace, cla.id).version,
        )
    )
    assert "CLA-01" in refs(workspace)
    stack.undo()
    assert "CLA-01" not in refs(workspace)
    stack.redo()
    assert "CLA-01" in refs(workspace)


def test_set_value_undo_redo(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    original = value_at(workspace, cla.id, Q1)
    stack.push(
        SetValueCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            period=Q1,
            changes={"value": 1900.0},
            expected_version=version_at(cla, Q1),
        )
    )
    assert value_at(workspace, cla.id, Q1) == 1900.0
    assert stack.undoText() == "Change Q1 2017/18 value of CLA-01"
    stack.undo()
    assert value_at(workspace, cla.id, Q1) == original
    was_sample = next(v for v in cla.values if v.period == Q1).is_sample
    assert next(v for v in detail(workspace, cla.id).values if v.period == Q1).is_sample == (
        was_sample
    )
    stack.redo()
    assert value_at(workspace, cla.id, Q1) == 1900.0


def test_a_new_period_is_added_and_undo_removes_it(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    stack.push(
        SetValueCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            period=Q2,
            changes={"value": 1950.0},
            expected_version=None,
        )
    )
    assert value_at(workspace, cla.id, Q2) == 1950.0
    stack.undo()
    assert Q2 not in {row.period for row in detail(workspace, cla.id).values}
    stack.redo()
    assert value_at(workspace, cla.id, Q2) == 1950.0


def test_repeated_edits_of_one_cell_are_one_undo_step(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    original = value_at(workspace, cla.id, Q1)
    for number in (1900.0, 1910.0, 1920.0):
        stack.push(
            SetValueCommand(
                editor,
                indicator_id=cla.id,
                ref=cla.ref,
                period=Q1,
                changes={"value": number},
                expected_version=version_at(detail(workspace, cla.id), Q1),
            )
        )
    assert stack.count() == 1
    assert value_at(workspace, cla.id, Q1) == 1920.0
    stack.undo()
    assert value_at(workspace, cla.id, Q1) == original
    stack.redo()
    assert value_at(workspace, cla.id, Q1) == 1920.0


def test_a_cell_typed_back_to_what_it_was_leaves_no_undo_step(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    commentary = next(v for v in cla.values if v.period == Q1).commentary
    for text in ("changed", commentary):
        stack.push(
            SetValueCommand(
                editor,
                indicator_id=cla.id,
                ref=cla.ref,
                period=Q1,
                changes={"commentary": text},
                expected_version=version_at(detail(workspace, cla.id), Q1),
            )
        )
    assert stack.count() == 0
    assert next(v for v in detail(workspace, cla.id).values if v.period == Q1).commentary == (
        commentary
    )


def test_a_paste_macro_is_one_undo_step(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    before = detail(workspace, cla.id)
    stack.beginMacro("Paste 2 cells into CLA-01")
    for period, number in ((Q1, 1.0), (Q2, 2.0)):
        stack.push(
            SetValueCommand(
                editor,
                indicator_id=cla.id,
                ref=cla.ref,
                period=period,
                changes={"value": number},
                expected_version=version_at(before, period),
            )
        )
    stack.endMacro()
    assert stack.count() == 1
    assert (value_at(workspace, cla.id, Q1), value_at(workspace, cla.id, Q2)) == (1.0, 2.0)
    stack.undo()
    assert value_at(workspace, cla.id, Q1) == value_at(workspace, cla.id, Q1)
    assert [v.value for v in detail(workspace, cla.id).values] == [v.value for v in before.values]
    stack.redo()
    assert (value_at(workspace, cla.id, Q1), value_at(workspace, cla.id, Q2)) == (1.0, 2.0)


def test_set_target_undo_redo(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    year = 2018
    assert year not in {target.year for target in cla.targets}
    stack.push(
        SetTargetCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            year=year,
            changes={"target": 1500.0},
            expected_version=None,
        )
    )
    assert {t.year: t.target for t in detail(workspace, cla.id).targets}[year] == 1500.0
    assert stack.undoText() == "Set 2018/19 targets of CLA-01"
    stack.undo()
    assert year not in {t.year for t in detail(workspace, cla.id).targets}
    stack.redo()
    assert {t.year: t.target for t in detail(workspace, cla.id).targets}[year] == 1500.0


def test_an_older_command_undoes_after_a_newer_one_on_the_same_row(
    workspace: Workspace, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    """Versions only go up: the editor tracks the latest one per row for older commands."""
    stack.push(
        SetValueCommand(
            editor, indicator_id=cla.id, ref=cla.ref, period=Q1, changes={"value": 1.0},
            expected_version=version_at(cla, Q1),
        )
    )  # fmt: skip
    stack.push(
        SetValueCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            period=Q1,
            changes={"england": 5.0},
            expected_version=version_at(detail(workspace, cla.id), Q1),
        )
    )
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    restored = next(v for v in detail(workspace, cla.id).values if v.period == Q1)
    original = next(v for v in cla.values if v.period == Q1)
    assert (restored.value, restored.england) == (original.value, original.england)


def test_a_conflict_on_undo_is_reported_and_the_command_dropped(
    qtbot: QtBot,
    workspace: Workspace,
    editor: IndicatorEditor,
    stack: QUndoStack,
    cla: IndicatorDetail,
) -> None:
    stack.push(
        SetValueCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            period=Q1,
            changes={"value": 1900.0},
            expected_version=version_at(cla, Q1),
        )
    )
    # Someone else changes the row behind the command's back.
    set_indicator_value(
        workspace=workspace,
        indicator_id=cla.id,
        period=Q1,
        changes={"value": 2000.0},
        expected_version=version_at(detail(workspace, cla.id), Q1),
    )
    with qtbot.waitSignal(editor.command_failed) as blocker:
        stack.undo()
    what, message, reload = blocker.args
    assert what == "Change Q1 2017/18 value of CLA-01"
    assert "changed by someone else" in message
    assert reload is True
    assert stack.count() == 0  # dropped: the stack holds only steps that can be taken
    assert value_at(workspace, cla.id, Q1) == 2000.0  # their change stands


def test_a_refused_first_step_never_reaches_the_stack(
    qtbot: QtBot,
    workspace: Workspace,
    editor: IndicatorEditor,
    stack: QUndoStack,
    cla: IndicatorDetail,
) -> None:
    update_indicator(
        workspace=workspace,
        indicator_id=cla.id,
        expected_version=cla.version,
        changes={"owner": "Meanwhile"},
    )
    with qtbot.waitSignal(editor.command_failed):
        stack.push(
            EditIndicatorCommand(
                editor,
                indicator_id=cla.id,
                ref=cla.ref,
                expected_version=cla.version,  # stale
                changes={"name": "Mine"},
            )
        )
    assert stack.count() == 0
    assert detail(workspace, cla.id).name == cla.name


def test_every_applied_change_is_announced(
    qtbot: QtBot, editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    seen: list[IndicatorChange] = []
    editor.change_applied.connect(seen.append)
    stack.push(
        SetValueCommand(
            editor,
            indicator_id=cla.id,
            ref=cla.ref,
            period=Q1,
            changes={"commentary": "Why"},
            expected_version=version_at(cla, Q1),
        )
    )
    stack.undo()
    assert [change.values_changed for change in seen] == [True, True]
    assert seen[0].scorecard_changed  # commentary shows in the scorecard's filters


def test_merge_changes_refuses_changes_of_different_rows(
    editor: IndicatorEditor, stack: QUndoStack, cla: IndicatorDetail
) -> None:
    seen: list[IndicatorChange] = []
    editor.change_applied.connect(seen.append)
    for period in (Q1, Q2):
        stack.push(
            SetValueCommand(
                editor,
                indicator_id=cla.id,
                ref=cla.ref,
                period=period,
                changes={"england": 1.0},
                expected_version=version_at(cla, period),
            )
        )
    with pytest.raises(ValueError, match="same row"):
        merge_changes(seen[0], seen[1])
