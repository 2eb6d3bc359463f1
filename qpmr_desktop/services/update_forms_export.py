"""Writing update forms: one XLSX per lead officer with open actions, to fill in and send back.

Contract of :func:`export_update_forms` (the file layout is in ``update_forms``):

* One form per person who leads at least one open action (status other than
  complete), or with ``lead`` only the people of that name (spaces and
  capitals aside). Actions with no lead are on nobody's form. A ``lead`` that
  names nobody who leads any action raises :class:`UpdateFormsExportError`
  (a ``ValueError``) listing those who do, before anything is written; a lead
  whose actions are all complete gets no form (an empty list back).
* The file is named after the officer, the same at every export ("Update
  form – Joanne Heaton.xlsx"), so a new export replaces the previous one;
  two leads whose names give the same file name (ignoring capitals) each get
  their person id added. Each file is written beside its destination and
  moved into place when complete, so a failed export never leaves half a
  file. ``out_dir`` must exist.
* The form's actions are as they stand in one read of the database, with
  the version each was read at; "(overdue)" is judged on ``today``. The
  issue time comes from ``clock`` (aware; recorded in UTC).
* The first export creates this database's identity (``update_forms``); it
  is the only thing an export writes to the database.
* Returns the paths written, in the order of the officers' names.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col

from qpmr_desktop.domain.actions import ActionStatus, is_overdue
from qpmr_desktop.domain.ids import PersonId
from qpmr_desktop.services.audit import Clock, utc_now
from qpmr_desktop.services.sorting import natural_key
from qpmr_desktop.services.update_forms import (
    COLUMN_NUMBERS,
    COLUMNS,
    DATA_SHEET,
    FIRST_ROW,
    FORM_SHEET,
    HEADER_ROW,
    LOCKED_KEYS,
    STATUS_CHOICES,
    ActionRecord,
    FormAction,
    FormMetadata,
    cell_safe,
    ensure_database_identity,
    file_name_for,
    form_date,
    form_time,
    load_actions,
    metadata_rows,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import Action

# Light yellow: the cells an officer fills in. The header also says so in words.
_EDITABLE_FILL = "FFF2CC"
_HEADER_FILL = "D9E1F2"
_LINE_HEIGHT = 15.0  # points per line of the default 11-point font
_MAX_ROW_HEIGHT = 409.0  # the tallest row Excel allows
_COLUMN_WIDTHS = {column.key: column.width for column in COLUMNS}


class UpdateFormsExportError(ValueError):
    """Forms that cannot be exported as asked; ``str(error)`` says why, for a person."""


@dataclass(frozen=True, slots=True)
class _Form:
    path: Path
    metadata: FormMetadata


def export_update_forms(
    *,
    workspace: Workspace,
    out_dir: Path,
    lead: str | None = None,
    today: dt.date,
    clock: Clock = utc_now,
) -> list[Path]:
    """Write the update forms into ``out_dir``; the paths written. See the module contract."""
    issued_at = clock()
    if issued_at.tzinfo is None or issued_at.utcoffset() is None:
        raise ValueError(f"The clock gave a naive time ({issued_at!r}); it must be aware.")
    with workspace.database.session() as session:
        identity = ensure_database_identity(session)
        actions = load_actions(
            session,
            where=col(Action.lead_id).is_not(None) & (col(Action.status) != ActionStatus.COMPLETE),
        )
        if lead is not None:
            actions = _of_lead(session, actions, lead=lead)
    by_lead: dict[PersonId, list[ActionRecord]] = {}
    for action in actions:
        if action.lead_id is not None:  # always so: the query asked for a lead
            by_lead.setdefault(action.lead_id, []).append(action)
    names = {lead_id: rows[0].lead for lead_id, rows in by_lead.items()}
    taken: dict[str, int] = {}
    for name in names.values():
        key = file_name_for(name).casefold()
        taken[key] = taken.get(key, 0) + 1
    forms: list[_Form] = []
    for lead_id in sorted(by_lead, key=lambda lead_id: (names[lead_id].casefold(), lead_id)):
        name = names[lead_id]
        shared = taken[file_name_for(name).casefold()] > 1
        path = Path(out_dir) / file_name_for(name, person_id=lead_id if shared else None)
        rows = tuple(sorted(by_lead[lead_id], key=_tracker_order))
        metadata = FormMetadata(
            database_id=identity.id,
            database_name=workspace.path.name,
            issued_at=issued_at,
            issued_by=workspace.user,
            lead_id=lead_id,
            lead=name,
            actions=tuple(
                _form_action(action, row=FIRST_ROW + index, today=today)
                for index, action in enumerate(rows)
            ),
        )
        forms.append(_Form(path=path, metadata=metadata))
    for form in forms:
        _write_atomically(form, key=identity.signing_key)
    return [form.path for form in forms]


def _of_lead(
    session: Session, open_actions: list[ActionRecord], *, lead: str
) -> list[ActionRecord]:
    """``open_actions`` led by people called ``lead``; see the module contract for errors."""
    wanted = _name_key(lead)
    chosen = [action for action in open_actions if _name_key(action.lead) == wanted]
    if chosen:
        return chosen
    # Nobody of that name has an open action: either all theirs are complete
    # (no form, not an error), or the name is wrong (say who could be meant).
    everyone = load_actions(session, where=col(Action.lead_id).is_not(None))
    if any(_name_key(action.lead) == wanted for action in everyone):
        return []
    leads = sorted({action.lead for action in everyone}, key=str.casefold)
    known = ", ".join(leads) if leads else "nobody"
    raise UpdateFormsExportError(
        f"Nobody called {lead!r} leads an action in this database. Leads: {known}."
    )


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _tracker_order(action: ActionRecord) -> tuple[Any, ...]:
    # The tracker's order (services.actions): plan, priority area, ref.
    return (
        action.plan.casefold(),
        action.plan_id,
        action.priority_area_position is None,
        action.priority_area_position or 0,
        natural_key(action.ref),
        action.id,
    )


def _form_action(action: ActionRecord, *, row: int, today: dt.date) -> FormAction:
    due = ""
    if action.due_date is not None:
        due = form_date(action.due_date)
        if is_overdue(status=action.status, due_date=action.due_date, today=today):
            due += " (overdue)"
    cells = {
        "plan": action.plan,
        "priority_area": action.priority_area,
        "ref": action.ref,
        "description": action.description,
        "due": due,
        "status": action.status.label,
        "progress": f"{action.progress}%",
        "latest_update": action.latest_update,
    }
    return FormAction(
        row=row,
        action_id=action.id,
        version=action.version,
        status=action.status,
        progress=action.progress,
        cells={key: cell_safe(cells[key]) for key in LOCKED_KEYS},
    )


def _write_atomically(form: _Form, *, key: bytes) -> None:
    partial = form.path.with_name(f".{form.path.name}.partial")
    try:
        _write_form(partial, form, key=key)
        os.replace(partial, form.path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def _write_form(path: Path, form: _Form, *, key: bytes) -> None:
    # openpyxl is imported only when a form is written: it is not needed to start the app.
    from openpyxl import Workbook  # type: ignore[import-untyped]  # noqa: PLC0415
    from openpyxl.workbook.protection import (  # type: ignore[import-untyped]  # noqa: PLC0415
        WorkbookProtection,
    )

    metadata = form.metadata
    workbook = Workbook()
    _write_form_sheet(workbook.active, metadata)

    data = workbook.create_sheet(DATA_SHEET)
    _text_cell(
        data,
        1,
        1,
        "QPMR Desktop update form data. Do not change anything here: "
        "the import checks every cell against the checksum.",
    )
    for row_number, values in enumerate(metadata_rows(metadata, key=key), start=2):
        for column_number, value in enumerate(values, start=1):
            _text_cell(data, row_number, column_number, value)
    # Out of sight so it is not edited by accident; the checksum, not this, is the check.
    data.sheet_state = "veryHidden"
    data.protection.sheet = True
    workbook.active = 0
    # Keeps the hidden sheet from being unhidden or deleted in Excel (LibreOffice drops it).
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.properties.title = f"Update form – {metadata.lead}"
    workbook.properties.creator = "QPMR Desktop"
    workbook.save(path)


def _write_form_sheet(sheet: Any, metadata: FormMetadata) -> None:
    from openpyxl.styles import (  # type: ignore[import-untyped]  # noqa: PLC0415
        Alignment,
        Font,
        PatternFill,
        Protection,
    )
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]  # noqa: PLC0415

    sheet.title = FORM_SHEET
    title = _text_cell(sheet, 1, 1, f"Improvement-plan actions: update form for {metadata.lead}")
    title.font = Font(bold=True, size=14)
    for row, text in enumerate(_introduction(metadata), start=2):
        _text_cell(sheet, row, 1, text)

    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    editable_fill = PatternFill("solid", fgColor=_EDITABLE_FILL)
    wrapped = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)
    for number, column in enumerate(COLUMNS, start=1):
        cell = _text_cell(sheet, HEADER_ROW, number, column.header)
        cell.font = Font(bold=True)
        cell.fill = editable_fill if column.editable else header_fill
        cell.alignment = wrapped
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = _row_height(
        {column.key: column.header for column in COLUMNS}
    )
    for action in metadata.actions:
        for name in LOCKED_KEYS:
            cell = _text_cell(sheet, action.row, COLUMN_NUMBERS[name], action.cells[name])
            cell.alignment = wrapped
        # Set, because a spreadsheet does not fit rows to wrapped text when it
        # opens a file (LibreOffice shows them overlapping); at least two lines,
        # so there is room to type.
        sheet.row_dimensions[action.row].height = max(_row_height(action.cells), 2 * _LINE_HEIGHT)
        for column in COLUMNS:
            if column.editable:
                cell = sheet.cell(row=action.row, column=COLUMN_NUMBERS[column.key])
                cell.protection = unlocked
                cell.fill = editable_fill
                cell.alignment = wrapped
                if column.key == "update_text":
                    cell.number_format = "@"  # text: "=…" or "1/2" typed stay as typed
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if metadata.actions:
        last = metadata.actions[-1].row
        ranges = {
            column.key: f"{letter}{FIRST_ROW}:{letter}{last}"
            for column in COLUMNS
            if column.editable
            for letter in [get_column_letter(COLUMN_NUMBERS[column.key])]
        }
        _add_validations(
            sheet, status_cells=ranges["new_status"], progress_cells=ranges["new_progress"]
        )
    _protect(sheet)


def _row_height(texts: Mapping[str, str]) -> float:
    """Points for a row whose cells (by column key) hold ``texts``, wrapped to their widths.

    An estimate: a column's width counts characters of the widest digit, and
    prose is narrower, so a line holds about 1.1 widths of it.
    """
    lines = 1
    for key, text in texts.items():
        per_line = max(1, int(_COLUMN_WIDTHS[key] * 1.1))
        needed = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        lines = max(lines, needed)
    return min(lines * _LINE_HEIGHT, _MAX_ROW_HEIGHT)


def _introduction(metadata: FormMetadata) -> tuple[str, ...]:
    issued = (
        f"Issued {form_time(metadata.issued_at)} from {metadata.database_name}, "
        f"with your {len(metadata.actions)} open action(s) as they stood then."
    )
    how = (
        "For each action you have news of, choose a New status, type the New progress "
        "as a whole number from 0 to 100, and write what has been done under Update. "
        "Leave a cell empty to keep what is there."
    )
    rules = (
        "Only the shaded columns can be changed. Do not add, remove or sort rows; "
        "save the file as .xlsx and send it back."
    )
    return (issued, how, rules)


def _add_validations(sheet: Any, *, status_cells: str, progress_cells: str) -> None:
    from openpyxl.worksheet.datavalidation import (  # type: ignore[import-untyped]  # noqa: PLC0415
        DataValidation,
    )

    statuses = ", ".join(STATUS_CHOICES)
    status = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUS_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="Not a status",
        error=f"Choose one of: {statuses}; or leave it empty.",
        promptTitle="New status",
        prompt="Choose from the list, or leave empty to keep the current status.",
    )
    status.add(status_cells)
    progress = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle="Not a percentage",
        error="Type a whole number from 0 to 100, or leave it empty.",
        promptTitle="New progress %",
        prompt="A whole number from 0 to 100, or empty to keep the current progress.",
    )
    progress.add(progress_cells)
    sheet.add_data_validation(status)
    sheet.add_data_validation(progress)


def _protect(sheet: Any) -> None:
    # No password: a fixed one would be in the source for all to read, and an
    # officer who needs to could remove it anyway. Protection only prevents
    # accidents; the import's checks are what count (see ``update_forms``).
    protection = sheet.protection
    protection.sheet = True
    # True means *forbidden* in this part of the file format. Widening a
    # column or a row to read a long action is harmless; sorting, inserting
    # and deleting rows are not (the import would refuse the form).
    protection.formatColumns = False
    protection.formatRows = False
    protection.sort = True
    protection.autoFilter = True
    protection.insertRows = True
    protection.deleteRows = True
    protection.insertColumns = True
    protection.deleteColumns = True


def _text_cell(sheet: Any, row: int, column: int, text: str) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = cell_safe(text)
    # Text, never a formula: openpyxl would take "=…" in a description as one.
    cell.data_type = "s"
    return cell
