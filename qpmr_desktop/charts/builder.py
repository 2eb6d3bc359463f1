"""What every chart's figure builder shares: the figure, its text, header, stamp, frame and savers.

Contract:

* :class:`FigureBuilder` is the base of each chart module's ``_Builder``. It
  makes a new ``matplotlib.figure.Figure`` of ``width_in`` × ``height_in``
  inches with matplotlib's base canvas (never pyplot, no GUI canvas) and no
  layout engine, whatever rcParams say: a chart's layout is computed in
  points (:attr:`FigureBuilder.width`, :attr:`FigureBuilder.height`).
* Its drawing helpers set every property per artist from
  :mod:`qpmr_desktop.charts.style`, so a figure looks the same whatever
  rcParams the process runs with: text (no usetex, no mathtext: a "$" in a
  title is a dollar sign), the title and subtitle at the top left (wrapped
  to the figure's width), the "Sample data" stamp at the bottom right, the
  message of an empty chart, the axes' frame, marker lines, and tick fonts
  fixed at build time. They read no global state and change none.
* :class:`Margins` are fixed in points, and an axes placed with them keeps
  them when the figure is resized.
* :func:`figure_to_svg` keeps text as ``<text>`` (``svg.fonttype`` "none") and
  gives the same bytes for the same figure; :func:`figure_to_png`
  rasterises. Both render through a non-GUI canvas and give the figure back
  its own canvas afterwards. The few settings matplotlib reads only from
  rcParams at save time (:data:`style.SAVE_RC`) are set in an
  ``rc_context`` for the save alone and restored after it; that is the one
  place rcParams are touched, so save from one thread at a time (or, as the
  report builder does, in worker processes).
* Importing this module does not import matplotlib (start-up cost,
  MACHINE-NOTES "Start-up costs"); building a figure does.
"""

# matplotlib is imported inside the functions that use it: see the contract.
# ruff: noqa: PLC0415

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from qpmr_desktop.charts import style, text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis, Tick
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox, Transform

__all__ = [
    "GID_MESSAGE",
    "GID_STAMP",
    "GID_SUBTITLE",
    "GID_TITLE",
    "MAX_SUBTITLE_LINES",
    "MAX_TITLE_LINES",
    "MIN_PLOT_SHARE",
    "PAD",
    "POINTS_PER_INCH",
    "SAMPLE_STAMP",
    "TICK_LENGTH",
    "TICK_PAD",
    "TITLE_GAP",
    "FigureBuilder",
    "Margins",
    "check_size",
    "figure_to_png",
    "figure_to_svg",
    "marker_line",
    "stamp_width",
]

SAMPLE_STAMP = "Sample data"

# Artist ids every chart gives the same parts: kept in SVG output as element
# ids (valid XML names) and used by tests.
GID_TITLE = "title"
GID_SUBTITLE = "subtitle"
GID_STAMP = "sample-stamp"
GID_MESSAGE = "message"

# ---------------------------------------------------------------- layout, in points
POINTS_PER_INCH = 72.0
PAD = 6.0  # figure edge to any text
TITLE_GAP = 2.0  # title to subtitle
TICK_LENGTH = 3.0
TICK_PAD = 2.5
MAX_TITLE_LINES = 3
MAX_SUBTITLE_LINES = 2
MIN_PLOT_SHARE = 0.25  # of the figure, whatever the text asks for


def check_size(width_in: float, height_in: float) -> None:
    """Refuse a figure size that is not positive and finite."""
    if not (width_in > 0 and height_in > 0 and math.isfinite(width_in * height_in)):
        raise ValueError(f"A chart needs a positive size, not {width_in} × {height_in} inches.")


def stamp_width() -> float:
    """The width in points of the "Sample data" stamp's text (its box adds a little)."""
    return text.text_width(SAMPLE_STAMP, style.font(style.STAMP_SIZE, bold=True))


@dataclass(frozen=True, slots=True)
class Margins:
    """Fixed margins around the plot, in points; the plot takes the rest."""

    left: float
    bottom: float
    right: float
    top: float

    def plot_box(self, width: float, height: float) -> tuple[float, float, float, float]:
        """(left, bottom, width, height) of the plot as fractions of a figure of that size."""
        plot_width = max(width - self.left - self.right, width * MIN_PLOT_SHARE)
        plot_height = max(height - self.bottom - self.top, height * MIN_PLOT_SHARE)
        left = min(self.left, width - plot_width)
        bottom = min(self.bottom, height - plot_height)
        return left / width, bottom / height, plot_width / width, plot_height / height

    def locator(self, figure: Figure) -> Callable[[object, object], Bbox]:
        """An axes locator that keeps these margins when ``figure`` is resized."""
        from matplotlib.transforms import Bbox

        def locate(_axes: object, _renderer: object) -> Bbox:
            width, height = (size * POINTS_PER_INCH for size in figure.get_size_inches())
            return Bbox.from_bounds(*self.plot_box(width, height))

        return locate


def marker_line(
    x: Sequence[float],
    y: Sequence[float],
    spec: style.RagMarker,
    *,
    gid: str,
    scale: float = 1.0,
    zorder: float = 2.0,
    label: str = "",
) -> Line2D:
    """Markers of ``spec`` (``scale`` times its size) at each (x, y), with no line between.

    A marker on the plot's edge is drawn whole, not cut in half.
    """
    from matplotlib.lines import Line2D

    markers = Line2D(
        list(x),
        list(y),
        linestyle="None",
        marker=spec.marker,
        markersize=spec.size * scale,
        markerfacecolor=spec.face,
        markeredgecolor=spec.edge,
        markeredgewidth=spec.edge_width,
        antialiased=True,
        zorder=zorder,
        gid=gid,
        label=label,
    )
    markers.set_clip_on(False)
    return markers


class FigureBuilder:
    """A new figure of ``width_in`` × ``height_in`` inches and the drawing every chart shares."""

    def __init__(self, width_in: float, height_in: float) -> None:
        from matplotlib.figure import Figure

        self.width = width_in * POINTS_PER_INCH
        self.height = height_in * POINTS_PER_INCH
        self.figure = Figure(
            figsize=(width_in, height_in),
            dpi=100,
            facecolor=style.BACKGROUND,
            edgecolor=style.BACKGROUND,
            linewidth=0.0,
            frameon=True,
        )
        # No layout engine, whatever figure.constrained_layout.use or
        # figure.autolayout say: the layout here is computed in points.
        self.figure.set_layout_engine("none")
        self.tick_font = style.font(style.TICK_SIZE)

    # -------------------------------------------------------- text

    def _offset(self, dx: float, dy: float, base: Transform) -> Transform:
        """``base`` shifted by (dx, dy) points: text anchored to an edge by a fixed gap."""
        from matplotlib.transforms import ScaledTranslation

        shift = ScaledTranslation(
            dx / POINTS_PER_INCH, dy / POINTS_PER_INCH, self.figure.dpi_scale_trans
        )
        return base + shift

    def _text(
        self,
        anchor: tuple[float, float],
        content: str,
        *,
        transform: Transform,
        size: float,
        colour: str,
        gid: str,
        bold: bool = False,
        ha: Literal["left", "center", "right"] = "left",
        va: Literal["top", "center", "bottom", "baseline"] = "top",
        axes: Axes | None = None,
    ) -> Text:
        """``content`` at ``anchor`` in ``transform``, on ``axes`` or else on the figure."""
        from matplotlib.text import Text

        # usetex and parse_math off: a "$" in a name or title is a dollar
        # sign, not mathtext; every other property is explicit (module contract).
        artist = Text(
            anchor[0],
            anchor[1],
            content,
            color=colour,
            fontproperties=style.font(size, bold=bold),
            horizontalalignment=ha,
            verticalalignment=va,
            multialignment=ha,
            linespacing=style.LINE_SPACING,
            usetex=False,
            parse_math=False,
            antialiased=True,
        )
        artist.set_transform(transform)
        artist.set_gid(gid)
        artist.set_clip_on(False)
        if axes is not None:
            axes.add_artist(artist)
        else:
            self.figure.add_artist(artist)
        return artist

    def _draw_header(
        self, title: str, subtitle: str, *, gap: float, wrap: text.Wrapper = text.wrap
    ) -> float:
        """Title and subtitle at the top left, wrapped to the figure's width by ``wrap``.

        Returns the points they take from the top, with ``gap`` below them.
        """
        width = self.width - 2 * PAD
        title_lines = wrap(title, style.font(style.TITLE_SIZE, bold=True), width, MAX_TITLE_LINES)
        subtitle_lines = wrap(subtitle, style.font(style.SUBTITLE_SIZE), width, MAX_SUBTITLE_LINES)
        transfigure = self.figure.transFigure
        y = PAD
        self._text(
            (0.0, 1.0),
            "\n".join(title_lines),
            transform=self._offset(PAD, -y, transfigure),
            size=style.TITLE_SIZE,
            colour=style.TEXT,
            gid=GID_TITLE,
            bold=True,
        )
        y += text.block_height(len(title_lines), style.TITLE_SIZE) + TITLE_GAP
        if any(subtitle_lines):
            self._text(
                (0.0, 1.0),
                "\n".join(subtitle_lines),
                transform=self._offset(PAD, -y, transfigure),
                size=style.SUBTITLE_SIZE,
                colour=style.SECONDARY_TEXT,
                gid=GID_SUBTITLE,
            )
            y += text.block_height(len(subtitle_lines), style.SUBTITLE_SIZE)
        return y + gap

    def _draw_stamp(self) -> None:
        """ "Sample data" in a box at the bottom right."""
        stamp = self._text(
            (1.0, 0.0),
            SAMPLE_STAMP,
            transform=self._offset(-PAD - 2, PAD + 1, self.figure.transFigure),
            size=style.STAMP_SIZE,
            colour=style.DARK_PINK,
            gid=GID_STAMP,
            bold=True,
            ha="right",
            va="bottom",
        )
        stamp.set_bbox(
            {
                "boxstyle": "square,pad=0.25",
                "facecolor": style.BACKGROUND,
                "edgecolor": style.DARK_PINK,
                "linewidth": 0.8,
            }
        )

    def _draw_message(self, top: float, message: str) -> None:
        """The empty chart: a message where the plot would be, ``top`` points below the top."""
        centre = (self.height - top) / 2 / self.height
        self._text(
            (0.5, centre),
            message,
            transform=self.figure.transFigure,
            size=style.MESSAGE_SIZE,
            colour=style.SECONDARY_TEXT,
            gid=GID_MESSAGE,
            ha="center",
            va="center",
        )

    def _draw_plot_message(self, axes: Axes, message: str, *, zorder: float) -> None:
        """A message in the middle of the plot, above what it is drawn over."""
        artist = self._text(
            (0.5, 0.5),
            message,
            transform=axes.transAxes,
            size=style.MESSAGE_SIZE,
            colour=style.SECONDARY_TEXT,
            gid=GID_MESSAGE,
            ha="center",
            va="center",
            axes=axes,
        )
        # On a white ground, so a line passing behind it stays readable.
        artist.set_bbox(
            {"boxstyle": "square,pad=0.3", "facecolor": style.BACKGROUND, "edgecolor": "none"}
        )
        artist.set_zorder(zorder)

    # -------------------------------------------------------- axes

    def _add_axes(self, margins: Margins) -> Axes:
        """The plot's axes inside ``margins``, which it keeps if the figure is resized."""
        axes = self.figure.add_axes(margins.plot_box(self.width, self.height))
        axes.set_axes_locator(margins.locator(self.figure))
        return axes

    def _style_frame(self, axes: Axes) -> None:
        """A white plot with only its bottom spine, not navigable; ticks are each chart's."""
        axes.set_facecolor(style.BACKGROUND)
        axes.set_frame_on(True)
        axes.patch.set_edgecolor("none")
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.spines["bottom"].set_visible(True)
        axes.spines["bottom"].set_color(style.AXIS)
        axes.spines["bottom"].set_linewidth(0.8)
        axes.set_axisbelow(True)
        axes.set_navigate(False)

    def _fix_tick_fonts(self, major: Iterable[Axis], minor: Iterable[Axis] = ()) -> None:
        """Make the ticks of these axes now and set their fonts, rather than at the first draw.

        matplotlib makes ticks lazily, from the rcParams of whichever thread
        draws first (font weight and style included); the charts' locators
        are fixed, so the ticks made here are the ones drawn.
        """
        ticks: list[Tick] = []
        for axis in major:
            ticks += axis.get_major_ticks(len(axis.get_majorticklocs()))
        for axis in minor:
            ticks += axis.get_minor_ticks(len(axis.get_minorticklocs()))
        for tick in ticks:
            for label in (tick.label1, tick.label2):
                label.set_fontproperties(self.tick_font)
                label.set_usetex(False)
                label.set_parse_math(False)


# ================================================================ output


def _save(
    figure: Figure, canvas_class: type[FigureCanvasBase], image_format: str, **options: object
) -> bytes:
    """Render ``figure`` through ``canvas_class`` (not a GUI canvas), then give it its own back.

    Making a canvas attaches it to the figure; without handing the previous one
    back, saving a figure shown in the Qt tab would take it from its widget.
    The settings matplotlib reads only from rcParams at save time
    (:data:`style.SAVE_RC`) are set for the save alone.
    """
    import matplotlib as mpl

    buffer = io.BytesIO()
    previous = figure.canvas
    try:
        with mpl.rc_context(dict(style.SAVE_RC)):
            canvas_class(figure).print_figure(
                buffer,
                format=image_format,
                facecolor=style.BACKGROUND,
                edgecolor=style.BACKGROUND,
                **options,  # type: ignore[arg-type]
            )
    finally:
        figure.set_canvas(previous)
    return buffer.getvalue()


def figure_to_svg(figure: Figure) -> bytes:
    """``figure`` as SVG with its text kept as ``<text>``; the same figure gives the same bytes."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    # No date in the metadata, and a fixed hash salt (SAVE_RC): the bytes
    # depend only on the figure, so printed charts can be cached by their data.
    return _save(figure, FigureCanvasSVG, "svg", dpi=figure.dpi, metadata={"Date": None})


def figure_to_png(figure: Figure, dpi: float = 100) -> bytes:
    """``figure`` as a PNG at ``dpi`` dots per inch (for previews and checks, not for print)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return _save(figure, FigureCanvasAgg, "png", dpi=dpi)
