"""Performance vocabulary and judgements: polarity, units, RAG, direction of travel, records.

Every judgement is derived from the data by one rule and carries the sentence
that explains it, so a printed report and the app can never disagree.
"""

from __future__ import annotations

from enum import StrEnum


class Polarity(StrEnum):
    HIGHER_IS_BETTER = "higher is better"
    LOWER_IS_BETTER = "lower is better"
    WITHIN_RANGE = "within a range"
    NO_JUDGEMENT = "no judgement"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Unit(StrEnum):
    COUNT = "count"
    PERCENTAGE = "percentage"
    RATE_PER_1000 = "rate per 1,000"
    RATE_PER_10000 = "rate per 10,000"
    RATE_PER_100000 = "rate per 100,000"
    DAYS = "days"
    WEEKS = "weeks"
    POUNDS = "£"


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
