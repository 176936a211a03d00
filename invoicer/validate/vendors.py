"""Vendor matching: an extracted vendor name / tax id against the known vendors (pure; storage calls it).

A tax id that equals a known vendor's decides (score 100). Otherwise the name is compared, after
:func:`normalize_vendor_name` (case, punctuation, legal forms such as GmbH / Sdn Bhd / Ltd removed),
with a rapidfuzz scorer chosen by name from :data:`VENDOR_SCORERS` against every known name and
alias; the best score at or above the threshold matches. The score is always recorded. A tie
between two vendors, or a name match whose tax id contradicts the extracted one, matches nothing
(a person decides) — the result says why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from invoicer.registry import Registry
from invoicer.validate.countries import LEGAL_FORM_WORDS

__all__ = ["VENDOR_SCORERS", "KnownVendor", "VendorMatch", "compact_tax_id", "match_vendor", "normalize_vendor_name"]

VENDOR_SCORERS: Registry[float] = Registry("vendor name scorer")
_SCORERS: dict[str, tuple[Callable[..., float], str]] = {
    "ratio": (fuzz.ratio, "Normalized Levenshtein similarity of the whole names"),
    "partial_ratio": (fuzz.partial_ratio, "Best match of the shorter name inside the longer"),
    "token_sort_ratio": (fuzz.token_sort_ratio, "ratio after sorting the words (word order ignored)"),
    "token_set_ratio": (fuzz.token_set_ratio, "Compares shared words; extra words on one side do not count against"),
    "WRatio": (fuzz.WRatio, "rapidfuzz's weighted mix of the above"),
    "QRatio": (fuzz.QRatio, "ratio, quick variant"),
}
for _name, (_fn, _doc) in _SCORERS.items():
    VENDOR_SCORERS.register(_name, _doc)(_fn)

_LEGAL_FORMS = LEGAL_FORM_WORDS | {"ek."}


@dataclass(frozen=True)
class KnownVendor:
    """A vendor of the vendor master: id, name, other names it appears under, tax ids."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    tax_ids: tuple[str, ...] = ()
    country: str | None = None


@dataclass(frozen=True)
class VendorMatch:
    """The outcome of :func:`match_vendor`; ``vendor`` None means "create a new vendor" (or review, see reason)."""

    vendor: KnownVendor | None
    score: float  # 0..100, the best score seen (also when below the threshold)
    matched_on: str  # "tax_id" | "name" | "alias" | "none"
    matched_text: str | None
    scorer: str
    threshold: float
    reason: str
    candidates: tuple[tuple[str, float], ...] = ()  # (vendor id, score), best first, up to 3

    @property
    def is_new(self) -> bool:
        return self.vendor is None


def compact_tax_id(text: str) -> str:
    """A tax id reduced to upper-case letters and digits (``de 136.695.976`` → ``DE136695976``)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isalnum())


@lru_cache(maxsize=65536)
def normalize_vendor_name(name: str) -> str:
    """Case-folded words without punctuation and legal forms (``ALDI GmbH & Co. KG`` → ``aldi``)."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " ")
    text = re.sub(r"(?<=\b\w)\.(?=\w\b)", "", text)  # "b.v." → "bv", "s.a." → "sa"
    words = re.findall(r"\w+", text)
    kept = [w for w in words if w not in _LEGAL_FORMS]
    return " ".join(kept or words)


def match_vendor(
    name: str | None,
    tax_id: str | None,
    known: Sequence[KnownVendor],
    scorer: str = "token_set_ratio",
    threshold: float = 90.0,
) -> VendorMatch:
    """Match an extracted vendor (``name``, ``tax_id``) against ``known`` vendors.

    ``scorer`` names a rapidfuzz scorer in :data:`VENDOR_SCORERS` (unknown names raise
    :class:`~invoicer.errors.UnknownBackendError`); ``threshold`` is 0..100.
    """
    score_fn = VENDOR_SCORERS.get(scorer)
    if not 0 <= threshold <= 100:
        raise ValueError(f"threshold must be in [0, 100], got {threshold}")
    tax = compact_tax_id(tax_id) if tax_id else ""
    if tax:
        owners = [v for v in known if tax in {compact_tax_id(t) for t in v.tax_ids}]
        if len(owners) == 1:
            return VendorMatch(
                owners[0], 100.0, "tax_id", tax_id, scorer, threshold, f"tax id {tax} is {owners[0].name}'s"
            )
        if len(owners) > 1:
            ids = ", ".join(v.id for v in owners)
            return VendorMatch(
                None,
                100.0,
                "none",
                tax_id,
                scorer,
                threshold,
                f"tax id {tax} belongs to several vendors ({ids}); merge them",
                tuple((v.id, 100.0) for v in owners[:3]),
            )
    query = normalize_vendor_name(name) if name and name.strip() else ""
    if not query:
        return VendorMatch(None, 0.0, "none", None, scorer, threshold, "no vendor name or known tax id to match")
    best: dict[str, tuple[float, str, str, KnownVendor]] = {}
    for vendor in known:
        for kind, text in (("name", vendor.name), *(("alias", a) for a in vendor.aliases)):
            score = float(score_fn(query, normalize_vendor_name(text)))
            if vendor.id not in best or score > best[vendor.id][0]:
                best[vendor.id] = (score, kind, text, vendor)
    ranked = sorted(best.values(), key=lambda t: t[0], reverse=True)
    candidates = tuple((v.id, round(s, 2)) for s, _, _, v in ranked[:3])
    if not ranked or ranked[0][0] < threshold:
        top = ranked[0][0] if ranked else 0.0
        return VendorMatch(
            None,
            top,
            "none",
            None,
            scorer,
            threshold,
            f"no known vendor scores {threshold:g} or more ({scorer}: best {top:.1f}); a new vendor",
            candidates,
        )
    score, kind, text, vendor = ranked[0]
    if len(ranked) > 1 and ranked[1][0] == score:
        tied = ", ".join(f"{v.name} ({v.id})" for s, _, _, v in ranked if s == score)
        return VendorMatch(
            None,
            score,
            "none",
            None,
            scorer,
            threshold,
            f"'{name}' matches several vendors equally: {tied}",
            candidates,
        )
    own = {compact_tax_id(t) for t in vendor.tax_ids}
    if tax and own and tax not in own:
        return VendorMatch(
            None,
            score,
            "none",
            text,
            scorer,
            threshold,
            f"'{name}' matches {vendor.name} ({score:.1f}) but tax id {tax} is not one of its tax ids",
            candidates,
        )
    return VendorMatch(
        vendor, score, kind, text, scorer, threshold, f"{kind} '{text}' scores {score:.1f} ({scorer})", candidates
    )
