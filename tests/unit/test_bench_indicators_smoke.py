"""The indicators benchmark still runs: its generator and every measurement at a tiny size.

``tests/benchmarks`` is not collected (it runs on demand: ``make bench-indicators``),
so this keeps ``bench_indicators.py`` from rotting as the code it measures
changes. It asserts counts -- rows generated, shown, filtered, imported --
never times.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from tests.conftest import REPO_ROOT

BENCH_PATH = REPO_ROOT / "tests" / "benchmarks" / "bench_indicators.py"
INDICATORS = 8
QUARTERS = 6
IMPORT_ROWS = 30


@pytest.fixture(scope="module")
def bench_module() -> ModuleType:
    """``bench_indicators`` loaded from its file (``tests/benchmarks`` is no package)."""
    name = "bench_indicators_under_test"
    spec = importlib.util.spec_from_file_location(name, BENCH_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def bench(bench_module: ModuleType, qapp: QApplication, tmp_path: Path) -> Iterator[Any]:
    """An ``IndicatorsBench`` over a tiny generated database and import file."""
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "qt"))
    dataset = bench_module.build_dataset(INDICATORS, QUARTERS)
    database = tmp_path / "bench.qpmr"
    bench_module.write_database(database, dataset)
    import_base = tmp_path / "import-base.qpmr"
    shutil.copyfile(database, import_base)
    plan = bench_module.write_import_csv(tmp_path / "import.csv", dataset, IMPORT_ROWS)
    made = bench_module.IndicatorsBench(
        app=qapp,
        database_path=database,
        import_base=import_base,
        import_csv=tmp_path / "import.csv",
        dataset=dataset,
        plan=plan,
        scratch=tmp_path,
        keystrokes=1,
        filter_rows=50,
    )
    try:
        yield made
    finally:
        made.close()


def test_the_generated_database_holds_every_row(bench_module: ModuleType, tmp_path: Path) -> None:
    dataset = bench_module.build_dataset(INDICATORS, QUARTERS)
    path = tmp_path / "generated.qpmr"
    bench_module.write_database(path, dataset)

    with sqlite3.connect(path) as connection:
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("theme", "indicator", "indicator_value", "indicator_target")
        }
    connection.close()

    assert counts == {
        "theme": min(INDICATORS, len(bench_module.THEMES)),
        "indicator": INDICATORS,
        "indicator_value": INDICATORS * QUARTERS,
        "indicator_target": len(dataset.targets),
    }
    assert dataset.value_count == INDICATORS * QUARTERS
    assert any(value.commentary for value in dataset.values)


def test_the_import_file_plans_new_revised_and_unchanged_rows(
    bench_module: ModuleType, tmp_path: Path
) -> None:
    dataset = bench_module.build_dataset(INDICATORS, QUARTERS)

    plan = bench_module.write_import_csv(tmp_path / "import.csv", dataset, IMPORT_ROWS)

    assert plan.rows == IMPORT_ROWS
    assert plan.new == IMPORT_ROWS // 2
    assert plan.updated + plan.unchanged == IMPORT_ROWS - IMPORT_ROWS // 2
    assert plan.unchanged > 0
    lines = (tmp_path / "import.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == IMPORT_ROWS + 1


def test_a_run_measures_everything_and_fills_the_report(
    bench_module: ModuleType, bench: Any
) -> None:
    figures = bench_module.Figures()
    figures.notes.update(
        {
            "rows": "8 rows",
            "raw": "48 rows",
            "filter rows": "8 rows",
            "big rows": "50 rows",
            "import": "30 rows",
            "first chart": "not measured",
        }
    )
    figures.add("first chart").append(0.0)
    plan = bench.plan

    # Every measurement checks its own counts (rows shown, rows after an import) and raises.
    bench_module.run_once(bench, figures, 0)
    bench_module.run_big(bench, figures)
    report = bench_module.format_report(figures, "header")
    # What the measurements return, checked here.
    shown_tab = bench.open_baseline_in_tab([])
    shown_view = bench.open_baseline([])
    shown_table = bench.open_baseline([], table="indicator_value")
    shown_big = bench.filter_big([], repeats=1)
    bench.drop_big()
    imported = bench.import_ours([])
    written = bench.import_baseline([])

    assert shown_tab == shown_view == INDICATORS
    assert shown_table == INDICATORS * QUARTERS
    # Every scaled copy of a row that holds "care" in its ref, name or theme.
    assert 0 < shown_big <= 50
    assert imported == (plan.new, plan.updated, plan.unchanged)
    assert written == plan.rows
    assert set(bench_module.goal_ratios(figures)) == {"open", "filter", "import"}
    for label in (
        "QPMR IndicatorsTab",
        "baseline the same tab",
        "baseline QSortFilterProxyModel",
        "of which apply_import",
    ):
        assert label in report
    assert report.count("goal <=") == 3


def test_a_goal_line_also_gives_the_ratio_run_by_run() -> None:
    from tests.benchmarks.bench_harness import ratio_line

    ours = [0.30, 0.50, 0.32]  # the second run on a slow minute, both sides slower
    base = [0.25, 0.40, 0.24]
    line = ratio_line("ratio QPMR / baseline", ours, base, 1.5)

    assert "1.28x   goal <= 1.5x: met" in line  # the medians' ratio decides
    assert line.endswith("; run by run 1.25x (1.20-1.33)")
    assert "run by run" not in ratio_line("one run", [0.3], [0.2], 1.5)
    assert "run by run" not in ratio_line("for information", ours, base, None)
