"""The Actions tab's filter controls, and the preferences that keep their state between runs.

Contract:

- ``ActionFilterBar`` shows plan ("All plans", then the plans by name),
  priority area (the chosen plan's areas in order, or every area name when
  every plan is shown), status (any, "open" — not complete —, or one), RAG
  (five checkable buttons ■ ● ◆ ▲ ○, any number on; none on means every
  rating), lead, "My actions", "Overdue" and "Due in the next N weeks". Every
  control says what it does in words, so no filter depends on colour. When
  the day actions are judged on is the database's "as at" date, the overdue
  box says so ("Overdue as at 1 Dec 2017"). The bar filters nothing itself:
  it emits ``filters_changed`` with the non-text part of an ``ActionFilters``
  whenever a control changes, and ``set_filters`` shows a state without
  emitting.
- ``ActionFilterPreferences`` reads and writes an ``ActionFilters`` (the
  words typed included) in ``Preferences`` under ``actions/filter/``. Plans,
  areas and leads are kept by name. A stored status or RAG the app does not
  know reads as "any"; a plan, area or lead no longer in the database stays
  chosen and shown in its control (it may come back), so no row is ever hidden
  for a reason nobody can see. ``TransientActionFilterPreferences`` starts
  empty and keeps nothing (screenshots, tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Final

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
)

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.ui.action_model import ActionFilters
from qpmr_desktop.ui.chips import ACTION_RAG_COLOURS, tint
from qpmr_desktop.ui.formatting import short_date
from qpmr_desktop.ui.settings import Preferences

__all__ = [
    "DEFAULT_DUE_WEEKS",
    "RAG_CHOICES",
    "ActionFilterBar",
    "ActionFilterPreferences",
    "FlowLayout",
    "TransientActionFilterPreferences",
    "overdue_caption",
]

#: The RAG toggles, in BRAG order: (rating, tooltip).
RAG_CHOICES: Final[tuple[tuple[ActionRag, str], ...]] = (
    (ActionRag.BLUE, "Show complete actions (■ Blue)"),
    (ActionRag.GREEN, "Show actions on track (● Green)"),
    (ActionRag.AMBER, "Show actions at risk (◆ Amber)"),
    (ActionRag.RED, "Show actions off track or overdue (▲ Red)"),
    (ActionRag.GREY, "Show actions not started (○ Grey)"),
)
DEFAULT_DUE_WEEKS: Final = 4
MAX_DUE_WEEKS: Final = 52
_ALL_PLANS = "All plans"
_ALL_AREAS = "All areas"
_ALL_LEADS = "All leads"
_ANY_STATUS = "Any status"
_OPEN = "open"  # the status combo's "not complete" choice
_OPEN_STATUSES: Final = frozenset(set(ActionStatus) - {ActionStatus.COMPLETE})
_PREFIX = "actions/filter/"
_COMBO_CHARACTERS = 10


def overdue_caption(as_at: dt.date | None) -> str:
    """ "Overdue", or "Overdue as at 1 Dec 2017" when the database fixes the day judged on."""
    return "Overdue" if as_at is None else f"Overdue as at {short_date(as_at)}"


class ActionFilterPreferences:
    """The tracker filter, kept in the user's preferences (see the module)."""

    def __init__(self, preferences: Preferences | None = None) -> None:
        self._preferences = preferences if preferences is not None else Preferences()

    def load(self) -> ActionFilters:
        prefs = self._preferences
        statuses = frozenset(
            ActionStatus(name)
            for name in prefs.texts(f"{_PREFIX}statuses")
            if _is(name, ActionStatus)
        )
        rags = frozenset(
            ActionRag(name) for name in prefs.texts(f"{_PREFIX}rags") if _is(name, ActionRag)
        )
        weeks_text = prefs.text(f"{_PREFIX}due_weeks")
        weeks = int(weeks_text) if weeks_text.isdigit() else None
        return ActionFilters(
            text=prefs.text(f"{_PREFIX}text"),
            plan=prefs.text(f"{_PREFIX}plan") or None,
            area=prefs.text(f"{_PREFIX}area") or None,
            statuses=statuses,
            rags=rags,
            lead=prefs.text(f"{_PREFIX}lead") or None,
            mine=prefs.flag(f"{_PREFIX}mine"),
            overdue=prefs.flag(f"{_PREFIX}overdue"),
            due_weeks=None if weeks is None else max(1, min(weeks, MAX_DUE_WEEKS)),
        )

    def save(self, filters: ActionFilters) -> None:
        prefs = self._preferences
        prefs.set_text(f"{_PREFIX}text", filters.text)
        prefs.set_text(f"{_PREFIX}plan", filters.plan or "")
        prefs.set_text(f"{_PREFIX}area", filters.area or "")
        prefs.set_texts(f"{_PREFIX}statuses", sorted(status.value for status in filters.statuses))
        prefs.set_texts(f"{_PREFIX}rags", sorted(rag.value for rag in filters.rags))
        prefs.set_text(f"{_PREFIX}lead", filters.lead or "")
        prefs.set_flag(f"{_PREFIX}mine", value=filters.mine)
        prefs.set_flag(f"{_PREFIX}overdue", value=filters.overdue)
        prefs.set_text(
            f"{_PREFIX}due_weeks", "" if filters.due_weeks is None else str(filters.due_weeks)
        )
        prefs.sync()


class TransientActionFilterPreferences(ActionFilterPreferences):
    """Starts with no filter and keeps nothing: for screenshots and tests.

    A screenshot must show every action whatever the user last filtered, and
    must not change what they will see next time.
    """

    def __init__(self) -> None:  # no settings behind it at all
        self._filters = ActionFilters()

    def load(self) -> ActionFilters:
        return self._filters

    def save(self, filters: ActionFilters) -> None:
        self._filters = filters


def _is(name: str, enum: type[ActionStatus] | type[ActionRag]) -> bool:
    return name in {member.value for member in enum}


def _set_items(combo: QComboBox, first: str, items: Sequence[str], chosen: str | None) -> None:
    """Offer ``first`` (data "") then ``items``; keep ``chosen`` shown even when it is gone."""
    combo.clear()
    combo.addItem(first, "")
    for item in items:
        combo.addItem(item, item)
    if chosen is not None and combo.findData(chosen) < 0:
        # Kept (it may come back) and shown, so the filter is never invisible.
        combo.addItem(chosen, chosen)
    combo.setCurrentIndex(max(0, combo.findData(chosen or "")))
    _fit_popup(combo)


def _fit_popup(combo: QComboBox) -> None:
    view = combo.view()
    if view is not None:
        view.setMinimumWidth(view.sizeHintForColumn(0) + 24)


class FlowLayout(QLayout):
    """Lays its items out left to right, starting a new row when the next would not fit.

    Its minimum width is its widest item's, and its height follows its width
    (``heightForWidth``), so a window can be narrower than all the controls.
    """

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items in rows within ``rect`` (when ``move``); the height they take."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        rows: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = area.x()
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if rows[-1] and x + hint.width() > area.right() + 1:
                rows.append([])
                x = area.x()
            rows[-1].append((item, hint))
            x += hint.width() + self._spacing
        y = area.y()
        for row in rows:
            height = max((hint.height() for _, hint in row), default=0)
            x = area.x()
            for item, hint in row:
                if move:
                    # Centred in the row, so check boxes line up with combo boxes.
                    top = y + (height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), hint))
                x += hint.width() + self._spacing
            y += height + self._spacing
        return y - self._spacing - rect.y() + margins.bottom()


class ActionFilterBar(QWidget):
    """Plan, area, status, RAG, lead, mine, overdue and due-soon controls (see the module)."""

    filters_changed = Signal(object)  # ActionFilters, the text left as it was

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filters = ActionFilters()
        self._updating = False
        self._plans: tuple[str, ...] = ()
        self._areas: dict[str, tuple[str, ...]] = {}
        self._leads: tuple[str, ...] = ()

        self.plan_combo = self._combo("actions_plan_filter", "Show one improvement plan only")
        self.plan_combo.addItem(_ALL_PLANS, "")
        self.area_combo = self._combo("actions_area_filter", "Show one priority area only")
        self.area_combo.addItem(_ALL_AREAS, "")
        self.status_combo = self._status_combo()

        rag_box = self._build_rag_buttons()
        self.lead_combo = self._combo("actions_lead_filter", "Show the actions one officer leads")
        self.lead_combo.addItem(_ALL_LEADS, "")
        self.mine_check = self._check("actions_mine_filter", "My actions")
        self.overdue_check = self._check("actions_overdue_filter", overdue_caption(None))
        self.overdue_check.setToolTip("Unfinished actions past their due date")
        self.due_check = self._check("actions_due_filter", "Due in the next")
        self.due_check.setToolTip("Unfinished actions due from today up to that many weeks ahead")
        self.due_spin = QSpinBox(self)
        self.due_spin.setObjectName("actions_due_weeks")
        self.due_spin.setRange(1, MAX_DUE_WEEKS)
        self.due_spin.setValue(DEFAULT_DUE_WEEKS)
        self.due_spin.setSuffix(" weeks")
        self.due_spin.setAccessibleName("Weeks ahead")
        self.due_spin.setEnabled(False)
        self.set_my_name("")

        # The controls wrap onto a second row in a narrow window rather than set its width;
        # the RAG buttons and the weeks box stay with their captions.
        layout = FlowLayout(self, spacing=6)
        for widget in (self.plan_combo, self.area_combo, self.status_combo):
            layout.addWidget(widget)
        layout.addWidget(self._group(QLabel("RAG", self), rag_box))
        layout.addWidget(self.lead_combo)
        layout.addWidget(self.mine_check)
        layout.addWidget(self.overdue_check)
        layout.addWidget(self._group(self.due_check, self.due_spin))

        self.plan_combo.currentIndexChanged.connect(self._on_plan_combo_current_index_changed)
        for combo in (self.area_combo, self.status_combo, self.lead_combo):
            combo.currentIndexChanged.connect(self._on_control_changed)
        for check in (self.mine_check, self.overdue_check, self.due_check):
            check.toggled.connect(self._on_control_changed)
        self.due_spin.valueChanged.connect(self._on_control_changed)

    def _group(self, first: QWidget, rest: QWidget | QHBoxLayout) -> QWidget:
        group = QWidget(self)
        row = QHBoxLayout(group)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        first.setParent(group)
        row.addWidget(first)
        if isinstance(rest, QHBoxLayout):
            row.addLayout(rest)
        else:
            rest.setParent(group)
            row.addWidget(rest)
        if isinstance(first, QLabel):
            first.setEnabled(False)  # a muted caption
        return group

    def _build_rag_buttons(self) -> QHBoxLayout:
        self.rag_buttons: list[QToolButton] = []
        rag_group = QButtonGroup(self)
        rag_group.setExclusive(False)
        rag_box = QHBoxLayout()
        rag_box.setSpacing(2)
        for rag, tooltip in RAG_CHOICES:
            button = QToolButton(self)
            # The shape on the button; its word in the tooltip and for screen readers.
            button.setText(rag.symbol)
            button.setAccessibleName(f"{rag.label} actions")
            button.setCheckable(True)
            button.setToolTip(f"{tooltip}. Several may be on; none on shows all.")
            colour = ACTION_RAG_COLOURS[rag]
            button.setStyleSheet(
                f"QToolButton {{ padding: 1px 4px; color: {colour}; }}"
                f"QToolButton:checked {{ background: {tint(colour, 0.22)};"
                f" border: 1px solid {colour}; border-radius: 3px; font-weight: 600; }}"
            )
            button.setObjectName(f"actions_rag_filter_{rag.value}")
            rag_group.addButton(button)
            rag_box.addWidget(button)
            self.rag_buttons.append(button)
            button.toggled.connect(self._on_control_changed)
        return rag_box

    def _status_combo(self) -> QComboBox:
        combo = self._combo("actions_status_filter", "Show actions with one status")
        combo.addItem(_ANY_STATUS, "")
        combo.addItem("Open (not complete)", _OPEN)
        for status in ActionStatus:
            combo.addItem(status.label, status.value)
        _fit_popup(combo)
        return combo

    def _combo(self, name: str, tooltip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setToolTip(tooltip)
        # Compact in the bar; the list that drops down is as wide as its longest name.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(_COMBO_CHARACTERS)
        return combo

    def _check(self, name: str, text: str) -> QCheckBox:
        check = QCheckBox(text, self)
        check.setObjectName(name)
        # Its words must show whole: the search box gives way first.
        check.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        return check

    # ------------------------------------------------------------ our API

    @property
    def filters(self) -> ActionFilters:
        return self._filters

    def set_choices(
        self,
        *,
        plans: Sequence[str],
        areas: Mapping[str, Sequence[str]],
        leads: Sequence[str],
    ) -> None:
        """Offer ``plans`` (by name), each plan's ``areas`` in order, and ``leads``."""
        self._plans = tuple(plans)
        self._areas = {plan: tuple(names) for plan, names in areas.items()}
        self._leads = tuple(leads)
        self._show(self._filters)

    def set_filters(self, filters: ActionFilters) -> None:
        """Show ``filters`` in the controls, without emitting ``filters_changed``."""
        self._filters = filters
        self._show(filters)

    def set_as_at(self, as_at: dt.date | None) -> None:
        """Say on the overdue box whether overdue is judged as at the database's date."""
        self.overdue_check.setText(overdue_caption(as_at))
        if as_at is None:
            self.overdue_check.setToolTip("Unfinished actions past their due date")
        else:
            self.overdue_check.setToolTip(
                f"Unfinished actions due before {short_date(as_at)}: the database judges "
                "actions as at that date (its “actions as at” setting), not today"
            )

    def set_my_name(self, name: str) -> None:
        """Say whose actions "My actions" shows."""
        if name:
            self.mine_check.setToolTip(
                f"Only the actions led by {name} (your name: Action ▸ Your Name… changes it)"
            )
        else:
            self.mine_check.setToolTip(
                "Only the actions you lead: say your name with Action ▸ Your Name…"
            )

    # ------------------------------------------------------------ internals

    def _area_names(self, plan: str | None) -> tuple[str, ...]:
        if plan is not None:
            return self._areas.get(plan, ())
        seen: dict[str, None] = {}
        for name in self._plans:
            for area in self._areas.get(name, ()):
                seen.setdefault(area, None)
        return tuple(seen)

    def _show(self, filters: ActionFilters) -> None:
        self._updating = True
        try:
            _set_items(self.plan_combo, _ALL_PLANS, self._plans, filters.plan)
            _set_items(self.area_combo, _ALL_AREAS, self._area_names(filters.plan), filters.area)
            _set_items(self.lead_combo, _ALL_LEADS, self._leads, filters.lead)
            if filters.statuses == _OPEN_STATUSES:
                status_data = _OPEN
            elif len(filters.statuses) == 1:
                status_data = next(iter(filters.statuses)).value
            else:
                status_data = ""
            self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(status_data)))
            for button, (rag, _) in zip(self.rag_buttons, RAG_CHOICES, strict=True):
                button.setChecked(rag in filters.rags)
            self.mine_check.setChecked(filters.mine)
            self.overdue_check.setChecked(filters.overdue)
            self.due_check.setChecked(filters.due_weeks is not None)
            self.due_spin.setEnabled(filters.due_weeks is not None)
            if filters.due_weeks is not None:
                self.due_spin.setValue(filters.due_weeks)
        finally:
            self._updating = False

    def _read(self) -> ActionFilters:
        def chosen(combo: QComboBox) -> str | None:
            data = combo.currentData()
            return data if isinstance(data, str) and data else None

        status = self.status_combo.currentData()
        statuses: frozenset[ActionStatus]
        if status == _OPEN:
            statuses = _OPEN_STATUSES
        elif isinstance(status, str) and status:
            statuses = frozenset({ActionStatus(status)})
        else:
            statuses = frozenset()
        rags = frozenset(
            rag
            for button, (rag, _) in zip(self.rag_buttons, RAG_CHOICES, strict=True)
            if button.isChecked()
        )
        return replace(
            self._filters,
            plan=chosen(self.plan_combo),
            area=chosen(self.area_combo),
            statuses=statuses,
            rags=rags,
            lead=chosen(self.lead_combo),
            mine=self.mine_check.isChecked(),
            overdue=self.overdue_check.isChecked(),
            due_weeks=self.due_spin.value() if self.due_check.isChecked() else None,
        )

    # ------------------------------------------------------------ slots

    def _on_plan_combo_current_index_changed(self) -> None:
        if self._updating:
            return
        filters = self._read()
        if filters.area is not None and filters.area not in self._area_names(filters.plan):
            # Another plan's area would hide every row of this one.
            filters = replace(filters, area=None)
        self._filters = filters
        self._show(filters)
        self.filters_changed.emit(filters)

    def _on_control_changed(self) -> None:
        if self._updating:
            return
        self._filters = self._read()
        self.due_spin.setEnabled(self.due_check.isChecked())
        self.filters_changed.emit(self._filters)
