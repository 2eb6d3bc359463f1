"""Work off the GUI thread: results, errors, progress and cancels come back on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog
from pytestqt.qtbot import QtBot

from qpmr_desktop.ui.background import (
    BackgroundCancelledError,
    BackgroundTask,
    TaskControl,
    TaskSlot,
    live_tasks,
    run_in_background,
    wait_with_progress,
)

TIMEOUT_MS = 5000


@pytest.fixture(autouse=True)
def _no_task_left_behind(qtbot: QtBot) -> Iterator[None]:
    yield
    for task in live_tasks():
        assert task.wait(TIMEOUT_MS)
    qtbot.waitUntil(lambda: not live_tasks(), timeout=TIMEOUT_MS)


def test_the_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    gui_thread = threading.get_ident()
    work_threads: list[int] = []
    slot_threads: list[int] = []

    def work(_control: TaskControl) -> str:
        work_threads.append(threading.get_ident())
        return "read 45 rows"

    task = run_in_background(work, description="a test")
    task.succeeded.connect(lambda _result: slot_threads.append(threading.get_ident()))
    with qtbot.waitSignal(task.succeeded, timeout=TIMEOUT_MS) as blocker:
        pass
    assert blocker.args == ["read 45 rows"]
    assert work_threads != [gui_thread]
    assert slot_threads == [gui_thread]
    assert task.is_settled


def test_an_error_arrives_with_its_traceback(qtbot: QtBot) -> None:
    def work(_control: TaskControl) -> None:
        raise ValueError("row 3: 'abc' is not a number")

    task = run_in_background(work)
    with (
        qtbot.assertNotEmitted(task.succeeded, wait=50),
        qtbot.waitSignal(task.failed, timeout=TIMEOUT_MS) as blocker,
    ):
        pass
    (error,) = blocker.args
    assert isinstance(error, ValueError)
    assert str(error) == "row 3: 'abc' is not a number"
    assert error.__traceback__ is not None


def test_progress_is_relayed_to_the_gui_thread(qtbot: QtBot) -> None:
    gui_thread = threading.get_ident()
    reports: list[tuple[int, int, str, int]] = []

    def work(control: TaskControl) -> int:
        for done in range(1, 4):
            control.report(done, 3, f"step {done}")
        return 3

    task = run_in_background(work)
    task.progressed.connect(
        lambda done, total, text: reports.append((done, total, text, threading.get_ident()))
    )
    with qtbot.waitSignal(task.succeeded, timeout=TIMEOUT_MS):
        pass
    assert reports == [(done, 3, f"step {done}", gui_thread) for done in (1, 2, 3)]


def test_a_cancel_is_reported_at_once_and_the_outcome_discarded(qtbot: QtBot) -> None:
    release = threading.Event()
    seen_cancel: list[bool] = []

    def work(control: TaskControl) -> str:
        release.wait(TIMEOUT_MS / 1000)
        seen_cancel.append(control.cancelled)
        control.report(1, 1, "too late")
        return "discarded"

    task = run_in_background(work)
    assert task.is_running
    with qtbot.waitSignal(task.cancelled, timeout=0):
        task.cancel()
    assert task.is_settled
    with (
        qtbot.assertNotEmitted(task.succeeded, wait=100),
        qtbot.assertNotEmitted(task.progressed),
        qtbot.assertNotEmitted(task.cancelled),
    ):
        release.set()
        assert task.wait(TIMEOUT_MS)
    assert seen_cancel == [True]
    assert not task.is_running


def test_a_failure_after_a_cancel_is_discarded(qtbot: QtBot) -> None:
    release = threading.Event()

    def work(_control: TaskControl) -> None:
        release.wait(TIMEOUT_MS / 1000)
        raise OSError("disk gone")

    task = run_in_background(work)
    task.cancel()
    with qtbot.assertNotEmitted(task.failed, wait=100):
        release.set()
        assert task.wait(TIMEOUT_MS)


def test_a_task_nobody_holds_still_finishes(qtbot: QtBot) -> None:
    results: list[object] = []
    task = run_in_background(lambda _control: 42)
    task.succeeded.connect(results.append)
    del task
    qtbot.waitUntil(lambda: results == [42], timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not live_tasks(), timeout=TIMEOUT_MS)


class _Receiver(QObject):
    def __init__(self, results: list[object]) -> None:
        super().__init__()
        self.results = results

    @Slot(object)
    def _on_task_succeeded(self, result: object) -> None:
        self.results.append(result)


def test_a_destroyed_receiver_is_not_called(qtbot: QtBot) -> None:
    release = threading.Event()

    def work(_control: TaskControl) -> str:
        release.wait(TIMEOUT_MS / 1000)
        return "after the dialog closed"

    results: list[object] = []
    receiver = _Receiver(results)
    task = run_in_background(work)
    task.succeeded.connect(receiver._on_task_succeeded)
    with qtbot.waitSignal(receiver.destroyed, timeout=TIMEOUT_MS):
        receiver.deleteLater()
    with qtbot.waitSignal(task.succeeded, timeout=TIMEOUT_MS):
        release.set()
    assert results == []


def test_a_task_starts_once_only(qtbot: QtBot) -> None:
    task = BackgroundTask(lambda _control: None)
    task.start()
    with pytest.raises(RuntimeError, match="once only"):
        task.start()
    with qtbot.waitSignal(task.succeeded, timeout=TIMEOUT_MS):
        pass


def test_waiting_for_an_unstarted_task_returns_at_once() -> None:
    task = BackgroundTask(lambda _control: None)
    assert task.wait(0)
    assert not task.is_running


# ------------------------------------------------------------------ waiting under a busy dialog


def test_waiting_returns_the_result_on_the_gui_thread(qtbot: QtBot) -> None:
    gui_thread = threading.get_ident()
    assert (
        wait_with_progress(
            None, lambda _control: threading.get_ident(), title="Export", text="Writing…"
        )
        != gui_thread
    )


def test_waiting_raises_the_error_on_the_gui_thread(qtbot: QtBot) -> None:
    def work(control: TaskControl) -> None:
        control.report(1, 2, "half way")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device"):
        wait_with_progress(None, work, title="Export", text="Writing…")


def test_waiting_can_be_cancelled_when_allowed(qtbot: QtBot) -> None:
    release = threading.Event()

    def work(_control: TaskControl) -> str:
        release.wait(TIMEOUT_MS / 1000)
        return "discarded"

    def press_cancel() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
        assert [dialog.windowTitle() for dialog in dialogs] == ["Reading"]
        dialogs[0].reject()  # Escape

    QTimer.singleShot(50, press_cancel)
    with pytest.raises(BackgroundCancelledError):
        wait_with_progress(None, work, title="Reading", text="Reading…", cancellable=True)
    release.set()
    qtbot.waitUntil(lambda: not live_tasks(), timeout=TIMEOUT_MS)


def test_waiting_cannot_be_escaped_when_not_cancellable(qtbot: QtBot) -> None:
    release = threading.Event()

    def work(_control: TaskControl) -> str:
        assert release.wait(TIMEOUT_MS / 1000)
        return "written"

    def press_escape_then_finish() -> None:
        (dialog,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
        dialog.reject()
        dialog.close()
        release.set()

    QTimer.singleShot(50, press_escape_then_finish)
    assert wait_with_progress(None, work, title="Export", text="Writing…") == "written"


def test_a_task_slot_holds_the_window_only_for_unstoppable_work(qtbot: QtBot) -> None:
    slot = TaskSlot()
    release = threading.Event()
    outcomes: list[str] = []

    def work(_control: TaskControl) -> str:
        release.wait(TIMEOUT_MS / 1000)
        return "done"

    def record(name: str) -> Callable[..., None]:
        return lambda *_args: outcomes.append(name)

    slot.start(
        work,
        description="a write",
        stoppable=False,
        succeeded=record("succeeded"),
        failed=record("failed"),
        cancelled=record("cancelled"),
    )
    assert _busy_and_holding(slot) == (True, True)
    slot.stop()  # an unstoppable task is not given up
    assert outcomes == []
    release.set()
    assert slot.wait(TIMEOUT_MS)
    qtbot.waitUntil(lambda: outcomes == ["succeeded"], timeout=TIMEOUT_MS)
    slot.clear()
    assert _busy_and_holding(slot) == (False, False)

    release.clear()
    slot.start(
        work,
        description="a read",
        stoppable=True,
        succeeded=record("succeeded"),
        failed=record("failed"),
        cancelled=record("cancelled"),
    )
    assert _busy_and_holding(slot) == (True, False)
    slot.stop()
    assert outcomes == ["succeeded", "cancelled"]
    release.set()
    assert slot.wait(TIMEOUT_MS)


def _busy_and_holding(slot: TaskSlot) -> tuple[bool, bool]:
    return slot.is_busy, slot.holds_close
