"""Plain input data for the printed action tracker and the meeting pack.

Contract:
- Printing never reads the database: ``services.papers_actions`` builds these
  frozen dataclasses from the services' read models (``ActionRow``,
  ``PlanSummary``, ``PriorityAreaView``, ``PlanEventRow``) and hands them to
  ``action_tracker.render_action_tracker`` or ``pack.render_pack``.
- Ratings and overdue are the domain's judgement on ``ActionTrackerData.today``,
  made by the services; the printer never judges again, so paper and screen
  agree by construction.
- Plans, priority areas and actions come in the tracker's order (plan name,
  area position with "no priority area" last, natural ref order); the printer
  keeps it.
- Every text field is plain text, never markup.
- This module imports no ReportLab and no matplotlib: building input data is cheap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from qpmr_desktop.domain.actions import ActionRag, ActionStatus, DatePrecision, PlanEventKind
from qpmr_desktop.printing.data import MeetingMinutesData


@dataclass(frozen=True, slots=True)
class ActionEntryData:
    """One action as the tracker prints it (an ``ActionRow``, less what print does not use)."""

    ref: str
    description: str
    lead: str  # "" when none
    due_date: dt.date | None
    status: ActionStatus
    rag: ActionRag  # after any override: the rating the committee sees
    overdue: bool
    progress: int  # percent
    latest_update: str = ""  # the newest update's text; "" when none
    latest_update_at: dt.datetime | None = None
    latest_update_by: str = ""
    rag_reason: str = ""  # "Override: Amber — …" and the like; "" prints nothing
    is_sample: bool = False


@dataclass(frozen=True, slots=True)
class PriorityAreaData:
    """A priority area and its actions; ``name`` "" is the "No priority area" group."""

    name: str
    actions: tuple[ActionEntryData, ...]


@dataclass(frozen=True, slots=True)
class PlanEventData:
    """An event or milestone on a plan's timeline (a ``PlanEventRow``)."""

    title: str
    kind: PlanEventKind
    start: dt.date
    end: dt.date | None
    precision: DatePrecision


@dataclass(frozen=True, slots=True)
class PlanData:
    """One improvement plan: its priority areas in order (all of them, even empty) and events."""

    name: str
    board: str = ""
    areas: tuple[PriorityAreaData, ...] = ()
    events: tuple[PlanEventData, ...] = ()

    @property
    def actions(self) -> tuple[ActionEntryData, ...]:
        return tuple(action for area in self.areas for action in area.actions)


@dataclass(frozen=True, slots=True)
class ActionTrackerData:
    """The whole tracker: every plan printed (or the one chosen), judged on ``today``."""

    plans: tuple[PlanData, ...]
    today: dt.date
    committee: str = ""  # for the running header; "" prints none
    is_sample: bool = False  # any action invented for the demo

    @property
    def actions(self) -> tuple[ActionEntryData, ...]:
        return tuple(action for plan in self.plans for action in plan.actions)


@dataclass(frozen=True, slots=True)
class PackData:
    """A meeting's pack: its minutes, the performance report it considered, the tracker.

    ``performance`` is the performance report's own input data (see
    ``printing.performance_report``), or None to print the pack without it;
    ``period_label`` names the quarter the meeting considered ("Q1 2017/18"),
    the latest complete quarter before the meeting's date.
    """

    minutes: MeetingMinutesData
    tracker: ActionTrackerData
    period_label: str
    performance: Any = None  # typed loosely: the report's data class belongs to its module
