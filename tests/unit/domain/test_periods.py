"""Financial-year quarters: labels, parsing, dates and arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qpmr_desktop.domain.periods import (
    MAX_YEAR,
    MIN_YEAR,
    PeriodError,
    Quarter,
    financial_year_label,
)

quarters = st.builds(Quarter, st.integers(MIN_YEAR, MAX_YEAR), st.integers(1, 4))
# Quarters with a neighbour on both sides, even a year away.
inner_quarters = st.builds(Quarter, st.integers(MIN_YEAR + 1, MAX_YEAR - 1), st.integers(1, 4))
# Every day some quarter covers: 1 April of year 1 to 31 March 9999.
days = st.dates(min_value=date(MIN_YEAR, 4, 1), max_value=date(MAX_YEAR + 1, 3, 31))


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("year", "label"),
    [(2017, "2017/18"), (1999, "1999/00"), (2009, "2009/10"), (2099, "2099/00"), (5, "0005/06")],
)
def test_financial_year_label(year: int, label: str) -> None:
    assert financial_year_label(year) == label


def test_quarter_labels() -> None:
    quarter = Quarter(2017, 1)
    assert quarter.label == "Q1 2017/18"
    assert quarter.year_label == "2017/18"
    assert str(quarter) == "Q1 2017/18"
    assert Quarter(1999, 4).label == "Q4 1999/00"


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, date(2017, 4, 1), date(2017, 6, 30)),
        (2, date(2017, 7, 1), date(2017, 9, 30)),
        (3, date(2017, 10, 1), date(2017, 12, 31)),
        (4, date(2018, 1, 1), date(2018, 3, 31)),
    ],
)
def test_quarter_dates(quarter: int, start: date, end: date) -> None:
    period = Quarter(2017, quarter)
    assert period.start_date == start
    assert period.end_date == end


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2017, 4, 1), Quarter(2017, 1)),
        (date(2017, 6, 30), Quarter(2017, 1)),
        (date(2017, 7, 1), Quarter(2017, 2)),
        (date(2017, 12, 31), Quarter(2017, 3)),
        (date(2018, 1, 1), Quarter(2017, 4)),
        (date(2018, 3, 31), Quarter(2017, 4)),
        (date(2018, 4, 1), Quarter(2018, 1)),
        (date(2020, 2, 29), Quarter(2019, 4)),
    ],
)
def test_containing(day: date, expected: Quarter) -> None:
    assert Quarter.containing(day) == expected


@given(quarters)
def test_containing_its_own_start_and_end(quarter: Quarter) -> None:
    assert Quarter.containing(quarter.start_date) == quarter
    assert Quarter.containing(quarter.end_date) == quarter


@given(days)
def test_every_day_falls_inside_its_quarter(day: date) -> None:
    quarter = Quarter.containing(day)
    assert quarter.start_date <= day <= quarter.end_date


@given(inner_quarters)
def test_quarters_tile_the_calendar(quarter: Quarter) -> None:
    assert quarter.end_date + timedelta(days=1) == quarter.next().start_date


# ---------------------------------------------------------------- arithmetic


def test_neighbours_across_the_year_end() -> None:
    assert Quarter(2017, 4).next() == Quarter(2018, 1)
    assert Quarter(2018, 1).previous() == Quarter(2017, 4)
    assert Quarter(2017, 2).next() == Quarter(2017, 3)
    assert Quarter(2017, 3).same_quarter_last_year() == Quarter(2016, 3)


@given(inner_quarters)
def test_previous_and_next_are_inverse(quarter: Quarter) -> None:
    assert quarter.next().previous() == quarter
    assert quarter.previous().next() == quarter
    assert quarter.previous() < quarter < quarter.next()


@given(inner_quarters)
def test_same_quarter_last_year_is_four_quarters_back(quarter: Quarter) -> None:
    four_back = quarter.previous().previous().previous().previous()
    assert quarter.same_quarter_last_year() == four_back


@given(quarters, quarters)
def test_order_is_chronological(first: Quarter, second: Quarter) -> None:
    assert (first < second) == (first.start_date < second.start_date)


def test_neighbours_beyond_the_supported_years_raise() -> None:
    with pytest.raises(PeriodError, match="must start in 1 to 9998"):
        Quarter(MAX_YEAR, 4).next()
    with pytest.raises(PeriodError, match="must start in 1 to 9998"):
        Quarter(MIN_YEAR, 1).previous()


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    "text",
    [
        "Q1 2017/18",
        "2017/18 Q1",
        "Q1 2017-18",
        "2017-18 Q1",
        "Q1 2017/2018",
        "2017/2018 Q1",
        "Q1 2017–18",
        "q1 2017/18",
        "2017/18 q1",
        "  Q1   2017 / 18  ",
        "Q 1 2017/18",
        "\tQ1 2017/18\n",
    ],
)
def test_parse_accepts_the_usual_forms(text: str) -> None:
    assert Quarter.parse(text) == Quarter(2017, 1)


def test_parse_across_the_century() -> None:
    assert Quarter.parse("Q4 1999/00") == Quarter(1999, 4)
    assert Quarter.parse("Q4 1999/2000") == Quarter(1999, 4)


@given(quarters)
def test_parse_reads_back_both_label_forms(quarter: Quarter) -> None:
    assert Quarter.parse(quarter.label) == quarter
    assert Quarter.parse(f"{quarter.year_label} Q{quarter.quarter}") == quarter
    assert Quarter.parse(quarter.label.lower().replace("/", "-")) == quarter


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q5 2017/18", 'Not a period: "Q5 2017/18" — the quarter must be 1 to 4.'),
        ("Q0 2017/18", 'Not a period: "Q0 2017/18" — the quarter must be 1 to 4.'),
        ("2017/18 Q12", 'Not a period: "2017/18 Q12" — the quarter must be 1 to 4.'),
        (
            "Q1 2017/19",
            'Not a period: "Q1 2017/19" — 2017/19 is not a financial year: it should be 2017/18.',
        ),
        (
            "Q1 2017/2019",
            (
                'Not a period: "Q1 2017/2019" — 2017/2019 is not a financial year: '
                "it should be 2017/18."
            ),
        ),
        (
            "Q1 1999/2000x",
            (
                'Not a period: "Q1 1999/2000x" — expected a quarter such as "Q1 2017/18" '
                'or "2017/18 Q1".'
            ),
        ),
        (
            "Q1 9999/00",
            'Not a period: "Q1 9999/00" — the financial year must start in 1 to 9998.',
        ),
    ],
)
def test_parse_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Quarter.parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Q1",
        "2017/18",
        "Q1 2017",
        "Quarter 1 2017/18",
        "Q1 17/18",
        "Q12017/18",
        "Q1/2017/18",
    ],
)
def test_parse_rejects_text_that_is_not_a_period(text: str) -> None:
    with pytest.raises(PeriodError, match="expected a quarter such as"):
        Quarter.parse(text)


def test_period_error_is_a_value_error() -> None:
    # Import code catches ValueError for every unreadable cell.
    with pytest.raises(ValueError, match="Not a period"):
        Quarter.parse("nonsense")


# ---------------------------------------------------------------- construction


@pytest.mark.parametrize(
    ("year", "quarter", "message"),
    [
        (2017, 0, "Not a period: year 2017, quarter 0 — the quarter must be 1 to 4."),
        (2017, 5, "Not a period: year 2017, quarter 5 — the quarter must be 1 to 4."),
        (0, 1, "Not a period: year 0, quarter 1 — the financial year must start in 1 to 9998."),
        (
            9999,
            1,
            "Not a period: year 9999, quarter 1 — the financial year must start in 1 to 9998.",
        ),
    ],
)
def test_construction_is_validated(year: int, quarter: int, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Quarter(year, quarter)
    assert str(caught.value) == message


def test_containing_a_day_beyond_the_supported_years_raises() -> None:
    with pytest.raises(PeriodError, match="year 9999, quarter 1"):
        Quarter.containing(date(9999, 4, 1))


def test_quarters_are_values() -> None:
    assert Quarter(2017, 1) == Quarter.parse("Q1 2017/18")
    assert len({Quarter(2017, 1), Quarter.parse("2017/18 Q1")}) == 1
    assert sorted([Quarter(2018, 1), Quarter(2017, 4), Quarter(2017, 1)]) == [
        Quarter(2017, 1),
        Quarter(2017, 4),
        Quarter(2018, 1),
    ]
    with pytest.raises(AttributeError):
        Quarter(2017, 1).quarter = 2  # type: ignore[misc]
