"""The main window: menus, the three tabs over the open workspace, and the status bar.

Contract:
- ``MainWindow`` is given an open ``Workspace`` and owns it from then on: it
  closes it when another database replaces it and when the window closes.
  At start-up it may be given none yet (``opening=`` names the file being
  opened): it then paints at once with its tabs disabled and the status bar
  saying "Opening …", and ``set_workspace`` fills it — so the window appears
  before the half second that importing the database stack costs.
- The title names the database ("QPMR Desktop — demo.qpmr"); the status bar
  says which database, where it is, and who is working.
- The current tab's data loads before the window is shown; every other tab
  loads the first time it is shown. Switching database resets every tab's
  models and clears the undo stack (its commands belong to the old file).
- Edit ▸ Undo / Redo are wired to ``undo_stack`` and are disabled while it
  has nothing to undo or redo. The tabs that edit push their commands on it
  (the Indicators tab is given it when made).
- The Indicator menu holds the Indicators tab's actions (new, edit, retire,
  restore); it is enabled while that tab is the current one.
- Geometry, splitters and column layout are kept in ``WindowState`` (apart
  from preferences) unless ``remember_layout`` is False (screenshots, tests).
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox, QTabWidget, QWidget

from qpmr_desktop import __version__
from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.services.workspace import Workspace, WorkspaceOpenError, open_workspace
from qpmr_desktop.ui.action_filters import TransientActionFilterPreferences
from qpmr_desktop.ui.actions_tab import ActionsTab, build_action_menu
from qpmr_desktop.ui.database_dialogs import ask_existing_database_path, ask_new_database_path
from qpmr_desktop.ui.indicator_filters import TransientFilterPreferences
from qpmr_desktop.ui.indicators_tab import IndicatorsTab
from qpmr_desktop.ui.minutes_tab import MinutesTab
from qpmr_desktop.ui.resolutions_tab import ResolutionsTab
from qpmr_desktop.ui.settings import RecentDatabases, WindowState
from qpmr_desktop.ui.workspace_tab import WorkspaceTab

APP_TITLE = "QPMR Desktop"
TAB_KEYS = ("indicators", "minutes", "actions", "resolutions")

ABOUT_TEXT = (
    "<h3>QPMR Desktop {version}</h3>"
    "<p>Minutes, quarterly performance indicators and improvement-plan actions "
    "for a council's performance committee.</p>"
    "<p>The clerk drafts and prints the minutes of each agenda item; officers "
    "report indicator values and update the actions they own; the committee "
    "receives the papers. Everything lives in one database file on this "
    "computer, or on a shared server.</p>"
)


def location_text(path: Path) -> str:
    """The status bar's "demo.qpmr · local file · /full/path/demo.qpmr"."""
    return f"{path.name} · local file · {path}"


class MainWindow(QMainWindow):
    """The application window; see the module contract."""

    database_opened = Signal(Path)

    def __init__(
        self,
        workspace: Workspace | None,
        *,
        opening: Path | None = None,
        recent: RecentDatabases | None = None,
        window_state: WindowState | None = None,
        remember_layout: bool = True,
        initial_tab: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._recent = recent if recent is not None else RecentDatabases()
        self._window_state = window_state if window_state is not None else WindowState()
        self._remember_layout = remember_layout
        self.undo_stack = QUndoStack(self)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("main_tabs")
        self.tabs.setDocumentMode(True)
        self._tabs: dict[str, WorkspaceTab] = {}
        # Screenshots and tests (remember_layout=False) must neither show nor
        # change the filter the user left on the scorecard.
        self._indicators_tab = IndicatorsTab(
            self,
            undo_stack=self.undo_stack,
            preferences=None if remember_layout else TransientFilterPreferences(),
        )
        self._minutes_tab = MinutesTab(self, undo_stack=self.undo_stack)
        self._actions_tab = ActionsTab(
            self,
            undo_stack=self.undo_stack,
            preferences=None if remember_layout else TransientActionFilterPreferences(),
        )
        self._actions_tab.resolution_link_activated.connect(self._on_resolutions_tab_item_activated)
        self._actions_tab.indicator_link_activated.connect(
            self._on_actions_tab_indicator_link_activated
        )
        self._resolutions_tab = ResolutionsTab(self)
        self._resolutions_tab.item_activated.connect(self._on_resolutions_tab_item_activated)
        self._indicators_tab.pane.action_activated.connect(self._on_linked_action_activated)
        self._minutes_tab.action_activated.connect(self._on_linked_action_activated)
        self._resolutions_tab.action_activated.connect(self._on_linked_action_activated)
        tabs: tuple[WorkspaceTab, ...] = (
            self._indicators_tab,
            self._minutes_tab,
            self._actions_tab,
            self._resolutions_tab,
        )
        for tab in tabs:
            self._tabs[tab.key] = tab
            self.tabs.addTab(tab, tab.title)

        self.setCentralWidget(self.tabs)

        self.location_label = QLabel(self)
        self.location_label.setObjectName("status_location")
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.user_label = QLabel(self)
        self.user_label.setObjectName("status_user")
        self.statusBar().addWidget(self.location_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)

        self._build_menus()
        self.resize(1280, 800)
        if remember_layout:
            self._restore_layout()
        if initial_tab is not None:
            self.set_current_tab(initial_tab)

        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._enable_tab_menus()
        if workspace is None:
            self._show_opening(opening)
        else:
            self._attach(workspace)

    # ------------------------------------------------------------ our API

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            raise RuntimeError("The main window has no database yet: it is still opening one.")
        return self._workspace

    def tab(self, key: str) -> WorkspaceTab:
        """The tab called ``key`` ("indicators", "minutes", "actions" or "resolutions")."""
        return self._tabs[key]

    def current_tab(self) -> WorkspaceTab:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, WorkspaceTab)
        return widget

    def set_current_tab(self, key: str) -> None:
        if key not in self._tabs:
            raise ValueError(f"Unknown tab {key!r}: choose one of {', '.join(TAB_KEYS)}.")
        self.tabs.setCurrentWidget(self._tabs[key])

    def set_workspace(self, workspace: Workspace) -> None:
        """Show ``workspace`` instead of the current one, which is closed."""
        old = self._workspace
        self.undo_stack.clear()
        self._attach(workspace)
        if old is not None and old is not workspace:
            old.close()
        self.database_opened.emit(workspace.path)

    def open_database(self, path: Path, *, create: bool = False) -> bool:
        """Open (or create) the database at ``path`` and switch to it; False on failure."""
        try:
            workspace = open_workspace(path, create=create)
        except WorkspaceOpenError as error:
            QMessageBox.warning(
                self,
                "Could Not Open the Database — QPMR Desktop",
                f"{error}\n\nThe file has been left as it was"
                + (
                    "."
                    if self._workspace is None
                    else f", and {self._workspace.path.name} is still open."
                ),
            )
            return False
        self._recent.add(workspace.path)
        self.set_workspace(workspace)
        return True

    # ------------------------------------------------------------ Qt overrides

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._remember_layout:
            self._save_layout()
        if self._workspace is not None:
            # Let tabs finish work they run off the GUI thread (a search) first.
            for tab in self._tabs.values():
                tab.set_workspace(None)
            self._workspace.close()
        super().closeEvent(event)

    # ------------------------------------------------------------ slots

    def _on_tabs_current_changed(self) -> None:
        self._enable_tab_menus()
        if self._workspace is not None:
            self.current_tab().ensure_loaded()

    def _on_new_database_triggered(self) -> None:
        path = ask_new_database_path(self)
        if path is not None:
            self.open_database(path, create=True)

    def _on_open_database_triggered(self) -> None:
        path = ask_existing_database_path(self)
        if path is not None:
            self.open_database(path)

    def _on_recent_menu_about_to_show(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self._recent.existing()
        for number, path in enumerate(paths, start=1):
            name = path.name.replace("&", "&&")  # a literal "&", not a mnemonic
            action = menu.addAction(f"&{number} {name}" if number < 10 else name)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.setEnabled(self._workspace is None or path != self._workspace.path.resolve())
            action.triggered.connect(lambda _checked=False, p=path: self.open_database(p))
        if not paths:
            empty = menu.addAction("No recent databases")
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear Menu")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self._recent.clear)

    def _on_import_indicators_triggered(self) -> None:
        if self._workspace is None:
            return
        # The dialog pulls in openpyxl and the import services: load it on first use.
        from qpmr_desktop.ui.import_dialog import import_indicators_interactively  # noqa: PLC0415

        result = import_indicators_interactively(self, self._workspace)
        if result is not None:
            # An import is not an undoable edit (it is audited instead); the
            # stack's commands may refer to versions the import moved on.
            self.undo_stack.clear()
            self._indicators_tab.reload()

    def _on_actions_tab_indicator_link_activated(self, indicator_id: int) -> None:
        self.tabs.setCurrentWidget(self._indicators_tab)
        self._indicators_tab.ensure_loaded()
        self._indicators_tab.select_id(indicator_id)

    def _on_linked_action_activated(self, action_id: int) -> None:
        self.tabs.setCurrentWidget(self._actions_tab)
        if self._actions_tab.show_action(action_id):
            self._actions_tab.view.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.statusBar().showMessage("That action is no longer in the tracker.", 5000)

    def _on_export_forms_triggered(self) -> None:
        if self._workspace is None:
            return
        from qpmr_desktop.ui.update_forms_dialogs import (  # noqa: PLC0415
            export_update_forms_interactively,
        )

        export_update_forms_interactively(self, self._workspace)

    def _on_import_forms_triggered(self) -> None:
        if self._workspace is None:
            return
        from qpmr_desktop.ui.update_forms_dialogs import (  # noqa: PLC0415
            import_update_forms_interactively,
        )

        if import_update_forms_interactively(self, self._workspace) is not None:
            # Imported updates moved the actions on from the versions the stack holds.
            self.undo_stack.clear()
            self._actions_tab.reload()

    def _on_export_indicators_triggered(self) -> None:
        if self._workspace is None:
            return
        from qpmr_desktop.ui.export_indicators import (  # noqa: PLC0415
            export_indicators_interactively,
        )

        export_indicators_interactively(self, self._workspace)

    def _on_resolutions_tab_item_activated(self, item_id: int) -> None:
        self.tabs.setCurrentWidget(self._minutes_tab)
        self._minutes_tab.ensure_loaded()
        self._minutes_tab.select_item(AgendaItemId(item_id))

    def _on_paste_minutes_triggered(self) -> None:
        if self._workspace is None:
            return
        from qpmr_desktop.ui.paste_minutes_dialog import (  # noqa: PLC0415
            paste_published_minutes_interactively,
        )

        item_id = paste_published_minutes_interactively(self, self._workspace)
        if item_id is not None:
            self._resolutions_tab.reload()
            self._minutes_tab.reload()
            self._on_resolutions_tab_item_activated(item_id)

    def _on_print_preview_triggered(self) -> None:
        if self._workspace is None:
            return
        # QtPdf and the printing stack load on first use, not at start-up.
        from qpmr_desktop.ui.print_preview import (  # noqa: PLC0415
            open_print_preview,
            request_for_tab,
        )

        open_print_preview(
            self,
            self._workspace,
            initial=request_for_tab(self.current_tab()),
            closed_by=self.database_opened,
        )

    def _on_settings_triggered(self) -> None:
        if self._workspace is None:
            return
        from qpmr_desktop.ui.settings_dialog import (  # noqa: PLC0415
            SettingsCommand,
            edit_settings,
        )

        changes = edit_settings(self, self._workspace)
        if changes is None:
            return
        if changes:
            self.undo_stack.push(
                SettingsCommand(
                    self._workspace,
                    changes,
                    on_failure=lambda message: QMessageBox.warning(
                        self, "Could Not Undo the Settings — QPMR Desktop", message
                    ),
                )
            )
        # "My name" and the "as at" day decide which actions read as mine and overdue.
        if self._actions_tab.is_loaded:
            self._actions_tab.reload()

    def _on_find_triggered(self) -> None:
        self.current_tab().focus_filter()

    def _on_about_triggered(self) -> None:
        QMessageBox.about(self, f"About {APP_TITLE}", ABOUT_TEXT.format(version=__version__))

    # ------------------------------------------------------------ internals

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self._build_file_menu(bar.addMenu("&File"))
        edit_menu = bar.addMenu("&Edit")
        edit_menu.setObjectName("menu_edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setObjectName("action_undo")
        self.undo_action.setShortcuts(_shortcuts("Ctrl+Z", QKeySequence.StandardKey.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setObjectName("action_redo")
        self.redo_action.setShortcuts(_shortcuts("Ctrl+Shift+Z", QKeySequence.StandardKey.Redo))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self.find_action = self._add_action(
            edit_menu, "&Filter…", "action_find", QKeySequence.StandardKey.Find
        )
        self.find_action.setStatusTip("Move to the current tab's filter box")
        self.find_action.triggered.connect(self._on_find_triggered)

        self.indicator_menu = bar.addMenu("&Indicator")
        self.indicator_menu.setObjectName("menu_indicator")
        self._indicators_tab.fill_menu(self.indicator_menu)

        self.action_menu = build_action_menu(self._actions_tab)
        self.action_menu.setObjectName("menu_action")
        bar.addMenu(self.action_menu)

        minutes_menu = bar.addMenu("&Minutes")
        minutes_menu.setObjectName("menu_minutes")
        from qpmr_desktop.ui.meeting_menu import MeetingActions  # noqa: PLC0415

        self.meeting_actions = MeetingActions(self, self._minutes_tab, self.undo_stack)
        self.meeting_actions.fill_menu(minutes_menu)
        self.paste_minutes_action = self._add_action(
            minutes_menu, "&Paste Published Minutes…", "action_paste_minutes"
        )
        self.paste_minutes_action.setStatusTip(
            "Take in minutes as a council publishes them, with a preview before saving"
        )
        self.paste_minutes_action.triggered.connect(self._on_paste_minutes_triggered)

        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("menu_help")
        self.about_action = self._add_action(help_menu, f"&About {APP_TITLE}", "action_about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self._on_about_triggered)

    def _build_file_menu(self, file_menu: QMenu) -> None:
        file_menu.setObjectName("menu_file")
        self.new_action = self._add_action(
            file_menu, "&New Database…", "action_new_database", QKeySequence.StandardKey.New
        )
        self.new_action.triggered.connect(self._on_new_database_triggered)
        self.open_action = self._add_action(
            file_menu, "&Open Database…", "action_open_database", QKeySequence.StandardKey.Open
        )
        self.open_action.triggered.connect(self._on_open_database_triggered)
        self.recent_menu = QMenu("Open &Recent", file_menu)
        self.recent_menu.setObjectName("menu_recent")
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        self.import_indicators_action = self._add_action(
            file_menu, "&Import Indicator Values…", "action_import_indicators"
        )
        self.import_indicators_action.setStatusTip(
            "Import quarterly figures from a CSV or XLSX file, with a preview"
        )
        self.import_indicators_action.triggered.connect(self._on_import_indicators_triggered)
        self.export_indicators_action = self._add_action(
            file_menu, "&Export Indicator Values…", "action_export_indicators"
        )
        self.export_indicators_action.setStatusTip(
            "Write every indicator value to a CSV or XLSX file that imports back"
        )
        self.export_indicators_action.triggered.connect(self._on_export_indicators_triggered)
        file_menu.addSeparator()
        self.export_forms_action = self._add_action(
            file_menu, "Export &Update Forms…", "action_export_update_forms"
        )
        self.export_forms_action.setStatusTip(
            "Write one XLSX form per lead officer for the actions they own"
        )
        self.export_forms_action.triggered.connect(self._on_export_forms_triggered)
        self.import_forms_action = self._add_action(
            file_menu, "Import Update &Forms…", "action_import_update_forms"
        )
        self.import_forms_action.setStatusTip("Read returned update forms, with a preview")
        self.import_forms_action.triggered.connect(self._on_import_forms_triggered)
        file_menu.addSeparator()
        self.print_preview_action = self._add_action(
            file_menu, "Print Pre&view…", "action_print_preview", QKeySequence.StandardKey.Print
        )
        self.print_preview_action.setStatusTip(
            "Preview committee papers (minutes, performance report, action tracker, pack), "
            "then save them as PDF or print them"
        )
        self.print_preview_action.triggered.connect(self._on_print_preview_triggered)
        self.settings_action = self._add_action(
            file_menu, "&Settings…", "action_settings", QKeySequence.StandardKey.Preferences
        )
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.setStatusTip(
            "The council's name and logo for the papers, and your own preferences"
        )
        self.settings_action.triggered.connect(self._on_settings_triggered)
        file_menu.addSeparator()
        self.quit_action = self._add_action(
            file_menu, "&Quit", "action_quit", QKeySequence.StandardKey.Quit
        )
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)

    def _add_action(
        self,
        menu: QMenu,
        text: str,
        name: str,
        shortcut: QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        menu.addAction(action)
        return action

    def _enable_tab_menus(self) -> None:
        # The Indicator menu acts on the Indicators tab's selection: only while it is shown.
        self.indicator_menu.menuAction().setEnabled(self.current_tab() is self._indicators_tab)
        self.action_menu.menuAction().setEnabled(self.current_tab() is self._actions_tab)

    def _attach(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self.tabs.setEnabled(True)
        for tab in self._tabs.values():
            tab.set_workspace(workspace)
        self.current_tab().ensure_loaded()
        self._show_workspace_facts(workspace)

    def _show_opening(self, path: Path | None) -> None:
        self.tabs.setEnabled(False)
        name = path.name if path is not None else "a database"
        self.setWindowTitle(f"{APP_TITLE} — Opening {name}…")
        self.location_label.setText(f"Opening {name}…")
        self.user_label.setText("")

    def _show_workspace_facts(self, workspace: Workspace) -> None:
        path = workspace.path
        self.setWindowTitle(f"{APP_TITLE} — {path.name}")
        self.setWindowFilePath(str(path))
        self.location_label.setText(location_text(path))
        self.location_label.setToolTip(html.escape(str(path)))
        self.user_label.setText(f"User: {workspace.user}")

    def _restore_layout(self) -> None:
        state = self._window_state
        geometry = state.load("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        current = state.load_text("current_tab")
        if current in self._tabs:
            self.tabs.setCurrentWidget(self._tabs[current])
        for tab in self._tabs.values():
            tab.restore_state(state)

    def _save_layout(self) -> None:
        state = self._window_state
        state.save("geometry", self.saveGeometry())
        state.save_text("current_tab", self.current_tab().key)
        for tab in self._tabs.values():
            tab.save_state(state)
        state.sync()


def _shortcuts(preferred: str, standard: QKeySequence.StandardKey) -> list[QKeySequence]:
    """``preferred`` first, then the platform's own bindings for ``standard``, once each."""
    keys = [QKeySequence(preferred)]
    for key in QKeySequence.keyBindings(standard):
        if key not in keys:
            keys.append(key)
    return keys
