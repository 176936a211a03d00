"""Alembic, driven from Python: ``invoicer db upgrade / downgrade / current`` call these.

The migration scripts live in ``alembic/`` at the repository root (``alembic.ini`` there lets the
plain ``alembic`` command work as well). They are the only way invoicer's schema is made.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from invoicer.errors import StorageError
from invoicer.store.database import Database

if TYPE_CHECKING:  # pragma: no cover
    from alembic.config import Config

__all__ = ["current_revision", "downgrade", "head_revision", "script_location", "upgrade"]


def script_location() -> Path:
    """The ``alembic/`` folder holding ``env.py`` and ``versions/``."""
    # invoicer/store/alembic links to the repository's alembic/ folder, so wheels carry it too
    path = Path(__file__).resolve().parent / "alembic"
    if not (path / "env.py").is_file():
        path = Path(__file__).resolve().parents[2] / "alembic"
    if not (path / "env.py").is_file():
        raise StorageError(
            f"the migration scripts are missing (looked for {path / 'env.py'})",
            hint="run invoicer from a checkout of its repository (pip install -e .)",
        )
    return path


def _config(database: Database) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    # the URL goes through attributes, not the ini option (which would %-interpolate passwords)
    cfg.attributes["database_url"] = database.url.render_as_string(hide_password=False)
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision among the migration scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(script_location()))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    if head is None:  # pragma: no cover - the repository always has migrations
        raise StorageError("no migration scripts found")
    return head


def current_revision(database: Database) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with database.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except Exception as exc:
        raise StorageError(
            f"cannot read the schema revision of {database.display_url}: {' '.join(str(exc).split())[:300]}",
            hint="check database.url (INVOICER_DATABASE_URL) and that the database server is running",
        ) from exc


def upgrade(database: Database, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    from alembic import command

    command.upgrade(_config(database), revision)


def downgrade(database: Database, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` removes everything invoicer made)."""
    from alembic import command

    command.downgrade(_config(database), revision)
