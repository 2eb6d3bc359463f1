"""Minutes undo commands: each pushed, undone and redone, with the database asserted each time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from qpmr_desktop.domain.ids import AgendaItemId, PointId
from qpmr_desktop.domain.minutes import PointKind
from qpmr_desktop.services.minutes import get_item_for_editing, list_all_agenda_items
from qpmr_desktop.services.read_models import EditableItem
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.minutes_commands import (
    AddResolutionCommand,
    AddResolutionPartCommand,
    DeletePointCommand,
    DeleteResolutionPartCommand,
    InsertPointCommand,
    InsertSectionCommand,
    MergePointsCommand,
    MinutesEditor,
    MovePointCommand,
    MoveResolutionCommand,
    MoveResolutionPartCommand,
    MoveSectionCommand,
    RenameSectionCommand,
    SetPointKindCommand,
    SetPointTextCommand,
    SplitPointCommand,
    UpdateResolutionPartCommand,
)


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path)
    yield workspace
    workspace.close()


@pytest.fixture
def item_id(workspace: Workspace) -> AgendaItemId:
    return next(i.id for i in list_all_agenda_items(workspace=workspace) if "Quarterly" in i.title)


@pytest.fixture
def editor(workspace: Workspace) -> MinutesEditor:
    editor = MinutesEditor()
    editor.set_workspace(workspace)
    return editor


def _item(workspace: Workspace, item_id: AgendaItemId) -> EditableItem:
    return get_item_for_editing(workspace=workspace, item_id=item_id)


def _texts(item: EditableItem) -> list[list[tuple[str, str]]]:
    return [[(p.kind.value, p.text) for p in s.points] for s in item.sections]


def _check_round_trip(
    workspace: Workspace, item_id: AgendaItemId, stack: QUndoStack, command: object
) -> tuple[list[list[tuple[str, str]]], list[list[tuple[str, str]]]]:
    before = _texts(_item(workspace, item_id))
    stack.push(command)  # type: ignore[arg-type]
    after = _texts(_item(workspace, item_id))
    assert after != before
    stack.undo()
    assert _texts(_item(workspace, item_id)) == before
    stack.redo()
    assert _texts(_item(workspace, item_id)) == after
    return before, after


def test_set_point_text_typing_merges_into_one_step(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    stack = QUndoStack()
    point = _item(workspace, item_id).sections[0].points[0]
    for text in ("First", "First draft", "First draft of it"):
        stack.push(
            SetPointTextCommand(
                editor, point_id=point.id, expected_version=point.version, text=text
            )
        )
    assert stack.count() == 1
    assert _item(workspace, item_id).sections[0].points[0].text == "First draft of it"
    stack.undo()
    assert _item(workspace, item_id).sections[0].points[0].text == point.text
    stack.redo()
    assert _item(workspace, item_id).sections[0].points[0].text == "First draft of it"


def test_typing_back_to_the_original_leaves_nothing_to_undo(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    stack = QUndoStack()
    point = _item(workspace, item_id).sections[0].points[0]
    for text in ("changed", point.text):
        stack.push(
            SetPointTextCommand(
                editor, point_id=point.id, expected_version=point.version, text=text
            )
        )
    assert stack.count() == 0


def test_text_of_different_points_is_two_steps(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    stack = QUndoStack()
    first, second = _item(workspace, item_id).sections[1].points[:2]
    stack.push(
        SetPointTextCommand(editor, point_id=first.id, expected_version=first.version, text="a")
    )
    stack.push(
        SetPointTextCommand(editor, point_id=second.id, expected_version=second.version, text="b")
    )
    assert stack.count() == 2


def test_insert_point(workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor) -> None:
    section = _item(workspace, item_id).sections[1]
    command = InsertPointCommand(
        editor, section_id=section.id, position=1, kind=PointKind.NOTED, text="New"
    )
    _, after = _check_round_trip(workspace, item_id, QUndoStack(), command)
    assert after[1][1] == ("noted", "New")


def test_split_and_merge(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    point = _item(workspace, item_id).sections[1].points[0]
    split = SplitPointCommand(editor, point_id=point.id, expected_version=point.version, offset=10)
    stack = QUndoStack()
    _, after = _check_round_trip(workspace, item_id, stack, split)
    assert after[1][0][1] == point.text[:10].rstrip()
    assert split.new_point_id is not None
    item = _item(workspace, item_id)
    first, second = item.sections[1].points[:2]
    merge = MergePointsCommand(
        editor,
        point_id=first.id,
        expected_version=first.version,
        next_point_id=second.id,
        next_expected_version=second.version,
    )
    _check_round_trip(workspace, item_id, stack, merge)


def test_move_point_across_sections(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    item = _item(workspace, item_id)
    point = item.sections[1].points[0]
    command = MovePointCommand(editor, point_id=point.id, expected_version=point.version, step=-1)
    _, after = _check_round_trip(workspace, item_id, QUndoStack(), command)
    assert after[0][-1][1] == point.text


def test_move_point_to_a_position_in_another_section_as_a_drop_does(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    item = _item(workspace, item_id)
    point = item.sections[0].points[0]
    command = MovePointCommand(
        editor,
        point_id=point.id,
        expected_version=point.version,
        position=1,
        section_id=item.sections[2].id,
    )
    assert command.text() == "Move Point"
    _, after = _check_round_trip(workspace, item_id, QUndoStack(), command)
    assert after[2][1][1] == point.text
    with pytest.raises(ValueError, match="by a step or to a position"):
        MovePointCommand(editor, point_id=point.id, expected_version=point.version)
    with pytest.raises(ValueError, match="by a step or to a position"):
        MovePointCommand(
            editor, point_id=point.id, expected_version=point.version, step=1, position=0
        )


def test_move_section_takes_its_points(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    item = _item(workspace, item_id)
    last = item.sections[-1]
    command = MoveSectionCommand(
        editor, section_id=last.id, expected_version=last.version, position=0
    )
    before, after = _check_round_trip(workspace, item_id, QUndoStack(), command)
    assert after == [before[-1], *before[:-1]]


def _resolutions(workspace: Workspace, item_id: AgendaItemId) -> list[tuple[str, list[str]]]:
    return [
        (r.numbered_label, [f"{p.label} {p.text}" for p in r.parts])
        for r in _item(workspace, item_id).resolutions
    ]


def test_resolutions_and_their_parts_are_moved_added_and_deleted_with_undo(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    stack = QUndoStack()
    stack.push(AddResolutionCommand(editor, item_id=item_id, text="That it be noted."))
    first, second = _item(workspace, item_id).resolutions
    assert [label for label, _ in _resolutions(workspace, item_id)] == [
        "Resolved (i)",
        "Resolved (ii)",
    ]
    add = AddResolutionPartCommand(
        editor, resolution_id=second.id, text="That <it> & “that” 😀", label="(1)"
    )
    stack.push(add)
    assert add.part_id is not None
    stack.push(AddResolutionPartCommand(editor, resolution_id=second.id, text="Two", label="(2)"))
    added = _resolutions(workspace, item_id)
    assert added[1][1] == ["(1) That <it> & “that” 😀", "(2) Two"]
    stack.undo()
    stack.undo()
    assert _resolutions(workspace, item_id)[1][1] == []
    stack.redo()
    stack.redo()
    assert _resolutions(workspace, item_id) == added

    parts = _item(workspace, item_id).resolutions[1].parts
    checks = [
        (
            MoveResolutionPartCommand(
                editor, part_id=parts[1].id, expected_version=parts[1].version, position=0
            ),
            ["(2) Two", "(1) That <it> & “that” 😀"],
        ),
        (
            UpdateResolutionPartCommand(
                editor,
                part_id=parts[0].id,
                expected_version=parts[0].version,
                changes={"label": "(a)"},
            ),
            ["(2) Two", "(a) That <it> & “that” 😀"],
        ),
        (
            DeleteResolutionPartCommand(
                editor, part_id=parts[1].id, expected_version=parts[1].version
            ),
            ["(a) That <it> & “that” 😀"],
        ),
    ]
    for command, expected in checks:
        before = _resolutions(workspace, item_id)
        stack.push(command)
        assert _resolutions(workspace, item_id)[1][1] == expected
        stack.undo()
        assert _resolutions(workspace, item_id) == before
        stack.redo()
        assert _resolutions(workspace, item_id)[1][1] == expected

    move = MoveResolutionCommand(
        editor, resolution_id=second.id, expected_version=second.version, position=0
    )
    before = _resolutions(workspace, item_id)
    stack.push(move)
    moved = _item(workspace, item_id).resolutions
    assert [r.id for r in moved] == [second.id, first.id]
    assert [r.numbered_label for r in moved] == ["Resolved (i)", "Resolved (ii)"]  # by place
    stack.undo()
    assert _resolutions(workspace, item_id) == before
    assert [r.id for r in _item(workspace, item_id).resolutions] == [first.id, second.id]


def test_set_kind_delete_and_sections(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    stack = QUndoStack()
    point = _item(workspace, item_id).sections[0].points[0]
    _check_round_trip(
        workspace,
        item_id,
        stack,
        SetPointKindCommand(
            editor, point_id=point.id, expected_version=point.version, kind=PointKind.OTHER
        ),
    )
    point = _item(workspace, item_id).sections[0].points[0]
    _check_round_trip(
        workspace,
        item_id,
        stack,
        DeletePointCommand(editor, point_id=point.id, expected_version=point.version),
    )
    insert = InsertSectionCommand(editor, item_id=item_id, position=0, heading="Opening")
    stack.push(insert)
    assert _item(workspace, item_id).sections[0].heading == "Opening"
    stack.undo()
    assert _item(workspace, item_id).sections[0].heading != "Opening"
    stack.redo()
    section = _item(workspace, item_id).sections[0]
    stack.push(
        RenameSectionCommand(
            editor, section_id=section.id, expected_version=section.version, heading="Start"
        )
    )
    assert _item(workspace, item_id).sections[0].heading == "Start"
    stack.undo()
    assert _item(workspace, item_id).sections[0].heading == "Opening"


def test_add_resolution(workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor) -> None:
    stack = QUndoStack()
    count = len(_item(workspace, item_id).resolutions)
    stack.push(AddResolutionCommand(editor, item_id=item_id, text="That it be noted."))
    assert len(_item(workspace, item_id).resolutions) == count + 1
    stack.undo()
    assert len(_item(workspace, item_id).resolutions) == count
    stack.redo()
    assert _item(workspace, item_id).resolutions[-1].text == "That it be noted."


def test_a_refused_command_is_dropped_and_reported(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    stack = QUndoStack()
    messages: list[str] = []
    editor.command_failed.connect(lambda _what, message, _reload: messages.append(message))
    point = _item(workspace, item_id).sections[0].points[0]
    stack.push(
        SetPointTextCommand(
            editor, point_id=PointId(point.id), expected_version=point.version + 5, text="x"
        )
    )
    assert stack.count() == 0
    assert messages


def test_hostile_text_round_trips(
    workspace: Workspace, item_id: AgendaItemId, editor: MinutesEditor
) -> None:
    hostile = (
        "<b>bold</b> & 'quotes' \"double\" \u00a0nbsp\ttab 😀 \u202eRTL\u202c"
        " Robert'); DROP TABLE--"
    )
    stack = QUndoStack()
    point = _item(workspace, item_id).sections[0].points[0]
    stack.push(
        SetPointTextCommand(editor, point_id=point.id, expected_version=point.version, text=hostile)
    )
    assert _item(workspace, item_id).sections[0].points[0].text == hostile
    stack.undo()
    assert _item(workspace, item_id).sections[0].points[0].text == point.text
