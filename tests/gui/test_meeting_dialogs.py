"""The meeting and agenda-item dialogs and the Minutes menu's meeting actions.

Each test fills a dialog as a person would, presses OK, and reads the
database back through the services; then undoes and redoes the one command
OK pushed and reads it back each time. Refusals are read from the dialogs'
``show_problem`` instead of a modal box.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import AttendanceRole, DeclarationKind, MinutesStatus
from qpmr_desktop.services import minutes_editing as editing
from qpmr_desktop.services.meetings import list_agenda_rows, list_meeting_declarations
from qpmr_desktop.services.minutes import (
    get_item_for_editing,
    get_meeting_detail,
    list_meetings,
)
from qpmr_desktop.services.minutes_lifecycle import approve_minutes, circulate_minutes
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.agenda_dialogs import AgendaItemDialog
from qpmr_desktop.ui.meeting_dialogs import AttendanceKind, MeetingDialog
from qpmr_desktop.ui.meeting_menu import MeetingActions
from qpmr_desktop.ui.minutes_commands import MinutesEditor
from qpmr_desktop.ui.minutes_tab import MinutesTab

HOSTILE = '<b>&"é🙂Łódź'
COMMITTEE = "Cabinet Committee on Performance Improvement"


class Problems:
    """Stands in for the message box: keeps each (title, message)."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, title: str, message: str) -> None:
        self.shown.append((title, message))

    @property
    def text(self) -> str:
        return "\n".join(f"{title}: {message}" for title, message in self.shown)


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path)
    yield workspace
    workspace.close()


@pytest.fixture
def editor(workspace: Workspace) -> MinutesEditor:
    editor = MinutesEditor()
    editor.set_workspace(workspace)
    return editor


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def meeting_id(workspace: Workspace) -> MeetingId:
    return list_meetings(workspace=workspace)[0].id


def _item_id(workspace: Workspace, meeting_id: MeetingId, word: str) -> AgendaItemId:
    return next(
        row.id
        for row in list_agenda_rows(workspace=workspace, meeting_id=meeting_id)
        if word in row.title
    )


def _attendance(
    workspace: Workspace, meeting_id: MeetingId
) -> list[tuple[str, str, str, str | None]]:
    detail = get_meeting_detail(workspace=workspace, meeting_id=meeting_id)
    return [(a.name, a.role.value, a.status.value, a.substitute_for) for a in detail.attendance]


def _meeting_dialog(
    qtbot: QtBot, editor: MinutesEditor, stack: QUndoStack, meeting_id: MeetingId | None = None
) -> tuple[MeetingDialog, Problems]:
    dialog = MeetingDialog(editor, stack, meeting_id=meeting_id)
    qtbot.addWidget(dialog)
    problems = Problems()
    dialog.show_problem = problems
    return dialog, problems


def _item_dialog(
    qtbot: QtBot,
    editor: MinutesEditor,
    stack: QUndoStack,
    meeting_id: MeetingId,
    item_id: AgendaItemId | None = None,
) -> tuple[AgendaItemDialog, Problems]:
    dialog = AgendaItemDialog(editor, stack, meeting_id=meeting_id, item_id=item_id)
    qtbot.addWidget(dialog)
    problems = Problems()
    dialog.show_problem = problems
    return dialog, problems


def _add_person(
    dialog: MeetingDialog, kind: AttendanceKind, name: str, job_title: str = ""
) -> bool:
    group = dialog.attendance[kind]
    group.picker.setEditText(name)
    group.job_title_edit.setText(job_title)
    return dialog.add_attendee(kind)


# ------------------------------------------------------------------ new meeting


def test_new_meeting_with_standing_items_attendance_and_status_is_one_undo_step(
    qtbot: QtBot, workspace: Workspace, editor: MinutesEditor, stack: QUndoStack
) -> None:
    before = {m.id for m in list_meetings(workspace=workspace)}
    dialog, problems = _meeting_dialog(qtbot, editor, stack)
    dialog.committee_box.setEditText(COMMITTEE)
    dialog.date_edit.setDate(QDate(2017, 12, 12))
    dialog.time_check.setChecked(True)
    dialog.time_edit.setTime(dialog.time_edit.time().fromString("14:30", "HH:mm"))
    dialog.venue_edit.setText(HOSTILE)
    dialog.status_box.setCurrentIndex(dialog.status_box.findData(MinutesStatus.CIRCULATED))
    assert dialog.standing_check.isChecked()
    assert _add_person(dialog, AttendanceKind.PRESENT, "Eleanor Pennington")
    dialog.attendance[AttendanceKind.PRESENT].entries.list.setCurrentRow(0)
    dialog.mark_chair()
    assert _add_person(dialog, AttendanceKind.OFFICERS, HOSTILE, job_title=f"Clerk {HOSTILE}")
    dialog.accept()

    assert problems.shown == []
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stack.count() == 1
    assert stack.undoText() == "New Meeting"
    new_id = dialog.meeting_id
    assert new_id is not None
    assert new_id not in before
    detail = get_meeting_detail(workspace=workspace, meeting_id=new_id)
    assert (detail.committee, detail.date, detail.start_time, detail.venue) == (
        COMMITTEE,
        dt.date(2017, 12, 12),
        dt.time(14, 30),
        HOSTILE,
    )
    assert detail.status is MinutesStatus.CIRCULATED
    assert [i.title for i in detail.items] == list(editing.STANDING_ITEMS)
    assert [(a.name, a.role) for a in detail.attendance] == [
        ("Eleanor Pennington", AttendanceRole.CHAIR),
        (HOSTILE, AttendanceRole.OFFICER),
    ]
    assert detail.attendance[1].job_title == f"Clerk {HOSTILE}"

    stack.undo()
    assert {m.id for m in list_meetings(workspace=workspace)} == before
    stack.redo()
    again = get_meeting_detail(workspace=workspace, meeting_id=new_id)
    assert (again.venue, again.status, len(again.items), len(again.attendance)) == (
        HOSTILE,
        MinutesStatus.CIRCULATED,
        3,
        2,
    )


def test_new_committee_keeps_its_name_exactly_and_has_no_previous_minutes_item(
    qtbot: QtBot, workspace: Workspace, editor: MinutesEditor, stack: QUndoStack
) -> None:
    dialog, problems = _meeting_dialog(qtbot, editor, stack)
    dialog.committee_box.setEditText(f"{HOSTILE} Scrutiny")
    dialog.time_check.setChecked(False)
    dialog.accept()
    assert problems.shown == []
    assert dialog.meeting_id is not None
    detail = get_meeting_detail(workspace=workspace, meeting_id=dialog.meeting_id)
    assert detail.committee == f"{HOSTILE} Scrutiny"
    assert detail.start_time is None
    assert detail.status is MinutesStatus.DRAFT
    assert [i.title for i in detail.items] == ["Apologies", "Declarations of Interest"]


def test_empty_committee_is_refused_with_a_message_and_nothing_is_lost(
    qtbot: QtBot, workspace: Workspace, editor: MinutesEditor, stack: QUndoStack
) -> None:
    count = len(list_meetings(workspace=workspace))
    dialog, problems = _meeting_dialog(qtbot, editor, stack)
    dialog.committee_box.setEditText("   ")
    dialog.venue_edit.setText(HOSTILE)
    assert _add_person(dialog, AttendanceKind.APOLOGIES, HOSTILE)
    dialog.accept()
    assert "committee" in problems.text.casefold()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert len(list_meetings(workspace=workspace)) == count
    assert stack.count() == 0
    # What was typed is still there to put right.
    assert dialog.venue_edit.text() == HOSTILE
    assert [a.name for a in dialog.attendance[AttendanceKind.APOLOGIES].entries.entries()] == [
        HOSTILE
    ]


def test_a_refused_step_undoes_the_steps_before_it(
    qtbot: QtBot, workspace: Workspace, editor: MinutesEditor, stack: QUndoStack
) -> None:
    count = len(list_meetings(workspace=workspace))
    dialog, problems = _meeting_dialog(qtbot, editor, stack)
    dialog.committee_box.setEditText(COMMITTEE)
    dialog.venue_edit.setText("Room\x00 B")  # a reserved character: the service refuses it
    dialog.accept()
    assert "could not be saved" in problems.text
    assert len(list_meetings(workspace=workspace)) == count
    assert stack.count() == 0
    assert dialog.result() != QDialog.DialogCode.Accepted


# ------------------------------------------------------------------ edit meeting


def test_edit_meeting_details_attendance_and_declarations_undo_and_redo(
    qtbot: QtBot,
    workspace: Workspace,
    editor: MinutesEditor,
    stack: QUndoStack,
    meeting_id: MeetingId,
) -> None:
    original = _attendance(workspace, meeting_id)
    original_venue = get_meeting_detail(workspace=workspace, meeting_id=meeting_id).venue
    dialog, problems = _meeting_dialog(qtbot, editor, stack, meeting_id)
    assert not dialog.read_only_label.isVisible()
    dialog.venue_edit.setText(f"Room {HOSTILE}")
    assert _add_person(dialog, AttendanceKind.PRESENT, f"County Councillor {HOSTILE}")
    present = dialog.attendance[AttendanceKind.PRESENT].entries
    present.list.setCurrentRow(len(present.entries()) - 1)
    dialog.mark_chair()  # the new member takes the chair; the old chair is a member again
    apologies = dialog.attendance[AttendanceKind.APOLOGIES].entries
    apologies.list.setCurrentRow(0)
    apologies.remove_selected()
    officers = dialog.attendance[AttendanceKind.OFFICERS].entries
    officers.list.setCurrentRow(2)
    officers.move_selected(-1)
    dialog.declaration_item.setCurrentIndex(dialog.declaration_item.count() - 1)
    dialog.declaration_member.setEditText("Graham Whitehead")
    dialog.declaration_kind.setCurrentIndex(
        dialog.declaration_kind.findData(DeclarationKind.NON_REGISTRABLE)
    )
    dialog.declaration_text.setText(f"A relative works for {HOSTILE}")
    assert dialog.add_declaration()
    dialog.accept()
    assert problems.shown == []
    assert stack.count() == 1

    edited = _attendance(workspace, meeting_id)
    assert edited != original
    names = [name for name, *_ in edited]
    assert "Sandra Openshaw" not in names  # the apologies entry went
    assert ("Eleanor Pennington", "member", "present", None) in edited
    assert (f"County Councillor {HOSTILE}", "chair", "present", None) in edited
    officer_names = [name for name, role, *_ in edited if role == "officer"]
    assert officer_names == ["Donna Talbot", "Claire Rigby", "Richard Cooke"]
    assert get_meeting_detail(workspace=workspace, meeting_id=meeting_id).venue == f"Room {HOSTILE}"
    declarations = list_meeting_declarations(workspace=workspace, meeting_id=meeting_id)
    assert [(d.member, d.kind, d.text) for d in declarations] == [
        ("Graham Whitehead", DeclarationKind.NON_REGISTRABLE, f"A relative works for {HOSTILE}")
    ]

    stack.undo()
    assert _attendance(workspace, meeting_id) == original
    assert get_meeting_detail(workspace=workspace, meeting_id=meeting_id).venue == original_venue
    assert list_meeting_declarations(workspace=workspace, meeting_id=meeting_id) == []
    stack.redo()
    assert _attendance(workspace, meeting_id) == edited
    assert len(list_meeting_declarations(workspace=workspace, meeting_id=meeting_id)) == 1


def test_someone_listed_twice_is_refused_before_saving(
    qtbot: QtBot, editor: MinutesEditor, stack: QUndoStack, meeting_id: MeetingId
) -> None:
    dialog, problems = _meeting_dialog(qtbot, editor, stack, meeting_id)
    before = dialog.attendance[AttendanceKind.OFFICERS].entries.entries()
    assert not _add_person(dialog, AttendanceKind.OFFICERS, "  sandra   OPENSHAW ")
    assert "Sandra Openshaw is already in the record of attendance (Apologies)" in problems.text
    assert dialog.attendance[AttendanceKind.OFFICERS].entries.entries() == before


def test_ok_with_nothing_changed_pushes_nothing(
    qtbot: QtBot, editor: MinutesEditor, stack: QUndoStack, meeting_id: MeetingId
) -> None:
    dialog, problems = _meeting_dialog(qtbot, editor, stack, meeting_id)
    dialog.accept()
    assert problems.shown == []
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stack.count() == 0


def test_return_to_draft_from_the_dialog_is_undoable(
    qtbot: QtBot,
    workspace: Workspace,
    editor: MinutesEditor,
    stack: QUndoStack,
    meeting_id: MeetingId,
) -> None:
    detail = get_meeting_detail(workspace=workspace, meeting_id=meeting_id)
    circulate_minutes(workspace=workspace, meeting_id=meeting_id, expected_version=detail.version)
    dialog, _problems = _meeting_dialog(qtbot, editor, stack, meeting_id)
    dialog.status_box.setCurrentIndex(dialog.status_box.findData(MinutesStatus.DRAFT))
    dialog.accept()
    status = get_meeting_detail(workspace=workspace, meeting_id=meeting_id).status
    assert status is MinutesStatus.DRAFT
    stack.undo()
    status = get_meeting_detail(workspace=workspace, meeting_id=meeting_id).status
    assert status is MinutesStatus.CIRCULATED


def test_approved_minutes_are_read_only_and_say_why(
    qtbot: QtBot,
    workspace: Workspace,
    editor: MinutesEditor,
    stack: QUndoStack,
    meeting_id: MeetingId,
) -> None:
    version = get_meeting_detail(workspace=workspace, meeting_id=meeting_id).version
    change = circulate_minutes(workspace=workspace, meeting_id=meeting_id, expected_version=version)
    approve_minutes(
        workspace=workspace,
        meeting_id=meeting_id,
        expected_version=change.versions[change.row] or 0,
    )
    dialog, _problems = _meeting_dialog(qtbot, editor, stack, meeting_id)
    assert "approved as a correct record" in dialog.read_only_label.text()
    assert not dialog.read_only_label.isHidden()
    assert not dialog.venue_edit.isEnabled()
    assert not dialog.attendance[AttendanceKind.PRESENT].picker.isEnabled()
    assert not dialog.attendance[AttendanceKind.PRESENT].entries.list.isEnabled()
    assert not dialog.declaration_add.isEnabled()
    item, _ = _item_dialog(
        qtbot, editor, stack, meeting_id, _item_id(workspace, meeting_id, "Quarterly")
    )
    assert "record an amendment instead" in item.read_only_label.text()
    assert not item.title_edit.isEnabled()
    assert not item.presenter_add.isEnabled()
    item.accept()
    assert stack.count() == 0


# ------------------------------------------------------------------ agenda items


def test_add_agenda_item_with_presenters_files_and_links_is_one_undo_step(
    qtbot: QtBot,
    workspace: Workspace,
    editor: MinutesEditor,
    stack: QUndoStack,
    meeting_id: MeetingId,
) -> None:
    paper = workspace.path.parent / "originals" / f"report {HOSTILE[3:]}.pdf"
    paper.parent.mkdir()
    paper.write_bytes(b"%PDF-1.4 the report")
    dialog, problems = _item_dialog(qtbot, editor, stack, meeting_id)
    assert dialog.number_edit.text() == "5"  # the next number is offered
    dialog.title_edit.setText(f"Budget {HOSTILE}")
    dialog.presenter_picker.setEditText("donna talbot")  # in the people list: picked
    dialog.presenter_role.setText("Head of Service")
    assert dialog.add_presenter()
    dialog.presenter_picker.setEditText(HOSTILE)  # someone new
    dialog.presenter_job_title.setText(f"Director of {HOSTILE}")
    assert dialog.add_presenter()
    dialog.choose_files = lambda: [paper]
    dialog.add_files()
    dialog.link_edit.setText("https://example.org/papers?id=1&x=2")
    dialog.link_title.setText(f"Appendix {HOSTILE}")
    assert dialog.add_link()
    dialog.accept()
    assert problems.shown == []
    assert stack.count() == 1
    item_id = dialog.item_id
    assert item_id is not None

    item = get_item_for_editing(workspace=workspace, item_id=item_id)
    assert (item.number, item.title) == ("5", f"Budget {HOSTILE}")
    assert [(p.name, p.role, p.job_title) for p in item.presenters] == [
        ("Donna Talbot", "Head of Service", "Head of Services Business Intelligence"),
        (HOSTILE, "", f"Director of {HOSTILE}"),
    ]
    assert [(d.title, d.file_path, d.url) for d in item.documents] == [
        (paper.name, f"2017-09-12/{paper.name}", None),
        (f"Appendix {HOSTILE}", None, "https://example.org/papers?id=1&x=2"),
    ]
    copied = editing.attachments_folder(workspace) / "2017-09-12" / paper.name
    assert copied.read_bytes() == paper.read_bytes()
    assert paper.exists()  # copied, never moved

    stack.undo()
    assert item_id not in [
        r.id for r in list_agenda_rows(workspace=workspace, meeting_id=meeting_id)
    ]
    stack.redo()
    again = get_item_for_editing(workspace=workspace, item_id=item_id)
    assert [p.name for p in again.presenters] == ["Donna Talbot", HOSTILE]
    assert len(again.documents) == 2


def test_duplicate_item_number_is_refused_and_nothing_is_lost(
    qtbot: QtBot,
    workspace: Workspace,
    editor: MinutesEditor,
    stack: QUndoStack,
    meeting_id: MeetingId,
) -> None:
    rows = list_agenda_rows(workspace=workspace, meeting_id=meeting_id)
    dialog, problems = _item_dialog(qtbot, editor, stack, meeting_id)
    dialog.number_edit.setText(" 4 ")
    dialog.title_edit.setText(HOSTILE)
    dialog.accept()
    assert "Item number 4 is already used on this agenda" in problems.text
    assert "Quarterly Corporate Performance" in problems.text
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert list_agenda_rows(workspace=workspace, meeting_id=meeting_id) == rows
    assert dialog.title_edit.text() == HOSTILE
    assert stack.count() == 0


def test_empty_title_is_refused(
    qtbot: QtBot, editor: MinutesEditor, stack: QUndoStack, meeting_id: MeetingId
) -> None:
    dialog, problems = _item_dialog(qtbot, editor, stack, meeting_id)
    dialog.accept()
    assert "title" in problems.text
    assert stack.count() == 0


def test_edit_agenda_item_renumbers_reorders_and_removes_in_one_step(
    qtbot: QtBot,
    workspace: Workspace,
    editor: MinutesEditor,
    stack: QUndoStack,
    meeting_id: MeetingId,
) -> None:
    item_id = _item_id(workspace, meeting_id, "Quarterly")
    before = get_item_for_editing(workspace=workspace, item_id=item_id)
    assert [p.name for p in before.presenters] == ["Donna Talbot", "Richard Cooke"]
    dialog, problems = _item_dialog(qtbot, editor, stack, meeting_id, item_id)
    dialog.number_edit.setText("4a")
    dialog.presenters.list.setCurrentRow(0)
    dialog.presenters.move_selected(1)
    dialog.presenter_picker.setEditText("Claire Rigby")
    assert dialog.add_presenter()
    dialog.presenters.list.setCurrentRow(1)  # Donna Talbot, now second
    dialog.presenters.remove_selected()
    dialog.accept()
    assert problems.shown == []
    assert stack.count() == 1
    after = get_item_for_editing(workspace=workspace, item_id=item_id)
    assert after.number == "4a"
    assert [p.name for p in after.presenters] == ["Richard Cooke", "Claire Rigby"]
    assert after.sections == before.sections  # the minutes themselves are untouched
    stack.undo()
    undone = get_item_for_editing(workspace=workspace, item_id=item_id)
    assert undone.number == before.number
    assert [(p.id, p.name, p.role) for p in undone.presenters] == [
        (p.id, p.name, p.role) for p in before.presenters
    ]
    stack.redo()
    redone = get_item_for_editing(workspace=workspace, item_id=item_id)
    assert [p.name for p in redone.presenters] == ["Richard Cooke", "Claire Rigby"]


def test_previous_minutes_item_approves_that_meeting_as_a_correct_record(
    qtbot: QtBot,
    workspace: Workspace,
    editor: MinutesEditor,
    stack: QUndoStack,
    meeting_id: MeetingId,
) -> None:
    version = get_meeting_detail(workspace=workspace, meeting_id=meeting_id).version
    circulate_minutes(workspace=workspace, meeting_id=meeting_id, expected_version=version)
    created = editing.create_meeting(
        workspace=workspace, committee=COMMITTEE, date=dt.date(2017, 12, 12), standing_items=True
    )
    later = MeetingId(created.row.id)
    standing = _item_id(workspace, later, "Previous")
    dialog, problems = _item_dialog(qtbot, editor, stack, later, standing)
    assert not dialog.previous_box.isHidden()
    assert "12 Sep 2017 have been circulated" in dialog.previous_label.text()
    assert dialog.approve_button.isEnabled()
    dialog.confirm = lambda _question: False
    assert not dialog.approve_previous_minutes()
    assert get_meeting_detail(workspace=workspace, meeting_id=meeting_id).status is (
        MinutesStatus.CIRCULATED
    )
    applied: list[object] = []
    editor.change_applied.connect(applied.append)
    dialog.confirm = lambda _question: True
    assert dialog.approve_previous_minutes()
    assert problems.shown == []
    assert get_meeting_detail(workspace=workspace, meeting_id=meeting_id).status is (
        MinutesStatus.APPROVED
    )
    assert "are approved as a correct record" in dialog.previous_label.text()
    assert not dialog.approve_button.isEnabled()
    assert len(applied) == 1
    assert stack.count() == 0  # an approval cannot be undone, so it is no command


# ------------------------------------------------------------------ the menu actions


@pytest.fixture
def actions(
    qtbot: QtBot, workspace: Workspace, stack: QUndoStack
) -> Iterator[tuple[MeetingActions, MinutesTab, Problems]]:
    window = QWidget()
    qtbot.addWidget(window)
    tab = MinutesTab(window, undo_stack=stack)
    tab.set_workspace(workspace)
    tab.ensure_loaded()
    made = MeetingActions(window, tab, stack)
    problems = Problems()
    made.show_problem = problems
    yield made, tab, problems
    tab.set_workspace(None)


def _titles(workspace: Workspace, meeting_id: MeetingId) -> list[str]:
    return [row.title for row in list_agenda_rows(workspace=workspace, meeting_id=meeting_id)]


def test_move_and_delete_agenda_items_from_the_menu_undo_and_redo(
    qtbot: QtBot,
    workspace: Workspace,
    stack: QUndoStack,
    meeting_id: MeetingId,
    actions: tuple[MeetingActions, MinutesTab, Problems],
) -> None:
    menu, tab, problems = actions
    original = _titles(workspace, meeting_id)
    quarterly = _item_id(workspace, meeting_id, "Quarterly")
    assert tab.select_item(quarterly)
    menu.update_enabled()
    assert menu.move_item_up_action.isEnabled()
    assert menu.move_item_up_action.text() == "Move Item &Up"
    menu.move_item_up_action.trigger()
    moved = _titles(workspace, meeting_id)
    assert moved == [*original[:2], original[3], original[2]]
    # The tree follows, with the moved item still selected.
    qtbot.waitUntil(lambda: menu.selected_item_id() == quarterly and tab.is_loaded)
    assert menu.move_item(1)
    assert _titles(workspace, meeting_id) == original
    stack.undo()
    assert _titles(workspace, meeting_id) == moved
    stack.undo()
    assert _titles(workspace, meeting_id) == original

    assert tab.select_item(quarterly)
    assert menu.delete_item()
    assert problems.shown == []
    assert "Quarterly" not in " ".join(_titles(workspace, meeting_id))
    stack.undo()
    assert _titles(workspace, meeting_id) == original
    restored = get_item_for_editing(workspace=workspace, item_id=quarterly)
    assert restored.sections  # its minutes came back with it


def test_delete_meeting_is_refused_while_it_has_minutes_and_allowed_when_empty(
    qtbot: QtBot,
    workspace: Workspace,
    stack: QUndoStack,
    meeting_id: MeetingId,
    actions: tuple[MeetingActions, MinutesTab, Problems],
) -> None:
    menu, tab, problems = actions
    assert tab.select_item(_item_id(workspace, meeting_id, "Quarterly"))
    assert not menu.delete_meeting()
    assert "remove it first" in problems.text or "delete its agenda items" in problems.text
    assert stack.count() == 0
    assert meeting_id in [m.id for m in list_meetings(workspace=workspace)]

    created = editing.create_meeting(
        workspace=workspace, committee=COMMITTEE, date=dt.date(2018, 1, 9), standing_items=True
    )
    empty = MeetingId(created.row.id)
    tab.reload()
    assert tab.select_item(_item_id(workspace, empty, "Apologies"))
    assert menu.selected_meeting_id() == empty
    assert menu.delete_meeting()
    assert empty not in [m.id for m in list_meetings(workspace=workspace)]
    stack.undo()
    assert _titles(workspace, empty) == list(editing.STANDING_ITEMS)


def test_approve_previous_minutes_from_the_menu_explains_when_there_are_none(
    workspace: Workspace,
    meeting_id: MeetingId,
    actions: tuple[MeetingActions, MinutesTab, Problems],
) -> None:
    menu, tab, problems = actions
    assert tab.select_item(_item_id(workspace, meeting_id, "Quarterly"))
    menu.confirm = lambda _question: True
    assert not menu.approve_previous_minutes()
    assert "no previous minutes to approve" in problems.text
