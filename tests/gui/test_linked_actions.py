"""Linked actions on the Indicators, Minutes and Resolutions tabs: shown, judged, and jumped to.

On the demo database, where the 12-week plan's actions evidence CLA-01; the
fixture makes one of them carry out the resolution of the seed item (with a
hostile description) and overrides another's RAG, so that the panel must
judge as the tracker does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.domain.ids import ActionId, AgendaItemId
from qpmr_desktop.services.action_editing import (
    record_action_update,
    set_rag_override,
    update_action,
)
from qpmr_desktop.services.actions import (
    get_action_detail,
    list_action_rows,
    list_actions_for_indicator,
    list_actions_for_resolution,
)
from qpmr_desktop.services.indicators import list_indicator_rows
from qpmr_desktop.services.minutes_search import list_resolutions
from qpmr_desktop.services.settings import effective_today
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.action_model import ActionFilters
from qpmr_desktop.ui.actions_tab import ActionsTab
from qpmr_desktop.ui.indicators_tab import IndicatorsTab
from qpmr_desktop.ui.linked_actions import (
    INDICATOR_EMPTY_TEXT,
    LinkedActionRow,
    LinkedActionsModel,
    LinkedActionsPanel,
    read_actions_for_indicator,
    read_actions_for_resolutions,
)
from qpmr_desktop.ui.main_window import MainWindow
from qpmr_desktop.ui.minutes_tab import MinutesTab
from qpmr_desktop.ui.resolutions_tab import ResolutionsTab
from qpmr_desktop.ui.roles import ItemRole
from tests.gui.conftest import ModelChecker, shows_window

HOSTILE = "Review <b>thresholds</b> & \"quotes\" — 'Ωμέγα' 😀 </table>"


@dataclass(frozen=True)
class Links:
    path: Path
    indicator_id: int
    indicator_actions: tuple[int, ...]  # CLA-01's, in tracker order
    overridden: int  # an action of CLA-01 with an officer's RAG override
    item_id: AgendaItemId  # the seed item, whose resolution ``carried`` carries out
    resolution_id: int
    carried: int
    unlinked_indicator_id: int  # an indicator no action names


def _version(workspace: Workspace, action_id: int) -> int:
    today = effective_today(workspace=workspace)
    return get_action_detail(workspace=workspace, action_id=action_id, today=today).version


@pytest.fixture
def links(demo_path: Path) -> Links:
    workspace = open_workspace(demo_path)
    try:
        indicators = {row.ref: row.id for row in list_indicator_rows(workspace=workspace)}
        linked = list_actions_for_indicator(workspace=workspace, indicator_id=indicators["CLA-01"])
        assert len(linked) >= 2, "the demo links several actions to CLA-01"
        carried, overridden = linked[0].id, linked[1].id
        resolution = next(
            row
            for row in list_resolutions(workspace=workspace)
            if row.item_title.startswith("Quarterly Corporate Performance")
        )
        # The demo links sample actions to this resolution: here one action
        # alone carries it out, so each test knows exactly what to expect.
        for other in list_actions_for_resolution(workspace=workspace, resolution_id=resolution.id):
            update_action(
                workspace=workspace,
                action_id=other.id,
                expected_version=_version(workspace, other.id),
                changes={"resolution_id": None},
            )
        update_action(
            workspace=workspace,
            action_id=carried,
            expected_version=_version(workspace, carried),
            changes={"resolution_id": resolution.id, "description": HOSTILE},
        )
        set_rag_override(
            workspace=workspace,
            action_id=overridden,
            expected_version=_version(workspace, overridden),
            rag=ActionRag.RED,
            reason="Recruitment has stalled",
        )
        with_actions = {
            ident
            for ident in indicators.values()
            if list_actions_for_indicator(workspace=workspace, indicator_id=ident)
        }
        unlinked = next(ident for ident in indicators.values() if ident not in with_actions)
        return Links(
            path=demo_path,
            indicator_id=indicators["CLA-01"],
            indicator_actions=tuple(link.id for link in linked),
            overridden=overridden,
            item_id=resolution.item_id,
            resolution_id=resolution.id,
            carried=carried,
            unlinked_indicator_id=unlinked,
        )
    finally:
        workspace.close()


@pytest.fixture
def window(qtbot: QtBot, links: Links) -> MainWindow:
    window = MainWindow(open_workspace(links.path), remember_layout=False)
    qtbot.addWidget(window)  # closed, and so its workspace closed, after the test
    window.resize(1000, 640)
    return window


def _actions_tab(window: MainWindow) -> ActionsTab:
    tab = window.tab("actions")
    assert isinstance(tab, ActionsTab)
    return tab


def _indicator_panel(window: MainWindow, indicator_id: int) -> LinkedActionsPanel:
    tab = window.tab("indicators")
    assert isinstance(tab, IndicatorsTab)
    window.set_current_tab("indicators")
    assert tab.select_id(indicator_id)
    return tab.pane.linked_actions


def _assert_jumped_to(window: MainWindow, action_id: int) -> None:
    actions = _actions_tab(window)
    assert window.current_tab() is actions
    row = actions.current_row()
    assert row is not None
    assert row.id == action_id


# ------------------------------------------------------------------ reading


def test_links_are_judged_as_the_tracker_judges_them(links: Links) -> None:
    workspace = open_workspace(links.path)
    try:
        today = effective_today(workspace=workspace)
        rows = read_actions_for_indicator(workspace, links.indicator_id)
        tracker = {row.id: row for row in list_action_rows(workspace=workspace, today=today)}
    finally:
        workspace.close()

    assert [row.id for row in rows] == list(links.indicator_actions)
    for row in rows:
        assert (row.rag, row.overdue, row.status) == (
            tracker[row.id].rag,
            tracker[row.id].overdue,
            tracker[row.id].status,
        )
    overridden = next(row for row in rows if row.id == links.overridden)
    assert overridden.rag is ActionRag.RED
    assert overridden.overridden
    assert overridden.chip_text.endswith(" *")
    assert "Recruitment has stalled" in overridden.rag_reason


def test_several_resolutions_each_name_their_own(links: Links) -> None:
    workspace = open_workspace(links.path)
    try:
        alone = read_actions_for_resolutions(workspace, [(links.resolution_id, "Resolved")])
        both = read_actions_for_resolutions(
            workspace, [(links.resolution_id, "Resolved (i)"), (999_999, "Resolved (ii)")]
        )
    finally:
        workspace.close()

    assert [(row.id, row.resolution) for row in alone] == [(links.carried, "")]
    assert [(row.id, row.resolution) for row in both] == [(links.carried, "Resolved (i)")]
    assert "Resolved (i)" in both[0].facts


# ------------------------------------------------------------------ the model and the panel


def _row(ident: int = 1, **changes: object) -> LinkedActionRow:
    values: dict[str, object] = {
        "id": ActionId(ident),
        "plan": "12-Week Improvement Plan",
        "ref": f"1.{ident}",
        "description": HOSTILE,
        "lead": "Anita Sutcliffe",
        "due_date": None,
        "status": ActionStatus.ON_TRACK,
        "progress": 40,
        "rag": ActionRag.GREEN,
        "overdue": False,
        "overridden": False,
        "rag_reason": "Green: on track",
    }
    values.update(changes)
    return LinkedActionRow(**values)  # type: ignore[arg-type]


def test_the_model_passes_the_model_tester(qtmodeltester: ModelChecker) -> None:
    model = LinkedActionsModel()
    qtmodeltester.check(model)
    model.set_rows([_row(1), _row(2, status=ActionStatus.COMPLETE, rag=ActionRag.BLUE)])
    qtmodeltester.check(model)

    index = model.index(0, 0)
    assert HOSTILE in model.data(index, Qt.ItemDataRole.DisplayRole)
    assert "● On track" in model.data(index, Qt.ItemDataRole.DisplayRole)
    assert model.data(index, ItemRole.ID) == 1
    assert model.data(model.index(1, 0), Qt.ItemDataRole.DisplayRole).count("■ Complete") == 1
    model.set_rows([])
    qtmodeltester.check(model)


def test_an_overdue_action_says_so_in_shape_and_word() -> None:
    import datetime as dt

    row = _row(due_date=dt.date(2017, 9, 30), rag=ActionRag.RED, overdue=True)
    assert row.chip_text == "▲ Overdue"
    assert row.facts.startswith("On track · 40% · Anita Sutcliffe · was due 30 Sep 2017")


def test_the_panel_reads_only_when_shown_and_draws_hostile_text(qtbot: QtBot) -> None:
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    page = QWidget()
    panel = LinkedActionsPanel(parent=page)
    QVBoxLayout(page).addWidget(panel)
    tabs.addTab(QWidget(), "first")
    tabs.addTab(page, "second")
    calls: list[int] = []

    def fetch() -> Sequence[LinkedActionRow]:
        calls.append(1)
        return [_row(1), _row(2)]

    panel.show_links(7, fetch)
    assert calls == []  # its tab is not the current one
    tabs.setCurrentIndex(1)
    tabs.show()
    qtbot.waitExposed(tabs)
    assert calls
    assert panel.action_ids() == [1, 2]
    assert panel.title_label.text() == "Linked actions (2)"
    read = len(calls)
    panel.show_links(7, fetch)
    assert len(calls) == read  # the same key again reads nothing
    assert not panel.view.grab().isNull()  # the delegate draws hostile text

    with qtbot.waitSignal(panel.action_activated) as opened:
        panel.open_button.click()  # nothing selected: the first
    assert opened.args == [1]


def test_a_failed_read_is_explained_in_plain_text(qtbot: QtBot) -> None:
    panel = LinkedActionsPanel()
    qtbot.addWidget(panel)

    def fetch() -> Sequence[LinkedActionRow]:
        raise RuntimeError("file <b>locked</b>")

    panel.show_links(1, fetch)
    panel.refresh()
    assert panel.stack.currentWidget() is panel.empty_label
    assert panel.empty_label.text() == "The linked actions could not be read: file <b>locked</b>"
    assert panel.empty_label.textFormat() is Qt.TextFormat.PlainText
    assert not panel.open_button.isEnabled()


# ------------------------------------------------------------------ the tabs


def test_the_indicators_tab_lists_an_indicators_actions(window: MainWindow, links: Links) -> None:
    panel = _indicator_panel(window, links.indicator_id)

    assert panel.action_ids() == list(links.indicator_actions)
    assert panel.stack.currentWidget() is panel.view
    texts = [
        panel.model.data(panel.model.index(row, 0), Qt.ItemDataRole.DisplayRole)
        for row in range(panel.model.rowCount())
    ]
    assert any(HOSTILE in text for text in texts)
    assert any("▲ Off track *" in text for text in texts)  # the override, marked


def test_an_indicator_without_actions_says_so(window: MainWindow, links: Links) -> None:
    panel = _indicator_panel(window, links.unlinked_indicator_id)

    assert panel.action_ids() == []
    assert panel.stack.currentWidget() is panel.empty_label
    assert panel.empty_label.text() == INDICATOR_EMPTY_TEXT
    assert not panel.open_button.isEnabled()


@shows_window
def test_enter_on_an_indicators_action_opens_it_in_actions(
    qtbot: QtBot, window: MainWindow, links: Links
) -> None:
    window.show()
    qtbot.waitExposed(window)
    panel = _indicator_panel(window, links.indicator_id)
    # A filter that hides the action must not stop the jump.
    _actions_tab(window).ensure_loaded()
    _actions_tab(window).set_filters(ActionFilters(statuses=frozenset({ActionStatus.COMPLETE})))
    target = links.indicator_actions[-1]
    assert panel.select_action(target)
    panel.view.setFocus()

    QTest.keyClick(panel.view, Qt.Key.Key_Return)

    _assert_jumped_to(window, target)


def test_the_minutes_tab_lists_the_actions_of_an_items_resolutions(
    window: MainWindow, links: Links
) -> None:
    minutes = window.tab("minutes")
    assert isinstance(minutes, MinutesTab)
    window.set_current_tab("minutes")
    assert minutes.select_item(links.item_id)

    assert minutes.linked_actions.action_ids() == [links.carried]
    shown = minutes.linked_actions.model.data(
        minutes.linked_actions.model.index(0, 0), Qt.ItemDataRole.DisplayRole
    )
    assert HOSTILE in shown

    first = minutes.model.index(0, 0)  # the meeting itself: no item, no actions
    minutes.tree.setCurrentIndex(minutes.proxy.mapFromSource(first))
    assert minutes.linked_actions.action_ids() == []
    assert "Select an agenda item" in minutes.linked_actions.empty_label.text()


@shows_window
def test_double_clicking_an_items_action_opens_it_in_actions(
    qtbot: QtBot, window: MainWindow, links: Links
) -> None:
    window.show()
    qtbot.waitExposed(window)
    minutes = window.tab("minutes")
    assert isinstance(minutes, MinutesTab)
    window.set_current_tab("minutes")
    assert minutes.select_item(links.item_id)
    view = minutes.linked_actions.view
    centre = view.visualRect(minutes.linked_actions.model.index(0, 0)).center()

    # Qt 6's mouseDClick sends only the second press: the first click comes first, as by hand.
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)

    _assert_jumped_to(window, links.carried)


@shows_window
def test_coming_back_reads_the_links_again(qtbot: QtBot, window: MainWindow, links: Links) -> None:
    window.show()
    qtbot.waitExposed(window)
    minutes = window.tab("minutes")
    assert isinstance(minutes, MinutesTab)
    window.set_current_tab("minutes")
    assert minutes.select_item(links.item_id)
    assert minutes.linked_actions.model.row_at(0).status is not ActionStatus.COMPLETE

    window.set_current_tab("actions")
    record_action_update(
        workspace=window.workspace,
        action_id=links.carried,
        expected_version=_version(window.workspace, links.carried),
        status=ActionStatus.COMPLETE,
        progress=100,
        note="Done",
    )
    window.set_current_tab("minutes")

    row = minutes.linked_actions.model.row_at(0)
    assert (row.status, row.chip_text) == (ActionStatus.COMPLETE, "■ Complete")


def test_the_resolutions_tab_lists_and_opens_a_resolutions_actions(
    qtbot: QtBot, window: MainWindow, links: Links
) -> None:
    resolutions = window.tab("resolutions")
    assert isinstance(resolutions, ResolutionsTab)
    window.set_current_tab("resolutions")
    assert resolutions.select_id(links.resolution_id)
    panel = resolutions.linked_actions
    assert panel.action_ids() == [links.carried]

    with qtbot.waitSignal(resolutions.action_activated):
        panel.open_button.click()

    _assert_jumped_to(window, links.carried)


def test_the_minutes_tab_lists_them_while_editing_too(window: MainWindow, links: Links) -> None:
    minutes = window.tab("minutes")
    assert isinstance(minutes, MinutesTab)
    window.set_current_tab("minutes")
    minutes.set_editing(True)

    assert minutes.select_item(links.item_id)

    assert minutes.item_editor.item_id == links.item_id
    assert minutes.linked_actions.action_ids() == [links.carried]
