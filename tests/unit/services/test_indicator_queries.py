"""The indicator scorecard: latest figures, RAG, direction of travel and records per indicator.

A small database written here, one indicator per case, so each judgement can
be asserted exactly; the demo database is checked for its headline figure.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
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
from qpmr_desktop.services.indicators import (
    NO_VALUES_REASON,
    get_indicator_detail,
    list_indicator_rows,
    list_theme_names,
)
from qpmr_desktop.services.read_models import IndicatorRow
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import Indicator, IndicatorTarget, IndicatorValue, Theme
from tests.unit.services.select_counter import selects_run

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


def test_the_scorecard_costs_two_queries_however_many_indicators(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(1, 31):
        add_indicator(
            workspace,
            ref=f"X-{number}",
            theme="Live Well",
            series=[(2016, q, float(q), 2.0) for q in range(1, 5)],
        )
    with selects_run(workspace, monkeypatch, "qpmr_desktop.services.bulk_rows") as selects:
        rows = list_indicator_rows(workspace=workspace)

    assert [row.ref for row in rows][:3] == ["X-1", "X-2", "X-3"]
    assert [row.ref for row in rows][-1] == "X-30"
    assert len(selects) == 2


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


# ---------------------------------------------------------------- the SQL reduction


def _random_figure(rng: random.Random, base: float, decimals: int) -> float:
    # Near the indicator's own level, often equal or a rounding apart, so that
    # records, ties and "no change" at the displayed precision all occur.
    step = rng.choice((0.0, 0.0, 0.0, 0.004, -0.004, 0.05, -0.05, 1.0, -1.0, 3.0, -3.0))
    return round(base + step, decimals + 1)


def _generated_scorecard_database(workspace: Workspace, seed: int, indicators: int) -> None:
    """Indicators of every kind, with gaps, value-less rows, year targets and retirements."""
    rng = random.Random(seed)
    themes = ["Start Well", "Live Well", "Age Well"]
    with workspace.database.session() as session:
        for position, theme in enumerate(themes):
            session.add(Theme(name=theme, position=position))
        session.flush()
        for number in range(indicators):
            decimals = rng.randint(0, 3)
            base = rng.choice((0.0, 12.0, 55.0, -3.0, 1875.0))
            indicator = Indicator(
                ref=f"G{seed}-{number}",
                name=f"Generated {number}",
                theme=rng.choice(themes),
                unit=rng.choice(list(Unit)),
                polarity=rng.choice(list(Polarity)),
                frequency=Frequency.QUARTERLY,
                measure_type=MeasureType.QUARTER,
                decimals=decimals,
                tolerance=rng.choice((None, 0.0, 1.0, 5.0)),
                tolerance_kind=rng.choice(list(ToleranceKind)),
                retired=rng.random() < 0.1,
            )
            session.add(indicator)
            session.flush()
            assert indicator.id is not None
            # Quarters 2014/15 to 2019/20 with gaps; some rows hold no value
            # (a suppressed figure, a target set ahead), and every fifth
            # indicator has no rows or only value-less ones.
            periods = sorted(
                (2014 + index // 4, index % 4 + 1)
                for index in rng.sample(range(24), rng.randint(0, 14))
            )
            no_values = number % 5 == 0
            for year, quarter in periods:
                valued = not no_values and rng.random() < 0.8
                session.add(
                    IndicatorValue(
                        indicator_id=indicator.id,
                        year=year,
                        quarter=quarter,
                        value=_random_figure(rng, base, decimals) if valued else None,
                        target=_random_figure(rng, base, decimals) if rng.random() < 0.3 else None,
                        floor=_random_figure(rng, base, decimals) if rng.random() < 0.2 else None,
                        commentary=rng.choice(("", "  ", "Explained.")),
                        is_sample=rng.random() < 0.2,
                    )
                )
            for year in range(2014, 2020):
                if rng.random() < 0.5:
                    session.add(
                        IndicatorTarget(
                            indicator_id=indicator.id,
                            year=year,
                            target=_random_figure(rng, base, decimals)
                            if rng.random() < 0.8
                            else None,
                            floor=_random_figure(rng, base, decimals)
                            if rng.random() < 0.3
                            else None,
                            tolerance=rng.choice((None, None, 0.5, 10.0)),
                            tolerance_kind=rng.choice((None, *ToleranceKind)),
                        )
                    )


def _scorecard_from_details(workspace: Workspace) -> list[IndicatorRow]:
    """The scorecard as the whole series judges it in Python: each indicator's detail.

    ``get_indicator_detail`` judges every period from all the indicator's
    value rows, exactly as the scorecard did before SQLite reduced them.
    """
    with workspace.database.session() as session:
        live = list(session.exec(select(Indicator.id).where(Indicator.retired == False)))  # noqa: E712
    order = {
        theme: position for position, theme in enumerate(list_theme_names(workspace=workspace))
    }
    rows: list[IndicatorRow] = []
    for ident in live:
        assert ident is not None
        detail = get_indicator_detail(workspace=workspace, indicator_id=ident)
        valued = [row for row in detail.values if row.value is not None]
        no_values = IndicatorRow(
            id=detail.id,
            ref=detail.ref,
            name=detail.name,
            theme=detail.theme,
            unit=detail.unit,
            polarity=detail.polarity,
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
        if not valued:
            rows.append(no_values)
            continue
        latest = max(valued, key=lambda row: row.period)
        rows.append(
            replace(
                no_values,
                latest_period=latest.period_label,
                value=latest.value,
                value_text=latest.value_text,
                target=latest.effective_target,
                target_text=latest.target_text,
                rag=latest.rag,
                rag_reason=latest.rag_reason,
                direction=latest.direction,
                direction_last_year=latest.direction_last_year,
                direction_text=latest.direction_text,
                record=latest.record,
                has_commentary=bool(latest.commentary.strip()),
                is_sample=latest.is_sample,
            )
        )
    return sorted(rows, key=lambda row: (order[row.theme], natural_key(row.ref)))


def test_the_scorecard_judges_as_the_whole_series_does(tmp_path: Path) -> None:
    judged: list[IndicatorRow] = []
    for seed in (1, 2, 3):
        workspace = open_workspace(tmp_path / f"generated-{seed}.qpmr", create=True)
        try:
            _generated_scorecard_database(workspace, seed, indicators=150)

            rows = list_indicator_rows(workspace=workspace)

            assert rows == _scorecard_from_details(workspace)
            assert len(rows) < 150  # some were retired
        finally:
            workspace.close()
        judged.extend(rows)
    # The generated data exercises everything the reduction must get right.
    assert {row.rag for row in judged} == set(Rag)
    assert {row.record for row in judged} == {None, *(record.label for record in Record)}
    assert {row.direction for row in judged} == set(Direction)
    assert {row.direction_last_year for row in judged} == set(Direction)
    assert any("no figure for" in row.direction_text for row in judged)
    assert any(row.has_commentary for row in judged)
    assert any(row.is_sample for row in judged)
