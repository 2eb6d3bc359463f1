"""Improvement-plan action use cases: the tracker the Actions tab and ``list actions`` show.

Contract of ``list_action_rows``:
- every action of every plan, ordered by plan name, then priority area
  position (actions without an area last, with ``priority_area`` "" and
  ``priority_area_position`` -1), then ref in natural order ("1.10" after
  "1.9");
- RAG and overdue are derived on the day given, by
  ``domain.actions.derive_action_rag`` and ``is_overdue``, never read from a
  stored colour; a stored override that the domain does not know is ignored
  so that one bad row cannot hide the whole tracker;
- each action's newest update (text, who, when; the latest ``at``, then the
  highest id on a tie) comes from the same single query, through a window
  function, so the tab costs one round trip however many actions there are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col

from qpmr_desktop.domain.actions import ActionRag, ActionStatus, derive_action_rag, is_overdue
from qpmr_desktop.domain.ids import ActionId, PlanId
from qpmr_desktop.services.read_models import ActionRow
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import Action, ActionUpdate, ImprovementPlan, Person, PriorityArea

NO_PRIORITY_AREA_POSITION = -1


def list_action_rows(*, workspace: Workspace, today: dt.date) -> list[ActionRow]:
    """The action tracker as it stands on ``today``; see the module contract."""
    ranked_updates = sa.select(
        col(ActionUpdate.action_id),
        col(ActionUpdate.text),
        col(ActionUpdate.who),
        col(ActionUpdate.at),
        sa.func.row_number()
        .over(
            partition_by=col(ActionUpdate.action_id),
            order_by=(col(ActionUpdate.at).desc(), col(ActionUpdate.id).desc()),
        )
        .label("newness"),
    ).subquery()
    latest = (
        sa.select(ranked_updates).where(ranked_updates.c.newness == 1).subquery("latest_update")
    )
    lead = aliased(Person, name="lead")
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            col(Action.id),
            col(Action.plan_id),
            col(ImprovementPlan.name).label("plan"),
            col(PriorityArea.name).label("priority_area"),
            col(PriorityArea.position).label("priority_area_position"),
            col(Action.ref),
            col(Action.description),
            col(lead.name).label("lead"),
            col(Action.due_date),
            col(Action.status),
            col(Action.rag_override),
            col(Action.progress),
            col(Action.is_sample),
            latest.c.text.label("update_text"),
            latest.c.who.label("update_by"),
            latest.c.at.label("update_at"),
        )
        .join(ImprovementPlan, col(ImprovementPlan.id) == col(Action.plan_id))
        .outerjoin(PriorityArea, col(PriorityArea.id) == col(Action.priority_area_id))
        .outerjoin(lead, col(lead.id) == col(Action.lead_id))
        .outerjoin(latest, latest.c.action_id == col(Action.id))
    )
    with workspace.database.session() as session:
        rows = list(session.connection().execute(query))

    # Natural ref order cannot be expressed portably in SQL, so the (small,
    # already fetched) list is sorted here.
    rows.sort(
        key=lambda row: (
            row.plan.casefold(),
            row.plan_id,
            row.priority_area is None,
            row.priority_area_position or 0,
            natural_key(row.ref),
            row.id,
        )
    )
    return [_action_row(row, today=today) for row in rows]


def _action_row(row: sa.Row[*tuple[Any, ...]], *, today: dt.date) -> ActionRow:
    status = ActionStatus(row.status)
    return ActionRow(
        id=ActionId(row.id),
        plan_id=PlanId(row.plan_id),
        plan=row.plan,
        priority_area=row.priority_area or "",
        priority_area_position=(
            NO_PRIORITY_AREA_POSITION if row.priority_area is None else row.priority_area_position
        ),
        ref=row.ref,
        description=row.description,
        lead=row.lead or "",
        due_date=row.due_date,
        status=status,
        rag=derive_action_rag(
            status=status,
            due_date=row.due_date,
            today=today,
            override=_known_override(row.rag_override),
        ),
        overdue=is_overdue(status=status, due_date=row.due_date, today=today),
        progress=row.progress,
        latest_update=row.update_text or "",
        latest_update_at=_as_utc(row.update_at),
        latest_update_by=row.update_by or "",
        is_sample=row.is_sample,
    )


def _known_override(stored: ActionRag | str | None) -> ActionRag | None:
    if not stored:
        return None
    try:
        return ActionRag(stored)
    except ValueError:
        # A colour written by hand or by a newer version: fall back to the
        # derived rating rather than refuse to show the tracker.
        return None


def _as_utc(at: dt.datetime | None) -> dt.datetime | None:
    # Timestamps are stored in UTC; SQLite hands them back without a zone.
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=dt.UTC)
