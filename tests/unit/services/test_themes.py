"""Themes keep the council's order and are created once."""

from __future__ import annotations

from pathlib import Path

from qpmr_desktop.services.themes import ensure_theme, list_themes
from qpmr_desktop.services.workspace import open_workspace


def test_new_themes_go_last_and_existing_ones_are_not_duplicated(tmp_path: Path) -> None:
    workspace = open_workspace(tmp_path / "themes.qpmr", create=True)
    with workspace.database.session() as session:
        ensure_theme(session, "Start Well")
        ensure_theme(session, "Live Well")
        ensure_theme(session, "Start Well")
        ensure_theme(session, "Age Well")
    with workspace.database.session() as session:
        assert list_themes(session) == ["Start Well", "Live Well", "Age Well"]
    workspace.close()
