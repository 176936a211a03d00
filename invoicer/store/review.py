"""The review queue: what needs a person and why, corrections, approval and rejection.

Every change goes through :meth:`Database.write` and lands in the audit log with the person's name
(``person:<name>``). A corrected field gets ``source = "person"`` and confidence 1; the validation
rules run again on the corrected extraction so the reasons shown stay true, but only an explicit
:func:`approve` moves a document to ``approved``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from invoicer.config import ValidateSettings
from invoicer.document import DATE_FIELDS, FIELD_NAMES, MONEY_FIELDS, Extraction, Field
from invoicer.errors import ReviewError
from invoicer.limits import Deadline
from invoicer.store.database import Database, Transaction
from invoicer.store.models import AuditEntry, DocumentRow, ExtractionRow, FieldRow, ValidationRow
from invoicer.store.records import (
    duplicate_check,
    field_row,
    load_extraction,
    parse_date,
    parse_decimal,
    set_field_value,
    touch,
    validation_rows,
)
from invoicer.store.status import APPROVABLE, EDITABLE, REJECTABLE, DocumentStatus
from invoicer.store.vendors import duplicate_key_text, link_vendor
from invoicer.validate.policy import ValidationPolicy

__all__ = [
    "DocumentDetail",
    "FieldChange",
    "QueueItem",
    "approve",
    "check_field_value",
    "details",
    "reject",
    "review_queue",
    "set_field",
]


@dataclass(frozen=True)
class QueueItem:
    """One document waiting for a person, with the reasons (failed rules or the error)."""

    document_id: int
    status: DocumentStatus
    source_name: str
    original_path: str | None
    updated_at: dt.datetime
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class AuditRecord:
    at: dt.datetime
    actor: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    detail: str | None


@dataclass(frozen=True)
class DocumentDetail:
    """Everything a reviewer needs about one document."""

    document_id: int
    status: DocumentStatus
    revision: int
    source_name: str
    original_path: str | None
    versions: tuple[int, ...]
    current_version: int | None
    extraction: Extraction
    review_note: str | None
    error: str | None
    audit: tuple[AuditRecord, ...]


@dataclass(frozen=True)
class FieldChange:
    document_id: int
    field: str
    old_value: str | None
    new_value: str | None
    status: DocumentStatus
    reasons: tuple[str, ...]  # failed rules after the change


_CURRENCY = re.compile(r"^[A-Z]{3}$")


def check_field_value(name: str, value: str | None) -> str | None:
    """The normalized value a person may set for field ``name``; raises :class:`ReviewError` if invalid."""
    if name not in FIELD_NAMES:
        raise ReviewError(f"unknown field {name!r}", hint=f"fields: {', '.join(FIELD_NAMES)}")
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise ReviewError(f"empty value for {name}", hint="use --clear to remove a field")
    if name in MONEY_FIELDS:
        number = parse_decimal(value)
        if number is None:
            raise ReviewError(f"{name} must be a decimal number like 1234.50, got {value!r}")
        return format(number, "f")
    if name in DATE_FIELDS and parse_date(value) is None:
        raise ReviewError(f"{name} must be a date written YYYY-MM-DD, got {value!r}")
    if name == "currency":
        value = value.upper()
        if not _CURRENCY.match(value):
            raise ReviewError(f"currency must be a 3-letter ISO 4217 code like EUR, got {value!r}")
    return value


def _reasons(session: Session, extraction_id: int | None, doc: DocumentRow) -> tuple[str, ...]:
    reasons: list[str] = []
    if doc.error_message:
        reasons.append(f"{doc.error_code}: {doc.error_message}")
    if extraction_id is not None:
        rows = session.scalars(
            select(ValidationRow)
            .where(ValidationRow.extraction_id == extraction_id, ValidationRow.outcome == "fail")
            .order_by(ValidationRow.position)
        )
        reasons.extend(f"{r.rule}: {r.message}" for r in rows)
    if doc.export_error:
        reasons.append(f"export failed ({doc.export_system}): {doc.export_error}")
    return tuple(reasons)


def _current_extraction_id(session: Session, doc: DocumentRow) -> int | None:
    if doc.current_version is None:
        return None
    return session.scalar(
        select(ExtractionRow.id).where(
            ExtractionRow.document_id == doc.id, ExtractionRow.version == doc.current_version
        )
    )


def review_queue(
    database: Database, statuses: Iterable[DocumentStatus] = (DocumentStatus.NEEDS_REVIEW,), limit: int | None = None
) -> list[QueueItem]:
    """Documents in ``statuses`` (oldest change first) with the reasons they are there."""
    with database.read() as session:
        stmt = (
            select(DocumentRow)
            .where(DocumentRow.status.in_([s.value for s in statuses]))
            .order_by(DocumentRow.updated_at, DocumentRow.id)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        items = []
        for doc in session.scalars(stmt):
            items.append(
                QueueItem(
                    doc.id,
                    DocumentStatus(doc.status),
                    doc.source_name,
                    doc.original_path,
                    doc.updated_at,
                    _reasons(session, _current_extraction_id(session, doc), doc),
                )
            )
        return items


def _document(session: Session, document_id: int) -> DocumentRow:
    doc = session.get(DocumentRow, document_id)
    if doc is None:
        raise ReviewError(f"no document with id {document_id}", hint="see `invoicer review list`")
    return doc


def details(database: Database, document_id: int) -> DocumentDetail:
    """The document, its current extraction and its audit trail."""
    with database.read() as session:
        doc = _document(session, document_id)
        extraction = load_extraction(session, document_id)
        assert extraction is not None
        versions = tuple(
            session.scalars(
                select(ExtractionRow.version).where(ExtractionRow.document_id == doc.id).order_by(ExtractionRow.version)
            )
        )
        audit = tuple(
            AuditRecord(a.at, a.actor, a.action, a.field, a.old_value, a.new_value, a.detail)
            for a in session.scalars(
                select(AuditEntry).where(AuditEntry.document_id == doc.id).order_by(AuditEntry.at, AuditEntry.id)
            )
        )
        return DocumentDetail(
            doc.id,
            DocumentStatus(doc.status),
            doc.revision,
            doc.source_name,
            doc.original_path,
            versions,
            doc.current_version,
            extraction,
            doc.review_note,
            f"{doc.error_code}: {doc.error_message}" if doc.error_code else None,
            audit,
        )


def set_field(
    database: Database,
    document_id: int,
    name: str,
    value: str | None,
    *,
    person: str,
    validate: ValidateSettings,
) -> FieldChange:
    """Correct (or with ``value=None`` remove) a header field of a document's current extraction."""
    new_value = check_field_value(name, value)

    def work(tx: Transaction) -> FieldChange:
        session = tx.session
        doc = _document(session, document_id)
        status = DocumentStatus(doc.status)
        if status not in EDITABLE:
            raise ReviewError(
                f"document {document_id} is {status.value}; its fields cannot be corrected",
                hint="exported documents are corrected in the accounting system; failed ones need re-processing",
            )
        extraction_id = _current_extraction_id(session, doc)
        if extraction_id is None:  # pragma: no cover - EDITABLE statuses always have an extraction
            raise ReviewError(f"document {document_id} has no extraction yet")
        row = session.scalars(
            select(FieldRow).where(FieldRow.extraction_id == extraction_id, FieldRow.name == name)
        ).one_or_none()
        old_value = row.value if row is not None else None
        if old_value == new_value:
            raise ReviewError(f"{name} of document {document_id} is already {new_value!r}; nothing changed")
        if new_value is None:
            assert row is not None
            session.delete(row)
        elif row is None:
            session.add(
                _with_extraction(
                    field_row(Field(name, new_value, confidence=1.0, source="person"), tx.now), extraction_id
                )
            )
        else:
            set_field_value(row, new_value)
            row.source = "person"
            row.confidence = 1.0
            row.updated_at = tx.now
        session.flush()
        reasons = _revalidate(tx, doc, extraction_id, validate, relink=name in ("vendor_name", "vendor_tax_id"))
        touch(tx, doc)
        tx.audit(
            "set_field",
            document_id=doc.id,
            extraction_id=extraction_id,
            field=name,
            old_value=old_value,
            new_value=new_value,
        )
        return FieldChange(doc.id, name, old_value, new_value, status, reasons)

    return database.write(work, actor=f"person:{person}")


def _with_extraction(row: FieldRow, extraction_id: int) -> FieldRow:
    row.extraction_id = extraction_id
    return row


def _revalidate(
    tx: Transaction, doc: DocumentRow, extraction_id: int, settings: ValidateSettings, *, relink: bool
) -> tuple[str, ...]:
    """Run the rules (and the duplicate check) again on the corrected extraction; replace its results."""
    from invoicer.validate import ValidateStage

    session = tx.session
    session.expire_all()
    extraction = load_extraction(session, doc.id)
    row = session.get(ExtractionRow, extraction_id)
    assert extraction is not None and row is not None
    # values in the database are already normalized (a person's are checked by check_field_value)
    checked = ValidateStage(settings, normalize=False).run(extraction, Deadline.never())
    if relink:
        link = link_vendor(tx, checked, ValidationPolicy.from_settings(settings), create=False)
        row.vendor_id, row.vendor_match = link.vendor_id, link.reason
    row.duplicate_key = duplicate_key_text(checked, row.vendor_id)
    duplicate = duplicate_check(session, row.duplicate_key, doc.id)
    results = (*checked.validation, duplicate) if duplicate is not None else checked.validation
    for old in session.scalars(select(ValidationRow).where(ValidationRow.extraction_id == extraction_id)):
        session.delete(old)
    session.flush()
    for new in validation_rows(results):
        new.extraction_id = extraction_id
        session.add(new)
    session.flush()
    return tuple(f"{r.rule}: {r.message}" for r in results if r.outcome.value == "fail")


def approve(
    database: Database,
    document_id: int,
    *,
    person: str,
    note: str | None = None,
    validate: ValidateSettings | None = None,
) -> DocumentStatus:
    """Approve a document for export (from ``needs_review`` or ``rejected``).

    An approved document's vendor is now trusted: if it matched no vendor, it joins the vendor master.
    """
    policy = ValidationPolicy.from_settings(validate or ValidateSettings())
    return _move(database, document_id, DocumentStatus.APPROVED, APPROVABLE, person=person, note=note, policy=policy)


def reject(database: Database, document_id: int, *, person: str, reason: str) -> DocumentStatus:
    """Reject a document: it will not be exported (a reason is required)."""
    if not reason or not reason.strip():
        raise ReviewError("say why the document is rejected", hint="--reason TEXT")
    return _move(database, document_id, DocumentStatus.REJECTED, REJECTABLE, person=person, note=reason.strip())


def _move(
    database: Database,
    document_id: int,
    target: DocumentStatus,
    allowed: frozenset[DocumentStatus],
    *,
    person: str,
    note: str | None,
    policy: ValidationPolicy | None = None,
) -> DocumentStatus:
    def work(tx: Transaction) -> DocumentStatus:
        doc = _document(tx.session, document_id)
        status = DocumentStatus(doc.status)
        if status not in allowed:
            raise ReviewError(
                f"document {document_id} is {status.value} and cannot be {target.value}",
                hint=f"only {', '.join(sorted(s.value for s in allowed))} documents can be {target.value}",
            )
        if policy is not None:
            _link_approved_vendor(tx, doc, policy)
        doc.status = target.value
        doc.review_note = note
        touch(tx, doc)
        tx.audit(
            target.value,
            document_id=doc.id,
            extraction_id=_current_extraction_id(tx.session, doc),
            field="status",
            old_value=status.value,
            new_value=target.value,
            detail=note,
        )
        return target

    return database.write(work, actor=f"person:{person}")


def _link_approved_vendor(tx: Transaction, doc: DocumentRow, policy: ValidationPolicy) -> None:
    extraction_id = _current_extraction_id(tx.session, doc)
    row = tx.session.get(ExtractionRow, extraction_id) if extraction_id is not None else None
    if row is None or row.vendor_id is not None:
        return
    extraction = load_extraction(tx.session, doc.id)
    assert extraction is not None
    link = link_vendor(tx, extraction, policy, create=True)
    row.vendor_id, row.vendor_match = link.vendor_id, link.reason
    row.duplicate_key = duplicate_key_text(extraction, link.vendor_id)
