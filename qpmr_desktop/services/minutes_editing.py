"""Editing minutes: meetings, agenda items, attendance, and everything minuted for an item.

Every mutation here is keyword-only, takes the workspace first, runs in one
short transaction, checks the version the caller saw (optimistic
concurrency), writes its audit entry (author ``workspace.user``, time from
``clock``) in the same transaction, and returns a ``MinutesChange``: the
meeting and items it touched, which views need refreshing (``areas``), the
row it was about, what the inverse needs (``before``/``after``) and the new
version of every row it wrote (``versions``; None for a deleted row).

Errors (``services.errors``), each leaving the database as it was:
``ValidationError`` for what was typed (with ``problems`` per field);
``ConflictError`` when someone else changed or deleted the row since the
caller read it, or when a row cannot be put back; ``NotAllowedError`` for
what the rules forbid, above all **any edit of approved minutes** ("The
minutes of 12 Sep 2017 were approved as a correct record on 10 Oct 2017;
record an amendment instead." — see ``minutes_lifecycle.amend_approved``);
``NotFoundError`` for an unknown parent (a section to insert into).

Conventions:

- Positions are indexes among siblings, counted from 0, and stay dense
  (0..n-1) in every group a change touches: an insert or move at
  ``position`` puts the row at that index (clamped to the ends; None means
  the end); a delete closes the gap. Positions are order, not content:
  renumbering neighbours does not bump their versions, so an editor's
  remembered versions stay valid when a point is inserted above them.
- Text is stored as typed, with only the ends stripped: inner spaces, line
  breaks and the double space after a full stop are kept. Names, titles,
  headings, labels and the venue are single lines. Characters reserved for
  internal use (NUL and the Unicode noncharacters U+FDD0–U+FDEF, U+FFFE,
  U+FFFF; the search uses some as match markers) are refused. An editor must
  not put the stored text back under the cursor while the person is typing:
  a trailing space they just typed is not stored, but it is not lost either,
  since the next word commits it as an inner space.
- ``set_point_text`` is what the editor calls about a second after typing
  pauses: one SELECT (the point with its meeting's status), one UPDATE of
  that row, one audit INSERT, and the full-text index trigger for that row.
- People (presenters, attendance, declarations) are found in the people list
  by name (spaces tidied, capitals ignored; the first made, if several) or
  added with their job title; committees likewise by name. Adding a person or
  a committee is audited and is not undone (the list is shared).
- A supporting document is a link, or a file *copied* (never moved) into the
  attachment folder beside the database, ``<database file>.attachments/``,
  under the meeting's date: ``2017-09-12/report.pdf`` (``report (2).pdf`` when
  the name is taken). The stored path is relative to that folder, with "/".
  Files are never deleted by these services (an undo may need them again).
- Approved minutes refuse every edit here unless it is made through
  ``minutes_lifecycle.amend_approved`` (which records the amendment with its
  reason, who and when). Deleting a meeting whose minutes are approved is
  refused even as an amendment: approved minutes are the record.

Undo. Each mutation is exactly reversible by the call below, with arguments
from the change ``c`` it returned and the rows' *current* versions ``v(row)``
(``c.versions`` unless something has changed them since; an undo stack keeps
the latest version of each row from the changes it receives).
``revert_minutes_change`` makes that call; its change's own inverse is the
original mutation again, so an undo command can keep the last change and
call ``revert_minutes_change`` for both undo and redo.

===================================  =================================================
mutation (``c.row``)                 inverse
===================================  =================================================
``create_meeting`` (meeting)         ``delete_meeting(expected_version=v(meeting))`` —
                                     the standing items go with it
``add_agenda_item``, ``add_presenter``, ``add_document``, ``add_attendance``,
``add_declaration``, ``insert_section``, ``insert_point``, ``add_resolution``,
``add_resolution_part``, ``restore_deleted``: the matching delete of ``c.row``
(``delete_agenda_item``, ``remove_presenter``, ``remove_document``,
``remove_attendance``, ``delete_declaration``, ``delete_section``,
``delete_point``, ``delete_resolution``, ``delete_resolution_part``,
``delete_meeting``) with ``expected_version=v(c.row)``
every delete and remove             ``restore_deleted(snapshot=c.before["snapshot"])``:
                                     the same rows (the deleted row and everything
                                     under it) with the same ids and fields, at the
                                     same index, versions one above their last
``update_meeting``, ``update_agenda_item``, ``set_presenter_role``,
``update_document``, ``update_attendance``, ``update_declaration``,
``rename_section``, ``set_point_text``, ``set_point_kind``,
``set_resolution_text``, ``set_resolution_label``, ``update_resolution_part``:
the same function with the old values (``c.before``) and ``v(c.row)``
every move (``move_point_up``/``_down`` too): the move function of the row's
kind with ``position=c.before["position"]`` (and for a point
``section_id=c.before["parent_id"]``)
``split_point`` (first point)        ``merge_point_with_next(expected_version=v(first),
                                     next_expected_version=v(new point),
                                     separator=c.after["separator"])``
``merge_point_with_next``            ``split_point(expected_version=v(first),
                                     offset=c.after["offset"],
                                     next_point=c.before["next"])``
===================================  =================================================

What comes back after an undo equals what was there before in every field
but the versions (which only go up). ``before``/``after`` per operation: an
update holds the changed fields (enumerations by value); a move
``{"parent_id", "position"}``; an insert ``{}`` and the new row's fields; a
delete ``{"snapshot": …}`` and ``{}``; a split ``{"text"}`` and ``{"text",
"new_point_id", "separator", "offset"}``; a merge ``{"text", "next": {"id",
"kind", "text", "version"}}`` and ``{"text", "separator", "offset"}``. A
no-op (nothing differed, or a point already at the top moved up) writes
nothing and is its own inverse. Audit entries are never removed: the undo is
audited too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import itertools
import json
import re
import shutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from enum import Enum
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Final, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from qpmr_desktop.domain.ids import (
    AgendaItemId,
    AmendmentId,
    AttendanceId,
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
from qpmr_desktop.services.audit import Clock, field_changes, record_audit, utc_now
from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.minutes import (
    approval_record,
    format_meeting_date,
    previous_meeting_id,
    read_only_message,
    roman_numeral,
)
from qpmr_desktop.services.read_models import (
    ChangeKind,
    FieldProblem,
    MinutesArea,
    MinutesChange,
    RowRef,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import (
    AgendaItem,
    Attendance,
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
from qpmr_desktop.storage.versioning import (
    RowVersionError,
    StaleRowError,
    delete_versioned,
    table_of,
    update_versioned,
)

__all__ = [
    "ATTACHMENTS_SUFFIX",
    "EDITING_FUNCTIONS",
    "STANDING_ITEMS",
    "add_agenda_item",
    "add_attendance",
    "add_declaration",
    "add_document",
    "add_presenter",
    "add_resolution",
    "add_resolution_part",
    "amending",
    "attachments_folder",
    "create_meeting",
    "delete_agenda_item",
    "delete_declaration",
    "delete_meeting",
    "delete_point",
    "delete_resolution",
    "delete_resolution_part",
    "delete_section",
    "insert_point",
    "insert_section",
    "merge_point_with_next",
    "move_agenda_item",
    "move_attendance",
    "move_document",
    "move_point",
    "move_point_down",
    "move_point_up",
    "move_presenter",
    "move_resolution",
    "move_resolution_part",
    "move_section",
    "numbered_part_labels",
    "register_inverse",
    "remove_attendance",
    "remove_document",
    "remove_presenter",
    "rename_section",
    "restore_deleted",
    "revert_minutes_change",
    "set_point_kind",
    "set_point_text",
    "set_presenter_role",
    "set_resolution_label",
    "set_resolution_text",
    "split_point",
    "update_agenda_item",
    "update_attendance",
    "update_declaration",
    "update_document",
    "update_meeting",
    "update_resolution_part",
]

#: The standing items ``create_meeting(standing_items=True)`` adds, in order.
#: "Minutes of the Previous Meeting" is added only when the committee has met
#: before: its minutes are what that item approves as a correct record.
STANDING_ITEMS: Final = (
    "Apologies",
    "Declarations of Interest",
    "Minutes of the Previous Meeting",
)
#: ``report.qpmr`` keeps its attachments in ``report.qpmr.attachments/``.
ATTACHMENTS_SUFFIX: Final = ".attachments"

_SAVED_NOT = "your change was not saved"
# NUL, and the noncharacters (never in interchange text; the search marks matches with some).
_RESERVED = re.compile("[\x00\ufdd0-\ufdef\ufffe\uffff]")
_LINE_BREAK = re.compile("[\r\n\u2028\u2029]")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_LEADING_NUMBER = re.compile(r"\d+")

_E = TypeVar("_E", bound=Enum)


# ------------------------------------------------------------------ amendments


# The reason of the amendment being made, while ``amending`` is active: the
# one way past the approved-minutes guard. A context variable rather than a
# parameter of every function, so that the editing API stays the same and
# ``amend_approved`` wraps any of its functions.
_AMENDMENT: ContextVar[str | None] = ContextVar("qpmr_minutes_amendment", default=None)


@contextlib.contextmanager
def amending(reason: str) -> Iterator[None]:
    """Let the edits made inside this block change approved minutes, as amendments.

    For ``minutes_lifecycle.amend_approved`` and ``revert_minutes_change``
    only; ``reason`` must already be checked non-empty. Each edit then
    refuses minutes that are *not* approved (they need no amendment), and
    records a ``minutes_amendment`` row with the reason, who and when, and its
    before and after, in its own transaction.
    """
    token = _AMENDMENT.set(reason)
    try:
        yield
    finally:
        _AMENDMENT.reset(token)


# ------------------------------------------------------------------ what each table is


@dataclasses.dataclass(frozen=True, slots=True)
class _Spec:
    """One kind of minutes row: its table, its parent, and how it is ordered."""

    name: str
    model: type[SQLModel]
    noun: str  # "point": for messages and NotFoundError
    parent: str | None  # the parent spec's name
    parent_column: str | None
    positioned: bool
    area: MinutesArea  # what adding, removing or moving one changes
    children: tuple[str, ...] = ()

    @property
    def table(self) -> sa.Table:
        return table_of(self.model)

    @property
    def the(self) -> str:
        return f"The {self.noun}"


_SPECS: Final[Mapping[str, _Spec]] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            _Spec(
                "meeting",
                Meeting,
                "meeting",
                None,
                None,
                positioned=False,
                area=MinutesArea.MEETING,
                children=("attendance", "agenda_item"),
            ),
            _Spec(
                "attendance",
                Attendance,
                "attendance entry",
                "meeting",
                "meeting_id",
                positioned=True,
                area=MinutesArea.ATTENDANCE,
            ),
            _Spec(
                "agenda_item",
                AgendaItem,
                "agenda item",
                "meeting",
                "meeting_id",
                positioned=True,
                area=MinutesArea.AGENDA,
                children=(
                    "item_presenter",
                    "supporting_document",
                    "minute_section",
                    "resolution",
                    "declaration_of_interest",
                ),
            ),
            _Spec(
                "item_presenter",
                ItemPresenter,
                "presenter",
                "agenda_item",
                "agenda_item_id",
                positioned=True,
                area=MinutesArea.ITEM,
            ),
            _Spec(
                "supporting_document",
                SupportingDocument,
                "supporting document",
                "agenda_item",
                "agenda_item_id",
                positioned=True,
                area=MinutesArea.ITEM,
            ),
            _Spec(
                "minute_section",
                MinuteSection,
                "section",
                "agenda_item",
                "agenda_item_id",
                positioned=True,
                area=MinutesArea.STRUCTURE,
                children=("minute_point",),
            ),
            _Spec(
                "minute_point",
                MinutePoint,
                "point",
                "minute_section",
                "section_id",
                positioned=True,
                area=MinutesArea.STRUCTURE,
            ),
            _Spec(
                "resolution",
                Resolution,
                "resolution",
                "agenda_item",
                "agenda_item_id",
                positioned=True,
                area=MinutesArea.STRUCTURE,
                children=("resolution_part",),
            ),
            _Spec(
                "resolution_part",
                ResolutionPart,
                "resolution part",
                "resolution",
                "resolution_id",
                positioned=True,
                area=MinutesArea.STRUCTURE,
            ),
            _Spec(
                "declaration_of_interest",
                DeclarationOfInterest,
                "declaration of interest",
                "agenda_item",
                "agenda_item_id",
                positioned=False,
                area=MinutesArea.DECLARATIONS,
            ),
        )
    }
)
_MEETING = _SPECS["meeting"]
_ATTENDANCE = _SPECS["attendance"]
_ITEM = _SPECS["agenda_item"]
_PRESENTER = _SPECS["item_presenter"]
_DOCUMENT = _SPECS["supporting_document"]
_SECTION = _SPECS["minute_section"]
_POINT = _SPECS["minute_point"]
_RESOLUTION = _SPECS["resolution"]
_PART = _SPECS["resolution_part"]
_DECLARATION = _SPECS["declaration_of_interest"]


@functools.cache
def _locate_query(name: str) -> sa.Select[Any]:
    """The row of spec ``name`` with its meeting (id, date, status) and agenda item id."""
    spec = _SPECS[name]
    table = spec.table
    source: sa.FromClause = table
    item_id: sa.ColumnElement[Any] | None = table.c.id if name == _ITEM.name else None
    meeting: sa.FromClause | None = table if name == _MEETING.name else None
    current: _Spec = spec
    current_table: sa.FromClause = table
    while current.parent is not None and current.parent_column is not None:
        parent = _SPECS[current.parent]
        parent_table = parent.table.alias(f"located_{parent.name}")
        source = source.join(
            parent_table, parent_table.c.id == current_table.c[current.parent_column]
        )
        if parent.name == _ITEM.name:
            item_id = parent_table.c.id
        if parent.name == _MEETING.name:
            meeting = parent_table
        current, current_table = parent, parent_table
    assert meeting is not None  # every chain ends at the meeting
    return sa.select(
        *table.c,
        meeting.c.id.label("_meeting_id"),
        meeting.c.date.label("_meeting_date"),
        meeting.c.status.label("_meeting_status"),
        (sa.null() if item_id is None else item_id).label("_item_id"),
    ).select_from(source)


@dataclasses.dataclass(frozen=True, slots=True)
class _Place:
    """A row as found, with the meeting and item it belongs to."""

    spec: _Spec
    row: Mapping[str, Any]
    meeting_id: MeetingId
    meeting_date: dt.date
    status: MinutesStatus
    item_id: AgendaItemId | None

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def version(self) -> int:
        return int(self.row["version"])

    @property
    def ref(self) -> RowRef:
        return RowRef(self.spec.name, self.id)

    @property
    def parent_id(self) -> int | None:
        column = self.spec.parent_column
        return None if column is None else int(self.row[column])

    @property
    def item_ids(self) -> frozenset[AgendaItemId]:
        return frozenset() if self.item_id is None else frozenset({self.item_id})


class _ProblemsError(Exception):
    """Problems found while cleaning fields; turned into a ``ValidationError``."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = tuple(problems)


# ------------------------------------------------------------------ the unit of work


class _Unit:
    """One mutation's transaction: finding rows, the guards, writes, audit, the change."""

    def __init__(self, session: Session, *, who: str, clock: Clock, operation: str) -> None:
        self.session = session
        self.who = who
        self.clock = clock
        self.operation = operation
        self.amendment = _AMENDMENT.get()
        self._at: dt.datetime | None = None

    def now(self) -> dt.datetime:
        """The time of this change: read once, so its audit entries and amendment agree."""
        if self._at is None:
            self._at = self.clock()
        return self._at

    @property
    def connection(self) -> sa.Connection:
        return self.session.connection()

    # ---------------------------------------------------------------- finding

    def locate(self, spec: _Spec, row_id: int, *, expected_version: int | None) -> _Place:
        """The row and where it belongs; with ``expected_version``, check the version too.

        A row that is not there is a ``ConflictError`` when the caller had
        seen it (gave a version: someone deleted it meanwhile), else a
        ``NotFoundError``.
        """
        row = self.connection.execute(
            _locate_query(spec.name).where(spec.table.c.id == row_id)
        ).first()
        if row is None:
            if expected_version is None:
                raise NotFoundError(spec.noun, row_id)
            raise ConflictError(
                f"{spec.the} was deleted by someone else since you opened it; {_SAVED_NOT}.",
                table=spec.name,
                row_id=row_id,
                expected_version=expected_version,
                actual_version=None,
            )
        mapping = row._mapping
        place = _Place(
            spec=spec,
            row={column.name: mapping[column.name] for column in spec.table.c},
            meeting_id=MeetingId(mapping["_meeting_id"]),
            meeting_date=mapping["_meeting_date"],
            status=MinutesStatus(mapping["_meeting_status"]),
            item_id=None if mapping["_item_id"] is None else AgendaItemId(mapping["_item_id"]),
        )
        if expected_version is not None and place.version != expected_version:
            raise self._stale(spec, row_id, expected_version, place.version)
        return place

    def exists(self, spec: _Spec, row_id: int) -> bool:
        table = spec.table
        query = sa.select(sa.literal(1)).where(table.c.id == row_id)
        return self.connection.execute(query).first() is not None

    @staticmethod
    def _stale(spec: _Spec, row_id: int, expected: int, actual: int | None) -> ConflictError:
        if actual is None:
            message = f"{spec.the} was deleted by someone else since you opened it; {_SAVED_NOT}."
        else:
            message = (
                f"{spec.the} was changed by someone else since you opened it; {_SAVED_NOT}. "
                "Reload to see theirs."
            )
        return ConflictError(
            message,
            table=spec.name,
            row_id=row_id,
            expected_version=expected,
            actual_version=actual,
        )

    # ---------------------------------------------------------------- the lifecycle guard

    def guard(self, place: _Place) -> None:
        """Refuse approved minutes unless amending, and amendments of minutes not approved."""
        approved = place.status is MinutesStatus.APPROVED
        if approved and self.amendment is None:
            approval = approval_record(self.connection, place.meeting_id)
            raise NotAllowedError(
                read_only_message(place.meeting_date, None if approval is None else approval[0])
            )
        if not approved and self.amendment is not None:
            raise NotAllowedError(
                f"The minutes of {format_meeting_date(place.meeting_date)} are "
                f"{place.status.value}, not approved: change them directly; an amendment "
                "is only for approved minutes."
            )

    # ---------------------------------------------------------------- writing

    def update(self, place: _Place, expected_version: int, changes: Mapping[str, object]) -> int:
        try:
            return update_versioned(
                self.session,
                place.spec.model,
                place.id,
                expected_version=expected_version,
                changes=changes,
            )
        except RowVersionError as error:
            # Checked when located; this is a write that lost a race since (server database).
            actual = error.actual_version if isinstance(error, StaleRowError) else None
            raise self._stale(place.spec, place.id, expected_version, actual) from error

    def siblings(self, spec: _Spec, parent_id: int) -> list[tuple[int, int]]:
        """(id, position) of every row under ``parent_id``, in order."""
        assert spec.parent_column is not None
        table = spec.table
        query = (
            sa.select(table.c.id, table.c.position)
            .where(table.c[spec.parent_column] == parent_id)
            .order_by(table.c.position, table.c.id)
        )
        return [(int(row.id), int(row.position)) for row in self.connection.execute(query)]

    def renumber(self, spec: _Spec, ordered: Sequence[int], positions: Mapping[int, int]) -> None:
        """Give each row of ``ordered`` its index as position, writing only those that differ."""
        table = spec.table
        for index, row_id in enumerate(ordered):
            if positions.get(row_id) != index:
                self.connection.execute(
                    sa.update(table).where(table.c.id == row_id).values(position=index)
                )

    def insert(
        self,
        spec: _Spec,
        values: Mapping[str, object],
        *,
        parent_id: int | None,
        index: int | None,
    ) -> tuple[int, int | None]:
        """Insert one row (at ``index`` among its siblings); its id and index."""
        table = spec.table
        row = dict(values)
        order: list[tuple[int, int]] = []
        if spec.positioned:
            assert parent_id is not None
            assert spec.parent_column is not None
            order = self.siblings(spec, parent_id)
            index = _clamp(index, len(order))
            row.update({spec.parent_column: parent_id, "position": index})
        elif spec.parent_column is not None:
            row[spec.parent_column] = parent_id
        row.setdefault("version", 1)
        try:
            result = self.connection.execute(sa.insert(table).values(row))
        except sa.exc.IntegrityError as error:
            # Checked before inserting; only a row that went meanwhile (a person
            # deleted from another copy of the app) or a concurrent writer gets here.
            raise ConflictError(
                f"{spec.the} could not be saved: something it refers to was changed by "
                f"someone else meanwhile; {_SAVED_NOT}. Reload and try again.",
                table=spec.name,
                row_id=None,
                expected_version=None,
                actual_version=None,
            ) from error
        new_id = _new_id(result, spec.name)
        if spec.positioned and index is not None:
            ids = [row_id for row_id, _position in order]
            ids.insert(index, new_id)
            self.renumber(spec, ids, {**dict(order), new_id: index})
        return new_id, index

    def index_of(self, place: _Place) -> int | None:
        if not place.spec.positioned or place.parent_id is None:
            return None
        ids = [row_id for row_id, _position in self.siblings(place.spec, place.parent_id)]
        return ids.index(place.id)

    def delete(self, place: _Place, expected_version: int) -> dict[str, object]:
        """Delete the row and everything under it; the snapshot that puts them back."""
        snapshot = self.snapshot(place)
        try:
            delete_versioned(
                self.session, place.spec.model, place.id, expected_version=expected_version
            )
        except RowVersionError as error:
            actual = error.actual_version if isinstance(error, StaleRowError) else None
            raise self._stale(place.spec, place.id, expected_version, actual) from error
        if place.spec.positioned and place.parent_id is not None:
            order = self.siblings(place.spec, place.parent_id)
            self.renumber(place.spec, [row_id for row_id, _ in order], dict(order))
        return snapshot

    def snapshot(self, place: _Place) -> dict[str, object]:
        rows: list[dict[str, object]] = []
        self._collect(place.spec, [place.id], rows)
        return {
            "table": place.spec.name,
            "id": place.id,
            "index": self.index_of(place),
            "rows": rows,
        }

    def _collect(self, spec: _Spec, ids: Sequence[int], rows: list[dict[str, object]]) -> None:
        """Append ``ids`` of ``spec`` and, after them, all their descendants (parents first)."""
        table = spec.table
        order = (table.c.position, table.c.id) if spec.positioned else (table.c.id,)
        for row in self.connection.execute(
            sa.select(table).where(table.c.id.in_(ids)).order_by(*order)
        ):
            values = {column: _plain(value) for column, value in row._mapping.items()}
            rows.append({"table": spec.name, "values": values})
        for child_name in spec.children:
            child = _SPECS[child_name]
            assert child.parent_column is not None
            child_table = child.table
            child_ids = [
                int(child_id)
                for child_id in self.connection.execute(
                    sa.select(child_table.c.id).where(child_table.c[child.parent_column].in_(ids))
                ).scalars()
            ]
            if child_ids:
                self._collect(child, child_ids, rows)

    def restore(self, snapshot: Mapping[str, object]) -> tuple[_Spec, dict[RowRef, int | None]]:
        """Put back the rows of a snapshot; the top row's spec and every row's new version."""
        rows = _snapshot_rows(snapshot)
        spec = rows[0][0]
        for entry_spec, values in rows:
            row_id = _int(values["id"])
            if self.exists(entry_spec, row_id):
                raise ConflictError(
                    f"{spec.the} could not be put back: another {entry_spec.noun} has taken "
                    f"its place (id {row_id}) meanwhile.",
                    table=entry_spec.name,
                    row_id=row_id,
                    expected_version=None,
                    actual_version=None,
                )
        versions: dict[RowRef, int | None] = {}
        for number, (entry_spec, values) in enumerate(rows):
            row = dict(values)
            # Versions only go up: an editor still holding the deleted row's last
            # version must not write into the row put back without seeing it.
            row["version"] = _int(row["version"]) + 1
            if number == 0:
                parent = None if spec.parent_column is None else row.pop(spec.parent_column)
                row.pop("position", None)
                index = snapshot.get("index")
                self.insert(
                    spec,
                    row,
                    parent_id=None if parent is None else _int(parent),
                    index=None if index is None else _int(index),
                )
            else:
                self.connection.execute(sa.insert(entry_spec.table).values(row))
            versions[RowRef(entry_spec.name, _int(row["id"]))] = _int(row["version"])
        return spec, versions

    # ---------------------------------------------------------------- people and committees

    def person(
        self, *, name: str | None, person_id: int | None, job_title: str, field: str
    ) -> tuple[int, bool]:
        """The person with ``person_id``, or found by ``name`` (added if new); (id, added)."""
        people = table_of(Person)
        if person_id is not None:
            if name is not None:
                raise ValueError("Give a person's name or their id, not both.")
            if not self.exists(_PERSON, person_id):
                raise NotFoundError("person", person_id)
            return person_id, False
        if name is None:
            raise _problem(field, "Choose a person from the list or type their name.")
        cleaned = " ".join(_line(name, field=field, label="The name", required=True).split())
        title = _line(job_title, field="job_title", label="The job title")
        # Compared in Python: SQLite's lower() folds only ASCII letters ("Zoë", "ÅSA").
        wanted = cleaned.casefold()
        for row in self.connection.execute(
            sa.select(people.c.id, people.c.name).order_by(people.c.id)
        ):
            if " ".join(row.name.split()).casefold() == wanted:
                return int(row.id), False
        fields = {"name": cleaned, "job_title": title}
        result = self.connection.execute(
            sa.insert(people).values(**fields, organisation="", is_sample=False, version=1)
        )
        new_id = _new_id(result, people.name)
        self.audit(people.name, new_id, ChangeKind.CREATE.value, {"fields": fields})
        return new_id, True

    def committee(self, name: object) -> tuple[int, str]:
        """The committee of that name (spaces tidied, capitals ignored), added if new."""
        cleaned = " ".join(
            _line(name, field="committee", label="The committee", required=True).split()
        )
        committees = table_of(Committee)
        for row in self.connection.execute(sa.select(committees.c.id, committees.c.name)):
            if " ".join(row.name.split()).casefold() == cleaned.casefold():
                return int(row.id), row.name
        result = self.connection.execute(sa.insert(committees).values(name=cleaned, version=1))
        new_id = _new_id(result, committees.name)
        self.audit(committees.name, new_id, ChangeKind.CREATE.value, {"fields": {"name": cleaned}})
        return new_id, cleaned

    # ---------------------------------------------------------------- audit and the change

    def audit(self, table: str, row_id: int, change: str, details: Mapping[str, object]) -> int:
        extra: dict[str, object] = {"operation": self.operation}
        if self.amendment is not None:
            extra["amendment_reason"] = self.amendment
        return record_audit(
            self.session,
            who=self.who,
            table=table,
            row_id=row_id,
            change=change,
            details={**extra, **details},
            clock=self.now,
        )

    def finish(
        self,
        *,
        meeting_id: int,
        item_ids: frozenset[AgendaItemId],
        areas: frozenset[MinutesArea] | set[MinutesArea],
        row: RowRef,
        change: ChangeKind,
        before: Mapping[str, object],
        after: Mapping[str, object],
        versions: Mapping[RowRef, int | None],
    ) -> MinutesChange:
        """Audit the change (and record it as an amendment when amending); the change."""
        details: dict[str, object] = {
            "meeting_id": meeting_id,
            "item_ids": sorted(item_ids),
            "fields": field_changes(before, after),
        }
        self.audit(row.table, row.id, change.value, details)
        amendment_id = None
        if self.amendment is not None:
            amendment_id = self._record_amendment(meeting_id, item_ids, row, before, after)
        return MinutesChange(
            operation=self.operation,
            meeting_id=MeetingId(meeting_id),
            item_ids=frozenset(item_ids),
            areas=frozenset(areas),
            row=row,
            before=MappingProxyType(dict(before)),
            after=MappingProxyType(dict(after)),
            versions=MappingProxyType(dict(versions)),
            amendment_id=amendment_id,
            amendment_reason=self.amendment,
        )

    def _record_amendment(
        self,
        meeting_id: int,
        item_ids: frozenset[AgendaItemId],
        row: RowRef,
        before: Mapping[str, object],
        after: Mapping[str, object],
    ) -> AmendmentId:
        assert self.amendment is not None
        # The item is named only while it exists (an amendment may delete it); the
        # JSON keeps its id either way.
        item_id = min(item_ids) if item_ids else None
        if item_id is not None and not self.exists(_ITEM, item_id):
            item_id = None
        changes = {
            "row": {"table": row.table, "id": row.id},
            "item_ids": sorted(item_ids),
            "before": before,
            "after": after,
        }
        result = self.connection.execute(
            sa.insert(table_of(MinutesAmendment)).values(
                meeting_id=meeting_id,
                agenda_item_id=item_id,
                at=self.now(),
                who=self.who,
                reason=self.amendment,
                operation=self.operation,
                changes=json.dumps(changes, ensure_ascii=False, default=_json_default),
            )
        )
        amendment_id = _new_id(result, MinutesAmendment.__tablename__)
        self.audit(
            MinutesAmendment.__tablename__,
            amendment_id,
            ChangeKind.CREATE.value,
            {"meeting_id": meeting_id, "item_id": item_id, "reason": self.amendment},
        )
        return AmendmentId(amendment_id)


_PERSON = _Spec("person", Person, "person", None, None, positioned=False, area=MinutesArea.ITEM)


@contextlib.contextmanager
def _unit(workspace: Workspace, clock: Clock, operation: str) -> Iterator[_Unit]:
    with workspace.database.session() as session:
        yield _Unit(session, who=workspace.user, clock=clock, operation=operation)


# ------------------------------------------------------------------ cleaning what was typed


def _problem(field: str, message: str) -> _ProblemsError:
    return _ProblemsError([FieldProblem(field=field, message=message)])


def _text(value: object, *, field: str, label: str, required: bool = False) -> str:
    """Free text: ends stripped, everything inside kept."""
    if not isinstance(value, str):
        raise _problem(field, f"{label} must be text.")
    reserved = _RESERVED.search(value)
    if reserved is not None:
        raise _problem(
            field,
            f"{label} contains a character that is not text (U+{ord(reserved.group()):04X}); "
            "remove it and save again.",
        )
    text = value.strip()
    if required and not text:
        raise _problem(field, f"{label} must not be empty.")
    return text


def _line(value: object, *, field: str, label: str, required: bool = False) -> str:
    text = _text(value, field=field, label=label, required=required)
    if _LINE_BREAK.search(text):
        raise _problem(field, f"{label} must be a single line.")
    return text


def _optional_line(value: object, *, field: str, label: str) -> str | None:
    if value is None:
        return None
    return _line(value, field=field, label=label) or None


def _choice(value: object, enum: type[_E], *, field: str, label: str) -> _E:
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(str(member.value) for member in enum)
        raise _problem(field, f"{label} must be one of: {choices}.") from None


def _date(value: object, *, field: str) -> dt.date:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _problem(field, "The date must be a date.")
    return value


def _time(value: object, *, field: str) -> dt.time | None:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.time.fromisoformat(value)
    if value is None or isinstance(value, dt.time):
        return value
    raise _problem(field, "The start time must be a time of day, or empty.")


def _url(value: object, *, field: str) -> str | None:
    if value is None:
        return None
    url = _line(value, field=field, label="The link")
    if not url:
        return None
    if not _URL.match(url):
        raise _problem(field, "The link must be a web address such as https://example.gov.uk/….")
    return url


def _optional_id(value: object, *, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _problem(field, "Choose a person from the list.")
    return value


_Cleaner = Callable[[object], object]


def _field(function: Callable[..., object], **options: Any) -> _Cleaner:
    return functools.partial(function, **options)


# Fields each update operation edits, with how each is cleaned.
_UPDATE_FIELDS: Final[
    Mapping[str, tuple[_Spec, Mapping[str, _Cleaner], frozenset[MinutesArea]]]
] = MappingProxyType(
    {
        "update_meeting": (
            _MEETING,
            {
                "committee": _field(_line, field="committee", label="The committee", required=True),
                "date": _field(_date, field="date"),
                "start_time": _field(_time, field="start_time"),
                "venue": _field(_line, field="venue", label="The venue"),
            },
            frozenset({MinutesArea.MEETING}),
        ),
        "update_agenda_item": (
            _ITEM,
            {
                "number": _field(_line, field="number", label="The item number"),
                "title": _field(_line, field="title", label="The title", required=True),
            },
            frozenset({MinutesArea.AGENDA}),
        ),
        "set_presenter_role": (
            _PRESENTER,
            {"role": _field(_line, field="role", label="The role")},
            frozenset({MinutesArea.ITEM}),
        ),
        "update_document": (
            _DOCUMENT,
            {
                "title": _field(_line, field="title", label="The title", required=True),
                "url": _field(_url, field="url"),
            },
            frozenset({MinutesArea.ITEM}),
        ),
        "update_attendance": (
            _ATTENDANCE,
            {
                "role": _field(_choice, enum=AttendanceRole, field="role", label="The role"),
                "status": _field(
                    _choice, enum=AttendanceStatus, field="status", label="The attendance"
                ),
                "substitute_for_id": _field(_optional_id, field="substitute_for_id"),
            },
            frozenset({MinutesArea.ATTENDANCE}),
        ),
        "update_declaration": (
            _DECLARATION,
            {
                "kind": _field(_choice, enum=DeclarationKind, field="kind", label="The kind"),
                "text": _field(_text, field="text", label="The declaration"),
            },
            frozenset({MinutesArea.DECLARATIONS}),
        ),
        "rename_section": (
            _SECTION,
            {"heading": _field(_optional_line, field="heading", label="The heading")},
            frozenset({MinutesArea.TEXT}),
        ),
        "set_point_text": (
            _POINT,
            {"text": _field(_text, field="text", label="The point")},
            frozenset({MinutesArea.TEXT}),
        ),
        "set_point_kind": (
            _POINT,
            {"kind": _field(_choice, enum=PointKind, field="kind", label="The kind")},
            frozenset({MinutesArea.TEXT}),
        ),
        "set_resolution_text": (
            _RESOLUTION,
            {"text": _field(_text, field="text", label="The resolution")},
            frozenset({MinutesArea.TEXT}),
        ),
        "set_resolution_label": (
            _RESOLUTION,
            {"label": _field(_line, field="label", label="The label", required=True)},
            frozenset({MinutesArea.TEXT}),
        ),
        "update_resolution_part": (
            _PART,
            {
                "label": _field(_line, field="label", label="The part's number"),
                "text": _field(_text, field="text", label="The part"),
            },
            frozenset({MinutesArea.TEXT}),
        ),
    }
)


def _clean(operation: str, changes: Mapping[str, object]) -> dict[str, object]:
    spec, cleaners, _areas = _UPDATE_FIELDS[operation]
    unknown = sorted(set(changes) - set(cleaners))
    if unknown:
        raise ValueError(f"{operation} cannot change {', '.join(unknown)}.")
    cleaned: dict[str, object] = {}
    problems: list[FieldProblem] = []
    for name, value in changes.items():
        try:
            cleaned[name] = cleaners[name](value)
        except _ProblemsError as error:
            problems.extend(error.problems)
    if problems:
        raise ValidationError(spec.the, problems)
    return cleaned


@contextlib.contextmanager
def _validating(subject: str) -> Iterator[None]:
    """Turn problems found while cleaning into one ``ValidationError`` about ``subject``."""
    try:
        yield
    except _ProblemsError as error:
        raise ValidationError(subject, error.problems) from None


# ------------------------------------------------------------------ generic operations


def _update(
    workspace: Workspace,
    clock: Clock,
    operation: str,
    *,
    row_id: int,
    expected_version: int,
    changes: Mapping[str, object],
) -> MinutesChange:
    """Change some fields of one row (see ``_UPDATE_FIELDS``); a no-op when none differ."""
    spec, _cleaners, areas = _UPDATE_FIELDS[operation]
    cleaned = _clean(operation, changes)
    with _unit(workspace, clock, operation) as unit:
        place = unit.locate(spec, row_id, expected_version=expected_version)
        unit.guard(place)
        current = _current(unit, place)
        before = {name: _plain(current[name]) for name in cleaned if current[name] != cleaned[name]}
        after = {name: _plain(cleaned[name]) for name in before}
        if not after:
            return _no_op(operation, place)
        _check_merged(unit, operation, {**current, **cleaned})
        write = dict(after)
        if "committee" in write:
            committee_id, name = unit.committee(write.pop("committee"))
            write["committee_id"] = committee_id
            after["committee"] = name
        version = unit.update(place, expected_version, write)
        return unit.finish(
            meeting_id=place.meeting_id,
            item_ids=place.item_ids,
            areas=areas,
            row=place.ref,
            change=ChangeKind.UPDATE,
            before=before,
            after=after,
            versions={place.ref: version},
        )


def _current(unit: _Unit, place: _Place) -> dict[str, object]:
    """The row's fields as ``_UPDATE_FIELDS`` name them (a meeting's committee by name)."""
    current = dict(place.row)
    if place.spec is _MEETING:
        committees = table_of(Committee)
        current["committee"] = unit.connection.execute(
            sa.select(committees.c.name).where(committees.c.id == place.row["committee_id"])
        ).scalar_one()
    return current


def _check_merged(unit: _Unit, operation: str, merged: Mapping[str, object]) -> None:
    """Rules that look at more than one field of the row as it would be."""
    if operation != "update_attendance":
        return
    with _validating(_ATTENDANCE.the):
        _check_substitute(
            unit,
            role=AttendanceRole(str(_plain(merged["role"]))),
            substitute_for_id=_optional_id(merged["substitute_for_id"], field="substitute_for_id"),
            person_id=_int(merged["person_id"]),
        )


def _check_substitute(
    unit: _Unit, *, role: AttendanceRole, substitute_for_id: int | None, person_id: int
) -> None:
    if substitute_for_id is None:
        return
    if role is not AttendanceRole.SUBSTITUTE:
        raise _problem("substitute_for_id", "Only a substitute stands in for another member.")
    if substitute_for_id == person_id:
        raise _problem("substitute_for_id", "A member cannot stand in for themselves.")
    if not unit.exists(_PERSON, substitute_for_id):
        raise _problem("substitute_for_id", "The member substituted for is not in the people list.")


def _no_op(operation: str, place: _Place) -> MinutesChange:
    return MinutesChange(
        operation=operation,
        meeting_id=place.meeting_id,
        item_ids=place.item_ids,
        areas=frozenset(),
        row=place.ref,
        before=MappingProxyType({}),
        after=MappingProxyType({}),
        versions=MappingProxyType({}),
    )


def _insert(
    workspace: Workspace,
    clock: Clock,
    operation: str,
    spec: _Spec,
    *,
    parent_id: int,
    position: int | None,
    build: Callable[[_Unit, _Place], dict[str, object]],
) -> MinutesChange:
    """Insert one row under ``parent_id``; ``build`` cleans its fields inside the transaction."""
    assert spec.parent is not None
    with _unit(workspace, clock, operation) as unit:
        parent = unit.locate(_SPECS[spec.parent], parent_id, expected_version=None)
        unit.guard(parent)
        with _validating(spec.the):
            values = build(unit, parent)
        new_id, index = unit.insert(spec, values, parent_id=parent_id, index=position)
        ref = RowRef(spec.name, new_id)
        after = {name: _plain(value) for name, value in values.items()}
        if index is not None:
            after["position"] = index
        item_ids = parent.item_ids | (
            frozenset({AgendaItemId(new_id)}) if spec is _ITEM else frozenset()
        )
        return unit.finish(
            meeting_id=parent.meeting_id,
            item_ids=item_ids,
            areas={spec.area},
            row=ref,
            change=ChangeKind.CREATE,
            before={},
            after=after,
            versions={ref: 1},
        )


def _move(
    workspace: Workspace,
    clock: Clock,
    operation: str,
    spec: _Spec,
    *,
    row_id: int,
    expected_version: int,
    position: int | None,
    parent_id: int | None = None,
    target: Callable[[_Unit, _Place], tuple[int, int] | None] | None = None,
) -> MinutesChange:
    """Move a row to ``position`` (under ``parent_id``, or where ``target`` says)."""
    with _unit(workspace, clock, operation) as unit:
        place = unit.locate(spec, row_id, expected_version=expected_version)
        unit.guard(place)
        old_parent = place.parent_id
        assert old_parent is not None
        assert spec.parent_column is not None
        old_order = unit.siblings(spec, old_parent)
        old_ids = [ident for ident, _ in old_order]
        old_index = old_ids.index(place.id)
        if target is not None:
            found = target(unit, place)
            if found is None:
                return _no_op(operation, place)
            parent_id, position = found
        new_parent = old_parent if parent_id is None else parent_id
        if new_parent != old_parent:
            _check_same_item(unit, spec, place, new_parent)
        new_order = old_order if new_parent == old_parent else unit.siblings(spec, new_parent)
        new_ids = [ident for ident in (ident for ident, _ in new_order) if ident != place.id]
        new_index = _clamp(position, len(new_ids))
        if new_parent == old_parent and new_index == old_index:
            return _no_op(operation, place)
        version = unit.update(
            place, expected_version, {spec.parent_column: new_parent, "position": new_index}
        )
        new_ids.insert(new_index, place.id)
        unit.renumber(spec, new_ids, {**dict(new_order), place.id: new_index})
        if new_parent != old_parent:
            remaining = [ident for ident in old_ids if ident != place.id]
            unit.renumber(spec, remaining, dict(old_order))
        return unit.finish(
            meeting_id=place.meeting_id,
            item_ids=place.item_ids,
            areas={spec.area},
            row=place.ref,
            change=ChangeKind.UPDATE,
            before={"parent_id": old_parent, "position": old_index},
            after={"parent_id": new_parent, "position": new_index},
            versions={place.ref: version},
        )


def _check_same_item(unit: _Unit, spec: _Spec, place: _Place, new_parent: int) -> None:
    """A point may move to another section of its own item, nowhere else."""
    if spec is not _POINT:
        raise NotAllowedError(f"{spec.the} stays where it is; it can only change places.")
    section = unit.locate(_SECTION, new_parent, expected_version=None)
    if section.item_id != place.item_id:
        raise NotAllowedError(
            "A point can move only to another section of its own agenda item; copy the "
            "text to move it to another item."
        )


def _delete(
    workspace: Workspace,
    clock: Clock,
    operation: str,
    spec: _Spec,
    *,
    row_id: int,
    expected_version: int,
    check: Callable[[_Unit, _Place], None] | None = None,
) -> MinutesChange:
    """Delete a row and everything under it, keeping a snapshot to put them back."""
    with _unit(workspace, clock, operation) as unit:
        place = unit.locate(spec, row_id, expected_version=expected_version)
        if check is not None:
            check(unit, place)
        unit.guard(place)
        snapshot = unit.snapshot(place)
        rows = _snapshot_rows(snapshot)
        deleted_items = {
            AgendaItemId(_int(values["id"])) for entry_spec, values in rows if entry_spec is _ITEM
        }
        unit.delete(place, expected_version)
        versions: dict[RowRef, int | None] = {
            RowRef(entry_spec.name, _int(values["id"])): None for entry_spec, values in rows
        }
        return unit.finish(
            meeting_id=place.meeting_id,
            item_ids=place.item_ids | deleted_items,
            areas={spec.area},
            row=place.ref,
            change=ChangeKind.DELETE,
            before={"snapshot": snapshot},
            after={},
            versions=versions,
        )


def _snapshot_rows(snapshot: Mapping[str, object]) -> list[tuple[_Spec, Mapping[str, object]]]:
    rows = snapshot.get("rows")
    if not isinstance(rows, Sequence):
        raise ValueError("Not a snapshot of deleted rows: it has no rows.")
    entries: list[tuple[_Spec, Mapping[str, object]]] = []
    for entry in rows:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
            raise ValueError("Not a snapshot of deleted rows: a row has no values.")
        entries.append((_SPECS[str(entry["table"])], entry["values"]))
    if not entries or entries[0][0].name != snapshot.get("table"):
        raise ValueError("Not a snapshot of deleted rows: the first row is not the one deleted.")
    return entries


def restore_deleted(
    *, workspace: Workspace, snapshot: Mapping[str, object], clock: Clock = utc_now
) -> MinutesChange:
    """Put back what a delete removed (``c.before["snapshot"]``). Inverse: the delete again.

    The rows come back with their ids and fields, the top one at the index it
    had among its siblings, each at a version one above its last. Refused
    with ``ConflictError`` when an id has been taken or the parent deleted
    meanwhile; and, like any edit, on approved minutes unless amending.
    """
    rows = _snapshot_rows(snapshot)
    spec, top = rows[0]
    with _unit(workspace, clock, "restore_deleted") as unit:
        if spec.parent is not None and spec.parent_column is not None:
            parent_id = _int(top[spec.parent_column])
            if not unit.exists(_SPECS[spec.parent], parent_id):
                raise ConflictError(
                    f"{spec.the} could not be put back: the {_SPECS[spec.parent].noun} it "
                    "belonged to was deleted meanwhile.",
                    table=spec.name,
                    row_id=_int(top["id"]),
                    expected_version=None,
                    actual_version=None,
                )
            parent = unit.locate(_SPECS[spec.parent], parent_id, expected_version=None)
            unit.guard(parent)
            meeting_id, item_ids = int(parent.meeting_id), parent.item_ids
        else:
            if unit.amendment is not None:
                raise NotAllowedError("Putting back a meeting is not an amendment.")
            meeting_id, item_ids = _int(top["id"]), frozenset()
        spec, versions = unit.restore(snapshot)
        item_ids |= {
            AgendaItemId(_int(values["id"])) for entry_spec, values in rows if entry_spec is _ITEM
        }
        ref = RowRef(spec.name, _int(top["id"]))
        areas = {spec.area, MinutesArea.AGENDA} if spec is _MEETING else {spec.area}
        return unit.finish(
            meeting_id=meeting_id,
            item_ids=frozenset(item_ids),
            areas=areas,
            row=ref,
            change=ChangeKind.CREATE,
            before={},
            after={"snapshot": dict(snapshot)},
            versions=versions,
        )


# ------------------------------------------------------------------ meetings


def create_meeting(
    *,
    workspace: Workspace,
    committee: str,
    date: dt.date,
    start_time: dt.time | None = None,
    venue: str = "",
    standing_items: bool = False,
    clock: Clock = utc_now,
) -> MinutesChange:
    """A new meeting (draft) of ``committee`` (added if new). Inverse: ``delete_meeting``.

    With ``standing_items`` the agenda starts with "1 Apologies", "2
    Declarations of Interest" and, when the committee has met before, "3
    Minutes of the Previous Meeting" (whose minutes it approves:
    ``minutes_lifecycle.approve_previous_minutes``). ``after`` holds the
    meeting's fields and ``items`` (id, number, title) of those added.
    """
    with _validating("The meeting"):
        day = _date(date, field="date")
        start = _time(start_time, field="start_time")
        where = _line(venue, field="venue", label="The venue")
    with _unit(workspace, clock, "create_meeting") as unit:
        if unit.amendment is not None:
            raise NotAllowedError("A new meeting is not an amendment of approved minutes.")
        with _validating("The meeting"):
            committee_id, committee_name = unit.committee(committee)
        meetings = _MEETING.table
        values: dict[str, object] = {
            "committee_id": committee_id,
            "date": day,
            "start_time": start,
            "venue": where,
            "status": MinutesStatus.DRAFT.value,
            "is_sample": False,
        }
        meeting_id, _index = unit.insert(_MEETING, values, parent_id=None, index=None)
        ref = RowRef(meetings.name, meeting_id)
        versions: dict[RowRef, int | None] = {ref: 1}
        items: list[dict[str, object]] = []
        if standing_items:
            titles = list(STANDING_ITEMS)
            if previous_meeting_id(unit.connection, meeting_id) is None:
                titles.remove("Minutes of the Previous Meeting")  # nothing to approve yet
            for number, title in enumerate(titles, start=1):
                item_values = {"number": str(number), "title": title, "is_sample": False}
                item_id, _ = unit.insert(_ITEM, item_values, parent_id=meeting_id, index=None)
                items.append({"id": item_id, "number": str(number), "title": title})
                versions[RowRef(_ITEM.name, item_id)] = 1
                unit.audit(
                    _ITEM.name,
                    item_id,
                    ChangeKind.CREATE.value,
                    {"meeting_id": meeting_id, "fields": {"number": str(number), "title": title}},
                )
        after = {
            "committee": committee_name,
            "date": day,
            "start_time": start,
            "venue": where,
            "status": MinutesStatus.DRAFT.value,
            "items": items,
        }
        return unit.finish(
            meeting_id=meeting_id,
            item_ids=frozenset(AgendaItemId(_int(item["id"])) for item in items),
            areas={MinutesArea.MEETING, MinutesArea.AGENDA},
            row=ref,
            change=ChangeKind.CREATE,
            before={},
            after=after,
            versions=versions,
        )


def update_meeting(
    *,
    workspace: Workspace,
    meeting_id: MeetingId,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> MinutesChange:
    """Change ``committee`` (a name), ``date``, ``start_time`` or ``venue``.

    The status changes only through ``minutes_lifecycle``. Inverse: the same
    with ``changes=c.before``.
    """
    return _update(
        workspace,
        clock,
        "update_meeting",
        row_id=meeting_id,
        expected_version=expected_version,
        changes=changes,
    )


def delete_meeting(
    *,
    workspace: Workspace,
    meeting_id: MeetingId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Delete a meeting with nothing minuted yet. Inverse: ``restore_deleted``.

    Refused (``NotAllowedError``) when its minutes are approved, when
    attendance is recorded, or when any item has sections, points,
    resolutions, presenters, documents or declarations: delete those first.
    Items that are only a number and a title (the standing items of a new
    meeting) go with it.
    """
    return _delete(
        workspace,
        clock,
        "delete_meeting",
        _MEETING,
        row_id=meeting_id,
        expected_version=expected_version,
        check=_check_meeting_empty,
    )


def _check_meeting_empty(unit: _Unit, place: _Place) -> None:
    when = format_meeting_date(place.meeting_date)
    if place.status is MinutesStatus.APPROVED:
        raise NotAllowedError(
            f"The minutes of {when} are approved as a correct record, so the meeting "
            "cannot be deleted: approved minutes are the committee's record."
        )
    connection = unit.connection
    attendance = _ATTENDANCE.table
    if connection.execute(
        sa.select(sa.literal(1)).where(attendance.c.meeting_id == place.id)
    ).first():
        raise NotAllowedError(
            f"The meeting of {when} has attendance recorded; remove it first to delete the meeting."
        )
    items = _ITEM.table
    item_ids = sa.select(items.c.id).where(items.c.meeting_id == place.id).scalar_subquery()
    for child in (_PRESENTER, _DOCUMENT, _SECTION, _RESOLUTION, _DECLARATION):
        child_table = child.table
        if connection.execute(
            sa.select(sa.literal(1)).where(child_table.c.agenda_item_id.in_(item_ids))
        ).first():
            raise NotAllowedError(
                f"The meeting of {when} has minutes; delete its agenda items first to delete "
                "the meeting."
            )


# ------------------------------------------------------------------ agenda items


def add_agenda_item(
    *,
    workspace: Workspace,
    meeting_id: MeetingId,
    title: str,
    number: str | None = None,
    position: int | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """A new agenda item. Inverse: ``delete_agenda_item``.

    ``number`` defaults to the next whole number after the largest the
    agenda has ("5" after "4a"); ``position`` to the end.
    """

    def build(unit: _Unit, meeting: _Place) -> dict[str, object]:
        cleaned_title = _line(title, field="title", label="The title", required=True)
        if number is None:
            numbers = unit.connection.execute(
                sa.select(_ITEM.table.c.number).where(_ITEM.table.c.meeting_id == meeting.id)
            ).scalars()
            cleaned_number = _next_number(numbers)
        else:
            cleaned_number = _line(number, field="number", label="The item number")
        return {"number": cleaned_number, "title": cleaned_title, "is_sample": False}

    return _insert(
        workspace,
        clock,
        "add_agenda_item",
        _ITEM,
        parent_id=meeting_id,
        position=position,
        build=build,
    )


def _next_number(numbers: Iterator[str] | Sequence[str]) -> str:
    largest = 0
    for number in numbers:
        match = _LEADING_NUMBER.match(number.strip())
        if match is not None:
            largest = max(largest, int(match.group()))
    return str(largest + 1)


def update_agenda_item(
    *,
    workspace: Workspace,
    item_id: AgendaItemId,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> MinutesChange:
    """Change the item's ``number`` or ``title``. Inverse: the same with ``c.before``."""
    return _update(
        workspace,
        clock,
        "update_agenda_item",
        row_id=item_id,
        expected_version=expected_version,
        changes=changes,
    )


def move_agenda_item(
    *,
    workspace: Workspace,
    item_id: AgendaItemId,
    expected_version: int,
    position: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Move the item to ``position`` on its agenda (numbers stay as typed)."""
    return _move(
        workspace,
        clock,
        "move_agenda_item",
        _ITEM,
        row_id=item_id,
        expected_version=expected_version,
        position=position,
    )


def delete_agenda_item(
    *,
    workspace: Workspace,
    item_id: AgendaItemId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Delete the item and all its minutes. Inverse: ``restore_deleted``."""
    return _delete(
        workspace,
        clock,
        "delete_agenda_item",
        _ITEM,
        row_id=item_id,
        expected_version=expected_version,
    )


# ------------------------------------------------------------------ presenters


def add_presenter(
    *,
    workspace: Workspace,
    item_id: AgendaItemId,
    name: str | None = None,
    person_id: PersonId | None = None,
    job_title: str = "",
    role: str = "",
    position: int | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """A presenter of the item: a person by id, or by name (added with ``job_title`` if new).

    ``role`` is the role as the minutes state it ("" when they state none;
    the read side then shows the job title). Inverse: ``remove_presenter``.
    """

    def build(unit: _Unit, _item: _Place) -> dict[str, object]:
        who, _added = unit.person(name=name, person_id=person_id, job_title=job_title, field="name")
        return {"person_id": who, "role": _line(role, field="role", label="The role")}

    return _insert(
        workspace,
        clock,
        "add_presenter",
        _PRESENTER,
        parent_id=item_id,
        position=position,
        build=build,
    )


def set_presenter_role(
    *,
    workspace: Workspace,
    presenter_id: PresenterId,
    expected_version: int,
    role: str,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Change the role the minutes state for a presenter."""
    return _update(
        workspace,
        clock,
        "set_presenter_role",
        row_id=presenter_id,
        expected_version=expected_version,
        changes={"role": role},
    )


def move_presenter(
    *,
    workspace: Workspace,
    presenter_id: PresenterId,
    expected_version: int,
    position: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _move(
        workspace,
        clock,
        "move_presenter",
        _PRESENTER,
        row_id=presenter_id,
        expected_version=expected_version,
        position=position,
    )


def remove_presenter(
    *,
    workspace: Workspace,
    presenter_id: PresenterId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Remove a presenter from the item (the person stays in the people list)."""
    return _delete(
        workspace,
        clock,
        "remove_presenter",
        _PRESENTER,
        row_id=presenter_id,
        expected_version=expected_version,
    )


# ------------------------------------------------------------------ supporting documents


def attachments_folder(workspace: Workspace) -> Path:
    """Where the database's attachments are copied: ``<database file>.attachments/``."""
    path = workspace.path
    return path.with_name(path.name + ATTACHMENTS_SUFFIX)


def add_document(
    *,
    workspace: Workspace,
    item_id: AgendaItemId,
    title: str = "",
    url: str | None = None,
    file: Path | None = None,
    position: int | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """A supporting document: a link (``url``) or a ``file`` copied into the attachments.

    Exactly one of ``url`` and ``file``. The title defaults to the file's name
    or the link. The copy is made inside the transaction and removed again if
    the transaction fails; the original is never touched. Inverse:
    ``remove_document`` (which leaves the copied file in place).
    """
    if (url is None) == (file is None):
        raise ValueError("Give a supporting document a link or a file, one of the two.")
    copied: list[Path] = []

    def build(_unit: _Unit, item: _Place) -> dict[str, object]:
        link = _url(url, field="url")
        if file is not None:
            source = Path(file)
            relative = _copy_attachment(attachments_folder(workspace), source, item.meeting_date)
            copied.append(attachments_folder(workspace) / relative)
            default_title = source.name
        else:
            if link is None:
                raise _problem("url", "Give the link.")
            relative = None
            default_title = link
        cleaned_title = _line(title, field="title", label="The title") or default_title
        return {"title": cleaned_title, "file_path": relative, "url": link}

    try:
        return _insert(
            workspace,
            clock,
            "add_document",
            _DOCUMENT,
            parent_id=item_id,
            position=position,
            build=build,
        )
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)  # ours, made by this call: nothing refers to it
        raise


def _copy_attachment(folder: Path, source: Path, meeting_date: dt.date) -> str:
    """Copy ``source`` under ``folder``/<meeting date>/; the path relative to ``folder``."""
    if not source.is_file():
        raise _problem("file", f"There is no file at {source}.")
    subfolder = folder / meeting_date.isoformat()
    try:
        subfolder.mkdir(parents=True, exist_ok=True)
        for number in itertools.count(1):
            name = source.name if number == 1 else f"{source.stem} ({number}){source.suffix}"
            target = subfolder / name
            try:
                # "x": never overwrite a file someone else (or an earlier item) put there.
                destination = target.open("xb")
            except FileExistsError:
                continue
            try:
                with destination, source.open("rb") as original:
                    shutil.copyfileobj(original, destination)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            return str(PurePosixPath(meeting_date.isoformat(), name))
    except OSError as error:
        raise _problem(
            "file", f"{source.name} could not be copied into {folder}: {error.strerror or error}."
        ) from error
    raise AssertionError("unreachable: itertools.count never ends")


def update_document(
    *,
    workspace: Workspace,
    document_id: DocumentId,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> MinutesChange:
    """Change a document's ``title`` or ``url`` (a copied file is replaced by adding another)."""
    return _update(
        workspace,
        clock,
        "update_document",
        row_id=document_id,
        expected_version=expected_version,
        changes=changes,
    )


def move_document(
    *,
    workspace: Workspace,
    document_id: DocumentId,
    expected_version: int,
    position: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _move(
        workspace,
        clock,
        "move_document",
        _DOCUMENT,
        row_id=document_id,
        expected_version=expected_version,
        position=position,
    )


def remove_document(
    *,
    workspace: Workspace,
    document_id: DocumentId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Remove a document from the item; a copied file stays in the attachment folder."""
    return _delete(
        workspace,
        clock,
        "remove_document",
        _DOCUMENT,
        row_id=document_id,
        expected_version=expected_version,
    )


# ------------------------------------------------------------------ attendance


def add_attendance(
    *,
    workspace: Workspace,
    meeting_id: MeetingId,
    role: AttendanceRole,
    name: str | None = None,
    person_id: PersonId | None = None,
    job_title: str = "",
    status: AttendanceStatus = AttendanceStatus.PRESENT,
    substitute_for_id: PersonId | None = None,
    position: int | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """A line of the record of attendance: member, chair, substitute or officer.

    A person appears once per meeting; only a substitute names the member
    they stood in for. Inverse: ``remove_attendance``.
    """

    def build(unit: _Unit, meeting: _Place) -> dict[str, object]:
        cleaned_role = _choice(role, AttendanceRole, field="role", label="The role")
        cleaned_status = _choice(status, AttendanceStatus, field="status", label="The attendance")
        substitute = _optional_id(substitute_for_id, field="substitute_for_id")
        who, _added = unit.person(name=name, person_id=person_id, job_title=job_title, field="name")
        _check_substitute(unit, role=cleaned_role, substitute_for_id=substitute, person_id=who)
        table = _ATTENDANCE.table
        if unit.connection.execute(
            sa.select(sa.literal(1)).where(
                table.c.meeting_id == meeting.id, table.c.person_id == who
            )
        ).first():
            raise _problem("name", "This person is already in the record of attendance.")
        return {
            "person_id": who,
            "role": cleaned_role.value,
            "status": cleaned_status.value,
            "substitute_for_id": substitute,
        }

    return _insert(
        workspace,
        clock,
        "add_attendance",
        _ATTENDANCE,
        parent_id=meeting_id,
        position=position,
        build=build,
    )


def update_attendance(
    *,
    workspace: Workspace,
    attendance_id: AttendanceId,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> MinutesChange:
    """Change ``role``, ``status`` or ``substitute_for_id`` of a line of attendance."""
    return _update(
        workspace,
        clock,
        "update_attendance",
        row_id=attendance_id,
        expected_version=expected_version,
        changes=changes,
    )


def move_attendance(
    *,
    workspace: Workspace,
    attendance_id: AttendanceId,
    expected_version: int,
    position: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _move(
        workspace,
        clock,
        "move_attendance",
        _ATTENDANCE,
        row_id=attendance_id,
        expected_version=expected_version,
        position=position,
    )


def remove_attendance(
    *,
    workspace: Workspace,
    attendance_id: AttendanceId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _delete(
        workspace,
        clock,
        "remove_attendance",
        _ATTENDANCE,
        row_id=attendance_id,
        expected_version=expected_version,
    )


# ------------------------------------------------------------------ declarations of interest


def add_declaration(
    *,
    workspace: Workspace,
    item_id: AgendaItemId,
    kind: DeclarationKind,
    name: str | None = None,
    person_id: PersonId | None = None,
    text: str = "",
    clock: Clock = utc_now,
) -> MinutesChange:
    """A member's declaration of interest in an item. Inverse: ``delete_declaration``."""

    def build(unit: _Unit, _item: _Place) -> dict[str, object]:
        cleaned_kind = _choice(kind, DeclarationKind, field="kind", label="The kind")
        cleaned_text = _text(text, field="text", label="The declaration")
        who, _added = unit.person(name=name, person_id=person_id, job_title="", field="name")
        return {"person_id": who, "kind": cleaned_kind.value, "text": cleaned_text}

    return _insert(
        workspace,
        clock,
        "add_declaration",
        _DECLARATION,
        parent_id=item_id,
        position=None,
        build=build,
    )


def update_declaration(
    *,
    workspace: Workspace,
    declaration_id: DeclarationId,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> MinutesChange:
    """Change a declaration's ``kind`` or ``text``."""
    return _update(
        workspace,
        clock,
        "update_declaration",
        row_id=declaration_id,
        expected_version=expected_version,
        changes=changes,
    )


def delete_declaration(
    *,
    workspace: Workspace,
    declaration_id: DeclarationId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _delete(
        workspace,
        clock,
        "delete_declaration",
        _DECLARATION,
        row_id=declaration_id,
        expected_version=expected_version,
    )


# ------------------------------------------------------------------ sections


def insert_section(
    *,
    workspace: Workspace,
    item_id: AgendaItemId,
    position: int | None,
    heading: str | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """A new, empty section (heading optional). Inverse: ``delete_section``."""

    def build(_unit: _Unit, _item: _Place) -> dict[str, object]:
        return {"heading": _optional_line(heading, field="heading", label="The heading")}

    return _insert(
        workspace,
        clock,
        "insert_section",
        _SECTION,
        parent_id=item_id,
        position=position,
        build=build,
    )


def rename_section(
    *,
    workspace: Workspace,
    section_id: SectionId,
    expected_version: int,
    heading: str | None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Change the heading; empty or None leaves the section without one."""
    return _update(
        workspace,
        clock,
        "rename_section",
        row_id=section_id,
        expected_version=expected_version,
        changes={"heading": heading},
    )


def move_section(
    *,
    workspace: Workspace,
    section_id: SectionId,
    expected_version: int,
    position: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Move the section, with its points, to ``position`` in its item."""
    return _move(
        workspace,
        clock,
        "move_section",
        _SECTION,
        row_id=section_id,
        expected_version=expected_version,
        position=position,
    )


def delete_section(
    *,
    workspace: Workspace,
    section_id: SectionId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Delete the section and its points. Inverse: ``restore_deleted``."""
    return _delete(
        workspace,
        clock,
        "delete_section",
        _SECTION,
        row_id=section_id,
        expected_version=expected_version,
    )


# ------------------------------------------------------------------ points


def insert_point(
    *,
    workspace: Workspace,
    section_id: SectionId,
    position: int | None,
    kind: PointKind,
    text: str = "",
    clock: Clock = utc_now,
) -> MinutesChange:
    """A new point of ``kind`` (empty text allowed: the editor fills it). Inverse: delete."""

    def build(_unit: _Unit, _section: _Place) -> dict[str, object]:
        return {
            "kind": _choice(kind, PointKind, field="kind", label="The kind").value,
            "text": _text(text, field="text", label="The point"),
        }

    return _insert(
        workspace,
        clock,
        "insert_point",
        _POINT,
        parent_id=section_id,
        position=position,
        build=build,
    )


def set_point_text(
    *,
    workspace: Workspace,
    point_id: PointId,
    expected_version: int,
    text: str,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Replace a point's text: one small UPDATE (see the module contract)."""
    return _update(
        workspace,
        clock,
        "set_point_text",
        row_id=point_id,
        expected_version=expected_version,
        changes={"text": text},
    )


def set_point_kind(
    *,
    workspace: Workspace,
    point_id: PointId,
    expected_version: int,
    kind: PointKind,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _update(
        workspace,
        clock,
        "set_point_kind",
        row_id=point_id,
        expected_version=expected_version,
        changes={"kind": kind},
    )


def split_point(
    *,
    workspace: Workspace,
    point_id: PointId,
    expected_version: int,
    offset: int,
    next_point: Mapping[str, object] | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Split a point at ``offset`` (a string index) into two points of the same kind.

    The first keeps ``text[:offset]`` and the new one, just after it, gets
    ``text[offset:]``, each with the whitespace at the cut stripped; that
    whitespace is ``c.after["separator"]``, which ``merge_point_with_next``
    puts back, so a split and the merge that undoes it restore the text
    exactly. Either part may be empty (Enter at the end of a point).

    ``next_point`` is for undoing a merge only (``c.before["next"]`` of
    that merge): the point merged away comes back with its id and kind.
    """
    with _unit(workspace, clock, "split_point") as unit:
        place = unit.locate(_POINT, point_id, expected_version=expected_version)
        unit.guard(place)
        text = str(place.row["text"])
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= len(text):
            raise ValidationError(
                _POINT.the,
                [FieldProblem(field="offset", message=f"Split within the text: 0 to {len(text)}.")],
            )
        first = text[:offset].rstrip()
        second = text[offset:].lstrip()
        separator = text[len(first) : len(text) - len(second)]
        values: dict[str, object] = {"kind": _plain(place.row["kind"]), "text": second}
        if next_point is not None:
            values = {
                "id": _int(next_point["id"]),
                "kind": _choice(
                    next_point["kind"], PointKind, field="kind", label="The kind"
                ).value,
                "text": second,
                "version": _int(next_point["version"]) + 1,
            }
            if unit.exists(_POINT, _int(values["id"])):
                raise ConflictError(
                    f"The point could not be put back: another point has taken its place (id "
                    f"{values['id']}) meanwhile.",
                    table=_POINT.name,
                    row_id=_int(values["id"]),
                    expected_version=None,
                    actual_version=None,
                )
        version = unit.update(place, expected_version, {"text": first})
        index = unit.index_of(place)
        assert index is not None
        assert place.parent_id is not None
        new_id, _ = unit.insert(_POINT, values, parent_id=place.parent_id, index=index + 1)
        new_ref = RowRef(_POINT.name, new_id)
        return unit.finish(
            meeting_id=place.meeting_id,
            item_ids=place.item_ids,
            areas={MinutesArea.STRUCTURE, MinutesArea.TEXT},
            row=place.ref,
            change=ChangeKind.UPDATE,
            before={"text": text},
            after={"text": first, "new_point_id": new_id, "separator": separator, "offset": offset},
            versions={place.ref: version, new_ref: _int(values.get("version", 1))},
        )


def merge_point_with_next(
    *,
    workspace: Workspace,
    point_id: PointId,
    expected_version: int,
    next_expected_version: int,
    separator: str | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Join the next point of the same section onto this one, and delete it.

    The texts are joined with ``separator`` (whitespace only): by default one
    space, or nothing when either text is empty; a split's own separator
    (``c.after["separator"]``) to undo it exactly. The point keeps its kind.
    ``next_expected_version`` is the next point's version as the caller saw
    it. Refused when the point is the last of its section.
    """
    if separator is not None and (not isinstance(separator, str) or separator.strip()):
        raise ValueError("A merge joins points with whitespace only.")
    with _unit(workspace, clock, "merge_point_with_next") as unit:
        place = unit.locate(_POINT, point_id, expected_version=expected_version)
        unit.guard(place)
        assert place.parent_id is not None
        ids = [ident for ident, _ in unit.siblings(_POINT, place.parent_id)]
        index = ids.index(place.id)
        if index + 1 >= len(ids):
            raise NotAllowedError(
                "This is the last point of its section: there is no next point to merge with."
            )
        following = unit.locate(_POINT, ids[index + 1], expected_version=next_expected_version)
        first, second = str(place.row["text"]), str(following.row["text"])
        if separator is None:
            separator = " " if first and second else ""
        merged = first + separator + second
        next_point = {
            "id": following.id,
            "kind": _plain(following.row["kind"]),
            "text": second,
            "version": following.version,
        }
        version = unit.update(place, expected_version, {"text": merged})
        unit.delete(following, next_expected_version)
        return unit.finish(
            meeting_id=place.meeting_id,
            item_ids=place.item_ids,
            areas={MinutesArea.STRUCTURE, MinutesArea.TEXT},
            row=place.ref,
            change=ChangeKind.UPDATE,
            before={"text": first, "next": next_point},
            after={"text": merged, "separator": separator, "offset": len(first)},
            versions={place.ref: version, following.ref: None},
        )


def move_point(
    *,
    workspace: Workspace,
    point_id: PointId,
    expected_version: int,
    position: int,
    section_id: SectionId | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Move a point to ``position`` in ``section_id`` (a section of the same item; default
    its own): what drag and drop does."""
    return _move(
        workspace,
        clock,
        "move_point",
        _POINT,
        row_id=point_id,
        expected_version=expected_version,
        position=position,
        parent_id=section_id,
    )


def move_point_up(
    *,
    workspace: Workspace,
    point_id: PointId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Alt+Up: one place up; the first point of a section moves to the end of the section
    before. A no-op for the first point of the first section."""
    return _move(
        workspace,
        clock,
        "move_point_up",
        _POINT,
        row_id=point_id,
        expected_version=expected_version,
        position=None,
        target=functools.partial(_step_target, step=-1),
    )


def move_point_down(
    *,
    workspace: Workspace,
    point_id: PointId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Alt+Down: one place down; the last point of a section moves to the start of the
    section after. A no-op for the last point of the last section."""
    return _move(
        workspace,
        clock,
        "move_point_down",
        _POINT,
        row_id=point_id,
        expected_version=expected_version,
        position=None,
        target=functools.partial(_step_target, step=1),
    )


def _step_target(unit: _Unit, place: _Place, *, step: int) -> tuple[int, int] | None:
    """(section, position) one place up or down, across a section boundary if need be."""
    assert place.parent_id is not None
    assert place.item_id is not None
    ids = [ident for ident, _ in unit.siblings(_POINT, place.parent_id)]
    index = ids.index(place.id)
    if 0 <= index + step < len(ids):
        return place.parent_id, index + step
    sections = [ident for ident, _ in unit.siblings(_SECTION, place.item_id)]
    neighbour = sections.index(place.parent_id) + step
    if not 0 <= neighbour < len(sections):
        return None
    target = sections[neighbour]
    if step < 0:
        return target, len(unit.siblings(_POINT, target))
    return target, 0


def delete_point(
    *,
    workspace: Workspace,
    point_id: PointId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _delete(
        workspace, clock, "delete_point", _POINT, row_id=point_id, expected_version=expected_version
    )


# ------------------------------------------------------------------ resolutions


def add_resolution(
    *,
    workspace: Workspace,
    item_id: AgendaItemId,
    text: str,
    label: str = "Resolved",
    position: int | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """A new resolution ("Resolved: That …"). Several are numbered (i), (ii) … by position
    when shown; the number is not stored. Inverse: ``delete_resolution``."""

    def build(_unit: _Unit, _item: _Place) -> dict[str, object]:
        return {
            "label": _line(label, field="label", label="The label", required=True),
            "text": _text(text, field="text", label="The resolution"),
        }

    return _insert(
        workspace,
        clock,
        "add_resolution",
        _RESOLUTION,
        parent_id=item_id,
        position=position,
        build=build,
    )


def set_resolution_text(
    *,
    workspace: Workspace,
    resolution_id: ResolutionId,
    expected_version: int,
    text: str,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _update(
        workspace,
        clock,
        "set_resolution_text",
        row_id=resolution_id,
        expected_version=expected_version,
        changes={"text": text},
    )


def set_resolution_label(
    *,
    workspace: Workspace,
    resolution_id: ResolutionId,
    expected_version: int,
    label: str,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Change how the resolution is introduced ("Resolved", "Agreed")."""
    return _update(
        workspace,
        clock,
        "set_resolution_label",
        row_id=resolution_id,
        expected_version=expected_version,
        changes={"label": label},
    )


def move_resolution(
    *,
    workspace: Workspace,
    resolution_id: ResolutionId,
    expected_version: int,
    position: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Move the resolution (its number (i), (ii) … follows its new place)."""
    return _move(
        workspace,
        clock,
        "move_resolution",
        _RESOLUTION,
        row_id=resolution_id,
        expected_version=expected_version,
        position=position,
    )


def delete_resolution(
    *,
    workspace: Workspace,
    resolution_id: ResolutionId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Delete the resolution and its parts. Inverse: ``restore_deleted``."""
    return _delete(
        workspace,
        clock,
        "delete_resolution",
        _RESOLUTION,
        row_id=resolution_id,
        expected_version=expected_version,
    )


def add_resolution_part(
    *,
    workspace: Workspace,
    resolution_id: ResolutionId,
    text: str,
    label: str = "",
    position: int | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """A numbered part of a resolution ("(1)", "That …")."""

    def build(_unit: _Unit, _resolution: _Place) -> dict[str, object]:
        return {
            "label": _line(label, field="label", label="The part's number"),
            "text": _text(text, field="text", label="The part"),
        }

    return _insert(
        workspace,
        clock,
        "add_resolution_part",
        _PART,
        parent_id=resolution_id,
        position=position,
        build=build,
    )


def update_resolution_part(
    *,
    workspace: Workspace,
    part_id: ResolutionPartId,
    expected_version: int,
    changes: Mapping[str, object],
    clock: Clock = utc_now,
) -> MinutesChange:
    """Change a part's ``label`` or ``text``."""
    return _update(
        workspace,
        clock,
        "update_resolution_part",
        row_id=part_id,
        expected_version=expected_version,
        changes=changes,
    )


def move_resolution_part(
    *,
    workspace: Workspace,
    part_id: ResolutionPartId,
    expected_version: int,
    position: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _move(
        workspace,
        clock,
        "move_resolution_part",
        _PART,
        row_id=part_id,
        expected_version=expected_version,
        position=position,
    )


def delete_resolution_part(
    *,
    workspace: Workspace,
    part_id: ResolutionPartId,
    expected_version: int,
    clock: Clock = utc_now,
) -> MinutesChange:
    return _delete(
        workspace,
        clock,
        "delete_resolution_part",
        _PART,
        row_id=part_id,
        expected_version=expected_version,
    )


def numbered_part_labels(labels: Sequence[str], count: int) -> list[str] | None:
    """``count`` part labels numbered in the style ``labels`` follow, or None if they follow none.

    Parts numbered "(1)", "(2)" …, "(i)", "(ii)" …, "(a)", "(b)" … (also "1.",
    "1)", "a)", capitals) stay numbered in sequence when a part is added,
    removed or moved: the editor relabels them with these labels, each a
    ``update_resolution_part`` (so each is undone like any edit). Labels that
    do not number their parts from the first in sequence (none at all, all
    empty — shown "(i)", "(ii)" … by position — or typed freely) give None:
    they are the clerk's and stay as typed. "(i)" alone is taken as Roman.
    """
    if not labels or count < 0:
        return None
    stripped = [label.strip() for label in labels]
    for style in _PART_STYLES:
        if stripped == [style(number) for number in range(1, len(stripped) + 1)]:
            return [style(number) for number in range(1, count + 1)]
    return None


def _letters(number: int) -> str:
    """1 → "a", 26 → "z", 27 → "aa": the letters of lettered parts."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def _part_style(counter: Callable[[int], str], opening: str, closing: str) -> Callable[[int], str]:
    return lambda number: f"{opening}{counter(number)}{closing}"


_PART_COUNTERS: Final[tuple[Callable[[int], str], ...]] = (
    str,
    roman_numeral,
    _letters,
    lambda number: roman_numeral(number).upper(),
    lambda number: _letters(number).upper(),
)
#: Tried in order: Roman before letters, so "(i)" alone is Roman.
_PART_STYLES: Final = tuple(
    _part_style(counter, opening, closing)
    for opening, closing in (("(", ")"), ("", "."), ("", ")"))
    for counter in _PART_COUNTERS
)


# ------------------------------------------------------------------ undo


_Inverse = Callable[[Workspace, MinutesChange, Mapping[RowRef, int], Clock], MinutesChange]
_INVERSES: dict[str, _Inverse] = {}


def register_inverse(operation: str, inverse: _Inverse) -> None:
    """Say how ``revert_minutes_change`` undoes ``operation`` (``minutes_lifecycle`` uses it)."""
    _INVERSES[operation] = inverse


def revert_minutes_change(
    *,
    workspace: Workspace,
    change: MinutesChange,
    versions: Mapping[RowRef, int] | None = None,
    reason: str | None = None,
    clock: Clock = utc_now,
) -> MinutesChange:
    """Apply the inverse of ``change`` (the table in the module docstring); its change.

    ``versions`` gives rows' current versions when something has changed
    them since ``change`` (an undo stack tracks them); by default those in
    ``change.versions``. Undoing an amendment is itself an amendment, with
    ``reason`` or "Undoing the amendment: <its reason>"; a change made before
    the minutes were approved can be undone afterwards only with a
    ``reason`` (as an amendment). A no-op is its own inverse.
    """
    if not change.changed:
        return change
    current: dict[RowRef, int] = {
        row: version for row, version in change.versions.items() if version is not None
    }
    current.update(versions or {})
    inverse = _INVERSES.get(change.operation)
    if inverse is None:
        raise ValueError(f"There is no inverse of {change.operation!r}.")
    if reason is None and change.amendment_id is not None:
        reason = f"Undoing the amendment: {change.amendment_reason}"
    if reason is None:
        return inverse(workspace, change, current, clock)
    if not reason.strip():
        raise ValidationError(
            "The amendment", [FieldProblem(field="reason", message="Give the reason.")]
        )
    with amending(reason.strip()):
        return inverse(workspace, change, current, clock)


def _version(versions: Mapping[RowRef, int], row: RowRef) -> int:
    try:
        return versions[row]
    except KeyError:
        raise ValueError(f"Say which version of {row.table} {row.id} to expect.") from None


def _delete_inverse(function: Callable[..., MinutesChange], parameter: str) -> _Inverse:
    def inverse(
        workspace: Workspace, change: MinutesChange, versions: Mapping[RowRef, int], clock: Clock
    ) -> MinutesChange:
        return function(
            workspace=workspace,
            **{parameter: change.row.id},
            expected_version=_version(versions, change.row),
            clock=clock,
        )

    return inverse


def _restore_inverse(
    workspace: Workspace, change: MinutesChange, _versions: Mapping[RowRef, int], clock: Clock
) -> MinutesChange:
    snapshot = change.before["snapshot"]
    assert isinstance(snapshot, Mapping)
    return restore_deleted(workspace=workspace, snapshot=snapshot, clock=clock)


def _undelete_inverse(
    workspace: Workspace, change: MinutesChange, versions: Mapping[RowRef, int], clock: Clock
) -> MinutesChange:
    """The inverse of ``restore_deleted``: the delete of that row's kind again."""
    return _DELETE_BY_TABLE[change.row.table](workspace, change, versions, clock)


def _update_inverse(
    workspace: Workspace, change: MinutesChange, versions: Mapping[RowRef, int], clock: Clock
) -> MinutesChange:
    return _update(
        workspace,
        clock,
        change.operation,
        row_id=change.row.id,
        expected_version=_version(versions, change.row),
        changes=change.before,
    )


def _move_inverse(
    workspace: Workspace, change: MinutesChange, versions: Mapping[RowRef, int], clock: Clock
) -> MinutesChange:
    spec = _SPECS[change.row.table]
    parent_id = change.before["parent_id"]
    position = change.before["position"]
    assert isinstance(parent_id, int)
    assert isinstance(position, int)
    operation = "move_point" if spec is _POINT else change.operation
    return _move(
        workspace,
        clock,
        operation,
        spec,
        row_id=change.row.id,
        expected_version=_version(versions, change.row),
        position=position,
        parent_id=parent_id,
    )


def _split_inverse(
    workspace: Workspace, change: MinutesChange, versions: Mapping[RowRef, int], clock: Clock
) -> MinutesChange:
    new_point = RowRef(_POINT.name, _int(change.after["new_point_id"]))
    return merge_point_with_next(
        workspace=workspace,
        point_id=PointId(change.row.id),
        expected_version=_version(versions, change.row),
        next_expected_version=_version(versions, new_point),
        separator=str(change.after["separator"]),
        clock=clock,
    )


def _merge_inverse(
    workspace: Workspace, change: MinutesChange, versions: Mapping[RowRef, int], clock: Clock
) -> MinutesChange:
    next_point = change.before["next"]
    assert isinstance(next_point, Mapping)
    return split_point(
        workspace=workspace,
        point_id=PointId(change.row.id),
        expected_version=_version(versions, change.row),
        offset=_int(change.after["offset"]),
        next_point=next_point,
        clock=clock,
    )


_DELETE_BY_TABLE: Final[Mapping[str, _Inverse]] = MappingProxyType(
    {
        _MEETING.name: _delete_inverse(delete_meeting, "meeting_id"),
        _ITEM.name: _delete_inverse(delete_agenda_item, "item_id"),
        _PRESENTER.name: _delete_inverse(remove_presenter, "presenter_id"),
        _DOCUMENT.name: _delete_inverse(remove_document, "document_id"),
        _ATTENDANCE.name: _delete_inverse(remove_attendance, "attendance_id"),
        _DECLARATION.name: _delete_inverse(delete_declaration, "declaration_id"),
        _SECTION.name: _delete_inverse(delete_section, "section_id"),
        _POINT.name: _delete_inverse(delete_point, "point_id"),
        _RESOLUTION.name: _delete_inverse(delete_resolution, "resolution_id"),
        _PART.name: _delete_inverse(delete_resolution_part, "part_id"),
    }
)

for _operation in (
    "create_meeting",
    "add_agenda_item",
    "add_presenter",
    "add_document",
    "add_attendance",
    "add_declaration",
    "insert_section",
    "insert_point",
    "add_resolution",
    "add_resolution_part",
    "restore_deleted",
):
    register_inverse(_operation, _undelete_inverse)
for _operation in (
    "delete_meeting",
    "delete_agenda_item",
    "remove_presenter",
    "remove_document",
    "remove_attendance",
    "delete_declaration",
    "delete_section",
    "delete_point",
    "delete_resolution",
    "delete_resolution_part",
):
    register_inverse(_operation, _restore_inverse)
for _operation in _UPDATE_FIELDS:
    register_inverse(_operation, _update_inverse)
for _operation in (
    "move_agenda_item",
    "move_presenter",
    "move_document",
    "move_attendance",
    "move_section",
    "move_point",
    "move_point_up",
    "move_point_down",
    "move_resolution",
    "move_resolution_part",
):
    register_inverse(_operation, _move_inverse)
register_inverse("split_point", _split_inverse)
register_inverse("merge_point_with_next", _merge_inverse)

#: Every function that edits minutes: what ``minutes_lifecycle.amend_approved`` accepts.
EDITING_FUNCTIONS: Final[frozenset[Callable[..., MinutesChange]]] = frozenset(
    {
        create_meeting,
        update_meeting,
        delete_meeting,
        add_agenda_item,
        update_agenda_item,
        move_agenda_item,
        delete_agenda_item,
        add_presenter,
        set_presenter_role,
        move_presenter,
        remove_presenter,
        add_document,
        update_document,
        move_document,
        remove_document,
        add_attendance,
        update_attendance,
        move_attendance,
        remove_attendance,
        add_declaration,
        update_declaration,
        delete_declaration,
        insert_section,
        rename_section,
        move_section,
        delete_section,
        insert_point,
        set_point_text,
        set_point_kind,
        split_point,
        merge_point_with_next,
        move_point,
        move_point_up,
        move_point_down,
        delete_point,
        add_resolution,
        set_resolution_text,
        set_resolution_label,
        move_resolution,
        delete_resolution,
        add_resolution_part,
        update_resolution_part,
        move_resolution_part,
        delete_resolution_part,
        restore_deleted,
    }
)


# ------------------------------------------------------------------ helpers


def _int(value: object) -> int:
    """A whole number from a snapshot or a change (ids, versions, positions)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"Expected a whole number, not {value!r}.")
    return int(value)


def _new_id(result: sa.CursorResult[Any], table: str) -> int:
    (new_id,) = result.inserted_primary_key or (None,)
    if new_id is None:  # every supported database returns the new key
        raise RuntimeError(f"The database did not return the new {table} id.")
    return int(new_id)


def _clamp(index: int | None, length: int) -> int:
    if index is None:
        return length
    return max(0, min(int(index), length))


def _plain(value: object) -> object:
    """A value as stored, enumerations by value: what ``before``/``after`` hold."""
    return value.value if isinstance(value, Enum) else value


def _json_default(value: object) -> object:
    if isinstance(value, dt.date | dt.time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, RowRef):
        return {"table": value.table, "id": value.id}
    raise TypeError(f"Cannot write {type(value).__name__} into an amendment: {value!r}.")
