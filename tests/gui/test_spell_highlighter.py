"""Wavy underlines on misspelt words, and the right-click menu that fixes them.

Underlines are read back from each block's layout formats (what
QSyntaxHighlighter sets), not from pixels; the menu is built and its actions
triggered directly, as a click on them would. A QSyntaxHighlighter makes its
first pass on the next turn of the event loop, and ignores edits until then:
``highlighted`` waits for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit
from pytestqt.qtbot import QtBot

from qpmr_desktop.services.spelling import SpellChecker, personal_dictionary_path
from qpmr_desktop.ui.spell_highlighter import (
    SpellCheckerAdapter,
    SpellHighlighter,
    spelling_context_menu,
    to_utf16_spans,
)
from tests.gui.conftest import shows_window

WAVY = QTextCharFormat.UnderlineStyle.SpellCheckUnderline


@pytest.fixture
def speller() -> SpellCheckerAdapter:
    return SpellCheckerAdapter(SpellChecker())


def highlighted(document: QTextDocument, speller: SpellCheckerAdapter) -> SpellHighlighter:
    """A highlighter on ``document`` that has made its first pass."""
    highlighter = SpellHighlighter(document, speller)
    QCoreApplication.processEvents()
    return highlighter


@pytest.fixture
def editor(qtbot: QtBot, speller: SpellCheckerAdapter) -> QPlainTextEdit:
    widget = QPlainTextEdit()
    qtbot.addWidget(widget)
    widget.resize(500, 200)
    highlighted(widget.document(), speller)
    return widget


def underlined(document: QTextDocument) -> list[str]:
    """The text of every range the highlighter underlined, block by block."""
    found = []
    block = document.firstBlock()
    while block.isValid():
        for format_range in block.layout().formats():
            assert format_range.format.underlineStyle() == WAVY
            start = format_range.start
            found.append(block.text()[start : start + format_range.length])
        block = block.next()
    return found


def point_at(editor: QPlainTextEdit | QTextEdit, word: str) -> QPoint:
    """Viewport coordinates of the middle of the first ``word`` in ``editor``."""
    cursor = QTextCursor(editor.document())
    cursor.setPosition(editor.toPlainText().index(word) + len(word) // 2)
    return editor.cursorRect(cursor).center()


def action_named(menu: QMenu, text: str) -> QAction:
    matches = [action for action in menu.actions() if action.text() == text]
    assert len(matches) == 1, [action.text() for action in menu.actions()]
    return matches[0]


# ------------------------------------------------------------------ underlines


def test_misspelt_words_are_underlined_and_correct_ones_are_not(
    speller: SpellCheckerAdapter,
) -> None:
    document = QTextDocument()
    highlighter = highlighted(document, speller)
    document.setPlainText("We recieve reports.\nWe receive the comittee's minutes.")
    assert underlined(document) == ["recieve", "comittee's"]
    highlighter.set_enabled(False)
    assert underlined(document) == []
    highlighter.set_enabled(True)
    assert underlined(document) == ["recieve", "comittee's"]


def test_a_document_with_text_already_in_it_is_checked(
    qtbot: QtBot, speller: SpellCheckerAdapter
) -> None:
    document = QTextDocument()
    document.setPlainText("The Committee organized it.")
    SpellHighlighter(document, speller)
    # QSyntaxHighlighter checks an existing text on the next turn of the event loop.
    qtbot.waitUntil(lambda: underlined(document) == ["organized"])


def test_typing_underlines_as_you_go(qtbot: QtBot, editor: QPlainTextEdit) -> None:
    QTest.keyClicks(editor, "It was agred that")
    assert underlined(editor.document()) == ["agred"]


def test_underlines_count_in_utf16_after_an_emoji(speller: SpellCheckerAdapter) -> None:
    document = QTextDocument()
    highlighted(document, speller)
    document.setPlainText("\U0001f600 recieve")
    block = document.firstBlock()
    [format_range] = block.layout().formats()
    assert (format_range.start, format_range.length) == (3, 7)
    assert to_utf16_spans("\U0001f600 recieve", [(2, 7)]) == [(3, 7)]


# ------------------------------------------------------------------ the menu


def test_a_suggestion_replaces_the_word_and_ctrl_z_brings_it_back(
    qtbot: QtBot, editor: QPlainTextEdit, speller: SpellCheckerAdapter
) -> None:
    QTest.keyClicks(editor, "We will recieve the report")
    menu = spelling_context_menu(editor, point_at(editor, "recieve"), speller)
    assert menu.actions()[0].text() == "receive"
    action_named(menu, "receive").trigger()
    assert editor.toPlainText() == "We will receive the report"
    assert underlined(editor.document()) == []

    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "We will recieve the report"
    assert underlined(editor.document()) == ["recieve"]
    editor.redo()
    assert editor.toPlainText() == "We will receive the report"


def test_the_menu_offers_at_most_eight_suggestions_then_the_standard_items(
    editor: QPlainTextEdit, speller: SpellCheckerAdapter
) -> None:
    editor.setPlainText("teh")
    menu = spelling_context_menu(editor, point_at(editor, "teh"), speller)
    texts = [action.text() for action in menu.actions()]
    add = texts.index("Add to Dictionary")
    suggestions = texts[: add - 1]
    assert suggestions[0] == "the"
    assert 1 <= len(suggestions) <= 8
    assert menu.actions()[add - 1].isSeparator()
    assert texts[add + 1] == "Ignore"
    assert menu.actions()[add + 2].isSeparator()
    standard = [action.objectName() for action in menu.actions()[add + 3 :]]
    assert {"edit-undo", "edit-copy", "edit-paste", "select-all"} <= set(standard)


def test_an_ize_spelling_offers_the_ise_form_first(
    editor: QPlainTextEdit, speller: SpellCheckerAdapter
) -> None:
    editor.setPlainText("The Committee had organized a visit.")
    menu = spelling_context_menu(editor, point_at(editor, "organized"), speller)
    menu.actions()[0].trigger()
    assert editor.toPlainText() == "The Committee had organised a visit."


def test_add_to_dictionary_clears_the_underline_everywhere_and_is_saved(
    qtbot: QtBot, editor: QPlainTextEdit, speller: SpellCheckerAdapter
) -> None:
    other = QTextDocument()
    highlighted(other, speller)
    other.setPlainText("Qwertyshire again")
    editor.setPlainText("The Qwertyshire report")
    assert underlined(editor.document()) == ["Qwertyshire"]

    menu = spelling_context_menu(editor, point_at(editor, "Qwertyshire"), speller)
    with (
        qtbot.waitSignal(speller.dictionary_changed),
        qtbot.assertNotEmitted(speller.dictionary_save_failed),
    ):
        action_named(menu, "Add to Dictionary").trigger()

    assert underlined(editor.document()) == []
    assert underlined(other) == []
    assert editor.toPlainText() == "The Qwertyshire report"
    assert personal_dictionary_path().read_text(encoding="utf-8") == "Qwertyshire\n"


def test_ignore_clears_the_underline_for_the_session(
    editor: QPlainTextEdit, speller: SpellCheckerAdapter
) -> None:
    editor.setPlainText("Qwertyshire")
    menu = spelling_context_menu(editor, point_at(editor, "Qwertyshire"), speller)
    action_named(menu, "Ignore").trigger()
    assert underlined(editor.document()) == []
    assert not personal_dictionary_path().exists()


def test_a_word_that_cannot_be_saved_is_still_accepted_and_reported(
    qtbot: QtBot, editor: QPlainTextEdit, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    speller = SpellCheckerAdapter(SpellChecker(personal_path=blocker / "words.txt"))
    highlighted(editor.document(), speller)
    editor.setPlainText("Qwertyshire")
    with qtbot.waitSignal(speller.dictionary_save_failed) as failed:
        speller.add_to_dictionary("Qwertyshire")
    assert "could not be saved" in failed.args[0]
    assert speller.checker.check("Qwertyshire")


def test_a_correct_word_gets_only_the_standard_menu(
    editor: QPlainTextEdit, speller: SpellCheckerAdapter
) -> None:
    editor.setPlainText("We receive reports")
    menu = spelling_context_menu(editor, point_at(editor, "receive"), speller)
    assert menu.actions()[0].objectName() == "edit-undo"
    assert "Add to Dictionary" not in [action.text() for action in menu.actions()]


def test_without_a_checker_the_menu_is_the_standard_one(editor: QPlainTextEdit) -> None:
    editor.setPlainText("We recieve reports")
    menu = spelling_context_menu(editor, point_at(editor, "recieve"), None)
    assert menu.actions()[0].objectName() == "edit-undo"


def test_a_read_only_editor_offers_no_replacements(
    editor: QPlainTextEdit, speller: SpellCheckerAdapter
) -> None:
    editor.setPlainText("We recieve reports")
    editor.setReadOnly(True)
    menu = spelling_context_menu(editor, point_at(editor, "recieve"), speller)
    texts = [action.text() for action in menu.actions()]
    assert texts[:2] == ["Add to Dictionary", "Ignore"]
    assert "receive" not in texts


def test_a_suggestion_is_not_applied_when_the_word_changed_meanwhile(
    editor: QPlainTextEdit, speller: SpellCheckerAdapter
) -> None:
    editor.setPlainText("We recieve reports")
    menu = spelling_context_menu(editor, point_at(editor, "recieve"), speller)
    editor.setPlainText("Something else entirely")
    action_named(menu, "receive").trigger()
    assert editor.toPlainText() == "Something else entirely"


@shows_window
def test_a_rich_text_editor_works_the_same_when_scrolled(
    qtbot: QtBot, speller: SpellCheckerAdapter
) -> None:
    editor = QTextEdit()
    qtbot.addWidget(editor)
    editor.resize(300, 120)
    # QTextEdit lays its text out only once shown: positions need the layout.
    editor.show()
    qtbot.waitExposed(editor)
    highlighted(editor.document(), speller)
    editor.setPlainText("\n".join(["Filler line."] * 30 + ["Then the comittee met."]))
    editor.moveCursor(QTextCursor.MoveOperation.End)
    editor.ensureCursorVisible()
    assert editor.verticalScrollBar().value() > 0
    assert underlined(editor.document()) == ["comittee"]
    menu = spelling_context_menu(editor, point_at(editor, "comittee"), speller)
    action_named(menu, "committee").trigger()
    assert editor.toPlainText().endswith("Then the committee met.")
    editor.undo()
    assert editor.toPlainText().endswith("Then the comittee met.")
