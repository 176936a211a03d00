"""Receipt layout families: till rolls (58/80 mm), tickets and a hotel folio."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from invoicer.synth.content import ContentOptions, DocContent, Item, Party, TaxLine, brand
from invoicer.synth.layouts.base import (
    Ctx,
    Family,
    Theme,
    decimal_value,
    logo,
    make_theme,
    money_value,
)
from invoicer.synth.locales import format_time, q2
from invoicer.synth.render import Segment

WHITE = (1.0, 1.0, 1.0)

_STORE_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "grocery": {"en": ("{surname}'s Market", "FreshWay Supermarket", "{brand} Foods", "{city} Grocery"),
                "de": ("{surname} Markt", "Frischemarkt {surname}", "{brand}-Markt", "Nahversorger {surname}"),
                "fr": ("Marché {surname}", "Épicerie {surname}", "Supermarché {brand}", "{brand} Market"),
                "nl": ("Supermarkt {surname}", "{brand} Supermarkt", "Buurtsuper {surname}"),
                "es": ("Supermercado {surname}", "Alimentación {surname}", "Supermercados {brand}")},
    "restaurant": {"en": ("The {brand} Kitchen", "{surname}'s Grill", "The Old {noun}", "{brand} Bistro"),
                   "de": ("Gasthaus {surname}", "Restaurant Zum {noun}", "Wirtshaus {brand}", "Trattoria {brand}"),
                   "fr": ("Brasserie {surname}", "Le Petit {noun}", "Bistrot {brand}", "Restaurant {surname}"),
                   "nl": ("Eetcafé {surname}", "Restaurant De {noun}", "Brasserie {brand}"),
                   "es": ("Restaurante {surname}", "Mesón {surname}", "Bar {brand}", "Taberna {brand}")},
    "cafe": {"en": ("{brand} Coffee", "{surname} Coffee House", "Café {brand}"),
             "de": ("Café {brand}", "Bäckerei-Café {surname}", "Kaffeehaus {surname}"),
             "fr": ("Café {brand}", "Boulangerie {surname}", "Salon de thé {brand}"),
             "nl": ("Koffiehuis {brand}", "Café {surname}", "Lunchroom {brand}"),
             "es": ("Cafetería {brand}", "Café {surname}", "Panadería {surname}")},
    "pharmacy": {"en": ("{surname} Pharmacy", "{city} Chemist", "{brand} Drugstore"),
                 "de": ("Apotheke am {street}", "{brand}-Apotheke", "Stadt-Apotheke {city}"),
                 "fr": ("Pharmacie {surname}", "Pharmacie du {noun}", "Grande Pharmacie {brand}"),
                 "nl": ("Apotheek {surname}", "Drogisterij {brand}"),
                 "es": ("Farmacia {surname}", "Farmacia {brand}")},
    "fuel_shop": {"en": ("{brand} Fuel", "{brand} Gas & Go", "{city} Service Station"),
                  "de": ("{brand} Tankstelle", "Tankstelle {surname}", "{brand} Station"),
                  "fr": ("Station {brand}", "Relais {brand}"),
                  "nl": ("Tankstation {brand}", "{brand} Tank"),
                  "es": ("Gasolinera {brand}", "Estación de servicio {brand}")},
    "hardware": {"en": ("{surname} Hardware", "{brand} DIY", "{city} Home & Garden"),
                 "de": ("Baumarkt {surname}", "{brand} Heimwerker", "Eisenwaren {surname}"),
                 "fr": ("Bricolage {surname}", "Quincaillerie {brand}"),
                 "nl": ("Bouwmarkt {surname}", "Doe-het-zelf {brand}"),
                 "es": ("Ferretería {surname}", "Bricolaje {brand}")},
    "fashion": {"en": ("{brand} Boutique", "{brand} Fashion", "{surname} & Co"),
                "de": ("Mode {surname}", "{brand} Fashion Store", "Boutique {brand}"),
                "fr": ("Boutique {brand}", "Mode {surname}"),
                "nl": ("Modehuis {surname}", "{brand} Fashion"),
                "es": ("Moda {brand}", "Boutique {surname}")},
    "fastfood": {"en": ("{brand} Burger", "{brand} Express", "{brand} Grill"),
                 "de": ("{brand} Burger", "Imbiss {surname}", "{brand} Döner"),
                 "fr": ("{brand} Burger", "Snack {brand}"),
                 "nl": ("Snackbar {surname}", "Cafetaria {brand}", "{brand} Burger"),
                 "es": ("{brand} Burger", "Bocatería {brand}")},
    "taxi": {"en": ("{city} Cabs", "{brand} Taxi", "Taxi {city}"),
             "de": ("Taxi {city}", "Taxi-Zentrale {city}", "Taxibetrieb {surname}"),
             "fr": ("Taxis {city}", "Taxi {surname}"),
             "nl": ("Taxi {city}", "Taxicentrale {brand}"),
             "es": ("Radio Taxi {city}", "Taxi {surname}")},
    "parking": {"en": ("{city} Parking", "{brand} Car Park"),
                "de": ("Parkhaus {street}", "Tiefgarage {brand}"),
                "fr": ("Parking {brand}", "Parc de stationnement {street}"),
                "nl": ("Parkeergarage {brand}", "P+R {city}"),
                "es": ("Aparcamiento {street}", "Parking {brand}")},
    "hotel": {"en": ("Hotel {brand}", "The {surname} Hotel", "{city} Grand Hotel"),
              "de": ("Hotel {brand}", "Hotel zur {noun}", "Landhotel {surname}"),
              "fr": ("Hôtel {brand}", "Hôtel du {noun}"),
              "nl": ("Hotel {brand}", "Hotel De {noun}"),
              "es": ("Hotel {brand}", "Hostal {surname}")},
}
_TAGLINES: dict[str, tuple[str, ...]] = {
    "en": ("Fresh every day", "Since 1978", "Quality you can taste", "Restaurant & Bar", "Your local store",
           "Coffee & Bakery", "Family owned", "The original", "Eat well, live well"),
    "de": ("Echte Vielfalt.", "Seit 1924", "Ihr Partner vor Ort", "Frisch & lecker", "Das Original",
           "Restaurant & Bar", "Genuss mit Tradition", "Das Hamburger Restaurant", "Pizza e Pasta"),
    "fr": ("Depuis 1952", "Fait maison", "Le goût du frais", "Restaurant & Bar", "Votre commerce de proximité"),
    "nl": ("Sinds 1961", "Altijd vers", "Uw buurtwinkel", "Eten & drinken", "Gewoon lekker"),
    "es": ("Desde 1965", "Calidad y tradición", "Cocina casera", "Tu tienda de barrio", "Siempre fresco"),
}
_NOUNS = {"en": ("Anchor", "Oak", "Lantern", "Harbour", "Mill"), "de": ("Anker", "Hirschen", "Löwen", "Adler"),
          "fr": ("Marché", "Port", "Moulin", "Parc"), "nl": ("Molen", "Haven", "Zwaan", "Linde"),
          "es": ("Puerto", "Molino", "Olivo", "Toro")}


def store_vendor(ctx: Ctx, domain: str) -> Party:
    """The vendor renamed to look like a shop of ``domain`` (keeps address and ids)."""
    from invoicer.synth.content import faker_for

    v = ctx.doc.vendor
    fake = faker_for(ctx.doc.locale, ctx.rng.getrandbits(32))
    pattern = ctx.rng.choice(_STORE_NAMES[domain][ctx.lang])
    name = (pattern.replace("{surname}", fake.last_name()).replace("{brand}", brand(ctx.rng))
            .replace("{city}", v.city_line.split()[-1] if v.city_line.split() else fake.city())
            .replace("{street}", (v.street[0].split()[0] if v.street else "Markt"))
            .replace("{noun}", ctx.rng.choice(_NOUNS[ctx.lang])))
    return replace(v, name=ctx.clean(name))


class Roll:
    """Line-by-line writer on a till roll (one sheet that grows; its height is cut at :meth:`finish`)."""

    def __init__(self, ctx: Ctx, *, margin: float | None = None, mono: bool | None = None,
                 size: float | None = None) -> None:
        self.ctx = ctx
        w, _ = ctx.page_size
        self.sheet = ctx.new_sheet(w, 4000.0)
        self.size = size or ctx.theme.size
        self.margin = margin if margin is not None else max(6.0, w * 0.05)
        self.x0, self.x1 = self.margin, w - self.margin
        self.pitch = self.size * ctx.theme.leading
        self.y = self.margin + self.size + ctx.rng.uniform(4, 18)
        self.mono = ctx.theme.body.monospace if mono is None else mono
        self.cols = int((self.x1 - self.x0) / max(ctx.width("0", self.size), 0.1))

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def line(self, left: str | Sequence[Segment] | None = None, right: str | Sequence[Segment] | None = None, *,
             center: str | Sequence[Segment] | None = None, kind: str = "regular", size: float | None = None,
             indent: float = 0.0, gap: float = 1.0, color: tuple[float, float, float] | None = None) -> None:
        s = size or self.size
        ctx = self.ctx
        if left is not None and right is not None:
            lt = left if isinstance(left, str) else "".join(t for t, _ in left)
            rt = right if isinstance(right, str) else "".join(t for t, _ in right)
            if ctx.width(lt, s, kind) + indent + ctx.width(rt, s, kind) + ctx.width("  ", s) > self.width:
                self.line(left, None, kind=kind, size=size, indent=indent, gap=gap, color=color)
                left = None
        if s > self.size:  # a bigger line needs room above its baseline too
            self.y += (s - self.size) * 1.1
        if center is not None:
            ctx.txt((self.x0 + self.x1) / 2, self.y, center, kind=kind, size=s, align="center", color=color)
        if left is not None:
            ctx.txt(self.x0 + indent, self.y, left, kind=kind, size=s, color=color)
        if right is not None:
            ctx.txt(self.x1, self.y, right, kind=kind, size=s, align="right", color=color)
        self.y += s * ctx.theme.leading * gap

    def fits(self, left: str, right: str, size: float | None = None, kind: str = "regular") -> bool:
        s = size or self.size
        return self.ctx.width(left, s, kind) + self.ctx.width(right, s, kind) + self.ctx.width("   ", s) <= self.width

    def clip(self, text: str, room: float, size: float | None = None) -> str:
        """``text`` cut to fit ``room`` points (receipt printers truncate item names)."""
        s = size or self.size
        while text and self.ctx.width(text, s) > room:
            text = text[:-1]
        return text.rstrip()

    def rule(self, style: str | None = None) -> None:
        style = style or self.ctx.rng.choice(("-", "=", "line", "dash", "*"))
        if style in ("-", "=", "*"):
            n = max(4, int(self.width / self.ctx.width(style, self.size)))
            self.ctx.txt(self.x0, self.y, style * n, size=self.size)
        elif style == "line":
            yy = self.y - self.size * 0.6
            self.sheet.line(self.x0, yy, self.x1, yy, self.ctx.theme.text, 0.6)
        else:
            self.sheet.line(self.x0, self.y - self.size * 0.6, self.x1, self.y - self.size * 0.6, self.ctx.theme.text,
                            0.6, dash=(2, 2))
        self.y += self.pitch * 0.9

    def space(self, k: float = 0.5) -> None:
        self.y += self.pitch * k

    def barcode(self, height: float = 26.0) -> None:
        r = self.ctx.rng
        w = min(self.width * 0.8, 150)
        x = (self.x0 + self.x1 - w) / 2
        xx = x
        while xx < x + w:
            bw = r.choice((0.6, 0.6, 1.2, 1.8))
            self.sheet.rect(xx, self.y, bw, height, fill=self.ctx.theme.text)
            xx += bw + r.choice((0.6, 1.2, 1.8))
        self.y += height + self.pitch

    def qr(self, size: float = 48.0) -> None:
        r = self.ctx.rng
        x = (self.x0 + self.x1 - size) / 2
        n = 21
        cell = size / n
        for i in range(n):
            for j in range(n):
                finder = (i < 7 and j < 7) or (i < 7 and j >= n - 7) or (i >= n - 7 and j < 7)
                on = ((i in (0, 6) or j in (0, 6) or (2 <= i <= 4 and 2 <= j <= 4)) if finder else r.random() < 0.5)
                if finder and (i >= n - 7 or j >= n - 7):
                    ii, jj = i % (n - 7) if i >= n - 7 else i, j % (n - 7) if j >= n - 7 else j
                    on = ii in (0, 6) or jj in (0, 6) or (2 <= ii <= 4 and 2 <= jj <= 4)
                if on:
                    self.sheet.rect(x + j * cell, self.y + i * cell, cell, cell, fill=self.ctx.theme.text)
        self.y += size + self.pitch

    def finish(self) -> None:
        self.sheet.height = round(self.y + self.margin + self.ctx.rng.uniform(6, 30), 2)


# ---------------------------------------------------------------------------------------------- shared receipt parts


def _header(ro: Roll, *, upper: bool = False, logo_mark: bool = False, tax_id: bool = True, big: float = 1.4,
            contact: bool = True) -> None:
    ctx = ro.ctx
    d = ctx.doc
    v = d.vendor
    if logo_mark:
        size = min(40.0, ro.width * 0.25)
        logo(ctx, (ro.x0 + ro.x1 - size) / 2, ro.y - ro.size, size)
        ro.y += size + 4
    name = v.name.upper() if upper else v.name
    size = ro.size * big
    lines = ctx.wrap(name, ro.width, size, "bold")
    for seg in ctx.field_lines("vendor_name", lines, name):
        ro.line(center=[seg], kind="bold", size=size)
    if ctx.rng.random() < 0.3:  # a tagline under the name is not part of it
        tagline = ctx.clean(ctx.rng.choice(_TAGLINES.get(ctx.lang) or _TAGLINES["en"]))
        tsize = ro.size * ctx.rng.choice((0.9, 1.0, 1.15))
        ro.line(center=tagline.upper() if upper or ctx.rng.random() < 0.4 else tagline,
                kind=ctx.rng.choice(("regular", "bold")), size=tsize)
    addr = [ln.upper() if upper else ln for ln in v.address_lines]
    addr_lines = [part for ln in addr for part in ctx.wrap(ln, ro.width)]
    for seg in ctx.field_lines("vendor_address", addr_lines, ", ".join(addr)):
        ro.line(center=[seg])
    if contact and v.phone:
        ro.line(center=f"{ctx.t('phone')} {v.phone}")
    if tax_id and v.vat_id and d.locale.country != "US":
        vat_seg = ctx.vendor_vat()
        assert vat_seg is not None
        label = ctx.label("vat_id")
        if ctx.width(label + " " + vat_seg[0]) > ro.width:
            ro.line(center=label)
            ro.line(center=[vat_seg])
        else:
            ro.line(center=[(label + " ", None), vat_seg])
    ro.space(0.6)


def _date_time_line(ro: Roll, *, number: bool = True, split: bool | None = None) -> None:
    """Date and time (and the receipt number) as till printers put them."""
    ctx = ro.ctx
    d = ctx.doc
    x = d.extra
    date_text = ctx.date(d.issue_date)
    time_text = format_time(x["hour"], x["minute"], d.locale.time_format,
                            x["second"] if ctx.rng.random() < 0.4 else None)
    date_seg = ctx.field("invoice_date", date_text, d.issue_date.isoformat())
    split = split if split is not None else ctx.rng.random() < 0.5
    if split or not ro.fits(date_text + " " + time_text, ""):
        ro.line([date_seg], time_text)
    else:
        ro.line([date_seg, (" " + time_text, None)])
    if number:
        label = ctx.label("receipt_number")
        num = ctx.field("invoice_number", d.number, d.number)
        if ro.fits(label, d.number):
            ro.line(label, [num])
        else:
            ro.line(label)
            ro.line(None, [num])


def _item_lines(ro: Roll, *, style: str, codes: bool, gross: bool = True, qty_prefix_upper: bool = False,
                name_room: float | None = None) -> None:
    """Item rows: 'single' (name ... amount), 'qty_below' (name ... amount, then '2 x 1,99'),
    'qty_above' ('2 x 1,99' line first), 'prefix' ('2 Cappuccino ... 7,00')."""
    ctx = ro.ctx
    d = ctx.doc
    n = d.money.number
    code_w = ctx.width(" A", ro.size) if codes else 0.0
    for idx, it in enumerate(d.items):
        amount = ctx.cell("amount", idx, ctx.num(it.amount), money_value(it.amount))
        right: list[Segment] = [amount]
        if codes and it.tax_code:
            right += [(" ", None), ctx.cell("tax_rate", idx, it.tax_code, decimal_value(it.tax_rate))]
        amount_w = ctx.width(amount[0] + "  ", ro.size) + code_w
        room = name_room or (ro.width - amount_w)
        several = it.quantity != 1
        qty_text = ctx.qty(it.quantity)
        price_text = n.format(it.unit_price, it.price_places)
        if style == "prefix":
            q = ctx.cell("quantity", idx, qty_text, decimal_value(it.quantity))
            name = ro.clip(it.description, room - ctx.width(qty_text + "  ", ro.size))
            name = name.upper() if qty_prefix_upper else name
            desc = ctx.cell("description", idx, name, name)
            ro.line([q, ("  ", None), desc], right)
            for det in it.details:
                ro.line(ro.clip(det, ro.width - 12), indent=12, size=ro.size * 0.9)
            continue
        name = ro.clip(it.description, room)
        name = name.upper() if qty_prefix_upper else name
        details = [ro.clip(det, ro.width - 12) for det in it.details]
        qline: list[Segment] | None = None
        if several or ctx.rng.random() < 0.15:
            unit = f" {it.unit}" if it.unit.lower() in ("kg", "lb", "l", "m") else ""
            qline = [ctx.cell("quantity", idx, qty_text, decimal_value(it.quantity)), (f"{unit} x ", None),
                     ctx.cell("unit_price", idx, price_text, format(it.unit_price, "f"))]
            if unit:
                qline.append((f" {d.money.marker}/{it.unit}" if ctx.rng.random() < 0.5 else "", None))
        if style == "qty_above" and qline:
            ro.line(qline, indent=0)
        desc_lines = [name, *details]
        segs = ctx.cell_lines("description", idx, desc_lines, " ".join(desc_lines))
        ro.line([segs[0]], right)
        for seg in segs[1:]:
            ro.line([seg], indent=12, size=ro.size * 0.9)
        if style != "qty_above" and qline:
            ro.line(qline, indent=ctx.width("  ", ro.size))


def _vat_table(ro: Roll, *, tag: bool = True, header: bool = True, sum_row: bool | None = None) -> None:
    """Per-rate VAT table: code/rate | net | tax | gross; tags subtotal/tax when it names them once."""
    ctx = ro.ctx
    d = ctx.doc
    n = d.money.number
    lines = d.tax_lines
    single = len(lines) == 1
    sum_row = (not single and ctx.rng.random() < 0.5) if sum_row is None else sum_row
    s = ro.size * 0.95
    first = max(ctx.width(f"{tl.code or ''} {n.format_rate(tl.rate)}%", s) for tl in lines) + ctx.width("  ", s)
    w = (ro.width - first) / 3
    xs = [ro.x0 + first] + [ro.x0 + first + w * (k + 1) for k in range(3)]
    if header:
        heads = (ctx.t("vat_table_rate"), ctx.t("vat_table_net"), ctx.t("vat_table_tax"), ctx.t("vat_table_gross"))
        for k, (x, h) in enumerate(zip(xs, heads, strict=True)):
            room = (first if k == 0 else w) - ctx.width(" ", s)
            h = ro.clip(h, room, s)
            if h:
                ctx.txt(x, ro.y, h, size=s, align="right")
        ro.y += ro.pitch
    for tl in lines:
        rate = f"{tl.code + ' ' if tl.code else ''}{n.format_rate(tl.rate)}%"
        net = [ctx.field("subtotal", n.format(tl.base), money_value(tl.base))] if (tag and single) else [
            (n.format(tl.base), None)]
        tax = [ctx.field("tax_total", n.format(tl.tax), money_value(tl.tax))] if (tag and single) else [
            (n.format(tl.tax), None)]
        for x, segs in zip(xs, ([(rate, None)], net, tax, [(n.format(tl.gross), None)]), strict=True):
            ctx.txt(x, ro.y, segs, size=s, align="right")
        ro.y += ro.pitch
    if sum_row:
        net = [ctx.field("subtotal", n.format(d.subtotal), money_value(d.subtotal))] if tag else [
            (n.format(d.subtotal), None)]
        tax = [ctx.field("tax_total", n.format(d.tax_total), money_value(d.tax_total))] if tag else [
            (n.format(d.tax_total), None)]
        label = {"en": "Total", "de": "Summe", "fr": "Total", "nl": "Totaal", "es": "Total"}[ctx.lang]
        ctx.txt(ro.x0, ro.y, ro.clip(label, first, s), size=s)
        for x, segs in zip(xs[1:], (net, tax, [(n.format(d.total), None)]), strict=True):
            ctx.txt(x, ro.y, segs, size=s, align="right")
        ro.y += ro.pitch


def _total_line(ro: Roll, *, big: float = 1.3, key: str = "receipt_total", upper: bool = False,
                currency: bool = True) -> None:
    ctx = ro.ctx
    d = ctx.doc
    label = ctx.label(key, colon=ctx.rng.random() < 0.4)
    label = label.upper() if upper else label
    segs = ctx.money(d.total, name="total", currency=currency, currency_field=True)
    size = ro.size * big
    if ro.fits(label, "".join(t for t, _ in segs), size, "bold"):
        ro.line(label, segs, kind="bold", size=size)
    else:
        ro.line(label, kind="bold", size=size)
        ro.line(None, segs, kind="bold", size=size)


def _payment(ro: Roll) -> None:
    ctx = ro.ctx
    d = ctx.doc
    x = d.extra
    if x["payment"] == "cash" and "tendered" in x:
        ro.line(ctx.t("cash"), ctx.money(x["tendered"], currency=False))
        ro.line(ctx.t("change"), ctx.money(x["change"], currency=False))
    else:
        ro.line(ctx.t("card"), ctx.money(d.total, currency=False))
        if ctx.rng.random() < 0.7:
            ro.line(f"************{x['card_last4']}", size=ro.size * 0.9)
            ro.line(f"Auth {x['auth']}  TID {x['terminal']}", size=ro.size * 0.9)


def _footer(ro: Roll, *, thanks: bool = True, barcode: bool | None = None, returns: bool | None = None) -> None:
    ctx = ro.ctx
    r = ctx.rng
    ro.space(0.5)
    if returns if returns is not None else r.random() < 0.3:
        for ln in ctx.wrap(ctx.t("returns"), ro.width, ro.size * 0.9):
            ro.line(center=ln, size=ro.size * 0.9)
    if thanks:
        for ln in ctx.wrap(ctx.t("receipt_thanks"), ro.width, ro.size):
            ro.line(center=ln)
    if barcode if barcode is not None else r.random() < 0.4:
        ro.space(0.3)
        ro.barcode() if r.random() < 0.7 else ro.qr()


def _cashier_line(ro: Roll, *, table: bool = False) -> None:
    ctx = ro.ctx
    x = ctx.doc.extra
    parts = [f"{ctx.t('register')} {x['register']}", f"{ctx.t('cashier')}: {x['cashier']}"]
    if table:
        parts = [f"{ctx.t('table')} {x['table']}", f"{ctx.t('guests')}: {x['guests']}"]
    text = "  ".join(parts)
    if ro.fits(text, ""):
        ro.line(text)
    else:
        for p in parts:
            ro.line(p)


# ---------------------------------------------------------------------------------------------- families


def supermarket(ctx: Ctx) -> None:
    """Supermarket till roll (monospaced): items with VAT codes, SUMME, payment, VAT table, barcode."""
    ctx.doc = replace(ctx.doc, vendor=store_vendor(ctx, "grocery"))
    ro = Roll(ctx)
    r = ctx.rng
    upper = r.random() < 0.5
    _header(ro, upper=upper, big=r.choice((1.0, 1.3, 1.6)))
    if r.random() < 0.4:
        ro.line(None, [ctx.currency_mark()])
    _item_lines(ro, style=r.choice(("single", "qty_below", "qty_above")), codes=True, qty_prefix_upper=upper)
    ro.rule()
    _total_line(ro, upper=upper)
    ro.rule(r.choice(("=", "-", "line")))
    _payment(ro)
    ro.space(0.6)
    _vat_table(ro)
    ro.space(0.6)
    _cashier_line(ro)
    _date_time_line(ro)
    _footer(ro, barcode=r.random() < 0.6)
    ro.finish()


def restaurant_bill(ctx: Ctx) -> None:
    """Restaurant bill: table/server/guests, items with quantities, subtotal/tax/total, tip and signature."""
    ctx.doc = replace(ctx.doc, vendor=store_vendor(ctx, "restaurant"))
    ro = Roll(ctx)
    r = ctx.rng
    d = ctx.doc
    _header(ro, logo_mark=r.random() < 0.4, big=1.5)
    _cashier_line(ro, table=True)
    ro.line(f"{ctx.t('server')}: {d.extra['cashier']}")
    _date_time_line(ro, split=True)
    ro.rule()
    _item_lines(ro, style="prefix", codes=False)
    ro.rule("line")
    if d.prices_gross:
        _total_line(ro, big=1.3)
        ro.space(0.3)
        incl = ctx.t("vat_incl")
        for tl in d.tax_lines:
            ro.line(f"{incl} {d.money.number.format_rate(tl.rate)}%", ctx.money(tl.tax, currency=False),
                    size=ro.size * 0.9)
    else:
        ro.line(ctx.label("subtotal"), ctx.money(d.subtotal, name="subtotal", currency=False))
        tl = d.tax_lines[0]
        ro.line(ctx.label("tax", rate=d.money.number.format_rate(tl.rate)),
                ctx.money(d.tax_total, name="tax_total", currency=False))
        _total_line(ro, big=1.3)
    ro.space(0.5)
    if r.random() < 0.6:
        ro.line(ctx.label("tip"), "______")
        ro.line(ctx.label("receipt_total"), "______")
        ro.space(0.8)
        ro.line(ctx.label("signature"), "________________")
    _footer(ro, barcode=False)
    ro.finish()


def fuel_station(ctx: Ctx) -> None:
    """Fuel station receipt: pump number, litres x price per litre (3 decimals), shop items, card slip."""
    d = ctx.doc
    r = ctx.rng
    fuels = {"en": ("Unleaded 95", "Diesel", "Super Unleaded"), "de": ("Super E10", "Super E5", "Diesel"),
             "fr": ("SP95-E10", "Gazole", "SP98"), "nl": ("Euro 95 E10", "Diesel", "Super Plus 98"),
             "es": ("Sin Plomo 95", "Diésel e+", "Gasóleo A")}[ctx.lang]
    litres = Decimal(str(round(r.uniform(8, 70), 2)))
    price = Decimal(str(round(r.uniform(1.35, 2.15) if d.locale.country != "US" else r.uniform(2.9, 5.2), 3)))
    amount = q2(litres * price)
    std = d.tax_lines[0].rate if d.tax_lines else Decimal("0")
    fuel = Item(ctx.clean(r.choice(fuels)), (), litres, "l", price, std, amount, None, None,
                d.extra["tax_codes"].get(std), 3)
    items = (fuel, *d.items[: r.choice((0, 0, 1, 2))])
    ctx.doc = _retotal(replace(d, items=items, vendor=store_vendor(ctx, "fuel_shop")))
    ro = Roll(ctx)
    _header(ro, upper=r.random() < 0.6, logo_mark=r.random() < 0.5)
    _date_time_line(ro, split=True)
    ro.rule()
    ro.line(f"{ctx.t('pump')} {r.randint(1, 16)}", kind="bold")
    _item_lines(ro, style="qty_below", codes=ctx.doc.locale.country != "US")
    ro.rule()
    _total_line(ro, upper=True)
    ro.space(0.4)
    _payment(ro)
    ro.space(0.5)
    if ctx.doc.prices_gross:
        _vat_table(ro, header=r.random() < 0.7)
    else:
        ro.line(ctx.label("subtotal"), ctx.money(ctx.doc.subtotal, name="subtotal", currency=False))
        ro.line(ctx.label("tax_total"), ctx.money(ctx.doc.tax_total, name="tax_total", currency=False))
    _footer(ro, barcode=r.random() < 0.3)
    ro.finish()


def _retotal(d: DocContent) -> DocContent:
    """Totals recomputed after a family changed the items (fuel line, single fares)."""
    total = sum((i.amount for i in d.items), Decimal("0"))
    lines = []
    if d.prices_gross:
        by: dict[Decimal, Decimal] = {}
        for i in d.items:
            by[i.tax_rate] = by.get(i.tax_rate, Decimal("0")) + i.amount
        for rate in sorted(by, reverse=True):
            g = by[rate]
            tax = q2(g * rate / (100 + rate))
            lines.append(TaxLine(rate, g - tax, tax, g, d.extra["tax_codes"].get(rate)))
        subtotal = sum((t.base for t in lines), Decimal("0"))
    else:
        base = total
        rate = d.tax_lines[0].rate if d.tax_lines else Decimal("0")
        taxable = sum((i.amount for i in d.items if i.tax_rate > 0), Decimal("0"))
        tax = q2(taxable * rate / 100)
        lines = [TaxLine(rate, base, tax, base + tax, None)]
        subtotal, total = base, base + tax
    tax_total = sum((t.tax for t in lines), Decimal("0"))
    if not d.consistent:
        total += Decimal("0.10")
    return replace(d, tax_lines=tuple(lines), subtotal=subtotal, tax_total=tax_total, total=total,
                   items_total=sum((i.amount for i in d.items), Decimal("0")), extra=cash_settled(d.extra, total))


def cash_settled(extra: dict[str, Any], total: Decimal) -> dict[str, Any]:
    """``extra`` with the cash tendered (``total`` rounded up to 10) and the change, when it records cash."""
    out = dict(extra)
    if "tendered" in out:
        step = Decimal(10)
        tendered = (total / step).to_integral_value(rounding="ROUND_CEILING") * step
        out["tendered"], out["change"] = tendered, tendered - total
    return out


def pharmacy(ctx: Ctx) -> None:
    """Pharmacy receipt (proportional font): product codes under items, VAT included line, customer copy."""
    ctx.doc = replace(ctx.doc, vendor=store_vendor(ctx, "pharmacy"))
    ro = Roll(ctx)
    r = ctx.rng
    d = ctx.doc
    _header(ro, logo_mark=r.random() < 0.6)
    ro.line(center=ctx.t("receipt_title"), kind="bold")
    _date_time_line(ro)
    ro.rule("line")
    n = d.money.number
    for idx, it in enumerate(d.items):
        code = f"{ctx.t('rx')} {r.randint(1000000, 99999999):08d}"
        amount = ctx.cell("amount", idx, ctx.num(it.amount), money_value(it.amount))
        name = ro.clip(it.description, ro.width - ctx.width(amount[0] + "   ", ro.size))
        desc = ctx.cell("description", idx, name, name)
        ro.line([desc], [amount])
        ro.line(code, [ctx.cell("quantity", idx, ctx.qty(it.quantity), decimal_value(it.quantity)), (" x ", None),
                       ctx.cell("unit_price", idx, n.format(it.unit_price), format(it.unit_price, "f"))],
                size=ro.size * 0.85, color=ctx.theme.muted)
    ro.rule("line")
    _total_line(ro)
    ro.space(0.3)
    for tl in d.tax_lines:
        tag_it = len(d.tax_lines) == 1
        seg = ctx.field("tax_total", n.format(tl.tax), money_value(tl.tax)) if tag_it else (n.format(tl.tax), None)
        ro.line(f"{ctx.t('vat_incl')} {n.format_rate(tl.rate)} %", [seg], size=ro.size * 0.9)
    _payment(ro)
    _cashier_line(ro)
    _footer(ro)
    ro.finish()


def cafe_vat(ctx: Ctx) -> None:
    """Small cafe receipt with a VAT breakdown table (net / VAT / gross) and QR code."""
    ctx.doc = replace(ctx.doc, vendor=store_vendor(ctx, "cafe"))
    ro = Roll(ctx)
    r = ctx.rng
    _header(ro, logo_mark=r.random() < 0.5, big=1.3)
    ro.line(center=ctx.t("receipt_title").upper(), kind="bold")
    _date_time_line(ro)
    ro.rule("dash")
    _item_lines(ro, style="prefix", codes=False)
    ro.rule("dash")
    _total_line(ro, big=1.4)
    ro.space(0.5)
    _vat_table(ro, sum_row=len(ctx.doc.tax_lines) > 1)
    ro.space(0.4)
    _payment(ro)
    _footer(ro, barcode=False)
    if r.random() < 0.6:
        ro.qr(40)
    ro.finish()


def hotel_folio(ctx: Ctx) -> None:
    """Hotel folio on A4: guest, room, arrival/departure, one charge per night, payments, balance."""
    d = ctx.doc
    r = ctx.rng
    th = ctx.theme
    nights = r.randint(1, 6)
    rate = Decimal(r.randint(65, 260)) + Decimal("0.00")
    arrival = d.issue_date
    from datetime import timedelta

    names = {"en": ("Accommodation", "Breakfast", "City tax", "Minibar", "Parking"),
             "de": ("Übernachtung", "Frühstück", "Kurtaxe", "Minibar", "Parkplatz"),
             "fr": ("Hébergement", "Petit-déjeuner", "Taxe de séjour", "Minibar", "Parking"),
             "nl": ("Logies", "Ontbijt", "Toeristenbelasting", "Minibar", "Parkeren"),
             "es": ("Alojamiento", "Desayuno", "Tasa turística", "Minibar", "Aparcamiento")}[ctx.lang]
    std = d.tax_lines[0].rate if d.tax_lines else Decimal("0")
    rates = d.locale.vat_rates
    low = rates[1] if len(rates) > 1 and d.locale.country not in ("GB", "US") else std  # accommodation rate
    items: list[Item] = []
    dates: list[str] = []
    for k in range(nights):
        day = arrival + timedelta(days=k)
        items.append(Item(names[0], (), Decimal(1), "", rate, low, rate, None, None, None))
        dates.append(ctx.date(day, d.locale.date_numeric[0]))
        if r.random() < 0.6:
            b = Decimal(r.choice(("12.00", "15.50", "18.00", "22.00")))
            items.append(Item(names[1], (), Decimal(1), "", b, std, b, None, None, None))
            dates.append(ctx.date(day, d.locale.date_numeric[0]))
    if r.random() < 0.4:
        m = Decimal(r.choice(("4.50", "7.00", "12.80")))
        items.append(Item(names[3], (), Decimal(1), "", m, std, m, None, None, None))
        dates.append(ctx.date(arrival + timedelta(days=nights - 1), d.locale.date_numeric[0]))
    ctx.doc = _retotal(replace(d, items=tuple(items), vendor=store_vendor(ctx, "hotel"), prices_gross=True))
    d = ctx.doc
    sh = ctx.new_sheet()
    W, H = ctx.page_size
    left, right = 50.0, W - 50
    y = 56.0
    logo(ctx, W / 2 - 18, y - 20, 36)
    y += 34
    ctx.txt(W / 2, y, [ctx.field("vendor_name", d.vendor.name, d.vendor.name)], kind="bold", head=True, size=18,
            align="center")
    y += 16
    addr = " · ".join(d.vendor.address_lines)
    ctx.txt(W / 2, y, [ctx.field("vendor_address", addr, ", ".join(d.vendor.address_lines))], align="center",
            size=th.size - 0.5)
    y += th.pitch
    ctx.txt(W / 2, y, " · ".join(x for x in (d.vendor.phone, d.vendor.email) if x), align="center", size=th.size - 1,
            color=th.muted)
    y += 30
    guest = ctx.clean(d.extra["customer_name"])
    rows: list[tuple[str, list[Segment]]] = [(ctx.label("guest"), [ctx.field("customer_name", guest, guest)]),
            (ctx.label("room"), [(str(r.randint(101, 640)), None)]),
            (ctx.label("arrival"), [(ctx.date(arrival), None)]),
            (ctx.label("departure"), [(ctx.date(arrival + timedelta(days=nights)), None)]),
            (ctx.label("nights"), [(str(nights), None)])]
    yy = y
    lw = max(90.0, max(ctx.width(label, th.size, "bold") for label, _ in rows) + 10)
    for label, segs in rows:
        ctx.txt(left, yy, label, kind="bold")
        ctx.txt(left + lw, yy, segs)
        yy += th.pitch
    rows2 = [(ctx.label("folio"), [ctx.field("invoice_number", d.number, d.number)]),
             (ctx.label("invoice_date"), [ctx.field("invoice_date", ctx.date(arrival + timedelta(days=nights)),
                                                    (arrival + timedelta(days=nights)).isoformat())])]
    y2 = y
    for label, segs in rows2:
        ctx.txt(W / 2 + 40, y2, label, kind="bold")
        ctx.txt(right, y2, segs, align="right")
        y2 += th.pitch
    y = max(yy, y2) + 20
    heads = (ctx.t("invoice_date").rstrip(":"), ctx.t("description"), ctx.t("amount"))
    dx = max(90.0, ctx.width(heads[0], th.size, "bold") + 14, max(ctx.width(x, th.size) for x in dates) + 14)
    sh.rect(left, y - th.size - 3, right - left, th.pitch + 2, fill=th.tint)
    ctx.txt(left + 4, y, heads[0], kind="bold")
    ctx.txt(left + dx, y, heads[1], kind="bold")
    ctx.txt(right - 4, y, heads[2], kind="bold", align="right")
    y += th.pitch * 1.4
    for idx, (it, day_text) in enumerate(zip(d.items, dates, strict=True)):
        ctx.txt(left + 4, y, day_text)
        ctx.txt(left + dx, y, [ctx.cell("description", idx, it.description, it.description)])
        ctx.txt(right - 4, y, [ctx.cell("amount", idx, ctx.num(it.amount), money_value(it.amount))], align="right")
        y += th.pitch
    sh.line(left, y - th.size * 0.5, right, y - th.size * 0.5, th.text, 0.6)
    y += th.pitch * 0.6
    ctx.txt(right - 200, y, ctx.label("receipt_total"), kind="bold")
    ctx.txt(right - 4, y, ctx.money(d.total, name="total", currency_field=True), kind="bold", align="right")
    y += th.pitch * 1.2
    ctx.txt(right - 200, y, ctx.label("payment"))
    ctx.txt(right - 4, y, ctx.money(-d.total), align="right")
    y += th.pitch
    ctx.txt(right - 200, y, ctx.label("balance"), kind="bold")
    ctx.txt(right - 4, y, ctx.money(d.total * 0), align="right", kind="bold")
    y += th.pitch * 2
    n = d.money.number
    for tl in d.tax_lines:
        ctx.txt(left, y, f"{ctx.t('vat_incl')} {n.format_rate(tl.rate)} %: {n.format(tl.tax)} "
                         f"({ctx.t('vat_table_net')} {n.format(tl.base)})", size=th.size - 0.5)
        y += th.pitch
    vat = ctx.vendor_vat()
    if vat is not None:
        ctx.txt(W / 2, H - 40, [(ctx.label("vat_id") + " ", None), vat], align="center", size=7, color=th.muted)
    ctx.txt(W / 2, y + th.pitch * 2, ctx.t("receipt_thanks"), align="center", kind="italic")


def taxi_ticket(ctx: Ctx) -> None:
    """Narrow taxi receipt: licence, driver, from/to, distance, fare lines, total."""
    d = ctx.doc
    r = ctx.rng
    km = Decimal(str(round(r.uniform(2, 45), 1)))
    fare = q2(Decimal(r.choice(("3.90", "4.30", "3.50"))) + km * Decimal(str(round(r.uniform(1.6, 2.6), 2))))
    std = d.locale.vat_rates[-1] if d.locale.vat_rates else (d.tax_lines[0].rate if d.tax_lines else Decimal(0))
    items = [Item(ctx.clean(ctx.t("fare")), (), Decimal(1), "", fare, std, fare)]
    if r.random() < 0.4:
        extra = Decimal(r.choice(("1.00", "2.50", "5.00")))
        items.append(Item(ctx.clean({"en": "Luggage", "de": "Gepäck", "fr": "Bagages", "nl": "Bagage",
                                     "es": "Equipaje"}[ctx.lang]), (), Decimal(1), "", extra, std, extra))
    ctx.doc = _retotal(replace(d, items=tuple(items), vendor=store_vendor(ctx, "taxi"), prices_gross=True))
    d = ctx.doc
    ro = Roll(ctx)
    upper = r.random() < 0.6
    _header(ro, upper=upper, contact=True)
    ro.line(f"{ctx.t('licence')} {r.randint(100, 9999)}")
    ro.line(f"{ctx.t('driver')}: {d.extra['cashier']}")
    _date_time_line(ro)
    ro.rule()
    fake_streets = [ctx.clean(s) for s in (d.vendor.street[0] if d.vendor.street else "", d.vendor.city_line)]
    ro.line(f"{ctx.t('taxi_from')}: {ro.clip(fake_streets[0], ro.width * 0.75)}")
    ro.line(f"{ctx.t('taxi_to')}: {ro.clip(fake_streets[1], ro.width * 0.75)}")
    ro.line(ctx.t("distance"), f"{d.money.number.format_quantity(km)} km")
    ro.rule()
    for idx, it in enumerate(d.items):
        ro.line([ctx.cell("description", idx, it.description, it.description)],
                [ctx.cell("amount", idx, ctx.num(it.amount), money_value(it.amount))])
    ro.rule()
    _total_line(ro, upper=upper)
    n = d.money.number
    tl = d.tax_lines[0]
    ro.line(f"{ctx.t('vat_incl')} {n.format_rate(tl.rate)}%", [ctx.field("tax_total", n.format(tl.tax),
                                                                         money_value(tl.tax))],
            size=ro.size * 0.9)
    _payment(ro)
    _footer(ro, barcode=False)
    ro.finish()


def boutique(ctx: Ctx) -> None:
    """Boutique receipt in a proportional font: logo, SKU under each item, 'VAT included' and card slip."""
    ctx.doc = replace(ctx.doc, vendor=store_vendor(ctx, "fashion"))
    ro = Roll(ctx, margin=14)
    r = ctx.rng
    d = ctx.doc
    _header(ro, logo_mark=True, big=1.6)
    _date_time_line(ro)
    ro.space(0.4)
    n = d.money.number
    for idx, it in enumerate(d.items):
        amount = ctx.cell("amount", idx, ctx.num(it.amount), money_value(it.amount))
        name = ro.clip(it.description, ro.width - ctx.width(amount[0] + "  ", ro.size))
        ro.line([ctx.cell("description", idx, name, name)], [amount])
        sub: list[Segment] = [(f"{ctx.t('sku')} {it.sku or r.randint(100000, 999999)}   ", None)]
        if it.quantity != 1:
            sub += [ctx.cell("quantity", idx, ctx.qty(it.quantity), decimal_value(it.quantity)), (" x ", None),
                    ctx.cell("unit_price", idx, n.format(it.unit_price), format(it.unit_price, "f"))]
        ro.line(sub, size=ro.size * 0.85, color=ctx.theme.muted, gap=1.35)
    ro.rule("line")
    if not d.prices_gross:
        ro.line(ctx.label("subtotal"), ctx.money(d.subtotal, name="subtotal", currency=False))
        ro.line(ctx.label("tax_total"), ctx.money(d.tax_total, name="tax_total", currency=False))
    _total_line(ro, big=1.5)
    if d.prices_gross:
        for tl in d.tax_lines:
            ro.line(f"{ctx.t('vat_incl')} {n.format_rate(tl.rate)}%", [(n.format(tl.tax), None)], size=ro.size * 0.9)
    ro.space(0.5)
    _payment(ro)
    _footer(ro, returns=True, barcode=r.random() < 0.5)
    ro.finish()


def parking_ticket(ctx: Ctx) -> None:
    """Ticket machine receipt: upper-case monospaced, entry/exit/duration, one fee incl. VAT."""
    d = ctx.doc
    r = ctx.rng
    hours = r.randint(1, 9)
    fee = q2(Decimal(hours) * Decimal(r.choice(("1.50", "2.00", "2.50", "3.20", "4.00"))))
    std = d.tax_lines[0].rate if d.tax_lines else Decimal(0)
    desc = ctx.clean(ctx.t("ticket")).upper()
    ctx.doc = _retotal(replace(d, items=(Item(desc, (), Decimal(1), "", fee, std, fee),),
                               vendor=store_vendor(ctx, "parking"), prices_gross=d.locale.country != "US"))
    d = ctx.doc
    ro = Roll(ctx)
    _header(ro, upper=True, contact=False)
    x = d.extra
    entry = format_time(x["hour"], x["minute"], d.locale.time_format)
    ro.line(ctx.t("entry").upper(), entry)
    exit_h = (x["hour"] + hours) % 24
    ro.line(ctx.t("exit_").upper(), format_time(exit_h, x["minute"], d.locale.time_format))
    ro.line(ctx.t("duration").upper(), f"{hours}:00 h")
    _date_time_line(ro, number=True, split=True)
    ro.rule("=")
    ro.line([ctx.cell("description", 0, desc, desc)], [ctx.cell("amount", 0, ctx.num(fee), money_value(fee))])
    ro.rule("-")
    _total_line(ro, upper=True)
    n = d.money.number
    tl = d.tax_lines[0]
    if d.prices_gross:
        ro.line(f"{ctx.t('vat_incl').upper()} {n.format_rate(tl.rate)}%",
                [ctx.field("tax_total", n.format(tl.tax), money_value(tl.tax))])
    _payment(ro)
    _footer(ro, thanks=True, barcode=True)
    ro.finish()


def fastfood_order(ctx: Ctx) -> None:
    """Fast-food order receipt: big order number, eat in/take away, items with modifier lines."""
    ctx.doc = replace(ctx.doc, vendor=store_vendor(ctx, "fastfood"))
    ro = Roll(ctx)
    r = ctx.rng
    d = ctx.doc
    _header(ro, upper=r.random() < 0.5, logo_mark=r.random() < 0.5, big=1.4)
    ro.line(center=f"{ctx.t('order_no')} {r.randint(1, 999)}", kind="bold", size=ro.size * 2.2)
    ro.line(center=ctx.t("eat_in"), kind="bold")
    _date_time_line(ro)
    ro.rule()
    _item_lines(ro, style="prefix", codes=False)
    ro.rule()
    if not d.prices_gross:
        ro.line(ctx.label("subtotal"), ctx.money(d.subtotal, name="subtotal", currency=False))
        ro.line(ctx.label("tax_total"), ctx.money(d.tax_total, name="tax_total", currency=False))
    _total_line(ro, big=1.5)
    if d.prices_gross:
        _vat_table(ro, header=True)
    _payment(ro)
    _footer(ro, barcode=r.random() < 0.3)
    ro.finish()


def hardware_store(ctx: Ctx) -> None:
    """DIY store receipt on 80 mm paper: article numbers, quantity lines above items, items sold count."""
    ctx.doc = replace(ctx.doc, vendor=store_vendor(ctx, "hardware"))
    ro = Roll(ctx)
    r = ctx.rng
    d = ctx.doc
    _header(ro, upper=r.random() < 0.3, logo_mark=r.random() < 0.4)
    _cashier_line(ro)
    _date_time_line(ro)
    ro.rule("-")
    n = d.money.number
    for idx, it in enumerate(d.items):
        art = it.sku or str(r.randint(1000000, 9999999))
        ro.line(f"{ctx.t('sku')} {art}", size=ro.size * 0.9, color=ctx.theme.muted)
        qline = [ctx.cell("quantity", idx, ctx.qty(it.quantity), decimal_value(it.quantity)), (" x ", None),
                 ctx.cell("unit_price", idx, n.format(it.unit_price), format(it.unit_price, "f"))]
        ro.line(qline, indent=8)
        amount = ctx.cell("amount", idx, ctx.num(it.amount), money_value(it.amount))
        right: list[Segment] = [amount]
        if d.locale.country != "US" and it.tax_code:
            right += [(" ", None), ctx.cell("tax_rate", idx, it.tax_code, decimal_value(it.tax_rate))]
        name = ro.clip(it.description, ro.width - ctx.width(amount[0] + " AA  ", ro.size))
        ro.line([ctx.cell("description", idx, name, name)], right)
    ro.rule("=")
    ro.line(f"{ctx.t('items_sold')}: {sum(int(i.quantity) if i.quantity == int(i.quantity) else 1 for i in d.items)}")
    if not d.prices_gross:
        ro.line(ctx.label("subtotal"), ctx.money(d.subtotal, name="subtotal", currency=False))
        ro.line(ctx.label("tax_total"), ctx.money(d.tax_total, name="tax_total", currency=False))
    _total_line(ro, big=1.3)
    _payment(ro)
    if d.prices_gross:
        ro.space(0.4)
        _vat_table(ro)
    _footer(ro, returns=True, barcode=True)
    ro.finish()


def dot_matrix(ctx: Ctx) -> None:
    """Old dot-matrix/receipt-printer look: upper-case ASCII text, stars as rules, prices without currency."""
    ctx.doc = replace(ctx.doc, vendor=store_vendor(ctx, r_domain(ctx)))
    ro = Roll(ctx)
    r = ctx.rng
    d = ctx.doc
    _header(ro, upper=True, big=1.0, contact=r.random() < 0.5)
    ro.rule("*")
    _date_time_line(ro, split=True)
    _cashier_line(ro)
    ro.rule("*")
    _item_lines(ro, style=r.choice(("single", "qty_below")), codes=d.locale.country != "US", qty_prefix_upper=True)
    ro.rule("-")
    if not d.prices_gross:
        ro.line(ctx.label("subtotal", upper=True), ctx.money(d.subtotal, name="subtotal", currency=False))
        ro.line(ctx.label("tax_total", upper=True), ctx.money(d.tax_total, name="tax_total", currency=False))
    _total_line(ro, upper=True, big=1.0)
    ro.rule("*")
    _payment(ro)
    if d.prices_gross:
        _vat_table(ro, header=True)
    _footer(ro, thanks=True, barcode=False)
    ro.finish()


def r_domain(ctx: Ctx) -> str:
    return ctx.doc.domain if ctx.doc.domain in _STORE_NAMES else "grocery"


def _roll_theme(styles: tuple[str, ...], *, size: tuple[float, float] = (7.0, 8.5), allow_ascii: bool = False,
                colourful: float = 0.0) -> Callable[[random.Random, str], Theme]:
    def make(rng: random.Random, lang: str) -> Theme:
        return make_theme(rng, styles, None, size=size, leading=(1.15, 1.35), colourful=colourful,
                          allow_ascii=allow_ascii, lang=lang)

    return make


def _ropts(domains: tuple[str, ...], **kw: object) -> ContentOptions:
    base: dict[str, object] = {"kind": "receipt", "domains": domains, "customer": False, "min_items": 1,
                               "max_items": 14, "details_share": 0.1, "discount_share": 0.0, "multi_rate_share": 0.5,
                               "foreign_currency_share": 0.0}
    base.update(kw)
    return ContentOptions(**base)  # type: ignore[arg-type]


FAMILIES: tuple[Family, ...] = (
    Family("supermarket_till", "receipt", "supermarket till roll in a monospaced font: VAT codes per item, total, "
           "payment, VAT table, barcode", supermarket, _roll_theme(("mono",)),
           _ropts(("grocery",), min_items=3, max_items=25), "roll", ("de-DE", "nl-NL")),
    Family("restaurant_bill", "receipt", "restaurant bill: table, server, guests, quantities, tip and signature "
           "lines", restaurant_bill, _roll_theme(("sans", "condensed", "mono"), size=(7.5, 9)),
           _ropts(("restaurant",), min_items=2, max_items=12, details_share=0.15), "roll80", ("en-US", "es-ES")),
    Family("fuel_station", "receipt", "fuel station receipt: pump, litres x price per litre, shop items, card slip",
           fuel_station, _roll_theme(("mono", "condensed")), _ropts(("fuel_shop",), max_items=3), "roll",
           ("de-DE", "fr-FR")),
    Family("pharmacy", "receipt", "pharmacy receipt in a proportional font: product codes under items, VAT "
           "included", pharmacy, _roll_theme(("sans", "condensed"), size=(7.5, 9)),
           _ropts(("pharmacy",), max_items=8), "roll80", ("fr-FR", "es-ES")),
    Family("cafe_vat_table", "receipt", "cafe receipt with a net/VAT/gross breakdown table and QR code", cafe_vat,
           _roll_theme(("sans", "mono"), size=(7.5, 9)), _ropts(("cafe",), max_items=8, multi_rate_share=0.7),
           "roll", ("nl-NL", "de-DE")),
    Family("hotel_folio", "receipt", "hotel folio on A4: guest, room, arrival/departure, nightly charges, "
           "payments, balance", hotel_folio, _roll_theme(("sans", "serif"), size=(8.5, 10), colourful=0.8),
           _ropts(("restaurant",), max_items=3), "A4", ("en-GB", "fr-FR")),
    Family("taxi_ticket", "receipt", "narrow taxi receipt: licence, driver, from/to, distance, fare", taxi_ticket,
           _roll_theme(("mono", "condensed"), size=(7, 8.5)), _ropts(("restaurant",), max_items=1), "roll58",
           ("es-ES", "de-DE")),
    Family("boutique", "receipt", "boutique receipt in a proportional font: logo, SKU under items, VAT included, "
           "returns note", boutique, _roll_theme(("sans", "serif"), size=(7.5, 9), colourful=0.3),
           _ropts(("fashion",), max_items=6), "roll80", ("fr-FR", "en-GB")),
    Family("parking_ticket", "receipt", "parking/ticket machine receipt: upper-case monospaced, entry/exit/"
           "duration, one fee", parking_ticket, _roll_theme(("mono", "dot"), size=(7, 8.5), allow_ascii=True),
           _ropts(("restaurant",), max_items=1), "roll58", ("nl-NL", "en-GB")),
    Family("fastfood_order", "receipt", "fast-food order receipt: big order number, eat in/take away, modifiers",
           fastfood_order, _roll_theme(("sans", "condensed", "mono"), size=(7.5, 9)),
           _ropts(("fastfood",), max_items=10, details_share=0.35), "roll", ("en-US", "nl-NL")),
    Family("hardware_store", "receipt", "DIY store receipt: article numbers and quantity lines above each item, "
           "items sold", hardware_store, _roll_theme(("mono", "condensed", "sans")),
           _ropts(("hardware",), max_items=12), "roll80", ("de-DE", "en-US")),
    Family("dot_matrix", "receipt", "old receipt-printer look: upper-case ASCII dot-matrix text, star rules",
           dot_matrix, _roll_theme(("dot",), size=(7, 8.5), allow_ascii=True),
           _ropts(("grocery", "hardware", "cafe", "fuel_shop"), max_items=12), "roll", ("es-ES", "en-US")),
)
