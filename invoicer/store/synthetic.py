"""Synthetic stored invoices for tests and the export benchmark (no model or real data involved).

:func:`synthetic_extraction` builds a plausible, internally consistent extraction (header fields,
line items that add up, validation results) from a seed; :func:`store_many` writes many of them
through the normal :func:`~invoicer.store.records.store_extraction` path in batches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable
from decimal import Decimal

from invoicer.document import (
    Document,
    Extraction,
    ExtractionStatus,
    Field,
    Line,
    LineItem,
    Page,
    RuleOutcome,
    ValidationResult,
    Word,
    WordSource,
)
from invoicer.store.database import Database
from invoicer.store.records import StoredDocument, store_extraction

__all__ = ["VENDORS", "store_many", "synthetic_extraction"]

VENDORS = (  # tax ids with valid check digits
    ("Müller Bürobedarf GmbH", "DE136695976", "EUR"),
    ("Acme Supplies Ltd", "GB100000034", "GBP"),
    ("Boulangerie Dupont SARL", "FR40303265045", "EUR"),
    ("Tan Hardware Sdn Bhd", None, "MYR"),
    ('Smith & Sons "Printing"; Inc.', None, "USD"),
    ("Café Zürich AG", None, "CHF"),
)
GOODS = ("Paper A4 80g", "Toner cartridge", "Screws M6x40", "Consulting hour", "Delivery", "Café crème", "Ink; blue")
CENT = Decimal("0.01")


def synthetic_extraction(k: int, *, lines: int = 3, review_share: float = 0.2, seed: int = 0) -> Extraction:
    """Invoice number ``k``: deterministic for (``k``, ``seed``); totals add up; some need review."""
    rng = random.Random(seed * 1_000_003 + k)
    vendor, tax_id, currency = VENDORS[k % len(VENDORS)]
    items = []
    subtotal = Decimal(0)
    for _ in range(lines):
        qty = Decimal(rng.randint(1, 12))
        price = (Decimal(rng.randint(50, 250_00)) / 100).quantize(CENT)
        amount = (qty * price).quantize(CENT)
        subtotal += amount
        items.append(LineItem(rng.choice(GOODS), str(qty), str(price), str(amount), "19", confidence=0.95, page=1))
    tax = (subtotal * Decimal("0.19")).quantize(CENT)
    date = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
    values = {
        "vendor_name": vendor,
        "vendor_tax_id": tax_id,
        "invoice_number": f"INV-{seed}-{k:06d}",
        "invoice_date": date.isoformat(),
        "due_date": (date + dt.timedelta(days=30)).isoformat(),
        "currency": currency,
        "subtotal": str(subtotal),
        "tax_total": str(tax),
        "total": str(subtotal + tax),
    }
    fields = [
        Field(name, value, raw=value, confidence=0.97, page=1, bbox=(50.0, 40.0 + 12 * i, 250.0, 50.0 + 12 * i))
        for i, (name, value) in enumerate(values.items())
        if value is not None
    ]
    needs_review = rng.random() < review_share
    validation = (
        ValidationResult("pages_read", RuleOutcome.PASS, "every page has text"),
        ValidationResult(
            "confidence",
            RuleOutcome.FAIL if needs_review else RuleOutcome.PASS,
            "low confidence (< 0.9) for: total" if needs_review else "all fields confident",
            ("total",) if needs_review else (),
        ),
    )
    sha = hashlib.sha256(f"synthetic-invoice-{seed}-{k}".encode()).hexdigest()
    page = Page(1, 595.0, 842.0, None, WordSource.TEXT_LAYER, (Line((Word(vendor, (50.0, 40.0, 250.0, 50.0)),)),))
    document = Document(
        sha, f"invoice-{k:06d}.pdf", "application/pdf", 20_000 + k, (page,), f"/inbox/invoice-{k:06d}.pdf"
    )
    status = ExtractionStatus.NEEDS_REVIEW if needs_review else ExtractionStatus.AUTO_APPROVED
    return Extraction(document, tuple(fields), tuple(items), validation, status)


def store_many(
    database: Database, extractions: Iterable[Extraction], *, batch: int = 500, actor: str = "synthetic"
) -> list[StoredDocument]:
    """Store extractions ``batch`` per transaction; returns what each store did."""
    results: list[StoredDocument] = []
    pending: list[Extraction] = []

    def flush() -> None:
        chunk = list(pending)
        results.extend(database.write(lambda tx: [store_extraction(tx, e) for e in chunk], actor=actor))
        pending.clear()

    for extraction in extractions:
        pending.append(extraction)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return results
