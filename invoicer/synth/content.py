"""What a synthetic document says: parties, numbers, dates, items and totals (before any layout).

:func:`make_content` draws a :class:`DocContent` for one kind (invoice/receipt), locale and trade
from a seeded :class:`random.Random` and a Faker instance seeded from it. Money is exact
(:class:`~decimal.Decimal`, rounded half-up to cents per tax rate): ``subtotal + tax_total ==
total`` always holds, except for the few documents drawn to break it on purpose
(``consistent=False``), whose printed total or tax is off by a small amount.
"""

from __future__ import annotations

import random
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from invoicer.synth import ids
from invoicer.synth.catalog import COLOURS, DETAILS, ITEMS, MODIFIERS, SIZES, CatalogItem
from invoicer.synth.fonts import ASCII_CHARSET, FULL_CHARSET
from invoicer.synth.locales import (
    CURRENCY_SYMBOLS,
    LocaleProfile,
    MoneyStyle,
    NumberStyle,
    format_date,
    q2,
)

INCONSISTENT_SHARE = 0.03  # documents whose printed arithmetic deliberately does not add up

_TRANSLIT = {"œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ŀ": "l", "ĳ": "ij",
             "‐": "-", "‑": "-", "−": "-", "′": "'", "″": '"', "\u202f": " ", "\u2009": " ", "ș": "s", "ț": "t"}
_ASCII_EXTRA = {"€": "EUR", "£": "GBP", "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "–": "-", "—": "-",
                "‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "•": "*", "…": "...", "«": '"', "»": '"',
                "°": "o", "²": "2", "³": "3", "º": "o", "ª": "a", "¡": "", "¿": "", "\xa0": " ", "×": "x", "·": "-",
                "µ": "u", "½": "1/2", "§": "S", "©": "(c)", "®": "(R)"}


def clean_text(text: str, charset: frozenset[str] = FULL_CHARSET) -> str:
    """``text`` restricted to ``charset``: accents stripped / letters transliterated where needed."""
    if all(ch in charset for ch in text):
        return text
    out = []
    for ch in text:
        if ch in charset:
            out.append(ch)
            continue
        rep = _TRANSLIT.get(ch)
        if rep is None:
            rep = _ASCII_EXTRA.get(ch)
        if rep is None:
            rep = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append("".join(c if c in charset else _ASCII_EXTRA.get(c, "") for c in rep))
    return "".join(out)


# ---------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Party:
    """A company or person with its postal address and identifiers."""

    name: str
    street: tuple[str, ...]  # street lines
    city_line: str  # postcode and city (US: City, ST 12345)
    country: str  # printed country name ("" when domestic and not printed)
    vat_id: str | None = None  # compact, valid
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    contact: str | None = None  # a person's name

    @property
    def address_lines(self) -> tuple[str, ...]:
        lines = (*self.street, self.city_line)
        return (*lines, self.country) if self.country else lines


@dataclass(frozen=True)
class Item:
    """One line of the item table; ``amount`` = quantity × unit price less discount, in cents."""

    description: str
    details: tuple[str, ...]
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_rate: Decimal
    amount: Decimal
    discount_pct: Decimal | None = None
    sku: str | None = None
    tax_code: str | None = None  # receipt VAT code letter/number
    price_places: int = 2  # fuel prices print 3 decimals


@dataclass(frozen=True)
class TaxLine:
    rate: Decimal
    base: Decimal  # net
    tax: Decimal
    gross: Decimal
    code: str | None = None


@dataclass(frozen=True)
class DocContent:
    """Everything a layout may print; layouts choose what to show."""

    kind: str  # invoice | receipt
    domain: str
    locale: LocaleProfile
    money: MoneyStyle
    date_pattern: str
    charset: frozenset[str]
    vendor: Party
    customer: Party | None
    ship_to: Party | None
    number: str
    issue_date: date
    due_date: date | None
    delivery_date: date | None
    po_number: str | None
    customer_number: str | None
    terms_days: int
    iban: str | None
    bic: str | None
    bank_name: str | None
    items: tuple[Item, ...]
    prices_gross: bool  # item amounts include tax (European receipts)
    items_total: Decimal
    discount: Decimal | None  # document-level, positive, net (or gross for gross-priced)
    shipping: Decimal | None
    subtotal: Decimal  # net total
    tax_lines: tuple[TaxLine, ...]
    tax_total: Decimal
    total: Decimal
    consistent: bool
    extra: dict[str, Any] = field(default_factory=dict)  # receipt details: time, payment, table, ...

    @property
    def lang(self) -> str:
        return self.locale.lang

    @property
    def currency(self) -> str:
        return self.money.currency

    def fmt_date(self, value: date, pattern: str | None = None) -> str:
        return format_date(value, pattern or self.date_pattern, self.lang)

    def clean(self, text: str) -> str:
        return clean_text(text, self.charset)


# ---------------------------------------------------------------------------------------------- faker


@cache
def _faker(locale_name: str) -> Any:
    from faker import Faker

    return Faker(locale_name)


def faker_for(profile: LocaleProfile, seed: int) -> Any:
    fake = _faker(profile.faker)
    fake.seed_instance(seed)
    return fake


# ---------------------------------------------------------------------------------------------- helpers

_SYL = ("ko", "ra", "vex", "li", "tor", "na", "mi", "zen", "ta", "lo", "qua", "dri", "sol", "ve", "nix", "ber",
        "ka", "tis", "ol", "um", "fle", "gra", "pho", "ly", "ex", "ion", "ar", "mo")
_TLD = {"US": ".com", "GB": ".co.uk", "DE": ".de", "FR": ".fr", "NL": ".nl", "ES": ".es"}


def brand(rng: random.Random) -> str:
    return "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3))).capitalize()


def model_code(rng: random.Random) -> str:
    pat = rng.choice(("L##-###", "X#L", "LL-####", "#L##", "LLL ###", "L#-##L", "##-####-L", "LL###"))
    return "".join(
        rng.choice(string.ascii_uppercase) if c == "L" else rng.choice(string.digits) if c == "#" else c for c in pat
    )


def slug(name: str) -> str:
    """An ASCII domain label made from a company name."""
    base = unicodedata.normalize("NFKD", name.lower().replace("ß", "ss").replace("æ", "ae").replace("ø", "o"))
    base = "".join(c for c in base if (c.isascii() and c.isalnum()) or c == " ")
    words = [w for w in base.split() if w not in {"gmbh", "ag", "kg", "co", "sarl", "sas", "sa", "bv", "nv", "sl",
                                                   "ltd", "llc", "inc", "plc", "und", "et", "en", "y", "and"}]
    return "-".join(words[:2]) or "shop"


def _code(rng: random.Random, pattern: str) -> str:
    return "".join(
        rng.choice(string.ascii_uppercase) if c == "L" else rng.choice(string.digits) if c == "#" else c
        for c in pattern
    )


def doc_number(kind: str, country: str, issued: date, rng: random.Random) -> str:
    y, yy, m = issued.year, issued.year % 100, issued.month
    n = rng.randint(1, 99999)
    if kind == "receipt":
        pats: tuple[str, ...] = (f"{n:04d}", f"{rng.randint(1, 9999):04d}-{n:05d}",
                                 f"{rng.randint(1, 99):02d}/{n:06d}",
                f"T{y}{m:02d}{issued.day:02d}-{n % 10000:04d}", _code(rng, "############"), str(n),
                f"{rng.randint(100, 999)}-{rng.randint(1, 99):02d}-{n:05d}", _code(rng, "LL-######"))
        return rng.choice(pats)
    prefix = {"DE": ("RE", "R", "RG", "RN"), "FR": ("F", "FA", "FAC", "FC"), "NL": ("F", "FAC", "INV", "NL"),
              "ES": ("F", "FV", "FRA", "A"), "GB": ("INV", "SI", "IN", "TI"), "US": ("INV", "IN", "", "#")}[country]
    p = rng.choice(prefix)
    pats = (f"{p}-{y}-{n:04d}", f"{p}{y}{n % 10000:04d}", f"{p}-{yy:02d}-{n:05d}", f"{y}/{n % 10000:04d}",
            f"{p}{n:06d}", f"{p}/{y}/{m:02d}/{n % 1000:03d}", f"{yy:02d}{m:02d}{n % 1000:03d}", f"{n:05d}",
            f"{p}-{n:06d}", f"{y}-{m:02d}-{n % 1000:03d}")
    out = rng.choice(pats)
    return out.lstrip("-/") if out[0] in "-/" else out


def po_number(rng: random.Random) -> str:
    return _code(rng, rng.choice(("PO-#####", "45########", "BST-####-###", "ORD-#####", "P######", "##/####",
                                  "LL-####-##", "#######")))


def customer_number(rng: random.Random) -> str:
    return _code(rng, rng.choice(("K-#####", "C######", "D #####", "#####", "CUST-####", "KD####", "LL####")))


# ---------------------------------------------------------------------------------------------- parties


_LEGAL = {
    "US": ("Inc.", "LLC", "Corp.", "Co.", "Group", "& Sons", "Partners"),
    "GB": ("Ltd", "Limited", "LLP", "plc", "Ltd.", "& Co"),
    "DE": ("GmbH", "GmbH & Co. KG", "AG", "e.K.", "UG (haftungsbeschränkt)", "KG", "OHG"),
    "FR": ("SARL", "SAS", "SA", "EURL", "SASU"),
    "NL": ("B.V.", "V.O.F.", "N.V.", "BV"),
    "ES": ("S.L.", "S.A.", "S.L.U.", "SL", "S.Coop."),
}
_TRADE_WORDS = {
    "en": ("Supplies", "Solutions", "Consulting", "Systems", "Logistics", "Services", "Trading", "Industries",
           "Design Studio", "Digital", "Engineering", "Wholesale"),
    "de": ("Bürobedarf", "IT-Service", "Beratung", "Haustechnik", "Logistik", "Handel", "Elektro", "Systemhaus",
           "Werbeagentur", "Großhandel", "Metallbau", "Software"),
    "fr": ("Fournitures", "Conseil", "Informatique", "Bâtiment", "Logistique", "Distribution", "Services",
           "Ingénierie", "Studio", "Négoce"),
    "nl": ("Kantoorartikelen", "Advies", "ICT", "Installatietechniek", "Logistiek", "Handel", "Diensten",
           "Ontwerpstudio", "Groothandel", "Techniek"),
    "es": ("Suministros", "Consultoría", "Informática", "Construcciones", "Logística", "Distribuciones",
           "Servicios", "Ingeniería", "Estudio", "Comercial"),
}


def _company_name(fake: Any, profile: LocaleProfile, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        name = fake.company()
    elif r < 0.8:
        base = rng.choice((fake.last_name(), brand(rng), f"{fake.last_name()} & {fake.last_name()}"))
        name = f"{base} {rng.choice(_TRADE_WORDS[profile.lang])}"
        if rng.random() < 0.7:
            name += f" {rng.choice(_LEGAL[profile.country])}"
    else:
        name = f"{brand(rng)} {rng.choice(_LEGAL[profile.country])}"
    return name.replace("\n", " ")


def _address(fake: Any, profile: LocaleProfile, rng: random.Random) -> tuple[tuple[str, ...], str]:
    c = profile.country
    if c == "US":
        street = fake.street_address()
        lines = [street]
        if rng.random() < 0.2:
            lines.append(rng.choice(("Suite ", "Ste ", "Unit ", "Floor ")) + str(rng.randint(2, 900)))
        return tuple(lines), f"{fake.city()}, {fake.state_abbr()} {fake.zipcode()}"
    if c == "GB":
        street = fake.street_address().split("\n")
        city = f"{fake.city()} {fake.postcode()}" if rng.random() < 0.3 else f"{fake.city()}\n{fake.postcode()}"
        return tuple(street), city
    if c == "NL":
        pc = fake.postcode().replace(" ", "")
        pc = f"{pc[:4]} {pc[4:]}" if rng.random() < 0.8 else pc
        return (fake.street_address(),), f"{pc} {fake.city()}"
    return (fake.street_address().replace("\n", " ").strip(),), f"{fake.postcode()} {fake.city()}"


def make_party(fake: Any, profile: LocaleProfile, rng: random.Random, *, company: bool = True,
               vat: bool = True, contact: bool = True, abroad: LocaleProfile | None = None) -> Party:
    prof = abroad or profile
    name = _company_name(fake, prof, rng) if company else fake.name()
    street, city = _address(fake, prof, rng)
    city_lines = city.split("\n")
    street = (*street, *city_lines[:-1])
    s = slug(name)
    tld = _TLD[prof.country]
    country = prof.country_name if (abroad is not None or rng.random() < 0.12) else ""
    return Party(
        name=name,
        street=tuple(x.strip() for x in street if x.strip()),
        city_line=city_lines[-1].strip(),
        country=country,
        vat_id=ids.vat_id(prof.country, rng) if vat else None,
        phone=fake.phone_number(),
        email=f"{rng.choice(('info', 'billing', 'invoices', 'office', 'accounts', 'contact', 'hello'))}@{s}{tld}",
        web=f"www.{s}{tld}",
        contact=fake.name() if contact else None,
    )


# ---------------------------------------------------------------------------------------------- items


def _fill(template: str, lang: str, rng: random.Random, fake: Any) -> str:
    return (
        template.replace("{brand}", brand(rng) if rng.random() < 0.6 else fake.last_name())
        .replace("{model}", model_code(rng))
        .replace("{colour}", rng.choice(COLOURS[lang]))
        .replace("{size}", rng.choice(SIZES))
        .replace("{n}", str(rng.randint(2, 25)))
    )


def _price(ci: CatalogItem, rng: random.Random) -> Decimal:
    lo, hi = float(ci.low), float(ci.high)
    value = Decimal(str(round(rng.uniform(lo, hi), 2)))
    style = rng.random()
    if hi >= 50 and style < 0.5:
        value = Decimal(int(value)) + (Decimal("0.00") if rng.random() < 0.5 else Decimal("0.90"))
    elif style < 0.4:
        value = value.quantize(Decimal("0.1"), ROUND_HALF_UP) + Decimal("0.09")
    return max(q2(value), Decimal("0.05"))


_FLAT_UNITS = {"flat", "pausch.", "forfait", "servicio", "licence", "lizenz", "licencia", "licentie", "year", "jahr",
               "an", "año", "jaar", "order", "auftrag", "commande", "pedido", "shipment", "sendung", "envoi", "envío",
               "zending", "person", "teilnehmer", "participant", "deelnemer", "alumno", "day", "tag", "jour", "jornada",
               "dag", "psch.", "lot"}
_PERIOD_UNITS = {"month", "monat", "mois", "maand", "mes", "week", "woche", "semaine", "semana"}


def _quantity(ci: CatalogItem, kind: str, rng: random.Random) -> Decimal:
    unit = ci.unit.lower()
    if kind == "invoice" and unit in _FLAT_UNITS:
        return Decimal(rng.choice((1, 1, 1, 1, 2, 3)))
    if kind == "invoice" and unit in _PERIOD_UNITS:
        return Decimal(rng.choice((1, 1, 1, 2, 3, 6, 12)))
    if kind == "invoice" and ci.high > 300 and not ci.fractional:
        return Decimal(rng.choice((1, 1, 1, 2, 2, 3, 4, 5)))
    if unit == "kwh":
        return Decimal(str(round(rng.uniform(40, 1800), rng.choice((0, 0, 1)))))
    if unit in ("m3", "m³") and ci.high < 10:
        return Decimal(str(round(rng.uniform(2, 45), rng.choice((0, 1, 1)))))
    if unit in ("days", "tage", "jours", "dagen", "días"):
        return Decimal(rng.choice((28, 29, 30, 30, 31, 31, 61, 92)))
    if ci.fractional:
        if ci.unit in ("kg", "lb", "m", "m2", "m²", "t"):
            high, places = (4.5, 3) if kind == "receipt" else (40.0, 2)
            return Decimal(str(round(rng.uniform(0.2, high), places)))
        return Decimal(rng.choice(("0.5", "1", "1.5", "2", "2.25", "3", "4", "4.5", "6", "7.5", "8", "10", "12",
                                   "16", "24", "37.5")))
    if kind == "receipt":
        return Decimal(rng.choice((1, 1, 1, 1, 1, 2, 2, 3, 4, 6)))
    return Decimal(rng.choice((1, 1, 1, 2, 2, 3, 4, 5, 6, 10, 12, 20, 24, 25, 50, 100)))


_SERVICE_DOMAINS = frozenset({"services", "software", "marketing", "utility", "logistics"})
_SERVICE_DETAILS = (2, 4, 8, 9)  # indices into DETAILS: period, quote, ticket, project
_GOODS_DETAILS = (0, 1, 3, 4, 5, 6, 7)  # serial, code, installation, quote, delivery note, colour, batch


def _details(lang: str, rng: random.Random, issued: date, fake: Any, pattern: str, domain: str) -> str:
    d1 = issued - timedelta(days=rng.randint(20, 40))
    d2 = issued + timedelta(days=rng.randint(60, 700))
    t = DETAILS[lang][rng.choice(_SERVICE_DETAILS if domain in _SERVICE_DOMAINS else _GOODS_DETAILS)]
    return (
        t.replace("{sn}", _code(rng, rng.choice(("LL########", "####-LLL-####", "L#L#L#L#L#"))))
        .replace("{code}", _code(rng, rng.choice(("######", "LL-#####", "A####-##", "##/###"))))
        .replace("{d1}", format_date(d1, pattern, lang))
        .replace("{d2}", format_date(d2, pattern, lang))
        .replace("{n}", str(rng.randint(100, 99999)))
        .replace("{colour}", rng.choice(COLOURS[lang]))
    )


# ---------------------------------------------------------------------------------------------- totals


def _tax_lines_net(items: Sequence[Item], extra: Sequence[tuple[Decimal, Decimal]]) -> list[TaxLine]:
    bases: dict[Decimal, Decimal] = {}
    for it in items:
        bases[it.tax_rate] = bases.get(it.tax_rate, Decimal("0")) + it.amount
    for rate, amount in extra:
        bases[rate] = bases.get(rate, Decimal("0")) + amount
    out = []
    for rate in sorted(bases, reverse=True):
        base = bases[rate]
        tax = q2(base * rate / 100)
        out.append(TaxLine(rate, base, tax, base + tax))
    return out


def _tax_lines_gross(items: Sequence[Item], codes: dict[Decimal, str]) -> list[TaxLine]:
    gross: dict[Decimal, Decimal] = {}
    for it in items:
        gross[it.tax_rate] = gross.get(it.tax_rate, Decimal("0")) + it.amount
    out = []
    for rate in sorted(gross, reverse=True):
        g = gross[rate]
        tax = q2(g * rate / (100 + rate))
        out.append(TaxLine(rate, g - tax, tax, g, codes.get(rate)))
    return out


_BANKS = {
    "DE": ("Sparkasse", "Volksbank", "Deutsche Bank", "Commerzbank", "Postbank", "Raiffeisenbank", "HypoVereinsbank",
           "GLS Bank"),
    "NL": ("ING", "Rabobank", "ABN AMRO", "Triodos Bank", "Knab", "SNS Bank", "bunq"),
    "FR": ("BNP Paribas", "Crédit Agricole", "Société Générale", "LCL", "Crédit Mutuel", "La Banque Postale",
           "CIC"),
    "ES": ("CaixaBank", "BBVA", "Banco Santander", "Banco Sabadell", "Bankinter", "Unicaja", "ING España"),
    "GB": ("Barclays", "HSBC UK", "Lloyds Bank", "NatWest", "Santander UK", "Metro Bank", "Starling Bank"),
    "US": ("Chase", "Bank of America", "Wells Fargo", "Citibank"),
}

_RECEIPT_CODES = {"DE": ("A", "B"), "FR": ("A", "B", "C"), "NL": ("H", "L"), "ES": ("A", "B", "C"),
                  "GB": ("S", "R", "Z"), "US": ("T", "N")}


# ---------------------------------------------------------------------------------------------- main


@dataclass(frozen=True)
class ContentOptions:
    """Knobs a layout family sets for its content."""

    kind: str = "invoice"
    domains: tuple[str, ...] = ()
    min_items: int = 1
    max_items: int = 40
    details_share: float = 0.15  # share of items with a second description line
    discount_share: float = 0.12  # share of documents with per-line discounts
    customer: bool = True
    ship_to_share: float = 0.25
    gross_prices: bool | None = None  # None: receipts outside the US
    multi_rate_share: float = 0.35
    foreign_currency_share: float = 0.06


def _money_style(profile: LocaleProfile, currency: str, rng: random.Random) -> MoneyStyle:
    group = rng.choice(profile.groups)
    group_from = 5 if (profile.lang == "es" and rng.random() < 0.5) else 4
    number = NumberStyle(profile.decimal, group, group_from)
    pattern = rng.choice(profile.money_patterns)
    if currency not in CURRENCY_SYMBOLS or CURRENCY_SYMBOLS[currency] == currency:
        pattern = pattern.replace("{s}", "{c}")
    if "{c}" in pattern and "{s}" in pattern and currency != "USD":
        pattern = "{c} {n}"
    return MoneyStyle(number, currency, pattern)


def make_content(profile: LocaleProfile, opts: ContentOptions, rng: random.Random, *,
                 charset: frozenset[str] = FULL_CHARSET) -> DocContent:
    """Draw one document's content; every string is restricted to ``charset`` (what its fonts can draw)."""
    fake = faker_for(profile, rng.getrandbits(32))
    kind = opts.kind
    ascii_only = charset <= ASCII_CHARSET
    country = profile.country
    currency = profile.currency
    if kind == "invoice" and rng.random() < opts.foreign_currency_share:
        currency = rng.choice(profile.other_currencies)
    money = _money_style(profile, currency, rng)
    spelled = kind == "invoice" and rng.random() < 0.3
    date_pattern = rng.choice(profile.date_spelled if spelled else profile.date_numeric)
    if ascii_only and any(k in date_pattern for k in ("{month}", "{mon}")):
        date_pattern = profile.date_numeric[0]

    issued = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2860))
    terms = rng.choice((0, 7, 10, 14, 14, 21, 30, 30, 30, 45, 60)) if kind == "invoice" else 0
    due = issued + timedelta(days=terms) if kind == "invoice" else None
    delivery = issued - timedelta(days=rng.randint(0, 10)) if kind == "invoice" else None

    vendor = make_party(fake, profile, rng, vat=(country != "US" or rng.random() < 0.5 or kind == "invoice"))
    customer = None
    ship_to = None
    if opts.customer:
        abroad = None
        if rng.random() < 0.08:
            from invoicer.synth.locales import LOCALES

            others = [p for p in LOCALES.values() if p.country != country and p.country != "US"]
            abroad = rng.choice(others)
        company = rng.random() < 0.8
        customer = make_party(fake, profile, rng, company=company, vat=company and rng.random() < 0.5, abroad=abroad)
        if rng.random() < opts.ship_to_share:
            ship_to = make_party(fake, profile, rng, company=company, vat=False, abroad=abroad)
            ship_to = Party(customer.name, ship_to.street, ship_to.city_line, ship_to.country)

    # items
    domain = rng.choice(opts.domains or (("office", "it", "services") if kind == "invoice" else ("grocery",)))
    catalog = ITEMS[profile.lang][domain]
    n_items = rng.randint(opts.min_items, opts.max_items)
    draw = rng.random()
    if kind == "invoice" and opts.max_items > 12 and draw < 0.55:
        n_items = rng.randint(opts.min_items, min(opts.max_items, 8))  # most invoices are short
    details_share = opts.details_share
    if kind == "invoice" and opts.max_items >= 25 and draw > 0.82:
        n_items = rng.randint(max(opts.min_items, opts.max_items - 12), opts.max_items)  # long ones run over pages
        details_share = max(details_share, rng.choice((0.15, 0.4, 0.7)))
    gross = opts.gross_prices if opts.gross_prices is not None else (kind == "receipt" and country != "US")
    sales_tax = ("6", "6.25", "7", "7.25", "8", "8.25", "8.875", "9.5", "10.25")
    rates = profile.vat_rates or (Decimal(rng.choice(sales_tax)),)
    std_rate = rates[0]
    multi = len(rates) > 1 and rng.random() < opts.multi_rate_share
    codes = dict(zip(rates, _RECEIPT_CODES[country], strict=False))
    if country == "US":
        codes = {std_rate: "T", Decimal("0"): "N"}
    discounting = rng.random() < opts.discount_share
    items: list[Item] = []
    order = list(range(len(catalog)))
    rng.shuffle(order)
    for k in range(n_items):
        # invoices rarely repeat a line; receipts do
        ci = catalog[order[k]] if kind == "invoice" and k < len(order) else catalog[rng.randrange(len(catalog))]
        desc = _fill(ci.name, profile.lang, rng, fake)
        details: tuple[str, ...] = ()
        if rng.random() < details_share:
            if kind == "receipt":
                if domain in ("restaurant", "fastfood"):
                    details = (rng.choice(MODIFIERS[profile.lang]),)
            else:
                details = (_details(profile.lang, rng, issued, fake, date_pattern, domain),)
                if rng.random() < 0.2:
                    details += (_details(profile.lang, rng, issued, fake, date_pattern, domain),)
        qty = _quantity(ci, kind, rng)
        price = _price(ci, rng)
        rate = std_rate
        if multi and rng.random() < 0.4:
            rate = rng.choice(rates[1:])
        if country == "US" and kind == "receipt" and domain == "grocery" and rng.random() < 0.5:
            rate = Decimal("0")
        disc = None
        if discounting and rng.random() < 0.5:
            disc = Decimal(rng.choice((3, 5, 10, 10, 15, 20, 25)))
        amount = q2(qty * price * (1 - (disc or 0) / Decimal(100)))
        if amount <= 0:
            amount = Decimal("0.01")
        sku_pattern = rng.choice(("######", "LL-####", "#####-##", "L####", "###.###.##"))
        sku = _code(rng, sku_pattern) if rng.random() < 0.6 else None
        items.append(Item(desc, details, qty, ci.unit, price, rate, amount, disc, sku, codes.get(rate)))

    items_total = sum((i.amount for i in items), Decimal("0"))
    discount = None
    shipping = None
    if kind == "invoice" and not multi and rng.random() < 0.1:
        discount = q2(items_total * Decimal(rng.choice((2, 3, 5, 10))) / 100)
    if kind == "invoice" and rng.random() < 0.2 and domain not in ("services", "software", "marketing"):
        shipping = Decimal(rng.choice(("4.90", "5.95", "6.90", "9.90", "12.50", "15.00", "19.90", "24.00", "49.00")))
    if gross:
        tax_lines = _tax_lines_gross(items, codes)
        total = items_total
        subtotal = sum((t.base for t in tax_lines), Decimal("0"))
    else:
        extra = []
        if shipping:
            extra.append((std_rate, shipping))
        if discount:
            extra.append((std_rate, -discount))
        tax_lines = _tax_lines_net(items, extra)
        if country == "US":
            taxable = [t for t in tax_lines if t.rate > 0]
            tax_lines = [TaxLine(std_rate, sum((t.base for t in tax_lines), Decimal(0)),
                                 sum((t.tax for t in taxable), Decimal(0)),
                                 sum((t.gross for t in tax_lines), Decimal(0)))]
        subtotal = sum((t.base for t in tax_lines), Decimal("0"))
        total = subtotal + sum((t.tax for t in tax_lines), Decimal("0"))
    tax_total = sum((t.tax for t in tax_lines), Decimal("0"))

    consistent = True
    if rng.random() < INCONSISTENT_SHARE:
        consistent = False
        delta = Decimal(rng.choice(("0.01", "0.02", "0.10", "1.00", "0.99", "10.00", "-0.01", "-1.00", "9.00")))
        if rng.random() < 0.6 or len(tax_lines) != 1:
            total = total + delta
        else:
            tax_total = tax_total + delta
            t = tax_lines[0]
            tax_lines = [TaxLine(t.rate, t.base, t.tax + delta, t.gross + delta, t.code)]
        if total <= 0:
            total = abs(total) + Decimal("1.00")

    iban = bic = bank = None
    if country != "US" and (kind == "invoice" or rng.random() < 0.05):
        iban = ids.iban(country, rng)
        bic = ids.bic(country, rng)
        bank = rng.choice(_BANKS[country]) + (f" {fake.city()}" if rng.random() < 0.25 else "")
    extra_info: dict[str, Any] = {
        "hour": rng.randint(7, 22), "minute": rng.randint(0, 59), "second": rng.randint(0, 59),
        "cashier": fake.first_name(), "register": rng.randint(1, 12), "store_no": rng.randint(10, 9999),
        "table": rng.randint(1, 60), "guests": rng.randint(1, 6), "payment": rng.choice(("cash", "card", "card")),
        "card_last4": f"{rng.randint(0, 9999):04d}", "auth": _code(rng, "######"), "terminal": _code(rng, "########"),
        "tax_codes": codes, "routing": ids.routing_number(rng), "account": _code(rng, "#########"),
        "customer_name": fake.name(), "reg_no": _code(rng, "########"), "capital": rng.choice(("1 000", "5 000",
                                                                                              "10 000", "37 000",
                                                                                              "100 000")),
        "siren": _code(rng, "### ### ###"), "ape": _code(rng, "####L"), "ceo": fake.name(),
        "court_city": fake.city(), "hrb": str(rng.randint(1000, 99999)), "tomo": rng.randint(1000, 40000),
        "folio": rng.randint(1, 220), "hoja": _code(rng, "L-######"), "kvk": _code(rng, "########"),
        "tax_no": _code(rng, "##/###/#####"), "street_name": fake.street_name() if hasattr(fake, "street_name") else "",
    }
    if kind == "receipt" and extra_info["payment"] == "cash":
        step = Decimal(rng.choice(("5", "10", "20", "50")))
        tendered = (total / step).to_integral_value(rounding="ROUND_CEILING") * step
        if rng.random() < 0.2:
            tendered = total
        extra_info["tendered"] = tendered
        extra_info["change"] = tendered - total

    content = DocContent(
        kind=kind, domain=domain, locale=profile, money=money, date_pattern=date_pattern, charset=charset,
        vendor=vendor, customer=customer, ship_to=ship_to,
        number=doc_number(kind, country, issued, rng), issue_date=issued, due_date=due, delivery_date=delivery,
        po_number=po_number(rng) if (kind == "invoice" and rng.random() < 0.45) else None,
        customer_number=customer_number(rng) if (kind == "invoice" and rng.random() < 0.6) else None,
        terms_days=terms, iban=iban, bic=bic, bank_name=bank, items=tuple(items), prices_gross=gross,
        items_total=items_total, discount=discount, shipping=shipping, subtotal=subtotal, tax_lines=tuple(tax_lines),
        tax_total=tax_total, total=total, consistent=consistent, extra=extra_info,
    )
    return _cleaned(content)


def _cleaned(c: DocContent) -> DocContent:
    """Every string restricted to the document's charset (fonts cannot draw the rest)."""

    def party(p: Party | None) -> Party | None:
        if p is None:
            return None
        return Party(c.clean(p.name), tuple(c.clean(s) for s in p.street), c.clean(p.city_line), c.clean(p.country),
                     p.vat_id, c.clean(p.phone or "") or None, c.clean(p.email or "") or None,
                     c.clean(p.web or "") or None, c.clean(p.contact or "") or None)

    items = tuple(
        Item(c.clean(i.description), tuple(c.clean(d) for d in i.details), i.quantity, c.clean(i.unit), i.unit_price,
             i.tax_rate, i.amount, i.discount_pct, i.sku, i.tax_code, i.price_places)
        for i in c.items
    )
    extra = {k: (c.clean(v) if isinstance(v, str) else v) for k, v in c.extra.items()}
    from dataclasses import replace

    vendor = party(c.vendor)
    assert vendor is not None
    return replace(c, vendor=vendor, customer=party(c.customer), ship_to=party(c.ship_to), items=items, extra=extra,
                   bank_name=c.clean(c.bank_name) if c.bank_name else None)
