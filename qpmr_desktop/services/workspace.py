"""The open database as the front ends see it: an opaque handle plus who is working.

``open_workspace`` is the one way in; errors surface as ``WorkspaceOpenError``
whose text is written for the person who chose the file. Importing this module
is cheap (no SQLAlchemy), so front ends can name these types before they show
anything; the database stack loads on the first ``open_workspace``.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qpmr_desktop.storage.errors import DatabaseOpenError

if TYPE_CHECKING:
    from qpmr_desktop.storage.database import Database

WorkspaceOpenError = DatabaseOpenError


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown user"


@dataclass(frozen=True)
class Workspace:
    """An open database. ``user`` is recorded as the author of every change."""

    database: Database
    user: str = field(default_factory=_default_user)

    @property
    def path(self) -> Path:
        return self.database.path

    def close(self) -> None:
        self.database.close()


def open_workspace(path: Path, *, create: bool = False, user: str | None = None) -> Workspace:
    """Open the database at ``path`` (creating it with ``create``) for ``user``."""
    # Imported here, not at the top: SQLAlchemy and SQLModel take about half a
    # second to import, and the window is painted before anything needs them.
    from qpmr_desktop.storage.database import open_database  # noqa: PLC0415

    database = open_database(Path(path), create=create)
    if user is None:
        return Workspace(database=database)
    return Workspace(database=database, user=user)
