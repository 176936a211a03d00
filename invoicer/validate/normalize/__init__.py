"""Normalization: printed values (``raw``) → the contract's normalized ``value``s, using document evidence.

:func:`normalize_extraction` is pure: it reads the extraction's fields, line items and words, and
returns a new extraction whose dates are ``YYYY-MM-DD``, money plain decimals, currency ISO 4217,
IBAN and VAT id compact. A value that cannot be read, or reads two ways with nothing on the document
to decide, becomes ``None`` and gets a failing :class:`~invoicer.document.ValidationResult` saying why
(rule ``normalize_<field>``); it is never guessed. A value decided by evidence outside itself
(another date on the page, the vendor's country, the document's decimal convention) gets a passing
result that names the evidence. Fields a person entered (``source == "person"``) are left alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from invoicer.document import DATE_FIELDS, MONEY_FIELDS, Extraction, Field, LineItem, RuleOutcome, ValidationResult
from invoicer.errors import AmbiguousValueError, NormalizationError
from invoicer.validate.countries import DateOrder
from invoicer.validate.normalize.amounts import ParsedAmount, find_amount, format_amount, parse_amount
from invoicer.validate.normalize.currency import (
    PAGE_HINT_CONFIDENCE,
    CurrencyDecision,
    currency_candidates,
    decide_by_page_hints,
    find_currency_marks,
    parse_currency,
    resolve_currency,
)
from invoicer.validate.normalize.dates import OrderEvidence, ParsedDate, decide_order, parse_date
from invoicer.validate.normalize.evidence import (
    CountryClue,
    DecimalEvidence,
    DocumentEvidence,
    NormalizationContext,
    collect_evidence,
)
from invoicer.validate.policy import ValidationPolicy

__all__ = [
    "CountryClue",
    "CurrencyDecision",
    "DecimalEvidence",
    "DocumentEvidence",
    "NormalizationContext",
    "OrderEvidence",
    "ParsedAmount",
    "ParsedDate",
    "collect_evidence",
    "decide_order",
    "find_amount",
    "format_amount",
    "normalize_extraction",
    "normalize_with_evidence",
    "parse_amount",
    "parse_currency",
    "parse_date",
    "resolve_currency",
]


def _text(f: Field) -> str | None:
    for candidate in (f.raw, f.value):
        if candidate is not None and candidate.strip():
            return candidate
    return None


def _result(name: str, outcome: RuleOutcome, message: str) -> ValidationResult:
    return ValidationResult(f"normalize_{name}", outcome, message, (name,))


def _failure(name: str, exc: NormalizationError) -> ValidationResult:
    how = "is ambiguous" if isinstance(exc, AmbiguousValueError) else "cannot be read"
    return _result(name, RuleOutcome.FAIL, f"{name} {how}: {exc.message}")


#: Party-name fields, cleaned by :func:`company_name`.
NAME_FIELDS = ("vendor_name", "customer_name")
_SPACED_LETTERS = re.compile(r"(?<!\S)(?:[A-ZÄÖÜ] ){2,}[A-ZÄÖÜ](?!\S)")
_STREET_WORD = re.compile(r"(?i)^(?:\S*str\.?|straße|strasse|street|road|avenue|ave\.|blvd\.?|boulevard)$")


#: A company registration number printed after the name ("JM0325965-V", "(1132106-H)"): five or more
#: digits with a letter, never a plain store number ("Old Navy - 5934").
_REGISTRATION_NUMBER = re.compile(r"^\(?[A-Z]{0,3}\d{5,}-?[A-Z]\)?[.,]?$|^\(?[A-Z]{1,3}\d{5,}\)?[.,]?$")


def _letter_o(word: str) -> str:
    """A scanned zero among a word's letters read back as the letter O ("C0." -> "CO.", "B00KS" -> "BOOKS"):
    only in words whose only digits are zeros, with at least as many letters, upper case around them."""
    zeros = word.count("0")
    letters = [c for c in word if c.isalpha()]
    if not zeros or any(c.isdigit() and c != "0" for c in word) or len(letters) < zeros:
        return word
    return word.replace("0", "O") if all(c.isupper() for c in letters) else word


def company_name(text: str) -> str:
    """A party's name as printed, without a receipt's letter spacing ("A L D I" -> "ALDI") or a scanned zero
    among capital letters ("POPULAR BOOK C0." -> "POPULAR BOOK CO."), without a
    street its line ran on into ("PEEK&CLOPPENBURG MONCKEBERGSTR." -> "PEEK&CLOPPENBURG"), without a
    registration number after it ("PERNIAGAAN ZHENG HUI JM0325965-V") and without stray punctuation or a
    legal form read twice ("... SDN. BHD. . BHD.")."""
    text = _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)
    words = [_letter_o(word) for word in text.split(" ")]

    def folded(word: str) -> str:
        return word.casefold().replace(".", "")

    while len(words) > 1:
        last = words[-1]
        stray = _STREET_WORD.match(last) or _REGISTRATION_NUMBER.match(last) or not any(c.isalnum() for c in last)
        if stray or (len(words) > 2 and folded(last) == folded(words[-2])):  # or read twice ("BHD. BHD.")
            words.pop()
        elif len(words) > 3 and not any(c.isalnum() for c in words[-2]) and folded(last) == folded(words[-3]):
            del words[-2:]  # "BHD. . BHD."
        else:
            break
    return " ".join(words)


#: Document-number fields whose printed label may be glued to the value.
NUMBER_FIELDS = ("invoice_number", "po_number")
_NUMBER_LABEL = re.compile(r"^(?:nr|no|n°|nº|num|#)\s*[.:#]*\s*(?=[0-9])", re.IGNORECASE)


def _compact_id(text: str) -> str:
    return re.sub(r"[\s.\-]", "", unicodedata.normalize("NFKC", text)).upper()


class _Normalizer:
    def __init__(self, extraction: Extraction, evidence: DocumentEvidence, policy: ValidationPolicy) -> None:
        self.extraction = extraction
        self.evidence = evidence
        self.policy = policy
        self.results: list[ValidationResult] = []
        self.separator, self.separator_source = evidence.decimal_separator()

    # -- money -----------------------------------------------------------------------------------
    def amount(self, text: str) -> ParsedAmount:
        return find_amount(text, decimal_separator=self.separator, decided_by=self.separator_source)

    def money_field(self, f: Field, text: str) -> Field:
        try:
            parsed = self.amount(text)
        except NormalizationError as exc:
            self.results.append(_failure(f.name, exc))
            return replace(f, value=None)
        value = format_amount(parsed.value)
        if self.disagrees(f, text, value, lambda v: format_amount(self.amount(v).value)):
            return replace(f, value=None)
        if parsed.decided_by:
            self.results.append(
                _result(
                    f.name,
                    RuleOutcome.PASS,
                    f"{f.name} {value} from '{text}': read with '{self.separator}' as the decimal separator "
                    f"because {parsed.decided_by}",
                )
            )
        return replace(f, value=value)

    def disagrees(self, f: Field, text: str, value: str, reread: Callable[[str], str]) -> bool:
        """True (and a failing result) when the tagger's own value reads differently from the printed text."""
        if f.value is None or text != f.raw or f.value == f.raw:
            return False
        try:
            other = reread(f.value)
        except NormalizationError:
            return False  # the tagger's value is not a value (e.g. a label); the printed text decides
        if other == value:
            return False
        self.results.append(
            _result(
                f.name,
                RuleOutcome.FAIL,
                f"{f.name}: the tagger's value {f.value} disagrees with the printed '{text}' ({value})",
            )
        )
        return True

    # -- dates -----------------------------------------------------------------------------------
    def date_field(self, f: Field, text: str, order: tuple[OrderEvidence, ...]) -> Field:
        languages = (self.evidence.language,) if self.evidence.language else ()
        pivot = self.policy.two_digit_year_pivot
        full = self.evidence.full_dates
        try:
            parsed = parse_date(text, order, languages=languages, pivot=pivot, full_dates=full)
        except NormalizationError as exc:
            self.results.append(_failure(f.name, exc))
            return replace(f, value=None)
        value = parsed.value.isoformat()
        if self.disagrees(
            f,
            text,
            value,
            lambda v: parse_date(v, order, languages=languages, pivot=pivot, full_dates=full).value.isoformat(),
        ):
            return replace(f, value=None)
        if parsed.from_evidence:
            kind = {DateOrder.DMY: "day-first", DateOrder.MDY: "month-first", DateOrder.YMD: "year-first"}[
                parsed.order or DateOrder.YMD
            ]
            self.results.append(
                _result(f.name, RuleOutcome.PASS, f"{f.name} {value} from '{text}': {kind} because {parsed.decided_by}")
            )
        return replace(f, value=value)

    # -- currency --------------------------------------------------------------------------------
    def currency(self, fields: dict[str, Field]) -> tuple[CurrencyDecision, list[str]]:
        """The currency decision, and the marks printed with the currency / money fields it used."""
        printed: list[str] = []
        field = fields.get("currency")
        if field is not None and (text := _text(field)):
            marks = [text] if currency_candidates(text) else find_currency_marks(text)
            printed.extend(marks or [text])
        for name in ("total", "subtotal", "tax_total"):
            money = fields.get(name)
            if money is not None and money.raw:
                try:
                    mark = self.amount(money.raw).currency_mark
                except NormalizationError:
                    mark = None
                if mark:
                    printed.append(mark)
        unknown = [m for m in printed if not currency_candidates(m)]
        known = [m for m in printed if currency_candidates(m)]
        country = self.evidence.country
        decision = resolve_currency(
            known,
            self.evidence.currency_marks,
            country.country if country else None,
            country.source if country else "",
            country.strength if country else 0,
        )
        if country is None:
            decision = decide_by_page_hints(decision, [(c.country, c.source) for c in self.evidence.country_clues])
        if unknown:
            decision = replace(decision, reason=f"'{unknown[0]}' is not a known currency; {decision.reason}")
        return decision, known


#: Currencies whose every user writes numeric dates one way (the euro area and the UK day-first, the US
#: dollar month-first); weaker than any other evidence.
CURRENCY_DATE_ORDER = {"USD": DateOrder.MDY, "EUR": DateOrder.DMY, "GBP": DateOrder.DMY}


def normalize_with_evidence(
    extraction: Extraction,
    context: NormalizationContext | None = None,
    policy: ValidationPolicy | None = None,
) -> tuple[Extraction, DocumentEvidence]:
    """:func:`normalize_extraction`, also returning the evidence it used (the rules need the vendor's country)."""
    policy = policy or ValidationPolicy()
    evidence = collect_evidence(extraction, context)
    norm = _Normalizer(extraction, evidence, policy)
    by_name = {f.name: f for f in extraction.fields}
    out: dict[str, Field] = {}

    decision, printed = norm.currency(by_name)
    currency_field = by_name.get("currency")
    if currency_field is not None and currency_field.source == "person":
        out["currency"] = currency_field
    elif decision.code is not None:
        if currency_field is not None:
            out["currency"] = replace(currency_field, value=decision.code)
            if decision.from_page_hint:
                out["currency"] = replace(
                    out["currency"], confidence=min(PAGE_HINT_CONFIDENCE, currency_field.confidence)
                )
        else:
            money_conf = [f.confidence for n, f in by_name.items() if n in MONEY_FIELDS]
            confidence = min(money_conf) if money_conf and printed else evidence.currency_mark_confidence
            if not decision.marks and evidence.country is not None:  # nothing printed: as sure as the country
                confidence = evidence.country.confidence
            if decision.from_page_hint:
                confidence = min(PAGE_HINT_CONFIDENCE, confidence)
            out["currency"] = Field(
                "currency", decision.code, " ".join(dict.fromkeys(decision.marks)), confidence, source="rule"
            )
        if decision.decided_by_context or currency_field is None or "not a known currency" in decision.reason:
            norm.results.append(_result("currency", RuleOutcome.PASS, decision.reason))
    elif currency_field is not None or any(name in by_name for name in MONEY_FIELDS):
        if currency_field is not None:
            out["currency"] = replace(currency_field, value=None)
        norm.results.append(_result("currency", RuleOutcome.FAIL, f"currency unknown: {decision.reason}"))

    order = evidence.date_order
    if decision.code in CURRENCY_DATE_ORDER:  # the weakest evidence: where that currency is used, dates read so
        currency_order = CURRENCY_DATE_ORDER[decision.code]
        order = (*order, OrderEvidence(currency_order, f"the currency is {decision.code}", 1))

    for f in extraction.fields:
        if f.name == "currency":
            continue
        text = _text(f)
        if f.source == "person" or text is None:
            out[f.name] = f
        elif f.name in DATE_FIELDS:
            out[f.name] = norm.date_field(f, text, order)
        elif f.name in MONEY_FIELDS:
            out[f.name] = norm.money_field(f, text)
        elif f.name in ("iban", "vendor_tax_id"):
            out[f.name] = replace(f, value=_compact_id(f.value if f.value else text))
        else:
            value = f.value if f.value is not None else text
            # names and numbers end where the printed field does: a comma or colon after them is punctuation
            value = re.sub(r"\s+", " ", value).strip().rstrip(",;:").rstrip()
            if f.name in NUMBER_FIELDS:
                value = _NUMBER_LABEL.sub("", value)  # "NR.:1898" -> "1898": the label glued to the number
            elif f.name in NAME_FIELDS:
                value = company_name(value)
            out[f.name] = replace(f, value=value)

    items, item_problems = _normalize_items(extraction.line_items, norm)
    if item_problems:
        norm.results.append(
            ValidationResult("normalize_line_items", RuleOutcome.FAIL, "; ".join(item_problems), ("line_items",))
        )
    result = replace(
        extraction.with_fields(out.values()),
        line_items=items,
        validation=(*extraction.validation, *norm.results),
    )
    return result, evidence


def normalize_extraction(
    extraction: Extraction,
    context: NormalizationContext | None = None,
    policy: ValidationPolicy | None = None,
) -> Extraction:
    """Fill normalized ``value``s from ``raw`` using the document's evidence; record what could not be read.

    Pure: same input, same output; the document's words are read, never changed.
    """
    return normalize_with_evidence(extraction, context, policy)[0]


def _normalize_items(items: tuple[LineItem, ...], norm: _Normalizer) -> tuple[tuple[LineItem, ...], list[str]]:
    problems: list[str] = []
    out = []
    for row, item in enumerate(items, start=1):
        changes: dict[str, str | None] = {}
        for column in ("quantity", "unit_price", "amount", "tax_rate"):
            text = getattr(item, column)
            if text is None or not text.strip():
                continue
            try:
                if column == "tax_rate":
                    parsed = norm.amount(text.replace("%", " ").strip())
                    changes[column] = _plain(parsed.value)
                elif column == "quantity":
                    changes[column] = _plain(norm.amount(text).value)
                else:
                    changes[column] = format_amount(norm.amount(text).value)
            except NormalizationError as exc:
                problems.append(f"line {row} {column}: {exc.message}")
                changes[column] = None
        out.append(replace(item, **changes) if changes else item)  # type: ignore[arg-type]
    return tuple(out), problems


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
