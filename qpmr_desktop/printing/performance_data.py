"""Plain input data for the quarterly performance report.

Contract:
- Printing never reads the database: ``services.papers.performance_report_for_print``
  builds these frozen dataclasses from the indicator read models
  (``IndicatorDetail`` / ``IndicatorValueRow``) and hands them to
  ``performance_report.render_performance_report``.
- One ``IndicatorPanelData`` is one indicator as judged for the report's
  period: the texts are already formatted by unit (as the read models give
  them), "" where a figure is missing. ``chart`` is the same plain chart data
  the Indicators tab draws, ending at the report's period.
- Every text is plain text, never markup.
- This module imports no ReportLab and no matplotlib.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qpmr_desktop.charts.indicator_chart import IndicatorChartData
from qpmr_desktop.domain.performance import Direction, Polarity, Rag


@dataclass(frozen=True, slots=True)
class ComparatorData:
    """A benchmark for the period: "England", "Region", "Statistical neighbours"."""

    label: str
    value_text: str


@dataclass(frozen=True, slots=True)
class IndicatorPanelData:
    """One indicator for the report's period: the figures, judgements and chart."""

    ref: str
    name: str
    theme: str
    owner: str
    lead_service: str
    source: str
    polarity: Polarity
    frequency: str  # "quarterly"
    period_label: str  # "Q1 2017/18"
    value_text: str  # "1,875"; "" when the period has no figure
    numerator_text: str = ""  # "" when not known
    denominator_text: str = ""
    target_text: str = ""
    floor_text: str = ""
    rag: Rag = Rag.NO_DATA
    rag_reason: str = ""
    direction: Direction = Direction.NOT_JUDGED  # against the previous quarter
    direction_last_year: Direction = Direction.NOT_JUDGED  # against the same quarter last year
    previous_label: str = ""  # "Q4 2016/17"
    last_year_label: str = ""  # "Q1 2016/17"
    direction_text: str = ""  # "Worsening vs Q4 2016/17; worsening vs Q1 2016/17"
    record: str | None = None  # "Highest ever recorded"
    comparators: tuple[ComparatorData, ...] = ()
    commentary: str = ""
    status_symbol: str | None = None  # a GSS symbol: x c z low u p r b e
    data_as_at: dt.date | None = None
    provisional: bool = False
    is_sample: bool = False  # the period's figures were invented for the demo
    exception: str | None = None  # why it is in "Exceptions", or None
    chart: IndicatorChartData | None = None

    @property
    def has_value(self) -> bool:
        return bool(self.value_text)


@dataclass(frozen=True, slots=True)
class ThemeData:
    """A theme of the council's plan ("Start Well"), its indicators in scorecard order."""

    name: str
    indicators: tuple[IndicatorPanelData, ...]


@dataclass(frozen=True, slots=True)
class PerformanceReportData:
    """The quarterly performance report: every theme, in the council's order."""

    committee: str  # who the report is for, printed on the cover and in the header
    period_label: str  # "Q1 2017/18"
    printed_on: dt.date
    themes: tuple[ThemeData, ...]

    @property
    def indicators(self) -> tuple[IndicatorPanelData, ...]:
        return tuple(indicator for theme in self.themes for indicator in theme.indicators)

    @property
    def has_sample(self) -> bool:
        return any(
            indicator.is_sample or (indicator.chart is not None and indicator.chart.sample)
            for indicator in self.indicators
        )
