"""Helpers shared by the import, export and CLI tests (no tests of its own).

Files to import, written in the encodings and delimiters under test, and
plain views of what a database holds, to assert on before and after.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.services.import_files import read_table
from qpmr_desktop.services.import_mapping import ColumnMapping, guess_mapping
from qpmr_desktop.services.indicator_import import ImportPreview, preview_import
from qpmr_desktop.services.workspace import Workspace

NATIVE_HEADERS = [
    "indicator_ref",
    "period",
    "value",
    "target",
    "england",
    "region",
    "statistical_neighbours",
    "numerator",
    "denominator",
    "status",
    "commentary",
    "indicator_name",
    "theme",
    "unit",
    "polarity",
]
SNAPSHOT_TABLES = ("theme", "indicator", "indicator_value", "audit_entry")


def csv_text(rows: Sequence[Sequence[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    path.write_bytes(csv_text(rows, delimiter).encode(encoding))
    return path


def native_row(**cells: str) -> list[str]:
    """A native-format row: the cells named, every other one blank."""
    unknown = set(cells) - set(NATIVE_HEADERS)
    assert not unknown, unknown
    return [cells.get(header, "") for header in NATIVE_HEADERS]


def new_indicator(ref: str, period: str, value: str, **cells: str) -> list[str]:
    """A native row that also describes its indicator, so an import can create it."""
    described = {
        "indicator_name": f"Indicator {ref}",
        "theme": "Live Well",
        "unit": "count",
        "polarity": "higher is better",
    }
    return native_row(indicator_ref=ref, period=period, value=value, **{**described, **cells})


def preview(
    workspace: Workspace,
    path: Path,
    mapping: ColumnMapping | None = None,
    period: str | None = None,
) -> ImportPreview:
    table = read_table(path)
    return preview_import(
        workspace=workspace,
        table=table,
        mapping=mapping or guess_mapping(table),
        period=None if period is None else Quarter.parse(period),
    )


def snapshot(workspace: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables an import writes, for "nothing changed" checks."""
    with workspace.database.session() as session:
        connection = session.connection()
        return {
            table: [
                tuple(row)
                for row in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))
            ]
            for table in SNAPSHOT_TABLES
        }


def stored_values(workspace: Workspace, ref: str) -> list[dict[str, Any]]:
    """An indicator's value rows, in period order, as dicts of their columns."""
    query = sa.text(
        "SELECT v.* FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id "
        "WHERE i.ref = :ref ORDER BY v.year, v.quarter"
    )
    with workspace.database.session() as session:
        result = session.connection().execute(query, {"ref": ref})
        return [dict(row._mapping) for row in result]


def stored_indicator(workspace: Workspace, ref: str) -> dict[str, Any] | None:
    with workspace.database.session() as session:
        row = (
            session.connection()
            .execute(sa.text("SELECT * FROM indicator WHERE ref = :ref"), {"ref": ref})
            .first()
        )
    return None if row is None else dict(row._mapping)
