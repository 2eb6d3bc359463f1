"""The Actions tab: the action tracker, edited in place, with one action in detail and a timeline.

Contract:

- Loads ``services.actions.read_action_tracker`` when first shown and on every
  reload, judged on ``services.settings.effective_today`` (the database's
  "actions as at" date when set, else today by the tab's clock); when the
  date is set, the overdue filter and the count line say so ("Overdue as at
  1 Dec 2017"). The tracker keeps the service's order (plan, priority area,
  ref), drawn grouped by priority area, until the person sorts by a column;
  every column sorts by its raw value. The plans, areas and people that the
  filters and editors offer come from the tracker's own reads (its
  ``choices``), or from ``read_action_choices`` when only they may have
  changed (a new lead named in an edit).
- Filters: the words typed (Ctrl+F), and ``ActionFilterBar``'s plan, area,
  status, RAG, lead, "my actions" (the person's own name, a preference set
  with Action ▸ Your Name…; the OS user name until then), overdue and "due in
  the next N weeks", all applied by ``ActionFilterProxy``. The whole filter
  state is kept in the preferences and restored when the tab is made.
- Editing in place (double-click, F2, or typing): status (a combo box) and
  progress (a spin box) each become one update in the action's history, with
  who and when; description, priority area, lead (the people list, or a new
  name) and due date (a date editor) are field edits. Every change is an undo
  command on ``undo_stack`` (the window's, when it gives one), made through
  ``editor``. After each step of the stack the views refresh only the actions
  the changes name (one detail read each), the changed action is selected,
  the detail pane and the timeline are redrawn. When a service refuses a step
  (a newer update exists, someone else changed the action), a message says so
  after the stack has finished, the step is dropped, and the tab reloads if
  the data moved on.
- The detail pane (``pane``) shows the selected action in full with its links
  and history and an "Add update" box; its links re-emit as
  ``resolution_link_activated(agenda_item_id)`` and
  ``indicator_link_activated(indicator_id)`` for the window to jump to.
- The timeline (``timeline``, collapsible) shows the plan chosen in the
  filter, else the selected action's plan: its events and its actions' due
  dates by priority area, today (the day judged on) marked. After a load its
  data is built once the event loop runs (``timeline_pending`` until then) and
  it is drawn after the tab is painted; it is redrawn when that plan's
  actions change.
- Actions (``build_action_menu`` puts them in a window menu): New Action…
  (Ctrl+Shift+N), Add Update… (Ctrl+U), Override RAG… (Ctrl+Shift+R), Edit
  Links… (Ctrl+L), Delete Action (Delete on the tracker; undoable, refused
  once the action has history), Plans and Events… (plans, their ordered
  priority areas and events, each change undoable), Show Timeline
  (Ctrl+Shift+T) and Your Name….
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.ids import PlanId, PriorityAreaId
from qpmr_desktop.services.action_tracker import (
    ActionTracker,
    AreaChoice,
    PersonChoice,
    PlanChoice,
    TrackerChoices,
)
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.read_models import (
    ActionChange,
    ActionChangeKind,
    ActionDetail,
    ActionRow,
    PlanEventRow,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.action_commands import (
    ActionEditor,
    CreateActionCommand,
    DeleteActionCommand,
    SetRagOverrideCommand,
    UpdateActionCommand,
)
from qpmr_desktop.ui.action_delegates import (
    ChoiceDelegate,
    DescriptionDelegate,
    DueDateDelegate,
    GroupedChoiceDelegate,
    GroupedTextDelegate,
    ProgressDelegate,
)
from qpmr_desktop.ui.action_detail import ActionDetailPane
from qpmr_desktop.ui.action_dialogs import (
    ActionLinksDialog,
    NewActionDialog,
    PlansDialog,
    RagOverrideDialog,
    ask_my_name,
)
from qpmr_desktop.ui.action_filters import (
    ActionFilterBar,
    ActionFilterPreferences,
)
from qpmr_desktop.ui.action_model import (
    ActionFilterProxy,
    ActionFilters,
    ActionRole,
    ActionTableModel,
    row_from_detail,
)
from qpmr_desktop.ui.formatting import short_date
from qpmr_desktop.ui.indicators_tab import show_warning
from qpmr_desktop.ui.settings import Preferences, WindowState
from qpmr_desktop.ui.table_tab import TableTab
from qpmr_desktop.ui.timeline_canvas import TimelineCanvas

if TYPE_CHECKING:
    from qpmr_desktop.charts.timeline_chart import TimelineData, TimelineEvent

__all__ = ["ActionsTab", "build_action_menu", "local_today"]

_log = logging.getLogger(__name__)

PREFERENCES_SAVE_MS: Final = 400
TIMELINE_HEIGHT: Final = 240
# The plan is in the filter, the detail pane and the timeline's title; the column
# starts hidden to give the table room, and the header's menu shows it again.
_HIDDEN_AT_FIRST: Final = ("plan",)
_WIDGET_SIZE_MAX: Final = 16777215  # Qt's QWIDGETSIZE_MAX


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_today() -> dt.date:
    """Today's date where the user is."""
    return _utc_now().astimezone().date()


class ActionsTab(TableTab[ActionRow]):
    """Tracker, filters, detail pane and timeline over the action services; see the module."""

    resolution_link_activated = Signal(int)  # agenda item id
    indicator_link_activated = Signal(int)

    key = "actions"
    title = "&Actions"
    noun = ("action", "actions")
    filter_placeholder = "Filter actions…"
    empty_text = (
        "No actions yet — add one with Action ▸ New Action… (Ctrl+Shift+N) once a plan "
        "has been set up."
    )
    no_selection_text = "Select an action to see it in full, with its history."
    detail_width = 390

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        undo_stack: QUndoStack | None = None,
        preferences: ActionFilterPreferences | None = None,
        user_preferences: Preferences | None = None,
        clock: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        model = ActionTableModel()
        proxy = ActionFilterProxy(model)
        super().__init__(model, proxy, parent)
        model.setParent(self)
        proxy.setParent(self)
        self.model: ActionTableModel = model
        self.proxy: ActionFilterProxy = proxy
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._owns_stack = undo_stack is None
        self.editor = ActionEditor(self)
        model.set_editing(self.editor, self.undo_stack)
        self._clock = clock
        self._filter_preferences = (
            preferences if preferences is not None else ActionFilterPreferences()
        )
        self._user_preferences = user_preferences if user_preferences is not None else Preferences()
        self._today: dt.date | None = None
        self._as_at: dt.date | None = None
        self._plans: tuple[PlanChoice, ...] = ()
        self._areas: tuple[AreaChoice, ...] = ()
        self._people: tuple[PersonChoice, ...] = ()
        self._events: dict[PlanId, list[PlanEventRow]] = {}
        self._shown_detail: ActionDetail | None = None
        self._pending: list[ActionChange] = []
        self._plans_changed = False
        # Bumped whenever the rows change, so the timeline is rebuilt only when it must be.
        self._revision = 0
        self._timeline_key: tuple[int, PlanId | None, dt.date | None] | None = None
        # While the tab loads, the timeline waits for the event loop: the tracker is
        # painted first (its data reads every action of a plan; see _load).
        self._loading = False
        self._timeline_timer = QTimer(self)
        self._timeline_timer.setSingleShot(True)
        self._timeline_timer.setInterval(0)
        self._timeline_timer.timeout.connect(self._update_timeline)

        # The pane replaces TableTab's plain detail view; its header is the new ``detail``.
        self.pane = ActionDetailPane(self.editor, self.undo_stack, self)
        plain = self.detail
        self.splitter.replaceWidget(1, self.pane)
        plain.deleteLater()
        self.detail = self.pane.header

        self.filter_bar = ActionFilterBar(self)
        self._build_timeline()
        self._place_filter_bar()
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(PREFERENCES_SAVE_MS)
        self._save_timer.timeout.connect(self._on_save_timer_timeout)

        self._build_actions()
        self._configure_columns()
        self._connect()
        self._restore_filters()
        self._update_actions()

    def _connect(self) -> None:
        for signal in (
            self.model.modelReset,
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.dataChanged,
        ):
            signal.connect(self._on_model_changed)
        self.editor.change_applied.connect(self._on_editor_change_applied)
        self.editor.plan_change_applied.connect(self._on_editor_plan_change_applied)
        # Queued: the message box must not open inside QUndoStack.undo() or push().
        self.editor.command_failed.connect(
            self._on_editor_command_failed, Qt.ConnectionType.QueuedConnection
        )
        self.undo_stack.indexChanged.connect(self._on_undo_stack_index_changed)
        self.model.edit_refused.connect(self._on_model_edit_refused)
        self.filter_bar.filters_changed.connect(self._on_filter_bar_filters_changed)
        self.pane.resolution_link_activated.connect(self.resolution_link_activated)
        self.pane.indicator_link_activated.connect(self.indicator_link_activated)
        self.pane.override_requested.connect(self._on_override_action_triggered)
        self.pane.links_requested.connect(self._on_links_action_triggered)

    # ------------------------------------------------------------ our API

    @property
    def shown_detail(self) -> ActionDetail | None:
        """The action the detail pane shows, as last read."""
        return self._shown_detail

    @property
    def judged_on(self) -> dt.date | None:
        """The day overdue was judged on at the last load (None before one)."""
        return self._today

    @property
    def as_at(self) -> dt.date | None:
        """The database's "actions as at" date when set (None: judged today)."""
        return self._as_at

    def set_workspace(self, workspace: Workspace | None) -> None:
        self.pane.clear()
        self._shown_detail = None
        self._pending.clear()
        if self._owns_stack:
            self.undo_stack.clear()
        self.editor.set_workspace(workspace)
        super().set_workspace(workspace)
        self._update_actions()

    def set_filters(self, filters: ActionFilters) -> None:
        """Filter the tracker by ``filters`` (shown in the controls, kept in the preferences)."""
        self.filter_bar.set_filters(filters)
        if self.filter_edit.text() != filters.text:
            blocked = self.filter_edit.blockSignals(True)
            try:
                self.filter_edit.setText(filters.text)
            finally:
                self.filter_edit.blockSignals(blocked)
        self._apply_filters(filters)

    def show_action(self, action_id: int) -> bool:
        """Select an action (clearing the filters if they hide it); False if there is none."""
        self.ensure_loaded()
        if self.select_id(action_id):
            return True
        if self.model.row_of_id(action_id) is None:
            return False
        self.set_filters(ActionFilters())
        return self.select_id(action_id)

    def set_my_name(self, name: str) -> None:
        """Keep ``name`` as the person's own name ("my actions") and filter by it."""
        self._user_preferences.set_my_name(name)
        self._apply_my_name()

    def timeline_plan_id(self) -> PlanId | None:
        """The plan the timeline shows: the filter's, else the selected action's, else the first."""
        chosen = self.filter_bar.filters.plan
        if chosen is not None:
            for plan in self._plans:
                if plan.name == chosen:
                    return plan.id
        row = self.current_row()
        if row is not None:
            return row.plan_id
        return self._plans[0].id if self._plans else None

    def timeline_data(self) -> TimelineData | None:
        """The timeline of ``timeline_plan_id``'s plan as it stands, or None without one."""
        # The chart's module loads with the first timeline, not at start-up.
        from qpmr_desktop.charts.timeline_chart import TimelineAction, TimelineData  # noqa: PLC0415

        plan_id = self.timeline_plan_id()
        workspace = self.workspace
        plan = next((plan for plan in self._plans if plan.id == plan_id), None)
        if plan is None or workspace is None or self._today is None:
            return None
        areas = tuple(area.name for area in self._areas if area.plan_id == plan.id)
        known = set(areas)
        rows = self.model.plan_rows(plan.id)
        actions = tuple(
            TimelineAction(
                ref=row.ref,
                area=row.priority_area if row.priority_area in known else "",
                due=row.due_date,
                rag=row.rag,
                overdue=row.overdue and row.due_date is not None,
            )
            for row in rows
        )
        return TimelineData(
            plan_name=plan.name,
            areas=areas,
            events=self._timeline_events(workspace, plan.id),
            actions=actions,
            today=self._today,
            sample=any(row.is_sample for row in rows),
        )

    def save_state(self, state: WindowState) -> None:
        super().save_state(state)
        state.save(f"{self.key}/detail_splitter", self.pane.splitter.saveState())
        state.save(f"{self.key}/outer_splitter", self.outer_splitter.saveState())
        state.save_text(f"{self.key}/timeline", "shown" if self.timeline_shown else "hidden")
        self._save_filters()

    def restore_state(self, state: WindowState) -> None:
        super().restore_state(state)
        for name, splitter in (
            ("detail_splitter", self.pane.splitter),
            ("outer_splitter", self.outer_splitter),
        ):
            blob = state.load(f"{self.key}/{name}")
            if blob is not None:
                splitter.restoreState(blob)
        self.set_timeline_shown(state.load_text(f"{self.key}/timeline") != "hidden")

    @property
    def timeline_shown(self) -> bool:
        return self.timeline_button.isChecked()

    def set_timeline_shown(self, shown: bool) -> None:
        """Show or collapse the timeline pane."""
        self.timeline_button.setChecked(shown)

    # ------------------------------------------------------------ TableTab

    def _fetch_rows(self, workspace: Workspace) -> Sequence[ActionRow]:
        from qpmr_desktop.services.actions import read_action_tracker  # noqa: PLC0415 - loads after first paint

        assert self._today is not None  # _load judged the day first
        # The rows are made into read models as they are shown, not all at once.
        tracker = read_action_tracker(workspace=workspace, today=self._today)
        # The filters' and editors' choices come from the same reads, and are set
        # before the rows: a filter change afterwards would filter them all again.
        self._load_choices(workspace, tracker)
        return tracker

    def _load(self, workspace: Workspace) -> None:
        from qpmr_desktop.services.settings import (  # noqa: PLC0415
            ACTIONS_AS_AT,
            effective_today,
            get_setting,
        )

        self._as_at = get_setting(workspace=workspace, setting=ACTIONS_AS_AT)
        self._today = effective_today(workspace=workspace, clock=self._clock)
        self._shown_detail = None
        self._events.clear()
        self._timeline_key = None
        self._loading = True
        try:
            super()._load(workspace)  # the choices with the rows: see _fetch_rows
        finally:
            self._loading = False
        self._show_as_at()
        # After the first paint (a zero timer): opening 20,000 actions, the timeline's
        # data was a tenth of the time to the tracker on screen (bench_actions.py).
        self._timeline_timer.start()
        self._update_actions()

    def _clear(self) -> None:
        super()._clear()
        self._today = None
        self._as_at = None
        self._plans, self._areas, self._people = (), (), ()
        self._events.clear()
        self._shown_detail = None
        self.pane.clear()
        self.timeline.set_data(None)
        self.timeline_label.setText("")
        self._show_as_at()

    def _detail_html(self, row: ActionRow) -> str:  # noqa: ARG002 - the pane draws the detail
        return ""

    def _show_detail(self) -> None:
        self._show_current(refetch=False)
        self._update_timeline()

    # ------------------------------------------------------------ slots

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self._apply_filters(replace(self.filter_bar.filters, text=text))

    def _on_filter_bar_filters_changed(self, filters: ActionFilters) -> None:
        self._apply_filters(replace(filters, text=self.filter_edit.text()))

    def _on_save_timer_timeout(self) -> None:
        self._save_filters()

    def _on_model_changed(self) -> None:
        self._revision += 1

    def _on_model_edit_refused(self, message: str) -> None:
        self.pane.show_message(f"✖ {message}")

    def _on_editor_change_applied(self, change: ActionChange) -> None:
        self._pending.append(change)

    def _on_editor_plan_change_applied(self) -> None:
        self._plans_changed = True

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

    def _on_new_action_triggered(self) -> None:
        workspace = self.workspace
        if workspace is None or not self._plans:
            if workspace is not None:
                show_warning(
                    self,
                    "No Improvement Plan",
                    "An action belongs to an improvement plan, and this database has none yet.",
                )
            return
        row = self.current_row()
        plan_id = self.timeline_plan_id()
        dialog = NewActionDialog(
            workspace=workspace,
            plans=[(plan.name, plan.id) for plan in self._plans],
            areas=self._area_choices(),
            people=[person.name for person in self._people],
            plan_id=plan_id,
            area_id=row.priority_area_id if row is not None and row.plan_id == plan_id else None,
            parent=self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            command = CreateActionCommand(self.editor, dialog.draft())
            self.undo_stack.push(command)
            if command.action_id is not None:
                self.show_action(command.action_id)
        dialog.deleteLater()

    def _on_add_update_action_triggered(self) -> None:
        if self._shown_detail is not None:
            self.pane.note_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_override_action_triggered(self) -> None:
        detail = self._shown_detail
        if detail is None:
            return
        dialog = RagOverrideDialog(detail, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            rag, reason = dialog.choice()
            self.undo_stack.push(
                SetRagOverrideCommand(
                    self.editor,
                    action_id=detail.id,
                    ref=detail.ref,
                    expected_version=detail.version,
                    rag=rag,
                    reason=reason,
                )
            )
        dialog.deleteLater()

    def _on_links_action_triggered(self) -> None:
        detail, workspace = self._shown_detail, self.workspace
        if detail is None or workspace is None:
            return
        from qpmr_desktop.services.actions import list_linkable_resolutions  # noqa: PLC0415
        from qpmr_desktop.services.indicators import list_indicator_rows  # noqa: PLC0415

        dialog = ActionLinksDialog(
            detail=detail,
            resolutions=list_linkable_resolutions(workspace=workspace),
            indicators=[
                (row.id, f"{row.ref}  {row.name}")
                for row in list_indicator_rows(workspace=workspace)
            ],
            parent=self,
        )
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.changes():
            self.undo_stack.push(
                UpdateActionCommand(
                    self.editor,
                    action_id=detail.id,
                    ref=detail.ref,
                    expected_version=detail.version,
                    changes=dialog.changes(),
                )
            )
        dialog.deleteLater()

    def _on_delete_action_triggered(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self.undo_stack.push(
            DeleteActionCommand(
                self.editor, action_id=row.id, ref=row.ref, expected_version=row.version
            )
        )

    def _on_plans_action_triggered(self) -> None:
        if self.workspace is None:
            return
        dialog = PlansDialog(
            editor=self.editor,
            undo_stack=self.undo_stack,
            plan_id=self.timeline_plan_id(),
            parent=self,
        )
        dialog.exec()
        dialog.deleteLater()

    def _on_my_name_action_triggered(self) -> None:
        name = ask_my_name(self, self._user_preferences.my_name())
        if name is not None:
            self.set_my_name(name)

    def _on_timeline_button_toggled(self, shown: bool) -> None:
        self.timeline.setVisible(shown)
        self.timeline_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.timeline_action.setChecked(shown)
        pane = self.timeline_pane
        if shown:
            pane.setMaximumHeight(_WIDGET_SIZE_MAX)
            total = sum(self.outer_splitter.sizes())
            self.outer_splitter.setSizes([max(total - TIMELINE_HEIGHT, 1), TIMELINE_HEIGHT])
        else:
            pane.setMaximumHeight(self.timeline_header.sizeHint().height())

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

    # ------------------------------------------------------------ building

    def _build_timeline(self) -> None:
        self.timeline_pane = QWidget(self)
        self.timeline_pane.setObjectName("actions_timeline_pane")
        self.timeline_header = QWidget(self.timeline_pane)
        self.timeline_button = QToolButton(self.timeline_header)
        self.timeline_button.setObjectName("actions_timeline_toggle")
        self.timeline_button.setText("Timeline")
        self.timeline_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.timeline_button.setArrowType(Qt.ArrowType.DownArrow)
        self.timeline_button.setCheckable(True)
        self.timeline_button.setChecked(True)
        self.timeline_button.setAutoRaise(True)
        self.timeline_button.setToolTip("Show or hide the plan's timeline (Ctrl+Shift+T)")
        self.timeline_label = QLabel(self.timeline_header)
        self.timeline_label.setObjectName("actions_timeline_label")
        self.timeline_label.setTextFormat(Qt.TextFormat.PlainText)
        self.timeline_label.setEnabled(False)  # muted
        header = QHBoxLayout(self.timeline_header)
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.timeline_button)
        header.addWidget(self.timeline_label, 1)
        self.timeline = TimelineCanvas(self.timeline_pane)
        layout = QVBoxLayout(self.timeline_pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.timeline_header)
        layout.addWidget(self.timeline, 1)

        # The tracker and detail above, the timeline below, in one vertical splitter.
        self.outer_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.outer_splitter.setObjectName("actions_outer_splitter")
        outer = self.layout()
        assert outer is not None  # TableTab laid the tab out
        outer.replaceWidget(self.splitter, self.outer_splitter)
        self.outer_splitter.addWidget(self.splitter)
        self.outer_splitter.addWidget(self.timeline_pane)
        self.outer_splitter.setChildrenCollapsible(False)
        self.outer_splitter.setStretchFactor(0, 1)
        self.outer_splitter.setStretchFactor(1, 0)
        self.outer_splitter.setSizes([560, TIMELINE_HEIGHT])
        self.timeline_button.toggled.connect(self._on_timeline_button_toggled)

    def _action(
        self,
        text: str,
        name: str,
        tip: str,
        slot: Callable[[], None],
        shortcut: QKeySequence | None = None,
        *,
        on_view: bool = False,
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(
                Qt.ShortcutContext.WidgetShortcut
                if on_view
                else Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
        action.triggered.connect(slot)
        (self.view if on_view else self).addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            "&New Action…",
            "action_new_action",
            "Add an action to an improvement plan",
            self._on_new_action_triggered,
            QKeySequence("Ctrl+Shift+N"),
        )
        self.add_update_action = self._action(
            "Add &Update…",
            "action_add_update",
            "Write an update on the selected action: status, progress and a note",
            self._on_add_update_action_triggered,
            QKeySequence("Ctrl+U"),
        )
        self.override_action = self._action(
            "Override &RAG…",
            "action_override_rag",
            "Set the selected action's rating yourself, with a reason",
            self._on_override_action_triggered,
            QKeySequence("Ctrl+Shift+R"),
        )
        self.links_action = self._action(
            "Edit &Links…",
            "action_edit_links",
            "Name the resolution the action carries out and the indicators that evidence it",
            self._on_links_action_triggered,
            QKeySequence("Ctrl+L"),
        )
        # Delete acts on the tracker only: in an editor or the note box it deletes text.
        self.delete_action = self._action(
            "&Delete Action",
            "action_delete_action",
            "Delete the selected action while it has no history (undoable)",
            self._on_delete_action_triggered,
            QKeySequence(QKeySequence.StandardKey.Delete),
            on_view=True,
        )
        self.timeline_action = self._action(
            "Show &Timeline",
            "action_show_timeline",
            "Show or hide the plan's timeline under the tracker",
            lambda: self.set_timeline_shown(self.timeline_action.isChecked()),
            QKeySequence("Ctrl+Shift+T"),
        )
        self.timeline_action.setCheckable(True)
        self.timeline_action.setChecked(True)
        self.plans_action = self._action(
            "&Plans and Events…",
            "action_plans",
            "Improvement plans: their names, dates, priority areas, events and milestones",
            self._on_plans_action_triggered,
        )
        self.my_name_action = self._action(
            "Your &Name…",
            "action_my_name",
            "Say your name as the action plans write it, for “My actions”",
            self._on_my_name_action_triggered,
        )

    def _configure_columns(self) -> None:
        view = self.view
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        delegates = {
            "plan": GroupedTextDelegate(view, role=ActionRole.PLAN_GROUP),
            "area": GroupedChoiceDelegate(view, key="area"),
            "description": DescriptionDelegate(view),
            "lead": ChoiceDelegate(view, key="lead"),
            "status": ChoiceDelegate(view, key="status"),
            "due": DueDateDelegate(view),
            "progress": ProgressDelegate(view),
        }
        for key, delegate in delegates.items():
            view.setItemDelegateForColumn(self.model.column_of(key), delegate)
        header = view.horizontalHeader()
        for key in _HIDDEN_AT_FIRST:
            header.hideSection(self.model.column_of(key))
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu_requested)

    def _place_filter_bar(self) -> None:
        # TableTab lays the filter box and the count in a row above the table; here that
        # row and the filter bar under it span the whole tab (SCREENS.md), so the bar's
        # many controls never squeeze the detail pane.
        top = self.layout()
        for layout in self.findChildren(QHBoxLayout):
            outer = layout.parent()
            if layout.indexOf(self.filter_edit) >= 0 and isinstance(outer, QVBoxLayout):
                outer.removeItem(layout)
                layout.setParent(None)  # free to be re-parented
                if isinstance(top, QVBoxLayout):
                    top.insertLayout(0, layout)
                    top.insertWidget(1, self.filter_bar)
                    return
        raise RuntimeError("The filter box is not in a row of its own.")

    # ------------------------------------------------------------ internals

    def _load_choices(self, workspace: Workspace, tracker: ActionTracker | None = None) -> None:
        """The plans, areas and people the filters and editors offer: the tracker's, or read."""
        choices: TrackerChoices | None = None if tracker is None else tracker.choices
        if choices is None:
            from qpmr_desktop.services.actions import read_action_choices  # noqa: PLC0415

            choices = read_action_choices(workspace=workspace)
        self._plans, self._areas, self._people = choices.plans, choices.areas, choices.people
        leads = [person for person in self._people if person.id in choices.lead_ids]
        self.model.set_choices(
            areas=self._area_choices(), people=[person.name for person in self._people]
        )
        plan_names = {plan.id: plan.name for plan in self._plans}
        areas_by_plan: dict[str, list[str]] = {plan.name: [] for plan in self._plans}
        for area in self._areas:
            areas_by_plan.setdefault(plan_names.get(area.plan_id, ""), []).append(area.name)
        self.filter_bar.set_choices(
            plans=[plan.name for plan in self._plans],
            areas=areas_by_plan,
            leads=[person.name for person in leads],
        )
        self._apply_my_name()

    def _area_choices(self) -> dict[PlanId, list[tuple[str, PriorityAreaId]]]:
        choices: dict[PlanId, list[tuple[str, PriorityAreaId]]] = {}
        for area in self._areas:  # by plan, then position
            choices.setdefault(area.plan_id, []).append((area.name, area.id))
        return choices

    def _timeline_events(self, workspace: Workspace, plan_id: PlanId) -> tuple[TimelineEvent, ...]:
        from qpmr_desktop.charts.timeline_chart import TimelineEvent  # noqa: PLC0415

        events = self._events.get(plan_id)
        if events is None:
            from qpmr_desktop.services.plans import list_plan_events  # noqa: PLC0415

            events = list_plan_events(workspace=workspace, plan_id=plan_id)
            self._events[plan_id] = events
        shown: list[TimelineEvent] = []
        for event in events:
            try:
                shown.append(
                    TimelineEvent(
                        title=event.title,
                        start=event.start_date,
                        end=event.end_date,
                        precision=event.date_precision,
                        kind=event.kind,
                    )
                )
            except ValueError as error:
                # The service checks dates when they are saved; a row edited by hand
                # may still disagree. One bad event must not cost the whole timeline.
                _log.warning("Event %s left off the timeline: %s", event.id, error)
        return tuple(shown)

    @property
    def timeline_pending(self) -> bool:
        """True while the timeline waits for the event loop after a load."""
        return self._timeline_timer.isActive()

    def _update_timeline(self) -> None:
        if self._loading:
            self._timeline_timer.start()
            return
        self._timeline_timer.stop()
        if self.workspace is None or not self.is_loaded:
            self._timeline_key = None
            self.timeline.set_data(None)
            self.timeline_label.setText("")
            return
        key = (self._revision, self.timeline_plan_id(), self._today)
        if key == self._timeline_key:
            return  # the same plan and the same rows: nothing to redraw
        self._timeline_key = key
        data = self.timeline_data()
        self.timeline.set_data(data)
        if data is None:
            self.timeline_label.setText("— no improvement plan yet")
        else:
            judged = "today" if self._as_at is None else f"as at {short_date(self._as_at)}"
            self.timeline_label.setText(f"— {data.plan_name} (overdue judged {judged})")

    def _show_as_at(self) -> None:
        self.filter_bar.set_as_at(self._as_at)

    def _apply_my_name(self) -> None:
        name = self._user_preferences.my_name()
        self.proxy.set_my_name(name)
        self.filter_bar.set_my_name(name)
        self._update_count()

    def _restore_filters(self) -> None:
        filters = self._filter_preferences.load()
        self.filter_bar.set_filters(filters)
        blocked = self.filter_edit.blockSignals(True)
        try:
            self.filter_edit.setText(filters.text)
        finally:
            self.filter_edit.blockSignals(blocked)
        self.proxy.set_my_name(self._user_preferences.my_name())
        self.filter_bar.set_my_name(self.proxy.my_name)
        self.proxy.set_filters(filters)
        self._update_count()

    def _apply_filters(self, filters: ActionFilters) -> None:
        self.proxy.set_filters(filters)
        self._update_count()
        if not self.view.currentIndex().isValid():
            self.select_first()
        self._show_current(refetch=False)
        self._update_timeline()
        self._save_timer.start()

    def _save_filters(self) -> None:
        self._save_timer.stop()
        self._filter_preferences.save(
            replace(self.filter_bar.filters, text=self.filter_edit.text())
        )

    def _show_current(self, *, refetch: bool) -> None:
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
            self.pane.show_action(detail, as_at=self._as_at)
        self._update_actions()

    def _read_detail(self, action_id: int) -> ActionDetail | None:
        from qpmr_desktop.services.actions import get_action_detail  # noqa: PLC0415

        workspace = self.workspace
        if workspace is None or self._today is None:
            return None
        try:
            return get_action_detail(workspace=workspace, action_id=action_id, today=self._today)
        except NotFoundError:
            return None  # deleted meanwhile (an undone create): the refresh drops the row

    def _flush_changes(self) -> None:
        """Refresh what the changes since the last step name (see the module)."""
        changes, self._pending = self._pending, []
        plans_changed, self._plans_changed = self._plans_changed, False
        workspace = self.workspace
        if plans_changed and workspace is not None and self._today is not None:
            self._refresh_plans(workspace)
        if not changes or workspace is None or self._today is None:
            return
        if any(change.people_changed for change in changes):
            self._load_choices(workspace)
        if not self._refresh_rows_of(changes):
            from qpmr_desktop.services.actions import read_action_tracker  # noqa: PLC0415

            self.model.refresh_rows(read_action_tracker(workspace=workspace, today=self._today))
        self._update_count()
        last = changes[-1]
        current = self.current_row()
        if last.kind is not ActionChangeKind.DELETE and (
            current is None or current.id != last.action_id
        ):
            self.select_id(last.action_id)
        if self.current_row() is None and self.proxy.rowCount() > 0:
            self.select_first()
        self._show_current(refetch=True)
        self._update_timeline()

    def _refresh_plans(self, workspace: Workspace) -> None:
        """After a plan, area or event changed: names and orders may have moved everywhere."""
        from qpmr_desktop.services.actions import read_action_tracker  # noqa: PLC0415

        assert self._today is not None  # the caller checked
        self._events.clear()
        self._timeline_key = None  # the events and areas the timeline shows have changed
        tracker = read_action_tracker(workspace=workspace, today=self._today)
        self._load_choices(workspace, tracker)
        self.model.refresh_rows(tracker)
        self._update_count()
        self._show_current(refetch=True)
        self._update_timeline()

    def _refresh_rows_of(self, changes: Sequence[ActionChange]) -> bool:
        """Re-read only the changed actions into their rows; False when the order may change."""
        structural = {ActionChangeKind.CREATE, ActionChangeKind.DELETE}
        if any(
            change.kind in structural or "priority_area_id" in change.after for change in changes
        ):
            return False  # rows come or go, or move to another area's group
        for action_id in dict.fromkeys(change.action_id for change in changes):
            detail = self._read_detail(action_id)
            if detail is None:
                return False
            position = self.model.area_position(detail.plan_id, detail.priority_area_id)
            if position is None or not self.model.update_row(
                row_from_detail(detail, area_position=position)
            ):
                return False
        return True

    def _update_actions(self) -> None:
        has_workspace = self.workspace is not None
        detail = self._shown_detail
        self.new_action.setEnabled(has_workspace)
        for action in (self.add_update_action, self.override_action, self.links_action):
            action.setEnabled(detail is not None)
        self.delete_action.setEnabled(self.current_row() is not None)


def build_action_menu(tab: ActionsTab) -> QMenu:
    """The window's Action menu: the tab's actions (see the module), owned by the tab."""
    menu = QMenu("&Action", tab)
    menu.setObjectName("menu_action")
    menu.addAction(tab.new_action)
    menu.addAction(tab.add_update_action)
    menu.addAction(tab.override_action)
    menu.addAction(tab.links_action)
    menu.addSeparator()
    menu.addAction(tab.delete_action)
    menu.addSeparator()
    menu.addAction(tab.plans_action)
    menu.addAction(tab.timeline_action)
    menu.addAction(tab.my_name_action)
    return menu
