"""Storage errors, importable without loading SQLAlchemy.

The GUI shows its window before it imports the database stack (start-up time),
yet must name this error type in its ``except`` clauses.
"""

from __future__ import annotations


class DatabaseOpenError(Exception):
    """A database could not be opened; ``str(error)`` says what and where, for a person."""
