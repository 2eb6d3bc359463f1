"""A meeting's pack: cover, contents, minutes, performance report and action tracker in one PDF.

Contract (issue 6, point 5):
- ``render_pack(data, council=…)`` prints a cover (council, committee,
  "Meeting pack", the meeting's date, time and venue, the period considered),
  a contents page listing each part with the page it starts on, then each
  part from a fresh page: the meeting's minutes, the quarterly performance
  report for the period the meeting considered (when ``data.performance`` is
  given and the report's module is installed), and the action tracker
  (landscape pages).
- One build (``CouncilDocument.flowables()`` of every part), so one "Page X
  of Y" numbering runs through the pack and one outline holds it: one
  top-level entry per part, the part's own headings nested beneath
  (``outline_offset=1``). Each part keeps its own running header, footer and
  watermark (the minutes' "DRAFT" only on the minutes' pages).
- Contents page numbers are measured, not guessed, in one build: a marker
  notes the page each part starts on, and the contents page's numbers are
  ``late_text`` (forms filled in when the build ends, as "Page X of Y" is).
- Charts (the report's and the tracker's) are made on every core while the
  rest is laid out, and cached by their data (``vector_chart``).
"""

from __future__ import annotations

import functools
import importlib
import logging
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Spacer
from reportlab.platypus.flowables import NullDraw

from qpmr_desktop.printing.action_data import PackData
from qpmr_desktop.printing.action_tracker import ActionTrackerDocument
from qpmr_desktop.printing.data import CouncilInfo
from qpmr_desktop.printing.document import (
    CouncilDocument,
    DocumentMetadata,
    PageDecoration,
    ProgressCallback,
    clock_time,
    long_date,
    short_date,
)
from qpmr_desktop.printing.minutes_document import MeetingMinutesDocument
from qpmr_desktop.printing.styles import Palette

_log = logging.getLogger(__name__)

PACK_TITLE = "Meeting pack"
CONTENTS_TITLE = "Contents"
MINUTES_PART = "Minutes of the meeting"
PERFORMANCE_PART = "Quarterly performance report"
TRACKER_PART = "Action tracker"
_PERFORMANCE_MODULE = "qpmr_desktop.printing.performance_report"
_PERFORMANCE_CLASS = "PerformanceReportDocument"


class _PartStart(NullDraw):  # type: ignore[misc]  # ReportLab is untyped
    """A zero-size marker that notes the page it is drawn on: where a part starts."""

    def __init__(self, starts: dict[str, int], key: str) -> None:
        super().__init__()
        self._starts = starts
        self._key = key

    def draw(self) -> None:
        self._starts[self._key] = self.canv.getPageNumber()


@dataclass(frozen=True, slots=True)
class _Part:
    key: str
    title: str  # the contents line and the outline's top-level entry
    landscape: bool


class PackDocument(CouncilDocument):
    """The pack; see the module contract."""

    def __init__(self, data: PackData, *, council: CouncilInfo) -> None:
        super().__init__(council=council)
        self.data = data
        self._starts: dict[str, int] = {}  # part key → first page, from the last build
        self._performance_class = _performance_document_class() if data.performance else None

    # ---- hooks

    def metadata(self) -> DocumentMetadata:
        meeting = self.data.minutes.meeting
        return DocumentMetadata(
            title=f"{PACK_TITLE}: {meeting.committee}, {short_date(meeting.date)}",
            subject=(
                f"Minutes, {PERFORMANCE_PART.lower()} for {self.data.period_label} and "
                f"action tracker for the meeting on {long_date(meeting.date)}"
            ),
            keywords=("meeting pack", meeting.committee, short_date(meeting.date)),
        )

    def decoration(self) -> PageDecoration:
        meeting = self.data.minutes.meeting
        return PageDecoration(
            header_right=(meeting.committee, long_date(meeting.date)),
            footer_left=f"{PACK_TITLE} \u2014 {short_date(meeting.date)}",
        )

    def parts(self) -> list[_Part]:
        """The parts in the order printed."""
        parts = [_Part("minutes", MINUTES_PART, landscape=False)]
        if self._performance_class is not None:
            parts.append(
                _Part(
                    "performance", f"{PERFORMANCE_PART}, {self.data.period_label}", landscape=False
                )
            )
        parts.append(_Part("tracker", TRACKER_PART, landscape=True))
        return parts

    def story(self) -> list[Flowable]:
        story: list[Flowable] = [*self.cover(), PageBreak(), *self.contents()]
        for part in self.parts():
            document = self.part_document(part)
            flowables = document.flowables()
            # The part's decoration marker first, then where it starts and its
            # top-level outline entry, on the fresh page the break gives it.
            story += [
                NextPageTemplate("landscape" if part.landscape else "portrait"),
                PageBreak(),
                flowables[0],
                _PartStart(self._starts, part.key),
                self.heading(part.title, "Subtitle", level=0),
                *flowables[1:],
            ]
        return story

    def render(self, *, progress: ProgressCallback | None = None) -> bytes:
        """One build; the contents page's numbers are filled in as it ends."""
        self._starts.clear()
        return super().render(progress=progress)

    # ---- pieces

    def part_document(self, part: _Part) -> CouncilDocument:
        if part.key == "minutes":
            return MeetingMinutesDocument(self.data.minutes, council=self.council, outline_offset=1)
        if part.key == "tracker":
            return ActionTrackerDocument(self.data.tracker, council=self.council, outline_offset=1)
        assert self._performance_class is not None  # parts() lists it only then
        document: CouncilDocument = self._performance_class(
            self.data.performance, council=self.council, outline_offset=1
        )
        return document

    def cover(self) -> list[Flowable]:
        meeting = self.data.minutes.meeting
        when = long_date(meeting.date)
        if meeting.start_time is not None:
            when += f", {clock_time(meeting.start_time)}"
        story: list[Flowable] = [
            Spacer(0, 30 * mm),
            self.paragraph(self.council.name, "Subtitle"),
            self.paragraph(meeting.committee, "Title"),
            self.paragraph(PACK_TITLE, "Heading1"),
            Spacer(0, 6 * mm),
            self.paragraph(when, "Body"),
        ]
        if meeting.venue.strip():
            story.append(self.paragraph(meeting.venue, "Body"))
        story += [
            Spacer(0, 6 * mm),
            self.paragraph(
                f"Performance considered: {self.data.period_label}, the latest complete "
                f"quarter before the meeting. Actions as at {short_date(self.data.tracker.today)}.",
                "Note",
            ),
        ]
        if not meeting.approved:
            story.append(
                self.paragraph("The minutes in this pack are a draft, subject to approval.", "Note")
            )
        return story

    def _start_text(self, key: str) -> str:
        page = self._starts.get(key)
        if page is None:
            # A part that never reached a page would leave a contents line
            # pointing nowhere: that must not go out quietly.
            raise RuntimeError(f"pack part {key!r} was not placed on any page")
        return str(page)

    def contents(self) -> list[Flowable]:
        rows: list[list[Flowable | str]] = [
            [self.paragraph("Part", "TableHeader"), self.paragraph("Page", "TableHeader")]
        ]
        width = self.frame_size()[0]
        for number, part in enumerate(self.parts(), start=1):
            rows.append(
                [
                    self.paragraph(f"{number}.\u2002{part.title}", "TableCell"),
                    self.late_text(
                        functools.partial(self._start_text, part.key),
                        "TableCell",
                        width=25 * mm - 2 * _CELL_PADDING,
                    ),
                ]
            )
        table = self.table(
            rows,
            col_widths=[width - 25 * mm, 25 * mm],
            commands=[
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, Palette.RULE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, Palette.RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ],
        )
        # Not an outline entry: the outline's top level is the parts alone.
        return [self.paragraph(CONTENTS_TITLE, "Title"), Spacer(0, 4 * mm), table]


_CELL_PADDING = 6  # ReportLab's default left and right padding of a table cell


def _performance_document_class() -> Any:
    """The performance report's document class, or None while that module is not installed.

    The report is written in parallel with the pack; until it lands, a pack
    prints without it and says so in the log rather than failing.
    """
    try:
        module = importlib.import_module(_PERFORMANCE_MODULE)
    except ModuleNotFoundError as error:
        if error.name != _PERFORMANCE_MODULE:
            raise  # the module exists but something it imports is missing: a real fault
        _log.warning("meeting pack printed without the performance report: %s", error)
        return None
    return getattr(module, _PERFORMANCE_CLASS)


def render_pack(data: PackData, *, council: CouncilInfo) -> bytes:
    """The meeting's pack as PDF bytes."""
    return PackDocument(data, council=council).render()
