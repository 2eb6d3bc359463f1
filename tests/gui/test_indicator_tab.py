"""The Indicators tab on a copy of the demo database: detail, chart, editing, undo, the menu."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
)
from pytestqt.qtbot import QtBot

from qpmr_desktop.charts.indicator_chart import GID_VALUE
from qpmr_desktop.domain.ids import IndicatorId
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.services.indicator_editing import set_indicator_value
from qpmr_desktop.services.indicators import get_indicator_detail
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui import indicators_tab
from qpmr_desktop.ui.indicator_detail import chart_data_for
from qpmr_desktop.ui.indicator_form import IndicatorFormDialog
from qpmr_desktop.ui.indicators_tab import IndicatorsTab
from qpmr_desktop.ui.main_window import MainWindow
from tests.conftest import REPO_ROOT
from tests.gui.conftest import ModelChecker

HOSTILE = '<b>&"😀 Żółć Ωμέγα'
Q1 = Quarter(2017, 1)


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="tester")
    yield workspace
    workspace.close()


@pytest.fixture
def tab(qtbot: QtBot, workspace: Workspace) -> Iterator[IndicatorsTab]:
    tab = IndicatorsTab()
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.set_workspace(workspace)
    tab.ensure_loaded()
    yield tab
    tab.set_workspace(None)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        indicators_tab,
        "show_warning",
        lambda _parent, title, text: shown.append(f"{title}: {text}"),
    )
    return shown


def current_value(tab: IndicatorsTab) -> str | None:
    row = tab.current_row()
    return None if row is None else row.value_text


def set_cell(form: IndicatorFormDialog, row: int, column: int, text: str) -> None:
    item = form.targets_table.item(row, column)
    assert item is not None
    item.setText(text)


def select(tab: IndicatorsTab, ref: str) -> None:
    row = next(row for row in tab.model.rows() if row.ref == ref)
    assert tab.select_id(row.id)


def value_index(tab: IndicatorsTab, period: Quarter, key: str = "value"):  # type: ignore[no-untyped-def]
    model = tab.pane.values_model
    row = model.row_of_period(period)
    assert row is not None
    return model.index(row, model.column_of(key))


def test_the_detail_pane_states_the_judgement_in_words(tab: IndicatorsTab) -> None:
    select(tab, "CLA-01")
    text = tab.detail.toPlainText()
    assert "CLA-01" in text
    assert "Children Looked After" in text
    assert "Lower is better" in text
    assert "quarterly" in text
    assert "▲ Red" in text
    assert "1,875 is 175 above the 1,700" in text
    assert "Worsening vs Q4 2016/17; worsening vs Q1 2016/17" in text  # previous and last year
    assert "Highest ever recorded" in text
    assert tab.pane.commentary_period == Q1  # the latest figure's commentary
    detail = tab.shown_detail
    assert detail is not None
    stored = next(value for value in detail.values if value.period == Q1)
    assert tab.pane.commentary_edit.toPlainText() == stored.commentary
    assert tab.pane.commentary_label.text() == "Commentary — Q1 2017/18"


def test_sample_data_is_said_in_the_detail(tab: IndicatorsTab) -> None:
    select(tab, "CLV-01")
    assert "Sample data" in tab.detail.toPlainText()


def test_the_chart_draws_the_value_line_of_the_selected_indicator(tab: IndicatorsTab) -> None:
    select(tab, "CLA-01")
    chart = tab.pane.chart
    data = chart.data
    assert data is not None
    assert data.ref == "CLA-01"
    assert 8 <= len(data.points) <= 12
    assert data.points[-1].period == Q1
    chart.render_now()
    figure = chart.figure
    assert figure is not None
    lines = [line for axes in figure.axes for line in axes.get_lines()]
    assert any(line.get_gid() == GID_VALUE for line in lines)
    assert "1,875" in chart.accessibleDescription()  # the active title, for screen readers


def test_a_small_window_scrolls_the_detail_pane_rather_than_squash_the_chart(
    tab: IndicatorsTab,
) -> None:
    select(tab, "CLA-01")
    scroll = tab.pane.findChild(QScrollArea, "indicators_detail_scroll")
    assert scroll is not None
    tab.resize(1000, 420)  # shorter than the pane's parts at their least
    tab.grab()  # lays the tab out

    assert tab.pane.chart.height() >= tab.pane.chart.minimumHeight() == 190
    assert scroll.verticalScrollBar().maximum() > 0
    tab.resize(1300, 800)
    tab.grab()
    assert scroll.verticalScrollBar().maximum() == 0
    assert tab.pane.chart.height() > 190


def test_the_chart_follows_edits_of_the_values(tab: IndicatorsTab) -> None:
    select(tab, "CLA-01")
    before = tab.pane.chart.data
    assert tab.pane.values_model.setData(value_index(tab, Q1), "1,990")
    after = tab.pane.chart.data
    assert after is not None
    assert after != before
    assert after.points[-1].value == 1990.0


def test_chart_data_keeps_gaps_and_the_last_twelve_quarters(
    tab: IndicatorsTab, workspace: Workspace
) -> None:
    select(tab, "CLA-01")
    detail = tab.shown_detail
    assert detail is not None
    data = chart_data_for(detail, quarters=4)
    assert [point.period.label for point in data.points] == [
        "Q2 2016/17",
        "Q3 2016/17",
        "Q4 2016/17",
        "Q1 2017/18",
    ]


def test_matplotlib_and_sqlalchemy_load_only_when_needed(demo_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from pathlib import Path
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from qpmr_desktop.services.workspace import open_workspace
        from qpmr_desktop.ui.main_window import MainWindow
        # The window paints before the database stack loads: the tab must not pull it in.
        print("sqlalchemy", "sqlalchemy" in sys.modules)
        window = MainWindow(open_workspace(Path({str(demo_path)!r})), remember_layout=False)
        tab = window.tab("indicators")
        assert tab.current_row() is not None and tab.pane.chart.data is not None
        print("before", "matplotlib" in sys.modules)
        tab.pane.chart.render_now()
        print("after", "matplotlib" in sys.modules)
        window.close()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["sqlalchemy", "False", "before", "False", "after", "True"]


def test_an_edit_refreshes_the_scorecard_row_and_keeps_the_selection(
    tab: IndicatorsTab,
) -> None:
    select(tab, "CLA-01")
    assert tab.pane.values_model.setData(value_index(tab, Q1), "1,600")
    row = tab.current_row()
    assert row is not None
    assert row.ref == "CLA-01"
    assert row.value_text == "1,600"
    assert "● Green" in tab.detail.toPlainText()
    tab.undo_stack.undo()
    row = tab.current_row()
    assert row is not None
    assert row.value_text == "1,875"


def test_undo_shows_the_indicator_it_changed(tab: IndicatorsTab) -> None:
    select(tab, "CLA-01")
    assert tab.pane.values_model.setData(value_index(tab, Q1, "england"), "1,000")
    select(tab, "NHC-01")
    tab.undo_stack.undo()
    row = tab.current_row()
    assert row is not None
    assert row.ref == "CLA-01"  # an undo is never invisible


def test_a_conflict_on_undo_explains_reloads_and_does_not_crash(
    qtbot: QtBot, tab: IndicatorsTab, workspace: Workspace, warnings: list[str]
) -> None:
    select(tab, "CLA-01")
    assert tab.pane.values_model.setData(value_index(tab, Q1), "1,900")
    detail = tab.shown_detail
    assert detail is not None
    version = next(row.version for row in detail.values if row.period == Q1)
    set_indicator_value(  # someone else, behind the command's back
        workspace=workspace,
        indicator_id=detail.id,
        period=Q1,
        changes={"value": 2000.0},
        expected_version=version,
    )
    tab.undo_stack.undo()
    qtbot.waitUntil(lambda: len(warnings) == 1)
    assert "changed by someone else" in warnings[0]
    assert "taken off the undo list" in warnings[0]
    assert tab.undo_stack.count() == 0
    qtbot.waitUntil(lambda: current_value(tab) == "2,000")  # reloaded: their figure shows


def test_a_hostile_name_survives_the_form_and_shows_verbatim(
    tab: IndicatorsTab, workspace: Workspace
) -> None:
    select(tab, "CLA-01")
    detail = tab.shown_detail
    assert detail is not None
    form = tab.make_form(detail)
    form.name_edit.setText(HOSTILE)
    form.validate_now()
    assert form.ok_button.isEnabled()
    tab.save_form(form, detail)
    form.deleteLater()
    assert tab.undo_stack.undoText() == "Edit name of CLA-01"
    assert get_indicator_detail(workspace=workspace, indicator_id=detail.id).name == HOSTILE
    name_cell = tab.model.index(tab.model.row_of_id(detail.id) or 0, tab.model.column_of("name"))
    assert name_cell.data() == HOSTILE
    assert HOSTILE in tab.detail.toPlainText()
    tab.undo_stack.undo()
    assert name_cell.data() == "Children Looked After"
    tab.undo_stack.redo()
    assert HOSTILE in tab.detail.toPlainText()


def test_a_new_indicator_with_a_target_is_one_undo_step(
    tab: IndicatorsTab, workspace: Workspace
) -> None:
    total = tab.model.rowCount()
    form = tab.make_form(None)
    form.ref_edit.setText("NEW-01")
    form.name_edit.setText("Something new")
    form.theme_combo.setEditText("Start Well")
    row = form.add_target_year(2017)
    set_cell(form, row, 1, "50")
    form.validate_now()
    assert form.ok_button.isEnabled()
    tab.save_form(form, None)
    form.deleteLater()
    assert tab.model.rowCount() == total + 1
    assert tab.undo_stack.count() == 1
    current = tab.current_row()
    assert current is not None
    assert current.ref == "NEW-01"  # the new indicator is shown
    detail = tab.shown_detail
    assert detail is not None
    assert [(t.year, t.target) for t in detail.targets] == [(2017, 50.0)]
    tab.undo_stack.undo()
    assert tab.model.rowCount() == total
    assert "NEW-01" not in [r.ref for r in tab.model.rows()]
    tab.undo_stack.redo()
    assert "NEW-01" in [r.ref for r in tab.model.rows()]


def test_retire_is_undoable_and_restore_finds_it(tab: IndicatorsTab) -> None:
    select(tab, "CLA-01")
    total = tab.model.rowCount()
    tab.retire_action.trigger()
    assert tab.model.rowCount() == total - 1
    assert "CLA-01" not in [r.ref for r in tab.model.rows()]
    assert "Undo (Ctrl+Z) puts it back" in tab.pane.message_label.text()
    assert [d.ref for d in tab.retired_indicators()] == ["CLA-01"]

    tab.undo_stack.undo()
    assert tab.model.rowCount() == total
    current = tab.current_row()
    assert current is not None
    assert current.ref == "CLA-01"
    tab.undo_stack.redo()
    assert "CLA-01" not in [r.ref for r in tab.model.rows()]

    tab.restore_menu.aboutToShow.emit()
    [entry] = [a for a in tab.restore_menu.actions() if a.isEnabled()]
    assert entry.text().startswith("CLA-01")
    entry.trigger()
    assert "CLA-01" in [r.ref for r in tab.model.rows()]
    assert tab.undo_stack.undoText() == "Restore CLA-01"


def test_commentary_commits_on_focus_out_as_one_merged_undo_step(
    qtbot: QtBot, tab: IndicatorsTab, workspace: Workspace
) -> None:
    select(tab, "CLA-01")
    pane = tab.pane
    original = pane.commentary_edit.toPlainText()
    pane.commentary_edit.setPlainText(original + " More.")
    pane.commit_commentary()
    pane.commentary_edit.setPlainText(HOSTILE)
    pane.commentary_edit.focus_lost.emit()
    assert tab.undo_stack.count() == 1
    detail = tab.shown_detail
    assert detail is not None
    stored = next(v for v in detail.values if v.period == Q1)
    assert stored.commentary == HOSTILE
    assert pane.commentary_edit.toPlainText() == HOSTILE
    assert value_index(tab, Q1, "commentary").data() == HOSTILE
    tab.undo_stack.undo()
    assert pane.commentary_edit.toPlainText() == original


def test_commentary_commits_after_a_pause_in_typing(qtbot: QtBot, tab: IndicatorsTab) -> None:
    select(tab, "CLA-01")
    pane = tab.pane
    pane.commentary_edit.setPlainText("Typed")
    pane._pause.start()  # what typing with the focus does
    qtbot.waitUntil(lambda: tab.undo_stack.count() == 1, timeout=5000)


def test_the_values_grid_keeps_its_own_keys(tab: IndicatorsTab) -> None:
    view = tab.pane.values_view
    for key, modifiers in (
        (Qt.Key.Key_F2, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier),
    ):
        event = QKeyEvent(QEvent.Type.ShortcutOverride, key, modifiers)
        event.ignore()
        view.event(event)
        assert event.isAccepted(), key


def test_paste_from_the_clipboard_into_the_grid(tab: IndicatorsTab) -> None:
    select(tab, "CLA-01")
    view = tab.pane.values_view
    view.setCurrentIndex(value_index(tab, Q1, "england"))
    QApplication.clipboard().setText("1,000\t1,100\t1,200\n")
    QApplication.sendEvent(
        view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    )
    assert value_index(tab, Q1, "statistical_neighbours").data() == "1,200"
    assert tab.undo_stack.count() == 1
    assert tab.pane.message_label.text() == "Pasted 1 row."


def test_the_window_has_an_indicator_menu_wired_to_its_undo_stack(
    qtbot: QtBot, demo_path: Path
) -> None:
    window = MainWindow(open_workspace(demo_path), remember_layout=False)
    qtbot.addWidget(window)
    tab = window.tab("indicators")
    assert isinstance(tab, IndicatorsTab)
    assert tab.undo_stack is window.undo_stack
    menu = window.indicator_menu
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "New Indicator…",
        "Edit Indicator…",
        "Retire Indicator",
        "Restore Retired Indicator",
    ]
    assert tab.new_action.shortcut() == QKeySequence("Ctrl+Shift+N")
    assert tab.edit_action.shortcut() == QKeySequence("F2")
    assert tab.retire_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)
    assert menu.menuAction().isEnabled()
    window.set_current_tab("minutes")
    assert not menu.menuAction().isEnabled()
    window.set_current_tab("indicators")

    select(tab, "CLA-01")
    tab.retire_action.trigger()
    assert window.undo_action.isEnabled()
    assert window.undo_action.text().replace("&", "") == "Undo Retire CLA-01"
    window.undo_action.trigger()
    assert "CLA-01" in [r.ref for r in tab.model.rows()]


# ---------------------------------------------------------------- the scorecard table


def test_the_scorecard_model_and_proxy_pass_the_model_tester(
    qtmodeltester: ModelChecker, tab: IndicatorsTab
) -> None:
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.proxy)
    tab.filter_edit.setText("care")
    tab.view.sortByColumn(tab.model.column_of("rag"), Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(tab.proxy)


# The offscreen platform cannot raise the tooltip's window, and says so.
@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")
def test_hovering_a_rag_cell_shows_its_reason(qtbot: QtBot, tab: IndicatorsTab) -> None:
    tab.show()
    qtbot.waitExposed(tab)
    select(tab, "CLA-01")
    index = tab.view.currentIndex().siblingAtColumn(tab.model.column_of("rag"))
    position = tab.view.visualRect(index).center()
    viewport = tab.view.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, position, viewport.mapToGlobal(position))
    QApplication.sendEvent(viewport, event)
    assert "1,875 is 175 above the 1,700 target" in QToolTip.text()
    QToolTip.hideText()


def test_the_scorecard_is_edited_through_the_form_never_in_a_cell(tab: IndicatorsTab) -> None:
    assert tab.view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    flags = tab.proxy.index(0, tab.model.column_of("name")).flags()
    assert flags & Qt.ItemFlag.ItemIsSelectable
    assert not flags & Qt.ItemFlag.ItemIsEditable


def test_the_selection_survives_sorting_and_filtering(tab: IndicatorsTab) -> None:
    select(tab, "CLV-01")
    tab.view.sortByColumn(tab.model.column_of("value"), Qt.SortOrder.DescendingOrder)
    assert (current := tab.current_row()) is not None
    assert current.ref == "CLV-01"
    tab.filter_edit.setText("care")
    assert (current := tab.current_row()) is not None
    assert current.ref == "CLV-01"
    tab.view.viewport().grab()
    assert tab.view.currentIndex().data() in {"CLV-01", current.name, current.theme}


def test_sample_figures_show_in_italics_and_numbers_on_the_right(tab: IndicatorsTab) -> None:
    value = tab.model.column_of("value")
    sample = next(n for n, row in enumerate(tab.model.rows()) if row.is_sample)
    real = next(n for n, row in enumerate(tab.model.rows()) if not row.is_sample)
    tab.view.viewport().grab()  # painting writes out the rows it shows
    delegate = tab.view.itemDelegateForColumn(value) or tab.view.itemDelegate()
    for number, italic in ((sample, True), (real, False)):
        option = QStyleOptionViewItem()
        index = tab.proxy.mapFromSource(tab.model.index(number, value))
        assert isinstance(delegate, QStyledItemDelegate)
        delegate.initStyleOption(option, index)  # what the view paints from
        assert option.font.italic() is italic
        assert option.displayAlignment & Qt.AlignmentFlag.AlignRight
        assert option.text == tab.model.row_at(number).value_text


def test_the_scorecard_is_written_out_as_painted_then_in_the_background(
    qtbot: QtBot, tab: IndicatorsTab
) -> None:
    template = tab.model.row_at(0)
    count = 300
    rows = [
        replace(template, id=IndicatorId(10_000 + n), ref=f"L-{n:05d}", name=f"Long {n}")
        for n in range(count)
    ]
    ref = tab.model.column_of("ref")
    tab.model.set_rows(rows)
    assert not tab.model.is_filled(0)  # opening makes no items
    tab.view.sortByColumn(ref, Qt.SortOrder.DescendingOrder)
    tab.view.viewport().grab()
    assert tab.model.is_filled(count - 1)  # the top row now, painted
    assert tab.proxy.index(0, ref).data() == f"L-{count - 1:05d}"
    assert not tab.model.all_filled
    qtbot.waitUntil(lambda: tab.model.all_filled)  # a hundred rows a pass
    assert [tab.model.index(n, ref).data() for n in range(count)] == [r.ref for r in rows]
