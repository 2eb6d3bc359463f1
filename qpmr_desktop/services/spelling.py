"""British English spell checking for the minutes editor (no Qt).

``SpellChecker`` answers "is this word right?", "which words are wrong in this
text, and where?" and "what might the writer have meant?", using:

1. Debian's en_GB Hunspell dictionary through pyenchant (``libenchant-2-2`` +
   ``hunspell-en-gb``), on a private Enchant broker so that session words of
   one checker never leak into another.
2. The council's strict -ise rule. The en_GB dictionary accepts both -ise and
   -ize, but councils write -ise: a word ending -ize, -izes, -ized, -izing,
   -izer(s), -ization(s), -izational or -izable is flagged when its -is-
   spelling is a word ("organize", "prioritization"), and that spelling is its
   first suggestion. Genuine -ize words (size, prize, seize, capsize …) are
   listed in ``resources/spelling/ize-exceptions.txt``.
3. The council word list, ``resources/spelling/council-words.txt``: terms of
   local government and children's services the dictionary lacks.
4. The user's personal word list, ``user_data_dir()/dictionary-en_GB.txt``:
   one word per line, UTF-8, written by ``add_to_dictionary`` and read at start.
5. Words ignored for this session (``ignore``), never written anywhere.

What a "word" is (``misspellings``): runs of letters joined by apostrophes,
hyphens, slashes and full stops. URLs, e-mail addresses, bare domains
(lancashire.gov.uk) and file names are skipped whole. A token is split at
slashes (DTaP/IPV/Hib, MASH/Early) and full stops (but e.g., i.e., a.m. are
abbreviations and skipped), then at hyphens: each part is checked on its own,
and a hyphenated word the dictionary knows whole (co-operate) is not flagged
unless a part breaks the -ise rule. A part is never flagged when it contains a
digit (18th, Q1, 2017/18, 40-74), is one letter, is an acronym (any capital
after the first letter: CLA, DfE, LAs, ASYE's), or is a lower-case Roman
numeral ((ii), (iv)). Curly apostrophes count as straight ones; a possessive
's is accepted when the word without it is. Offsets are Python string indices
(code points): Qt callers convert to UTF-16.

Contract: ``check(word)`` is ``not misspellings(word)``; ``suggest`` returns []
for a word ``check`` accepts. Results are cached per word (a 200-word
paragraph costs well under a millisecond once its words are known); the caches
are dropped when the word lists change. Not thread-safe: one checker per
thread (the GUI thread, in practice).

Spelling is optional. When the Enchant library or the en_GB dictionary is
missing, ``SpellChecker()`` raises ``SpellingUnavailable`` whose message says
what to install; ``create_checker()`` logs that message and returns None, and
the editor then works without spelling.
"""

from __future__ import annotations

import difflib
import logging
import os
import platform
import re
import tempfile
from collections.abc import Iterable, Iterator
from enum import Enum, auto
from pathlib import Path
from typing import Protocol

from qpmr_desktop import paths

_log = logging.getLogger(__name__)

LANGUAGE = "en_GB"
COUNCIL_WORDS_FILE = "council-words.txt"
IZE_EXCEPTIONS_FILE = "ize-exceptions.txt"
SUGGESTION_LIMIT = 8

# Past this many distinct words the verdict cache starts again: minutes use a
# few thousand words, so this only bounds memory after pasting something huge.
_CACHE_LIMIT = 50_000

_APOSTROPHES = "'\u2019\u02bc"  # straight, right single quotation mark, modifier letter
_HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen
# Curly apostrophes and typographic hyphens are checked as their ASCII forms.
_TO_STRAIGHT = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})

_TOKENS = re.compile(
    r"""
    (?P<skip>
        (?:https?|ftp)://[^\s<>"]+                    # URLs with a scheme
      | www\.[^\s<>"]+                                # and without
      | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                  # e-mail addresses
      | \b[\w-]+(?:\.[\w-]+)*\.(?i:uk|com|org|net|gov|nhs|ac|eu|int|info|io)\b
        (?:/[^\s<>"]*)?                               # bare domains: lancashire.gov.uk/x
      | \b[\w-]+\.(?i:pdf|docx?|xlsx?|csv|pptx?|odt|ods|txt|html?)\b  # file names
    )
  | (?P<word>[^\W_](?:[\w'\u2019\u02bc\-\u2010\u2011/.]*[^\W_])?)
    """,
    re.VERBOSE,
)
_HYPHEN_SPLIT = re.compile(f"[{_HYPHENS}]")
_ROMAN = re.compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
# The "z" of an -ize spelling, before an optional possessive: organiz|ation's.
_IZE = re.compile(
    r"i(z)(?=(?:e|es|ed|ing|er|ers|ation|ations|ational|able)(?:'s)?$)", re.IGNORECASE
)


class SpellingUnavailable(RuntimeError):  # noqa: N818 - the name the editor and the brief use
    """Spell checking cannot run here; ``str(error)`` says what to install."""


class _Verdict(Enum):
    OK = auto()
    MISSPELT = auto()
    IZE = auto()  # an -ize spelling of an -ise word


class _Dictionary(Protocol):
    """The part of ``enchant.Dict`` the checker uses (pyenchant has no type hints)."""

    def check(self, word: str) -> bool: ...

    def suggest(self, word: str) -> list[str]: ...


class _Broker(Protocol):
    def request_dict(self, tag: str) -> _Dictionary: ...


def personal_dictionary_path(language: str = LANGUAGE) -> Path:
    """Where the user's own words are kept: one word per line, UTF-8."""
    return paths.user_data_dir() / f"dictionary-{language}.txt"


def spelling_resources_dir() -> Path:
    """The shipped ``resources/spelling/`` folder: council words and -ize exceptions."""
    return paths.resources_dir() / "spelling"


def read_word_list(path: Path) -> list[str]:
    """The words in a list file: one per line, blank lines and ``#`` comments skipped."""
    words = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            words.append(word.translate(_TO_STRAIGHT))
    return words


def _accepted_forms(word: str) -> set[str]:
    """The spellings a word-list entry accepts, the way Hunspell treats its own entries."""
    if word == word.lower():
        return {word, word[:1].upper() + word[1:], word.upper()}
    return {word, word.upper()}


def _is_acronym(word: str) -> bool:
    return any(char.isupper() for char in word[1:])


def _platform_hint(debian_packages: str, elsewhere: str) -> str:
    # platform.system(), not sys.platform: mypy would judge the branch for this machine only.
    if platform.system() == "Linux":
        return f"install {debian_packages} (Debian/Ubuntu: sudo apt-get install {debian_packages})"
    return elsewhere


def _open_dictionary(language: str) -> tuple[_Broker, _Dictionary]:
    """A private Enchant broker and its ``language`` dictionary, or ``SpellingUnavailable``."""
    package = f"hunspell-{language.lower().replace('_', '-')}"
    try:
        import enchant  # type: ignore[import-untyped]  # noqa: PLC0415 - optional, loaded on demand
    except ModuleNotFoundError as error:
        raise SpellingUnavailable(
            "Spell checking needs the pyenchant package, which is not installed in this"
            " Python environment: reinstall QPMR Desktop (make setup)."
        ) from error
    except ImportError as error:
        # pyenchant is there but could not load the Enchant C library.
        hint = _platform_hint(
            f"libenchant-2-2 {package}",
            "install the Enchant library (macOS: brew install enchant)",
        )
        raise SpellingUnavailable(
            f"Spell checking needs the Enchant library, which was not found: {hint},"
            " then restart QPMR Desktop."
        ) from error
    # A broker of our own: Enchant shares a dictionary, and its session words,
    # between every request made through one broker.
    broker: _Broker = enchant.Broker()
    try:
        dictionary = broker.request_dict(language)
    except enchant.errors.DictNotFoundError as error:
        hint = _platform_hint(package, f"install a Hunspell {language} dictionary for Enchant")
        raise SpellingUnavailable(
            f"Spell checking needs a British English ({language}) dictionary, and none is"
            f" installed: {hint}, then restart QPMR Desktop."
        ) from error
    except enchant.errors.Error as error:
        raise SpellingUnavailable(
            f"The {language} dictionary could not be opened ({error}):"
            f" reinstall {package}, then restart QPMR Desktop."
        ) from error
    return broker, dictionary


class SpellChecker:
    """British English with the council's -ise rule and word lists; see the module docstring."""

    def __init__(
        self,
        *,
        language: str = LANGUAGE,
        personal_path: Path | None = None,
        resources_dir: Path | None = None,
    ) -> None:
        """Open the dictionary and read the word lists; raises ``SpellingUnavailable``.

        ``personal_path`` defaults to ``personal_dictionary_path(language)``,
        ``resources_dir`` to the shipped ``resources/spelling/``.
        """
        # The broker must outlive the dictionary it handed out.
        self._broker, self._dictionary = _open_dictionary(language)
        self.personal_path = personal_path or personal_dictionary_path(language)
        resources = resources_dir or spelling_resources_dir()
        try:
            self._council_words = read_word_list(resources / COUNCIL_WORDS_FILE)
            exceptions = read_word_list(resources / IZE_EXCEPTIONS_FILE)
        except (OSError, UnicodeDecodeError) as error:
            # Without them the checker would flag council terms and genuine
            # -ize words: better no spelling than false alarms.
            raise SpellingUnavailable(
                f"The spelling word lists shipped with QPMR Desktop could not be read ({error}):"
                " reinstall QPMR Desktop."
            ) from error
        self._ize_exceptions = frozenset(word.lower() for word in exceptions)
        self._personal_words: set[str] = set(self._read_personal_words())
        self._ignored: set[str] = set()
        self._accepted: set[str] = set()
        self._verdicts: dict[str, _Verdict] = {}
        self._suggestions: dict[str, tuple[str, ...]] = {}
        self._rebuild_accepted()

    # ------------------------------------------------------------ public API

    def check(self, word: str) -> bool:
        """Whether ``word`` (as typed, possibly hyphenated or with 's) raises no alarm."""
        return not self.misspellings(word)

    def misspellings(self, text: str) -> list[tuple[int, int]]:
        """(start, length) of every misspelt word in ``text``, in order, as string indices."""
        found: list[tuple[int, int]] = []
        for match in _TOKENS.finditer(text):
            if match.lastgroup == "word":
                found.extend(self._token_errors(match.group(), match.start()))
        return found

    def suggest(self, word: str, limit: int = SUGGESTION_LIMIT) -> list[str]:
        """Up to ``limit`` replacements for a misspelt ``word``, best first; [] if it is fine.

        For an -ize spelling the -ise form comes first. Dictionary suggestions
        that are themselves -ize spellings are turned into their -ise forms.
        Close matches from the council and personal lists come next.
        """
        if limit <= 0 or self.check(word):
            return []
        cached = self._suggestions.get(word)
        if cached is None:
            cached = tuple(self._compute_suggestions(word))
            self._suggestions[word] = cached
        return list(cached[:limit])

    def add_to_dictionary(self, word: str) -> None:
        """Accept ``word`` from now on, in this and later sessions.

        The word is accepted at once; the personal word list is then rewritten
        (merged with what is on disk, in case another window added words). An
        ``OSError`` from writing is re-raised, the word still accepted for now.
        """
        word = self._clean_word(word)
        self._personal_words.add(word)
        self._word_lists_changed()
        on_disk = set(self._read_personal_words())
        self._personal_words |= on_disk
        if word not in on_disk:
            self._write_personal_words(self._personal_words | on_disk)

    def ignore(self, word: str) -> None:
        """Accept ``word`` until this checker is closed; nothing is written."""
        self._ignored.add(self._clean_word(word))
        self._word_lists_changed()

    @property
    def personal_words(self) -> list[str]:
        """The user's own words, sorted."""
        return sorted(self._personal_words)

    # ------------------------------------------------------------ tokens

    def _token_errors(self, token: str, start: int) -> Iterator[tuple[int, int]]:
        if "_" in token:
            return  # an identifier or a file name, not prose
        offset = 0
        for part in token.split("/"):
            yield from self._part_errors(part, start + offset)
            offset += len(part) + 1

    def _part_errors(self, part: str, start: int) -> Iterator[tuple[int, int]]:
        if "." not in part:
            yield from self._compound_errors(part, start)
            return
        segments = part.split(".")
        if all(len(segment) <= 2 for segment in segments):
            return  # e.g, i.e, a.m, Ph.D: abbreviations
        offset = 0
        for segment in segments:
            yield from self._compound_errors(segment, start + offset)
            offset += len(segment) + 1

    def _compound_errors(self, compound: str, start: int) -> Iterator[tuple[int, int]]:
        bad: list[tuple[int, int]] = []
        any_ize = False
        offset = 0
        pieces = _HYPHEN_SPLIT.split(compound)
        for piece in pieces:
            # Quotes and the apostrophes of rock 'n' roll are not part of the word.
            word = piece.strip(_APOSTROPHES)
            if word:
                verdict = self._verdict(word)
                if verdict is not _Verdict.OK:
                    bad.append((start + offset + piece.index(word), len(word)))
                    any_ize = any_ize or verdict is _Verdict.IZE
            offset += len(piece) + 1
        # A hyphenated word the dictionary knows whole (co-operate) is right,
        # unless it hides an -ize spelling (well-organized).
        if bad and len(pieces) > 1 and not any_ize and self._known(compound):
            return
        yield from bad

    # ------------------------------------------------------------ words

    def _verdict(self, word: str) -> _Verdict:
        verdict = self._verdicts.get(word)
        if verdict is None:
            if len(self._verdicts) >= _CACHE_LIMIT:
                self._verdicts.clear()
            verdict = self._judge(word.translate(_TO_STRAIGHT))
            self._verdicts[word] = verdict
        return verdict

    def _judge(self, word: str) -> _Verdict:
        if (
            len(word) <= 1
            or any(char.isdigit() for char in word)
            or _is_acronym(word)
            or _ROMAN.fullmatch(word) is not None
            or word in self._accepted
        ):
            return _Verdict.OK
        if self._ise_form(word) is not None:
            return _Verdict.IZE
        return _Verdict.OK if self._known(word) else _Verdict.MISSPELT

    def _known(self, word: str) -> bool:
        """In the dictionary or the word lists, allowing a possessive 's."""
        word = word.translate(_TO_STRAIGHT)
        if word in self._accepted or self._dictionary.check(word):
            return True
        # Hunspell lists some abbreviations only with their full stop ("etc."),
        # which the tokenizer leaves off.
        if self._dictionary.check(f"{word}."):
            return True
        if word[-2:] in {"'s", "'S"}:
            stem = word[:-2]
            return stem in self._accepted or self._dictionary.check(stem)
        return False

    def _ise_form(self, word: str) -> str | None:
        """The -ise spelling that an -ize ``word`` should have been, or None."""
        match = _IZE.search(word)
        if match is None:
            return None
        lower = word.lower()
        stem = lower[: match.start()] + "ize"
        if lower in self._ize_exceptions or stem in self._ize_exceptions:
            return None
        z = match.start(1)
        ise = word[:z] + ("S" if word[z] == "Z" else "s") + word[z + 1 :]
        return ise if self._known(ise) else None

    def _compute_suggestions(self, word: str) -> list[str]:
        straight = word.translate(_TO_STRAIGHT)
        found: list[str] = []
        ise = self._ise_form(straight)
        if ise is not None:
            found.append(ise)
        found.extend(self._close_list_words(straight))
        for suggestion in self._dictionary.suggest(straight):
            # Hunspell splits words blindly ("organize d"): a lone letter is noise.
            if any(len(part) == 1 for part in suggestion.split()):
                continue
            found.append(self._ise_form(suggestion) or suggestion)
        if "\u2019" in word:
            # Keep the writer's typographic apostrophe in what replaces the word.
            found = [suggestion.replace("'", "\u2019") for suggestion in found]
        unique = dict.fromkeys(s for s in found if s not in {word, straight})
        return list(unique)

    def _close_list_words(self, word: str) -> Iterator[str]:
        """Council and personal words that look like ``word``, in its capitalisation."""
        by_lower = {w.lower(): w for w in (*self._council_words, *self._personal_words)}
        for match in difflib.get_close_matches(word.lower(), by_lower, n=3, cutoff=0.8):
            entry = by_lower[match]
            if entry == entry.lower() and word[:1].isupper():
                entry = entry[:1].upper() + entry[1:]
            yield entry

    # ------------------------------------------------------------ word lists

    @staticmethod
    def _clean_word(word: str) -> str:
        cleaned = word.strip().translate(_TO_STRAIGHT)
        if not cleaned or any(char.isspace() for char in cleaned):
            raise ValueError(f"Not a single word: {word!r}")
        return cleaned

    def _rebuild_accepted(self) -> None:
        accepted: set[str] = set()
        for word in (*self._council_words, *self._personal_words, *self._ignored):
            accepted |= _accepted_forms(word)
        self._accepted = accepted

    def _word_lists_changed(self) -> None:
        self._rebuild_accepted()
        self._verdicts.clear()
        self._suggestions.clear()

    def _read_personal_words(self) -> Iterable[str]:
        try:
            return read_word_list(self.personal_path)
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            # Spelling must not stop the editor: carry on without the user's words.
            _log.warning("Could not read the personal word list %s: %s", self.personal_path, error)
            return []

    def _write_personal_words(self, words: Iterable[str]) -> None:
        path = self.personal_path
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(f"{word}\n" for word in sorted(words, key=str.casefold))
        # Write beside and rename, so a crash never leaves half a word list.
        handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
                file.write(text)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def create_checker(*, personal_path: Path | None = None) -> SpellChecker | None:
    """A British English checker, or None (the reason logged) when spelling is unavailable."""
    try:
        return SpellChecker(personal_path=personal_path)
    except SpellingUnavailable as error:
        _log.warning("Spell checking is off: %s", error)
        return None
