"""The Actions tab on a copy of the demo database: editing in place, history, links, filters."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.services.action_editing import record_action_update, update_action
from qpmr_desktop.services.actions import get_action_detail, list_linkable_resolutions
from qpmr_desktop.services.settings import (
    ACTIONS_AS_AT,
    get_setting,
    list_settings,
    reset_setting,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui import actions_tab
from qpmr_desktop.ui.action_delegates import (
    ChoiceDelegate,
    DescriptionDelegate,
    DueDateDelegate,
    DueDateEdit,
    ProgressDelegate,
)
from qpmr_desktop.ui.action_filters import (
    ActionFilterPreferences,
    TransientActionFilterPreferences,
)
from qpmr_desktop.ui.action_model import ActionFilters
from qpmr_desktop.ui.actions_tab import ActionsTab, build_action_menu
from qpmr_desktop.ui.settings import Preferences
from tests.conftest import REPO_ROOT
from tests.gui.conftest import ModelChecker

AS_AT = dt.date(2017, 12, 1)
HOSTILE = '<b>&"😀 Żółć Ωμέγα</b> <a href="x">link</a>\n<script>alert(1)</script>'


def fixed_clock() -> dt.datetime:
    return dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="tester")
    # The demo judges its 2017 plans as at 1 Dec 2017 (resources/demo/meeting.toml).
    assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) == AS_AT
    yield workspace
    workspace.close()


def make_tab(qtbot: QtBot, workspace: Workspace | None, **options: object) -> ActionsTab:
    options.setdefault("preferences", TransientActionFilterPreferences())
    tab = ActionsTab(clock=fixed_clock, **options)  # type: ignore[arg-type]
    qtbot.addWidget(tab)
    tab.resize(1400, 900)
    if workspace is not None:
        tab.set_workspace(workspace)
        tab.ensure_loaded()
        # The timeline follows once the event loop runs (after the first paint).
        qtbot.waitUntil(lambda: not tab.timeline_pending)
    return tab


@pytest.fixture
def tab(qtbot: QtBot, workspace: Workspace) -> Iterator[ActionsTab]:
    tab = make_tab(qtbot, workspace)
    yield tab
    tab.set_workspace(None)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        actions_tab,
        "show_warning",
        lambda _parent, title, text: shown.append(f"{title}: {text}"),
    )
    return shown


def select(tab: ActionsTab, plan: str, ref: str) -> int:
    row = next(row for row in tab.model.rows() if row.ref == ref and row.plan.startswith(plan))
    assert tab.select_id(row.id)
    return row.id


def proxy_index(tab: ActionsTab, key: str):  # type: ignore[no-untyped-def]
    index = tab.view.currentIndex()
    return tab.proxy.index(index.row(), tab.model.column_of(key))


def shown_refs(tab: ActionsTab) -> list[str]:
    column = tab.model.column_of("ref")
    return [tab.proxy.index(row, column).data() for row in range(tab.proxy.rowCount())]


def test_overdue_is_judged_as_at_the_databases_date(tab: ActionsTab) -> None:
    assert tab.judged_on == AS_AT
    assert tab.as_at == AS_AT
    assert tab.filter_bar.overdue_check.text() == "Overdue as at 1 Dec 2017"
    overdue = [row.ref for row in tab.model.rows() if row.overdue]
    assert overdue == ["1.2", "4.1"]  # due 30 Nov 2017; judged today, nearly every one would be
    assert "as at 1 Dec 2017" in tab.timeline_label.text()


def test_without_the_setting_overdue_is_judged_on_the_clocks_day(
    qtbot: QtBot, demo_path: Path
) -> None:
    workspace = open_workspace(demo_path, user="tester")
    try:
        (stored,) = [
            row for row in list_settings(workspace=workspace) if row.key == ACTIONS_AS_AT.key
        ]
        assert stored.version is not None
        reset_setting(workspace=workspace, setting=ACTIONS_AS_AT, expected_version=stored.version)
        tab = make_tab(qtbot, workspace)
        assert tab.judged_on == dt.date(2026, 3, 2)
        assert tab.as_at is None
        assert tab.filter_bar.overdue_check.text() == "Overdue"
        tab.set_workspace(None)
    finally:
        workspace.close()


def test_the_models_pass_the_model_tester_before_and_after_edits(
    qtmodeltester: ModelChecker, tab: ActionsTab
) -> None:
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)
    qtmodeltester.check(tab.pane.history_model)
    select(tab, "12-Week", "2.1")
    assert tab.model.setData(tab.proxy.mapToSource(proxy_index(tab, "progress")), 80)
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)
    qtmodeltester.check(tab.pane.history_model)
    tab.undo_stack.undo()
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)


def test_a_status_changed_in_place_is_an_update_with_who_and_when(tab: ActionsTab) -> None:
    ident = select(tab, "12-Week", "2.1")
    before = tab.shown_detail
    assert before is not None
    index = proxy_index(tab, "status")
    assert tab.proxy.flags(index) & tab.proxy.flags(index).ItemIsEditable
    assert tab.proxy.setData(index, ActionStatus.AT_RISK.value)

    row = tab.current_row()
    assert row is not None
    assert (row.id, row.status, row.rag) == (ident, ActionStatus.AT_RISK, ActionRag.AMBER)
    detail = tab.shown_detail
    assert detail is not None
    assert len(detail.history) == len(before.history) + 1
    assert detail.history[0].who == "tester"
    first = tab.pane.history_model.index(0, 0).data()
    assert "tester" in first
    assert "Status on track → at risk" in first
    assert tab.undo_stack.undoText() == "Set Status of 2.1 to At risk"

    tab.undo_stack.undo()
    row = tab.current_row()
    assert row is not None
    assert row.status is ActionStatus.ON_TRACK
    assert tab.shown_detail is not None
    assert tab.shown_detail.history == before.history
    tab.undo_stack.redo()
    assert tab.current_row().status is ActionStatus.AT_RISK  # type: ignore[union-attr]


def test_the_delegates_edit_status_progress_and_due_date(tab: ActionsTab, qtbot: QtBot) -> None:
    select(tab, "12-Week", "1.2")
    parent = QWidget()
    qtbot.addWidget(parent)
    option = QStyleOptionViewItem()

    status = proxy_index(tab, "status")
    delegate = ChoiceDelegate(key="status")
    combo = delegate.createEditor(parent, option, status)
    assert isinstance(combo, QComboBox)
    delegate.setEditorData(combo, status)
    assert combo.currentText() == "On track"
    combo.setCurrentIndex(combo.findData(ActionStatus.OFF_TRACK.value))
    delegate.setModelData(combo, tab.proxy, status)
    assert tab.current_row().status is ActionStatus.OFF_TRACK  # type: ignore[union-attr]

    progress = proxy_index(tab, "progress")
    spin_delegate = ProgressDelegate()
    spin = spin_delegate.createEditor(parent, option, progress)
    assert isinstance(spin, QSpinBox)
    spin_delegate.setEditorData(spin, progress)
    assert spin.value() == 60
    spin.setValue(65)
    spin_delegate.setModelData(spin, tab.proxy, progress)
    assert tab.current_row().progress == 65  # type: ignore[union-attr]
    assert tab.undo_stack.count() == 2  # two updates, two entries in the history
    assert len(tab.shown_detail.history) == 2  # type: ignore[union-attr]

    due = proxy_index(tab, "due")
    date_delegate = DueDateDelegate()
    editor = date_delegate.createEditor(parent, option, due)
    assert isinstance(editor, DueDateEdit)
    date_delegate.setEditorData(editor, due)
    assert editor.due_date() == dt.date(2017, 11, 30)
    editor.set_due_date(dt.date(2018, 2, 14))
    date_delegate.setModelData(editor, tab.proxy, due)
    assert tab.current_row().due_date == dt.date(2018, 2, 14)  # type: ignore[union-attr]
    editor.set_due_date(None)
    date_delegate.setModelData(editor, tab.proxy, due)
    assert tab.current_row().due_date is None  # type: ignore[union-attr]
    assert tab.undo_stack.count() == 3  # the due date twice: merged into one step
    tab.undo_stack.undo()
    assert tab.current_row().due_date == dt.date(2017, 11, 30)  # type: ignore[union-attr]


def test_lead_and_area_edits_in_place(tab: ActionsTab, qtbot: QtBot) -> None:
    ident = select(tab, "12-Week", "1.2")
    parent = QWidget()
    qtbot.addWidget(parent)
    lead = proxy_index(tab, "lead")
    delegate = ChoiceDelegate(key="lead")
    combo = delegate.createEditor(parent, QStyleOptionViewItem(), lead)
    assert isinstance(combo, QComboBox)
    assert combo.isEditable()
    combo.setEditText("Jo New-Officer")
    delegate.setModelData(combo, tab.proxy, lead)
    assert tab.current_row().lead == "Jo New-Officer"  # type: ignore[union-attr]
    # A new person joins the lists the editors and filters offer.
    assert tab.filter_bar.lead_combo.findData("Jo New-Officer") >= 0

    area = tab.proxy.index(tab.view.currentIndex().row(), tab.model.column_of("area"))
    assert tab.proxy.setData(area, None)  # "No priority area"
    row = tab.model.rows()[tab.model.row_of_id(ident)]  # type: ignore[index]
    assert (row.priority_area, row.priority_area_position) == ("", -1)
    assert tab.current_row().id == ident  # type: ignore[union-attr]
    tab.undo_stack.undo()
    row = tab.model.rows()[tab.model.row_of_id(ident)]  # type: ignore[index]
    assert row.priority_area == "MASH/Early Help"


def test_the_description_is_edited_whole(tab: ActionsTab, qtbot: QtBot) -> None:
    select(tab, "12-Week", "1.2")
    parent = QWidget()
    qtbot.addWidget(parent)
    index = proxy_index(tab, "description")
    delegate = DescriptionDelegate()
    editor = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    assert isinstance(editor, QLineEdit)
    delegate.setEditorData(editor, index)
    assert editor.text() == tab.current_row().description  # type: ignore[union-attr]
    editor.setText("Hold a daily MASH oversight meeting, chaired by a head of service")
    delegate.setModelData(editor, tab.proxy, index)
    assert tab.current_row().description.endswith("chaired by a head of service")  # type: ignore[union-attr]
    assert tab.undo_stack.undoText() == "Change description of 1.2"


def test_an_empty_description_is_refused_with_the_reason(tab: ActionsTab) -> None:
    select(tab, "12-Week", "1.2")
    assert not tab.proxy.setData(proxy_index(tab, "description"), "   ")
    assert tab.undo_stack.count() == 0
    assert "cannot be empty" in tab.pane.message_label.text()


def test_add_update_is_one_command_and_hostile_text_shows_verbatim(tab: ActionsTab) -> None:
    ident = select(tab, "12-Week", "4.1")
    pane = tab.pane
    pane.status_combo.setCurrentIndex(pane.status_combo.findData(ActionStatus.ON_TRACK.value))
    pane.progress_spin.setValue(70)
    pane.note_edit.setPlainText(HOSTILE)
    assert pane.add_update()
    assert tab.undo_stack.count() == 1
    assert tab.undo_stack.undoText() == "Add Update to 4.1"
    assert pane.note_edit.toPlainText() == ""

    detail = tab.shown_detail
    assert detail is not None
    entry = detail.history[0]
    assert entry.text == HOSTILE.strip()
    assert (entry.new_status, entry.new_progress) == (ActionStatus.ON_TRACK, 70)
    assert HOSTILE.strip() in pane.history_model.index(0, 0).data()
    row = tab.model.rows()[tab.model.row_of_id(ident)]  # type: ignore[index]
    assert row.latest_update == HOSTILE.strip()
    update_cell = tab.proxy.index(tab.view.currentIndex().row(), tab.model.column_of("update"))
    assert update_cell.data() == " ".join(HOSTILE.split())

    tab.undo_stack.undo()
    assert tab.shown_detail is not None
    assert tab.shown_detail.history == ()
    assert tab.current_row().status is ActionStatus.AT_RISK  # type: ignore[union-attr]


def test_hostile_text_in_the_header_is_never_markup(tab: ActionsTab, workspace: Workspace) -> None:
    ident = select(tab, "12-Week", "1.2")
    detail = tab.shown_detail
    assert detail is not None
    update_action(
        workspace=workspace,
        action_id=ident,
        expected_version=detail.version,
        changes={"description": HOSTILE},
    )
    tab.reload()
    assert tab.select_id(ident)
    text = tab.pane.header.toPlainText()
    assert '<b>&"😀 Żółć Ωμέγα</b> <a href="x">link</a>' in text
    assert "<script>alert(1)</script>" in text


def test_an_add_update_box_that_changes_nothing_says_so(tab: ActionsTab) -> None:
    select(tab, "12-Week", "4.1")
    assert not tab.pane.add_update()
    assert "Nothing to record" in tab.pane.message_label.text()
    assert tab.undo_stack.count() == 0


def test_a_conflict_is_explained_and_the_tab_reloads(
    tab: ActionsTab, workspace: Workspace, warnings: list[str], qtbot: QtBot
) -> None:
    ident = select(tab, "12-Week", "2.1")
    detail = tab.shown_detail
    assert detail is not None
    # Someone else records an update after the tab read the action.
    record_action_update(
        workspace=workspace,
        action_id=ident,
        expected_version=detail.version,
        progress=90,
        note="Returned on the form",
    )
    tab.proxy.setData(proxy_index(tab, "progress"), 75)
    qtbot.waitUntil(lambda: bool(warnings))
    assert "changed by someone else" in warnings[0]
    assert tab.undo_stack.count() == 0
    stored = get_action_detail(workspace=workspace, action_id=ident, today=AS_AT)
    assert stored.progress == 90  # never overwritten
    qtbot.waitUntil(lambda: tab.current_row() is not None and tab.current_row().progress == 90)  # type: ignore[union-attr]


def test_undo_of_an_update_refused_once_a_newer_one_exists(
    tab: ActionsTab, workspace: Workspace, warnings: list[str], qtbot: QtBot
) -> None:
    ident = select(tab, "12-Week", "2.1")
    assert tab.proxy.setData(proxy_index(tab, "progress"), 75)
    stored = get_action_detail(workspace=workspace, action_id=ident, today=AS_AT)
    record_action_update(
        workspace=workspace, action_id=ident, expected_version=stored.version, note="Newer"
    )
    tab.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(warnings))
    assert "taken off the undo list" in warnings[0]
    assert tab.undo_stack.count() == 0
    assert get_action_detail(workspace=workspace, action_id=ident, today=AS_AT).progress == 75


def test_links_are_shown_and_jumped_to(tab: ActionsTab, workspace: Workspace, qtbot: QtBot) -> None:
    ident = select(tab, "12-Week", "3.1")
    resolution = list_linkable_resolutions(workspace=workspace)[0]
    detail = tab.shown_detail
    assert detail is not None
    assert detail.indicators  # the demo links 3.1 to an indicator
    update_action(
        workspace=workspace,
        action_id=ident,
        expected_version=detail.version,
        changes={"resolution_id": resolution.id},
    )
    tab.reload()
    assert tab.select_id(ident)
    html = tab.pane.header.toHtml()
    assert f"resolution:{resolution.agenda_item_id}" in html
    indicator = tab.shown_detail.indicators[0]  # type: ignore[union-attr]
    assert f"indicator:{indicator.id}" in html
    assert indicator.ref in tab.pane.header.toPlainText()

    with qtbot.waitSignal(tab.resolution_link_activated) as jumped:
        tab.pane.header.anchorClicked.emit(QUrl(f"resolution:{resolution.agenda_item_id}"))
    assert jumped.args == [resolution.agenda_item_id]
    with qtbot.waitSignal(tab.indicator_link_activated) as jumped:
        tab.pane.header.anchorClicked.emit(QUrl(f"indicator:{indicator.id}"))
    assert jumped.args == [indicator.id]


def test_the_filter_bar_narrows_and_says_so(tab: ActionsTab) -> None:
    assert tab.count_label.text() == "20 actions"
    bar = tab.filter_bar
    bar.plan_combo.setCurrentIndex(bar.plan_combo.findData("Overarching Improvement Plan"))
    assert tab.proxy.rowCount() == 6
    assert tab.count_label.text() == "6 of 20 actions"
    # The areas offered are that plan's, in order.
    areas = [bar.area_combo.itemText(n) for n in range(bar.area_combo.count())]
    assert areas == ["All areas", "Prevention", "Purposeful Practice", "Permanence"]
    bar.area_combo.setCurrentIndex(bar.area_combo.findData("Permanence"))
    assert shown_refs(tab) == ["3.1", "3.2"]
    bar.status_combo.setCurrentIndex(bar.status_combo.findData(ActionStatus.OFF_TRACK.value))
    assert shown_refs(tab) == ["3.2"]
    tab.set_filters(ActionFilters())
    assert tab.proxy.rowCount() == 20

    bar.overdue_check.setChecked(True)
    assert shown_refs(tab) == ["1.2", "4.1"]
    bar.overdue_check.setChecked(False)
    bar.due_check.setChecked(True)
    bar.due_spin.setValue(3)  # up to 22 Dec 2017
    assert shown_refs(tab) == ["3.2"]
    bar.due_check.setChecked(False)
    rag_red = next(b for b in bar.rag_buttons if b.objectName().endswith("red"))
    rag_red.setChecked(True)
    assert shown_refs(tab) == ["1.2", "2.3", "4.1", "3.2"]
    rag_red.setChecked(False)
    bar.lead_combo.setCurrentIndex(bar.lead_combo.findData("Mark Threlfall"))
    assert shown_refs(tab) == ["4.1", "4.2"]


def test_my_actions_use_the_name_kept_in_the_preferences(
    qtbot: QtBot, workspace: Workspace
) -> None:
    preferences = Preferences()
    tab = make_tab(qtbot, workspace, user_preferences=preferences)
    tab.filter_bar.mine_check.setChecked(True)
    assert tab.proxy.rowCount() == 0  # the OS user is no lead in the demo
    tab.set_my_name("  Karen   Ormerod ")
    assert preferences.my_name() == "Karen Ormerod"
    assert shown_refs(tab) == ["5.1", "5.2", "5.3"]
    assert "Karen Ormerod" in tab.filter_bar.mine_check.toolTip()
    tab.set_workspace(None)


def test_the_filters_are_kept_between_runs(qtbot: QtBot, workspace: Workspace) -> None:
    first = make_tab(qtbot, workspace, preferences=ActionFilterPreferences())
    first.filter_bar.plan_combo.setCurrentIndex(
        first.filter_bar.plan_combo.findData("12-Week Improvement Plan")
    )
    first.filter_bar.status_combo.setCurrentIndex(first.filter_bar.status_combo.findData("open"))
    first.filter_edit.setText("social")
    qtbot.waitUntil(lambda: ActionFilterPreferences().load().text == "social")
    kept = first.proxy.rowCount()
    first.set_workspace(None)

    second = make_tab(qtbot, workspace, preferences=ActionFilterPreferences())
    assert second.filter_edit.text() == "social"
    assert second.filter_bar.plan_combo.currentData() == "12-Week Improvement Plan"
    assert second.filter_bar.status_combo.currentData() == "open"
    assert second.proxy.rowCount() == kept
    assert second.count_label.text() == f"{kept} of 20 actions"
    second.set_workspace(None)


def test_show_action_clears_filters_that_hide_it(tab: ActionsTab) -> None:
    tab.set_filters(ActionFilters(overdue=True))
    hidden = next(row for row in tab.model.rows() if not row.overdue)
    assert tab.show_action(hidden.id)
    assert tab.current_row() == hidden
    assert tab.proxy.rowCount() == 20
    assert not tab.show_action(99999)


def test_the_timeline_follows_the_plan_and_redraws_after_an_edit(tab: ActionsTab) -> None:
    select(tab, "Overarching", "1.1")
    data = tab.timeline.data
    assert data is not None
    assert data.plan_name == "Overarching Improvement Plan"
    assert data.today == AS_AT
    assert data.areas == ("Prevention", "Purposeful Practice", "Permanence")
    select(tab, "12-Week", "1.2")
    data = tab.timeline.data
    assert data is not None
    assert data.plan_name == "12-Week Improvement Plan"
    due = {action.ref: action.due for action in data.actions}
    assert due["1.2"] == dt.date(2017, 11, 30)

    tab.proxy.setData(proxy_index(tab, "due"), dt.date(2018, 3, 20))
    data = tab.timeline.data
    assert data is not None
    assert {action.ref: action.due for action in data.actions}["1.2"] == dt.date(2018, 3, 20)
    tab.timeline.render_now()
    assert tab.timeline.figure is not None
    assert "12-Week Improvement Plan" in tab.timeline.accessibleDescription()

    tab.set_timeline_shown(False)
    assert not tab.timeline.isVisibleTo(tab)
    assert not tab.timeline_action.isChecked()
    tab.timeline_action.trigger()
    assert tab.timeline_shown


def test_the_action_menu_holds_the_tabs_actions(tab: ActionsTab) -> None:
    menu = build_action_menu(tab)
    names = [action.objectName() for action in menu.actions() if not action.isSeparator()]
    assert names == [
        "action_new_action",
        "action_add_update",
        "action_override_rag",
        "action_edit_links",
        "action_delete_action",
        "action_plans",
        "action_show_timeline",
        "action_my_name",
    ]
    assert tab.new_action.shortcut().toString() == "Ctrl+Shift+N"
    assert tab.delete_action.isEnabled()


def test_delete_is_undoable_and_refused_with_history(
    tab: ActionsTab, warnings: list[str], qtbot: QtBot
) -> None:
    ident = select(tab, "12-Week", "1.2")  # no history yet
    tab.delete_action.trigger()
    assert tab.model.row_of_id(ident) is None
    assert tab.count_label.text() == "19 actions"
    tab.undo_stack.undo()
    assert tab.model.row_of_id(ident) is not None
    assert tab.current_row().id == ident  # type: ignore[union-attr]

    select(tab, "12-Week", "2.1")
    tab.delete_action.trigger()
    qtbot.waitUntil(lambda: bool(warnings))
    assert "history is kept" in warnings[0]
    assert tab.count_label.text() == "20 actions"


def test_the_tab_does_not_load_the_database_stack_or_matplotlib_before_it_is_shown(
    demo_path: Path,
) -> None:
    script = textwrap.dedent(
        f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from pathlib import Path
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from qpmr_desktop.ui.action_filters import ActionFilterPreferences
        from qpmr_desktop.ui.action_model import ActionFilters
        from qpmr_desktop.ui.actions_tab import ActionsTab
        from qpmr_desktop.ui.settings import Preferences
        # A filter kept from last time is restored before the window paints.
        ActionFilterPreferences().save(ActionFilters(overdue=True, plan="12-Week Improvement Plan"))
        tab = ActionsTab()
        print("sqlalchemy", "sqlalchemy" in sys.modules, "matplotlib", "matplotlib" in sys.modules)
        from qpmr_desktop.services.workspace import open_workspace
        tab.set_workspace(open_workspace(Path({str(demo_path)!r})))
        tab.ensure_loaded()
        print("loaded", tab.proxy.rowCount() > 0, "matplotlib", "matplotlib" in sys.modules)
        app.processEvents()  # the timeline's data comes after the first paint
        tab.timeline.render_now()
        print("drawn", "matplotlib" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
        timeout=120,
        env={"XDG_CONFIG_HOME": str(demo_path.parent / "config"), "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "sqlalchemy",
        "False",
        "matplotlib",
        "False",
        "loaded",
        "True",
        "matplotlib",
        "False",
        "drawn",
        "True",
    ]
