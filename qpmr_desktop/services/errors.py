"""Errors that services raise for the front ends to show, never as a traceback.

Contract: a service that is asked for a row by id and finds none raises
``NotFoundError`` (a ``LookupError``); ``str(error)`` is a sentence for a
person that names what was asked for. The command line prints it and exits
with status 1; the GUI shows it in a message box.
"""

from __future__ import annotations


class NotFoundError(LookupError):
    """No row of ``kind`` has id ``ident``: it was never there, or was deleted meanwhile."""

    def __init__(self, kind: str, ident: int) -> None:
        super().__init__(f"There is no {kind} with id {ident} in this database.")
        self.kind = kind
        self.ident = ident
