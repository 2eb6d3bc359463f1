"""Reading thousands of rows at the speed of the driver: what the big lists share.

Contract:

- ``driver_rows(connection, statement, parameters)`` runs a Core
  ``statement`` on the connection's own DB-API cursor and returns its rows as
  the driver gives them, plain tuples, with no type conversion. A statement
  without ``parameters`` has its constants written into the SQL; one with
  them binds exactly those (plain values: no type conversion either). The
  SQL text is compiled once per statement and dialect and kept.
- ``typed_rows(connection, query, parameters)`` is ``driver_rows`` with
  each column converted as SQLAlchemy's result would, through ``converted``.
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

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler

__all__ = ["converted", "driver_rows", "typed_rows"]

# Compiled SQL by statement (held, so never mistaken for another) and dialect
# name: its text, the parameters it waits for, and the compiled form that
# gives every parameter's value (None when all are written into the text).
_SQL: dict[tuple[sa.Executable, str], tuple[str, frozenset[str], SQLCompiler | None]] = {}


def driver_rows(
    connection: sa.Connection,
    statement: sa.Executable,
    parameters: Mapping[str, Any] | None = None,
) -> Sequence[Any]:
    """The rows of ``statement`` as the DB-API driver returns them (see the module)."""
    dialect = connection.dialect
    key = (statement, dialect.name)
    known = _SQL.get(key)
    if known is None:
        known = _SQL[key] = _compiled(statement, dialect)
    sql, waiting, compiled = known
    given = frozenset(parameters or ())
    if given != waiting:
        raise ValueError(
            f"driver_rows: the statement waits for {sorted(waiting)}, and was given {sorted(given)}"
        )
    bound: Sequence[Any] | Mapping[str, Any] = ()
    if compiled is not None:
        values = compiled.construct_params(dict(parameters or {}))
        bound = (
            [values[name] for name in compiled.positiontup or ()] if compiled.positional else values
        )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, bound)
        rows: Sequence[Any] = cursor.fetchall()
    finally:
        cursor.close()
    return rows


def _compiled(
    statement: sa.Executable, dialect: sa.Dialect
) -> tuple[str, frozenset[str], SQLCompiler | None]:
    """``statement``'s SQL for ``dialect``; see ``_SQL``."""
    compiled = cast("SQLCompiler", statement.compile(dialect=dialect))  # type: ignore[attr-defined]
    waiting = frozenset(name for name, bind in compiled.binds.items() if bind.required)
    if waiting:
        return str(compiled), waiting, compiled
    # Constants (a COALESCE's 0) are written into the text.
    literal = statement.compile(  # type: ignore[attr-defined]
        dialect=dialect, compile_kwargs={"literal_binds": True}
    )
    return str(literal), waiting, None


def typed_rows(
    connection: sa.Connection,
    query: sa.Select[*tuple[Any, ...]],
    parameters: Mapping[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """``query``'s rows as SQLAlchemy's result would give them, plain tuples.

    The driver's rows (``driver_rows``), every column that its type converts
    converted by looking up each stored value in ``converted``'s dictionary
    with ``map``, in C, instead of by SQLAlchemy's result row by row.
    """
    rows = driver_rows(connection, query, parameters)
    if not rows:
        return []
    columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
    dialect = connection.dialect
    for position, column in enumerate(query.selected_columns):
        if column.type.dialect_impl(dialect).result_processor(dialect, None) is not None:
            stored = columns[position]
            columns[position] = map(converted(column, dialect, stored).__getitem__, stored)
    return list(zip(*columns, strict=True))


def converted(
    column: sa.ColumnElement[Any], dialect: sa.Dialect, stored: Iterable[Any]
) -> dict[Any, Any]:
    """Each distinct ``stored`` value of ``column``, as the column's type reads it."""
    process = column.type.dialect_impl(dialect).result_processor(dialect, None)
    distinct = set(stored)
    if process is None:
        return {value: value for value in distinct}
    return {value: process(value) for value in distinct}
