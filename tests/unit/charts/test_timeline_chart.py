"""The plan timeline chart: its data, its title, the figure's parts, and its SVG and PNG."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

import matplotlib as mpl
import pytest
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from qpmr_desktop import charts
from qpmr_desktop.charts import indicator_chart, style
from qpmr_desktop.charts.timeline_chart import (
    EVENTS_LANE,
    NO_AREA_LANE,
    TimelineAction,
    TimelineData,
    TimelineEvent,
    build_timeline_figure,
    figure_to_png,
    figure_to_svg,
    timeline_subtitle,
    timeline_title,
)
from qpmr_desktop.domain.actions import (
    ActionRag,
    ActionStatus,
    DatePrecision,
    PlanEventKind,
    derive_action_rag,
    is_overdue,
)
from tests.unit.charts import (
    HOSTILE_RC,
    SVG,
    artists,
    by_gid,
    floats,
    line,
    plot_axes,
    run_in_fresh_python,
    svg_texts,
    text,
)

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

PLAN = "12-Week Improvement Plan"
AREAS = (
    "MASH/Early Help",
    "Quality of practice",
    "Placement sufficiency",
    "Child sexual exploitation",
    "Workforce",
)
# The demo's 12-week plan (resources/demo/plans.toml): ref, area, due, status.
DEMO_ACTIONS = (
    ("1.1", 0, date(2017, 10, 31), ActionStatus.COMPLETE),
    ("1.2", 0, date(2017, 11, 30), ActionStatus.ON_TRACK),
    ("1.3", 0, date(2018, 1, 31), ActionStatus.AT_RISK),
    ("2.1", 1, date(2017, 12, 31), ActionStatus.ON_TRACK),
    ("2.2", 1, date(2017, 11, 30), ActionStatus.COMPLETE),
    ("2.3", 1, date(2018, 2, 28), ActionStatus.OFF_TRACK),
    ("3.1", 2, date(2018, 3, 31), ActionStatus.AT_RISK),
    ("3.2", 2, date(2017, 12, 15), ActionStatus.ON_TRACK),
    ("3.3", 2, date(2017, 10, 31), ActionStatus.COMPLETE),
    ("4.1", 3, date(2017, 11, 30), ActionStatus.AT_RISK),
    ("4.2", 3, date(2018, 1, 31), ActionStatus.NOT_STARTED),
    ("5.1", 4, date(2017, 9, 18), ActionStatus.COMPLETE),
    ("5.2", 4, date(2018, 3, 31), ActionStatus.ON_TRACK),
    ("5.3", 4, date(2018, 1, 31), ActionStatus.ON_TRACK),
)
DAY, MONTH = DatePrecision.DAY, DatePrecision.MONTH
# BRIEF.md's events for the 12-week plan, in date order.
DEMO_EVENTS = (
    TimelineEvent("Social Work Academy intake", date(2017, 9, 18), None, DAY, PlanEventKind.INTAKE),
    TimelineEvent(
        "Health Scrutiny Steering Group", date(2017, 9, 27), None, DAY, PlanEventKind.MEETING
    ),
    TimelineEvent(
        "LGA peer review", date(2017, 10, 16), date(2017, 10, 19), DAY, PlanEventKind.PEER_REVIEW
    ),
    TimelineEvent(
        "DfE six-month review", date(2017, 11, 3), date(2017, 11, 4), DAY, PlanEventKind.REVIEW
    ),
    TimelineEvent("Video at Full Council", date(2017, 12, 1), None, MONTH, PlanEventKind.MEETING),
)
IN_2017 = date(2017, 10, 1)
IN_2026 = date(2026, 12, 1)


def action(
    ref: str, area: str, due: date | None, status: ActionStatus, today: date
) -> TimelineAction:
    """An action judged by the domain's own rules, as the service judges it."""
    return TimelineAction(
        ref,
        area,
        due,
        derive_action_rag(status=status, due_date=due, today=today),
        is_overdue(status=status, due_date=due, today=today),
    )


def demo_actions(today: date) -> tuple[TimelineAction, ...]:
    return tuple(
        action(ref, AREAS[area], due, status, today) for ref, area, due, status in DEMO_ACTIONS
    )


def demo(today: date = IN_2017, **changes: object) -> TimelineData:
    fields: dict[str, object] = {
        "plan_name": PLAN,
        "areas": AREAS,
        "events": DEMO_EVENTS,
        "actions": demo_actions(today),
        "today": today,
    }
    fields.update(changes)
    return TimelineData(**fields)  # type: ignore[arg-type]


def artists_with_prefix(figure: Figure, prefix: str) -> list[Artist]:
    return figure.findobj(lambda artist: (artist.get_gid() or "").startswith(prefix))


def has(figure: Figure, gid: str) -> bool:
    return bool(artists(figure, gid))


def x_of(day: date) -> float:
    """Where a day's marker sits: the middle of the day."""
    return day.toordinal() + 0.5


def lane_bounds(figure: Figure) -> dict[str, tuple[float, float]]:
    """Each area lane's (bottom, top) in data units, from the rules along their tops."""
    axes = plot_axes(figure)
    bounds = {}
    number = 1
    while has(figure, f"lane-label-{number}"):
        name = text(figure, f"lane-label-{number}").get_text().replace("\n", " ")
        top = (
            floats(line(figure, f"lane-rule-{number}").get_ydata())[0]
            if has(figure, f"lane-rule-{number}")
            else axes.get_ylim()[1]
        )
        below = f"lane-rule-{number + 1}"
        bottom = floats(line(figure, below).get_ydata())[0] if has(figure, below) else 0.0
        bounds[name] = (bottom, top)
        number += 1
    return bounds


def footnotes(figure: Figure) -> str:
    return (
        text(figure, "footnotes").get_text().replace("\n", " ") if has(figure, "footnotes") else ""
    )


# ---------------------------------------------------------------- start-up


def test_importing_the_timeline_does_not_load_matplotlib() -> None:
    # matplotlib costs about 0.2 s at start-up; only building a chart may load it.
    code = (
        "import sys, datetime\n"
        "import qpmr_desktop.charts as charts\n"
        "import qpmr_desktop.charts.timeline_chart\n"
        "assert callable(charts.build_timeline_figure)\n"
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] == 'matplotlib')\n"
        "assert not loaded, loaded\n"
        "charts.build_timeline_figure(charts.TimelineData("
        "'P', ('A',), (), (), datetime.date(2017, 10, 1)))\n"
        "assert 'matplotlib.figure' in sys.modules\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    run_in_fresh_python(code)


def test_the_package_exports_the_timeline_lazily_beside_the_indicator_chart() -> None:
    assert charts.build_timeline_figure is build_timeline_figure
    assert charts.TimelineData is TimelineData
    assert charts.timeline_title is timeline_title
    # One pair of savers for every chart.
    assert charts.figure_to_svg is figure_to_svg is indicator_chart.figure_to_svg
    assert charts.build_indicator_figure is indicator_chart.build_indicator_figure


# ---------------------------------------------------------------- input data


def test_an_event_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        TimelineEvent("X", date(2017, 11, 4), date(2017, 11, 3), DAY, PlanEventKind.REVIEW)
    # At month precision only the months count: 20 Dec to 1 Dec is "December 2017".
    event = TimelineEvent("X", date(2017, 12, 20), date(2017, 12, 1), MONTH, PlanEventKind.OTHER)
    assert (event.first_day, event.last_day) == (date(2017, 12, 1), date(2017, 12, 31))
    assert event.dates_text == "December 2017"


def test_an_action_with_no_due_date_cannot_be_overdue() -> None:
    with pytest.raises(ValueError, match="no due date"):
        TimelineAction("1.1", "A", None, ActionRag.RED, overdue=True)


def test_actions_must_be_in_one_of_the_plans_areas() -> None:
    stray = TimelineAction("9.9", "Elsewhere", None, ActionRag.GREY, overdue=False)
    with pytest.raises(ValueError, match="'Elsewhere', which is not one of"):
        TimelineData(PLAN, AREAS, (), (stray,), IN_2017)
    with pytest.raises(ValueError, match="listed twice"):
        TimelineData(PLAN, ("A", "A"), (), (), IN_2017)
    with pytest.raises(ValueError, match="needs a name"):
        TimelineData(PLAN, (" ",), (), (), IN_2017)


def test_actions_with_no_area_get_a_last_lane() -> None:
    loose = TimelineAction("0.1", "", date(2017, 10, 5), ActionRag.GREEN, overdue=False)
    data = TimelineData(PLAN, AREAS, (), (loose,), IN_2017)
    assert data.lanes == (*AREAS, NO_AREA_LANE)
    assert demo().lanes == AREAS


def test_timeline_data_is_hashable_so_charts_can_be_cached_by_their_data() -> None:
    assert hash(demo()) == hash(demo())
    assert demo() == demo()
    assert demo() != demo(sample=True)


# ---------------------------------------------------------------- the active title


def test_title_of_the_demo_viewed_in_2026_counts_the_overdue() -> None:
    # Every unfinished action is long past due; no event is ahead.
    assert timeline_title(demo(IN_2026)) == f"{PLAN}: 10 of 14 actions overdue"


def test_title_when_nothing_is_overdue_says_so_and_names_the_next_due_and_event() -> None:
    assert timeline_title(demo(IN_2017)) == (
        f"{PLAN}: none of 14 actions overdue, next due 30 Nov 2017, "
        "next event LGA peer review, 16–19 Oct 2017"
    )


def test_title_names_an_event_under_way_before_a_vaguer_one() -> None:
    vague = TimelineEvent("Board sign-off", date(2017, 10, 1), None, MONTH, PlanEventKind.MILESTONE)
    data = demo(date(2017, 10, 17), events=(*DEMO_EVENTS, vague))
    assert timeline_title(data).endswith("current event LGA peer review, 16–19 Oct 2017")
    data = demo(date(2017, 9, 18))
    assert timeline_title(data).endswith("event today Social Work Academy intake, 18 Sep 2017")


def test_title_in_december_2017_counts_two_overdue_and_the_month_event() -> None:
    assert timeline_title(demo(date(2017, 12, 1))) == (
        f"{PLAN}: 2 of 14 actions overdue, current event Video at Full Council, December 2017"
    )


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        ((), "no actions yet"),
        ((("1", date(2017, 9, 1), ActionStatus.COMPLETE),), "its one action complete"),
        ((("1", date(2017, 11, 1), ActionStatus.ON_TRACK),),
         "no actions overdue, next due 1 Nov 2017"),
        (
            (("1", date(2017, 9, 1), ActionStatus.COMPLETE),
             ("2", None, ActionStatus.COMPLETE)),
            "all 2 actions complete",
        ),
        (
            (("1", None, ActionStatus.ON_TRACK), ("2", None, ActionStatus.NOT_STARTED)),
            "none of 2 actions overdue, no open action has a due date",
        ),
        ((("1", date(2017, 9, 1), ActionStatus.ON_TRACK),), "1 of 1 action overdue"),
    ],
)  # fmt: skip
def test_title_wording_for_each_state_of_the_actions(
    actions: Sequence[tuple[str, date | None, ActionStatus]], expected: str
) -> None:
    data = TimelineData(
        "Plan",
        ("A",),
        (),
        tuple(action(ref, "A", due, status, IN_2017) for ref, due, status in actions),
        IN_2017,
    )
    assert timeline_title(data) == f"Plan: {expected}"


def test_title_without_a_plan_name_starts_with_a_capital() -> None:
    assert timeline_title(TimelineData("", (), (), (), IN_2017)) == "No actions yet"


def test_subtitle_gives_what_when_and_as_at() -> None:
    assert timeline_subtitle(demo(IN_2026)) == (
        "Actions' due dates by priority area, and plan events · Sep 2017 to Mar 2018 "
        "· as at 1 Dec 2026"
    )


# ---------------------------------------------------------------- the figure's parts


def test_the_figure_is_plain_matplotlib_with_no_gui_canvas_and_no_legend() -> None:
    figure = build_timeline_figure(demo(), width_in=9.0, height_in=3.6)
    assert type(figure.canvas).__module__ == "matplotlib.backend_bases"
    assert tuple(figure.get_size_inches()) == (9.0, 3.6)
    assert plot_axes(figure).get_legend() is None
    assert text(figure, "title").get_text().replace("\n", " ") == timeline_title(demo())
    assert text(figure, "title").get_fontfamily() == [style.FONT_FAMILY]


def test_one_lane_per_area_in_order_under_the_events() -> None:
    figure = build_timeline_figure(demo())
    labels = [text(figure, f"lane-label-{i}") for i in range(1, len(AREAS) + 1)]
    assert [label.get_text() for label in labels] == list(AREAS)
    heights = [label.get_position()[1] for label in labels]
    assert heights == sorted(heights, reverse=True)  # top to bottom in the given order
    events = text(figure, "lane-label-events")
    assert events.get_text() == EVENTS_LANE
    assert events.get_position()[1] > heights[0]
    assert not has(figure, f"lane-label-{len(AREAS) + 1}")


def test_markers_are_shaped_and_filled_by_brag() -> None:
    figure = build_timeline_figure(demo(IN_2017))
    expected = {"blue": ("s", 4), "green": ("o", 5), "amber": ("D", 3), "red": ("^", 1),
                "grey": ("o", 1)}  # fmt: skip
    for rag, (marker, count) in expected.items():
        markers = line(figure, f"actions-{rag}")
        assert markers.get_marker() == marker
        assert len(floats(markers.get_xdata())) == count
        assert markers.get_linestyle() == "None"
        assert markers.get_markerfacecolor() == style.BRAG_MARKERS[ActionRag(rag)].face
    assert line(figure, "actions-grey").get_markerfacecolor() == style.BACKGROUND  # hollow
    assert not any(has(figure, f"actions-{rag.value}-overdue") for rag in ActionRag)


def test_overdue_actions_are_red_triangles_with_a_heavy_edge_and_bold_refs() -> None:
    data = demo(IN_2026)
    figure = build_timeline_figure(data)
    overdue = line(figure, "actions-red-overdue")
    assert overdue.get_marker() == "^"
    assert len(floats(overdue.get_xdata())) == 10
    assert overdue.get_markeredgewidth() > style.BRAG_MARKERS[ActionRag.RED].edge_width
    assert overdue.get_markersize() > style.BRAG_MARKERS[ActionRag.RED].size
    assert len(floats(line(figure, "actions-blue").get_xdata())) == 4
    for index, item in enumerate(data.actions):
        label = text(figure, f"action-label-{index}")
        assert label.get_text() == item.ref
        assert (label.get_fontweight() == "bold") is item.overdue


def test_an_overridden_overdue_action_keeps_its_shape_and_the_heavy_edge() -> None:
    # An officer's override (Amber, with a reason) is the rating shown; overdue still shows.
    overridden = TimelineAction("1.2", AREAS[0], date(2017, 9, 1), ActionRag.AMBER, overdue=True)
    figure = build_timeline_figure(demo(actions=(overridden,)))
    markers = line(figure, "actions-amber-overdue")
    assert markers.get_marker() == "D"
    assert markers.get_markeredgewidth() == style.OVERDUE_MARKER.edge_width


def test_each_marker_sits_at_its_due_date_in_its_areas_lane() -> None:
    data = demo(IN_2017)
    figure = build_timeline_figure(data)
    lanes = lane_bounds(figure)
    placed: list[tuple[float, float]] = []
    for rag in ("blue", "green", "amber", "red", "grey"):
        markers = line(figure, f"actions-{rag}")
        placed += zip(floats(markers.get_xdata()), floats(markers.get_ydata()), strict=True)
    assert len(placed) == len(data.actions)
    for item in data.actions:
        assert item.due is not None
        low, high = lanes[item.area]
        assert any(x == x_of(item.due) and low < y < high for x, y in placed), item.ref


def test_refs_are_direct_labels_beside_their_markers() -> None:
    data = demo(IN_2017)
    figure = build_timeline_figure(data)
    axes = plot_axes(figure)
    for index, item in enumerate(data.actions):
        label = text(figure, f"action-label-{index}")
        assert label.get_text() == item.ref
        assert label.axes is axes
        assert item.due is not None
        assert label.get_position()[0] == pytest.approx(x_of(item.due), abs=10)


def test_labels_and_markers_never_overlap_even_on_one_day() -> None:
    # Six actions due the same day in one lane stack in rows rather than pile up.
    same_day = tuple(
        TimelineAction(f"1.{n}", AREAS[0], date(2017, 11, 30), rag, overdue=False)
        for n, rag in enumerate([ActionRag.GREEN, ActionRag.AMBER, ActionRag.BLUE] * 2, start=1)
    )
    data = demo(actions=same_day + demo_actions(IN_2017)[3:])
    figure = build_timeline_figure(data, height_in=4.5)
    figure.draw_without_rendering()
    gids = [f"action-label-{i}" for i in range(len(data.actions))]
    gids += [f"event-label-{i}" for i in range(len(DEMO_EVENTS))]
    boxes = [text(figure, gid).get_window_extent() for gid in gids]
    for first, second in itertools.combinations(boxes, 2):
        assert not first.overlaps(second)
    greens = line(figure, "actions-green")
    first_lane = [
        y
        for x, y in zip(floats(greens.get_xdata()), floats(greens.get_ydata()), strict=True)
        if x == x_of(date(2017, 11, 30))
    ]
    assert len(set(first_lane)) == 2  # the two greens on separate rows


def test_the_today_line_is_at_today_and_labelled() -> None:
    figure = build_timeline_figure(demo(IN_2017))
    today = line(figure, "today-line")
    assert floats(today.get_xdata()) == [x_of(IN_2017)] * 2
    low, high = plot_axes(figure).get_ylim()
    assert floats(today.get_ydata()) == [low, high]
    assert text(figure, "today-label").get_text() == "Today, 1 Oct 2017"
    assert not has(figure, "today-note")


def test_today_beyond_the_plan_is_a_note_at_the_edge_not_a_stretched_axis() -> None:
    then = build_timeline_figure(demo(IN_2017))
    now = build_timeline_figure(demo(IN_2026))
    assert not has(now, "today-line")
    assert text(now, "today-note").get_text() == "Today: 1 Dec 2026 →"
    assert text(now, "today-note").get_horizontalalignment() == "right"
    assert plot_axes(now).get_xlim() == plot_axes(then).get_xlim()
    assert plot_axes(now).get_xlim() == (
        float(date(2017, 9, 1).toordinal()),
        float(date(2018, 4, 1).toordinal()),
    )
    before = build_timeline_figure(demo(date(2017, 1, 9)))
    assert text(before, "today-note").get_text() == "← Today: 9 Jan 2017"
    assert text(before, "today-note").get_horizontalalignment() == "left"


def test_events_are_ticks_bars_and_month_bars_with_their_dates_in_words() -> None:
    figure = build_timeline_figure(demo())
    academy = line(figure, "event-0")
    assert floats(academy.get_xdata()) == [x_of(date(2017, 9, 18))] * 2
    review = by_gid(figure, "event-2")  # LGA peer review, 16–19 Oct: four whole days
    assert isinstance(review, Rectangle)
    assert review.get_x() == pytest.approx(date(2017, 10, 16).toordinal())
    assert review.get_x() + review.get_width() == pytest.approx(date(2017, 10, 20).toordinal())
    video = by_gid(figure, "event-4")  # December 2017, month precision: the whole month
    assert isinstance(video, Rectangle)
    assert video.get_x() == pytest.approx(date(2017, 12, 1).toordinal())
    assert video.get_width() == pytest.approx(31)
    # Told apart from a dated range without colour: pale fill, dark outline.
    assert style.greyscale_level(mpl.colors.to_hex(video.get_facecolor())) > 180
    assert style.greyscale_level(mpl.colors.to_hex(review.get_facecolor())) < 100
    labels = [text(figure, f"event-label-{i}").get_text().replace("\n", " ") for i in range(5)]
    assert labels == [
        "Social Work Academy intake, 18 Sep 2017",
        "Health Scrutiny Steering Group, 27 Sep 2017",
        "LGA peer review, 16–19 Oct 2017",
        "DfE six-month review, 3–4 Nov 2017",
        "Video at Full Council, December 2017",
    ]


def test_event_labels_never_split_a_date_across_lines() -> None:
    long = TimelineEvent("A long event title " * 4, date(2017, 11, 3), date(2017, 11, 4), DAY,
                         PlanEventKind.REVIEW)  # fmt: skip
    figure = build_timeline_figure(demo(events=(long,)))
    assert text(figure, "event-label-0").get_text().splitlines()[-1].endswith("3–4 Nov 2017")


def test_months_are_named_along_the_bottom_with_the_year_where_it_changes() -> None:
    figure = build_timeline_figure(demo())
    axes = plot_axes(figure)
    names = [label.get_text() for label in axes.xaxis.get_minorticklabels()]
    assert names == ["Sep 2017", "Oct", "Nov", "Dec", "Jan 2018", "Feb", "Mar"]
    boundaries = floats(axes.xaxis.get_majorticklocs())
    assert boundaries[0] == date(2017, 9, 1).toordinal()
    assert boundaries[-1] == date(2018, 4, 1).toordinal()


def test_months_thin_to_years_over_a_decade() -> None:
    spread = tuple(
        TimelineAction(str(n), "A", date(2010 + n, 6, 1), ActionRag.GREEN, overdue=False)
        for n in range(12)
    )
    figure = build_timeline_figure(TimelineData("P", ("A",), (), spread, IN_2017))
    names = [label.get_text() for label in plot_axes(figure).xaxis.get_minorticklabels()]
    assert names[0] == "2010"
    assert all(name.isdigit() for name in names)


@pytest.mark.parametrize("case", ["many actions", "date picker extremes", "one day"])
def test_month_and_year_names_never_overlap(case: str) -> None:
    figure = build_timeline_figure(EDGE_CASES[case])
    figure.draw_without_rendering()
    labels = [t for t in plot_axes(figure).xaxis.get_minorticklabels() if t.get_text()]
    assert labels
    boxes = [label.get_window_extent() for label in labels]
    for first, second in itertools.pairwise(boxes):
        assert first.x1 < second.x0


def test_the_key_shows_each_shape_charted_with_its_word() -> None:
    figure = build_timeline_figure(demo(IN_2026))
    assert text(figure, "key-label-blue").get_text() == "Complete"
    assert text(figure, "key-label-overdue").get_text() == "Overdue"
    assert line(figure, "key-marker-overdue").get_marker() == "^"
    assert not has(figure, "key-label-green")  # nothing on track any more
    figure = build_timeline_figure(demo(IN_2017))
    words = [text(figure, f"key-label-{rag.value}").get_text() for rag in ActionRag]
    assert words == ["Complete", "On track", "At risk", "Off track", "Not started"]


def test_undated_actions_are_listed_in_a_footnote() -> None:
    undated = (
        action("6.1", AREAS[4], None, ActionStatus.ON_TRACK, IN_2017),
        action("6.2", AREAS[4], None, ActionStatus.NOT_STARTED, IN_2017),
    )
    figure = build_timeline_figure(demo(actions=demo_actions(IN_2017) + undated))
    assert "2 actions have no due date: 6.1, 6.2." in footnotes(figure)
    one = build_timeline_figure(demo(actions=undated[:1]))
    assert "1 action has no due date: 6.1." in footnotes(one)


def test_no_events_drops_the_events_lane_and_says_so() -> None:
    figure = build_timeline_figure(demo(events=()))
    assert not has(figure, "lane-label-events")
    assert "No plan events to show." in footnotes(figure)
    assert not has(figure, "event-0")


def test_a_crowded_lane_labels_only_the_urgent_and_says_so() -> None:
    start = date(2017, 9, 1)
    crowd = tuple(
        TimelineAction(f"1.{n}", AREAS[0], start + timedelta(days=n), rag, overdue=False)
        for n, rag in enumerate([ActionRag.GREEN] * 40 + [ActionRag.AMBER, ActionRag.RED])
    )
    data = demo(actions=crowd + demo_actions(IN_2017)[3:])
    figure = build_timeline_figure(data)
    assert footnotes(figure) == (
        "MASH/Early Help has too many actions to label every one: only overdue, off-track "
        "and at-risk actions are labelled there."
    )
    labelled = {t.get_text() for t in plot_axes(figure).texts
                if (t.get_gid() or "").startswith("action-label-")}  # fmt: skip
    assert {"1.40", "1.41"} <= labelled
    assert not labelled & {f"1.{n}" for n in range(40)}
    assert "2.3" in labelled  # other lanes keep every label
    # Every action is still on the chart.
    total = sum(
        len(floats(line(figure, f"actions-{rag.value}").get_xdata()))
        for rag in ActionRag
        if has(figure, f"actions-{rag.value}")
    )
    assert total == len(data.actions)


def test_too_many_events_keep_every_mark_and_count_the_labels_left_off() -> None:
    figure = build_timeline_figure(demo(events=many_events(40)))
    marks = [by_gid(figure, f"event-{i}") for i in range(40)]
    labels = [a for a in artists_with_prefix(figure, "event-label-") if isinstance(a, Text)]
    assert 0 < len(labels) < 40
    assert f"{40 - len(labels)} event labels left off for space (40 events in all)." in (
        footnotes(figure)
    )
    figure.draw_without_rendering()
    label_boxes = [label.get_window_extent() for label in labels]
    for mark in marks:  # no label (on its white ground) hides a mark
        box = mark.get_window_extent()
        assert not any(box.overlaps(label) for label in label_boxes)


def test_long_area_names_wrap_left_of_the_plot() -> None:
    long_name = "Children and young people's emotional wellbeing and mental health services"
    only = action("1", long_name, date(2017, 10, 9), ActionStatus.ON_TRACK, IN_2017)
    data = TimelineData(PLAN, (long_name, "B"), DEMO_EVENTS, (only,), IN_2017)
    figure = build_timeline_figure(data)
    label = text(figure, "lane-label-1")
    assert "\n" in label.get_text()
    assert label.get_text().replace("\n", " ") == long_name
    figure.draw_without_rendering()
    box = label.get_window_extent()
    assert box.x0 >= 0
    assert box.x1 < plot_axes(figure).get_window_extent().x0


def test_sample_data_is_stamped_only_when_sample() -> None:
    assert text(build_timeline_figure(demo(sample=True)), "sample-stamp").get_text() == (
        "Sample data"
    )
    assert not has(build_timeline_figure(demo()), "sample-stamp")


def test_text_stays_inside_the_figure() -> None:
    for today in (IN_2017, IN_2026, date(2017, 9, 2), date(2018, 3, 30)):
        figure = build_timeline_figure(demo(today, sample=True))
        figure.draw_without_rendering()
        bounds = figure.bbox
        for artist in figure.findobj(Text):
            if not artist.get_text() or not artist.get_visible():
                continue
            box = artist.get_window_extent()
            assert box.x0 >= bounds.x0 - 0.5, artist.get_text()
            assert box.x1 <= bounds.x1 + 0.5, artist.get_text()
            assert box.y0 >= bounds.y0 - 0.5, artist.get_text()
            assert box.y1 <= bounds.y1 + 0.5, artist.get_text()


# ---------------------------------------------------------------- edge cases


def many_actions(count: int) -> tuple[TimelineAction, ...]:
    rags = list(ActionRag)
    return tuple(
        TimelineAction(
            f"{n % 5 + 1}.{n}",
            AREAS[n % 5],
            date(2017, 9, 1) + timedelta(days=n % 200),
            rags[n % 5],
            overdue=rags[n % 5] is ActionRag.RED and n % 2 == 0,
        )
        for n in range(count)
    )


def many_events(count: int) -> tuple[TimelineEvent, ...]:
    return tuple(
        TimelineEvent(
            f"Event number {n} with a fairly long name",
            date(2017, 9, 1) + timedelta(days=5 * n),
            date(2017, 9, 1) + timedelta(days=5 * n + n % 3),
            MONTH if n % 7 == 0 else DAY,
            PlanEventKind.OTHER,
        )
        for n in range(count)
    )


ONE_DAY = date(2017, 10, 9)
EDGE_CASES = {
    "nothing at all": TimelineData("", (), (), (), IN_2017),
    "no actions": demo(actions=()),
    "no events": demo(events=()),
    "areas only": TimelineData(PLAN, AREAS, (), (), IN_2017),
    "events only": TimelineData(PLAN, (), DEMO_EVENTS, (), IN_2017),
    "undated only": TimelineData(
        PLAN, ("A",), (), (TimelineAction("1", "A", None, ActionRag.GREY, overdue=False),),
        IN_2017,
    ),
    "one day": TimelineData(
        PLAN, ("A",),
        (TimelineEvent("Same day", ONE_DAY, None, DAY, PlanEventKind.MEETING),),
        (TimelineAction("1", "A", ONE_DAY, ActionRag.RED, overdue=False),), ONE_DAY,
    ),
    "no area": TimelineData(
        PLAN, (), (), (TimelineAction("1", "", ONE_DAY, ActionRag.GREEN, overdue=False),),
        IN_2017,
    ),
    "many actions": demo(actions=many_actions(300)),
    "many events": demo(events=many_events(40)),
    "many areas": TimelineData(
        PLAN, tuple(f"Area {n}" for n in range(15)), DEMO_EVENTS,
        tuple(TimelineAction(f"{n}.1", f"Area {n}", ONE_DAY, ActionRag.GREEN, overdue=False)
              for n in range(15)),
        IN_2017,
    ),
    "date picker extremes": TimelineData(
        PLAN, ("A",),
        (TimelineEvent("Far off", date.max, None, MONTH, PlanEventKind.OTHER),),
        (TimelineAction("1", "A", date.min, ActionRag.GREEN, overdue=False),
         TimelineAction("2", "A", date.max, ActionRag.GREEN, overdue=False)), IN_2017,
    ),
    "unicode": demo(plan_name="Łódź – Ωmega ≥ Жук £ é $x$",
                    events=(TimelineEvent("Réunion ≥ Ωmega & <b>", ONE_DAY, None, DAY,
                                          PlanEventKind.OTHER),)),
    "one enormous word": demo(title="https://example.org/" + "x" * 300,
                              events=(TimelineEvent("y" * 300, ONE_DAY, None, DAY,
                                                    PlanEventKind.OTHER),)),
}  # fmt: skip


@pytest.mark.parametrize("data", [pytest.param(d, id=name) for name, d in EDGE_CASES.items()])
def test_edge_cases_draw_and_save(data: TimelineData) -> None:
    figure = build_timeline_figure(data)
    svg = figure_to_svg(figure)
    root = ET.fromstring(svg)
    assert len([g for g in root.iter(f"{SVG}g") if g.get("id") == "title"]) == 1
    assert figure_to_png(figure, dpi=50).startswith(b"\x89PNG")


def test_nothing_at_all_draws_a_message_and_no_plot() -> None:
    figure = build_timeline_figure(EDGE_CASES["nothing at all"])
    assert figure.axes == []
    assert text(figure, "title").get_text() == "No actions yet"
    assert has(figure, "message")


def test_undated_actions_only_show_the_lanes_around_today_with_a_message() -> None:
    figure = build_timeline_figure(EDGE_CASES["undated only"])
    assert plot_axes(figure).get_xlim() == (
        float(date(2017, 10, 1).toordinal()),
        float(date(2017, 11, 1).toordinal()),
    )
    assert has(figure, "today-line")
    assert text(figure, "message").get_text() == "No due dates or events to show yet."


@pytest.mark.parametrize(("width", "height"), [(3.0, 2.0), (0.5, 0.3), (20.0, 0.5), (0.5, 10.0)])
def test_odd_sizes_still_draw(width: float, height: float) -> None:
    # The Qt canvas builds at whatever size the widget has, however small.
    for data in (demo(sample=True), EDGE_CASES["many actions"], EDGE_CASES["many events"]):
        figure = build_timeline_figure(data, width_in=width, height_in=height)
        assert figure_to_png(figure, dpi=72).startswith(b"\x89PNG")


def test_a_non_positive_size_is_refused() -> None:
    with pytest.raises(ValueError, match="positive size"):
        build_timeline_figure(demo(), height_in=0.0)


# ---------------------------------------------------------------- greyscale


def test_brag_markers_differ_by_shape_or_fill_and_their_fills_apart_in_grey() -> None:
    specs = [style.BRAG_MARKERS[rag] for rag in ActionRag]
    # Shape and fill together tell every rating apart (● and ○ share a shape).
    assert len({(spec.marker, spec.face) for spec in specs}) == len(specs)
    levels = sorted(style.greyscale_level(spec.face) for spec in specs)
    assert all(b - a >= 25 for a, b in itertools.pairwise(levels))
    # Green, amber and red are the indicator chart's own RAG fills.
    assert style.BRAG_MARKERS[ActionRag.GREEN].face == style.RAG_GREEN
    assert style.BRAG_MARKERS[ActionRag.RED].face == style.RAG_RED
    assert style.OVERDUE_MARKER.edge_width > 2 * style.BRAG_MARKERS[ActionRag.RED].edge_width


# ---------------------------------------------------------------- output


def test_svg_keeps_text_as_text_and_draws_nothing_as_an_image() -> None:
    data = demo(IN_2026)
    svg = figure_to_svg(build_timeline_figure(data))
    assert " ".join(svg_texts(svg, "title")) == timeline_title(data)
    assert svg_texts(svg, "action-label-5") == ["2.3"]
    assert svg_texts(svg, "today-note") == ["Today: 1 Dec 2026 →"]
    assert svg_texts(svg, "lane-label-1") == ["MASH/Early Help"]
    assert b"font-family: 'DejaVu Sans'" in svg
    assert b"<image" not in svg


def test_svg_is_the_same_bytes_for_the_same_data() -> None:
    assert figure_to_svg(build_timeline_figure(demo())) == figure_to_svg(
        build_timeline_figure(demo())
    )


def test_building_and_saving_change_no_rcparams() -> None:
    before = dict(mpl.rcParams)
    figure = build_timeline_figure(demo(sample=True))
    figure_to_svg(figure)
    figure_to_png(figure)
    assert dict(mpl.rcParams) == before


def test_the_chart_ignores_whatever_rcparams_the_process_has() -> None:
    data = demo(sample=True)
    expected = figure_to_svg(build_timeline_figure(data))
    hostile: dict[RcKeyType, object] = {
        **HOSTILE_RC, "xtick.minor.size": 10, "xtick.minor.visible": True,
        "ytick.left": True, "patch.linewidth": 4, "patch.force_edgecolor": True,
        "hatch.color": "red",
    }  # fmt: skip
    with mpl.rc_context(hostile):
        assert figure_to_svg(build_timeline_figure(data)) == expected
