"""The Indicators tab's model and proxy: one row per indicator, its latest figures.

Contract: ``IndicatorTableModel`` shows a list of ``IndicatorRow`` read models
(from ``services.indicators.list_indicator_rows``) through the ``COLUMNS``
descriptors. The RAG cell reads "▲ Red" (shape and word) with the chip colour
as ``ForegroundRole`` and the reason sentence as its tooltip; sample figures
are marked in words ("sample") and in italics, with a tooltip saying so.
The theme column sorts in the council's order (the order the service gave the
rows), not alphabetically. ``refresh_rows`` takes a fresh list after an edit
and signals only what differs (``dataChanged`` for changed rows, inserts and
removals for new and retired indicators), so the selection survives.

``IndicatorFilters`` is the whole filter state (words, theme, RAG, direction,
"needs commentary"); ``IndicatorFilterProxy`` applies it on the rows' read
models, never through ``data()``, working out every row's answer at once
(each row's search text lower-cased once per change of rows), so a
100,000-row scorecard filters in a blink. Every word typed must occur in the
ref, name or theme; an empty RAG set means every RAG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel
from PySide6.QtGui import QColor, QFont

from qpmr_desktop.domain.performance import Direction, Rag
from qpmr_desktop.domain.periods import PeriodError, Quarter
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.ui.chips import GREY, RAG_COLOURS, rag_text
from qpmr_desktop.ui.roles import ItemRole
from qpmr_desktop.ui.table_model import RIGHT, AnyIndex, Column, RowFilterProxy, RowTableModel

SAMPLE_TOOLTIP = "Sample data: not from a published source"

# Worst first, so an ascending sort puts the reds at the top.
_RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.DATA_ONLY: 3, Rag.NO_DATA: 4}

_ROOT = QModelIndex()

_ITALIC = QFont()
_ITALIC.setItalic(True)

# Looked up, not built, for every painted cell: a repaint asks each visible
# cell for its text and colour (tests/benchmarks/bench_indicators.py).
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


class IndicatorTableModel(RowTableModel[IndicatorRow]):
    """The scorecard: ``IndicatorRow`` read models shown through ``COLUMNS``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, id_of=lambda row: row.id, parent=parent)
        self._theme_rank: dict[str, int] = {}
        self._set_getter(self.column_of("theme"), ItemRole.SORT, self._theme_sort_key)
        # Changes whenever any row does: what IndicatorFilterProxy's caches check.
        self._generation = 0

    def set_rows(self, rows: Sequence[IndicatorRow]) -> None:
        self._rank_themes(rows)
        self._generation += 1
        super().set_rows(rows)

    def refresh_rows(self, rows: Sequence[IndicatorRow]) -> None:
        """Take a fresh scorecard, signalling only the rows that differ (see the module).

        Falls back to a reset when rows changed places (a new theme order).
        """
        old_ids = [row.id for row in self.rows()]
        new_ids = [row.id for row in rows]
        new_set = set(new_ids)
        for number in reversed(range(len(old_ids))):
            if old_ids[number] not in new_set:
                self._remove_row(number)
        kept = [ident for ident in old_ids if ident in new_set]
        if [ident for ident in new_ids if ident in set(kept)] != kept:
            self.set_rows(rows)
            return
        self._rank_themes(rows)
        for number, row in enumerate(rows):
            if self.row_of_id(row.id) is None:
                self._insert_row(number, row)
            elif self.row_at(number) != row:
                self._replace_row(number, row)

    # ------------------------------------------------------------ internals

    def _theme_sort_key(self, row: IndicatorRow) -> tuple[int, tuple[str | int, ...]]:
        # The council's order (Start Well before Live Well), then the ref.
        return (self._theme_rank.get(row.theme, len(self._theme_rank)), natural_key(row.ref))

    def _rank_themes(self, rows: Sequence[IndicatorRow]) -> None:
        rank: dict[str, int] = {}
        for row in rows:  # the service lists rows theme by theme, in the council's order
            rank.setdefault(row.theme, len(rank))
        self._theme_rank = rank

    def _remove_row(self, number: int) -> None:
        rows = list(self.rows())
        self.beginRemoveRows(_ROOT, number, number)
        del rows[number]
        self._store(rows)
        self.endRemoveRows()

    def _insert_row(self, number: int, row: IndicatorRow) -> None:
        rows = list(self.rows())
        self.beginInsertRows(_ROOT, number, number)
        rows.insert(number, row)
        self._store(rows)
        self.endInsertRows()

    def _replace_row(self, number: int, row: IndicatorRow) -> None:
        rows = list(self.rows())
        rows[number] = row
        self._store(rows)
        self.dataChanged.emit(self.index(number, 0), self.index(number, self.columnCount() - 1), [])

    def _store(self, rows: list[IndicatorRow]) -> None:
        # RowTableModel keeps the list and the id index; set both without a reset.
        self._generation += 1
        self._rows = rows
        self._row_by_id = {row.id: number for number, row in enumerate(rows)}


class IndicatorFilterProxy(RowFilterProxy[IndicatorRow]):
    """Narrows the scorecard by ``IndicatorFilters``, reading each row's read model directly.

    Which rows the filters accept is worked out for every row at once, when
    Qt first asks after the filters or the rows change, from each row's
    search text lower-cased once per change of rows; ``filterAcceptsRow``
    then only looks the answer up. Judging each row in its own call from
    C++ took 0.25 s a keystroke on 100,000 rows in
    ``tests/benchmarks/bench_indicators.py``.
    """

    def __init__(self, source: IndicatorTableModel, parent: QObject | None = None) -> None:
        super().__init__(source, haystack=indicator_haystack, parent=parent)
        self._source = source
        self._filters = IndicatorFilters()
        self._accepted: list[bool] | None = None  # by source row; None: to work out
        self._accepted_generation = -1
        self._haystacks: list[str] = []  # lower-cased search text by source row
        self._haystacks_generation = -1

    @property
    def filters(self) -> IndicatorFilters:
        return self._filters

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
        if accepted is None or self._accepted_generation != self._source._generation:
            accepted = self._accept_rows()
        return accepted[source_row]

    # ------------------------------------------------------------ internals

    def _accept_rows(self) -> list[bool]:
        """Whether the filters accept each source row, by row number."""
        generation = self._source._generation
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


def _passes(filters: IndicatorFilters, row: IndicatorRow) -> bool:
    """Whether ``row`` passes the theme, RAG, direction and commentary filters."""
    if filters.theme is not None and row.theme != filters.theme:
        return False
    if filters.rags and row.rag not in filters.rags:
        return False
    if filters.direction is not None and row.direction is not filters.direction:
        return False
    return not filters.needs_commentary or needs_commentary(row)
