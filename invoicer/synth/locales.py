"""Locales of synthetic documents: number, money and date styles, tax rates and the printed vocabulary.

A :class:`LocaleProfile` says how a country prints numbers (``1,234.56`` / ``1.234,56`` /
``1 234,56``), dates (numeric and with spelled months) and money (symbol or ISO code, before or
after the amount), which VAT rates apply and which Faker locale writes its names and addresses.
:func:`term` draws a label ("Invoice No.", "Rechnungs-Nr.", "N° de facture" ...) from the synonyms
in :mod:`invoicer.synth.vocab`. Formatting is split from parsing (:func:`parse_amount`) so tests
can check that every printed value reads back to its normalized truth.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from invoicer.synth.vocab import VOCAB

CURRENCY_SYMBOLS: dict[str, str] = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "SEK": "kr", "PLN": "zł"}

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
}
MONTHS_ABBR: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."),
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "nl": ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."),
    "es": ("ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.", "dic."),
}
WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}


@dataclass(frozen=True)
class LocaleProfile:
    """How one country prints a commercial document."""

    code: str  # BCP 47, e.g. "de-DE"
    lang: str
    faker: str  # Faker locale
    country: str  # ISO 3166 alpha-2 (VAT ids, IBANs)
    country_name: str
    currency: str
    other_currencies: tuple[str, ...]
    decimal: str
    groups: tuple[str, ...]  # thousands separators seen in this country ("" = none)
    money_patterns: tuple[str, ...]  # {n} number, {s} symbol, {c} ISO code
    date_numeric: tuple[str, ...]
    date_spelled: tuple[str, ...]
    vat_rates: tuple[Decimal, ...]  # standard rate first; empty for US sales tax
    page_size: str  # "A4" or "Letter"
    time_format: str  # "24" or "12"


def _d(*xs: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(x) for x in xs)


LOCALES: dict[str, LocaleProfile] = {
    p.code: p
    for p in (
        LocaleProfile(
            "en-US", "en", "en_US", "US", "United States", "USD", ("EUR", "GBP"), ".", (",", ","),
            ("{s}{n}", "{s}{n}", "{s} {n}", "{c} {n}", "{n} {c}"),
            ("{mm}/{dd}/{yyyy}", "{m}/{d}/{yyyy}", "{mm}/{dd}/{yy}", "{mm}-{dd}-{yyyy}", "{yyyy}-{mm}-{dd}"),
            ("{month} {d}, {yyyy}", "{mon} {d}, {yyyy}", "{month} {ord}, {yyyy}", "{d} {mon} {yyyy}"),
            (), "Letter", "12",
        ),
        LocaleProfile(
            "en-GB", "en", "en_GB", "GB", "United Kingdom", "GBP", ("EUR", "USD"), ".", (",", ","),
            ("{s}{n}", "{s}{n}", "{s} {n}", "{c} {n}", "{n} {c}"),
            ("{dd}/{mm}/{yyyy}", "{dd}/{mm}/{yy}", "{d}/{m}/{yyyy}", "{dd}.{mm}.{yyyy}", "{dd}-{mm}-{yyyy}"),
            ("{d} {month} {yyyy}", "{d} {mon} {yyyy}", "{ord} {month} {yyyy}", "{dd} {mon} {yyyy}"),
            _d("20", "5", "0"), "A4", "24",
        ),
        LocaleProfile(
            "de-DE", "de", "de_DE", "DE", "Deutschland", "EUR", ("USD", "CHF"), ",", (".", ".", ""),
            ("{n} {s}", "{n}{s}", "{n} {c}", "{c} {n}", "{s} {n}"),
            ("{dd}.{mm}.{yyyy}", "{dd}.{mm}.{yyyy}", "{dd}.{mm}.{yy}", "{d}.{m}.{yyyy}", "{yyyy}-{mm}-{dd}"),
            ("{d}. {month} {yyyy}", "{dd}. {month} {yyyy}", "{d}. {mon} {yyyy}"),
            _d("19", "7"), "A4", "24",
        ),
        LocaleProfile(
            "fr-FR", "fr", "fr_FR", "FR", "France", "EUR", ("USD", "CHF"), ",", (" ", " ", "."),
            ("{n} {s}", "{n} {s}", "{n} {c}", "{n}{s}", "{c} {n}"),
            ("{dd}/{mm}/{yyyy}", "{dd}/{mm}/{yyyy}", "{dd}/{mm}/{yy}", "{dd}.{mm}.{yyyy}", "{dd}-{mm}-{yyyy}"),
            ("{d} {month} {yyyy}", "{dd} {month} {yyyy}", "{d} {mon} {yyyy}", "{frfirst} {month} {yyyy}"),
            _d("20", "10", "5.5"), "A4", "24",
        ),
        LocaleProfile(
            "nl-NL", "nl", "nl_NL", "NL", "Nederland", "EUR", ("USD", "GBP"), ",", (".", ".", ""),
            ("{s} {n}", "{s} {n}", "{s}{n}", "{c} {n}", "{n} {c}"),
            ("{dd}-{mm}-{yyyy}", "{d}-{m}-{yyyy}", "{dd}-{mm}-{yy}", "{dd}/{mm}/{yyyy}", "{yyyy}-{mm}-{dd}"),
            ("{d} {month} {yyyy}", "{dd} {month} {yyyy}", "{d} {mon} {yyyy}"),
            _d("21", "9"), "A4", "24",
        ),
        LocaleProfile(
            "es-ES", "es", "es_ES", "ES", "España", "EUR", ("USD",), ",", (".", ".", ""),
            ("{n} {s}", "{n} {s}", "{n}{s}", "{n} {c}", "{c} {n}"),
            ("{dd}/{mm}/{yyyy}", "{dd}/{mm}/{yyyy}", "{dd}-{mm}-{yyyy}", "{dd}/{mm}/{yy}", "{d}/{m}/{yyyy}"),
            ("{d} de {month} de {yyyy}", "{dd} de {month} de {yyyy}", "{d} {mon} {yyyy}"),
            _d("21", "10", "4"), "A4", "24",
        ),
    )
}
LOCALE_CODES: tuple[str, ...] = tuple(LOCALES)


def locale(code: str) -> LocaleProfile:
    """The profile of ``code`` (e.g. ``de-DE``); an unknown code raises ConfigError naming the valid ones."""
    try:
        return LOCALES[code]
    except KeyError:
        from invoicer.errors import ConfigError

        raise ConfigError(f"unknown locale {code!r}; valid: {', '.join(LOCALES)}") from None


def term(lang: str, key: str, rng: random.Random, country: str | None = None) -> str:
    """One printed label for ``key`` in ``lang`` (country-specific synonyms first when present)."""
    table = VOCAB[lang]
    if country is not None and f"{key}@{country}" in table:
        return rng.choice(table[f"{key}@{country}"])
    return rng.choice(table[key])


def has_term(lang: str, key: str) -> bool:
    return key in VOCAB[lang]


# ---------------------------------------------------------------------------------------------- numbers

CENT = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class NumberStyle:
    """Decimal and grouping marks of printed numbers."""

    decimal: str = "."
    group: str = ","
    group_from: int = 4  # digits before grouping starts (5: "1234,56" but "12.345,67")

    def format(self, value: Decimal, places: int = 2) -> str:
        sign = "-" if value < 0 else ""
        text = f"{abs(value):.{places}f}"
        whole, _, frac = text.partition(".")
        if self.group and len(whole) >= self.group_from:
            parts: list[str] = []
            while len(whole) > 3:
                parts.insert(0, whole[-3:])
                whole = whole[:-3]
            parts.insert(0, whole)
            whole = self.group.join(parts)
        return sign + whole + (self.decimal + frac if places else "")

    def format_quantity(self, value: Decimal) -> str:
        """Quantities print without trailing zeros: 3, 2,5, 0,75."""
        if value == value.to_integral_value():
            return self.format(value, 0)
        places = max(1, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
        return self.format(value, int(places))

    def format_rate(self, rate: Decimal) -> str:
        """Tax rates: 19, 5,5, 7.7."""
        return self.format_quantity(rate)


@dataclass(frozen=True)
class MoneyStyle:
    """How one document prints money: its number style and where the currency goes."""

    number: NumberStyle
    currency: str  # ISO code
    pattern: str  # e.g. "{n} {s}", see LocaleProfile.money_patterns

    @property
    def symbol(self) -> str:
        return CURRENCY_SYMBOLS.get(self.currency, self.currency)

    @property
    def marker(self) -> str:
        """The currency as printed next to amounts (symbol or code)."""
        return self.symbol if "{s}" in self.pattern else self.currency

    def parts(self, value: Decimal) -> list[tuple[str, str]]:
        """The printed pieces of ``value`` with the currency: [(text, "n"|"c"|"")...]."""
        if value < 0:  # the sign leads: -$450.53, -450,53 €
            first, *rest = self.parts(-value)
            return [("-" + first[0], first[1]), *rest]
        out: list[tuple[str, str]] = []
        for token in re.split(r"(\{[nsc]\})", self.pattern):
            if token == "{n}":
                out.append((self.number.format(value), "n"))
            elif token == "{s}":
                out.append((self.symbol, "c"))
            elif token == "{c}":
                out.append((self.currency, "c"))
            elif token:
                out.append((token, ""))
        return out

    def format(self, value: Decimal) -> str:
        return "".join(t for t, _ in self.parts(value))

    def amount(self, value: Decimal) -> str:
        return self.number.format(value)


def parse_amount(text: str, number: NumberStyle) -> Decimal:
    """Read a printed amount back (currency marks and spaces ignored) in the given number style."""
    core = re.sub(r"[^\d,.\-−' ]", "", text).replace("−", "-").strip()
    if number.group:
        core = core.replace(number.group, "")
    core = core.replace(" ", "")
    if number.decimal != ".":
        core = core.replace(number.decimal, ".")
    return Decimal(core)


# ---------------------------------------------------------------------------------------------- dates


def _ordinal_en(d: int) -> str:
    suffix = "th" if 11 <= d % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    return f"{d}{suffix}"


def format_date(value: date, pattern: str, lang: str) -> str:
    """Print ``value`` with a pattern of {d} {dd} {m} {mm} {yy} {yyyy} {month} {mon} {ord} {frfirst}."""
    repl = {
        "{dd}": f"{value.day:02d}",
        "{d}": str(value.day),
        "{mm}": f"{value.month:02d}",
        "{m}": str(value.month),
        "{yyyy}": f"{value.year:04d}",
        "{yy}": f"{value.year % 100:02d}",
        "{month}": MONTHS[lang][value.month - 1],
        "{mon}": MONTHS_ABBR[lang][value.month - 1],
        "{ord}": _ordinal_en(value.day),
        "{frfirst}": "1er" if value.day == 1 else str(value.day),
    }
    return re.sub(r"\{[a-z]+\}", lambda m: repl[m.group(0)], pattern)


def format_time(hour: int, minute: int, style: str, seconds: int | None = None) -> str:
    sec = f":{seconds:02d}" if seconds is not None else ""
    if style == "12":
        h = hour % 12 or 12
        return f"{h}:{minute:02d}{sec} {'PM' if hour >= 12 else 'AM'}"
    return f"{hour:02d}:{minute:02d}{sec}"
