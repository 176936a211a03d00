"""Several writers at once never corrupt or duplicate: unique constraints plus retried transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from invoicer.errors import StorageError
from invoicer.store.database import Database, Transaction
from invoicer.store.models import AuditEntry, DocumentRow, ExtractionRow, Vendor
from invoicer.store.records import StoredDocument, store_extraction
from invoicer.store.synthetic import synthetic_extraction
from invoicer.store.testing import PostgresUnavailable, migrated_sqlite, temporary_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("conc") / "inv.db"
        migrated_sqlite(path).dispose()
        yield f"sqlite:///{path}"
        return
    try:
        with temporary_postgres() as pg_url:
            yield pg_url
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))


def _run_writers(url: str, jobs: list[list[tuple[int, bool]]]) -> list[StoredDocument]:
    """One thread and one engine per job; each stores (extraction k, reprocess?) one at a time."""
    results: list[StoredDocument] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))
    lock = threading.Lock()

    def work(job: list[tuple[int, bool]]) -> None:
        database = Database(url)
        try:
            barrier.wait()
            for k, reprocess in job:
                extraction = synthetic_extraction(k, lines=2)
                stored = database.write(
                    lambda tx, e=extraction, r=reprocess: store_extraction(tx, e, reprocess=r),  # type: ignore[misc]
                    actor="writer",
                )
                with lock:
                    results.append(stored)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            database.dispose()

    threads = [threading.Thread(target=work, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_concurrent_writers_store_each_file_once(url: str) -> None:
    files = list(range(12))
    # four writers store the same twelve files, in different orders, at the same time
    jobs = [[(k, False) for k in files[i:] + files[:i]] for i in (0, 3, 6, 9)]
    results = _run_writers(url, jobs)
    assert len(results) == 48
    assert sum(r.created for r in results) == 12  # exactly one writer created each document
    assert sum(r.new_version for r in results) == 12
    database = Database(url)
    try:
        with database.read() as session:
            assert session.scalar(select(func.count()).select_from(DocumentRow)) == 12
            assert session.scalar(select(func.count()).select_from(ExtractionRow)) == 12
            stored = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "stored")
            assert session.scalar(stored) == 12
            names = session.scalars(select(Vendor.name)).all()
            assert len(names) == len(set(names)) > 0  # the vendor master got no duplicates either
            ids = {r.document_id for r in results}
            assert ids == set(session.scalars(select(DocumentRow.id)))
    finally:
        database.dispose()


def test_concurrent_reprocessing_numbers_versions_without_gaps(url: str) -> None:
    _run_writers(url, [[(0, False)]])
    # three writers re-process the same document four times each, concurrently
    results = _run_writers(url, [[(0, True)] * 4 for _ in range(3)])
    assert sorted(r.version or 0 for r in results) == list(range(2, 14))
    database = Database(url)
    try:
        with database.read() as session:
            versions = session.scalars(select(ExtractionRow.version).order_by(ExtractionRow.version)).all()
            doc = session.scalars(select(DocumentRow)).one()
            assert (doc.current_version, doc.revision) == (13, 13)
        assert versions == list(range(1, 14))
    finally:
        database.dispose()


def test_a_unique_conflict_is_retried_and_then_sees_the_other_row(url: str) -> None:
    database = Database(url)
    extraction = synthetic_extraction(5)
    try:
        first = database.write(lambda tx: store_extraction(tx, extraction), actor="other writer")
        calls: list[int] = []

        def racing(tx: Transaction) -> StoredDocument:
            calls.append(1)
            if len(calls) == 1:  # as if this writer had looked before the other committed
                tx.session.add(
                    DocumentRow(
                        sha256=extraction.document.sha256,
                        source_name="x",
                        media_type="application/pdf",
                        size_bytes=1,
                        page_count=1,
                        status="new",
                        revision=0,
                        created_at=tx.now,
                        updated_at=tx.now,
                    )
                )
                tx.session.flush()
            return store_extraction(tx, extraction)

        second = database.write(racing, actor="writer")
        assert len(calls) == 2
        assert second.document_id == first.document_id and not second.created
    finally:
        database.dispose()


def test_a_persistent_error_ends_as_storage_error(url: str) -> None:
    database = Database(url, attempts=3)
    calls: list[int] = []

    def broken(tx: Transaction) -> None:
        calls.append(1)
        tx.session.add(DocumentRow(source_name="x"))  # NOT NULL columns missing: fails every time
        tx.session.flush()

    try:
        with pytest.raises(StorageError, match="database error"):
            database.write(broken, actor="test")
        assert len(calls) == 3
    finally:
        database.dispose()


def test_sqlite_lock_held_longer_than_the_busy_timeout_is_retried(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    migrated_sqlite(path).dispose()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    released = threading.Timer(0.4, holder.commit)
    released.start()
    database = Database(f"sqlite:///{path}", busy_timeout_s=0.05, attempts=10)
    try:
        stored = database.write(lambda tx: store_extraction(tx, synthetic_extraction(1)), actor="test")
        assert stored.created
    finally:
        released.join()
        holder.close()
        database.dispose()
