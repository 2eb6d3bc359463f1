"""Indicator use cases: the scorecard the Indicators tab and ``list indicators`` show.

Contract of ``list_indicator_rows``:
- every indicator that is not retired, ordered by its theme's position (the
  council's order: Start Well before Live Well), then by ref in
  natural order ("CLA-2" before "CLA-10");
- its *latest period with a value* (a row that holds only a target for a future
  quarter does not count), that period's value and target formatted by the
  indicator's unit and decimals, and the RAG judgement with its reason
  sentence, made by ``domain.performance.judge_rag`` with the indicator's
  polarity, tolerance and tolerance kind and the value row's floor;
- the direction of travel against the previous quarter and against the same
  quarter last year (``domain.performance.direction_of_travel``), and a
  sentence that says both, naming the periods, or that there is no figure to
  compare with;
- the record flag ("Highest ever recorded") from every earlier value;
- an indicator with no values at all has ``latest_period`` None and ``Rag.NO_DATA``.

It reads with two Core selects in one short session (the indicators, then all
their values at once), never per-row ORM loads: the tab must open instantly on
ten years of quarterly data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.ids import IndicatorId
from qpmr_desktop.domain.performance import (
    Direction,
    Polarity,
    Rag,
    ToleranceKind,
    direction_of_travel,
    judge_rag,
    record_flag,
)
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit, format_value, round_displayed
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import Indicator, IndicatorValue, Theme

NO_VALUES_REASON = "No data: no figures have been entered for this indicator yet."


@dataclass(frozen=True, slots=True)
class _Figures:
    """One period's stored figures: the slice of ``indicator_value`` the scorecard needs."""

    value: float
    target: float | None
    floor: float | None
    commentary: str
    is_sample: bool


@dataclass(frozen=True, slots=True)
class _Definition:
    id: IndicatorId
    ref: str
    name: str
    theme: str
    theme_position: int
    unit: Unit
    polarity: Polarity
    decimals: int
    tolerance: float | None
    tolerance_kind: ToleranceKind


def list_indicator_rows(*, workspace: Workspace) -> list[IndicatorRow]:
    """The scorecard: one row per live indicator with its latest figures; see the module."""
    definitions_query = (
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
    # Rows without a value (future targets, suppressed figures) can be neither
    # the latest period nor a point of comparison, so they are not fetched.
    values_query = (
        sa.select(
            col(IndicatorValue.indicator_id),
            col(IndicatorValue.year),
            col(IndicatorValue.quarter),
            col(IndicatorValue.value),
            col(IndicatorValue.target),
            col(IndicatorValue.floor),
            col(IndicatorValue.commentary),
            col(IndicatorValue.is_sample),
        )
        .join(Indicator, col(Indicator.id) == col(IndicatorValue.indicator_id))
        .where(col(Indicator.retired).is_(False), col(IndicatorValue.value).is_not(None))
    )
    with workspace.database.session() as session:
        connection = session.connection()
        definitions = [
            _Definition(
                id=IndicatorId(row.id),
                ref=row.ref,
                name=row.name,
                theme=row.theme,
                theme_position=row.position,
                unit=Unit(row.unit),
                polarity=Polarity(row.polarity),
                decimals=row.decimals,
                tolerance=row.tolerance,
                tolerance_kind=ToleranceKind(row.tolerance_kind),
            )
            for row in connection.execute(definitions_query)
        ]
        series: dict[IndicatorId, dict[Quarter, _Figures]] = defaultdict(dict)
        for row in connection.execute(values_query):
            series[IndicatorId(row.indicator_id)][Quarter(row.year, row.quarter)] = _Figures(
                value=row.value,
                target=row.target,
                floor=row.floor,
                commentary=row.commentary,
                is_sample=row.is_sample,
            )

    definitions.sort(key=lambda d: (d.theme_position, d.theme.casefold(), natural_key(d.ref)))
    return [_indicator_row(d, series.get(d.id, {})) for d in definitions]


def _indicator_row(definition: _Definition, figures: dict[Quarter, _Figures]) -> IndicatorRow:
    if not figures:
        return IndicatorRow(
            id=definition.id,
            ref=definition.ref,
            name=definition.name,
            theme=definition.theme,
            unit=definition.unit,
            polarity=definition.polarity,
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

    latest = max(figures)
    current = figures[latest]
    judgement = judge_rag(
        value=current.value,
        target=current.target,
        polarity=definition.polarity,
        unit=definition.unit,
        decimals=definition.decimals,
        tolerance=definition.tolerance,
        tolerance_kind=definition.tolerance_kind,
        floor=current.floor,
    )
    previous_period = latest.previous()
    last_year_period = latest.same_quarter_last_year()
    previous = figures.get(previous_period)
    last_year = figures.get(last_year_period)
    direction = _direction(definition, current, previous)
    direction_last_year = _direction(definition, current, last_year)
    history = [earlier.value for period, earlier in figures.items() if period != latest]
    record = record_flag(value=current.value, history=history, decimals=definition.decimals)
    return IndicatorRow(
        id=definition.id,
        ref=definition.ref,
        name=definition.name,
        theme=definition.theme,
        unit=definition.unit,
        polarity=definition.polarity,
        latest_period=latest.label,
        value=current.value,
        value_text=format_value(current.value, definition.unit, definition.decimals),
        target=current.target,
        target_text=_format_optional(current.target, definition),
        rag=judgement.rag,
        rag_reason=judgement.reason,
        direction=direction,
        direction_last_year=direction_last_year,
        direction_text=_direction_text(
            (direction, previous_period, previous),
            (direction_last_year, last_year_period, last_year),
            current=current,
            decimals=definition.decimals,
        ),
        record=None if record is None else record.label,
        has_commentary=bool(current.commentary.strip()),
        is_sample=current.is_sample,
    )


def _format_optional(value: float | None, definition: _Definition) -> str:
    if value is None:
        return ""
    # A target is set, not measured: "62%" beside a measured "58.2%".
    return format_value(value, definition.unit, definition.decimals, trim_zeros=True)


def _direction(definition: _Definition, current: _Figures, earlier: _Figures | None) -> Direction:
    if earlier is None:
        return Direction.NOT_JUDGED
    return direction_of_travel(
        current=current.value,
        previous=earlier.value,
        polarity=definition.polarity,
        decimals=definition.decimals,
    )


_Comparison = tuple[Direction, Quarter, _Figures | None]


def _direction_text(*comparisons: _Comparison, current: _Figures, decimals: int) -> str:
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
    earlier: _Figures | None,
    *,
    current: _Figures,
    decimals: int,
) -> str:
    if earlier is None:
        return f"no figure for {period.label}"
    if direction is not Direction.NOT_JUDGED:
        return f"{direction.value} vs {period.label}"
    # No polarity to judge by (a context or demand measure): say which way it
    # moved rather than "not judged", which reads like missing data. Compared
    # at the displayed precision, as the judgements are.
    now = round_displayed(current.value, decimals)
    then = round_displayed(earlier.value, decimals)
    if now > then:
        return f"higher than {period.label}"
    if now < then:
        return f"lower than {period.label}"
    return f"the same as {period.label}"
