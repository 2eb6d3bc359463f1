"""The minutes benchmark still runs: its generator and every measurement at a tiny size.

``tests/benchmarks`` is not collected (it runs on demand: ``make bench-minutes``),
so this keeps ``bench_minutes.py`` from rotting as the code it measures
changes. It asserts counts -- rows generated, meetings shown, points read,
hits found -- never times.
"""

from __future__ import annotations

import importlib.util
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

BENCH_PATH = REPO_ROOT / "tests" / "benchmarks" / "bench_minutes.py"
MEETINGS = 12
ITEMS = 3
SECTIONS = 2
POINTS = 5


@pytest.fixture(scope="module")
def bench_module() -> ModuleType:
    """``bench_minutes`` loaded from its file (``tests/benchmarks`` is no package)."""
    name = "bench_minutes_under_test"
    spec = importlib.util.spec_from_file_location(name, BENCH_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def layout(bench_module: ModuleType) -> Any:
    return bench_module.Layout(MEETINGS, ITEMS, SECTIONS, POINTS)


@pytest.fixture
def bench(
    bench_module: ModuleType, layout: Any, qapp: QApplication, tmp_path: Path
) -> Iterator[Any]:
    """A ``MinutesBench`` over a tiny generated database."""
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(tmp_path / "qt"))
    database = tmp_path / "bench.qpmr"
    bench_module.write_database(database, layout, batch=5)
    made = bench_module.MinutesBench(app=qapp, database_path=database, layout=layout)
    try:
        yield made
    finally:
        made.close()


def test_the_generated_database_holds_every_row_and_indexes_it(
    bench_module: ModuleType, layout: Any, tmp_path: Path
) -> None:
    path = tmp_path / "generated.qpmr"
    generated = bench_module.write_database(path, layout, batch=5)

    with sqlite3.connect(path) as connection:
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in generated.counts
        }
        # One row of the index's docsize shadow table per point the triggers indexed.
        indexed = connection.execute("SELECT count(*) FROM fts_minute_point_docsize").fetchone()[0]
    connection.close()

    items = MEETINGS * ITEMS
    assert counts == generated.counts
    assert counts["meeting"] == MEETINGS
    assert counts["agenda_item"] == items
    assert counts["minute_section"] == items * SECTIONS
    assert counts["minute_point"] == items * POINTS == layout.point_count
    assert counts["resolution"] == items
    assert counts["resolution_part"] == len(bench_module.PARTS) * sum(
        1 for item in range(1, items + 1) if layout.has_parts(item)
    )
    assert indexed == items * POINTS


def test_the_raw_search_asks_what_the_service_asks(bench_module: ModuleType) -> None:
    bench_module.check_expressions()  # raises BenchError when they have drifted apart


def test_a_run_measures_everything_and_fills_the_report(
    bench_module: ModuleType, bench: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tiny register has fewer hits than the service's limit; ask for fewer.
    monkeypatch.setattr(bench_module, "SEARCH_LIMIT", 2)
    figures = bench_module.Figures()

    # Every measurement checks its own counts (meetings shown, text in the read view) and raises.
    bench_module.run_once(bench, figures, 0)
    bench_module.run_once(bench, figures, 1)
    names = bench_module.goal_names(bench)
    ratios = bench_module.goal_ratios(figures, names)
    report = bench_module.format_report(figures, bench, "header")
    shown = bench.open_tab([])
    loaded = [bench.select([], target) for target in bench.targets]
    points = [bench.select_raw([], target) for target in bench.targets]

    assert shown == MEETINGS
    assert [target.label for target in bench.targets] == [
        label for label, _rank in bench_module.SELECT_RANKS
    ]
    # Whatever the depth, only the item's own agenda is read, besides the newest
    # meeting's, opened when the tab loads (select_item asks which meeting holds it).
    assert loaded == [1] + [2] * (len(bench.targets) - 1)
    assert points == [POINTS] * len(bench.targets)
    assert set(ratios) == set(names)
    assert len(names) == 7
    assert report.count("goal <= 3x") == len(names)
    for label in ("QPMR MinutesTab", "QPMR search_minutes", "QPMR list_resolutions"):
        assert label in report
    for samples in figures.samples.values():
        assert len(samples) == 2
