"""The house style of printed papers: one palette and one sheet of named styles.

Contract:
- ``build_stylesheet(family)`` returns a fresh ``StyleSheet1`` whose styles
  are all set in ``family`` (the embedded Unicode font); documents look styles
  up by name (``STYLE_NAMES``) and never make ad-hoc ones, so every document —
  minutes, performance report, action tracker, pack — reads as one set of
  papers.
- The look is a council's own published papers: black text on white, 10.5 pt
  body with generous leading, bold headings in a dark blue-grey, hairline
  rules, a rule beside what must stand out (resolutions). No hyphenation:
  a word printed whole is a word that reads (and searches) back whole.
- ``Palette`` holds the colours for anything drawn outside paragraphs (rules,
  header, watermark) so documents share them too.
"""

from __future__ import annotations

from typing import Final

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle, StyleSheet1

from qpmr_desktop.printing.fonts import FontFamily


class Palette:
    """The few colours of the house style."""

    INK: Final = colors.HexColor("#1A1A1A")
    HEADING: Final = colors.HexColor("#1F3B5A")  # dark blue-grey: calm, prints well in grey
    MUTED: Final = colors.HexColor("#5A6570")  # running header, footer, small print
    RULE: Final = colors.HexColor("#9AA5B1")
    TINT: Final = colors.HexColor("#EEF2F6")  # behind table headers and panels
    ACCENT: Final = colors.HexColor("#1F3B5A")  # the bar beside a resolution
    DRAFT: Final = colors.HexColor("#A3312B")  # the DRAFT banner: a sober red
    DRAFT_TINT: Final = colors.HexColor("#FBEDEC")
    WATERMARK: Final = colors.Color(0.64, 0.19, 0.17, alpha=0.10)
    NOTE_TINT: Final = colors.HexColor("#FFF8E6")  # behind "Sample data" notes


BODY_SIZE: Final = 10.5
BODY_LEADING: Final = 15.0

STYLE_NAMES: Final = (
    "Title",
    "Subtitle",
    "Heading1",
    "Heading2",
    "Heading3",
    "Body",
    "Point",
    "Presenters",
    "ResolutionBox",
    "ResolutionPart",
    "Note",
    "Small",
    "Label",
    "TableHeader",
    "TableCell",
    "TableLabel",
    "ListItem",
    "ListNote",
    "Signature",
)


def build_stylesheet(family: FontFamily) -> StyleSheet1:
    """Every named style of the house style, set in ``family``."""
    sheet = StyleSheet1()
    base = ParagraphStyle(
        name="Base",
        fontName=family.regular,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        textColor=Palette.INK,
        alignment=TA_LEFT,
        # ParagraphStyle's default bullet font is Helvetica, which would be
        # listed as an unembedded font of the PDF.
        bulletFontName=family.regular,
        bulletFontSize=BODY_SIZE,
        # Words longer than a line (URLs, pasted identifiers) are broken
        # rather than running off the page; nothing is ever hyphenated.
        splitLongWords=1,
        hyphenationLang="",
        allowWidows=0,
        allowOrphans=0,
    )
    sheet.add(base)

    def add(name: str, parent: str = "Base", **attributes: object) -> None:
        sheet.add(ParagraphStyle(name=name, parent=sheet[parent], **attributes))

    add(
        "Title",
        fontName=family.bold,
        fontSize=18,
        leading=23,
        textColor=Palette.HEADING,
        spaceAfter=4,
        keepWithNext=1,
    )
    add(
        "Subtitle",
        fontSize=11.5,
        leading=16,
        textColor=Palette.MUTED,
        spaceAfter=14,
        keepWithNext=1,
    )
    add(
        "Heading1",
        fontName=family.bold,
        fontSize=14,
        leading=18,
        textColor=Palette.HEADING,
        spaceBefore=16,
        spaceAfter=6,
        keepWithNext=1,
    )
    add(
        "Heading2",
        fontName=family.bold,
        fontSize=12,
        leading=16,
        textColor=Palette.HEADING,
        spaceBefore=12,
        spaceAfter=4,
        keepWithNext=1,
    )
    add(
        "Heading3",
        fontName=family.bold,
        fontSize=10.5,
        leading=15,
        textColor=Palette.INK,
        spaceBefore=10,
        spaceAfter=3,
        keepWithNext=1,
    )
    add("Body", spaceAfter=7)
    add("Point", "Body")
    add("Presenters", "Body", fontName=family.italic, textColor=Palette.MUTED, spaceAfter=8)
    # Inside the tinted resolution panel: the panel's padding is the indent.
    add("ResolutionBox", "Body", leftIndent=12, rightIndent=10, spaceAfter=4)
    add(
        "ResolutionPart",
        "ResolutionBox",
        leftIndent=12 + 34,
        bulletIndent=12,
    )
    add("Note", "Body", fontName=family.italic, fontSize=9, leading=12.5, textColor=Palette.MUTED)
    add("Small", fontSize=8.5, leading=11.5, textColor=Palette.MUTED)
    add("Label", "Body", fontName=family.bold, spaceAfter=0)
    add("TableHeader", fontName=family.bold, fontSize=9, leading=12, textColor=Palette.HEADING)
    add("TableCell", spaceAfter=0)
    add("TableLabel", "TableCell", fontName=family.bold)
    add("ListItem", "Body", leftIndent=14, bulletIndent=2, spaceAfter=3)
    add("ListNote", "Note", leftIndent=14, spaceAfter=6)
    add("Signature", "Body", alignment=TA_LEFT, spaceBefore=0, spaceAfter=0)
    return sheet
