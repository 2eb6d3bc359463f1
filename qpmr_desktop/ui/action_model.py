"""The Actions tab's model and proxy: improvement-plan actions with their latest update.

Contract:

- ``ActionTableModel`` shows ``ActionRow`` read models through the
  ``COLUMNS`` descriptors. It holds them in an ``ActionTracker`` (from
  ``services.actions.read_action_tracker``, or made from any list given):
  a row becomes a read model when first read, so opening 20,000 actions
  makes only the few dozen on screen.
  Dates read "30 Sep 2017" and sort as dates; refs sort naturally ("1.10"
  after "1.9"); the RAG cell is a BRAG chip ("■ Complete": shape, word and the
  chip colour as ``ForegroundRole``), an unfinished action past its due date
  reads "▲ Overdue", an overridden rating is marked "*", and the tooltip gives
  the reason sentence ("Red: overdue since 30 Sep 2017", "Override: Amber —
  …"). The latest update's date and author are in its tooltip.
- Editing (once ``set_editing`` has given it an ``ActionEditor`` and an undo
  stack): status, progress, description, priority area, lead and due date
  are editable in place. Every cell of a row answers ``ActionRole.EDIT``, the
  raw values by column key (the status's value, the progress as an int, the
  due date as a ``date`` or None, the area's id or None, the lead's name),
  and ``ActionRole.CHOICES``, what each combo box offers (the row's plan's
  areas, the people list, the statuses); each delegate knows which column it
  edits. (Row roles rather than ``EditRole``: the base model paints fastest
  when ``data()`` is its own.) ``setData`` (``EditRole``) never writes the
  database: a status or progress becomes one ``RecordActionUpdateCommand``
  (an entry in the action's history), the other fields an
  ``UpdateActionCommand``, pushed on the stack. Text the service would refuse
  (an empty description) returns False and emits ``edit_refused`` with the
  reason; the old value stays.
- ``update_row`` takes one fresh row after an edit and signals only that row
  (``dataChanged``); ``refresh_rows`` takes a fresh list and signals only what
  differs (changed rows, inserts and removals), so the selection survives.
- Sorting: the model holds its rows in the order shown. ``sort_rows`` (which
  the proxy's ``sort``, so a click on a header, calls) sorts them by a
  column's raw sort value (dates as dates, refs naturally, "no value" after
  every value, ties in the service's order) in one Python sort, installed as
  a layout change that keeps persistent indexes (the selection); ``None``
  gives back the service's order. Rows given later, and an edit that moves a
  row, keep the order. (A departure from "the source stays unsorted": a
  ``QSortFilterProxyModel`` sort of 20,000 Python rows made ~270,000 Python
  ``lessThan`` and ~550,000 ``index`` calls, 2 to 6 seconds, in
  tests/benchmarks/bench_actions.py.)
- ``ActionFilters`` is the whole filter state (words, plan, priority area,
  status, RAG, lead, "my actions", overdue, due within N weeks);
  ``ActionFilterProxy`` applies it with the service's ``ActionFilter`` on each
  row's read model, never through ``data()``, and every word typed must occur
  in the row's plan, area, ref, description, lead or status (the model's
  ``search_text``, made once per row without making its read model). The
  service module (and SQLAlchemy with it) is imported at the first row
  filtered, not when the proxy is made, so the tab can be built before the
  window paints. The proxy never sorts itself: ``sort`` asks the model, and
  ``sortColumn``/``sortOrder`` report the model's order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, cast

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QUndoStack

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.domain.ids import PersonId, PlanId, PriorityAreaId
from qpmr_desktop.services.action_tracker import ActionTracker
from qpmr_desktop.services.read_models import ActionDetail, ActionRow
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.ui.action_commands import (
    ActionEditor,
    RecordActionUpdateCommand,
    UpdateActionCommand,
)
from qpmr_desktop.ui.chips import ACTION_RAG_COLOURS, action_rag_text
from qpmr_desktop.ui.formatting import short_date, short_datetime
from qpmr_desktop.ui.roles import ItemRole
from qpmr_desktop.ui.table_model import RIGHT, AnyIndex, Column, RowFilterProxy, RowTableModel

if TYPE_CHECKING:
    from qpmr_desktop.services.actions import ActionFilter

__all__ = [
    "COLUMNS",
    "EDITABLE_COLUMNS",
    "OVERRIDE_MARK",
    "SAMPLE_TOOLTIP",
    "ActionFilterProxy",
    "ActionFilters",
    "ActionRole",
    "ActionTableModel",
    "Choices",
    "action_haystack",
    "row_from_detail",
    "update_tooltip",
]

SAMPLE_TOOLTIP = "Sample data: not from a published source"
#: Beside a rating that an officer overrode (the reason is in the tooltip).
OVERRIDE_MARK = "*"
NO_AREA_TEXT = "No priority area"

_STATUS_ORDER = {
    ActionStatus.OFF_TRACK: 0,
    ActionStatus.AT_RISK: 1,
    ActionStatus.NOT_STARTED: 2,
    ActionStatus.ON_TRACK: 3,
    ActionStatus.COMPLETE: 4,
}
# Worst first; an overdue action sorts before every other red.
_RAG_ORDER = {
    ActionRag.RED: 1,
    ActionRag.AMBER: 2,
    ActionRag.GREY: 3,
    ActionRag.GREEN: 4,
    ActionRag.BLUE: 5,
}

_ITALIC = QFont()
_ITALIC.setItalic(True)
_ROOT = QModelIndex()


class ActionRole(IntEnum):
    """Roles every cell of an action's row answers beyond ``ItemRole`` (the same in each)."""

    CHOICES = ItemRole.KIND + 40  # {column key: Choices} for the combo-box editors
    GROUP = ItemRole.KIND + 41  # (plan id, area position): rows of one priority area
    PLAN_GROUP = ItemRole.KIND + 42  # plan id: rows of one plan
    EDIT = ItemRole.KIND + 43  # {column key: raw value} for the editors


@dataclass(frozen=True, slots=True)
class Choices:
    """What a combo-box editor offers: (label, value) pairs, and whether a new text may be typed."""

    items: tuple[tuple[str, object], ...]
    editable: bool = False


def _is_overdue(row: ActionRow) -> bool:
    return row.overdue and row.rag is not ActionRag.BLUE


def _rag_colour(row: ActionRow) -> QColor:
    rag = ActionRag.RED if _is_overdue(row) else row.rag
    return QColor(ACTION_RAG_COLOURS[rag])


def _rag_display(row: ActionRow) -> str:
    text = action_rag_text(row.rag, overdue=row.overdue)
    return f"{text} {OVERRIDE_MARK}" if row.rag_override is not None else text


def _due_tooltip(row: ActionRow) -> str | None:
    days = row.due_in_days
    if row.due_date is None:
        return "No due date"
    if row.status is ActionStatus.COMPLETE or days is None:
        return f"Due {short_date(row.due_date)}"
    if days < 0:
        return f"Overdue by {_days(-days)}: due {short_date(row.due_date)}"
    if days == 0:
        return f"Due today, {short_date(row.due_date)}"
    return f"Due in {_days(days)}, {short_date(row.due_date)}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count:,} days"


def update_tooltip(row: ActionRow) -> str | None:
    """The latest update as "12 Sep 2017 14:05, A. Smith:" and its text; None when none."""
    if not row.latest_update:
        return None
    when = short_datetime(row.latest_update_at) or "undated"
    who = row.latest_update_by or "unknown author"
    return f"{when}, {who}:\n{row.latest_update}"


def _due_key(row: ActionRow) -> tuple[bool, dt.date]:
    return (row.due_date is None, row.due_date or dt.date.max)


COLUMNS: tuple[Column[ActionRow], ...] = (
    Column(
        key="area",
        header="Priority area",
        display=lambda row: row.priority_area,
        sort_key=lambda row: (
            row.plan.casefold(),
            row.priority_area_position < 0,
            row.priority_area_position,
        ),
        tooltip=lambda row: row.priority_area or NO_AREA_TEXT,
        width=120,
    ),
    Column(
        key="ref",
        header="Ref",
        display=lambda row: row.ref,
        sort_key=lambda row: natural_key(row.ref),
        width=40,
    ),
    Column(
        key="description",
        header="Action",
        display=lambda row: " ".join(row.description.split()),
        sort_key=lambda row: row.description.casefold(),
        tooltip=lambda row: (
            f"{row.description}\n{SAMPLE_TOOLTIP}" if row.is_sample else row.description
        ),
        font=lambda row: _ITALIC if row.is_sample else None,
        width=200,
    ),
    Column(
        key="lead",
        header="Lead",
        display=lambda row: row.lead,
        sort_key=lambda row: row.lead.casefold(),
        width=110,
    ),
    Column(
        key="due",
        header="Due",
        display=lambda row: short_date(row.due_date),
        sort_key=_due_key,
        alignment=RIGHT,
        tooltip=_due_tooltip,
        width=95,
    ),
    Column(
        key="status",
        header="Status",
        display=lambda row: row.status.label,
        sort_key=lambda row: _STATUS_ORDER[row.status],
        width=82,
    ),
    Column(
        key="rag",
        header="RAG",
        display=_rag_display,
        sort_key=lambda row: 0 if _is_overdue(row) else _RAG_ORDER[row.rag],
        tooltip=lambda row: row.rag_reason,
        foreground=_rag_colour,
        header_tooltip=(
            "■ Complete, ● On track, ◆ At risk, ▲ Off track or Overdue, ○ Not started; "
            f"{OVERRIDE_MARK} overridden by an officer, with a reason"
        ),
        width=112,
    ),
    Column(
        key="progress",
        header="%",
        display=lambda row: f"{row.progress}%",
        sort_key=lambda row: row.progress,
        alignment=RIGHT,
        header_tooltip="Progress",
        width=45,
    ),
    Column(
        key="update",
        header="Latest update",
        display=lambda row: " ".join(row.latest_update.split()),
        sort_key=lambda row: (
            row.latest_update_at is None,
            row.latest_update_at or dt.datetime.max.replace(tzinfo=dt.UTC),
        ),
        tooltip=update_tooltip,
        stretch=True,
    ),
    Column(
        key="plan",
        header="Plan",
        display=lambda row: row.plan,
        sort_key=lambda row: row.plan.casefold(),
        tooltip=lambda row: row.plan,
        width=95,
    ),
)

#: The columns edited in place: status and progress become history entries, the rest field edits.
EDITABLE_COLUMNS: Final = frozenset({"description", "area", "lead", "due", "status", "progress"})


def action_haystack(row: ActionRow) -> str:
    """What the filter box searches: plan, area, ref, description, lead and status."""
    return "\n".join(
        (row.plan, row.priority_area, row.ref, row.description, row.lead, row.status.label)
    )


def row_from_detail(detail: ActionDetail, *, area_position: int) -> ActionRow:
    """The tracker row of an action read in full (after an edit): no need to re-read them all.

    ``area_position`` is the position of the action's priority area (-1 for none).
    """
    latest = detail.history[0] if detail.history else None
    return ActionRow(
        id=detail.id,
        plan_id=detail.plan_id,
        plan=detail.plan,
        priority_area=detail.priority_area,
        priority_area_position=area_position if detail.priority_area_id is not None else -1,
        ref=detail.ref,
        description=detail.description,
        lead=detail.lead,
        due_date=detail.due_date,
        status=detail.status,
        rag=detail.rag,
        overdue=detail.overdue,
        progress=detail.progress,
        latest_update="" if latest is None else latest.text,
        latest_update_at=None if latest is None else latest.at,
        latest_update_by="" if latest is None else latest.who,
        is_sample=detail.is_sample,
        version=detail.version,
        lead_id=detail.lead_id,
        priority_area_id=detail.priority_area_id,
        due_in_days=detail.due_in_days,
        rag_override=detail.rag_override,
        rag_override_reason=detail.rag_override_reason,
    )


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, QDate):
        day = value.toPython() if value.isValid() else None
        return day if isinstance(day, dt.date) else None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


_STATUS_CHOICES: Final = Choices(tuple((status.label, status.value) for status in ActionStatus))


class ActionTableModel(RowTableModel[ActionRow]):
    """The action tracker: ``ActionRow`` read models shown through ``COLUMNS``; see the module."""

    edit_refused = Signal(str)  # a sentence for the status line
    # Before every change of the rows, so that a proxy forgets what it derived from them
    # before it filters or sorts them again (it hears the change signals before its slots).
    rows_about_to_change = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, id_of=lambda row: row.id, parent=parent)
        self._editor: ActionEditor | None = None
        self._stack: QUndoStack | None = None
        self._areas: dict[PlanId, tuple[tuple[str, PriorityAreaId], ...]] = {}
        self._people: tuple[str, ...] = ()
        self._revision = 0
        # The rows, in the order shown (see ``sort_rows``); ``_rows`` is the same object.
        self._tracker = ActionTracker()
        self._rows = cast("list[ActionRow]", self._tracker)
        # The column and direction the rows are sorted by; None: the service's order,
        # which ``_service_rank`` keeps (each action's position in the rows last given).
        self._order: tuple[int, bool] | None = None
        self._service_rank: dict[int, int] = {}
        self._keys = tuple(column.key for column in COLUMNS)
        self._editable = frozenset(
            number for number, key in enumerate(self._keys) if key in EDITABLE_COLUMNS
        )
        # Row roles, not a data() override: the base answers painting without Python
        # data() calls per role only while data() is its own.
        self._row_roles[ActionRole.EDIT] = self._edit_values
        self._row_roles[ActionRole.CHOICES] = self._choices
        self._row_roles[ActionRole.GROUP] = lambda row: (row.plan_id, row.priority_area_position)
        self._row_roles[ActionRole.PLAN_GROUP] = lambda row: row.plan_id

    # ------------------------------------------------------------ our API

    def set_editing(self, editor: ActionEditor | None, undo_stack: QUndoStack | None) -> None:
        """Edit through ``editor`` and ``undo_stack`` from now on (None: read-only)."""
        self._editor = editor
        self._stack = undo_stack

    @property
    def is_editable(self) -> bool:
        return self._editor is not None and self._stack is not None and self._editor.has_workspace

    def set_choices(
        self,
        *,
        areas: Mapping[PlanId, Sequence[tuple[str, PriorityAreaId]]],
        people: Sequence[str],
    ) -> None:
        """What the area and lead editors offer: each plan's areas in order, the people list."""
        self._areas = {plan: tuple(items) for plan, items in areas.items()}
        self._people = tuple(people)

    def area_position(self, plan_id: int, area_id: int | None) -> int | None:
        """The position (1, 2, …) of a plan's area as last given by ``set_choices``; -1 for none."""
        if area_id is None:
            return -1
        for position, (_, ident) in enumerate(self._areas.get(PlanId(plan_id), ()), start=1):
            if ident == area_id:
                return position
        return None

    @property
    def revision(self) -> int:
        """A number that changes before the rows do (for what a proxy derives from them)."""
        return self._revision

    def set_rows(self, rows: Sequence[ActionRow]) -> None:
        """Replace every row (a reset); an ``ActionTracker`` is kept as it is, rows unmade."""
        tracker = rows if isinstance(rows, ActionTracker) else ActionTracker.of(rows)
        ids = tracker.ids()
        self._service_rank = dict(zip(ids, range(len(ids)), strict=True))
        if self._order is not None:
            order = self._sorted_positions(tracker)
            tracker.reorder(order)
            self._reset(tracker, [ids[number] for number in order])
        else:  # shown in the service's order: positions and ranks are the same
            self._reset(tracker, ids, self._service_rank)

    def _reset(
        self, tracker: ActionTracker, ids: Sequence[int], by_id: dict[int, int] | None = None
    ) -> None:
        """Show ``tracker`` (whose ids are ``ids``); ``by_id`` is their positions, when known."""
        self._changing()
        self.beginResetModel()
        self._tracker = tracker
        self._rows = cast("list[ActionRow]", tracker)
        # Both dicts are only ever replaced, never changed in place, so they may be one.
        self._row_by_id = (
            by_id if by_id is not None else dict(zip(ids, range(len(ids)), strict=True))
        )
        self.endResetModel()

    def rows(self) -> Sequence[ActionRow]:
        """Every row in the order shown (made into read models as they are read)."""
        return self._tracker

    def search_text(self, row: int) -> str:
        """What the filter box searches in row ``row``, case-folded (``action_haystack``)."""
        return self._tracker.search_text(row)

    def plan_rows(self, plan_id: int) -> list[ActionRow]:
        """The rows of one plan, in the service's order (plan, area, ref)."""
        tracker = self._tracker
        rows = [
            tracker[number] for number, plan in enumerate(tracker.plan_ids()) if plan == plan_id
        ]
        rank = self._service_rank
        rows.sort(key=lambda row: rank.get(row.id, len(rank)))
        return rows

    @property
    def sort_order(self) -> tuple[int, bool] | None:
        """(column, descending) the rows are sorted by, or None for the service's order."""
        return self._order

    def sort_rows(self, column: int | None, *, descending: bool = False) -> None:
        """Show the rows sorted by ``column``'s raw value (None: the service's order).

        One Python sort on each row's key, the result installed as a layout
        change: a ``QSortFilterProxyModel`` sort asks Python ``lessThan`` and
        ``index`` ~800,000 times for 20,000 rows (seconds, in
        tests/benchmarks/bench_actions.py). "No value" sorts after every value
        (before them all when descending), ties keep the service's order.
        """
        order = None if column is None or column < 0 else (column, descending)
        if order == self._order:
            return
        self._order = order
        self._apply_order()

    def update_row(self, row: ActionRow) -> bool:
        """Show ``row`` in place of the row with its id; False when there is none."""
        number = self.row_of_id(row.id)
        if number is None:
            return False
        old = self.row_at(number)
        if old != row:
            self._changing()
            self._rows[number] = row
            self.dataChanged.emit(
                self.index(number, 0), self.index(number, self.columnCount() - 1), []
            )
            if self._order is not None:
                getter = self._columns[self._order[0]].sort_key
                if getter(old) != getter(row):
                    self._apply_order()  # the edit moved the row in the sorted order
        return True

    def refresh_rows(self, rows: Sequence[ActionRow]) -> None:
        """Take a fresh tracker, signalling only the rows that differ (see the module).

        Falls back to a reset when rows changed places (an action moved area).
        """
        fresh = rows if isinstance(rows, ActionTracker) else ActionTracker.of(rows)
        new_ids = fresh.ids()
        self._service_rank = {ident: number for number, ident in enumerate(new_ids)}
        if self._order is not None:  # compared in the order shown
            order = self._sorted_positions(fresh)
            fresh.reorder(order)
            new_ids = [new_ids[number] for number in order]
        old_ids = self._tracker.ids()
        new_set = set(new_ids)
        for number in reversed(range(len(old_ids))):
            if old_ids[number] not in new_set:
                self._remove_row(number)
        kept = [ident for ident in old_ids if ident in new_set]
        kept_set = set(kept)
        if [ident for ident in new_ids if ident in kept_set] != kept:
            self._reset(fresh, new_ids)
            return
        for number, row in enumerate(fresh):
            if self.row_of_id(row.id) is None:
                self._insert_row(number, row)
            elif self.row_at(number) != row:
                self._changing()
                self._rows[number] = row
                self.dataChanged.emit(
                    self.index(number, 0), self.index(number, self.columnCount() - 1), []
                )

    # ------------------------------------------------------------ Qt overrides

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() in self._editable and self.is_editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.is_editable:
            return False
        key = self._keys[index.column()]
        if key not in EDITABLE_COLUMNS:
            return False
        row = self.row_at(index.row())
        if key in {"status", "progress"}:
            return self._record(row, key, value)
        return self._update(row, key, value)

    # ------------------------------------------------------------ internals

    @staticmethod
    def _edit_values(row: ActionRow) -> Mapping[str, object]:
        return MappingProxyType(
            {
                "description": row.description,
                "area": row.priority_area_id,
                "lead": row.lead,
                "due": row.due_date,
                "status": row.status.value,
                "progress": row.progress,
            }
        )

    def _editing(self) -> tuple[ActionEditor, QUndoStack]:
        editor, stack = self._editor, self._stack
        if editor is None or stack is None:  # setData checked is_editable first
            raise RuntimeError("The action table is read-only: set_editing was not called.")
        return editor, stack

    def _choices(self, row: ActionRow) -> Mapping[str, Choices]:
        areas = self._areas.get(row.plan_id, ())
        names = list(self._people)
        if row.lead and row.lead not in names:
            names.insert(0, row.lead)
        return MappingProxyType(
            {
                "area": Choices(((NO_AREA_TEXT, None), *((name, ident) for name, ident in areas))),
                "lead": Choices(tuple((name, name) for name in names), editable=True),
                "status": _STATUS_CHOICES,
            }
        )

    def _record(self, row: ActionRow, key: str, value: object) -> bool:
        editor, stack = self._editing()
        status: ActionStatus | None = None
        progress: int | None = None
        if key == "status":
            try:
                status = ActionStatus(str(value))
            except ValueError:
                self.edit_refused.emit(f"“{value}” is not a status.")
                return False
            if status is row.status:
                return False
        else:
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
                self.edit_refused.emit("Progress is a whole number from 0 to 100 (%).")
                return False
            if value == row.progress:
                return False
            progress = value
        stack.push(
            RecordActionUpdateCommand(
                editor,
                action_id=row.id,
                ref=row.ref,
                expected_version=row.version,
                status=status,
                progress=progress,
            )
        )
        return True

    def _update(self, row: ActionRow, key: str, value: object) -> bool:
        editor, stack = self._editing()
        changes: dict[str, object]
        if key == "description":
            text = str(value or "").strip()
            if not text:
                self.edit_refused.emit("Describe the action: the description cannot be empty.")
                return False
            if text == row.description:
                return False
            changes = {"description": text}
        elif key == "area":
            area = value if isinstance(value, int) and not isinstance(value, bool) else None
            if area == row.priority_area_id:
                return False
            changes = {"priority_area_id": area}
        elif key == "lead":
            name = " ".join(str(value or "").split())
            if name.casefold() == " ".join(row.lead.split()).casefold():
                return False
            changes = {"lead": name or None}
        else:
            due = _as_date(value)
            if due == row.due_date:
                return False
            changes = {"due_date": due}
        stack.push(
            UpdateActionCommand(
                editor,
                action_id=row.id,
                ref=row.ref,
                expected_version=row.version,
                changes=changes,
            )
        )
        return True

    def _changing(self) -> None:
        self._revision += 1
        self.rows_about_to_change.emit()

    def _remove_row(self, number: int) -> None:
        self._changing()
        self.beginRemoveRows(_ROOT, number, number)
        del self._rows[number]
        self._reindex()
        self.endRemoveRows()

    def _insert_row(self, number: int, row: ActionRow) -> None:
        self._changing()
        self.beginInsertRows(_ROOT, number, number)
        self._rows.insert(number, row)
        self._reindex()
        self.endInsertRows()

    def _reindex(self) -> None:
        # RowTableModel keeps the list and the id index; rebuild the index without a reset.
        ids = self._tracker.ids()
        self._row_by_id = dict(zip(ids, range(len(ids)), strict=True))

    def _sorted_positions(self, tracker: ActionTracker) -> list[int]:
        """The positions of ``tracker``'s rows in the order ``_order`` asks for."""
        rank = self._service_rank
        ids = tracker.ids()
        # The service's order first, so that equal keys keep it (the sort is stable).
        positions = sorted(range(len(ids)), key=lambda number: rank.get(ids[number], number))
        if self._order is None:
            return positions
        column, descending = self._order
        getter = self._columns[column].sort_key
        keys = [getter(tracker[number]) for number in range(len(tracker))]
        present = [number for number in positions if keys[number] is not None]
        missing = [number for number in positions if keys[number] is None]
        present.sort(key=keys.__getitem__, reverse=descending)
        return missing + present if descending else present + missing

    def _apply_order(self) -> None:
        """Put the rows in ``_order`` as a layout change, keeping persistent indexes."""
        tracker = self._tracker
        order = self._sorted_positions(tracker)
        if order == list(range(len(order))):
            return
        self._changing()
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = tracker.ids()
        moved = [(ids[index.row()], index.column()) for index in persistent]
        tracker.reorder(order)
        self._reindex()
        self.changePersistentIndexList(
            persistent,
            [self.index(self._row_by_id[ident], column) for ident, column in moved],
        )
        self.layoutChanged.emit()


# ------------------------------------------------------------------ filtering


@dataclass(frozen=True, slots=True)
class ActionFilters:
    """What the tracker is narrowed to; the default shows every action.

    Plans, areas and leads are named (not by id): the state is kept between
    runs, and ids belong to one database. ``plan`` None is every plan;
    ``area`` None every area (by name, in the chosen plan or in any);
    ``statuses``/``rags`` empty every one; ``lead`` None every lead; ``mine``
    keeps the actions led by the person's own name (a preference);
    ``due_weeks`` keeps unfinished actions due from the day judged on up to
    that many weeks ahead.
    """

    text: str = ""
    plan: str | None = None
    area: str | None = None
    statuses: frozenset[ActionStatus] = field(default_factory=frozenset)
    rags: frozenset[ActionRag] = field(default_factory=frozenset)
    lead: str | None = None
    mine: bool = False
    overdue: bool = False
    due_weeks: int | None = None

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.casefold().split())

    @property
    def is_default(self) -> bool:
        """True when nothing but (perhaps blank) text is set and no row can be hidden."""
        return replace(self, text="") == ActionFilters() and not self.words


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


# Stands for "a name no row has": an id no row has, so the filter hides every row
# (the control still shows the name, so the reason is never invisible).
_NOBODY: Final = -1


def service_filter(
    filters: ActionFilters, rows: Sequence[ActionRow], *, my_name: str
) -> ActionFilter:
    """``filters`` as the service's ``ActionFilter``, names turned into the ids ``rows`` carry."""
    from qpmr_desktop.services.actions import ActionFilter  # noqa: PLC0415 - loads SQLAlchemy

    plan_ids: set[PlanId] = set()
    area_ids: set[PriorityAreaId] = set()
    lead_ids: set[PersonId] = set()
    plan = filters.plan
    area = None if filters.area is None else _folded(filters.area)
    lead = None if filters.lead is None else _folded(filters.lead)
    for row in rows:
        if plan is not None and row.plan == plan:
            plan_ids.add(row.plan_id)
        if (
            area is not None
            and row.priority_area_id is not None
            and _folded(row.priority_area) == area
            and (plan is None or row.plan == plan)
        ):
            area_ids.add(row.priority_area_id)
        if lead is not None and row.lead_id is not None and _folded(row.lead) == lead:
            lead_ids.add(row.lead_id)
    return ActionFilter(
        plan_ids=frozenset(plan_ids or ({PlanId(_NOBODY)} if plan is not None else set())),
        priority_area_ids=frozenset(
            area_ids or ({PriorityAreaId(_NOBODY)} if area is not None else set())
        ),
        statuses=filters.statuses,
        rags=filters.rags,
        lead_ids=frozenset(lead_ids or ({PersonId(_NOBODY)} if lead is not None else set())),
        # "My actions" with no name known matches nobody rather than everybody.
        lead_name=(my_name.strip() or "\u0000") if filters.mine else "",
        overdue_only=filters.overdue,
        due_within_days=None if filters.due_weeks is None else filters.due_weeks * 7,
    )


class ActionFilterProxy(RowFilterProxy[ActionRow]):
    """Narrows the tracker by ``ActionFilters`` (see the module); sorts by raw values."""

    def __init__(self, source: ActionTableModel, parent: QObject | None = None) -> None:
        super().__init__(source, haystack=action_haystack, parent=parent)
        self._source = source
        self._filters = ActionFilters()
        self._narrowed = False  # a filter beyond the words is set (asked once, not per row)
        self._my_name = ""
        self._matcher: ActionFilter | None = None
        # Names are matched to the ids the rows carry: new rows, new ids.
        source.rows_about_to_change.connect(self._on_source_rows_about_to_change)

    @property
    def filters(self) -> ActionFilters:
        return self._filters

    @property
    def my_name(self) -> str:
        return self._my_name

    def set_filters(self, filters: ActionFilters) -> None:
        """Apply ``filters`` (words included); nothing happens when they are the same."""
        if filters == self._filters and filters.words == self._words:
            return
        self.beginFilterChange()
        self._filters = filters
        self._words = filters.words
        self._narrowed = not replace(filters, text="").is_default
        self._matcher = None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_filter_text(self, text: str) -> None:
        self.set_filters(replace(self._filters, text=text))

    def set_my_name(self, name: str) -> None:
        """The name "my actions" matches (the person's preference)."""
        if name == self._my_name:
            return
        self.beginFilterChange()
        self._my_name = name
        self._matcher = None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: ARG002
        source = self._source
        if self._narrowed:
            matcher = self._matcher
            if matcher is None:
                matcher = service_filter(self._filters, source.rows(), my_name=self._my_name)
                self._matcher = matcher
            if not matcher.matches(source.row_at(source_row)):
                return False
        if not self._words:
            return True
        # The model's case-folded text, made once per row: no read model made for it.
        text = source.search_text(source_row)
        return all(word in text for word in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The model sorts its rows (see ActionTableModel.sort_rows) and this proxy keeps
        # their order: sorting here would cost Python calls per comparison.
        self._source.sort_rows(column, descending=order == Qt.SortOrder.DescendingOrder)

    def sortColumn(self) -> int:
        """The column the rows are sorted by (the model's), -1 for the service's order."""
        order = self._source.sort_order
        return -1 if order is None else order[0]

    def sortOrder(self) -> Qt.SortOrder:
        order = self._source.sort_order
        if order is not None and order[1]:
            return Qt.SortOrder.DescendingOrder
        return Qt.SortOrder.AscendingOrder

    def _on_source_rows_about_to_change(self) -> None:
        self._matcher = None
