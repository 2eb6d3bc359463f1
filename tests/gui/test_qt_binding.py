"""The Qt binding keeps Python's reference counts straight.

PySide6 6.12.0 drops a reference to ``None`` on every Qt method that returns
nothing, and one to ``True`` on every ``Signal.emit()``. On Python 3.11 (where
they are not yet immortal) the interpreter aborts ("none_dealloc") once a count
reaches zero: the Indicators table's chip delegate got there after a few
hundred repaints. pyproject.toml excludes that release; these tests fail on any
binding that does it again.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QPainter, QPixmap


def test_void_qt_calls_leave_the_reference_count_of_none_alone() -> None:
    pixmap = QPixmap(8, 8)
    painter = QPainter(pixmap)
    holder = QObject()
    try:
        before = sys.getrefcount(None)
        for _ in range(500):
            painter.save()
            painter.restore()
            holder.setObjectName("chip")
        after = sys.getrefcount(None)
    finally:
        painter.end()

    # A few references may come and go with the interpreter's own work; 1,500
    # calls that each dropped one would move it by about 1,500.
    assert abs(after - before) < 50


class _Emitter(QObject):
    changed = Signal(int)


def test_emitting_a_signal_leaves_the_reference_count_of_true_alone() -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.changed.connect(received.append)

    before = sys.getrefcount(True)
    for number in range(500):
        emitter.changed.emit(number)
    after = sys.getrefcount(True)

    assert received == list(range(500))
    assert abs(after - before) < 50
