"""Improvement-plan action use cases on the read side: the tracker, one action, links, people.

Contract of ``list_action_rows``:
- every action of every plan, ordered by plan name, then priority area
  position (actions without an area last, with ``priority_area`` "" and
  ``priority_area_position`` -1), then ref in natural order ("1.10" after
  "1.9");
- RAG and overdue are derived on the day given, by
  ``domain.actions.derive_action_rag`` and ``is_overdue``, never read from a
  stored colour; a stored override that the domain does not know is ignored
  so that one bad row cannot hide the whole tracker; ``due_in_days`` is the
  due date minus that day (negative once past), so that "due in the next N
  weeks" needs no clock of its own;
- each action's newest update (text, who, when; the latest ``at``, then the
  highest id on a tie) comes from the same single query, through a window
  function, so the tab costs one round trip however many actions there are.

``ActionFilter`` holds the tab's filters (plan, priority area, status, RAG,
lead, "my actions", overdue, due within N days) and decides for one
``ActionRow``; the Qt proxy and the command line share it. The words typed in
the filter box stay the proxy's.

``get_action_detail`` is one action in full on a given day: every field, its
version, the RAG with the reason for it ("Red: overdue since 30 Sep 2017",
"Override: Amber — …"), its whole history newest first (the same order that
picks the tracker's latest update), the resolution it carries out and the
indicators that evidence it; a fixed number of queries. ``NotFoundError`` for
an unknown id.

``list_actions_for_resolution`` and ``list_actions_for_indicator`` name the
actions linked to a resolution or an indicator, in tracker order, for the
Minutes and Indicators tabs. ``list_linkable_resolutions`` is every
resolution an action can name, newest meeting first. ``list_people`` is the
people list by name; ``list_leads`` only those who lead an action.

The day to judge on is the caller's: ``settings.effective_today`` gives the
council's "as at" date, or today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col

from qpmr_desktop.domain.actions import (
    ActionRag,
    ActionStatus,
    derive_action_rag,
    describe_action_rag,
    is_overdue,
)
from qpmr_desktop.domain.ids import (
    ActionId,
    AgendaItemId,
    IndicatorId,
    MeetingId,
    PersonId,
    PlanId,
    PriorityAreaId,
    ResolutionId,
)
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.minutes import resolution_label
from qpmr_desktop.services.read_models import (
    ActionDetail,
    ActionLink,
    ActionRow,
    ActionUpdateRow,
    LinkedIndicator,
    LinkedResolution,
    PersonRow,
)
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    Action,
    ActionIndicator,
    ActionUpdate,
    AgendaItem,
    Committee,
    ImprovementPlan,
    Indicator,
    Meeting,
    Person,
    PriorityArea,
    Resolution,
)

NO_PRIORITY_AREA_POSITION = -1


# ------------------------------------------------------------------ the tracker


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
            col(Action.version),
            col(Action.plan_id),
            col(ImprovementPlan.name).label("plan"),
            col(Action.priority_area_id),
            col(PriorityArea.name).label("priority_area"),
            col(PriorityArea.position).label("priority_area_position"),
            col(Action.ref),
            col(Action.description),
            col(Action.lead_id),
            col(lead.name).label("lead"),
            col(Action.due_date),
            col(Action.status),
            col(Action.rag_override),
            col(Action.rag_override_reason),
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
    _sort_like_the_tracker(rows)
    return [_action_row(row, today=today) for row in rows]


def _sort_like_the_tracker(rows: list[Any]) -> None:
    """Plan name, area position (none last), natural ref: the tracker's order, in place.

    Natural ref order cannot be expressed portably in SQL, so the (small,
    already fetched) list is sorted here. ``rows`` need ``plan``, ``plan_id``,
    ``priority_area``, ``priority_area_position``, ``ref`` and ``id``.
    """
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


def _action_row(row: sa.Row[*tuple[Any, ...]], *, today: dt.date) -> ActionRow:
    status = ActionStatus(row.status)
    override = _known_override(row.rag_override)
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
        rag=derive_action_rag(status=status, due_date=row.due_date, today=today, override=override),
        overdue=is_overdue(status=status, due_date=row.due_date, today=today),
        progress=row.progress,
        latest_update=row.update_text or "",
        latest_update_at=_as_utc(row.update_at),
        latest_update_by=row.update_by or "",
        is_sample=row.is_sample,
        version=row.version,
        lead_id=None if row.lead_id is None else PersonId(row.lead_id),
        priority_area_id=(
            None if row.priority_area_id is None else PriorityAreaId(row.priority_area_id)
        ),
        due_in_days=None if row.due_date is None else (row.due_date - today).days,
        rag_override=override,
        rag_override_reason=row.rag_override_reason if override is not None else "",
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


# ------------------------------------------------------------------ filters


def _folded_name(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class ActionFilter:
    """The Actions tab's filters; an empty set or value means "any".

    ``lead_name`` is "my actions": rows whose lead has that name, ignoring
    capitals and spacing (the name is a per-user preference, so it is matched
    by name, not id). ``due_within_days`` keeps unfinished actions due from
    the day judged on up to that many days ahead (14 for "the next two
    weeks"); overdue ones are left to ``overdue_only``.
    """

    plan_ids: frozenset[PlanId] = frozenset()
    priority_area_ids: frozenset[PriorityAreaId] = frozenset()
    statuses: frozenset[ActionStatus] = frozenset()
    rags: frozenset[ActionRag] = frozenset()
    lead_ids: frozenset[PersonId] = frozenset()
    lead_name: str = ""
    overdue_only: bool = False
    due_within_days: int | None = None

    @property
    def is_empty(self) -> bool:
        """True when every row matches."""
        return self == ActionFilter()

    def matches(self, row: ActionRow) -> bool:
        """Whether ``row`` passes every filter that is set."""
        return (
            (not self.plan_ids or row.plan_id in self.plan_ids)
            and (not self.priority_area_ids or row.priority_area_id in self.priority_area_ids)
            and (not self.statuses or row.status in self.statuses)
            and (not self.rags or row.rag in self.rags)
            and (not self.lead_ids or row.lead_id in self.lead_ids)
            and (
                not self.lead_name.strip() or _folded_name(row.lead) == _folded_name(self.lead_name)
            )
            and (not self.overdue_only or row.overdue)
            and (self.due_within_days is None or self._due_soon(row, self.due_within_days))
        )

    @staticmethod
    def _due_soon(row: ActionRow, days: int) -> bool:
        return (
            row.status is not ActionStatus.COMPLETE
            and row.due_in_days is not None
            and 0 <= row.due_in_days <= days
        )

    def apply(self, rows: Iterable[ActionRow]) -> list[ActionRow]:
        """The rows that match, in their order."""
        return [row for row in rows if self.matches(row)]


# ------------------------------------------------------------------ one action


def action_update_row(row: Any) -> ActionUpdateRow:
    """An ``action_update`` row (a Core row or mapping-like object) as a read model."""
    return ActionUpdateRow(
        id=row.id,
        action_id=ActionId(row.action_id),
        text=row.text,
        old_status=None if row.old_status is None else ActionStatus(row.old_status),
        new_status=None if row.new_status is None else ActionStatus(row.new_status),
        old_progress=row.old_progress,
        new_progress=row.new_progress,
        who=row.who,
        at=_as_utc(row.at) or row.at,
        is_sample=row.is_sample,
    )


def _history_query(action_id: int) -> sa.Select[Any]:
    return (
        sa.select(ActionUpdate)
        .where(col(ActionUpdate.action_id) == action_id)
        .order_by(col(ActionUpdate.at).desc(), col(ActionUpdate.id).desc())
    )


def list_action_history(*, workspace: Workspace, action_id: int) -> list[ActionUpdateRow]:
    """An action's updates, newest first (an unknown action simply has none)."""
    with workspace.database.session() as session:
        rows = session.connection().execute(_history_query(action_id)).all()
    return [action_update_row(row) for row in rows]


def get_action_detail(*, workspace: Workspace, action_id: int, today: dt.date) -> ActionDetail:
    """One action in full, judged on ``today``; see the module contract."""
    lead = aliased(Person, name="lead")
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            Action,
            col(ImprovementPlan.name).label("plan"),
            col(PriorityArea.name).label("priority_area"),
            col(lead.name).label("lead"),
        )
        .join(ImprovementPlan, col(ImprovementPlan.id) == col(Action.plan_id))
        .outerjoin(PriorityArea, col(PriorityArea.id) == col(Action.priority_area_id))
        .outerjoin(lead, col(lead.id) == col(Action.lead_id))
        .where(col(Action.id) == action_id)
    )
    indicators = (
        sa.select(
            col(Indicator.id), col(Indicator.ref), col(Indicator.name), col(Indicator.retired)
        )
        .join(ActionIndicator, col(ActionIndicator.indicator_id) == col(Indicator.id))
        .where(col(ActionIndicator.action_id) == action_id)
    )
    with workspace.database.session() as session:
        connection = session.connection()
        row = connection.execute(query).first()
        if row is None:
            raise NotFoundError("action", action_id)
        history = connection.execute(_history_query(action_id)).all()
        linked = connection.execute(indicators).all()
        resolution = (
            None
            if row.resolution_id is None
            else _linked_resolutions(connection, [row.resolution_id]).get(row.resolution_id)
        )
    status = ActionStatus(row.status)
    override = _known_override(row.rag_override)
    reason = row.rag_override_reason if override is not None else ""
    return ActionDetail(
        id=ActionId(row.id),
        version=row.version,
        plan_id=PlanId(row.plan_id),
        plan=row.plan,
        priority_area_id=(
            None if row.priority_area_id is None else PriorityAreaId(row.priority_area_id)
        ),
        priority_area=row.priority_area or "",
        ref=row.ref,
        description=row.description,
        lead_id=None if row.lead_id is None else PersonId(row.lead_id),
        lead=row.lead or "",
        due_date=row.due_date,
        status=status,
        progress=row.progress,
        rag=derive_action_rag(status=status, due_date=row.due_date, today=today, override=override),
        derived_rag=derive_action_rag(status=status, due_date=row.due_date, today=today),
        rag_reason=describe_action_rag(
            status=status,
            due_date=row.due_date,
            today=today,
            override=override,
            override_reason=reason,
        ),
        rag_override=override,
        rag_override_reason=reason,
        overdue=is_overdue(status=status, due_date=row.due_date, today=today),
        due_in_days=None if row.due_date is None else (row.due_date - today).days,
        resolution=resolution,
        indicators=tuple(
            LinkedIndicator(
                id=IndicatorId(each.id), ref=each.ref, name=each.name, retired=each.retired
            )
            for each in sorted(linked, key=lambda each: (natural_key(each.ref), each.id))
        ),
        history=tuple(action_update_row(each) for each in history),
        is_sample=row.is_sample,
    )


# ------------------------------------------------------------------ links


def _linked_resolutions(
    connection: sa.Connection, resolution_ids: Iterable[int] | None
) -> dict[int, LinkedResolution]:
    """The resolutions with these ids (every one when None), with where they were made.

    A resolution is labelled as the minutes label it: "Resolved", or
    "Resolved (ii)" when its item has several.
    """
    siblings = (
        sa.select(
            col(Resolution.id),
            sa.func.row_number()
            .over(
                partition_by=col(Resolution.agenda_item_id),
                order_by=(col(Resolution.position), col(Resolution.id)),
            )
            .label("number"),
            sa.func.count().over(partition_by=col(Resolution.agenda_item_id)).label("several"),
        )
    ).subquery()
    query = (
        sa.select(
            col(Resolution.id),
            col(Resolution.label),
            col(Resolution.text),
            col(AgendaItem.id).label("item_id"),
            col(AgendaItem.number).label("item_number"),
            col(AgendaItem.title).label("item_title"),
            col(Meeting.id).label("meeting_id"),
            col(Meeting.date).label("meeting_date"),
            col(Committee.name).label("committee"),
            siblings.c.number,
            siblings.c.several,
        )
        .join(siblings, siblings.c.id == col(Resolution.id))
        .join(AgendaItem, col(AgendaItem.id) == col(Resolution.agenda_item_id))
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .join(Committee, col(Committee.id) == col(Meeting.committee_id))
    )
    if resolution_ids is not None:
        query = query.where(col(Resolution.id).in_(list(resolution_ids)))
    return {
        row.id: LinkedResolution(
            id=ResolutionId(row.id),
            meeting_id=MeetingId(row.meeting_id),
            meeting_date=row.meeting_date,
            committee=row.committee,
            agenda_item_id=AgendaItemId(row.item_id),
            item_number=row.item_number,
            item_title=row.item_title,
            label=resolution_label(row.label, row.number, several=row.several > 1),
            text=row.text,
        )
        for row in connection.execute(query)
    }


def list_linkable_resolutions(*, workspace: Workspace) -> list[LinkedResolution]:
    """Every resolution an action can name: newest meeting first, then item, then resolution."""
    with workspace.database.session() as session:
        resolutions = list(_linked_resolutions(session.connection(), None).values())
    resolutions.sort(
        key=lambda each: (
            -each.meeting_date.toordinal(),
            -each.meeting_id,
            natural_key(each.item_number),
            each.agenda_item_id,
            each.label,
            each.id,
        )
    )
    return resolutions


def _action_links(workspace: Workspace, condition: sa.ColumnElement[bool]) -> list[ActionLink]:
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            col(Action.id),
            col(Action.plan_id),
            col(ImprovementPlan.name).label("plan"),
            col(PriorityArea.name).label("priority_area"),
            col(PriorityArea.position).label("priority_area_position"),
            col(Action.ref),
            col(Action.description),
            col(Person.name).label("lead"),
            col(Action.due_date),
            col(Action.status),
            col(Action.progress),
        )
        .join(ImprovementPlan, col(ImprovementPlan.id) == col(Action.plan_id))
        .outerjoin(PriorityArea, col(PriorityArea.id) == col(Action.priority_area_id))
        .outerjoin(Person, col(Person.id) == col(Action.lead_id))
        .where(condition)
    )
    with workspace.database.session() as session:
        rows = list(session.connection().execute(query))
    _sort_like_the_tracker(rows)
    return [
        ActionLink(
            id=ActionId(row.id),
            plan_id=PlanId(row.plan_id),
            plan=row.plan,
            ref=row.ref,
            description=row.description,
            lead=row.lead or "",
            due_date=row.due_date,
            status=ActionStatus(row.status),
            progress=row.progress,
        )
        for row in rows
    ]


def list_actions_for_resolution(*, workspace: Workspace, resolution_id: int) -> list[ActionLink]:
    """The actions that carry out a resolution, in tracker order (none for an unknown id)."""
    return _action_links(workspace, col(Action.resolution_id) == resolution_id)


def list_actions_for_indicator(*, workspace: Workspace, indicator_id: int) -> list[ActionLink]:
    """The actions an indicator evidences, in tracker order (none for an unknown id)."""
    linked = sa.select(col(ActionIndicator.action_id)).where(
        col(ActionIndicator.indicator_id) == indicator_id
    )
    return _action_links(workspace, col(Action.id).in_(linked))


# ------------------------------------------------------------------ people


def _people(workspace: Workspace, *, leads_only: bool) -> list[PersonRow]:
    counts = (
        sa.select(
            col(Action.lead_id),
            sa.func.count().label("action_count"),
            sa.func.count()
            .filter(col(Action.status) != ActionStatus.COMPLETE.value)
            .label("open_action_count"),
        )
        .where(col(Action.lead_id).is_not(None))
        .group_by(col(Action.lead_id))
        .subquery()
    )
    query: sa.Select[*tuple[Any, ...]] = sa.select(
        Person,
        sa.func.coalesce(counts.c.action_count, 0).label("action_count"),
        sa.func.coalesce(counts.c.open_action_count, 0).label("open_action_count"),
    )
    if leads_only:
        query = query.join(counts, counts.c.lead_id == col(Person.id))
    else:
        query = query.outerjoin(counts, counts.c.lead_id == col(Person.id))
    with workspace.database.session() as session:
        rows = list(session.connection().execute(query))
    rows.sort(key=lambda row: (_folded_name(row.name), row.id))
    return [
        PersonRow(
            id=PersonId(row.id),
            version=row.version,
            name=row.name,
            job_title=row.job_title,
            organisation=row.organisation,
            action_count=row.action_count,
            open_action_count=row.open_action_count,
            is_sample=row.is_sample,
        )
        for row in rows
    ]


def list_people(*, workspace: Workspace) -> list[PersonRow]:
    """Everyone in the people list, by name (ignoring capitals), with the actions they lead."""
    return _people(workspace, leads_only=False)


def list_leads(*, workspace: Workspace) -> list[PersonRow]:
    """The people who lead at least one action, by name."""
    return _people(workspace, leads_only=True)
