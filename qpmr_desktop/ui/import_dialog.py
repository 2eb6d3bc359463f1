"""Import Indicator Values: choose a file, map its columns, preview every row, apply all or nothing.

Entry point: :func:`import_indicators_interactively` opens the dialog modally
over ``parent`` and returns the ``ImportResult`` of an applied import (for
the caller to refresh the Indicators tab from its ``indicator_ids``), or None
when nothing was imported. It returns only once no work of the dialog is
still running on another thread, so the caller may close the workspace.

Contract of :class:`ImportIndicatorsDialog`:

* Three steps in a stack, with Back / Next: the file (``FilePage``), the
  column mapping (``MappingPage``) and the preview (``PreviewPage``); then
  what was imported (``DonePage``).
* Reading the file, previewing it and applying the preview run off the GUI
  thread (``background.run_in_background``) under a busy bar. Reading and
  previewing can be stopped: the services cannot be interrupted, so stopping
  discards the result and the page says so; the work finishes unseen.
  Applying cannot be stopped (it is one transaction that would complete
  anyway), and the dialog cannot be closed while it runs.
* Entering the preview always previews afresh (the mapping or the database
  may have changed). Import is enabled only for a preview with no error and
  something to change; the reason is always on the page.
* ``ImportConflictError`` (the database changed since the preview): nothing
  was written; the dialog says so and previews again. Any other failure of
  the apply: nothing was written (one transaction); the message says so and
  the details go to the log.
* ``imported(ImportResult)`` is emitted once, when an import has been applied.
* Whoever uses the dialog directly and then closes the workspace calls
  ``wait_for_background()`` first: a stopped read or preview may still be
  running (the entry point does this).
* Errors are shown in words on the page they concern, never as a traceback;
  unexpected ones are logged with their traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.services.indicator_import import (
    ColumnMapping,
    ImportConflictError,
    ImportFileError,
    ImportPreview,
    ImportRefusedError,
    ImportResult,
    SourceTable,
    apply_import,
    preview_import,
    read_table,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.background import TaskControl, TaskSlot
from qpmr_desktop.ui.import_mapping_page import MappingPage
from qpmr_desktop.ui.import_pages import PROBLEM_STYLE, DonePage, FilePage, PreviewPage
from qpmr_desktop.ui.import_preview_model import PreviewLine, preview_lines

_log = logging.getLogger(__name__)

DIALOG_TITLE = "Import Indicator Values"
# The busy bar appears only for work that takes a noticeable time, so a
# quick read does not flash it.
_BUSY_DELAY_MS = 250
_STEP_NAMES = ("File", "Columns", "Preview")
_STOP_TIP = (
    "Stop waiting. Reading and previewing cannot be interrupted part-way, so the work "
    "finishes unseen and its result is discarded; nothing is imported."
)


class Step(IntEnum):
    FILE = 0
    MAPPING = 1
    PREVIEW = 2
    DONE = 3


@dataclass(frozen=True, slots=True)
class PreviewReady:
    """A preview and its table lines, both made on the worker thread."""

    preview: ImportPreview
    lines: Sequence[PreviewLine]


def make_preview(
    *,
    workspace: Workspace,
    table: SourceTable,
    mapping: ColumnMapping,
    period: Quarter | None,
) -> PreviewReady:
    """Preview ``table`` and build its lines; plain Python, run on a worker thread."""
    preview = preview_import(workspace=workspace, table=table, mapping=mapping, period=period)
    return PreviewReady(preview, preview_lines(preview))


class ImportIndicatorsDialog(QDialog):
    """The import wizard; see the module contract."""

    imported = Signal(object)  # the ImportResult

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        path: Path | None = None,
        mapping_folders: Sequence[Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{DIALOG_TITLE} — QPMR Desktop")
        self.setObjectName("import_indicators_dialog")
        self.resize(1000, 640)
        self._workspace = workspace
        self._table: SourceTable | None = None
        self._result: ImportResult | None = None
        self._tasks = TaskSlot()
        # Every task this dialog started, so that closing can wait for them.
        self._after_preview_banner = ""

        self.steps_label = QLabel(self)
        self.steps_label.setObjectName("import_steps")
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self, mapping_folders=mapping_folders)
        self.preview_page = PreviewPage(self)
        self.done_page = DonePage(self)
        self.stack = QStackedWidget(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.done_page):
            self.stack.addWidget(page)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("import_message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setStyleSheet(PROBLEM_STYLE)
        self.message_label.hide()
        self._build_busy_bar()
        self._build_buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(self.steps_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.busy_bar)
        layout.addLayout(self._buttons)

        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(_BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._on_busy_timer_timeout)

        self.file_page.file_chosen.connect(self._on_file_page_file_chosen)
        self.file_page.path_edited.connect(self._on_file_page_path_edited)
        self.mapping_page.changed.connect(self._on_mapping_page_changed)
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.next_button.clicked.connect(self._on_next_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.close_button.clicked.connect(self._on_close_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)

        self._go_to(Step.FILE)
        if path is not None:
            self.file_page.set_path(path)
            self.read_file(path)

    def _build_busy_bar(self) -> None:
        self.busy_bar = QWidget(self)
        self.busy_bar.setObjectName("busy_bar")
        self.busy_label = QLabel(self.busy_bar)
        self.busy_label.setObjectName("busy_label")
        self.progress_bar = QProgressBar(self.busy_bar)
        self.progress_bar.setRange(0, 0)  # the services report no progress: a busy bar
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(220)
        self.stop_button = QPushButton("&Stop", self.busy_bar)
        self.stop_button.setObjectName("stop")
        self.stop_button.setToolTip(_STOP_TIP)
        row = QHBoxLayout(self.busy_bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.busy_label, 1)
        row.addWidget(self.progress_bar)
        row.addWidget(self.stop_button)
        self.busy_bar.hide()

    def _build_buttons(self) -> None:
        self.back_button = QPushButton("‹ &Back", self)
        self.back_button.setObjectName("back")
        self.next_button = QPushButton("&Next ›", self)
        self.next_button.setObjectName("next")
        self.import_button = QPushButton("&Import", self)
        self.import_button.setObjectName("import")
        self.close_button = QPushButton("Cancel", self)
        self.close_button.setObjectName("close")
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            button.setAutoDefault(False)
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            self._buttons.addWidget(button)

    # ------------------------------------------------------------ our API

    @property
    def step(self) -> Step:
        return Step(self.stack.currentIndex())

    @property
    def table(self) -> SourceTable | None:
        return self._table

    @property
    def preview(self) -> ImportPreview | None:
        return self.preview_page.preview

    @property
    def import_result(self) -> ImportResult | None:
        """The result of the import this dialog applied, or None."""
        return self._result

    @property
    def is_busy(self) -> bool:
        return self._tasks.is_busy

    def read_file(self, path: Path) -> None:
        """Read ``path`` off the GUI thread; the file page shows what came of it."""
        self._stop_task()
        self._table = None
        self.preview_page.clear()
        self.file_page.show_reading(path)
        self._run(
            lambda _control: read_table(path),
            description=f"reading {path}",
            busy_text=f"Reading {path.name}…",
            stoppable=True,
            succeeded=self._on_read_task_succeeded,
            failed=self._on_read_task_failed,
            cancelled=self._on_read_task_cancelled,
        )

    def start_preview(self, *, banner: str = "") -> None:
        """Preview the file through the mapping off the GUI thread, then show the preview page."""
        table, mapping = self._table, self.mapping_page.mapping()
        if table is None or mapping is None or not self.mapping_page.is_ready:
            return
        self._stop_task()
        self._after_preview_banner = banner
        workspace, period = self._workspace, self.mapping_page.period()
        self._run(
            lambda _control: make_preview(
                workspace=workspace, table=table, mapping=mapping, period=period
            ),
            description=f"previewing {table.path}",
            busy_text=f"Checking {len(table.rows):,} rows of {table.path.name} against the "
            "database…",
            stoppable=True,
            succeeded=self._on_preview_task_succeeded,
            failed=self._on_preview_task_failed,
            cancelled=self._on_preview_task_cancelled,
        )

    def start_import(self) -> None:
        """Apply the preview off the GUI thread (cannot be stopped: one transaction)."""
        preview = self.preview_page.preview
        if preview is None or not self.preview_page.import_allowed or self.is_busy:
            return
        workspace = self._workspace
        self._run(
            lambda _control: apply_import(workspace=workspace, preview=preview),
            description=f"importing {preview.path}",
            busy_text=f"Importing {preview.path.name}… (one transaction: it cannot be stopped "
            "part-way)",
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
            # An import in progress completes (or fails) as a whole; closing
            # now would hide which of the two happened.
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

    # ------------------------------------------------------------ navigation

    @Slot(Path)
    def _on_file_page_file_chosen(self, path: Path) -> None:
        self.read_file(path)

    @Slot()
    def _on_file_page_path_edited(self) -> None:
        # The file read is no longer the one named: forget it until Enter reads the new one.
        if self._table is not None:
            self._table = None
            self.preview_page.clear()
            self.file_page.show_note("Press Enter to read this file, or choose one with Browse….")
            self._update_buttons()

    @Slot()
    def _on_back_button_clicked(self) -> None:
        if self.step in {Step.MAPPING, Step.PREVIEW}:
            self._go_to(Step(self.step - 1))

    @Slot()
    def _on_next_button_clicked(self) -> None:
        if self.step is Step.FILE and self._table is not None:
            self._go_to(Step.MAPPING)
        elif self.step is Step.MAPPING:
            self.start_preview()

    @Slot()
    def _on_import_button_clicked(self) -> None:
        self.start_import()

    @Slot()
    def _on_close_button_clicked(self) -> None:
        if self._result is not None:
            self.accept()
        else:
            self.reject()

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        self._stop_task()

    def _go_to(self, step: Step) -> None:
        self.stack.setCurrentIndex(step)
        self._show_message("")
        self.steps_label.setText(_steps_html(step))
        self._update_buttons()
        focus = {
            Step.FILE: self.file_page.path_edit,
            Step.MAPPING: self.mapping_page.grid,
            Step.PREVIEW: self.preview_page.table,
            Step.DONE: self.close_button,
        }[step]
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_mapping_page_changed(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        step, busy = self.step, self.is_busy
        self.stack.setEnabled(not busy)
        self.back_button.setVisible(step in {Step.MAPPING, Step.PREVIEW})
        self.back_button.setEnabled(not busy)
        self.next_button.setVisible(step in {Step.FILE, Step.MAPPING})
        self.next_button.setText("&Preview ›" if step is Step.MAPPING else "&Next ›")
        ready = (
            self._table is not None
            if step is Step.FILE
            else step is Step.MAPPING and self.mapping_page.is_ready
        )
        self.next_button.setEnabled(ready and not busy)
        self.import_button.setVisible(step is Step.PREVIEW)
        self.import_button.setEnabled(self.preview_page.import_allowed and not busy)
        self.import_button.setToolTip(self.preview_page.blocked_reason)
        self.close_button.setText("Close" if step is Step.DONE else "Cancel")
        self.close_button.setEnabled(not self._tasks.holds_close)
        default = {
            Step.FILE: self.next_button,
            Step.MAPPING: self.next_button,
            Step.PREVIEW: self.import_button,
            Step.DONE: self.close_button,
        }[step]
        default.setDefault(default.isEnabled())

    # ------------------------------------------------------------ background work

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
        self.busy_label.setToolTip(_STOP_TIP if stoppable else "")
        self.stop_button.setVisible(stoppable)
        self._show_message("")
        self._busy_timer.start()
        self._update_buttons()

    def _stop_task(self) -> None:
        """Stop waiting for a stoppable task (its ``cancelled`` slot says so)."""
        self._tasks.stop()

    def _end_task(self) -> None:
        self._tasks.clear()
        self._busy_timer.stop()
        self.busy_bar.hide()
        self._update_buttons()

    @Slot()
    def _on_busy_timer_timeout(self) -> None:
        if self._tasks.is_busy:
            self.busy_bar.show()

    def _report_unexpected(self, error: object, doing: str) -> str:
        """Log an unexpected failure with its traceback; the sentence for the person."""
        assert isinstance(error, Exception)
        _log.error("%s failed", doing, exc_info=(type(error), error, error.__traceback__))
        return f"{doing} failed: {error}. The details are in the log."

    # ------------------------------------------------------------ reading the file

    @Slot(object)
    def _on_read_task_succeeded(self, table: object) -> None:
        assert isinstance(table, SourceTable)
        self._end_task()
        self._table = table
        self.file_page.show_table(table)
        self.mapping_page.set_table(table)
        self._update_buttons()

    @Slot(object)
    def _on_read_task_failed(self, error: object) -> None:
        self._end_task()
        if isinstance(error, ImportFileError):
            self.file_page.show_problem(str(error))
        else:
            self.file_page.show_problem(self._report_unexpected(error, "Reading the file"))
        self._update_buttons()

    @Slot()
    def _on_read_task_cancelled(self) -> None:
        self._end_task()
        self.file_page.show_note(
            "Stopped: the file was not read (its reading finishes unseen and is discarded)."
        )

    # ------------------------------------------------------------ previewing

    @Slot(object)
    def _on_preview_task_succeeded(self, ready: object) -> None:
        assert isinstance(ready, PreviewReady)
        self._end_task()
        self.preview_page.show_preview(
            ready.preview, ready.lines, banner=self._after_preview_banner
        )
        self._after_preview_banner = ""
        self._go_to(Step.PREVIEW)

    @Slot(object)
    def _on_preview_task_failed(self, error: object) -> None:
        self._end_task()
        self._leave_stale_preview()
        self._show_message(
            self._report_unexpected(error, "Checking the file against the database")
            + " Nothing was imported."
        )

    @Slot()
    def _on_preview_task_cancelled(self) -> None:
        self._end_task()
        self._leave_stale_preview()
        self._show_message(
            "Stopped: there is no preview (the check finishes unseen and is discarded). "
            "Nothing was imported."
        )

    def _leave_stale_preview(self) -> None:
        """After a preview that did not come (stopped, failed), show none rather than an old one."""
        self.preview_page.clear()
        if self.step is Step.PREVIEW:
            self._go_to(Step.MAPPING)

    # ------------------------------------------------------------ applying

    @Slot(object)
    def _on_import_task_succeeded(self, result: object) -> None:
        assert isinstance(result, ImportResult)
        self._end_task()
        self._result = result
        preview = self.preview_page.preview
        self.done_page.show_result(result, preview.path if preview is not None else Path())
        self._go_to(Step.DONE)
        self.imported.emit(result)

    @Slot(object)
    def _on_import_task_failed(self, error: object) -> None:
        self._end_task()
        if isinstance(error, ImportConflictError):
            _log.info("Import conflict; previewing again: %s", error)
            self.start_preview(
                banner=f"{error} The preview below has been made again from the figures "
                "stored now: check it, then Import."
            )
        elif isinstance(error, ImportRefusedError):
            self._show_message(str(error))
        else:
            self._show_message(
                self._report_unexpected(error, "The import")
                + " Nothing was imported: the database is as it was."
            )

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))


def _steps_html(current: Step) -> str:
    if current is Step.DONE:
        return "<b>✓ Imported</b>"
    parts = []
    for number, name in enumerate(_STEP_NAMES):
        text = f"{number + 1}&nbsp;{name}"
        if number == current:
            parts.append(f"<b>{text}</b>")
        else:
            parts.append(f'<span style="color: #6f777b;">{text}</span>')
    return " &nbsp;›&nbsp; ".join(parts)


def import_indicators_interactively(
    parent: QWidget | None, workspace: Workspace, *, path: Path | None = None
) -> ImportResult | None:
    """Run the import dialog modally; the applied import's result, or None. See the module."""
    dialog = ImportIndicatorsDialog(workspace, parent, path=path)
    try:
        dialog.exec()
        return dialog.import_result
    finally:
        # A stopped read or preview may still be running; the caller may close
        # the workspace as soon as this returns.
        dialog.wait_for_background()
        dialog.deleteLater()
