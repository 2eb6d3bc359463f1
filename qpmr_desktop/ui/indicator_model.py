"""The Indicators tab's model and proxy: one row per indicator, its latest figures.

Contract: ``IndicatorTableModel`` shows a list of ``IndicatorRow`` read models
(from ``services.indicators.list_indicator_rows``) through the ``COLUMNS``
descriptors. The RAG cell reads "▲ Red" (shape and word) with the chip colour
as ``ForegroundRole``, text and colour together as ``ItemRole.CHIP``, and the
reason sentence as its tooltip; sample figures are marked in words ("sample")
and in italics, with a tooltip saying so. Cells are selectable, not editable.
The theme column sorts in the council's order (the order the service gave the
rows), not alphabetically. ``refresh_rows`` takes a fresh list after an edit
and signals only what differs (``dataChanged`` for changed rows, inserts and
removals for new and retired indicators), so the selection survives.

Painting never enters Python: the model is a ``QStandardItemModel`` whose
items hold every role a view paints or shows (display, alignment, colour,
font, tooltip, chip), and neither it nor the proxy overrides ``data``,
``multiData`` or ``flags``. With Python answering each painted cell, one
keystroke's repaint cost 1.9x Qt's own in ``tests/benchmarks/bench_indicators.py``.
So the roles that were Python values are methods: ``row_at`` (was
``ItemRole.ROW``), ``id_of`` (``ItemRole.ID``), ``sort_value``
(``ItemRole.SORT``). Items cost 50 to 200 us a row to make: too slow for
100,000 rows, and for 500 as much as the rest of opening the tab. So
``set_rows`` makes them for the first ``eager_rows`` rows only; the others get
theirs when a view is about to paint them (``PaintedRowsFiller``), when
``fill_rows`` is asked, when they change, and, with ``idle_fill``, a hundred
rows at a time on later passes of the event loop (up to ``IDLE_FILL_ROWS``),
so that Qt's own readers of the cells (keyboard search in the table) soon see
every row. Until then a row's cells answer no role at all.

``IndicatorFilters`` is the whole filter state (words, theme, RAG, direction,
"needs commentary"); ``IndicatorFilterProxy`` applies it on the rows' read
models, never through ``data()``, working out every row's answer at once
(each row's search text lower-cased once per change of rows), so a
100,000-row scorecard filters in a blink. Every word typed must occur in the
ref, name or theme; an empty RAG set means every RAG.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractProxyModel,
    QEvent,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from qpmr_desktop.domain.performance import Direction, Rag
from qpmr_desktop.domain.periods import PeriodError, Quarter
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.ui.chips import GREY, RAG_COLOURS, rag_text
from qpmr_desktop.ui.roles import ItemRole
from qpmr_desktop.ui.table_model import RIGHT, AnyIndex, Column

SAMPLE_TOOLTIP = "Sample data: not from a published source"

# Worst first, so an ascending sort puts the reds at the top.
_RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.DATA_ONLY: 3, Rag.NO_DATA: 4}

# Rows given items in set_rows by default; a council's scorecard (50 to 500
# indicators) is all of it. The tab asks for none (see the module).
EAGER_ROWS: Final = 1_000
# Rows written out in the background, and how many per pass of the event loop
# (5 to 20 ms: typing stays smooth). Past the limit only painted rows get items.
IDLE_FILL_ROWS: Final = 10_000
IDLE_FILL_CHUNK: Final = 100

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_CHIP = int(ItemRole.CHIP)

_ITALIC = QFont()
_ITALIC.setItalic(True)

# Looked up, not built, for every row's items.
_RAG_TEXTS = {rag: rag_text(rag) for rag in Rag}
_RAG_QCOLOURS = {rag: QColor(colour) for rag, colour in RAG_COLOURS.items()}
_DIRECTION_LABELS = {direction: direction.label for direction in Direction}
_SAMPLE_COLOUR = QColor(GREY)


def _sample_font(row: IndicatorRow) -> QFont | None:
    return _ITALIC if row.is_sample else None


def _sample_tooltip(row: IndicatorRow) -> str | None:
    return SAMPLE_TOOLTIP if row.is_sample else None


def _figure_tooltip(row: IndicatorRow) -> str | None:
    unit = f"Unit: {row.unit.value}"
    return f"{unit}\n{SAMPLE_TOOLTIP}" if row.is_sample else unit


def _optional_number(value: float | None) -> tuple[bool, float]:
    # (missing, value): rows without a figure sort after every real figure.
    return (value is None, 0.0 if value is None else value)


COLUMNS: tuple[Column[IndicatorRow], ...] = (
    Column(
        key="ref",
        header="Ref",
        display=lambda row: row.ref,
        sort_key=lambda row: natural_key(row.ref),
        width=64,
    ),
    Column(
        key="name",
        header="Indicator",
        display=lambda row: row.name,
        sort_key=lambda row: row.name.casefold(),
        tooltip=lambda row: row.name,
        stretch=True,
    ),
    Column(
        key="theme",
        header="Theme",
        display=lambda row: row.theme,
        sort_key=lambda row: row.theme.casefold(),
        width=80,
    ),
    Column(
        key="period",
        header="Latest period",
        display=lambda row: row.latest_period or "—",
        sort_key=lambda row: (row.latest_period is None, _period_key(row.latest_period)),
        header_tooltip="The latest quarter with a figure",
        width=85,
    ),
    Column(
        key="value",
        header="Value",
        display=lambda row: row.value_text,
        sort_key=lambda row: _optional_number(row.value),
        alignment=RIGHT,
        tooltip=_figure_tooltip,
        font=_sample_font,
        width=118,
    ),
    Column(
        key="target",
        header="Target",
        display=lambda row: row.target_text,
        sort_key=lambda row: _optional_number(row.target),
        alignment=RIGHT,
        font=_sample_font,
        width=100,
    ),
    Column(
        key="rag",
        header="RAG",
        display=lambda row: _RAG_TEXTS[row.rag],
        sort_key=lambda row: _RAG_ORDER[row.rag],
        tooltip=lambda row: row.rag_reason,
        foreground=lambda row: _RAG_QCOLOURS[row.rag],
        header_tooltip="Judgement against target: ● Green, ◆ Amber, ▲ Red, ○ no target or data",
        width=86,
    ),
    Column(
        key="direction",
        header="Direction",
        display=lambda row: _DIRECTION_LABELS[row.direction],
        sort_key=lambda row: row.direction.value,
        tooltip=lambda row: row.direction_text,
        header_tooltip="Direction of travel against the previous quarter",
        width=90,
    ),
    Column(
        key="sample",
        header="Data",
        display=lambda row: "sample" if row.is_sample else "",
        sort_key=lambda row: row.is_sample,
        tooltip=_sample_tooltip,
        font=_sample_font,
        foreground=lambda row: _SAMPLE_COLOUR if row.is_sample else None,
        header_tooltip="“sample”: demonstration figures, not from a published source",
        width=52,
    ),
)


def _period_key(label: str | None) -> tuple[int, int]:
    """A period label as (2017, 1) for "Q1 2017/18", so periods sort in time order."""
    if not label:
        return (0, 0)
    try:
        quarter = Quarter.parse(label)
    except PeriodError:
        return (0, 0)
    return (quarter.year, quarter.quarter)


def indicator_haystack(row: IndicatorRow) -> str:
    """What the filter box searches: ref, name and theme."""
    return f"{row.ref}\n{row.name}\n{row.theme}"


def needs_commentary(row: IndicatorRow) -> bool:
    """Red, or worse than the previous quarter, and nothing written to explain it."""
    return (row.rag is Rag.RED or row.direction is Direction.WORSENING) and not row.has_commentary


@dataclass(frozen=True, slots=True)
class IndicatorFilters:
    """What the scorecard is narrowed to; the default shows every indicator.

    ``theme`` None is every theme; ``rags`` empty is every judgement (the ○ toggle
    stands for both "Data only" and "No data"); ``direction`` None is every
    direction (against the previous quarter).
    """

    text: str = ""
    theme: str | None = None
    rags: frozenset[Rag] = field(default_factory=frozenset)
    direction: Direction | None = None
    needs_commentary: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.casefold().split())

    @property
    def is_default(self) -> bool:
        return self == IndicatorFilters(text=self.text) and not self.words


class IndicatorTableModel(QStandardItemModel):
    """The scorecard: ``IndicatorRow`` read models shown through ``COLUMNS``, held in Qt items.

    Keeps the rows (``rows``, ``row_at``, ``row_of_id``, ``id_of``) and mirrors
    each into one ``QStandardItem`` per cell carrying what painting and hovering
    ask for (see the module); ``sort_value`` gives a cell's raw sort value.
    The first ``eager_rows`` rows get their items at once, the rest when
    ``fill_rows`` is asked for them (``PaintedRowsFiller`` does, for the rows a
    view is about to paint), when they change, and with ``idle_fill`` in the
    background; until then their cells answer no role at all.
    """

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        eager_rows: int = EAGER_ROWS,
        idle_fill: bool = False,
    ) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self._columns = COLUMNS
        self._eager_rows = eager_rows
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.setInterval(0)
        self._idle_timer.timeout.connect(self._on_idle_timer_timeout)
        self._idle_fill = idle_fill
        self._rows: list[IndicatorRow] = []
        self._row_by_id: dict[int, int] = {}
        self._filled = bytearray()  # 1 where a row's items are made
        self._unfilled = 0
        self._theme_rank: dict[str, int] = {}
        self._theme_column = self.column_of("theme")
        # Changes whenever any row does: what IndicatorFilterProxy's caches check.
        self._generation = 0
        self._plans = [_CellPlan.of(column) for column in self._columns]
        prototype = QStandardItem()
        # Selectable, never editable in place: edits go through the form.
        prototype.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
        self.setItemPrototype(prototype)
        for number, column in enumerate(self._columns):
            self.setHeaderData(number, Qt.Orientation.Horizontal, column.header, _DISPLAY)
            if column.header_tooltip:
                self.setHeaderData(
                    number, Qt.Orientation.Horizontal, column.header_tooltip, _TOOLTIP
                )
            self.setHeaderData(number, Qt.Orientation.Horizontal, column.alignment, _ALIGNMENT)

    # ------------------------------------------------------------ our API

    @property
    def columns(self) -> tuple[Column[IndicatorRow], ...]:
        return self._columns

    @property
    def generation(self) -> int:
        """A number that changes whenever any row does."""
        return self._generation

    @property
    def all_filled(self) -> bool:
        """Whether every row has its items (see the class)."""
        return self._unfilled == 0

    def column_of(self, key: str) -> int:
        """The column number of the column called ``key``; ``KeyError`` if there is none."""
        for number, column in enumerate(self._columns):
            if column.key == key:
                return number
        raise KeyError(key)

    def rows(self) -> Sequence[IndicatorRow]:
        return tuple(self._rows)

    def row_at(self, row: int) -> IndicatorRow:
        return self._rows[row]

    def row_of_id(self, ident: int) -> int | None:
        """The current row number of the indicator with id ``ident``, or None."""
        return self._row_by_id.get(ident)

    def id_of(self, row: IndicatorRow) -> int:
        return row.id

    def sort_value(self, row: IndicatorRow, column: int) -> Any:
        """The raw value ``row`` sorts by in ``column`` (what ``ItemRole.SORT`` was)."""
        if column == self._theme_column:
            # The council's order (Start Well before Live Well), then the ref.
            rank = self._theme_rank.get(row.theme, len(self._theme_rank))
            return (rank, natural_key(row.ref))
        return self._columns[column].sort_key(row)

    def is_filled(self, row: int) -> bool:
        """Whether row ``row`` has its items yet."""
        return bool(self._filled[row])

    def fill_rows(self, rows: Iterable[int]) -> None:
        """Make the items of those of ``rows`` that have none yet, without signals.

        Silent because nothing a view or proxy knows changes: the cells were
        the same row all along, only not yet written out.
        """
        filled = self._filled
        missing = [number for number in rows if 0 <= number < len(filled) and not filled[number]]
        if not missing:
            return
        blocked = self.blockSignals(True)
        try:
            for number in missing:
                self._put_items(number)
        finally:
            self.blockSignals(blocked)

    def set_rows(self, rows: Sequence[IndicatorRow]) -> None:
        """Replace every row: a full reload, so views and proxies reset."""
        rows = list(rows)
        self._rank_themes(rows)
        self.beginResetModel()
        # One reset rather than a rowsInserted per row, and no dataChanged per cell.
        blocked = self.blockSignals(True)
        try:
            self.setRowCount(0)
            self._store(rows)
            self._filled = bytearray(len(rows))
            self._unfilled = len(rows)
            self.setRowCount(len(rows))
            for number in range(min(len(rows), self._eager_rows)):
                self._put_items(number)
        finally:
            self.blockSignals(blocked)
        self.endResetModel()
        if self._idle_fill and self._unfilled:
            self._idle_timer.start()

    def refresh_rows(self, rows: Sequence[IndicatorRow]) -> None:
        """Take a fresh scorecard, signalling only the rows that differ (see the module).

        Falls back to a reset when rows changed places (a new theme order).
        """
        old_ids = [row.id for row in self._rows]
        new_ids = [row.id for row in rows]
        new_set = set(new_ids)
        kept = [ident for ident in old_ids if ident in new_set]
        kept_set = set(kept)
        if [ident for ident in new_ids if ident in kept_set] != kept:
            self.set_rows(rows)
            return
        for number in reversed(range(len(old_ids))):
            if old_ids[number] not in new_set:
                self._remove_row(number)
        self._rank_themes(rows)
        for number, row in enumerate(rows):
            if self.row_of_id(row.id) is None:
                self._insert_row(number, row)
            elif self._rows[number] != row:
                self._replace_row(number, row)

    # ------------------------------------------------------------ slots

    def _on_idle_timer_timeout(self) -> None:
        limit = min(len(self._rows), IDLE_FILL_ROWS)
        start = self._filled.find(0, 0, limit)
        if start < 0:
            return
        self.fill_rows(range(start, min(start + IDLE_FILL_CHUNK, limit)))
        if self._filled.find(0, 0, limit) >= 0:
            self._idle_timer.start()

    # ------------------------------------------------------------ internals

    def _put_items(self, number: int) -> None:
        # Made by Qt from the prototype, never as Python QStandardItems: PySide keeps
        # a wrapper of each of those after Qt deletes the item, and hands it back
        # for whatever object Qt puts at that address next.
        row = self._rows[number]
        set_item_data = self.setItemData
        index = self.index
        for column, plan in enumerate(self._plans):
            set_item_data(index(number, column), plan.roles(row))
        if not self._filled[number]:
            self._filled[number] = 1
            self._unfilled -= 1

    def _rank_themes(self, rows: Sequence[IndicatorRow]) -> None:
        rank: dict[str, int] = {}
        for row in rows:  # the service lists rows theme by theme, in the council's order
            rank.setdefault(row.theme, len(rank))
        self._theme_rank = rank

    def _remove_row(self, number: int) -> None:
        rows = list(self._rows)
        del rows[number]
        if not self._filled[number]:
            self._unfilled -= 1
        del self._filled[number]
        self._store(rows)
        self.removeRow(number)

    def _insert_row(self, number: int, row: IndicatorRow) -> None:
        rows = list(self._rows)
        rows.insert(number, row)
        self._filled.insert(number, 0)
        self._unfilled += 1
        self._store(rows)
        self.insertRow(number)
        # The proxy placed the row from the read model; the items follow unsignalled,
        # before anything is painted.
        self.fill_rows((number,))

    def _replace_row(self, number: int, row: IndicatorRow) -> None:
        rows = list(self._rows)
        rows[number] = row
        self._store(rows)
        # One dataChanged for the row, as before, not one per cell.
        blocked = self.blockSignals(True)
        try:
            self._put_items(number)
        finally:
            self.blockSignals(blocked)
        last = self.columnCount() - 1
        self.dataChanged.emit(self.index(number, 0), self.index(number, last), [])

    def _store(self, rows: list[IndicatorRow]) -> None:
        self._generation += 1
        self._rows = rows
        self._row_by_id = {row.id: number for number, row in enumerate(rows)}


@dataclass(frozen=True, slots=True)
class _CellPlan:
    """What one column's cell holds for a row: every role, by number, None for "none"."""

    alignment: Qt.AlignmentFlag
    display: Callable[[IndicatorRow], str]
    tooltip: Callable[[IndicatorRow], str | None] | None
    foreground: Callable[[IndicatorRow], QColor | None] | None
    font: Callable[[IndicatorRow], QFont | None] | None

    @classmethod
    def of(cls, column: Column[IndicatorRow]) -> _CellPlan:
        return cls(column.alignment, column.display, column.tooltip, column.foreground, column.font)

    def roles(self, row: IndicatorRow) -> dict[int, object]:
        # None clears a role the cell had before (a row that stopped being sample data).
        text = self.display(row)
        roles: dict[int, object] = {_DISPLAY: text, _ALIGNMENT: self.alignment}
        if self.tooltip is not None:
            roles[_TOOLTIP] = self.tooltip(row)
        if self.foreground is not None:
            colour = self.foreground(row)
            roles[_FOREGROUND] = colour
            # What ChipDelegate paints, in one ask.
            roles[_CHIP] = None if colour is None else (text, colour)
        if self.font is not None:
            roles[_FONT] = self.font(row)
        return roles


class PaintedRowsFiller(QObject):
    """Makes the items of the rows ``view`` is about to paint (an event filter on its viewport).

    Only rows past the model's ``eager_rows`` ever need it; once every row
    has its items a paint costs one comparison here.
    """

    def __init__(self, view: QTableView, model: IndicatorTableModel) -> None:
        super().__init__(view)
        self._view = view
        self._model = model
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: ARG002 - Qt's signature
        if event.type() == QEvent.Type.Paint and not self._model.all_filled:
            self._fill_shown_rows()
        return False

    def _fill_shown_rows(self) -> None:
        view = self._view
        shown = view.model()
        first = view.rowAt(0)
        if first < 0:
            return
        last = view.rowAt(view.viewport().height() - 1)
        if last < 0:
            last = shown.rowCount() - 1
        numbers: Iterable[int] = range(first, last + 1)
        if isinstance(shown, QAbstractProxyModel):
            numbers = [shown.mapToSource(shown.index(number, 0)).row() for number in numbers]
        self._model.fill_rows(numbers)


class IndicatorFilterProxy(QSortFilterProxyModel):
    """Narrows the scorecard by ``IndicatorFilters`` and sorts it, reading the rows directly.

    Which rows the filters accept is worked out for every row at once, when
    Qt first asks after the filters or the rows change, from each row's
    search text lower-cased once per change of rows; ``filterAcceptsRow``
    then only looks the answer up. Judging each row in its own call from
    C++ took 0.25 s a keystroke on 100,000 rows in
    ``tests/benchmarks/bench_indicators.py``. Sorting compares the raw sort
    values (``IndicatorTableModel.sort_value``), worked out once per column
    and change of rows, so periods sort in time order and RAG worst first.
    Nothing else is overridden: cells are the source's items, answered in C++.
    """

    def __init__(self, source: IndicatorTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._filters = IndicatorFilters()
        self._words: tuple[str, ...] = ()
        self._accepted: list[bool] | None = None  # by source row; None: to work out
        self._accepted_generation = -1
        self._haystacks: list[str] = []  # lower-cased search text by source row
        self._haystacks_generation = -1
        self._sort_keys: list[Any] = []  # by source row, for _sort_keys_of
        self._sort_keys_of: tuple[int, int] = (-1, -1)  # (column, generation)
        self.setSourceModel(source)

    @property
    def filters(self) -> IndicatorFilters:
        return self._filters

    @property
    def filter_text(self) -> str:
        return " ".join(self._words)

    def set_filters(self, filters: IndicatorFilters) -> None:
        """Apply ``filters`` (words included); nothing happens when they are the same."""
        if filters == self._filters and filters.words == self._words:
            return
        self.beginFilterChange()
        self._filters = filters
        self._words = filters.words
        self._accepted = None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_filter_text(self, text: str) -> None:
        self.set_filters(replace(self._filters, text=text))

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: ARG002
        # Called once per source row: an attribute compared, the answer looked up.
        accepted = self._accepted
        if accepted is None or self._accepted_generation != self._source.generation:
            accepted = self._accept_rows()
        return accepted[source_row]

    def lessThan(self, source_left: AnyIndex, source_right: AnyIndex) -> bool:
        keys = self._keys_for(source_left.column())
        left = keys[source_left.row()]
        right = keys[source_right.row()]
        if left is None or right is None:  # None sorts after every real value
            return left is not None and right is None
        return bool(left < right)

    # ------------------------------------------------------------ internals

    def _accept_rows(self) -> list[bool]:
        """Whether the filters accept each source row, by row number."""
        generation = self._source.generation
        rows = self._source.rows()
        if self._haystacks_generation != generation:
            self._haystacks = [indicator_haystack(row).casefold() for row in rows]
            self._haystacks_generation = generation
        filters = self._filters
        haystacks = self._haystacks
        accepted = [True] * len(rows)
        if replace(filters, text="") != IndicatorFilters():
            accepted = [_passes(filters, row) for row in rows]
        # A pass per word, each a comprehension with no call per row.
        for word in self._words:
            accepted = [ok and word in text for ok, text in zip(accepted, haystacks, strict=True)]
        self._accepted = accepted
        self._accepted_generation = generation
        return accepted

    def _keys_for(self, column: int) -> list[Any]:
        source = self._source
        wanted = (column, source.generation)
        if self._sort_keys_of != wanted:
            self._sort_keys = [source.sort_value(row, column) for row in source.rows()]
            self._sort_keys_of = wanted
        return self._sort_keys


def _passes(filters: IndicatorFilters, row: IndicatorRow) -> bool:
    """Whether ``row`` passes the theme, RAG, direction and commentary filters."""
    if filters.theme is not None and row.theme != filters.theme:
        return False
    if filters.rags and row.rag not in filters.rags:
        return False
    if filters.direction is not None and row.direction is not filters.direction:
        return False
    return not filters.needs_commentary or needs_commentary(row)
