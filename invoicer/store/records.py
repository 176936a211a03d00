"""Writing extractions to the database and reading them back.

:func:`store_extraction` is what the ``sql`` store stage and ``invoicer run`` call: the same file
(sha256) is always the same document; a new extraction version is added only when re-processing
is asked for (or the document was registered but never extracted). :func:`load_extraction`
rebuilds the :class:`~invoicer.document.Extraction` of a stored version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from invoicer.document import (
    DATE_FIELDS,
    FIELD_NAMES,
    MONEY_FIELDS,
    Document,
    Extraction,
    ExtractionStatus,
    Field,
    LineItem,
    ProcessingError,
    RuleOutcome,
    ValidationResult,
)
from invoicer.store.database import Transaction
from invoicer.store.models import DocumentRow, ExtractionRow, FieldRow, LineItemRow, ValidationRow
from invoicer.store.status import DocumentStatus, status_for_extraction
from invoicer.validate.policy import ValidationPolicy

__all__ = [
    "StoredDocument",
    "duplicate_check",
    "find_document",
    "load_extraction",
    "parse_date",
    "parse_decimal",
    "store_extraction",
    "touch",
    "validation_rows",
]

#: Largest magnitude a Numeric(18, 4) column holds.
_MAX_AMOUNT = Decimal("1e14")


@dataclass(frozen=True)
class StoredDocument:
    """What storing an extraction did."""

    document_id: int
    version: int | None  # the extraction version now current
    status: DocumentStatus
    created: bool  # a new document row was made
    new_version: bool  # a new extraction version was written (False: the file was stored before)


def parse_decimal(value: str | None) -> Decimal | None:
    """``value`` as a finite decimal that fits the database, else None."""
    if value is None:
        return None
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) >= _MAX_AMOUNT:
        return None
    return number


def parse_date(value: str | None) -> dt.date | None:
    """``value`` as an ISO date (``YYYY-MM-DD``), else None."""
    if value is None or len(value.strip()) != 10:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def touch(tx: Transaction, doc: DocumentRow) -> None:
    """Mark ``doc`` changed in this transaction: new ``updated_at`` (the cursor) and revision."""
    doc.updated_at = tx.now
    doc.revision = (doc.revision or 0) + 1


def find_document(session: Session, *, sha256: str | None, path: str | None) -> DocumentRow | None:
    """The stored document for a file: by content hash, or (unreadable files) by path."""
    if sha256:
        return session.scalars(select(DocumentRow).where(DocumentRow.sha256 == sha256)).one_or_none()
    if path is None:
        return None
    stmt = (
        select(DocumentRow)
        .where(DocumentRow.sha256.is_(None), DocumentRow.original_path == path)
        .order_by(DocumentRow.id)
        .limit(1)
    )
    return session.scalars(stmt).one_or_none()


def duplicate_check(session: Session, key: str | None, document_id: int | None) -> ValidationResult | None:
    """A failed ``duplicate`` rule when another live document has the same bill key, else None."""
    from invoicer.store.vendors import find_duplicate

    if key is None:
        return None
    other = find_duplicate(session, key, document_id)
    if other is None:
        return None
    return ValidationResult(
        "duplicate",
        RuleOutcome.FAIL,
        f"same vendor, invoice number and total as invoice {other}",
        ("vendor_name", "invoice_number", "total"),
    )


def store_extraction(
    tx: Transaction,
    extraction: Extraction,
    *,
    reprocess: bool = False,
    policy: ValidationPolicy | None = None,
) -> StoredDocument:
    """Persist ``extraction``: find or create its document, add an extraction version when due.

    The vendor is matched against the vendor master (a clearly new vendor of an auto-approved
    extraction is added to it), and a bill that duplicates another document's goes to review.
    """
    from invoicer.store.vendors import duplicate_key_text, link_vendor

    session = tx.session
    document = extraction.document
    sha = document.sha256 or None
    doc = find_document(session, sha256=sha, path=document.source_path)
    created = doc is None
    if doc is not None and doc.current_version is not None and not reprocess:
        return StoredDocument(doc.id, doc.current_version, DocumentStatus(doc.status), False, False)
    if doc is None:
        doc = DocumentRow(
            sha256=sha,
            original_path=document.source_path,
            source_name=document.source_name,
            media_type=document.media_type,
            size_bytes=document.size_bytes,
            page_count=document.page_count,
            status=DocumentStatus.NEW.value,
            revision=0,
            created_at=tx.now,
            updated_at=tx.now,
        )
        session.add(doc)
        session.flush()  # the id; a concurrent insert of the same sha fails here and is retried
    last = session.scalar(select(func.max(ExtractionRow.version)).where(ExtractionRow.document_id == doc.id))
    version = (last or 0) + 1
    vendor_id, vendor_reason, key = None, None, None
    if extraction.status is not ExtractionStatus.FAILED:
        link = link_vendor(
            tx, extraction, policy or ValidationPolicy(), create=extraction.status is ExtractionStatus.AUTO_APPROVED
        )
        vendor_id, vendor_reason = link.vendor_id, link.reason
        key = duplicate_key_text(extraction, vendor_id)
        duplicate = duplicate_check(session, key, doc.id)
        if duplicate is not None:
            extraction = replace(
                extraction, validation=(*extraction.validation, duplicate), status=ExtractionStatus.NEEDS_REVIEW
            )
    row = _extraction_row(tx, doc.id, version, extraction)
    row.vendor_id, row.vendor_match, row.duplicate_key = vendor_id, vendor_reason, key
    session.add(row)
    session.flush()
    _insert_children(session, row.id, extraction, tx.now)
    old_status = doc.status
    new_status = status_for_extraction(extraction.status)
    doc.current_version = version
    doc.status = new_status.value
    if document.source_path:
        doc.original_path = document.source_path
    if document.page_count or not doc.page_count:
        doc.page_count = document.page_count
    if document.media_type != "application/octet-stream" or not doc.media_type:
        doc.media_type = document.media_type
    err = extraction.error
    doc.error_code, doc.error_message, doc.error_hint = (err.code, err.message, err.hint) if err else (None, None, None)
    if reprocess and not created:
        doc.export_error = None
    touch(tx, doc)
    tx.audit(
        "stored" if version == 1 else "reprocessed",
        document_id=doc.id,
        extraction_id=row.id,
        field="status",
        old_value=None if created else old_status,
        new_value=new_status.value,
        detail=f"extraction version {version}: {extraction.status.value}"
        + (f" ({err.code}: {err.message})" if err else ""),
    )
    return StoredDocument(doc.id, version, new_status, created, True)


def _extraction_row(tx: Transaction, document_id: int, version: int, extraction: Extraction) -> ExtractionRow:
    err = extraction.error
    row = ExtractionRow(
        document_id=document_id,
        version=version,
        status=extraction.status.value,
        error_code=err.code if err else None,
        error_message=err.message if err else None,
        error_hint=err.hint if err else None,
        error_page=err.page if err else None,
        notes=list(extraction.notes) or None,
        document_json=extraction.document.to_dict() if extraction.document.pages else None,
        created_by=tx.actor,
        created_at=tx.now,
    )
    return row


def _insert_children(session: Session, extraction_id: int, extraction: Extraction, now: dt.datetime) -> None:
    """Fields, line items and validation results of a new extraction row, as bulk inserts."""
    fields = [_row_dict(field_row(f, now)) for f in extraction.fields if f.value is not None]
    lines = [_row_dict(_line_row(k, item)) for k, item in enumerate(extraction.line_items, start=1)]
    checks = [_row_dict(v) for v in validation_rows(extraction.validation)]
    for model, rows in ((FieldRow, fields), (LineItemRow, lines), (ValidationRow, checks)):
        if rows:
            session.execute(insert(model), [r | {"extraction_id": extraction_id} for r in rows])


def _row_dict(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in ("id", "extraction_id")}


def field_row(field: Field, now: dt.datetime) -> FieldRow:
    """The row for ``field`` (typed value filled in when it parses)."""
    row = FieldRow(name=field.name, source=field.source, updated_at=now)
    set_field_value(row, field.value)
    row.raw = field.raw
    row.confidence = field.confidence
    row.page = field.page
    row.bbox_x0, row.bbox_y0, row.bbox_x1, row.bbox_y1 = field.bbox if field.bbox else (None, None, None, None)
    return row


def set_field_value(row: FieldRow, value: str | None) -> None:
    """Set a field row's value and its typed twin (``value_number`` / ``value_date``)."""
    row.value = value
    row.value_number = parse_decimal(value) if row.name in MONEY_FIELDS else None
    row.value_date = parse_date(value) if row.name in DATE_FIELDS else None


def _line_row(position: int, item: LineItem) -> LineItemRow:
    numbers: dict[str, Decimal | None] = {}
    raw: dict[str, str] = {}
    for name in ("quantity", "unit_price", "amount", "tax_rate"):
        text = getattr(item, name)
        numbers[name] = parse_decimal(text)
        if text is not None and numbers[name] is None:
            raw[name] = text  # kept as printed; the typed column stays empty
    x0, y0, x1, y1 = item.bbox if item.bbox else (None, None, None, None)
    return LineItemRow(
        position=position,
        description=item.description,
        raw=raw or None,
        confidence=item.confidence,
        page=item.page,
        bbox_x0=x0,
        bbox_y0=y0,
        bbox_x1=x1,
        bbox_y1=y1,
        **numbers,
    )


def validation_rows(results: Iterable[ValidationResult]) -> list[ValidationRow]:
    return [
        ValidationRow(position=k, rule=r.rule, outcome=r.outcome.value, message=r.message, fields=",".join(r.fields))
        for k, r in enumerate(results, start=1)
    ]


# -- reading back ---------------------------------------------------------------------------------


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def load_extraction(session: Session, document_id: int, version: int | None = None) -> Extraction | None:
    """The stored extraction of a document (its current version unless ``version`` is given)."""
    doc = session.get(DocumentRow, document_id)
    if doc is None:
        return None
    version = version if version is not None else doc.current_version
    row = session.scalars(
        select(ExtractionRow).where(ExtractionRow.document_id == document_id, ExtractionRow.version == version)
    ).one_or_none()
    document = _document(doc, row)
    if row is None:
        return Extraction(document)
    order = {n: i for i, n in enumerate(FIELD_NAMES)}
    fields = sorted((_field(f) for f in row.fields if f.name in order), key=lambda f: order[f.name])
    items = tuple(_item(li) for li in row.line_items)
    validation = tuple(
        ValidationResult(v.rule, RuleOutcome(v.outcome), v.message, tuple(x for x in v.fields.split(",") if x))
        for v in row.validation
    )
    error = (
        ProcessingError(row.error_code, row.error_message or "", row.error_hint, row.error_page)
        if row.error_code
        else None
    )
    return Extraction(
        document=document,
        fields=tuple(fields),
        line_items=items,
        validation=validation,
        status=ExtractionStatus(row.status),
        error=error,
        notes=tuple(row.notes or ()),
    )


def _document(doc: DocumentRow, row: ExtractionRow | None) -> Document:
    if row is not None and row.document_json:
        return Document.from_dict(row.document_json)
    return Document(
        sha256=doc.sha256 or "",
        source_name=doc.source_name,
        media_type=doc.media_type,
        size_bytes=doc.size_bytes,
        source_path=doc.original_path,
    )


def _bbox(row: Any) -> tuple[float, float, float, float] | None:
    if row.bbox_x0 is None:
        return None
    return (row.bbox_x0, row.bbox_y0, row.bbox_x1, row.bbox_y1)


def _field(row: FieldRow) -> Field:
    return Field(
        name=row.name,
        value=row.value,
        raw=row.raw,
        confidence=row.confidence,
        page=row.page,
        bbox=_bbox(row),
        source=row.source,
    )


def _item(row: LineItemRow) -> LineItem:
    raw = row.raw or {}
    values = {
        name: raw.get(name, _decimal_text(getattr(row, name)))
        for name in ("quantity", "unit_price", "amount", "tax_rate")
    }
    return LineItem(description=row.description, confidence=row.confidence, page=row.page, bbox=_bbox(row), **values)
