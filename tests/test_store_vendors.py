"""Vendor master linking (match_vendor against the stored vendors) and duplicate bills."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from invoicer.document import Extraction, ExtractionStatus, Field
from invoicer.errors import ReviewError
from invoicer.store.database import Database
from invoicer.store.models import ExtractionRow, Vendor
from invoicer.store.pull import invoices_v1
from invoicer.store.records import store_extraction
from invoicer.store.review import approve, details, reject
from invoicer.store.synthetic import synthetic_extraction
from invoicer.store.testing import migrated_sqlite
from invoicer.store.vendors import add_alias, add_vendor, list_vendors


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


def _invoice(
    k: int,
    *,
    vendor: str,
    tax_id: str | None = None,
    number: str | None = None,
    total: str | None = None,
    status: ExtractionStatus = ExtractionStatus.AUTO_APPROVED,
) -> Extraction:
    ex = synthetic_extraction(k, review_share=0.0)
    changes = {"vendor_name": vendor, "vendor_tax_id": tax_id, "invoice_number": number, "total": total}
    fields = [f for f in ex.fields if f.name not in changes or (changes[f.name] is None and f.name != "vendor_tax_id")]
    fields += [Field(name, value, confidence=0.99) for name, value in changes.items() if value is not None]
    return replace(ex.with_fields(fields), status=status)


def _store(db: Database, ex: Extraction) -> int:
    return db.write(lambda tx: store_extraction(tx, ex), actor="pipeline").document_id


def _vendor_of(db: Database, document_id: int) -> int | None:
    with db.read() as session:
        vendor_id: int | None = session.execute(
            select(invoices_v1.c.vendor_id).where(invoices_v1.c.invoice_id == document_id)
        ).scalar_one()
        return vendor_id


def test_new_vendors_join_the_master_and_later_invoices_match(db: Database) -> None:
    first = _store(db, _invoice(1, vendor="Nordlicht Bürobedarf GmbH", tax_id="DE136695976"))
    vendors = list_vendors(db)
    assert [(v.name, v.tax_id) for v in vendors] == [("Nordlicht Bürobedarf GmbH", "DE136695976")]
    assert _vendor_of(db, first) == vendors[0].id
    by_name = _store(db, _invoice(2, vendor="NORDLICHT BÜROBEDARF"))  # legal form and case differ
    by_tax_id = _store(db, _invoice(3, vendor="Nordl1cht Buero", tax_id="DE 136 695 976"))  # OCR-garbled name
    assert _vendor_of(db, by_name) == _vendor_of(db, by_tax_id) == vendors[0].id
    assert len(list_vendors(db)) == 1
    with db.read() as session:
        reasons = session.scalars(select(ExtractionRow.vendor_match).order_by(ExtractionRow.id)).all()
    assert str(reasons[0]).startswith("new vendor") and "tax id" in str(reasons[2])


def test_unreviewed_vendors_wait_for_a_person(db: Database) -> None:
    document_id = _store(db, _invoice(4, vendor="Unknown Trader Ltd", status=ExtractionStatus.NEEDS_REVIEW))
    assert _vendor_of(db, document_id) is None and list_vendors(db) == []
    approve(db, document_id, person="alice")
    assert [v.name for v in list_vendors(db)] == ["Unknown Trader Ltd"]
    assert _vendor_of(db, document_id) == list_vendors(db)[0].id


def test_a_duplicate_bill_goes_to_review(db: Database) -> None:
    first = _store(db, _invoice(5, vendor="Acme Supplies Ltd", number="RE-2024-0815", total="119.00"))
    # another file (a re-scan): same vendor, the same number written differently, same total
    second = _store(db, _invoice(6, vendor="ACME Supplies", number="Rechnungs-Nr. RE 2024 0815", total="119.0"))
    detail = details(db, second)
    assert detail.status.value == "needs_review"
    duplicate = [v for v in detail.extraction.validation if v.rule == "duplicate"]
    assert duplicate and duplicate[0].outcome.value == "fail" and f"invoice {first}" in duplicate[0].message
    other_total = _store(db, _invoice(7, vendor="Acme Supplies Ltd", number="RE-2024-0815", total="120.00"))
    assert details(db, other_total).status.value == "approved"
    reject(db, first, person="bob", reason="test")  # a rejected bill no longer counts
    third = _store(db, _invoice(8, vendor="Acme Supplies Ltd", number="RE-2024-0815", total="119.00"))
    assert [v.message for v in details(db, third).extraction.validation if v.rule == "duplicate"] == [
        f"same vendor, invoice number and total as invoice {second}"
    ]


def test_vendor_master_edits(db: Database) -> None:
    vendor_id = add_vendor(db, "Tan Hardware Sdn Bhd", tax_id=None, iban=None, aliases=("TAN HW",), person="alice")
    with pytest.raises(ReviewError, match="already has this name"):
        add_vendor(db, "TAN HARDWARE", tax_id=None, iban=None, aliases=(), person="alice")
    add_alias(db, vendor_id, "Tan Hardware Trading", person="alice")
    with pytest.raises(ReviewError, match="already belongs"):
        add_alias(db, vendor_id, "tan hw", person="alice")
    with pytest.raises(ReviewError, match="no vendor with id 42"):
        add_alias(db, 42, "x", person="alice")
    assert list_vendors(db)[0].aliases == ("TAN HW", "Tan Hardware Trading")
    matched = _store(db, _invoice(9, vendor="Tan Hardware Trading"))
    assert _vendor_of(db, matched) == vendor_id
    with db.read() as session:
        assert session.scalar(select(Vendor.name_key)) == "tan hardware"


def test_vendors_commands(db_path: Path) -> None:
    from invoicer.cli import app

    runner = CliRunner()
    env = {"INVOICER_DATABASE_URL": f"sqlite:///{db_path}"}
    added = runner.invoke(
        app, ["vendors", "add", "Café Zürich AG", "--tax-id", "CHE-116.281.710", "--by", "a"], env=env
    )
    assert added.exit_code == 0 and "vendor 1: Café Zürich AG" in added.output
    assert runner.invoke(app, ["vendors", "alias", "1", "Cafe Zurich", "--by", "a"], env=env).exit_code == 0
    listed = runner.invoke(app, ["vendors", "list"], env=env)
    assert "1\tCafé Zürich AG\ttax id CHE-116.281.710" in listed.output and "alias: Cafe Zurich" in listed.output
    again = runner.invoke(app, ["vendors", "add", "Cafe Zurich AG", "--by", "a"], env=env)
    assert again.exit_code == 2 and "is an alias of vendor 1" in again.output
