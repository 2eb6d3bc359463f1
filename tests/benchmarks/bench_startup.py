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
The app owns that hook (``qpmr_desktop.app``): on the main window's first
paint event it prints the line above to stdout and quits with status 0.  The
child here only wraps ``sys.stdout`` so that, when that line is printed, it
can also report ``sys.modules`` at that very moment.  Until the app has the
hook, ``--app direct`` (chosen by ``auto`` when the hook is absent) builds
``qpmr_desktop.ui.main_window.MainWindow`` itself: an approximation of the
composition root, said so in the output.

This file is its own child (``--child``): the child code is type-checked
with the rest, and the module imports nothing heavy at the top so that the
bare child pays only for what a bare Qt program pays for.
"""

# The parent's imports live inside its functions so the children stay lean
# (tests/** may import inside functions: PLC0415 is off there).

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QWidget

FIRST_PAINT_MARKER = "QPMR_FIRST_PAINT"
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


def child_app_direct(database: str) -> int:
    """Fallback until the app has the hook: build the main window directly."""
    import importlib
    import inspect
    from pathlib import Path

    from PySide6.QtWidgets import QApplication

    from qpmr_desktop.services.workspace import open_workspace

    main_window_class = importlib.import_module("qpmr_desktop.ui.main_window").MainWindow

    sys.stdout = _FirstPaintSpy(sys.stdout)
    app = QApplication(sys.argv[:1])
    workspace = open_workspace(Path(database))
    # The constructor is another engineer's; pass what its parameters ask for.
    parameters = inspect.signature(main_window_class).parameters
    if "workspace" in parameters:
        window = main_window_class(workspace=workspace)
    elif "database" in parameters:
        window = main_window_class(database=Path(database))
    elif "path" in parameters:
        window = main_window_class(path=Path(database))
    else:
        window = main_window_class(workspace)
    spy = _watch_first_paint(window, _print_first_paint_and_quit)
    window.show()
    status = app.exec()
    del spy
    workspace.close()
    return int(status)


def child_main(argv: list[str]) -> int:
    kind = argv[0]
    if kind == "bare":
        return child_bare()
    if kind == "app-hook":
        return child_app_hook(argv[1])
    if kind == "app-direct":
        return child_app_direct(argv[1])
    print(f"unknown child {kind!r}", file=sys.stderr)
    return 2


# ------------------------------------------------------------------ parent


class BenchError(Exception):
    """A child did not reach its first paint: the benchmark cannot go on."""


def parse_child_output(stdout: str) -> tuple[float, frozenset[str] | None]:
    """The first-paint wall time and the top-level modules loaded then (None if not told)."""
    painted: float | None = None
    modules: frozenset[str] | None = None
    for line in stdout.splitlines():
        if line.startswith(FIRST_PAINT_MARKER + " "):
            try:
                painted = float(line.split()[1])
            except (IndexError, ValueError) as error:
                raise BenchError(f"cannot read the time in {line!r}") from error
        elif line.startswith(MODULES_MARKER + " "):
            modules = frozenset(line.split()[1:])
    if painted is None:
        raise BenchError(f"no {FIRST_PAINT_MARKER} line in the child's output")
    return painted, modules


def _run_child(
    args: list[str], env: dict[str, str], timeout: float
) -> tuple[float, frozenset[str] | None]:
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
        painted, modules = parse_child_output(result.stdout)
    except BenchError as error:
        tail = "\n".join(result.stderr.strip().splitlines()[-15:])
        raise BenchError(f"{args[0]} (exit {result.returncode}): {error}\n{tail}") from error
    return painted - started, modules


def _package_dir() -> Path:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("qpmr_desktop")
    if spec is None or spec.origin is None:
        raise BenchError("qpmr_desktop is not installed in this Python (run make setup)")
    return Path(spec.origin).parent


def choose_app_mode(requested: str) -> str:
    """``hook`` when the app has the first-paint hook, else ``direct`` when it can be built."""
    if requested != "auto":
        return requested
    package = _package_dir()
    if any(HOOK_ENV in path.read_text(encoding="utf-8") for path in package.rglob("*.py")):
        return "hook"
    if (package / "ui" / "main_window.py").exists():
        return "direct"
    raise BenchError(
        f"the app has no {HOOK_ENV} hook yet and qpmr_desktop/ui/main_window.py does not exist"
    )


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
    bare: list[float],
    app_mode: str,
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
    how = {
        "hook": f"python -m qpmr_desktop --database DEMO, {HOOK_ENV}=1",
        "direct": "qpmr_desktop.ui.main_window.MainWindow built directly (no app hook yet)",
    }[app_mode]
    lines = [
        f"Process start to first paint, seconds (QT_QPA_PLATFORM={platform})",
        f"{'':<24}{'median':>9}{'min':>9}{'max':>9}{'runs':>6}",
        row("bare QMainWindow", bare),
        row("QPMR main window", app),
        f"{'ratio app / bare':<24}{ratio:>9.2f}   goal <= {GOAL_RATIO}: {verdict}",
        f"app started as: {how}",
    ]
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
    parser.add_argument(
        "--app",
        choices=("auto", "hook", "direct"),
        default="auto",
        help="how to start the app (default: the hook when the app has it)",
    )
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
            app_mode = choose_app_mode(args.app)
            _ensure_demo(database, env)
            app_child = [f"app-{app_mode}", str(database)]
            for _ in range(args.warmup):
                _run_child(app_child, env, args.timeout)
                _run_child(["bare"], env, args.timeout)
            app_times: list[float] = []
            bare_times: list[float] = []
            modules: frozenset[str] | None = None
            for run in range(args.runs):
                # Alternate which goes first, so a drifting machine load hits both alike.
                pair = [("app", app_child), ("bare", ["bare"])]
                for name, child in pair if run % 2 == 0 else pair[::-1]:
                    seconds, seen = _run_child(child, env, args.timeout)
                    if name == "app":
                        app_times.append(seconds)
                        modules = seen if seen is not None else modules
                    else:
                        bare_times.append(seconds)
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
            bare=bare_times,
            app_mode=app_mode,
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
