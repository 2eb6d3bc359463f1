"""The Actions tab's dialogs: a new action, a RAG override with its reason, links, your name.

Contract (every dialog writes nothing: the tab turns what it returns into
undo commands; all text is plain, so names show verbatim, never as markup):

- ``RagOverrideDialog`` shows the rating the rules give and why, and offers
  "Use the derived rating" or one of the five ratings (shape and word). OK
  is enabled only when something changes, and an override needs a reason
  (the reason is kept and printed); clearing one may say why.
  ``choice()`` is ``(rag or None, reason)``.
- ``NewActionDialog`` takes plan, priority area, ref (the service's
  suggestion for that area, until the person types their own), description,
  lead (the people list, or a new name), due date, status and progress.
  The draft is checked with ``action_editing.validate_action_draft`` on OK;
  errors are listed ("✖ …") and keep the dialog open, warnings ("⚠ …") are
  shown once and then let it through. ``draft()`` is the ``ActionDraft``.
- ``ActionLinksDialog`` names the resolution the action carries out (or
  none) and the indicators that evidence it (a checkable list with a filter
  box). ``changes()`` holds ``resolution_id`` and/or ``indicator_ids`` where
  they differ from the action's.
- ``ask_my_name`` asks for the person's own name as action plans write it
  ("my actions"); None when cancelled.
- ``PlansDialog`` is the exception that writes: it edits improvement plans
  (name, board, dates, status), their priority areas (add, rename, move up
  and down, delete an empty one) and events and milestones (``EventDialog``:
  a day, a range of days, or a month), each change one undo command on the
  stack it is given, with Undo and Redo at hand; the lists are read again
  after every step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qpmr_desktop.domain.actions import (
    ActionRag,
    ActionStatus,
    DatePrecision,
    PlanEventKind,
    PlanStatus,
)
from qpmr_desktop.domain.ids import IndicatorId, PlanId, PriorityAreaId, ResolutionId
from qpmr_desktop.services.read_models import (
    ActionDetail,
    ActionDraft,
    FieldProblem,
    LinkedResolution,
    PlanDraft,
    PlanEventDraft,
    PlanEventRow,
    PlanSubject,
    PlanSummary,
    PriorityAreaView,
    Severity,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.action_commands import (
    ActionEditor,
    AddAreaCommand,
    CreateEventCommand,
    CreatePlanCommand,
    DeleteAreaCommand,
    DeleteEventCommand,
    EditEventCommand,
    EditPlanCommand,
    MoveAreaCommand,
    RenameAreaCommand,
)
from qpmr_desktop.ui.action_delegates import DueDateEdit
from qpmr_desktop.ui.chips import AMBER, RED
from qpmr_desktop.ui.formatting import short_date

__all__ = [
    "ActionLinksDialog",
    "EventDialog",
    "NewActionDialog",
    "PlansDialog",
    "RagOverrideDialog",
    "ask_my_name",
    "resolution_text",
]

_REF_PAUSE_MS: Final = 150


def _plain_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _problems_text(problems: Sequence[FieldProblem]) -> str:
    return "\n".join(
        f"{'✖' if problem.severity is Severity.ERROR else '⚠'} {problem.message}"
        for problem in problems
    )


# ------------------------------------------------------------------ RAG override


class RagOverrideDialog(QDialog):
    """Override an action's rating with a reason, or go back to the derived one."""

    def __init__(self, detail: ActionDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Override RAG of {detail.ref} — QPMR Desktop")
        self.setObjectName("rag_override_dialog")
        self._detail = detail

        rated = f"{detail.derived_rag.symbol} {detail.derived_rag.label}"
        why = _derived_reason(detail)
        derived = _plain_label(
            f"By the rules, {detail.ref} is {rated}"
            + ("." if why.casefold() == detail.derived_rag.label.casefold() else f": {why}.")
            + " An override replaces that rating wherever it is shown and printed; the "
            "reason goes with it.",
            self,
        )
        derived.setObjectName("rag_override_derived")
        self.group = QButtonGroup(self)
        self.derived_button = QRadioButton("Use the derived rating (no override)", self)
        self.derived_button.setObjectName("rag_override_none")
        self.group.addButton(self.derived_button)
        self.rag_buttons: dict[ActionRag, QRadioButton] = {}
        choices = QVBoxLayout()
        choices.addWidget(self.derived_button)
        for rag in ActionRag:
            button = QRadioButton(f"{rag.symbol} {rag.value.capitalize()} — {rag.label}", self)
            button.setObjectName(f"rag_override_{rag.value}")
            self.group.addButton(button)
            self.rag_buttons[rag] = button
            choices.addWidget(button)
        current = detail.rag_override
        (self.derived_button if current is None else self.rag_buttons[current]).setChecked(True)

        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setObjectName("rag_override_reason")
        self.reason_edit.setPlaceholderText(
            "Why the rating differs from the rules: kept with the rating and printed"
        )
        self.reason_edit.setPlainText(detail.rag_override_reason)
        self.reason_edit.setTabChangesFocus(True)
        self.problem_label = _plain_label("", self)
        self.problem_label.setObjectName("rag_override_problem")
        self.problem_label.setStyleSheet(f"color: {AMBER};")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addWidget(derived)
        layout.addLayout(choices)
        layout.addWidget(_plain_label("Reason", self))
        layout.addWidget(self.reason_edit, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(460, 380)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.group.buttonToggled.connect(self._on_group_button_toggled)
        self.reason_edit.textChanged.connect(self._on_reason_edit_text_changed)
        self._check()

    def choice(self) -> tuple[ActionRag | None, str]:
        """The rating chosen (None: the derived one) and the reason typed."""
        reason = self.reason_edit.toPlainText().strip()
        for rag, button in self.rag_buttons.items():
            if button.isChecked():
                return rag, reason
        return None, reason

    def accept(self) -> None:
        if self._problem() is None:
            super().accept()

    def _problem(self) -> str | None:
        rag, reason = self.choice()
        detail = self._detail
        if rag is None and detail.rag_override is None:
            return "The action already uses the derived rating."
        if rag is not None and not reason:
            return "Say why the rating is overridden: the reason is kept with it and printed."
        if rag == detail.rag_override and reason == detail.rag_override_reason.strip():
            return "Nothing has changed."
        return None

    def _check(self) -> None:
        problem = self._problem()
        self.problem_label.setText("" if problem is None else f"⚠ {problem}")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(problem is None)

    def _on_group_button_toggled(self) -> None:
        self._check()

    def _on_reason_edit_text_changed(self) -> None:
        self._check()


def _derived_reason(detail: ActionDetail) -> str:
    reason = detail.rag_reason
    marker = "(derived: "
    if marker in reason:  # an override's sentence ends with what the rules say
        reason = reason.rsplit(marker, 1)[1].rstrip(")")
    return reason.split(": ", 1)[1] if ": " in reason else reason


# ------------------------------------------------------------------ new action


class NewActionDialog(QDialog):
    """The fields of a new action; see the module."""

    def __init__(
        self,
        *,
        workspace: Workspace,
        plans: Sequence[tuple[str, PlanId]],
        areas: Mapping[PlanId, Sequence[tuple[str, PriorityAreaId]]],
        people: Sequence[str],
        plan_id: PlanId | None = None,
        area_id: PriorityAreaId | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Action — QPMR Desktop")
        self.setObjectName("new_action_dialog")
        self._workspace = workspace
        self._areas = {plan: tuple(items) for plan, items in areas.items()}
        self._suggested = ""
        self._warned: list[FieldProblem] = []

        form = self._build_fields(plans, people)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(520, 460)

        self._ref_timer = QTimer(self)
        self._ref_timer.setSingleShot(True)
        self._ref_timer.setInterval(_REF_PAUSE_MS)
        self._ref_timer.timeout.connect(self._on_ref_timer_timeout)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.plan_combo.currentIndexChanged.connect(self._on_plan_combo_current_index_changed)
        self.area_combo.currentIndexChanged.connect(self._on_area_combo_current_index_changed)

        if plan_id is not None:
            self.plan_combo.setCurrentIndex(max(0, self.plan_combo.findData(plan_id)))
        self._fill_areas()
        if area_id is not None:
            self.area_combo.setCurrentIndex(max(0, self.area_combo.findData(area_id)))
        self.suggest_ref()
        self.description_edit.setFocus()

    def _build_fields(
        self, plans: Sequence[tuple[str, PlanId]], people: Sequence[str]
    ) -> QFormLayout:
        self.plan_combo = QComboBox(self)
        self.plan_combo.setObjectName("new_action_plan")
        for name, ident in plans:
            self.plan_combo.addItem(name, ident)
        self.area_combo = QComboBox(self)
        self.area_combo.setObjectName("new_action_area")
        self.ref_edit = QLineEdit(self)
        self.ref_edit.setObjectName("new_action_ref")
        self.ref_edit.setPlaceholderText("2.3")
        self.ref_edit.setToolTip(
            "Stable and unique within the plan; update forms and papers cite it"
        )
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setObjectName("new_action_description")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setPlaceholderText("What will be done")
        self.lead_combo = QComboBox(self)
        self.lead_combo.setObjectName("new_action_lead")
        self.lead_combo.setEditable(True)
        self.lead_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lead_combo.addItem("")
        for name in people:
            self.lead_combo.addItem(name)
        self.due_edit = DueDateEdit(self)
        self.due_edit.setObjectName("new_action_due")
        self.due_edit.set_due_date(None)
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("new_action_status")
        for status in ActionStatus:
            self.status_combo.addItem(status.label, status.value)
        self.progress_spin = QSpinBox(self)
        self.progress_spin.setObjectName("new_action_progress")
        self.progress_spin.setRange(0, 100)
        self.progress_spin.setSuffix("%")
        self.problem_label = _plain_label("", self)
        self.problem_label.setObjectName("new_action_problems")
        self.problem_label.setStyleSheet(f"color: {RED};")

        form = QFormLayout()
        form.addRow("&Plan", self.plan_combo)
        form.addRow("Priority &area", self.area_combo)
        form.addRow("&Ref", self.ref_edit)
        form.addRow("&Description", self.description_edit)
        form.addRow("&Lead", self.lead_combo)
        form.addRow("D&ue", self.due_edit)
        form.addRow("&Status", self.status_combo)
        form.addRow("Pro&gress", self.progress_spin)
        return form

    def draft(self) -> ActionDraft:
        """What the form holds, as the service takes it."""
        plan = self.plan_combo.currentData()
        area = self.area_combo.currentData()
        lead = " ".join(self.lead_combo.currentText().split())
        due: dt.date | None = self.due_edit.due_date()
        return ActionDraft(
            plan_id=PlanId(plan if isinstance(plan, int) else 0),
            ref=self.ref_edit.text().strip(),
            description=self.description_edit.toPlainText().strip(),
            priority_area_id=PriorityAreaId(area) if isinstance(area, int) else None,
            lead=lead or None,
            due_date=due,
            status=ActionStatus(str(self.status_combo.currentData())),
            progress=self.progress_spin.value(),
        )

    def suggest_ref(self) -> None:
        """Offer the service's next ref for the chosen area, unless the person typed their own."""
        if self.ref_edit.text().strip() not in {"", self._suggested}:
            return
        from qpmr_desktop.services.action_editing import suggest_next_ref  # noqa: PLC0415

        plan, area = self.plan_combo.currentData(), self.area_combo.currentData()
        if not isinstance(plan, int):
            return
        self._suggested = suggest_next_ref(
            workspace=self._workspace,
            plan_id=plan,
            priority_area_id=area if isinstance(area, int) else None,
        )
        self.ref_edit.setText(self._suggested)

    def accept(self) -> None:
        from qpmr_desktop.services.action_editing import validate_action_draft  # noqa: PLC0415

        problems = validate_action_draft(workspace=self._workspace, draft=self.draft())
        errors = [problem for problem in problems if problem.severity is Severity.ERROR]
        warnings = [problem for problem in problems if problem.severity is Severity.WARNING]
        if errors or (warnings and warnings != self._warned):
            self._warned = warnings
            self.problem_label.setText(_problems_text(errors + warnings))
            self.problem_label.setStyleSheet(f"color: {RED if errors else AMBER};")
            return
        super().accept()

    def _fill_areas(self) -> None:
        plan = self.plan_combo.currentData()
        self.area_combo.blockSignals(True)
        try:
            self.area_combo.clear()
            self.area_combo.addItem("No priority area", None)
            for name, ident in self._areas.get(
                PlanId(plan) if isinstance(plan, int) else PlanId(0), ()
            ):
                self.area_combo.addItem(name, ident)
            self.area_combo.setCurrentIndex(min(1, self.area_combo.count() - 1))
        finally:
            self.area_combo.blockSignals(False)

    def _on_plan_combo_current_index_changed(self) -> None:
        self._fill_areas()
        self._ref_timer.start()

    def _on_area_combo_current_index_changed(self) -> None:
        self._ref_timer.start()

    def _on_ref_timer_timeout(self) -> None:
        self.suggest_ref()


# ------------------------------------------------------------------ links


def resolution_text(resolution: LinkedResolution) -> str:
    """ "19 Sep 2017 · 4. Quarterly … — Resolved": a resolution as a list names it."""
    return (
        f"{short_date(resolution.meeting_date)} · {resolution.item_number}. "
        f"{resolution.item_title} — {resolution.label}"
    )


class ActionLinksDialog(QDialog):
    """The resolution an action carries out and the indicators that evidence it."""

    def __init__(
        self,
        *,
        detail: ActionDetail,
        resolutions: Sequence[LinkedResolution],
        indicators: Sequence[tuple[IndicatorId, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Links of {detail.ref} — QPMR Desktop")
        self.setObjectName("action_links_dialog")
        self._detail = detail

        self.resolution_combo = QComboBox(self)
        self.resolution_combo.setObjectName("action_links_resolution")
        self.resolution_combo.addItem("No resolution", None)
        for resolution in resolutions:
            self.resolution_combo.addItem(resolution_text(resolution), resolution.id)
            self.resolution_combo.setItemData(
                self.resolution_combo.count() - 1, resolution.text, Qt.ItemDataRole.ToolTipRole
            )
        current = None if detail.resolution is None else detail.resolution.id
        self.resolution_combo.setCurrentIndex(max(0, self.resolution_combo.findData(current)))
        self.resolution_combo.setMaximumWidth(560)

        self.indicator_filter = QLineEdit(self)
        self.indicator_filter.setObjectName("action_links_filter")
        self.indicator_filter.setPlaceholderText("Filter indicators…")
        self.indicator_filter.setClearButtonEnabled(True)
        self.indicator_list = QListWidget(self)
        self.indicator_list.setObjectName("action_links_indicators")
        self.indicator_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        linked = {indicator.id for indicator in detail.indicators}
        for ident, text in indicators:
            item = QListWidgetItem(text, self.indicator_list)
            item.setData(Qt.ItemDataRole.UserRole, ident)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if ident in linked else Qt.CheckState.Unchecked
            )

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        form = QFormLayout()
        form.addRow("Carries out", self.resolution_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_plain_label("Evidenced by these indicators", self))
        layout.addWidget(self.indicator_filter)
        layout.addWidget(self.indicator_list, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 480)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.indicator_filter.textChanged.connect(self._on_indicator_filter_text_changed)

    def changes(self) -> dict[str, object]:
        """The links that differ from the action's, as ``update_action`` takes them."""
        changes: dict[str, object] = {}
        resolution = self.resolution_combo.currentData()
        resolution_id = ResolutionId(resolution) if isinstance(resolution, int) else None
        current = None if self._detail.resolution is None else self._detail.resolution.id
        if resolution_id != current:
            changes["resolution_id"] = resolution_id
        checked = []
        for number in range(self.indicator_list.count()):
            item = self.indicator_list.item(number)
            if item.checkState() == Qt.CheckState.Checked:
                checked.append(IndicatorId(int(item.data(Qt.ItemDataRole.UserRole))))
        ids = tuple(sorted(checked))
        if ids != tuple(sorted(indicator.id for indicator in self._detail.indicators)):
            changes["indicator_ids"] = ids
        return changes

    def _on_indicator_filter_text_changed(self, text: str) -> None:
        words = text.casefold().split()
        for number in range(self.indicator_list.count()):
            item = self.indicator_list.item(number)
            shown = all(word in item.text().casefold() for word in words)
            item.setHidden(not shown)


# ------------------------------------------------------------------ your name


def ask_my_name(parent: QWidget | None, current: str) -> str | None:
    """Ask for the person's own name as action plans write it; None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("my_name_dialog")
    dialog.setWindowTitle("Your Name — QPMR Desktop")
    dialog.setLabelText(
        "Your name as the action plans write it (for “My actions”).\n"
        "Leave it empty to use your computer login name."
    )
    dialog.setTextValue(current)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return " ".join(dialog.textValue().split())


# ------------------------------------------------------------------ plans, areas and events


class EventDialog(QDialog):
    """The fields of an event or milestone: title, kind, a date or a range, month precision."""

    def __init__(
        self,
        *,
        workspace: Workspace,
        plan_id: PlanId | None,
        event: PlanEventRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(("Edit Event" if event else "New Event") + " — QPMR Desktop")
        self.setObjectName("event_dialog")
        self._workspace = workspace
        self._plan_id = plan_id if event is None else event.plan_id
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("event_title")
        self.title_edit.setPlaceholderText("DfE six-month review")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("event_kind")
        for kind in PlanEventKind:
            self.kind_combo.addItem(kind.value.capitalize(), kind.value)
        self.start_edit = DueDateEdit(self, empty_text="Choose a date")
        self.start_edit.setObjectName("event_start")
        self.end_edit = DueDateEdit(self, empty_text="One day only")
        self.end_edit.setObjectName("event_end")
        self.month_check = QCheckBox("Only the month is known (“December 2017”)", self)
        self.month_check.setObjectName("event_month")
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setObjectName("event_notes")
        self.notes_edit.setTabChangesFocus(True)
        self.problem_label = _plain_label("", self)
        self.problem_label.setStyleSheet(f"color: {RED};")
        form = QFormLayout()
        form.addRow("&Title", self.title_edit)
        form.addRow("&Kind", self.kind_combo)
        form.addRow("&From", self.start_edit)
        form.addRow("&To", self.end_edit)
        form.addRow("", self.month_check)
        form.addRow("&Notes", self.notes_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.resize(480, 360)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        if event is None:
            self.start_edit.set_due_date(None)
            self.end_edit.set_due_date(None)
        else:
            self.title_edit.setText(event.title)
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(event.kind.value)))
            self.start_edit.set_due_date(event.start_date)
            self.end_edit.set_due_date(event.end_date)
            self.month_check.setChecked(event.date_precision is DatePrecision.MONTH)
            self.notes_edit.setPlainText(event.notes)

    def draft(self) -> PlanEventDraft | None:
        """What the form holds (None until a start date is chosen)."""
        start = self.start_edit.due_date()
        if start is None:
            return None
        return PlanEventDraft(
            title=self.title_edit.text().strip(),
            kind=PlanEventKind(str(self.kind_combo.currentData())),
            start_date=start,
            end_date=self.end_edit.due_date(),
            date_precision=(
                DatePrecision.MONTH if self.month_check.isChecked() else DatePrecision.DAY
            ),
            notes=self.notes_edit.toPlainText().strip(),
            plan_id=self._plan_id,
        )

    def accept(self) -> None:
        from qpmr_desktop.services.plans import validate_event_draft  # noqa: PLC0415

        draft = self.draft()
        if draft is None:
            self.problem_label.setText("✖ Choose the day (or month) the event starts.")
            return
        problems = validate_event_draft(workspace=self._workspace, draft=draft)
        if any(problem.severity is Severity.ERROR for problem in problems):
            self.problem_label.setText(_problems_text(problems))
            return
        super().accept()


class PlansDialog(QDialog):
    """Improvement plans, their ordered priority areas, and events; every change an undo step.

    Nothing here writes directly: each change is a command on ``undo_stack``
    (through ``editor``), so Undo and Redo (the buttons, or Ctrl+Z and
    Ctrl+Shift+Z) step through them, and the lists are read again after each.
    """

    def __init__(
        self,
        *,
        editor: ActionEditor,
        undo_stack: QUndoStack,
        plan_id: PlanId | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Improvement Plans — QPMR Desktop")
        self.setObjectName("plans_dialog")
        self._editor = editor
        self._stack = undo_stack
        self._plans: list[PlanSummary] = []
        self._areas: list[PriorityAreaView] = []
        self._events: list[PlanEventRow] = []
        self._wanted_plan = plan_id

        self.plans_list = QListWidget(self)
        self.plans_list.setObjectName("plans_list")
        self.new_plan_button = QPushButton("&New Plan…", self)
        left = QVBoxLayout()
        left.addWidget(self.plans_list, 1)
        left.addWidget(self.new_plan_button)

        right = QVBoxLayout()
        right.addWidget(self._build_plan_box())
        right.addWidget(self._build_areas_box(), 1)
        right.addWidget(self._build_events_box(), 1)

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 3)
        self.undo_button = QPushButton("&Undo", self)
        self.redo_button = QPushButton("&Redo", self)
        self.close_button = QPushButton("Close", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.redo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.resize(980, 680)

        undo = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        undo.activated.connect(self._stack.undo)
        redo = QShortcut(QKeySequence("Ctrl+Shift+Z"), self)
        redo.activated.connect(self._stack.redo)
        self.undo_button.clicked.connect(self._stack.undo)
        self.redo_button.clicked.connect(self._stack.redo)
        self.close_button.clicked.connect(self.accept)
        self.new_plan_button.clicked.connect(self._on_new_plan_button_clicked)
        self.plans_list.currentRowChanged.connect(self._on_plans_list_current_row_changed)
        self._connect_plan_box()
        self._stack.indexChanged.connect(self._on_stack_index_changed)
        self._following = True
        self.reload()

    def _build_plan_box(self) -> QGroupBox:
        box = QGroupBox("Plan", self)
        self.name_edit = QLineEdit(box)
        self.name_edit.setObjectName("plan_name")
        self.board_edit = QLineEdit(box)
        self.board_edit.setObjectName("plan_board")
        self.board_edit.setPlaceholderText("The board that owns the plan")
        self.start_edit = DueDateEdit(box, empty_text="No start date")
        self.start_edit.setObjectName("plan_start")
        self.end_edit = DueDateEdit(box, empty_text="No end date")
        self.end_edit.setObjectName("plan_end")
        self.status_combo = QComboBox(box)
        self.status_combo.setObjectName("plan_status")
        for status in PlanStatus:
            self.status_combo.addItem(status.label, status.value)
        self.save_plan_button = QPushButton("&Save Plan", box)
        self.save_plan_button.setObjectName("plan_save")
        form = QFormLayout(box)
        form.addRow("Na&me", self.name_edit)
        form.addRow("&Board", self.board_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel("to", box))
        dates.addWidget(self.end_edit)
        dates.addStretch(1)
        form.addRow("Dates", dates)
        row = QHBoxLayout()
        row.addWidget(self.status_combo)
        row.addStretch(1)
        row.addWidget(self.save_plan_button)
        form.addRow("Status", row)
        return box

    def _connect_plan_box(self) -> None:
        self.save_plan_button.clicked.connect(self._on_save_plan_button_clicked)
        for edit in (self.name_edit, self.board_edit):
            edit.textEdited.connect(self._on_plan_field_changed)
        for date in (self.start_edit, self.end_edit):
            date.dateChanged.connect(self._on_plan_field_changed)
        self.status_combo.currentIndexChanged.connect(self._on_plan_field_changed)

    def _build_areas_box(self) -> QGroupBox:
        box = QGroupBox("Priority areas, in order", self)
        self.areas_list = QListWidget(box)
        self.areas_list.setObjectName("plan_areas")
        self.add_area_button = QPushButton("Add…", box)
        self.rename_area_button = QPushButton("Rename…", box)
        self.up_button = QPushButton("Move Up", box)
        self.down_button = QPushButton("Move Down", box)
        self.delete_area_button = QPushButton("Delete", box)
        column = QVBoxLayout()
        for button in (
            self.add_area_button,
            self.rename_area_button,
            self.up_button,
            self.down_button,
            self.delete_area_button,
        ):
            column.addWidget(button)
        column.addStretch(1)
        layout = QHBoxLayout(box)
        layout.addWidget(self.areas_list, 1)
        layout.addLayout(column)
        self.add_area_button.clicked.connect(self._on_add_area_button_clicked)
        self.rename_area_button.clicked.connect(self._on_rename_area_button_clicked)
        self.up_button.clicked.connect(lambda: self.move_area(-1))
        self.down_button.clicked.connect(lambda: self.move_area(+1))
        self.up_button.setToolTip("Move the priority area up (Alt+Up)")
        self.down_button.setToolTip("Move the priority area down (Alt+Down)")
        for key, step in (("Alt+Up", -1), ("Alt+Down", +1)):
            shortcut = QShortcut(QKeySequence(key), self.areas_list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda step=step: self.move_area(step))
        self.delete_area_button.clicked.connect(self._on_delete_area_button_clicked)
        return box

    def _build_events_box(self) -> QGroupBox:
        box = QGroupBox("Events and milestones", self)
        self.events_list = QListWidget(box)
        self.events_list.setObjectName("plan_events")
        self.add_event_button = QPushButton("Add…", box)
        self.edit_event_button = QPushButton("Edit…", box)
        self.delete_event_button = QPushButton("Delete", box)
        column = QVBoxLayout()
        for button in (self.add_event_button, self.edit_event_button, self.delete_event_button):
            column.addWidget(button)
        column.addStretch(1)
        layout = QHBoxLayout(box)
        layout.addWidget(self.events_list, 1)
        layout.addLayout(column)
        self.add_event_button.clicked.connect(self._on_add_event_button_clicked)
        self.edit_event_button.clicked.connect(self._on_edit_event_button_clicked)
        self.events_list.itemDoubleClicked.connect(self._on_edit_event_button_clicked)
        self.delete_event_button.clicked.connect(self._on_delete_event_button_clicked)
        return box

    def done(self, result: int) -> None:
        # Closed: it no longer follows the stack, which outlives it.
        if self._following:
            self._stack.indexChanged.disconnect(self._on_stack_index_changed)
            self._following = False
        super().done(result)

    # ------------------------------------------------------------ our API

    @property
    def plan(self) -> PlanSummary | None:
        row = self.plans_list.currentRow()
        return self._plans[row] if 0 <= row < len(self._plans) else None

    @property
    def areas(self) -> list[PriorityAreaView]:
        return list(self._areas)

    @property
    def events(self) -> list[PlanEventRow]:
        return list(self._events)

    def reload(self) -> None:
        """Read the plans, and the chosen plan's areas and events, again."""
        from qpmr_desktop.services.plans import list_plans  # noqa: PLC0415

        current = self.plan
        wanted = self._wanted_plan if current is None else current.id
        last = self._editor.last_plan_change
        if last is not None and last.subject is PlanSubject.PLAN and last.version is not None:
            wanted = PlanId(last.row_id)  # a plan just made or changed
        self._plans = list_plans(workspace=self._editor.workspace)
        blocked = self.plans_list.blockSignals(True)
        try:
            self.plans_list.clear()
            for plan in self._plans:
                self.plans_list.addItem(plan.name)
            ids = [plan.id for plan in self._plans]
            self.plans_list.setCurrentRow(ids.index(wanted) if wanted in ids else 0)
        finally:
            self.plans_list.blockSignals(blocked)
        self._show_plan()

    def add_area(self, name: str) -> None:
        plan = self.plan
        if plan is not None and name.strip():
            self._stack.push(AddAreaCommand(self._editor, plan_id=plan.id, name=name))

    def move_area(self, step: int) -> None:
        """Move the chosen area ``step`` places up (-1) or down (+1)."""
        area = self._chosen_area()
        if area is None:
            return
        position = area.position + step
        if 1 <= position <= len(self._areas):
            self._stack.push(
                MoveAreaCommand(
                    self._editor,
                    area_id=area.id,
                    name=area.name,
                    position=position,
                    expected_version=area.version,
                )
            )
            self.areas_list.setCurrentRow(position - 1)

    def save_plan(self) -> None:
        """Push the plan's edited fields as one step."""
        plan = self.plan
        if plan is None:
            return
        changes = {
            name: value
            for name, value in self._plan_fields().items()
            if getattr(plan.draft, name) != value
        }
        if changes:
            self._stack.push(
                EditPlanCommand(
                    self._editor,
                    plan_id=plan.id,
                    name=plan.name,
                    expected_version=plan.version,
                    changes=changes,
                )
            )

    # ------------------------------------------------------------ internals

    def _plan_fields(self) -> dict[str, object]:
        return {
            "name": self.name_edit.text().strip(),
            "board": self.board_edit.text().strip(),
            "start_date": self.start_edit.due_date(),
            "end_date": self.end_edit.due_date(),
            "status": PlanStatus(str(self.status_combo.currentData())),
        }

    def _show_plan(self) -> None:
        from qpmr_desktop.services.plans import (  # noqa: PLC0415
            list_plan_events,
            list_priority_areas,
        )

        plan = self.plan
        workspace = self._editor.workspace
        self._areas = (
            [] if plan is None else list_priority_areas(workspace=workspace, plan_id=plan.id)
        )
        self._events = (
            [] if plan is None else list_plan_events(workspace=workspace, plan_id=plan.id)
        )
        for widget in (self.name_edit, self.board_edit):
            widget.setEnabled(plan is not None)
        self.name_edit.setText("" if plan is None else plan.name)
        self.board_edit.setText("" if plan is None else plan.board)
        self.start_edit.set_due_date(None if plan is None else plan.start_date)
        self.end_edit.set_due_date(None if plan is None else plan.end_date)
        if plan is not None:
            self.status_combo.setCurrentIndex(self.status_combo.findData(plan.status.value))
        area_row = max(self.areas_list.currentRow(), 0)
        self.areas_list.clear()
        for area in self._areas:
            count = f"{area.action_count} action{'s' if area.action_count != 1 else ''}"
            self.areas_list.addItem(f"{area.position}. {area.name} ({count})")
        self.areas_list.setCurrentRow(min(area_row, len(self._areas) - 1))
        self.events_list.clear()
        for event in self._events:
            where = "" if event.plan_id is not None else "  (not in a plan)"
            self.events_list.addItem(
                f"{event.dates_text} — {event.title} [{event.kind.value}]{where}"
            )
        self._on_plan_field_changed()
        for button in (self.add_area_button, self.add_event_button):
            button.setEnabled(plan is not None)
        has_area = bool(self._areas)
        for button in (self.rename_area_button, self.up_button, self.down_button):
            button.setEnabled(has_area)
        self.delete_area_button.setEnabled(has_area)
        self.edit_event_button.setEnabled(bool(self._events))
        self.delete_event_button.setEnabled(bool(self._events))
        self.undo_button.setEnabled(self._stack.canUndo())
        self.redo_button.setEnabled(self._stack.canRedo())
        self.undo_button.setToolTip(self._stack.undoText())
        self.redo_button.setToolTip(self._stack.redoText())

    def _chosen_area(self) -> PriorityAreaView | None:
        row = self.areas_list.currentRow()
        return self._areas[row] if 0 <= row < len(self._areas) else None

    def _chosen_event(self) -> PlanEventRow | None:
        row = self.events_list.currentRow()
        return self._events[row] if 0 <= row < len(self._events) else None

    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(f"{title} — QPMR Desktop")
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.textValue().strip() or None

    # ------------------------------------------------------------ slots

    def _on_stack_index_changed(self) -> None:
        self.reload()

    def _on_plans_list_current_row_changed(self) -> None:
        self._show_plan()

    def _on_plan_field_changed(self) -> None:
        plan = self.plan
        changed = plan is not None and any(
            getattr(plan.draft, name) != value for name, value in self._plan_fields().items()
        )
        self.save_plan_button.setEnabled(changed)

    def _on_save_plan_button_clicked(self) -> None:
        self.save_plan()

    def _on_new_plan_button_clicked(self) -> None:
        name = self._ask("New Plan", "The improvement plan's name:")
        if name is not None:
            self._stack.push(CreatePlanCommand(self._editor, PlanDraft(name=name)))

    def _on_add_area_button_clicked(self) -> None:
        name = self._ask("New Priority Area", "The priority area's name (added at the end):")
        if name is not None:
            self.add_area(name)

    def _on_rename_area_button_clicked(self) -> None:
        area = self._chosen_area()
        if area is None:
            return
        name = self._ask("Rename Priority Area", "The priority area's new name:", area.name)
        if name is not None and name != area.name:
            self._stack.push(
                RenameAreaCommand(
                    self._editor,
                    area_id=area.id,
                    old_name=area.name,
                    name=name,
                    expected_version=area.version,
                )
            )

    def _on_delete_area_button_clicked(self) -> None:
        area = self._chosen_area()
        if area is not None:
            self._stack.push(
                DeleteAreaCommand(
                    self._editor, area_id=area.id, name=area.name, expected_version=area.version
                )
            )

    def _on_add_event_button_clicked(self) -> None:
        plan = self.plan
        if plan is None:
            return
        dialog = EventDialog(workspace=self._editor.workspace, plan_id=plan.id, parent=self)
        draft = dialog.draft() if dialog.exec() == QDialog.DialogCode.Accepted else None
        dialog.deleteLater()
        if draft is not None:
            self._stack.push(CreateEventCommand(self._editor, draft))

    def _on_edit_event_button_clicked(self) -> None:
        event = self._chosen_event()
        if event is None:
            return
        dialog = EventDialog(
            workspace=self._editor.workspace, plan_id=event.plan_id, event=event, parent=self
        )
        draft = dialog.draft() if dialog.exec() == QDialog.DialogCode.Accepted else None
        dialog.deleteLater()
        if draft is None:
            return
        changes = {
            name: getattr(draft, name)
            for name in ("title", "kind", "start_date", "end_date", "date_precision", "notes")
            if getattr(draft, name) != getattr(event.draft, name)
        }
        if changes:
            self._stack.push(
                EditEventCommand(
                    self._editor,
                    event_id=event.id,
                    title=event.title,
                    expected_version=event.version,
                    changes=changes,
                )
            )

    def _on_delete_event_button_clicked(self) -> None:
        event = self._chosen_event()
        if event is not None:
            self._stack.push(
                DeleteEventCommand(
                    self._editor,
                    event_id=event.id,
                    title=event.title,
                    expected_version=event.version,
                )
            )
