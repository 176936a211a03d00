"""Currencies from symbols, ISO 4217 codes and context — failing closed.

A mark (``€``, ``EUR``, ``RM``, ``$``, ``kr``) maps to the set of currencies it can mean. One currency:
decided. Several (``$``, ``¥``, ``kr``): the country evidence picks the one in use there, else the
currency stays unknown, with a reason. Nothing ever defaults to a currency.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from invoicer.errors import AmbiguousValueError, NormalizationError
from invoicer.validate.countries import CURRENCY_BY_COUNTRY, DOLLAR_SIGN_CURRENCY

__all__ = [
    "CURRENCY_MARKS",
    "ISO_4217",
    "PAGE_HINT_CONFIDENCE",
    "CurrencyDecision",
    "currency_candidates",
    "decide_by_page_hints",
    "find_currency_marks",
    "parse_currency",
    "resolve_currency",
]


#: Active ISO 4217 codes (plus HRK, still on pre-2023 Croatian invoices).
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ISO_4217: frozenset[str] = _words(
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD "
    "CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ "
    "GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP "
    "LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB "
    "PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL "
    "THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL"
)
# Codes counted when a page shows them (a currency field or a money field's own text may carry any ISO code).
# Codes that are also words or abbreviations on receipts are left out: BHD (Sdn Bhd), RON (RON95 petrol),
# SVC (service charge), SEK (Malay "Seksyen" in addresses), ALL, TOP, CUP, PEN, MAD, SOS, SAR, TRY ...
_PAGE_CODES = _words(
    "EUR USD GBP CHF CAD AUD NZD NOK DKK ISK PLN CZK BGN HRK JPY CNY HKD SGD MYR INR THB KRW TWD PHP IDR VND "
    "MXN BRL ARS CLP COP ZAR ILS AED RUB UAH"
)

#: Codes that are also words or read from cut-off words ("CUSTOMER COPY" -> "COP", "PHP" of a web shop):
#: they count next to a number only.
_WORDLIKE_CODES = frozenset({"COP", "PHP", "ARS", "RUB"})

_DOLLARS = frozenset(set(DOLLAR_SIGN_CURRENCY.values()))

#: Symbols and local abbreviations (casefolded) → the currencies they can mean.
CURRENCY_MARKS: dict[str, frozenset[str]] = {
    "€": frozenset({"EUR"}),
    "euro": frozenset({"EUR"}),
    "euros": frozenset({"EUR"}),
    "£": frozenset({"GBP"}),
    "$": _DOLLARS,
    "us$": frozenset({"USD"}),
    "u$s": frozenset({"USD"}),
    "c$": frozenset({"CAD"}),
    "ca$": frozenset({"CAD"}),
    "a$": frozenset({"AUD"}),
    "au$": frozenset({"AUD"}),
    "nz$": frozenset({"NZD"}),
    "hk$": frozenset({"HKD"}),
    "s$": frozenset({"SGD"}),
    "sg$": frozenset({"SGD"}),
    "r$": frozenset({"BRL"}),
    "mx$": frozenset({"MXN"}),
    "nt$": frozenset({"TWD"}),
    "rm": frozenset({"MYR"}),
    "¥": frozenset({"JPY", "CNY"}),
    "円": frozenset({"JPY"}),
    "元": frozenset({"CNY"}),
    "rmb": frozenset({"CNY"}),
    "kr": frozenset({"SEK", "NOK", "DKK", "ISK"}),
    "kr.": frozenset({"SEK", "NOK", "DKK", "ISK"}),
    "kč": frozenset({"CZK"}),
    "zł": frozenset({"PLN"}),
    "ft": frozenset({"HUF"}),
    "₹": frozenset({"INR"}),
    "rs": frozenset({"INR", "PKR", "LKR", "NPR"}),
    "rs.": frozenset({"INR", "PKR", "LKR", "NPR"}),
    "₩": frozenset({"KRW"}),
    "₽": frozenset({"RUB"}),
    "₺": frozenset({"TRY"}),
    "₪": frozenset({"ILS"}),
    "฿": frozenset({"THB"}),
    "₫": frozenset({"VND"}),
    "₱": frozenset({"PHP"}),
    "₴": frozenset({"UAH"}),
    "₦": frozenset({"NGN"}),
    "fr.": frozenset({"CHF"}),
    "sfr": frozenset({"CHF"}),
    "sfr.": frozenset({"CHF"}),
    "lei": frozenset({"RON"}),
    "лв": frozenset({"BGN"}),
    "лв.": frozenset({"BGN"}),
}

# Symbols longest first, so "HK$" wins over "$" when scanning text.
_SYMBOL_MARKS = sorted(
    (m for m in CURRENCY_MARKS if not any(c.isalpha() for c in m) or m in ("円", "元")), key=len, reverse=True
)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def currency_candidates(mark: str) -> frozenset[str]:
    """The currencies ``mark`` (a symbol, ISO code or local abbreviation) can mean; empty when unknown."""
    text = _clean(mark).strip("()[]:")
    if not text:
        return frozenset()
    if text.casefold() in CURRENCY_MARKS:
        return CURRENCY_MARKS[text.casefold()]
    code = text.rstrip(".")
    if len(code) == 3 and code.isalpha() and code.upper() in ISO_4217:
        return frozenset({code.upper()})
    return frozenset()


_AMOUNT = r"[-−(]?\d[\d.,'’ ]*\d?"
_MARK_ALT = "|".join(re.escape(m) for m in sorted(CURRENCY_MARKS, key=len, reverse=True))
_CODE = r"[A-Z]{3}"
_DATE = r"\d{1,2} ?[./-] ?\d{1,2} ?[./-]"  # "Fr. 12.03.2024" is Friday, not Swiss francs
_ADJACENT = re.compile(
    rf"(?:(?<![A-Za-z])(?P<pre>{_MARK_ALT}|{_CODE})\s?(?!{_DATE})(?={_AMOUNT}))"
    # a code glued to its dollar sign and amount: "CAD$24.24", and as scanned, "CADS24.24"
    rf"|(?:(?<![A-Za-z])(?P<glued>[A-Z]{{3}})[$S](?=\d[\d.,]*[.,]\d{{2}}(?!\d)))"
    rf"|(?:(?<=\d)\s?(?P<post>{_MARK_ALT}|{_CODE})(?![\w$]))",
    re.IGNORECASE,
)
_STANDALONE_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_PARENTHESIZED = re.compile(rf"\(\s*({_MARK_ALT}|{_CODE})\s*\)", re.IGNORECASE)  # "AMOUNT (RM)", "Total (EUR)"
# Letters-only marks count on a page only in these spellings ("FT" is feet, not forint; "Rm" is no ringgit).
_WORD_MARK_SPELLINGS = frozenset(
    ["RM", "RMB", "kr", "kr.", "Kr", "Kr.", "KR", "Kč", "zł", "Ft", "Rs", "Rs.", "Fr.", "SFr.", "lei", "лв", "лв.",
     "EURO", "Euro", "euro", "EUROS", "Euros", "euros"]
)  # fmt: skip


def _page_mark(mark: str) -> bool:
    if not currency_candidates(mark):
        return False
    if mark.upper() in _PAGE_CODES and mark.isupper():
        return True
    if any(ch.isalpha() for ch in mark) and not any(ch in mark for ch in "$€£¥"):
        return mark in _WORD_MARK_SPELLINGS
    return mark.casefold() in CURRENCY_MARKS


def find_currency_marks(text: str) -> list[str]:
    """Currency marks in ``text``: marks right before or after a number or in parentheses, and ISO codes alone.

    Letters-only marks that are also words ("RM" for room, "kr") count only next to a number, and ISO codes only
    when they are common invoice currencies (not "BHD" of "Sdn Bhd" or "RON" of "RON95").
    """
    text = _clean(text)
    found: list[str] = []
    taken: set[int] = set()  # start offsets of marks already counted
    for m in _ADJACENT.finditer(text):
        name = "pre" if m.group("pre") else "glued" if m.group("glued") else "post"
        mark = m.group(name)
        if mark and _page_mark(mark):
            found.append(mark)
            taken.add(m.start(name))
    for m in _PARENTHESIZED.finditer(text):
        if _page_mark(m.group(1)) and m.start(1) not in taken:
            found.append(m.group(1))
            taken.add(m.start(1))
    for m in _STANDALONE_CODE.finditer(text):
        if m.group(1) in _PAGE_CODES and m.group(1) not in _WORDLIKE_CODES and m.start(1) not in taken:
            found.append(m.group(1))
    for symbol in _SYMBOL_MARKS:
        if symbol in text and symbol not in found and not any(symbol in f for f in found):
            found.append(symbol)
    return found


@dataclass(frozen=True)
class CurrencyDecision:
    """The currency of a document (``code``), or None with the ``reason`` it stayed unknown."""

    code: str | None
    reason: str
    marks: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    decided_by_context: bool = False  # True when the marks alone did not decide (country evidence did)
    from_page_hint: bool = False  # True when only weak page hints (an address or phone on the page) decided


#: The most confidence a currency decided by page hints alone gets: such a value is shown for review.
PAGE_HINT_CONFIDENCE = 0.5


def _local_currency(marks: Sequence[str], options: frozenset[str], country: str | None) -> str | None:
    """Of the currencies ``options`` the ``marks`` can mean, the one used in ``country`` (for "$" its own
    dollar, else its currency); None when it uses none of them."""
    local = DOLLAR_SIGN_CURRENCY.get(country or "") if "$" in marks else None
    local = local if local in options else CURRENCY_BY_COUNTRY.get(country or "")
    return local if local in options else None


def decide_by_page_hints(decision: CurrencyDecision, hinted_countries: Sequence[tuple[str, str]]) -> CurrencyDecision:
    """An ambiguous mark ("$", "kr") that the vendor's country could not decide, decided by the page's weaker
    country hints ((country, what showed it): a US state and ZIP, a country name, a phone prefix) when at
    least two different hints all point to one country that uses one of the mark's currencies. Anything
    else leaves ``decision`` as it is."""
    countries = {cc for cc, _ in hinted_countries}
    sources = {what for _, what in hinted_countries}
    if decision.code is not None or len(decision.candidates) < 2 or len(countries) != 1 or len(sources) < 2:
        return decision  # one hint alone ("Made in USA" on a Canadian receipt) decides nothing
    (country,) = countries
    local = _local_currency(decision.marks, frozenset(decision.candidates), country)
    if local is None:
        return decision
    shown = ", ".join(dict.fromkeys(what for _, what in hinted_countries))
    return CurrencyDecision(
        local,
        f"{local}: {_describe(decision.marks)} can mean {', '.join(decision.candidates)}; only the page points to a "
        f"country, {country} ({shown}) — to be confirmed",
        decision.marks,
        decision.candidates,
        decided_by_context=True,
        from_page_hint=True,
    )


def _is_word_mark(mark: str) -> bool:
    """Letters only and no ISO code: "RM", "kr", "Ft", "lei" (unlike "€", "US$", "EUR")."""
    text = _clean(mark).rstrip(".")
    return text.isalpha() and not (len(text) == 3 and text.upper() in ISO_4217) and text not in ("円", "元")


def _describe(marks: Iterable[str]) -> str:
    return ", ".join(f"'{m}'" for m in dict.fromkeys(marks))


def _narrow(sets: Sequence[frozenset[str]]) -> frozenset[str] | None:
    """The currencies every set allows; None when they contradict each other."""
    result: frozenset[str] | None = None
    for s in sets:
        result = s if result is None else result & s
        if not result:
            return None
    return result if result is not None else frozenset()


#: A vendor country this sure (:class:`~invoicer.validate.normalize.evidence.CountryClue` strength: 3 the
#: vendor's IBAN, address or name, 4 its VAT id, 5 the vendor master) decides the currency of a document
#: that prints none at all; weaker hints (the locale, a VAT id or phone number somewhere on the page) never do.
COUNTRY_DECIDES_UNPRINTED = 3

#: Where a document prints several currencies and none is the total's, a vendor country that sure picks its own
#: currency only when its marks outnumber all others this many times (and at least this many are printed).
MARKS_OUTNUMBER = 3


def resolve_currency(
    printed: Sequence[str],
    document: Sequence[str] = (),
    country: str | None = None,
    country_source: str = "",
    country_strength: int = 0,
) -> CurrencyDecision:
    """Decide the currency from ``printed`` marks (the currency field, marks glued to the amounts), the other
    ``document`` marks, and the vendor's ``country``. Fails closed: ``code`` None when unknown or contradictory.

    A document that prints no currency at all takes its vendor's country's currency only when the country is
    known from the vendor's own data (``country_strength`` ≥ :data:`COUNTRY_DECIDES_UNPRINTED`); the decision
    says so (``decided_by_context``) and never happens on a locale or page hint alone.
    """
    printed = [m for m in printed if currency_candidates(m)]
    document = [m for m in document if currency_candidates(m)]
    # On the page, word-like marks ("RM", "kr") are weaker than symbols and codes ("RM 1328" can be a room number):
    # they count only where no symbol or code is printed, and never narrow an ambiguous symbol.
    explicit = [m for m in document if not _is_word_mark(m)]
    if not printed and document and not explicit:
        # only word-like marks on the page ("RM 12" a room, a ringgit or an OCR slip): they decide only where
        # the vendor's country uses one of the currencies they can mean
        local = CURRENCY_BY_COUNTRY.get(country or "")
        if local is None or not any(local in currency_candidates(m) for m in document):
            why = "nothing shows the vendor's country" if country is None else f"the vendor is in {country}"
            return CurrencyDecision(
                None,
                f"only {_describe(document)} on the page, which can also be a word or an abbreviation; {why}",
                tuple(document),
            )
    document = explicit or document
    sets = [currency_candidates(m) for m in printed]
    narrowed = _narrow(sets)
    if narrowed is None:
        return CurrencyDecision(None, f"the currency marks {_describe(printed)} contradict each other", tuple(printed))
    marks = tuple(printed)
    if not printed:
        doc_sets = [currency_candidates(m) for m in document]
        narrowed_doc = _narrow(doc_sets)
        if not document:
            local = CURRENCY_BY_COUNTRY.get(country or "")
            if local is not None and country_strength >= COUNTRY_DECIDES_UNPRINTED:
                return CurrencyDecision(
                    local,
                    f"{local}: no currency is printed; the vendor is in {country} ({country_source})",
                    (),
                    (local,),
                    decided_by_context=True,
                )
            why = "not assuming one" if country is None else f"the vendor's country {country} is not sure enough"
            return CurrencyDecision(None, f"no currency symbol or code on the document; {why}")
        if narrowed_doc is None:
            local = CURRENCY_BY_COUNTRY.get(country or "")
            backing = sum(1 for c in doc_sets if local in c) if local else 0
            if (
                local is not None
                and country_strength >= COUNTRY_DECIDES_UNPRINTED
                and backing >= MARKS_OUTNUMBER * (len(doc_sets) - backing)
            ):
                # five "$" amounts and one stray code ("VERIFIED PIN" read "PLN") at a vendor known to be in
                # the US: the marks of its own currency outnumber the others, and the country says which
                return CurrencyDecision(
                    local,
                    f"{local}: {backing} of {len(doc_sets)} currency marks on the document ({_describe(document)})"
                    f" can mean {local}, and the vendor is in {country} ({country_source})",
                    tuple(document),
                    (local,),
                    decided_by_context=True,
                )
            return CurrencyDecision(
                None,
                f"the document shows several currencies ({_describe(document)}); none is marked as the total's",
                tuple(document),
            )
        narrowed, marks = narrowed_doc, tuple(document)
    elif len(narrowed) > 1 and explicit:
        doc_narrowed = _narrow([currency_candidates(m) for m in explicit])
        if doc_narrowed and narrowed & doc_narrowed:
            narrowed = narrowed & doc_narrowed
            marks = (*marks, *explicit)
    if len(narrowed) == 1:
        (code,) = narrowed
        source = "printed" if printed else "found on the document"
        return CurrencyDecision(code, f"{code} from {_describe(marks)} ({source})", marks)
    options = tuple(sorted(narrowed))
    local = _local_currency(marks, narrowed, country)
    if local is not None:
        return CurrencyDecision(
            local,
            f"{local}: {_describe(marks)} can mean {', '.join(options)}; the vendor is in {country} ({country_source})",
            marks,
            options,
            decided_by_context=True,
        )
    why = (
        "nothing shows the vendor's country" if country is None else f"the vendor's country {country} uses none of them"
    )
    return CurrencyDecision(
        None, f"{_describe(marks)} can mean {', '.join(options)}; {why}; not guessing", marks, options
    )


def parse_currency(text: str, *, country: str | None = None) -> str:
    """The ISO 4217 code of a printed currency (``€``, ``eur``, ``RM``, ``US$``).

    ``country`` (ISO 3166 alpha-2) decides marks with several meanings (``$``, ``¥``, ``kr``).

    Raises :class:`NormalizationError` for an unknown mark and :class:`AmbiguousValueError` when the
    mark has several meanings and ``country`` does not pick one.
    """
    candidates = currency_candidates(text)
    if not candidates:
        marks = find_currency_marks(text)
        if len(set(marks)) == 1:
            candidates = currency_candidates(marks[0])
    if not candidates:
        raise NormalizationError(f"'{text}' is not a currency symbol or ISO 4217 code", raw=text)
    decision = resolve_currency([text] if currency_candidates(text) else find_currency_marks(text), (), country)
    if decision.code is None:
        raise AmbiguousValueError(
            decision.reason, candidates=decision.candidates or tuple(sorted(candidates)), raw=text
        )
    return decision.code
