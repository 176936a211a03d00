"""The validation rules: pure functions ``(extraction, settings, context) -> ValidationResult``.

Each returns pass / fail / skip with a message a bookkeeper can read, and names the fields it looked
at. A rule skips (never fails) when the fields it needs are absent: missing fields are the
``required_fields`` rule's business. :data:`RULES` lists them by name; :data:`DEFAULT_RULES` is the
order the validate stage runs them in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum import iban as stdnum_iban

from invoicer.config import ValidateSettings
from invoicer.document import Extraction, RuleOutcome, ValidationResult, WordSource
from invoicer.registry import Registry
from invoicer.validate.countries import (
    NATIONAL_TAX_NUMBERS,  # noqa: F401  (re-exported: it was defined here)
    SALES_TAX_CEILING,
    TAX_RATES_BY_COUNTRY,
    tax_id_checkers,
)
from invoicer.validate.policy import ValidationPolicy

__all__ = ["DEFAULT_RULES", "RULES", "Rule", "RuleContext"]


@dataclass(frozen=True)
class RuleContext:
    """What rules need besides the extraction: the policy, today's date and the vendor's country."""

    policy: ValidationPolicy = field(default_factory=ValidationPolicy)
    today: date | None = None  # None: date rules that need "today" skip
    country: str | None = None  # ISO 3166 alpha-2 when the document evidence decided it
    country_source: str = ""


DEFAULT_CONTEXT = RuleContext()

Rule = Callable[[Extraction, ValidateSettings, RuleContext], ValidationResult]
RULES: Registry[ValidationResult] = Registry("validation rule")


def _money(extraction: Extraction, name: str) -> Decimal | None:
    value = extraction.value(name)
    return _decimal(value)


def _decimal(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _date(extraction: Extraction, name: str) -> date | None:
    value = extraction.value(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@RULES.register("pages_read", "Every page yielded words (text layer or OCR)")
def pages_read(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    unread = [p.number for p in extraction.document.pages if p.source is WordSource.NONE or not p.lines]
    if not extraction.document.pages:
        return ValidationResult("pages_read", RuleOutcome.FAIL, "the document has no pages")
    if unread:
        return ValidationResult(
            "pages_read", RuleOutcome.FAIL, f"no text was read from page(s) {', '.join(map(str, unread))}"
        )
    return ValidationResult("pages_read", RuleOutcome.PASS, "every page has text")


@RULES.register("required_fields", "The fields required for booking are present")
def required_fields(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    missing = [f for f in settings.required_fields if extraction.value(f) is None]
    if missing:
        return ValidationResult(
            "required_fields", RuleOutcome.FAIL, f"missing required field(s): {', '.join(missing)}", tuple(missing)
        )
    return ValidationResult("required_fields", RuleOutcome.PASS, "all required fields present")


@RULES.register(
    "confidence",
    "Every extracted field is at least as confident as its threshold "
    "(validate.field_min_confidence, else validate.min_confidence); with validate.optional_low_confidence "
    "= withhold only required fields must be, the others are listed to be withheld",
)
def confidence(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    if not extraction.fields:
        return ValidationResult("confidence", RuleOutcome.SKIP, "no fields extracted")
    needs = [(f, settings.min_confidence_for(f.name)) for f in extraction.fields]
    low = [(f.name, f.confidence, needed) for f, needed in needs if f.confidence < needed]
    withhold = settings.optional_low_confidence == "withhold"
    blocking = [x for x in low if not withhold or x[0] in settings.required_fields]
    optional = [x for x in low if x not in blocking]

    def listed(entries: list[tuple[str, float, float]]) -> str:
        return ", ".join(f"{name} {conf:.4g} < {needed:g}" for name, conf, needed in entries)

    if blocking:
        message = f"low confidence for: {listed(blocking)}"
        if optional:
            message += f"; optional, below threshold: {listed(optional)}"
        return ValidationResult("confidence", RuleOutcome.FAIL, message, tuple(name for name, _, _ in blocking))
    if optional:
        return ValidationResult(
            "confidence",
            RuleOutcome.PASS,
            f"required fields confident; withheld from an approved record (optional, below threshold): "
            f"{listed(optional)}",
            tuple(name for name, _, _ in optional),
        )
    return ValidationResult("confidence", RuleOutcome.PASS, "all fields confident")


@RULES.register("totals_add_up", "subtotal + tax_total = total (within validate.rounding_tolerance)")
def totals_add_up(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    fields = ("subtotal", "tax_total", "total")
    sub, tax, total = (_money(extraction, f) for f in fields)
    if sub is None or tax is None or total is None:
        return ValidationResult("totals_add_up", RuleOutcome.SKIP, "subtotal, tax_total or total missing", fields)
    diff = abs(sub + tax - total)
    if diff <= context.policy.tolerance:
        return ValidationResult("totals_add_up", RuleOutcome.PASS, f"{sub} + {tax} = {total}", fields)
    return ValidationResult(
        "totals_add_up", RuleOutcome.FAIL, f"{sub} + {tax} = {sub + tax}, but total is {total}", fields
    )


@RULES.register("line_items_sum", "The line items add up to the subtotal (or to the total when prices include tax)")
def line_items_sum(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    name = "line_items_sum"
    fields = ("line_items", "subtotal", "total")
    items = extraction.line_items
    if not items:
        return ValidationResult(name, RuleOutcome.SKIP, "no line items", fields)
    amounts = [_decimal(item.amount) for item in items]
    missing = [str(i) for i, a in enumerate(amounts, start=1) if a is None]
    if missing:
        return ValidationResult(name, RuleOutcome.SKIP, f"line item(s) {', '.join(missing)} have no amount", fields)
    total_of_items = sum((a for a in amounts if a is not None), Decimal(0))
    # printed line amounts are rounded: allow half a cent per line, at least the rounding tolerance
    tolerance = max(context.policy.tolerance, Decimal("0.005") * len(amounts))
    sub, total = _money(extraction, "subtotal"), _money(extraction, "total")
    if sub is None and total is None:
        return ValidationResult(name, RuleOutcome.SKIP, "neither subtotal nor total to compare with", fields)
    if sub is not None and abs(total_of_items - sub) <= tolerance:
        return ValidationResult(name, RuleOutcome.PASS, f"{len(items)} line items sum to the subtotal {sub}", fields)
    if total is not None and abs(total_of_items - total) <= tolerance:
        return ValidationResult(
            name, RuleOutcome.PASS, f"{len(items)} line items sum to the total {total} (prices include tax)", fields
        )
    against = " and ".join(f"{label} {v}" for label, v in (("subtotal", sub), ("total", total)) if v is not None)
    return ValidationResult(
        name,
        RuleOutcome.FAIL,
        f"{len(items)} line items sum to {total_of_items}, which matches neither {against}",
        fields,
    )


@RULES.register("line_item_amounts", "quantity × unit price = amount on every line item that shows all three")
def line_item_amounts(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    name = "line_item_amounts"
    checked, wrong = 0, []
    for row, item in enumerate(extraction.line_items, start=1):
        qty, price, amount = _decimal(item.quantity), _decimal(item.unit_price), _decimal(item.amount)
        if qty is None or price is None or amount is None:
            continue
        checked += 1
        if abs(qty * price - amount) > context.policy.tolerance:
            wrong.append(f"line {row}: {qty} × {price} = {qty * price}, not {amount}")
    if not checked:
        return ValidationResult(
            name, RuleOutcome.SKIP, "no line item shows quantity, unit price and amount", ("line_items",)
        )
    if wrong:
        return ValidationResult(name, RuleOutcome.FAIL, "; ".join(wrong), ("line_items",))
    return ValidationResult(name, RuleOutcome.PASS, f"{checked} line item(s) multiply out", ("line_items",))


def _rate_text(rate: Decimal | float) -> str:
    return f"{float(rate):g} %"


@RULES.register("tax_rates_plausible", "Tax rates are rates the vendor's country uses (or 0..max_tax_rate)")
def tax_rates_plausible(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    name = "tax_rates_plausible"
    policy = context.policy
    tol = policy.tax_rate_tolerance
    known = TAX_RATES_BY_COUNTRY.get(context.country or "")
    ceiling = SALES_TAX_CEILING.get(context.country or "", policy.max_tax_rate)
    where = f"{context.country}" if context.country else "an unknown country"
    problems: list[str] = []
    line_rates = [r for r in (_decimal(item.tax_rate) for item in extraction.line_items) if r is not None]
    for rate in sorted(set(line_rates)):
        r = float(rate)
        if known is not None:
            if not any(abs(r - k) <= tol for k in known):
                listed = ", ".join(_rate_text(k) for k in known)
                problems.append(f"line item rate {_rate_text(rate)} is not a rate of {where} ({listed})")
        elif not 0 <= r <= ceiling:
            problems.append(f"line item rate {_rate_text(rate)} is outside 0–{ceiling:g} % ({where})")
    sub, tax = _money(extraction, "subtotal"), _money(extraction, "tax_total")
    implied = None
    if sub is not None and tax is not None and sub != 0:
        implied = float(tax / sub * 100)
        # rounding of the printed tax and subtotal blurs the rate; blends of several rates lie between them
        blur = tol + float(policy.tolerance / abs(sub)) * 100
        if line_rates:
            low, high = float(min(line_rates)), float(max(line_rates))
        elif known is not None:
            low, high = min(known), max(known)
        else:
            low, high = 0.0, ceiling
        if not low - blur <= implied <= high + blur:
            problems.append(f"tax {tax} on subtotal {sub} is {implied:.2f} %, outside {low:g}–{high:g} % ({where})")
    elif tax is not None and tax < 0 <= (sub or 0):
        problems.append(f"tax {tax} is negative")
    fields = ("subtotal", "tax_total", "line_items")
    if not line_rates and implied is None:
        return ValidationResult(
            name, RuleOutcome.SKIP, "no tax rate shown and no subtotal with tax to derive one", fields
        )
    if problems:
        return ValidationResult(name, RuleOutcome.FAIL, "; ".join(problems), fields)
    shown = ", ".join(_rate_text(r) for r in sorted(set(line_rates)))
    parts = [f"rates {shown}" if shown else "", f"overall {implied:.2f} %" if implied is not None else ""]
    return ValidationResult(name, RuleOutcome.PASS, f"{'; '.join(p for p in parts if p)} plausible for {where}", fields)


@RULES.register("invoice_date_not_future", "The invoice date is not after today (+ validate.max_future_days)")
def invoice_date_not_future(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    name, fields = "invoice_date_not_future", ("invoice_date",)
    invoice_date = _date(extraction, "invoice_date")
    if invoice_date is None:
        return ValidationResult(name, RuleOutcome.SKIP, "no invoice date", fields)
    if context.today is None:
        return ValidationResult(name, RuleOutcome.SKIP, "no reference date (today) given", fields)
    ahead = (invoice_date - context.today).days
    if ahead > context.policy.max_future_days:
        return ValidationResult(
            name, RuleOutcome.FAIL, f"invoice date {invoice_date} is {ahead} days after today ({context.today})", fields
        )
    return ValidationResult(name, RuleOutcome.PASS, f"invoice date {invoice_date} is not in the future", fields)


@RULES.register("due_date_after_invoice_date", "The due date is not before the invoice date (nor implausibly late)")
def due_date_after_invoice_date(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    name, fields = "due_date_after_invoice_date", ("invoice_date", "due_date")
    invoice_date, due = _date(extraction, "invoice_date"), _date(extraction, "due_date")
    if invoice_date is None or due is None:
        return ValidationResult(name, RuleOutcome.SKIP, "invoice date or due date missing", fields)
    days = (due - invoice_date).days
    if days < 0:
        return ValidationResult(
            name, RuleOutcome.FAIL, f"due date {due} is {-days} days before the invoice date {invoice_date}", fields
        )
    if days > context.policy.max_due_days:
        return ValidationResult(
            name,
            RuleOutcome.FAIL,
            f"due date {due} is {days} days after the invoice date (more than {context.policy.max_due_days})",
            fields,
        )
    return ValidationResult(name, RuleOutcome.PASS, f"due {days} days after the invoice date", fields)


@RULES.register("vendor_tax_id_valid", "The vendor's VAT / tax id has a valid format and check digits")
def vendor_tax_id_valid(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    name, fields = "vendor_tax_id_valid", ("vendor_tax_id",)
    value = extraction.value("vendor_tax_id")
    if value is None:
        return ValidationResult(name, RuleOutcome.SKIP, "no vendor tax id", fields)
    number = "".join(ch for ch in value.upper() if ch.isalnum())
    checkers = tax_id_checkers(number, context.country)
    if not checkers:
        why = f"no checksum is known for {context.country} tax ids" if context.country else "its country is unknown"
        return ValidationResult(name, RuleOutcome.SKIP, f"cannot check tax id {value}: {why}", fields)
    errors = []
    for module, kind in checkers:
        try:
            module.validate(number)  # type: ignore[attr-defined]
        except Exception as exc:  # stdnum.exceptions.ValidationError and its subclasses
            errors.append(f"not a valid {kind} ({exc})")
            continue
        source = " (the vendor's country)" if not number[:2].isalpha() else ""
        return ValidationResult(name, RuleOutcome.PASS, f"{value} is a valid {kind}{source}", fields)
    return ValidationResult(name, RuleOutcome.FAIL, f"tax id {value}: " + "; ".join(errors), fields)


@RULES.register("iban_valid", "The IBAN has a valid country format and check digits")
def iban_valid(
    extraction: Extraction, settings: ValidateSettings, context: RuleContext = DEFAULT_CONTEXT
) -> ValidationResult:
    name, fields = "iban_valid", ("iban",)
    value = extraction.value("iban")
    if value is None:
        return ValidationResult(name, RuleOutcome.SKIP, "no IBAN", fields)
    try:
        number = stdnum_iban.validate(value)
    except Exception as exc:  # stdnum.exceptions.ValidationError and its subclasses
        return ValidationResult(name, RuleOutcome.FAIL, f"IBAN {value} is not valid: {exc}", fields)
    return ValidationResult(name, RuleOutcome.PASS, f"IBAN {number[:4]}… is valid ({number[:2]})", fields)


DEFAULT_RULES: tuple[str, ...] = (
    "pages_read",
    "required_fields",
    "confidence",
    "totals_add_up",
    "line_items_sum",
    "line_item_amounts",
    "tax_rates_plausible",
    "invoice_date_not_future",
    "due_date_after_invoice_date",
    "vendor_tax_id_valid",
    "iban_valid",
)
