"""Exporting indicator values in the native format, and the round trip back through the importer."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook  # type: ignore[import-untyped]

from qpmr_desktop.services.import_files import read_table
from qpmr_desktop.services.indicator_export import (
    EXPORT_HEADERS,
    SHEET_TITLE,
    ExportError,
    export_indicators,
)
from qpmr_desktop.services.indicator_import import apply_import
from qpmr_desktop.services.workspace import Workspace, open_workspace
from tests.unit.services.test_indicator_import_support import (
    NATIVE_HEADERS,
    new_indicator,
    preview,
    write_csv,
)

ONE_LINE = 'Élan & <Ørsted> "quotes", Ж 😀 \u0645\u0631\u062d\u0628\u0627'
# Commentary keeps its line breaks; names and themes are one line (spaces are tidied).
ODD = ONE_LINE + "\nsecond line"


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path)
    yield workspace
    workspace.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "fresh.qpmr", create=True)
    yield workspace
    workspace.close()


def import_into(workspace: Workspace, path: Path) -> None:
    planned = preview(workspace, path)
    assert not planned.has_errors, [str(issue) for issue in planned.issues]
    apply_import(workspace=workspace, preview=planned)


def _files(folder: Path) -> list[str]:
    """What is in ``folder`` besides the database and its journal."""
    return sorted(path.name for path in folder.iterdir() if not path.name.startswith("demo.qpmr"))


def value_count(workspace: Workspace) -> int:
    with workspace.database.session() as session:
        count = session.connection().execute(sa.text("SELECT count(*) FROM indicator_value"))
        return int(count.scalar_one())


def test_the_headers_are_the_native_format() -> None:
    assert list(EXPORT_HEADERS) == NATIVE_HEADERS


def test_demo_round_trip_through_csv_is_identical(
    demo: Workspace, fresh: Workspace, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    written = export_indicators(workspace=demo, path=first)
    assert written == value_count(demo) > 100
    import_into(fresh, first)
    second = tmp_path / "second.csv"
    assert export_indicators(workspace=fresh, path=second) == written
    assert second.read_bytes() == first.read_bytes()


def test_demo_round_trip_through_xlsx(demo: Workspace, fresh: Workspace, tmp_path: Path) -> None:
    export_indicators(workspace=demo, path=tmp_path / "demo.csv")
    export_indicators(workspace=demo, path=tmp_path / "demo.xlsx")
    import_into(fresh, tmp_path / "demo.xlsx")
    export_indicators(workspace=fresh, path=tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "demo.csv").read_bytes()


def test_csv_is_utf8_with_bom_for_excel(demo: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    export_indicators(workspace=demo, path=path)
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"indicator_ref,period,value,target,")
    assert b"\r\n" in data
    table = read_table(path)
    assert table.headers == EXPORT_HEADERS
    first = dict(zip(table.headers, table.rows[0].cells, strict=True))
    assert (first["indicator_ref"], first["period"], first["value"]) == (
        "CLA-01",
        "Q2 2014/15",
        "1512",
    )
    assert (first["unit"], first["polarity"]) == ("count", "lower is better")


def test_xlsx_keeps_numbers_as_numbers_and_text_as_text(fresh: Workspace, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "odd.csv",
        [
            NATIVE_HEADERS,
            new_indicator("A-1", "Q1 2017/18", "62.5", commentary="=SUM(A1:A9)", target="60"),
            new_indicator("A-1", "Q2 2017/18", "1875p", commentary=ODD),
        ],
    )
    import_into(fresh, source)
    path = tmp_path / "values.xlsx"
    assert export_indicators(workspace=fresh, path=path) == 2
    workbook = load_workbook(path)
    sheet = workbook[SHEET_TITLE]
    header, first, second = sheet.iter_rows()
    assert [cell.value for cell in header] == list(EXPORT_HEADERS)
    assert (first[2].value, first[3].value) == (62.5, 60)
    assert first[10].value == "=SUM(A1:A9)"
    assert first[10].data_type == "s"  # text, never a formula
    assert (second[2].value, second[9].value, second[10].value) == (1875, "p", ODD)
    workbook.close()


def test_text_survives_export_and_import(fresh: Workspace, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "odd.csv",
        [
            NATIVE_HEADERS,
            new_indicator(
                "Ж-1", "Q1 2017/18", "1", commentary=ODD, indicator_name=ONE_LINE, theme=ONE_LINE
            ),
        ],
        encoding="utf-8-sig",
    )
    import_into(fresh, source)
    for suffix in (".csv", ".xlsx"):
        exported = tmp_path / f"out{suffix}"
        export_indicators(workspace=fresh, path=exported)
        table = read_table(exported)
        row = dict(zip(table.headers, table.rows[0].cells, strict=True))
        assert (row["indicator_ref"], row["commentary"], row["indicator_name"], row["theme"]) == (
            "Ж-1",
            ODD,
            ONE_LINE,
            ONE_LINE,
        )


def test_statuses_and_missing_figures(fresh: Workspace, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "s.csv",
        [
            NATIVE_HEADERS,
            new_indicator("A", "Q1 2017/18", "", status="x"),
            new_indicator("A", "Q2 2017/18", "0.1", target="", england="[c]"),
        ],
    )
    import_into(fresh, source)
    with fresh.database.session() as session:
        # A provisional flag with no symbol (as the value editor may leave it) exports as "p".
        session.connection().execute(
            sa.text("UPDATE indicator_value SET provisional = 1 WHERE quarter = 2")
        )
    export_indicators(workspace=fresh, path=tmp_path / "out.csv")
    rows = [
        dict(zip(EXPORT_HEADERS, row.cells, strict=True))
        for row in read_table(tmp_path / "out.csv").rows
    ]
    assert [(row["value"], row["status"], row["target"], row["england"]) for row in rows] == [
        ("", "x", "", ""),
        ("0.1", "p", "", ""),
    ]


def test_rows_run_by_theme_order_then_natural_ref_then_period(
    fresh: Workspace, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "order.csv",
        [
            NATIVE_HEADERS,
            new_indicator("Z-10", "Q2 2017/18", "1", theme="Start Well"),
            new_indicator("Z-10", "Q1 2017/18", "1", theme="Start Well"),
            new_indicator("Z-2", "Q1 2017/18", "1", theme="Start Well"),
            new_indicator("A-1", "Q1 2017/18", "1", theme="Age Well"),
        ],
    )
    import_into(fresh, source)
    export_indicators(workspace=fresh, path=tmp_path / "out.csv")
    got = [row.cells[:2] for row in read_table(tmp_path / "out.csv").rows]
    assert got == [
        ("Z-2", "Q1 2017/18"),
        ("Z-10", "Q1 2017/18"),
        ("Z-10", "Q2 2017/18"),
        ("A-1", "Q1 2017/18"),
    ]


def test_an_unknown_suffix_is_refused_before_anything_is_written(
    demo: Workspace, tmp_path: Path
) -> None:
    with pytest.raises(
        ExportError, match=r"values\.txt: the file name must end in \.csv or \.xlsx"
    ):
        export_indicators(workspace=demo, path=tmp_path / "values.txt")
    assert _files(tmp_path) == []


def test_a_failed_export_leaves_no_partial_file(
    demo: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qpmr_desktop.services import indicator_export

    def fail(path: Path, rows: object) -> None:
        path.write_text("half a fi", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(indicator_export, "_write_csv", fail)
    with pytest.raises(OSError, match="No space left"):
        export_indicators(workspace=demo, path=tmp_path / "out.csv")
    assert _files(tmp_path) == []


def test_an_empty_database_exports_only_the_headers(fresh: Workspace, tmp_path: Path) -> None:
    assert export_indicators(workspace=fresh, path=tmp_path / "empty.csv") == 0
    expected = codecs.BOM_UTF8 + ",".join(EXPORT_HEADERS).encode() + b"\r\n"
    assert (tmp_path / "empty.csv").read_bytes() == expected
