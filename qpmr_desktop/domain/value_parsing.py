"""Reading a figure as people write it in spreadsheets: "1,875", "62.5%", "£1.2m", "n/a", "[c]".

Pure Python: the importer, the value grid's delegates and pasted text all read
numbers through :func:`parse_number`, so a figure means the same everywhere.

Contract of :func:`parse_number` (surrounding spaces, including no-break and
thin spaces, are ignored; letters are matched in any case):

* ``""`` → missing: value None, no symbol.
* A GSS data-status symbol on its own, bare or in brackets ("x", "[x]",
  "(c)"), is value None with that symbol: ``x`` not available, ``c``
  confidential/suppressed, ``z`` not applicable, ``u`` low reliability, ``p``
  provisional, ``r`` revised, ``b`` break in series, ``e`` estimated — except
  ``low`` ("rounds to zero"), which is the value 0.0 with the symbol ``low``:
  the figure shown *is* 0, and judging it as 0 is judging what is displayed.
* "n/a", "N/A", "na", "-", "–", "—" and ".." are the symbol ``x`` (not available).
* A number: an optional sign, digits with or without comma thousands
  separators (grouped in threes: "1,875" yes, "1,87" no), an optional decimal
  part and optional exponent ("1.2e3", "1.2E+03" — decided yes: Excel writes
  large and tiny numbers that way when it saves a CSV). Then optionally "%"
  (62.5% is stored as 62.5, as the app stores percentages) or a unit word
  as :func:`~qpmr_desktop.domain.units.format_value` writes it (" per 10,000",
  " days", " weeks") so formatted figures read back.
* Money: "£" before the digits, optionally scaled by "k", "m" or "bn"
  ("£350k" = 350,000; "£1.2m" = 1,200,000; "-£1.2m" and "£-1.2m" alike).
  A scale letter without "£" is refused: "5m" might be minutes or metres.
* Accounting negatives: "(3)", "(£1.2m)", "(3.5%)" are negative — decided yes:
  Excel's accounting formats show negatives so, and finance teams send them.
  A footnote in brackets after a figure ("62 (3)") is not a number.
* A status marker after a number: "1,875p", "1,875 p", "62.5 (p)", "62.5 [r]";
  one of ``p r e u b``; the value is kept and the symbol returned. A marker
  that contradicts having a number ("12 [x]", "12 [c]") is an error.
* ``ParsedNumber.decimals`` is how many decimal places the figure was written
  with, in stored units ("62.50%" → 2, "£1.2m" → 0, "1.25e-1" → 3); importers
  use it to choose an indicator's display precision.
* Anything else raises :class:`ValueParseError` (a ``ValueError``) whose
  message quotes the text: ``'about 60' is not a number``.

:func:`parse_status` reads a data-status column: a symbol (bare or in
brackets) or its word ("provisional", "revised", "suppressed" …); "" and
"final" are no symbol.

:func:`parse_unit` and :func:`parse_polarity` read the app's own words for
units and polarities (any case, extra spaces ignored) and a few that
spreadsheets use ("%", "#", "number", "per 10,000", "higher", "lower" …);
anything else raises :class:`ValueParseError` listing the words allowed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from qpmr_desktop.domain.performance import Polarity
from qpmr_desktop.domain.units import Unit

#: The Government Statistical Service symbols, as CONVENTIONS.md lists them.
STATUS_SYMBOLS: dict[str, str] = {
    "x": "not available",
    "c": "confidential",
    "z": "not applicable",
    "low": "rounds to zero",
    "u": "low reliability",
    "p": "provisional",
    "r": "revised",
    "b": "break in series",
    "e": "estimated",
}
PROVISIONAL = "p"
NOT_AVAILABLE = "x"
ROUNDS_TO_ZERO = "low"

# Symbols that qualify a figure (may follow a number) and symbols that stand
# instead of one (a number beside them contradicts them).
_QUALIFIERS = frozenset({"p", "r", "e", "u", "b"})

_NOT_AVAILABLE_WORDS = frozenset({"n/a", "na", "-", "–", "—", "..", "n.a.", "not available"})

# Words a status column may hold instead of a symbol.
_STATUS_WORDS: dict[str, str | None] = {
    "": None,
    "final": None,
    "not available": "x",
    "n/a": "x",
    "na": "x",
    "confidential": "c",
    "suppressed": "c",
    "not applicable": "z",
    "rounds to zero": "low",
    "low reliability": "u",
    "provisional": "p",
    "revised": "r",
    "break": "b",
    "break in series": "b",
    "estimated": "e",
    "estimate": "e",
}

# Spaces that spreadsheets and Word put around figures.
_SPACES = " \t\r\n\u00a0\u2009\u202f"
# A minus sign typed or pasted as U+2212.
_MINUS_SIGNS = str.maketrans({"\u2212": "-"})

_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")
_SYMBOL_ALONE = re.compile(r"\[\s*([a-z]+)\s*\]|\(\s*([a-z]+)\s*\)|([a-z]+)")
_MARKER = re.compile(
    r"(?P<body>.*?\d(?:%|k|m|bn)?|.*?\d\s+(?:per\s+[\d,]+|days?|weeks?))"
    r"\s*(?:\[\s*(?P<bracketed>[a-z]+)\s*\]|\(\s*(?P<parenthesised>[a-z]+)\s*\)|(?P<bare>[prueb]))"
)
_NUMBER = re.compile(
    r"""
    (?P<sign>[-+])?
    (?P<pound>£)?
    (?P<sign2>[-+])?
    (?P<integer>\d{1,3}(?:,\d{3})+|\d+)?
    (?P<fraction>\.\d+)?
    (?:e(?P<exponent>[-+]?\d+))?
    (?P<scale>k|m|bn)?
    \s*
    (?:(?P<percent>%)|per\s*(?P<per>1,?000|10,?000|100,?000)|(?P<days>days?)|(?P<weeks>weeks?))?
    """,
    re.VERBOSE,
)
_SCALES = {"k": 3, "m": 6, "bn": 9}
_RATES = {
    "1000": Unit.RATE_PER_1000,
    "10000": Unit.RATE_PER_10000,
    "100000": Unit.RATE_PER_100000,
}
# Beyond this a float is infinite; a figure that large is a typing error.
_MAX_EXPONENT = 300


class ValueParseError(ValueError):
    """Text that is not a figure; ``str(error)`` quotes it, for a person."""


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    """A figure read from text: its value (None when there is none) and GSS symbol.

    ``decimals`` is the number of decimal places as written (0 when there is
    no value); ``unit_hint`` is the unit the text itself showed ("%", "£",
    " per 10,000" …), or None.
    """

    value: float | None
    status_symbol: str | None = None
    decimals: int = 0
    unit_hint: Unit | None = None

    @property
    def is_missing(self) -> bool:
        return self.value is None


MISSING = ParsedNumber(value=None)


def parse_number(text: str) -> ParsedNumber:
    """Read ``text`` as a figure by the rules in the module docstring."""
    if _PLAIN.fullmatch(text):
        # The common case, read without the general rules: imports parse
        # hundreds of thousands of cells.
        point = text.find(".")
        value = float(text)
        return ParsedNumber(
            value=0.0 if value == 0 else value,
            decimals=0 if point < 0 else len(text) - point - 1,
        )
    cleaned = text.translate(_MINUS_SIGNS).strip(_SPACES).casefold()
    if not cleaned:
        return MISSING
    if cleaned in _NOT_AVAILABLE_WORDS:
        return ParsedNumber(value=None, status_symbol=NOT_AVAILABLE)
    alone = _symbol_alone(cleaned)
    if alone is not None:
        return ParsedNumber(value=0.0 if alone == ROUNDS_TO_ZERO else None, status_symbol=alone)

    symbol: str | None = None
    body = cleaned
    marker = _MARKER.fullmatch(cleaned)
    if marker is not None:
        found = marker["bracketed"] or marker["parenthesised"] or marker["bare"]
        if found in STATUS_SYMBOLS:
            if found not in _QUALIFIERS:
                raise ValueParseError(
                    f"{text!r} gives a number and the symbol {found} "
                    f"({STATUS_SYMBOLS[found]}): give one or the other"
                )
            if marker["bare"] and "£" in cleaned:
                # "£2.3b" is more likely a billion than £2.30 with a break in series.
                raise ValueParseError(f"{text!r} is not a number")
            symbol = found
            body = marker["body"]
    number = _parse_figure(body)
    if number is None:
        raise ValueParseError(f"{text!r} is not a number")
    value, decimals, unit_hint = number
    return ParsedNumber(value=value, status_symbol=symbol, decimals=decimals, unit_hint=unit_hint)


def parse_status(text: str) -> str | None:
    """A data-status column's symbol ("p", "[x]", "provisional" → "p"); "" and "final" → None."""
    cleaned = " ".join(text.strip(_SPACES).casefold().split())
    if cleaned in _STATUS_WORDS:
        return _STATUS_WORDS[cleaned]
    symbol = _symbol_alone(cleaned)
    if symbol is not None:
        return symbol
    allowed = ", ".join(STATUS_SYMBOLS)
    raise ValueParseError(f"{text!r} is not a data-status symbol ({allowed})")


def _symbol_alone(cleaned: str) -> str | None:
    match = _SYMBOL_ALONE.fullmatch(cleaned)
    if match is None:
        return None
    symbol = match[1] or match[2] or match[3]
    return symbol if symbol in STATUS_SYMBOLS else None


def _parse_figure(body: str) -> tuple[float, int, Unit | None] | None:
    """(value, decimals as written, unit shown) of a number without a status marker."""
    negative = False
    if body.startswith("(") and body.endswith(")"):
        # Accounting style: the whole figure in brackets is negative.
        body = body[1:-1].strip(_SPACES)
        negative = True
    match = _NUMBER.fullmatch(body)
    if match is None or not _consistent(match, bracketed=negative):
        return None
    negative = negative or "-" in (match["sign"], match["sign2"])

    digits = (match["integer"] or "0").replace(",", "") + (match["fraction"] or "")
    exponent = int(match["exponent"] or 0) + _SCALES.get(match["scale"] or "", 0)
    if abs(exponent) > _MAX_EXPONENT:
        return None
    try:
        amount = Decimal(digits).scaleb(exponent)
    except InvalidOperation:  # cannot happen for text the pattern matched; refuse, not guess
        return None
    written_places = len(match["fraction"]) - 1 if match["fraction"] else 0
    decimals = max(0, written_places - exponent)
    value = float(-amount if negative else amount)
    if not math.isfinite(value):
        return None
    return (0.0 if value == 0 else value), decimals, _unit_hint(match)


def _consistent(match: re.Match[str], *, bracketed: bool) -> bool:
    """Whether a figure the pattern matched makes sense as a whole."""
    signs = [sign for sign in (match["sign"], match["sign2"]) if sign is not None]
    pound = match["pound"] is not None
    suffixed = any(match[name] for name in ("percent", "per", "days", "weeks"))
    return (
        (match["integer"] is not None or match["fraction"] is not None)
        and len(signs) + bracketed <= 1
        # A scale letter only on money ("£1.2m"), and never with an exponent.
        and (match["scale"] is None or (pound and match["exponent"] is None))
        and not (pound and suffixed)
    )


def _unit_hint(match: re.Match[str]) -> Unit | None:
    if match["pound"] is not None:
        return Unit.POUNDS
    if match["percent"] is not None:
        return Unit.PERCENTAGE
    if match["per"] is not None:
        return _RATES[match["per"].replace(",", "")]
    if match["days"] is not None:
        return Unit.DAYS
    if match["weeks"] is not None:
        return Unit.WEEKS
    return None


_UNIT_WORDS: dict[str, Unit] = {
    **{unit.value: unit for unit in Unit},
    "number": Unit.COUNT,
    "#": Unit.COUNT,
    "no.": Unit.COUNT,
    "percent": Unit.PERCENTAGE,
    "per cent": Unit.PERCENTAGE,
    "%": Unit.PERCENTAGE,
    "day": Unit.DAYS,
    "week": Unit.WEEKS,
    "pounds": Unit.POUNDS,
    "gbp": Unit.POUNDS,
    "money": Unit.POUNDS,
    **{
        f"{prefix}per {number}": unit
        for prefix in ("", "rate ")
        for written, unit in (
            ("1,000", Unit.RATE_PER_1000),
            ("10,000", Unit.RATE_PER_10000),
            ("100,000", Unit.RATE_PER_100000),
        )
        for number in (written, written.replace(",", ""))
    },
}

_POLARITY_WORDS: dict[str, Polarity] = {
    **{polarity.value: polarity for polarity in Polarity},
    "higher": Polarity.HIGHER_IS_BETTER,
    "high": Polarity.HIGHER_IS_BETTER,
    "up": Polarity.HIGHER_IS_BETTER,
    "lower": Polarity.LOWER_IS_BETTER,
    "low": Polarity.LOWER_IS_BETTER,
    "down": Polarity.LOWER_IS_BETTER,
    "range": Polarity.WITHIN_RANGE,
    "within range": Polarity.WITHIN_RANGE,
    "no judgment": Polarity.NO_JUDGEMENT,
    "none": Polarity.NO_JUDGEMENT,
    "no polarity": Polarity.NO_JUDGEMENT,
    "context": Polarity.NO_JUDGEMENT,
}


def parse_unit(text: str) -> Unit:
    """The unit ``text`` names: "percentage", "%", "rate per 10,000", "£" …"""
    found = _UNIT_WORDS.get(_words(text))
    if found is None:
        allowed = ", ".join(repr(unit.value) for unit in Unit)
        raise ValueParseError(f"{text!r} is not a unit (one of {allowed})")
    return found


def parse_polarity(text: str) -> Polarity:
    """The polarity ``text`` names: "higher is better", "lower", "within a range" …"""
    found = _POLARITY_WORDS.get(_words(text))
    if found is None:
        allowed = ", ".join(repr(polarity.value) for polarity in Polarity)
        raise ValueParseError(f"{text!r} is not a polarity (one of {allowed})")
    return found


def _words(text: str) -> str:
    return " ".join(text.strip(_SPACES).casefold().split())
