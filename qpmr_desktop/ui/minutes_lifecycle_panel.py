"""Where a meeting's minutes stand, and the controls that move them on.

Contract of ``MinutesLifecyclePanel`` (the top of the Minutes tab's context
panel):

- ``show_item(item_id)`` / ``show_meeting(meeting_id)`` read
  ``services.minutes.get_item_lifecycle`` / ``get_meeting_detail`` and show the
  status badge (DRAFT, CIRCULATED, APPROVED), who approved and when, the
  "amended" marker and the list of amendments with their reasons.
- Circulate and Return to draft are undo commands on the shared stack.
  Approve as a correct record asks ``confirm`` first and calls the service
  directly: an approval cannot be undone, so it never enters the undo stack
  (the change still goes out through ``MinutesEditor.apply_external``).
- "Record an amendment…" (approved minutes only) asks ``ask_reason`` for the
  reason, then sets it on the ``MinutesEditor``: the edits made until
  "Finish amendment" (or another item is shown) go through
  ``minutes_lifecycle.amend_approved`` with that reason, each kept with who
  and when.
- ``confirm`` and ``ask_reason`` are attributes so that tests (and other
  front ends) can answer without a modal dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.read_models import AmendmentView, MinutesArea, MinutesChange
from qpmr_desktop.ui.minutes_commands import (
    CirculateMinutesCommand,
    MinutesEditor,
    ReturnToDraftCommand,
)
from qpmr_desktop.ui.minutes_editor import status_badge_style

__all__ = ["MinutesLifecyclePanel"]


class MinutesLifecyclePanel(QWidget):
    """Status badge, lifecycle buttons and amendments of the meeting shown; see the contract."""

    amendment_changed = Signal()  # an amendment started or finished: editors' read-only state

    def __init__(
        self, editor: MinutesEditor, undo_stack: QUndoStack, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("minutes_lifecycle_panel")
        self._editor = editor
        self._undo_stack = undo_stack
        self._meeting_id: MeetingId | None = None
        self._item_id: AgendaItemId | None = None
        self._status: MinutesStatus | None = None
        self.confirm: Callable[[str], bool] = self._confirm_with_dialog
        self.ask_reason: Callable[[], str | None] = self._ask_reason_with_dialog

        self.badge = QLabel(self)
        self.badge.setObjectName("minutes_lifecycle_badge")
        self.approval_label = QLabel(self)
        self.approval_label.setWordWrap(True)
        self.amended_label = QLabel("Amended after approval", self)
        self.amended_label.setObjectName("minutes_amended_marker")
        self.amended_label.setStyleSheet(status_badge_style(MinutesStatus.CIRCULATED))
        self.circulate_button = QPushButton("Circulate", self)
        self.circulate_button.setObjectName("minutes_circulate")
        self.draft_button = QPushButton("Return to Draft", self)
        self.draft_button.setObjectName("minutes_return_to_draft")
        self.approve_button = QPushButton("Approve as a Correct Record…", self)
        self.approve_button.setObjectName("minutes_approve")
        self.amend_button = QPushButton("Record an Amendment…", self)
        self.amend_button.setObjectName("minutes_amend")
        self.amend_button.setCheckable(True)
        self.amendments = QListWidget(self)
        self.amendments.setObjectName("minutes_amendments")
        self.amendments.setMaximumHeight(110)

        top = QHBoxLayout()
        top.addWidget(QLabel("Minutes:", self))
        top.addWidget(self.badge)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addLayout(top)
        layout.addWidget(self.approval_label)
        layout.addWidget(self.circulate_button)
        layout.addWidget(self.draft_button)
        layout.addWidget(self.approve_button)
        layout.addWidget(self.amend_button)
        layout.addWidget(self.amended_label)
        layout.addWidget(self.amendments)

        self.circulate_button.clicked.connect(self._on_circulate_button_clicked)
        self.draft_button.clicked.connect(self._on_draft_button_clicked)
        self.approve_button.clicked.connect(self._on_approve_button_clicked)
        self.amend_button.clicked.connect(self._on_amend_button_clicked)
        editor.change_applied.connect(self._on_editor_change_applied)
        self._show(None, None, None, (), amended=False)

    # ------------------------------------------------------------ our API

    @property
    def status(self) -> MinutesStatus | None:
        return self._status

    def show_item(self, item_id: AgendaItemId | None) -> None:
        """Show where ``item_id``'s minutes stand (None: nothing)."""
        if item_id != self._item_id:
            self.finish_amendment()
        self._item_id = item_id
        if item_id is None:
            self._show(None, None, None, (), amended=False)
            return
        from qpmr_desktop.services.minutes import get_item_lifecycle  # noqa: PLC0415

        lifecycle = get_item_lifecycle(workspace=self._editor.workspace, item_id=item_id)
        approval = None
        if lifecycle.approved_at is not None:
            who = f" by {lifecycle.approved_by}" if lifecycle.approved_by else ""
            approval = f"Approved as a correct record on {lifecycle.approved_at:%d %b %Y}{who}."
        self._show(
            lifecycle.meeting_id,
            lifecycle.status,
            approval,
            lifecycle.amendments,
            amended=lifecycle.amended,
        )

    def show_meeting(self, meeting_id: MeetingId | None) -> None:
        """Show where the meeting's minutes stand, with no item selected."""
        self.finish_amendment()
        self._item_id = None
        if meeting_id is None:
            self._show(None, None, None, (), amended=False)
            return
        from qpmr_desktop.services.minutes import get_meeting_detail  # noqa: PLC0415

        detail = get_meeting_detail(workspace=self._editor.workspace, meeting_id=meeting_id)
        approval = None
        if detail.approved_at is not None:
            approval = f"Approved as a correct record on {detail.approved_at:%d %b %Y}."
        self._show(
            detail.id, detail.status, approval, detail.amendments, amended=bool(detail.amendments)
        )

    def start_amendment(self, reason: str) -> None:
        """Record the next edits of the approved minutes as an amendment with ``reason``."""
        self._editor.set_amendment_reason(reason)
        self.amend_button.setChecked(self._editor.amendment_reason is not None)
        self.amend_button.setText(
            "Finish Amendment" if self._editor.amendment_reason else "Record an Amendment…"
        )
        self.amendment_changed.emit()

    def finish_amendment(self) -> None:
        if self._editor.amendment_reason is None:
            return
        self._editor.set_amendment_reason(None)
        self.amend_button.setChecked(False)
        self.amend_button.setText("Record an Amendment…")
        self.amendment_changed.emit()

    def circulate(self) -> None:
        meeting = self._meeting_version()
        if meeting is not None:
            self._undo_stack.push(
                CirculateMinutesCommand(
                    self._editor, meeting_id=meeting[0], expected_version=meeting[1]
                )
            )

    def return_to_draft(self) -> None:
        meeting = self._meeting_version()
        if meeting is not None:
            self._undo_stack.push(
                ReturnToDraftCommand(
                    self._editor, meeting_id=meeting[0], expected_version=meeting[1]
                )
            )

    def approve(self) -> None:
        """Approve as a correct record, once confirmed; not undoable (see the contract)."""
        meeting = self._meeting_version()
        if meeting is None or not self.confirm(
            "Approve these minutes as a correct record?\n\nApproved minutes can no longer be"
            " edited; later corrections are recorded as amendments with a reason."
        ):
            return
        from qpmr_desktop.services.minutes_lifecycle import approve_minutes  # noqa: PLC0415

        try:
            change = approve_minutes(
                workspace=self._editor.workspace, meeting_id=meeting[0], expected_version=meeting[1]
            )
        except (ConflictError, NotAllowedError, NotFoundError, ValidationError) as error:
            self._editor.failed("Approve Minutes", error)
            return
        self._editor.apply_external(change)

    # ------------------------------------------------------------ slots

    def _on_circulate_button_clicked(self) -> None:
        self.circulate()

    def _on_draft_button_clicked(self) -> None:
        self.return_to_draft()

    def _on_approve_button_clicked(self) -> None:
        self.approve()

    def _on_amend_button_clicked(self) -> None:
        if self._editor.amendment_reason is not None:
            self.finish_amendment()
            self._refresh()
            return
        reason = self.ask_reason()
        if reason and reason.strip():
            self.start_amendment(reason)
        else:
            self.amend_button.setChecked(False)
        self._refresh()

    def _on_editor_change_applied(self, change: MinutesChange) -> None:
        if change.meeting_id != self._meeting_id:
            return
        if MinutesArea.LIFECYCLE in change.areas or change.amendment_id is not None:
            self._refresh()

    # ------------------------------------------------------------ internals

    def _refresh(self) -> None:
        if self._item_id is not None:
            self.show_item(self._item_id)
        elif self._meeting_id is not None:
            self.show_meeting(self._meeting_id)

    def _meeting_version(self) -> tuple[MeetingId, int] | None:
        if self._meeting_id is None:
            return None
        from qpmr_desktop.services.minutes import get_meeting_detail  # noqa: PLC0415

        detail = get_meeting_detail(workspace=self._editor.workspace, meeting_id=self._meeting_id)
        return detail.id, detail.version

    def _show(
        self,
        meeting_id: MeetingId | None,
        status: MinutesStatus | None,
        approval: str | None,
        amendments: tuple[AmendmentView, ...],
        *,
        amended: bool,
    ) -> None:
        self._meeting_id = meeting_id
        self._status = status
        self.badge.setText(status.value.upper() if status is not None else "")
        self.badge.setStyleSheet(status_badge_style(status) if status is not None else "")
        self.badge.setVisible(status is not None)
        self.approval_label.setText(approval or "")
        self.approval_label.setVisible(bool(approval))
        self.circulate_button.setVisible(status is MinutesStatus.DRAFT)
        self.draft_button.setVisible(status is MinutesStatus.CIRCULATED)
        self.approve_button.setVisible(status is MinutesStatus.CIRCULATED)
        self.amend_button.setVisible(status is MinutesStatus.APPROVED and self._item_id is not None)
        self.amended_label.setVisible(amended)
        self.amendments.clear()
        for amendment in amendments:
            self.amendments.addItem(
                f"{amendment.at:%d %b %Y %H:%M} {amendment.who}: {amendment.reason}"
            )
        self.amendments.setVisible(bool(amendments))

    def _confirm_with_dialog(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Approve Minutes", question)
        return answer == QMessageBox.StandardButton.Yes

    def _ask_reason_with_dialog(self) -> str | None:
        reason, accepted = QInputDialog.getText(
            self, "Record an Amendment", "Why are the approved minutes being changed?"
        )
        return reason if accepted else None
