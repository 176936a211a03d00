"""Layout families of common real-world document types the older families lack.

- ``travel_ticket``: an online rail/bus/air ticket that is also the invoice: a big route/ticket header
  that is not the vendor; the carrier only as small logo text and/or in the legal footer line.
- ``marketplace_order_invoice``: e-commerce invoice where the platform brand heads the page and the
  seller ("sold by") is the vendor; order number, SKU/ASIN lines, shipping line.
- ``energy_telecom_bill``: European energy/telecom bill: customer/contract/meter numbers, billing
  period, account summary (previous balance, payments, amount due), consumption charges.
- ``saas_subscription``: Stripe/Paddle-like subscription invoice: "Invoice number", "Date of issue",
  "Date due", "Bill to", "$X due <date>", few lines each with its service period.
- ``till_receipt_de``: German/Dutch supermarket, bakery and drugstore till receipts: brand header,
  "Summe EUR", Bar/Gegeben/Rückgeld, Bon-Nr., MwSt table A/B and a TSE signature block.

Labelling follows :mod:`invoicer.synth.labels`: an order/booking number is the contract's
``po_number`` (as the older families label "Order No."/"Auftragsnummer") where the document also
prints an invoice/receipt number; a ticket with no number but its booking reference is filed under
that reference, so there it is the ``invoice_number``; money at the final totals block, not at
"amount due" banners; party data where a person would point at it.
"""

from __future__ import annotations

import base64
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from invoicer.synth.content import (
    ContentOptions,
    DocContent,
    Item,
    _tax_lines_gross,
    _tax_lines_net,
    brand,
    faker_for,
)
from invoicer.synth.layouts.base import (
    Ctx,
    Family,
    TableStyle,
    Theme,
    decimal_value,
    draw_meta,
    draw_totals,
    item_columns,
    logo,
    make_theme,
    meta_rows,
    money_value,
    page_number_at,
    party_block,
    totals_rows,
)
from invoicer.synth.layouts.flow import invoice_flow
from invoicer.synth.layouts.invoices import _footer_columns, _vendor_footer
from invoicer.synth.layouts.receipts import Roll, _item_lines, _vat_table, cash_settled, store_vendor
from invoicer.synth.locales import format_time, q2
from invoicer.synth.render import Color, Segment, Sheet

MM = 72 / 25.4
WHITE: Color = (1.0, 1.0, 1.0)

Words = dict[str, tuple[str, ...]]


def _pick(ctx: Ctx, table: Words) -> str:
    """One of the synonyms for this document's language (English where the language has none)."""
    return ctx.clean(ctx.rng.choice(table.get(ctx.lang) or table["en"]))


def _code(rng: random.Random, pattern: str) -> str:
    return "".join(rng.choice(string.ascii_uppercase) if c == "L" else rng.choice(string.digits) if c == "#"
                   else rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") if c == "X" else c for c in pattern)


def _fit(ctx: Ctx, text: str, size: float, room: float, kind: str = "bold", head: bool = True) -> float:
    """``size`` shrunk so that ``text`` fits ``room`` points."""
    w = ctx.width(text, size, kind, head)
    return size if w <= room else max(5.0, size * room / w * 0.98)


def _retotal(d: DocContent, items: Sequence[Item], *, gross: bool, shipping: Decimal | None = None) -> DocContent:
    """Totals of new ``items`` (net: + ``shipping`` at the standard rate), keeping a drawn inconsistency."""
    codes: dict[Decimal, str] = d.extra["tax_codes"]
    items_total = sum((i.amount for i in items), Decimal("0"))
    if gross:
        lines = _tax_lines_gross(items, codes)
        total = items_total
    else:
        standard = max((i.tax_rate for i in items), default=Decimal("0"))
        extra = [(standard, shipping)] if shipping else []
        lines = [replace(t, code=codes.get(t.rate)) for t in _tax_lines_net(items, extra)]
        total = sum((t.gross for t in lines), Decimal("0"))
    subtotal = sum((t.base for t in lines), Decimal("0"))
    tax_total = sum((t.tax for t in lines), Decimal("0"))
    if not d.consistent:
        total += Decimal("0.10")
    return replace(d, items=tuple(items), prices_gross=gross, items_total=items_total, discount=None,
                   shipping=shipping, subtotal=subtotal, tax_lines=tuple(lines), tax_total=tax_total, total=total,
                   extra=cash_settled(d.extra, total))


def _matrix(sheet: Sheet, x: float, y: float, size: float, rng: random.Random, color: Color, n: int = 25) -> None:
    """A 2D barcode (QR/Aztec-like) with its top-left at (x, y)."""
    cell = size / n
    mid = n // 2
    for i in range(n):
        for j in range(n):
            ring = max(abs(i - mid), abs(j - mid))
            on = ring % 2 == 0 if ring <= 5 else rng.random() < 0.48
            if on:
                sheet.rect(x + j * cell, y + i * cell, cell, cell, fill=color)


def _wrapped_lines(ctx: Ctx, groups: Sequence[Sequence[Segment]], width: float, size: float,
                   sep: str = " · ") -> list[list[Segment]]:
    """Pack segment groups into lines no wider than ``width`` (a too-wide group gets a line of its own)."""
    lines: list[list[Segment]] = []
    cur: list[Segment] = []
    cur_w = 0.0
    for group in groups:
        gw = ctx.width("".join(t for t, _ in group), size)
        sw = ctx.width(sep, size)
        if cur and cur_w + sw + gw > width:
            lines.append(cur)
            cur, cur_w = [], 0.0
        if cur:
            cur = [*cur, (sep, None)]
            cur_w += sw
        cur = [*cur, *group]
        cur_w += gw
    if cur:
        lines.append(cur)
    return lines


def _draw_lines(ctx: Ctx, x: float, y: float, lines: Sequence[Sequence[Segment]], size: float, width: float, *,
                align: str = "left", color: Color | None = None, sheet: Sheet | None = None) -> float:
    """Draw segment lines from baseline ``y`` (a line wider than ``width`` is drawn smaller); returns next y."""
    for segs in lines:
        w = ctx.width("".join(t for t, _ in segs), size)
        s = size if w <= width else max(4.5, size * width / w * 0.98)
        ctx.txt(x, y, list(segs), size=s, align=align, color=color, sheet=sheet)
        y += size * 1.3
    return y


def _register_line(ctx: Ctx) -> str:
    """The company-register part of a legal footer, by country."""
    d = ctx.doc
    x = d.extra
    c = d.locale.country
    if c == "DE":
        return ctx.clean(ctx.rng.choice((f"Sitz {x['court_city']}", f"Registergericht {x['court_city']}",
                                         f"Amtsgericht {x['court_city']}")) + f" HRB {x['hrb']}")
    if c == "NL":
        return f"KvK {x['kvk']}"
    if c == "FR":
        return ctx.clean(f"SA au capital de {x['capital']} € · RCS {x['court_city']} {x['siren']}")
    if c == "ES":
        return ctx.clean(f"Reg. Merc. {x['court_city']}, Tomo {x['tomo']}, Folio {x['folio']}, Hoja {x['hoja']}")
    if c == "GB":
        return f"Registered in England and Wales No. {x['reg_no']}"
    return ""


def _identity_groups(ctx: Ctx, *, name_tag: bool, register: bool,
                     tax_label: Callable[[], str]) -> list[list[Segment]]:
    """The vendor's name, address, (register) and VAT id as segment groups, tagging each field not tagged yet
    (the name only with ``name_tag``); ``tax_label`` is asked for the VAT id's label after the id is printed."""
    d = ctx.doc
    v = d.vendor
    groups: list[list[Segment]] = []
    if name_tag and "vendor_name" not in ctx.fields:
        groups.append([ctx.field("vendor_name", v.name, v.name)])
    else:
        groups.append([(v.name, None)])
    addr = ", ".join(v.address_lines)
    if "vendor_address" not in ctx.fields:
        groups.append([ctx.field("vendor_address", addr, addr)])
    else:
        groups.append([(addr, None)])
    register_text = _register_line(ctx) if register else ""
    if register_text:
        groups.append([(register_text, None)])
    if v.vat_id:
        vat = ctx.vendor_vat()
        assert vat is not None
        groups.append([(tax_label() + " ", None), vat])
    return groups


def _legal_footer(ctx: Ctx, y: float, x0: float, x1: float, size: float, *, name_tag: bool, sheet: Sheet | None = None,
                  align: str = "left") -> float:
    """'Carrier AG · street · city · register · VAT id' in small type, tagging what is not tagged yet."""
    groups = _identity_groups(ctx, name_tag=name_tag, register=True, tax_label=lambda: ctx.label("vat_id"))
    width = x1 - x0
    packed = _wrapped_lines(ctx, groups, width, size)
    xx = x0 if align == "left" else (x0 + x1) / 2
    return _draw_lines(ctx, xx, y, packed, size, width, align=align, color=ctx.theme.muted, sheet=sheet)


# ================================================================================================ travel ticket

_CARRIERS: dict[str, dict[str, tuple[str, ...]]] = {
    "rail": {"DE": ("{b} Fernverkehr AG", "{b} Bahn GmbH", "{b}Rail GmbH", "{b} Regio AG"),
             "FR": ("{b} Voyageurs SA", "{b} Rail SAS", "Trains {b} SAS"),
             "NL": ("{b} Reizigers B.V.", "{b} Spoor N.V.", "{b}Rail B.V."),
             "GB": ("{b} Trains Ltd", "{b} Rail Limited", "{b} Railway plc"),
             "ES": ("{b} Viajeros S.A.", "{b} Ferrocarriles S.A."),
             "US": ("{b} Rail Inc.", "{b} Rail Passenger Corp.")},
    "bus": {"DE": ("{b}Bus GmbH", "{b} Mobility GmbH", "{b} Fernbus GmbH & Co. KG"),
            "FR": ("{b}Bus SAS", "Cars {b} SARL"),
            "NL": ("{b}Bus B.V.", "{b} Touringcars B.V."),
            "GB": ("{b} Coaches Ltd", "{b}Bus Limited"),
            "ES": ("{b} Autocares S.L.", "{b}Bus S.A."),
            "US": ("{b} Lines Inc.", "{b}Bus LLC")},
    "air": {"DE": ("{b} Airlines GmbH", "{b} Air AG", "{b}Jet GmbH"),
            "FR": ("Air {b} SA", "{b} Airlines SAS"),
            "NL": ("{b} Airlines B.V.", "{b}Air B.V."),
            "GB": ("{b} Airways plc", "{b} Airlines Ltd"),
            "ES": ("{b} Líneas Aéreas S.A.", "Air {b} S.L."),
            "US": ("{b} Airlines Inc.", "{b} Air Corp.")},
}
_TICKET_TITLES: dict[str, Words] = {
    "rail": {"de": ("ICE Fahrkarte", "Online-Ticket", "Fahrkarte", "Handy-Ticket", "IC/EC Fahrkarte",
                    "Online-Ticket Flexpreis"),
             "en": ("E-ticket", "Online Ticket", "Train Ticket", "Rail e-Ticket", "Your Ticket"),
             "fr": ("E-billet", "Billet électronique", "Votre billet", "Billet de train"),
             "nl": ("E-ticket", "Treinkaartje", "Online ticket", "Internationaal e-ticket"),
             "es": ("Billete electrónico", "Tu billete", "Billete de tren")},
    "bus": {"de": ("Busticket", "Online-Ticket", "Fernbus-Ticket", "Buchungsbestätigung"),
            "en": ("Bus Ticket", "E-ticket", "Coach Ticket", "Booking confirmation"),
            "fr": ("Billet de bus", "E-billet", "Confirmation de réservation"),
            "nl": ("Busticket", "E-ticket", "Boekingsbevestiging"),
            "es": ("Billete de autobús", "Billete electrónico")},
    "air": {"de": ("Boarding Pass", "Flugticket", "E-Ticket-Beleg", "Reiseplan / E-Ticket"),
            "en": ("Boarding Pass", "E-Ticket Receipt", "Electronic Ticket", "Itinerary Receipt"),
            "fr": ("Carte d'embarquement", "Billet électronique", "Reçu de billet électronique"),
            "nl": ("Instapkaart", "E-ticket", "Reisschema en e-ticket"),
            "es": ("Tarjeta de embarque", "Billete electrónico", "Recibo de billete electrónico")},
}
_STATION_SUFFIX = {"DE": (" Hbf", " Hbf", "", " Süd", " Flughafen"), "NL": (" Centraal", "", " Zuid", " CS"),
                   "FR": ("", " Gare", " Part-Dieu", " Saint-Charles"), "GB": ("", " Central", " Station"),
                   "ES": ("", " Estación", " Sants"), "US": ("", " Union Station", " Penn Station")}
_T: dict[str, Words] = {
    "order": {"de": ("Auftragsnummer", "Buchungsnummer", "Auftrag", "Buchungs-Nr."),
              "en": ("Booking reference", "Order number", "Booking no.", "Reservation code", "Booking ref."),
              "fr": ("Référence de réservation", "N° de commande", "Réf. dossier"),
              "nl": ("Boekingsnummer", "Ordernummer", "Reserveringscode"),
              "es": ("Localizador", "Nº de reserva", "Código de reserva")},
    "booked": {"de": ("Buchungsdatum", "Kaufdatum", "Ausgestellt am", "Gebucht am", "Rechnungsdatum"),
               "en": ("Booking date", "Date of issue", "Issued on", "Purchase date", "Date"),
               "fr": ("Date d'achat", "Émis le", "Date de réservation"),
               "nl": ("Boekingsdatum", "Aankoopdatum", "Uitgegeven op"),
               "es": ("Fecha de compra", "Fecha de emisión", "Emitido el")},
    "inv_no": {"de": ("Rechnungsnummer", "Belegnummer", "Rechnungs-Nr.", "Quittungsnummer"),
               "en": ("Invoice number", "Receipt number", "Invoice no.", "Receipt no."),
               "fr": ("N° de facture", "Facture n°", "N° de reçu"),
               "nl": ("Factuurnummer", "Kwitantienummer", "Factuurnr."),
               "es": ("Nº de factura", "Factura nº", "Nº de recibo")},
    "traveller": {"de": ("Reisender", "Fahrgast", "Reisende/r", "Name"),
                  "en": ("Passenger", "Traveller", "Name", "Passenger name"),
                  "fr": ("Voyageur", "Passager", "Nom"),
                  "nl": ("Reiziger", "Passagier", "Naam"),
                  "es": ("Viajero", "Pasajero", "Nombre")},
    "outward": {"de": ("Hinfahrt am", "Fahrt am", "Gültig ab", "Reisedatum"),
                "en": ("Outward journey", "Travel date", "Valid on", "Departure"),
                "fr": ("Aller le", "Voyage du", "Valable le"),
                "nl": ("Heenreis op", "Reisdatum", "Geldig op"),
                "es": ("Ida el", "Fecha de viaje", "Válido el")},
    "invoice_head": {"de": ("Rechnung", "Quittung", "Zahlungsbeleg", "Rechnung / Quittung"),
                     "en": ("Invoice", "Receipt", "Payment receipt", "Fare summary"),
                     "fr": ("Facture", "Reçu", "Justificatif de paiement"),
                     "nl": ("Factuur", "Betalingsbewijs", "Kwitantie"),
                     "es": ("Factura", "Recibo", "Justificante de pago")},
    "ticket_total": {"de": ("Summe", "Gesamtpreis", "Gesamtbetrag", "Preis", "Summe Ticket"),
                     "en": ("Total", "Total price", "Total paid", "Total fare"),
                     "fr": ("Total", "Prix total", "Montant total"),
                     "nl": ("Totaal", "Totaalprijs", "Totaalbedrag"),
                     "es": ("Total", "Precio total", "Importe total")},
    "incl_vat": {"de": ("enthaltene MwSt.", "enth. MwSt.", "darin enthaltene USt.", "MwSt."),
                 "en": ("incl. VAT", "VAT included", "of which VAT", "VAT"),
                 "fr": ("dont TVA", "TVA incluse", "TVA"),
                 "nl": ("incl. BTW", "waarvan BTW", "BTW"),
                 "es": ("IVA incluido", "de los cuales IVA", "IVA")},
    "net": {"de": ("Nettobetrag", "Netto", "Preis netto"), "en": ("Net amount", "Net", "Fare excl. VAT"),
            "fr": ("Montant HT", "Total HT"), "nl": ("Netto", "Bedrag excl. BTW"), "es": ("Base imponible", "Neto")},
    "paid_with": {"de": ("Bezahlt mit", "Zahlungsart:", "Zahlungsmittel:"),
                  "en": ("Paid with", "Payment method:", "Payment:"),
                  "fr": ("Payé par", "Moyen de paiement :"), "nl": ("Betaald met", "Betaalwijze:"),
                  "es": ("Pagado con", "Forma de pago:")},
    "methods": {"de": ("Kreditkarte (Visa)", "PayPal", "Lastschrift", "Mastercard", "Apple Pay"),
                "en": ("Visa", "Mastercard", "PayPal", "American Express", "Apple Pay"),
                "fr": ("Carte bancaire", "Visa", "PayPal"), "nl": ("iDEAL", "Creditcard", "PayPal"),
                "es": ("Tarjeta Visa", "PayPal", "Bizum")},
    "class": {"de": ("2. Klasse", "1. Klasse", "2. Kl."), "en": ("Standard Class", "First Class", "Standard"),
              "fr": ("2de classe", "1re classe", "Seconde"), "nl": ("2e klas", "1e klas"),
              "es": ("Turista", "Preferente", "Estándar")},
    "adults": {"de": ("{n} Erwachsener", "{n} Erw.", "{n} Person(en)"), "en": ("{n} Adult", "{n} adult(s)",
                                                                                "{n} passenger(s)"),
               "fr": ("{n} adulte(s)", "{n} voyageur(s)"), "nl": ("{n} volwassene(n)", "{n} reiziger(s)"),
               "es": ("{n} adulto(s)", "{n} pasajero(s)")},
    "conditions": {"de": ("Gültig nur mit amtlichem Lichtbildausweis. Es gelten die Beförderungsbedingungen.",
                          "Das Ticket ist personengebunden und nur zusammen mit einem Ausweis gültig.",
                          "Umtausch und Erstattung gemäß Tarifbedingungen. Bitte Ticket bei Kontrolle vorzeigen."),
                   "en": ("This ticket is valid only with photo ID. Conditions of carriage apply.",
                          "Non-transferable. Show this ticket on your phone or printed on paper.",
                          "Changes and refunds according to the fare conditions of your booking."),
                   "fr": ("Billet nominatif, valable uniquement avec une pièce d'identité.",
                          "Échange et remboursement selon les conditions du tarif."),
                   "nl": ("Dit ticket is persoonsgebonden en alleen geldig met een legitimatiebewijs.",
                          "Omruilen en terugbetalen volgens de tariefvoorwaarden."),
                   "es": ("Billete nominativo, válido solo con documento de identidad.",
                          "Cambios y anulaciones según las condiciones de la tarifa.")},
}
_DEP_ARR = {"de": ("ab", "an"), "fr": ("dép.", "arr."), "nl": ("vertr.", "aank."), "es": ("sal.", "lleg.")}
_T["ticket_no"] = {"de": ("Ticketnummer", "Ticket-Nr."), "en": ("Ticket number", "E-ticket no."),
                   "fr": ("N° de billet",), "nl": ("Ticketnummer",), "es": ("Nº de billete",)}
_T["card_no"] = {"de": ("BahnCard-Nr.", "Kundenkarte", "Ticket-ID"), "en": ("Railcard", "Ticket ID", "Ticket no."),
                 "fr": ("Carte Avantage", "N° de billet"), "nl": ("Kortingskaart", "Ticketnummer"),
                 "es": ("Tarjeta", "Nº de billete")}
_EXTRAS: dict[str, Words] = {
    "rail": {"de": ("Sitzplatzreservierung", "Fahrradkarte", "City-Ticket", "Reservierung 2 Plätze"),
             "en": ("Seat reservation", "Bicycle reservation", "Travelcard add-on"),
             "fr": ("Réservation de place", "Supplément vélo"), "nl": ("Zitplaatsreservering", "Fietskaart"),
             "es": ("Reserva de asiento", "Suplemento bicicleta")},
    "bus": {"de": ("Sitzplatzreservierung", "Fahrradmitnahme", "Zusatzgepäck"),
            "en": ("Seat reservation", "Extra luggage", "Bike transport"),
            "fr": ("Réservation de siège", "Bagage supplémentaire"), "nl": ("Stoelreservering", "Extra bagage"),
            "es": ("Reserva de asiento", "Equipaje adicional")},
    "air": {"de": ("Aufgabegepäck 23 kg", "Sitzplatzwahl", "Priority Boarding"),
            "en": ("Checked bag 23 kg", "Seat selection", "Priority boarding"),
            "fr": ("Bagage en soute 23 kg", "Choix du siège"), "nl": ("Ruimbagage 23 kg", "Stoelkeuze"),
            "es": ("Equipaje facturado 23 kg", "Selección de asiento")},
}
_FARES: dict[str, Words] = {
    "rail": {"de": ("Flexpreis", "Sparpreis", "Super Sparpreis", "Normalpreis"),
             "en": ("Anytime Return", "Off-Peak Single", "Advance Single", "Flexible fare"),
             "fr": ("Tarif Flex", "Tarif Loisir", "Prem's"), "nl": ("Enkele reis", "Retour", "Flex"),
             "es": ("Tarifa Básica", "Tarifa Elige", "Tarifa Flexible")},
    "bus": {"de": ("Fahrt", "Einzelfahrt", "Hin- und Rückfahrt"), "en": ("Single journey", "Return journey"),
            "fr": ("Trajet simple", "Aller-retour"), "nl": ("Enkele reis", "Retour"),
            "es": ("Trayecto sencillo", "Ida y vuelta")},
    "air": {"de": ("Flug", "Tarif Light", "Tarif Classic"), "en": ("Airfare", "Fare Basic", "Fare Standard"),
            "fr": ("Vol", "Tarif Light"), "nl": ("Vlucht", "Tarief Light"), "es": ("Vuelo", "Tarifa Basic")},
}


_BOOKED_PROSE: Words = {
    "de": ("Die Buchung Ihres Online-Tickets erfolgte am {date} {time} Uhr.",
           "Ihr Ticket wurde am {date} um {time} Uhr gebucht.", "Gebucht am {date} {time} Uhr über unser Portal."),
    "en": ("Your booking was made on {date} at {time}.", "This ticket was purchased online on {date}, {time}."),
    "fr": ("Votre réservation a été effectuée le {date} à {time}.", "Billet acheté en ligne le {date} à {time}."),
    "nl": ("Uw boeking is gedaan op {date} om {time}.", "Dit ticket is online gekocht op {date} om {time}."),
    "es": ("Su reserva se realizó el {date} a las {time}.", "Billete comprado online el {date} a las {time}."),
}
_TAX_NO: Words = {"de": ("Steuernummer:", "St.-Nr.", "USt-IdNr.:"), "en": ("VAT no.", "VAT reg. no."),
                  "fr": ("N° TVA :", "TVA intracom."), "nl": ("BTW-nr.", "BTW:"), "es": ("NIF:", "CIF")}


def _carrier_in_prose(ctx: Ctx, x: float, y: float, width: float, size: float) -> float:
    """'Booked on <date> <time>. Carrier AG · street, city · tax no. <id>' as one wrapped paragraph, the
    carrier's name, address and VAT id tagged (the fields' first occurrence); returns the next baseline."""
    d, r = ctx.doc, ctx.rng
    template = r.choice(_BOOKED_PROSE.get(ctx.lang) or _BOOKED_PROSE["en"])
    when = ctx.clean(template.format(date=ctx.date(d.issue_date), time=f"{r.randint(6, 23)}:{r.randint(0, 59):02d}"))
    groups: list[list[Segment]] = [[(w, None)] for w in when.split()]
    # the parts are joined by a free-standing mark: a glued comma would belong to the field's last word
    joint: list[Segment] = [(r.choice(("·", "–", "|", "-")), None)]
    identity = _identity_groups(ctx, name_tag=True, register=False, tax_label=lambda: _pick(ctx, _TAX_NO))
    for k, group in enumerate(identity):
        groups.extend([group] if k == 0 else [joint, group])
    lines = _wrapped_lines(ctx, groups, width, size, sep=" ")
    return _draw_lines(ctx, x, y, lines, size, width, color=ctx.theme.muted)


def _stations(ctx: Ctx, mode: str, n: int) -> list[str]:
    fake = faker_for(ctx.doc.locale, ctx.rng.getrandbits(32))
    out: list[str] = []
    while len(out) < n:
        city = ctx.clean(fake.city().split(",")[0].split("(")[0].strip())
        if mode == "air":
            name = f"{city} ({_code(ctx.rng, 'LLL')})"
        elif mode == "rail":
            name = city + ctx.rng.choice(_STATION_SUFFIX[ctx.doc.locale.country])
        else:
            name = city + ctx.rng.choice(("", " ZOB", " Busbahnhof") if ctx.lang == "de" else ("", " Coach Station")
                                         if ctx.lang == "en" else ("",))
        if name not in out and len(name) < 34:
            out.append(ctx.clean(name))
    return out


def travel_ticket(ctx: Ctx) -> None:
    """Online ticket that is also the invoice: big ticket/route header, journey table, code, fare and VAT,
    the carrier in a small logo text and the legal footer."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    country = d.locale.country
    mode = r.choice(("rail", "rail", "rail", "bus", "air"))
    b = brand(r)
    carriers = _CARRIERS[mode][country]
    if mode == "rail" and len(carriers) > 1 and r.random() < 0.25:
        # two operators sharing the ticket, glued by a slash ("X Fernverkehr AG/X Regio AG")
        vname = ctx.clean("/".join(r.sample(carriers, 2)).replace("{b}", b))
    else:
        vname = ctx.clean(r.choice(carriers).replace("{b}", b))
    rates = d.locale.vat_rates
    if not rates:
        fare_rate = Decimal("0")
    elif mode == "air":
        fare_rate = rates[0]
    elif country == "GB":
        fare_rate = rates[-1]
    else:
        fare_rate = rates[1] if len(rates) > 1 else rates[0]
    extra_rate = fare_rate if (mode != "air" or r.random() < 0.5) else (rates[0] if rates else Decimal("0"))
    travellers = r.choice((1, 1, 1, 1, 2, 2, 3))
    stations = _stations(ctx, mode, 2 if r.random() < 0.6 else 3)
    arrow = "→" if "→" in th.charset else "-"
    route = f"{stations[0]} {arrow} {stations[-1]}"
    fare_name = _pick(ctx, _FARES[mode])
    klass = _pick(ctx, _T["class"]) if mode == "rail" else ""
    unit = Decimal(r.randint(9, 180 if mode != "air" else 420)) + Decimal(r.choice(("0.00", "0.90", "0.99", "0.50")))
    desc = f"{fare_name} {stations[0]} - {stations[-1]}" + (f", {klass}" if klass and r.random() < 0.5 else "")
    items = [Item(ctx.clean(desc), (), Decimal(travellers), "", unit, fare_rate, q2(unit * travellers), None, None,
                  d.extra["tax_codes"].get(fare_rate))]
    for _ in range(r.choice((0, 0, 1, 1, 2))):
        name = _pick(ctx, _EXTRAS[mode])
        if any(i.description == name for i in items):
            continue
        price = Decimal(r.choice(("4.90", "5.50", "6.00", "9.00", "9.90", "12.00", "25.00", "35.00")))
        items.append(Item(name, (), Decimal(1), "", price, extra_rate, price, None, None,
                          d.extra["tax_codes"].get(extra_rate)))
    vendor = replace(d.vendor, name=vname, web=f"www.{b.lower()}.{'com' if country in ('US', 'GB') else 'eu'}")
    ctx.doc = d = _retotal(replace(d, vendor=vendor), items, gross=True)
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 40.0, W - 40
    top = 34.0
    # carrier logo text (brand, sometimes the full name) top left; ticket kind top right
    logo(ctx, left, top, 22, color=th.accent)
    full_name_on_top = r.random() < 0.3
    ltxt = vname if full_name_on_top else (b.upper() if r.random() < 0.5 else b)
    lsize = _fit(ctx, ltxt, r.uniform(10, 14), W / 2 - left - 30)
    ctx.txt(left + 28, top + 16, [ctx.field("vendor_name", vname, vname) if full_name_on_top else (ltxt, None)],
            kind="bold", head=True, size=lsize, color=th.accent)
    ctx.txt(right, top + 16, _pick(ctx, {"de": ("Online-Ticket", "Ihre Buchung", "Ticket"),
                                         "en": ("Online ticket", "Your booking", "Ticket"),
                                         "fr": ("Billet en ligne", "Votre réservation"),
                                         "nl": ("Online ticket", "Uw boeking"),
                                         "es": ("Billete online", "Tu reserva")}),
            size=th.size, color=th.muted, align="right")
    y = top + 40
    sh.line(left, y, right, y, th.rule, 0.6)
    # big title and route
    code_size = r.uniform(78, 100)
    room = right - left - code_size - 16
    title = _pick(ctx, _TICKET_TITLES[mode])
    tsize = _fit(ctx, title, r.uniform(20, 28), room)
    y += tsize + 10
    ctx.txt(left, y, title, kind="bold", head=True, size=tsize)
    code_top = y - tsize + 2
    _matrix(sh, right - code_size, code_top, code_size, r, th.text)
    rsize = _fit(ctx, route, r.uniform(13, 17), room)
    y += rsize + 8
    ctx.txt(left, y, route, kind="bold", size=rsize, color=th.accent)
    travel = d.issue_date + timedelta(days=r.randint(0, 60))
    pattern = r.choice(d.locale.date_spelled + d.locale.date_numeric)
    y += th.pitch * 1.6
    ctx.txt(left, y, f"{_pick(ctx, _T['outward'])} {ctx.date(travel, pattern)}", kind="bold")
    y += th.pitch
    info = [_pick(ctx, _T["adults"]).replace("{n}", str(travellers))]
    if klass:
        info.append(klass)
    ctx.txt(left, y, ", ".join(info), color=th.muted)
    y = max(y + th.pitch * 1.6, code_top + code_size + th.pitch)
    # journey table
    heads = {"de": ("Halt", "Datum", "Zeit", "Gleis", "Produkt"), "en": ("Station", "Date", "Time", "Platform",
                                                                        "Service"),
             "fr": ("Gare", "Date", "Heure", "Voie", "Train"), "nl": ("Station", "Datum", "Tijd", "Spoor", "Trein"),
             "es": ("Estación", "Fecha", "Hora", "Vía", "Tren")}.get(ctx.lang) or ("Stop", "Date", "Time", "", "")
    if mode == "bus":
        heads = (heads[0], heads[1], heads[2], {"de": "Steig", "fr": "Quai", "nl": "Perron", "es": "Dársena"}.get(
            ctx.lang, "Bay"), heads[4] if ctx.lang != "en" else "Bus")
    if mode == "air":
        airport = {"de": "Flughafen", "fr": "Aéroport", "nl": "Luchthaven", "es": "Aeropuerto"}.get(ctx.lang, "Airport")
        heads = (airport, heads[1], heads[2], "Gate", {"de": "Flug", "fr": "Vol", "nl": "Vlucht",
                                                        "es": "Vuelo"}.get(ctx.lang, "Flight"))
    size = th.size - 0.5
    xs = [left, left + (right - left) * 0.42, left + (right - left) * 0.58, left + (right - left) * 0.7,
          left + (right - left) * 0.8]
    sh.rect(left - 4, y - size - 4, right - left + 8, size * 1.9, fill=th.tint)
    for x, h in zip(xs, heads, strict=True):
        ctx.txt(x, y, h, kind="bold", size=size)
    y += size * 1.9
    hour, minute = d.extra["hour"], d.extra["minute"]
    nd = d.date_pattern if "{month}" not in d.date_pattern else d.locale.date_numeric[0]
    product = {"rail": ("ICE", "IC", "TGV", "EC", "RE", "IR"), "bus": ("Bus", "N", "FB"),
               "air": (_code(r, "LL"),)}[mode]
    prod = f"{r.choice(product)} {r.randint(10, 2999)}"
    for k, st in enumerate(stations):
        when = format_time((hour + 2 * k) % 24, (minute + 17 * k) % 60, d.locale.time_format)
        dep = _DEP_ARR.get(ctx.lang, ("dep", "arr"))[0 if k == 0 else 1]
        cells = [st, ctx.date(travel, nd), f"{dep} {when}", str(r.randint(1, 24)) if mode != "air" else
                 _code(r, "L##"), prod if k < len(stations) - 1 else ""]
        for x, c in zip(xs, cells, strict=True):
            if c:
                ctx.txt(x, y, c, size=size)
        y += size * 1.5
        if k < len(stations) - 1 and len(stations) > 2:
            prod = f"{r.choice(product)} {r.randint(10, 2999)}"
    sh.line(left, y - size * 0.6, right, y - size * 0.6, th.rule, 0.4)
    y += th.pitch
    # booking meta (left) and traveller
    passenger = ctx.clean(d.extra["customer_name"])
    rows: list[tuple[str, list[Segment]]] = [
        (ctx.clean(_pick(ctx, _T["traveller"])) + (ctx.theme.colon or ":"),
         [ctx.field("customer_name", passenger, passenger)])]
    order = _code(r, r.choice(("############", "XXXXXX", "###-#######", "XXXXXXXX", "#########")))
    has_invoice_no = r.random() < 0.45
    # a ticket without its own invoice number is filed under its booking reference: that is its number
    order_field = "po_number" if has_invoice_no else "invoice_number"
    rows.append((_pick(ctx, _T["order"]) + (ctx.theme.colon or ":"), [ctx.field(order_field, order, order)]))
    if has_invoice_no:
        rows.append((_pick(ctx, _T["inv_no"]) + (ctx.theme.colon or ":"),
                     [ctx.field("invoice_number", d.number, d.number)]))
    rows.append((_pick(ctx, _T["booked"]) + (ctx.theme.colon or ":"),
                 [ctx.field("invoice_date", ctx.date(d.issue_date), d.issue_date.isoformat())]))
    if r.random() < 0.5:
        if mode == "air":
            extra_row = (_pick(ctx, _T["ticket_no"]), _code(r, "###-##########"))
        elif mode == "rail":
            extra_row = (_pick(ctx, _T["card_no"]), _code(r, r.choice(("#### #### #### ####", "LL#######"))))
        else:
            extra_row = (_pick(ctx, _T["ticket_no"]), _code(r, r.choice(("XXXX-XXXX-XXXX", "##########"))))
        rows.insert(1, (extra_row[0] + (ctx.theme.colon or ":"), [(extra_row[1], None)]))
    y = draw_meta(ctx, left, y, rows, label_w=110)
    y += th.pitch
    # fare / invoice section
    ctx.txt(left, y, _pick(ctx, _T["invoice_head"]), kind="bold", head=True, size=th.size + 2.5)
    y += th.pitch * 0.6
    sh.line(left, y, right, y, th.text, 0.7)
    y += th.pitch * 1.3
    n = d.money.number
    show_rate = rates and r.random() < 0.6
    x_rate = right - 120
    for idx, it in enumerate(d.items):
        desc_room = (x_rate if show_rate else right - 90) - left - 10
        dsize = th.size if ctx.width(it.description, th.size) <= desc_room else th.size * desc_room / ctx.width(
            it.description, th.size) * 0.98
        segs: list[Segment] = []
        if it.quantity != 1:
            segs = [ctx.cell("quantity", idx, ctx.qty(it.quantity), decimal_value(it.quantity)), (" x ", None)]
            w0 = ctx.width(ctx.qty(it.quantity) + " x ", dsize)
            dsize = min(dsize, th.size * (desc_room - w0) / max(ctx.width(it.description, th.size), 1.0) * 0.98)
        segs.append(ctx.cell("description", idx, it.description, it.description))
        ctx.txt(left, y, segs, size=dsize)
        if show_rate:
            ctx.txt(x_rate, y, [ctx.cell("tax_rate", idx, ctx.rate(it.tax_rate), decimal_value(it.tax_rate))],
                    align="right")
        ctx.txt(right, y, [ctx.cell("amount", idx, ctx.num(it.amount), money_value(it.amount))], align="right")
        y += th.pitch * 1.2
    sh.line(right - 220, y - th.size * 0.5, right, y - th.size * 0.5, th.rule, 0.5)
    y += th.pitch * 0.4
    lx = right - 220
    tsz = th.size + 1.5
    ctx.txt(lx, y, _pick(ctx, _T["ticket_total"]), kind="bold", size=tsz)
    ctx.txt(right, y, ctx.money(d.total, name="total", currency_field=True), kind="bold", size=tsz, align="right")
    y += th.pitch * 1.4
    taxed = [tl for tl in d.tax_lines if tl.rate > 0]
    if taxed:
        single = len(d.tax_lines) == 1
        incl = _pick(ctx, _T["incl_vat"])
        if single and r.random() < 0.4:
            ctx.txt(lx, y, _pick(ctx, _T["net"]), size=th.size - 0.5)
            ctx.txt(right, y, ctx.money(d.subtotal, name="subtotal"), size=th.size - 0.5, align="right")
            y += th.pitch
        for tl in d.tax_lines:
            label = f"{incl} {n.format_rate(tl.rate)} %"
            amount = ctx.money(tl.tax, name="tax_total" if single else None)
            ctx.txt(lx, y, label, size=th.size - 0.5)
            ctx.txt(right, y, amount, size=th.size - 0.5, align="right")
            y += th.pitch
        if not single and r.random() < 0.5:
            ctx.txt(lx, y, ctx.label("tax_total"), size=th.size - 0.5)
            ctx.txt(right, y, ctx.money(d.tax_total, name="tax_total"), size=th.size - 0.5, align="right")
            y += th.pitch
    y += th.pitch * 0.6
    method = _pick(ctx, _T["methods"])
    ctx.txt(left, y, f"{_pick(ctx, _T['paid_with'])} {method}", color=th.muted)
    y += th.pitch * 1.8
    # some carriers name themselves only in running text under the payment ("... booked on <date>.
    # Carrier AG, street, city, tax no."), often without any legal footer
    in_prose = r.random() < 0.35
    if in_prose:
        y = _carrier_in_prose(ctx, left, y, right - left, th.size - 0.5)
        y += th.pitch * 0.8
    for ln in ctx.wrap(_pick(ctx, _T["conditions"]), right - left, th.size - 1):
        ctx.txt(left, y, ln, size=th.size - 1, color=th.muted)
        y += (th.size - 1) * th.leading
    if y > H - 70:
        from invoicer.synth.layouts.base import LayoutOverflow

        raise LayoutOverflow("travel_ticket: page full")
    # legal footer: carrier name, address, register, VAT id
    if not in_prose or r.random() < 0.3:
        fy = H - 50
        sh.line(left, fy - 12, right, fy - 12, th.rule, 0.4)
        _legal_footer(ctx, fy, left, right, 6.5, name_tag=True, align="left" if r.random() < 0.6 else "center")
    if d.vendor.web:
        ctx.txt(right, 22, d.vendor.web, size=6.5, color=th.muted, align="right")


# ================================================================================================ marketplace

_M: dict[str, Words] = {
    "title": {"de": ("Rechnung", "RECHNUNG", "Rechnung / Lieferschein"), "en": ("Invoice", "Tax Invoice", "INVOICE"),
              "fr": ("Facture", "FACTURE"), "nl": ("Factuur", "FACTUUR"), "es": ("Factura", "FACTURA")},
    "paid": {"de": ("Bezahlt", "BEZAHLT"), "en": ("Paid", "PAID"), "fr": ("Payée", "PAYÉE"),
             "nl": ("Betaald", "BETAALD"), "es": ("Pagada", "PAGADA")},
    "sold_by": {"de": ("Verkauft von", "Verkäufer", "Verkauf durch"), "en": ("Sold by", "Seller", "Sold by:"),
                "fr": ("Vendu par", "Vendeur"), "nl": ("Verkocht door", "Verkoper"),
                "es": ("Vendido por", "Vendedor")},
    "order_no": {"de": ("Bestellnummer", "Bestellnr.", "Bestell-Nr."), "en": ("Order number", "Order #", "Order ID"),
                 "fr": ("Numéro de commande", "N° de commande"), "nl": ("Bestelnummer", "Ordernummer"),
                 "es": ("Número de pedido", "Nº de pedido")},
    "order_date": {"de": ("Bestelldatum", "Bestellt am"), "en": ("Order date", "Order placed"),
                   "fr": ("Date de commande",), "nl": ("Besteldatum",), "es": ("Fecha del pedido",)},
    "inv_date": {"de": ("Rechnungsdatum", "Rechnungsdatum/Lieferdatum", "Datum"),
                 "en": ("Invoice date", "Invoice date / Delivery date", "Date"),
                 "fr": ("Date de facturation", "Date de la facture"), "nl": ("Factuurdatum",),
                 "es": ("Fecha de factura",)},
    "inv_no": {"de": ("Rechnungsnummer", "Rechnungsnr."), "en": ("Invoice number", "Invoice #"),
               "fr": ("Numéro de facture", "N° de facture"), "nl": ("Factuurnummer",), "es": ("Número de factura",)},
    "billing": {"de": ("Rechnungsadresse",), "en": ("Billing address", "Bill to"), "fr": ("Adresse de facturation",),
                "nl": ("Factuuradres",), "es": ("Dirección de facturación",)},
    "delivery": {"de": ("Lieferadresse", "Versandadresse"), "en": ("Delivery address", "Ship to"),
                 "fr": ("Adresse de livraison",), "nl": ("Afleveradres",), "es": ("Dirección de envío",)},
    "due_banner": {"de": ("Zahlbetrag", "Gesamtbetrag", "Bezahlter Betrag"), "en": ("Amount paid", "Total payable"),
                   "fr": ("Montant payé", "Total à payer"), "nl": ("Betaald bedrag", "Te betalen"),
                   "es": ("Importe pagado", "Total a pagar")},
    "details": {"de": ("Rechnungsdetails", "Artikel"), "en": ("Invoice details", "Items"),
                "fr": ("Détails de la facture",), "nl": ("Factuurgegevens",), "es": ("Detalles de la factura",)},
    "on_behalf": {"de": ("Diese Rechnung wurde über {p} im Namen des Verkäufers erstellt.",
                         "Verkauf und Versand durch den oben genannten Verkäufer. {p} stellt den Marktplatz bereit."),
                  "en": ("This invoice was issued by {p} on behalf of the seller.",
                         "Sold by the seller named above and dispatched via {p}."),
                  "fr": ("Facture émise par {p} au nom et pour le compte du vendeur.",),
                  "nl": ("Deze factuur is door {p} namens de verkoper opgesteld.",),
                  "es": ("Factura emitida por {p} en nombre del vendedor.",)},
}
_TLDS = {"DE": ".de", "FR": ".fr", "NL": ".nl", "ES": ".es", "GB": ".co.uk", "US": ".com"}


def marketplace_order_invoice(ctx: Ctx) -> None:
    """Marketplace invoice: platform brand on top (not the vendor), 'sold by' seller block, order number,
    billing/delivery addresses, item table with ASIN/SKU lines, shipping, VAT per rate."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    items = []
    for it in d.items:
        code = r.choice(("ASIN: B0" + _code(r, "XXXXXXXX"), "SKU: " + (it.sku or _code(r, "LL-#####")),
                         "Art.-Nr. " + _code(r, "########") if ctx.lang == "de" else "EAN " + _code(r, "#" * 13)))
        items.append(replace(it, details=(code,) if r.random() < 0.85 else it.details, discount_pct=None,
                             amount=q2(it.quantity * it.unit_price)))
    shipping = Decimal(r.choice(("0", "2.99", "3.99", "4.49", "4.99", "5.90", "6.95"))) if r.random() < 0.6 else None
    ctx.doc = d = _retotal(d, items, gross=False, shipping=shipping or None)
    platform = brand(r)
    host = platform.lower() + _TLDS[d.locale.country]
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 42.0, W - 42
    top = 40.0
    # platform brand (not the vendor) top left; title and paid stamp right
    logo(ctx, left, top - 4, 26, kind=r.choice(("circle", "bars", "leaf", "square")))
    psize = r.uniform(18, 26)
    ptxt = host if r.random() < 0.5 else platform
    ctx.txt(left + 32, top + 18, ptxt, kind="bold", head=True, size=_fit(ctx, ptxt, psize, W / 2 - left - 40),
            color=th.accent)
    title = _pick(ctx, _M["title"])
    ctx.txt(right, top + 14, title, kind="bold", head=True, size=th.size + 8, align="right")
    if r.random() < 0.6:
        stamp = _pick(ctx, _M["paid"])
        sw = ctx.width(stamp, th.size + 1, "bold") + 12
        sh.rect(right - sw, top + 22, sw, th.size + 8, stroke=th.accent, lw=1.0, radius=3)
        ctx.txt(right - sw / 2, top + 22 + th.size + 3, stamp, kind="bold", size=th.size + 1, color=th.accent,
                align="center")
    y = top + 58
    colon = ctx.theme.colon or ":"
    # meta right
    order = r.choice((_code(r, "###-#######-#######"), _code(r, "LL########"), _code(r, "#########"),
                      _code(r, "XXXX-XXXX-XXXX")))
    order_date = d.issue_date - timedelta(days=r.randint(0, 6))
    meta: list[tuple[str, list[Segment]]] = [
        (_pick(ctx, _M["inv_date"]) + colon, [ctx.field("invoice_date", ctx.date(d.issue_date),
                                                        d.issue_date.isoformat())]),
        (_pick(ctx, _M["inv_no"]) + colon, [ctx.field("invoice_number", d.number, d.number)]),
        (_pick(ctx, _M["order_no"]) + colon, [ctx.field("po_number", order, order)]),
        (_pick(ctx, _M["order_date"]) + colon, [(ctx.date(order_date), None)]),
    ]
    if r.random() < 0.5:
        meta.insert(0, meta.pop(2))
    mx = W * 0.55
    my = draw_meta(ctx, mx, y, meta, size=th.size - 0.3, label_kind="bold")
    # sold-by block left
    ctx.txt(left, y, _pick(ctx, _M["sold_by"]) + ("" if r.random() < 0.5 else colon), kind="bold", color=th.muted,
            size=th.size - 0.3)
    sy = party_block(ctx, left, y + th.pitch, d.vendor, name_field="vendor_name", address_field="vendor_address",
                     name_kind="bold", width=mx - left - 20, show_vat=True)
    y = max(my, sy) + th.pitch
    # amount banner (repeats the total: not labelled)
    bh = th.pitch * 1.8
    sh.rect(left, y, right - left, bh, fill=th.tint)
    ctx.txt(left + 8, y + bh * 0.65, _pick(ctx, _M["due_banner"]), kind="bold")
    ctx.txt(right - 8, y + bh * 0.65, d.money.format(d.total), kind="bold", size=th.size + 1, align="right")
    y += bh + th.pitch * 1.6
    # billing / delivery addresses
    assert d.customer is not None
    cw = (right - left) / 2
    ctx.txt(left, y, _pick(ctx, _M["billing"]), kind="bold")
    e1 = party_block(ctx, left, y + th.pitch, d.customer, name_field="customer_name", name_kind="regular",
                     width=cw - 12)
    ctx.txt(left + cw, y, _pick(ctx, _M["delivery"]), kind="bold")
    ship = d.ship_to or d.customer
    e2 = party_block(ctx, left + cw, y + th.pitch, ship, name_kind="regular", width=cw - 12)
    y = max(e1, e2) + th.pitch
    ctx.txt(left, y, _pick(ctx, _M["details"]), kind="bold", head=True, size=th.size + 2)
    y += th.pitch * 0.6
    keys = ["description", "quantity", "unit_price", "tax_rate", "amount"]
    if r.random() < 0.3:
        keys.insert(0, "pos")
    cols = item_columns(ctx, left, right, keys)
    style = TableStyle(header=r.choice(("rule", "band", "boxed")), body=r.choice(("hlines", "plain", "zebra")),
                       size=th.size, pad=3.0, detail_scale=0.85)

    operator = r.choice({"US": ("Services LLC", "Marketplace Inc."), "GB": ("UK Services Ltd", "Marketplace Ltd")}.get(
        d.locale.country, ("Services Europe S.à r.l.", "Marketplace GmbH", "EU SARL", "Europe B.V.")))

    def footer(sheet: Sheet) -> None:
        note = _pick(ctx, _M["on_behalf"]).replace("{p}", host)
        yy = H - 62
        for ln in ctx.wrap(note, right - left, 6.5):
            ctx.txt(left, yy, ln, size=6.5, color=th.muted, sheet=sheet)
            yy += 8.5
        op = f"{platform} {operator}"
        ctx.txt(left, yy, ctx.clean(f"{op} · {host}"), size=6.5, color=th.muted, sheet=sheet)

    def continuation() -> float:
        ctx.txt(left, 40, f"{title} {d.number}", kind="bold")
        return 56.0

    page_number_at(ctx, right, H - 30, size=7)

    def totals(yy: float) -> float:
        return draw_totals(ctx, right - 230, right - 4, yy + th.pitch * 1.3, totals_rows(ctx),
                           style=r.choice(("rule", "plain", "box")))

    n_tot = 3 + len(d.tax_lines) + (3 if d.shipping else 0)
    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - 80, continuation=continuation, footer=footer,
                 closing=[(n_tot * th.pitch * 1.3 + 20, totals)])


# ================================================================================================ energy / telecom

_U: dict[str, Words] = {
    "customer_no": {"de": ("Kundennummer", "Kunden-Nr.", "Kundennr."), "en": ("Customer number", "Account number"),
                    "fr": ("N° client", "Référence client"), "nl": ("Klantnummer",), "es": ("Nº de cliente",)},
    "contract_no": {"de": ("Vertragskonto", "Vertragsnummer", "Vertragskontonummer"),
                    "en": ("Contract number", "Agreement no.", "Account ID"),
                    "fr": ("N° de contrat", "Référence contrat"), "nl": ("Contractnummer", "Contractrekening"),
                    "es": ("Nº de contrato", "Contrato")},
    "meter_no": {"de": ("Zählernummer", "Zähler-Nr.", "Marktlokation"), "en": ("Meter number", "MPAN", "Meter serial"),
                 "fr": ("N° de compteur", "PDL"), "nl": ("Meternummer", "EAN-code"), "es": ("Nº de contador", "CUPS")},
    "phone_no": {"de": ("Rufnummer", "Ihre Rufnummer", "Anschluss"), "en": ("Phone number", "Mobile number", "Line"),
                 "fr": ("N° de ligne", "Numéro d'appel"), "nl": ("Telefoonnummer", "Mobiel nummer"),
                 "es": ("Nº de línea", "Línea")},
    "inv_no": {"de": ("Rechnungsnummer", "Rechnungs-Nr.", "Belegnummer"), "en": ("Invoice number", "Bill number"),
               "fr": ("N° de facture", "Facture n°"), "nl": ("Factuurnummer", "Notanummer"),
               "es": ("Nº de factura", "Factura nº")},
    "inv_date": {"de": ("Rechnungsdatum", "Datum"), "en": ("Invoice date", "Bill date", "Date of bill"),
                 "fr": ("Date de facture", "Date d'émission"), "nl": ("Factuurdatum", "Datum"),
                 "es": ("Fecha de factura", "Fecha de emisión")},
    "energy_title": {"de": ("Ihre Stromrechnung", "Jahresabrechnung Strom", "Ihre Rechnung für Strom und Gas",
                            "Jahresverbrauchsabrechnung", "Rechnung Erdgas"),
                     "en": ("Your energy bill", "Your electricity bill", "Annual statement", "Your gas bill"),
                     "fr": ("Votre facture d'électricité", "Facture de régularisation", "Votre facture de gaz"),
                     "nl": ("Uw jaarafrekening", "Jaarnota energie", "Uw energierekening"),
                     "es": ("Su factura de luz", "Factura de electricidad", "Factura de gas")},
    "telecom_title": {"de": ("Ihre Rechnung", "Ihre Mobilfunkrechnung", "Rechnung für Ihren Anschluss",
                             "Monatsrechnung"),
                      "en": ("Your bill", "Your monthly bill", "Your mobile bill", "Broadband bill"),
                      "fr": ("Votre facture", "Votre facture mobile", "Facture Internet"),
                      "nl": ("Uw factuur", "Uw rekening", "Maandfactuur"),
                      "es": ("Su factura", "Factura de telefonía", "Factura mensual")},
    "period": {"de": ("Abrechnungszeitraum", "Leistungszeitraum", "Zeitraum"),
               "en": ("Billing period", "Bill period", "Period"),
               "fr": ("Période de facturation", "Période"), "nl": ("Factuurperiode", "Periode"),
               "es": ("Periodo de facturación", "Periodo")},
    "summary": {"de": ("Ihre Rechnung im Überblick", "Übersicht", "Zusammenfassung"),
                "en": ("Your bill at a glance", "Account summary", "Summary"),
                "fr": ("Votre facture en bref", "Récapitulatif"), "nl": ("Overzicht", "Samenvatting"),
                "es": ("Resumen de su factura", "Resumen")},
    "charges": {"de": ("Rechnungsbetrag", "Kosten im Abrechnungszeitraum", "Neue Beträge"),
                "en": ("Charges this period", "New charges", "This bill"),
                "fr": ("Montant de la facture", "Consommation de la période"), "nl": ("Kosten deze periode",),
                "es": ("Importe de esta factura",)},
    "previous": {"de": ("Offener Saldo Vormonat", "Vorheriger Saldo", "Saldo Vorrechnung"),
                 "en": ("Previous balance", "Balance brought forward"),
                 "fr": ("Solde précédent",), "nl": ("Vorig saldo", "Openstaand saldo"), "es": ("Saldo anterior",)},
    "payments": {"de": ("Geleistete Abschläge", "Zahlungseingänge", "Abzüglich Zahlungen"),
                 "en": ("Payments received", "Payments - thank you", "Less payments"),
                 "fr": ("Acomptes versés", "Paiements reçus"), "nl": ("Betaalde voorschotten", "Ontvangen betalingen"),
                 "es": ("Pagos recibidos", "Pagos a cuenta")},
    "due": {"de": ("Zu zahlender Betrag", "Offener Betrag", "Ihr Saldo"), "en": ("Amount due", "Total to pay"),
            "fr": ("Montant à payer", "Reste à payer"), "nl": ("Te betalen", "Nog te betalen"),
            "es": ("Importe a pagar", "Total a pagar")},
    "due_on": {"de": ("Fällig am", "Abbuchung am", "Zahlbar bis"), "en": ("Due date", "Payment due", "Due by"),
               "fr": ("Date d'échéance", "À payer avant le"), "nl": ("Vervaldatum", "Uiterste betaaldatum"),
               "es": ("Fecha de cargo", "Vencimiento")},
    "debit": {"de": ("Wir buchen den Betrag per SEPA-Lastschrift von Ihrem Konto {acct} ab. Mandatsreferenz {m}.",),
              "en": ("We will collect this amount by Direct Debit from account {acct}. Mandate reference {m}.",),
              "fr": ("Ce montant sera prélevé sur votre compte {acct}. Référence de mandat {m}.",),
              "nl": ("Wij schrijven dit bedrag automatisch af van rekening {acct}. Machtigingskenmerk {m}.",),
              "es": ("Este importe se cargará en su cuenta {acct}. Referencia del mandato {m}.",)},
    "reading": {"de": ("Zählerstand alt {a} / neu {b} = Verbrauch {c} kWh",),
                "en": ("Meter reading previous {a} / current {b} = {c} kWh used",),
                "fr": ("Index ancien {a} / nouveau {b} = consommation {c} kWh",),
                "nl": ("Meterstand oud {a} / nieuw {b} = verbruik {c} kWh",),
                "es": ("Lectura anterior {a} / actual {b} = consumo {c} kWh",)},
}


_UTILITY_VENDORS: dict[str, dict[str, tuple[str, ...]]] = {
    "energy": {"DE": ("Stadtwerke {city}", "{b} Energie GmbH", "{b}strom AG", "{b} Energieversorgung GmbH"),
               "NL": ("{b} Energie B.V.", "{b} Stroom & Gas B.V.", "{b} Energy N.V."),
               "FR": ("{b} Énergie SA", "{b} Électricité SAS"), "ES": ("{b} Energía S.A.", "{b} Luz y Gas S.L."),
               "GB": ("{b} Energy Ltd", "{b} Power Limited"), "US": ("{b} Power & Light Co.", "{b} Energy Inc.")},
    "telecom": {"DE": ("{b} Telekom GmbH", "{b} Mobilfunk GmbH", "{b}net GmbH"),
                "NL": ("{b} Telecom B.V.", "{b} Mobiel B.V."), "FR": ("{b} Télécom SAS", "{b} Mobile SA"),
                "ES": ("{b} Telecomunicaciones S.A.", "{b} Móvil S.L."),
                "GB": ("{b} Mobile Ltd", "{b} Broadband Limited"), "US": ("{b} Wireless Inc.", "{b} Telecom LLC")},
}
_TELECOM_WORDS = ("Mbit", " Mb", "GB", " Go", "Roaming", "Itinerancia", "hors forfait", "Device", "Geräte",
                  "Paiement échelonné", "Toestel", "plazos", "Mobil", "mobile", "móvil", "Fibr", "fibr", "Glas", "Box")


def _utility_items(ctx: Ctx, energy: bool) -> list[Item]:
    """Charges of an energy (annual) or a telecom (monthly) bill from the utility catalogue."""
    from invoicer.synth.catalog import ITEMS
    from invoicer.synth.content import model_code

    r = ctx.rng
    d = ctx.doc
    rate = d.locale.vat_rates[0] if d.locale.vat_rates else (d.tax_lines[0].rate if d.tax_lines else Decimal("0"))
    pool = [ci for ci in ITEMS[ctx.lang]["utility"]
            if any(w in ci.name for w in _TELECOM_WORDS) != energy and "fee" not in ci.name.lower()
            and "gebühr" not in ci.name.lower()]
    r.shuffle(pool)
    items: list[Item] = []
    for ci in pool[: r.randint(2 if not energy else 3, min(len(pool), 6))]:
        name = ci.name.replace("{n}", str(r.choice((5, 10, 20, 40, 100)))).replace("{brand}", brand(r)).replace(
            "{model}", model_code(r))
        unit = ci.unit.lower()
        places = 2
        if unit == "kwh":
            qty = Decimal(r.randint(300, 5200))
            price = Decimal(str(round(r.uniform(float(ci.low), float(ci.high)), 4)))
            places = 4
        elif unit in ("m3", "m³"):
            qty = Decimal(r.randint(20, 180))
            price = Decimal(str(round(r.uniform(float(ci.low), float(ci.high)), 2)))
        elif unit in ("days", "tage", "jours", "dagen", "días"):
            qty = Decimal(365 if energy else r.choice((28, 30, 31)))
            price = Decimal(str(round(r.uniform(float(ci.low), float(ci.high)), 4)))
            places = 4
        else:
            qty = Decimal(12 if energy and unit not in ("flat", "pausch.", "forfait", "servicio") else 1)
            price = Decimal(str(round(r.uniform(float(ci.low), float(ci.high)), 2)))
        items.append(Item(ctx.clean(name), (), qty, ctx.clean(ci.unit), price, rate, q2(qty * price), None, None,
                          None, places))
    return items


def energy_telecom_bill(ctx: Ctx) -> None:
    """European energy/telecom bill: letterhead right, window address, number block (customer, contract,
    meter/line, invoice number, date), billing period, summary box with previous balance, payments and
    amount due, charges table, legal footer columns."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    energy = r.random() < 0.55
    items = _utility_items(ctx, energy)
    b = brand(r)
    kind = "energy" if energy else "telecom"
    vname = r.choice(_UTILITY_VENDORS[kind].get(d.locale.country, _UTILITY_VENDORS[kind]["GB"]))
    city = d.vendor.city_line.split()[-1] if d.vendor.city_line.split() else b
    vname = ctx.clean(vname.replace("{b}", b).replace("{city}", city.strip(",")))
    slug = b.lower()
    vendor = replace(d.vendor, name=vname, web=f"www.{slug}.{d.locale.country.lower()}",
                     email=f"service@{slug}.{d.locale.country.lower()}")
    ctx.doc = d = _retotal(replace(d, vendor=vendor), items, gross=False)
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 22 * MM, W - 18 * MM
    top = 14 * MM
    # letterhead right
    nsize = _fit(ctx, d.vendor.name, r.uniform(13, 18), right - W / 2 - 40)
    logo(ctx, right - 34, top - 4, 34)
    ctx.txt(right - 42, top + 20, [ctx.field("vendor_name", d.vendor.name, d.vendor.name)], kind="bold", head=True,
            size=nsize, align="right", color=th.accent)
    tag = {"de": "Strom · Gas · Internet", "en": "Energy · Broadband · Mobile", "fr": "Électricité · Gaz · Internet",
           "nl": "Stroom · Gas · Internet", "es": "Luz · Gas · Fibra"}.get(ctx.lang, "")
    ctx.txt(right - 42, top + 32, ctx.clean(tag), size=th.size - 1, color=th.muted, align="right")
    # window address
    y = 48 * MM
    sender = " · ".join((d.vendor.name, *d.vendor.street, d.vendor.city_line))
    ssize = _fit(ctx, sender, 6.5, 85 * MM, kind="regular", head=False)
    ctx.txt(left, y - 4, sender, size=ssize, color=th.muted)
    y += 4 * MM
    assert d.customer is not None
    party_block(ctx, left, y, d.customer, name_field="customer_name", name_kind="regular", width=80 * MM)
    # number block right
    colon = th.colon or ":"
    cust_no = d.customer_number or _code(r, r.choice(("##########", "#### ### ###", "K-#######")))
    rows: list[tuple[str, list[Segment]]] = [
        (_pick(ctx, _U["customer_no"]) + colon, [(cust_no, None)]),
        (_pick(ctx, _U["contract_no"]) + colon, [(_code(r, r.choice(("############", "V-########", "## ### ###"))),
                                                  None)]),
    ]
    if energy:
        rows.append((_pick(ctx, _U["meter_no"]) + colon, [(_code(r, r.choice(("1LLL##########", "DE#########",
                                                                              "########"))), None)]))
    else:
        prefix = {"DE": "+49", "NL": "+31", "FR": "+33", "ES": "+34", "GB": "+44", "US": "+1"}[d.locale.country]
        rows.append((_pick(ctx, _U["phone_no"]) + colon, [(_code(r, r.choice(("0### #######", prefix + " ### #######",
                                                                              "0###-######"))), None)]))
    rows.append((_pick(ctx, _U["inv_no"]) + colon, [ctx.field("invoice_number", d.number, d.number)]))
    rows.append((_pick(ctx, _U["inv_date"]) + colon, [ctx.field("invoice_date", ctx.date(d.issue_date),
                                                                d.issue_date.isoformat())]))
    ix = W * 0.58
    my = draw_meta(ctx, ix, 48 * MM, rows, size=th.size - 0.5, align_values="right", value_x_right=right)
    y = max(y + th.pitch * 6, my) + 8 * MM
    # title and billing period
    title = _pick(ctx, _U["energy_title"] if energy else _U["telecom_title"])
    ctx.txt(left, y, title, kind="bold", head=True, size=th.size + 5)
    y += th.pitch * 1.6
    end = d.issue_date.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    if energy:
        start = date(end.year - 1, end.month, 1) + timedelta(days=31)
        start = start.replace(day=1)
    ctx.txt(left, y, f"{_pick(ctx, _U['period'])}{colon} {ctx.date(start)} - {ctx.date(end)}")
    y += th.pitch * 1.6
    # summary box: repeats the total (not labelled), previous balance, payments, amount due
    prev = d.total * Decimal(r.choice(("0", "0", "1"))) if not energy else Decimal("0")
    paid = prev if not energy else q2(d.total * Decimal(str(round(r.uniform(0.7, 1.1), 2))))
    due_amt = prev + d.total - paid
    srows: list[tuple[str, Decimal]] = []
    if not energy or r.random() < 0.3:
        srows.append((_pick(ctx, _U["previous"]), prev))
    srows.append((_pick(ctx, _U["charges"]), d.total))
    srows.append((_pick(ctx, _U["payments"]), -paid))
    bw = W * 0.5
    bx = right - bw
    bh = th.pitch * (len(srows) + 4.4)
    sh.rect(bx, y - th.size - 4, bw, bh, fill=th.tint, stroke=th.accent if r.random() < 0.5 else None, lw=0.8,
            radius=3)
    yy = y
    ctx.txt(bx + 8, yy, _pick(ctx, _U["summary"]), kind="bold", color=th.accent)
    yy += th.pitch * 1.4
    for label, val in srows:
        ctx.txt(bx + 8, yy, label, size=th.size - 0.5)
        ctx.txt(bx + bw - 8, yy, d.money.format(val), size=th.size - 0.5, align="right")
        yy += th.pitch
    sh.line(bx + 8, yy - th.size * 0.7, bx + bw - 8, yy - th.size * 0.7, th.text, 0.6)
    yy += th.pitch * 0.2
    ctx.txt(bx + 8, yy, _pick(ctx, _U["due"]), kind="bold", size=th.size + 1)
    ctx.txt(bx + bw - 8, yy, d.money.format(due_amt), kind="bold", size=th.size + 1, align="right")
    yy += th.pitch * 1.2
    if d.due_date is not None and d.terms_days:
        ctx.txt(bx + 8, yy, [(_pick(ctx, _U["due_on"]) + colon + " ", None),
                             ctx.field("due_date", ctx.date(d.due_date), d.due_date.isoformat())],
                size=th.size - 0.5)
    # left of the box: payment note
    ly = y
    acct = ctx.clean(f"{d.locale.country}** **** **** **{_code(r, '## ##')}") if d.locale.country != "US" else \
        f"****{d.extra['account'][-4:]}"
    note = _pick(ctx, _U["debit"]).replace("{acct}", acct).replace("{m}", _code(r, "LL-##########"))
    for ln in ctx.wrap(note, bx - left - 16, th.size - 0.5):
        ctx.txt(left, ly, ln, size=th.size - 0.5)
        ly += th.pitch
    y = max(y + bh, ly) + th.pitch
    if energy and r.random() < 0.7:
        kwh = sum((i.quantity for i in d.items if i.unit.lower() == "kwh"), Decimal("0"))
        a = Decimal(r.randint(1000, 90000))
        text = _pick(ctx, _U["reading"]).replace("{a}", d.money.number.format_quantity(a)).replace(
            "{b}", d.money.number.format_quantity(a + kwh)).replace("{c}", d.money.number.format_quantity(kwh))
        ctx.txt(left, y, text, size=th.size - 0.5, color=th.muted)
        y += th.pitch * 1.4
    keys = ["description", "qty_unit", "unit_price", "amount"]
    if r.random() < 0.4:
        keys.insert(3, "tax_rate")
    cols = item_columns(ctx, left, right, keys)
    style = TableStyle(header=r.choice(("rule", "band", "underline2")), body=r.choice(("plain", "dotted", "hlines")),
                       size=th.size, pad=2.5)
    foot_y = H - 20 * MM

    def footer(sheet: Sheet) -> None:
        _footer_columns(ctx, sheet, _vendor_footer(ctx, address_field=True, bank=r.random() < 0.6), y=foot_y,
                        x0=left, x1=right, size=6.2)

    def continuation() -> float:
        ctx.txt(left, 18 * MM, f"{d.vendor.name} · {_pick(ctx, _U['inv_no'])} {d.number}", size=th.size - 1,
                color=th.muted)
        return 28 * MM

    page_number_at(ctx, right, foot_y - 16, size=7, only_multi=False)

    def totals(yy: float) -> float:
        return draw_totals(ctx, right - 72 * MM, right - 3, yy + th.pitch * 1.2,
                           totals_rows(ctx, total_key=r.choice(("total", "total"))), style=r.choice(("rule", "plain",
                                                                                                  "double")))

    n_tot = 3 + len(d.tax_lines)
    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=foot_y - 40, continuation=continuation,
                 footer=footer, closing=[(n_tot * th.pitch * 1.3 + 20, totals)])


# ================================================================================================ SaaS subscription

_S: dict[str, Words] = {
    "title": {"en": ("Invoice",), "de": ("Rechnung",), "fr": ("Facture",), "nl": ("Factuur",), "es": ("Factura",)},
    "number": {"en": ("Invoice number",), "de": ("Rechnungsnummer",), "fr": ("Numéro de facture",),
               "nl": ("Factuurnummer",), "es": ("Número de factura",)},
    "issued": {"en": ("Date of issue",), "de": ("Rechnungsdatum", "Ausstellungsdatum"),
               "fr": ("Date d'émission",), "nl": ("Factuurdatum",), "es": ("Fecha de emisión",)},
    "due": {"en": ("Date due",), "de": ("Fälligkeitsdatum",), "fr": ("Date d'échéance",), "nl": ("Vervaldatum",),
            "es": ("Fecha de vencimiento",)},
    "bill_to": {"en": ("Bill to",), "de": ("Rechnung an",), "fr": ("Facturer à",), "nl": ("Factuur aan",),
                "es": ("Facturar a",)},
    "due_line": {"en": ("{a} due {d}",), "de": ("{a} fällig am {d}",), "fr": ("{a} dû le {d}",),
                 "nl": ("{a} te betalen op {d}",), "es": ("{a} con vencimiento el {d}",)},
    "pay_online": {"en": ("Pay online",), "de": ("Online bezahlen",), "fr": ("Payer en ligne",),
                   "nl": ("Online betalen",), "es": ("Pagar en línea",)},
    "amount_due": {"en": ("Amount due",), "de": ("Fälliger Betrag",), "fr": ("Montant dû",), "nl": ("Te betalen",),
                   "es": ("Importe adeudado",)},
    "subtotal": {"en": ("Subtotal",), "de": ("Zwischensumme",), "fr": ("Sous-total",), "nl": ("Subtotaal",),
                 "es": ("Subtotal",)},
    "total": {"en": ("Total",), "de": ("Gesamt", "Summe"), "fr": ("Total",), "nl": ("Totaal",), "es": ("Total",)},
    "plans": {"en": ("{b} Pro plan", "{b} Team (monthly)", "{b} Business - annual", "Seats", "{b} Starter",
                     "Additional storage 100 GB", "API calls (metered)"),
              "de": ("{b} Pro (monatlich)", "{b} Team-Tarif", "{b} Business (jährlich)", "Zusätzliche Nutzer",
                     "Speicher-Add-on 100 GB"),
              "fr": ("Abonnement {b} Pro", "{b} Équipe (mensuel)", "{b} Business (annuel)",
                     "Utilisateurs supplémentaires", "Stockage supplémentaire 100 Go"),
              "nl": ("{b} Pro-abonnement", "{b} Team (maandelijks)", "{b} Business (jaarlijks)", "Extra gebruikers",
                     "Extra opslag 100 GB"),
              "es": ("Plan {b} Pro", "{b} Equipo (mensual)", "{b} Business (anual)", "Usuarios adicionales",
                     "Almacenamiento adicional 100 GB")},
    "memo": {"en": ("Thanks for your business!", "Questions? Contact us at {e}.", "Your subscription renews "
                    "automatically."),
             "de": ("Vielen Dank!", "Fragen? Schreiben Sie uns an {e}.", "Ihr Abonnement verlängert sich "
                    "automatisch."),
             "fr": ("Merci de votre confiance.", "Des questions ? Écrivez-nous : {e}."),
             "nl": ("Bedankt!", "Vragen? Mail ons via {e}."), "es": ("¡Gracias!", "¿Preguntas? Escríbenos a {e}.")},
}


def saas_subscription(ctx: Ctx) -> None:
    """Subscription invoice of an online service (Stripe/Paddle style): 'Invoice number', 'Date of issue',
    'Date due', vendor and 'Bill to' columns, '$X due <date>' line, few lines each with its service period,
    Subtotal/Tax/Total/Amount due; plain or as a card on a tinted page."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    b = brand(r)
    monthly = r.random() < 0.7
    start = d.issue_date
    end = (start + timedelta(days=30 if monthly else 365))
    pat = r.choice(d.locale.date_spelled[:3] + d.locale.date_numeric[:1])
    period = f"{ctx.date(start, pat)} - {ctx.date(end, pat)}"
    other = (("annual", "jährlich", "annuel", "jaarlijks", "anual") if monthly
             else ("monthly", "monatlich", "mensuel", "maandelijks", "mensual"))
    names = [x for x in (_S["plans"].get(ctx.lang) or _S["plans"]["en"]) if not any(o in x for o in other)]
    r.shuffle(names)
    n_lines = min(r.choice((1, 1, 1, 2, 2, 3)), len(names))
    items: list[Item] = []
    for k in range(n_lines):
        name = ctx.clean(names[k].replace("{b}", b))
        qty = Decimal(1) if k == 0 and r.random() < 0.6 else Decimal(r.choice((1, 2, 3, 5, 10, 12, 25)))
        price = Decimal(r.choice(("9", "12", "15", "19", "29", "49", "79", "99", "149", "299", "4.50", "7.99")))
        if not monthly:
            price *= 10
        rate = d.tax_lines[0].rate if d.tax_lines else Decimal("0")
        items.append(Item(name, (period,), qty, "", price, rate, q2(qty * price), None, None, None))
    ctx.doc = d = _retotal(d, items, gross=False)
    due = d.due_date if d.due_date is not None else d.issue_date
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    card = r.random() < 0.35
    if card:
        sh.rect(0, 0, W, H, fill=(0.95, 0.95, 0.96))
        left, right = 70.0, W - 70
        sh.rect(left - 24, 36, right - left + 48, H - 90, fill=WHITE, stroke=(0.85, 0.85, 0.87), lw=0.6, radius=6)
    else:
        left, right = 50.0, W - 50
    y = 80.0 if card else 64.0
    title = _pick(ctx, _S["title"])
    ctx.txt(left, y, title, kind="bold", head=True, size=th.size + r.choice((8, 10, 12)))
    short = d.vendor.name.split()[0] if r.random() < 0.5 else b
    if r.random() < 0.6:
        logo(ctx, right - 30, y - 24, 30)
    else:
        ctx.txt(right, y, short, kind="bold", head=True, size=th.size + 5, align="right", color=th.accent)
    y += 28
    colon = "" if r.random() < 0.7 else ":"
    rows: list[tuple[str, list[Segment]]] = [
        (_pick(ctx, _S["number"]) + colon, [ctx.field("invoice_number", d.number, d.number)]),
        (_pick(ctx, _S["issued"]) + colon, [ctx.field("invoice_date", ctx.date(d.issue_date),
                                                      d.issue_date.isoformat())]),
        (_pick(ctx, _S["due"]) + colon, [ctx.field("due_date", ctx.date(due), due.isoformat())]),
    ]
    if d.po_number and r.random() < 0.25:
        rows += meta_rows(ctx, ["po_number"])
    y = draw_meta(ctx, left, y, rows, label_w=110, label_color=th.muted if r.random() < 0.6 else None,
                  label_kind="bold" if r.random() < 0.3 else "regular")
    y += 18
    assert d.customer is not None
    cw = (right - left) / (3 if r.random() < 0.6 else 2)
    e1 = party_block(ctx, left, y, d.vendor, name_field="vendor_name", address_field="vendor_address",
                     name_kind="bold", width=cw - 12)
    for ln in (d.vendor.email, d.vendor.phone if r.random() < 0.3 else None):
        if ln:
            ctx.txt(left, e1, ctx.clean(ln), color=th.muted, size=th.size - 0.5)
            e1 += th.pitch
    if d.vendor.vat_id and r.random() < 0.7:
        vat = ctx.vendor_vat()
        assert vat is not None
        ctx.txt(left, e1, [(ctx.label("vat_id") + " ", None), vat], size=th.size - 0.5, color=th.muted)
        e1 += th.pitch
    ctx.txt(left + cw, y, _pick(ctx, _S["bill_to"]), kind="bold")
    e2 = party_block(ctx, left + cw, y + th.pitch, d.customer, name_field="customer_name", name_kind="regular",
                     width=cw - 12)
    if d.customer.email:
        ctx.txt(left + cw, e2, ctx.clean(d.customer.email.replace("info@", "billing@")), color=th.muted,
                size=th.size - 0.5)
        e2 += th.pitch
    y = max(e1, e2) + 24
    amount = d.money.format(d.total)
    if "{c}" not in d.money.pattern and r.random() < 0.5:
        amount += f" {d.currency}"
    line = _pick(ctx, _S["due_line"]).replace("{a}", amount).replace("{d}", ctx.date(due))
    ctx.txt(left, y, line, kind="bold", size=_fit(ctx, line, th.size + 6, right - left))
    y += th.pitch * 1.6
    if r.random() < 0.7:
        link = _pick(ctx, _S["pay_online"])
        ctx.txt(left, y, link, color=th.accent)
        sh.line(left, y + 1.5, left + ctx.width(link), y + 1.5, th.accent, 0.5)
        y += th.pitch * 1.2
    if r.random() < 0.4:
        ctx.txt(left, y, _pick(ctx, _S["memo"]).replace("{e}", d.vendor.email or ""), color=th.muted)
        y += th.pitch
    y += 16
    keys = ["description", "quantity", "unit_price", "amount"]
    if r.random() < 0.3:
        keys.insert(3, "tax_rate")
    cols = item_columns(ctx, left, right, keys)
    style = TableStyle(header=r.choice(("rule", "upper", "plain")), body=r.choice(("plain", "hlines")),
                       size=th.size, pad=4.0, header_kind=r.choice(("regular", "bold")), detail_scale=0.88)
    foot = H - (72 if card else 40)

    def footer(sheet: Sheet) -> None:
        text = f"{d.number} · {amount} · {ctx.date(due)}"
        ctx.txt(left, foot, text, size=7, color=th.muted, sheet=sheet)

    def continuation() -> float:
        return 70.0

    page_number_at(ctx, right, foot, size=7, only_multi=False)

    def totals(yy: float) -> float:
        rows2: list[tuple[str, list[Segment], bool]] = [
            (_pick(ctx, _S["subtotal"]), ctx.money(d.subtotal, name="subtotal"), False)]
        single = len(d.tax_lines) == 1
        for tl in d.tax_lines:
            label = ctx.label("tax", rate=d.money.number.format_rate(tl.rate), colon=False)
            rows2.append((label, ctx.money(tl.tax, name="tax_total" if single else None), False))
        if not single:
            rows2.append((ctx.label("tax_total", colon=False), ctx.money(d.tax_total, name="tax_total"), False))
        rows2.append((_pick(ctx, _S["total"]), ctx.money(d.total, name="total", currency_field=True), False))
        rows2.append((_pick(ctx, _S["amount_due"]), ctx.money(d.total), True))
        return draw_totals(ctx, right - 240, right - 4, yy + th.pitch * 1.5, rows2, style="plain")

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=foot - 30, continuation=continuation,
                 footer=footer, closing=[((4 + len(d.tax_lines)) * th.pitch * 1.3 + 24, totals)])


# ================================================================================================ German/Dutch till

_R: dict[str, Words] = {
    "total": {"de": ("Summe", "SUMME", "Summe EUR", "SUMME EUR", "Zu zahlen", "Gesamtsumme", "Betrag"),
              "nl": ("Totaal", "TOTAAL", "Te betalen", "Totaal EUR"), "en": ("TOTAL", "Total", "Total to pay"),
              "fr": ("TOTAL", "Total à payer", "Montant"), "es": ("TOTAL", "Total a pagar", "Importe")},
    "cash": {"de": ("Bar", "BAR", "Gegeben", "Bar gegeben"), "nl": ("Contant", "CONTANT", "Betaald contant"),
             "en": ("Cash", "Tendered"), "fr": ("Espèces", "Reçu"), "es": ("Efectivo", "Entregado")},
    "change": {"de": ("Rückgeld", "Zurück", "RÜCKGELD", "Wechselgeld"), "nl": ("Wisselgeld", "Terug", "Retour"),
               "en": ("Change",), "fr": ("Rendu", "Monnaie rendue"), "es": ("Cambio", "Devolución")},
    "card": {"de": ("EC-Karte", "Girocard", "Kartenzahlung", "Geg. EC-Cash", "Visa"),
             "nl": ("PIN", "Pinnen", "Maestro", "Betaald met PIN"), "en": ("Card", "Debit card", "Visa"),
             "fr": ("Carte bancaire", "CB"), "es": ("Tarjeta", "Pago con tarjeta")},
    "receipt_no": {"de": ("Bon-Nr.", "Beleg-Nr.", "Bonnummer", "Bon", "Beleg"), "nl": ("Bonnr.", "Bonnummer", "Bon"),
                   "en": ("Receipt No.", "Receipt #"), "fr": ("Ticket n°", "N° ticket"),
                   "es": ("Ticket nº", "Nº ticket")},
    "till": {"de": ("Kasse", "Kasse:", "Ka."), "nl": ("Kassa", "Kassa:"), "en": ("Till", "Reg"),
             "fr": ("Caisse",), "es": ("Caja",)},
    "staff": {"de": ("Bed.", "Bediener", "Kassierer/in", "Es bediente Sie"), "nl": ("Medewerker", "Kassier"),
              "en": ("Cashier", "Served by"), "fr": ("Caissier", "Vendeur"), "es": ("Cajero", "Le atendió")},
    "branch": {"de": ("Filiale", "Markt", "Fil.-Nr."), "nl": ("Filiaal", "Winkel"), "en": ("Store", "Branch"),
               "fr": ("Magasin",), "es": ("Tienda",)},
    "count": {"de": ("Anzahl Artikel", "Artikel", "Posten"), "nl": ("Aantal artikelen", "Artikelen"),
              "en": ("Items",), "fr": ("Nombre d'articles",), "es": ("Nº artículos",)},
    "thanks": {"de": ("Vielen Dank für Ihren Einkauf!", "Danke und bis bald", "Vielen Dank für Ihren Besuch",
                      "Wir danken für Ihren Einkauf"),
               "nl": ("Bedankt voor uw aankoop!", "Tot ziens!", "Bedankt en graag tot ziens"),
               "en": ("Thank you for shopping with us",), "fr": ("Merci de votre visite",),
               "es": ("Gracias por su compra",)},
    "keep": {"de": ("Bitte Bon aufbewahren", "Umtausch nur mit Kassenbon"),
             "nl": ("Bewaar uw kassabon", "Ruilen alleen met kassabon"), "en": ("Please keep your receipt",),
             "fr": ("Conservez votre ticket",), "es": ("Conserve su ticket",)},
    "card_slip": {"de": ("Kartenzahlung", "girocard", "Kundenbeleg"), "nl": ("Klantticket", "Maestro"),
                  "en": ("Card payment",), "fr": ("Paiement carte",), "es": ("Pago con tarjeta",)},
    "approved": {"de": ("Zahlung erfolgt", "Betrag autorisiert"), "nl": ("Akkoord", "Transactie geslaagd"),
                 "en": ("Approved",), "fr": ("Paiement accepté",), "es": ("Autorizado",)},
}
_TILL_BRANDS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    # (header, legal name) per domain: {b} brand, {s} surname
    "de": {"grocery": (("{B}", "{B} Markt GmbH & Co. KG"), ("{b} Markt", "{b} Handelsgesellschaft mbH"),
                       ("{b} Frischemarkt", "{s} Lebensmittel e.K."), ("{B}", "{b} Stiftung & Co. KG")),
           "cafe": (("Bäckerei {s}", "Bäckerei {s} GmbH"), ("{b} Backstube", "{b} Backwaren GmbH"),
                    ("Backhaus {s}", "Backhaus {s} e.K.")),
           "pharmacy": (("{b} Drogerie", "{b} Drogeriemarkt GmbH + Co. KG"), ("{B}", "{b} Drogeriemärkte GmbH"))},
    "nl": {"grocery": (("{B}", "{b} Supermarkten B.V."), ("{b} Supermarkt", "{b} Retail B.V."),
                       ("Buurtsuper {s}", "{s} Supermarkt B.V.")),
           "cafe": (("Bakkerij {s}", "Bakkerij {s} B.V."), ("{b} Bakker", "{b} Bakkers B.V.")),
           "pharmacy": (("Drogisterij {b}", "{b} Drogisterijen B.V."), ("{B}", "{b} Nederland B.V."))},
}
_LEGAL_SUFFIX = {"US": " Inc.", "GB": " Ltd", "DE": " GmbH", "FR": " SARL", "NL": " B.V.", "ES": " S.L."}


def till_receipt_de(ctx: Ctx) -> None:
    """German/Dutch till receipt (supermarket, bakery, drugstore): brand header (legal name small at the
    bottom), EUR column, items with VAT letters, 'Summe EUR', Bar/Gegeben/Rückgeld or card slip, MwSt table
    A/B, Bon-Nr. with date and time at the bottom and the TSE signature block (Germany)."""
    d, r = ctx.doc, ctx.rng
    country = d.locale.country
    fake = faker_for(d.locale, r.getrandbits(32))
    table = _TILL_BRANDS.get(ctx.lang)
    dom = d.domain if d.domain in ("grocery", "cafe", "pharmacy") else "grocery"
    if table is not None:
        header_pat, legal_pat = r.choice(table[dom])
        b = brand(r)
        s_ = fake.last_name()
        header = header_pat.replace("{B}", b.upper()).replace("{b}", b).replace("{s}", s_)
        legal = legal_pat.replace("{b}", b).replace("{s}", s_)
    else:
        header = store_vendor(ctx, dom).name
        legal = header + _LEGAL_SUFFIX[country]
    header, legal = ctx.clean(header), ctx.clean(legal)
    full_on_top = r.random() < 0.3
    name = legal if full_on_top else header
    ctx.doc = d = replace(d, vendor=replace(d.vendor, name=name))
    ro = Roll(ctx)
    upper_items = r.random() < 0.5
    big = r.choice((1.6, 1.9, 2.2)) if not full_on_top else 1.3
    lines = ctx.wrap(name, ro.width, ro.size * big, "bold")
    for seg in ctx.field_lines("vendor_name", lines, name):
        ro.line(center=[seg], kind="bold", size=ro.size * big)
    addr_top = r.random() < 0.7
    if addr_top:
        addr = [part for ln in d.vendor.address_lines for part in ctx.wrap(ln, ro.width)]
        for seg in ctx.field_lines("vendor_address", addr, ", ".join(d.vendor.address_lines)):
            ro.line(center=[seg])
        if d.vendor.phone and r.random() < 0.6:
            ro.line(center=f"{ctx.t('phone')} {d.vendor.phone}")
    if r.random() < 0.5:
        ro.line(center=f"{_pick(ctx, _R['branch'])} {d.extra['store_no']}")
    ro.space(0.6)
    if r.random() < 0.6:
        ro.line(None, [ctx.currency_mark(code=True)])
    _item_lines(ro, style=r.choice(("single", "qty_below", "qty_above")), codes=True, qty_prefix_upper=upper_items)
    ro.rule(r.choice(("-", "line", "=")))
    # total: "Summe EUR 12,34" (the code printed in the label is the currency when no column head has it)
    label = _pick(ctx, _R["total"])
    size = ro.size * r.choice((1.2, 1.4, 1.6))
    segs: list[Segment]
    if " EUR" in label and d.currency == "EUR":
        base = label.replace(" EUR", "")
        cur = ctx.currency_mark(code=True) if "currency" not in ctx.fields else ("EUR", None)
        left_segs: list[Segment] = [(base + " ", None), cur]
        segs = ctx.money(d.total, name="total", currency=False)
    else:
        left_segs = [(label.replace(" EUR", ""), None)]
        segs = ctx.money(d.total, name="total", currency=r.random() < 0.4, currency_field=True)
    ltxt = "".join(t for t, _ in left_segs)
    if ro.fits(ltxt, "".join(t for t, _ in segs), size, "bold"):
        ro.line(left_segs, segs, kind="bold", size=size)
    else:
        ro.line(left_segs, kind="bold", size=size)
        ro.line(None, segs, kind="bold", size=size)
    if r.random() < 0.4:
        count = sum(int(i.quantity) if i.quantity == int(i.quantity) else 1 for i in d.items)
        ro.line(f"{_pick(ctx, _R['count'])}: {count}", size=ro.size * 0.9)
    ro.space(0.3)
    x = d.extra
    if x["payment"] == "cash" and "tendered" in x:
        ro.line(_pick(ctx, _R["cash"]), ctx.money(x["tendered"], currency=False))
        ro.line(_pick(ctx, _R["change"]), ctx.money(x["change"], currency=False))
        card = False
    else:
        ro.line(_pick(ctx, _R["card"]), ctx.money(d.total, currency=False))
        card = True
    ro.space(0.6)
    _vat_table(ro, header=True)
    ro.space(0.6)
    # bon number, till, staff, date and time at the bottom
    time_text = format_time(x["hour"], x["minute"], "24", x["second"] if r.random() < 0.5 else None)
    date_seg = ctx.field("invoice_date", ctx.date(d.issue_date), d.issue_date.isoformat())
    num = ctx.field("invoice_number", d.number, d.number)
    rlabel = _pick(ctx, _R["receipt_no"])
    till = f"{_pick(ctx, _R['till'])} {x['register']}"
    staff = f"{_pick(ctx, _R['staff'])} {x['cashier'] if r.random() < 0.5 else r.randint(1, 99)}"
    if r.random() < 0.5 and ro.fits(f"{date_seg[0]} {time_text}", f"{rlabel} {d.number}"):
        ro.line([date_seg, (" " + time_text, None)], [(rlabel + " ", None), num])
        ro.line(till, staff)
    else:
        ro.line([(rlabel + " ", None), num] if ro.fits(f"{rlabel} {d.number}", "") else [num])
        ro.line(till, staff) if ro.fits(till, staff) else ro.line(till)
        ro.line([date_seg], time_text)
    if card:
        ro.space(0.5)
        s = ro.size * 0.9
        ro.line(center=_pick(ctx, _R["card_slip"]), kind="bold", size=s)
        ro.line(f"Terminal-ID {x['terminal']}", size=s)
        ro.line(f"TA-Nr. {r.randint(100, 999999):06d}  {'BNr.' if ctx.lang == 'de' else 'Nr.'} {r.randint(1, 9999)}",
                size=s)
        ro.line(f"************{x['card_last4']}", size=s)
        ro.line(ctx.clean(f"{d.currency} {d.money.number.format(d.total)}"), size=s)
        ro.line(center=_pick(ctx, _R["approved"]), size=s)
    if country == "DE" or (ctx.lang == "de" and r.random() < 0.5):
        _tse_block(ro, d.issue_date)
    ro.space(0.5)
    for ln in ctx.wrap(_pick(ctx, _R["thanks"]), ro.width):
        ro.line(center=ln)
    if r.random() < 0.5:
        for ln in ctx.wrap(_pick(ctx, _R["keep"]), ro.width, ro.size * 0.9):
            ro.line(center=ln, size=ro.size * 0.9)
    # legal name, address (when not on top) and tax ids in small type
    ro.space(0.4)
    s = ro.size * 0.85
    if not full_on_top:
        for ln in ctx.wrap(legal, ro.width, s):
            ro.line(center=ln, size=s)
    if not addr_top:
        addr = [part for ln in d.vendor.address_lines for part in ctx.wrap(ln, ro.width, s)]
        for seg in ctx.field_lines("vendor_address", addr, ", ".join(d.vendor.address_lines)):
            ro.line(center=[seg], size=s)
    if d.vendor.vat_id and country != "US":
        vat = ctx.vendor_vat()
        assert vat is not None
        vl = ctx.label("vat_id")
        if ctx.width(f"{vl} {vat[0]}", s) <= ro.width:
            ro.line(center=[(vl + " ", None), vat], size=s)
        else:
            ro.line(center=vl, size=s)
            ro.line(center=[vat], size=s)
    if country == "DE" and r.random() < 0.5:
        ro.line(center=f"St.-Nr. {x['tax_no']}", size=s)
    elif country == "NL" and r.random() < 0.5:
        ro.line(center=f"KvK {x['kvk']}", size=s)
    if r.random() < 0.4:
        ro.space(0.3)
        ro.barcode() if r.random() < 0.6 else ro.qr(44)
    ro.finish()


def _tse_block(ro: Roll, day: date) -> None:
    """The KassenSichV block: TSE transaction, signature counter, start/stop, serials, signature."""
    ctx = ro.ctx
    r = ctx.rng
    x = ctx.doc.extra
    s = ro.size * 0.8
    start = f"{day.isoformat()}T{x['hour']:02d}:{x['minute']:02d}:{x['second']:02d}.000"
    stop_s = (x["second"] + r.randint(5, 50)) % 60
    stop = f"{day.isoformat()}T{x['hour']:02d}:{x['minute']:02d}:{stop_s:02d}.000"
    serial = "".join(r.choice("0123456789abcdef") for _ in range(r.choice((32, 64))))
    sig = base64.b64encode(bytes(r.getrandbits(8) for _ in range(r.choice((48, 64))))).decode()
    rows = [("TSE-Transaktion", str(r.randint(1000, 999999))), ("TSE-Signaturzähler", str(r.randint(1000, 9999999))),
            ("TSE-Start", start), ("TSE-Stop", stop),
            ("Kassen-Seriennummer", _code(r, r.choice(("LL########", "########-####", "XXXXXXXXXX"))))]
    if r.random() < 0.6:
        rows.append(("TSE-Zeitformat", r.choice(("unixTime", "utcTime"))))
        rows.append(("TSE-Hashalgorithmus", "ecdsa-plain-SHA384"))
    ro.space(0.4)
    if r.random() < 0.5:
        ro.line(center="TSE-Daten", kind="bold", size=s)
    for label, value in rows:
        if ro.fits(label + ":", value, s):
            ro.line(f"{label}:", value, size=s)
        else:
            ro.line(f"{label}:", size=s)
            ro.line(None, value, size=s)
    for label, value in (("TSE-Seriennummer", serial), ("TSE-Signatur", sig)):
        ro.line(f"{label}:", size=s)
        for part in ctx.wrap(value, ro.width, s):
            ro.line(part, size=s)


# ================================================================================================ registry


def _theme(body: tuple[str, ...], head: tuple[str, ...] | None = None,
           **kw: object) -> Callable[[random.Random, str], Theme]:
    def make(rng: random.Random, lang: str) -> Theme:
        return make_theme(rng, body, head, lang=lang, **kw)  # type: ignore[arg-type]

    return make


def _iopts(**kw: object) -> ContentOptions:
    base: dict[str, object] = {"kind": "invoice"}
    base.update(kw)
    return ContentOptions(**base)  # type: ignore[arg-type]


FAMILIES: tuple[Family, ...] = (
    Family("travel_ticket", "invoice", "online rail/bus/air ticket that is also the invoice: big ticket/route "
           "header, journey table, 2D code, fare with VAT, carrier only as logo text and in the legal footer",
           travel_ticket, _theme(("sans", "condensed"), ("sans",), size=(8, 9.5)),
           _iopts(domains=("services",), min_items=1, max_items=1, customer=True, ship_to_share=0.0,
                  foreign_currency_share=0.0), "A4", ("de-DE", "fr-FR", "nl-NL")),
    Family("marketplace_order_invoice", "invoice", "marketplace invoice: platform brand on top, 'sold by' seller "
           "block, order number, billing/delivery addresses, items with ASIN/SKU lines, shipping, VAT",
           marketplace_order_invoice, _theme(("sans",), ("sans", "condensed"), size=(7.5, 9)),
           _iopts(domains=("office", "it", "hardware", "fashion"), min_items=1, max_items=9, ship_to_share=0.5,
                  details_share=0.0, discount_share=0.0, foreign_currency_share=0.0), "locale",
           ("de-DE", "en-GB", "fr-FR")),
    Family("energy_telecom_bill", "invoice", "European energy/telecom bill: window address, customer/contract/meter "
           "numbers, billing period, summary of previous balance, payments and amount due, charges table",
           energy_telecom_bill, _theme(("sans", "condensed"), ("sans",), size=(8, 9.5)),
           _iopts(domains=("utility",), min_items=3, max_items=10, details_share=0.1, multi_rate_share=0.0,
                  ship_to_share=0.0, discount_share=0.0, foreign_currency_share=0.0), "A4",
           ("de-DE", "nl-NL", "fr-FR")),
    Family("saas_subscription", "invoice", "subscription invoice of an online service (Stripe/Paddle style): "
           "Invoice number / Date of issue / Date due, Bill to, '$X due <date>', service periods under lines",
           saas_subscription, _theme(("sans",), ("sans",), size=(8, 9.5), colourful=0.6),
           _iopts(domains=("software",), min_items=1, max_items=3, ship_to_share=0.0, discount_share=0.0,
                  multi_rate_share=0.0, foreign_currency_share=0.25), "locale", ("en-US", "en-GB")),
    Family("till_receipt_de", "receipt", "German/Dutch supermarket, bakery or drugstore till receipt: brand header, "
           "Summe EUR, Bar/Rückgeld or card slip, MwSt table A/B, Bon-Nr. at the bottom, TSE signature block",
           till_receipt_de, _theme(("mono", "sans", "condensed"), None, size=(7, 8.5), leading=(1.15, 1.35),
                                   colourful=0.0),
           ContentOptions(kind="receipt", domains=("grocery", "cafe", "pharmacy"), customer=False, min_items=2,
                          max_items=18, details_share=0.05, discount_share=0.0, multi_rate_share=0.6,
                          foreign_currency_share=0.0), "roll", ("de-DE", "nl-NL")),
)
