"""``qpmr-desktop print minutes``: an item's or a meeting's minutes to PDF, read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from qpmr_desktop.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def ids(capsys: pytest.CaptureFixture[str], kind: str, database: Path) -> list[dict[str, object]]:
    status, out, _ = run(capsys, "list", kind, "--json", "--database", str(database))
    assert status == 0
    listed: list[dict[str, object]] = json.loads(out)
    return listed


def test_an_items_minutes_print_with_every_paragraph(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    seed = next(
        item
        for item in ids(capsys, "items", demo_path)
        if str(item["title"]).startswith("Quarterly Corporate Performance")
    )
    out = tmp_path / "item.pdf"

    status, stdout, err = run(
        capsys,
        "print",
        "minutes",
        "--item",
        str(seed["id"]),
        "--out",
        str(out),
        "--database",
        str(demo_path),
    )

    assert (status, err) == (0, "")
    assert stdout.strip() == str(out)
    text = pdf_text(out)
    assert "Lancashire County Council" in text
    assert "1,875 Children Looked After" in text
    assert text.index("Start Well") < text.index("Live Well") < text.index("Age Well")
    assert "DRAFT" in text


def test_a_meetings_minutes_open_with_the_attendance(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    (meeting,) = ids(capsys, "meetings", demo_path)
    out = tmp_path / "meeting.pdf"

    status, _, err = run(
        capsys,
        "print",
        "minutes",
        "--meeting",
        str(meeting["id"]),
        "--out",
        str(out),
        "--database",
        str(demo_path),
    )

    assert (status, err) == (0, "")
    text = pdf_text(out)
    assert text.index("Present") < text.index("Apologies") < text.index("1. Apologies")
    assert "(Chair)" in text
    assert text.index("Quarterly Corporate Performance") < text.rindex("Chair")


BAD_REQUESTS = {
    "unknown item": (("--item", "999999"), 1, "no agenda item with id 999999"),
    "unknown meeting": (("--meeting", "999999"), 1, "no meeting with id 999999"),
    "neither": ((), 2, "one of the arguments --item --meeting is required"),
}


@pytest.mark.parametrize("case", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_bad_requests_say_what_is_wrong_and_write_nothing(
    capsys: pytest.CaptureFixture[str],
    demo_path: Path,
    tmp_path: Path,
    case: tuple[tuple[str, ...], int, str],
) -> None:
    argv, status, message = case
    out = tmp_path / "x.pdf"

    got, _, err = run(
        capsys, "print", "minutes", *argv, "--out", str(out), "--database", str(demo_path)
    )

    assert got == status
    assert message in err
    assert not out.exists()
    assert list(tmp_path.glob("*.partial")) == []


def test_the_action_tracker_prints_landscape_with_every_action(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    actions = ids(capsys, "actions", demo_path)
    out = tmp_path / "actions.pdf"

    status, _, err = run(
        capsys, "print", "actions", "--out", str(out), "--database", str(demo_path)
    )

    assert (status, err) == (0, "")
    page = PdfReader(out).pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = pdf_text(out)
    assert all(str(action["description"])[:30] in text for action in actions)


def test_the_pack_holds_minutes_report_and_tracker_in_one_numbering(
    capsys: pytest.CaptureFixture[str], demo_path: Path, tmp_path: Path
) -> None:
    (meeting,) = ids(capsys, "meetings", demo_path)
    out = tmp_path / "pack.pdf"

    status, _, err = run(
        capsys,
        "print",
        "pack",
        "--meeting",
        str(meeting["id"]),
        "--out",
        str(out),
        "--database",
        str(demo_path),
    )

    assert (status, err) == (0, "")
    reader = PdfReader(out)
    pages = len(reader.pages)
    text = pdf_text(out)
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    minutes_at = text.index("1,875 Children Looked After")
    report_at = text.index("Quarterly performance report", minutes_at)
    assert report_at < text.rindex("12-Week Improvement Plan")
