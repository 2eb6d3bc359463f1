"""``export-update-forms`` and ``import-update-forms``: output, exit codes, all or nothing.

Each test calls ``main([...])`` in-process on a copy of the demo; Qt is never started.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qpmr_desktop.cli import main
from qpmr_desktop.services.actions import list_action_rows
from qpmr_desktop.services.workspace import open_workspace
from tests.unit.services.test_update_forms import (
    DEMO_LEADS,
    HOSTILE,
    JOANNE,
    TODAY,
    action_id,
    edit_sheet,
    fill,
    form_of,
    set_action,
    set_cell,
    snapshot,
)

ERROR_PREFIX = "qpmr-desktop: error: "


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """``main(argv)``'s exit status, stdout and stderr, whether it returns or exits."""
    try:
        status = main([str(arg) for arg in argv])
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def state(database: Path) -> object:
    workspace = open_workspace(database)
    try:
        return snapshot(workspace)
    finally:
        workspace.close()


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    return tmp_path / "forms"  # made by the command


@pytest.fixture
def joanne(capsys: pytest.CaptureFixture[str], demo_path: Path, forms: Path) -> Path:
    status, _, _ = run(
        capsys, "export-update-forms", "--out", forms, "--lead", JOANNE, "--database", demo_path
    )
    assert status == 0
    return form_of(forms)


def test_export_prints_each_file_written(
    capsys: pytest.CaptureFixture[str], demo_path: Path, forms: Path
) -> None:
    status, out, err = run(capsys, "--database", demo_path, "export-update-forms", "--out", forms)
    assert (status, err) == (0, "")
    assert out.splitlines() == [str(form_of(forms, lead)) for lead in DEMO_LEADS]
    assert sorted(forms.iterdir()) == [form_of(forms, lead) for lead in DEMO_LEADS]


def test_export_one_lead(capsys: pytest.CaptureFixture[str], demo_path: Path, forms: Path) -> None:
    status, out, err = run(
        capsys,
        "export-update-forms",
        "--out",
        forms,
        "--lead",
        "simon haworth",
        "--database",
        demo_path,
    )
    assert (status, out, err) == (0, f"{form_of(forms, 'Simon Haworth')}\n", "")


def test_export_refuses_an_unknown_lead(
    capsys: pytest.CaptureFixture[str], demo_path: Path, forms: Path
) -> None:
    status, out, err = run(
        capsys, "export-update-forms", "--out", forms, "--lead", "Nobody", "--database", demo_path
    )
    assert (status, out) == (1, "")
    assert err.startswith(ERROR_PREFIX + "Nobody called 'Nobody' leads an action")
    assert err.count("\n") == 1


def test_export_refuses_a_folder_inside_a_missing_one(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no such folder" / "forms"
    status, out, err = run(capsys, "export-update-forms", "--out", missing, "--database", demo_path)
    assert (status, out) == (1, "")
    assert err == f"{ERROR_PREFIX}The folder for the forms does not exist: {missing.parent}\n"


def test_export_needs_out(capsys: pytest.CaptureFixture[str], demo_path: Path) -> None:
    status, _, err = run(capsys, "export-update-forms", "--database", demo_path)
    assert status == 2
    assert "--out" in err


def test_import_prints_every_row_and_applies(
    capsys: pytest.CaptureFixture[str], demo_path: Path, joanne: Path
) -> None:
    fill(joanne, {7: {"new_status": "At risk", "new_progress": 65, "update_text": HOSTILE}})
    status, out, err = run(capsys, "import-update-forms", joanne, "--database", demo_path)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(f"{joanne.name}: Joanne Heaton's form, issued ")
    assert lines[0].endswith(" UTC from demo.qpmr")
    flat = " ".join(HOSTILE.split())
    assert lines[1:] == [
        (
            "  row 7: 12-Week Improvement Plan 1.2: change: status On track → At risk; "
            f'progress 60% → 65%; update "{flat[:59]}…"'
        ),
        "  row 8: 12-Week Improvement Plan 1.3: no change",
        "  row 9: Overarching Improvement Plan 1.1: no change",
        "  row 10: Overarching Improvement Plan 1.2: no change",
        "Rows: 1 to change, 3 unchanged, 0 refused",
        "Imported 1 update(s); 3 row(s) unchanged; 0 refused row(s) left out.",
    ]
    workspace = open_workspace(demo_path)
    try:
        rows = {row.id: row for row in list_action_rows(workspace=workspace, today=TODAY)}
        changed = rows[action_id(workspace, "1.2")]
    finally:
        workspace.close()
    assert (changed.progress, changed.latest_update, changed.latest_update_by) == (
        65,
        HOSTILE,
        JOANNE,
    )


def test_dry_run_changes_nothing(
    capsys: pytest.CaptureFixture[str], demo_path: Path, joanne: Path
) -> None:
    fill(joanne, {7: {"new_progress": 65}})
    before = state(demo_path)
    status, out, err = run(
        capsys, "import-update-forms", joanne, "--dry-run", "--database", demo_path
    )
    assert (status, err) == (0, "")
    assert out.splitlines()[-2:] == [
        "Rows: 1 to change, 3 unchanged, 0 refused",
        "Dry run: nothing was changed.",
    ]
    assert state(demo_path) == before


def test_a_refused_row_stops_the_import(
    capsys: pytest.CaptureFixture[str], demo_path: Path, joanne: Path
) -> None:
    fill(joanne, {7: {"new_progress": 65}, 8: {"new_progress": 120}})
    before = state(demo_path)
    for extra in ([], ["--dry-run"]):
        status, out, err = run(
            capsys, "import-update-forms", joanne, *extra, "--database", demo_path
        )
        assert status == 1
        assert (
            "  row 8: 12-Week Improvement Plan 1.3: REFUSED: New progress % must be a whole "
            "number from 0 to 100, not '120'."
        ) in out.splitlines()
        assert err == (
            f"{ERROR_PREFIX}1 row(s) and 0 form(s) refused; nothing was imported. Correct "
            "them, or leave them out with --skip-refused.\n"
        )
        assert state(demo_path) == before


def test_skip_refused_imports_the_rest(
    capsys: pytest.CaptureFixture[str], demo_path: Path, joanne: Path, tmp_path: Path
) -> None:
    fill(joanne, {7: {"new_progress": 65}, 8: {"new_progress": 120}})
    not_a_form = tmp_path / "notes.txt"
    not_a_form.write_text("hello", encoding="utf-8")
    status, out, err = run(
        capsys,
        "import-update-forms",
        joanne,
        not_a_form,
        "--skip-refused",
        "--database",
        demo_path,
    )
    assert (status, err) == (0, "")
    assert (
        "notes.txt: REFUSED: the form is not an XLSX workbook, so it cannot be an update form."
        in out.splitlines()
    )
    assert out.splitlines()[-2:] == [
        "Rows: 1 to change, 2 unchanged, 1 refused; 1 form(s) refused",
        "Imported 1 update(s); 2 row(s) unchanged; 1 refused row(s) left out.",
    ]


def test_a_conflict_is_printed_side_by_side(
    capsys: pytest.CaptureFixture[str], demo_path: Path, joanne: Path
) -> None:
    workspace = open_workspace(demo_path)
    try:
        set_action(workspace, action_id(workspace, "1.3"), progress=45)
    finally:
        workspace.close()
    fill(joanne, {8: {"new_status": "On track", "new_progress": 50, "update_text": "Recruited."}})
    status, out, _ = run(capsys, "import-update-forms", joanne, "--database", demo_path)
    assert status == 1
    lines = out.splitlines()
    at = lines.index(
        "  row 8: 12-Week Improvement Plan 1.3: REFUSED: conflict: it was changed in the "
        "database after the form was issued (version 1 then, 2 now), and this row would "
        "overwrite that change. Compare the two, then enter the update by hand or send a new "
        "form."
    )
    assert lines[at + 1].startswith("      form, as issued: At risk, 30%; latest update ")
    assert lines[at + 2].startswith("      database now:    At risk, 45%; latest update ")
    assert lines[at + 3] == (
        '      this row:        status At risk → On track; progress 30% → 50%; update "Recruited."'
    )


def test_a_tampered_form_is_refused_as_a_whole(
    capsys: pytest.CaptureFixture[str], demo_path: Path, joanne: Path
) -> None:
    edit_sheet(joanne, "Form data", set_cell("C12", "2"))
    status, out, _ = run(capsys, "import-update-forms", joanne, "--database", demo_path)
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{joanne.name}: REFUSED: the form has been tampered with")
    assert lines[1] == "  row 7: 12-Week Improvement Plan 1.2: REFUSED with the form"


def test_import_needs_a_file(capsys: pytest.CaptureFixture[str], demo_path: Path) -> None:
    status, _, err = run(capsys, "import-update-forms", "--database", demo_path)
    assert status == 2
    assert "FILE" in err
