"""The Minutes tab: the tree of meetings and items, an item's minutes, and its meeting.

Contract: on load every meeting is read, and the tree shows the newest of
them, a batch (``minutes_model.MEETING_BATCH``) at a time: the next batch is
added when the tree shows its last row, scrolled to its end by wheel, scroll
bar or keyboard (the tab does this, not Qt's view: see
``MinutesFilterProxy.canFetchMore``), and at once when the search box
filters, when ``select_item`` opens an item of an older meeting or
``select_meeting`` an older meeting. (A row for each of 2,000 meetings, laid
out and painted, made opening the tab take seven times its query,
bench_minutes.) The first meeting opens and
its first agenda item is selected. The first paint shows that item's heading
(number, title, lifecycle, committee and date, from the tree's own data) and
its meeting's context; its minutes -- in the read view, and under the item
in the tree, which opens then -- its lifecycle panel and linked actions
follow on the next pass of the event loop, after that paint, or at once when
anything selects, edits, searches or asks the tab to ``settle``. (Reading
and laying out the minutes and reading the two panels took about a third of
opening the tab on 2,000 meetings, bench_minutes.) Selecting a meeting shows its
opening line and agenda; selecting an item, section, point or resolution
shows that item's minutes (scrolled to the selected paragraph) and the
meeting's context on the right. The search box filters every meeting and the
agendas and minutes loaded so far, and opens what matches.

Editing: the Edit toggle (Ctrl+E) swaps the read view for the item editor
(``minutes_editor.MinutesItemEditor``); every change is an undo command on
``undo_stack`` (the window's, when it passes one; else the tab's own). The
right-hand panel starts with the lifecycle panel (status badge, circulate,
return to draft, approve, record an amendment), and ends with the actions
that carry out the selected item's resolutions (``linked_actions``, read only
while it is visible); ``action_activated(action_id)`` forwards a request to
open one (the main window shows it on the Actions tab). The tree and the read view
follow edits when the editor leaves an item or goes back to reading, not at
every keystroke. A refused command is explained in a message box after the
stack has finished, and the item is read again.

Test hook: with ``QPMR_TEST_SCRIPT`` set, a script runs once the tab has a
workspace (``test_hooks``).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.read_models import (
    AgendaItemSummary,
    ItemMinutes,
    MeetingSummary,
    MinutesArea,
    MinutesChange,
    PointView,
    ResolutionView,
    SectionView,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.linked_actions import LinkedActionsPanel, read_actions_for_resolutions
from qpmr_desktop.ui.minutes_commands import MinutesEditor
from qpmr_desktop.ui.minutes_delegate import MinutesTreeDelegate
from qpmr_desktop.ui.minutes_editor import MinutesItemEditor
from qpmr_desktop.ui.minutes_html import (
    item_heading_html,
    item_minutes_html,
    meeting_context_html,
    meeting_overview_html,
    point_anchor,
    resolution_anchor,
    section_anchor,
)
from qpmr_desktop.ui.minutes_lifecycle_panel import MinutesLifecyclePanel
from qpmr_desktop.ui.minutes_model import (
    MinutesFilterProxy,
    MinutesTreeModel,
    NodeKind,
    WorkspaceMinutesSource,
)
from qpmr_desktop.ui.point_edit import shared_speller
from qpmr_desktop.ui.roles import ItemRole
from qpmr_desktop.ui.settings import Preferences, WindowState
from qpmr_desktop.ui.test_hooks import schedule_test_script
from qpmr_desktop.ui.workspace_tab import WorkspaceTab

_EMPTY_TEXT = "No meetings yet — minutes arrive with Import… (coming soon)"
_NO_ITEM_ACTIONS = "Select an agenda item to see the actions its resolutions created."
_NO_RESOLUTIONS = "This item resolved nothing, so no actions come from it."
_NO_LINKED_ACTIONS = (
    "No actions carry out this item's resolutions yet — name the resolution in an action's "
    "form on the Actions tab."
)


class MinutesTab(WorkspaceTab):
    """Tree, read view and context panel over ``services.minutes``."""

    action_activated = Signal(int)  # an action's id, from the linked actions

    key = "minutes"
    title = "&Minutes"

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        undo_stack: QUndoStack | None = None,
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = MinutesTreeModel(parent=self)
        self.proxy = MinutesFilterProxy(self.model, parent=self)
        self._shown_item: int | None = None  # the item whose minutes the read view holds
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._owns_stack = undo_stack is None
        self.editor = MinutesEditor(self)
        self._edited_items: set[AgendaItemId] = set()  # whose tree rows and read view are stale
        # A load shows the first item's heading and leaves the rest to this
        # timer, which fires after the first paint (see the module).
        self._loading = False
        self._detail_owed = False
        self._expansion_owed: QPersistentModelIndex | None = None  # the first item, opened later
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(0)
        self._detail_timer.timeout.connect(self.settle)

        self.filter_edit.setPlaceholderText("Search minutes…")
        self.filter_edit.setToolTip(
            "Search every meeting, and the agendas and minutes opened so far (Ctrl+F)"
        )
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
        self._make_editing_widgets(preferences)

        self.splitter = self._make_splitter()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.tree.selectionModel().currentChanged.connect(self._on_selection_current_changed)
        self._watch_the_trees_end()
        self.model.loading_failed.connect(self._on_model_loading_failed)
        self.edit_button.toggled.connect(self._on_edit_button_toggled)
        self.editor.change_applied.connect(self._on_editor_change_applied)
        # Queued: the message box must not open inside QUndoStack.undo() or push().
        self.editor.command_failed.connect(
            self._on_editor_command_failed, Qt.ConnectionType.QueuedConnection
        )
        self.lifecycle_panel.amendment_changed.connect(self._on_lifecycle_amendment_changed)
        self.linked_actions.action_activated.connect(self.action_activated)
        self._update_empty_state()

    def _make_editing_widgets(self, preferences: Preferences | None) -> None:
        self.item_editor = MinutesItemEditor(
            self.editor, self.undo_stack, self, preferences=preferences
        )
        self.item_editor.speller_factory = shared_speller
        self.lifecycle_panel = MinutesLifecyclePanel(self.editor, self.undo_stack, self)
        self.linked_actions = LinkedActionsPanel(
            title="Actions from this item", empty_text=_NO_ITEM_ACTIONS, parent=self
        )
        self.linked_actions.setObjectName("minutes_linked_actions")
        self.edit_button = QToolButton(self)
        self.edit_button.setObjectName("minutes_edit_toggle")
        self.edit_button.setText("Edit")
        self.edit_button.setCheckable(True)
        self.edit_button.setShortcut(QKeySequence("Ctrl+E"))
        self.edit_button.setToolTip("Edit the item's minutes, or go back to reading them (Ctrl+E)")
        self.centre = QStackedWidget(self)
        self.centre.addWidget(self.read_view)
        self.centre.addWidget(self.item_editor)

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

    def _watch_the_trees_end(self) -> None:
        """Fetch the next batch of meetings when the tree comes to its last row."""
        # Whether the rows all fit is asked once the tree's layout is done.
        self._end_timer = QTimer(self)
        self._end_timer.setSingleShot(True)
        self._end_timer.setInterval(0)
        self._end_timer.timeout.connect(self._fetch_meetings_at_end)
        scroll_bar = self.tree.verticalScrollBar()
        scroll_bar.valueChanged.connect(self._on_tree_scroll_value_changed)
        scroll_bar.rangeChanged.connect(self._on_tree_scroll_range_changed)

    def _make_splitter(self) -> QSplitter:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_edit)
        left_layout.addWidget(self.stack, 1)
        middle = QWidget(self)
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.setSpacing(2)
        bar = QHBoxLayout()
        bar.addStretch(1)
        bar.addWidget(self.edit_button)
        middle_layout.addLayout(bar)
        middle_layout.addWidget(self.centre, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.lifecycle_panel)
        right_layout.addWidget(self.context_view, 3)
        right_layout.addWidget(self.linked_actions, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("minutes_splitter")
        splitter.addWidget(left)
        splitter.addWidget(middle)
        splitter.addWidget(right)
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
        # The first rows are in view at the top: scrollTo here would lay out
        # every meeting's row at once (110 of 169 ms of opening the tab with
        # 2,000 meetings, bench_minutes), which the first paint does anyway.
        self._select(target, scroll=False)
        self.tree.scrollToTop()
        if item.isValid():
            if self._loading:
                # Opening it reads its minutes: after the first paint (see the module).
                self._expansion_owed = QPersistentModelIndex(item)
            else:
                self.tree.expand(item)

    def settle(self) -> None:
        """Show now what a load left to after the first paint (nothing when nothing is owed)."""
        if self._loading:
            return
        self._expand_owed_item()
        if self._detail_owed:
            self._show_current()

    def select_item(self, item_id: AgendaItemId) -> bool:
        """Select the agenda item ``item_id``, loading its meeting's agenda if needed.

        False when no meeting holds it (or the search box's filter hides it).
        Only that meeting's agenda is read, not other agendas nor any item's
        minutes: reading agendas newest first until the item turned up took
        15 s for an item of the oldest of 2,000 meetings (bench_minutes). A
        meeting not yet in the tree is added with the batches above it.
        """
        found = self.model.load_item(item_id)
        if not found.isValid():
            return False
        target = self.proxy.mapFromSource(found)
        if not target.isValid():
            return False
        self.tree.expand(target.parent())
        self._select(target)
        self.tree.expand(target)
        self.settle()  # when it was already selected by a load, and only its heading shown
        return True

    def select_meeting(self, meeting_id: MeetingId) -> bool:
        """Select meeting ``meeting_id``, adding the tree's rows down to it if needed.

        False when there is no such meeting (or the search box's filter hides it).
        """
        found = self.model.meeting_index(meeting_id)
        if not found.isValid():
            return False
        target = self.proxy.mapFromSource(found)
        if not target.isValid():
            return False
        self._select(target)
        return True

    @property
    def editing(self) -> bool:
        """Whether the item editor, not the read view, is shown."""
        return self.edit_button.isChecked()

    def set_editing(self, editing: bool) -> None:
        """Show the item editor (True) or the read view (False)."""
        self.settle()
        self.edit_button.setChecked(editing)

    def set_workspace(self, workspace: Workspace | None) -> None:
        # What was typed belongs to the old file: commit it there before forgetting it.
        if self.editor.workspace_or_none is not None:
            self.item_editor.commit_all()
        self.item_editor.show_item(None)
        self.lifecycle_panel.finish_amendment()
        if self._owns_stack:
            self.undo_stack.clear()
        self.editor.set_workspace(workspace)
        self._edited_items.clear()
        super().set_workspace(workspace)
        if workspace is not None:
            schedule_test_script(self)

    def save_state(self, state: WindowState) -> None:
        state.save("minutes/splitter", self.splitter.saveState())

    def restore_state(self, state: WindowState) -> None:
        splitter = state.load("minutes/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    # ------------------------------------------------------------ WorkspaceTab

    def _load(self, workspace: Workspace) -> None:
        self._shown_item = None
        self._expansion_owed = None
        self.model.set_source(WorkspaceMinutesSource(workspace))
        self._update_empty_state()
        self._loading = True
        try:
            self.select_first_item()
            if not self._detail_owed:  # the selection did not change: show it anyway
                self._show_current()
        finally:
            self._loading = False
        if self._detail_owed or self._expansion_owed is not None:
            self._detail_timer.start()

    def _show_problem(self, message: str) -> None:
        self.empty_label.setText(message)
        self.stack.setCurrentWidget(self.empty_label)

    def _clear(self) -> None:
        self.empty_label.setText(_EMPTY_TEXT)
        self._shown_item = None
        self._expansion_owed = None
        self.lifecycle_panel.show_item(None)
        self.model.set_source(None)
        self._update_empty_state()
        self._show_current()

    # ------------------------------------------------------------ slots

    def _on_filter_edit_text_changed(self, text: str) -> None:
        # The search looks through every meeting (the proxy adds their rows)
        # and the loaded minutes: the first item's too.
        self.settle()
        self.proxy.set_filter_text(text)
        if text.strip():
            self._expand_loaded(QModelIndex())
        current = self.tree.currentIndex()
        if current.isValid():
            self.tree.scrollTo(current)

    def _on_selection_current_changed(self) -> None:
        self._show_current()

    def _on_tree_scroll_value_changed(self, value: int) -> None:
        if value > 0 and value == self.tree.verticalScrollBar().maximum():
            self._fetch_meetings_at_end()

    def _on_tree_scroll_range_changed(self, _minimum: int, maximum: int) -> None:
        # No scrolling at all: the rows may all fit, with room for more.
        if maximum == 0:
            self._end_timer.start()

    def _on_edit_button_toggled(self, editing: bool) -> None:
        self.settle()
        if not editing:
            self.item_editor.commit_all()
            self.item_editor.show_item(None)
            self._refresh_edited_items()
        self.centre.setCurrentWidget(self.item_editor if editing else self.read_view)
        self._shown_item = None  # show the current item again, in the new mode
        self._show_current()

    def _on_editor_change_applied(self, change: MinutesChange) -> None:
        self._edited_items.update(change.item_ids)
        if MinutesArea.LIFECYCLE in change.areas:
            status = change.after.get("status")
            if isinstance(status, str):
                self.model.set_meeting_status(change.meeting_id, MinutesStatus(status))
            if not self.editing:
                self._shown_item = None
                self._refresh_edited_items()
                self._show_current()

    def _on_editor_command_failed(self, what: str, message: str, reload: bool) -> None:
        QMessageBox.warning(
            self,
            "Could Not Make the Change",
            f"{what}: {message}\n\nThat step has been taken off the undo list.",
        )
        if reload and self.item_editor.item is not None:
            self.item_editor.reload()

    def _on_lifecycle_amendment_changed(self) -> None:
        if self.item_editor.item is not None:
            self.item_editor.reload()

    def _on_model_loading_failed(self, message: str) -> None:
        self._shown_item = None
        self.read_view.setPlainText(f"These minutes could not be loaded. {message}")

    # ------------------------------------------------------------ internals

    def _select(self, index: QModelIndex, *, scroll: bool = True) -> None:
        """Make ``index`` the one selected node, and scroll it into view unless told not to."""
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        if scroll:
            self.tree.scrollTo(index)

    def _fetch_meetings_at_end(self) -> None:
        """Add the next batch of meetings when the tree shows its last row."""
        root = QModelIndex()
        if not self.model.canFetchMore(root):
            return
        bar = self.tree.verticalScrollBar()
        if bar.maximum() == 0:
            last = self.proxy.index(self.proxy.rowCount() - 1, 0)
            shown = self.tree.viewport().rect()
            if not last.isValid() or not shown.intersects(self.tree.visualRect(last)):
                return
        elif bar.value() < bar.maximum():
            return
        self.model.fetchMore(root)

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

    def _refresh_edited_items(self) -> None:
        """Bring the tree and the read view up to date with what was edited."""
        edited, self._edited_items = self._edited_items, set()
        if not edited:
            return
        current = self.current_source_index()
        item = self._item_node_index(current)
        if item.isValid() and self.model.data(item, ItemRole.ID) in edited and item != current:
            # The selected section or point is about to be replaced: hold on to its item.
            self._select(self.proxy.mapFromSource(item))
        for item_id in edited:
            self.model.refresh_item(item_id)
        self._shown_item = None

    def _item_node_index(self, index: QModelIndex) -> QModelIndex:
        while index.isValid() and self.model.kind(index) is not NodeKind.ITEM:
            index = self.model.parent(index)
        return index

    def _expand_owed_item(self) -> None:
        """Open the first item, as a load selected it, if that was left to after the first paint."""
        owed, self._expansion_owed = self._expansion_owed, None
        if owed is not None and owed.isValid():
            self.tree.expand(owed)

    def _show_current(self) -> None:
        if not self._loading:
            self._expand_owed_item()
        self._detail_owed = False
        self._detail_timer.stop()
        source = self.current_source_index()
        kind = self.model.kind(source)
        meeting = self.model.meeting(source)
        if kind is None or meeting is None:
            self._shown_item = None
            self.read_view.clear()
            self.context_view.clear()
            self.lifecycle_panel.show_item(None)
            self.item_editor.show_item(None)
            self.linked_actions.clear(_NO_ITEM_ACTIONS)
            return
        if kind is NodeKind.MEETING:
            self.item_editor.show_item(None)
            self.lifecycle_panel.show_meeting(meeting.id)
            self._refresh_edited_items()
            self._shown_item = None
            items = [
                self.model.data(self.model.index(row, 0, source), ItemRole.ROW)
                for row in range(self.model.rowCount(source))
            ]
            summaries = [item for item in items if isinstance(item, AgendaItemSummary)]
            self.read_view.setHtml(meeting_overview_html(meeting, summaries))
            self.context_view.setHtml(meeting_context_html(meeting))
            self.linked_actions.clear(_NO_ITEM_ACTIONS)
            return
        item_index = self._item_node_index(source)
        item_id = self.model.data(item_index, ItemRole.ID)
        if self.editing:
            if self.item_editor.item_id != item_id:
                self.item_editor.show_item(item_id)
                self.lifecycle_panel.show_item(item_id)
                self._show_linked_actions(self.model.item_minutes(item_index))
            return
        if item_id in self._edited_items:
            self._refresh_edited_items()
            source = self.current_source_index()
        if self._loading and self._show_heading(item_index, meeting):
            return
        minutes = self.model.item_minutes(source)
        if minutes is None:
            return
        if self._shown_item != minutes.id:
            self._shown_item = minutes.id
            self.read_view.setHtml(item_minutes_html(minutes))
            self.context_view.setHtml(meeting_context_html(meeting, minutes))
            self.lifecycle_panel.show_item(minutes.id)
            self._show_linked_actions(minutes)
        self._scroll_to(self.model.data(source, ItemRole.ROW))

    def _show_heading(self, item_index: QModelIndex, meeting: MeetingSummary) -> bool:
        """While loading: the item's heading and meeting now, the rest owed (see the module)."""
        item = self.model.data(item_index, ItemRole.ROW)
        if not isinstance(item, AgendaItemSummary):
            return False
        self._shown_item = None
        self.read_view.setHtml(item_heading_html(item, meeting))
        self.context_view.setHtml(meeting_context_html(meeting))
        self._detail_owed = True
        return True

    def _show_linked_actions(self, minutes: ItemMinutes | None) -> None:
        """The actions that carry out the resolutions of ``minutes``' item."""
        workspace = self.workspace
        if minutes is None or workspace is None:
            self.linked_actions.clear(_NO_ITEM_ACTIONS)
            return
        resolutions = tuple((resolution.id, resolution.label) for resolution in minutes.resolutions)
        if not resolutions:
            self.linked_actions.clear(_NO_RESOLUTIONS)
            return
        self.linked_actions.show_links(
            # An edit that adds or drops a resolution is a different list to read.
            (minutes.id, tuple(ident for ident, _label in resolutions)),
            lambda: read_actions_for_resolutions(workspace, resolutions),
            empty_text=_NO_LINKED_ACTIONS,
        )

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
