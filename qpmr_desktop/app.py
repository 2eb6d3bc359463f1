"""The composition root of the GUI: the application, which database, the main window.

Contract of ``run_gui(database=…, demo=…)``:
- ``demo``: the demo database in the user data folder (built when missing);
  ``database``: that file; neither: the last database used if it is still
  there, otherwise the first-run choice (demo / new empty / open existing).
- A database that cannot be opened is explained in a message box with a way
  on (choose another database); giving up returns exit status 1. Never a
  traceback.
- Returns the application's exit status.

Start-up stays lean: the window is shown (in an "Opening …" state) before the
database stack is imported or any file is opened, and the workspace arrives on
the next turn of the event loop; nothing here imports matplotlib or ReportLab,
and only the current tab's data is read then.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from qpmr_desktop.paths import demo_database_path
from qpmr_desktop.services.workspace import Workspace, WorkspaceOpenError, open_workspace
from qpmr_desktop.ui.application import configure_application
from qpmr_desktop.ui.database_dialogs import (
    DatabaseRequest,
    ask_database_choice,
    demo_request,
    request_for_choice,
    show_open_error,
)
from qpmr_desktop.ui.first_paint import (
    FirstPaintReporter,
    call_after_first_paint,
    hook_requested,
)
from qpmr_desktop.ui.main_window import MainWindow
from qpmr_desktop.ui.settings import RecentDatabases

EXIT_GAVE_UP = 1


def run_gui(*, database: Path | None, demo: bool) -> int:
    """Open the main window on the chosen database and run until it closes."""
    existing = QApplication.instance()
    application = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    configure_application(application)
    recent = RecentDatabases()
    window = MainWindow(None, opening=_likely_path(database, demo, recent), recent=recent)
    if hook_requested():
        FirstPaintReporter(window)
    window.show()
    status = 0

    def open_into_window() -> None:
        nonlocal status
        workspace = open_start_workspace(database=database, demo=demo, recent=recent)
        if workspace is None:
            status = EXIT_GAVE_UP
            window.close()  # the last window: the event loop ends with it
            return
        window.set_workspace(workspace)

    call_after_first_paint(window, open_into_window)
    exit_status = application.exec()
    return status or exit_status


def _likely_path(database: Path | None, demo: bool, recent: RecentDatabases) -> Path | None:
    """The file the window will most likely open, named in its "Opening …" state."""
    if demo:
        return demo_database_path()
    if database is not None:
        return database
    return recent.last_existing()


def open_start_workspace(
    *, database: Path | None, demo: bool, recent: RecentDatabases
) -> Workspace | None:
    """The workspace to start on, asking the person when needed; None when they give up."""
    first_run = not demo and database is None and not recent.paths()
    try:
        request = _requested_database(database=database, demo=demo, recent=recent)
    except (OSError, WorkspaceOpenError) as error:
        if not show_open_error(None, str(error)):
            return None
        request = None
    while True:
        if request is None:
            choice = ask_database_choice(None, first_run=first_run)
            if choice is None:
                return None
            try:
                request = request_for_choice(choice)
            except (OSError, WorkspaceOpenError) as error:
                if not show_open_error(None, str(error)):
                    return None
            continue  # a cancelled file dialog (None) goes back to the choice
        try:
            workspace = open_workspace(request.path, create=request.create)
        except WorkspaceOpenError as error:
            if not show_open_error(None, str(error)):
                return None
            request = None
            continue
        recent.add(workspace.path)
        return workspace


def _requested_database(
    *, database: Path | None, demo: bool, recent: RecentDatabases
) -> DatabaseRequest | None:
    """What the command line asked for, else the last database used; None: ask."""
    if demo:
        return demo_request()
    if database is not None:
        return DatabaseRequest(database)
    last = recent.last_existing()
    return None if last is None else DatabaseRequest(last)
