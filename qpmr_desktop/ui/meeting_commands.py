"""One undo command for several minutes service calls made as one user action.

The meeting and agenda-item dialogs save everything the person changed when
they press OK: the meeting's fields, each line of attendance added, moved or
removed, the presenters and documents of an item. ``MinutesStepsCommand``
makes those calls as one step on the window's undo stack.

Contract:

- A *step* is a callable given the changes already made by the steps before
  it (so that a step can use the id of the row an earlier step added) and
  returning the ``MinutesChange`` its service call made. Steps call the
  services through ``MinutesEditor.call`` (so an amendment being recorded
  applies), with versions from ``MinutesEditor.version``.
- The first ``redo`` runs the steps in order and reports each change through
  ``MinutesEditor.applied``. When a service refuses a step, the steps already
  made are reverted, newest first, the command marks itself obsolete (so
  ``QUndoStack`` drops it) and keeps the error in ``error`` for the dialog
  that pushed it to explain: the database is as it was, and the dialog still
  holds what was typed. Nothing is reported to ``MinutesEditor.failed`` then.
- After that, ``undo`` reverts the changes newest first and ``redo`` reverts
  those reverts oldest first, each through
  ``minutes_editing.revert_minutes_change`` with the versions the editor
  tracks: the service documents each inverse exactly, so the command never
  reads the database to build one. If a service refuses part way, the part
  already done is put back, the command becomes obsolete and the refusal goes
  to ``MinutesEditor.failed`` (the Minutes tab explains it).
- ``service_step`` builds the usual step: one editing service called with
  fixed arguments, the row's ``expected_version`` read from the editor when
  the step runs (an earlier step may have moved it on), and arguments that
  depend on earlier steps (the id of the meeting or item just added).
- A no-op step (nothing differed) is not kept; a command all of whose steps
  were no-ops is obsolete and leaves the stack silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtGui import QUndoCommand

from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.read_models import MinutesChange, RowRef
from qpmr_desktop.ui.minutes_commands import MinutesEditor

__all__ = ["REFUSALS", "MinutesStepsCommand", "Step", "service_step"]

#: What a service raises for a person to read; anything else is a bug and propagates.
REFUSALS = (ConflictError, ValidationError, NotAllowedError, NotFoundError)

Step = Callable[[Sequence[MinutesChange]], MinutesChange]


def service_step(
    editor: MinutesEditor,
    function: Callable[..., MinutesChange],
    /,
    *,
    versioned: tuple[RowRef, int] | None = None,
    later: Callable[[Sequence[MinutesChange]], Mapping[str, object]] | None = None,
    **arguments: object,
) -> Step:
    """A step calling ``function`` through ``editor``; see the module contract.

    ``versioned`` is the row the call expects a version of and the version
    the dialog read; ``later`` gives the arguments that depend on the changes
    made by the steps before.
    """

    def step(made: Sequence[MinutesChange]) -> MinutesChange:
        given = dict(arguments)
        if versioned is not None:
            given["expected_version"] = editor.version(*versioned)
        if later is not None:
            given.update(later(made))
        return editor.call(function, **given)

    return step


class MinutesStepsCommand(QUndoCommand):
    """Several minutes changes as one undo step; see the module contract."""

    def __init__(self, editor: MinutesEditor, text: str, steps: Sequence[Step]) -> None:
        super().__init__(text)
        self._editor = editor
        self._steps = tuple(steps)
        # The last change of each step that changed something: forward after a
        # redo, the inverses after an undo.
        self._changes: list[MinutesChange] | None = None
        self.error: Exception | None = None

    @property
    def changes(self) -> tuple[MinutesChange, ...]:
        """The changes the command last made (its forward changes after a redo)."""
        return tuple(self._changes or ())

    def redo(self) -> None:
        if self.isObsolete():
            return
        if self._changes is None:
            self._first_redo()
        else:
            self._revert_all(self._changes, newest_first=False)

    def undo(self) -> None:
        if self.isObsolete() or self._changes is None:
            return
        self._revert_all(self._changes, newest_first=True)

    # ------------------------------------------------------------ internals

    def _first_redo(self) -> None:
        made: list[MinutesChange] = []
        try:
            for step in self._steps:
                change = step(tuple(made))
                if change.changed:
                    made.append(change)
                    self._editor.applied(change)
        except REFUSALS as error:
            self.error = error
            self.setObsolete(True)
            try:
                for change in reversed(made):
                    self._editor.applied(self._revert(change))
            except REFUSALS as second:
                # Cannot happen unless someone else changed the same rows
                # meanwhile; say so rather than pretend all was put back.
                self._editor.failed(self.text(), second)
            return
        if not made:
            self.setObsolete(True)
            return
        self._changes = made

    def _revert_all(self, changes: list[MinutesChange], *, newest_first: bool) -> None:
        order = range(len(changes) - 1, -1, -1) if newest_first else range(len(changes))
        done: list[int] = []
        try:
            for index in order:
                changes[index] = self._revert(changes[index])
                done.append(index)
                self._editor.applied(changes[index])
        except REFUSALS as error:
            self.setObsolete(True)
            self._editor.failed(self.text(), error)
            try:
                for index in reversed(done):
                    changes[index] = self._revert(changes[index])
                    self._editor.applied(changes[index])
            except REFUSALS as second:
                self._editor.failed(self.text(), second)

    def _revert(self, change: MinutesChange) -> MinutesChange:
        from qpmr_desktop.services.minutes_editing import revert_minutes_change  # noqa: PLC0415

        return revert_minutes_change(
            workspace=self._editor.workspace,
            change=change,
            versions=self._editor.versions_for(change),
        )
