"""Reading import files: CSV encodings and delimiters detected, XLSX, and files that are neither."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from qpmr_desktop.services.import_files import (
    FileKind,
    ImportFileError,
    SourceRow,
    plain_number,
    read_table,
)
from tests.unit.services.test_indicator_import_support import csv_text

ROWS = [
    ["indicator_ref", "period", "value", "commentary"],
    ["FIN-1", "Q1 2017/18", "£1.2m", "Café budget, £350k spent"],
]


@pytest.mark.parametrize(
    ("encoding", "prefix", "detected", "label"),
    [
        ("utf-8", b"", "utf-8", "UTF-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
        ("cp1252", b"", "cp1252", "Windows-1252"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    ],
)
def test_encodings_are_detected_and_pound_and_e_acute_survive(
    tmp_path: Path, encoding: str, prefix: bytes, detected: str, label: str
) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(prefix + csv_text(ROWS).encode(encoding))
    table = read_table(path)
    assert table.encoding == detected
    assert table.encoding_label == label
    assert table.description == f"CSV, {label}, comma-separated"
    assert table.headers == tuple(ROWS[0])
    assert table.rows == (SourceRow(number=2, cells=tuple(ROWS[1])),)


def test_cp1252_pound_is_one_byte(tmp_path: Path) -> None:
    # What Excel's plain "CSV" writes on a UK machine: "£" is 0xA3, not UTF-8.
    path = tmp_path / "excel.csv"
    path.write_bytes(b"indicator_ref,value\r\nA,\xa3350k\r\n")
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.rows[0].cells == ("A", "£350k")


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), (",", "comma")])
def test_delimiters_are_detected(tmp_path: Path, delimiter: str, name: str) -> None:
    path = tmp_path / "values.csv"
    path.write_text(csv_text(ROWS, delimiter), encoding="utf-8")
    table = read_table(path)
    assert table.delimiter == delimiter
    assert name in table.description
    assert table.rows[0].cells == tuple(ROWS[1])


def test_row_numbers_are_what_excel_shows(tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_text(
        '\n\nindicator_ref,commentary\nA,"two\nlines"\n\nB,after a blank row\n', encoding="utf-8"
    )
    table = read_table(path)
    assert table.header_row == 3
    assert [(row.number, row.cells[0]) for row in table.rows] == [(4, "A"), (6, "B")]
    assert table.rows[0].cells[1] == "two\nlines"


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b" , ,\r\n"])
def test_an_empty_file_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=r"empty\.csv is empty: there is nothing to import"):
        read_table(path)


def test_a_header_only_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("indicator_ref,period,value\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="has a header row but no data rows"):
        read_table(path)


def test_a_binary_file_is_neither_csv_nor_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ImportFileError, match=r"picture\.png is neither a CSV file nor an XLSX"):
        read_table(path)


def test_text_that_is_neither_utf8_nor_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"indicator_ref\r\n\x81\x8d\x8f\r\n")  # bytes cp1252 leaves undefined
    with pytest.raises(ImportFileError, match="neither UTF-8 nor Windows-1252"):
        read_table(path)


def test_an_old_xls_file_gets_advice(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(
        ImportFileError, match=r"old-style Excel workbook \(\.xls\).*save it as \.xlsx"
    ):
        read_table(path)


def test_a_file_named_xlsx_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("indicator_ref\nA\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"fake\.xlsx is named as an Excel workbook"):
        read_table(path)


def test_a_broken_zip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"not really a zip")
    with pytest.raises(ImportFileError, match=r"broken\.xlsx is neither a CSV file nor an XLSX"):
        read_table(path)


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="There is no file"):
        read_table(tmp_path / "nowhere.csv")
    with pytest.raises(ImportFileError, match="is a folder"):
        read_table(tmp_path)


def _workbook(path: Path) -> Path:
    workbook = Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes["A1"] = "Read me first"
    data = workbook.create_sheet("Data")
    data.append(["indicator_ref", "period", "value", "target", "commentary", "as at"])
    as_at = dt.datetime(2017, 6, 30)  # noqa: DTZ001 - Excel's dates have no time zone
    data.append(["A", "Q1 2017/18", 0.625, 60, "=not a formula", as_at])
    data["C2"].number_format = "0.0%"
    data["E2"].data_type = "s"
    data.append([])
    data.append(["B", "Q1 2017/18", 1875, 1700.5, None, dt.date(2017, 6, 30)])
    data.append(["C", "Q1 2017/18", 1e-7, True, "Ж 😀", None])
    workbook.save(path)
    return path


def test_xlsx_cells_become_text_as_the_figure_is(tmp_path: Path) -> None:
    table = read_table(_workbook(tmp_path / "values.xlsx"), sheet="Data")
    assert table.kind is FileKind.XLSX
    assert table.description == "XLSX, sheet 'Data'"
    assert table.headers == ("indicator_ref", "period", "value", "target", "commentary", "as at")
    assert [(row.number, row.cells) for row in table.rows] == [
        (2, ("A", "Q1 2017/18", "62.5%", "60", "=not a formula", "2017-06-30")),
        (4, ("B", "Q1 2017/18", "1875", "1700.5", "", "2017-06-30")),
        (5, ("C", "Q1 2017/18", "0.0000001", "TRUE", "Ж 😀", "")),
    ]


def test_xlsx_reads_the_first_sheet_unless_told(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "values.xlsx")
    with pytest.raises(ImportFileError, match="has a header row but no data rows"):
        read_table(path)  # the first sheet holds only a note
    with pytest.raises(
        ImportFileError, match="has no sheet 'Sums'; its sheets are 'Notes', 'Data'"
    ):
        read_table(path, sheet="Sums")


@pytest.mark.parametrize(
    ("value", "scale", "text"),
    [
        (1875.0, 0, "1875"),
        (62.5, 0, "62.5"),
        (0.1 + 0.2, 0, "0.30000000000000004"),
        (1e-7, 0, "0.0000001"),
        (1e20, 0, "100000000000000000000"),
        (0.625, 2, "62.5"),
        (0.957, 2, "95.7"),
        (1.0, 2, "100"),
        (-0.0, 0, "0"),
    ],
)
def test_plain_number(value: float, scale: int, text: str) -> None:
    assert plain_number(value, scale=scale) == text
