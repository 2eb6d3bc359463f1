"""The item editor's moves and resolution parts: drag and drop, keys, numbering, undo.

Drops go the way Qt delivers a real one: the test builds the ``QMimeData`` a
handle's drag carries (``block_mime_data``, what ``_start_drag`` uses), finds
the widget under the drop point that accepts drops (as ``QWidgetWindow``
does: the deepest child, then up to the first that accepts drops — often a
point's text editor) and sends it ``DragEnter``, ``DragMove`` and ``Drop``
events. Only ``QDrag.exec``, which would block in a test, is left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QUndoStack,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.ids import AgendaItemId, ResolutionId
from qpmr_desktop.services.minutes import (
    get_item_for_editing,
    get_meeting_detail,
    list_all_agenda_items,
)
from qpmr_desktop.services.minutes_lifecycle import approve_minutes, circulate_minutes
from qpmr_desktop.services.read_models import EditableItem, RowRef
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.minutes_commands import MinutesEditor
from qpmr_desktop.ui.minutes_editor import DragHandle, MinutesItemEditor
from qpmr_desktop.ui.point_edit import BLOCK_MIME
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
def stack() -> QUndoStack:
    return QUndoStack()


@pytest.fixture
def view(
    qtbot: QtBot, workspace: Workspace, item_id: AgendaItemId, stack: QUndoStack
) -> MinutesItemEditor:
    editor = MinutesEditor()
    editor.set_workspace(workspace)
    view = MinutesItemEditor(editor, stack)
    qtbot.addWidget(view)
    view.resize(900, 1400)  # tall enough that nothing needs scrolling
    view.show_item(item_id)
    view.show()
    qtbot.waitExposed(view)
    return view


def _item(workspace: Workspace, item_id: AgendaItemId) -> EditableItem:
    return get_item_for_editing(workspace=workspace, item_id=item_id)


def _layout(item: EditableItem) -> list[list[int]]:
    return [[int(p.id) for p in section.points] for section in item.sections]


def _content(view: MinutesItemEditor) -> QWidget:
    content = view.widget()
    assert content is not None
    return content


def _point_in(view: MinutesItemEditor, block: RowRef, *, fraction: float) -> QPoint:
    """A point ``fraction`` of the way down ``block``, in content coordinates."""
    widget = view.block_widget(block)
    assert widget is not None
    top_left = widget.mapTo(_content(view), QPoint(0, 0))
    return QPoint(
        top_left.x() + widget.width() // 2, top_left.y() + int(widget.height() * fraction)
    )


def _target(view: MinutesItemEditor, at: QPoint) -> tuple[QWidget, QPointF]:
    """The widget Qt gives a drop at ``at`` (content coordinates), and the point in it."""
    content = _content(view)
    widget = content.childAt(at) or content
    while not widget.acceptDrops():
        parent = widget.parentWidget()
        assert parent is not None
        widget = parent
    return widget, QPointF(widget.mapFrom(content, at)) if widget is not content else QPointF(at)


def _drag_over(view: MinutesItemEditor, data: QMimeData, at: QPoint) -> tuple[bool, QWidget]:
    widget, local = _target(view, at)
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(local.toPoint(), Qt.DropAction.MoveAction, data, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    move = QDragMoveEvent(local.toPoint(), Qt.DropAction.MoveAction, data, buttons, modifiers)
    QApplication.sendEvent(widget, move)
    return move.isAccepted(), widget


def _drop(view: MinutesItemEditor, block: RowRef, at: QPoint) -> bool:
    """Drag ``block`` over ``at`` and drop it there; whether the drop was taken."""
    data = view.block_mime_data(block)
    accepted, widget = _drag_over(view, data, at)
    local = _target(view, at)[1]
    drop = QDropEvent(
        local,
        Qt.DropAction.MoveAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, drop)
    return accepted and drop.isAccepted()


def test_every_point_section_resolution_and_part_has_a_drag_handle(
    view: MinutesItemEditor, workspace: Workspace, item_id: AgendaItemId
) -> None:
    item = _item(workspace, item_id)
    handles = [h for h in _content(view).findChildren(DragHandle) if h.isVisible()]
    points = sum(len(s.points) for s in item.sections)
    parts = sum(len(r.parts) for r in item.resolutions)
    assert len(handles) == points + len(item.sections) + len(item.resolutions) + parts
    assert all(h.cursor().shape() == Qt.CursorShape.OpenHandCursor for h in handles)


def test_a_handle_asks_for_a_drag_once_the_mouse_has_moved_far_enough(qtbot: QtBot) -> None:
    handle = DragHandle("Drag")
    qtbot.addWidget(handle)
    wanted: list[bool] = []
    handle.drag_wanted.connect(lambda: wanted.append(True))
    start = QPointF(6, 11)

    def move(by: int) -> None:
        event = QMouseEvent(
            QEvent.Type.MouseMove,
            start + QPointF(0, by),
            start + QPointF(0, by),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(handle, event)

    QTest.mousePress(handle, Qt.MouseButton.LeftButton, pos=start.toPoint())
    move(1)
    assert not wanted  # a click, not yet a drag
    move(QApplication.startDragDistance() + 1)
    assert wanted == [True]


def test_dropping_a_point_over_another_sections_text_moves_it_there_in_one_undo_step(
    view: MinutesItemEditor, workspace: Workspace, item_id: AgendaItemId, stack: QUndoStack
) -> None:
    before = _layout(_item(workspace, item_id))
    assert len(before) >= 2
    assert len(before[1]) >= 2
    moved = before[0][0]
    target = RowRef("minute_point", before[1][1])
    # The upper quarter of the second point of section 2: between its first and second.
    at = _point_in(view, target, fraction=0.2)
    widget, _ = _target(view, at)
    assert widget is not _content(view)  # a text editor takes the drop, as in real life

    assert _drop(view, RowRef("minute_point", moved), at)

    after = _layout(_item(workspace, item_id))
    expected = [list(section) for section in before]
    expected[0].remove(moved)
    expected[1].insert(1, moved)
    assert after == expected
    assert view.point_ids() == [p for section in expected for p in section]
    assert stack.count() == 1
    stack.undo()
    assert _layout(_item(workspace, item_id)) == before
    stack.redo()
    assert _layout(_item(workspace, item_id)) == expected


def test_dropping_a_point_down_its_own_section_and_on_its_own_place(
    view: MinutesItemEditor, workspace: Workspace, item_id: AgendaItemId, stack: QUndoStack
) -> None:
    before = _layout(_item(workspace, item_id))
    section = before[1]
    first, last = section[0], section[-1]

    own_place = _point_in(view, RowRef("minute_point", first), fraction=0.6)
    _drop(view, RowRef("minute_point", first), own_place)

    assert stack.count() == 0  # dropped where it is: nothing to do, nothing to undo
    assert _layout(_item(workspace, item_id)) == before

    assert _drop(
        view,
        RowRef("minute_point", first),
        _point_in(view, RowRef("minute_point", last), fraction=0.9),
    )  # below the last point of the section

    after = _layout(_item(workspace, item_id))
    assert after[1] == [*section[1:], first]
    assert stack.count() == 1


def test_the_drop_indicator_shows_where_the_block_would_land(
    view: MinutesItemEditor, workspace: Workspace, item_id: AgendaItemId, tmp_path: Path
) -> None:
    before = _layout(_item(workspace, item_id))
    target = RowRef("minute_point", before[1][1])
    at = _point_in(view, target, fraction=0.1)

    accepted, _ = _drag_over(view, view.block_mime_data(RowRef("minute_point", before[0][0])), at)

    assert accepted
    indicator = view.drop_indicator
    assert indicator.isVisible()
    block = view.block_widget(target)
    assert block is not None
    assert abs(indicator.geometry().center().y() - block.mapTo(_content(view), QPoint()).y()) <= 2
    picture = view.grab()
    picture.save(str(tmp_path / "drag.png"))
    colour = picture.toImage().pixelColor(_content(view).mapTo(view, indicator.geometry().center()))
    assert (colour.red(), colour.green(), colour.blue()) == (0x1F, 0x6F, 0xD1)
    QApplication.sendEvent(_content(view), QDragLeaveEvent())
    assert not indicator.isVisible()


def test_a_text_drag_is_left_to_the_text_editor(
    view: MinutesItemEditor, workspace: Workspace, item_id: AgendaItemId
) -> None:
    before = _layout(_item(workspace, item_id))
    data = QMimeData()
    data.setText("dragged words")
    at = _point_in(view, RowRef("minute_point", before[1][0]), fraction=0.5)

    _drag_over(view, data, at)

    assert not view.drop_indicator.isVisible()
    foreign = QMimeData()
    foreign.setData(BLOCK_MIME, b"999999:minute_point:1")  # another item's block
    accepted, _ = _drag_over(view, foreign, at)
    assert not accepted
    assert not view.drop_indicator.isVisible()


def test_a_section_is_dragged_with_its_points_and_moves_by_alt_arrows(
    qtbot: QtBot,
    view: MinutesItemEditor,
    workspace: Workspace,
    item_id: AgendaItemId,
    stack: QUndoStack,
) -> None:
    item = _item(workspace, item_id)
    sections = [s.id for s in item.sections]
    assert len(sections) >= 3
    last = RowRef("minute_section", sections[-1])
    top = RowRef("minute_section", sections[0])

    assert _drop(view, last, _point_in(view, top, fraction=0.2))

    after = _item(workspace, item_id)
    assert [s.id for s in after.sections] == [sections[-1], *sections[:-1]]
    assert _layout(after)[0] == _layout(item)[-1]  # the points came with it
    heading = view.heading_edit(sections[-1])
    assert heading is not None
    heading.setFocus()
    QTest.keyClick(heading, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [s.id for s in _item(workspace, item_id).sections][:2] == [sections[0], sections[-1]]
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert [s.id for s in _item(workspace, item_id).sections] == sections


def _resolutions(workspace: Workspace, item_id: AgendaItemId) -> list[ResolutionId]:
    return [r.id for r in _item(workspace, item_id).resolutions]


def _click(view: MinutesItemEditor, name: str, index: int = 0) -> None:
    """Click the ``index``-th shown button named ``name`` (widgets a rebuild made are shown
    when events are next processed, as after any click)."""
    QApplication.processEvents()
    buttons = [
        b
        for b in _content(view).findChildren(QAbstractButton, name)
        if b.isVisible() and b.isEnabled()
    ]
    QTest.mouseClick(buttons[index], Qt.MouseButton.LeftButton)


def test_several_resolutions_are_numbered_and_follow_a_move(
    view: MinutesItemEditor, workspace: Workspace, item_id: AgendaItemId, stack: QUndoStack
) -> None:
    [only] = _resolutions(workspace, item_id)
    assert view.resolution_number(only) == ""  # one resolution: no number
    _click(view, "minutes_add_resolution")
    _click(view, "minutes_add_resolution")
    first, second, third = _resolutions(workspace, item_id)
    assert [view.resolution_number(r) for r in (first, second, third)] == ["(i)", "(ii)", "(iii)"]

    assert _drop(
        view,
        RowRef("resolution", third),
        _point_in(view, RowRef("resolution", first), fraction=0.1),
    )

    assert _resolutions(workspace, item_id) == [third, first, second]
    assert [view.resolution_number(r) for r in view.resolution_ids()] == ["(i)", "(ii)", "(iii)"]
    assert view.resolution_ids() == [third, first, second]
    edit = view.resolution_edit(third)
    assert edit is not None
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert _resolutions(workspace, item_id) == [first, third, second]
    stack.undo()
    stack.undo()
    assert _resolutions(workspace, item_id) == [first, second, third]
    stack.undo()
    stack.undo()
    assert _resolutions(workspace, item_id) == [first]
    assert view.resolution_number(first) == ""


def _parts(workspace: Workspace, item_id: AgendaItemId, index: int = 0) -> list[tuple[str, str]]:
    resolution = _item(workspace, item_id).resolutions[index]
    return [(part.label, part.text) for part in resolution.parts]


def test_parts_are_added_relabelled_moved_and_deleted_each_in_one_undo_step(
    qtbot: QtBot,
    view: MinutesItemEditor,
    workspace: Workspace,
    item_id: AgendaItemId,
    stack: QUndoStack,
) -> None:
    [resolution] = _resolutions(workspace, item_id)
    assert _parts(workspace, item_id) == []
    for _ in range(3):
        _click(view, "minutes_add_part")
    assert [label for label, _ in _parts(workspace, item_id)] == ["", "", ""]
    parts = view.part_ids(resolution)
    # Empty labels show the number printing gives them.
    placeholders = [view.part_label_edit(p).placeholderText() for p in parts]  # type: ignore[union-attr]
    assert placeholders == ["(i)", "(ii)", "(iii)"]
    assert stack.count() == 3

    for part, text in zip(parts, ("That A.", "That <B> & “C”.", "That Ωμέγα 😀."), strict=True):
        edit = view.part_edit(part)
        assert edit is not None
        edit.setPlainText(text)
    label = view.part_label_edit(parts[0])
    assert label is not None
    label.setText("(1)")
    label.editingFinished.emit()
    view.commit_all()
    assert _parts(workspace, item_id)[0] == ("(1)", "That A.")
    for part, number in ((parts[1], "(2)"), (parts[2], "(3)")):
        edit_label = view.part_label_edit(part)
        assert edit_label is not None
        edit_label.setText(number)
    view.commit_all()
    numbered = [
        ("(1)", "That A."),
        ("(2)", "That <B> & “C”."),
        ("(3)", "That Ωμέγα 😀."),
    ]
    assert _parts(workspace, item_id) == numbered
    steps = stack.count()

    # Drag the third part to the top: the texts move, the numbers stay in sequence.
    top = RowRef("resolution_part", parts[0])
    assert _drop(view, RowRef("resolution_part", parts[2]), _point_in(view, top, fraction=0.1))
    assert _parts(workspace, item_id) == [
        ("(1)", "That Ωμέγα 😀."),
        ("(2)", "That A."),
        ("(3)", "That <B> & “C”."),
    ]
    assert stack.count() == steps + 1
    stack.undo()
    assert _parts(workspace, item_id) == numbered
    stack.redo()

    # Alt+Down in a part moves it; Add Part continues the numbering; × deletes and renumbers.
    edit = view.part_edit(parts[2])
    assert edit is not None
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [text for _, text in _parts(workspace, item_id)] == [
        "That A.",
        "That Ωμέγα 😀.",
        "That <B> & “C”.",
    ]
    _click(view, "minutes_add_part")
    assert _parts(workspace, item_id)[-1] == ("(4)", "That")
    _click(view, "minutes_delete_part", 0)
    assert _parts(workspace, item_id) == [
        ("(1)", "That Ωμέγα 😀."),
        ("(2)", "That <B> & “C”."),
        ("(3)", "That"),
    ]
    stack.undo()
    assert [label for label, _ in _parts(workspace, item_id)] == ["(1)", "(2)", "(3)", "(4)"]
    assert _parts(workspace, item_id)[0] == ("(1)", "That A.")


def test_approved_minutes_offer_no_handles_and_refuse_drops(
    qtbot: QtBot, workspace: Workspace, item_id: AgendaItemId
) -> None:
    item = _item(workspace, item_id)
    meeting = get_meeting_detail(workspace=workspace, meeting_id=item.meeting_id)
    circulated = circulate_minutes(
        workspace=workspace, meeting_id=item.meeting_id, expected_version=meeting.version
    )
    assert circulated.version is not None
    approve_minutes(
        workspace=workspace, meeting_id=item.meeting_id, expected_version=circulated.version
    )
    editor = MinutesEditor()
    editor.set_workspace(workspace)
    view = MinutesItemEditor(editor, QUndoStack())
    qtbot.addWidget(view)
    view.resize(900, 1400)
    view.show_item(item_id)
    view.show()
    qtbot.waitExposed(view)

    assert not [h for h in _content(view).findChildren(DragHandle) if h.isVisible()]
    before = _layout(_item(workspace, item_id))
    at = _point_in(view, RowRef("minute_point", before[1][0]), fraction=0.1)
    assert not _drop(view, RowRef("minute_point", before[0][0]), at)
    assert _layout(_item(workspace, item_id)) == before
