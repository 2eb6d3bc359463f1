"""Exporting every indicator value in the native long format, as CSV or XLSX.

Contract of :func:`export_indicators`:

* One row per stored indicator value, with the headers :data:`EXPORT_HEADERS`
  in that order: the native format's eleven columns, then ``indicator_name``,
  ``theme``, ``unit`` and ``polarity``, so that importing the file into an
  empty database recreates the indicators (an indicator with no values has
  no row and is not exported). Rows run theme by theme in the council's order,
  by ref in natural order ("CLA-2" before "CLA-10"), then by period.
* Figures are written exactly, as the shortest text that reads back as the
  same number and without an exponent ("1875", "62.5", "0.0000001"); a
  missing figure is an empty cell. ``status`` is the data-status symbol, or
  "p" for a provisional value with none. Periods are "Q1 2017/18"; units and
  polarities are written in the app's words ("rate per 10,000", "lower is
  better"). Export → import into an empty database → export gives the same
  file.
* The format follows the suffix: ``.csv`` is UTF-8 *with* a byte-order mark,
  comma-separated, CRLF line ends — Excel opens a CSV without a BOM in the
  machine's ANSI code page (so "£" and "é" would turn into "Â£" and "Ã©"),
  and with one as UTF-8, while every other program (and our importer)
  ignores the BOM. ``.xlsx`` is one sheet "Indicator values", numbers as
  numbers, text as text — a commentary that starts with "=" stays text,
  never a formula; characters XML cannot hold (control characters other
  than tab and newline) become U+FFFD in XLSX only.
* The file is written beside its destination and moved into place when
  complete, so a failed export never leaves half a file. A suffix other than
  .csv or .xlsx raises :class:`ExportError` (a ``ValueError``) before anything
  is read; an unwritable destination raises ``OSError``.
* Returns the number of value rows written.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.performance import Polarity
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.services.import_files import plain_number
from qpmr_desktop.services.import_mapping import NativeField
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import Indicator, IndicatorValue, Theme

#: The native format's columns, in the order written.
EXPORT_HEADERS: tuple[str, ...] = tuple(native.value for native in NativeField)
SHEET_TITLE = "Indicator values"
_NUMBER_COLUMNS = (
    "value",
    "target",
    "england",
    "region",
    "statistical_neighbours",
    "numerator",
    "denominator",
)

# One exported row: text, or a number that XLSX keeps as a number.
_Cell = str | float | None


class ExportError(ValueError):
    """An export that cannot be made as asked; ``str(error)`` says why, for a person."""


def export_indicators(*, workspace: Workspace, path: Path) -> int:
    """Write every indicator value to ``path`` (.csv or .xlsx); see the module contract."""
    path = Path(path)
    suffix = path.suffix.casefold()
    if suffix not in {".csv", ".xlsx"}:
        raise ExportError(f"Cannot export to {path.name}: the file name must end in .csv or .xlsx.")
    rows = _rows(workspace)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if suffix == ".csv":
            _write_csv(partial, rows)
        else:
            _write_xlsx(partial, rows)
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return len(rows)


def _rows(workspace: Workspace) -> list[tuple[_Cell, ...]]:
    query = (
        sa.select(
            col(Indicator.ref),
            col(Indicator.name),
            col(Indicator.theme),
            col(Indicator.unit),
            col(Indicator.polarity),
            col(Theme.position),
            col(IndicatorValue.year),
            col(IndicatorValue.quarter),
            *(getattr(IndicatorValue, name) for name in _NUMBER_COLUMNS),
            col(IndicatorValue.status_symbol),
            col(IndicatorValue.provisional),
            col(IndicatorValue.commentary),
        )
        .join(Indicator, col(Indicator.id) == col(IndicatorValue.indicator_id))
        .join(Theme, col(Theme.name) == col(Indicator.theme))
    )
    with workspace.database.session() as session:
        records = list(session.connection().execute(query))
    records.sort(
        key=lambda record: (
            record.position,
            record.theme.casefold(),
            natural_key(record.ref),
            record.ref,
            record.year,
            record.quarter,
        )
    )
    rows: list[tuple[_Cell, ...]] = []
    for record in records:
        status = record.status_symbol or ("p" if record.provisional else "")
        rows.append(
            (
                record.ref,
                Quarter(record.year, record.quarter).label,
                *(getattr(record, name) for name in _NUMBER_COLUMNS),
                status,
                record.commentary,
                record.name,
                record.theme,
                Unit(record.unit).value,
                Polarity(record.polarity).value,
            )
        )
    return rows


def _write_csv(path: Path, rows: Sequence[tuple[_Cell, ...]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(EXPORT_HEADERS)
        writer.writerows(tuple(_csv_text(cell) for cell in row) for row in rows)


def _csv_text(cell: _Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return plain_number(cell)
    return cell


def _write_xlsx(path: Path, rows: Sequence[tuple[_Cell, ...]]) -> None:
    # openpyxl is imported only for an XLSX export: it is not needed to start the app.
    from openpyxl import Workbook  # type: ignore[import-untyped]  # noqa: PLC0415
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]  # noqa: PLC0415
    from openpyxl.cell.cell import (  # type: ignore[import-untyped]  # noqa: PLC0415
        ILLEGAL_CHARACTERS_RE,
    )

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "A2"
    sheet.append(list(EXPORT_HEADERS))
    for row in rows:
        cells: list[object] = []
        for cell in row:
            if isinstance(cell, float):
                # A whole number is written as one, so Excel shows "1875", not "1875.0".
                cells.append(int(cell) if cell.is_integer() and abs(cell) < 2**53 else cell)
            elif isinstance(cell, str) and cell:
                text = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell))
                # openpyxl reads text starting with "=" as a formula; commentary is text.
                text.data_type = "s"
                cells.append(text)
            else:
                cells.append(None)
        sheet.append(cells)
    workbook.save(path)
