"""Chart text measured and wrapped in points, as matplotlib lays it out: one way for every chart.

Contract:

* :func:`text_width` gives the advance width of one line of text in a
  ``FontProperties`` (points), :func:`block_width` the widest line of a
  block, :func:`block_height` the height matplotlib gives a block of lines
  at the charts' :data:`style.LINE_SPACING`. Widths are summed from glyph
  advances and kerning read once per font file and character and cached as
  plain numbers (never font objects, which matplotlib keeps one per
  thread), so a print worker thread may measure and wrap as it builds its
  own figures.
* :func:`wrap` breaks text into at most a given number of lines no wider
  than a width: between words, never inside a quarter's label ("Q1
  2017/18"), a rate's unit ("6.8 per 10,000") or between a number and the
  word it counts; a word wider than a line is broken inside; lines are
  balanced; text beyond the last line is cut and marked with "…". A caller
  keeps a phrase on one line by joining its words with no-break spaces.
* Importing this module does not import matplotlib (start-up cost,
  MACHINE-NOTES "Start-up costs"); measuring imports it when first called.
"""

# matplotlib is imported inside the functions that use it: see the contract.
# ruff: noqa: PLC0415

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from qpmr_desktop.charts import style

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

__all__ = ["Wrapper", "block_height", "block_width", "measurer", "text_width", "wrap"]

# A wrapping function: (text, font, width in points, most lines) -> lines.
Wrapper: TypeAlias = Callable[[str, "FontProperties", float, int], list[str]]

_ELLIPSIS = "…"
_BALANCE_STEPS = 8  # halvings of the width when balancing wrapped lines
# A quarter ("Q1") or a bare number ("12", "1,700"): kept on a line with the next word.
_UNBREAKABLE_BEFORE_NEXT = re.compile(r"Q[1-4]|[0-9][0-9,.]*")
# Glyph metrics are read at 72 dots per inch, where a pixel is a point.
_METRICS_DPI = 72.0


def text_width(text: str, prop: FontProperties) -> float:
    """The advance width of ``text`` (one line) in points, as matplotlib lays it out."""
    return measurer(prop)(text)


def measurer(prop: FontProperties) -> Callable[[str], float]:
    """A function giving the width in points of one line of text in ``prop``.

    Widths are summed from cached glyph advances and kerning at an unhinted
    size: that matches matplotlib's ``TextToPath`` to a hundredth of a point
    but takes microseconds instead of half a millisecond a string, and
    wrapping measures hundreds.
    """
    from matplotlib.font_manager import findfont

    # The font file's name is the cache key: matplotlib's own path object is
    # slow to hash.
    path = str(findfont(prop))
    size = prop.get_size_in_points()
    return lambda text: _unit_width(path, text) * size if text else 0.0


@functools.lru_cache(maxsize=8192)
def _unit_width(path: str, text: str) -> float:
    """The advance width of ``text`` in the font at ``path``, per point of font size."""
    total = 0.0
    previous = ""
    for char in text:
        total += _advance(path, char)
        if previous:
            total += _kerning(path, previous, char)
        previous = char
    return total


# Glyph metrics are cached as plain numbers, never as font objects: matplotlib
# keeps one font object per thread, and they must not be shared.
_METRICS_SIZE = 100.0  # points; metrics are read at this size, then scaled per point


@functools.lru_cache(maxsize=4096)
def _advance(path: str, char: str) -> float:
    """The advance of ``char`` in the font at ``path``, per point of font size."""
    from matplotlib.font_manager import get_font
    from matplotlib.ft2font import LoadFlags

    font = get_font(path)
    font.set_size(_METRICS_SIZE, _METRICS_DPI)
    glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
    # 16.16 fixed point, in points at _METRICS_SIZE.
    return glyph.linearHoriAdvance / 65536 / _METRICS_SIZE


@functools.lru_cache(maxsize=16384)
def _kerning(path: str, left: str, right: str) -> float:
    """The kerning between two characters, per point of font size."""
    from matplotlib.font_manager import get_font
    from matplotlib.ft2font import Kerning

    font = get_font(path)
    font.set_size(_METRICS_SIZE, _METRICS_DPI)
    pair = font.get_kerning(
        font.get_char_index(ord(left)), font.get_char_index(ord(right)), Kerning.UNFITTED
    )
    return pair / 64 / _METRICS_SIZE  # 26.6 fixed point


def block_width(text: str, prop: FontProperties) -> float:
    """The width in points of a block of lines joined by "\\n": its widest line."""
    return max((text_width(line, prop) for line in text.split("\n")), default=0.0)


def block_height(lines: int, size: float) -> float:
    """The height of ``lines`` lines of text at ``size`` points, as matplotlib sets them."""
    if lines <= 0:
        return 0.0
    return size * (1.0 + style.LINE_SPACING * (lines - 1)) + size * 0.25


def _words(paragraph: str) -> list[str]:
    """The breakable pieces of a line: words, with some kept together.

    No break falls inside a quarter's label ("Q1 2017/18"), a rate's unit
    ("6.8 per 10,000"), or between a number and the word it counts ("12
    quarters"); a " · " separator stays at the end of a line, not the start.
    """
    words: list[str] = []
    glue_next = False
    for word in filter(None, paragraph.split(" ")):
        if words and (glue_next or word in {"per", "·"}):
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
        glue_next = word == "per" or _UNBREAKABLE_BEFORE_NEXT.fullmatch(word) is not None
    return words


def _greedy_lines(text: str, measure: Callable[[str], float], width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in _words(paragraph):
            candidate = f"{current} {word}" if current else word
            if measure(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = word
            while measure(current) > width and len(current) > 1:
                cut = _fitting_prefix(current, measure, width)
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    return lines


def wrap(text: str, prop: FontProperties, width: float, max_lines: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points, at most ``max_lines``.

    Lines break between words (see :func:`_words`); a word wider than a whole
    line is broken inside. Lines are balanced: a two-line title is split near
    its middle rather than leaving one word on the second line. Text beyond
    the last line is cut and marked with an ellipsis.
    """
    measure = measurer(prop)
    lines = _greedy_lines(text, measure, width)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and measure(last + _ELLIPSIS) > width:
            last = last[:-1]
        return [*lines[: max_lines - 1], last.rstrip() + _ELLIPSIS]
    if len(lines) > 1 and "\n" not in text:
        # The narrowest width that still needs no more lines gives the most
        # even lines; the line count only grows as the width shrinks.
        narrow, wide = width / len(lines), width
        for _ in range(_BALANCE_STEPS):
            middle = (narrow + wide) / 2
            if len(_greedy_lines(text, measure, middle)) <= len(lines):
                wide = middle
            else:
                narrow = middle
        lines = _greedy_lines(text, measure, wide)
    return lines


def _fitting_prefix(word: str, measure: Callable[[str], float], width: float) -> int:
    cut = len(word) - 1
    while cut > 1 and measure(word[:cut]) > width:
        cut -= 1
    return cut
