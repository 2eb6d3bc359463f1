"""The base document: text in verbatim, fonts embedded, pages numbered, outline, metadata."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pypdf.generic import NameObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak

from qpmr_desktop.printing.data import CouncilInfo
from qpmr_desktop.printing.document import (
    DRAFT_WATERMARK,
    REPLACEMENT_CHARACTER,
    CouncilDocument,
    DocumentMetadata,
    PageDecoration,
    clean_text,
    clock_time,
    escape_text,
    join_names,
    long_date,
)
from qpmr_desktop.printing.fonts import font_dir, register_fonts
from qpmr_desktop.printing.styles import BODY_SIZE
from tests.unit.printing import (
    assert_in_order,
    body_text,
    needs_poppler,
    outline,
    page_texts,
    pdffonts,
    pdftotext,
    reader,
)

COUNCIL = CouncilInfo(name="Testshire County Council")
UNICODE_SAMPLE = "– ≥ £ é ł Ω Ж ©"


class SamplePaper(CouncilDocument):
    """A minimal document: a title, headings and paragraphs given by the test."""

    def __init__(
        self,
        story: list[tuple[str, str, int | None]] | None = None,
        *,
        council: CouncilInfo = COUNCIL,
        watermark: str | None = None,
        outline_offset: int = 0,
        extra: list[Flowable] | None = None,
    ) -> None:
        super().__init__(council=council, outline_offset=outline_offset)
        self._story = story if story is not None else [("Title", "A sample paper", 0)]
        self._watermark = watermark
        self._extra = extra or []

    def metadata(self) -> DocumentMetadata:
        return DocumentMetadata(
            title="A sample paper", subject="Testing the base", keywords=("test", "sample")
        )

    def decoration(self) -> PageDecoration:
        return PageDecoration(
            header_right=("Test Committee", "Tuesday, 12 September 2017"),
            footer_left="A sample paper",
            watermark=self._watermark,
        )

    def story(self) -> list[Flowable]:
        flowables: list[Flowable] = []
        for style, text, level in self._story:
            if level is None:
                flowables.append(self.paragraph(text, style))
            else:
                flowables.append(self.heading(text, style, level=level))
        return flowables + self._extra


class LandscapePaper(SamplePaper):
    landscape = True


def paragraphs(count: int) -> list[tuple[str, str, int | None]]:
    return [
        ("Body", f"Paragraph {n:04d} " + "lorem ipsum dolor sit amet " * 6, None)
        for n in range(count)
    ]


# ------------------------------------------------------------------ import cost


def test_printing_package_loads_no_reportlab_until_a_document_is_built() -> None:
    code = (
        "import sys\n"
        "import qpmr_desktop.printing, qpmr_desktop.printing.data\n"
        "assert 'reportlab' not in sys.modules, 'reportlab imported'\n"
        "import qpmr_desktop.printing.minutes_document\n"
        "assert 'reportlab' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------ text


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;"),
        ("Fish & chips", "Fish &amp; chips"),
        ("\"quoted\" and 'single'", "&quot;quoted&quot; and &#39;single&#39;"),
        ("line one\nline two", "line one<br/>line two"),
        ("line one\r\nline two\rthree", "line one<br/>line two<br/>three"),
        ("  padded  ", "padded"),
        ("&amp; stays text", "&amp;amp; stays text"),
        ("", ""),
    ],
)
def test_escape_text_turns_text_into_markup_that_prints_it(text: str, markup: str) -> None:
    assert escape_text(text) == markup


def test_clean_text_normalises_and_replaces_what_cannot_print() -> None:
    coverage = register_fonts().coverage("DejaVuSans")
    assert clean_text("e\u0301", coverage) == "é"  # NFC: one glyph, not a floating accent
    assert clean_text("tab\there\x00nul\x0bvt", coverage) == "tab here nul vt"
    assert clean_text("lone \ud800", coverage) == f"lone {REPLACEMENT_CHARACTER}"
    assert clean_text("smile 😀", coverage) == f"smile {REPLACEMENT_CHARACTER}"
    assert clean_text("tick ✓ heart ❤", coverage) == "tick ✓ heart ❤"
    assert clean_text("\u4e2d", coverage) == REPLACEMENT_CHARACTER  # no CJK in DejaVu Sans
    assert clean_text(UNICODE_SAMPLE, coverage) == UNICODE_SAMPLE
    assert clean_text("a\u2028b", coverage) == "a\nb"


def test_dates_and_times_read_as_council_minutes_give_them() -> None:
    assert long_date(dt.date(2017, 9, 12)) == "Tuesday, 12 September 2017"
    assert clock_time(dt.time(14, 0)) == "2.00 pm"
    assert clock_time(dt.time(10, 30)) == "10.30 am"
    assert clock_time(dt.time(12, 0)) == "12.00 noon"
    assert clock_time(dt.time(0, 15)) == "12.15 am"


@pytest.mark.parametrize(
    ("names", "joined"),
    [
        ([], ""),
        (["A"], "A"),
        (["A, Role", "B, Role"], "A, Role and B, Role"),
        (["A", "B", "C"], "A, B and C"),
        (["A, Role", "B, Role", "C"], "A, Role; B, Role and C"),
    ],
)
def test_join_names(names: list[str], joined: str) -> None:
    assert join_names(names) == joined


def test_user_markup_prints_as_its_characters_in_the_regular_face() -> None:
    pdf = SamplePaper([("Body", "Before <b>not bold</b> & after", None)]).render()
    assert "Before <b>not bold</b> & after" in body_text(pdf)
    fonts_of_text: set[str] = set()

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if "not bold" in text and isinstance(font, dict):
            fonts_of_text.add(str(font[NameObject("/BaseFont")]))

    reader(pdf).pages[0].extract_text(visitor_text=visit)
    assert fonts_of_text
    assert all(name.endswith("+DejaVuSans") for name in fonts_of_text), fonts_of_text


def test_unicode_round_trips() -> None:
    pdf = SamplePaper([("Body", f"Sample: {UNICODE_SAMPLE}.", None)]).render()
    assert f"Sample: {UNICODE_SAMPLE}." in body_text(pdf)


@needs_poppler
def test_unicode_round_trips_through_pdftotext() -> None:
    pdf = SamplePaper([("Body", f"Sample: {UNICODE_SAMPLE}.", None)]).render()
    assert f"Sample: {UNICODE_SAMPLE}." in pdftotext(pdf, "-raw")


def test_a_300_character_url_wraps_inside_the_frame() -> None:
    url = "https://example.org/reports/" + "x" * 272
    assert len(url) == 300
    pdf = SamplePaper([("Body", f"See {url} for details.", None)]).render()
    text = body_text(pdf)
    assert url in "".join(text.split())
    assert "for details." in text
    lines: list[str] = []

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if "xxx" in text:
            lines.append(text.strip())

    reader(pdf).pages[0].extract_text(visitor_text=visit)
    assert len(lines) >= 3
    frame_width = A4[0] - CouncilDocument.left_margin - CouncilDocument.right_margin
    for line in lines:
        assert stringWidth(line, "DejaVuSans", BODY_SIZE) <= frame_width + 0.5


def test_an_empty_story_still_makes_a_valid_pdf() -> None:
    pdf = SamplePaper([]).render()
    assert len(reader(pdf).pages) >= 1


# ------------------------------------------------------------------ fonts


@needs_poppler
def test_every_font_is_embedded_dejavu_in_all_four_styles() -> None:
    extra = [SamplePaper().markup_paragraph("<b>bold</b> <i>italic</i> <b><i>both</i></b>")]
    pdf = SamplePaper(extra=extra, watermark=DRAFT_WATERMARK).render()
    rows = pdffonts(pdf)
    assert rows
    assert all(row.embedded for row in rows), rows
    names = {row.name.split("+", 1)[-1] for row in rows}
    assert names == {
        "DejaVuSans",
        "DejaVuSans-Bold",
        "DejaVuSans-Oblique",
        "DejaVuSans-BoldOblique",
    }
    assert not any("Helvetica" in row.name for row in rows)


def test_the_font_licence_is_shipped_beside_the_fonts() -> None:
    licence = font_dir() / "LICENSE_DEJAVU"
    assert "Bitstream" in licence.read_text(encoding="utf-8")


# ------------------------------------------------------------------ pages


def test_pdf_metadata_names_title_council_subject_language() -> None:
    pdf = SamplePaper().render()
    document = reader(pdf)
    info = document.metadata
    assert info is not None
    assert info.title == "A sample paper"
    assert info.author == "Testshire County Council"
    assert info.subject == "Testing the base"
    assert info.creator == "QPMR Desktop"
    assert "sample" in str(info.get("/Keywords"))
    assert str(document.root_object["/Lang"]) == "en-GB"


def test_every_page_says_page_x_of_y() -> None:
    pdf = SamplePaper(paragraphs(120)).render()
    texts = page_texts(pdf)
    assert len(texts) > 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text


def test_running_header_names_council_and_committee_on_every_page() -> None:
    pdf = SamplePaper(paragraphs(60)).render()
    for text in page_texts(pdf):
        assert "Testshire County Council" in text
        assert "Test Committee" in text


def test_landscape_documents_have_landscape_pages() -> None:
    pdf = LandscapePaper(paragraphs(3)).render()
    box = reader(pdf).pages[0].mediabox
    assert float(box.width) > float(box.height)
    assert "Page 1 of 1" in page_texts(pdf)[0]


def test_watermark_banner_on_every_page_and_the_diagonal_is_not_text() -> None:
    pdf = SamplePaper(paragraphs(60), watermark=DRAFT_WATERMARK).render()
    texts = page_texts(pdf)
    assert len(texts) > 1
    for text in texts:
        # Once: the banner is text, the large diagonal one is drawn outlines.
        assert text.count(DRAFT_WATERMARK) == 1
    assert "DRAFT" not in body_text(pdf)


def test_no_watermark_when_none_is_asked_for() -> None:
    pdf = SamplePaper(paragraphs(60)).render()
    assert not any("DRAFT" in text for text in page_texts(pdf))


def test_paragraphs_keep_their_order_across_pages() -> None:
    story = paragraphs(200)
    pdf = SamplePaper(story).render()
    assert len(reader(pdf).pages) > 5
    assert_in_order(body_text(pdf), [text for _, text, _ in story])


# ------------------------------------------------------------------ outline


def test_every_heading_is_an_outline_entry_on_its_page() -> None:
    story: list[tuple[str, str, int | None]] = [
        ("Title", "The title", 0),
        ("Heading2", "First part", 1),
        *paragraphs(40),
        ("Heading2", "Second part", 1),
        ("Heading3", "A detail", 2),
        ("Body", "Last words.", None),
    ]
    pdf = SamplePaper(story).render()
    entries = outline(pdf)
    assert [(level, title) for level, title, _ in entries] == [
        (0, "The title"),
        (1, "First part"),
        (1, "Second part"),
        (2, "A detail"),
    ]
    pages = page_texts(pdf)
    for _, title, page in entries:
        assert title in pages[page - 1]
    assert entries[-1][2] > 1


def test_outline_levels_never_skip() -> None:
    story: list[tuple[str, str, int | None]] = [("Heading3", "Deep first", 2), ("Title", "Top", 0)]
    entries = outline(SamplePaper(story).render())
    assert [(level, title) for level, title, _ in entries] == [(0, "Deep first"), (0, "Top")]


def test_outline_offset_nests_a_documents_headings() -> None:
    story: list[tuple[str, str, int | None]] = [("Title", "Top", 0), ("Heading2", "Under", 1)]
    document = SamplePaper(story, outline_offset=1)
    pack = SamplePaper([("Title", "Pack", 0)], extra=[PageBreak(), *document.flowables()])
    entries = outline(pack.render())
    assert [(level, title) for level, title, _ in entries] == [
        (0, "Pack"),
        (1, "Top"),
        (2, "Under"),
    ]
    assert entries[1][2] == 2


class OtherPaper(SamplePaper):
    def decoration(self) -> PageDecoration:
        return PageDecoration(header_right=("Other Committee",), watermark=DRAFT_WATERMARK)


def test_each_part_of_a_composed_document_carries_its_own_decoration() -> None:
    part = OtherPaper([("Title", "Second part", 0)])
    pack = SamplePaper([("Title", "First part", 0)], extra=[PageBreak(), *part.flowables()])
    first, second = page_texts(pack.render())
    assert "Test Committee" in first
    assert "DRAFT" not in first
    assert "Page 1 of 2" in first
    assert "Other Committee" in second
    assert "Test Committee" not in second
    assert DRAFT_WATERMARK in second
    assert "Page 2 of 2" in second


def test_a_heading_split_over_a_page_break_is_one_outline_entry() -> None:
    long_heading = "A very long heading " * 400
    pdf = SamplePaper([("Heading1", long_heading, 0)]).render()
    assert len(reader(pdf).pages) > 1
    assert len(outline(pdf)) == 1


def test_heading_text_is_escaped_but_the_outline_shows_it_plain() -> None:
    pdf = SamplePaper([("Title", "Fish & <chips>", 0)]).render()
    assert outline(pdf)[0][1] == "Fish & <chips>"
    assert "Fish & <chips>" in body_text(pdf)


# ------------------------------------------------------------------ logo, progress


def test_the_logo_is_drawn_on_every_page(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (60, 40), (31, 59, 90)).save(logo)
    pdf = SamplePaper(paragraphs(60), council=CouncilInfo("Testshire", logo)).render()
    pages = reader(pdf).pages
    assert len(pages) > 1
    assert all(len(page.images) == 1 for page in pages)


@pytest.mark.parametrize("content", [None, b"not an image"])
def test_a_logo_that_cannot_be_read_is_left_out_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes | None
) -> None:
    logo = tmp_path / "logo.png"
    if content is not None:
        logo.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="qpmr_desktop.printing.document"):
        pdf = SamplePaper(council=CouncilInfo("Testshire", logo)).render()
    assert "logo" in caplog.text
    assert len(reader(pdf).pages[0].images) == 0


def test_progress_is_reported_and_an_exception_cancels_the_build() -> None:
    events: list[str] = []
    SamplePaper(paragraphs(30)).render(progress=lambda kind, value: events.append(kind))
    assert "PAGE" in events
    assert "FINISHED" in events

    class BuildCancelledError(Exception):
        pass

    def cancel(kind: str, value: int) -> None:
        if kind == "PAGE":
            raise BuildCancelledError

    with pytest.raises(BuildCancelledError):
        SamplePaper(paragraphs(30)).render(progress=cancel)
