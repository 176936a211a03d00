"""Alembic environment for invoicer.

The database URL comes from (first match): the ``database_url`` attribute set by ``invoicer db``
(see :mod:`invoicer.store.migrations`), ``sqlalchemy.url`` in ``alembic.ini`` / ``-x url=...``, or
invoicer's own settings (``INVOICER_DATABASE_URL`` or the config file), like every other command.
"""

from __future__ import annotations

from sqlalchemy import create_engine, pool

from alembic import context
from invoicer.store.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url") or context.get_x_argument(as_dictionary=True).get("url")
    url = url or config.get_main_option("sqlalchemy.url")
    if url:
        return str(url)
    from invoicer.config import load_settings

    return load_settings().database.url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
