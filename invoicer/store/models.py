"""SQLAlchemy 2.0 models of invoicer's database.

The schema is made only by the Alembic migrations in ``alembic/`` (``invoicer db upgrade``); these
models describe it, and a test checks that autogenerate finds no difference between the two.

Tables
------
``documents``        one row per input file (identity = sha256); status lifecycle, error, export marks
``extractions``      what the pipeline (or a re-run) found: versioned, never overwritten
``fields``           header fields of an extraction (value, raw, confidence, page, bbox, source)
``line_items``       item rows of an extraction
``validation_results`` rule outcomes of an extraction (why it needs review)
``vendors`` / ``vendor_aliases``  the vendor master
``audit_log``        who or what changed a value or a status, and when
``change_clock``     one row: the last ``updated_at`` handed out (see :mod:`invoicer.store.database`)
``inbox_claims``     one row per file that arrived in the inbox: its work claim, lease and outcome
                     (see :mod:`invoicer.service.claims`)

All timestamps are UTC (``timestamp with time zone`` on PostgreSQL; ISO text on SQLite).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from invoicer.store.status import DocumentStatus

__all__ = [
    "AuditEntry",
    "Base",
    "ChangeClock",
    "DocumentRow",
    "ExtractionRow",
    "FieldRow",
    "InboxClaim",
    "LineItemRow",
    "UtcDateTime",
    "ValidationRow",
    "Vendor",
    "VendorAlias",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: 64-bit ids on PostgreSQL; SQLite's INTEGER PRIMARY KEY (the rowid) is already 64-bit.
BigId = BigInteger().with_variant(Integer(), "sqlite")
#: Money and quantities: exact decimals with 4 places.
Amount = Numeric(18, 4)
JsonData = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every database (naive datetimes are refused)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: invoicer stores UTC timestamps with a timezone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # SQLite through raw SQL
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _status_check(column: str, values: type[DocumentStatus] | tuple[str, ...], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


EXTRACTION_STATUSES = ("pending", "auto_approved", "needs_review", "failed")
FIELD_SOURCES = ("model", "rule", "person")
RULE_OUTCOMES = ("pass", "fail", "skip")


class DocumentRow(Base):
    """One input file. ``id`` never changes; it is the ``invoice_id`` of the pull views."""

    __tablename__ = "documents"
    __table_args__ = (
        _status_check("status", DocumentStatus, "status"),
        Index("ix_documents_updated_at_id", "updated_at", "id"),
        Index("ix_documents_status", "status"),
        {"sqlite_autoincrement": True},  # ids are never reused
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sha256: Mapped[str | None] = mapped_column(String(64), unique=True)  # None: the file could not be read
    original_path: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    current_version: Mapped[int | None] = mapped_column(Integer)  # extractions.version shown in the views
    revision: Mapped[int] = mapped_column(Integer, default=1)  # +1 on every change (optimistic checks)
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_hint: Mapped[str | None] = mapped_column(Text)
    review_note: Mapped[str | None] = mapped_column(Text)  # why a person rejected / approved it
    exported_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    export_system: Mapped[str | None] = mapped_column(String(100))
    export_reference: Mapped[str | None] = mapped_column(Text)
    export_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    extractions: Mapped[list[ExtractionRow]] = relationship(
        back_populates="document", order_by="ExtractionRow.version", cascade="all, delete-orphan"
    )


class ExtractionRow(Base):
    """One run of the pipeline over a document; re-processing adds a version."""

    __tablename__ = "extractions"
    __table_args__ = (
        UniqueConstraint("document_id", "version"),
        _status_check("status", EXTRACTION_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"))
    vendor_match: Mapped[str | None] = mapped_column(Text)  # why the vendor matched (or did not)
    duplicate_key: Mapped[str | None] = mapped_column(String(300), index=True)  # vendor|number|total
    error_code: Mapped[str | None] = mapped_column(String(50))
    error_message: Mapped[str | None] = mapped_column(Text)
    error_hint: Mapped[str | None] = mapped_column(Text)
    error_page: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[list[str] | None] = mapped_column(JsonData)
    document_json: Mapped[dict[str, Any] | None] = mapped_column(JsonData)  # pages, lines, words (contract form)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    document: Mapped[DocumentRow] = relationship(back_populates="extractions")
    fields: Mapped[list[FieldRow]] = relationship(cascade="all, delete-orphan", order_by="FieldRow.id")
    line_items: Mapped[list[LineItemRow]] = relationship(cascade="all, delete-orphan", order_by="LineItemRow.position")
    validation: Mapped[list[ValidationRow]] = relationship(
        cascade="all, delete-orphan", order_by="ValidationRow.position"
    )


class FieldRow(Base):
    """One header field of an extraction; ``value_number`` / ``value_date`` are the typed value when it parses."""

    __tablename__ = "fields"
    __table_args__ = (
        UniqueConstraint("extraction_id", "name"),
        _status_check("source", FIELD_SOURCES, "source"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    extraction_id: Mapped[int] = mapped_column(ForeignKey("extractions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(50))
    value: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[Decimal | None] = mapped_column(Amount)
    value_date: Mapped[dt.date | None] = mapped_column(Date)
    raw: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    page: Mapped[int | None] = mapped_column(Integer)
    bbox_x0: Mapped[float | None] = mapped_column(Float)
    bbox_y0: Mapped[float | None] = mapped_column(Float)
    bbox_x1: Mapped[float | None] = mapped_column(Float)
    bbox_y1: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class LineItemRow(Base):
    """One item row of an extraction (``position`` from 1); ``raw`` keeps values that were not decimals."""

    __tablename__ = "line_items"
    __table_args__ = (UniqueConstraint("extraction_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    extraction_id: Mapped[int] = mapped_column(ForeignKey("extractions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[Decimal | None] = mapped_column(Amount)
    unit_price: Mapped[Decimal | None] = mapped_column(Amount)
    amount: Mapped[Decimal | None] = mapped_column(Amount)
    tax_rate: Mapped[Decimal | None] = mapped_column(Amount)
    raw: Mapped[dict[str, str] | None] = mapped_column(JsonData)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    page: Mapped[int | None] = mapped_column(Integer)
    bbox_x0: Mapped[float | None] = mapped_column(Float)
    bbox_y0: Mapped[float | None] = mapped_column(Float)
    bbox_x1: Mapped[float | None] = mapped_column(Float)
    bbox_y1: Mapped[float | None] = mapped_column(Float)


class ValidationRow(Base):
    """Outcome of one validation rule for an extraction."""

    __tablename__ = "validation_results"
    __table_args__ = (
        UniqueConstraint("extraction_id", "position"),
        _status_check("outcome", RULE_OUTCOMES, "outcome"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    extraction_id: Mapped[int] = mapped_column(ForeignKey("extractions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[str] = mapped_column(Text, default="")  # comma-separated field names


class Vendor(Base):
    """A supplier in the vendor master. ``name_key`` is the normalized name (unique)."""

    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    tax_id: Mapped[str | None] = mapped_column(String(50))
    iban: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    aliases: Mapped[list[VendorAlias]] = relationship(back_populates="vendor", cascade="all, delete-orphan")


class VendorAlias(Base):
    """Another name a vendor appears under on documents; ``alias_key`` is unique across vendors."""

    __tablename__ = "vendor_aliases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(Text)
    alias_key: Mapped[str] = mapped_column(String(200), unique=True)

    vendor: Mapped[Vendor] = relationship(back_populates="aliases")


class AuditEntry(Base):
    """Who or what changed what, and when: one row per change of a value or a status."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_document_id_at", "document_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(200))  # "pipeline", "person:alice", "export:datev", "pull:erp"
    action: Mapped[str] = mapped_column(String(50))  # stored, reprocessed, set_field, approved, rejected, ...
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    extraction_id: Mapped[int | None] = mapped_column(ForeignKey("extractions.id", ondelete="SET NULL"))
    field: Mapped[str | None] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)


class ChangeClock(Base):
    """A single row (id 1) holding the last ``updated_at`` handed to a write transaction."""

    __tablename__ = "change_clock"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_tick: Mapped[dt.datetime] = mapped_column(UtcDateTime)


CLAIM_STATES = ("queued", "running", "done", "failed", "duplicate", "quarantined", "missing")


class InboxClaim(Base):
    """One file that arrived in the inbox (or a ``run``): who works on it (lease) and how it ended.

    ``state``: queued → running (leased until ``lease_expires_at``) → done | failed | duplicate
    (same content as an earlier file) | quarantined (kept failing ``attempts`` times) | missing
    (the file disappeared before it was processed). See :mod:`invoicer.service.claims`.
    """

    __tablename__ = "inbox_claims"
    __table_args__ = (
        _status_check("state", CLAIM_STATES, "state"),
        Index("ix_inbox_claims_state_lease_expires_at", "state", "lease_expires_at"),
        Index("ix_inbox_claims_sha256", "sha256"),
        Index("ix_inbox_claims_finished_at", "finished_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)  # where the file was found
    source_name: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mode: Mapped[str] = mapped_column(String(20))  # watch (moved to archive/failed afterwards) | run (left in place)
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    moved_to: Mapped[str | None] = mapped_column(Text)  # the archive/ or failed/ path of the original
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    enqueued_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
