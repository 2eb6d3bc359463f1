"""ActionTableModel and ActionFilterProxy: dates, BRAG chips, overdue, natural refs."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from qpmr_desktop.domain.actions import ActionRag
from qpmr_desktop.services.read_models import ActionRow
from qpmr_desktop.ui.action_model import COLUMNS, ActionFilterProxy, ActionTableModel
from qpmr_desktop.ui.chips import ACTION_RAG_COLOURS
from qpmr_desktop.ui.roles import ItemRole
from tests.gui.conftest import ModelChecker

Display = Qt.ItemDataRole.DisplayRole
ToolTip = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def model(action_rows: list[ActionRow]) -> ActionTableModel:
    model = ActionTableModel()
    model.set_rows(action_rows)
    return model


@pytest.fixture
def proxy(model: ActionTableModel) -> ActionFilterProxy:
    return ActionFilterProxy(model)


def cell(model: ActionTableModel, row: int, key: str, role: int = Display) -> object:
    return model.data(model.index(row, model.column_of(key)), role)


REF = [column.key for column in COLUMNS].index("ref")


def refs(proxy: ActionFilterProxy) -> list[str]:
    return [proxy.index(row, REF).data() for row in range(proxy.rowCount())]


def test_the_model_and_proxy_pass_the_model_tester(
    qtmodeltester: ModelChecker, model: ActionTableModel, proxy: ActionFilterProxy
) -> None:
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    proxy.set_filter_text("mash")
    qtmodeltester.check(proxy)
    proxy.sort(model.column_of("due"))
    qtmodeltester.check(proxy)


def test_headers(model: ActionTableModel) -> None:
    headers = [
        model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())
    ]
    assert headers == [
        "Plan",
        "Priority area",
        "Ref",
        "Action",
        "Lead",
        "Due",
        "Status",
        "RAG",
        "%",
        "Latest update",
    ]


def test_cells_show_the_read_model_formatted(model: ActionTableModel) -> None:
    assert cell(model, 0, "plan") == "12-week improvement plan"
    assert cell(model, 0, "area") == "MASH / Early Help"
    assert cell(model, 0, "ref") == "1.1"
    assert cell(model, 0, "description") == "Review MASH thresholds with partner agencies"
    assert cell(model, 0, "lead") == "A. Smith"
    assert cell(model, 0, "due") == "30 Sep 2017"
    assert cell(model, 3, "due") == ""
    assert cell(model, 0, "status") == "On track"
    assert cell(model, 0, "progress") == "60%"
    assert cell(model, 0, "update") == "Thresholds agreed with the police; health next."


def test_the_latest_update_tooltip_gives_date_and_author(model: ActionTableModel) -> None:
    tooltip = str(cell(model, 0, "update", ToolTip))
    assert "12 Sep 2017" in tooltip
    assert "A. Smith" in tooltip
    assert tooltip.endswith("Thresholds agreed with the police; health next.")
    assert cell(model, 1, "update", ToolTip) is None  # no update yet


def test_rag_chips_carry_shape_word_and_colour(model: ActionTableModel) -> None:
    assert cell(model, 0, "rag") == "● On track"
    assert cell(model, 1, "rag") == "■ Complete"
    assert cell(model, 1, "rag", Qt.ItemDataRole.ForegroundRole) == QColor(
        ACTION_RAG_COLOURS[ActionRag.BLUE]
    )
    assert cell(model, 3, "rag") == "○ Not started"


def test_an_overdue_action_says_so(model: ActionTableModel) -> None:
    assert cell(model, 2, "rag") == "▲ Overdue"
    assert cell(model, 2, "rag", Qt.ItemDataRole.ForegroundRole) == QColor(
        ACTION_RAG_COLOURS[ActionRag.RED]
    )
    assert cell(model, 2, "rag", ToolTip) == "Overdue: due 31 Aug 2017 and not complete (At risk)"


def test_sample_actions_say_so_in_the_tooltip(model: ActionTableModel) -> None:
    assert "Sample data" in str(cell(model, 0, "description", ToolTip))


def test_unknown_roles_give_none(model: ActionTableModel) -> None:
    assert cell(model, 0, "due", Qt.ItemDataRole.UserRole + 999) is None
    assert cell(model, 0, "due", Qt.ItemDataRole.CheckStateRole) is None


def test_due_dates_sort_as_dates_with_no_date_last(
    model: ActionTableModel, proxy: ActionFilterProxy
) -> None:
    assert cell(model, 0, "due", ItemRole.SORT) == (False, dt.date(2017, 9, 30))
    proxy.sort(model.column_of("due"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["1.9", "1.1", "1.10", "2.3"]


def test_refs_sort_naturally(model: ActionTableModel, proxy: ActionFilterProxy) -> None:
    proxy.sort(model.column_of("ref"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["1.1", "1.9", "1.10", "2.3"]
    proxy.sort(model.column_of("ref"), Qt.SortOrder.DescendingOrder)
    assert refs(proxy) == ["2.3", "1.10", "1.9", "1.1"]


def test_rag_sorts_overdue_first(model: ActionTableModel, proxy: ActionFilterProxy) -> None:
    proxy.sort(model.column_of("rag"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["1.9", "2.3", "1.1", "1.10"]


def test_the_filter_narrows_by_words_in_any_column_of_text(proxy: ActionFilterProxy) -> None:
    proxy.set_filter_text("audit")
    assert refs(proxy) == ["1.9", "2.3"]
    proxy.set_filter_text("audit permanence")
    assert refs(proxy) == ["2.3"]
    proxy.set_filter_text("b. jones")
    assert refs(proxy) == ["1.9"]
    proxy.set_filter_text("complete")
    assert refs(proxy) == ["1.10"]
    proxy.set_filter_text("")
    assert refs(proxy) == ["1.1", "1.10", "1.9", "2.3"]
