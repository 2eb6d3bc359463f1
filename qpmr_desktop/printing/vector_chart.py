"""Charts placed in a PDF as vector graphics, text kept as text, made on every core and cached.

Contract (issue 6, points 3, 4 and 8; MACHINE-NOTES.md "PDF"):
- ``ChartJob(kind, data, width_in, height_in)`` names one chart: an indicator
  trend (``charts.build_indicator_figure``) or a plan timeline
  (``charts.build_timeline_figure``) of frozen, hashable ``data``, built at
  ``width_in`` × ``height_in`` inches. ``job.key`` is a SHA-256 of the job's
  ``repr`` (frozen dataclasses of numbers, text, dates and enums: the same
  data gives the same key in every process and run).
- ``produce_drawing(job)`` is the chart as a ReportLab drawing: the matplotlib
  figure drawn by ``mpl_shapes.ShapesRenderer``, a matplotlib renderer that
  writes ReportLab shapes and strings directly (no SVG in between: writing
  and re-reading SVG cost three quarters of a chart's time). Every label is
  a ``String`` in the report's embedded font. Nothing is rasterised:
  ``pdfimages -list`` finds no image. A figure holding something that cannot
  be drawn as vectors (an image, a hatch) raises ``ChartConversionError``:
  a report with a chart silently missing a part would mislead the committee.
- ``VectorChart(job, width, font_name)`` is a flowable of ``width`` points
  (height from the job's aspect ratio, known without building the chart).
  Creating one asks for its drawing at once: a miss goes to a pool of worker
  processes (one per core, at most ``MAX_WORKERS``), so the charts of a
  document are made on every core while the main process lays out the rest;
  the flowable waits for its drawing only when it is drawn.
- Drawings are cached in memory by ``job.key`` (the last ``CACHE_SIZE``):
  the same data printed again — a second preview, the pack after the report
  — is not built again; changed data is a different key. ``chart_cache``
  is the cache, with counters (``stats``) the benchmark reads.
- Workers are started with "forkserver" where the platform has it (a fork
  of a small single-threaded server, safe from a GUI process with threads),
  else "spawn" (a frozen Windows build needs ``multiprocessing.freeze_support()``
  in its entry point). ``QPMR_CHART_WORKERS=0`` (or a pool that cannot start,
  logged as a warning) makes every chart in the calling process instead.
- Chart text is set in the report's embedded family (DejaVu Sans, the face
  by the matplotlib font's weight and style), so "≥", "£" or "ł" survive
  and copy out; ReportLab's Helvetica would be unembedded and Latin-1 only.
  ``register_chart_fonts(family)`` is kept for the documents that call it
  before asking for charts: the renderer needs nothing more than the
  registered family, so it only checks that it is the one charts use.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.platypus import Flowable

from qpmr_desktop.printing.fonts import FontFamily, register_fonts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CACHE_SIZE",
    "MAX_WORKERS",
    "ChartCache",
    "ChartConversionError",
    "ChartJob",
    "VectorChart",
    "chart_cache",
    "chart_height",
    "produce_drawing",
    "register_chart_fonts",
    "shutdown_workers",
]

_log = logging.getLogger(__name__)

CACHE_SIZE: Final = 160  # a 60-indicator pack and its timelines, twice over
MAX_WORKERS: Final = 4  # more processes than this cost memory for little gain
WORKERS_VARIABLE: Final = "QPMR_CHART_WORKERS"
# Bump when what a job draws changes without its data changing (a new chart style).
_KEY_VERSION: Final = "2"  # 2: drawn by mpl_shapes, not through SVG
_PRELOAD: Final = (
    "qpmr_desktop.printing.vector_chart",
    "qpmr_desktop.charts.indicator_chart",
    "qpmr_desktop.charts.timeline_chart",
    "qpmr_desktop.printing.mpl_shapes",
    "matplotlib.figure",
)

ChartKind = Literal["indicator", "timeline"]


class ChartConversionError(ValueError):
    """A chart holds something that cannot be drawn as vector graphics."""


def register_chart_fonts(family: FontFamily) -> None:
    """Check that ``family`` is the registered family charts are drawn in.

    Charts take their faces from ``register_fonts()`` (in a worker as here),
    so a document set in another family would print its charts in DejaVu
    Sans all the same: say so rather than mix families unnoticed.
    """
    if family.regular != register_fonts().regular:
        raise ValueError(
            f"Charts are set in {register_fonts().regular}, not {family.regular}: "
            "the document and its charts would use different fonts."
        )


# ------------------------------------------------------------------ jobs


@dataclass(frozen=True, slots=True)
class ChartJob:
    """One chart to draw: what, from which data, at what size (inches)."""

    kind: ChartKind
    data: Any  # IndicatorChartData or TimelineData: frozen, hashable, picklable
    width_in: float
    height_in: float

    @property
    def key(self) -> str:
        """The cache key: the same data and size give the same key in every process."""
        text = repr((_KEY_VERSION, self.kind, self.data, self.width_in, self.height_in))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def chart_height(width: float, width_in: float, height_in: float) -> float:
    """The height, in points, of a ``width_in`` × ``height_in`` chart scaled to ``width``."""
    return width * height_in / width_in


def _figure(job: ChartJob) -> Figure:
    if job.kind == "indicator":
        from qpmr_desktop.charts.indicator_chart import build_indicator_figure  # noqa: PLC0415

        return build_indicator_figure(job.data, width_in=job.width_in, height_in=job.height_in)
    from qpmr_desktop.charts.timeline_chart import build_timeline_figure  # noqa: PLC0415

    return build_timeline_figure(job.data, width_in=job.width_in, height_in=job.height_in)


def produce_drawing(job: ChartJob) -> Drawing:
    """The chart of ``job`` as a vector drawing, in this process (no cache)."""
    from qpmr_desktop.printing.mpl_shapes import (  # noqa: PLC0415
        UnsupportedArtistError,
        figure_drawing,
    )

    family = register_fonts()
    try:
        drawing: Drawing = figure_drawing(_figure(job), family)
    except UnsupportedArtistError as error:
        raise ChartConversionError(f"The {job.kind} chart cannot be printed: {error}") from error
    return drawing


def _produce_pickled(job: ChartJob) -> tuple[bytes, float]:
    """A worker's task: the drawing, pickled, and the seconds it took."""
    started = time.perf_counter()
    drawing = produce_drawing(job)
    return pickle.dumps(drawing, protocol=pickle.HIGHEST_PROTOCOL), time.perf_counter() - started


def _init_worker() -> None:
    register_fonts()


# ------------------------------------------------------------------ cache


@dataclass(slots=True)
class ChartStats:
    """What the cache has done since ``reset_stats``: counts and seconds."""

    hits: int = 0  # drawings found in the cache
    misses: int = 0  # drawings made (in a worker or here)
    worker_seconds: float = 0.0  # time workers spent making drawings (their own clocks)
    local_seconds: float = 0.0  # time this process spent making drawings itself
    wait_seconds: float = 0.0  # time this process waited for workers' drawings
    draw_seconds: float = 0.0  # time spent drawing charts onto pages
    jobs: list[str] = field(default_factory=list)  # keys made, in order


class ChartCache:
    """Drawings by ``ChartJob.key`` (least recently used dropped), and drawings on their way."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.stats = ChartStats()
        self._drawings: OrderedDict[str, Drawing] = OrderedDict()
        self._pending: dict[str, Future[tuple[bytes, float]]] = {}
        self._lock = threading.Lock()

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._drawings

    def __len__(self) -> int:
        with self._lock:
            return len(self._drawings)

    def clear(self) -> None:
        """Forget every drawing (those on their way are still delivered to their flowables)."""
        with self._lock:
            self._drawings.clear()
            self._pending.clear()

    def reset_stats(self) -> None:
        self.stats = ChartStats()

    def request(self, job: ChartJob) -> None:
        """Start making ``job``'s drawing in a worker unless it is cached or on its way."""
        key = job.key
        with self._lock:
            if key in self._drawings or key in self._pending:
                return
            pool = _pool()
            if pool is None:
                return  # made in this process when first needed
            try:
                self._pending[key] = pool.submit(_produce_pickled, job)
            except (BrokenProcessPool, RuntimeError, OSError) as error:
                _pool_failed(error)

    def drawing(self, job: ChartJob) -> Drawing:
        """``job``'s drawing: from the cache, from its worker, or made here."""
        key = job.key
        with self._lock:
            drawing = self._drawings.get(key)
            if drawing is not None:
                self._drawings.move_to_end(key)
                self.stats.hits += 1
                return drawing
            future = self._pending.get(key)
        drawing = self._from_worker(future) if future is not None else None
        if drawing is None:
            started = time.perf_counter()
            drawing = produce_drawing(job)
            self.stats.local_seconds += time.perf_counter() - started
        with self._lock:
            self._pending.pop(key, None)
            self.stats.misses += 1
            self.stats.jobs.append(key)
            self._drawings[key] = drawing
            while len(self._drawings) > self.size:
                self._drawings.popitem(last=False)
        return drawing

    def _from_worker(self, future: Future[tuple[bytes, float]]) -> Drawing | None:
        started = time.perf_counter()
        try:
            blob, seconds = future.result()
        except BrokenProcessPool as error:
            _pool_failed(error)
            return None
        finally:
            self.stats.wait_seconds += time.perf_counter() - started
        self.stats.worker_seconds += seconds
        drawing: Drawing = pickle.loads(blob)  # noqa: S301 - our own worker's bytes, never a file
        return drawing


chart_cache = ChartCache()


# ------------------------------------------------------------------ workers

_pool_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_pool_disabled = False


def _worker_count() -> int:
    configured = os.environ.get(WORKERS_VARIABLE, "").strip()
    if configured:
        try:
            return max(0, int(configured))
        except ValueError:
            _log.warning("%s=%r is not a number; using every core", WORKERS_VARIABLE, configured)
    return min(os.cpu_count() or 1, MAX_WORKERS)


def _pool() -> ProcessPoolExecutor | None:
    """The shared worker pool, started on first use; None to draw in this process."""
    global _executor  # noqa: PLW0603 - one pool per process, shared by every document
    with _pool_lock:
        if _executor is not None or _pool_disabled:
            return _executor
        workers = _worker_count()
        if workers < 1:
            return None
        methods = multiprocessing.get_all_start_methods()
        method = "forkserver" if "forkserver" in methods else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(list(_PRELOAD))
        _executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker
        )
        return _executor


def _pool_failed(error: BaseException) -> None:
    """Stop using workers for this process: charts are then made here, more slowly."""
    global _pool_disabled  # noqa: PLW0603 - see _pool
    _log.warning("chart workers unavailable, drawing charts in this process: %s", error)
    with _pool_lock:
        _pool_disabled = True
    shutdown_workers()


def shutdown_workers() -> None:
    """Stop the worker pool (it starts again when next needed)."""
    global _executor
    with _pool_lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_workers)


# ------------------------------------------------------------------ the flowable


class VectorChart(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """A chart drawn as vectors, ``width`` points wide (aspect kept); see the module."""

    def __init__(self, job: ChartJob, width: float, cache: ChartCache | None = None) -> None:
        super().__init__()
        self.job = job
        self._cache = cache if cache is not None else chart_cache
        self.width = width
        self.height = chart_height(width, job.width_in, job.height_in)
        self._cache.request(job)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:  # noqa: ARG002 - ReportLab's signature
        return self.width, self.height

    def draw(self) -> None:
        drawing = self._cache.drawing(self.job)
        started = time.perf_counter()
        scale = self.width / float(drawing.width)
        canvas: Any = self.canv
        canvas.saveState()
        canvas.scale(scale, scale)
        renderPDF.draw(drawing, canvas, 0, 0)
        canvas.restoreState()
        self._cache.stats.draw_seconds += time.perf_counter() - started
