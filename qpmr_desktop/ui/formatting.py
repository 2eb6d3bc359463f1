"""Display formats shared by the tabs: dates the way council papers write them.

Month names are spelt out here rather than taken from ``strftime`` so that the
text does not change with the machine's locale ("30 Sep 2017" everywhere).
"""

from __future__ import annotations

import datetime as dt

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def short_date(value: dt.date | None) -> str:
    """``30 Sep 2017``; an empty string for no date."""
    if value is None:
        return ""
    return f"{value.day} {_MONTHS[value.month - 1][:3]} {value.year}"


def long_date(value: dt.date) -> str:
    """``Tuesday 19 September 2017``, as a meeting's minutes open."""
    return f"{_WEEKDAYS[value.weekday()]} {value.day} {_MONTHS[value.month - 1]} {value.year}"


def clock_time(value: dt.time | None) -> str:
    """``10:00``; an empty string when the time is not known."""
    return "" if value is None else f"{value.hour:02d}:{value.minute:02d}"


def short_datetime(value: dt.datetime | None) -> str:
    """``12 Sep 2017 14:05`` in local time; an empty string for none."""
    if value is None:
        return ""
    local = value.astimezone() if value.tzinfo is not None else value
    return f"{short_date(local.date())} {clock_time(local.time())}"


def elide(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
