"""Reading a source table through a column mapping into candidate value rows; no database.

This is the first half of an import preview (``indicator_import`` does the
second, against the database). Contract of :func:`read_candidates`:

* It never raises for bad data: every problem is an :class:`ImportIssue` —
  with ``row`` None for the file or mapping as a whole (a mapped column the
  file lacks, no period given), or on the candidate of the row it is in.
* A long file gives one candidate per source row; a wide file one per
  non-blank value column (a row's own problems — a bad ref, target or
  commentary — give one candidate that carries them, not one per column); a
  comparator table one per local-area row, with England's and the region's
  figure and the statistical neighbours' mean for the same ref and period
  (comparator rows with problems give candidates of their own, which carry
  them).
* A candidate's ``values`` hold only the stored fields the file sets —
  a mapped column is authoritative, blanks included (a blank target clears
  the stored one); an unmapped field is left as it is in the database. The
  value and the status column together set ``status_symbol`` and
  ``provisional`` (provisional is the ``p`` symbol).
* Two candidates for the same ref and period are both given a "duplicate"
  issue naming the other rows.
* The statistical neighbours' figure is the arithmetic mean (unweighted) of
  the neighbour areas that have a value for the period, rounded half away
  from zero to two more decimal places than the most precise of them: the
  same as the published "average of similar authorities".
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import repeat
from operator import eq, itemgetter
from typing import TypeVar

from qpmr_desktop.domain.periods import PeriodError, Quarter
from qpmr_desktop.domain.units import round_displayed
from qpmr_desktop.domain.value_parsing import (
    PROVISIONAL,
    ValueParseError,
    parse_number,
    parse_polarity,
    parse_status,
    parse_unit,
)
from qpmr_desktop.services.import_files import SourceRow, SourceTable
from qpmr_desktop.services.import_mapping import (
    INDICATOR_FIELDS,
    NUMBER_FIELDS,
    ColumnMapping,
    NativeField,
    PeriodFormat,
    ValueColumn,
    fold_header,
)

# Extra decimal places kept on a mean of neighbours' figures (see the module).
_MEAN_EXTRA_PLACES = 2
_QUARTER_START_MONTHS = (1, 4, 7, 10)


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """A reason a row (or, with ``row`` None, the whole file) cannot be imported.

    ``column`` is the source column's header as written in the file (or
    "<field> (constant)" for a mapping constant), or None when the problem
    is the row as a whole.
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Candidate:
    """One planned value row before the database is consulted."""

    row: int
    ref: str
    period: Quarter | None
    values: Mapping[str, object] = field(default_factory=dict)
    # What the file says about the indicator itself (name, theme, unit,
    # polarity), used only when the ref is new: field → value.
    attributes: dict[NativeField, object] = field(default_factory=dict)
    decimals: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    ref_column: str | None = None
    # Indicator fields the row gives but in words that could not be read.
    unreadable: frozenset[NativeField] = frozenset()


class FieldValues(Mapping[str, object]):
    """The stored fields a row of a long file sets, by name, read-only.

    Every row of the file shares one tuple of ``names``; ``figures`` holds
    the row's values in that order. A dict per row, with the same ten keys
    20,000 times, took a tenth of a benchmark import (bench_indicators);
    planning and applying read ``names`` and ``figures`` whole.
    """

    __slots__ = ("figures", "names")

    def __init__(self, names: tuple[str, ...], figures: tuple[object, ...]) -> None:
        self.names = names
        self.figures = figures

    def __getitem__(self, name: str) -> object:
        try:
            return self.figures[self.names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return f"FieldValues({dict(self)!r})"


def names_and_figures(values: Mapping[str, object]) -> tuple[tuple[str, ...], tuple[object, ...]]:
    """The field names of ``values`` and their values, in order, as two tuples."""
    if type(values) is FieldValues:
        return values.names, values.figures
    return tuple(values), tuple(values.values())


@dataclass(frozen=True)
class CandidateRead:
    """The result of :func:`read_candidates`."""

    candidates: list[Candidate]
    file_issues: list[ImportIssue]
    unused_columns: tuple[str, ...]
    notes: list[str]


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a native field's text comes from: a column (by index) or a constant.

    ``value_map`` is the mapping's table for the field, keyed for lookup.
    """

    label: str
    index: int | None = None
    constant: str = ""
    value_map: dict[str, str] | None = None

    def read(self, cells: tuple[str, ...]) -> str:
        if self.index is None:
            raw = self.constant
        else:
            raw = cells[self.index] if self.index < len(cells) else ""
        if self.value_map is not None:
            mapped = self.value_map.get(fold_header(raw))
            if mapped is not None:
                return mapped
        return raw


_Parsed = TypeVar("_Parsed")
_Part = TypeVar("_Part")

# An indicator field a row gives in words that could not be read, and why.
_Problem = tuple[NativeField, _Source, str]


def _plain_index(source: _Source) -> int:
    """The column a source reads as it is (no constant, no value map), or -1."""
    if source.index is None or source.value_map is not None:
        return -1
    return source.index


@dataclass
class _Layout:
    sources: dict[NativeField, _Source]
    value_columns: list[tuple[ValueColumn, _Source]]
    area: _Source | None
    header_count: int
    file_period: Quarter | None
    period_format: PeriodFormat
    # The row fields other than the value, and the indicator fields, looked up
    # once rather than per row (set from ``sources``).
    figures: tuple[tuple[str, _Source], ...] = ()
    attribute_sources: tuple[tuple[NativeField, _Source], ...] = ()
    # What the indicator columns of a row say, by their raw text: most rows
    # repeat their indicator's name, theme, unit and polarity.
    attributes: dict[tuple[str, ...], tuple[dict[NativeField, object], list[_Problem]]] = field(
        default_factory=dict
    )
    # The same for ``_read_long_rows``: each figure's (field name, source,
    # column index or -1 when the cell must go through ``_Source.read``,
    # whether its decimals count towards the indicator's).
    long_figures: tuple[tuple[str, _Source, int, bool], ...] = ()
    # The other fields of a long row, each (source or None, column index or -1).
    long_ref: tuple[_Source | None, int] = (None, -1)
    long_period: tuple[_Source | None, int] = (None, -1)
    long_value: tuple[_Source | None, int] = (None, -1)
    long_status: tuple[_Source | None, int] = (None, -1)
    long_commentary: tuple[_Source | None, int] = (None, -1)

    def __post_init__(self) -> None:
        self.figures = tuple(
            (native.value, self.sources[native])
            for native in NUMBER_FIELDS[1:]
            if native in self.sources
        )
        self.attribute_sources = tuple(
            (native, self.sources[native]) for native in INDICATOR_FIELDS if native in self.sources
        )
        self.long_figures = tuple(
            (name, source, _plain_index(source), name == NativeField.TARGET.value)
            for name, source in self.figures
        )

        def cell(native: NativeField) -> tuple[_Source | None, int]:
            source = self.sources.get(native)
            return (None, -1) if source is None else (source, _plain_index(source))

        self.long_ref = cell(NativeField.INDICATOR_REF)
        self.long_period = cell(NativeField.PERIOD)
        self.long_value = cell(NativeField.VALUE)
        self.long_status = cell(NativeField.STATUS)
        self.long_commentary = cell(NativeField.COMMENTARY)


# Parsing is cached: a file repeats its periods, targets, units and polarities
# on every row, and the parsers are pure. Errors are not cached (lru_cache
# does not keep exceptions), so each bad cell still gets its own message.
_parse_number = lru_cache(maxsize=1 << 16)(parse_number)
_parse_status = lru_cache(maxsize=256)(parse_status)
_parse_unit = lru_cache(maxsize=256)(parse_unit)
_parse_polarity = lru_cache(maxsize=256)(parse_polarity)


def read_candidates(
    table: SourceTable, mapping: ColumnMapping, *, period: Quarter | None
) -> CandidateRead:
    """Candidates for every row of ``table`` read through ``mapping``; see the module."""
    layout, file_issues, unused = _resolve(table, mapping, period)
    if layout is None:
        return CandidateRead([], file_issues, unused, [])
    notes: list[str] = []
    if mapping.comparator_rows is not None:
        candidates = _read_comparator_table(table, mapping, layout, notes)
    elif mapping.value_columns:
        candidates = [candidate for row in table.rows for candidate in _read_wide_row(row, layout)]
    else:
        columns = _LongColumns(table.rows, layout)
        candidates = columns.candidates()
        if columns.keys_are_distinct():
            return CandidateRead(candidates, file_issues, unused, notes)
    _mark_duplicates(candidates)
    return CandidateRead(candidates, file_issues, unused, notes)


# ------------------------------------------------------------------ the mapping against the file


def _resolve(
    table: SourceTable, mapping: ColumnMapping, period: Quarter | None
) -> tuple[_Layout | None, list[ImportIssue], tuple[str, ...]]:
    """The mapping's columns found in ``table``, or the file issues that stop the import."""
    columns = _Columns(table)
    sources: dict[NativeField, _Source] = {}
    for native, header in mapping.columns.items():
        source = columns.find(header)
        if source is not None:
            sources[native] = replace(source, value_map=mapping.value_map(native))
    for native, text in mapping.constants.items():
        sources[native] = _Source(
            label=f"{native.value} (constant)",
            constant=text,
            value_map=mapping.value_map(native),
        )
    value_map = mapping.value_map(NativeField.VALUE)
    value_columns = [
        (value_column, replace(source, value_map=value_map))
        for value_column in mapping.value_columns
        if (source := columns.find(value_column.column)) is not None
    ]
    area = None
    if mapping.comparator_rows is not None:
        area = columns.find(mapping.comparator_rows.area_column)
    issues = columns.issues + _coverage_issues(mapping, period)

    used = mapping.used_columns()
    unused = tuple(header for header in table.headers if header and fold_header(header) not in used)
    if issues:
        return None, issues, unused
    layout = _Layout(
        sources=sources,
        value_columns=value_columns,
        area=area,
        header_count=len(table.headers),
        file_period=period if period is not None else mapping.period,
        period_format=mapping.period_format,
    )
    return layout, [], unused


class _Columns:
    """Finds mapped headers in a file (case and spacing ignored), noting what is not there."""

    def __init__(self, table: SourceTable) -> None:
        self.headers = table.headers
        self.issues: list[ImportIssue] = []
        self.positions: dict[str, list[int]] = defaultdict(list)
        for index, header in enumerate(table.headers):
            if header:
                self.positions[fold_header(header)].append(index)

    def find(self, header: str) -> _Source | None:
        found = self.positions.get(fold_header(header), [])
        if len(found) == 1:
            return _Source(label=self.headers[found[0]], index=found[0])
        if found:
            numbers = " and ".join(str(index + 1) for index in found)
            message = f"the column {header!r} appears twice (columns {numbers})."
        else:
            message = f"the file has no column {header!r}."
        self.issues.append(ImportIssue(None, None, message))
        return None


def _coverage_issues(mapping: ColumnMapping, period: Quarter | None) -> list[ImportIssue]:
    """What the mapping, with the period given, leaves without a source."""
    issues: list[str] = []
    given = {*mapping.columns, *mapping.constants}
    if NativeField.INDICATOR_REF not in given:
        issues.append(
            "no column gives the indicator_ref: the file is not in the native format "
            "(indicator_ref, period, value …); map its columns or use a saved mapping."
        )
    has_period_column = NativeField.PERIOD in given
    needs_file_period = not mapping.value_columns or any(
        each.period is None for each in mapping.value_columns
    )
    if has_period_column and period is not None:
        issues.append(f"the file has its own period column; {period.label} is not used.")
    elif not has_period_column and needs_file_period and (period or mapping.period) is None:
        issues.append(
            "no period: the file has no period column, so give the period it is for "
            '(such as "Q1 2014/15").'
        )
    if not mapping.value_columns and NativeField.VALUE not in given:
        issues.append("no column gives the value.")
    return [ImportIssue(None, None, message) for message in issues]


# ------------------------------------------------------------------ reading cells


class _RowReader:
    """Reads one source row's fields, collecting issues instead of raising."""

    def __init__(self, row: SourceRow, layout: _Layout, *, check_cells: bool = True) -> None:
        self.row = row
        self.cells = row.cells
        self.layout = layout
        self.issues: list[ImportIssue] = []
        self.decimals = 0
        self.unreadable: frozenset[NativeField] = frozenset()
        if (
            check_cells
            and len(row.cells) > layout.header_count
            and any(cell.strip() for cell in row.cells[layout.header_count :])
        ):
            self.issues.append(_width_issue(row, layout.header_count))

    def issue(self, source: _Source | None, message: str) -> None:
        self.issues.append(ImportIssue(self.row.number, source.label if source else None, message))

    def text(self, native: NativeField) -> tuple[_Source | None, str]:
        source = self.layout.sources.get(native)
        if source is None:
            return None, ""
        return source, source.read(self.cells)

    def ref(self) -> str:
        source, text = self.text(NativeField.INDICATOR_REF)
        ref = text.strip()
        if not ref:
            self.issue(source, "no indicator ref.")
        return ref

    def period(self) -> Quarter | None:
        source, text = self.text(NativeField.PERIOD)
        if source is None:
            return self.layout.file_period
        try:
            return _parse_period(text, self.layout.period_format)
        except PeriodError as error:
            self.issue(source, str(error))
            return None

    def number(
        self, source: _Source, text: str, *, counts_decimals: bool = False
    ) -> tuple[float | None, str | None]:
        try:
            parsed = _parse_number(text)
        except ValueParseError as error:
            self.issue(source, f"{error}.")
            return None, None
        if counts_decimals and parsed.decimals > self.decimals:
            self.decimals = parsed.decimals
        return parsed.value, parsed.status_symbol

    def attributes(self) -> dict[NativeField, object]:
        """What the row says about its indicator (name, theme, unit, polarity).

        Rows with the same text share one (read-only) dict, which is also how
        later steps tell quickly that two rows agree.
        """
        found, unreadable = _attributes(self.layout, self.cells, self.row.number, self.issues)
        self.unreadable = self.unreadable | unreadable
        return found

    def figures(self, value: tuple[_Source, str] | None, *, row_fields: bool) -> dict[str, object]:
        """The stored fields the row sets: the value (if any) and, with ``row_fields``, the rest."""
        values: dict[str, object] = {}
        value_symbol: str | None = None
        if value is not None:
            values["value"], value_symbol = self.number(*value, counts_decimals=True)
        status_source: _Source | None = None
        status_symbol: str | None = None
        if row_fields:
            for name, figure in self.layout.figures:
                # A symbol on a target or comparator ("[c]") says why it is
                # missing; the row's status is about its own value.
                values[name] = self.number(
                    figure, figure.read(self.cells), counts_decimals=name == "target"
                )[0]
            status_source, text = self.text(NativeField.STATUS)
            if status_source is not None:
                try:
                    status_symbol = _parse_status(text)
                except ValueParseError as error:
                    self.issue(status_source, f"{error}.")
            source, text = self.text(NativeField.COMMENTARY)
            if source is not None:
                values["commentary"] = text.strip()
        if value is not None or status_source is not None:
            if status_symbol and value_symbol and status_symbol != value_symbol:
                self.issue(
                    status_source,
                    f"the status {status_symbol!r} disagrees with the {value_symbol!r} "
                    "marked on the value.",
                )
            symbol = status_symbol or value_symbol
            values["status_symbol"] = symbol
            values["provisional"] = symbol == PROVISIONAL
        return values

    def candidate(self, ref: str, period: Quarter | None, values: dict[str, object]) -> Candidate:
        source = self.layout.sources.get(NativeField.INDICATOR_REF)
        return Candidate(
            row=self.row.number,
            ref=ref,
            period=period,
            values=values,
            decimals=self.decimals,
            issues=self.issues,
            ref_column=source.label if source else None,
            unreadable=self.unreadable,
        )


def _width_issue(row: SourceRow, header_count: int) -> ImportIssue:
    return ImportIssue(
        row.number,
        None,
        f"it has {len(row.cells)} cells but the header row has "
        f"{header_count}: a delimiter inside a cell that is not quoted?",
    )


def _attributes(
    layout: _Layout, cells: tuple[str, ...], row: int, issues: list[ImportIssue]
) -> tuple[dict[NativeField, object], frozenset[NativeField]]:
    """What a row says about its indicator, and the fields it gives in words not understood.

    Rows with the same text share one (read-only) dict, which is also how
    later steps tell quickly that two rows agree. Problems become ``issues``.
    """
    sources = layout.attribute_sources
    key = tuple(source.read(cells) for _, source in sources) if sources else ()
    cached = layout.attributes.get(key)
    if cached is None:
        cached = _read_attributes(sources, key)
        layout.attributes[key] = cached
    found, problems = cached
    unreadable: frozenset[NativeField] = frozenset()
    for native, source, message in problems:
        issues.append(ImportIssue(row, source.label, message))
        unreadable = unreadable | {native}
    return found, unreadable


def _read_attributes(
    sources: Sequence[tuple[NativeField, _Source]], texts: Sequence[str]
) -> tuple[dict[NativeField, object], list[_Problem]]:
    found: dict[NativeField, object] = {}
    problems: list[_Problem] = []
    for (native, source), text in zip(sources, texts, strict=True):
        if not text.strip():
            continue
        if native is NativeField.UNIT or native is NativeField.POLARITY:
            parse = _parse_unit if native is NativeField.UNIT else _parse_polarity
            try:
                found[native] = parse(text)
            except ValueParseError as error:
                problems.append((native, source, f"{error}."))
        else:
            found[native] = " ".join(text.split())
    return found, problems


def parse_period(text: str, period_format: PeriodFormat) -> Quarter:
    """A period cell in the mapping's format; :class:`PeriodError` quotes the text."""
    stripped = text.strip()
    if period_format is PeriodFormat.QUARTER:
        if not stripped:
            raise PeriodError("no period.")
        return Quarter.parse(stripped)
    day = _month(stripped)
    if period_format is PeriodFormat.MONTH:
        return Quarter.containing(day)
    if day.month not in _QUARTER_START_MONTHS or day.day != 1:
        raise PeriodError(
            f'Not a period: "{text}" — figures as at the start of a month name the quarter '
            "that just ended, so the month must be January, April, July or October."
        )
    return Quarter.containing(day - timedelta(days=1))


def _month(text: str) -> date:
    parts = text.split("-")
    if len(parts) in (2, 3) and all(part.isdigit() for part in parts) and len(parts[0]) == 4:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1)
        except ValueError:
            pass  # reported below, with the expected form
    raise PeriodError(f'Not a period: "{text}" — expected a month such as 2021-07.')


_parse_period = lru_cache(maxsize=4096)(parse_period)


# ------------------------------------------------------------------ the three layouts


def _read_long_rows(rows: Sequence[SourceRow], layout: _Layout) -> list[Candidate]:
    """One candidate per row of a long file (one indicator and period per row); see _LongColumns."""
    return _LongColumns(rows, layout).candidates()


class _LongColumns:
    """The rows of a long file read column by column.

    What ``_RowReader`` does for any layout, with each column read whole:
    each distinct text of a column is parsed once, and each row only looks
    its texts up. Through the general reader, reading 20,000 rows took 1.1 s
    of a 1.5 s import in ``tests/benchmarks/bench_indicators.py``; row by row
    with the parsers called directly, 0.19 s; by column, 0.13 s. A row's
    issues come in the same order as the general reader's (each column is
    read in that order): the row's width, the ref, the period, the value, the
    other figures in field order, the status, then the indicator's attributes.
    """

    def __init__(self, rows: Sequence[SourceRow], layout: _Layout) -> None:
        self.rows = rows
        self.layout = layout
        self.cells_of = [row.cells for row in rows]
        self.numbers = [row.number for row in rows]
        self.issues: list[list[ImportIssue]] = [[] for _ in rows]
        self.narrowest = min(map(len, self.cells_of), default=0)
        # The stored fields, in the order a row's values list them.
        self.names: list[str] = []
        self.fields: list[Sequence[object]] = []
        self.decimals = [0] * len(rows)
        # Each row's stripped ref and (year, quarter), for keys_are_distinct.
        self.ref_texts: list[str] = []
        self.period_keys: list[tuple[int, int] | None] = []

    def column(self, field: tuple[_Source | None, int]) -> list[str]:
        """Each row's text of ``field`` (see ``_Layout.long_ref``); "" without a source."""
        source, index = field
        cells_of = self.cells_of
        if source is None:
            return [""] * len(cells_of)
        if index < 0:
            return [source.read(cells) for cells in cells_of]
        if index < self.narrowest:
            return list(map(itemgetter(index), cells_of))
        return [cells[index] if index < len(cells) else "" for cells in cells_of]

    def report(self, failures: Iterable[tuple[int, str]], source: _Source | None) -> None:
        """An issue on each (row index, message) of ``failures``, in ``source``'s column."""
        label = None if source is None else source.label
        for at, message in failures:
            self.issues[at].append(ImportIssue(self.numbers[at], label, message))

    def candidates(self) -> list[Candidate]:
        layout = self.layout
        self.check_widths()
        refs = self.refs()
        periods = self.periods()
        value_symbols = self.figures()
        self.status(value_symbols)
        names = tuple(self.names)
        values: list[Mapping[str, object]] = (
            [FieldValues(names, row) for row in zip(*self.fields, strict=True)]
            if self.fields
            else [{} for _ in self.rows]
        )
        if layout.attribute_sources:
            said = [
                _attributes(layout, cells, number, row_issues)
                for cells, number, row_issues in zip(
                    self.cells_of, self.numbers, self.issues, strict=True
                )
            ]
        else:
            said = [_attributes(layout, (), 0, [])] * len(self.rows)
        ref_source = layout.long_ref[0]
        ref_column = None if ref_source is None else ref_source.label
        return [
            Candidate(number, ref, period, row_values, found, decimals, issues, ref_column, unread)
            for number, ref, period, row_values, (found, unread), decimals, issues in zip(
                self.numbers, refs, periods, values, said, self.decimals, self.issues, strict=True
            )
        ]

    def keys_are_distinct(self) -> bool:
        """Whether no two rows (read by ``candidates``) name the same ref and period.

        Checked with one set of plain tuples, built in C: when it holds (it
        nearly always does), no row is a duplicate and ``_mark_duplicates``,
        a Python loop over every candidate, has nothing to do.
        """
        return len(set(zip(self.ref_texts, self.period_keys, strict=True))) == len(self.rows)

    def check_widths(self) -> None:
        header_count = self.layout.header_count
        if max(map(len, self.cells_of), default=0) <= header_count:
            return
        for row, issues in zip(self.rows, self.issues, strict=True):
            cells = row.cells
            if len(cells) > header_count and any(cell.strip() for cell in cells[header_count:]):
                issues.append(_width_issue(row, header_count))

    def refs(self) -> list[str]:
        refs = [text.strip() for text in self.column(self.layout.long_ref)]
        missing = ((at, "no indicator ref.") for at, ref in enumerate(refs) if not ref)
        self.report(missing, self.layout.long_ref[0])
        self.ref_texts = refs
        return refs

    def periods(self) -> list[Quarter | None]:
        layout = self.layout
        source = layout.long_period[0]
        if source is None:
            period = layout.file_period
            key = None if period is None else (period.year, period.quarter)
            self.period_keys = [key] * len(self.rows)
            return [period] * len(self.rows)
        period_format = layout.period_format
        texts = self.column(layout.long_period)
        parsed, failed = _parse_distinct(texts, lambda text: _parse_period(text, period_format))
        self.report(_failures(texts, failed), source)
        keys = {text: (period.year, period.quarter) for text, period in parsed.items()}
        self.period_keys = list(map(keys.get, texts))
        return list(map(parsed.get, texts))

    def figures(self) -> list[str | None]:
        """Read the value and the other figures into ``fields``; the symbol marked on each value."""
        layout = self.layout
        value_symbols: list[str | None] = [None] * len(self.rows)
        source = layout.long_value[0]
        if source is not None:
            texts = self.column(layout.long_value)
            figures = self.numbers_of(source, texts, "value")
            value_symbols = figures.each(figures.symbols, texts, None)
            self.decimals = figures.each(figures.decimals, texts, 0)
        for name, source, index, counts_decimals in layout.long_figures:
            # A symbol on a target or comparator ("[c]") says why it is
            # missing; the row's status is about its own value.
            texts = self.column((source, index))
            figures = self.numbers_of(source, texts, name)
            if counts_decimals:
                self.decimals = list(
                    map(max, self.decimals, figures.each(figures.decimals, texts, 0))
                )
        return value_symbols

    def numbers_of(self, source: _Source, texts: Sequence[str], name: str) -> _ColumnFigures:
        """``texts`` read as figures into the field ``name``; what each distinct text reads as."""
        figures = _ColumnFigures.read(texts)
        self.report(_failures(texts, figures.failed, suffix="."), source)
        self.names.append(name)
        self.fields.append(figures.each(figures.values, texts, None))
        return figures

    def status(self, value_symbols: Sequence[str | None]) -> None:
        """Read the commentary, the status column and the symbols into ``fields``."""
        layout = self.layout
        source = layout.long_status[0]
        statuses: Sequence[str | None] = [None] * len(self.rows)
        if source is not None:
            # A status that cannot be read is None, as "no symbol" is, with its issue.
            texts = self.column(layout.long_status)
            parsed, failed = _parse_distinct(texts, _status_symbol)
            self.report(_failures(texts, failed, suffix="."), source)
            statuses = list(
                map({text: symbol or None for text, symbol in parsed.items()}.get, texts)
            )
        if layout.long_commentary[0] is not None:
            self.names.append("commentary")
            self.fields.append([text.strip() for text in self.column(layout.long_commentary)])
        if layout.long_value[0] is None and source is None:
            return
        if any(value_symbols):
            pairs = list(zip(statuses, value_symbols, strict=True))
            disagreeing = (
                (at, f"the status {status!r} disagrees with the {marked!r} marked on the value.")
                for at, (status, marked) in enumerate(pairs)
                if status and marked and status != marked
            )
            self.report(disagreeing, source)
            symbols = [status or marked for status, marked in pairs]
        else:  # the usual case, plain figures: the status column says it all
            symbols = list(statuses)
        self.names += ["status_symbol", "provisional"]
        self.fields += [symbols, list(map(eq, symbols, repeat(PROVISIONAL)))]


def _status_symbol(text: str) -> str:
    """A status column's symbol, "" for none (None in a parsed column means "cannot be read")."""
    return _parse_status(text) or ""


def _parse_distinct(
    texts: Iterable[str], parse: Callable[[str], _Parsed]
) -> tuple[dict[str, _Parsed], dict[str, str]]:
    """Each distinct text parsed once: what the readable ones read as, and why the others fail."""
    parsed: dict[str, _Parsed] = {}
    failed: dict[str, str] = {}
    for text in set(texts):
        try:
            parsed[text] = parse(text)
        except ValueError as error:  # PeriodError and ValueParseError
            failed[text] = str(error)
    return parsed, failed


def _failures(
    texts: Sequence[str], failed: Mapping[str, str], *, suffix: str = ""
) -> list[tuple[int, str]]:
    """(row index, why) of each text that could not be read."""
    if not failed:
        return []
    return [(at, failed[text] + suffix) for at, text in enumerate(texts) if text in failed]


@dataclass(frozen=True, slots=True)
class _ColumnFigures:
    """A column's distinct texts read as figures, by text: each readable one's value, decimals
    and status symbol, and why each other one cannot be read.

    Each distinct text is parsed once, and its parts kept in one dictionary
    each, so that a column is looked up by ``map`` in C (see ``each``): a
    Python expression per row and column cost a third of reading a
    20,000-row file (bench_indicators).
    """

    values: dict[str, float | None]
    decimals: dict[str, int]
    symbols: dict[str, str | None]
    failed: dict[str, str]

    @classmethod
    def read(cls, texts: Iterable[str]) -> _ColumnFigures:
        values: dict[str, float | None] = {}
        decimals: dict[str, int] = {}
        symbols: dict[str, str | None] = {}
        failed: dict[str, str] = {}
        for text in set(texts):
            try:
                figure = _parse_number(text)
            except ValueError as error:  # ValueParseError, as _parse_distinct catches
                failed[text] = str(error)
                continue
            values[text] = figure.value
            decimals[text] = figure.decimals
            symbols[text] = figure.status_symbol
        return cls(values, decimals, symbols, failed)

    def each(
        self, by_text: Mapping[str, _Part], texts: Sequence[str], missing: _Part
    ) -> list[_Part]:
        """``by_text`` of each of ``texts`` (one of this column's dictionaries); ``missing``
        where the text could not be read."""
        if not self.failed:
            return list(map(by_text.__getitem__, texts))
        return [by_text.get(text, missing) for text in texts]


def _read_wide_row(row: SourceRow, layout: _Layout) -> list[Candidate]:
    shared = _RowReader(row, layout)
    ref = shared.ref()
    attributes = shared.attributes()
    candidates: list[Candidate] = []
    for value_column, source in layout.value_columns:
        text = source.read(row.cells)
        if not text.strip() and not value_column.row_fields:
            continue  # no figure for this period: no row
        reader = _RowReader(row, layout, check_cells=False)
        period = value_column.period
        if period is None and layout.file_period is not None:
            try:
                period = _shift(layout.file_period, value_column.offset)
            except PeriodError as error:
                reader.issue(source, str(error))
        values = reader.figures((source, text), row_fields=value_column.row_fields)
        candidate = reader.candidate(ref, period, values)
        candidate.attributes = attributes
        candidate.unreadable = shared.unreadable
        candidates.append(candidate)
    if shared.issues:
        # The row itself is wrong (its ref, unit …): one error row carries
        # everything, rather than the same reason once per value column.
        first = candidates[0] if candidates else shared.candidate(ref, None, {})
        first.issues = shared.issues + [
            issue for candidate in candidates for issue in candidate.issues
        ]
        return [first]
    return candidates


def _shift(period: Quarter, offset: int) -> Quarter:
    index = period.year * 4 + period.quarter - 1 + offset
    return Quarter(index // 4, index % 4 + 1)


@dataclass
class _Comparators:
    england: list[tuple[int, float | None]] = field(default_factory=list)
    region: list[tuple[int, float | None]] = field(default_factory=list)
    neighbours: list[tuple[float, int]] = field(default_factory=list)  # (value, decimals)
    first_row: int | None = None


def _read_comparator_table(
    table: SourceTable, mapping: ColumnMapping, layout: _Layout, notes: list[str]
) -> list[Candidate]:
    rows = mapping.comparator_rows
    area = layout.area
    # read_candidates chose this layout because the mapping has both.
    assert rows is not None
    assert area is not None
    assert area.index is not None
    role_of: dict[str, str] = {}
    for group_role, codes in (
        ("local", rows.local),
        ("england", rows.england),
        ("region", rows.region),
        ("neighbour", rows.statistical_neighbours or ()),
    ):
        role_of.update({fold_header(code): group_role for code in codes})
    default_role = "neighbour" if rows.statistical_neighbours is None else None

    local_rows: list[SourceRow] = []
    wrong_rows: list[Candidate] = []
    groups: dict[tuple[str, Quarter], _Comparators] = defaultdict(_Comparators)
    merged = ignored = 0
    for row in table.rows:
        role: str | None = role_of.get(fold_header(row.cell(area.index)), default_role)
        if role == "local":
            local_rows.append(row)
        elif role is None:
            ignored += 1
        else:
            wrong = _read_comparator_row(row, layout, role, groups)
            if wrong is None:
                merged += 1
            else:
                wrong_rows.append(wrong)
    # In the file's order (each source row has its own number).
    candidates = sorted(
        _read_long_rows(local_rows, layout) + wrong_rows, key=lambda candidate: candidate.row
    )

    for candidate in candidates:
        if candidate.period is None:
            continue
        group = groups.pop((candidate.ref, candidate.period), _Comparators())
        if not candidate.issues:
            _attach(candidate, group, rows.england, rows.region)
    local = ", ".join(rows.local)
    candidates.extend(
        Candidate(
            row=group.first_row or 0,
            ref=ref,
            period=period,
            issues=[
                ImportIssue(
                    group.first_row,
                    area.label,
                    f"there is no row for the local area ({local}) for {ref} {period.label}, "
                    "only comparators.",
                )
            ],
        )
        for (ref, period), group in groups.items()
    )
    candidates.sort(key=lambda candidate: candidate.row)
    if merged:
        notes.append(
            f"{merged} rows of comparator areas were read into the England, region and "
            "statistical neighbours figures of the local area's rows."
        )
    if ignored:
        notes.append(f"{ignored} rows for areas the mapping does not name were not imported.")
    return candidates


def _read_comparator_row(
    row: SourceRow,
    layout: _Layout,
    role: str,
    groups: dict[tuple[str, Quarter], _Comparators],
) -> Candidate | None:
    """Add a comparator row's figure to its group; a row with problems comes back as a candidate."""
    reader = _RowReader(row, layout)
    ref = reader.ref()
    period = reader.period()
    source, text = reader.text(NativeField.VALUE)
    value = reader.number(source, text, counts_decimals=True)[0] if source else None
    if reader.issues or period is None:
        return reader.candidate(ref, period, {})
    group = groups[ref, period]
    group.first_row = group.first_row or row.number
    if role == "neighbour":
        if value is not None:
            group.neighbours.append((value, reader.decimals))
    else:
        getattr(group, role).append((row.number, value))
    return None


def _attach(
    candidate: Candidate,
    group: _Comparators,
    england_codes: Sequence[str],
    region_codes: Sequence[str],
) -> None:
    added: dict[str, object] = {}
    for role, codes, found in (
        ("england", england_codes, group.england),
        ("region", region_codes, group.region),
    ):
        if not codes:
            continue
        if len(found) > 1:
            rows = ", ".join(str(number) for number, _ in found)
            candidate.issues.append(
                ImportIssue(
                    candidate.row,
                    None,
                    f"{candidate.ref} {_label(candidate.period)} has more than one {role} row "
                    f"(rows {rows}).",
                )
            )
            continue
        added[role] = found[0][1] if found else None
    added["statistical_neighbours"] = _mean(group.neighbours)
    candidate.values = {**candidate.values, **added}


def _mean(figures: Iterable[tuple[float, int]]) -> float | None:
    collected = list(figures)
    if not collected:
        return None
    places = max(decimals for _, decimals in collected) + _MEAN_EXTRA_PLACES
    return round_displayed(math.fsum(value for value, _ in collected) / len(collected), places)


def _label(period: Quarter | None) -> str:
    return "" if period is None else period.label


# ------------------------------------------------------------------ duplicates


def _mark_duplicates(candidates: list[Candidate]) -> None:
    # First occurrences in a dict keyed by plain ints (hashing a Quarter runs
    # Python code); a list only for keys that repeat, which are few.
    first: dict[tuple[str, int, int], Candidate] = {}
    groups: dict[tuple[str, int, int], list[Candidate]] = {}
    for candidate in candidates:
        period = candidate.period
        if candidate.ref and period is not None:
            key = (candidate.ref, period.year, period.quarter)
            seen = first.setdefault(key, candidate)
            if seen is not candidate:
                groups.setdefault(key, [seen]).append(candidate)
    for group in groups.values():
        ref, period = group[0].ref, group[0].period
        assert period is not None  # only candidates with a period are grouped
        numbers = [candidate.row for candidate in group]
        for candidate in group:
            others = ", ".join(str(number) for number in numbers if number != candidate.row)
            candidate.issues.append(
                ImportIssue(
                    candidate.row,
                    None,
                    f"duplicate: {ref} {period.label} is also in row {others}."
                    if others
                    else f"duplicate: {ref} {period.label} twice in this row.",
                )
            )
