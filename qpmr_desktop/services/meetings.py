"""Read models and plans behind the meeting and agenda-item dialogs.

Contract:

- ``list_committee_names`` — every committee's name, by name (capitals
  ignored): what the committee box offers.
- ``list_agenda_rows`` — one meeting's agenda items by position, each with its
  version (what moving and renumbering need); ``NotFoundError`` for an unknown
  meeting.
- ``list_meeting_declarations`` — every declaration of interest made at one
  meeting, with the item and member it is tied to, by item position then in
  the order recorded.
- ``next_item_number`` — the number a new item is offered: the next whole
  number after the largest the agenda has ("5" after "4a"), as
  ``minutes_editing.add_agenda_item`` numbers an item given none.
- ``item_number_clash`` — the other item of an agenda that already has a
  number (spaces and capitals ignored), or None. The editing services accept
  any number; the dialogs refuse a duplicate with this, since two items "4"
  make the minutes ambiguous.
- ``plan_ordered_edits`` — the removes, moves and inserts that turn one
  ordered list of rows into another, with positions as the editing services
  count them (indexes among siblings, from 0, after the steps before). Pure:
  no database.

Reads are Core selects in one short session per call.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Hashable, Sequence
from typing import Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import col

from qpmr_desktop.domain.ids import AgendaItemId, DeclarationId, MeetingId, PersonId
from qpmr_desktop.domain.minutes import DeclarationKind
from qpmr_desktop.services.errors import NotFoundError
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    AgendaItem,
    Committee,
    DeclarationOfInterest,
    Meeting,
    Person,
)

__all__ = [
    "AgendaRow",
    "Insert",
    "MeetingDeclaration",
    "Move",
    "Remove",
    "item_number_clash",
    "list_agenda_rows",
    "list_committee_names",
    "list_meeting_declarations",
    "next_item_number",
    "plan_ordered_edits",
]


@dataclasses.dataclass(frozen=True, slots=True)
class AgendaRow:
    """One agenda item as the agenda dialogs edit it."""

    id: AgendaItemId
    version: int
    number: str
    title: str


@dataclasses.dataclass(frozen=True, slots=True)
class MeetingDeclaration:
    """A declaration of interest with the item and member it is tied to."""

    id: DeclarationId
    version: int
    item_id: AgendaItemId
    item_number: str
    item_title: str
    person_id: PersonId
    member: str
    kind: DeclarationKind
    text: str


def list_committee_names(*, workspace: Workspace) -> list[str]:
    """Every committee's name, by name (capitals ignored)."""
    with workspace.database.session() as session:
        names = session.connection().execute(sa.select(col(Committee.name))).scalars().all()
    return sorted(names, key=lambda name: (name.casefold(), name))


def list_agenda_rows(*, workspace: Workspace, meeting_id: MeetingId) -> list[AgendaRow]:
    """The meeting's items by position, with versions; ``NotFoundError`` when unknown."""
    with workspace.database.session() as session:
        connection = session.connection()
        if (
            connection.execute(
                sa.select(sa.literal(1)).where(col(Meeting.id) == meeting_id)
            ).first()
            is None
        ):
            raise NotFoundError("meeting", meeting_id)
        rows = connection.execute(
            sa.select(
                col(AgendaItem.id),
                col(AgendaItem.version),
                col(AgendaItem.number),
                col(AgendaItem.title),
            )
            .where(col(AgendaItem.meeting_id) == meeting_id)
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        ).all()
    return [
        AgendaRow(id=AgendaItemId(row.id), version=row.version, number=row.number, title=row.title)
        for row in rows
    ]


def list_meeting_declarations(
    *, workspace: Workspace, meeting_id: MeetingId
) -> list[MeetingDeclaration]:
    """Every declaration made at the meeting: by item position, then as recorded."""
    query = (
        sa.select(
            col(DeclarationOfInterest.id),
            col(DeclarationOfInterest.version),
            col(DeclarationOfInterest.agenda_item_id),
            col(DeclarationOfInterest.person_id),
            col(DeclarationOfInterest.kind),
            col(DeclarationOfInterest.text),
            col(AgendaItem.number),
            col(AgendaItem.title),
            col(Person.name),
        )
        .join(AgendaItem, col(AgendaItem.id) == col(DeclarationOfInterest.agenda_item_id))
        .join(Person, col(Person.id) == col(DeclarationOfInterest.person_id))
        .where(col(AgendaItem.meeting_id) == meeting_id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id), col(DeclarationOfInterest.id))
    )
    with workspace.database.session() as session:
        rows = session.connection().execute(query).all()
    return [
        MeetingDeclaration(
            id=DeclarationId(row.id),
            version=row.version,
            item_id=AgendaItemId(row.agenda_item_id),
            item_number=row.number,
            item_title=row.title,
            person_id=PersonId(row.person_id),
            member=row.name,
            kind=DeclarationKind(row.kind),
            text=row.text,
        )
        for row in rows
    ]


_LEADING_NUMBER = re.compile(r"\d+")


def next_item_number(rows: Sequence[AgendaRow]) -> str:
    """The next whole number after the largest leading number of ``rows`` ("1" when none)."""
    largest = 0
    for row in rows:
        match = _LEADING_NUMBER.match(row.number.strip())
        if match is not None:
            largest = max(largest, int(match.group()))
    return str(largest + 1)


def _number_key(number: str) -> str:
    return "".join(number.split()).casefold()


def item_number_clash(
    rows: Sequence[AgendaRow], number: str, *, except_id: AgendaItemId | None = None
) -> AgendaRow | None:
    """The item of ``rows`` (other than ``except_id``) already numbered ``number``, if any.

    An empty number never clashes: items without a number are allowed.
    """
    wanted = _number_key(number)
    if not wanted:
        return None
    for row in rows:
        if row.id != except_id and _number_key(row.number) == wanted:
            return row
    return None


_K = TypeVar("_K", bound=Hashable)


@dataclasses.dataclass(frozen=True, slots=True)
class Remove(Generic[_K]):
    """Remove the existing row ``key``."""

    key: _K


@dataclasses.dataclass(frozen=True, slots=True)
class Move(Generic[_K]):
    """Move the existing row ``key`` to ``position``."""

    key: _K
    position: int


@dataclasses.dataclass(frozen=True, slots=True)
class Insert:
    """Insert the new row ``desired[index]`` at ``position``."""

    index: int
    position: int


def plan_ordered_edits(
    current: Sequence[_K], desired: Sequence[_K | None]
) -> list[Remove[_K] | Move[_K] | Insert]:
    """The steps that turn the rows ``current`` (keys, in order) into ``desired``.

    ``desired`` holds the keys of the existing rows to keep, in their new
    order, and None for each new row. Rows of ``current`` missing from
    ``desired`` are removed first; then, from the top, each kept row that is
    out of place is moved and each new row inserted. Every position is the
    index the row is to have once the step is made, counted among the rows
    there at that moment: what ``move_…`` and ``add_…(position=…)`` take. No
    step is planned for a row already in its place, so an unchanged list
    plans nothing.
    """
    kept = [key for key in desired if key is not None]
    if len(set(kept)) != len(kept):
        raise ValueError("A row cannot be kept twice.")
    unknown = set(kept) - set(current)
    if unknown:
        raise ValueError(f"Rows that are not there cannot be kept: {sorted(map(str, unknown))}.")
    steps: list[Remove[_K] | Move[_K] | Insert] = [
        Remove(key) for key in current if key not in set(kept)
    ]
    rows: list[_K | None] = [key for key in current if key in set(kept)]
    for position, key in enumerate(desired):
        if key is None:
            steps.append(Insert(index=position, position=position))
            rows.insert(position, None)
            continue
        at = rows.index(key, position)
        if at != position:
            steps.append(Move(key=key, position=position))
            rows.insert(position, rows.pop(at))
    return steps
