"""Improvement-plan actions: status, the derived BRAG rating and overdue.

Actions use BRAG: Blue complete, Green on track, Amber at risk, Red off track or
overdue, grey not started. RAG is derived from status and due date, never typed;
the only exception is an explicit override, which wins.

Contract: an action is overdue when it is not complete and its due date is
before today (an action due today is not overdue; one with no due date never
is). ``today`` is always passed in, so the rules need no clock.

Also here, as pure text rules shared by the screen and print:
``describe_action_rag`` (why an action has its rating), ``describe_date`` and
``describe_event_dates`` (dates and ranges as committee papers write them,
in English whatever the locale), ``event_end_date`` ("from 16 Oct, four
days"), and the shape of action refs (``is_valid_action_ref``,
``suggest_action_ref``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
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


# ------------------------------------------------------------------ describing dates and ratings

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def describe_date(day: date) -> str:
    """ "30 Sep 2017": a date as committee papers write it, whatever the locale."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1][:3]} {day.year}"


def describe_event_dates(start: date, end: date | None, precision: DatePrecision) -> str:
    """An event's date or range as papers write it.

    Day precision: "18 Sep 2017", "16–19 Oct 2017", "30 Sep – 2 Oct 2017",
    "30 Dec 2017 – 2 Jan 2018". Month precision (only the month is known; the
    day is ignored): "December 2017", "October – December 2017",
    "December 2017 – January 2018". An end on the start day (or month) reads
    as a single date. An end before the start is a programming error
    (``ValueError``): the services refuse such an event before it is stored.
    """
    # At month precision the days mean nothing: only the months must be in order.
    ends_early = end is not None and (
        (end.year, end.month) < (start.year, start.month)
        if precision is DatePrecision.MONTH
        else end < start
    )
    if ends_early:
        raise ValueError(f"An event cannot end ({end}) before it starts ({start}).")
    if precision is DatePrecision.MONTH:
        return _describe_months(start, end)
    if end is None or end == start:
        return describe_date(start)
    if (end.year, end.month) == (start.year, start.month):
        # A range within one month reads with an unspaced en dash: "3–4 Nov 2017".
        return f"{start.day}–{describe_date(end)}"
    if end.year == start.year:
        return f"{start.day} {_MONTH_NAMES[start.month - 1][:3]} – {describe_date(end)}"
    return f"{describe_date(start)} – {describe_date(end)}"


def _describe_months(start: date, end: date | None) -> str:
    first = f"{_MONTH_NAMES[start.month - 1]} {start.year}"
    if end is None or (end.year, end.month) == (start.year, start.month):
        return first
    if end.year == start.year:
        return f"{_MONTH_NAMES[start.month - 1]} – {_MONTH_NAMES[end.month - 1]} {end.year}"
    return f"{first} – {_MONTH_NAMES[end.month - 1]} {end.year}"


def event_end_date(start: date, *, days: int) -> date:
    """The last day of an event that starts on ``start`` and lasts ``days`` days.

    "From 16 Oct 2017, four days" ends on 19 Oct: the first day counts.
    ``days`` below 1 is a programming error (``ValueError``).
    """
    if days < 1:
        raise ValueError(f"An event lasts at least one day, not {days}.")
    return start + timedelta(days=days - 1)


def describe_action_rag(
    *,
    status: ActionStatus,
    due_date: date | None,
    today: date,
    override: ActionRag | None = None,
    override_reason: str = "",
) -> str:
    """Why an action has its BRAG rating, as a sentence for the detail pane and print.

    "Blue: complete", "Red: overdue since 30 Sep 2017", "Red: off track",
    "Amber: at risk", "Green: on track", "Grey: not started"; with an
    override, "Override: Amber — <reason>", followed by what the rules would
    have said when that differs ("… (derived: Red: overdue since 30 Sep 2017)")
    so that an override never hides an overdue action from a reader.
    """
    derived = _derived_reason(status=status, due_date=due_date, today=today)
    if override is None:
        return derived
    reason = override_reason.strip()
    text = f"Override: {override.value.capitalize()}"
    if reason:
        text = f"{text} — {reason}"
    if override is not derive_action_rag(status=status, due_date=due_date, today=today):
        text = f"{text} (derived: {derived})"
    return text


def _derived_reason(*, status: ActionStatus, due_date: date | None, today: date) -> str:
    if status is ActionStatus.COMPLETE:
        return "Blue: complete"
    if is_overdue(status=status, due_date=due_date, today=today):
        assert due_date is not None  # an action without a due date is never overdue
        since = describe_date(due_date)
        if status is ActionStatus.OFF_TRACK:
            return f"Red: off track and overdue since {since}"
        return f"Red: overdue since {since}"
    rag = _UNFINISHED_ACTION_RAGS[status]
    return f"{rag.value.capitalize()}: {status.value}"


# ------------------------------------------------------------------ action refs

#: Letters and digits in parts joined by full stops or hyphens: "2.3", "2.3a", "P1", "W-2".
ACTION_REF_PATTERN = re.compile(r"[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*")
MAX_ACTION_REF_LENGTH = 20
# "<prefix>.<number>": the refs a next one can be counted on from.
_NUMBERED_REF = re.compile(r"(?P<prefix>.+)\.(?P<number>[0-9]+)")
_LEADING_NUMBER = re.compile(r"[0-9]+")


def is_valid_action_ref(ref: str) -> bool:
    """Whether ``ref`` is a well-formed action ref (see ``ACTION_REF_PATTERN``)."""
    return len(ref) <= MAX_ACTION_REF_LENGTH and ACTION_REF_PATTERN.fullmatch(ref) is not None


def suggest_action_ref(
    *, area_refs: Iterable[str], area_position: int | None, plan_refs: Iterable[str]
) -> str:
    """The next ref for a new action in a priority area: "2.4" after "2.1"–"2.3".

    ``area_refs`` are the refs of the area's actions, ``area_position`` its
    1-based position (None for an action outside any area) and ``plan_refs``
    every ref of the plan, which the suggestion never repeats (ignoring
    capitals). The prefix is that of the area's highest "<prefix>.<number>"
    ref; an area without such refs starts at "<position>.1", and an action
    outside any area at the plan's next top-level number.
    """
    numbered = [match for ref in area_refs if (match := _NUMBERED_REF.fullmatch(ref.strip()))]
    if numbered:
        last = max(numbered, key=lambda match: int(match["number"]))
        prefix = last["prefix"]
        number = 1 + max(int(m["number"]) for m in numbered if m["prefix"] == prefix)
    else:
        prefix = str(area_position) if area_position else ""
        number = 1
    taken = {ref.strip().casefold() for ref in plan_refs}
    if not prefix:
        firsts = [
            int(match[0]) for ref in taken if (match := _LEADING_NUMBER.match(ref)) is not None
        ]
        prefix = str(max(firsts, default=0) + 1)
    while f"{prefix}.{number}".casefold() in taken:
        number += 1
    return f"{prefix}.{number}"
