"""What the app remembers between runs, declared once: recent databases and window state.

Contract: QSettings is the store (the application and organisation names set
in ``app.run_gui`` choose the file). Saved window state (geometry, splitter
positions, column widths and sort order) lives under ``window_state/`` and the
recent-databases list under ``recent/``, apart from the user's preferences
(``preferences/``), so resetting the layout can never lose a preference.
Every key is named here and nowhere else.

``Preferences`` holds typed preference values by name under
``preferences/``: text, a list of texts, and yes/no. A value stored with the
wrong type (an edited ini file) reads as the default, never as an error.

``MY_NAME_KEY`` is the person's own name as action plans write it, for the
Actions tab's "my actions" filter (a per-user preference, never a database
setting: the same database is shared by many people); ``Preferences.my_name``
reads it, falling back to the operating system's user name until it is set.
``UPDATE_FORMS_EXPORT_FOLDER_KEY`` and ``UPDATE_FORMS_IMPORT_FOLDER_KEY`` keep
the folders update forms last went to and came from.
"""

from __future__ import annotations

import getpass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

RECENT_DATABASES_KEY = "recent/databases"
WINDOW_STATE_GROUP = "window_state"
PREFERENCES_GROUP = "preferences"
MAX_RECENT = 8
#: The person's own name, as leads are named in action plans ("my actions").
MY_NAME_KEY = "actions/my_name"
#: The folders update forms were last exported to and imported from (offered next time).
UPDATE_FORMS_EXPORT_FOLDER_KEY = "update_forms/export_folder"
UPDATE_FORMS_IMPORT_FOLDER_KEY = "update_forms/import_folder"


def os_user_name() -> str:
    """The operating system's name for the person running the app; "" when it has none."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment (a bare container)
        return ""


class RecentDatabases:
    """The databases opened most recently, newest first, as absolute paths."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    def paths(self) -> list[Path]:
        stored = self._settings.value(RECENT_DATABASES_KEY, [], type=list)
        if not isinstance(stored, list):  # an ini file may hold a single path as text
            stored = [stored] if stored else []
        return [Path(str(text)) for text in stored if text]

    def existing(self) -> list[Path]:
        return [path for path in self.paths() if path.is_file()]

    def last_existing(self) -> Path | None:
        """The newest database that is still there, or None."""
        existing = self.existing()
        return existing[0] if existing else None

    def add(self, path: Path) -> None:
        path = path.resolve()
        paths = [path, *(p for p in self.paths() if p != path)][:MAX_RECENT]
        self._store(paths)

    def remove(self, path: Path) -> None:
        path = path.resolve()
        self._store([p for p in self.paths() if p != path])

    def clear(self) -> None:
        self._store([])

    def _store(self, paths: list[Path]) -> None:
        self._settings.setValue(RECENT_DATABASES_KEY, [str(p) for p in paths])
        self._settings.sync()


class WindowState:
    """Saved layout blobs (``saveGeometry``/``saveState`` results) by name."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    def load(self, name: str) -> QByteArray | None:
        value = self._settings.value(f"{WINDOW_STATE_GROUP}/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save(self, name: str, blob: QByteArray) -> None:
        self._settings.setValue(f"{WINDOW_STATE_GROUP}/{name}", blob)

    def load_text(self, name: str) -> str | None:
        value = self._settings.value(f"{WINDOW_STATE_GROUP}/{name}")
        return value if isinstance(value, str) else None

    def save_text(self, name: str, text: str) -> None:
        self._settings.setValue(f"{WINDOW_STATE_GROUP}/{name}", text)

    def sync(self) -> None:
        self._settings.sync()


class Preferences:
    """The user's choices that outlive a run (the Indicators filter, …), by name."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    def text(self, name: str, default: str = "") -> str:
        value = self._settings.value(self._key(name))
        return value if isinstance(value, str) else default

    def set_text(self, name: str, text: str) -> None:
        self._settings.setValue(self._key(name), text)

    def texts(self, name: str) -> list[str]:
        value = self._settings.value(self._key(name))
        if isinstance(value, str):  # an ini file gives a one-item list back as its item
            return [value] if value else []
        if isinstance(value, list):
            return [item for item in value if isinstance(item, str)]
        return []

    def set_texts(self, name: str, texts: list[str]) -> None:
        self._settings.setValue(self._key(name), list(texts))

    def flag(self, name: str, *, default: bool = False) -> bool:
        value = self._settings.value(self._key(name))
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in {"true", "false"}:  # how ini files keep booleans
            return value == "true"
        return default

    def set_flag(self, name: str, *, value: bool) -> None:
        self._settings.setValue(self._key(name), value)

    def sync(self) -> None:
        self._settings.sync()

    def my_name(self) -> str:
        """The name "my actions" matches: as set, else the operating system's user name."""
        name = " ".join(self.text(MY_NAME_KEY).split())
        return name or os_user_name()

    def set_my_name(self, name: str) -> None:
        """Keep ``name`` (spacing tidied) as the person's own name; "" goes back to the default."""
        self.set_text(MY_NAME_KEY, " ".join(name.split()))
        self.sync()

    @staticmethod
    def _key(name: str) -> str:
        return f"{PREFERENCES_GROUP}/{name}"


#: The standard phrases the minutes editor offers as completions, one list per
#: kind of point: ``minutes/standard_phrases/<kind>`` (a list of texts), where
#: "…" marks where the cursor goes once a phrase is chosen.
STANDARD_PHRASES_KEY = "minutes/standard_phrases"
DEFAULT_STANDARD_PHRASES: dict[str, tuple[str, ...]] = {
    "presented": ("A report was presented by…", "A presentation was given by…"),
    "noted": ("It was noted that…", "The Committee noted that…"),
    "reported": ("It was reported that…", "It was further reported that…"),
    "discussion": ("Members discussed…", "In response to a question, it was reported that…"),
    "other": ("Resolved: That … be noted.",),
}


def standard_phrases(preferences: Preferences, kind: str) -> list[str]:
    """The phrases offered for points of ``kind`` (a ``PointKind`` value).

    As the person set them, else the defaults.
    """
    stored = preferences.texts(f"{STANDARD_PHRASES_KEY}/{kind}")
    return stored or list(DEFAULT_STANDARD_PHRASES.get(kind, ()))


def set_standard_phrases(preferences: Preferences, kind: str, phrases: list[str]) -> None:
    """Keep ``phrases`` for ``kind``; an empty list goes back to the defaults."""
    preferences.set_texts(f"{STANDARD_PHRASES_KEY}/{kind}", [p for p in phrases if p.strip()])
    preferences.sync()
