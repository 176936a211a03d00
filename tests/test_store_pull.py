"""The pull contract: views, the updated_at cursor under concurrent writers, marking rows exported."""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from invoicer.store.database import Database, Transaction
from invoicer.store.models import AuditEntry, DocumentRow
from invoicer.store.pull import (
    Cursor,
    ExportOutcome,
    cursor_of,
    invoice_lines_v1,
    mark_export_failed,
    mark_exported,
    pull_invoices,
    pull_lines,
)
from invoicer.store.records import touch
from invoicer.store.synthetic import store_many, synthetic_extraction
from invoicer.store.testing import PostgresUnavailable, migrated_sqlite, temporary_postgres

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrated_sqlite(path).dispose()
    return path


@pytest.fixture
def sqlite_url(template: Path, tmp_path: Path) -> str:
    path = tmp_path / "inv.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    try:
        with temporary_postgres() as url:
            yield url
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest) -> str:
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


def _filled(url: str, n: int, lines: int = 2) -> Database:
    database = Database(url)
    store_many(database, (synthetic_extraction(k, lines=lines, review_share=0.0) for k in range(n)), batch=200)
    return database


def test_views_have_typed_columns(any_url: str) -> None:
    database = _filled(any_url, 3)
    try:
        with database.read() as session:
            rows = pull_invoices(session)
            lines = pull_lines(session, [r.invoice_id for r in rows])
        assert [r.invoice_id for r in rows] == [1, 2, 3]
        first = rows[0]
        assert isinstance(first.invoice_date, dt.date) and isinstance(first.total, float)
        assert first.updated_at.tzinfo is not None and first.status == "approved"
        assert first.line_count == 2 and first.extraction_version == 1
        assert [(li.invoice_id, li.line_number) for li in lines] == [(i, n) for i in (1, 2, 3) for n in (1, 2)]
        assert abs(sum(li.amount for li in lines if li.invoice_id == 1) - first.subtotal) < 0.005
    finally:
        database.dispose()


def test_cursor_pages_return_every_row_once(sqlite_url: str) -> None:
    database = _filled(sqlite_url, 25)  # stored in one transaction: all 25 share one updated_at
    try:
        seen: list[int] = []
        cursor: Cursor | None = None
        with database.read() as session:
            while page := pull_invoices(session, after=cursor, limit=7):
                seen += [r.invoice_id for r in page]
                cursor = cursor_of(page[-1])
        assert seen == list(range(1, 26))
        assert Cursor.parse(str(cursor)) == cursor
        assert Cursor.parse("2026-01-01") == Cursor(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 0)
        with pytest.raises(ValueError, match="not a cursor"):
            Cursor.parse("yesterday")
    finally:
        database.dispose()


def _bump(tx: Transaction, ids: list[int]) -> None:
    for invoice_id in ids:
        doc = tx.session.get(DocumentRow, invoice_id)
        assert doc is not None
        touch(tx, doc)
        tx.audit("test_update", document_id=invoice_id)


def test_cursor_sees_every_change_exactly_once_while_others_write(any_url: str) -> None:
    """Readers page through updated_at while three writers (own engines, like other processes) update rows."""
    n = 120
    database = _filled(any_url, n, lines=1)
    stop = threading.Event()
    errors: list[BaseException] = []
    writes = [0]

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        own = Database(any_url)
        try:
            while not stop.is_set():
                ids = rng.sample(range(1, n + 1), 3)
                own.write(lambda tx, ids=ids: _bump(tx, ids), actor=f"writer-{seed}")  # type: ignore[misc]
                writes[0] += 1
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(3)]
    for t in threads:
        t.start()
    seen: list[tuple[dt.datetime, int, int]] = []  # (updated_at, invoice_id, revision)
    cursor: Cursor | None = None

    def pull_page() -> int:
        nonlocal cursor
        with database.read() as session:
            page = pull_invoices(session, after=cursor, limit=25)
        seen.extend((r.updated_at, r.invoice_id, r.revision) for r in page)
        if page:
            cursor = cursor_of(page[-1])
        return len(page)

    try:
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            if not pull_page():
                time.sleep(0.005)
    finally:
        stop.set()
        for t in threads:
            t.join()
    while pull_page():  # drain what the writers committed last
        pass
    assert not errors, errors
    assert writes[0] > 20  # the writers really ran alongside the reader

    positions = [(at, invoice_id) for at, invoice_id, _ in seen]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)  # strictly forward
    versions = [(invoice_id, revision) for _, invoice_id, revision in seen]
    assert len(set(versions)) == len(versions)  # no row version delivered twice
    last_seen = {invoice_id: revision for _, invoice_id, revision in seen}
    with database.read() as session:
        final = dict(session.execute(select(DocumentRow.id, DocumentRow.revision)).all())
    database.dispose()
    assert last_seen == final  # every row, in its latest version: nothing was skipped


def test_marking_exported_is_idempotent_and_audited(sqlite_url: str) -> None:
    database = _filled(sqlite_url, 4)
    try:
        with database.read() as session:
            before = {r.invoice_id: r for r in pull_invoices(session)}
        first = mark_exported(database, [1, 2, 99], system="erp", reference="batch-1", revisions=[1, 7, 1])
        assert first == {1: ExportOutcome.MARKED, 2: ExportOutcome.STALE, 99: ExportOutcome.UNKNOWN}
        again = mark_exported(database, [1], system="erp")
        assert again == {1: ExportOutcome.ALREADY_EXPORTED}
        failed = mark_export_failed(database, [3], system="erp", message="unknown supplier")
        assert failed == {3: ExportOutcome.MARKED}
        assert mark_exported(database, [1], system="erp") == {1: ExportOutcome.ALREADY_EXPORTED}
        with database.read() as session:
            after = {r.invoice_id: r for r in pull_invoices(session)}
            audit = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.document_id)).all()
        assert after[1].status == "exported" and after[1].export_reference == "batch-1"
        assert after[1].revision == before[1].revision + 1 and after[1].updated_at > before[1].updated_at
        assert after[1].exported_at == after[1].updated_at
        assert (after[3].status, after[3].export_error) == ("export_failed", "unknown supplier")
        assert after[2].status == after[4].status == "approved"
        assert ("pull:erp", "exported", 1) in audit and ("pull:erp", "export_failed", 3) in audit
        assert mark_exported(database, [3], system="erp") == {3: ExportOutcome.MARKED}  # retried after the fix
    finally:
        database.dispose()


def _reader_role_sql() -> str:
    doc = (ROOT / "docs" / "pull-contract.md").read_text("utf-8")
    block = re.search(r"<!-- reader-role-sql -->\s*```sql\n(.*?)```", doc, re.S)
    assert block, "docs/pull-contract.md lost its reader-role snippet"
    return block.group(1)


def test_postgres_reader_role_and_mark_functions(postgres_url: str) -> None:
    """The documented read-only role can read the views and mark rows, and nothing else."""
    database = _filled(postgres_url, 3)
    url = make_url(postgres_url)
    role = f"invoicer_reader_{secrets.token_hex(4)}"
    owner = create_engine(url, isolation_level="AUTOCOMMIT")
    snippet = (
        _reader_role_sql().replace("invoicer_reader", role).replace("DATABASE invoicer", f'DATABASE "{url.database}"')
    )
    try:
        with owner.connect() as conn:
            for statement in filter(str.strip, snippet.split(";")):
                conn.execute(text(statement))
        reader = create_engine(url.set(username=role, password="change-me"), isolation_level="AUTOCOMMIT")
        try:
            with reader.connect() as conn:
                assert conn.execute(text("SELECT COUNT(*) FROM invoices_v1")).scalar_one() == 3
                assert conn.execute(text("SELECT COUNT(*) FROM invoice_lines_v1")).scalar_one() == 6
                revision = conn.execute(text("SELECT revision FROM invoices_v1 WHERE invoice_id = 1")).scalar_one()
                outcomes = conn.execute(
                    text("SELECT * FROM invoicer_mark_exported(ARRAY[1, 2, 77]::bigint[], 'erp', 'b-1', :revs)"),
                    {"revs": [revision, revision + 5, 1]},
                ).all()
                assert outcomes == [(1, "marked"), (2, "stale"), (77, "unknown")]
                again = conn.execute(text("SELECT * FROM invoicer_mark_exported(ARRAY[1]::bigint[], 'erp')")).all()
                assert again == [(1, "already_exported")]
                failed = conn.execute(
                    text("SELECT * FROM invoicer_mark_export_failed(ARRAY[2]::bigint[], 'erp', 'no supplier')")
                ).all()
                assert failed == [(2, "marked")]
                for forbidden in (
                    "SELECT * FROM documents",
                    "UPDATE documents SET status = 'approved'",
                    "SELECT * FROM invoicer_record_export(ARRAY[3]::bigint[], 'x', NULL, NULL, NULL)",
                ):
                    with pytest.raises(ProgrammingError, match="permission denied"):
                        conn.execute(text(forbidden))
        finally:
            reader.dispose()
        with database.read() as session:
            statuses = dict(session.execute(select(DocumentRow.id, DocumentRow.status)).all())
            audit = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.document_id)).all()
        assert statuses == {1: "exported", 2: "export_failed", 3: "approved"}
        assert ("pull:erp", "exported", 1) in audit and ("pull:erp", "export_failed", 2) in audit
        # the Python API agrees with the SQL function on what was already done
        assert mark_exported(database, [1, 2], system="erp") == {
            1: ExportOutcome.ALREADY_EXPORTED,
            2: ExportOutcome.MARKED,
        }
    finally:
        database.dispose()
        with owner.connect() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        owner.dispose()


def test_lines_view_follows_the_current_version(sqlite_url: str) -> None:
    from dataclasses import replace

    from invoicer.store.records import store_extraction

    database = _filled(sqlite_url, 1, lines=3)
    try:
        shorter = synthetic_extraction(0, lines=3, review_share=0.0)
        shorter = replace(shorter, line_items=shorter.line_items[:1])
        database.write(lambda tx: store_extraction(tx, shorter, reprocess=True), actor="test")
        with database.read() as session:
            lines = session.execute(select(invoice_lines_v1)).all()
        assert [(li.line_number, li.extraction_version) for li in lines] == [(1, 2)]
    finally:
        database.dispose()


def test_mark_exported_command(sqlite_url: str) -> None:
    from typer.testing import CliRunner

    from invoicer.cli import app

    _filled(sqlite_url, 3).dispose()
    env = {"INVOICER_DATABASE_URL": sqlite_url}
    runner = CliRunner()
    done = runner.invoke(app, ["mark-exported", "1", "2", "--system", "erp", "--reference", "b-7"], env=env)
    assert done.exit_code == 0 and done.output.splitlines() == ["1\tmarked", "2\tmarked"]
    again = runner.invoke(app, ["mark-exported", "1", "9", "--system", "erp"], env=env)
    assert again.exit_code == 1 and again.output.splitlines() == ["1\talready_exported", "9\tunknown"]
    failed = runner.invoke(app, ["mark-exported", "3", "--system", "erp", "--failed", "no supplier"], env=env)
    assert failed.exit_code == 0 and "3\tmarked" in failed.output
    database = Database(sqlite_url)
    try:
        with database.read() as session:
            rows = {r.invoice_id: (r.status, r.export_reference, r.export_error) for r in pull_invoices(session)}
    finally:
        database.dispose()
    assert rows == {
        1: ("exported", "b-7", None),
        2: ("exported", "b-7", None),
        3: ("export_failed", None, "no supplier"),
    }
