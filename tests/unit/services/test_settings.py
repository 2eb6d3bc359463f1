"""Database settings (``services.settings``): declared once, typed, validated, audited, undoable."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qpmr_desktop.services.audit import list_audit
from qpmr_desktop.services.errors import ConflictError, ValidationError
from qpmr_desktop.services.read_models import ChangeKind, SettingKind, Severity
from qpmr_desktop.services.settings import (
    ACTIONS_AS_AT,
    COUNCIL_LOGO,
    COUNCIL_NAME,
    SETTINGS,
    SettingSpec,
    council_logo_path,
    effective_today,
    get_setting,
    list_settings,
    reset_setting,
    revert_setting_change,
    set_setting,
    setting_for_key,
    validate_setting,
)
from qpmr_desktop.services.workspace import Workspace, open_workspace
from qpmr_desktop.storage.tables import Setting

AUTHOR = "Jo Clerk"
COUNCIL = "Lancashire County Council"


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "settings.qpmr", create=True, user=AUTHOR)
    yield workspace
    workspace.close()


def test_every_setting_is_declared_once_with_a_title() -> None:
    keys = [setting.key for setting in SETTINGS]
    assert keys == ["council.name", "council.logo", "actions.as_at"]
    assert len(set(keys)) == len(keys)
    assert all(setting.title and setting.description for setting in SETTINGS)
    assert setting_for_key("actions.as_at") is ACTIONS_AS_AT
    with pytest.raises(KeyError, match=r"no database setting 'my\.name'"):
        setting_for_key("my.name")  # a per-user preference: not a database setting


def test_a_new_database_has_the_defaults(workspace: Workspace) -> None:
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == ""
    assert get_setting(workspace=workspace, setting=COUNCIL_LOGO) == ""
    assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) is None
    rows = list_settings(workspace=workspace)
    assert [(row.key, row.kind, row.is_default, row.version) for row in rows] == [
        ("council.name", SettingKind.TEXT, True, None),
        ("council.logo", SettingKind.IMAGE_PATH, True, None),
        ("actions.as_at", SettingKind.DATE, True, None),
    ]


def test_values_are_typed_stored_and_audited(workspace: Workspace) -> None:
    at = dt.datetime(2017, 9, 12, 14, 0, tzinfo=dt.UTC)

    name = set_setting(
        workspace=workspace,
        setting=COUNCIL_NAME,
        value=f"  {COUNCIL}  ",
        expected_version=None,
        clock=lambda: at,
    )
    as_at = set_setting(
        workspace=workspace, setting=ACTIONS_AS_AT, value="2017-11-13", expected_version=None
    )

    assert (name.kind, name.version, dict(name.after)) == (
        ChangeKind.CREATE,
        1,
        {"value": COUNCIL},
    )
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == COUNCIL
    assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) == dt.date(2017, 11, 13)
    assert as_at.after["value"] == dt.date(2017, 11, 13)
    by_key = {row.key: row for row in list_settings(workspace=workspace)}
    assert (by_key["actions.as_at"].text, by_key["actions.as_at"].is_default) == (
        "2017-11-13",
        False,
    )
    entry = list_audit(workspace=workspace, table="setting")[0]
    assert (entry.who, entry.at, entry.row_id, entry.change) == (AUTHOR, at, 0, "create")
    assert entry.details == {
        "key": "council.name",
        "fields": {"value": {"old": None, "new": COUNCIL}},
    }


def test_a_change_checks_the_version_and_setting_the_same_value_is_a_no_op(
    workspace: Workspace,
) -> None:
    set_setting(workspace=workspace, setting=COUNCIL_NAME, value="A", expected_version=None)

    changed = set_setting(workspace=workspace, setting=COUNCIL_NAME, value="B", expected_version=1)
    assert (changed.kind, changed.version, dict(changed.before)) == (
        ChangeKind.UPDATE,
        2,
        {"value": "A"},
    )
    same = set_setting(workspace=workspace, setting=COUNCIL_NAME, value=" B ", expected_version=2)
    assert (same.changed, same.version) == (False, 2)

    with pytest.raises(ConflictError, match="Someone else changed “Council name”") as caught:
        set_setting(workspace=workspace, setting=COUNCIL_NAME, value="C", expected_version=1)
    assert (caught.value.expected_version, caught.value.actual_version) == (1, 2)
    with pytest.raises(ConflictError, match="Someone else set “Council name”"):
        set_setting(workspace=workspace, setting=COUNCIL_NAME, value="C", expected_version=None)
    with pytest.raises(ConflictError, match="Someone else cleared “Judge actions as at”"):
        set_setting(workspace=workspace, setting=ACTIONS_AS_AT, value=None, expected_version=3)
    assert get_setting(workspace=workspace, setting=COUNCIL_NAME) == "B"


@pytest.mark.parametrize(
    ("setting", "value", "fragment"),
    [
        (COUNCIL_NAME, "Lancashire\nCounty Council", "single line"),
        (COUNCIL_NAME, 42, "must be text"),
        (COUNCIL_NAME, "x" * 201, "at most 200"),
        (COUNCIL_LOGO, "logo.gif", "PNG or JPEG"),
        (ACTIONS_AS_AT, "13/11/2017", "a date such as 2017-11-13"),
        (ACTIONS_AS_AT, dt.datetime(2017, 11, 13, tzinfo=dt.UTC), "a date such as"),
    ],
)
def test_bad_values_are_refused_and_nothing_written(
    workspace: Workspace, setting: SettingSpec[Any], value: object, fragment: str
) -> None:
    (problem,) = validate_setting(workspace=workspace, setting=setting, value=value)
    assert fragment in problem.message

    with pytest.raises(ValidationError, match=fragment):
        set_setting(workspace=workspace, setting=setting, value=value, expected_version=None)
    assert all(row.is_default for row in list_settings(workspace=workspace))
    assert list_audit(workspace=workspace) == []


def test_a_logo_is_found_beside_the_database_and_a_missing_one_is_a_warning(
    workspace: Workspace,
) -> None:
    (warning,) = validate_setting(workspace=workspace, setting=COUNCIL_LOGO, value="logo.png")
    assert warning.severity is Severity.WARNING
    assert "papers print no logo" in warning.message
    set_setting(workspace=workspace, setting=COUNCIL_LOGO, value="logo.png", expected_version=None)
    assert council_logo_path(workspace=workspace) is None

    logo = workspace.path.parent / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert (
        validate_setting(workspace=workspace, setting=COUNCIL_LOGO, value="LOGO.PNG".lower()) == []
    )
    assert council_logo_path(workspace=workspace) == logo


def test_reset_restores_the_default_and_every_change_is_undone(workspace: Workspace) -> None:
    created = set_setting(
        workspace=workspace,
        setting=ACTIONS_AS_AT,
        value=dt.date(2017, 11, 13),
        expected_version=None,
    )
    changed = set_setting(
        workspace=workspace, setting=ACTIONS_AS_AT, value=dt.date(2017, 12, 31), expected_version=1
    )
    reset = reset_setting(workspace=workspace, setting=ACTIONS_AS_AT, expected_version=2)
    assert (reset.kind, reset.version, dict(reset.before)) == (
        ChangeKind.DELETE,
        None,
        {"value": dt.date(2017, 12, 31)},
    )
    assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) is None

    back = revert_setting_change(workspace=workspace, change=reset)
    assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) == dt.date(2017, 12, 31)
    revert_setting_change(workspace=workspace, change=changed, expected_version=back.version)
    assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) == dt.date(2017, 11, 13)
    version = list_settings(workspace=workspace)[2].version
    undone = revert_setting_change(workspace=workspace, change=created, expected_version=version)
    assert undone.kind is ChangeKind.DELETE
    assert list_settings(workspace=workspace)[2].is_default
    # The undo of the undo is the change again.
    redone = revert_setting_change(workspace=workspace, change=undone)
    assert (redone.kind, get_setting(workspace=workspace, setting=ACTIONS_AS_AT)) == (
        ChangeKind.CREATE,
        dt.date(2017, 11, 13),
    )


def test_actions_are_judged_as_at_the_setting_or_today(workspace: Workspace) -> None:
    # 23:30 UTC on 31 March is already 1 April in a zone ahead of UTC: the
    # local calendar day is what counts, so compare with the same conversion.
    now = dt.datetime(2018, 3, 31, 23, 30, tzinfo=dt.UTC)
    assert effective_today(workspace=workspace, clock=lambda: now) == now.astimezone().date()

    set_setting(
        workspace=workspace,
        setting=ACTIONS_AS_AT,
        value=dt.date(2017, 11, 13),
        expected_version=None,
    )
    assert effective_today(workspace=workspace, clock=lambda: now) == dt.date(2017, 11, 13)


def test_a_stored_value_that_does_not_parse_reads_as_the_default_with_a_warning(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    with workspace.database.session() as session:
        session.add(Setting(key=ACTIONS_AS_AT.key, value="next Tuesday"))
        session.add(Setting(key="from.a.newer.version", value="x"))

    with caplog.at_level(logging.WARNING, logger="qpmr_desktop.services.settings"):
        assert get_setting(workspace=workspace, setting=ACTIONS_AS_AT) is None
    assert "actions.as_at holds 'next Tuesday'" in caplog.text
    assert [row.key for row in list_settings(workspace=workspace)] == [
        setting.key for setting in SETTINGS
    ]
