"""Judgement chips: the colours of RAG, BRAG and lifecycle badges, and their delegate.

Contract: colour is never the only signal. Every chip's display text already
carries a shape and a word ("▲ Red", "■ Complete"), and models give the
chip's colour as ``ForegroundRole``; ``ChipDelegate`` then draws the text as a
small tinted pill, the shape in the chip colour and the word in the ordinary
text colour, so the cell is still readable printed in greyscale and when the
delegate is not used at all. Only the chip is coloured, never the whole cell.

``ChipDelegate`` draws each distinct chip (text, colours, font, size, pixel
ratio) once into a pixmap and then copies it: a scorecard shows five
judgements in hundreds of rows, and drawing every chip afresh was 12 ms of a
30 ms repaint in ``tests/benchmarks/bench_indicators.py``. The cell's
background, selection and focus are still drawn by the style for each cell.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from qpmr_desktop.domain.actions import ActionRag
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.domain.performance import Rag
from qpmr_desktop.ui.roles import ItemRole

# Dark enough to read as text on white and to stay apart in greyscale; the
# shapes (● ◆ ▲ ■ ○) do the rest.
GREEN = "#00703c"
AMBER = "#b35c00"
RED = "#c62828"
BLUE = "#1d70b8"
GREY = "#6f777b"

RAG_COLOURS: dict[Rag, str] = {
    Rag.GREEN: GREEN,
    Rag.AMBER: AMBER,
    Rag.RED: RED,
    Rag.DATA_ONLY: GREY,
    Rag.NO_DATA: GREY,
}

ACTION_RAG_COLOURS: dict[ActionRag, str] = {
    ActionRag.BLUE: BLUE,
    ActionRag.GREEN: GREEN,
    ActionRag.AMBER: AMBER,
    ActionRag.RED: RED,
    ActionRag.GREY: GREY,
}

STATUS_COLOURS: dict[MinutesStatus, str] = {
    MinutesStatus.DRAFT: AMBER,
    MinutesStatus.CIRCULATED: BLUE,
    MinutesStatus.APPROVED: GREEN,
}

_PADDING_X = 6
_PADDING_Y = 2
# Distinct chips kept per delegate: (judgements x column widths) is far below
# this; past it the cache starts again rather than grow without end.
_CHIP_CACHE_SIZE = 512

# The pill's outline is centred on its edge, so half of it lies outside: the
# pixmap has this margin all round, and is drawn that much up and to the left.
_CHIP_MARGIN = 1
# (text, chip colour, cell width, cell height, device pixel ratio); the font and
# text colour are the delegate's current ones (see ChipDelegate._chip).
_ChipKey = tuple[str, int, int, int, float]

# What can change the font or text colour a view gives its cells.
_LOOK_EVENTS = frozenset(
    {
        QEvent.Type.FontChange,
        QEvent.Type.PaletteChange,
        QEvent.Type.StyleChange,
        QEvent.Type.EnabledChange,
        QEvent.Type.ActivationChange,
    }
)

# Plain ints and members looked up once: converting the enum, or finding the
# member, for every painted chip showed in the repaint's profile.
_CHIP_ROLE = int(ItemRole.CHIP)
_ITEM_VIEW_ITEM = QStyle.ControlElement.CE_ItemViewItem
_TEXT_ROLE = QPalette.ColorRole.Text


def rag_text(rag: Rag) -> str:
    """``▲ Red``: the shape and the word of an indicator judgement."""
    return f"{rag.symbol} {rag.label}"


def action_rag_text(rag: ActionRag, *, overdue: bool) -> str:
    """``■ Complete``, or ``▲ Overdue`` for an unfinished action past its due date."""
    if overdue and rag is not ActionRag.BLUE:
        return f"{ActionRag.RED.symbol} Overdue"
    return f"{rag.symbol} {rag.label}"


def tint(colour: str, strength: float = 0.12) -> str:
    """``colour`` mixed into white: the background of a chip in rich text."""
    base = QColor(colour)
    channels = (base.red(), base.green(), base.blue())
    mix = [round(255 - (255 - channel) * strength) for channel in channels]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def badge_html(text: str, colour: str) -> str:
    """A lifecycle or RAG badge for rich text (``text`` must already be escaped).

    Qt's rich text draws no borders around inline text, so the chip is a tinted
    background with the word in the chip colour.
    """
    return (
        f'<span style="color: {colour}; background-color: {tint(colour)}; font-weight: 600;">'
        f"&nbsp;{text}&nbsp;</span>"
    )


def chip_width(metrics: QFontMetrics, symbol: str, word: str) -> int:
    """The width of a chip drawn by ``draw_chip`` with this font."""
    symbol_width = metrics.horizontalAdvance(symbol + " ") if symbol else 0
    # +2: advances are fractional, and a pixel short would elide the word.
    return symbol_width + metrics.horizontalAdvance(word) + 2 * _PADDING_X + 2


def draw_chip(
    painter: QPainter,
    *,
    rect: QRectF,
    font: QFont,
    colour: QColor,
    symbol: str,
    word: str,
    text_colour: QColor,
) -> None:
    """A tinted pill inside ``rect``: the shape in ``colour``, the word in ``text_colour``.

    With no symbol (a lifecycle badge) the word itself takes the chip colour.
    """
    metrics = QFontMetrics(font)
    height = min(rect.height(), metrics.height() + 2 * _PADDING_Y)
    pill = QRectF(rect.left(), rect.center().y() - height / 2, rect.width(), height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    tinted = QColor(colour)
    tinted.setAlpha(28)
    painter.setPen(QPen(colour, 1))
    painter.setBrush(QColor("white"))
    painter.drawRoundedRect(pill, height / 2, height / 2)
    painter.setBrush(tinted)
    painter.drawRoundedRect(pill, height / 2, height / 2)
    painter.setFont(font)
    text_rect = pill.adjusted(_PADDING_X, 0, -_PADDING_X, 0)
    if symbol:
        painter.setPen(colour)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, symbol)
        text_rect.adjust(metrics.horizontalAdvance(symbol + " "), 0, 0, 0)
        painter.setPen(text_colour)
    else:
        painter.setPen(colour)
    elided = metrics.elidedText(word, Qt.TextElideMode.ElideRight, int(text_rect.width()))
    painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, elided)
    painter.restore()


def draw_item_background(option: QStyleOptionViewItem, painter: QPainter) -> None:
    """The style's cell background, selection and focus, without any text."""
    opt = QStyleOptionViewItem(option)
    opt.text = ""
    widget = opt.widget
    style = widget.style() if widget is not None else QApplication.style()
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)


class ChipDelegate(QStyledItemDelegate):
    """Draws "▲ Red"-style display text as a pill: coloured shape, plain word.

    Reads ``ItemRole.CHIP`` through the index, or else ``DisplayRole`` and
    ``ForegroundRole``, so it works on any model (and through any proxy) that
    follows the chip contract.
    Each distinct chip is drawn once and its pixmap reused (see the module).
    Chips take the view's font and text colour; for the view the delegate
    belongs to (its parent) they are compared again only after that view says
    its font, palette, style, enabled state or window activation changed.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chips: dict[_ChipKey, QPixmap | None] = {}
        self._font = QFont()
        self._text_colour = QColor()
        self._view = parent if isinstance(parent, QWidget) else None
        self._look_settled = False  # the view's look known unchanged since last compared
        if self._view is not None:
            self._view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view:
            if event.type() in _LOOK_EVENTS:
                self._look_settled = False
            # Not the base class's: it takes what it filters for a cell editor,
            # and would commit and close the view itself when it lost focus.
            return False
        return super().eventFilter(watched, event)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # Called for every visible chip cell at every repaint, from C++: one ask
        # of the model (``ItemRole.CHIP``) where possible, no copy of the option,
        # and as few calls into Qt as will do (each costs about a microsecond).
        chip_data = index.data(_CHIP_ROLE)
        if type(chip_data) is tuple:  # isinstance on a PySide value costs more
            text, colour = chip_data
        else:  # a model that follows the chip contract without the role
            text = index.data(Qt.ItemDataRole.DisplayRole)
            colour = index.data(Qt.ItemDataRole.ForegroundRole)
        if not text or not isinstance(text, str) or not isinstance(colour, QColor):
            super().paint(painter, option, index)
            return
        # One call for the four numbers (the stubs do not say it gives ints).
        left, top, width, height = cast("tuple[int, int, int, int]", option.rect.getRect())
        widget = option.widget
        if not self._look_settled or widget is not self._view:
            self._compare_look(option)
            self._look_settled = widget is not None and widget is self._view
        key = (text, colour.rgba(), width, height, painter.device().devicePixelRatioF())
        chip = self._chips[key] if key in self._chips else self._chip(key, colour)
        # The option as the view gave it, not yet filled from the index, has
        # no text: the style draws the background, selection and focus alone.
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(_ITEM_VIEW_ITEM, option, painter, widget)
        if chip is not None:
            painter.drawPixmap(left + 4 - _CHIP_MARGIN, top + 1 - _CHIP_MARGIN, chip)

    def _compare_look(self, option: QStyleOptionViewItem) -> None:
        """Start the cache again if the view's font or text colour is not the chips'."""
        font = option.font
        text_colour = option.palette.color(_TEXT_ROLE)
        if font != self._font or text_colour != self._text_colour:
            self._chips.clear()
            self._font = QFont(font)
            self._text_colour = QColor(text_colour)

    def _chip(self, key: _ChipKey, colour: QColor) -> QPixmap | None:
        """Draw the chip ``key`` names (text, colour, cell width and height, pixel ratio)."""
        text, _rgba, cell_width, cell_height, ratio = key
        font = self._font
        text_colour = self._text_colour
        symbol, _, word = text.partition(" ")
        width = min(chip_width(QFontMetrics(font), symbol, word), cell_width - 8)
        height = cell_height - 2
        pixmap = None
        if width > 0 and height > 0:  # else no room for a chip at all
            margin = 2 * _CHIP_MARGIN
            pixmap = QPixmap(QSize(width + margin, height + margin) * ratio)
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            chip_painter = QPainter(pixmap)
            try:
                draw_chip(
                    chip_painter,
                    rect=QRectF(_CHIP_MARGIN, _CHIP_MARGIN, width, height),
                    font=font,
                    colour=colour,
                    symbol=symbol,
                    word=word,
                    text_colour=text_colour,
                )
            finally:
                chip_painter.end()
        if len(self._chips) >= _CHIP_CACHE_SIZE:
            self._chips.clear()
        self._chips[key] = pixmap
        return pixmap

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 2 * _PADDING_X + 8, max(size.height(), 22))
