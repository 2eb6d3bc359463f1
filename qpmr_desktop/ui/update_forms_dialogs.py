"""File ▸ Export Update Forms… and Import Update Forms…: forms for officers who do not use the app.

Entry points (the window's File menu calls them; they import the services
and openpyxl on first use, so this module is loaded lazily too):

- :func:`export_update_forms_interactively` opens ``ExportUpdateFormsDialog``:
  a folder (remembered between runs) and whose forms — every officer with
  open actions, or one. Export writes one XLSX per officer with
  ``services.update_forms_export.export_update_forms`` on a worker thread
  under a busy dialog (it cannot be stopped: it writes), judging "(overdue)"
  on the day the Actions tab judges it (``settings.effective_today``); then
  the dialog lists the files written, or says in plain words why nothing was.
  Returns the paths written, or None.
- :func:`import_update_forms_interactively` opens ``ImportUpdateFormsDialog``
  and returns the ``UpdateFormsResult`` of an applied import, or None. It
  returns only once no work of the dialog is still running, so the caller
  may close the workspace; the caller reloads the Actions tab and clears the
  undo stack (an import is audited, not undoable).

Contract of ``ImportUpdateFormsDialog``:

- Files are added (Add Files…, remembered folder) and removed; every change
  previews all of them afresh with ``preview_update_forms`` off the GUI
  thread (a preview can be stopped: its result is discarded).
- The preview table (``table`` over ``rows_model``, through ``rows_proxy``,
  sortable, with a "show" filter) has one row per form row: the outcome as
  shape + word + colour ("● Change", "○ No change", "▲ Refused", "◆ Conflict"),
  file, row, ref, what would change, and the reasons. The selected row is
  explained under the table (``row_detail``), a conflict side by side: the
  action as the form was issued, as the database has it now, and what the
  row asks for. Nothing is ever overwritten silently.
- Import applies the preview in one transaction off the GUI thread (it
  cannot be stopped, and the dialog cannot be closed meanwhile). It is
  enabled only when there is something to change and nothing refused, or
  when "Skip refused rows" is ticked. ``ConflictError`` (an action changed
  since the preview): nothing was written, and the dialog previews again and
  says so. ``imported(result)`` is emitted once.
- Every text from a file or the database shows verbatim (plain text, or
  escaped in rich text).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.services.errors import ConflictError, NotAllowedError
from qpmr_desktop.services.update_forms import form_time
from qpmr_desktop.services.update_forms_export import UpdateFormsExportError, export_update_forms
from qpmr_desktop.services.update_forms_import import (
    ActionState,
    FormRow,
    RowOutcome,
    UpdateFormsPreview,
    UpdateFormsRefusedError,
    UpdateFormsResult,
    apply_update_forms,
    preview_update_forms,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.background import TaskControl, TaskSlot, wait_with_progress
from qpmr_desktop.ui.chips import AMBER, GREEN, GREY, RED, ChipDelegate
from qpmr_desktop.ui.settings import (
    UPDATE_FORMS_EXPORT_FOLDER_KEY,
    UPDATE_FORMS_IMPORT_FOLDER_KEY,
    Preferences,
)
from qpmr_desktop.ui.table_model import RIGHT, AnyIndex, Column, RowFilterProxy, RowTableModel

__all__ = [
    "EXPORT_TITLE",
    "IMPORT_TITLE",
    "SHOW_CHOICES",
    "ExportUpdateFormsDialog",
    "ImportUpdateFormsDialog",
    "PreviewLine",
    "UpdateFormRowsModel",
    "UpdateFormRowsProxy",
    "change_text",
    "export_update_forms_interactively",
    "import_update_forms_interactively",
    "outcome_text",
    "row_detail_html",
]

_log = logging.getLogger(__name__)

EXPORT_TITLE = "Export Update Forms"
IMPORT_TITLE = "Import Update Forms"
XLSX_FILTER = "Update forms (*.xlsx);;All files (*)"
_BUSY_DELAY_MS: Final = 250
_EVERY_LEAD = ""
_PROBLEM_STYLE = f"color: {RED};"
_MUTED = f'style="color: {GREY};"'


def _documents() -> Path:
    from PySide6.QtCore import QStandardPaths  # noqa: PLC0415 - only when a folder is offered

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else words or word + 's'}"


# ------------------------------------------------------------------ export


class ExportUpdateFormsDialog(QDialog):
    """Where to write the forms and whose; see the module."""

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        preferences: Preferences | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{EXPORT_TITLE} — QPMR Desktop")
        self.setObjectName("export_update_forms_dialog")
        self._workspace = workspace
        self._preferences = preferences if preferences is not None else Preferences()
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._written: list[Path] | None = None

        intro = QLabel(
            "One workbook per lead officer with their open actions. Officers fill in the "
            "yellow columns — new status, new progress and an update — and send it back for "
            "File ▸ Import Update Forms…. Each officer's file has the same name at every "
            "export, so a new export replaces the last one in the folder.",
            self,
        )
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setObjectName("export_forms_folder")
        stored = self._preferences.text(UPDATE_FORMS_EXPORT_FOLDER_KEY)
        self.folder_edit.setText(stored or str(_documents()))
        self.browse_button = QPushButton("&Browse…", self)
        self.lead_combo = QComboBox(self)
        self.lead_combo.setObjectName("export_forms_lead")
        self.lead_combo.addItem("Every officer with open actions", _EVERY_LEAD)
        for name, count in _open_leads(workspace):
            self.lead_combo.addItem(f"{name} ({_plural(count, 'open action')})", name)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("Folder", folder_row)
        form.addRow("&Forms for", self.lead_combo)

        self.result_label = QLabel(self)
        self.result_label.setObjectName("export_forms_result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.result_label, 1)
        layout.addLayout(buttons)
        self.resize(560, 300)

        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)

    def _build_buttons(self) -> QHBoxLayout:
        self.export_button = QPushButton("&Export", self)
        self.export_button.setObjectName("export_forms")
        self.export_button.setDefault(True)
        self.open_button = QPushButton("&Open Folder", self)
        self.open_button.setObjectName("export_forms_open")
        self.open_button.hide()
        self.close_button = QPushButton("Cancel", self)
        self.close_button.setObjectName("export_forms_close")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.open_button, self.export_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        return buttons

    @property
    def written(self) -> list[Path] | None:
        """The paths the export wrote (None before an export succeeded)."""
        return self._written

    def export(self) -> list[Path] | None:
        """Write the forms as the dialog is set, showing how it went; the paths, or None."""
        folder = Path(self.folder_edit.text().strip()).expanduser()
        if not str(folder) or not folder.is_dir():
            self._show_problem(
                f"There is no folder {folder}: choose one with Browse…, or make it first."
            )
            return None
        lead = self.lead_combo.currentData()
        workspace, clock = self._workspace, self._clock

        def work(_control: TaskControl) -> list[Path]:
            from qpmr_desktop.services.settings import effective_today  # noqa: PLC0415

            today = effective_today(workspace=workspace, clock=clock)
            return export_update_forms(
                workspace=workspace,
                out_dir=folder,
                lead=lead or None,
                today=today,
                clock=clock,
            )

        try:
            written: list[Path] = wait_with_progress(
                self,
                work,
                title=EXPORT_TITLE,
                text=f"Writing update forms to {folder}…",
                description=f"exporting update forms to {folder}",
            )
        except UpdateFormsExportError as error:
            self._show_problem(str(error))
            return None
        except OSError as error:
            _log.warning("Could not write update forms to %s: %s", folder, error)
            self._show_problem(
                f"The forms could not be written to {folder}: {error.strerror or error}. "
                "Choose a folder you can write to; nothing was left half-written."
            )
            return None
        self._preferences.set_text(UPDATE_FORMS_EXPORT_FOLDER_KEY, str(folder))
        self._preferences.sync()
        self._written = written
        self._show_written(folder, written)
        return written

    def _show_problem(self, text: str) -> None:
        self.result_label.setStyleSheet(_PROBLEM_STYLE)
        self.result_label.setText(f"✖ {text}")

    def _show_written(self, folder: Path, written: Sequence[Path]) -> None:
        self.result_label.setStyleSheet("")
        if not written:
            self.result_label.setText("No open actions with a lead officer: no form was written.")
        else:
            names = "\n".join(f"  {path.name}" for path in written)
            self.result_label.setText(
                f"✓ Wrote {_plural(len(written), 'form')} to {folder}:\n{names}"
            )
            self.open_button.show()
        self.export_button.setText("Export &Again")
        self.close_button.setText("Close")

    def _on_browse_button_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, f"{EXPORT_TITLE}: Choose a Folder", self.folder_edit.text()
        )
        if chosen:
            self.folder_edit.setText(chosen)

    def _on_export_button_clicked(self) -> None:
        self.export()

    def _on_open_button_clicked(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder_edit.text().strip()))

    def _on_close_button_clicked(self) -> None:
        if self._written is not None:
            self.accept()
        else:
            self.reject()


def _open_leads(workspace: Workspace) -> list[tuple[str, int]]:
    from qpmr_desktop.services.actions import list_leads  # noqa: PLC0415

    return [
        (person.name, person.open_action_count)
        for person in list_leads(workspace=workspace)
        if person.open_action_count
    ]


def export_update_forms_interactively(
    parent: QWidget | None, workspace: Workspace
) -> list[Path] | None:
    """Run the export dialog modally; the paths written, or None (see the module)."""
    dialog = ExportUpdateFormsDialog(workspace, parent)
    try:
        dialog.exec()
        return dialog.written
    finally:
        dialog.deleteLater()


# ------------------------------------------------------------------ the preview's rows


@dataclass(frozen=True, slots=True)
class PreviewLine:
    """One row of the preview, numbered in file and row order (its id in the table)."""

    number: int
    row: FormRow


_OUTCOMES: Final = {
    RowOutcome.CHANGE: ("●", "Change", GREEN, 1),
    RowOutcome.NO_CHANGE: ("○", "No change", GREY, 2),
    RowOutcome.REFUSED: ("▲", "Refused", RED, 0),
}
_CONFLICT: Final = ("◆", "Conflict", AMBER, 0)


def _outcome(row: FormRow) -> tuple[str, str, str, int]:
    return _CONFLICT if row.is_conflict else _OUTCOMES[row.outcome]


def outcome_text(row: FormRow) -> str:
    """ "● Change", "○ No change", "▲ Refused", "◆ Conflict": shape and word."""
    symbol, word, _, _ = _outcome(row)
    return f"{symbol} {word}"


def change_text(row: FormRow) -> str:
    """ "Status On track → At risk; progress 60% → 65%; “update text”", or "—"."""
    parts = []
    if row.old_status is not None and row.new_status is not None:
        if row.new_status != row.old_status:
            parts.append(f"Status {row.old_status.label} → {row.new_status.label}")
    elif row.typed_status:
        parts.append(f"Status “{row.typed_status}”")
    if row.old_progress is not None and row.new_progress is not None:
        if row.new_progress != row.old_progress:
            parts.append(f"progress {row.old_progress}% → {row.new_progress}%")
    elif row.typed_progress:
        parts.append(f"progress “{row.typed_progress}”")
    if row.text:
        parts.append(f"“{' '.join(row.text.split())}”")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else "—"


_ROW_COLUMNS: Final[tuple[Column[PreviewLine], ...]] = (
    Column(
        key="outcome",
        header="Outcome",
        display=lambda line: outcome_text(line.row),
        sort_key=lambda line: (_outcome(line.row)[3], line.number),
        foreground=lambda line: QColor(_outcome(line.row)[2]),
        header_tooltip="● Change, ○ No change, ▲ Refused, ◆ Conflict (changed since issued)",
        width=110,
    ),
    Column(
        key="file",
        header="File",
        display=lambda line: line.row.file.name,
        sort_key=lambda line: (line.row.file.name.casefold(), line.number),
        tooltip=lambda line: str(line.row.file),
        width=190,
    ),
    Column(
        key="row",
        header="Row",
        display=lambda line: str(line.row.row),
        sort_key=lambda line: (line.row.file.name.casefold(), line.row.row),
        alignment=RIGHT,
        header_tooltip="The row number on the form's sheet",
        width=44,
    ),
    Column(
        key="ref",
        header="Ref",
        display=lambda line: line.row.ref,
        sort_key=lambda line: (line.row.plan.casefold(), line.row.ref, line.number),
        tooltip=lambda line: (
            "\n".join(part for part in (line.row.plan, line.row.description) if part) or None
        ),
        width=50,
    ),
    Column(
        key="change",
        header="Change",
        display=lambda line: change_text(line.row),
        sort_key=lambda line: change_text(line.row).casefold(),
        tooltip=lambda line: line.row.text or None,
        width=300,
    ),
    Column(
        key="reasons",
        header="Reasons",
        display=lambda line: " ".join(line.row.reasons),
        sort_key=lambda line: " ".join(line.row.reasons).casefold(),
        tooltip=lambda line: "\n".join(line.row.reasons) or None,
        stretch=True,
    ),
)


def _haystack(line: PreviewLine) -> str:
    row = line.row
    return "\n".join((row.file.name, row.plan, row.ref, row.description, row.text, *row.reasons))


class UpdateFormRowsModel(RowTableModel[PreviewLine]):
    """The preview's rows through ``_ROW_COLUMNS``; see the module."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_ROW_COLUMNS, id_of=lambda line: line.number, parent=parent)

    def set_preview(self, preview: UpdateFormsPreview | None) -> None:
        rows = () if preview is None else preview.rows
        self.set_rows([PreviewLine(number, row) for number, row in enumerate(rows)])


#: What the "show" filter offers: (label, the outcomes shown; empty for all).
SHOW_CHOICES: Final[tuple[tuple[str, frozenset[str]], ...]] = (
    ("All rows", frozenset()),
    ("Changes", frozenset({"Change"})),
    ("Refused and conflicts", frozenset({"Refused", "Conflict"})),
    ("No change", frozenset({"No change"})),
)


class UpdateFormRowsProxy(RowFilterProxy[PreviewLine]):
    """Sorts the preview by raw values, and shows only some outcomes (``set_outcomes``)."""

    def __init__(self, source: UpdateFormRowsModel, parent: QObject | None = None) -> None:
        super().__init__(source, haystack=_haystack, parent=parent)
        self._source = source
        self._outcomes: frozenset[str] = frozenset()

    def set_outcomes(self, outcomes: frozenset[str]) -> None:
        """Show rows whose outcome word is one of ``outcomes`` (empty: every row)."""
        if outcomes == self._outcomes:
            return
        self.beginFilterChange()
        self._outcomes = outcomes
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._outcomes:
            word = _outcome(self._source.row_at(source_row).row)[1]
            if word not in self._outcomes:
                return False
        return super().filterAcceptsRow(source_row, source_parent)


def _state_cells(state: ActionState | None) -> tuple[str, str, str, str]:
    if state is None:
        return ("—", "—", "—", "—")
    return (
        state.status.label,
        f"{state.progress}%",
        state.latest_update or "(none)",
        str(state.version),
    )


def row_detail_html(row: FormRow) -> str:
    """The selected row explained: the action, the reasons, a conflict side by side."""

    def text(value: str) -> str:
        return html.escape(value, quote=True).replace("\n", "<br>")

    action = (
        " ".join(part for part in (row.plan, row.ref) if part) or "Not one of the form's actions"
    )
    parts = [
        (
            f"<p><b>{text(outcome_text(row))}</b> — {text(row.file.name)}, row {row.row}: "
            f"<b>{text(action)}</b> {text(row.description)}</p>"
        )
    ]
    if row.reasons:
        items = "".join(f"<li>{text(reason)}</li>" for reason in row.reasons)
        parts.append(f"<ul style='margin-top: 0;'>{items}</ul>")
    if row.form_state is not None or row.database_state is not None:
        asked = (
            row.new_status.label if row.new_status is not None else row.typed_status or "—",
            f"{row.new_progress}%" if row.new_progress is not None else row.typed_progress or "—",
            row.text or "(none)",
            "",
        )
        issued, now = _state_cells(row.form_state), _state_cells(row.database_state)
        labels = ("Status", "Progress", "Latest update", "Version")
        head = (
            "<tr><th></th><th align='left'>As issued on the form</th>"
            "<th align='left'>In the database now</th><th align='left'>This row asks for</th></tr>"
        )
        body = "".join(
            f"<tr><td {_MUTED}>{label}</td><td>{text(a)}</td><td>{text(b)}</td>"
            f"<td>{text(c)}</td></tr>"
            for label, a, b, c in zip(labels, issued, now, asked, strict=True)
        )
        parts.append(
            "<p>The action was changed after the form was issued, so this row is not "
            "applied: nothing is overwritten. Agree the update with the officer and record "
            "it in the Actions tab, or export a new form.</p>"
            f"<table cellspacing='0' cellpadding='3' border='1'>{head}{body}</table>"
        )
    return "\n".join(parts)


# ------------------------------------------------------------------ import


class ImportUpdateFormsDialog(QDialog):
    """Returned forms: preview every row, then import; see the module."""

    imported = Signal(object)  # UpdateFormsResult

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        paths: Sequence[Path] = (),
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{IMPORT_TITLE} — QPMR Desktop")
        self.setObjectName("import_update_forms_dialog")
        self._workspace = workspace
        self._preferences = preferences if preferences is not None else Preferences()
        self._paths: list[Path] = []
        self._preview: UpdateFormsPreview | None = None
        self._result: UpdateFormsResult | None = None
        self._tasks = TaskSlot()
        self._banner = ""

        files = self._build_files()
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("import_forms_summary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        table = self._build_table()
        self.row_detail = QTextBrowser(self)
        self.row_detail.setObjectName("import_forms_row_detail")
        self.row_detail.setOpenLinks(False)
        self.row_detail.setPlaceholderText("Select a row to see it in full.")
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(table)
        splitter.addWidget(self.row_detail)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([320, 250])

        self.message_label = QLabel(self)
        self.message_label.setObjectName("import_forms_message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.hide()
        self._build_busy_bar()
        buttons = self._build_buttons()

        layout = QVBoxLayout(self)
        layout.addLayout(files)
        layout.addWidget(self.summary_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy_bar)
        layout.addLayout(buttons)
        self.resize(1100, 720)

        self._connect()
        self._update_buttons()
        if paths:
            self.set_paths(paths)

    def _build_buttons(self) -> QHBoxLayout:
        self.skip_check = QCheckBox("&Skip refused rows and import the rest", self)
        self.skip_check.setObjectName("import_forms_skip")
        self.skip_check.setToolTip(
            "Refused rows and forms are left out and can be corrected and imported later"
        )
        self.import_button = QPushButton("&Import", self)
        self.import_button.setObjectName("import_forms")
        self.close_button = QPushButton("Cancel", self)
        self.close_button.setObjectName("import_forms_close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_check)
        buttons.addStretch(1)
        for button in (self.import_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        return buttons

    def _connect(self) -> None:
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(_BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._on_busy_timer_timeout)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.show_combo.currentIndexChanged.connect(self._on_show_combo_current_index_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.skip_check.toggled.connect(self._on_skip_check_toggled)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)

    def _build_files(self) -> QHBoxLayout:
        self.files_list = QListWidget(self)
        self.files_list.setObjectName("import_forms_files")
        self.files_list.setMaximumHeight(90)
        self.files_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton("&Add Files…", self)
        self.add_button.setObjectName("import_forms_add")
        self.remove_button = QPushButton("&Remove", self)
        self.remove_button.setObjectName("import_forms_remove")
        column = QVBoxLayout()
        column.addWidget(self.add_button)
        column.addWidget(self.remove_button)
        column.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.files_list, 1)
        row.addLayout(column)
        return row

    def _build_table(self) -> QWidget:
        self.rows_model = UpdateFormRowsModel(self)
        self.rows_proxy = UpdateFormRowsProxy(self.rows_model, self)
        self.show_combo = QComboBox(self)
        self.show_combo.setObjectName("import_forms_show")
        for label, outcomes in SHOW_CHOICES:
            self.show_combo.addItem(label, sorted(outcomes))
        self.table = QTableView(self)
        self.table.setObjectName("import_forms_rows")
        self.table.setModel(self.rows_proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # file order until asked
        header.setSortIndicatorClearable(True)
        for number, column in enumerate(self.rows_model.columns):
            if column.stretch:
                header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
            elif column.width:
                self.table.setColumnWidth(number, column.width)
        self.table.setItemDelegateForColumn(
            self.rows_model.column_of("outcome"), ChipDelegate(self.table)
        )
        box = QWidget(self)
        show_row = QHBoxLayout()
        show_row.addWidget(QLabel("Show", self))
        show_row.addWidget(self.show_combo)
        show_row.addStretch(1)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(show_row)
        layout.addWidget(self.table, 1)
        return box

    def _build_busy_bar(self) -> None:
        self.busy_bar = QWidget(self)
        self.busy_bar.setObjectName("import_forms_busy")
        self.busy_label = QLabel(self.busy_bar)
        progress = QProgressBar(self.busy_bar)
        progress.setRange(0, 0)  # the services report no progress: a busy bar
        progress.setTextVisible(False)
        progress.setMaximumWidth(220)
        self.stop_button = QPushButton("S&top", self.busy_bar)
        self.stop_button.setObjectName("import_forms_stop")
        self.stop_button.setToolTip(
            "Stop waiting: the check finishes unseen and its result is discarded"
        )
        row = QHBoxLayout(self.busy_bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.busy_label, 1)
        row.addWidget(progress)
        row.addWidget(self.stop_button)
        self.busy_bar.hide()

    # ------------------------------------------------------------ our API

    @property
    def paths(self) -> list[Path]:
        return list(self._paths)

    @property
    def preview(self) -> UpdateFormsPreview | None:
        return self._preview

    @property
    def import_result(self) -> UpdateFormsResult | None:
        """The result of the import this dialog applied, or None."""
        return self._result

    @property
    def is_busy(self) -> bool:
        return self._tasks.is_busy

    @property
    def import_allowed(self) -> bool:
        preview = self._preview
        if preview is None or self._result is not None or not preview.changes:
            return False
        return not preview.has_refusals or self.skip_check.isChecked()

    def set_paths(self, paths: Sequence[Path]) -> None:
        """Preview ``paths`` (each once) from now on."""
        unique: dict[Path, Path] = {}
        for path in paths:
            unique.setdefault(Path(path).resolve(), Path(path))
        self._paths = list(unique.values())
        self.files_list.clear()
        for path in self._paths:
            self.files_list.addItem(str(path))
        self.start_preview()

    def start_preview(self, *, banner: str = "") -> None:
        """Preview the files off the GUI thread; the table shows what came of it."""
        self._stop_task()
        self._preview = None
        self.rows_model.set_preview(None)
        self.row_detail.clear()
        self._banner = banner
        paths, workspace = list(self._paths), self._workspace
        if not paths:
            self.summary_label.setText("Add the update forms officers sent back (Add Files…).")
            self._update_buttons()
            return
        self._run(
            lambda _control: preview_update_forms(workspace=workspace, paths=paths),
            description=f"previewing {len(paths)} update forms",
            busy_text=f"Checking {_plural(len(paths), 'form')} against the database…",
            stoppable=True,
            succeeded=self._on_preview_task_succeeded,
            failed=self._on_preview_task_failed,
            cancelled=self._on_preview_task_cancelled,
        )

    def start_import(self) -> None:
        """Apply the preview off the GUI thread (cannot be stopped: one transaction)."""
        preview = self._preview
        if preview is None or not self.import_allowed or self.is_busy:
            return
        workspace, skip = self._workspace, self.skip_check.isChecked()
        self._run(
            lambda _control: apply_update_forms(
                workspace=workspace, preview=preview, skip_refused=skip
            ),
            description="importing update forms",
            busy_text=f"Importing {_plural(len(preview.changes), 'update')}… (one transaction: "
            "it cannot be stopped part-way)",
            stoppable=False,
            succeeded=self._on_import_task_succeeded,
            failed=self._on_import_task_failed,
            cancelled=None,
        )

    def wait_for_background(self, timeout_ms: int | None = None) -> bool:
        """Block until no work this dialog started is still running; False on timeout."""
        return self._tasks.wait(timeout_ms)

    # ------------------------------------------------------------ QDialog

    def reject(self) -> None:
        if self._tasks.holds_close:
            self._show_message("The import is being written; the dialog closes when it is done.")
            return
        self._stop_task()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._tasks.holds_close:
            event.ignore()
            self._show_message("The import is being written; the dialog closes when it is done.")
            return
        super().closeEvent(event)

    # ------------------------------------------------------------ slots

    def _on_add_button_clicked(self) -> None:
        folder = self._preferences.text(UPDATE_FORMS_IMPORT_FOLDER_KEY) or str(_documents())
        chosen, _ = QFileDialog.getOpenFileNames(
            self, f"{IMPORT_TITLE}: Choose Returned Forms", folder, XLSX_FILTER
        )
        if chosen:
            paths = [Path(name) for name in chosen]
            self._preferences.set_text(UPDATE_FORMS_IMPORT_FOLDER_KEY, str(paths[0].parent))
            self._preferences.sync()
            self.set_paths([*self._paths, *paths])

    def _on_remove_button_clicked(self) -> None:
        chosen = {item.text() for item in self.files_list.selectedItems()}
        if chosen:
            self.set_paths([path for path in self._paths if str(path) not in chosen])

    def _on_show_combo_current_index_changed(self) -> None:
        outcomes = self.show_combo.currentData()
        self.rows_proxy.set_outcomes(
            frozenset(outcomes) if isinstance(outcomes, list) else frozenset()
        )

    def _on_table_current_row_changed(self, current: QModelIndex) -> None:
        if not current.isValid():
            self.row_detail.clear()
            return
        line = self.rows_proxy.mapToSource(current)
        self.row_detail.setHtml(row_detail_html(self.rows_model.row_at(line.row()).row))

    def _on_skip_check_toggled(self) -> None:
        self._update_buttons()

    def _on_import_button_clicked(self) -> None:
        self.start_import()

    def _on_close_button_clicked(self) -> None:
        if self._result is not None:
            self.accept()
        else:
            self.reject()

    def _on_stop_button_clicked(self) -> None:
        self._stop_task()

    def _on_busy_timer_timeout(self) -> None:
        if self._tasks.is_busy:
            self.busy_bar.show()

    def _on_preview_task_succeeded(self, preview: object) -> None:
        assert isinstance(preview, UpdateFormsPreview)
        self._end_task()
        self._preview = preview
        self.rows_model.set_preview(preview)
        self.summary_label.setText(_summary(preview))
        self._show_message(self._banner)
        self._banner = ""
        first = self.rows_proxy.index(0, 0)
        if first.isValid():
            self.table.setCurrentIndex(first)
        self._update_buttons()

    def _on_preview_task_failed(self, error: object) -> None:
        self._end_task()
        self.summary_label.setText("")
        self._show_message(
            self._report_unexpected(error, "Checking the forms against the database")
            + " Nothing was imported."
        )

    def _on_preview_task_cancelled(self) -> None:
        self._end_task()
        self.summary_label.setText("")
        self._show_message(
            "Stopped: there is no preview (the check finishes unseen and is discarded). "
            "Nothing was imported."
        )

    def _on_import_task_succeeded(self, result: object) -> None:
        assert isinstance(result, UpdateFormsResult)
        self._end_task()
        self._result = result
        self._show_message("")
        self.summary_label.setText(
            f"✓ Imported {_plural(result.applied, 'update')}, each recorded in its action's "
            f"history by the officer whose form it was; "
            f"{_plural(result.unchanged, 'row')} without a change"
            + (f"; {_plural(result.skipped, 'refused row')} left out." if result.skipped else ".")
        )
        self._update_buttons()
        self.imported.emit(result)

    def _on_import_task_failed(self, error: object) -> None:
        self._end_task()
        if isinstance(error, ConflictError):
            _log.info("Update forms import conflict; previewing again: %s", error)
            self.start_preview(
                banner=f"{error} Nothing was imported. The preview has been made again from the "
                "actions as they are now: check it, then Import."
            )
        elif isinstance(error, UpdateFormsRefusedError):
            self._show_message(str(error))
        elif isinstance(error, NotAllowedError):
            self.start_preview(banner=f"{error} Nothing was imported.")
        else:
            self._show_message(
                self._report_unexpected(error, "The import")
                + " Nothing was imported: the database is as it was."
            )

    # ------------------------------------------------------------ internals

    def _run(
        self,
        work: Callable[[TaskControl], object],
        *,
        description: str,
        busy_text: str,
        stoppable: bool,
        succeeded: Callable[[object], None],
        failed: Callable[[object], None],
        cancelled: Callable[[], None] | None,
    ) -> None:
        self._tasks.start(
            work,
            description=description,
            stoppable=stoppable,
            succeeded=succeeded,
            failed=failed,
            cancelled=cancelled,
        )
        self.busy_label.setText(busy_text)
        self.stop_button.setVisible(stoppable)
        self._busy_timer.start()
        self._update_buttons()

    def _stop_task(self) -> None:
        self._tasks.stop()

    def _end_task(self) -> None:
        self._tasks.clear()
        self._busy_timer.stop()
        self.busy_bar.hide()
        self._update_buttons()

    def _report_unexpected(self, error: object, doing: str) -> str:
        assert isinstance(error, Exception)
        _log.error("%s failed", doing, exc_info=(type(error), error, error.__traceback__))
        return f"{doing} failed: {error}. The details are in the log."

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
        self.message_label.setStyleSheet(_PROBLEM_STYLE if text else "")

    def _update_buttons(self) -> None:
        busy, done = self.is_busy, self._result is not None
        self.add_button.setEnabled(not busy and not done)
        self.remove_button.setEnabled(not busy and not done and bool(self._paths))
        self.skip_check.setEnabled(not busy and not done)
        self.import_button.setEnabled(self.import_allowed and not busy)
        self.import_button.setToolTip(self._blocked_reason())
        self.close_button.setText("Close" if done else "Cancel")
        self.close_button.setEnabled(not self._tasks.holds_close)
        self.import_button.setDefault(self.import_button.isEnabled())

    def _blocked_reason(self) -> str:
        preview = self._preview
        if self._result is not None:
            return "Imported."
        if preview is None:
            return "Add the returned forms first; they are checked before anything is imported."
        if not preview.changes:
            return "Nothing to import: no row changes an action."
        if preview.has_refusals and not self.skip_check.isChecked():
            return (
                "Some rows or forms are refused: correct them, or tick “Skip refused rows” "
                "to import the rest."
            )
        return f"Import {_plural(len(preview.changes), 'update')} in one go."


def _summary(preview: UpdateFormsPreview) -> str:
    lines = []
    for form in preview.files:
        if form.problem is not None:
            lines.append(f"✖ {form.path.name}: refused — the form {form.problem}")
        else:
            issued = form_time(form.issued_at) if form.issued_at else "at an unknown time"
            lines.append(f"{form.path.name}: {form.lead}'s form, issued {issued}")
    counts = preview.counts
    total = (
        f"{_plural(counts.change, 'row')} to change, {counts.no_change:,} without a change, "
        f"{counts.refused:,} refused"
    )
    if counts.refused_files:
        total += f" ({_plural(counts.refused_files, 'whole form')} refused)"
    lines.append(total + ".")
    return "\n".join(lines)


def import_update_forms_interactively(
    parent: QWidget | None, workspace: Workspace, *, paths: Sequence[Path] = ()
) -> UpdateFormsResult | None:
    """Run the import dialog modally; the applied import's result, or None. See the module."""
    dialog = ImportUpdateFormsDialog(workspace, parent, paths=paths)
    try:
        dialog.exec()
        return dialog.import_result
    finally:
        # A stopped preview may still be running; the caller may close the workspace next.
        dialog.wait_for_background()
        dialog.deleteLater()
