"""What the app remembers: recent databases newest first, window state apart from preferences."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from qpmr_desktop.ui.settings import MAX_RECENT, RecentDatabases, WindowState


def test_recent_databases_are_newest_first_without_duplicates(tmp_path: Path) -> None:
    recent = RecentDatabases()
    assert recent.paths() == []
    assert recent.last_existing() is None
    first, second = tmp_path / "a.qpmr", tmp_path / "b.qpmr"
    recent.add(first)
    recent.add(second)
    recent.add(first)
    assert RecentDatabases().paths() == [first, second]
    recent.remove(first)
    assert recent.paths() == [second]


def test_only_existing_databases_are_offered(tmp_path: Path) -> None:
    recent = RecentDatabases()
    kept = tmp_path / "kept.qpmr"
    kept.write_bytes(b"")
    recent.add(kept)
    recent.add(tmp_path / "deleted.qpmr")
    assert recent.existing() == [kept]
    assert recent.last_existing() == kept


def test_the_list_is_bounded(tmp_path: Path) -> None:
    recent = RecentDatabases()
    for number in range(MAX_RECENT + 3):
        recent.add(tmp_path / f"{number}.qpmr")
    assert len(recent.paths()) == MAX_RECENT
    assert recent.paths()[0] == tmp_path / f"{MAX_RECENT + 2}.qpmr"
    recent.clear()
    assert recent.paths() == []


def test_window_state_lives_in_its_own_group() -> None:
    state = WindowState()
    assert state.load("geometry") is None
    state.save("geometry", QByteArray(b"\x01\x02"))
    state.save_text("current_tab", "minutes")
    state.sync()
    settings = QSettings()
    assert settings.childGroups() == ["window_state"]
    assert WindowState().load("geometry") == QByteArray(b"\x01\x02")
    assert WindowState().load_text("current_tab") == "minutes"
