"""Facts about countries that normalization and the rules decide with.

Each table maps an ISO 3166-1 alpha-2 code to a convention. A country missing from a table has no
known convention there, and nothing is decided from it (the value stays ambiguous / unknown).
"""

from __future__ import annotations

from enum import StrEnum

from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat


class DateOrder(StrEnum):
    """How the three parts of a numeric date are ordered."""

    DMY = "DMY"  # 31/12/2024 (most of the world)
    MDY = "MDY"  # 12/31/2024 (United States)
    YMD = "YMD"  # 2024-12-31 (ISO 8601, East Asia)


_DMY = (
    "GB IE DE AT CH LI FR BE NL LU ES PT IT MT GR CY DK NO IS FI PL CZ SK SI HR RS BA ME MK AL RO BG EE LV RU UA BY "
    "TR IL IN PK BD LK NP AU NZ MY SG HK ID TH VN BR AR CL CO PE UY PY BO EC VE MX CR GT HN NI SV PA DO CU PR "
    "EG MA DZ TN NG GH KE TZ UG AE SA QA KW BH OM JO LB"
)
_MDY = "US PH FM MH PW GU AS VI MP UM"
# Year-first countries print numeric dates year first; they say nothing about DMY vs MDY. Canada and South
# Africa use all three orders, so they are in no table.
_YMD = "CN JP KR TW HU LT MN IR KP"

#: The order a country prints ``a/b/yyyy`` dates in.
DATE_ORDER_BY_COUNTRY: dict[str, DateOrder] = {
    **{cc: DateOrder.DMY for cc in _DMY.split()},
    **{cc: DateOrder.MDY for cc in _MDY.split()},
    **{cc: DateOrder.YMD for cc in _YMD.split()},
}

#: The order the language of a document's labels implies (English is used with both DMY and MDY).
DATE_ORDER_BY_LANGUAGE: dict[str, DateOrder] = {
    "de": DateOrder.DMY,
    "fr": DateOrder.DMY,
    "nl": DateOrder.DMY,
    "es": DateOrder.DMY,
    "it": DateOrder.DMY,
    "pt": DateOrder.DMY,
}

_COMMA_DECIMAL = (
    "DE AT FR BE NL LU ES PT IT GR CY DK NO IS FI SE PL CZ SK SI HR RS RO BG EE LV LT RU UA TR BR AR CL CO UY PY "
    "BO EC VE ID VN HU"
)
_DOT_DECIMAL = "US GB IE MT CH LI MY SG HK CN JP KR TW AU NZ IN PK TH PH MX IL AE SA EG NG KE"

#: The decimal separator a country writes money with.
DECIMAL_BY_COUNTRY: dict[str, str] = {
    **{cc: "," for cc in _COMMA_DECIMAL.split()},
    **{cc: "." for cc in _DOT_DECIMAL.split()},
}

#: The decimal separator the language of the labels implies (weak: English is also used on EU invoices).
DECIMAL_BY_LANGUAGE: dict[str, str] = {"de": ",", "fr": ",", "nl": ",", "es": ",", "it": ",", "pt": ","}

_EURO = "AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK MC SM VA AD ME XK"

#: The currency in use in a country.
CURRENCY_BY_COUNTRY: dict[str, str] = {
    **{cc: "EUR" for cc in _EURO.split()},
    "US": "USD", "EC": "USD", "SV": "USD", "PA": "USD", "PR": "USD", "GU": "USD",
    "GB": "GBP", "CH": "CHF", "LI": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "PL": "PLN",
    "CZ": "CZK", "HU": "HUF", "RO": "RON", "BG": "BGN", "RS": "RSD", "CA": "CAD", "AU": "AUD", "NZ": "NZD",
    "HK": "HKD", "SG": "SGD", "MY": "MYR", "CN": "CNY", "JP": "JPY", "KR": "KRW", "TW": "TWD", "IN": "INR",
    "TH": "THB", "MX": "MXN", "BR": "BRL", "AR": "ARS", "CL": "CLP", "CO": "COP", "ZA": "ZAR", "TR": "TRY",
    "IL": "ILS", "RU": "RUB", "UA": "UAH", "AE": "AED", "SA": "SAR", "PH": "PHP", "ID": "IDR", "VN": "VND",
    "EG": "EGP", "NG": "NGN", "KE": "KES",
}  # fmt: skip

#: VAT / GST / sales-tax rates (percent) in use now or recently, per country; blends of them lie in between.
#: Sources: the countries' published rates incl. temporary ones (DE 16 % / 5 % in H2 2020, GB 12.5 % in 2021,
#: MY GST 6 % until 2018 and SST 5/6/8/10 % after).
TAX_RATES_BY_COUNTRY: dict[str, tuple[float, ...]] = {
    "DE": (0, 5, 7, 16, 19),
    "AT": (0, 5, 10, 13, 20),
    "CH": (0, 2.5, 2.6, 3.7, 3.8, 7.7, 8, 8.1),
    "LI": (0, 2.5, 2.6, 3.7, 3.8, 7.7, 8, 8.1),
    "FR": (0, 2.1, 5.5, 10, 20),
    "BE": (0, 6, 12, 21),
    "NL": (0, 6, 9, 21),
    "LU": (0, 3, 8, 14, 16, 17),
    "ES": (0, 4, 5, 10, 21),
    "PT": (0, 4, 5, 6, 9, 12, 13, 16, 18, 22, 23),
    "IT": (0, 4, 5, 10, 22),
    "IE": (0, 4.8, 9, 13.5, 21, 23),
    "GB": (0, 5, 12.5, 20),
    "DK": (0, 25),
    "SE": (0, 6, 12, 25),
    "NO": (0, 11.11, 12, 15, 25),
    "FI": (0, 10, 14, 24, 25.5),
    "PL": (0, 5, 8, 23),
    "CZ": (0, 10, 12, 15, 21),
    "EE": (0, 5, 9, 20, 22, 24),
    "LV": (0, 5, 12, 21),
    "LT": (0, 5, 9, 21),
    "MY": (0, 5, 6, 8, 10),
    "SG": (0, 7, 8, 9),
    "HK": (0,),
    "CN": (0, 1, 3, 5, 6, 9, 10, 11, 13, 16, 17),
    "JP": (0, 5, 8, 10),
    "AU": (0, 10),
    "NZ": (0, 15),
}
#: Countries with (state/local) sales taxes: any rate in [0, this] is plausible.
SALES_TAX_CEILING: dict[str, float] = {"US": 12.0, "CA": 15.0}

#: Countries whose currency is written with a plain ``$``. Malaysian receipts print ``$`` for ringgit
#: (seen on SROIE receipts), so MY counts too.
DOLLAR_SIGN_CURRENCY: dict[str, str] = {
    "US": "USD", "EC": "USD", "SV": "USD", "PA": "USD", "PR": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD",
    "HK": "HKD", "SG": "SGD", "TW": "TWD", "MX": "MXN", "AR": "ARS", "CL": "CLP", "CO": "COP", "MY": "MYR",
}  # fmt: skip

#: Country names (English and own language, upper case) that may appear in an address.
COUNTRY_NAMES: dict[str, str] = {
    "GERMANY": "DE", "DEUTSCHLAND": "DE", "AUSTRIA": "AT", "ÖSTERREICH": "AT", "SWITZERLAND": "CH",
    "SCHWEIZ": "CH", "SUISSE": "CH", "SVIZZERA": "CH", "FRANCE": "FR", "BELGIUM": "BE", "BELGIQUE": "BE",
    "BELGIË": "BE", "NETHERLANDS": "NL", "NEDERLAND": "NL", "THE NETHERLANDS": "NL", "LUXEMBOURG": "LU",
    "SPAIN": "ES", "ESPAÑA": "ES", "PORTUGAL": "PT", "ITALY": "IT", "ITALIA": "IT", "IRELAND": "IE",
    "UNITED KINGDOM": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB", "SCOTLAND": "GB", "DENMARK": "DK",
    "DANMARK": "DK", "SWEDEN": "SE", "SVERIGE": "SE", "NORWAY": "NO", "NORGE": "NO", "FINLAND": "FI",
    "SUOMI": "FI", "POLAND": "PL", "POLSKA": "PL", "CZECH REPUBLIC": "CZ", "CZECHIA": "CZ", "ESTONIA": "EE",
    "EESTI": "EE", "LATVIA": "LV", "LITHUANIA": "LT", "LIETUVA": "LT", "UNITED STATES": "US",
    "UNITED STATES OF AMERICA": "US", "USA": "US", "U.S.A.": "US", "CANADA": "CA", "AUSTRALIA": "AU",
    "NEW ZEALAND": "NZ", "MALAYSIA": "MY", "SINGAPORE": "SG", "HONG KONG": "HK", "CHINA": "CN", "JAPAN": "JP",
    "INDIA": "IN", "MEXICO": "MX", "MÉXICO": "MX", "BRAZIL": "BR", "BRASIL": "BR",
}  # fmt: skip

#: Regions whose name alone shows the country (Malaysian states and federal territories: SROIE addresses
#: end with them).
REGION_NAMES: dict[str, str] = {
    "SELANGOR": "MY", "JOHOR": "MY", "KUALA LUMPUR": "MY", "PULAU PINANG": "MY", "PENANG": "MY", "PERAK": "MY",
    "KEDAH": "MY", "MELAKA": "MY", "NEGERI SEMBILAN": "MY", "PAHANG": "MY", "SABAH": "MY", "SARAWAK": "MY",
    "TERENGGANU": "MY", "KELANTAN": "MY", "PERLIS": "MY", "PUTRAJAYA": "MY", "SELANGOR DARUL EHSAN": "MY",
}  # fmt: skip

#: Legal-form words that exist in one country only.
#: Legal-form words of companies, folded and without dots ("GmbH" → "gmbh", "S.A." → "sa", "Sp. z o.o." → "sp"):
#: the one list the vendor master, the tagger's name widening and the currency evidence share.
LEGAL_FORM_WORDS = frozenset(
    str.split(
        "gmbh mbh ag kg ohg gbr ug ek co kgaa se ltd limited llc llp inc incorporated corp corporation plc sdn "
        "bhd berhad pte pty bv nv sa sas sarl srl spa sl slu oy ab as aps asa kft zrt sro sp spzoo cv"
    )
)

LEGAL_FORM_COUNTRY: dict[str, str] = {"SDN BHD": "MY", "SDN. BHD.": "MY", "PTE LTD": "SG", "PTE. LTD.": "SG"}

#: International dialling codes (without the +) of countries with one code each (+1 is shared by US/CA).
PHONE_PREFIXES: dict[str, str] = {
    "49": "DE", "43": "AT", "41": "CH", "33": "FR", "32": "BE", "31": "NL", "352": "LU", "34": "ES", "351": "PT",
    "39": "IT", "353": "IE", "44": "GB", "45": "DK", "46": "SE", "47": "NO", "358": "FI", "48": "PL", "420": "CZ",
    "372": "EE", "371": "LV", "370": "LT", "60": "MY", "65": "SG", "852": "HK", "86": "CN", "81": "JP", "61": "AU",
    "64": "NZ", "91": "IN", "52": "MX", "55": "BR",
}  # fmt: skip

#: Country-code top-level domains of web addresses ("card.starbucks.com.hk") → country; generic-use ones
#: (.co, .me, .io, .tv) are left out.
COUNTRY_DOMAINS: dict[str, str] = {
    **{cc.lower(): cc for cc in PHONE_PREFIXES.values() if cc != "GB"}, "uk": "GB", "ca": "CA", "us": "US",
}  # fmt: skip

#: US state codes, to recognise "San Francisco, CA 94102".
US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
    ]
)

#: Label words that tell the language of a document (casefolded).
LANGUAGE_KEYWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "invoice",
            "receipt",
            "subtotal",
            "total",
            "amount",
            "due",
            "date",
            "tax",
            "qty",
            "quantity",
            "description",
            "price",
            "balance",
            "payment",
            "paid",
            "thank",
            "you",
            "change",
            "cash",
            "bill",
            "vat",
            "gst",
            "item",
            "items",
            "unit",
        ]
    ),
    "de": frozenset(
        [
            "rechnung",
            "rechnungsnummer",
            "rechnungsdatum",
            "datum",
            "summe",
            "zwischensumme",
            "gesamt",
            "gesamtbetrag",
            "betrag",
            "mwst",
            "ust",
            "umsatzsteuer",
            "netto",
            "brutto",
            "zahlen",
            "menge",
            "preis",
            "steuer",
            "fällig",
            "bezahlt",
            "kartenzahlung",
            "vielen",
            "dank",
            "quittung",
            "beleg",
            "einzelpreis",
            "lieferdatum",
            "leistungsdatum",
        ]
    ),
    "fr": frozenset(
        [
            "facture",
            "montant",
            "tva",
            "ht",
            "ttc",
            "prix",
            "quantité",
            "échéance",
            "merci",
            "numéro",
            "sous-total",
            "reçu",
            "payer",
            "total",
            "désignation",
            "paiement",
            "date",
        ]
    ),
    "nl": frozenset(
        [
            "factuur",
            "factuurnummer",
            "factuurdatum",
            "totaal",
            "bedrag",
            "btw",
            "prijs",
            "aantal",
            "vervaldatum",
            "bedankt",
            "subtotaal",
            "omschrijving",
            "datum",
            "betalen",
        ]
    ),
    "es": frozenset(
        [
            "factura",
            "fecha",
            "importe",
            "iva",
            "precio",
            "cantidad",
            "vencimiento",
            "gracias",
            "subtotal",
            "recibo",
            "total",
            "número",
            "base",
            "imponible",
            "descripción",
            "pago",
        ]
    ),
}

#: dateparser language codes tried for spelled-out months when the document's language is unknown.
DATE_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "nl", "es", "it", "pt", "sv", "da", "nb", "fi", "pl")


#: A country's other tax numbers (python-stdnum modules), tried after its VAT id when the number carries no
#: country prefix: a German receipt prints its Steuernummer ("St.-Nr. 29/001/60002") as often as its USt-IdNr.
NATIONAL_TAX_NUMBERS: tuple[tuple[str, str], ...] = (
    ("stnr", "Steuernummer"),
    ("tin", "tax identification number"),
    ("nif", "tax identification number"),
    ("orgnr", "organisation number"),
    ("ein", "employer identification number"),
    ("abn", "business number"),
)


def tax_id_checkers(number: str, country: str | None) -> list[tuple[object, str]]:
    """The python-stdnum modules that may validate the tax id ``number`` (letters and digits only; with what each
    checks), most specific first: its prefix's VAT module, else ``country``'s VAT and national tax numbers."""
    prefix = number[:2].lower()
    if number[:2].isalpha() and prefix in eu_vat.MEMBER_STATES | {"el"}:
        return [(eu_vat, f"EU VAT id ({number[:2]})")]
    if number[:2].isalpha() and (module := get_cc_module(prefix, "vat")) is not None:
        return [(module, f"{number[:2]} tax id")]
    if not country:
        return []
    cc = country.lower()
    found: list[tuple[object, str]] = []
    if (module := get_cc_module(cc, "vat")) is not None:
        found.append((module, f"{country} VAT id"))
    for kind, what in NATIONAL_TAX_NUMBERS:
        if (module := get_cc_module(cc, kind)) is not None:
            found.append((module, f"{country} {what}"))
    return found


#: Countries whose tax numbers an unprefixed vendor tax id is tried against, by the language of the document's
#: labels (English is spoken in too many countries whose numbers carry no check digits: none tried).
COUNTRIES_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "de": ("DE", "AT", "CH", "LI", "LU"),
    "fr": ("FR", "BE", "CH", "LU", "MC"),
    "nl": ("NL", "BE"),
    "es": ("ES", "MX", "AR", "CO", "CL", "PE", "UY", "EC", "VE"),
    "it": ("IT", "CH", "SM"),
    "pt": ("PT", "BR"),
    "sv": ("SE", "FI"),
    "da": ("DK",),
    "nb": ("NO",),
    "fi": ("FI",),
    "pl": ("PL",),
}
