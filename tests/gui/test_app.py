"""run_gui's choice of database: explicit, demo, last used, first run, and bad files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from qpmr_desktop import app, paths
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.database_dialogs import DatabaseChoice, DatabaseRequest
from qpmr_desktop.ui.main_window import MainWindow
from qpmr_desktop.ui.settings import RecentDatabases
from tests.gui.conftest import shows_window


class MessageBoxes:
    """Stands in for QMessageBox.exec: records each box and clicks one button by its text.

    Patched onto the class, ``exec_box`` must be a plain function taking the box,
    so it is used through a staticmethod wrapper (see the fixtures).
    """

    def __init__(self, click: str | None) -> None:
        self.click = click
        self.shown: list[tuple[str, str]] = []

    def exec_box(self, box: QMessageBox) -> int:
        self.shown.append((box.text(), box.informativeText()))
        for button in box.buttons():
            if button.text() == self.click:
                button.click()
        return 0


def _as_method(boxes: MessageBoxes) -> object:
    def exec_(box: QMessageBox) -> int:
        return boxes.exec_box(box)

    return exec_


@pytest.fixture
def give_up(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    boxes = MessageBoxes(click=None)  # closing the box without a choice gives up
    monkeypatch.setattr(QMessageBox, "exec", _as_method(boxes))
    return boxes


@pytest.fixture
def choose_another(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    boxes = MessageBoxes(click="Choose Another Database…")
    monkeypatch.setattr(QMessageBox, "exec", _as_method(boxes))
    return boxes


@pytest.fixture
def no_choice_dialog(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The first-run dialog, answered "Quit"; records whether it was shown as a first run."""
    asked: list[bool] = []

    def ask(_parent: object, *, first_run: bool = True) -> DatabaseChoice | None:
        asked.append(first_run)
        return None

    monkeypatch.setattr(app, "ask_database_choice", ask)
    return asked


@pytest.fixture
def opened() -> Iterator[list[Workspace]]:
    workspaces: list[Workspace] = []
    yield workspaces
    for workspace in workspaces:
        workspace.close()


def start(
    opened: list[Workspace], *, database: Path | None = None, demo: bool = False
) -> Workspace | None:
    workspace = app.open_start_workspace(database=database, demo=demo, recent=RecentDatabases())
    if workspace is not None:
        opened.append(workspace)
    return workspace


@shows_window
def test_a_bad_file_shows_the_error_and_giving_up_exits_1(
    tmp_path: Path, give_up: MessageBoxes, event_loop: list[str]
) -> None:
    bad = tmp_path / "bad.qpmr"
    bad.write_bytes(b"not a database")
    assert app.run_gui(database=bad, demo=False) == 1
    (text, informative), *_ = give_up.shown
    assert text == "QPMR Desktop could not open the database."
    assert "is not a QPMR database" in informative
    assert bad.read_bytes() == b"not a database"


def test_a_missing_file_shows_the_error(
    tmp_path: Path, give_up: MessageBoxes, opened: list[Workspace]
) -> None:
    assert start(opened, database=tmp_path / "nowhere" / "x.qpmr") is None
    assert "does not exist" in give_up.shown[0][1]


def test_choosing_another_database_after_an_error(
    tmp_path: Path,
    demo_path: Path,
    choose_another: MessageBoxes,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[Workspace],
) -> None:
    bad = tmp_path / "empty.qpmr"
    bad.write_bytes(b"")
    monkeypatch.setattr(app, "ask_database_choice", lambda *_a, **_k: DatabaseChoice.EXISTING)
    monkeypatch.setattr(app, "request_for_choice", lambda _choice: DatabaseRequest(demo_path))
    workspace = start(opened, database=bad)
    assert workspace is not None
    assert workspace.path == demo_path
    assert "is empty" in choose_another.shown[0][1]
    assert RecentDatabases().paths() == [demo_path.resolve()]


def test_an_explicit_database_opens_without_asking(
    demo_path: Path, no_choice_dialog: list[bool], opened: list[Workspace]
) -> None:
    workspace = start(opened, database=demo_path)
    assert workspace is not None
    assert workspace.path == demo_path
    assert no_choice_dialog == []


def test_the_demo_is_made_in_the_data_folder(
    no_choice_dialog: list[bool], opened: list[Workspace]
) -> None:
    workspace = start(opened, demo=True)
    assert workspace is not None
    assert workspace.path == paths.demo_database_path()
    assert workspace.path.is_file()


def test_the_last_database_used_opens_when_nothing_is_asked_for(
    demo_path: Path, no_choice_dialog: list[bool], opened: list[Workspace]
) -> None:
    RecentDatabases().add(demo_path)
    workspace = start(opened)
    assert workspace is not None
    assert workspace.path == demo_path
    assert no_choice_dialog == []


@shows_window
def test_the_first_run_asks_and_quitting_exits_1(
    no_choice_dialog: list[bool], event_loop: list[str]
) -> None:
    assert app.run_gui(database=None, demo=False) == 1
    assert no_choice_dialog == [True]


def test_a_vanished_last_database_asks_again_but_not_as_a_first_run(
    tmp_path: Path, no_choice_dialog: list[bool], opened: list[Workspace]
) -> None:
    RecentDatabases().add(tmp_path / "gone.qpmr")
    assert start(opened) is None
    assert no_choice_dialog == [False]


def test_a_new_database_is_created_from_the_first_run_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opened: list[Workspace]
) -> None:
    target = tmp_path / "council.qpmr"
    monkeypatch.setattr(app, "ask_database_choice", lambda *_a, **_k: DatabaseChoice.NEW)
    monkeypatch.setattr(
        app, "request_for_choice", lambda _choice: DatabaseRequest(target, create=True)
    )
    workspace = start(opened)
    assert workspace is not None
    assert target.is_file()


@pytest.fixture
def event_loop(qapp: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Stands in for QApplication.exec; records the main windows' titles as it goes.

    Quitting the test run's own application would break every test after this
    one, so this runs the start-up work queued behind the first paint (opening
    the database) until the window is filled or closed, then closes it.
    """
    titles: list[str] = []

    def opening(window: MainWindow) -> bool:
        return window.isVisible() and "Opening" in window.windowTitle()

    def run_the_event_loop(*_args: object) -> int:
        # Only this run's window: earlier tests' windows may be deleted meanwhile.
        windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        titles.extend(w.windowTitle() for w in windows)
        qtbot.waitUntil(lambda: not any(opening(w) for w in windows))
        titles.extend(w.windowTitle() for w in windows if w.isVisible())
        for window in windows:
            window.close()
            window.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", run_the_event_loop)
    return titles


@shows_window
def test_run_gui_paints_the_window_first_then_opens_the_database(
    demo_path: Path, event_loop: list[str]
) -> None:
    assert app.run_gui(database=demo_path, demo=False) == 0
    # First the window, saying what it is opening; then the database in it.
    assert event_loop == ["QPMR Desktop — Opening demo.qpmr…", "QPMR Desktop — demo.qpmr"]
    assert RecentDatabases().paths() == [demo_path.resolve()]
