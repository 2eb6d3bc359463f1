"""The import dialog's file, preview and result pages: what they show, not when.

Contract: these widgets only display what they are given and report what is
picked (``FilePage.file_chosen``); the dialog (``import_dialog``) decides
when to read, preview and apply, off the GUI thread.

* ``FilePage`` — a path (read on Enter), "Browse…", and what became of
  reading it: the detected format ("CSV, Windows-1252, semicolon-separated ·
  45 rows · 12 columns") or the ``ImportFileError`` message, word for word.
  ``file_chosen`` asks for a file to be read; ``path_edited`` says the path
  typed is no longer the file read.
* ``PreviewPage`` — the preview's counts as chips (shape + word + colour),
  what it would create, the columns it leaves out, its notes, any problem
  with the file as a whole, and every row in a sortable table that can be
  filtered by status and by words (it opens on the errors when there are
  any). ``import_allowed`` is False while anything is wrong, and
  ``blocked_reason`` says why in a sentence; otherwise it says what Import
  will do.
* ``DonePage`` — what an applied import changed.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.services.import_mapping import fold_header
from qpmr_desktop.services.indicator_import import (
    ImportPreview,
    ImportResult,
    RowStatus,
    SourceTable,
)
from qpmr_desktop.ui.chips import AMBER, GREY, ChipDelegate, badge_html
from qpmr_desktop.ui.import_preview_model import (
    STATUS_COLOURS,
    STATUS_TEXT,
    ImportPreviewModel,
    ImportPreviewProxy,
    PreviewLine,
    issue_text,
)

IMPORT_FILE_FILTER = (
    "Spreadsheets (*.csv *.xlsx *.txt);;CSV files (*.csv *.txt);;Excel workbooks (*.xlsx);;"
    "All files (*)"
)
PROBLEM_STYLE = "color: #c62828;"
HINT_STYLE = "color: #505a5f;"
_LISTED = 12  # refs or notes named on the page; the rest are counted, and in the tooltip


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 row", "3 rows", "1,200 rows"."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def _hint(parent: QWidget, text: str = "", name: str = "") -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    if name:
        label.setObjectName(name)
    return label


def _listed(items: Sequence[str], limit: int = _LISTED) -> str:
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit:,} more"


class FilePage(QWidget):
    """Step 1: the file to import; see the module contract."""

    file_chosen = Signal(Path)
    path_edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("file_path")
        self.path_edit.setPlaceholderText("Choose a CSV or Excel file…")
        self.browse_button = QPushButton("&Browse…", self)
        self.browse_button.setObjectName("browse")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("file_status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.columns_label = _hint(self, name="file_columns")
        self.columns_label.setTextFormat(Qt.TextFormat.PlainText)

        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Which file holds the figures?</b>", self))
        layout.addLayout(row)
        layout.addWidget(self.status_label)
        layout.addWidget(self.columns_label)
        layout.addSpacing(12)
        layout.addWidget(
            _hint(
                self,
                "CSV files (UTF-8 or Windows-1252; comma-, semicolon- or tab-separated) and "
                "Excel workbooks (.xlsx, the first sheet) can be imported. The native layout has "
                "one row per indicator and quarter, with the columns indicator_ref, period, "
                "value, target, england, region, statistical_neighbours, numerator, "
                "denominator, status and commentary (any order, any case); with "
                "indicator_name, theme, unit and polarity it also creates new indicators.",
            )
        )
        layout.addWidget(
            _hint(
                self,
                "Other layouts — a column per quarter, cryptic headers, comparators as rows — "
                "are mapped in the next step, and the mapping can be saved for next time. "
                "Nothing is changed until you have seen the preview and chosen Import.",
            )
        )
        layout.addStretch(1)

        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.path_edit.returnPressed.connect(self._on_path_edit_return_pressed)
        self.path_edit.textEdited.connect(self.path_edited)

    def set_path(self, path: Path) -> None:
        self.path_edit.setText(str(path))

    def show_reading(self, path: Path) -> None:
        self.status_label.setStyleSheet("")
        self.status_label.setText(f"Reading {path.name}…")
        self.columns_label.clear()

    def show_table(self, table: SourceTable) -> None:
        self.status_label.setStyleSheet("")
        columns = len(table.headers)
        self.status_label.setText(
            f"{table.path.name}: {table.description} · {plural(len(table.rows), 'row')} · "
            f"{plural(columns, 'column')}"
        )
        self.columns_label.setText(
            "Columns: " + ", ".join(h or "(no header)" for h in table.headers)
        )

    def show_problem(self, text: str) -> None:
        self.status_label.setStyleSheet(PROBLEM_STYLE)
        self.status_label.setText(text)
        self.columns_label.clear()

    def show_note(self, text: str) -> None:
        self.status_label.setStyleSheet("")
        self.status_label.setText(text)
        self.columns_label.clear()

    @property
    def status_text(self) -> str:
        return self.status_label.text()

    @Slot()
    def _on_browse_button_clicked(self) -> None:
        current = self.path_edit.text().strip()
        start = str(Path(current).parent) if current else ""
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Choose a File to Import", start, IMPORT_FILE_FILTER
        )
        if chosen:
            self.set_path(Path(chosen))
            self.file_chosen.emit(Path(chosen))

    @Slot()
    def _on_path_edit_return_pressed(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.file_chosen.emit(Path(text))


class PreviewPage(QWidget):
    """Step 3: what the import would do, row by row; see the module contract."""

    _FILTERS: tuple[tuple[str, RowStatus | None], ...] = (
        ("All rows", None),
        ("Errors", RowStatus.ERROR),
        ("New", RowStatus.NEW),
        ("Updated", RowStatus.UPDATED),
        ("Unchanged", RowStatus.UNCHANGED),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preview: ImportPreview | None = None
        self.model = ImportPreviewModel(self)
        self.proxy = ImportPreviewProxy(self.model, self)
        self._build()
        self.status_combo.currentIndexChanged.connect(self._on_status_combo_current_index_changed)
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.proxy.rowsInserted.connect(self._on_proxy_rows_changed)
        self.proxy.rowsRemoved.connect(self._on_proxy_rows_changed)
        self.proxy.modelReset.connect(self._on_proxy_rows_changed)
        self.proxy.layoutChanged.connect(self._on_proxy_rows_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)

    def _build(self) -> None:
        self.banner_label = QLabel(self)
        self.banner_label.setObjectName("preview_banner")
        self.banner_label.setWordWrap(True)
        self.banner_label.setTextFormat(Qt.TextFormat.PlainText)
        self.banner_label.setStyleSheet(f"color: {AMBER}; font-weight: 600;")
        self.banner_label.hide()
        self.summary_label = _hint(self, name="preview_summary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("preview_counts")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label = QLabel(self)
        self.details_label.setObjectName("preview_details")
        self.details_label.setWordWrap(True)
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.file_issues_label = QLabel(self)
        self.file_issues_label.setObjectName("preview_file_issues")
        self.file_issues_label.setWordWrap(True)
        self.file_issues_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_issues_label.setStyleSheet(PROBLEM_STYLE)
        self.file_issues_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._build_filters()
        self._build_table()
        self.row_detail_label = QLabel(self)
        self.row_detail_label.setObjectName("preview_row_detail")
        self.row_detail_label.setWordWrap(True)
        self.row_detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.row_detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label = QLabel(self)
        self.reason_label.setObjectName("preview_reason")
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextFormat(Qt.TextFormat.PlainText)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show:", self))
        filters.addWidget(self.status_combo)
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.shown_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.file_issues_label)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.row_detail_label)
        layout.addWidget(self.reason_label)

    def _build_filters(self) -> None:
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("preview_status_filter")
        # Items carry no data: a StrEnum would come back from Qt as a plain str.
        for text, _status in self._FILTERS:
            self.status_combo.addItem(text)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("preview_filter")
        self.filter_edit.setPlaceholderText("Filter rows: ref, period, words…")
        self.filter_edit.setClearButtonEnabled(True)
        self.shown_label = _hint(self, name="preview_shown")
        self.shown_label.setWordWrap(False)

    def _build_table(self) -> None:
        self.table = QTableView(self)
        self.table.setObjectName("preview_table")
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(
            self.model.column_of("status"), ChipDelegate(self.table)
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vertical = self.table.verticalHeader()
        vertical.hide()
        # Fixed heights: a 100,000-row preview must not measure every row.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        widths = {"row": 52, "status": 118, "ref": 80, "period": 88}
        for number, column in enumerate(self.model.columns):
            header.resizeSection(number, widths.get(column.key, column.width or 120))
        # No sort until asked for: the file's own order first (and no cost).
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

    # ------------------------------------------------------------ our API

    @property
    def preview(self) -> ImportPreview | None:
        return self._preview

    def show_preview(
        self, preview: ImportPreview, lines: Sequence[PreviewLine], *, banner: str = ""
    ) -> None:
        """Show a new preview (a full reload); ``banner`` says why it was made again."""
        self._preview = preview
        self.banner_label.setText(banner)
        self.banner_label.setVisible(bool(banner))
        self.summary_label.setText(_summary(preview))
        self.counts_label.setText(_counts_html(preview))
        self.details_label.setText(_details_html(preview))
        self.details_label.setToolTip(_details_tooltip(preview))
        self.details_label.setVisible(bool(self.details_label.text()))
        issues = "\n".join(issue_text(issue) for issue in preview.file_issues)
        self.file_issues_label.setText(
            f"The file cannot be imported as mapped:\n{issues}" if issues else ""
        )
        self.file_issues_label.setVisible(bool(issues))
        self.filter_edit.clear()
        self.model.set_lines(lines)
        counts = preview.counts
        # Room for what matters: the problems when there are errors, else the changes.
        self.table.horizontalHeader().resizeSection(
            self.model.column_of("changes"), 200 if counts.errors else 420
        )
        for number, (text, status) in enumerate(self._FILTERS):
            count = counts.total if status is None else counts.as_dict()[_COUNT_KEYS[status]]
            self.status_combo.setItemText(number, f"{text} ({count:,})")
        # Open on the errors: they are what has to be dealt with.
        self.status_combo.setCurrentIndex(1 if counts.errors else 0)
        self.reason_label.setText(self.blocked_reason or _what_import_does(preview))
        self.reason_label.setStyleSheet(PROBLEM_STYLE if self.blocked_reason else "")
        self._update_shown()

    def clear(self) -> None:
        self._preview = None
        self.model.clear()

    @property
    def import_allowed(self) -> bool:
        return self._preview is not None and not self.blocked_reason

    @property
    def blocked_reason(self) -> str:
        """Why Import is disabled, in a sentence ("" when it is allowed)."""
        preview = self._preview
        if preview is None:
            return "There is no preview yet."
        if preview.file_issues:
            return (
                "Nothing can be imported until the problems above are fixed: go Back to "
                "change the mapping or the period, or fix the file."
            )
        errors = preview.counts.errors
        if errors:
            rows = "row" if errors == 1 else f"{errors:,} rows"
            return (
                f"Fix the {rows} with errors, or exclude them in the file — nothing is "
                "imported while any row has an error."
            )
        if not preview.rows:
            return "The file has no rows to import."
        if not preview.counts.new and not preview.counts.updated:
            return "Nothing to import: every row matches the figures already stored."
        return ""

    # ------------------------------------------------------------ slots

    @Slot(int)
    def _on_status_combo_current_index_changed(self, number: int) -> None:
        self.proxy.set_status_filter(self._FILTERS[number][1] if number >= 0 else None)
        self._update_shown()

    @Slot(str)
    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_shown()

    @Slot(QModelIndex, QModelIndex)
    def _on_table_current_row_changed(
        self, current: QModelIndex, _previous: QModelIndex | None = None
    ) -> None:
        # The whole of a long reason, which the table can only elide.
        if not current.isValid():
            self.row_detail_label.clear()
            return
        line = self.proxy.line_at(current.row())
        self.row_detail_label.setText(line_detail(line))

    @Slot()
    def _on_proxy_rows_changed(self) -> None:
        self._update_shown()

    def _update_shown(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        elif not shown:
            self.row_detail_label.clear()
        self.shown_label.setText(
            f"{plural(total, 'row')}" if shown == total else f"{shown:,} of {plural(total, 'row')}"
        )


_COUNT_KEYS = {
    RowStatus.NEW: "new",
    RowStatus.UPDATED: "updated",
    RowStatus.UNCHANGED: "unchanged",
    RowStatus.ERROR: "errors",
}


def line_detail(line: PreviewLine) -> str:
    """The selected row in full: "Row 4, ZZZ-99 Q3 2014/15 — error: column indicator_ref: …"."""
    planned = line.planned
    where = " ".join(part for part in (planned.indicator_ref, planned.period_label) if part)
    head = f"Row {planned.source_row}" + (f", {where}" if where else "")
    body = line.issues_text or line.changes_text
    status = planned.status.value
    return f"{head} — {status}: {body}" if body else f"{head} — {status}."


def _summary(preview: ImportPreview) -> str:
    table = preview.table
    parts = [
        table.path.name,
        table.description,
        f"mapping “{preview.mapping.name or 'unnamed'}”",
    ]
    if preview.period is not None:
        parts.append(f"period {preview.period.label}")
    parts.append(f"{plural(len(table.rows), 'row')} read")
    return " · ".join(parts)


def _counts_html(preview: ImportPreview) -> str:
    counts = preview.counts.as_dict()
    chips = []
    for status in (RowStatus.NEW, RowStatus.UPDATED, RowStatus.UNCHANGED, RowStatus.ERROR):
        symbol, _, word = STATUS_TEXT[status].partition(" ")
        count = counts[_COUNT_KEYS[status]]
        if status is RowStatus.ERROR:
            word = "error" if count == 1 else "errors"
        text = html.escape(f"{symbol} {count:,} {word.casefold()}")
        # A status with no rows is greyed: colour marks only what is there.
        colour = STATUS_COLOURS[status] if count else GREY
        chips.append(badge_html(text, colour))
    return "&nbsp;&nbsp;".join(chips)


def _details_html(preview: ImportPreview) -> str:
    lines: list[str] = []
    if preview.new_indicators:
        refs = [indicator.ref for indicator in preview.new_indicators]
        lines.append(f"Creates {plural(len(refs), 'new indicator')}: {html.escape(_listed(refs))}.")
    headers = {fold_header(header) for header in preview.table.headers}
    ignored = [
        column for column in preview.mapping.ignored_columns if fold_header(column) in headers
    ]
    left_out = [*ignored, *preview.unused_columns]
    if left_out:
        why = " (reasons in the tooltip)" if ignored else ""
        lines.append(f"Columns not imported: {html.escape(', '.join(left_out))}{why}.")
    if preview.notes:
        first = html.escape(preview.notes[0])
        more = len(preview.notes) - 1
        tail = f" (and {plural(more, 'more note')} in the tooltip)" if more else ""
        lines.append(f"Note: {first}{tail}")
    return "<br>".join(lines)


def _details_tooltip(preview: ImportPreview) -> str:
    parts: list[str] = []
    if preview.new_indicators:
        parts.append(
            "New indicators:\n"
            + "\n".join(
                f"{indicator.ref} — {indicator.name} ({indicator.theme}; {indicator.unit.value}; "
                f"{indicator.polarity.value})"
                for indicator in preview.new_indicators
            )
        )
    headers = {fold_header(header) for header in preview.table.headers}
    reasons = [
        f"{column}: {why}"
        for column, why in preview.mapping.ignored_columns.items()
        if fold_header(column) in headers
    ]
    if reasons:
        parts.append("Not imported, by the mapping:\n" + "\n".join(reasons))
    if preview.unused_columns:
        parts.append("Not mapped to anything: " + ", ".join(preview.unused_columns))
    if preview.notes:
        parts.append("Notes:\n" + "\n".join(preview.notes))
    return "\n\n".join(parts)


def _what_import_does(preview: ImportPreview) -> str:
    counts = preview.counts
    parts = []
    if counts.new:
        parts.append(f"add {plural(counts.new, 'new row')}")
    if counts.updated:
        parts.append(f"update {plural(counts.updated, 'row')}")
    if preview.new_indicators:
        parts.append(f"create {plural(len(preview.new_indicators), 'indicator')}")
    text = "Import will " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return text + " — all in one go, or nothing if anything fails."


class DonePage(QWidget):
    """After a successful import: what changed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel("<h3>Imported</h3>", self)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("done_summary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary_label)
        layout.addStretch(1)

    def show_result(self, result: ImportResult, path: Path) -> None:
        self.summary_label.setText(result_text(result, path))


def result_text(result: ImportResult, path: Path) -> str:
    """What an applied import changed, in sentences."""
    written = [
        text
        for count, text in (
            (result.inserted, plural(result.inserted, "new row")),
            (result.updated, plural(result.updated, "updated row")),
        )
        if count
    ]
    lines = [f"From {path.name}: {' and '.join(written)}, written in one transaction."]
    if result.created_indicators:
        refs = list(result.created_indicators)
        lines.append(f"Created {plural(len(refs), 'new indicator')}: {_listed(refs, 30)}.")
    if result.unchanged:
        lines.append(
            f"{plural(result.unchanged, 'row')} already matched the stored figures and "
            f"{'was' if result.unchanged == 1 else 'were'} left alone."
        )
    lines.append(
        f"{plural(len(result.indicator_ids), 'indicator')} changed in all. The import is "
        "recorded in the audit log."
    )
    return "\n\n".join(lines)
