"""Minutes ▸ Add Agenda Item… and Edit Agenda Item…: number, title, presenters and papers.

Contract of ``AgendaItemDialog`` (``item_id`` None to add an item to
``meeting_id``):

- Number (a new item is offered the next number; an empty number is
  allowed) and title (required). A number another item of the agenda already
  has is refused before anything is written: two items "4" make the minutes
  ambiguous.
- Presenters, in order: each picked from the people list or added to it
  with their job title, with the role as the minutes state it (optional; the
  job title shows when none is stated).
- Supporting documents, in order: files (``choose_files``, a file dialog)
  that are *copied* into the database's attachment folder when OK is pressed,
  or links (an address and an optional title).
- Nothing is written until OK, which makes every change as one
  ``MinutesStepsCommand`` ("Add Agenda Item", "Edit Agenda Item") on the undo
  stack. What a service refuses is explained through ``show_problem`` (a
  message box), and the dialog stays open with everything typed; the
  database is left as it was.
- The "Minutes of the Previous Meeting" standing item shows the previous
  meeting's date and where its minutes stand, and offers to approve them as a
  correct record (``minutes_lifecycle.approve_previous_minutes``) once
  ``confirm`` agrees. An approval cannot be undone, so it is not a command:
  the change goes out through ``MinutesEditor.apply_external``.
- Approved minutes are read-only: every field is disabled and the dialog
  says why.
- ``item_id`` after OK is the item made or edited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.ids import AgendaItemId, DocumentId, MeetingId, PersonId, PresenterId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.services.meetings import (
    Insert,
    Move,
    Remove,
    item_number_clash,
    list_agenda_rows,
    next_item_number,
    plan_ordered_edits,
)
from qpmr_desktop.services.minutes import (
    format_meeting_date,
    get_item_for_editing,
    get_meeting_detail,
    list_people,
    read_only_message,
)
from qpmr_desktop.services.read_models import EditableItem, MinutesChange, RowRef
from qpmr_desktop.ui.meeting_commands import REFUSALS, MinutesStepsCommand, Step, service_step
from qpmr_desktop.ui.meeting_people import EntryList, PersonPicker, refusal_text, warn
from qpmr_desktop.ui.minutes_commands import MinutesEditor

__all__ = ["PREVIOUS_MINUTES_TITLE", "AgendaItemDialog", "Document", "ItemPresenter"]

#: The standing item whose minutes are those of the committee's previous meeting
#: (``minutes_editing.STANDING_ITEMS``; not imported, to keep SQLAlchemy off start-up).
PREVIOUS_MINUTES_TITLE: Final = "Minutes of the Previous Meeting"


@dataclasses.dataclass(frozen=True, slots=True)
class ItemPresenter:
    """A presenter as the dialog holds it (``id`` None until saved)."""

    id: PresenterId | None
    version: int
    person_id: PersonId | None
    name: str
    job_title: str
    role: str

    def label(self) -> str:
        shown = self.role or self.job_title
        return f"{self.name}, {shown}" if shown else self.name


@dataclasses.dataclass(frozen=True, slots=True)
class Document:
    """A supporting document as the dialog holds it: a file to copy, a copied file, or a link."""

    id: DocumentId | None
    version: int
    title: str
    file: Path | None = None  # a file to copy on OK (new documents only)
    file_path: str | None = None  # where a saved file's copy is, in the attachment folder
    url: str | None = None

    def label(self) -> str:
        if self.url:
            return f"{self.title} — link: {self.url}" if self.title != self.url else self.url
        where = self.file_path or (str(self.file) if self.file else "")
        copy = "copied" if self.id is not None else "to be copied"
        return f"{self.title or where} — file ({copy}: {where})"


class AgendaItemDialog(QDialog):
    """Add Agenda Item… / Edit Agenda Item…; see the module contract."""

    def __init__(
        self,
        editor: MinutesEditor,
        undo_stack: QUndoStack,
        *,
        meeting_id: MeetingId,
        item_id: AgendaItemId | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("agenda_item_dialog")
        self._editor = editor
        self._stack = undo_stack
        self.meeting_id = meeting_id
        self.item_id = item_id
        self.show_problem: Callable[[str, str], None] = lambda title, message: warn(
            self, title, message
        )
        self.confirm: Callable[[str], bool] = self._confirm_with_dialog
        self.choose_files: Callable[[], list[Path]] = self._choose_files_with_dialog
        workspace = editor.workspace
        self._meeting = get_meeting_detail(workspace=workspace, meeting_id=meeting_id)
        self._agenda = list_agenda_rows(workspace=workspace, meeting_id=meeting_id)
        self._people = list_people(workspace=workspace)
        self._item: EditableItem | None = (
            None if item_id is None else get_item_for_editing(workspace=workspace, item_id=item_id)
        )
        self._read_only = self._meeting.status is MinutesStatus.APPROVED
        when = format_meeting_date(self._meeting.date)
        self.setWindowTitle(
            f"Add Agenda Item — {when}" if item_id is None else f"Edit Agenda Item — {when}"
        )

        self.read_only_label = self._make_read_only_label()
        self.number_edit = QLineEdit(self)
        self.number_edit.setObjectName("agenda_number")
        self.number_edit.setMaximumWidth(90)
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("agenda_title")
        self.title_edit.setPlaceholderText("The item's title as the agenda gives it")
        form = QFormLayout()
        form.addRow("&Number:", self.number_edit)
        form.addRow("&Title:", self.title_edit)

        self.previous_box = self._make_previous_box()
        presenters = self._make_presenters()
        documents = self._make_documents()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        if self._read_only:
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_label)
        layout.addLayout(form)
        layout.addWidget(self.previous_box)
        layout.addWidget(presenters, 1)
        layout.addWidget(documents, 1)
        layout.addWidget(self.buttons)
        self._fill()
        if self._read_only:
            for widget in (self.number_edit, self.title_edit, presenters, documents):
                widget.setEnabled(False)
        self.resize(720, 620)

    # ------------------------------------------------------------ building

    def _make_read_only_label(self) -> QLabel:
        label = QLabel(self)
        label.setObjectName("agenda_read_only")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setVisible(self._read_only)
        if self._read_only:
            label.setText(
                read_only_message(self._meeting.date, self._meeting.approved_at)
                + " This item can be read here but not changed."
            )
        return label

    def _make_previous_box(self) -> QGroupBox:
        box = QGroupBox("Minutes of the previous meeting", self)
        box.setObjectName("agenda_previous")
        self.previous_label = QLabel(box)
        self.previous_label.setObjectName("agenda_previous_label")
        self.previous_label.setWordWrap(True)
        self.previous_label.setTextFormat(Qt.TextFormat.PlainText)
        self.approve_button = QPushButton("Approve as a Correct Record…", box)
        self.approve_button.setObjectName("agenda_approve_previous")
        self.approve_button.clicked.connect(self.approve_previous_minutes)
        row = QHBoxLayout(box)
        row.addWidget(self.previous_label, 1)
        row.addWidget(self.approve_button)
        return box

    def _make_presenters(self) -> QGroupBox:
        box = QGroupBox("Presenters", self)
        self.presenters: EntryList[ItemPresenter] = EntryList(
            ItemPresenter.label, name="presenters", parent=box
        )
        self.presenter_picker = PersonPicker(self._people, box)
        self.presenter_picker.setObjectName("presenter_name")
        self.presenter_picker.set_hint("Name…")
        self.presenter_job_title = QLineEdit(box)
        self.presenter_job_title.setObjectName("presenter_job_title")
        self.presenter_job_title.setPlaceholderText("Job title (someone new)")
        self.presenter_role = QLineEdit(box)
        self.presenter_role.setObjectName("presenter_role")
        self.presenter_role.setPlaceholderText("Role stated (optional)")
        self.presenter_role.setToolTip(
            "The role as the minutes state it; when empty, the job title is shown"
        )
        self.presenter_add = QPushButton("Add Presenter", box)
        self.presenter_add.setObjectName("presenter_add")
        adding = QHBoxLayout()
        adding.addWidget(self.presenter_picker, 2)
        adding.addWidget(self.presenter_job_title, 2)
        adding.addWidget(self.presenter_role, 2)
        adding.addWidget(self.presenter_add)
        layout = QVBoxLayout(box)
        layout.addWidget(self.presenters, 1)
        layout.addLayout(adding)
        self.presenter_add.clicked.connect(self.add_presenter)
        self.presenter_picker.activated.connect(self._on_presenter_picker_activated)
        return box

    def _make_documents(self) -> QGroupBox:
        box = QGroupBox("Supporting documents", self)
        self.documents: EntryList[Document] = EntryList(
            Document.label, name="documents", parent=box
        )
        self.add_files_button = QPushButton("Add Files…", box)
        self.add_files_button.setObjectName("documents_add_files")
        self.add_files_button.setToolTip(
            "Choose files to copy into the database's attachment folder when you press OK"
        )
        self.link_edit = QLineEdit(box)
        self.link_edit.setObjectName("documents_link")
        self.link_edit.setPlaceholderText("https://… (a link)")
        self.link_title = QLineEdit(box)
        self.link_title.setObjectName("documents_link_title")
        self.link_title.setPlaceholderText("Title (optional)")
        self.add_link_button = QPushButton("Add Link", box)
        self.add_link_button.setObjectName("documents_add_link")
        adding = QHBoxLayout()
        adding.addWidget(self.add_files_button)
        adding.addWidget(self.link_edit, 3)
        adding.addWidget(self.link_title, 2)
        adding.addWidget(self.add_link_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.documents, 1)
        layout.addLayout(adding)
        self.add_files_button.clicked.connect(self.add_files)
        self.add_link_button.clicked.connect(self.add_link)
        return box

    def _fill(self) -> None:
        item = self._item
        if item is None:
            self.number_edit.setText(next_item_number(self._agenda))
        else:
            self.number_edit.setText(item.number)
            self.title_edit.setText(item.title)
            self.presenters.set_entries(
                [
                    ItemPresenter(
                        id=p.id,
                        version=p.version,
                        person_id=p.person_id,
                        name=p.name,
                        job_title=p.job_title,
                        role=p.role,
                    )
                    for p in item.presenters
                ]
            )
            self.documents.set_entries(
                [
                    Document(
                        id=d.id, version=d.version, title=d.title, file_path=d.file_path, url=d.url
                    )
                    for d in item.documents
                ]
            )
        self._show_previous()

    def _show_previous(self) -> None:
        is_standing = (
            self._item is not None
            and " ".join(self._item.title.split()).casefold() == PREVIOUS_MINUTES_TITLE.casefold()
        )
        self.previous_box.setVisible(is_standing)
        if not is_standing:
            return
        previous = self._meeting.previous_meeting
        if previous is None:
            self.previous_label.setText(
                "The committee has no earlier meeting in this database: there are no previous "
                "minutes to approve."
            )
            self.approve_button.setEnabled(False)
            return
        when = format_meeting_date(previous.date)
        match previous.status:
            case MinutesStatus.APPROVED:
                text = f"The minutes of {when} are approved as a correct record."
            case MinutesStatus.CIRCULATED:
                text = (
                    f"The minutes of {when} have been circulated: the committee can approve them "
                    "as a correct record at this meeting."
                )
            case _:
                text = (
                    f"The minutes of {when} are still a draft: circulate them (Minutes tab, "
                    "lifecycle panel) before they can be approved."
                )
        self.previous_label.setText(text)
        self.approve_button.setEnabled(previous.status is MinutesStatus.CIRCULATED)

    # ------------------------------------------------------------ editing in memory

    def add_presenter(self) -> bool:
        name = self.presenter_picker.name()
        if not name:
            self.show_problem("Add a Presenter", "Type or pick the presenter's name first.")
            self.presenter_picker.setFocus()
            return False
        person = self.presenter_picker.person()
        self.presenters.add(
            ItemPresenter(
                id=None,
                version=0,
                person_id=None if person is None else person.id,
                name=name if person is None else person.name,
                job_title=self.presenter_job_title.text().strip()
                if person is None
                else person.job_title,
                role=self.presenter_role.text().strip(),
            )
        )
        self.presenter_picker.clear_choice()
        self.presenter_job_title.clear()
        self.presenter_role.clear()
        return True

    def add_files(self) -> None:
        for path in self.choose_files():
            self.documents.add(Document(id=None, version=0, title=path.name, file=path))

    def add_link(self) -> bool:
        url = self.link_edit.text().strip()
        if not url:
            self.show_problem("Add a Link", "Type the link's address first (https://…).")
            self.link_edit.setFocus()
            return False
        title = self.link_title.text().strip()
        self.documents.add(Document(id=None, version=0, title=title or url, url=url))
        self.link_edit.clear()
        self.link_title.clear()
        return True

    def _on_presenter_picker_activated(self) -> None:
        person = self.presenter_picker.person()
        if person is not None:
            self.presenter_job_title.setText(person.job_title)

    # ------------------------------------------------------------ the previous meeting

    def approve_previous_minutes(self) -> bool:
        """Approve the previous meeting's minutes once confirmed; not undoable."""
        previous = self._meeting.previous_meeting
        if previous is None or not self.confirm(
            f"Approve the minutes of {format_meeting_date(previous.date)} as a correct record?"
            "\n\nApproved minutes can no longer be edited; later corrections are recorded as "
            "amendments with a reason. This cannot be undone."
        ):
            return False
        from qpmr_desktop.services.minutes_lifecycle import (  # noqa: PLC0415
            approve_previous_minutes,
        )

        try:
            change = approve_previous_minutes(
                workspace=self._editor.workspace, meeting_id=self.meeting_id
            )
        except REFUSALS as error:
            self.show_problem("The Minutes Were Not Approved", refusal_text(error))
            return False
        self._editor.apply_external(change)
        self._meeting = get_meeting_detail(
            workspace=self._editor.workspace, meeting_id=self.meeting_id
        )
        self._show_previous()
        return True

    # ------------------------------------------------------------ saving

    def accept(self) -> None:
        if self._read_only:
            super().accept()
            return
        title = " ".join(self.title_edit.text().split())
        number = self.number_edit.text().strip()
        if not title:
            self.title_edit.setFocus()
            self.show_problem("The Agenda Item Was Not Saved", "Give the item a title.")
            return
        clash = item_number_clash(self._agenda, number, except_id=self.item_id)
        if clash is not None:
            self.number_edit.setFocus()
            self.number_edit.selectAll()
            self.show_problem(
                "The Agenda Item Was Not Saved",
                f"Item number {number} is already used on this agenda by "
                f"\u201c{clash.title}\u201d. Give this item another number.",
            )
            return
        command = MinutesStepsCommand(
            self._editor,
            "Add Agenda Item" if self._item is None else "Edit Agenda Item",
            self._steps(number, title),
        )
        self._stack.push(command)
        if command.error is not None:
            self.show_problem("The Agenda Item Was Not Saved", refusal_text(command.error))
            return
        if self._item is None and command.changes:
            self.item_id = AgendaItemId(command.changes[0].row.id)
        super().accept()

    def _item_of(self, made: Sequence[MinutesChange]) -> AgendaItemId:
        if self._item is not None:
            return self._item.id
        return AgendaItemId(made[0].row.id)  # the item added by the first step

    def _steps(self, number: str, title: str) -> list[Step]:
        from qpmr_desktop.services import minutes_editing as editing  # noqa: PLC0415

        editor = self._editor
        item = self._item
        steps: list[Step] = []
        if item is None:
            steps.append(
                service_step(
                    editor,
                    editing.add_agenda_item,
                    meeting_id=self.meeting_id,
                    title=title,
                    number=number,
                )
            )
        else:
            changes: dict[str, object] = {}
            if number != item.number:
                changes["number"] = number
            if title != item.title:
                changes["title"] = title
            if changes:
                steps.append(
                    service_step(
                        editor,
                        editing.update_agenda_item,
                        versioned=(RowRef("agenda_item", item.id), item.version),
                        item_id=item.id,
                        changes=changes,
                    )
                )
        steps.extend(self._presenter_steps())
        steps.extend(self._document_steps())
        return steps

    def _later_item(self, made: Sequence[MinutesChange]) -> dict[str, object]:
        return {"item_id": self._item_of(made)}

    def _presenter_steps(self) -> list[Step]:
        from qpmr_desktop.services import minutes_editing as editing  # noqa: PLC0415

        editor = self._editor
        original = self._item.presenters if self._item is not None else ()
        by_id = {p.id: p for p in original}
        desired = self.presenters.entries()
        steps: list[Step] = []
        for planned in plan_ordered_edits([p.id for p in original], [p.id for p in desired]):
            match planned:
                case Remove(key=key):
                    steps.append(
                        service_step(
                            editor,
                            editing.remove_presenter,
                            versioned=(RowRef("item_presenter", key), by_id[key].version),
                            presenter_id=key,
                        )
                    )
                case Move(key=key, position=position):
                    steps.append(
                        service_step(
                            editor,
                            editing.move_presenter,
                            versioned=(RowRef("item_presenter", key), by_id[key].version),
                            presenter_id=key,
                            position=position,
                        )
                    )
                case Insert(index=index, position=position):
                    new = desired[index]
                    steps.append(
                        service_step(
                            editor,
                            editing.add_presenter,
                            later=self._later_item,
                            name=None if new.person_id is not None else new.name,
                            person_id=new.person_id,
                            job_title=new.job_title if new.person_id is None else "",
                            role=new.role,
                            position=position,
                        )
                    )
        for entry in desired:
            before = None if entry.id is None else by_id.get(entry.id)
            if before is not None and entry.id is not None and before.role != entry.role:
                steps.append(
                    service_step(
                        editor,
                        editing.set_presenter_role,
                        versioned=(RowRef("item_presenter", entry.id), before.version),
                        presenter_id=entry.id,
                        role=entry.role,
                    )
                )
        return steps

    def _document_steps(self) -> list[Step]:
        from qpmr_desktop.services import minutes_editing as editing  # noqa: PLC0415

        editor = self._editor
        original = self._item.documents if self._item is not None else ()
        by_id = {d.id: d for d in original}
        desired = self.documents.entries()
        steps: list[Step] = []
        for planned in plan_ordered_edits([d.id for d in original], [d.id for d in desired]):
            match planned:
                case Remove(key=key):
                    steps.append(
                        service_step(
                            editor,
                            editing.remove_document,
                            versioned=(RowRef("supporting_document", key), by_id[key].version),
                            document_id=key,
                        )
                    )
                case Move(key=key, position=position):
                    steps.append(
                        service_step(
                            editor,
                            editing.move_document,
                            versioned=(RowRef("supporting_document", key), by_id[key].version),
                            document_id=key,
                            position=position,
                        )
                    )
                case Insert(index=index, position=position):
                    new = desired[index]
                    steps.append(
                        service_step(
                            editor,
                            editing.add_document,
                            later=self._later_item,
                            title=new.title if new.url is not None else "",
                            url=new.url,
                            file=new.file,
                            position=position,
                        )
                    )
        return steps

    # ------------------------------------------------------------ the real dialogs

    def _confirm_with_dialog(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Approve the Previous Minutes", question)
        return answer == QMessageBox.StandardButton.Yes

    def _choose_files_with_dialog(self) -> list[Path]:
        names, _filter = QFileDialog.getOpenFileNames(
            self, "Add Supporting Documents", "", "All files (*)"
        )
        return [Path(name) for name in names]
