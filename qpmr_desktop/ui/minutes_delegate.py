"""How the minutes tree draws a meeting: date and committee, the lifecycle as a badge.

Contract: a meeting row's display text ends in its lifecycle ("… — DRAFT");
this delegate draws that word as a coloured badge pinned to the right edge
and elides the committee's name instead, so the badge stays visible however
narrow the tree is. Every other row is drawn the ordinary way. It reads the
meeting through ``ItemRole.ROW``, so it works through the filter proxy.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from qpmr_desktop.services.read_models import MeetingSummary
from qpmr_desktop.ui.chips import STATUS_COLOURS, chip_width, draw_chip, draw_item_background
from qpmr_desktop.ui.minutes_model import meeting_badge, meeting_title
from qpmr_desktop.ui.roles import ItemRole

_GAP = 8


class MinutesTreeDelegate(QStyledItemDelegate):
    """Draws meeting rows with a lifecycle badge; see the module contract."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        meeting = index.data(ItemRole.ROW)
        if not isinstance(meeting, MeetingSummary):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        draw_item_background(opt, painter)

        badge_font = QFont(opt.font)
        badge_font.setBold(True)
        badge_font.setPointSizeF(max(opt.font.pointSizeF() * 0.85, 6.0))
        word = meeting_badge(meeting)
        cell = QRectF(opt.rect)
        badge_width = chip_width(QFontMetrics(badge_font), "", word)
        badge = QRectF(
            cell.right() - badge_width - 4, cell.top() + 1, badge_width, cell.height() - 2
        )
        text_rect = cell.adjusted(4, 0, -(badge_width + 4 + _GAP), 0)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        metrics = QFontMetrics(opt.font)
        title = metrics.elidedText(
            meeting_title(meeting), Qt.TextElideMode.ElideRight, int(text_rect.width())
        )
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(role))
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title
        )
        painter.restore()
        draw_chip(
            painter,
            rect=badge,
            font=badge_font,
            colour=QColor(STATUS_COLOURS[meeting.status]),
            symbol="",
            word=word,
            text_colour=opt.palette.color(QPalette.ColorRole.Text),
        )
