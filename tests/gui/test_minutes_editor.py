"""The Minutes tab's item editor: keys, undo, autosave, completion, lifecycle and amendments."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.domain.minutes import MinutesStatus, PointKind
from qpmr_desktop.services.minutes import get_item_for_editing, list_all_agenda_items
from qpmr_desktop.services.read_models import EditableItem
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.minutes_tab import MinutesTab
from qpmr_desktop.ui.point_edit import PointEdit
from tests.gui.conftest import shows_window

pytestmark = shows_window


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path)
    yield workspace
    workspace.close()


@pytest.fixture
def item_id(workspace: Workspace) -> AgendaItemId:
    return next(i.id for i in list_all_agenda_items(workspace=workspace) if "Quarterly" in i.title)


@pytest.fixture
def tab(qtbot: QtBot, workspace: Workspace, item_id: AgendaItemId) -> MinutesTab:
    tab = MinutesTab(undo_stack=QUndoStack())
    qtbot.addWidget(tab)
    tab.item_editor.speller_factory = None  # spelling has its own tests
    tab.resize(1300, 800)
    tab.set_workspace(workspace)
    tab.ensure_loaded()
    assert tab.select_item(item_id)
    tab.set_editing(True)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def _item(workspace: Workspace, item_id: AgendaItemId) -> EditableItem:
    return get_item_for_editing(workspace=workspace, item_id=item_id)


def _popup_visible(edit: PointEdit) -> bool:
    popup = edit.completer.popup()
    return popup is not None and popup.isVisible()


def _read_only(tab: MinutesTab) -> bool:
    return tab.item_editor.read_only


def _status(tab: MinutesTab) -> MinutesStatus | None:
    return tab.lifecycle_panel.status


def _edit(tab: MinutesTab, index: int) -> PointEdit:
    edit = tab.item_editor.point_edit(tab.item_editor.point_ids()[index])
    assert edit is not None
    return edit


def test_editor_shows_the_item(
    tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    item = _item(workspace, item_id)
    assert tab.item_editor.item_id == item_id
    assert len(tab.item_editor.point_ids()) == sum(len(s.points) for s in item.sections)
    assert _edit(tab, 0).text() == item.sections[0].points[0].text
    assert not _edit(tab, 0).isReadOnly()


def test_typing_commits_after_a_pause_as_one_undo_step(
    qtbot: QtBot, tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    original = _item(workspace, item_id).sections[0].points[0].text
    edit = _edit(tab, 0)
    tab.item_editor.focus_point(tab.item_editor.point_ids()[0], -1)
    QTest.keyClicks(edit, " More")
    qtbot.waitUntil(
        lambda: _item(workspace, item_id).sections[0].points[0].text == original + " More"
    )
    QTest.keyClicks(edit, " words")
    qtbot.waitUntil(
        lambda: _item(workspace, item_id).sections[0].points[0].text == original + " More words"
    )
    assert tab.undo_stack.count() == 1
    tab.undo_stack.undo()
    assert _item(workspace, item_id).sections[0].points[0].text == original
    assert _edit(tab, 0).text() == original
    tab.undo_stack.redo()
    assert _edit(tab, 0).text() == original + " More words"


def test_focus_change_commits_at_once(
    qtbot: QtBot, tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    tab.activateWindow()
    qtbot.waitActive(tab)
    first, second = _edit(tab, 0), _edit(tab, 1)
    tab.item_editor.focus_point(tab.item_editor.point_ids()[0], -1)
    qtbot.waitUntil(first.hasFocus)
    QTest.keyClicks(first, " Now")
    assert first.has_pending_typing()
    second.setFocus(Qt.FocusReason.TabFocusReason)
    assert _item(workspace, item_id).sections[0].points[0].text.endswith(" Now")


def test_enter_at_the_end_starts_a_point_of_the_same_kind(
    qtbot: QtBot, tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    before = _item(workspace, item_id).sections[1]
    tab.item_editor.focus_point(before.points[0].id, -1)
    QTest.keyClick(_edit(tab, 1), Qt.Key.Key_Return)
    after = _item(workspace, item_id).sections[1]
    assert len(after.points) == len(before.points) + 1
    assert after.points[1].kind is before.points[0].kind
    assert after.points[1].text == ""
    tab.undo_stack.undo()
    assert len(_item(workspace, item_id).sections[1].points) == len(before.points)


def test_enter_in_the_middle_splits_and_backspace_merges(
    qtbot: QtBot, tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    point = _item(workspace, item_id).sections[1].points[0]
    tab.item_editor.focus_point(point.id, 12)  # before a space: the merge puts one back
    QTest.keyClick(_edit(tab, 1), Qt.Key.Key_Return)
    section = _item(workspace, item_id).sections[1]
    assert section.points[0].text == point.text[:12].rstrip()
    assert section.points[1].text == point.text[12:].lstrip()
    second = tab.item_editor.point_edit(section.points[1].id)
    assert second is not None
    second.set_cursor_offset(0)
    QTest.keyClick(second, Qt.Key.Key_Backspace)
    assert _item(workspace, item_id).sections[1].points[0].text == point.text
    tab.undo_stack.undo()
    assert len(_item(workspace, item_id).sections[1].points) == len(section.points)


def test_alt_arrows_move_across_sections_and_ctrl_enter_adds_a_section(
    qtbot: QtBot, tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    item = _item(workspace, item_id)
    point = item.sections[1].points[0]
    tab.item_editor.focus_point(point.id, 0)
    QTest.keyClick(_edit(tab, 1), Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert _item(workspace, item_id).sections[0].points[-1].id == point.id
    moved = tab.item_editor.point_edit(point.id)
    assert moved is not None
    QTest.keyClick(moved, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert _item(workspace, item_id).sections[1].points[0].id == point.id
    sections = len(_item(workspace, item_id).sections)
    moved = tab.item_editor.point_edit(point.id)
    assert moved is not None
    QTest.keyClick(moved, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    after = _item(workspace, item_id)
    assert len(after.sections) == sections + 1
    assert len(after.sections[2].points) == 1
    tab.undo_stack.undo()  # the macro: section and point together
    assert len(_item(workspace, item_id).sections) == sections


def test_kind_shortcut_and_delete_of_an_empty_point(
    qtbot: QtBot, tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    point = _item(workspace, item_id).sections[0].points[0]
    QTest.keyClick(_edit(tab, 0), Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert _item(workspace, item_id).sections[0].points[0].kind is PointKind.DISCUSSION
    badge = tab.item_editor.kind_badge(point.id)
    assert badge is not None
    assert badge.text() == "Discussion"
    tab.undo_stack.undo()
    assert _item(workspace, item_id).sections[0].points[0].kind is point.kind
    assert badge.text() == point.kind.label
    tab.item_editor.focus_point(point.id, -1)
    QTest.keyClick(_edit(tab, 0), Qt.Key.Key_Return)
    count = len(_item(workspace, item_id).sections[0].points)
    QTest.keyClick(_edit(tab, 1), Qt.Key.Key_Delete)
    assert len(_item(workspace, item_id).sections[0].points) == count - 1
    tab.undo_stack.undo()
    assert len(_item(workspace, item_id).sections[0].points) == count


# The completer's popup is a window: offscreen cannot raise it or give it the keyboard.
@pytest.mark.qt_log_ignore(
    "does not support raise", "does not support grabbing the keyboard", "propagateSizeHints"
)
def test_standard_phrases_are_offered_for_the_kind(qtbot: QtBot, tab: MinutesTab) -> None:
    tab.item_editor.focus_point(tab.item_editor.point_ids()[1], -1)
    QTest.keyClick(_edit(tab, 1), Qt.Key.Key_Return)  # a new Noted point after it
    edit = _edit(tab, 2)
    assert "It was noted that…" in edit.phrases()
    QTest.keyClicks(edit, "It was n")
    assert _popup_visible(edit)
    assert edit.completer.currentCompletion() == "It was noted that…"
    edit.insert_phrase("It was noted that…")
    assert edit.text() == "It was noted that "
    popup = edit.completer.popup()
    assert popup is not None
    popup.hide()


def test_approved_minutes_are_read_only_until_an_amendment_with_a_reason(
    qtbot: QtBot, tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    panel = tab.lifecycle_panel
    panel.confirm = lambda _question: True
    panel.circulate()
    assert _status(tab) is MinutesStatus.CIRCULATED
    panel.approve()
    assert _status(tab) is MinutesStatus.APPROVED
    assert _read_only(tab)
    assert _edit(tab, 0).isReadOnly()
    assert tab.item_editor.status_badge.text() == "APPROVED"
    assert panel.amend_button.isVisibleTo(tab)

    panel.ask_reason = lambda: "Typo in the first paragraph"
    panel.amend_button.click()
    assert not _read_only(tab)
    edit = _edit(tab, 0)
    assert not edit.isReadOnly()
    tab.item_editor.focus_point(tab.item_editor.point_ids()[0], -1)
    QTest.keyClicks(edit, " Corrected.")
    tab.item_editor.commit_all()
    assert _item(workspace, item_id).sections[0].points[0].text.endswith(" Corrected.")
    panel.amend_button.click()  # finish the amendment
    assert _read_only(tab)
    lifecycle = _item(workspace, item_id).lifecycle
    assert lifecycle.amended
    assert lifecycle.amendments[-1].reason == "Typo in the first paragraph"
    assert panel.amended_label.isVisibleTo(tab)


def test_hostile_text_typed_round_trips(
    qtbot: QtBot, tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    hostile = "<b>x</b> &amp; 'q' \u00a0nbsp 😀 \u202eRTL"
    edit = _edit(tab, 0)
    edit.selectAll()
    edit.insertPlainText(hostile)
    tab.item_editor.commit_all()
    assert _item(workspace, item_id).sections[0].points[0].text == hostile
    tab.set_editing(False)
    tab.set_editing(True)
    assert _edit(tab, 0).text() == hostile


def test_section_heading_edit_is_undoable(
    tab: MinutesTab, workspace: Workspace, item_id: AgendaItemId
) -> None:
    section = _item(workspace, item_id).sections[1]
    heading = tab.item_editor.heading_edit(section.id)
    assert isinstance(heading, QLineEdit)
    heading.setText("Starting Well")
    heading.editingFinished.emit()
    assert _item(workspace, item_id).sections[1].heading == "Starting Well"
    tab.undo_stack.undo()
    assert _item(workspace, item_id).sections[1].heading == section.heading
    assert heading.text() == section.heading
