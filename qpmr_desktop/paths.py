"""Where things are: shipped resources, migrations, and the user's data folder.

The one module aware of how the app is installed. From a source checkout (and
an editable install) ``resources/`` and ``database/`` sit beside the package;
in a wheel or a frozen build they are shipped inside it under ``_shipped/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "qpmr-desktop"
APP_AUTHOR = "QPMR"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "qpmr_desktop" / "_shipped"
    inside = _PACKAGE_DIR / "_shipped"
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent


def resources_dir() -> Path:
    """The shipped ``resources/`` folder: demo data, icons, fonts."""
    return _shipped_root() / "resources"


def migrations_dir() -> Path:
    """The Alembic script folder (``database/``) shipped with the app."""
    return _shipped_root() / "database"


def user_data_dir() -> Path:
    """The per-user data folder (platformdirs), or ``QPMR_DATA_DIR`` when set (tests)."""
    override = os.environ.get("QPMR_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path  # noqa: PLC0415 - keep start-up lean

    return user_data_path(APP_NAME, APP_AUTHOR)


def demo_database_path() -> Path:
    """Where ``--demo`` keeps its database: made there when missing."""
    return user_data_dir() / "demo.qpmr"
