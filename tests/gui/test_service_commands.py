"""The shared undo machinery, over a fake service kept in a dict (no database).

Each command test pushes, asserts the store, undoes, asserts the original,
redoes and asserts again; refusals and no-ops must leave the stack.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import pytest
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from qpmr_desktop.services.errors import ConflictError, NotAllowedError, ValidationError
from qpmr_desktop.ui.service_commands import (
    RowVersions,
    ServiceCommand,
    ServiceEditor,
    ServiceStepsCommand,
)

TEXT = "Ünïcode <b>&amp;</b> “quoted” 🌧 Добрый"


@dataclass(frozen=True)
class FakeChange:
    key: str
    before: str
    after: str
    version: int

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class FakeStore:
    """One text per key with a version, checked as the real services check theirs."""

    values: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    locked: set[str] = field(default_factory=set)

    def set(self, key: str, value: str, *, expected_version: int | None) -> FakeChange:
        if key in self.locked:
            raise NotAllowedError(f"“{key}” is locked.")
        actual = self.versions.get(key, 0)
        if expected_version != actual:
            raise ConflictError(
                f"Someone else changed “{key}”.",
                table="fake",
                row_id=None,
                expected_version=expected_version,
                actual_version=actual,
            )
        before = self.values.get(key, "")
        if before != value:
            self.values[key] = value
            self.versions[key] = actual + 1
        return FakeChange(key, before, value, self.versions.get(key, 0))

    def revert(self, change: FakeChange, *, expected_version: int | None) -> FakeChange:
        return self.set(change.key, change.before, expected_version=expected_version)


class FakeEditor(ServiceEditor[str, FakeChange]):
    def __init__(self, store: FakeStore) -> None:
        super().__init__()
        self.store = store

    def expected(self, key: str, seen: int) -> int:
        return self._versions.expected(key, seen)

    def version_for(self, change: FakeChange) -> int | None:
        return self._versions.current(change.key, change.version)

    def _rows_written(self, change: FakeChange) -> Iterable[tuple[str, int | None]]:
        return ((change.key, change.version),)


class _FakeCommand(ServiceCommand[FakeEditor, FakeChange]):
    def __init__(self, editor: FakeEditor, key: str, value: str, *, seen: int) -> None:
        super().__init__(editor, f"Set {key}")
        self.key = key
        self._value = value
        self._seen = seen

    def _first_redo(self) -> FakeChange:
        return self._editor.store.set(
            self.key, self._value, expected_version=self._editor.expected(self.key, self._seen)
        )

    def _revert(self, change: FakeChange) -> FakeChange:
        return self._editor.store.revert(change, expected_version=self._editor.version_for(change))


class StampCommand(_FakeCommand):
    """Never merges (no ``MERGE_ID``)."""


class TypeCommand(_FakeCommand):
    """Merges with the previous typing into the same key."""

    MERGE_ID = 9001

    def _merge_key(self) -> Hashable:
        return self.key

    def _merged(self, first: FakeChange, second: FakeChange) -> FakeChange:
        return FakeChange(first.key, first.before, second.after, second.version)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(values={"a": "old"}, versions={"a": 1})


@pytest.fixture
def editor(store: FakeStore) -> FakeEditor:
    return FakeEditor(store)


@pytest.fixture
def stack() -> QUndoStack:
    return QUndoStack()


# ------------------------------------------------------------------ versions and editor


def test_row_versions_expect_the_newer_of_what_was_seen_and_what_was_written() -> None:
    versions: RowVersions[str] = RowVersions()
    assert versions.expected("a", 3) == 3
    assert versions.current("a", 7) == 7
    versions.record("a", 5)
    assert versions.expected("a", 3) == 5
    assert versions.expected("a", 9) == 9
    assert versions.current("a", 7) == 5
    versions.record("a", None)  # deleted: what was seen stands, the current is None
    assert versions.expected("a", 3) == 3
    assert versions.current("a", 7) is None
    versions.clear()
    assert versions.current("a", 7) == 7


def test_applied_records_the_version_and_tells_the_views(qtbot: QtBot, editor: FakeEditor) -> None:
    change = FakeChange("a", "old", TEXT, 4)
    with qtbot.waitSignal(editor.change_applied) as applied:
        editor.applied(change)
    assert applied.args == [change]
    assert editor.last_applied is change
    assert editor.expected("a", 1) == 4


def test_another_workspace_forgets_what_was_seen(editor: FakeEditor) -> None:
    editor.applied(FakeChange("a", "old", TEXT, 4))
    editor.set_workspace(None)
    assert editor.expected("a", 1) == 1
    assert editor.last_applied is None
    assert not editor.has_workspace
    assert editor.workspace_or_none is None
    with pytest.raises(RuntimeError, match="No database is open"):
        _ = editor.workspace


@pytest.mark.parametrize(
    ("error", "reload"),
    [
        (
            ConflictError("Changed.", table="t", row_id=1, expected_version=1, actual_version=2),
            True,
        ),
        (NotAllowedError("Not allowed."), True),
        (ValidationError("The thing", []), False),
    ],
)
def test_failed_says_what_and_whether_to_reload(
    qtbot: QtBot, editor: FakeEditor, error: Exception, reload: bool
) -> None:
    with qtbot.waitSignal(editor.command_failed) as failed:
        editor.failed(f"Set {TEXT}", error)
    assert failed.args == [f"Set {TEXT}", str(error), reload]


# ------------------------------------------------------------------ one change


def test_a_command_makes_its_change_then_flips_through_the_inverse(
    qtbot: QtBot, store: FakeStore, editor: FakeEditor, stack: QUndoStack
) -> None:
    command = StampCommand(editor, "a", TEXT, seen=1)
    with qtbot.waitSignal(editor.change_applied):
        stack.push(command)
    assert store.values["a"] == TEXT
    assert command.change == FakeChange("a", "old", TEXT, 2)
    stack.undo()
    assert store.values["a"] == "old"
    assert store.versions["a"] == 3  # versions only go up: the undo expected 2
    stack.redo()
    assert store.values["a"] == TEXT
    assert command.change == FakeChange("a", "old", TEXT, 4)
    assert stack.count() == 1


def test_a_refused_push_is_dropped_and_reported(
    qtbot: QtBot, store: FakeStore, editor: FakeEditor, stack: QUndoStack
) -> None:
    with qtbot.waitSignal(editor.command_failed) as failed:
        stack.push(StampCommand(editor, "a", TEXT, seen=0))  # read before someone else's edit
    assert failed.args == ["Set a", "Someone else changed “a”.", True]
    assert stack.count() == 0
    assert store.values["a"] == "old"


def test_a_refused_undo_drops_the_command(
    qtbot: QtBot, store: FakeStore, editor: FakeEditor, stack: QUndoStack
) -> None:
    stack.push(StampCommand(editor, "a", TEXT, seen=1))
    store.locked.add("a")
    with qtbot.waitSignal(editor.command_failed) as failed:
        stack.undo()
    assert failed.args == ["Set a", "“a” is locked.", True]
    assert stack.count() == 0
    assert store.values["a"] == TEXT


def test_a_no_op_leaves_the_stack_silently(
    qtbot: QtBot, store: FakeStore, editor: FakeEditor, stack: QUndoStack
) -> None:
    with (
        qtbot.assertNotEmitted(editor.command_failed),
        qtbot.assertNotEmitted(editor.change_applied),
    ):
        stack.push(StampCommand(editor, "a", "old", seen=1))
    assert stack.count() == 0
    assert store.versions["a"] == 1


def test_commands_without_a_merge_id_stay_separate(editor: FakeEditor, stack: QUndoStack) -> None:
    assert StampCommand(editor, "a", TEXT, seen=1).id() == -1
    stack.push(StampCommand(editor, "a", "one", seen=1))
    stack.push(StampCommand(editor, "a", "two", seen=1))
    assert stack.count() == 2


def test_typing_into_one_row_merges_into_one_step_back_to_the_first_text(
    store: FakeStore, editor: FakeEditor, stack: QUndoStack
) -> None:
    stack.push(TypeCommand(editor, "a", "o", seen=1))
    stack.push(TypeCommand(editor, "a", TEXT, seen=1))  # seen before the first: still no conflict
    stack.push(TypeCommand(editor, "b", "other row", seen=0))
    assert stack.count() == 2
    assert store.values == {"a": TEXT, "b": "other row"}
    stack.undo()
    stack.undo()
    assert store.values == {"a": "old", "b": ""}
    stack.redo()
    assert store.values["a"] == TEXT


def test_typing_back_to_the_original_leaves_nothing_to_undo(
    store: FakeStore, editor: FakeEditor, stack: QUndoStack
) -> None:
    stack.push(TypeCommand(editor, "a", TEXT, seen=1))
    stack.push(TypeCommand(editor, "a", "old", seen=1))
    assert stack.count() == 0
    assert store.values["a"] == "old"


def test_a_refused_command_is_never_merged_into_a_good_one(
    qtbot: QtBot, store: FakeStore, editor: FakeEditor, stack: QUndoStack
) -> None:
    stack.push(TypeCommand(editor, "a", TEXT, seen=1))
    store.locked.add("a")
    with qtbot.waitSignal(editor.command_failed):
        stack.push(TypeCommand(editor, "a", "refused", seen=1))
    store.locked.clear()
    assert stack.count() == 1
    stack.undo()
    assert store.values["a"] == "old"


# ------------------------------------------------------------------ several changes


class SettingsLikeCommand(ServiceStepsCommand[FakeChange]):
    """Changes made before the push, as the settings dialog makes them."""

    def __init__(self, store: FakeStore, changes: Sequence[FakeChange] | None = None) -> None:
        super().__init__("Change Several", changes)
        self.store = store
        self.reported: list[FakeChange] = []
        self.failures: list[str] = []

    def _revert(self, change: FakeChange) -> FakeChange:
        return self.store.revert(change, expected_version=self.store.versions.get(change.key, 0))

    def _applied(self, change: FakeChange) -> None:
        self.reported.append(change)

    def _failed(self, error: Exception) -> None:
        self.failures.append(str(error))


class MadeOnPushCommand(SettingsLikeCommand):
    """Makes its changes on the first redo."""

    def __init__(self, store: FakeStore, values: dict[str, str]) -> None:
        super().__init__(store)
        self._values = values

    def _make(self) -> list[FakeChange] | None:
        made = [
            self.store.set(key, value, expected_version=self.store.versions.get(key, 0))
            for key, value in self._values.items()
        ]
        kept = [change for change in made if change.changed]
        if not kept:
            self.setObsolete(True)
        return kept or None


def _made(store: FakeStore) -> list[FakeChange]:
    return [
        store.set("a", TEXT, expected_version=1),
        store.set("b", "new b", expected_version=0),
    ]


def test_changes_made_before_the_push_undo_newest_first_and_redo(
    store: FakeStore, stack: QUndoStack
) -> None:
    command = SettingsLikeCommand(store, _made(store))
    stack.push(command)
    assert store.values == {"a": TEXT, "b": "new b"}  # the push did nothing
    assert command.reported == []
    stack.undo()
    assert store.values == {"a": "old", "b": ""}
    assert [change.key for change in command.reported] == ["b", "a"]
    stack.redo()
    assert store.values == {"a": TEXT, "b": "new b"}
    assert [change.key for change in command.reported[2:]] == ["a", "b"]
    assert [change.after for change in command.changes] == [TEXT, "new b"]


def test_a_revert_refused_part_way_puts_back_what_was_done(
    store: FakeStore, stack: QUndoStack
) -> None:
    command = SettingsLikeCommand(store, _made(store))
    stack.push(command)
    store.locked.add("a")  # b is reverted first, then a is refused
    stack.undo()
    assert command.failures == ["“a” is locked."]
    assert stack.count() == 0
    assert store.values == {"a": TEXT, "b": "new b"}


def test_changes_made_on_the_first_redo(store: FakeStore, stack: QUndoStack) -> None:
    command = MadeOnPushCommand(store, {"a": TEXT, "c": "new c"})
    stack.push(command)
    assert store.values == {"a": TEXT, "c": "new c"}
    stack.undo()
    assert store.values == {"a": "old", "c": ""}
    stack.redo()
    assert store.values == {"a": TEXT, "c": "new c"}
    assert stack.count() == 1


def test_a_command_that_changed_nothing_leaves_the_stack(
    store: FakeStore, stack: QUndoStack
) -> None:
    stack.push(MadeOnPushCommand(store, {"a": "old"}))
    assert stack.count() == 0
