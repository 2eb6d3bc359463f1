"""Optimistic concurrency: change or delete a row only if nobody else has changed it since.

Every editable table has an integer ``version`` (see ``tables``). A front end
remembers the version it showed; the change it sends is applied with

    UPDATE <table> SET <changes>, version = version + 1
    WHERE id = :id AND version = :expected

in the caller's transaction, so the check and the write are one atomic
statement on SQLite and PostgreSQL alike: two people editing the same row can
never overwrite each other silently. The one who is second is told.

Contract:

- ``update_versioned`` returns the row's new version (``expected_version + 1``).
  An empty ``changes`` still bumps the version (a "touch").
- ``delete_versioned`` deletes the row under the same check.
- Neither commits: the caller's unit of work does.
- When no row matched, a second look tells why: ``MissingRowError`` when the
  row is gone (a ``LookupError``), ``StaleRowError`` when it is there at another
  version; both carry the table, the id, and the versions. They are storage
  facts; the services turn them into messages for a person.
- Naming ``id`` or ``version`` in ``changes``, or a column the table lacks, is a
  programming error: ``ValueError``, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

# Managed here, never set by a caller: the row's identity and its version counter.
_RESERVED = frozenset({"id", "version"})


class RowVersionError(Exception):
    """A versioned write found the row other than the caller expected."""

    def __init__(self, message: str, *, table: str, row_id: int, expected_version: int) -> None:
        super().__init__(message)
        self.table = table
        self.row_id = row_id
        self.expected_version = expected_version


class StaleRowError(RowVersionError):
    """Someone else changed the row: it is at ``actual_version``, not ``expected_version``."""

    def __init__(
        self, *, table: str, row_id: int, expected_version: int, actual_version: int
    ) -> None:
        super().__init__(
            f"{table} {row_id} is at version {actual_version}, not {expected_version}: "
            "it was changed meanwhile.",
            table=table,
            row_id=row_id,
            expected_version=expected_version,
        )
        self.actual_version = actual_version


class MissingRowError(RowVersionError, LookupError):
    """The row is gone: it was never there, or was deleted meanwhile."""

    def __init__(self, *, table: str, row_id: int, expected_version: int) -> None:
        super().__init__(
            f"{table} {row_id} does not exist (expected version {expected_version}).",
            table=table,
            row_id=row_id,
            expected_version=expected_version,
        )


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table behind a SQLModel table class."""
    table = sa.inspect(model).local_table
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not mapped to a single table.")
    return table


def update_versioned(
    session: Session,
    table: type[SQLModel],
    row_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, object],
) -> int:
    """Apply ``changes`` to the row if it is still at ``expected_version``; the new version.

    Raises ``StaleRowError`` or ``MissingRowError`` (see the module contract),
    having written nothing.
    """
    core = table_of(table)
    _check_columns(core, changes)
    statement = (
        sa.update(core)
        .where(core.c.id == row_id, core.c.version == expected_version)
        .values({**changes, "version": core.c.version + 1})
    )
    result = session.connection().execute(statement)
    if result.rowcount != 1:
        raise _why_not(session, core, row_id, expected_version)
    return expected_version + 1


def delete_versioned(
    session: Session, table: type[SQLModel], row_id: int, *, expected_version: int
) -> None:
    """Delete the row if it is still at ``expected_version``; otherwise raise, deleting nothing."""
    core = table_of(table)
    statement = sa.delete(core).where(core.c.id == row_id, core.c.version == expected_version)
    result = session.connection().execute(statement)
    if result.rowcount != 1:
        raise _why_not(session, core, row_id, expected_version)


def _check_columns(core: sa.Table, changes: Mapping[str, object]) -> None:
    reserved = sorted(_RESERVED & set(changes))
    if reserved:
        raise ValueError(f"{core.name}: {', '.join(reserved)} cannot be changed directly.")
    unknown = sorted(set(changes) - set(core.c.keys()))
    if unknown:
        raise ValueError(f"{core.name} has no column {', '.join(unknown)}.")


def _why_not(
    session: Session, core: sa.Table, row_id: int, expected_version: int
) -> RowVersionError:
    # Read in the same transaction as the failed write: on PostgreSQL (read
    # committed) this sees the change that beat us; on SQLite the write lock
    # or snapshot guarantees the same.
    actual = (
        session.connection()
        .execute(sa.select(core.c.version).where(core.c.id == row_id))
        .scalar_one_or_none()
    )
    if actual is None:
        return MissingRowError(table=core.name, row_id=row_id, expected_version=expected_version)
    return StaleRowError(
        table=core.name,
        row_id=row_id,
        expected_version=expected_version,
        actual_version=int(actual),
    )
