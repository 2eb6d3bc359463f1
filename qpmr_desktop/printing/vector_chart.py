"""A matplotlib chart placed in a PDF as vector graphics, its text kept as text.

Contract (issue 6, point 3; MACHINE-NOTES.md "PDF"):
- ``chart_svg(data, width_in, height_in)`` is the chart of
  ``charts.build_indicator_figure`` as SVG bytes (``svg.fonttype`` "none", so
  every label is a ``<text>`` element). It is cached by its (hashable, frozen)
  input data: the same indicator printed twice — a second pass, a pack —
  builds its figure once.
- ``VectorChart(svg, width, font_name)`` is a flowable that draws the SVG,
  converted by svglib into ReportLab shapes and strings, scaled to ``width``
  with its aspect ratio kept. Nothing is rasterised: ``pdfimages -list``
  finds no image. ``font_name`` is the drawing's initial font: ReportLab
  otherwise starts every drawing in Helvetica, listed as an unembedded font.
- The report's font (DejaVu Sans, registered by ``fonts.register_fonts``) is
  registered with svglib under matplotlib's family name, for every weight
  and style matplotlib writes, so chart text is set in the embedded font and
  "≥", "£" or "ł" in a title survive; svglib's fallback (Helvetica) would be
  unembedded and Latin-1 only.
- ``chart_size(width, width_in, height_in)`` is the height a chart takes at
  ``width`` points, so a layout pass can reserve the space without building it.
- An SVG that svglib cannot read raises ``ChartConversionError``: a report
  with a chart silently missing would mislead the committee.
"""

from __future__ import annotations

import functools
import io
import threading
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Flowable

from qpmr_desktop.charts import style as chart_style
from qpmr_desktop.charts.indicator_chart import (
    IndicatorChartData,
    build_indicator_figure,
    figure_to_svg,
)
from qpmr_desktop.printing.fonts import FontFamily

__all__ = [
    "ChartConversionError",
    "VectorChart",
    "chart_height",
    "chart_svg",
    "register_chart_fonts",
]

_CACHE_SIZE = 256  # a pack holds 60 charts in the benchmark; a few passes fit easily
_registered: set[str] = set()
_register_lock = threading.Lock()


class ChartConversionError(ValueError):
    """svglib could not turn a chart's SVG into a drawing."""


def register_chart_fonts(family: FontFamily) -> None:
    """Map matplotlib's font family (``charts.style.FONT_FAMILY``) to ``family``'s faces.

    matplotlib writes weights as numbers ("700") and svglib matches the
    words it is given literally, so both spellings are registered.
    """
    with _register_lock:
        if family.regular in _registered:
            return
        # svglib has no stubs; pyproject lets mypy treat it as Any.
        from svglib.fonts import register_font  # noqa: PLC0415

        faces = {
            ("normal", "normal"): family.regular,
            ("bold", "normal"): family.bold,
            ("normal", "italic"): family.italic,
            ("bold", "italic"): family.bold_italic,
        }
        weights = {"normal": ("normal", "400"), "bold": ("bold", "700")}
        styles = {"normal": ("normal",), "italic": ("italic", "oblique")}
        for (weight, style), face in faces.items():
            for weight_word in weights[weight]:
                for style_word in styles[style]:
                    register_font(
                        chart_style.FONT_FAMILY,
                        weight=weight_word,
                        style=style_word,
                        rlgFontName=face,
                    )
        _registered.add(family.regular)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def chart_svg(data: IndicatorChartData, width_in: float, height_in: float) -> bytes:
    """The indicator chart as SVG, text as text; cached by its data and size."""
    figure = build_indicator_figure(data, width_in=width_in, height_in=height_in)
    return figure_to_svg(figure)


def chart_height(width: float, width_in: float, height_in: float) -> float:
    """The height, in points, of a ``width_in`` × ``height_in`` chart scaled to ``width``."""
    return width * height_in / width_in


def svg_drawing(svg: bytes) -> Drawing:
    """``svg`` as a ReportLab drawing (vector shapes and strings)."""
    from svglib.svglib import svg2rlg  # noqa: PLC0415

    drawing = svg2rlg(io.BytesIO(svg))
    if drawing is None:
        raise ChartConversionError("svglib could not read a chart's SVG.")
    drawing_: Drawing = drawing
    return drawing_


class VectorChart(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """An SVG chart drawn as vectors, scaled to ``width`` points (aspect kept)."""

    def __init__(self, svg: bytes, width: float, font_name: str) -> None:
        super().__init__()
        self._drawing = svg_drawing(svg)
        # Read by ReportLab's renderer as the state a drawing starts in.
        self._drawing.initialFontName = font_name
        self._scale = width / float(self._drawing.width)
        self.width = width
        self.height = float(self._drawing.height) * self._scale

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:  # noqa: ARG002 - ReportLab's signature
        return self.width, self.height

    def draw(self) -> None:
        canvas: Any = self.canv
        canvas.saveState()
        canvas.scale(self._scale, self._scale)
        renderPDF.draw(self._drawing, canvas, 0, 0)
        canvas.restoreState()
