"""Minutes → Paste Published Minutes…: take in one agenda item's published minutes.

Contract:

- ``PasteMinutesDialog(workspace)`` has a plain-text box to paste into (or
  fill with "Open Text File…"), the committee (an editable combo of the
  committees that have meetings, newest first) and the meeting date. Picking
  a committee suggests the date of its latest draft meeting; a line under the
  date says what saving will do (add to that meeting, create a new draft
  meeting, or that the meeting's minutes are approved).
- A preview of ``domain.minutes_parsing.parse_published_minutes`` follows the
  text after a short pause (``PAUSE_MS``): title, item number on the page,
  presenters, each section's heading and points with their kinds, the
  resolutions with their parts, and the supporting documents. A warning line
  says when a paragraph was not placed (the parser promises never) or when
  "Decision" blocks that repeated a resolution were folded into it.
- Save calls ``services.minutes_import.save_parsed_item`` with a fresh parse
  of the text; on success the dialog is accepted and ``saved_item_id`` is the
  new agenda item's id (``item_saved(id)`` is emitted too). A refusal (no
  title, approved minutes, no committee, a clash with another user) is shown
  in plain words in the dialog, which stays open with the text as it was.
- ``paste_published_minutes_interactively(parent, workspace)`` runs the
  dialog and returns the new item's id, or None when cancelled.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.domain.minutes_parsing import (
    ParsedMinutes,
    parse_published_minutes,
    unplaced_paragraphs,
)
from qpmr_desktop.services.read_models import MeetingSummary
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.chips import AMBER, GREY, RED
from qpmr_desktop.ui.formatting import short_date

_log = logging.getLogger(__name__)

#: The pause in typing or pasting after which the preview follows.
PAUSE_MS: Final = 300
_MUTED = f"color: {GREY};"
EMPTY_PREVIEW = (
    "Paste the minutes of one agenda item on the left — as published, from a ModernGov "
    "“Agenda item” page or a PDF — and their structure appears here before anything is saved."
)


@dataclass(frozen=True, slots=True)
class PreviewState:
    """What the preview shows for one text: the parse, and what to warn about."""

    parsed: ParsedMinutes
    unplaced: tuple[str, ...]

    @property
    def warnings(self) -> tuple[str, ...]:
        lines: list[str] = []
        if self.unplaced:
            count = len(self.unplaced)
            lines.append(
                f"{count} paragraph{'s' if count != 1 else ''} could not be placed and would "
                "not be saved — please report this, with the text."
            )
        repeated = len(self.parsed.repeated_decisions)
        if repeated == 1:
            lines.append("1 Decision block repeated a resolution and was kept once.")
        elif repeated:
            lines.append(f"{repeated} Decision blocks repeated resolutions and were kept once.")
        return tuple(lines)


def _text(text: str) -> str:
    return html.escape(text, quote=True)


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


def _presenter_text(name: str | None, role: str | None) -> str:
    return ", ".join(piece for piece in (name, role) if piece)


def preview_html(parsed: ParsedMinutes) -> str:
    """The structure of ``parsed`` as rich text; every piece of the minutes escaped."""
    out: list[str] = []
    if parsed.title:
        out.append(f"<h3>{_text(parsed.title)}</h3>")
    else:
        out.append(
            f'<h3 style="color: {RED};">No title found</h3>'
            f"<p>The first line of the minutes should be the item's title.</p>"
        )
    facts: list[str] = []
    if parsed.item_number:
        facts.append(f"Item {_text(parsed.item_number)} on the published page")
    points = parsed.points
    facts.append(
        " · ".join(
            (
                _count(sum(1 for s in parsed.sections if s.heading), "heading"),
                _count(len(points), "point"),
                _count(len(parsed.resolutions), "resolution"),
                _count(len(parsed.supporting_documents), "supporting document"),
            )
        )
    )
    out.append(f'<p style="{_MUTED}">{"<br>".join(facts)}</p>')
    if parsed.presenters:
        people = "; ".join(_text(_presenter_text(p.name, p.role)) for p in parsed.presenters)
        out.append(f"<p><b>Presented by</b> {people}</p>")
    for section in parsed.sections:
        if section.heading:
            out.append(f"<h4>{_text(section.heading)}</h4>")
        elif section.points:
            out.append(f'<h4 style="{_MUTED}">(introduction)</h4>')
        out.extend(
            f'<p style="margin-left: 8px;"><span style="{_MUTED}">'
            f"[{_text(point.kind.label)}]</span> {_text(point.text)}</p>"
            for point in section.points
        )
    for resolution in parsed.resolutions:
        parts = "".join(f"<li>{_text(part)}</li>" for part in resolution.parts)
        text = f" {_text(resolution.text)}" if resolution.text else ""
        out.append(f"<p><b>{_text(resolution.label)}:</b>{text}</p>")
        if parts:
            out.append(f'<ul style="list-style-type: none;">{parts}</ul>')
    if parsed.supporting_documents:
        documents = "".join(f"<li>{_text(title)}</li>" for title in parsed.supporting_documents)
        out.append(f"<h4>Supporting documents</h4><ul>{documents}</ul>")
    return "\n".join(out)


def _committees(meetings: Sequence[MeetingSummary]) -> list[str]:
    """Committee names, the one met most recently first, each once (capitals ignored)."""
    seen: set[str] = set()
    names: list[str] = []
    for meeting in sorted(meetings, key=lambda m: m.date, reverse=True):
        key = meeting.committee.casefold()
        if key not in seen:
            seen.add(key)
            names.append(meeting.committee)
    return names


def _same_committee(left: str, right: str) -> bool:
    # As the service finds a committee: surrounding and repeated spaces and capitals ignored.
    return " ".join(left.split()).casefold() == " ".join(right.split()).casefold()


class PasteMinutesDialog(QDialog):
    """Paste, preview and save one agenda item's published minutes; see the module contract."""

    item_saved = Signal(int)  # the new agenda item's id

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paste Published Minutes")
        self.setObjectName("paste_minutes_dialog")
        self._workspace = workspace
        self._meetings = self._read_meetings()
        self._preview: PreviewState | None = None
        self.saved_item_id: int | None = None

        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("paste_minutes_text")
        self.text_edit.setPlaceholderText(
            "Paste the published minutes of one agenda item here: the title line, the "
            "minutes, the resolution and any supporting documents."
        )
        # Published minutes arrive hard-wrapped or in long paragraphs: show them as they are.
        self.text_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.open_button = QPushButton("Open Text File…", self)
        self.open_button.setObjectName("paste_minutes_open")

        self.committee_combo = QComboBox(self)
        self.committee_combo.setObjectName("paste_minutes_committee")
        self.committee_combo.setEditable(True)
        self.committee_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.committee_combo.addItems(_committees(self._meetings))
        committee_line = self.committee_combo.lineEdit()
        if committee_line is not None:  # always, for an editable combo
            committee_line.setPlaceholderText("The committee that met")
        self.date_edit = QDateEdit(self)
        self.date_edit.setObjectName("paste_minutes_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        start = today or dt.datetime.now(dt.UTC).astimezone().date()
        self.date_edit.setDate(QDate(start.year, start.month, start.day))
        self.number_edit = QLineEdit(self)
        self.number_edit.setObjectName("paste_minutes_number")
        self.number_edit.setPlaceholderText("the next number on the agenda")
        self.meeting_label = QLabel(self)
        self.meeting_label.setObjectName("paste_minutes_meeting")
        self.meeting_label.setWordWrap(True)

        self._make_preview_and_buttons()

        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(PAUSE_MS)

        self._lay_out()
        self.text_edit.textChanged.connect(self._on_text_edit_text_changed)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.committee_combo.currentTextChanged.connect(self._on_committee_combo_text_changed)
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self._pause.timeout.connect(self._on_pause_timeout)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        self._suggest_date(self.committee_combo.currentText())
        self._describe_meeting()
        self.resize(1100, 720)

    # ------------------------------------------------------------ our API

    @property
    def preview_state(self) -> PreviewState | None:
        """The parse the preview shows (None while the box is empty)."""
        return self._preview

    def pasted_text(self) -> str:
        """The text in the box exactly as pasted.

        ``toPlainText`` would turn no-break spaces into spaces; the raw text
        keeps them, with Qt's paragraph separators turned back into line breaks.
        """
        return self.text_edit.document().toRawText().replace("\u2029", "\n")

    def set_text(self, text: str) -> None:
        """Put ``text`` in the box and preview it at once."""
        self.text_edit.setPlainText(text)
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """Parse the text now instead of after the pause."""
        self._pause.stop()
        text = self.pasted_text()
        if not text.strip():
            self._preview = None
            self.preview.clear()
            self.warning_label.hide()
            self.save_button.setEnabled(False)
            return
        parsed = parse_published_minutes(text)
        self._preview = PreviewState(parsed, unplaced_paragraphs(text, parsed))
        self.preview.setHtml(preview_html(parsed))
        warnings = self._preview.warnings
        self.warning_label.setText("\n".join(f"⚠ {line}" for line in warnings))
        self.warning_label.setVisible(bool(warnings))
        self.save_button.setEnabled(True)

    def load_text_file(self, path: Path) -> bool:
        """Replace the text with the file's; False (and the reason shown) if it cannot be read."""
        try:
            data = path.read_bytes()
        except OSError as error:
            self._show_error(f"{path.name} could not be read: {error.strerror or error}.")
            return False
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Not UTF-8: text saved from Word on Windows is most often cp1252,
            # which (unlike Latin-1) has the curly quotes and dashes minutes use.
            text = data.decode("cp1252", errors="replace")
        self._clear_error()
        self.set_text(text)
        return True

    def save(self) -> int | None:
        """Save the text as a new item; its id, or None with the reason shown in the dialog."""
        from qpmr_desktop.services.errors import (  # noqa: PLC0415 - loads after first paint
            ConflictError,
            NotAllowedError,
            ValidationError,
        )
        from qpmr_desktop.services.minutes_import import save_parsed_item  # noqa: PLC0415

        self.refresh_preview()
        if self._preview is None:
            self._show_error("Paste the minutes first: the box is empty.")
            return None
        committee = self.committee_combo.currentText()
        number = self.number_edit.text().strip() or None
        try:
            item_id = save_parsed_item(
                workspace=self._workspace,
                parsed=self._preview.parsed,
                committee=committee,
                meeting_date=self._date(),
                number=number,
            )
        except (ValidationError, NotAllowedError, ConflictError) as error:
            self._show_error(str(error))
            return None
        # Deliberately broad: whatever else goes wrong (a file gone, a disk full),
        # the pasted text must stay in the box for another try.
        except Exception as error:  # noqa: BLE001
            _log.exception("Saving pasted minutes failed")
            self._show_error(
                f"The minutes could not be saved: {error}. Nothing was saved; the text is "
                "still here. Details are in the log."
            )
            return None
        self.saved_item_id = int(item_id)
        self.item_saved.emit(self.saved_item_id)
        return self.saved_item_id

    # ------------------------------------------------------------ slots

    def _on_text_edit_text_changed(self) -> None:
        self._clear_error()
        if self.pasted_text().strip():
            self._pause.start()
        else:
            self.refresh_preview()  # emptied: nothing to wait for

    def _on_pause_timeout(self) -> None:
        self.refresh_preview()

    def _on_open_button_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Open Published Minutes",
            str(Path.home()),
            "Text files (*.txt *.text);;All files (*)",
        )
        if name:
            self.load_text_file(Path(name))

    def _on_committee_combo_text_changed(self, text: str) -> None:
        self._clear_error()
        self._suggest_date(text)
        self._describe_meeting()

    def _on_date_edit_date_changed(self) -> None:
        self._clear_error()
        self._describe_meeting()

    def _on_buttons_accepted(self) -> None:
        if self.save() is not None:
            self.accept()

    # ------------------------------------------------------------ internals

    def _read_meetings(self) -> list[MeetingSummary]:
        from qpmr_desktop.services.minutes import list_meetings  # noqa: PLC0415 - loads after first paint

        return list_meetings(workspace=self._workspace)

    def _date(self) -> dt.date:
        date = self.date_edit.date()
        return dt.date(date.year(), date.month(), date.day())

    def _suggest_date(self, committee: str) -> None:
        """The committee's latest draft meeting's date, if it has one."""
        drafts = [
            meeting
            for meeting in self._meetings
            if meeting.status is MinutesStatus.DRAFT
            and _same_committee(meeting.committee, committee)
        ]
        if drafts:
            latest = max(drafts, key=lambda meeting: meeting.date).date
            self.date_edit.setDate(QDate(latest.year, latest.month, latest.day))

    def _describe_meeting(self) -> None:
        committee = self.committee_combo.currentText()
        date = self._date()
        if not committee.strip():
            self.meeting_label.setText("Choose or type the committee whose meeting this was.")
            return
        found = [
            meeting
            for meeting in self._meetings
            if meeting.date == date and _same_committee(meeting.committee, committee)
        ]
        if not found:
            self.meeting_label.setText(
                f"No meeting of this committee on {short_date(date)} yet: saving creates it, "
                "as a draft."
            )
            return
        meeting = min(found, key=lambda m: m.id)  # the service adds to the first made
        if meeting.status is MinutesStatus.APPROVED:
            self.meeting_label.setText(
                f"The minutes of the meeting of {short_date(date)} are approved: choose "
                "another date, or amend them on the Minutes tab."
            )
            return
        self.meeting_label.setText(
            f"Adds an item to the {meeting.status.label.lower()} meeting of {short_date(date)}, "
            f"after its {_count(meeting.item_count, 'item')}."
        )

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    def _make_preview_and_buttons(self) -> None:
        self.warning_label = QLabel(self)
        self.warning_label.setObjectName("paste_minutes_warning")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(f"color: {AMBER};")
        self.warning_label.hide()
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("paste_minutes_preview")
        self.preview.setOpenLinks(False)
        self.preview.setPlaceholderText(EMPTY_PREVIEW)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("paste_minutes_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {RED};")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save as New Item")
        self.save_button.setEnabled(False)

    def _lay_out(self) -> None:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(QLabel("<b>Published minutes</b>", left), 1)
        heading.addWidget(self.open_button)
        left_layout.addLayout(heading)
        left_layout.addWidget(self.text_edit, 1)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.addRow("&Committee:", self.committee_combo)
        form.addRow("Meeting &date:", self.date_edit)
        form.addRow("", self.meeting_label)
        form.addRow("Item &number:", self.number_edit)
        right_layout.addLayout(form)
        right_layout.addWidget(QLabel("<b>Preview — what will be saved</b>", right))
        right_layout.addWidget(self.warning_label)
        right_layout.addWidget(self.preview, 1)

        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([550, 550])

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)


def paste_published_minutes_interactively(
    parent: QWidget | None, workspace: Workspace
) -> int | None:
    """Run the dialog; the new agenda item's id, or None if the person cancelled."""
    dialog = PasteMinutesDialog(workspace, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.saved_item_id
        return None
    finally:
        dialog.deleteLater()
