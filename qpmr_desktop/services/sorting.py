"""Natural ordering of references, shared by the services that list things by ref.

People number actions "1.1 … 1.9, 1.10" and indicators "CLA-2, CLA-10": a plain
string sort would put "1.10" before "1.9". ``natural_key`` compares runs of
ASCII digits as numbers and everything else case-insensitively.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"([0-9]+)")  # not \d: int() rejects some Unicode digits ("²")


def natural_key(text: str) -> tuple[str | int, ...]:
    """A sort key under which "1.9" < "1.10" and "cla-2" == "CLA-2" in order.

    ``re.split`` with a capturing group alternates text and digit runs, so the
    same position always holds the same type and tuples compare safely.
    """
    parts = _DIGITS.split(text.casefold())
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))
