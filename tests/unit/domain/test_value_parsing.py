"""Reading figures as spreadsheets write them: numbers, money, percentages, GSS symbols."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qpmr_desktop.domain.performance import Polarity
from qpmr_desktop.domain.units import Unit, format_value
from qpmr_desktop.domain.value_parsing import (
    STATUS_SYMBOLS,
    ParsedNumber,
    ValueParseError,
    parse_number,
    parse_polarity,
    parse_status,
    parse_unit,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,875", 1875.0),
        (" 62.5% ", 62.5),
        ("£1.2m", 1_200_000.0),
        ("£350k", 350_000.0),
        ("£2.3bn", 2_300_000_000.0),
        ("£950", 950.0),
        ("-3", -3.0),
        ("+3", 3.0),
        ("\u22123", -3.0),  # a minus sign pasted from Word
        ("(3)", -3.0),  # accounting negative
        ("(£1.2m)", -1_200_000.0),
        ("(3.5%)", -3.5),
        ("-£1.2m", -1_200_000.0),
        ("£-1.2m", -1_200_000.0),
        ("1.2e3", 1200.0),
        ("1.2E+03", 1200.0),  # as Excel saves a large number to CSV
        ("2.5e-1", 0.25),
        ("0.125", 0.125),
        (".5", 0.5),
        ("1,234,567.89", 1_234_567.89),
        ("159.4 per 10,000", 159.4),
        ("12 days", 12.0),
        ("1 day", 1.0),
        ("6.5 weeks", 6.5),
        ("\u00a01875\u00a0", 1875.0),  # no-break spaces from a web page
        ("-0", 0.0),
    ],
)
def test_numbers_as_people_write_them(text: str, value: float) -> None:
    parsed = parse_number(text)
    assert parsed.value == value
    assert parsed.status_symbol is None


def test_negative_zero_is_plain_zero() -> None:
    assert str(parse_number("-0.0").value) == "0.0"


def test_empty_text_is_missing() -> None:
    assert parse_number("") == ParsedNumber(value=None)
    assert parse_number("   ").is_missing


@pytest.mark.parametrize("text", ["n/a", "N/A", "na", "NA", "-", "–", "—", "..", "x", "X", "[x]"])
def test_not_available_words_are_symbol_x(text: str) -> None:
    assert parse_number(text) == ParsedNumber(value=None, status_symbol="x")


@pytest.mark.parametrize("symbol", sorted(set(STATUS_SYMBOLS) - {"low"}))
def test_each_gss_symbol_alone_is_no_value(symbol: str) -> None:
    for text in (symbol, symbol.upper(), f"[{symbol}]", f"({symbol})", f" {symbol} "):
        assert parse_number(text) == ParsedNumber(value=None, status_symbol=symbol)


def test_low_rounds_to_zero() -> None:
    assert parse_number("low") == ParsedNumber(value=0.0, status_symbol="low")
    assert parse_number("[low]").value == 0.0


@pytest.mark.parametrize(
    ("text", "value", "symbol"),
    [
        ("1,875p", 1875.0, "p"),
        ("1,875 p", 1875.0, "p"),
        ("62.5 (p)", 62.5, "p"),
        ("62.5 [r]", 62.5, "r"),
        ("62.5%[e]", 62.5, "e"),
        ("12e", 12.0, "e"),  # estimated, not an exponent
        ("40u", 40.0, "u"),
        ("7 b", 7.0, "b"),
        ("£1.2m [p]", 1_200_000.0, "p"),
        ("159.4 per 10,000 [r]", 159.4, "r"),
    ],
)
def test_trailing_status_markers(text: str, value: float, symbol: str) -> None:
    parsed = parse_number(text)
    assert (parsed.value, parsed.status_symbol) == (value, symbol)


@pytest.mark.parametrize(
    "text",
    [
        "about 60",
        "abc",
        "1,87",
        "12,34,567",
        "5m",
        "1.2.3",
        "--3",
        "(3",
        "62 (3)",
        "£5%",
        "1e999",
        "£2.3b",  # a billion, or £2.30 with a break in series? Refused, not guessed.
    ],
)
def test_other_text_is_refused_with_the_text_quoted(text: str) -> None:
    with pytest.raises(ValueParseError, match=re.escape(f"{text!r} is not a number")):
        parse_number(text)


def test_the_message_reads_well() -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_number("about 60")
    assert str(caught.value) == "'about 60' is not a number"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("text", ["12 [x]", "12 [c]", "12 (z)"])
def test_a_number_with_a_symbol_that_means_no_number_is_refused(text: str) -> None:
    with pytest.raises(ValueParseError, match="give one or the other"):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "decimals"),
    [("1875", 0), ("62.5%", 1), ("62.50%", 2), ("0.125", 3), ("£1.2m", 0), ("1.25e-1", 3)],
)
def test_decimals_as_written(text: str, decimals: int) -> None:
    assert parse_number(text).decimals == decimals


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("62.5%", Unit.PERCENTAGE),
        ("£3", Unit.POUNDS),
        ("3 per 1,000", Unit.RATE_PER_1000),
        ("3 per 100,000", Unit.RATE_PER_100000),
        ("3 days", Unit.DAYS),
        ("3 weeks", Unit.WEEKS),
        ("3", None),
    ],
)
def test_unit_hint(text: str, unit: Unit | None) -> None:
    assert parse_number(text).unit_hint is unit


# ---------------------------------------------------------------- status, unit, polarity words


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("", None),
        ("final", None),
        ("p", "p"),
        ("[P]", "p"),
        ("Provisional", "p"),
        ("revised", "r"),
        ("suppressed", "c"),
        ("not available", "x"),
        ("low", "low"),
        ("break in series", "b"),
    ],
)
def test_parse_status(text: str, symbol: str | None) -> None:
    assert parse_status(text) == symbol


def test_parse_status_refuses_other_words() -> None:
    with pytest.raises(ValueParseError, match="'maybe' is not a data-status symbol"):
        parse_status("maybe")


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("percentage", Unit.PERCENTAGE),
        ("%", Unit.PERCENTAGE),
        ("Count", Unit.COUNT),
        ("#", Unit.COUNT),
        ("rate per 10,000", Unit.RATE_PER_10000),
        ("per 100000", Unit.RATE_PER_100000),
        ("£", Unit.POUNDS),
        (" days ", Unit.DAYS),
    ],
)
def test_parse_unit(text: str, unit: Unit) -> None:
    assert parse_unit(text) is unit


@pytest.mark.parametrize(
    ("text", "polarity"),
    [
        ("higher is better", Polarity.HIGHER_IS_BETTER),
        ("Lower", Polarity.LOWER_IS_BETTER),
        ("within a range", Polarity.WITHIN_RANGE),
        ("no judgement", Polarity.NO_JUDGEMENT),
    ],
)
def test_parse_polarity(text: str, polarity: Polarity) -> None:
    assert parse_polarity(text) is polarity


def test_unknown_unit_and_polarity_list_the_allowed_words() -> None:
    with pytest.raises(ValueParseError, match=r"'Devices' is not a unit .*'rate per 10,000'"):
        parse_unit("Devices")
    with pytest.raises(ValueParseError, match=r"'sideways' is not a polarity .*'lower is better'"):
        parse_polarity("sideways")


# ---------------------------------------------------------------- formatted values read back

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
places = st.integers(min_value=0, max_value=4)
_MONEY_STEP = {"k": Decimal(1000), "m": Decimal("0.1") * 10**6, "bn": Decimal("0.1") * 10**9}


def _displayed_step(text: str, decimals: int) -> Decimal:
    """The size of one step in the last place ``text`` shows."""
    if text.startswith(("£", "-£")) and text[-1].isalpha():
        suffix = "bn" if text.endswith("bn") else text[-1]
        return _MONEY_STEP[suffix]
    return Decimal(1).scaleb(-decimals)


@given(finite, places, st.sampled_from([Unit.COUNT, Unit.PERCENTAGE, Unit.POUNDS]))
def test_formatted_values_read_back_within_the_displayed_precision(
    value: float, decimals: int, unit: Unit
) -> None:
    text = format_value(value, unit, decimals)
    parsed = parse_number(text)
    assert parsed.value is not None
    assert parsed.status_symbol is None
    # Within half a step of the last place shown (plus float noise).
    step = _displayed_step(text, decimals)
    gap = abs(Decimal(repr(parsed.value)) - Decimal(repr(value)))
    assert gap <= step / 2 + Decimal("1e-6") * max(Decimal(1), abs(Decimal(repr(value))))
    # And what was read is shown exactly as before.
    assert format_value(parsed.value, unit, decimals) == text


@given(finite, places, st.sampled_from(list(Unit)))
def test_every_unit_reads_back_as_shown(value: float, decimals: int, unit: Unit) -> None:
    text = format_value(value, unit, decimals)
    parsed = parse_number(text)
    assert parsed.value is not None
    assert format_value(parsed.value, unit, decimals) == text
