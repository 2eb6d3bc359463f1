"""Counting the SELECT statements a service runs, including reads through ``bulk_rows``.

``selects_run(workspace, monkeypatch, *modules)`` is a context manager that
yields a list which fills, during the block, with the text of every SELECT
run: those SQLAlchemy's engine events see, and those the named service
modules read through ``bulk_rows.driver_rows`` on the driver's own cursor,
which the events do not see.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from qpmr_desktop.services import bulk_rows
from qpmr_desktop.services.workspace import Workspace


@contextmanager
def selects_run(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, *modules: str
) -> Iterator[list[str]]:
    """The SELECTs run in the block (see the module); ``modules`` by dotted name."""
    selects: list[str] = []
    counting = True  # the patched modules read on after the block: not counted

    def note(statement: str) -> None:
        if counting and statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    def seen_by_the_engine(*args: object) -> None:
        note(str(args[2]))

    direct = bulk_rows.driver_rows

    def read_directly(
        connection: sa.Connection,
        statement: sa.Executable,
        parameters: Mapping[str, Any] | None = None,
    ) -> Any:
        note(str(statement))
        return direct(connection, statement, parameters)

    for module in modules:
        monkeypatch.setattr(f"{module}.driver_rows", read_directly)
    engine = workspace.database.engine
    sa.event.listen(engine, "before_cursor_execute", seen_by_the_engine)
    try:
        yield selects
    finally:
        counting = False
        sa.event.remove(engine, "before_cursor_execute", seen_by_the_engine)
