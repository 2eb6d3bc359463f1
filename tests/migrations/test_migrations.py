"""The Alembic migrations under ``database/`` against the SQLModel tables.

Upgraded to head, a new file has every table of the models and nothing differs
from them (the ``alembic check`` of STYLE.md); downgrading to base removes every
table, and upgrading again works; revision 0002 adds the per-year targets and
its downgrade removes them and nothing else; 0004 adds the kept scorecard and
the triggers that forget a kept row on any write to its indicator, values or
targets, and its downgrade removes them and nothing else; the app's cheap
reading of the revision files agrees with Alembic's own; and ``open_database``
stamps the head revision.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from qpmr_desktop.storage import migrations
from qpmr_desktop.storage.database import open_database

MODEL_TABLES = frozenset(SQLModel.metadata.tables)
# The hand-written full-text index (0003): what database/env.py leaves out of comparisons.
FULL_TEXT_PREFIX = "fts_"
INDEXED_TABLES = ("minute_point", "resolution", "resolution_part", "minute_section", "agenda_item")


def _include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    return not (type_ in {"table", "index"} and name and name.startswith(FULL_TEXT_PREFIX))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(sa.URL.create("sqlite", database=str(tmp_path / "schema.qpmr")))
    yield engine
    engine.dispose()


def _table_names(engine: sa.Engine) -> set[str]:
    """The ordinary tables: the full-text index's own are counted by ``_full_text_objects``."""
    names = sa.inspect(engine).get_table_names()
    return {name for name in names if not name.startswith(FULL_TEXT_PREFIX)}


def _full_text_objects(engine: sa.Engine) -> set[tuple[str, str]]:
    """(type, name) of every schema object named ``fts_…``."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT type, name FROM sqlite_master WHERE name LIKE 'fts!_%' ESCAPE '!'"
        ).all()
    return {(row.type, row.name) for row in rows}


def _expected_full_text_objects() -> set[tuple[str, str]]:
    expected = set()
    for table in INDEXED_TABLES:
        index = f"fts_{table}"
        expected |= {("table", index), ("view", f"fts_source_{table}")}
        expected |= {
            ("table", f"{index}_{shadow}") for shadow in ("data", "idx", "docsize", "config")
        }
        expected |= {("trigger", f"{index}_{event}") for event in ("insert", "delete", "update")}
    return expected


def _upgrade(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        migrations.upgrade_to_head(connection)


def test_upgrade_head_on_a_new_file_creates_every_table(engine: sa.Engine) -> None:
    _upgrade(engine)

    assert MODEL_TABLES  # the tables really are registered
    assert _table_names(engine) == MODEL_TABLES | {migrations.VERSION_TABLE}
    with engine.connect() as connection:
        assert migrations.current_revision(connection) == migrations.head_revision()


def test_models_and_migrations_agree(engine: sa.Engine) -> None:
    _upgrade(engine)

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _include_name}
        )
        differences = compare_metadata(context, SQLModel.metadata)

    assert differences == []


def test_the_comparison_would_see_the_full_text_index_without_the_filter(
    engine: sa.Engine,
) -> None:
    """Why env.py filters: unfiltered, autogenerate would drop the index's tables."""
    _upgrade(engine)

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    removed = {diff[1].name for diff in differences if diff[0] == "remove_table"}
    assert removed
    assert all(name.startswith(FULL_TEXT_PREFIX) for name in removed)


def test_the_comparison_sees_a_missing_table(engine: sa.Engine) -> None:
    """The check above can fail: a table the migrations lack is reported."""
    _upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE audit_entry")

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)

    added = [diff[1].name for diff in differences if diff[0] == "add_table"]
    assert added == ["audit_entry"]


def test_downgrade_to_base_removes_every_table_and_upgrade_works_again(
    engine: sa.Engine,
) -> None:
    _upgrade(engine)

    with engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "base")

    assert _table_names(engine) <= {migrations.VERSION_TABLE}
    assert _full_text_objects(engine) == set()
    with engine.connect() as connection:
        assert migrations.current_revision(connection) is None

    _upgrade(engine)

    assert _table_names(engine) == MODEL_TABLES | {migrations.VERSION_TABLE}


_INDICATOR_AT_0001 = (
    "INSERT INTO indicator (id, ref, name, theme, unit, polarity, frequency, measure_type,"
    " decimals, tolerance, tolerance_kind, lead_service, owner, source, definition, notes,"
    " retired, is_sample, version) VALUES (1, 'CLA-01', 'Children Looked After', 'Start Well',"
    " 'count', 'lower is better', 'quarterly', 'snapshot at period end', 0, 5,"
    " 'percent of target', '', '', '', '', '', 0, 0, 1)"
)


def test_0002_adds_per_year_targets_and_its_downgrade_removes_only_them(
    engine: sa.Engine,
) -> None:
    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), "0001_initial_schema")
        connection.exec_driver_sql(
            "INSERT INTO theme (name, position, version) VALUES ('Start Well', 0, 1)"
        )
        connection.exec_driver_sql(_INDICATOR_AT_0001)
    assert "indicator_target" not in _table_names(engine)

    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), "0002_indicator_targets")

    inspector = sa.inspect(engine)
    assert [column["name"] for column in inspector.get_columns("indicator_target")] == [
        "id",
        "indicator_id",
        "year",
        "target",
        "floor",
        "tolerance",
        "tolerance_kind",
        "version",
    ]
    (foreign_key,) = inspector.get_foreign_keys("indicator_target")
    assert foreign_key["name"] == "fk_indicator_target_indicator_id_indicator"
    assert foreign_key["options"] == {"ondelete": "CASCADE"}
    assert [unique["name"] for unique in inspector.get_unique_constraints("indicator_target")] == [
        "uq_indicator_target_indicator_id_year"
    ]
    assert [index["name"] for index in inspector.get_indexes("indicator_target")] == [
        "ix_indicator_target_indicator_id"
    ]
    insert_target = (
        "INSERT INTO indicator_target (indicator_id, year, target, tolerance_kind, version)"
        " VALUES (1, 2017, 1700, NULL, 1)"
    )
    with engine.begin() as connection:
        connection.exec_driver_sql(insert_target)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.exec_driver_sql(insert_target)  # one row per indicator and year

    with engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0001_initial_schema")

    assert "indicator_target" not in _table_names(engine)
    with engine.connect() as connection:
        assert migrations.current_revision(connection) == "0001_initial_schema"
        refs = connection.exec_driver_sql("SELECT ref FROM indicator").scalars().all()
    assert refs == ["CLA-01"]  # the rest of the data is untouched


def test_an_indicators_targets_go_with_it(tmp_path: Path) -> None:
    """The migrated foreign key deletes a year's targets with their indicator (CASCADE)."""
    database = open_database(tmp_path / "cascade.qpmr", create=True)
    try:
        with database.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO theme (name, position, version) VALUES ('Start Well', 0, 1)"
            )
            connection.exec_driver_sql(_INDICATOR_AT_0001)
            connection.exec_driver_sql(
                "INSERT INTO indicator_target (indicator_id, year, version) VALUES (1, 2017, 1)"
            )
            connection.exec_driver_sql("DELETE FROM indicator WHERE id = 1")
            remaining = connection.exec_driver_sql(
                "SELECT count(*) FROM indicator_target"
            ).scalar_one()
    finally:
        database.close()
    assert remaining == 0


def test_the_cheap_revision_reading_agrees_with_alembic() -> None:
    scripts = ScriptDirectory.from_config(migrations.alembic_config())

    assert migrations.head_revision() == scripts.get_current_head()
    assert migrations.known_revisions() == {script.revision for script in scripts.walk_revisions()}


def test_open_database_stamps_the_head_revision(tmp_path: Path) -> None:
    path = tmp_path / "new.qpmr"

    open_database(path, create=True).close()

    with closing(sqlite3.connect(path)) as connection:
        stamped = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    scripts = ScriptDirectory.from_config(migrations.alembic_config())
    assert stamped == [(scripts.get_current_head(),)]


def test_a_developer_url_is_migrated_online_and_offline(tmp_path: Path) -> None:
    """``env.py`` without a connection: what ``alembic upgrade`` does from alembic.ini."""
    path = tmp_path / "developer.qpmr"
    url = sa.URL.create("sqlite", database=str(path)).render_as_string()
    config = migrations.alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    config.output_buffer = io.StringIO()

    command.upgrade(config, "head", sql=True)
    assert "CREATE TABLE minute_point" in config.output_buffer.getvalue()
    assert not path.exists()  # offline mode only writes SQL

    command.upgrade(config, "head")
    engine = sa.create_engine(url)
    try:
        assert _table_names(engine) == MODEL_TABLES | {migrations.VERSION_TABLE}
    finally:
        engine.dispose()


_MINUTES_AT_0002 = (
    "INSERT INTO committee (id, name, version) VALUES (1, 'Cabinet Committee', 1)",
    (
        "INSERT INTO meeting (id, committee_id, date, venue, status, is_sample, version)"
        " VALUES (1, 1, '2017-09-12', '', 'draft', 0, 1)"
    ),
    (
        "INSERT INTO agenda_item (id, meeting_id, number, title, position, is_sample, version)"
        " VALUES (1, 1, '4', 'Quarterly Performance', 1, 0, 1)"
    ),
    (
        "INSERT INTO minute_section (id, agenda_item_id, heading, position, version)"
        " VALUES (1, 1, 'Start Well', 1, 1)"
    ),
    (
        "INSERT INTO minute_point (id, section_id, kind, text, position, version)"
        " VALUES (1, 1, 'noted', 'The highest ever recorded, said Żółć.', 1, 1)"
    ),
)


def _matches(engine: sa.Engine, index: str, query: str) -> list[int]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            f"SELECT rowid FROM {index} WHERE {index} MATCH ? ORDER BY rowid", (query,)
        ).all()
    return [row[0] for row in rows]


def test_0003_indexes_existing_minutes_and_its_downgrade_removes_only_what_it_added(
    engine: sa.Engine,
) -> None:
    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), "0002_indicator_targets")
        for statement in _MINUTES_AT_0002:
            connection.exec_driver_sql(statement)
    assert _full_text_objects(engine) == set()

    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), "0003_minutes_amendments_and_search")

    assert "minutes_amendment" in _table_names(engine)
    assert _full_text_objects(engine) == _expected_full_text_objects()
    # Rebuilt from the rows already there; "Zolc" finds "Żółć" (ł folded by the view).
    assert _matches(engine, "fts_minute_point", '"highest ever recorded"') == [1]
    assert _matches(engine, "fts_minute_point", "zolc") == [1]
    assert _matches(engine, "fts_minute_section", "start") == [1]
    assert _matches(engine, "fts_agenda_item", "quarterly") == [1]
    # The triggers keep it in step with any writer, raw SQL included.
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE minute_point SET text = 'Łódź' WHERE id = 1")
        connection.exec_driver_sql(
            "INSERT INTO resolution (id, agenda_item_id, label, text, position, version)"
            " VALUES (1, 1, 'Resolved', 'That the report be noted.', 0, 1)"
        )
    assert _matches(engine, "fts_minute_point", "highest") == []
    assert _matches(engine, "fts_minute_point", "lodz") == [1]
    assert _matches(engine, "fts_resolution", "noted") == [1]
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")  # as the app's connections
        connection.exec_driver_sql("DELETE FROM agenda_item WHERE id = 1")  # cascades
        connection.commit()
    assert _matches(engine, "fts_minute_point", "lodz") == []
    assert _matches(engine, "fts_resolution", "noted") == []
    with engine.begin() as connection:
        for index in (f"fts_{table}" for table in INDEXED_TABLES):
            connection.exec_driver_sql(f"INSERT INTO {index}({index}) VALUES ('integrity-check')")

    with engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0002_indicator_targets")

    assert _full_text_objects(engine) == set()
    assert "minutes_amendment" not in _table_names(engine)
    with engine.connect() as connection:
        assert migrations.current_revision(connection) == "0002_indicator_targets"
        venues = connection.exec_driver_sql("SELECT date FROM meeting").scalars().all()
    assert venues == ["2017-09-12"]  # the rest of the data is untouched


def test_0003_keeps_amendments_of_a_meeting(tmp_path: Path) -> None:
    """An amended meeting cannot be deleted; a deleted item leaves its amendments."""
    database = open_database(tmp_path / "amended.qpmr", create=True)
    try:
        with database.engine.begin() as connection:
            for statement in _MINUTES_AT_0002:
                connection.exec_driver_sql(statement)
            connection.exec_driver_sql(
                "INSERT INTO minutes_amendment (meeting_id, agenda_item_id, at, who, reason,"
                " operation, changes) VALUES (1, 1, '2017-10-10 10:00:00', 'clerk',"
                " 'A typo', 'set_point_text', '{}')"
            )
            connection.exec_driver_sql("DELETE FROM agenda_item WHERE id = 1")
            items = connection.exec_driver_sql(
                "SELECT agenda_item_id FROM minutes_amendment"
            ).scalars()
            assert list(items) == [None]
        with pytest.raises(sa.exc.IntegrityError), database.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM meeting WHERE id = 1")
    finally:
        database.close()


def test_0003_offline_sql_writes_the_index() -> None:
    config = migrations.alembic_config()
    config.set_main_option("sqlalchemy.url", "sqlite:///offline.qpmr")
    config.output_buffer = io.StringIO()

    command.upgrade(config, "0002_indicator_targets:0003_minutes_amendments_and_search", sql=True)

    sql = config.output_buffer.getvalue()
    assert "CREATE TABLE minutes_amendment" in sql
    assert "CREATE VIRTUAL TABLE fts_minute_point USING fts5" in sql
    assert "remove_diacritics 2" in sql
    assert "CREATE TRIGGER fts_agenda_item_update" in sql


# ------------------------------------------------------------------ 0004: the kept scorecard

SCORECARD_TRIGGERS = {
    f"scorecard_forget_{table}_{event}"
    for table in ("indicator", "indicator_value", "indicator_target")
    for event in ("insert", "update", "delete", "move")
}
_KEEP_ROW = (
    "INSERT OR REPLACE INTO indicator_scorecard (indicator_id, rules, value_text, target_text,"
    " rag, rag_reason, direction, direction_last_year, direction_text, has_commentary,"
    " is_sample) VALUES ({ident}, 'rules', '', '', 'no data', 'No data', 'not judged',"
    " 'not judged', '', 0, 0)"
)


def _scorecard_triggers(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        names = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            " AND name LIKE 'scorecard!_%' ESCAPE '!'"
        ).scalars()
        return set(names)


def _kept_ids(connection: sa.Connection) -> list[int]:
    query = "SELECT indicator_id FROM indicator_scorecard ORDER BY indicator_id"
    return list(connection.exec_driver_sql(query).scalars())


def test_0004_forgets_a_kept_row_on_any_write_and_its_downgrade_removes_only_it(
    engine: sa.Engine,
) -> None:
    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), "0003_minutes_amendments_and_search")
        connection.exec_driver_sql(
            "INSERT INTO theme (name, position, version) VALUES ('Start Well', 0, 1)"
        )
        connection.exec_driver_sql(_INDICATOR_AT_0001)
        connection.exec_driver_sql(_INDICATOR_AT_0001.replace("(1, 'CLA-01'", "(2, 'CLA-02'"))
    assert _scorecard_triggers(engine) == set()

    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), "0004_indicator_scorecard")

    assert "indicator_scorecard" in _table_names(engine)
    assert _scorecard_triggers(engine) == SCORECARD_TRIGGERS
    (foreign_key,) = sa.inspect(engine).get_foreign_keys("indicator_scorecard")
    assert foreign_key["name"] == "fk_indicator_scorecard_indicator_id_indicator"
    assert foreign_key["options"] == {"ondelete": "CASCADE"}
    value = (
        "INSERT INTO indicator_value (id, indicator_id, year, quarter, value, provisional,"
        " is_sample, commentary, version) VALUES (1, 1, 2017, 1, 1875, 0, 0, '', 1)"
    )
    # Each write, and the kept rows (of indicators 1 and 2) that survive it. This
    # engine's connections leave foreign keys off, as the sqlite3 shell does:
    # the triggers work without them (a theme rename's cascade is in the
    # services' tests).
    writes = [
        (value, [2]),
        ("UPDATE indicator_value SET commentary = 'Up' WHERE id = 1", [2]),
        ("DELETE FROM indicator_value WHERE id = 1", [2]),
        (value, [2]),
        ("UPDATE indicator_value SET indicator_id = 2 WHERE id = 1", []),  # both
        (
            "INSERT INTO indicator_target (id, indicator_id, year, version) VALUES (1, 1, 2017, 1)",
            [2],
        ),
        ("UPDATE indicator_target SET target = 1700 WHERE id = 1", [2]),
        ("DELETE FROM indicator_target WHERE id = 1", [2]),
        ("UPDATE indicator SET notes = 'any column' WHERE id = 1", [2]),
    ]
    for write, survivors in writes:
        with engine.begin() as connection:
            for ident in (1, 2):
                connection.exec_driver_sql(_KEEP_ROW.format(ident=ident))
            connection.exec_driver_sql(write)
            assert _kept_ids(connection) == survivors, write
    with engine.begin() as connection:
        # Foreign keys off (a person's sqlite3 shell): no cascade, the triggers still forget.
        connection.exec_driver_sql(_KEEP_ROW.format(ident=2))
        connection.exec_driver_sql("DELETE FROM indicator WHERE id = 2")
        connection.exec_driver_sql(_KEEP_ROW.format(ident=3))  # an orphan …
        connection.exec_driver_sql(_INDICATOR_AT_0001.replace("(1, 'CLA-01'", "(3, 'CLA-03'"))
        assert _kept_ids(connection) == []  # … forgotten when its id is taken

    with engine.begin() as connection:
        command.downgrade(
            migrations.alembic_config(connection), "0003_minutes_amendments_and_search"
        )

    assert "indicator_scorecard" not in _table_names(engine)
    assert _scorecard_triggers(engine) == set()
    assert _full_text_objects(engine) == _expected_full_text_objects()
    with engine.connect() as connection:
        assert migrations.current_revision(connection) == "0003_minutes_amendments_and_search"
        refs = connection.exec_driver_sql("SELECT ref FROM indicator ORDER BY id").scalars()
        assert list(refs) == ["CLA-01", "CLA-03"]  # the rest of the data is untouched


def test_0004_a_kept_row_goes_with_its_indicator(tmp_path: Path) -> None:
    """The migrated foreign key deletes the kept row with its indicator (CASCADE)."""
    database = open_database(tmp_path / "cascade.qpmr", create=True)
    try:
        with database.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO theme (name, position, version) VALUES ('Start Well', 0, 1)"
            )
            connection.exec_driver_sql(_INDICATOR_AT_0001)
            connection.exec_driver_sql(_KEEP_ROW.format(ident=1))
            connection.exec_driver_sql("DROP TRIGGER scorecard_forget_indicator_delete")
            connection.exec_driver_sql("DELETE FROM indicator WHERE id = 1")
            assert _kept_ids(connection) == []
    finally:
        database.close()


def test_0004_offline_sql_writes_the_triggers() -> None:
    config = migrations.alembic_config()
    config.set_main_option("sqlalchemy.url", "sqlite:///offline.qpmr")
    config.output_buffer = io.StringIO()

    command.upgrade(config, "0003_minutes_amendments_and_search:0004_indicator_scorecard", sql=True)

    sql = config.output_buffer.getvalue()
    assert "CREATE TABLE indicator_scorecard" in sql
    for name in SCORECARD_TRIGGERS:
        assert f"CREATE TRIGGER {name} AFTER" in sql
