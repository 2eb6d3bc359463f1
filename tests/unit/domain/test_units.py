"""Rounding and writing values by unit."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qpmr_desktop.domain import performance
from qpmr_desktop.domain.units import (
    Unit,
    displayed_decimal,
    format_quantity,
    format_value,
    round_displayed,
)

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
places = st.integers(min_value=0, max_value=4)


def test_unit_is_still_exported_from_performance() -> None:
    # Other modules import Unit from performance, where it was first defined.
    assert performance.Unit is Unit
    assert Unit.POUNDS.value == "£"


# ---------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.125, 2, 0.13),
        (-0.125, 2, -0.13),
        (2.675, 2, 2.68),  # the built-in round() gives 2.67
        (0.145, 2, 0.15),
        (94.96, 1, 95.0),
        (94.94, 1, 94.9),
        (2.5, 0, 3.0),  # not banker's rounding
        (-2.5, 0, -3.0),
        (1874.5, 0, 1875.0),
        (62.0, 1, 62.0),
    ],
)
def test_round_displayed_is_half_away_from_zero(
    value: float, decimals: int, expected: float
) -> None:
    assert round_displayed(value, decimals) == expected


def test_round_displayed_never_gives_negative_zero() -> None:
    assert math.copysign(1.0, round_displayed(-0.04, 1)) == 1.0


@given(finite, places)
def test_rounding_is_symmetric_about_zero(value: float, decimals: int) -> None:
    assert round_displayed(-value, decimals) == -round_displayed(value, decimals)


@given(finite, places)
def test_rounding_moves_less_than_half_a_unit(value: float, decimals: int) -> None:
    exact = Decimal(repr(value))
    assert abs(displayed_decimal(value, decimals) - exact) <= Decimal(5).scaleb(-decimals - 1)
    assert displayed_decimal(value, decimals).as_tuple().exponent == -decimals


@given(finite, places)
def test_rounding_twice_changes_nothing(value: float, decimals: int) -> None:
    once = round_displayed(value, decimals)
    assert round_displayed(once, decimals) == once


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="Not a number that can be shown"):
        format_value(bad, Unit.COUNT)
    with pytest.raises(ValueError, match="Not a number that can be shown"):
        round_displayed(bad, 0)


def test_negative_decimals_are_refused() -> None:
    with pytest.raises(ValueError, match="Decimal places must be 0 or more, not -1"):
        format_value(1.0, Unit.COUNT, -1)
    with pytest.raises(ValueError, match="Decimal places must be 0 or more"):
        format_quantity(1.0, Unit.COUNT, -1)
    with pytest.raises(ValueError, match="Decimal places must be 0 or more"):
        round_displayed(1.0, -2)


# ---------------------------------------------------------------- format_value


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (1875, Unit.COUNT, 0, "1,875"),
        (1_234_567, Unit.COUNT, 0, "1,234,567"),
        (1234.5, Unit.COUNT, 1, "1,234.5"),
        (12, Unit.COUNT, 0, "12"),
        (0, Unit.COUNT, 0, "0"),
        (-1875, Unit.COUNT, 0, "-1,875"),
        (62.5, Unit.PERCENTAGE, 1, "62.5%"),
        (62.5, Unit.PERCENTAGE, 0, "63%"),
        (62, Unit.PERCENTAGE, 1, "62.0%"),
        (0.125, Unit.PERCENTAGE, 2, "0.13%"),
        (1250, Unit.PERCENTAGE, 0, "1,250%"),
        (-3.45, Unit.PERCENTAGE, 1, "-3.5%"),
        (-0.04, Unit.PERCENTAGE, 1, "0.0%"),
        (159.44, Unit.RATE_PER_10000, 1, "159.4 per 10,000"),
        (7.25, Unit.RATE_PER_1000, 2, "7.25 per 1,000"),
        (650.8, Unit.RATE_PER_100000, 0, "651 per 100,000"),
        (12345.6, Unit.RATE_PER_100000, 1, "12,345.6 per 100,000"),
        (12, Unit.DAYS, 0, "12 days"),
        (1, Unit.DAYS, 0, "1 day"),
        (0.6, Unit.DAYS, 0, "1 day"),
        (1, Unit.DAYS, 1, "1.0 days"),
        (0, Unit.DAYS, 0, "0 days"),
        (6.5, Unit.WEEKS, 1, "6.5 weeks"),
        (1, Unit.WEEKS, 0, "1 week"),
        (1500, Unit.WEEKS, 0, "1,500 weeks"),
    ],
)
def test_format_value(value: float, unit: Unit, decimals: int, expected: str) -> None:
    assert format_value(value, unit, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (950, 0, "£950"),
        (950.5, 2, "£950.50"),
        (0, 0, "£0"),
        (999.4, 0, "£999"),
        (999.6, 0, "£1k"),  # rounds to £1,000, which is written at the next scale
        (1000, 0, "£1k"),
        (20_000, 0, "£20k"),
        (350_000, 0, "£350k"),
        (350_000, 2, "£350k"),  # decimals apply only below £1,000
        (999_400, 0, "£999k"),
        (999_600, 0, "£1.0m"),
        (1_234_567, 0, "£1.2m"),
        (1_250_000, 0, "£1.3m"),
        (12_000_000, 0, "£12.0m"),
        (2_500_000_000, 0, "£2.5bn"),
        (-1_200_000, 0, "-£1.2m"),
        (-350_000, 0, "-£350k"),
        (-950, 0, "-£950"),
        (-0.4, 0, "£0"),  # no "-£0"
    ],
)
def test_format_pounds_compactly(value: float, decimals: int, expected: str) -> None:
    assert format_value(value, Unit.POUNDS, decimals) == expected


def test_none_is_no_data_in_every_unit() -> None:
    assert {format_value(None, unit, 1) for unit in Unit} == {"No data"}


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (62, Unit.PERCENTAGE, 1, "62%"),
        (62.5, Unit.PERCENTAGE, 1, "62.5%"),
        (62.25, Unit.PERCENTAGE, 1, "62.3%"),
        (1700, Unit.COUNT, 2, "1,700"),
        (1, Unit.DAYS, 1, "1 day"),
        (12_000_000, Unit.POUNDS, 0, "£12m"),
        (-2.50, Unit.RATE_PER_10000, 2, "-2.5 per 10,000"),
    ],
)
def test_trim_zeros_writes_set_figures_as_set(
    value: float, unit: Unit, decimals: int, expected: str
) -> None:
    assert format_value(value, unit, decimals, trim_zeros=True) == expected


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_counts_always_have_thousands_separators(number: int) -> None:
    assert format_value(number, Unit.COUNT) == f"{number:,}"
    assert format_value(number, Unit.PERCENTAGE) == f"{number:,}%"


@given(finite, places, st.sampled_from([unit for unit in Unit if unit is not Unit.POUNDS]))
def test_formatted_digits_are_the_displayed_value(value: float, decimals: int, unit: Unit) -> None:
    text = format_value(value, unit, decimals)
    number = text.split(" ")[0].rstrip("%").replace(",", "")
    assert Decimal(number) == displayed_decimal(value, decimals)


# ---------------------------------------------------------------- format_quantity


@pytest.mark.parametrize(
    ("difference", "unit", "decimals", "expected"),
    [
        (175, Unit.COUNT, 0, "175"),
        (-175, Unit.COUNT, 0, "175"),  # the sentence says which way
        (1500, Unit.COUNT, 0, "1,500"),
        (5, Unit.PERCENTAGE, 0, "5 points"),
        (-3.8, Unit.PERCENTAGE, 1, "3.8 points"),
        (1, Unit.PERCENTAGE, 0, "1 point"),
        (0.5, Unit.PERCENTAGE, 1, "0.5 points"),
        (12, Unit.RATE_PER_10000, 1, "12.0 per 10,000"),
        (3, Unit.DAYS, 0, "3 days"),
        (1, Unit.DAYS, 0, "1 day"),
        (2, Unit.WEEKS, 0, "2 weeks"),
        (1, Unit.WEEKS, 0, "1 week"),
        (20_000, Unit.POUNDS, 0, "£20k"),
        (-1_500_000, Unit.POUNDS, 0, "£1.5m"),
        (250, Unit.POUNDS, 0, "£250"),
    ],
)
def test_format_quantity(difference: float, unit: Unit, decimals: int, expected: str) -> None:
    assert format_quantity(difference, unit, decimals) == expected


def test_format_quantity_trims_set_figures() -> None:
    assert format_quantity(5, Unit.PERCENTAGE, 1, trim_zeros=True) == "5 points"
    assert format_quantity(5, Unit.PERCENTAGE, 1) == "5.0 points"


@given(finite, places, st.sampled_from(list(Unit)))
def test_quantity_has_no_sign(difference: float, decimals: int, unit: Unit) -> None:
    text = format_quantity(difference, unit, decimals)
    assert not text.startswith("-")
    assert text == format_quantity(-difference, unit, decimals)
