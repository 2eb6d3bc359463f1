"""File → Print Preview…: real papers from the demo database, shown with QtPdf, saved, printed."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.ids import MeetingId
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.minutes import list_agenda_items, list_meetings
from qpmr_desktop.services.settings import COUNCIL_NAME, get_setting, list_settings, set_setting
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui import print_preview
from qpmr_desktop.ui.background import TaskControl, live_tasks
from qpmr_desktop.ui.main_window import MainWindow
from qpmr_desktop.ui.print_preview import (
    BuildCancelledError,
    DocumentKind,
    DocumentRequest,
    PrintPreviewWindow,
    build_document,
    list_subjects,
)

BUILD_MS = 120_000  # a build on a busy two-core machine; never a timing assertion


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path)
    yield workspace
    for task in live_tasks():  # let builds finish with the database before it closes
        task.wait(BUILD_MS)
    workspace.close()


def flat(text: str) -> str:
    return " ".join(text.split())


def qt_text(window: PrintPreviewWindow) -> str:
    document = window.pdf_document
    return flat(" ".join(document.getAllText(page).text() for page in range(document.pageCount())))


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def open_preview(
    qtbot: QtBot, workspace: Workspace, request: DocumentRequest
) -> PrintPreviewWindow:
    window = PrintPreviewWindow(workspace, initial=request)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.building, timeout=BUILD_MS)
    assert window.failure == ""
    assert window.built is not None
    return window


def first_meeting(workspace: Workspace) -> MeetingId:
    meetings = list_meetings(workspace=workspace)
    return max(meetings, key=lambda meeting: meeting.item_count).id


def test_the_preview_shows_a_meetings_minutes_as_the_database_holds_them(
    qtbot: QtBot, workspace: Workspace
) -> None:
    meeting_id = first_meeting(workspace)
    window = open_preview(
        qtbot, workspace, DocumentRequest(DocumentKind.MEETING_MINUTES, int(meeting_id))
    )
    built = window.built
    assert built is not None
    assert window.pdf_document.pageCount() == len(PdfReader(io.BytesIO(built.pdf)).pages) >= 1
    assert window.page_label.text() == f"Page 1 of {window.pdf_document.pageCount()}"
    text = qt_text(window)
    meeting = next(m for m in list_meetings(workspace=workspace) if m.id == meeting_id)
    assert meeting.committee in text
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) in text
    # Every agenda item's title, in agenda order.
    positions = [
        text.index(flat(item.title))
        for item in list_agenda_items(workspace=workspace, meeting_id=meeting_id)
    ]
    assert len(positions) >= 2
    assert positions == sorted(positions)
    assert window.save_button.isEnabled()
    assert window.print_button.isEnabled()


def test_every_kind_of_paper_offers_what_it_can_be_printed_for(workspace: Workspace) -> None:
    assert list_subjects(workspace, DocumentKind.PERFORMANCE)[0].label == "Q1 2017/18"
    actions = list_subjects(workspace, DocumentKind.ACTIONS)
    assert actions[0].label == "All plans"
    assert actions[0].value is None
    assert len(actions) > 1
    items = list_subjects(workspace, DocumentKind.ITEM_MINUTES)
    assert items
    assert all(isinstance(item.value, int) for item in items)
    meetings = list_subjects(workspace, DocumentKind.PACK)
    assert [subject.value for subject in meetings] == [
        int(meeting.id) for meeting in list_meetings(workspace=workspace)
    ]


def test_the_council_name_prints_verbatim_in_the_preview(
    qtbot: QtBot, workspace: Workspace
) -> None:
    hostile = '<b>&"é🙂Łódź'
    rows = {row.key: row for row in list_settings(workspace=workspace)}
    set_setting(
        workspace=workspace,
        setting=COUNCIL_NAME,
        value=hostile,
        expected_version=rows[COUNCIL_NAME.key].version,
    )
    items = list_subjects(workspace, DocumentKind.ITEM_MINUTES)
    window = open_preview(
        qtbot, workspace, DocumentRequest(DocumentKind.ITEM_MINUTES, items[0].value)
    )
    built = window.built
    assert built is not None
    # Emoji beyond the Basic Multilingual Plane print as U+FFFD (printing/document.py).
    assert '<b>&"é\ufffdŁódź' in qt_text(window)
    assert '<b>&"é\ufffdŁódź' in pdf_text(built.pdf)


def test_cancel_stops_a_build_at_the_next_flowable(workspace: Workspace) -> None:
    reports: list[tuple[int, int, str]] = []

    def reporter(done: int, total: int, text: str) -> None:
        reports.append((done, total, text))
        if total:  # laying out pages: the person has had enough
            control.request_cancel()

    control = TaskControl(reporter)
    meeting_id = first_meeting(workspace)
    with pytest.raises(BuildCancelledError):
        build_document(
            workspace, DocumentRequest(DocumentKind.MEETING_MINUTES, int(meeting_id)), control
        )
    laid_out = [report for report in reports if report[1]]
    assert len(laid_out) == 1  # nothing more was laid out after the cancel
    assert laid_out[0][0] < laid_out[0][1]


def test_the_cancel_button_stops_waiting_and_try_again_builds(
    qtbot: QtBot, workspace: Workspace
) -> None:
    window = PrintPreviewWindow(workspace, initial=DocumentRequest(DocumentKind.PERFORMANCE))
    qtbot.addWidget(window)
    building_before = window.building
    assert building_before
    assert window.cancel_button.isVisibleTo(window)
    assert not window.save_button.isEnabled()
    window.cancel_button.click()
    assert not window.building
    assert window.built is None
    assert window.status_label.text() == "Cancelled."
    assert window.message_label.text().startswith("Cancelled.")
    assert not window.save_button.isEnabled()
    assert not window.print_button.isEnabled()
    assert window.retry_button.isVisibleTo(window)
    window.kind_combo.setCurrentIndex(window.kind_combo.findData(DocumentKind.ITEM_MINUTES.value))
    qtbot.waitUntil(lambda: window.built is not None, timeout=BUILD_MS)
    assert window.request.kind is DocumentKind.ITEM_MINUTES
    assert window.pdf_document.pageCount() >= 1


def test_save_as_pdf_writes_the_document_built(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    meeting_id = first_meeting(workspace)
    window = open_preview(
        qtbot, workspace, DocumentRequest(DocumentKind.MEETING_MINUTES, int(meeting_id))
    )
    built = window.built
    assert built is not None
    assert built.file_name.startswith("minutes-")
    assert built.file_name.endswith(".pdf")
    target = tmp_path / "Łódź <minutes>.pdf"
    assert window.save_pdf(target) == target
    data = target.read_bytes()
    assert data == built.pdf
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == window.pdf_document.pageCount()
    assert reader.metadata is not None
    assert reader.metadata.title == built.title
    assert not list(tmp_path.glob("*.partial"))


def test_print_goes_to_a_pdf_printer_page_for_page(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    window = open_preview(qtbot, workspace, DocumentRequest(DocumentKind.ACTIONS))
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    pages = window.pdf_document.pageCount()
    assert window.print_to(printer) == pages
    printed = PdfReader(str(out))
    assert len(printed.pages) == pages
    # The tracker is landscape: the paper turned for it.
    box = printed.pages[0].mediabox
    assert float(box.width) > float(box.height)
    assert window.status_label.text().startswith(f"Sent {pages} page")


def test_a_page_range_prints_only_those_pages(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    meeting_id = first_meeting(workspace)
    window = open_preview(
        qtbot, workspace, DocumentRequest(DocumentKind.MEETING_MINUTES, int(meeting_id))
    )
    assert window.pdf_document.pageCount() >= 2
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "two.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 2)
    assert window.print_to(printer) == 1
    printed = PdfReader(str(tmp_path / "two.pdf"))
    assert len(printed.pages) == 1
    box = printed.pages[0].mediabox
    assert float(box.width) < float(box.height)  # minutes are portrait


def test_a_failed_build_is_shown_in_words_and_can_be_tried_again(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_gather = print_preview._gather

    def broken(*_args: object) -> object:
        raise RuntimeError("the font file is damaged")

    monkeypatch.setattr(print_preview, "_gather", broken)
    with qtbot.captureExceptions():
        window = PrintPreviewWindow(workspace, initial=DocumentRequest(DocumentKind.ACTIONS))
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: not window.building, timeout=BUILD_MS)
    assert "could not be built: the font file is damaged" in window.failure
    assert window.message_label.text() == window.failure
    assert window.retry_button.isVisibleTo(window)
    assert not window.save_button.isEnabled()
    monkeypatch.setattr(print_preview, "_gather", real_gather)
    window.retry_button.click()
    qtbot.waitUntil(lambda: window.built is not None, timeout=BUILD_MS)
    assert window.failure == ""


def test_a_deleted_subject_says_so(workspace: Workspace) -> None:
    control = TaskControl(lambda *_args: None)
    with pytest.raises(LookupError, match="no meeting with id 999999"):
        build_document(workspace, DocumentRequest(DocumentKind.PACK, 999_999), control)
    text = print_preview._failure_text(NotFoundError("meeting", 999_999))
    assert "choose another" in text


# The offscreen platform can neither pass size hints nor raise a window.
@pytest.mark.qt_log_ignore("does not support propagateSizeHints", "does not support raise")
def test_file_print_preview_opens_on_the_selected_minutes(
    qtbot: QtBot, demo_path: Path, tmp_path: Path
) -> None:
    window = MainWindow(open_workspace(demo_path), remember_layout=False, initial_tab="minutes")
    qtbot.addWidget(window)
    window.show()
    window.print_preview_action.trigger()
    previews = window.findChildren(PrintPreviewWindow)
    assert len(previews) == 1
    preview = previews[0]
    assert preview.request.kind in (DocumentKind.ITEM_MINUTES, DocumentKind.MEETING_MINUTES)
    qtbot.waitUntil(lambda: preview.built is not None, timeout=BUILD_MS)
    qtbot.wait(300)  # QtPdf paints pages from its own thread
    preview.grab().save(str(tmp_path / "preview.png"))
    assert (tmp_path / "preview.png").stat().st_size > 10_000
    # A second trigger brings the same preview forward.
    window.print_preview_action.trigger()
    assert window.findChildren(PrintPreviewWindow) == [preview]
    window.close()  # closes the preview too, after its build let go of the database
    assert not preview.isVisible()


def test_starting_the_app_does_not_load_qtpdf() -> None:
    code = (
        "import sys; import qpmr_desktop.ui.main_window; "
        "print(any(name.startswith(('PySide6.QtPdf', 'reportlab')) for name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
