"""A widget that shows one plan's timeline, drawn by ``charts.build_timeline_figure``.

Contract (the indicator chart canvas's approach, for ``TimelineData``):

- ``TimelineCanvas.set_data`` takes a ``TimelineData`` (or None for no
  chart). The figure is rebuilt at the widget's own size and pixel density
  (the chart lays out its lanes and labels for the size built, so it is
  rebuilt rather than stretched), rendered off screen with matplotlib's Agg
  canvas into an image, and painted. Until a new image is ready the previous
  one stays on screen (scaled while a resize settles), so new data or a new
  size never flashes an empty widget.
- Drawing waits for the widget to be painted (shown, or grabbed for a
  screenshot): a paint that finds the image out of date schedules the render
  on the event loop (at once after new data, after ``RESIZE_DEBOUNCE_MS`` of
  quiet after a resize). A collapsed or hidden timeline draws nothing, and
  the first timeline is drawn only after the window and its table are up.
- matplotlib is imported on the first render, and the chart module with the
  first data, never when this module is imported (start-up); no Qt backend of
  matplotlib is used. ``render_now`` renders at
  once (tests); ``figure`` is the last figure built; ``chart_drawn`` is
  emitted after every render. The accessible description is the chart's
  title and subtitle: the chart itself is a picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from qpmr_desktop.charts.timeline_chart import TimelineData

__all__ = ["RESIZE_DEBOUNCE_MS", "TimelineCanvas"]

RESIZE_DEBOUNCE_MS: Final = 150
_BACKGROUND = QColor("white")


class TimelineCanvas(QWidget):
    """Paints the timeline of ``set_data``'s data; see the module contract."""

    chart_drawn = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actions_timeline")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # Small enough not to set the window's least height; the tab starts it taller
        # (lanes and labels crowd below about 215 pixels, and the pane can be collapsed).
        self.setMinimumSize(320, 100)
        # Painted whole each time: no background fill first, so no flash of grey.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._data: TimelineData | None = None
        self._image: QImage | None = None
        self._image_key: tuple[TimelineData, int, int, float] | None = None
        self._figure: Figure | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    # ------------------------------------------------------------ our API

    @property
    def data(self) -> TimelineData | None:
        return self._data

    @property
    def figure(self) -> Figure | None:
        """The figure last rendered (None before the first, or when there is no data)."""
        return self._figure

    @property
    def is_current(self) -> bool:
        """Whether the image on screen is of the current data at the current size."""
        if self._data is None:
            return self._image is None
        return self._image_key == self._key()

    def set_data(self, data: TimelineData | None) -> None:
        """Show ``data`` from now on (drawn at the next paint; see the module)."""
        if data == self._data:
            return
        self._data = data
        if data is None:
            self._image = None
            self._image_key = None
            self._figure = None
            self.setAccessibleDescription("")
        else:
            # Said at once (it needs no matplotlib), so a screen reader need not wait.
            from qpmr_desktop.charts.timeline_chart import (  # noqa: PLC0415
                timeline_subtitle,
                timeline_title,
            )

            self.setAccessibleDescription(f"{timeline_title(data)} — {timeline_subtitle(data)}")
        self.update()

    def render_now(self) -> None:
        """Build and render the timeline at once, whether or not the widget is shown."""
        self._timer.stop()
        self._render()

    # ------------------------------------------------------------ Qt overrides

    def sizeHint(self) -> QSize:
        return QSize(900, 230)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), _BACKGROUND)
        image = self._image
        if image is not None:
            if image.deviceIndependentSize().toSize() == self.size():
                painter.drawImage(0, 0, image)
            else:
                # The old picture, stretched, until the new one is built at this size.
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(QRect(0, 0, self.width(), self.height()), image)
        painter.end()
        if self._data is not None and not self.is_current and not self._timer.isActive():
            same_data = self._image_key is not None and self._image_key[0] == self._data
            self._timer.start(RESIZE_DEBOUNCE_MS if same_data else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._timer.isActive():
            self._timer.start(RESIZE_DEBOUNCE_MS)  # still resizing: wait for it to settle

    # ------------------------------------------------------------ slots

    def _on_timer_timeout(self) -> None:
        # Scheduled only by a paint, so the widget is on screen (or being grabbed).
        self._render()

    # ------------------------------------------------------------ internals

    def _key(self) -> tuple[TimelineData, int, int, float]:
        assert self._data is not None  # callers check
        return (self._data, self.width(), self.height(), self.devicePixelRatioF())

    def _render(self) -> None:
        data = self._data
        if data is None:
            return
        key = self._key()
        _, width, height, ratio = key
        dpi = float(self.logicalDpiX() or 96)
        self._figure, self._image = _render_timeline(data, width, height, dpi, ratio)
        self._image_key = key
        self.update()
        self.chart_drawn.emit()


def _render_timeline(
    data: TimelineData, width: int, height: int, dpi: float, ratio: float
) -> tuple[Figure, QImage]:
    """The figure for ``data`` at ``width`` × ``height`` logical pixels, and its image."""
    # Imported here: matplotlib costs start-up time, and no chart is needed to start.
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

    from qpmr_desktop.charts.timeline_chart import build_timeline_figure  # noqa: PLC0415

    width, height = max(width, 1), max(height, 1)
    figure = build_timeline_figure(data, width_in=width / dpi, height_in=height / dpi)
    figure.set_dpi(dpi * ratio)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]  # matplotlib leaves it untyped
    physical_width, physical_height = canvas.get_width_height(physical=True)
    image = QImage(
        bytes(canvas.buffer_rgba()),  # type: ignore[no-untyped-call]
        physical_width,
        physical_height,
        QImage.Format.Format_RGBA8888,
    ).copy()  # the bytes belong to the canvas; the image must own its own
    image.setDevicePixelRatio(ratio)
    return figure, image
