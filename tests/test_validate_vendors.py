"""Vendor matching and duplicate keys (the pure parts storage will call)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicer.document import Document, Extraction, Field
from invoicer.errors import NormalizationError, UnknownBackendError
from invoicer.validate import KnownVendor, duplicate_key, duplicate_key_of, match_vendor, normalize_invoice_number
from invoicer.validate.vendors import VENDOR_SCORERS, normalize_vendor_name

KNOWN = (
    KnownVendor("v1", "ALDI GmbH & Co. Beucha KG", aliases=("Aldi Nord",), tax_ids=("DE 811 123 456",)),
    KnownVendor("v2", "Nordlicht Bürobedarf GmbH", tax_ids=("DE136695976",), country="DE"),
    KnownVendor("v3", "BOOK TA .K (TAMAN DAYA) SDN BHD", country="MY"),
    KnownVendor("v4", "Madison Hotel GmbH"),
)


def test_tax_id_decides_whatever_the_name() -> None:
    match = match_vendor("Bürobedarf Nordlicht", "de 136.695.976", KNOWN)
    assert match.vendor is not None and match.vendor.id == "v2"
    assert match.matched_on == "tax_id" and match.score == 100.0


def test_names_match_without_case_punctuation_and_legal_forms() -> None:
    match = match_vendor("BOOK TA.K (TAMAN DAYA) SDN. BHD.", None, KNOWN)
    assert match.vendor is not None and match.vendor.id == "v3" and match.matched_on == "name"
    assert match.score >= 90 and match.scorer == "token_set_ratio" and match.candidates[0][0] == "v3"
    alias = match_vendor("ALDI NORD", None, KNOWN)
    assert alias.vendor is not None and alias.vendor.id == "v1" and alias.matched_on in {"alias", "name"}
    assert normalize_vendor_name("Nordlicht Bürobedarf GmbH") == "nordlicht bürobedarf"
    assert normalize_vendor_name("GmbH") == "gmbh"  # nothing but a legal form: kept


def test_unknown_vendor_is_new_and_the_score_is_recorded() -> None:
    match = match_vendor("Starbucks Jordan Road", None, KNOWN)
    assert match.is_new and match.matched_on == "none" and 0 <= match.score < 90
    assert "new vendor" in match.reason and len(match.candidates) == 3


def test_threshold_and_scorer_are_configurable() -> None:
    strict = match_vendor("Madison Hotel Hamburg", None, KNOWN, scorer="ratio", threshold=95)
    assert strict.is_new and strict.scorer == "ratio" and strict.threshold == 95
    loose = match_vendor("Madison Hotel Hamburg", None, KNOWN, scorer="token_set_ratio", threshold=90)
    assert loose.vendor is not None and loose.vendor.id == "v4"
    assert set(VENDOR_SCORERS.names()) >= {"ratio", "token_set_ratio", "WRatio"}
    with pytest.raises(UnknownBackendError, match="vendor name scorer"):
        match_vendor("x", None, KNOWN, scorer="jaro")
    with pytest.raises(ValueError, match="threshold"):
        match_vendor("x", None, KNOWN, threshold=101)


def test_ties_and_contradicting_tax_ids_match_nothing() -> None:
    twins = (KnownVendor("a", "Shell Station"), KnownVendor("b", "Shell Station"))
    tie = match_vendor("Shell Station", None, twins)
    assert tie.is_new and "equally" in tie.reason
    conflict = match_vendor("Nordlicht Bürobedarf GmbH", "DE811123456", KNOWN[1:])
    assert conflict.is_new and "not one of its tax ids" in conflict.reason
    shared = match_vendor(None, "DE136695976", (*KNOWN, KnownVendor("v9", "Nordlicht", tax_ids=("DE136695976",))))
    assert shared.is_new and "several vendors" in shared.reason
    assert match_vendor(None, None, KNOWN).is_new


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("RE-2024-0815", "RE20240815"),
        ("Rechnungs-Nr. RE-2024-0815", "RE20240815"),
        ("Invoice No: 000123", "123"),
        ("INV-00123", "INV00123"),
        ("inv 00123", "INV00123"),
        ("# 4711", "4711"),
        ("N° 2024/117", "2024117"),
        ("Factuurnummer: F 2024.117", "F2024117"),
        ("1O23", "1023"),  # OCR letter O between digits
        ("K074-001096", "K074001096"),
    ],
)
def test_invoice_number_normalization(raw: str, normalized: str) -> None:
    assert normalize_invoice_number(raw) == normalized


def test_duplicate_keys() -> None:
    a = duplicate_key("v2", "RE-2024-0815", "319.45")
    assert a == duplicate_key("v2", "re 2024 0815", Decimal("319.450"))
    assert a != duplicate_key("v2", "RE-2024-0815", "319.46")
    assert a != duplicate_key("v1", "RE-2024-0815", "319.45")
    with pytest.raises(NormalizationError):
        normalize_invoice_number("Nr.: --")
    with pytest.raises(NormalizationError):
        duplicate_key("v2", "1", "abc")
    doc = Document("c" * 64, "t.pdf", "application/pdf", 1)
    full = Extraction(doc).with_fields([Field("invoice_number", "RE-2024-0815"), Field("total", "319.45")])
    assert duplicate_key_of(full, "v2") == a
    assert duplicate_key_of(full, None) is None
    assert duplicate_key_of(Extraction(doc).with_fields([Field("total", "319.45")]), "v2") is None
