"""The scorecard's judgements kept in the database, and triggers that forget them on any change.

Revision ID: 0004_indicator_scorecard
Revises: 0003_minutes_amendments_and_search
Create Date: 2026-12-01 11:40:00

``indicator_scorecard`` — one row per indicator: what
``services.indicators.list_indicator_rows`` derives for it (latest period,
value and target with their texts, RAG and its reason, directions of travel
and their sentence, record, whether the latest period has commentary or is
sample data) and ``rules``, the fingerprint of the code that derived it. The
Indicators tab then opens by reading prepared rows instead of judging every
indicator. It is a cache: deleting any or all of its rows loses nothing, and
the services write a row back only when they have just judged it.
Written from ``qpmr_desktop.storage.tables`` by hand, as autogenerate would;
enumerations by value, as in ``0001_initial_schema``. Deleting an indicator
deletes its row (CASCADE).

The triggers (SQLite; written with ``op.execute``, which autogenerate cannot
do) make a stale row impossible rather than unlikely: every INSERT, UPDATE or
DELETE of an ``indicator_value`` or ``indicator_target`` row, and every
INSERT, UPDATE or DELETE of an ``indicator`` row (any column: ref, name,
theme, unit, polarity, decimals, tolerance, retired …, so a column added
later is covered too), deletes the scorecard row of the indicator concerned
in the same transaction; a row moved to another indicator (or an indicator's
id changed) forgets both (``…_move``). As with the full-text index of
``0003``, one place does it and every writer obeys: the editing services, the
import, the demo builder, cascades, and a person with the ``sqlite3`` shell.
Each trigger deletes at most one row by its primary key: a 20,000-row import
pays one trigger call and one index probe per row, about 3–5 µs each
(measured: 60–100 ms of CPU on the benchmark's 20,000-row import). Every
trigger's name starts with ``scorecard_forget_``.

Themes are not cached: their order is joined when the scorecard is read, and
an indicator's theme name is read from the indicator.

Where the database is not SQLite (PostgreSQL) the table is created but no
trigger, and the services do not use the table (see ``services.indicators``).
Offline (``alembic upgrade --sql``) the SQLite statements are written out.

A later migration that rebuilds ``indicator``, ``indicator_value`` or
``indicator_target`` in batch mode (copy, drop, rename) drops that table's
triggers with it and must create them again.

The downgrade drops the triggers and the table; nothing is lost that the
services cannot derive again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

# Keep each of these on one line: qpmr_desktop.storage.migrations reads them as text.
revision: str = "0004_indicator_scorecard"
down_revision: str | Sequence[str] | None = "0003_minutes_amendments_and_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CACHE = "indicator_scorecard"
TRIGGER_PREFIX = "scorecard_forget_"

#: (table, column naming the indicator): the rows whose changes make a judgement stale.
SOURCES: tuple[tuple[str, str], ...] = (
    ("indicator", "id"),
    ("indicator_value", "indicator_id"),
    ("indicator_target", "indicator_id"),
)

#: Written out, not imported: this migration stays what it was when the domain changes.
RAG = ("green", "amber", "red", "data only", "no data")
DIRECTION = ("improving", "worsening", "no change", "not judged")


def _enum(*values: str) -> sa.Enum:
    """An enumeration stored as its value, in a VARCHAR(40)."""
    return sa.Enum(*values, native_enum=False, length=40)


def _trigger_statements(table: str, column: str) -> Iterator[tuple[str, str]]:
    """(name, CREATE TRIGGER …) for each write to ``table``."""
    forget = f"DELETE FROM {CACHE} WHERE indicator_id"
    events = {
        "insert": ("INSERT", f"{forget} = new.{column};"),
        "delete": ("DELETE", f"{forget} = old.{column};"),
        "update": ("UPDATE", f"{forget} = old.{column};"),
        # A row moved to another indicator makes that one stale too. Apart, so
        # that the usual update (of figures, not of the indicator) runs one
        # probe of the key: an IN list would build a temporary index per row.
        "move": (
            f"UPDATE OF {column}",
            f"{forget} = new.{column};",
        ),
    }
    for event, (when, body) in events.items():
        name = f"{TRIGGER_PREFIX}{table}_{event}"
        condition = f" WHEN new.{column} IS NOT old.{column}" if event == "move" else ""
        yield name, f"CREATE TRIGGER {name} AFTER {when} ON {table}{condition} BEGIN {body} END"


def upgrade() -> None:
    op.create_table(
        CACHE,
        sa.Column(
            "indicator_id",
            sa.Integer(),
            sa.ForeignKey(
                "indicator.id",
                name="fk_indicator_scorecard_indicator_id_indicator",
                ondelete="CASCADE",
            ),
            primary_key=True,
        ),
        sa.Column("rules", sa.String(), nullable=False),
        sa.Column("latest_period", sa.String(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("value_text", sa.String(), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("target_text", sa.String(), nullable=False),
        sa.Column("rag", _enum(*RAG), nullable=False),
        sa.Column("rag_reason", sa.String(), nullable=False),
        sa.Column("direction", _enum(*DIRECTION), nullable=False),
        sa.Column("direction_last_year", _enum(*DIRECTION), nullable=False),
        sa.Column("direction_text", sa.String(), nullable=False),
        sa.Column("record", sa.String(), nullable=True),
        sa.Column("has_commentary", sa.Boolean(), nullable=False),
        sa.Column("is_sample", sa.Boolean(), nullable=False),
    )
    if op.get_context().dialect.name == "sqlite":
        for table, column in SOURCES:
            for _name, statement in _trigger_statements(table, column):
                op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        for table, column in SOURCES:
            for name, _statement in _trigger_statements(table, column):
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table(CACHE)
