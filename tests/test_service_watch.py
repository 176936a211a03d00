"""``invoicer watch`` as a real process: files dropped in, kill -9 of a worker and of the watcher, restart.

Every file must end up accounted for exactly once, originals byte-identical, nothing left in the inbox.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from invoicer.service.crashtest import children, kill9, start_watch, wait_until
from invoicer.service.settings import ServiceSettings
from invoicer.service.testing import BAD_KINDS, audit_inbox, drop_files, make_inbox_files
from invoicer.store.database import Database
from invoicer.store.models import InboxClaim
from invoicer.store.testing import migrated_sqlite


def _env(db_file: Path) -> dict[str, str]:
    return {
        "INVOICER_DATABASE_URL": f"sqlite:///{db_file}",
        "INVOICER_OCR_ENGINE": "none",  # the queue is what is tested here, not OCR
        "INVOICER_TAGGER_BACKEND": "none",
        "INVOICER_INGEST_DPI": "400",  # scans take a moment to render, so a kill lands mid-file
    }


def _running(database: Database) -> list[tuple[int, str, str]]:
    with database.read() as session:
        rows = session.execute(
            select(InboxClaim.id, InboxClaim.lease_owner, InboxClaim.path).where(InboxClaim.state == "running")
        )
        return [(i, o or "", p) for i, o, p in rows]


def _finished(database: Database) -> int:
    with database.read() as session:
        return len(session.scalars(select(InboxClaim.id).where(InboxClaim.finished_at.is_not(None))).all())


def test_kill9_of_a_worker_and_the_watcher_then_restart(tmp_path: Path) -> None:
    db_file = tmp_path / "inv.db"
    database = migrated_sqlite(db_file)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    files = make_inbox_files(tmp_path / "source", 24, seed=3, bad_fraction=0.25, scan_fraction=0.5)
    assert {f.kind for f in files} >= set(BAD_KINDS)
    env = _env(db_file)
    args = ("--workers", "2", "--stable-s", "0.3", "--lease-s", "2")
    log = tmp_path / "watch.log"
    watcher = start_watch(inbox, env, *args, log=log)
    try:
        drop_files(tmp_path / "source", inbox, files[:16])
        # kill -9 a worker while it holds a lease
        # (any running claim will do: waiting for a scan specifically was flaky on a fast, idle machine)
        holders: list[str] = []

        def lease_held() -> bool:
            holders[:] = [o for _, o, _ in _running(database)]
            return bool(holders)

        assert wait_until(lease_held, 60), log.read_text()
        victim = int(holders[0].rsplit(":", 1)[1])
        assert victim in children(watcher.pid)
        kill9(victim)
        # later, kill -9 the watcher and its workers together (a crash of the whole service)
        assert wait_until(lambda: _finished(database) >= 6, 60), log.read_text()
        pool = children(watcher.pid)
        kill9(watcher.pid)
        for pid in pool:
            kill9(pid)
        watcher.wait(10)
        drop_files(tmp_path / "source", inbox, files[16:])  # more files arrive while it is down
        restarted = start_watch(inbox, env, *args, "--exit-when-idle", log=log)
        assert restarted.wait(90) == 0, log.read_text()
    finally:
        for proc in (watcher,):
            if proc.poll() is None:
                kill9(proc.pid)
    service = ServiceSettings(inbox=inbox, archive_dir=inbox / "archive", failed_dir=inbox / "failed")
    report = audit_inbox(database, service, files)
    assert report["problems"] == [], report
    assert report["retried_claims"] >= 1  # the killed ones were taken again after their leases expired
    assert report["claims"] == len(files)

    result = CliRunner().invoke(
        __import__("invoicer.cli", fromlist=["app"]).app,
        ["status", "--json"],
        env={"INVOICER_DATABASE_URL": env["INVOICER_DATABASE_URL"]},
    )
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["documents"] == report["document_statuses"]
    assert sum(status["inbox"].values()) == len(files) and status["queue_depth"]["queued"] == 0
    assert status["throughput"]["last_15_min"] == len(files)
    database.dispose()


def test_watch_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    proc = start_watch(tmp_path / "inbox", {"INVOICER_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    try:
        assert proc.wait(60) == 2
    except subprocess.TimeoutExpired:  # pragma: no cover
        kill9(proc.pid)
        pytest.fail("watch did not stop")
