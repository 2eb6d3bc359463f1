"""save_screenshot: a real PNG of each tab, at the size asked for, with real content."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from qpmr_desktop.services.workspace import WorkspaceOpenError
from qpmr_desktop.ui.screenshot import save_screenshot


def distinct_colours(image: QImage, step: int = 7) -> int:
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


@pytest.mark.parametrize("tab", ["indicators", "minutes", "actions"])
def test_each_tab_is_saved_as_a_non_trivial_png(demo_path: Path, tmp_path: Path, tab: str) -> None:
    out = tmp_path / f"{tab}.png"
    save_screenshot(database=demo_path, tab=tab, out=out, size=(1000, 640))
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert out.stat().st_size > 20_000
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 640)
    assert distinct_colours(image) > 20  # text, chips and frames, not a blank window


def test_the_saved_layout_is_left_alone(demo_path: Path, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings

    save_screenshot(database=demo_path, tab="minutes", out=tmp_path / "m.png", size=(800, 600))
    assert not QSettings().contains("window_state/geometry")


def test_an_unknown_tab_is_a_clear_error(demo_path: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Unknown tab 'charts': choose one of indicators, minutes"):
        save_screenshot(database=demo_path, tab="charts", out=tmp_path / "x.png", size=(800, 600))
    assert not (tmp_path / "x.png").exists()


def test_a_bad_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceOpenError, match="There is no database"):
        save_screenshot(
            database=tmp_path / "nope.qpmr", tab="minutes", out=tmp_path / "x.png", size=(800, 600)
        )


def test_an_unwritable_output_is_a_clear_error(demo_path: Path, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="Could not write the screenshot"):
        save_screenshot(
            database=demo_path, tab="actions", out=tmp_path / "no" / "x.png", size=(800, 600)
        )
