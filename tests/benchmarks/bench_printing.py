"""Printing benchmark: the meeting pack against a plain PNG-chart document (issue 6, point 8).

Run on demand, never in ``make test``::

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_printing.py
    .venv/bin/python tests/benchmarks/bench_printing.py --runs 5 --indicators 60 --actions 300
    .venv/bin/python tests/benchmarks/bench_printing.py --help

It generates a database through the demo loader (``build_demo_database``
with a generated data folder, so the schema is the real migrated one and
the data is validated as the demo's is): the demo's people, meeting and
minutes, the demo's nine indicators plus generated ones up to
``--indicators`` (twelve quarters each, to Q1 2017/18: the quarter the
meeting considered, so every indicator prints a chart), and the demo's two
plans with generated actions up to ``--actions`` (statuses, due dates,
leads, one update each for a third of them).

Then, in this one process, ``--runs`` timed runs after ``--warmup`` untimed
ones, the two figures interleaved (the pack first on odd runs, the
reference first on even ones), garbage collected before each sample; the
median, min and max of each in seconds and the ratio of the medians:

pack (cold)
    What ``qpmr-desktop print pack --meeting ID --out F.pdf`` runs
    (``cli.main``, in process): open the database, ``pack_for_print``,
    ``render_pack``, write the file. The chart cache is emptied first, so
    every chart is made again: the first print of a pack. The worker pool
    stays up between runs, as in the app. Also shown: the share of the
    time the main process spent on charts (waiting for workers, making
    charts itself and drawing them onto pages) and the workers' own time.
pack (cached)
    The same right after, charts in the cache: a second print of the same
    data (for information).
reference
    The same charts, each ``build_indicator_figure`` of the same data at
    the same size, saved by matplotlib as a 200-dpi PNG and placed with
    ``Image`` in a plain ``SimpleDocTemplate``, one heading paragraph each:
    what a minimal report with raster charts costs.

Goal (issue 6): the cold pack in at most half the reference's time, with
vector charts (``pdfimages -list`` finds no image in the pack; checked
every run when poppler is installed). A goal not met is profiled with
cProfile (``--profile``). The settings and data folders point at a scratch
folder, so the user's own are never read or written.
"""

# tests/** may import inside functions (PLC0415 is off there): product modules
# load when needed, so ``--help`` is instant.

from __future__ import annotations

import cProfile
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import median
from typing import Any

from tests.benchmarks.bench_harness import Profiling, run_in_scratch, stopwatch

GOAL = 0.5  # pack / reference
_COUNTS = frozenset({"charts made", "charts from the cache"})
REFERENCE_DPI = 200
FIRST_PERIOD = (2014, 2)  # Q2 2014/15, as the demo's indicators
QUARTERS = 12
_STATUSES = ("not started", "on track", "at risk", "off track", "complete")
_UNITS = (
    ("percentage", 1, (35.0, 95.0)),
    ("count", 0, (20.0, 2500.0)),
    ("rate per 10,000", 1, (20.0, 600.0)),
    ("days", 1, (5.0, 60.0)),
)
_POLARITIES = ("higher is better", "lower is better")
_NAMES = (
    "Percentage of new birth visits within 14 days",
    "Number of households in temporary accommodation",
    "Children subject to a child protection plan, rate per 10,000",
    "Average days to complete a social care assessment",
    "Percentage of calls answered within 60 seconds",
    "Number of carers assessed – “≥ 18 years”",
    "Delayed transfers of care, rate per 10,000 (£ & é)",
)
_VERBS = ("Review", "Agree", "Embed", "Recruit", "Publish", "Audit", "Train", "Commission")
_OBJECTS = (
    "the thresholds guidance with partner agencies",
    "a step-down protocol with Early Help",
    "monthly casefile audits in every team",
    "twelve foster carers through the new campaign",
    "the care leavers' local offer",
    "the workforce development plan",
)


# ------------------------------------------------------------------ generated data


def _toml(value: object) -> str:
    """One TOML value: strings as basic strings (JSON escapes are TOML's), dates bare."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def _tables(name: str, rows: Sequence[dict[str, Any]], nested: Sequence[str] = ()) -> list[str]:
    """``rows`` as ``[[name]]`` tables; keys in ``nested`` as sub-arrays of tables."""
    lines: list[str] = []
    for row in rows:
        lines.append(f"[[{name}]]")
        subs = {key: row[key] for key in nested if key in row}
        scalars = {key: value for key, value in row.items() if key not in subs}
        tables = {key: value for key, value in scalars.items() if isinstance(value, dict)}
        for key, value in scalars.items():
            if key not in tables:
                lines.append(f"{key} = {_toml(value)}")
        for key, value in tables.items():
            lines.append(f"[{name}.{key}]")
            lines += [f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()]
        for key, value in subs.items():
            child = "update" if key == "update" else key
            lines += _tables(f"{name}.{child}", value, nested=("update",))
        lines.append("")
    return lines


def _periods() -> list[str]:
    year, quarter = FIRST_PERIOD
    out = []
    for _ in range(QUARTERS):
        out.append(f"Q{quarter} {year}/{(year + 1) % 100:02d}")
        quarter += 1
        if quarter > 4:
            year, quarter = year + 1, 1
    return out


def generated_indicators(count: int, rng: random.Random) -> list[dict[str, Any]]:
    themes = ("Start Well", "Live Well", "Age Well")
    out = []
    for number in range(count):
        unit, decimals, (low, high) = _UNITS[number % len(_UNITS)]
        level = rng.uniform(low, high)
        values = []
        for period in _periods():
            level = max(low * 0.5, level * (1 + rng.gauss(0, 0.05)))
            if unit == "percentage":
                level = min(level, 99.0)
            row: dict[str, Any] = {
                "period": period,
                "value": round(level, decimals),
                "target": round(level * rng.uniform(0.9, 1.1), decimals),
            }
            if number % 2 == 0:
                row["england"] = round(level * rng.uniform(0.85, 1.15), decimals)
                row["region"] = round(level * rng.uniform(0.85, 1.15), decimals)
            values.append(row)
        indicator: dict[str, Any] = {
            "ref": f"GEN-{number + 1:03d}",
            "name": f"{_NAMES[number % len(_NAMES)]} ({number + 1})",
            "theme": themes[number % len(themes)],
            "unit": unit,
            "polarity": _POLARITIES[number % 2],
            "frequency": "quarterly",
            "measure_type": "snapshot at period end",
            "decimals": decimals,
            "tolerance": 5.0,
            "tolerance_kind": "percent of target",
            "owner": "Head of Service, Performance",
            "source": "Generated for the printing benchmark",
            "is_sample": True,
            "values": values,
        }
        if number % 3 == 0:
            indicator["commentary"] = {
                _periods()[-1]: "Performance moved this quarter; the service explains why "
                "and what it is doing about it, at some length, as services do."
            }
        out.append(indicator)
    return out


def generated_actions(
    plan: dict[str, Any], count: int, people: Sequence[str], rng: random.Random, start: int
) -> list[dict[str, Any]]:
    out = []
    for number in range(count):
        status = rng.choice(_STATUSES)
        progress = 100 if status == "complete" else rng.randrange(0, 10) * 10
        action: dict[str, Any] = {
            "ref": f"G{start + number + 1}",
            "area": plan["areas"][number % len(plan["areas"])],
            "description": f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)} <& “quoted”>.",
            "lead": rng.choice(people),
            "due": dt.date(2017, 7, 1) + dt.timedelta(days=rng.randrange(0, 300)),
            "status": status,
            "progress": progress,
        }
        if number % 3 == 0:
            action["update"] = [
                {
                    "at": dt.datetime(2017, 10, 2, 9, 30, tzinfo=dt.UTC),
                    "by": rng.choice(people),
                    "text": "Progress reported to the board; next steps agreed.",
                    "old_status": "not started",
                    "new_status": status,
                    "old_progress": 0,
                    "new_progress": progress,
                }
            ]
        out.append(action)
    return out


def write_data_folder(folder: Path, *, indicators: int, actions: int, seed: int) -> None:
    """The demo's data files with generated indicators and actions added."""
    from qpmr_desktop.services.demo import demo_data_dir

    source = demo_data_dir()
    folder.mkdir(parents=True)
    for name in ("people.toml", "meeting.toml"):
        shutil.copyfile(source / name, folder / name)
    rng = random.Random(seed)
    demo_indicators = tomllib.loads((source / "indicators.toml").read_text("utf-8"))["indicator"]
    extra = generated_indicators(max(0, indicators - len(demo_indicators)), rng)
    (folder / "indicators.toml").write_text(
        "\n".join(_tables("indicator", [*demo_indicators, *extra])), "utf-8"
    )
    plans_file = tomllib.loads((source / "plans.toml").read_text("utf-8"))
    people = [
        p["key"] for p in tomllib.loads((source / "people.toml").read_text("utf-8"))["person"]
    ]
    plans = plans_file["plan"]
    existing = sum(len(plan.get("action", [])) for plan in plans)
    missing = max(0, actions - existing)
    made = 0
    for index, plan in enumerate(plans):
        share = missing - made if index == len(plans) - 1 else missing // len(plans)
        plan["action"] = [
            *plan.get("action", []),
            *generated_actions(plan, share, people, rng, made),
        ]
        made += share
    text = _tables("plan", plans, nested=("action",)) + _tables("event", plans_file["event"])
    (folder / "plans.toml").write_text("\n".join(text), "utf-8")


# ------------------------------------------------------------------ timing


class PrintingBench:
    def __init__(self, database: Path, scratch: Path, meeting_id: int) -> None:
        self.database = database
        self.scratch = scratch
        self.meeting_id = meeting_id
        self.out = scratch / "pack.pdf"
        self.chart_jobs = self._chart_jobs()

    def _chart_jobs(self) -> list[Any]:
        """The pack's indicator charts, as the report asks for them."""
        from qpmr_desktop.services.papers_actions import pack_for_print
        from qpmr_desktop.services.workspace import open_workspace

        workspace = open_workspace(self.database)
        try:
            pack = pack_for_print(workspace=workspace, meeting_id=self.meeting_id)
        finally:
            workspace.close()
        assert pack.performance is not None
        return [(i.ref, i.name, i.chart) for i in pack.performance.indicators if i.chart]

    def pack(self, times: list[float], parts: dict[str, list[float]], *, cold: bool) -> None:
        from qpmr_desktop import cli
        from qpmr_desktop.printing.vector_chart import chart_cache

        if cold:
            chart_cache.clear()
        chart_cache.reset_stats()
        argv = ["print", "pack", "--meeting", str(self.meeting_id)]
        argv += ["--database", str(self.database), "--out", str(self.out)]
        with stopwatch(times):
            status = cli.main(argv)
        if status != 0:
            raise SystemExit(f"print pack exited {status}")
        stats = chart_cache.stats
        in_main = stats.wait_seconds + stats.local_seconds + stats.draw_seconds
        parts.setdefault("charts in the main process", []).append(in_main)
        parts.setdefault("charts in workers (CPU, summed)", []).append(stats.worker_seconds)
        parts.setdefault("charts made", []).append(float(stats.misses))
        parts.setdefault("charts from the cache", []).append(float(stats.hits))

    def reference(self, times: list[float]) -> None:
        from xml.sax.saxutils import escape

        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.lib.units import inch
        from reportlab.platypus import Image, Paragraph, SimpleDocTemplate

        from qpmr_desktop.charts.indicator_chart import build_indicator_figure, figure_to_png
        from qpmr_desktop.printing import performance_report
        from qpmr_desktop.printing.document import CouncilDocument

        # The pack's chart size: the frame's width times the chart's share, its height.
        frame = A4[0] - CouncilDocument.left_margin - CouncilDocument.right_margin
        width_in = frame * performance_report._CHART_SHARE / inch
        height_in = performance_report._CHART_HEIGHT_IN
        style = getSampleStyleSheet()["Heading3"]
        with stopwatch(times):
            story: list[Any] = []
            for ref, name, chart in self.chart_jobs:
                figure = build_indicator_figure(chart, width_in=width_in, height_in=height_in)
                png = figure_to_png(figure, dpi=REFERENCE_DPI)
                story.append(Paragraph(escape(f"{ref} {name}"), style))
                story.append(Image(_bytes_io(png), width=width_in * inch, height=height_in * inch))
            SimpleDocTemplate(str(self.scratch / "reference.pdf"), pagesize=A4).build(story)


def _bytes_io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def images_in(pdf: Path) -> int | None:
    """The number of raster images ``pdfimages -list`` finds, or None without poppler."""
    if shutil.which("pdfimages") is None:
        return None
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return max(0, len(listing.strip().splitlines()) - 2)


def profile_summary(work: Callable[[], object], *, limit: int = 25) -> str:
    """cProfile the timed blocks of ``work()``: pstats' own table, by cumulative time."""
    import io
    import pstats

    profiler = cProfile.Profile()
    Profiling.profiler = profiler
    try:
        work()
    finally:
        Profiling.profiler = None
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(limit)
    return stream.getvalue()


def _row(label: str, samples: Sequence[float], unit: str = "s") -> str:
    if unit == "n":
        return f"  {label:<44}{median(samples):>10.0f}{min(samples):>10.0f}{max(samples):>10.0f}"
    return f"  {label:<44}{median(samples):>10.2f}{min(samples):>10.2f}{max(samples):>10.2f}"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument("--indicators", type=int, default=60, help="indicators (default 60)")
    parser.add_argument("--actions", type=int, default=300, help="actions (default 300)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help="cProfile one cold pack: when the goal is NOT met (auto), always or never",
    )
    parser.add_argument("--seed", type=int, default=2017, help="seed of the generated data")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is not met")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.indicators < 9 or args.actions < 20:
        parser.error("--runs must be at least 1, --indicators 9 and --actions 20 (the demo's)")
    return run_in_scratch("bench_printing", lambda scratch: _run(args, scratch))


def _run(args: Any, scratch: Path) -> int:
    from qpmr_desktop.services.demo import build_demo_database
    from qpmr_desktop.services.minutes import list_meetings
    from qpmr_desktop.services.workspace import open_workspace

    started = time.perf_counter()
    write_data_folder(
        scratch / "demo-data", indicators=args.indicators, actions=args.actions, seed=args.seed
    )
    database = scratch / "bench.qpmr"
    build_demo_database(database, data_dir=scratch / "demo-data")
    workspace = open_workspace(database)
    try:
        meeting_id = int(list_meetings(workspace=workspace)[0].id)
    finally:
        workspace.close()
    bench = PrintingBench(database, scratch, meeting_id)
    print(
        f"generated {args.indicators} indicators ({len(bench.chart_jobs)} charts) and "
        f"{args.actions} actions in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    spare: dict[str, list[float]] = {}
    for _ in range(args.warmup):
        bench.pack([], spare, cold=True)
        bench.reference([])
    samples: dict[str, list[float]] = {"pack": [], "pack cached": [], "reference": []}
    parts: dict[str, list[float]] = {}
    cached_parts: dict[str, list[float]] = {}
    for run in range(args.runs):
        steps: list[Callable[[], None]] = [
            lambda: bench.pack(samples["pack"], parts, cold=True),
            lambda: bench.reference(samples["reference"]),
        ]
        for step in steps if run % 2 == 0 else steps[::-1]:
            step()
        images = images_in(bench.out)
        if images:
            raise SystemExit(f"the pack holds {images} raster images: charts must be vectors")
        bench.pack(samples["pack cached"], cached_parts, cold=False)
        print(
            f"run {run + 1}/{args.runs}: pack {samples['pack'][-1]:.2f} s (cached "
            f"{samples['pack cached'][-1]:.2f}), reference {samples['reference'][-1]:.2f} s",
            flush=True,
        )
    pages = _pages(bench.out)
    ratio = median(samples["pack"]) / median(samples["reference"])
    share = median(parts["charts in the main process"]) / median(samples["pack"])
    lines = [
        (
            f"\nPrinting benchmark: {args.indicators} indicators, {args.actions} actions, pack of "
            f"{pages} pages; {args.runs} runs after {args.warmup} warm-up; "
            f"{os.cpu_count()} cores; Python {sys.version.split()[0]}"
        ),
        f"  {'seconds':<44}{'median':>10}{'min':>10}{'max':>10}",
        _row("pack, cold cache (cli print pack)", samples["pack"]),
        *(
            _row(f"  of which {name}", values, "n" if name in _COUNTS else "s")
            for name, values in parts.items()
        ),
        f"  share of the pack's time on charts in the main process: {share:.0%}",
        _row("pack, charts cached (second print)", samples["pack cached"]),
        _row(
            f"reference: {len(bench.chart_jobs)} PNG charts at {REFERENCE_DPI} dpi",
            samples["reference"],
        ),
        f"  ratio pack / reference {ratio:>32.2f}x   goal <= {GOAL}x: "
        + ("met" if ratio <= GOAL else "NOT met"),
        f"  vector charts: pdfimages -list finds {images_in(bench.out)} images in the pack",
    ]
    print("\n".join(lines))
    missed = ratio > GOAL
    if {"auto": missed, "always": True, "never": False}[args.profile]:
        print("\nProfile of one cold pack (cProfile, main process):")
        print(profile_summary(lambda: bench.pack([], {}, cold=True)))
    from qpmr_desktop.printing.vector_chart import shutdown_workers

    shutdown_workers()
    return 1 if args.strict and missed else 0


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


if __name__ == "__main__":
    sys.exit(main())
