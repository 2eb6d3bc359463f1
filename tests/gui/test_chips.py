"""Chips and badges are drawn in their colour, and never by colour alone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFocusEvent, QImage, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QTableView, QTreeView
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.actions import ActionRag
from qpmr_desktop.domain.performance import Rag
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.ui.chips import (
    RAG_COLOURS,
    STATUS_COLOURS,
    ChipDelegate,
    action_rag_text,
    rag_text,
    tint,
)
from qpmr_desktop.ui.indicator_model import IndicatorTableModel
from qpmr_desktop.ui.minutes_delegate import MinutesTreeDelegate
from qpmr_desktop.ui.minutes_model import MinutesTreeModel
from qpmr_desktop.ui.roles import ItemRole
from tests.gui.conftest import SEED_MEETING, FakeMinutesSource


def colours_in(image: QImage) -> set[int]:
    return {
        image.pixelColor(x, y).rgb() for x in range(image.width()) for y in range(image.height())
    }


def test_every_judgement_has_a_shape_and_a_word() -> None:
    assert [rag_text(rag) for rag in Rag] == [
        "● Green",
        "◆ Amber",
        "▲ Red",
        "○ Data only",
        "○ No data",
    ]
    assert action_rag_text(ActionRag.BLUE, overdue=True) == "■ Complete"
    assert action_rag_text(ActionRag.AMBER, overdue=True) == "▲ Overdue"
    assert action_rag_text(ActionRag.GREY, overdue=False) == "○ Not started"


def test_tint_mixes_the_colour_into_white() -> None:
    assert tint("#000000", 0.5) == "#808080"
    assert tint("#ffffff") == "#ffffff"


def test_the_chip_delegate_draws_the_rag_colour(
    qtbot: QtBot, indicator_rows: list[IndicatorRow], tmp_path: Path
) -> None:
    model = IndicatorTableModel()
    model.set_rows(indicator_rows[:1])  # one red row
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    rag_column = model.column_of("rag")
    view.setItemDelegateForColumn(rag_column, ChipDelegate(view))
    view.resize(1000, 120)
    view.setColumnWidth(rag_column, 120)
    image = view.grab().toImage()
    assert QColor(RAG_COLOURS[Rag.RED]).rgb() in colours_in(image)


def test_a_chip_cell_gives_its_text_and_colour_in_one_role(
    indicator_rows: list[IndicatorRow],
) -> None:
    model = IndicatorTableModel()
    model.set_rows(indicator_rows[:1])
    rag = model.index(0, model.column_of("rag"))
    text, colour = rag.data(ItemRole.CHIP)
    assert text == rag.data() == rag_text(Rag.RED)
    assert colour == QColor(RAG_COLOURS[Rag.RED])
    # Columns without a chip colour have no chip.
    assert model.index(0, model.column_of("ref")).data(ItemRole.CHIP) is None


def test_the_chip_delegate_draws_from_a_model_without_the_chip_role(qtbot: QtBot) -> None:
    model = QStandardItemModel(1, 1)
    item = QStandardItem(rag_text(Rag.AMBER))
    item.setData(QColor(RAG_COLOURS[Rag.AMBER]), Qt.ItemDataRole.ForegroundRole)
    model.setItem(0, 0, item)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(0, ChipDelegate(view))
    view.resize(300, 80)
    view.setColumnWidth(0, 120)
    colours = [QColor.fromRgb(rgb) for rgb in colours_in(view.grab().toImage())]
    # The pill's fill, the chip colour faintly over white, is drawn only by
    # the chip, never by plain text in the chip colour.
    amber = QColor(RAG_COLOURS[Rag.AMBER])
    fill = [255 + (channel - 255) * 28 / 255 for channel in _rgb(amber)]
    assert any(
        all(abs(got - want) <= 3 for got, want in zip(_rgb(colour), fill, strict=True))
        for colour in colours
    )


def _rgb(colour: QColor) -> tuple[int, int, int]:
    return colour.red(), colour.green(), colour.blue()


def test_the_tree_draws_the_lifecycle_badge(
    qtbot: QtBot, minutes_source: FakeMinutesSource
) -> None:
    model = MinutesTreeModel(minutes_source)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(MinutesTreeDelegate(view))
    view.resize(260, 80)  # narrow: the committee's name is elided, not the badge
    image = view.grab().toImage()
    assert QColor(STATUS_COLOURS[SEED_MEETING.status]).rgb() in colours_in(image)


def _chip_view(qtbot: QtBot, rows: list[IndicatorRow]) -> tuple[QTableView, ChipDelegate]:
    model = IndicatorTableModel()
    model.set_rows(rows)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    rag_column = model.column_of("rag")
    delegate = ChipDelegate(view)
    view.setItemDelegateForColumn(rag_column, delegate)
    view.resize(1000, 160)
    view.setColumnWidth(rag_column, 140)
    return view, delegate


def _red_extent(view: QTableView) -> int:
    """How wide the first row's chip outline is, in pixels of the red chip colour."""
    model = view.model()
    assert isinstance(model, IndicatorTableModel)
    rect = view.visualRect(model.index(0, model.column_of("rag")))
    image = view.viewport().grab(rect).toImage()
    red = QColor(RAG_COLOURS[Rag.RED]).rgb()
    xs = [
        x for x in range(image.width()) for y in range(image.height()) if image.pixel(x, y) == red
    ]
    return max(xs) - min(xs)


def test_chips_are_drawn_again_when_the_view_changes_font(
    qtbot: QtBot, indicator_rows: list[IndicatorRow]
) -> None:
    view, _delegate = _chip_view(qtbot, indicator_rows)  # row 0 is red
    before = _red_extent(view)
    font = view.font()
    font.setPointSize(font.pointSize() + 6)
    view.setFont(font)
    after = _red_extent(view)
    fresh, _ = _chip_view(qtbot, indicator_rows)  # never drew a chip in the old font
    fresh.setFont(font)
    assert after == _red_extent(fresh)
    assert after > before


def test_the_delegate_never_takes_its_view_for_an_editor(
    qtbot: QtBot, indicator_rows: list[IndicatorRow]
) -> None:
    view, delegate = _chip_view(qtbot, indicator_rows)
    view.grab()
    with (
        qtbot.assertNotEmitted(delegate.commitData),
        qtbot.assertNotEmitted(delegate.closeEditor),
    ):
        QApplication.sendEvent(view, QFocusEvent(QEvent.Type.FocusOut))
        QApplication.sendEvent(
            view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
        )
