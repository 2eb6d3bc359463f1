"""Undo commands for actions, on a copy of the demo database.

Each test pushes a command, checks what the services now read, undoes it and
checks the original is back, redoes it and checks again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.domain.ids import ActionId, PlanId
from qpmr_desktop.services.action_editing import record_action_update
from qpmr_desktop.services.actions import get_action_detail, list_action_rows, list_people
from qpmr_desktop.services.read_models import (
    ActionChange,
    ActionChangeKind,
    ActionDetail,
    ActionDraft,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.action_commands import (
    ActionEditor,
    CreateActionCommand,
    DeleteActionCommand,
    RecordActionUpdateCommand,
    SetRagOverrideCommand,
    UpdateActionCommand,
    merge_action_changes,
)

TODAY = dt.date(2017, 12, 1)


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="tester")
    yield workspace
    workspace.close()


@pytest.fixture
def editor(workspace: Workspace) -> ActionEditor:
    editor = ActionEditor()
    editor.set_workspace(workspace)
    return editor


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


def detail(workspace: Workspace, ident: int) -> ActionDetail:
    return get_action_detail(workspace=workspace, action_id=ident, today=TODAY)


def action(workspace: Workspace, plan: str, ref: str) -> ActionDetail:
    row = next(
        row
        for row in list_action_rows(workspace=workspace, today=TODAY)
        if row.ref == ref and row.plan.startswith(plan)
    )
    return detail(workspace, row.id)


def test_a_status_change_is_one_history_entry_and_undo_takes_it_out(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    before = action(workspace, "12-Week", "2.1")
    stack.push(
        RecordActionUpdateCommand(
            editor,
            action_id=before.id,
            ref=before.ref,
            expected_version=before.version,
            status=ActionStatus.AT_RISK,
        )
    )
    assert stack.undoText() == "Set Status of 2.1 to At risk"
    after = detail(workspace, before.id)
    assert after.status is ActionStatus.AT_RISK
    assert after.progress == before.progress
    assert len(after.history) == len(before.history) + 1
    newest = after.history[0]
    assert (newest.who, newest.old_status, newest.new_status) == (
        "tester",
        ActionStatus.ON_TRACK,
        ActionStatus.AT_RISK,
    )

    stack.undo()
    undone = detail(workspace, before.id)
    assert undone.status is ActionStatus.ON_TRACK
    assert undone.history == before.history

    stack.redo()
    redone = detail(workspace, before.id)
    assert redone.status is ActionStatus.AT_RISK
    assert redone.history[0] == newest  # the very same entry: id, text, who and time


def test_progress_and_a_note_are_one_update(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    before = action(workspace, "12-Week", "1.2")
    note = "<b>Oversight</b> meeting & daily huddle held; see 'minutes'"
    stack.push(
        RecordActionUpdateCommand(
            editor,
            action_id=before.id,
            ref=before.ref,
            expected_version=before.version,
            progress=75,
            note=note,
        )
    )
    assert stack.undoText() == "Add Update to 1.2"
    after = detail(workspace, before.id)
    assert after.progress == 75
    assert [entry.text for entry in after.history] == [note]
    stack.undo()
    assert detail(workspace, before.id).history == ()
    assert detail(workspace, before.id).progress == 60
    stack.redo()
    assert detail(workspace, before.id).history[0].text == note


def test_an_update_that_changes_nothing_is_dropped_silently(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack, qtbot: QtBot
) -> None:
    before = action(workspace, "12-Week", "1.2")
    with qtbot.assertNotEmitted(editor.command_failed):
        stack.push(
            RecordActionUpdateCommand(
                editor,
                action_id=before.id,
                ref=before.ref,
                expected_version=before.version,
                progress=before.progress,
            )
        )
    assert stack.count() == 0
    assert detail(workspace, before.id).version == before.version


def test_undo_is_refused_once_someone_else_has_updated_the_action(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack, qtbot: QtBot
) -> None:
    before = action(workspace, "12-Week", "2.1")
    stack.push(
        RecordActionUpdateCommand(
            editor,
            action_id=before.id,
            ref=before.ref,
            expected_version=before.version,
            progress=75,
        )
    )
    version = detail(workspace, before.id).version
    # Someone else records an update: the action has moved on.
    record_action_update(
        workspace=workspace, action_id=before.id, expected_version=version, note="From the form"
    )
    with qtbot.waitSignal(editor.command_failed) as failed:
        stack.undo()
    what, message, reload = failed.args
    assert what == "Set Progress of 2.1 to 75%"
    assert "changed by someone else" in message
    assert reload is True
    assert stack.count() == 0  # dropped: it can no longer be undone
    after = detail(workspace, before.id)
    assert after.progress == 75
    assert after.history[0].text == "From the form"


def test_undo_is_refused_when_a_newer_update_exists(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack, qtbot: QtBot
) -> None:
    before = action(workspace, "12-Week", "2.1")
    stack.push(
        RecordActionUpdateCommand(
            editor,
            action_id=before.id,
            ref=before.ref,
            expected_version=before.version,
            progress=75,
        )
    )
    # A newer update that this editor knows of (the version is no surprise), but not on
    # this stack: only the newest entry may be taken out.
    newer = record_action_update(
        workspace=workspace,
        action_id=before.id,
        expected_version=detail(workspace, before.id).version,
        note="Later news",
    )
    editor.applied(newer)
    with qtbot.waitSignal(editor.command_failed) as failed:
        stack.undo()
    _, message, reload = failed.args
    assert "recorded a newer one since" in message
    assert reload is False
    assert stack.count() == 0  # obsolete: the stack dropped it
    assert detail(workspace, before.id).progress == 75


def test_field_edits_undo_redo_and_merge(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    before = action(workspace, "12-Week", "1.2")
    for text in ("First wording", "Second wording"):
        stack.push(
            UpdateActionCommand(
                editor,
                action_id=before.id,
                ref=before.ref,
                expected_version=before.version,
                changes={"description": text},
            )
        )
    assert stack.count() == 1  # one field edited twice: one step
    assert stack.undoText() == "Change description of 1.2"
    assert detail(workspace, before.id).description == "Second wording"
    stack.undo()
    assert detail(workspace, before.id).description == before.description
    stack.redo()
    assert detail(workspace, before.id).description == "Second wording"

    # Typed back to the original: nothing is left to undo.
    stack.push(
        UpdateActionCommand(
            editor,
            action_id=before.id,
            ref=before.ref,
            expected_version=before.version,
            changes={"description": before.description},
        )
    )
    assert stack.count() == 0
    assert detail(workspace, before.id).description == before.description


def test_edits_of_different_fields_are_separate_steps(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    before = action(workspace, "12-Week", "1.2")
    stack.push(
        UpdateActionCommand(
            editor,
            action_id=before.id,
            ref=before.ref,
            expected_version=before.version,
            changes={"due_date": dt.date(2018, 1, 15)},
        )
    )
    stack.push(
        UpdateActionCommand(
            editor,
            action_id=before.id,
            ref=before.ref,
            expected_version=before.version,  # stale: the editor knows better
            changes={"due_date": None},
        )
    )
    assert stack.count() == 1  # the same field again: merged
    assert detail(workspace, before.id).due_date is None
    stack.push(
        UpdateActionCommand(
            editor,
            action_id=before.id,
            ref=before.ref,
            expected_version=before.version,
            changes={"lead": "Jo New-Officer"},
        )
    )
    assert stack.count() == 2
    assert detail(workspace, before.id).lead == "Jo New-Officer"
    assert editor.last_applied is not None
    assert editor.last_applied.people_changed
    stack.undo()
    assert detail(workspace, before.id).lead == before.lead
    assert "Jo New-Officer" in [person.name for person in list_people(workspace=workspace)]
    stack.undo()
    assert detail(workspace, before.id).due_date == before.due_date
    stack.redo()
    stack.redo()
    assert detail(workspace, before.id).lead == "Jo New-Officer"
    assert detail(workspace, before.id).due_date is None


def test_a_rag_override_keeps_its_reason_and_undoes(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    before = action(workspace, "12-Week", "1.3")
    stack.push(
        SetRagOverrideCommand(
            editor,
            action_id=before.id,
            ref=before.ref,
            expected_version=before.version,
            rag=ActionRag.GREEN,
            reason="Partners agreed a revised date",
        )
    )
    assert stack.undoText() == "Override RAG of 1.3"
    after = detail(workspace, before.id)
    assert (after.rag, after.rag_override_reason) == (
        ActionRag.GREEN,
        "Partners agreed a revised date",
    )
    assert after.derived_rag is ActionRag.AMBER
    stack.undo()
    assert detail(workspace, before.id).rag_override is None
    assert detail(workspace, before.id).rag is ActionRag.AMBER
    stack.redo()
    assert detail(workspace, before.id).rag_override is ActionRag.GREEN


def test_an_override_without_a_reason_is_refused(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack, qtbot: QtBot
) -> None:
    before = action(workspace, "12-Week", "1.3")
    with qtbot.waitSignal(editor.command_failed) as failed:
        stack.push(
            SetRagOverrideCommand(
                editor,
                action_id=before.id,
                ref=before.ref,
                expected_version=before.version,
                rag=ActionRag.GREEN,
                reason="  ",
            )
        )
    assert "Say why the rating is overridden" in failed.args[1]
    assert stack.count() == 0
    assert detail(workspace, before.id).rag_override is None


def test_create_and_delete_undo_redo(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    plan = action(workspace, "12-Week", "1.2")
    command = CreateActionCommand(
        editor,
        ActionDraft(
            plan_id=PlanId(plan.plan_id),
            ref="1.4",
            description="Publish the MASH annual report",
            priority_area_id=plan.priority_area_id,
            lead="Joanne Heaton",
            due_date=dt.date(2018, 3, 1),
        ),
    )
    stack.push(command)
    assert stack.undoText() == "Add Action 1.4"
    created = command.action_id
    assert created is not None
    assert detail(workspace, created).description == "Publish the MASH annual report"
    stack.undo()
    assert all(row.id != created for row in list_action_rows(workspace=workspace, today=TODAY))
    stack.redo()
    assert detail(workspace, created).ref == "1.4"  # the same id back

    stack.push(
        DeleteActionCommand(editor, action_id=created, ref="1.4", expected_version=1)
    )  # the editor knows the version a redo left
    assert all(row.id != created for row in list_action_rows(workspace=workspace, today=TODAY))
    stack.undo()
    assert detail(workspace, created).lead == "Joanne Heaton"


def test_an_action_with_history_is_not_deleted(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack, qtbot: QtBot
) -> None:
    before = action(workspace, "12-Week", "2.1")
    with qtbot.waitSignal(editor.command_failed) as failed:
        stack.push(
            DeleteActionCommand(
                editor, action_id=before.id, ref=before.ref, expected_version=before.version
            )
        )
    assert "history is kept" in failed.args[1]
    assert failed.args[2] is False
    assert stack.count() == 0
    assert detail(workspace, before.id).ref == "2.1"


def test_merging_keeps_the_first_before_and_the_last_after(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    before = action(workspace, "12-Week", "1.2")
    changes: list[ActionChange] = []
    editor.change_applied.connect(changes.append)
    for text in ("One", "Two"):
        stack.push(
            UpdateActionCommand(
                editor,
                action_id=before.id,
                ref=before.ref,
                expected_version=before.version,
                changes={"description": text},
            )
        )
    merged = merge_action_changes(changes[0], changes[1])
    assert merged.before == {"description": before.description}
    assert merged.after == {"description": "Two"}
    assert merged.kind is ActionChangeKind.UPDATE
    with pytest.raises(ValueError, match="same action"):
        merge_action_changes(changes[0], replace(changes[0], action_id=ActionId(0)))
