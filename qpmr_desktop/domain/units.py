"""How indicator values are rounded and written, by unit.

Contract:

* Rounding is half away from zero at ``decimals`` places, done in decimal on the
  number as written (its shortest ``repr``), so 0.125 and 2.675 round up to
  0.13 and 2.68 whatever their binary floating-point error. :func:`round_displayed`
  is the same rounding, for rules (RAG, direction of travel) that must judge
  exactly what the reader sees.
* :func:`format_value` writes a value with its unit: ``"1,875"``, ``"62.5%"``
  (a percentage is stored as one: 62.5 means 62.5%), ``"159.4 per 10,000"``,
  ``"12 days"``, ``"1 day"``, ``"6.5 weeks"``, ``"£1.2m"``; ``None`` is
  ``"No data"``. Thousands are always separated by commas.
* :func:`format_quantity` writes the size of a difference for a sentence: the
  sign is dropped (the sentence says "above" or "below") and a percentage
  difference is in points ("5 points").
* Money is compact: ``"£950"``, ``"£350k"``, ``"£1.2m"``, ``"£2.3bn"``;
  thousands with no decimals, millions and billions with one, and ``decimals``
  applies only below £1,000.
* Negative numbers use the ASCII hyphen-minus ("-£1.2m", "-3.5%"): it renders
  in every font, including ReportLab's built-in ones, which lack U+2212.
* ``trim_zeros=True`` drops trailing decimal zeros after rounding, for figures
  that were set rather than measured (targets, floors, tolerances): a 62%
  target reads "62%" beside a measured "58.2%".
* :class:`Unit` is defined here, beside the formatting that depends on it, so
  that ``performance`` can write its sentences with these functions without a
  circular import; ``performance`` re-exports it under its old name.
* Values must be finite and ``decimals`` at least 0; anything else raises
  :class:`ValueError`.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from functools import cache


class Unit(StrEnum):
    """What an indicator counts. Also importable from ``domain.performance``, its first home."""

    COUNT = "count"
    PERCENTAGE = "percentage"
    RATE_PER_1000 = "rate per 1,000"
    RATE_PER_10000 = "rate per 10,000"
    RATE_PER_100000 = "rate per 100,000"
    DAYS = "days"
    WEEKS = "weeks"
    POUNDS = "£"


NO_DATA_TEXT = "No data"
MINUS = "-"

# Enough significant digits to quantize any finite float (up to about 1.8e308)
# without decimal raising InvalidOperation.
_FLOAT_INTEGER_DIGITS = 310

# What follows the digits, (singular, plural). Money is written by _money.
_SUFFIXES: dict[Unit, tuple[str, str]] = {
    Unit.COUNT: ("", ""),
    Unit.PERCENTAGE: ("%", "%"),
    Unit.RATE_PER_1000: (" per 1,000", " per 1,000"),
    Unit.RATE_PER_10000: (" per 10,000", " per 10,000"),
    Unit.RATE_PER_100000: (" per 100,000", " per 100,000"),
    Unit.DAYS: (" day", " days"),
    Unit.WEEKS: (" week", " weeks"),
}
_POINTS = (" point", " points")

# (power of ten, suffix, places): money is shown at the smallest scale whose
# rounded figure stays below 1,000 of it, so £999,600 reads "£1.0m", never "£1,000k".
_MONEY_SCALES = ((3, "k", 0), (6, "m", 1), (9, "bn", 1))


def displayed_decimal(value: float, decimals: int) -> Decimal:
    """``value`` rounded half away from zero to ``decimals`` places, as an exact Decimal.

    The rules compare these rather than floats, so that 62.0 - 57.0 against a
    tolerance of 5 is decided in decimal, free of binary rounding error.
    """
    _check_decimals(decimals)
    return _round(_as_decimal(value), decimals)


def round_displayed(value: float, decimals: int) -> float:
    """``value`` as the reader sees it: 94.96 at 1 decimal is 95.0."""
    return float(displayed_decimal(value, decimals))


def format_value(
    value: float | None, unit: Unit, decimals: int = 0, *, trim_zeros: bool = False
) -> str:
    """``value`` written with its unit ("62.5%", "159.4 per 10,000"); None is "No data"."""
    _check_decimals(decimals)
    if value is None:
        return NO_DATA_TEXT
    amount = _as_decimal(value)
    if unit is Unit.POUNDS:
        return _money(amount, decimals, trim_zeros=trim_zeros)
    rounded = _round(amount, decimals)
    digits = _digits(abs(rounded), trim_zeros=trim_zeros)
    sign = MINUS if rounded < 0 else ""
    return sign + _with_unit(digits, unit, points=False)


def format_quantity(
    difference: float, unit: Unit, decimals: int, *, trim_zeros: bool = False
) -> str:
    """The size of a gap for a sentence, sign dropped: "175", "5 points", "£20k"."""
    _check_decimals(decimals)
    amount = abs(_as_decimal(difference))
    if unit is Unit.POUNDS:
        return _money(amount, decimals, trim_zeros=trim_zeros)
    digits = _digits(_round(amount, decimals), trim_zeros=trim_zeros)
    return _with_unit(digits, unit, points=True)


def _check_decimals(decimals: int) -> None:
    if decimals < 0:
        raise ValueError(f"Decimal places must be 0 or more, not {decimals}.")


def _as_decimal(value: float) -> Decimal:
    if not math.isfinite(value):
        raise ValueError(f"Not a number that can be shown: {value!r}.")
    # repr gives the shortest text that reads back as the same float, which is
    # the number as typed or imported; Decimal(value) would expose binary error
    # (0.145 is stored as 0.14499999…, and would round down).
    return Decimal(repr(float(value)))


@cache
def _rounding(decimals: int) -> tuple[Decimal, Context]:
    """The quantum and context that round to ``decimals`` places.

    Made once per count of places: building them was a third of every
    rounding, and opening the scorecard rounds thousands of figures.
    """
    return (
        Decimal(1).scaleb(-decimals),
        Context(prec=_FLOAT_INTEGER_DIGITS + decimals, rounding=ROUND_HALF_UP),
    )


def _round(amount: Decimal, decimals: int) -> Decimal:
    quantum, context = _rounding(decimals)
    rounded = amount.quantize(quantum, context=context)
    # -0.04 at one decimal is -0.0; nobody should read "-0.0%".
    return abs(rounded) if rounded.is_zero() else rounded


def _digits(magnitude: Decimal, *, trim_zeros: bool) -> str:
    """A non-negative rounded Decimal with thousands separators."""
    text = f"{magnitude:,f}"
    if trim_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _with_unit(digits: str, unit: Unit, *, points: bool) -> str:
    # A difference between two percentages is in percentage points: 58% to
    # 62% is 4 points, not 4%.
    singular, plural = _POINTS if points and unit is Unit.PERCENTAGE else _SUFFIXES[unit]
    return digits + (singular if digits == "1" else plural)


def _money(amount: Decimal, decimals: int, *, trim_zeros: bool) -> str:
    magnitude = abs(amount)
    shown = _round(magnitude, decimals)
    suffix = ""
    if shown >= 1_000:
        for exponent, scale_suffix, places in _MONEY_SCALES:
            shown = _round(magnitude.scaleb(-exponent), places)
            suffix = scale_suffix
            if shown < 1_000:
                break
    # The sign goes with the figure shown: -£0.40 at no decimals is "£0", not "-£0".
    sign = MINUS if amount < 0 and not shown.is_zero() else ""
    return f"{sign}£{_digits(shown, trim_zeros=trim_zeros)}{suffix}"
