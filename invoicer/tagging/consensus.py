"""The vendor's name checked against what else the page prints (pure functions, no model involved).

A receipt prints its vendor more than once: a logo line at the top (large type, where OCR errs most),
and again in a web address, an e-mail address, a "thank you for shopping at ..." line or a legal
line. Two uses of that repetition:

* :func:`vendor_from_web_address`: when the chosen vendor name matches none of the page's web or
  e-mail addresses but another vendor candidate, or a text row of the first page, does, that one is
  the vendor (``JIM BLOCK RESTAURANT`` and ``WWW.JIM-BLOCK.DE``); with no such row, a printed web
  address's name itself (``visit Walgreens.com`` → ``Walgreens``) replaces a vendor that the model was
  unsure of and that has no legal form.
* With no vendor at all (or only a document title such as "ICE Fahrkarte", which ``plausible`` refuses),
  the first company name with a legal form printed outside item rows, customer blocks and bank lines
  (:func:`legal_names`: "... Uhr. DB Fernverkehr AG/DB Regio AG, ...").
* :func:`respell_vendor`: a word of the vendor name that the page prints elsewhere in another
  spelling, more often or more confidently read (``STARBUCWS`` at the top, ``STARBUCKS`` three times
  further down), takes that spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from invoicer.document import Field, Word, center_inside
from invoicer.validate.normalize.evidence import has_legal_form

if TYPE_CHECKING:
    from invoicer.tagging.decoding import Span, TaggedWord

__all__ = ["name_key", "respell_vendor", "vendor_from_web_address", "web_names"]

_HOST = re.compile(
    r"(?i)(?:(?P<www>(?:https?://)?www\.)|(?P<at>@))?(?P<host>(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?P<tld>[a-z]{2,6}))"
    r"(?![a-z0-9])"
)
#: Top-level domains accepted without a "www." or "@" in front (else "z.B." or "Nr.2" would be hosts).
_KNOWN_TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "info",
        "biz",
        "eu",
        "de",
        "at",
        "ch",
        "fr",
        "es",
        "it",
        "nl",
        "be",
        "lu",
        "dk",
        "se",
        "no",
        "fi",
        "pl",
        "cz",
        "uk",
        "ie",
        "pt",
        "gr",
        "hu",
        "ro",
        "us",
        "ca",
        "mx",
        "br",
        "ar",
        "au",
        "nz",
        "hk",
        "cn",
        "jp",
        "kr",
        "sg",
        "my",
        "th",
        "in",
        "ae",
        "tr",
        "ru",
        "lt",
        "lv",
        "ee",
        "sk",
        "si",
        "hr",
        "io",
        "co",
    ]
)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne"})
#: Names of mail, payment, social and review services: their address says nothing about the vendor.
_SERVICES = frozenset(
    [
        "gmail",
        "googlemail",
        "gmx",
        "web",
        "t-online",
        "yahoo",
        "hotmail",
        "outlook",
        "live",
        "icloud",
        "aol",
        "mail",
        "freenet",
        "posteo",
        "paypal",
        "klarna",
        "sumup",
        "stripe",
        "facebook",
        "instagram",
        "twitter",
        "youtube",
        "linkedin",
        "tiktok",
        "google",
        "tripadvisor",
        "yelp",
        "trustpilot",
        "apple",
        "microsoft",
        "visa",
        "mastercard",
        "amex",
        "intercard",
        "payone",
        "wirecard",
        "adyen",
        "worldline",
        "concardis",
        "ingenico",
        "verifone",
        "telecash",
        "elavon",
        "square",
        "clover",
    ]
)
#: Below this confidence a vendor without a legal form gives way to the name in a printed web address.
UNSURE_VENDOR = 0.5


def name_key(text: str) -> str:
    """Letters and digits of ``text``, case- and accent-folded: the form names are compared in."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))


def _service_key(text: str) -> str:
    return name_key(text).replace("l", "i")  # OCR reads "Intercard" as "lntercard"


_SERVICE_KEYS = frozenset(_service_key(s) for s in _SERVICES)


def web_names(tagged: Sequence[TaggedWord], *, e_mail: bool = True) -> list[tuple[str, TaggedWord, str]]:
    """``(name, word, printed)`` for each web (and e-mail) address on the page: the registrable name of its
    host (``card.starbucks.com.hk`` → ``starbucks``, ``bonn@losteria.de`` → ``losteria``) as a
    :func:`name_key`, the word it was read from, and the name as printed (``Walgreens``)."""
    found: list[tuple[str, TaggedWord, str]] = []
    for w in tagged:
        for m in _HOST.finditer(w.word.text):
            if m["at"] and not e_mail:
                continue
            labels = m["host"].split(".")
            if not (m["www"] or m["at"]) and labels[-1].lower() not in _KNOWN_TLDS:
                continue
            if labels[0].lower() == "www":
                labels = labels[1:]
            cut = 2 if len(labels) >= 3 and labels[-2].lower() in _SECOND_LEVEL and len(labels[-1]) == 2 else 1
            labels = labels[:-cut]
            if not labels:
                continue
            printed = labels[-1]
            key = name_key(printed)
            if len(key) >= 3 and _service_key(printed) not in _SERVICE_KEYS and not key.isdigit():
                found.append((key, w, printed))
    return found


def _matches(text: str, names: Sequence[str]) -> bool:
    key = name_key(text)
    if not key:
        return False
    for name in names:
        if fuzz.ratio(key, name) >= 85:
            return True
        if len(name) >= 4 and (key.startswith(name) or key.endswith(name)) and len(key) <= len(name) + 12:
            return True
    return False


#: Rows naming a bank, a payment or the customer: a company named there is not the vendor.
_NOT_VENDOR_ROW = re.compile(
    r"(?i)bank|iban|\bbic\b|konto|sparkasse|payment|zahlung|kunde|customer|client|rechnungsempf|bill to|ship to|"
    r"lieferadresse|empf[aä]nger"
)
#: Legal forms that are also everyday words or abbreviations ("ab" = from, "as", "sa(lad)"): a name ending in one
#: needs two name words before it.
_AMBIGUOUS_FORMS = frozenset({"ab", "as", "sa", "se", "sl", "cv", "co", "ek", "ug", "nv", "bv", "oy", "sp"})


def legal_names(tagged: Sequence[TaggedWord], labels: Sequence[str]) -> list[Span]:
    """Company names ending in a legal form ("DB Fernverkehr AG", "MADISON Hotel GmbH") on the pages, top to
    bottom, outside item rows, customer blocks and bank or payment lines."""
    from invoicer.tagging.keywords import LEGAL_FORMS, labelled_span, legal_parts, name_start, page_rows
    from invoicer.tagging.labels import entity_type

    found: list[Span] = []
    by_page: dict[int, list[TaggedWord]] = {}
    for w in tagged:
        by_page.setdefault(w.page, []).append(w)
    for page in sorted(by_page):
        for row in page_rows(by_page[page]):
            if _NOT_VENDOR_ROW.search(" ".join(w.word.text for w in row)):
                continue
            for k, w in enumerate(row):
                parts = legal_parts(w.word.text)
                if k == 0 or not parts or parts[-1] not in LEGAL_FORMS:
                    continue
                start = name_start(row, k, k)
                words = row[start : k + 1]
                kinds = {entity_type(x.label) or "" for x in words}
                if start == k or any(t.startswith("item_") or t == "customer_name" for t in kinds):
                    continue
                if parts[-1] in _AMBIGUOUS_FORMS and k - start < 2:
                    continue
                if not any(re.search(r"[^\W\d_]{2}", x.word.text) for x in words[:-1]):
                    continue  # "20 SDN": no name before the legal form
                found.append(labelled_span("vendor_name", words, labels))
    return found


def vendor_from_web_address(
    fields: Sequence[Field], candidates: Sequence[Span], tagged: Sequence[TaggedWord], labels: Sequence[str]
) -> tuple[Field, ...]:
    """The fields with ``vendor_name`` checked against the page's web and e-mail addresses (module docstring)."""
    from invoicer.tagging.keywords import labelled_span, page_rows

    names = [n for n, _, _ in web_names(tagged)]
    if not names:
        return tuple(fields)
    vendor = next((f for f in fields if f.name == "vendor_name"), None)
    if vendor is not None and (_matches(vendor.raw or "", names) or has_legal_form(vendor.raw or "")):
        return tuple(fields)  # a company name with its legal form is the vendor's most formal reading
    chosen: Span | None = None
    matching = [s for s in candidates if s.entity == "vendor_name" and _matches(s.text, names)]
    if matching:
        chosen = max(matching, key=lambda s: s.confidence)
    else:
        first_page = [w for w in tagged if w.page == min((w.page for w in tagged), default=1)]
        lines: dict[int, list[TaggedWord]] = {}
        for w in first_page:
            lines.setdefault(w.line, []).append(w)
        # visual rows top to bottom, then the page's own lines: a footer's columns ("MADISON Hotel GmbH" beside
        # a register court and a bank) make one visual row too long to match, while its line names the company
        for row in [*page_rows(first_page), *(lines[k] for k in sorted(lines))]:
            words = [w for w in row if not _HOST.search(w.word.text)]
            if words and _matches(" ".join(w.word.text for w in words), names):
                chosen = labelled_span("vendor_name", words, labels)
                break
    if chosen is None and vendor is None:
        legal = legal_names(tagged, labels)
        chosen = legal[0] if legal else None
    if chosen is None:
        unsure = vendor is None or vendor.confidence < UNSURE_VENDOR
        sites = web_names(tagged, e_mail=False)
        if not unsure or not sites:
            return tuple(fields)
        _, word, printed = sites[0]
        site_word = replace(word, word=Word(printed, word.word.bbox, word.word.confidence))
        chosen = labelled_span("vendor_name", [site_word], labels)
    text = chosen.text.rstrip(",;:")
    field = Field("vendor_name", None, text, round(chosen.confidence, 4), chosen.page, chosen.bbox)
    return tuple(field if f.name == "vendor_name" else f for f in fields) + (() if vendor is not None else (field,))


_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def respell_vendor(fields: Sequence[Field], tagged: Sequence[TaggedWord]) -> tuple[Field, ...]:
    """The fields with the vendor name's words spelt as the page prints them elsewhere (module docstring)."""
    vendor = next((f for f in fields if f.name == "vendor_name" and f.raw), None)
    if vendor is None or vendor.raw is None:
        return tuple(fields)
    own_support = _own_confidence(vendor, tagged)
    if own_support >= 1.0:
        return tuple(fields)  # read from a text layer: spelt as printed
    support: dict[str, float] = {}
    spelling: dict[str, str] = {}
    for w in tagged:
        if vendor.bbox is not None and w.page == vendor.page and center_inside(w.word.bbox, vendor.bbox):
            continue
        for token in _TOKEN.findall(w.word.text):  # "CARD.STARBUCKS.COM.HK" → CARD, STARBUCKS, COM
            key = name_key(token)
            support[key] = support.get(key, 0.0) + w.word.confidence
            spelling.setdefault(key, token)
    raw = vendor.raw
    words = raw.split()
    best = _better_spelling(name_key(raw), support, own_support) if len(words) > 1 else None
    if best is not None:  # the whole name read apart ("STAR BUCWS") and printed whole elsewhere
        text = _in_case_of(raw, spelling[best])
    else:
        fixed = []
        for word in words:
            alt = _better_spelling(name_key(word), support, own_support) if word.isalpha() else None
            fixed.append(_in_case_of(word, spelling[alt]) if alt is not None else word)
        text = " ".join(fixed)
    if name_key(text) == name_key(raw):
        return tuple(fields)
    respelt = replace(vendor, raw=text)
    return tuple(respelt if f is vendor else f for f in fields)


def _better_spelling(key: str, support: dict[str, float], own_support: float) -> str | None:
    """Another spelling of ``key`` (at most one letter longer or shorter, ``fuzz.ratio`` ≥ 80) that the page
    prints with half again as much support (summed OCR confidence) as the vendor's own reading plus the other
    occurrences of the same spelling — in practice at least twice elsewhere —, or None."""
    if len(key) < 4:
        return None
    mine = own_support + support.get(key, 0.0)
    best, best_support = None, 1.5 * mine  # printed once elsewhere is not enough ("YONG" / "YOUNG")
    for other, weight in support.items():
        if other == key or len(other) < 4 or abs(len(other) - len(key)) > 1 or fuzz.ratio(other, key) < 80:
            continue
        if weight > best_support:
            best, best_support = other, weight
    return best


def _own_confidence(vendor: Field, tagged: Sequence[TaggedWord]) -> float:
    words = [
        w
        for w in tagged
        if vendor.bbox is not None and w.page == vendor.page and center_inside(w.word.bbox, vendor.bbox)
    ]
    return max((w.word.confidence for w in words), default=1.0)


def _in_case_of(model: str, text: str) -> str:
    """``text`` in the letter case of ``model`` (upper, lower or as is)."""
    if model.isupper():
        return text.upper()
    if model.islower():
        return text.lower()
    return text
