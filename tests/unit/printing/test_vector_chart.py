"""Charts in print: cached by their data, made in workers, drawn as vectors."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from qpmr_desktop.charts.indicator_chart import ChartPoint, IndicatorChartData
from qpmr_desktop.domain.performance import Polarity, Rag, Unit
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.printing.fonts import register_fonts
from qpmr_desktop.printing.vector_chart import (
    ChartCache,
    ChartConversionError,
    ChartJob,
    VectorChart,
    produce_drawing,
    register_chart_fonts,
)


def _data(last: float = 52.0) -> IndicatorChartData:
    first = Quarter.parse("Q2 2016/17")
    periods = [first, first.next(), first.next().next(), first.next().next().next()]
    values = [48.0, 50.5, 49.0, last]
    return IndicatorChartData(
        ref="T-1",
        name="Care leavers in work “≥ 18” £ é ł",
        unit=Unit.PERCENTAGE,
        decimals=1,
        polarity=Polarity.HIGHER_IS_BETTER,
        points=tuple(
            ChartPoint(period=p, value=v, target=50.0, rag=Rag.GREEN)
            for p, v in zip(periods, values, strict=True)
        ),
    )


def test_the_same_data_hits_the_cache_and_changed_data_misses() -> None:
    cache = ChartCache(size=8)
    job = ChartJob("indicator", _data(), 4.0, 2.4)
    first = cache.drawing(job)
    assert (cache.stats.hits, cache.stats.misses) == (0, 1)
    # An equal job built from equal (not identical) data is the same key.
    again = ChartJob("indicator", dataclasses.replace(_data()), 4.0, 2.4)
    assert again.key == job.key
    assert cache.drawing(again) is first
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)
    changed = ChartJob("indicator", _data(last=53.0), 4.0, 2.4)
    resized = ChartJob("indicator", _data(), 4.5, 2.4)
    assert len({job.key, changed.key, resized.key}) == 3
    cache.drawing(changed)
    cache.drawing(resized)
    assert (cache.stats.hits, cache.stats.misses) == (1, 3)
    assert len(cache) == 3


def test_the_cache_forgets_the_least_recently_used() -> None:
    cache = ChartCache(size=2)
    jobs = [ChartJob("indicator", _data(last=50.0 + n), 4.0, 2.4) for n in range(3)]
    for job in jobs:
        cache.drawing(job)
    assert jobs[0].key not in cache
    assert jobs[2].key in cache


def test_a_requested_chart_comes_back_from_its_worker_as_vectors_with_text() -> None:
    cache = ChartCache(size=4)
    job = ChartJob("indicator", _data(), 4.0, 2.4)
    flowable = VectorChart(job, 300.0, cache=cache)  # asks for the drawing at once
    assert flowable.wrap(500, 500) == (300.0, 300.0 * 2.4 / 4.0)
    buffer = io.BytesIO()
    # The page's own font the report's, as CouncilDocument sets it: else Helvetica.
    canvas = Canvas(buffer, initialFontName=register_fonts().regular)
    flowable.drawOn(canvas, 50, 400)
    canvas.save()
    assert cache.stats.misses == 1
    page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    text = page.extract_text()
    assert "Care leavers in work" in text
    assert "≥" in text
    resources: Any = page["/Resources"]
    assert "/XObject" not in resources or not any(
        resources["/XObject"][name]["/Subtype"] == "/Image" for name in resources["/XObject"]
    )
    fonts = {str(font["/BaseFont"]) for font in resources["/Font"].values()}
    assert all("DejaVuSans" in font for font in fonts), fonts


def test_a_chart_that_cannot_be_drawn_as_vectors_is_an_error_not_a_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from matplotlib.figure import Figure

    from qpmr_desktop.printing import vector_chart

    figure = Figure(figsize=(2.0, 1.0))
    figure.add_axes((0.1, 0.1, 0.8, 0.8)).imshow([[0.0, 1.0]])
    monkeypatch.setattr(vector_chart, "_figure", lambda _job: figure)
    with pytest.raises(ChartConversionError, match="indicator chart cannot be printed"):
        vector_chart.produce_drawing(ChartJob("indicator", _data(), 2.0, 1.0))


def test_charts_are_set_in_the_report_family_only() -> None:
    family = register_fonts()
    register_chart_fonts(family)  # the report's own family: accepted
    other = dataclasses.replace(family, regular="Helvetica")
    with pytest.raises(ValueError, match="different fonts"):
        register_chart_fonts(other)


def test_a_drawing_made_here_has_the_chart_text_as_strings() -> None:
    from reportlab.graphics.shapes import Group, String

    drawing = produce_drawing(ChartJob("indicator", _data(), 4.0, 2.4))

    def strings(node: Any) -> list[str]:
        found: list[str] = []
        for child in getattr(node, "contents", ()):
            if isinstance(child, String):
                found.append(child.text)
            elif isinstance(child, Group):
                found += strings(child)
        return found

    texts = strings(drawing)
    assert "Target" in texts
    assert any("Care leavers in work" in text for text in texts)
    assert drawing.initialFontName == register_fonts().regular
