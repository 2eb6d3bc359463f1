"""Slow work off the GUI thread: a result, an error or a cancel, always delivered on the GUI thread.

Reading a 100,000-row file, previewing it against the database and applying
it each take long enough to freeze a window; so does writing a large XLSX.
``run_in_background(work)`` runs ``work(control)`` on a ``QThreadPool`` thread
and hands back a :class:`BackgroundTask` whose signals report the outcome.

Threading contract:

* ``run_in_background`` and every method of :class:`BackgroundTask` are
  called on the GUI thread (the thread that made the task). The task starts at
  once; connect its signals before returning to the event loop — outcomes are
  queued, so none can arrive earlier.
* ``work`` runs on a pool thread. It must not touch widgets, models or any
  other ``QObject`` of the GUI thread: it reads files, calls services (each
  service call opens its own database session, and the SQLite engine allows
  use from any thread) and builds plain Python data for the GUI to show.
* Exactly one of ``succeeded(result)``, ``failed(error)`` or ``cancelled()``
  is emitted per task, on the GUI thread. ``failed`` carries the ``Exception``
  ``work`` raised, traceback attached; ``BaseException`` s that are not
  ``Exception`` s (``KeyboardInterrupt``) are not caught.
* ``work`` may call ``control.report(done, total, text)`` from its thread;
  ``progressed`` re-emits it on the GUI thread (``total`` 0: amount unknown).
  Report sparingly (each report is an event), and not after a cancel.
* ``cancel()`` cannot interrupt ``work`` — the services have no cancellation,
  and a Python thread cannot be stopped from outside. It sets
  ``control.cancelled`` (work that checks it may stop early), emits
  ``cancelled`` at once (before ``cancel`` returns), and discards whatever
  ``work`` later returns or raises. The pool thread still runs ``work`` to
  its end: ``wait()`` blocks until it has, which a caller needs before it
  closes something ``work`` uses (the workspace). Work that writes must not
  be offered a cancel: its result would be discarded, not its writing.
* Lifetime: a task keeps itself alive until its work has ended and its
  outcome has been delivered, so dropping every reference to it is safe. It
  has no Qt parent; connect its signals to a ``QObject`` 's bound slots, which
  Qt disconnects when that object is destroyed, so a closed dialog is never
  called. No ``QObject`` is made or freed on the pool thread: it only emits
  the signals of a relay the task owns (queued to the task, so its slots run
  on the GUI thread), and the task lives on until the work has ended.
* ``wait_with_progress(parent, work, …)`` serves a command that needs the
  answer before it goes on (Export…): it runs a local event loop under a
  window-modal busy dialog and returns the result, or raises the error, on
  the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressDialog, QWidget

_log = logging.getLogger(__name__)
# A busy dialog for work shorter than this would only flash.
_PROGRESS_DELAY_MS = 400

# Tasks whose work has not yet ended or whose outcome is not yet delivered.
# Held here so that a caller may drop its reference at any time.
_LIVE: set[BackgroundTask] = set()


class TaskControl:
    """What ``work`` gets from its task: the cancel flag, and a way to report progress.

    Safe to use from the pool thread; ``report`` does nothing once cancelled.
    """

    def __init__(self, reporter: Callable[[int, int, str], None]) -> None:
        self._cancel_requested = threading.Event()
        self._reporter = reporter

    @property
    def cancelled(self) -> bool:
        return self._cancel_requested.is_set()

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        """Say how far the work has got (``total`` 0 when it is not known)."""
        if not self.cancelled:
            self._reporter(done, total, text)

    def request_cancel(self) -> None:
        self._cancel_requested.set()


@dataclass(frozen=True, slots=True)
class _Outcome:
    result: object
    error: Exception | None


class _Relay(QObject):
    """The task's mouthpiece on the pool thread: a child of the task, emitted from there.

    Its signals are queued to the task's slots, so they run on the GUI thread.
    """

    delivered = Signal(object)  # an _Outcome
    progressed = Signal(int, int, str)


class _Job:
    """What the pool thread holds: the work, its control and the relay — never the task.

    Were the pool thread to hold the task, its last reference could be
    dropped there, freeing a GUI-thread ``QObject`` on the wrong thread.
    """

    def __init__(self, work: Callable[[TaskControl], object], relay: _Relay) -> None:
        self.work = work
        self.relay = relay
        self.control = TaskControl(relay.progressed.emit)
        self.ended = threading.Event()

    def run(self) -> None:
        try:
            outcome = _Outcome(self.work(self.control), None)
        # Deliberately broad: any failure of the work is the GUI's to report;
        # a pool thread has no one else to tell.
        except Exception as error:  # noqa: BLE001
            outcome = _Outcome(None, error)
        self.relay.delivered.emit(outcome)
        # The task outlives this line: it is released only once ``ended`` is set.
        self.ended.set()


class BackgroundTask(QObject):
    """One piece of work on a pool thread; see the module's threading contract."""

    succeeded = Signal(object)  # what ``work`` returned
    failed = Signal(object)  # the Exception ``work`` raised
    cancelled = Signal()
    progressed = Signal(int, int, str)  # done, total (0: unknown), text

    def __init__(self, work: Callable[[TaskControl], object], *, description: str = "") -> None:
        super().__init__()
        self.description = description
        relay = _Relay(self)
        relay.delivered.connect(self._on_relay_delivered, Qt.ConnectionType.QueuedConnection)
        relay.progressed.connect(self._on_relay_progressed, Qt.ConnectionType.QueuedConnection)
        self._job = _Job(work, relay)
        self._started = False
        self._settled = False  # an outcome (or the cancel) has been emitted

    # ------------------------------------------------------------ our API

    @property
    def is_settled(self) -> bool:
        """True once ``succeeded``, ``failed`` or ``cancelled`` has been emitted."""
        return self._settled

    @property
    def is_running(self) -> bool:
        """True from ``start`` until ``work`` has ended on its thread (even after a cancel)."""
        return self._started and not self._job.ended.is_set()

    def cancel(self) -> None:
        """Stop waiting for the work: emit ``cancelled`` now and discard its outcome."""
        if self._settled:
            return
        self._job.control.request_cancel()
        self._settled = True
        self.cancelled.emit()

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Block until ``work`` has ended on its thread; False if ``timeout_ms`` ran out first.

        The outcome is still delivered later, by the event loop.
        """
        if not self._started:
            return True
        return self._job.ended.wait(None if timeout_ms is None else timeout_ms / 1000)

    def start(self, pool: QThreadPool | None = None) -> None:
        """Queue the work on ``pool`` (the global pool by default); once only."""
        if self._started:
            raise RuntimeError("a background task is started once only")
        self._started = True
        _LIVE.add(self)
        (pool or QThreadPool.globalInstance()).start(self._job.run)

    # ------------------------------------------------------------ back on the GUI thread

    @Slot(object)
    def _on_relay_delivered(self, outcome: _Outcome) -> None:
        self._release_when_ended()
        if self._settled:
            if outcome.error is not None:
                _log.info(
                    "A cancelled task (%s) failed after its cancel: %s",
                    self.description or "unnamed",
                    outcome.error,
                )
            return
        self._settled = True
        if outcome.error is not None:
            self.failed.emit(outcome.error)
        else:
            self.succeeded.emit(outcome.result)

    @Slot(int, int, str)
    def _on_relay_progressed(self, done: int, total: int, text: str) -> None:
        if not self._settled:
            self.progressed.emit(done, total, text)

    @Slot()
    def _release_when_ended(self) -> None:
        # The pool thread may still be returning from the emit that brought
        # the outcome here; the relay (our child) must outlive that.
        if self._job.ended.is_set():
            _LIVE.discard(self)
        else:
            QTimer.singleShot(5, self._release_when_ended)


def run_in_background(
    work: Callable[[TaskControl], Any],
    *,
    description: str = "",
    pool: QThreadPool | None = None,
) -> BackgroundTask:
    """Start ``work(control)`` on a pool thread; see the module's threading contract.

    ``description`` names the work in the log ("reading values.csv").
    """
    task = BackgroundTask(work, description=description)
    task.start(pool)
    return task


class TaskSlot:
    """The one task a window waits for at a time, and every task it started.

    ``start`` runs work with ``run_in_background`` and connects its outcome
    slots; ``is_busy`` says a task is awaited, ``stoppable`` whether it may be
    given up; ``stop`` gives up a stoppable task (its ``cancelled`` slot runs);
    ``clear`` forgets it once its outcome has arrived; ``holds_close`` says the
    window must not close (an unstoppable task, such as a one-transaction
    write, is in flight); ``wait`` blocks until every task it started has
    ended (before the window goes, and in tests).
    """

    def __init__(self) -> None:
        self.task: BackgroundTask | None = None
        self.stoppable = False
        self._started: list[BackgroundTask] = []

    @property
    def is_busy(self) -> bool:
        return self.task is not None

    @property
    def holds_close(self) -> bool:
        return self.task is not None and not self.stoppable

    def start(
        self,
        work: Callable[[TaskControl], object],
        *,
        description: str,
        stoppable: bool,
        succeeded: Callable[[object], None],
        failed: Callable[[object], None],
        cancelled: Callable[[], None] | None,
    ) -> BackgroundTask:
        task = run_in_background(work, description=description)
        task.succeeded.connect(succeeded)
        task.failed.connect(failed)
        if cancelled is not None:
            task.cancelled.connect(cancelled)
        self.task, self.stoppable = task, stoppable
        self._started = [each for each in self._started if each.is_running]
        self._started.append(task)
        return task

    def stop(self) -> None:
        if self.task is not None and self.stoppable:
            self.task.cancel()

    def clear(self) -> None:
        self.task = None

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Block until every task started here has ended; False on timeout."""
        return all(task.wait(timeout_ms) for task in self._started)


class BackgroundCancelledError(Exception):
    """``wait_with_progress`` was cancelled by the person; the work's outcome was discarded."""


def wait_with_progress(
    parent: QWidget | None,
    work: Callable[[TaskControl], Any],
    *,
    title: str,
    text: str,
    description: str = "",
    cancellable: bool = False,
) -> Any:
    """Run ``work`` off the GUI thread and wait for it under a window-modal busy dialog.

    For callers that need the answer before they go on (a menu command that
    reports its result): the event loop keeps running, so the window still
    paints, while input to ``parent`` is blocked. Returns what ``work``
    returned, or raises what it raised, on the GUI thread. With
    ``cancellable`` the dialog has a Cancel button, which raises
    :class:`BackgroundCancelledError` at once (the work runs on unseen, see
    ``BackgroundTask.cancel``). The dialog appears only if the work takes
    longer than a moment.
    """
    task = run_in_background(work, description=description)
    waiting = _ModalWait(task, parent, title=title, text=text, cancellable=cancellable)
    outcome = waiting.wait()
    if outcome is None:
        raise BackgroundCancelledError(f"{description or 'the work'} was cancelled")
    if outcome.error is not None:
        raise outcome.error
    return outcome.result


class _BusyDialog(QProgressDialog):
    """A busy dialog whose Escape and close button cancel only when cancelling is allowed.

    A plain ``QProgressDialog`` hides on Escape without cancelling, which
    would leave the work running with the window free for a second command.
    """

    def __init__(self, text: str, parent: QWidget | None, *, cancellable: bool) -> None:
        super().__init__(text, "Cancel", 0, 0, parent)
        self._cancellable = cancellable
        if not cancellable:
            self.setCancelButton(None)  # no button: the work cannot be stopped

    def reject(self) -> None:
        if self._cancellable:
            self.canceled.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._cancellable:
            self.canceled.emit()
        event.ignore()  # the dialog closes when the work is done


class _ModalWait(QObject):
    """The busy dialog and local event loop of ``wait_with_progress``."""

    def __init__(
        self,
        task: BackgroundTask,
        parent: QWidget | None,
        *,
        title: str,
        text: str,
        cancellable: bool,
    ) -> None:
        super().__init__()
        self._text = text
        self._outcome: _Outcome | None = None
        self._loop = QEventLoop(self)
        self._progress = _BusyDialog(text, parent, cancellable=cancellable)
        self._progress.setWindowTitle(title)
        self._progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress.setMinimumDuration(_PROGRESS_DELAY_MS)
        self._progress.setAutoReset(False)
        self._task = task
        task.succeeded.connect(self._on_task_succeeded)
        task.failed.connect(self._on_task_failed)
        task.cancelled.connect(self._on_task_cancelled)
        task.progressed.connect(self._on_task_progressed)
        self._progress.canceled.connect(self._on_progress_canceled)

    def wait(self) -> _Outcome | None:
        """Run the event loop until the task settles; its outcome, or None if cancelled."""
        self._progress.setValue(0)  # starts the minimum-duration clock
        if not self._task.is_settled:
            self._loop.exec()
        self._progress.hide()
        self._progress.deleteLater()
        return self._outcome

    @Slot(object)
    def _on_task_succeeded(self, result: object) -> None:
        self._outcome = _Outcome(result, None)
        self._loop.quit()

    @Slot(object)
    def _on_task_failed(self, error: object) -> None:
        assert isinstance(error, Exception)
        self._outcome = _Outcome(None, error)
        self._loop.quit()

    @Slot()
    def _on_task_cancelled(self) -> None:
        self._loop.quit()

    @Slot(int, int, str)
    def _on_task_progressed(self, done: int, total: int, text: str) -> None:
        self._progress.setRange(0, total)
        self._progress.setValue(done)
        self._progress.setLabelText(text or self._text)

    @Slot()
    def _on_progress_canceled(self) -> None:
        self._task.cancel()


def live_tasks() -> frozenset[BackgroundTask]:
    """Tasks whose work has not ended or whose outcome is not yet delivered (for tests)."""
    return frozenset(_LIVE)
