"""Update forms: export on the demo, filled in as an officer would, and every refusal on import.

Forms are filled in with openpyxl, which (like Excel) keeps the sheet
protection, the validations and the hidden sheet when it saves. The helpers
at the top are shared with the command-line and LibreOffice tests.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import col

from qpmr_desktop.domain.actions import ActionStatus
from qpmr_desktop.domain.ids import ActionId
from qpmr_desktop.services.actions import list_action_rows
from qpmr_desktop.services.audit import list_audit
from qpmr_desktop.services.errors import ConflictError
from qpmr_desktop.services.update_forms import (
    COLUMN_NUMBERS,
    DATA_SHEET,
    DATABASE_ID_KEY,
    FIRST_ROW,
    FORM_SHEET,
    HEADER_ROW,
    SIGNING_KEY_KEY,
    checksum_matches,
    database_identity,
    file_name_for,
    parse_metadata,
)
from qpmr_desktop.services.update_forms_export import (
    UpdateFormsExportError,
    export_update_forms,
)
from qpmr_desktop.services.update_forms_import import (
    RowOutcome,
    UpdateFormsPreview,
    UpdateFormsRefusedError,
    apply_update_forms,
    preview_update_forms,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import Action, ActionUpdate, AuditEntry, Person, Setting
from qpmr_desktop.storage.versioning import table_of, update_versioned

TODAY = dt.date(2017, 12, 1)
ISSUED = dt.datetime(2017, 12, 1, 9, 30, tzinfo=dt.UTC)
IMPORTED = dt.datetime(2017, 12, 8, 14, 0, tzinfo=dt.UTC)
JOANNE = "Joanne Heaton"
TWELVE_WEEK = "12-Week Improvement Plan"
OVERARCHING = "Overarching Improvement Plan"
DEMO_LEADS = (
    "Anita Sutcliffe",
    "Joanne Heaton",
    "Karen Ormerod",
    "Mark Threlfall",
    "Paul Fairclough",
    "Simon Haworth",
)
# Markup, quotes, emoji, Polish, Cyrillic, Arabic, a formula-like start and a line break.
HOSTILE = "=SUM(A1) <script>&amp; \"quoted\" 'single' 😀 Żółć Жж مرحبا\nsecond line"

# ------------------------------------------------------------------ helpers, shared


def export(workspace: Workspace, out_dir: Path, *, lead: str | None = None) -> list[Path]:
    return export_update_forms(
        workspace=workspace, out_dir=out_dir, lead=lead, today=TODAY, clock=lambda: ISSUED
    )


def form_of(out_dir: Path, lead: str = JOANNE) -> Path:
    return out_dir / file_name_for(lead)


def row_of(path: Path, ref: str, plan: str = TWELVE_WEEK) -> int:
    """The sheet row of the action ``ref`` of ``plan`` on the form at ``path``."""
    workbook = load_workbook(path)
    sheet = workbook[FORM_SHEET]
    for row in range(FIRST_ROW, sheet.max_row + 1):
        cells = (
            sheet.cell(row=row, column=COLUMN_NUMBERS["plan"]).value,
            sheet.cell(row=row, column=COLUMN_NUMBERS["ref"]).value,
        )
        if cells == (plan, ref):
            return row
    raise AssertionError(f"{plan} {ref} is not on {path.name}")


def fill(path: Path, edits: Mapping[int, Mapping[str, object]], *, as_text: bool = True) -> None:
    """Type ``{row: {column key: value}}`` into the form as an officer would, and save it.

    Strings are typed as text (as Excel keeps what is typed into a text
    cell); ``as_text=False`` lets openpyxl take "=…" as a formula.
    """
    workbook = load_workbook(path)
    sheet = workbook[FORM_SHEET]
    for row, cells in edits.items():
        for key, value in cells.items():
            cell = sheet.cell(row=row, column=COLUMN_NUMBERS[key])
            cell.value = value
            if as_text and isinstance(value, str):
                cell.data_type = "s"
    workbook.save(path)


def edit_sheet(path: Path, sheet_name: str, edit: Callable[[Any], None]) -> None:
    workbook = load_workbook(path)
    edit(workbook[sheet_name])
    workbook.save(path)


def preview(workspace: Workspace, *paths: Path) -> UpdateFormsPreview:
    return preview_update_forms(workspace=workspace, paths=list(paths))


def outcomes(planned: UpdateFormsPreview) -> list[tuple[str, int, RowOutcome]]:
    return [(row.file.name, row.row, row.outcome) for row in planned.rows]


def action_id(workspace: Workspace, ref: str, plan: str = TWELVE_WEEK) -> ActionId:
    for row in list_action_rows(workspace=workspace, today=TODAY):
        if (row.plan, row.ref) == (plan, ref):
            return row.id
    raise AssertionError(f"no action {plan} {ref}")


def snapshot(workspace: Workspace) -> tuple[list[tuple[Any, ...]], ...]:
    """Everything an import may change: actions, their updates, the audit trail, settings."""
    with workspace.database.session() as session:
        connection = session.connection()
        return tuple(
            [tuple(row) for row in connection.execute(sa.select(table_of(table)))]
            for table in (Action, ActionUpdate, AuditEntry, Setting)
        )


def set_action(workspace: Workspace, ident: int, **changes: object) -> None:
    """Change an action as the app would: under its version, bumping it."""
    with workspace.database.session() as session:
        version = (
            session.connection()
            .execute(sa.select(col(Action.version)).where(col(Action.id) == ident))
            .scalar_one()
        )
        update_versioned(session, Action, ident, expected_version=version, changes=changes)


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="clerk")
    yield workspace
    workspace.close()


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    return folder


@pytest.fixture
def joanne(demo: Workspace, out_dir: Path) -> Path:
    """Joanne Heaton's form, exported from the demo."""
    export(demo, out_dir, lead=JOANNE)
    return form_of(out_dir)


# ------------------------------------------------------------------ export


def test_one_form_per_lead_with_open_actions(demo: Workspace, out_dir: Path) -> None:
    written = export(demo, out_dir)
    assert [path.name for path in written] == [f"Update form – {lead}.xlsx" for lead in DEMO_LEADS]
    assert sorted(out_dir.iterdir()) == sorted(written)  # no partial files left behind
    open_by_lead: dict[str, list[tuple[str, str]]] = {}
    for row in list_action_rows(workspace=demo, today=TODAY):
        if row.status is not ActionStatus.COMPLETE:
            open_by_lead.setdefault(row.lead, []).append((row.plan, row.ref))
    for lead in DEMO_LEADS:
        sheet = load_workbook(form_of(out_dir, lead))[FORM_SHEET]
        on_form = [
            (sheet.cell(row=row, column=1).value, sheet.cell(row=row, column=3).value)
            for row in range(FIRST_ROW, sheet.max_row + 1)
        ]
        assert on_form == open_by_lead[lead], lead  # the tracker's order, complete ones left out


def test_the_form_shows_the_actions_as_they_stand(joanne: Path) -> None:
    sheet = load_workbook(joanne)[FORM_SHEET]
    assert sheet.title == FORM_SHEET
    assert sheet["A1"].value == "Improvement-plan actions: update form for Joanne Heaton"
    assert sheet["A2"].value.startswith("Issued 1 Dec 2017 09:30 UTC from demo.qpmr")
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert headers == [
        "Plan",
        "Priority area",
        "Ref",
        "Action",
        "Due",
        "Current status",
        "Current progress",
        "Latest update",
        "New status",
        "New progress %",
        "Update",
    ]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=FIRST_ROW)]
    assert [row[:3] for row in rows] == [
        [TWELVE_WEEK, "MASH/Early Help", "1.2"],
        [TWELVE_WEEK, "MASH/Early Help", "1.3"],
        [OVERARCHING, "Prevention", "1.1"],
        [OVERARCHING, "Prevention", "1.2"],
    ]
    first, second = rows[0], rows[1]
    assert first[3].startswith("Hold a daily MASH management oversight meeting")
    assert first[4:8] == ["30 Nov 2017 (overdue)", "On track", "60%", None]
    assert second[4:7] == ["31 Jan 2018", "At risk", "30%"]
    assert second[7] == (
        "Early Help capacity reduced by vacancies; the panel meets fortnightly until "
        "recruitment is complete. — Joanne Heaton, 13 Oct 2017"
    )
    assert all(row[8:] == [None, None, None] for row in rows)


def test_only_the_three_update_columns_can_be_edited(joanne: Path) -> None:
    workbook = load_workbook(joanne)
    sheet = workbook[FORM_SHEET]
    assert sheet.protection.sheet
    assert not sheet.protection.password  # a guard against accidents, not security
    # True forbids: sorting, inserting and deleting rows would break the form.
    assert (sheet.protection.sort, sheet.protection.insertRows, sheet.protection.deleteRows) == (
        True,
        True,
        True,
    )
    editable = {COLUMN_NUMBERS[key] for key in ("new_status", "new_progress", "update_text")}
    for row in range(1, FIRST_ROW + 4):
        for column in range(1, len(COLUMN_NUMBERS) + 2):
            locked = sheet.cell(row=row, column=column).protection.locked
            assert locked is not (row >= FIRST_ROW and column in editable), (row, column)

    validations = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert set(validations) == {"list", "whole"}
    status = validations["list"]
    assert status.formula1 == '"Not started,On track,At risk,Off track,Complete"'
    assert str(status.sqref) == "I7:I10"
    assert (status.allow_blank, status.showErrorMessage) == (True, True)
    progress = validations["whole"]
    assert (progress.operator, progress.formula1, progress.formula2) == ("between", "0", "100")
    assert str(progress.sqref) == "J7:J10"


def test_the_metadata_is_hidden_text_under_a_checksum(demo: Workspace, joanne: Path) -> None:
    workbook = load_workbook(joanne)
    assert workbook.sheetnames == [FORM_SHEET, DATA_SHEET]
    data = workbook[DATA_SHEET]
    assert data.sheet_state == "veryHidden"
    assert data.protection.sheet
    values = [cell.value for row in data.iter_rows() for cell in row if cell.value is not None]
    assert all(isinstance(value, str) for value in values)  # text: nothing to turn into floats

    parsed = parse_metadata(list(data.iter_rows(values_only=True)))
    metadata = parsed.metadata
    assert (metadata.lead, metadata.issued_at, metadata.issued_by) == (JOANNE, ISSUED, "clerk")
    assert metadata.database_name == "demo.qpmr"
    assert [(a.row, a.action_id, a.version) for a in metadata.actions] == [
        (7, action_id(demo, "1.2"), 1),
        (8, action_id(demo, "1.3"), 1),
        (9, action_id(demo, "1.1", OVERARCHING), 1),
        (10, action_id(demo, "1.2", OVERARCHING), 1),
    ]
    assert metadata.actions[0].cells["due"] == "30 Nov 2017 (overdue)"
    with demo.database.session() as session:
        identity = database_identity(session)
    assert identity is not None
    assert metadata.database_id == identity.id
    assert parsed.stated_checksum.startswith("hmac-sha256:")
    assert checksum_matches(metadata, parsed.stated_checksum, key=identity.signing_key)
    assert not checksum_matches(metadata, parsed.stated_checksum, key=b"another key")


def test_the_database_identity_is_made_once(demo: Workspace, out_dir: Path) -> None:
    def settings() -> dict[str, str]:
        with demo.database.session() as session:
            rows = session.connection().execute(sa.select(col(Setting.key), col(Setting.value)))
            return {key: value for key, value in rows if key in {DATABASE_ID_KEY, SIGNING_KEY_KEY}}

    assert settings() == {}
    first = export(demo, out_dir)
    made = settings()
    assert set(made) == {DATABASE_ID_KEY, SIGNING_KEY_KEY}
    assert len(bytes.fromhex(made[SIGNING_KEY_KEY])) == 32
    again = export(demo, out_dir)
    assert settings() == made
    assert again == first  # the same names: the new forms replace the old


def test_one_lead_by_name(demo: Workspace, out_dir: Path) -> None:
    assert export(demo, out_dir, lead="  joanne   HEATON ") == [form_of(out_dir)]
    assert list(out_dir.iterdir()) == [form_of(out_dir)]


def test_an_unknown_lead_is_refused_before_anything_is_written(
    demo: Workspace, out_dir: Path
) -> None:
    with pytest.raises(UpdateFormsExportError, match=r"Nobody called 'Jo Heaton'.*Joanne Heaton"):
        export(demo, out_dir, lead="Jo Heaton")
    assert list(out_dir.iterdir()) == []


def test_a_lead_with_every_action_complete_gets_no_form(demo: Workspace, out_dir: Path) -> None:
    with demo.database.session() as session:
        karen = (
            session.connection()
            .execute(sa.select(col(Person.id)).where(col(Person.name) == "Karen Ormerod"))
            .scalar_one()
        )
        session.connection().execute(
            sa.update(table_of(Action))
            .where(col(Action.lead_id) == karen)
            .values(status=ActionStatus.COMPLETE)
        )
    assert export(demo, out_dir, lead="Karen Ormerod") == []
    assert "Karen Ormerod" not in " ".join(path.name for path in export(demo, out_dir))


def test_two_leads_of_the_same_name_get_their_ids(demo: Workspace, out_dir: Path) -> None:
    with demo.database.session() as session:
        connection = session.connection()
        simon = connection.execute(
            sa.select(col(Person.id)).where(col(Person.name) == "Simon Haworth")
        ).scalar_one()
        # Paul is renamed to Simon in other capitals: the same file on Windows and macOS.
        paul = connection.execute(
            sa.select(col(Person.id)).where(col(Person.name) == "Paul Fairclough")
        ).scalar_one()
        connection.execute(
            sa.update(table_of(Person)).where(col(Person.id) == paul).values(name="SIMON HAWORTH")
        )
    names = {path.name for path in export(demo, out_dir)}
    assert f"Update form – Simon Haworth (id {simon}).xlsx" in names
    assert f"Update form – SIMON HAWORTH (id {paul}).xlsx" in names


def test_file_names_are_safe_everywhere() -> None:
    assert file_name_for("Joanne Heaton") == "Update form – Joanne Heaton.xlsx"
    assert file_name_for('A/B: "C" <D>?*|\\ E.') == "Update form – A_B_ _C_ _D_____ E.xlsx"
    assert file_name_for("Żółć  Жж\tmoo") == "Update form – Żółć Жж moo.xlsx"
    assert file_name_for("...") == "Update form – unnamed.xlsx"
    assert len(file_name_for("x" * 500)) < 120


def test_hostile_text_in_locked_cells_is_written_as_text_and_reads_back_unchanged(
    demo: Workspace, out_dir: Path
) -> None:
    written = HOSTILE + "\r\nbell\x07 and a Windows line end"
    set_action(demo, action_id(demo, "1.2"), description=written)
    export(demo, out_dir, lead=JOANNE)
    cell = load_workbook(form_of(out_dir))[FORM_SHEET].cell(row=7, column=4)
    assert cell.data_type == "s"  # text, not a formula
    assert cell.value == HOSTILE + "\nbell\ufffd and a Windows line end"
    planned = preview(demo, form_of(out_dir))
    assert [row.outcome for row in planned.rows] == [RowOutcome.NO_CHANGE] * 4


# ------------------------------------------------------------------ import


def test_a_filled_in_form_is_applied_as_updates_by_its_officer(
    demo: Workspace, joanne: Path
) -> None:
    fill(
        joanne,
        {
            7: {"new_status": "At risk", "new_progress": 65, "update_text": f"  {HOSTILE}  "},
            8: {"new_progress": 35},
            9: {"update_text": "Children's centres consulted."},
            10: {"new_status": "Not started"},  # the same status again: nothing to do
        },
    )
    before = snapshot(demo)
    planned = preview(demo, joanne)
    assert snapshot(demo) == before  # a preview changes nothing
    assert outcomes(planned) == [
        (joanne.name, 7, RowOutcome.CHANGE),
        (joanne.name, 8, RowOutcome.CHANGE),
        (joanne.name, 9, RowOutcome.CHANGE),
        (joanne.name, 10, RowOutcome.NO_CHANGE),
    ]
    (form,) = planned.files
    assert (form.lead, form.issued_at, form.problem) == (JOANNE, ISSUED, None)
    first = planned.rows[0]
    assert (first.old_status, first.new_status) == (ActionStatus.ON_TRACK, ActionStatus.AT_RISK)
    assert (first.old_progress, first.new_progress, first.text) == (60, 65, HOSTILE)

    result = apply_update_forms(workspace=demo, preview=planned, clock=lambda: IMPORTED)
    assert (result.applied, result.unchanged, result.skipped) == (3, 1, 0)
    ids = [action_id(demo, "1.2"), action_id(demo, "1.3"), action_id(demo, "1.1", OVERARCHING)]
    assert list(result.action_ids) == ids

    with demo.database.session() as session:
        connection = session.connection()
        actions = {
            row.id: (row.status, row.progress, row.version)
            for row in connection.execute(
                sa.select(
                    col(Action.id), col(Action.status), col(Action.progress), col(Action.version)
                )
            )
        }
        updates = connection.execute(
            sa.select(table_of(ActionUpdate))
            .where(col(ActionUpdate.id).in_(result.update_ids))
            .order_by(col(ActionUpdate.id))
        ).all()
    assert actions[ids[0]] == (ActionStatus.AT_RISK, 65, 2)
    assert actions[ids[1]] == (ActionStatus.AT_RISK, 35, 2)
    assert actions[ids[2]] == (ActionStatus.ON_TRACK, 20, 2)  # a note alone bumps the version
    assert [
        (u.action_id, u.text, u.old_status, u.new_status, u.old_progress, u.new_progress, u.who)
        for u in updates
    ] == [
        (ids[0], HOSTILE, ActionStatus.ON_TRACK, ActionStatus.AT_RISK, 60, 65, JOANNE),
        (ids[1], "", ActionStatus.AT_RISK, ActionStatus.AT_RISK, 30, 35, JOANNE),
        (
            ids[2],
            "Children's centres consulted.",
            ActionStatus.ON_TRACK,
            ActionStatus.ON_TRACK,
            20,
            20,
            JOANNE,
        ),
    ]
    assert all(u.at.replace(tzinfo=dt.UTC) == IMPORTED and not u.is_sample for u in updates)

    tracker = {row.id: row for row in list_action_rows(workspace=demo, today=TODAY)}
    assert (tracker[ids[0]].latest_update, tracker[ids[0]].latest_update_by) == (HOSTILE, JOANNE)

    audit = list_audit(workspace=demo, table="action", row_id=ids[0])
    assert [(entry.who, entry.change) for entry in audit] == [("clerk", "update")]
    assert audit[0].details["fields"] == {
        "status": {"old": "on track", "new": "at risk"},
        "progress": {"old": 60, "new": 65},
    }
    assert "Joanne Heaton" in str(audit[0].details["source"])
    created = list_audit(workspace=demo, table="action_update")
    assert [(entry.row_id, entry.who) for entry in created] == [
        (update_id, "clerk") for update_id in result.update_ids
    ]


def test_the_same_form_imported_twice_changes_nothing_the_second_time(
    demo: Workspace, joanne: Path
) -> None:
    fill(joanne, {7: {"new_status": "Off track", "update_text": "Slipped."}})
    apply_update_forms(workspace=demo, preview=preview(demo, joanne), clock=lambda: IMPORTED)
    before = snapshot(demo)
    again = preview(demo, joanne)
    assert [row.outcome for row in again.rows] == [RowOutcome.NO_CHANGE] * 4
    assert "already imported" in again.rows[0].reasons[0]
    apply_update_forms(workspace=demo, preview=again, clock=lambda: IMPORTED)
    assert snapshot(demo) == before


def test_progress_as_a_percentage_or_text_reads_as_a_whole_number(
    demo: Workspace, joanne: Path
) -> None:
    def percent(sheet: Any) -> None:
        sheet["J7"] = 0.65  # "65%" typed into Excel: stored as 0.65, shown as a percentage
        sheet["J7"].number_format = "0%"
        sheet["J8"] = "40 %"  # typed into a cell a program made text
        sheet["J9"] = 25.0

    edit_sheet(joanne, FORM_SHEET, percent)
    assert [row.new_progress for row in preview(demo, joanne).rows] == [65, 40, 25, 0]


def set_cell(cell: str, value: object) -> Callable[[Any], None]:
    def edit(sheet: Any) -> None:
        sheet[cell] = value
        if isinstance(value, str):
            sheet[cell].data_type = "s"

    return edit


@pytest.mark.parametrize(
    ("edit", "row", "reason"),
    [
        pytest.param(
            set_cell("D8", "Something else entirely"),
            8,
            "the locked column Action was changed: the form was issued with 'Agree a step-down",
            id="locked-description",
        ),
        pytest.param(
            set_cell("C8", "9.9"),
            8,
            "the locked column Ref was changed: the form was issued with '1.3', it now says '9.9'",
            id="locked-ref",
        ),
        pytest.param(
            set_cell("F7", "Complete"),
            7,
            "the locked column Current status was changed",
            id="locked-status",
        ),
        pytest.param(
            set_cell("I8", "Done"),
            8,
            "New status 'Done' is not a status: choose one of Not started, On track, At risk, "
            "Off track, Complete.",
            id="bad-status",
        ),
        pytest.param(
            set_cell("J8", 120),
            8,
            "New progress % must be a whole number from 0 to 100, not '120'.",
            id="progress-120",
        ),
        pytest.param(
            set_cell("J8", 45.5),
            8,
            "New progress % must be a whole number from 0 to 100, not '45.5'.",
            id="progress-fraction",
        ),
        pytest.param(
            set_cell("J8", "about half"),
            8,
            "not 'about half'",
            id="progress-words",
        ),
        pytest.param(
            set_cell("J8", -5),
            8,
            "not '-5'",
            id="progress-negative",
        ),
        pytest.param(
            set_cell("L9", "a note beside the form"),
            9,
            "cell L9 is outside the form's columns and must be empty.",
            id="outside-columns",
        ),
    ],
)
def test_a_bad_row_is_refused_with_row_and_reason(
    demo: Workspace, joanne: Path, edit: Callable[[Any], None], row: int, reason: str
) -> None:
    # Every row carries a change, so that only the bad one is refused.
    fill(joanne, {number: {"update_text": f"news {number}"} for number in range(7, 11)})
    edit_sheet(joanne, FORM_SHEET, edit)
    planned = preview(demo, joanne)
    refused = [item for item in planned.rows if item.outcome is RowOutcome.REFUSED]
    assert [(item.file, item.row) for item in refused] == [(joanne, row)]
    assert any(reason in text for text in refused[0].reasons), refused[0].reasons
    assert planned.counts.change == 3
    assert planned.has_refusals


def test_a_formula_in_an_editable_cell_is_refused(demo: Workspace, joanne: Path) -> None:
    fill(joanne, {7: {"update_text": "=1+1"}, 8: {"new_progress": "=50+10"}}, as_text=False)
    rows = preview(demo, joanne).rows
    assert rows[0].reasons == ("Update holds a formula; type the value itself.",)
    assert rows[1].reasons == ("New progress % holds a formula; type the value itself.",)


def test_a_row_added_below_the_actions_is_an_unknown_ref(demo: Workspace, joanne: Path) -> None:
    fill(joanne, {11: {"plan": TWELVE_WEEK, "ref": "9.9", "new_status": "Complete"}})
    (added,) = [row for row in preview(demo, joanne).rows if row.row == 11]
    assert added.outcome is RowOutcome.REFUSED
    assert (added.ref, added.action_id) == ("9.9", None)
    assert added.reasons == (
        (
            "unknown ref: row 11 (ref '9.9') is not one of the actions the form was issued "
            "with; rows cannot be added to a form."
        ),
    )


def test_an_action_deleted_since_the_form_was_issued_is_unknown(
    demo: Workspace, joanne: Path
) -> None:
    gone = [action_id(demo, "1.3"), action_id(demo, "1.1", OVERARCHING)]
    with demo.database.session() as session:
        session.connection().execute(sa.delete(table_of(Action)).where(col(Action.id).in_(gone)))
    fill(joanne, {8: {"new_progress": 40}})
    rows = preview(demo, joanne).rows
    reason = f"unknown action: it (id {gone[0]}) is no longer in the database."
    assert (rows[1].outcome, rows[1].reasons) == (RowOutcome.REFUSED, (reason,))
    # A row the officer left alone is only noted: it would change nothing.
    assert rows[2].outcome is RowOutcome.NO_CHANGE
    assert rows[2].reasons == (f"unknown action: it (id {gone[1]}) is no longer in the database.",)


def test_an_action_now_led_by_someone_else_is_refused(demo: Workspace, joanne: Path) -> None:
    with demo.database.session() as session:
        connection = session.connection()
        simon = connection.execute(
            sa.select(col(Person.id)).where(col(Person.name) == "Simon Haworth")
        ).scalar_one()
        # Without a version bump, so that only the lead check can refuse it.
        connection.execute(
            sa.update(table_of(Action))
            .where(col(Action.id) == action_id(demo, "1.3"))
            .values(lead_id=simon)
        )
    fill(joanne, {8: {"new_progress": 40}})
    row = preview(demo, joanne).rows[1]
    assert row.reasons == (
        "another lead's action: it is now led by Simon Haworth, not Joanne Heaton.",
    )


def test_a_conflict_is_shown_side_by_side_and_never_overwritten(
    demo: Workspace, joanne: Path
) -> None:
    changed = action_id(demo, "1.3")
    untouched_but_changed = action_id(demo, "1.1", OVERARCHING)
    set_action(demo, changed, status=ActionStatus.OFF_TRACK, progress=45)
    set_action(demo, untouched_but_changed, progress=25)
    fill(joanne, {7: {"new_progress": 70}, 8: {"new_status": "On track", "new_progress": 50}})
    planned = preview(demo, joanne)
    assert [row.outcome for row in planned.rows] == [
        RowOutcome.CHANGE,
        RowOutcome.REFUSED,
        RowOutcome.NO_CHANGE,  # changed since, but the form asks for nothing: no conflict
        RowOutcome.NO_CHANGE,
    ]
    conflict = planned.rows[1]
    assert conflict.is_conflict
    assert conflict.reasons[0].startswith(
        "conflict: it was changed in the database after the form was issued "
        "(version 1 then, 2 now), and this row would overwrite that change."
    )
    assert conflict.form_state is not None
    assert conflict.database_state is not None
    assert (conflict.form_state.status, conflict.form_state.progress) == (ActionStatus.AT_RISK, 30)
    assert conflict.form_state.version == 1
    assert (conflict.database_state.status, conflict.database_state.progress) == (
        ActionStatus.OFF_TRACK,
        45,
    )
    assert conflict.database_state.version == 2
    assert (conflict.new_status, conflict.new_progress) == (ActionStatus.ON_TRACK, 50)
    assert "there is no conflict" in planned.rows[2].reasons[0]

    before = snapshot(demo)
    with pytest.raises(UpdateFormsRefusedError, match="nothing was imported"):
        apply_update_forms(workspace=demo, preview=planned, clock=lambda: IMPORTED)
    assert snapshot(demo) == before  # all or nothing: the good row 7 was not applied either


def test_skip_refused_applies_the_rest(demo: Workspace, joanne: Path) -> None:
    fill(joanne, {7: {"new_progress": 70}, 8: {"new_progress": 120}, 9: {"update_text": "ok"}})
    planned = preview(demo, joanne)
    result = apply_update_forms(
        workspace=demo, preview=planned, skip_refused=True, clock=lambda: IMPORTED
    )
    assert (result.applied, result.unchanged, result.skipped) == (2, 1, 1)
    tracker = {row.id: row for row in list_action_rows(workspace=demo, today=TODAY)}
    assert tracker[action_id(demo, "1.2")].progress == 70
    assert tracker[action_id(demo, "1.3")].progress == 30  # the refused row: untouched
    assert tracker[action_id(demo, "1.1", OVERARCHING)].latest_update == "ok"


def test_a_change_between_preview_and_apply_rolls_everything_back(
    demo: Workspace, joanne: Path
) -> None:
    fill(joanne, {7: {"new_progress": 70}, 8: {"new_progress": 40}})
    planned = preview(demo, joanne)
    set_action(demo, action_id(demo, "1.3"), progress=33)
    before = snapshot(demo)
    with pytest.raises(ConflictError, match=r"1\.3 was changed by someone else .*row 8"):
        apply_update_forms(workspace=demo, preview=planned, clock=lambda: IMPORTED)
    assert snapshot(demo) == before


def test_tampered_metadata_refuses_the_whole_form(demo: Workspace, joanne: Path) -> None:
    fill(joanne, {8: {"new_progress": 40}})
    # The natural cheat: claim the version the database has now, to dodge a conflict.
    edit_sheet(joanne, DATA_SHEET, set_cell("C12", "2"))
    before = snapshot(demo)
    planned = preview(demo, joanne)
    (form,) = planned.files
    assert form.problem is not None
    assert form.problem.startswith("has been tampered with: its hidden data does not match")
    assert [(row.row, row.outcome) for row in form.rows] == [
        (number, RowOutcome.REFUSED) for number in range(7, 11)
    ]
    assert all(row.reasons == (form.problem,) for row in form.rows)
    with pytest.raises(UpdateFormsRefusedError):
        apply_update_forms(workspace=demo, preview=planned)
    apply_update_forms(workspace=demo, preview=planned, skip_refused=True)
    assert snapshot(demo) == before


def test_damaged_metadata_refuses_the_whole_form(demo: Workspace, joanne: Path) -> None:
    edit_sheet(joanne, DATA_SHEET, set_cell("C12", "one"))
    (form,) = preview(demo, joanne).files
    assert form.problem == (
        "cannot be trusted as an update form: its hidden data has 'one' for version, not a "
        "whole number. Export a new form."
    )


def test_a_form_from_another_database_is_refused(
    demo: Workspace, joanne: Path, demo_template: Path, tmp_path: Path
) -> None:
    other_path = tmp_path / "other.qpmr"
    shutil.copyfile(demo_template, other_path)
    other = open_workspace(other_path, user="clerk")
    try:
        never = preview(other, joanne).files[0].problem
        export(other, tmp_path, lead="Simon Haworth")  # now it has an identity of its own
        (form,) = preview(other, joanne).files
    finally:
        other.close()
    assert never is not None
    assert "this database has never issued a form" in never
    assert form.problem is not None
    assert form.problem.startswith("was issued by another database (demo.qpmr, id ")
    assert all(row.outcome is RowOutcome.REFUSED for row in form.rows)
    assert len(form.rows) == 4


def test_changed_columns_refuse_the_whole_form(demo: Workspace, joanne: Path) -> None:
    edit_sheet(joanne, FORM_SHEET, lambda sheet: sheet.insert_cols(3))
    (form,) = preview(demo, joanne).files
    assert form.problem == (
        "has had its columns changed (column C should be 'Ref', not ''), so its rows cannot be "
        "read safely. Export a new form."
    )


def test_files_that_are_not_forms_are_refused(
    demo: Workspace, joanne: Path, tmp_path: Path
) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    old_excel = tmp_path / "old.xls"
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(60))
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(joanne.read_bytes()[:500])
    other = tmp_path / "other.xlsx"
    workbook = load_workbook(joanne)
    del workbook[DATA_SHEET]
    workbook.save(other)
    missing = tmp_path / "missing.xlsx"
    planned = preview(demo, text, old_excel, damaged, other, missing)
    problems = [form.problem or "" for form in planned.files]
    assert problems[0] == "is not an XLSX workbook, so it cannot be an update form."
    assert problems[1].startswith("is an old Excel 97–2003 workbook (.xls)")
    assert problems[2].startswith("is damaged or not an XLSX workbook")
    assert problems[3] == "is not a QPMR Desktop update form: it has no 'Form data' sheet."
    assert problems[4] == "cannot be read: No such file or directory."
    assert planned.rows == ()
    assert planned.counts.refused_files == 5


def test_a_form_under_another_name_still_imports(demo: Workspace, joanne: Path) -> None:
    fill(joanne, {7: {"new_progress": 61}})
    renamed = joanne.with_name("joanne returned.XLSX.bak")
    joanne.rename(renamed)
    assert preview(demo, renamed).counts.change == 1


def test_the_same_change_in_two_files_is_refused(demo: Workspace, joanne: Path) -> None:
    fill(joanne, {7: {"new_progress": 70}, 8: {"update_text": "only here"}})
    copy = joanne.with_name("copy.xlsx")
    shutil.copyfile(joanne, copy)
    fill(copy, {8: {"update_text": ""}})
    # The same file named twice counts once.
    planned = preview(demo, joanne, copy, joanne.parent / ".." / "forms" / joanne.name)
    assert outcomes(planned) == [
        (joanne.name, 7, RowOutcome.REFUSED),
        (joanne.name, 8, RowOutcome.CHANGE),
        (joanne.name, 9, RowOutcome.NO_CHANGE),
        (joanne.name, 10, RowOutcome.NO_CHANGE),
        ("copy.xlsx", 7, RowOutcome.REFUSED),
        ("copy.xlsx", 8, RowOutcome.NO_CHANGE),
        ("copy.xlsx", 9, RowOutcome.NO_CHANGE),
        ("copy.xlsx", 10, RowOutcome.NO_CHANGE),
    ]
    assert planned.rows[0].reasons == (
        "the same action is also changed by copy.xlsx row 7: import only one of them.",
    )


def test_an_unfilled_form_changes_nothing(demo: Workspace, joanne: Path) -> None:
    before = snapshot(demo)
    planned = preview(demo, joanne)
    assert planned.counts.no_change == 4
    assert not planned.has_refusals
    result = apply_update_forms(workspace=demo, preview=planned)
    assert (result.applied, result.unchanged) == (0, 4)
    assert snapshot(demo) == before
