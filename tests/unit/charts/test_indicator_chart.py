"""The indicator trend chart: its data, its title, the figure's parts, and its SVG and PNG."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from qpmr_desktop import charts
from qpmr_desktop.charts import style
from qpmr_desktop.charts.indicator_chart import (
    EMPTY_MESSAGE,
    SAMPLE_STAMP,
    ChartPoint,
    ComparatorSeries,
    IndicatorChartData,
    active_title,
    build_indicator_figure,
    figure_to_png,
    figure_to_svg,
)
from qpmr_desktop.domain.performance import Polarity, Rag, judge_rag
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.domain.units import Unit
from tests.unit.charts import (
    HOSTILE_RC,
    SVG,
    floats,
    line,
    plot_axes,
    run_in_fresh_python,
    svg_texts,
    text,
)

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# The demo's Children Looked After series (resources/demo/indicators.toml):
# a count, lower is better, a 5% tolerance, rising to the 1,875 in the minutes.
CLA_VALUES = (1512, 1526, 1549, 1571, 1590, 1612, 1638, 1664, 1701, 1744, 1790, 1875)
CLA_TARGETS = (1500, 1500, 1500, 1550, 1550, 1550, 1550, 1650, 1650, 1650, 1650, 1700)


def quarters(first: str, count: int) -> list[Quarter]:
    periods = [Quarter.parse(first)]
    while len(periods) < count:
        periods.append(periods[-1].next())
    return periods[:count]


def points(
    values: Sequence[float | None],
    targets: Sequence[float | None],
    *,
    polarity: Polarity = Polarity.HIGHER_IS_BETTER,
    first: str = "Q2 2014/15",
    tolerance: float | None = None,
) -> tuple[ChartPoint, ...]:
    """Points judged by the domain's own rule, as the service will build them."""
    return tuple(
        ChartPoint(
            period,
            value,
            target,
            judge_rag(value=value, target=target, polarity=polarity, tolerance=tolerance).rag,
        )
        for period, value, target in zip(quarters(first, len(values)), values, targets, strict=True)
    )


def chart_data(
    values: Sequence[float | None] = (50.0, 52.0, 55.0),
    targets: Sequence[float | None] | None = None,
    *,
    unit: Unit = Unit.PERCENTAGE,
    decimals: int = 1,
    polarity: Polarity = Polarity.HIGHER_IS_BETTER,
    comparators: Sequence[ComparatorSeries] = (),
    first: str = "Q2 2014/15",
    **extra: object,
) -> IndicatorChartData:
    return IndicatorChartData(
        "IND-01",
        "An indicator",
        unit,
        decimals,
        polarity,
        points(
            values,
            targets if targets is not None else [None] * len(values),
            polarity=polarity,
            first=first,
        ),
        tuple(comparators),
        **extra,  # type: ignore[arg-type]
    )


def cla_data(**extra: object) -> IndicatorChartData:
    return IndicatorChartData(
        "CLA-01",
        "Children Looked After",
        Unit.COUNT,
        0,
        Polarity.LOWER_IS_BETTER,
        points(CLA_VALUES, CLA_TARGETS, polarity=Polarity.LOWER_IS_BETTER, tolerance=None),
        **extra,  # type: ignore[arg-type]
    )


def care_leavers_data() -> IndicatorChartData:
    """A percentage with England, region and statistical-neighbour comparators."""
    values = (47.9, 49.7, 51.0, 48.2, 49.1, 51.8, 53.0, 49.7, 51.3, 53.5, 55.3, 50.8)
    return chart_data(
        values,
        [52.0] * 3 + [53.0] * 4 + [55.0] * 5,
        comparators=(
            ComparatorSeries("England", (48.0,) * 3 + (49.0,) * 4 + (50.0,) * 5),
            ComparatorSeries("North West", (47.0,) * 3 + (48.0,) * 4 + (49.0,) * 5),
            ComparatorSeries("Statistical neighbours", (49.0,) * 3 + (50.0,) * 4 + (51.0,) * 5),
        ),
        sample=True,
        area_label="Lancashire",
    )


def same_with_nan(actual: Sequence[float], expected: Sequence[float]) -> bool:
    return len(actual) == len(expected) and all(
        (math.isnan(a) and math.isnan(e)) or a == e for a, e in zip(actual, expected, strict=True)
    )


# ---------------------------------------------------------------- start-up


def test_importing_the_charts_package_does_not_load_matplotlib() -> None:
    # matplotlib costs about 0.2 s at start-up; only building a chart may load it.
    code = (
        "import sys\n"
        "import qpmr_desktop.charts as charts\n"
        "import qpmr_desktop.charts.indicator_chart, qpmr_desktop.charts.style\n"
        "import qpmr_desktop.charts.builder, qpmr_desktop.charts.text\n"
        "assert callable(charts.build_indicator_figure)\n"
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] == 'matplotlib')\n"
        "assert not loaded, loaded\n"
        "charts.build_indicator_figure(charts.IndicatorChartData("
        "'R', 'N', __import__('qpmr_desktop.domain.units').domain.units.Unit.COUNT, 0,"
        " __import__('qpmr_desktop.domain.performance').domain.performance.Polarity.NO_JUDGEMENT,"
        " ()))\n"
        "assert 'matplotlib.figure' in sys.modules\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    run_in_fresh_python(code)


def test_the_package_exports_the_chart_api_lazily() -> None:
    assert charts.build_indicator_figure is build_indicator_figure
    assert charts.IndicatorChartData is IndicatorChartData
    with pytest.raises(AttributeError):
        _ = charts.no_such_chart


# ---------------------------------------------------------------- input data


def test_comparators_must_have_one_value_per_point() -> None:
    with pytest.raises(ValueError, match="'England' comparator has 2 values for 3 points"):
        chart_data(comparators=[ComparatorSeries("England", (1.0, 2.0))])


def test_points_must_be_in_chronological_order() -> None:
    first, second = points([1.0, 2.0], [None, None])
    with pytest.raises(ValueError, match="chronological"):
        IndicatorChartData("R", "N", Unit.COUNT, 0, Polarity.HIGHER_IS_BETTER, (second, first))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        ChartPoint(Quarter(2017, 1), bad, None, Rag.NO_DATA)
    with pytest.raises(ValueError, match="finite"):
        ComparatorSeries("England", (1.0, bad))


def test_chart_data_is_hashable_so_charts_can_be_cached_by_their_data() -> None:
    assert hash(cla_data()) == hash(cla_data())
    assert cla_data() == cla_data()
    assert cla_data() != cla_data(sample=True)


# ---------------------------------------------------------------- the active title


def test_title_of_the_demo_series_states_the_record_and_the_missed_ceiling() -> None:
    assert (
        active_title(cla_data())
        == "1,875 in Q1 2017/18: highest in 12 quarters, missing the 1,700 target by 175"
    )


def test_title_for_higher_is_better_says_beating_and_the_change_in_points() -> None:
    data = chart_data([55.3, 56.8], [55.0, 55.0], first="Q4 2016/17")
    assert (
        active_title(data)
        == "56.8% in Q1 2017/18: up 1.5 points on Q4 2016/17, beating the 55% target by 1.8 points"
    )


def test_title_for_lower_is_better_below_target_is_beating_it() -> None:
    data = chart_data(
        [1700, 1650], [1680, 1680], unit=Unit.COUNT, decimals=0,
        polarity=Polarity.LOWER_IS_BETTER, first="Q4 2016/17",
    )  # fmt: skip
    assert active_title(data) == (
        "1,650 in Q1 2017/18: down 50 on Q4 2016/17, beating the 1,680 target by 30"
    )


def test_title_for_higher_is_better_below_target_is_missing_it() -> None:
    data = chart_data([53.0, 50.8], [55.0, 55.0], first="Q4 2016/17")
    assert active_title(data).endswith("missing the 55% target by 4.2 points")


def test_title_compares_at_the_precision_displayed() -> None:
    # 94.96 is shown as 95.0, which meets a 95% target (the RAG rule agrees).
    data = chart_data([94.0, 94.96], [95.0, 95.0], first="Q4 2016/17")
    assert active_title(data) == (
        "95.0% in Q1 2017/18: up 1.0 points on Q4 2016/17, meeting the 95% target"
    )
    assert data.points[-1].rag is Rag.GREEN


def test_title_without_a_target_or_record_gives_the_change() -> None:
    data = chart_data([50.0, 52.0, 51.0], unit=Unit.COUNT, decimals=0)
    assert active_title(data) == "51 in Q4 2014/15: down 1 on Q3 2014/15"


def test_title_says_unchanged_when_the_shown_figure_did_not_move() -> None:
    data = chart_data([50.0, 52.0, 52.04])
    assert active_title(data) == "52.0% in Q4 2014/15: unchanged from Q3 2014/15"


def test_title_claims_only_the_figures_charted_when_quarters_are_missing() -> None:
    data = chart_data([50.0, None, 51.0, 53.0], unit=Unit.COUNT, decimals=0)
    assert active_title(data) == "53 in Q1 2015/16: highest of the 3 figures charted"


def test_title_names_a_latest_quarter_without_a_figure() -> None:
    data = chart_data([50.0, 52.0, None], [55.0, 55.0, 55.0])
    assert active_title(data) == (
        "No figure for Q4 2014/15. 52.0% in Q3 2014/15: up 2.0 points on Q2 2014/15, "
        "missing the 55% target by 3.0 points"
    )


def test_title_of_a_range_measure_gives_no_verdict() -> None:
    data = chart_data([8.0, 8.4], [8.0, 8.0], unit=Unit.WEEKS, polarity=Polarity.WITHIN_RANGE)
    assert active_title(data) == (
        "8.4 weeks in Q3 2014/15: up 0.4 weeks on Q2 2014/15, 0.4 weeks above the 8 weeks target"
    )


def test_title_of_a_context_indicator_ignores_any_target() -> None:
    data = chart_data([250.0, 251.0, 253.0], [240.0] * 3, unit=Unit.COUNT, decimals=0,
                      polarity=Polarity.NO_JUDGEMENT)  # fmt: skip
    assert active_title(data) == "253 in Q4 2014/15: highest in 3 quarters"


def test_title_with_no_data() -> None:
    assert active_title(chart_data([], [])) == "No figures yet"
    assert active_title(chart_data([None, None], [5.0, 5.0])) == (
        "No figures for Q2 2014/15 to Q3 2014/15"
    )


# ---------------------------------------------------------------- the figure's parts


def test_the_figure_is_plain_matplotlib_with_no_gui_canvas() -> None:
    figure = build_indicator_figure(cla_data(), width_in=6.0, height_in=3.2)
    assert type(figure.canvas).__module__ == "matplotlib.backend_bases"
    assert tuple(figure.get_size_inches()) == (6.0, 3.2)
    assert plot_axes(figure).get_legend() is None


def test_value_line_has_the_values_with_gaps_for_missing_ones() -> None:
    figure = build_indicator_figure(chart_data([50.0, None, 55.0, 56.0]))
    value = line(figure, "value-line")
    assert same_with_nan(floats(value.get_ydata()), [50.0, math.nan, 55.0, 56.0])
    assert floats(value.get_xdata()) == [0.0, 1.0, 2.0, 3.0]
    assert value.get_color() == style.DARK_BLUE
    assert value.get_linestyle() == "-"


def test_a_quarter_missing_from_the_points_is_a_gap_not_a_join() -> None:
    data = IndicatorChartData(
        "R", "N", Unit.COUNT, 0, Polarity.HIGHER_IS_BETTER,
        (ChartPoint(Quarter(2016, 1), 10.0, None, Rag.DATA_ONLY),
         ChartPoint(Quarter(2016, 3), 12.0, None, Rag.DATA_ONLY)),
    )  # fmt: skip
    figure = build_indicator_figure(data)
    assert same_with_nan(floats(line(figure, "value-line").get_ydata()), [10.0, math.nan, 12.0])
    labels = [label.get_text() for label in plot_axes(figure).get_xticklabels()]
    assert labels == ["Q1\n16/17", "Q2\n16/17", "Q3\n16/17"]


def test_target_is_a_dashed_step_flat_across_each_quarter() -> None:
    figure = build_indicator_figure(chart_data([1.0, 2.0, 3.0, 4.0], [5.0, 5.0, None, 6.0]))
    target = line(figure, "target-line")
    assert same_with_nan(floats(target.get_xdata()), [-0.5, 0.5, 0.5, 1.5, math.nan, 2.5, 3.5])
    assert same_with_nan(floats(target.get_ydata()), [5.0, 5.0, 5.0, 5.0, math.nan, 6.0, 6.0])
    assert target.get_linestyle() == "--"
    assert target.get_color() == style.TARGET_LINE.colour


def test_one_grey_patterned_line_per_comparator_labelled_directly() -> None:
    data = care_leavers_data()
    figure = build_indicator_figure(data)
    comparators = [line(figure, f"comparator-{i}") for i in (1, 2, 3)]
    assert [c.get_label() for c in comparators] == [
        "England",
        "North West",
        "Statistical neighbours",
    ]
    assert floats(comparators[0].get_ydata()) == list(data.comparators[0].values)
    # Told apart by dash pattern in the drawn output, not only by name.
    svg = figure_to_svg(figure)
    dash_patterns = {svg_stroke(svg, f"comparator-{i}", "stroke-dasharray") for i in (1, 2, 3)}
    assert None not in dash_patterns
    assert len(dash_patterns) == 3
    assert {svg_stroke(svg, f"comparator-{i}", "stroke") for i in (1, 2, 3)} <= {
        line_style.colour.lower() for line_style in style.COMPARATOR_LINES
    }
    assert all(c.get_linewidth() < style.VALUE_LINE.width for c in comparators)

    labels = [text(figure, f"label-comparator-{i}").get_text() for i in (1, 2, 3)]
    assert labels == ["England", "North West", "Statistical\nneighbours"]
    assert text(figure, "label-value").get_text() == "Lancashire"
    assert text(figure, "label-target").get_text() == "Target"


def test_england_and_neighbours_keep_their_patterns_wherever_they_are_listed() -> None:
    forwards = style.comparator_styles(["England", "North West", "Statistical neighbours"])
    backwards = style.comparator_styles(["Statistical neighbours", "North West", "England"])
    assert forwards == list(reversed(backwards))
    assert forwards[0] is style.ENGLAND_LINE
    assert style.comparator_styles(["CIPFA nearest neighbours"]) == [style.NEIGHBOURS_LINE]


def test_direct_labels_never_overlap_even_when_lines_end_together() -> None:
    same_end = (50.0, 50.0, 50.0)
    data = chart_data(
        [49.0, 49.5, 50.0],
        [50.0] * 3,
        comparators=[ComparatorSeries(name, same_end) for name in ("England", "Region", "SN")],
    )
    figure = build_indicator_figure(data)
    figure.draw_without_rendering()
    gids = ["label-value", "label-target", *(f"label-comparator-{i}" for i in (1, 2, 3))]
    boxes = [text(figure, gid).get_window_extent() for gid in gids]
    for first, second in itertools.combinations(boxes, 2):
        assert not first.overlaps(second)
    plot = plot_axes(figure).get_window_extent()
    assert all(box.x0 > plot.x1 for box in boxes)  # beside the plot, not on it
    assert all(box.x1 <= figure.bbox.x1 for box in boxes)  # and not cut off


def test_markers_are_shaped_by_rag() -> None:
    # Green 56, amber 52 (within 5 points), red 40, no target 45 (Data only).
    data = IndicatorChartData(
        "R", "N", Unit.PERCENTAGE, 1, Polarity.HIGHER_IS_BETTER,
        (ChartPoint(Quarter(2016, 1), 56.0, 55.0, Rag.GREEN),
         ChartPoint(Quarter(2016, 2), 52.0, 55.0, Rag.AMBER),
         ChartPoint(Quarter(2016, 3), 40.0, 55.0, Rag.RED),
         ChartPoint(Quarter(2016, 4), 45.0, None, Rag.DATA_ONLY),
         ChartPoint(Quarter(2017, 1), None, 55.0, Rag.NO_DATA)),
    )  # fmt: skip
    figure = build_indicator_figure(data)
    expected = {
        "green": ("o", 0.0),
        "amber": ("D", 1.0),
        "red": ("^", 2.0),
        "data-only": ("o", 3.0),
    }
    for name, (marker, x) in expected.items():
        markers = line(figure, f"rag-{name}")
        assert markers.get_marker() == marker
        assert floats(markers.get_xdata()) == [x]
        assert markers.get_linestyle() == "None"
    assert line(figure, "rag-data-only").get_markerfacecolor() == style.BACKGROUND  # hollow
    assert line(figure, "rag-green").get_markerfacecolor() == style.RAG_GREEN
    assert not figure.findobj(lambda artist: artist.get_gid() == "rag-no-data")  # no value, no mark


def test_rag_fills_stay_apart_in_greyscale_and_shapes_differ() -> None:
    judged = [Rag.GREEN, Rag.AMBER, Rag.RED, Rag.DATA_ONLY]
    levels = [style.greyscale_level(style.RAG_MARKERS[rag].face) for rag in judged]
    assert all(abs(a - b) >= 55 for a, b in itertools.combinations(levels, 2))
    shapes = {style.RAG_MARKERS[rag].marker for rag in (Rag.GREEN, Rag.AMBER, Rag.RED)}
    assert len(shapes) == 3
    assert style.greyscale_level("#ffffff") == 255
    assert style.greyscale_level("#000000") == 0


def test_title_and_subtitle_are_figure_text() -> None:
    data = cla_data(area_label="Lancashire")
    figure = build_indicator_figure(data)
    assert text(figure, "title").get_text().replace("\n", " ") == active_title(data)
    assert text(figure, "subtitle").get_text().replace("\n", " ") == (
        "Children Looked After (CLA-01) · Lancashire · Q2 2014/15 to Q1 2017/18 · lower is better"
    )
    for gid in ("title", "subtitle"):
        assert text(figure, gid).get_fontfamily() == [style.FONT_FAMILY]


def test_given_title_and_subtitle_replace_the_written_ones() -> None:
    figure = build_indicator_figure(cla_data(title="Children in care", subtitle="Snapshot"))
    assert text(figure, "title").get_text() == "Children in care"
    assert text(figure, "subtitle").get_text() == "Snapshot"


def test_a_long_title_wraps_within_the_figure() -> None:
    data = cla_data(title="A very long title " * 20)
    figure = build_indicator_figure(data)
    title = text(figure, "title")
    assert 2 <= title.get_text().count("\n") + 1 <= 3
    figure.draw_without_rendering()
    box = title.get_window_extent()
    assert box.x0 >= 0
    assert box.x1 <= figure.bbox.x1
    assert title.get_text().endswith("…")  # cut after three lines, and says so


def test_dollar_signs_are_text_not_mathtext() -> None:
    figure = build_indicator_figure(cla_data(title="Spend in $ and $ again"))
    assert text(figure, "title").get_parse_math() is False
    assert b"Spend in $ and $ again" in figure_to_svg(figure)


# ---------------------------------------------------------------- axes and units


def tick_labels(figure: Figure) -> list[str]:
    return [label.get_text() for label in plot_axes(figure).get_yticklabels()]


def test_count_axis_has_separators_and_need_not_start_at_zero() -> None:
    figure = build_indicator_figure(cla_data())
    low, high = plot_axes(figure).get_ylim()
    assert low > 0  # 1,500–1,875 would be a flat line on a zero-based axis
    assert low <= 1500
    assert high >= 1875
    assert "1,900" in tick_labels(figure)
    assert text(figure, "axis-label").get_text() == "Number"


def test_axis_starts_at_zero_when_the_data_span_most_of_the_range() -> None:
    figure = build_indicator_figure(chart_data([10.0, 60.0, 100.0], unit=Unit.COUNT, decimals=0))
    assert plot_axes(figure).get_ylim()[0] == 0.0


@pytest.mark.parametrize(
    ("unit", "values", "label", "sample_tick"),
    [
        (Unit.PERCENTAGE, [47.9, 55.3], "Percentage", "50%"),
        (Unit.RATE_PER_10000, [60.1, 75.0], "Rate per 10,000", "70"),
        (Unit.POUNDS, [2.1e6, 4.1e6], "Pounds (£)", "£3.0m"),
        (Unit.DAYS, [20.0, 30.0], "Days", "25.0"),  # one decimal for every tick, as 22.5
    ],
)
def test_y_axis_says_its_unit(
    unit: Unit, values: list[float], label: str, sample_tick: str
) -> None:
    figure = build_indicator_figure(chart_data(values, unit=unit))
    assert text(figure, "axis-label").get_text() == label
    assert sample_tick in tick_labels(figure)


def test_negative_figures_get_zero_on_the_axis_and_a_zero_line() -> None:
    figure = build_indicator_figure(chart_data([-2.1e5, 1.2e5, 2.1e5], unit=Unit.POUNDS))
    low, high = plot_axes(figure).get_ylim()
    assert low < 0 < high
    assert "£0" in tick_labels(figure)
    assert any(label.startswith("-£") for label in tick_labels(figure))
    assert floats(line(figure, "zero-line").get_ydata()) == [0.0, 0.0]


def test_period_ticks_are_compact_and_thin_out_for_ten_years() -> None:
    figure = build_indicator_figure(cla_data())
    labels = [label.get_text() for label in plot_axes(figure).get_xticklabels()]
    assert labels[0] == "Q2\n14/15"
    assert labels[-1] == "Q1\n17/18"
    assert all(labels)

    many = build_indicator_figure(chart_data([5.0] * 40, first="Q1 2008/09"))
    labels = [label.get_text() for label in plot_axes(many).get_xticklabels()]
    assert len(labels) == 40
    assert [label for label in labels if label] == [
        f"Q1\n{year % 100:02d}/{(year + 1) % 100:02d}" for year in range(2008, 2018)
    ]


# ---------------------------------------------------------------- edge cases


def test_no_points_draws_a_message_and_no_plot() -> None:
    figure = build_indicator_figure(chart_data([], []))
    assert figure.axes == []
    assert text(figure, "title").get_text() == "No figures yet"
    assert text(figure, "message").get_text() == EMPTY_MESSAGE


def test_sample_data_is_stamped_only_when_sample() -> None:
    assert text(build_indicator_figure(cla_data(sample=True)), "sample-stamp").get_text() == (
        SAMPLE_STAMP
    )
    figure = build_indicator_figure(cla_data())
    assert not figure.findobj(lambda artist: artist.get_gid() == "sample-stamp")


EDGE_CASES = {
    "no points": chart_data([], []),
    "one point": chart_data([62.5], [60.0]),
    "all missing": chart_data([None, None], [10.0, 10.0],
                              comparators=[ComparatorSeries("England", (12.0, None))]),
    "nothing at all": chart_data([None, None]),
    "huge": chart_data([2.1e12, 4.1e12], unit=Unit.COUNT, decimals=0),
    "tiny": chart_data([2.1e-4, 4.1e-4], [3e-4, 3e-4], unit=Unit.RATE_PER_1000, decimals=4),
    "all equal": chart_data([5.0, 5.0, 5.0]),
    "all zero": chart_data([0.0, 0.0]),
    "negative": chart_data([-5.0, -3.0, -4.0], unit=Unit.DAYS),
    "long name": IndicatorChartData(
        "LONG", "Proportion of older people still at home 91 days after discharge " * 4,
        Unit.PERCENTAGE, 1, Polarity.HIGHER_IS_BETTER, points([82.0, 84.0], [85.0, 85.0]),
        (ComparatorSeries("Statistical neighbours (CIPFA nearest neighbours average)",
                          (80.0, 81.0)),),
        area_label="Lancashire County Council with a very long name indeed",
    ),
    "forty quarters": chart_data([20.0 + i % 7 for i in range(40)], first="Q1 2008/09"),
    "unicode": chart_data([1.0, 2.0], area_label="Łódź – Ωmega ≥ Жук £ é"),
    "one enormous word": chart_data([1.0, 2.0], title="https://example.org/" + "x" * 300),
}  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        *(pytest.param(data, id=name) for name, data in EDGE_CASES.items()),
        # Figures whose range overflows a float: matplotlib warns as it lays
        # out the axes; the chart must still come out.
        pytest.param(
            chart_data([-1.7e308, 1.7e308], unit=Unit.COUNT, decimals=0),
            id="beyond float range",
            marks=pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning"),
        ),
    ],
)
def test_edge_cases_draw_and_save(data: IndicatorChartData) -> None:
    figure = build_indicator_figure(data)
    svg = figure_to_svg(figure)
    root = ET.fromstring(svg)
    titles = [g for g in root.iter(f"{SVG}g") if g.get("id") == "title"]
    assert len(titles) == 1
    assert figure_to_png(figure, dpi=50).startswith(b"\x89PNG")


def test_a_tiny_figure_still_draws() -> None:
    figure = build_indicator_figure(care_leavers_data(), width_in=2.0, height_in=1.5)
    assert figure_to_png(figure, dpi=72).startswith(b"\x89PNG")


def test_a_non_positive_size_is_refused() -> None:
    with pytest.raises(ValueError, match="positive size"):
        build_indicator_figure(cla_data(), width_in=0.0)


# ---------------------------------------------------------------- output


def svg_stroke(svg: bytes, gid: str, prop: str) -> str | None:
    """A stroke property of the first path in the group ``gid``, from its style attribute."""
    root = ET.fromstring(svg)
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("id") == gid]
    path = next(group.iter(f"{SVG}path"))
    declarations = {
        key.strip(): value.strip()
        for key, value in (
            part.split(":", 1) for part in (path.get("style") or "").split(";") if ":" in part
        )
    }
    return declarations.get(prop)


def test_svg_keeps_the_title_as_text_in_dejavu_sans() -> None:
    data = cla_data()
    svg = figure_to_svg(build_indicator_figure(data))
    assert " ".join(svg_texts(svg, "title")) == active_title(data)
    assert svg_texts(svg, "label-target") == ["Target"]
    assert b"font-family: 'DejaVu Sans'" in svg
    assert b"<image" not in svg  # vector only: nothing rasterised


def test_svg_is_the_same_bytes_for_the_same_data() -> None:
    assert figure_to_svg(build_indicator_figure(cla_data())) == figure_to_svg(
        build_indicator_figure(cla_data())
    )


def test_png_has_the_requested_resolution() -> None:
    png = figure_to_png(build_indicator_figure(cla_data()), dpi=50)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (300, 160)


def test_saving_gives_the_figure_its_own_canvas_back() -> None:
    # The Qt tab's canvas must stay attached when the same figure is exported.
    figure = build_indicator_figure(cla_data())
    canvas = figure.canvas
    figure_to_svg(figure)
    figure_to_png(figure)
    assert figure.canvas is canvas


def test_building_and_saving_change_no_rcparams() -> None:
    before = dict(mpl.rcParams)
    figure = build_indicator_figure(care_leavers_data())
    figure_to_svg(figure)
    figure_to_png(figure)
    assert dict(mpl.rcParams) == before


def test_the_chart_ignores_whatever_rcparams_the_process_has() -> None:
    # The Qt canvas and the print worker may run under other settings; the
    # chart must come out the same, byte for byte.
    data = care_leavers_data()
    expected = figure_to_svg(build_indicator_figure(data))
    hostile: dict[RcKeyType, object] = {
        **HOSTILE_RC, "ytick.labelsize": 3, "ytick.minor.visible": True,
    }  # fmt: skip
    with mpl.rc_context(hostile):
        assert figure_to_svg(build_indicator_figure(data)) == expected


def test_margins_stay_fixed_in_points_when_the_canvas_resizes() -> None:
    figure = build_indicator_figure(care_leavers_data())
    figure.draw_without_rendering()
    before = plot_axes(figure).get_window_extent().frozen()
    left, top = before.x0 / figure.dpi, (figure.bbox.y1 - before.y1) / figure.dpi
    figure.set_size_inches(9.0, 4.5)
    figure.draw_without_rendering()
    after = plot_axes(figure).get_window_extent().frozen()
    assert after.x0 / figure.dpi == pytest.approx(left)
    assert (figure.bbox.y1 - after.y1) / figure.dpi == pytest.approx(top)
    assert after.width > before.width
