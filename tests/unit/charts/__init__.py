"""Shared helpers for the chart tests: find a figure's parts by their ids, read SVG text back.

Charts name their parts with artist ids (``gid``), which SVG output keeps as
element ids; tests find artists and SVG groups by them rather than by
position or drawing order.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from cycler import cycler
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

SVG = "{http://www.w3.org/2000/svg}"

# rcParams a Qt canvas or a print worker might run with, none of which may
# reach any chart; each chart's test adds those for the parts it draws.
HOSTILE_RC: dict[RcKeyType, object] = {
    "font.family": "serif", "font.weight": "bold", "font.style": "italic",
    "font.size": 20, "text.color": "red", "text.parse_math": True,
    "lines.linewidth": 5, "lines.markersize": 20, "axes.prop_cycle": cycler(color=["red"]),
    "axes.grid": True, "axes.facecolor": "black", "axes.linewidth": 4,
    "axes.spines.left": True, "figure.constrained_layout.use": True,
    "figure.dpi": 300, "figure.facecolor": "yellow", "grid.color": "red",
    "xtick.labelsize": 20, "xtick.major.size": 10, "xtick.major.pad": 12,
    "xtick.direction": "in", "xtick.top": True, "ytick.labelcolor": "red",
    "savefig.bbox": "tight", "savefig.facecolor": "yellow", "svg.fonttype": "path",
}  # fmt: skip


def artists(figure: Figure, gid: str) -> list[Artist]:
    return figure.findobj(lambda artist: artist.get_gid() == gid)


def by_gid(figure: Figure, gid: str) -> Artist:
    found = artists(figure, gid)
    assert len(found) == 1, f"expected one artist with id {gid!r}, found {len(found)}"
    return found[0]


def text(figure: Figure, gid: str) -> Text:
    artist = by_gid(figure, gid)
    assert isinstance(artist, Text)
    return artist


def line(figure: Figure, gid: str) -> Line2D:
    artist = by_gid(figure, gid)
    assert isinstance(artist, Line2D)
    return artist


def plot_axes(figure: Figure) -> Axes:
    (axes,) = figure.axes
    return axes


def floats(data: object) -> list[float]:
    return [float(number) for number in data]  # type: ignore[attr-defined]


def svg_texts(svg: bytes, gid: str) -> list[str]:
    """The text of each ``<text>`` in the SVG group with id ``gid``, in document order."""
    root = ET.fromstring(svg)
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("id") == gid]
    return [element.text or "" for element in group.iter(f"{SVG}text")]


def run_in_fresh_python(code: str) -> None:
    """Run ``code`` in a new interpreter (nothing imported yet) and fail with its stderr."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
