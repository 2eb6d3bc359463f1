"""Outcome themes ("Start Well", "Live Well" …) in the council's order.

``ensure_theme`` is how every writer of indicators (the editor, the importer,
the demo) makes sure a theme exists before an indicator names it: a new theme
goes after the existing ones.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from qpmr_desktop.storage.tables import Theme


def ensure_theme(session: Session, name: str) -> None:
    """Create the theme ``name`` at the end of the order unless it exists; flushes."""
    connection = session.connection()
    exists = connection.execute(sa.select(col(Theme.id)).where(col(Theme.name) == name)).first()
    if exists is not None:
        return
    last = connection.execute(sa.select(sa.func.max(col(Theme.position)))).scalar()
    session.add(Theme(name=name, position=0 if last is None else last + 1))
    # Indicators refer to the theme by name; no relationship() orders the inserts.
    session.flush()


def list_themes(session: Session) -> list[str]:
    """Every theme's name, in the council's order."""
    query = sa.select(col(Theme.name)).order_by(col(Theme.position), col(Theme.name))
    return list(session.connection().execute(query).scalars())
