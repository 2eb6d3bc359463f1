"""The Alembic migrations under ``database/``: which schema is newest, and upgrading to it.

Contract:

- ``head_revision()`` is the newest schema this version of the app knows;
  ``known_revisions()`` is every schema it knows, so a revision outside it was
  written by a newer version. Both come from a plain text scan of the
  ``revision`` and ``down_revision`` lines of ``database/versions/*.py``; they
  do not import Alembic, which costs about 0.11 s at start-up, so that opening
  an up-to-date database never pays for it. A test checks that they agree
  with Alembic's own reading of the same files. The scan expects the
  single-line assignments that ``script.py.mako`` writes, and raises
  ``RuntimeError`` when the files have no head or several heads.
- ``current_revision(connection)`` reads ``alembic_version`` with plain SQL:
  ``None`` when the database has never been migrated.
- ``upgrade_to_head(connection)`` runs every pending migration on that
  connection. When the caller has a transaction open, the migrations run
  inside it and the caller commits or rolls back; Alembic commits nothing.
- ``alembic_config(connection)`` is the Alembic configuration used for that,
  built in code (no ``alembic.ini`` at run time) around
  ``paths.migrations_dir()``; tests and tools use it with ``alembic.command``.
"""

from __future__ import annotations

import ast
import functools
import re
from typing import TYPE_CHECKING

import sqlalchemy as sa

from qpmr_desktop.paths import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config

VERSION_TABLE = "alembic_version"

# ``revision: str = "0001_initial_schema"`` or ``down_revision = ("a", "b")``;
# the value is a Python literal, with an optional comment after it.
_ASSIGNMENT = re.compile(
    r"^(?P<name>revision|down_revision)\s*(?::[^=]*)?=\s*(?P<value>.+?)\s*(?:#.*)?$",
    re.MULTILINE,
)


def head_revision() -> str:
    """The newest schema revision this version of the app can write."""
    return _revision_graph()[0]


def known_revisions() -> set[str]:
    """Every schema revision this version of the app understands."""
    return set(_revision_graph()[1])


def current_revision(connection: sa.Connection) -> str | None:
    """The revision stored in the database, or ``None`` if it was never migrated.

    This app's history is linear, so a database holds one revision. Several
    (branches of a newer version) are returned joined with ``" + "``, which is
    never a known revision, so callers treat them as a newer schema.
    """
    if not sa.inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
    revisions = sorted(str(row) for row in rows)
    return " + ".join(revisions) if revisions else None


def upgrade_to_head(connection: sa.Connection) -> None:
    """Run every pending migration on ``connection``, inside its open transaction if any."""
    from alembic import command  # noqa: PLC0415 - only a database that needs it pays for Alembic

    command.upgrade(alembic_config(connection), "head")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Alembic's configuration for ``database/``; ``env.py`` uses ``connection`` when given."""
    from alembic.config import Config  # noqa: PLC0415 - see upgrade_to_head

    config = Config()
    # Config values go through configparser interpolation: a "%" in the path must be doubled.
    config.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _revision_graph() -> tuple[str, frozenset[str]]:
    """(head, every revision), read from the migration files; cached: they never change."""
    parents: dict[str, tuple[str, ...]] = {}
    for script in sorted((migrations_dir() / "versions").glob("*.py")):
        values = {
            match["name"]: ast.literal_eval(match["value"])
            for match in _ASSIGNMENT.finditer(script.read_text(encoding="utf-8"))
        }
        if "revision" not in values:
            continue  # not a migration (a helper module, say)
        down = values.get("down_revision")
        if down is None:
            down = ()
        elif isinstance(down, str):
            down = (down,)
        parents[values["revision"]] = tuple(down)
    superseded = {parent for ancestors in parents.values() for parent in ancestors}
    heads = sorted(set(parents) - superseded)
    if len(heads) != 1:
        # A developer error (two branches, or no migrations shipped): fail loudly.
        raise RuntimeError(
            f"The migrations in {migrations_dir()} have heads {heads}; expected one."
        )
    return heads[0], frozenset(parents)
