"""Performance vocabulary and judgements: polarity, units, RAG, direction of travel, records.

Every judgement is derived from the data by one rule and carries the sentence
that explains it, so a printed report and the app can never disagree.

Contract (the rules in CONVENTIONS.md, "RAG against a target" and "Direction
of travel"):

* Everything is compared at the precision displayed: value, target, floor and
  an absolute tolerance are first rounded half away from zero to the
  indicator's ``decimals`` (``units.round_displayed``), so 94.96 shown as 95.0
  meets a 95 target, and no judgement contradicts the figures beside it.
* :func:`judge_rag` rates a value against its target. Higher or lower is
  better: met (the boundary counts) → Green; missed but the floor met → Amber;
  no floor and missed by no more than the tolerance → Amber; otherwise Red.
  Within a range: ``floor`` is the lower and ``target`` the upper bound.
  No value → No data; no target, or a context indicator → Data only.
* A floor on the wrong side of its target, or a range whose bounds are the
  wrong way round, is a data problem, not a crash: the judgement is Data only
  and its reason names the problem. A negative tolerance or materiality, a
  negative ``decimals`` or a non-finite number is a programming error and
  raises :class:`ValueError`.
* :func:`direction_of_travel` reads a change through polarity, with a
  materiality band; :func:`record_flag` marks a value beyond every earlier one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from qpmr_desktop.domain.units import Unit, displayed_decimal, format_quantity, format_value

# Unit moved to ``units`` (beside its formatting); it is still exported from here.
__all__ = [
    "Direction",
    "Frequency",
    "MeasureType",
    "Polarity",
    "Rag",
    "RagJudgement",
    "Record",
    "ToleranceKind",
    "Unit",
    "direction_of_travel",
    "judge_rag",
    "record_flag",
]


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher is better"
    LOWER_IS_BETTER = "lower is better"
    WITHIN_RANGE = "within a range"
    NO_JUDGEMENT = "no judgement"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Frequency(StrEnum):
    QUARTERLY = "quarterly"
    ANNUAL = "annual"
    MONTHLY = "monthly"


class MeasureType(StrEnum):
    """What one period's value means (printed as "data as at" apart from the period)."""

    QUARTER = "quarter only"
    ROLLING_12_MONTHS = "rolling 12 months"
    YEAR_TO_DATE = "year to date"
    SNAPSHOT = "snapshot at period end"


class ToleranceKind(StrEnum):
    ABSOLUTE = "absolute"
    PERCENT = "percent of target"


class Rag(StrEnum):
    """A judgement against target. Never shown by colour alone: see ``symbol``/``label``."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    DATA_ONLY = "data only"
    NO_DATA = "no data"

    @property
    def symbol(self) -> str:
        return _RAG_SYMBOLS[self]

    @property
    def label(self) -> str:
        return self.value.capitalize()


_RAG_SYMBOLS = {
    Rag.GREEN: "●",
    Rag.AMBER: "◆",
    Rag.RED: "▲",
    Rag.DATA_ONLY: "○",
    Rag.NO_DATA: "○",
}


class Direction(StrEnum):
    """Direction of travel, read through polarity."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no change"
    NOT_JUDGED = "not judged"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Record(StrEnum):
    """A value beyond every earlier one, whichever way is better."""

    HIGHEST_EVER = "highest ever recorded"
    LOWEST_EVER = "lowest ever recorded"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class RagJudgement:
    """A RAG rating and the one sentence, starting with the rating's label, that explains it."""

    rag: Rag
    reason: str


def judge_rag(
    *,
    value: float | None,
    target: float | None,
    polarity: Polarity,
    unit: Unit = Unit.COUNT,
    decimals: int = 0,
    tolerance: float | None = None,
    tolerance_kind: ToleranceKind = ToleranceKind.ABSOLUTE,
    floor: float | None = None,
) -> RagJudgement:
    """Rate ``value`` against ``target`` by the rule in the module docstring.

    ``tolerance`` is in the indicator's unit (ABSOLUTE) or a percent of the
    target (PERCENT); a percent of a zero target is no tolerance at all. When a
    floor is set it alone decides between Amber and Red, and the tolerance is
    not used. For WITHIN_RANGE, ``floor`` is the lower bound, ``target`` the
    upper, and the tolerance applies to the bound that was missed.
    """
    # Checked before the early returns, so a bad setting fails the same way
    # whether or not this period has a value.
    if decimals < 0:
        raise ValueError(f"Decimal places must be 0 or more, not {decimals}.")
    if tolerance is not None and not tolerance >= 0:  # "not >=" also catches NaN
        raise ValueError(f"A tolerance must be a number 0 or more, not {tolerance}.")
    if value is None:
        return RagJudgement(Rag.NO_DATA, "No data: no value for this period.")
    shown = _Shown(value=displayed_decimal(value, decimals), unit=unit, decimals=decimals)
    if polarity is Polarity.NO_JUDGEMENT:
        return RagJudgement(Rag.DATA_ONLY, "Data only: a context indicator, not judged.")
    if polarity is Polarity.WITHIN_RANGE:
        return _judge_range(
            shown,
            lower=floor,
            upper=target,
            tolerance=tolerance,
            tolerance_kind=tolerance_kind,
        )
    if target is None:
        return RagJudgement(Rag.DATA_ONLY, "Data only: no target set.")
    return _judge_against_target(
        shown,
        target=displayed_decimal(target, decimals),
        floor=None if floor is None else displayed_decimal(floor, decimals),
        higher_is_better=polarity is Polarity.HIGHER_IS_BETTER,
        tolerance=tolerance,
        tolerance_kind=tolerance_kind,
    )


@dataclass(frozen=True)
class _Shown:
    """The value being judged, as displayed, with what is needed to write about it."""

    value: Decimal
    unit: Unit
    decimals: int

    @property
    def text(self) -> str:
        return format_value(float(self.value), self.unit, self.decimals)

    def setting(self, figure: Decimal) -> str:
        """A target, floor or bound: it was set, not measured, so "62%" rather than "62.0%"."""
        return format_value(float(figure), self.unit, self.decimals, trim_zeros=True)

    def gap(self, difference: Decimal) -> str:
        return format_quantity(float(difference), self.unit, self.decimals)


def _judge_against_target(
    shown: _Shown,
    *,
    target: Decimal,
    floor: Decimal | None,
    higher_is_better: bool,
    tolerance: float | None,
    tolerance_kind: ToleranceKind,
) -> RagJudgement:
    sign = 1 if higher_is_better else -1
    # The side a miss falls on, and the name of the limit beyond the target:
    # a lower-is-better measure's "floor" is a ceiling.
    worse_side = "below" if higher_is_better else "above"
    limit_name = "floor" if higher_is_better else "ceiling"
    target_text = f"the {shown.setting(target)} target"

    if floor is not None and sign * (target - floor) < 0:
        better_side = "above" if higher_is_better else "below"
        return RagJudgement(
            Rag.DATA_ONLY,
            f"Data only: the {shown.setting(floor)} {limit_name} is {better_side} "
            f"{target_text}, so the value cannot be judged.",
        )
    gap = sign * (shown.value - target)
    if gap >= 0:
        return RagJudgement(Rag.GREEN, f"Green: {shown.text} meets {target_text}.")

    missed = f"{shown.text} is {shown.gap(gap)} {worse_side} {target_text}"
    if floor is None:
        return _judge_miss(
            shown,
            missed=missed,
            within=lambda band: f"{shown.text} is within {band} of {target_text}",
            shortfall=-gap,
            reference=target,
            reference_name="target",
            tolerance=tolerance,
            tolerance_kind=tolerance_kind,
        )
    # A floor, when set, alone decides between Amber and Red.
    floor_text = f"the {shown.setting(floor)} {limit_name}"
    if sign * (shown.value - floor) >= 0:
        return RagJudgement(
            Rag.AMBER, f"Amber: {shown.text} is {worse_side} {target_text} but meets {floor_text}."
        )
    return RagJudgement(Rag.RED, f"Red: {missed} and {worse_side} {floor_text}.")


def _judge_range(
    shown: _Shown,
    *,
    lower: float | None,
    upper: float | None,
    tolerance: float | None,
    tolerance_kind: ToleranceKind,
) -> RagJudgement:
    if lower is None and upper is None:
        return RagJudgement(Rag.DATA_ONLY, "Data only: no target range set.")
    if lower is None or upper is None:
        return RagJudgement(
            Rag.DATA_ONLY, "Data only: the target range needs both a lower and an upper bound."
        )
    low = displayed_decimal(lower, shown.decimals)
    high = displayed_decimal(upper, shown.decimals)
    if low > high:
        return RagJudgement(
            Rag.DATA_ONLY,
            f"Data only: the target range's lower bound ({shown.setting(low)}) is above "
            f"its upper bound ({shown.setting(high)}).",
        )
    range_text = f"the {shown.setting(low)} to {shown.setting(high)} target range"
    if low <= shown.value <= high:
        return RagJudgement(Rag.GREEN, f"Green: {shown.text} is within {range_text}.")

    bound, side = (low, "below") if shown.value < low else (high, "above")
    shortfall = abs(shown.value - bound)
    missed = f"{shown.text} is {shown.gap(shortfall)} {side} {range_text}"
    return _judge_miss(
        shown,
        # Which side of the range matters (demand too high or too low), so
        # the Amber sentence keeps the gap and the side.
        within=lambda band: f"{missed}, within the tolerance of {band}",
        missed=missed,
        shortfall=shortfall,
        reference=bound,
        reference_name="bound",
        tolerance=tolerance,
        tolerance_kind=tolerance_kind,
    )


def _judge_miss(
    shown: _Shown,
    *,
    missed: str,
    within: Callable[[str], str],
    shortfall: Decimal,
    reference: Decimal,
    reference_name: str,
    tolerance: float | None,
    tolerance_kind: ToleranceKind,
) -> RagJudgement:
    """Amber or Red for a value ``shortfall`` short of ``reference``, by the tolerance.

    ``missed`` says how far short the value is; ``within`` writes the Amber
    sentence's body given the tolerance as text.
    """
    if tolerance is None:
        return RagJudgement(Rag.RED, f"Red: {missed}.")
    if tolerance_kind is ToleranceKind.PERCENT and reference.is_zero():
        # Any percent of zero is zero: rather than a band that can never
        # apply, say why the miss is not Amber.
        return RagJudgement(
            Rag.RED,
            f"Red: {missed}; a percentage tolerance cannot apply to a zero {reference_name}.",
        )
    tolerance_text = _tolerance_text(shown, tolerance, tolerance_kind)
    if shortfall <= _allowed_shortfall(shown, reference, tolerance, tolerance_kind):
        return RagJudgement(Rag.AMBER, f"Amber: {within(tolerance_text)}.")
    return RagJudgement(Rag.RED, f"Red: {missed}, outside the tolerance of {tolerance_text}.")


def _allowed_shortfall(
    shown: _Shown, reference: Decimal, tolerance: float, kind: ToleranceKind
) -> Decimal:
    """How far short of ``reference`` still counts as Amber."""
    if kind is ToleranceKind.ABSOLUTE:
        # Rounded like everything else, so that "within 0.3 points" in the
        # sentence is exactly the band applied.
        return displayed_decimal(tolerance, shown.decimals)
    return abs(reference) * _exact(tolerance) / 100


def _tolerance_text(shown: _Shown, tolerance: float, kind: ToleranceKind) -> str:
    if kind is ToleranceKind.ABSOLUTE:
        return format_quantity(tolerance, shown.unit, shown.decimals, trim_zeros=True)
    return f"{_exact(tolerance).normalize():f}%"


def _exact(number: float) -> Decimal:
    """A setting taken exactly as written (its shortest repr), not rounded for display."""
    if not math.isfinite(number):
        raise ValueError(f"Not a number that can be judged: {number!r}.")
    return Decimal(repr(float(number)))


def direction_of_travel(
    *,
    current: float | None,
    previous: float | None,
    polarity: Polarity,
    decimals: int = 0,
    materiality: float = 0.0,
) -> Direction:
    """Whether ``current`` is better or worse than an earlier value, read through polarity.

    A change no bigger than ``materiality`` (in the indicator's unit, after both
    values are rounded for display) is no change. Not judged when either value
    is missing, and for two polarities where "better" has no direction: a
    context indicator (NO_JUDGEMENT) is never judged, and for a demand measure
    (WITHIN_RANGE) moving up or down can be good or bad depending on which side
    of the range it started, so "improving" would mislead.
    """
    if not materiality >= 0:  # "not >=" also catches NaN
        raise ValueError(f"A materiality band must be a number 0 or more, not {materiality}.")
    if current is None or previous is None:
        return Direction.NOT_JUDGED
    if polarity not in (Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER):
        return Direction.NOT_JUDGED
    sign = 1 if polarity is Polarity.HIGHER_IS_BETTER else -1
    change = sign * (displayed_decimal(current, decimals) - displayed_decimal(previous, decimals))
    if abs(change) <= _exact(materiality):
        return Direction.NO_CHANGE
    return Direction.IMPROVING if change > 0 else Direction.WORSENING


_MIN_RECORD_HISTORY = 2


def record_flag(
    *,
    value: float | None,
    history: Sequence[float | None],
    decimals: int | None = None,
) -> Record | None:
    """Whether ``value`` is strictly beyond every earlier value in ``history``.

    ``history`` holds the earlier values in any order; missing ones are ignored.
    At least two earlier values are needed, since beating a single figure is
    not a record worth printing. With ``decimals``, values are compared as
    displayed, so a "record" never shows the same figure as an earlier one.
    Only the extremes of ``history`` matter, so a caller may pass just the
    highest and the lowest of two or more earlier values.
    """
    if value is None:
        return None
    earlier = [number for number in history if number is not None]
    if len(earlier) < _MIN_RECORD_HISTORY:
        return None

    def shown(number: float) -> Decimal:
        return _exact(number) if decimals is None else displayed_decimal(number, decimals)

    # The same errors, in the same order, as converting every earlier value
    # and then ``value``: a bad ``decimals`` first, then a non-finite number.
    if decimals is not None and decimals < 0:
        shown(earlier[0])  # raises
    for number in earlier:
        if not math.isfinite(number):
            shown(number)  # raises
    if not math.isfinite(value):
        shown(value)  # raises
    # Rounding for display never reverses an order (a < b gives shown(a) <=
    # shown(b)), so comparing with the shown extremes is comparing with every
    # shown value, and a value strictly inside them is no record without
    # rounding anything. Converting every value to Decimal cost 0.12 s of the
    # scorecard's 0.7 s on 20,000 values (tests/benchmarks/bench_indicators.py).
    highest = max(earlier)
    lowest = min(earlier)
    if lowest < value < highest:
        return None
    current = shown(value)
    if current > shown(highest):
        return Record.HIGHEST_EVER
    if current < shown(lowest):
        return Record.LOWEST_EVER
    return None
