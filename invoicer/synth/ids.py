"""Identifiers that pass python-stdnum: VAT ids and IBANs per country, plus how they are printed.

:func:`vat_id` and :func:`iban` return the compact form; :func:`print_vat_id` / :func:`print_iban`
give the spellings found on real documents (with or without spaces, with or without country prefix).
:func:`is_valid_vat_id` / :func:`is_valid_iban` are what the tests use to check them.
"""

from __future__ import annotations

import random

from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.de import vat as de_vat
from stdnum.es import ccc as es_ccc
from stdnum.es import cif as es_cif
from stdnum.fr import tva as fr_tva
from stdnum.gb import vat as gb_vat
from stdnum.nl import btw as nl_btw
from stdnum.us import ein as us_ein
from stdnum.us import rtn as us_rtn

VAT_COUNTRIES = ("DE", "GB", "FR", "NL", "ES", "US")
IBAN_COUNTRIES = ("DE", "GB", "FR", "NL", "ES")
_EIN_PREFIXES = ("10", "12", "20", "26", "27", "30", "35", "38", "45", "46", "51", "52", "54", "56", "61", "68",
                 "81", "82", "84", "91", "94", "95")


def _digits(rng: random.Random, n: int, first_nonzero: bool = False) -> str:
    s = "".join(rng.choice("0123456789") for _ in range(n))
    if first_nonzero and s[0] == "0":
        s = rng.choice("123456789") + s[1:]
    return s


def vat_id(country: str, rng: random.Random) -> str:
    """A valid VAT (or US EIN) number for ``country`` in compact form."""
    for _ in range(1000):
        if country == "DE":
            cand = "DE" + _digits(rng, 9, True)
            ok = de_vat.is_valid(cand)
        elif country == "GB":
            cand = "GB" + _digits(rng, 9, True)
            ok = gb_vat.is_valid(cand)
        elif country == "FR":
            body = _digits(rng, 8, True)
            siren = body + luhn.calc_check_digit(body)
            key = (12 + 3 * (int(siren) % 97)) % 97
            cand = f"FR{key:02d}{siren}"
            ok = fr_tva.is_valid(cand)
        elif country == "NL":
            cand = "NL" + _digits(rng, 9, True) + "B" + rng.choice(("01", "01", "02", "03"))
            ok = nl_btw.is_valid(cand)
        elif country == "ES":
            letter = rng.choice("ABBBBBBEFGHJ")
            body = letter + _digits(rng, 7)
            cand = "ES" + body + es_cif.calc_check_digits(body + "0")[0]  # numeric check digit
            ok = es_cif.is_valid(cand[2:])
        elif country == "US":
            cand = rng.choice(_EIN_PREFIXES) + _digits(rng, 7)
            ok = us_ein.is_valid(cand)
        else:
            raise ValueError(f"no VAT id generator for country {country!r}; valid: {', '.join(VAT_COUNTRIES)}")
        if ok:
            return cand
    raise RuntimeError(f"could not generate a valid VAT id for {country}")  # pragma: no cover


def is_valid_vat_id(value: str, country: str) -> bool:
    """Whether ``value`` (compact or as printed) is a valid VAT id / EIN of ``country``."""
    v = value.replace(" ", "").replace(".", "").replace("-", "").upper()
    if country == "DE":
        return de_vat.is_valid(v)
    if country == "GB":
        return gb_vat.is_valid(v)
    if country == "FR":
        return fr_tva.is_valid(v)
    if country == "NL":
        return nl_btw.is_valid(v)
    if country == "ES":
        return es_cif.is_valid(v[2:] if v.startswith("ES") else v)
    if country == "US":
        return us_ein.is_valid(v)
    raise ValueError(f"unknown country {country!r}; valid: {', '.join(VAT_COUNTRIES)}")


def print_vat_id(compact: str, country: str, rng: random.Random) -> str:
    """One way ``compact`` is printed on a document."""
    body = compact[2:] if country != "US" else compact
    choice = rng.random()
    if country == "DE":
        return compact if choice < 0.7 else f"DE {body[:3]} {body[3:6]} {body[6:]}"
    if country == "GB":
        return compact if choice < 0.4 else f"GB {body[:3]} {body[3:7]} {body[7:]}" if choice < 0.8 else body
    if country == "FR":
        return compact if choice < 0.6 else f"FR {body[:2]} {body[2:5]} {body[5:8]} {body[8:]}"
    if country == "NL":
        return compact if choice < 0.7 else f"NL{body[:4]}.{body[4:6]}.{body[6:9]}.{body[9:]}"
    if country == "ES":
        return compact if choice < 0.4 else body if choice < 0.85 else f"{body[0]}-{body[1:]}"
    if country == "US":
        return us_ein.format(compact)
    return compact


def _bban(country: str, rng: random.Random) -> str:
    if country == "DE":
        return _digits(rng, 8, True) + _digits(rng, 10)
    if country == "GB":
        bank = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
        bank = rng.choice(("NWBK", "BARC", "LOYD", "HBUK", "MIDL", bank))
        return bank + _digits(rng, 6) + _digits(rng, 8)
    if country == "FR":
        bank, branch, account = _digits(rng, 5, True), _digits(rng, 5), _digits(rng, 11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        return f"{bank}{branch}{account}{key:02d}"
    if country == "NL":
        bank = rng.choice(("ABNA", "INGB", "RABO", "SNSB", "TRIO", "KNAB", "BUNQ"))
        return bank + _digits(rng, 10)
    if country == "ES":
        base = _digits(rng, 4, True) + _digits(rng, 4) + "00" + _digits(rng, 10)
        return base[:8] + es_ccc.calc_check_digits(base) + base[10:]
    raise ValueError(f"no IBAN generator for country {country!r}; valid: {', '.join(IBAN_COUNTRIES)}")


def iban(country: str, rng: random.Random) -> str:
    """A valid IBAN of ``country`` in compact form."""
    for _ in range(1000):
        bban = _bban(country, rng)
        check = std_iban.calc_check_digits(country + "00" + bban)
        cand = country + check + bban
        if std_iban.is_valid(cand):
            return cand
    raise RuntimeError(f"could not generate a valid IBAN for {country}")  # pragma: no cover


def is_valid_iban(value: str) -> bool:
    return std_iban.is_valid(value)


def print_iban(compact: str, rng: random.Random) -> str:
    return std_iban.format(compact) if rng.random() < 0.8 else compact


def bic(country: str, rng: random.Random) -> str:
    bank = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") for _ in range(4))
    loc = rng.choice(("FF", "MM", "2X", "PP", "AA", "22", "HH", "M1"))
    branch = rng.choice(("", "", "XXX", "100", "BER"))
    return f"{bank}{country}{loc}{branch}"


def routing_number(rng: random.Random) -> str:
    """A US ABA routing number that passes python-stdnum."""
    body = rng.choice(("0", "1", "2", "3")) + _digits(rng, 7)
    return body + us_rtn.calc_check_digit(body)
