"""Per-year indicator targets: target, optional floor and tolerance per indicator and year.

Revision ID: 0002_indicator_targets
Revises: 0001_initial_schema
Create Date: 2026-12-01 08:27:20

Generated with autogenerate from ``qpmr_desktop.storage.tables``, then
reviewed by hand as ``0001_initial_schema.py`` was:

- ``year`` is the calendar year the financial year starts in (2017 for
  2017/18), as in ``indicator_value``; one row per indicator and year.
- The enumeration is stored by value as text, its values written out here.
  An empty ``tolerance_kind`` means "the indicator's own kind".
- Deleting an indicator deletes its targets (CASCADE): they mean nothing
  without it. The services refuse to delete an indicator that still has
  targets, so that every deletion can be undone exactly.
- The constraints are named, so that a later migration can change them on
  SQLite, and the foreign key column is indexed.

The downgrade drops the table: the per-year targets are lost, which is what
going back to a schema that cannot hold them means.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Keep each of these on one line: qpmr_desktop.storage.migrations reads them as text.
revision: str = "0002_indicator_targets"
down_revision: str | Sequence[str] | None = "0001_initial_schema"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicator_target",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "indicator_id",
            sa.Integer(),
            sa.ForeignKey(
                "indicator.id",
                name="fk_indicator_target_indicator_id_indicator",
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("floor", sa.Float(), nullable=True),
        sa.Column("tolerance", sa.Float(), nullable=True),
        sa.Column(
            "tolerance_kind",
            sa.Enum("absolute", "percent of target", native_enum=False, length=40),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("indicator_id", "year", name="uq_indicator_target_indicator_id_year"),
    )
    op.create_index("ix_indicator_target_indicator_id", "indicator_target", ["indicator_id"])


def downgrade() -> None:
    # The index goes with its table.
    op.drop_table("indicator_target")
