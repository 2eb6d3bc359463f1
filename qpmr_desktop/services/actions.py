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
  shows a few dozen); ``list_action_rows`` is that tracker read whole. The
  tracker's ``choices`` (``TrackerChoices``) are the plans, priority areas,
  people and leads from the same reads, for the tab's filters and editors;
  ``read_action_choices`` reads them alone.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import add, itemgetter
from typing import Any, Final

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
from qpmr_desktop.services.action_tracker import (
    ActionTracker,
    AreaChoice,
    PersonChoice,
    PlanChoice,
    TrackerChoices,
    search_text,
)
from qpmr_desktop.services.bulk_rows import converted, driver_rows
from qpmr_desktop.services.collector import no_cyclic_gc
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
from qpmr_desktop.storage.versioning import table_of

NO_PRIORITY_AREA_POSITION = -1


# ------------------------------------------------------------------ the tracker


def list_action_rows(*, workspace: Workspace, today: dt.date) -> list[ActionRow]:
    """The action tracker as it stands on ``today``; see the module contract."""
    return list(read_action_tracker(workspace=workspace, today=today))


# The newest update of each action through the update table's action_id index:
# a ranking window over every update sorted all 100,000 of them in the benchmark
# (tests/benchmarks/bench_actions.py) and took most of the tab's opening.
_NEWEST_UPDATE: Final = (
    sa.select(col(ActionUpdate.id))
    .where(col(ActionUpdate.action_id) == col(Action.id))
    .order_by(col(ActionUpdate.at).desc(), col(ActionUpdate.id).desc())
    .limit(1)
    .correlate(Action)
    .scalar_subquery()
)
# Plan, area and lead come as ids, named from three small reads: fewer joins, and
# no 20,000 copies of a few dozen names. In id order, so that sorting keeps ids in
# order wherever the keys tie.
_TRACKER: Final[sa.Select[*tuple[Any, ...]]] = (
    sa.select(
        col(Action.id),
        col(Action.plan_id),
        col(Action.priority_area_id),
        col(Action.ref),
        col(Action.description),
        col(Action.lead_id),
        col(Action.due_date),
        col(Action.status),
        col(Action.progress),
        col(ActionUpdate.text),
        col(ActionUpdate.at),
        col(ActionUpdate.who),
        col(Action.is_sample),
        col(Action.version),
        col(Action.rag_override),
        col(Action.rag_override_reason),
    )
    .outerjoin(ActionUpdate, col(ActionUpdate.id) == _NEWEST_UPDATE)
    .order_by(col(Action.id))
)
_PLAN_NAMES: Final[sa.Select[*tuple[Any, ...]]] = sa.select(
    col(ImprovementPlan.id), col(ImprovementPlan.name)
)
_AREA_NAMES: Final[sa.Select[*tuple[Any, ...]]] = sa.select(
    col(PriorityArea.id),
    col(PriorityArea.plan_id),
    col(PriorityArea.name),
    col(PriorityArea.position),
)
_PEOPLE_NAMES: Final[sa.Select[*tuple[Any, ...]]] = sa.select(col(Person.id), col(Person.name))
_LEAD_IDS: Final[sa.Select[*tuple[Any, ...]]] = (
    sa.select(col(Action.lead_id)).where(col(Action.lead_id).is_not(None)).distinct()
)
# Where each field is in a _TRACKER row.
_PLAN_ID, _AREA_ID, _REF, _LEAD_ID, _DUE = 1, 2, 3, 5, 6


def read_action_tracker(*, workspace: Workspace, today: dt.date) -> ActionTracker:
    """``list_action_rows``'s rows, each made into an ``ActionRow`` when first asked for.

    The tracker's ``choices`` are the plans, areas, people and leads read with it.
    """
    # Tens of thousands of tuples that hold no cycles: see collector.no_cyclic_gc.
    with no_cyclic_gc():
        return _read_action_tracker(workspace, today)


def _read_action_tracker(workspace: Workspace, today: dt.date) -> ActionTracker:
    # The driver's rows (see bulk_rows): SQLAlchemy's result rows converted every
    # date, status and timestamp of 20,000 rows, most of which are never shown.
    with workspace.database.session() as session:
        connection = session.connection()
        dialect = connection.dialect
        plan_rows = driver_rows(connection, _PLAN_NAMES)
        area_rows = driver_rows(connection, _AREA_NAMES)
        person_rows = driver_rows(connection, _PEOPLE_NAMES)
        rows = driver_rows(connection, _TRACKER)
    names = _Names(
        plans=dict(plan_rows),
        areas={ident: (name, position) for ident, _plan, name, position in area_rows},
        people=dict(person_rows),
    )
    # The columns the order and the choices need, each taken in one C-level pass
    # (map/itemgetter, set, zip): a Python loop over 20,000 rows costs a call a row.
    plan_ids = list(map(itemgetter(_PLAN_ID), rows))
    area_ids = list(map(itemgetter(_AREA_ID), rows))
    refs = list(map(itemgetter(_REF), rows))
    choices = _choices(
        plan_rows, area_rows, person_rows, set(map(itemgetter(_LEAD_ID), rows)) - {None}
    )
    action = table_of(Action)
    maker = _RowMaker(
        today,
        names,
        days=converted(action.c.due_date, dialect, map(itemgetter(_DUE), rows)),
        timestamps=sa.DateTime().dialect_impl(dialect).result_processor(dialect, None),
    )
    # Only the order is worked out now; each row is judged and made into a read
    # model when the tracker is first asked for it (most never are: see ActionTracker).
    # Plan name, area position (none last), natural ref: ranks worked out once per
    # (plan, area) pair and per distinct ref, so a row's key is one integer.
    plans, areas = names.plans, names.areas
    groups = sorted(
        set(zip(plan_ids, area_ids, strict=True)),
        key=lambda group: (
            plans[group[0]].casefold(),
            group[0],
            group[1] is None,
            0 if group[1] is None else areas[group[1]][1],
        ),
    )
    ref_keys = {ref: natural_key(ref) for ref in set(refs)}
    key_rank = {key: rank for rank, key in enumerate(sorted(set(ref_keys.values())))}
    ref_rank = {ref: key_rank[key] for ref, key in ref_keys.items()}
    width = len(key_rank)
    group_base = {group: rank * width for rank, group in enumerate(groups)}
    keys = list(
        map(
            add,
            map(group_base.__getitem__, zip(plan_ids, area_ids, strict=True)),
            map(ref_rank.__getitem__, refs),
        )
    )
    # Stable: rows of equal keys stay in id order, as read.
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return ActionTracker(
        map(rows.__getitem__, order), make=maker, text=names.search_text, choices=choices
    )


def read_action_choices(*, workspace: Workspace) -> TrackerChoices:
    """What the Actions tab's filters and editors offer, without reading the tracker."""
    with workspace.database.session() as session:
        connection = session.connection()
        plan_rows = driver_rows(connection, _PLAN_NAMES)
        area_rows = driver_rows(connection, _AREA_NAMES)
        person_rows = driver_rows(connection, _PEOPLE_NAMES)
        lead_rows = driver_rows(connection, _LEAD_IDS)
    return _choices(plan_rows, area_rows, person_rows, {lead for (lead,) in lead_rows})


def _choices(
    plan_rows: Sequence[Any],
    area_rows: Sequence[Any],
    person_rows: Sequence[Any],
    lead_ids: Iterable[int],
) -> TrackerChoices:
    """The plans by name, their areas by plan then position, the people and leads by name.

    The orders of ``list_plans``, ``list_priority_areas`` and ``list_people``.
    """
    plans = sorted(plan_rows, key=lambda row: (row[1].casefold(), row[0]))
    plan_rank = {row[0]: rank for rank, row in enumerate(plans)}
    areas = sorted(
        (row for row in area_rows if row[1] in plan_rank),
        key=lambda row: (plan_rank[row[1]], row[3], row[0]),
    )
    people = sorted(person_rows, key=lambda row: (_folded_name(row[1]), row[0]))
    leading = set(lead_ids)
    return TrackerChoices(
        plans=tuple(PlanChoice(PlanId(ident), name) for ident, name in plans),
        areas=tuple(
            AreaChoice(PriorityAreaId(ident), PlanId(plan), name, position)
            for ident, plan, name, position in areas
        ),
        people=tuple(PersonChoice(PersonId(ident), name) for ident, name in people),
        lead_ids=frozenset(PersonId(ident) for ident, _name in people if ident in leading),
    )


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
    """Makes a tracker query row (as the driver gives it) into an ``ActionRow`` judged on ``today``.

    ``days`` maps each stored due date to what the column's type reads (see
    ``bulk_rows.converted``); ``timestamps`` converts a stored update time
    (None: the driver's value is already one). Status and override are read
    from their stored text, so that an override the domain does not know is
    ignored rather than refused (see ``_known_override``). What a status, due
    date and override make is worked out once per distinct triple (a few
    thousand at most, however many actions share them).
    """

    def __init__(
        self,
        today: dt.date,
        names: _Names,
        *,
        days: dict[Any, dt.date | None],
        timestamps: Callable[[Any], Any] | None,
    ) -> None:
        self._today = today
        self._names = names
        self._days = days
        self._timestamps = timestamps
        self._judged: dict[tuple[Any, Any, Any], _Judged] = {}

    def __call__(self, row: Any) -> ActionRow:
        (
            ident,
            plan_id,
            area_id,
            ref,
            description,
            lead_id,
            stored_due,
            stored_status,
            progress,
            update_text,
            update_at,
            update_by,
            is_sample,
            version,
            stored_override,
            override_reason,
        ) = row
        today = self._today
        names = self._names
        due_date = self._days[stored_due]
        key = (stored_status, stored_due, stored_override)
        verdict = self._judged.get(key)
        if verdict is None:
            status = ActionStatus(stored_status)
            known = _known_override(stored_override)
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
        if update_at is not None and self._timestamps is not None:
            update_at = self._timestamps(update_at)
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
            is_sample=bool(is_sample),
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
