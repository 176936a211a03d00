"""Validation: normalize the printed values, run the rules, decide the status.

:class:`ValidateStage` (the pipeline's ``validate`` stage) first normalizes the extraction
(:func:`~invoicer.validate.normalize.normalize_extraction`: dates, money, currency, from ``raw`` with
the document's own evidence), then runs the rules of :data:`RULES` — pure functions
``(extraction, settings, context)`` returning pass / fail / skip with a message — and
:func:`decide_status` turns all results into ``auto_approved`` or ``needs_review``.

Also here, for storage to call: :func:`~invoicer.validate.vendors.match_vendor` and
:func:`~invoicer.validate.duplicates.duplicate_key_of`; and :mod:`invoicer.validate.calibration`, the
map from the tagger's raw confidences to calibrated probabilities of being right (fitted on held-out
data, applied by the tagger), which the ``confidence`` rule compares with ``validate.min_confidence``
and the per-field ``validate.field_min_confidence``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from invoicer.config import ValidateSettings
from invoicer.document import Extraction, ExtractionStatus, RuleOutcome, ValidationResult
from invoicer.limits import Deadline
from invoicer.validate.duplicates import DuplicateKey, duplicate_key, duplicate_key_of, normalize_invoice_number
from invoicer.validate.normalize import NormalizationContext, normalize_extraction, normalize_with_evidence
from invoicer.validate.policy import ValidationPolicy
from invoicer.validate.rules import DEFAULT_RULES, RULES, Rule, RuleContext
from invoicer.validate.vendors import VENDOR_SCORERS, KnownVendor, VendorMatch, match_vendor

__all__ = [
    "DEFAULT_RULES",
    "RULES",
    "VENDOR_SCORERS",
    "DuplicateKey",
    "KnownVendor",
    "NormalizationContext",
    "Rule",
    "RuleContext",
    "ValidateStage",
    "ValidationPolicy",
    "VendorMatch",
    "decide_status",
    "duplicate_key",
    "duplicate_key_of",
    "match_vendor",
    "normalize_extraction",
    "normalize_invoice_number",
    "withhold_fields",
]


def decide_status(results: tuple[ValidationResult, ...]) -> ExtractionStatus:
    """``auto_approved`` when no rule failed, else ``needs_review``."""
    if any(r.outcome is RuleOutcome.FAIL for r in results):
        return ExtractionStatus.NEEDS_REVIEW
    return ExtractionStatus.AUTO_APPROVED


class ValidateStage:
    """Normalize, run the rules, set the status.

    ``today`` is the clock for date rules (inject a fixed one in tests); ``context`` carries what is
    known before reading (the document's locale, the vendor's country); ``normalize=False`` runs the
    rules on the values as given.
    """

    name = "validate"

    def __init__(
        self,
        settings: ValidateSettings,
        rules: tuple[str, ...] = DEFAULT_RULES,
        *,
        policy: ValidationPolicy | None = None,
        context: NormalizationContext | None = None,
        today: Callable[[], date] = date.today,
        normalize: bool = True,
    ) -> None:
        self.settings = settings
        self.rules: list[Rule] = [RULES.get(r) for r in rules]
        self.policy = policy or ValidationPolicy.from_settings(settings)
        # ``validate.locale`` (once ValidateSettings has it) is a hint about the documents, never a default value
        self.context = context or NormalizationContext(locale=getattr(settings, "locale", None))
        self.today = today
        self.normalize = normalize

    def setup(self) -> None:
        pass

    def cleanup(self) -> None:
        pass

    def run(self, extraction: Extraction, deadline: Deadline) -> Extraction:
        deadline.check("validation")
        extraction = replace(extraction, validation=())
        country, country_source = None, ""
        if self.normalize:
            extraction, evidence = normalize_with_evidence(extraction, self.context, self.policy)
            if evidence.country is not None:
                country, country_source = evidence.country.country, evidence.country.source
        context = RuleContext(self.policy, self.today(), country, country_source)
        results = (*extraction.validation, *(rule(extraction, self.settings, context) for rule in self.rules))
        status = decide_status(results)
        if status is ExtractionStatus.AUTO_APPROVED:
            extraction = withhold_fields(extraction, results)
        return replace(extraction, validation=results, status=status)


def withhold_fields(extraction: Extraction, results: tuple[ValidationResult, ...]) -> Extraction:
    """An approved extraction without the values of the optional fields the ``confidence`` rule found below
    their thresholds (``validate.optional_low_confidence = "withhold"``): their value is cleared, their printed
    text (``raw``), confidence and place stay, and the rule's message says why. A record booked without review
    holds only values trusted that far."""
    names = {n for r in results if r.rule == "confidence" and r.outcome is RuleOutcome.PASS for n in r.fields}
    if not names:
        return extraction
    fields = tuple(replace(f, value=None) if f.name in names else f for f in extraction.fields)
    return replace(extraction, fields=fields)
