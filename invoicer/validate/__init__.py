"""Validation: rules as pure functions over an extraction, and the final status.

Each rule takes ``(extraction, settings)`` and returns a :class:`~invoicer.document.ValidationResult`
(pass / fail / skip with a message). :data:`RULES` lists them by name. :func:`decide_status` turns
the results into ``auto_approved`` or ``needs_review``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from invoicer.config import ValidateSettings
from invoicer.document import Extraction, ExtractionStatus, RuleOutcome, ValidationResult, WordSource
from invoicer.limits import Deadline
from invoicer.registry import Registry

Rule = Callable[[Extraction, ValidateSettings], ValidationResult]
RULES: Registry[ValidationResult] = Registry("validation rule")

__all__ = ["RULES", "Rule", "ValidateStage", "decide_status"]


@RULES.register("pages_read", "Every page yielded words (text layer or OCR)")
def pages_read(extraction: Extraction, settings: ValidateSettings) -> ValidationResult:
    unread = [p.number for p in extraction.document.pages if p.source is WordSource.NONE or not p.lines]
    if not extraction.document.pages:
        return ValidationResult("pages_read", RuleOutcome.FAIL, "the document has no pages")
    if unread:
        return ValidationResult(
            "pages_read", RuleOutcome.FAIL, f"no text was read from page(s) {', '.join(map(str, unread))}"
        )
    return ValidationResult("pages_read", RuleOutcome.PASS, "every page has text")


@RULES.register("required_fields", "The fields required for booking are present")
def required_fields(extraction: Extraction, settings: ValidateSettings) -> ValidationResult:
    missing = [f for f in settings.required_fields if extraction.value(f) is None]
    if missing:
        return ValidationResult(
            "required_fields", RuleOutcome.FAIL, f"missing required field(s): {', '.join(missing)}", tuple(missing)
        )
    return ValidationResult("required_fields", RuleOutcome.PASS, "all required fields present")


@RULES.register("confidence", "Every extracted field is at least as confident as validate.min_confidence")
def confidence(extraction: Extraction, settings: ValidateSettings) -> ValidationResult:
    if not extraction.fields:
        return ValidationResult("confidence", RuleOutcome.SKIP, "no fields extracted")
    low = [f.name for f in extraction.fields if f.confidence < settings.min_confidence]
    if low:
        return ValidationResult(
            "confidence",
            RuleOutcome.FAIL,
            f"low confidence (< {settings.min_confidence:g}) for: {', '.join(low)}",
            tuple(low),
        )
    return ValidationResult("confidence", RuleOutcome.PASS, "all fields confident")


def _money(extraction: Extraction, name: str) -> Decimal | None:
    value = extraction.value(name)
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


@RULES.register("totals_add_up", "subtotal + tax_total = total (within 0.02 for rounding)")
def totals_add_up(extraction: Extraction, settings: ValidateSettings) -> ValidationResult:
    fields = ("subtotal", "tax_total", "total")
    sub, tax, total = (_money(extraction, f) for f in fields)
    if sub is None or tax is None or total is None:
        return ValidationResult("totals_add_up", RuleOutcome.SKIP, "subtotal, tax_total or total missing", fields)
    diff = abs(sub + tax - total)
    if diff <= Decimal("0.02"):
        return ValidationResult("totals_add_up", RuleOutcome.PASS, f"{sub} + {tax} = {total}", fields)
    return ValidationResult(
        "totals_add_up", RuleOutcome.FAIL, f"{sub} + {tax} = {sub + tax}, but total is {total}", fields
    )


DEFAULT_RULES: tuple[str, ...] = ("pages_read", "required_fields", "confidence", "totals_add_up")


def decide_status(results: tuple[ValidationResult, ...]) -> ExtractionStatus:
    """``auto_approved`` when no rule failed, else ``needs_review``."""
    if any(r.outcome is RuleOutcome.FAIL for r in results):
        return ExtractionStatus.NEEDS_REVIEW
    return ExtractionStatus.AUTO_APPROVED


class ValidateStage:
    name = "validate"

    def __init__(self, settings: ValidateSettings, rules: tuple[str, ...] = DEFAULT_RULES) -> None:
        self.settings = settings
        self.rules = [RULES.get(r) for r in rules]

    def setup(self) -> None:
        pass

    def cleanup(self) -> None:
        pass

    def run(self, extraction: Extraction, deadline: Deadline) -> Extraction:
        results = tuple(rule(extraction, self.settings) for rule in self.rules)
        return replace(extraction, validation=results, status=decide_status(results))
