"""``import-indicators`` and ``export-indicators``: reports, exit codes, all or nothing.

Each test calls ``main([...])`` in-process on a fresh database; Qt is never started.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qpmr_desktop.cli import main
from qpmr_desktop.paths import resources_dir
from qpmr_desktop.services.workspace import open_workspace
from tests.conftest import REPO_ROOT
from tests.unit.services.test_indicator_import_support import (
    NATIVE_HEADERS,
    new_indicator,
    snapshot,
    stored_values,
    write_csv,
)

ERROR_PREFIX = "qpmr-desktop: error: "
HART_Q1 = (
    REPO_ROOT.parent / "shared" / "data" / "indicators" / "01-hart-dc-kpi-tiles-2014-15-q1.csv"
)
HART_MAPPING = resources_dir() / "import-mappings" / "hart-kpi-tiles.json"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "council.qpmr"
    open_workspace(path, create=True).close()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """``main(argv)``'s exit status, stdout and stderr, whether it returns or exits."""
    try:
        status = main([str(arg) for arg in argv])
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def state(database: Path) -> object:
    workspace = open_workspace(database)
    try:
        return snapshot(workspace)
    finally:
        workspace.close()


def good_file(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "good.csv",
        [
            NATIVE_HEADERS,
            new_indicator("LW-1", "Q1 2017/18", "1,875", target="1,700"),
            new_indicator("LW-1", "Q2 2017/18", "1,900"),
        ],
    )


def test_import_prints_the_report_and_applies(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    status, out, err = run(capsys, "import-indicators", good_file(tmp_path), "--database", database)
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "Import of good.csv (CSV, UTF-8, comma-separated; 2 data rows)",
        "Mapping: Native format",
        "New indicators (1): LW-1",
        "Rows: 2 new, 0 updated, 0 unchanged, 0 with errors",
        "Imported: 2 new and 0 updated rows, 1 new indicator(s).",
    ]
    workspace = open_workspace(database)
    try:
        assert [row["value"] for row in stored_values(workspace, "LW-1")] == [1875.0, 1900.0]
    finally:
        workspace.close()

    # Again: nothing new, and the report says so.
    status, out, _ = run(capsys, "import-indicators", tmp_path / "good.csv", "--database", database)
    assert status == 0
    assert "Rows: 0 new, 0 updated, 2 unchanged, 0 with errors" in out


def test_dry_run_changes_nothing(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    before = state(database)
    status, out, err = run(
        capsys, "import-indicators", good_file(tmp_path), "--dry-run", "--database", database
    )
    assert (status, err) == (0, "")
    assert out.endswith(
        "Rows: 2 new, 0 updated, 0 unchanged, 0 with errors\nDry run: nothing was changed.\n"
    )
    assert state(database) == before


def test_error_rows_are_listed_and_nothing_is_imported(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            NATIVE_HEADERS,
            new_indicator("LW-1", "Q1 2017/18", "1"),
            new_indicator("LW-1", "Q5 2017/18", "2"),
            new_indicator("LW-1", "Q2 2017/18", "abc"),
            new_indicator("LW-1", "Q3 2017/18", "3"),
            new_indicator("LW-1", "Q3 2017/18", "4"),
        ],
    )
    before = state(database)
    status, out, err = run(capsys, "import-indicators", path, "--database", database)
    assert status == 1
    assert err == f"{ERROR_PREFIX}4 row(s) with errors; nothing was imported.\n"
    assert out.splitlines()[-5:] == [
        "Rows: 1 new, 0 updated, 0 unchanged, 4 with errors",
        'row 3, column period: Not a period: "Q5 2017/18" — the quarter must be 1 to 4.',
        "row 4, column value: 'abc' is not a number.",
        "row 5: duplicate: LW-1 Q3 2017/18 is also in row 6.",
        "row 6: duplicate: LW-1 Q3 2017/18 is also in row 5.",
    ]
    assert state(database) == before


def test_verbose_lists_every_row(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    run(capsys, "import-indicators", good_file(tmp_path), "--database", database)
    changed = write_csv(
        tmp_path / "changed.csv",
        [
            NATIVE_HEADERS,
            new_indicator("LW-1", "Q1 2017/18", "1,875", target="1,700"),
            new_indicator("LW-1", "Q2 2017/18", "1,950", commentary="Up"),
            new_indicator("LW-1", "Q3 2017/18", "0"),
        ],
    )
    status, out, _ = run(capsys, "import-indicators", changed, "--verbose", "--database", database)
    assert status == 0
    assert out.splitlines()[3:6] == [
        "row 2: unchanged LW-1 Q1 2017/18: value 1875, target 1700",
        "row 3: updated LW-1 Q2 2017/18: value 1900 → 1950, commentary '' → 'Up'",
        "row 4: new LW-1 Q3 2017/18: value 0",
    ]


def test_a_file_that_cannot_be_read(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    status, out, err = run(capsys, "import-indicators", empty, "--database", database)
    assert (status, out) == (1, "")
    assert err == f"{ERROR_PREFIX}{empty} is empty: there is nothing to import.\n"


def test_a_bad_period_or_mapping(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    status, _, err = run(
        capsys,
        "import-indicators",
        good_file(tmp_path),
        "--period",
        "Q5 2014/15",
        "--database",
        database,
    )
    assert status == 1
    assert err.startswith(f'{ERROR_PREFIX}Not a period: "Q5 2014/15"')

    mapping = tmp_path / "mapping.json"
    mapping.write_text("{not json", encoding="utf-8")
    status, _, err = run(
        capsys,
        "import-indicators",
        good_file(tmp_path),
        "--mapping",
        mapping,
        "--database",
        database,
    )
    assert status == 1
    assert err.startswith(f"{ERROR_PREFIX}{mapping} is not valid JSON")


def test_a_file_that_needs_a_mapping_says_so(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "hart-like.csv", [["k", "tq"], ["CS01", "95.9"]])
    status, out, err = run(capsys, "import-indicators", path, "--database", database)
    assert status == 1
    assert err == f"{ERROR_PREFIX}the file cannot be imported; nothing was imported.\n"
    assert "file: no column gives the indicator_ref" in out
    assert "use a saved mapping" in out


@pytest.mark.skipif(not HART_Q1.is_file(), reason="the council files are not here")
def test_hart_through_the_shipped_mapping(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    status, out, err = run(
        capsys,
        "import-indicators",
        HART_Q1,
        "--mapping",
        HART_MAPPING,
        "--period",
        "Q1 2014/15",
        "--database",
        database,
    )
    assert (status, err) == (0, "")
    assert "Mapping: Hart District Council KPI tiles; period Q1 2014/15" in out
    assert "Ignored by the mapping: i (the tile's position on Hart's dashboard); y (" in out
    assert "Rows: 89 new, 0 updated, 0 unchanged, 0 with errors" in out


def test_export_writes_csv_and_xlsx(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    run(capsys, "import-indicators", good_file(tmp_path), "--database", database)
    for name in ("out.csv", "out.xlsx"):
        out_path = tmp_path / name
        status, out, err = run(
            capsys, "export-indicators", "--out", out_path, "--database", database
        )
        assert (status, err) == (0, "")
        assert out == f"Wrote 2 rows to {out_path}\n"
        assert out_path.stat().st_size > 0


def test_export_refuses_a_bad_destination(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    status, _, err = run(
        capsys, "export-indicators", "--out", tmp_path / "out.txt", "--database", database
    )
    assert status == 1
    assert (
        err == f"{ERROR_PREFIX}Cannot export to out.txt: the file name must end in .csv or .xlsx.\n"
    )
    status, _, err = run(
        capsys, "export-indicators", "--out", tmp_path / "no" / "out.csv", "--database", database
    )
    assert status == 1
    assert err.startswith(f"{ERROR_PREFIX}The folder for the export does not exist")


def test_export_needs_out(capsys: pytest.CaptureFixture[str], database: Path) -> None:
    status, _, err = run(capsys, "export-indicators", "--database", database)
    assert status == 2
    assert "--out" in err
