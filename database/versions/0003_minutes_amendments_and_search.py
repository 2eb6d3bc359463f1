"""Amendments to approved minutes, and a full-text index of the minutes.

Revision ID: 0003_minutes_amendments_and_search
Revises: 0002_indicator_targets
Create Date: 2026-12-08 09:00:00

Two things, both for issue 4:

``minutes_amendment`` — a change made to minutes after they were approved as
a correct record: meeting, agenda item (empty for the meeting's own fields or
its attendance; set to empty if the item is deleted later), when, who, the
reason given, the operation and what changed (JSON). Rows are written once and
never edited, so there is no ``version``. The meeting's foreign key is RESTRICT:
approved minutes and their corrections are the record and are not deleted.
Written from ``qpmr_desktop.storage.tables`` by hand, as autogenerate would,
with named constraints and indexed foreign keys (see ``0001_initial_schema``).

The full-text index (SQLite FTS5) — written with ``op.execute`` because
Alembic's autogenerate knows nothing of virtual tables, views or triggers.
Every object's name starts with ``fts_``, and ``database/env.py`` leaves such
names out of the models-vs-database comparison (``alembic check``). For each
indexed column (point texts, resolution texts, resolution parts, section
headings, item titles):

- ``fts_source_<table>``: a view of the row's id and its *folded* text;
- ``fts_<table>``: an FTS5 table over that view (external content, so the text
  is not stored twice), tokenised ``unicode61 remove_diacritics 2``;
- ``fts_<table>_insert`` / ``_delete`` / ``_update``: triggers that keep the
  index in step with the table.

Why triggers rather than the service layer: one place does it, so every
writer keeps the index right — the editing services, the import of published
minutes, the demo builder, a cascade delete of a whole meeting, and a person
repairing the file with the ``sqlite3`` shell. An index maintained by the
services would go stale on the first write that bypassed them.

Why the fold: ``remove_diacritics`` strips accents that Unicode decomposes
(é, ż, ó, ć) but not letters with a stroke (ł, ø, đ …), so "Zolc" would not
find "Żółć". Those letters are replaced one for one (ł → l) by nested
``replace()`` calls, in the view and in the triggers alike; one letter for one
keeps every character at its place, so the services can map a match in the
folded text straight back onto the stored text. The same table is applied to
a search query in ``qpmr_desktop.services.minutes_search`` (a test checks that
the two agree). Written out here, not imported: a migration stays what it was.

The index is rebuilt from the tables at the end of the upgrade, so a database
that already has minutes is searchable at once.

Where FTS5 is not there — another database (PostgreSQL) or an SQLite built
without it — none of these objects is created, and the search service falls
back to LIKE. Offline (``alembic upgrade --sql``) the SQLite statements are
written out.

A later migration that rebuilds one of the indexed tables in batch mode (copy,
drop, rename) drops that table's triggers with it and must create them again;
and one that changes an indexed column must recreate its view.

The downgrade drops the index, its views and triggers, and the amendments
table; the recorded amendments are lost, which is what going back to a
schema that cannot hold them means.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

# Keep each of these on one line: qpmr_desktop.storage.migrations reads them as text.
revision: str = "0003_minutes_amendments_and_search"
down_revision: str | Sequence[str] | None = "0002_indicator_targets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tokeniser of every index: Unicode word boundaries, case and accents folded.
TOKENIZE = "unicode61 remove_diacritics 2"

#: Letters that ``remove_diacritics`` leaves as they are, each with the plain
#: letter it is searched as (one for one; see the module docstring).
FOLDED_LETTERS: dict[str, str] = {
    "Ø": "O", "ø": "o", "Ǿ": "O", "ǿ": "o",
    "Đ": "D", "đ": "d",
    "Ħ": "H", "ħ": "h",
    "Ŀ": "L", "ŀ": "l", "Ł": "L", "ł": "l",
    "Ŧ": "T", "ŧ": "t",
    "ı": "i",
}  # fmt: skip

#: (table, indexed column): what the index covers.
SOURCES: tuple[tuple[str, str], ...] = (
    ("minute_point", "text"),
    ("resolution", "text"),
    ("resolution_part", "text"),
    ("minute_section", "heading"),
    ("agenda_item", "title"),
)


def _fold(expression: str) -> str:
    """SQL that folds ``expression`` letter for letter with ``FOLDED_LETTERS``."""
    for letter, plain in FOLDED_LETTERS.items():
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def _create_statements(table: str, column: str) -> Iterator[str]:
    index = f"fts_{table}"
    yield f"CREATE VIEW fts_source_{table} AS SELECT id, {_fold(column)} AS {column} FROM {table}"
    yield (
        f"CREATE VIRTUAL TABLE {index} USING fts5({column}, "
        f"content='fts_source_{table}', content_rowid='id', tokenize='{TOKENIZE}')"
    )
    add = f"INSERT INTO {index}(rowid, {column}) VALUES (new.id, {_fold(f'new.{column}')});"
    # An external-content index forgets a row by being told exactly what it indexed.
    remove = (
        f"INSERT INTO {index}({index}, rowid, {column}) "
        f"VALUES ('delete', old.id, {_fold(f'old.{column}')});"
    )
    yield f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN {add} END"
    yield f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN {remove} END"
    # Only a change of the text (or, from a raw edit, of the id) touches the index:
    # renumbering positions and moving rows between parents leave it alone.
    yield (
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF id, {column} ON {table} "
        f"BEGIN {remove} {add} END"
    )
    yield f"INSERT INTO {index}({index}) VALUES ('rebuild')"


def _drop_statements(table: str) -> Iterator[str]:
    index = f"fts_{table}"
    for suffix in ("insert", "delete", "update"):
        yield f"DROP TRIGGER IF EXISTS {index}_{suffix}"
    yield f"DROP TABLE IF EXISTS {index}"  # its shadow tables go with it
    yield f"DROP VIEW IF EXISTS fts_source_{table}"


def _full_text_available() -> bool:
    context = op.get_context()
    if context.dialect.name != "sqlite":
        return False
    if context.as_sql:
        return True  # writing SQLite's statements out; nothing to ask
    used = op.get_bind().exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
    return bool(used.scalar())


def upgrade() -> None:
    op.create_table(
        "minutes_amendment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey(
                "meeting.id", name="fk_minutes_amendment_meeting_id_meeting", ondelete="RESTRICT"
            ),
            nullable=False,
        ),
        sa.Column(
            "agenda_item_id",
            sa.Integer(),
            sa.ForeignKey(
                "agenda_item.id",
                name="fk_minutes_amendment_agenda_item_id_agenda_item",
                ondelete="SET NULL",
            ),
            nullable=True,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("operation", sa.String(), nullable=False),
        sa.Column("changes", sa.String(), nullable=False),
    )
    op.create_index("ix_minutes_amendment_meeting_id", "minutes_amendment", ["meeting_id"])
    op.create_index("ix_minutes_amendment_agenda_item_id", "minutes_amendment", ["agenda_item_id"])
    if _full_text_available():
        for table, column in SOURCES:
            for statement in _create_statements(table, column):
                op.execute(statement)


def downgrade() -> None:
    # IF EXISTS: a database migrated where FTS5 was missing has none of them.
    if op.get_context().dialect.name == "sqlite":
        for table, _column in SOURCES:
            for statement in _drop_statements(table):
                op.execute(statement)
    op.drop_table("minutes_amendment")  # its indexes go with it
