"""Printed dates → :class:`datetime.date`, deciding day-first vs month-first from evidence.

Numeric dates are read here (``25/12/2018``, ``28-01-18``, ``2018-03-23``, ``20180304``,
``21 .10,2020`` as OCR prints it); dates with a spelled-out month in any language dateparser knows
(``19 APR 2018``, ``OCT 3, 2016``, ``3. März 2024``, ``14 de febrero de 2024``) are read with
dateparser. A numeric date like ``01/02/2024`` has two readings; only :class:`OrderEvidence` (another
date on the document, the locale, the vendor's country, the labels' language, the currency)
decides between them, and the evidence that decided is returned. Without evidence
:class:`~invoicer.errors.AmbiguousValueError` is raised: no date is ever chosen silently.
dateparser itself is never given an ambiguous numeric date, because it would pick an order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from invoicer.errors import AmbiguousValueError, NormalizationError
from invoicer.validate.countries import DATE_LANGUAGES, DateOrder

__all__ = [
    "OrderEvidence",
    "ParsedDate",
    "date_readings",
    "decide_order",
    "find_numeric_dates",
    "parse_date",
]

_DASHES = "−–—‐‑"
# a/b/c with one separator kind; OCR may print a comma for a dot ("22.08,20") and spaces next to separators.
_NUMERIC = re.compile(
    r"(?<![\d.,/-])(?P<a>\d{1,4}) ?(?P<s1>[./,-]) ?(?P<b>\d{1,2}) ?(?P<s2>[./,-]) ?(?P<c>\d{4}|\d{2})"
    r"(?!\d|[.,/-]\d| ?:\d)"  # not followed by more digits or a time's ":mm"
)
_COMPACT = re.compile(r"(?<![\d.,/-])(?P<d>\d{8})(?!\d|[.,-]\d)")
_MONTH_WORD = r"[^\W\d_]{3,12}\.?"
_TEXT_DMY = re.compile(
    rf"(?<![\w])(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|e|º|\.)?[\s./-]*(?:de\s+)?(?P<m>{_MONTH_WORD})[\s./,'’-]*(?:de\s+)?"
    r"(?P<y>\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_TEXT_MDY = re.compile(
    rf"(?<![\w])(?P<m>{_MONTH_WORD})[\s./-]*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?[\s./-]*(?P<y>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_SETTINGS = {
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}


@dataclass(frozen=True)
class OrderEvidence:
    """One hint about the order of numeric dates on a document, and where it came from.

    ``strength`` ranks sources: a date on the document that reads only one way (5) > the configured
    locale (4) > the vendor's country (3) > the language of the labels (2) > the currency (1).
    """

    order: DateOrder
    source: str
    strength: int


@dataclass(frozen=True)
class ParsedDate:
    """A date read from text, with the order used (numeric dates) and what decided it."""

    value: date
    raw: str
    order: DateOrder | None
    decided_by: str
    from_evidence: bool = False  # True when the text alone had two readings


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for ch in _DASHES:
        text = text.replace(ch, "-")
    return re.sub(r"\s+", " ", text).strip()


def _year(text: str, pivot: int) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < pivot else 1900
    return year


def _make(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2099:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_readings(a: str, b: str, c: str, pivot: int = 70) -> dict[DateOrder, date]:
    """Every valid reading of the numeric date ``a/b/c`` by order (a 4-digit ``a`` is a year)."""
    readings: dict[DateOrder, date] = {}
    if len(a) == 4:
        d = _make(int(a), int(b), int(c)) if len(c) <= 2 else None
        if d:
            readings[DateOrder.YMD] = d
        return readings
    if len(a) > 2:
        return readings
    year = _year(c, pivot)
    dmy, mdy = _make(year, int(b), int(a)), _make(year, int(a), int(b))
    if dmy:
        readings[DateOrder.DMY] = dmy
    if mdy:
        readings[DateOrder.MDY] = mdy
    return readings


def _compact_readings(digits: str) -> dict[DateOrder, date]:
    readings: dict[DateOrder, date] = {}
    ymd = _make(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    if ymd:
        readings[DateOrder.YMD] = ymd
    year = int(digits[4:])
    dmy, mdy = _make(year, int(digits[2:4]), int(digits[:2])), _make(year, int(digits[:2]), int(digits[2:4]))
    if dmy:
        readings[DateOrder.DMY] = dmy
    if mdy:
        readings[DateOrder.MDY] = mdy
    return readings


def _printed_in_full(
    span: str, readings: dict[DateOrder, date], full_dates: Collection[date], pivot: int
) -> tuple[DateOrder, date, str] | None:
    """The reading of a two-digit-year ``span`` that is printed in full elsewhere, when exactly one is
    and the span alone does not already read that way."""
    parts = re.findall(r"\d+", span)
    if len(parts) != 3 or len(parts[0]) != 2 or len(parts[2]) != 2:
        return None
    if len(set(readings.values())) == 1 and set(readings.values()) <= set(full_dates):
        return None  # reads one way, and that day is printed in full too: nothing to decide
    options = dict(readings)
    year_first = _make(_year(parts[0], pivot), int(parts[1]), int(parts[2]))
    if year_first is not None and year_first not in options.values():
        options[DateOrder.YMD] = year_first
    matching = {o: d for o, d in options.items() if d in full_dates}
    if len(set(matching.values())) != 1 or set(options.values()) == set(matching.values()):
        return None  # none or several match, or the span reads only that way anyway
    order, value = next(iter(matching.items()))
    return order, value, f"the same day is printed in full on the document ({value.isoformat()})"


def find_numeric_dates(text: str, pivot: int = 70) -> list[tuple[str, dict[DateOrder, date]]]:
    """Numeric dates in ``text`` with their valid readings (``[("25/12/2018", {DMY: 2018-12-25})]``)."""
    text = _clean(text)
    found = []
    for m in _NUMERIC.finditer(text):
        seps = {m.group("s1"), m.group("s2")}
        if (len(seps) > 1 and seps != {".", ","}) or seps == {","}:
            continue  # "12/05-2020" or "1,234,56" are not dates; "22.08,20" is OCR for "22.08.20"
        readings = date_readings(m.group("a"), m.group("b"), m.group("c"), pivot)
        if readings:
            found.append((m.group(0), readings))
    return found


def decide_order(evidence: Iterable[OrderEvidence]) -> tuple[OrderEvidence | None, str]:
    """The strongest evidence about date order; (None, why) when there is none or the strongest disagrees."""
    by_strength: dict[int, list[OrderEvidence]] = {}
    for e in evidence:
        if e.order is not DateOrder.YMD:  # year-first says nothing about a/b/yyyy
            by_strength.setdefault(e.strength, []).append(e)
    if not by_strength:
        return None, "nothing on the document tells day-first from month-first"
    top = by_strength[max(by_strength)]
    orders = {e.order for e in top}
    if len(orders) > 1:
        sources = "; ".join(f"{e.order.value}: {e.source}" for e in top)
        return None, f"the evidence disagrees ({sources})"
    return top[0], top[0].source


@lru_cache(maxsize=8192)
def _dateparser_one(text: str, language: str) -> date | None:
    import dateparser

    result = dateparser.parse(text, languages=[language], settings=_SETTINGS)  # type: ignore[arg-type]
    return result.date() if result is not None else None


def _dateparser(text: str, languages: tuple[str, ...]) -> date | None:
    """dateparser, one language at a time (the likeliest first): much faster than offering all at once."""
    for language in languages:
        found = _dateparser_one(text, language)
        if found is not None:
            return found
    return None


def _text_dates(text: str, languages: Sequence[str], pivot: int) -> list[tuple[str, date]]:
    langs = tuple(dict.fromkeys([*languages, *DATE_LANGUAGES]))
    found: list[tuple[str, date]] = []
    for pattern in (_TEXT_DMY, _TEXT_MDY):
        for m in pattern.finditer(text):
            month = m.group("m")
            if month.casefold().rstrip(".") in {"de", "del", "der", "den", "the", "and", "und"}:
                continue
            year = _year(m.group("y"), pivot)
            d = _dateparser(f"{int(m.group('d'))} {month} {year}", langs)
            if d is not None and _make(d.year, d.month, d.day):
                found.append((m.group(0), d))
    return found


def parse_date(
    text: str,
    evidence: Sequence[OrderEvidence] = (),
    *,
    languages: Sequence[str] = (),
    pivot: int = 70,
    full_dates: Collection[date] = (),
) -> ParsedDate:
    """Read the one date in ``text`` (a time, weekday or label around it is ignored).

    ``evidence`` decides ``01/02/2024``-style dates; ``languages`` (dateparser codes) are tried first for
    spelled-out months; two-digit years below ``pivot`` are 20xx, others 19xx. ``full_dates`` are dates
    printed elsewhere on the document with a four-digit year that read only one way: a two-digit-year date
    that is one of them in exactly one reading (year-first ``18/09/28`` included) takes that reading.
    Raises :class:`NormalizationError` (no date, several different dates, an impossible date) or
    :class:`AmbiguousValueError` (two readings and nothing decides).
    """
    raw = text
    clean = _clean(text)
    if not clean:
        raise NormalizationError("empty date", raw=raw)
    candidates: list[tuple[str, dict[DateOrder, date]]] = list(find_numeric_dates(clean, pivot))
    for m in _COMPACT.finditer(clean):
        readings = _compact_readings(m.group("d"))
        if readings:
            candidates.append((m.group("d"), readings))
    if not candidates:
        candidates = [(span, {DateOrder.DMY: d}) for span, d in _text_dates(clean, languages, pivot)]
        if candidates:
            spans = {d for _, r in candidates for d in r.values()}
            if len(spans) == 1:
                span, readings = candidates[0]
                return ParsedDate(next(iter(readings.values())), raw, None, f"spelled-out month in '{span}'")
    if not candidates:
        raise NormalizationError(f"no date in '{raw}'", raw=raw)
    distinct = {frozenset(r.values()) for _, r in candidates}
    if len(distinct) > 1:
        listed = ", ".join(dict.fromkeys(span for span, _ in candidates))
        raise NormalizationError(f"'{raw}' holds several dates ({listed}); which one is meant is unclear", raw=raw)
    span, readings = candidates[0]
    if full_dates and (same := _printed_in_full(span, readings, full_dates, pivot)) is not None:
        return ParsedDate(same[1], raw, same[0], same[2], from_evidence=True)
    values = set(readings.values())
    if len(values) == 1:
        order = next(iter(readings)) if len(readings) == 1 else None
        if order is DateOrder.YMD:
            why = f"'{span}' is year-first"
        elif order is None:
            why = f"'{span}' reads the same day-first and month-first"
        else:
            parts = re.findall(r"\d+", span)
            kind = "day" if order is DateOrder.DMY else "month"
            day = (parts[0] if order is DateOrder.DMY else parts[1]) if len(parts) == 3 else None
            why = f"'{span}' can only be {kind}-first" + (f" ({int(day)} is no month)" if day else "")
        return ParsedDate(values.pop(), raw, order, why)
    decided, why = decide_order(evidence)
    if decided is not None and decided.order in readings:
        return ParsedDate(readings[decided.order], raw, decided.order, decided.source, from_evidence=True)
    options = " or ".join(f"{d.isoformat()} ({o.value})" for o, d in readings.items())
    raise AmbiguousValueError(
        f"'{span}' could be {options}; {why}",
        candidates=tuple(d.isoformat() for d in readings.values()),
        raw=raw,
    )
