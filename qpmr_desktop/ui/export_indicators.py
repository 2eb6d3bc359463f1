"""Export Indicator Values…: ask where, write the native format off the GUI thread, say how it went.

Entry point: :func:`export_indicators_interactively` asks for a file name
(CSV or XLSX, by the name's suffix or else the chosen filter; suggested
"indicators-YYYY-MM-DD.csv" in the Documents folder), writes every indicator
value with ``services.indicator_export.export_indicators`` on a worker
thread under a window-modal busy dialog, and then tells the person how many
rows were written, or why nothing was (``ExportError``, a file that cannot
be written), in plain words. It returns the path written, or None when the
person cancelled or the export failed. The service writes beside the
destination and moves the file into place, so a failure leaves no half file.
The export cannot be stopped part-way: there is no Stop button.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from qpmr_desktop.services.indicator_export import ExportError, export_indicators
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.ui.background import wait_with_progress

_log = logging.getLogger(__name__)

DIALOG_TITLE = "Export Indicator Values"
CSV_FILTER = "CSV UTF-8, opens in Excel (*.csv)"
XLSX_FILTER = "Excel workbook (*.xlsx)"
EXPORT_FILTERS = f"{CSV_FILTER};;{XLSX_FILTER}"
_SUFFIXES = (".csv", ".xlsx")


def default_export_name(today: dt.date) -> str:
    return f"indicators-{today.isoformat()}.csv"


def _documents_dir() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder else Path.home()


def export_path_for(chosen: str, selected_filter: str) -> Path:
    """The file to write: ``chosen`` as typed when it ends in .csv or .xlsx, else with the
    suffix of the filter the person picked ("figures" + Excel → "figures.xlsx")."""
    path = Path(chosen)
    if path.suffix.casefold() in _SUFFIXES:
        return path
    suffix = ".xlsx" if selected_filter == XLSX_FILTER else ".csv"
    return path.with_name(path.name + suffix)


def ask_export_path(parent: QWidget | None, *, today: dt.date | None = None) -> Path | None:
    """Ask where to export to; None when cancelled."""
    suggested = _documents_dir() / default_export_name(today or dt.date.today())  # noqa: DTZ011 - the user's own date
    chosen, selected_filter = QFileDialog.getSaveFileName(
        parent, DIALOG_TITLE, str(suggested), EXPORT_FILTERS, CSV_FILTER
    )
    if not chosen:
        return None
    return export_path_for(chosen, selected_filter)


def export_indicators_interactively(
    parent: QWidget | None, workspace: Workspace, *, today: dt.date | None = None
) -> Path | None:
    """Ask for a file, export every indicator value to it, and report; see the module."""
    path = ask_export_path(parent, today=today)
    if path is None:
        return None
    try:
        written = wait_with_progress(
            parent,
            lambda _control: export_indicators(workspace=workspace, path=path),
            title=DIALOG_TITLE,
            text=f"Writing {path.name}…",
            description=f"exporting indicators to {path}",
        )
    except ExportError as error:
        QMessageBox.warning(parent, DIALOG_TITLE, f"Nothing was exported. {error}")
        return None
    except OSError as error:
        reason = error.strerror or str(error)
        QMessageBox.warning(
            parent,
            DIALOG_TITLE,
            f"{path.name} could not be written: {reason}.\n\nChoose another folder, or close "
            "the file if it is open in another program, and export again.",
        )
        return None
    # Deliberately broad: whatever went wrong, the person hears it in words,
    # the log keeps the traceback, and the window goes on working.
    except Exception as error:  # noqa: BLE001
        _log.exception("Exporting indicators to %s failed", path)
        QMessageBox.critical(
            parent,
            DIALOG_TITLE,
            f"The export failed: {error}. No file was written. The details are in the log.",
        )
        return None
    assert isinstance(written, int)
    if written:
        message = f"Wrote {written:,} indicator value{'s' if written != 1 else ''} to {path.name}."
    else:
        message = (
            f"There are no indicator values to export yet: {path.name} holds the column "
            "headers only."
        )
    QMessageBox.information(parent, DIALOG_TITLE, f"{message}\n\nFolder: {path.parent}")
    return path
