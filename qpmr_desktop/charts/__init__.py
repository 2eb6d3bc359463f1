"""Charts: ``build_<chart>_figure(data) -> matplotlib Figure``, with no Qt and no pyplot.

Contract: charts take plain data from the domain and return figures; they
import nothing from storage, services or ui (import-linter). Importing this
package imports nothing at all: the names below load their module on first
use, and that module loads matplotlib only when a chart is built, so the app
starts without paying for matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qpmr_desktop.charts.builder import figure_to_png, figure_to_svg
    from qpmr_desktop.charts.indicator_chart import (
        ChartPoint,
        ComparatorSeries,
        IndicatorChartData,
        active_title,
        build_indicator_figure,
    )
    from qpmr_desktop.charts.timeline_chart import (
        TimelineAction,
        TimelineData,
        TimelineEvent,
        build_timeline_figure,
        timeline_subtitle,
        timeline_title,
    )

__all__ = [
    "ChartPoint",
    "ComparatorSeries",
    "IndicatorChartData",
    "TimelineAction",
    "TimelineData",
    "TimelineEvent",
    "active_title",
    "build_indicator_figure",
    "build_timeline_figure",
    "figure_to_png",
    "figure_to_svg",
    "timeline_subtitle",
    "timeline_title",
]

_TIMELINE_NAMES = frozenset(
    {
        "TimelineAction",
        "TimelineData",
        "TimelineEvent",
        "build_timeline_figure",
        "timeline_subtitle",
        "timeline_title",
    }
)
# The savers are the shared builder's (both chart modules name them too).
_SAVERS = frozenset({"figure_to_png", "figure_to_svg"})
_HOMES = {
    name: "qpmr_desktop.charts.timeline_chart"
    if name in _TIMELINE_NAMES
    else "qpmr_desktop.charts.builder"
    if name in _SAVERS
    else "qpmr_desktop.charts.indicator_chart"
    for name in __all__
}


def __getattr__(name: str) -> object:
    """Load ``charts.build_indicator_figure`` and friends from their modules when first used."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
