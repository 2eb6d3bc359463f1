"""The base document's shortcuts print exactly what ReportLab would (issue 6, point 8).

A long action tracker is thousands of small paragraphs in tables split over
pages. The base document parses each markup once (a repeat gets copies of
the first parse's fragments, plain text skips the parser), breaks a
paragraph's lines once per width however often a table measures it, and
cleans text through a per-character table. Each shortcut is checked here
against the slow way it replaces, with any text at all.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.platypus import Flowable, LongTable, Paragraph

from qpmr_desktop.printing.document import (
    REPLACEMENT_CHARACTER,
    MeasuredParagraph,
    clean_text,
)
from qpmr_desktop.printing.fonts import register_fonts
from tests.unit.printing import assert_in_order, body_text, reader
from tests.unit.printing.test_document import SamplePaper

# Text that exercises every rule: markup characters, quotes, entities typed
# as text, line breaks, control and format characters, emoji in and beyond
# the Basic Multilingual Plane, right-to-left and CJK letters, odd spaces.
_TOKENS = [
    *"ab Z09<>&\"';/=\n\r\t\x00\u00a0\u2003\u200d\u2028éłΩЖ؟中✓😀\ud800",
    "&amp;",
    "<b>",
    "</b>",
    "<br/>",
    "word ",
]
_TRICKY = st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join)
_STYLES = ("Body", "TableCell", "TableHeader", "Note", "ListItem", "Heading2")


def _fragments(paragraph: Paragraph) -> list[dict[str, Any]]:
    return [dict(vars(fragment)) for fragment in paragraph.frags]


def _parsed_by_reportlab(document: SamplePaper, markup: str, style: str, bullet: str | None) -> Any:
    return Paragraph(markup, document.styles[style], bulletText=bullet)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TRICKY, style=st.sampled_from(_STYLES), bullet=st.sampled_from([None, "\u2022"]))
def test_a_paragraph_has_the_fragments_reportlabs_parser_gives_first_and_every_time(
    text: str, style: str, bullet: str | None
) -> None:
    document = SamplePaper()
    markup = document.escape(text, style)
    for _ in range(3):  # the first parses (or takes the plain-text shortcut), later ones copy
        # Fresh each time: laying a paragraph out rewrites its fragments.
        expected = _parsed_by_reportlab(document, markup, style, bullet)
        paragraph = document.paragraph(text, style, bulletText=bullet)
        assert isinstance(paragraph, MeasuredParagraph)
        assert _fragments(paragraph) == _fragments(expected)
        assert (paragraph.text, paragraph.bulletText) == (expected.text, expected.bulletText)
        assert paragraph.wrap(120, 1000) == Paragraph.wrap(expected, 120, 1000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TRICKY)
def test_markup_from_the_cache_is_the_markup_parsed_again(text: str) -> None:
    document = SamplePaper()
    markup = (
        f"{document.escape(text, 'TableCell')}<br/><font size=8.5 color='#5A6570'>"
        f"Lead: {document.escape(text, 'Small')}</font> {document.bold(text)}"
    )
    expected = _parsed_by_reportlab(document, markup, "TableCell", None)
    first = document.markup_paragraph(markup, "TableCell")
    again = document.markup_paragraph(markup, "TableCell")
    assert _fragments(first) == _fragments(expected) == _fragments(again)
    # Copies, not shared: laying one out (which rewrites its fragments) leaves the other alone.
    first.wrap(80, 1000)
    assert _fragments(again) == _fragments(expected)
    assert all(a is not b for a, b in zip(first.frags, again.frags, strict=False))


def test_a_paragraph_breaks_its_lines_once_per_width() -> None:
    document = SamplePaper()
    paragraph = document.paragraph("word " * 60)
    calls: list[float] = []
    breaks = paragraph.breakLines

    def counted(widths: Any) -> Any:
        calls.append(widths[0])
        return breaks(widths)

    paragraph.breakLines = counted
    narrow = paragraph.wrap(100, 500)
    assert paragraph.wrap(100, 900) == narrow
    wide = paragraph.wrap(300, 500)
    assert wide[1] < narrow[1]
    assert paragraph.wrap(100, 500) == narrow  # measured again at the old width: right again
    assert calls == [100, 300, 100]


def test_a_split_paragraph_is_measured_afresh() -> None:
    document = SamplePaper()
    paragraph = document.paragraph("word " * 400)
    whole = paragraph.wrap(200, 10_000)
    parts = paragraph.split(200, whole[1] / 2)
    assert len(parts) == 2
    heights = [part.wrap(200, 10_000)[1] for part in parts]
    assert abs(sum(heights) - whole[1]) < 1e-6


def _clean_text_reference(text: str, coverage: frozenset[int] | None) -> str:
    """``clean_text`` as first written, one rule at a time: what the fast one must equal."""
    text = unicodedata.normalize("NFC", text)
    for separator in ("\r\n", "\r", "\u2028", "\u2029", "\x85"):
        text = text.replace(separator, "\n")
    out = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\n":
            out.append(char)
        elif category == "Cc":
            out.append(" ")
        elif category == "Cs" or ord(char) > 0xFFFF:
            out.append(REPLACEMENT_CHARACTER)
        elif coverage is None or ord(char) in coverage:
            out.append(char)
        elif category == "Cf":
            continue
        elif category == "Zs":
            out.append(" ")
        else:
            out.append(REPLACEMENT_CHARACTER)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_TRICKY, st.text(max_size=60)), face=st.sampled_from([None, 0, 1]))
def test_clean_text_answers_as_its_rules_say(text: str, face: int | None) -> None:
    fonts = register_fonts()
    coverage = None if face is None else fonts.coverage((fonts.regular, fonts.bold)[face])
    assert clean_text(text, coverage) == _clean_text_reference(text, coverage)


class _LongTablePaper(SamplePaper):
    def story(self) -> list[Flowable]:
        rows = [[self.paragraph("Ref", "TableHeader"), self.paragraph("Text", "TableHeader")]]
        rows += [
            [
                self.paragraph(f"R{n}", "TableLabel"),
                self.paragraph(f"Row {n} <&> " * 3, "TableCell"),
            ]
            for n in range(150)
        ]
        return [self.table(rows, col_widths=[60, 300], long=True, repeatRows=1)]


def test_a_long_table_prints_every_row_in_order_over_pages_with_its_header() -> None:
    paper = _LongTablePaper()
    table = paper.story()[0]
    assert isinstance(table, LongTable)
    text = body_text(paper.render())
    assert_in_order(text, [f"R{n} Row {n} <&>" for n in range(150)])
    pages = len(reader(paper.render()).pages)
    assert pages > 2
    assert len(re.findall(r"Ref\s+Text", text)) == pages  # the header row on every page
