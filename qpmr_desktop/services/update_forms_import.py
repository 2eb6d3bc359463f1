"""Reading returned update forms: a preview of every row, then the changes in one transaction.

Contract of :func:`preview_update_forms` (it changes nothing):

* Every file given (the same file named twice counts once) is read and every
  row listed, in file order then row order, as ``CHANGE``, ``NO_CHANGE`` or
  ``REFUSED``, with its file, its row number on the sheet and the reasons.
* A whole form is refused (``FormFile.problem``; every row it has is listed
  as refused with that reason) when it cannot be read, is not an XLSX
  workbook, is not an update form, is in a format this version does not read,
  was issued by another database, has hidden data that does not match its
  checksum ("tampered"), or has had its column headers changed. A form that
  cannot be opened at all has no rows.
* In a form that passes those checks, a row is refused — with every reason
  that applies, each a sentence that does not repeat the row's plan and ref —
  when: a locked cell differs from what the metadata says was written there
  (the column is named, with both texts); it is not one of the form's actions
  (a row added below them: "unknown ref"); New status is not one of the five
  statuses (any capitals and spacing accepted); New progress % is not a
  whole number from 0 to 100 ("60%" typed as text, and 0.6 in a cell
  formatted as a percentage, both read as 60); an editable cell holds a
  formula; a cell right of the form's columns holds something; or the same
  action is changed by rows of two forms.
* A row that would change its action is also refused when the action is no
  longer in the database ("unknown action"), is now led by someone else, or
  — a **conflict** — was changed in the database after the form was issued
  (its version differs): ``form_state`` (as issued) and ``database_state``
  (now) are given side by side, and nothing is overwritten. A row that would
  change nothing gets these as notes instead, as ``NO_CHANGE``: there is
  nothing to overwrite, and the officer's other rows should not wait on it.
  So does a row whose update is already the action's latest (same status,
  progress, text and officer): the same form imported twice.
* A row is a ``CHANGE`` when it sets a status or a progress other than the
  one the form was issued with, or has update text; otherwise ``NO_CHANGE``.
  Update text is kept exactly as typed, except surrounding blank space
  (line ends become "\\n").

Contract of :func:`apply_update_forms`:

* Refuses (:class:`UpdateFormsRefusedError`, nothing written) when anything
  was refused, unless ``skip_refused``; then applies every ``CHANGE`` row and
  nothing else, all in ONE transaction: all or nothing.
* Each change updates the action's status and progress under its version as
  issued (bumping the version even for update text alone), adds an
  ``action_update`` with the old and new status and progress and the text,
  by the lead named in the form (not the person importing) at the time from
  ``clock``, and writes audit entries (by the person importing) for both.
  An action changed by someone else between the preview and now raises
  ``ConflictError`` and nothing is written: preview again. A preview made on
  another database raises ``NotAllowedError``.
* Returns :class:`UpdateFormsResult` with the counts and the ids written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from qpmr_desktop.domain.actions import ActionStatus
from qpmr_desktop.domain.ids import ActionId
from qpmr_desktop.services.audit import Clock, field_changes, record_audit, utc_now
from qpmr_desktop.services.errors import ConflictError, NotAllowedError
from qpmr_desktop.services.update_forms import (
    COLUMN_NUMBERS,
    COLUMNS,
    DATA_SHEET,
    FIRST_ROW,
    FORM_SHEET,
    HEADER_ROW,
    LOCKED_COLUMNS,
    STATUS_CHOICES,
    ActionRecord,
    DatabaseIdentity,
    FormAction,
    FormDataError,
    FormMetadata,
    ParsedMetadata,
    cell_text,
    checksum_matches,
    database_identity,
    load_actions,
    parse_metadata,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import Action, ActionUpdate
from qpmr_desktop.storage.versioning import (
    RowVersionError,
    StaleRowError,
    table_of,
    update_versioned,
)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the container of old .xls files
_SHOWN = 40  # the longest text a reason quotes before cutting it with "…"
_ID_BATCH = 500  # ids per IN (…): well inside every database's limit on parameters
_LAST_COLUMN = len(COLUMNS)


class RowOutcome(StrEnum):
    CHANGE = "change"
    NO_CHANGE = "no change"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class ActionState:
    """An action's status, progress, latest update and version at one moment."""

    status: ActionStatus
    progress: int
    latest_update: str
    version: int


@dataclass(frozen=True, slots=True)
class FormRow:
    """One row of a returned form and what importing it would do."""

    file: Path
    row: int
    outcome: RowOutcome
    reasons: tuple[str, ...]  # why it is refused; for NO_CHANGE, notes
    action_id: ActionId | None  # None when the row is not one of the form's actions
    plan: str
    ref: str
    description: str
    lead: str  # the officer the form was issued to: the author of the update
    form_version: int | None
    # As issued, and what the action would become: the issued value where a
    # cell is empty (or, in a refused row, not valid). None when not one of
    # the form's actions, or in a refused form.
    old_status: ActionStatus | None
    new_status: ActionStatus | None
    old_progress: int | None
    new_progress: int | None
    text: str
    typed_status: str = ""  # New status and New progress % as they read, valid or not
    typed_progress: str = ""
    form_state: ActionState | None = None  # for a conflict: the action as the form was issued
    database_state: ActionState | None = None  # for a conflict: the action as it is now

    @property
    def is_conflict(self) -> bool:
        return self.database_state is not None


@dataclass(frozen=True, slots=True)
class FormFile:
    """One returned file: whose form it is, when it was issued, and its rows."""

    path: Path
    lead: str  # "" when the form could not be read
    issued_at: dt.datetime | None
    database_name: str
    problem: str | None  # why the whole form is refused, or None
    rows: tuple[FormRow, ...]


@dataclass(frozen=True, slots=True)
class PreviewCounts:
    change: int
    no_change: int
    refused: int  # rows
    refused_files: int


@dataclass(frozen=True, slots=True)
class UpdateFormsPreview:
    files: tuple[FormFile, ...]
    database_id: str | None  # this database's identity when the preview was made

    @property
    def rows(self) -> tuple[FormRow, ...]:
        return tuple(row for form in self.files for row in form.rows)

    @property
    def changes(self) -> tuple[FormRow, ...]:
        return tuple(row for row in self.rows if row.outcome is RowOutcome.CHANGE)

    @property
    def counts(self) -> PreviewCounts:
        outcomes = [row.outcome for row in self.rows]
        return PreviewCounts(
            change=outcomes.count(RowOutcome.CHANGE),
            no_change=outcomes.count(RowOutcome.NO_CHANGE),
            refused=outcomes.count(RowOutcome.REFUSED),
            refused_files=sum(form.problem is not None for form in self.files),
        )

    @property
    def has_refusals(self) -> bool:
        counts = self.counts
        return bool(counts.refused or counts.refused_files)


@dataclass(frozen=True, slots=True)
class UpdateFormsResult:
    applied: int
    unchanged: int
    skipped: int  # refused rows left out with skip_refused
    action_ids: tuple[ActionId, ...] = field(default=())
    update_ids: tuple[int, ...] = field(default=())


class UpdateFormsRefusedError(NotAllowedError):
    """The preview has refused rows and ``skip_refused`` was not given; nothing was written."""


# ------------------------------------------------------------------ preview


@dataclass(frozen=True, slots=True)
class _Cell:
    value: object
    formula: bool
    percent: bool  # a number shown as a percentage: 0.6 means 60


_EMPTY = _Cell(value=None, formula=False, percent=False)


@dataclass(frozen=True, slots=True)
class _ReadForm:
    """What one file gave: a problem with it as a whole, its visible rows, and its metadata.

    ``parsed`` is what the hidden sheet says, trusted only once ``problem`` is
    None after ``_verified``.
    """

    path: Path
    problem: str | None
    rows: Mapping[int, tuple[_Cell, ...]]  # visible rows from FIRST_ROW on, by row number
    parsed: ParsedMetadata | None


def preview_update_forms(*, workspace: Workspace, paths: Sequence[Path]) -> UpdateFormsPreview:
    """What importing ``paths`` would do, row by row; see the module contract."""
    # The first naming of each file, compared resolved: "a.xlsx" and "./x/../a.xlsx" are one.
    unique: dict[Path, Path] = {}
    for path in map(Path, paths):
        unique.setdefault(path.resolve(), path)
    read = [_read_workbook(path) for path in unique.values()]
    with workspace.database.session() as session:
        identity = database_identity(session)
        read = [_verified(form, identity) for form in read]
        ids = sorted(
            {
                action.action_id
                for form in read
                if form.problem is None and form.parsed is not None
                for action in form.parsed.metadata.actions
            }
        )
        records: dict[ActionId, ActionRecord] = {}
        for start in range(0, len(ids), _ID_BATCH):
            batch = ids[start : start + _ID_BATCH]
            records.update(
                (record.id, record)
                for record in load_actions(session, where=col(Action.id).in_(batch))
            )
    files = [_form_file(form, records) for form in read]
    return UpdateFormsPreview(
        files=_refuse_duplicates(files), database_id=None if identity is None else identity.id
    )


def _read_workbook(path: Path) -> _ReadForm:
    """The file's visible rows and unverified metadata, or the problem that stops reading it."""
    problem = _file_kind_problem(path)
    if problem is not None:
        return _unreadable(path, problem)
    # openpyxl is imported only when a form is read: it is not needed to start the app.
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # noqa: PLC0415
    from openpyxl.utils.exceptions import (  # type: ignore[import-untyped]  # noqa: PLC0415
        InvalidFileException,
    )

    try:
        # From an open file, so that a form is judged by its contents, not by
        # the suffix its name was given (openpyxl checks the suffix of a path).
        with path.open("rb") as file:
            workbook = load_workbook(file, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        # What openpyxl raises for a damaged ZIP file or one that is not a workbook.
        return _unreadable(path, f"is damaged or not an XLSX workbook ({error}).")
    try:
        missing = [name for name in (FORM_SHEET, DATA_SHEET) if name not in workbook.sheetnames]
        if missing:
            names = " or ".join(repr(name) for name in missing)
            return _unreadable(path, f"is not a QPMR Desktop update form: it has no {names} sheet.")
        rows = _visible_rows(workbook[FORM_SHEET])
        data_rows = list(workbook[DATA_SHEET].iter_rows(values_only=True))
    finally:
        workbook.close()
    data_part = {number: row for number, row in rows.items() if number >= FIRST_ROW}
    problem = _header_problem(rows.get(HEADER_ROW, ()))
    if problem is not None:
        return _ReadForm(path=path, problem=problem, rows=data_part, parsed=None)
    try:
        parsed = parse_metadata(data_rows)
    except FormDataError as error:
        problem = f"cannot be trusted as an update form: {error} Export a new form."
        return _ReadForm(path=path, problem=problem, rows=data_part, parsed=None)
    return _ReadForm(path=path, problem=None, rows=data_part, parsed=parsed)


def _file_kind_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an XLSX workbook, judged by its first bytes; None if it may be."""
    try:
        with path.open("rb") as file:
            magic = file.read(4)
    except OSError as error:
        return f"cannot be read: {error.strerror or error}."
    if magic == _OLE_MAGIC:
        return (
            "is an old Excel 97–2003 workbook (.xls); forms are .xlsx. Open it, save it "
            "as an Excel Workbook (.xlsx) and import that."
        )
    if magic != _ZIP_MAGIC:
        return "is not an XLSX workbook, so it cannot be an update form."
    return None


def _unreadable(path: Path, problem: str) -> _ReadForm:
    return _ReadForm(path=path, problem=problem, rows={}, parsed=None)


def _visible_rows(sheet: Any) -> dict[int, tuple[_Cell, ...]]:
    """Every row from the header on that holds anything, as cells that remember formulas."""
    rows: dict[int, tuple[_Cell, ...]] = {}
    for cells in sheet.iter_rows(min_row=HEADER_ROW):
        row = tuple(
            _Cell(
                value=cell.value,
                formula=cell.data_type == "f",
                percent="%" in str(cell.number_format or ""),
            )
            for cell in cells
        )
        if any(cell_text(cell.value).strip() for cell in row):
            rows[cells[0].row] = row
    return rows


def _header_problem(header: Sequence[_Cell]) -> str | None:
    for number, column in enumerate(COLUMNS, start=1):
        found = cell_text(_cell_at(header, number).value)
        if found != column.header:
            return (
                f"has had its columns changed (column {_letter(number)} should be "
                f"{column.header!r}, not {_fit(found)!r}), so its rows cannot be read safely. "
                "Export a new form."
            )
    return None


def _verified(form: _ReadForm, identity: DatabaseIdentity | None) -> _ReadForm:
    """``form`` with a problem if it is from another database or its checksum fails."""
    if form.problem is not None or form.parsed is None:
        return form
    metadata = form.parsed.metadata
    if identity is None or metadata.database_id != identity.id:
        never = "; this database has never issued a form" if identity is None else ""
        problem = (
            f"was issued by another database ({metadata.database_name}, id "
            f"{metadata.database_id}){never}. Import it into the database it came from, or "
            "export new forms from this one."
        )
        return replace(form, problem=problem)
    if not checksum_matches(metadata, form.parsed.stated_checksum, key=identity.signing_key):
        problem = (
            "has been tampered with: its hidden data does not match its checksum, so none of "
            "it can be trusted. Export a new form."
        )
        return replace(form, problem=problem)
    return form


def _form_file(form: _ReadForm, records: Mapping[ActionId, ActionRecord]) -> FormFile:
    parsed = form.parsed
    if form.problem is not None or parsed is None:
        problem = form.problem or "cannot be read."
        rows = tuple(
            _refused_as_read(form.path, number, cells, problem)
            for number, cells in sorted(form.rows.items())
        )
        return FormFile(
            path=form.path,
            lead=parsed.metadata.lead if parsed else "",
            issued_at=parsed.metadata.issued_at if parsed else None,
            database_name=parsed.metadata.database_name if parsed else "",
            problem=problem,
            rows=rows,
        )
    metadata = parsed.metadata
    by_row = {action.row: action for action in metadata.actions}
    rows_out: list[FormRow] = []
    for number in sorted(set(by_row) | set(form.rows)):
        cells = form.rows.get(number, ())
        action = by_row.get(number)
        if action is None:
            rows_out.append(_added_row(form.path, number, cells))
        else:
            rows_out.append(
                _judge_row(form.path, cells, action, metadata, records.get(action.action_id))
            )
    return FormFile(
        path=form.path,
        lead=metadata.lead,
        issued_at=metadata.issued_at,
        database_name=metadata.database_name,
        problem=None,
        rows=tuple(rows_out),
    )


def _refused_as_read(path: Path, number: int, cells: Sequence[_Cell], problem: str) -> FormRow:
    """A row of a refused form, described by what its cells say (which cannot be trusted)."""
    return FormRow(
        file=path,
        row=number,
        outcome=RowOutcome.REFUSED,
        reasons=(problem,),
        action_id=None,
        plan=_text_at(cells, "plan"),
        ref=_text_at(cells, "ref"),
        description=_text_at(cells, "description"),
        lead="",
        form_version=None,
        old_status=None,
        new_status=None,
        old_progress=None,
        new_progress=None,
        text="",
    )


def _added_row(path: Path, number: int, cells: Sequence[_Cell]) -> FormRow:
    ref = _text_at(cells, "ref")
    named = f" (ref {_fit(ref)!r})" if ref else ""
    reason = (
        f"unknown ref: row {number}{named} is not one of the actions the form was issued "
        "with; rows cannot be added to a form."
    )
    return replace(_refused_as_read(path, number, cells, reason), reasons=(reason,))


def _judge_row(
    path: Path,
    cells: Sequence[_Cell],
    action: FormAction,
    metadata: FormMetadata,
    record: ActionRecord | None,
) -> FormRow:
    reasons = _locked_cell_changes(cells, action)
    reasons += _cells_outside(cells, action.row)
    new_status, status_problem = _new_status(_cell_at(cells, COLUMN_NUMBERS["new_status"]))
    new_progress, progress_problem = _new_progress(_cell_at(cells, COLUMN_NUMBERS["new_progress"]))
    text, text_problem = _update_text(_cell_at(cells, COLUMN_NUMBERS["update_text"]))
    reasons += [problem for problem in (status_problem, progress_problem, text_problem) if problem]
    status_after = new_status or action.status
    progress_after = action.progress if new_progress is None else new_progress
    has_change = status_after != action.status or progress_after != action.progress or bool(text)
    form_state = ActionState(
        status=action.status,
        progress=action.progress,
        latest_update=action.cells["latest_update"],
        version=action.version,
    )
    database_state: ActionState | None = None
    notes: list[str] = []
    # What the database says now matters only to a row that would change it:
    # a row left alone is never a reason to refuse the officer's other news.
    objections = reasons if has_change else notes
    if record is None:
        objections.append(
            f"unknown action: it (id {action.action_id}) is no longer in the database."
        )
    else:
        if record.lead_id != metadata.lead_id:
            objections.append(
                f"another lead's action: it is now led by {record.lead or 'nobody'}, "
                f"not {metadata.lead}."
            )
        if record.version != action.version:
            changed = (
                "it was changed in the database after the form was issued "
                f"(version {action.version} then, {record.version} now)"
            )
            if not has_change:
                notes.append(f"{changed}; this row changes nothing, so there is no conflict.")
            elif _already_imported(record, metadata.lead, status_after, progress_after, text):
                has_change = False
                notes.append(
                    "already imported: the database's latest update is this one "
                    f"({record.latest_update})."
                )
            else:
                database_state = ActionState(
                    status=record.status,
                    progress=record.progress,
                    latest_update=record.latest_update,
                    version=record.version,
                )
                reasons.append(
                    f"conflict: {changed}, and this row would overwrite that change. Compare "
                    "the two, then enter the update by hand or send a new form."
                )
    if reasons:
        outcome = RowOutcome.REFUSED
    elif has_change:
        outcome = RowOutcome.CHANGE
    else:
        outcome = RowOutcome.NO_CHANGE
    return FormRow(
        file=path,
        row=action.row,
        outcome=outcome,
        reasons=tuple(reasons) if reasons else tuple(notes),
        action_id=action.action_id,
        plan=action.cells["plan"],
        ref=action.cells["ref"],
        description=action.cells["description"],
        lead=metadata.lead,
        form_version=action.version,
        old_status=action.status,
        new_status=status_after,
        old_progress=action.progress,
        new_progress=progress_after,
        text=text,
        typed_status=cell_text(_cell_at(cells, COLUMN_NUMBERS["new_status"]).value).strip(),
        typed_progress=cell_text(_cell_at(cells, COLUMN_NUMBERS["new_progress"]).value).strip(),
        form_state=form_state if database_state is not None else None,
        database_state=database_state,
    )


def _already_imported(
    record: ActionRecord, lead: str, status: ActionStatus, progress: int, text: str
) -> bool:
    """Whether the action's latest update is exactly this row's: the same form sent twice."""
    return (
        record.status == status
        and record.progress == progress
        and record.update_at is not None
        and record.update_by == lead
        and record.update_text == text
    )


def _locked_cell_changes(cells: Sequence[_Cell], action: FormAction) -> list[str]:
    reasons = []
    for column in LOCKED_COLUMNS:
        cell = _cell_at(cells, COLUMN_NUMBERS[column.key])
        found = cell_text(cell.value)
        issued = action.cells[column.key]
        if cell.formula or found != issued:
            reasons.append(
                f"the locked column {column.header} was changed: the form was issued with "
                f"{_fit(issued)!r}, it now says {_fit(found)!r}."
            )
    return reasons


def _cells_outside(cells: Sequence[_Cell], row: int) -> list[str]:
    return [
        f"cell {_letter(number)}{row} is outside the form's columns and must be empty."
        for number, cell in enumerate(cells[_LAST_COLUMN:], start=_LAST_COLUMN + 1)
        if cell_text(cell.value).strip()
    ]


def _new_status(cell: _Cell) -> tuple[ActionStatus | None, str | None]:
    if cell.formula:
        return None, _formula_problem("New status")
    typed = " ".join(cell_text(cell.value).split())
    if not typed:
        return None, None
    for status in ActionStatus:
        if typed.casefold() == status.value:
            return status, None
    choices = ", ".join(STATUS_CHOICES)
    return None, f"New status {_fit(typed)!r} is not a status: choose one of {choices}."


def _new_progress(cell: _Cell) -> tuple[int | None, str | None]:
    if cell.formula:
        return None, _formula_problem("New progress %")
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    amount: Decimal | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        with contextlib.suppress(InvalidOperation):
            amount = Decimal(repr(value)) * (100 if cell.percent else 1)
    elif isinstance(value, str):
        # "60" or "60%" typed into a cell that a program made text.
        with contextlib.suppress(InvalidOperation):
            amount = Decimal(value.strip().removesuffix("%").strip())
    if amount is not None and amount.is_finite() and amount == amount.to_integral_value():
        whole = int(amount)
        if 0 <= whole <= 100:
            return whole, None
    shown = f"{value:g}%" if cell.percent and isinstance(value, float) else cell_text(value)
    return None, f"New progress % must be a whole number from 0 to 100, not {_fit(shown)!r}."


def _update_text(cell: _Cell) -> tuple[str, str | None]:
    if cell.formula:
        return "", _formula_problem("Update")
    return cell_text(cell.value).strip(), None


def _formula_problem(header: str) -> str:
    return f"{header} holds a formula; type the value itself."


def _refuse_duplicates(files: Iterable[FormFile]) -> tuple[FormFile, ...]:
    """Refuse every change to an action that rows of more than one place would change."""
    files = tuple(files)
    places: dict[ActionId, list[FormRow]] = {}
    for row in (row for form in files for row in form.rows):
        if row.outcome is RowOutcome.CHANGE and row.action_id is not None:
            places.setdefault(row.action_id, []).append(row)
    twice = {action_id: rows for action_id, rows in places.items() if len(rows) > 1}
    if not twice:
        return files

    def judged(row: FormRow) -> FormRow:
        others = [other for other in twice.get(row.action_id or ActionId(0), []) if other != row]
        if row.outcome is not RowOutcome.CHANGE or not others:
            return row
        where = "; ".join(f"{other.file.name} row {other.row}" for other in others)
        reason = f"the same action is also changed by {where}: import only one of them."
        return replace(row, outcome=RowOutcome.REFUSED, reasons=(reason,))

    return tuple(replace(form, rows=tuple(judged(row) for row in form.rows)) for form in files)


def _cell_at(cells: Sequence[_Cell], number: int) -> _Cell:
    return cells[number - 1] if number <= len(cells) else _EMPTY


def _text_at(cells: Sequence[_Cell], key: str) -> str:
    return cell_text(_cell_at(cells, COLUMN_NUMBERS[key]).value)


def _letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _fit(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SHOWN else flat[: _SHOWN - 1].rstrip() + "…"


# ------------------------------------------------------------------ apply


def apply_update_forms(
    *,
    workspace: Workspace,
    preview: UpdateFormsPreview,
    skip_refused: bool = False,
    clock: Clock = utc_now,
) -> UpdateFormsResult:
    """Apply the preview's changes in one transaction; see the module contract."""
    counts = preview.counts
    if preview.has_refusals and not skip_refused:
        refused = counts.refused + counts.refused_files
        raise UpdateFormsRefusedError(
            f"{refused} row(s) or form(s) were refused; nothing was imported. Correct them, "
            "or import the rest without them."
        )
    at = clock()
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"The clock gave a naive time ({at!r}); it must be aware.")
    changes = preview.changes
    update_ids: list[int] = []
    with workspace.database.session() as session:
        identity = database_identity(session)
        if changes and (identity is None or identity.id != preview.database_id):
            raise NotAllowedError(
                "This preview was made on another database; preview the forms again here."
            )
        update_ids.extend(
            apply_form_row(session, row=row, importer=workspace.user, at=at) for row in changes
        )
    return UpdateFormsResult(
        applied=len(changes),
        unchanged=counts.no_change,
        skipped=counts.refused,
        action_ids=tuple(row.action_id for row in changes if row.action_id is not None),
        update_ids=tuple(update_ids),
    )


def apply_form_row(session: Session, *, row: FormRow, importer: str, at: dt.datetime) -> int:
    """Write one ``CHANGE`` row in the caller's transaction; the new ``action_update`` id.

    The one place that changes an action from a form: when the action editing
    service exists, this should call it, keeping ``who`` (the officer), the
    version check and the audit entries as they are here.
    """
    if (
        row.outcome is not RowOutcome.CHANGE
        or row.action_id is None
        or row.form_version is None
        or row.old_status is None
        or row.new_status is None
        or row.old_progress is None
        or row.new_progress is None
    ):
        raise ValueError(f"Only a complete CHANGE row can be applied, not {row!r}.")
    before = {"status": row.old_status, "progress": row.old_progress}
    after = {"status": row.new_status, "progress": row.new_progress}
    changes = field_changes(before, after)
    try:
        # Bumped even for update text alone, so that a form or a window that
        # read the action before this update is told that it has changed.
        update_versioned(
            session,
            Action,
            row.action_id,
            expected_version=row.form_version,
            changes={name: pair["new"] for name, pair in changes.items()},
        )
    except RowVersionError as error:
        actual = error.actual_version if isinstance(error, StaleRowError) else None
        raise ConflictError(
            f"{row.plan} {row.ref} was changed by someone else after the forms were previewed "
            f"({row.file.name}, row {row.row}); nothing was imported. Preview them again.",
            table=Action.__tablename__,
            row_id=row.action_id,
            expected_version=row.form_version,
            actual_version=actual,
        ) from error
    update_values: dict[str, object] = {
        "action_id": row.action_id,
        "text": row.text,
        "old_status": row.old_status,
        "new_status": row.new_status,
        "old_progress": row.old_progress,
        "new_progress": row.new_progress,
        "who": row.lead,
        "at": at.astimezone(dt.UTC),
        "is_sample": False,
    }
    result = session.connection().execute(sa.insert(table_of(ActionUpdate)).values(update_values))
    (update_id,) = result.inserted_primary_key or (None,)
    if update_id is None:  # every supported database returns the new key
        raise RuntimeError("The database did not return the new action update's id.")
    source = f"update form {row.file.name}, row {row.row}, from {row.lead}"
    context = {"plan": row.plan, "ref": row.ref, "source": source}
    record_audit(
        session,
        who=importer,
        table=Action.__tablename__,
        row_id=row.action_id,
        change="update",
        details={**context, "fields": changes},
        clock=lambda: at,
    )
    recorded = {key: value for key, value in update_values.items() if key != "at"}
    record_audit(
        session,
        who=importer,
        table=ActionUpdate.__tablename__,
        row_id=int(update_id),
        change="create",
        details={**context, "fields": field_changes({}, recorded)},
        clock=lambda: at,
    )
    return int(update_id)
