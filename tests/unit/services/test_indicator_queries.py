"""The indicator scorecard: latest figures, RAG, direction of travel and records per indicator.

A small database written here, one indicator per case, so each judgement can
be asserted exactly; the demo database is checked for its headline figure.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from qpmr_desktop.domain.performance import (
    Direction,
    Frequency,
    MeasureType,
    Polarity,
    Rag,
    Record,
    ToleranceKind,
)
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.services.indicators import NO_VALUES_REASON, list_indicator_rows
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import Indicator, IndicatorValue, Theme

# (year, quarter, value, target); year is the financial year's first year.
Series = Sequence[tuple[int, int, float | None, float | None]]


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "indicators.qpmr", create=True)
    yield workspace
    workspace.close()


def add_indicator(
    workspace: Workspace,
    *,
    ref: str,
    theme: str,
    unit: Unit = Unit.COUNT,
    polarity: Polarity = Polarity.LOWER_IS_BETTER,
    decimals: int = 0,
    tolerance: float | None = None,
    tolerance_kind: ToleranceKind = ToleranceKind.ABSOLUTE,
    series: Series = (),
    latest_commentary: str = "",
    latest_is_sample: bool = False,
    retired: bool = False,
) -> None:
    with workspace.database.session() as session:
        # Themes take the order in which tests first name them, as a council orders its own.
        known = list(session.exec(select(Theme.name)))
        if theme not in known:
            session.add(Theme(name=theme, position=len(known)))
            session.flush()  # no relationship() orders the two inserts for us
        indicator = Indicator(
            ref=ref,
            name=f"Indicator {ref} – “{theme}”",
            theme=theme,
            unit=unit,
            polarity=polarity,
            frequency=Frequency.QUARTERLY,
            measure_type=MeasureType.SNAPSHOT,
            decimals=decimals,
            tolerance=tolerance,
            tolerance_kind=tolerance_kind,
            retired=retired,
        )
        session.add(indicator)
        session.flush()
        assert indicator.id is not None
        # Commentary and the sample flag go on the latest period that has a value.
        last = max(((y, q) for y, q, value, _ in series if value is not None), default=None)
        session.add_all(
            IndicatorValue(
                indicator_id=indicator.id,
                year=year,
                quarter=quarter,
                value=value,
                target=target,
                commentary=latest_commentary if (year, quarter) == last else "",
                is_sample=latest_is_sample and (year, quarter) == last,
            )
            for year, quarter, value, target in series
        )


@pytest.fixture
def scorecard(workspace: Workspace) -> dict[str, IndicatorRow]:
    # Inserted out of order: themes and refs must be sorted by the service.
    add_indicator(
        workspace,
        ref="CLA-2",
        theme="Start Well",
        unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER_IS_BETTER,
        decimals=1,
        tolerance=5,
        series=[(2016, 4, 50.0, 58), (2017, 1, 55.04, 58)],
        latest_is_sample=True,
    )
    add_indicator(
        workspace,
        ref="CLA-01",
        theme="Start Well",
        tolerance=5,
        tolerance_kind=ToleranceKind.PERCENT,
        series=[
            (2017, 2, None, 1700),  # a target set ahead: not the latest figure
            (2017, 1, 1875, 1700),
            (2016, 4, 1800, 1700),
            (2016, 1, 1600, 1650),
            (2015, 4, 1500, 1650),
        ],
        latest_commentary="The highest number ever looked after.",
    )
    add_indicator(workspace, ref="CLA-10", theme="Start Well")
    add_indicator(
        workspace,
        ref="ASC-1",
        theme="Age Well",
        unit=Unit.RATE_PER_100000,
        polarity=Polarity.NO_JUDGEMENT,
        decimals=1,
        series=[(2016, 1, 600.0, None), (2017, 1, 612.34, None)],
    )
    add_indicator(
        workspace, ref="LW-1", theme="Live Well", unit=Unit.DAYS, series=[(2017, 1, 12, None)]
    )
    add_indicator(workspace, ref="OLD-1", theme="Age Well", retired=True, series=[(2017, 1, 1, 2)])
    return {row.ref: row for row in list_indicator_rows(workspace=workspace)}


def test_live_indicators_come_by_theme_position_then_natural_ref(
    scorecard: dict[str, IndicatorRow],
) -> None:
    # Themes were added Start Well, Age Well, Live Well: the council's order, not A–Z.
    assert list(scorecard) == ["CLA-01", "CLA-2", "CLA-10", "ASC-1", "LW-1"]
    assert "OLD-1" not in scorecard


def test_red_and_worsening_at_a_record_high(scorecard: dict[str, IndicatorRow]) -> None:
    row = scorecard["CLA-01"]

    assert row.latest_period == "Q1 2017/18"
    assert (row.value, row.value_text) == (1875, "1,875")
    assert (row.target, row.target_text) == (1700, "1,700")
    assert row.rag is Rag.RED
    assert row.rag_reason.startswith("Red")
    assert "1,875" in row.rag_reason
    assert row.direction is Direction.WORSENING
    assert row.direction_last_year is Direction.WORSENING
    assert row.direction_text == "Worsening vs Q4 2016/17; worsening vs Q1 2016/17"
    assert row.record == Record.HIGHEST_EVER.label
    assert row.has_commentary
    assert not row.is_sample
    assert (row.unit, row.polarity) == (Unit.COUNT, Polarity.LOWER_IS_BETTER)
    assert row.name == "Indicator CLA-01 – “Start Well”"


def test_amber_at_displayed_precision_with_a_missing_comparison(
    scorecard: dict[str, IndicatorRow],
) -> None:
    row = scorecard["CLA-2"]

    assert (row.value_text, row.target_text) == ("55.0%", "58%")
    assert row.rag is Rag.AMBER
    assert row.direction is Direction.IMPROVING
    assert row.direction_last_year is Direction.NOT_JUDGED
    assert row.direction_text == "Improving vs Q4 2016/17; no figure for Q1 2016/17"
    assert row.record is None  # one earlier figure is not a record
    assert row.is_sample
    assert not row.has_commentary


def test_an_indicator_without_values_has_no_data(scorecard: dict[str, IndicatorRow]) -> None:
    row = scorecard["CLA-10"]

    assert row.latest_period is None
    assert row.value is None
    assert row.target is None
    assert row.value_text == row.target_text == ""
    assert row.rag is Rag.NO_DATA
    assert row.rag_reason == NO_VALUES_REASON
    assert row.direction is row.direction_last_year is Direction.NOT_JUDGED
    assert row.direction_text == ""
    assert row.record is None
    assert not row.is_sample


def test_a_context_indicator_says_which_way_it_moved(scorecard: dict[str, IndicatorRow]) -> None:
    row = scorecard["ASC-1"]

    assert row.value_text == "612.3 per 100,000"
    assert row.rag is Rag.DATA_ONLY
    assert row.direction is row.direction_last_year is Direction.NOT_JUDGED
    assert row.direction_text == "No figure for Q4 2016/17; higher than Q1 2016/17"


def test_a_first_figure_has_nothing_to_compare_with(scorecard: dict[str, IndicatorRow]) -> None:
    row = scorecard["LW-1"]

    assert row.value_text == "12 days"
    assert row.rag is Rag.DATA_ONLY
    assert row.direction_text == "No earlier figure to compare with"


def test_the_scorecard_costs_two_queries_however_many_indicators(workspace: Workspace) -> None:
    for number in range(1, 31):
        add_indicator(
            workspace,
            ref=f"X-{number}",
            theme="Live Well",
            series=[(2016, q, float(q), 2.0) for q in range(1, 5)],
        )
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = workspace.database.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        rows = list_indicator_rows(workspace=workspace)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)

    assert [row.ref for row in rows][:3] == ["X-1", "X-2", "X-3"]
    assert [row.ref for row in rows][-1] == "X-30"
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


def test_the_demo_reports_the_highest_number_of_children_looked_after(demo_path: Path) -> None:
    workspace = open_workspace(demo_path)
    try:
        rows = list_indicator_rows(workspace=workspace)
    finally:
        workspace.close()

    looked_after = [row for row in rows if row.value_text == "1,875"]
    assert looked_after, "the seed's 1,875 Children Looked After is in the demo"
    assert looked_after[0].latest_period == "Q1 2017/18"
    assert looked_after[0].record == Record.HIGHEST_EVER.label
    assert all(row.rag_reason for row in rows)
