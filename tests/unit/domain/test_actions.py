"""Actions: overdue and the derived BRAG rating."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qpmr_desktop.domain.actions import ActionRag, ActionStatus, derive_action_rag, is_overdue

TODAY = date(2018, 3, 15)
YESTERDAY = TODAY - timedelta(days=1)
TOMORROW = TODAY + timedelta(days=1)

statuses = st.sampled_from(list(ActionStatus))
due_dates = st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@pytest.mark.parametrize(
    ("status", "due_date", "expected"),
    [
        (ActionStatus.ON_TRACK, YESTERDAY, True),
        (ActionStatus.NOT_STARTED, YESTERDAY, True),
        (ActionStatus.AT_RISK, date(2017, 12, 31), True),
        (ActionStatus.OFF_TRACK, YESTERDAY, True),
        (ActionStatus.ON_TRACK, TODAY, False),  # due today is not yet overdue
        (ActionStatus.ON_TRACK, TOMORROW, False),
        (ActionStatus.ON_TRACK, None, False),  # no due date, never overdue
        (ActionStatus.COMPLETE, YESTERDAY, False),  # done late is done
    ],
)
def test_is_overdue(status: ActionStatus, due_date: date | None, expected: bool) -> None:
    assert is_overdue(status=status, due_date=due_date, today=TODAY) is expected


@pytest.mark.parametrize(
    ("status", "due_date", "expected"),
    [
        (ActionStatus.COMPLETE, TOMORROW, ActionRag.BLUE),
        (ActionStatus.COMPLETE, YESTERDAY, ActionRag.BLUE),
        (ActionStatus.ON_TRACK, TOMORROW, ActionRag.GREEN),
        (ActionStatus.ON_TRACK, TODAY, ActionRag.GREEN),
        (ActionStatus.ON_TRACK, None, ActionRag.GREEN),
        (ActionStatus.ON_TRACK, YESTERDAY, ActionRag.RED),
        (ActionStatus.AT_RISK, TOMORROW, ActionRag.AMBER),
        (ActionStatus.AT_RISK, YESTERDAY, ActionRag.RED),
        (ActionStatus.OFF_TRACK, TOMORROW, ActionRag.RED),
        (ActionStatus.OFF_TRACK, None, ActionRag.RED),
        (ActionStatus.NOT_STARTED, TOMORROW, ActionRag.GREY),
        (ActionStatus.NOT_STARTED, None, ActionRag.GREY),
        (ActionStatus.NOT_STARTED, YESTERDAY, ActionRag.RED),
    ],
)
def test_derive_action_rag(
    status: ActionStatus, due_date: date | None, expected: ActionRag
) -> None:
    assert derive_action_rag(status=status, due_date=due_date, today=TODAY) is expected


@given(statuses, due_dates, st.sampled_from(list(ActionRag)))
def test_an_override_always_wins(
    status: ActionStatus, due_date: date | None, override: ActionRag
) -> None:
    rag = derive_action_rag(status=status, due_date=due_date, today=TODAY, override=override)
    assert rag is override


@given(statuses, due_dates)
def test_overdue_actions_are_red_and_red_ones_are_overdue_or_off_track(
    status: ActionStatus, due_date: date | None
) -> None:
    rag = derive_action_rag(status=status, due_date=due_date, today=TODAY)
    overdue = is_overdue(status=status, due_date=due_date, today=TODAY)
    assert (rag is ActionRag.RED) == (overdue or status is ActionStatus.OFF_TRACK)
    assert (rag is ActionRag.BLUE) == (status is ActionStatus.COMPLETE)


def test_every_derived_rating_has_a_label_and_symbol() -> None:
    # The chips pair colour with a shape and a word; a derived rating must have both.
    derived = {
        derive_action_rag(status=status, due_date=due_date, today=TODAY)
        for status in ActionStatus
        for due_date in (YESTERDAY, TOMORROW, None)
    }
    assert derived == set(ActionRag)
    assert all(rag.label and rag.symbol for rag in derived)
