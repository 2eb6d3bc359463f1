"""The actions and printing benchmarks still run end to end, at a tiny size.

``tests/benchmarks`` is not collected (the benchmarks run on demand:
``make bench-actions``, ``make bench-printing``), so this runs each one as a
reviewer would, in a child process with Qt offscreen and scratch settings,
and checks that it measured every figure and printed its ratios against the
goals. It asserts what the report says, never how fast anything was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

BENCHMARKS = REPO_ROOT / "tests" / "benchmarks"


def _run(script: str, *args: str, home: Path) -> str:
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    finished = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO_ROOT,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return finished.stdout


@pytest.mark.slow
def test_the_actions_benchmark_measures_every_figure(tmp_path: Path) -> None:
    report = _run(
        "bench_actions.py",
        *("--actions", "60", "--updates", "240", "--people", "6", "--plans", "2"),
        *("--forms", "2", "--runs", "1", "--warmup", "0", "--profile", "never"),
        home=tmp_path,
    )
    for figure in (
        "QPMR ActionsTab",
        "baseline the same tab",
        "QPMR filter box",
        "sort by due date",
        "import returned update forms",
    ):
        assert figure in report
    # The two goals, open and filter, each judged against its baseline.
    assert report.count("goal <= 1.5x") == 2
    assert "goals: open" in report


@pytest.mark.slow
def test_the_printing_benchmark_measures_the_pack_and_its_reference(tmp_path: Path) -> None:
    report = _run(
        "bench_printing.py",
        # The smallest it takes: the demo's own 9 indicators and 20 actions.
        *("--indicators", "9", "--actions", "20", "--runs", "1", "--warmup", "0"),
        *("--profile", "never"),
        home=tmp_path,
    )
    assert "pack" in report
    assert "reference" in report
    assert "ratio" in report
