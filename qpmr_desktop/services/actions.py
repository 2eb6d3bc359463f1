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
  highest id on a tie) comes from the same query, through a correlated
  subquery on the update table's ``action_id`` index; with the plan, area and
  people names read apart (small tables), the tracker is four queries however
  many actions there are.
- ``read_action_tracker`` gives the same rows as an ``ActionTracker`` that
  makes each ``ActionRow`` when first read (the tab holds 20,000 of them and
  shows a few dozen); ``list_action_rows`` is that tracker read whole.

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
from qpmr_desktop.services.action_tracker import ActionTracker, search_text
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
    return list(read_action_tracker(workspace=workspace, today=today))


def read_action_tracker(*, workspace: Workspace, today: dt.date) -> ActionTracker:
    """``list_action_rows``'s rows, each made into an ``ActionRow`` when first asked for."""
    # The newest update of each action through the update table's action_id index:
    # a ranking window over every update sorted all 100,000 of them in the benchmark
    # (tests/benchmarks/bench_actions.py) and took most of the tab's opening.
    newest = (
        sa.select(col(ActionUpdate.id))
        .where(col(ActionUpdate.action_id) == col(Action.id))
        .order_by(col(ActionUpdate.at).desc(), col(ActionUpdate.id).desc())
        .limit(1)
        .correlate(Action)
        .scalar_subquery()
    )
    # Status and override come back as their stored text and are looked up when a
    # row is made: the Enum type's result processor costs a Python call per cell. Plan,
    # area and lead come as ids, named from three small reads: fewer joins, and no
    # 20,000 copies of a few dozen names.
    query: sa.Select[*tuple[Any, ...]] = sa.select(
        col(Action.id),
        col(Action.plan_id),
        col(Action.priority_area_id),
        col(Action.ref),
        col(Action.description),
        col(Action.lead_id),
        col(Action.due_date),
        sa.type_coerce(col(Action.status), sa.String).label("status"),
        col(Action.progress),
        col(ActionUpdate.text).label("update_text"),
        # A plain DateTime: SQLModel's zone-checking type costs a Python call per row,
        # and _as_utc gives the zone when the row is made.
        sa.type_coerce(col(ActionUpdate.at), sa.DateTime()).label("update_at"),
        col(ActionUpdate.who).label("update_by"),
        col(Action.is_sample),
        col(Action.version),
        sa.type_coerce(col(Action.rag_override), sa.String).label("rag_override"),
        col(Action.rag_override_reason),
    ).outerjoin(ActionUpdate, col(ActionUpdate.id) == newest)
    with workspace.database.session() as session:
        connection = session.connection()
        named: list[Any] = list(
            connection.execute(sa.select(col(ImprovementPlan.id), col(ImprovementPlan.name)))
        )
        plans: dict[int, str] = dict(named)
        area_rows: list[Any] = list(
            connection.execute(
                sa.select(col(PriorityArea.id), col(PriorityArea.name), col(PriorityArea.position))
            )
        )
        areas: dict[int, tuple[str, int]] = {
            ident: (name, position) for ident, name, position in area_rows
        }
        named = list(connection.execute(sa.select(col(Person.id), col(Person.name))))
        people: dict[int, str] = dict(named)
        rows = list(connection.execute(query).all())  # one fetchall, not a fetch a row
    names = _Names(plans=plans, areas=areas, people=people)
    # Only the order is worked out now; each row is judged and made into a read
    # model when the tracker is first asked for it (most never are: see ActionTracker).
    # Plan name, area position (none last), natural ref: each (plan, area) pair's rank
    # among all of them is worked out once, so a row's key is that rank and its ref.
    groups = sorted(
        {(row[1], row[2]) for row in rows},
        key=lambda group: (
            plans[group[0]].casefold(),
            group[0],
            group[1] is None,
            0 if group[1] is None else areas[group[1]][1],
        ),
    )
    group_rank = {group: rank for rank, group in enumerate(groups)}
    ref_keys: dict[str, tuple[str | int, ...]] = {}

    def tracker_order(row: Any) -> tuple[Any, ...]:
        ref = row[3]
        ref_key = ref_keys.get(ref)
        if ref_key is None:
            ref_key = ref_keys[ref] = natural_key(ref)
        return (group_rank[row[1], row[2]], ref_key, row[0])

    rows.sort(key=tracker_order)
    return ActionTracker(rows, make=_RowMaker(today, names), text=names.search_text)


@dataclass(frozen=True, slots=True)
class _Names:
    """Plan, area and person names by id, for the tracker's rows."""

    plans: dict[int, str]
    areas: dict[int, tuple[str, int]]  # name, position
    people: dict[int, str]

    def search_text(self, row: Any) -> str:
        """The filter box's text of a tracker query row (see action_tracker.search_text)."""
        area_id, ref, description, lead_id, _due, status = row[2:8]
        return search_text(
            plan=self.plans[row[1]],
            area=None if area_id is None else self.areas[area_id][0],
            ref=ref,
            description=description,
            lead=None if lead_id is None else self.people.get(lead_id),
            status=status,
        )


# An action's status, known override, RAG and overdue on the day judged.
_Judged = tuple[ActionStatus, ActionRag | None, ActionRag, bool]


class _RowMaker:
    """Makes a tracker query row into an ``ActionRow`` judged on ``today``.

    What a status, due date and override make is worked out once per distinct
    triple (a few thousand at most, however many actions share them).
    """

    def __init__(self, today: dt.date, names: _Names) -> None:
        self._today = today
        self._names = names
        self._judged: dict[tuple[str, dt.date | None, str | None], _Judged] = {}

    def __call__(self, row: Any) -> ActionRow:
        (
            ident,
            plan_id,
            area_id,
            ref,
            description,
            lead_id,
            due_date,
            status_value,
            progress,
            update_text,
            update_at,
            update_by,
            is_sample,
            version,
            override_value,
            override_reason,
        ) = row
        today = self._today
        names = self._names
        key = (status_value, due_date, override_value)
        verdict = self._judged.get(key)
        if verdict is None:
            status = ActionStatus(status_value)
            known = _known_override(override_value)
            verdict = self._judged[key] = (
                status,
                known,
                derive_action_rag(status=status, due_date=due_date, today=today, override=known),
                is_overdue(status=status, due_date=due_date, today=today),
            )
        status, override, rag, overdue = verdict
        area, position = (
            ("", NO_PRIORITY_AREA_POSITION) if area_id is None else names.areas[area_id]
        )
        return ActionRow(
            id=ActionId(ident),
            plan_id=PlanId(plan_id),
            plan=names.plans[plan_id],
            priority_area=area,
            priority_area_position=position,
            ref=ref,
            description=description,
            lead="" if lead_id is None else names.people.get(lead_id, ""),
            due_date=due_date,
            status=status,
            rag=rag,
            overdue=overdue,
            progress=progress,
            latest_update=update_text or "",
            latest_update_at=_as_utc(update_at),
            latest_update_by=update_by or "",
            is_sample=is_sample,
            version=version,
            lead_id=None if lead_id is None else PersonId(lead_id),
            priority_area_id=None if area_id is None else PriorityAreaId(area_id),
            due_in_days=None if due_date is None else (due_date - today).days,
            rag_override=override,
            rag_override_reason=override_reason if override is not None else "",
        )


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
            col(Action.rag_override),
            col(Action.rag_override_reason),
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
            rag_override=override,
            rag_override_reason=row.rag_override_reason if override is not None else "",
        )
        for row, override in ((row, _known_override(row.rag_override)) for row in rows)
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
