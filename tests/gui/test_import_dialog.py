"""Import Indicator Values: file → mapping → preview → apply, on a copy of the demo database.

Files are written by each test (the native format) or taken from the real
council files in ``../shared/data/indicators`` (skipped when absent). Modal
file dialogs are patched; nothing blocks.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QFileDialog
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.periods import Quarter
from qpmr_desktop.services.indicator_import import (
    ImportResult,
    NativeField,
    RowStatus,
    SourceTable,
    apply_import,
    guess_mapping,
    load_mapping,
    preview_import,
    read_table,
)
from qpmr_desktop.services.indicators import get_indicator_detail, list_indicator_rows
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui import import_dialog
from qpmr_desktop.ui.import_dialog import (
    ImportIndicatorsDialog,
    Step,
    import_indicators_interactively,
)
from qpmr_desktop.ui.import_mapping_model import (
    IGNORE,
    VALUE,
    ColumnMappingModel,
    ColumnRole,
    RoleKind,
    mapping_from_roles,
    roles_from_mapping,
)
from qpmr_desktop.ui.import_mapping_page import shipped_mappings_dir
from qpmr_desktop.ui.import_preview_model import (
    STATUS_TEXT,
    ImportPreviewModel,
    ImportPreviewProxy,
    figure_text,
    preview_lines,
)
from qpmr_desktop.ui.roles import ItemRole
from tests.gui.conftest import ModelChecker, shows_window

TIMEOUT_MS = 15000
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "indicators"
HART_Q1 = SHARED_DATA / "01-hart-dc-kpi-tiles-2014-15-q1.csv"
TRAFFORD = SHARED_DATA / "03-trafford-ev-charging-devices-quarterly.csv"
needs_council_files = pytest.mark.skipif(
    not HART_Q1.is_file(), reason="the council files in ../shared/data are not here"
)

NATIVE_HEADERS = [
    "indicator_ref",
    "period",
    "value",
    "target",
    "indicator_name",
    "theme",
    "unit",
    "polarity",
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="Pat Performance")
    yield workspace
    workspace.close()


@pytest.fixture
def native_file(tmp_path: Path) -> Path:
    """An update to CLA-01, a new period for it, an unchanged row, and a new indicator."""
    return write_csv(
        tmp_path / "quarter.csv",
        [
            NATIVE_HEADERS,
            ["CLA-01", "Q4 2016/17", "1,800", "1650", "", "", "", ""],
            ["CLA-01", "Q2 2017/18", "1890", "1700", "", "", "", ""],
            ["CLA-01", "Q1 2017/18", "1875", "1700", "", "", "", ""],
            [
                "PRK-01",
                "Q1 2017/18",
                "62.5%",
                "60",
                "Residents satisfied with parks",
                "Live Well",
                "percentage",
                "higher is better",
            ],
        ],
    )


@pytest.fixture
def error_file(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "errors.csv",
        [
            ["indicator_ref", "period", "value"],
            ["CLA-01", "Q5 2017/18", "1900"],
            ["CLA-01", "Q2 2017/18", "abc"],
            ["ZZZ-99", "Q2 2017/18", "5"],
            ["CLA-01", "Q3 2017/18", "1910"],
        ],
    )


def open_dialog(qtbot: QtBot, workspace: Workspace, path: Path | None) -> ImportIndicatorsDialog:
    dialog = ImportIndicatorsDialog(workspace, path=path)
    qtbot.addWidget(dialog)
    wait_idle(qtbot, dialog)
    return dialog


def wait_idle(qtbot: QtBot, dialog: ImportIndicatorsDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=TIMEOUT_MS)


def go_to_preview(qtbot: QtBot, dialog: ImportIndicatorsDialog) -> None:
    if step_of(dialog) is Step.FILE:
        dialog.next_button.click()
    assert step_of(dialog) is Step.MAPPING
    assert dialog.next_button.isEnabled(), dialog.mapping_page.problem
    dialog.next_button.click()
    wait_idle(qtbot, dialog)
    assert step_of(dialog) is Step.PREVIEW, dialog.message_label.text()


def indicator_id(workspace: Workspace, ref: str) -> int | None:
    rows = list_indicator_rows(workspace=workspace)
    return next((row.id for row in rows if row.ref == ref), None)


def stored_value(workspace: Workspace, ref: str, period: str) -> float | None:
    ident = indicator_id(workspace, ref)
    assert ident is not None
    detail = get_indicator_detail(workspace=workspace, indicator_id=ident)
    quarter = Quarter.parse(period)
    return next((row.value for row in detail.values if row.period == quarter), None)


def cell(proxy: ImportPreviewProxy, row: int, key: str, role: int = 0) -> str:
    source = proxy.sourceModel()
    assert isinstance(source, ImportPreviewModel)
    text = proxy.index(row, source.column_of(key)).data(role or Qt.ItemDataRole.DisplayRole)
    assert isinstance(text, str)
    return text


def step_of(dialog: ImportIndicatorsDialog) -> Step:
    """The dialog's step now (a call, so that type checkers do not carry an earlier answer)."""
    return dialog.step


def busy(dialog: ImportIndicatorsDialog) -> bool:
    return dialog.is_busy


def table_of(dialog: ImportIndicatorsDialog) -> SourceTable | None:
    return dialog.table


# ------------------------------------------------------------------ the preview model


def test_preview_model_passes_the_model_tester(
    qtmodeltester: ModelChecker, workspace: Workspace, native_file: Path, error_file: Path
) -> None:
    table = read_table(native_file)
    preview = preview_import(workspace=workspace, table=table, mapping=guess_mapping(table))
    model = ImportPreviewModel()
    proxy = ImportPreviewProxy(model)
    qtmodeltester.check(model)
    model.set_lines(preview_lines(preview))
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    proxy.sort(model.column_of("status"), Qt.SortOrder.AscendingOrder)
    proxy.set_status_filter(RowStatus.NEW)
    assert proxy.rowCount() == 2
    proxy.set_filter_text("prk")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)
    table = read_table(error_file)
    preview = preview_import(workspace=workspace, table=table, mapping=guess_mapping(table))
    model.set_lines(preview_lines(preview))
    proxy.set_filter_text("")
    proxy.set_status_filter(RowStatus.ERROR)
    assert proxy.rowCount() == 3
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)


def test_preview_lines_say_what_changes_in_words(workspace: Workspace, native_file: Path) -> None:
    table = read_table(native_file)
    preview = preview_import(workspace=workspace, table=table, mapping=guess_mapping(table))
    model = ImportPreviewModel()
    model.set_lines(preview_lines(preview))
    texts = {
        (model.data(model.index(row, 0)), model.data(model.index(row, 1))): model.data(
            model.index(row, model.column_of("changes"))
        )
        for row in range(model.rowCount())
    }
    assert texts == {
        ("2", STATUS_TEXT[RowStatus.UPDATED]): "value 1,790 → 1,800",
        ("3", STATUS_TEXT[RowStatus.NEW]): "value 1,890, target 1,700",
        ("4", STATUS_TEXT[RowStatus.UNCHANGED]): "",
        ("5", STATUS_TEXT[RowStatus.NEW]): "value 62.5, target 60",
    }
    status = model.index(0, model.column_of("status"))
    assert status.data(Qt.ItemDataRole.ForegroundRole).name() == "#1d70b8"
    assert model.data(model.index(0, model.column_of("period")), ItemRole.SORT) == (2016, 4)
    assert STATUS_TEXT[RowStatus.ERROR] == "▲ Error"  # shape and word, never colour alone


def test_figures_are_written_as_in_the_file_with_thousands_separated() -> None:
    assert [figure_text(value) for value in (1875.0, 62.5, -1234567.25, 0.0001, 0.0)] == [
        "1,875",
        "62.5",
        "-1,234,567.25",
        "0.0001",
        "0",
    ]


# ------------------------------------------------------------------ the native format, end to end


@shows_window
def test_a_native_file_imports_end_to_end(
    qtbot: QtBot, workspace: Workspace, native_file: Path
) -> None:
    dialog = open_dialog(qtbot, workspace, native_file)
    dialog.show()
    assert step_of(dialog) is Step.FILE
    assert "CSV, UTF-8, comma-separated · 4 rows · 8 columns" in dialog.file_page.status_text
    dialog.next_button.click()
    assert dialog.mapping_page.mapping_combo.currentIndex() == 0  # the native format
    assert not dialog.mapping_page.period_edit.isEnabled()  # the file has a period column

    go_to_preview(qtbot, dialog)
    preview = dialog.preview
    assert preview is not None
    assert preview.counts.as_dict() == {"new": 2, "updated": 1, "unchanged": 1, "errors": 0}
    counts = dialog.preview_page.counts_label.text()
    for words in ("2 new", "1 updated", "1 unchanged", "0 errors"):
        assert words in counts
    assert "Creates 1 new indicator: PRK-01" in dialog.preview_page.details_label.text()
    assert dialog.import_button.isEnabled()
    assert dialog.preview_page.reason_label.text().startswith(
        "Import will add 2 new rows, update 1 row and create 1 indicator"
    )
    assert stored_value(workspace, "CLA-01", "Q4 2016/17") == 1790.0  # the preview changed nothing

    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT_MS) as blocker:
        dialog.import_button.click()
    wait_idle(qtbot, dialog)
    result = blocker.args[0]
    assert isinstance(result, ImportResult)
    assert (result.inserted, result.updated, result.created_indicators) == (2, 1, ("PRK-01",))
    assert step_of(dialog) is Step.DONE
    assert dialog.import_result is result
    assert "2 new rows and 1 updated row" in dialog.done_page.summary_label.text()
    assert dialog.close_button.text() == "Close"

    assert stored_value(workspace, "CLA-01", "Q4 2016/17") == 1800.0
    assert stored_value(workspace, "CLA-01", "Q2 2017/18") == 1890.0
    assert stored_value(workspace, "PRK-01", "Q1 2017/18") == 62.5
    parks = next(row for row in list_indicator_rows(workspace=workspace) if row.ref == "PRK-01")
    assert (parks.name, parks.theme) == ("Residents satisfied with parks", "Live Well")
    dialog.close_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_rows_with_errors_disable_import_and_say_why(
    qtbot: QtBot, workspace: Workspace, error_file: Path
) -> None:
    dialog = open_dialog(qtbot, workspace, error_file)
    go_to_preview(qtbot, dialog)

    assert not dialog.import_button.isEnabled()
    reason = (
        "Fix the 3 rows with errors, or exclude them in the file — nothing is imported while "
        "any row has an error."
    )
    assert dialog.preview_page.reason_label.text() == reason
    assert dialog.import_button.toolTip() == reason
    # The list opens on the errors, each with its row, column and reason.
    proxy = dialog.preview_page.proxy
    assert dialog.preview_page.status_combo.currentText() == "Errors (3)"
    assert proxy.rowCount() == 3
    problems = {cell(proxy, row, "row"): cell(proxy, row, "problems") for row in range(3)}
    assert set(problems) == {"2", "3", "4"}
    assert problems["2"].startswith("column period: ")
    assert "Q5 2017/18" in problems["2"]
    assert problems["3"].startswith("column value: ")
    assert "'abc'" in problems["3"]
    assert "ZZZ-99" in problems["4"]
    tooltip = cell(proxy, 0, "problems", Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("row 2, column period: ")
    # The selected row's reason in full, under the table.
    assert dialog.preview_page.row_detail_label.text().startswith(
        "Row 2, CLA-01 — error: column period: Not a period"
    )
    dialog.preview_page.status_combo.setCurrentIndex(0)
    assert proxy.rowCount() == 4
    # Nothing was imported, not even the good row.
    assert stored_value(workspace, "CLA-01", "Q3 2017/18") is None
    dialog.start_import()  # refused while there are errors
    assert not busy(dialog)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty: there is nothing to import"),
        (b"\xd0\xcf\x11\xe0old excel", "old-style Excel workbook (.xls)"),
    ],
)
def test_a_bad_file_gets_a_plain_message_and_nothing_is_imported(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "figures.csv"
    path.write_bytes(content)
    before = list_indicator_rows(workspace=workspace)
    dialog = open_dialog(qtbot, workspace, path)
    assert words in dialog.file_page.status_text
    assert "Traceback" not in dialog.file_page.status_text
    assert dialog.table is None
    assert not dialog.next_button.isEnabled()
    assert list_indicator_rows(workspace=workspace) == before


def test_a_missing_mapped_column_is_a_file_problem_on_the_preview(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "refs.csv", [["ref", "quarter"], ["CLA-01", "Q1 2017/18"]])
    dialog = open_dialog(qtbot, workspace, path)
    go_to_preview(qtbot, dialog)
    page = dialog.preview_page
    assert page.file_issues_label.isVisible() or not dialog.isVisible()
    assert "no column gives the value" in page.file_issues_label.text()
    assert not dialog.import_button.isEnabled()
    assert "go Back to change the mapping" in page.reason_label.text()


# ------------------------------------------------------------------ mappings


def test_the_mapping_grid_passes_the_model_tester(
    qtmodeltester: ModelChecker, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "wide.csv", [["k", "", "tq", "lq"], ["CS01", "x", "95.9", "95.3"]])
    table = read_table(path)
    model = ColumnMappingModel()
    qtmodeltester.check(model)
    model.set_table(table)
    qtmodeltester.check(model)
    assert model.data(model.index(1, ColumnMappingModel.HEADER)) == "(no header, column 2)"
    assert not model.flags(model.index(1, ColumnMappingModel.ROLE)) & Qt.ItemFlag.ItemIsEditable
    assert model.set_role(0, ColumnRole(RoleKind.FIELD, field=NativeField.INDICATOR_REF))
    assert model.set_role(2, VALUE)
    assert model.set_role(3, ColumnRole(RoleKind.VALUE, offset=-1))
    qtmodeltester.check(model)
    mapping = model.mapping()
    assert [(each.column, each.offset, each.row_fields) for each in mapping.value_columns] == [
        ("tq", 0, True),
        ("lq", -1, False),
    ]
    assert model.data(model.index(3, ColumnMappingModel.ROLE)) == "value, 1 quarter before"
    assert model.data(model.index(0, ColumnMappingModel.EXAMPLES)) == "CS01"


@needs_council_files
@pytest.mark.parametrize("name", ["hart-kpi-tiles.json", "trafford-comparators.json"])
def test_a_shipped_mapping_survives_the_grid(name: str) -> None:
    mapping = load_mapping(shipped_mappings_dir() / name)
    table = read_table(HART_Q1 if name.startswith("hart") else TRAFFORD)
    read = roles_from_mapping(mapping, table.headers)
    assert read.missing == ()
    assert mapping_from_roles(mapping, table.headers, read.roles) == mapping


@needs_council_files
def test_a_hart_file_previews_through_the_shipped_mapping_with_its_period(
    qtbot: QtBot, workspace: Workspace
) -> None:
    dialog = open_dialog(qtbot, workspace, HART_Q1)
    dialog.next_button.click()
    page = dialog.mapping_page
    assert page.mapping_combo.currentText() == "Hart District Council KPI tiles"
    assert "every column it names" in page.about_label.text()
    assert page.model.role_of("s") == IGNORE
    assert not dialog.next_button.isEnabled()  # the file has no period: one is needed
    assert page.period_hint.text().startswith("Needed")

    page.set_period_text("Q5 2014/15")
    assert not dialog.next_button.isEnabled()
    assert page.problem == 'Not a period: "Q5 2014/15" — the quarter must be 1 to 4.'

    page.set_period_text("Q1 2014/15")
    assert page.problem == ""
    go_to_preview(qtbot, dialog)
    preview = dialog.preview
    assert preview is not None
    assert preview.period == Quarter(2014, 1)
    assert not preview.has_errors, [str(issue) for issue in preview.issues]
    assert preview.counts.new == 89
    assert len(preview.new_indicators) == 45
    assert dialog.import_button.isEnabled()


@needs_council_files
def test_a_comparator_table_previews_through_the_shipped_mapping(
    qtbot: QtBot, workspace: Workspace
) -> None:
    dialog = open_dialog(qtbot, workspace, TRAFFORD)
    dialog.next_button.click()
    page = dialog.mapping_page
    # The native guess recognises four of its columns; the Trafford mapping all seven.
    assert page.mapping_combo.currentText() == "Trafford Corporate Plan comparator table"
    assert page.model.role_of("area_code") == ColumnRole(RoleKind.AREA)
    assert "indicator_ref “CP-EV01” for every row" in page.extras_label.text()
    go_to_preview(qtbot, dialog)
    preview = dialog.preview
    assert preview is not None
    assert preview.counts.as_dict() == {"new": 12, "updated": 0, "unchanged": 0, "errors": 0}
    assert dialog.import_button.isEnabled()


@needs_council_files
def test_a_mapping_saved_and_loaded_round_trips(
    qtbot: QtBot, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, workspace, HART_Q1)
    dialog.next_button.click()
    page = dialog.mapping_page
    page.model.set_role(page.model.row_of("lq"), IGNORE)  # this quarter's value only
    edited = page.mapping()
    assert edited is not None
    assert [each.column for each in edited.value_columns] == []
    assert edited.columns.get(NativeField.INDICATOR_REF) == "k"

    saved_as = tmp_path / "mappings" / "hart this quarter only"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args, **_kwargs: (str(saved_as), "")
    )
    page.save_button.click()
    path = saved_as.with_name(saved_as.name + ".json")
    assert path.is_file()
    reloaded = load_mapping(path)
    assert reloaded.name == "hart this quarter only"
    assert reloaded == page.mapping()
    assert page.mapping_combo.currentText() == "hart this quarter only"

    # Back to the shipped mapping, then the saved one again through "Load mapping…".
    page.mapping_combo.setCurrentIndex(1)
    page.mapping_combo.activated.emit(1)
    assert page.model.role_of("lq") == ColumnRole(RoleKind.VALUE, offset=-1)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args, **_kwargs: (str(path), ""))
    page.load_button.click()
    assert page.model.role_of("lq") == IGNORE
    assert page.mapping() == reloaded


def test_an_unreadable_mapping_file_says_why_and_changes_nothing(
    qtbot: QtBot, workspace: Workspace, native_file: Path, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, workspace, native_file)
    page = dialog.mapping_page
    before = page.mapping()
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "columns": {"colour": "c"}}', encoding="utf-8")
    assert not page.use_mapping_file(bad)
    assert "'colour' is not a field" in page.problem
    assert page.mapping() == before
    assert page.mapping_combo.currentIndex() == 0


def test_a_role_given_twice_is_shown_in_place(
    qtbot: QtBot, workspace: Workspace, native_file: Path
) -> None:
    dialog = open_dialog(qtbot, workspace, native_file)
    dialog.next_button.click()
    page = dialog.mapping_page
    page.model.set_role(page.model.row_of("target"), VALUE)
    assert page.mapping() is None
    assert page.problem == (
        "Columns “value” and “target” are both imported as value: choose one of them, and set "
        "the other to “not imported”."
    )
    assert not dialog.next_button.isEnabled()
    assert not page.save_button.isEnabled()
    page.model.set_role(page.model.row_of("target"), IGNORE)
    assert page.mapping() is not None
    assert dialog.next_button.isEnabled()


# ------------------------------------------------------------------ concurrency and failures


def test_a_conflict_says_so_and_previews_again(
    qtbot: QtBot, workspace: Workspace, native_file: Path
) -> None:
    dialog = open_dialog(qtbot, workspace, native_file)
    go_to_preview(qtbot, dialog)
    # Someone else imports the same file between the preview and Import.
    table = read_table(native_file)
    apply_import(
        workspace=workspace,
        preview=preview_import(workspace=workspace, table=table, mapping=guess_mapping(table)),
    )

    with qtbot.assertNotEmitted(dialog.imported, wait=0):
        dialog.import_button.click()
        qtbot.waitUntil(
            lambda: dialog.preview_page.banner_label.text() != "" and not dialog.is_busy,
            timeout=TIMEOUT_MS,
        )
    banner = dialog.preview_page.banner_label.text()
    assert "Nothing was imported" in banner
    assert "made again from the figures stored now" in banner
    assert step_of(dialog) is Step.PREVIEW
    preview = dialog.preview
    assert preview is not None
    assert preview.counts.as_dict() == {"new": 0, "updated": 0, "unchanged": 4, "errors": 0}
    assert not dialog.import_button.isEnabled()
    assert dialog.preview_page.reason_label.text() == (
        "Nothing to import: every row matches the figures already stored."
    )


def test_an_unexpected_failure_is_reported_and_nothing_imported(
    qtbot: QtBot,
    workspace: Workspace,
    native_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(**_kwargs: object) -> ImportResult:
        raise RuntimeError("disk I/O error")

    dialog = open_dialog(qtbot, workspace, native_file)
    go_to_preview(qtbot, dialog)
    monkeypatch.setattr(import_dialog, "apply_import", broken)
    dialog.import_button.click()
    wait_idle(qtbot, dialog)
    assert dialog.message_label.text() == (
        "The import failed: disk I/O error. The details are in the log. Nothing was imported: "
        "the database is as it was."
    )
    assert step_of(dialog) is Step.PREVIEW
    assert any(record.exc_info for record in caplog.records)
    assert stored_value(workspace, "CLA-01", "Q4 2016/17") == 1790.0


def blocking(release: threading.Event, work: Callable[..., object]) -> Callable[..., object]:
    def wait_then_work(*args: object, **kwargs: object) -> object:
        assert release.wait(TIMEOUT_MS / 1000)
        return work(*args, **kwargs)

    return wait_then_work


def test_stopping_a_read_discards_it(
    qtbot: QtBot, workspace: Workspace, native_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    monkeypatch.setattr(import_dialog, "read_table", blocking(release, read_table))
    dialog = ImportIndicatorsDialog(workspace, path=native_file)
    qtbot.addWidget(dialog)
    assert busy(dialog)
    assert not dialog.next_button.isEnabled()
    assert "cannot be interrupted" in dialog.stop_button.toolTip()
    dialog.stop_button.click()
    assert not busy(dialog)
    assert dialog.file_page.status_text.startswith("Stopped: the file was not read")
    release.set()
    assert dialog.wait_for_background(TIMEOUT_MS)
    qtbot.wait(50)  # the discarded outcome arrives, and is ignored
    assert dialog.table is None
    assert not dialog.next_button.isEnabled()


def test_stopping_a_preview_leaves_no_preview(
    qtbot: QtBot, workspace: Workspace, native_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    monkeypatch.setattr(import_dialog, "preview_import", blocking(release, preview_import))
    dialog = open_dialog(qtbot, workspace, native_file)
    dialog.next_button.click()
    dialog.next_button.click()  # Preview
    assert busy(dialog)
    dialog.stop_button.click()
    assert not busy(dialog)
    assert step_of(dialog) is Step.MAPPING
    assert dialog.message_label.text().startswith("Stopped: there is no preview")
    assert dialog.preview is None
    release.set()
    assert dialog.wait_for_background(TIMEOUT_MS)
    qtbot.wait(50)
    assert step_of(dialog) is Step.MAPPING


def test_editing_the_path_forgets_the_file_until_enter(
    qtbot: QtBot, workspace: Workspace, native_file: Path, error_file: Path
) -> None:
    dialog = open_dialog(qtbot, workspace, native_file)
    assert dialog.next_button.isEnabled()
    edit = dialog.file_page.path_edit
    edit.clear()
    QTest.keyClicks(edit, str(error_file))
    assert table_of(dialog) is None
    assert not dialog.next_button.isEnabled()
    assert dialog.file_page.status_text.startswith("Press Enter to read this file")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    wait_idle(qtbot, dialog)
    table = table_of(dialog)
    assert table is not None
    assert table.path == error_file
    assert dialog.next_button.isEnabled()


def test_the_dialog_stays_open_while_the_import_is_written(
    qtbot: QtBot, workspace: Workspace, native_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, workspace, native_file)
    go_to_preview(qtbot, dialog)
    release = threading.Event()
    monkeypatch.setattr(import_dialog, "apply_import", blocking(release, apply_import))
    dialog.import_button.click()
    assert busy(dialog)
    assert not dialog.stop_button.isVisibleTo(dialog)
    assert not dialog.close_button.isEnabled()
    dialog.reject()
    assert "being written" in dialog.message_label.text()
    with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT_MS):
        release.set()
    assert step_of(dialog) is Step.DONE
    assert stored_value(workspace, "CLA-01", "Q4 2016/17") == 1800.0


# ------------------------------------------------------------------ the entry point


def test_the_entry_point_returns_the_result(
    qtbot: QtBot, workspace: Workspace, native_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def run_through(dialog: ImportIndicatorsDialog) -> int:
        wait_idle(qtbot, dialog)
        go_to_preview(qtbot, dialog)
        dialog.import_button.click()
        wait_idle(qtbot, dialog)
        dialog.close_button.click()
        return int(dialog.result())

    monkeypatch.setattr(ImportIndicatorsDialog, "exec", run_through)
    result = import_indicators_interactively(None, workspace, path=native_file)
    assert result is not None
    assert result.inserted == 2
    assert indicator_id(workspace, "PRK-01") in result.indicator_ids


def test_the_entry_point_returns_none_when_cancelled(
    qtbot: QtBot, workspace: Workspace, native_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cancel(dialog: ImportIndicatorsDialog) -> int:
        dialog.close_button.click()  # while the file is still being read
        return int(dialog.result())

    monkeypatch.setattr(ImportIndicatorsDialog, "exec", cancel)
    assert import_indicators_interactively(None, workspace, path=native_file) is None
    qtbot.wait(50)
    assert stored_value(workspace, "CLA-01", "Q4 2016/17") == 1790.0
