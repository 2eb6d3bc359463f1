"""The Indicators tab: the scorecard, its filters, and the selected indicator in detail.

Contract:

- Loads ``services.indicators.list_indicator_rows`` when first shown and on
  every reload; the scorecard keeps the service's order (theme by theme, in
  the council's order) until the person sorts by a column.
- Filters: the words typed (Ctrl+F), and ``IndicatorFilterBar``'s theme, RAG,
  direction and "needs commentary", all applied by ``IndicatorFilterProxy``
  on the row data. The whole filter state is kept in the preferences
  (``FilterPreferences``) and restored when the tab is made; the count says
  "3 of 30 indicators" while anything is hidden.
- The detail pane (``pane``, an ``IndicatorDetailPane``; ``detail`` is its
  header) shows the selected indicator with its chart, values grid and
  commentary; the chart is drawn after the table is on screen. After a load
  the header is written from the scorecard row at once, and the rest (the
  indicator's detail read, values grid and chart) after the first paint, on
  the next pass of the event loop -- or as soon as anything asks for the
  current row, the shown detail or a selection, so that no caller ever sees
  the pane half filled.
- Editing: every change is an undo command on ``undo_stack`` (the window's,
  when it gives one), made through ``editor``. After each step of the stack
  (a push, an undo, a redo, a whole macro) the views refresh only what the
  changes' flags name: the changed scorecard rows, the detail of the shown
  indicator, the theme list; the changed indicator is selected, so an undo is
  never invisible. When a service refuses a step, ``show_warning`` explains it
  (after the stack has finished) and the tab reloads if the data moved on.
- Actions (``fill_menu`` puts them in the window's Indicator menu): New
  Indicator… (Ctrl+Shift+N), Edit Indicator… (F2 or double-click on the
  scorecard), Retire Indicator (Delete on the scorecard; undoable, and an
  indicator with figures is never deleted), and Restore Retired Indicator
  (a submenu of the retired indicators).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.read_models import (
    ChangeKind,
    IndicatorChange,
    IndicatorDetail,
    IndicatorRow,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.indicator_commands import (
    CreateIndicatorCommand,
    EditIndicatorCommand,
    IndicatorEditor,
    RestoreIndicatorCommand,
    RetireIndicatorCommand,
    SetTargetCommand,
)
from qpmr_desktop.ui.indicator_detail import IndicatorDetailPane, indicator_header_html
from qpmr_desktop.ui.indicator_filters import FilterPreferences, IndicatorFilterBar
from qpmr_desktop.ui.indicator_form import IndicatorFormDialog, TargetChange
from qpmr_desktop.ui.indicator_model import (
    IndicatorFilterProxy,
    IndicatorFilters,
    IndicatorTableModel,
    PaintedRowsFiller,
)
from qpmr_desktop.ui.settings import WindowState
from qpmr_desktop.ui.table_tab import TableTab

__all__ = ["IndicatorsTab", "indicator_detail_html", "show_warning"]

PREFERENCES_SAVE_MS: Final = 400
_HIDDEN_AT_FIRST: Final = ("period", "sample")


def indicator_detail_html(row: IndicatorRow) -> str:
    """The detail header for one scorecard row alone; all text escaped."""
    return indicator_header_html(row, None)


def show_warning(parent: QWidget, title: str, text: str) -> None:
    """A modal warning in plain text (names from the database show verbatim, never as markup)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


class IndicatorsTab(TableTab[IndicatorRow]):
    """Scorecard, filters and detail pane over the indicator services; see the module."""

    key = "indicators"
    title = "&Indicators"
    noun = ("indicator", "indicators")
    filter_placeholder = "Filter indicators…"
    empty_text = (
        "No indicators yet — add one with Indicator ▸ New Indicator… (Ctrl+Shift+N), "
        "or import a file of figures."
    )
    no_selection_text = "Select an indicator to see its judgement."
    detail_width = 560  # the chart and the values grid need the room

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        undo_stack: QUndoStack | None = None,
        preferences: FilterPreferences | None = None,
    ) -> None:
        # No items made while opening: the first paint makes those it shows, and
        # the rest follow on later passes of the event loop (see IndicatorTableModel).
        model = IndicatorTableModel(eager_rows=0, idle_fill=True)
        proxy = IndicatorFilterProxy(model)
        super().__init__(model, proxy, parent)
        model.setParent(self)
        proxy.setParent(self)
        self.model: IndicatorTableModel = model
        self.proxy: IndicatorFilterProxy = proxy
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._owns_stack = undo_stack is None
        self.editor = IndicatorEditor(self)
        self._shown_detail: IndicatorDetail | None = None
        self._pending: list[IndicatorChange] = []
        # Reading the first row's detail and filling the pane took 46 ms of
        # 356 (cProfile) to open the tab in tests/benchmarks/bench_indicators.py
        # once the scorecard was fast, before painting the pane; during a load
        # it waits for the first paint (see the module).
        self._loading = False
        self._detail_owed = False
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(0)
        self._detail_timer.timeout.connect(self._on_detail_timer_timeout)
        self._filter_preferences = preferences if preferences is not None else FilterPreferences()

        # The pane replaces TableTab's plain detail view; its header is the new ``detail``.
        self.pane = IndicatorDetailPane(self.editor, self.undo_stack, self)
        plain = self.detail
        self.splitter.replaceWidget(1, self.pane)
        plain.deleteLater()
        self.detail = self.pane.header

        self.filter_bar = IndicatorFilterBar(self)
        self._place_filter_bar()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(PREFERENCES_SAVE_MS)
        self._save_timer.timeout.connect(self._on_save_timer_timeout)

        self._build_actions()
        self._configure_columns()
        self.editor.change_applied.connect(self._on_editor_change_applied)
        # Queued: the message box must not open inside QUndoStack.undo() or push().
        self.editor.command_failed.connect(
            self._on_editor_command_failed, Qt.ConnectionType.QueuedConnection
        )
        self.undo_stack.indexChanged.connect(self._on_undo_stack_index_changed)
        self.view.doubleClicked.connect(self._on_view_double_clicked)
        self.filter_bar.filters_changed.connect(self._on_filter_bar_filters_changed)
        self._restore_filters()
        self._update_actions()

    # ------------------------------------------------------------ our API

    @property
    def shown_detail(self) -> IndicatorDetail | None:
        """The indicator the detail pane shows, as last read."""
        self._settle_detail()
        return self._shown_detail

    def current_row(self) -> IndicatorRow | None:
        self._settle_detail()
        return super().current_row()

    def select_id(self, ident: int) -> bool:
        self._settle_detail()
        return super().select_id(ident)

    def fill_menu(self, menu: QMenu) -> None:
        """Put the tab's actions in ``menu`` (the window's Indicator menu)."""
        menu.addAction(self.new_action)
        menu.addAction(self.edit_action)
        menu.addSeparator()
        menu.addAction(self.retire_action)
        menu.addMenu(self.restore_menu)

    def set_workspace(self, workspace: Workspace | None) -> None:
        # Anything typed belongs to the old file, whose undo stack is gone: not saved into the new.
        self._detail_owed = False
        self._detail_timer.stop()
        self.pane.clear(commit=False)
        self._shown_detail = None
        self._pending.clear()
        if self._owns_stack:
            self.undo_stack.clear()
        self.editor.set_workspace(workspace)
        super().set_workspace(workspace)
        self._update_actions()

    def set_filters(self, filters: IndicatorFilters) -> None:
        """Filter the scorecard by ``filters`` (shown in the controls, kept in the preferences)."""
        self.filter_bar.set_filters(filters)
        if self.filter_edit.text() != filters.text:
            self.filter_edit.setText(filters.text)  # applies the whole state
        self._apply_filters(filters)

    def make_form(self, detail: IndicatorDetail | None) -> IndicatorFormDialog:
        """The add (``detail`` None) or edit form, not yet shown."""
        from qpmr_desktop.services.indicators import list_theme_names  # noqa: PLC0415

        workspace = self.editor.workspace
        return IndicatorFormDialog(
            workspace=workspace,
            themes=list_theme_names(workspace=workspace),
            detail=detail,
            parent=self,
        )

    def save_form(self, form: IndicatorFormDialog, detail: IndicatorDetail | None) -> None:
        """Turn an accepted form into undo commands: one step, with its targets."""
        targets = form.target_changes()
        if detail is None:
            create = CreateIndicatorCommand(self.editor, form.draft())
            self.undo_stack.beginMacro(create.text())
            before = self.editor.last_applied
            self.undo_stack.push(create)
            created = self.editor.last_applied
            if created is not before and created is not None:
                for target in targets:
                    self.undo_stack.push(self._target_command(created.indicator_id, form, target))
            self.undo_stack.endMacro()
            return
        changes = form.indicator_changes()
        commands: list[QUndoCommand] = [
            SetTargetCommand(
                self.editor,
                indicator_id=detail.id,
                ref=detail.ref,
                year=target.year,
                changes=target.changes,
                expected_version=target.expected_version,
            )
            for target in targets
        ]
        if changes:
            commands.insert(
                0,
                EditIndicatorCommand(
                    self.editor,
                    indicator_id=detail.id,
                    ref=detail.ref,
                    expected_version=detail.version,
                    changes=changes,
                ),
            )
        if len(commands) == 1:
            self.undo_stack.push(commands[0])
        elif commands:
            self.undo_stack.beginMacro(f"Edit {detail.ref}")
            for command in commands:
                self.undo_stack.push(command)
            self.undo_stack.endMacro()

    def retire_current(self) -> bool:
        """Retire the selected indicator (undoable); False when there is none."""
        detail = self._shown_detail
        if detail is None or detail.retired:
            return False
        self.undo_stack.push(
            RetireIndicatorCommand(
                self.editor,
                indicator_id=detail.id,
                ref=detail.ref,
                expected_version=detail.version,
            )
        )
        self.pane.show_message(
            f"{detail.ref} was retired: it is off the scorecard and its history is kept. "
            "Undo (Ctrl+Z) puts it back."
        )
        return True

    def restore(self, indicator_id: int) -> bool:
        """Put a retired indicator back on the scorecard (undoable)."""
        from qpmr_desktop.services.indicators import get_indicator_detail  # noqa: PLC0415

        try:
            detail = get_indicator_detail(
                workspace=self.editor.workspace, indicator_id=indicator_id
            )
        except NotFoundError as error:
            show_warning(self, "Could Not Restore the Indicator", str(error))
            return False
        if not detail.retired:
            return False
        self.undo_stack.push(
            RestoreIndicatorCommand(
                self.editor,
                indicator_id=detail.id,
                ref=detail.ref,
                expected_version=detail.version,
            )
        )
        return True

    def retired_indicators(self) -> list[IndicatorDetail]:
        """The retired indicators, by ref: what Restore offers."""
        from qpmr_desktop.services.indicators import list_retired_indicators  # noqa: PLC0415

        return list_retired_indicators(workspace=self.editor.workspace)

    def save_state(self, state: WindowState) -> None:
        super().save_state(state)
        state.save(f"{self.key}/detail_splitter", self.pane.splitter.saveState())
        state.save(
            f"{self.key}/values_header", self.pane.values_view.horizontalHeader().saveState()
        )
        self._save_filters()

    def restore_state(self, state: WindowState) -> None:
        super().restore_state(state)
        splitter = state.load(f"{self.key}/detail_splitter")
        if splitter is not None:
            self.pane.splitter.restoreState(splitter)
        header = state.load(f"{self.key}/values_header")
        if header is not None:
            self.pane.values_view.horizontalHeader().restoreState(header)

    # ------------------------------------------------------------ TableTab

    def _fetch_rows(self, workspace: Workspace) -> Sequence[IndicatorRow]:
        from qpmr_desktop.services.indicators import list_indicator_rows  # noqa: PLC0415 - loads after first paint

        return list_indicator_rows(workspace=workspace)

    def _load(self, workspace: Workspace) -> None:
        from qpmr_desktop.services.indicators import list_theme_names  # noqa: PLC0415

        self._shown_detail = None
        self._loading = True
        try:
            super()._load(workspace)
            self.filter_bar.set_themes(list_theme_names(workspace=workspace))
        finally:
            self._loading = False
        self._update_actions()
        if self._detail_owed:
            self._detail_timer.start()

    def _detail_html(self, row: IndicatorRow) -> str:
        return indicator_header_html(row, self._shown_detail)

    def _show_detail(self) -> None:
        if self._loading:
            # The header from the scorecard row now; the rest after the first paint.
            super()._show_detail()
            self._detail_owed = True
            return
        self._show_current(refetch=False)

    # ------------------------------------------------------------ slots

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self._apply_filters(replace(self.filter_bar.filters, text=text))

    def _on_filter_bar_filters_changed(self, filters: IndicatorFilters) -> None:
        self._apply_filters(replace(filters, text=self.filter_edit.text()))

    def _on_save_timer_timeout(self) -> None:
        self._save_filters()

    def _on_detail_timer_timeout(self) -> None:
        self._settle_detail()

    def _on_view_double_clicked(self) -> None:
        self._on_edit_action_triggered()

    def _on_new_action_triggered(self) -> None:
        if self.workspace is None:
            return
        form = self.make_form(None)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.save_form(form, None)

    def _on_edit_action_triggered(self) -> None:
        detail = self._shown_detail
        if detail is None:
            return
        form = self.make_form(detail)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.save_form(form, detail)

    def _on_retire_action_triggered(self) -> None:
        self.retire_current()

    def _on_restore_menu_about_to_show(self) -> None:
        menu = self.restore_menu
        menu.clear()
        retired = self.retired_indicators() if self.workspace is not None else []
        for detail in retired:
            text = f"{detail.ref}  {detail.name}".replace("&", "&&")
            action = menu.addAction(text)
            action.triggered.connect(lambda _checked=False, i=detail.id: self.restore(i))
        if not retired:
            empty = menu.addAction("No retired indicators")
            empty.setEnabled(False)

    def _on_editor_change_applied(self, change: IndicatorChange) -> None:
        self._pending.append(change)

    def _on_undo_stack_index_changed(self) -> None:
        self._flush_changes()

    def _on_editor_command_failed(self, what: str, message: str, reload: bool) -> None:
        self._flush_changes()
        show_warning(
            self,
            "Could Not Make the Change",
            f"{what}: {message}\n\nThat step has been taken off the undo list.",
        )
        if reload and self.workspace is not None:
            self.reload()

    # ------------------------------------------------------------ internals

    def _build_actions(self) -> None:
        self.new_action = QAction("&New Indicator…", self)
        self.new_action.setObjectName("action_new_indicator")
        self.new_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.new_action.setStatusTip("Add an indicator to the scorecard")
        self.new_action.triggered.connect(self._on_new_action_triggered)
        self.addAction(self.new_action)

        # F2 and Delete act on the scorecard only: in the values grid they edit cells.
        self.edit_action = QAction("&Edit Indicator…", self)
        self.edit_action.setObjectName("action_edit_indicator")
        self.edit_action.setShortcut(QKeySequence(Qt.Key.Key_F2))
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.edit_action.setStatusTip("Edit the selected indicator and its targets by year")
        self.edit_action.triggered.connect(self._on_edit_action_triggered)
        self.view.addAction(self.edit_action)

        self.retire_action = QAction("&Retire Indicator", self)
        self.retire_action.setObjectName("action_retire_indicator")
        self.retire_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.retire_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.retire_action.setStatusTip(
            "Take the selected indicator off the scorecard, keeping its history (undoable)"
        )
        self.retire_action.triggered.connect(self._on_retire_action_triggered)
        self.view.addAction(self.retire_action)

        self.restore_menu = QMenu("Re&store Retired Indicator", self)
        self.restore_menu.setObjectName("menu_restore_indicator")
        self.restore_menu.aboutToShow.connect(self._on_restore_menu_about_to_show)

    def _configure_columns(self) -> None:
        # Edits go through the form (double-click, F2), never into a cell.
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Rows get their items as they are painted (see IndicatorTableModel).
        self._filler = PaintedRowsFiller(self.view, self.model)
        header = self.view.horizontalHeader()
        # The detail pane says the latest period and whether figures are sample data (and
        # sample values are in italics), so these start hidden to give the names room;
        # the header's context menu shows them again, and the layout is remembered.
        for key in _HIDDEN_AT_FIRST:
            header.hideSection(self.model.column_of(key))
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)

    def _on_header_context_menu_requested(self, position: QPoint) -> None:
        header = self.view.horizontalHeader()
        menu = QMenu(self)
        for number, column in enumerate(self.model.columns):
            action = menu.addAction(column.header)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(number))
            action.toggled.connect(lambda shown, n=number: header.setSectionHidden(n, not shown))
        menu.exec(header.mapToGlobal(position))
        menu.deleteLater()

    def _place_filter_bar(self) -> None:
        # TableTab lays the filter box and the count in one row; the bar goes in a row
        # under it, so that every control shows its words whole in a narrow window.
        for layout in self.findChildren(QHBoxLayout):
            outer = layout.parent()
            if layout.indexOf(self.filter_edit) >= 0 and isinstance(outer, QVBoxLayout):
                outer.insertWidget(outer.indexOf(layout) + 1, self.filter_bar)
                return
        raise RuntimeError("The filter box is not in a row of its own.")

    def _restore_filters(self) -> None:
        filters = self._filter_preferences.load()
        self.filter_bar.set_filters(filters)
        blocked = self.filter_edit.blockSignals(True)
        try:
            self.filter_edit.setText(filters.text)
        finally:
            self.filter_edit.blockSignals(blocked)
        self.proxy.set_filters(filters)
        self._update_count()

    def _apply_filters(self, filters: IndicatorFilters) -> None:
        self.proxy.set_filters(filters)
        self._update_count()
        if not self.view.currentIndex().isValid():
            self.select_first()
        self._show_detail()
        self._save_timer.start()

    def _save_filters(self) -> None:
        self._save_timer.stop()
        self._filter_preferences.save(
            replace(self.filter_bar.filters, text=self.filter_edit.text())
        )

    def _settle_detail(self) -> None:
        """Fill the detail pane now if a load left it to the first paint."""
        if self._detail_owed and not self._loading:
            self._show_current(refetch=False)

    def _show_current(self, *, refetch: bool) -> None:
        self._detail_owed = False
        self._detail_timer.stop()
        row = self.current_row()
        if row is None or self.workspace is None:
            self._shown_detail = None
            self.pane.clear()
            self._update_actions()
            return
        detail = self._shown_detail
        if refetch or detail is None or detail.id != row.id:
            detail = self._read_detail(row.id)
        self._shown_detail = detail
        if detail is None:
            self.pane.clear()
        else:
            self.pane.show_indicator(row, detail)
        self._update_actions()

    def _read_detail(self, indicator_id: int) -> IndicatorDetail | None:
        from qpmr_desktop.services.indicators import get_indicator_detail  # noqa: PLC0415

        workspace = self.workspace
        if workspace is None:
            return None
        try:
            return get_indicator_detail(workspace=workspace, indicator_id=indicator_id)
        except NotFoundError:
            return None  # deleted by someone else meanwhile: the next reload drops the row

    def _flush_changes(self) -> None:
        """Refresh what the changes since the last step name (see the module)."""
        changes, self._pending = self._pending, []
        workspace = self.workspace
        if not changes or workspace is None:
            return
        from qpmr_desktop.services.indicators import (  # noqa: PLC0415
            list_indicator_rows,
            list_theme_names,
        )

        if any(_touches_scorecard(change) for change in changes):
            self.model.refresh_rows(list_indicator_rows(workspace=workspace))
            self._update_count()
        if any(change.themes_changed for change in changes):
            self.filter_bar.set_themes(list_theme_names(workspace=workspace))
        last = changes[-1]
        current = self.current_row()
        gone = last.kind is ChangeKind.DELETE or last.after.get("retired") is True
        if not gone and (current is None or current.id != last.indicator_id):
            self.select_id(last.indicator_id)  # shows it (and reads its detail)
        if self.current_row() is None and self.proxy.rowCount() > 0:
            self.select_first()
        self._show_current(refetch=True)

    def _target_command(
        self, indicator_id: int, form: IndicatorFormDialog, target: TargetChange
    ) -> SetTargetCommand:
        return SetTargetCommand(
            self.editor,
            indicator_id=indicator_id,
            ref=form.draft().ref.strip(),
            year=target.year,
            changes=target.changes,
            expected_version=None,
        )

    def _update_actions(self) -> None:
        has_workspace = self.workspace is not None
        detail = self._shown_detail
        self.new_action.setEnabled(has_workspace)
        self.edit_action.setEnabled(detail is not None)
        self.retire_action.setEnabled(detail is not None and not detail.retired)
        self.restore_menu.setEnabled(has_workspace)


def _touches_scorecard(change: IndicatorChange) -> bool:
    return change.scorecard_changed or change.kind in {
        ChangeKind.CREATE,
        ChangeKind.RETIRE,
        ChangeKind.RESTORE,
        ChangeKind.DELETE,
    }
