"""Databases for tests and benchmarks: a migrated SQLite file, or a throwaway PostgreSQL database.

PostgreSQL is found at ``$INVOICER_TEST_POSTGRES_URL`` (an admin URL; default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``). :func:`temporary_postgres` creates a
database with a random name, yields its URL and drops it afterwards; it raises
:class:`PostgresUnavailable` when the server cannot be reached, so tests can skip with the reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from invoicer.store import migrations
from invoicer.store.database import Database

__all__ = [
    "DEFAULT_POSTGRES_ADMIN_URL",
    "PostgresUnavailable",
    "migrated_sqlite",
    "postgres_admin_url",
    "temporary_postgres",
]

DEFAULT_POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server (or driver) to test against; the message says why."""


def postgres_admin_url() -> str:
    return os.environ.get("INVOICER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_ADMIN_URL)


def migrated_sqlite(path: Path) -> Database:
    """A SQLite database file at ``path`` migrated to the newest schema."""
    database = Database(f"sqlite:///{path}")
    migrations.upgrade(database)
    return database


@contextmanager
def temporary_postgres(*, migrate: bool = True) -> Iterator[str]:
    """A fresh PostgreSQL database (migrated unless ``migrate=False``); yields its URL, drops it after."""
    admin_url = make_url(postgres_admin_url())
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # driver missing, server down, auth refused
        raise PostgresUnavailable(f"PostgreSQL at {admin_url.render_as_string()} is not usable: {exc}") from exc
    name = f"invoicer_test_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    try:
        if migrate:
            database = Database(url)
            try:
                migrations.upgrade(database)
            finally:
                database.dispose()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
