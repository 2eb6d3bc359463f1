"""The audit trail: who changed which row, when, and from what to what.

Contract:

- ``record_audit(session, …)`` adds one ``audit_entry`` row in the caller's
  transaction, so a change and its audit entry are committed together or not
  at all. ``at`` is the time from ``clock``: an aware datetime, stored in UTC.
  A naive time is a programming error (``ValueError``): there is no telling
  which zone it meant. Tests pass a fake clock; the app uses ``utc_now``.
- ``details`` is stored as JSON text, human-readable (``ensure_ascii=False``:
  "Żółć" stays "Żółć", not "\\u017b…"). Enumerations are written by value,
  dates and datetimes in ISO 8601, quarters by label, other mappings and
  sequences recursively; anything else, or a number that is not finite, is a
  programming error (``TypeError``/``ValueError``) rather than a silently
  mangled record.
- By convention ``details["fields"]`` maps each changed field to
  ``{"old": …, "new": …}`` (``field_changes`` builds it): a created row has
  every field with ``old`` null, a deleted one every field with ``new`` null.
  Other keys give context a reader needs ("ref", "period"). Fields left
  empty on both sides are omitted.
- ``list_audit`` returns entries in the order they were written, optionally
  only one table's or one row's, as ``AuditRow`` read models with the details
  parsed back and a one-line summary.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.services.read_models import AuditRow
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import AuditEntry

#: Something that tells the time: an aware datetime. ``utc_now`` in the app.
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time, aware, in UTC: the app's clock."""
    return dt.datetime.now(dt.UTC)


def field_changes(
    before: Mapping[str, object], after: Mapping[str, object]
) -> dict[str, dict[str, object]]:
    """``{field: {"old": …, "new": …}}`` for each field whose value differs, absent as None.

    Fields keep the order they have in ``before`` then ``after``; a field that
    is None on both sides (an empty field of a created or deleted row) is left
    out as noise.
    """
    fields = dict.fromkeys([*before, *after])
    changes = {field: {"old": before.get(field), "new": after.get(field)} for field in fields}
    return {field: pair for field, pair in changes.items() if pair["old"] != pair["new"]}


def record_audit(
    session: Session,
    *,
    who: str,
    table: str,
    row_id: int,
    change: str,
    details: Mapping[str, object],
    clock: Clock = utc_now,
) -> int:
    """Write one audit entry in the caller's transaction; its id. See the module contract."""
    at = clock()
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"The audit clock gave a naive time ({at!r}); it must be aware.")
    text = json.dumps(_jsonable(details), ensure_ascii=False, allow_nan=False)
    statement = sa.insert(AuditEntry).values(
        at=at.astimezone(dt.UTC),
        who=who,
        table_name=table,
        row_id=row_id,
        change=change,
        details=text,
    )
    result = session.connection().execute(statement)
    (entry_id,) = result.inserted_primary_key or (None,)
    if entry_id is None:  # every supported database returns the new key
        raise RuntimeError("The database did not return the new audit entry's id.")
    return int(entry_id)


def list_audit(
    *, workspace: Workspace, table: str | None = None, row_id: int | None = None
) -> list[AuditRow]:
    """Audit entries in the order written, of ``table`` and/or ``row_id`` when given."""
    query = sa.select(
        col(AuditEntry.id),
        col(AuditEntry.at),
        col(AuditEntry.who),
        col(AuditEntry.table_name),
        col(AuditEntry.row_id),
        col(AuditEntry.change),
        col(AuditEntry.details),
    ).order_by(col(AuditEntry.id))
    if table is not None:
        query = query.where(col(AuditEntry.table_name) == table)
    if row_id is not None:
        query = query.where(col(AuditEntry.row_id) == row_id)
    with workspace.database.session() as session:
        rows = session.connection().execute(query).all()
    return [
        _audit_row(
            entry_id=row.id,
            at=row.at,
            who=row.who,
            table=row.table_name,
            row_id=row.row_id,
            change=row.change,
            details_text=row.details,
        )
        for row in rows
    ]


def _audit_row(
    *,
    entry_id: int,
    at: dt.datetime,
    who: str,
    table: str,
    row_id: int,
    change: str,
    details_text: str,
) -> AuditRow:
    details: dict[str, object] = json.loads(details_text) if details_text else {}
    return AuditRow(
        id=entry_id,
        at=at,
        who=who,
        table=table,
        row_id=row_id,
        change=change,
        details=details,
        summary=_summary(change, details),
    )


def _summary(change: str, details: Mapping[str, object]) -> str:
    """ "Update: name, target" — what a history list shows in one line."""
    fields = details.get("fields")
    names = list(fields) if isinstance(fields, Mapping) else []
    heading = change[:1].upper() + change[1:]
    if change == "update" and names:
        return f"{heading}: {', '.join(names)}"
    return heading


def _jsonable(value: object) -> Any:
    """``value`` as plain JSON types; see the module contract for what is accepted."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"Cannot audit a number that is not finite: {value!r}.")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, Quarter):
        return value.label
    if isinstance(value, dt.date | dt.time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    # Lists and tuples only: a set has no order to record, bytes no text.
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    raise TypeError(f"Cannot write {type(value).__name__} into an audit entry: {value!r}.")
