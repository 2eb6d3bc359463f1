"""The quarterly performance report: cover, contents, key, summary, themes, exceptions.

Contract (issue 6, point 3; CONVENTIONS.md "Charts and printed panels"):
- ``PerformanceReportDocument`` is a ``CouncilDocument``; ``render_performance_report``
  prints a ``PerformanceReportData`` to PDF bytes.
- Order: a cover (council, committee, "Quarterly performance report", the
  period, the date printed, "Contains sample data" when any figure is
  sample); contents with page numbers; the key to symbols; summary counts by
  RAG and by direction of travel (against the previous quarter and the same
  quarter last year); then, theme by theme in the council's order, a summary
  table and one panel per indicator (two to an A4 page: the chart on the
  left, the figures beside it, reason, commentary and data status below); last, the exceptions —
  red, or short of target two quarters running — with their commentary.
- RAG and direction are never colour alone: a shape and a word (● Green,
  ◆ Amber, ▲ Red, ○ Data only / No data; ↑ Improving, ↓ Worsening,
  → No change, – Not judged), so they survive greyscale printing.
- Charts are ``charts.build_indicator_figure`` as vector graphics through
  ``vector_chart`` (no raster image; chart text extractable).
- Contents page numbers come from a layout pass: ``render`` builds the
  document once with each chart's space reserved (no chart is drawn), notes
  the page each section lands on, then builds it for real. The contents has
  the same lines in both passes, so the pages do not move. Printed as part
  of a pack (``flowables``), the report leaves its contents out (``contents=False``):
  the pack has its own.
- All text goes through the base's ``paragraph``/``escape``/``bold``.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from typing import Any, Final

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer
from reportlab.platypus.flowables import HRFlowable

from qpmr_desktop.domain.performance import Direction, Polarity, Rag
from qpmr_desktop.domain.value_parsing import STATUS_SYMBOLS
from qpmr_desktop.printing.data import CouncilInfo
from qpmr_desktop.printing.document import (
    CouncilDocument,
    DocumentMetadata,
    PageDecoration,
    ProgressCallback,
    short_date,
)
from qpmr_desktop.printing.performance_data import IndicatorPanelData, PerformanceReportData
from qpmr_desktop.printing.styles import Palette
from qpmr_desktop.printing.vector_chart import ChartJob, VectorChart, register_chart_fonts

__all__ = [
    "DIRECTION_SYMBOLS",
    "RAG_COLOURS",
    "REPORT_TITLE",
    "SAMPLE_DATA",
    "PerformanceReportDocument",
    "render_performance_report",
]

REPORT_TITLE: Final = "Quarterly performance report"
SAMPLE_DATA: Final = "Sample data"
CONTAINS_SAMPLE: Final = (
    "Contains sample data: figures marked “Sample data” are for demonstration, "
    "not from a published source."
)

# Colours that keep apart in greyscale too (the shapes carry the meaning).
RAG_COLOURS: Final = {
    Rag.GREEN: colors.HexColor("#00703C"),
    Rag.AMBER: colors.HexColor("#B35C00"),
    Rag.RED: colors.HexColor("#C62828"),
    Rag.DATA_ONLY: colors.HexColor("#6F777B"),
    Rag.NO_DATA: colors.HexColor("#6F777B"),
}
RAG_MEANINGS: Final = {
    Rag.GREEN: "On or better than target.",
    Rag.AMBER: "Short of target, within the tolerance.",
    Rag.RED: "Short of target, outside the tolerance (or beyond the floor).",
    Rag.DATA_ONLY: "Reported for information: no target is set.",
    Rag.NO_DATA: "No figure for the period.",
}
# Arrows show better or worse, read through the indicator's polarity, not up or down.
DIRECTION_SYMBOLS: Final = {
    Direction.IMPROVING: "\u2191",
    Direction.WORSENING: "\u2193",
    Direction.NO_CHANGE: "\u2192",
    Direction.NOT_JUDGED: "\u2013",
}
DIRECTION_MEANINGS: Final = {
    Direction.IMPROVING: "Better than the earlier figure, whichever way better is.",
    Direction.WORSENING: "Worse than the earlier figure.",
    Direction.NO_CHANGE: "The same as the earlier figure, as shown.",
    Direction.NOT_JUDGED: "No earlier figure, or an indicator without a better direction.",
}
POLARITY_WORDS: Final = {
    Polarity.HIGHER_IS_BETTER: "Higher is better",
    Polarity.LOWER_IS_BETTER: "Lower is better",
    Polarity.WITHIN_RANGE: "Within a range is better",
    Polarity.NO_JUDGEMENT: "No better direction (data only)",
}
_RAG_ORDER: Final = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.DATA_ONLY, Rag.NO_DATA)
_DIRECTION_ORDER: Final = (
    Direction.IMPROVING,
    Direction.NO_CHANGE,
    Direction.WORSENING,
    Direction.NOT_JUDGED,
)
# The chart's share of a panel's width, and its height: two panels fill an A4 page.
_CHART_SHARE: Final = 0.62
_CHART_HEIGHT_IN: Final = 2.45
_CELL_PADDING: Final = 6  # ReportLab's default left and right padding of a table cell


class _PageMark(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """A zero-size flowable that notes the page it lands on (for the contents)."""

    def __init__(self, key: str, pages: dict[str, int]) -> None:
        super().__init__()
        self.key = key
        self._pages = pages
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:  # noqa: ARG002 - ReportLab's signature
        return 0, 0

    def draw(self) -> None:
        self._pages[self.key] = int(self.canv.getPageNumber())


class PerformanceReportDocument(CouncilDocument):
    """The quarterly performance report for one period (see the module)."""

    def __init__(
        self,
        report: PerformanceReportData,
        *,
        council: CouncilInfo,
        outline_offset: int = 0,
        contents: bool = True,
    ) -> None:
        super().__init__(council=council, outline_offset=outline_offset)
        register_chart_fonts(self.fonts)
        self.report = report
        self.contents = contents
        self._pages: dict[str, int] = {}  # section key -> page, noted as the build places it

    # ---- hooks

    def metadata(self) -> DocumentMetadata:
        report = self.report
        return DocumentMetadata(
            title=f"{REPORT_TITLE}, {report.period_label}",
            subject=f"{report.committee}: performance against target for {report.period_label}",
            keywords=("performance", "indicators", report.period_label, report.committee),
        )

    def decoration(self) -> PageDecoration:
        report = self.report
        return PageDecoration(
            header_right=(report.committee, f"{REPORT_TITLE}, {report.period_label}"),
            footer_left=f"{REPORT_TITLE}, {report.period_label}",
        )

    def render(self, *, progress: ProgressCallback | None = None) -> bytes:
        """The PDF, in one build: the contents' page numbers are filled in as it ends."""
        self._pages.clear()
        return super().render(progress=progress)

    def story(self) -> list[Flowable]:
        pages = self._pages
        story: list[Flowable] = [*self._cover(), PageBreak()]
        sections = self._sections()
        if self.contents:
            story += [*self._contents(sections), PageBreak()]
        story += [_PageMark("key", pages), *self._key()]
        story += [CondPageBreak(90 * mm), _PageMark("summary", pages), *self._summary()]
        for index, theme in enumerate(self.report.themes):
            story += [PageBreak(), _PageMark(f"theme-{index}", pages)]
            story.append(self.heading(theme.name, "Heading1", level=0))
            story.append(self._theme_table(theme.indicators))
            for indicator in theme.indicators:
                story.append(self._panel(indicator))
        story += [PageBreak(), _PageMark("exceptions", pages), *self._exceptions()]
        return story

    # ---- cover and contents

    def _cover(self) -> list[Flowable]:
        report = self.report
        story: list[Flowable] = [
            Spacer(0, 40 * mm),
            self.paragraph(self.council.name, "Subtitle"),
            self.heading(REPORT_TITLE, "Title", level=0),
            self.paragraph(report.period_label, "Title"),
            Spacer(0, 6 * mm),
            self.paragraph(report.committee, "Subtitle"),
            self.paragraph(f"Printed {short_date(report.printed_on)}", "Body"),
        ]
        if report.has_sample:
            story += [Spacer(0, 10 * mm), self._sample_note(CONTAINS_SAMPLE)]
        return story

    def _sections(self) -> list[tuple[str, str]]:
        """(key, title) of every section the contents lists, in order."""
        sections = [("key", "Key to symbols"), ("summary", "Summary")]
        sections += [(f"theme-{i}", theme.name) for i, theme in enumerate(self.report.themes)]
        sections.append(("exceptions", "Exceptions"))
        return sections

    def _contents(self, sections: Sequence[tuple[str, str]]) -> list[Flowable]:
        width = self.frame_size()[0]
        rows = [
            [
                self.paragraph(title, "TableCell"),
                self.late_text(
                    functools.partial(self._page_text, key),
                    "TableCell",
                    width=20 * mm - 2 * _CELL_PADDING,
                ),
            ]
            for key, title in sections
        ]
        table = self.table(
            rows,
            col_widths=[width - 20 * mm, 20 * mm],
            commands=[
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, Palette.RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ],
        )
        return [self.heading("Contents", "Heading1", level=0), table]

    def _page_text(self, key: str) -> str:
        page = self._pages.get(key)
        if page is None:
            raise RuntimeError(f"report section {key!r} was not placed on any page")
        return str(page)

    # ---- key and summary

    def _key(self) -> list[Flowable]:
        width = self.frame_size()[0]
        rag_rows = [
            [self._rag_chip(rag), self.paragraph(RAG_MEANINGS[rag], "TableCell")]
            for rag in (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.DATA_ONLY, Rag.NO_DATA)
        ]
        direction_rows = [
            [
                self._direction_chip(direction),
                self.paragraph(DIRECTION_MEANINGS[direction], "TableCell"),
            ]
            for direction in _DIRECTION_ORDER
        ]
        status_rows = [
            [
                self.markup_paragraph(self.bold(symbol), "TableCell"),
                self.paragraph(meaning.capitalize(), "TableCell"),
            ]
            for symbol, meaning in STATUS_SYMBOLS.items()
        ]
        widths = [40 * mm, width - 40 * mm]
        return [
            self.heading("Key to symbols", "Heading1", level=0),
            self.heading("RAG rating against target", "Heading3", level=1),
            self.table(rag_rows, col_widths=widths, commands=self._grid()),
            self.heading("Direction of travel", "Heading3", level=1),
            self.paragraph(
                "Against the previous quarter and against the same quarter last year. "
                "Arrows show better or worse, not up or down: for an indicator where "
                "lower is better, a fall is improving.",
                "Small",
            ),
            self.table(direction_rows, col_widths=widths, commands=self._grid()),
            self.heading("Data status", "Heading3", level=1),
            self.paragraph(
                "The Government Statistical Service symbols, printed beside a figure.", "Small"
            ),
            self.table(status_rows, col_widths=widths, commands=self._grid()),
        ]

    def _summary(self) -> list[Flowable]:
        indicators = self.report.indicators
        rags = Counter(indicator.rag for indicator in indicators)
        previous = Counter(indicator.direction for indicator in indicators)
        last_year = Counter(indicator.direction_last_year for indicator in indicators)
        width = self.frame_size()[0]
        rag_rows: list[list[Flowable | str]] = [
            [self._header("RAG rating"), self._header("Indicators")]
        ]
        rag_rows += [[self._rag_chip(rag), self._number(rags[rag])] for rag in _RAG_ORDER]
        rag_rows.append([self._header("Total"), self._number(len(indicators), bold=True)])
        direction_rows: list[list[Flowable | str]] = [
            [
                self._header("Direction of travel"),
                self._header("vs previous quarter"),
                self._header("vs same quarter last year"),
            ]
        ]
        direction_rows += [
            [
                self._direction_chip(direction),
                self._number(previous[direction]),
                self._number(last_year[direction]),
            ]
            for direction in _DIRECTION_ORDER
        ]
        header = [*self._grid(), ("BACKGROUND", (0, 0), (-1, 0), Palette.TINT)]
        return [
            self.heading("Summary", "Heading1", level=0),
            self.paragraph(
                f"{len(indicators)} indicators for {self.report.period_label}, "
                f"by RAG rating and by direction of travel.",
                "Body",
            ),
            self.table(
                rag_rows,
                col_widths=[50 * mm, 30 * mm],
                commands=[*header, ("BACKGROUND", (0, -1), (-1, -1), Palette.TINT)],
            ),
            Spacer(0, 5 * mm),
            self.table(
                direction_rows,
                col_widths=[50 * mm, (width - 50 * mm) / 2, (width - 50 * mm) / 2],
                commands=header,
            ),
        ]

    # ---- themes

    def _theme_table(self, indicators: Sequence[IndicatorPanelData]) -> Flowable:
        width = self.frame_size()[0]
        rows: list[list[Flowable | str]] = [
            [
                self._header("Ref"),
                self._header("Indicator"),
                self._header("Value"),
                self._header("Target"),
                self._header("RAG"),
                self._header("Direction"),
            ]
        ]
        rows.extend(
            [
                self.markup_paragraph(self.bold(indicator.ref), "TableCell"),
                self.paragraph(indicator.name, "TableCell"),
                self._value_cell(indicator),
                self.paragraph(indicator.target_text or "\u2014", "TableCell"),
                self._rag_chip(indicator.rag),
                self._direction_chip(indicator.direction),
            ]
            for indicator in indicators
        )
        fixed = [20 * mm, 24 * mm, 22 * mm, 24 * mm, 30 * mm]
        return self.table(
            rows,
            col_widths=[fixed[0], width - sum(fixed), *fixed[1:]],
            commands=[*self._grid(), ("BACKGROUND", (0, 0), (-1, 0), Palette.TINT)],
            repeatRows=1,
        )

    def _value_cell(self, indicator: IndicatorPanelData) -> Flowable:
        if not indicator.has_value:
            return self.paragraph("\u2014", "TableCell")
        markup = self.escape(indicator.value_text, "TableCell")
        if indicator.status_symbol:
            markup += f" [{self.escape(indicator.status_symbol, 'TableCell')}]"
        if indicator.is_sample:
            markup += f"<br/><font size=7.5>{self.escape(SAMPLE_DATA, 'TableCell')}</font>"
        return self.markup_paragraph(markup, "TableCell")

    def _panel(self, indicator: IndicatorPanelData) -> Flowable:
        """One indicator's KPI panel, at most half a page: two panels to an A4 page.

        The chart takes the left of the panel, built at the size it prints
        (so its text keeps its size), and the figures stand beside it; the
        reason, the commentary and the data status run below both.
        """
        width = self.frame_size()[0]
        facts = [
            indicator.theme,
            POLARITY_WORDS[indicator.polarity],
            indicator.frequency.capitalize(),
        ]
        if indicator.owner:
            facts.append(f"Owner: {indicator.owner}")
        chart_width = width * _CHART_SHARE
        body = self.table(
            [
                [
                    self._chart(indicator, chart_width),
                    self._figures_table(indicator, width - chart_width),
                ]
            ],
            col_widths=[chart_width, width - chart_width],
            commands=[
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ],
        )
        parts: list[Flowable] = [
            HRFlowable(width="100%", thickness=0.6, color=Palette.RULE, spaceAfter=2),
            self.heading(f"{indicator.ref}  {indicator.name}", "Heading2", level=1),
            self.paragraph(" \u00b7 ".join(facts), "Small"),
            Spacer(0, 1 * mm),
            body,
            Spacer(0, 1 * mm),
            self.markup_paragraph(
                f"{self.bold('Reason:')} {self.escape(indicator.rag_reason, 'Small')}", "Small"
            ),
        ]
        if indicator.commentary.strip():
            parts.append(
                self.markup_paragraph(
                    f"{self.bold('Commentary:')} {self.escape(indicator.commentary, 'Small')}",
                    "Small",
                )
            )
        # Sample figures are marked in the value line and stamped on the chart.
        parts.append(self.paragraph(self._status_line(indicator), "Small"))
        parts.append(Spacer(0, 3 * mm))
        return KeepTogether(parts)

    def _figures_table(self, indicator: IndicatorPanelData, width: float) -> Flowable:
        """The figures beside the chart: label above value, one fact a row."""
        value = indicator.value_text or "No figure"
        if indicator.numerator_text and indicator.denominator_text:
            value += f" ({indicator.numerator_text} of {indicator.denominator_text})"
        if indicator.status_symbol:
            value += f" [{indicator.status_symbol}]"
        if indicator.is_sample:
            value += f" \u2014 {SAMPLE_DATA}"
        target = indicator.target_text or "No target set"
        if indicator.floor_text:
            target += f"; floor {indicator.floor_text}"
        rows: list[list[Flowable | str]] = [
            [self._label(indicator.period_label)],
            [self.markup_paragraph(self.bold(value), "TableCell")],
            [self._label("Target")],
            [self.paragraph(target, "TableCell")],
            [self._rag_chip(indicator.rag)],
            [self._label("Direction")],
            [self._directions(indicator)],
        ]
        compared = [f"{c.label} {c.value_text}" for c in indicator.comparators]
        if compared or indicator.record:
            text = "; ".join(compared) + "." if compared else "No comparators."
            if indicator.record:
                text += f" {indicator.record}."
            rows += [[self._label("Compared with")], [self.paragraph(text, "TableCell")]]
        labels = [index for index, row in enumerate(rows) if index in (0, 2, 5, 7)]
        return self.table(
            rows,
            col_widths=[width],
            commands=[
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("BACKGROUND", (0, 0), (-1, -1), Palette.TINT),
                *(("TOPPADDING", (0, row), (-1, row), 3) for row in labels if row),
            ],
        )

    def _directions(self, indicator: IndicatorPanelData) -> Flowable:
        lines = [
            (f"{self._direction_markup(direction)} {self.escape('vs ' + label, 'TableCell')}")
            for direction, label in (
                (indicator.direction, indicator.previous_label),
                (indicator.direction_last_year, indicator.last_year_label),
            )
        ]
        return self.markup_paragraph("<br/>".join(lines), "TableCell")

    def _chart(self, indicator: IndicatorPanelData, width: float) -> Flowable:
        if indicator.chart is None:
            return Spacer(0, 0)
        # Built at the size it prints, so matplotlib lays its text out at full size.
        return VectorChart(
            ChartJob("indicator", indicator.chart, width / 72.0, _CHART_HEIGHT_IN), width
        )

    def _status_line(self, indicator: IndicatorPanelData) -> str:
        parts = []
        if indicator.status_symbol:
            meaning = STATUS_SYMBOLS.get(indicator.status_symbol, "")
            parts.append(f"Data status: [{indicator.status_symbol}] {meaning}".rstrip())
        else:
            parts.append("Data status: final" if not indicator.provisional else "Data status:")
        if indicator.provisional and indicator.status_symbol != "p":
            parts.append("provisional")
        if indicator.data_as_at is not None:
            parts.append(f"data as at {short_date(indicator.data_as_at)}")
        if indicator.source:
            parts.append(f"source: {indicator.source}")
        return "; ".join(part for part in parts if part.strip(": ")) + "."

    # ---- exceptions

    def _exceptions(self) -> list[Flowable]:
        story: list[Flowable] = [
            self.heading("Exceptions", "Heading1", level=0),
            self.paragraph(
                "Indicators rated red this quarter, or short of target two quarters running, "
                "with the service's commentary.",
                "Body",
            ),
        ]
        exceptions = [i for i in self.report.indicators if i.exception is not None]
        if not exceptions:
            story.append(self.paragraph("None this quarter.", "Body"))
        for indicator in exceptions:
            assert indicator.exception is not None  # filtered above
            block: list[Flowable] = [
                self.heading(f"{indicator.ref}  {indicator.name}", "Heading3", level=1),
                self.markup_paragraph(
                    f"{self._rag_markup(indicator.rag)} \u00b7 "
                    f"{self.escape(indicator.exception)} \u00b7 "
                    f"{self.escape(indicator.value_text or 'No figure')}"
                    + (f" ({self.escape(SAMPLE_DATA)})" if indicator.is_sample else ""),
                    "Body",
                ),
                self.paragraph(indicator.rag_reason, "Body"),
                self.paragraph(indicator.commentary.strip() or "No commentary given.", "Body"),
            ]
            story.append(KeepTogether(block))
        return story

    # ---- small pieces

    def _rag_markup(self, rag: Rag) -> str:
        colour = RAG_COLOURS[rag].hexval()[2:]
        return f'<font color="#{colour}">{rag.symbol}</font> {self.escape(rag.label)}'

    def _rag_chip(self, rag: Rag) -> Flowable:
        return self.markup_paragraph(self._rag_markup(rag), "TableCell")

    def _direction_markup(self, direction: Direction) -> str:
        return f"<b>{DIRECTION_SYMBOLS[direction]}</b> {self.escape(direction.label)}"

    def _direction_chip(self, direction: Direction) -> Flowable:
        return self.markup_paragraph(self._direction_markup(direction), "TableCell")

    def _header(self, text: str) -> Flowable:
        return self.paragraph(text, "TableHeader")

    def _label(self, text: str) -> Flowable:
        return self.paragraph(text, "TableHeader")

    def _number(self, number: int, *, bold: bool = False) -> Flowable:
        text = f"{number:,}"
        return self.markup_paragraph(self.bold(text) if bold else self.escape(text), "TableCell")

    def _sample_note(self, text: str) -> Flowable:
        note = self.paragraph(text, "Note")
        return self.table(
            [[note]],
            col_widths=[self.frame_size()[0]],
            commands=[("BACKGROUND", (0, 0), (-1, -1), Palette.NOTE_TINT)],
        )

    @staticmethod
    def _grid() -> list[tuple[Any, ...]]:
        return [
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, Palette.RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]


def render_performance_report(report: PerformanceReportData, *, council: CouncilInfo) -> bytes:
    """The quarterly performance report as PDF bytes."""
    return PerformanceReportDocument(report, council=council).render()
