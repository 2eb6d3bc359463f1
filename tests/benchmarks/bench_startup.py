"""Start-up benchmark: process start to the main window's first paint (issue 2, point 9).

Run on demand, never in ``make test``::

    make bench                          # 5 runs each
    make bench BENCH_ARGS='--runs 9'
    .venv/bin/python tests/benchmarks/bench_startup.py --help

It times, in fresh processes and interleaved, (a) QPMR Desktop on the demo
database and (b) a bare PySide6 ``QMainWindow``, each from just before the
parent spawns the process to the window's first paint event, and prints both
medians and their ratio (goal: at most 2.5).  It also says which heavy
libraries the app had imported by its first paint: matplotlib and ReportLab
must not be among them.

How first paint is seen.  The parent reads ``time.time()`` just before it
spawns the child; the child prints ``QPMR_FIRST_PAINT <time.time()>`` when the
window receives its first ``QEvent.Paint`` (an event filter, not a timer after
``show()``: a paint event is when pixels are really drawn), then quits.  Both
clocks are the same wall clock, so interpreter start, imports, opening the
database and building the window all count.

The app is started the way a user starts it, ``python -m qpmr_desktop
--database DEMO``, with ``QPMR_EXIT_AFTER_FIRST_PAINT=1`` in its environment.
The app owns that hook (``qpmr_desktop.ui.first_paint``): it prints the line
above on the main window's first paint, then ``QPMR_DATA_SHOWN <time>`` once
the window has been repainted with the database's rows in it, and quits.  The
app paints its window before it imports the database stack (about half a
second), so both figures are printed: first paint is what the goal is about,
data shown is when a person can start work.  The child here only wraps
``sys.stdout`` so that, when the first line is printed, it can also report
``sys.modules`` at that very moment.

This file is its own child (``--child``): the child code is type-checked
with the rest, and the module imports nothing heavy at the top so that the
bare child pays only for what a bare Qt program pays for.
"""

# The parent's imports live inside its functions so the children stay lean
# (tests/** may import inside functions: PLC0415 is off there).

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, NamedTuple, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QWidget

FIRST_PAINT_MARKER = "QPMR_FIRST_PAINT"
DATA_SHOWN_MARKER = "QPMR_DATA_SHOWN"
MODULES_MARKER = "QPMR_BENCH_MODULES"
HOOK_ENV = "QPMR_EXIT_AFTER_FIRST_PAINT"
GOAL_RATIO = 2.5
# Libraries whose import time matters at start; matplotlib and reportlab must wait.
WATCHED_MODULES = ("matplotlib", "reportlab", "sqlmodel", "sqlalchemy", "alembic", "platformdirs")
MUST_NOT_IMPORT = ("matplotlib", "reportlab")
WINDOW_SIZE = (1400, 900)


# ------------------------------------------------------------------ children


def _loaded_modules() -> str:
    return " ".join(sorted({name.split(".", 1)[0] for name in list(sys.modules)}))


class _FirstPaintSpy:
    """Stands in for ``sys.stdout``: once the app has printed its first-paint
    line, adds a line naming the modules loaded at that moment."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._state = "waiting"  # then "marker seen", then "reported"

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        if self._state == "waiting" and FIRST_PAINT_MARKER in text:
            self._state = "marker seen"
        # print() writes the text and its newline separately: report after the newline.
        if self._state == "marker seen" and "\n" in text:
            self._state = "reported"
            self._stream.write(f"{MODULES_MARKER} {_loaded_modules()}\n")
            self._stream.flush()
        return written

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _watch_first_paint(window: QWidget, on_paint: Callable[[], None]) -> QObject:
    """An event filter that calls ``on_paint()`` on the window's first paint event."""
    from PySide6.QtCore import QEvent, QObject

    class FirstPaintFilter(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                on_paint()
            return False

    spy = FirstPaintFilter()
    window.installEventFilter(spy)
    return spy


def _print_first_paint_and_quit() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    print(f"{FIRST_PAINT_MARKER} {time.time():.6f}", flush=True)
    QTimer.singleShot(0, QApplication.quit)


def child_bare() -> int:
    """A bare PySide6 QMainWindow: the floor any Qt program pays."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(*WINDOW_SIZE)
    spy = _watch_first_paint(window, _print_first_paint_and_quit)
    window.show()
    status = app.exec()
    del spy
    return status


def child_app_hook(database: str) -> int:
    """The real app, started as ``python -m qpmr_desktop --database DATABASE``."""
    import runpy

    sys.stdout = _FirstPaintSpy(sys.stdout)
    sys.argv = ["qpmr-desktop", "--database", database]
    try:
        runpy.run_module("qpmr_desktop", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    return 0


def child_main(argv: list[str]) -> int:
    kind = argv[0]
    if kind == "bare":
        return child_bare()
    if kind == "app-hook":
        return child_app_hook(argv[1])
    print(f"unknown child {kind!r}", file=sys.stderr)
    return 2


# ------------------------------------------------------------------ parent


class BenchError(Exception):
    """A child did not reach its first paint: the benchmark cannot go on."""


class ChildTimes(NamedTuple):
    """Wall-clock times a child printed, and the top-level modules loaded at first paint."""

    first_paint: float
    data_shown: float | None  # None for the bare window, which has no data
    modules: frozenset[str] | None


def _marked_time(line: str) -> float:
    try:
        return float(line.split()[1])
    except (IndexError, ValueError) as error:
        raise BenchError(f"cannot read the time in {line!r}") from error


def parse_child_output(stdout: str) -> ChildTimes:
    """What a child printed: its first paint, its data shown, the modules then loaded."""
    painted: float | None = None
    shown: float | None = None
    modules: frozenset[str] | None = None
    for line in stdout.splitlines():
        if line.startswith(FIRST_PAINT_MARKER + " "):
            painted = _marked_time(line)
        elif line.startswith(DATA_SHOWN_MARKER + " "):
            shown = _marked_time(line)
        elif line.startswith(MODULES_MARKER + " "):
            modules = frozenset(line.split()[1:])
    if painted is None:
        raise BenchError(f"no {FIRST_PAINT_MARKER} line in the child's output")
    return ChildTimes(painted, shown, modules)


def _run_child(args: list[str], env: dict[str, str], timeout: float) -> ChildTimes:
    """The child's times, as seconds since just before it was spawned."""
    import subprocess

    command = [sys.executable, __file__, "--child", *args]
    started = time.time()
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"{args[0]}: no first paint within {timeout:.0f} s") from error
    try:
        times = parse_child_output(result.stdout)
    except BenchError as error:
        tail = "\n".join(result.stderr.strip().splitlines()[-15:])
        raise BenchError(f"{args[0]} (exit {result.returncode}): {error}\n{tail}") from error
    shown = None if times.data_shown is None else times.data_shown - started
    return ChildTimes(times.first_paint - started, shown, times.modules)


def _package_dir() -> Path:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("qpmr_desktop")
    if spec is None or spec.origin is None:
        raise BenchError("qpmr_desktop is not installed in this Python (run make setup)")
    return Path(spec.origin).parent


def _ensure_demo(path: Path, env: dict[str, str]) -> None:
    import subprocess

    if path.exists():
        return
    result = subprocess.run(
        [sys.executable, "-m", "qpmr_desktop", "demo", "--database", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"could not write the demo database: {result.stderr.strip()}")


def format_report(
    *,
    app: list[float],
    app_data: list[float],
    bare: list[float],
    modules: frozenset[str] | None,
    platform: str,
) -> str:
    """The table printed at the end: medians, spread, ratio and the import check."""
    from statistics import median

    def row(label: str, times: list[float]) -> str:
        return (
            f"{label:<24}{median(times):>9.3f}{min(times):>9.3f}{max(times):>9.3f}{len(times):>6}"
        )

    ratio = median(app) / median(bare)
    verdict = "met" if ratio <= GOAL_RATIO else "NOT met"
    lines = [
        f"Process start to first paint, seconds (QT_QPA_PLATFORM={platform})",
        f"{'':<24}{'median':>9}{'min':>9}{'max':>9}{'runs':>6}",
        row("bare QMainWindow", bare),
        row("QPMR main window", app),
        f"{'ratio app / bare':<24}{ratio:>9.2f}   goal <= {GOAL_RATIO}: {verdict}",
    ]
    if app_data:
        data_ratio = median(app_data) / median(bare)
        lines += [
            row("QPMR with data shown", app_data),
            f"{'ratio data shown / bare':<24}{data_ratio:>9.2f}   (for information: no goal)",
        ]
    lines.append(f"app started as: python -m qpmr_desktop --database DEMO, {HOOK_ENV}=1")
    if modules is None:
        lines.append("imported at first paint: unknown (the app printed no first-paint line)")
    else:
        seen = ", ".join(f"{name} {'yes' if name in modules else 'no'}" for name in WATCHED_MODULES)
        lines.append(f"imported at first paint: {seen}")
        late = [name for name in MUST_NOT_IMPORT if name in modules]
        if late:
            lines.append(f"  {' and '.join(late)} must not be imported at start")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import os
    import tempfile
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument("--database", type=Path, help="database to open (default: a new demo)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per child")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when the goal is missed or imports leak"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="qpmr-bench-") as scratch:
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        # Keep the user's own data folder and settings out of it (recent files, …).
        env["QPMR_DATA_DIR"] = str(Path(scratch) / "data")
        env["XDG_CONFIG_HOME"] = str(Path(scratch) / "config")
        env[HOOK_ENV] = "1"
        database = args.database or Path(scratch) / "demo.qpmr"
        try:
            _ensure_demo(database, env)
            app_child = ["app-hook", str(database)]
            for _ in range(args.warmup):
                _run_child(app_child, env, args.timeout)
                _run_child(["bare"], env, args.timeout)
            app_times: list[float] = []
            app_data_times: list[float] = []
            bare_times: list[float] = []
            modules: frozenset[str] | None = None
            for run in range(args.runs):
                # Alternate which goes first, so a drifting machine load hits both alike.
                pair = [("app", app_child), ("bare", ["bare"])]
                for name, child in pair if run % 2 == 0 else pair[::-1]:
                    times = _run_child(child, env, args.timeout)
                    if name == "app":
                        app_times.append(times.first_paint)
                        if times.data_shown is not None:
                            app_data_times.append(times.data_shown)
                        modules = times.modules if times.modules is not None else modules
                    else:
                        bare_times.append(times.first_paint)
                print(
                    f"run {run + 1}/{args.runs}: app {app_times[-1]:.3f} s, "
                    f"bare {bare_times[-1]:.3f} s",
                    flush=True,
                )
        except BenchError as error:
            print(f"bench_startup: {error}", file=sys.stderr)
            return 1
    print()
    print(
        format_report(
            app=app_times,
            app_data=app_data_times,
            bare=bare_times,
            modules=modules,
            platform=env["QT_QPA_PLATFORM"],
        )
    )
    if args.strict:
        from statistics import median

        leaked = modules is None or any(name in modules for name in MUST_NOT_IMPORT)
        if median(app_times) / median(bare_times) > GOAL_RATIO or leaked:
            return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(child_main(sys.argv[2:]))
    sys.exit(main())
