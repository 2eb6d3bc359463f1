"""``qpmr-desktop import-minutes``: parse published minutes to JSON, or save them as an item."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qpmr_desktop.cli import main
from qpmr_desktop.domain.ids import AgendaItemId
from qpmr_desktop.services.minutes import get_item_minutes
from qpmr_desktop.services.workspace import open_workspace

TITLE = "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
COMMITTEE = "Cabinet Committee on Performance Improvement"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def seed_file(tmp_path: Path, seed_text: str) -> Path:
    path = tmp_path / "seed.txt"
    path.write_text(seed_text, encoding="utf-8")
    return path


def test_json_prints_the_seed_structure_and_needs_no_database(
    capsys: pytest.CaptureFixture[str], seed_file: Path
) -> None:
    status, out, err = run(capsys, "import-minutes", str(seed_file), "--json")

    assert (status, err) == (0, "")
    parsed = json.loads(out)
    assert set(parsed) == {"title", "presenters", "sections", "resolutions", "supporting_documents"}
    assert parsed["title"] == TITLE
    assert [p["name"] for p in parsed["presenters"]] == ["Donna Talbot", "Richard Cooke"]
    assert sum(len(section["points"]) for section in parsed["sections"]) == 19
    (resolution,) = parsed["resolutions"]
    assert resolution["text"].startswith("That the reported performance for Quarter 1")


def test_saving_creates_the_item_and_prints_its_id_last(
    capsys: pytest.CaptureFixture[str], seed_file: Path, demo_path: Path
) -> None:
    status, out, err = run(
        capsys,
        "import-minutes",
        str(seed_file),
        "--committee",
        COMMITTEE,
        "--date",
        "2017-12-12",
        "--database",
        str(demo_path),
    )

    assert (status, err) == (0, "")
    item_id = AgendaItemId(int(out.strip().splitlines()[-1]))
    workspace = open_workspace(demo_path)
    try:
        minutes = get_item_minutes(workspace=workspace, item_id=item_id)
    finally:
        workspace.close()
    assert minutes.title == TITLE
    assert minutes.meeting.date.isoformat() == "2017-12-12"
    assert sum(len(section.points) for section in minutes.sections) == 19


def test_saving_needs_a_committee_and_a_date(
    capsys: pytest.CaptureFixture[str], seed_file: Path, demo_path: Path
) -> None:
    status, _, err = run(capsys, "import-minutes", str(seed_file), "--database", str(demo_path))

    assert status == 2
    assert "--committee and --date" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xff\xfe not utf-8 \x80", "is not UTF-8 text"), (None, "No such file")],
)
def test_unreadable_files_are_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "minutes.txt"
    if content is not None:
        path.write_bytes(content)

    status, out, err = run(capsys, "import-minutes", str(path), "--json")

    assert (status, out) == (1, "")
    assert message in err
