"""Minutes use cases: meetings, their agenda items, and everything minuted for one item.

Contract:
- ``list_meetings`` — every meeting, newest first (date, then start time), with
  its committee's name and how many agenda items it has;
  ``list_meetings_lazily`` the same meetings as a ``LazyRows``, each summary
  made the first time it is asked for (what the Minutes tab reads: it shows
  the newest few);
- ``list_agenda_items`` — one meeting's items by position; an unknown meeting
  raises ``NotFoundError``;
- ``list_all_agenda_items`` — every item, meetings newest first as in
  ``list_meetings``, items by position within each;
- ``meeting_of_item`` — the meeting an agenda item belongs to; an unknown
  item raises ``NotFoundError``;
- ``get_item_minutes`` — one item in full and in order: presenters (the role
  stated in the minutes, else the person's job title), sections with their
  points, resolutions ("Resolved", or "Resolved (i)", "Resolved (ii)" … when
  an item has several) with their parts, declarations of interest and
  supporting documents; an unknown item raises ``NotFoundError``.

- ``get_item_for_editing`` — the same item with every row's id and version
  and where its minutes stand (``EditableItem``): what the editor works on;
- ``get_item_lifecycle`` — whether the item's minutes may be edited, when and
  by whom they were approved (from the audit log), and the amendments
  recorded since (``ItemLifecycle.amended``);
- ``get_meeting_detail`` — a meeting with its record of attendance (by
  position: members, the chair marked by role, substitutes with whom they
  stood in for, officers), its items, the committee's previous meeting and
  its amendments;
- ``list_amendments`` — amendments to approved minutes, oldest first, of one
  meeting or one item;
- ``list_people`` — the people list, by name, for pickers;
- ``read_only_message`` — the sentence every edit of approved minutes is
  refused with ("The minutes of 12 Sep 2017 were approved as a correct
  record on 10 Oct 2017; record an amendment instead.").

Reads are Core selects in one short session per call, a fixed number of
queries whatever the size of the item (children fetched in bulk, never one
query per section: ``get_item_minutes`` runs two). The statements the Minutes
tab runs on every open and selection are built once, at import, with bound
parameters; their columns come in the order of the read model's fields, so a
row is the model's arguments.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import starmap
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.ids import (
    AgendaItemId,
    AmendmentId,
    AttendanceId,
    CommitteeId,
    DeclarationId,
    DocumentId,
    MeetingId,
    PersonId,
    PointId,
    PresenterId,
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
from qpmr_desktop.services.bulk_rows import converted, driver_rows
from qpmr_desktop.services.collector import no_cyclic_gc
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.read_models import (
    AgendaItemSummary,
    AmendmentView,
    AttendanceView,
    DeclarationView,
    DocumentView,
    EditableDeclaration,
    EditableDocument,
    EditableItem,
    EditablePart,
    EditablePoint,
    EditablePresenter,
    EditableResolution,
    EditableSection,
    ItemLifecycle,
    ItemMinutes,
    LazyRows,
    MeetingDetail,
    MeetingSummary,
    PersonView,
    PointView,
    Presenter,
    ResolutionView,
    SectionView,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    AgendaItem,
    Attendance,
    AuditEntry,
    Committee,
    DeclarationOfInterest,
    ItemPresenter,
    Meeting,
    MinutePoint,
    MinutesAmendment,
    MinuteSection,
    Person,
    Resolution,
    ResolutionPart,
    SupportingDocument,
)
from qpmr_desktop.storage.versioning import table_of

#: The audit ``change`` of a meeting's approval as a correct record (``minutes_lifecycle``).
APPROVAL_CHANGE = "approve"

# Newest meeting first. NULLS LAST is spelt out because SQLite and PostgreSQL
# disagree on where a missing start time sorts by default.
_NEWEST_FIRST = (
    col(Meeting.date).desc(),
    col(Meeting.start_time).desc().nulls_last(),
    col(Meeting.id).desc(),
)


def _meetings_query() -> sa.Select[*tuple[Any, ...]]:
    # The columns in the order of MeetingSummary's fields, so that a row is its arguments.
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
            sa.func.coalesce(item_counts.c.item_count, 0).label("item_count"),
            col(Meeting.is_sample),
        )
        .join(Committee, col(Committee.id) == col(Meeting.committee_id))
        .outerjoin(item_counts, item_counts.c.meeting_id == col(Meeting.id))
        .order_by(*_NEWEST_FIRST)
    )


# Built once: making the statement again for every call cost more than running it.
_MEETINGS = _meetings_query()
_ONE_MEETING = _MEETINGS.where(col(Meeting.id) == sa.bindparam("meeting_id"))


def _meeting_summary(row: sa.Row[*tuple[Any, ...]]) -> MeetingSummary:
    return MeetingSummary(*row)


def list_meetings(*, workspace: Workspace) -> list[MeetingSummary]:
    """Every meeting, newest first, with its item count.

    One query whose rows are the summaries' arguments in order, read from
    the driver with the date, start time, status and sample flag converted
    once per distinct value (``bulk_rows``): SQLAlchemy's rows, converting
    every field of every row, and building 2,000 summaries field by field,
    each took longer than the query (bench_minutes).
    """
    with no_cyclic_gc():
        with workspace.database.session() as session:
            connection = session.connection()
            rows = driver_rows(connection, _MEETINGS)
        if not rows:
            return []
        dialect = connection.dialect
        ids, committees, dates, times, venues, statuses, counts, samples = zip(*rows, strict=True)
        meeting = table_of(Meeting)
        return list(
            map(
                MeetingSummary,
                ids,
                committees,
                map(converted(meeting.c.date, dialect, dates).__getitem__, dates),
                map(converted(meeting.c.start_time, dialect, times).__getitem__, times),
                venues,
                map(converted(meeting.c.status, dialect, statuses).__getitem__, statuses),
                counts,
                map(converted(meeting.c.is_sample, dialect, samples).__getitem__, samples),
            )
        )


def list_meetings_lazily(*, workspace: Workspace) -> LazyRows[MeetingSummary]:
    """``list_meetings``, each summary made only when it is first asked for.

    The same query, its rows kept as the driver gives them; ``key(i)`` and
    ``position_of(meeting_id)`` use the id column without making anything.
    Making all 2,000 summaries, dates and statuses converted, took half as
    long as the query, and the Minutes tab shows the newest 128 (bench_minutes).
    """
    with workspace.database.session() as session:
        connection = session.connection()
        rows = driver_rows(connection, _MEETINGS)
    return LazyRows(rows, _meeting_maker(connection.dialect))


_Stored = tuple[Any, ...]
_MAKERS: dict[str, Callable[[_Stored], MeetingSummary]] = {}


def _meeting_maker(dialect: sa.Dialect) -> Callable[[_Stored], MeetingSummary]:
    """A ``MeetingSummary`` from one stored row of ``_MEETINGS``, typed as ``list_meetings``'s."""
    found = _MAKERS.get(dialect.name)
    if found is not None:
        return found
    meeting = table_of(Meeting)
    date = _reader(meeting.c.date, dialect)
    start_time = _reader(meeting.c.start_time, dialect)
    status = _reader(meeting.c.status, dialect)
    is_sample = _reader(meeting.c.is_sample, dialect)

    def make(row: _Stored) -> MeetingSummary:
        ident, committee, day, time, venue, state, item_count, sample = row
        return MeetingSummary(
            ident,
            committee,
            date(day),
            start_time(time),
            venue,
            status(state),
            item_count,
            is_sample(sample),
        )

    _MAKERS[dialect.name] = make
    return make


def _reader(column: sa.Column[Any], dialect: sa.Dialect) -> Callable[[Any], Any]:
    """What ``column``'s type makes of one stored value (the value itself when nothing)."""
    process: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).result_processor(
        dialect, None
    )
    return process if process is not None else _same


def _same(value: Any) -> Any:
    return value


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
# Built once, like _MEETINGS: opening an item runs these every time.
_AGENDA = (
    sa.select(*_ITEM_COLUMNS)
    .where(col(AgendaItem.meeting_id) == sa.bindparam("meeting_id"))
    .order_by(*_BY_POSITION)
)
_MEETING_OF_ITEM = sa.select(col(AgendaItem.meeting_id)).where(
    col(AgendaItem.id) == sa.bindparam("item_id")
)


def list_agenda_items(*, workspace: Workspace, meeting_id: MeetingId) -> list[AgendaItemSummary]:
    """One meeting's agenda items by position; ``NotFoundError`` for an unknown meeting."""
    with workspace.database.session() as session:
        connection = session.connection()
        rows = connection.execute(_AGENDA, {"meeting_id": meeting_id}).all()
        # Only an empty answer needs the second look: is the meeting there at all?
        if not rows and not _exists(connection, Meeting, meeting_id):
            raise NotFoundError("meeting", meeting_id)
    # The columns are AgendaItemSummary's fields in order.
    return list(starmap(AgendaItemSummary, rows))


def meeting_of_item(*, workspace: Workspace, item_id: AgendaItemId) -> MeetingId:
    """The meeting that holds agenda item ``item_id``; ``NotFoundError`` when unknown.

    One primary-key read, so that opening an item (a search hit, the register)
    loads only its own meeting's agenda: looking through agendas newest first
    took 15 s for an item of the oldest of 2,000 meetings (bench_minutes).
    """
    with workspace.database.session() as session:
        meeting_id = (
            session.connection()
            .execute(_MEETING_OF_ITEM, {"item_id": item_id})
            .scalar_one_or_none()
        )
    if meeting_id is None:
        raise NotFoundError("agenda item", item_id)
    return MeetingId(meeting_id)


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


# get_item_minutes reads an item in two statements, both built once here:
# the item with its meeting, then every row minuted for it in one UNION ALL,
# tagged by kind and ordered by generic sort keys, grouped in Python. Nine
# statements, each built per call, took 9 ms of a 0.5 ms read (bench_minutes).
_ITEM_ID = sa.bindparam("item_id", type_=sa.Integer)
_SECTIONS, _POINTS, _RESOLUTIONS, _PARTS, _PRESENTERS, _DECLARATIONS, _DOCUMENTS = range(7)


def _item_head_query() -> sa.Select[*tuple[Any, ...]]:
    item, meeting = table_of(AgendaItem), table_of(Meeting)
    counted = table_of(AgendaItem).alias("counted")
    item_count = (
        sa.select(sa.func.count())
        .select_from(counted)
        .where(counted.c.meeting_id == meeting.c.id)
        .scalar_subquery()
    )
    return (
        sa.select(
            item.c.id,
            item.c.number,
            item.c.title,
            item.c.is_sample,
            # MeetingSummary's fields, in order, from here on.
            meeting.c.id,
            table_of(Committee).c.name,
            meeting.c.date,
            meeting.c.start_time,
            meeting.c.venue,
            meeting.c.status,
            item_count,
            meeting.c.is_sample,
        )
        .join(meeting, meeting.c.id == item.c.meeting_id)
        .join(table_of(Committee), table_of(Committee).c.id == meeting.c.committee_id)
        .where(item.c.id == _ITEM_ID)
    )


def _item_rows_query() -> sa.CompoundSelect[*tuple[Any, ...]]:
    """Every row minuted for one item: (kind, id, parent, k1..k4, a, b, c)."""
    section, point = table_of(MinuteSection), table_of(MinutePoint)
    resolution, part = table_of(Resolution), table_of(ResolutionPart)
    presenter, person = table_of(ItemPresenter), table_of(Person)
    declaration, document = table_of(DeclarationOfInterest), table_of(SupportingDocument)
    zero: Any = sa.literal_column("0")
    none: Any = sa.null()

    def text(column: Any) -> Any:
        # Plain strings: enumerations are turned back into members by the caller.
        return sa.type_coerce(column, sa.String)

    def tag(kind: int) -> Any:
        return sa.literal_column(str(kind))

    selects = [
        sa.select(
            tag(_SECTIONS).label("kind"),
            section.c.id.label("id"),
            zero.label("parent"),
            section.c.position.label("k1"),
            section.c.id.label("k2"),
            zero.label("k3"),
            zero.label("k4"),
            text(section.c.heading).label("a"),
            text(none).label("b"),
            text(none).label("c"),
        ).where(section.c.agenda_item_id == _ITEM_ID),
        sa.select(
            tag(_POINTS),
            point.c.id,
            point.c.section_id,
            section.c.position,
            section.c.id,
            point.c.position,
            point.c.id,
            text(point.c.kind),
            point.c.text,
            none,
        )
        .join(section, section.c.id == point.c.section_id)
        .where(section.c.agenda_item_id == _ITEM_ID),
        sa.select(
            tag(_RESOLUTIONS),
            resolution.c.id,
            zero,
            resolution.c.position,
            resolution.c.id,
            zero,
            zero,
            resolution.c.label,
            resolution.c.text,
            none,
        ).where(resolution.c.agenda_item_id == _ITEM_ID),
        sa.select(
            tag(_PARTS),
            part.c.id,
            part.c.resolution_id,
            resolution.c.position,
            resolution.c.id,
            part.c.position,
            part.c.id,
            part.c.label,
            part.c.text,
            none,
        )
        .join(resolution, resolution.c.id == part.c.resolution_id)
        .where(resolution.c.agenda_item_id == _ITEM_ID),
        sa.select(
            tag(_PRESENTERS),
            presenter.c.id,
            zero,
            presenter.c.position,
            presenter.c.id,
            zero,
            zero,
            person.c.name,
            presenter.c.role,
            person.c.job_title,
        )
        .join(person, person.c.id == presenter.c.person_id)
        .where(presenter.c.agenda_item_id == _ITEM_ID),
        sa.select(
            tag(_DECLARATIONS),
            declaration.c.id,
            zero,
            # Declarations have no position: they are listed in the order recorded.
            declaration.c.id,
            zero,
            zero,
            zero,
            person.c.name,
            text(declaration.c.kind),
            declaration.c.text,
        )
        .join(person, person.c.id == declaration.c.person_id)
        .where(declaration.c.agenda_item_id == _ITEM_ID),
        sa.select(
            tag(_DOCUMENTS),
            document.c.id,
            zero,
            document.c.position,
            document.c.id,
            zero,
            zero,
            document.c.title,
            document.c.file_path,
            document.c.url,
        ).where(document.c.agenda_item_id == _ITEM_ID),
    ]
    union = sa.union_all(*selects)
    keys = union.selected_columns
    return union.order_by(keys.kind, keys.k1, keys.k2, keys.k3, keys.k4)


_ITEM_HEAD = _item_head_query()
_ITEM_ROWS = _item_rows_query()


def get_item_minutes(*, workspace: Workspace, item_id: AgendaItemId) -> ItemMinutes:
    """Everything minuted for one agenda item, in order; ``NotFoundError`` when unknown."""
    parameters = {"item_id": item_id}
    with workspace.database.session() as session:
        connection = session.connection()
        head = connection.execute(_ITEM_HEAD, parameters).first()
        if head is None:
            raise NotFoundError("agenda item", item_id)
        rows = connection.execute(_ITEM_ROWS, parameters).all()
    presenters: list[Presenter] = []
    sections: list[tuple[int, str | None, list[PointView]]] = []
    points: dict[int, list[PointView]] = {}
    resolutions: list[tuple[int, str, str, list[tuple[str, str]]]] = []
    parts: dict[int, list[tuple[str, str]]] = {}
    declarations: list[DeclarationView] = []
    documents: list[DocumentView] = []
    for kind, ident, parent, _k1, _k2, _k3, _k4, a, b, c in rows:
        if kind == _POINTS:
            points[parent].append(PointView(id=ident, kind=PointKind(a), text=b))
        elif kind == _SECTIONS:
            points[ident] = []
            sections.append((ident, a, points[ident]))
        elif kind == _PARTS:
            parts[parent].append((a, b))
        elif kind == _RESOLUTIONS:
            parts[ident] = []
            resolutions.append((ident, a, b, parts[ident]))
        elif kind == _PRESENTERS:
            presenters.append(Presenter(name=a, role=b.strip() or c))
        elif kind == _DECLARATIONS:
            declarations.append(DeclarationView(member=a, kind=DeclarationKind(b).value, text=c))
        else:
            documents.append(DocumentView(title=a, file_path=b, url=c))
    several = len(resolutions) > 1
    return ItemMinutes(
        id=AgendaItemId(head[0]),
        meeting=MeetingSummary(*head[4:]),
        number=head[1],
        title=head[2],
        presenters=tuple(presenters),
        sections=tuple(
            SectionView(id=SectionId(ident), heading=heading, points=tuple(found))
            for ident, heading, found in sections
        ),
        resolutions=tuple(
            ResolutionView(
                id=ResolutionId(ident),
                label=resolution_label(label, number, several=several),
                text=text,
                parts=tuple(found_parts),
            )
            for number, (ident, label, text, found_parts) in enumerate(resolutions, start=1)
        ),
        declarations=tuple(declarations),
        documents=tuple(documents),
        is_sample=bool(head[3]),
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


# ------------------------------------------------------------------ lifecycle and amendments


def format_meeting_date(day: dt.date) -> str:
    """ "12 Sep 2017": how messages name a meeting."""
    return f"{day.day} {day:%b %Y}"


def approval_record(connection: sa.Connection, meeting_id: int) -> tuple[dt.datetime, str] | None:
    """When and by whom the meeting's minutes were last approved, from the audit log.

    None when the log has no approval (minutes approved before the app kept
    one, or by another program).
    """
    row = connection.execute(_APPROVAL, {"meeting_id": meeting_id}).first()
    return None if row is None else (row.at, row.who)


_APPROVAL = (
    sa.select(col(AuditEntry.at), col(AuditEntry.who))
    .where(
        col(AuditEntry.table_name) == Meeting.__tablename__,
        col(AuditEntry.row_id) == sa.bindparam("meeting_id"),
        col(AuditEntry.change) == APPROVAL_CHANGE,
    )
    .order_by(col(AuditEntry.id).desc())
    .limit(1)
)


def approval_sentence(meeting_date: dt.date, approved_at: dt.datetime | None) -> str:
    """ "The minutes of 12 Sep 2017 were approved as a correct record on 10 Oct 2017"."""
    when = "" if approved_at is None else f" on {format_meeting_date(approved_at.date())}"
    return (
        f"The minutes of {format_meeting_date(meeting_date)} were approved as a correct "
        f"record{when}"
    )


def read_only_message(meeting_date: dt.date, approved_at: dt.datetime | None) -> str:
    """Why an edit of approved minutes is refused, and what to do instead."""
    return f"{approval_sentence(meeting_date, approved_at)}; record an amendment instead."


def previous_meeting_id(connection: sa.Connection, meeting_id: int) -> MeetingId | None:
    """The same committee's meeting before this one (by date, time, then id), if any."""
    this = connection.execute(
        sa.select(
            col(Meeting.committee_id), col(Meeting.date), col(Meeting.start_time), col(Meeting.id)
        ).where(col(Meeting.id) == meeting_id)
    ).first()
    if this is None:
        raise NotFoundError("meeting", meeting_id)
    # A missing start time counts as the start of the day, so sorts first that day.
    start = sa.func.coalesce(col(Meeting.start_time), dt.time(0, 0))
    this_start = this.start_time or dt.time(0, 0)
    earlier = sa.or_(
        col(Meeting.date) < this.date,
        sa.and_(col(Meeting.date) == this.date, start < this_start),
        sa.and_(col(Meeting.date) == this.date, start == this_start, col(Meeting.id) < this.id),
    )
    found = connection.execute(
        sa.select(col(Meeting.id))
        .where(col(Meeting.committee_id) == this.committee_id, earlier)
        .order_by(col(Meeting.date).desc(), start.desc(), col(Meeting.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if found is None else MeetingId(found)


def _amendments(connection: sa.Connection, *conditions: Any) -> tuple[AmendmentView, ...]:
    rows = connection.execute(
        sa.select(MinutesAmendment).where(*conditions).order_by(col(MinutesAmendment.id))
    ).all()
    return _amendment_views(rows)


# An item's amendments, built once: every selection of an item reads them.
_ITEM_AMENDMENTS = (
    sa.select(MinutesAmendment)
    .where(col(MinutesAmendment.agenda_item_id) == sa.bindparam("item_id"))
    .order_by(col(MinutesAmendment.id))
)


def _amendment_views(rows: Sequence[sa.Row[Any]]) -> tuple[AmendmentView, ...]:
    return tuple(
        AmendmentView(
            id=AmendmentId(row.id),
            meeting_id=MeetingId(row.meeting_id),
            item_id=None if row.agenda_item_id is None else AgendaItemId(row.agenda_item_id),
            at=row.at,
            who=row.who,
            reason=row.reason,
            operation=row.operation,
            changes=json.loads(row.changes) if row.changes else {},
        )
        for row in rows
    )


def list_amendments(
    *,
    workspace: Workspace,
    meeting_id: MeetingId | None = None,
    item_id: AgendaItemId | None = None,
) -> list[AmendmentView]:
    """Amendments to approved minutes, oldest first: of one meeting, one item, or all."""
    conditions = []
    if meeting_id is not None:
        conditions.append(col(MinutesAmendment.meeting_id) == meeting_id)
    if item_id is not None:
        conditions.append(col(MinutesAmendment.agenda_item_id) == item_id)
    with workspace.database.session() as session:
        return list(_amendments(session.connection(), *conditions))


def _item_lifecycle(
    connection: sa.Connection, item_id: int, meeting_id: int, meeting_date: dt.date, status: str
) -> ItemLifecycle:
    lifecycle = MinutesStatus(status)
    approval = (
        approval_record(connection, meeting_id) if lifecycle is MinutesStatus.APPROVED else None
    )
    amendments = _amendment_views(connection.execute(_ITEM_AMENDMENTS, {"item_id": item_id}).all())
    approved = lifecycle is MinutesStatus.APPROVED
    return ItemLifecycle(
        item_id=AgendaItemId(item_id),
        meeting_id=MeetingId(meeting_id),
        status=lifecycle,
        editable=not approved,
        read_only_reason=(
            read_only_message(meeting_date, None if approval is None else approval[0])
            if approved
            else None
        ),
        approved_at=None if approval is None else approval[0],
        approved_by=None if approval is None else approval[1],
        amended=bool(amendments),
        amendments=amendments,
    )


def get_item_lifecycle(*, workspace: Workspace, item_id: AgendaItemId) -> ItemLifecycle:
    """Where the item's minutes stand; ``NotFoundError`` for an unknown item."""
    with workspace.database.session() as session:
        connection = session.connection()
        row = connection.execute(_LIFECYCLE_OF_ITEM, {"item_id": item_id}).first()
        if row is None:
            raise NotFoundError("agenda item", item_id)
        return _item_lifecycle(connection, item_id, row.id, row.date, row.status)


_LIFECYCLE_OF_ITEM = (
    sa.select(col(Meeting.id), col(Meeting.date), col(Meeting.status))
    .join(AgendaItem, col(AgendaItem.meeting_id) == col(Meeting.id))
    .where(col(AgendaItem.id) == sa.bindparam("item_id"))
)


def get_item_for_editing(*, workspace: Workspace, item_id: AgendaItemId) -> EditableItem:
    """The item with every row's id and version; ``NotFoundError`` when unknown."""
    with workspace.database.session() as session:
        connection = session.connection()
        item = connection.execute(
            sa.select(
                col(AgendaItem.id),
                col(AgendaItem.version),
                col(AgendaItem.meeting_id),
                col(AgendaItem.number),
                col(AgendaItem.title),
                col(AgendaItem.is_sample),
                col(Meeting.date),
                col(Meeting.status),
            )
            .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
            .where(col(AgendaItem.id) == item_id)
        ).first()
        if item is None:
            raise NotFoundError("agenda item", item_id)
        lifecycle = _item_lifecycle(connection, item.id, item.meeting_id, item.date, item.status)
        presenters = tuple(
            EditablePresenter(
                id=PresenterId(row.id),
                version=row.version,
                person_id=PersonId(row.person_id),
                name=row.name,
                role=row.role,
                job_title=row.job_title,
            )
            for row in connection.execute(
                sa.select(
                    col(ItemPresenter.id),
                    col(ItemPresenter.version),
                    col(ItemPresenter.person_id),
                    col(ItemPresenter.role),
                    col(Person.name),
                    col(Person.job_title),
                )
                .join(Person, col(Person.id) == col(ItemPresenter.person_id))
                .where(col(ItemPresenter.agenda_item_id) == item_id)
                .order_by(col(ItemPresenter.position), col(ItemPresenter.id))
            )
        )
        documents = tuple(
            EditableDocument(
                id=DocumentId(row.id),
                version=row.version,
                title=row.title,
                file_path=row.file_path,
                url=row.url,
            )
            for row in connection.execute(
                sa.select(SupportingDocument)
                .where(col(SupportingDocument.agenda_item_id) == item_id)
                .order_by(col(SupportingDocument.position), col(SupportingDocument.id))
            )
        )
        sections = _editable_sections(connection, item_id)
        resolutions = _editable_resolutions(connection, item_id)
        declarations = tuple(
            EditableDeclaration(
                id=DeclarationId(row.id),
                version=row.version,
                person_id=PersonId(row.person_id),
                member=row.name,
                kind=DeclarationKind(row.kind),
                text=row.text,
            )
            for row in connection.execute(
                sa.select(
                    col(DeclarationOfInterest.id),
                    col(DeclarationOfInterest.version),
                    col(DeclarationOfInterest.person_id),
                    col(DeclarationOfInterest.kind),
                    col(DeclarationOfInterest.text),
                    col(Person.name),
                )
                .join(Person, col(Person.id) == col(DeclarationOfInterest.person_id))
                .where(col(DeclarationOfInterest.agenda_item_id) == item_id)
                .order_by(col(DeclarationOfInterest.id))
            )
        )
    return EditableItem(
        id=AgendaItemId(item.id),
        version=item.version,
        meeting_id=MeetingId(item.meeting_id),
        number=item.number,
        title=item.title,
        lifecycle=lifecycle,
        presenters=presenters,
        documents=documents,
        sections=sections,
        resolutions=resolutions,
        declarations=declarations,
        is_sample=bool(item.is_sample),
    )


def _editable_sections(
    connection: sa.Connection, item_id: AgendaItemId
) -> tuple[EditableSection, ...]:
    section_order = (col(MinuteSection.position), col(MinuteSection.id))
    section_rows = connection.execute(
        sa.select(col(MinuteSection.id), col(MinuteSection.version), col(MinuteSection.heading))
        .where(col(MinuteSection.agenda_item_id) == item_id)
        .order_by(*section_order)
    ).all()
    points: dict[int, list[EditablePoint]] = defaultdict(list)
    for row in connection.execute(
        sa.select(
            col(MinutePoint.id),
            col(MinutePoint.version),
            col(MinutePoint.section_id),
            col(MinutePoint.kind),
            col(MinutePoint.text),
        )
        .join(MinuteSection, col(MinuteSection.id) == col(MinutePoint.section_id))
        .where(col(MinuteSection.agenda_item_id) == item_id)
        .order_by(*section_order, col(MinutePoint.position), col(MinutePoint.id))
    ):
        points[row.section_id].append(
            EditablePoint(
                id=PointId(row.id), version=row.version, kind=PointKind(row.kind), text=row.text
            )
        )
    return tuple(
        EditableSection(
            id=SectionId(row.id),
            version=row.version,
            heading=row.heading,
            points=tuple(points.get(row.id, ())),
        )
        for row in section_rows
    )


def _editable_resolutions(
    connection: sa.Connection, item_id: AgendaItemId
) -> tuple[EditableResolution, ...]:
    resolution_order = (col(Resolution.position), col(Resolution.id))
    resolution_rows = connection.execute(
        sa.select(
            col(Resolution.id), col(Resolution.version), col(Resolution.label), col(Resolution.text)
        )
        .where(col(Resolution.agenda_item_id) == item_id)
        .order_by(*resolution_order)
    ).all()
    parts: dict[int, list[EditablePart]] = defaultdict(list)
    for row in connection.execute(
        sa.select(
            col(ResolutionPart.id),
            col(ResolutionPart.version),
            col(ResolutionPart.resolution_id),
            col(ResolutionPart.label),
            col(ResolutionPart.text),
        )
        .join(Resolution, col(Resolution.id) == col(ResolutionPart.resolution_id))
        .where(col(Resolution.agenda_item_id) == item_id)
        .order_by(*resolution_order, col(ResolutionPart.position), col(ResolutionPart.id))
    ):
        parts[row.resolution_id].append(
            EditablePart(
                id=ResolutionPartId(row.id), version=row.version, label=row.label, text=row.text
            )
        )
    several = len(resolution_rows) > 1
    return tuple(
        EditableResolution(
            id=ResolutionId(row.id),
            version=row.version,
            label=row.label,
            numbered_label=resolution_label(row.label, number, several=several),
            text=row.text,
            parts=tuple(parts.get(row.id, ())),
        )
        for number, row in enumerate(resolution_rows, start=1)
    )


def get_meeting_detail(*, workspace: Workspace, meeting_id: MeetingId) -> MeetingDetail:
    """A meeting with its attendance, items and lifecycle; ``NotFoundError`` when unknown."""
    substitute = table_of(Person).alias("substitute")
    with workspace.database.session() as session:
        connection = session.connection()
        meeting: sa.Row[*tuple[Any, ...]] | None = connection.execute(
            sa.select(
                col(Meeting.id),
                col(Meeting.version),
                col(Meeting.committee_id),
                col(Committee.name).label("committee"),
                col(Meeting.date),
                col(Meeting.start_time),
                col(Meeting.venue),
                col(Meeting.status),
                col(Meeting.is_sample),
            )
            .join(Committee, col(Committee.id) == col(Meeting.committee_id))
            .where(col(Meeting.id) == meeting_id)
        ).first()
        if meeting is None:
            raise NotFoundError("meeting", meeting_id)
        attendance = tuple(
            AttendanceView(
                id=AttendanceId(row.id),
                version=row.version,
                person_id=PersonId(row.person_id),
                name=row.name,
                job_title=row.job_title,
                role=AttendanceRole(row.role),
                status=AttendanceStatus(row.status),
                substitute_for_id=(
                    None if row.substitute_for_id is None else PersonId(row.substitute_for_id)
                ),
                substitute_for=row.substitute_name,
            )
            for row in connection.execute(
                sa.select(
                    col(Attendance.id),
                    col(Attendance.version),
                    col(Attendance.person_id),
                    col(Attendance.role),
                    col(Attendance.status),
                    col(Attendance.substitute_for_id),
                    col(Person.name),
                    col(Person.job_title),
                    substitute.c.name.label("substitute_name"),
                )
                .join(Person, col(Person.id) == col(Attendance.person_id))
                .outerjoin(substitute, substitute.c.id == col(Attendance.substitute_for_id))
                .where(col(Attendance.meeting_id) == meeting_id)
                .order_by(col(Attendance.position), col(Attendance.id))
            )
        )
        items = tuple(
            _item_summary(row)
            for row in connection.execute(
                sa.select(*_ITEM_COLUMNS)
                .where(col(AgendaItem.meeting_id) == meeting_id)
                .order_by(*_BY_POSITION)
            )
        )
        previous_id = previous_meeting_id(connection, meeting_id)
        previous = (
            None
            if previous_id is None
            else _meeting_summary(
                connection.execute(_ONE_MEETING, {"meeting_id": previous_id}).one()
            )
        )
        status = MinutesStatus(meeting.status)
        approval = (
            approval_record(connection, meeting_id) if status is MinutesStatus.APPROVED else None
        )
        amendments = _amendments(connection, col(MinutesAmendment.meeting_id) == meeting_id)
    return MeetingDetail(
        id=MeetingId(meeting.id),
        version=meeting.version,
        committee_id=CommitteeId(meeting.committee_id),
        committee=meeting.committee,
        date=meeting.date,
        start_time=meeting.start_time,
        venue=meeting.venue,
        status=status,
        approved_at=None if approval is None else approval[0],
        approved_by=None if approval is None else approval[1],
        attendance=attendance,
        items=items,
        previous_meeting=previous,
        amendments=amendments,
        is_sample=bool(meeting.is_sample),
    )


def list_people(*, workspace: Workspace) -> list[PersonView]:
    """Everyone in the people list, by name (capitals ignored), for pickers."""
    with workspace.database.session() as session:
        rows = (
            session.connection()
            .execute(
                sa.select(
                    col(Person.id), col(Person.name), col(Person.job_title), col(Person.version)
                )
            )
            .all()
        )
    people = [
        PersonView(id=PersonId(row.id), name=row.name, job_title=row.job_title, version=row.version)
        for row in rows
    ]
    return sorted(people, key=lambda person: (person.name.casefold(), person.id))
