"""The decisions of ``packaging/system_libs.py``: what is missing and what we say.

The script is not a package module (it runs under the system Python before the
virtual environment exists), so it is loaded by path.  Only pure functions are
exercised here, fed with real ``dpkg-query`` and ``ldd`` output; nothing runs
apt-get.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "system_libs.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("system_libs", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look the module up in sys.modules while building the class.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


sl = _load()

DEBIAN_ROOT = sl.Host(is_linux=True, is_debian=True, has_dpkg=True, has_ldd=True, is_root=True)
DEBIAN_USER = sl.Host(is_linux=True, is_debian=True, has_dpkg=True, has_ldd=True, is_root=False)
FEDORA_USER = sl.Host(is_linux=True, is_debian=False, has_dpkg=False, has_ldd=True, is_root=False)

# Real output of `dpkg-query -W -f='${Package} ${Status}\n'` on a Debian 12 machine:
# unknown names print nothing on stdout; removed packages keep "config-files".
DPKG_OUTPUT = """\
fonts-dejavu-core install ok installed
libdbus-1-3 install ok installed
libegl1 install ok installed
libfontconfig1 deinstall ok config-files
libfreetype6 install ok installed
libgl1 install ok installed
libglib2.0-0 install ok installed
libx11-6:amd64 install ok installed
libxkbcommon0 unknown ok not-installed
"""

# Real output of `ldd libqoffscreen.so libqxcb.so` with two xcb libraries missing.
LDD_OUTPUT = """\
.venv/lib/python3.11/site-packages/PySide6/Qt/plugins/platforms/libqoffscreen.so:
\tlinux-vdso.so.1 (0x00007ffd4b5e6000)
\tlibQt6Gui.so.6 => /work/.venv/PySide6/Qt/plugins/platforms/../../lib/libQt6Gui.so.6 (0x00007f)
\tlibEGL.so.1 => /lib/x86_64-linux-gnu/libEGL.so.1 (0x00007f1b6c4f1000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f1b6d5a0000)
.venv/lib/python3.11/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so:
\tlinux-vdso.so.1 (0x00007f9a8b90f000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f9a8b911000)
"""


def test_window_needs_everything_offscreen_needs_and_the_xcb_family() -> None:
    window = sl.packages_for_mode("window")
    assert set(sl.packages_for_mode("offscreen")) <= set(window)
    assert {"libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4"} <= set(window)
    assert "poppler-utils" in sl.packages_for_mode("offscreen")
    assert "libxcb-cursor0" not in sl.packages_for_mode("offscreen")


def test_an_unknown_mode_has_no_package_set() -> None:
    with pytest.raises(ValueError, match="python"):
        sl.packages_for_mode("python")


def test_dpkg_status_counts_only_installed_packages() -> None:
    installed = sl.parse_dpkg_status(DPKG_OUTPUT)
    assert "libfontconfig1" not in installed  # removed, configuration kept
    assert "libxkbcommon0" not in installed
    assert "libx11-6" in installed  # the ":amd64" suffix is dropped
    assert "fonts-dejavu-core" in installed


def test_missing_packages_from_dpkg_output() -> None:
    installed = sl.parse_dpkg_status(DPKG_OUTPUT)
    missing = sl.missing_packages(sl.packages_for_mode("offscreen"), installed)
    # The sample output predates the spell checker and the print preview, so
    # their packages are missing too.
    assert missing == [
        "libfontconfig1",
        "libxkbcommon0",
        "poppler-utils",
        "libenchant-2-2",
        "hunspell-en-gb",
        "libgssapi-krb5-2",
    ]


def test_a_t64_renamed_library_counts_as_installed() -> None:
    installed = sl.parse_dpkg_status("libglib2.0-0t64:amd64 install ok installed\n")
    assert sl.missing_packages(["libglib2.0-0", "libgl1"], installed) == ["libgl1"]


def test_dpkg_is_asked_for_t64_aliases_of_libraries_only() -> None:
    names = sl.dpkg_query_names(["libgl1", "fonts-dejavu-core"])
    assert names == ["libgl1", "libgl1t64", "fonts-dejavu-core"]


def test_ldd_output_gives_each_missing_soname_once() -> None:
    assert sl.parse_ldd_not_found(LDD_OUTPUT) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


def test_ldd_output_without_missing_libraries() -> None:
    assert sl.parse_ldd_not_found(LDD_OUTPUT.replace("not found", "/usr/lib/x.so (0x1)")) == []


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxkbcommon.so.0", "libxkbcommon0"),
        ("libEGL.so.1", "libegl1"),
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libz.so.1", "zlib1g"),
        ("libgssapi_krb5.so.2", "libgssapi-krb5-2"),
    ],
)
def test_known_sonames_map_to_their_package(soname: str, package: str) -> None:
    assert sl.package_for_soname(soname) == (package, True)


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libfoo.so.3", "libfoo3"),
        ("libXrandr.so.2", "libxrandr2"),
        ("libpcre2-16.so.0", "libpcre2-16-0"),  # a name ending in a digit takes a hyphen
        ("libk5crypto.so.3", "libk5crypto3"),
        ("libcom_err.so.2", "libcom-err2"),
        ("libcups.so.2.3.1", "libcups2"),
        ("libnss3.so", "libnss3"),
    ],
)
def test_other_sonames_follow_debians_naming_rule(soname: str, package: str) -> None:
    assert sl.package_for_soname(soname) == (package, False)


def test_every_table_entry_is_a_soname() -> None:
    assert all(".so" in soname for soname in sl.SONAME_PACKAGES)


def test_window_mode_checks_the_xcb_plugin_and_wayland_only_in_a_wayland_session() -> None:
    x11 = sl.qt_files_for_mode("window", wayland_session=False)
    assert "plugins/platforms/libqxcb.so" in x11
    assert sl.WAYLAND_PLUGIN not in x11
    assert sl.WAYLAND_PLUGIN in sl.qt_files_for_mode("window", wayland_session=True)
    offscreen = sl.qt_files_for_mode("offscreen", wayland_session=True)
    assert "plugins/platforms/libqoffscreen.so" in offscreen
    assert "plugins/platforms/libqxcb.so" not in offscreen


def test_both_modes_check_the_print_preview_libraries() -> None:
    # QtPdf links QtNetwork and so GSSAPI, which a minimal Debian lacks.
    assert "libgssapi-krb5-2" in sl.packages_for_mode("offscreen")
    for mode in sl.QT_MODES:
        files = sl.qt_files_for_mode(mode, wayland_session=False)
        assert {"lib/libQt6Pdf.so.6", "lib/libQt6PdfWidgets.so.6"} <= set(files)
        assert "lib/libQt6PrintSupport.so.6" in files


def test_python_check_names_the_missing_modules() -> None:
    assert sl.missing_python_modules(lambda name: True) == []
    assert sl.missing_python_modules(lambda name: name == "venv") == ["ensurepip"]
    assert sl.venv_package((3, 11)) == "python3.11-venv"


def test_python_older_than_3_11_is_refused_with_a_way_out() -> None:
    assert sl.python_version_message((3, 11), "/usr/bin/python3") is None
    assert sl.python_version_message((3, 13), "/usr/bin/python3") is None
    message = sl.python_version_message((3, 9), "/usr/bin/python3")
    assert message is not None
    assert "/usr/bin/python3 is Python 3.9; QPMR Desktop needs Python >= 3.11" in message
    assert "make PYTHON=python3.11" in message


def test_only_the_distributions_python_is_fixed_with_apt() -> None:
    assert sl.is_system_python("/usr/bin/python3.11")
    assert not sl.is_system_python("/root/.pyenv/versions/3.11.7/bin/python3.11")


def test_install_command_is_quiet_and_asks_nothing() -> None:
    assert sl.install_command(["libgl1"]) == [
        "apt-get",
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "libgl1",
    ]


def test_message_for_a_debian_user_without_root_says_sudo_and_names_every_package() -> None:
    sonames = sl.packages_for_sonames(["libxcb-icccm.so.4", "libfoo.so.3"])
    message = sl.missing_message(
        "window", host=DEBIAN_USER, packages=["libxcb-icccm4", "libgl1"], sonames=sonames
    )
    assert (
        "    sudo apt-get install -y --no-install-recommends libxcb-icccm4 libgl1 libfoo3"
        in message.splitlines()
    )
    assert "libfoo.so.3 libxcb-icccm.so.4" in message
    assert "  Debian packages not installed: libxcb-icccm4 libgl1" in message.splitlines()
    assert "guessed from the library file name: libfoo3" in message
    assert "apt-get ran" not in message


def test_message_for_root_on_debian_says_apt_get_already_tried() -> None:
    message = sl.missing_message("offscreen", host=DEBIAN_ROOT, packages=["libgl1"], sonames={})
    assert "\n    apt-get install -y --no-install-recommends libgl1\n" in message
    assert "apt-get ran and could not provide them all" in message


def test_message_elsewhere_names_libraries_programs_and_their_debian_names() -> None:
    sonames = sl.packages_for_sonames(["libEGL.so.1"])
    message = sl.missing_message(
        "offscreen",
        host=FEDORA_USER,
        packages=[],
        sonames=sonames,
        commands=["pdftotext", "pdftoppm"],
    )
    assert "Libraries Qt cannot load: libEGL.so.1" in message
    assert "Programs not found: pdftotext pdftoppm" in message
    assert "system's package manager" in message
    assert "Their Debian names: libegl1 poppler-utils" in message
    assert message.startswith(
        "system_libs: headless Qt, the spell checker and the tests' PDF tools needs system software"
        " that is missing."
    )
    assert "Debian packages not installed" not in message
    assert "apt-get install" not in message


def test_python_message_on_debian_and_elsewhere() -> None:
    debian = sl.python_message(
        DEBIAN_USER,
        modules=["ensurepip"],
        executable="/usr/bin/python3.11",
        package="python3.11-venv",
    )
    assert "sudo apt-get install -y python3.11-venv" in debian
    pyenv = sl.python_message(
        DEBIAN_ROOT,
        modules=["ensurepip"],
        executable="/opt/python/bin/python3",
        package="python3.11-venv",
    )
    assert "apt-get" not in pyenv
    assert "built with venv and ensurepip" in pyenv


def test_a_qt_check_lists_what_to_install_once() -> None:
    found = sl.QtCheck(
        packages=["libxcb-icccm4"],
        sonames=sl.packages_for_sonames(["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]),
        commands=[],
    )
    assert not found.ok
    assert found.to_install() == ["libxcb-icccm4", "libxcb-keysyms1"]
    assert sl.QtCheck(packages=[], sonames={}, commands=[]).ok


def test_the_script_needs_nothing_but_the_standard_library() -> None:
    imported = {
        line.split()[1].split(".")[0]
        for line in SCRIPT.read_text(encoding="utf-8").splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


# ------------------------------------------------- the flow, with fakes for the programs


class FakeSystem:
    """Stands in for dpkg-query, ldd and apt-get: apt-get "installs" into ``installed``."""

    def __init__(self, installed: set[str], missing_sonames: dict[str, str]) -> None:
        self.installed = installed
        self.missing_sonames = missing_sonames  # soname -> package that brings it
        self.apt_calls: list[list[str]] = []

    def query_installed(self, packages: object) -> set[str]:
        return set(self.installed)

    def ldd_not_found(self, files: object) -> list[str]:
        return sorted(s for s, pkg in self.missing_sonames.items() if pkg not in self.installed)

    def apt_install(self, packages: list[str], *, needed_by: str) -> bool:
        self.apt_calls.append(list(packages))
        self.installed.update(packages)
        return True


@pytest.fixture
def qt_dir(tmp_path: Path) -> Path:
    qt = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "PySide6" / "Qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (qt / "plugins" / "platforms" / "libqxcb.so").touch()
    return qt


def _use(monkeypatch: pytest.MonkeyPatch, fake: FakeSystem, host: object) -> None:
    monkeypatch.setattr(sl, "detect_host", lambda: host)
    monkeypatch.setattr(sl, "query_installed", fake.query_installed)
    monkeypatch.setattr(sl, "ldd_not_found", fake.ldd_not_found)
    monkeypatch.setattr(sl, "apt_install", fake.apt_install)


def test_nothing_missing_means_no_apt_get_and_no_output(
    monkeypatch: pytest.MonkeyPatch, qt_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeSystem(set(sl.packages_for_mode("window")), {})
    _use(monkeypatch, fake, DEBIAN_ROOT)
    assert sl.main(["window", "--venv", str(qt_dir.parents[4])]) == 0
    assert fake.apt_calls == []
    assert capsys.readouterr() == ("", "")


def test_root_on_debian_installs_what_dpkg_and_ldd_found_missing_in_one_go(
    monkeypatch: pytest.MonkeyPatch, qt_dir: Path
) -> None:
    wanted = set(sl.packages_for_mode("window"))
    fake = FakeSystem(wanted - {"libxcb-icccm4"}, {"libxcb-newthing.so.2": "libxcb-newthing2"})
    _use(monkeypatch, fake, DEBIAN_ROOT)
    assert sl.main(["window", "--venv", str(qt_dir.parents[4])]) == 0
    assert fake.apt_calls == [["libxcb-icccm4", "libxcb-newthing2"]]


def test_a_user_without_root_is_told_and_nothing_is_installed(
    monkeypatch: pytest.MonkeyPatch, qt_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeSystem(set(), {"libxcb-cursor.so.0": "libxcb-cursor0"})
    _use(monkeypatch, fake, DEBIAN_USER)
    assert sl.main(["window", "--venv", str(qt_dir.parents[4])]) == 1
    assert fake.apt_calls == []
    assert "sudo apt-get install" in capsys.readouterr().err


def test_root_is_told_when_apt_get_could_not_help(
    monkeypatch: pytest.MonkeyPatch, qt_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeSystem(set(sl.packages_for_mode("offscreen")), {"libodd.so.1": "libodd1"})
    _use(monkeypatch, fake, DEBIAN_ROOT)
    # ldd keeps saying the library is missing, whatever apt-get does.
    monkeypatch.setattr(sl, "ldd_not_found", lambda files: ["libodd.so.1"])
    assert sl.main(["offscreen", "--venv", str(qt_dir.parents[4])]) == 1
    assert fake.apt_calls == [["libodd1"]]
    assert "Libraries Qt cannot load: libodd.so.1" in capsys.readouterr().err


OPTIONAL = set(sl.OPTIONAL_PACKAGES["offscreen"])


def test_root_on_debian_also_installs_the_optional_packages_apart(
    monkeypatch: pytest.MonkeyPatch, qt_dir: Path
) -> None:
    fake = FakeSystem(set(sl.packages_for_mode("offscreen")) - {"poppler-utils"}, {})
    _use(monkeypatch, fake, DEBIAN_ROOT)
    assert sl.main(["offscreen", "--venv", str(qt_dir.parents[4])]) == 0
    # Apart: a failure to get an optional package must not cost a required one.
    assert fake.apt_calls == [["poppler-utils"], sorted(OPTIONAL)]


def test_optional_packages_are_never_asked_for_and_never_fail_the_check(
    monkeypatch: pytest.MonkeyPatch, qt_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeSystem(set(sl.packages_for_mode("offscreen")), {})
    _use(monkeypatch, fake, DEBIAN_USER)
    assert sl.main(["offscreen", "--venv", str(qt_dir.parents[4])]) == 0
    assert fake.apt_calls == []
    assert capsys.readouterr() == ("", "")

    _use(monkeypatch, fake, DEBIAN_ROOT)
    monkeypatch.setattr(sl, "apt_install", lambda packages, *, needed_by: False)
    assert sl.main(["offscreen", "--venv", str(qt_dir.parents[4])]) == 0
    assert "carrying on without libreoffice-calc-nogui" in capsys.readouterr().err


def test_a_window_needs_no_optional_packages(monkeypatch: pytest.MonkeyPatch, qt_dir: Path) -> None:
    fake = FakeSystem(set(sl.packages_for_mode("window")), {})
    _use(monkeypatch, fake, DEBIAN_ROOT)
    assert sl.main(["window", "--venv", str(qt_dir.parents[4])]) == 0
    assert fake.apt_calls == []


def test_the_python_check_installs_the_versioned_venv_package_for_debians_python(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeSystem(set(), {})
    _use(monkeypatch, fake, DEBIAN_ROOT)
    monkeypatch.setattr(sl, "is_system_python", lambda executable: True)
    package = f"python3.{sys.version_info.minor}-venv"
    monkeypatch.setattr(sl, "module_available", lambda name: package in fake.installed)
    assert sl.main(["python"]) == 0
    assert fake.apt_calls == [[package]]
