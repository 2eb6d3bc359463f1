"""Minutes → Paste Published Minutes…: preview, save, and refusals that keep the text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.domain.minutes import PointKind
from qpmr_desktop.services.minutes import get_item_minutes
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.ui.paste_minutes_dialog import PasteMinutesDialog

COMMITTEE = "Cabinet Committee on Performance Improvement"
DEMO_MEETING_DATE = QDate(2017, 9, 12)
REPEATED_DECISION = """Budget Monitoring Report

It was noted that spending was on track.

RESOLVED – That the report be noted.

Decision:

That the report be noted.
"""


@pytest.fixture
def workspace(demo_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(demo_path, user="tester")
    yield workspace
    workspace.close()


@pytest.fixture
def dialog(qtbot: QtBot, workspace: Workspace) -> PasteMinutesDialog:
    dialog = PasteMinutesDialog(workspace, today=dt.date(2018, 3, 1))
    qtbot.addWidget(dialog)
    return dialog


def approve_demo_meeting(workspace: Workspace) -> None:
    # The lifecycle service would need a circulation first; the test needs only the state.
    with workspace.database.session() as session:
        session.connection().execute(sa.text("UPDATE meeting SET status = 'approved'"))


def test_the_committee_and_the_draft_meetings_date_are_suggested(
    dialog: PasteMinutesDialog,
) -> None:
    assert dialog.committee_combo.currentText() == COMMITTEE
    assert dialog.date_edit.date() == DEMO_MEETING_DATE
    assert "draft meeting of 12 Sep 2017" in dialog.meeting_label.text()
    dialog.date_edit.setDate(QDate(2018, 1, 9))
    assert "saving creates it" in dialog.meeting_label.text()
    assert not dialog.save_button.isEnabled()


def test_pasting_the_seed_previews_its_structure(
    qtbot: QtBot, dialog: PasteMinutesDialog, seed_text: str
) -> None:
    dialog.text_edit.setPlainText(seed_text)
    qtbot.waitUntil(lambda: dialog.preview_state is not None, timeout=3000)
    state = dialog.preview_state
    assert state is not None
    assert len(state.parsed.points) == 19
    assert state.unplaced == ()
    assert dialog.warning_label.isHidden()
    shown = dialog.preview.toPlainText()
    assert "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18" in shown
    assert "19 points · 1 resolution" in shown
    assert "Donna Talbot, Head of Services Business Intelligence" in shown
    assert "Start Well" in shown
    assert "[Noted] It was noted that the number of 1,875 Children Looked After" in shown
    assert "Resolved: That the reported performance for Quarter 1" in shown
    assert dialog.save_button.isEnabled()


def test_save_creates_the_item_in_the_chosen_meeting(
    qtbot: QtBot, dialog: PasteMinutesDialog, workspace: Workspace, seed_text: str
) -> None:
    dialog.set_text(seed_text)
    with qtbot.wait_signal(dialog.item_saved) as blocker:
        dialog.save_button.click()
    assert dialog.result() == PasteMinutesDialog.DialogCode.Accepted
    item_id = dialog.saved_item_id
    assert item_id is not None
    assert blocker.args == [item_id]
    minutes = get_item_minutes(workspace=workspace, item_id=AgendaItemId(item_id))
    assert minutes.title == "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
    assert minutes.number == "5"  # after the demo meeting's four items
    assert minutes.meeting.date == dt.date(2017, 9, 12)
    assert sum(len(section.points) for section in minutes.sections) == 19
    assert minutes.sections[0].points[0].kind is PointKind.PRESENTED
    assert [r.text[:30] for r in minutes.resolutions] == ["That the reported performance "]


def test_an_approved_meeting_is_refused_in_words_and_the_text_stays(
    qtbot: QtBot, workspace: Workspace, seed_text: str
) -> None:
    approve_demo_meeting(workspace)
    dialog = PasteMinutesDialog(workspace, today=dt.date(2018, 3, 1))
    qtbot.addWidget(dialog)
    dialog.date_edit.setDate(DEMO_MEETING_DATE)
    assert "are approved" in dialog.meeting_label.text()
    dialog.set_text(seed_text)
    dialog.save_button.click()
    assert dialog.result() != PasteMinutesDialog.DialogCode.Accepted
    assert dialog.saved_item_id is None
    assert not dialog.error_label.isHidden()
    assert "are approved, so no item can be added to them" in dialog.error_label.text()
    assert dialog.pasted_text() == seed_text


def test_minutes_without_a_title_are_refused_in_words(dialog: PasteMinutesDialog) -> None:
    dialog.set_text("It was noted that the figures had improved.\n\nResolved: That it be noted.")
    assert "No title found" in dialog.preview.toPlainText()
    assert dialog.save() is None
    assert "no title line" in dialog.error_label.text()
    assert dialog.text_edit.toPlainText().startswith("It was noted")
    dialog.text_edit.insertPlainText("x")
    assert dialog.error_label.isHidden()  # typing again clears the refusal


def test_a_folded_decision_is_said_in_the_warning_line(dialog: PasteMinutesDialog) -> None:
    dialog.set_text(REPEATED_DECISION)
    state = dialog.preview_state
    assert state is not None
    assert len(state.parsed.resolutions) == 1
    assert not dialog.warning_label.isHidden()
    assert "1 Decision block repeated a resolution and was kept once" in (
        dialog.warning_label.text()
    )


def test_hostile_text_is_previewed_verbatim(dialog: PasteMinutesDialog) -> None:
    hostile = 'Item <b>&"😀 Żółć</b>'
    dialog.set_text(f"{hostile}\n\nIt was noted that <script>x</script> was seen.")
    shown = dialog.preview.toPlainText()
    assert hostile in shown
    assert "<script>x</script>" in shown


def test_a_text_file_opens_into_the_box(dialog: PasteMinutesDialog, tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_bytes("Budget Report\n\nIt was noted that costs rose – by 5%.\n".encode("cp1252"))
    assert dialog.load_text_file(path)
    assert "costs rose – by 5%" in dialog.text_edit.toPlainText()
    assert dialog.preview_state is not None
    assert not dialog.load_text_file(tmp_path / "missing.txt")
    assert "missing.txt could not be read" in dialog.error_label.text()
    assert "costs rose" in dialog.text_edit.toPlainText()
