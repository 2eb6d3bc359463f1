"""The undo machinery every family of editing commands shares: editor, command, steps command.

A user edit goes through a service that checks versions and returns a
*change*: a read model with a ``changed`` flag that its service can revert
exactly (``revert_change``, ``revert_action_change``, ``revert_plan_change``,
``revert_minutes_change``, ``revert_setting_change``). The commands never read
the database to build an inverse; they keep the change and hand it back.

Contract:

- ``ServiceEditor[K, C]`` is what the commands of one undo stack share: the
  open ``workspace`` (``set_workspace`` forgets every version seen in the old
  one, through ``_forget``, which subclasses extend), the latest version of
  every row the commands wrote (``RowVersions`` keyed by ``K``: versions only
  go up, so undoing an older command must expect the version a newer one left
  behind), ``last_applied``, and two signals. ``applied(change)`` records the
  versions a change left (a subclass names them in ``_rows_written``) and
  emits ``change_applied(change)``, so views refresh only what the change
  names. ``failed(undo text, error)`` emits ``command_failed(undo text,
  sentence, reload)``: the sentence is ``describe(error)``, and ``reload`` is
  whether the error is one of ``RELOAD_AFTER`` (someone else changed or
  deleted the row: the views are stale). Commands never show a message: the
  tab does, after the stack has finished.
- ``ServiceCommand[E, C]`` is one user action over editor ``E``. A subclass
  supplies ``_first_redo()`` (the service call that makes the change) and its
  family supplies ``_revert(change)`` (the service's inverse, with the version
  the editor expects). The first ``redo`` makes the change; after that
  ``undo`` and ``redo`` both revert the last change the command received.
  Each change goes to ``_applied`` (the editor's ``applied`` unless the
  family says otherwise).
- A service refusal (``REFUSALS``: ``ConflictError``, ``ValidationError``,
  ``NotAllowedError``, ``NotFoundError``; anything else is a bug and
  propagates) marks the command obsolete, so ``QUndoStack`` drops it on push,
  undo or redo alike and holds only steps that can still be taken, and goes
  to ``editor.failed``. A first change that turns out to be a no-op
  (``changed`` False) is dropped the same way, silently.
- Merging: a command class that merges sets ``MERGE_ID`` (any number
  distinct from other classes' on a stack) and ``_merge_key()``; the command
  before it absorbs it when both are of that class with equal keys (the same
  cell, the same field of the same row), neither is obsolete, both made a
  change and ``_can_merge`` agrees. The merged change is ``_merged(first,
  second)``: from before the first to after the second. When it
  ``_undoes_nothing`` (typed back to what it was) the command turns obsolete.
- ``ServiceStepsCommand[C]`` is several changes as one undo step. Either
  they are made already (``changes`` given: pushing it does nothing) or a
  subclass makes them in ``_make``. ``undo`` reverts them newest first and
  ``redo`` reverts those reverts oldest first, each through ``_revert`` and
  reported to ``_applied``. When a revert is refused part way, the reverts
  already done are put back (``_roll_back``), the command turns obsolete and
  ``_failed`` hears of the refusal (and of a refused put-back).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, ClassVar, Final, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from qpmr_desktop.services.errors import (
    ConflictError,
    NotAllowedError,
    NotFoundError,
    ValidationError,
)
from qpmr_desktop.services.workspace import Workspace

__all__ = [
    "REFUSALS",
    "Change",
    "RowVersions",
    "ServiceCommand",
    "ServiceEditor",
    "ServiceStepsCommand",
]

#: What a service raises for a person to read; anything else is a bug and propagates.
REFUSALS: Final = (ConflictError, ValidationError, NotAllowedError, NotFoundError)


class Change(Protocol):
    """What the machinery needs of a service's change: whether it changed anything."""

    @property
    def changed(self) -> bool: ...


K = TypeVar("K", bound=Hashable)
C = TypeVar("C", bound=Change)
E = TypeVar("E", bound="ServiceEditor[Any, Any]")


class RowVersions(Generic[K]):
    """The latest version of each row an undo stack's commands wrote (None: deleted)."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[K, int | None] = {}

    def clear(self) -> None:
        self._known.clear()

    def record(self, row: K, version: int | None) -> None:
        self._known[row] = version

    def current(self, row: K, default: int | None) -> int | None:
        """The version ``row`` is at as far as the commands know; ``default`` if never written."""
        return self._known.get(row, default)

    def expected(self, row: K, seen: int) -> int:
        """The version to expect of a row read at ``seen``: the newer of that and our own.

        A row read before one of this stack's own changes would otherwise look
        stale to the service.
        """
        known = self._known.get(row)
        return seen if known is None else max(known, seen)


class ServiceEditor(QObject, Generic[K, C]):
    """What one undo stack's commands share; see the module contract."""

    change_applied = Signal(object)  # C
    command_failed = Signal(str, str, bool)  # undo text, message, whether to reload

    #: The refusals after which the views must reload: what they show is stale.
    RELOAD_AFTER: ClassVar[tuple[type[Exception], ...]] = (
        ConflictError,
        NotFoundError,
        NotAllowedError,
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace: Workspace | None = None
        self._versions: RowVersions[K] = RowVersions()
        self._last_applied: C | None = None

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            raise RuntimeError("No database is open: there is nothing to edit.")
        return self._workspace

    @property
    def workspace_or_none(self) -> Workspace | None:
        return self._workspace

    @property
    def has_workspace(self) -> bool:
        return self._workspace is not None

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Edit ``workspace`` from now on; what was seen in the old one is forgotten."""
        self._workspace = workspace
        self._forget()

    @property
    def last_applied(self) -> C | None:
        """The change most recently made by any command (a new row's id, after a push)."""
        return self._last_applied

    def applied(self, change: C) -> None:
        """Remember the versions ``change`` left its rows at, and tell the views."""
        for row, version in self._rows_written(change):
            self._versions.record(row, version)
        self._last_applied = change
        self.change_applied.emit(change)

    def failed(self, what: str, error: Exception) -> None:
        """Report a refused step: a sentence for a person, and whether the views must reload."""
        self.command_failed.emit(what, self.describe(error), isinstance(error, self.RELOAD_AFTER))

    def describe(self, error: Exception) -> str:
        """The sentence ``command_failed`` carries for ``error``."""
        return str(error)

    def _forget(self) -> None:
        """Drop what belongs to the old workspace; a subclass extends it with its own."""
        self._versions.clear()
        self._last_applied = None

    def _rows_written(self, change: C) -> Iterable[tuple[K, int | None]]:
        """Each row ``change`` wrote, with the version it left the row at."""
        raise NotImplementedError


class ServiceCommand(QUndoCommand, Generic[E, C]):
    """Makes a change once, then flips between it and its inverse; see the module contract."""

    #: The id ``QUndoStack`` merges commands by; -1 (Qt's default) never merges.
    MERGE_ID: ClassVar[int] = -1

    def __init__(self, editor: E, text: str) -> None:
        super().__init__(text)
        self._editor = editor
        self._change: C | None = None

    @property
    def change(self) -> C | None:
        """The last change this command made (its forward change after a redo)."""
        return self._change

    def redo(self) -> None:
        if not self.isObsolete():
            self._step()

    def undo(self) -> None:
        if not self.isObsolete() and self._change is not None:
            self._step()

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, type(self)) and other._merge_key() == self._merge_key()):
            return False
        if self.isObsolete() or other.isObsolete():
            return False  # a failed step is never folded into a good one
        mine, theirs = self._change, other.change
        if mine is None or theirs is None or not self._can_merge(mine, theirs):
            return False
        self._change = self._merged(mine, theirs)
        if self._undoes_nothing(self._change):
            # Typed back to what it was: the step has nothing left to undo.
            self.setObsolete(True)
        return True

    # ------------------------------------------------------------ what subclasses supply

    def _first_redo(self) -> C:
        """Make the change through the service."""
        raise NotImplementedError

    def _revert(self, change: C) -> C:
        """The service's exact inverse of ``change``, expecting the versions the editor knows."""
        raise NotImplementedError

    def _applied(self, change: C) -> None:
        """Tell the editor (and so the views) about ``change``."""
        self._editor.applied(change)

    def _merge_key(self) -> Hashable:
        """What must be equal for two commands of a merging class to merge."""
        raise NotImplementedError

    def _can_merge(self, first: C, second: C) -> bool:  # noqa: ARG002 - a hook: the default agrees
        return True

    def _merged(self, first: C, second: C) -> C:
        """One change from before ``first`` to after ``second``."""
        raise NotImplementedError

    def _undoes_nothing(self, change: C) -> bool:
        return not change.changed

    # ------------------------------------------------------------ internals

    def _step(self) -> None:
        """Make the change (first redo) or revert the last one; a refusal drops the command."""
        first = self._change is None
        try:
            change = self._first_redo() if self._change is None else self._revert(self._change)
        except REFUSALS as error:
            # Dropped from the stack: the step cannot be taken, and the steps
            # around it must not assume it was.
            self.setObsolete(True)
            self._editor.failed(self.text(), error)
            return
        if first and not change.changed:
            self.setObsolete(True)  # nothing differed: nothing to undo
            return
        self._change = change
        self._applied(change)


class ServiceStepsCommand(QUndoCommand, Generic[C]):
    """Several changes as one undo step; see the module contract."""

    def __init__(self, text: str, changes: Sequence[C] | None = None) -> None:
        super().__init__(text)
        # The last change of each step that changed something: forward after a
        # redo, the inverses after an undo. None until the first redo made them.
        self._changes: list[C] | None = None if changes is None else list(changes)
        # Changes given were made before the push, so the push's redo has nothing to do.
        self._done = changes is not None

    @property
    def changes(self) -> tuple[C, ...]:
        """The changes the command last made (its forward changes after a redo)."""
        return tuple(self._changes or ())

    def redo(self) -> None:
        if self.isObsolete() or self._done:
            return
        if self._changes is None:
            self._changes = self._make()
        else:
            self._revert_all(self._changes, newest_first=False)
        self._done = True

    def undo(self) -> None:
        if self.isObsolete() or not self._done or self._changes is None:
            return
        self._revert_all(self._changes, newest_first=True)
        self._done = False

    # ------------------------------------------------------------ what subclasses supply

    def _make(self) -> list[C] | None:
        """Make the changes on the first redo; None (and obsolete) when there are none to keep."""
        raise NotImplementedError

    def _revert(self, change: C) -> C:
        """The service's exact inverse of ``change``."""
        raise NotImplementedError

    def _applied(self, change: C) -> None:
        """Tell the views about ``change``; nothing by default."""

    def _failed(self, error: Exception) -> None:
        """Report a refusal to a person."""
        raise NotImplementedError

    # ------------------------------------------------------------ internals

    def _revert_all(self, changes: list[C], *, newest_first: bool) -> None:
        order = range(len(changes) - 1, -1, -1) if newest_first else range(len(changes))
        done: list[int] = []
        try:
            for index in order:
                changes[index] = self._revert(changes[index])
                done.append(index)
                self._applied(changes[index])
        except REFUSALS as error:
            self.setObsolete(True)
            self._failed(error)
            self._roll_back(changes, done)

    def _roll_back(self, changes: list[C], done: Sequence[int]) -> None:
        """Revert ``changes`` at the indices ``done``, the last done first."""
        try:
            for index in reversed(done):
                changes[index] = self._revert(changes[index])
                self._applied(changes[index])
        except REFUSALS as second:
            # Cannot happen unless someone else changed the same rows
            # meanwhile; say so rather than pretend all was put back.
            self._failed(second)
