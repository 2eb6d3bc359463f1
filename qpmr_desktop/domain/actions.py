"""Improvement-plan actions: status, the derived BRAG rating and overdue.

Actions use BRAG: Blue complete, Green on track, Amber at risk, Red off track or
overdue, grey not started. RAG is derived from status and due date, never typed;
the only exception is an explicit override, which wins.

Contract: an action is overdue when it is not complete and its due date is
before today (an action due today is not overdue; one with no due date never
is). ``today`` is always passed in, so the rules need no clock.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class ActionStatus(StrEnum):
    NOT_STARTED = "not started"
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OFF_TRACK = "off track"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ActionRag(StrEnum):
    BLUE = "blue"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"

    @property
    def symbol(self) -> str:
        return _ACTION_RAG_SYMBOLS[self]

    @property
    def label(self) -> str:
        return _ACTION_RAG_LABELS[self]


_ACTION_RAG_SYMBOLS = {
    ActionRag.BLUE: "■",
    ActionRag.GREEN: "●",
    ActionRag.AMBER: "◆",
    ActionRag.RED: "▲",
    ActionRag.GREY: "○",
}
_ACTION_RAG_LABELS = {
    ActionRag.BLUE: "Complete",
    ActionRag.GREEN: "On track",
    ActionRag.AMBER: "At risk",
    ActionRag.RED: "Off track",
    ActionRag.GREY: "Not started",
}


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETE = "complete"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class PlanEventKind(StrEnum):
    INTAKE = "intake"
    MEETING = "meeting"
    REVIEW = "review"
    PEER_REVIEW = "peer review"
    INSPECTION = "inspection"
    MILESTONE = "milestone"
    OTHER = "other"


class DatePrecision(StrEnum):
    """How exactly an event's date is known ("December 2017" is month precision)."""

    DAY = "day"
    MONTH = "month"


def is_overdue(*, status: ActionStatus, due_date: date | None, today: date) -> bool:
    """Whether an unfinished action is past its due date (due today is not yet overdue)."""
    return status is not ActionStatus.COMPLETE and due_date is not None and due_date < today


def derive_action_rag(
    *,
    status: ActionStatus,
    due_date: date | None,
    today: date,
    override: ActionRag | None = None,
) -> ActionRag:
    """The BRAG rating: an officer's override, else derived from status and due date.

    Overdue outranks every unfinished status, including not started: an action
    that should have been done and has not begun is the most urgent kind.
    """
    if override is not None:
        return override
    if status is ActionStatus.COMPLETE:
        return ActionRag.BLUE
    if status is ActionStatus.OFF_TRACK or is_overdue(
        status=status, due_date=due_date, today=today
    ):
        return ActionRag.RED
    return _UNFINISHED_ACTION_RAGS[status]


# The rating of each unfinished status while it is not overdue.
_UNFINISHED_ACTION_RAGS = {
    ActionStatus.NOT_STARTED: ActionRag.GREY,
    ActionStatus.ON_TRACK: ActionRag.GREEN,
    ActionStatus.AT_RISK: ActionRag.AMBER,
    ActionStatus.OFF_TRACK: ActionRag.RED,
}
