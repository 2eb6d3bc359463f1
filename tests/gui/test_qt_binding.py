"""The Qt binding keeps Python's reference counts straight.

PySide6 6.12.0 drops a reference to ``None`` on every Qt method that returns
nothing; on Python 3.11 the interpreter aborts ("none_dealloc") once the count
reaches zero, which the Indicators table's chip delegate reached after a few
hundred repaints. pyproject.toml excludes that release; this test fails on any
binding that does it again.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject
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
