"""The meeting pack: cover, contents with measured page numbers, one numbering and outline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qpmr_desktop.printing.action_data import PackData
from qpmr_desktop.printing.action_tracker import TITLE as TRACKER_TITLE
from qpmr_desktop.printing.data import CouncilInfo
from qpmr_desktop.printing.pack import (
    CONTENTS_TITLE,
    MINUTES_PART,
    PACK_TITLE,
    TRACKER_PART,
    PackDocument,
    render_pack,
)
from qpmr_desktop.services.minutes import list_meetings
from qpmr_desktop.services.papers_actions import pack_for_print, period_considered
from qpmr_desktop.services.workspace import open_workspace
from tests.unit.printing import needs_poppler, outline, pdftotext, reader

COUNCIL = CouncilInfo(name="Lancashire County Council")


@pytest.fixture(scope="module")
def pack(demo_template: Path) -> tuple[PackData, bytes, list[str]]:
    workspace = open_workspace(demo_template)
    meeting = list_meetings(workspace=workspace)[0]
    data = pack_for_print(workspace=workspace, meeting_id=meeting.id)
    document = PackDocument(data, council=COUNCIL)
    titles = [part.title for part in document.parts()]
    return data, render_pack(data, council=COUNCIL), titles


def test_period_considered_is_the_latest_complete_quarter() -> None:
    import datetime as dt

    assert period_considered(dt.date(2017, 9, 12)).label == "Q1 2017/18"
    assert period_considered(dt.date(2018, 4, 3)).label == "Q4 2017/18"


@needs_poppler
def test_pack_has_cover_contents_and_parts_at_listed_pages(
    pack: tuple[PackData, bytes, list[str]],
) -> None:
    data, pdf, titles = pack
    assert titles[0] == MINUTES_PART
    assert titles[-1] == TRACKER_PART
    pages = pdftotext(pdf, "-raw").split("\f")
    assert PACK_TITLE in pages[0]
    assert data.minutes.meeting.committee.split()[0] in pages[0]
    contents = pages[1]
    assert CONTENTS_TITLE in contents
    for number, title in enumerate(titles, start=1):
        match = re.search(rf"{number}\.\s+{re.escape(title)}\s+(\d+)", contents)
        assert match is not None, (title, contents)
        start = int(match.group(1))
        # The part's title heads the page it starts on, with the part's content.
        assert pages[start - 1].lstrip().startswith(title), (title, start)
    tracker_start = int(re.search(rf"{len(titles)}\.\s+{TRACKER_PART}\s+(\d+)", contents).group(1))  # type: ignore[union-attr]
    assert TRACKER_TITLE in pages[tracker_start - 1]
    minutes_start = int(re.search(rf"1\.\s+{MINUTES_PART}\s+(\d+)", contents).group(1))  # type: ignore[union-attr]
    assert "Minutes of the meeting of the" in pages[minutes_start - 1]
    if len(titles) == 3:
        assert data.period_label in titles[1]


@needs_poppler
def test_pack_numbering_is_continuous(pack: tuple[PackData, bytes, list[str]]) -> None:
    _data, pdf, _titles = pack
    pages = pdftotext(pdf, "-raw").split("\f")[:-1]
    total = len(reader(pdf).pages)
    assert len(pages) == total
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text


def test_pack_outline_has_one_top_level_entry_per_part(
    pack: tuple[PackData, bytes, list[str]],
) -> None:
    _data, pdf, titles = pack
    entries = outline(pdf)
    assert [title for level, title, _page in entries if level == 0] == titles
    assert any(level == 1 for level, _title, _page in entries)


def test_pack_tracker_pages_are_landscape_minutes_portrait(
    pack: tuple[PackData, bytes, list[str]],
) -> None:
    _data, pdf, _titles = pack
    starts = {title: page for level, title, page in outline(pdf) if level == 0}
    pages = reader(pdf).pages
    minutes = pages[starts[MINUTES_PART] - 1].mediabox
    tracker = pages[starts[TRACKER_PART] - 1].mediabox
    assert float(minutes.width) < float(minutes.height)
    assert float(tracker.width) > float(tracker.height)
    assert all(
        float(p.mediabox.width) > float(p.mediabox.height)
        for p in pages[starts[TRACKER_PART] - 1 :]
    )
