"""Test set-up shared by every suite: headless Qt, a private data folder, databases.

Qt must run offscreen (there is no screen here, and Qt aborts without one), and
nothing a test does may touch the real user's data folder or settings.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_NAME = "000_1c0c492cd0f74398.txt"
# The project's shared folder beside the checkout is authoritative; the copy in
# tests/data keeps a lone clone's suite whole.
_SHARED_SEED = REPO_ROOT.parent / "shared" / "seeds" / SEED_NAME
SEED_PATH = (
    _SHARED_SEED if _SHARED_SEED.is_file() else REPO_ROOT / "tests" / "data" / "seeds" / SEED_NAME
)


@pytest.fixture(autouse=True)
def _private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point the data folder and Qt settings at a fresh folder for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("QPMR_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once per test run; copy it before changing it."""
    from qpmr_desktop.services.demo import build_demo_database

    path = tmp_path_factory.mktemp("demo") / "demo.qpmr"
    build_demo_database(path)
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database that a test may change."""
    path = tmp_path / "demo.qpmr"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def seed_text() -> str:
    """The published minutes the product grew from (``shared/seeds``)."""
    return SEED_PATH.read_text(encoding="utf-8")
