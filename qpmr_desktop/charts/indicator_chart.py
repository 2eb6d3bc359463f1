"""One indicator's quarterly trend as a matplotlib figure, for the Indicators tab and for print.

Contract (issue 3, point 4; issue 6, point 3; CONVENTIONS.md "Charts and
printed panels"):

* Input is plain, frozen, hashable data (:class:`IndicatorChartData`): no ORM,
  no Qt. The same data always gives the same figure, so the tab and the
  printed report draw the same chart, and the print worker can cache charts
  by their data. Comparator values are in the indicator's own unit (no dual
  axes): a count is compared with counts, a rate with rates.
* :func:`build_indicator_figure` returns a new ``matplotlib.figure.Figure``
  with matplotlib's base canvas: never pyplot, no GUI canvas, and no global
  state changed. Every font, colour, size and line style is set per artist
  from :mod:`qpmr_desktop.charts.style` (ticks are made at build time for
  this reason), so the figure comes out the same, to the byte in SVG,
  whatever rcParams the process runs with. Nothing here adds shared mutable
  state (the glyph-metric caches of :mod:`qpmr_desktop.charts.text` hold
  plain numbers), so a print worker thread may build its own figures;
  matplotlib itself promises no more than that, and one figure must never
  be drawn by two threads at once.
* Importing this module does not import matplotlib (it costs about 0.2 s at
  start-up): the functions import it when first called.
* What is drawn: the value line (solid dark blue) with a marker per quarter
  shaped by its RAG (● Green, ◆ Amber, ▲ Red, ○ Data only / No data); the
  target as a dashed step, one flat segment per quarter centred on its marker
  (the equivalent of ``drawstyle="steps-mid"`` extended by half a quarter at
  each end, drawn as explicit vertices: the step falls half-way between two
  quarters, where one year's target gives way to the next, every marker sits
  on a flat piece of its own quarter's target so met or missed reads straight
  off the chart, and the first and last quarters get a whole segment rather
  than the half that ``steps-mid`` gives them); comparators as thinner grey
  lines with distinct dash patterns. Every line is labelled at its right end,
  outside the plot, with labels nudged apart so they never overlap; there is
  no legend box. Missing values leave gaps (never interpolated), and a
  quarter missing from ``points`` counts as missing.
* The title is ``data.title`` or :func:`active_title`, the subtitle
  ``data.subtitle`` or the measure, area, period range and polarity; both
  wrap to the figure's width. The y axis says its unit (``%`` ticks for
  percentages, "Rate per 10,000" for rates, ``£`` ticks for money, thousands
  separators throughout). It starts at zero unless the data sit wholly in the
  top half of the range from zero (then zero would squash the trend into a
  flat line; lines, unlike bars, need no zero baseline), and includes zero,
  with a zero line, when the figures cross it.
* The layout is computed in points for ``width_in`` × ``height_in``. Margins
  stay fixed in points if the figure is later resized (an axes locator), but
  titles are wrapped and labels spread for the size built: rebuild the figure
  at the new size rather than stretch it.
* The figure, its text, title, stamp, axes frame and tick fonts come from
  :mod:`qpmr_desktop.charts.builder`, and text is measured and wrapped by
  :mod:`qpmr_desktop.charts.text`: the same for every chart.
* :func:`figure_to_svg` (text kept as ``<text>``, the same bytes for the same
  figure) and :func:`figure_to_png` are :mod:`qpmr_desktop.charts.builder`'s
  savers, named here too; save from one thread at a time.
"""

# matplotlib is imported inside the functions that use it, never at module
# level: importing it costs about 0.2 s of start-up (MACHINE-NOTES), and a
# test checks that importing this module leaves it unloaded.
# ruff: noqa: PLC0415

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from qpmr_desktop.charts import builder, style
from qpmr_desktop.charts.builder import figure_to_png, figure_to_svg
from qpmr_desktop.charts.text import block_height, block_width, text_width, wrap
from qpmr_desktop.domain.performance import Polarity, Rag, Record, record_flag
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit, displayed_decimal, format_quantity, format_value

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

__all__ = [
    "DEFAULT_AREA_LABEL",
    "ChartPoint",
    "ComparatorSeries",
    "IndicatorChartData",
    "active_title",
    "axis_label",
    "build_indicator_figure",
    "default_subtitle",
    "figure_to_png",
    "figure_to_svg",
]

DEFAULT_AREA_LABEL = "This council"
TARGET_LABEL = "Target"
SAMPLE_STAMP = builder.SAMPLE_STAMP
NO_FIGURES_TITLE = "No figures yet"
EMPTY_MESSAGE = "The chart appears once figures are entered or imported."

# Artist ids: stable names for the parts of the chart, kept in SVG output as
# element ids (so they must be valid XML names) and used by tests. The parts
# every chart has take the ids the shared builder gives them.
GID_TITLE = builder.GID_TITLE
GID_SUBTITLE = builder.GID_SUBTITLE
GID_AXIS_LABEL = "axis-label"
GID_VALUE = "value-line"
GID_TARGET = "target-line"
GID_COMPARATOR = "comparator-{index}"
GID_MARKERS = "rag-{rag}"
GID_VALUE_LABEL = "label-value"
GID_TARGET_LABEL = "label-target"
GID_COMPARATOR_LABEL = "label-comparator-{index}"
GID_STAMP = builder.GID_STAMP
GID_MESSAGE = builder.GID_MESSAGE
GID_ZERO_LINE = "zero-line"

# ---------------------------------------------------------------- layout, in points
# (the figure's padding, tick length and tick pad are the shared builder's)
_HEADER_GAP = 5.0  # subtitle to the axis label above the plot
_AXIS_LABEL_GAP = 4.0  # axis label to the top of the plot
_Y_TICK_PAD = 4.0
_LABEL_GAP = 5.0  # plot's right edge to the direct labels
_LABEL_MAX_WIDTH = 80.0  # wider labels wrap ("Statistical neighbours" takes two lines)
_LABEL_SEPARATION = 1.5  # the least space between two direct labels
_X_LABEL_SEPARATION = 4.0  # the least space between two period labels
_MARKER_ROOM = 11.0  # the width per quarter below which RAG markers shrink
_MAX_LABEL_LINES = 3

# ---------------------------------------------------------------- scales
# Zero stays on the axis while the smallest figure is at most this share of
# the largest, so showing zero costs at most half the plot's height.
_ZERO_BASELINE_SHARE = 0.5
_RANGE_PADDING = 0.06  # of the data's range, above and below, before rounding to ticks
_MAX_Y_TICKS = 5
_TICK_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
_MAX_TICK_DECIMALS = 12
_COMPACT_FROM = 1e6  # counts and rates from a million are written "1.2m", "3bn"
_SCALES = ((1e9, "bn"), (1e6, "m"), (1e3, "k"))

_AXIS_LABELS: dict[Unit, str] = {
    Unit.COUNT: "Number",
    Unit.PERCENTAGE: "Percentage",
    Unit.RATE_PER_1000: "Rate per 1,000",
    Unit.RATE_PER_10000: "Rate per 10,000",
    Unit.RATE_PER_100000: "Rate per 100,000",
    Unit.DAYS: "Days",
    Unit.WEEKS: "Weeks",
    Unit.POUNDS: "Pounds (£)",
}

_POLARITY_WORDS: dict[Polarity, str] = {
    Polarity.HIGHER_IS_BETTER: "higher is better",
    Polarity.LOWER_IS_BETTER: "lower is better",
    Polarity.WITHIN_RANGE: "within a range is good",
    Polarity.NO_JUDGEMENT: "not judged",
}


# ================================================================ input data


def _check_number(number: float | None, what: str) -> None:
    if number is not None and not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number or None, not {number!r}.")


@dataclass(frozen=True, slots=True)
class ChartPoint:
    """One quarter: its value and target (None when missing) and the RAG judged for it."""

    period: Quarter
    value: float | None
    target: float | None
    rag: Rag

    def __post_init__(self) -> None:
        _check_number(self.value, f"The value for {self.period.label}")
        _check_number(self.target, f"The target for {self.period.label}")


@dataclass(frozen=True, slots=True)
class ComparatorSeries:
    """A benchmark ("England", "North West", "Statistical neighbours"), one value per point."""

    label: str
    values: tuple[float | None, ...]

    def __post_init__(self) -> None:
        for number in self.values:
            _check_number(number, f"A value of the {self.label!r} comparator")


@dataclass(frozen=True, slots=True)
class IndicatorChartData:
    """Everything one indicator chart shows.

    ``points`` run in chronological order, one per quarter; each comparator has
    one value per point, in the indicator's unit. ``title`` and ``subtitle``
    replace the ones written from the data; ``sample`` stamps the chart
    "Sample data"; ``area_label`` names the value line.
    """

    ref: str
    name: str
    unit: Unit
    decimals: int
    polarity: Polarity
    points: tuple[ChartPoint, ...]
    comparators: tuple[ComparatorSeries, ...] = ()
    title: str | None = None
    subtitle: str | None = None
    sample: bool = False
    area_label: str = DEFAULT_AREA_LABEL

    def __post_init__(self) -> None:
        if self.decimals < 0:
            raise ValueError(f"Decimal places must be 0 or more, not {self.decimals}.")
        for earlier, later in itertools.pairwise(self.points):
            if not earlier.period < later.period:
                raise ValueError(
                    f"Chart points must be in chronological order, one per quarter: "
                    f"{later.period.label} follows {earlier.period.label}."
                )
        for comparator in self.comparators:
            if len(comparator.values) != len(self.points):
                raise ValueError(
                    f"The {comparator.label!r} comparator has {len(comparator.values)} "
                    f"values for {len(self.points)} points."
                )


# ================================================================ words


def axis_label(unit: Unit) -> str:
    """What the y axis measures, written above it: "Rate per 10,000", "Percentage"."""
    return _AXIS_LABELS[unit]


def _span_text(points: Sequence[ChartPoint]) -> str:
    first, last = points[0].period, points[-1].period
    return first.label if first == last else f"{first.label} to {last.label}"


def default_subtitle(data: IndicatorChartData) -> str:
    """The measure, area, period range and polarity, for when no subtitle is given."""
    parts = [f"{data.name} ({data.ref})" if data.ref else data.name, data.area_label]
    if data.points:
        parts.append(_span_text(data.points))
    parts.append(_POLARITY_WORDS[data.polarity])
    return " · ".join(part for part in parts if part)


def active_title(data: IndicatorChartData) -> str:
    """The latest position in words, e.g. "1,875 in Q1 2017/18: highest in 12 quarters, …".

    The latest figure and its quarter; then whether it is the highest or
    lowest of the figures charted (or, when it is neither, how it moved since
    the previous quarter); then how it stands against its target, read through
    polarity ("beating", "meeting" or "missing" the target; for a range
    measure, "above" or "below" without a verdict, since the chart carries one
    bound only; for a context indicator, nothing). Everything is compared
    at the precision displayed, as the RAG rules do, so the title never
    contradicts the figures printed beside it. A quarter after the latest
    figure with no value of its own is named first ("No figure for …").
    """
    if not data.points:
        return NO_FIGURES_TITLE
    valued = [point for point in data.points if point.value is not None]
    if not valued:
        return f"No figures for {_span_text(data.points)}"

    latest = valued[-1]
    assert latest.value is not None  # for mypy: ``valued`` holds only points with values
    headline = f"{format_value(latest.value, data.unit, data.decimals)} in {latest.period.label}"
    clauses = [
        clause
        for clause in (
            _record_or_change_clause(data, valued),
            _target_clause(data, latest.value, latest.target),
        )
        if clause
    ]
    title = f"{headline}: {', '.join(clauses)}" if clauses else headline
    final_period = data.points[-1].period
    if final_period != latest.period:
        title = f"No figure for {final_period.label}. {title}"
    return title


def _record_or_change_clause(data: IndicatorChartData, valued: Sequence[ChartPoint]) -> str:
    return _record_clause(data, valued) or _change_clause(data, valued)


def _record_clause(data: IndicatorChartData, valued: Sequence[ChartPoint]) -> str:
    """ "highest in 12 quarters" when the latest figure beats every earlier one shown."""
    latest = valued[-1]
    assert latest.value is not None
    earlier = [point.value for point in valued[:-1]]
    record = record_flag(value=latest.value, history=earlier, decimals=data.decimals)
    if record is None:
        return ""
    extreme = "highest" if record is Record.HIGHEST_EVER else "lowest"
    quarters = _quarter_index(latest.period) - _quarter_index(valued[0].period) + 1
    # "In 12 quarters" is only true when every quarter had a figure; with
    # gaps, claim no more than the figures charted. Never "ever": the chart
    # sees only its window, not the indicator's whole history.
    if quarters == len(valued):
        return f"{extreme} in {quarters} quarters"
    return f"{extreme} of the {len(valued)} figures charted"


def _change_clause(data: IndicatorChartData, valued: Sequence[ChartPoint]) -> str:
    """ "up 85 on Q4 2016/17" against the quarter just before, when it has a figure."""
    if len(valued) < 2:
        return ""
    previous, latest = valued[-2], valued[-1]
    assert previous.value is not None
    assert latest.value is not None
    if previous.period != latest.period.previous():
        return ""
    change = _shown_difference(data, latest.value, previous.value)
    if change is None:
        return ""
    if change == 0:
        return f"unchanged from {previous.period.label}"
    size = format_quantity(float(change), data.unit, data.decimals)
    return f"{'up' if change > 0 else 'down'} {size} on {previous.period.label}"


def _shown_difference(data: IndicatorChartData, first: float, second: float) -> Decimal | None:
    """``first - second`` as displayed; None when it is beyond a float (near ±1e308)."""
    difference = displayed_decimal(first, data.decimals) - displayed_decimal(second, data.decimals)
    return difference if math.isfinite(float(difference)) else None


def _target_clause(data: IndicatorChartData, value: float, target: float | None) -> str:
    """How the latest figure stands against its target, read through polarity."""
    if target is None or data.polarity is Polarity.NO_JUDGEMENT:
        return ""
    difference = _shown_difference(data, value, target)
    if difference is None:
        return ""
    # A target was set, not measured: "62%" rather than "62.0%" (as the RAG reasons write it).
    target_text = f"the {format_value(target, data.unit, data.decimals, trim_zeros=True)} target"
    size = format_quantity(float(difference), data.unit, data.decimals)
    if data.polarity is Polarity.WITHIN_RANGE:
        # The target of a range measure is one bound: above or below it is
        # good or bad depending on the other, which the chart does not carry.
        side = "above" if difference > 0 else "below"
        return f"at {target_text}" if difference == 0 else f"{size} {side} {target_text}"
    better = difference if data.polarity is Polarity.HIGHER_IS_BETTER else -difference
    if better == 0:
        return f"meeting {target_text}"
    if better > 0:
        return f"beating {target_text} by {size}"
    return f"missing {target_text} by {size}"


# ================================================================ series on the x axis


def _quarter_index(quarter: Quarter) -> int:
    return quarter.year * 4 + quarter.quarter - 1


def _quarter_at(index: int) -> Quarter:
    return Quarter(index // 4, index % 4 + 1)


def _period_tick_label(quarter: Quarter) -> str:
    """A compact two-line tick: "Q1\\n17/18"."""
    return f"Q{quarter.quarter}\n{quarter.year % 100:02d}/{(quarter.year + 1) % 100:02d}"


@dataclass(frozen=True, slots=True)
class _Series:
    """The data laid out on the x axis: one slot per quarter from first to last."""

    quarters: tuple[Quarter, ...]
    values: tuple[float | None, ...]
    targets: tuple[float | None, ...]
    rags: tuple[Rag | None, ...]
    comparators: tuple[tuple[str, tuple[float | None, ...]], ...]

    @classmethod
    def from_data(cls, data: IndicatorChartData) -> _Series:
        first = _quarter_index(data.points[0].period)
        count = _quarter_index(data.points[-1].period) - first + 1
        slot = {_quarter_index(point.period) - first: row for row, point in enumerate(data.points)}

        def spread(numbers: Sequence[float | None]) -> tuple[float | None, ...]:
            # A quarter absent from the points is a gap, like a None value.
            return tuple(numbers[slot[i]] if i in slot else None for i in range(count))

        return cls(
            quarters=tuple(_quarter_at(first + i) for i in range(count)),
            values=spread([point.value for point in data.points]),
            targets=spread([point.target for point in data.points]),
            rags=tuple(data.points[slot[i]].rag if i in slot else None for i in range(count)),
            comparators=tuple(
                (comparator.label, spread(comparator.values)) for comparator in data.comparators
            ),
        )

    def all_numbers(self) -> list[float]:
        numbers = [n for n in (*self.values, *self.targets) if n is not None]
        for _label, values in self.comparators:
            numbers.extend(n for n in values if n is not None)
        return numbers


def _nan_for_none(numbers: Sequence[float | None]) -> list[float]:
    return [math.nan if number is None else number for number in numbers]


def _last_defined(numbers: Sequence[float | None]) -> float | None:
    return next((number for number in reversed(numbers) if number is not None), None)


def _isolated(numbers: Sequence[float | None]) -> list[int]:
    """Slots with a value but no valued neighbour: a line alone would not show them."""
    return [
        i
        for i, number in enumerate(numbers)
        if number is not None
        and (i == 0 or numbers[i - 1] is None)
        and (i == len(numbers) - 1 or numbers[i + 1] is None)
    ]


# ================================================================ the y scale


@dataclass(frozen=True, slots=True)
class _YScale:
    low: float
    high: float
    ticks: tuple[float, ...]
    labels: tuple[str, ...]


def _y_scale(numbers: Sequence[float], unit: Unit, decimals: int) -> _YScale:
    """Limits, ticks and tick labels covering ``numbers`` (not empty) by the module's rules."""
    from matplotlib.ticker import MaxNLocator

    low, high = min(numbers), max(numbers)
    if low >= 0 and low <= high * _ZERO_BASELINE_SHARE:
        low = 0.0
    elif high <= 0 and high >= low * _ZERO_BASELINE_SHARE:
        high = 0.0
    if high == low:
        # One figure, or all equal: give it room above and below.
        spread = abs(high) * 0.1 or 1.0
        low, high = (low - spread, high + spread) if low != 0 else (0.0, spread)
    if not math.isfinite(high - low):
        # Figures either side of about ±1e308: the range itself overflows and
        # no locator copes, so the ticks are the extremes (and zero).
        extremes = tuple(sorted({low, high, *((0.0,) if low < 0 < high else ())}))
        return _YScale(low, high, extremes, tuple(_tick_labels(extremes, unit)))
    padding = (high - low) * _RANGE_PADDING
    padded_low = low if low == 0 else low - padding
    padded_high = high if high == 0 else high + padding

    # Whole numbers only where a fraction means nothing: a count shown to no decimals.
    whole = unit is Unit.COUNT and decimals == 0
    locator = MaxNLocator(nbins=_MAX_Y_TICKS, steps=list(_TICK_STEPS), integer=whole)
    candidates = [float(tick) for tick in locator.tick_values(padded_low, padded_high)]
    step = _tick_step(candidates)
    tolerance = step * 1e-6
    below = [tick for tick in candidates if tick <= padded_low + tolerance]
    above = [tick for tick in candidates if tick >= padded_high - tolerance]
    tick_low = max(below) if below else padded_low
    tick_high = min(above) if above else padded_high
    if min(numbers) >= 0:
        tick_low = max(tick_low, 0.0)
    if unit is Unit.PERCENTAGE and max(numbers) <= 100 and tick_high > 100:
        tick_high = 100.0 if any(abs(t - 100) <= tolerance for t in candidates) else tick_high
    ticks = tuple(
        0.0 if abs(tick) <= tolerance else tick
        for tick in candidates
        if tick_low - tolerance <= tick <= tick_high + tolerance
    )
    return _YScale(tick_low, tick_high, ticks, tuple(_tick_labels(ticks, unit)))


def _tick_step(ticks: Sequence[float]) -> float:
    steps = [b - a for a, b in itertools.pairwise(ticks) if b > a]
    return min(steps) if steps else max(abs(ticks[0]), 1.0) if ticks else 1.0


def _tick_labels(ticks: Sequence[float], unit: Unit) -> list[str]:
    """Tick labels with one scale and one number of decimals for the whole axis."""
    if not ticks:
        return []
    biggest = max(abs(tick) for tick in ticks)
    scale, suffix = 1.0, ""
    compact_from = 1e3 if unit is Unit.POUNDS else _COMPACT_FROM
    if unit is not Unit.PERCENTAGE and biggest >= compact_from:
        scale, suffix = next((f, s) for f, s in _SCALES if biggest >= f)
    scaled = [tick / scale for tick in ticks]
    places = _places_needed(scaled, _tick_step(scaled))
    labels = []
    for number in scaled:
        digits = f"{abs(number):,.{places}f}"
        # Zero is written plainly ("0", "£0"), not "0.00" beside "0.25".
        if not any(ch in "123456789" for ch in digits):
            digits, sign, unit_suffix = "0", "", ""
        else:
            sign, unit_suffix = ("-" if number < 0 else ""), suffix
        if unit is Unit.POUNDS:
            labels.append(f"{sign}£{digits}{unit_suffix}")
        elif unit is Unit.PERCENTAGE:
            labels.append(f"{sign}{digits}%")
        else:
            labels.append(f"{sign}{digits}{unit_suffix}")
    return labels


def _places_needed(numbers: Sequence[float], step: float) -> int:
    """The fewest decimals that write every tick exactly (2.5 needs one, 2.0 none)."""
    tolerance = abs(step) * 1e-6
    for places in range(_MAX_TICK_DECIMALS + 1):
        if all(abs(number - round(number, places)) <= tolerance for number in numbers):
            return places
    return _MAX_TICK_DECIMALS


# ================================================================ direct labels


@dataclass(frozen=True, slots=True)
class _DirectLabel:
    gid: str
    text: str  # wrapped
    value: float  # where the line ends, in data units
    colour: str
    bold: bool
    width: float  # points
    height: float  # points


def _spread_labels(
    desired: Sequence[float], heights: Sequence[float], low: float, high: float
) -> list[float]:
    """Centres for labels of ``heights``, each as near its ``desired`` centre as can be.

    Labels that would overlap are merged into a stack centred on their
    desired positions (least squares), stacks are merged until none overlap,
    and each stack is kept between ``low`` and ``high`` where it fits.
    """
    order = sorted(range(len(desired)), key=lambda i: desired[i])
    # A stack: its members, bottom to top, and the position of its bottom edge.
    stacks: list[tuple[list[int], float]] = []

    def extent(members: list[int]) -> float:
        return sum(heights[i] for i in members) + _LABEL_SEPARATION * (len(members) - 1)

    def offsets(members: list[int]) -> list[float]:
        """Each member's centre above the stack's bottom edge."""
        result, running = [], 0.0
        for i in members:
            result.append(running + heights[i] / 2)
            running += heights[i] + _LABEL_SEPARATION
        return result

    def place(members: list[int]) -> float:
        bottom = sum(desired[i] - o for i, o in zip(members, offsets(members), strict=True))
        bottom /= len(members)
        return min(max(bottom, low), max(low, high - extent(members)))

    for index in order:
        members = [index]
        bottom = place(members)
        while stacks and stacks[-1][1] + extent(stacks[-1][0]) + _LABEL_SEPARATION > bottom:
            previous, _ = stacks.pop()
            members = previous + members
            bottom = place(members)
        stacks.append((members, bottom))

    centres = [0.0] * len(desired)
    for members, bottom in stacks:
        for i, offset in zip(members, offsets(members), strict=True):
            centres[i] = bottom + offset
    return centres


# ================================================================ the figure


class _Builder(builder.FigureBuilder):
    """Lays out and draws one figure; used once, by :func:`build_indicator_figure`."""

    def __init__(self, data: IndicatorChartData, width_in: float, height_in: float) -> None:
        super().__init__(width_in, height_in)
        self.data = data

    # -------------------------------------------------------- build

    def build(self) -> Figure:
        data = self.data
        top = self._draw_header(
            data.title or active_title(data),
            data.subtitle if data.subtitle is not None else default_subtitle(data),
            gap=_HEADER_GAP,
        )
        if data.sample:
            # At the bottom right, below the direct labels.
            self._draw_stamp()
        if data.points:
            self._draw_plot(_Series.from_data(data), top)
        else:
            # The title says there are no figures.
            self._draw_message(top, EMPTY_MESSAGE)
        return self.figure

    def _draw_plot(self, series: _Series, top: float) -> None:
        numbers = series.all_numbers()
        scale = _y_scale(numbers, self.data.unit, self.data.decimals) if numbers else None
        labels = self._direct_labels(series)
        margins = self._margins(scale, labels, top)
        box = margins.plot_box(self.width, self.height)
        plot_width, plot_height = box[2] * self.width, box[3] * self.height

        axes = self._add_axes(margins)
        self._style_axes(axes)
        self._draw_x_axis(axes, series.quarters, plot_width)
        if scale is not None:
            self._draw_y_axis(axes, scale, top, len(series.quarters))
        else:
            axes.set_ylim(0.0, 1.0)
        self._fix_tick_fonts(major=(axes.xaxis, axes.yaxis))
        self._draw_lines(axes, series)
        # Markers shrink when quarters are packed tight (ten years on one
        # chart), so that neighbours do not overlap and hide each other's shape.
        self._draw_markers(axes, series, min(1.0, plot_width / len(series.quarters) / _MARKER_ROOM))
        if scale is not None:
            self._draw_direct_labels(axes, labels, scale, plot_height)
        if all(value is None for value in series.values):
            self._draw_plot_message(axes, f"{self.data.area_label}: no figures", zorder=5.0)

    def _margins(
        self, scale: _YScale | None, labels: Sequence[_DirectLabel], top: float
    ) -> builder.Margins:
        """Room around the plot for the text there: tick labels, axis label, direct labels."""
        if scale is not None:
            widest_tick = max((text_width(t, self.tick_font) for t in scale.labels), default=0.0)
            left = builder.PAD + widest_tick + _Y_TICK_PAD
            top += block_height(1, style.AXIS_LABEL_SIZE) + _AXIS_LABEL_GAP
        else:
            left = 2 * builder.PAD
        label_width = max((label.width for label in labels), default=0.0)
        right = builder.PAD + (label_width + _LABEL_GAP if labels else 0.0)
        if self.data.sample:
            right = max(right, 2 * builder.PAD + builder.stamp_width() + 6)
        bottom = (
            builder.PAD + block_height(2, style.TICK_SIZE) + builder.TICK_LENGTH + builder.TICK_PAD
        )
        return builder.Margins(left=left, bottom=bottom, right=right, top=top)

    def _style_axes(self, axes: Axes) -> None:
        """Everything about the axes' look, set here so that no rcParams leak in."""
        from matplotlib.ticker import NullLocator

        self._style_frame(axes)
        axes.xaxis.set_minor_locator(NullLocator())
        axes.yaxis.set_minor_locator(NullLocator())
        for axis, length, pad in (
            ("x", builder.TICK_LENGTH, builder.TICK_PAD),
            ("y", 0.0, _Y_TICK_PAD),
        ):
            axes.tick_params(
                axis=axis,  # type: ignore[arg-type]
                which="major",
                length=length,
                pad=pad,
                **style.TICK_PARAMS,
                bottom=axis == "x",
                top=False,
                left=axis == "y",
                right=False,
                labelbottom=axis == "x",
                labeltop=False,
                labelleft=axis == "y",
                labelright=False,
            )
        axes.xaxis.grid(visible=False, which="both")
        axes.yaxis.grid(visible=True, which="major", **style.GRID_LINES)

    def _draw_x_axis(self, axes: Axes, quarters: Sequence[Quarter], plot_width: float) -> None:
        """A tick per quarter; every one labelled if there is room, else Q1s, every k years."""
        from matplotlib.ticker import FixedFormatter, FixedLocator

        labels = [_period_tick_label(quarter) for quarter in quarters]
        widest = max(block_width(label, self.tick_font) for label in labels) + _X_LABEL_SEPARATION
        slot = plot_width / len(quarters)
        if slot < widest:
            every_years = math.ceil(widest / (slot * 4))
            labels = [
                label if quarter.quarter == 1 and quarter.year % every_years == 0 else ""
                for quarter, label in zip(quarters, labels, strict=True)
            ]
        axes.set_xlim(-0.5, len(quarters) - 0.5)
        axes.xaxis.set_major_locator(FixedLocator(list(range(len(quarters)))))
        axes.xaxis.set_major_formatter(FixedFormatter(labels))

    def _draw_y_axis(self, axes: Axes, scale: _YScale, top: float, count: int) -> None:
        """Limits, ticks, the unit above the axis, and a zero line when figures cross zero."""
        from matplotlib.lines import Line2D
        from matplotlib.ticker import FixedFormatter, FixedLocator

        axes.set_ylim(scale.low, scale.high)
        axes.yaxis.set_major_locator(FixedLocator(list(scale.ticks)))
        axes.yaxis.set_major_formatter(FixedFormatter(list(scale.labels)))
        self._text(
            (0.0, 1.0),
            axis_label(self.data.unit),
            transform=self._offset(builder.PAD, -top, self.figure.transFigure),
            size=style.AXIS_LABEL_SIZE,
            colour=style.SECONDARY_TEXT,
            gid=GID_AXIS_LABEL,
        )
        if scale.low < 0 < scale.high:
            axes.add_line(
                Line2D(
                    [-0.5, count - 0.5],
                    [0.0, 0.0],
                    color=style.AXIS,
                    linewidth=0.8,
                    linestyle="solid",
                    zorder=1.5,
                    gid=GID_ZERO_LINE,
                )
            )

    def _draw_lines(self, axes: Axes, series: _Series) -> None:
        """Comparators, then the target, then the value line, back to front."""
        positions = [float(i) for i in range(len(series.quarters))]
        comparator_styles = style.comparator_styles([name for name, _ in series.comparators])
        for index, ((name, values), line_style) in enumerate(
            zip(series.comparators, comparator_styles, strict=True)
        ):
            # A value with no neighbour makes no line; a small dot shows it.
            isolated = _isolated(values)
            line = _line(positions, _nan_for_none(values), line_style, zorder=2.0)
            line.set_gid(GID_COMPARATOR.format(index=index + 1))
            line.set_label(name)
            if isolated:
                line.set_marker("o")
                line.set_markevery(isolated)
            axes.add_line(line)
        target = _line(*_target_steps(series.targets), style.TARGET_LINE, zorder=2.5)
        target.set_gid(GID_TARGET)
        target.set_label(TARGET_LABEL)
        axes.add_line(target)
        value = _line(positions, _nan_for_none(series.values), style.VALUE_LINE, zorder=3.0)
        value.set_gid(GID_VALUE)
        value.set_label(self.data.area_label)
        axes.add_line(value)

    def _draw_markers(self, axes: Axes, series: _Series, scale: float) -> None:
        """One marker line per RAG present, so each judgement is one vector group."""
        for rag in Rag:
            spec = style.RAG_MARKERS[rag]
            slots: list[float] = []
            heights: list[float] = []
            for i, (value, point_rag) in enumerate(zip(series.values, series.rags, strict=True)):
                if value is not None and point_rag is rag:
                    slots.append(float(i))
                    heights.append(value)
            if not slots:
                continue
            gid = GID_MARKERS.format(rag=rag.name.lower().replace("_", "-"))
            axes.add_line(
                builder.marker_line(
                    slots,
                    heights,
                    spec,
                    gid=gid,
                    scale=scale,
                    zorder=4.0,
                    label=f"{rag.symbol} {rag.label}",
                )
            )

    # -------------------------------------------------------- direct labels

    def _direct_labels(self, series: _Series) -> list[_DirectLabel]:
        """A label for every line that has a value, at the height where the line ends."""
        # (id, text, where the line ends, colour, bold)
        ends: list[tuple[str, str, float | None, str, bool]] = [
            (
                GID_VALUE_LABEL,
                self.data.area_label,
                _last_defined(series.values),
                style.VALUE_LINE.text_colour,
                True,
            ),
            (
                GID_TARGET_LABEL,
                TARGET_LABEL,
                _last_defined(series.targets),
                style.TARGET_LINE.text_colour,
                False,
            ),
        ]
        comparator_styles = style.comparator_styles([name for name, _ in series.comparators])
        for index, ((name, values), line_style) in enumerate(
            zip(series.comparators, comparator_styles, strict=True)
        ):
            gid = GID_COMPARATOR_LABEL.format(index=index + 1)
            ends.append((gid, name, _last_defined(values), line_style.text_colour, False))
        labels = []
        for gid, text, end, colour, bold in ends:
            if end is None:
                continue
            prop = style.font(style.DIRECT_LABEL_SIZE, bold=bold)
            lines = wrap(text, prop, _LABEL_MAX_WIDTH, _MAX_LABEL_LINES)
            labels.append(
                _DirectLabel(
                    gid=gid,
                    text="\n".join(lines),
                    value=end,
                    colour=colour,
                    bold=bold,
                    width=max(text_width(line, prop) for line in lines),
                    height=block_height(len(lines), style.DIRECT_LABEL_SIZE),
                )
            )
        return labels

    def _draw_direct_labels(
        self, axes: Axes, labels: Sequence[_DirectLabel], scale: _YScale, plot_height: float
    ) -> None:
        """Labels just right of the plot, each level with its line's end, spread so none overlap."""
        span = scale.high - scale.low
        desired = [(label.value - scale.low) / span * plot_height for label in labels]
        centres = _spread_labels(
            desired, [label.height for label in labels], -builder.PAD, plot_height + builder.PAD
        )
        transform = self._offset(_LABEL_GAP, 0.0, axes.transAxes)
        for label, centre in zip(labels, centres, strict=True):
            self._text(
                (1.0, centre / plot_height),
                label.text,
                transform=transform,
                size=style.DIRECT_LABEL_SIZE,
                colour=label.colour,
                gid=label.gid,
                bold=label.bold,
                va="center",
                axes=axes,
            )


def _line(
    x: Sequence[float], y: Sequence[float], line_style: style.LineStyle, *, zorder: float
) -> Line2D:
    """A line drawn in ``line_style``, every property explicit (no rcParams)."""
    from matplotlib.lines import Line2D

    return Line2D(
        list(x),
        list(y),
        color=line_style.colour,
        linewidth=line_style.width,
        linestyle=line_style.linestyle,
        dash_capstyle="butt",
        dash_joinstyle="round",
        solid_capstyle="round",
        solid_joinstyle="round",
        marker="None",
        markersize=2.5,
        markerfacecolor=line_style.colour,
        markeredgecolor=line_style.colour,
        markeredgewidth=0.0,
        drawstyle="default",
        antialiased=True,
        zorder=zorder,
    )


def _target_steps(targets: Sequence[float | None]) -> tuple[list[float], list[float]]:
    """Vertices of the target step: a flat segment across each quarter, NaN across gaps."""
    xs: list[float] = []
    ys: list[float] = []
    for i, target in enumerate(targets):
        if target is None:
            if xs and not math.isnan(xs[-1]):
                xs.append(math.nan)
                ys.append(math.nan)
            continue
        xs += [i - 0.5, i + 0.5]
        ys += [target, target]
    return xs, ys


def build_indicator_figure(
    data: IndicatorChartData, *, width_in: float = 6.0, height_in: float = 3.2
) -> Figure:
    """The trend chart of one indicator, ``width_in`` × ``height_in`` inches (module contract)."""
    builder.check_size(width_in, height_in)
    return _Builder(data, width_in, height_in).build()
