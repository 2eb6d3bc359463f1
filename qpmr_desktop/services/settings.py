"""Database settings: what belongs to the council's database, declared once.

A setting here travels with the database: everyone who opens it shares it
(the council's name and logo on the papers, the day actions are judged on).
What belongs to one person on one computer — "my name" for "my actions",
window layout, recent files — is a preference kept by the UI
(``ui.settings``), never here.

Contract:

- Every setting is declared once in this module, as Picard declares its
  options: a key, a kind (``SettingKind``), a default, a title and a
  description. ``SETTINGS`` lists them in the order a settings dialog shows
  them; ``setting_for_key`` finds one by key. A key is stored in the
  ``setting`` table only once someone sets it; until then the default
  applies.
- The declared settings: ``COUNCIL_NAME`` (default "": a new database has no
  council until someone names it; the demo names its own), ``COUNCIL_LOGO``
  (a PNG or JPEG file, a path relative to the database's folder or absolute;
  default "" for none; a file that is there must begin as a PNG or JPEG
  does, whatever its name, and a folder is refused) and ``ACTIONS_AS_AT``
  (the day actions are judged overdue on; default None for today — the
  demo's plans date from 2017, so judged today every unfinished action would
  read overdue).
- ``get_setting`` returns the typed value (``str``, or ``date | None``). A
  stored value that does not parse as its kind (a database edited by hand)
  reads as the default, with a warning logged, so one bad row never stops
  the app.
- ``set_setting`` validates (``ValidationError`` with the problems), checks
  the version the caller saw (``expected_version`` None when no value is
  stored; otherwise ``ConflictError`` if it moved), writes, and audits in the
  same transaction. ``reset_setting`` removes the stored value so the default
  applies again. Both return a ``SettingChange``. Setting the value already
  stored is a no-op: nothing written, version kept.
- Undo: the inverse of a ``set_setting`` that stored a first value is
  ``reset_setting(expected_version=c.version)``; of one that changed a value,
  ``set_setting(value=c.before["value"], expected_version=c.version)``; of a
  ``reset_setting``, ``set_setting(value=c.before["value"],
  expected_version=None)``. ``revert_setting_change`` makes that call.
- Settings have no numeric id: their audit entries have table "setting",
  ``row_id`` 0, and name the key in ``details["key"]``.
- ``effective_today`` is the day every "overdue" is judged on: the
  ``ACTIONS_AS_AT`` date when set, else the clock's local calendar day (a
  council's day turns at its midnight, not UTC's).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from abc import ABC, abstractmethod
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar, Final, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col

from qpmr_desktop.services.audit import Clock, field_changes, record_audit, utc_now
from qpmr_desktop.services.errors import ConflictError, ValidationError
from qpmr_desktop.services.read_models import (
    ChangeKind,
    FieldProblem,
    SettingChange,
    SettingKind,
    SettingRow,
    Severity,
)
from qpmr_desktop.services.workspace import Workspace
from qpmr_desktop.storage.tables import Setting

__all__ = [
    "ACTIONS_AS_AT",
    "COUNCIL_LOGO",
    "COUNCIL_NAME",
    "SETTINGS",
    "DateSetting",
    "ImagePathSetting",
    "SettingSpec",
    "TextSetting",
    "council_logo_path",
    "effective_today",
    "get_setting",
    "list_settings",
    "reset_setting",
    "revert_setting_change",
    "set_setting",
    "setting_for_key",
    "validate_setting",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_TEXT_LENGTH: Final = 200
#: What ReportLab prints without extra libraries.
IMAGE_SUFFIXES: Final = (".png", ".jpg", ".jpeg")
# How PNG and JPEG files begin, whatever they are called.
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE: Final = b"\xff\xd8\xff"
_AUDIT_ROW_ID: Final = 0  # settings are keyed by name, not by a numeric id
_SAVED_NOT = "your change was not saved"


class _InvalidError(ValueError):
    """A value a setting refuses; the message is for a person."""


@dataclasses.dataclass(frozen=True, slots=True)
class SettingSpec(ABC, Generic[T]):
    """One declared setting: key, default, title and description; its kind says how it is typed."""

    key: str
    title: str
    description: str
    default: T
    kind: ClassVar[SettingKind]

    @abstractmethod
    def clean(self, value: object) -> T:
        """``value`` as stored; ``_InvalidError`` with a sentence when it cannot be."""

    @abstractmethod
    def encode(self, value: T) -> str:
        """The text stored for a clean value."""

    @abstractmethod
    def decode(self, text: str) -> T:
        """The value of stored text; ``ValueError`` if it is not one."""

    def warnings(self, value: T, *, database_folder: Path) -> list[str]:  # noqa: ARG002 - a hook
        """Sentences worth showing about a valid value (saved all the same)."""
        return []

    def file_errors(self, value: T, *, database_folder: Path) -> list[str]:  # noqa: ARG002 - a hook
        """Sentences refusing a well-formed value for what it names on disk."""
        return []


@dataclasses.dataclass(frozen=True, slots=True)
class TextSetting(SettingSpec[str]):
    """A single line of text, stored without surrounding spaces."""

    kind: ClassVar[SettingKind] = SettingKind.TEXT

    def clean(self, value: object) -> str:
        if not isinstance(value, str):
            raise _InvalidError(f"{self.title} must be text.")
        text = value.strip()
        if any(character in text for character in "\r\n\t"):
            raise _InvalidError(f"{self.title} must be a single line.")
        if len(text) > MAX_TEXT_LENGTH:
            raise _InvalidError(f"{self.title} must be at most {MAX_TEXT_LENGTH} characters.")
        return text

    def encode(self, value: str) -> str:
        return value

    def decode(self, text: str) -> str:
        return text


@dataclasses.dataclass(frozen=True, slots=True)
class ImagePathSetting(TextSetting):
    """A PNG or JPEG file, "" for none; relative paths are relative to the database's folder."""

    kind: ClassVar[SettingKind] = SettingKind.IMAGE_PATH

    def clean(self, value: object) -> str:
        text = TextSetting.clean(self, value)
        if text and Path(text).suffix.lower() not in IMAGE_SUFFIXES:
            raise _InvalidError(f"{self.title} must be a PNG or JPEG file (.png, .jpg, .jpeg).")
        return text

    def warnings(self, value: str, *, database_folder: Path) -> list[str]:
        # Saved even so: on a shared database the file may sit on a share that
        # this computer has not mounted right now.
        path = _resolve(value, database_folder)
        if value and not path.is_file() and not path.is_dir():
            return [f"There is no file {value} (yet); until there is, papers print no logo."]
        return []

    def file_errors(self, value: str, *, database_folder: Path) -> list[str]:
        # A file that is there is judged by its first bytes, not its name: a
        # renamed document would otherwise be taken and silently left off
        # every paper (the printer drops a logo it cannot read).
        if not value:
            return []
        path = _resolve(value, database_folder)
        if path.is_dir():
            return [f"{self.title}: {value} is a folder, not an image file."]
        if not path.is_file():
            return []
        try:
            with path.open("rb") as file:
                head = file.read(len(_PNG_SIGNATURE))
        except OSError as error:
            return [f"{self.title}: {value} cannot be read ({error.strerror or error})."]
        if not head.startswith((_PNG_SIGNATURE, _JPEG_SIGNATURE)):
            message = (
                f"{self.title}: {value} is not a PNG or JPEG image (its contents are not, "
                "whatever its name); choose an image file."
            )
            return [message]
        return []


@dataclasses.dataclass(frozen=True, slots=True)
class DateSetting(SettingSpec[dt.date | None]):
    """A day, or none; stored as ISO 8601 ("2017-11-13"), "" for none."""

    kind: ClassVar[SettingKind] = SettingKind.DATE

    def clean(self, value: object) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass  # reported below, with the other wrong types
        raise _InvalidError(f"{self.title} must be a date such as 2017-11-13, or empty.")

    def encode(self, value: dt.date | None) -> str:
        return "" if value is None else value.isoformat()

    def decode(self, text: str) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None


COUNCIL_NAME: Final = TextSetting(
    key="council.name",
    title="Council name",
    description="Printed on the cover and in the header of every paper.",
    default="",
)
COUNCIL_LOGO: Final = ImagePathSetting(
    key="council.logo",
    title="Council logo",
    description=(
        "A PNG or JPEG file printed beside the council's name: a path relative to the "
        "database's folder, or a full path. Empty for no logo."
    ),
    default="",
)
ACTIONS_AS_AT: Final = DateSetting(
    key="actions.as_at",
    title="Judge actions as at",
    description=(
        "The day on which actions are judged overdue, for reporting as at a date. Empty for today."
    ),
    default=None,
)

#: Every database setting, in the order a settings dialog shows them.
SETTINGS: Final[tuple[SettingSpec[Any], ...]] = (COUNCIL_NAME, COUNCIL_LOGO, ACTIONS_AS_AT)
_BY_KEY: Final = MappingProxyType({setting.key: setting for setting in SETTINGS})
if len(_BY_KEY) != len(SETTINGS):  # pragma: no cover - a declaration mistake, caught on import
    raise RuntimeError("Two database settings share a key.")


def setting_for_key(key: str) -> SettingSpec[Any]:
    """The declared setting with ``key``; ``KeyError`` naming it when there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"There is no database setting {key!r}.") from None


# ------------------------------------------------------------------ reading


def _stored(session: Session, key: str) -> sa.Row[*tuple[Any, ...]] | None:
    query = sa.select(col(Setting.value), col(Setting.version)).where(col(Setting.key) == key)
    return session.connection().execute(query).first()


def _decoded(setting: SettingSpec[T], text: str) -> T:
    try:
        return setting.decode(text)
    except ValueError:
        logger.warning(
            "The database setting %s holds %r, which is not a valid %s; using the default.",
            setting.key,
            text,
            setting.kind.value,
        )
        return setting.default


def get_setting(*, workspace: Workspace, setting: SettingSpec[T]) -> T:
    """The setting's value: the stored one, else its default (see the module contract)."""
    with workspace.database.session() as session:
        row = _stored(session, setting.key)
    return setting.default if row is None else _decoded(setting, row.value)


def list_settings(*, workspace: Workspace) -> list[SettingRow]:
    """Every declared setting with its value, in ``SETTINGS`` order; unknown keys are ignored."""
    query = sa.select(col(Setting.key), col(Setting.value), col(Setting.version))
    with workspace.database.session() as session:
        stored = {row.key: row for row in session.connection().execute(query)}
    rows = []
    for setting in SETTINGS:
        row = stored.get(setting.key)
        value = setting.default if row is None else _decoded(setting, row.value)
        rows.append(
            SettingRow(
                key=setting.key,
                kind=setting.kind,
                title=setting.title,
                description=setting.description,
                value=value,
                text=setting.encode(value),
                is_default=row is None,
                version=None if row is None else row.version,
            )
        )
    return rows


def effective_today(*, workspace: Workspace, clock: Clock = utc_now) -> dt.date:
    """The day actions are judged on: ``ACTIONS_AS_AT`` when set, else today where the app runs."""
    as_at = get_setting(workspace=workspace, setting=ACTIONS_AS_AT)
    if as_at is not None:
        return as_at
    return clock().astimezone().date()


def council_logo_path(*, workspace: Workspace) -> Path | None:
    """The logo file to print, resolved against the database's folder; None when unset or gone."""
    value = get_setting(workspace=workspace, setting=COUNCIL_LOGO)
    if not value:
        return None
    path = _resolve(value, workspace.path.parent)
    return path if path.is_file() else None


def _resolve(value: str, folder: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else folder / path


# ------------------------------------------------------------------ validating and writing


def _check(
    setting: SettingSpec[T], value: object, folder: Path
) -> tuple[T | None, list[FieldProblem]]:
    try:
        cleaned = setting.clean(value)
    except _InvalidError as error:
        return None, [FieldProblem(field=setting.key, message=str(error))]
    refused = setting.file_errors(cleaned, database_folder=folder)
    if refused:
        return None, [FieldProblem(field=setting.key, message=message) for message in refused]
    problems = [
        FieldProblem(field=setting.key, message=message, severity=Severity.WARNING)
        for message in setting.warnings(cleaned, database_folder=folder)
    ]
    return cleaned, problems


def validate_setting(
    *, workspace: Workspace, setting: SettingSpec[Any], value: object
) -> list[FieldProblem]:
    """Every problem with ``value`` for ``setting`` (errors refuse it; warnings do not)."""
    _, problems = _check(setting, value, workspace.path.parent)
    return problems


def set_setting(
    *,
    workspace: Workspace,
    setting: SettingSpec[Any],
    value: object,
    expected_version: int | None,
    clock: Clock = utc_now,
) -> SettingChange:
    """Store ``value`` for ``setting``; see the module contract for versions and undo."""
    cleaned, problems = _check(setting, value, workspace.path.parent)
    if any(problem.severity is Severity.ERROR for problem in problems):
        raise ValidationError(setting.title, problems)
    text = setting.encode(cleaned)
    with workspace.database.session() as session:
        row = _stored(session, setting.key)
        _check_presence(setting, row, expected_version)
        connection = session.connection()
        if row is None:
            before: dict[str, object] = {}
            try:
                connection.execute(
                    sa.insert(Setting).values(key=setting.key, value=text, version=1)
                )
            except sa.exc.IntegrityError as error:
                # Seen absent in this transaction; only a concurrent writer on a
                # server database gets here.
                raise _conflict(setting, None, None, appeared=True) from error
            version = 1
            kind = ChangeKind.CREATE
        else:
            old = _decoded(setting, row.value)
            if row.value == text:
                return SettingChange(
                    kind=ChangeKind.UPDATE,
                    key=setting.key,
                    version=row.version,
                    before=MappingProxyType({}),
                    after=MappingProxyType({}),
                )
            before = {"value": old}
            assert expected_version is not None  # _check_presence saw to it
            result = connection.execute(
                sa.update(Setting)
                .where(col(Setting.key) == setting.key, col(Setting.version) == expected_version)
                .values(value=text, version=col(Setting.version) + 1)
            )
            if result.rowcount != 1:
                raise _conflict(setting, expected_version, _version_now(session, setting.key))
            version = expected_version + 1
            kind = ChangeKind.UPDATE
        after = {"value": cleaned}
        _audit(
            session,
            workspace=workspace,
            setting=setting,
            kind=kind,
            before=before,
            after=after,
            clock=clock,
        )
    return SettingChange(
        kind=kind,
        key=setting.key,
        version=version,
        before=MappingProxyType(before),
        after=MappingProxyType(after),
    )


def reset_setting(
    *,
    workspace: Workspace,
    setting: SettingSpec[Any],
    expected_version: int,
    clock: Clock = utc_now,
) -> SettingChange:
    """Remove the stored value so that the default applies again.

    Inverse: ``set_setting(value=c.before["value"], expected_version=None)``.
    """
    with workspace.database.session() as session:
        row = _stored(session, setting.key)
        _check_presence(setting, row, expected_version)
        assert row is not None  # _check_presence saw to it
        before = {"value": _decoded(setting, row.value)}
        result = session.connection().execute(
            sa.delete(Setting).where(
                col(Setting.key) == setting.key, col(Setting.version) == expected_version
            )
        )
        if result.rowcount != 1:
            raise _conflict(setting, expected_version, _version_now(session, setting.key))
        _audit(
            session,
            workspace=workspace,
            setting=setting,
            kind=ChangeKind.DELETE,
            before=before,
            after={},
            clock=clock,
        )
    return SettingChange(
        kind=ChangeKind.DELETE,
        key=setting.key,
        version=None,
        before=MappingProxyType(before),
        after=MappingProxyType({}),
    )


def revert_setting_change(
    *,
    workspace: Workspace,
    change: SettingChange,
    expected_version: int | None = None,
    clock: Clock = utc_now,
) -> SettingChange:
    """Apply the inverse of ``change`` (see the module contract); its change.

    ``expected_version`` is the stored row's version now when something has
    changed it since; by default ``change.version``.
    """
    if not change.changed:
        return change  # a no-op is its own inverse
    setting = setting_for_key(change.key)
    version = change.version if expected_version is None else expected_version
    if change.kind is ChangeKind.DELETE:
        return set_setting(
            workspace=workspace,
            setting=setting,
            value=change.before["value"],
            expected_version=None,
            clock=clock,
        )
    if version is None:
        raise ValueError("This change removed its value: say which version to expect.")
    if change.kind is ChangeKind.CREATE:
        return reset_setting(
            workspace=workspace, setting=setting, expected_version=version, clock=clock
        )
    return set_setting(
        workspace=workspace,
        setting=setting,
        value=change.before["value"],
        expected_version=version,
        clock=clock,
    )


def _check_presence(
    setting: SettingSpec[Any], row: sa.Row[*tuple[Any, ...]] | None, expected_version: int | None
) -> None:
    if row is None:
        if expected_version is not None:
            raise _conflict(setting, expected_version, None)
    elif expected_version is None:
        raise _conflict(setting, None, row.version, appeared=True)
    elif row.version != expected_version:
        raise _conflict(setting, expected_version, row.version)


def _version_now(session: Session, key: str) -> int | None:
    row = _stored(session, key)
    return None if row is None else int(row.version)


def _conflict(
    setting: SettingSpec[Any],
    expected: int | None,
    actual: int | None,
    *,
    appeared: bool = False,
) -> ConflictError:
    if appeared:
        message = (
            f"Someone else set “{setting.title}” since you opened the settings; {_SAVED_NOT}. "
            "Reload to see theirs."
        )
    elif actual is None:
        message = (
            f"Someone else cleared “{setting.title}” since you opened the settings; "
            f"{_SAVED_NOT}. Reload to see the current settings."
        )
    else:
        message = (
            f"Someone else changed “{setting.title}” since you opened the settings; "
            f"{_SAVED_NOT}. Reload to see theirs."
        )
    return ConflictError(
        message,
        table=Setting.__tablename__,
        row_id=None,
        expected_version=expected,
        actual_version=actual,
    )


def _audit(
    session: Session,
    *,
    workspace: Workspace,
    setting: SettingSpec[Any],
    kind: ChangeKind,
    before: dict[str, object],
    after: dict[str, object],
    clock: Clock,
) -> None:
    record_audit(
        session,
        who=workspace.user,
        table=Setting.__tablename__,
        row_id=_AUDIT_ROW_ID,
        change=kind.value,
        details={"key": setting.key, "fields": field_changes(before, after)},
        clock=clock,
    )
