"""Claims with leases, idempotent moves, the watcher's stability rule and the claim processor."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from invoicer.config import Settings
from invoicer.errors import MissingFileError
from invoicer.ocr import NoOcrEngine
from invoicer.pipeline import Pipeline
from invoicer.service import claims
from invoicer.service.files import file_sha256, move_original
from invoicer.service.settings import ServiceSettings
from invoicer.service.watcher import InboxWatcher
from invoicer.service.worker import ClaimProcessor
from invoicer.store.database import Database
from invoicer.store.models import DocumentRow, ExtractionRow, InboxClaim
from invoicer.store.testing import migrated_sqlite
from invoicer.tagging import NoTagger

from .conftest import BAD, DOCUMENTS


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = migrated_sqlite(tmp_path / "inv.db")
    yield db
    db.dispose()


def _service(tmp_path: Path, **kw: object) -> ServiceSettings:
    inbox = tmp_path / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    return ServiceSettings(inbox=inbox, archive_dir=inbox / "archive", failed_dir=inbox / "failed", **kw)  # type: ignore[arg-type]


def _expire(database: Database, claim_id: int) -> None:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(milliseconds=1)
    database.write(
        lambda tx: tx.session.execute(
            update(InboxClaim).where(InboxClaim.id == claim_id).values(lease_expires_at=past)
        ),
        actor="test",
    )


def test_register_is_idempotent_and_a_lease_is_exclusive(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    first = claims.register(database, path, sha256="ab" * 32, size=3)
    again = claims.register(database, path, sha256="ab" * 32, size=3)
    assert first.created and not again.created and again.claim_id == first.claim_id

    mine = claims.lease(database, "w1", 30)
    assert mine is not None and mine.id == first.claim_id and mine.attempts == 1
    assert claims.lease(database, "w2", 30) is None  # held
    assert claims.renew(database, mine, 30)

    _expire(database, mine.id)  # w1 went silent (killed): its lease runs out
    assert claims.claim_counts(database) == {"running": 1, "stale": 1}
    theirs = claims.lease(database, "w2", 30)
    assert theirs is not None and theirs.id == mine.id and theirs.attempts == 2
    assert not claims.renew(database, mine, 30)  # w1 lost it
    assert not claims.finish(database, mine, "done")
    assert claims.finish(database, theirs, "done", moved_to="x")
    assert claims.claim_counts(database) == {"done": 1}
    # the same content dropped again under the same name is a new arrival
    assert claims.register(database, path, sha256="ab" * 32, size=3).created


def test_a_path_has_one_active_claim_even_when_its_content_changes(database: Database, tmp_path: Path) -> None:
    """Regression (CI, loaded machine): a file registered half-written and again when complete got two claims."""
    path = tmp_path / "b.png"
    half = claims.register(database, path, sha256="01" * 32, size=5)
    whole = claims.register(database, path, sha256="02" * 32, size=10)
    assert half.created and not whole.created and whole.claim_id == half.claim_id
    with database.read() as session:
        rows = session.execute(select(InboxClaim.sha256, InboxClaim.size_bytes)).all()
    assert [tuple(r) for r in rows] == [("02" * 32, 10)]  # the queued claim follows the content
    running = claims.lease(database, "w1", 30)
    assert running is not None and running.id == half.claim_id
    again = claims.register(database, path, sha256="03" * 32, size=12)
    assert not again.created and again.claim_id == half.claim_id  # its worker reads the current content


def test_a_file_moved_away_while_the_watcher_read_it_is_not_claimed_again(database: Database, tmp_path: Path) -> None:
    """Regression (CI, kill -9 test): the watcher hashed a file, a worker moved it and finished its claim,
    then the watcher registered it again: two claims for one file, the second for a path that was gone."""
    path = tmp_path / "c.pdf"
    path.write_bytes(b"%PDF-1.4 c")
    first = claims.register(database, path, sha256="c" * 64, size=10, only_if_present=True)
    running = claims.lease(database, "w1", 30)
    assert running is not None and running.id == first.claim_id
    # while it runs, a late registration finds the active claim, file there or not
    path.unlink()  # the worker moved the original away ...
    assert claims.register(database, path, sha256="c" * 64, size=10, only_if_present=True).claim_id == first.claim_id
    assert claims.finish(database, running, "done", moved_to="archive/c.pdf")  # ... and finished
    with pytest.raises(FileNotFoundError):
        claims.register(database, path, sha256="c" * 64, size=10, only_if_present=True)
    with database.read() as session:
        assert len(session.scalars(select(InboxClaim.id)).all()) == 1
    path.write_bytes(b"%PDF-1.4 c")  # dropped again later: a new arrival
    assert claims.register(database, path, sha256="c" * 64, size=10, only_if_present=True).created


def test_to_enqueue_finds_unsent_and_stale_claims(database: Database, tmp_path: Path) -> None:
    a = claims.register(database, tmp_path / "a.pdf", sha256="a" * 64, size=1).claim_id
    b = claims.register(database, tmp_path / "b.pdf", sha256="b" * 64, size=1).claim_id
    assert claims.to_enqueue(database, 60) == [a, b]
    claims.mark_enqueued(database, [a, b])
    assert claims.to_enqueue(database, 60) == []
    leased = claims.lease(database, "w", 30, claim_id=b)
    assert leased is not None
    _expire(database, b)
    assert claims.to_enqueue(database, 60) == [b]


def test_move_original_keeps_bytes_and_is_idempotent(tmp_path: Path) -> None:
    src = tmp_path / "inbox" / "x.pdf"
    src.parent.mkdir()
    shutil.copy(DOCUMENTS / "invoice_born_digital.pdf", src)
    sha = file_sha256(src)
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "x.pdf").write_bytes(b"another file with that name")
    moved = move_original(src, folder, sha256=sha, claim_id=7)
    assert moved == folder / "x.7.pdf" and not src.exists() and file_sha256(moved) == sha
    assert (folder / "x.pdf").read_bytes() == b"another file with that name"  # never overwritten
    assert move_original(src, folder, sha256=sha, claim_id=7) == moved  # a retry finds it
    os.link(moved, src)  # crash between link and unlink: both names exist
    assert move_original(src, folder, sha256=sha, claim_id=7) == moved and not src.exists()
    with pytest.raises(MissingFileError):
        move_original(tmp_path / "inbox" / "gone.pdf", folder, sha256=sha, claim_id=8)


def test_watcher_takes_only_complete_files(database: Database, tmp_path: Path) -> None:
    service = _service(tmp_path, stable_s=0.4)
    found: list[int] = []
    watcher = InboxWatcher(service, database, on_registered=found.append, use_observer=True)
    (service.inbox / "failed").mkdir()
    (service.inbox / "failed" / "old.pdf").write_bytes(b"x")  # never looked at
    (service.inbox / ".hidden.pdf").write_bytes(b"x")
    (service.inbox / "download.pdf.part").write_bytes(b"x")
    watcher.start()
    try:
        growing = service.inbox / "growing.pdf"
        with growing.open("wb") as handle:
            handle.write(b"%PDF-1.4 first half")
            handle.flush()
            watcher.poll()
            time.sleep(0.3)
            watcher.poll()
            handle.write(b" second half")
            handle.flush()
            time.sleep(0.3)
            assert watcher.poll() == 0  # changed within stable_s: not taken
        tmp = service.inbox / ".renamed.pdf.part"
        tmp.write_bytes(b"renamed in")
        tmp.rename(service.inbox / "renamed.pdf")
        deadline = time.monotonic() + 5
        while len(found) < 2 and time.monotonic() < deadline:
            watcher.poll()
            time.sleep(0.1)
    finally:
        watcher.stop()
    with database.read() as session:
        rows = {Path(r.path).name: r.size_bytes for r in session.scalars(select(InboxClaim))}
    assert set(rows) == {"growing.pdf", "renamed.pdf"} and len(found) == 2
    assert rows["growing.pdf"] == len(b"%PDF-1.4 first half second half")


def _processor(database: Database, service: ServiceSettings, pipeline: Pipeline | None = None) -> ClaimProcessor:
    settings = Settings()
    pipeline = pipeline or Pipeline.from_settings(settings, ocr_engine=NoOcrEngine(), tagger=NoTagger())
    return ClaimProcessor(settings, service, database, pipeline=pipeline, owner="test-worker")


def _drop(service: ServiceSettings, source: Path, name: str, database: Database) -> int:
    target = service.inbox / name
    shutil.copy(source, target)
    return claims.register(database, target, sha256=file_sha256(target), size=target.stat().st_size).claim_id


def test_processor_archives_good_fails_bad_and_skips_duplicates(database: Database, tmp_path: Path) -> None:
    service = _service(tmp_path)
    good = _drop(service, DOCUMENTS / "invoice_born_digital.pdf", "good.pdf", database)
    bad = _drop(service, BAD / "encrypted.pdf", "bad.pdf", database)
    same = _drop(service, DOCUMENTS / "invoice_born_digital.pdf", "copy.pdf", database)
    processor = _processor(database, service)
    with processor.pipeline:
        outcomes = {o.claim_id: o for o in iter(processor.work_once, None)}
    assert outcomes[good].state == "done" and outcomes[good].document_status == "needs_review"
    assert "/archive/" in str(outcomes[good].moved_to)
    assert outcomes[bad].state == "failed" and outcomes[bad].moved_to == str(service.failed_dir / "bad.pdf")
    assert str(outcomes[bad].error).startswith("encrypted:")
    assert outcomes[same].state == "duplicate" and outcomes[same].document_id == outcomes[good].document_id
    assert file_sha256(Path(outcomes[same].moved_to or "")) == file_sha256(DOCUMENTS / "invoice_born_digital.pdf")
    assert [p.name for p in service.inbox.iterdir() if p.is_file()] == []
    with database.read() as session:
        assert session.scalar(
            select(DocumentRow.original_path).where(DocumentRow.id == outcomes[good].document_id)
        ) == (outcomes[good].moved_to)
        assert session.scalar(select(DocumentRow.error_code).where(DocumentRow.id == outcomes[bad].document_id)) == (
            "encrypted"
        )


def test_a_retry_after_a_crash_does_not_extract_again(database: Database, tmp_path: Path) -> None:
    service = _service(tmp_path)
    claim_id = _drop(service, DOCUMENTS / "invoice_born_digital.pdf", "a.pdf", database)
    processor = _processor(database, service)
    with processor.pipeline:
        # a first worker stores the result, then dies before moving the file
        claim = claims.lease(database, "dead-worker", 30)
        assert claim is not None
        processor._store(claim, processor.pipeline.process(Path(claim.path)))
        _expire(database, claim_id)
        outcome = processor.work_once()
    assert outcome is not None and outcome.state == "done" and not (service.inbox / "a.pdf").exists()
    with database.read() as session:
        assert session.scalar(select(InboxClaim.attempts)) == 2
        assert len(session.scalars(select(ExtractionRow)).all()) == 1  # extracted once


def test_a_retry_finds_the_moved_file_when_it_changed_after_registration(database: Database, tmp_path: Path) -> None:
    # Regression (CI, Celery kill -9 test): a file registered while still being written (claim sha256 of
    # the partial content), processed in full, moved, and the worker killed before finishing the claim;
    # the retry looked for the moved file by the stale sha256, found nothing and recorded it "missing".
    service = _service(tmp_path)
    target = service.inbox / "late.pdf"
    content = (DOCUMENTS / "invoice_born_digital.pdf").read_bytes()
    target.write_bytes(content[: len(content) // 3])
    claim_id = claims.register(database, target, sha256=file_sha256(target), size=target.stat().st_size).claim_id
    target.write_bytes(content)
    processor = _processor(database, service)
    with processor.pipeline:
        claim = claims.lease(database, "dead-worker", 30)
        assert claim is not None and claim.id == claim_id
        processor._store(claim, processor.pipeline.process(target))
        moved = move_original(target, processor._folder(claim, False), sha256=claim.sha256, claim_id=claim_id)
        _expire(database, claim_id)  # the worker died before finishing the claim
        outcome = processor.work_once()
    assert outcome is not None and outcome.state == "done", outcome
    assert outcome.moved_to == str(moved) and file_sha256(moved) == file_sha256(DOCUMENTS / "invoice_born_digital.pdf")
    with database.read() as session:
        assert session.scalar(select(InboxClaim.sha256)) == file_sha256(moved)
        assert len(session.scalars(select(ExtractionRow)).all()) == 1


def test_a_worker_told_about_one_inbox_never_takes_another_inboxs_files(database: Database, tmp_path: Path) -> None:
    # Regression (Celery test, run twice): a stale broker message carried an earlier run's inbox, and its
    # worker moved this run's file into that earlier run's failed/ folder.
    service = _service(tmp_path / "a")
    claim_id = _drop(service, DOCUMENTS / "invoice_born_digital.pdf", "a.pdf", database)
    elsewhere = _service(tmp_path / "b")
    stranger = _processor(database, elsewhere)
    assert stranger.work_once(claim_id, mode="watch") is None and stranger.work_once(mode="watch") is None
    assert (service.inbox / "a.pdf").is_file()
    with database.read() as session:
        assert session.scalar(select(InboxClaim.state)) == "queued"
    processor = _processor(database, service)
    with processor.pipeline:
        outcome = processor.work_once(claim_id, mode="watch")
    assert outcome is not None and outcome.state == "done"


class ExplodingPipeline(Pipeline):
    """A pipeline whose processing crashes (as a bug or a lost database would)."""

    def process(self, path: str | os.PathLike[str]) -> object:  # type: ignore[override]
        raise RuntimeError("boom")


def test_a_file_that_keeps_crashing_is_quarantined(database: Database, tmp_path: Path) -> None:
    service = _service(tmp_path, max_attempts=2)
    claim_id = _drop(service, DOCUMENTS / "invoice_born_digital.pdf", "poison.pdf", database)
    processor = _processor(database, service, ExplodingPipeline([], Settings()))
    for _ in range(2):
        with pytest.raises(RuntimeError, match="boom"):
            processor.work_once()
    outcome = processor.work_once()
    assert outcome is not None and outcome.state == "quarantined" and outcome.claim_id == claim_id
    assert outcome.moved_to == str(service.failed_dir / "poison.pdf")
    assert outcome.error is not None and "RuntimeError: boom" in outcome.error
    with database.read() as session:
        doc = session.scalars(select(DocumentRow)).one()
        assert doc.status == "failed" and doc.error_code == "quarantined"
    assert processor.work_once() is None


def test_json_logs_are_one_object_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import logging

    from invoicer.service.logs import configure_logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging(logging.INFO, json_lines=True)
        logging.getLogger("invoicer.service.test").info("processed %d", 3, extra={"event": {"claim_id": 7}})
    finally:
        root.handlers = handlers
        root.setLevel(level)
    entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert entry["message"] == "processed 3" and entry["claim_id"] == 7 and entry["level"] == "info"
    assert entry["pid"] == os.getpid()
