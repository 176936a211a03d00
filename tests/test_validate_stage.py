"""The validate stage in the pipeline: normalize, rules, status — with an injected clock."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from invoicer.config import Settings, ValidateSettings
from invoicer.contract import validate_output
from invoicer.document import Document, Extraction, ExtractionStatus, Field, Line, Page, RuleOutcome, Word, WordSource
from invoicer.limits import Deadline
from invoicer.ocr import NoOcrEngine, OcrStage
from invoicer.pipeline import Pipeline, Stage
from invoicer.tagging import FakeTagger, TagStage
from invoicer.validate import DEFAULT_RULES, ValidateStage

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TRUTH = json.loads((FIXTURES / "truth" / "invoice_born_digital.json").read_text("utf-8"))
DOCUMENT = FIXTURES / "documents" / "invoice_born_digital.pdf"


def printed(**changes: str) -> dict[str, tuple[str | None, str]]:
    """The fixture's printed raws, with the tagger giving no value of its own (validate must read the print)."""
    raws = {**TRUTH["printed"], **changes}
    return {name: (None, raw) for name, raw in raws.items() if raw}  # type: ignore[misc]


def extract(values: dict[str, tuple[str | None, str]], today: date) -> Extraction:
    settings = Settings(validate=ValidateSettings(field_min_confidence=()))  # the fake confidences are raw
    tagger = FakeTagger(values)  # type: ignore[arg-type]
    stages: list[Stage] = [
        OcrStage(NoOcrEngine()),
        TagStage(tagger),
        ValidateStage(settings.validate, today=lambda: today),
    ]
    with Pipeline(stages, settings) as pipeline:
        return pipeline.extract(DOCUMENT)


def outcomes(ex: Extraction) -> dict[str, RuleOutcome]:
    return {v.rule: v.outcome for v in ex.validation}


def test_printed_values_are_normalized_and_every_rule_passes() -> None:
    ex = extract(printed(), date(2024, 4, 1))
    normalized = ("invoice_date", "due_date", "currency", "subtotal", "tax_total", "total", "iban", "vendor_tax_id")
    for name in normalized:
        assert ex.value(name) == TRUTH["fields"][name], name
    got = outcomes(ex)
    assert set(DEFAULT_RULES) <= set(got)
    assert not [r for r, o in got.items() if o is RuleOutcome.FAIL]
    assert ex.status is ExtractionStatus.AUTO_APPROVED
    validate_output(ex.to_dict())


def test_future_invoice_date_needs_review() -> None:
    ex = extract(printed(), date(2024, 3, 1))  # 13 days before the invoice date
    assert ex.status is ExtractionStatus.NEEDS_REVIEW
    assert outcomes(ex)["invoice_date_not_future"] is RuleOutcome.FAIL


def test_wrong_total_needs_review_with_reason() -> None:
    ex = extract(printed(total="268,45 €"), date(2024, 4, 1))  # the tagger took the subtotal as the total
    assert ex.status is ExtractionStatus.NEEDS_REVIEW
    failed = {v.rule: v.message for v in ex.validation if v.outcome is RuleOutcome.FAIL}
    assert "totals_add_up" in failed and "319.45" in failed["totals_add_up"]


def test_stage_runs_alone_and_replaces_earlier_results() -> None:
    first = extract(printed(), date(2024, 4, 1))
    stage = ValidateStage(ValidateSettings(field_min_confidence=()), today=lambda: date(2024, 4, 1))
    again = stage.run(first, Deadline.never())
    assert again.validation == first.validation and again.fields == first.fields
    rules_only = ValidateStage(
        Settings().validate, ("required_fields",), normalize=False, today=lambda: date(2024, 4, 1)
    )
    assert [v.rule for v in rules_only.run(first, Deadline.never()).validation] == ["required_fields"]


def test_stage_takes_a_locale_hint_from_settings() -> None:
    line = Line((Word("04/05/2024", (20, 20, 80, 30)), Word("DE136695976", (20, 40, 90, 50))))
    page = Page(1, 595, 842, None, WordSource.TEXT_LAYER, (line,), "pdf-text")
    fields = [Field("invoice_date", None, "04/05/2024", 0.99, 1), Field("vendor_tax_id", None, "DE136695976", 0.99, 1)]
    extraction = Extraction(Document("d" * 64, "t.pdf", "application/pdf", 1, (page,))).with_fields(fields)
    plain = ValidateStage(ValidateSettings(), today=lambda: date(2024, 6, 1))
    assert plain.run(extraction, Deadline.never()).value("invoice_date") == "2024-05-04"  # the German VAT id
    hinted = ValidateStage(ValidateSettings(locale="en-US"), today=lambda: date(2024, 6, 1))
    assert hinted.context.locale == "en-US"
    assert hinted.run(extraction, Deadline.never()).value("invoice_date") == "2024-04-05"  # the locale outranks it
