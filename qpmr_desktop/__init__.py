"""QPMR Desktop: minutes, quarterly performance indicators and improvement-plan actions.

The package is layered (see ``docs`` in the README): ``domain`` holds pure rules,
``storage`` the tables and database lifecycle, ``services`` the use cases, and
``ui`` / ``cli`` the two front ends. ``charts`` and ``printing`` take plain data.
"""

from __future__ import annotations

__version__ = "0.1.0"
