"""The QApplication's identity and look, set once for the GUI and for screenshots.

Contract: ``configure_application`` names the application and organisation
(which choose QSettings' file), picks Fusion where the platform offers no
native style of its own, and sets the window icon when it is shipped.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from qpmr_desktop import __version__, paths

ORGANISATION = paths.APP_AUTHOR
APPLICATION = paths.APP_NAME
ICON_FILE = "qpmr-desktop.svg"

# Qt's generic, dated "Windows" style is what a Linux desktop without a Qt
# theme plugin gets; native styles (windowsvista, windows11, macOS, Breeze …)
# are left alone.
_GENERIC_STYLES = {"windows"}


def configure_application(application: QApplication) -> None:
    application.setOrganizationName(ORGANISATION)
    application.setApplicationName(APPLICATION)
    application.setApplicationVersion(__version__)
    # Not setApplicationDisplayName: Qt would append it to every window
    # title, which already starts with "QPMR Desktop".
    QGuiApplication.setDesktopFileName("qpmr-desktop")
    style = application.style()
    if style is None or style.name().casefold() in _GENERIC_STYLES:
        application.setStyle("Fusion")
    icon_path = paths.resources_dir() / "icons" / ICON_FILE
    if icon_path.is_file():
        application.setWindowIcon(QIcon(str(icon_path)))
