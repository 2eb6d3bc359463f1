"""Full-text search over every meeting's minutes: a search box and its results.

Contract:

- ``SearchPanel`` runs ``services.minutes_search.search_minutes`` for what is
  typed in ``search_edit``: at Enter, or after a short pause in typing
  (``PAUSE_MS``). The search runs off the GUI thread (``run_in_background``);
  only the answer to the latest query is shown, so a slow search never
  overwrites a newer one. ``search_finished(count)`` is emitted when results
  (perhaps none) are shown.
- Results are a ``SearchResultModel`` in a table: item, meeting date,
  committee, where it matched and the snippet with the matched words in bold
  (``SnippetDelegate`` draws ``ResolutionRole.SNIPPET_HTML``, which is
  escaped). Activating a result (double-click, Enter) emits
  ``item_activated(item_id)``.
- What is typed is never an error (the service makes any text a valid
  query); the message line says in words what there is: nothing typed yet,
  how many results, nothing found. A search that fails (the file went away)
  says so there and in the log.
- ``set_workspace`` forgets the results; ``None`` disables searching. Call
  ``wait`` before closing the workspace a search may be reading.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QPainter,
    QPalette,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.services.read_models import SearchHit
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.background import BackgroundTask, TaskControl, run_in_background
from qpmr_desktop.ui.chips import draw_item_background
from qpmr_desktop.ui.resolution_model import ResolutionRole, SearchResultModel

_log = logging.getLogger(__name__)

#: The pause in typing after which the search runs by itself.
PAUSE_MS: Final = 350
#: More results than anyone reads; the service ranks the best first.
RESULT_LIMIT: Final = 200

PROMPT_TEXT: Final = (
    "Search every title, heading, point and resolution of all minutes: type words above. "
    'Every word must match; "quotes" find a phrase, OR accepts either word.'
)
NO_WORKSPACE_TEXT: Final = "Open a database to search its minutes."


@dataclass(frozen=True, slots=True)
class _Answer:
    """What a search sends back to the GUI thread: which query it answers, and the hits."""

    generation: int
    text: str
    hits: list[SearchHit]


class SnippetDelegate(QStyledItemDelegate):
    """Draws ``ResolutionRole.SNIPPET_HTML`` on one line, clipped to the cell.

    The HTML is the model's, already escaped; the delegate only lays it out
    in the cell's font and the palette's text (or selected-text) colour.
    """

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        rich = index.data(ResolutionRole.SNIPPET_HTML)
        if not isinstance(rich, str):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        draw_item_background(opt, painter)
        document = self._document(rich, opt)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        cell = QRectF(opt.rect).adjusted(4, 0, -4, 0)
        top = cell.top() + max(0.0, (cell.height() - document.size().height()) / 2)
        painter.save()
        painter.setClipRect(cell)
        painter.translate(QPointF(cell.left(), top))
        context.clip = QRectF(0, 0, cell.width(), cell.height())
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        rich = index.data(ResolutionRole.SNIPPET_HTML)
        if not isinstance(rich, str):
            return size
        document = self._document(rich, option)
        return QSize(
            int(document.idealWidth()) + 8, max(size.height(), int(document.size().height()))
        )

    @staticmethod
    def _document(rich: str, option: QStyleOptionViewItem) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        text_option = QTextOption()
        # One line per result, like every other cell; the tooltip has the rest.
        text_option.setWrapMode(QTextOption.WrapMode.NoWrap)
        document.setDefaultTextOption(text_option)
        document.setHtml(rich)
        return document


class SearchPanel(QWidget):
    """The search box, a message line and the results; see the module contract."""

    item_activated = Signal(int)  # the agenda item's id
    search_finished = Signal(int)  # how many results are shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._task: BackgroundTask | None = None
        self._generation = 0  # the latest query's number: older answers are dropped
        self._searched_text = ""

        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("minutes_search")
        self.search_edit.setPlaceholderText("Search all minutes…")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(
            "Search every meeting's minutes and resolutions; Enter searches at once"
        )
        self.message_label = QLabel(self)
        self.message_label.setObjectName("minutes_search_message")
        self.message_label.setWordWrap(True)
        self.message_label.setEnabled(False)  # drawn in the muted text colour

        self.model = SearchResultModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("minutes_search_results")
        self._configure_view()

        self.empty_label = QLabel(PROMPT_TEXT, self)
        self.empty_label.setObjectName("minutes_search_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)
        self.stack.setCurrentWidget(self.empty_label)

        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(PAUSE_MS)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 2)
        top.addWidget(self.message_label, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self._pause.timeout.connect(self._on_pause_timeout)
        self.view.activated.connect(self._on_view_activated)
        self._show_message("")

    # ------------------------------------------------------------ our API

    @property
    def searched_text(self) -> str:
        """The query whose results are shown ("" before any)."""
        return self._searched_text

    @property
    def is_searching(self) -> bool:
        return self._task is not None

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Search ``workspace`` from now on, forgetting the results shown."""
        self.wait()
        self._generation += 1
        self._task = None
        self._workspace = workspace
        self._pause.stop()
        self._searched_text = ""
        self.model.set_rows(())
        self.search_edit.setEnabled(workspace is not None)
        self.empty_label.setText(PROMPT_TEXT if workspace is not None else NO_WORKSPACE_TEXT)
        self.stack.setCurrentWidget(self.empty_label)
        self._show_message("")

    def search_now(self) -> None:
        """Search for what is typed at once (Enter does the same)."""
        self._pause.stop()
        self._start_search(self.search_edit.text())

    def wait(self) -> None:
        """Block until a running search has stopped reading the database."""
        if self._task is not None:
            self._task.wait()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def item_id_at(self, row: int) -> int:
        """The agenda item of result ``row`` (0 = best)."""
        return int(self.model.data(self.model.index(row, 0), ResolutionRole.ITEM_ID))

    # ------------------------------------------------------------ slots

    def _on_search_edit_text_changed(self, text: str) -> None:
        if text.strip():
            self._pause.start()
            return
        # Clearing the box clears the results at once: nothing to wait for.
        self._pause.stop()
        self._start_search("")

    def _on_search_edit_return_pressed(self) -> None:
        self.search_now()

    def _on_pause_timeout(self) -> None:
        self._start_search(self.search_edit.text())

    def _on_view_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.item_activated.emit(self.item_id_at(index.row()))

    def _on_task_succeeded(self, result: object) -> None:
        assert isinstance(result, _Answer)
        if result.generation != self._generation:
            return  # an answer to a query that has since changed
        self._task = None
        self._show_hits(result.text, result.hits)

    def _on_task_failed(self, error: object) -> None:
        # A task's failure reaches here whichever query it was: only the latest is reported.
        if self._task is None or self.sender() is not self._task:
            _log.info("An earlier search failed after a newer one started: %s", error)
            return
        self._task = None
        _log.error("The search of the minutes failed", exc_info=error)  # type: ignore[arg-type]
        self._show_message(f"The search could not be run: {error}. Details are in the log.")
        self.search_finished.emit(0)

    # ------------------------------------------------------------ internals

    def _start_search(self, text: str) -> None:
        query = text.strip()
        self._generation += 1
        if not query or self._workspace is None:
            self._task = None
            self._searched_text = ""
            self.model.set_rows(())
            self.empty_label.setText(
                PROMPT_TEXT if self._workspace is not None else NO_WORKSPACE_TEXT
            )
            self.stack.setCurrentWidget(self.empty_label)
            self._show_message("")
            return
        workspace = self._workspace
        generation = self._generation

        def work(_control: TaskControl) -> _Answer:
            from qpmr_desktop.services.minutes_search import search_minutes  # noqa: PLC0415 - loads after first paint

            hits = search_minutes(workspace=workspace, query=query, limit=RESULT_LIMIT)
            return _Answer(generation, query, hits)

        self._show_message("Searching…")
        task = run_in_background(work, description=f"searching the minutes for {query!r}")
        task.succeeded.connect(self._on_task_succeeded)
        task.failed.connect(self._on_task_failed)
        self._task = task

    def _show_hits(self, text: str, hits: Sequence[SearchHit]) -> None:
        self._searched_text = text
        self.model.set_hits(hits)
        if hits:
            self.stack.setCurrentWidget(self.view)
            noun = "result" if len(hits) == 1 else "results"
            more = " (the best shown)" if len(hits) >= RESULT_LIMIT else ""
            self._show_message(
                f"{len(hits):,} {noun}{more} — double-click or press Enter to open the item."
            )
            self.view.setCurrentIndex(self.model.index(0, 0))
        else:
            self.empty_label.setText(
                f"Nothing in the minutes matches “{text}”. Check the spelling, use fewer "
                "words, or type the start of a word."
            )
            self.stack.setCurrentWidget(self.empty_label)
            self._show_message("No results.")
        self.search_finished.emit(len(hits))

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)

    def _configure_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setShowGrid(False)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        for number, column in enumerate(self.model.columns):
            if column.stretch:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
            elif column.width:
                view.setColumnWidth(number, column.width)
        view.setItemDelegateForColumn(self.model.column_of("snippet"), SnippetDelegate(view))
