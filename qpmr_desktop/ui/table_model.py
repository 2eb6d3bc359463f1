"""A flat table model over a list of read models, described by column descriptors.

Contract:
- ``RowTableModel[RowT]`` holds a list of frozen read models (never ORM objects)
  and a tuple of ``Column`` descriptors. ``data``, ``headerData`` and ``flags``
  are lookups in those descriptors, not ``if`` chains; an unknown role or an
  invalid index gives ``None``.
- Every column answers ``ItemRole.SORT`` with a raw, Python-comparable value;
  every row answers ``ItemRole.ID`` (its typed id) and ``ItemRole.ROW`` (the
  read model itself).
- ``set_rows`` is a full reload (``beginResetModel``); rows are found again by
  id with ``row_of_id``, never by a remembered row number.
- The model stays in the order it was given: sorting and filtering belong to a
  ``RowFilterProxy``, which reads row data directly (not through ``data()``),
  because that is ~30x faster on large tables (see MACHINE-NOTES).
- Painting asks every visible cell for seven roles. ``RowTableModel`` answers
  them from a table of getters by role and column, built once from the
  descriptors, and answers ``multiData`` (all of a cell's roles in one call);
  ``RowFilterProxy`` passes ``multiData`` straight to it. Without that a
  repaint of the scorecard made ~1,700 Python ``data()`` calls, each a trip
  through the C++ proxy, and cost 29.5 ms against Qt's own 5.3 ms in
  ``tests/benchmarks/bench_indicators.py``. A subclass that overrides
  ``data()`` still has it asked for every role.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from qpmr_desktop.ui.roles import ItemRole

RowT = TypeVar("RowT")

AnyIndex = QModelIndex | QPersistentModelIndex
RoleDataSpan = QModelRoleDataSpan | QModelRoleData
_ALIGNMENT_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
_NO_PARENT = QModelIndex()

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True, slots=True)
class Column(Generic[RowT]):
    """How one column shows, explains and sorts a row.

    ``key`` names the column for code and tests (headers may be reworded);
    ``display`` gives the cell text; ``sort_key`` the raw value to sort by;
    the optional getters answer ``ToolTipRole``, ``ForegroundRole`` (a chip
    colour) and ``FontRole``. ``width`` is the initial width in pixels, or 0
    to size the column to its contents.
    """

    key: str
    header: str
    display: Callable[[RowT], str]
    sort_key: Callable[[RowT], Any]
    alignment: Qt.AlignmentFlag = LEFT
    tooltip: Callable[[RowT], str | None] | None = None
    foreground: Callable[[RowT], QColor | None] | None = None
    font: Callable[[RowT], QFont | None] | None = None
    header_tooltip: str | None = None
    width: int = 0
    stretch: bool = False
    roles: dict[int, Callable[[RowT], Any]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        alignment = self.alignment
        # Keyed by plain int: the role Qt passes is one.
        roles: dict[int, Callable[[RowT], Any]] = {
            int(Qt.ItemDataRole.DisplayRole): self.display,
            int(Qt.ItemDataRole.TextAlignmentRole): lambda _row: alignment,
            int(ItemRole.SORT): self.sort_key,
        }
        if self.tooltip is not None:
            roles[int(Qt.ItemDataRole.ToolTipRole)] = self.tooltip
        foreground = self.foreground
        if foreground is not None:
            roles[int(Qt.ItemDataRole.ForegroundRole)] = foreground
            display = self.display
            # What ChipDelegate paints a chip from, in one ask (see ui.roles).
            roles[int(ItemRole.CHIP)] = lambda row: (display(row), foreground(row))
        if self.font is not None:
            roles[int(Qt.ItemDataRole.FontRole)] = self.font
        object.__setattr__(self, "roles", roles)


# What a role table holds: for each role, the getter of each column (None
# where the column does not answer it).
_Getters = dict[int, list[Callable[[Any], Any] | None]]


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """A table of ``RowT`` read models; see the module contract."""

    def __init__(
        self,
        columns: Sequence[Column[RowT]],
        *,
        id_of: Callable[[RowT], int],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._id_of = id_of
        self._rows: list[RowT] = []
        self._row_by_id: dict[int, int] = {}
        self._row_roles: dict[int, Callable[[RowT], Any]] = {
            ItemRole.ID: id_of,
            ItemRole.ROW: lambda row: row,
        }
        # Column roles only: row roles stay in ``_row_roles``, which a
        # subclass may extend after this constructor.
        self._getters: _Getters = {}
        for number, column in enumerate(self._columns):
            for role, getter in column.roles.items():
                self._getters.setdefault(role, [None] * len(self._columns))[number] = getter
        # multiData may read the table directly unless a subclass answers
        # roles of its own in data().
        self._data_overridden = type(self).data is not RowTableModel.data
        # Painting gets each column's alignment as the int Qt keeps it in:
        # converting the Python flag for every cell cost 1.5 ms of an 18 ms repaint.
        self._paint_alignments: list[int | None] = [
            column.alignment.value for column in self._columns
        ]

    # ------------------------------------------------------------ our API

    @property
    def columns(self) -> tuple[Column[RowT], ...]:
        return self._columns

    def column_of(self, key: str) -> int:
        """The column number of the column called ``key``; ``KeyError`` if there is none."""
        for number, column in enumerate(self._columns):
            if column.key == key:
                return number
        raise KeyError(key)

    def set_rows(self, rows: Sequence[RowT]) -> None:
        """Replace every row: a full reload, so views and proxies reset."""
        self.beginResetModel()
        self._rows = list(rows)
        self._row_by_id = {self._id_of(row): number for number, row in enumerate(self._rows)}
        self.endResetModel()

    def rows(self) -> Sequence[RowT]:
        return tuple(self._rows)

    def id_of(self, row: RowT) -> int:
        """The id of a read model of this table."""
        return self._id_of(row)

    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def row_of_id(self, ident: int) -> int | None:
        """The current row number of the row with id ``ident``, or None."""
        return self._row_by_id.get(ident)

    def _set_getter(self, column: int, role: int, getter: Callable[[RowT], Any]) -> None:
        """Make ``column`` answer ``role`` with ``getter`` (for a getter that needs the model)."""
        self._getters.setdefault(int(role), [None] * len(self._columns))[column] = getter
        if role == Qt.ItemDataRole.TextAlignmentRole:
            self._paint_alignments[column] = None

    # ------------------------------------------------------------ Qt overrides

    # flags() is QAbstractTableModel's own (selectable, enabled, no children):
    # a Python override was asked for every painted cell and said the same.

    def rowCount(self, parent: AnyIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def index(self, row: int, column: int, parent: AnyIndex = _NO_PARENT) -> QModelIndex:
        # QAbstractTableModel's, in one call: the C++ one calls rowCount() and
        # columnCount() here, and a proxy maps every painted cell through it.
        if 0 <= row < self.rowCount(parent) and 0 <= column < self.columnCount(parent):
            return self.createIndex(row, column)
        return QModelIndex()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every painted cell: the cheap answers first.
        row = index.row()
        column = index.column()
        if row < 0 or column < 0:  # an invalid index (isValid() costs a call)
            return None
        getters = self._getters.get(role)
        getter = None if getters is None else getters[column]
        if getter is None:
            getter = self._row_roles.get(role)
            if getter is None:
                return None
        return getter(self._rows[row])

    def multiData(self, index: AnyIndex, roleDataSpan: RoleDataSpan) -> None:  # noqa: N803 - Qt's name
        """Every role the span asks for, in one call (what views ask when they paint)."""
        items = _role_items(roleDataSpan)
        count = len(items)
        if self._data_overridden:
            for number in range(count):
                item = items[number]
                value = self.data(index, item.role())
                if value is None:
                    item.clearData()
                else:
                    item.setData(value)
            return
        row_number = index.row()
        column = index.column()
        if row_number < 0 or column < 0:
            for number in range(count):
                items[number].clearData()
            return
        row = self._rows[row_number]
        getters = self._getters
        alignment = self._paint_alignments[column]
        for number in range(count):
            item = items[number]
            role = item.role()
            if role == _ALIGNMENT_ROLE and alignment is not None:
                item.setData(alignment)
                continue
            by_column = getters.get(role)
            getter = None if by_column is None else by_column[column]
            if getter is None:
                getter = self._row_roles.get(role)
            value = None if getter is None else getter(row)
            if value is None:
                item.clearData()
            else:
                item.setData(value)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        return None


def _role_items(span: RoleDataSpan) -> Sequence[QModelRoleData]:
    """The span's items by position (PySide's span has len() and [], not a type saying so)."""
    # ``type() is``: isinstance on a PySide type costs ten times as much, per cell.
    if type(span) is QModelRoleDataSpan:
        return cast("Sequence[QModelRoleData]", span)
    return (cast("QModelRoleData", span),)


class RowFilterProxy(QSortFilterProxyModel, Generic[RowT]):
    """Filters a ``RowTableModel`` by words in each row's text; sorts by ``ItemRole.SORT``.

    ``haystack`` gives the text a row is searched in. Every word typed must
    occur in it, case-insensitively, in any order. Sorting compares the raw
    sort values in Python, so dates sort as dates and "1.10" after "1.9".
    """

    def __init__(
        self,
        source: RowTableModel[RowT],
        *,
        haystack: Callable[[RowT], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._rows_model = source
        self._haystack = haystack
        self._words: tuple[str, ...] = ()
        self._data_overridden = type(self).data is not QSortFilterProxyModel.data
        self.setSortRole(ItemRole.SORT)
        self.setSourceModel(source)

    @property
    def filter_text(self) -> str:
        return " ".join(self._words)

    def set_filter_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words == self._words:
            return
        self.beginFilterChange()
        self._words = words
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: ARG002
        if not self._words:
            return True
        text = self._haystack(self._rows_model.row_at(source_row)).casefold()
        return all(word in text for word in self._words)

    def multiData(self, index: AnyIndex, roleDataSpan: RoleDataSpan) -> None:  # noqa: N803 - Qt's name
        # QSortFilterProxyModel would ask the source's data() once per role,
        # each through C++; the source answers the whole span in one call.
        if self._data_overridden:
            super().multiData(index, roleDataSpan)
            return
        self._rows_model.multiData(self.mapToSource(index), roleDataSpan)

    def lessThan(self, source_left: AnyIndex, source_right: AnyIndex) -> bool:
        # Ask the Python model directly: through QModelIndex.data() the value
        # would cross a QVariant and come back as a QDate or a list.
        role = self.sortRole()
        left = self._rows_model.data(source_left, role)
        right = self._rows_model.data(source_right, role)
        # None (no date, no value) sorts after every real value.
        if left is None or right is None:
            return left is not None and right is None
        return bool(left < right)
