"""The vendor master in the database, and linking extractions to it and to earlier bills.

Matching itself is :func:`invoicer.validate.vendors.match_vendor` (pure); this module feeds it the
stored vendors (names, aliases, tax ids), records the outcome on the extraction, and creates a
vendor only for a name that is clearly new *and* trusted (an auto-approved extraction, or a
person's approval). Duplicates: :func:`invoicer.validate.duplicates.duplicate_key_of` gives a bill's
key (vendor, normalized invoice number, total); :func:`find_duplicate` looks for another document
whose current extraction has the same key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from invoicer.document import Extraction
from invoicer.errors import ReviewError
from invoicer.store.database import Database, Transaction
from invoicer.store.models import DocumentRow, ExtractionRow, Vendor, VendorAlias
from invoicer.store.status import DocumentStatus
from invoicer.validate.duplicates import duplicate_key_of
from invoicer.validate.policy import ValidationPolicy
from invoicer.validate.vendors import KnownVendor, VendorMatch, match_vendor, normalize_vendor_name

__all__ = [
    "VendorLink",
    "add_alias",
    "add_vendor",
    "duplicate_key_text",
    "find_duplicate",
    "known_vendors",
    "link_vendor",
    "list_vendors",
]


@dataclass(frozen=True)
class VendorLink:
    """The vendor an extraction was linked to (None: unmatched), and why."""

    vendor_id: int | None
    created: bool
    reason: str


def known_vendors(session: Session) -> list[KnownVendor]:
    """The vendor master as :func:`match_vendor` wants it."""
    vendors = session.scalars(select(Vendor).options(selectinload(Vendor.aliases)).order_by(Vendor.id))
    return [
        KnownVendor(str(v.id), v.name, tuple(a.alias for a in v.aliases), (v.tax_id,) if v.tax_id else ())
        for v in vendors
    ]


def _key(name: str) -> str:
    key = normalize_vendor_name(name)[:200]
    if not key:
        raise ReviewError(f"vendor name {name!r} has no letters or digits")
    return key


def _new_vendor(tx: Transaction, name: str, tax_id: str | None, iban: str | None = None) -> Vendor:
    vendor = Vendor(
        name=name.strip(), name_key=_key(name), tax_id=tax_id, iban=iban, created_at=tx.now, updated_at=tx.now
    )
    tx.session.add(vendor)
    tx.session.flush()
    tx.cache.pop("known_vendors", None)
    tx.audit("vendor_created", detail=f"vendor {vendor.id}: {vendor.name}" + (f" ({tax_id})" if tax_id else ""))
    return vendor


def link_vendor(tx: Transaction, extraction: Extraction, policy: ValidationPolicy, *, create: bool) -> VendorLink:
    """Match the extraction's vendor against the master; with ``create``, add a clearly new vendor."""
    name, tax_id = extraction.value("vendor_name"), extraction.value("vendor_tax_id")
    if not name and not tax_id:
        return VendorLink(None, False, "no vendor name or tax id")
    known = tx.cache.get("known_vendors")
    if known is None:
        known = tx.cache["known_vendors"] = known_vendors(tx.session)
    match: VendorMatch = match_vendor(
        name, tax_id, known, scorer=policy.vendor_scorer, threshold=policy.vendor_threshold
    )
    if match.vendor is not None:
        return VendorLink(int(match.vendor.id), False, match.reason)
    clearly_new = match.score < match.threshold  # not a tie, not a contradicting tax id
    if create and clearly_new and name and normalize_vendor_name(name):
        same_key = tx.session.scalars(select(Vendor).where(Vendor.name_key == _key(name))).one_or_none()
        if same_key is not None:  # e.g. "Müller GmbH" vs. "Müller AG": the same name once legal forms go
            return VendorLink(same_key.id, False, f"same normalized name as vendor {same_key.id}")
        vendor = _new_vendor(tx, name, tax_id)
        return VendorLink(vendor.id, True, f"new vendor {vendor.id} ({match.reason})")
    return VendorLink(None, False, match.reason)


def duplicate_key_text(extraction: Extraction, vendor_id: int | None) -> str | None:
    """The duplicate key as stored in ``extractions.duplicate_key`` (None when it cannot be formed)."""
    key = duplicate_key_of(extraction, str(vendor_id) if vendor_id is not None else None)
    return None if key is None else f"{key.vendor_id}|{key.invoice_number}|{key.total}"[:300]


def find_duplicate(session: Session, key: str, document_id: int | None) -> int | None:
    """Another live document (not rejected / failed) whose current extraction has ``key``."""
    stmt = (
        select(DocumentRow.id)
        .join(
            ExtractionRow,
            (ExtractionRow.document_id == DocumentRow.id) & (ExtractionRow.version == DocumentRow.current_version),
        )
        .where(
            ExtractionRow.duplicate_key == key,
            DocumentRow.status.not_in([DocumentStatus.REJECTED.value, DocumentStatus.FAILED.value]),
        )
        .order_by(DocumentRow.id)
        .limit(1)
    )
    if document_id is not None:
        stmt = stmt.where(DocumentRow.id != document_id)
    return session.scalar(stmt)


# -- the vendor master (``invoicer vendors``) -----------------------------------------------------


@dataclass(frozen=True)
class VendorInfo:
    id: int
    name: str
    tax_id: str | None
    iban: str | None
    aliases: tuple[str, ...]


def list_vendors(database: Database) -> list[VendorInfo]:
    with database.read() as session:
        return [
            VendorInfo(v.id, v.name, v.tax_id, v.iban, tuple(a.alias for a in v.aliases))
            for v in session.scalars(select(Vendor).options(selectinload(Vendor.aliases)).order_by(Vendor.name_key))
        ]


def add_vendor(
    database: Database, name: str, *, tax_id: str | None, iban: str | None, aliases: tuple[str, ...], person: str
) -> int:
    """Add a vendor (and aliases) to the master; a name that normalizes like an existing one is refused."""

    def work(tx: Transaction) -> int:
        existing = tx.session.scalars(select(Vendor).where(Vendor.name_key == _key(name))).one_or_none()
        if existing is not None:
            raise ReviewError(f"vendor {existing.id} ({existing.name}) already has this name", hint="add an alias")
        owner = tx.session.scalars(select(VendorAlias).where(VendorAlias.alias_key == _key(name))).one_or_none()
        if owner is not None:
            raise ReviewError(f"{name!r} is an alias of vendor {owner.vendor_id}")
        vendor = _new_vendor(tx, name, tax_id, iban)
        for alias in aliases:
            _add_alias(tx, vendor, alias)
        return vendor.id

    return database.write(work, actor=f"person:{person}")


def _add_alias(tx: Transaction, vendor: Vendor, alias: str) -> None:
    key = _key(alias)
    taken = tx.session.scalars(select(VendorAlias).where(VendorAlias.alias_key == key)).one_or_none()
    if taken is not None:
        raise ReviewError(f"alias {alias!r} already belongs to vendor {taken.vendor_id}")
    tx.session.add(VendorAlias(vendor_id=vendor.id, alias=alias.strip(), alias_key=key))
    vendor.updated_at = tx.now
    tx.audit("vendor_alias_added", new_value=alias.strip(), detail=f"vendor {vendor.id}: {vendor.name}")


def add_alias(database: Database, vendor_id: int, alias: str, *, person: str) -> None:
    """Record another name a vendor appears under."""

    def work(tx: Transaction) -> None:
        vendor = tx.session.get(Vendor, vendor_id)
        if vendor is None:
            raise ReviewError(f"no vendor with id {vendor_id}", hint="see `invoicer vendors list`")
        _add_alias(tx, vendor, alias)

    database.write(work, actor=f"person:{person}")
