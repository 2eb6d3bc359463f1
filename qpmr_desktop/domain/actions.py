"""Improvement-plan actions: status, the derived BRAG rating and overdue.

Actions use BRAG: Blue complete, Green on track, Amber at risk, Red off track or
overdue, grey not started. RAG is derived from status and due date, never typed.
"""

from __future__ import annotations

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
