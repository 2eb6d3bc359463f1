"""A matplotlib figure drawn straight into a ReportLab drawing: vector shapes and real text.

Contract (issue 6, points 3, 4 and 8):

- ``figure_drawing(figure, fonts)`` draws ``figure`` through
  :class:`ShapesRenderer` and returns a ``reportlab.graphics.shapes.Drawing``
  of the figure's size in points (1 unit = 1 pt, y up, as in PDF). Every
  path matplotlib draws becomes a ``Path`` (stroke and fill colours, width,
  caps, joins, dash pattern with its phase, opacity below 1), every marker a
  small filled and stroked ``Path`` at its point, every line of text one
  ``String`` in ``fonts`` (the report's embedded family: regular, bold,
  italic or bold italic by the matplotlib font's weight and style), so text
  stays text in the PDF: extractable, searchable, "≥" and "ł" intact.
- Clipping is kept: shapes that matplotlib clips (lines to their axes) go
  into a ``Group`` whose first child is the clip rectangle or path as a
  ReportLab clip path (``isClipPath``), one group per run of shapes with the
  same clip; what matplotlib does not clip is drawn at the top level.
- The figure is drawn at 72 dpi, so matplotlib's display units are points
  (``points_to_pixels`` is the identity), and given its own dpi back
  afterwards. It is drawn once; nothing global (rcParams) is read or set
  beyond what matplotlib's own drawing reads.
- Text is measured as it will be printed: the width of a line is ReportLab's
  ``stringWidth`` in the face that draws it (so right-aligned and centred
  text lands where matplotlib placed it); its height and descent are the
  glyphs' unhinted ink extents, as matplotlib's PDF and PostScript backends
  measure them (so vertical placement matches theirs), read once per
  character from the font file's glyph boxes (fontTools) rather than laid
  out by FreeType for every string; line heights come from the font's
  OS/2 or hhea table, as matplotlib's own text layout reads them, cached.
- Shapes are copied from a validated prototype and given their values
  directly, not through ReportLab's checked ``__setattr__`` (a quarter of
  the drawing time otherwise); the values are always of the checked types,
  and the tests ``verify()`` every shape of real charts.
- No raster ever: an image, a Gouraud shading or a hatch raises
  ``UnsupportedArtistError`` naming it, rather than dropping it or
  rasterising it: a chart silently missing a part would mislead a reader.
  Mathtext is off in the app's charts; a string matplotlib would parse as
  mathtext is printed as written.

The result holds only ReportLab shapes, colours and numbers: it pickles, so
chart workers can send it back (``vector_chart``). Importing this module
imports matplotlib and ReportLab: import it where a chart is first drawn.
"""

from __future__ import annotations

import functools
import math
import threading
from typing import TYPE_CHECKING, Any, Final, Literal, cast

import numpy as np
from matplotlib import font_manager
from matplotlib.backend_bases import RendererBase
from matplotlib.colors import to_rgba
from matplotlib.path import Path as MplPath
from reportlab.graphics.shapes import FILL_NON_ZERO, Drawing, Group, Path, String
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

if TYPE_CHECKING:
    from matplotlib.backend_bases import GraphicsContextBase
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox, Transform
    from matplotlib.typing import ColorType
    from numpy.typing import ArrayLike

    from qpmr_desktop.printing.fonts import FontFamily

__all__ = ["ShapesRenderer", "UnsupportedArtistError", "figure_drawing"]

_POINTS_PER_INCH: Final = 72.0
# ReportLab's path operators (shapes._MOVETO and friends, not exported).
_MOVE, _LINE, _CURVE, _CLOSE = 0, 1, 2, 3
_CAPS: Final = {"butt": 0, "round": 1, "projecting": 2}
_JOINS: Final = {"miter": 0, "round": 1, "bevel": 2}
_BOLD_FROM: Final = 600  # CSS weights from semibold up print in the bold face

# (clip rectangle's bounds, id of the clip path): shapes with one key share a clip group.
_ClipKey = tuple[tuple[float, float, float, float] | None, int | None]


class UnsupportedArtistError(ValueError):
    """The figure holds something that cannot be drawn as vectors (an image, a hatch)."""


def figure_drawing(figure: Figure, fonts: FontFamily) -> Drawing:
    """``figure`` as a ReportLab drawing of its size in points (module contract)."""
    width_in, height_in = (float(size) for size in figure.get_size_inches())
    renderer = ShapesRenderer(width_in * _POINTS_PER_INCH, height_in * _POINTS_PER_INCH, fonts)
    dpi = figure.dpi
    # What matplotlib's PDF backend does: at 72 dpi a display unit is a point.
    figure.dpi = _POINTS_PER_INCH
    try:
        figure.draw(renderer)
    finally:
        figure.dpi = dpi
    drawing = renderer.drawing
    # ReportLab's renderer starts a drawing in this font: the report's, or
    # Helvetica would be listed (unembedded) among the PDF's fonts.
    drawing.initialFontName = fonts.regular
    return drawing


class ShapesRenderer(RendererBase):
    """A matplotlib renderer whose output is ReportLab shapes in ``self.drawing``."""

    def __init__(self, width: float, height: float, fonts: FontFamily) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self.fonts = fonts
        self.drawing: Any = Drawing(width, height)  # ReportLab is untyped
        self._target: Any = self.drawing
        self._clip: _ClipKey = (None, None)
        self._colours: dict[tuple[float, float, float], Any] = {}

    # ------------------------------------------------------------ geometry

    def flipy(self) -> bool:
        return False  # y grows upwards, as in PDF and ReportLab

    def get_canvas_width_height(self) -> tuple[float, float]:
        return self.width, self.height

    def points_to_pixels(self, points: ArrayLike) -> ArrayLike:
        return points  # drawn at 72 dpi: a pixel is a point

    def option_image_nocomposite(self) -> bool:
        return True  # never composite: an image must reach draw_image and be refused

    # ------------------------------------------------------------ paths

    def draw_path(
        self,
        gc: GraphicsContextBase,
        path: MplPath,
        transform: Transform,
        rgbFace: ColorType | None = None,  # noqa: N803 - matplotlib's name
    ) -> None:
        stroke, fill = self._paint(gc, rgbFace)
        if stroke is None and fill is None:
            return
        # Unfilled paths are cut to the page first, as the PDF backend does:
        # a line running far off the figure would otherwise print huge numbers.
        clip = (0.0, 0.0, self.width, self.height) if fill is None else None
        points, operators = _trace(path, transform, clip)
        if not operators:
            return
        self._add(gc, self._shape(gc, points, operators, stroke, fill))

    def draw_markers(  # noqa: PLR0917 - matplotlib's signature
        self,
        gc: GraphicsContextBase,
        marker_path: MplPath,
        marker_trans: Transform,
        path: MplPath,
        trans: Transform,
        rgbFace: ColorType | None = None,  # noqa: N803 - matplotlib's name
    ) -> None:
        stroke, fill = self._paint(gc, rgbFace)
        if stroke is None and fill is None:
            return
        # The marker's outline once, moved to each point (the PDF backend
        # makes it a form XObject; a few numbers each is as cheap here).
        outline, operators = _trace(marker_path, marker_trans, None)
        if not operators:
            return
        for vertices, _code in path.iter_segments(trans, simplify=False):
            if len(vertices) < 2:
                continue
            x, y = float(vertices[-2]), float(vertices[-1])
            if not (math.isfinite(x) and math.isfinite(y)):
                continue
            points = [value + (x if index % 2 == 0 else y) for index, value in enumerate(outline)]
            self._add(gc, self._shape(gc, points, list(operators), stroke, fill))

    def draw_image(
        self,
        gc: GraphicsContextBase,
        x: float,
        y: float,
        im: ArrayLike,
        transform: Any = None,
    ) -> None:
        del gc, x, y, im, transform  # refused whatever they are
        raise UnsupportedArtistError(
            "A chart contains a raster image; printed charts must be vector graphics only."
        )

    def draw_gouraud_triangles(
        self,
        gc: GraphicsContextBase,
        triangles_array: ArrayLike,
        colors_array: ArrayLike,
        transform: Transform,
    ) -> None:
        del gc, triangles_array, colors_array, transform  # refused whatever they are
        raise UnsupportedArtistError("A chart contains a Gouraud shading, which cannot be printed.")

    # ------------------------------------------------------------ text

    def draw_text(  # noqa: PLR0917 - matplotlib's signature
        self,
        gc: GraphicsContextBase,
        x: float,
        y: float,
        s: str,
        prop: FontProperties,
        angle: float,
        ismath: bool | Literal["TeX"] = False,
        mtext: Text | None = None,
    ) -> None:
        del mtext  # each line is placed by x and y; no anchor is needed
        if ismath == "TeX":
            raise UnsupportedArtistError(f"Chart text {s!r} asks for TeX, which is not used.")
        if not s.strip():
            return
        red, green, blue, alpha = gc.get_rgb()
        if gc.get_forced_alpha():
            alpha = gc.get_alpha()
        if alpha <= 0:
            return
        string = _copy(
            _STRING,
            x=0.0 if angle else float(x),
            y=0.0 if angle else float(y),
            text=s,
            fontName=self._face(prop),
            fontSize=float(prop.get_size_in_points()),
            fillColor=self._colour(red, green, blue),
        )
        if alpha < 1:
            string.__dict__["fillOpacity"] = float(alpha)
        if angle:
            # Rotated about the baseline's start, counter-clockwise (matplotlib's sense).
            radians = math.radians(angle)
            cos, sin = math.cos(radians), math.sin(radians)
            self._add(gc, Group(string, transform=(cos, sin, -sin, cos, float(x), float(y))))
        else:
            self._add(gc, string)

    def get_text_width_height_descent(
        self, s: str, prop: FontProperties, ismath: bool | Literal["TeX"]
    ) -> tuple[float, float, float]:
        del ismath  # mathtext is off in the charts: text is measured as written
        size = float(prop.get_size_in_points())
        low, high = _ink_extent(font_manager.findfont(prop), s)
        width = stringWidth(s, self._face(prop), size)
        return float(width), (high - low) * size, -low * size

    def _get_font_height_metrics(
        self, prop: FontProperties
    ) -> tuple[float | None, float | None, float | None]:
        """Ascent, descent and line gap of ``prop``'s font, for matplotlib's text layout.

        matplotlib asks a renderer for these when it has this (private)
        method, as its PDF backend does, and otherwise reads the same OS/2 or
        hhea table itself for every text drawn. Returning them cached keeps
        the layout identical and saves that; if a later matplotlib stops
        asking, it reads the table itself again and nothing changes.
        """
        metrics = _line_metrics(font_manager.findfont(prop))
        if metrics is None:
            return None, None, None
        size = float(prop.get_size_in_points())
        ascent, descent, gap = metrics
        return ascent * size, descent * size, gap * size

    def _face(self, prop: FontProperties) -> str:
        """The report's face for ``prop``: bold from semibold up, italic for italic or oblique."""
        weight = prop.get_weight()
        number = font_manager.weight_dict.get(weight, weight) if isinstance(weight, str) else weight
        bold = int(number) >= _BOLD_FROM
        italic = prop.get_style() in ("italic", "oblique")
        fonts = self.fonts
        if bold:
            return fonts.bold_italic if italic else fonts.bold
        return fonts.italic if italic else fonts.regular

    # ------------------------------------------------------------ output

    def _paint(
        self, gc: GraphicsContextBase, face: ColorType | None
    ) -> tuple[tuple[Any, float] | None, tuple[Any, float] | None]:
        """(stroke colour, opacity) and (fill colour, opacity), None where nothing is painted.

        The rules of matplotlib's PDF graphics context: a stroke needs a
        width and a visible colour; a forced alpha (``set_alpha``) replaces
        both colours' own.
        """
        if gc.get_hatch() is not None:
            raise UnsupportedArtistError("A chart contains a hatch pattern, which is not printed.")
        forced = gc.get_forced_alpha()
        red, green, blue, alpha = gc.get_rgb()
        if forced:
            alpha = gc.get_alpha()
        stroke = None
        if gc.get_linewidth() > 0 and alpha > 0:
            stroke = (self._colour(red, green, blue), alpha)
        fill = None
        if face is not None:
            fill_red, fill_green, fill_blue, fill_alpha = to_rgba(face)
            if forced:
                fill_alpha = gc.get_alpha()
            if fill_alpha > 0:
                fill = (self._colour(fill_red, fill_green, fill_blue), fill_alpha)
        return stroke, fill

    def _colour(self, red: float, green: float, blue: float) -> Any:
        """One ReportLab colour per RGB: shared, so a pickled drawing holds each once."""
        key = (float(red), float(green), float(blue))
        colour = self._colours.get(key)
        if colour is None:
            colour = self._colours[key] = Color(*key)
        return colour

    def _shape(
        self,
        gc: GraphicsContextBase,
        points: list[float],
        operators: list[int],
        stroke: tuple[Any, float] | None,
        fill: tuple[Any, float] | None,
    ) -> Any:
        values: dict[str, Any] = {
            "points": points,
            "operators": operators,
            "fillColor": fill[0] if fill is not None else None,
            "strokeColor": stroke[0] if stroke is not None else None,
        }
        if fill is not None and fill[1] < 1:
            values["fillOpacity"] = float(fill[1])
        if stroke is not None:
            values["strokeWidth"] = float(gc.get_linewidth())
            values["strokeLineCap"] = _CAPS[gc.get_capstyle()]
            values["strokeLineJoin"] = _JOINS[gc.get_joinstyle()]
            offset, dashes = gc.get_dashes()
            if dashes is not None:
                lengths: list[float] = np.asarray(dashes, dtype=float).ravel().tolist()
                if any(length > 0 for length in lengths):
                    values["strokeDashArray"] = (float(offset or 0.0), lengths)
            if stroke[1] < 1:
                values["strokeOpacity"] = float(stroke[1])
        return _copy(_PATH, **values)

    def _add(self, gc: GraphicsContextBase, node: Any) -> None:
        """Add ``node`` inside a group clipped as ``gc`` says, one group per run of one clip."""
        rectangle = gc.get_clip_rectangle()
        clip_path, clip_affine = gc.get_clip_path()
        key: _ClipKey = (
            _bounds(rectangle) if rectangle is not None else None,
            id(clip_path) if clip_path is not None else None,
        )
        if key != self._clip:
            self._clip = key
            if key == (None, None):
                self._target = self.drawing
            else:
                group = Group()
                if key[0] is not None:
                    x0, y0, x1, y1 = key[0]
                    group.add(_clip_shape([x0, y0, x1, y0, x1, y1, x0, y1], [0, 1, 1, 1, 3]))
                if clip_path is not None and clip_affine is not None:
                    # The graphics context gives the path already transformed to
                    # its affine part (a Path, whatever the stubs say).
                    points, operators = _trace(cast("MplPath", clip_path), clip_affine, None)
                    group.add(_clip_shape(points, operators))
                self.drawing.add(group)
                self._target = group
        self._target.add(node)


# Validated once; every shape drawn is a copy given values of the checked types.
_PATH: Final[Any] = Path(
    autoclose="svg",  # a fill closes every subpath; the stroke follows the path as drawn
    fillMode=FILL_NON_ZERO,
)
_STRING: Final[Any] = String(0.0, 0.0, "", textAnchor="start")


def _copy(prototype: Any, **values: Any) -> Any:
    """A shape like ``prototype`` with ``values``, set without ReportLab's attribute checks."""
    shape = object.__new__(type(prototype))
    shape.__dict__.update(prototype.__dict__)
    shape.__dict__.update(values)
    return shape


# fontTools is not thread-safe when it reads a lazily loaded font; the main
# process may draw a chart from a build thread while another is measuring.
_glyph_lock = threading.Lock()


@functools.lru_cache(maxsize=8)
def _glyph_font(path: str) -> tuple[Any, dict[int, str], float]:
    """The font file at ``path`` for its glyph boxes: (glyf table, cmap, units per em)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # noqa: PLC0415

    font = TTFont(path, lazy=True)
    return font["glyf"], font.getBestCmap(), float(font["head"].unitsPerEm)


@functools.lru_cache(maxsize=4096)
def _glyph_extent(path: str, char: str) -> tuple[float, float] | None:
    """(bottom, top) of ``char``'s outline in ems, None if it has no ink (a space)."""
    with _glyph_lock:
        glyf, cmap, units = _glyph_font(path)
        glyph = glyf[cmap.get(ord(char), ".notdef")]
        if glyph.numberOfContours == 0:
            return None
        return glyph.yMin / units, glyph.yMax / units


@functools.lru_cache(maxsize=2048)
def _ink_extent(path: str, text: str) -> tuple[float, float]:
    """(bottom, top) of ``text``'s ink in ems, (0, 0) if it has none: FreeType's string box."""
    boxes = [box for box in (_glyph_extent(path, char) for char in text) if box is not None]
    if not boxes:
        return 0.0, 0.0
    return min(low for low, _ in boxes), max(high for _, high in boxes)


@functools.lru_cache(maxsize=8)
def _line_metrics(path: str) -> tuple[float, float, float] | None:
    """(ascent, descent, line gap) in ems, read as matplotlib's ``Text._get_layout`` reads them."""
    font = font_manager.get_font(path)
    head = font.get_sfnt_table("head")
    if head is None:
        return None
    units = float(head["unitsPerEm"])
    for table_name, gap_key, ascent_key, descent_key in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table: Any = font.get_sfnt_table(table_name)  # type: ignore[call-overload]
        if table is None:
            continue
        return table[ascent_key] / units, -table[descent_key] / units, table[gap_key] / units
    return None


def _bounds(box: Bbox) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(value) for value in box.extents)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _clip_shape(points: list[float], operators: list[int]) -> Any:
    # No stroke, no fill: ReportLab's renderers then only clip with it.
    return _copy(
        _PATH, points=points, operators=operators, isClipPath=1, strokeColor=None, fillColor=None
    )


def _trace(
    path: MplPath, transform: Transform, clip: tuple[float, float, float, float] | None
) -> tuple[list[float], list[int]]:
    """``path`` in display units as ReportLab points and operators.

    NaNs split the path (a gap in a series), as in every matplotlib backend;
    quadratic Béziers become cubic ones, which ReportLab has.
    """
    points: list[float] = []
    operators: list[int] = []
    x = y = 0.0
    start_x = start_y = 0.0
    for vertices, code in path.iter_segments(transform, clip=clip, simplify=False, curves=True):
        if code == MplPath.MOVETO:
            x, y = float(vertices[0]), float(vertices[1])
            start_x, start_y = x, y
            points += (x, y)
            operators.append(_MOVE)
        elif code == MplPath.LINETO:
            x, y = float(vertices[0]), float(vertices[1])
            points += (x, y)
            operators.append(_LINE)
        elif code == MplPath.CURVE3:
            qx, qy, end_x, end_y = (float(value) for value in vertices[:4])
            points += (
                x + 2 / 3 * (qx - x),
                y + 2 / 3 * (qy - y),
                end_x + 2 / 3 * (qx - end_x),
                end_y + 2 / 3 * (qy - end_y),
                end_x,
                end_y,
            )
            operators.append(_CURVE)
            x, y = end_x, end_y
        elif code == MplPath.CURVE4:
            points += (float(value) for value in vertices[:6])
            operators.append(_CURVE)
            x, y = float(vertices[4]), float(vertices[5])
        elif code == MplPath.CLOSEPOLY:
            operators.append(_CLOSE)
            x, y = start_x, start_y
    return points, operators
