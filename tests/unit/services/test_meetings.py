"""Read models and plans behind the meeting dialogs (``services.meetings``)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.services.meetings import (
    AgendaRow,
    Insert,
    Move,
    Remove,
    item_number_clash,
    list_agenda_rows,
    list_committee_names,
    list_meeting_declarations,
    next_item_number,
    plan_ordered_edits,
)
from qpmr_desktop.services.minutes import list_meetings
from qpmr_desktop.services.workspace import open_workspace


def _apply(current: list[int], desired: list[int | None]) -> list[int | str]:
    """Carry out the plan on a plain list, new rows as "new<index>"."""
    rows: list[int | str] = list(current)
    for step in plan_ordered_edits(current, desired):
        match step:
            case Remove(key=key):
                rows.remove(key)
            case Move(key=key, position=position):
                rows.remove(key)
                rows.insert(position, key)
            case Insert(index=index, position=position):
                rows.insert(position, f"new{index}")
    return rows


@given(st.data())
def test_the_plan_turns_the_list_into_the_one_wanted(data: st.DataObject) -> None:
    current = data.draw(st.lists(st.integers(0, 30), unique=True, max_size=8))
    kept = data.draw(st.permutations(current)).copy()
    kept = kept[: data.draw(st.integers(0, len(kept)))]
    desired: list[int | None] = list(kept)
    for _ in range(data.draw(st.integers(0, 3))):
        desired.insert(data.draw(st.integers(0, len(desired))), None)
    expected = [f"new{i}" if key is None else key for i, key in enumerate(desired)]
    assert _apply(current, desired) == expected


def test_an_unchanged_list_plans_nothing() -> None:
    assert plan_ordered_edits([3, 1, 2], [3, 1, 2]) == []
    assert plan_ordered_edits([1, 2, 3], [2, 1, 3]) == [Move(key=2, position=0)]


def test_item_numbers_clash_ignoring_spaces_and_capitals() -> None:
    rows = [
        AgendaRow(AgendaItemId(1), 1, "4a", "Budget"),
        AgendaRow(AgendaItemId(2), 1, "", "Any other business"),
    ]
    assert item_number_clash(rows, " 4A ") == rows[0]
    assert item_number_clash(rows, "4A", except_id=AgendaItemId(1)) is None
    assert item_number_clash(rows, "") is None  # unnumbered items never clash
    assert next_item_number(rows) == "5"
    assert next_item_number([]) == "1"


def test_reads_of_the_demo_meeting(demo_path: Path) -> None:
    workspace = open_workspace(demo_path)
    try:
        meeting = list_meetings(workspace=workspace)[0]
        assert list_committee_names(workspace=workspace) == [meeting.committee]
        rows = list_agenda_rows(workspace=workspace, meeting_id=meeting.id)
        assert [row.number for row in rows] == ["1", "2", "3", "4"]
        assert all(row.version >= 1 for row in rows)
        assert list_meeting_declarations(workspace=workspace, meeting_id=meeting.id) == []
    finally:
        workspace.close()
