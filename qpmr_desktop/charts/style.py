"""The look every chart in the app shares: palette, fonts, line styles and RAG markers.

Contract:

* Plain constants and small helpers: importing this module never imports
  matplotlib (start-up cost, MACHINE-NOTES "Start-up costs"). :func:`font`
  imports it when first called.
* Nothing here changes ``matplotlib.rcParams``. Charts take every setting from
  these constants, per artist, so a figure looks the same whatever rcParams
  the Qt canvas or the print worker happens to run with, and building one
  touches no global state. :data:`SAVE_RC` lists the few settings matplotlib
  only reads from rcParams when saving; the savers apply them in an
  ``rc_context`` around the save.
* Colours are the Government Analysis Function palette (CONVENTIONS.md,
  "Charts and printed panels") plus greys. The RAG marker fills are chosen so
  their greyscale levels (ITU-R 601 luma, what ``PIL.Image.convert("L")``
  computes) stay at least 55 apart: in a black-and-white print the fill
  still separates them, and the shape carries the meaning on its own
  (● Green, ◆ Amber, ▲ Red, ○ Data only / No data).
* Actions use BRAG (:data:`BRAG_MARKERS`): ■ Blue complete, ● Green on track,
  ◆ Amber at risk, ▲ Red off track or overdue, ○ grey not started. Green,
  amber and red share the RAG fills above; the blue square's fill sits
  between green and red in greyscale (levels 58, 95, 121), closer than 55, so
  among the BRAG markers the shape, which differs for every rating (● and ○
  by being filled or hollow), is what separates Blue from its neighbours in a
  black-and-white print. An overdue action is drawn with
  :data:`OVERDUE_MARKER`'s heavier, larger outline.
* Dash patterns are in multiples of the line width (matplotlib's default
  ``lines.scale_dashes``).
"""

# matplotlib is imported only inside font(): see the contract above.
# ruff: noqa: PLC0415

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from qpmr_desktop.domain.actions import ActionRag
from qpmr_desktop.domain.performance import Rag

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties
    from matplotlib.typing import RcKeyType

# DejaVu Sans ships with matplotlib (with its licence) and covers "–", "≥",
# "£", "é", "ł", Greek and Cyrillic; the printed report embeds the same family
# (MACHINE-NOTES "PDF"), so screen, SVG and PDF agree.
FONT_FAMILY = "DejaVu Sans"

# ---------------------------------------------------------------- palette
DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"

TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
AXIS = "#505a5f"
GRID = "#e1e3e4"
BACKGROUND = "#ffffff"

# ---------------------------------------------------------------- text sizes (points)
TITLE_SIZE = 10.0
SUBTITLE_SIZE = 8.0
AXIS_LABEL_SIZE = 7.5
TICK_SIZE = 7.5
DIRECT_LABEL_SIZE = 7.5
STAMP_SIZE = 7.0
MESSAGE_SIZE = 9.0
SMALL_LABEL_SIZE = 7.0  # labels on the plot itself: action refs, event names
FOOTNOTE_SIZE = 7.0
LINE_SPACING = 1.2


@dataclass(frozen=True, slots=True)
class LineStyle:
    """How one kind of line is drawn; ``dashes`` is None for a solid line."""

    colour: str
    width: float
    dashes: tuple[float, ...] | None = None
    # The colour of the line's direct label, which may be darker than the
    # line itself: a light grey line is fine, light grey small text is not.
    label_colour: str | None = None

    @property
    def linestyle(self) -> Literal["solid"] | tuple[float, tuple[float, ...]]:
        """The value for ``Line2D(linestyle=...)``."""
        return "solid" if self.dashes is None else (0.0, self.dashes)

    @property
    def text_colour(self) -> str:
        return self.label_colour or self.colour


# The measured series: the darkest, thickest line, always solid.
VALUE_LINE = LineStyle(DARK_BLUE, 2.0)
# Dark pink and dashed: unlike any comparator in colour, and in greyscale
# darker and heavier than any of them (and drawn as steps, which they are not).
TARGET_LINE = LineStyle(DARK_PINK, 1.4, (3.5, 2.0))
# Comparators are context, so thin greys, told apart by dash pattern (which
# survives greyscale and photocopying): England dotted, the region dash-dot,
# statistical neighbours long dashes (see comparator_styles).
ENGLAND_LINE = LineStyle("#505a5f", 1.1, (1.0, 1.6), label_colour=SECONDARY_TEXT)
REGION_LINE = LineStyle("#6f777b", 1.1, (6.0, 1.6, 1.2, 1.6), label_colour=SECONDARY_TEXT)
NEIGHBOURS_LINE = LineStyle("#8a9399", 1.2, (8.0, 2.5), label_colour=SECONDARY_TEXT)
COMPARATOR_LINES: tuple[LineStyle, ...] = (ENGLAND_LINE, REGION_LINE, NEIGHBOURS_LINE)


@dataclass(frozen=True, slots=True)
class RagMarker:
    """A RAG judgement as a matplotlib marker: the shape is the meaning, the fill a help."""

    marker: str
    size: float  # points; shapes differ so that they look equally heavy
    face: str
    edge: str
    edge_width: float


# The hues follow the RAG names; the greyscale levels are 58 (green), 121
# (red), 196 (amber) and 255 (hollow), so even the fill alone tells them apart
# in print. A near-black edge keeps the light amber diamond visible on white.
RAG_GREEN = "#005a30"
RAG_AMBER = "#ffbf47"
RAG_RED = "#f0483e"

_HOLLOW = RagMarker("o", 5.5, BACKGROUND, DARK_BLUE, 1.3)
RAG_MARKERS: Mapping[Rag, RagMarker] = MappingProxyType(
    {
        Rag.GREEN: RagMarker("o", 6.0, RAG_GREEN, TEXT, 0.8),
        Rag.AMBER: RagMarker("D", 5.2, RAG_AMBER, TEXT, 0.8),
        Rag.RED: RagMarker("^", 7.0, RAG_RED, TEXT, 0.8),
        Rag.DATA_ONLY: _HOLLOW,
        Rag.NO_DATA: _HOLLOW,
    }
)

# BRAG (actions). The blue is GOV.UK's; DARK_BLUE would print as the same grey
# as the green (57 against 58). The grey rating is hollow with a grey edge, as
# "not started" is the absence of progress rather than a judgement.
BRAG_BLUE = "#1d70b8"
NOT_STARTED_EDGE = "#505a5f"

BRAG_MARKERS: Mapping[ActionRag, RagMarker] = MappingProxyType(
    {
        ActionRag.BLUE: RagMarker("s", 5.2, BRAG_BLUE, TEXT, 0.8),
        ActionRag.GREEN: RagMarker("o", 6.0, RAG_GREEN, TEXT, 0.8),
        ActionRag.AMBER: RagMarker("D", 5.2, RAG_AMBER, TEXT, 0.8),
        ActionRag.RED: RagMarker("^", 7.0, RAG_RED, TEXT, 0.8),
        ActionRag.GREY: RagMarker("o", 5.5, BACKGROUND, NOT_STARTED_EDGE, 1.3),
    }
)

# An overdue action: the red triangle, a little larger, with a heavy near-black
# outline, so overdue stands out from "off track" in greyscale as well as colour.
OVERDUE_MARKER = RagMarker("^", 7.8, RAG_RED, TEXT, 1.8)


# The axes' ticks and grid lines, as keywords for ``Axes.tick_params`` and
# ``Axis.grid``: every property the charts share, given explicitly so that
# none comes from rcParams. Each chart adds which ticks show and their length.
TICK_PARAMS: Mapping[str, object] = MappingProxyType(
    {
        "width": 0.8,
        "direction": "out",
        "color": AXIS,
        "labelsize": TICK_SIZE,
        "labelcolor": SECONDARY_TEXT,
        "labelfontfamily": FONT_FAMILY,
        "labelrotation": 0,
    }
)
GRID_LINES: Mapping[str, object] = MappingProxyType(
    {"color": GRID, "linewidth": 0.6, "linestyle": "solid", "alpha": 1.0}
)


# What matplotlib reads only from rcParams at save time. svg.fonttype "none"
# keeps text as <text> in an SVG saved for a reader or a test (printing draws
# charts straight into ReportLab shapes, printing/mpl_shapes.py); the fixed
# hash salt makes SVG ids, and so the bytes, depend only on the figure; pdf.fonttype
# 42 embeds TrueType rather than Type 3 glyphs if a figure is saved as PDF.
SAVE_RC: Mapping[RcKeyType, object] = MappingProxyType(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "qpmr-desktop",
        "pdf.fonttype": 42,
        "savefig.bbox": "standard",
        "savefig.transparent": False,
    }
)


def comparator_styles(labels: Sequence[str]) -> list[LineStyle]:
    """A line style for each comparator, the same for the same benchmark in every chart.

    "England" is always dotted and any "… neighbours" series always long
    dashes, wherever they come in the list, so a reader who learns the
    patterns on one chart can read the next; other comparators (the region)
    take the remaining patterns in order, then all three again in turn.
    """
    fixed = {ENGLAND_LINE: _is_england, NEIGHBOURS_LINE: _is_neighbours}
    styles: list[LineStyle | None] = [
        next((line for line, matches in fixed.items() if matches(label)), None) for label in labels
    ]
    spare = [line for line in COMPARATOR_LINES if line not in styles]
    others = iter([*spare, *COMPARATOR_LINES] * len(labels))
    return [line if line is not None else next(others) for line in styles]


def _is_england(label: str) -> bool:
    return label.strip().casefold() == "england"


def _is_neighbours(label: str) -> bool:
    return "neighbour" in label.casefold()


def font(size: float, *, bold: bool = False, italic: bool = False) -> FontProperties:
    """The app's chart font at ``size`` points, every property explicit.

    Each property is given so that none falls back to rcParams (a global
    ``font.weight = "bold"`` in the app must not reach the charts).
    """
    from matplotlib.font_manager import FontProperties

    return FontProperties(
        family=[FONT_FAMILY],
        style="italic" if italic else "normal",
        variant="normal",
        weight="bold" if bold else "normal",
        stretch="normal",
        size=size,
    )


def greyscale_level(colour: str) -> float:
    """The grey, 0 (black) to 255 (white), that ``colour`` prints as (ITU-R 601 luma).

    The same weights as ``PIL.Image.convert("L")``; used to check that the RAG
    fills stay apart in a black-and-white print.
    """
    digits = colour.removeprefix("#")
    if len(digits) != 6:
        raise ValueError(f"Expected a colour like '#12436D', not {colour!r}.")
    red, green, blue = (int(digits[index : index + 2], 16) for index in (0, 2, 4))
    return (red * 299 + green * 587 + blue * 114) / 1000
