"""What the on-demand benchmarks share: timing, profiling, the report's rows, the scratch run.

``bench_indicators.py``, ``bench_minutes.py``, ``bench_actions.py`` and
``bench_printing.py`` import it as ``tests.benchmarks.bench_harness``: the
editable install (``make setup``) puts the repository root on ``sys.path``, so
that name resolves when they run as scripts, when the smoke tests load them
from their files, and for mypy (``explicit_package_bases``) alike.

Contract:

- ``stopwatch(times)`` appends the seconds its block takes to ``times``,
  collecting garbage first (untimed); while ``profile_summary`` (or a
  benchmark's own profiler through ``Profiling.profiler``) runs, cProfile is
  on only inside these blocks, so a profile shows the timed work alone.
- ``BenchError`` is the one error a benchmark reports as a message and exit
  status 1 (``run_in_scratch`` does that) rather than a traceback; ``check``
  raises it.
- ``Figures`` holds every sample in seconds by name, plus free-text notes the
  report quotes.
- ``figure_row``, ``ratio_line`` and ``part_rows`` format the report's lines in
  milliseconds, with the column widths every report prints.
- ``run_in_scratch`` runs a benchmark in a fresh temporary folder that also
  holds the app's data folder and settings, so a run never reads or changes
  the user's own (filter state, layout, name), and offscreen unless told.
- Nothing here imports PySide6 at module level: the Qt helpers import it when
  first called.
"""

from __future__ import annotations

import cProfile
import gc
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTableView, QWidget


# ------------------------------------------------------------------ timing


class BenchError(Exception):
    """The benchmark cannot go on (a count is wrong, a code path is missing)."""


def check(condition: bool, message: str) -> None:
    """Raise ``BenchError(message)`` unless ``condition`` holds."""
    if not condition:
        raise BenchError(message)


class Profiling:
    """The profiler ``profile_summary`` runs: on only inside ``stopwatch`` blocks."""

    profiler: cProfile.Profile | None = None


@contextmanager
def stopwatch(times: list[float], *, collect: bool = True) -> Iterator[None]:
    """Append the seconds the block takes to ``times``; collect garbage first, untimed."""
    if collect:
        gc.collect()
    profiler = Profiling.profiler
    if profiler is not None:
        profiler.enable()
    started = time.perf_counter()
    try:
        yield
    finally:
        times.append(time.perf_counter() - started)
        if profiler is not None:
            profiler.disable()


def run_order(run: int, pair: tuple[Callable[[], object], Callable[[], object]]) -> None:
    """Alternate which of the pair goes first, so drifting load hits both alike."""
    for step in pair if run % 2 == 0 else pair[::-1]:
        step()


@dataclass
class Figures:
    """Every sample, in seconds, by name."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def add(self, name: str) -> list[float]:
        return self.samples.setdefault(name, [])

    def median(self, name: str) -> float:
        return median(self.samples[name])


# ------------------------------------------------------------------ Qt widgets


def delete_widget(widget: QWidget) -> None:
    """Delete a widget now (deleteLater needs an event loop): untimed clean-up."""
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.hide()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QCoreApplication.processEvents()


def view_of(widget: QWidget) -> QTableView:
    """The table view a tab keeps in ``.view``, or ``BenchError``."""
    from PySide6.QtWidgets import QTableView

    view = getattr(widget, "view", None)
    if not isinstance(view, QTableView):
        raise BenchError(f"{type(widget).__name__} has no table view in .view")
    return view


# ------------------------------------------------------------------ PySide6 and None


def check_none_refcount() -> None:
    """Refuse to run on a PySide6 that drops a reference to None per void call.

    PySide6 6.12.0 on Python 3.11 (where None is not yet immortal) returns None
    from every void method (``QPainter.save()``, ``QObject.setObjectName()`` …)
    without a new reference, so None's count falls by one a call until Python
    aborts with "Fatal Python error: none_dealloc" -- within a few hundred
    repaints. The project excludes that version (pyproject.toml); an
    environment that has it anyway gets a clear error here rather than a crash
    part-way through, or figures from a patched interpreter.
    """
    if sys.version_info >= (3, 12):
        return  # None is immortal: nothing can leak
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QObject

    probe = QObject()
    calls = 1000
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    if lost >= calls // 2:
        raise BenchError(
            f"PySide6 {pyside_version} drops a reference to None per void call ({lost} in "
            f"{calls} calls of QObject.setObjectName): on Python "
            f"{sys.version.split()[0]} the run would abort with 'none_dealloc'. Install a "
            "PySide6 the project allows (pyproject.toml excludes 6.12.0)."
        )


# ------------------------------------------------------------------ profiling


def profile_summary(work: Callable[[], object], *, limit: int = 22) -> str:
    """cProfile the timed blocks of ``work()``: functions by cumulative and own time."""
    import io
    import pstats
    import sysconfig

    profiler = cProfile.Profile()
    Profiling.profiler = profiler
    try:
        work()
    finally:
        Profiling.profiler = None
    prefixes = sorted(
        {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"], str(Path.cwd())},
        key=len,
        reverse=True,
    )
    out: list[str] = []
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats(order).print_stats(limit)
        text = stream.getvalue()
        for prefix in prefixes:
            text = text.replace(prefix + "/", "")
        body = text[text.find("   ncalls") :] if "   ncalls" in text else text
        total = next((line for line in text.splitlines() if "function calls" in line), "")
        out.append(f"-- by {order} time ({total.strip()})\n{body.rstrip()}")
    return "\n".join(out)


# ------------------------------------------------------------------ the report


def ms(seconds: float, *, decimals: int = 1) -> str:
    """Seconds as milliseconds in a column ten wide."""
    return f"{seconds * 1000:>10.{decimals}f}"


def figure_row(label: str, samples: Sequence[float], *, width: int = 52, decimals: int = 1) -> str:
    """A figure's line: label, then median, min and max in milliseconds, then the runs."""
    if not samples:
        return f"  {label:<{width}}{'—':>10}"
    return (
        f"  {label:<{width}}{ms(median(samples), decimals=decimals)}"
        f"{ms(min(samples), decimals=decimals)}{ms(max(samples), decimals=decimals)}"
        f"{len(samples):>6}"
    )


def ratio_line(
    label: str,
    ours: Sequence[float],
    base: Sequence[float],
    goal: float | None,
    *,
    width: int = 52,
    goal_spec: str = "",
) -> str:
    """The ratio of two figures' medians, and whether it meets ``goal`` (None: no goal).

    ``goal_spec`` formats the goal (``"g"``: 3.0 as "3").
    """
    ratio = median(ours) / median(base)
    if goal is None:
        return f"  {label:<{width}}{ratio:>10.2f}x   (for information: no goal)"
    verdict = "met" if ratio <= goal else "NOT met"
    line = f"  {label:<{width}}{ratio:>10.2f}x   goal <= {goal:{goal_spec}}x: {verdict}"
    return line + paired_note(ours, base)


def paired_note(ours: Sequence[float], base: Sequence[float]) -> str:
    """The ratio run by run, for information: "; run by run 1.26x (1.13-1.87)".

    The i-th samples of ``ours`` and ``base`` are taken in the same run,
    seconds apart; this machine's speed drifts by up to 2x over minutes, which
    moves the two medians apart, so the spread run by run shows how firm the
    verdict on the medians is. Empty unless both have one sample per run.
    """
    if len(ours) != len(base) or len(ours) < 2:
        return ""
    ratios = [mine / theirs for mine, theirs in zip(ours, base, strict=True)]
    return f"; run by run {median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"


def part_rows(samples: dict[str, list[float]], prefix: str) -> list[str]:
    """The "of which" rows of a figure: samples named "<prefix>: <part>", in insertion order."""
    start = prefix + ": "
    return [
        figure_row(f"  of which {name.removeprefix(start)}", values)
        for name, values in samples.items()
        if name.startswith(start)
    ]


def qpa_platform() -> str:
    """The Qt platform plugin the run uses, as the report's header names it."""
    import os

    return os.environ.get("QT_QPA_PLATFORM", "")


# ------------------------------------------------------------------ the run


def run_in_scratch(name: str, run: Callable[[Path], int]) -> int:
    """``run(scratch)`` in a temporary folder that holds the app's data and settings too.

    Offscreen unless ``QT_QPA_PLATFORM`` says otherwise; a ``BenchError`` is
    printed as "<name>: <message>" on stderr and returns exit status 1.
    """
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix=f"qpmr-{name.replace('_', '-')}-") as folder:
        scratch = Path(folder)
        # Keep the user's own data folder and settings out of it (filter state, layout, name).
        os.environ["QPMR_DATA_DIR"] = str(scratch / "data")
        os.environ["XDG_CONFIG_HOME"] = str(scratch / "config")
        try:
            return run(scratch)
        except BenchError as error:
            print(f"{name}: {error}", file=sys.stderr)
            return 1
