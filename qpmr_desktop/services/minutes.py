"""Minutes use cases: meetings, their agenda items, and everything minuted for one item.

Contract:
- ``list_meetings`` — every meeting, newest first (date, then start time), with
  its committee's name and how many agenda items it has;
- ``list_agenda_items`` — one meeting's items by position; an unknown meeting
  raises ``NotFoundError``;
- ``list_all_agenda_items`` — every item, meetings newest first as in
  ``list_meetings``, items by position within each;
- ``get_item_minutes`` — one item in full and in order: presenters (the role
  stated in the minutes, else the person's job title), sections with their
  points, resolutions ("Resolved", or "Resolved (i)", "Resolved (ii)" … when
  an item has several) with their parts, declarations of interest and
  supporting documents; an unknown item raises ``NotFoundError``.

Reads are Core selects in one short session per call, a fixed number of
queries whatever the size of the item (children fetched in bulk, never one
query per section).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.ids import AgendaItemId, MeetingId, PointId, ResolutionId, SectionId
from qpmr_desktop.domain.minutes import DeclarationKind, MinutesStatus, PointKind
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.read_models import (
    AgendaItemSummary,
    DeclarationView,
    DocumentView,
    ItemMinutes,
    MeetingSummary,
    PointView,
    Presenter,
    ResolutionView,
    SectionView,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    AgendaItem,
    Committee,
    DeclarationOfInterest,
    ItemPresenter,
    Meeting,
    MinutePoint,
    MinuteSection,
    Person,
    Resolution,
    ResolutionPart,
    SupportingDocument,
)

# Newest meeting first. NULLS LAST is spelt out because SQLite and PostgreSQL
# disagree on where a missing start time sorts by default.
_NEWEST_FIRST = (
    col(Meeting.date).desc(),
    col(Meeting.start_time).desc().nulls_last(),
    col(Meeting.id).desc(),
)


def _meetings_query() -> sa.Select[*tuple[Any, ...]]:
    item_counts = (
        sa.select(
            col(AgendaItem.meeting_id).label("meeting_id"),
            sa.func.count().label("item_count"),
        )
        .group_by(col(AgendaItem.meeting_id))
        .subquery()
    )
    return (
        sa.select(
            col(Meeting.id),
            col(Committee.name).label("committee"),
            col(Meeting.date),
            col(Meeting.start_time),
            col(Meeting.venue),
            col(Meeting.status),
            col(Meeting.is_sample),
            sa.func.coalesce(item_counts.c.item_count, 0).label("item_count"),
        )
        .join(Committee, col(Committee.id) == col(Meeting.committee_id))
        .outerjoin(item_counts, item_counts.c.meeting_id == col(Meeting.id))
        .order_by(*_NEWEST_FIRST)
    )


def _meeting_summary(row: sa.Row[*tuple[Any, ...]]) -> MeetingSummary:
    return MeetingSummary(
        id=MeetingId(row.id),
        committee=row.committee,
        date=row.date,
        start_time=row.start_time,
        venue=row.venue,
        status=MinutesStatus(row.status),
        item_count=int(row.item_count),
        is_sample=bool(row.is_sample),
    )


def list_meetings(*, workspace: Workspace) -> list[MeetingSummary]:
    """Every meeting, newest first, with its item count."""
    with workspace.database.session() as session:
        rows = session.connection().execute(_meetings_query()).all()
    return [_meeting_summary(row) for row in rows]


def _item_summary(row: sa.Row[*tuple[Any, ...]]) -> AgendaItemSummary:
    return AgendaItemSummary(
        id=AgendaItemId(row.id),
        meeting_id=MeetingId(row.meeting_id),
        number=row.number,
        title=row.title,
        is_sample=bool(row.is_sample),
    )


_ITEM_COLUMNS = (
    col(AgendaItem.id),
    col(AgendaItem.meeting_id),
    col(AgendaItem.number),
    col(AgendaItem.title),
    col(AgendaItem.is_sample),
)
_BY_POSITION = (col(AgendaItem.position), col(AgendaItem.id))


def list_agenda_items(*, workspace: Workspace, meeting_id: MeetingId) -> list[AgendaItemSummary]:
    """One meeting's agenda items by position; ``NotFoundError`` for an unknown meeting."""
    query = (
        sa.select(*_ITEM_COLUMNS)
        .where(col(AgendaItem.meeting_id) == meeting_id)
        .order_by(*_BY_POSITION)
    )
    with workspace.database.session() as session:
        connection = session.connection()
        rows = connection.execute(query).all()
        # Only an empty answer needs the second look: is the meeting there at all?
        if not rows and not _exists(connection, Meeting, meeting_id):
            raise NotFoundError("meeting", meeting_id)
    return [_item_summary(row) for row in rows]


def list_all_agenda_items(*, workspace: Workspace) -> list[AgendaItemSummary]:
    """Every agenda item: meetings newest first, items by position within each."""
    query = (
        sa.select(*_ITEM_COLUMNS)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .order_by(*_NEWEST_FIRST, *_BY_POSITION)
    )
    with workspace.database.session() as session:
        rows = session.connection().execute(query).all()
    return [_item_summary(row) for row in rows]


def _exists(connection: sa.Connection, table: type[Meeting] | type[AgendaItem], ident: int) -> bool:
    query = sa.select(sa.literal(1)).where(col(table.id) == ident)
    return connection.execute(query).first() is not None


def get_item_minutes(*, workspace: Workspace, item_id: AgendaItemId) -> ItemMinutes:
    """Everything minuted for one agenda item, in order; ``NotFoundError`` when unknown."""
    with workspace.database.session() as session:
        connection = session.connection()
        item = connection.execute(
            sa.select(*_ITEM_COLUMNS).where(col(AgendaItem.id) == item_id)
        ).first()
        if item is None:
            raise NotFoundError("agenda item", item_id)
        meeting = connection.execute(
            _meetings_query().where(col(Meeting.id) == item.meeting_id)
        ).one()
        presenters = _presenters(connection, item_id)
        sections = _sections(connection, item_id)
        resolutions = _resolutions(connection, item_id)
        declarations = _declarations(connection, item_id)
        documents = _documents(connection, item_id)
    return ItemMinutes(
        id=AgendaItemId(item.id),
        meeting=_meeting_summary(meeting),
        number=item.number,
        title=item.title,
        presenters=presenters,
        sections=sections,
        resolutions=resolutions,
        declarations=declarations,
        documents=documents,
        is_sample=bool(item.is_sample),
    )


def _presenters(connection: sa.Connection, item_id: AgendaItemId) -> tuple[Presenter, ...]:
    query = (
        sa.select(col(Person.name), col(ItemPresenter.role), col(Person.job_title))
        .join(Person, col(Person.id) == col(ItemPresenter.person_id))
        .where(col(ItemPresenter.agenda_item_id) == item_id)
        .order_by(col(ItemPresenter.position), col(ItemPresenter.id))
    )
    return tuple(
        Presenter(name=row.name, role=row.role.strip() or row.job_title)
        for row in connection.execute(query)
    )


def _sections(connection: sa.Connection, item_id: AgendaItemId) -> tuple[SectionView, ...]:
    section_order = (col(MinuteSection.position), col(MinuteSection.id))
    section_rows = connection.execute(
        sa.select(col(MinuteSection.id), col(MinuteSection.heading))
        .where(col(MinuteSection.agenda_item_id) == item_id)
        .order_by(*section_order)
    ).all()
    points: dict[SectionId, list[PointView]] = defaultdict(list)
    point_rows = connection.execute(
        sa.select(
            col(MinutePoint.id),
            col(MinutePoint.section_id),
            col(MinutePoint.kind),
            col(MinutePoint.text),
        )
        .join(MinuteSection, col(MinuteSection.id) == col(MinutePoint.section_id))
        .where(col(MinuteSection.agenda_item_id) == item_id)
        .order_by(*section_order, col(MinutePoint.position), col(MinutePoint.id))
    )
    for row in point_rows:
        points[SectionId(row.section_id)].append(
            PointView(id=PointId(row.id), kind=PointKind(row.kind), text=row.text)
        )
    return tuple(
        SectionView(
            id=SectionId(row.id),
            heading=row.heading,
            points=tuple(points.get(SectionId(row.id), ())),
        )
        for row in section_rows
    )


def _resolutions(connection: sa.Connection, item_id: AgendaItemId) -> tuple[ResolutionView, ...]:
    resolution_order = (col(Resolution.position), col(Resolution.id))
    resolution_rows = connection.execute(
        sa.select(col(Resolution.id), col(Resolution.label), col(Resolution.text))
        .where(col(Resolution.agenda_item_id) == item_id)
        .order_by(*resolution_order)
    ).all()
    parts: dict[ResolutionId, list[tuple[str, str]]] = defaultdict(list)
    part_rows = connection.execute(
        sa.select(
            col(ResolutionPart.resolution_id),
            col(ResolutionPart.label),
            col(ResolutionPart.text),
        )
        .join(Resolution, col(Resolution.id) == col(ResolutionPart.resolution_id))
        .where(col(Resolution.agenda_item_id) == item_id)
        .order_by(*resolution_order, col(ResolutionPart.position), col(ResolutionPart.id))
    )
    for row in part_rows:
        parts[ResolutionId(row.resolution_id)].append((row.label, row.text))
    several = len(resolution_rows) > 1
    return tuple(
        ResolutionView(
            id=ResolutionId(row.id),
            label=resolution_label(row.label, number, several=several),
            text=row.text,
            parts=tuple(parts.get(ResolutionId(row.id), ())),
        )
        for number, row in enumerate(resolution_rows, start=1)
    )


def resolution_label(label: str, number: int, *, several: bool) -> str:
    """ "Resolved" alone; "Resolved (ii)" for the second of several resolutions."""
    stem = label.strip() or "Resolved"
    return f"{stem} ({roman_numeral(number)})" if several else stem


_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def roman_numeral(number: int) -> str:
    """Lower-case Roman numerals, as minutes number resolutions: 1 → "i", 4 → "iv"."""
    if number < 1:
        raise ValueError(f"Roman numerals start at 1, not {number}")
    digits = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        digits.append(letters * count)
    return "".join(digits)


def _declarations(connection: sa.Connection, item_id: AgendaItemId) -> tuple[DeclarationView, ...]:
    query = (
        sa.select(
            col(Person.name),
            col(DeclarationOfInterest.kind),
            col(DeclarationOfInterest.text),
        )
        .join(Person, col(Person.id) == col(DeclarationOfInterest.person_id))
        .where(col(DeclarationOfInterest.agenda_item_id) == item_id)
        # Declarations have no position: they are listed in the order recorded.
        .order_by(col(DeclarationOfInterest.id))
    )
    return tuple(
        DeclarationView(member=row.name, kind=DeclarationKind(row.kind).value, text=row.text)
        for row in connection.execute(query)
    )


def _documents(connection: sa.Connection, item_id: AgendaItemId) -> tuple[DocumentView, ...]:
    query = (
        sa.select(
            col(SupportingDocument.title),
            col(SupportingDocument.file_path),
            col(SupportingDocument.url),
        )
        .where(col(SupportingDocument.agenda_item_id) == item_id)
        .order_by(col(SupportingDocument.position), col(SupportingDocument.id))
    )
    return tuple(
        DocumentView(title=row.title, file_path=row.file_path, url=row.url)
        for row in connection.execute(query)
    )
