"""The ``qpmr-desktop`` command: opens the app, or scripts it without a window.

Contract (the README's command-line reference is written from this):

``qpmr-desktop [--database PATH | --demo]``
    opens the main window on PATH (or ``$QPMR_DATABASE``), on the demo
    database (made in the user data folder when missing), or with neither on
    the last database used (a first run offers demo / new / open).
``qpmr-desktop demo [--database PATH] [--force]``
    writes the demo database at PATH, or at the default demo path, and prints
    where. ``$QPMR_DATABASE`` is deliberately *not* used here, so that a forced
    demo can never overwrite the real database it points at.
``qpmr-desktop list meetings|items|indicators|actions [--json] [--database PATH | --demo]``
    prints what the database holds as aligned columns, or with ``--json`` as a
    JSON array of objects, each with its ``id`` first (dates ISO 8601, enums by
    value), in UTF-8 whatever the locale.
``qpmr-desktop screenshot --tab indicators|minutes|actions|resolutions --out FILE.png [--size WxH]``
    renders the main window offscreen on that tab and saves a PNG.
``qpmr-desktop import-indicators FILE [--mapping FILE.json] [--period PERIOD] [--dry-run] …``
    previews the import of a CSV or XLSX file of indicator values (the
    native format, or another layout through a saved mapping such as those in
    ``resources/import-mappings``) and prints the report: how the file was
    read, the indicators it creates, the counts of new, updated, unchanged and
    error rows, then every error ("row 12, column value: 'abc' is not a
    number"), or with ``--verbose`` every row. Without ``--dry-run`` it then
    applies the import, all or nothing. Any error row: exit status 1 and
    nothing is changed. ``--period "Q1 2014/15"`` names the quarter of a file
    that has no period column; ``--sheet NAME`` picks an XLSX sheet.
``qpmr-desktop export-indicators --out FILE.csv|FILE.xlsx``
    writes every indicator value in the native format and prints how many rows.
``qpmr-desktop export-update-forms --out DIR [--lead NAME]``
    writes one XLSX update form per lead officer with open actions (with
    ``--lead``, only that officer's) into DIR (made when missing, inside a
    folder that exists), each named after its officer ("Update form – Joanne
    Heaton.xlsx", replaced at every export), and prints each file written,
    one per line. A NAME who leads no action is bad input; one whose actions
    are all complete gets no form, and a line saying so.
``qpmr-desktop import-update-forms FILE... [--dry-run] [--skip-refused]``
    previews returned update forms and prints the report: for each file,
    whose form it is and when it was issued, or why the whole form is
    refused; then each row, "change" (what it changes), "no change" or
    "REFUSED" with every reason (a conflict shows the action as the form was
    issued and as the database has it now, side by side); then the totals.
    Any refused row or form: exit status 1 and nothing is changed, unless
    ``--skip-refused``, which applies the rest. Without ``--dry-run`` it then
    applies the changes, all or nothing, each as an update by the form's
    officer, and says how many.
``qpmr-desktop print minutes (--item ID | --meeting ID) --out FILE.pdf``
    prints the minutes of an agenda item, or of a whole meeting (attendance,
    every item, the chair's signature block), to a PDF and prints its path.
``qpmr-desktop print performance --period "Q1 2017/18" --out FILE.pdf``
    prints the quarterly performance report for the period (key, summary
    counts, every theme's indicators with their charts, exceptions) to a PDF
    and prints its path; a period that is not a quarter exits 1.
``qpmr-desktop print actions [--plan ID] --out FILE.pdf``
    prints the action tracker (landscape), all plans or one.
``qpmr-desktop print pack --meeting ID --out FILE.pdf``
    prints the meeting's whole pack: cover, contents, minutes, the performance
    report for the quarter the meeting considered, and the action tracker.
``qpmr-desktop import-minutes FILE --json``
    prints the structure of published minutes text (title, presenters,
    sections and points with their kinds, resolutions with parts, supporting
    documents) as JSON, changing nothing; needs no database.
``qpmr-desktop import-minutes FILE --committee NAME --date YYYY-MM-DD [--number N]``
    saves it as a new agenda item of that committee's meeting on that date
    (a draft meeting is created when there is none) and prints the new
    item's id alone on the last line.

``--database`` may come before or after the command. Exit status: 0 done;
1 bad input (a database that cannot be opened, an id that is not there, a demo
that exists, a bad ``--size``, an import file or mapping that cannot be read, an
import with error rows, an update form or row refused), with one line on stderr starting
"qpmr-desktop: error: " and never a traceback; 2 bad usage (argparse).

Importing this module must stay cheap (start-up time is measured): sqlmodel,
the services and Qt are imported inside the commands that need them.
"""

# Imports inside functions are the point here (see above), not an oversight.
# ruff: noqa: PLC0415

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qpmr_desktop import __version__

if TYPE_CHECKING:
    from qpmr_desktop.services.indicator_import import ImportPreview, PlannedRow
    from qpmr_desktop.services.update_forms_import import FormRow, UpdateFormsPreview
    from qpmr_desktop.services.workspace import Workspace

PROG = "qpmr-desktop"
DATABASE_ENV = "QPMR_DATABASE"
EXIT_OK = 0
EXIT_BAD_INPUT = 1
EXIT_INTERRUPTED = 130
LIST_KINDS = ("meetings", "items", "indicators", "actions")
TABS = ("indicators", "minutes", "actions", "resolutions")
DEFAULT_SIZE = "1400x900"
_MAX_SIDE = 16_384  # Qt's own limit on a widget's width or height
_SIZE = re.compile(r"\s*([0-9]+)\s*[x×]\s*([0-9]+)\s*", re.IGNORECASE)


class CommandError(Exception):
    """Bad input a person can fix: printed as one line on stderr, exit status 1."""


# ------------------------------------------------------------------ entry point


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits 2 itself on bad usage)."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(parser, args)
    except CommandError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Committee minutes, quarterly performance indicators and improvement-plan "
            "actions. With no command, opens the app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _add_database_options(parser, global_=True)

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="write the demo database",
        description=(
            "Write the demo database at --database PATH, or at the default demo path, "
            "and print where it is. An existing file is kept unless --force is given."
        ),
    )
    _add_database_option(demo, global_=False)
    demo.add_argument("--force", action="store_true", help="overwrite an existing file")

    listing = commands.add_parser(
        "list",
        help="print what the database holds",
        description="Print the meetings, agenda items, indicators or actions in the database.",
    )
    listing.add_argument("kind", choices=LIST_KINDS, help="what to list")
    listing.add_argument(
        "--json", action="store_true", help="a JSON array of objects instead of columns"
    )
    _add_database_options(listing, global_=False)

    screenshot = commands.add_parser(
        "screenshot",
        help="save a PNG of the main window on one tab",
        description="Render the main window offscreen on one tab, first row selected, as a PNG.",
    )
    screenshot.add_argument("--tab", required=True, choices=TABS, help="the tab to show")
    screenshot.add_argument(
        "--item",
        type=int,
        metavar="ID",
        help="with --tab minutes: the agenda item to select (default: the first)",
    )
    screenshot.add_argument("--out", required=True, type=Path, metavar="FILE.png")
    screenshot.add_argument(
        "--size",
        default=DEFAULT_SIZE,
        metavar="WIDTHxHEIGHT",
        help=f"window size in pixels (default {DEFAULT_SIZE})",
    )
    _add_database_options(screenshot, global_=False)
    _add_indicator_file_commands(commands)
    _add_minutes_import_command(commands)
    _add_print_command(commands)
    _add_update_form_commands(commands)
    return parser


def _add_update_form_commands(commands: Any) -> None:
    exporting = commands.add_parser(
        "export-update-forms",
        help="write an XLSX update form for each lead officer with open actions",
        description=(
            "Write one XLSX update form per lead officer with open actions into DIR, named "
            "after the officer, and print each file written. Officers fill in the status, "
            "progress and update columns and send the file back for import-update-forms."
        ),
    )
    exporting.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="the folder for the forms"
    )
    exporting.add_argument("--lead", metavar="NAME", help="only this officer's form")
    _add_database_options(exporting, global_=False)

    importing = commands.add_parser(
        "import-update-forms",
        help="import returned update forms",
        description=(
            "Preview returned update forms, print every row (change, no change or refused, "
            "with reasons) and apply the changes unless --dry-run is given, all or nothing. "
            "Any refused row or form: nothing is imported and the exit status is 1, unless "
            "--skip-refused is given."
        ),
    )
    importing.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="returned forms (.xlsx)"
    )
    importing.add_argument(
        "--dry-run", action="store_true", help="print the report but change nothing"
    )
    importing.add_argument(
        "--skip-refused",
        action="store_true",
        help="leave refused rows and forms out and import the rest",
    )
    _add_database_options(importing, global_=False)


def _add_minutes_import_command(commands: Any) -> None:
    minutes = commands.add_parser(
        "import-minutes",
        help="take in published minutes text as an agenda item",
        description=(
            "Read minutes as a council publishes them (a ModernGov 'Agenda item' page, "
            "text copied from a PDF). With --json, print their structure and change "
            "nothing; otherwise save them as a new agenda item of the committee's meeting "
            "on --date and print the new item's id on the last line."
        ),
    )
    minutes.add_argument("file", type=Path, metavar="FILE", help="a UTF-8 text file")
    minutes.add_argument(
        "--json", action="store_true", help="print the parsed structure as JSON; save nothing"
    )
    minutes.add_argument("--committee", metavar="NAME", help="the committee (to save)")
    minutes.add_argument(
        "--date", type=_iso_date, metavar="YYYY-MM-DD", help="the meeting's date (to save)"
    )
    minutes.add_argument(
        "--number", metavar="N", help="the item's number (default: the next on the agenda)"
    )
    _add_database_options(minutes, global_=False)


def _add_print_command(commands: Any) -> None:
    printing = commands.add_parser(
        "print",
        help="print committee papers to PDF",
        description="Print committee papers from the database to a PDF file.",
    )
    documents = printing.add_subparsers(dest="document", metavar="DOCUMENT", required=True)
    minutes = documents.add_parser(
        "minutes",
        help="the minutes of an agenda item or of a whole meeting",
        description=(
            "Print the minutes of one agenda item (--item) or of a whole meeting (--meeting: "
            "the record of attendance, every item, the chair's signature block). Unapproved "
            'minutes carry "DRAFT — subject to approval" on every page.'
        ),
    )
    which = minutes.add_mutually_exclusive_group(required=True)
    which.add_argument("--item", type=int, metavar="ID", help="the agenda item (list items)")
    which.add_argument("--meeting", type=int, metavar="ID", help="the meeting (list meetings)")
    minutes.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    _add_database_options(minutes, global_=False)
    performance = documents.add_parser(
        "performance",
        help="the quarterly performance report for a period",
        description=(
            "Print the quarterly performance report for a period: cover, contents, key to "
            "symbols, summary counts by RAG and by direction of travel, then theme by theme "
            "a summary table and a panel with the chart for every indicator, and the exceptions."
        ),
    )
    performance.add_argument(
        "--period", required=True, metavar="PERIOD", help='the quarter, e.g. "Q1 2017/18"'
    )
    performance.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    _add_database_options(performance, global_=False)
    actions = documents.add_parser(
        "actions",
        help="the action tracker",
        description=(
            "Print the action tracker (landscape): counts by RAG, then every action by plan "
            "and priority area with its status, RAG, overdue mark and latest update, and "
            "each plan's timeline."
        ),
    )
    actions.add_argument("--plan", type=int, metavar="ID", help="one plan (default: all plans)")
    actions.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    _add_database_options(actions, global_=False)
    pack = documents.add_parser(
        "pack",
        help="the whole committee pack for a meeting",
        description=(
            "Print a meeting's pack: cover, contents, the minutes, the performance report "
            "for the quarter the meeting considered, and the action tracker, with one page "
            "numbering and outline."
        ),
    )
    pack.add_argument("--meeting", required=True, type=int, metavar="ID")
    pack.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    _add_database_options(pack, global_=False)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


def _add_indicator_file_commands(commands: Any) -> None:
    importing = commands.add_parser(
        "import-indicators",
        help="import indicator values from a CSV or XLSX file",
        description=(
            "Preview the import of indicator values from a CSV or XLSX file, print the report, "
            "and apply it unless --dry-run is given. All or nothing: if any row has an error, "
            "nothing is imported and the exit status is 1."
        ),
    )
    importing.add_argument("file", type=Path, metavar="FILE", help="the CSV or XLSX file")
    importing.add_argument(
        "--mapping",
        type=Path,
        metavar="FILE.json",
        help="a saved column mapping (default: the native format, recognised by its headers)",
    )
    importing.add_argument(
        "--period",
        metavar="PERIOD",
        help='the quarter the file is for, when it has no period column, e.g. "Q1 2014/15"',
    )
    importing.add_argument("--sheet", metavar="NAME", help="the XLSX sheet (default: the first)")
    importing.add_argument(
        "--dry-run", action="store_true", help="print the report but change nothing"
    )
    importing.add_argument("--verbose", action="store_true", help="list every row, not only errors")
    _add_database_options(importing, global_=False)

    exporting = commands.add_parser(
        "export-indicators",
        help="write every indicator value to a CSV or XLSX file",
        description="Write every indicator value in the native format, as CSV or XLSX by suffix.",
    )
    exporting.add_argument("--out", required=True, type=Path, metavar="FILE.csv|FILE.xlsx")
    _add_database_options(exporting, global_=False)


def _add_database_options(parser: argparse.ArgumentParser, *, global_: bool) -> None:
    _add_database_option(parser, global_=global_)
    parser.add_argument(
        "--demo",
        action="store_true",
        # After a command, an absent flag must not reset one given before it.
        default=False if global_ else argparse.SUPPRESS,
        help="use the demo database (made in the user data folder when missing)",
    )


def _add_database_option(parser: argparse.ArgumentParser, *, global_: bool) -> None:
    parser.add_argument(
        "--database",
        type=Path,
        metavar="PATH",
        # After a command, an absent option must not reset one given before it.
        default=None if global_ else argparse.SUPPRESS,
        help=f"the database file (default: ${DATABASE_ENV})",
    )


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.demo and args.database is not None:
        parser.error("use either --database or --demo, not both")
    handler = _HANDLERS.get(args.command)
    if handler is None:
        return _command_gui(database=_explicit_or_env(args), demo=args.demo)
    return handler(parser, args)


def _run_demo(_parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    return _command_demo(database=args.database, force=args.force)


def _run_list(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    database = _chosen_database(parser, args)
    return _command_list(database=database, kind=args.kind, as_json=args.json)


def _run_screenshot(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.item is not None and args.tab != "minutes":
        parser.error("--item selects an agenda item: it goes with --tab minutes")
    size = parse_size(args.size)  # before the database: --demo may have to build one
    database = _chosen_database(parser, args)
    return _command_screenshot(
        database=database, tab=args.tab, out=args.out, size=size, item=args.item
    )


def _run_import_indicators(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    return _command_import_indicators(
        database=_chosen_database(parser, args),
        file=args.file,
        mapping=args.mapping,
        period=args.period,
        sheet=args.sheet,
        dry_run=args.dry_run,
        verbose=args.verbose,
    )


def _run_export_indicators(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    return _command_export_indicators(database=_chosen_database(parser, args), out=args.out)


def _run_import_minutes(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.json:
        return _command_parse_minutes(file=args.file)
    if not args.committee or args.date is None:
        parser.error("import-minutes saves an item only with --committee and --date, or --json")
    return _command_import_minutes(
        database=_chosen_database(parser, args),
        file=args.file,
        committee=args.committee,
        meeting_date=args.date,
        number=args.number,
    )


def _run_export_update_forms(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    return _command_export_update_forms(
        database=_chosen_database(parser, args), out=args.out, lead=args.lead
    )


def _run_import_update_forms(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    return _command_import_update_forms(
        database=_chosen_database(parser, args),
        files=args.files,
        dry_run=args.dry_run,
        skip_refused=args.skip_refused,
    )


def _run_print(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.document in {"actions", "pack"}:
        return _command_print_actions_or_pack(
            database=_chosen_database(parser, args),
            document=args.document,
            ident=args.plan if args.document == "actions" else args.meeting,
            out=args.out,
        )
    if args.document == "performance":
        return _command_print_performance(
            database=_chosen_database(parser, args), period=args.period, out=args.out
        )
    return _command_print_minutes(
        database=_chosen_database(parser, args),
        item=args.item,
        meeting=args.meeting,
        out=args.out,
    )


_HANDLERS: dict[str, Callable[[argparse.ArgumentParser, argparse.Namespace], int]] = {
    "demo": _run_demo,
    "list": _run_list,
    "screenshot": _run_screenshot,
    "import-indicators": _run_import_indicators,
    "export-indicators": _run_export_indicators,
    "import-minutes": _run_import_minutes,
    "print": _run_print,
    "export-update-forms": _run_export_update_forms,
    "import-update-forms": _run_import_update_forms,
}


def _explicit_or_env(args: argparse.Namespace) -> Path | None:
    if args.database is not None:
        return Path(args.database)
    if args.demo:
        return None
    from_env = os.environ.get(DATABASE_ENV)
    return Path(from_env) if from_env else None


def _chosen_database(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Path:
    """The database a scripted command works on: --database, $QPMR_DATABASE, or --demo."""
    database = _explicit_or_env(args)
    if database is not None:
        return database
    if not args.demo:
        parser.error(f"no database: give --database PATH, set ${DATABASE_ENV}, or use --demo")
    from qpmr_desktop.paths import demo_database_path
    from qpmr_desktop.services.demo import ensure_demo_database

    with _expected_errors():
        return ensure_demo_database(demo_database_path())


def parse_size(text: str) -> tuple[int, int]:
    """ "1400x900" → (1400, 900); anything else is a ``CommandError`` that says why."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise CommandError(f"--size must be WIDTHxHEIGHT in pixels, such as 1400x900, not {text!r}")
    width, height = int(match[1]), int(match[2])
    if not (1 <= width <= _MAX_SIDE and 1 <= height <= _MAX_SIDE):
        raise CommandError(f"--size {text!r}: each side must be 1 to {_MAX_SIDE} pixels")
    return width, height


@contextmanager
def _expected_errors() -> Iterator[None]:
    """Turn the errors a person can act on into ``CommandError``; anything else is a bug."""
    from qpmr_desktop.services.errors import NotFoundError
    from qpmr_desktop.services.workspace import WorkspaceOpenError

    try:
        yield
    except (WorkspaceOpenError, NotFoundError) as error:
        raise CommandError(str(error)) from error
    except OSError as error:
        raise CommandError(_describe_os_error(error)) from error


def _describe_os_error(error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{reason}: {error.filename}" if error.filename else reason


@contextmanager
def _workspace(path: Path) -> Iterator[Workspace]:
    from qpmr_desktop.services.workspace import open_workspace

    with _expected_errors():
        workspace = open_workspace(path)
        try:
            yield workspace
        finally:
            workspace.close()


# ------------------------------------------------------------------ commands


def _command_gui(*, database: Path | None, demo: bool) -> int:
    problem = _no_screen_problem()
    if problem is not None:
        raise CommandError(problem)
    from qpmr_desktop.app import run_gui

    return run_gui(database=database, demo=demo)


def _no_screen_problem() -> str | None:
    """Why a window cannot open here, or None.

    Without a display Qt aborts the whole process with a core dump and a
    message about the xcb plugin; saying so plainly, with the way on, is kinder.
    """
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    if os.environ.get("QT_QPA_PLATFORM"):  # an explicit choice is respected
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "there is no screen to open a window on (neither DISPLAY nor WAYLAND_DISPLAY is set). "
        "Run it in a desktop session, or under a virtual screen: xvfb-run qpmr-desktop --demo "
        "(Debian: apt-get install xvfb). Without a screen, "
        "qpmr-desktop screenshot --tab indicators --out tab.png saves a picture of the window."
    )


def _command_demo(*, database: Path | None, force: bool) -> int:
    from qpmr_desktop.paths import demo_database_path
    from qpmr_desktop.services.demo import DemoDataError, DemoExistsError, build_demo_database

    if database is None:
        target = demo_database_path()
        # The data folder is ours to make on first use; a folder the user named is not.
        with _expected_errors():
            target.parent.mkdir(parents=True, exist_ok=True)
    else:
        target = database
    with _expected_errors():
        try:
            written = build_demo_database(target, force=force)
        except (DemoExistsError, DemoDataError) as error:
            raise CommandError(str(error)) from error
    _write_stdout(f"{written}\n")
    return EXIT_OK


def _command_screenshot(
    *, database: Path, tab: str, out: Path, size: tuple[int, int], item: int | None = None
) -> int:
    if not out.parent.is_dir():
        raise CommandError(f"The folder for the screenshot does not exist: {out.parent}")
    # Check the database before paying for Qt, so a bad file fails fast and alike.
    with _workspace(database):
        pass
    # A screenshot never needs a screen; an explicit choice (xcb, for a check by eye) is kept.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qpmr_desktop.ui.screenshot import save_screenshot

    with _expected_errors():
        save_screenshot(database=database, tab=tab, out=out, size=size, item=item)
    return EXIT_OK


def _command_list(*, database: Path, kind: str, as_json: bool) -> int:
    with _workspace(database) as workspace:
        listing = _LISTINGS[kind](workspace)
    if as_json:
        _write_stdout(json.dumps(listing.objects, ensure_ascii=False, indent=2) + "\n")
    elif listing.objects:
        _write_stdout(_format_table(listing.columns, listing.rows))
    else:
        _write_stdout(f"No {kind} in {database}.\n")
    return EXIT_OK


def _read_minutes_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{file} is not UTF-8 text (byte {error.start}): save it as UTF-8 and try again."
        ) from error
    except OSError as error:
        raise CommandError(_describe_os_error(error)) from error


def _command_parse_minutes(*, file: Path) -> int:
    from qpmr_desktop.domain.minutes_parsing import parse_published_minutes

    parsed = parse_published_minutes(_read_minutes_text(file))
    _write_stdout(json.dumps(parsed.to_json_dict(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _command_import_minutes(
    *, database: Path, file: Path, committee: str, meeting_date: dt.date, number: str | None
) -> int:
    from qpmr_desktop.domain.minutes_parsing import parse_published_minutes
    from qpmr_desktop.services.errors import ConflictError, NotAllowedError, ValidationError
    from qpmr_desktop.services.minutes_import import save_parsed_item

    parsed = parse_published_minutes(_read_minutes_text(file))
    with _workspace(database) as workspace:
        try:
            item_id = save_parsed_item(
                workspace=workspace,
                parsed=parsed,
                committee=committee,
                meeting_date=meeting_date,
                number=number if number is not None else parsed.item_number,
            )
        except (ValidationError, NotAllowedError, ConflictError) as error:
            raise CommandError(str(error)) from error
    sections = len(parsed.sections)
    points = sum(len(section.points) for section in parsed.sections)
    _write_stdout(
        f"Saved {parsed.title!r} to {committee}, {meeting_date:%d %b %Y}: "
        f"{sections} section(s), {points} point(s), {len(parsed.resolutions)} resolution(s).\n"
        f"{item_id}\n"
    )
    return EXIT_OK


def _command_print_minutes(
    *, database: Path, item: int | None, meeting: int | None, out: Path
) -> int:
    if not out.parent.is_dir():
        raise CommandError(f"The folder for the PDF does not exist: {out.parent}")
    from qpmr_desktop.domain.ids import AgendaItemId, MeetingId
    from qpmr_desktop.printing.minutes_document import (
        render_item_minutes,
        render_meeting_minutes,
    )
    from qpmr_desktop.services.papers import (
        council_info,
        item_minutes_for_print,
        meeting_minutes_for_print,
    )

    with _workspace(database) as workspace, _expected_errors():
        council = council_info(workspace=workspace)
        if item is not None:
            pdf = render_item_minutes(
                item_minutes_for_print(workspace=workspace, item_id=AgendaItemId(item)),
                council=council,
            )
        else:
            assert meeting is not None  # argparse requires one of the two
            pdf = render_meeting_minutes(
                meeting_minutes_for_print(workspace=workspace, meeting_id=MeetingId(meeting)),
                council=council,
            )
    _write_pdf(pdf, out)
    return EXIT_OK


def _command_print_performance(*, database: Path, period: str, out: Path) -> int:
    from qpmr_desktop.domain.periods import PeriodError, Quarter

    # What the user named is checked before the database opens: cheap failures first.
    try:
        quarter = Quarter.parse(period)
    except PeriodError as error:
        raise CommandError(str(error)) from error
    if not out.parent.is_dir():
        raise CommandError(f"The folder for the PDF does not exist: {out.parent}")
    from qpmr_desktop.printing.performance_report import render_performance_report
    from qpmr_desktop.services.papers import council_info, performance_report_for_print

    with _workspace(database) as workspace, _expected_errors():
        council = council_info(workspace=workspace)
        report = performance_report_for_print(workspace=workspace, period=quarter)
    # Rendered after the database is closed: the report holds plain data only.
    pdf = render_performance_report(report, council=council)
    _write_pdf(pdf, out)
    return EXIT_OK


def _command_print_actions_or_pack(
    *, database: Path, document: str, ident: int | None, out: Path
) -> int:
    if not out.parent.is_dir():
        raise CommandError(f"The folder for the PDF does not exist: {out.parent}")
    from qpmr_desktop.domain.ids import MeetingId, PlanId
    from qpmr_desktop.printing.action_tracker import render_action_tracker
    from qpmr_desktop.printing.pack import render_pack
    from qpmr_desktop.services.papers import council_info
    from qpmr_desktop.services.papers_actions import action_tracker_for_print, pack_for_print
    from qpmr_desktop.services.settings import effective_today

    with _workspace(database) as workspace, _expected_errors():
        council = council_info(workspace=workspace)
        if document == "actions":
            plan = None if ident is None else PlanId(ident)
            tracker = action_tracker_for_print(
                workspace=workspace, plan_id=plan, today=effective_today(workspace=workspace)
            )
            pdf = render_action_tracker(tracker, council=council)
        else:
            assert ident is not None  # --meeting is required
            pack = pack_for_print(workspace=workspace, meeting_id=MeetingId(ident))
            pdf = render_pack(pack, council=council)
    _write_pdf(pdf, out)
    return EXIT_OK


def _write_pdf(pdf: bytes, out: Path) -> None:
    with _expected_errors():
        # Written whole, then moved into place: a failure never leaves half a PDF.
        partial = out.with_name(out.name + ".partial")
        partial.write_bytes(pdf)
        os.replace(partial, out)
    _write_stdout(f"{out}\n")


def _command_import_indicators(
    *,
    database: Path,
    file: Path,
    mapping: Path | None,
    period: str | None,
    sheet: str | None,
    dry_run: bool,
    verbose: bool,
) -> int:
    from qpmr_desktop.domain.periods import PeriodError, Quarter
    from qpmr_desktop.services.indicator_import import (
        ImportConflictError,
        ImportFileError,
        MappingError,
        apply_import,
        guess_mapping,
        load_mapping,
        preview_import,
        read_table,
    )

    # What the user named is checked before the database opens: cheap failures first.
    try:
        quarter = None if period is None else Quarter.parse(period)
        column_mapping = None if mapping is None else load_mapping(mapping)
        table = read_table(file, sheet=sheet)
    except (PeriodError, MappingError, ImportFileError) as error:
        raise CommandError(str(error)) from error
    if column_mapping is None:
        column_mapping = guess_mapping(table)
    with _workspace(database) as workspace:
        preview = preview_import(
            workspace=workspace, table=table, mapping=column_mapping, period=quarter
        )
        _write_stdout(_import_report(preview, verbose=verbose))
        if preview.has_errors:
            rows = preview.counts.errors
            problem = f"{rows} row(s) with errors" if rows else "the file cannot be imported"
            raise CommandError(f"{problem}; nothing was imported.")
        if dry_run:
            _write_stdout("Dry run: nothing was changed.\n")
            return EXIT_OK
        try:
            result = apply_import(workspace=workspace, preview=preview)
        except ImportConflictError as error:
            raise CommandError(str(error)) from error
    _write_stdout(
        f"Imported: {result.inserted} new and {result.updated} updated rows, "
        f"{len(result.created_indicators)} new indicator(s).\n"
    )
    return EXIT_OK


def _import_report(preview: ImportPreview, *, verbose: bool = False) -> str:
    """The import preview as ``import-indicators`` prints it: a summary, then the problems.

    With ``verbose`` every planned row gets a line; otherwise only error rows.
    """
    from qpmr_desktop.services.indicator_import import RowStatus

    table = preview.table
    mapping = preview.mapping
    lines = [f"Import of {table.path.name} ({table.description}; {len(table.rows)} data rows)"]
    about = f"Mapping: {mapping.name or 'unnamed'}"
    if preview.period is not None:
        about += f"; period {preview.period.label}"
    lines.append(about)
    ignored = [
        f"{column} ({why})"
        for column, why in mapping.ignored_columns.items()
        if column in table.headers
    ]
    if ignored:
        lines.append("Ignored by the mapping: " + "; ".join(ignored))
    if preview.unused_columns:
        lines.append("Columns not imported: " + ", ".join(preview.unused_columns))
    if preview.new_indicators:
        refs = ", ".join(indicator.ref for indicator in preview.new_indicators)
        lines.append(f"New indicators ({len(preview.new_indicators)}): {refs}")
    counts = preview.counts
    lines.append(
        f"Rows: {counts.new} new, {counts.updated} updated, {counts.unchanged} unchanged, "
        f"{counts.errors} with errors"
    )
    lines.extend(f"Note: {note}" for note in preview.notes)
    lines.extend(str(issue) for issue in preview.file_issues)
    for row in preview.rows:
        if row.status is RowStatus.ERROR:
            lines.extend(str(issue) for issue in row.issues)
        elif verbose:
            lines.append(_planned_row_line(row))
    return "\n".join(lines) + "\n"


def _planned_row_line(row: PlannedRow) -> str:
    """ "row 7: updated FI06 Q1 2014/15: value 97.4 → 97.9" """
    from qpmr_desktop.services.import_files import plain_number

    def shown(value: object) -> str:
        if value is None:
            return "blank"
        if isinstance(value, float):
            return plain_number(value)
        if isinstance(value, str):
            return repr(_fit(value, 40))
        return str(value)

    head = f"row {row.source_row}: {row.status.value} {row.indicator_ref} {row.period_label}"
    if row.changes:
        details = ", ".join(
            f"{change.field} {shown(change.old)} → {shown(change.new)}" for change in row.changes
        )
    else:
        details = ", ".join(
            f"{name} {shown(value)}"
            for name, value in row.values.items()
            # 0 is a figure worth showing; blank, "" and False are not.
            if not (value is None or value == "" or value is False)
        )
    return f"{head}: {details}" if details else head


def _command_export_indicators(*, database: Path, out: Path) -> int:
    from qpmr_desktop.services.indicator_export import ExportError, export_indicators

    if not out.parent.is_dir():
        raise CommandError(f"The folder for the export does not exist: {out.parent}")
    with _workspace(database) as workspace:
        try:
            written = export_indicators(workspace=workspace, path=out)
        except ExportError as error:
            raise CommandError(str(error)) from error
    _write_stdout(f"Wrote {written} rows to {out}\n")
    return EXIT_OK


def _command_export_update_forms(*, database: Path, out: Path, lead: str | None) -> int:
    from qpmr_desktop.services.update_forms_export import (
        UpdateFormsExportError,
        export_update_forms,
    )

    if not out.is_dir():
        # The folder for this round of forms is made; a mistyped parent folder is not.
        if not out.parent.is_dir():
            raise CommandError(f"The folder for the forms does not exist: {out.parent}")
        with _expected_errors():
            out.mkdir()
    # The council's own calendar day, not UTC's: "overdue" turns at local midnight.
    today = dt.datetime.now(dt.UTC).astimezone().date()
    with _workspace(database) as workspace:
        try:
            written = export_update_forms(workspace=workspace, out_dir=out, lead=lead, today=today)
        except UpdateFormsExportError as error:
            raise CommandError(str(error)) from error
    if not written:
        who = f"led by {lead}" if lead is not None else "with a lead officer"
        _write_stdout(f"No open actions {who}: no form written.\n")
    _write_stdout("".join(f"{path}\n" for path in written))
    return EXIT_OK


def _command_import_update_forms(
    *, database: Path, files: Sequence[Path], dry_run: bool, skip_refused: bool
) -> int:
    from qpmr_desktop.services.errors import ConflictError, NotAllowedError
    from qpmr_desktop.services.update_forms_import import (
        apply_update_forms,
        preview_update_forms,
    )

    with _workspace(database) as workspace:
        preview = preview_update_forms(workspace=workspace, paths=files)
        _write_stdout(_update_forms_report(preview))
        counts = preview.counts
        if preview.has_refusals and not skip_refused:
            raise CommandError(
                f"{counts.refused} row(s) and {counts.refused_files} form(s) refused; nothing "
                "was imported. Correct them, or leave them out with --skip-refused."
            )
        if dry_run:
            _write_stdout("Dry run: nothing was changed.\n")
            return EXIT_OK
        try:
            result = apply_update_forms(
                workspace=workspace, preview=preview, skip_refused=skip_refused
            )
        except (ConflictError, NotAllowedError) as error:
            raise CommandError(str(error)) from error
    _write_stdout(
        f"Imported {result.applied} update(s); {result.unchanged} row(s) unchanged; "
        f"{result.skipped} refused row(s) left out.\n"
    )
    return EXIT_OK


def _update_forms_report(preview: UpdateFormsPreview) -> str:
    """The preview as ``import-update-forms`` prints it: each file, each row, the totals."""
    from qpmr_desktop.services.update_forms import form_time

    lines: list[str] = []
    for form in preview.files:
        if form.problem is not None:
            lines.append(f"{form.path.name}: REFUSED: the form {form.problem}")
        else:
            issued = form_time(form.issued_at) if form.issued_at else "at an unknown time"
            lines.append(
                f"{form.path.name}: {form.lead}'s form, issued {issued} from {form.database_name}"
            )
        for row in form.rows:
            lines.extend(_form_row_lines(row, refused_with_form=form.problem is not None))
    counts = preview.counts
    totals = (
        f"Rows: {counts.change} to change, {counts.no_change} unchanged, {counts.refused} refused"
    )
    if counts.refused_files:
        totals += f"; {counts.refused_files} form(s) refused"
    lines.append(totals)
    return "\n".join(lines) + "\n"


def _form_row_lines(row: FormRow, *, refused_with_form: bool) -> list[str]:
    """ "  row 7: 12-Week Improvement Plan 1.2: change: status On track → At risk; …" """
    from qpmr_desktop.services.update_forms_import import RowOutcome

    action = " ".join(part for part in (row.plan, row.ref) if part) or "(no action)"
    head = f"  row {row.row}: {_fit(action, 50)}: "
    indent = "      "
    if refused_with_form:
        return [head + "REFUSED with the form"]
    if row.outcome is RowOutcome.REFUSED:
        lines = [head + "REFUSED: " + row.reasons[0]]
        lines.extend(indent + reason for reason in row.reasons[1:])
        if row.form_state is not None and row.database_state is not None:
            form, now = row.form_state, row.database_state
            lines.append(
                indent
                + f"form, as issued: {_state_text(form.status, form.progress)}"
                + f"; latest update {_quoted(form.latest_update)}"
            )
            lines.append(
                indent
                + f"database now:    {_state_text(now.status, now.progress)}"
                + f"; latest update {_quoted(now.latest_update)}"
            )
            lines.append(indent + f"this row:        {_row_change_text(row)}")
        return lines
    if row.outcome is RowOutcome.CHANGE:
        return [head + "change: " + _row_change_text(row)]
    return [head + "no change", *(indent + note for note in row.reasons)]


def _state_text(status: Any, progress: int) -> str:
    return f"{status.label}, {progress}%"


def _row_change_text(row: FormRow) -> str:
    """ "status On track → At risk; progress 60% → 65%; update "…" " """
    parts = []
    old_status, new_status = row.old_status, row.new_status
    if old_status is not None and new_status is not None and new_status != old_status:
        parts.append(f"status {old_status.label} → {new_status.label}")
    old_progress, new_progress = row.old_progress, row.new_progress
    if old_progress is not None and new_progress is not None and new_progress != old_progress:
        parts.append(f"progress {old_progress}% → {new_progress}%")
    if row.text:
        parts.append(f"update {_quoted(row.text)}")
    return "; ".join(parts) or "nothing"


def _quoted(text: str) -> str:
    return f'"{_fit(text, 60)}"' if text else "(none)"


# ------------------------------------------------------------------ listings


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    max_width: int | None = None  # longer text is cut with "…"; None never cuts
    right: bool = False  # numbers line up on the right


@dataclass(frozen=True, slots=True)
class _Listing:
    objects: list[dict[str, Any]]  # for --json
    columns: tuple[_Column, ...]  # for the table
    rows: Sequence[Sequence[str]]


def _list_meetings(workspace: Workspace) -> _Listing:
    from qpmr_desktop.services.minutes import list_meetings

    meetings = list_meetings(workspace=workspace)
    return _Listing(
        objects=[_plain_fields(meeting) for meeting in meetings],
        columns=(
            _Column("ID", right=True),
            _Column("Date"),
            _Column("Time"),
            _Column("Committee", 50),
            _Column("Venue", 30),
            _Column("Status"),
            _Column("Items", right=True),
        ),
        rows=[
            (
                str(meeting.id),
                meeting.date.isoformat(),
                meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
                meeting.committee,
                meeting.venue,
                meeting.status.label,
                str(meeting.item_count),
            )
            for meeting in meetings
        ],
    )


def _list_items(workspace: Workspace) -> _Listing:
    from qpmr_desktop.services.minutes import list_all_agenda_items, list_meetings

    meetings = {meeting.id: meeting for meeting in list_meetings(workspace=workspace)}
    items = list_all_agenda_items(workspace=workspace)
    objects = []
    rows = []
    for item in items:
        meeting = meetings[item.meeting_id]
        fields = _plain_fields(item)
        # An item's number and title mean little without its meeting.
        fields["meeting_date"] = meeting.date.isoformat()
        fields["committee"] = meeting.committee
        objects.append(fields)
        rows.append(
            (str(item.id), meeting.date.isoformat(), meeting.committee, item.number, item.title)
        )
    return _Listing(
        objects=objects,
        columns=(
            _Column("ID", right=True),
            _Column("Meeting"),
            _Column("Committee", 40),
            _Column("No.", right=True),
            _Column("Title", 80),
        ),
        rows=rows,
    )


def _list_indicators(workspace: Workspace) -> _Listing:
    from qpmr_desktop.services.indicators import list_indicator_rows

    indicators = list_indicator_rows(workspace=workspace)
    return _Listing(
        objects=[_plain_fields(row) for row in indicators],
        columns=(
            _Column("ID", right=True),
            _Column("Ref"),
            _Column("Indicator", 45),
            _Column("Theme", 20),
            _Column("Period"),
            _Column("Value", right=True),
            _Column("Target", right=True),
            _Column("RAG"),
            _Column("Direction of travel", 60),
            _Column("Record", 30),
            _Column("Data"),
        ),
        rows=[
            (
                str(row.id),
                row.ref,
                row.name,
                row.theme,
                row.latest_period or "",
                row.value_text,
                row.target_text,
                row.rag.label,
                row.direction_text,
                row.record or "",
                _SAMPLE if row.is_sample else "",
            )
            for row in indicators
        ],
    )


def _list_actions(workspace: Workspace) -> _Listing:
    from qpmr_desktop.services.actions import list_action_rows

    # The council's own calendar day, not UTC's: "overdue" turns at local midnight.
    today = dt.datetime.now(dt.UTC).astimezone().date()
    actions = list_action_rows(workspace=workspace, today=today)
    return _Listing(
        objects=[_plain_fields(row) for row in actions],
        columns=(
            _Column("ID", right=True),
            _Column("Plan", 30),
            _Column("Priority area", 30),
            _Column("Ref"),
            _Column("Action", 50),
            _Column("Lead", 25),
            _Column("Due"),
            _Column("Status"),
            _Column("RAG"),
            _Column("%", right=True),
            _Column("Data"),
        ),
        rows=[
            (
                str(row.id),
                row.plan,
                row.priority_area,
                row.ref,
                row.description,
                row.lead,
                row.due_date.isoformat() if row.due_date else "",
                row.status.label,
                # The colour word: the status column already says on track, at risk …
                row.rag.value.capitalize() + (", overdue" if row.overdue else ""),
                str(row.progress),
                _SAMPLE if row.is_sample else "",
            )
            for row in actions
        ],
    )


# Figures that are not from a published source say so wherever they are shown.
_SAMPLE = "sample"

_LISTINGS: dict[str, Callable[[Workspace], _Listing]] = {
    "meetings": _list_meetings,
    "items": _list_items,
    "indicators": _list_indicators,
    "actions": _list_actions,
}


# ------------------------------------------------------------------ output


def _plain_fields(read_model: Any) -> dict[str, Any]:
    """A read model's fields as JSON-ready values, in declaration order (so ``id`` first)."""
    return {field.name: _plain(getattr(read_model, field.name)) for field in fields(read_model)}


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date | dt.time):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(element) for element in value]
    if is_dataclass(value) and not isinstance(value, type):
        return _plain_fields(value)
    return value


def _format_table(columns: Sequence[_Column], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, two spaces apart, long text cut to fit."""
    cells = [[column.header for column in columns]]
    cells += [
        [_fit(text, column.max_width) for text, column in zip(row, columns, strict=True)]
        for row in rows
    ]
    widths = [max(len(line[index]) for line in cells) for index in range(len(columns))]
    lines = []
    for line in cells:
        padded = [
            text.rjust(width) if column.right else text.ljust(width)
            for text, width, column in zip(line, widths, columns, strict=True)
        ]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def _fit(text: str, max_width: int | None) -> str:
    # A newline in a description would break every column after it.
    flat = " ".join(text.split())
    if max_width is None or len(flat) <= max_width:
        return flat
    return flat[: max_width - 1].rstrip() + "…"


def _write_stdout(text: str) -> None:
    stream = sys.stdout
    if stream is None:  # a GUI launcher on Windows runs without a console
        return
    # Titles hold en dashes, "£" and names in any script: always UTF-8, so a
    # script reading the output never depends on the locale it was started in.
    if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() not in {"utf-8", "utf8"}:
        stream.reconfigure(encoding="utf-8")
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        # `qpmr-desktop list items | head` closed the pipe: stop quietly, and
        # point stdout at nothing so the interpreter's final flush stays quiet too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
