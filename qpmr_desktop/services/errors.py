"""Errors that services raise for the front ends to show, never as a traceback.

Contract: ``str(error)`` is always a sentence (or a few) for a person. The
command line prints it and exits with status 1; the GUI shows it in a message
box, or, for a ``ValidationError``, each problem beside its field.

- ``NotFoundError`` (a ``LookupError``): a row asked for by id is not there;
  the message names what was asked for.
- ``ValidationError`` (a ``ValueError``): a change was refused because of what
  was typed; ``problems`` lists each field's errors (and any warnings found
  with them). Nothing was written.
- ``ConflictError``: optimistic concurrency said no — someone else changed or
  deleted the row since this person read it. Nothing was written; the way on
  is to reload.
- ``NotAllowedError``: the rules forbid the change whatever was typed
  (deleting an indicator that has figures). Nothing was written.
"""

from __future__ import annotations

from collections.abc import Iterable

from qpmr_desktop.services.read_models import FieldProblem, Severity


class NotFoundError(LookupError):
    """No row of ``kind`` has id ``ident``: it was never there, or was deleted meanwhile."""

    def __init__(self, kind: str, ident: int) -> None:
        super().__init__(f"There is no {kind} with id {ident} in this database.")
        self.kind = kind
        self.ident = ident


class ValidationError(ValueError):
    """A change with at least one ``Severity.ERROR`` problem; ``problems`` has them all."""

    def __init__(self, subject: str, problems: Iterable[FieldProblem]) -> None:
        self.subject = subject
        self.problems = tuple(problems)
        errors = [p.message for p in self.problems if p.severity is Severity.ERROR]
        super().__init__(f"{subject} could not be saved: {' '.join(errors)}")


class ConflictError(Exception):
    """Someone else changed (or deleted) the row meanwhile; nothing was saved.

    ``row_id`` is None when the row did not exist yet; ``actual_version`` is
    None when it does not exist any more (or not yet).
    """

    def __init__(
        self,
        message: str,
        *,
        table: str,
        row_id: int | None,
        expected_version: int | None,
        actual_version: int | None,
    ) -> None:
        super().__init__(message)
        self.table = table
        self.row_id = row_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class NotAllowedError(Exception):
    """A change the rules forbid; the message says why and what to do instead."""
