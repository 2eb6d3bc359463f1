"""Read models: what services hand to the front ends.

Frozen, slotted dataclasses of plain values (no ORM objects, no sessions), so a
Qt model can hold thousands of them cheaply and filter on their fields
directly. Display text that needs domain rules (a formatted value, a RAG reason
sentence) is computed here once, not in ``data()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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

# ------------------------------------------------------------------ indicators


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One indicator with its latest period's figures and judgements."""

    id: IndicatorId
    ref: str
    name: str
    theme: str
    unit: Unit
    polarity: Polarity
    latest_period: str | None  # "Q1 2017/18", or None when there are no values
    value: float | None
    value_text: str  # formatted by unit: "1,875", "62.5%", "159.4 per 10,000"
    target: float | None
    target_text: str
    rag: Rag
    rag_reason: str  # "Red: 1,875 is 175 above the 1,700 target"
    direction: Direction  # against the previous period
    direction_last_year: Direction  # against the same quarter last year
    direction_text: str  # "Worsening (vs Q4 2016/17); worsening (vs Q1 2016/17)"
    record: str | None  # "Highest ever recorded", or None
    has_commentary: bool
    is_sample: bool


# ------------------------------------------------------------------ minutes


@dataclass(frozen=True, slots=True)
class MeetingSummary:
    id: MeetingId
    committee: str
    date: dt.date
    start_time: dt.time | None
    venue: str
    status: MinutesStatus
    item_count: int
    is_sample: bool = False  # date, venue or attendance invented for the demo


@dataclass(frozen=True, slots=True)
class AgendaItemSummary:
    id: AgendaItemId
    meeting_id: MeetingId
    number: str
    title: str
    is_sample: bool = False  # minutes invented for the demo, not published


@dataclass(frozen=True, slots=True)
class Presenter:
    name: str
    role: str  # as stated in the minutes; the person's job title when none was stated


@dataclass(frozen=True, slots=True)
class PointView:
    id: PointId
    kind: PointKind
    text: str


@dataclass(frozen=True, slots=True)
class SectionView:
    id: SectionId
    heading: str | None
    points: tuple[PointView, ...]


@dataclass(frozen=True, slots=True)
class ResolutionView:
    id: ResolutionId
    label: str  # "Resolved", or "Resolved (ii)" when an item has several
    text: str
    parts: tuple[tuple[str, str], ...]  # ((label, text), …) e.g. (("(i)", "That …"),)


@dataclass(frozen=True, slots=True)
class DeclarationView:
    member: str
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class DocumentView:
    title: str
    file_path: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class ItemMinutes:
    """Everything minuted for one agenda item, in order."""

    id: AgendaItemId
    meeting: MeetingSummary
    number: str
    title: str
    presenters: tuple[Presenter, ...]
    sections: tuple[SectionView, ...]
    resolutions: tuple[ResolutionView, ...]
    declarations: tuple[DeclarationView, ...]
    documents: tuple[DocumentView, ...]
    is_sample: bool = False  # minutes invented for the demo, not published


# ------------------------------------------------------------------ actions


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: ActionId
    plan_id: PlanId
    plan: str
    priority_area: str
    priority_area_position: int
    ref: str
    description: str
    lead: str
    due_date: dt.date | None
    status: ActionStatus
    rag: ActionRag
    overdue: bool
    progress: int
    latest_update: str  # the newest update's text, "" when none
    latest_update_at: dt.datetime | None
    latest_update_by: str
    is_sample: bool
