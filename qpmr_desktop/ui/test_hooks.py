"""A hook for tests that drive the real application in a child process.

Contract: when the environment variable ``QPMR_TEST_SCRIPT`` names a Python
file, ``schedule_test_script(tab)`` runs it once, on the next turn of the
event loop after the Minutes tab was given a workspace, with ``tab`` (the
``MinutesTab``) and ``window`` (its top-level window) as globals. The crash
safety test (``tests/reliability/test_crash_safety.py``) uses it to type into
a point and then kills the process. Without the variable nothing happens; a
script that raises is logged and the application goes on.
"""

from __future__ import annotations

import logging
import os
import runpy
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

__all__ = ["TEST_SCRIPT_VARIABLE", "schedule_test_script"]

TEST_SCRIPT_VARIABLE = "QPMR_TEST_SCRIPT"

_log = logging.getLogger(__name__)
_ran = False


def schedule_test_script(tab: QWidget) -> None:
    """Run the script ``QPMR_TEST_SCRIPT`` names, once per process, soon after now."""
    global _ran  # noqa: PLW0603 - once per process
    path = os.environ.get(TEST_SCRIPT_VARIABLE)
    if not path or _ran:
        return
    _ran = True
    QTimer.singleShot(0, tab, lambda: _run(Path(path), tab))


def _run(path: Path, tab: QWidget) -> None:
    try:
        runpy.run_path(str(path), init_globals={"tab": tab, "window": tab.window()})
    # Deliberately broad: a broken test script must show in the log, not kill the app.
    except Exception:  # noqa: BLE001
        _log.exception("The test script %s failed", path)
