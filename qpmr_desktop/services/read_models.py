"""Read models: what services hand to the front ends.

Frozen, slotted dataclasses of plain values (no ORM objects, no sessions), so a
Qt model can hold thousands of them cheaply and filter on their fields
directly. Display text that needs domain rules (a formatted value, a RAG reason
sentence) is computed here once, not in ``data()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from qpmr_desktop.domain.actions import ActionRag, ActionStatus
from qpmr_desktop.domain.ids import (
    ActionId,
    AgendaItemId,
    IndicatorId,
    IndicatorValueId,
    MeetingId,
    PlanId,
    PointId,
    ResolutionId,
    SectionId,
)
from qpmr_desktop.domain.minutes import MinutesStatus, PointKind
from qpmr_desktop.domain.performance import (
    Direction,
    Frequency,
    MeasureType,
    Polarity,
    Rag,
    ToleranceKind,
    Unit,
)
from qpmr_desktop.domain.periods import Quarter

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


@dataclass(frozen=True, slots=True)
class IndicatorDraft:
    """Every field of an indicator that a person edits: what the form holds.

    Not read from the database as such but handed back and forth: the form
    starts from ``IndicatorDetail.draft`` (or a blank one) and gives a draft
    to ``indicator_editing.create_indicator`` or its fields to
    ``update_indicator``. ``retired`` and ``is_sample`` are not here: they
    change only through their own use cases.
    """

    ref: str
    name: str
    theme: str
    unit: Unit
    polarity: Polarity
    frequency: Frequency = Frequency.QUARTERLY
    measure_type: MeasureType = MeasureType.QUARTER
    decimals: int = 0
    tolerance: float | None = None
    tolerance_kind: ToleranceKind = ToleranceKind.ABSOLUTE
    lead_service: str = ""
    owner: str = ""
    source: str = ""
    definition: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class IndicatorTargetRow:
    """One financial year's target, floor and tolerance for an indicator.

    ``tolerance`` and ``tolerance_kind`` are as stored (None: the indicator's
    own); ``effective_*`` is what judgements of that year's values use.
    """

    id: int
    version: int
    year: int  # the year the financial year starts in: 2017 for 2017/18
    year_label: str  # "2017/18"
    target: float | None
    floor: float | None
    tolerance: float | None
    tolerance_kind: ToleranceKind | None
    effective_tolerance: float | None
    effective_tolerance_kind: ToleranceKind
    target_text: str  # "1,700", "" when none
    floor_text: str
    tolerance_text: str  # "5%" of target, "3 points" …; "" when no tolerance


@dataclass(frozen=True, slots=True)
class IndicatorValueRow:
    """One period of an indicator: what is stored, what applies, and what is judged.

    The stored fields are exactly the row's (``target`` and ``floor`` are the
    period's own, None when the year's apply); ``effective_*`` follow the rule
    in ``services.indicators`` and drive the texts and the judgements. Texts
    are "" for a missing figure, so an empty cell stays empty.
    """

    id: IndicatorValueId
    version: int
    indicator_id: IndicatorId
    period: Quarter
    period_label: str  # "Q1 2017/18"
    value: float | None
    numerator: float | None
    denominator: float | None
    target: float | None
    floor: float | None
    england: float | None
    region: float | None
    statistical_neighbours: float | None
    provisional: bool
    status_symbol: str | None  # a GSS symbol: x c z low u p r b e
    commentary: str
    data_as_at: dt.date | None
    is_sample: bool
    effective_target: float | None
    effective_floor: float | None
    effective_tolerance: float | None
    effective_tolerance_kind: ToleranceKind
    target_from_year: bool  # the effective target is the year's, not the period's own
    floor_from_year: bool
    value_text: str  # "1,875", "62.5%", "159.4 per 10,000"
    target_text: str  # of the effective target
    floor_text: str  # of the effective floor
    england_text: str
    region_text: str
    statistical_neighbours_text: str
    rag: Rag
    rag_reason: str
    direction: Direction  # against the previous period
    direction_last_year: Direction  # against the same quarter last year
    direction_text: str  # "" when this period has no value
    record: str | None  # "Highest ever recorded" among earlier periods, or None


@dataclass(frozen=True, slots=True)
class IndicatorDetail:
    """One indicator in full, for the detail pane, the form and the values grid.

    ``version`` is the indicator row's, for ``update_indicator`` and friends;
    each target and value row carries its own.
    """

    id: IndicatorId
    version: int
    ref: str
    name: str
    theme: str
    unit: Unit
    polarity: Polarity
    frequency: Frequency
    measure_type: MeasureType
    decimals: int
    tolerance: float | None
    tolerance_kind: ToleranceKind
    tolerance_text: str  # "5%" of target, "3 points" …; "" when none
    lead_service: str
    owner: str
    source: str
    definition: str
    notes: str
    retired: bool
    is_sample: bool
    targets: tuple[IndicatorTargetRow, ...]  # by year
    values: tuple[IndicatorValueRow, ...]  # by period, oldest first

    @property
    def draft(self) -> IndicatorDraft:
        """The editable fields, as a form starts from them."""
        return IndicatorDraft(
            ref=self.ref,
            name=self.name,
            theme=self.theme,
            unit=self.unit,
            polarity=self.polarity,
            frequency=self.frequency,
            measure_type=self.measure_type,
            decimals=self.decimals,
            tolerance=self.tolerance,
            tolerance_kind=self.tolerance_kind,
            lead_service=self.lead_service,
            owner=self.owner,
            source=self.source,
            definition=self.definition,
            notes=self.notes,
        )


class Severity(StrEnum):
    ERROR = "error"  # the change is refused until it is put right
    WARNING = "warning"  # worth a second look, but saved


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """Something wrong with one field of a form or grid row, to show beside it."""

    field: str  # the name of the field as the service takes it: "ref", "denominator"
    message: str  # a sentence for a person
    severity: Severity = Severity.ERROR


class ChangeKind(StrEnum):
    """What a mutation did; also the ``change`` of its audit entry."""

    CREATE = "create"
    UPDATE = "update"
    RETIRE = "retire"
    RESTORE = "restore"
    DELETE = "delete"


class ChangeSubject(StrEnum):
    """Which kind of row a mutation changed; the value is its table's name."""

    INDICATOR = "indicator"
    VALUE = "indicator_value"
    TARGET = "indicator_target"


@dataclass(frozen=True, slots=True)
class IndicatorChange:
    """What one indicator mutation changed, so views refresh only that (and undo can reverse it).

    The flags name views, not tables: ``scorecard_changed`` means the
    indicator's row in ``list_indicator_rows`` may differ, ``values_changed``
    that the values grid (and chart) may, ``targets_changed`` the per-year
    targets, ``definition_changed`` the form and the detail header,
    ``themes_changed`` the list of themes. A no-op (nothing differed) has
    every flag False and the version unchanged.

    ``before`` and ``after`` hold the changed fields' old and new values as
    stored (enumerations as members): for a create ``before`` is empty and
    ``after`` has every field; for a delete ``before`` has every field and
    ``after`` is empty. With ``version`` — the changed row's version now, None
    once deleted — they are all the inverse needs (see ``indicator_editing``).
    """

    kind: ChangeKind
    subject: ChangeSubject
    indicator_id: IndicatorId
    ref: str  # the indicator's ref, for messages and undo texts
    row_id: int  # the indicator's, value row's or target row's id
    version: int | None
    period: Quarter | None  # the value row's period; None for other subjects
    year: int | None  # the target row's financial year; None for other subjects
    before: Mapping[str, object]
    after: Mapping[str, object]
    definition_changed: bool
    scorecard_changed: bool
    values_changed: bool
    targets_changed: bool
    themes_changed: bool

    @property
    def indicator_ids(self) -> frozenset[IndicatorId]:
        """Every indicator whose views may need refreshing."""
        return frozenset({self.indicator_id})

    @property
    def changed(self) -> bool:
        """False for a no-op: nothing was written, nothing needs undoing."""
        return self.before != self.after


# ------------------------------------------------------------------ audit


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One audit entry: who changed which row, when, and how (``details`` parsed from JSON)."""

    id: int
    at: dt.datetime  # aware, UTC
    who: str
    table: str
    row_id: int
    change: str  # "create", "update", "retire", "restore", "delete" …
    details: Mapping[str, object]  # {"ref": …, "fields": {field: {"old": …, "new": …}}}
    summary: str  # "Update: name, target"


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
