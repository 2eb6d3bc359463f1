"""IndicatorTableModel and IndicatorFilterProxy: cells, roles, filtering and sorting."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.ids import IndicatorId
from qpmr_desktop.domain.performance import Direction, Rag
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.ui.chips import RAG_COLOURS
from qpmr_desktop.ui.indicator_model import (
    SAMPLE_TOOLTIP,
    IndicatorFilterProxy,
    IndicatorFilters,
    IndicatorTableModel,
    PaintedRowsFiller,
    indicator_haystack,
    needs_commentary,
)
from qpmr_desktop.ui.roles import ItemRole
from tests.gui.conftest import ModelChecker, make_indicator

Display = Qt.ItemDataRole.DisplayRole
ToolTip = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def model(indicator_rows: list[IndicatorRow]) -> IndicatorTableModel:
    model = IndicatorTableModel()
    model.set_rows(indicator_rows)
    return model


@pytest.fixture
def proxy(model: IndicatorTableModel) -> IndicatorFilterProxy:
    return IndicatorFilterProxy(model)


def cell(model: IndicatorTableModel, row: int, key: str, role: int = Display) -> object:
    return model.data(model.index(row, model.column_of(key)), role)


def refs(proxy: IndicatorFilterProxy) -> list[str]:
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def test_the_model_and_proxy_pass_the_model_tester(
    qtmodeltester: ModelChecker, model: IndicatorTableModel, proxy: IndicatorFilterProxy
) -> None:
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    proxy.set_filter_text("care")
    qtmodeltester.check(proxy)
    proxy.sort(model.column_of("value"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)


def test_an_empty_model_passes_the_model_tester(qtmodeltester: ModelChecker) -> None:
    model = IndicatorTableModel()
    qtmodeltester.check(model)
    assert model.rowCount() == 0
    assert model.columnCount() == 9


def test_headers_name_every_column(model: IndicatorTableModel) -> None:
    headers = [
        model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())
    ]
    assert headers == [
        "Ref",
        "Indicator",
        "Theme",
        "Latest period",
        "Value",
        "Target",
        "RAG",
        "Direction",
        "Data",
    ]
    assert model.headerData(99, Qt.Orientation.Horizontal) is None
    assert "▲ Red" in model.headerData(model.column_of("rag"), Qt.Orientation.Horizontal, ToolTip)


def test_cells_show_the_read_model_formatted(model: IndicatorTableModel) -> None:
    assert cell(model, 0, "ref") == "CLA-01"
    assert cell(model, 0, "name") == "Children Looked After"
    assert cell(model, 0, "theme") == "Start Well"
    assert cell(model, 0, "period") == "Q1 2017/18"
    assert cell(model, 0, "value") == "1,875"
    assert cell(model, 0, "target") == "1,700"
    assert cell(model, 0, "direction") == "Worsening"
    assert cell(model, 0, "direction", ToolTip) == (
        "Worsening (vs Q4 2016/17); worsening (vs Q1 2016/17)"
    )
    assert cell(model, 0, "sample") == ""
    assert cell(model, 2, "period") == "—"  # no figures yet


def test_the_rag_cell_has_shape_word_colour_and_reason(model: IndicatorTableModel) -> None:
    assert cell(model, 0, "rag") == "▲ Red"
    assert cell(model, 0, "rag", ToolTip) == "Red: 1,875 is 175 above the 1,700 target"
    colour = cell(model, 0, "rag", Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor)
    assert colour == QColor(RAG_COLOURS[model.row_at(0).rag])
    assert cell(model, 1, "rag") == "◆ Amber"
    assert cell(model, 2, "rag") == "○ No data"
    assert cell(model, 3, "rag") == "● Green"


def test_sample_figures_are_marked_in_words_and_italics(model: IndicatorTableModel) -> None:
    assert cell(model, 1, "sample") == "sample"
    assert cell(model, 1, "sample", ToolTip) == SAMPLE_TOOLTIP
    assert SAMPLE_TOOLTIP in str(cell(model, 1, "value", ToolTip))
    font = cell(model, 1, "value", Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.italic()
    assert cell(model, 0, "value", Qt.ItemDataRole.FontRole) is None


def test_numbers_are_right_aligned(model: IndicatorTableModel) -> None:
    right = cell(model, 0, "value", Qt.ItemDataRole.TextAlignmentRole)
    assert isinstance(right, Qt.AlignmentFlag)
    assert right & Qt.AlignmentFlag.AlignRight
    left = cell(model, 0, "name", Qt.ItemDataRole.TextAlignmentRole)
    assert isinstance(left, Qt.AlignmentFlag)
    assert left & Qt.AlignmentFlag.AlignLeft


def test_rows_give_their_id_read_model_and_raw_sort_values(model: IndicatorTableModel) -> None:
    assert model.id_of(model.row_at(0)) == 1
    assert model.row_at(1).ref == "EET-01"
    value = model.column_of("value")
    assert model.sort_value(model.row_at(0), value) == (False, 1875.0)
    assert model.sort_value(model.row_at(2), value) == (True, 0.0)  # no figure: last


def test_unknown_roles_and_invalid_indexes_give_none(model: IndicatorTableModel) -> None:
    assert cell(model, 0, "ref", Qt.ItemDataRole.UserRole + 999) is None
    assert cell(model, 0, "ref", Qt.ItemDataRole.DecorationRole) is None
    assert cell(model, 0, "ref", ItemRole.CHIP) is None  # no chip colour in this column
    assert model.data(QModelIndex()) is None


def test_cells_are_selectable_but_not_editable(model: IndicatorTableModel) -> None:
    flags = model.flags(model.index(0, 0))
    assert flags & Qt.ItemFlag.ItemIsSelectable
    assert not flags & Qt.ItemFlag.ItemIsEditable


def test_rows_are_found_by_id(model: IndicatorTableModel) -> None:
    assert model.row_of_id(4) == 3
    assert model.row_of_id(99) is None


def test_set_rows_resets_the_model(qtbot: QtBot, model: IndicatorTableModel) -> None:
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_rows([])
    assert model.rowCount() == 0


def test_the_filter_narrows_by_ref_name_or_theme_and_clears(
    qtbot: QtBot, proxy: IndicatorFilterProxy
) -> None:
    proxy.set_filter_text("cla")
    assert refs(proxy) == ["CLA-01", "CLA-10", "CLA-2"]
    proxy.set_filter_text("CARE LEAVERS")
    assert refs(proxy) == ["EET-01", "CLA-2"]
    proxy.set_filter_text("live well")
    assert refs(proxy) == ["NHC-01"]
    proxy.set_filter_text("nothing like this")
    assert refs(proxy) == []
    proxy.set_filter_text("")
    assert len(refs(proxy)) == 5


def test_the_filter_does_not_search_other_columns(proxy: IndicatorFilterProxy) -> None:
    proxy.set_filter_text("1,875")  # a value, not a ref, name or theme
    assert refs(proxy) == []


def test_setting_the_same_filter_again_changes_nothing(
    qtbot: QtBot, proxy: IndicatorFilterProxy
) -> None:
    proxy.set_filter_text("cla")
    with (
        qtbot.assertNotEmitted(proxy.layoutChanged),
        qtbot.assertNotEmitted(proxy.rowsRemoved),
    ):
        proxy.set_filter_text("  CLA ")


def test_refs_sort_naturally(model: IndicatorTableModel, proxy: IndicatorFilterProxy) -> None:
    proxy.sort(model.column_of("ref"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["CLA-01", "CLA-2", "CLA-10", "EET-01", "NHC-01"]


def test_periods_sort_in_time_and_missing_values_last(
    model: IndicatorTableModel, proxy: IndicatorFilterProxy
) -> None:
    proxy.sort(model.column_of("period"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["CLA-2", "CLA-10", "CLA-01", "EET-01", "NHC-01"]
    proxy.sort(model.column_of("value"), Qt.SortOrder.AscendingOrder)
    assert refs(proxy) == ["EET-01", "CLA-2", "CLA-10", "CLA-01", "NHC-01"]


def test_rag_sorts_worst_first(model: IndicatorTableModel, proxy: IndicatorFilterProxy) -> None:
    proxy.sort(model.column_of("rag"), Qt.SortOrder.AscendingOrder)
    assert [proxy.index(row, model.column_of("rag")).data() for row in range(5)] == [
        "▲ Red",
        "◆ Amber",
        "◆ Amber",
        "● Green",
        "○ No data",
    ]


def test_the_source_model_keeps_its_order(
    model: IndicatorTableModel, proxy: IndicatorFilterProxy
) -> None:
    proxy.sort(model.column_of("ref"), Qt.SortOrder.DescendingOrder)
    assert [model.row_at(row).ref for row in range(5)] == [
        "CLA-01",
        "EET-01",
        "NHC-01",
        "CLA-10",
        "CLA-2",
    ]


def test_refresh_rows_signals_only_what_changed(
    qtbot: QtBot,
    qtmodeltester: ModelChecker,
    model: IndicatorTableModel,
    indicator_rows: list[IndicatorRow],
) -> None:
    changed = [replace(indicator_rows[0], value_text="1,900"), *indicator_rows[1:]]
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.dataChanged) as blocker,
    ):
        model.refresh_rows(changed)
    assert blocker.args[0].row() == 0
    assert cell(model, 0, "value") == "1,900"
    qtmodeltester.check(model)


def test_refresh_rows_inserts_and_removes_without_a_reset(
    qtbot: QtBot, model: IndicatorTableModel, indicator_rows: list[IndicatorRow]
) -> None:
    retired = indicator_rows[1:]
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsRemoved):
        model.refresh_rows(retired)
    assert model.row_of_id(1) is None
    assert model.row_of_id(2) == 0
    with qtbot.assertNotEmitted(model.modelReset), qtbot.waitSignal(model.rowsInserted):
        model.refresh_rows(indicator_rows)
    assert [model.row_at(n).id for n in range(5)] == [row.id for row in indicator_rows]


def test_refresh_rows_resets_when_rows_change_places(
    qtbot: QtBot, model: IndicatorTableModel, indicator_rows: list[IndicatorRow]
) -> None:
    with qtbot.waitSignal(model.modelReset):
        model.refresh_rows(list(reversed(indicator_rows)))
    assert model.row_at(0).id == indicator_rows[-1].id


# ---------------------------------------------------------------- painting and filtering, fast


def test_painting_asks_no_python() -> None:
    # A Python data(), multiData() or flags() is asked for every role of every
    # painted cell, through the proxy: the cost the items model is there to remove.
    for name in ("data", "multiData", "flags", "index", "rowCount", "headerData"):
        assert getattr(IndicatorTableModel, name) is getattr(QStandardItemModel, name), name
    for name in ("data", "multiData", "flags", "index", "mapToSource", "mapFromSource"):
        assert getattr(IndicatorFilterProxy, name) is getattr(QSortFilterProxyModel, name), name


def _through_multi_data(index: QModelIndex, role: int, model: QAbstractItemModel) -> object:
    item = QModelRoleData(role)
    model.multiData(index, QModelRoleDataSpan(item))
    return item.data()


def test_a_proxy_cell_answers_as_its_source_cell(
    model: IndicatorTableModel, proxy: IndicatorFilterProxy
) -> None:
    proxy.sort(model.column_of("value"), Qt.SortOrder.DescendingOrder)  # rows in another order
    roles = (Display, ToolTip, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ForegroundRole)
    for row in range(proxy.rowCount()):
        for column in range(proxy.columnCount()):
            index = proxy.index(row, column)
            source = proxy.mapToSource(index)
            for role in roles:
                expected = source.data(role)
                assert index.data(role) == expected, (row, column, role)
                assert _through_multi_data(index, role, proxy) == expected, (row, column, role)


def test_rows_past_eager_rows_get_their_items_when_painted(
    qtbot: QtBot, qtmodeltester: ModelChecker, indicator_rows: list[IndicatorRow]
) -> None:
    model = IndicatorTableModel(eager_rows=2)
    rows = [
        replace(row, id=IndicatorId(n + 1), ref=f"R-{n:03d}")
        for n, row in enumerate(indicator_rows * 20)
    ]
    model.set_rows(rows)
    qtmodeltester.check(model)
    assert model.is_filled(1)
    assert not model.is_filled(2)
    assert not model.all_filled
    assert model.data(model.index(2, 0)) is None  # not written out yet
    proxy = IndicatorFilterProxy(model)
    proxy.sort(model.column_of("ref"), Qt.SortOrder.DescendingOrder)  # R-099 first
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    PaintedRowsFiller(view, model)
    view.resize(600, 200)
    view.grab()
    assert model.is_filled(99)
    assert proxy.index(0, 0).data() == "R-099"
    assert proxy.index(0, model.column_of("rag")).data(ToolTip) == rows[99].rag_reason
    assert not model.is_filled(50)  # far out of view
    model.fill_rows(range(100))
    assert all(model.is_filled(number) for number in range(100))
    assert [model.index(n, 0).data() for n in range(100)] == [row.ref for row in rows]
    qtmodeltester.check(proxy)


def test_a_changed_row_not_yet_painted_is_signalled_and_sorted(
    qtbot: QtBot, indicator_rows: list[IndicatorRow]
) -> None:
    model = IndicatorTableModel(eager_rows=0)
    model.set_rows(indicator_rows)
    proxy = IndicatorFilterProxy(model)
    proxy.sort(model.column_of("name"), Qt.SortOrder.AscendingOrder)
    changed = [*indicator_rows[:4], replace(indicator_rows[4], name="Aardvarks")]
    with qtbot.waitSignal(model.dataChanged):
        model.refresh_rows(changed)
    assert proxy.mapToSource(proxy.index(0, 0)).row() == 4  # sorted again, from the rows
    assert model.is_filled(4)  # a changed row is written out at once
    assert not model.is_filled(3)
    assert proxy.index(0, model.column_of("name")).data() == "Aardvarks"


def test_idle_fill_writes_out_every_row_a_chunk_at_a_time(
    qtbot: QtBot, qtmodeltester: ModelChecker, indicator_rows: list[IndicatorRow]
) -> None:
    model = IndicatorTableModel(eager_rows=0, idle_fill=True)
    rows = [
        replace(row, id=IndicatorId(n + 1), ref=f"R-{n:03d}")
        for n, row in enumerate(indicator_rows * 50)
    ]
    with qtbot.assertNotEmitted(model.dataChanged):  # the cells were the rows all along
        model.set_rows(rows)
        assert not model.is_filled(0)
        qtbot.waitUntil(lambda: model.all_filled)
    assert [model.index(n, 0).data() for n in range(len(rows))] == [row.ref for row in rows]
    qtmodeltester.check(model)


def test_a_delegate_paints_from_what_multi_data_gives(
    qapp: QApplication, model: IndicatorTableModel, proxy: IndicatorFilterProxy
) -> None:
    delegate = QStyledItemDelegate()
    for row in range(proxy.rowCount()):
        for key in ("value", "rag", "name"):
            option = QStyleOptionViewItem()
            index = proxy.index(row, model.column_of(key))
            delegate.initStyleOption(option, index)  # asks for all its roles in one span
            assert option.text == index.data()
            assert option.displayAlignment == index.data(Qt.ItemDataRole.TextAlignmentRole)
            italic = key == "value" and model.row_at(row).is_sample  # sample figures
            assert option.font.italic() is italic


def _accepted_one_row_at_a_time(rows: list[IndicatorRow], filters: IndicatorFilters) -> list[str]:
    """The filter as it was, judged row by row: the reference."""
    shown = []
    for row in rows:
        if filters.theme is not None and row.theme != filters.theme:
            continue
        if filters.rags and row.rag not in filters.rags:
            continue
        if filters.direction is not None and row.direction is not filters.direction:
            continue
        if filters.needs_commentary and not needs_commentary(row):
            continue
        text = indicator_haystack(row).casefold()
        if all(word in text for word in filters.words):
            shown.append(row.ref)
    return shown


_filters = st.builds(
    IndicatorFilters,
    text=st.lists(st.sampled_from(["care", "CLA", "well", "leavers", "x", "01", "Ê"])).map(
        " ".join
    ),
    theme=st.none() | st.sampled_from(["Start Well", "Live Well", "Age Well"]),
    rags=st.frozensets(st.sampled_from(list(Rag))),
    direction=st.none() | st.sampled_from(list(Direction)),
    needs_commentary=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_filters, min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_the_filter_worked_out_for_all_rows_at_once_is_the_same(
    qapp: QApplication, steps: list[IndicatorFilters], rng: random.Random
) -> None:
    rows = [
        make_indicator(
            number,
            ref=f"{rng.choice(['CLA', 'EET', 'NHC'])}-{number:02d}",
            name=rng.choice(["Care leavers", "Children Looked After", "Health checks"]),
            theme=rng.choice(["Start Well", "Live Well", "Age Well"]),
            rag=rng.choice(list(Rag)),
            direction=rng.choice(list(Direction)),
            has_commentary=rng.random() < 0.5,
        )
        for number in range(1, 30)
    ]
    model = IndicatorTableModel()
    model.set_rows(rows)
    proxy = IndicatorFilterProxy(model)
    for filters in steps:
        proxy.set_filters(filters)

        assert refs(proxy) == _accepted_one_row_at_a_time(rows, filters)


def test_the_filter_follows_rows_that_change(model: IndicatorTableModel) -> None:
    proxy = IndicatorFilterProxy(model)
    proxy.set_filter_text("hospital")
    assert refs(proxy) == []
    rows = list(model.rows())
    renamed = [replace(rows[0], name="Hospital admissions"), *rows[1:]]

    model.refresh_rows(renamed)  # one row's dataChanged: no reset
    assert refs(proxy) == [rows[0].ref]

    model.refresh_rows(rows[1:])  # removed
    assert refs(proxy) == []
    model.set_rows(renamed)  # reset
    assert refs(proxy) == [rows[0].ref]
