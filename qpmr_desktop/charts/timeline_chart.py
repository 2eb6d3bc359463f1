"""An improvement plan's timeline as a matplotlib figure, for the Actions tab and for print.

Contract (issue 5, point 5; issue 6, point 4; CONVENTIONS.md "Charts and
printed panels" and the BRAG rule; SCREENS.md "Actions"):

* Input is plain, frozen, hashable data (:class:`TimelineData`), checked on
  construction: no ORM, no Qt, no clock (``today`` is given). The same data
  always gives the same figure, so the tab and the printed action tracker
  draw the same chart and the print worker can cache it by its data.
* :func:`build_timeline_figure` returns a new ``matplotlib.figure.Figure``
  with matplotlib's base canvas: never pyplot, no GUI canvas, no layout
  engine, no rcParams read for anything drawn and none changed. Fonts,
  colours and sizes are set per artist from :mod:`qpmr_desktop.charts.style`
  (ticks are made at build time for that reason). Importing this module does
  not import matplotlib; building a figure does. Save it with
  :func:`figure_to_svg` (text stays ``<text>``, the same bytes for the same
  figure) or :func:`figure_to_png`, the savers every chart shares
  (:mod:`qpmr_desktop.charts.builder`, which also gives the figure, its text,
  title, stamp, axes frame and tick fonts). Text is measured and wrapped by
  :mod:`qpmr_desktop.charts.text`, whose caches hold plain numbers only, so
  a print worker thread may build its own figures, but one figure must never
  be drawn by two threads at once.
* What is drawn, left to right in time, one horizontal lane per priority area
  in the order given (an action with no area, ``area == ""``, goes in a last
  lane, "No priority area"), the lane's name at the left, wrapped:

  - each dated action as a marker at its due date in its area's lane, shaped
    and filled by its BRAG rating (■ Blue complete, ● Green on track,
    ◆ Amber at risk, ▲ Red off track or overdue, ○ grey not started); an
    overdue action has a larger marker with a heavy outline and a bold ref,
    whatever its rating (an officer's override never hides overdue). The
    ref is a direct label beside its marker (on the left where the right
    would run off the plot). Markers and labels never overlap: actions are
    stacked in rows within their lane, and lanes are as tall as their rows
    need where the figure allows (a crowded lane takes room from sparse
    ones). When a lane still has too few rows for all labels, only overdue,
    off-track and at-risk actions there are labelled; when even that does not
    fit, none are, and markers are nudged along their row (at most a marker
    and a half) to clear each other. A footnote names those lanes.
  - events in a top lane, "Events": a single day as a vertical tick, a range
    of days as a solid bar from its first to its last day, a month-precision
    event as a pale outlined bar across its month(s); each labelled with its
    title and its dates in words ("DfE six-month review, 3–4 Nov 2017",
    "…, December 2017"), stacked in rows so no two labels overlap, with
    dates never split across lines. When the lane cannot take them all
    (it gets what the action lanes leave, and at least 30% of the plot),
    labels are wrapped, then shortened to the title, then cut short, then
    left off where they do not fit (no label ever hides a mark), with a
    footnote counting them.
  - a vertical "Today" line, labelled with the date above the plot; when
    today is outside the plotted months (a 2017 plan viewed in 2026) the
    axis is not stretched to reach it: a note at that edge, above the plot,
    says "Today: 1 Dec 2026 →" (or "← Today: …").
  - months along the bottom, the first and every January with the year
    ("Sep 2017", "Oct", …, "Jan 2018"), thinned to every 2, 3 or 6 months, or
    to years, when the months are too narrow for their names. The axis runs
    over whole months, from the first date charted to the last (any dates a
    ``date`` can hold); with no dates at all, over the month of today.
  - a key to the marker shapes present (markers drawn, with words: a key,
    not a legend box), footnotes (undated actions by ref, lanes not fully
    labelled, event labels left off, no events), and "Sample data" stamped
    at the bottom right when ``sample``.

* The title is ``data.title`` or :func:`timeline_title`, the subtitle
  :func:`timeline_subtitle`; both wrap to the figure's width.
* Layout is computed in points for ``width_in`` × ``height_in``; the lanes'
  heights are shared out of what the text leaves. Margins stay fixed in
  points if the figure is later resized, but rows and labels were placed for
  the size built: rebuild at the new size rather than stretch.
"""

# matplotlib is imported inside the functions that use it, never at module
# level (start-up cost, MACHINE-NOTES "Start-up costs"); a test checks it.
# ruff: noqa: PLC0415

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from qpmr_desktop.charts import builder, style
from qpmr_desktop.charts.builder import figure_to_png, figure_to_svg
from qpmr_desktop.charts.text import block_height, text_width, wrap
from qpmr_desktop.domain.actions import (
    ActionRag,
    DatePrecision,
    PlanEventKind,
    describe_date,
    describe_event_dates,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

__all__ = [
    "EVENTS_LANE",
    "NO_AREA_LANE",
    "TimelineAction",
    "TimelineData",
    "TimelineEvent",
    "build_timeline_figure",
    "figure_to_png",
    "figure_to_svg",
    "timeline_subtitle",
    "timeline_title",
]

EVENTS_LANE = "Events"
NO_AREA_LANE = "No priority area"
SAMPLE_STAMP = builder.SAMPLE_STAMP
TODAY_WORD = "Today"
EMPTY_MESSAGE = "The timeline appears once the plan has priority areas, actions or events."
NO_DATES_MESSAGE = "No due dates or events to show yet."
OVERDUE_WORD = "Overdue"

# Artist ids: stable names for the chart's parts, kept in SVG output as element
# ids (valid XML names: no user text in them) and used by tests. The parts
# every chart has take the ids the shared builder gives them.
GID_TITLE = builder.GID_TITLE
GID_SUBTITLE = builder.GID_SUBTITLE
GID_LANE_LABEL = "lane-label-{index}"  # 1, 2, … for the areas in order
GID_EVENTS_LANE_LABEL = "lane-label-events"
GID_LANE_RULE = "lane-rule-{index}"  # along the top of area lane 1, 2, …
GID_MARKERS = "actions-{rag}"  # actions-red, actions-blue, …
GID_OVERDUE_MARKERS = "actions-{rag}-overdue"
GID_ACTION_LABEL = "action-label-{index}"  # the action's index in data.actions
GID_EVENT = "event-{index}"  # the event's index in data.events
GID_EVENT_LABEL = "event-label-{index}"
GID_TODAY_LINE = "today-line"
GID_TODAY_LABEL = "today-label"
GID_TODAY_NOTE = "today-note"
GID_KEY_MARKER = "key-marker-{name}"
GID_KEY_LABEL = "key-label-{name}"
GID_FOOTNOTES = "footnotes"
GID_STAMP = builder.GID_STAMP
GID_MESSAGE = builder.GID_MESSAGE

# ---------------------------------------------------------------- layout, in points
# (the figure's padding, tick length and tick pad are the shared builder's)
_HEADER_GAP = 4.0  # subtitle to the "Today" row
_TODAY_GAP = 2.0  # the "Today" label to the top of the plot
_LANE_LABEL_GAP = 8.0  # lane names to the plot
_LANE_LABEL_SHARE = 0.22  # of the figure's width, at most, for lane names
_LANE_LABEL_MIN_WIDTH = 60.0
_MAX_LANE_LABEL_LINES = 3
_RIGHT_MARGIN = 8.0  # room for a marker drawn on the plot's right edge
_X_LABEL_SEPARATION = 6.0  # the least space between two month names
_KEY_GAP = 5.0  # month names to the key
_KEY_ROW = 11.0
_KEY_MARKER_GAP = 3.0  # a key's marker to its word
_KEY_ITEM_GAP = 10.0  # one key item to the next
_FOOTNOTE_GAP = 3.0
_MAX_FOOTNOTE_LINES = 4  # for one note
_MAX_LAYOUT_ROUNDS = 6  # of reserving room for the notes (see _draw_plot)
_LANE_PAD = 2.0  # a lane's edge to its first row
_ROW_GAP = 1.5  # between rows within a lane
_LABEL_GAP = 2.5  # a marker or event mark to its label
_SPAN_GAP = 4.0  # the least space between two items on one row
_LEFT_LABEL_CLEARANCE = 8.0  # more before a label drawn on its mark's left
_EVENT_TICK_WIDTH = 1.6
_EVENT_BAR_HEIGHT = 6.0
_MIN_BAR_WIDTH = 2.0
# Of the plot's height, the least the events lane may take when the action
# lanes would like it all (crowded lanes lose labels before events lose theirs).
_MIN_EVENT_SHARE = 0.3
_MAX_NUDGE_MARKERS = 1.5  # the most a crowded marker moves along its row, in marker widths
_MAX_UNDATED_REFS = 8  # refs named in the "no due date" footnote; more are counted
_MAX_LANES_NAMED = 3  # lanes named in a footnote; more are counted
_STAMP_ROOM = 4.0  # beside the stamp's text, for its box

# Event label styles tried in turn until the events lane fits: (widest line as
# a share of the plot's width, below 1, or in points; most lines; dates too).
# Full words first, wrapped ever narrower; then the title alone; then cut short.
_EVENT_LABEL_STYLES: tuple[tuple[float, int, bool], ...] = (
    (0.45, 2, True),
    (150.0, 2, True),
    (110.0, 3, True),
    (0.45, 2, False),
    (150.0, 2, False),
    (110.0, 2, False),
    (0.45, 1, False),
    (110.0, 1, False),
    (70.0, 1, False),
)

# Month steps tried for the x axis labels, then years.
_MONTH_STEPS = (1, 2, 3, 6)
_YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Events: a day or a range in the palette's dark blue; a month-precision event
# pale with a dark outline, so "some time in December" never reads as a
# precise range, in greyscale too.
_EVENT_COLOUR = style.DARK_BLUE
_MONTH_EVENT_FILL = "#c8d3de"
_TODAY_COLOUR = style.DARK_PINK
_LANE_RULE_COLOUR = style.GRID
_EVENTS_RULE_COLOUR = "#b1b4b6"  # heavier: the events lane is not a priority area

_DIGITS = re.compile(r"([0-9]+)")
_NBSP = "\u00a0"
# "18 Sep 2017", "3–4 Nov 2017", "December 2017", "Aug 2017": kept on one line.
_DATE_PHRASE = re.compile(
    r"\b(?:[0-9]{1,2}(?:–[0-9]{1,2})? )?"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* [0-9]{4}\b"
)

# Ratings of actions labelled first when a lane is crowded.
_URGENT = frozenset({ActionRag.RED, ActionRag.AMBER})


# ================================================================ input data


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A plan event: one day, a range of days, or (month precision) a month or months.

    ``end`` is None for a single day or month and never before ``start``; at
    month precision the days of ``start`` and ``end`` are ignored.
    """

    title: str
    start: date
    end: date | None
    precision: DatePrecision
    kind: PlanEventKind

    def __post_init__(self) -> None:
        # The domain's describer refuses an end before the start, by precision.
        describe_event_dates(self.start, self.end, self.precision)

    @property
    def first_day(self) -> date:
        if self.precision is DatePrecision.MONTH:
            return _month_start(self.start)
        return self.start

    @property
    def last_day(self) -> date:
        """The event's last day, inclusive: the end of its last month at month precision."""
        last = self.end or self.start
        if self.precision is DatePrecision.MONTH:
            return date.fromordinal(_month_after(last) - 1)
        return last

    @property
    def dates_text(self) -> str:
        """ "18 Sep 2017", "3–4 Nov 2017", "December 2017": as committee papers write it."""
        return describe_event_dates(self.start, self.end, self.precision)


@dataclass(frozen=True, slots=True)
class TimelineAction:
    """One action: its ref, its priority area ("" for none), due date and BRAG rating.

    ``overdue`` is the domain's judgement on the timeline's day; an action
    with no due date is never overdue.
    """

    ref: str
    area: str
    due: date | None
    rag: ActionRag
    overdue: bool

    def __post_init__(self) -> None:
        if self.overdue and self.due is None:
            raise ValueError(f"Action {self.ref!r} has no due date, so it cannot be overdue.")


@dataclass(frozen=True, slots=True)
class TimelineData:
    """Everything one plan's timeline shows.

    ``areas`` are the plan's priority areas in their order; every action's
    area is one of them or "" (no area). ``today`` is the day the actions
    were judged on. ``title`` replaces the one written from the data;
    ``sample`` stamps the chart "Sample data".
    """

    plan_name: str
    areas: tuple[str, ...]
    events: tuple[TimelineEvent, ...]
    actions: tuple[TimelineAction, ...]
    today: date
    title: str | None = None
    sample: bool = False

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for area in self.areas:
            if not area.strip():
                raise ValueError("A priority area needs a name.")
            if area in seen:
                raise ValueError(f"The priority area {area!r} is listed twice.")
            seen.add(area)
        for action in self.actions:
            if action.area and action.area not in seen:
                raise ValueError(
                    f"Action {action.ref!r} is in {action.area!r}, which is not one of "
                    f"the plan's priority areas."
                )

    @property
    def lanes(self) -> tuple[str, ...]:
        """The action lanes, top to bottom: the areas, then "No priority area" if needed."""
        if any(not action.area for action in self.actions):
            return (*self.areas, NO_AREA_LANE)
        return self.areas


# ================================================================ words


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _natural_key(text: str) -> tuple[str | int, ...]:
    """ "1.9" before "1.10" (the services' natural order, which charts may not import)."""
    parts = _DIGITS.split(text.casefold())
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


def _event_words(event: TimelineEvent) -> str:
    title = event.title.strip()
    return f"{title}, {event.dates_text}" if title else event.dates_text


def _actions_clause(data: TimelineData) -> str:
    """How the actions stand on ``data.today``, in words."""
    total = len(data.actions)
    if total == 0:
        return "no actions yet"
    overdue = sum(action.overdue for action in data.actions)
    if overdue:
        return f"{overdue} of {_plural(total, 'action')} overdue"
    open_actions = [action for action in data.actions if action.rag is not ActionRag.BLUE]
    if not open_actions:
        return "its one action complete" if total == 1 else f"all {total} actions complete"
    none_overdue = "no actions overdue" if total == 1 else f"none of {total} actions overdue"
    upcoming = [action.due for action in open_actions if action.due is not None]
    if not upcoming:
        return f"{none_overdue}, no open action has a due date"
    return f"{none_overdue}, next{_NBSP}due {describe_date(min(upcoming))}"


def _event_clause(data: TimelineData) -> str:
    """The event under way today, or else the next one; "" when none is ahead."""
    today = data.today
    current = [e for e in data.events if e.first_day <= today <= e.last_day]
    if current:
        # A dated event before one known only by its month: "some time this
        # month" says less than "16–19 Oct".
        event = min(
            current, key=lambda e: (e.precision is DatePrecision.MONTH, e.first_day, e.last_day)
        )
        if event.precision is DatePrecision.DAY and event.first_day == event.last_day:
            return f"event{_NBSP}today {_event_words(event)}"
        return f"current{_NBSP}event {_event_words(event)}"
    ahead = [e for e in data.events if e.first_day > today]
    if not ahead:
        return ""
    event = min(ahead, key=lambda e: (e.first_day, e.last_day))
    return f"next{_NBSP}event {_event_words(event)}"


def timeline_title(data: TimelineData) -> str:
    """The finding in words: "12-Week Improvement Plan: 3 of 14 actions overdue, next event …".

    How many actions are overdue on ``data.today`` ("none of 14 actions
    overdue, next due 31 Oct 2017" when none is; "all 14 actions complete";
    "no actions yet"), then the event under way or the next one with its
    dates, when there is one.
    """
    return _glued_title(data).replace(_NBSP, " ")


def _glued_title(data: TimelineData) -> str:
    """The title with no-break spaces where a line must not break (see :func:`_wrap_glued`)."""
    clauses = [clause for clause in (_actions_clause(data), _event_clause(data)) if clause]
    text = ", ".join(clauses)
    name = data.plan_name.strip()
    return f"{name}: {text}" if name else text[:1].upper() + text[1:]


def _wrap_glued(text: str, prop: FontProperties, width: float, max_lines: int) -> list[str]:
    """:func:`wrap`, never breaking inside a date ("3–4 Nov 2017", "December 2017").

    The shared wrapper breaks at plain spaces only, so dates (and phrases the
    caller glued) are joined with no-break spaces while wrapping, which are
    the width of a space in DejaVu Sans, and given plain spaces back after.
    """
    glued = _DATE_PHRASE.sub(lambda match: match[0].replace(" ", _NBSP), text)
    return [line.replace(_NBSP, " ") for line in wrap(glued, prop, width, max_lines)]


def timeline_subtitle(data: TimelineData) -> str:
    """What is charted, over which months, judged on which day."""
    parts = ["Actions' due dates by priority area, and plan events"]
    span = _date_span(data)
    if span is not None:
        first, last = span
        start, end = _month_name(first), _month_name(last)
        parts.append(start if start == end else f"{start} to {end}")
    parts.append(f"as at {describe_date(data.today)}")
    return " · ".join(parts)


def _month_name(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


# ================================================================ dates


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_after(day: date) -> int:
    """The ordinal of the 1st of the month after ``day``'s; past December 9999 too.

    Ordinals rather than dates, because the day after 31 Dec 9999 (a date
    picker's maximum) is a number but not a ``date``.
    """
    if day.month < 12:
        return date(day.year, day.month + 1, 1).toordinal()
    return _year_after(day.year)


def _year_after(year: int) -> int:
    """The ordinal of 1 January of the year after ``year``."""
    if year < date.max.year:
        return date(year + 1, 1, 1).toordinal()
    return date.max.toordinal() + 1


def _date_span(data: TimelineData) -> tuple[date, date] | None:
    """The first and last days charted (inclusive); None when nothing has a date."""
    days = [action.due for action in data.actions if action.due is not None]
    days += [event.first_day for event in data.events]
    days += [event.last_day for event in data.events]
    if not days:
        return None
    return min(days), max(days)


@dataclass(frozen=True, slots=True)
class _XScale:
    """Whole months from ``first`` (a 1st) to ``stop`` (the ordinal of the 1st after)."""

    first: date
    stop: int
    width: float  # the plot's width, points

    @property
    def low(self) -> float:
        return float(self.first.toordinal())

    @property
    def high(self) -> float:
        return float(self.stop)

    def points(self, x: float) -> float:
        """Data x (a day's ordinal) to points from the plot's left edge."""
        return (x - self.low) / (self.high - self.low) * self.width

    def day_centre(self, day: date) -> float:
        """A day is the interval [ordinal, ordinal + 1): its middle, in data units."""
        return day.toordinal() + 0.5

    def months(self) -> list[date]:
        """The 1st of every month charted."""
        months = [self.first]
        while (after := _month_after(months[-1])) < self.stop:
            months.append(date.fromordinal(after))
        return months

    def contains(self, day: date) -> bool:
        return self.low <= day.toordinal() < self.high


# ================================================================ rows within a lane


def _pack(
    spans: Sequence[tuple[float, float]], max_rows: int | None, max_nudge: float = 0.0
) -> list[tuple[int, float] | None]:
    """A (row, shift) for each (left, right) span, in order of left edge; None if none fits.

    Two spans share a row only when at least ``_SPAN_GAP`` apart. A span goes
    in the first row where it fits as it is, else in a new row while there
    are fewer than ``max_rows`` (None: no limit), else in the row where the
    smallest shift to the right, at most ``max_nudge`` points, makes it fit.
    """
    placed: list[tuple[int, float] | None] = [None] * len(spans)
    ends: list[float] = []
    for index in sorted(range(len(spans)), key=lambda i: spans[i][0]):
        left, right = spans[index]
        row = next((r for r, end in enumerate(ends) if end + _SPAN_GAP <= left), None)
        if row is None and (max_rows is None or len(ends) < max_rows):
            ends.append(-math.inf)
            row = len(ends) - 1
        shift = 0.0
        if row is None and ends:
            row = min(range(len(ends)), key=lambda r: ends[r])
            shift = ends[row] + _SPAN_GAP - left
            if shift > max_nudge:
                continue
        if row is not None:
            placed[index] = (row, shift)
            ends[row] = right + shift
    return placed


@dataclass(frozen=True, slots=True)
class _Item:
    """An action or event mark on a lane, with its label, in points from the plot's left."""

    index: int  # in data.actions or data.events
    left: float  # the mark's extent
    right: float
    label: str  # "" for none; lines joined by "\n"
    label_width: float
    label_lines: int
    side: Literal["left", "right"]
    shift: float = 0.0  # points the item was nudged right of its date to clear a neighbour

    @property
    def span(self) -> tuple[float, float]:
        if not self.label:
            return self.left, self.right
        if self.side == "right":
            return self.left, self.right + _LABEL_GAP + self.label_width
        # Text meeting text reads as one label: keep a left-hand label well
        # clear of whatever ends before it on the row.
        return self.left - _LABEL_GAP - self.label_width - _LEFT_LABEL_CLEARANCE, self.right

    def without_label(self) -> _Item:
        return _Item(self.index, self.left, self.right, "", 0.0, 0, "right", self.shift)

    def shifted(self, shift: float) -> _Item:
        return _Item(
            self.index,
            self.left + shift,
            self.right + shift,
            self.label,
            self.label_width,
            self.label_lines,
            self.side,
            self.shift + shift,
        )


def _labelled(
    index: int,
    mark: tuple[float, float],
    lines: Sequence[str],
    *,
    prop: FontProperties,
    limit: float,
) -> _Item:
    """An item labelled on its right, or on its left when the right would pass ``limit``."""
    left, right = mark
    width = max((text_width(line, prop) for line in lines), default=0.0)
    side: Literal["left", "right"] = "right"
    if right + _LABEL_GAP + width > limit and left - _LABEL_GAP - width >= 0.0:
        side = "left"
    return _Item(index, left, right, "\n".join(lines), width, len(lines), side)


@dataclass(frozen=True, slots=True)
class _LanePlan:
    """Where a lane's items go: a row per item (0 at the top) and each row's height."""

    items: tuple[_Item, ...]
    rows: tuple[int, ...]
    row_heights: tuple[float, ...]

    @property
    def height(self) -> float:
        """Points the rows need, with the lane's padding."""
        if not self.row_heights:
            return 0.0
        return sum(self.row_heights) + _ROW_GAP * (len(self.row_heights) - 1) + 2 * _LANE_PAD


def _lane_plan(
    items: Sequence[_Item],
    placed: Sequence[tuple[int, float] | None],
    min_row: float,
    line_height: float,
) -> _LanePlan:
    """Items shifted and rowed as packed (one that fits nowhere goes in row 0, as it is).

    Each row is as tall as its tallest label, and at least ``min_row``.
    """
    moved = [
        item.shifted(spot[1]) if spot else item for item, spot in zip(items, placed, strict=True)
    ]
    rows = [spot[0] if spot else 0 for spot in placed]
    heights = [min_row] * (max(rows, default=-1) + 1)
    for item, row in zip(moved, rows, strict=True):
        text_height = block_height(item.label_lines, line_height) if item.label else 0.0
        heights[row] = max(heights[row], text_height)
    return _LanePlan(tuple(moved), tuple(rows), tuple(heights))


def _row_centres(plan: _LanePlan, top: float, height: float) -> list[float]:
    """The centre of each row, the rows stacked from the middle of the lane [top - height, top]."""
    middle = top - height / 2
    y = middle + (plan.height - 2 * _LANE_PAD) / 2 if plan.row_heights else middle
    centres = []
    for row_height in plan.row_heights:
        centres.append(y - row_height / 2)
        y -= row_height + _ROW_GAP
    return centres


# ================================================================ the figure


@dataclass(frozen=True, slots=True)
class _LaneModes:
    """How each crowded action lane was labelled (lane names), for the footnote."""

    urgent_only: tuple[str, ...] = ()
    unlabelled: tuple[str, ...] = ()


class _Builder(builder.FigureBuilder):
    """Lays out and draws one figure; used once, by :func:`build_timeline_figure`."""

    def __init__(self, data: TimelineData, width_in: float, height_in: float) -> None:
        super().__init__(width_in, height_in)
        self.data = data
        self.small_font = style.font(style.SMALL_LABEL_SIZE)
        self.small_bold_font = style.font(style.SMALL_LABEL_SIZE, bold=True)
        self.lane_font = style.font(style.TICK_SIZE)

    # -------------------------------------------------------- build

    def build(self) -> Figure:
        data = self.data
        # The title and subtitle never break inside a date.
        top = self._draw_header(
            data.title or _glued_title(data),
            timeline_subtitle(data),
            gap=_HEADER_GAP,
            wrap=_wrap_glued,
        )
        if data.sample:
            # At the bottom right, beside the footnotes.
            self._draw_stamp()
        lanes = data.lanes
        if not lanes and not data.events:
            self._draw_message(top, EMPTY_MESSAGE)
            return self.figure
        self._draw_plot(top)
        return self.figure

    def _stamp_width(self) -> float:
        if not self.data.sample:
            return 0.0
        return builder.stamp_width() + _STAMP_ROOM

    # -------------------------------------------------------- the plot

    def _x_scale(self, plot_width: float) -> _XScale:
        span = _date_span(self.data)
        # Nothing dated: the month of today, so the lanes and today still show.
        first, last = span if span is not None else (self.data.today, self.data.today)
        return _XScale(_month_start(first), _month_after(last), plot_width)

    def _lane_label_width(self) -> float:
        names = [*self.data.lanes, *((EVENTS_LANE,) if self.data.events else ())]
        natural = max((text_width(name, self.lane_font) for name in names), default=0.0)
        cap = max(_LANE_LABEL_MIN_WIDTH, self.width * _LANE_LABEL_SHARE)
        return min(natural, cap)

    def _draw_plot(self, top: float) -> None:
        data = self.data
        label_width = self._lane_label_width()
        left = builder.PAD + label_width + _LANE_LABEL_GAP
        right = _RIGHT_MARGIN
        top += block_height(1, style.SMALL_LABEL_SIZE) + _TODAY_GAP
        plot_width = max(self.width - left - right, self.width * builder.MIN_PLOT_SHARE)
        scale = self._x_scale(plot_width)
        key_items = self._key_items()
        key_rows = self._key_rows(key_items)
        fixed_notes = self._fixed_footnotes()

        # The footnotes depend on how crowded the lanes are, and the lanes'
        # height on the room the footnotes take: reserve lines for the notes,
        # lay out, and reserve more if the notes need more. The reserve only
        # grows and the notes are few, so this ends within a round or two.
        reserved = len(_wrap_notes(fixed_notes, self.small_font, self._note_width()))
        layout: _Layout | None = None
        note_lines: list[str] = []
        for _ in range(_MAX_LAYOUT_ROUNDS):
            bottom = self._bottom_margin(len(key_rows), reserved)
            plot_height = max(self.height - top - bottom, self.height * builder.MIN_PLOT_SHARE)
            layout = self._layout(scale, plot_height)
            notes = [*fixed_notes, *layout.notes(data)]
            note_lines = _wrap_notes(notes, self.small_font, self._note_width())
            if len(note_lines) <= reserved:
                break
            reserved = len(note_lines)
        assert layout is not None  # the loop runs at least once
        axes = self._add_axes(builder.Margins(left=left, bottom=bottom, right=right, top=top))
        self._style_axes(axes)
        axes.set_xlim(scale.low, scale.high)
        axes.set_ylim(0.0, layout.plot_height)
        self._draw_months(axes, scale)
        self._fix_tick_fonts(major=(axes.xaxis,), minor=(axes.xaxis,))
        self._draw_lanes(axes, layout, label_width)
        self._draw_today(axes, scale, layout.plot_height)
        self._draw_events(axes, scale, layout)
        self._draw_actions(axes, scale, layout)
        self._draw_key(key_rows, reserved)
        if note_lines:
            # From the top of the room reserved, just under the key: any
            # line reserved but not needed is left blank at the bottom.
            self._text(
                (0.0, 0.0),
                "\n".join(note_lines),
                transform=self._offset(
                    builder.PAD,
                    builder.PAD + block_height(reserved, style.FOOTNOTE_SIZE),
                    self.figure.transFigure,
                ),
                size=style.FOOTNOTE_SIZE,
                colour=style.SECONDARY_TEXT,
                gid=GID_FOOTNOTES,
                va="top",
            )
        if _date_span(data) is None:
            self._draw_plot_message(axes, NO_DATES_MESSAGE, zorder=6.0)

    def _note_width(self) -> float:
        stamp = self._stamp_width()
        return self.width - 2 * builder.PAD - (stamp + builder.PAD if stamp else 0.0)

    def _bottom_margin(self, key_rows: int, note_lines: int) -> float:
        bottom = (
            builder.PAD + builder.TICK_LENGTH + builder.TICK_PAD + block_height(1, style.TICK_SIZE)
        )
        if key_rows:
            bottom += _KEY_GAP + key_rows * _KEY_ROW
        if note_lines:
            bottom += _FOOTNOTE_GAP + block_height(note_lines, style.FOOTNOTE_SIZE)
        elif self.data.sample and not key_rows:
            # The stamp sits on the last line of the key or the notes; alone, it needs its own.
            bottom += _FOOTNOTE_GAP + block_height(1, style.STAMP_SIZE)
        return bottom

    def _style_axes(self, axes: Axes) -> None:
        """Everything about the axes' look, set here so that no rcParams leak in."""
        from matplotlib.ticker import NullFormatter, NullLocator

        self._style_frame(axes)
        axes.yaxis.set_major_locator(NullLocator())
        axes.yaxis.set_minor_locator(NullLocator())
        axes.yaxis.set_major_formatter(NullFormatter())
        for which, length in (("major", builder.TICK_LENGTH), ("minor", 0.0)):
            axes.tick_params(
                axis="x",
                which=which,
                length=length,
                pad=builder.TICK_PAD,
                **style.TICK_PARAMS,
                bottom=True,
                top=False,
                labelbottom=True,
                labeltop=False,
            )
        axes.tick_params(axis="y", which="both", left=False, right=False, labelleft=False)
        axes.yaxis.grid(visible=False, which="both")
        axes.xaxis.grid(visible=False, which="minor")
        axes.xaxis.grid(visible=True, which="major", **style.GRID_LINES)

    def _draw_months(self, axes: Axes, scale: _XScale) -> None:
        """Boundaries as ticks (and grid lines); names centred on their month or year."""
        from matplotlib.ticker import FixedFormatter, FixedLocator, NullFormatter

        months = scale.months()
        month_width = scale.width / len(months)
        widest = max(text_width(f"{name} 0000", self.tick_font) for name in _MONTHS)
        room = widest + _X_LABEL_SEPARATION
        boundaries = [scale.first.toordinal(), scale.stop]
        centres: list[float] = []
        names: list[str] = []
        step = next((k for k in _MONTH_STEPS if k * month_width >= room), None)
        if step is not None:
            shown = [m for m in months if (m.month - 1) % step == 0] or months[:1]
            for index, month in enumerate(shown):
                with_year = index == 0 or month.month == 1
                names.append(_month_name(month) if with_year else _MONTHS[month.month - 1])
                centres.append((month.toordinal() + _month_after(month)) / 2)
            boundaries += [m.toordinal() for m in (months if step <= 3 else shown)]
        else:
            year_width = month_width * 12
            year_room = text_width("0000", self.tick_font) + _X_LABEL_SEPARATION
            every = next((k for k in _YEAR_STEPS if k * year_width >= year_room), _YEAR_STEPS[-1])
            last_year = date.fromordinal(scale.stop - 1).year
            for year in range(scale.first.year, last_year + 1):
                if year % every:
                    continue
                start = max(date(year, 1, 1), scale.first).toordinal()
                names.append(str(year))
                centres.append((start + min(_year_after(year), scale.stop)) / 2)
                boundaries.append(start)
        axes.xaxis.set_major_locator(FixedLocator(sorted({float(day) for day in boundaries})))
        axes.xaxis.set_major_formatter(NullFormatter())
        axes.xaxis.set_minor_locator(FixedLocator(centres))
        axes.xaxis.set_minor_formatter(FixedFormatter(names))

    # -------------------------------------------------------- layout of the lanes

    def _layout(self, scale: _XScale, plot_height: float) -> _Layout:
        """The events lane as tall as its labels need (within bounds); the areas share the rest."""
        data = self.data
        lanes = data.lanes
        # Lanes past the plan's areas hold the actions with no area.
        areas = [data.areas[i] if i < len(data.areas) else "" for i in range(len(lanes))]
        row_height = self._action_row_height()
        # What each action lane needs to label every action (one row at least).
        needs = [
            max(self._action_plan(scale, area, None)[0].height, row_height + 2 * _LANE_PAD)
            for area in areas
        ]
        events_plan: _LanePlan | None = None
        dropped = 0
        if data.events:
            # The events take what the action lanes leave, or at least a share.
            budget = plot_height - sum(needs)
            if lanes:
                budget = max(budget, plot_height * _MIN_EVENT_SHARE)
            events_plan, dropped = self._events_plan(scale, max(budget, 0.0))
        events_height = events_plan.height if events_plan is not None else 0.0
        heights = _share(plot_height - events_height, needs)
        action_plans: list[_LanePlan] = []
        urgent_only: list[str] = []
        unlabelled: list[str] = []
        for lane, area, height in zip(lanes, areas, heights, strict=True):
            rows = int((height - 2 * _LANE_PAD + _ROW_GAP) // (row_height + _ROW_GAP))
            plan, mode = self._action_plan(scale, area, max(1, rows))
            action_plans.append(plan)
            if mode == "urgent":
                urgent_only.append(lane)
            elif mode == "none":
                unlabelled.append(lane)
        return _Layout(
            plot_height=plot_height,
            events=events_plan,
            events_height=events_height,
            events_dropped=dropped,
            lanes=tuple(lanes),
            lane_heights=tuple(heights),
            actions=tuple(action_plans),
            modes=_LaneModes(tuple(urgent_only), tuple(unlabelled)),
        )

    def _action_row_height(self) -> float:
        return max(style.OVERDUE_MARKER.size, block_height(1, style.SMALL_LABEL_SIZE))

    def _events_plan(self, scale: _XScale, budget: float) -> tuple[_LanePlan, int]:
        """Event rows in the first label style that fits ``budget`` points; labels left off."""
        marks = [self._event_mark(scale, event) for event in self.data.events]
        plan: _LanePlan | None = None
        for share_or_width, max_lines, with_dates in _EVENT_LABEL_STYLES:
            limit = share_or_width * scale.width if share_or_width < 1 else share_or_width
            items = [
                self._event_item(
                    index,
                    mark,
                    max_width=limit,
                    max_lines=max_lines,
                    with_dates=with_dates,
                    limit=scale.width,
                )
                for index, mark in enumerate(marks)
            ]
            plan = self._plan_rows(items, None, _EVENT_BAR_HEIGHT)
            if plan.height <= budget:
                return plan, 0
        # Even the shortest labels do not fit in the rows there is room for.
        # Marks first, so that no label ever hides one (every event stays on
        # the chart): each in the first row where it fits, else the first row.
        # Then each event, from the left, gets its label where it fits, in
        # its own row or another.
        assert plan is not None  # there is at least one label style
        row_height = block_height(1, style.SMALL_LABEL_SIZE)
        max_rows = max(1, int((budget - 2 * _LANE_PAD + _ROW_GAP) // (row_height + _ROW_GAP)))
        items = sorted(plan.items, key=lambda item: item.left)
        taken: list[list[tuple[float, float]]] = [[] for _ in range(max_rows)]
        rows: list[int] = []
        for item in items:
            mark = item.without_label().span
            row = next((r for r in range(max_rows) if _fits(mark, taken[r])), 0)
            taken[row].append(mark)
            rows.append(row)
        final: list[_Item] = []
        for item, row in zip(items, rows, strict=True):
            bare = item.without_label()
            taken[row].remove(bare.span)
            order = [row, *(r for r in range(max_rows) if r != row)]
            better = next((r for r in order if _fits(item.span, taken[r])), None)
            chosen, chosen_row = (item, better) if better is not None else (bare, row)
            taken[chosen_row].append(chosen.span)
            final.append(chosen)
            rows[len(final) - 1] = chosen_row
        dropped = sum(not item.label for item in final)
        placed: list[tuple[int, float] | None] = [(row, 0.0) for row in rows]
        return _lane_plan(final, placed, _EVENT_BAR_HEIGHT, style.SMALL_LABEL_SIZE), dropped

    def _event_mark(self, scale: _XScale, event: TimelineEvent) -> tuple[float, float]:
        """The event's mark in points: a tick's width for one day, else its days' extent."""
        if event.precision is DatePrecision.DAY and event.first_day == event.last_day:
            centre = scale.points(scale.day_centre(event.first_day))
            return centre - _EVENT_TICK_WIDTH / 2, centre + _EVENT_TICK_WIDTH / 2
        left = scale.points(event.first_day.toordinal())
        right = scale.points(event.last_day.toordinal() + 1)
        if right - left < _MIN_BAR_WIDTH:
            middle = (left + right) / 2
            left, right = middle - _MIN_BAR_WIDTH / 2, middle + _MIN_BAR_WIDTH / 2
        return left, right

    def _event_item(
        self,
        index: int,
        mark: tuple[float, float],
        *,
        max_width: float,
        max_lines: int,
        with_dates: bool,
        limit: float,
    ) -> _Item:
        event = self.data.events[index]
        words = _event_words(event) if with_dates else (event.title.strip() or event.dates_text)
        lines = _wrap_glued(words, self.small_font, max_width, max_lines)
        return _labelled(index, mark, lines, prop=self.small_font, limit=limit)

    def _plan_rows(self, items: Sequence[_Item], max_rows: int | None, min_row: float) -> _LanePlan:
        rows = _pack([item.span for item in items], max_rows)
        return _lane_plan(items, rows, min_row, style.SMALL_LABEL_SIZE)

    def _action_plan(
        self, scale: _XScale, area: str, max_rows: int | None
    ) -> tuple[_LanePlan, Literal["all", "urgent", "none"]]:
        """The area's actions in rows: all labelled if they fit, else the urgent ones, else none.

        ``max_rows`` None means as many rows as labelling them all takes.
        """
        data = self.data
        dated = sorted(
            (
                (index, action)
                for index, action in enumerate(data.actions)
                if action.area == area and action.due is not None
            ),
            key=lambda pair: (pair[1].due, _natural_key(pair[1].ref)),
        )
        row_height = self._action_row_height()
        full: list[_Item] = []
        for index, action in dated:
            assert action.due is not None  # only dated actions are charted
            centre = scale.points(scale.day_centre(action.due))
            half = _marker_spec(action).size / 2
            prop = self.small_bold_font if action.overdue else self.small_font
            mark = (centre - half, centre + half)
            full.append(
                _labelled(index, mark, [action.ref], prop=prop, limit=scale.width + _RIGHT_MARGIN)
            )
        urgent = [
            item
            if data.actions[item.index].overdue or data.actions[item.index].rag in _URGENT
            else item.without_label()
            for item in full
        ]
        bare = [item.without_label() for item in full]
        mode: Literal["all", "urgent", "none"]
        for mode, items in (("all", full), ("urgent", urgent)):
            placed = _pack([item.span for item in items], max_rows)
            if all(spot is not None for spot in placed):
                return _lane_plan(items, placed, row_height, style.SMALL_LABEL_SIZE), mode
        # Markers alone, nudged a little along the row to clear each other;
        # any that still fit nowhere overlap the rest rather than vanish
        # (every action stays on the chart).
        nudge = _MAX_NUDGE_MARKERS * style.OVERDUE_MARKER.size
        placed = _pack([item.span for item in bare], max_rows, nudge)
        return _lane_plan(bare, placed, row_height, style.SMALL_LABEL_SIZE), "none"

    # -------------------------------------------------------- drawing the lanes

    def _lane_tops(self, layout: _Layout) -> list[float]:
        """The top of each action lane, in points from the plot's bottom."""
        top = layout.plot_height - layout.events_height
        tops = []
        for height in layout.lane_heights:
            tops.append(top)
            top -= height
        return tops

    def _draw_lanes(self, axes: Axes, layout: _Layout, label_width: float) -> None:
        """Lane names at the left, rules between lanes (heavier below the events)."""
        from matplotlib.lines import Line2D

        names: list[tuple[str, str, float, float, str]] = []  # gid, name, centre, height, colour
        if layout.events is not None:
            names.append((
                GID_EVENTS_LANE_LABEL,
                EVENTS_LANE,
                layout.plot_height - layout.events_height / 2,
                layout.events_height,
                style.SECONDARY_TEXT,
            ))  # fmt: skip
        tops = self._lane_tops(layout)
        lanes = zip(layout.lanes, tops, layout.lane_heights, strict=True)
        for number, (lane, top, height) in enumerate(lanes, start=1):
            names.append((
                GID_LANE_LABEL.format(index=number), lane, top - height / 2, height, style.TEXT
            ))  # fmt: skip
        line_height = style.TICK_SIZE * style.LINE_SPACING
        transform = self._offset(-label_width - _LANE_LABEL_GAP, 0.0, axes.transData)
        for gid, name, centre, height, colour in names:
            max_lines = max(1, min(_MAX_LANE_LABEL_LINES, int(height // line_height)))
            lines = wrap(name, self.lane_font, label_width, max_lines)
            self._text(
                (axes.get_xlim()[0], centre),
                "\n".join(lines),
                transform=transform,
                size=style.TICK_SIZE,
                colour=colour,
                gid=gid,
                va="center",
                axes=axes,
            )
        low, high = axes.get_xlim()
        # A rule along the top of each action lane but a first with nothing above it.
        rules = [
            (number, top, _EVENTS_RULE_COLOUR if number == 1 else _LANE_RULE_COLOUR)
            for number, top in enumerate(tops, start=1)
            if number > 1 or layout.events is not None
        ]
        for number, y, colour in rules:
            axes.add_line(
                Line2D(
                    [low, high],
                    [y, y],
                    color=colour,
                    linewidth=0.8,
                    linestyle="solid",
                    marker="None",
                    zorder=1.0,
                    gid=GID_LANE_RULE.format(index=number),
                )
            )

    def _draw_today(self, axes: Axes, scale: _XScale, plot_height: float) -> None:
        """The "Today" line and its date above the plot, or a note at the edge it lies beyond."""
        from matplotlib.lines import Line2D

        today = self.data.today
        when = describe_date(today)
        above = self._offset(0.0, _TODAY_GAP, axes.transAxes)
        if not scale.contains(today):
            later = today >= scale.first
            self._text(
                (1.0 if later else 0.0, 1.0),
                f"{TODAY_WORD}: {when} →" if later else f"← {TODAY_WORD}: {when}",
                transform=above,
                size=style.SMALL_LABEL_SIZE,
                colour=_TODAY_COLOUR,
                gid=GID_TODAY_NOTE,
                bold=True,
                ha="right" if later else "left",
                va="bottom",
                axes=axes,
            )
            return
        x = scale.day_centre(today)
        axes.add_line(
            Line2D(
                [x, x],
                [0.0, plot_height],
                color=_TODAY_COLOUR,
                linewidth=1.2,
                linestyle="solid",
                solid_capstyle="butt",
                marker="None",
                zorder=2.0,
                gid=GID_TODAY_LINE,
            )
        )
        label = f"{TODAY_WORD}, {when}"
        width = text_width(label, style.font(style.SMALL_LABEL_SIZE, bold=True))
        at = scale.points(x)
        ha: Literal["left", "center", "right"] = "center"
        if at - width / 2 < -_LANE_LABEL_GAP:
            ha = "left"
        elif at + width / 2 > scale.width + _RIGHT_MARGIN:
            ha = "right"
        self._text(
            (x, plot_height),
            label,
            transform=self._offset(0.0, _TODAY_GAP, axes.transData),
            size=style.SMALL_LABEL_SIZE,
            colour=_TODAY_COLOUR,
            gid=GID_TODAY_LABEL,
            bold=True,
            ha=ha,
            va="bottom",
            axes=axes,
        )

    def _draw_events(self, axes: Axes, scale: _XScale, layout: _Layout) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.patches import Rectangle

        plan = layout.events
        if plan is None:
            return
        centres = _row_centres(plan, layout.plot_height, layout.events_height)
        for item, row in zip(plan.items, plan.rows, strict=True):
            event = self.data.events[item.index]
            y = centres[row]
            gid = GID_EVENT.format(index=item.index)
            if event.precision is DatePrecision.DAY and event.first_day == event.last_day:
                x = scale.day_centre(event.first_day)
                tick = min(plan.row_heights[row], block_height(1, style.SMALL_LABEL_SIZE))
                axes.add_line(
                    Line2D(
                        [x, x],
                        [y - tick / 2, y + tick / 2],
                        color=_EVENT_COLOUR,
                        linewidth=_EVENT_TICK_WIDTH,
                        linestyle="solid",
                        solid_capstyle="butt",
                        marker="None",
                        zorder=3.0,
                        gid=gid,
                    )
                )
            else:
                per_point = (scale.high - scale.low) / scale.width
                left, right = item.left * per_point + scale.low, item.right * per_point + scale.low
                month = event.precision is DatePrecision.MONTH
                axes.add_patch(
                    Rectangle(
                        (left, y - _EVENT_BAR_HEIGHT / 2),
                        right - left,
                        _EVENT_BAR_HEIGHT,
                        facecolor=_MONTH_EVENT_FILL if month else _EVENT_COLOUR,
                        edgecolor=_EVENT_COLOUR,
                        linewidth=0.8 if month else 0.0,
                        linestyle="solid",
                        antialiased=True,
                        zorder=3.0,
                        gid=gid,
                    )
                )
            if item.label:
                self._item_label(axes, scale, item, y, GID_EVENT_LABEL, bold=False)

    def _item_label(
        self, axes: Axes, scale: _XScale, item: _Item, y: float, gid: str, *, bold: bool
    ) -> None:
        """The item's label beside its mark, on the side planned, centred on its row."""
        per_point = (scale.high - scale.low) / scale.width
        right = item.side == "right"
        edge = item.right if right else item.left
        text = self._text(
            (edge * per_point + scale.low, y),
            item.label,
            transform=self._offset(_LABEL_GAP if right else -_LABEL_GAP, 0.0, axes.transData),
            size=style.SMALL_LABEL_SIZE,
            colour=style.TEXT,
            gid=gid.format(index=item.index),
            bold=bold,
            ha="left" if right else "right",
            va="center",
            axes=axes,
        )
        # On a white ground, so the "Today" line and the month lines passing
        # behind a label break around it rather than strike through it.
        text.set_bbox(
            {"boxstyle": "square,pad=0.1", "facecolor": style.BACKGROUND, "edgecolor": "none"}
        )
        text.set_zorder(5.0)

    def _draw_actions(self, axes: Axes, scale: _XScale, layout: _Layout) -> None:
        """One marker line per rating (and per rating overdue), then the refs."""
        groups: dict[tuple[ActionRag, bool], tuple[list[float], list[float]]] = {}
        labels: list[tuple[_Item, float, bool]] = []
        per_point = (scale.high - scale.low) / scale.width
        lanes = zip(layout.actions, self._lane_tops(layout), layout.lane_heights, strict=True)
        for plan, top, height in lanes:
            centres = _row_centres(plan, top, height)
            for item, row in zip(plan.items, plan.rows, strict=True):
                action = self.data.actions[item.index]
                assert action.due is not None  # only dated actions are planned
                xs, ys = groups.setdefault((action.rag, action.overdue), ([], []))
                xs.append(scale.day_centre(action.due) + item.shift * per_point)
                ys.append(centres[row])
                if item.label:
                    labels.append((item, centres[row], action.overdue))
        for rag in ActionRag:
            for overdue in (False, True):
                if (rag, overdue) not in groups:
                    continue
                xs, ys = groups[rag, overdue]
                spec = _marker_style(rag, overdue=overdue)
                gid = (GID_OVERDUE_MARKERS if overdue else GID_MARKERS).format(rag=rag.value)
                label = f"{rag.symbol} {rag.label}" + (f" ({OVERDUE_WORD})" if overdue else "")
                axes.add_line(
                    builder.marker_line(
                        xs, ys, spec, gid=gid, zorder=4.5 if overdue else 4.0, label=label
                    )
                )
        for item, y, overdue in labels:
            self._item_label(axes, scale, item, y, GID_ACTION_LABEL, bold=overdue)

    # -------------------------------------------------------- key and footnotes

    def _key_items(self) -> list[tuple[str, style.RagMarker, str]]:
        """(id name, marker, word) for each rating charted, and for overdue if any is."""
        charted = [action for action in self.data.actions if action.due is not None]
        items: list[tuple[str, style.RagMarker, str]] = []
        for rag in ActionRag:
            if any(action.rag is rag and not action.overdue for action in charted):
                items.append((rag.value, style.BRAG_MARKERS[rag], rag.label))
            if rag is ActionRag.RED and any(action.overdue for action in charted):
                items.append(("overdue", style.OVERDUE_MARKER, OVERDUE_WORD))
        return items

    def _key_rows(
        self, items: Sequence[tuple[str, style.RagMarker, str]]
    ) -> list[list[tuple[str, style.RagMarker, str, float]]]:
        """The key's items in rows that fit beside the stamp, each with its word's width."""
        width = self._note_width()
        rows: list[list[tuple[str, style.RagMarker, str, float]]] = []
        used = 0.0
        for name, marker, word in items:
            word_width = text_width(word, self.small_font)
            need = style.OVERDUE_MARKER.size + _KEY_MARKER_GAP + word_width
            if rows and used + _KEY_ITEM_GAP + need <= width:
                rows[-1].append((name, marker, word, word_width))
                used += _KEY_ITEM_GAP + need
            else:
                rows.append([(name, marker, word, word_width)])
                used = need
        return rows

    def _draw_key(
        self, rows: Sequence[Sequence[tuple[str, style.RagMarker, str, float]]], note_lines: int
    ) -> None:
        """Markers with their words, in a line below the months: a key, not a legend box."""
        bottom = builder.PAD
        if note_lines:
            bottom += block_height(note_lines, style.FOOTNOTE_SIZE) + _FOOTNOTE_GAP
        cell = style.OVERDUE_MARKER.size
        for number, row in enumerate(rows):
            y = bottom + (len(rows) - number - 0.5) * _KEY_ROW
            x = builder.PAD
            for name, marker, word, word_width in row:
                symbol = builder.marker_line(
                    [0.0], [0.0], marker, gid=GID_KEY_MARKER.format(name=name)
                )
                symbol.set_transform(self._offset(x + cell / 2, y, self.figure.transFigure))
                self.figure.add_artist(symbol)
                x += cell + _KEY_MARKER_GAP
                self._text(
                    (0.0, 0.0),
                    word,
                    transform=self._offset(x, y, self.figure.transFigure),
                    size=style.SMALL_LABEL_SIZE,
                    colour=style.TEXT,
                    gid=GID_KEY_LABEL.format(name=name),
                    va="center",
                )
                x += word_width + _KEY_ITEM_GAP

    def _fixed_footnotes(self) -> list[str]:
        """The notes that do not depend on the layout: undated actions, no events."""
        notes = []
        undated = [action.ref for action in self.data.actions if action.due is None]
        if undated:
            named = ", ".join(undated[:_MAX_UNDATED_REFS])
            if len(undated) > _MAX_UNDATED_REFS:
                named += f" and {len(undated) - _MAX_UNDATED_REFS} more"
            verb = "has" if len(undated) == 1 else "have"
            notes.append(f"{_plural(len(undated), 'action')} {verb} no due date: {named}.")
        if not self.data.events and self.data.lanes:
            notes.append("No plan events to show.")
        return notes


@dataclass(frozen=True, slots=True)
class _Layout:
    """The lanes as planned for one plot height, in points."""

    plot_height: float
    events: _LanePlan | None
    events_height: float
    events_dropped: int
    lanes: tuple[str, ...]
    lane_heights: tuple[float, ...]
    actions: tuple[_LanePlan, ...]
    modes: _LaneModes

    def notes(self, data: TimelineData) -> list[str]:
        """Footnotes saying what the layout left out."""
        notes = []
        if self.modes.urgent_only:
            names, verb = _lane_names(self.modes.urgent_only)
            notes.append(
                f"{names} {verb} too many actions to label every one: only overdue, "
                f"off-track and at-risk actions are labelled there."
            )
        if self.modes.unlabelled:
            names, verb = _lane_names(self.modes.unlabelled)
            notes.append(
                f"{names} {verb} too many actions to label: see the actions table for their refs."
            )
        if self.events_dropped:
            count = self.events_dropped
            notes.append(
                f"{_plural(count, 'event label')} left off for space "
                f"({_plural(len(data.events), 'event')} in all)."
            )
        return notes


def _fits(span: tuple[float, float], taken: Iterable[tuple[float, float]]) -> bool:
    """Whether ``span`` keeps ``_SPAN_GAP`` clear of every span in ``taken``."""
    left, right = span
    return all(right + _SPAN_GAP <= start or end + _SPAN_GAP <= left for start, end in taken)


def _share(available: float, needs: Sequence[float]) -> list[float]:
    """Heights for lanes that need ``needs``: each its need if all fit, else a fair share.

    Lanes that need less than an equal share of what is left get their need;
    the rest split the remainder equally; any room over is spread equally.
    """
    heights = [0.0] * len(needs)
    remaining = available
    for done, index in enumerate(sorted(range(len(needs)), key=lambda i: needs[i])):
        heights[index] = min(needs[index], remaining / (len(needs) - done))
        remaining -= heights[index]
    extra = remaining / len(needs) if needs else 0.0
    return [height + extra for height in heights]


def _lane_names(names: Sequence[str]) -> tuple[str, str]:
    """Lanes named in a sentence ("A", "A and B", "A, B and C", "4 priority areas"), and
    "has" or "have" to follow."""
    if len(names) == 1:
        return names[0], "has"
    if len(names) <= _MAX_LANES_NAMED:
        return f"{', '.join(names[:-1])} and {names[-1]}", "have"
    return f"{len(names)} priority areas", "have"


def _wrap_notes(notes: Iterable[str], prop: FontProperties, width: float) -> list[str]:
    lines: list[str] = []
    for note in notes:
        lines += _wrap_glued(note, prop, width, _MAX_FOOTNOTE_LINES)
    return lines


def _marker_style(rag: ActionRag, *, overdue: bool) -> style.RagMarker:
    """The rating's marker; overdue keeps the rating's shape and fill with a heavy outline."""
    if not overdue:
        return style.BRAG_MARKERS[rag]
    if rag is ActionRag.RED:
        return style.OVERDUE_MARKER
    # An override (say Amber, with a reason) is the table's rating and keeps
    # its shape here; the heavy outline still says overdue.
    spec = style.BRAG_MARKERS[rag]
    return style.RagMarker(
        spec.marker,
        spec.size * style.OVERDUE_MARKER.size / style.BRAG_MARKERS[ActionRag.RED].size,
        spec.face,
        style.OVERDUE_MARKER.edge,
        style.OVERDUE_MARKER.edge_width,
    )


def _marker_spec(action: TimelineAction) -> style.RagMarker:
    return _marker_style(action.rag, overdue=action.overdue)


def build_timeline_figure(
    data: TimelineData, *, width_in: float = 9.0, height_in: float = 3.6
) -> Figure:
    """The plan's timeline, ``width_in`` × ``height_in`` inches (module contract)."""
    builder.check_size(width_in, height_in)
    return _Builder(data, width_in, height_in).build()
