"""A widget that shows one plan's timeline, drawn by ``charts.build_timeline_figure``.

Contract: the shared ``FigureCanvas`` (``ui/figure_canvas.py``) for
``TimelineData`` — rebuilt at the widget's size after it is painted, so a
collapsed or hidden timeline draws nothing; matplotlib loaded on the first
render and the chart module with the first data, never at start-up. The
accessible description (the timeline's title and subtitle) is set as soon as
the data is, since it needs no matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

from qpmr_desktop.ui.figure_canvas import RESIZE_DEBOUNCE_MS, FigureCanvas

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from qpmr_desktop.charts.timeline_chart import TimelineData

__all__ = ["RESIZE_DEBOUNCE_MS", "TimelineCanvas"]


class TimelineCanvas(FigureCanvas["TimelineData"]):
    """Paints the timeline of ``set_data``'s data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        # Small enough not to set the window's least height; the tab starts it taller
        # (lanes and labels crowd below about 215 pixels, and the pane can be collapsed).
        super().__init__(
            parent, name="actions_timeline", minimum=QSize(320, 100), preferred=QSize(900, 230)
        )

    def build_figure(self, data: TimelineData, *, width_in: float, height_in: float) -> Figure:
        from qpmr_desktop.charts.timeline_chart import build_timeline_figure  # noqa: PLC0415

        return build_timeline_figure(data, width_in=width_in, height_in=height_in)

    def describe_data(self, data: TimelineData) -> str:
        from qpmr_desktop.charts.timeline_chart import (  # noqa: PLC0415
            timeline_subtitle,
            timeline_title,
        )

        return f"{timeline_title(data)} — {timeline_subtitle(data)}"
