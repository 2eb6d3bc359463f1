"""File → Print Preview…: a paper built off the GUI thread, shown in the app, saved or printed.

Contract:

- ``DocumentKind`` names the papers the app prints (the command line's
  ``print`` documents): an agenda item's minutes, a meeting's minutes, the
  quarterly performance report for a period, the action tracker (all plans
  or one) and a meeting's whole pack. A ``DocumentRequest`` is a kind and its
  subject: an agenda item id, a meeting id, a period label ("Q1 2017/18"), a
  plan id or None (all plans). ``list_subjects`` offers the subjects of a
  kind, read through the services.
- ``build_document(workspace, request, control)`` gathers the data through
  the services (``papers``, ``papers_actions``), as the command line does,
  and renders it with ``printing``; it returns a ``BuiltDocument`` (the PDF
  bytes, a title and a file name to suggest). It runs on a pool thread
  (``ui.background``): it touches no widget and imports ReportLab and the
  charts there, so the window never waits for them. It checks
  ``control.cancelled`` between its steps and at every ReportLab progress
  event, raising ``BuildCancelledError``: a cancelled build stops at the next
  flowable rather than running to its end. (The performance report and the
  pack lay their pages out once unobserved, to number their contents page;
  a cancel during that pass takes effect when it ends.)
- ``PrintPreviewWindow`` is a window of its own (not modal): the document
  chooser (kind and subject) at the top; every choice starts a new build and
  cancels the one running. While a build runs a progress bar and a Cancel
  button show, the rest of the app stays usable, and the last page shown is
  cleared. The PDF is shown with QtPdf (``QPdfDocument`` in a ``QPdfView``,
  pages one under another, fitted to the width). A failure shows in the
  window in words, with Try Again; the traceback goes to the log.
- Save as PDF… writes the very bytes built (whole, then moved into place);
  Print… goes to the system printer through ``QPrintDialog``: ``print_pdf``
  renders each page of the ``QPdfDocument`` to an image at the printer's
  resolution (at most ``MAX_PRINT_DPI``) and paints it on the page, turning
  the paper for landscape pages, honouring the dialog's page range.
- Importing this module imports QtPdf; the main window imports it only when
  the preview first opens, so start-up does not pay for it.
- ``open_print_preview`` shows the preview of ``parent`` (one per main
  window; a second call brings it forward with the new request).
  ``request_for_tab`` picks the paper the current tab suggests. When the
  main window closes, the preview cancels its build and waits for it to be
  done with the database (never for the rendering), then closes too.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QMarginsF,
    QModelIndex,
    QObject,
    QRectF,
    QSize,
    QStandardPaths,
    Qt,
    SignalInstance,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QKeySequence, QPageLayout, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId, PlanId
from qpmr_desktop.domain.periods import PeriodError, Quarter
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.indicators import list_indicator_rows
from qpmr_desktop.services.minutes import list_all_agenda_items, list_meetings
from qpmr_desktop.services.plans import list_plans
from qpmr_desktop.services.read_models import AgendaItemSummary, MeetingSummary
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.background import BackgroundTask, TaskControl, run_in_background
from qpmr_desktop.ui.formatting import elide, short_date
from qpmr_desktop.ui.roles import ItemRole

if TYPE_CHECKING:
    from qpmr_desktop.printing.document import CouncilDocument

__all__ = [
    "MAX_PRINT_DPI",
    "BuildCancelledError",
    "BuiltDocument",
    "DocumentKind",
    "DocumentRequest",
    "PrintPreviewWindow",
    "Subject",
    "build_document",
    "list_subjects",
    "open_print_preview",
    "print_pdf",
    "request_for_tab",
]

_log = logging.getLogger(__name__)

WINDOW_TITLE = "Print Preview"
PDF_FILTER = "PDF document (*.pdf)"
#: Pages go to the printer as images at the printer's resolution, but no finer:
#: an A4 page at 300 dpi is a 35 MB image already, and print looks no better.
MAX_PRINT_DPI: Final = 300
#: How many quarters the performance report offers, newest first.
PERIODS_OFFERED: Final = 12
_POINTS_PER_INCH: Final = 72.0
_SUBJECT_LABEL_LIMIT: Final = 90


class DocumentKind(StrEnum):
    """The papers the app prints; the value is the command line's name for it."""

    ITEM_MINUTES = "item-minutes"
    MEETING_MINUTES = "meeting-minutes"
    PERFORMANCE = "performance"
    ACTIONS = "actions"
    PACK = "pack"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS: Final = {
    DocumentKind.ITEM_MINUTES: "Minutes of an agenda item",
    DocumentKind.MEETING_MINUTES: "Minutes of a meeting",
    DocumentKind.PERFORMANCE: "Quarterly performance report",
    DocumentKind.ACTIONS: "Action tracker",
    DocumentKind.PACK: "Committee pack for a meeting",
}


@dataclass(frozen=True, slots=True)
class DocumentRequest:
    """Which paper: a kind and its subject (see the module contract); subject None for
    the action tracker means every plan, for the others the first subject offered."""

    kind: DocumentKind
    subject: int | str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """One choice in the "For" list: what it reads as, and the request's subject."""

    label: str
    value: int | str | None


@dataclass(frozen=True, slots=True)
class BuiltDocument:
    """A finished paper: its PDF, its title and the file name to suggest for it."""

    pdf: bytes
    title: str
    file_name: str


class BuildCancelledError(Exception):
    """The build stopped because it was cancelled."""


class PrintError(Exception):
    """Printing could not start or was stopped; the message is for a person."""


# ------------------------------------------------------------------ subjects


def _meeting_label(meeting: MeetingSummary) -> str:
    # The date first: committee names are long, and a narrow list cuts the end off.
    return elide(f"{short_date(meeting.date)} — {meeting.committee}", _SUBJECT_LABEL_LIMIT)


def _item_label(item: AgendaItemSummary, meeting: MeetingSummary | None) -> str:
    number = item.number.strip()
    title = f"{number} {item.title}" if number else item.title
    when = short_date(meeting.date) if meeting is not None else ""
    return elide(f"{when} — {title}" if when else title, _SUBJECT_LABEL_LIMIT)


def _periods(workspace: Workspace) -> list[Quarter]:
    """The latest quarter with a figure and those before it, newest first."""
    latest: Quarter | None = None
    for row in list_indicator_rows(workspace=workspace):
        if row.latest_period is None:
            continue
        try:
            period = Quarter.parse(row.latest_period)
        except PeriodError:
            continue
        if latest is None or period > latest:
            latest = period
    if latest is None:
        return []
    periods = [latest]
    while len(periods) < PERIODS_OFFERED:
        periods.append(periods[-1].previous())
    return periods


def list_subjects(workspace: Workspace, kind: DocumentKind) -> list[Subject]:
    """What a paper of ``kind`` can be printed for, in the order offered (newest first)."""
    if kind is DocumentKind.ITEM_MINUTES:
        meetings = {meeting.id: meeting for meeting in list_meetings(workspace=workspace)}
        return [
            Subject(_item_label(item, meetings.get(item.meeting_id)), int(item.id))
            for item in list_all_agenda_items(workspace=workspace)
        ]
    if kind in (DocumentKind.MEETING_MINUTES, DocumentKind.PACK):
        return [
            Subject(_meeting_label(meeting), int(meeting.id))
            for meeting in list_meetings(workspace=workspace)
        ]
    if kind is DocumentKind.PERFORMANCE:
        return [Subject(period.label, period.label) for period in _periods(workspace)]
    plans = [
        Subject(elide(plan.name, _SUBJECT_LABEL_LIMIT), int(plan.id))
        for plan in list_plans(workspace=workspace)
    ]
    return [Subject("All plans", None), *plans]


# ------------------------------------------------------------------ building (pool thread)


class _RenderProgress:
    """ReportLab's progress callback: reports now and then, and stops a cancelled build."""

    def __init__(self, control: TaskControl) -> None:
        self._control = control
        self._total = 0
        self._page = 1
        self._reported = -1

    def __call__(self, event: str, value: int) -> None:
        if self._control.cancelled:
            raise BuildCancelledError("the build was cancelled")
        if event == "SIZE_EST":
            self._total = int(value)
        elif event == "PAGE":
            self._page = int(value)
        elif event == "PROGRESS" and self._total:
            # One report per percent at most: every report is an event on the GUI thread.
            percent = int(value) * 100 // self._total
            if percent != self._reported:
                self._reported = percent
                self._control.report(int(value), self._total, f"Laying out page {self._page}…")


def _check_cancelled(control: TaskControl) -> None:
    if control.cancelled:
        raise BuildCancelledError("the build was cancelled")


def _file_name(*parts: str) -> str:
    """A file name from words: letters, digits and hyphens ("minutes-2017-09-19.pdf")."""
    text = "-".join(part for part in parts if part)
    slug = re.sub(r"[^\w]+", "-", text, flags=re.ASCII).strip("-").lower()
    return f"{slug or 'document'}.pdf"


def _gather(workspace: Workspace, request: DocumentRequest) -> tuple[CouncilDocument, str]:
    """The document to render and the file name to suggest; reads the database."""
    # Imported here, on the pool thread: ReportLab and the charts cost the GUI nothing.
    from qpmr_desktop.services.papers import (  # noqa: PLC0415
        council_info,
        item_minutes_for_print,
        meeting_minutes_for_print,
        performance_report_for_print,
    )

    council = council_info(workspace=workspace)
    kind, subject = request.kind, request.subject
    if kind is DocumentKind.ITEM_MINUTES:
        from qpmr_desktop.printing.minutes_document import ItemMinutesDocument  # noqa: PLC0415

        item = item_minutes_for_print(workspace=workspace, item_id=AgendaItemId(_ident(subject)))
        name = _file_name("minutes", item.meeting.date.isoformat(), "item", item.number)
        return ItemMinutesDocument(item, council=council), name
    if kind is DocumentKind.MEETING_MINUTES:
        from qpmr_desktop.printing.minutes_document import MeetingMinutesDocument  # noqa: PLC0415

        minutes = meeting_minutes_for_print(
            workspace=workspace, meeting_id=MeetingId(_ident(subject))
        )
        name = _file_name("minutes", minutes.meeting.date.isoformat())
        return MeetingMinutesDocument(minutes, council=council), name
    if kind is DocumentKind.PERFORMANCE:
        from qpmr_desktop.printing.performance_report import (  # noqa: PLC0415
            PerformanceReportDocument,
        )

        if not isinstance(subject, str):
            raise ValueError("Choose the quarter the performance report is for.")
        period = Quarter.parse(subject)
        report = performance_report_for_print(workspace=workspace, period=period)
        name = _file_name("performance-report", period.label.replace("/", "-"))
        return PerformanceReportDocument(report, council=council), name
    from qpmr_desktop.services.papers_actions import (  # noqa: PLC0415
        action_tracker_for_print,
        pack_for_print,
    )
    from qpmr_desktop.services.settings import effective_today  # noqa: PLC0415

    if kind is DocumentKind.ACTIONS:
        from qpmr_desktop.printing.action_tracker import ActionTrackerDocument  # noqa: PLC0415

        today = effective_today(workspace=workspace)
        plan = None if subject is None else PlanId(_ident(subject))
        tracker = action_tracker_for_print(workspace=workspace, plan_id=plan, today=today)
        return ActionTrackerDocument(tracker, council=council), _file_name(
            "action-tracker", today.isoformat()
        )
    from qpmr_desktop.printing.pack import PackDocument  # noqa: PLC0415

    pack = pack_for_print(workspace=workspace, meeting_id=MeetingId(_ident(subject)))
    name = _file_name("pack", pack.minutes.meeting.date.isoformat())
    return PackDocument(pack, council=council), name


def _ident(subject: int | str | None) -> int:
    if not isinstance(subject, int):
        raise ValueError("Choose what to print the paper for.")
    return subject


def build_document(
    workspace: Workspace,
    request: DocumentRequest,
    control: TaskControl,
    *,
    done_with_database: threading.Event | None = None,
) -> BuiltDocument:
    """Gather and render the paper ``request`` names; see the module contract.

    ``done_with_database`` is set once the database has been read (or the
    reading failed), so a closing window knows when the workspace is free.
    """
    try:
        _check_cancelled(control)
        control.report(0, 0, "Gathering the data…")
        document, file_name = _gather(workspace, request)
    finally:
        if done_with_database is not None:
            done_with_database.set()
    _check_cancelled(control)
    control.report(0, 0, "Laying out the pages…")
    pdf = document.render(progress=_RenderProgress(control))
    _check_cancelled(control)
    return BuiltDocument(pdf=pdf, title=document.metadata().title, file_name=file_name)


def _failure_text(error: Exception) -> str:
    """What to tell the person about a build that failed."""
    if isinstance(error, NotFoundError):
        return (
            f"{error} Someone may have deleted it since the list was read: "
            "choose another, or close the preview and open it again."
        )
    if isinstance(error, (ValueError, PeriodError, FileNotFoundError)):
        return str(error)
    return (
        f"The document could not be built: {error}. Nothing was lost; the details are in the log."
    )


# ------------------------------------------------------------------ printing


def _pages_to_print(printer: QPrinter, page_count: int, current_page: int) -> list[int]:
    """0-based pages the print dialog asked for (all, a range, or the current page)."""
    match printer.printRange():
        case QPrinter.PrintRange.PageRange if printer.fromPage() > 0:
            first = max(printer.fromPage(), 1)
            last = min(printer.toPage() or page_count, page_count)
            return list(range(first - 1, last))
        case QPrinter.PrintRange.CurrentPage:
            return [min(max(current_page, 0), page_count - 1)] if page_count else []
        case _:
            return list(range(page_count))


def print_pdf(
    document: QPdfDocument,
    printer: QPrinter,
    *,
    current_page: int = 0,
    on_page: Callable[[int, int], bool] | None = None,
) -> int:
    """Paint the pages of ``document`` on ``printer``; the number of pages printed.

    Each page is rendered at the printer's resolution (at most
    ``MAX_PRINT_DPI``) and scaled into the printable area, keeping its shape;
    landscape pages turn the paper. ``on_page(done, total)`` is called before
    each page and may return False to stop (the job is then aborted).
    ``PrintError`` when the printer cannot start.
    """
    pages = _pages_to_print(printer, document.pageCount(), current_page)
    if not pages:
        return 0
    dpi = max(min(printer.resolution(), MAX_PRINT_DPI), 72)
    _turn_paper(printer, document, pages[0])
    painter = QPainter()
    if not painter.begin(printer):
        where = printer.outputFileName() or printer.printerName() or "the printer"
        raise PrintError(f"Printing could not start on {where}. Check the printer and try again.")
    printed = 0
    try:
        for done, page in enumerate(pages):
            if on_page is not None and not on_page(done, len(pages)):
                printer.abort()
                raise PrintError("Printing was cancelled; pages already sent may still print.")
            if done:
                _turn_paper(printer, document, page)
                printer.newPage()
            size = document.pagePointSize(page)
            image = document.render(
                page,
                QSize(
                    round(size.width() / _POINTS_PER_INCH * dpi),
                    round(size.height() / _POINTS_PER_INCH * dpi),
                ),
            )
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            scale = min(area.width() / image.width(), area.height() / image.height())
            width, height = image.width() * scale, image.height() * scale
            # The painter's origin is the printable area's corner: centre the page in it.
            target = QRectF((area.width() - width) / 2, (area.height() - height) / 2, width, height)
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    return printed


def _turn_paper(printer: QPrinter, document: QPdfDocument, page: int) -> None:
    size = document.pagePointSize(page)
    orientation = (
        QPageLayout.Orientation.Landscape
        if size.width() > size.height()
        else QPageLayout.Orientation.Portrait
    )
    if printer.pageLayout().orientation() != orientation:
        printer.setPageOrientation(orientation)


# ------------------------------------------------------------------ the window


class PrintPreviewWindow(QWidget):
    """The preview window; see the module contract."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        initial: DocumentRequest | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("print_preview")
        self.setWindowTitle(WINDOW_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._workspace = workspace
        self._task: BackgroundTask | None = None
        self._done_with_database: threading.Event | None = None
        self._built: BuiltDocument | None = None
        self._buffer: QBuffer | None = None
        self._failure = ""
        self._filling = False  # the combos are being filled: their signals mean nothing

        layout = QVBoxLayout(self)
        layout.addLayout(self._make_chooser())
        layout.addLayout(self._make_status_line())
        layout.addWidget(self._make_pages(), 1)
        self._connect_signals()

        if parent is not None:
            # Closing the main window closes the workspace: stop first.
            parent.window().installEventFilter(self)
        self.resize(900, 1000)
        self._show_idle("")
        self.show_request(initial or DocumentRequest(DocumentKind.MEETING_MINUTES))

    # ------------------------------------------------------------ our API

    @property
    def request(self) -> DocumentRequest:
        """The paper the chooser names now."""
        kind = DocumentKind(self.kind_combo.currentData())
        index = self.subject_combo.currentIndex()
        return DocumentRequest(kind, self.subject_combo.itemData(index) if index >= 0 else None)

    @property
    def built(self) -> BuiltDocument | None:
        """The document shown, once built; None while building, after a failure or cancel."""
        return self._built

    @property
    def building(self) -> bool:
        return self._task is not None and not self._task.is_settled

    @property
    def failure(self) -> str:
        """What the last failed build said ("" when it did not fail)."""
        return self._failure

    def show_request(self, request: DocumentRequest) -> None:
        """Choose ``request`` in the chooser and build it (the first subject when it has none)."""
        self._filling = True
        try:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(request.kind.value))
            self._fill_subjects(request.kind, request.subject)
        finally:
            self._filling = False
        self.rebuild()

    def rebuild(self) -> None:
        """Build the chosen paper again, cancelling a build that is running."""
        self._stop_build()
        self._set_document(None)
        if self.subject_combo.count() == 0:
            kind = DocumentKind(self.kind_combo.currentData())
            self._show_message(f"There is nothing to print as “{kind.label}” in this database yet.")
            return
        request = self.request
        self._failure = ""
        done_with_database = threading.Event()
        self._done_with_database = done_with_database
        workspace = self._workspace
        task = run_in_background(
            lambda control: build_document(
                workspace, request, control, done_with_database=done_with_database
            ),
            description=f"building the print preview of {request}",
        )
        task.succeeded.connect(self._on_task_succeeded)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_task_cancelled)
        task.progressed.connect(self._on_task_progressed)
        self._task = task
        self._show_building("Gathering the data…")

    def cancel_build(self) -> None:
        """Stop the build that is running (its outcome is discarded); nothing when none is."""
        if self._task is not None and not self._task.is_settled:
            self._task.cancel()

    def save_pdf(self, path: Path | None = None) -> Path | None:
        """Write the document shown to ``path`` (asked for when None); the path, or None."""
        built = self._built
        if built is None:
            return None
        if path is None:
            path = self._ask_save_path(built)
            if path is None:
                return None
        partial = path.with_name(path.name + ".partial")
        try:
            # Written whole, then moved into place: a failure never leaves half a PDF.
            partial.write_bytes(built.pdf)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            QMessageBox.warning(
                self,
                f"Save as PDF — {WINDOW_TITLE}",
                f"{path.name} could not be written: {error.strerror or error}.\n\n"
                "Choose another folder, or close the file if another program has it open.",
            )
            return None
        self.status_label.setText(f"Saved {path.name} in {path.parent}.")
        return path

    def print_to(self, printer: QPrinter | None = None) -> int:
        """Print the document shown on ``printer`` (asked for when None); pages printed."""
        if self._built is None:
            return 0
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(self._built.title)
            printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(f"Print {self._built.title}")
            dialog.setMinMax(1, self.pdf_document.pageCount())
            if dialog.exec() != QPrintDialog.DialogCode.Accepted:
                return 0
        return self._print_with_progress(printer)

    # ------------------------------------------------------------ Qt overrides

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close and watched is not self:
            self.close()
        return super().eventFilter(watched, event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_build()
        parent = self.parentWidget()
        if parent is not None:
            parent.window().removeEventFilter(self)
        super().closeEvent(event)

    # ------------------------------------------------------------ slots

    @Slot()
    def _on_kind_combo_changed(self) -> None:
        if self._filling:
            return
        self._filling = True
        try:
            self._fill_subjects(DocumentKind(self.kind_combo.currentData()), None)
        finally:
            self._filling = False
        self.rebuild()

    @Slot()
    def _on_subject_combo_changed(self) -> None:
        if not self._filling:
            self.rebuild()

    @Slot()
    def _on_zoom_combo_changed(self) -> None:
        zoom = self.zoom_combo.currentData()
        if isinstance(zoom, QPdfView.ZoomMode):
            self.view.setZoomMode(zoom)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(float(zoom))

    @Slot()
    def _on_save_button_clicked(self) -> None:
        self.save_pdf()

    @Slot()
    def _on_print_button_clicked(self) -> None:
        self.print_to()

    @Slot(object)
    def _on_task_succeeded(self, built: object) -> None:
        assert isinstance(built, BuiltDocument)
        self._task = None
        if not self._set_document(built):
            return
        self.setWindowTitle(f"{built.title} — {WINDOW_TITLE}")
        self._show_idle("")

    @Slot(object)
    def _on_task_failed(self, error: object) -> None:
        assert isinstance(error, Exception)
        self._task = None
        expected = isinstance(error, (NotFoundError, ValueError, PeriodError, FileNotFoundError))
        if not expected:
            _log.error("Building the print preview failed", exc_info=error)
        self._failure = _failure_text(error)
        self._show_message(self._failure)
        self.status_label.setText("The document could not be built.")
        self.retry_button.show()

    @Slot()
    def _on_task_cancelled(self) -> None:
        self._task = None
        self._show_message("Cancelled. Choose a document, or Try Again to build this one.")
        self.status_label.setText("Cancelled.")
        self.retry_button.show()

    @Slot(int, int, str)
    def _on_task_progressed(self, done: int, total: int, text: str) -> None:
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        if text:
            self.status_label.setText(text)

    @Slot(int)
    def _show_page_number(self, page: int = 0) -> None:
        count = self.pdf_document.pageCount()
        self.page_label.setText(f"Page {page + 1} of {count}" if self._built and count else "")

    # ------------------------------------------------------------ construction

    def _make_chooser(self) -> QHBoxLayout:
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("preview_kind")
        for kind in DocumentKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.subject_combo = QComboBox(self)
        self.subject_combo.setObjectName("preview_subject")
        self.subject_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.subject_combo.setMinimumContentsLength(36)
        kind_label = QLabel("&Document:", self)
        kind_label.setBuddy(self.kind_combo)
        subject_label = QLabel("&For:", self)
        subject_label.setBuddy(self.subject_combo)

        self.save_button = QPushButton("&Save as PDF…", self)
        self.save_button.setObjectName("preview_save")
        self.save_button.setToolTip("Write this document to a PDF file")
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setObjectName("preview_print")
        self.print_button.setToolTip("Send this document to a printer")
        self.zoom_combo = QComboBox(self)
        self.zoom_combo.setObjectName("preview_zoom")
        for text, zoom in _ZOOMS:
            self.zoom_combo.addItem(text, zoom)
        self.zoom_combo.setToolTip("Zoom")

        chooser = QHBoxLayout()
        chooser.addWidget(kind_label)
        chooser.addWidget(self.kind_combo)
        chooser.addSpacing(12)
        chooser.addWidget(subject_label)
        chooser.addWidget(self.subject_combo, 1)
        chooser.addSpacing(12)
        chooser.addWidget(self.zoom_combo)
        chooser.addWidget(self.save_button)
        chooser.addWidget(self.print_button)
        return chooser

    def _make_status_line(self) -> QHBoxLayout:
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("preview_progress")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumWidth(260)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("preview_status")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("preview_cancel")
        self.cancel_button.setToolTip("Stop building this document")
        self.retry_button = QPushButton("&Try Again", self)
        self.retry_button.setObjectName("preview_retry")
        self.page_label = QLabel(self)
        self.page_label.setObjectName("preview_page")
        status = QHBoxLayout()
        status.addWidget(self.progress_bar)
        status.addWidget(self.status_label, 1)
        status.addWidget(self.cancel_button)
        status.addWidget(self.retry_button)
        status.addWidget(self.page_label)
        return status

    def _make_pages(self) -> QStackedWidget:
        self.pdf_document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("preview_view")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setDocument(self.pdf_document)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("preview_message")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setMargin(24)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.message_label)
        return self.pages

    def _connect_signals(self) -> None:
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.subject_combo.currentIndexChanged.connect(self._on_subject_combo_changed)
        self.zoom_combo.currentIndexChanged.connect(self._on_zoom_combo_changed)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.cancel_button.clicked.connect(self.cancel_build)
        self.retry_button.clicked.connect(self.rebuild)
        self.view.pageNavigator().currentPageChanged.connect(self._show_page_number)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self._on_print_button_clicked)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self._on_save_button_clicked)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self, self.cancel_build)

    # ------------------------------------------------------------ internals

    def _fill_subjects(self, kind: DocumentKind, subject: int | str | None) -> None:
        self.subject_combo.clear()
        try:
            subjects = list_subjects(self._workspace, kind)
        except Exception as error:  # noqa: BLE001 - shown in words, logged, never fatal
            _log.exception("Listing what to print as %s failed", kind.label)
            self._show_message(f"The list of what to print could not be read: {error}")
            return
        for choice in subjects:
            self.subject_combo.addItem(choice.label, choice.value)
            self.subject_combo.setItemData(
                self.subject_combo.count() - 1, choice.label, Qt.ItemDataRole.ToolTipRole
            )
        index = self.subject_combo.findData(subject) if subject is not None else -1
        self.subject_combo.setCurrentIndex(max(index, 0) if subjects else -1)

    def _stop_build(self) -> None:
        task, done_with_database = self._task, self._done_with_database
        self._task = None
        if task is None:
            return
        task.cancel()
        # The caller may close the workspace next: wait until the build is no
        # longer reading it (a rendering still running uses plain data only).
        if done_with_database is not None and task.is_running:
            done_with_database.wait(30)

    def _set_document(self, built: BuiltDocument | None) -> bool:
        """Show ``built`` (None: nothing); False, with the reason shown, when QtPdf refuses it."""
        self._built = None
        self.pdf_document.close()
        self._buffer = None
        if built is not None:
            buffer = QBuffer(self)
            buffer.setData(QByteArray(built.pdf))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self._buffer = buffer  # QPdfDocument reads from it for as long as it is open
            self.pdf_document.load(buffer)
            if self.pdf_document.status() != QPdfDocument.Status.Ready:
                reason = self.pdf_document.error().name
                self._failure = (
                    f"The document was built but cannot be shown ({reason}). "
                    "Save it as a PDF and open it in another program."
                )
                self._built = built
                self._show_message(self._failure)
                self._enable_output()
                return False
            self._built = built
            self.pages.setCurrentWidget(self.view)
            self.view.pageNavigator().jump(0, self.view.pageNavigator().currentLocation())
        self._enable_output()
        self._show_page_number(0)
        return True

    def _enable_output(self) -> None:
        ready = self._built is not None
        self.save_button.setEnabled(ready)
        self.print_button.setEnabled(
            ready and self.pdf_document.status() == QPdfDocument.Status.Ready
        )

    def _show_building(self, text: str) -> None:
        self.progress_bar.setRange(0, 0)  # busy until the first report
        self.progress_bar.show()
        self.cancel_button.show()
        self.retry_button.hide()
        self.status_label.setText(text)
        self._show_message("Building the document…")

    def _show_idle(self, text: str) -> None:
        self.progress_bar.hide()
        self.cancel_button.hide()
        self.retry_button.hide()
        self.status_label.setText(text)
        self._enable_output()

    def _show_message(self, text: str) -> None:
        self.cancel_button.setVisible(self.building)
        self.progress_bar.setVisible(self.building)
        self.message_label.setText(text)
        self.pages.setCurrentWidget(self.message_label)
        self._enable_output()

    def _ask_save_path(self, built: BuiltDocument) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = Path(folder or Path.home()) / built.file_name
        chosen, _ = QFileDialog.getSaveFileName(
            self, f"Save as PDF — {WINDOW_TITLE}", str(suggested), PDF_FILTER
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.casefold() == ".pdf" else path.with_name(path.name + ".pdf")

    def _print_with_progress(self, printer: QPrinter) -> int:
        progress = QProgressDialog("Printing…", "Cancel", 0, 0, self)
        progress.setWindowTitle(f"Print — {WINDOW_TITLE}")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)

        def on_page(done: int, total: int) -> bool:
            progress.setMaximum(total)
            progress.setValue(done)  # lets the window paint between pages
            progress.setLabelText(f"Printing page {done + 1} of {total}…")
            QApplication.processEvents()
            return not progress.wasCanceled()

        try:
            printed = print_pdf(
                self.pdf_document,
                printer,
                current_page=self.view.pageNavigator().currentPage(),
                on_page=on_page,
            )
        except PrintError as error:
            QMessageBox.warning(self, f"Print — {WINDOW_TITLE}", str(error))
            return 0
        finally:
            progress.close()
            progress.deleteLater()
        self.status_label.setText(
            f"Sent {printed} page{'s' if printed != 1 else ''} to "
            f"{printer.outputFileName() or printer.printerName() or 'the printer'}."
        )
        return printed


_ZOOMS: Final[Sequence[tuple[str, QPdfView.ZoomMode | float]]] = (
    ("Fit width", QPdfView.ZoomMode.FitToWidth),
    ("Fit page", QPdfView.ZoomMode.FitInView),
    ("50%", 0.5),
    ("75%", 0.75),
    ("100%", 1.0),
    ("150%", 1.5),
    ("200%", 2.0),
)


# ------------------------------------------------------------------ opening


def request_for_tab(tab: QWidget) -> DocumentRequest | None:
    """The paper the current tab suggests: the selected minutes, the tracker, the report."""
    key = getattr(tab, "key", "")
    if key == "actions":
        return DocumentRequest(DocumentKind.ACTIONS)
    if key == "indicators":
        return DocumentRequest(DocumentKind.PERFORMANCE)
    current = getattr(tab, "current_source_index", None)
    if key != "minutes" or current is None:
        return None
    index = current()
    while isinstance(index, QModelIndex) and index.isValid():
        row = index.data(ItemRole.ROW)
        if isinstance(row, AgendaItemSummary):
            return DocumentRequest(DocumentKind.ITEM_MINUTES, int(row.id))
        if isinstance(row, MeetingSummary):
            return DocumentRequest(DocumentKind.MEETING_MINUTES, int(row.id))
        index = index.parent()
    return None


def open_print_preview(
    parent: QWidget,
    workspace: Workspace,
    *,
    initial: DocumentRequest | None = None,
    closed_by: SignalInstance | None = None,
) -> PrintPreviewWindow:
    """Show ``parent``'s print preview (made on first use) with ``initial`` chosen.

    ``closed_by`` (the main window's ``database_opened``) closes the preview:
    its papers belong to the database that was open.
    """
    for existing in parent.findChildren(PrintPreviewWindow):
        if existing.isVisible() and existing._workspace is workspace:
            if initial is not None and initial != existing.request:
                existing.show_request(initial)
            existing.raise_()
            existing.activateWindow()
            return existing
    window = PrintPreviewWindow(workspace, initial=initial, parent=parent)
    if closed_by is not None:
        closed_by.connect(window.close)
    window.show()
    return window
