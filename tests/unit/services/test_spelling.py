"""The British English checker: the seed raises no alarms, real errors are found where they are.

Runs on the real en_GB Hunspell dictionary (``make test`` installs it), with a
private data folder per test from the shared conftest.
"""

from __future__ import annotations

import importlib.abc
import logging
import sys
import time
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

import pytest

from qpmr_desktop import paths
from qpmr_desktop.services.spelling import (
    SpellChecker,
    SpellingUnavailable,
    create_checker,
    personal_dictionary_path,
)


@pytest.fixture
def checker() -> SpellChecker:
    return SpellChecker()


def flagged(checker: SpellChecker, text: str) -> list[str]:
    return [text[start : start + length] for start, length in checker.misspellings(text)]


# ------------------------------------------------------------------ the seed


def test_the_seed_raises_no_alarms(checker: SpellChecker, seed_text: str) -> None:
    assert flagged(checker, seed_text) == []


def test_errors_planted_in_the_seed_are_found_at_their_offsets(
    checker: SpellChecker, seed_text: str
) -> None:
    text = seed_text.replace(
        "was due to be considered by", "was due to be considered by the comittee and", 1
    )
    text += "\n\nIt was noted that officers had organized a visit to recieve the findings.\n"
    expected = [
        (text.index("comittee"), len("comittee")),
        (text.index("organized"), len("organized")),
        (text.index("recieve"), len("recieve")),
    ]
    assert checker.misspellings(text) == expected


def test_planted_errors_get_the_right_first_suggestion(checker: SpellChecker) -> None:
    assert checker.suggest("recieve")[0] == "receive"
    assert checker.suggest("comittee")[0] == "committee"
    assert checker.suggest("organized")[0] == "organised"


# ------------------------------------------------------------------ the -ise rule


@pytest.mark.parametrize(
    ("word", "first_suggestion"),
    [
        ("organize", "organise"),
        ("organized", "organised"),
        ("organizes", "organises"),
        ("Organizing", "Organising"),
        ("organization", "organisation"),
        ("organizations", "organisations"),
        ("organizational", "organisational"),
        ("organizer", "organiser"),
        ("prioritization", "prioritisation"),
        ("Prioritize", "Prioritise"),
        ("recognizable", "recognisable"),
        ("realized", "realised"),
        ("organization's", "organisation's"),
        ("organization\u2019s", "organisation\u2019s"),
        # Debian's en_GB has "diarize" but not "diarise": the council list supplies it.
        ("diarized", "diarised"),
    ],
)
def test_ize_spellings_of_ise_words_are_flagged_with_the_ise_form_first(
    checker: SpellChecker, word: str, first_suggestion: str
) -> None:
    assert checker.misspellings(word) == [(0, len(word))]
    assert checker.suggest(word)[0] == first_suggestion


@pytest.mark.parametrize(
    "word",
    [
        "size", "sizes", "sized", "sizing", "sizeable", "capsize", "capsized", "downsize",
        "downsizing", "resized", "oversized", "prize", "prizes", "prized", "prizing", "seize",
        "seized", "seizes", "seizing", "maize", "Devizes", "citizen", "organise", "organisation",
        "prioritisation", "analyse",
    ],
)  # fmt: skip
def test_genuine_ize_words_and_ise_spellings_pass(checker: SpellChecker, word: str) -> None:
    assert checker.check(word)


def test_the_exceptions_file_is_what_makes_prize_and_seize_pass(tmp_path: Path) -> None:
    shipped = paths.resources_dir() / "spelling"
    (tmp_path / "council-words.txt").write_text("", encoding="utf-8")
    (tmp_path / "ize-exceptions.txt").write_text("# none\n", encoding="utf-8")
    bare = SpellChecker(resources_dir=tmp_path)
    # Hunspell knows "prise" and "seise", so without the exceptions these would be flagged.
    assert not bare.check("prized")
    assert not bare.check("seize")
    assert SpellChecker(resources_dir=shipped).check("prized")


def test_ize_inside_a_hyphenated_word_is_flagged_even_if_the_dictionary_knows_it_whole(
    checker: SpellChecker,
) -> None:
    text = "a well-organized meeting"
    assert checker.misspellings(text) == [(text.index("organized"), len("organized"))]


def test_american_spellings_other_than_ize_are_left_to_the_dictionary(
    checker: SpellChecker,
) -> None:
    assert flagged(checker, "color center analyze program") == ["color", "center", "analyze"]


# ------------------------------------------------------------------ what is a word


@pytest.mark.parametrize(
    "text",
    [
        # acronyms in capitals or mixed case, and their plurals and possessives
        "CLA EET MASH DfE LGA ASYE ASYE's LAs EHCPs SENCo NHS OT",
        "DTaP/IPV/Hib vaccine",
        # numbers, ordinals, periods, money and times
        "18th September, the 3rd and 4th, 21st, 22nd, 1,875, 40-74 year olds",
        "Quarter 1 2017/18, Q1, Q4 2016/17, 8.1, £1.5m, £20k, 9.30am, the 1990s",
        # abbreviations with full stops
        "e.g. i.e. a.m. p.m. etc. Mr Mrs Dr St",
        # apostrophes, straight and curly, and quotation marks
        "Children's Services, officers' reports, don't, Children\u2019s, \u2018quoted\u2019",
        "\u201cIt was noted\u201d, 'single quotes' and rock \u2019n\u2019 roll",
        # hyphens, slashes
        "looked-after children, co-operate, short-term, MASH/Early Help, 12-week plan",
        "e\u2011mail, looked\u2010after",
        # URLs, e-mail addresses, domains and file names
        "see https://www.lancashire.gov.uk/councillors/xyzzy?id=2 or www.exmple.org/qwrt",
        "write to donna.talbot@lancashire.gov.uk or visit lancashire.gov.uk",
        "the file qtrly_rprt.xlsx and mintes.pdf",
        # Roman numerals numbering resolutions
        "(i) noted; (ii) agreed; (iv) deferred; (xii) withdrawn",
        # council words
        "Cllr Smith, Healthwatch, casefiles, outturn, wellbeing, workstreams, Ofqual",
    ],
)
def test_these_raise_no_alarm(checker: SpellChecker, text: str) -> None:
    assert flagged(checker, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the recieve-based model", ["recieve"]),
        ("\u2018recieve\u2019 said the comittee.", ["recieve", "comittee"]),
        ("the comittee's view", ["comittee's"]),
        ("reports.Recieve", ["Recieve"]),
        ("send to teh@example.com and teh", ["teh"]),
        ("Cllr and cllr", ["cllr"]),
        ("Healthwatch and healthwatch", ["healthwatch"]),
    ],
)
def test_misspelt_parts_are_found_where_they_are(
    checker: SpellChecker, text: str, expected: list[str]
) -> None:
    assert flagged(checker, text) == expected


def test_offsets_are_string_indices_beyond_the_bmp(checker: SpellChecker) -> None:
    text = "\U0001f600 recieve"
    assert checker.misspellings(text) == [(2, 7)]


def test_check_takes_a_word_as_typed(checker: SpellChecker) -> None:
    assert checker.check("Children's")
    assert checker.check("DfE")
    assert checker.check("18th")
    assert checker.check("")
    assert not checker.check("recieve")
    assert not checker.check("well-organized")


# ------------------------------------------------------------------ suggestions


def test_suggest_respects_the_limit_and_is_empty_for_a_good_word(checker: SpellChecker) -> None:
    assert len(checker.suggest("teh", limit=3)) == 3
    assert len(checker.suggest("teh")) <= 8
    assert checker.suggest("receive") == []
    assert checker.suggest("recieve", limit=0) == []


def test_suggestions_include_council_words_and_never_ize_spellings(
    checker: SpellChecker,
) -> None:
    assert "Ofsted" in checker.suggest("Ofstead")[:3]
    assert "Healthwatch" in checker.suggest("Helthwatch")[:3]
    for suggestion in checker.suggest("organizaton"):
        assert "iz" not in suggestion


def test_suggestions_keep_a_curly_apostrophe(checker: SpellChecker) -> None:
    assert checker.suggest("comittee\u2019s")[0] == "committee\u2019s"


# ------------------------------------------------------------------ the user's words


def test_added_words_are_accepted_at_once_and_by_the_next_checker(
    checker: SpellChecker,
) -> None:
    assert not checker.check("Qwertyshire")
    checker.add_to_dictionary("Qwertyshire")
    checker.add_to_dictionary("zorbing")
    assert checker.check("Qwertyshire")
    assert checker.check("Zorbing")

    path = personal_dictionary_path()
    assert path == paths.user_data_dir() / "dictionary-en_GB.txt"
    assert path.read_text(encoding="utf-8") == "Qwertyshire\nzorbing\n"

    later = SpellChecker()
    assert later.check("Qwertyshire")
    assert later.check("ZORBING")
    assert not later.check("qwertyshire")  # a capitalised entry needs its capital
    assert later.personal_words == ["Qwertyshire", "zorbing"]


def test_adding_keeps_words_another_window_saved_meanwhile(checker: SpellChecker) -> None:
    other = SpellChecker()
    other.add_to_dictionary("Łódźshire")
    checker.add_to_dictionary("zorbing")
    lines = personal_dictionary_path().read_text(encoding="utf-8").splitlines()
    assert sorted(lines) == ["zorbing", "Łódźshire"]


def test_an_added_ize_word_is_no_longer_flagged(checker: SpellChecker) -> None:
    checker.add_to_dictionary("organize")
    assert checker.check("organize")


def test_ignored_words_last_for_the_session_only(checker: SpellChecker) -> None:
    checker.ignore("recieve")
    assert checker.check("recieve")
    assert not personal_dictionary_path().exists()
    assert not SpellChecker().check("recieve")


def test_only_single_words_can_be_added(checker: SpellChecker) -> None:
    with pytest.raises(ValueError, match="single word"):
        checker.add_to_dictionary("two words")
    with pytest.raises(ValueError, match="single word"):
        checker.add_to_dictionary("  ")


def test_a_personal_list_in_the_wrong_encoding_is_logged_and_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = personal_dictionary_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"caf\xe9\n")
    with caplog.at_level(logging.WARNING):
        checker = SpellChecker()
    assert "personal word list" in caplog.text
    assert checker.check("receive")


def test_a_failed_save_still_accepts_the_word_and_says_why(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    checker = SpellChecker(personal_path=blocker / "dictionary-en_GB.txt")
    with pytest.raises(OSError, match="not-a-folder"):
        checker.add_to_dictionary("zorbing")
    assert checker.check("zorbing")


# ------------------------------------------------------------------ speed


def test_a_paragraph_is_checked_well_within_a_frame(checker: SpellChecker, seed_text: str) -> None:
    words = seed_text.split()[:200]
    paragraph = " ".join(words)
    checker.misspellings(paragraph)  # the first look fills the cache
    best = min(_timed(checker, paragraph) for _ in range(5))
    assert best < 0.005, f"{best * 1000:.1f} ms for 200 words"


def _timed(checker: SpellChecker, text: str) -> float:
    started = time.perf_counter()
    checker.misspellings(text)
    return time.perf_counter() - started


# ------------------------------------------------------------------ unavailable


def test_a_missing_dictionary_says_what_to_install() -> None:
    with pytest.raises(SpellingUnavailable, match=r"install hunspell-xx-yy"):
        SpellChecker(language="xx_YY")


def test_a_missing_en_gb_dictionary_names_hunspell_en_gb(monkeypatch: pytest.MonkeyPatch) -> None:
    import enchant  # type: ignore[import-untyped]

    def no_dictionary(self: object, tag: str) -> object:
        raise enchant.errors.DictNotFoundError(
            f"Dictionary for language '{tag}' could not be found"
        )

    monkeypatch.setattr(enchant.Broker, "request_dict", no_dictionary)
    with pytest.raises(SpellingUnavailable) as raised:
        SpellChecker()
    message = str(raised.value)
    assert "British English (en_GB) dictionary" in message
    assert "sudo apt-get install hunspell-en-gb" in message


class _EnchantLibraryMissing(importlib.abc.MetaPathFinder):
    """What pyenchant does when the C library is absent: ``import enchant`` raises ImportError."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == "enchant":
            raise ImportError(
                "The 'enchant' C library was not found and maybe needs to be installed."
            )
        return None


def test_a_missing_enchant_library_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "enchant", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_EnchantLibraryMissing(), *sys.meta_path])
    with pytest.raises(SpellingUnavailable, match=r"libenchant-2-2 hunspell-en-gb"):
        SpellChecker()


def test_missing_shipped_word_lists_make_spelling_unavailable(tmp_path: Path) -> None:
    with pytest.raises(SpellingUnavailable, match="reinstall QPMR Desktop"):
        SpellChecker(resources_dir=tmp_path)


def test_create_checker_logs_why_and_returns_none_when_unavailable(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "enchant", None)  # import enchant now fails
    with caplog.at_level(logging.WARNING, logger="qpmr_desktop.services.spelling"):
        assert create_checker() is None
    assert "Spell checking is off" in caplog.text
    assert "pyenchant" in caplog.text


def test_create_checker_gives_a_checker_when_all_is_installed() -> None:
    checker = create_checker()
    assert checker is not None
    assert not checker.check("recieve")
