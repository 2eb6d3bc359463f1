"""RAG against a target, direction of travel and record flags."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import NotRequired, TypedDict

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from qpmr_desktop.domain.performance import (
    Direction,
    Polarity,
    Rag,
    RagJudgement,
    Record,
    ToleranceKind,
    Unit,
    direction_of_travel,
    judge_rag,
    record_flag,
)
from qpmr_desktop.domain.units import displayed_decimal, round_displayed

HIGHER = Polarity.HIGHER_IS_BETTER
LOWER = Polarity.LOWER_IS_BETTER
RANGE = Polarity.WITHIN_RANGE
CONTEXT = Polarity.NO_JUDGEMENT
ABSOLUTE = ToleranceKind.ABSOLUTE
PERCENT = ToleranceKind.PERCENT


class JudgeArguments(TypedDict):
    """judge_rag's keyword arguments, so that example tables are type-checked calls."""

    value: float | None
    target: float | None
    polarity: Polarity
    unit: NotRequired[Unit]
    decimals: NotRequired[int]
    tolerance: NotRequired[float | None]
    tolerance_kind: NotRequired[ToleranceKind]
    floor: NotRequired[float | None]


# How good each judged rating is, for monotonicity.
RANK = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}

figures = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
places = st.integers(min_value=0, max_value=3)
units = st.sampled_from(list(Unit))


# ---------------------------------------------------------------- reason sentences


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        # No data and data only.
        (
            {"value": None, "target": 1700, "polarity": LOWER},
            RagJudgement(Rag.NO_DATA, "No data: no value for this period."),
        ),
        (
            {"value": None, "target": None, "polarity": CONTEXT},
            RagJudgement(Rag.NO_DATA, "No data: no value for this period."),
        ),
        (
            {"value": 1875, "target": None, "polarity": LOWER},
            RagJudgement(Rag.DATA_ONLY, "Data only: no target set."),
        ),
        (
            {"value": 1875, "target": 1700, "polarity": CONTEXT},
            RagJudgement(Rag.DATA_ONLY, "Data only: a context indicator, not judged."),
        ),
        # Green: the boundary counts as met, and better than target too.
        (
            {"value": 64, "target": 62, "polarity": HIGHER, "unit": Unit.PERCENTAGE, "decimals": 1},
            RagJudgement(Rag.GREEN, "Green: 64.0% meets the 62% target."),
        ),
        (
            {"value": 1700, "target": 1700, "polarity": LOWER},
            RagJudgement(Rag.GREEN, "Green: 1,700 meets the 1,700 target."),
        ),
        (
            {"value": 1650, "target": 1700, "polarity": LOWER},
            RagJudgement(Rag.GREEN, "Green: 1,650 meets the 1,700 target."),
        ),
        # Compared at the displayed precision.
        (
            {
                "value": 94.96,
                "target": 95,
                "polarity": HIGHER,
                "unit": Unit.PERCENTAGE,
                "decimals": 1,
            },
            RagJudgement(Rag.GREEN, "Green: 95.0% meets the 95% target."),
        ),
        (
            {
                "value": 94.94,
                "target": 95,
                "polarity": HIGHER,
                "unit": Unit.PERCENTAGE,
                "decimals": 1,
            },
            RagJudgement(Rag.RED, "Red: 94.9% is 0.1 points below the 95% target."),
        ),
        # Red with no tolerance or floor.
        (
            {"value": 1875, "target": 1700, "polarity": LOWER},
            RagJudgement(Rag.RED, "Red: 1,875 is 175 above the 1,700 target."),
        ),
        (
            {"value": 14, "target": 10, "polarity": LOWER, "unit": Unit.DAYS},
            RagJudgement(Rag.RED, "Red: 14 days is 4 days above the 10 days target."),
        ),
        # Absolute tolerance.
        (
            {
                "value": 58.2,
                "target": 62,
                "polarity": HIGHER,
                "unit": Unit.PERCENTAGE,
                "decimals": 1,
                "tolerance": 5,
            },
            RagJudgement(Rag.AMBER, "Amber: 58.2% is within 5 points of the 62% target."),
        ),
        (
            {
                "value": 50,
                "target": 62,
                "polarity": HIGHER,
                "unit": Unit.PERCENTAGE,
                "decimals": 1,
                "tolerance": 5,
            },
            RagJudgement(
                Rag.RED,
                "Red: 50.0% is 12.0 points below the 62% target, "
                "outside the tolerance of 5 points.",
            ),
        ),
        (
            {
                "value": 172.0,
                "target": 159.4,
                "polarity": LOWER,
                "unit": Unit.RATE_PER_10000,
                "decimals": 1,
                "tolerance": 10,
            },
            RagJudgement(
                Rag.RED,
                "Red: 172.0 per 10,000 is 12.6 per 10,000 above the 159.4 per 10,000 target, "
                "outside the tolerance of 10 per 10,000.",
            ),
        ),
        (
            {
                "value": 1_230_000,
                "target": 1_200_000,
                "polarity": LOWER,
                "unit": Unit.POUNDS,
                "tolerance": 50_000,
            },
            RagJudgement(Rag.AMBER, "Amber: £1.2m is within £50k of the £1.2m target."),
        ),
        # Percent-of-target tolerance.
        (
            {
                "value": 92,
                "target": 95,
                "polarity": HIGHER,
                "tolerance": 5,
                "tolerance_kind": PERCENT,
            },
            RagJudgement(Rag.AMBER, "Amber: 92 is within 5% of the 95 target."),
        ),
        (
            {
                "value": 80,
                "target": 95,
                "polarity": HIGHER,
                "tolerance": 2.5,
                "tolerance_kind": PERCENT,
            },
            RagJudgement(
                Rag.RED, "Red: 80 is 15 below the 95 target, outside the tolerance of 2.5%."
            ),
        ),
        (
            {
                "value": 3,
                "target": 0,
                "polarity": LOWER,
                "tolerance": 50,
                "tolerance_kind": PERCENT,
            },
            RagJudgement(
                Rag.RED,
                "Red: 3 is 3 above the 0 target; "
                "a percentage tolerance cannot apply to a zero target.",
            ),
        ),
        # Floor (a ceiling when lower is better).
        (
            {"value": 92, "target": 95, "polarity": HIGHER, "floor": 90},
            RagJudgement(Rag.AMBER, "Amber: 92 is below the 95 target but meets the 90 floor."),
        ),
        (
            {"value": 90, "target": 95, "polarity": HIGHER, "floor": 90},
            RagJudgement(Rag.AMBER, "Amber: 90 is below the 95 target but meets the 90 floor."),
        ),
        (
            {"value": 85, "target": 95, "polarity": HIGHER, "floor": 90},
            RagJudgement(Rag.RED, "Red: 85 is 10 below the 95 target and below the 90 floor."),
        ),
        (
            {"value": 1750, "target": 1700, "polarity": LOWER, "floor": 1800},
            RagJudgement(
                Rag.AMBER, "Amber: 1,750 is above the 1,700 target but meets the 1,800 ceiling."
            ),
        ),
        (
            {"value": 1900, "target": 1700, "polarity": LOWER, "floor": 1800},
            RagJudgement(
                Rag.RED, "Red: 1,900 is 200 above the 1,700 target and above the 1,800 ceiling."
            ),
        ),
        (
            {"value": 92, "target": 95, "polarity": HIGHER, "floor": 96},
            RagJudgement(
                Rag.DATA_ONLY,
                "Data only: the 96 floor is above the 95 target, so the value cannot be judged.",
            ),
        ),
        (
            {"value": 1750, "target": 1700, "polarity": LOWER, "floor": 1600},
            RagJudgement(
                Rag.DATA_ONLY,
                "Data only: the 1,600 ceiling is below the 1,700 target, "
                "so the value cannot be judged.",
            ),
        ),
        # Within a range: floor is the lower bound, target the upper.
        (
            {
                "value": 45.2,
                "target": 50,
                "floor": 40,
                "polarity": RANGE,
                "unit": Unit.PERCENTAGE,
                "decimals": 1,
            },
            RagJudgement(Rag.GREEN, "Green: 45.2% is within the 40% to 50% target range."),
        ),
        (
            {"value": 40, "target": 50, "floor": 40, "polarity": RANGE},
            RagJudgement(Rag.GREEN, "Green: 40 is within the 40 to 50 target range."),
        ),
        (
            {
                "value": 52.3,
                "target": 50,
                "floor": 40,
                "polarity": RANGE,
                "unit": Unit.PERCENTAGE,
                "decimals": 1,
                "tolerance": 5,
            },
            RagJudgement(
                Rag.AMBER,
                "Amber: 52.3% is 2.3 points above the 40% to 50% target range, "
                "within the tolerance of 5 points.",
            ),
        ),
        (
            {
                "value": 32.3,
                "target": 50,
                "floor": 40,
                "polarity": RANGE,
                "unit": Unit.PERCENTAGE,
                "decimals": 1,
                "tolerance": 5,
            },
            RagJudgement(
                Rag.RED,
                "Red: 32.3% is 7.7 points below the 40% to 50% target range, "
                "outside the tolerance of 5 points.",
            ),
        ),
        (
            {"value": 55, "target": 50, "floor": 40, "polarity": RANGE},
            RagJudgement(Rag.RED, "Red: 55 is 5 above the 40 to 50 target range."),
        ),
        (
            {
                "value": 38,
                "target": 50,
                "floor": 40,
                "polarity": RANGE,
                "tolerance": 10,
                "tolerance_kind": PERCENT,
            },
            RagJudgement(
                Rag.AMBER,
                "Amber: 38 is 2 below the 40 to 50 target range, within the tolerance of 10%.",
            ),
        ),
        (
            {
                "value": -1,
                "target": 5,
                "floor": 0,
                "polarity": RANGE,
                "tolerance": 10,
                "tolerance_kind": PERCENT,
            },
            RagJudgement(
                Rag.RED,
                "Red: -1 is 1 below the 0 to 5 target range; "
                "a percentage tolerance cannot apply to a zero bound.",
            ),
        ),
        (
            {"value": 45, "target": None, "floor": None, "polarity": RANGE},
            RagJudgement(Rag.DATA_ONLY, "Data only: no target range set."),
        ),
        (
            {"value": 45, "target": 50, "floor": None, "polarity": RANGE},
            RagJudgement(
                Rag.DATA_ONLY, "Data only: the target range needs both a lower and an upper bound."
            ),
        ),
        (
            {"value": 45, "target": None, "floor": 40, "polarity": RANGE},
            RagJudgement(
                Rag.DATA_ONLY, "Data only: the target range needs both a lower and an upper bound."
            ),
        ),
        (
            {"value": 45, "target": 30, "floor": 40, "polarity": RANGE},
            RagJudgement(
                Rag.DATA_ONLY,
                "Data only: the target range's lower bound (40) is above its upper bound (30).",
            ),
        ),
    ],
)
def test_judgement_and_reason(arguments: JudgeArguments, expected: RagJudgement) -> None:
    assert judge_rag(**arguments) == expected


def test_floor_decides_even_when_a_tolerance_is_set() -> None:
    judgement = judge_rag(value=85, target=95, polarity=HIGHER, floor=90, tolerance=20)
    assert judgement.rag is Rag.RED
    assert "floor" in judgement.reason


def test_absolute_tolerance_is_compared_as_displayed() -> None:
    # A 0.25-point tolerance shows as "0.3 points" at one decimal, and a 0.3
    # shortfall must then be amber, as the sentence promises.
    judgement = judge_rag(
        value=61.7,
        target=62,
        polarity=HIGHER,
        unit=Unit.PERCENTAGE,
        decimals=1,
        tolerance=0.25,
    )
    assert judgement == RagJudgement(
        Rag.AMBER, "Amber: 61.7% is within 0.3 points of the 62% target."
    )


def test_tolerance_sums_are_decided_in_decimal() -> None:
    # 0.7 - 0.4 in binary is 0.29999999999999993, and 0.3 - 0.1 + 0.1 drifts;
    # the rule must not depend on that.
    for value in (0.4, 0.1, 0.2):
        judgement = judge_rag(
            value=value, target=round(value + 0.3, 1), polarity=HIGHER, decimals=1, tolerance=0.3
        )
        assert judgement.rag is Rag.AMBER, value


def test_first_rating_word_is_the_rag_label() -> None:
    judgement = judge_rag(value=58.2, target=62, polarity=HIGHER, tolerance=5, decimals=1)
    assert judgement.reason.startswith(f"{judgement.rag.label}: ")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        # A bad setting raises even when there is no value to judge.
        (
            {"value": None, "target": 10, "polarity": HIGHER, "decimals": -1},
            "Decimal places must be 0 or more, not -1",
        ),
        (
            {"value": None, "target": 10, "polarity": HIGHER, "tolerance": -5.0},
            "A tolerance must be a number 0 or more, not -5.0",
        ),
        (
            {"value": 9, "target": 10, "polarity": HIGHER, "tolerance": float("nan")},
            "A tolerance must be a number 0 or more, not nan",
        ),
        (
            {"value": float("inf"), "target": 10, "polarity": HIGHER},
            "Not a number that can be shown",
        ),
        (
            {"value": 9, "target": float("nan"), "polarity": LOWER},
            "Not a number that can be shown",
        ),
    ],
)
def test_bad_arguments_raise(arguments: JudgeArguments, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        judge_rag(**arguments)


# ---------------------------------------------------------------- RAG properties


@dataclass(frozen=True)
class Settings:
    """Everything judge_rag takes but the value and polarity."""

    target: float
    decimals: int
    unit: Unit
    tolerance: float | None
    tolerance_kind: ToleranceKind
    # How far the floor sits beyond the target on the worse side, or None.
    floor_margin: float | None

    def floor(self, polarity: Polarity) -> float | None:
        if self.floor_margin is None:
            return None
        sign = 1 if polarity is HIGHER else -1
        return self.target - sign * self.floor_margin

    def judge(self, value: float, polarity: Polarity) -> RagJudgement:
        return judge_rag(
            value=value,
            target=self.target,
            polarity=polarity,
            unit=self.unit,
            decimals=self.decimals,
            tolerance=self.tolerance,
            tolerance_kind=self.tolerance_kind,
            floor=self.floor(polarity),
        )


settings = st.builds(
    Settings,
    target=figures,
    decimals=places,
    unit=units,
    tolerance=st.none() | st.floats(min_value=0, max_value=1e4),
    tolerance_kind=st.sampled_from(list(ToleranceKind)),
    floor_margin=st.none() | st.floats(min_value=0, max_value=1e4),
)
polarities = st.sampled_from([HIGHER, LOWER])


@given(settings, polarities)
def test_value_equal_to_target_is_green(setting: Settings, polarity: Polarity) -> None:
    assert setting.judge(setting.target, polarity).rag is Rag.GREEN


@given(settings, polarities)
def test_value_that_rounds_to_target_is_green(setting: Settings, polarity: Polarity) -> None:
    shown_target = round_displayed(setting.target, setting.decimals)
    # Just under half a displayed unit on the worse side still shows as the target.
    sign = 1 if polarity is HIGHER else -1
    value = shown_target - sign * 0.4 * 10**-setting.decimals
    assume(round_displayed(value, setting.decimals) == shown_target)
    assert setting.judge(value, polarity).rag is Rag.GREEN


@given(settings, figures)
def test_swapping_polarity_mirrors_the_judgement(setting: Settings, value: float) -> None:
    # Lower-is-better on negated figures is higher-is-better on the originals:
    # rounding half away from zero keeps this exact.
    mirrored = Settings(
        target=-setting.target,
        decimals=setting.decimals,
        unit=setting.unit,
        tolerance=setting.tolerance,
        tolerance_kind=setting.tolerance_kind,
        floor_margin=setting.floor_margin,
    )
    assert mirrored.judge(-value, LOWER).rag is setting.judge(value, HIGHER).rag


@given(figures, figures, places)
def test_without_tolerance_swapping_polarity_swaps_green_and_red(
    value: float, target: float, decimals: int
) -> None:
    assume(round_displayed(value, decimals) != round_displayed(target, decimals))
    higher = judge_rag(value=value, target=target, polarity=HIGHER, decimals=decimals)
    lower = judge_rag(value=value, target=target, polarity=LOWER, decimals=decimals)
    assert {higher.rag, lower.rag} == {Rag.GREEN, Rag.RED}


@given(settings, polarities, figures, figures)
def test_a_better_value_never_gets_a_worse_rating(
    setting: Settings, polarity: Polarity, first: float, second: float
) -> None:
    worse, better = sorted((first, second))
    if polarity is LOWER:
        worse, better = better, worse
    assert RANK[setting.judge(better, polarity).rag] >= RANK[setting.judge(worse, polarity).rag]


@dataclass(frozen=True)
class RangeSettings:
    """A target range and its tolerance, for WITHIN_RANGE judgements."""

    lower: float
    width: float
    decimals: int
    tolerance: float | None
    tolerance_kind: ToleranceKind

    @property
    def upper(self) -> float:
        return self.lower + self.width

    def rank(self, value: float) -> int:
        judgement = judge_rag(
            value=value,
            target=self.upper,
            floor=self.lower,
            polarity=RANGE,
            decimals=self.decimals,
            tolerance=self.tolerance,
            tolerance_kind=self.tolerance_kind,
        )
        return RANK[judgement.rag]


range_settings = st.builds(
    RangeSettings,
    lower=figures,
    width=st.floats(min_value=0, max_value=1e4),
    decimals=places,
    tolerance=st.none() | st.floats(min_value=0, max_value=1e4),
    tolerance_kind=st.sampled_from(list(ToleranceKind)),
)


@given(range_settings, figures, figures)
def test_in_a_range_moving_towards_it_never_worsens(
    setting: RangeSettings, first: float, second: float
) -> None:
    lower, upper = setting.lower, setting.upper
    near, far = sorted((first, second), key=lambda value: _distance(value, lower, upper))
    # Only compare values on the same side, where "nearer" is unambiguous.
    assume((near <= lower and far <= lower) or (near >= upper and far >= upper))
    assert setting.rank(near) >= setting.rank(far)
    assert setting.rank((lower + upper) / 2) == RANK[Rag.GREEN]


def _distance(value: float, lower: float, upper: float) -> float:
    return max(lower - value, value - upper, 0.0)


@given(figures, st.none() | figures, places)
def test_context_indicators_are_never_judged(
    value: float, target: float | None, decimals: int
) -> None:
    judgement = judge_rag(value=value, target=target, polarity=CONTEXT, decimals=decimals)
    assert judgement.rag is Rag.DATA_ONLY


# ---------------------------------------------------------------- direction of travel


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "decimals", "materiality", "expected"),
    [
        (65, 60, HIGHER, 0, 0.0, Direction.IMPROVING),
        (55, 60, HIGHER, 0, 0.0, Direction.WORSENING),
        (65, 60, LOWER, 0, 0.0, Direction.WORSENING),
        (55, 60, LOWER, 0, 0.0, Direction.IMPROVING),
        (60, 60, HIGHER, 0, 0.0, Direction.NO_CHANGE),
        # Compared as displayed: both show as 60.0.
        (60.04, 59.96, HIGHER, 1, 0.0, Direction.NO_CHANGE),
        (60.06, 59.96, HIGHER, 1, 0.0, Direction.IMPROVING),
        # The materiality band is inclusive.
        (60.5, 60.0, HIGHER, 1, 0.5, Direction.NO_CHANGE),
        (60.6, 60.0, HIGHER, 1, 0.5, Direction.IMPROVING),
        (59.4, 60.0, HIGHER, 1, 0.5, Direction.WORSENING),
        # Not judged.
        (None, 60, HIGHER, 0, 0.0, Direction.NOT_JUDGED),
        (60, None, LOWER, 0, 0.0, Direction.NOT_JUDGED),
        (65, 60, CONTEXT, 0, 0.0, Direction.NOT_JUDGED),
        (65, 60, RANGE, 0, 0.0, Direction.NOT_JUDGED),
    ],
)
def test_direction_of_travel(
    *,
    current: float | None,
    previous: float | None,
    polarity: Polarity,
    decimals: int,
    materiality: float,
    expected: Direction,
) -> None:
    direction = direction_of_travel(
        current=current,
        previous=previous,
        polarity=polarity,
        decimals=decimals,
        materiality=materiality,
    )
    assert direction is expected


_FLIPPED = {
    Direction.IMPROVING: Direction.WORSENING,
    Direction.WORSENING: Direction.IMPROVING,
    Direction.NO_CHANGE: Direction.NO_CHANGE,
}


@given(figures, figures, places, st.floats(min_value=0, max_value=1e3))
def test_flipping_polarity_flips_the_direction(
    current: float, previous: float, decimals: int, materiality: float
) -> None:
    def direction(polarity: Polarity) -> Direction:
        return direction_of_travel(
            current=current,
            previous=previous,
            polarity=polarity,
            decimals=decimals,
            materiality=materiality,
        )

    assert direction(LOWER) is _FLIPPED[direction(HIGHER)]


@given(figures, figures, places)
def test_direction_agrees_with_the_displayed_change(
    current: float, previous: float, decimals: int
) -> None:
    change = round_displayed(current, decimals) - round_displayed(previous, decimals)
    expected = (
        Direction.NO_CHANGE
        if change == 0
        else Direction.IMPROVING
        if change > 0
        else Direction.WORSENING
    )
    assert (
        direction_of_travel(current=current, previous=previous, polarity=HIGHER, decimals=decimals)
        is expected
    )


def test_negative_materiality_is_refused() -> None:
    with pytest.raises(ValueError, match="A materiality band must be a number 0 or more"):
        direction_of_travel(current=1, previous=2, polarity=HIGHER, materiality=-0.1)


# ---------------------------------------------------------------- records


def test_record_labels() -> None:
    assert Record.HIGHEST_EVER.label == "Highest ever recorded"
    assert Record.LOWEST_EVER.label == "Lowest ever recorded"
    assert Record.HIGHEST_EVER.value == "highest ever recorded"


@pytest.mark.parametrize(
    ("value", "history", "expected"),
    [
        (10, [3, 7, 9], Record.HIGHEST_EVER),
        (10, [9, 3, None, 7], Record.HIGHEST_EVER),  # any order, gaps ignored
        (1, [3, 7, 9], Record.LOWEST_EVER),
        (9, [3, 7, 9], None),  # equal to the best is not a record
        (3, [3, 7, 9], None),
        (5, [3, 7, 9], None),
        (10, [9], None),  # one earlier value is too few
        (10, [9, None, None], None),
        (10, [], None),
        (None, [3, 7, 9], None),
        (-5, [-1, 0], Record.LOWEST_EVER),
    ],
)
def test_record_flag(
    value: float | None, history: list[float | None], expected: Record | None
) -> None:
    assert record_flag(value=value, history=history) is expected


def test_record_flag_at_displayed_precision() -> None:
    # 60.04 shows as 60.0, the same as the earlier best: not a record when
    # compared as displayed, though it is one in the raw figures.
    assert record_flag(value=60.04, history=[60.0, 50.0]) is Record.HIGHEST_EVER
    assert record_flag(value=60.04, history=[60.0, 50.0], decimals=1) is None
    assert record_flag(value=60.06, history=[60.0, 50.0], decimals=1) is Record.HIGHEST_EVER


@given(figures, st.lists(figures, min_size=2))
def test_record_flag_matches_the_extremes(value: float, history: list[float]) -> None:
    flag = record_flag(value=value, history=history)
    if value > max(history):
        assert flag is Record.HIGHEST_EVER
    elif value < min(history):
        assert flag is Record.LOWEST_EVER
    else:
        assert flag is None


def _record_flag_converting_every_value(
    *, value: float | None, history: list[float | None], decimals: int | None
) -> Record | None:
    """``record_flag`` as it was: every earlier value converted to Decimal, then compared."""
    if value is None:
        return None

    def shown(number: float) -> Decimal:
        if decimals is None:
            if not math.isfinite(number):
                raise ValueError(f"Not a number that can be judged: {number!r}.")
            return Decimal(repr(float(number)))
        return displayed_decimal(number, decimals)

    earlier = [shown(number) for number in history if number is not None]
    if len(earlier) < 2:
        return None
    current = shown(value)
    if current > max(earlier):
        return Record.HIGHEST_EVER
    if current < min(earlier):
        return Record.LOWEST_EVER
    return None


# Figures that often round to the same displayed value: where the shortcut
# (comparing with the extremes only, and not rounding values inside them)
# could go wrong if rounding could reverse an order.
close_figures = st.integers(min_value=-3000, max_value=3000).map(lambda n: n / 1000) | figures
sometimes_missing = st.none() | close_figures


@given(
    st.none() | close_figures,
    st.lists(sometimes_missing, max_size=8),
    st.none() | places,
)
def test_record_flag_is_the_same_as_converting_every_value(
    value: float | None, history: list[float | None], decimals: int | None
) -> None:
    expected = _record_flag_converting_every_value(value=value, history=history, decimals=decimals)

    assert record_flag(value=value, history=history, decimals=decimals) is expected


@given(close_figures, st.lists(close_figures, min_size=2, max_size=8), st.none() | places)
def test_record_flag_needs_only_the_extremes(
    value: float, history: list[float], decimals: int | None
) -> None:
    extremes = [max(history), min(history)]

    assert record_flag(value=value, history=extremes, decimals=decimals) is record_flag(
        value=value, history=history, decimals=decimals
    )


@pytest.mark.parametrize(
    ("value", "history", "decimals", "message"),
    [
        (1.0, [2.0, math.inf], None, "Not a number that can be judged: inf"),
        (1.0, [2.0, math.nan, -math.inf], 1, "Not a number that can be shown: nan"),
        (math.inf, [2.0, 3.0], 1, "Not a number that can be shown: inf"),
        (1.0, [2.0, 3.0], -1, "Decimal places must be 0 or more, not -1"),
    ],
)
def test_record_flag_refuses_what_it_cannot_compare(
    value: float, history: list[float | None], decimals: int | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        record_flag(value=value, history=history, decimals=decimals)
    with pytest.raises(ValueError, match=message):
        _record_flag_converting_every_value(value=value, history=history, decimals=decimals)


def test_record_flag_checks_nothing_with_too_few_earlier_values() -> None:
    # As before: with fewer than two earlier values nothing is converted.
    assert record_flag(value=math.inf, history=[math.nan], decimals=-1) is None
