"""Export Indicator Values…: the file name, the report in words, and a file that imports back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from qpmr_desktop.services.indicator_export import ExportError
from qpmr_desktop.services.indicators import list_indicator_rows
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui import export_indicators as export_module
from qpmr_desktop.ui.export_indicators import (
    CSV_FILTER,
    XLSX_FILTER,
    export_indicators_interactively,
    export_path_for,
)
from qpmr_desktop.ui.import_dialog import ImportIndicatorsDialog, Step

TIMEOUT_MS = 15000


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="Pat Performance")
    yield workspace
    workspace.close()


class Boxes:
    """What the patched message boxes were asked to say."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []

    def box(self, kind: str) -> object:
        def show(_parent: object, _title: str, text: str, *_args: object) -> int:
            self.said.append((kind, text))
            return int(QMessageBox.StandardButton.Ok)

        return show


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    boxes = Boxes()
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, boxes.box(kind))
    return boxes


def answer_save_dialog(
    monkeypatch: pytest.MonkeyPatch, answer: str, selected_filter: str = CSV_FILTER
) -> list[str]:
    suggested: list[str] = []

    def get_save_file_name(
        _parent: object, _caption: str, directory: str, *_args: object
    ) -> tuple[str, str]:
        suggested.append(directory)
        return answer, selected_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    return suggested


@pytest.mark.parametrize(
    ("chosen", "selected_filter", "expected"),
    [
        ("figures", CSV_FILTER, "figures.csv"),
        ("figures", XLSX_FILTER, "figures.xlsx"),
        ("figures.XLSX", CSV_FILTER, "figures.XLSX"),
        ("figures.csv", XLSX_FILTER, "figures.csv"),
        ("figures.txt", CSV_FILTER, "figures.txt.csv"),
    ],
)
def test_the_format_follows_the_suffix_or_else_the_filter(
    chosen: str, selected_filter: str, expected: str
) -> None:
    assert export_path_for(chosen, selected_filter).name == expected


def test_cancelling_the_file_dialog_exports_nothing(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    suggested = answer_save_dialog(monkeypatch, "")
    assert export_indicators_interactively(None, workspace, today=dt.date(2017, 9, 19)) is None
    assert Path(suggested[0]).name == "indicators-2017-09-19.csv"
    assert boxes.said == []


def test_an_export_reports_its_rows_and_imports_back(
    qtbot: QtBot,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    answer_save_dialog(monkeypatch, str(tmp_path / "indicators-2017-09-19"))
    path = export_indicators_interactively(None, workspace)
    assert path == tmp_path / "indicators-2017-09-19.csv"
    assert path.is_file()
    rows = len(path.read_text(encoding="utf-8-sig").splitlines()) - 1
    assert rows > 0
    assert boxes.said == [
        (
            "information",
            (
                f"Wrote {rows:,} indicator values to indicators-2017-09-19.csv.\n\n"
                f"Folder: {tmp_path}"
            ),
        )
    ]

    # The file recreates every indicator with values in an empty database.
    empty = open_workspace(tmp_path / "empty.qpmr", create=True, user="Pat Performance")
    try:
        dialog = ImportIndicatorsDialog(empty, path=path)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: not dialog.is_busy, timeout=TIMEOUT_MS)
        dialog.next_button.click()
        dialog.next_button.click()
        qtbot.waitUntil(lambda: not dialog.is_busy, timeout=TIMEOUT_MS)
        preview = dialog.preview
        assert preview is not None
        assert preview.counts.as_dict() == {"new": rows, "updated": 0, "unchanged": 0, "errors": 0}
        with qtbot.waitSignal(dialog.imported, timeout=TIMEOUT_MS):
            dialog.import_button.click()
        assert dialog.step is Step.DONE
        exported = {row.ref for row in list_indicator_rows(workspace=workspace) if row.value_text}
        assert {row.ref for row in list_indicator_rows(workspace=empty)} >= exported
    finally:
        empty.close()


def test_an_xlsx_export_is_chosen_by_the_filter(
    qtbot: QtBot,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    answer_save_dialog(monkeypatch, str(tmp_path / "figures"), XLSX_FILTER)
    path = export_indicators_interactively(None, workspace)
    assert path == tmp_path / "figures.xlsx"
    assert path.read_bytes().startswith(b"PK")
    assert boxes.said[0][0] == "information"


def test_an_unwritable_folder_is_explained(
    qtbot: QtBot,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    answer_save_dialog(monkeypatch, str(tmp_path / "no such folder" / "figures.csv"))
    assert export_indicators_interactively(None, workspace) is None
    ((kind, text),) = boxes.said
    assert kind == "warning"
    assert text.startswith("figures.csv could not be written: No such file or directory.")
    assert "Choose another folder" in text
    assert not (tmp_path / "no such folder").exists()


def test_an_export_error_is_explained(
    qtbot: QtBot,
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    def refuse(**_kwargs: object) -> int:
        raise ExportError("Cannot export to figures.csv: the file name must end in .csv or .xlsx.")

    monkeypatch.setattr(export_module, "export_indicators", refuse)
    answer_save_dialog(monkeypatch, str(tmp_path / "figures.csv"))
    assert export_indicators_interactively(None, workspace) is None
    assert boxes.said == [
        (
            "warning",
            (
                "Nothing was exported. Cannot export to figures.csv: the file name must end "
                "in .csv or .xlsx."
            ),
        )
    ]


def test_an_unexpected_failure_is_explained_and_logged(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(**_kwargs: object) -> int:
        raise RuntimeError("database disk image is malformed")

    monkeypatch.setattr(export_module, "export_indicators", broken)
    answer_save_dialog(monkeypatch, str(tmp_path / "figures.csv"))
    assert export_indicators_interactively(None, workspace) is None
    assert boxes.said == [
        (
            "critical",
            (
                "The export failed: database disk image is malformed. No file was written. "
                "The details are in the log."
            ),
        )
    ]
    assert any(record.exc_info for record in caplog.records)
