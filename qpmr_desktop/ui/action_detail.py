"""The Actions tab's detail pane: one action in full, its links, its history, and "Add update…".

Contract:

- ``ActionDetailPane.show_action(detail, as_at=…)`` shows one ``ActionDetail``:
  the header (``header``, read-only rich text: ref and description; the BRAG
  chip as shape + word + colour with the reason sentence, an override's
  reason included; plan, priority area, lead, due date with how far off it
  is, status and progress; the resolution the action carries out and the
  indicators that evidence it, as links), then the history (``history_view``
  over ``history_model``, newest first: when, who, what changed, the note),
  then the "Add update" box. ``clear`` empties it all. Every text from the
  database is escaped: notes and names show verbatim, never as markup.
- Clicking the resolution emits ``resolution_link_activated(agenda_item_id)``
  (the Minutes tab shows that item); clicking an indicator emits
  ``indicator_link_activated(indicator_id)``.
- "Add Update" (``add_button``, or Ctrl+Return in the note) records what the
  box holds — a new status, a new progress and/or a note — as ONE
  ``RecordActionUpdateCommand`` on the undo stack; a box that changes nothing
  says so instead. The note is kept until the update is made, then cleared.
- ``override_requested`` and ``links_requested`` ask the tab for the RAG
  override and link dialogs (the buttons under the header).
- Refusals and warnings are written in ``message_label`` in words ("✖ …",
  "⚠ …"), never by colour alone.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Final

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QKeySequence,
    QPainter,
    QPalette,
    QShortcut,
    QTextDocument,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.services.read_models import ActionDetail, ActionUpdateRow
from qpmr_desktop.ui.action_commands import ActionEditor, RecordActionUpdateCommand
from qpmr_desktop.ui.action_model import SAMPLE_TOOLTIP
from qpmr_desktop.ui.chips import (
    ACTION_RAG_COLOURS,
    GREY,
    action_rag_text,
    badge_html,
    draw_item_background,
)
from qpmr_desktop.ui.formatting import short_date, short_datetime
from qpmr_desktop.ui.roles import ItemRole
from qpmr_desktop.ui.table_model import Column, RowTableModel

__all__ = [
    "INDICATOR_SCHEME",
    "RESOLUTION_SCHEME",
    "ActionDetailPane",
    "ActionHistoryModel",
    "HistoryDelegate",
    "action_header_html",
    "history_html",
    "history_text",
]

RESOLUTION_SCHEME: Final = "resolution"
INDICATOR_SCHEME: Final = "indicator"
HTML_ROLE: Final = ItemRole.KIND + 60  # the history entry as escaped rich text
_MUTED = f'style="color: {GREY};"'
_NOTHING_TO_RECORD = (
    "Nothing to record: choose a new status or progress, or write what has happened."
)


def _text(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def _due_words(detail: ActionDetail, as_at: dt.date | None) -> str:
    if detail.due_date is None:
        return "no due date"
    due = short_date(detail.due_date)
    days = detail.due_in_days
    if detail.status is ActionStatus.COMPLETE or days is None:
        return due
    when = "" if as_at is None else f" as at {short_date(as_at)}"
    if days < 0:
        count = -days
        return f"{due} — overdue by {count:,} day{'s' if count != 1 else ''}{when}"
    if days == 0:
        return f"{due} — due today{when}"
    return f"{due} — in {days:,} day{'s' if days != 1 else ''}{when}"


def _reason_words(detail: ActionDetail) -> str:
    """The rating's reason without the colour the chip already shows ("Overdue since …")."""
    reason = detail.rag_reason
    colour = f"{detail.rag.value.capitalize()}: "
    if not reason.startswith(colour):
        return reason  # an override, which says itself what it is
    words = reason.removeprefix(colour)
    chip_word = action_rag_text(detail.rag, overdue=detail.overdue).partition(" ")[2]
    return "" if words.casefold() == chip_word.casefold() else words[:1].upper() + words[1:]


def action_header_html(detail: ActionDetail, *, as_at: dt.date | None = None) -> str:
    """The header of the detail pane for one action; every text escaped."""
    overdue = detail.overdue and detail.rag is not ActionRag.BLUE
    colour = ACTION_RAG_COLOURS[ActionRag.RED if overdue else detail.rag]
    chip = badge_html(_text(action_rag_text(detail.rag, overdue=detail.overdue)), colour)
    facts = [
        ("Plan", detail.plan),
        ("Priority area", detail.priority_area or "—"),
        ("Lead", detail.lead or "—"),
        ("Due", _due_words(detail, as_at)),
        ("Status", detail.status.label),
        ("Progress", f"{detail.progress}%"),
    ]
    table = "".join(
        f"<tr><td {_MUTED}>{_text(label)}&nbsp;&nbsp;</td><td>{_text(value)}</td></tr>"
        for label, value in facts
    )
    parts = [
        (
            f"<p><b style='font-size: large;'>{_text(detail.ref)}</b>&nbsp;&nbsp;"
            f"<b>{_text(detail.description)}</b></p>"
        ),
        f"<p>{chip}&nbsp; {_text(_reason_words(detail))}</p>",
        f'<table cellspacing="0" cellpadding="1">{table}</table>',
    ]
    resolution = detail.resolution
    if resolution is not None:
        where = (
            f"{short_date(resolution.meeting_date)} · {resolution.item_number}. "
            f"{resolution.item_title} — {resolution.label}"
        )
        parts.append(
            f"<p><span {_MUTED}>Carries out</span><br>"
            f'<a href="{RESOLUTION_SCHEME}:{resolution.agenda_item_id}">{_text(where)}</a>'
            f"<br><i>{_text(resolution.text)}</i></p>"
        )
    if detail.indicators:
        links = ", ".join(
            f'<a href="{INDICATOR_SCHEME}:{indicator.id}">{_text(indicator.ref)}</a> '
            f"{_text(indicator.name)}{' (retired)' if indicator.retired else ''}"
            for indicator in detail.indicators
        )
        parts.append(f"<p><span {_MUTED}>Evidenced by</span><br>{links}</p>")
    if resolution is None and not detail.indicators:
        parts.append(f"<p {_MUTED}>No linked resolution or indicators.</p>")
    if detail.is_sample:
        parts.append(f"<p {_MUTED}><i>{_text(SAMPLE_TOOLTIP)}.</i></p>")
    return "\n".join(parts)


def history_text(entry: ActionUpdateRow) -> str:
    """One history entry as plain text: "12 Sep 2017 14:05 · A. Smith — Status … — note"."""
    parts = [f"{short_datetime(entry.at)} · {entry.who}"]
    if entry.changes_text:
        parts.append(entry.changes_text)
    if entry.text:
        parts.append(entry.text)
    return " — ".join(parts)


def history_html(entry: ActionUpdateRow) -> str:
    """One history entry as rich text for ``HistoryDelegate``; every text escaped."""
    lines = [f"<span {_MUTED}>{_text(short_datetime(entry.at))} · </span><b>{_text(entry.who)}</b>"]
    if entry.changes_text:
        lines.append(f"<i>{_text(entry.changes_text)}</i>")
    if entry.text:
        lines.append(_text(entry.text))
    return "<br>".join(lines)


_HISTORY_COLUMNS: Final[tuple[Column[ActionUpdateRow], ...]] = (
    Column(
        key="entry",
        header="History",
        display=history_text,
        sort_key=lambda entry: (entry.at, entry.id),
        tooltip=lambda entry: entry.text or None,
    ),
)


class ActionHistoryModel(RowTableModel[ActionUpdateRow]):
    """An action's updates, newest first, one per row; ``HTML_ROLE`` for the delegate."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_HISTORY_COLUMNS, id_of=lambda entry: entry.id, parent=parent)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == HTML_ROLE and index.isValid():
            return history_html(self.row_at(index.row()))
        return super().data(index, role)


class HistoryDelegate(QStyledItemDelegate):
    """Draws a history entry's rich text, wrapped to the view's width."""

    def _document(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QTextDocument:
        document = QTextDocument()
        document.setDocumentMargin(4)
        document.setDefaultFont(option.font)
        document.setHtml(str(index.data(HTML_ROLE) or ""))
        width = option.rect.width()
        widget = option.widget
        if width <= 0 and isinstance(widget, QListView):
            width = widget.viewport().width()
        document.setTextWidth(max(width, 80))
        return document

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        draw_item_background(opt, painter)
        document = self._document(opt, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(
            QPalette.ColorRole.Text, opt.palette.color(QPalette.ColorRole.Text)
        )
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(opt.rect.translated(-opt.rect.topLeft()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        document = self._document(opt, index)
        return QSize(int(document.idealWidth()), int(document.size().height()) + 2)


class ActionDetailPane(QWidget):
    """Header, history and "Add update" box of one action; see the module."""

    resolution_link_activated = Signal(int)  # the agenda item of the resolution
    indicator_link_activated = Signal(int)
    override_requested = Signal()
    links_requested = Signal()

    def __init__(
        self, editor: ActionEditor, undo_stack: QUndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("actions_detail_pane")
        self._editor = editor
        self._stack = undo_stack
        self._detail: ActionDetail | None = None

        top = self._build_header()
        history = self._build_history()
        update_box = self._build_update_box()

        self.message_label = QLabel(self)
        self.message_label.setObjectName("actions_detail_message")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("actions_detail_splitter")
        for widget in (top, history, update_box):
            self.splitter.addWidget(widget)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([300, 220, 170])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message_label)

        self.header.anchorClicked.connect(self._on_header_anchor_clicked)
        self.override_button.clicked.connect(self.override_requested)
        self.links_button.clicked.connect(self.links_requested)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.clear()

    def _build_header(self) -> QWidget:
        self.header = QTextBrowser(self)
        self.header.setObjectName("actions_detail")
        self.header.setOpenLinks(False)  # our links are jumps inside the app
        self.header.setPlaceholderText("Select an action to see it in full, with its history.")
        self.header.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.header.document().setDefaultStyleSheet("p { margin-top: 0; margin-bottom: 5px; }")
        self.header.document().setDocumentMargin(2)
        self.header.setMinimumHeight(48)  # it scrolls: a small window can still hold the pane

        self.override_button = QPushButton("Override &RAG…", self)
        self.override_button.setObjectName("actions_override")
        self.override_button.setToolTip(
            "Set the action's rating yourself, with a reason that is kept and printed"
        )
        self.links_button = QPushButton("Edit &Links…", self)
        self.links_button.setObjectName("actions_edit_links")
        self.links_button.setToolTip(
            "Name the resolution this action carries out and the indicators that evidence it"
        )
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.override_button)
        buttons.addWidget(self.links_button)
        buttons.addStretch(1)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.header, 1)
        top_layout.addLayout(buttons)
        return top

    def _build_history(self) -> QWidget:
        self.history_model = ActionHistoryModel(self)
        self.history_view = QListView(self)
        self.history_view.setObjectName("actions_history")
        self.history_view.setModel(self.history_model)
        self.history_view.setItemDelegate(HistoryDelegate(self.history_view))
        self.history_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.history_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.history_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.history_view.setAlternatingRowColors(True)
        self.history_view.setMinimumHeight(40)
        history = QWidget(self)
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.setSpacing(2)
        self.history_label = QLabel("History", self)
        self.history_label.setObjectName("actions_history_label")
        history_layout.addWidget(self.history_label)
        history_layout.addWidget(self.history_view, 1)
        return history

    def _build_update_box(self) -> QGroupBox:
        box = QGroupBox("Add update", self)
        box.setObjectName("actions_add_update")
        self.status_combo = QComboBox(box)
        self.status_combo.setObjectName("actions_update_status")
        for status in ActionStatus:
            self.status_combo.addItem(status.label, status.value)
        self.progress_spin = QSpinBox(box)
        self.progress_spin.setObjectName("actions_update_progress")
        self.progress_spin.setRange(0, 100)
        self.progress_spin.setSuffix("%")
        self.progress_spin.setSingleStep(5)
        self.note_edit = QPlainTextEdit(box)
        self.note_edit.setObjectName("actions_update_note")
        self.note_edit.setPlaceholderText("What has happened since the last update…")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMinimumHeight(36)
        self.add_button = QPushButton("&Add Update", box)
        self.add_button.setObjectName("actions_add_update_button")
        self.add_button.setToolTip(
            "Record the status, progress and note as one update in the history (Ctrl+Return)"
        )
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.note_edit)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._on_add_button_clicked)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        state = QHBoxLayout()
        state.addWidget(self.status_combo, 1)
        state.addWidget(self.progress_spin)
        form.addRow("Status", state)
        form.addRow("Note", self.note_edit)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(form, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        return box

    # ------------------------------------------------------------ our API

    @property
    def detail(self) -> ActionDetail | None:
        return self._detail

    def show_action(self, detail: ActionDetail, *, as_at: dt.date | None = None) -> None:
        """Show ``detail`` (see the module); a note being typed stays while it is the same one."""
        same = self._detail is not None and self._detail.id == detail.id
        self._detail = detail
        scroll = self.header.verticalScrollBar().value() if same else 0
        self.header.setHtml(action_header_html(detail, as_at=as_at))
        self.header.verticalScrollBar().setValue(scroll)
        self.history_model.set_rows(detail.history)
        count = len(detail.history)
        if count == 0:
            self.history_label.setText("History — no updates yet")
        else:
            noun = "update" if count == 1 else "updates"
            self.history_label.setText(f"History — {count} {noun}, newest first")
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(detail.status.value)))
        self.progress_spin.setValue(detail.progress)
        if not same:
            self.note_edit.clear()
            self.show_message("")
        self._enable_controls(enabled=True)

    def clear(self) -> None:
        self._detail = None
        self.header.clear()
        self.history_model.set_rows(())
        self.history_label.setText("History")
        self.note_edit.clear()
        self.show_message("")
        self._enable_controls(enabled=False)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def add_update(self) -> bool:
        """Record what the "Add update" box holds as one undoable update; False if nothing."""
        detail = self._detail
        if detail is None:
            return False
        status = ActionStatus(str(self.status_combo.currentData()))
        self.progress_spin.interpretText()
        progress = self.progress_spin.value()
        note = self.note_edit.toPlainText().strip()
        new_status = None if status is detail.status else status
        new_progress = None if progress == detail.progress else progress
        if new_status is None and new_progress is None and not note:
            self.show_message(f"ℹ {_NOTHING_TO_RECORD}")
            return False
        warning = ""
        if status is ActionStatus.COMPLETE and progress < 100:
            warning = f"⚠ Recorded as complete with progress {progress}%: should it be 100%?"
        before = self._editor.last_applied
        self._stack.push(
            RecordActionUpdateCommand(
                self._editor,
                action_id=detail.id,
                ref=detail.ref,
                expected_version=detail.version,
                status=new_status,
                progress=new_progress,
                note=note,
            )
        )
        if self._editor.last_applied is before:
            return False  # refused: the tab says why, and the note stays to try again
        self.note_edit.clear()
        self.show_message(warning)
        return True

    def _enable_controls(self, *, enabled: bool) -> None:
        for widget in (
            self.override_button,
            self.links_button,
            self.status_combo,
            self.progress_spin,
            self.note_edit,
            self.add_button,
        ):
            widget.setEnabled(enabled)

    # ------------------------------------------------------------ slots

    def _on_header_anchor_clicked(self, url: QUrl) -> None:
        scheme, ident = url.scheme(), url.path()
        if not ident.isdigit():
            return
        if scheme == RESOLUTION_SCHEME:
            self.resolution_link_activated.emit(int(ident))
        elif scheme == INDICATOR_SCHEME:
            self.indicator_link_activated.emit(int(ident))

    def _on_add_button_clicked(self) -> None:
        self.add_update()
