"""Plans, priority areas and events: undo commands and the Plans dialog, on a demo copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.actions import DatePrecision, PlanEventKind, PlanStatus
from qpmr_desktop.domain.ids import PlanId
from qpmr_desktop.services.plans import list_plan_events, list_plans, list_priority_areas
from qpmr_desktop.services.read_models import PlanDraft, PlanEventDraft, PriorityAreaView
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui import actions_tab
from qpmr_desktop.ui.action_commands import (
    ActionEditor,
    AddAreaCommand,
    CreateEventCommand,
    CreatePlanCommand,
    DeleteAreaCommand,
    DeleteEventCommand,
    EditEventCommand,
    EditPlanCommand,
    MoveAreaCommand,
    RenameAreaCommand,
)
from qpmr_desktop.ui.action_dialogs import EventDialog, PlansDialog
from qpmr_desktop.ui.action_filters import TransientActionFilterPreferences
from qpmr_desktop.ui.actions_tab import ActionsTab


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


def plan_named(workspace: Workspace, name: str) -> PlanId:
    return next(plan.id for plan in list_plans(workspace=workspace) if plan.name == name)


def areas(workspace: Workspace, plan_id: int) -> list[str]:
    return [area.name for area in list_priority_areas(workspace=workspace, plan_id=plan_id)]


def area(workspace: Workspace, plan_id: int, name: str) -> PriorityAreaView:
    return next(
        each
        for each in list_priority_areas(workspace=workspace, plan_id=plan_id)
        if each.name == name
    )


def test_plan_create_and_edit_undo_redo(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    stack.push(CreatePlanCommand(editor, PlanDraft(name="Youth Justice Plan")))
    created = plan_named(workspace, "Youth Justice Plan")
    stack.push(
        EditPlanCommand(
            editor,
            plan_id=created,
            name="Youth Justice Plan",
            expected_version=1,
            changes={"board": "YOT Board", "status": PlanStatus.DRAFT},
        )
    )
    plan = next(plan for plan in list_plans(workspace=workspace) if plan.id == created)
    assert (plan.board, plan.status) == ("YOT Board", PlanStatus.DRAFT)
    stack.undo()
    plan = next(plan for plan in list_plans(workspace=workspace) if plan.id == created)
    assert (plan.board, plan.status) == ("", PlanStatus.ACTIVE)
    stack.undo()
    assert all(plan.id != created for plan in list_plans(workspace=workspace))
    stack.redo()
    stack.redo()
    plan = next(plan for plan in list_plans(workspace=workspace) if plan.id == created)
    assert plan.board == "YOT Board"


def test_areas_add_rename_move_delete_undo_redo(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    plan = plan_named(workspace, "Overarching Improvement Plan")
    original = areas(workspace, plan)
    stack.push(AddAreaCommand(editor, plan_id=plan, name="Participation"))
    assert areas(workspace, plan) == [*original, "Participation"]
    added = area(workspace, plan, "Participation")
    stack.push(
        RenameAreaCommand(
            editor,
            area_id=added.id,
            old_name="Participation",
            name="Voice of the child",
            expected_version=added.version,
        )
    )
    stack.push(
        MoveAreaCommand(
            editor,
            area_id=added.id,
            name="Voice of the child",
            position=1,
            expected_version=added.version,
        )
    )
    assert areas(workspace, plan) == ["Voice of the child", *original]
    stack.push(
        DeleteAreaCommand(
            editor, area_id=added.id, name="Voice of the child", expected_version=added.version
        )
    )
    assert areas(workspace, plan) == original
    stack.undo()
    assert areas(workspace, plan) == ["Voice of the child", *original]
    stack.undo()
    assert areas(workspace, plan) == [*original, "Voice of the child"]
    stack.undo()
    assert areas(workspace, plan) == [*original, "Participation"]
    stack.undo()
    assert areas(workspace, plan) == original
    for _ in range(4):
        stack.redo()
    assert areas(workspace, plan) == original


def test_an_area_with_actions_is_not_deleted(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack, qtbot: QtBot
) -> None:
    plan = plan_named(workspace, "Overarching Improvement Plan")
    busy = area(workspace, plan, "Permanence")
    with qtbot.waitSignal(editor.command_failed) as failed:
        stack.push(
            DeleteAreaCommand(
                editor, area_id=busy.id, name=busy.name, expected_version=busy.version
            )
        )
    assert "Permanence" in failed.args[1] or "action" in failed.args[1]
    assert stack.count() == 0
    assert "Permanence" in areas(workspace, plan)


def test_events_create_edit_delete_undo_redo(
    workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    plan = plan_named(workspace, "12-Week Improvement Plan")
    draft = PlanEventDraft(
        title="Ofsted monitoring visit",
        kind=PlanEventKind.INSPECTION,
        start_date=dt.date(2018, 1, 23),
        end_date=dt.date(2018, 1, 24),
        plan_id=plan,
    )

    def titles() -> list[str]:
        return [
            event.dates_text + " " + event.title
            for event in list_plan_events(workspace=workspace, plan_id=plan)
        ]

    before = titles()
    stack.push(CreateEventCommand(editor, draft))
    assert "23–24 Jan 2018 Ofsted monitoring visit" in titles()
    event = next(
        event
        for event in list_plan_events(workspace=workspace, plan_id=plan)
        if event.title == draft.title
    )
    stack.push(
        EditEventCommand(
            editor,
            event_id=event.id,
            title=event.title,
            expected_version=event.version,
            changes={"date_precision": DatePrecision.MONTH, "end_date": None},
        )
    )
    assert "January 2018 Ofsted monitoring visit" in titles()
    stack.push(
        DeleteEventCommand(
            editor, event_id=event.id, title=event.title, expected_version=event.version
        )
    )
    assert titles() == before
    stack.undo()
    assert "January 2018 Ofsted monitoring visit" in titles()
    stack.undo()
    assert "23–24 Jan 2018 Ofsted monitoring visit" in titles()
    stack.undo()
    assert titles() == before
    stack.redo()
    assert "23–24 Jan 2018 Ofsted monitoring visit" in titles()


def test_the_plans_dialog_edits_through_the_stack(
    qtbot: QtBot, workspace: Workspace, editor: ActionEditor, stack: QUndoStack
) -> None:
    plan = plan_named(workspace, "Overarching Improvement Plan")
    dialog = PlansDialog(editor=editor, undo_stack=stack, plan_id=plan)
    qtbot.addWidget(dialog)
    assert dialog.plan is not None
    assert dialog.plan.id == plan
    assert [each.name for each in dialog.areas] == [
        "Prevention",
        "Purposeful Practice",
        "Permanence",
    ]
    assert not dialog.save_plan_button.isEnabled()
    dialog.board_edit.setText("Improvement Board")
    dialog.board_edit.textEdited.emit("Improvement Board")
    assert dialog.save_plan_button.isEnabled()
    dialog.save_plan()
    assert stack.count() == 1
    assert dialog.plan.board == "Improvement Board"

    dialog.areas_list.setCurrentRow(2)
    dialog.move_area(-1)
    assert [each.name for each in dialog.areas] == [
        "Prevention",
        "Permanence",
        "Purposeful Practice",
    ]
    assert dialog.areas_list.currentRow() == 1
    dialog.add_area("Participation")
    assert dialog.areas[-1].name == "Participation"
    assert dialog.undo_button.isEnabled()
    dialog.undo_button.click()
    dialog.undo_button.click()
    assert [each.name for each in dialog.areas] == [
        "Prevention",
        "Purposeful Practice",
        "Permanence",
    ]
    dialog.undo_button.click()
    assert dialog.plan.board == "Children's Services Improvement Board"
    assert len(dialog.events) == len(list_plan_events(workspace=workspace, plan_id=plan))
    dialog.close_button.click()
    stack.redo()  # the closed dialog no longer follows the stack
    assert dialog.plan.board == "Children's Services Improvement Board"


def test_the_event_dialog_needs_a_start_and_reads_a_month(
    qtbot: QtBot, workspace: Workspace
) -> None:
    dialog = EventDialog(workspace=workspace, plan_id=PlanId(1))
    qtbot.addWidget(dialog)
    dialog.accept()
    assert not dialog.result()
    assert "Choose the day" in dialog.problem_label.text()
    dialog.title_edit.setText("Corporate parenting panel")
    dialog.start_edit.set_due_date(dt.date(2017, 12, 5))
    dialog.month_check.setChecked(True)
    dialog.accept()
    assert dialog.result()
    draft = dialog.draft()
    assert draft is not None
    assert (draft.title, draft.date_precision, draft.end_date, draft.plan_id) == (
        "Corporate parenting panel",
        DatePrecision.MONTH,
        None,
        1,
    )


def test_the_tab_follows_plan_changes(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions_tab, "show_warning", lambda *_args: None)
    tab = ActionsTab(preferences=TransientActionFilterPreferences())
    qtbot.addWidget(tab)
    tab.set_workspace(workspace)
    tab.ensure_loaded()
    plan = plan_named(workspace, "Overarching Improvement Plan")
    permanence = area(workspace, plan, "Permanence")
    tab.undo_stack.push(
        RenameAreaCommand(
            tab.editor,
            area_id=permanence.id,
            old_name="Permanence",
            name="Permanence and stability",
            expected_version=permanence.version,
        )
    )
    names = {row.priority_area for row in tab.model.rows() if row.plan_id == plan}
    assert "Permanence and stability" in names
    areas_offered = [
        tab.filter_bar.area_combo.itemText(n) for n in range(tab.filter_bar.area_combo.count())
    ]
    assert "Permanence and stability" in areas_offered
    row = next(row for row in tab.model.rows() if row.priority_area == "Permanence and stability")
    assert tab.select_id(row.id)
    data = tab.timeline.data
    assert data is not None
    assert "Permanence and stability" in data.areas
    tab.undo_stack.undo()
    assert "Permanence" in {row.priority_area for row in tab.model.rows()}
    tab.set_workspace(None)
