"""Minutes ▸ New Meeting… and Edit Meeting…: a meeting, its record of attendance and declarations.

Contract of ``MeetingDialog`` (``meeting_id`` None for a new meeting):

- Details: committee (an existing one, or a new name), date (with a
  calendar), start time (optional), venue and status (draft or circulated;
  approval happens at the next meeting, from the lifecycle panel or the
  "Minutes of the Previous Meeting" item). A new meeting offers the standing
  items — Apologies, Declarations of Interest and, when the committee has
  met before, Minutes of the Previous Meeting — as a checked option.
- Attendance: the record every set of minutes opens with, one editable list
  per kind — members present (the chair marked), apologies, substitutes
  (with the member each stands in for) and officers in attendance (with
  their job titles). People are picked from the people list or added to it.
- Declarations of interest (an existing meeting only: each is tied to one of
  its agenda items) and a member, with the kind and what was declared.
- Nothing is written until OK. OK makes every change as one
  ``MinutesStepsCommand`` on the undo stack ("New Meeting", "Edit Meeting");
  an empty committee, someone listed twice, or anything a service refuses is
  explained through ``show_problem`` (a message box) and keeps the dialog open
  with everything typed; the database is left as it was.
- Approved minutes are read-only: every field is disabled and the dialog
  says why (the sentence the services refuse edits with).
- ``meeting_id`` after OK is the meeting made or edited.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import deque
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Final

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.ids import (
    AgendaItemId,
    AttendanceId,
    DeclarationId,
    MeetingId,
    PersonId,
)
from qpmr_desktop.domain.minutes import (
    AttendanceRole,
    AttendanceStatus,
    DeclarationKind,
    MinutesStatus,
)
from qpmr_desktop.services.meetings import (
    Insert,
    Move,
    Remove,
    list_agenda_rows,
    list_committee_names,
    list_meeting_declarations,
    plan_ordered_edits,
)
from qpmr_desktop.services.minutes import (
    format_meeting_date,
    get_meeting_detail,
    list_people,
    read_only_message,
)
from qpmr_desktop.services.read_models import MeetingDetail, MinutesChange, PersonView, RowRef
from qpmr_desktop.ui.meeting_commands import MinutesStepsCommand, Step, service_step
from qpmr_desktop.ui.meeting_people import (
    EntryList,
    PersonPicker,
    line_edit_of,
    refusal_text,
    tidy_name,
    warn,
)
from qpmr_desktop.ui.minutes_commands import MinutesEditor

__all__ = ["AttendanceKind", "Attendee", "Declaration", "MeetingDialog"]

_STATUSES: Final = (MinutesStatus.DRAFT, MinutesStatus.CIRCULATED)


class AttendanceKind(Enum):
    """The four lists of the record of attendance, in the order minutes give them."""

    PRESENT = "Members present"
    APOLOGIES = "Apologies"
    SUBSTITUTES = "Substitutes"
    OFFICERS = "Officers in attendance"


@dataclasses.dataclass(frozen=True, slots=True)
class Attendee:
    """A line of the record of attendance as the dialog holds it (``id`` None until saved)."""

    id: AttendanceId | None
    version: int
    person_id: PersonId | None
    name: str
    job_title: str
    role: AttendanceRole
    status: AttendanceStatus
    substitute_for_id: PersonId | None = None
    substitute_for: str | None = None

    @property
    def kind(self) -> AttendanceKind:
        if self.role is AttendanceRole.OFFICER:
            return AttendanceKind.OFFICERS
        if self.role is AttendanceRole.SUBSTITUTE:
            return AttendanceKind.SUBSTITUTES
        if self.status is AttendanceStatus.APOLOGIES:
            return AttendanceKind.APOLOGIES
        return AttendanceKind.PRESENT

    def label(self) -> str:
        text = self.name
        if self.role is AttendanceRole.CHAIR:
            text += " (Chair)"
        if self.status is AttendanceStatus.ABSENT:
            text += " (absent)"
        if self.role is AttendanceRole.SUBSTITUTE and self.substitute_for:
            text += f" — for {self.substitute_for}"
        if self.role is AttendanceRole.OFFICER and self.job_title:
            text += f", {self.job_title}"
        return text


@dataclasses.dataclass(frozen=True, slots=True)
class Declaration:
    """A declaration of interest as the dialog holds it (``id`` None until saved)."""

    id: DeclarationId | None
    version: int
    item_id: AgendaItemId
    item_label: str
    person_id: PersonId | None
    member: str
    kind: DeclarationKind
    text: str

    def label(self) -> str:
        what = f": {self.text}" if self.text else ""
        return f"{self.item_label} — {self.member} ({self.kind.value}){what}"


_ROLE_STATUS: Final = {
    AttendanceKind.PRESENT: (AttendanceRole.MEMBER, AttendanceStatus.PRESENT),
    AttendanceKind.APOLOGIES: (AttendanceRole.MEMBER, AttendanceStatus.APOLOGIES),
    AttendanceKind.SUBSTITUTES: (AttendanceRole.SUBSTITUTE, AttendanceStatus.PRESENT),
    AttendanceKind.OFFICERS: (AttendanceRole.OFFICER, AttendanceStatus.PRESENT),
}


class _AttendanceGroup(QGroupBox):
    """One list of the record of attendance, with the row that adds to it."""

    def __init__(self, kind: AttendanceKind, people: Sequence[PersonView], parent: QWidget) -> None:
        super().__init__(kind.value, parent)
        name = f"attendance_{kind.name.lower()}"
        self.setObjectName(name)
        self.kind = kind
        self.entries: EntryList[Attendee] = EntryList(Attendee.label, name=name, parent=self)
        self.picker = PersonPicker(people, self)
        self.picker.setObjectName(f"{name}_name")
        self.picker.set_hint("Name…")
        self.job_title_edit = QLineEdit(self)
        self.job_title_edit.setObjectName(f"{name}_job_title")
        self.job_title_edit.setPlaceholderText("Job title")
        self.for_combo = QComboBox(self)
        self.for_combo.setObjectName(f"{name}_for")
        self.for_combo.setToolTip("The member this substitute stands in for")
        self.add_button = QPushButton("Add", self)
        self.add_button.setObjectName(f"{name}_add")
        self.chair_button = QPushButton("Chair", self)
        self.chair_button.setObjectName(f"{name}_chair")
        self.chair_button.setToolTip("Mark the selected member as the chair of the meeting")
        adding = QHBoxLayout()
        adding.addWidget(self.picker, 2)
        self.job_title_edit.setVisible(kind is AttendanceKind.OFFICERS)
        if kind is AttendanceKind.SUBSTITUTES:
            adding.addWidget(QLabel("for", self))
            adding.addWidget(self.for_combo, 2)
        else:
            self.for_combo.hide()
        adding.addWidget(self.add_button)
        if kind is AttendanceKind.PRESENT:
            self.entries.buttons.insertWidget(0, self.chair_button)
        else:
            self.chair_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.entries, 1)
        if kind is AttendanceKind.OFFICERS:
            layout.addWidget(self.job_title_edit)
        layout.addLayout(adding)
        self.picker.activated.connect(self._on_picker_activated)
        self.entries.selection_changed.connect(self._on_entries_selection_changed)
        self._on_entries_selection_changed()

    def _on_entries_selection_changed(self) -> None:
        self.chair_button.setEnabled(self.entries.selected() is not None)

    def _on_picker_activated(self) -> None:
        person = self.picker.person()
        if person is not None and self.kind is AttendanceKind.OFFICERS:
            self.job_title_edit.setText(person.job_title)


class MeetingDialog(QDialog):
    """New Meeting… / Edit Meeting…; see the module contract."""

    def __init__(
        self,
        editor: MinutesEditor,
        undo_stack: QUndoStack,
        *,
        meeting_id: MeetingId | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("meeting_dialog")
        self._editor = editor
        self._stack = undo_stack
        self.meeting_id = meeting_id
        self.show_problem: Callable[[str, str], None] = lambda title, message: warn(
            self, title, message
        )
        workspace = editor.workspace
        self._people = list_people(workspace=workspace)
        self._detail: MeetingDetail | None = (
            None
            if meeting_id is None
            else get_meeting_detail(workspace=workspace, meeting_id=meeting_id)
        )
        self._read_only = self._detail is not None and self._detail.status is MinutesStatus.APPROVED
        self.setWindowTitle(
            "New Meeting"
            if self._detail is None
            else f"Meeting of {format_meeting_date(self._detail.date)} — {self._detail.committee}"
        )

        self.read_only_label = QLabel(self)
        self.read_only_label.setObjectName("meeting_read_only")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setTextFormat(Qt.TextFormat.PlainText)
        self.read_only_label.setVisible(self._read_only)
        if self._detail is not None and self._read_only:
            self.read_only_label.setText(
                read_only_message(self._detail.date, self._detail.approved_at)
                + " This meeting can be read here but not changed."
            )

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("meeting_tabs")
        self.tabs.addTab(self._make_details(), "&Details")
        self.tabs.addTab(self._make_attendance(), "&Attendance")
        self.tabs.addTab(self._make_declarations(), "D&eclarations")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        if self._read_only:
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self._fill()
        if self._read_only:
            for page in range(self.tabs.count()):
                for child in self.tabs.widget(page).findChildren(QWidget):  # type: ignore[union-attr]
                    if not isinstance(child, QLabel):
                        child.setEnabled(False)
        self.resize(760, 560)

    # ------------------------------------------------------------ building

    def _make_details(self) -> QWidget:
        page = QWidget(self)
        self.committee_box = QComboBox(page)
        self.committee_box.setObjectName("meeting_committee")
        self.committee_box.setEditable(True)
        self.committee_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.committee_box.addItems(list_committee_names(workspace=self._editor.workspace))
        line_edit_of(self.committee_box).setPlaceholderText("The committee's name")
        self.date_edit = QDateEdit(page)
        self.date_edit.setObjectName("meeting_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        self.time_check = QCheckBox("Starts at", page)
        self.time_check.setObjectName("meeting_has_time")
        self.time_edit = QTimeEdit(page)
        self.time_edit.setObjectName("meeting_time")
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_check.toggled.connect(self.time_edit.setEnabled)
        time_row = QHBoxLayout()
        time_row.addWidget(self.time_check)
        time_row.addWidget(self.time_edit)
        time_row.addStretch(1)
        self.venue_edit = QLineEdit(page)
        self.venue_edit.setObjectName("meeting_venue")
        self.venue_edit.setPlaceholderText("e.g. Committee Room 'C' – The Duke of Lancaster Room")
        self.status_box = QComboBox(page)
        self.status_box.setObjectName("meeting_status")
        for status in _STATUSES:
            self.status_box.addItem(status.label, status)
        self.standing_check = QCheckBox(
            "Add the standing items: Apologies, Declarations of Interest and (when the "
            "committee has met before) Minutes of the Previous Meeting",
            page,
        )
        self.standing_check.setObjectName("meeting_standing_items")
        self.standing_check.setChecked(True)
        self.standing_check.setVisible(self.meeting_id is None)
        self.previous_label = QLabel(page)
        self.previous_label.setObjectName("meeting_previous")
        self.previous_label.setWordWrap(True)
        self.previous_label.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout(page)
        form.addRow("&Committee:", self.committee_box)
        form.addRow("D&ate:", self.date_edit)
        form.addRow("Start time:", time_row)
        form.addRow("&Venue:", self.venue_edit)
        form.addRow("&Status:", self.status_box)
        form.addRow(self.standing_check)
        form.addRow(self.previous_label)
        return page

    def _make_attendance(self) -> QWidget:
        page = QWidget(self)
        grid = QGridLayout(page)
        self.attendance: dict[AttendanceKind, _AttendanceGroup] = {}
        for index, kind in enumerate(AttendanceKind):
            group = _AttendanceGroup(kind, self._people, page)
            self.attendance[kind] = group
            grid.addWidget(group, index // 2, index % 2)
            group.add_button.clicked.connect(lambda _c=False, k=kind: self.add_attendee(k))
            line_edit_of(group.picker).returnPressed.connect(lambda k=kind: self.add_attendee(k))
            group.entries.changed.connect(self._on_attendance_changed)
        self.attendance[AttendanceKind.PRESENT].chair_button.clicked.connect(self.mark_chair)
        return page

    def _make_declarations(self) -> QWidget:
        page = QWidget(self)
        self.declarations: EntryList[Declaration] = EntryList(
            Declaration.label, name="declarations", parent=page
        )
        self.declarations.up_button.hide()
        self.declarations.down_button.hide()
        self.declaration_item = QComboBox(page)
        self.declaration_item.setObjectName("declaration_item")
        self.declaration_member = PersonPicker(self._people, page)
        self.declaration_member.setObjectName("declaration_member")
        self.declaration_member.set_hint("Member…")
        self.declaration_kind = QComboBox(page)
        self.declaration_kind.setObjectName("declaration_kind")
        for kind in DeclarationKind:
            self.declaration_kind.addItem(kind.value.capitalize(), kind)
        self.declaration_text = QLineEdit(page)
        self.declaration_text.setObjectName("declaration_text")
        self.declaration_text.setPlaceholderText("What was declared (optional)")
        self.declaration_add = QPushButton("Add", page)
        self.declaration_add.setObjectName("declaration_add")
        self.declaration_update = QPushButton("Update Selected", page)
        self.declaration_update.setObjectName("declaration_update")
        self.declaration_update.setToolTip("Give the selected declaration this kind and text")
        self.declarations_note = QLabel(page)
        self.declarations_note.setObjectName("declarations_note")
        self.declarations_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Agenda &item:", self.declaration_item)
        form.addRow("&Member:", self.declaration_member)
        form.addRow("&Kind:", self.declaration_kind)
        form.addRow("&Declared:", self.declaration_text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.declaration_update)
        buttons.addWidget(self.declaration_add)
        form.addRow(buttons)
        layout = QVBoxLayout(page)
        layout.addWidget(self.declarations_note)
        layout.addWidget(self.declarations, 1)
        layout.addLayout(form)
        self.declaration_add.clicked.connect(self.add_declaration)
        self.declaration_update.clicked.connect(self.update_declaration)
        self.declarations.selection_changed.connect(self._on_declarations_selection_changed)
        return page

    def _fill(self) -> None:
        detail = self._detail
        if detail is None:
            self.date_edit.setDate(QDate.currentDate())
            self.time_edit.setTime(QTime(10, 0))
            self.time_check.setChecked(True)
            self.committee_box.setCurrentIndex(-1)
            self.committee_box.setEditText("")
            self.previous_label.hide()
            self.declarations_note.setText(
                "Declarations are tied to agenda items: record them once the meeting is saved "
                "(Minutes ▸ Edit Meeting…)."
            )
            self.declarations.setEnabled(False)
            for widget in (self.declaration_item, self.declaration_member, self.declaration_kind):
                widget.setEnabled(False)
            self.declaration_text.setEnabled(False)
            self.declaration_add.setEnabled(False)
            self.declaration_update.setEnabled(False)
            self._original_attendance: list[Attendee] = []
            self._original_declarations: list[Declaration] = []
            return
        self.committee_box.setEditText(detail.committee)
        self.date_edit.setDate(QDate(detail.date.year, detail.date.month, detail.date.day))
        self.time_check.setChecked(detail.start_time is not None)
        self.time_edit.setEnabled(detail.start_time is not None)
        start = detail.start_time or dt.time(10, 0)
        self.time_edit.setTime(QTime(start.hour, start.minute))
        self.venue_edit.setText(detail.venue)
        if detail.status is MinutesStatus.APPROVED:
            self.status_box.addItem(MinutesStatus.APPROVED.label, MinutesStatus.APPROVED)
        self.status_box.setCurrentIndex(self.status_box.findData(detail.status))
        previous = detail.previous_meeting
        self.previous_label.setText(
            "This is the committee's first meeting in this database."
            if previous is None
            else f"Previous meeting: {format_meeting_date(previous.date)}, minutes "
            f"{previous.status.value}. Its minutes are approved as a correct record from this "
            "meeting's \u201cMinutes of the Previous Meeting\u201d item."
        )
        self._original_attendance = [
            Attendee(
                id=row.id,
                version=row.version,
                person_id=row.person_id,
                name=row.name,
                job_title=row.job_title,
                role=row.role,
                status=row.status,
                substitute_for_id=row.substitute_for_id,
                substitute_for=row.substitute_for,
            )
            for row in detail.attendance
        ]
        for kind, group in self.attendance.items():
            group.entries.set_entries([a for a in self._original_attendance if a.kind is kind])
        items = list_agenda_rows(workspace=self._editor.workspace, meeting_id=detail.id)
        for item in items:
            self.declaration_item.addItem(_item_label(item.number, item.title), item.id)
        self._original_declarations = [
            Declaration(
                id=row.id,
                version=row.version,
                item_id=row.item_id,
                item_label=_item_label(row.item_number, row.item_title),
                person_id=row.person_id,
                member=row.member,
                kind=row.kind,
                text=row.text,
            )
            for row in list_meeting_declarations(
                workspace=self._editor.workspace, meeting_id=detail.id
            )
        ]
        self.declarations.set_entries(self._original_declarations)
        self.declarations_note.setText(
            "Each declaration of interest is tied to an agenda item and a member."
            if items
            else "This meeting has no agenda items yet: add them (Minutes ▸ Add Agenda Item…) "
            "before recording declarations."
        )
        self.declaration_add.setEnabled(bool(items))
        self._on_attendance_changed()
        self._on_declarations_selection_changed()

    # ------------------------------------------------------------ editing in memory

    def add_attendee(self, kind: AttendanceKind) -> bool:
        """Add the name typed in ``kind``'s list; False (with a message) when refused."""
        group = self.attendance[kind]
        name = group.picker.name()
        if not name:
            self.show_problem("Add to the Record of Attendance", "Type or pick a name first.")
            group.picker.setFocus()
            return False
        for other in self.attendance.values():
            for entry in other.entries.entries():
                if tidy_name(entry.name) == tidy_name(name):
                    self.show_problem(
                        "Add to the Record of Attendance",
                        f"{entry.name} is already in the record of attendance "
                        f"({other.kind.value}). A person appears once per meeting.",
                    )
                    return False
        person = group.picker.person()
        role, status = _ROLE_STATUS[kind]
        substitute_for = (
            group.for_combo.currentData() if kind is AttendanceKind.SUBSTITUTES else None
        )
        group.entries.add(
            Attendee(
                id=None,
                version=0,
                person_id=None if person is None else person.id,
                name=name if person is None else person.name,
                job_title=group.job_title_edit.text().strip()
                if kind is AttendanceKind.OFFICERS
                else "",
                role=role,
                status=status,
                substitute_for_id=substitute_for,
                substitute_for=group.for_combo.currentText() if substitute_for else None,
            )
        )
        group.picker.clear_choice()
        group.job_title_edit.clear()
        return True

    def mark_chair(self) -> None:
        """Make the selected member present the chair (and nobody else); again to unmark."""
        entries = self.attendance[AttendanceKind.PRESENT].entries
        chosen = entries.selected()
        if chosen is None:
            return
        becoming = chosen.role is not AttendanceRole.CHAIR
        row = entries.list.currentRow()
        updated = [
            dataclasses.replace(
                entry,
                role=AttendanceRole.CHAIR
                if becoming and index == row
                else AttendanceRole.MEMBER
                if entry.role is AttendanceRole.CHAIR or index == row
                else entry.role,
            )
            for index, entry in enumerate(entries.entries())
        ]
        entries.set_entries(updated)
        entries.list.setCurrentRow(row)

    def add_declaration(self) -> bool:
        """Add the declaration described by the fields; False (with a message) when refused."""
        item_id = self.declaration_item.currentData()
        member = self.declaration_member.name()
        if item_id is None or not member:
            self.show_problem(
                "Add a Declaration of Interest",
                "Choose the agenda item and the member who declared the interest.",
            )
            return False
        person = self.declaration_member.person()
        self.declarations.add(
            Declaration(
                id=None,
                version=0,
                item_id=item_id,
                item_label=self.declaration_item.currentText(),
                person_id=None if person is None else person.id,
                member=member if person is None else person.name,
                kind=DeclarationKind(self.declaration_kind.currentData()),
                text=self.declaration_text.text().strip(),
            )
        )
        self.declaration_member.clear_choice()
        self.declaration_text.clear()
        return True

    def update_declaration(self) -> None:
        chosen = self.declarations.selected()
        if chosen is None:
            return
        self.declarations.replace_selected(
            dataclasses.replace(
                chosen,
                kind=DeclarationKind(self.declaration_kind.currentData()),
                text=self.declaration_text.text().strip(),
            )
        )

    def _on_declarations_selection_changed(self) -> None:
        chosen = self.declarations.selected()
        self.declaration_update.setEnabled(chosen is not None and not self._read_only)
        if chosen is not None:
            self.declaration_kind.setCurrentIndex(self.declaration_kind.findData(chosen.kind))
            self.declaration_text.setText(chosen.text)

    def _on_attendance_changed(self) -> None:
        """Offer the members of this meeting as whom a substitute stands in for."""
        combo = self.attendance[AttendanceKind.SUBSTITUTES].for_combo
        current = combo.currentData()
        combo.clear()
        combo.addItem("(not stated)", None)
        seen: set[int] = set()
        members = [
            entry
            for kind in (AttendanceKind.PRESENT, AttendanceKind.APOLOGIES)
            for entry in self.attendance[kind].entries.entries()
        ]
        for entry in members:
            if entry.person_id is not None and entry.person_id not in seen:
                seen.add(entry.person_id)
                combo.addItem(entry.name, entry.person_id)
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))

    # ------------------------------------------------------------ saving

    def accept(self) -> None:
        if self._read_only:
            super().accept()
            return
        committee = " ".join(self.committee_box.currentText().split())
        if not committee:
            self.tabs.setCurrentIndex(0)
            self.committee_box.setFocus()
            self.show_problem(
                "The Meeting Was Not Saved",
                "Give the committee's name (Details ▸ Committee): every meeting belongs to one.",
            )
            return
        steps = self._steps(committee)
        text = "New Meeting" if self._detail is None else "Edit Meeting"
        command = MinutesStepsCommand(self._editor, text, steps)
        self._stack.push(command)
        if command.error is not None:
            self.show_problem("The Meeting Was Not Saved", refusal_text(command.error))
            return
        if self._detail is None and command.changes:
            self.meeting_id = MeetingId(command.changes[0].row.id)
        super().accept()

    def _day(self) -> dt.date:
        value = self.date_edit.date()
        return dt.date(value.year(), value.month(), value.day())

    def _start(self) -> dt.time | None:
        if not self.time_check.isChecked():
            return None
        value = self.time_edit.time()
        return dt.time(value.hour(), value.minute())

    def _steps(self, committee: str) -> list[Step]:
        from qpmr_desktop.services import minutes_editing as editing  # noqa: PLC0415

        editor = self._editor
        steps: list[Step] = []
        detail = self._detail
        venue = self.venue_edit.text()
        if detail is None:
            steps.append(
                service_step(
                    editor,
                    editing.create_meeting,
                    committee=committee,
                    date=self._day(),
                    start_time=self._start(),
                    venue=venue,
                    standing_items=self.standing_check.isChecked(),
                )
            )
        else:
            changes: dict[str, object] = {}
            if tidy_name(committee) != tidy_name(detail.committee):
                changes["committee"] = committee
            if self._day() != detail.date:
                changes["date"] = self._day()
            if self._start() != detail.start_time:
                changes["start_time"] = self._start()
            if venue.strip() != detail.venue:
                changes["venue"] = venue
            if changes:
                steps.append(
                    service_step(
                        editor,
                        editing.update_meeting,
                        versioned=(RowRef("meeting", detail.id), detail.version),
                        meeting_id=detail.id,
                        changes=changes,
                    )
                )
        steps.extend(self._attendance_steps())
        steps.extend(self._declaration_steps())
        steps.extend(self._status_steps())
        return steps

    def _meeting_of(self, made: Sequence[MinutesChange]) -> MeetingId:
        if self._detail is not None:
            return self._detail.id
        return MeetingId(made[0].row.id)  # the meeting created by the first step

    def _desired_attendance(self) -> list[Attendee]:
        """The whole record in its new order: each list's entries in the places that list had.

        Entries keep the slots their kind held in the saved order, so lists
        interleaved in the database stay so; new entries follow the last of
        their kind (or come at the end, in the order of the lists).
        """
        queues = {kind: deque(group.entries.entries()) for kind, group in self.attendance.items()}
        kept = {entry.id for queue in queues.values() for entry in queue if entry.id is not None}
        slots = [entry.kind for entry in self._original_attendance if entry.id in kept]
        last = {kind: index for index, kind in enumerate(slots)}
        desired: list[Attendee] = []
        for index, kind in enumerate(slots):
            queue = queues[kind]
            while queue:
                entry = queue.popleft()
                desired.append(entry)
                if entry.id is not None:
                    break
            if last[kind] == index:
                desired.extend(queue)
                queue.clear()
        for kind in AttendanceKind:
            desired.extend(queues[kind])
        return desired

    def _attendance_steps(self) -> list[Step]:
        from qpmr_desktop.services import minutes_editing as editing  # noqa: PLC0415

        editor = self._editor
        original = {entry.id: entry for entry in self._original_attendance}
        desired = self._desired_attendance()
        plan = plan_ordered_edits(
            [entry.id for entry in self._original_attendance], [entry.id for entry in desired]
        )

        def row(entry: Attendee) -> tuple[RowRef, int]:
            assert entry.id is not None
            return RowRef("attendance", entry.id), entry.version

        steps: list[Step] = []
        for planned in plan:
            match planned:
                case Remove(key=key):
                    gone = original[key]
                    steps.append(
                        service_step(
                            editor,
                            editing.remove_attendance,
                            versioned=row(gone),
                            attendance_id=gone.id,
                        )
                    )
                case Move(key=key, position=position):
                    moved = original[key]
                    steps.append(
                        service_step(
                            editor,
                            editing.move_attendance,
                            versioned=row(moved),
                            attendance_id=moved.id,
                            position=position,
                        )
                    )
                case Insert(index=index, position=position):
                    new = desired[index]
                    steps.append(
                        service_step(
                            editor,
                            editing.add_attendance,
                            later=lambda made: {"meeting_id": self._meeting_of(made)},
                            role=new.role,
                            name=None if new.person_id is not None else new.name,
                            person_id=new.person_id,
                            job_title=new.job_title,
                            status=new.status,
                            substitute_for_id=new.substitute_for_id,
                            position=position,
                        )
                    )
        for entry in desired:
            before = None if entry.id is None else original.get(entry.id)
            if before is not None and before.role is not entry.role:
                steps.append(
                    service_step(
                        editor,
                        editing.update_attendance,
                        versioned=row(entry),
                        attendance_id=entry.id,
                        changes={"role": entry.role},
                    )
                )
        return steps

    def _declaration_steps(self) -> list[Step]:
        from qpmr_desktop.services import minutes_editing as editing  # noqa: PLC0415

        editor = self._editor
        now = self.declarations.entries()
        kept = {entry.id: entry for entry in now if entry.id is not None}
        steps: list[Step] = []
        for entry in self._original_declarations:
            assert entry.id is not None
            versioned = (RowRef("declaration_of_interest", entry.id), entry.version)
            later = kept.get(entry.id)
            if later is None:
                steps.append(
                    service_step(
                        editor,
                        editing.delete_declaration,
                        versioned=versioned,
                        declaration_id=entry.id,
                    )
                )
            elif (later.kind, later.text) != (entry.kind, entry.text):
                steps.append(
                    service_step(
                        editor,
                        editing.update_declaration,
                        versioned=versioned,
                        declaration_id=entry.id,
                        changes={"kind": later.kind, "text": later.text},
                    )
                )
        steps.extend(
            service_step(
                editor,
                editing.add_declaration,
                item_id=entry.item_id,
                kind=entry.kind,
                name=None if entry.person_id is not None else entry.member,
                person_id=entry.person_id,
                text=entry.text,
            )
            for entry in now
            if entry.id is None
        )
        return steps

    def _status_steps(self) -> list[Step]:
        from qpmr_desktop.services import minutes_lifecycle as lifecycle  # noqa: PLC0415

        # Qt hands a StrEnum back as its plain string.
        wanted = MinutesStatus(self.status_box.currentData())
        current = MinutesStatus.DRAFT if self._detail is None else self._detail.status
        if wanted is current:
            return []
        workspace = self._editor.workspace
        editor = self._editor
        default = 1 if self._detail is None else self._detail.version
        transition = (
            lifecycle.circulate_minutes
            if wanted is MinutesStatus.CIRCULATED
            else lifecycle.return_to_draft
        )

        def step(made: Sequence[MinutesChange]) -> MinutesChange:
            # Not through editor.call: a transition is never an amendment.
            meeting_id = self._meeting_of(made)
            return transition(
                workspace=workspace,
                meeting_id=meeting_id,
                expected_version=editor.version(RowRef("meeting", meeting_id), default),
            )

        return [step]


def _item_label(number: str, title: str) -> str:
    return f"{number}. {title}" if number else title
