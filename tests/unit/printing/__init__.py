"""Shared helpers for the printing tests: read a PDF's text back, as rst2pdf's tests do.

PDFs are tested by the text they contain, never by their bytes. Two readers
are used: pypdf (in process) and poppler's ``pdftotext``/``pdffonts`` (the
tools the project's external checks use; tests that need them skip when
poppler is not installed).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf._utils import is_char_neutral, is_char_rtl
from pypdf.generic import Destination

from qpmr_desktop.printing.document import CouncilDocument

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) not installed",
)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's whole text (header, banner and footer included), by pypdf."""
    return [page.extract_text() for page in reader(pdf).pages]


def body_text(pdf: bytes) -> str:
    """The text inside the pages' body frames only, in order, by pypdf.

    Running headers, banners and footers lie outside the frame; leaving them
    out lets a paragraph that runs over a page break read back whole.
    """
    chunks: list[str] = []
    for page in reader(pdf).pages:
        page.extract_text(visitor_text=_frame_visitor(chunks, float(page.mediabox.height)))
    return " ".join(chunks)


def _frame_visitor(chunks: list[str], page_height: float) -> Callable[..., None]:
    top = page_height - CouncilDocument.top_margin + 2
    bottom = CouncilDocument.bottom_margin - 2

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], *_font_and_size: object) -> None:
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # the text's baseline on the page
        if text and bottom <= y <= top:
            chunks.append(text)

    return visit


def pdftotext(pdf: bytes, *options: str) -> str:
    """poppler's text of the PDF (``-layout`` or ``-raw``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            ["pdftotext", *options, "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
        )
    return result.stdout.decode("utf-8")


@dataclass(frozen=True)
class FontRow:
    name: str
    type: str
    embedded: bool


def pdffonts(pdf: bytes) -> list[FontRow]:
    """poppler's list of the fonts a PDF uses, with whether each is embedded."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        output = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, check=True, text=True
        ).stdout
    rows = []
    for line in output.splitlines()[2:]:
        # name, type (one or two words), encoding, emb, sub, uni, object, generation
        fields = line.split()
        emb = fields[-5]
        type_words = fields[1:-6]
        rows.append(FontRow(name=fields[0], type=" ".join(type_words), embedded=emb == "yes"))
    return rows


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """The PDF outline as (level, title, page number from 1), in order."""
    document = reader(pdf)
    entries: list[tuple[int, str, int]] = []

    def walk(items: Iterable[object], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                assert isinstance(item, Destination)
                page = document.get_destination_page_number(item)
                assert page is not None, f"outline entry {item.title!r} points at no page"
                entries.append((level, str(item.title), page + 1))

    walk(document.outline, 0)
    return entries


def words_pattern(text: str) -> re.Pattern[str]:
    """A pattern for ``text``'s words in order, whatever whitespace lies between them.

    As pypdf reads them: pypdf hands each right-to-left run (Hebrew, Arabic …
    and the neutral characters it takes in) to its reader reversed and apart
    from the text around it, even inside one drawn string ("0؟" comes back
    "0 ؟"), so the text is put in that order and space allowed between runs.
    """
    words = (word for run in _pypdf_runs(text) for word in run.split())
    return re.compile(r"\s*".join(re.escape(word) for word in words))


def _pypdf_runs(text: str) -> list[str]:
    """``text`` cut where pypdf's reading direction changes, right-to-left runs reversed."""
    runs: list[tuple[bool, list[str]]] = [(False, [])]
    for char in text:
        right_to_left = runs[-1][0]
        if not is_char_neutral(char) and is_char_rtl(char) != right_to_left:
            runs.append((not right_to_left, []))
        runs[-1][1].append(char)
    return ["".join(reversed(chars) if rtl else chars) for rtl, chars in runs]


def assert_in_order(haystack: str, paragraphs: Iterable[str]) -> None:
    """Every paragraph's words appear in ``haystack``, each after the one before."""
    position = 0
    for paragraph in paragraphs:
        if not paragraph.split():
            continue
        match = words_pattern(paragraph).search(haystack, position)
        assert match is not None, (
            f"not found after position {position}: {paragraph[:80]!r}\n"
            f"text there: {haystack[position : position + 200]!r}"
        )
        position = match.end()
