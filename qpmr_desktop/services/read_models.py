"""Read models: what services hand to the front ends.

Frozen, slotted dataclasses of plain values (no ORM objects, no sessions), so a
Qt model can hold thousands of them cheaply and filter on their fields
directly. Display text that needs domain rules (a formatted value, a RAG reason
sentence) is computed here once, not in ``data()``.

``LazyRows`` is the one exception to "built at once": a read-only sequence
of read models made from the driver's row tuples the first time each is
asked for (see its docstring).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar, overload

from qpmr_desktop.domain.actions import (
    ActionRag,
    ActionStatus,
    DatePrecision,
    PlanEventKind,
    PlanStatus,
    describe_action_rag,
)
from qpmr_desktop.domain.ids import (
    ActionId,
    AgendaItemId,
    AmendmentId,
    AttendanceId,
    CommitteeId,
    DeclarationId,
    DocumentId,
    IndicatorId,
    IndicatorValueId,
    MeetingId,
    PersonId,
    PlanEventId,
    PlanId,
    PointId,
    PresenterId,
    PriorityAreaId,
    ResolutionId,
    ResolutionPartId,
    SectionId,
)
from qpmr_desktop.domain.minutes import (
    AttendanceRole,
    AttendanceStatus,
    DeclarationKind,
    MinutesStatus,
    PointKind,
)
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


# ------------------------------------------------------------------ minutes: editing


class MinutesArea(StrEnum):
    """What part of the minutes a change touched, so that views refresh only that.

    ``MEETING`` the meeting's own fields (committee, date, time, venue);
    ``LIFECYCLE`` its status (draft, circulated, approved); ``AGENDA`` the list
    of its items (added, removed, moved, renumbered, retitled); ``ITEM`` an
    item's presenters and supporting documents; ``STRUCTURE`` which sections,
    points, resolutions and parts an item has and their order; ``TEXT`` the
    text, kind, heading or label of one of them; ``ATTENDANCE`` the record of
    attendance; ``DECLARATIONS`` the declarations of interest.
    """

    MEETING = "meeting"
    LIFECYCLE = "lifecycle"
    AGENDA = "agenda"
    ITEM = "item"
    STRUCTURE = "structure"
    TEXT = "text"
    ATTENDANCE = "attendance"
    DECLARATIONS = "declarations"


@dataclass(frozen=True, slots=True)
class RowRef:
    """One row of one table: ``RowRef("minute_point", 12)``."""

    table: str
    id: int


@dataclass(frozen=True, slots=True)
class MinutesChange:
    """What one minutes mutation changed: enough to refresh the views and to undo it.

    ``operation`` is the name of the function that made it ("split_point");
    ``row`` the row it was about (the point split, the section inserted).
    ``before`` and ``after`` hold what the inverse needs, as plain values
    (JSON-able: enumerations by value); what each operation puts there is in
    ``services.minutes_editing``. ``versions`` maps every row whose version
    changed to its version now (None once deleted): an undo stack keeps the
    latest version per row from the changes it receives. Positions of
    neighbouring rows renumbered by a change are not versioned and not listed.

    ``amendment_id`` is set when the change was made to approved minutes
    through ``minutes_lifecycle.amend_approved`` (with ``amendment_reason``).
    A no-op (nothing differed) has ``before == after`` and no versions.
    """

    operation: str
    meeting_id: MeetingId
    item_ids: frozenset[AgendaItemId]
    areas: frozenset[MinutesArea]
    row: RowRef
    before: Mapping[str, object]
    after: Mapping[str, object]
    versions: Mapping[RowRef, int | None]
    amendment_id: AmendmentId | None = None
    amendment_reason: str | None = None

    @property
    def changed(self) -> bool:
        """False for a no-op: nothing was written, nothing needs undoing."""
        return self.before != self.after

    @property
    def version(self) -> int | None:
        """The version of ``row`` now (None once deleted, or if the change did not write it)."""
        return self.versions.get(self.row)


@dataclass(frozen=True, slots=True)
class PersonView:
    id: PersonId
    name: str
    job_title: str
    version: int


@dataclass(frozen=True, slots=True)
class AttendanceView:
    """One line of the record of attendance."""

    id: AttendanceId
    version: int
    person_id: PersonId
    name: str
    job_title: str
    role: AttendanceRole
    status: AttendanceStatus
    substitute_for_id: PersonId | None
    substitute_for: str | None  # the name of the member substituted


@dataclass(frozen=True, slots=True)
class EditablePresenter:
    id: PresenterId
    version: int
    person_id: PersonId
    name: str
    role: str  # as stated in the minutes ("" when none was stated)
    job_title: str


@dataclass(frozen=True, slots=True)
class EditableDocument:
    id: DocumentId
    version: int
    title: str
    file_path: str | None  # relative to the database's attachment folder, "/"-separated
    url: str | None


@dataclass(frozen=True, slots=True)
class EditablePoint:
    id: PointId
    version: int
    kind: PointKind
    text: str


@dataclass(frozen=True, slots=True)
class EditableSection:
    id: SectionId
    version: int
    heading: str | None
    points: tuple[EditablePoint, ...]


@dataclass(frozen=True, slots=True)
class EditablePart:
    id: ResolutionPartId
    version: int
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class EditableResolution:
    id: ResolutionId
    version: int
    label: str  # as stored: "Resolved"
    numbered_label: str  # as shown: "Resolved (ii)" when the item has several
    text: str
    parts: tuple[EditablePart, ...]


@dataclass(frozen=True, slots=True)
class EditableDeclaration:
    id: DeclarationId
    version: int
    person_id: PersonId
    member: str
    kind: DeclarationKind
    text: str


@dataclass(frozen=True, slots=True)
class AmendmentView:
    """A recorded change to approved minutes."""

    id: AmendmentId
    meeting_id: MeetingId
    item_id: AgendaItemId | None  # None for the meeting's own fields or its attendance
    at: dt.datetime  # aware, UTC
    who: str
    reason: str
    operation: str  # the editing function: "set_point_text"
    changes: Mapping[str, object]  # {"row": …, "before": …, "after": …}


@dataclass(frozen=True, slots=True)
class ItemLifecycle:
    """Where an item's minutes stand: may they be edited, were they amended after approval."""

    item_id: AgendaItemId
    meeting_id: MeetingId
    status: MinutesStatus
    editable: bool  # False once approved: changes are then amendments
    read_only_reason: str | None  # the sentence the service refuses an edit with
    approved_at: dt.datetime | None  # from the audit log; None if not known
    approved_by: str | None
    amended: bool
    amendments: tuple[AmendmentView, ...]  # oldest first


@dataclass(frozen=True, slots=True)
class EditableItem:
    """One agenda item with every row's id and version: what the editor works on."""

    id: AgendaItemId
    version: int
    meeting_id: MeetingId
    number: str
    title: str
    lifecycle: ItemLifecycle
    presenters: tuple[EditablePresenter, ...]
    documents: tuple[EditableDocument, ...]
    sections: tuple[EditableSection, ...]
    resolutions: tuple[EditableResolution, ...]
    declarations: tuple[EditableDeclaration, ...]
    is_sample: bool = False


@dataclass(frozen=True, slots=True)
class MeetingDetail:
    """A meeting with its record of attendance and where its minutes stand.

    ``previous_meeting`` is the committee's meeting before this one (by date,
    then time): the one whose minutes this meeting's "Minutes of the Previous
    Meeting" item approves (``minutes_lifecycle.approve_previous_minutes``).
    """

    id: MeetingId
    version: int
    committee_id: CommitteeId
    committee: str
    date: dt.date
    start_time: dt.time | None
    venue: str
    status: MinutesStatus
    approved_at: dt.datetime | None
    approved_by: str | None
    attendance: tuple[AttendanceView, ...]
    items: tuple[AgendaItemSummary, ...]
    previous_meeting: MeetingSummary | None
    amendments: tuple[AmendmentView, ...]
    is_sample: bool = False


# ------------------------------------------------------------------ minutes: register, search


@dataclass(frozen=True, slots=True)
class ResolutionRow:
    """One resolution in the register of every decision."""

    id: ResolutionId
    item_id: AgendaItemId
    meeting_id: MeetingId
    meeting_date: dt.date
    committee: str
    item_number: str
    item_title: str
    label: str  # numbered when the item has several: "Resolved (ii)"
    text: str
    parts: tuple[tuple[str, str], ...]  # ((label, text), …)
    status: MinutesStatus  # the lifecycle of the meeting's minutes

    @property
    def full_text(self) -> str:
        """The text with each part on its own line: "That … \n(1) …"."""
        lines = [self.text, *(" ".join(p for p in part if p) for part in self.parts)]
        return "\n".join(line for line in lines if line)


class MatchSource(StrEnum):
    """Where a search matched; a resolution's numbered part counts as the resolution."""

    POINT = "point"
    RESOLUTION = "resolution"
    HEADING = "heading"
    TITLE = "title"


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match of a search of the minutes: which item to open, and what to show.

    ``snippet`` is plain text (never HTML: the view escapes it) cut from the
    stored text around the first match, with "…" where it was cut;
    ``matches`` are (start, end) offsets into ``snippet`` of every matched
    word, in Python string indices (code points). ``row_id`` is the point's,
    resolution's, part's, section's or item's id, as ``source`` says.
    """

    item_id: AgendaItemId
    meeting_id: MeetingId
    meeting_date: dt.date
    committee: str
    item_number: str
    item_title: str
    source: MatchSource
    row_id: int
    snippet: str
    matches: tuple[tuple[int, int], ...]
    status: MinutesStatus
    score: float  # lower is better (bm25); only for ordering


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
    # Added for editing and filtering in the tab; defaults keep older callers working.
    version: int = 1  # the action row's, for ``action_editing``
    lead_id: PersonId | None = None
    priority_area_id: PriorityAreaId | None = None
    due_in_days: int | None = None  # due date minus the day judged on; negative when past
    rag_override: ActionRag | None = None
    rag_override_reason: str = ""

    @property
    def rag_reason(self) -> str:
        """Why the row has its rating: "Red: overdue since 30 Sep 2017", "Override: …"."""
        # The day the row was judged on is its due date minus ``due_in_days``;
        # without a due date no rule looks at the day, so any day will do.
        if self.due_date is not None and self.due_in_days is not None:
            judged_on = self.due_date - dt.timedelta(days=self.due_in_days)
        else:
            judged_on = self.due_date or dt.date.min
        return describe_action_rag(
            status=self.status,
            due_date=self.due_date,
            today=judged_on,
            override=self.rag_override,
            override_reason=self.rag_override_reason,
        )


@dataclass(frozen=True, slots=True)
class ActionDraft:
    """Every field of a new action that a person types: what the "new action" form holds.

    ``lead`` is a person's id, or a name: an existing person of that name
    (ignoring capitals and spacing) or, when there is none, a new person
    added to the people list. ``status`` and ``progress`` are where the action
    starts; later changes of them are updates (``record_action_update``).
    """

    plan_id: PlanId
    ref: str
    description: str
    priority_area_id: PriorityAreaId | None = None
    lead: PersonId | str | None = None
    due_date: dt.date | None = None
    status: ActionStatus = ActionStatus.NOT_STARTED
    progress: int = 0
    resolution_id: ResolutionId | None = None
    indicator_ids: tuple[IndicatorId, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonRow:
    """Someone in the people list, with how many actions they lead (for lead pickers)."""

    id: PersonId
    version: int
    name: str
    job_title: str
    organisation: str
    action_count: int  # actions they lead
    open_action_count: int  # of those, not complete
    is_sample: bool


@dataclass(frozen=True, slots=True)
class ActionUpdateRow:
    """One entry of an action's history, as written (never edited).

    The demo and this app record the old and new status and progress on every
    entry, changed or not; entries from elsewhere may leave them empty.
    """

    id: int
    action_id: ActionId
    text: str
    old_status: ActionStatus | None
    new_status: ActionStatus | None
    old_progress: int | None
    new_progress: int | None
    who: str
    at: dt.datetime  # aware, UTC
    is_sample: bool

    @property
    def changes_text(self) -> str:
        """ "Status on track → at risk; progress 30% → 40%"; "" when neither changed."""
        parts = []
        if self.old_status != self.new_status and self.new_status is not None:
            old = "—" if self.old_status is None else self.old_status.value
            parts.append(f"Status {old} → {self.new_status.value}")
        if self.old_progress != self.new_progress and self.new_progress is not None:
            old = "—" if self.old_progress is None else f"{self.old_progress}%"
            parts.append(f"progress {old} → {self.new_progress}%")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class LinkedResolution:
    """The resolution an action carries out, with where it was made (to jump to it)."""

    id: ResolutionId
    meeting_id: MeetingId
    meeting_date: dt.date
    committee: str
    agenda_item_id: AgendaItemId
    item_number: str
    item_title: str
    label: str  # "Resolved"
    text: str


@dataclass(frozen=True, slots=True)
class LinkedIndicator:
    """An indicator that evidences an action's impact."""

    id: IndicatorId
    ref: str
    name: str
    retired: bool


@dataclass(frozen=True, slots=True)
class ActionLink:
    """An action named from elsewhere (a resolution, an indicator), to show and jump to.

    ``rag_override`` and its reason are as stored (None and "" without one),
    so the link is judged exactly as the tracker judges the action.
    """

    id: ActionId
    plan_id: PlanId
    plan: str
    ref: str
    description: str
    lead: str
    due_date: dt.date | None
    status: ActionStatus
    progress: int
    rag_override: ActionRag | None = None
    rag_override_reason: str = ""


@dataclass(frozen=True, slots=True)
class ActionDetail:
    """One action in full, for the detail pane, the history pane and the edit form.

    ``rag`` and ``overdue`` are judged on the day the caller gave; ``rag_reason``
    says why ("Red: overdue since 30 Sep 2017", "Override: Amber — …").
    ``history`` is every update, newest first (the latest ``at``, then the
    highest id), exactly as ``list_action_rows`` picks the latest.
    """

    id: ActionId
    version: int
    plan_id: PlanId
    plan: str
    priority_area_id: PriorityAreaId | None
    priority_area: str  # "" when none
    ref: str
    description: str
    lead_id: PersonId | None
    lead: str  # "" when none
    due_date: dt.date | None
    status: ActionStatus
    progress: int
    rag: ActionRag
    derived_rag: ActionRag  # what the rules say, whatever the override
    rag_reason: str
    rag_override: ActionRag | None
    rag_override_reason: str
    overdue: bool
    due_in_days: int | None
    resolution: LinkedResolution | None
    indicators: tuple[LinkedIndicator, ...]  # by ref
    history: tuple[ActionUpdateRow, ...]  # newest first
    is_sample: bool

    @property
    def draft(self) -> ActionDraft:
        """The fields a "new action" form would hold to make this action again."""
        return ActionDraft(
            plan_id=self.plan_id,
            ref=self.ref,
            description=self.description,
            priority_area_id=self.priority_area_id,
            lead=self.lead_id,
            due_date=self.due_date,
            status=self.status,
            progress=self.progress,
            resolution_id=None if self.resolution is None else self.resolution.id,
            indicator_ids=tuple(indicator.id for indicator in self.indicators),
        )


class ActionChangeKind(StrEnum):
    """What an action mutation did; also the ``change`` of its audit entries."""

    CREATE = "create"
    UPDATE = "update"  # fields changed by ``update_action``
    OVERRIDE = "override"  # the RAG override set, changed or cleared
    RECORD = "record update"  # one history entry written (or put back)
    UNRECORD = "remove update"  # the newest history entry taken out again (an undo)
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class ActionChange:
    """What one action mutation changed, so views refresh only that and undo can reverse it.

    ``before`` and ``after`` hold the action row's changed fields, old and new
    (enumerations as members; a lead as ``lead_id``; indicator links as
    ``indicator_ids``, a sorted tuple): for a create ``before`` is empty, for a
    delete ``after`` is. ``entry`` is the history entry that a RECORD wrote
    or an UNRECORD removed, None otherwise. ``version`` is the action's
    version now (None once deleted). With those, the inverse needs nothing
    else (see ``action_editing``). ``people_changed``: a person was added to
    the people list (by naming a new lead).
    """

    kind: ActionChangeKind
    action_id: ActionId
    plan_id: PlanId
    ref: str
    version: int | None
    before: Mapping[str, object]
    after: Mapping[str, object]
    entry: ActionUpdateRow | None = None
    people_changed: bool = False

    @property
    def changed(self) -> bool:
        """False for a no-op: nothing was written, nothing needs undoing."""
        return self.before != self.after or self.entry is not None


# ------------------------------------------------------------------ improvement plans


@dataclass(frozen=True, slots=True)
class PlanDraft:
    """Every field of an improvement plan that a person edits."""

    name: str
    board: str = ""
    description: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: PlanStatus = PlanStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """An improvement plan with how much it holds."""

    id: PlanId
    version: int
    name: str
    board: str
    description: str
    start_date: dt.date | None
    end_date: dt.date | None
    status: PlanStatus
    area_count: int
    action_count: int
    open_action_count: int  # not complete
    event_count: int

    @property
    def draft(self) -> PlanDraft:
        return PlanDraft(
            name=self.name,
            board=self.board,
            description=self.description,
            start_date=self.start_date,
            end_date=self.end_date,
            status=self.status,
        )

    @property
    def is_empty(self) -> bool:
        """Nothing hangs off it: only an empty plan can be deleted."""
        return not (self.area_count or self.action_count or self.event_count)


@dataclass(frozen=True, slots=True)
class PriorityAreaView:
    """A priority area of a plan; ``position`` is 1, 2, 3 … with no gaps within the plan."""

    id: PriorityAreaId
    version: int
    plan_id: PlanId
    name: str
    position: int
    action_count: int


@dataclass(frozen=True, slots=True)
class PlanEventDraft:
    """Every field of an event or milestone that a person edits.

    A month-precision date is stored as the first of its month(s).
    """

    title: str
    kind: PlanEventKind
    start_date: dt.date
    end_date: dt.date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    notes: str = ""
    plan_id: PlanId | None = None  # None: a date the committee tracks outside any plan


@dataclass(frozen=True, slots=True)
class PlanEventRow:
    """An event or milestone with its dates as papers write them."""

    id: PlanEventId
    version: int
    plan_id: PlanId | None
    plan: str  # "" when it belongs to no plan
    title: str
    kind: PlanEventKind
    start_date: dt.date
    end_date: dt.date | None
    date_precision: DatePrecision
    notes: str
    dates_text: str  # "16–19 Oct 2017", "December 2017"
    duration_days: int | None  # 4 for 16–19 Oct; 1 for a single day; None for a month

    @property
    def draft(self) -> PlanEventDraft:
        return PlanEventDraft(
            title=self.title,
            kind=self.kind,
            start_date=self.start_date,
            end_date=self.end_date,
            date_precision=self.date_precision,
            notes=self.notes,
            plan_id=self.plan_id,
        )


class PlanSubject(StrEnum):
    """Which kind of row a plan mutation changed; the value is its table's name."""

    PLAN = "improvement_plan"
    AREA = "priority_area"
    EVENT = "plan_event"


@dataclass(frozen=True, slots=True)
class PlanChange:
    """What one plan, priority area or event mutation changed (see ``services.plans``).

    ``before``/``after`` as for ``IndicatorChange``; a move of a priority area
    is an UPDATE of its ``position``. ``areas_changed``: other areas of the
    plan moved up or down to keep the positions 1, 2, 3 … without gaps.
    """

    kind: ChangeKind
    subject: PlanSubject
    row_id: int
    plan_id: PlanId | None
    name: str  # the plan's or area's name, the event's title: for undo texts
    version: int | None
    before: Mapping[str, object]
    after: Mapping[str, object]
    areas_changed: bool = False

    @property
    def changed(self) -> bool:
        return self.before != self.after


# ------------------------------------------------------------------ database settings


class SettingKind(StrEnum):
    """How a database setting's value is typed, stored and edited."""

    TEXT = "text"  # one line
    IMAGE_PATH = "image path"  # a PNG or JPEG file, "" for none
    DATE = "date"  # an ISO date, or none


@dataclass(frozen=True, slots=True)
class SettingRow:
    """One declared database setting with its current value, for a settings dialog."""

    key: str
    kind: SettingKind
    title: str
    description: str
    value: object  # typed: str, or dt.date | None
    text: str  # as stored ("" for an empty date)
    is_default: bool  # no value stored: the default applies
    version: int | None  # None when no value is stored


@dataclass(frozen=True, slots=True)
class SettingChange:
    """What ``settings.set_setting`` or ``reset_setting`` changed.

    ``before``/``after`` are ``{"value": …}`` (typed) or empty when no value
    was stored; ``version`` is the stored row's, None once reset.
    """

    kind: ChangeKind
    key: str
    version: int | None
    before: Mapping[str, object]
    after: Mapping[str, object]

    @property
    def changed(self) -> bool:
        return self.before != self.after


# ------------------------------------------------------------------ lazy sequences

_T = TypeVar("_T")
_Row = tuple[Any, ...]


class LazyRows(Sequence[_T], Generic[_T]):
    """Read models made from stored rows one at a time, the first time each is asked for.

    A plain, read-only ``Sequence``: ``len``, indexing (negative too),
    slicing (a list), iteration, ``in`` and ``index`` behave as they would on
    the list of every read model, and each element is made once and kept, so
    asking twice gives the same object. ``make`` turns one row into its read
    model and never returns None. ``key(row)`` is
    column ``key_column`` of the stored row (a read model's id, say) without
    making anything; ``position_of`` finds a key's place in one dictionary
    look-up.

    Why: the Minutes tab reads every meeting but shows the newest 128, and
    making 2,000 ``MeetingSummary`` with their dates and statuses converted
    took half as long as their query (bench_minutes). Not thread safe, like
    the lists it stands in for.
    """

    __slots__ = ("_key_column", "_made", "_make", "_positions", "_rows")

    def __init__(
        self, rows: Sequence[_Row], make: Callable[[_Row], _T], *, key_column: int = 0
    ) -> None:
        self._rows = rows
        self._make = make
        self._key_column = key_column
        self._made: list[_T | None] = [None] * len(rows)
        self._positions: dict[Hashable, int] | None = None

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> _T: ...
    @overload
    def __getitem__(self, index: slice) -> list[_T]: ...
    def __getitem__(self, index: int | slice) -> _T | list[_T]:
        if isinstance(index, slice):
            return [self._at(position) for position in range(*index.indices(len(self._rows)))]
        return self._at(index)

    def __iter__(self) -> Iterator[_T]:
        for position in range(len(self._rows)):
            yield self._at(position)

    def __repr__(self) -> str:
        made = sum(each is not None for each in self._made)
        return f"<LazyRows: {len(self._rows)} rows, {made} made>"

    @property
    def made_count(self) -> int:
        """How many of the read models have been made so far."""
        return sum(each is not None for each in self._made)

    def key(self, index: int) -> Any:
        """The key column of the row at ``index``, without making its read model."""
        return self._rows[index][self._key_column]

    def position_of(self, key: Hashable) -> int | None:
        """Where the row whose key column is ``key`` lies (None: no such row)."""
        if self._positions is None:
            column = self._key_column
            rows = self._rows
            # From the end, so that a key found twice gives its first place, as list.index.
            self._positions = {
                rows[position][column]: position for position in range(len(rows) - 1, -1, -1)
            }
        return self._positions.get(key)

    def _at(self, index: int) -> _T:
        made = self._made[index]  # IndexError, and negative indexes, as a list's
        if made is None:
            made = self._made[index] = self._make(self._rows[index])
        return made
