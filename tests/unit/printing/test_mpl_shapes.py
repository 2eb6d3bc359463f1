"""matplotlib figures drawn straight into ReportLab shapes: lines, dashes, markers, text, clips."""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import LoadFlags
from matplotlib.text import Text
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Group, Path, String
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from qpmr_desktop.charts import style
from qpmr_desktop.charts.indicator_chart import (
    GID_TITLE,
    ChartPoint,
    ComparatorSeries,
    IndicatorChartData,
    build_indicator_figure,
)
from qpmr_desktop.charts.timeline_chart import TimelineAction, TimelineData, build_timeline_figure
from qpmr_desktop.domain.actions import ActionRag
from qpmr_desktop.domain.performance import Polarity, Rag, Unit
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.printing.fonts import FontFamily, register_fonts
from qpmr_desktop.printing.mpl_shapes import (
    ShapesRenderer,
    UnsupportedArtistError,
    figure_drawing,
)

WIDTH_IN, HEIGHT_IN = 6.0, 3.2
RAGS = (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREEN, Rag.DATA_ONLY, Rag.RED, Rag.AMBER, Rag.GREEN)
VALUES = (48.0, 50.5, None, 52.0, 47.5, 49.0, 51.0, 53.5)
TARGETS = (50.0, 50.0, 50.0, 50.0, 52.0, 52.0, 52.0, 52.0)


@pytest.fixture(scope="module")
def fonts() -> FontFamily:
    return register_fonts()


def _data() -> IndicatorChartData:
    quarter = Quarter.parse("Q2 2015/16")
    quarters = []
    for _ in VALUES:
        quarters.append(quarter)
        quarter = quarter.next()
    return IndicatorChartData(
        ref="T-1",
        name="Care leavers in work “≥ 18” £ é ł",
        unit=Unit.PERCENTAGE,
        decimals=1,
        polarity=Polarity.HIGHER_IS_BETTER,
        points=tuple(
            ChartPoint(period=q, value=v, target=t, rag=r)
            for q, v, t, r in zip(quarters, VALUES, TARGETS, RAGS, strict=True)
        ),
        comparators=(
            ComparatorSeries("England", (45.0, 46.0, 46.5, 47.0, 47.0, 48.0, 48.5, 49.0)),
        ),
        sample=True,
    )


def _walk(node: Any) -> Iterator[Any]:
    for child in getattr(node, "contents", ()):
        yield child
        if isinstance(child, Group):
            yield from _walk(child)


def _title(figure: Figure) -> str:
    title = next(
        t for t in figure.findobj(Text) if isinstance(t, Text) and t.get_gid() == GID_TITLE
    )
    assert isinstance(title, Text)
    return title.get_text()


def _hex(colour: Any) -> str | None:
    return None if colour is None else "#" + colour.hexval()[2:].upper()


def _drawn(paths: list[Any], colour: str) -> list[Any]:
    return [p for p in paths if _hex(p.strokeColor) == colour.upper() and not p.isClipPath]


@pytest.fixture(scope="module")
def chart(fonts: FontFamily) -> tuple[Figure, Any]:
    figure = build_indicator_figure(_data(), width_in=WIDTH_IN, height_in=HEIGHT_IN)
    return figure, figure_drawing(figure, fonts)


def test_the_drawing_is_the_figure_size_in_points_and_the_figure_keeps_its_dpi(
    chart: tuple[Figure, Any],
) -> None:
    figure, drawing = chart
    assert (drawing.width, drawing.height) == pytest.approx((WIDTH_IN * 72, HEIGHT_IN * 72))
    assert figure.dpi == 100


def test_the_value_line_is_solid_dark_blue_broken_at_the_missing_quarter(
    chart: tuple[Figure, Any],
) -> None:
    _, drawing = chart
    paths = [node for node in _walk(drawing) if isinstance(node, Path)]
    (value,) = [
        p for p in _drawn(paths, style.DARK_BLUE) if p.strokeWidth == style.VALUE_LINE.width
    ]
    assert value.strokeDashArray is None
    assert value.fillColor is None
    # Eight quarters, one missing: two pieces (moves), five more points on them.
    assert value.operators.count(0) == 2
    assert value.operators.count(1) == len([v for v in VALUES if v is not None]) - 2
    # Clipped to the plot, as matplotlib clips lines to their axes.
    holder = next(g for g in _walk(drawing) if isinstance(g, Group) and value in g.contents)
    assert holder.contents[0].isClipPath


def test_the_target_is_a_dashed_dark_pink_step(chart: tuple[Figure, Any]) -> None:
    _, drawing = chart
    paths = [node for node in _walk(drawing) if isinstance(node, Path)]
    width = style.TARGET_LINE.width
    # (The "Sample data" box is outlined in the same pink, thinner.)
    (target,) = [p for p in _drawn(paths, style.DARK_PINK) if p.strokeWidth == width]
    assert target.strokeWidth == pytest.approx(width)
    phase, lengths = target.strokeDashArray
    assert phase == 0
    assert style.TARGET_LINE.dashes is not None
    assert lengths == pytest.approx([d * width for d in style.TARGET_LINE.dashes])
    # A flat segment per quarter: two heights, the step at the year's change.
    heights = {round(y, 3) for y in target.points[1::2]}
    assert len(heights) == 2
    # The England comparator is dotted grey.
    (england,) = [p for p in _drawn(paths, style.ENGLAND_LINE.colour) if p.strokeDashArray]
    assert england.strokeWidth == pytest.approx(style.ENGLAND_LINE.width)


def test_rag_markers_are_filled_shapes_one_per_quarter_with_a_value(
    chart: tuple[Figure, Any],
) -> None:
    _, drawing = chart
    paths = [node for node in _walk(drawing) if isinstance(node, Path)]
    fills = [_hex(p.fillColor) for p in paths]
    for rag, fill in ((Rag.GREEN, style.RAG_GREEN), (Rag.AMBER, style.RAG_AMBER)):
        expected = sum(1 for r, v in zip(RAGS, VALUES, strict=True) if r is rag and v is not None)
        assert fills.count(fill.upper()) == expected, rag
    # The red triangles: three corners, closed, outlined in near-black.
    reds = [p for p in paths if _hex(p.fillColor) == style.RAG_RED.upper()]
    assert len(reds) == sum(1 for r, v in zip(RAGS, VALUES, strict=True) if r is Rag.RED and v)
    for triangle in reds:
        assert triangle.operators == [0, 1, 1, 3]
        assert _hex(triangle.strokeColor) == style.TEXT.upper()
    # Amber diamonds have four corners; green discs are curves.
    ambers = [p for p in paths if _hex(p.fillColor) == style.RAG_AMBER.upper()]
    assert all(p.operators.count(1) == 3 for p in ambers)
    greens = [p for p in paths if _hex(p.fillColor) == style.RAG_GREEN.upper()]
    assert all(2 in p.operators for p in greens)


def test_every_text_is_a_string_in_the_embedded_family(
    chart: tuple[Figure, Any], fonts: FontFamily
) -> None:
    figure, drawing = chart
    strings = [node for node in _walk(drawing) if isinstance(node, String)]
    drawn = [s.text for s in strings]
    title = _title(figure).split("\n")
    for line in [*title, "Target", "This council", "England", "Sample data", "Percentage"]:
        assert line in drawn, line
    for label in ("Q1", "16/17", "50%"):
        assert any(label in text for text in drawn), label
    # Tick labels that matplotlib draws are all there.
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text()]
    assert ticks
    assert set(ticks) <= set(drawn)
    assert {s.fontName for s in strings} <= set(fonts.names)
    assert next(s for s in strings if s.text == title[0]).fontName == fonts.bold
    assert next(s for s in strings if s.text == "Target").fontName == fonts.regular


def test_right_aligned_tick_labels_end_on_one_line(chart: tuple[Figure, Any]) -> None:
    figure, drawing = chart
    ticks = {t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text()}
    ends = [
        s.x + stringWidth(s.text, s.fontName, s.fontSize)
        for s in _walk(drawing)
        if isinstance(s, String) and s.text in ticks
    ]
    assert len(ends) == len(ticks)
    assert max(ends) - min(ends) < 0.01


def test_text_is_measured_as_freetype_inks_it_and_as_reportlab_sets_it(
    fonts: FontFamily,
) -> None:
    renderer = ShapesRenderer(100.0, 100.0, fonts)
    prop = style.font(9.0)
    path = font_manager.findfont(prop)
    for text in ("lp", "Q1 2017/18", "≥ 95%", "—", "Łódź £1,250", "   "):
        width, height, descent = renderer.get_text_width_height_descent(text, prop, False)
        font = font_manager.get_font(path)
        font.set_size(9.0, 72)
        font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
        assert width == pytest.approx(stringWidth(text, fonts.regular, 9.0))
        assert height == pytest.approx(font.get_width_height()[1] / 64, abs=0.05), text
        assert descent == pytest.approx(font.get_descent() / 64, abs=0.05), text
    bold = style.font(9.0, bold=True)
    assert renderer.get_text_width_height_descent("Target", bold, False)[0] == pytest.approx(
        stringWidth("Target", fonts.bold, 9.0)
    )


def test_every_shape_passes_reportlab_checks_and_the_drawing_pickles(
    chart: tuple[Figure, Any], fonts: FontFamily
) -> None:
    _, drawing = chart
    timeline = figure_drawing(
        build_timeline_figure(
            TimelineData(
                plan_name="Plan <&> “ł”",
                areas=("Prevention",),
                events=(),
                actions=(
                    TimelineAction("1.1", "Prevention", date(2017, 10, 1), ActionRag.BLUE, False),
                    TimelineAction("1.2", "Prevention", date(2017, 9, 1), ActionRag.RED, True),
                ),
                today=date(2017, 11, 15),
            ),
            width_in=9.0,
            height_in=3.0,
        ),
        fonts,
    )
    for each in (drawing, timeline):
        nodes = list(_walk(each))
        assert nodes
        for node in nodes:
            # The shapes were built without ReportLab's per-attribute checks:
            # every value set must pass them. (verify() would also want
            # attributes ReportLab itself leaves unset.)
            for name, value in vars(node).items():
                if not name.startswith("_") and name != "contents":
                    assert node._attrMap[name].validate(value), (type(node), name, value)
        again = pickle.loads(pickle.dumps(each))
        assert len(list(_walk(again))) == len(nodes)
    refs = {s.text for s in _walk(timeline) if isinstance(s, String)}
    assert {"1.1", "1.2"} <= refs


def test_the_pdf_has_every_line_of_chart_text_and_no_image(
    chart: tuple[Figure, Any], fonts: FontFamily
) -> None:
    figure, drawing = chart
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=fonts.regular)
    renderPDF.draw(drawing, canvas, 40, 400)
    canvas.save()
    page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    text = " ".join(page.extract_text().split())
    title = " ".join(_title(figure).split())
    assert title in text
    assert "≥" in text
    # Lines of text come out in matplotlib's drawing order (the plot, then
    # the header), as they did through SVG; each line is whole.
    for line in ("Target", "This council", "England", "Percentage", "Sample data"):
        assert line in text
    resources: Any = page["/Resources"]
    assert "/XObject" not in resources
    fonts_used = {str(font["/BaseFont"]) for font in resources["/Font"].values()}
    assert all("DejaVuSans" in font for font in fonts_used), fonts_used


def test_a_raster_image_or_hatch_is_refused_not_dropped(fonts: FontFamily) -> None:
    figure = Figure(figsize=(2, 2))
    figure.add_axes((0.1, 0.1, 0.8, 0.8)).imshow([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(UnsupportedArtistError, match="raster"):
        figure_drawing(figure, fonts)
    hatched = Figure(figsize=(2, 2))
    hatched.add_axes((0.1, 0.1, 0.8, 0.8)).bar([0], [1], hatch="//")
    with pytest.raises(UnsupportedArtistError, match="hatch"):
        figure_drawing(hatched, fonts)


def test_rotated_and_transparent_text_and_fills(fonts: FontFamily) -> None:
    figure = Figure(figsize=(2, 2))
    axes = figure.add_axes((0.1, 0.1, 0.8, 0.8))
    axes.set_axis_off()
    axes.text(0.5, 0.5, "Vertical ≥", rotation=90, alpha=0.5, fontfamily=style.FONT_FAMILY)
    axes.fill([0, 1, 1], [0, 0, 1], facecolor=(1.0, 0.0, 0.0, 0.25), edgecolor="none")
    drawing = figure_drawing(figure, fonts)
    (group,) = [
        g
        for g in _walk(drawing)
        if isinstance(g, Group) and any(isinstance(c, String) for c in g.contents)
    ]
    a, b, c, d, _, _ = group.transform
    assert (a, b, c, d) == pytest.approx((0.0, 1.0, -1.0, 0.0))
    (string,) = group.contents
    assert string.text == "Vertical ≥"
    assert string.fillOpacity == pytest.approx(0.5)
    (fill,) = [p for p in _walk(drawing) if isinstance(p, Path) and _hex(p.fillColor) == "#FF0000"]
    assert fill.fillOpacity == pytest.approx(0.25)
    assert fill.strokeColor is None


def test_a_clip_path_other_than_a_rectangle_is_kept(fonts: FontFamily) -> None:
    from matplotlib.patches import Circle

    figure = Figure(figsize=(2, 2))
    axes = figure.add_axes((0.1, 0.1, 0.8, 0.8))
    (line,) = axes.plot([0, 1], [0, 1], color="#123456")
    line.set_clip_path(Circle((0.5, 0.5), 0.25, transform=axes.transData))
    drawing = figure_drawing(figure, fonts)
    holder = next(
        g
        for g in _walk(drawing)
        if isinstance(g, Group) and any(_hex(c.strokeColor) == "#123456" for c in g.contents)
    )
    clips = [c for c in holder.contents if isinstance(c, Path) and c.isClipPath]
    assert len(clips) == 2  # the axes' rectangle and the circle
    assert any(2 in clip.operators for clip in clips)  # the circle's curves
