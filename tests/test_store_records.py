"""Storing extractions: documents by hash, versioned extractions, failed files, the sql store stage."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from invoicer.config import Settings
from invoicer.document import ExtractionStatus, Field
from invoicer.errors import UnknownBackendError
from invoicer.pipeline import Pipeline, failed_extraction
from invoicer.store import STORES
from invoicer.store.database import Database
from invoicer.store.models import AuditEntry, DocumentRow, ExtractionRow, FieldRow, LineItemRow
from invoicer.store.pull import invoices_v1
from invoicer.store.records import load_extraction, store_extraction
from invoicer.store.sql import SqlStore
from invoicer.store.status import DocumentStatus, status_for_extraction
from invoicer.store.synthetic import synthetic_extraction
from invoicer.store.testing import migrated_sqlite

from .conftest import BAD, DOCUMENTS


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrated_sqlite(path).dispose()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "inv.db"
    shutil.copy(template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def test_extraction_round_trips_through_the_database(db: Database) -> None:
    original = synthetic_extraction(3, lines=4)
    stored = db.write(lambda tx: store_extraction(tx, original), actor="test")
    assert stored.created and stored.new_version and stored.version == 1
    assert stored.status is DocumentStatus(status_for_extraction(original.status))
    with db.read() as session:
        loaded = load_extraction(session, stored.document_id)
        assert loaded is not None
        assert loaded.to_dict() == original.to_dict()
        doc = session.get(DocumentRow, stored.document_id)
        assert doc is not None
        assert (doc.sha256, doc.original_path, doc.page_count) == (
            original.document.sha256,
            original.document.source_path,
            1,
        )
        assert doc.created_at == doc.updated_at and doc.created_at.tzinfo is not None
        total = session.scalars(select(FieldRow).where(FieldRow.name == "total")).one()
        assert total.value_number is not None
        assert str(total.value_number.normalize()) == str(original.value("total")).rstrip("0").rstrip(".")
        date = session.scalars(select(FieldRow).where(FieldRow.name == "invoice_date")).one()
        assert date.value_date is not None and date.value_date.isoformat() == original.value("invoice_date")


def test_same_file_is_the_same_document_and_reprocessing_adds_a_version(db: Database) -> None:
    first = synthetic_extraction(1)
    db.write(lambda tx: store_extraction(tx, first), actor="test")
    again = db.write(lambda tx: store_extraction(tx, first), actor="test")
    assert (again.created, again.new_version, again.version) == (False, False, 1)

    changed = first.with_fields(
        [*(f for f in first.fields if f.name != "total"), Field("total", "999.99", confidence=1)]
    )
    changed = replace(changed, status=ExtractionStatus.NEEDS_REVIEW)
    second = db.write(lambda tx: store_extraction(tx, changed, reprocess=True), actor="test")
    assert (second.document_id, second.version, second.new_version) == (again.document_id, 2, True)
    assert second.status is DocumentStatus.NEEDS_REVIEW
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(DocumentRow)) == 1
        v1 = load_extraction(session, second.document_id, version=1)
        v2 = load_extraction(session, second.document_id)
        assert v1 is not None and v2 is not None
        assert v1.value("total") == first.value("total")  # the old version is kept, not overwritten
        assert v2.value("total") == "999.99"
        view = session.execute(select(invoices_v1)).one()
        assert (view.extraction_version, view.total, view.status) == (2, 999.99, "needs_review")
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["vendor_created", "stored", "reprocessed"]  # auto-approved: its new vendor joined


def test_failed_files_are_recorded_with_their_error(db: Database, tmp_path: Path) -> None:
    missing = failed_extraction(tmp_path / "gone.pdf", "missing_file", "no such file", None, None)
    empty = failed_extraction(BAD / "empty.pdf", "empty_file", "the file is empty (0 bytes)", "copy it again", None)
    a = db.write(lambda tx: store_extraction(tx, missing), actor="test")
    b = db.write(lambda tx: store_extraction(tx, empty), actor="test")
    again = db.write(lambda tx: store_extraction(tx, missing), actor="test")  # same path, no hash: same document
    assert a.status is b.status is DocumentStatus.FAILED
    assert again.document_id == a.document_id and not again.new_version
    with db.read() as session:
        rows = {r.id: r for r in session.scalars(select(DocumentRow))}
        assert rows[a.document_id].sha256 is None
        assert rows[a.document_id].error_code == "missing_file"
        assert rows[b.document_id].sha256 is not None  # an empty file still has a hash
        assert (rows[b.document_id].error_message, rows[b.document_id].error_hint) == (
            "the file is empty (0 bytes)",
            "copy it again",
        )
        view = session.execute(select(invoices_v1).where(invoices_v1.c.invoice_id == b.document_id)).one()
        assert (view.status, view.error_code, view.total) == ("failed", "empty_file", None)


def test_values_that_do_not_parse_keep_their_text(db: Database) -> None:
    ex = synthetic_extraction(2)
    fields = [f for f in ex.fields if f.name not in ("total", "invoice_date")]
    fields += [Field("total", "12,50 EUR", confidence=0.5), Field("invoice_date", "31.02.2024", confidence=0.5)]
    items = (replace(ex.line_items[0], quantity="two", amount="7.5"),)
    ex = replace(ex.with_fields(fields), line_items=items)
    stored = db.write(lambda tx: store_extraction(tx, ex), actor="test")
    with db.read() as session:
        total = session.scalars(select(FieldRow).where(FieldRow.name == "total")).one()
        assert (total.value, total.value_number) == ("12,50 EUR", None)
        line = session.scalars(select(LineItemRow)).one()
        assert line.quantity is None and line.raw == {"quantity": "two"} and line.amount == 7.5
        loaded = load_extraction(session, stored.document_id)
        assert loaded is not None and loaded.line_items[0].quantity == "two"
        view = session.execute(select(invoices_v1)).one()
        assert view.total is None and view.invoice_date is None


@pytest.mark.parametrize(
    ("extraction_status", "document_status"),
    [
        (ExtractionStatus.AUTO_APPROVED, DocumentStatus.APPROVED),
        (ExtractionStatus.NEEDS_REVIEW, DocumentStatus.NEEDS_REVIEW),
        (ExtractionStatus.FAILED, DocumentStatus.FAILED),
        (ExtractionStatus.PENDING, DocumentStatus.NEW),
    ],
)
def test_status_mapping(extraction_status: ExtractionStatus, document_status: DocumentStatus) -> None:
    assert status_for_extraction(extraction_status) is document_status


def test_store_registry_names_the_sql_store() -> None:
    assert {"none", "sql"} <= set(STORES.names())
    with pytest.raises(UnknownBackendError, match="sql"):
        STORES.create("mongo")


def test_sql_store_stage_in_the_pipeline(db: Database, settings: Settings) -> None:
    from invoicer.ocr.engines import FakeOcrEngine
    from invoicer.tagging import FakeTagger

    pipeline = Pipeline.from_settings(
        settings,
        store="sql",
        ocr_engine=FakeOcrEngine(),
        tagger=FakeTagger({"invoice_number": ("RE-2024-0815", "RE-2024-0815"), "total": ("319.45", "319,45 €")}),
    )
    store = pipeline.stages[-1]
    assert isinstance(store, SqlStore)
    store.use(db)
    with pipeline:
        extraction = pipeline.process(DOCUMENTS / "invoice_born_digital.pdf")
        result = store.take_result()
    assert result is not None and result.created
    assert extraction.value("invoice_number") == "RE-2024-0815"
    with db.read() as session:
        doc = session.get(DocumentRow, result.document_id)
        assert doc is not None and doc.sha256 == extraction.document.sha256
        row = session.scalars(select(ExtractionRow)).one()
        assert row.created_by == "pipeline"
        assert row.document_json is not None and row.document_json["pages"][0]["lines"]
        assert session.scalars(select(FieldRow.value).where(FieldRow.name == "invoice_number")).one() == "RE-2024-0815"
