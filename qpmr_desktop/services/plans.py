"""Improvement plans, their ordered priority areas, and events and milestones.

Reads:
- ``list_plans`` — every plan by name (ignoring capitals; the tracker's order),
  with how many areas, actions (and open ones) and events it has;
  ``get_plan`` one of them (``NotFoundError`` for an unknown id);
- ``list_priority_areas`` — a plan's areas (or every plan's, plans in
  ``list_plans`` order) by position, with how many actions each has;
- ``list_plan_events`` — events by start date (then end date, then id), each
  with its dates as papers write them (``domain.actions.describe_event_dates``:
  "16–19 Oct 2017", "December 2017"); for one plan, its own events and — unless
  ``include_unassigned`` is False — the dates the committee tracks outside any
  plan; ``get_plan_event`` one of them.

Mutations follow ``indicator_editing``: keyword-only, one short transaction,
the caller's version checked (``ConflictError`` when someone else changed or
deleted the row meanwhile), audited (author ``workspace.user``, time from
``clock``) in the same transaction, and a ``PlanChange`` back with the changed
fields before and after. ``ValidationError`` lists what was typed wrong;
``NotAllowedError`` is what the rules forbid; ``NotFoundError`` an unknown id.

Rules:
- a plan needs a name, unique among plans ignoring capitals; board is one line;
  an end date may not be before the start date; a plan is deleted only when
  empty (no priority areas, actions or events), so that its inverse loses
  nothing;
- priority areas are ordered within their plan by ``position`` 1, 2, 3 …
  with no gaps: adding (at the end, or at a position), moving and deleting
  renumber the others. Only the area added, moved, renamed or deleted has
  its version checked and bumped: the others' positions shift without a new
  version, so that moving one area never makes someone renaming another
  reload. An area's name is unique within its plan ignoring capitals; an
  area with actions cannot be deleted (move or delete them first);
- an event needs a title, a kind and a start date; an end date, if any, may
  not be before the start (an end on the start day is stored as no end: a
  single day); a month-precision event is stored on the first of its month
  (and its end on the first of the end month); it belongs to a plan or to
  none.

Undo. Each mutation's inverse, from the change ``c`` it returned and the
row's current version ``v`` (``c.version`` unless something changed it since):

=============================  ================================================
mutation                       inverse
=============================  ================================================
``create_plan``                ``delete_plan(plan_id=c.row_id, expected_version=v)``
``update_plan``                ``update_plan(…, expected_version=v, changes=c.before)``
``delete_plan``                ``create_plan(draft=PlanDraft(**c.before), plan_id=c.row_id)``
``add_priority_area``          ``delete_priority_area(area_id=c.row_id, expected_version=v)``
``rename_priority_area``       ``rename_priority_area(…, name=c.before["name"])``
``move_priority_area``         ``move_priority_area(…, position=c.before["position"])``
``delete_priority_area``       ``add_priority_area(plan_id=c.plan_id, name=c.before["name"],
                               position=c.before["position"], area_id=c.row_id)``
``create_event``               ``delete_event(event_id=c.row_id, expected_version=v)``
``update_event``               ``update_event(…, expected_version=v, changes=c.before)``
``delete_event``               ``create_event(draft=PlanEventDraft(**c.before),
                               event_id=c.row_id)``
=============================  ================================================

``revert_plan_change`` makes that call. A deleted row comes back with its own
id; the positions of a deleted area's siblings come back too, since the area
returns to its old position. A no-op writes nothing and is its own inverse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col

from qpmr_desktop.domain.actions import (
    ActionStatus,
    DatePrecision,
    PlanEventKind,
    PlanStatus,
    describe_event_dates,
)
from qpmr_desktop.domain.ids import PlanEventId, PlanId, PriorityAreaId
from qpmr_desktop.services.audit import Clock, field_changes, record_audit, utc_now
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.read_models import (
    ChangeKind,
    FieldProblem,
    PlanChange,
    PlanDraft,
    PlanEventDraft,
    PlanEventRow,
    PlanSubject,
    PlanSummary,
    PriorityAreaView,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import Action, ImprovementPlan, PlanEvent, PriorityArea
from qpmr_desktop.storage.versioning import (
    RowVersionError,
    StaleRowError,
    delete_versioned,
    update_versioned,
)

__all__ = [
    "EVENT_FIELDS",
    "PLAN_FIELDS",
    "add_priority_area",
    "create_event",
    "create_plan",
    "delete_event",
    "delete_plan",
    "delete_priority_area",
    "get_plan",
    "get_plan_event",
    "list_plan_events",
    "list_plans",
    "list_priority_areas",
    "move_priority_area",
    "rename_priority_area",
    "revert_plan_change",
    "update_event",
    "update_plan",
    "validate_event_draft",
    "validate_plan_draft",
]

#: The fields ``update_plan`` edits: every field of ``PlanDraft``.
PLAN_FIELDS: Final = tuple(field.name for field in dataclasses.fields(PlanDraft))
#: The fields ``update_event`` edits: every field of ``PlanEventDraft``.
EVENT_FIELDS: Final = tuple(field.name for field in dataclasses.fields(PlanEventDraft))

_SAVED_NOT = "your change was not saved"
_E = TypeVar("_E", PlanStatus, PlanEventKind, DatePrecision)
_Row = sa.Row[Any]


# ------------------------------------------------------------------ reading


def _plans_query() -> sa.Select[Any]:
    def count(table: type[SQLModel], column: Any, *conditions: Any) -> Any:
        return (
            sa.select(sa.func.count())
            .select_from(table)
            .where(column == col(ImprovementPlan.id), *conditions)
            .scalar_subquery()
        )

    return sa.select(
        ImprovementPlan,
        count(PriorityArea, col(PriorityArea.plan_id)).label("area_count"),
        count(Action, col(Action.plan_id)).label("action_count"),
        count(
            Action,
            col(Action.plan_id),
            col(Action.status) != ActionStatus.COMPLETE.value,
        ).label("open_action_count"),
        count(PlanEvent, col(PlanEvent.plan_id)).label("event_count"),
    )


def _plan_summary(row: _Row) -> PlanSummary:
    return PlanSummary(
        id=PlanId(row.id),
        version=row.version,
        name=row.name,
        board=row.board,
        description=row.description,
        start_date=row.start_date,
        end_date=row.end_date,
        status=PlanStatus(row.status),
        area_count=row.area_count,
        action_count=row.action_count,
        open_action_count=row.open_action_count,
        event_count=row.event_count,
    )


def list_plans(*, workspace: Workspace) -> list[PlanSummary]:
    """Every plan by name, ignoring capitals (then id), with its counts."""
    with workspace.database.session() as session:
        rows = list(session.connection().execute(_plans_query()))
    rows.sort(key=lambda row: (row.name.casefold(), row.id))
    return [_plan_summary(row) for row in rows]


def get_plan(*, workspace: Workspace, plan_id: int) -> PlanSummary:
    """One plan with its counts; ``NotFoundError`` when there is none."""
    query = _plans_query().where(col(ImprovementPlan.id) == plan_id)
    with workspace.database.session() as session:
        row = session.connection().execute(query).first()
    if row is None:
        raise NotFoundError("improvement plan", plan_id)
    return _plan_summary(row)


def list_priority_areas(
    *, workspace: Workspace, plan_id: int | None = None
) -> list[PriorityAreaView]:
    """A plan's priority areas by position (every plan's, in plan order, when None)."""
    action_count = (
        sa.select(sa.func.count())
        .select_from(Action)
        .where(col(Action.priority_area_id) == col(PriorityArea.id))
        .scalar_subquery()
    )
    query = sa.select(
        PriorityArea,
        col(ImprovementPlan.name).label("plan_name"),
        action_count.label("action_count"),
    ).join(ImprovementPlan, col(ImprovementPlan.id) == col(PriorityArea.plan_id))
    if plan_id is not None:
        query = query.where(col(PriorityArea.plan_id) == plan_id)
    with workspace.database.session() as session:
        rows = list(session.connection().execute(query))
    rows.sort(key=lambda row: (row.plan_name.casefold(), row.plan_id, row.position, row.id))
    return [
        PriorityAreaView(
            id=PriorityAreaId(row.id),
            version=row.version,
            plan_id=PlanId(row.plan_id),
            name=row.name,
            position=row.position,
            action_count=row.action_count,
        )
        for row in rows
    ]


def _events_query() -> sa.Select[*tuple[Any, ...]]:
    return sa.select(PlanEvent, col(ImprovementPlan.name).label("plan_name")).outerjoin(
        ImprovementPlan, col(ImprovementPlan.id) == col(PlanEvent.plan_id)
    )


def _event_row(row: _Row) -> PlanEventRow:
    precision = DatePrecision(row.date_precision)
    duration = None
    if precision is DatePrecision.DAY:
        duration = ((row.end_date or row.start_date) - row.start_date).days + 1
    return PlanEventRow(
        id=PlanEventId(row.id),
        version=row.version,
        plan_id=None if row.plan_id is None else PlanId(row.plan_id),
        plan=row.plan_name or "",
        title=row.title,
        kind=PlanEventKind(row.kind),
        start_date=row.start_date,
        end_date=row.end_date,
        date_precision=precision,
        notes=row.notes,
        dates_text=describe_event_dates(row.start_date, row.end_date, precision),
        duration_days=duration,
    )


def list_plan_events(
    *, workspace: Workspace, plan_id: int | None = None, include_unassigned: bool = True
) -> list[PlanEventRow]:
    """Events by date; see the module contract for what ``plan_id`` selects."""
    query = _events_query()
    if plan_id is not None:
        mine = col(PlanEvent.plan_id) == plan_id
        query = query.where(
            sa.or_(mine, col(PlanEvent.plan_id).is_(None)) if include_unassigned else mine
        )
    with workspace.database.session() as session:
        rows = list(session.connection().execute(query))
    rows.sort(key=lambda row: (row.start_date, row.end_date or row.start_date, row.id))
    return [_event_row(row) for row in rows]


def get_plan_event(*, workspace: Workspace, event_id: int) -> PlanEventRow:
    """One event; ``NotFoundError`` when there is none."""
    query = _events_query().where(col(PlanEvent.id) == event_id)
    with workspace.database.session() as session:
        row = session.connection().execute(query).first()
    if row is None:
        raise NotFoundError("event", event_id)
    return _event_row(row)


# ------------------------------------------------------------------ validation


class _Form:
    """Cleaned fields and the problems found while cleaning them."""

    def __init__(self) -> None:
        self.cleaned: dict[str, object] = {}
        self.problems: list[FieldProblem] = []

    def error(self, field: str, message: str) -> None:
        self.problems.append(FieldProblem(field=field, message=message))

    def line(self, field: str, value: object, *, label: str, required: str | None = None) -> None:
        """A single line of text, stored stripped; ``required`` is the message when empty."""
        if not isinstance(value, str):
            self.error(field, f"{label} must be text.")
            return
        text = value.strip()
        if required is not None and not text:
            self.error(field, required)
        elif any(character in text for character in "\r\n\t"):
            self.error(field, f"{label} must be a single line.")
        else:
            self.cleaned[field] = text

    def text(self, field: str, value: object, *, label: str) -> None:
        """Free text, kept exactly as typed."""
        if isinstance(value, str):
            self.cleaned[field] = value
        else:
            self.error(field, f"{label} must be text.")

    def date(self, field: str, value: object, *, label: str, required: bool = False) -> None:
        if value is None and not required:
            self.cleaned[field] = None
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            self.cleaned[field] = value
        else:
            self.error(field, f"{label} must be a date{'' if required else ', or empty'}.")

    def choice(self, field: str, value: object, enum: type[_E], *, label: str) -> None:
        member = _member(enum, value)
        if member is None:
            choices = ", ".join(item.value for item in enum)
            self.error(field, f"{label} must be one of: {choices}.")
        else:
            self.cleaned[field] = member


def _member(enum: type[_E], value: object) -> _E | None:
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            return None  # not one of the values: the caller reports it
    return None


def _check_plan(draft: PlanDraft, other_names: Mapping[str, str]) -> _Form:
    form = _Form()
    form.line("name", draft.name, label="The name", required="Give the plan a name.")
    form.line("board", draft.board, label="The board")
    form.text("description", draft.description, label="The description")
    form.date("start_date", draft.start_date, label="The start date")
    form.date("end_date", draft.end_date, label="The end date")
    form.choice("status", draft.status, PlanStatus, label="The status")
    name = form.cleaned.get("name")
    if isinstance(name, str) and name.casefold() in other_names:
        form.error(
            "name",
            f"There is already a plan called “{other_names[name.casefold()]}”; each plan needs "
            "its own name (a difference in capitals does not count).",
        )
    start, end = form.cleaned.get("start_date"), form.cleaned.get("end_date")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        form.error("end_date", "The plan cannot end before it starts.")
    form.cleaned = {name: form.cleaned[name] for name in PLAN_FIELDS if name in form.cleaned}
    return form


def _other_plan_names(session: Session, plan_id: int | None) -> dict[str, str]:
    query = sa.select(col(ImprovementPlan.id), col(ImprovementPlan.name))
    return {
        row.name.casefold(): row.name
        for row in session.connection().execute(query)
        if row.id != plan_id
    }


def validate_plan_draft(
    *, workspace: Workspace, draft: PlanDraft, plan_id: int | None = None
) -> list[FieldProblem]:
    """Every problem with ``draft`` for the plan ``plan_id`` (None for a new plan)."""
    with workspace.database.session() as session:
        return _check_plan(draft, _other_plan_names(session, plan_id)).problems


def _check_event(draft: PlanEventDraft, session: Session) -> _Form:
    form = _Form()
    form.line("title", draft.title, label="The title", required="Give the event a title.")
    form.choice("kind", draft.kind, PlanEventKind, label="The kind")
    form.date("start_date", draft.start_date, label="The start date", required=True)
    form.date("end_date", draft.end_date, label="The end date")
    form.choice("date_precision", draft.date_precision, DatePrecision, label="The precision")
    form.text("notes", draft.notes, label="The notes")
    plan_id: object = draft.plan_id  # typed, but a form may hand over anything
    if plan_id is None:
        form.cleaned["plan_id"] = None
    elif isinstance(plan_id, int) and not isinstance(plan_id, bool):
        if _exists(session, ImprovementPlan, plan_id):
            form.cleaned["plan_id"] = plan_id
        else:
            form.error("plan_id", "That plan is not there any more; choose another, or none.")
    else:
        form.error("plan_id", "The plan must be chosen from the list, or none.")
    start, end = form.cleaned.get("start_date"), form.cleaned.get("end_date")
    if isinstance(start, dt.date) and form.cleaned.get("date_precision") is DatePrecision.MONTH:
        # Only the month is known: stored on the 1st, so equal months compare equal.
        start = form.cleaned["start_date"] = start.replace(day=1)
        if isinstance(end, dt.date):
            end = form.cleaned["end_date"] = end.replace(day=1)
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        if end < start:
            form.error("end_date", "The event cannot end before it starts.")
        elif end == start:
            form.cleaned["end_date"] = None  # a single day (or month)
    form.cleaned = {name: form.cleaned[name] for name in EVENT_FIELDS if name in form.cleaned}
    return form


def validate_event_draft(*, workspace: Workspace, draft: PlanEventDraft) -> list[FieldProblem]:
    """Every problem with ``draft``, as ``create_event`` and ``update_event`` would refuse it."""
    with workspace.database.session() as session:
        return _check_event(draft, session).problems


# ------------------------------------------------------------------ plans


def create_plan(
    *,
    workspace: Workspace,
    draft: PlanDraft,
    plan_id: int | None = None,
    clock: Clock = utc_now,
) -> PlanChange:
    """Add a plan. Inverse: ``delete_plan``. ``plan_id`` is for putting a deleted plan back."""
    with workspace.database.session() as session:
        form = _check_plan(draft, _other_plan_names(session, plan_id))
        if form.problems:
            raise ValidationError(_named(draft.name, "The new plan"), form.problems)
        fields = form.cleaned
        name = str(fields["name"])
        taken = ConflictError(
            f"Someone else has just saved a plan called “{name}”; {_SAVED_NOT}. "
            "Reload, and choose another name.",
            table=ImprovementPlan.__tablename__,
            row_id=plan_id,
            expected_version=None,
            actual_version=None,
        )
        new_id = _insert(session, _PLAN, ident=plan_id, name=name, values=fields, taken=taken)
        target = _Target(_PLAN, new_id, plan_id=new_id, name=name)
        target.audit(session, workspace, ChangeKind.CREATE, {}, fields, clock=clock)
    return target.change(ChangeKind.CREATE, 1, {}, fields)


def update_plan(
    *,
    workspace: Workspace,
    plan_id: int,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> PlanChange:
    """Change some of a plan's fields (``PLAN_FIELDS``). Inverse: ``changes=c.before``."""
    _check_fields(changes, PLAN_FIELDS, "update_plan")
    with workspace.database.session() as session:
        row = _load(session, _PLAN, plan_id)
        target = _Target(_PLAN, plan_id, plan_id=plan_id, name=row.name)
        target.check_version(row.version, expected_version)
        current = _fields(row, PLAN_FIELDS)
        draft_fields: dict[str, Any] = {**current, **changes}
        form = _check_plan(PlanDraft(**draft_fields), _other_plan_names(session, plan_id))
        if form.problems:
            raise ValidationError(target.what, form.problems)
        before, after = _differences(current, form.cleaned)
        target = dataclasses.replace(target, name=str(form.cleaned["name"]))
        if not after:
            return target.change(ChangeKind.UPDATE, row.version, {}, {})
        version = target.update(session, expected_version, after)
        target.audit(session, workspace, ChangeKind.UPDATE, before, after, clock=clock)
    return target.change(ChangeKind.UPDATE, version, before, after)


def delete_plan(
    *, workspace: Workspace, plan_id: int, expected_version: int, clock: Clock = utc_now
) -> PlanChange:
    """Delete an empty plan. Inverse: ``create_plan(draft=PlanDraft(**c.before), plan_id=…)``.

    Refused (``NotAllowedError``) while it has priority areas, actions or events.
    """
    with workspace.database.session() as session:
        row = _load(session, _PLAN, plan_id)
        target = _Target(_PLAN, plan_id, plan_id=plan_id, name=row.name)
        target.check_version(row.version, expected_version)
        connection = session.connection()
        held = [
            _count_words(
                connection.execute(
                    sa.select(sa.func.count()).select_from(table).where(column == plan_id)
                ).scalar_one(),
                noun,
            )
            for table, column, noun in (
                (PriorityArea, col(PriorityArea.plan_id), "priority area"),
                (Action, col(Action.plan_id), "action"),
                (PlanEvent, col(PlanEvent.plan_id), "event"),
            )
        ]
        held = [words for words in held if words]
        if held:
            raise NotAllowedError(
                f"{target.what} still has {_and_join(held)}, so it cannot be deleted: delete "
                "or move them first, or mark the plan closed."
            )
        before = _fields(row, PLAN_FIELDS)
        target.delete(session, expected_version)
        target.audit(session, workspace, ChangeKind.DELETE, before, {}, clock=clock)
    return target.change(ChangeKind.DELETE, None, before, {})


# ------------------------------------------------------------------ priority areas


def _area_order(session: Session, plan_id: int) -> list[int]:
    query = (
        sa.select(col(PriorityArea.id))
        .where(col(PriorityArea.plan_id) == plan_id)
        .order_by(col(PriorityArea.position), col(PriorityArea.id))
    )
    return [row.id for row in session.connection().execute(query)]


def _renumber(session: Session, order: Iterable[int], *, skip: int | None = None) -> bool:
    """Give the areas in ``order`` positions 1, 2, 3 …; True if any other than ``skip`` moved.

    Plain updates, no version bump: see the module contract.
    """
    connection = session.connection()
    moved = False
    for position, area_id in enumerate(order, start=1):
        result = connection.execute(
            sa.update(PriorityArea)
            .where(col(PriorityArea.id) == area_id, col(PriorityArea.position) != position)
            .values(position=position)
        )
        moved = moved or (result.rowcount > 0 and area_id != skip)
    return moved


def _check_area_name(session: Session, plan_id: int, name: object, area_id: int | None) -> str:
    form = _Form()
    form.line("name", name, label="The name", required="Give the priority area a name.")
    cleaned = form.cleaned.get("name")
    if isinstance(cleaned, str):
        query = sa.select(col(PriorityArea.id), col(PriorityArea.name)).where(
            col(PriorityArea.plan_id) == plan_id
        )
        for row in session.connection().execute(query):
            if row.id != area_id and row.name.casefold() == cleaned.casefold():
                form.error(
                    "name",
                    f"The plan already has a priority area “{row.name}”; each needs its own "
                    "name (a difference in capitals does not count).",
                )
    if form.problems:
        raise ValidationError(_named(name, "The priority area"), form.problems)
    return str(cleaned)


def _check_position(position: object, last: int, target: _Target) -> int:
    if isinstance(position, int) and not isinstance(position, bool) and 1 <= position <= last:
        return position
    raise ValidationError(
        target.what,
        [FieldProblem(field="position", message=f"The position must be from 1 to {last}.")],
    )


def add_priority_area(
    *,
    workspace: Workspace,
    plan_id: int,
    name: str,
    position: int | None = None,
    area_id: int | None = None,
    clock: Clock = utc_now,
) -> PlanChange:
    """Add a priority area to a plan, last or at ``position`` (1 = first), moving later ones down.

    Inverse: ``delete_priority_area``. ``area_id`` is for putting a deleted area back.
    """
    with workspace.database.session() as session:
        plan = _load(session, _PLAN, plan_id)
        cleaned = _check_area_name(session, plan_id, name, area_id)
        order = _area_order(session, plan_id)
        target = _Target(_AREA, area_id or 0, plan_id=plan_id, name=cleaned)
        wanted = _check_position(
            len(order) + 1 if position is None else position, len(order) + 1, target
        )
        taken = ConflictError(
            f"Someone else has just added a priority area “{cleaned}” to “{plan.name}”; "
            f"{_SAVED_NOT}. Reload to see it.",
            table=PriorityArea.__tablename__,
            row_id=area_id,
            expected_version=None,
            actual_version=None,
        )
        # Inserted last, then moved into place with the others renumbered.
        values = {"plan_id": plan_id, "name": cleaned, "position": len(order) + 1}
        new_id = _insert(session, _AREA, ident=area_id, name=cleaned, values=values, taken=taken)
        target = dataclasses.replace(target, row_id=new_id)
        order.insert(wanted - 1, new_id)
        moved = _renumber(session, order, skip=new_id)
        after = {"name": cleaned, "position": wanted}
        audited = {"plan_id": plan_id, **after}
        target.audit(session, workspace, ChangeKind.CREATE, {}, audited, clock=clock)
    return target.change(ChangeKind.CREATE, 1, {}, after, areas_changed=moved)


def rename_priority_area(
    *,
    workspace: Workspace,
    area_id: int,
    expected_version: int,
    name: str,
    clock: Clock = utc_now,
) -> PlanChange:
    """Rename a priority area. Inverse: the same with ``name=c.before["name"]``."""
    with workspace.database.session() as session:
        row = _load(session, _AREA, area_id)
        target = _Target(_AREA, area_id, plan_id=row.plan_id, name=row.name)
        target.check_version(row.version, expected_version)
        cleaned = _check_area_name(session, row.plan_id, name, area_id)
        target = dataclasses.replace(target, name=cleaned)
        if cleaned == row.name:
            return target.change(ChangeKind.UPDATE, row.version, {}, {})
        before, after = {"name": row.name}, {"name": cleaned}
        version = target.update(session, expected_version, after)
        target.audit(session, workspace, ChangeKind.UPDATE, before, after, clock=clock)
    return target.change(ChangeKind.UPDATE, version, before, after)


def move_priority_area(
    *,
    workspace: Workspace,
    area_id: int,
    expected_version: int,
    position: int,
    clock: Clock = utc_now,
) -> PlanChange:
    """Move a priority area to ``position`` (1 = first), the others closing up around it.

    Inverse: the same with ``position=c.before["position"]``.
    """
    with workspace.database.session() as session:
        row = _load(session, _AREA, area_id)
        target = _Target(_AREA, area_id, plan_id=row.plan_id, name=row.name)
        target.check_version(row.version, expected_version)
        order = _area_order(session, row.plan_id)
        wanted = _check_position(position, len(order), target)
        old_position = order.index(area_id) + 1
        if wanted == old_position == row.position:
            return target.change(ChangeKind.UPDATE, row.version, {}, {})
        order.remove(area_id)
        order.insert(wanted - 1, area_id)
        moved = _renumber(session, order, skip=area_id)
        before, after = {"position": old_position}, {"position": wanted}
        # The position is written already; this bumps the version under the check.
        version = target.update(session, expected_version, after)
        target.audit(session, workspace, ChangeKind.UPDATE, before, after, clock=clock)
    return target.change(ChangeKind.UPDATE, version, before, after, areas_changed=moved)


def delete_priority_area(
    *, workspace: Workspace, area_id: int, expected_version: int, clock: Clock = utc_now
) -> PlanChange:
    """Delete a priority area without actions; later ones move up. Inverse: see the module."""
    with workspace.database.session() as session:
        row = _load(session, _AREA, area_id)
        target = _Target(_AREA, area_id, plan_id=row.plan_id, name=row.name)
        target.check_version(row.version, expected_version)
        actions = (
            session.connection()
            .execute(
                sa.select(sa.func.count())
                .select_from(Action)
                .where(col(Action.priority_area_id) == area_id)
            )
            .scalar_one()
        )
        if actions:
            raise NotAllowedError(
                f"{target.what} has {_count_words(actions, 'action')}, so it cannot be "
                "deleted: move them to another area, or delete them, first."
            )
        order = _area_order(session, row.plan_id)
        before = {"name": row.name, "position": order.index(area_id) + 1}
        target.delete(session, expected_version)
        order.remove(area_id)
        moved = _renumber(session, order)
        audited = {"plan_id": row.plan_id, **before}
        target.audit(session, workspace, ChangeKind.DELETE, audited, {}, clock=clock)
    return target.change(ChangeKind.DELETE, None, before, {}, areas_changed=moved)


# ------------------------------------------------------------------ events


def create_event(
    *,
    workspace: Workspace,
    draft: PlanEventDraft,
    event_id: int | None = None,
    clock: Clock = utc_now,
) -> PlanChange:
    """Add an event or milestone. Inverse: ``delete_event``.

    ``event_id`` is for putting a deleted event back.
    """
    with workspace.database.session() as session:
        form = _check_event(draft, session)
        if form.problems:
            raise ValidationError(_named(draft.title, "The new event"), form.problems)
        fields = form.cleaned
        title = str(fields["title"])
        new_id = _insert(session, _EVENT, ident=event_id, name=title, values=fields)
        target = _Target(_EVENT, new_id, plan_id=_plan_of(fields), name=title)
        target.audit(session, workspace, ChangeKind.CREATE, {}, fields, clock=clock)
    return target.change(ChangeKind.CREATE, 1, {}, fields)


def update_event(
    *,
    workspace: Workspace,
    event_id: int,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> PlanChange:
    """Change some of an event's fields (``EVENT_FIELDS``). Inverse: ``changes=c.before``."""
    _check_fields(changes, EVENT_FIELDS, "update_event")
    with workspace.database.session() as session:
        row = _load(session, _EVENT, event_id)
        target = _Target(_EVENT, event_id, plan_id=row.plan_id, name=row.title)
        target.check_version(row.version, expected_version)
        current = _fields(row, EVENT_FIELDS)
        draft_fields: dict[str, Any] = {**current, **changes}
        form = _check_event(PlanEventDraft(**draft_fields), session)
        if form.problems:
            raise ValidationError(target.what, form.problems)
        before, after = _differences(current, form.cleaned)
        target = dataclasses.replace(
            target, name=str(form.cleaned["title"]), plan_id=_plan_of(form.cleaned)
        )
        if not after:
            return target.change(ChangeKind.UPDATE, row.version, {}, {})
        version = target.update(session, expected_version, after)
        target.audit(session, workspace, ChangeKind.UPDATE, before, after, clock=clock)
    return target.change(ChangeKind.UPDATE, version, before, after)


def delete_event(
    *, workspace: Workspace, event_id: int, expected_version: int, clock: Clock = utc_now
) -> PlanChange:
    """Delete an event. Inverse: ``create_event(draft=PlanEventDraft(**c.before), event_id=…)``."""
    with workspace.database.session() as session:
        row = _load(session, _EVENT, event_id)
        target = _Target(_EVENT, event_id, plan_id=row.plan_id, name=row.title)
        target.check_version(row.version, expected_version)
        before = _fields(row, EVENT_FIELDS)
        target.delete(session, expected_version)
        target.audit(session, workspace, ChangeKind.DELETE, before, {}, clock=clock)
    return target.change(ChangeKind.DELETE, None, before, {})


# ------------------------------------------------------------------ undo


def revert_plan_change(
    *,
    workspace: Workspace,
    change: PlanChange,
    expected_version: int | None = None,
    clock: Clock = utc_now,
) -> PlanChange:
    """Apply the inverse of ``change`` (the table in the module docstring); its change.

    ``expected_version`` is the changed row's current version, when something
    has changed it since ``change`` was made; by default ``change.version``.
    It is not used to undo a deletion.
    """
    if not change.changed:
        return change  # a no-op is its own inverse
    if change.kind is ChangeKind.DELETE:
        return _put_back(workspace, change, clock)
    return _undo_in_place(workspace, change, expected_version, clock)


def _undo_in_place(
    workspace: Workspace, change: PlanChange, expected_version: int | None, clock: Clock
) -> PlanChange:
    """The inverse of a create (a delete) or of an update (the update back)."""
    version = change.version if expected_version is None else expected_version
    if version is None:
        raise ValueError("This change deleted its row: say which version to expect.")
    ident = change.row_id
    before: dict[str, Any] = dict(change.before)
    common: dict[str, Any] = {"workspace": workspace, "expected_version": version, "clock": clock}
    if change.kind is ChangeKind.CREATE:
        delete: dict[PlanSubject, Callable[[], PlanChange]] = {
            PlanSubject.PLAN: lambda: delete_plan(plan_id=ident, **common),
            PlanSubject.AREA: lambda: delete_priority_area(area_id=ident, **common),
            PlanSubject.EVENT: lambda: delete_event(event_id=ident, **common),
        }
        return delete[change.subject]()
    if change.subject is PlanSubject.PLAN:
        return update_plan(plan_id=ident, changes=before, **common)
    if change.subject is PlanSubject.EVENT:
        return update_event(event_id=ident, changes=before, **common)
    # An area's change is either a move or a rename, never both.
    if "position" in before:
        return move_priority_area(area_id=ident, position=before["position"], **common)
    return rename_priority_area(area_id=ident, name=before["name"], **common)


def _put_back(workspace: Workspace, change: PlanChange, clock: Clock) -> PlanChange:
    """The inverse of a deletion: the row again, with its id."""
    before: dict[str, Any] = dict(change.before)
    if change.subject is PlanSubject.PLAN:
        return create_plan(
            workspace=workspace, draft=PlanDraft(**before), plan_id=change.row_id, clock=clock
        )
    if change.subject is PlanSubject.EVENT:
        return create_event(
            workspace=workspace,
            draft=PlanEventDraft(**before),
            event_id=change.row_id,
            clock=clock,
        )
    assert change.plan_id is not None  # every area belongs to a plan
    return add_priority_area(
        workspace=workspace,
        plan_id=change.plan_id,
        name=before["name"],
        position=before["position"],
        area_id=change.row_id,
        clock=clock,
    )


# ------------------------------------------------------------------ helpers

_Table = type[ImprovementPlan] | type[PriorityArea] | type[PlanEvent]


@dataclasses.dataclass(frozen=True, slots=True)
class _Kind:
    """One of the three tables this module writes, and how to speak of its rows."""

    table: _Table
    subject: PlanSubject
    noun: str  # "plan": for messages
    not_found: str  # the kind ``NotFoundError`` names


_PLAN: Final = _Kind(ImprovementPlan, PlanSubject.PLAN, "plan", "improvement plan")
_AREA: Final = _Kind(PriorityArea, PlanSubject.AREA, "priority area", "priority area")
_EVENT: Final = _Kind(PlanEvent, PlanSubject.EVENT, "event", "event")


@dataclasses.dataclass(frozen=True, slots=True)
class _Target:
    """The row a mutation works on: its checks, writes, audit and change in one place."""

    kind: _Kind
    row_id: int
    plan_id: int | None
    name: str  # the plan's or area's name, the event's title

    @property
    def what(self) -> str:
        """ "The plan “12-Week Improvement Plan”": the row as messages name it."""
        return f"The {self.kind.noun} “{self.name}”"

    def conflict(self, expected: int, actual: int | None) -> ConflictError:
        if actual is None:
            message = f"{self.what} was deleted by someone else since you opened it; {_SAVED_NOT}."
        else:
            message = (
                f"{self.what} was changed by someone else since you opened it; {_SAVED_NOT}. "
                "Reload to see theirs."
            )
        return ConflictError(
            message,
            table=self.kind.table.__tablename__,
            row_id=self.row_id,
            expected_version=expected,
            actual_version=actual,
        )

    def check_version(self, actual: int, expected: int) -> None:
        if actual != expected:
            raise self.conflict(expected, actual)

    def update(self, session: Session, expected: int, changes: Mapping[str, object]) -> int:
        try:
            return update_versioned(
                session, self.kind.table, self.row_id, expected_version=expected, changes=changes
            )
        except RowVersionError as error:
            # Checked at the start of the transaction already: only a write that
            # lost a race since (on a server database) gets here.
            actual = error.actual_version if isinstance(error, StaleRowError) else None
            raise self.conflict(expected, actual) from error

    def delete(self, session: Session, expected: int) -> None:
        try:
            delete_versioned(session, self.kind.table, self.row_id, expected_version=expected)
        except RowVersionError as error:
            actual = error.actual_version if isinstance(error, StaleRowError) else None
            raise self.conflict(expected, actual) from error

    def audit(
        self,
        session: Session,
        workspace: Workspace,
        change: ChangeKind,
        before: Mapping[str, object],
        after: Mapping[str, object],
        *,
        clock: Clock,
    ) -> None:
        record_audit(
            session,
            who=workspace.user,
            table=self.kind.table.__tablename__,
            row_id=self.row_id,
            change=change.value,
            details={"name": self.name, "fields": field_changes(before, after)},
            clock=clock,
        )

    def change(
        self,
        kind: ChangeKind,
        version: int | None,
        before: Mapping[str, object],
        after: Mapping[str, object],
        *,
        areas_changed: bool = False,
    ) -> PlanChange:
        return PlanChange(
            kind=kind,
            subject=self.kind.subject,
            row_id=self.row_id,
            plan_id=None if self.plan_id is None else PlanId(self.plan_id),
            name=self.name,
            version=version,
            before=MappingProxyType(dict(before)),
            after=MappingProxyType(dict(after)),
            areas_changed=areas_changed,
        )


def _load(session: Session, kind: _Kind, ident: int) -> _Row:
    table = kind.table
    row = session.connection().execute(sa.select(table).where(col(table.id) == ident)).first()
    if row is None:
        raise NotFoundError(kind.not_found, ident)
    return row


def _exists(session: Session, table: _Table, ident: int) -> bool:
    query = sa.select(col(table.id)).where(col(table.id) == ident)
    return session.connection().execute(query).first() is not None


def _insert(
    session: Session,
    kind: _Kind,
    *,
    ident: int | None,
    name: str,
    values: Mapping[str, object],
    taken: ConflictError | None = None,
) -> int:
    """Insert one row (with ``ident``, to put a deleted one back); its id.

    An ``ident`` that is taken is a ``ConflictError``; so is a unique key
    taken meanwhile (``taken``, when the table has one).
    """
    table = kind.table
    id_taken = ConflictError(
        f"The {kind.noun} “{name}” could not be put back: another has taken its place "
        f"(id {ident}) meanwhile. Add it again as a new one.",
        table=table.__tablename__,
        row_id=ident,
        expected_version=None,
        actual_version=None,
    )
    if ident is not None and _exists(session, table, ident):
        raise id_taken
    identity = {} if ident is None else {"id": ident}
    statement = sa.insert(table).values({**identity, **values, "version": 1})
    try:
        result = session.connection().execute(statement)
    except sa.exc.IntegrityError as error:
        # Checked in this transaction before inserting: only a concurrent
        # writer on a server database gets here, and the person must reload.
        raise (taken or id_taken) from error
    (row_id,) = result.inserted_primary_key or (None,)
    if row_id is None:  # every supported database returns the new key
        raise RuntimeError(f"The database did not return the new {table.__tablename__} id.")
    return int(row_id)


def _fields(row: _Row, names: Iterable[str]) -> dict[str, object]:
    """The named fields of a row, enumerations as members."""
    mapping = row._mapping
    fields = {name: mapping[name] for name in names}
    for name, enum in (
        ("status", PlanStatus),
        ("kind", PlanEventKind),
        ("date_precision", DatePrecision),
    ):
        if fields.get(name) is not None:
            fields[name] = enum(fields[name])
    return fields


def _plan_of(fields: Mapping[str, object]) -> int | None:
    plan_id = fields.get("plan_id")
    return plan_id if isinstance(plan_id, int) else None


def _differences(
    current: Mapping[str, object], cleaned: Mapping[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """(old, new) of the fields in ``cleaned`` whose value differs from ``current``."""
    changed = [name for name, value in cleaned.items() if value != current[name]]
    return {name: current[name] for name in changed}, {name: cleaned[name] for name in changed}


def _check_fields(changes: Mapping[str, object], allowed: Iterable[str], function: str) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValueError(f"{function} cannot change {', '.join(unknown)}.")


def _named(name: object, fallback: str) -> str:
    text = name.strip() if isinstance(name, str) else ""
    return f"“{text}”" if text else fallback


def _count_words(count: int, noun: str) -> str:
    if not count:
        return ""
    return f"one {noun}" if count == 1 else f"{count} {noun}s"


def _and_join(items: list[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
