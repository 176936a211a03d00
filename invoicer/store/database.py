"""Engine and transactions: one :class:`Database` per process, built from ``DatabaseSettings.url``.

SQLite (the embedded default) runs in WAL mode with a busy timeout and foreign keys on; write
transactions start with ``BEGIN IMMEDIATE`` so two writers queue instead of failing half-way.
Any other SQLAlchemy URL works too, e.g. ``postgresql+psycopg://user@host/db``.

Writes go through :meth:`Database.write`, which runs a function in one transaction and re-runs it
when the database reports a transient conflict (locked, deadlock, serialization failure, or a
unique-constraint race between two writers). Each write transaction first takes the **change
clock**: a single row holding the last ``updated_at`` handed out. Taking it serializes writers
(for the length of their short transaction) and gives each one a timestamp that is strictly
greater than every timestamp already committed, so a pulling system that reads ``updated_at >
cursor`` never misses a row that was committed late.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from invoicer.config import DatabaseSettings
from invoicer.errors import ConfigError, StorageError
from invoicer.store.models import AuditEntry, ChangeClock

log = logging.getLogger(__name__)

__all__ = ["Database", "Transaction"]

T = TypeVar("T")

ONE_MICROSECOND = dt.timedelta(microseconds=1)
# PostgreSQL SQLSTATEs worth retrying: serialization failure, deadlock, lock not available
_RETRY_SQLSTATES = {"40001", "40P01", "55P03"}


@dataclass
class Transaction:
    """An open write transaction: its session, its ``now`` (from the change clock) and who acts.

    ``cache`` holds what a transaction may reuse between documents (e.g. the vendor master).
    """

    session: Session
    now: dt.datetime
    actor: str
    cache: dict[str, Any] = field(default_factory=dict)

    def audit(
        self,
        action: str,
        *,
        document_id: int | None = None,
        extraction_id: int | None = None,
        field: str | None = None,
        old_value: str | None = None,
        new_value: str | None = None,
        detail: str | None = None,
    ) -> None:
        """Add an audit-log row for a change made in this transaction."""
        self.session.add(
            AuditEntry(
                at=self.now,
                actor=self.actor,
                action=action,
                document_id=document_id,
                extraction_id=extraction_id,
                field=field,
                old_value=old_value,
                new_value=new_value,
                detail=detail,
            )
        )


class Database:
    """The database at ``url``: engine, read sessions and retried write transactions."""

    def __init__(self, url: str, *, busy_timeout_s: float = 30.0, attempts: int = 8, echo: bool = False) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise ConfigError(
                f"database.url {url!r} is not a database URL",
                hint="e.g. sqlite:///invoicer.db or postgresql+psycopg://user@host:5432/invoicer",
            ) from exc
        self.url = parsed
        self.attempts = attempts
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": busy_timeout_s, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(parsed, **kwargs)
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise ConfigError(
                f"no database driver for {parsed.drivername!r}: {exc}",
                hint="install it, e.g. pip install 'psycopg[binary]' for postgresql+psycopg:// URLs",
            ) from exc
        if self.is_sqlite:
            _configure_sqlite(self.engine, busy_timeout_s)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_engine = self.engine.execution_options(invoicer_write=True)
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: DatabaseSettings) -> Database:
        return cls(settings.url)

    @property
    def display_url(self) -> str:
        """The URL with any password hidden."""
        return self.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    # -- reading ------------------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end)."""
        with self._sessions() as session:
            try:
                yield session
            except DBAPIError as exc:
                raise self._storage_error(exc) from exc
            finally:
                session.rollback()

    # -- writing ------------------------------------------------------------------------------

    def write(self, work: Callable[[Transaction], T], *, actor: str, attempts: int | None = None) -> T:
        """Run ``work(tx)`` in one write transaction and commit; re-run it on transient conflicts.

        ``work`` must only touch the database through ``tx`` (it may run more than once).
        """
        attempts = attempts or self.attempts
        for attempt in range(1, attempts + 1):
            session = self._write_sessions()
            try:
                tx = Transaction(session, self._tick(session), actor)
                result = work(tx)
                session.commit()
                return result
            except (OperationalError, IntegrityError, DBAPIError) as exc:
                session.rollback()
                # a unique-constraint race resolves on the first re-run; more is a real error
                retry = _is_transient(exc) and not (isinstance(exc, IntegrityError) and attempt >= 3)
                if attempt < attempts and retry:
                    delay = min(2.0, 0.02 * 2**attempt) * (0.5 + random.random())
                    log.info("write conflict (%s); retrying in %.2f s", _short(exc), delay)
                    time.sleep(delay)
                    continue
                raise self._storage_error(exc) from exc
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()
        raise AssertionError("unreachable")  # pragma: no cover

    def _tick(self, session: Session) -> dt.datetime:
        """Take the change clock (locking it until commit) and return this transaction's timestamp."""
        stmt = select(ChangeClock.last_tick).where(ChangeClock.id == 1).with_for_update()
        last = session.execute(stmt).scalar_one_or_none()
        if last is None:
            raise StorageError(
                f"the database at {self.display_url} has no change clock; it is not set up",
                hint="run `invoicer db upgrade`",
            )
        now = max(dt.datetime.now(dt.UTC), last + ONE_MICROSECOND)
        session.execute(update(ChangeClock).where(ChangeClock.id == 1).values(last_tick=now))
        return now

    # -- schema -------------------------------------------------------------------------------

    def require_schema(self) -> None:
        """Raise :class:`StorageError` unless the database is migrated to the newest revision."""
        from invoicer.store.migrations import current_revision, head_revision

        current, head = current_revision(self), head_revision()
        if current != head:
            state = "is not set up" if current is None else f"is at schema revision {current}, not {head}"
            raise StorageError(f"the database at {self.display_url} {state}", hint="run `invoicer db upgrade`")

    def _storage_error(self, exc: BaseException) -> StorageError:
        return StorageError(f"database error at {self.display_url}: {_short(exc)}", hint=_hint(exc))


def _configure_sqlite(engine: Engine, busy_timeout_s: float) -> None:
    memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        if not memory and cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")  # persistent: set once per database file
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("invoicer_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # a unique-constraint race: the re-run sees the other writer's row
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate in _RETRY_SQLSTATES:
        return True
    text = str(orig or exc).lower()
    return "database is locked" in text or "database table is locked" in text or "busy" in text


def _short(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return " ".join(str(orig or exc).split())[:300]


def _hint(exc: BaseException) -> str | None:
    text = _short(exc).lower()
    if "no such table" in text or ("does not exist" in text and "relation" in text):
        return "run `invoicer db upgrade`"
    if "could not connect" in text or "connection refused" in text or "unable to open database" in text:
        return "check database.url (INVOICER_DATABASE_URL) and that the database server is running"
    if "locked" in text:
        return "another process holds the database for too long; try again"
    return None
