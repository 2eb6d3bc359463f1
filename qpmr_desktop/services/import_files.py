"""Reading an import file into a table of text: CSV (encoding and delimiter detected) or XLSX.

Contract of :func:`read_table`:

* What the file *is* is decided by its first bytes, not its name: a ZIP
  container is read as an XLSX workbook; an old binary Excel file (.xls) is
  refused with advice; anything else must be text.
* CSV encodings, tried in this order: UTF-8 with a byte-order mark (what Excel
  writes as "CSV UTF-8"), UTF-16 with a byte-order mark (Excel's "Unicode
  text"), plain UTF-8, then Windows-1252 (cp1252: what Excel writes as plain
  "CSV" on a UK Windows machine, where "£" is the single byte 0xA3). UTF-8 is
  tried before cp1252 because text that decodes as UTF-8 is, in practice,
  never cp1252 with accents. A file that is none of these, or holds NUL bytes,
  is not a CSV file.
* The delimiter is whichever of comma, semicolon or tab splits the header line
  into the most cells (ties go in that order); a one-column file is comma.
* The first row that is not blank holds the headers (surrounding spaces
  removed). Blank rows are skipped but keep their numbers, so every
  :class:`SourceRow` has the row number a person sees in Excel (a CSV record
  whose quoted cell spans lines is one row, as Excel shows it).
* XLSX: the first worksheet, or the one named; cells become text as the
  figure is, not as its number format rounds it: a whole number "1875", other
  numbers in full without an exponent, a cell formatted as a percentage
  "62.5%" (Excel stores 0.625), dates ISO 8601 ("2021-07-01"), TRUE/FALSE.
  Formulas give their last calculated value.
* Every problem with the file as a whole — missing, unreadable, empty, only a
  header row, not CSV or XLSX, a sheet that is not there — raises
  :class:`ImportFileError` (a ``ValueError``) whose message names the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from qpmr_desktop.services.collector import no_cyclic_gc

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the container of old .xls (and .doc) files
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
# Python codec name → what a person is told.
_ENCODING_LABELS = {
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
}
# Integers beyond this are not exact as floats; they are written in full anyway.
_EXACT_INTEGER = 2**53


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; ``str(error)`` names it and says why."""


class FileKind(StrEnum):
    CSV = "CSV"
    XLSX = "XLSX"


class SourceRow(NamedTuple):
    """One data row: its row number in the file (1-based, as Excel shows) and its cells as text.

    ``cells`` may be shorter than the headers (missing cells are blank) or
    longer (the importer reports extra cells that hold anything). A named
    tuple, not a frozen dataclass: one is made per row of the file, and a
    frozen dataclass's __init__ costs three times as much.
    """

    number: int
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


@dataclass(frozen=True)
class SourceTable:
    """A file read as text: headers, data rows, and how it was read (for the preview)."""

    path: Path
    kind: FileKind
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    header_row: int = 1
    encoding: str | None = None  # a Python codec name, for CSV
    delimiter: str | None = None  # for CSV
    sheet: str | None = None  # for XLSX

    @property
    def description(self) -> str:
        """How the file was read, for a person: "CSV, UTF-8 with BOM, comma-separated"."""
        if self.kind is FileKind.XLSX:
            return f"XLSX, sheet {self.sheet!r}"
        encoding = _ENCODING_LABELS.get(self.encoding or "", self.encoding or "unknown encoding")
        delimiter = _DELIMITER_NAMES.get(self.delimiter or ",", repr(self.delimiter))
        return f"CSV, {encoding}, {delimiter}-separated"

    @property
    def encoding_label(self) -> str | None:
        """The encoding as a person knows it ("Windows-1252"), or None for XLSX."""
        if self.encoding is None:
            return None
        return _ENCODING_LABELS.get(self.encoding, self.encoding)


def read_table(path: Path, *, sheet: str | None = None) -> SourceTable:
    """Read ``path`` (CSV or XLSX, told apart by content) into text; see the module contract."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path} is a folder, not a file to import.") from None
    except OSError as error:
        raise ImportFileError(f"Cannot read {path}: {error.strerror or error}.") from error
    if not data.strip():
        raise ImportFileError(f"{path} is empty: there is nothing to import.")
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(path, sheet=sheet)
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(
            f"{path} is an old-style Excel workbook (.xls), which cannot be read. "
            "Open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8."
        )
    if path.suffix.casefold() in {".xlsx", ".xlsm"}:
        raise ImportFileError(f"{path} is named as an Excel workbook but is not one.")
    if sheet is not None:
        raise ImportFileError(f"{path} is a CSV file, which has no sheets (asked for {sheet!r}).")
    text, encoding = _decode(path, data)
    # A row is two tuples: the collector would walk a big file's rows again
    # and again while they are read (see collector.no_cyclic_gc).
    with no_cyclic_gc():
        return _read_csv(path, text, encoding)


# ------------------------------------------------------------------ CSV


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """The file's text and the codec that read it."""
    not_csv = f"{path} is neither a CSV file nor an XLSX workbook"
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"{path} starts as UTF-8 but is not valid UTF-8 at byte {error.start}."
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ImportFileError(f"{not_csv} (it is not valid UTF-16 text).") from None
    if b"\x00" in data:
        raise ImportFileError(f"{not_csv} (it holds binary data).")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue  # the next encoding in the documented order
    raise ImportFileError(
        f"{not_csv}: its text is neither UTF-8 nor Windows-1252. "
        "Save it from Excel as CSV UTF-8 and import it again."
    )


def _detect_delimiter(text: str) -> str:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    best, best_cells = ",", 1
    for delimiter in _DELIMITERS:
        try:
            cells = len(next(csv.reader([first_line], delimiter=delimiter), []))
        except csv.Error:
            continue  # a header line this delimiter cannot split is not evidence for it
        if cells > best_cells:
            best, best_cells = delimiter, cells
    return best


def _read_csv(path: Path, text: str, encoding: str) -> SourceTable:
    delimiter = _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[SourceRow] = []
    add = records.append
    # Made by tuple.__new__: a named tuple's own __new__ is a Python function,
    # which doubled the cost of making each of a large file's rows.
    make = tuple.__new__
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            add(make(SourceRow, (number, tuple(cells))))
    except csv.Error as error:
        raise ImportFileError(f"{path}, row {number + 1}: not readable as CSV ({error}).") from None
    return _table(path, records, kind=FileKind.CSV, encoding=encoding, delimiter=delimiter)


# ------------------------------------------------------------------ XLSX


def _read_xlsx(path: Path, *, sheet: str | None) -> SourceTable:
    # openpyxl is imported only when a workbook is read: it is not needed to start the app.
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # noqa: PLC0415
    from openpyxl.utils.exceptions import (  # type: ignore[import-untyped]  # noqa: PLC0415
        InvalidFileException,
    )

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as error:
        raise ImportFileError(
            f"{path} is neither a CSV file nor an XLSX workbook that can be read ({error})."
        ) from None
    try:
        if sheet is None:
            if not workbook.worksheets:
                raise ImportFileError(f"{path} has no worksheets.")
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            names = ", ".join(repr(name) for name in workbook.sheetnames)
            raise ImportFileError(f"{path} has no sheet {sheet!r}; its sheets are {names}.")
        records: list[SourceRow] = []
        number = (worksheet.min_row or 1) - 1
        for row in worksheet.iter_rows():
            # Read-only mode fills gaps with EmptyCell, which has no row number.
            known = next((cell.row for cell in row if getattr(cell, "row", None)), None)
            number = known if known is not None else number + 1
            cells = tuple(
                _cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row
            )
            records.append(SourceRow(number, cells))
        title = str(worksheet.title)
    finally:
        workbook.close()
    return _table(path, records, kind=FileKind.XLSX, sheet=title)


def _cell_text(value: object, number_format: str | None) -> str:  # noqa: PLR0911 - one per type
    """A cell as text: the figure as stored, not as its number format rounds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if number_format is not None and "%" in number_format:
            # Excel stores 62.5% as 0.625; the app stores the 62.5 a person sees.
            return plain_number(value, scale=2) + "%"
        return plain_number(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def plain_number(value: float, *, scale: int = 0) -> str:
    """``value`` × 10**scale written in full, exactly as it reads back: "1875", "0.0000001".

    The shortest text that reads back as the same float (``repr``), without
    an exponent and without a trailing ".0", so the number round-trips through
    a file and still looks like what a person typed.
    """
    if value.is_integer() and abs(value) < _EXACT_INTEGER and scale == 0:
        return str(int(value))
    amount = Decimal(repr(value)).scaleb(scale).normalize()
    text = f"{amount:f}"
    return "0" if text in {"-0", "0"} else text


# ------------------------------------------------------------------ both


def _table(
    path: Path,
    records: list[SourceRow],
    *,
    kind: FileKind,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> SourceTable:
    filled = [record for record in records if any(map(str.strip, record.cells))]
    if not filled:
        raise ImportFileError(f"{path} is empty: there is nothing to import.")
    header, *rows = filled
    headers = tuple(cell.strip() for cell in header.cells)
    # Trailing blank headers are the ghost columns spreadsheets leave behind.
    while headers and not headers[-1]:
        headers = headers[:-1]
    if not rows:
        raise ImportFileError(
            f"{path} has a header row but no data rows: there is nothing to import."
        )
    return SourceTable(
        path=path,
        kind=kind,
        headers=headers,
        rows=tuple(rows),
        header_row=header.number,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
    )
