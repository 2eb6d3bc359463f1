"""A form opened and saved by LibreOffice Calc still imports, and tampering is still caught.

LibreOffice converts the form headless (``soffice --convert-to xlsx``), which
loads and saves it exactly as an officer's "open, save" does, with no macro.
It keeps sheet protection, unlocked cells, the validations, the values and
the hidden sheet's text, but makes a very hidden sheet merely hidden and
drops workbook protection (``shared/docs/MACHINE-NOTES.md``): which is why
the metadata is trusted for its checksum, never for being hidden.

Skipped where ``soffice`` is not installed (Debian:
``apt-get install --no-install-recommends libreoffice-calc-nogui``).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlmodel import col

from qpmr_desktop.domain.actions import ActionStatus
from qpmr_desktop.services.update_forms import DATA_SHEET, FORM_SHEET
from qpmr_desktop.services.update_forms_import import RowOutcome, apply_update_forms
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import ActionUpdate
from qpmr_desktop.storage.versioning import table_of
from tests.unit.services.test_update_forms import (
    HOSTILE,
    IMPORTED,
    JOANNE,
    OVERARCHING,
    action_id,
    edit_sheet,
    export,
    fill,
    form_of,
    preview,
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        SOFFICE is None,
        reason=(
            "LibreOffice Calc (soffice) is not installed; on Debian: apt-get install "
            "--no-install-recommends libreoffice-calc-nogui"
        ),
    ),
]


def saved_by_libreoffice(path: Path, work: Path) -> Path:
    """``path`` opened and saved again as XLSX by LibreOffice Calc; the new file."""
    assert SOFFICE is not None
    out = work / "saved-by-libreoffice"
    out.mkdir()
    # A private profile: no clash with another soffice running, nothing left in $HOME.
    profile = (work / "libreoffice-profile").as_uri()
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    saved = out / path.name
    assert result.returncode == 0, result.stdout + result.stderr
    assert saved.is_file(), result.stdout + result.stderr
    return saved


@dataclass(frozen=True)
class _Converted:
    database: Path
    form: Path


@pytest.fixture(scope="module")
def converted(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> _Converted:
    """A demo database and Joanne Heaton's form from it, filled in and saved by LibreOffice.

    Made once for the module (a conversion takes seconds); each test copies both.
    """
    work = tmp_path_factory.mktemp("libreoffice")
    database = work / "demo.qpmr"
    shutil.copyfile(demo_template, database)
    forms = work / "forms"
    forms.mkdir()
    workspace = open_workspace(database, user="clerk")
    try:
        export(workspace, forms, lead=JOANNE)
    finally:
        workspace.close()
    form = form_of(forms)
    fill(
        form,
        {
            7: {"new_status": "At risk", "new_progress": 65, "update_text": HOSTILE},
            8: {"new_progress": 35},
            9: {"update_text": "Children's centres consulted."},
        },
    )
    return _Converted(database=database, form=saved_by_libreoffice(form, work))


@pytest.fixture
def demo(converted: _Converted, tmp_path: Path) -> Iterator[Workspace]:
    path = tmp_path / "demo.qpmr"
    shutil.copyfile(converted.database, path)
    workspace = open_workspace(path, user="clerk")
    yield workspace
    workspace.close()


@pytest.fixture
def filled_by_libreoffice(converted: _Converted, tmp_path: Path) -> Path:
    path = tmp_path / converted.form.name
    shutil.copyfile(converted.form, path)
    return path


def test_a_form_saved_by_libreoffice_keeps_its_guards(filled_by_libreoffice: Path) -> None:
    workbook = load_workbook(filled_by_libreoffice)
    sheet = workbook[FORM_SHEET]
    assert sheet.protection.sheet
    assert {dv.type for dv in sheet.data_validations.dataValidation} == {"list", "whole"}
    assert sheet["I7"].protection.locked is False
    assert sheet["D7"].protection.locked is True
    assert (sheet["I7"].value, sheet["J7"].value, sheet["K7"].value) == ("At risk", 65, HOSTILE)
    # What LibreOffice does not keep, and why nothing relies on it.
    assert workbook[DATA_SHEET].sheet_state == "hidden"


def test_a_form_saved_by_libreoffice_still_imports(
    demo: Workspace, filled_by_libreoffice: Path
) -> None:
    planned = preview(demo, filled_by_libreoffice)
    assert not planned.has_refusals, [row.reasons for row in planned.rows]
    assert [row.outcome for row in planned.rows] == [
        RowOutcome.CHANGE,
        RowOutcome.CHANGE,
        RowOutcome.CHANGE,
        RowOutcome.NO_CHANGE,
    ]
    result = apply_update_forms(workspace=demo, preview=planned, clock=lambda: IMPORTED)
    assert result.applied == 3
    with demo.database.session() as session:
        updates = session.connection().execute(
            sa.select(table_of(ActionUpdate))
            .where(col(ActionUpdate.id).in_(result.update_ids))
            .order_by(col(ActionUpdate.id))
        )
        written = [(u.action_id, u.text, u.new_status, u.new_progress, u.who) for u in updates]
    assert written == [
        (action_id(demo, "1.2"), HOSTILE, ActionStatus.AT_RISK, 65, JOANNE),
        (action_id(demo, "1.3"), "", ActionStatus.AT_RISK, 35, JOANNE),
        (
            action_id(demo, "1.1", OVERARCHING),
            "Children's centres consulted.",
            ActionStatus.ON_TRACK,
            20,
            JOANNE,
        ),
    ]


def test_tampering_is_caught_in_a_form_saved_by_libreoffice(
    demo: Workspace, filled_by_libreoffice: Path
) -> None:
    def claim_a_newer_version(sheet: Any) -> None:
        sheet["C12"] = "2"

    edit_sheet(filled_by_libreoffice, DATA_SHEET, claim_a_newer_version)
    (form,) = preview(demo, filled_by_libreoffice).files
    assert form.problem is not None
    assert form.problem.startswith("has been tampered with")
