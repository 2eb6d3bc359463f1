"""The Minutes menu's meeting and agenda actions, over the Minutes tab's selection.

Contract of ``MeetingActions`` (made by the main window, which adds its
actions to the Minutes menu with ``fill_menu``):

- New Meeting…, Edit Meeting… (the meeting selected in the Minutes tab, or
  the meeting of the selected item), Delete Meeting; Add Agenda Item…, Edit
  Agenda Item…, Move Agenda Item Up / Down, Delete Agenda Item; Approve
  Previous Minutes… Each change is one command on the window's undo stack,
  made through the Minutes tab's ``MinutesEditor`` (so the versions it
  tracks are shared with the item editor's commands). Deleting needs no
  confirmation: Undo puts it back. A refused change is explained in a
  message box (``show_problem``); an approval, which cannot be undone, is
  asked about first (``confirm``).
- After any change to meetings, agendas, attendance, declarations,
  presenters or documents (an undo or redo too), the Minutes tab is read
  again once the stack has finished, and the row the change was about (or
  the one selected before) is selected again.
- The dialogs are imported when first opened: they bring the services.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.services.read_models import MinutesArea, MinutesChange, RowRef
from qpmr_desktop.ui.minutes_model import NodeKind
from qpmr_desktop.ui.minutes_tab import MinutesTab
from qpmr_desktop.ui.roles import ItemRole

__all__ = ["MeetingActions"]

# Changes that alter what the tree or the meeting's context panel shows; the
# tab follows text and structure edits itself.
_RELOADING_AREAS = frozenset(
    {
        MinutesArea.MEETING,
        MinutesArea.AGENDA,
        MinutesArea.ATTENDANCE,
        MinutesArea.DECLARATIONS,
        MinutesArea.ITEM,
    }
)


class MeetingActions(QObject):
    """The meeting and agenda actions of the Minutes menu; see the module contract."""

    def __init__(self, window: QWidget, tab: MinutesTab, undo_stack: QUndoStack) -> None:
        super().__init__(window)
        self._window = window
        self._tab = tab
        self._stack = undo_stack
        self.show_problem: Callable[[str, str], None] = self._warn
        self.confirm: Callable[[str], bool] = self._confirm_with_dialog
        self._pending: MinutesChange | None = None  # the latest change not yet shown

        def action(text: str, name: str, tip: str, shortcut: str | None = None) -> QAction:
            made = QAction(text, window)
            made.setObjectName(name)
            made.setStatusTip(tip)
            if shortcut is not None:
                made.setShortcut(QKeySequence(shortcut))
            return made

        self.new_meeting_action = action(
            "&New Meeting…", "action_new_meeting", "Add a meeting of a committee, with its agenda"
        )
        self.edit_meeting_action = action(
            "&Edit Meeting…",
            "action_edit_meeting",
            "Change the selected meeting's details, record of attendance and declarations",
        )
        self.delete_meeting_action = action(
            "&Delete Meeting",
            "action_delete_meeting",
            "Delete the selected meeting (only while nothing is minuted; Undo puts it back)",
        )
        self.add_item_action = action(
            "&Add Agenda Item…", "action_add_agenda_item", "Add an item to the selected meeting"
        )
        self.edit_item_action = action(
            "Edit Agenda &Item…",
            "action_edit_agenda_item",
            "Change the selected item's number, title, presenters and supporting documents",
        )
        self.move_item_up_action = action(
            "Move Item &Up", "action_move_agenda_item_up", "Move the selected item up the agenda"
        )
        self.move_item_down_action = action(
            "Move Item Do&wn",
            "action_move_agenda_item_down",
            "Move the selected item down the agenda",
        )
        self.delete_item_action = action(
            "Delete Agenda Ite&m",
            "action_delete_agenda_item",
            "Delete the selected item and its minutes (Undo puts them back)",
        )
        self.approve_previous_action = action(
            "Approve &Previous Minutes…",
            "action_approve_previous_minutes",
            "Approve, at the selected meeting, the minutes of the committee's meeting before it",
        )
        self.new_meeting_action.triggered.connect(self.new_meeting)
        self.edit_meeting_action.triggered.connect(self.edit_meeting)
        self.delete_meeting_action.triggered.connect(self.delete_meeting)
        self.add_item_action.triggered.connect(self.add_item)
        self.edit_item_action.triggered.connect(self.edit_item)
        self.move_item_up_action.triggered.connect(lambda: self.move_item(-1))
        self.move_item_down_action.triggered.connect(lambda: self.move_item(1))
        self.delete_item_action.triggered.connect(self.delete_item)
        self.approve_previous_action.triggered.connect(self.approve_previous_minutes)
        tab.editor.change_applied.connect(self._on_editor_change_applied)

    def fill_menu(self, menu: QMenu) -> None:
        """Add the actions to ``menu``; they are enabled for what is selected as it opens."""
        for group in (
            (self.new_meeting_action, self.edit_meeting_action, self.delete_meeting_action),
            (
                self.add_item_action,
                self.edit_item_action,
                self.move_item_up_action,
                self.move_item_down_action,
                self.delete_item_action,
            ),
            (self.approve_previous_action,),
        ):
            for one in group:
                menu.addAction(one)
            menu.addSeparator()
        menu.aboutToShow.connect(self.update_enabled)

    def update_enabled(self) -> None:
        has_workspace = self._tab.editor.workspace_or_none is not None
        meeting = self.selected_meeting_id() is not None
        item = self.selected_item_id() is not None
        self.new_meeting_action.setEnabled(has_workspace)
        for one in (
            self.edit_meeting_action,
            self.delete_meeting_action,
            self.add_item_action,
            self.approve_previous_action,
        ):
            one.setEnabled(has_workspace and meeting)
        for one in (
            self.edit_item_action,
            self.move_item_up_action,
            self.move_item_down_action,
            self.delete_item_action,
        ):
            one.setEnabled(has_workspace and item)

    # ------------------------------------------------------------ the selection

    def selected_meeting_id(self) -> MeetingId | None:
        """The meeting selected in the Minutes tab, or that of the selected item."""
        meeting = self._tab.model.meeting(self._tab.current_source_index())
        return None if meeting is None else meeting.id

    def selected_item_id(self) -> AgendaItemId | None:
        """The agenda item selected in the Minutes tab (or holding the selected point)."""
        model = self._tab.model
        index = self._tab.current_source_index()
        while index.isValid() and model.kind(index) is not NodeKind.ITEM:
            index = model.parent(index)
        if not index.isValid():
            return None
        value = model.data(index, ItemRole.ID)
        return None if value is None else AgendaItemId(int(value))

    # ------------------------------------------------------------ meetings

    def new_meeting(self) -> MeetingId | None:
        if self._tab.editor.workspace_or_none is None:
            return None
        from qpmr_desktop.ui.meeting_dialogs import MeetingDialog  # noqa: PLC0415

        dialog = MeetingDialog(self._tab.editor, self._stack, parent=self._window)
        if dialog.exec() != MeetingDialog.DialogCode.Accepted:
            return None
        return dialog.meeting_id

    def edit_meeting(self) -> None:
        meeting_id = self.selected_meeting_id()
        if meeting_id is None:
            return
        from qpmr_desktop.ui.meeting_dialogs import MeetingDialog  # noqa: PLC0415

        MeetingDialog(
            self._tab.editor, self._stack, meeting_id=meeting_id, parent=self._window
        ).exec()

    def delete_meeting(self) -> bool:
        meeting_id = self.selected_meeting_id()
        if meeting_id is None:
            return False
        from qpmr_desktop.services import minutes_editing as editing  # noqa: PLC0415
        from qpmr_desktop.services.minutes import get_meeting_detail  # noqa: PLC0415

        editor = self._tab.editor
        version = get_meeting_detail(workspace=editor.workspace, meeting_id=meeting_id).version
        ref = RowRef("meeting", meeting_id)
        return self._push(
            "Delete Meeting",
            lambda: editor.call(
                editing.delete_meeting,
                meeting_id=meeting_id,
                expected_version=editor.version(ref, version),
            ),
        )

    def approve_previous_minutes(self) -> bool:
        meeting_id = self.selected_meeting_id()
        if meeting_id is None:
            return False
        from qpmr_desktop.services.minutes import (  # noqa: PLC0415
            format_meeting_date,
            get_meeting_detail,
        )
        from qpmr_desktop.services.minutes_lifecycle import (  # noqa: PLC0415
            approve_previous_minutes,
        )
        from qpmr_desktop.ui.meeting_commands import REFUSALS  # noqa: PLC0415
        from qpmr_desktop.ui.meeting_people import refusal_text  # noqa: PLC0415

        editor = self._tab.editor
        detail = get_meeting_detail(workspace=editor.workspace, meeting_id=meeting_id)
        previous = detail.previous_meeting
        if previous is None:
            self.show_problem(
                "No Previous Minutes",
                f"The meeting of {format_meeting_date(detail.date)} is the first of the "
                f"{detail.committee} in this database: there are no previous minutes to approve.",
            )
            return False
        if not self.confirm(
            f"Approve the minutes of {format_meeting_date(previous.date)} as a correct "
            "record?\n\nApproved minutes can no longer be edited; later corrections are "
            "recorded as amendments with a reason. This cannot be undone."
        ):
            return False
        try:
            change = approve_previous_minutes(workspace=editor.workspace, meeting_id=meeting_id)
        except REFUSALS as error:
            self.show_problem("The Minutes Were Not Approved", refusal_text(error))
            return False
        editor.apply_external(change)
        return True

    # ------------------------------------------------------------ agenda items

    def add_item(self) -> AgendaItemId | None:
        meeting_id = self.selected_meeting_id()
        if meeting_id is None:
            return None
        from qpmr_desktop.ui.agenda_dialogs import AgendaItemDialog  # noqa: PLC0415

        dialog = AgendaItemDialog(
            self._tab.editor, self._stack, meeting_id=meeting_id, parent=self._window
        )
        if dialog.exec() != AgendaItemDialog.DialogCode.Accepted:
            return None
        return dialog.item_id

    def edit_item(self) -> None:
        item_id = self.selected_item_id()
        meeting_id = self.selected_meeting_id()
        if item_id is None or meeting_id is None:
            return
        from qpmr_desktop.ui.agenda_dialogs import AgendaItemDialog  # noqa: PLC0415

        AgendaItemDialog(
            self._tab.editor,
            self._stack,
            meeting_id=meeting_id,
            item_id=item_id,
            parent=self._window,
        ).exec()

    def move_item(self, step: int) -> bool:
        """Move the selected item one place up (``step`` -1) or down (+1) its agenda."""
        item_id = self.selected_item_id()
        meeting_id = self.selected_meeting_id()
        if item_id is None or meeting_id is None:
            return False
        from qpmr_desktop.services import minutes_editing as editing  # noqa: PLC0415
        from qpmr_desktop.services.meetings import list_agenda_rows  # noqa: PLC0415

        editor = self._tab.editor
        rows = list_agenda_rows(workspace=editor.workspace, meeting_id=meeting_id)
        index = next((i for i, row in enumerate(rows) if row.id == item_id), None)
        if index is None or not 0 <= index + step < len(rows):
            return False
        ref = RowRef("agenda_item", item_id)
        version = rows[index].version
        return self._push(
            "Move Agenda Item Up" if step < 0 else "Move Agenda Item Down",
            lambda: editor.call(
                editing.move_agenda_item,
                item_id=item_id,
                expected_version=editor.version(ref, version),
                position=index + step,
            ),
        )

    def delete_item(self) -> bool:
        item_id = self.selected_item_id()
        if item_id is None:
            return False
        from qpmr_desktop.services import minutes_editing as editing  # noqa: PLC0415
        from qpmr_desktop.services.minutes import get_item_for_editing  # noqa: PLC0415

        editor = self._tab.editor
        version = get_item_for_editing(workspace=editor.workspace, item_id=item_id).version
        ref = RowRef("agenda_item", item_id)
        return self._push(
            "Delete Agenda Item",
            lambda: editor.call(
                editing.delete_agenda_item,
                item_id=item_id,
                expected_version=editor.version(ref, version),
            ),
        )

    # ------------------------------------------------------------ internals

    def _confirm_with_dialog(self, question: str) -> bool:
        answer = QMessageBox.question(self._window, "Approve the Previous Minutes", question)
        return answer == QMessageBox.StandardButton.Yes

    def _push(self, text: str, call: Callable[[], MinutesChange]) -> bool:
        from qpmr_desktop.ui.meeting_commands import MinutesStepsCommand  # noqa: PLC0415
        from qpmr_desktop.ui.meeting_people import refusal_text  # noqa: PLC0415

        command = MinutesStepsCommand(self._tab.editor, text, [lambda _made: call()])
        self._stack.push(command)
        if command.error is not None:
            self.show_problem(f"Could Not {text}", refusal_text(command.error))
            return False
        return True

    def _warn(self, title: str, message: str) -> None:
        QMessageBox.warning(self._window, title, message)

    def _on_editor_change_applied(self, change: MinutesChange) -> None:
        if not change.areas & _RELOADING_AREAS:
            return
        first = self._pending is None
        self._pending = change
        if first:
            # After the stack has finished: a composite command reports each step.
            QTimer.singleShot(0, self._show_changes)

    def _show_changes(self) -> None:
        change, self._pending = self._pending, None
        tab = self._tab
        if change is None or not tab.is_loaded or tab.workspace is None:
            return
        selected_item = self.selected_item_id()
        selected_meeting = self.selected_meeting_id()
        tab.reload()
        for item_id in (*sorted(change.item_ids), selected_item):
            if item_id is not None and tab.select_item(item_id):
                return
        for meeting_id in (change.meeting_id, selected_meeting):
            if meeting_id is not None and self._select_meeting(meeting_id):
                return

    def _select_meeting(self, meeting_id: MeetingId) -> bool:
        # The tab fetches the meeting's batch first: it may not be in the tree yet.
        return self._tab.select_meeting(meeting_id)
