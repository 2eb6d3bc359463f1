"""Screenshots of the main window, offscreen, for the README and for reviewing a build.

Contract: ``save_screenshot`` opens the database, builds the main window at
``size`` on ``tab`` with that tab's first row selected (on Minutes, the first
agenda item with its minutes in the read view), lets Qt lay out and paint,
and writes the window to ``out`` as PNG. It makes an offscreen
``QApplication`` when there is none and leaves the saved window layout alone.
An unknown tab raises ``ValueError``; a database that cannot be opened raises
``WorkspaceOpenError``; a PNG that cannot be written raises ``OSError``.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.workspace import open_workspace
from qpmr_desktop.ui.application import configure_application
from qpmr_desktop.ui.main_window import TAB_KEYS, MainWindow
from qpmr_desktop.ui.minutes_tab import MinutesTab

_SETTLING_PASSES = 2


def _application() -> QCoreApplication:
    existing = QApplication.instance()
    if existing is not None:
        return existing
    # There may be no screen (a build server, the CLI over SSH): draw offscreen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    application = QApplication([])
    configure_application(application)
    return application


def save_screenshot(
    *, database: Path, tab: str, out: Path, size: tuple[int, int], item: int | None = None
) -> None:
    """Write a PNG of the main window on ``tab``; see the module contract.

    ``item`` (Minutes tab only) selects that agenda item instead of the first.
    """
    if item is not None and tab != "minutes":
        raise ValueError("--item selects an agenda item: it goes with --tab minutes.")
    if tab not in TAB_KEYS:
        raise ValueError(f"Unknown tab {tab!r}: choose one of {', '.join(TAB_KEYS)}.")
    width, height = size
    if width <= 0 or height <= 0:
        raise ValueError(f"The size must be positive, not {width}x{height}.")
    application = _application()
    workspace = open_workspace(database)
    window = MainWindow(workspace, remember_layout=False, initial_tab=tab)
    try:
        if item is not None:
            minutes = window.tab("minutes")
            assert isinstance(minutes, MinutesTab)
            if not minutes.select_item(AgendaItemId(item)):
                raise NotFoundError("agenda item", item)
        # Never shown: grab() lays the window out and paints it all the same,
        # no window flashes up on a desktop, and the offscreen plugin has no
        # platform window to warn about ("does not support propagateSizeHints").
        # The first grab delivers the resize events a hidden window still owes
        # its children; the item views then lay out (scroll bars, column
        # widths) on the next event loop pass. What the tab fills after its
        # first paint (an indicator's detail, then its chart, which a paint
        # schedules) needs a pass more, so the third grab is the picture.
        window.resize(width, height)
        for _ in range(_SETTLING_PASSES):
            window.grab()
            application.processEvents()
        pixmap = window.grab()
        if not pixmap.save(str(out), "PNG"):
            raise OSError(f"Could not write the screenshot to {out}.")
    finally:
        window.close()
        window.deleteLater()
        application.processEvents()
