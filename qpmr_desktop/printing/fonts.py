"""The Unicode TrueType family that every printed document is set in.

Contract:
- ``register_fonts()`` registers DejaVu Sans in four styles (regular, bold,
  oblique, bold oblique) with ReportLab, once per process and thread-safely,
  and returns the ``FontFamily`` of registered names. ReportLab embeds
  (subsets) TrueType fonts in every PDF that uses them, so "–", "≥", "£",
  "é", "ł", Greek and Cyrillic print and copy back out exactly — ReportLab's
  own Helvetica covers Latin-1 only and is never embedded.
- The files are shipped in ``resources/fonts/`` (copied from matplotlib's
  bundled DejaVu Sans, with ``LICENSE_DEJAVU``) and found through
  ``qpmr_desktop.paths.resources_dir()``; a missing file raises
  ``FontFilesMissingError`` naming it, rather than falling back silently to a
  font that would drop characters.
- ``FontFamily.coverage(font_name)`` is the set of code points a face has a
  glyph for, so text can be checked before it reaches a page (see
  ``document.markup``): a character without a glyph would print as an empty
  box, which on a council's papers is worse than an explicit replacement.

- ``glyph_outline(text, font_name)`` is ``text`` as filled outlines (for
  the diagonal "DRAFT" watermark): marks on the page rather than text, so
  copying, searching or extracting a page's text never meets the watermark
  in the middle of a sentence. The outlines come from the same TrueType
  files through fontTools (which matplotlib, a dependency, requires); it is
  imported only when an outline is first asked for.

Importing this module loads ReportLab: only ``document.py`` and the documents
import it, so the app starts without ReportLab in memory.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from qpmr_desktop import paths

FAMILY_NAME = "DejaVuSans"

# Registered name -> file name in resources/fonts/.
_FACES = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}
LICENCE_FILE = "LICENSE_DEJAVU"


class FontFilesMissingError(FileNotFoundError):
    """A shipped font file is not where the installation should have put it."""


@dataclass(frozen=True)
class FontFamily:
    """The registered names of one family's four faces, and what each can draw."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    _coverage: dict[str, frozenset[int]] = field(repr=False, compare=False)

    @property
    def names(self) -> tuple[str, str, str, str]:
        return (self.regular, self.bold, self.italic, self.bold_italic)

    def coverage(self, font_name: str) -> frozenset[int]:
        """Code points that ``font_name`` (one of this family's faces) has glyphs for."""
        try:
            return self._coverage[font_name]
        except KeyError:
            raise ValueError(f"{font_name!r} is not a face of {self.regular}") from None


_lock = threading.Lock()
_registered: FontFamily | None = None


def font_dir() -> Path:
    """Where the shipped font files and their licence live."""
    return paths.resources_dir() / "fonts"


def register_fonts() -> FontFamily:
    """Register the family with ReportLab (once per process) and return its names.

    Safe to call from a worker thread while another builds a document: the
    registry is global to ReportLab, so registration happens under a lock and
    only the first call reads the files.
    """
    global _registered  # noqa: PLW0603 - one registry per process, as ReportLab's own
    with _lock:
        if _registered is not None:
            return _registered
        directory = font_dir()
        missing = [name for name in _FACES.values() if not (directory / name).is_file()]
        if missing:
            raise FontFilesMissingError(
                f"font files missing from {directory}: {', '.join(missing)}"
            )
        coverage: dict[str, frozenset[int]] = {}
        for name, file_name in _FACES.items():
            font = TTFont(name, str(directory / file_name))
            pdfmetrics.registerFont(font)
            coverage[name] = frozenset(font.face.charToGlyph)
        regular, bold, italic, bold_italic = _FACES
        # With the family registered, <b> and <i> in our own markup pick the
        # right face instead of a synthesised one.
        pdfmetrics.registerFontFamily(
            regular, normal=regular, bold=bold, italic=italic, boldItalic=bold_italic
        )
        _registered = FontFamily(
            regular=regular,
            bold=bold,
            italic=italic,
            bold_italic=bold_italic,
            _coverage=coverage,
        )
        return _registered


# ------------------------------------------------------------------ outlines

PathOperation = tuple[str, tuple[float, ...]]


@dataclass(frozen=True, slots=True)
class GlyphOutline:
    """Text as path operations in em units (1.0 = the font size), baseline at y = 0.

    Operations are ("M", (x, y)), ("L", (x, y)), ("C", (x1, y1, x2, y2, x, y))
    and ("Z", ()); fill them with the non-zero winding rule, as TrueType does.
    """

    operations: tuple[PathOperation, ...]
    width: float  # the advance of the whole text, in em units


@lru_cache(maxsize=32)
def glyph_outline(text: str, font_name: str) -> GlyphOutline:
    """``text`` in the registered face ``font_name`` as outlines, less what the face lacks."""
    from fontTools.pens.basePen import BasePen  # type: ignore[import-untyped]  # noqa: PLC0415
    from fontTools.ttLib import TTFont as OutlineFont  # type: ignore[import-untyped]  # noqa: PLC0415

    file_name = _FACES.get(font_name)
    if file_name is None:
        raise ValueError(f"{font_name!r} is not a face of {FAMILY_NAME}")
    with OutlineFont(str(font_dir() / file_name), lazy=True) as font:
        units = float(font["head"].unitsPerEm)
        glyphs = font.getGlyphSet()
        cmap = font.getBestCmap()
        metrics = font["hmtx"]
        operations: list[PathOperation] = []
        offset = 0.0

        class _Pen(BasePen):  # type: ignore[misc]  # fontTools is untyped
            """Records a glyph's contours, cubic, scaled to em units and moved along."""

            def _point(self, point: Any) -> tuple[float, float]:
                return ((point[0] + offset) / units, point[1] / units)

            def _moveTo(self, point: Any) -> None:  # noqa: N802 - fontTools' names
                operations.append(("M", self._point(point)))

            def _lineTo(self, point: Any) -> None:  # noqa: N802
                operations.append(("L", self._point(point)))

            def _curveToOne(self, first: Any, second: Any, point: Any) -> None:  # noqa: N802
                operations.append(
                    ("C", (*self._point(first), *self._point(second), *self._point(point)))
                )

            def _closePath(self) -> None:  # noqa: N802
                operations.append(("Z", ()))

        pen = _Pen(glyphs)
        for char in text:
            glyph_name = cmap.get(ord(char))
            if glyph_name is None:
                continue
            glyphs[glyph_name].draw(pen)
            offset += metrics[glyph_name][0]
    return GlyphOutline(operations=tuple(operations), width=offset / units)
