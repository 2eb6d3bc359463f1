"""The base of every printed document: A4 council papers from plain data.

Contract:
- ``CouncilDocument`` is a template method (after pretix's invoice renderer):
  a subclass provides ``metadata()`` (title, subject, keywords),
  ``decoration()`` (running header and watermark) and ``story()`` (its
  flowables); the base supplies the embedded DejaVu Sans family, the named
  styles of ``styles.py``, A4 page templates (portrait and landscape), the
  running header with the council's name and logo, an optional "DRAFT" banner
  and diagonal watermark on every page, "Page X of Y" in the footer, PDF
  metadata (title, author = council, subject, keywords, creator, language
  en-GB) and an outline entry (bookmark) for every heading. ``render()``
  returns the PDF as bytes.
- Every piece of user text reaches a paragraph through ``escape_text`` (by
  way of ``paragraph``, ``heading`` or ``escape``; bullet labels, which
  ReportLab draws without parsing, through ``plain``): text is never markup, so
  ``<b>`` prints as typed; characters the font has no glyph for print as
  U+FFFD "�" rather than as an empty box, invisible format characters it
  cannot draw are dropped, control characters become spaces, and a line
  break typed inside a paragraph is kept.
- Emoji: DejaVu Sans draws the older ones, in the Basic Multilingual Plane
  ("✓", "☺", "❤"), and those print and copy back exactly. Characters beyond
  it (most emoji: "😀") print as "�": ReportLab's ToUnicode map writes their
  code as five hex digits, so a reader would copy "😀" back as "ὠ" — a
  wrong letter is worse than an honest replacement.
- Composition: ``flowables()`` is the story with the marker that sets the
  page decoration in front, so a pack can put several documents' flowables
  into one build — one page numbering, one outline (``outline_offset``
  nests a part's headings), each part's own running header and watermark.
  Page decoration is drawn when a page ends, so a part that starts on a new
  page has its own header on its first page.
- ``late_text`` is a line whose text is known only when the build ends (a
  contents page's page numbers): drawn as a form defined when the canvas is
  saved, so a document with a contents page builds once.
- Speed (issue 6, point 8: a 300-action tracker is thousands of small
  paragraphs in tables split over pages), without changing what prints:
  ``paragraph``/``markup_paragraph`` parse each markup once per document and
  style (repeats get copies of its fragments; text with no tag and no entity
  skips the parser), every paragraph is a ``MeasuredParagraph`` that breaks
  its lines once per width however often a table measures it, and
  ``clean_text`` answers each character once per font. ``table(long=True)``
  is a ``LongTable`` for a long table straight in the story.
- No silent failures: a logo that cannot be read is left out with a warning
  in the log; a missing font file raises ``fonts.FontFilesMissingError``.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import math
import re
import unicodedata
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any, ClassVar
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LongTable,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import NullDraw
from reportlab.platypus.paragraph import cleanBlockQuotedText

from qpmr_desktop.printing.data import CouncilInfo
from qpmr_desktop.printing.fonts import FontFamily, GlyphOutline, glyph_outline, register_fonts
from qpmr_desktop.printing.styles import BODY_SIZE, Palette, build_stylesheet

_log = logging.getLogger(__name__)

CREATOR = "QPMR Desktop"
LANGUAGE = "en-GB"
REPLACEMENT_CHARACTER = "\ufffd"
DRAFT_WATERMARK = "DRAFT \u2014 subject to approval"

# ------------------------------------------------------------------ text


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_ESCAPES = {'"': "&quot;", "'": "&#39;"}
_LAST_BMP = 0xFFFF


def clean_text(text: str, coverage: frozenset[int] | None = None) -> str:
    """``text`` as it can be printed, still plain text (not yet escaped).

    NFC first, because ReportLab draws one glyph per code point and would
    print a decomposed "é" as "e" plus a floating accent. Then, per
    character: line separators become "\\n"; other control characters and
    tabs a space; invisible format characters (zero-width joiners, variation
    selectors) that the font lacks are dropped; anything else the font lacks
    (with ``coverage`` given), lone surrogates and anything beyond the Basic
    Multilingual Plane (see the module's contract) become U+FFFD.
    """
    if text.isascii() and text.isprintable() and _prints_ascii(coverage):
        return text  # the common case, unchanged by every rule below: no need to look closer
    text = _NEWLINES.sub("\n", unicodedata.normalize("NFC", text))
    printed = _printed_characters(coverage)
    out: list[str] = []
    for char in text:
        shown = printed.get(char)
        if shown is None:
            shown = printed[char] = _printed_character(char, coverage)
        out.append(shown)
    return "".join(out)


def _printed_character(char: str, coverage: frozenset[int] | None) -> str:
    """What ``clean_text`` prints for ``char``: itself, a space, nothing or U+FFFD."""
    if char == "\n":
        return char
    category = unicodedata.category(char)
    if category == "Cc":
        shown = " "
    elif category == "Cs" or ord(char) > _LAST_BMP:
        shown = REPLACEMENT_CHARACTER
    elif coverage is None or ord(char) in coverage:
        shown = char
    else:
        shown = _LACKING.get(category, REPLACEMENT_CHARACTER)
    return shown


# What prints for a character the font lacks, by category: an invisible
# format character is dropped and an exotic space is a space.
_LACKING = {"Cf": "", "Zs": " "}


# The answers of _printed_character, per font coverage: a document asks about
# the same few hundred characters thousands of times. A handful of coverages
# exist (one per face), and a character's answer never changes.
_printed_by_coverage: dict[frozenset[int] | None, dict[str, str]] = {}
_PRINTABLE_ASCII = frozenset(range(0x20, 0x7F))


def _printed_characters(coverage: frozenset[int] | None) -> dict[str, str]:
    printed = _printed_by_coverage.get(coverage)
    if printed is None:
        printed = _printed_by_coverage[coverage] = {}
    return printed


@functools.lru_cache(maxsize=16)
def _prints_ascii(coverage: frozenset[int] | None) -> bool:
    """Whether the font draws every printable ASCII character (each face here does)."""
    return coverage is None or coverage >= _PRINTABLE_ASCII


def escape_text(text: str, coverage: frozenset[int] | None = None) -> str:
    """Paragraph markup that prints exactly ``text``: the one way text reaches a page.

    ``clean_text`` first, then the XML specials and both quotes become
    entities, and a line break typed inside the text becomes ``<br/>``.
    """
    escaped = _xml_escape(clean_text(text, coverage), _ESCAPES)
    return escaped.strip().replace("\n", "<br/>")


def join_names(parts: Sequence[str]) -> str:
    """ "A", "A and B", "A; B and C" — semicolons once entries hold commas."""
    if len(parts) <= 2:
        return " and ".join(parts)
    separator = "; " if any("," in part for part in parts) else ", "
    return separator.join(parts[:-1]) + " and " + parts[-1]


# Fixed English names: strftime's %A and %B follow the process locale, and a
# council's papers must not switch language with the laptop's settings.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def short_date(day: dt.date) -> str:
    """ "12 September 2017"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def abbreviated_date(day: dt.date) -> str:
    """ "12 Sep 2017", for a narrow table column."""
    return f"{day.day} {_MONTHS[day.month - 1][:3]} {day.year}"


def long_date(day: dt.date) -> str:
    """ "Tuesday, 12 September 2017", as minutes name the day of a meeting."""
    return f"{_DAYS[day.weekday()]}, {short_date(day)}"


def clock_time(time: dt.time) -> str:
    """ "2.00 pm", "10.30 am", "12.00 noon": the way council minutes give times."""
    if time.hour == 12 and time.minute == 0:
        return "12.00 noon"
    hour = time.hour % 12 or 12
    return f"{hour}.{time.minute:02d} {'am' if time.hour < 12 else 'pm'}"


# ------------------------------------------------------------------ flowables


@dataclass(frozen=True, slots=True)
class DocumentMetadata:
    """What the PDF says about itself (File → Properties in a reader)."""

    title: str
    subject: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageDecoration:
    """What is drawn around the text of every page of one document (or part)."""

    header_right: tuple[str, ...] = ()  # committee, date …: right-aligned lines
    footer_left: str = ""  # a short title
    watermark: str | None = None  # e.g. DRAFT_WATERMARK; None for none


class SetPageDecoration(NullDraw):  # type: ignore[misc]  # ReportLab is untyped
    """A zero-size marker: pages from the one it lands on carry ``decoration``."""

    def __init__(self, decoration: PageDecoration) -> None:
        super().__init__()
        self.decoration = decoration


_bookmark_keys = count(1)


@dataclass(slots=True)
class OutlineEntry:
    """A heading's entry in the PDF outline; ``key`` names its bookmark."""

    title: str
    level: int
    key: str


class MeasuredParagraph(Paragraph):  # type: ignore[misc]  # ReportLab is untyped
    """A paragraph that breaks its lines once per width, however often it is measured.

    A table wraps every cell to measure its rows, wraps them again each time
    it is split over a page break (with its header rows repeated) and once
    more to draw them; a frame wraps a paragraph to see whether it fits and
    again to place it. ReportLab's ``Paragraph`` breaks its lines afresh every
    time, which is most of the cost of a long table. The lines depend on the
    width alone, so the last breaking is kept while the width is the same and
    the lines it made are still the paragraph's (``split`` may drop them).
    """

    _measured: tuple[float, Any, float, float] | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        measured = self._measured
        if (
            measured is not None
            and measured[0] == available_width
            and self.__dict__.get("blPara") is measured[1]
        ):
            self.width, self.height = measured[2], measured[3]
            return measured[2], measured[3]
        width, height = super().wrap(available_width, available_height)
        lines = self.__dict__.get("blPara")
        self._measured = None if lines is None else (available_width, lines, width, height)
        return width, height


def _copy_fragment(fragment: Any) -> Any:
    """A parsed fragment another paragraph can own: its lists (links, underlines) its own."""
    copy: Any = object.__new__(type(fragment))  # a ParaFrag is its __dict__ and nothing else
    copy.__dict__.update(
        {
            name: value.copy() if type(value) is list else value
            for name, value in vars(fragment).items()
        }
    )
    return copy


@dataclass(frozen=True, slots=True)
class _Parsed:
    """One markup's parse in one style: the cleaned text, the style and bullet, the fragments."""

    text: str
    style: Any
    bullet: Any
    fragments: tuple[Any, ...]


class Heading(MeasuredParagraph):
    """A paragraph that is also a bookmark and an outline entry at ``outline.level``."""

    def __init__(self, text: str, style: Any, *args: Any, **kwargs: Any) -> None:
        outline = kwargs.pop("outline", None)
        super().__init__(text, style, *args, **kwargs)
        self.outline: OutlineEntry | None = outline

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(available_width, available_height)
        # A heading split over a page break is one entry, at its first line.
        for index, part in enumerate(parts):
            part.outline = self.outline if index == 0 else None
        return parts

    def draw(self) -> None:
        super().draw()
        if self.outline is not None:
            # Relative to the paragraph's origin: the reader lands on its top line.
            self.canv.bookmarkHorizontal(self.outline.key, 0, self.height)


class _DocTemplate(BaseDocTemplate):  # type: ignore[misc]  # ReportLab is untyped
    """Keeps the current page decoration and writes outline entries as headings land."""

    def __init__(self, *args: Any, decoration: PageDecoration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decoration = decoration
        self._outline_level = -1

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's hook
        if isinstance(flowable, SetPageDecoration):
            self.decoration = flowable.decoration
        elif isinstance(flowable, Heading) and flowable.outline is not None:
            entry = flowable.outline
            # A PDF outline cannot skip a level (ReportLab raises): a part
            # without a level-1 heading still nests its level-2 headings.
            level = max(0, min(entry.level, self._outline_level + 1))
            self.canv.addOutlineEntry(entry.title, entry.key, level=level, closed=level >= 1)
            if self._outline_level < 0:
                self.canv.showOutline()  # a reader opens with the bookmarks beside the page
            self._outline_level = level


PageNumberDrawer = Callable[[Canvas, int, int, tuple[float, float]], None]


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab is untyped
    """A canvas that prints "Page X of Y" on every page, Y known only at the end.

    Each page draws a form XObject that is defined when the canvas is saved,
    with the total known: PDF allows a form to be used before it is defined.
    (pretix's way — keeping every page's state back and replaying the pages
    in ``save`` — would do, but then bookmarks made during the build all
    point at page 1, because the pages reach the PDF only at the end.)
    """

    def __init__(self, *args: Any, draw_page_number: PageNumberDrawer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._draw_page_number = draw_page_number
        self._numbered_pages: list[tuple[str, int, tuple[float, float]]] = []
        self._deferred: list[Callable[[Canvas], None]] = []

    def defer(self, define: Callable[[Canvas], None]) -> None:
        """Run ``define(canvas)`` when the document ends, before it is written (``LateText``)."""
        self._deferred.append(define)

    def showPage(self) -> None:  # noqa: N802 - ReportLab's method
        name = f"qpmrPageNumber{self._pageNumber}"
        self.doForm(name)
        self._numbered_pages.append((name, self._pageNumber, tuple(self._pagesize)))
        super().showPage()

    def save(self) -> None:
        for define in self._deferred:
            define(self)
        total = len(self._numbered_pages)
        for name, number, (width, height) in self._numbered_pages:
            self.beginForm(name, 0, 0, width, height)
            self._draw_page_number(self, number, total, (width, height))
            self.endForm()
        super().save()


_late_text_keys = count(1)


class LateText(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """One line of text known only when the build ends: a contents page's page numbers.

    It takes its place now (one line of ``style``, ``width`` wide) and draws
    a form that is defined when the canvas is saved, with ``resolve()``'s
    text, as "Page X of Y" is: so a contents page needs no second build to
    learn where its sections landed. The text is right-aligned (a column of
    page numbers), cut to one line, and set in ``style``'s font.
    """

    def __init__(
        self, resolve: Callable[[], str], *, style: Any, width: float, coverage: frozenset[int]
    ) -> None:
        super().__init__()
        self._resolve = resolve
        self._style = style
        self._coverage = coverage
        self.width = width
        self.height = float(style.leading)
        self._form = f"qpmrLate{next(_late_text_keys)}"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:  # noqa: ARG002 - ReportLab's signature
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.doForm(self._form)
        canvas.defer(self._define)

    def _define(self, canvas: Canvas) -> None:
        style = self._style
        text = " ".join(clean_text(self._resolve(), self._coverage).split())
        canvas.beginForm(self._form, 0, 0, self.width, self.height)
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        canvas.drawRightString(self.width, self.height - style.fontSize, text)
        canvas.endForm()


# ------------------------------------------------------------------ the document


ProgressCallback = Callable[[str, int], None]


class CouncilDocument(ABC):
    """An A4 council paper; subclasses supply ``metadata``, ``decoration`` and ``story``.

    ``outline_offset`` moves every heading down that many outline levels, for
    a document printed as one part of a pack.
    """

    landscape: ClassVar[bool] = False
    left_margin: ClassVar[float] = 22 * mm
    right_margin: ClassVar[float] = 22 * mm
    top_margin: ClassVar[float] = 34 * mm  # header and banner sit above the text
    bottom_margin: ClassVar[float] = 22 * mm

    def __init__(self, *, council: CouncilInfo, outline_offset: int = 0) -> None:
        self.council = council
        self.outline_offset = outline_offset
        self.fonts: FontFamily = register_fonts()
        self.styles = build_stylesheet(self.fonts)
        self._logo = self._read_logo(council.logo_path)
        # Markup → its parse, per style and bullet: a table repeats the same
        # cells ("● On track", "40%", a date) hundreds of times, and parsing
        # markup costs more than laying it out.
        self._parsed: dict[tuple[str, str, str | None], _Parsed] = {}
        self._plain_templates: dict[str, Any] = {}  # style → the fragment of a plain text
        self._page_labels: dict[tuple[str, str, float, float], str] = {}  # see _page_label

    # ---- hooks for subclasses

    @abstractmethod
    def metadata(self) -> DocumentMetadata:
        """Title, subject and keywords of the PDF."""

    def decoration(self) -> PageDecoration:
        """The running header, footer title and watermark; by default the title in the footer."""
        return PageDecoration(footer_left=self.metadata().title)

    @abstractmethod
    def story(self) -> list[Flowable]:
        """The document's flowables, built with ``paragraph``, ``heading`` and ``table``."""

    def on_page(self, canvas: Canvas, doc: _DocTemplate) -> None:
        """Draw the page's decoration: header, banner, watermark, footer title.

        Called as each page ends (the page number is added later, once the
        total is known). Override to add to it; call this first.
        """
        width, height = canvas._pagesize  # the page's own: portrait or landscape
        decoration = doc.decoration
        canvas.saveState()
        self._draw_header(canvas, decoration, width, height)
        if decoration.watermark:
            self._draw_banner(canvas, decoration.watermark, width, height)
            self._draw_watermark(canvas, decoration.watermark, width, height)
        if decoration.footer_left:
            self._draw_footer_title(canvas, decoration.footer_left, width)
        canvas.restoreState()

    # ---- building

    def flowables(self) -> list[Flowable]:
        """The story with its page decoration marker in front: what a pack composes.

        A zero-size flowable closes it: ReportLab loops for ever when the
        last flowable of a story keeps with the next and is taller than a
        page (a heading of pasted text, as the last thing an item holds).
        """
        return [SetPageDecoration(self.decoration()), *self.story(), NullDraw()]

    def render(self, *, progress: ProgressCallback | None = None) -> bytes:
        """The whole document as PDF bytes.

        ``progress`` receives ReportLab's build events ("SIZE_EST", total
        flowables; "PROGRESS", flowables done; "PAGE", page number …); an
        exception raised in it (to cancel) ends the build and propagates.
        """
        buffer = io.BytesIO()
        metadata = self.metadata()
        doc = _DocTemplate(
            buffer,
            decoration=self.decoration(),
            pagesize=self._page_size(),
            leftMargin=self.left_margin,
            rightMargin=self.right_margin,
            topMargin=self.top_margin,
            bottomMargin=self.bottom_margin,
            title=clean_text(metadata.title),
            author=clean_text(self.council.name),
            subject=clean_text(metadata.subject),
            keywords=[clean_text(keyword) for keyword in metadata.keywords],
            creator=CREATOR,
            lang=LANGUAGE,
            # Without these, ReportLab starts every page in Helvetica, which
            # is then listed as an unembedded font of the PDF.
            initialFontName=self.fonts.regular,
            initialFontSize=BODY_SIZE,
        )
        doc.addPageTemplates(self._page_templates())
        if progress is not None:
            doc.setProgressCallBack(progress)
        story = self.flowables()
        doc.build(story, canvasmaker=self._make_canvas)
        return buffer.getvalue()

    # ---- helpers for subclasses: the only ways text reaches a paragraph

    def escape(self, text: str, style: str = "Body") -> str:
        """``escape_text`` against the font of ``style``, for composing markup."""
        return escape_text(text, self.fonts.coverage(self.styles[style].fontName))

    def plain(self, text: str, style: str = "Body") -> str:
        """``clean_text`` on one line, for what ReportLab draws as it is (bullet labels)."""
        coverage = self.fonts.coverage(self.styles[style].fontName)
        return " ".join(clean_text(text, coverage).split())

    def bold(self, text: str) -> str:
        """``escape_text`` in bold, against the bold face, for composing markup."""
        return f"<b>{escape_text(text, self.fonts.coverage(self.fonts.bold))}</b>"

    def paragraph(
        self,
        text: str,
        style: str = "Body",
        *,
        bulletText: str | None = None,  # noqa: N803 - ReportLab's name
    ) -> Paragraph:
        """A paragraph that prints ``text`` verbatim."""
        return self._make_paragraph(self.escape(text, style), style, bullet=bulletText)

    def markup_paragraph(
        self,
        markup: str,
        style: str = "Body",
        *,
        bulletText: str | None = None,  # noqa: N803 - ReportLab's name
    ) -> Paragraph:
        """A paragraph from markup whose text parts went through ``escape``/``bold``."""
        return self._make_paragraph(markup, style, bullet=bulletText)

    def _make_paragraph(
        self,
        markup: str,
        style: str,
        *,
        bullet: str | None = None,
        kind: type[MeasuredParagraph] = MeasuredParagraph,
        **kwargs: Any,
    ) -> Any:
        """A ``kind`` of paragraph of ``markup``, parsed once per document and style.

        The first paragraph of a markup is parsed by ReportLab; later ones get
        copies of its fragments, exactly what parsing again would give.
        """
        key = (markup, style, bullet)
        parsed = self._parsed.get(key)
        if parsed is None:
            if "<" in markup or "&" in markup or self.styles[style].textTransform:
                paragraph = kind(markup, self.styles[style], bulletText=bullet, **kwargs)
            else:
                # No tag and no entity: ReportLab's parser would give one
                # fragment of the style's font and colour holding the text
                # (none for none), so that fragment is copied, not parsed.
                text = cleanBlockQuotedText(markup)
                fragments = [self._plain_fragment(style, text)] if text else []
                paragraph = kind(
                    text, self.styles[style], bulletText=bullet, frags=fragments, **kwargs
                )
            self._parsed[key] = _Parsed(
                text=paragraph.text,
                style=paragraph.style,
                bullet=paragraph.bulletText,
                fragments=tuple(_copy_fragment(fragment) for fragment in paragraph.frags),
            )
            return paragraph
        return kind(
            parsed.text,
            parsed.style,
            bulletText=parsed.bullet,
            frags=[_copy_fragment(fragment) for fragment in parsed.fragments],
            **kwargs,
        )

    def table(
        self,
        rows: Sequence[Sequence[Flowable | str]],
        *,
        col_widths: Sequence[float],
        commands: Sequence[tuple[Any, ...]] = (),
        long: bool = False,
        **kwargs: Any,
    ) -> Table:
        """A table whose cells are set in the family: put user text in as ``paragraph``s.

        The FONT command comes first because a table sets every cell's font,
        even around a paragraph or an empty string, and its default is
        Helvetica, which would then be listed as an unembedded font.

        ``long`` for a table of many rows placed straight in the story (never
        in a cell: it measures only the rows that fit where it is offered):
        a ``LongTable``, which measures a page's worth of rows at a time
        rather than every row again at each page break. It prints the same.
        """
        style = TableStyle([("FONT", (0, 0), (-1, -1), self.fonts.regular, 9.5), *commands])
        kwargs.setdefault("hAlign", "LEFT")
        kind = LongTable if long else Table
        return kind([list(row) for row in rows], colWidths=list(col_widths), style=style, **kwargs)

    def late_text(self, resolve: Callable[[], str], style: str, *, width: float) -> LateText:
        """A right-aligned line whose text ``resolve()`` gives when the build ends."""
        font = self.styles[style].fontName
        return LateText(
            resolve, style=self.styles[style], width=width, coverage=self.fonts.coverage(font)
        )

    def _plain_fragment(self, style: str, text: str) -> Any:
        """The fragment ReportLab's parser makes of ``text`` (no markup) in ``style``."""
        template = self._plain_templates.get(style)
        if template is None:
            template = self._plain_templates[style] = Paragraph("x", self.styles[style]).frags[0]
        fragment = _copy_fragment(template)
        fragment.text = text
        return fragment

    def heading(self, text: str, style: str = "Heading1", *, level: int = 0) -> Heading:
        """A heading that is also an outline entry at ``level`` (plus the offset)."""
        outline = OutlineEntry(
            title=" ".join(clean_text(text).split()) or "\u2014",
            level=level + self.outline_offset,
            key=f"h{next(_bookmark_keys)}",
        )
        heading: Heading = self._make_paragraph(
            self.escape(text, style), style, kind=Heading, outline=outline
        )
        frame_width, frame_height = self.frame_size()
        if heading.wrap(frame_width, frame_height)[1] > frame_height / 3:
            # Kept with what follows, a heading this tall would push both to
            # a fresh page and leave a gap; it is text in its own right.
            heading.keepWithNext = 0
        return heading

    # ---- page decoration

    def _page_size(self) -> tuple[float, float]:
        return landscape(A4) if self.landscape else A4  # type: ignore[no-any-return]

    def frame_size(self) -> tuple[float, float]:
        """Width and height of the body frame on this document's pages."""
        width, height = self._page_size()
        return (
            width - self.left_margin - self.right_margin,
            height - self.top_margin - self.bottom_margin,
        )

    def _page_templates(self) -> list[PageTemplate]:
        templates = []
        for name, size in (("portrait", A4), ("landscape", landscape(A4))):
            frame = Frame(
                self.left_margin,
                self.bottom_margin,
                size[0] - self.left_margin - self.right_margin,
                size[1] - self.top_margin - self.bottom_margin,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id=f"{name}-body",
            )
            templates.append(
                PageTemplate(id=name, frames=[frame], pagesize=size, onPageEnd=self.on_page)
            )
        if self.landscape:
            templates.reverse()  # the first template is the one a build starts with
        return templates

    def _make_canvas(self, *args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, draw_page_number=self._draw_page_number, **kwargs)

    def _draw_page_number(
        self, canvas: Canvas, page: int, total: int, size: tuple[float, float]
    ) -> None:
        width = size[0]
        canvas.saveState()
        canvas.setFont(self.fonts.regular, 8.5)
        canvas.setFillColor(Palette.MUTED)
        canvas.drawRightString(width - self.right_margin, 12 * mm, f"Page {page} of {total}")
        canvas.restoreState()

    def _draw_header(
        self, canvas: Canvas, decoration: PageDecoration, width: float, height: float
    ) -> None:
        top = height - 12 * mm
        left = self.left_margin
        right = width - self.right_margin
        text_left = left
        if self._logo is not None:
            logo_height = 11 * mm
            image_width, image_height = self._logo.getSize()
            logo_width = logo_height * image_width / image_height
            canvas.drawImage(
                self._logo,
                left,
                top - logo_height + 3 * mm,
                width=logo_width,
                height=logo_height,
                mask="auto",
            )
            text_left = left + logo_width + 3 * mm
        canvas.setFillColor(Palette.HEADING)
        canvas.setFont(self.fonts.bold, 10)
        canvas.drawString(
            text_left,
            top - 1.5 * mm,
            self._page_label(self.council.name, self.fonts.bold, 10, 80 * mm),
        )
        canvas.setFillColor(Palette.MUTED)
        line_top = top
        for line in decoration.header_right:
            canvas.setFont(self.fonts.regular, 8.5)
            canvas.drawRightString(
                right, line_top, self._page_label(line, self.fonts.regular, 8.5, 95 * mm)
            )
            line_top -= 3.8 * mm
        rule_y = height - 21 * mm
        canvas.setStrokeColor(Palette.RULE)
        canvas.setLineWidth(0.5)
        canvas.line(left, rule_y, right, rule_y)

    def _draw_banner(self, canvas: Canvas, text: str, width: float, height: float) -> None:
        """A tinted strip under the header rule, above the text: every page says it."""
        left = self.left_margin
        strip_width = width - self.left_margin - self.right_margin
        bottom = height - 29 * mm
        canvas.setFillColor(Palette.DRAFT_TINT)
        canvas.setStrokeColor(Palette.DRAFT)
        canvas.setLineWidth(0.6)
        canvas.rect(left, bottom, strip_width, 6 * mm, stroke=1, fill=1)
        canvas.setFillColor(Palette.DRAFT)
        canvas.setFont(self.fonts.bold, 9)
        label = " ".join(clean_text(text, self._coverage_bold).split())
        canvas.drawCentredString(left + strip_width / 2, bottom + 2 * mm, label)

    def _draw_watermark(self, canvas: Canvas, text: str, width: float, height: float) -> None:
        """The same words large, faint and diagonal across the page, as outlines.

        Outlines, not text: a reader copying a paragraph, a search, or
        ``pdftotext`` would otherwise meet "DRAFT" in the middle of a
        sentence. The banner above carries the words as text. The outlines
        are a form drawn once and placed on every page, so a long draft
        does not repeat them page after page.
        """
        label = " ".join(clean_text(text, self._coverage_bold).split())
        name = f"qpmrWatermark{zlib.crc32(f'{label}|{width:.0f}x{height:.0f}'.encode()):08x}"
        if not canvas.hasForm(name):
            outline = glyph_outline(label, self.fonts.bold)
            if outline.width <= 0:
                return
            canvas.beginForm(name, 0, 0, width, height)
            self._draw_outline(canvas, outline, width, height)
            canvas.endForm()
        # The colour is set on the page, not in the form: the form inherits
        # it, and its transparency (an ExtGState) is a resource ReportLab
        # gives pages but not forms.
        canvas.saveState()
        canvas.setFillColor(Palette.WATERMARK)
        canvas.doForm(name)
        canvas.restoreState()

    @staticmethod
    def _draw_outline(canvas: Canvas, outline: GlyphOutline, width: float, height: float) -> None:
        diagonal = (width**2 + height**2) ** 0.5
        size = min(64.0, 0.62 * diagonal / outline.width)
        canvas.saveState()
        canvas.translate(width / 2, height / 2)
        canvas.rotate(math.degrees(math.atan2(height, width)))
        canvas.translate(-outline.width * size / 2, -0.35 * size)
        path = canvas.beginPath()
        for operation, values in outline.operations:
            points = [value * size for value in values]
            if operation == "M":
                path.moveTo(*points)
            elif operation == "L":
                path.lineTo(*points)
            elif operation == "C":
                path.curveTo(*points)
            else:
                path.close()
        canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)
        canvas.restoreState()

    def _draw_footer_title(self, canvas: Canvas, text: str, width: float) -> None:
        canvas.setFillColor(Palette.MUTED)
        canvas.setFont(self.fonts.regular, 8.5)
        available = width - self.left_margin - self.right_margin - 30 * mm
        canvas.drawString(
            self.left_margin, 12 * mm, self._page_label(text, self.fonts.regular, 8.5, available)
        )
        canvas.setStrokeColor(Palette.RULE)
        canvas.setLineWidth(0.5)
        canvas.line(self.left_margin, 16 * mm, width - self.right_margin, 16 * mm)

    # ---- small helpers

    @property
    def _coverage_regular(self) -> frozenset[int]:
        return self.fonts.coverage(self.fonts.regular)

    @property
    def _coverage_bold(self) -> frozenset[int]:
        return self.fonts.coverage(self.fonts.bold)

    def _page_label(self, text: str, font: str, size: float, width: float) -> str:
        """``text`` on one line in ``font``, cut to fit ``width``; worked out once, not per page."""
        key = (text, font, size, width)
        label = self._page_labels.get(key)
        if label is None:
            line = " ".join(clean_text(text, self.fonts.coverage(font)).split())
            label = self._page_labels[key] = self._fit(line, font, size, width)
        return label

    @staticmethod
    def _fit(text: str, font: str, size: float, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width`` on one line (header and footer)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: PLC0415

        if stringWidth(text, font, size) <= width:
            return text
        while text and stringWidth(text + "\u2026", font, size) > width:
            text = text[:-1]
        return text.rstrip() + "\u2026"

    @staticmethod
    def _read_logo(path: Path | None) -> ImageReader | None:
        if path is None:
            return None
        try:
            # Read the bytes ourselves: given a name that is not a file,
            # ReportLab's ImageReader would try it as a URL.
            reader = ImageReader(io.BytesIO(Path(path).read_bytes()))
            reader.getSize()  # decodes the header: a bad image fails here, not mid-build
        except (OSError, ValueError) as error:
            _log.warning("council logo %s left out: %s", path, error)
            return None
        return reader
