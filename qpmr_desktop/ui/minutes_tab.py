"""The Minutes tab: the tree of meetings and items, an item's minutes, and its meeting.

Contract: on load the tree shows every meeting; the first meeting opens and
its first agenda item is selected, so the read view shows real minutes at
once. Selecting a meeting shows its opening line and agenda; selecting an
item, section, point or resolution shows that item's minutes (scrolled to
the selected paragraph) and the meeting's context on the right. The search
box filters the loaded part of the tree and opens what matches.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.services.read_models import (
    AgendaItemSummary,
    PointView,
    ResolutionView,
    SectionView,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.minutes_delegate import MinutesTreeDelegate
from qpmr_desktop.ui.minutes_html import (
    item_minutes_html,
    meeting_context_html,
    meeting_overview_html,
    point_anchor,
    resolution_anchor,
    section_anchor,
)
from qpmr_desktop.ui.minutes_model import (
    MinutesFilterProxy,
    MinutesTreeModel,
    NodeKind,
    WorkspaceMinutesSource,
)
from qpmr_desktop.ui.roles import ItemRole
from qpmr_desktop.ui.settings import WindowState
from qpmr_desktop.ui.workspace_tab import WorkspaceTab

_EMPTY_TEXT = "No meetings yet — minutes arrive with Import… (coming soon)"


class MinutesTab(WorkspaceTab):
    """Tree, read view and context panel over ``services.minutes``."""

    key = "minutes"
    title = "&Minutes"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MinutesTreeModel(parent=self)
        self.proxy = MinutesFilterProxy(self.model, parent=self)
        self._shown_item: int | None = None  # the item whose minutes the read view holds

        self.filter_edit.setPlaceholderText("Search minutes…")
        self.filter_edit.setToolTip("Search the minutes loaded so far (Ctrl+F)")
        self.filter_edit.setObjectName("minutes_filter")
        self.tree = self._make_tree()

        self.empty_label = QLabel(_EMPTY_TEXT, self)
        self.empty_label.setObjectName("minutes_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)  # drawn in the muted text colour
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty_label)

        self.read_view = QTextBrowser(self)
        self.read_view.setObjectName("minutes_read_view")
        self.read_view.setOpenExternalLinks(True)
        self.read_view.setPlaceholderText("Select an agenda item to read its minutes.")
        self.read_view.document().setDocumentMargin(12)
        self.context_view = QTextBrowser(self)
        self.context_view.setObjectName("minutes_context")
        self.context_view.setOpenExternalLinks(True)

        self.splitter = self._make_splitter()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.tree.selectionModel().currentChanged.connect(self._on_selection_current_changed)
        self.model.loading_failed.connect(self._on_model_loading_failed)
        self._update_empty_state()

    def _make_tree(self) -> QTreeView:
        tree = QTreeView(self)
        tree.setObjectName("minutes_tree")
        tree.setModel(self.proxy)
        tree.setHeaderHidden(True)
        tree.setUniformRowHeights(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Long rows are elided rather than scrolled: the lifecycle badge stays in view.
        tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tree.setItemDelegate(MinutesTreeDelegate(tree))
        return tree

    def _make_splitter(self) -> QSplitter:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_edit)
        left_layout.addWidget(self.stack, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("minutes_splitter")
        splitter.addWidget(left)
        splitter.addWidget(self.read_view)
        splitter.addWidget(self.context_view)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([360, 780, 260])
        splitter.setChildrenCollapsible(False)
        return splitter

    # ------------------------------------------------------------ our API

    def current_source_index(self) -> QModelIndex:
        """The selected node as an index of ``self.model`` (invalid when none)."""
        return self.proxy.mapToSource(self.tree.currentIndex())

    def select_first_item(self) -> None:
        """Open the first meeting and select its first agenda item (or the meeting)."""
        meeting = self.proxy.index(0, 0)
        if not meeting.isValid():
            return
        if self.proxy.canFetchMore(meeting):
            self.proxy.fetchMore(meeting)
        self.tree.expand(meeting)
        item = self.proxy.index(0, 0, meeting)
        target = item if item.isValid() else meeting
        self._select(target)
        if item.isValid():
            self.tree.expand(item)

    def select_item(self, item_id: AgendaItemId) -> bool:
        """Select the agenda item ``item_id``, loading meetings' agendas until it is found.

        False when no meeting holds it. Only agendas are loaded on the way, not
        every item's minutes.
        """
        for row in range(self.proxy.rowCount()):
            meeting = self.proxy.index(row, 0)
            if self.proxy.canFetchMore(meeting):
                self.proxy.fetchMore(meeting)
            found = self.model.item_index(item_id)
            if found.isValid():
                target = self.proxy.mapFromSource(found)
                self.tree.expand(meeting)
                self._select(target)
                self.tree.expand(target)
                return True
        return False

    def save_state(self, state: WindowState) -> None:
        state.save("minutes/splitter", self.splitter.saveState())

    def restore_state(self, state: WindowState) -> None:
        splitter = state.load("minutes/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    # ------------------------------------------------------------ WorkspaceTab

    def _load(self, workspace: Workspace) -> None:
        self._shown_item = None
        self.model.set_source(WorkspaceMinutesSource(workspace))
        self._update_empty_state()
        self.select_first_item()
        self._show_current()

    def _show_problem(self, message: str) -> None:
        self.empty_label.setText(message)
        self.stack.setCurrentWidget(self.empty_label)

    def _clear(self) -> None:
        self.empty_label.setText(_EMPTY_TEXT)
        self._shown_item = None
        self.model.set_source(None)
        self._update_empty_state()
        self._show_current()

    # ------------------------------------------------------------ slots

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        if text.strip():
            self._expand_loaded(QModelIndex())
        current = self.tree.currentIndex()
        if current.isValid():
            self.tree.scrollTo(current)

    def _on_selection_current_changed(self) -> None:
        self._show_current()

    def _on_model_loading_failed(self, message: str) -> None:
        self._shown_item = None
        self.read_view.setPlainText(f"These minutes could not be loaded. {message}")

    # ------------------------------------------------------------ internals

    def _select(self, index: QModelIndex) -> None:
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.tree.scrollTo(index)

    def _expand_loaded(self, parent: QModelIndex) -> None:
        """Open every loaded node under ``parent`` so that search hits are visible.

        Only loaded nodes: expanding one that is not would load it, and a
        search must not read every item's minutes.
        """
        for row in range(self.proxy.rowCount(parent)):
            index = self.proxy.index(row, 0, parent)
            source = self.proxy.mapToSource(index)
            if self.model.kind(source) is NodeKind.POINT or not self.model.is_fetched(source):
                continue
            if self.proxy.rowCount(index) > 0:
                self.tree.expand(index)
                self._expand_loaded(index)

    def _show_current(self) -> None:
        source = self.current_source_index()
        kind = self.model.kind(source)
        meeting = self.model.meeting(source)
        if kind is None or meeting is None:
            self._shown_item = None
            self.read_view.clear()
            self.context_view.clear()
            return
        if kind is NodeKind.MEETING:
            self._shown_item = None
            items = [
                self.model.data(self.model.index(row, 0, source), ItemRole.ROW)
                for row in range(self.model.rowCount(source))
            ]
            summaries = [item for item in items if isinstance(item, AgendaItemSummary)]
            self.read_view.setHtml(meeting_overview_html(meeting, summaries))
            self.context_view.setHtml(meeting_context_html(meeting))
            return
        minutes = self.model.item_minutes(source)
        if minutes is None:
            return
        if self._shown_item != minutes.id:
            self._shown_item = minutes.id
            self.read_view.setHtml(item_minutes_html(minutes))
            self.context_view.setHtml(meeting_context_html(meeting, minutes))
        self._scroll_to(self.model.data(source, ItemRole.ROW))

    def _scroll_to(self, payload: object) -> None:
        match payload:
            case PointView():
                self.read_view.scrollToAnchor(point_anchor(payload.id))
            case SectionView():
                self.read_view.scrollToAnchor(section_anchor(payload.id))
            case ResolutionView():
                self.read_view.scrollToAnchor(resolution_anchor(payload.id))
            case _:
                self.read_view.verticalScrollBar().setValue(0)

    def _update_empty_state(self) -> None:
        empty = self.model.rowCount() == 0 and self.workspace is not None and self.is_loaded
        self.stack.setCurrentWidget(self.empty_label if empty else self.tree)
