"""The values grid: one row per period of the selected indicator, editable, and a row to add one.

Contract:

- ``IndicatorValuesModel`` shows ``IndicatorDetail.values`` (oldest first)
  through the ``VALUE_COLUMNS`` descriptors, then one more row for the quarter
  after the latest ("Q2 2017/18 · new"): typing a figure there adds that
  period. Its period cell can be retyped ("Q3 2016/17") to add a missing
  earlier quarter instead; nothing is written until a figure is.
- Figures display as the service formatted them ("1,875", "62.5%", "£1.2m"),
  a rate without its "per 10,000", which the Value header says once
  ("Value (per 10,000)"); they edit in full (``value_delegates.edit_text``). The
  target column shows the effective target; one that comes from the year's
  targets is in italics with a tooltip saying so, and editing the cell sets the
  quarter's own target (empty: back to the year's). RAG ("▲ Red", chip colour
  as ``ForegroundRole``, reason as tooltip) and direction are derived and
  read-only.
- ``setData`` never writes the database: it parses what was typed, checks it
  with ``validate_value_changes``, and pushes a ``SetValueCommand`` on the undo
  stack. Text that is not a figure, or a change the service would refuse,
  returns False and emits ``edit_refused`` with the reason; the old value stays.
  Warnings are emitted as ``edit_warned`` and the change is made.
- ``paste_text`` writes a tab-separated block (rows by lines, as a spreadsheet
  copies it) from a top-left cell: every cell is parsed and every row checked
  first, and either the whole block becomes one undo step (a macro of one
  ``SetValueCommand`` per period) or nothing is written and ``edit_refused``
  says which cell was wrong. Rows beyond the last add the following quarters.
  ``clear_cells`` empties the editable cells given, the same way.
  ``copy_text`` gives the selected cells as tab-separated text.
- ``set_detail`` takes a fresh detail after an edit and signals only what
  differs (``dataChanged`` for changed periods, inserts and removals for added
  and deleted ones); a different indicator is a reset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QUndoStack

from qpmr_desktop.domain.periods import PeriodError, Quarter
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.domain.value_parsing import ValueParseError, parse_status
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.read_models import (
    FieldProblem,
    IndicatorDetail,
    IndicatorValueRow,
    Severity,
)
from qpmr_desktop.ui.chips import GREY, RAG_COLOURS, rag_text
from qpmr_desktop.ui.indicator_commands import IndicatorEditor, SetValueCommand
from qpmr_desktop.ui.roles import ItemRole
from qpmr_desktop.ui.value_delegates import ValuesRole, edit_text, parse_figure, status_text

__all__ = ["VALUE_COLUMNS", "CellKind", "IndicatorValuesModel", "ValueColumn", "today_quarter"]

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter
_BASE_FLAGS = (
    Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
)
_ITALIC = QFont()
_ITALIC.setItalic(True)
_MUTED = QColor(GREY)
SAMPLE_NOTE = "Sample data: not from a published source"


class CellKind(Enum):
    PERIOD = "period"  # read-only, except on the new row
    FIGURE = "figure"  # a number in the indicator's unit (numerator/denominator: a count)
    FLAG = "flag"  # a check box
    STATUS = "status"  # a GSS symbol
    TEXT = "text"  # commentary
    DERIVED = "derived"  # computed by the service: never edited


_ALIGNMENTS: Final = {
    CellKind.PERIOD: _LEFT,
    CellKind.FIGURE: _RIGHT,
    CellKind.FLAG: _CENTRE,
    CellKind.STATUS: _LEFT,
    CellKind.TEXT: _LEFT,
    CellKind.DERIVED: _LEFT,
}


@dataclass(frozen=True, slots=True)
class ValueColumn:
    """One column of the grid: what it shows and which service field it edits (if any)."""

    key: str
    header: str
    kind: CellKind
    field: str | None = None  # the ``set_indicator_value`` field; None when read-only
    header_tooltip: str = ""
    width: int = 0
    counts: bool = False  # a plain count whatever the indicator's unit (numerator, denominator)


VALUE_COLUMNS: Final[tuple[ValueColumn, ...]] = (
    ValueColumn("period", "Period", CellKind.PERIOD, width=116),
    ValueColumn("value", "Value", CellKind.FIGURE, "value", "The figure for the quarter", 82),
    ValueColumn(
        "target",
        "Target",
        CellKind.FIGURE,
        "target",
        "The target that applies: the quarter's own, or (in italics) the year's",
        70,
    ),
    ValueColumn("rag", "RAG", CellKind.DERIVED, None, "Judged against the target, never typed", 88),
    ValueColumn(
        "direction",
        "Direction",
        CellKind.DERIVED,
        None,
        "Against the previous quarter (tooltip: and the same quarter last year)",
        84,
    ),
    ValueColumn("england", "England", CellKind.FIGURE, "england", "The England figure", 70),
    ValueColumn("region", "Region", CellKind.FIGURE, "region", "The regional figure", 70),
    ValueColumn(
        "statistical_neighbours",
        "Stat. neighbours",
        CellKind.FIGURE,
        "statistical_neighbours",
        "The statistical neighbours' average",
        70,
    ),
    ValueColumn(
        "numerator", "Numerator", CellKind.FIGURE, "numerator", "n: what was counted", 76, True
    ),
    ValueColumn(
        "denominator",
        "Denominator",
        CellKind.FIGURE,
        "denominator",
        "Out of how many",
        84,
        True,
    ),
    ValueColumn(
        "provisional",
        "Prov.",
        CellKind.FLAG,
        "provisional",
        "Provisional: the figure may be revised",
        44,
    ),
    ValueColumn(
        "status",
        "Status",
        CellKind.STATUS,
        "status_symbol",
        "Data status (GSS): x not available, c suppressed, z not applicable, low rounds to "
        "zero, u low reliability, p provisional, r revised, b break in series, e estimated",
        110,
    ),
    ValueColumn(
        "commentary",
        "Commentary",
        CellKind.TEXT,
        "commentary",
        "What happened, why, what is being done",
        200,
    ),
)

_NUMBER_NAMES: Final = {
    "value": "Value",
    "target": "Target",
    "england": "England",
    "region": "Region",
    "statistical_neighbours": "Statistical neighbours",
    "numerator": "Numerator",
    "denominator": "Denominator",
}


def today_quarter() -> Quarter:
    """The quarter now: where a new indicator's first row starts."""
    return Quarter.containing(dt.datetime.now(tz=dt.UTC).date())


@dataclass(frozen=True, slots=True)
class _Row:
    """One grid row: a stored period, or the new row (``stored`` None)."""

    period: Quarter
    stored: IndicatorValueRow | None


class _RefusedError(ValueError):
    """A cell or row that cannot be written; the message is for a person."""


class IndicatorValuesModel(QAbstractTableModel):
    """The selected indicator's periods; see the module contract."""

    edit_refused = Signal(str)  # why nothing was written
    edit_warned = Signal(str)  # written, but worth a second look

    def __init__(
        self,
        editor: IndicatorEditor,
        undo_stack: QUndoStack,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._editor = editor
        self._stack = undo_stack
        self._detail: IndicatorDetail | None = None
        self._rows: list[_Row] = []
        self._new_period: Quarter | None = None
        self._columns = VALUE_COLUMNS
        self._getters: dict[str, Callable[[_Row, IndicatorDetail], str]] = {
            "period": _period_text,
            "value": lambda row, d: _figure(row.stored.value_text if row.stored else "", d),
            "target": lambda row, d: _figure(row.stored.target_text if row.stored else "", d),
            "rag": _rag_text,
            "direction": _direction_text,
            "england": lambda row, d: _figure(row.stored.england_text if row.stored else "", d),
            "region": lambda row, d: _figure(row.stored.region_text if row.stored else "", d),
            "statistical_neighbours": lambda row, d: _figure(
                row.stored.statistical_neighbours_text if row.stored else "", d
            ),
            "numerator": lambda row, _d: _count_text(row, "numerator"),
            "denominator": lambda row, _d: _count_text(row, "denominator"),
            "provisional": lambda _row, _d: "",
            "status": lambda row, _d: status_text(row.stored.status_symbol) if row.stored else "",
            "commentary": lambda row, _d: (
                " ".join(row.stored.commentary.split()) if row.stored else ""
            ),
        }

        self._role_getters: dict[int, Callable[[ValueColumn, _Row, IndicatorDetail], Any]] = {
            Qt.ItemDataRole.DisplayRole: lambda c, r, d: self._getters[c.key](r, d),
            Qt.ItemDataRole.EditRole: _edit_value,
            Qt.ItemDataRole.TextAlignmentRole: lambda c, _r, _d: _ALIGNMENTS[c.kind],
            Qt.ItemDataRole.CheckStateRole: _check_state_of,
            Qt.ItemDataRole.ToolTipRole: _tooltip,
            Qt.ItemDataRole.ForegroundRole: _foreground,
            Qt.ItemDataRole.FontRole: _font,
            ValuesRole.UNIT: lambda c, _r, d: Unit.COUNT if c.counts else d.unit,
            ValuesRole.FIELD: lambda c, _r, _d: c.field,
            ItemRole.ID: lambda _c, r, _d: None if r.stored is None else r.stored.id,
            ItemRole.SORT: lambda _c, r, _d: (r.period.year, r.period.quarter),
        }

    # ------------------------------------------------------------ our API

    @property
    def detail(self) -> IndicatorDetail | None:
        return self._detail

    @property
    def columns(self) -> tuple[ValueColumn, ...]:
        return self._columns

    def column_of(self, key: str) -> int:
        for number, column in enumerate(self._columns):
            if column.key == key:
                return number
        raise KeyError(key)

    def row_of_period(self, period: Quarter) -> int | None:
        for number, row in enumerate(self._rows):
            if row.period == period:
                return number
        return None

    def period_at(self, row: int) -> Quarter:
        return self._rows[row].period

    def value_row_at(self, row: int) -> IndicatorValueRow | None:
        """The stored period at grid row ``row``; None for the new row."""
        return self._rows[row].stored

    def is_new_row(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row].stored is None

    def set_detail(self, detail: IndicatorDetail | None) -> None:
        """Show ``detail``; the same indicator again signals only what differs."""
        old = self._detail
        if detail is None or old is None or detail.id != old.id:
            self.beginResetModel()
            self._detail = detail
            self._new_period = None
            self._rows = self._build_rows(detail)
            self.endResetModel()
            return
        self._detail = detail
        self._update_rows(self._build_rows(detail))

    def commit_commentary(self, period: Quarter, text: str) -> bool:
        """Make ``text`` the commentary of ``period`` (an undoable edit); False if refused."""
        number = self.row_of_period(period)
        if number is None:
            return False
        return self.setData(self.index(number, self.column_of("commentary")), text)

    def paste_text(self, top_left: QModelIndex, text: str) -> bool:
        """Write a tab-separated block from ``top_left`` as one undo step (see the module)."""
        detail = self._detail
        if detail is None or not top_left.isValid():
            return False
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # spreadsheets end a copied block with a newline
        if not lines:
            return False
        cells: dict[Quarter, dict[str, object]] = {}
        periods = self._periods_from(top_left.row(), len(lines))
        try:
            for line_number, (period, line) in enumerate(zip(periods, lines, strict=True)):
                for offset, cell_text in enumerate(line.split("\t")):
                    column_number = top_left.column() + offset
                    if column_number >= len(self._columns):
                        break
                    column = self._columns[column_number]
                    if column.field is None:
                        continue  # period, RAG, direction: computed, never pasted over
                    where = f"Row {line_number + 1}, {column.header}"
                    changes = cells.setdefault(period, {})
                    changes.update(self._parse_cell(column, cell_text, detail.unit, where))
        except _RefusedError as refusal:
            self.edit_refused.emit(f"{refusal} Nothing was pasted.")
            return False
        count = sum(len(changes) for changes in cells.values())
        return self._push_rows(cells, f"Paste {count} cells into {detail.ref}")

    def clear_cells(self, indexes: Iterable[QModelIndex]) -> bool:
        """Empty the editable cells among ``indexes`` as one undo step."""
        detail = self._detail
        if detail is None:
            return False
        cells: dict[Quarter, dict[str, object]] = {}
        for index in indexes:
            column = self._columns[index.column()]
            row = self._rows[index.row()]
            if column.field is None or row.stored is None:
                continue
            cells.setdefault(row.period, {}).update(
                self._parse_cell(column, "", detail.unit, column.header)
            )
        if not cells:
            return False
        count = sum(len(changes) for changes in cells.values())
        return self._push_rows(cells, f"Clear {count} cells of {detail.ref}")

    def copy_text(self, indexes: Iterable[QModelIndex]) -> str:
        """The cells as tab-separated lines, in full (as they would be typed)."""
        chosen = sorted({(index.row(), index.column()) for index in indexes})
        if not chosen:
            return ""
        rows = sorted({row for row, _ in chosen})
        columns = sorted({column for _, column in chosen})
        lines = []
        for row in rows:
            texts = []
            for column in columns:
                value = self.data(self.index(row, column), Qt.ItemDataRole.EditRole)
                texts.append(str(value) if value is not None else "")
            lines.append("\t".join(texts))
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------ Qt overrides

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            # A rate's "per 100,000" is said once, in the value's header, not in every cell.
            suffix = _RATE_SUFFIXES.get(self._detail.unit) if self._detail is not None else None
            return (
                f"{column.header} ({suffix})" if suffix and column.key == "value" else column.header
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.kind is CellKind.FIGURE else _LEFT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        column = self._columns[index.column()]
        row = self._rows[index.row()]
        flags = _BASE_FLAGS
        if column.kind is CellKind.FLAG:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        if column.kind is CellKind.PERIOD:
            return flags | Qt.ItemFlag.ItemIsEditable if row.stored is None else flags
        if (
            column.kind is CellKind.TEXT
            and row.stored is not None
            and "\n" in row.stored.commentary
        ):
            # Several paragraphs do not fit a one-line editor: the commentary box edits them.
            return flags
        if column.field is not None:
            return flags | Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self._detail is None:
            return None
        getter = self._role_getters.get(role)
        if getter is None:
            return None
        return getter(self._columns[index.column()], self._rows[index.row()], self._detail)

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        detail = self._detail
        if not index.isValid() or detail is None:
            return False
        column = self._columns[index.column()]
        row = self._rows[index.row()]
        if column.kind is CellKind.PERIOD:
            return role == Qt.ItemDataRole.EditRole and self._set_new_period(index, value)
        changes = self._changes_for(column, value, role, detail.unit)
        if changes is None:
            return False
        if row.stored is not None and all(
            _stored_field(row.stored, name) == new for name, new in changes.items()
        ):
            return True  # nothing differs: no undo step
        return self._push_rows({row.period: changes}, None)

    def _changes_for(
        self, column: ValueColumn, value: object, role: int, unit: Unit
    ) -> dict[str, object] | None:
        """What ``value`` set in ``role`` of ``column`` changes; None (and why) if nothing."""
        wanted_role = (
            Qt.ItemDataRole.CheckStateRole
            if column.kind is CellKind.FLAG
            else Qt.ItemDataRole.EditRole
        )
        if column.field is None or role != wanted_role:
            return None
        if column.kind is CellKind.FLAG:
            return {column.field: _check_state(value) == Qt.CheckState.Checked}
        try:
            return self._parse_cell(column, value, unit, column.header)
        except _RefusedError as refusal:
            self.edit_refused.emit(str(refusal))
            return None

    # ------------------------------------------------------------ internals

    def _build_rows(self, detail: IndicatorDetail | None) -> list[_Row]:
        if detail is None:
            return []
        rows = [_Row(value.period, value) for value in detail.values]
        periods = {row.period for row in rows}
        new = self._new_period
        if new is None or new in periods:
            new = rows[-1].period.next() if rows else today_quarter()
        self._new_period = new
        rows.append(_Row(new, None))
        return rows

    def _update_rows(self, rows: list[_Row]) -> None:
        """Turn the current rows into ``rows`` with removals, inserts and dataChanged."""
        new_periods = [row.period for row in rows]
        old_periods = [row.period for row in self._rows]
        common = set(new_periods) & set(old_periods)
        if [p for p in old_periods if p in common] != [p for p in new_periods if p in common]:
            # A quarter typed into the new row lands earlier in time: rows move.
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            return
        wanted = set(new_periods)
        for number in reversed(range(len(self._rows))):
            if self._rows[number].period not in wanted:
                self.beginRemoveRows(_ROOT, number, number)
                del self._rows[number]
                self.endRemoveRows()
        for number, row in enumerate(rows):
            if number < len(self._rows) and self._rows[number].period == row.period:
                # The same period (the new row that now has figures, too): changed in place,
                # so the cell being worked on keeps the focus.
                if self._rows[number] != row:
                    self._rows[number] = row
                    self.dataChanged.emit(
                        self.index(number, 0), self.index(number, len(self._columns) - 1), []
                    )
                continue
            self.beginInsertRows(_ROOT, number, number)
            self._rows.insert(number, row)
            self.endInsertRows()

    def _periods_from(self, start: int, count: int) -> list[Quarter]:
        """The periods of ``count`` grid rows from ``start``; past the end, the next quarters."""
        periods = [row.period for row in self._rows[start : start + count]]
        while len(periods) < count:
            periods.append(periods[-1].next())
        return periods

    def _parse_cell(
        self, column: ValueColumn, value: object, unit: Unit, where: str
    ) -> dict[str, object]:
        """The service changes for ``value`` typed into ``column``; ``_RefusedError`` if none."""
        field = column.field
        assert field is not None  # only editable columns are parsed
        if column.kind is CellKind.FIGURE:
            if value is None or isinstance(value, float | int):
                return {field: None if value is None else float(value)}
            try:
                parsed = parse_figure(str(value), Unit.COUNT if column.counts else unit)
            except ValueParseError as error:
                raise _RefusedError(f"{where}: {error}") from error
            changes: dict[str, object] = {field: parsed.value}
            if field == "value" and parsed.status_symbol is not None:
                changes["status_symbol"] = parsed.status_symbol  # "x", "1,875p"
            return changes
        if column.kind is CellKind.STATUS:
            try:
                return {field: parse_status(str(value or ""))}
            except ValueParseError as error:
                raise _RefusedError(f"{where}: {error}.") from error
        if column.kind is CellKind.FLAG:
            text = str(value).strip().casefold()
            return {field: text in {"1", "y", "yes", "true", "p", "provisional", "✓"}}
        return {field: "" if value is None else str(value)}

    def _push_rows(self, cells: Mapping[Quarter, dict[str, object]], macro: str | None) -> bool:
        """Check every row's changes with the service, then push them as one undo step."""
        # Imported here: the editing service brings SQLAlchemy, which loads after first paint.
        from qpmr_desktop.services.indicator_editing import validate_value_changes  # noqa: PLC0415

        detail = self._detail
        assert detail is not None
        warnings: list[str] = []
        for period, changes in cells.items():
            try:
                problems = validate_value_changes(
                    workspace=self._editor.workspace,
                    indicator_id=detail.id,
                    changes=changes,
                    period=period,
                )
            except NotFoundError as error:
                self.edit_refused.emit(str(error))
                return False
            errors = [p for p in problems if p.severity is Severity.ERROR]
            if errors:
                prefix = f"{period.label}: " if len(cells) > 1 else ""
                suffix = " Nothing was pasted." if macro is not None else ""
                self.edit_refused.emit(prefix + _sentences(errors) + suffix)
                return False
            warnings.extend(p.message for p in problems if p.severity is Severity.WARNING)
        commands = [
            SetValueCommand(
                self._editor,
                indicator_id=detail.id,
                ref=detail.ref,
                period=period,
                changes=changes,
                expected_version=self._version_of(period),
            )
            for period, changes in cells.items()
        ]
        if macro is None and len(commands) == 1:
            self._stack.push(commands[0])
        else:
            self._stack.beginMacro(macro or commands[0].text())
            for command in commands:
                self._stack.push(command)
            self._stack.endMacro()
        if warnings:
            self.edit_warned.emit(" ".join(dict.fromkeys(warnings)))
        return True

    def _version_of(self, period: Quarter) -> int | None:
        number = self.row_of_period(period)
        if number is None:
            return None
        stored = self._rows[number].stored
        return None if stored is None else stored.version

    def _set_new_period(self, index: AnyIndex, value: object) -> bool:
        try:
            period = Quarter.parse(str(value))
        except PeriodError as error:
            self.edit_refused.emit(str(error))
            return False
        if self.row_of_period(period) is not None:
            self.edit_refused.emit(f"{period.label} already has a row: type its figures there.")
            return False
        self._new_period = period
        self._rows[index.row()] = _Row(period, None)
        self.dataChanged.emit(
            self.index(index.row(), 0), self.index(index.row(), len(self._columns) - 1), []
        )
        return True


def _edit_value(column: ValueColumn, row: _Row, detail: IndicatorDetail) -> Any:
    if column.kind is CellKind.PERIOD:
        return row.period.label
    stored = row.stored
    if column.field is None:
        return None
    if column.kind is CellKind.FIGURE:
        value = None if stored is None else _stored_field(stored, column.field)
        number = value if isinstance(value, float) else None
        return edit_text(number, Unit.COUNT if column.counts else detail.unit)
    if column.kind is CellKind.STATUS:
        return "" if stored is None else stored.status_symbol or ""
    if column.kind is CellKind.TEXT:
        return "" if stored is None else stored.commentary
    return None


def _check_state_of(column: ValueColumn, row: _Row, _detail: IndicatorDetail) -> Any:
    if column.kind is not CellKind.FLAG:
        return None
    checked = row.stored is not None and row.stored.provisional
    return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked


def _new_row_tooltip(column: ValueColumn, row: _Row) -> str | None:
    if column.kind is not CellKind.PERIOD:
        return None
    return (
        f"A new row for {row.period.label}: type a figure to add it, or type another "
        "quarter here first"
    )


def _target_tooltip(stored: IndicatorValueRow) -> str:
    period = stored.period
    if stored.effective_target is None:
        return "No target for this quarter or its year"
    if stored.target_from_year:
        return (
            f"The {period.year_label} target for the year. Type a figure to give "
            f"{period.label} its own target."
        )
    return f"{period.label}'s own target; clear it to use the year's"


def _value_tooltip(stored: IndicatorValueRow) -> str | None:
    notes = [SAMPLE_NOTE] if stored.is_sample else []
    if stored.record:
        notes.append(stored.record)
    if stored.provisional:
        notes.append("Provisional")
    return "\n".join(notes) or None


_TOOLTIPS: Final[dict[str, Callable[[IndicatorValueRow], str | None]]] = {
    "rag": lambda stored: stored.rag_reason,
    "direction": lambda stored: stored.direction_text or None,
    "target": _target_tooltip,
    "value": _value_tooltip,
    "commentary": lambda stored: stored.commentary or None,
    "provisional": lambda stored: (
        "Provisional: the figure may be revised" if stored.provisional else "Final"
    ),
}


def _tooltip(column: ValueColumn, row: _Row, _detail: IndicatorDetail) -> str | None:
    if row.stored is None:
        return _new_row_tooltip(column, row)
    getter = _TOOLTIPS.get(column.key)
    return None if getter is None else getter(row.stored)


def _foreground(column: ValueColumn, row: _Row, _detail: IndicatorDetail) -> QColor | None:
    stored = row.stored
    if stored is None:
        return _MUTED if column.kind is CellKind.PERIOD else None
    if column.key == "rag" and stored.value is not None:
        return QColor(RAG_COLOURS[stored.rag])
    if column.key == "target" and stored.target_from_year:
        return _MUTED
    return None


def _font(column: ValueColumn, row: _Row, _detail: IndicatorDetail) -> QFont | None:
    stored = row.stored
    if stored is None:
        return _ITALIC if column.kind is CellKind.PERIOD else None
    italic = (column.key == "target" and stored.target_from_year) or (
        column.key == "value" and stored.is_sample
    )
    return _ITALIC if italic else None


def _rag_text(row: _Row, _detail: IndicatorDetail) -> str:
    if row.stored is None or row.stored.value is None:
        return ""
    return rag_text(row.stored.rag)


_RATE_SUFFIXES: Final = {
    Unit.RATE_PER_1000: "per 1,000",
    Unit.RATE_PER_10000: "per 10,000",
    Unit.RATE_PER_100000: "per 100,000",
}


def _figure(text: str, detail: IndicatorDetail) -> str:
    """A figure as the service wrote it, less a rate's "per 100,000" (the header says it)."""
    suffix = _RATE_SUFFIXES.get(detail.unit)
    return text.removesuffix(f" {suffix}") if suffix else text


def _has_value(row: _Row) -> bool:
    return row.stored is not None and row.stored.value is not None


def _period_text(row: _Row, _detail: IndicatorDetail) -> str:
    return row.period.label if row.stored is not None else f"{row.period.label} (new)"


def _direction_text(row: _Row, _detail: IndicatorDetail) -> str:
    if not _has_value(row):
        return ""
    assert row.stored is not None
    return row.stored.direction.label


def _count_text(row: _Row, field: str) -> str:
    if row.stored is None:
        return ""
    value = _stored_field(row.stored, field)
    return edit_text(value if isinstance(value, float) else None, Unit.COUNT)


def _stored_field(stored: IndicatorValueRow, field: str) -> object:
    return getattr(stored, field)


def _check_state(value: object) -> Qt.CheckState:
    if isinstance(value, Qt.CheckState):
        return value
    if isinstance(value, int):
        return Qt.CheckState(value)
    return Qt.CheckState.Unchecked


def _sentences(problems: Sequence[FieldProblem]) -> str:
    return " ".join(dict.fromkeys(problem.message for problem in problems))
