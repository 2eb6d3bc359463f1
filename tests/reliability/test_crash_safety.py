"""Nothing typed is lost: the app is killed by SIGKILL just after typing, and the text is there.

The real application runs in a child process on a copy of the demo database,
with ``QPMR_TEST_SCRIPT`` (``qpmr_desktop.ui.test_hooks``) typing into the
first point of the seed item and printing "TYPED". About two seconds later
(more than the editor's one-second commit delay, and no save was asked for)
the process is killed without warning; the database, reopened through the
services, holds the typed words.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from qpmr_desktop.services.minutes import get_item_for_editing, list_all_agenda_items
from qpmr_desktop.services.workspace import open_workspace

_TYPED = "Crash-proof words typed just before the power went."

_SCRIPT = f"""
import sys
from PySide6.QtWidgets import QTabWidget
from PySide6.QtTest import QTest

tabs = window.findChild(QTabWidget)
if tabs is not None:
    tabs.setCurrentWidget(tab)
tab.ensure_loaded()
from qpmr_desktop.services.minutes import list_all_agenda_items
item = next(i for i in list_all_agenda_items(workspace=tab.workspace) if "Quarterly" in i.title)
tab.select_item(item.id)
tab.set_editing(True)
editor = tab.item_editor
point = editor.point_ids()[0]
edit = editor.point_edit(point)
editor.focus_point(point, -1)
QTest.keyClicks(edit, " {_TYPED}")
print("TYPED", flush=True)
"""


def test_typed_text_survives_sigkill(demo_path: Path, tmp_path: Path) -> None:
    script = tmp_path / "type_into_point.py"
    script.write_text(_SCRIPT, encoding="utf-8")
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QPMR_TEST_SCRIPT": str(script),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "qpmr_desktop", "--database", str(demo_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=environment,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 90
        seen: list[str] = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("TYPED"):
                break
        assert seen, "the app printed nothing"
        assert seen[-1].startswith("TYPED"), "".join(seen)
        time.sleep(2.0)  # the commit delay is about a second
        assert process.poll() is None, "the app ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    workspace = open_workspace(demo_path)
    try:
        item = next(i for i in list_all_agenda_items(workspace=workspace) if "Quarterly" in i.title)
        minutes = get_item_for_editing(workspace=workspace, item_id=item.id)
        assert minutes.sections[0].points[0].text.endswith(_TYPED)
    finally:
        workspace.close()
