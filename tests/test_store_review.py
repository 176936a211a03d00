"""The review queue: reasons, corrections with re-validation, approve / reject, and the audit log."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from invoicer.config import ValidateSettings
from invoicer.document import ExtractionStatus
from invoicer.errors import ReviewError
from invoicer.store.database import Database
from invoicer.store.models import AuditEntry, FieldRow
from invoicer.store.pull import mark_exported
from invoicer.store.records import store_extraction
from invoicer.store.review import approve, check_field_value, details, reject, review_queue, set_field
from invoicer.store.status import DocumentStatus
from invoicer.store.synthetic import synthetic_extraction
from invoicer.store.testing import migrated_sqlite
from invoicer.validate import DEFAULT_RULES, ValidateStage

RULES = ValidateSettings(field_min_confidence=())  # one threshold for all fields: the fake confidences are raw


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrated_sqlite(path).dispose()
    return path


@pytest.fixture
def db_path(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "inv.db"
    shutil.copy(template, path)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{db_path}")
    yield database
    database.dispose()


def _needs_review(db: Database) -> int:
    """A stored invoice whose total is missing: validation says so."""
    ex = synthetic_extraction(7, review_share=0.0)
    ex = ex.with_fields(f for f in ex.fields if f.name != "total")
    ex = ValidateStage(RULES, DEFAULT_RULES).run(ex, deadline=_never())
    assert ex.status is ExtractionStatus.NEEDS_REVIEW
    return db.write(lambda tx: store_extraction(tx, ex), actor="pipeline").document_id


def _never():  # type: ignore[no-untyped-def]
    from invoicer.limits import Deadline

    return Deadline.never()


def test_queue_lists_documents_with_their_reasons(db: Database) -> None:
    document_id = _needs_review(db)
    approved = synthetic_extraction(8, review_share=0.0)
    db.write(lambda tx: store_extraction(tx, approved), actor="pipeline")
    queue = review_queue(db)
    assert [item.document_id for item in queue] == [document_id]
    assert any("total" in reason for reason in queue[0].reasons)
    assert len(review_queue(db, [DocumentStatus.NEEDS_REVIEW, DocumentStatus.APPROVED])) == 2


def test_correcting_a_field_revalidates_and_is_audited(db: Database) -> None:
    document_id = _needs_review(db)
    with db.read() as session:
        subtotal = session.scalars(select(FieldRow.value).where(FieldRow.name == "subtotal")).one()
        tax = session.scalars(select(FieldRow.value).where(FieldRow.name == "tax_total")).one()
    wrong = set_field(db, document_id, "total", "1.00", person="alice", validate=RULES)
    assert wrong.old_value is None and wrong.new_value == "1.00"
    assert any(r.startswith("totals_add_up") for r in wrong.reasons)  # the rules ran on the corrected value
    right = f"{float(subtotal or 0) + float(tax or 0):.2f}"
    change = set_field(db, document_id, "total", right, person="alice", validate=RULES)
    assert change.reasons == () and change.status is DocumentStatus.NEEDS_REVIEW  # approval stays explicit
    detail = details(db, document_id)
    total = detail.extraction.field("total")
    assert total is not None and (total.value, total.source, total.confidence) == (right, "person", 1.0)
    assert detail.revision == 3
    audit = [(a.actor, a.action, a.field, a.old_value, a.new_value) for a in detail.audit]
    assert audit[-2:] == [
        ("person:alice", "set_field", "total", None, "1.00"),
        ("person:alice", "set_field", "total", "1.00", right),
    ]
    cleared = set_field(db, document_id, "po_number", "PO-1", person="bob", validate=RULES)
    assert cleared.new_value == "PO-1"
    removed = set_field(db, document_id, "po_number", None, person="bob", validate=RULES)
    assert removed.old_value == "PO-1" and details(db, document_id).extraction.field("po_number") is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("total", "12,50", "decimal number"),
        ("invoice_date", "14.03.2024", "YYYY-MM-DD"),
        ("invoice_date", "2024-02-30", "YYYY-MM-DD"),
        ("currency", "euro", "ISO 4217"),
        ("colour", "red", "unknown field"),
        ("vendor_name", "   ", "empty value"),
    ],
)
def test_invalid_values_are_refused(name: str, value: str, message: str) -> None:
    with pytest.raises(ReviewError, match=message):
        check_field_value(name, value)


def test_values_are_normalized() -> None:
    assert check_field_value("currency", " eur ") == "EUR"
    assert check_field_value("total", " 1234.5 ") == "1234.5"


def test_approve_and_reject_follow_the_lifecycle(db: Database) -> None:
    document_id = _needs_review(db)
    with pytest.raises(ReviewError, match="say why"):
        reject(db, document_id, person="bob", reason=" ")
    assert reject(db, document_id, person="bob", reason="duplicate of 12") is DocumentStatus.REJECTED
    assert approve(db, document_id, person="alice", note="not a duplicate") is DocumentStatus.APPROVED
    with pytest.raises(ReviewError, match="is approved and cannot be approved"):
        approve(db, document_id, person="alice")
    mark_exported(db, [document_id], system="erp")
    with pytest.raises(ReviewError, match="is exported and cannot be rejected"):
        reject(db, document_id, person="bob", reason="too late")
    with pytest.raises(ReviewError, match="cannot be corrected"):
        set_field(db, document_id, "total", "5.00", person="bob", validate=RULES)
    with pytest.raises(ReviewError, match="no document with id 999"):
        approve(db, 999, person="alice")
    with db.read() as session:
        trail = session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.old_value, AuditEntry.new_value, AuditEntry.detail)
            .where(AuditEntry.field == "status")
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(t) for t in trail] == [
        ("pipeline", "stored", None, "needs_review", trail[0].detail),
        ("person:bob", "rejected", "needs_review", "rejected", "duplicate of 12"),
        ("person:alice", "approved", "rejected", "approved", "not a duplicate"),
        ("pull:erp", "exported", "approved", "exported", None),
    ]


def test_failed_documents_cannot_be_approved(db: Database) -> None:
    failed = replace(synthetic_extraction(3), status=ExtractionStatus.FAILED, fields=(), line_items=())
    document_id = db.write(lambda tx: store_extraction(tx, failed), actor="pipeline").document_id
    with pytest.raises(ReviewError, match="is failed"):
        approve(db, document_id, person="alice")


def test_review_commands(db: Database, db_path: Path) -> None:
    from invoicer.cli import app

    document_id = _needs_review(db)
    runner = CliRunner()
    env = {"INVOICER_DATABASE_URL": f"sqlite:///{db_path}"}
    listed = runner.invoke(app, ["review", "list"], env=env)
    assert listed.exit_code == 0 and f"{document_id}\tneeds_review" in listed.output and "total" in listed.output
    bad = runner.invoke(app, ["review", "set-field", str(document_id), "total", "abc", "--by", "carol"], env=env)
    assert bad.exit_code == 2 and "decimal number" in bad.output
    ok = runner.invoke(
        app, ["review", "set-field", str(document_id), "invoice_date", "2026-02-01", "--by", "carol"], env=env
    )
    assert ok.exit_code == 0 and "'2026-02-01'" in ok.output
    shown = runner.invoke(app, ["review", "show", str(document_id)], env=env)
    assert shown.exit_code == 0 and "person:carol set_field invoice_date" in shown.output
    as_json = runner.invoke(app, ["review", "show", str(document_id), "--json"], env=env)
    assert '"invoice_date"' in as_json.output and '"source": "person"' in as_json.output
    approved = runner.invoke(app, ["review", "approve", str(document_id), "--by", "carol"], env=env)
    assert approved.exit_code == 0 and "approved" in approved.output
    rejected = runner.invoke(app, ["review", "reject", str(document_id), "--reason", "wrong", "--by", "dan"], env=env)
    assert rejected.exit_code == 0 and "rejected" in rejected.output
    assert "0 document(s)" in runner.invoke(app, ["review", "list"], env=env).output
