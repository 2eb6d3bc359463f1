"""Importing indicator values from CSV or XLSX: preview every row, then apply all or nothing.

The use case in three calls, none of which touches Qt:

1. ``read_table(path)`` (from ``import_files``) reads the file as text;
2. ``preview_import(workspace=…, table=…, mapping=…, period=…)`` plans every
   row against the database *without changing it*;
3. ``apply_import(workspace=…, preview=…)`` writes the plan in one transaction.

A mapping comes from ``guess_mapping(table)`` (the native format),
``load_mapping(path)`` (a saved one, such as those shipped in
``resources/import-mappings``) or the GUI's mapping step.

Contract of :func:`preview_import`:

* Every source row gets a :class:`PlannedRow` (a wide file's row one per
  period it holds; a comparator table's local-area row one, its comparator
  rows none of their own unless they are wrong) with its source row number
  and status: NEW (no figures stored yet for that indicator and period),
  UPDATED (stored, and the file changes at least one field — the changes are
  listed), UNCHANGED, or ERROR with its :class:`ImportIssue` s: column and
  reason ("row 12, column value: 'abc' is not a number").
* Error reasons: a bad period ("Q5 2017/18"), text in a number column, a
  bad unit, polarity or status, no ref, the same ref and period twice in the
  file (every such row), a new ref for which neither the file nor the
  mapping gives a name, theme, unit and polarity, two rows that disagree
  about a new indicator, a row with more cells than headers.
* A problem with the file as a whole (a mapped column it lacks, no period)
  is a ``file_issues`` entry, and then no rows are planned.
* Indicators the import would create are listed in ``new_indicators``. A new
  indicator's settings come first from the mapping's entry for its ref, then
  from the file's columns, then from the mapping's defaults; its display
  decimals, if none of these gives them, are the most decimal places its
  values and targets are written with in the file (at most 3), so that RAG
  is judged at the precision the council publishes. For an *existing*
  indicator the file's name, theme, unit and polarity are not applied; a
  difference is listed in ``notes``.
* The database is only read.

Contract of :func:`apply_import`:

* A preview with any error refuses (:class:`ImportRefusedError`) and nothing
  is written.
* Otherwise, in ONE transaction: themes are ensured (``ensure_theme``), new
  indicators inserted, NEW rows inserted, UPDATED rows updated (only their
  changed fields, with ``version`` bumped and checked — a row changed by
  someone else since the preview makes the whole import fail with
  :class:`ImportConflictError`, as does a row or indicator someone else has
  created meanwhile), and the audit written. Any failure leaves the
  database exactly as it was.
* Rows are written in bulk, never as ORM objects: new value rows with one
  ``executemany`` on the driver (a statement SQLAlchemy compiles for the
  database in use), updates likewise, one per set of changed fields.
  Reading, previewing and applying 20,000 rows takes about half a second;
  the cyclic garbage collector is paused while previewing and applying
  (``collector.no_cyclic_gc``), and while a CSV file is read.
* Imported figures are real data: ``is_sample`` is false.
* Audit: one ``audit_entry`` for the import (table ``indicator_value``,
  row_id 0 because it is many rows, change ``import``, details JSON with the
  file, mapping, period, counts and the refs created), plus one per
  indicator touched (table ``indicator``, its id, change ``import``, details
  with the file, whether it was created, and how many of its periods were
  new or updated, listed by label). Per-indicator entries cost a few hundred
  rows at most and let an indicator's history say "imported from …"; one
  entry per value row would double the write for a 100,000-row file and
  repeat what the file itself records.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from itertools import compress, repeat
from operator import attrgetter, is_, itemgetter, ne
from pathlib import Path
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import col

from qpmr_desktop.domain.ids import IndicatorId
from qpmr_desktop.domain.performance import Frequency, MeasureType, Polarity, ToleranceKind
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.services.collector import no_cyclic_gc
from qpmr_desktop.services.import_files import (
    FileKind,
    ImportFileError,
    SourceRow,
    SourceTable,
    read_table,
)
from qpmr_desktop.services.import_mapping import (
    INDICATOR_FIELDS,
    ColumnMapping,
    ComparatorRows,
    IndicatorSettings,
    MappingError,
    NativeField,
    PeriodFormat,
    ValueColumn,
    guess_mapping,
    load_mapping,
    save_mapping,
)
from qpmr_desktop.services.import_rows import (
    Candidate,
    ImportIssue,
    names_and_figures,
    read_candidates,
)
from qpmr_desktop.services.themes import ensure_theme
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import AuditEntry, Indicator, IndicatorValue

__all__ = [
    "ColumnMapping",
    "ComparatorRows",
    "FieldChange",
    "FileKind",
    "ImportConflictError",
    "ImportCounts",
    "ImportFileError",
    "ImportIssue",
    "ImportPreview",
    "ImportRefusedError",
    "ImportResult",
    "IndicatorSettings",
    "MappingError",
    "NativeField",
    "NewIndicator",
    "PeriodFormat",
    "PlannedRow",
    "RowStatus",
    "SourceRow",
    "SourceTable",
    "ValueColumn",
    "apply_import",
    "guess_mapping",
    "load_mapping",
    "preview_import",
    "read_table",
    "save_mapping",
]

#: The stored fields of ``indicator_value`` an import may set, in report order.
STORED_FIELDS = (
    "value",
    "target",
    "england",
    "region",
    "statistical_neighbours",
    "numerator",
    "denominator",
    "status_symbol",
    "provisional",
    "commentary",
)
_INFERRED_DECIMALS_CAP = 3
# SQLite allows 32,766 bound parameters per statement; stay far below.
_IN_CHUNK = 500


class ImportRefusedError(Exception):
    """``apply_import`` was given a preview with errors; nothing was written."""


class ImportConflictError(Exception):
    """The database changed between the preview and applying it; nothing was written."""


class RowStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


# FieldChange and PlannedRow are named tuples, not frozen dataclasses: both are
# made once per row (20,000 and more at a time), and a frozen dataclass's
# __init__ made PlannedRows three times slower (tests/benchmarks/bench_indicators.py).
class FieldChange(NamedTuple):
    """One stored field an UPDATED row changes."""

    field: str
    old: object
    new: object


class PlannedRow(NamedTuple):
    """What the import will do with one indicator and period, and which source row said so.

    ``values`` are the stored fields the file sets (``value``, ``target`` …,
    ``status_symbol``, ``provisional``, ``commentary``); ``stored`` is what
    the database holds for the same fields, in the same order, on an UPDATED
    or UNCHANGED row. ``value_id`` and ``version`` identify that stored row.
    """

    source_row: int
    status: RowStatus
    indicator_ref: str
    period: Quarter | None
    values: Mapping[str, object]
    stored: tuple[object, ...] = ()
    issues: tuple[ImportIssue, ...] = ()
    value_id: int | None = None
    version: int | None = None

    @property
    def period_label(self) -> str:
        return "" if self.period is None else self.period.label

    # The changes are worked out when asked for, not while planning: most
    # rows are never looked at one by one, and making a FieldChange for each
    # changed field of 8,000 revised rows cost a tenth of planning them
    # (bench_indicators). Applying reads changed_fields instead.
    @property
    def changes(self) -> tuple[FieldChange, ...]:
        """The fields an UPDATED row changes, in the order of ``values``; () otherwise."""
        if self.status is not RowStatus.UPDATED:
            return ()
        names, figures = names_and_figures(self.values)
        return tuple(
            [
                FieldChange(name, old, new)
                for name, old, new in zip(names, self.stored, figures, strict=True)
                if old != new
            ]
        )

    def changed_fields(self) -> tuple[tuple[str, ...], tuple[object, ...]]:
        """The names of the fields an UPDATED row changes, and their new values, in order."""
        if self.status is not RowStatus.UPDATED:
            return (), ()
        names, figures = names_and_figures(self.values)
        changed = list(map(ne, self.stored, figures))
        return tuple(compress(names, changed)), tuple(compress(figures, changed))


@dataclass(frozen=True, slots=True)
class NewIndicator:
    """An indicator the import creates, with every setting it will have."""

    ref: str
    name: str
    theme: str
    unit: Unit
    polarity: Polarity
    frequency: Frequency
    measure_type: MeasureType
    decimals: int
    tolerance: float | None
    tolerance_kind: ToleranceKind
    lead_service: str
    owner: str
    source: str
    definition: str
    first_row: int


@dataclass(frozen=True, slots=True)
class ImportCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged + self.errors

    def as_dict(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


@dataclass(frozen=True)
class ImportPreview:
    """Everything an import would do; see the module contract. Immutable."""

    table: SourceTable
    mapping: ColumnMapping
    period: Quarter | None
    rows: tuple[PlannedRow, ...]
    new_indicators: tuple[NewIndicator, ...] = ()
    file_issues: tuple[ImportIssue, ...] = ()
    notes: tuple[str, ...] = ()
    unused_columns: tuple[str, ...] = ()
    # ref → id of every existing indicator the rows name (for apply_import).
    indicator_ids: Mapping[str, int] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.table.path

    # Worked out once: a preview never changes, and a view may ask often.
    @cached_property
    def rows_by_status(self) -> Mapping[RowStatus, Sequence[PlannedRow]]:
        """The rows of each status, in row order (one pass over the rows)."""
        groups: dict[RowStatus, list[PlannedRow]] = {status: [] for status in RowStatus}
        for row in self.rows:
            groups[row.status].append(row)
        return groups

    @cached_property
    def counts(self) -> ImportCounts:
        groups = self.rows_by_status
        return ImportCounts(
            new=len(groups[RowStatus.NEW]),
            updated=len(groups[RowStatus.UPDATED]),
            unchanged=len(groups[RowStatus.UNCHANGED]),
            errors=len(groups[RowStatus.ERROR]),
        )

    @cached_property
    def has_errors(self) -> bool:
        return bool(self.file_issues) or bool(self.rows_by_status[RowStatus.ERROR])

    @cached_property
    def issues(self) -> tuple[ImportIssue, ...]:
        """Every problem: the file's first, then the rows' in row order."""
        row_issues = sorted(
            (issue for row in self.rows for issue in row.issues),
            key=lambda issue: issue.row or 0,
        )
        return self.file_issues + tuple(row_issues)


@dataclass(frozen=True)
class ImportResult:
    """What an applied import changed, so views refresh only that."""

    inserted: int
    updated: int
    unchanged: int
    created_indicators: tuple[str, ...]
    indicator_ids: frozenset[IndicatorId]
    audit_id: int


# ------------------------------------------------------------------ preview


@dataclass(frozen=True, slots=True)
class _Existing:
    id: int
    name: str
    theme: str
    unit: Unit
    polarity: Polarity
    retired: bool


# A stored value row as read: (id, version, indicator_id, year, quarter, then
# the STORED_FIELDS in order). Kept as the row tuple: a dict per stored row
# cost 0.27 s of a 20,000-row benchmark import.
_StoredRow = Sequence[Any]
_FIRST_FIELD = 5
_FIELD_POSITION = {name: _FIRST_FIELD + number for number, name in enumerate(STORED_FIELDS)}


def preview_import(
    *,
    workspace: Workspace,
    table: SourceTable,
    mapping: ColumnMapping,
    period: Quarter | None = None,
) -> ImportPreview:
    """Plan the import of ``table`` through ``mapping``; the database is only read."""
    # Previewing and applying 20,000 rows make hundreds of thousands of small
    # objects that live until the end; the collector walked them over and
    # over for nothing (pausing it took a benchmark import from 1.42 s to
    # 0.90 s, bench_indicators).
    with no_cyclic_gc():
        return _preview(workspace, table, mapping, period)


def _preview(
    workspace: Workspace, table: SourceTable, mapping: ColumnMapping, period: Quarter | None
) -> ImportPreview:
    read = read_candidates(table, mapping, period=period)
    file_period = period if period is not None else mapping.period
    if read.file_issues:
        return ImportPreview(
            table=table,
            mapping=mapping,
            period=file_period,
            rows=(),
            file_issues=tuple(read.file_issues),
            unused_columns=read.unused_columns,
        )
    candidates = read.candidates
    # Each candidate's ref read once, by map in C; the refs and years the
    # file names from the distinct values (hashing a Quarter runs Python
    # code, so periods are told apart by object first).
    refs_named = list(map(attrgetter("ref"), candidates))
    refs = set(refs_named) - {""}
    periods = list(map(attrgetter("period"), candidates))
    distinct_periods = dict(zip(map(id, periods), periods, strict=True)).values()
    years = {period.year for period in distinct_periods if period is not None}
    with workspace.database.session() as session:
        connection = session.connection()
        existing = _existing_indicators(connection, refs)
        stored = _stored_values(
            connection, [indicator.id for indicator in existing.values()], years
        )
    notes = list(read.notes)
    new_indicators = (
        _plan_new_indicators(candidates, mapping, existing) if refs - existing.keys() else []
    )
    notes.extend(_differences(candidates, refs_named, existing, mapping))
    rows = _planned_rows(candidates, existing, stored)
    return ImportPreview(
        table=table,
        mapping=mapping,
        period=file_period,
        rows=rows,
        new_indicators=tuple(new_indicators),
        notes=tuple(notes),
        unused_columns=read.unused_columns,
        indicator_ids={ref: indicator.id for ref, indicator in existing.items()},
    )


def _existing_indicators(connection: sa.Connection, refs: set[str]) -> dict[str, _Existing]:
    query = sa.select(
        col(Indicator.id),
        col(Indicator.ref),
        col(Indicator.name),
        col(Indicator.theme),
        col(Indicator.unit),
        col(Indicator.polarity),
        col(Indicator.retired),
    )
    found: dict[str, _Existing] = {}
    for chunk in _chunks(sorted(refs)):
        for row in connection.execute(query.where(col(Indicator.ref).in_(chunk))):
            found[row.ref] = _Existing(
                id=row.id,
                name=row.name,
                theme=row.theme,
                unit=Unit(row.unit),
                polarity=Polarity(row.polarity),
                retired=row.retired,
            )
    return found


def _stored_values(
    connection: sa.Connection, indicator_ids: Sequence[int], years: set[int]
) -> dict[tuple[int, int, int], _StoredRow]:
    """The stored rows of ``indicator_ids`` in ``years`` (the years the file names), by key.

    Reading only those years halves the rows read for a file of recent
    quarters; with very many years, every row of the indicators is read.
    """
    columns = [getattr(IndicatorValue, name) for name in STORED_FIELDS]
    query = sa.select(
        col(IndicatorValue.id),
        col(IndicatorValue.version),
        col(IndicatorValue.indicator_id),
        col(IndicatorValue.year),
        col(IndicatorValue.quarter),
        *columns,
    )
    if len(years) <= _IN_CHUNK:
        query = query.where(col(IndicatorValue.year).in_(sorted(years)))
    stored: dict[tuple[int, int, int], _StoredRow] = {}
    for chunk in _chunks(sorted(indicator_ids)):
        result = connection.execute(query.where(col(IndicatorValue.indicator_id).in_(chunk)))
        # Rows by position (see _StoredRow), converted by SQLAlchemy (booleans);
        # fetched all at once, which is faster than row by row.
        for row in result.all():
            stored[row[2], row[3], row[4]] = row
    return stored


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _IN_CHUNK):
        yield items[start : start + _IN_CHUNK]


_REQUIRED = {
    NativeField.INDICATOR_NAME: "name",
    NativeField.THEME: "theme",
    NativeField.UNIT: "unit",
    NativeField.POLARITY: "polarity",
}


def _plan_new_indicators(
    candidates: Sequence[Candidate],
    mapping: ColumnMapping,
    existing: Mapping[str, _Existing],
) -> list[NewIndicator]:
    """The indicators to create; problems go onto the candidates that name them."""
    by_ref: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        if candidate.ref and candidate.ref not in existing:
            by_ref[candidate.ref].append(candidate)
    planned: list[NewIndicator] = []
    for ref, group in by_ref.items():
        from_file = _agreed_attributes(group)
        settings = mapping.settings_for(ref)
        defaults = mapping.defaults
        chosen: dict[NativeField, Any] = {}
        for native, name in _REQUIRED.items():
            value = getattr(settings, name)
            if value is None:
                value = from_file.get(native)
            if value is None:
                value = getattr(defaults, name)
            chosen[native] = value
        missing = [native for native, value in chosen.items() if value is None]
        if missing:
            for candidate in group:
                # A row that gave the field in words that could not be read
                # already says so; it need not also hear that the field is missing.
                untold = [
                    _REQUIRED[native] for native in missing if native not in candidate.unreadable
                ]
                if untold:
                    candidate.issues.append(
                        ImportIssue(
                            candidate.row,
                            candidate.ref_column,
                            f"{ref!r} is not an indicator in this database, and to create it "
                            f"the file or the mapping must give its {_and_list(untold)}.",
                        )
                    )
            continue
        decimals = settings.decimals if settings.decimals is not None else defaults.decimals
        if decimals is None:
            decimals = min(_INFERRED_DECIMALS_CAP, max(candidate.decimals for candidate in group))
        planned.append(
            NewIndicator(
                ref=ref,
                name=chosen[NativeField.INDICATOR_NAME],
                theme=chosen[NativeField.THEME],
                unit=chosen[NativeField.UNIT],
                polarity=chosen[NativeField.POLARITY],
                frequency=_setting(settings, defaults, "frequency") or Frequency.QUARTERLY,
                measure_type=_setting(settings, defaults, "measure_type") or MeasureType.QUARTER,
                decimals=decimals,
                tolerance=_setting(settings, defaults, "tolerance"),
                tolerance_kind=(
                    _setting(settings, defaults, "tolerance_kind") or ToleranceKind.ABSOLUTE
                ),
                lead_service=_setting(settings, defaults, "lead_service") or "",
                owner=_setting(settings, defaults, "owner") or "",
                source=_setting(settings, defaults, "source") or "",
                definition=_setting(settings, defaults, "definition") or "",
                first_row=group[0].row,
            )
        )
    return planned


def _setting(settings: IndicatorSettings, defaults: IndicatorSettings, name: str) -> Any:
    value = getattr(settings, name)
    return getattr(defaults, name) if value is None else value


def _agreed_attributes(group: Sequence[Candidate]) -> dict[NativeField, object]:
    """What the file's rows say about a new indicator; a row that disagrees gets an issue."""
    agreed: dict[NativeField, tuple[object, int]] = {}
    for candidate in group:
        for native, value in candidate.attributes.items():
            if native not in agreed:
                agreed[native] = (value, candidate.row)
                continue
            first, row = agreed[native]
            if value != first and candidate.row != row:
                candidate.issues.append(
                    ImportIssue(
                        candidate.row,
                        None,
                        f"{native.value} {_shown(value)} differs from {_shown(first)} in row "
                        f"{row} for the new indicator {candidate.ref!r}.",
                    )
                )
    return {native: value for native, (value, _) in agreed.items()}


def _shown(value: object) -> str:
    return repr(value.value if isinstance(value, StrEnum) else value)


def _and_list(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _differences(
    candidates: Sequence[Candidate],
    refs: Sequence[str],
    existing: Mapping[str, _Existing],
    mapping: ColumnMapping,
) -> list[str]:
    """Notes where the import describes an existing indicator differently (its settings are kept).

    What the import "says" is what it would create: the mapping's entry for
    the ref first, then the file's column. ``refs`` are the candidates' refs.
    """
    notes: list[str] = []
    seen: set[tuple[str, NativeField]] = set()
    # Rows that say the same about an indicator share one attributes dict:
    # only the first candidate of each (ref, attributes) is looked at, found
    # by zip and dict in C (reversed, so that the first occurrence wins).
    said = list(zip(refs, map(id, map(attrgetter("attributes"), candidates)), strict=True))
    first_of = dict(zip(reversed(said), range(len(said) - 1, -1, -1), strict=True))
    for position in sorted(first_of.values()):
        candidate = candidates[position]
        indicator = existing.get(candidate.ref)
        if indicator is None:
            continue
        settings = mapping.settings_for(candidate.ref)
        for native in INDICATOR_FIELDS:
            name = _REQUIRED[native]
            given = getattr(settings, name)
            if given is None:
                given = candidate.attributes.get(native)
            if given is None or (candidate.ref, native) in seen:
                continue
            stored = getattr(indicator, name)
            if given != stored:
                seen.add((candidate.ref, native))
                notes.append(
                    f"row {candidate.row}: the import gives {candidate.ref}'s {name} "
                    f"as {_shown(given)}, the database has {_shown(stored)}; the database's "
                    "is kept."
                )
        if indicator.retired and (candidate.ref, NativeField.INDICATOR_REF) not in seen:
            seen.add((candidate.ref, NativeField.INDICATOR_REF))
            notes.append(f"{candidate.ref} is retired; its figures are imported all the same.")
    return notes


def _planned_rows(
    candidates: Sequence[Candidate],
    existing: Mapping[str, _Existing],
    stored: Mapping[tuple[int, int, int], _StoredRow],
) -> tuple[PlannedRow, ...]:
    """What the import does with each candidate, compared with its stored row.

    One loop, with names bound outside it: this runs once per row of the
    file (20,000 in the benchmark), and a call per row with keywords cost a
    fifth more. Each PlannedRow is made by ``tuple.__new__`` with all its
    fields: a named tuple's own ``__new__`` is a Python function, which
    doubled the cost of making one.
    """
    ids = {ref: indicator.id for ref, indicator in existing.items()}
    error, new, updated, unchanged = (
        RowStatus.ERROR,
        RowStatus.NEW,
        RowStatus.UPDATED,
        RowStatus.UNCHANGED,
    )
    planned: list[PlannedRow] = []
    add = planned.append
    make = tuple.__new__
    getter_names: tuple[str, ...] | None = None
    stored_fields = _stored_getter(())
    for candidate in candidates:
        period = candidate.period
        values = candidate.values
        if candidate.issues or period is None:
            issues = tuple(candidate.issues)
            add(
                make(
                    PlannedRow,
                    (candidate.row, error, candidate.ref, period, values, (), issues, None, None),
                )
            )
            continue
        indicator_id = ids.get(candidate.ref)
        current = (
            None
            if indicator_id is None
            else stored.get((indicator_id, period.year, period.quarter))
        )
        if current is None:
            add(
                make(
                    PlannedRow,
                    (candidate.row, new, candidate.ref, period, values, (), (), None, None),
                )
            )
            continue
        names, after = names_and_figures(values)
        if names is not getter_names:  # nearly every row shares its names with the last
            getter_names, stored_fields = names, _stored_getter(names)
        before = stored_fields(current)
        # The stored fields the file sets, compared all at once.
        status = unchanged if before == after else updated
        add(
            make(
                PlannedRow,
                (candidate.row, status, candidate.ref, period, values, before, (), *current[:2]),
            )
        )
    return tuple(planned)


@cache
def _stored_getter(names: tuple[str, ...]) -> Callable[[_StoredRow], tuple[object, ...]]:
    """A function from a stored row to the tuple of its ``names`` fields, in that order."""
    return _tuple_getter([_FIELD_POSITION[name] for name in names])


def _tuple_getter(positions: Sequence[int]) -> Callable[[Sequence[Any]], tuple[object, ...]]:
    """A function from a row to the tuple of its items at ``positions``, in that order.

    ``itemgetter`` when it can (in C); with fewer than two positions it
    would give the item itself, not a tuple.
    """
    if len(positions) < 2:
        return lambda row: tuple(row[position] for position in positions)
    return cast("Callable[[Sequence[Any]], tuple[object, ...]]", itemgetter(*positions))


# ------------------------------------------------------------------ apply


def apply_import(*, workspace: Workspace, preview: ImportPreview) -> ImportResult:
    """Write ``preview`` in one transaction, or nothing; see the module contract."""
    with no_cyclic_gc():  # as in preview_import
        return _apply(workspace, preview)


def _apply(workspace: Workspace, preview: ImportPreview) -> ImportResult:
    if preview.has_errors:
        errors = preview.counts.errors + len(preview.file_issues)
        raise ImportRefusedError(
            f"The import of {preview.path.name} has {errors} error(s); fix the file and "
            "preview it again. Nothing was imported."
        )
    new_rows = list(preview.rows_by_status[RowStatus.NEW])
    updated_rows = list(preview.rows_by_status[RowStatus.UPDATED])
    try:
        with workspace.database.session() as session:
            connection = session.connection()
            for theme in dict.fromkeys(indicator.theme for indicator in preview.new_indicators):
                ensure_theme(session, theme)
            ids = dict(preview.indicator_ids)
            ids.update(_insert_indicators(connection, preview))
            _insert_values(connection, new_rows, ids)
            if not _update_values(connection, updated_rows):
                # Someone else changed or deleted a row since the preview;
                # raising here makes the session roll everything back.
                raise ImportConflictError(_conflict_message(preview))
            audit_id = _write_audit(
                connection,
                who=workspace.user,
                preview=preview,
                ids=ids,
                new_rows=new_rows,
                updated_rows=updated_rows,
            )
    except sa.exc.IntegrityError as error:
        raise ImportConflictError(_conflict_message(preview)) from error
    touched = {ids[row.indicator_ref] for row in new_rows + updated_rows}
    touched.update(ids[indicator.ref] for indicator in preview.new_indicators)
    return ImportResult(
        inserted=len(new_rows),
        updated=len(updated_rows),
        unchanged=preview.counts.unchanged,
        created_indicators=tuple(indicator.ref for indicator in preview.new_indicators),
        indicator_ids=frozenset(IndicatorId(each) for each in touched),
        audit_id=audit_id,
    )


def _conflict_message(preview: ImportPreview) -> str:
    return (
        f"The database changed while {preview.path.name} was being previewed (someone else "
        "saved figures or indicators it touches). Nothing was imported: preview it again."
    )


def _insert_indicators(connection: sa.Connection, preview: ImportPreview) -> dict[str, int]:
    if not preview.new_indicators:
        return {}
    note = f"Created by importing {preview.path.name}."
    connection.execute(
        sa.insert(Indicator),
        [
            {
                "ref": indicator.ref,
                "name": indicator.name,
                "theme": indicator.theme,
                "unit": indicator.unit,
                "polarity": indicator.polarity,
                "frequency": indicator.frequency,
                "measure_type": indicator.measure_type,
                "decimals": indicator.decimals,
                "tolerance": indicator.tolerance,
                "tolerance_kind": indicator.tolerance_kind,
                "lead_service": indicator.lead_service,
                "owner": indicator.owner,
                "source": indicator.source,
                "definition": indicator.definition,
                "notes": note,
                "retired": False,
                "is_sample": False,
                "version": 1,
            }
            for indicator in preview.new_indicators
        ],
    )
    refs = [indicator.ref for indicator in preview.new_indicators]
    ids: dict[str, int] = {}
    for chunk in _chunks(refs):
        query = sa.select(col(Indicator.id), col(Indicator.ref)).where(
            col(Indicator.ref).in_(chunk)
        )
        ids.update({row.ref: row.id for row in connection.execute(query)})
    return ids


_NEW_ROW_DEFAULTS: dict[str, object] = {
    "value": None,
    "target": None,
    "england": None,
    "region": None,
    "statistical_neighbours": None,
    "numerator": None,
    "denominator": None,
    "status_symbol": None,
    "provisional": False,
    "commentary": "",
}


# The columns a new value row is inserted with, and what each is when the file does not say.
_INSERT_COLUMNS: tuple[tuple[str, object], ...] = (
    *_NEW_ROW_DEFAULTS.items(),
    ("floor", None),
    ("is_sample", False),  # imported figures are real data
    ("data_as_at", None),
    ("version", 1),
)


def _insert_values(
    connection: sa.Connection, rows: Sequence[PlannedRow], ids: Mapping[str, int]
) -> None:
    if not rows:
        return
    names = ("indicator_id", "year", "quarter", *(name for name, _ in _INSERT_COLUMNS))
    defaults = tuple(_driver_value(value) for _, value in _INSERT_COLUMNS)
    # Each record in the order of ``names``, picked by one itemgetter from
    # the key, the file's fields and then the defaults (the first of a name
    # wins): a dict per row, merged and read by name, cost 0.1 s for 10,000
    # rows. Rows that set the same fields share the itemgetter, and know
    # where their one boolean field is (see _driver_value).
    pickers: dict[tuple[str, ...], tuple[_Picker, int]] = {}
    records = []
    for row in rows:
        period = row.period
        assert period is not None  # only rows without issues are NEW
        fields, figures = names_and_figures(row.values)
        known = pickers.get(fields)
        if known is None:
            given = ("indicator_id", "year", "quarter", *fields, *(n for n, _ in _INSERT_COLUMNS))
            known = pickers[fields] = (
                itemgetter(*(given.index(name) for name in names)),
                fields.index(_PROVISIONAL) if _PROVISIONAL in fields else -1,
            )
        pick, provisional_at = known
        if provisional_at >= 0:
            figures = (
                *figures[:provisional_at],
                _driver_value(figures[provisional_at]),
                *figures[provisional_at + 1 :],
            )
        records.append(
            pick((ids[row.indicator_ref], period.year, period.quarter, *figures, *defaults))
        )
    _insert_records(connection, IndicatorValue.__table__, names, records)  # type: ignore[attr-defined]


def _insert_records(
    connection: sa.Connection,
    table: sa.Table,
    names: tuple[str, ...],
    records: Sequence[tuple[object, ...]],
) -> None:
    """Insert ``records`` (values in the order of ``names``) into ``table``, NULLs written in.

    Python's sqlite3 binds None, like a bool, through its adaptation
    protocol (two AttributeErrors formatted per value): 10,000 new rows of
    a benchmark import bound 90,000 of them. Records are grouped by which
    of their values are None, and each group is inserted by a statement
    that writes NULL there and binds only the rest.
    """
    groups: dict[tuple[bool, ...], list[tuple[object, ...]]] = defaultdict(list)
    for record in records:
        groups[tuple(map(is_, record, repeat(None)))].append(record)
    dialect = connection.dialect
    for nulls, group in groups.items():
        # Compiled once per kind of database and shape: every workspace has
        # a dialect object of its own, but the same SQL.
        key = (type(dialect), dialect.paramstyle, table, names, nulls)
        shaped = _INSERTS_WITH_NULLS.get(key)
        if shaped is None:
            if len(_INSERTS_WITH_NULLS) >= _MAX_SHAPES:
                _INSERTS_WITH_NULLS.clear()
            shaped = _INSERTS_WITH_NULLS[key] = _insert_with_nulls(dialect, table, names, nulls)
        bound, pick = shaped
        _bulk_execute(connection, bound, list(map(pick, group)))


_Picker = Callable[[tuple[object, ...]], tuple[object, ...]]
_INSERTS_WITH_NULLS: dict[tuple[object, ...], tuple[_Bound, _Picker]] = {}
_MAX_SHAPES = 512


def _insert_with_nulls(
    dialect: sa.Dialect, table: sa.Table, names: tuple[str, ...], nulls: tuple[bool, ...]
) -> tuple[_Bound, _Picker]:
    """An insert of ``names`` with NULL written where ``nulls`` says; and the itemgetter
    that picks a record's other values in the statement's order."""
    statement = sa.insert(table).values(
        {
            name: sa.null() if null else sa.bindparam(name)
            for name, null in zip(names, nulls, strict=True)
        }
    )
    bound = _Bound.compiled(dialect, statement)
    return bound, _tuple_getter([names.index(name) for name in bound.order])


# The one boolean among the fields a file sets (STORED_FIELDS).
_PROVISIONAL = "provisional"


def _driver_value(value: object) -> object:
    """``value`` as SQLite's driver binds it directly: a bool as the 0 or 1 SQLite stores.

    SQLite has no booleans. The driver binds a bool, which is not exactly an
    int, through its adaptation protocol, which looks for __adapt__ and
    __conform__ and formats an AttributeError for each (as it does for None,
    see _insert_records: the two together took a seventh of importing a
    20,000-row file, callgrind, bench_indicators). An int is bound as it is,
    and the row stored is the same (SQLAlchemy's Boolean reads 0 and 1 back
    as False and True).
    """
    return int(value) if type(value) is bool else value


@dataclass(frozen=True)
class _Bound:
    """A statement compiled once for this database, and the parameters it binds, in order.

    ``order`` is the order the driver takes a positional record's values in
    (records are built in it); with named parameters, any order.
    """

    sql: str
    order: tuple[str, ...]
    positional: bool

    @classmethod
    def of(cls, connection: sa.Connection, statement: sa.ClauseElement) -> _Bound:
        return cls.compiled(connection.dialect, statement)

    @classmethod
    def compiled(cls, dialect: sa.Dialect, statement: sa.ClauseElement) -> _Bound:
        compiled = cast("SQLCompiler", statement.compile(dialect=dialect))
        order = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
        return cls(str(compiled), order, compiled.positional)


def _bulk_execute(
    connection: sa.Connection, bound: _Bound, records: Sequence[tuple[object, ...]]
) -> sa.CursorResult[Any]:
    """``bound`` run once per record (each in ``bound.order``): one ``executemany`` on the driver.

    SQLAlchemy's own executemany processes every row's parameters in Python,
    which costs more than SQLite's work itself; the statement is still
    compiled by SQLAlchemy, for whichever database this is. The values must
    be plain (no enums or dates to convert).
    """
    rows: list[Any] = (
        list(records)
        if bound.positional
        else [dict(zip(bound.order, record, strict=True)) for record in records]
    )
    return connection.exec_driver_sql(bound.sql, rows)


def _update_values(connection: sa.Connection, rows: Sequence[PlannedRow]) -> bool:
    """Update every row at the version the preview saw; False if any was not there at it."""
    # One executemany per set of changed fields: all rows of a statement must
    # bind the same parameters, and only changed fields are written.
    groups: dict[tuple[str, ...], list[tuple[object, ...]]] = defaultdict(list)
    for row in rows:
        names, figures = row.changed_fields()
        groups[names].append((*figures, row.value_id, row.version))
    table = IndicatorValue.__table__  # type: ignore[attr-defined]
    for names, given in groups.items():
        statement = (
            sa.update(table)
            .where(
                table.c.id == sa.bindparam("_id"),
                table.c.version == sa.bindparam("_version"),
            )
            .values(
                {name: sa.bindparam(f"_{name}") for name in names}
                # Written into the statement: every parameter comes from the records.
                | {"version": table.c.version + sa.literal_column("1")}
            )
        )
        # Run on the driver with plain tuples (see _bulk_execute): SQLAlchemy's
        # executemany built each row's parameters in Python, 0.3 s for 8,000
        # updated rows.
        bound = _Bound.of(connection, statement)
        keys = (*(f"_{name}" for name in names), "_id", "_version")
        records = given
        if _PROVISIONAL in names:  # as in _insert_values
            at = names.index(_PROVISIONAL)
            records = [
                (*record[:at], _driver_value(record[at]), *record[at + 1 :]) for record in given
            ]
        if bound.order != keys:
            picker = itemgetter(*(keys.index(name) for name in bound.order))
            records = [picker(record) for record in records]
        result = _bulk_execute(connection, bound, records)
        if result.rowcount != len(records):
            return False
    return True


def _write_audit(
    connection: sa.Connection,
    *,
    who: str,
    preview: ImportPreview,
    ids: Mapping[str, int],
    new_rows: Sequence[PlannedRow],
    updated_rows: Sequence[PlannedRow],
) -> int:
    at = dt.datetime.now(dt.UTC)
    counts = preview.counts
    created = [indicator.ref for indicator in preview.new_indicators]
    summary = {
        "file": str(preview.path),
        "format": preview.table.description,
        "mapping": preview.mapping.name,
        "period": None if preview.period is None else preview.period.label,
        "counts": counts.as_dict(),
        "indicators_created": created,
    }
    result = connection.execute(
        sa.insert(AuditEntry).values(
            at=at,
            who=who,
            table_name="indicator_value",
            row_id=0,
            change="import",
            details=json.dumps(summary, ensure_ascii=False),
        )
    )
    (audit_id,) = result.inserted_primary_key or (0,)

    new_labels = _period_labels_by_ref(new_rows)
    updated_labels = _period_labels_by_ref(updated_rows)
    refs = list(dict.fromkeys([*created, *new_labels, *updated_labels]))
    no_periods: list[str] = []
    if refs:
        table = AuditEntry.__table__  # type: ignore[attr-defined]
        # On the driver like the values (see _bulk_execute); the time, the one
        # value that needs its column type's conversion, is converted once.
        at_type = table.c.at.type.dialect_impl(connection.dialect)
        convert = at_type.bind_processor(connection.dialect)
        stored_at = at if convert is None else convert(at)
        names = ("at", "who", "table_name", "row_id", "change", "details")
        bound = _Bound.of(
            connection, sa.insert(table).values({name: sa.bindparam(name) for name in names})
        )
        columns = itemgetter(*bound.order)
        path = str(preview.path)
        records = [
            columns(
                {
                    "at": stored_at,
                    "who": who,
                    "table_name": "indicator",
                    "row_id": ids[ref],
                    "change": "import",
                    "details": json.dumps(
                        {
                            "file": path,
                            "ref": ref,
                            "created": ref in created,
                            "new": new_labels.get(ref, no_periods),
                            "updated": updated_labels.get(ref, no_periods),
                        },
                        ensure_ascii=False,
                    ),
                }
            )
            for ref in refs
        ]
        _bulk_execute(connection, bound, records)
    return int(audit_id)


def _period_labels_by_ref(rows: Sequence[PlannedRow]) -> dict[str, list[str]]:
    """Each indicator's period labels among ``rows``, in their order.

    The rows' refs and periods are read by ``map`` in C and each distinct
    period (a file names few, each many times) is labelled once, keyed by
    its object: hashing a Quarter runs Python code. Only the filing is a
    Python loop (a loop doing it all cost 20 ms of a 20,000-row import).
    """
    refs = list(map(attrgetter("indicator_ref"), rows))
    periods = list(map(attrgetter("period"), rows))
    distinct = dict(zip(map(id, periods), periods, strict=True))
    label_of = {key: "" if period is None else period.label for key, period in distinct.items()}
    by_ref: dict[str, list[str]] = {ref: [] for ref in dict.fromkeys(refs)}
    for ref, label in zip(refs, map(label_of.__getitem__, map(id, periods)), strict=True):
        by_ref[ref].append(label)
    return by_ref
