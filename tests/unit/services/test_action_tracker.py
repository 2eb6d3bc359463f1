"""ActionTracker: a mutable sequence of action rows, made from records on first access."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.domain.ids import ActionId, PlanId
from qpmr_desktop.services.action_tracker import ActionTracker, Record
from qpmr_desktop.services.read_models import ActionRow


def row(ident: int, ref: str, **changes: object) -> ActionRow:
    made = ActionRow(
        id=ActionId(ident),
        plan_id=PlanId(1 + ident % 2),
        plan="Plan <A> & “B”",
        priority_area="Quality of practice",
        priority_area_position=1,
        ref=ref,
        description=f"Review case files ({ref}) — Łódź Ω",
        lead="Zoë O'Brien",
        due_date=dt.date(2017, 9, 30),
        status=ActionStatus.AT_RISK,
        rag=ActionRag.AMBER,
        overdue=False,
        progress=40,
        latest_update="",
        latest_update_at=None,
        latest_update_by="",
        is_sample=False,
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def record(made: ActionRow) -> Record:
    return tuple(getattr(made, name) for name in ActionRow.__slots__)


ROWS = [row(1, "1.1"), row(2, "1.2", status=ActionStatus.COMPLETE), row(3, "2.1")]


def test_rows_are_made_from_records_once_and_kept() -> None:
    tracker = ActionTracker([record(made) for made in ROWS])
    assert len(tracker) == 3
    first = tracker[0]
    assert first == ROWS[0]
    assert tracker[0] is first  # kept, not made again
    assert tracker[1:] == ROWS[1:]
    assert list(tracker) == ROWS


def test_ids_plan_ids_and_search_text_need_no_rows() -> None:
    tracker = ActionTracker([record(made) for made in ROWS])
    assert tracker.ids() == [1, 2, 3]
    assert tracker.plan_ids() == [2, 1, 2]
    text = tracker.search_text(1)
    assert text == (
        "plan <a> & “b”\nquality of practice\n1.2\nreview case files (1.2) — łódź ω\n"
        "zoë o'brien\ncomplete"
    )
    assert tracker._made == [None, None, None]  # nothing was made


def test_rows_put_in_replace_the_record_and_its_text() -> None:
    tracker = ActionTracker([record(made) for made in ROWS])
    assert "2.1" in tracker.search_text(2)
    tracker[2] = replace(ROWS[2], ref="2.9")
    assert tracker[2].ref == "2.9"
    assert "2.9" in tracker.search_text(2)
    tracker.insert(0, row(9, "0.1"))
    del tracker[1]
    assert tracker.ids() == [9, 2, 3]
    assert [made.ref for made in tracker] == ["0.1", "1.2", "2.9"]
    with pytest.raises(TypeError):
        tracker[0:1] = [ROWS[0]]


def test_reorder_moves_records_rows_and_texts_together() -> None:
    tracker = ActionTracker.of(ROWS)
    tracker.search_text(0)
    tracker.reorder([2, 0, 1])
    assert tracker.ids() == [3, 1, 2]
    assert "1.1" in tracker.search_text(1)
    with pytest.raises(ValueError, match="every position"):
        tracker.reorder([0, 0, 1])
