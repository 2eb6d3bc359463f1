"""The database schema as SQLModel tables.

Conventions:
- every editable row has an integer ``version`` for optimistic concurrency: a
  service updates ``WHERE id = :id AND version = :seen`` and bumps it, so two
  users of a shared database never overwrite each other silently;
- enumerations are stored by their *value* (readable in the file and in SQL);
- timestamps are timezone-aware UTC (SQLModel rejects naive datetimes);
- ``position`` orders siblings (sections in an item, points in a section …);
- ``is_sample`` marks demo data that is not in a published source, so it can be
  labelled as sample data on screen and in print.

The Alembic migrations under ``database/versions`` must match these tables; a
test runs ``upgrade head`` on a new file and compares.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UTCDateTime

from qpmr_desktop.domain.actions import (
    ActionRag,
    ActionStatus,
    DatePrecision,
    PlanEventKind,
    PlanStatus,
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


def _enum_column(enum_class: type[Enum], *, nullable: bool = False) -> Any:
    """A column that stores an enumeration by value, as plain text."""
    return sa.Column(
        sa.Enum(
            enum_class,
            values_callable=lambda members: [member.value for member in members],
            native_enum=False,
            validate_strings=True,
            length=40,
        ),
        nullable=nullable,
    )


def _utc_column(*, nullable: bool = False) -> Any:
    # SQLModel's UTCDateTime refuses naive values and converts aware ones to UTC
    # before storing; plain DateTime(timezone=True) on SQLite drops the offset.
    return sa.Column(UTCDateTime(), nullable=nullable)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Any:
    return Field(
        default=None if nullable else ...,
        sa_column_args=[sa.ForeignKey(target, ondelete=ondelete)],
        index=True,
        nullable=nullable,
    )


# ------------------------------------------------------------------ people & meetings


class Committee(SQLModel, table=True):
    __tablename__ = "committee"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    version: int = 1


class Person(SQLModel, table=True):
    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    job_title: str = ""
    organisation: str = ""
    is_sample: bool = False
    version: int = 1


class Meeting(SQLModel, table=True):
    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = _fk("committee.id")
    date: dt.date = Field(index=True)
    start_time: dt.time | None = None
    venue: str = ""
    status: MinutesStatus = Field(sa_column=_enum_column(MinutesStatus))
    is_sample: bool = False
    version: int = 1


class Attendance(SQLModel, table=True):
    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id")
    person_id: int = _fk("person.id", ondelete="RESTRICT")
    role: AttendanceRole = Field(sa_column=_enum_column(AttendanceRole))
    status: AttendanceStatus = Field(sa_column=_enum_column(AttendanceStatus))
    substitute_for_id: int | None = _fk("person.id", nullable=True, ondelete="SET NULL")
    position: int = 0
    version: int = 1


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id")
    number: str = ""
    title: str
    position: int = 0
    is_sample: bool = False
    version: int = 1


class ItemPresenter(SQLModel, table=True):
    """Who presented an item, in order, with the role as stated in the minutes."""

    __tablename__ = "item_presenter"

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = _fk("agenda_item.id")
    person_id: int = _fk("person.id", ondelete="RESTRICT")
    role: str = ""
    position: int = 0
    version: int = 1


class SupportingDocument(SQLModel, table=True):
    """A paper considered with an item: a file in the attachment folder, or a link."""

    __tablename__ = "supporting_document"

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = _fk("agenda_item.id")
    title: str
    file_path: str | None = None
    url: str | None = None
    position: int = 0
    version: int = 1


class MinuteSection(SQLModel, table=True):
    __tablename__ = "minute_section"

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = _fk("agenda_item.id")
    heading: str | None = None
    position: int = 0
    version: int = 1


class MinutePoint(SQLModel, table=True):
    __tablename__ = "minute_point"

    id: int | None = Field(default=None, primary_key=True)
    section_id: int = _fk("minute_section.id")
    kind: PointKind = Field(sa_column=_enum_column(PointKind))
    text: str
    position: int = 0
    version: int = 1


class Resolution(SQLModel, table=True):
    """A decision of the committee on an item ("Resolved: That …").

    ``label`` is how the minutes introduce it ("Resolved"); when an item has
    several, they are numbered (i), (ii) … by position when shown.
    """

    __tablename__ = "resolution"

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = _fk("agenda_item.id")
    label: str = "Resolved"
    text: str
    position: int = 0
    version: int = 1


class ResolutionPart(SQLModel, table=True):
    """A numbered part of one resolution: "(1) That …", "(a) …"."""

    __tablename__ = "resolution_part"

    id: int | None = Field(default=None, primary_key=True)
    resolution_id: int = _fk("resolution.id")
    label: str = ""
    text: str
    position: int = 0
    version: int = 1


class DeclarationOfInterest(SQLModel, table=True):
    __tablename__ = "declaration_of_interest"

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = _fk("agenda_item.id")
    person_id: int = _fk("person.id", ondelete="RESTRICT")
    kind: DeclarationKind = Field(sa_column=_enum_column(DeclarationKind))
    text: str = ""
    version: int = 1


class MinutesAmendment(SQLModel, table=True):
    """A change made to minutes after they were approved as a correct record.

    Written once, never edited: the reason a person gave, who and when, and
    what changed (JSON: the operation, the rows, their fields before and
    after). ``agenda_item_id`` is empty for a change to the meeting itself (its
    date, the attendance) and becomes empty if the item is later deleted; the
    JSON still names it. A meeting with amendments cannot be deleted
    (RESTRICT): approved minutes and their corrections are the record.
    """

    __tablename__ = "minutes_amendment"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = _fk("meeting.id", ondelete="RESTRICT")
    agenda_item_id: int | None = _fk("agenda_item.id", nullable=True, ondelete="SET NULL")
    at: dt.datetime = Field(sa_column=_utc_column())
    who: str
    reason: str
    operation: str
    changes: str = ""


# ------------------------------------------------------------------ settings


class Setting(SQLModel, table=True):
    """A setting that belongs to the database, not the user: the council's name, its logo.

    Every key is declared once in the services layer with its type and default.
    """

    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str = ""
    version: int = 1


# ------------------------------------------------------------------ indicators


class Theme(SQLModel, table=True):
    """An outcome theme ("Start Well"); ``position`` is the council's order in reports."""

    __tablename__ = "theme"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    position: int = 0
    version: int = 1


class Indicator(SQLModel, table=True):
    __tablename__ = "indicator"

    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(unique=True)
    name: str
    theme: str = Field(
        sa_column_args=[sa.ForeignKey("theme.name", onupdate="CASCADE", ondelete="RESTRICT")],
        index=True,
    )
    unit: Unit = Field(sa_column=_enum_column(Unit))
    polarity: Polarity = Field(sa_column=_enum_column(Polarity))
    frequency: Frequency = Field(sa_column=_enum_column(Frequency))
    measure_type: MeasureType = Field(sa_column=_enum_column(MeasureType))
    decimals: int = 0
    tolerance: float | None = None
    tolerance_kind: ToleranceKind = Field(sa_column=_enum_column(ToleranceKind))
    lead_service: str = ""
    owner: str = ""
    source: str = ""
    definition: str = ""
    notes: str = ""
    retired: bool = False
    is_sample: bool = False
    version: int = 1


class IndicatorValue(SQLModel, table=True):
    """One indicator's figures for one period (financial year + quarter).

    ``year`` is the calendar year the financial year starts in (2017 for
    2017/18); ``quarter`` is 1–4 within it (Q1 = April–June).
    """

    __tablename__ = "indicator_value"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "year", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = _fk("indicator.id", ondelete="RESTRICT")
    year: int
    quarter: int
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None
    floor: float | None = None
    england: float | None = None
    region: float | None = None
    statistical_neighbours: float | None = None
    provisional: bool = False
    status_symbol: str | None = None
    is_sample: bool = False
    data_as_at: dt.date | None = None
    commentary: str = ""
    version: int = 1


class IndicatorTarget(SQLModel, table=True):
    """One indicator's target, optional floor and tolerance for one financial year.

    ``year`` is the calendar year the financial year starts in, as for values.
    A value row's own target or floor overrides the year's, and an empty
    ``tolerance`` or ``tolerance_kind`` falls back to the indicator's: the rule
    is written once, in ``services.indicators``.
    """

    __tablename__ = "indicator_target"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = _fk("indicator.id")
    year: int
    target: float | None = None
    floor: float | None = None
    tolerance: float | None = None
    tolerance_kind: ToleranceKind | None = Field(
        default=None, sa_column=_enum_column(ToleranceKind, nullable=True)
    )
    version: int = 1


class IndicatorScorecard(SQLModel, table=True):
    """The scorecard's judgement of one indicator, kept so that the tab opens without judging.

    A cache, never the truth: every field is what ``services.indicators``
    derives from the indicator, its values and its targets (the fields of
    ``IndicatorRow`` that are not simply the indicator's own), and ``rules``
    fingerprints the code that derived them. A row is used only when its
    ``rules`` are the running code's; triggers (migration
    ``0004_indicator_scorecard``) delete it on any write to its indicator,
    values or targets, whoever writes. No ``version``: nobody edits it.
    """

    __tablename__ = "indicator_scorecard"

    indicator_id: int = Field(
        primary_key=True,
        sa_column_args=[sa.ForeignKey("indicator.id", ondelete="CASCADE")],
    )
    rules: str
    latest_period: str | None = None
    value: float | None = None
    value_text: str
    target: float | None = None
    target_text: str
    rag: Rag = Field(sa_column=_enum_column(Rag))
    rag_reason: str
    direction: Direction = Field(sa_column=_enum_column(Direction))
    direction_last_year: Direction = Field(sa_column=_enum_column(Direction))
    direction_text: str
    record: str | None = None
    has_commentary: bool
    is_sample: bool


# ------------------------------------------------------------------ improvement plans


class ImprovementPlan(SQLModel, table=True):
    __tablename__ = "improvement_plan"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    board: str = ""
    description: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: PlanStatus = Field(default=PlanStatus.ACTIVE, sa_column=_enum_column(PlanStatus))
    version: int = 1


class PriorityArea(SQLModel, table=True):
    __tablename__ = "priority_area"
    __table_args__ = (sa.UniqueConstraint("plan_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = _fk("improvement_plan.id")
    name: str
    position: int = 0
    version: int = 1


class Action(SQLModel, table=True):
    __tablename__ = "action"
    __table_args__ = (sa.UniqueConstraint("plan_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = _fk("improvement_plan.id")
    priority_area_id: int | None = _fk("priority_area.id", nullable=True, ondelete="SET NULL")
    ref: str
    description: str
    lead_id: int | None = _fk("person.id", nullable=True, ondelete="SET NULL")
    due_date: dt.date | None = None
    status: ActionStatus = Field(sa_column=_enum_column(ActionStatus))
    progress: int = 0
    rag_override: ActionRag | None = Field(
        default=None, sa_column=_enum_column(ActionRag, nullable=True)
    )
    rag_override_reason: str = ""
    resolution_id: int | None = _fk("resolution.id", nullable=True, ondelete="SET NULL")
    is_sample: bool = False
    version: int = 1


class ActionIndicator(SQLModel, table=True):
    """An indicator that evidences an action's impact."""

    __tablename__ = "action_indicator"

    action_id: int = Field(
        sa_column_args=[sa.ForeignKey("action.id", ondelete="CASCADE")], primary_key=True
    )
    indicator_id: int = Field(
        sa_column_args=[sa.ForeignKey("indicator.id", ondelete="CASCADE")],
        primary_key=True,
        index=True,  # "which actions evidence this indicator" searches by it
    )


class ActionUpdate(SQLModel, table=True):
    """One entry of an action's history. Written once, never edited."""

    __tablename__ = "action_update"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = _fk("action.id")
    text: str = ""
    old_status: ActionStatus | None = Field(sa_column=_enum_column(ActionStatus, nullable=True))
    new_status: ActionStatus | None = Field(sa_column=_enum_column(ActionStatus, nullable=True))
    old_progress: int | None = None
    new_progress: int | None = None
    who: str
    at: dt.datetime = Field(sa_column=_utc_column())
    is_sample: bool = False


class PlanEvent(SQLModel, table=True):
    """A milestone or event: a date, or a range ("3–4 Nov 2017").

    Most belong to a plan; some are simply dates the committee tracks (a
    scrutiny meeting), so ``plan_id`` may be empty.
    """

    __tablename__ = "plan_event"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int | None = _fk("improvement_plan.id", nullable=True)
    title: str
    kind: PlanEventKind = Field(sa_column=_enum_column(PlanEventKind))
    start_date: dt.date
    end_date: dt.date | None = None
    date_precision: DatePrecision = Field(sa_column=_enum_column(DatePrecision))
    notes: str = ""
    version: int = 1


# ------------------------------------------------------------------ audit


class AuditEntry(SQLModel, table=True):
    """Who changed what, when: one row per inserted, updated or deleted record."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_column=_utc_column())
    who: str
    table_name: str = Field(index=True)
    row_id: int = Field(index=True)
    change: str
    details: str = ""
