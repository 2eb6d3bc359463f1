"""Reporting periods: UK financial years (April to March) and their quarters.

Contract:

* "2017/18" is the financial year from 1 April 2017 to 31 March 2018, and a
  :class:`Quarter` names it by the calendar year it starts in (``year=2017``).
* Q1 is April to June, Q2 July to September, Q3 October to December and Q4
  January to March (so Q4 2017/18 falls in calendar 2018).
* A quarter is labelled "Q1 2017/18" everywhere the app shows or prints one.
  :meth:`Quarter.parse` also accepts the public-health form "2017/18 Q1", a
  hyphen or en dash instead of the slash, a four-digit second year
  ("2017/2018"), any letter case and extra spaces.
* Quarters order chronologically, and ``start_date``/``end_date`` are both
  inclusive.
* Anything that is not a valid quarter raises :class:`PeriodError`, whose
  message quotes the offending text and says what is wrong with it.
* Years run from 1 to 9998, so every quarter's dates fit in :class:`datetime.date`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Self

MIN_YEAR = 1
# The last quarter of a financial year ends in the following calendar year,
# and datetime.date stops at 9999.
MAX_YEAR = 9998

_FIRST_QUARTER_MONTH = 4  # April

# The separator between the two years: a slash, a hyphen or an en dash (the
# last turns up in text pasted from Word).
_YEARS = r"(?P<first>\d{4})\s*[/\-–]\s*(?P<second>\d{2}|\d{4})"
# \d+ rather than [1-4] so that "Q5 2017/18" is reported as a bad quarter,
# not as unreadable text.
_QUARTER = r"q\s*(?P<quarter>\d+)"
_QUARTER_FIRST = re.compile(rf"{_QUARTER}\s+{_YEARS}", re.IGNORECASE)
_YEAR_FIRST = re.compile(rf"{_YEARS}\s+{_QUARTER}", re.IGNORECASE)


class PeriodError(ValueError):
    """Text or numbers that do not name a financial-year quarter."""


def financial_year_label(year: int) -> str:
    """The label of the financial year starting in April of ``year``: 2017 → "2017/18"."""
    return f"{year:04d}/{(year + 1) % 100:02d}"


def _problem(year: int, quarter: int) -> str | None:
    """What is wrong with a year and quarter, or None when they name a quarter."""
    if not 1 <= quarter <= 4:
        return "the quarter must be 1 to 4."
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"the financial year must start in {MIN_YEAR} to {MAX_YEAR}."
    return None


@dataclass(frozen=True, order=True)
class Quarter:
    """One quarter of a UK financial year; ``year`` is the year the financial year starts in."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        problem = _problem(self.year, self.quarter)
        if problem is not None:
            raise PeriodError(f"Not a period: year {self.year}, quarter {self.quarter} — {problem}")

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read "Q1 2017/18" or "2017/18 Q1" (and the variants in the module docstring)."""
        stripped = text.strip()
        match = _QUARTER_FIRST.fullmatch(stripped) or _YEAR_FIRST.fullmatch(stripped)
        if match is None:
            raise PeriodError(
                f'Not a period: "{text}" — expected a quarter such as "Q1 2017/18" or "2017/18 Q1".'
            )
        first = int(match["first"])
        second_text = match["second"]
        second = int(second_text)
        # A two-digit second year only has to agree modulo 100 ("1999/00").
        expected = (first + 1) % 100 if len(second_text) == 2 else first + 1
        if second != expected:
            raise PeriodError(
                f'Not a period: "{text}" — {match["first"]}/{second_text} is not a '
                f"financial year: it should be {financial_year_label(first)}."
            )
        quarter = int(match["quarter"])
        problem = _problem(first, quarter)
        if problem is not None:
            raise PeriodError(f'Not a period: "{text}" — {problem}')
        return cls(first, quarter)

    @classmethod
    def containing(cls, day: date) -> Self:
        """The quarter that ``day`` falls in."""
        year = day.year if day.month >= _FIRST_QUARTER_MONTH else day.year - 1
        quarter = ((day.month - _FIRST_QUARTER_MONTH) % 12) // 3 + 1
        return cls(year, quarter)

    @property
    def label(self) -> str:
        return f"Q{self.quarter} {self.year_label}"

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)

    @property
    def start_date(self) -> date:
        year, month = self._calendar_month(0)
        return date(year, month, 1)

    @property
    def end_date(self) -> date:
        """The last day of the quarter (inclusive): Q4 2017/18 ends on 31 March 2018."""
        year, month = self._calendar_month(2)
        return date(year, month, calendar.monthrange(year, month)[1])

    def previous(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.quarter - 1)

    def next(self) -> Quarter:
        if self.quarter == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.quarter + 1)

    def same_quarter_last_year(self) -> Quarter:
        """The comparison that avoids seasonal swings (Q3 2017/18 → Q3 2016/17)."""
        return Quarter(self.year - 1, self.quarter)

    def _calendar_month(self, offset: int) -> tuple[int, int]:
        """The calendar (year, month) of the quarter's month number ``offset`` (0 to 2)."""
        months_after_january = _FIRST_QUARTER_MONTH - 1 + 3 * (self.quarter - 1) + offset
        return self.year + months_after_january // 12, months_after_january % 12 + 1

    def __str__(self) -> str:
        return self.label
