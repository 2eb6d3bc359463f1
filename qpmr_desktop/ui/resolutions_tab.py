"""The Resolutions tab: the register of every decision, and search over all minutes.

Contract:

- Key ``"resolutions"``. On first show (and every ``reload``) the register
  loads ``services.minutes_search.list_resolutions``: every resolution of
  every meeting, newest meeting first, with its date, committee, item, label,
  text (parts joined) and the meeting's lifecycle badge. The filter box
  (Ctrl+F) narrows it by words in those; the detail pane shows the selected
  resolution in full, with its parts one a line, and under it the actions
  that carry it out (``linked_actions``, read only while visible).
- Below, ``SearchPanel`` searches every title, heading, point and resolution
  of all minutes (``search_minutes``).
- ``item_activated(item_id)`` is emitted when a person opens an agenda item
  from here: a register row activated (double-click, Enter), the detail
  pane's "Open the item" link, or a search result activated. The main window
  connects it to showing that item on the Minutes tab.
- ``action_activated(action_id)`` is emitted when a person opens one of the
  linked actions; the main window shows it on the Actions tab.
- Empty states say what to do next; text from the database is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.services.read_models import ResolutionRow
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.chips import (
    GREY,
    STATUS_COLOURS,
    badge_html,
    chip_width,
    draw_chip,
    draw_item_background,
)
from qpmr_desktop.ui.formatting import long_date
from qpmr_desktop.ui.linked_actions import LinkedActionsPanel, read_actions_for_resolutions
from qpmr_desktop.ui.minutes_model import item_label
from qpmr_desktop.ui.resolution_model import (
    ResolutionFilterProxy,
    ResolutionRole,
    ResolutionTableModel,
    status_badge_text,
)
from qpmr_desktop.ui.search_panel import SearchPanel
from qpmr_desktop.ui.settings import WindowState
from qpmr_desktop.ui.table_tab import TableTab

#: The detail pane's link to the item: "item:<id>".
ITEM_SCHEME = "item"
_MUTED = f'style="color: {GREY};"'
_NO_LINKED_ACTIONS = (
    "No actions carry out this resolution yet — name it in an action's form on the Actions tab."
)


def _text(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def resolution_detail_html(row: ResolutionRow) -> str:
    """The detail pane for one resolution; every piece of text escaped."""
    badge = badge_html(_text(status_badge_text(row.status)), STATUS_COLOURS[row.status])
    parts = "".join(
        f'<tr><td valign="top">{_text(label)}&nbsp;</td><td>{_text(text)}</td></tr>'
        for label, text in row.parts
    )
    body = [
        f"<h3>{_text(item_label(row.item_number, row.item_title))}</h3>",
        (
            f"<p {_MUTED}>{_text(row.committee)}<br>{_text(long_date(row.meeting_date))}"
            f"&nbsp;&nbsp;{badge}</p>"
        ),
        f"<p><b>{_text(row.label)}:</b> {_text(row.text)}</p>",
    ]
    if parts:
        body.append(f'<table cellspacing="0" cellpadding="2">{parts}</table>')
    body.append(f'<p><a href="{ITEM_SCHEME}:{int(row.item_id)}">Open the item in Minutes</a></p>')
    return "\n".join(body)


class StatusBadgeDelegate(QStyledItemDelegate):
    """Draws a lifecycle word ("DRAFT") as a chip in its ``ForegroundRole`` colour.

    ``ChipDelegate`` expects "shape word"; a lifecycle badge is a word alone,
    drawn as the Minutes tab draws it on a meeting.
    """

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        word = index.data(Qt.ItemDataRole.DisplayRole)
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        if not word or not isinstance(colour, QColor):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        draw_item_background(opt, painter)
        font = QFont(opt.font)
        font.setBold(True)
        font.setPointSizeF(max(opt.font.pointSizeF() * 0.85, 6.0))
        cell = QRectF(opt.rect)
        width = chip_width(QFontMetrics(font), "", str(word))
        draw_chip(
            painter,
            rect=QRectF(
                cell.left() + 4, cell.top() + 2, min(width, cell.width() - 8), cell.height() - 4
            ),
            font=font,
            colour=colour,
            symbol="",
            word=str(word),
            text_colour=opt.palette.color(QPalette.ColorRole.Text),
        )


class ResolutionsTab(TableTab[ResolutionRow]):
    """The register of resolutions over the search of all minutes; see the module contract."""

    item_activated = Signal(int)  # an agenda item's id
    action_activated = Signal(int)  # an action's id

    key = "resolutions"
    title = "&Resolutions"
    noun = ("resolution", "resolutions")
    filter_placeholder = "Filter resolutions…"
    empty_text = (
        "No resolutions yet — they appear here as the minutes record them. Write them on the "
        "Minutes tab, or take in published minutes with Minutes → Paste Published Minutes…"
    )
    no_selection_text = "Select a resolution to read it in full."
    detail_width = 360

    def __init__(self, parent: QWidget | None = None) -> None:
        model = ResolutionTableModel()
        super().__init__(model, ResolutionFilterProxy(model), parent)
        self.model: ResolutionTableModel = model  # the tab's own, with its roles
        model.setParent(self)
        self.proxy.setParent(self)
        self.view.setItemDelegateForColumn(
            model.column_of("status"), StatusBadgeDelegate(self.view)
        )
        self.detail.setOpenExternalLinks(False)
        self.detail.setOpenLinks(False)  # "item:" links are ours to follow
        self.linked_actions = LinkedActionsPanel(
            title="Actions from this resolution", empty_text=_NO_LINKED_ACTIONS, parent=self
        )
        self.linked_actions.setObjectName("resolutions_linked_actions")
        # The detail pane becomes the resolution over the actions that carry it out.
        side = QWidget(self)
        self.splitter.replaceWidget(1, side)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.detail, 3)
        side_layout.addWidget(self.linked_actions, 2)

        self.search_panel = SearchPanel(self)
        self.search_panel.setObjectName("resolutions_search")
        # The register (with its detail pane) above, the search results below.
        self.outer_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.outer_splitter.setObjectName("resolutions_outer_splitter")
        layout = self.layout()
        assert layout is not None  # TableTab lays itself out
        layout.removeWidget(self.splitter)
        self.outer_splitter.addWidget(self.splitter)
        self.outer_splitter.addWidget(self.search_panel)
        self.outer_splitter.setStretchFactor(0, 3)
        self.outer_splitter.setStretchFactor(1, 2)
        self.outer_splitter.setChildrenCollapsible(False)
        layout.addWidget(self.outer_splitter)

        self.view.activated.connect(self._on_view_activated)
        self.detail.anchorClicked.connect(self._on_detail_anchor_clicked)
        self.search_panel.item_activated.connect(self.item_activated)
        self.linked_actions.action_activated.connect(self.action_activated)

    # ------------------------------------------------------------ WorkspaceTab

    def set_workspace(self, workspace: Workspace | None) -> None:
        self.search_panel.set_workspace(workspace)
        super().set_workspace(workspace)

    def save_state(self, state: WindowState) -> None:
        super().save_state(state)
        state.save(f"{self.key}/outer_splitter", self.outer_splitter.saveState())

    def restore_state(self, state: WindowState) -> None:
        super().restore_state(state)
        outer = state.load(f"{self.key}/outer_splitter")
        if outer is not None:
            self.outer_splitter.restoreState(outer)

    def _fetch_rows(self, workspace: Workspace) -> Sequence[ResolutionRow]:
        from qpmr_desktop.services.minutes_search import list_resolutions  # noqa: PLC0415 - loads after first paint

        return list_resolutions(workspace=workspace)

    def _detail_html(self, row: ResolutionRow) -> str:
        return resolution_detail_html(row)

    def _show_detail(self) -> None:
        super()._show_detail()
        row = self.current_row()
        workspace = self.workspace
        if row is None or workspace is None:
            self.linked_actions.clear("Select a resolution to see the actions that carry it out.")
            return
        resolutions = ((int(row.id), row.label),)
        self.linked_actions.show_links(
            int(row.id),
            lambda: read_actions_for_resolutions(workspace, resolutions),
            empty_text=_NO_LINKED_ACTIONS,
        )

    # ------------------------------------------------------------ slots

    def _on_view_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.item_activated.emit(int(self.proxy.data(index, ResolutionRole.ITEM_ID)))

    def _on_detail_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == ITEM_SCHEME and url.path().isdigit():
            self.item_activated.emit(int(url.path()))
