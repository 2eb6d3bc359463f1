"""MainWindow on the demo database: title, status bar, menus, lazy tabs, switching, layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from qpmr_desktop import __version__
from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.services.minutes import list_all_agenda_items
from qpmr_desktop.services.workspace import open_workspace
from qpmr_desktop.ui.actions_tab import ActionsTab
from qpmr_desktop.ui.indicators_tab import IndicatorsTab
from qpmr_desktop.ui.main_window import MainWindow
from qpmr_desktop.ui.minutes_model import NodeKind
from qpmr_desktop.ui.minutes_tab import MinutesTab
from qpmr_desktop.ui.resolutions_tab import ResolutionsTab
from qpmr_desktop.ui.settings import RecentDatabases
from tests.gui.conftest import shows_window


@pytest.fixture
def window(qtbot: QtBot, demo_path: Path) -> MainWindow:
    window = MainWindow(open_workspace(demo_path), remember_layout=False)
    qtbot.addWidget(window)  # closed, and so its workspace closed, after the test
    return window


def menu(window: MainWindow, title: str) -> QMenu:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            found = action.menu()
            assert isinstance(found, QMenu)
            return found
    raise AssertionError(f"no {title} menu")


def texts(menu_: QMenu) -> list[str]:
    return [
        action.text().replace("&", "") for action in menu_.actions() if not action.isSeparator()
    ]


def test_the_title_names_the_database(window: MainWindow) -> None:
    assert window.windowTitle() == "QPMR Desktop — demo.qpmr"


def test_the_status_bar_says_which_database_and_where(window: MainWindow, demo_path: Path) -> None:
    assert window.location_label.text() == f"demo.qpmr · local file · {demo_path}"
    assert window.user_label.text() == f"User: {window.workspace.user}"


def test_the_menus_and_their_actions(window: MainWindow) -> None:
    titles = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert titles == ["File", "Edit", "Indicator", "Action", "Minutes", "Help"]
    assert texts(menu(window, "File")) == [
        "New Database…",
        "Open Database…",
        "Open Recent",
        "Import Indicator Values…",
        "Export Indicator Values…",
        "Export Update Forms…",
        "Import Update Forms…",
        "Print Preview…",
        "Settings…",
        "Quit",
    ]
    assert texts(menu(window, "Minutes")) == [
        "New Meeting…",
        "Edit Meeting…",
        "Delete Meeting",
        "Add Agenda Item…",
        "Edit Agenda Item…",
        "Move Item Up",
        "Move Item Down",
        "Delete Agenda Item",
        "Approve Previous Minutes…",
        "Paste Published Minutes…",
    ]
    assert texts(menu(window, "Edit"))[:2] == ["Undo", "Redo"]
    assert texts(menu(window, "Help")) == ["About QPMR Desktop"]
    assert window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)


def test_undo_and_redo_follow_the_undo_stack(window: MainWindow) -> None:
    undo, redo = window.undo_action, window.redo_action
    assert undo.shortcuts()[0] == QKeySequence("Ctrl+Z")
    assert redo.shortcuts()[0] == QKeySequence("Ctrl+Shift+Z")
    assert not undo.isEnabled()
    assert not redo.isEnabled()
    window.undo_stack.push(QUndoCommand("Change something"))
    assert undo.isEnabled()
    assert undo.text().replace("&", "") == "Undo Change something"
    undo.trigger()
    assert redo.isEnabled()
    assert not undo.isEnabled()


def test_only_the_current_tab_loads_at_start(window: MainWindow) -> None:
    assert window.tabs.currentIndex() == 0
    assert window.tab("indicators").is_loaded
    assert not window.tab("minutes").is_loaded
    assert not window.tab("actions").is_loaded
    window.tabs.setCurrentIndex(2)
    assert window.tab("actions").is_loaded
    assert not window.tab("minutes").is_loaded
    window.set_current_tab("minutes")
    assert window.tab("minutes").is_loaded


def test_an_unknown_tab_is_refused(window: MainWindow) -> None:
    with pytest.raises(ValueError, match="Unknown tab 'charts'"):
        window.set_current_tab("charts")


def test_the_indicators_tab_selects_its_first_row(window: MainWindow) -> None:
    tab = window.tab("indicators")
    assert isinstance(tab, IndicatorsTab)
    assert tab.model.rowCount() > 0
    assert tab.view.currentIndex().row() == 0
    row = tab.current_row()
    assert row is not None
    detail = tab.detail.toPlainText()
    assert row.ref in detail
    assert row.polarity.label in detail
    assert tab.count_label.text() == f"{tab.model.rowCount()} indicators"


def test_the_indicators_filter_narrows_the_table_and_the_count(window: MainWindow) -> None:
    tab = window.tab("indicators")
    assert isinstance(tab, IndicatorsTab)
    total = tab.model.rowCount()
    tab.filter_edit.setText("Children Looked After")
    assert tab.proxy.rowCount() == 1
    assert tab.count_label.text() == f"1 of {total} indicators"
    row = tab.current_row()
    assert row is not None
    assert row.ref == "CLA-01"
    assert "1,875" in tab.detail.toPlainText()
    assert "Highest ever recorded" in tab.detail.toPlainText()
    tab.filter_edit.setText("no indicator is called this")
    assert tab.proxy.rowCount() == 0
    assert tab.current_row() is None
    assert tab.detail.toPlainText() == ""
    tab.filter_edit.clear()
    assert tab.proxy.rowCount() == total


def test_the_minutes_tab_shows_the_first_item_and_the_seed_item(window: MainWindow) -> None:
    window.set_current_tab("minutes")
    tab = window.tab("minutes")
    assert isinstance(tab, MinutesTab)
    current = tab.current_source_index()
    assert tab.model.kind(current) is NodeKind.ITEM
    assert current.row() == 0
    assert tab.tree.isExpanded(tab.proxy.index(0, 0))
    assert tab.read_view.toPlainText().startswith(current.data())
    assert "MINUTES" in tab.context_view.toPlainText()

    meeting = tab.proxy.index(0, 0)
    seed = next(
        tab.proxy.index(row, 0, meeting)
        for row in range(tab.proxy.rowCount(meeting))
        if "Quarterly Corporate" in tab.proxy.index(row, 0, meeting).data()
    )
    tab.tree.setCurrentIndex(seed)
    text = tab.read_view.toPlainText()
    assert (
        "Presented by Donna Talbot, Head of Services Business Intelligence, "
        "and Richard Cooke, Programme Manager"
    ) in text
    assert "Resolved: That the reported performance for Quarter 1" in text

    tab.tree.setCurrentIndex(meeting)
    assert "Minutes of the meeting of the" in tab.read_view.toPlainText()


def test_the_minutes_search_opens_what_it_finds(window: MainWindow) -> None:
    window.set_current_tab("minutes")
    tab = window.tab("minutes")
    assert isinstance(tab, MinutesTab)
    tab.filter_edit.setText("Apologies were received")
    meeting = tab.proxy.index(0, 0)
    assert tab.proxy.rowCount(meeting) == 1
    item = tab.proxy.index(0, 0, meeting)
    assert tab.tree.isExpanded(item)
    tab.filter_edit.clear()
    assert tab.proxy.rowCount(meeting) == tab.model.rowCount(tab.proxy.mapToSource(meeting))


def test_the_minutes_tab_selects_an_item_by_id_and_shows_it(window: MainWindow) -> None:
    window.set_current_tab("minutes")
    tab = window.tab("minutes")
    assert isinstance(tab, MinutesTab)
    seed = next(
        item
        for item in list_all_agenda_items(workspace=window.workspace)
        if item.title.startswith("Quarterly Corporate Performance")
    )

    assert tab.select_item(seed.id)
    assert "Donna Talbot" in tab.read_view.toPlainText()
    assert "the highest ever recorded for the Authority" in tab.read_view.toPlainText()
    assert not tab.select_item(AgendaItemId(999_999))


def test_the_actions_tab_selects_its_first_row(window: MainWindow) -> None:
    window.set_current_tab("actions")
    tab = window.tab("actions")
    assert isinstance(tab, ActionsTab)
    assert tab.model.rowCount() > 0
    row = tab.current_row()
    assert row is not None
    assert row.description in tab.detail.toPlainText()


def test_switching_database_rebuilds_the_tabs(
    window: MainWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    window.set_current_tab("minutes")
    window.undo_stack.push(QUndoCommand("Something in the old file"))
    old = window.workspace
    new_path = tmp_path / "new.qpmr"
    with qtbot.waitSignal(window.database_opened) as blocker:
        assert window.open_database(new_path, create=True)
    assert blocker.args == [new_path]
    assert window.windowTitle() == "QPMR Desktop — new.qpmr"
    assert str(new_path) in window.location_label.text()
    assert window.undo_stack.count() == 0
    assert window.workspace is not old
    minutes = window.tab("minutes")
    assert isinstance(minutes, MinutesTab)
    assert minutes.model.rowCount() == 0
    assert minutes.stack.currentWidget() is minutes.empty_label
    assert not window.tab("indicators").is_loaded  # reloaded when next shown
    window.set_current_tab("indicators")
    indicators = window.tab("indicators")
    assert isinstance(indicators, IndicatorsTab)
    assert indicators.model.rowCount() == 0
    assert indicators.stack.currentWidget() is indicators.empty_label
    assert "No indicators yet" in indicators.empty_label.text()
    assert RecentDatabases().paths()[0] == new_path.resolve()


def test_a_bad_file_is_explained_and_the_current_database_stays(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.qpmr"
    bad.write_bytes(b"this is not a database")
    messages: list[str] = []

    def warning(_parent: object, _title: str, text: str, *_args: object) -> int:
        messages.append(text)
        return 0

    monkeypatch.setattr(QMessageBox, "warning", warning)
    assert not window.open_database(bad)
    assert "is not a QPMR database" in messages[0]
    assert "demo.qpmr is still open" in messages[0]
    assert window.windowTitle() == "QPMR Desktop — demo.qpmr"
    assert bad.read_bytes() == b"this is not a database"


def test_the_recent_menu_lists_databases_that_exist(
    window: MainWindow, tmp_path: Path, demo_path: Path
) -> None:
    recent = RecentDatabases()
    other = tmp_path / "other.qpmr"
    other.write_bytes(b"")
    recent.add(tmp_path / "gone.qpmr")
    recent.add(other)
    recent.add(demo_path)
    window.recent_menu.aboutToShow.emit()
    entries = [action for action in window.recent_menu.actions() if not action.isSeparator()]
    assert [action.text() for action in entries] == ["&1 demo.qpmr", "&2 other.qpmr", "Clear Menu"]
    assert not entries[0].isEnabled()  # the open one
    entries[-1].trigger()
    assert recent.paths() == []


def test_about_names_the_version(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, _title, text: shown.append(text))
    window.about_action.trigger()
    assert __version__ in shown[0]
    assert "performance committee" in shown[0]


def test_the_find_action_focuses_the_current_tabs_filter(window: MainWindow) -> None:
    assert window.find_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    window.set_current_tab("actions")
    window.find_action.trigger()
    assert window.focusWidget() is window.tab("actions").filter_edit


@shows_window
def test_ctrl_f_focuses_the_filter_box(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    qtbot.waitExposed(window)
    handle = window.windowHandle()
    assert handle is not None
    handle.requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    indicators = window.tab("indicators")
    assert isinstance(indicators, IndicatorsTab)
    indicators.view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.tab("indicators").filter_edit
    window.set_current_tab("minutes")
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.tab("minutes").filter_edit


def test_the_window_remembers_its_layout(qtbot: QtBot, demo_path: Path) -> None:
    first = MainWindow(open_workspace(demo_path))
    qtbot.addWidget(first)
    first.resize(1111, 777)
    first.set_current_tab("actions")
    actions = first.tab("actions")
    assert isinstance(actions, ActionsTab)
    actions.view.sortByColumn(actions.model.column_of("due"), Qt.SortOrder.DescendingOrder)
    actions.view.setColumnWidth(0, 222)
    first.close()

    second = MainWindow(open_workspace(demo_path))
    qtbot.addWidget(second)
    assert second.current_tab().key == "actions"
    restored = second.tab("actions")
    assert isinstance(restored, ActionsTab)
    header = restored.view.horizontalHeader()
    assert header.sortIndicatorSection() == restored.model.column_of("due")
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert restored.proxy.sortColumn() == restored.model.column_of("due")
    assert restored.view.columnWidth(0) == 222
    assert QSettings().contains("window_state/geometry")
    assert not QSettings().contains("preferences/geometry")


def test_closing_the_window_closes_its_workspace(qtbot: QtBot, demo_path: Path) -> None:
    window = MainWindow(open_workspace(demo_path), remember_layout=False)
    closed: list[bool] = []
    original = window.workspace.close

    def close() -> None:
        closed.append(True)
        original()

    object.__setattr__(window.workspace, "close", close)
    window.close()
    assert closed == [True]
    assert isinstance(window, QWidget)
    assert isinstance(window.quit_action, QAction)


def test_a_tab_that_cannot_load_says_so_and_the_window_carries_on(
    qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_kwargs: object) -> list[object]:
        raise RuntimeError("no such table: theme")

    monkeypatch.setattr("qpmr_desktop.services.indicators.list_indicator_rows", broken)
    window = MainWindow(open_workspace(demo_path), remember_layout=False)
    qtbot.addWidget(window)
    indicators = window.tab("indicators")
    assert isinstance(indicators, IndicatorsTab)
    assert indicators.stack.currentWidget() is indicators.empty_label
    assert indicators.empty_label.text() == (
        "This tab could not be loaded from demo.qpmr: no such table: theme"
    )
    window.set_current_tab("actions")  # the other tabs still work
    actions = window.tab("actions")
    assert isinstance(actions, ActionsTab)
    assert actions.model.rowCount() > 0


def test_importing_from_the_file_menu_refreshes_the_scorecard(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A successful import reloads the Indicators tab and clears the undo stack."""
    from qpmr_desktop.ui import import_dialog

    calls: list[object] = []

    def fake_import(_parent: object, workspace: object, **_kwargs: object) -> object:
        calls.append(workspace)
        return object()  # stands for the ImportResult of a successful import

    monkeypatch.setattr(import_dialog, "import_indicators_interactively", fake_import)
    tab = window.tab("indicators")
    assert isinstance(tab, IndicatorsTab)
    reloads: list[bool] = []
    monkeypatch.setattr(tab, "reload", lambda: reloads.append(True))
    window.undo_stack.push(QUndoCommand("an earlier edit"))

    window.import_indicators_action.trigger()

    assert calls == [window.workspace]
    assert reloads == [True]
    assert window.undo_stack.count() == 0


def test_activating_a_resolution_opens_its_item_in_the_minutes_tab(window: MainWindow) -> None:
    seed = next(
        item
        for item in list_all_agenda_items(workspace=window.workspace)
        if item.title.startswith("Quarterly Corporate Performance")
    )
    resolutions = window.tab("resolutions")
    assert isinstance(resolutions, ResolutionsTab)

    resolutions.item_activated.emit(seed.id)

    minutes = window.tab("minutes")
    assert isinstance(minutes, MinutesTab)
    assert window.current_tab() is minutes
    assert "Donna Talbot" in minutes.read_view.toPlainText()
