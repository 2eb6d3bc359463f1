"""The Actions tab's dialogs and filter bar: a reason for every override, drafts checked, links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.domain.ids import IndicatorId, PlanId, PriorityAreaId
from qpmr_desktop.services.actions import (
    get_action_detail,
    list_action_rows,
    list_linkable_resolutions,
)
from qpmr_desktop.services.plans import list_plans, list_priority_areas
from qpmr_desktop.services.read_models import ActionDetail
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.action_dialogs import ActionLinksDialog, NewActionDialog, RagOverrideDialog
from qpmr_desktop.ui.action_filters import (
    ActionFilterBar,
    ActionFilterPreferences,
    TransientActionFilterPreferences,
    overdue_caption,
)
from qpmr_desktop.ui.action_model import ActionFilters
from qpmr_desktop.ui.settings import MY_NAME_KEY, Preferences, os_user_name

TODAY = dt.date(2017, 12, 1)


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="tester")
    yield workspace
    workspace.close()


def detail_of(workspace: Workspace, ref: str, plan: str = "12-Week") -> ActionDetail:
    row = next(
        row
        for row in list_action_rows(workspace=workspace, today=TODAY)
        if row.ref == ref and row.plan.startswith(plan)
    )
    return get_action_detail(workspace=workspace, action_id=row.id, today=TODAY)


def ok_enabled(buttons: QDialogButtonBox) -> bool:
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok is not None
    return ok.isEnabled()


# ------------------------------------------------------------------ RAG override


def test_an_override_needs_a_reason(qtbot: QtBot, workspace: Workspace) -> None:
    dialog = RagOverrideDialog(detail_of(workspace, "1.3"))
    qtbot.addWidget(dialog)
    assert dialog.derived_button.isChecked()
    assert not ok_enabled(dialog.buttons)  # nothing changed yet
    derived = dialog.findChild(QLabel, "rag_override_derived")
    assert isinstance(derived, QLabel)
    assert derived.text().startswith("By the rules, 1.3 is ◆ At risk.")
    dialog.rag_buttons[ActionRag.GREEN].setChecked(True)
    assert not ok_enabled(dialog.buttons)
    assert "Say why" in dialog.problem_label.text()
    dialog.reason_edit.setPlainText("  Partners signed off the protocol  ")
    assert ok_enabled(dialog.buttons)
    assert dialog.choice() == (ActionRag.GREEN, "Partners signed off the protocol")


def test_clearing_an_override_needs_no_reason(qtbot: QtBot, workspace: Workspace) -> None:
    detail = replace(
        detail_of(workspace, "1.3"), rag_override=ActionRag.GREEN, rag_override_reason="Agreed"
    )
    dialog = RagOverrideDialog(detail)
    qtbot.addWidget(dialog)
    assert dialog.rag_buttons[ActionRag.GREEN].isChecked()
    assert dialog.reason_edit.toPlainText() == "Agreed"
    dialog.derived_button.setChecked(True)
    dialog.reason_edit.clear()
    assert ok_enabled(dialog.buttons)
    assert dialog.choice() == (None, "")


# ------------------------------------------------------------------ new action


@pytest.fixture
def new_dialog(qtbot: QtBot, workspace: Workspace) -> NewActionDialog:
    plans = list_plans(workspace=workspace)
    areas: dict[PlanId, list[tuple[str, PriorityAreaId]]] = {}
    for area in list_priority_areas(workspace=workspace):
        areas.setdefault(area.plan_id, []).append((area.name, area.id))
    dialog = NewActionDialog(
        workspace=workspace,
        plans=[(plan.name, plan.id) for plan in plans],
        areas=areas,
        people=["Joanne Heaton", "Simon Haworth"],
        plan_id=plans[0].id,
    )
    qtbot.addWidget(dialog)
    return dialog


def test_a_new_action_is_offered_the_next_ref_of_its_area(new_dialog: NewActionDialog) -> None:
    assert new_dialog.area_combo.currentText() == "MASH/Early Help"
    assert new_dialog.ref_edit.text() == "1.4"
    new_dialog.area_combo.setCurrentIndex(new_dialog.area_combo.findText("Workforce"))
    new_dialog.suggest_ref()
    assert new_dialog.ref_edit.text() == "5.4"
    new_dialog.ref_edit.setText("5.9")  # typed by the person: kept
    new_dialog.area_combo.setCurrentIndex(new_dialog.area_combo.findText("Quality of practice"))
    new_dialog.suggest_ref()
    assert new_dialog.ref_edit.text() == "5.9"


def test_a_new_action_is_checked_before_it_is_accepted(new_dialog: NewActionDialog) -> None:
    new_dialog.accept()
    assert not new_dialog.result()
    assert "✖ Describe the action." in new_dialog.problem_label.text()
    new_dialog.description_edit.setPlainText("Publish the <b>annual</b> report")
    new_dialog.lead_combo.setEditText("  Jo   New-Officer ")
    new_dialog.due_edit.set_due_date(dt.date(2018, 3, 1))
    new_dialog.status_combo.setCurrentIndex(
        new_dialog.status_combo.findData(ActionStatus.COMPLETE.value)
    )
    new_dialog.progress_spin.setValue(80)
    new_dialog.accept()
    assert not new_dialog.result()  # a warning is shown once …
    assert "⚠" in new_dialog.problem_label.text()
    new_dialog.accept()
    assert new_dialog.result()  # … then let through
    draft = new_dialog.draft()
    assert (draft.ref, draft.description, draft.lead) == (
        "1.4",
        "Publish the <b>annual</b> report",
        "Jo New-Officer",
    )
    assert (draft.due_date, draft.status, draft.progress) == (
        dt.date(2018, 3, 1),
        ActionStatus.COMPLETE,
        80,
    )


# ------------------------------------------------------------------ links


def test_links_dialog_gives_only_what_changed(qtbot: QtBot, workspace: Workspace) -> None:
    detail = detail_of(workspace, "3.1")
    resolutions = list_linkable_resolutions(workspace=workspace)
    linked = {indicator.id for indicator in detail.indicators}
    indicators = [(IndicatorId(n), f"IND-{n:02d}  Indicator {n}") for n in range(1, 6)]
    dialog = ActionLinksDialog(detail=detail, resolutions=resolutions, indicators=indicators)
    qtbot.addWidget(dialog)
    assert dialog.changes() == {}
    dialog.resolution_combo.setCurrentIndex(dialog.resolution_combo.findData(resolutions[0].id))
    first = dialog.indicator_list.item(0)
    first.setCheckState(
        Qt.CheckState.Unchecked
        if first.checkState() == Qt.CheckState.Checked
        else Qt.CheckState.Checked
    )
    changes = dialog.changes()
    assert changes["resolution_id"] == resolutions[0].id
    chosen = changes["indicator_ids"]
    assert isinstance(chosen, tuple)
    assert set(chosen) == linked ^ {IndicatorId(1)}
    dialog.indicator_filter.setText("indicator 3")
    hidden = [dialog.indicator_list.item(n).isHidden() for n in range(5)]
    assert hidden == [True, True, False, True, True]


# ------------------------------------------------------------------ filter bar and preferences


def test_the_bar_shows_a_state_without_emitting_and_emits_changes(qtbot: QtBot) -> None:
    bar = ActionFilterBar()
    qtbot.addWidget(bar)
    bar.set_choices(
        plans=["Plan A", "Plan B"],
        areas={"Plan A": ["One", "Two"], "Plan B": ["Three"]},
        leads=["A. Smith"],
    )
    with qtbot.assertNotEmitted(bar.filters_changed):
        bar.set_filters(ActionFilters(plan="Plan A", area="Two", overdue=True, due_weeks=2))
    assert bar.area_combo.currentData() == "Two"
    assert bar.due_spin.isEnabled()
    assert bar.due_spin.value() == 2
    with qtbot.waitSignal(bar.filters_changed) as changed:
        bar.plan_combo.setCurrentIndex(bar.plan_combo.findData("Plan B"))
    filters = changed.args[0]
    assert (filters.plan, filters.area) == ("Plan B", None)  # another plan's area is dropped
    assert [bar.area_combo.itemText(n) for n in range(bar.area_combo.count())] == [
        "All areas",
        "Three",
    ]


def test_a_chosen_name_that_is_gone_stays_shown(qtbot: QtBot) -> None:
    bar = ActionFilterBar()
    qtbot.addWidget(bar)
    bar.set_filters(ActionFilters(lead="Someone Who Left"))
    bar.set_choices(plans=[], areas={}, leads=["A. Smith"])
    assert bar.lead_combo.currentText() == "Someone Who Left"


def test_the_overdue_box_says_when_overdue_is_judged_as_at_a_date(qtbot: QtBot) -> None:
    bar = ActionFilterBar()
    qtbot.addWidget(bar)
    assert bar.overdue_check.text() == "Overdue"
    bar.set_as_at(dt.date(2017, 12, 1))
    assert bar.overdue_check.text() == "Overdue as at 1 Dec 2017"
    assert overdue_caption(None) == "Overdue"


def test_filter_preferences_round_trip_and_ignore_what_they_do_not_know() -> None:
    filters = ActionFilters(
        text="audit",
        plan="Plan A",
        area="One",
        statuses=frozenset({ActionStatus.AT_RISK, ActionStatus.OFF_TRACK}),
        rags=frozenset({ActionRag.RED}),
        lead="A. Smith",
        mine=True,
        overdue=True,
        due_weeks=6,
    )
    ActionFilterPreferences().save(filters)
    assert ActionFilterPreferences().load() == filters
    preferences = Preferences()
    preferences.set_texts("actions/filter/statuses", ["at risk", "lost in space"])
    preferences.set_texts("actions/filter/rags", ["purple"])
    preferences.set_text("actions/filter/due_weeks", "a fortnight")
    loaded = ActionFilterPreferences().load()
    assert loaded.statuses == frozenset({ActionStatus.AT_RISK})
    assert loaded.rags == frozenset()
    assert loaded.due_weeks is None


def test_transient_preferences_keep_nothing() -> None:
    transient = TransientActionFilterPreferences()
    transient.save(ActionFilters(overdue=True))
    assert ActionFilterPreferences().load() == ActionFilters()


def test_my_name_defaults_to_the_login_name() -> None:
    preferences = Preferences()
    assert preferences.my_name() == os_user_name()
    preferences.set_my_name("  Karen   Ormerod ")
    assert preferences.text(MY_NAME_KEY) == "Karen Ormerod"
    preferences.set_my_name("")
    assert preferences.my_name() == os_user_name()
