"""A widget that shows one matplotlib chart, rebuilt at its own size: the shared base.

Contract (``ChartCanvas`` and ``TimelineCanvas`` are the two subclasses):

- ``set_data`` takes the chart's plain, hashable input (or None for no chart).
  The figure is rebuilt by the subclass's ``build_figure`` at the widget's own
  size and pixel density (charts lay out margins, wrapping and labels for the
  size built, so they are rebuilt rather than stretched), rendered off screen
  with matplotlib's Agg canvas into an image, and painted. Until a new image
  is ready the previous one stays on screen (scaled while a resize settles),
  so a change of data or size never flashes an empty widget.
- Drawing waits for the widget to be painted (shown, or grabbed for a
  screenshot): a paint that finds the image out of date schedules the render
  on the event loop (at once after new data, after ``RESIZE_DEBOUNCE_MS`` of
  quiet after a resize). A hidden tab or collapsed pane draws nothing, and
  the first chart is drawn only after the window and its table are on screen.
- matplotlib is imported on the first render, never when this module is
  imported (it costs about 0.4 s with its Agg canvas); no Qt backend of
  matplotlib is used. ``render_now`` renders at once (tests, print previews);
  ``figure`` is the last figure built; ``chart_drawn`` is emitted after every
  render. The accessible description comes from ``describe_data`` (at once,
  when the data is set) or ``describe_figure`` (after each render).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Final, Generic, TypeVar

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["RESIZE_DEBOUNCE_MS", "FigureCanvas"]

RESIZE_DEBOUNCE_MS: Final = 150
_BACKGROUND = QColor("white")

DataT = TypeVar("DataT", bound=Hashable)


class FigureCanvas(QWidget, Generic[DataT]):
    """Paints the chart of ``set_data``'s data; see the module contract."""

    chart_drawn = Signal()

    def __init__(
        self, parent: QWidget | None, *, name: str, minimum: QSize, preferred: QSize
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(minimum)
        self._preferred = preferred
        # Painted whole each time: no background fill first, so no flash of grey.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._data: DataT | None = None
        self._image: QImage | None = None
        self._image_key: tuple[DataT, int, int, float] | None = None
        self._figure: Figure | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    # ------------------------------------------------------------ for subclasses

    def build_figure(self, data: DataT, *, width_in: float, height_in: float) -> Figure:
        """The chart for ``data`` at that size in inches (matplotlib loaded by now)."""
        raise NotImplementedError

    def describe_data(self, data: DataT) -> str | None:  # noqa: ARG002 - a hook
        """A description said as soon as the data is set, or None to wait for the figure."""
        return None

    def describe_figure(self, figure: Figure) -> str | None:  # noqa: ARG002 - a hook
        """A description read from the rendered figure, or None to keep the one set."""
        return None

    # ------------------------------------------------------------ our API

    @property
    def data(self) -> DataT | None:
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

    def set_data(self, data: DataT | None) -> None:
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
            description = self.describe_data(data)
            if description is not None:
                self.setAccessibleDescription(description)
        self.update()

    def render_now(self) -> None:
        """Build and render the chart at once, whether or not the widget is shown."""
        self._timer.stop()
        self._render()

    # ------------------------------------------------------------ Qt overrides

    def sizeHint(self) -> QSize:
        return self._preferred

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

    def _key(self) -> tuple[DataT, int, int, float]:
        assert self._data is not None  # callers check
        return (self._data, self.width(), self.height(), self.devicePixelRatioF())

    def _render(self) -> None:
        data = self._data
        if data is None:
            return
        key = self._key()
        _, width, height, ratio = key
        dpi = float(self.logicalDpiX() or 96)
        self._figure, self._image = self._render_image(data, width, height, dpi, ratio)
        self._image_key = key
        description = self.describe_figure(self._figure)
        if description is not None:
            self.setAccessibleDescription(description)
        self.update()
        self.chart_drawn.emit()

    def _render_image(
        self, data: DataT, width: int, height: int, dpi: float, ratio: float
    ) -> tuple[Figure, QImage]:
        """The figure for ``data`` at ``width`` × ``height`` logical pixels, and its image."""
        # Imported here: matplotlib costs start-up time, and no chart is needed to start.
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

        width, height = max(width, 1), max(height, 1)
        figure = self.build_figure(data, width_in=width / dpi, height_in=height / dpi)
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
