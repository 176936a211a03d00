"""Migrations run up and down on SQLite and PostgreSQL, and autogenerate finds no drift."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from invoicer.errors import StorageError
from invoicer.store import migrations
from invoicer.store.database import Database
from invoicer.store.models import Base
from invoicer.store.testing import PostgresUnavailable, temporary_postgres

TABLES = {
    "documents",
    "extractions",
    "fields",
    "line_items",
    "validation_results",
    "vendors",
    "vendor_aliases",
    "audit_log",
    "change_clock",
}
VIEWS = {"invoices_v1", "invoice_lines_v1"}


@pytest.fixture
def postgres_url() -> Iterator[str]:
    try:
        with temporary_postgres(migrate=False) as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))


def _drift(database: Database) -> list[object]:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, Base.metadata))


def _up_down_up(database: Database) -> None:
    assert migrations.current_revision(database) is None
    with pytest.raises(StorageError, match="not set up") as info:
        database.require_schema()
    assert info.value.hint == "run `invoicer db upgrade`"

    migrations.upgrade(database)
    assert migrations.current_revision(database) == migrations.head_revision()
    database.require_schema()
    inspector = inspect(database.engine)
    assert set(inspector.get_table_names()) >= TABLES
    assert set(inspector.get_view_names()) >= VIEWS
    assert _drift(database) == []
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM change_clock")).scalars().all() == [1]
        assert conn.execute(text("SELECT COUNT(*) FROM invoices_v1")).scalar_one() == 0

    migrations.downgrade(database, "base")
    inspector = inspect(database.engine)
    assert not (TABLES | VIEWS) & set(inspector.get_table_names() + inspector.get_view_names())
    assert migrations.current_revision(database) is None

    migrations.upgrade(database)  # and up again from nothing
    assert _drift(database) == []


def test_sqlite_up_down_up_without_drift(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'inv.db'}")
    try:
        _up_down_up(database)
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 30000
    finally:
        database.dispose()


def test_postgres_up_down_up_without_drift(postgres_url: str) -> None:
    database = Database(postgres_url)
    try:
        _up_down_up(database)
        with database.engine.connect() as conn:
            functions = conn.execute(text("SELECT proname FROM pg_proc WHERE proname LIKE 'invoicer_%'")).scalars()
            assert set(functions) == {"invoicer_mark_exported", "invoicer_mark_export_failed", "invoicer_record_export"}
        migrations.downgrade(database, "base")
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM pg_proc WHERE proname LIKE 'invoicer_%'")).scalar_one() == 0
    finally:
        database.dispose()


def test_db_commands(tmp_path: Path) -> None:
    from invoicer.cli import app

    runner = CliRunner()
    env = {"INVOICER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    result = runner.invoke(app, ["db", "current"], env=env)
    assert result.exit_code == 0 and "(empty)" in result.output and "run `invoicer db upgrade`" in result.output
    result = runner.invoke(app, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert f"→ {migrations.head_revision()}" in result.output
    result = runner.invoke(app, ["db", "current"], env=env)
    assert "up to date" in result.output
    result = runner.invoke(app, ["db", "downgrade", "base"], env=env)
    assert result.exit_code == 2 and "--yes" in result.output
    result = runner.invoke(app, ["db", "downgrade", "base", "--yes"], env=env)
    assert result.exit_code == 0 and "→ (empty)" in result.output


def test_commands_refuse_an_unmigrated_database(tmp_path: Path) -> None:
    from invoicer.cli import app

    env = {"INVOICER_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = CliRunner().invoke(app, ["review", "list"], env=env)
    assert result.exit_code == 2
    assert "is not set up" in result.output and "invoicer db upgrade" in result.output


def test_bad_database_url_is_a_config_error() -> None:
    from invoicer.errors import ConfigError

    with pytest.raises(ConfigError, match="not a database URL"):
        Database("not a url at all")
    with pytest.raises(ConfigError, match="no database driver"):
        Database("nosuchdb+nodriver://x/y")
