"""The Indicators tab's detail pane: the judgement in words, the chart, the values grid, commentary.

Contract:

- ``IndicatorDetailPane.show_indicator(row, detail)`` shows one indicator:
  the header (``header``, a read-only rich-text view: ref and name; theme,
  polarity in words, frequency, unit, owner; the latest RAG as shape + word +
  colour with its reason sentence; direction of travel against the previous
  quarter and the same quarter last year; any record; a sample-data note),
  then the trend chart (``chart``, the last ``CHART_QUARTERS`` quarters), then
  the values grid (``values_view`` over ``values_model``), then the commentary
  of the period selected in the grid (``commentary_edit``). ``clear`` empties
  it all. Every text from the database is escaped: names show verbatim.
- The commentary box commits what was typed as an undoable edit when it loses
  the focus and after ``COMMENTARY_PAUSE_MS`` without typing; consecutive
  commits to one period merge into one undo step. A refresh never overwrites
  text that is being typed and not yet committed.
- ``ValuesTableView`` keeps its own keys when it has the focus (F2 edits the
  cell, Delete clears the selected cells, Ctrl+C copies them, Ctrl+V pastes a
  tab-separated block as one undo step), ahead of the window's shortcuts.
- Refused and questionable edits are explained in ``message_label`` in words
  ("✖ …", "⚠ …"), never by colour alone.
- Below the commentary, ``linked_actions`` lists the actions the indicator
  evidences (``linked_actions.LinkedActionsPanel``), read only while the pane
  is visible; ``action_activated(action_id)`` forwards a request to open one
  (the main window shows it on the Actions tab).
"""

from __future__ import annotations

import html
from typing import Final

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.charts.indicator_chart import ChartPoint, ComparatorSeries, IndicatorChartData
from qpmr_desktop.domain.performance import Rag
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.services.read_models import IndicatorDetail, IndicatorRow
from qpmr_desktop.ui.chart_canvas import ChartCanvas
from qpmr_desktop.ui.chips import GREY, RAG_COLOURS, ChipDelegate, badge_html, rag_text
from qpmr_desktop.ui.indicator_commands import IndicatorEditor
from qpmr_desktop.ui.indicator_values_model import CellKind, IndicatorValuesModel
from qpmr_desktop.ui.linked_actions import (
    INDICATOR_EMPTY_TEXT,
    LinkedActionsPanel,
    read_actions_for_indicator,
)
from qpmr_desktop.ui.value_delegates import FigureDelegate, StatusDelegate

__all__ = [
    "CHART_QUARTERS",
    "COMMENTARY_PAUSE_MS",
    "SAMPLE_NOTE",
    "CommentaryEdit",
    "IndicatorDetailPane",
    "ValuesTableView",
    "chart_data_for",
    "indicator_header_html",
]

CHART_QUARTERS: Final = 12  # CONVENTIONS.md: 8–12 quarters
COMMENTARY_PAUSE_MS: Final = 1500
SAMPLE_NOTE = "Sample data: these figures are for demonstration, not from a published source."
_MUTED = f'style="color: {GREY};"'


def _text(text: str) -> str:
    return html.escape(text, quote=True)


def indicator_header_html(row: IndicatorRow, detail: IndicatorDetail | None) -> str:
    """The header of the detail pane for one indicator; every text escaped."""
    facts = [row.theme, row.polarity.label]
    if detail is not None:
        facts.append(detail.frequency.value)
    facts.append(row.unit.value)
    if detail is not None and detail.owner:
        facts.append(f"owner: {detail.owner}")
    chip = badge_html(_text(rag_text(row.rag)), RAG_COLOURS[row.rag])
    # The reason usually opens with the judgement ("Red: …"), which the chip already says.
    reason = row.rag_reason.removeprefix(f"{row.rag.label}: ")
    parts = [
        (
            f"<p><b style='font-size: large;'>{_text(row.ref)}</b>&nbsp;&nbsp;"
            f"<b>{_text(row.name)}</b><br><span {_MUTED}>"
            f"{' · '.join(_text(fact) for fact in facts)}</span></p>"
        ),
        f"<p>{chip}&nbsp; {_text(reason)}</p>",
    ]
    lines = []
    if row.latest_period is not None:
        target = f" · target {_text(row.target_text)}" if row.target_text else " · no target set"
        lines.append(f"{_text(row.latest_period)}: <b>{_text(row.value_text or '—')}</b>{target}")
    if row.direction_text:
        lines.append(f"<b>Direction of travel:</b> {_text(row.direction_text)}")
    if row.record:
        lines.append(f"<b>Record:</b> {_text(row.record)}")
    if lines:
        parts.append(f"<p>{'<br>'.join(lines)}</p>")
    if row.is_sample or (detail is not None and detail.is_sample):
        parts.append(f"<p {_MUTED}><i>{_text(SAMPLE_NOTE)}</i></p>")
    if detail is not None and detail.retired:
        parts.append("<p><b>Retired:</b> not on the scorecard; its history is kept.</p>")
    return "\n".join(parts)


def chart_data_for(detail: IndicatorDetail, quarters: int = CHART_QUARTERS) -> IndicatorChartData:
    """The chart of the last ``quarters`` quarters up to the latest figure, gaps kept."""
    rows = {value.period: value for value in detail.values}
    valued = [value.period for value in detail.values if value.value is not None]
    points: list[ChartPoint] = []
    window: list[Quarter] = []
    if valued:
        first = min(rows)
        period = valued[-1]
        while len(window) < quarters and period >= first:
            window.append(period)
            period = period.previous()
        window.reverse()
    for period in window:
        row = rows.get(period)
        if row is None:
            points.append(ChartPoint(period=period, value=None, target=None, rag=Rag.NO_DATA))
        else:
            points.append(
                ChartPoint(period=period, value=row.value, target=row.effective_target, rag=row.rag)
            )
    comparators = []
    for label, field in (
        ("England", "england"),
        ("Region", "region"),
        ("Statistical neighbours", "statistical_neighbours"),
    ):
        series = tuple(
            getattr(rows[period], field) if period in rows else None for period in window
        )
        if any(value is not None for value in series):
            comparators.append(ComparatorSeries(label=label, values=series))
    sample = any(rows[period].is_sample for period in window if period in rows)
    return IndicatorChartData(
        ref=detail.ref,
        name=detail.name,
        unit=detail.unit,
        decimals=detail.decimals,
        polarity=detail.polarity,
        points=tuple(points),
        comparators=tuple(comparators),
        sample=sample,
    )


class ValuesTableView(QTableView):
    """The values grid's view: its own keys win while it has the focus (see the module)."""

    message_shown = Signal(str)

    _OWN_KEYS: Final = (
        QKeySequence.StandardKey.Copy,
        QKeySequence.StandardKey.Paste,
        QKeySequence.StandardKey.Delete,
    )

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._is_own_key(event)
        ):
            event.accept()  # ours, not the window's (F2 is not "Edit Indicator" here)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model = self.model()
        if isinstance(model, IndicatorValuesModel) and self.state() != self.State.EditingState:
            if event.matches(QKeySequence.StandardKey.Paste):
                self._paste(model)
                return
            if event.matches(QKeySequence.StandardKey.Copy):
                text = model.copy_text(self.selectedIndexes())
                QApplication.clipboard().setText(text)
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                model.clear_cells(self.selectedIndexes())
                return
        super().keyPressEvent(event)

    def _paste(self, model: IndicatorValuesModel) -> None:
        text = QApplication.clipboard().text()
        selected = self.selectedIndexes()
        start = min(selected, key=lambda i: (i.row(), i.column())) if selected else None
        start = start or self.currentIndex()
        if not text or not start.isValid():
            self.message_shown.emit("Nothing to paste: copy figures from a spreadsheet first.")
            return
        if model.paste_text(start, text):
            count = text.strip("\n").count("\n") + 1
            self.message_shown.emit(f"Pasted {count} row{'s' if count != 1 else ''}.")

    def _is_own_key(self, event: QKeyEvent) -> bool:
        if event.key() in (Qt.Key.Key_F2, Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            return True
        return any(event.matches(key) for key in self._OWN_KEYS)


class CommentaryEdit(QPlainTextEdit):
    """Plain text that reports losing the focus, so the pane can commit it."""

    focus_lost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_lost.emit()


class IndicatorDetailPane(QWidget):
    """Header, chart, values, commentary and linked actions of one indicator; see the module."""

    action_activated = Signal(int)  # an action's id, from the linked actions

    def __init__(
        self,
        editor: IndicatorEditor,
        undo_stack: QUndoStack,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("indicators_detail_pane")
        self._editor = editor
        self._row: IndicatorRow | None = None
        self._commentary_period: Quarter | None = None
        self._committed_text = ""

        self.header = QTextBrowser(self)
        self.header.setObjectName("indicators_detail")
        self.header.setOpenExternalLinks(True)
        self.header.setPlaceholderText("Select an indicator to see its judgement.")
        self.header.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.header.document().setDefaultStyleSheet("p { margin-top: 0; margin-bottom: 5px; }")
        self.header.document().setDocumentMargin(2)

        self.chart = ChartCanvas(self)

        self.values_model = IndicatorValuesModel(editor, undo_stack, self)
        self.values_view = ValuesTableView(self)
        self.values_view.setObjectName("indicator_values")
        self._configure_values_view()

        self.message_label = QLabel(self)
        self.message_label.setObjectName("indicator_values_message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        commentary = self._build_commentary()
        self.linked_actions = LinkedActionsPanel(title="Linked actions", parent=self)
        self.linked_actions.setObjectName("indicator_linked_actions")
        grid = QWidget(self)
        grid_layout = QVBoxLayout(grid)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.setSpacing(2)
        grid_layout.addWidget(self.values_view, 1)
        grid_layout.addWidget(self.message_label)

        scroll = self._build_splitter(grid, commentary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(COMMENTARY_PAUSE_MS)
        self._pause.timeout.connect(self._on_pause_timeout)
        self._connect()
        self._set_enabled(False)

    # ------------------------------------------------------------ our API

    @property
    def commentary_period(self) -> Quarter | None:
        """The period whose commentary the box shows and edits."""
        return self._commentary_period

    def show_indicator(self, row: IndicatorRow, detail: IndicatorDetail) -> None:
        """Show ``row`` (its scorecard line) and ``detail`` (everything else)."""
        same = self.values_model.detail is not None and self.values_model.detail.id == detail.id
        if not same:
            self.commit_commentary()
            self.message_label.clear()
        self._row = row
        self.header.setHtml(indicator_header_html(row, detail))
        self.chart.set_data(chart_data_for(detail))
        self.values_model.set_detail(detail)
        self._set_enabled(True)
        if not same:
            self._fit_value_column()
            self._select_latest_period()
        self._show_commentary()
        self._show_linked_actions(detail.id)

    def clear(self, *, commit: bool = True) -> None:
        """Show nothing; ``commit`` False drops commentary typed and not yet saved."""
        if commit:
            self.commit_commentary()
        else:
            self._pause.stop()
        self._row = None
        self.header.clear()
        self.chart.set_data(None)
        self.values_model.set_detail(None)
        self.message_label.clear()
        self._commentary_period = None
        self._set_commentary_text("")
        self.commentary_label.setText("Commentary")
        self.linked_actions.clear("Select an indicator to see the actions it evidences.")
        self._set_enabled(False)

    def commit_commentary(self) -> None:
        """Save what the commentary box holds now, if it differs (an undoable edit)."""
        self._pause.stop()
        period = self._commentary_period
        text = self.commentary_edit.toPlainText()
        if period is None or text == self._committed_text:
            return
        if self.values_model.commit_commentary(period, text):
            self._committed_text = text

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)

    # ------------------------------------------------------------ slots

    def _on_commentary_edit_text_changed(self) -> None:
        if self.commentary_edit.hasFocus():
            self._pause.start()

    def _on_commentary_edit_focus_lost(self) -> None:
        self.commit_commentary()

    def _on_pause_timeout(self) -> None:
        self.commit_commentary()

    def _on_values_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.row() != previous.row():
            self.commit_commentary()
            self._show_commentary()

    def _on_values_model_edit_refused(self, message: str) -> None:
        self.message_label.setText(f"✖ Not saved: {message}")

    def _on_values_model_edit_warned(self, message: str) -> None:
        self.message_label.setText(f"⚠ Saved, but check: {message}")

    def _on_values_model_reset(self) -> None:
        self._show_commentary()

    def _on_values_model_data_changed(self) -> None:
        self._show_commentary()

    # ------------------------------------------------------------ internals

    def _connect(self) -> None:
        self.commentary_edit.textChanged.connect(self._on_commentary_edit_text_changed)
        self.commentary_edit.focus_lost.connect(self._on_commentary_edit_focus_lost)
        self.values_view.selectionModel().currentRowChanged.connect(
            self._on_values_current_row_changed
        )
        self.values_view.message_shown.connect(self.show_message)
        self.values_model.edit_refused.connect(self._on_values_model_edit_refused)
        self.values_model.edit_warned.connect(self._on_values_model_edit_warned)
        self.values_model.modelReset.connect(self._on_values_model_reset)
        self.values_model.dataChanged.connect(self._on_values_model_data_changed)
        self.linked_actions.action_activated.connect(self.action_activated)

    def _build_splitter(self, grid: QWidget, commentary: QWidget) -> QScrollArea:
        """The pane's parts in a splitter the user can resize, in a scroll area."""
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("indicators_detail_splitter")
        for widget in (self.header, self.chart, grid, commentary, self.linked_actions):
            self.splitter.addWidget(widget)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([150, 260, 220, 100, 110])
        self.header.setMinimumHeight(60)
        # A chart shorter than this squeezes its axis labels into the ticks,
        # and a grid shorter than this shows half a row: in a small window
        # the pane scrolls rather than squash them.
        self.chart.setMinimumHeight(190)
        grid.setMinimumHeight(110)
        commentary.setMinimumHeight(60)
        self.linked_actions.setMinimumHeight(60)

        scroll = QScrollArea(self)
        scroll.setObjectName("indicators_detail_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.splitter)
        return scroll

    def _build_commentary(self) -> QWidget:
        commentary = QWidget(self)
        self.commentary_label = QLabel("Commentary", commentary)
        self.commentary_label.setObjectName("indicator_commentary_label")
        self.commentary_edit = CommentaryEdit(commentary)
        self.commentary_edit.setObjectName("indicator_commentary")
        self.commentary_edit.setPlaceholderText(
            "What happened → why → what is being done (owner, date) → expected impact"
        )
        self.commentary_edit.setTabChangesFocus(True)
        self.commentary_label.setBuddy(self.commentary_edit)
        commentary_layout = QVBoxLayout(commentary)
        commentary_layout.setContentsMargins(0, 4, 0, 0)
        commentary_layout.setSpacing(2)
        commentary_layout.addWidget(self.commentary_label)
        commentary_layout.addWidget(self.commentary_edit, 1)
        return commentary

    def _configure_values_view(self) -> None:
        view = self.values_view
        view.setModel(self.values_model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        figures = FigureDelegate(view)
        figures.input_refused.connect(self._on_values_model_edit_refused)
        status = StatusDelegate(view)
        chips = ChipDelegate(view)
        for number, column in enumerate(self.values_model.columns):
            if column.width:
                view.setColumnWidth(number, column.width)
            if column.kind is CellKind.FIGURE:
                view.setItemDelegateForColumn(number, figures)
            elif column.kind is CellKind.STATUS:
                view.setItemDelegateForColumn(number, status)
            elif column.key == "rag":
                view.setItemDelegateForColumn(number, chips)

    def _fit_value_column(self) -> None:
        # The Value header names a rate's base ("Value (per 100,000)"): never cut it.
        column = self.values_model.column_of("value")
        header = self.values_view.horizontalHeader()
        wanted = max(self.values_model.columns[column].width, header.sectionSizeHint(column))
        self.values_view.setColumnWidth(column, wanted)

    def _show_linked_actions(self, indicator_id: int) -> None:
        workspace = self._editor.workspace
        self.linked_actions.show_links(
            indicator_id,  # clear() forgets it when the database changes
            lambda: read_actions_for_indicator(workspace, indicator_id),
            empty_text=INDICATOR_EMPTY_TEXT,
        )

    def _set_enabled(self, enabled: bool) -> None:
        self.values_view.setEnabled(enabled)
        self.commentary_edit.setEnabled(enabled)

    def _select_latest_period(self) -> None:
        model = self.values_model
        rows = [n for n in range(model.rowCount()) if not model.is_new_row(n)]
        valued = [n for n in rows if _has_value(model, n)]
        target = (valued or rows or [model.rowCount() - 1])[-1]
        if target < 0:
            return
        index = model.index(target, model.column_of("value"))
        self.values_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        # Latest at the bottom, with the new row under it in view.
        self.values_view.scrollToBottom()

    def _show_commentary(self) -> None:
        """Show the commentary of the grid's current period, unless it is being typed."""
        model = self.values_model
        index = self.values_view.currentIndex()
        period = model.period_at(index.row()) if index.isValid() else None
        stored = model.value_row_at(index.row()) if index.isValid() else None
        text = stored.commentary if stored is not None else ""
        typing = (
            period == self._commentary_period
            and self.commentary_edit.hasFocus()
            and self.commentary_edit.toPlainText() != self._committed_text
        )
        self._commentary_period = period
        if period is None:
            self.commentary_label.setText("Commentary")
        else:
            where = f"{period.label} (new)" if stored is None else period.label
            self.commentary_label.setText(f"Commentary — {where}")
        if typing:
            self._committed_text = text
            return
        self._committed_text = text
        if self.commentary_edit.toPlainText() != text:
            self._set_commentary_text(text)

    def _set_commentary_text(self, text: str) -> None:
        blocked = self.commentary_edit.blockSignals(True)
        try:
            cursor = self.commentary_edit.textCursor().position()
            self.commentary_edit.setPlainText(text)
            restored = self.commentary_edit.textCursor()
            restored.setPosition(min(cursor, len(text)))
            self.commentary_edit.setTextCursor(restored)
        finally:
            self.commentary_edit.blockSignals(blocked)


def _has_value(model: IndicatorValuesModel, row: int) -> bool:
    stored = model.value_row_at(row)
    return stored is not None and stored.value is not None
