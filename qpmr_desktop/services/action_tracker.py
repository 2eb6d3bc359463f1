"""The action tracker's rows, made into read models only when asked for.

Contract: ``ActionTracker`` is a mutable sequence of ``ActionRow`` built from
records -- by default tuples of an ``ActionRow``'s fields in their declared
order; ``services.actions.read_action_tracker`` gives its query's rows with
the functions that make one into a read model and into its search text (a
``make`` for other records needs its ``text``), and where the action and plan
ids are -- or from rows already made
(``ActionTracker.of``). Indexing makes the row of a record once and keeps
it; a row put in by ``tracker[n] = row`` or ``insert`` is kept as given, and
``del`` removes a position. ``ids``, ``plan_ids`` and ``search_text`` answer
from the records without making rows; ``search_text`` (the module function)
is the text the tab's filter box searches, whichever way it is made.
``choices`` is what the tab's filters and editors offer (``TrackerChoices``:
plans, areas, people and who leads an action), when the tracker was read with
them (None otherwise); it stays as given whatever is done to the rows. No
SQLAlchemy here: the Qt model holds a tracker, and the UI imports the
database layers only after its first paint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableSequence, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, cast, overload

from qpmr_desktop.domain.actions import ActionStatus
from qpmr_desktop.domain.ids import ActionId, PersonId, PlanId, PriorityAreaId
from qpmr_desktop.services.read_models import ActionRow

__all__ = [
    "ActionTracker",
    "AreaChoice",
    "PersonChoice",
    "PlanChoice",
    "Record",
    "TrackerChoices",
    "search_text",
]

#: One action as its source gives it (a tuple, or a database row).
Record = Sequence[Any]

_FIELDS = ActionRow.__slots__


@dataclass(frozen=True, slots=True)
class PlanChoice:
    id: PlanId
    name: str


@dataclass(frozen=True, slots=True)
class AreaChoice:
    id: PriorityAreaId
    plan_id: PlanId
    name: str
    position: int


@dataclass(frozen=True, slots=True)
class PersonChoice:
    id: PersonId
    name: str


@dataclass(frozen=True, slots=True)
class TrackerChoices:
    """What the Actions tab's filters and editors offer, read with the tracker.

    ``plans`` by name (ignoring capitals, then id); ``areas`` by plan in that
    order, then position; ``people`` by name (ignoring capitals and spacing,
    then id); ``lead_ids`` the people who lead at least one action. (Names and
    orders only: the counts of ``list_plans`` and ``list_people`` each cost a
    pass over every action.)
    """

    plans: tuple[PlanChoice, ...] = ()
    areas: tuple[AreaChoice, ...] = ()
    people: tuple[PersonChoice, ...] = ()
    lead_ids: frozenset[PersonId] = frozenset()


def _label(status: ActionStatus | str) -> str:
    label = _LABELS.get(status)
    if label is None:
        label = _LABELS[status] = ActionStatus(status).label
    return label


_LABELS: dict[object, str] = {}


def search_text(
    *,
    plan: str,
    area: str | None,
    ref: str,
    description: str,
    lead: str | None,
    status: ActionStatus | str,
) -> str:
    """What the tab's filter box searches, one line each, case-folded.

    ``status`` is an ``ActionStatus`` or its value; None is "" for area and lead.
    """
    return "\n".join((plan, area or "", ref, description, lead or "", _label(status))).casefold()


def _row_text(row: ActionRow) -> str:
    return search_text(
        plan=row.plan,
        area=row.priority_area,
        ref=row.ref,
        description=row.description,
        lead=row.lead,
        status=row.status,
    )


def _row_of(record: Record) -> ActionRow:
    return ActionRow(*record)


_PLAN, _AREA, _REF, _DESCRIPTION, _LEAD, _STATUS = (
    _FIELDS.index(name)
    for name in ("plan", "priority_area", "ref", "description", "lead", "status")
)


def _record_text(record: Record) -> str:
    """The search text of a record of ``ActionRow``'s own fields, in order."""
    return search_text(
        plan=record[_PLAN],
        area=record[_AREA],
        ref=record[_REF],
        description=record[_DESCRIPTION],
        lead=record[_LEAD],
        status=record[_STATUS],
    )


class ActionTracker(MutableSequence[ActionRow]):
    """The tracker's rows in order, each made into an ``ActionRow`` when first asked for.

    Opening the tracker reads every action, but a screen shows a few dozen:
    making 20,000 frozen read models took longer than Qt takes to read and show
    the same rows (tests/benchmarks/bench_actions.py). Rows are made on first
    access and kept; rows put in (``tracker[n] = row``, ``insert``) are kept
    as given. ``ids``, ``plan_ids`` and ``search_text`` answer from the
    records without making rows.
    """

    def __init__(
        self,
        records: Iterable[Record] = (),
        *,
        make: Callable[[Record], ActionRow] = _row_of,
        text: Callable[[Record], str] | None = None,
        id_at: int = _FIELDS.index("id"),
        plan_id_at: int = _FIELDS.index("plan_id"),
        choices: TrackerChoices | None = None,
    ) -> None:
        self.choices = choices
        self._make = make
        # Without ``text`` the records are ActionRow's fields (the default ``make``).
        self._text = text if text is not None else _record_text
        self._id_at = id_at
        self._plan_id_at = plan_id_at
        self._records: list[Record | None] = list(records)
        self._made: list[ActionRow | None] = [None] * len(self._records)
        self._texts: list[str | None] = [None] * len(self._records)

    @classmethod
    def of(cls, rows: Iterable[ActionRow]) -> ActionTracker:
        """A tracker of rows already made (in the order given)."""
        tracker = cls()
        tracker._made = list(rows)
        tracker._records = [None] * len(tracker._made)
        tracker._texts = [None] * len(tracker._made)
        return tracker

    def __len__(self) -> int:
        return len(self._made)

    @overload
    def __getitem__(self, index: int) -> ActionRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[ActionRow]: ...
    def __getitem__(self, index: int | slice) -> ActionRow | list[ActionRow]:
        if isinstance(index, slice):
            return [self[number] for number in range(*index.indices(len(self)))]
        row = self._made[index]
        if row is None:
            record = self._records[index]
            assert record is not None  # every position holds a made row or a record
            row = self._made[index] = self._make(record)
        return row

    @overload
    def __setitem__(self, index: int, value: ActionRow) -> None: ...
    @overload
    def __setitem__(self, index: slice, value: Iterable[ActionRow]) -> None: ...
    def __setitem__(self, index: int | slice, value: ActionRow | Iterable[ActionRow]) -> None:
        if isinstance(index, slice) or not isinstance(value, ActionRow):
            raise TypeError("An ActionTracker replaces one row at a time.")
        self._made[index] = value
        self._records[index] = None
        self._texts[index] = None

    def __delitem__(self, index: int | slice) -> None:
        del self._made[index]
        del self._records[index]
        del self._texts[index]

    def insert(self, index: int, value: ActionRow) -> None:
        self._made.insert(index, value)
        self._records.insert(index, None)
        self._texts.insert(index, None)

    def ids(self) -> list[ActionId]:
        """Every row's action id, in order."""
        return self._column(self._id_at, "id")

    def plan_ids(self) -> list[PlanId]:
        """Every row's plan id, in order."""
        return self._column(self._plan_id_at, "plan_id")

    def search_text(self, index: int) -> str:
        """Row ``index``'s plan, area, ref, description, lead and status, case-folded.

        What the tab's filter box searches (one line each), made once per row.
        """
        text = self._texts[index]
        if text is None:
            record = self._records[index]
            text = _row_text(self[index]) if record is None else self._text(record)
            self._texts[index] = text
        return text

    def _column(self, position: int, name: str) -> list[Any]:
        try:
            # Every position still holds its record (as when just read): at C speed.
            return list(map(itemgetter(position), cast("list[Record]", self._records)))
        except TypeError:  # a row put in holds no record (None)
            return [
                getattr(row, name) if record is None else record[position]
                for record, row in zip(self._records, self._made, strict=True)
            ]

    def reorder(self, order: Sequence[int]) -> None:
        """Put the rows in ``order``: the positions they now have, in their new order."""
        if sorted(order) != list(range(len(self))):
            raise ValueError("An order must name every position once.")
        self._records = [self._records[number] for number in order]
        self._made = [self._made[number] for number in order]
        self._texts = [self._texts[number] for number in order]
