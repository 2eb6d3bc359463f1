"""One undo command for several minutes service calls made as one user action.

The meeting and agenda-item dialogs save everything the person changed when
they press OK: the meeting's fields, each line of attendance added, moved or
removed, the presenters and documents of an item. ``MinutesStepsCommand``
makes those calls as one step on the window's undo stack.

Contract (the machinery is ``ui.service_commands.ServiceStepsCommand``'s):

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

from qpmr_desktop.services.read_models import MinutesChange, RowRef
from qpmr_desktop.ui.minutes_commands import MinutesEditor
from qpmr_desktop.ui.service_commands import REFUSALS, ServiceStepsCommand

# REFUSALS stays importable from here: the meeting and agenda dialogs catch it.
__all__ = ["REFUSALS", "MinutesStepsCommand", "Step", "service_step"]

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


class MinutesStepsCommand(ServiceStepsCommand[MinutesChange]):
    """Several minutes changes as one undo step; see the module contract."""

    def __init__(self, editor: MinutesEditor, text: str, steps: Sequence[Step]) -> None:
        super().__init__(text)
        self._editor = editor
        self._steps = tuple(steps)
        self.error: Exception | None = None

    def _make(self) -> list[MinutesChange] | None:
        made: list[MinutesChange] = []
        try:
            for step in self._steps:
                change = step(tuple(made))
                if change.changed:
                    made.append(change)
                    self._editor.applied(change)
        except REFUSALS as error:
            # Left to the dialog that pushed the command, which still holds what was typed.
            self.error = error
            self.setObsolete(True)
            self._roll_back(made, range(len(made)))
            return None
        if not made:
            self.setObsolete(True)
            return None
        return made

    def _revert(self, change: MinutesChange) -> MinutesChange:
        return self._editor.revert(change)

    def _applied(self, change: MinutesChange) -> None:
        self._editor.applied(change)

    def _failed(self, error: Exception) -> None:
        self._editor.failed(self.text(), error)
