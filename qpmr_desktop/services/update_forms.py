"""Update forms: the XLSX file that officers who do not use the app fill in, and its checks.

``update_forms_export.export_update_forms`` writes one form per lead officer;
``update_forms_import.preview_update_forms`` / ``apply_update_forms`` read
returned forms back. This module holds what both sides must agree on: the
layout of the file, the metadata recorded in it and its checksum, the
database's identity, and the one query of actions both sides use.

The file (format ``qpmr-update-form/1``)
========================================

Sheet "Update form" (visible, protected, no password):

* rows 1–4: a title naming the officer, when and from which database the
  form was issued, and instructions; row 5 is blank;
* row 6 (``HEADER_ROW``): the column headers of ``COLUMNS``: Plan, Priority
  area, Ref, Action, Due, Current status, Current progress, Latest update —
  locked — then New status, New progress %, Update — unlocked, shaded, with
  a drop-down list of the five statuses, a whole-number 0–100 rule and a
  free-text column;
* from row 7 (``FIRST_ROW``): one row per open action of the officer, in
  tracker order (plan, priority area, ref in natural order). Every locked
  cell is *text* (dates "31 Oct 2017", progress "60%"), so that what is read
  back can be compared with what was written without any number or date
  format getting in the way.

Sheet "Form data" (very hidden, protected): the metadata, every cell text.
Row 1 is a warning; then key/value rows in columns A and B (``format``,
``database_id``, ``database_name``, ``issued_at``, ``issued_by``,
``lead_id``, ``lead``, ``checksum``); then a header row starting ``row``; then
one row per action: the row on the form, the action id, its version, its
status and progress as stored (``on track``, ``60``), and the exact text of
each locked cell as written on the form.

The checksum is ``hmac-sha256:<hex>``: an HMAC-SHA256, keyed with a secret
kept in this database's ``setting`` table, over a canonical JSON encoding of
everything the metadata says. Hidden and locked are no protection — a
LibreOffice round trip turns "very hidden" into "hidden" and drops workbook
protection, and anyone can unprotect a sheet that has no password (and a
fixed password in open source code would be no better) — so the import
trusts the metadata only when its checksum verifies, and then compares every
locked cell of the visible sheet with the text the metadata says was
written there. Sheet protection is only a guard against accidents.

Database identity: the ``setting`` rows ``database.id`` (a random UUID) and
``update_forms.signing_key`` (32 random bytes, hex) are created by the first
export (``ensure_database_identity``, in its transaction) and never changed;
a form whose ``database_id`` is not this database's was issued by another
one. A copy of the file (a backup restored) keeps the identity, so it
accepts the original's forms: the action versions still decide what may be
applied.

Text: line ends become "\\n" (XML turns "\\r\\n" into "\\n" on reading anyway),
characters XML cannot hold become U+FFFD, and a cell is cut to Excel's
32,767 characters — on export, before the text is both written and recorded,
so the two always agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qpmr_desktop.domain.actions import ActionStatus
from qpmr_desktop.domain.ids import ActionId, PersonId
from qpmr_desktop.storage.tables import (
    Action,
    ActionUpdate,
    ImprovementPlan,
    Person,
    PriorityArea,
    Setting,
)
from qpmr_desktop.storage.versioning import table_of

FORMAT = "qpmr-update-form/1"
FORM_SHEET = "Update form"
DATA_SHEET = "Form data"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1
#: The most characters Excel keeps in one cell.
MAX_CELL_TEXT = 32_767

DATABASE_ID_KEY = "database.id"
SIGNING_KEY_KEY = "update_forms.signing_key"
CHECKSUM_PREFIX = "hmac-sha256:"

# The metadata's key/value rows, in the order written.
FIELD_KEYS = (
    "format",
    "database_id",
    "database_name",
    "issued_at",
    "issued_by",
    "lead_id",
    "lead",
    "checksum",
)
ACTIONS_HEADER = "row"


@dataclass(frozen=True, slots=True)
class FormColumn:
    key: str
    header: str
    width: float
    editable: bool = False


COLUMNS: tuple[FormColumn, ...] = (
    FormColumn("plan", "Plan", 22),
    FormColumn("priority_area", "Priority area", 20),
    FormColumn("ref", "Ref", 6),
    FormColumn("description", "Action", 50),
    FormColumn("due", "Due", 13),
    FormColumn("status", "Current status", 13),
    FormColumn("progress", "Current progress", 10),
    FormColumn("latest_update", "Latest update", 45),
    FormColumn("new_status", "New status", 14, editable=True),
    FormColumn("new_progress", "New progress %", 11, editable=True),
    FormColumn("update_text", "Update", 60, editable=True),
)
LOCKED_COLUMNS = tuple(column for column in COLUMNS if not column.editable)
LOCKED_KEYS = tuple(column.key for column in LOCKED_COLUMNS)
#: 1-based column numbers, as openpyxl counts.
COLUMN_NUMBERS: Mapping[str, int] = {column.key: n for n, column in enumerate(COLUMNS, start=1)}
# The metadata's per-action columns: position and identity, then the stored
# status and progress, then the text of each locked cell.
ACTION_FIELDS = ("row", "action_id", "version", "status_value", "progress_value", *LOCKED_KEYS)

#: What the drop-down offers, in the order of the tracker.
STATUS_CHOICES: tuple[str, ...] = tuple(status.label for status in ActionStatus)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Control characters XML 1.0 cannot hold (tab and newline it can).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Characters no file system of Windows, macOS or Linux accepts in a name.
_UNSAFE_IN_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_MAX_NAME_LENGTH = 80


class FormDataError(ValueError):
    """The form's metadata is missing or malformed; the message says what, for a person."""


# ------------------------------------------------------------------ text


def cell_safe(text: str) -> str:
    """``text`` as it can be written to a cell and read back unchanged (see the contract)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ILLEGAL_XML.sub("\ufffd", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def cell_text(value: object) -> str:
    """A cell's value as the text it shows, for comparing with what was written.

    A whole number reads as "12" however the spreadsheet stored it (12, 12.0),
    so metadata that a program turned into numbers still compares equal.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def form_date(day: dt.date) -> str:
    """ "31 Oct 2017", whatever the machine's locale (strftime's %b is not)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def form_time(at: dt.datetime) -> str:
    """ "12 Oct 2017 09:30 UTC"."""
    utc = at.astimezone(dt.UTC)
    return f"{form_date(utc.date())} {utc:%H:%M} UTC"


def file_name_for(lead: str, *, person_id: int | None = None) -> str:
    """The form's file name: "Update form – Joanne Heaton.xlsx", the same at every export.

    Characters that some file system refuses are replaced, spaces tidied, and
    the name cut to a length every system accepts. ``person_id`` tells apart
    two leads whose names would give the same file.
    """
    # Blank space first (a tab is a control character), then what no system accepts.
    name = _UNSAFE_IN_NAME.sub("_", " ".join(lead.split())).strip(". ")
    name = name[:_MAX_NAME_LENGTH].rstrip(". ") or "unnamed"
    if person_id is not None:
        name = f"{name} (id {person_id})"
    return f"Update form – {name}.xlsx"


# ------------------------------------------------------------------ metadata


@dataclass(frozen=True, slots=True)
class FormAction:
    """One action as the form was issued: where it is, its version, and each locked cell."""

    row: int
    action_id: ActionId
    version: int
    status: ActionStatus
    progress: int
    cells: Mapping[str, str]  # locked column key → the text written in its cell


@dataclass(frozen=True, slots=True)
class FormMetadata:
    database_id: str
    database_name: str
    issued_at: dt.datetime
    issued_by: str
    lead_id: PersonId
    lead: str
    actions: tuple[FormAction, ...]


def metadata_rows(metadata: FormMetadata, *, key: bytes) -> list[list[str]]:
    """The "Form data" sheet from row 2 on, every cell text, checksum included."""
    fields = _field_values(metadata)
    fields["checksum"] = checksum(metadata, key=key)
    rows = [[name, fields[name]] for name in FIELD_KEYS]
    rows.append(list(ACTION_FIELDS))
    rows.extend(
        [
            str(action.row),
            str(action.action_id),
            str(action.version),
            action.status.value,
            str(action.progress),
            *(action.cells[name] for name in LOCKED_KEYS),
        ]
        for action in metadata.actions
    )
    return rows


def checksum(metadata: FormMetadata, *, key: bytes) -> str:
    """``hmac-sha256:<hex>`` over everything the metadata says (not the checksum itself)."""
    fields = _field_values(metadata)
    payload = {
        "fields": [[name, fields[name]] for name in FIELD_KEYS if name != "checksum"],
        "actions": [
            [
                action.row,
                action.action_id,
                action.version,
                action.status.value,
                action.progress,
                [[name, action.cells[name]] for name in LOCKED_KEYS],
            ]
            for action in metadata.actions
        ],
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
    return CHECKSUM_PREFIX + digest


def checksum_matches(metadata: FormMetadata, stated: str, *, key: bytes) -> bool:
    return hmac.compare_digest(checksum(metadata, key=key), stated)


def _field_values(metadata: FormMetadata) -> dict[str, str]:
    return {
        "format": FORMAT,
        "database_id": metadata.database_id,
        "database_name": metadata.database_name,
        "issued_at": metadata.issued_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "issued_by": metadata.issued_by,
        "lead_id": str(metadata.lead_id),
        "lead": metadata.lead,
    }


@dataclass(frozen=True, slots=True)
class ParsedMetadata:
    """The metadata as read from a returned form, not yet verified, and its stated checksum."""

    metadata: FormMetadata
    stated_checksum: str


def parse_metadata(rows: Sequence[Sequence[object]]) -> ParsedMetadata:
    """Read the "Form data" sheet (all its rows, row 1 first); ``FormDataError`` if malformed.

    Strict: every key once, in any order; every action row complete; numbers
    that are whole numbers. Anything else means the sheet was changed or is
    not ours, and the checksum could not vouch for it anyway.
    """
    texts = [_trimmed([cell_text(value) for value in row]) for row in rows]
    fields: dict[str, str] = {}
    index = 1  # row 1 is the warning
    while index < len(texts) and (not texts[index] or texts[index][0] != ACTIONS_HEADER):
        row = texts[index]
        index += 1
        if not row:
            continue
        name, value = row[0], row[1] if len(row) > 1 else ""
        if name not in FIELD_KEYS or name in fields or len(row) > 2:
            raise FormDataError(f"its hidden data has an unexpected row {index} ({name!r}).")
        fields[name] = value
    missing = [name for name in FIELD_KEYS if name not in fields]
    if missing:
        raise FormDataError(f"its hidden data lacks {', '.join(missing)}.")
    if fields["format"] != FORMAT:
        raise FormDataError(
            f"it is in a format this version does not read ({fields['format']!r}, not {FORMAT!r})."
        )
    if index >= len(texts) or texts[index] != list(ACTION_FIELDS):
        raise FormDataError("its hidden data has no list of actions.")
    actions = tuple(
        _form_action(row, number)
        for number, row in enumerate(texts[index + 1 :], start=index + 2)
        if row
    )
    metadata = FormMetadata(
        database_id=fields["database_id"],
        database_name=fields["database_name"],
        issued_at=_issued_at(fields["issued_at"]),
        issued_by=fields["issued_by"],
        lead_id=PersonId(_whole(fields["lead_id"], "lead_id")),
        lead=fields["lead"],
        actions=actions,
    )
    return ParsedMetadata(metadata=metadata, stated_checksum=fields["checksum"])


def _trimmed(row: list[str]) -> list[str]:
    # Spreadsheets drop empty cells at the end of a row; "" and nothing are the same.
    while row and row[-1] == "":
        row.pop()
    return row


def _form_action(row: list[str], number: int) -> FormAction:
    if len(row) > len(ACTION_FIELDS):
        raise FormDataError(f"its hidden data has extra cells in row {number}.")
    values = dict(zip(ACTION_FIELDS, row + [""] * (len(ACTION_FIELDS) - len(row)), strict=True))
    try:
        status = ActionStatus(values["status_value"])
    except ValueError:
        raise FormDataError(f"its hidden data has an unknown status in row {number}.") from None
    return FormAction(
        row=_whole(values["row"], "row"),
        action_id=ActionId(_whole(values["action_id"], "action_id")),
        version=_whole(values["version"], "version"),
        status=status,
        progress=_whole(values["progress_value"], "progress_value"),
        cells={name: values[name] for name in LOCKED_KEYS},
    )


def _whole(text: str, name: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise FormDataError(f"its hidden data has {text!r} for {name}, not a whole number.")
    return int(text)


def _issued_at(text: str) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise FormDataError(f"its hidden data has {text!r} for the time of issue.") from None
    if at.tzinfo is None:
        raise FormDataError(f"its hidden data has a time of issue with no time zone ({text!r}).")
    return at.astimezone(dt.UTC)


# ------------------------------------------------------------------ database identity


@dataclass(frozen=True, slots=True)
class DatabaseIdentity:
    id: str
    signing_key: bytes


def database_identity(session: Session) -> DatabaseIdentity | None:
    """This database's id and form-signing key; None if it has never issued a form."""
    return _read_identity(session)


def ensure_database_identity(session: Session) -> DatabaseIdentity:
    """This database's id and form-signing key, made in the caller's transaction if missing."""
    found = _read_identity(session)
    if found is not None:
        return found
    setting = table_of(Setting)
    for key, value in (
        (DATABASE_ID_KEY, str(uuid.uuid4())),
        (SIGNING_KEY_KEY, secrets.token_hex(32)),
    ):
        # In a savepoint: another user of a shared database may have made the
        # same setting a moment ago, and their value must win, not fail us.
        try:
            with session.connection().begin_nested():
                session.connection().execute(
                    sa.insert(setting).values(key=key, value=value, version=1)
                )
        except sa.exc.IntegrityError:
            continue
    found = _read_identity(session)
    if found is None:  # both inserts either succeeded or met a row already there
        raise RuntimeError("The database's identity could not be stored.")
    return found


def _read_identity(session: Session) -> DatabaseIdentity | None:
    query = sa.select(col(Setting.key), col(Setting.value)).where(
        col(Setting.key).in_((DATABASE_ID_KEY, SIGNING_KEY_KEY))
    )
    values = {row.key: row.value for row in session.connection().execute(query)}
    database_id = values.get(DATABASE_ID_KEY, "")
    key_text = values.get(SIGNING_KEY_KEY, "")
    if not database_id or not key_text:
        return None
    try:
        key = bytes.fromhex(key_text)
    except ValueError:
        raise RuntimeError(
            f"The setting {SIGNING_KEY_KEY} is damaged (not hexadecimal); "
            "update forms cannot be signed or checked."
        ) from None
    return DatabaseIdentity(id=database_id, signing_key=key)


# ------------------------------------------------------------------ actions


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One action as both sides of a form need it: identity, lead, state and latest update."""

    id: ActionId
    version: int
    plan_id: int
    plan: str
    priority_area: str
    priority_area_position: int | None  # None when the action has no priority area
    ref: str
    description: str
    lead_id: PersonId | None
    lead: str
    due_date: dt.date | None
    status: ActionStatus
    progress: int
    update_text: str
    update_by: str
    update_at: dt.datetime | None

    @property
    def latest_update(self) -> str:
        """ "Text — Joanne Heaton, 13 Oct 2017", or "" when there is no update."""
        if self.update_at is None:
            return ""
        by = f"{self.update_by}, {form_date(self.update_at.date())}"
        return f"{self.update_text} — {by}" if self.update_text else by


def load_actions(session: Session, *, where: sa.ColumnElement[bool]) -> list[ActionRecord]:
    """The actions matching ``where`` (on ``action``), each with its newest update.

    Unordered; the newest update is the latest ``at``, then the highest id,
    as in the tracker.
    """
    ranked = sa.select(
        col(ActionUpdate.action_id),
        col(ActionUpdate.text),
        col(ActionUpdate.who),
        col(ActionUpdate.at),
        sa.func.row_number()
        .over(
            partition_by=col(ActionUpdate.action_id),
            order_by=(col(ActionUpdate.at).desc(), col(ActionUpdate.id).desc()),
        )
        .label("newness"),
    ).subquery()
    latest = sa.select(ranked).where(ranked.c.newness == 1).subquery("latest_update")
    lead = aliased(Person, name="lead")
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            col(Action.id),
            col(Action.version),
            col(Action.plan_id),
            col(ImprovementPlan.name).label("plan"),
            col(PriorityArea.name).label("priority_area"),
            col(PriorityArea.position).label("priority_area_position"),
            col(Action.ref),
            col(Action.description),
            col(Action.lead_id),
            col(lead.name).label("lead"),
            col(Action.due_date),
            col(Action.status),
            col(Action.progress),
            latest.c.text.label("update_text"),
            latest.c.who.label("update_by"),
            latest.c.at.label("update_at"),
        )
        .join(ImprovementPlan, col(ImprovementPlan.id) == col(Action.plan_id))
        .outerjoin(PriorityArea, col(PriorityArea.id) == col(Action.priority_area_id))
        .outerjoin(lead, col(lead.id) == col(Action.lead_id))
        .outerjoin(latest, latest.c.action_id == col(Action.id))
        .where(where)
    )
    return [
        ActionRecord(
            id=ActionId(row.id),
            version=row.version,
            plan_id=row.plan_id,
            plan=row.plan,
            priority_area=row.priority_area or "",
            priority_area_position=None
            if row.priority_area is None
            else row.priority_area_position,
            ref=row.ref,
            description=row.description,
            lead_id=None if row.lead_id is None else PersonId(row.lead_id),
            lead=row.lead or "",
            due_date=row.due_date,
            status=ActionStatus(row.status),
            progress=row.progress,
            update_text=row.update_text or "",
            update_by=row.update_by or "",
            update_at=_as_utc(row.update_at),
        )
        for row in session.connection().execute(query)
    ]


def _as_utc(at: dt.datetime | None) -> dt.datetime | None:
    # Timestamps are stored in UTC; SQLite hands them back without a zone.
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=dt.UTC)
