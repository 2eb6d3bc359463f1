"""Work that waits for the window's first paint, and the start-up benchmark's hook.

``call_after_first_paint`` runs a callback just after a widget has first been
painted (or after a short fallback delay, if it never is — a window started
minimised): the app opens its database that way, so the window is on screen
before the half second that importing the database stack costs.

``tests/benchmarks/bench_startup.py`` starts the app with
``QPMR_EXIT_AFTER_FIRST_PAINT=1`` and reads two wall-clock times printed here:
``QPMR_FIRST_PAINT`` when the main window first paints (what a person sees
first) and ``QPMR_DATA_SHOWN`` when the window has been repainted with the
database's data in it (when they can start work). Then the app quits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from qpmr_desktop.ui.main_window import MainWindow

HOOK_ENV = "QPMR_EXIT_AFTER_FIRST_PAINT"
FIRST_PAINT_MARKER = "QPMR_FIRST_PAINT"
DATA_SHOWN_MARKER = "QPMR_DATA_SHOWN"


# A window that is never painted (minimised, hidden) still gets its data.
FALLBACK_MILLISECONDS = 250


def hook_requested() -> bool:
    return os.environ.get(HOOK_ENV) == "1"


class _AfterFirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(FALLBACK_MILLISECONDS, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            # After this paint has been drawn and flushed, not inside it.
            QTimer.singleShot(0, self._run)
        return False

    def _run(self) -> None:
        callback, self._callback = self._callback, None
        if callback is None:
            return  # the other trigger came first
        self._widget.removeEventFilter(self)
        callback()


def call_after_first_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """Run ``callback`` once, just after ``widget``'s first paint (see the module)."""
    _AfterFirstPaint(widget, callback)


class FirstPaintReporter(QObject):
    """Prints the two markers for ``window`` (see the module) and quits after the second."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._painted = False
        window.installEventFilter(self)
        window.database_opened.connect(self._on_window_database_opened)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            _mark(FIRST_PAINT_MARKER)
        return False  # the paint itself still happens

    def _on_window_database_opened(self, _path: Path) -> None:
        # repaint() draws the window and every child now, so the time printed
        # is when the rows are really on screen, not when they were loaded.
        self._window.repaint()
        _mark(DATA_SHOWN_MARKER)
        QTimer.singleShot(0, QApplication.quit)


def _mark(marker: str) -> None:
    print(f"{marker} {time.time():.6f}", flush=True)
