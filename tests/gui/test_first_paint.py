"""The start-up benchmark's hook: first paint, then data shown, then quit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from qpmr_desktop.services.workspace import open_workspace
from qpmr_desktop.ui.first_paint import (
    DATA_SHOWN_MARKER,
    FALLBACK_MILLISECONDS,
    FIRST_PAINT_MARKER,
    FirstPaintReporter,
    call_after_first_paint,
)
from qpmr_desktop.ui.main_window import MainWindow
from tests.gui.conftest import shows_window


@shows_window
def test_first_paint_then_data_shown_are_reported_once_each_then_it_quits(
    qtbot: QtBot,
    demo_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(True))
    window = MainWindow(None, opening=demo_path, remember_layout=False)
    qtbot.addWidget(window)
    reporter = FirstPaintReporter(window)

    for _ in range(2):
        reporter.eventFilter(window, QPaintEvent(window.rect()))
    reporter.eventFilter(window, QEvent(QEvent.Type.Resize))
    assert quits == []  # the window is up, but no data yet
    window.set_workspace(open_workspace(demo_path))
    qtbot.waitUntil(lambda: quits == [True])

    lines = [line.split() for line in capsys.readouterr().out.splitlines() if line]
    assert [marker for marker, _ in lines] == [FIRST_PAINT_MARKER, DATA_SHOWN_MARKER]
    first, shown = (float(stamp) for _, stamp in lines)
    assert 0 < first <= shown


def test_work_waits_for_the_first_paint_and_runs_once(qtbot: QtBot) -> None:
    ran: list[str] = []
    widget = QWidget()
    qtbot.addWidget(widget)
    call_after_first_paint(widget, lambda: ran.append("opened"))

    QApplication.sendEvent(widget, QPaintEvent(widget.rect()))  # through the event filters
    assert ran == []  # not inside the paint: after it
    QApplication.processEvents()
    assert ran == ["opened"]
    QApplication.sendEvent(widget, QPaintEvent(widget.rect()))
    qtbot.wait(FALLBACK_MILLISECONDS + 50)  # neither a later paint nor the fallback repeats it
    assert ran == ["opened"]


def test_a_widget_that_is_never_painted_still_gets_its_work_done(qtbot: QtBot) -> None:
    ran: list[str] = []
    hidden = QWidget()
    qtbot.addWidget(hidden)
    call_after_first_paint(hidden, lambda: ran.append("opened"))

    qtbot.waitUntil(lambda: ran == ["opened"])
