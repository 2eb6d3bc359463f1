"""Indicator use cases: the scorecard, one indicator in detail, and the theme names.

The effective-target rule — written here once, used by the scorecard, the
detail and everything that judges a period:

- a period's **target** is the value row's own target when it has one, else
  the target set for its financial year (``indicator_target``), else none;
- its **floor** likewise: the row's own, else the year's, else none;
- its **tolerance** is the year's when the year sets one, else the
  indicator's; the tolerance and its kind go together, so a year's tolerance
  with no kind of its own is read in the indicator's kind, and a year's kind
  without a tolerance of its own is ignored (there is nothing to read in it).

``effective_target`` applies it; nothing else may decide it differently.

Contract of ``list_indicator_rows``:
- every indicator that is not retired, ordered by its theme's position (the
  council's order: Start Well before Live Well), then by ref in
  natural order ("CLA-2" before "CLA-10");
- its *latest period with a value* (a row that holds only a target for a future
  quarter does not count), that period's value and effective target formatted
  by the indicator's unit and decimals, and the RAG judgement with its reason
  sentence, made by ``domain.performance.judge_rag`` with the indicator's
  polarity and the period's effective target, floor and tolerance;
- the direction of travel against the previous quarter and against the same
  quarter last year (``domain.performance.direction_of_travel``), and a
  sentence that says both, naming the periods, or that there is no figure to
  compare with;
- the record flag ("Highest ever recorded") from every earlier value;
- an indicator with no values at all has ``latest_period`` None and ``Rag.NO_DATA``.

It reads with Core selects in one short session, never per-row ORM loads:
the tab must open instantly on ten years of quarterly data. The judgement of
each indicator is *kept* in ``indicator_scorecard`` (one row per indicator:
every field of ``IndicatorRow`` that is derived, and ``rules``, the
``scorecard_rules()`` fingerprint of the code that judged it), so that opening
the tab usually costs one select and no judging:

- the first select reads the live indicators (with their themes' positions;
  themes are never kept) joined with their kept rows *of the running rules*;
- the indicators without one are judged as below, and their rows written back
  (``INSERT OR REPLACE``) in the same transaction, so the scorecard shown and
  the rows kept come from one snapshot. SQLite refuses that write
  (``SQLITE_BUSY_SNAPSHOT``, at once) if anyone else has written since the
  transaction's first read, and fails it at once while another writer holds
  the lock (its busy handler is not called for a transaction that has
  already read; without WAL, the read's shared lock keeps other writers from
  committing). So nobody can write between the read that was judged and the
  write that keeps it, and a kept row is never stale when written: the
  guarantee of ``BEGIN IMMEDIATE``, taken optimistically, so that a read
  neither takes the write lock nor waits for it; the price is a write-back
  skipped now and then, and the next read judges those indicators again. A
  database that cannot be written now (read-only, locked, full) still gets
  the rows just judged; keeping them is skipped and logged.
- a kept row cannot go stale afterwards: triggers (migration
  ``0004_indicator_scorecard``) delete it on any INSERT, UPDATE or DELETE of
  its indicator, its values or its per-year targets, by any writer, raw SQL
  included, in the writer's own transaction; a change of the judging code
  changes ``scorecard_rules()`` and so makes every kept row unread.
- ``judge_indicator_rows`` judges everything afresh, reading and writing no
  kept row: what ``list_indicator_rows`` must equal, and what it tests against.
- on a database other than SQLite (PostgreSQL) nothing is kept or read from
  ``indicator_scorecard``: the migration creates no triggers there, so every
  call judges, as ``judge_indicator_rows`` does.

Judging reads, for the indicators concerned, a select that lets SQLite reduce
each indicator's values to the one row the judgement reads
(``_scorecard_query``): the latest period with a value and its year's
targets, the values of the previous quarter and of the same quarter last
year, and how many earlier values there are with the highest and lowest of
them (all a record needs: rounding for display keeps order, so the extremes
decide). Python then judges one row per indicator with the same functions as
``get_indicator_detail``, which judges every period from the whole series and
so is the reference the scorecard is tested against.

Contract of ``get_indicator_detail``: one indicator, retired or not, with every
field and its version, its per-year targets by year, and every value row by
period, each judged exactly as the scorecard judges its latest period (a
period's record flag looks only at earlier periods). Three selects in one
session; an unknown id raises ``NotFoundError``.

``list_theme_names`` is every theme in the council's order, for the form.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop import __version__
from qpmr_desktop.domain import performance, periods, units
from qpmr_desktop.domain.ids import IndicatorId, IndicatorValueId
from qpmr_desktop.domain.performance import (
    Direction,
    Frequency,
    MeasureType,
    Polarity,
    Rag,
    ToleranceKind,
    direction_of_travel,
    judge_rag,
    record_flag,
)
from qpmr_desktop.domain.periods import Quarter, financial_year_label
from qpmr_desktop.domain.units import Unit, format_quantity, format_value, round_displayed
from qpmr_desktop.services.bulk_rows import typed_rows
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.read_models import (
    IndicatorDetail,
    IndicatorRow,
    IndicatorTargetRow,
    IndicatorValueRow,
)
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.services.themes import list_themes
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    Indicator,
    IndicatorScorecard,
    IndicatorTarget,
    IndicatorValue,
    Theme,
)

logger = logging.getLogger(__name__)

NO_VALUES_REASON = "No data: no figures have been entered for this indicator yet."

# ------------------------------------------------------------------ the effective-target rule


@dataclass(frozen=True, slots=True)
class YearTarget:
    """What an ``indicator_target`` row sets for a financial year (None: not set)."""

    target: float | None
    floor: float | None
    tolerance: float | None
    tolerance_kind: ToleranceKind | None


@dataclass(frozen=True, slots=True)
class EffectiveTarget:
    """The target, floor and tolerance that apply to one period, and where they came from."""

    target: float | None
    floor: float | None
    tolerance: float | None
    tolerance_kind: ToleranceKind
    target_from_year: bool
    floor_from_year: bool


def effective_tolerance(
    *, year: YearTarget | None, tolerance: float | None, tolerance_kind: ToleranceKind
) -> tuple[float | None, ToleranceKind]:
    """The tolerance and kind for a year: the year's when it sets one, else the indicator's."""
    if year is not None and year.tolerance is not None:
        return year.tolerance, year.tolerance_kind or tolerance_kind
    return tolerance, tolerance_kind


def effective_target(
    *,
    own_target: float | None,
    own_floor: float | None,
    year: YearTarget | None,
    tolerance: float | None,
    tolerance_kind: ToleranceKind,
) -> EffectiveTarget:
    """Apply the module's rule to a period's own figures, its year's and the indicator's."""
    year_target = None if year is None else year.target
    year_floor = None if year is None else year.floor
    applied_tolerance, applied_kind = effective_tolerance(
        year=year, tolerance=tolerance, tolerance_kind=tolerance_kind
    )
    return EffectiveTarget(
        target=own_target if own_target is not None else year_target,
        floor=own_floor if own_floor is not None else year_floor,
        tolerance=applied_tolerance,
        tolerance_kind=applied_kind,
        target_from_year=own_target is None and year_target is not None,
        floor_from_year=own_floor is None and year_floor is not None,
    )


def _year_target_of(row: Any) -> YearTarget:
    """The year's settings from an ``indicator_target`` row."""
    return YearTarget(
        target=row.target,
        floor=row.floor,
        tolerance=row.tolerance,
        tolerance_kind=_optional_kind(row.tolerance_kind),
    )


def _optional_kind(value: object) -> ToleranceKind | None:
    return None if value is None else ToleranceKind(str(value))


# ------------------------------------------------------------------ shared judgement


@dataclass(frozen=True, slots=True)
class _Scale:
    """How an indicator's figures are written and judged."""

    unit: Unit
    polarity: Polarity
    decimals: int

    def text(self, value: float | None) -> str:
        return "" if value is None else format_value(value, self.unit, self.decimals)

    def setting_text(self, value: float | None) -> str:
        # A target is set, not measured: "62%" beside a measured "58.2%".
        if value is None:
            return ""
        return format_value(value, self.unit, self.decimals, trim_zeros=True)

    def tolerance_text(self, tolerance: float | None, kind: ToleranceKind) -> str:
        if tolerance is None:
            return ""
        if kind is ToleranceKind.PERCENT:
            return f"{Decimal(repr(float(tolerance))).normalize():f}% of target"
        return format_quantity(tolerance, self.unit, self.decimals, trim_zeros=True)


@dataclass(frozen=True, slots=True)
class _Figures:
    """One period's value with what judges it: the slice of a value row the rules need."""

    value: float
    applied: EffectiveTarget
    commentary: str
    is_sample: bool


@dataclass(frozen=True, slots=True)
class _Judged:
    rag: Rag
    rag_reason: str
    direction: Direction
    direction_last_year: Direction
    direction_text: str
    record: str | None


def _judge(
    scale: _Scale, period: Quarter, current: _Figures, series: Mapping[Quarter, _Figures]
) -> _Judged:
    """Judge ``current`` (the figures for ``period``) against its target and ``series``.

    ``series`` holds the periods that have a value; only earlier ones count
    towards a record.
    """
    return _judge_period(
        scale,
        period,
        value=current.value,
        applied=current.applied,
        previous=_value_of(series.get(period.previous())),
        last_year=_value_of(series.get(period.same_quarter_last_year())),
        history=[earlier.value for when, earlier in series.items() if when < period],
    )


def _judge_period(
    scale: _Scale,
    period: Quarter,
    *,
    value: float,
    applied: EffectiveTarget,
    previous: float | None,
    last_year: float | None,
    history: Sequence[float | None],
) -> _Judged:
    """Judge ``value`` for ``period``: RAG against ``applied``, direction, record.

    ``previous`` and ``last_year`` are the values of the previous quarter and
    of the same quarter last year (None: no figure); ``history`` the earlier
    values a record is judged against (any order; their extremes suffice).
    """
    judgement = judge_rag(
        value=value,
        target=applied.target,
        polarity=scale.polarity,
        unit=scale.unit,
        decimals=scale.decimals,
        tolerance=applied.tolerance,
        tolerance_kind=applied.tolerance_kind,
        floor=applied.floor,
    )
    direction = _direction(scale, value, previous)
    direction_last_year = _direction(scale, value, last_year)
    record = record_flag(value=value, history=history, decimals=scale.decimals)
    return _Judged(
        rag=judgement.rag,
        rag_reason=judgement.reason,
        direction=direction,
        direction_last_year=direction_last_year,
        direction_text=_direction_text(
            (direction, period.previous(), previous),
            (direction_last_year, period.same_quarter_last_year(), last_year),
            current=value,
            decimals=scale.decimals,
        ),
        record=None if record is None else record.label,
    )


def _value_of(figures: _Figures | None) -> float | None:
    return None if figures is None else figures.value


def _direction(scale: _Scale, current: float, earlier: float | None) -> Direction:
    if earlier is None:
        return Direction.NOT_JUDGED
    return direction_of_travel(
        current=current, previous=earlier, polarity=scale.polarity, decimals=scale.decimals
    )


_Comparison = tuple[Direction, Quarter, float | None]


def _direction_text(*comparisons: _Comparison, current: float, decimals: int) -> str:
    """ "Worsening vs Q4 2016/17; worsening vs Q1 2016/17", one clause per comparison."""
    if all(earlier is None for _, _, earlier in comparisons):
        return "No earlier figure to compare with"
    clauses = [
        _comparison_clause(direction, period, earlier, current=current, decimals=decimals)
        for direction, period, earlier in comparisons
    ]
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:]


def _comparison_clause(
    direction: Direction,
    period: Quarter,
    earlier: float | None,
    *,
    current: float,
    decimals: int,
) -> str:
    if earlier is None:
        return f"no figure for {period.label}"
    if direction is not Direction.NOT_JUDGED:
        return f"{direction.value} vs {period.label}"
    # No polarity to judge by (a context or demand measure): say which way it
    # moved rather than "not judged", which reads like missing data. Compared
    # at the displayed precision, as the judgements are.
    now = round_displayed(current, decimals)
    then = round_displayed(earlier, decimals)
    if now > then:
        return f"higher than {period.label}"
    if now < then:
        return f"lower than {period.label}"
    return f"the same as {period.label}"


# ------------------------------------------------------------------ the scorecard


@dataclass(frozen=True, slots=True)
class _Definition:
    id: IndicatorId
    ref: str
    name: str
    theme: str
    theme_position: int
    scale: _Scale
    tolerance: float | None
    tolerance_kind: ToleranceKind


def _definition(row: Sequence[Any]) -> _Definition:
    """The first ``_DEFINITION_COLUMNS`` of a scorecard select's row, unpacked by position."""
    ident, ref, name, theme, unit, polarity, decimals, tolerance, tolerance_kind, position = row[
        :_DEFINITION_COLUMNS
    ]
    return _Definition(
        id=IndicatorId(ident),
        ref=ref,
        name=name,
        theme=theme,
        theme_position=position,
        scale=_Scale(unit=Unit(unit), polarity=Polarity(polarity), decimals=decimals),
        tolerance=tolerance,
        tolerance_kind=ToleranceKind(tolerance_kind),
    )


#: The derived fields of ``IndicatorRow`` that ``indicator_scorecard`` keeps, in its order.
_CACHED_FIELDS = (
    "latest_period",
    "value",
    "value_text",
    "target",
    "target_text",
    "rag",
    "rag_reason",
    "direction",
    "direction_last_year",
    "direction_text",
    "record",
    "has_commentary",
    "is_sample",
)
_DEFINITION_COLUMNS = 10

#: The modules whose code decides a scorecard row (this one included): see ``scorecard_rules``.
_RULES_MODULES = (performance, periods, units)


@cache
def scorecard_rules() -> str:
    """The fingerprint of the code that judges the scorecard: a kept row must carry it.

    A hash of the source files of ``domain.performance``, ``domain.periods``,
    ``domain.units`` and this module, computed once per process: any change to
    them (a new rule, a reworded reason, another number format) makes every
    kept judgement stale. Where the sources cannot be read (a frozen build),
    the package's version stands in for them.
    """
    digest = hashlib.sha256()
    try:
        for file in (*(module.__file__ for module in _RULES_MODULES), __file__):
            if file is None:
                raise FileNotFoundError("a module without a file")
            digest.update(Path(file).read_bytes())
    except OSError as error:
        logger.info("Scorecard rules fingerprinted by version (%s)", error)
        return f"version {__version__}"
    return f"sha256 {digest.hexdigest()[:40]}"


def list_indicator_rows(*, workspace: Workspace) -> list[IndicatorRow]:
    """The scorecard: one row per live indicator with its latest figures; see the module."""
    rows: list[IndicatorRow] | None = None
    try:
        with workspace.database.session() as session:
            connection = session.connection()
            if connection.dialect.name != "sqlite":
                # No triggers keep the kept rows right there (see the module).
                return _scorecard(connection, rules=None).rows
            rules = scorecard_rules()
            scorecard = _scorecard(connection, rules=rules)
            rows = scorecard.rows
            if scorecard.judged:
                # In the transaction that read what was judged: SQLite refuses
                # this write if anyone else has written since (see the module).
                connection.execute(
                    _keep_statement(), [_kept(row, rules) for row in scorecard.judged]
                )
    except sa.exc.OperationalError as error:
        if rows is None:
            raise  # reading failed: nothing to show
        logger.info("The scorecard of %s was judged but not kept: %s", workspace.path, error.orig)
    return rows


def judge_indicator_rows(*, workspace: Workspace) -> list[IndicatorRow]:
    """The scorecard judged afresh from the data, neither reading nor writing kept rows.

    What ``list_indicator_rows`` returns, by construction; the reference it is
    tested against.
    """
    with workspace.database.session() as session:
        return _scorecard(session.connection(), rules=None).rows


_SortKey = tuple[int, str, tuple[Any, ...], int]


def _sort_key(definition: _Definition) -> _SortKey:
    """The scorecard's order: theme position, theme, ref in natural order, then id.

    The id only orders refs that differ in capitals alone, which only raw SQL
    can write: kept and judged rows then still come in one order.
    """
    return (
        definition.theme_position,
        definition.theme.casefold(),
        natural_key(definition.ref),
        definition.id,
    )


@dataclass(frozen=True, slots=True)
class _Scorecard:
    rows: list[IndicatorRow]  # every live indicator, in the scorecard's order
    judged: list[IndicatorRow]  # those judged now: the others' rows were kept ones


def _scorecard(connection: sa.Connection, *, rules: str | None) -> _Scorecard:
    """Read the live indicators with their kept rows of ``rules``; judge the others.

    ``rules`` None reads no kept rows: every indicator is judged.
    """
    kept: list[tuple[_SortKey, IndicatorRow]] = []
    unjudged: list[_Definition] = []
    query = _definitions_query(kept=rules is not None)
    # Rows unpacked by position: attribute access on SQLAlchemy rows cost
    # 4 ms of the scorecard's 60 (CPU) for 500 indicators in the benchmark.
    # Read on the driver and converted per distinct value (bulk_rows): about
    # 1 ms less than SQLAlchemy's result converting six enums and two
    # booleans on each of 500 rows.
    for row in typed_rows(connection, query, None if rules is None else {"rules": rules}):
        if rules is not None and row[_DEFINITION_COLUMNS] is not None:
            # As ``_sort_key`` reads them from a definition.
            key = (row[9], row[3].casefold(), natural_key(row[1]), row[0])
            kept.append((key, _kept_row(row)))
        else:
            unjudged.append(_definition(row))
    judged: list[tuple[_SortKey, IndicatorRow]] = []
    if unjudged:
        latest = _latest_rows(connection, [d.id for d in unjudged], every=not kept)
        # An indicator retired between the two selects (on a server database)
        # is in ``latest`` but not in ``unjudged``, so it is left out, as
        # retired indicators are.
        judged = [(_sort_key(d), _indicator_row(d, latest.get(d.id))) for d in unjudged]
    # Sorted by key alone: rows are never compared.
    ordered = sorted((*kept, *judged), key=itemgetter(0))
    return _Scorecard(rows=[row for _, row in ordered], judged=[row for _, row in judged])


@cache
def _definitions_query(*, kept: bool) -> sa.Select[*tuple[Any, ...]]:
    """The live indicators with their themes' positions, and (``kept``) their kept rows.

    Columns: ``_DEFINITION_COLUMNS`` of the indicator, then, with ``kept``, the
    kept row's ``indicator_id`` (None: no row of the bound ``rules``) and its
    ``_CACHED_FIELDS``.
    """
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            col(Indicator.id),
            col(Indicator.ref),
            col(Indicator.name),
            col(Indicator.theme),
            col(Indicator.unit),
            col(Indicator.polarity),
            col(Indicator.decimals),
            col(Indicator.tolerance),
            col(Indicator.tolerance_kind),
            col(Theme.position),
        )
        .join(Theme, col(Theme.name) == col(Indicator.theme))
        .where(col(Indicator.retired).is_(False))
    )
    if not kept:
        return query
    cache: sa.Table = IndicatorScorecard.__table__  # type: ignore[attr-defined]
    return query.add_columns(
        cache.c.indicator_id, *(cache.c[name] for name in _CACHED_FIELDS)
    ).outerjoin(
        cache,
        sa.and_(
            cache.c.indicator_id == col(Indicator.id),
            cache.c.rules == sa.bindparam("rules", type_=sa.String()),
        ),
    )


def _kept_row(row: Sequence[Any]) -> IndicatorRow:
    """The scorecard row from a ``_definitions_query`` row that has a kept row.

    Built by position: ``IndicatorRow``'s fields are the indicator's first six
    columns, then ``_CACHED_FIELDS`` in order (a test checks it).
    """
    return IndicatorRow(IndicatorId(row[0]), *row[1:6], *row[_DEFINITION_COLUMNS + 1 :])


def _kept(row: IndicatorRow, rules: str) -> dict[str, object]:
    """The ``indicator_scorecard`` row that keeps ``row`` judged by ``rules``."""
    return {
        "indicator_id": row.id,
        "rules": rules,
        **{name: getattr(row, name) for name in _CACHED_FIELDS},
    }


@cache
def _keep_statement() -> sa.Insert:
    # OR REPLACE: a row kept under other rules gives way (indicator_id is the key).
    cache: sa.Table = IndicatorScorecard.__table__  # type: ignore[attr-defined]
    return sa.insert(cache).prefix_with("OR REPLACE")


#: Most ids bound in one select (SQLite allows 32,766 variables; stay far below).
_IDS_PER_SELECT = 500


def _latest_rows(
    connection: sa.Connection, ids: Sequence[IndicatorId], *, every: bool
) -> dict[IndicatorId, _Latest]:
    """``_scorecard_query`` rows by indicator: of ``ids``, or of every indicator with ``every``."""
    if every:
        batches: Iterable[Mapping[str, object] | None] = [None]
        query = _scorecard_query()
    else:
        batches = (
            {"ids": list(ids[start : start + _IDS_PER_SELECT])}
            for start in range(0, len(ids), _IDS_PER_SELECT)
        )
        query = _scorecard_query(restricted=True)
    return {
        IndicatorId(row[0]): _Latest._make(row)
        for batch in batches
        for row in connection.execute(query, batch)
    }


class _Latest(NamedTuple):
    """A row of ``_scorecard_query``, in its column order."""

    indicator_id: int
    year: int
    quarter: int
    value: float
    target: float | None
    floor: float | None
    commentary: str
    is_sample: bool
    year_target_id: int | None
    year_target: float | None
    year_floor: float | None
    year_tolerance: float | None
    year_tolerance_kind: object
    previous_value: float | None
    last_year_value: float | None
    earlier_count: int
    earlier_high: float | None
    earlier_low: float | None


@cache  # built once: building it takes 5 ms, as long as running it
def _scorecard_query(*, restricted: bool = False) -> sa.Select[Any]:
    """One row per live indicator that has a value: what judging its latest period reads.

    Replaces reading every value row (20,000 for 500 indicators over ten years)
    and judging in Python, which took 0.68 s of the 0.73 s the Indicators tab
    took to open in ``tests/benchmarks/bench_indicators.py``; this select takes
    about what the benchmark's QSqlTableModel baseline spends on its own.

    Rows without a value (future targets, suppressed figures) can be neither
    the latest period nor a point of comparison. Columns: the latest period's
    ``indicator_id, year, quarter, value, target, floor, commentary,
    is_sample``; its year's ``year_target_id`` (None without a target row),
    ``year_target, year_floor, year_tolerance, year_tolerance_kind``;
    ``previous_value`` and ``last_year_value``; and ``earlier_count``,
    ``earlier_high``, ``earlier_low`` over the values before the latest period.
    ``restricted``: only for the indicators whose ids are bound as ``ids``.
    """
    values: sa.Table = IndicatorValue.__table__  # type: ignore[attr-defined]
    indicators: sa.Table = Indicator.__table__  # type: ignore[attr-defined]
    targets: sa.Table = IndicatorTarget.__table__  # type: ignore[attr-defined]
    current = values.alias("latest")
    candidate = values.alias("candidate")
    earlier = values.alias("earlier")
    previous = values.alias("previous")
    last_year = values.alias("last_year")

    # Count and extremes of all of an indicator's values, in one pass.
    totals_query = (
        sa.select(
            values.c.indicator_id,
            sa.func.count().label("count"),
            sa.func.max(values.c.value).label("high"),
            sa.func.min(values.c.value).label("low"),
        )
        .where(values.c.value.is_not(None))
        .group_by(values.c.indicator_id)
    )
    if restricted:
        # Inside the aggregate, so that only these indicators' values are read.
        totals_query = totals_query.where(
            values.c.indicator_id.in_(sa.bindparam("ids", expanding=True))
        )
    totals = totals_query.subquery("totals")
    # The latest row with a value: a walk back along the (indicator, year,
    # quarter) index that stops at the first value, usually the first row.
    latest_id = (
        sa.select(candidate.c.id)
        .where(candidate.c.indicator_id == totals.c.indicator_id, candidate.c.value.is_not(None))
        .order_by(candidate.c.year.desc(), candidate.c.quarter.desc())
        .limit(1)
        .scalar_subquery()
    )
    others = sa.and_(
        earlier.c.indicator_id == totals.c.indicator_id,
        earlier.c.value.is_not(None),
        earlier.c.id != current.c.id,
    )
    # Unless the latest value is itself the highest (lowest) of all, the
    # highest (lowest) of all is an earlier one; only otherwise are the earlier
    # values read again. SQLite evaluates only the CASE branch it takes.
    earlier_high = sa.case(
        (current.c.value < totals.c.high, totals.c.high),
        else_=sa.select(sa.func.max(earlier.c.value)).where(others).scalar_subquery(),
    )
    earlier_low = sa.case(
        (current.c.value > totals.c.low, totals.c.low),
        else_=sa.select(sa.func.min(earlier.c.value)).where(others).scalar_subquery(),
    )
    first_quarter = current.c.quarter == 1
    return (
        sa.select(
            current.c.indicator_id,
            current.c.year,
            current.c.quarter,
            current.c.value,
            current.c.target,
            current.c.floor,
            current.c.commentary,
            current.c.is_sample,
            targets.c.id.label("year_target_id"),
            targets.c.target.label("year_target"),
            targets.c.floor.label("year_floor"),
            targets.c.tolerance.label("year_tolerance"),
            targets.c.tolerance_kind.label("year_tolerance_kind"),
            previous.c.value.label("previous_value"),
            last_year.c.value.label("last_year_value"),
            (totals.c.count - 1).label("earlier_count"),
            earlier_high.label("earlier_high"),
            earlier_low.label("earlier_low"),
        )
        .select_from(totals)
        .join(indicators, indicators.c.id == totals.c.indicator_id)
        .join(current, current.c.id == latest_id)
        .outerjoin(
            targets,
            sa.and_(
                targets.c.indicator_id == current.c.indicator_id, targets.c.year == current.c.year
            ),
        )
        .outerjoin(
            previous,
            sa.and_(
                previous.c.indicator_id == current.c.indicator_id,
                previous.c.year
                == sa.case((first_quarter, current.c.year - 1), else_=current.c.year),
                previous.c.quarter
                == sa.case((first_quarter, sa.literal(4)), else_=current.c.quarter - 1),
            ),
        )
        .outerjoin(
            last_year,
            sa.and_(
                last_year.c.indicator_id == current.c.indicator_id,
                last_year.c.year == current.c.year - 1,
                last_year.c.quarter == current.c.quarter,
            ),
        )
        .where(indicators.c.retired.is_(False))
    )


def _indicator_row(definition: _Definition, latest: _Latest | None) -> IndicatorRow:
    """The scorecard row of ``definition`` from its ``_scorecard_query`` row (None: no values)."""
    scale = definition.scale
    if latest is None:
        return IndicatorRow(
            id=definition.id,
            ref=definition.ref,
            name=definition.name,
            theme=definition.theme,
            unit=scale.unit,
            polarity=scale.polarity,
            latest_period=None,
            value=None,
            value_text="",
            target=None,
            target_text="",
            rag=Rag.NO_DATA,
            rag_reason=NO_VALUES_REASON,
            direction=Direction.NOT_JUDGED,
            direction_last_year=Direction.NOT_JUDGED,
            direction_text="",
            record=None,
            has_commentary=False,
            is_sample=False,
        )

    period = Quarter(latest.year, latest.quarter)
    year = (
        None
        if latest.year_target_id is None
        else YearTarget(
            target=latest.year_target,
            floor=latest.year_floor,
            tolerance=latest.year_tolerance,
            tolerance_kind=_optional_kind(latest.year_tolerance_kind),
        )
    )
    applied = effective_target(
        own_target=latest.target,
        own_floor=latest.floor,
        year=year,
        tolerance=definition.tolerance,
        tolerance_kind=definition.tolerance_kind,
    )
    # A record needs two earlier values and is decided by their extremes.
    history = (latest.earlier_high, latest.earlier_low) if latest.earlier_count >= 2 else ()
    judged = _judge_period(
        scale,
        period,
        value=latest.value,
        applied=applied,
        previous=latest.previous_value,
        last_year=latest.last_year_value,
        history=history,
    )
    return IndicatorRow(
        id=definition.id,
        ref=definition.ref,
        name=definition.name,
        theme=definition.theme,
        unit=scale.unit,
        polarity=scale.polarity,
        latest_period=period.label,
        value=latest.value,
        value_text=scale.text(latest.value),
        target=applied.target,
        target_text=scale.setting_text(applied.target),
        rag=judged.rag,
        rag_reason=judged.rag_reason,
        direction=judged.direction,
        direction_last_year=judged.direction_last_year,
        direction_text=judged.direction_text,
        record=judged.record,
        has_commentary=bool(latest.commentary.strip()),
        is_sample=latest.is_sample,
    )


# ------------------------------------------------------------------ one indicator in detail


def get_indicator_detail(*, workspace: Workspace, indicator_id: int) -> IndicatorDetail:
    """One indicator with its targets and every value row, judged; see the module."""
    # Executed on the connection, a select of a table class is a Core select of
    # its columns: plain rows, no ORM objects.
    indicator_query = sa.select(Indicator).where(col(Indicator.id) == indicator_id)
    targets_query = (
        sa.select(IndicatorTarget)
        .where(col(IndicatorTarget.indicator_id) == indicator_id)
        .order_by(col(IndicatorTarget.year))
    )
    values_query = (
        sa.select(IndicatorValue)
        .where(col(IndicatorValue.indicator_id) == indicator_id)
        .order_by(col(IndicatorValue.year), col(IndicatorValue.quarter))
    )
    with workspace.database.session() as session:
        connection = session.connection()
        indicator = connection.execute(indicator_query).first()
        if indicator is None:
            raise NotFoundError("indicator", indicator_id)
        target_rows = connection.execute(targets_query).all()
        value_rows = connection.execute(values_query).all()

    scale = _Scale(
        unit=Unit(indicator.unit),
        polarity=Polarity(indicator.polarity),
        decimals=indicator.decimals,
    )
    tolerance_kind = ToleranceKind(indicator.tolerance_kind)
    years = {row.year: _year_target_of(row) for row in target_rows}
    targets = tuple(
        _target_row(row, years[row.year], scale, indicator.tolerance, tolerance_kind)
        for row in target_rows
    )
    applied: dict[Quarter, EffectiveTarget] = {}
    series: dict[Quarter, _Figures] = {}  # the periods with a value, for comparisons
    for row in value_rows:
        period = Quarter(row.year, row.quarter)
        applied[period] = effective_target(
            own_target=row.target,
            own_floor=row.floor,
            year=years.get(row.year),
            tolerance=indicator.tolerance,
            tolerance_kind=tolerance_kind,
        )
        if row.value is not None:
            series[period] = _Figures(
                value=row.value,
                applied=applied[period],
                commentary=row.commentary,
                is_sample=row.is_sample,
            )
    values = tuple(
        _value_row(row, scale, applied[Quarter(row.year, row.quarter)], series)
        for row in value_rows
    )
    return IndicatorDetail(
        id=IndicatorId(indicator.id),
        version=indicator.version,
        ref=indicator.ref,
        name=indicator.name,
        theme=indicator.theme,
        unit=scale.unit,
        polarity=scale.polarity,
        frequency=Frequency(indicator.frequency),
        measure_type=MeasureType(indicator.measure_type),
        decimals=indicator.decimals,
        tolerance=indicator.tolerance,
        tolerance_kind=tolerance_kind,
        tolerance_text=scale.tolerance_text(indicator.tolerance, tolerance_kind),
        lead_service=indicator.lead_service,
        owner=indicator.owner,
        source=indicator.source,
        definition=indicator.definition,
        notes=indicator.notes,
        retired=indicator.retired,
        is_sample=indicator.is_sample,
        targets=targets,
        values=values,
    )


def _target_row(
    row: Any,
    year: YearTarget,
    scale: _Scale,
    tolerance: float | None,
    tolerance_kind: ToleranceKind,
) -> IndicatorTargetRow:
    applied_tolerance, applied_kind = effective_tolerance(
        year=year, tolerance=tolerance, tolerance_kind=tolerance_kind
    )
    return IndicatorTargetRow(
        id=row.id,
        version=row.version,
        year=row.year,
        year_label=financial_year_label(row.year),
        target=row.target,
        floor=row.floor,
        tolerance=row.tolerance,
        tolerance_kind=year.tolerance_kind,
        effective_tolerance=applied_tolerance,
        effective_tolerance_kind=applied_kind,
        target_text=scale.setting_text(row.target),
        floor_text=scale.setting_text(row.floor),
        tolerance_text=scale.tolerance_text(applied_tolerance, applied_kind),
    )


def _value_row(
    row: Any, scale: _Scale, applied: EffectiveTarget, series: Mapping[Quarter, _Figures]
) -> IndicatorValueRow:
    period = Quarter(row.year, row.quarter)
    current = series.get(period)
    if current is None:
        no_value = judge_rag(
            value=None, target=applied.target, polarity=scale.polarity, decimals=scale.decimals
        )
        judged = _Judged(
            rag=no_value.rag,
            rag_reason=no_value.reason,
            direction=Direction.NOT_JUDGED,
            direction_last_year=Direction.NOT_JUDGED,
            direction_text="",
            record=None,
        )
    else:
        judged = _judge(scale, period, current, series)
    return IndicatorValueRow(
        id=IndicatorValueId(row.id),
        version=row.version,
        indicator_id=IndicatorId(row.indicator_id),
        period=period,
        period_label=period.label,
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
        target=row.target,
        floor=row.floor,
        england=row.england,
        region=row.region,
        statistical_neighbours=row.statistical_neighbours,
        provisional=row.provisional,
        status_symbol=row.status_symbol,
        commentary=row.commentary,
        data_as_at=row.data_as_at,
        is_sample=row.is_sample,
        effective_target=applied.target,
        effective_floor=applied.floor,
        effective_tolerance=applied.tolerance,
        effective_tolerance_kind=applied.tolerance_kind,
        target_from_year=applied.target_from_year,
        floor_from_year=applied.floor_from_year,
        value_text=scale.text(row.value),
        target_text=scale.setting_text(applied.target),
        floor_text=scale.setting_text(applied.floor),
        england_text=scale.text(row.england),
        region_text=scale.text(row.region),
        statistical_neighbours_text=scale.text(row.statistical_neighbours),
        rag=judged.rag,
        rag_reason=judged.rag_reason,
        direction=judged.direction,
        direction_last_year=judged.direction_last_year,
        direction_text=judged.direction_text,
        record=judged.record,
    )


# ------------------------------------------------------------------ themes


def list_retired_indicators(*, workspace: Workspace) -> list[IndicatorDetail]:
    """Retired indicators, by ref, with their details (what Restore offers).

    Retired indicators are few, so one detail query each is fine here.
    """
    query = sa.select(col(Indicator.id)).where(col(Indicator.retired).is_(True))
    with workspace.database.session() as session:
        ids = [ident for ident in session.connection().execute(query).scalars() if ident]
    details = [
        get_indicator_detail(workspace=workspace, indicator_id=IndicatorId(ident)) for ident in ids
    ]
    return sorted(details, key=lambda detail: natural_key(detail.ref))


def list_theme_names(*, workspace: Workspace) -> list[str]:
    """Every theme's name in the council's order: the choices of the form's theme box."""
    with workspace.database.session() as session:
        return list_themes(session)
