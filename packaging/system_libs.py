"""Make sure the system can create the virtual environment and run Qt in it.

Usage (from the Makefile, under the *system* ``python3``)::

    python3 packaging/system_libs.py python
    python3 packaging/system_libs.py offscreen [--venv .venv]
    python3 packaging/system_libs.py window [--venv .venv]

Contract:

* ``python`` - this Python is >= 3.11 and ``python3 -m venv`` will work: the
  ``venv`` and ``ensurepip`` modules exist.  Debian splits ``ensurepip`` out
  into ``python3.X-venv``.
* ``offscreen`` - the Debian packages offscreen Qt needs (plus poppler-utils,
  which the tests use to read PDFs back, libenchant with the en_GB Hunspell
  dictionary for the spell checker, and GSSAPI for QtPdf's QtNetwork) are
  installed; with ``--venv`` and PySide6 installed there, ``ldd`` finds every
  library that Qt's offscreen platform plugin, the QtCore/QtGui/QtWidgets
  libraries and the print preview's QtPdf/QtPdfWidgets/QtPrintSupport link to.
* ``window`` - the same for a real window: the xcb family and the xcb
  platform plugin (and the Wayland plugin when ``WAYLAND_DISPLAY`` is set).
* Optional packages (``OPTIONAL_PACKAGES``: LibreOffice Calc for ``offscreen``,
  which one test uses) are installed only where apt-get can do it unasked
  (Debian, as root), after the required ones; never a reason to exit 1.
  Where they are missing the tests that need them skip.

When something is missing on Debian (or Ubuntu) as root, it is installed with
``apt-get`` (one ``apt-get update``, one ``apt-get install``) and one line says
what and why.  Anywhere else the script names exactly what to install (Debian
package names, or the library files themselves) and exits 1.  Exit 0 means
all is in place; when nothing is missing it prints nothing and takes a few
tens of milliseconds: it runs one ``dpkg-query`` and one ``ldd``, never
``apt-get``.  On macOS and Windows, Qt's wheels carry their own libraries, so
the Qt modes have nothing to check.

Standard library only: it runs before the virtual environment exists (and
on an older Python too, if only to say that it is too old).  The decisions
(what is missing, how ``dpkg-query`` and ``ldd`` output reads, which package
holds a library, what the messages say) are pure functions, tested in
``tests/unit/test_system_libs.py``; the few functions that run programs are
kept apart at the bottom.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PROG = "system_libs"

# Debian package names (bookworm). Offscreen Qt needs these at run time; several
# are loaded with dlopen (fonts through fontconfig, libdbus, libEGL), so ldd on
# Qt's libraries alone would not find them all.
OFFSCREEN_PACKAGES: tuple[str, ...] = (
    "libglib2.0-0",
    "libgl1",
    "libegl1",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libx11-6",
    "libxkbcommon0",
    # Without any font Qt draws every letter as the same box.
    "fonts-dejavu-core",
    # pdftotext and pdftoppm: the tests read generated PDFs back with them.
    "poppler-utils",
    # The minutes editor's British English spell checker: pyenchant loads
    # libenchant with dlopen, and enchant finds the en_GB Hunspell dictionary.
    "libenchant-2-2",
    "hunspell-en-gb",
    # The print preview's QtPdf links QtNetwork, which links GSSAPI (Kerberos);
    # Debian ranks the package "optional", so a minimal system may lack it.
    "libgssapi-krb5-2",
)

# What a real window adds: Qt's xcb platform plugin and its GL integration.
WINDOW_EXTRA_PACKAGES: tuple[str, ...] = (
    "libxcb1",
    "libx11-xcb1",
    "libxcb-cursor0",
    "libxcb-glx0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-shm0",
    "libxcb-sync1",
    "libxcb-util1",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
)

# Installed for a mode where apt-get can do it unasked (Debian, as root), never
# required. LibreOffice Calc (about 270 MB): a test opens and saves an XLSX
# update form with it and checks that the form still imports; it skips when
# soffice is missing. A window (make run) needs none of these.
OPTIONAL_PACKAGES: Mapping[str, tuple[str, ...]] = {
    "offscreen": ("libreoffice-calc-nogui",),
}

QT_MODES: tuple[str, ...] = ("offscreen", "window")
MODES: tuple[str, ...] = ("python", *QT_MODES)

# Files under site-packages/PySide6/Qt whose link closure must resolve. ldd
# follows dependencies transitively, so the plugins cover QtGui and QtCore too;
# the libraries are named as well so that a missing plugin still gets checked.
QT_CORE_FILES: tuple[str, ...] = (
    "lib/libQt6Core.so.6",
    "lib/libQt6Gui.so.6",
    "lib/libQt6Widgets.so.6",
)
# The print preview and printing (PySide6-Addons' QtPdf, Essentials'
# QtPrintSupport); checked where present, so an older venv is not failed.
QT_PRINT_FILES: tuple[str, ...] = (
    "lib/libQt6Pdf.so.6",
    "lib/libQt6PdfWidgets.so.6",
    "lib/libQt6PrintSupport.so.6",
)
QT_FILES_BY_MODE: Mapping[str, tuple[str, ...]] = {
    "offscreen": (*QT_CORE_FILES, *QT_PRINT_FILES, "plugins/platforms/libqoffscreen.so"),
    "window": (
        *QT_CORE_FILES,
        *QT_PRINT_FILES,
        "plugins/platforms/libqoffscreen.so",
        "plugins/platforms/libqxcb.so",
        "plugins/xcbglintegrations/*.so",
    ),
}
# Only checked under a Wayland session: elsewhere Qt never loads it, and it
# needs libwayland-* that an X11 or headless machine has no use for.
WAYLAND_PLUGIN = "plugins/platforms/libqwayland.so"

# Commands that stand for a package where there is no dpkg to ask.
COMMANDS_BY_PACKAGE: Mapping[str, tuple[str, ...]] = {
    "poppler-utils": ("pdftotext", "pdftoppm"),
}

# Sonames whose Debian package name does not follow the usual rule (see
# package_for_soname). The rest are listed so the common ones never rest on it.
SONAME_PACKAGES: Mapping[str, str] = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
    "libkrb5.so.3": "libkrb5-3",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libz.so.1": "zlib1g",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "librt.so.1": "libc6",
}

_LDD_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")
_SONAME = re.compile(r"^(?P<name>.+?)\.so(?:\.(?P<major>\d+))?(?:\.[\d.]+)?$")


# ------------------------------------------------------------------ the host


@dataclass(frozen=True)
class Host:
    """What the machine offers for installing things."""

    is_linux: bool
    is_debian: bool  # /etc/debian_version and apt-get on PATH (Ubuntu too)
    has_dpkg: bool
    has_ldd: bool
    is_root: bool

    @property
    def can_apt_install(self) -> bool:
        return self.is_debian and self.is_root


# ------------------------------------------------------------ pure decisions


def packages_for_mode(mode: str) -> tuple[str, ...]:
    """The Debian packages that ``mode`` (offscreen or window) needs."""
    if mode == "window":
        return OFFSCREEN_PACKAGES + WINDOW_EXTRA_PACKAGES
    if mode == "offscreen":
        return OFFSCREEN_PACKAGES
    raise ValueError(f"no package set for mode {mode!r}")


def qt_files_for_mode(mode: str, *, wayland_session: bool) -> tuple[str, ...]:
    """The Qt files (relative to ``PySide6/Qt``, globs allowed) ldd must resolve."""
    files = QT_FILES_BY_MODE[mode]
    if mode == "window" and wayland_session:
        files = (*files, WAYLAND_PLUGIN)
    return files


def t64_alias(package: str) -> str:
    """The name a library package took in Debian's 64-bit time_t transition.

    Debian 13 and Ubuntu 24.04 renamed many libraries (``libglib2.0-0`` became
    ``libglib2.0-0t64``); the old name survives only as a virtual package,
    which dpkg never reports as installed.  Asking for both keeps the check
    quiet on those systems instead of reinstalling on every run.
    """
    return f"{package}t64"


def dpkg_query_names(packages: Iterable[str]) -> list[str]:
    """Every name to pass to ``dpkg-query -W``: each package and its t64 alias."""
    names: list[str] = []
    for package in packages:
        names.append(package)
        if package.startswith("lib"):
            names.append(t64_alias(package))
    return names


def parse_dpkg_status(output: str) -> set[str]:
    """Installed package names from ``dpkg-query -W -f='${Package} ${Status}\\n'``.

    A line reads ``name want flag status``; only status ``installed`` counts
    (``config-files`` after a removal, ``not-installed``, ``half-configured``
    do not).  Unknown names produce no line, only a complaint on stderr.
    """
    installed: set[str] = set()
    for line in output.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[3] == "installed":
            # Multi-arch systems may print "name:arch"; the name is what we asked for.
            installed.add(fields[0].split(":", 1)[0])
    return installed


def missing_packages(wanted: Iterable[str], installed: set[str]) -> list[str]:
    """The wanted packages that are installed neither by name nor as their t64 alias."""
    return [p for p in wanted if p not in installed and t64_alias(p) not in installed]


def parse_ldd_not_found(output: str) -> list[str]:
    """The sonames ``ldd`` reports as ``=> not found``, sorted, each once."""
    found = {m.group(1) for line in output.splitlines() if (m := _LDD_NOT_FOUND.match(line))}
    return sorted(found)


def package_for_soname(soname: str) -> tuple[str, bool]:
    """The Debian package that ships ``soname``, and whether that is certain.

    Known sonames come from SONAME_PACKAGES.  Otherwise Debian's library
    packaging rule gives a good guess: ``libfoo.so.3`` is in ``libfoo3``, a
    name ending in a digit takes a hyphen (``libfoo2.so.1`` -> ``libfoo2-1``),
    everything is lower case and underscores become hyphens.
    """
    known = SONAME_PACKAGES.get(soname)
    if known is not None:
        return known, True
    match = _SONAME.match(soname)
    if match is None:
        return soname, False
    name = match.group("name").lower().replace("_", "-")
    major = match.group("major") or ""
    if major and name[-1].isdigit():
        return f"{name}-{major}", False
    return f"{name}{major}", False


def packages_for_sonames(sonames: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """Map each missing soname to (Debian package, certain?)."""
    return {soname: package_for_soname(soname) for soname in sonames}


MIN_PYTHON: tuple[int, int] = (3, 11)


def python_version_message(version_info: tuple[int, int], executable: str) -> str | None:
    """Why this interpreter cannot run the app (too old), or None when it can."""
    if version_info >= MIN_PYTHON:
        return None
    have = ".".join(map(str, version_info))
    need = ".".join(map(str, MIN_PYTHON))
    return (
        f"{PROG}: {executable} is Python {have}; QPMR Desktop needs Python >= {need}.\n"
        f"  Install one, then run make again with it: make PYTHON=python{need} ..."
    )


def missing_python_modules(is_available: Callable[[str], bool]) -> list[str]:
    """Which of the modules ``python3 -m venv`` needs are absent."""
    return [name for name in ("venv", "ensurepip") if not is_available(name)]


def venv_package(version_info: tuple[int, int]) -> str:
    """Debian's package that brings ensurepip for this exact Python version."""
    major, minor = version_info
    return f"python{major}.{minor}-venv"


def is_system_python(executable: str) -> bool:
    """Whether the interpreter is the distribution's own (so apt can fix it)."""
    return str(Path(executable).resolve()).startswith("/usr/bin/")


def dedupe(items: Iterable[str]) -> list[str]:
    """Items in first-seen order, each once."""
    return list(dict.fromkeys(items))


def install_command(packages: Sequence[str]) -> list[str]:
    """The apt-get command line that installs ``packages`` (no prompts, no extras)."""
    return ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]


def purpose(mode: str) -> str:
    """Who needs a mode's packages, for the messages."""
    return {
        "python": "python3 -m venv",
        "offscreen": "headless Qt, the spell checker and the tests' PDF tools",
        "window": "a Qt window",
    }[mode]


def package_for_command(command: str) -> str:
    """The Debian package that provides a program we look for on PATH."""
    for package, commands in COMMANDS_BY_PACKAGE.items():
        if command in commands:
            return package
    return command


def missing_message(
    mode: str,
    *,
    host: Host,
    packages: Sequence[str],
    sonames: Mapping[str, tuple[str, bool]],
    commands: Sequence[str] = (),
) -> str:
    """What to tell the user when something is missing that we did not (or could not) install.

    ``packages`` are Debian packages known missing (from dpkg), ``sonames``
    libraries ldd could not find with their likely package, ``commands``
    programs missing where there is no dpkg to ask.
    """
    lines = [f"{PROG}: {purpose(mode)} needs system software that is missing."]
    if packages:
        lines.append("  Debian packages not installed: " + " ".join(packages))
    if sonames:
        lines.append("  Libraries Qt cannot load: " + " ".join(sorted(sonames)))
    if commands:
        lines.append("  Programs not found: " + " ".join(commands))
    debian_names = dedupe(
        [
            *packages,
            *(pkg for pkg, _ in sonames.values()),
            *(package_for_command(c) for c in commands),
        ]
    )
    guessed = sorted(pkg for pkg, certain in sonames.values() if not certain)
    if host.is_debian:
        sudo = "" if host.is_root else "sudo "
        lines.append("  Install them, then run make again:")
        command = ["apt-get", "install", "-y", "--no-install-recommends", *debian_names]
        lines.append(f"    {sudo}{' '.join(command)}")
        if host.is_root:
            lines.append("  (apt-get ran and could not provide them all; see its messages above.)")
    else:
        lines.append(
            "  Install them with your system's package manager, then run make again."
            " Their Debian names: " + " ".join(debian_names)
        )
    if guessed:
        lines.append("  Package names guessed from the library file name: " + " ".join(guessed))
    return "\n".join(lines)


def python_message(host: Host, *, modules: Sequence[str], executable: str, package: str) -> str:
    """What to tell the user when ``python3 -m venv`` cannot work."""
    lines = [f"{PROG}: {executable} lacks {' and '.join(modules)}, so python3 -m venv cannot work."]
    if host.is_debian and is_system_python(executable):
        sudo = "" if host.is_root else "sudo "
        lines.append(f"  Install it, then run make again:\n    {sudo}apt-get install -y {package}")
    else:
        lines.append(
            "  Use a Python >= 3.11 built with venv and ensurepip (python.org's installers"
            " and pyenv builds have both), or set PYTHON=/path/to/python3 for make."
        )
    return "\n".join(lines)


# ------------------------------------------------------------ running things


def detect_host() -> Host:
    is_linux = sys.platform.startswith("linux")
    return Host(
        is_linux=is_linux,
        is_debian=is_linux
        and os.path.exists("/etc/debian_version")
        and shutil.which("apt-get") is not None,
        has_dpkg=shutil.which("dpkg-query") is not None,
        has_ldd=shutil.which("ldd") is not None,
        is_root=hasattr(os, "geteuid") and os.geteuid() == 0,
    )


def query_installed(packages: Sequence[str]) -> set[str]:
    """Ask dpkg once which of ``packages`` are installed."""
    # dpkg-query exits 1 when any name is unknown (the t64 aliases usually are),
    # so read its output and ignore the status.
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Status}\n", *dpkg_query_names(packages)],
        capture_output=True,
        text=True,
        check=False,
    )
    return parse_dpkg_status(result.stdout)


def find_qt_dir(venv: Path) -> Path | None:
    """``site-packages/PySide6/Qt`` inside the virtual environment, if PySide6 is there."""
    for candidate in sorted(venv.glob("lib/python3.*/site-packages/PySide6/Qt")):
        if candidate.is_dir():
            return candidate
    return None


def expand_qt_files(qt_dir: Path, patterns: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for pattern in patterns:
        files.extend(sorted(qt_dir.glob(pattern)))
    return dedupe_paths(files)


def dedupe_paths(paths: Iterable[Path]) -> list[Path]:
    return list(dict.fromkeys(paths))


def ldd_not_found(files: Sequence[Path]) -> list[str]:
    """One ldd run over all ``files``; the sonames it cannot resolve."""
    if not files:
        return []
    result = subprocess.run(["ldd", *map(str, files)], capture_output=True, text=True, check=False)
    return parse_ldd_not_found(result.stdout)


def apt_install(packages: Sequence[str], *, needed_by: str) -> bool:
    """``apt-get update`` then install ``packages``; True when apt-get succeeded."""
    print(f"{PROG}: installing {' '.join(packages)} with apt-get, for {needed_by}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # The package lists may be missing (fresh containers) or stale: refresh them
    # once, and only now that there is something to install. apt-get and dpkg
    # talk a lot even when told to be quiet: their output is shown only on failure.
    started = time.monotonic()
    for command in (["apt-get", "update", "-qq"], install_command(packages)):
        result = subprocess.run(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.stderr.write(result.stdout)
            print(f"{PROG}: {' '.join(command)} failed (exit {result.returncode})", file=sys.stderr)
            # A failed update may only mean one unreachable mirror: still try to install.
            if command[1] == "install":
                return False
    print(f"{PROG}: installed in {time.monotonic() - started:.0f} s", flush=True)
    return True


def module_available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def ensure_python(host: Host) -> int:
    too_old = python_version_message(
        (sys.version_info.major, sys.version_info.minor), sys.executable
    )
    if too_old is not None:
        print(too_old, file=sys.stderr)
        return 1
    missing = missing_python_modules(module_available)
    if not missing:
        return 0
    package = venv_package((sys.version_info.major, sys.version_info.minor))
    if host.can_apt_install and is_system_python(sys.executable):
        apt_install([package], needed_by=purpose("python"))
        importlib.invalidate_caches()
        missing = missing_python_modules(module_available)
        if not missing:
            return 0
    print(
        python_message(host, modules=missing, executable=sys.executable, package=package),
        file=sys.stderr,
    )
    return 1


@dataclass
class QtCheck:
    """What one look at the system found missing for a Qt mode."""

    packages: list[str]
    sonames: dict[str, tuple[str, bool]]
    commands: list[str]

    @property
    def ok(self) -> bool:
        return not (self.packages or self.sonames or self.commands)

    def to_install(self) -> list[str]:
        return dedupe([*self.packages, *(pkg for pkg, _ in self.sonames.values())])


def check_qt(mode: str, host: Host, venv: Path | None) -> QtCheck:
    wanted = packages_for_mode(mode)
    packages: list[str] = []
    commands: list[str] = []
    if host.has_dpkg:
        packages = missing_packages(wanted, query_installed(wanted))
    else:
        # No dpkg: libraries are judged by ldd below; programs by PATH.
        for package in wanted:
            commands.extend(c for c in COMMANDS_BY_PACKAGE.get(package, ()) if not shutil.which(c))
    sonames: dict[str, tuple[str, bool]] = {}
    qt_dir = find_qt_dir(venv) if venv is not None else None
    if qt_dir is not None and host.has_ldd:
        patterns = qt_files_for_mode(mode, wayland_session=bool(os.environ.get("WAYLAND_DISPLAY")))
        sonames = packages_for_sonames(ldd_not_found(expand_qt_files(qt_dir, patterns)))
    return QtCheck(packages=packages, sonames=sonames, commands=commands)


def ensure_qt(mode: str, host: Host, venv: Path | None) -> int:
    if not host.is_linux:
        return 0  # Qt's macOS and Windows wheels bring their own libraries.
    found = check_qt(mode, host, venv)
    if not found.ok and host.can_apt_install:
        apt_install(found.to_install(), needed_by=purpose(mode))
        found = check_qt(mode, host, venv)
    if not found.ok:
        print(
            missing_message(
                mode,
                host=host,
                packages=found.packages,
                sonames=found.sonames,
                commands=found.commands,
            ),
            file=sys.stderr,
        )
        return 1
    ensure_optional(mode, host)
    return 0


def ensure_optional(mode: str, host: Host) -> None:
    """Install ``mode``'s optional packages where apt-get can do it unasked; never fail."""
    wanted = OPTIONAL_PACKAGES.get(mode, ())
    if not wanted or not host.can_apt_install or not host.has_dpkg:
        return
    missing = missing_packages(wanted, query_installed(wanted))
    if missing and not apt_install(missing, needed_by="the optional tests that use them"):
        print(
            f"{PROG}: carrying on without {' '.join(missing)}; the tests that need it skip",
            file=sys.stderr,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="system_libs.py",
        description="Check (and on Debian as root, install) what the venv and Qt need.",
    )
    parser.add_argument("mode", choices=MODES)
    parser.add_argument(
        "--venv", type=Path, help="virtual environment whose PySide6 to check with ldd"
    )
    args = parser.parse_args(argv)
    host = detect_host()
    if args.mode == "python":
        return ensure_python(host)
    return ensure_qt(args.mode, host, args.venv)


if __name__ == "__main__":
    sys.exit(main())
