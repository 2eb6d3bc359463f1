"""What the printed papers are made from: plain data gathered from the database.

The printing package takes plain data and never touches the database; these
use cases read what one document needs and hand it over in the printer's own
input types (``qpmr_desktop.printing.data``), so the command line and the
in-app preview print the same thing.

Contract:
- ``council_info`` — the council's name and logo from the database settings.
- ``item_minutes_for_print`` — one agenda item's minutes, with the amendments
  recorded after approval.
- ``meeting_minutes_for_print`` — a meeting's minutes: the record of
  attendance (members present with the chair marked, apologies, substitutes,
  officers in attendance) and every item in agenda order.
- ``indicator_chart_data`` — the chart of one indicator (the last 12
  quarters up to a period, gaps kept, comparators that have figures): the one
  mapping from ``IndicatorDetail`` to ``IndicatorChartData``, shared by the
  Indicators tab and the printed report so both draw the same chart.
- ``performance_report_for_print`` — the quarterly performance report for a
  period: every live indicator, by theme in the council's order and in
  scorecard order within a theme, judged for that period (an indicator with
  no figure for it prints as "No data"), with its chart and whether it is an
  exception (red, or short of target two quarters running).
Unknown ids raise ``NotFoundError``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from qpmr_desktop.charts.indicator_chart import ChartPoint, ComparatorSeries, IndicatorChartData
from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
from qpmr_desktop.domain.minutes import AttendanceRole, AttendanceStatus
from qpmr_desktop.domain.performance import Rag
from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.printing.data import (
    AmendmentData,
    AttendeeData,
    CouncilInfo,
    ItemMinutesData,
    MeetingInfo,
    MeetingMinutesData,
    item_minutes_data,
)
from qpmr_desktop.printing.performance_data import (
    ComparatorData,
    IndicatorPanelData,
    PerformanceReportData,
    ThemeData,
)
from qpmr_desktop.services.indicators import (
    get_indicator_detail,
    list_indicator_rows,
    list_theme_names,
)
from qpmr_desktop.services.minutes import (
    get_item_lifecycle,
    get_item_minutes,
    get_meeting_detail,
    list_meetings,
)
from qpmr_desktop.services.read_models import (
    AmendmentView,
    AttendanceView,
    IndicatorDetail,
    IndicatorValueRow,
)
from qpmr_desktop.services.settings import COUNCIL_NAME, council_logo_path, get_setting
from qpmr_desktop.services.workspace import Workspace


def council_info(*, workspace: Workspace) -> CouncilInfo:
    """The council's name and logo, as set in File > Settings (or their defaults)."""
    return CouncilInfo(
        name=get_setting(workspace=workspace, setting=COUNCIL_NAME),
        logo_path=council_logo_path(workspace=workspace),
    )


def item_minutes_for_print(*, workspace: Workspace, item_id: AgendaItemId) -> ItemMinutesData:
    """One item's minutes as the printer takes them, amendments after approval included."""
    minutes = get_item_minutes(workspace=workspace, item_id=item_id)
    lifecycle = get_item_lifecycle(workspace=workspace, item_id=item_id)
    amendments = tuple(_amendment(amendment) for amendment in lifecycle.amendments)
    return item_minutes_data(minutes, amendments=amendments)


def meeting_minutes_for_print(*, workspace: Workspace, meeting_id: MeetingId) -> MeetingMinutesData:
    """A meeting's minutes as the printer takes them: attendance, then every item."""
    detail = get_meeting_detail(workspace=workspace, meeting_id=meeting_id)
    items = tuple(
        item_minutes_for_print(workspace=workspace, item_id=item.id) for item in detail.items
    )
    attendance = detail.attendance
    members = [
        line
        for line in attendance
        if line.status is AttendanceStatus.PRESENT
        and line.role in {AttendanceRole.CHAIR, AttendanceRole.MEMBER}
    ]
    # The chair heads the list of members present, as minutes are written.
    members.sort(key=lambda line: line.role is not AttendanceRole.CHAIR)
    return MeetingMinutesData(
        meeting=MeetingInfo(
            committee=detail.committee,
            date=detail.date,
            start_time=detail.start_time,
            venue=detail.venue,
            status=detail.status,
            is_sample=detail.is_sample,
        ),
        items=items,
        present=tuple(_attendee(line) for line in members),
        apologies=tuple(
            _attendee(line) for line in attendance if line.status is AttendanceStatus.APOLOGIES
        ),
        substitutes=tuple(
            _attendee(line)
            for line in attendance
            if line.status is AttendanceStatus.PRESENT and line.role is AttendanceRole.SUBSTITUTE
        ),
        officers=tuple(
            _attendee(line, with_title=True)
            for line in attendance
            if line.status is AttendanceStatus.PRESENT and line.role is AttendanceRole.OFFICER
        ),
    )


def _attendee(line: AttendanceView, *, with_title: bool = False) -> AttendeeData:
    return AttendeeData(
        name=line.name,
        role=line.job_title if with_title else "",
        is_chair=line.role is AttendanceRole.CHAIR,
        substitute_for=line.substitute_for,
    )


def _amendment(amendment: AmendmentView) -> AmendmentData:
    # The editing function's name says what kind of change it was, in words.
    what = amendment.operation.replace("_", " ").capitalize()
    return AmendmentData(what=what, who=amendment.who, when=amendment.at, reason=amendment.reason)


# ------------------------------------------------------------------ performance report

CHART_QUARTERS = 12  # CONVENTIONS.md: a trend of 8–12 quarters
DEFAULT_COMMITTEE = "Performance Committee"
_COMPARATORS = (
    ("England", "england", "england_text"),
    ("Region", "region", "region_text"),
    ("Statistical neighbours", "statistical_neighbours", "statistical_neighbours_text"),
)
_MISSED = frozenset({Rag.AMBER, Rag.RED})  # short of target, within tolerance or not


def indicator_chart_data(
    detail: IndicatorDetail, period: Quarter | None = None, *, quarters: int = CHART_QUARTERS
) -> IndicatorChartData:
    """The chart of the last ``quarters`` quarters up to ``period``, gaps kept.

    With ``period`` None the window ends at the latest figure (the Indicators
    tab); with a period, at the latest figure up to it, so a report for an
    earlier quarter never shows figures from after it.
    """
    values = [row for row in detail.values if period is None or row.period <= period]
    rows = {value.period: value for value in values}
    valued = [value.period for value in values if value.value is not None]
    points: list[ChartPoint] = []
    window: list[Quarter] = []
    if valued:
        first = min(rows)
        current = valued[-1]
        while len(window) < quarters and current >= first:
            window.append(current)
            current = current.previous()
        window.reverse()
    for current in window:
        row = rows.get(current)
        if row is None:
            points.append(ChartPoint(period=current, value=None, target=None, rag=Rag.NO_DATA))
        else:
            points.append(
                ChartPoint(
                    period=current, value=row.value, target=row.effective_target, rag=row.rag
                )
            )
    comparators = []
    for label, field, _ in _COMPARATORS:
        series: tuple[float | None, ...] = tuple(
            getattr(rows[current], field) if current in rows else None for current in window
        )
        if any(value is not None for value in series):
            comparators.append(ComparatorSeries(label=label, values=series))
    sample = any(rows[current].is_sample for current in window if current in rows)
    return IndicatorChartData(
        ref=detail.ref,
        name=detail.name,
        unit=detail.unit,
        decimals=detail.decimals,
        polarity=detail.polarity,
        points=tuple(points),
        comparators=tuple(comparators),
        sample=sample,
    )


def performance_report_for_print(
    *,
    workspace: Workspace,
    period: Quarter,
    committee: str | None = None,
    printed_on: dt.date | None = None,
) -> PerformanceReportData:
    """The quarterly performance report for ``period`` as the printer takes it.

    ``committee`` defaults to the committee of the latest meeting on record
    (the committee the report goes to), else ``DEFAULT_COMMITTEE``.
    """
    rows = list_indicator_rows(workspace=workspace)  # live indicators, in scorecard order
    by_theme: dict[str, list[IndicatorPanelData]] = {
        name: [] for name in list_theme_names(workspace=workspace)
    }
    for row in rows:
        detail = get_indicator_detail(workspace=workspace, indicator_id=row.id)
        by_theme.setdefault(detail.theme, []).append(_indicator_panel(detail, period))
    if committee is None:
        meetings = sorted(list_meetings(workspace=workspace), key=lambda meeting: meeting.date)
        committee = meetings[-1].committee if meetings else DEFAULT_COMMITTEE
    return PerformanceReportData(
        committee=committee,
        period_label=period.label,
        # The clerk's own calendar date: the day the paper is printed where it is printed.
        printed_on=printed_on or dt.datetime.now().astimezone().date(),
        themes=tuple(
            ThemeData(name=name, indicators=tuple(panels))
            for name, panels in by_theme.items()
            if panels
        ),
    )


def _indicator_panel(detail: IndicatorDetail, period: Quarter) -> IndicatorPanelData:
    values = {row.period: row for row in detail.values}
    row = values.get(period)
    previous = values.get(period.previous())
    empty = IndicatorPanelData(
        ref=detail.ref,
        name=detail.name,
        theme=detail.theme,
        owner=detail.owner,
        lead_service=detail.lead_service,
        source=detail.source,
        polarity=detail.polarity,
        frequency=detail.frequency.value,
        period_label=period.label,
        value_text="",
        previous_label=period.previous().label,
        last_year_label=period.same_quarter_last_year().label,
        rag_reason=f"No data: no figure for {period.label}.",
        chart=indicator_chart_data(detail, period),
    )
    if row is None:
        return empty
    return replace(
        empty,
        value_text=row.value_text,
        numerator_text=_count_text(row.numerator),
        denominator_text=_count_text(row.denominator),
        target_text=row.target_text,
        floor_text=row.floor_text,
        rag=row.rag,
        rag_reason=row.rag_reason,
        direction=row.direction,
        direction_last_year=row.direction_last_year,
        direction_text=row.direction_text,
        record=row.record,
        comparators=tuple(
            ComparatorData(label=label, value_text=getattr(row, text_field))
            for label, _, text_field in _COMPARATORS
            if getattr(row, text_field)
        ),
        commentary=row.commentary,
        status_symbol=row.status_symbol,
        data_as_at=row.data_as_at,
        provisional=row.provisional,
        is_sample=row.is_sample,
        exception=_exception(row, previous),
    )


def _exception(row: IndicatorValueRow, previous: IndicatorValueRow | None) -> str | None:
    """Why the committee should look at this one: red now, or short of target twice running."""
    if row.rag is Rag.RED:
        return f"Red in {row.period_label}"
    if row.rag in _MISSED and previous is not None and previous.rag in _MISSED:
        return f"Short of target in {previous.period_label} and {row.period_label}"
    return None


def _count_text(number: float | None) -> str:
    """A numerator or denominator as a whole count with separators ("1,204"), "" when unknown."""
    if number is None:
        return ""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,}"
