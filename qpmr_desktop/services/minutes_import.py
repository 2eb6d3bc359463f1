"""Taking in published minutes: a parsed agenda item saved as a new item of a meeting.

Contract:

- ``save_parsed_item(*, workspace, parsed, committee, meeting_date, number=None,
  clock=utc_now)`` writes ``parsed`` (from
  ``domain.minutes_parsing.parse_published_minutes``) as a new agenda item and
  returns its id. Everything happens in one transaction: on any error nothing
  is written.

  * The committee is found by its name (surrounding spaces ignored, capitals
    not), or created.
  * The meeting is that committee's meeting on ``meeting_date`` (the first
    made, if there are several), or a new one with status draft and no time
    or venue.
  * A meeting whose minutes are approved is refused with ``NotAllowedError``:
    approved minutes change only by a recorded amendment (issue 4, point 5).
    Draft and circulated minutes take the new item.
  * The item goes at the end of the agenda (position after the last). Its
    number is ``number`` if given (and not blank), else the next whole number after the
    largest number the agenda has ("4" after "3" or "3a"; "1" on an empty
    agenda). The number printed on the published page (``parsed.item_number``)
    is the caller's to pass: it numbered another agenda.
  * Each presenter, in order, is the person of that name (capitals ignored;
    the first made, if several), or a new person whose job title is the role.
    A presenter known only by role ("the Director of Adult Services") is the
    person recorded under that role as name. The role the minutes give is
    kept on the item.
  * Sections, points, resolutions with their parts, and supporting documents
    (as titles, without a file or link) are saved in order with positions
    from 1, their text exactly as parsed. A part's number is split from its
    text into the part's label: "(1) That …" is saved as "(1)" and "That …".
  * Audit entries (author ``workspace.user``, time from ``clock``): one per
    committee, meeting and person created, and one for the item, whose
    details say it was taken in from published minutes and what it holds.

- Errors, each leaving the database as it was: ``ValidationError`` for a
  blank committee name or minutes without a title (give the parse a title
  with ``dataclasses.replace`` first); ``NotAllowedError`` for approved
  minutes; ``ConflictError`` when another user created the same committee at
  the same moment (try again).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.domain.minutes_parsing import (
    ParsedMinutes,
    ParsedPresenter,
    split_part_label,
)
from qpmr_desktop.services.audit import Clock, field_changes, record_audit, utc_now
from qpmr_desktop.services.errors import ConflictError, NotAllowedError, ValidationError
from qpmr_desktop.services.read_models import ChangeKind, FieldProblem
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    AgendaItem,
    Committee,
    ItemPresenter,
    Meeting,
    MinutePoint,
    MinuteSection,
    Person,
    Resolution,
    ResolutionPart,
    SupportingDocument,
)

#: What the item's audit entry says it came from.
SOURCE = "published minutes"

_LEADING_NUMBER = re.compile(r"\d+")


def save_parsed_item(
    *,
    workspace: Workspace,
    parsed: ParsedMinutes,
    committee: str,
    meeting_date: dt.date,
    number: str | None = None,
    clock: Clock = utc_now,
) -> AgendaItemId:
    """Save ``parsed`` as a new agenda item of the meeting; its id. See the module contract."""
    committee_name = " ".join(committee.split())
    _check(parsed, committee_name)
    with workspace.database.session() as session:
        audit = _Audit(session, who=workspace.user, clock=clock)
        committee_id = _committee(session, committee_name, audit)
        meeting_id = _meeting(session, committee_id, committee_name, meeting_date, audit)
        position, next_number = _agenda_end(session, meeting_id)
        item_number = (number or "").strip() or next_number
        title = " ".join((parsed.title or "").split())
        item_id = _insert(
            session,
            AgendaItem,
            {"meeting_id": meeting_id, "number": item_number, "title": title, "position": position},
        )
        _save_presenters(session, item_id, parsed.presenters, audit)
        _save_minutes(session, item_id, parsed)
        audit.record(
            AgendaItem,
            item_id,
            {
                "source": SOURCE,
                "committee": committee_name,
                "meeting_date": meeting_date,
                "fields": field_changes(
                    {},
                    {
                        "meeting_id": meeting_id,
                        "number": item_number,
                        "title": title,
                        "position": position,
                    },
                ),
                "presenters": [
                    {"name": presenter.name, "role": presenter.role}
                    for presenter in parsed.presenters
                ],
                "sections": len(parsed.sections),
                "points": len(parsed.points),
                "resolutions": len(parsed.resolutions),
                "supporting_documents": len(parsed.supporting_documents),
            },
        )
    return AgendaItemId(item_id)


def _check(parsed: ParsedMinutes, committee_name: str) -> None:
    problems: list[FieldProblem] = []
    if not committee_name:
        problems.append(FieldProblem("committee", "Give the name of the committee."))
    if not (parsed.title or "").strip():
        problems.append(
            FieldProblem(
                "title",
                "The minutes have no title line, so the item would have no title; "
                "give it one before saving.",
            )
        )
    if problems:
        raise ValidationError("The published minutes", problems)


class _Audit:
    """Audit entries of one transaction, all by the same person at the clock's times."""

    def __init__(self, session: Session, *, who: str, clock: Clock) -> None:
        self._session = session
        self._who = who
        self._clock = clock

    def record(self, table: type[Any], row_id: int, details: Mapping[str, object]) -> None:
        record_audit(
            self._session,
            who=self._who,
            table=table.__tablename__,
            row_id=row_id,
            change=ChangeKind.CREATE.value,
            details=details,
            clock=self._clock,
        )

    def created(self, table: type[Any], row_id: int, fields: Mapping[str, object]) -> None:
        self.record(table, row_id, {"source": SOURCE, "fields": field_changes({}, fields)})


def _insert(session: Session, table: type[Any], values: Mapping[str, object]) -> int:
    result = session.connection().execute(sa.insert(table).values(dict(values)))
    (row_id,) = result.inserted_primary_key or (None,)
    if row_id is None:  # every supported database returns the new key
        raise RuntimeError(f"The database did not return the new {table.__tablename__} id.")
    return int(row_id)


def _find_by_name(session: Session, table: type[Committee] | type[Person], name: str) -> int | None:
    """The first-made row called ``name``, capitals ignored; None when there is none."""
    connection = session.connection()
    by_id = col(table.id)
    exact = connection.execute(
        sa.select(by_id).where(col(table.name) == name).order_by(by_id).limit(1)
    ).first()
    if exact is not None:
        return int(exact.id)
    # SQLite's lower() knows only ASCII letters ("Ł" stays "Ł"), so the
    # comparison ignoring capitals is Python's.
    wanted = name.casefold()
    for row in connection.execute(sa.select(by_id, col(table.name)).order_by(by_id)):
        if row.name.casefold() == wanted:
            return int(row.id)
    return None


def _committee(session: Session, name: str, audit: _Audit) -> int:
    found = _find_by_name(session, Committee, name)
    if found is not None:
        return found
    try:
        committee_id = _insert(session, Committee, {"name": name})
    except sa.exc.IntegrityError as error:
        # Looked for above in this transaction: only another user saving the
        # same committee at this moment gets here.
        raise ConflictError(
            f"Someone else has just added the committee {name!r}; the minutes were not "
            "saved. Try again.",
            table=Committee.__tablename__,
            row_id=None,
            expected_version=None,
            actual_version=None,
        ) from error
    audit.created(Committee, committee_id, {"name": name})
    return committee_id


def _meeting(
    session: Session, committee_id: int, committee_name: str, date: dt.date, audit: _Audit
) -> int:
    found = (
        session.connection()
        .execute(
            sa.select(col(Meeting.id), col(Meeting.status))
            .where(col(Meeting.committee_id) == committee_id, col(Meeting.date) == date)
            .order_by(col(Meeting.id))
        )
        .first()
    )
    if found is not None:
        if MinutesStatus(found.status) is MinutesStatus.APPROVED:
            raise NotAllowedError(
                f"The minutes of the {committee_name} meeting of {date.day} {date:%B %Y} are "
                "approved, "
                "so no item can be added to them. Amend them with a reason instead, or choose "
                "another meeting."
            )
        return int(found.id)
    fields = {"committee_id": committee_id, "date": date, "status": MinutesStatus.DRAFT}
    meeting_id = _insert(session, Meeting, fields)
    audit.created(Meeting, meeting_id, fields)
    return meeting_id


def next_item_number(numbers: list[str]) -> str:
    """The number after the agenda's largest: "4" after "3" or "3a"; "1" for none."""
    largest = 0
    for number in numbers:
        match = _LEADING_NUMBER.match(number.strip())
        if match is not None:
            largest = max(largest, int(match.group()))
    return str(largest + 1)


def _agenda_end(session: Session, meeting_id: int) -> tuple[int, str]:
    """The position after the last item, and the next item number."""
    rows = (
        session.connection()
        .execute(
            sa.select(col(AgendaItem.number), col(AgendaItem.position)).where(
                col(AgendaItem.meeting_id) == meeting_id
            )
        )
        .all()
    )
    position = max((row.position for row in rows), default=0) + 1
    return position, next_item_number([row.number for row in rows])


def _save_presenters(
    session: Session, item_id: int, presenters: tuple[ParsedPresenter, ...], audit: _Audit
) -> None:
    for position, presenter in enumerate(presenters, start=1):
        role = (presenter.role or "").strip()
        name = (presenter.name or "").strip() or role
        if not name:
            continue  # the parser never gives neither; nothing to record if it did
        person_id = _person(session, name, role, audit)
        _insert(
            session,
            ItemPresenter,
            {"agenda_item_id": item_id, "person_id": person_id, "role": role, "position": position},
        )


def _person(session: Session, name: str, job_title: str, audit: _Audit) -> int:
    found = _find_by_name(session, Person, name)
    if found is not None:
        return found
    fields = {"name": name, "job_title": job_title}
    person_id = _insert(session, Person, fields)
    audit.created(Person, person_id, fields)
    return person_id


def _save_minutes(session: Session, item_id: int, parsed: ParsedMinutes) -> None:
    for section_position, section in enumerate(parsed.sections, start=1):
        section_id = _insert(
            session,
            MinuteSection,
            {"agenda_item_id": item_id, "heading": section.heading, "position": section_position},
        )
        for position, point in enumerate(section.points, start=1):
            _insert(
                session,
                MinutePoint,
                {
                    "section_id": section_id,
                    "kind": point.kind,
                    "text": point.text,
                    "position": position,
                },
            )
    for resolution_position, resolution in enumerate(parsed.resolutions, start=1):
        resolution_id = _insert(
            session,
            Resolution,
            {
                "agenda_item_id": item_id,
                "label": resolution.label,
                "text": resolution.text,
                "position": resolution_position,
            },
        )
        for position, part in enumerate(resolution.parts, start=1):
            label, text = split_part_label(part)
            _insert(
                session,
                ResolutionPart,
                {
                    "resolution_id": resolution_id,
                    "label": label,
                    "text": text,
                    "position": position,
                },
            )
    for position, title in enumerate(parsed.supporting_documents, start=1):
        _insert(
            session,
            SupportingDocument,
            {"agenda_item_id": item_id, "title": title, "position": position},
        )
