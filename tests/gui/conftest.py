"""GUI test set-up: private Qt settings, hand-made read models, a fake minutes source.

Models are tested on read models written here by hand (so each case is
visible in the test), and the window and tabs on the real demo database
(``demo_path`` from the shared conftest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import pytest
from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.domain.ids import (
    ActionId,
    AgendaItemId,
    IndicatorId,
    MeetingId,
    PlanId,
    PointId,
    ResolutionId,
    SectionId,
)
from qpmr_desktop.domain.minutes import MinutesStatus, PointKind
from qpmr_desktop.domain.performance import Direction, Polarity, Rag, Unit
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.read_models import (
    ActionRow,
    AgendaItemSummary,
    DeclarationView,
    DocumentView,
    IndicatorRow,
    ItemMinutes,
    MeetingSummary,
    PointView,
    Presenter,
    ResolutionView,
    SectionView,
)
from qpmr_desktop.ui.application import configure_application


class ModelChecker(Protocol):
    """The typed face of pytest-qt's ``qtmodeltester`` fixture (pytest-qt leaves it untyped)."""

    def check(self, model: QAbstractItemModel, *, force_py: bool = False) -> None: ...


# The offscreen platform cannot pass size hints to a window it never maps, and
# warns once per shown window. Only tests that must show a window allow it.
shows_window = pytest.mark.qt_log_ignore("does not support propagateSizeHints")

# ------------------------------------------------------------------ Qt settings


@pytest.fixture(autouse=True)
def _private_qt_settings(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    """Every test reads and writes QSettings in its own folder, never the user's.

    QSettings caches its folder at first use, so the shared conftest's
    XDG_CONFIG_HOME is not enough: the path is set here for each test.
    """
    configure_application(qapp)
    folder = tmp_path / "qt-settings"
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(folder))
    yield
    QCoreApplication.processEvents()


# ------------------------------------------------------------------ indicators


def make_indicator(ident: int = 1, **changes: object) -> IndicatorRow:
    row = IndicatorRow(
        id=IndicatorId(ident),
        ref="CLA-01",
        name="Children Looked After",
        theme="Start Well",
        unit=Unit.COUNT,
        polarity=Polarity.LOWER_IS_BETTER,
        latest_period="Q1 2017/18",
        value=1875.0,
        value_text="1,875",
        target=1700.0,
        target_text="1,700",
        rag=Rag.RED,
        rag_reason="Red: 1,875 is 175 above the 1,700 target",
        direction=Direction.WORSENING,
        direction_last_year=Direction.WORSENING,
        direction_text="Worsening (vs Q4 2016/17); worsening (vs Q1 2016/17)",
        record="Highest ever recorded",
        has_commentary=False,
        is_sample=False,
    )
    return replace(row, **changes)  # type: ignore[arg-type]


@pytest.fixture
def indicator_rows() -> list[IndicatorRow]:
    return [
        make_indicator(1),
        make_indicator(
            2,
            ref="EET-01",
            name="Care leavers in education, employment or training",
            theme="Start Well",
            unit=Unit.PERCENTAGE,
            polarity=Polarity.HIGHER_IS_BETTER,
            value=52.0,
            value_text="52.0%",
            target=58.0,
            target_text="58%",
            rag=Rag.AMBER,
            rag_reason="Amber: 52.0% is within 10 points of the 58% target",
            direction=Direction.IMPROVING,
            direction_text="Improving (vs Q4 2016/17)",
            record=None,
            is_sample=True,
        ),
        make_indicator(
            3,
            ref="NHC-01",
            name="NHS Health Check uptake",
            theme="Live Well",
            latest_period=None,
            value=None,
            value_text="",
            target=None,
            target_text="",
            rag=Rag.NO_DATA,
            rag_reason="No data: no figures have been entered for this indicator yet.",
            direction=Direction.NOT_JUDGED,
            direction_text="No figure to compare with",
            record=None,
        ),
        make_indicator(
            4,
            ref="CLA-10",
            name="Children subject to a child protection plan",
            theme="Start Well",
            latest_period="Q4 2016/17",
            value=900.0,
            value_text="900",
            target=1000.0,
            target_text="1,000",
            rag=Rag.GREEN,
            rag_reason="Green: 900 is within the 1,000 target",
            direction=Direction.NO_CHANGE,
            record=None,
        ),
        make_indicator(
            5,
            ref="CLA-2",
            name="Care leavers in suitable accommodation",
            theme="Start Well",
            latest_period="Q1 2016/17",
            value=88.0,
            value_text="88",
            target=90.0,
            target_text="90",
            rag=Rag.AMBER,
            record=None,
        ),
    ]


# ------------------------------------------------------------------ actions

UTC = dt.UTC


def make_action(ident: int = 1, **changes: object) -> ActionRow:
    row = ActionRow(
        id=ActionId(ident),
        plan_id=PlanId(1),
        plan="12-week improvement plan",
        priority_area="MASH / Early Help",
        priority_area_position=1,
        ref="1.1",
        description="Review MASH thresholds with partner agencies",
        lead="A. Smith",
        due_date=dt.date(2017, 9, 30),
        status=ActionStatus.ON_TRACK,
        rag=ActionRag.GREEN,
        overdue=False,
        progress=60,
        latest_update="Thresholds agreed with the police; health next.",
        latest_update_at=dt.datetime(2017, 9, 12, 14, 5, tzinfo=UTC),
        latest_update_by="A. Smith",
        is_sample=True,
    )
    return replace(row, **changes)  # type: ignore[arg-type]


@pytest.fixture
def action_rows() -> list[ActionRow]:
    return [
        make_action(1),
        make_action(
            2,
            ref="1.10",
            description="Publish the revised threshold document",
            due_date=dt.date(2017, 12, 15),
            status=ActionStatus.COMPLETE,
            rag=ActionRag.BLUE,
            progress=100,
            latest_update="",
            latest_update_at=None,
            latest_update_by="",
        ),
        make_action(
            3,
            ref="1.9",
            description="Audit a sample of referrals",
            lead="B. Jones",
            due_date=dt.date(2017, 8, 31),
            status=ActionStatus.AT_RISK,
            rag=ActionRag.RED,
            overdue=True,
            progress=20,
        ),
        make_action(
            4,
            plan="Overarching improvement plan",
            priority_area="Permanence",
            ref="2.3",
            description="Embed the audit framework",
            lead="C. Patel",
            due_date=None,
            status=ActionStatus.NOT_STARTED,
            rag=ActionRag.GREY,
            progress=0,
        ),
    ]


# ------------------------------------------------------------------ minutes

SEED_MEETING = MeetingSummary(
    id=MeetingId(10),
    committee="Cabinet Committee on Performance Improvement",
    date=dt.date(2017, 9, 19),
    start_time=dt.time(10, 0),
    venue="Cabinet Room 'C', County Hall, Preston",
    status=MinutesStatus.DRAFT,
    item_count=2,
)
LATER_MEETING = MeetingSummary(
    id=MeetingId(11),
    committee="Cabinet Committee on Performance Improvement",
    date=dt.date(2017, 12, 12),
    start_time=None,
    venue="",
    status=MinutesStatus.APPROVED,
    item_count=0,
)


def make_item_minutes(
    item: AgendaItemSummary, meeting: MeetingSummary = SEED_MEETING
) -> ItemMinutes:
    base = item.id * 100
    return ItemMinutes(
        id=item.id,
        meeting=meeting,
        number=item.number,
        title=item.title,
        presenters=(
            Presenter("Donna Talbot", "Head of Services Business Intelligence"),
            Presenter("Richard Cooke", "Programme Manager"),
        ),
        sections=(
            SectionView(
                id=SectionId(base + 1),
                heading=None,
                points=(
                    PointView(
                        PointId(base + 1),
                        PointKind.PRESENTED,
                        "A report was presented by Donna Talbot on the Quarterly "
                        "Performance Monitoring for Quarter 1 of 2017/18.",
                    ),
                ),
            ),
            SectionView(
                id=SectionId(base + 2),
                heading="Start Well",
                points=(
                    PointView(
                        PointId(base + 2),
                        PointKind.NOTED,
                        "It was noted that the number of 1,875 Children Looked After "
                        "(CLA), was the highest ever recorded for the Authority. " * 3,
                    ),
                    PointView(PointId(base + 3), PointKind.REPORTED, "It was reported that …"),
                ),
            ),
        ),
        resolutions=(
            ResolutionView(
                id=ResolutionId(base + 1),
                label="Resolved",
                text="That the reported performance for Quarter 1 be noted.",
                parts=(),
            ),
        ),
        declarations=(DeclarationView("County Councillor A", "none", ""),),
        documents=(DocumentView("Report", None, "https://example.org/report.pdf"),),
    )


class FakeMinutesSource:
    """A ``MinutesSource`` over fixed read models that counts what it was asked."""

    def __init__(self) -> None:
        self.items = {
            SEED_MEETING.id: [
                AgendaItemSummary(AgendaItemId(1), SEED_MEETING.id, "1", "Apologies"),
                AgendaItemSummary(
                    AgendaItemId(4),
                    SEED_MEETING.id,
                    "4",
                    "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18",
                ),
            ],
            LATER_MEETING.id: [],
        }
        self.calls: list[tuple[str, int]] = []

    def meetings(self) -> Sequence[MeetingSummary]:
        self.calls.append(("meetings", 0))
        return [SEED_MEETING, LATER_MEETING]

    def agenda_items(self, meeting_id: MeetingId) -> Sequence[AgendaItemSummary]:
        self.calls.append(("agenda_items", meeting_id))
        return self.items[meeting_id]

    def item_minutes(self, item_id: AgendaItemId) -> ItemMinutes:
        self.calls.append(("item_minutes", item_id))
        for items in self.items.values():
            for item in items:
                if item.id == item_id:
                    return make_item_minutes(item) if item.number == "4" else _apologies(item)
        raise NotFoundError("agenda item", item_id)


class LocatingMinutesSource(FakeMinutesSource):
    """``count`` meetings of two items each, newest first; it can say which meeting holds an item.

    Item ids are the meeting's id times ten plus 0 or 1. ``oldest_venue``,
    when given, is the oldest meeting's venue (one no other meeting has).
    """

    def __init__(self, count: int = 6, *, oldest_venue: str | None = None) -> None:
        super().__init__()
        self.summaries = [
            replace(
                SEED_MEETING,
                id=MeetingId(100 + n),
                item_count=2,
                venue=oldest_venue if oldest_venue and n == count - 1 else SEED_MEETING.venue,
            )
            for n in range(count)
        ]
        self.items = {
            meeting.id: [
                AgendaItemSummary(AgendaItemId(meeting.id * 10 + k), meeting.id, str(k + 1), "Fees")
                for k in range(2)
            ]
            for meeting in self.summaries
        }

    def meetings(self) -> Sequence[MeetingSummary]:
        self.calls.append(("meetings", 0))
        return self.summaries

    def meeting_of_item(self, item_id: AgendaItemId) -> MeetingId:
        self.calls.append(("meeting_of_item", item_id))
        for meeting_id, items in self.items.items():
            if any(item.id == item_id for item in items):
                return meeting_id
        raise NotFoundError("agenda item", item_id)


def _apologies(item: AgendaItemSummary) -> ItemMinutes:
    point = PointView(
        PointId(item.id * 100 + 1),
        PointKind.OTHER,
        "Apologies were received from County Councillor Sandra Openshaw.",
    )
    return replace(
        make_item_minutes(item),
        presenters=(),
        sections=(SectionView(SectionId(item.id * 100 + 1), None, (point,)),),
        resolutions=(),
        declarations=(),
        documents=(),
    )


@pytest.fixture
def minutes_source() -> FakeMinutesSource:
    return FakeMinutesSource()
