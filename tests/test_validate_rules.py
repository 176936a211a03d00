"""Validation rules: each a pure function returning pass / fail / skip with a message."""

from __future__ import annotations

from datetime import date

import pytest

from invoicer.config import ValidateSettings
from invoicer.document import Document, Extraction, Field, Line, LineItem, Page, RuleOutcome, Word, WordSource
from invoicer.errors import ConfigError, UnknownBackendError
from invoicer.validate import DEFAULT_RULES, RULES, RuleContext, ValidationPolicy

SETTINGS = ValidateSettings()
TODAY = date(2024, 6, 1)


def ex(items: tuple[LineItem, ...] = (), /, **values: str) -> Extraction:
    page = Page(1, 595, 842, None, WordSource.TEXT_LAYER, (Line((Word("x", (0, 0, 5, 5)),)),), "pdf-text")
    doc = Document("b" * 64, "t.pdf", "application/pdf", 1, (page,))
    return Extraction(doc, line_items=items).with_fields(Field(k, v, v, 0.99) for k, v in values.items())


def run(rule: str, extraction: Extraction, context: RuleContext | None = None) -> tuple[RuleOutcome, str]:
    result = RULES.get(rule)(extraction, SETTINGS, context or RuleContext(today=TODAY))
    assert result.rule == rule
    return result.outcome, result.message


def test_every_default_rule_is_registered_and_skips_on_an_empty_extraction() -> None:
    assert set(DEFAULT_RULES) <= set(RULES.names())
    for rule in DEFAULT_RULES:
        outcome, message = run(rule, ex())
        assert message
        if rule not in {"pages_read", "required_fields", "confidence"}:
            assert outcome is RuleOutcome.SKIP, rule


def test_line_items_sum_to_subtotal_or_gross_total() -> None:
    items = (LineItem("a", amount="49.90"), LineItem("b", amount="159.80"), LineItem("c", amount="58.75"))
    assert run("line_items_sum", ex(items, subtotal="268.45", total="319.45"))[0] is RuleOutcome.PASS
    outcome, message = run("line_items_sum", ex(items, total="268.45"))
    assert outcome is RuleOutcome.PASS and "include tax" in message
    outcome, message = run("line_items_sum", ex(items, subtotal="270.00", total="321.30"))
    assert outcome is RuleOutcome.FAIL and "268.45" in message and "270.00" in message
    assert run("line_items_sum", ex((LineItem("a"),), subtotal="1.00"))[0] is RuleOutcome.SKIP


def test_line_item_arithmetic() -> None:
    good = (LineItem("a", "10", "4.99", "49.90"), LineItem("b", "3", "0.333", "1.00"))
    assert run("line_item_amounts", ex(good))[0] is RuleOutcome.PASS
    outcome, message = run("line_item_amounts", ex((LineItem("a", "2", "79.90", "169.80"),)))
    assert outcome is RuleOutcome.FAIL and "159.80" in message


def test_totals_use_the_policy_tolerance() -> None:
    values = {"subtotal": "100.00", "tax_total": "19.00", "total": "119.03"}
    assert run("totals_add_up", ex(**values))[0] is RuleOutcome.FAIL
    loose = RuleContext(ValidationPolicy(rounding_tolerance=0.05), TODAY)
    assert run("totals_add_up", ex(**values), loose)[0] is RuleOutcome.PASS


@pytest.mark.parametrize(
    ("country", "subtotal", "tax", "rates", "outcome"),
    [
        ("DE", "100.00", "19.00", ("19",), RuleOutcome.PASS),
        ("DE", "100.00", "13.00", ("7", "19"), RuleOutcome.PASS),  # a blend of 7 % and 19 %
        ("DE", "100.00", "20.00", ("20",), RuleOutcome.FAIL),  # 20 % is no German rate
        ("FR", "100.00", "20.00", ("20",), RuleOutcome.PASS),
        ("MY", "100.00", "6.00", (), RuleOutcome.PASS),
        ("US", "100.00", "8.63", (), RuleOutcome.PASS),  # sales tax: any rate up to the ceiling
        ("US", "100.00", "25.00", (), RuleOutcome.FAIL),
        (None, "100.00", "27.00", (), RuleOutcome.PASS),
        (None, "100.00", "45.00", (), RuleOutcome.FAIL),
        ("DE", "0.50", "0.04", (), RuleOutcome.PASS),  # 8 %, but a cent of rounding on 0.50 is 2 points
    ],
)
def test_tax_rates_plausible(
    country: str | None, subtotal: str, tax: str, rates: tuple[str, ...], outcome: RuleOutcome
) -> None:
    items = tuple(LineItem(f"item {r}", tax_rate=r) for r in rates)
    got, message = run(
        "tax_rates_plausible", ex(items, subtotal=subtotal, tax_total=tax), RuleContext(today=TODAY, country=country)
    )
    assert got is outcome, message


def test_invoice_date_not_in_the_future() -> None:
    assert run("invoice_date_not_future", ex(invoice_date="2024-06-02"))[0] is RuleOutcome.PASS  # 1 day grace
    outcome, message = run("invoice_date_not_future", ex(invoice_date="2024-06-10"))
    assert outcome is RuleOutcome.FAIL and "9 days after today" in message
    no_clock = RuleContext(today=None)
    assert run("invoice_date_not_future", ex(invoice_date="2099-01-01"), no_clock)[0] is RuleOutcome.SKIP


def test_due_date_not_before_invoice_date() -> None:
    assert (
        run("due_date_after_invoice_date", ex(invoice_date="2024-03-14", due_date="2024-03-28"))[0] is RuleOutcome.PASS
    )
    outcome, message = run("due_date_after_invoice_date", ex(invoice_date="2024-03-14", due_date="2024-03-01"))
    assert outcome is RuleOutcome.FAIL and "13 days before" in message
    assert (
        run("due_date_after_invoice_date", ex(invoice_date="2024-03-14", due_date="2026-03-14"))[0] is RuleOutcome.FAIL
    )


@pytest.mark.parametrize(
    ("tax_id", "country", "outcome"),
    [
        ("DE136695976", None, RuleOutcome.PASS),
        ("DE136695977", None, RuleOutcome.FAIL),
        ("ATU13585627", None, RuleOutcome.PASS),
        ("NL004495445B01", None, RuleOutcome.PASS),
        ("GB980780684", None, RuleOutcome.PASS),
        ("CHE-116.281.710 MWST", None, RuleOutcome.PASS),
        ("136695976", "DE", RuleOutcome.PASS),  # no prefix: the vendor's country says which format
        # regression (yardstick): a German Steuernummer was checked as a VAT id only ("invalid length")
        ("29/001/60002", "DE", RuleOutcome.PASS),
        ("5440877", "DE", RuleOutcome.FAIL),
        ("556500-3745", "SE", RuleOutcome.PASS),  # a Swedish organisation number
        ("000306020352", "MY", RuleOutcome.SKIP),  # no checksum known for Malaysian GST ids
        ("000306020352", None, RuleOutcome.SKIP),
    ],
)
def test_vendor_tax_id_checksums(tax_id: str, country: str | None, outcome: RuleOutcome) -> None:
    got, message = run("vendor_tax_id_valid", ex(vendor_tax_id=tax_id), RuleContext(today=TODAY, country=country))
    assert got is outcome, message


def test_iban_checksum() -> None:
    assert run("iban_valid", ex(iban="DE89370400440532013000"))[0] is RuleOutcome.PASS
    outcome, message = run("iban_valid", ex(iban="DE89370400440532013001"))
    assert outcome is RuleOutcome.FAIL and "checksum" in message
    assert run("iban_valid", ex(iban="XX00"))[0] is RuleOutcome.FAIL


def test_required_fields_and_confidence_use_settings() -> None:
    outcome, message = run("required_fields", ex(total="1.00"))
    assert outcome is RuleOutcome.FAIL and "vendor_name" in message and "total" not in message
    strict = ValidateSettings(min_confidence=0.995, field_min_confidence=())
    low = RULES.get("confidence")(ex(total="1.00"), strict, RuleContext())
    assert low.outcome is RuleOutcome.FAIL and low.fields == ("total",)


def test_rules_still_accept_the_two_argument_call() -> None:
    assert (
        RULES.get("totals_add_up")(ex(subtotal="1.00", tax_total="0.19", total="1.19"), SETTINGS).outcome
        is RuleOutcome.PASS
    )


def test_policy_is_checked_and_reads_same_named_settings() -> None:
    with pytest.raises(ConfigError):
        ValidationPolicy(rounding_tolerance=-1)
    with pytest.raises(UnknownBackendError, match="valid names: QRatio"):
        ValidationPolicy(vendor_scorer="levenshtein")

    assert ValidationPolicy.from_settings(ValidateSettings(max_future_days=7)).max_future_days == 7
    assert ValidationPolicy.from_settings(SETTINGS) == ValidationPolicy()
