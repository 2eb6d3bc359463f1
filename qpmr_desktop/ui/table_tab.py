"""A tab with a filterable, sortable table on the left and the selected row's detail on the right.

Contract: a subclass supplies the model and proxy, how rows are loaded from
the workspace (``_fetch_rows``), and the detail pane's HTML for one row
(``_detail_html``). This class does the rest the same way on every tab: the
filter box and its count ("3 of 30 indicators"), the empty-state text, chip
delegates for columns named ``rag``, the first row selected after a load (or
the previously selected row again, found by id), and the saved splitter and
header layout.

The model is any ``RowSource`` (a ``RowTableModel``, or a model that keeps its
cells in C++ items, as the Indicators tab's does) and the proxy any
``QSortFilterProxyModel`` with ``set_filter_text`` (``TextFilter``); the
selected row is read from the model's row list (``row_at``), not through a
``data()`` role, which an item model answers without Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.chips import ChipDelegate
from qpmr_desktop.ui.settings import WindowState
from qpmr_desktop.ui.table_model import Column
from qpmr_desktop.ui.workspace_tab import WorkspaceTab

RowT = TypeVar("RowT")
_AnyIndex = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()


class RowSource(Protocol[RowT]):
    """What the tab needs of its model: a list of read models shown through columns."""

    @property
    def columns(self) -> Sequence[Column[RowT]]: ...

    def set_rows(self, rows: Sequence[RowT]) -> None: ...

    def row_at(self, row: int) -> RowT: ...

    def row_of_id(self, ident: int) -> int | None: ...

    def id_of(self, row: RowT) -> int: ...

    def rowCount(self, parent: _AnyIndex = _NO_PARENT) -> int: ...

    def index(self, row: int, column: int, parent: _AnyIndex = _NO_PARENT) -> QModelIndex: ...


_FILTER_TOOLTIP = "Type words to narrow the list (Ctrl+F); every word must match"


@runtime_checkable
class TextFilter(Protocol):
    """What the tab needs of its proxy besides ``QSortFilterProxyModel``'s own."""

    def set_filter_text(self, text: str) -> None: ...


class TableTab(WorkspaceTab, Generic[RowT]):
    """The list-and-detail tab; see the module contract."""

    noun: ClassVar[tuple[str, str]] = ("row", "rows")
    filter_placeholder: ClassVar[str] = "Filter…"
    empty_text: ClassVar[str] = "Nothing here yet."
    no_selection_text: ClassVar[str] = "Nothing selected."
    detail_width: ClassVar[int] = 380  # the detail pane's share of a 1,400-pixel window

    def __init__(
        self,
        model: RowSource[RowT],
        proxy: QSortFilterProxyModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if not isinstance(proxy, TextFilter):
            raise TypeError(f"{type(proxy).__name__} has no set_filter_text")
        self.model = model
        self.proxy: QSortFilterProxyModel = proxy
        self._text_filter: TextFilter = proxy

        self.filter_edit.setPlaceholderText(self.filter_placeholder)
        self.filter_edit.setToolTip(_FILTER_TOOLTIP)
        self.filter_edit.setObjectName(f"{self.key}_filter")
        self.count_label = QLabel(self)
        self.count_label.setObjectName(f"{self.key}_count")

        self.view = QTableView(self)
        self.view.setObjectName(f"{self.key}_table")
        self._configure_view()

        self.empty_label = QLabel(self.empty_text, self)
        self.empty_label.setObjectName(f"{self.key}_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)  # drawn in the muted text colour

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)

        self.detail = QTextBrowser(self)
        self.detail.setObjectName(f"{self.key}_detail")
        self.detail.setOpenExternalLinks(True)
        self.detail.setPlaceholderText(self.no_selection_text)

        left = QWidget(self)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.count_label)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filter_row)
        left_layout.addWidget(self.stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName(f"{self.key}_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1400 - self.detail_width, self.detail_width])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        selection = self.view.selectionModel()
        selection.currentRowChanged.connect(self._on_selection_current_row_changed)
        self._update_count()

    # ------------------------------------------------------------ our API

    def current_row(self) -> RowT | None:
        """The read model of the selected row, or None."""
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def select_id(self, ident: int) -> bool:
        """Select the row with id ``ident`` if it is shown; say whether it is."""
        source_row = self.model.row_of_id(ident)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():
            return False
        self._select(index)
        return True

    def select_first(self) -> None:
        if self.proxy.rowCount() > 0:
            self._select(self.proxy.index(0, 0))

    def save_state(self, state: WindowState) -> None:
        state.save(f"{self.key}/splitter", self.splitter.saveState())
        state.save(f"{self.key}/header", self.view.horizontalHeader().saveState())

    def restore_state(self, state: WindowState) -> None:
        splitter = state.load(f"{self.key}/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header_state = state.load(f"{self.key}/header")
        header = self.view.horizontalHeader()
        if header_state is not None and header.restoreState(header_state):
            self.view.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())

    # ------------------------------------------------------------ WorkspaceTab

    def _load(self, workspace: Workspace) -> None:
        previous = self.current_row()
        previous_id = None if previous is None else self.model.id_of(previous)
        self.model.set_rows(self._fetch_rows(workspace))
        self._update_count()
        if previous_id is None or not self.select_id(previous_id):
            self.select_first()
        self._show_detail()

    def _clear(self) -> None:
        self.empty_label.setText(self.empty_text)
        self.model.set_rows(())
        self._update_count()
        self._show_detail()

    def _show_problem(self, message: str) -> None:
        self.empty_label.setText(message)
        self.stack.setCurrentWidget(self.empty_label)

    def _fetch_rows(self, workspace: Workspace) -> Sequence[RowT]:
        raise NotImplementedError

    def _detail_html(self, row: RowT) -> str:
        raise NotImplementedError

    # ------------------------------------------------------------ slots

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self._text_filter.set_filter_text(text)
        self._update_count()
        if not self.view.currentIndex().isValid():
            self.select_first()
        self._show_detail()

    def _on_selection_current_row_changed(self) -> None:
        self._show_detail()

    # ------------------------------------------------------------ internals

    def _configure_view(self) -> None:
        view = self.view
        view.setModel(self.proxy)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setShowGrid(False)
        view.verticalHeader().setVisible(False)
        line = view.fontMetrics().height()
        view.verticalHeader().setDefaultSectionSize(line + 10)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        # The last column takes up the slack unless a column is marked to stretch.
        header.setStretchLastSection(not any(column.stretch for column in self.model.columns))
        header.setSortIndicatorClearable(True)
        # No sort until the user asks: the service's order (theme, then ref) is meaningful.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        chip_delegate = ChipDelegate(view)
        for number, column in enumerate(self.model.columns):
            if column.stretch:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
            elif column.width:
                view.setColumnWidth(number, column.width)
            if column.key == "rag":
                view.setItemDelegateForColumn(number, chip_delegate)

    def _select(self, index: QModelIndex) -> None:
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index)

    def _show_detail(self) -> None:
        row = self.current_row()
        if row is None:
            self.detail.clear()
        else:
            self.detail.setHtml(self._detail_html(row))

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        singular, plural = self.noun
        if total == 0:
            self.count_label.clear()
            # Until the tab has loaded, "nothing yet" would be a false statement.
            self.stack.setCurrentWidget(self.empty_label if self.is_loaded else self.view)
            return
        self.stack.setCurrentWidget(self.view)
        noun = singular if total == 1 else plural
        if shown == total:
            self.count_label.setText(f"{total} {noun}")
        else:
            self.count_label.setText(f"{shown} of {total} {noun}")
