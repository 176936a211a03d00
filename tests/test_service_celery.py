"""Scale-out mode on real Redis + PostgreSQL: a Celery worker (killed with kill -9 midway) and a second one.

Skipped with the reason when Redis or PostgreSQL is not reachable.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from invoicer.service.crashtest import kill9, start_watch, wait_until
from invoicer.service.settings import ServiceSettings
from invoicer.service.testing import audit_inbox, make_inbox_files
from invoicer.store.database import Database
from invoicer.store.models import InboxClaim
from invoicer.store.testing import PostgresUnavailable, temporary_postgres

BROKER = os.environ.get("INVOICER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    try:
        with temporary_postgres() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def broker() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2):
            pass
    except OSError as exc:
        pytest.skip(f"Redis at 127.0.0.1:6379 is not reachable: {exc}")
    import redis

    # the queue and kombu's record of delivered, unacknowledged messages: a worker killed by an earlier run
    # leaves some, and Redis would deliver them again (with that run's inbox) in the middle of this one
    client = redis.Redis.from_url(BROKER)
    with contextlib.suppress(Exception):
        client.delete("invoicer", "unacked", "unacked_index", "unacked_mutex")
    client.close()
    return BROKER


def _worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "invoicer", "worker", "-c", "1", "-n", f"{name}@%h", "--broker", env["B"]],
        env={**os.environ, **env},
        stdout=out,
        stderr=out,
        start_new_session=True,
    )


def test_celery_workers_process_every_file_once_despite_kill9(tmp_path: Path, postgres_url: str, broker: str) -> None:
    database = Database(postgres_url)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    files = make_inbox_files(tmp_path / "source", 14, seed=5, bad_fraction=0.3, scan_fraction=0.6)
    env = {
        "INVOICER_DATABASE_URL": postgres_url,
        "INVOICER_OCR_ENGINE": "none",
        "INVOICER_TAGGER_BACKEND": "none",
        "INVOICER_INGEST_DPI": "400",
        "B": broker,
    }
    log = tmp_path / "celery.log"
    first = _worker(env, "w1", log)
    second: subprocess.Popen[bytes] | None = None
    watcher = start_watch(
        inbox, env, "--mode", "celery", "--broker", broker, "--stable-s", "0.2", "--lease-s", "3", log=log
    )
    try:
        for f in files:
            (inbox / f.name).write_bytes((tmp_path / "source" / f.name).read_bytes())

        def running() -> bool:
            with database.read() as session:
                return session.scalars(select(InboxClaim.id).where(InboxClaim.state == "running")).first() is not None

        assert wait_until(running, 90), log.read_text()
        os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool child, mid-file
        first.wait(10)
        second = _worker(env, "w2", log)

        def finished() -> bool:
            with database.read() as session:
                open_ = session.scalars(select(InboxClaim.id).where(InboxClaim.finished_at.is_(None))).all()
                total = session.scalars(select(InboxClaim.id)).all()
            return len(total) == len(files) and not open_

        assert wait_until(finished, 120), log.read_text()[-4000:]
    finally:
        for proc in (watcher, first, second):
            if proc is not None and proc.poll() is None:
                kill9(proc.pid)
                if proc is not watcher:
                    os.killpg(proc.pid, signal.SIGKILL)
    service = ServiceSettings(inbox=inbox, archive_dir=inbox / "archive", failed_dir=inbox / "failed")
    report = audit_inbox(database, service, files)
    database.dispose()
    assert report["problems"] == [], report
    assert report["retried_claims"] >= 1
