"""Duplicate detection keys (pure; storage compares them with earlier documents).

Two documents are the same bill when they have the same vendor, the same normalized invoice number
and the same total (:class:`DuplicateKey`). The same file (same sha256) is the same document; that
check is storage's, on ``Document.sha256``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from invoicer.document import Extraction
from invoicer.errors import NormalizationError

__all__ = ["DuplicateKey", "duplicate_key", "duplicate_key_of", "normalize_invoice_number"]

# A label printed in front of the number: "Invoice No.", "Rechnungs-Nr.", "Factuurnummer:", "N°", "#".
_LABEL = re.compile(
    r"^\s*(?:(?:invoice|inv|rechnung|rechnungs|re|facture|factuur|factura|bill|receipt|beleg|bon|quittung)"
    r"[\s.-]*(?:no|nr|number|nummer|num|n°|#)\.?|factuurnummer|rechnungsnummer|no\.|nr\.|n°|number|nummer|#)\s*[:.]?\s*",
    re.IGNORECASE,
)


def normalize_invoice_number(raw: str) -> str:
    """The invoice number as compared for duplicates: label removed, upper case, letters and digits only,
    leading zeros dropped, O/I between digits read as 0/1 (OCR). ``"Rechnungs-Nr. RE-2024-0815"`` → ``"RE20240815"``.

    Raises :class:`NormalizationError` when nothing of a number is left.
    """
    text = unicodedata.normalize("NFKC", raw)
    text = _LABEL.sub("", text, count=1)
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    compact = re.sub(r"(?<=\d)[OQ](?=\d)", "0", compact)
    compact = re.sub(r"(?<=\d)[IL](?=\d)", "1", compact)
    compact = compact.lstrip("0") or ("0" if compact else "")
    if not compact:
        raise NormalizationError(f"'{raw}' holds no invoice number", raw=raw, field="invoice_number")
    return compact


@dataclass(frozen=True, order=True)
class DuplicateKey:
    """What makes two documents the same bill."""

    vendor_id: str
    invoice_number: str  # normalized
    total: str  # two decimal places


def duplicate_key(vendor_id: str, invoice_number: str, total: str | Decimal) -> DuplicateKey:
    """The key of a bill; ``invoice_number`` as printed, ``total`` a decimal (string)."""
    try:
        amount = Decimal(total).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise NormalizationError(f"total {total!r} is not a decimal number", raw=str(total), field="total") from exc
    return DuplicateKey(str(vendor_id), normalize_invoice_number(invoice_number), f"{amount:f}")


def duplicate_key_of(extraction: Extraction, vendor_id: str | None) -> DuplicateKey | None:
    """The key of a normalized extraction, or None when vendor, invoice number or total is missing
    (then no duplicate can be claimed)."""
    number, total = extraction.value("invoice_number"), extraction.value("total")
    if vendor_id is None or number is None or total is None:
        return None
    try:
        return duplicate_key(vendor_id, number, total)
    except NormalizationError:
        return None
