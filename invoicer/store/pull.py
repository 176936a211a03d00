"""The pull contract in Python: the v1 views, the ``updated_at`` cursor, and marking rows exported.

Accounting systems read ``invoices_v1`` and ``invoice_lines_v1`` (see ``docs/pull-contract.md``).
This module gives Python callers (the CSV export, tests, a sync job) the same contract:
:data:`invoices_v1` / :data:`invoice_lines_v1` are typed table objects over the views,
:func:`pull_invoices` reads one page after a :class:`Cursor`, and :func:`record_export` applies the
same rules as the PostgreSQL functions ``invoicer_mark_exported`` / ``invoicer_mark_export_failed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    Select,
    String,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from invoicer.errors import StorageError
from invoicer.store.database import Database, Transaction
from invoicer.store.models import AuditEntry, DocumentRow, UtcDateTime
from invoicer.store.status import EXPORTABLE, DocumentStatus

__all__ = [
    "Cursor",
    "ExportOutcome",
    "invoice_lines_v1",
    "invoices_v1",
    "mark_export_failed",
    "mark_exported",
    "pull_invoices",
    "pull_lines",
    "record_export",
]

#: The views are not part of the models' metadata (Alembic must not try to create them as tables).
VIEWS = MetaData()

# Numeric(asdecimal=False): floats straight into pandas; the database keeps exact decimals.
_Money = Numeric(18, 4, asdecimal=False)

invoices_v1 = Table(
    "invoices_v1",
    VIEWS,
    Column("invoice_id", BigInteger, primary_key=True),
    Column("status", String(20)),
    Column("revision", Integer),
    Column("updated_at", UtcDateTime),
    Column("created_at", UtcDateTime),
    Column("extraction_version", Integer),
    Column("vendor_id", BigInteger),
    Column("vendor_name", Text),
    Column("vendor_address", Text),
    Column("vendor_tax_id", Text),
    Column("customer_name", Text),
    Column("invoice_number", Text),
    Column("invoice_date", Date),
    Column("due_date", Date),
    Column("po_number", Text),
    Column("currency", Text),
    Column("subtotal", _Money),
    Column("tax_total", _Money),
    Column("total", _Money),
    Column("iban", Text),
    Column("line_count", Integer),
    Column("sha256", String(64)),
    Column("original_path", Text),
    Column("source_name", Text),
    Column("media_type", String(100)),
    Column("page_count", Integer),
    Column("error_code", String(50)),
    Column("error_message", Text),
    Column("review_note", Text),
    Column("exported_at", UtcDateTime),
    Column("export_system", String(100)),
    Column("export_reference", Text),
    Column("export_error", Text),
)

invoice_lines_v1 = Table(
    "invoice_lines_v1",
    VIEWS,
    Column("invoice_id", BigInteger, primary_key=True),
    Column("line_number", Integer, primary_key=True),
    Column("status", String(20)),
    Column("revision", Integer),
    Column("updated_at", UtcDateTime),
    Column("extraction_version", Integer),
    Column("description", Text),
    Column("quantity", _Money),
    Column("unit_price", _Money),
    Column("amount", _Money),
    Column("tax_rate", _Money),
)


@dataclass(frozen=True, order=True)
class Cursor:
    """Position in the change stream: the last row read was (``updated_at``, ``invoice_id``).

    Rows changed in one transaction share an ``updated_at``; the id breaks the tie so paging with a
    ``limit`` neither skips nor repeats rows. Text form: ``2026-11-25T10:00:00.123456+00:00/42``.
    """

    updated_at: dt.datetime
    invoice_id: int = 0

    def __str__(self) -> str:
        return f"{self.updated_at.astimezone(dt.UTC).isoformat()}/{self.invoice_id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """Read a cursor (``TIMESTAMP[/ID]``); a timestamp without timezone is taken as UTC."""
        stamp, _, ident = text.strip().partition("/")
        try:
            when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            invoice_id = int(ident) if ident else 0
        except ValueError as exc:
            raise ValueError(f"not a cursor: {text!r} (expected an ISO timestamp, optionally /ID)") from exc
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return cls(when, invoice_id)


def _after(table: Table, cursor: Cursor | None) -> Any:
    if cursor is None:
        return None
    return or_(
        table.c.updated_at > cursor.updated_at,
        and_(table.c.updated_at == cursor.updated_at, table.c.invoice_id > cursor.invoice_id),
    )


def invoices_query(
    *, after: Cursor | None = None, statuses: Iterable[str] | None = None, limit: int | None = None
) -> Select[Any]:
    """SELECT on ``invoices_v1`` in cursor order, filtered by cursor and status."""
    stmt = select(invoices_v1).order_by(invoices_v1.c.updated_at, invoices_v1.c.invoice_id)
    condition = _after(invoices_v1, after)
    if condition is not None:
        stmt = stmt.where(condition)
    if statuses is not None:
        stmt = stmt.where(invoices_v1.c.status.in_(list(statuses)))
    if limit is not None:
        stmt = stmt.limit(limit)
    return stmt


def lines_query(*, after: Cursor | None = None, statuses: Iterable[str] | None = None) -> Select[Any]:
    """SELECT on ``invoice_lines_v1`` for the invoices :func:`invoices_query` selects (without limit)."""
    stmt = select(invoice_lines_v1).order_by(
        invoice_lines_v1.c.updated_at, invoice_lines_v1.c.invoice_id, invoice_lines_v1.c.line_number
    )
    condition = _after(invoice_lines_v1, after)
    if condition is not None:
        stmt = stmt.where(condition)
    if statuses is not None:
        stmt = stmt.where(invoice_lines_v1.c.status.in_(list(statuses)))
    return stmt


def pull_invoices(
    session: Session, *, after: Cursor | None = None, statuses: Iterable[str] | None = None, limit: int | None = None
) -> list[Row[Any]]:
    """One page of ``invoices_v1`` rows changed after ``after``, oldest change first."""
    return list(session.execute(invoices_query(after=after, statuses=statuses, limit=limit)).all())


def pull_lines(session: Session, invoice_ids: Sequence[int]) -> list[Row[Any]]:
    """The ``invoice_lines_v1`` rows of the given invoices."""
    rows: list[Row[Any]] = []
    for chunk in _chunks(list(invoice_ids), 5000):
        stmt = (
            select(invoice_lines_v1)
            .where(ids_in(session, invoice_lines_v1.c.invoice_id, chunk))
            .order_by(invoice_lines_v1.c.invoice_id, invoice_lines_v1.c.line_number)
        )
        rows.extend(session.execute(stmt).all())
    return rows


def cursor_of(row: Row[Any]) -> Cursor:
    """The cursor just after ``row`` (a row of ``invoices_v1``)."""
    return Cursor(row.updated_at, row.invoice_id)


# -- marking rows exported ----------------------------------------------------------------------


class ExportOutcome(StrEnum):
    """What marking one invoice did (the same words the PostgreSQL functions return)."""

    MARKED = "marked"  # status changed to exported / export_failed
    ALREADY_EXPORTED = "already_exported"  # nothing to do: re-syncs are idempotent
    STALE = "stale"  # the row changed since it was read (revision differs); pull it again
    NOT_EXPORTABLE = "not_exportable"  # its status is not approved / export_failed
    UNKNOWN = "unknown"  # no such invoice id


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def ids_in(session: Session, column: Any, ids: Sequence[int]) -> Any:
    """``column IN ids``; on PostgreSQL as ``= ANY(array)`` (one parameter instead of thousands)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(BigInteger)))
    return column.in_(list(ids))


def record_export(
    tx: Transaction,
    invoice_ids: Sequence[int],
    *,
    system: str,
    reference: str | None = None,
    revisions: Sequence[int] | None = None,
    error: str | None = None,
) -> dict[int, ExportOutcome]:
    """Mark invoices exported (or, with ``error``, export_failed) in the open transaction ``tx``.

    Only ``approved`` and ``export_failed`` rows change; marking an exported row again is a no-op
    (``already_exported``). With ``revisions`` (one per id, as read from the view) a row that
    changed since it was read is left alone (``stale``).
    """
    if not system or not system.strip():
        raise StorageError("name the system the invoices were exported to")
    if revisions is not None and len(revisions) != len(invoice_ids):
        raise StorageError("revisions must have one entry per invoice id")
    target = DocumentStatus.EXPORTED if error is None else DocumentStatus.EXPORT_FAILED
    expected = dict(zip(invoice_ids, revisions, strict=True)) if revisions is not None else {}
    session = tx.session
    outcomes: dict[int, ExportOutcome] = {}
    changed: list[tuple[int, str]] = []
    for chunk in _chunks(list(dict.fromkeys(invoice_ids)), 5000):
        found = {
            r.id: (r.status, r.revision)
            for r in session.execute(
                select(DocumentRow.id, DocumentRow.status, DocumentRow.revision)
                .where(ids_in(session, DocumentRow.id, chunk))
                .with_for_update()
            )
        }
        for invoice_id in chunk:
            if invoice_id not in found:
                outcomes[invoice_id] = ExportOutcome.UNKNOWN
                continue
            status, revision = found[invoice_id]
            if invoice_id in expected and expected[invoice_id] != revision:
                outcomes[invoice_id] = ExportOutcome.STALE
            elif target is DocumentStatus.EXPORTED and status == DocumentStatus.EXPORTED:
                outcomes[invoice_id] = ExportOutcome.ALREADY_EXPORTED
            elif status not in EXPORTABLE:
                outcomes[invoice_id] = ExportOutcome.NOT_EXPORTABLE
            else:
                outcomes[invoice_id] = ExportOutcome.MARKED
                changed.append((invoice_id, status))
    audit = cast(Table, AuditEntry.__table__)
    docs = cast(Table, DocumentRow.__table__)
    values: dict[str, Any] = {
        "status": target.value,
        "revision": docs.c.revision + 1,
        "updated_at": tx.now,
        "export_system": system,
        "export_reference": reference,
        "export_error": error,
    }
    if error is None:
        values["exported_at"] = tx.now
    for part in _chunks([i for i, _ in changed], 5000):
        # the audit rows are made by the database from the rows themselves (old status included), then the update
        rows = select(
            literal(tx.now, UtcDateTime).label("at"),
            literal(tx.actor, String).label("actor"),
            literal(target.value, String).label("action"),
            docs.c.id,
            literal("status", String).label("field"),
            docs.c.status,
            literal(target.value, String).label("new_value"),
            literal(error if error is not None else reference, Text).label("detail"),
        ).where(ids_in(session, docs.c.id, part))
        session.execute(
            insert(audit).from_select(
                ["at", "actor", "action", "document_id", "field", "old_value", "new_value", "detail"], rows
            )
        )
        session.execute(update(docs).where(ids_in(session, docs.c.id, part)).values(**values))
    return outcomes


def mark_exported(
    database: Database,
    invoice_ids: Sequence[int],
    *,
    system: str,
    reference: str | None = None,
    revisions: Sequence[int] | None = None,
) -> dict[int, ExportOutcome]:
    """Mark invoices exported to ``system`` (the pulling system's name); see :func:`record_export`."""
    return database.write(
        lambda tx: record_export(tx, invoice_ids, system=system, reference=reference, revisions=revisions),
        actor=f"pull:{system}",
    )


def mark_export_failed(
    database: Database,
    invoice_ids: Sequence[int],
    *,
    system: str,
    message: str,
    revisions: Sequence[int] | None = None,
) -> dict[int, ExportOutcome]:
    """Record that ``system`` could not book these invoices, and why; see :func:`record_export`."""
    return database.write(
        lambda tx: record_export(tx, invoice_ids, system=system, revisions=revisions, error=message or "export failed"),
        actor=f"pull:{system}",
    )
