"""DATEV "Buchungsstapel" in the EXTF format (header version 700, category 21, format version 13).

Line 1 is the EXTF header (31 fields: consultant and client number, fiscal-year start, account
length, the date range, batch currency...), line 2 the 125 column names, then one booking per
invoice: the gross total on the expense account (``Konto``, debit "S") against the creditor
(``Gegenkonto``); ``Belegdatum`` is ``DDMM`` (the year comes from the header), ``Belegfeld 1`` the
invoice number, ``Buchungstext`` the vendor. Semicolons, decimal comma, text in double quotes,
CRLF line ends, Windows-1252.

The tax key (``BU-Schlüssel``) is left empty: book on an automatic account (e.g. SKR03 3400
"Wareneingang 19 % Vorsteuer") so DATEV splits the input tax itself. All bookings of a batch must
lie in one fiscal year and be in the batch currency; other invoices are left out and reported.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from invoicer.errors import ExportError
from invoicer.export.base import ExportOptions, Rendered, require, split_complete

__all__ = ["DATEV_COLUMNS", "Datev", "datev_header"]

DATEV_COLUMNS: tuple[str, ...] = (
    "Umsatz (ohne Soll/Haben-Kz)",
    "Soll/Haben-Kennzeichen",
    "WKZ Umsatz",
    "Kurs",
    "Basis-Umsatz",
    "WKZ Basis-Umsatz",
    "Konto",
    "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel",
    "Belegdatum",
    "Belegfeld 1",
    "Belegfeld 2",
    "Skonto",
    "Buchungstext",
    "Postensperre",
    "Diverse Adressnummer",
    "Geschäftspartnerbank",
    "Sachverhalt",
    "Zinssperre",
    "Beleglink",
    *(f"Beleginfo - {kind} {k}" for k in range(1, 9) for kind in ("Art", "Inhalt")),
    "KOST1 - Kostenstelle",
    "KOST2 - Kostenstelle",
    "Kost-Menge",
    "EU-Land u. UStID (Bestimmung)",
    "EU-Steuersatz (Bestimmung)",
    "Abw. Versteuerungsart",
    "Sachverhalt L+L",
    "Funktionsergänzung L+L",
    "BU 49 Hauptfunktionstyp",
    "BU 49 Hauptfunktionsnummer",
    "BU 49 Funktionsergänzung",
    *(f"Zusatzinformation - {kind} {k}" for k in range(1, 21) for kind in ("Art", "Inhalt")),
    "Stück",
    "Gewicht",
    "Zahlweise",
    "Forderungsart",
    "Veranlagungsjahr",
    "Zugeordnete Fälligkeit",
    "Skontotyp",
    "Auftragsnummer",
    "Buchungstyp",
    "USt-Schlüssel (Anzahlungen)",
    "EU-Mitgliedstaat (Anzahlungen)",
    "Sachverhalt L+L (Anzahlungen)",
    "EU-Steuersatz (Anzahlungen)",
    "Erlöskonto (Anzahlungen)",
    "Herkunft-Kz",
    "Buchungs GUID",
    "KOST-Datum",
    "SEPA-Mandatsreferenz",
    "Skontosperre",
    "Gesellschaftername",
    "Beteiligtennummer",
    "Identifikationsnummer",
    "Zeichnernummer",
    "Postensperre bis",
    "Bezeichnung SoBil-Sachverhalt",
    "Kennzeichen SoBil-Buchung",
    "Festschreibung",
    "Leistungsdatum",
    "Datum Zuord. Steuerperiode",
    "Fälligkeit",
    "Generalumkehr",
    "Steuersatz",
    "Land",
    "Abrechnungsreferenz",
    "BVV-Position",
    "EU-Mitgliedstaat u. UStID (Ursprung)",
    "EU-Steuersatz (Ursprung)",
    "Abw. Skontokonto",
)
assert len(DATEV_COLUMNS) == 125

_BELEGFELD = re.compile(r"[^A-Za-z0-9$&%*+\-/]")
_COLUMN = {name: k for k, name in enumerate(DATEV_COLUMNS)}


def _text(value: object, limit: int) -> str:
    """A DATEV text field: one line, at most ``limit`` characters, in double quotes."""
    if value is None or (isinstance(value, float) and value != value):
        return '""'
    flat = " ".join(str(value).split())[:limit]
    return '"' + flat.replace('"', '""') + '"'


def _amount(value: float) -> str:
    return f"{abs(value):.2f}".replace(".", ",")


def datev_header(
    options: ExportOptions, created: dt.datetime, fiscal_start: dt.date, first: dt.date, last: dt.date, title: str
) -> str:
    """The EXTF header line (31 fields) of a Buchungsstapel."""
    consultant = options.datev_consultant
    client = options.datev_client
    assert consultant is not None and client is not None
    fields = [
        '"EXTF"',  # 1 Kennzeichen
        "700",  # 2 Versionsnummer
        "21",  # 3 Formatkategorie: Buchungsstapel
        '"Buchungsstapel"',  # 4 Formatname
        "13",  # 5 Formatversion
        created.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S") + f"{created.microsecond // 1000:03d}",  # 6 erzeugt am
        "",  # 7 importiert (set by DATEV)
        '"RE"',  # 8 Herkunft
        '"invoicer"',  # 9 exportiert von
        '""',  # 10 importiert von
        str(consultant),  # 11 Beraternummer
        str(client),  # 12 Mandantennummer
        fiscal_start.strftime("%Y%m%d"),  # 13 WJ-Beginn
        str(options.datev_account_length),  # 14 Sachkontenlänge
        first.strftime("%Y%m%d"),  # 15 Datum vom
        last.strftime("%Y%m%d"),  # 16 Datum bis
        _text(title, 30),  # 17 Bezeichnung
        '""',  # 18 Diktatkürzel
        "1",  # 19 Buchungstyp: Finanzbuchführung
        "0",  # 20 Rechnungslegungszweck: unabhängig
        "0",  # 21 Festschreibung: nein (the accountant checks, then locks)
        _text(options.currency, 3),  # 22 WKZ
        "",  # 23 reserviert
        '""',  # 24 Derivatskennzeichen
        "",  # 25 reserviert
        "",  # 26 reserviert
        '""',  # 27 Sachkontenrahmen
        "",  # 28 Branchen-Lösungs-ID
        "",  # 29 reserviert
        '""',  # 30 reserviert
        '""',  # 31 Anwendungsinformation
    ]
    return ";".join(fields)


def _fiscal_start(day: dt.date, mmdd: str) -> dt.date:
    start = dt.date(day.year, int(mmdd[:2]), int(mmdd[2:]))
    return start if day >= start else dt.date(day.year - 1, start.month, start.day)


def _check_options(options: ExportOptions) -> tuple[str, str]:
    account = require(options.account, "--account", "datev", "the expense account (Konto), e.g. 3400 in SKR03")
    contra = require(
        options.contra_account, "--contra-account", "datev", "the creditor account (Gegenkonto), e.g. 70000"
    )
    length = options.datev_account_length
    if not 4 <= length <= 8:
        raise ExportError(f"--datev-account-length must be between 4 and 8, got {length}")
    if not (account.isdigit() and len(account) == length):
        raise ExportError(f"--account must be a {length}-digit DATEV account, got {account!r}")
    if not (contra.isdigit() and len(contra) in (length, length + 1)):
        raise ExportError(f"--contra-account must have {length} or {length + 1} digits, got {contra!r}")
    if options.datev_consultant is None or not 1001 <= options.datev_consultant <= 9_999_999:
        raise ExportError("the datev export needs --datev-consultant (Beraternummer, 1001-9999999)")
    if options.datev_client is None or not 1 <= options.datev_client <= 99_999:
        raise ExportError("the datev export needs --datev-client (Mandantennummer, 1-99999)")
    mmdd = options.fiscal_year_start
    try:
        dt.date(2000, int(mmdd[:2]), int(mmdd[2:]))
        if len(mmdd) != 4:
            raise ValueError(mmdd)
    except ValueError as exc:
        raise ExportError(f"--fiscal-year-start must be MMDD (e.g. 0101), got {mmdd!r}") from exc
    return account, contra


class Datev:
    """DATEV EXTF Buchungsstapel: one booking per invoice."""

    name = "datev"
    delimiter = ";"
    decimal = ","
    date_format = "%d%m"
    encoding = "cp1252"
    line_terminator = "\r\n"

    def render(
        self, invoices: pd.DataFrame, lines: pd.DataFrame, options: ExportOptions, created: dt.datetime
    ) -> Rendered:
        if (options.delimiter or ";") != ";" or (options.decimal or ",") != ",":
            raise ExportError("DATEV files always use ';' between fields and ',' as decimal mark")
        account, contra = _check_options(options)
        complete, notes = split_complete(invoices, {"invoice_date": "an invoice date", "total": "a total"}, "datev")
        currency = options.currency.upper()
        other = complete["currency"].fillna(currency).str.upper() != currency
        if other.any():
            ids = complete.loc[other, "invoice_id"].tolist()
            notes.append(
                f"{len(ids)} invoice(s) not in {currency} left out (DATEV needs an exchange rate for them; "
                f"ids {', '.join(map(str, ids[:10]))}{' ...' if len(ids) > 10 else ''})"
            )
            complete = complete[~other]
        starts = pd.Series(
            [_fiscal_start(d, options.fiscal_year_start) for d in complete["invoice_date"].dt.date],
            index=complete.index,
            dtype=object,
        )
        years = sorted({s.year for s in starts})
        if options.fiscal_year is None and len(years) > 1:
            counts = ", ".join(f"{y}: {int((starts.map(lambda s: s.year) == y).sum())}" for y in years)
            raise ExportError(
                f"the invoices fall into {len(years)} fiscal years ({counts}); a DATEV batch holds one",
                hint="export each with --fiscal-year YEAR",
            )
        if options.fiscal_year is not None:
            keep = starts.map(lambda s: s.year) == options.fiscal_year
            if (~keep).any():
                notes.append(f"{int((~keep).sum())} invoice(s) outside fiscal year {options.fiscal_year} left out")
            complete, starts = complete[keep], starts[keep]
        if complete.empty:
            return Rendered("", (), 0, notes=tuple(notes))

        first, last = complete["invoice_date"].min().date(), complete["invoice_date"].max().date()
        numbers = complete["invoice_number"].fillna("").astype(str)
        belegfeld = numbers.map(lambda n: _BELEGFELD.sub("-", n.strip()).strip("-")[:36])
        changed = int((belegfeld != numbers.str.strip()).sum())
        if changed:
            notes.append(f"{changed} invoice number(s) shortened or with characters DATEV refuses replaced by '-'")
        n = len(complete)
        columns: dict[str, list[str]] = {
            "Umsatz (ohne Soll/Haben-Kz)": [_amount(v) for v in complete["total"]],
            "Soll/Haben-Kennzeichen": ['"S"' if v >= 0 else '"H"' for v in complete["total"]],
            "WKZ Umsatz": [_text(currency, 3)] * n,
            "Konto": [account] * n,
            "Gegenkonto (ohne BU-Schlüssel)": [contra] * n,
            "Belegdatum": complete["invoice_date"].dt.strftime("%d%m").tolist(),
            "Belegfeld 1": [_text(b, 36) for b in belegfeld],
            "Buchungstext": [_text(v, 60) for v in complete["vendor_name"]],
            "Beleginfo - Art 1": [_text("invoicer-ID", 20)] * n,
            "Beleginfo - Inhalt 1": [_text(str(i), 210) for i in complete["invoice_id"]],
            "Beleginfo - Art 2": [_text("Datei", 20)] * n,
            "Beleginfo - Inhalt 2": [
                _text(path if isinstance(path, str) and path else name, 210)
                for path, name in zip(complete["original_path"], complete["source_name"], strict=True)
            ],
            "Fälligkeit": complete["due_date"].dt.strftime("%d%m%Y").fillna("").tolist(),
        }
        used = [(_COLUMN[name], values) for name, values in columns.items()]
        rows = []
        template = [""] * len(DATEV_COLUMNS)
        for k in range(n):
            cells = list(template)
            for index, values in used:
                cells[index] = values[k]
            rows.append(";".join(cells))
        fiscal_start = starts.iloc[0]
        title = f"invoicer {first:%Y%m%d}-{last:%Y%m%d}"
        header = datev_header(options, created, fiscal_start, first, last, title)
        text = "\r\n".join([header, ";".join(DATEV_COLUMNS), *rows]) + "\r\n"
        encoding = options.encoding or self.encoding
        try:
            text.encode(encoding)
            unencodable: list[str] = []
        except UnicodeEncodeError:
            unencodable = sorted(ch for ch in set(text) if ch.encode(encoding, errors="ignore") == b"")
        if unencodable:
            notes.append(
                f"characters outside {encoding} written as '?': {''.join(unencodable[:20])} "
                "(use --encoding utf-8-sig if your DATEV version reads UTF-8)"
            )
        return Rendered(text, tuple(int(i) for i in complete["invoice_id"]), len(rows), notes=tuple(notes))
