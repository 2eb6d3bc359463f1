"""Editing improvement-plan actions: their fields, progress updates with history, RAG overrides.

Every mutation here is keyword-only, takes the workspace first, runs in one
short transaction, checks the action's version the caller saw (optimistic
concurrency: ``ConflictError`` when someone else changed or deleted it since),
writes its audit entries (author ``workspace.user``) in the same transaction,
and returns an ``ActionChange``: the action, its new version, the changed
fields before and after, and the history entry written or removed. Each
takes ``clock`` (default ``audit.utc_now``) for the times it records.

Errors (``services.errors``), each leaving the database as it was:
``ValidationError`` (``problems`` per field) for what was typed;
``ConflictError`` for a stale version; ``NotAllowedError`` for what the rules
forbid; ``NotFoundError`` for an unknown action or plan. Passing a field a
function does not edit is a programming error (``ValueError``).

Rules:
- a ref is letters and digits in parts joined by full stops or hyphens ("2.3",
  "2.3a", "P1"; ``domain.actions.is_valid_action_ref``), unique within its
  plan ignoring capitals; ``suggest_next_ref`` proposes the next one in an
  area ("2.4" after "2.3"). A ref is stable: it is set when the action is
  created and not edited afterwards (update forms and papers cite it);
- a description is required (stored without surrounding blank space); a
  priority area must be one of the action's plan's; a resolution and
  indicators must exist; indicator links are a set (stored once each, listed
  by id);
- a lead is named by a person's id or by a name: the person of that name
  (ignoring capitals and spacing; the lowest id if there are several), or a
  new person added to the people list, audited, in the same transaction.
  Before and after hold ``lead_id``;
- status and progress (0–100) change only through ``record_action_update``
  (or ``record_action_updates`` for many in one transaction, or
  ``record_action_update_in`` inside a transaction the caller owns, as an
  import of returned update forms needs). A change of status and/or progress and/or a
  note is **one** ``action_update`` row — text, old and new status, old and
  new progress (both recorded even when unchanged, so the history chains),
  who (``workspace.user``, or the officer an import names), at (the clock's
  time, aware, UTC) — written in the same transaction as the action's own
  update. A note alone is an update too (and bumps the action's version, so
  a form issued before it is seen to be out of date); nothing at all is a
  no-op. Complete with progress under 100 is a warning, not an error;
- a RAG override needs a reason, which is kept with it; clearing it (``rag``
  None) is recorded too: the audit entry keeps the rating and reason cleared,
  and any note given for clearing;
- an action is deleted only while it has no history (deleting undoes a
  create; an action that has been worked on is kept: mark it complete).

Undo. An ``action_update`` row is history: written once and never edited. So
undoing ``record_action_update`` **deletes the row it wrote** and puts the
status and progress back — only when that row is still the action's newest
and the action is still as the row left it; otherwise ``NotAllowedError``
says a newer update exists and that a correcting update is the way to go.
Redoing puts the very same row back (same id where free, same text, who and
time). Each mutation's inverse, from its change ``c`` and the action's
current version ``v`` (``c.version`` unless something has changed it since;
versions only go up, so an undo stack tracks the latest per action):

===================================  ====================================================
mutation                             inverse
===================================  ====================================================
``create_action``                    ``delete_action(action_id=c.action_id,
                                     expected_version=v)``
``update_action``                    ``update_action(…, expected_version=v,
                                     changes=c.before)``
``set_rag_override``                 ``set_rag_override(…, expected_version=v,
                                     rag=c.before["rag_override"],
                                     reason=c.before["rag_override_reason"])``
``record_action_update``             ``remove_action_update(action_id=c.action_id,
(and ``restore_action_update``)      update_id=c.entry.id, expected_version=v)``
``remove_action_update``             ``restore_action_update(entry=c.entry,
                                     expected_version=v)``
``delete_action``                    ``create_action(draft=<from c.before>,
                                     action_id=c.action_id, rag_override=…,
                                     rag_override_reason=…, is_sample=…)``
===================================  ====================================================

``revert_action_change(workspace=…, change=c, expected_version=v)`` makes that
call and returns its change, whose own inverse is the original mutation. What
comes back after an undo equals what was there before in every field but the
version. Not undone: a person added by naming a new lead stays in the people
list (it is shared), and audit entries are never removed (undo is audited too).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, TypeGuard, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col

from qpmr_desktop.domain.actions import (
    MAX_ACTION_REF_LENGTH,
    ActionRag,
    ActionStatus,
    is_valid_action_ref,
    suggest_action_ref,
)
from qpmr_desktop.domain.ids import ActionId, PlanId
from qpmr_desktop.services.actions import action_update_row
from qpmr_desktop.services.audit import Clock, field_changes, record_audit, utc_now
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.read_models import (
    ActionChange,
    ActionChangeKind,
    ActionDraft,
    ActionUpdateRow,
    FieldProblem,
    Severity,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    Action,
    ActionIndicator,
    ActionUpdate,
    ImprovementPlan,
    Indicator,
    Person,
    PriorityArea,
    Resolution,
)
from qpmr_desktop.storage.versioning import RowVersionError, StaleRowError, update_versioned

__all__ = [
    "ACTION_FIELDS",
    "MAX_PROGRESS",
    "ActionUpdateRequest",
    "create_action",
    "delete_action",
    "record_action_update",
    "record_action_update_in",
    "record_action_updates",
    "remove_action_update",
    "restore_action_update",
    "revert_action_change",
    "set_rag_override",
    "suggest_next_ref",
    "update_action",
    "validate_action_draft",
    "validate_action_update",
]

#: The fields ``update_action`` edits (it also takes ``lead``: a name or a person's id).
ACTION_FIELDS: Final = (
    "description",
    "priority_area_id",
    "lead_id",
    "due_date",
    "resolution_id",
    "indicator_ids",
)
MAX_PROGRESS: Final = 100
MAX_NAME_LENGTH: Final = 200

# Everything an action holds, as a deletion records it for its inverse to put back.
_ROW_FIELDS: Final = (
    "ref",
    "description",
    "priority_area_id",
    "lead_id",
    "due_date",
    "status",
    "progress",
    "rag_override",
    "rag_override_reason",
    "resolution_id",
    "is_sample",
)
_ALL_FIELDS: Final = (*_ROW_FIELDS, "indicator_ids")
_OVERRIDE_FIELDS: Final = ("rag_override", "rag_override_reason")
_STATE_FIELDS: Final = ("status", "progress")
_SAVED_NOT = "your change was not saved"
_E = TypeVar("_E", ActionStatus, ActionRag)


@dataclasses.dataclass(frozen=True, slots=True)
class ActionUpdateRequest:
    """One progress update for ``record_action_updates``: what ``record_action_update`` takes.

    ``status`` and ``progress`` None leave them as they are; ``who`` None is
    ``workspace.user`` (an import names the officer whose form it was).
    """

    action_id: int
    expected_version: int
    status: ActionStatus | str | None = None
    progress: int | None = None
    note: str = ""
    who: str | None = None


# ------------------------------------------------------------------ validation


class _Form:
    """Cleaned fields and the problems found while cleaning them."""

    def __init__(self) -> None:
        self.cleaned: dict[str, object] = {}
        self.problems: list[FieldProblem] = []
        self.new_lead: str | None = None  # a name to add to the people list when saving

    def error(self, field: str, message: str) -> None:
        self.problems.append(FieldProblem(field=field, message=message))

    def warn(self, field: str, message: str) -> None:
        self.problems.append(FieldProblem(field=field, message=message, severity=Severity.WARNING))

    @property
    def has_errors(self) -> bool:
        return any(problem.severity is Severity.ERROR for problem in self.problems)

    def choice(self, field: str, value: object, enum: type[_E], *, label: str) -> None:
        member = _member(enum, value)
        if member is None:
            choices = ", ".join(item.value for item in enum)
            self.error(field, f"{label} must be one of: {choices}.")
        else:
            self.cleaned[field] = member

    def progress(self, value: object) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_PROGRESS:
            self.cleaned["progress"] = value
        else:
            self.error("progress", f"Progress must be a whole number from 0 to {MAX_PROGRESS} (%).")


def _member(enum: type[_E], value: object) -> _E | None:
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            return None  # not one of the values: the caller reports it
    return None


def _is_id(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclasses.dataclass(frozen=True, slots=True)
class _Context:
    """What checking an action's fields needs from the database."""

    plan_id: int
    other_refs: Mapping[str, str]  # casefolded ref → ref, the plan's other actions
    area_ids: frozenset[int]  # the plan's priority areas
    people: Mapping[int, str]  # id → name


def _context(session: Session, plan_id: int, action_id: int | None) -> _Context:
    connection = session.connection()
    refs = connection.execute(
        sa.select(col(Action.id), col(Action.ref)).where(col(Action.plan_id) == plan_id)
    )
    areas = connection.execute(
        sa.select(col(PriorityArea.id)).where(col(PriorityArea.plan_id) == plan_id)
    )
    people = connection.execute(sa.select(col(Person.id), col(Person.name)))
    return _Context(
        plan_id=plan_id,
        other_refs={row.ref.casefold(): row.ref for row in refs if row.id != action_id},
        area_ids=frozenset(row.id for row in areas),
        people={row.id: row.name for row in people},
    )


def _find_person(people: Mapping[int, str], name: str) -> int | None:
    """The person called ``name``: exactly, else ignoring capitals and spacing; lowest id."""
    exact = sorted(ident for ident, known in people.items() if known == name)
    if exact:
        return exact[0]
    folded = _folded(name)
    similar = sorted(ident for ident, known in people.items() if _folded(known) == folded)
    return similar[0] if similar else None


def _clean_fields(
    session: Session, form: _Form, fields: Mapping[str, object], context: _Context
) -> None:
    """Clean each of ``fields`` (any of an action's editable fields) into ``form``."""
    for field, value in fields.items():
        _CLEANERS[field](session, form, value, context)


def _clean_description(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001 - one signature for every cleaner
    if isinstance(value, str) and value.strip():
        form.cleaned["description"] = value.strip()
    else:
        form.error("description", "Describe the action.")


def _clean_area(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001
    if value is None or (_is_id(value) and value in context.area_ids):
        form.cleaned["priority_area_id"] = value
    else:
        form.error(
            "priority_area_id",
            "That priority area is not in this plan (any more); choose one of the plan's "
            "areas, or none.",
        )


def _clean_due_date(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        form.cleaned["due_date"] = value
    else:
        form.error("due_date", "The due date must be a date, or empty.")


def _clean_status(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001
    form.choice("status", value, ActionStatus, label="The status")


def _clean_progress(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001
    form.progress(value)


def _clean_ref(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001
    ref = value.strip() if isinstance(value, str) else None
    if not ref:
        form.error("ref", "Give the action a ref, such as 2.3.")
    elif not is_valid_action_ref(ref):
        form.error(
            "ref",
            "A ref is letters and numbers in parts joined by full stops or hyphens, such as "
            f"2.3, 2.3a or P1, with no spaces and at most {MAX_ACTION_REF_LENGTH} characters.",
        )
    elif ref.casefold() in context.other_refs:
        form.error(
            "ref",
            f"Another action of this plan is {context.other_refs[ref.casefold()]}; each action "
            "of a plan needs its own ref (a difference in capitals does not count).",
        )
    else:
        form.cleaned["ref"] = ref


def _clean_lead(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001
    """A person's id or a name (to find or add); empty for no lead."""
    _clean_person(form, value, context, by_id_only=False)


def _clean_lead_id(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001
    """A person's id, or None: how a change's ``before`` names the lead."""
    _clean_person(form, value, context, by_id_only=True)


def _clean_person(form: _Form, value: object, context: _Context, *, by_id_only: bool) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        form.cleaned["lead_id"] = None
    elif _is_id(value):
        if value in context.people:
            form.cleaned["lead_id"] = value
        else:
            form.error(
                "lead",
                "That person is not in the people list any more; choose another, or type a name.",
            )
    elif isinstance(value, str) and not by_id_only:
        name = " ".join(value.split())
        if len(name) > MAX_NAME_LENGTH or any(c in value.strip() for c in "\r\n\t"):
            form.error(
                "lead",
                f"The lead's name must be one line of at most {MAX_NAME_LENGTH} characters.",
            )
            return
        found = _find_person(context.people, name)
        if found is None:
            form.new_lead = name
            form.cleaned["lead_id"] = _NEW_PERSON
        else:
            form.cleaned["lead_id"] = found
    else:
        form.error("lead", "Choose the lead from the people list, or type a name.")


# Stands for "the person about to be added" until the id is known; never equal
# to a real id, so a new lead always counts as a change.
_NEW_PERSON: Final = -1


def _clean_resolution(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001
    if value is None:
        form.cleaned["resolution_id"] = None
        return
    query = sa.select(col(Resolution.id)).where(col(Resolution.id) == value)
    if _is_id(value) and session.connection().execute(query).first() is not None:
        form.cleaned["resolution_id"] = value
    else:
        form.error(
            "resolution_id",
            "That resolution is not in the minutes any more; choose another, or none.",
        )


def _clean_indicators(session: Session, form: _Form, value: object, context: _Context) -> None:  # noqa: ARG001
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        form.error("indicator_ids", "Choose the indicators from the list.")
        return
    wanted = list(value)
    if not all(_is_id(ident) for ident in wanted):
        form.error("indicator_ids", "Choose the indicators from the list.")
        return
    ids = tuple(sorted(set(wanted)))
    query = sa.select(col(Indicator.id)).where(col(Indicator.id).in_(ids))
    found = {row.id for row in session.connection().execute(query)}
    missing = [ident for ident in ids if ident not in found]
    if missing:
        form.error(
            "indicator_ids",
            f"{_plural(len(missing), 'indicator')} chosen (id {', '.join(map(str, missing))}) "
            "are not there any more; choose again.",
        )
    else:
        form.cleaned["indicator_ids"] = ids


_Cleaner = Callable[[Session, _Form, object, _Context], None]
_CLEANERS: Final[Mapping[str, _Cleaner]] = MappingProxyType(
    {
        "ref": _clean_ref,
        "description": _clean_description,
        "priority_area_id": _clean_area,
        "lead": _clean_lead,
        "lead_id": _clean_lead_id,
        "due_date": _clean_due_date,
        "status": _clean_status,
        "progress": _clean_progress,
        "resolution_id": _clean_resolution,
        "indicator_ids": _clean_indicators,
    }
)


def _warn_complete(form: _Form, status: object, progress: object) -> None:
    if status is ActionStatus.COMPLETE and isinstance(progress, int) and progress < MAX_PROGRESS:
        form.warn(
            "progress",
            f"The action is complete but its progress is {progress}%: should it be 100%?",
        )


def _draft_fields(draft: ActionDraft) -> dict[str, object]:
    return {
        "ref": draft.ref,
        "description": draft.description,
        "priority_area_id": draft.priority_area_id,
        "lead": draft.lead,
        "due_date": draft.due_date,
        "status": draft.status,
        "progress": draft.progress,
        "resolution_id": draft.resolution_id,
        "indicator_ids": draft.indicator_ids,
    }


def _check_draft(session: Session, draft: ActionDraft, action_id: int | None) -> _Form:
    form = _Form()
    plan_id: object = draft.plan_id  # typed, but a form may hand over anything
    if not _is_id(plan_id) or not _exists(session, ImprovementPlan, plan_id):
        form.error("plan_id", "That plan is not there any more; choose another.")
        return form
    _clean_fields(session, form, _draft_fields(draft), _context(session, plan_id, action_id))
    _warn_complete(form, form.cleaned.get("status"), form.cleaned.get("progress"))
    return form


def validate_action_draft(
    *, workspace: Workspace, draft: ActionDraft, action_id: int | None = None
) -> list[FieldProblem]:
    """Every problem with a new action's ``draft`` (errors and warnings), field by field.

    ``action_id`` is for an action being put back: its own ref does not count as taken.
    """
    with workspace.database.session() as session:
        return _check_draft(session, draft, action_id).problems


def validate_action_update(
    *,
    status: ActionStatus | str | None = None,
    progress: int | None = None,
    note: str = "",
) -> list[FieldProblem]:
    """Every problem with a progress update, as ``record_action_update`` would refuse it."""
    form = _check_update(status, progress, note)
    _warn_complete(form, form.cleaned.get("status"), form.cleaned.get("progress"))
    return form.problems


def _check_update(status: object, progress: object, note: object) -> _Form:
    form = _Form()
    if status is not None:
        form.choice("status", status, ActionStatus, label="The status")
    if progress is not None:
        form.progress(progress)
    if isinstance(note, str):
        form.cleaned["note"] = note.strip()
    else:
        form.error("note", "The update must be text.")
    return form


def suggest_next_ref(
    *, workspace: Workspace, plan_id: int, priority_area_id: int | None = None
) -> str:
    """The ref to offer a new action of the plan in that area ("2.4" after "2.1"–"2.3").

    See ``domain.actions.suggest_action_ref``; never a ref the plan already has.
    """
    with workspace.database.session() as session:
        connection = session.connection()
        refs = connection.execute(
            sa.select(col(Action.ref), col(Action.priority_area_id)).where(
                col(Action.plan_id) == plan_id
            )
        ).all()
        position = None
        if priority_area_id is not None:
            position = connection.execute(
                sa.select(col(PriorityArea.position)).where(
                    col(PriorityArea.id) == priority_area_id,
                    col(PriorityArea.plan_id) == plan_id,
                )
            ).scalar_one_or_none()
    return suggest_action_ref(
        area_refs=[row.ref for row in refs if row.priority_area_id == priority_area_id],
        area_position=position,
        plan_refs=[row.ref for row in refs],
    )


# ------------------------------------------------------------------ create, update, delete


def create_action(
    *,
    workspace: Workspace,
    draft: ActionDraft,
    action_id: int | None = None,
    rag_override: ActionRag | None = None,
    rag_override_reason: str = "",
    is_sample: bool = False,
    clock: Clock = utc_now,
) -> ActionChange:
    """Add an action (and its lead to the people list if new). Inverse: ``delete_action``.

    ``action_id``, ``rag_override``, ``rag_override_reason`` and ``is_sample``
    are for putting a deleted action back exactly; a form leaves them out. A
    taken ``action_id`` is a ``ConflictError``.
    """
    with workspace.database.session() as session:
        form = _check_draft(session, draft, action_id)
        _clean_override(form, rag_override, rag_override_reason)
        subject = _draft_subject(draft)
        if form.has_errors:
            raise ValidationError(subject, form.problems)
        plan = _load_plan(session, draft.plan_id)
        if action_id is not None and _exists(session, Action, action_id):
            raise ConflictError(
                f"{subject} could not be put back: another action has taken its place (id "
                f"{action_id}) meanwhile. Add it again as a new action.",
                table=Action.__tablename__,
                row_id=action_id,
                expected_version=None,
                actual_version=None,
            )
        people_changed = _add_new_lead(session, workspace, form, clock)
        cleaned = form.cleaned
        fields: dict[str, object] = {
            **{name: cleaned[name] for name in _ROW_FIELDS if name in cleaned},
            "is_sample": is_sample,
        }
        identity = {} if action_id is None else {"id": action_id}
        ref = str(fields["ref"])
        try:
            result = session.connection().execute(
                sa.insert(Action).values({**identity, "plan_id": plan.id, **fields, "version": 1})
            )
        except sa.exc.IntegrityError as error:
            # The ref was free when checked in this transaction: only someone
            # saving the same ref at the same instant (on a server) gets here.
            raise ConflictError(
                f"Someone else has just saved action {ref} in “{plan.name}”; {_SAVED_NOT}. "
                "Reload, and choose another ref.",
                table=Action.__tablename__,
                row_id=action_id,
                expected_version=None,
                actual_version=None,
            ) from error
        (new_id,) = result.inserted_primary_key or (None,)
        if new_id is None:  # every supported database returns the new key
            raise RuntimeError("The database did not return the new action's id.")
        indicator_ids = cleaned["indicator_ids"]
        assert isinstance(indicator_ids, tuple)  # _clean_indicators made it one
        _link_indicators(session, new_id, indicator_ids)
        after = {**fields, "indicator_ids": indicator_ids}
        target = _Target(ActionId(new_id), PlanId(plan.id), ref=ref, plan=plan.name)
        target.audit(session, workspace.user, ActionChangeKind.CREATE, {}, after, clock=clock)
    return target.change(ActionChangeKind.CREATE, 1, {}, after, people_changed=people_changed)


def update_action(
    *,
    workspace: Workspace,
    action_id: int,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> ActionChange:
    """Change some of ``ACTION_FIELDS`` (or ``lead``). Inverse: ``changes=c.before``.

    Fields whose value does not change are left out of the change; if none
    changes, nothing is written (a no-op).
    """
    unknown = sorted(set(changes) - {*ACTION_FIELDS, "lead"})
    if unknown:
        raise ValueError(f"update_action cannot change {', '.join(unknown)}.")
    if {"lead", "lead_id"} <= set(changes):
        raise ValueError("update_action takes a lead or a lead_id, not both.")
    with workspace.database.session() as session:
        row, target = _load_action(session, action_id)
        target.check_version(row.version, expected_version)
        current = _current(session, row)
        form = _Form()
        _clean_fields(session, form, changes, _context(session, row.plan_id, action_id))
        if form.has_errors:
            raise ValidationError(target.what, form.problems)
        before, after = _differences(current, form.cleaned)
        if not after:
            return target.change(ActionChangeKind.UPDATE, row.version, {}, {})
        people_changed = _add_new_lead(session, workspace, form, clock)
        if "lead_id" in after:
            after["lead_id"] = form.cleaned["lead_id"]
        if "indicator_ids" in after:
            session.connection().execute(
                sa.delete(ActionIndicator).where(col(ActionIndicator.action_id) == action_id)
            )
            _link_indicators(session, action_id, after["indicator_ids"])  # type: ignore[arg-type]
        row_changes = {name: value for name, value in after.items() if name != "indicator_ids"}
        # Links alone still bump the version: they are part of the action.
        version = target.update(session, expected_version, row_changes)
        target.audit(session, workspace.user, ActionChangeKind.UPDATE, before, after, clock=clock)
    return target.change(
        ActionChangeKind.UPDATE, version, before, after, people_changed=people_changed
    )


def delete_action(
    *, workspace: Workspace, action_id: int, expected_version: int, clock: Clock = utc_now
) -> ActionChange:
    """Delete an action that has no history yet (the undo of a create). Inverse: see the module.

    Refused (``NotAllowedError``) once it has an update: an action's history
    is kept.
    """
    with workspace.database.session() as session:
        row, target = _load_action(session, action_id)
        target.check_version(row.version, expected_version)
        updates = (
            session.connection()
            .execute(
                sa.select(sa.func.count())
                .select_from(ActionUpdate)
                .where(col(ActionUpdate.action_id) == action_id)
            )
            .scalar_one()
        )
        if updates:
            raise NotAllowedError(
                f"{target.what} has {_plural(updates, 'update')} in its history, so it cannot "
                "be deleted: an action's history is kept. Mark it complete instead."
            )
        before = _current(session, row)
        session.connection().execute(
            sa.delete(ActionIndicator).where(col(ActionIndicator.action_id) == action_id)
        )
        target.delete(session, expected_version)
        target.audit(session, workspace.user, ActionChangeKind.DELETE, before, {}, clock=clock)
    return target.change(ActionChangeKind.DELETE, None, before, {})


# ------------------------------------------------------------------ RAG override


def _clean_override(form: _Form, rag: object, reason: object) -> None:
    if not isinstance(reason, str):
        form.error("rag_override_reason", "The reason must be text.")
        return
    if rag is None:
        form.cleaned["rag_override"] = None
        form.cleaned["rag_override_reason"] = ""
        return
    form.choice("rag_override", rag, ActionRag, label="The rating")
    if reason.strip():
        form.cleaned["rag_override_reason"] = reason.strip()
    else:
        form.error(
            "rag_override_reason",
            "Say why the rating is overridden: the reason is kept with it and printed.",
        )


def set_rag_override(
    *,
    workspace: Workspace,
    action_id: int,
    expected_version: int,
    rag: ActionRag | str | None,
    reason: str = "",
    clock: Clock = utc_now,
) -> ActionChange:
    """Override the derived rating with ``rag`` for ``reason`` (required), or clear it (None).

    When clearing, ``reason`` (optional) is kept in the audit entry beside the
    rating and reason cleared. The change always carries both the rating and
    its reason, before and after, so that its inverse sets both back.
    Inverse: the same with ``rag=c.before["rag_override"]``,
    ``reason=c.before["rag_override_reason"]``.
    """
    with workspace.database.session() as session:
        row, target = _load_action(session, action_id)
        target.check_version(row.version, expected_version)
        form = _Form()
        _clean_override(form, rag, reason)
        if form.has_errors:
            raise ValidationError(target.what, form.problems)
        current = _current(session, row)
        before = {name: current[name] for name in _OVERRIDE_FIELDS}
        after = {name: form.cleaned[name] for name in _OVERRIDE_FIELDS}
        if before == after:
            return target.change(ActionChangeKind.OVERRIDE, row.version, {}, {})
        version = target.update(session, expected_version, after)
        note = reason.strip() if rag is None and isinstance(reason, str) else ""
        target.audit(
            session,
            workspace.user,
            ActionChangeKind.OVERRIDE,
            before,
            after,
            clock=clock,
            note=note,
        )
    return target.change(ActionChangeKind.OVERRIDE, version, before, after)


# ------------------------------------------------------------------ progress updates


def record_action_update(
    *,
    workspace: Workspace,
    action_id: int,
    expected_version: int,
    status: ActionStatus | str | None = None,
    progress: int | None = None,
    note: str = "",
    who: str | None = None,
    clock: Clock = utc_now,
) -> ActionChange:
    """Record a change of status and/or progress and/or a note as one history entry.

    ``status``/``progress`` None leave them as they are; ``who`` None is
    ``workspace.user``. See the module contract; inverse: ``remove_action_update``.
    """
    request = ActionUpdateRequest(
        action_id=action_id,
        expected_version=expected_version,
        status=status,
        progress=progress,
        note=note,
        who=who,
    )
    with workspace.database.session() as session:
        return record_action_update_in(session, author=workspace.user, request=request, clock=clock)


def record_action_updates(
    *,
    workspace: Workspace,
    requests: Sequence[ActionUpdateRequest],
    clock: Clock = utc_now,
) -> list[ActionChange]:
    """Record many updates in one transaction: all of them, or (on any error) none.

    Each as ``record_action_update``; the changes come back in the same order.
    Two requests for one action must chain their versions.
    """
    with workspace.database.session() as session:
        return [
            record_action_update_in(session, author=workspace.user, request=request, clock=clock)
            for request in requests
        ]


def record_action_update_in(
    session: Session,
    *,
    author: str,
    request: ActionUpdateRequest,
    clock: Clock = utc_now,
    context: Mapping[str, object] | None = None,
) -> ActionChange:
    """``record_action_update`` in the caller's transaction, for a use case that owns one.

    An import of returned update forms checks and applies many rows in one
    transaction: it calls this for each, with ``author`` the person importing
    (the audit entries' author), ``request.who`` the officer whose form it
    was, and ``context`` extra audit details ({"source": "form …, row 7"}).
    Raises as ``record_action_update``; the caller's transaction is then to
    be rolled back.
    """
    row, target = _load_action(session, request.action_id)
    target.check_version(row.version, request.expected_version)
    form = _check_update(request.status, request.progress, request.note)
    who = author if request.who is None else request.who.strip()
    if not who:
        form.error("who", "Say who gave the update.")
    if form.has_errors:
        raise ValidationError(f"The update of {_lower_first(target.what)}", form.problems)
    old = {"status": ActionStatus(row.status), "progress": row.progress}
    new = {name: form.cleaned.get(name, old[name]) for name in _STATE_FIELDS}
    text = str(form.cleaned["note"])
    if new == old and not text:
        return target.change(ActionChangeKind.RECORD, row.version, {}, {})
    at = clock().astimezone(dt.UTC)
    entry = _insert_entry(
        session,
        {
            "action_id": row.id,
            "text": text,
            "old_status": old["status"],
            "new_status": new["status"],
            "old_progress": old["progress"],
            "new_progress": new["progress"],
            "who": who,
            "at": at,
            "is_sample": False,
        },
    )
    before, after = _differences(old, new)
    # Bumped even for a note alone, so that a form or a window that read the
    # action before this update is told that it has changed.
    version = target.update(session, request.expected_version, after)
    target.audit_entry(session, author, entry, removed=False, clock=lambda: at, context=context)
    if after:
        target.audit(
            session,
            author,
            ActionChangeKind.RECORD,
            before,
            after,
            clock=lambda: at,
            context=context,
        )
    return target.change(ActionChangeKind.RECORD, version, before, after, entry=entry)


def remove_action_update(
    *,
    workspace: Workspace,
    action_id: int,
    update_id: int,
    expected_version: int,
    clock: Clock = utc_now,
) -> ActionChange:
    """Take out the action's newest update and put its status and progress back: an undo.

    Refused (``NotAllowedError``) unless that update is still the newest and
    the action is still as it left it. Inverse: ``restore_action_update``.
    """
    with workspace.database.session() as session:
        row, target = _load_action(session, action_id)
        target.check_version(row.version, expected_version)
        history = _history(session, action_id)
        entry = next((each for each in history if each.id == update_id), None)
        if entry is None:
            raise NotFoundError(f"update of action {row.ref}", update_id)
        newer = [each for each in history if _newness(each) > _newness(entry)]
        if newer:
            raise NotAllowedError(
                f"The update of {_lower_first(target.what)} cannot be undone: "
                f"{newer[-1].who} recorded a newer one since. Updates are history; record a "
                "correcting update instead."
            )
        current = {"status": ActionStatus(row.status), "progress": row.progress}
        left = _recorded(entry, "new")
        if any(current[name] != value for name, value in left.items()):
            raise NotAllowedError(
                f"{target.what} has changed since this update was recorded, so the update "
                "cannot be undone; record a correcting update instead."
            )
        restored = _recorded(entry, "old")
        before = {name: current[name] for name in restored if current[name] != restored[name]}
        after = {name: restored[name] for name in before}
        session.connection().execute(
            sa.delete(ActionUpdate).where(col(ActionUpdate.id) == entry.id)
        )
        version = target.update(session, expected_version, after)
        target.audit_entry(session, workspace.user, entry, removed=True, clock=clock)
        if after:
            target.audit(
                session, workspace.user, ActionChangeKind.UNRECORD, before, after, clock=clock
            )
    return target.change(ActionChangeKind.UNRECORD, version, before, after, entry=entry)


def restore_action_update(
    *,
    workspace: Workspace,
    entry: ActionUpdateRow,
    expected_version: int,
    clock: Clock = utc_now,
) -> ActionChange:
    """Put back an update that ``remove_action_update`` took out: a redo.

    The same row (its id where still free, its text, who and time) and the
    status and progress it set. Refused (``NotAllowedError``) when the action
    has a newer update or is no longer as the update found it. Inverse:
    ``remove_action_update``.
    """
    with workspace.database.session() as session:
        row, target = _load_action(session, entry.action_id)
        target.check_version(row.version, expected_version)
        if any(_newness(each) > _newness(entry) for each in _history(session, row.id)):
            raise NotAllowedError(
                f"The update of {_lower_first(target.what)} cannot be put back: "
                "a newer update has been recorded since."
            )
        current = {"status": ActionStatus(row.status), "progress": row.progress}
        found = _recorded(entry, "old")
        if any(current[name] != value for name, value in found.items()):
            raise NotAllowedError(
                f"{target.what} has changed since this update was taken out, so it cannot be "
                "put back; record a new update instead."
            )
        values: dict[str, object] = {
            "action_id": row.id,
            "text": entry.text,
            "old_status": entry.old_status,
            "new_status": entry.new_status,
            "old_progress": entry.old_progress,
            "new_progress": entry.new_progress,
            "who": entry.who,
            "at": entry.at,
            "is_sample": entry.is_sample,
        }
        if not _exists(session, ActionUpdate, entry.id):
            values["id"] = entry.id
        restored = _insert_entry(session, values)
        left = _recorded(entry, "new")
        before = {name: current[name] for name in left if current[name] != left[name]}
        after = {name: left[name] for name in before}
        version = target.update(session, expected_version, after)
        target.audit_entry(session, workspace.user, restored, removed=False, clock=clock)
        if after:
            target.audit(
                session, workspace.user, ActionChangeKind.RECORD, before, after, clock=clock
            )
    return target.change(ActionChangeKind.RECORD, version, before, after, entry=restored)


def _newness(entry: ActionUpdateRow) -> tuple[dt.datetime, int]:
    """The history's order: the latest ``at``, then the highest id (as the tracker picks)."""
    return entry.at, entry.id


def _recorded(entry: ActionUpdateRow, side: str) -> dict[str, object]:
    """The status and progress an entry records on one ``side`` ("old" or "new").

    Entries from elsewhere may leave a pair empty; then the entry says nothing
    about it, and undoing it leaves it alone.
    """
    recorded: dict[str, object] = {}
    if entry.old_status is not None and entry.new_status is not None:
        recorded["status"] = entry.old_status if side == "old" else entry.new_status
    if entry.old_progress is not None and entry.new_progress is not None:
        recorded["progress"] = entry.old_progress if side == "old" else entry.new_progress
    return recorded


def _history(session: Session, action_id: int) -> list[ActionUpdateRow]:
    query = sa.select(ActionUpdate).where(col(ActionUpdate.action_id) == action_id)
    rows = [action_update_row(row) for row in session.connection().execute(query)]
    rows.sort(key=_newness)
    return rows


def _insert_entry(session: Session, values: Mapping[str, object]) -> ActionUpdateRow:
    result = session.connection().execute(sa.insert(ActionUpdate).values(dict(values)))
    (new_id,) = result.inserted_primary_key or (None,)
    if new_id is None:  # every supported database returns the new key
        raise RuntimeError("The database did not return the new update's id.")
    row = (
        session.connection()
        .execute(sa.select(ActionUpdate).where(col(ActionUpdate.id) == new_id))
        .one()
    )
    return action_update_row(row)


# ------------------------------------------------------------------ undo


def revert_action_change(
    *,
    workspace: Workspace,
    change: ActionChange,
    expected_version: int | None = None,
    clock: Clock = utc_now,
) -> ActionChange:
    """Apply the inverse of ``change`` (the table in the module docstring); its change.

    ``expected_version`` is the action's current version when something has
    changed it since ``change`` was made; by default ``change.version``. It
    is not used to undo a deletion.
    """
    if not change.changed:
        return change  # a no-op is its own inverse
    if change.kind is ActionChangeKind.DELETE:
        return _put_back(workspace, change, clock)
    before: dict[str, Any] = dict(change.before)
    version = change.version if expected_version is None else expected_version
    if version is None:
        raise ValueError("This change deleted its action: say which version to expect.")
    common: dict[str, Any] = {"workspace": workspace, "expected_version": version, "clock": clock}
    ident = change.action_id
    inverse: dict[ActionChangeKind, Callable[[], ActionChange]] = {
        ActionChangeKind.CREATE: lambda: delete_action(action_id=ident, **common),
        ActionChangeKind.UPDATE: lambda: update_action(action_id=ident, changes=before, **common),
        ActionChangeKind.OVERRIDE: lambda: set_rag_override(
            action_id=ident,
            rag=before["rag_override"],
            reason=before["rag_override_reason"],
            **common,
        ),
        ActionChangeKind.RECORD: lambda: remove_action_update(
            action_id=ident, update_id=_entry_of(change).id, **common
        ),
        ActionChangeKind.UNRECORD: lambda: restore_action_update(entry=_entry_of(change), **common),
    }
    return inverse[change.kind]()


def _entry_of(change: ActionChange) -> ActionUpdateRow:
    if change.entry is None:  # every RECORD and UNRECORD names its entry
        raise ValueError(
            f"A {change.kind.value} change without its history entry cannot be undone."
        )
    return change.entry


def _put_back(workspace: Workspace, change: ActionChange, clock: Clock) -> ActionChange:
    """The inverse of a deletion: the action again, with its id, links and override."""
    before: dict[str, Any] = dict(change.before)
    return create_action(
        workspace=workspace,
        draft=ActionDraft(
            plan_id=change.plan_id,
            ref=before["ref"],
            description=before["description"],
            priority_area_id=before["priority_area_id"],
            lead=before["lead_id"],
            due_date=before["due_date"],
            status=before["status"],
            progress=before["progress"],
            resolution_id=before["resolution_id"],
            indicator_ids=before["indicator_ids"],
        ),
        action_id=change.action_id,
        rag_override=before["rag_override"],
        rag_override_reason=before["rag_override_reason"],
        is_sample=before["is_sample"],
        clock=clock,
    )


# ------------------------------------------------------------------ helpers


@dataclasses.dataclass(frozen=True, slots=True)
class _Target:
    """The action a mutation works on: its checks, writes, audit and change in one place."""

    action_id: ActionId
    plan_id: PlanId
    ref: str
    plan: str

    @property
    def what(self) -> str:
        """ "Action 2.3 of “12-Week Improvement Plan”": the action as messages name it."""
        return f"Action {self.ref} of “{self.plan}”"

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
            table=Action.__tablename__,
            row_id=self.action_id,
            expected_version=expected,
            actual_version=actual,
        )

    def check_version(self, actual: int, expected: int) -> None:
        if actual != expected:
            raise self.conflict(expected, actual)

    def update(self, session: Session, expected: int, changes: Mapping[str, object]) -> int:
        try:
            return update_versioned(
                session, Action, self.action_id, expected_version=expected, changes=changes
            )
        except RowVersionError as error:
            # Checked at the start of the transaction already: only a write that
            # lost a race since (on a server database) gets here.
            actual = error.actual_version if isinstance(error, StaleRowError) else None
            raise self.conflict(expected, actual) from error

    def delete(self, session: Session, expected: int) -> None:
        result = session.connection().execute(
            sa.delete(Action).where(
                col(Action.id) == self.action_id, col(Action.version) == expected
            )
        )
        if result.rowcount != 1:
            actual = (
                session.connection()
                .execute(sa.select(col(Action.version)).where(col(Action.id) == self.action_id))
                .scalar_one_or_none()
            )
            raise self.conflict(expected, actual)

    def audit(
        self,
        session: Session,
        author: str,
        kind: ActionChangeKind,
        before: Mapping[str, object],
        after: Mapping[str, object],
        *,
        clock: Clock,
        note: str = "",
        context: Mapping[str, object] | None = None,
    ) -> None:
        details: dict[str, object] = {
            **(context or {}),
            "ref": self.ref,
            "plan_id": self.plan_id,
            "fields": field_changes(before, after),
        }
        if note:
            details["note"] = note
        record_audit(
            session,
            who=author,
            table=Action.__tablename__,
            row_id=self.action_id,
            change=kind.value,
            details=details,
            clock=clock,
        )

    def audit_entry(
        self,
        session: Session,
        author: str,
        entry: ActionUpdateRow,
        *,
        removed: bool,
        clock: Clock,
        context: Mapping[str, object] | None = None,
    ) -> None:
        fields = {
            "text": entry.text,
            "old_status": entry.old_status,
            "new_status": entry.new_status,
            "old_progress": entry.old_progress,
            "new_progress": entry.new_progress,
            "who": entry.who,
            "at": entry.at,
        }
        record_audit(
            session,
            who=author,
            table=ActionUpdate.__tablename__,
            row_id=entry.id,
            change="delete" if removed else "create",
            details={
                **(context or {}),
                "action_id": self.action_id,
                "ref": self.ref,
                "fields": field_changes(fields, {}) if removed else field_changes({}, fields),
            },
            clock=clock,
        )

    def change(
        self,
        kind: ActionChangeKind,
        version: int | None,
        before: Mapping[str, object],
        after: Mapping[str, object],
        *,
        entry: ActionUpdateRow | None = None,
        people_changed: bool = False,
    ) -> ActionChange:
        return ActionChange(
            kind=kind,
            action_id=self.action_id,
            plan_id=self.plan_id,
            ref=self.ref,
            version=version,
            before=MappingProxyType(dict(before)),
            after=MappingProxyType(dict(after)),
            entry=entry,
            people_changed=people_changed,
        )


def _load_action(session: Session, action_id: int) -> tuple[sa.Row[*tuple[Any, ...]], _Target]:
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(Action, col(ImprovementPlan.name).label("plan_name"))
        .join(ImprovementPlan, col(ImprovementPlan.id) == col(Action.plan_id))
        .where(col(Action.id) == action_id)
    )
    row = session.connection().execute(query).first()
    if row is None:
        raise NotFoundError("action", action_id)
    target = _Target(ActionId(row.id), PlanId(row.plan_id), ref=row.ref, plan=row.plan_name)
    return row, target


def _load_plan(session: Session, plan_id: int) -> sa.Row[*tuple[Any, ...]]:
    query = sa.select(col(ImprovementPlan.id), col(ImprovementPlan.name)).where(
        col(ImprovementPlan.id) == plan_id
    )
    row = session.connection().execute(query).first()
    if row is None:
        raise NotFoundError("improvement plan", plan_id)
    return row


def _current(session: Session, row: sa.Row[*tuple[Any, ...]]) -> dict[str, object]:
    """Every field of an action as stored, enumerations as members, links as sorted ids."""
    mapping = row._mapping
    fields = {name: mapping[name] for name in _ROW_FIELDS}
    fields["status"] = ActionStatus(fields["status"])
    if fields["rag_override"] is not None:
        fields["rag_override"] = ActionRag(fields["rag_override"])
    links = session.connection().execute(
        sa.select(col(ActionIndicator.indicator_id)).where(col(ActionIndicator.action_id) == row.id)
    )
    fields["indicator_ids"] = tuple(sorted(link.indicator_id for link in links))
    return fields


def _differences(
    current: Mapping[str, object], cleaned: Mapping[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """(old, new) of the fields in ``cleaned`` whose value differs from ``current``."""
    changed = [name for name, value in cleaned.items() if value != current[name]]
    return {name: current[name] for name in changed}, {name: cleaned[name] for name in changed}


def _add_new_lead(session: Session, workspace: Workspace, form: _Form, clock: Clock) -> bool:
    """Add the person a form named as a new lead (audited) and put their id in; True if added."""
    if form.new_lead is None or form.cleaned.get("lead_id") != _NEW_PERSON:
        return False
    result = session.connection().execute(
        sa.insert(Person).values(name=form.new_lead, job_title="", organisation="", version=1)
    )
    (person_id,) = result.inserted_primary_key or (None,)
    if person_id is None:  # every supported database returns the new key
        raise RuntimeError("The database did not return the new person's id.")
    form.cleaned["lead_id"] = person_id
    record_audit(
        session,
        who=workspace.user,
        table=Person.__tablename__,
        row_id=person_id,
        change="create",
        details={"fields": field_changes({}, {"name": form.new_lead})},
        clock=clock,
    )
    return True


def _link_indicators(session: Session, action_id: int, indicator_ids: Iterable[int]) -> None:
    rows = [{"action_id": action_id, "indicator_id": ident} for ident in indicator_ids]
    if rows:
        session.connection().execute(sa.insert(ActionIndicator), rows)


def _exists(
    session: Session, table: type[Action | ImprovementPlan | ActionUpdate], ident: int
) -> bool:
    query = sa.select(col(table.id)).where(col(table.id) == ident)
    return session.connection().execute(query).first() is not None


def _draft_subject(draft: ActionDraft) -> str:
    ref = draft.ref.strip() if isinstance(draft.ref, str) else ""
    return f"Action {ref}" if ref else "The new action"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _plural(count: int, noun: str) -> str:
    return f"one {noun}" if count == 1 else f"{count} {noun}s"
