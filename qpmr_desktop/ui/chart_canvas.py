"""A widget that shows one indicator chart, drawn by ``charts.build_indicator_figure``.

Contract: the shared ``FigureCanvas`` (``ui/figure_canvas.py``) for
``IndicatorChartData`` — rebuilt at the widget's size after it is painted,
matplotlib loaded on the first render, the previous image kept until the new
one is ready. The accessible description is the chart's title and subtitle,
read from the rendered figure (the chart itself is a picture).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from qpmr_desktop.charts.indicator_chart import (
    GID_SUBTITLE,
    GID_TITLE,
    IndicatorChartData,
    build_indicator_figure,
)
from qpmr_desktop.ui.figure_canvas import RESIZE_DEBOUNCE_MS, FigureCanvas

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["RESIZE_DEBOUNCE_MS", "ChartCanvas"]


class ChartCanvas(FigureCanvas[IndicatorChartData]):
    """Paints the indicator chart of ``set_data``'s data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent, name="indicator_chart", minimum=QSize(240, 150), preferred=QSize(520, 240)
        )

    def build_figure(
        self, data: IndicatorChartData, *, width_in: float, height_in: float
    ) -> Figure:
        return build_indicator_figure(data, width_in=width_in, height_in=height_in)

    def describe_figure(self, figure: Figure) -> str:
        from matplotlib.text import Text  # noqa: PLC0415 - loaded already by the render

        wanted = (GID_TITLE, GID_SUBTITLE)
        found = {
            artist.get_gid(): " ".join(artist.get_text().split())
            for artist in figure.findobj(Text)
            if isinstance(artist, Text) and artist.get_gid() in wanted
        }
        return " — ".join(found[gid] for gid in wanted if found.get(gid))
