"""Use cases: keyword-only functions that take a ``Workspace`` and return read models.

The UI and the command line call only these. A read model is a frozen
dataclass of plain values; no ORM object or session leaves this package.
"""
