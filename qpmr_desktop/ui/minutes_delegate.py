"""How the minutes tree draws a meeting: date and committee, the lifecycle as a badge.

Contract: a meeting row's display text ends in its lifecycle ("… — DRAFT");
this delegate draws that word as a coloured badge pinned to the right edge
and elides the committee's name instead, so the badge stays visible however
narrow the tree is. Every other row is drawn the ordinary way. It reads the
meeting through ``ItemRole.ROW``, so it works through the filter proxy.

Each badge is drawn once per lifecycle status, row height and pixel ratio into
a pixmap that later rows reuse, and the fonts are derived from the view's font
once, not per row: the tree paints every visible meeting whenever it
repaints, and drawing each badge afresh took most of the time of opening the
Minutes tab on 2,000 meetings (bench_minutes).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.read_models import MeetingSummary
from qpmr_desktop.ui.chips import STATUS_COLOURS, chip_width, draw_chip
from qpmr_desktop.ui.minutes_model import meeting_badge, meeting_title
from qpmr_desktop.ui.roles import ItemRole

_GAP = 8
_MARGIN = 1  # the pill's outline is centred on its edge: the pixmap has this margin all round
_LEFT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
# (status, cell height, device pixel ratio): the fonts and text colour are the
# delegate's current ones (see _prepare).
_BadgeKey = tuple[MinutesStatus, int, float]


class MinutesTreeDelegate(QStyledItemDelegate):
    """Draws meeting rows with a lifecycle badge; see the module contract."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view_font: QFont | None = None
        self._text_colour = QColor()
        self._title_font = QFont()
        self._title_metrics = QFontMetrics(self._title_font)
        self._badge_font = QFont()
        self._badges: dict[_BadgeKey, QPixmap] = {}

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        meeting = index.data(ItemRole.ROW)
        if type(meeting) is not MeetingSummary:
            super().paint(painter, option, index)
            return
        palette = option.palette
        self._prepare(option.font, palette.color(QPalette.ColorRole.Text))
        # The option as the view gave it, not yet filled from the index, has
        # no text: the style draws the background, selection and focus alone.
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)

        cell = option.rect
        badge = self._badge(meeting, cell.height(), painter.device().devicePixelRatioF())
        badge_width = round(badge.width() / badge.devicePixelRatio()) - 2 * _MARGIN
        painter.drawPixmap(
            cell.right() - badge_width - 4 - _MARGIN, cell.top() + 1 - _MARGIN, badge
        )
        text_rect = QRect(
            cell.left() + 4, cell.top(), cell.width() - 4 - (badge_width + 4 + _GAP), cell.height()
        )
        title = self._title_metrics.elidedText(
            meeting_title(meeting), Qt.TextElideMode.ElideRight, text_rect.width()
        )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setFont(self._title_font)
        painter.setPen(palette.color(role))
        painter.drawText(text_rect, _LEFT, title)
        painter.restore()

    def _prepare(self, view_font: QFont, text_colour: QColor) -> None:
        """Derive the fonts from the view's; another font or palette starts the badges again."""
        if view_font == self._view_font and text_colour == self._text_colour:
            return
        self._view_font = QFont(view_font)
        self._text_colour = QColor(text_colour)
        # Meetings are bold (the model's FontRole); the badge a little smaller.
        self._title_font = QFont(view_font)
        self._title_font.setBold(True)
        self._title_metrics = QFontMetrics(self._title_font)
        self._badge_font = QFont(self._title_font)
        self._badge_font.setPointSizeF(max(self._title_font.pointSizeF() * 0.85, 6.0))
        self._badges.clear()

    def _badge(self, meeting: MeetingSummary, height: int, ratio: float) -> QPixmap:
        """The meeting's lifecycle badge for a row ``height`` pixels high, drawn once per status."""
        status = meeting.status
        key = (status, height, ratio)
        found = self._badges.get(key)
        if found is not None:
            return found
        word = meeting_badge(meeting)
        width = chip_width(QFontMetrics(self._badge_font), "", word)
        inner = max(height - 2, 1)
        pixmap = QPixmap(QSize(width + 2 * _MARGIN, inner + 2 * _MARGIN) * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        chip_painter = QPainter(pixmap)
        try:
            draw_chip(
                chip_painter,
                rect=QRectF(_MARGIN, _MARGIN, width, inner),
                font=self._badge_font,
                colour=QColor(STATUS_COLOURS[status]),
                symbol="",
                word=word,
                text_colour=self._text_colour,
            )
        finally:
            chip_painter.end()
        self._badges[key] = pixmap
        return pixmap
