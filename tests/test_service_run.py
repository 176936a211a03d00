"""``invoicer run`` under claims: dead runs taken over at once, poison files quarantined, busy files skipped."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner

from invoicer.service import claims
from invoicer.service.files import file_sha256
from invoicer.store.models import DocumentRow, InboxClaim
from invoicer.store.testing import migrated_sqlite

from .conftest import DOCUMENTS


def _env(db_file: Path) -> dict[str, str]:
    return {
        "INVOICER_DATABASE_URL": f"sqlite:///{db_file}",
        "INVOICER_OCR_ENGINE": "none",
        "INVOICER_TAGGER_BACKEND": "none",
    }


def _dead_pid() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        pid += 1


def test_run_takes_over_dead_runs_quarantines_poison_and_skips_busy_files(tmp_path: Path) -> None:
    from invoicer.cli import app

    db_file = tmp_path / "inv.db"
    database = migrated_sqlite(db_file)
    folder = tmp_path / "tree"
    folder.mkdir()
    for name in ("a.pdf", "b.pdf"):
        shutil.copy(
            DOCUMENTS / ("invoice_born_digital.pdf" if name == "a.pdf" else "invoice_two_pages.pdf"), folder / name
        )
    poison, busy = folder / "a.pdf", folder / "b.pdf"
    host = socket.gethostname()
    # a.pdf: three earlier runs died on it (kill -9) while holding its claim
    reg = claims.register(database, poison, sha256=file_sha256(poison), size=poison.stat().st_size, mode="run")
    future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    database.write(
        lambda tx: tx.session.execute(
            update(InboxClaim)
            .where(InboxClaim.id == reg.claim_id)
            .values(state="running", attempts=3, lease_owner=f"run:{host}:{_dead_pid()}", lease_expires_at=future)
        ),
        actor="test",
    )
    # b.pdf: a live process (this one) is working on it
    held = claims.register(database, busy, sha256=file_sha256(busy), size=busy.stat().st_size, mode="run")
    assert claims.lease(database, f"run:{host}:{os.getpid()}", 60, claim_id=held.claim_id) is not None

    result = CliRunner().invoke(app, ["run", str(folder)], env=_env(db_file))
    assert result.exit_code == 1, result.output
    assert "[quarantined]" in result.output and "processing crashed 3 time(s)" in result.output
    assert f"~ {busy}: being processed by another run" in result.output
    with database.read() as session:
        states = dict(session.execute(select(InboxClaim.path, InboxClaim.state)).all())
        docs = session.execute(select(DocumentRow.source_name, DocumentRow.status, DocumentRow.error_code)).all()
    assert states == {str(poison): "quarantined", str(busy): "running"}
    assert docs == [("a.pdf", "failed", "quarantined")]
    assert poison.is_file() and busy.is_file()  # run leaves files where they are
    database.dispose()
