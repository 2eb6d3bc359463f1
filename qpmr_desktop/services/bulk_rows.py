"""Reading thousands of rows at the speed of the driver: what the big lists share.

Contract:

- ``driver_rows(connection, statement)`` runs a Core ``statement`` (its
  constants written into the SQL; no parameters) on the connection's own
  DB-API cursor and returns its rows as
  the driver gives them, plain tuples, with no type conversion. The SQL text
  is compiled once per statement and dialect and kept.
- ``converted(column, dialect, stored)`` maps each distinct stored value of
  ``column`` to what its SQLAlchemy type makes of it (a date, a time, an
  enum member, a bool), so a caller converts a column of 20,000 rows by
  looking values up instead of calling the type 20,000 times.

Why: SQLAlchemy's result rows convert every date and status of every row,
and with the collector running the building of the register's 20,000
``ResolutionRow`` took twice as long (``collector.no_cyclic_gc`` holds it
off); together the register took four times its raw ``sqlite3`` query
(bench_minutes). These are the two costs between
the driver's rows and the read models; everything else stays in the
services that use them (``minutes.list_meetings``,
``minutes_search.list_resolutions``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

__all__ = ["converted", "driver_rows"]

# Compiled SQL text by statement (held, so never mistaken for another) and dialect name.
_SQL: dict[tuple[sa.Executable, str], str] = {}


def driver_rows(connection: sa.Connection, statement: sa.Executable) -> Sequence[Any]:
    """The rows of ``statement`` as the DB-API driver returns them (see the module)."""
    dialect = connection.dialect
    key = (statement, dialect.name)
    sql = _SQL.get(key)
    if sql is None:
        # Constants (a COALESCE's 0) are written into the text; a parameter
        # waiting for a value has none to write.
        waiting = [
            name
            for name, bind in statement.compile(dialect=dialect).binds.items()  # type: ignore[attr-defined]
            if bind.required
        ]
        if waiting:
            raise ValueError(f"driver_rows runs no statement with parameters: {waiting}")
        compiled = statement.compile(  # type: ignore[attr-defined]
            dialect=dialect, compile_kwargs={"literal_binds": True}
        )
        sql = _SQL[key] = str(compiled)
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        rows: Sequence[Any] = cursor.fetchall()
    finally:
        cursor.close()
    return rows


def converted(column: sa.Column[Any], dialect: sa.Dialect, stored: Iterable[Any]) -> dict[Any, Any]:
    """Each distinct ``stored`` value of ``column``, as the column's type reads it."""
    process = column.type.dialect_impl(dialect).result_processor(dialect, None)
    distinct = set(stored)
    if process is None:
        return {value: value for value in distinct}
    return {value: process(value) for value in distinct}
