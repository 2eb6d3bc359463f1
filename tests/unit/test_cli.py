"""The ``qpmr-desktop`` command line: options, listings, exit codes and error messages.

Most tests call ``main([...])`` in-process; Qt is never started (the GUI and
screenshot entry points are replaced by hand-written fake modules). A few run
the installed entry point, as a user or the seed-contract script would.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlmodel import Session

import qpmr_desktop
from qpmr_desktop.cli import CommandError, main, parse_size
from qpmr_desktop.domain.actions import ActionStatus
from qpmr_desktop.domain.minutes import MinutesStatus
from qpmr_desktop.domain.performance import (
    Frequency,
    MeasureType,
    Polarity,
    ToleranceKind,
)
from qpmr_desktop.domain.units import Unit
from qpmr_desktop.services.workspace import open_workspace
from qpmr_desktop.storage.tables import (
    Action,
    ActionUpdate,
    AgendaItem,
    Committee,
    ImprovementPlan,
    Indicator,
    IndicatorValue,
    Meeting,
    PriorityArea,
    Theme,
)

TITLE = "Quarterly Corporate Performance Monitoring Report – Quarter 1 2017/18"
ODD_TITLE = "Élan & <Ørsted> “quotes” Ж 😀"
ERROR_PREFIX = "qpmr-desktop: error: "
ENTRY_POINT = Path(sys.executable).parent / "qpmr-desktop"
LONG_DESCRIPTION = "Review the thresholds\nof the MASH " + "and more " * 20


class _Row(Protocol):
    id: int | None


def insert(session: Session, row: _Row) -> int:
    """Add one row and return its new id."""
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


@dataclass(frozen=True)
class Sample:
    path: Path
    item_id: int
    meeting_id: int


@pytest.fixture
def sample(tmp_path: Path) -> Sample:
    """A database with one of everything the listings show."""
    path = tmp_path / "council.qpmr"
    workspace = open_workspace(path, create=True)
    try:
        with workspace.database.session() as session:
            committee = insert(
                session, Committee(name="Cabinet Committee on Performance Improvement")
            )
            meeting = insert(
                session,
                Meeting(
                    committee_id=committee,
                    date=dt.date(2017, 9, 19),
                    start_time=dt.time(14, 0),
                    venue="Cabinet Room 'C'",
                    status=MinutesStatus.DRAFT,
                ),
            )
            item = insert(
                session, AgendaItem(meeting_id=meeting, number="4", title=TITLE, position=4)
            )
            insert(session, AgendaItem(meeting_id=meeting, number="5", title=ODD_TITLE, position=5))
            insert(session, Theme(name="Start Well", position=0))
            indicator = insert(
                session,
                Indicator(
                    ref="CLA-01",
                    name="Children Looked After",
                    theme="Start Well",
                    unit=Unit.COUNT,
                    polarity=Polarity.LOWER_IS_BETTER,
                    frequency=Frequency.QUARTERLY,
                    measure_type=MeasureType.SNAPSHOT,
                    tolerance_kind=ToleranceKind.ABSOLUTE,
                ),
            )
            for year, quarter, value in [(2016, 1, 1600.0), (2016, 4, 1800.0), (2017, 1, 1875.0)]:
                insert(
                    session,
                    IndicatorValue(
                        indicator_id=indicator,
                        year=year,
                        quarter=quarter,
                        value=value,
                        target=1700.0,
                    ),
                )
            plan = insert(session, ImprovementPlan(name="12-week improvement plan"))
            area = insert(session, PriorityArea(plan_id=plan, name="MASH / Early Help", position=1))
            action = insert(
                session,
                Action(
                    plan_id=plan,
                    priority_area_id=area,
                    ref="1.1",
                    description=LONG_DESCRIPTION,
                    due_date=dt.date(2017, 9, 30),
                    status=ActionStatus.ON_TRACK,
                    progress=60,
                ),
            )
            insert(
                session,
                ActionUpdate(
                    action_id=action,
                    text="Thresholds agreed.",
                    who="amy.smith",
                    at=dt.datetime(2017, 9, 12, 10, 30, tzinfo=dt.UTC),
                    old_status=None,
                    new_status=ActionStatus.ON_TRACK,
                ),
            )
    finally:
        workspace.close()
    return Sample(path=path, item_id=item, meeting_id=meeting)


@pytest.fixture
def not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "minutes.docx"
    path.write_bytes(b"PK\x03\x04 this is a Word document, not a database\n" * 50)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``main(argv)``'s exit status, stdout and stderr, whether it returns or exits."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def listed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    status, out, err = run(capsys, *argv)
    assert (status, err) == (0, "")
    objects = json.loads(out)
    assert isinstance(objects, list)
    return objects


# ------------------------------------------------------------------ options


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")

    assert status == 0
    assert out == f"qpmr-desktop {qpmr_desktop.__version__}\n"
    assert qpmr_desktop.__version__ == "0.1.0"


@pytest.mark.parametrize(
    "argv",
    [
        ["--database", "{db}", "list", "items", "--json"],
        ["list", "items", "--json", "--database", "{db}"],
        ["list", "--database", "{db}", "items", "--json"],
    ],
)
def test_database_may_come_before_or_after_the_command(
    capsys: pytest.CaptureFixture[str], sample: Sample, argv: list[str]
) -> None:
    items = listed(capsys, *[arg.format(db=sample.path) for arg in argv])

    assert [item["title"] for item in items] == [TITLE, ODD_TITLE]


def test_database_from_the_environment(
    capsys: pytest.CaptureFixture[str], sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QPMR_DATABASE", str(sample.path))

    assert len(listed(capsys, "list", "meetings", "--json")) == 1


def test_an_explicit_database_wins_over_the_environment(
    capsys: pytest.CaptureFixture[str],
    sample: Sample,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QPMR_DATABASE", str(tmp_path / "elsewhere.qpmr"))

    assert len(listed(capsys, "list", "meetings", "--json", "--database", str(sample.path))) == 1


def test_listing_without_a_database_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QPMR_DATABASE", raising=False)

    status, out, err = run(capsys, "list", "items")

    assert status == 2
    assert out == ""
    assert "no database" in err
    assert "--database" in err


def test_database_and_demo_together_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], sample: Sample
) -> None:
    status, _, err = run(capsys, "--demo", "list", "items", "--database", str(sample.path))

    assert status == 2
    assert "either --database or --demo" in err


@pytest.mark.parametrize(
    "argv",
    [["list"], ["list", "people"], ["frobnicate"], ["screenshot", "--tab", "charts", "--out", "x"]],
)
def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, out, err = run(capsys, *argv)

    assert status == 2
    assert out == ""
    assert err.startswith("usage: qpmr-desktop")


# ------------------------------------------------------------------ list


def test_list_items_json(capsys: pytest.CaptureFixture[str], sample: Sample) -> None:
    items = listed(capsys, "list", "items", "--json", "--database", str(sample.path))

    assert items[0] == {
        "id": sample.item_id,
        "meeting_id": sample.meeting_id,
        "number": "4",
        "title": TITLE,
        "is_sample": False,
        "meeting_date": "2017-09-19",
        "committee": "Cabinet Committee on Performance Improvement",
    }
    assert next(iter(items[0])) == "id"


def test_json_keeps_non_ascii_text_as_is(
    capsys: pytest.CaptureFixture[str], sample: Sample
) -> None:
    _, out, _ = run(capsys, "list", "items", "--json", "--database", str(sample.path))

    assert ODD_TITLE in out  # not "\u00c9lan"
    assert "\\u" not in out


def test_list_meetings_json(capsys: pytest.CaptureFixture[str], sample: Sample) -> None:
    (meeting,) = listed(capsys, "list", "meetings", "--json", "--database", str(sample.path))

    assert meeting == {
        "id": sample.meeting_id,
        "committee": "Cabinet Committee on Performance Improvement",
        "date": "2017-09-19",
        "start_time": "14:00:00",
        "venue": "Cabinet Room 'C'",
        "status": "draft",
        "item_count": 2,
        "is_sample": False,
    }


def test_list_indicators_json(capsys: pytest.CaptureFixture[str], sample: Sample) -> None:
    (indicator,) = listed(capsys, "list", "indicators", "--json", "--database", str(sample.path))

    assert indicator["ref"] == "CLA-01"
    assert indicator["latest_period"] == "Q1 2017/18"
    assert (indicator["value"], indicator["value_text"]) == (1875, "1,875")
    assert indicator["unit"] == "count"
    assert indicator["polarity"] == "lower is better"
    assert indicator["rag"] == "red"
    assert indicator["direction"] == "worsening"
    assert indicator["direction_text"] == "Worsening vs Q4 2016/17; worsening vs Q1 2016/17"
    assert indicator["record"] == "Highest ever recorded"


def test_list_actions_json(capsys: pytest.CaptureFixture[str], sample: Sample) -> None:
    (action,) = listed(capsys, "list", "actions", "--json", "--database", str(sample.path))

    assert action["ref"] == "1.1"
    assert action["plan"] == "12-week improvement plan"
    assert action["due_date"] == "2017-09-30"
    assert action["status"] == "on track"
    assert action["rag"] == "red"  # overdue: "today" is long after September 2017
    assert action["overdue"] is True
    assert action["latest_update"] == "Thresholds agreed."
    assert dt.datetime.fromisoformat(action["latest_update_at"]) == dt.datetime(
        2017, 9, 12, 10, 30, tzinfo=dt.UTC
    )
    assert action["description"] == LONG_DESCRIPTION


def test_list_items_as_aligned_columns(capsys: pytest.CaptureFixture[str], sample: Sample) -> None:
    status, out, err = run(capsys, "list", "items", "--database", str(sample.path))

    assert (status, err) == (0, "")
    header, first, second = out.splitlines()
    assert header.split() == ["ID", "Meeting", "Committee", "No.", "Title"]
    # Every column starts where its header starts.
    assert first.index("2017-09-19") == header.index("Meeting")
    assert first.index(TITLE) == header.index("Title")
    assert second.index(ODD_TITLE) == header.index("Title")


def test_list_actions_as_columns_cuts_long_text(
    capsys: pytest.CaptureFixture[str], sample: Sample
) -> None:
    status, out, _ = run(capsys, "list", "actions", "--database", str(sample.path))

    assert status == 0
    header, row = out.splitlines()
    assert header.startswith("ID")
    assert "Review the thresholds of the MASH and more" in row  # the newline is flattened
    assert "…" in row
    assert "Red, overdue" in row


@pytest.mark.parametrize("kind", ["meetings", "indicators"])
def test_list_as_columns(capsys: pytest.CaptureFixture[str], sample: Sample, kind: str) -> None:
    status, out, _ = run(capsys, "list", kind, "--database", str(sample.path))

    assert status == 0
    assert len(out.splitlines()) == 2
    assert ("Cabinet Committee" if kind == "meetings" else "1,875") in out


def test_an_empty_database_lists_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "new.qpmr"
    open_workspace(path, create=True).close()

    assert listed(capsys, "list", "actions", "--json", "--database", str(path)) == []
    status, out, _ = run(capsys, "list", "meetings", "--database", str(path))
    assert status == 0
    assert out.startswith("No meetings in ")


# ------------------------------------------------------------------ bad input


def test_a_missing_database_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.qpmr"

    status, out, err = run(capsys, "list", "items", "--database", str(missing))

    assert status == 1
    assert out == ""
    assert err.startswith(ERROR_PREFIX)
    assert "missing.qpmr" in err
    assert "Traceback" not in err
    assert not missing.exists()


def test_a_file_that_is_not_a_database_is_refused_and_left_unchanged(
    capsys: pytest.CaptureFixture[str], not_a_database: Path
) -> None:
    before = not_a_database.read_bytes()
    modified = not_a_database.stat().st_mtime_ns

    status, out, err = run(capsys, "list", "items", "--json", "--database", str(not_a_database))

    assert status == 1
    assert out == ""
    assert err.startswith(ERROR_PREFIX)
    assert "minutes.docx" in err
    assert len(err.strip().splitlines()) == 1
    assert not_a_database.read_bytes() == before
    assert not_a_database.stat().st_mtime_ns == modified


# ------------------------------------------------------------------ demo


def test_demo_writes_the_database_and_refuses_to_overwrite_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "demo.qpmr"

    status, out, err = run(capsys, "demo", "--database", str(path))
    assert (status, err) == (0, "")
    assert out.strip() == str(path)
    items = listed(capsys, "list", "items", "--json", "--database", str(path))
    assert any("Quarterly Corporate Performance" in json.dumps(item) for item in items)

    before = path.read_bytes()
    status, out, err = run(capsys, "demo", "--database", str(path))
    assert (status, out) == (1, "")
    assert err.startswith(ERROR_PREFIX)
    assert "--force" in err
    assert path.read_bytes() == before

    status, out, _ = run(capsys, "demo", "--force", "--database", str(path))
    assert status == 0
    assert out.strip() == str(path)


def test_demo_without_a_path_goes_to_the_data_folder_never_to_qpmr_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real database named by $QPMR_DATABASE must never be overwritten by a demo.
    real = tmp_path / "real.qpmr"
    real.write_bytes(b"precious")
    monkeypatch.setenv("QPMR_DATABASE", str(real))
    expected = Path(os.environ["QPMR_DATA_DIR"]) / "demo.qpmr"

    status, out, _ = run(capsys, "demo", "--force")

    assert status == 0
    assert Path(out.strip()) == expected
    assert expected.is_file()
    assert real.read_bytes() == b"precious"


def test_list_with_demo_makes_the_demo_when_missing(capsys: pytest.CaptureFixture[str]) -> None:
    items = listed(capsys, "--demo", "list", "items", "--json")

    assert any("Quarterly Corporate Performance" in item["title"] for item in items)
    assert (Path(os.environ["QPMR_DATA_DIR"]) / "demo.qpmr").is_file()


# ------------------------------------------------------------------ screenshot and GUI


@dataclass
class Calls:
    made: list[dict[str, Any]] = field(default_factory=list)
    result: int = 0

    def __call__(self, **kwargs: Any) -> int:
        self.made.append(kwargs)
        return self.result


@pytest.fixture
def fake_screenshot(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Stands in for ``qpmr_desktop.ui.screenshot`` so no Qt is started here."""
    calls = Calls()
    module = types.ModuleType("qpmr_desktop.ui.screenshot")
    module.save_screenshot = calls  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "qpmr_desktop.ui.screenshot", module)
    return calls


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> Calls:
    """Stands in for ``qpmr_desktop.app`` so no window opens here."""
    calls = Calls(result=7)
    module = types.ModuleType("qpmr_desktop.app")
    module.run_gui = calls  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "qpmr_desktop.app", module)
    return calls


def test_screenshot_passes_its_options_and_runs_offscreen(
    capsys: pytest.CaptureFixture[str],
    sample: Sample,
    tmp_path: Path,
    fake_screenshot: Calls,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    out = tmp_path / "indicators.png"

    status, stdout, err = run(
        capsys,
        "screenshot",
        "--tab",
        "indicators",
        "--out",
        str(out),
        "--database",
        str(sample.path),
    )

    assert (status, stdout, err) == (0, "", "")
    assert fake_screenshot.made == [
        {
            "database": sample.path,
            "tab": "indicators",
            "out": out,
            "size": (1400, 900),
            "item": None,
        }
    ]
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_screenshot_item_goes_with_the_minutes_tab(
    capsys: pytest.CaptureFixture[str], sample: Sample, tmp_path: Path, fake_screenshot: Calls
) -> None:
    out = str(tmp_path / "x.png")
    database = ("--database", str(sample.path))

    status, _, err = run(
        capsys, "screenshot", "--tab", "actions", "--item", "4", "--out", out, *database
    )
    assert status == 2
    assert "--item" in err
    assert (
        run(capsys, "screenshot", "--tab", "minutes", "--item", "4", "--out", out, *database)[0]
        == 0
    )
    assert fake_screenshot.made[-1]["item"] == 4


def test_screenshot_size_and_an_explicit_platform(
    capsys: pytest.CaptureFixture[str],
    sample: Sample,
    tmp_path: Path,
    fake_screenshot: Calls,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "minimal")
    argv = ["--database", str(sample.path), "screenshot", "--tab", "actions"]

    status, _, _ = run(capsys, *argv, "--out", str(tmp_path / "a.png"), "--size", "800x600")

    assert status == 0
    assert fake_screenshot.made[0]["size"] == (800, 600)
    assert os.environ["QT_QPA_PLATFORM"] == "minimal"


@pytest.mark.parametrize("size", ["big", "1400", "0x900", "1400x", "-5x5", "99999x10"])
def test_a_bad_size_is_bad_input(
    capsys: pytest.CaptureFixture[str],
    sample: Sample,
    tmp_path: Path,
    fake_screenshot: Calls,
    size: str,
) -> None:
    status, out, err = run(
        capsys,
        "screenshot",
        "--tab",
        "minutes",
        "--out",
        str(tmp_path / "m.png"),
        f"--size={size}",
        "--database",
        str(sample.path),
    )

    assert (status, out) == (1, "")
    assert err.startswith(ERROR_PREFIX + "--size")
    assert fake_screenshot.made == []


def test_screenshot_of_a_bad_database_fails_before_qt(
    capsys: pytest.CaptureFixture[str],
    not_a_database: Path,
    tmp_path: Path,
    fake_screenshot: Calls,
) -> None:
    out = tmp_path / "x.png"
    argv = ["screenshot", "--tab", "minutes", "--out", str(out), "--database", str(not_a_database)]

    status, _, err = run(capsys, *argv)

    assert status == 1
    assert err.startswith(ERROR_PREFIX)
    assert fake_screenshot.made == []


def test_screenshot_into_a_missing_folder_is_bad_input(
    capsys: pytest.CaptureFixture[str], sample: Sample, tmp_path: Path, fake_screenshot: Calls
) -> None:
    out = tmp_path / "no such folder" / "x.png"
    argv = ["screenshot", "--tab", "minutes", "--out", str(out), "--database", str(sample.path)]

    status, _, err = run(capsys, *argv)

    assert status == 1
    assert "no such folder" in err
    assert fake_screenshot.made == []


def test_no_command_opens_the_gui_on_the_chosen_database(
    capsys: pytest.CaptureFixture[str], fake_app: Calls, tmp_path: Path
) -> None:
    path = tmp_path / "council.qpmr"

    assert run(capsys, "--database", str(path))[0] == 7
    assert fake_app.made == [{"database": path, "demo": False}]


def test_no_command_with_demo_ignores_qpmr_database(
    capsys: pytest.CaptureFixture[str], fake_app: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QPMR_DATABASE", "/somewhere/else.qpmr")

    run(capsys, "--demo")
    run(capsys)

    assert fake_app.made == [
        {"database": None, "demo": True},
        {"database": Path("/somewhere/else.qpmr"), "demo": False},
    ]


def test_no_command_and_nothing_chosen_leaves_the_choice_to_the_gui(
    capsys: pytest.CaptureFixture[str], fake_app: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QPMR_DATABASE", raising=False)

    run(capsys)

    assert fake_app.made == [{"database": None, "demo": False}]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland check is Linux's")
def test_without_a_screen_the_gui_says_so_instead_of_aborting(
    capsys: pytest.CaptureFixture[str], fake_app: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(variable, raising=False)

    status, _, err = run(capsys, "--demo")

    assert status == 1
    assert "no screen" in err
    assert "qpmr-desktop screenshot" in err
    assert fake_app.made == []


@pytest.mark.parametrize(
    ("text", "size"),
    [("1400x900", (1400, 900)), ("800X600", (800, 600)), (" 640 × 480 ", (640, 480))],
)
def test_parse_size(text: str, size: tuple[int, int]) -> None:
    assert parse_size(text) == size


def test_parse_size_says_what_is_expected() -> None:
    with pytest.raises(CommandError, match=r"WIDTHxHEIGHT.*1400x900.*'wide'"):
        parse_size("wide")


# ------------------------------------------------------------------ the installed command


def _entry_point(*argv: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(ENTRY_POINT), *argv],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


@pytest.fixture
def installed() -> None:
    if not ENTRY_POINT.exists():
        pytest.fail(f"{ENTRY_POINT} is missing: install the project (make test does)")


@pytest.mark.usefixtures("installed")
def test_the_installed_command_prints_its_version() -> None:
    done = _entry_point("--version")

    assert done.returncode == 0
    assert done.stdout.decode() == "qpmr-desktop 0.1.0\n"


@pytest.mark.usefixtures("installed")
def test_the_installed_command_lists_items_as_utf8_json_whatever_the_locale(sample: Sample) -> None:
    # An ASCII-only stdout encoding stands for a Windows code page or LANG=C.
    done = _entry_point(
        "list", "items", "--json", "--database", str(sample.path), PYTHONIOENCODING="ascii"
    )

    assert done.returncode == 0, done.stderr.decode(errors="replace")
    items = json.loads(done.stdout.decode("utf-8"))
    assert [item["title"] for item in items] == [TITLE, ODD_TITLE]
    assert items[0]["id"] == sample.item_id


@pytest.mark.usefixtures("installed")
def test_the_installed_command_exit_codes(not_a_database: Path) -> None:
    bad_input = _entry_point("list", "items", "--database", str(not_a_database))
    bad_usage = _entry_point("list", "everything")

    assert bad_input.returncode == 1
    assert bad_input.stdout == b""
    assert bad_input.stderr.decode().startswith(ERROR_PREFIX)
    assert b"Traceback" not in bad_input.stderr
    assert bad_usage.returncode == 2
    assert b"invalid choice" in bad_usage.stderr


def test_importing_the_cli_stays_cheap() -> None:
    # Start-up time is measured: the command line must not pull in the database
    # layer, Qt, charts or documents before a command needs them.
    heavy = {"sqlmodel", "sqlalchemy", "PySide6", "matplotlib", "reportlab", "platformdirs"}
    probe = (
        "import sys, qpmr_desktop.cli; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {heavy!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )

    assert done.stdout.strip() == "[]"
