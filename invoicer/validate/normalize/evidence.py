"""Document-level evidence that normalization decides ambiguous values with.

:func:`collect_evidence` reads an extraction once and gathers: the vendor's country (VAT id prefix,
IBAN country, address, phone prefixes — each a :class:`CountryClue` with a strength), the language
of the labels, every numeric date that reads only one way, the decimal separator the amounts use,
and the currency marks printed anywhere. Each piece says where it came from, so a decision can be
explained to a bookkeeper.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from stdnum import iban as stdnum_iban
from stdnum.eu import vat as eu_vat

from invoicer.document import Extraction
from invoicer.validate.countries import (
    COUNTRIES_BY_LANGUAGE,
    COUNTRY_DOMAINS,
    COUNTRY_NAMES,
    DATE_ORDER_BY_COUNTRY,
    DATE_ORDER_BY_LANGUAGE,
    DECIMAL_BY_COUNTRY,
    DECIMAL_BY_LANGUAGE,
    LANGUAGE_KEYWORDS,
    LEGAL_FORM_COUNTRY,
    LEGAL_FORM_WORDS,
    PHONE_PREFIXES,
    REGION_NAMES,
    US_STATES,
    DateOrder,
    tax_id_checkers,
)
from invoicer.validate.normalize.currency import find_currency_marks
from invoicer.validate.normalize.dates import OrderEvidence, find_numeric_dates

__all__ = [
    "CountryClue",
    "DecimalEvidence",
    "DocumentEvidence",
    "NormalizationContext",
    "collect_evidence",
    "countries_in_address",
    "country_of_iban",
    "country_of_vat_id",
    "decide_country",
    "detect_language",
]


@dataclass(frozen=True)
class NormalizationContext:
    """What is known about a document before reading it (never a default value for a field).

    ``locale`` is the document's locale when known (``"de-DE"``, ``"en-US"``, or a bare language ``"fr"``),
    e.g. from the inbox it arrived in; ``vendor_country`` (ISO 3166 alpha-2) from the vendor master.
    """

    locale: str | None = None
    vendor_country: str | None = None

    def __post_init__(self) -> None:
        if self.locale is not None and not re.fullmatch(r"[a-zA-Z]{2,3}(?:[-_][a-zA-Z]{2})?", self.locale):
            raise ValueError(f"locale must look like 'de' or 'de-DE', got {self.locale!r}")
        if self.vendor_country is not None and not re.fullmatch(r"[A-Z]{2}", self.vendor_country):
            raise ValueError(f"vendor_country must be an ISO 3166 alpha-2 code like 'DE', got {self.vendor_country!r}")

    @property
    def locale_language(self) -> str | None:
        return self.locale.replace("_", "-").split("-")[0].lower() if self.locale else None

    @property
    def locale_region(self) -> str | None:
        if self.locale and re.search(r"[-_]", self.locale):
            return self.locale.replace("_", "-").split("-")[1].upper()
        return None


@dataclass(frozen=True)
class CountryClue:
    """A hint at the vendor's country: ``strength`` 5 vendor master, 4 VAT id, 3 IBAN / vendor address or name /
    a place in the lines printed right under the vendor's name (its letterhead), 2 the document's locale or a
    valid VAT id elsewhere on the page, 1 a country name or phone number elsewhere on the page (could be the
    customer's: recorded, never decisive)."""

    country: str
    source: str
    strength: int
    confidence: float = 1.0  # the confidence of the field that showed it (1 for the vendor master)


@dataclass(frozen=True)
class DecimalEvidence:
    """A hint at the decimal separator (``.`` or ``,``); strength as for :class:`OrderEvidence`."""

    separator: str
    source: str
    strength: int


@dataclass(frozen=True)
class DocumentEvidence:
    """Everything gathered from one document; see :func:`collect_evidence`."""

    country: CountryClue | None
    country_note: str
    country_clues: tuple[CountryClue, ...] = ()
    language: str | None = None
    language_note: str = ""
    date_order: tuple[OrderEvidence, ...] = ()
    decimal: tuple[DecimalEvidence, ...] = ()
    currency_marks: tuple[str, ...] = ()
    currency_mark_confidence: float = 0.0  # lowest confidence of the lines that carry the marks
    full_dates: tuple[date, ...] = ()  # dates printed with a four-digit year that read only one way

    def decimal_separator(self) -> tuple[str | None, str]:
        """The decided decimal separator and why (None and why not when undecided)."""
        return _decide(self.decimal, "nothing on the document tells the decimal separator")


def _decide(evidence: Iterable[DecimalEvidence], none_note: str) -> tuple[str | None, str]:
    by_strength: dict[int, list[DecimalEvidence]] = {}
    for e in evidence:
        by_strength.setdefault(e.strength, []).append(e)
    if not by_strength:
        return None, none_note
    top = by_strength[max(by_strength)]
    if len({e.separator for e in top}) > 1:
        return None, "the evidence disagrees: " + "; ".join(f"'{e.separator}': {e.source}" for e in top)
    return top[0].separator, top[0].source


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def country_of_vat_id(text: str) -> str | None:
    """The country of a valid EU-style VAT id (``DE136695976`` → ``DE``; Greek ``EL`` → ``GR``)."""
    try:
        number = eu_vat.validate(text)
    except Exception:
        return None
    prefix = number[:2].upper()
    return {"EL": "GR", "XI": "GB"}.get(prefix, prefix)


def national_tax_number_country(text: str, countries: Iterable[str]) -> tuple[str, str] | None:
    """(country, kind of number) when the unprefixed tax id ``text`` is valid in exactly one of ``countries``
    (python-stdnum: "B83856088" a Spanish NIF, "205/5809/1828" a German Steuernummer); None otherwise."""
    number = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(number) < 8 or number[:2].isalpha():
        return None
    valid: dict[str, str] = {}
    for cc in countries:
        for module, kind in tax_id_checkers(number, cc):
            try:
                module.validate(number)  # type: ignore[attr-defined]
            except Exception:  # stdnum.exceptions.ValidationError and its subclasses
                continue
            valid[cc] = kind
            break
    return next(iter(valid.items())) if len(valid) == 1 else None


def country_of_iban(text: str) -> str | None:
    """The country of a valid IBAN."""
    try:
        number = stdnum_iban.validate(text)
    except Exception:
        return None
    return number[:2].upper()


_US_ADDRESS = re.compile(r"\b([A-Z]{2})[.,]?\s+\d{5}(?:-\d{4})?\b")  # "CA 94103", "CA. 94103"
#: A Canadian province and postal code ("BC V6G 1C8", "ON M5V 2T6").
_CA_ADDRESS = re.compile(r"\b(AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)[.,]?\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
#: A Canadian postal code alone ("V6G 1C8" on the line below "VANCOUVER, BC"): letter-digit-letter digit-letter-digit,
#: with the letters Canada Post uses (never D, F, I, O, Q, U; W and Z not first). UK postcodes end digit-letter-letter.
_CA_POSTAL_CODE = re.compile(r"(?<![\w-])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d(?![\w-])")
_WEB_ADDRESS = re.compile(r"(?i)(?<![\w.-])(?:(?=[a-z0-9-]*[a-z])[a-z0-9-]{2,}\.)+([a-z]{2})(?![\w.-])")  # site, e-mail
_PHONE = re.compile(r"(?:\+|\b00)\s?(\d{2,3})[\s()/.-]")
_VAT_LIKE = re.compile(r"\b([A-Z]{2}) ?(\d[\d ]{7,13}\d|[A-Z0-9]{8,12})\b")


# US states named like a country: matched first (longest names first), so "New Mexico" is no Mexico
_PLACE_NAMES = {**COUNTRY_NAMES, **REGION_NAMES, **LEGAL_FORM_COUNTRY, "NEW MEXICO": "US"}
_PLACES = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(n) for n in sorted(_PLACE_NAMES, key=len, reverse=True)) + r")(?!\w)"
)


def has_legal_form(name: str) -> bool:
    """Whether a name holds a company's legal-form word (:data:`LEGAL_FORM_WORDS`: "GmbH", "LLC", "S.A.")."""
    words = [w.replace(".", "") for w in re.split(r"[\s,;&]+", name.casefold()) if w]
    return any(w.replace("/", "") in LEGAL_FORM_WORDS or set(w.split("/")) & LEGAL_FORM_WORDS for w in words)


def countries_in_address(text: str) -> list[tuple[str, str]]:
    """(country, what showed it) for country names, single-country legal forms, US "ST 12345" and Canadian
    "BC V6G 1C8" (or a Canadian postal code alone) in ``text``."""
    upper = _clean(text).upper()
    found: list[tuple[str, str]] = []
    for m in _PLACES.finditer(upper):
        name = m.group(1)
        found.append((_PLACE_NAMES[name], f"'{name.title() if len(name) > 3 else name}'"))
    for m in _US_ADDRESS.finditer(upper):
        if m.group(1) in US_STATES:
            found.append(("US", f"US state and ZIP '{m.group(0)}'"))
    canadian = [("CA", f"Canadian province and postal code '{m.group(0)}'") for m in _CA_ADDRESS.finditer(upper)]
    if not canadian:  # as printed: upper case
        canadian = [("CA", f"Canadian postal code '{m.group(0)}'") for m in _CA_POSTAL_CODE.finditer(_clean(text))]
    found.extend(canadian)
    return found


#: How many lines under the vendor's name count as its letterhead (name, street, town, phone).
VENDOR_BLOCK_LINES = 4


def vendor_block_lines(extraction: Extraction, size: int = VENDOR_BLOCK_LINES) -> list[str]:
    """The texts of the ``size`` lines printed right under the vendor's name (its letterhead: street, town).

    The tagger does not always mark the vendor's address, but on receipts and letterheads it follows the
    name. Lines are taken in the page's reading order, starting after the last line the name's box touches.
    """
    vendor = extraction.field("vendor_name")
    if vendor is None or vendor.bbox is None or vendor.page is None:
        return []
    pages = extraction.document.pages
    if not 1 <= vendor.page <= len(pages):
        return []
    lines = pages[vendor.page - 1].lines
    x0, y0, x1, y1 = vendor.bbox
    touched = [
        k
        for k, line in enumerate(lines)
        if (b := line.bbox)[0] < x1 and b[2] > x0 and b[1] < y1 and b[3] > y0
        and min(b[3], y1) - max(b[1], y0) >= 0.5 * min(b[3] - b[1], y1 - y0)
    ]  # fmt: skip
    if not touched:
        return []
    return [line.text for line in lines[max(touched) + 1 : max(touched) + 1 + size]]


def decide_country(clues: Iterable[CountryClue], min_strength: int = 2) -> tuple[CountryClue | None, str]:
    """The strongest country clue; None (and why) when there is none or the strongest ones disagree.

    Clues weaker than ``min_strength`` (a country name or phone number anywhere on the page, which may
    well be the customer's) never decide.
    """
    by_strength: dict[int, list[CountryClue]] = {}
    weak: list[CountryClue] = []
    for c in clues:
        if c.strength >= min_strength:
            by_strength.setdefault(c.strength, []).append(c)
        else:
            weak.append(c)
    if not by_strength:
        if weak:
            listed = ", ".join(dict.fromkeys(f"{c.country} ({c.source})" for c in weak))
            return None, f"only the page mentions {listed} (may be the customer's); nothing shows the vendor's country"
        return None, "nothing shows the vendor's country"
    top = by_strength[max(by_strength)]
    countries = {c.country for c in top}
    if len(countries) > 1:
        listed = "; ".join(f"{c.country} ({c.source})" for c in top)
        return None, f"the document points to several countries: {listed}"
    return top[0], f"{top[0].country} ({top[0].source})"


#: Languages spoken in only one country that writes five-digit postcodes (Austria, Switzerland, Belgium and
#: Luxembourg write four digits; Spanish and English are spoken in several five-digit countries).
POSTCODE_COUNTRY_BY_LANGUAGE = {"de": "DE", "fr": "FR", "it": "IT"}
_FIVE_DIGIT_POSTCODE = re.compile(r"(?<![\d.,/-])\d{5}\s+[^\W\d_]{2,}")  # "04109 Leipzig", "75008 PARIS"


def detect_language(words: Iterable[str]) -> tuple[str | None, str]:
    """The language of the labels from keyword hits; None when fewer than two or tied."""
    hits: dict[str, set[str]] = {lang: set() for lang in LANGUAGE_KEYWORDS}
    for word in words:
        token = word.casefold().strip(".:;,()[]#*'\"")
        for lang, keywords in LANGUAGE_KEYWORDS.items():
            if token in keywords:
                hits[lang].add(token)
    ranked = sorted(hits.items(), key=lambda kv: len(kv[1]), reverse=True)
    (best, best_hits), (_, second_hits) = ranked[0], ranked[1]
    if len(best_hits) < 2 or len(best_hits) == len(second_hits):
        return None, "the labels do not show one language"
    return best, f"labels in {best} ({', '.join(sorted(best_hits)[:4])})"


_COMMA_DECIMAL = re.compile(
    r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,\d{2}(?![\d]|[.,]\d)|(?<![\d.,])\d{4,},\d{2}(?![\d]|[.,]\d)"
)
_DOT_DECIMAL = re.compile(
    r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d]|[.,]\d)|(?<![\d.,])\d{4,}\.\d{2}(?![\d]|[.,]\d)"
)


def _decimal_votes(lines: Iterable[str]) -> Counter[str]:
    votes: Counter[str] = Counter()
    for line in lines:
        for span, _ in find_numeric_dates(line):
            line = line.replace(span, " ")
        line = re.sub(r"\d{1,2}:\d{2}(?::\d{2})?", " ", line)  # times
        votes[","] += len(_COMMA_DECIMAL.findall(line))
        votes["."] += len(_DOT_DECIMAL.findall(line))
    return votes


def collect_evidence(extraction: Extraction, context: NormalizationContext | None = None) -> DocumentEvidence:
    """Gather the document-level evidence of ``extraction`` (pure: reads words and fields only)."""
    context = context or NormalizationContext()
    lines = [_clean(line.text) for page in extraction.document.pages for line in page.lines]
    words = [w.text for page in extraction.document.pages for w in page.words]

    def field_text(name: str) -> str:
        f = extraction.field(name)
        return _clean(f.value or f.raw or "") if f else ""

    def field_confidence(name: str) -> float:
        f = extraction.field(name)
        return f.confidence if f else 0.0

    clues: list[CountryClue] = []
    if context.vendor_country:
        clues.append(CountryClue(context.vendor_country, "the vendor master", 5))
    vat_text = field_text("vendor_tax_id")
    if vat_text and (cc := country_of_vat_id(vat_text)):
        clues.append(CountryClue(cc, f"VAT id {eu_vat.compact(vat_text)}", 4, field_confidence("vendor_tax_id")))
    iban_text = field_text("iban")
    if iban_text and (cc := country_of_iban(iban_text)):
        clues.append(CountryClue(cc, f"IBAN {iban_text[:4]}…", 3, field_confidence("iban")))
    for name in ("vendor_address", "vendor_name"):
        for cc, what in countries_in_address(field_text(name)):
            # a country named in a shop's name ("China White" in Leipzig) says little; in a company's name
            # ("McDonald's Deutschland LLC") it names the company's country, as a country's legal form does
            company = what.strip("'").upper() in LEGAL_FORM_COUNTRY or has_legal_form(field_text(name))
            strength = 3 if name == "vendor_address" or company else 1
            clues.append(CountryClue(cc, f"{what} in the {name.replace('_', ' ')}", strength, field_confidence(name)))
    for line in vendor_block_lines(extraction):
        for cc, what in countries_in_address(line):
            clues.append(CountryClue(cc, f"{what} under the vendor's name", 3, field_confidence("vendor_name")))
    if context.locale_region:
        clues.append(CountryClue(context.locale_region, f"the document's locale {context.locale}", 2))
    page_text = "\n".join(lines)
    for m in _VAT_LIKE.finditer(page_text.upper()):
        candidate = m.group(0).replace(" ", "")
        if (cc := country_of_vat_id(candidate)) and candidate != vat_text.replace(" ", "").upper():
            clues.append(CountryClue(cc, f"VAT id {candidate} on the page", 2))
    for line in lines:
        for cc, what in countries_in_address(line):
            clues.append(CountryClue(cc, f"{what} on the page", 1))
        for m in _WEB_ADDRESS.finditer(line):
            cc = COUNTRY_DOMAINS.get(m.group(1).lower())
            if cc:
                clues.append(CountryClue(cc, f"web address {m.group(0).lower()} on the page", 1))
        for m in _PHONE.finditer(line):
            code = m.group(1)
            cc = PHONE_PREFIXES.get(code) or PHONE_PREFIXES.get(code[:2])
            if cc:
                clues.append(CountryClue(cc, f"phone number +{code}… on the page", 1))
    language, language_note = detect_language(words)
    if language in POSTCODE_COUNTRY_BY_LANGUAGE and _FIVE_DIGIT_POSTCODE.search(field_text("vendor_address")):
        cc = POSTCODE_COUNTRY_BY_LANGUAGE[language]
        what = f"a five-digit postcode in the vendor address and {language_note}"
        clues.append(CountryClue(cc, what, 3, field_confidence("vendor_address")))
    if language in COUNTRIES_BY_LANGUAGE and vat_text and country_of_vat_id(vat_text) is None:
        national = national_tax_number_country(vat_text, COUNTRIES_BY_LANGUAGE[language])
        if national is not None:
            what = f"the vendor tax id {vat_text} is a valid {national[1]} and {language_note}"
            clues.append(CountryClue(national[0], what, 3, field_confidence("vendor_tax_id")))
    clues = list(dict.fromkeys(clues))
    country, country_note = decide_country(clues)

    locale_lang = context.locale_language

    order: list[OrderEvidence] = []
    seen: set[str] = set()
    full_dates: dict[date, None] = {}
    for line in lines:
        for span, readings in find_numeric_dates(line):
            if len(set(readings.values())) == 1 and re.search(r"\d{4}", span):
                full_dates[next(iter(readings.values()))] = None
            two_way = {o: d for o, d in readings.items() if o is not DateOrder.YMD}
            if len(two_way) == 1 and span not in seen:
                seen.add(span)
                (o,) = two_way
                order.append(OrderEvidence(o, f"another date on the document, '{span}', can only be {o.value}", 5))
    if context.locale:
        by_locale = DATE_ORDER_BY_COUNTRY.get(context.locale_region or "") or DATE_ORDER_BY_LANGUAGE.get(
            locale_lang or ""
        )
        if by_locale:
            order.append(OrderEvidence(by_locale, f"the document's locale {context.locale}", 4))
    if country and (by_country := DATE_ORDER_BY_COUNTRY.get(country.country)):
        order.append(OrderEvidence(by_country, f"the vendor is in {country.country} ({country.source})", 3))
    if language and (by_language := DATE_ORDER_BY_LANGUAGE.get(language)):
        order.append(OrderEvidence(by_language, language_note, 2))

    decimal: list[DecimalEvidence] = []
    votes = _decimal_votes(lines)
    total = votes[","] + votes["."]
    if total:
        sep, n = votes.most_common(1)[0]
        if n >= 2 and n / total >= 0.8:
            decimal.append(DecimalEvidence(sep, f"{n} of {total} amounts on the document use '{sep}' for decimals", 5))
    if context.locale:
        by_locale_sep = DECIMAL_BY_COUNTRY.get(context.locale_region or "") or DECIMAL_BY_LANGUAGE.get(
            locale_lang or ""
        )
        if by_locale_sep:
            decimal.append(DecimalEvidence(by_locale_sep, f"the document's locale {context.locale}", 4))
    if country and (by_country_sep := DECIMAL_BY_COUNTRY.get(country.country)):
        decimal.append(DecimalEvidence(by_country_sep, f"the vendor is in {country.country} ({country.source})", 3))
    if language and (by_language_sep := DECIMAL_BY_LANGUAGE.get(language)):
        decimal.append(DecimalEvidence(by_language_sep, language_note, 2))

    marks: list[str] = []
    mark_conf = 1.0
    for page in extraction.document.pages:
        for page_line in page.lines:
            found = find_currency_marks(page_line.text)
            if found:
                marks.extend(found)
                mark_conf = min(mark_conf, page_line.confidence, *(w.confidence for w in page_line.words))
    return DocumentEvidence(
        country=country,
        country_note=country_note,
        country_clues=tuple(clues),
        language=language or locale_lang,
        language_note=language_note
        if language
        else (f"the document's locale {context.locale}" if locale_lang else language_note),
        date_order=tuple(order),
        decimal=tuple(decimal),
        currency_marks=tuple(marks),
        currency_mark_confidence=mark_conf if marks else 0.0,
        full_dates=tuple(full_dates),
    )
