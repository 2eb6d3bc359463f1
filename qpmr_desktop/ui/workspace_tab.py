"""The common shape of the main window's tabs: a view of the open workspace, loaded lazily.

Contract: the main window hands every tab the workspace with
``set_workspace`` (cheap: the tab forgets what it showed) and calls
``ensure_loaded`` when the tab is first shown, so start-up reads only the
first tab's data. ``focus_filter`` serves Ctrl+F; ``save_state`` and
``restore_state`` keep splitter positions and column layout in ``WindowState``
under the tab's ``key``.

A tab whose data cannot be read (a file changed underneath, a schema it does
not know) says so in its own pane and in ``load_failed``; the window and the
other tabs go on working, and the log keeps the details.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.settings import WindowState

_log = logging.getLogger(__name__)


class WorkspaceTab(QWidget):
    """Base class of the tabs; subclasses implement ``_load``, ``_clear`` and ``_show_problem``."""

    load_failed = Signal(str)  # a sentence for a person

    key: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._loaded = False
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setClearButtonEnabled(True)

    @property
    def is_loaded(self) -> bool:
        return self._loaded

    @property
    def workspace(self) -> Workspace | None:
        return self._workspace

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show ``workspace`` from now on; its data loads on ``ensure_loaded``."""
        self._workspace = workspace
        self._loaded = False
        self._clear()

    def ensure_loaded(self) -> None:
        """Load the workspace's data unless it is already loaded."""
        if self._loaded or self._workspace is None:
            return
        self._loaded = True
        try:
            self._load(self._workspace)
        # Deliberately broad: whatever a service raises, one tab failing to read
        # must not take the window (and the user's other work) down with it.
        except Exception as error:  # noqa: BLE001
            _log.exception("The %s tab could not load %s", self.key, self._workspace.path)
            message = f"This tab could not be loaded from {self._workspace.path.name}: {error}"
            self._clear()
            self._show_problem(message)
            self.load_failed.emit(message)

    def reload(self) -> None:
        self._loaded = False
        self.ensure_loaded()

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def save_state(self, state: WindowState) -> None:
        """Remember this tab's layout (nothing by default)."""

    def restore_state(self, state: WindowState) -> None:
        """Restore what ``save_state`` remembered (nothing by default)."""

    def _load(self, workspace: Workspace) -> None:
        raise NotImplementedError

    def _clear(self) -> None:
        raise NotImplementedError

    def _show_problem(self, message: str) -> None:
        raise NotImplementedError
