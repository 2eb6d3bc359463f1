"""Print data for the action tracker and the meeting pack, gathered from the database.

Contract:
- ``action_tracker_for_print(workspace=…, plan_id=None, today=…)`` — every
  plan's actions (or one plan's) as ``list_action_rows`` gives them on
  ``today``: the same order, ratings and overdue flags as the Actions tab, so
  paper and screen agree by construction. Each plan carries all its priority
  areas in order (empty ones too), a "no priority area" group last when any
  action has none, and its events — the plan's own and those that belong to
  no plan, as the tab's timeline shows them. ``NotFoundError`` for an unknown
  plan.
- ``pack_for_print(workspace=…, meeting_id=…)`` — a meeting's pack: its
  minutes, the performance report for the period the meeting considered, and
  the action tracker. The period considered is the latest complete quarter
  before the meeting's date (``Quarter.containing(date).previous()``: a
  meeting on 12 September 2017 considers Q1 2017/18). The tracker is judged
  on the council's "as at" date (``settings.effective_today``), as the
  Actions tab is. ``NotFoundError`` for an unknown meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from qpmr_desktop.domain.ids import MeetingId, PlanId
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.printing.action_data import (
    ActionEntryData,
    ActionTrackerData,
    PackData,
    PlanData,
    PlanEventData,
    PriorityAreaData,
)
from qpmr_desktop.services.actions import list_action_rows
from qpmr_desktop.services.minutes import get_meeting_detail
from qpmr_desktop.services.papers import meeting_minutes_for_print, performance_report_for_print
from qpmr_desktop.services.plans import get_plan, list_plan_events, list_plans, list_priority_areas
from qpmr_desktop.services.read_models import ActionRow, PlanSummary
from qpmr_desktop.services.settings import effective_today
from qpmr_desktop.services.workspace import Workspace


def action_tracker_for_print(
    *,
    workspace: Workspace,
    plan_id: PlanId | int | None = None,
    today: dt.date,
    committee: str = "",
) -> ActionTrackerData:
    """The tracker as the printer takes it; see the module contract."""
    if plan_id is None:
        plans = list_plans(workspace=workspace)
    else:
        plans = [get_plan(workspace=workspace, plan_id=plan_id)]
    rows = list_action_rows(workspace=workspace, today=today)
    printed = tuple(
        _plan_data(
            workspace,
            plan,
            [row for row in rows if row.plan_id == plan.id],
        )
        for plan in _in_tracker_order(plans)
    )
    return ActionTrackerData(
        plans=printed,
        today=today,
        committee=committee,
        is_sample=any(action.is_sample for plan in printed for action in plan.actions),
    )


def period_considered(meeting_date: dt.date) -> Quarter:
    """The latest complete quarter before ``meeting_date``: what the meeting considered."""
    return Quarter.containing(meeting_date).previous()


def pack_for_print(*, workspace: Workspace, meeting_id: MeetingId | int) -> PackData:
    """A meeting's pack as the printer takes it; see the module contract."""
    detail = get_meeting_detail(workspace=workspace, meeting_id=MeetingId(meeting_id))
    period = period_considered(detail.date)
    minutes = meeting_minutes_for_print(workspace=workspace, meeting_id=MeetingId(meeting_id))
    today = effective_today(workspace=workspace)
    return PackData(
        minutes=minutes,
        performance=performance_report_for_print(
            workspace=workspace, period=period, committee=detail.committee, printed_on=today
        ),
        tracker=action_tracker_for_print(
            workspace=workspace, today=today, committee=detail.committee
        ),
        period_label=period.label,
    )


# ------------------------------------------------------------------ helpers


def _in_tracker_order(plans: Sequence[PlanSummary]) -> list[PlanSummary]:
    # The order list_action_rows sorts plans in: by name, then id.
    return sorted(plans, key=lambda plan: (plan.name.casefold(), plan.id))


def _plan_data(workspace: Workspace, plan: PlanSummary, rows: Sequence[ActionRow]) -> PlanData:
    areas = [
        PriorityAreaData(
            name=area.name,
            actions=tuple(_action(row) for row in rows if row.priority_area_id == area.id),
        )
        for area in list_priority_areas(workspace=workspace, plan_id=plan.id)
    ]
    unplaced = tuple(_action(row) for row in rows if row.priority_area_id is None)
    if unplaced:
        areas.append(PriorityAreaData(name="", actions=unplaced))
    events = tuple(
        PlanEventData(
            title=event.title,
            kind=event.kind,
            start=event.start_date,
            end=event.end_date,
            precision=event.date_precision,
        )
        for event in list_plan_events(workspace=workspace, plan_id=plan.id)
    )
    return PlanData(name=plan.name, board=plan.board, areas=tuple(areas), events=events)


def _action(row: ActionRow) -> ActionEntryData:
    return ActionEntryData(
        ref=row.ref,
        description=row.description,
        lead=row.lead,
        due_date=row.due_date,
        status=row.status,
        rag=row.rag,
        overdue=row.overdue,
        progress=row.progress,
        latest_update=row.latest_update,
        latest_update_at=row.latest_update_at,
        latest_update_by=row.latest_update_by,
        rag_reason=row.rag_reason if row.rag_override is not None else "",
        is_sample=row.is_sample,
    )
