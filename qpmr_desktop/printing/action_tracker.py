"""The printed action tracker: landscape A4, every improvement-plan action on one day.

Contract (issue 6, point 4; CONVENTIONS.md, BRAG):
- ``render_action_tracker(data, council=…)`` prints, in this order: the title
  and the day the actions were judged on; a summary of counts by BRAG rating
  (one row per plan and a total, with the number overdue), then for each plan
  its heading, its board, its events timeline chart (``charts.timeline_chart``
  drawn as vector graphics: matplotlib straight into ReportLab shapes through
  ``printing.mpl_shapes``, never a raster image)
  and, per priority area in the plan's order, a table of its actions: ref,
  action and lead, due date ("Overdue" marked beneath it), status and rating
  each as shape + word ("● On track", "▲ Off track"; the shape alone in
  colour, never the cell), progress, and the latest update with its date and
  author ("12 Oct 2017 — Ann Lead").
- Ratings and overdue are the data's (judged by the services on
  ``data.today``); nothing is judged again here.
- Plans are outline level 0 and priority areas level 1 (plus
  ``outline_offset`` inside a pack); the summary is level 0 too.
- Text prints verbatim (``document.escape_text``); a plan without actions or
  events still prints, with a sentence saying so.
- ``ActionTrackerDocument.flowables()`` is what the pack composes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer

from qpmr_desktop.charts import style as chart_style
from qpmr_desktop.charts.timeline_chart import (
    TimelineAction,
    TimelineData,
    TimelineEvent,
)
from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.printing.action_data import (
    ActionEntryData,
    ActionTrackerData,
    PlanData,
    PriorityAreaData,
)
from qpmr_desktop.printing.data import CouncilInfo
from qpmr_desktop.printing.document import (
    CouncilDocument,
    DocumentMetadata,
    PageDecoration,
    abbreviated_date,
    short_date,
)
from qpmr_desktop.printing.fonts import FontFamily
from qpmr_desktop.printing.styles import Palette
from qpmr_desktop.printing.vector_chart import ChartJob, VectorChart, register_chart_fonts

TITLE = "Improvement plan action tracker"
NO_AREA = "No priority area"
OVERDUE = "Overdue"
NO_UPDATE = "No update recorded"
SAMPLE_NOTE = "Sample data \u2014 not from a published source"
CHART_HEIGHT_IN = 3.9
AREA_START_ROOM = 70 * mm  # a priority area's heading, table header and a first row of six lines

# Summary columns, in the order CONVENTIONS.md gives BRAG: worst news last
# would hide it, so the table reads Blue → Grey as the key does.
RATING_ORDER = (ActionRag.BLUE, ActionRag.GREEN, ActionRag.AMBER, ActionRag.RED, ActionRag.GREY)

# A status reads with the shape of the rating it would give on its own, so
# the two columns speak one visual language ("◆ At risk" in both).
_STATUS_RATING = {
    ActionStatus.COMPLETE: ActionRag.BLUE,
    ActionStatus.ON_TRACK: ActionRag.GREEN,
    ActionStatus.AT_RISK: ActionRag.AMBER,
    ActionStatus.OFF_TRACK: ActionRag.RED,
    ActionStatus.NOT_STARTED: ActionRag.GREY,
}

# The chips' colours are the charts' (one palette for screen, chart and
# paper), except amber: the chart's face colour is too pale for a glyph on
# white, so its darker edge-like tone is used for the symbol alone.
_CHIP_COLOURS = {
    ActionRag.BLUE: chart_style.BRAG_BLUE,
    ActionRag.GREEN: chart_style.RAG_GREEN,
    ActionRag.AMBER: "#B8860B",
    ActionRag.RED: "#D4351C",
    ActionRag.GREY: "#505a5f",
}
_OVERDUE_COLOUR = "#D4351C"


def rating_words(rag: ActionRag) -> str:
    """ "▲ Off track": a rating as shape and word, as printed."""
    return f"{rag.symbol} {rag.label}"


def status_words(status: ActionStatus) -> str:
    """ "◆ At risk": a status as shape and word, as printed."""
    return f"{_STATUS_RATING[status].symbol} {status.label}"


def rating_counts(actions: Sequence[ActionEntryData]) -> dict[ActionRag, int]:
    """How many actions have each rating, every rating present (zero where none)."""
    counts = dict.fromkeys(RATING_ORDER, 0)
    for action in actions:
        counts[action.rag] += 1
    return counts


def _update_date(at: dt.datetime) -> str:
    # Stored in UTC; papers give the day only, which is the same day in
    # London for every update time the app records during office hours.
    return short_date(at.date())


# ------------------------------------------------------------------ the chart as vectors


def timeline_chart(
    data: TimelineData, *, width: float, height: float, fonts: FontFamily
) -> VectorChart:
    """The plan's timeline as a vector flowable, ``width`` × ``height`` points.

    Built at the size it is printed (the chart lays its rows out for its
    size), through ``vector_chart``: the same conversion and font mapping as
    the performance report's charts.
    """
    register_chart_fonts(fonts)
    return VectorChart(ChartJob("timeline", data, width / 72.0, height / 72.0), width)


def timeline_data(plan: PlanData, *, today: dt.date, sample: bool) -> TimelineData:
    """The chart's input for ``plan``: its areas, events and dated actions."""
    return TimelineData(
        plan_name=plan.name,
        areas=tuple(area.name for area in plan.areas if area.name),
        events=tuple(
            TimelineEvent(
                title=event.title,
                start=event.start,
                end=event.end,
                precision=event.precision,
                kind=event.kind,
            )
            for event in plan.events
        ),
        actions=tuple(
            TimelineAction(
                ref=action.ref,
                area=area.name,
                due=action.due_date,
                rag=action.rag,
                overdue=action.overdue and action.due_date is not None,
            )
            for area in plan.areas
            for action in area.actions
        ),
        today=today,
        sample=sample,
    )


# ------------------------------------------------------------------ the document


class ActionTrackerDocument(CouncilDocument):
    """The tracker: summary by BRAG, then plan → priority area → actions (module contract)."""

    landscape = True

    def __init__(
        self, data: ActionTrackerData, *, council: CouncilInfo, outline_offset: int = 0
    ) -> None:
        super().__init__(council=council, outline_offset=outline_offset)
        self.data = data

    def metadata(self) -> DocumentMetadata:
        names = ", ".join(plan.name for plan in self.data.plans)
        return DocumentMetadata(
            title=f"{TITLE}, as at {short_date(self.data.today)}",
            subject=f"Actions of {names}" if names else "Improvement plan actions",
            keywords=("action tracker", "improvement plan", *(p.name for p in self.data.plans)),
        )

    def decoration(self) -> PageDecoration:
        header = (self.data.committee, f"As at {short_date(self.data.today)}")
        return PageDecoration(
            header_right=tuple(line for line in header if line),
            footer_left=f"{TITLE} \u2014 as at {short_date(self.data.today)}",
        )

    def story(self) -> list[Flowable]:
        data = self.data
        story: list[Flowable] = [
            self.heading(TITLE, "Title", level=0),
            self.paragraph(
                f"Every action as it stands on {short_date(data.today)}: ratings "
                f"are shown as a shape and a word (\u25a0 Blue complete, \u25cf Green on "
                f"track, \u25c6 Amber at risk, \u25b2 Red off track or overdue, \u25cb grey "
                f"not started).",
                "Subtitle",
            ),
        ]
        if data.is_sample:
            story.append(self.note(SAMPLE_NOTE))
        story.extend(self.summary_flowables())
        for plan in data.plans:
            story.extend(self.plan_flowables(plan))
        return story

    # ---- summary

    def summary_flowables(self) -> list[Flowable]:
        story: list[Flowable] = [self.heading("Summary by rating", "Heading1", level=0)]
        if not self.data.plans:
            story.append(self.paragraph("There are no improvement plans to report.", "Body"))
            return story
        header: list[Flowable | str] = [self.paragraph("Plan", "TableHeader")]
        header += [self.markup_paragraph(self.chip(rag), "TableHeader") for rag in RATING_ORDER]
        header += [
            self.paragraph("Overdue", "TableHeader"),
            self.paragraph("Total", "TableHeader"),
        ]
        rows: list[list[Flowable | str]] = [header]
        for name, actions in [
            *((plan.name, plan.actions) for plan in self.data.plans),
            ("All plans", self.data.actions),
        ]:
            counts = rating_counts(actions)
            rows.append(
                [
                    self.paragraph(name, "TableLabel" if name == "All plans" else "TableCell"),
                    *(self.paragraph(str(counts[rag]), "TableCell") for rag in RATING_ORDER),
                    self.paragraph(str(sum(a.overdue for a in actions)), "TableCell"),
                    self.paragraph(str(len(actions)), "TableCell"),
                ]
            )
        frame_width = self.frame_size()[0]
        # Wide enough that "○ Not started" stays on one line as a header.
        rating_width, count_width = 31 * mm, 20 * mm
        name_width = frame_width - rating_width * len(RATING_ORDER) - 2 * count_width
        table = self.table(
            rows,
            col_widths=[name_width, *[rating_width] * len(RATING_ORDER), count_width, count_width],
            commands=[
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), Palette.TINT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, Palette.RULE),
                ("LINEBELOW", (0, 1), (-1, -2), 0.3, Palette.RULE),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, Palette.HEADING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ],
            repeatRows=1,
            spaceBefore=2,
            spaceAfter=6,
        )
        story.append(table)
        return story

    # ---- one plan

    def plan_flowables(self, plan: PlanData) -> list[Flowable]:
        frame_width, frame_height = self.frame_size()
        chart_height = CHART_HEIGHT_IN * 72.0
        # Each plan starts a fresh page: its heading, board and chart belong together.
        story: list[Flowable] = [CondPageBreak(frame_height), self.heading(plan.name, level=0)]
        if plan.board.strip():
            story.append(self.paragraph(f"Overseen by the {plan.board.strip()}", "Presenters"))
        chart = timeline_chart(
            timeline_data(plan, today=self.data.today, sample=self.data.is_sample),
            width=frame_width,
            height=chart_height,
            fonts=self.fonts,
        )
        story.append(KeepTogether([chart, Spacer(0, 4 * mm)]))
        if not plan.actions:
            story.append(self.paragraph("This plan has no actions yet.", "Body"))
        for area in plan.areas:
            story.extend(self.area_flowables(area))
        return story

    def area_flowables(self, area: PriorityAreaData) -> list[Flowable]:
        name = area.name or NO_AREA
        heading = self.heading(name, "Heading2", level=1)
        # Kept with the whole table, a heading would push a long table to a
        # fresh page; room for the heading and the first rows is enough.
        heading.keepWithNext = 0
        story: list[Flowable] = [CondPageBreak(AREA_START_ROOM), heading]
        if not area.actions:
            story.append(self.paragraph("No actions in this priority area.", "Note"))
            return story
        # Wide enough that a due date ("30 Nov 2017") and a status or rating
        # ("○ Not started") stay on one line.
        widths = [12 * mm, 60 * mm, 29 * mm, 32 * mm, 32 * mm, 21 * mm]
        widths.append(self.frame_size()[0] - sum(widths))
        header = [
            "Ref",
            "Action and lead",
            "Due",
            "Status",
            "Rating",
            "Progress",
            "Latest update",
        ]
        rows: list[list[Flowable | str]] = [[self.paragraph(h, "TableHeader") for h in header]]
        rows += [self.action_row(action) for action in area.actions]
        story.append(
            self.table(
                rows,
                col_widths=widths,
                commands=[
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), Palette.TINT),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, Palette.RULE),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.3, Palette.RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ],
                long=True,
                repeatRows=1,
                spaceBefore=2,
                spaceAfter=4,
            )
        )
        return story

    def action_row(self, action: ActionEntryData) -> list[Flowable | str]:
        description = self.escape(action.description, "TableCell")
        if action.lead.strip():
            description += f"<br/><font size=8.5 color='{Palette.MUTED.hexval()}'>"
            description += f"Lead: {self.escape(action.lead, 'Small')}</font>"
        if action.is_sample and not self.data.is_sample:
            description += f"<br/><i>{self.escape('Sample data', 'Note')}</i>"
        due = abbreviated_date(action.due_date) if action.due_date else "No due date"
        due_markup = self.escape(due, "TableCell")
        if action.overdue:
            due_markup += f"<br/><font color='{_OVERDUE_COLOUR}'>{self.bold(OVERDUE)}</font>"
        rating = self.chip(action.rag)
        if action.rag_reason.startswith("Override"):
            # An officer's override is printed with its reason: the committee
            # should see why the rating differs from what the rules give.
            rating += f"<br/><font size=8>{self.escape(action.rag_reason, 'Small')}</font>"
        return [
            self.paragraph(action.ref, "TableLabel"),
            self.markup_paragraph(description, "TableCell"),
            self.markup_paragraph(due_markup, "TableCell"),
            self.markup_paragraph(
                self.chip(_STATUS_RATING[action.status], action.status.label), "TableCell"
            ),
            self.markup_paragraph(rating, "TableCell"),
            self.paragraph(f"{action.progress}%", "TableCell"),
            self.update_cell(action),
        ]

    def update_cell(self, action: ActionEntryData) -> Paragraph:
        if not action.latest_update.strip():
            return self.paragraph(NO_UPDATE, "Note")
        byline = " \u2014 ".join(
            part
            for part in (
                _update_date(action.latest_update_at) if action.latest_update_at else "",
                action.latest_update_by.strip(),
            )
            if part
        )
        markup = self.escape(action.latest_update, "TableCell")
        if byline:
            markup += f"<br/><font size=8.5 color='{Palette.MUTED.hexval()}'>"
            markup += f"{self.escape(byline, 'Small')}</font>"
        return self.markup_paragraph(markup, "TableCell")

    # ---- small pieces

    def chip(self, rag: ActionRag, word: str | None = None) -> str:
        """Markup for shape + word, the shape alone in the rating's colour."""
        colour = colors.HexColor(_CHIP_COLOURS[rag]).hexval()
        label = rag.label if word is None else word
        return f"<font color='{colour}'>{rag.symbol}</font> {self.escape(label, 'TableCell')}"

    def note(self, text: str) -> Flowable:
        return self.table(
            [[self.paragraph(text, "Note")]],
            col_widths=[self.frame_size()[0]],
            commands=[("BACKGROUND", (0, 0), (-1, -1), Palette.NOTE_TINT)],
            spaceAfter=6,
        )


def render_action_tracker(data: ActionTrackerData, *, council: CouncilInfo) -> bytes:
    """The action tracker as PDF bytes (landscape A4)."""
    return ActionTrackerDocument(data, council=council).render()
