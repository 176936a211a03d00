"""Invoice layout families: each draws a different vendor design (A4 or Letter, 1-3 pages)."""

from __future__ import annotations

import random
from collections.abc import Callable

from invoicer.synth.content import ContentOptions
from invoicer.synth.layouts.base import (
    Ctx,
    Family,
    TableStyle,
    Theme,
    bank_lines,
    contact_lines,
    draw_meta,
    draw_totals,
    item_columns,
    logo,
    make_theme,
    meta_rows,
    page_number_at,
    party_block,
    totals_rows,
)
from invoicer.synth.layouts.flow import invoice_flow
from invoicer.synth.render import Segment, Sheet

MM = 72 / 25.4
WHITE = (1.0, 1.0, 1.0)

INVOICE_DOMAINS = ("office", "it", "services", "construction", "wholesale_food", "marketing", "logistics",
                   "industrial", "software")


def _opts(**kw: object) -> ContentOptions:
    base: dict[str, object] = {"kind": "invoice", "domains": INVOICE_DOMAINS}
    base.update(kw)
    return ContentOptions(**base)  # type: ignore[arg-type]


def _footer_columns(ctx: Ctx, sheet: Sheet, columns: list[list[list[Segment]]], *, y: float, x0: float, x1: float,
                    size: float, rule: bool = True) -> None:
    """Small multi-column footer (company, contact, bank, register) from baseline ``y``."""
    if rule:
        sheet.line(x0, y - size * 1.6, x1, y - size * 1.6, ctx.theme.rule, 0.5)
    gap = 10.0
    avail = x1 - x0 - gap * (len(columns) - 1)
    # long untagged lines (register entries) may wrap; tagged ones (IBAN, VAT id) are never split
    cap = avail / max(len(columns), 1) * 1.6
    prepared: list[list[list[Segment]]] = []
    for col in columns:
        lines: list[list[Segment]] = []
        for segs in col:
            text = "".join(t for t, _ in segs)
            if all(tag is None for _, tag in segs) and ctx.width(text, size) > cap:
                lines += [[(part, None)] for part in ctx.wrap(text, cap, size)]
            else:
                lines.append(list(segs))
        prepared.append(lines)
    widths = [max((ctx.width("".join(t for t, _ in segs), size) for segs in col), default=0.0) for col in prepared]
    if sum(widths) > avail:
        size = max(4.5, size * avail / sum(widths))
        widths = [w * size / size for w in widths]
        widths = [max((ctx.width("".join(t for t, _ in segs), size) for segs in col), default=0.0)
                  for col in prepared]
    spare = max(0.0, (avail - sum(widths)) / max(len(columns) - 1, 1))
    x = x0
    for col, w in zip(prepared, widths, strict=True):
        yy = y
        for segs in col:
            ctx.txt(x, yy, segs, size=size, color=ctx.theme.muted, sheet=sheet)
            yy += size * 1.25
        x += w + gap + spare


def _vendor_footer(ctx: Ctx, *, address_field: bool = False, vat: bool = True, bank: bool = True,
                   register: bool = True) -> list[list[list[Segment]]]:
    d = ctx.doc
    v = d.vendor
    col1: list[list[Segment]] = [[(v.name, None)]]
    if address_field and "vendor_address" not in ctx.fields:
        segs = ctx.field_lines("vendor_address", v.address_lines, ", ".join(v.address_lines))
        col1 += [[s] for s in segs]
    else:
        col1 += [[(ln, None)] for ln in v.address_lines]
    col2: list[list[Segment]] = [[(ln, None)] for ln in contact_lines(ctx, v)]
    cols = [col1, col2]
    if bank:
        b = bank_lines(ctx)
        if b:
            cols.append(b)
    col4: list[list[Segment]] = []
    if vat and v.vat_id:
        seg = ctx.vendor_vat()
        assert seg is not None
        col4.append([(ctx.label("vat_id") + " ", None), seg])
    if register:
        x = d.extra
        c = d.locale.country
        if c == "DE":
            col4.append([(f"{ctx.t('ceo')}: {x['ceo']}", None)])
            col4.append([(ctx.t("court", city=x["court_city"], num=x["hrb"]), None)])
        elif c == "GB":
            col4.append([(ctx.t("reg_gb", num=x["reg_no"], addr=v.city_line), None)])
        elif c == "NL":
            col4.append([(f"{ctx.t('kvk')} {x['kvk']}", None)])
        elif c == "FR":
            col4.append([(f"{ctx.t('siret')} {x['siren']} 000{x['register'] % 10}{x['store_no'] % 10}", None)])
        elif c == "ES":
            col4.append([(ctx.t("registry", city=x["court_city"], tomo=x["tomo"], folio=x["folio"],
                                hoja=x["hoja"]), None)])
    if col4:
        cols.append(col4)
    return cols


def _table_style(ctx: Ctx, **fixed: object) -> TableStyle:
    r = ctx.rng
    style = TableStyle(
        header=r.choice(("band", "rule", "boxed", "upper", "underline2", "plain")),
        body=r.choice(("plain", "hlines", "zebra", "dotted", "grid", "vlines")),
        size=ctx.theme.size,
        pad=r.uniform(2.0, 4.5),
        header_kind=r.choice(("bold", "bold", "regular")),
        detail_scale=r.choice((0.85, 0.9, 1.0)),
        frame=r.random() < 0.3,
    )
    for k, v in fixed.items():
        setattr(style, k, v)
    return style


def _item_keys(ctx: Ctx, *, base: tuple[str, ...] = ("description", "quantity", "unit_price", "amount")) -> list[str]:
    r = ctx.rng
    keys = list(base)
    if r.random() < 0.5:
        keys.insert(0, "pos")
    if r.random() < 0.3:
        keys.insert(1 if keys[0] == "pos" else 0, "sku")
    if "quantity" in keys and r.random() < 0.35:
        keys[keys.index("quantity")] = "qty_unit"
    if any(i.discount_pct for i in ctx.doc.items):
        keys.insert(keys.index("amount"), "discount")
    multi = len({i.tax_rate for i in ctx.doc.items}) > 1
    if (multi and r.random() < 0.85) or r.random() < 0.25:
        keys.insert(keys.index("amount"), "tax_rate")
    return keys


def _totals_height(ctx: Ctx, extra_lines: int = 0) -> float:
    d = ctx.doc
    n = 2 + len(d.tax_lines) + (3 if (d.discount or d.shipping) else 0) + extra_lines
    return n * ctx.theme.pitch * 1.2 + 20


def _closing_text(ctx: Ctx, x: float, y: float, width: float, *, terms: bool = True, bank: bool = False,
                  thanks: bool = True, size: float | None = None) -> float:
    size = size or ctx.theme.size
    pitch = size * ctx.theme.leading
    d = ctx.doc
    if terms:
        if d.terms_days:
            text = ctx.t("terms", days=d.terms_days)
        else:
            text = ctx.t("pay_by_transfer") if (bank and d.iban) else ctx.t("terms_receipt")
        for ln in ctx.wrap(text, width, size):
            ctx.txt(x, y, ln, size=size)
            y += pitch
    if bank:
        for segs in bank_lines(ctx):
            ctx.txt(x, y, segs, size=size)
            y += pitch
    if thanks:
        y += pitch * 0.5
        ctx.txt(x, y, ctx.t("thanks"), size=size, kind="italic" if ctx.rng.random() < 0.4 else "regular")
        y += pitch
    return y


# ================================================================================================ families


def din5008(ctx: Ctx) -> None:
    """German business letter (DIN 5008 form B): window address, info block, subject line, footer columns."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 25 * MM, W - 20 * MM
    # letterhead top right (or centred)
    centred = r.random() < 0.3
    name_size = r.uniform(14, 20)
    if centred:
        logo(ctx, W / 2 - 14, 12 * MM, 28)
        ctx.txt(W / 2, 12 * MM + 28 + name_size + 4, [ctx.field("vendor_name", d.vendor.name, d.vendor.name)],
                kind="bold", head=True, size=name_size, align="center", color=th.accent)
    else:
        lx = right - 40
        logo(ctx, lx, 10 * MM, 40)
        ctx.txt(lx - 8, 10 * MM + 26, [ctx.field("vendor_name", d.vendor.name, d.vendor.name)], kind="bold",
                head=True, size=name_size, align="right", color=th.accent)
    # sender line above the window
    y = 50 * MM
    sender = " · ".join((d.vendor.name, *d.vendor.street, d.vendor.city_line))
    ctx.txt(left, y - 4, sender, size=6.5, color=th.muted)
    sh.line(left, y - 2, left + min(ctx.width(sender, 6.5), 85 * MM), y - 2, th.rule, 0.3)
    # recipient
    assert d.customer is not None
    y += 4 * MM
    cust = d.customer
    for seg in ctx.field_lines("customer_name", ctx.wrap(cust.name, 80 * MM, th.size + 1), cust.name):
        ctx.txt(left, y, [seg], size=th.size + 1)
        y += (th.size + 1) * 1.25
    if cust.contact and r.random() < 0.5:
        ctx.txt(left, y, f"z. Hd. {cust.contact}" if ctx.lang == "de" else f"Attn. {cust.contact}", size=th.size + 1)
        y += (th.size + 1) * 1.25
    for ln in cust.address_lines:
        for part in ctx.wrap(ln, 80 * MM, th.size + 1):
            ctx.txt(left, y, part, size=th.size + 1)
            y += (th.size + 1) * 1.25
    # info block right
    ix = 125 * MM
    rows = meta_rows(ctx, [*r.sample(["customer_number", "po_number"], 2), "invoice_number", "invoice_date",
                           "delivery_date", "due_date"])
    draw_meta(ctx, ix, 50 * MM, rows, size=th.size - 0.5, label_w=33 * MM)
    # subject and letter text
    y = max(y, 50 * MM + len(rows) * th.pitch) + 14 * MM
    ctx.txt(left, y, ctx.t("subject", num=d.number) if ctx.has("subject") else f"{ctx.t('title')} {d.number}",
            kind="bold", size=th.size + 2.5, head=True)
    y += th.pitch * 2.2
    if r.random() < 0.7:
        ctx.txt(left, y, ctx.t("salutation"))
        y += th.pitch * 1.6
        for ln in ctx.wrap(ctx.t("intro"), right - left):
            ctx.txt(left, y, ln)
            y += th.pitch
        y += th.pitch * 0.6
    # fold and punch marks
    for fy in (105 * MM, 148.5 * MM, 210 * MM):
        sh.line(3 * MM, fy, 8 * MM if fy != 148.5 * MM else 10 * MM, fy, th.rule, 0.4)
    cols = item_columns(ctx, left, right, _item_keys(ctx))
    style = _table_style(ctx, body=r.choice(("plain", "hlines", "dotted")), header=r.choice(("rule", "plain",
                                                                                              "underline2")))
    foot_y = H - 22 * MM

    def footer(sheet: Sheet) -> None:
        _footer_columns(ctx, sheet, _vendor_footer(ctx, address_field=True), y=foot_y, x0=left, x1=right, size=6.5)

    def continuation() -> float:
        ctx.txt(left, 20 * MM, f"{d.vendor.name} · {ctx.t('title')} {d.number}", size=th.size - 1, color=th.muted)
        return 30 * MM

    page_number_at(ctx, right, foot_y - 16, size=7)

    def totals(y: float) -> float:
        y += th.pitch
        return draw_totals(ctx, right - 75 * MM, right - 3, y, totals_rows(ctx), style=r.choice(("double", "rule",
                                                                                                   "plain")))

    def closing(y: float) -> float:
        y = _closing_text(ctx, left, y + th.pitch, right - left, thanks=False)
        y += th.pitch
        ctx.txt(left, y, ctx.t("closing"))
        y += th.pitch * 2.5
        ctx.txt(left, y, d.vendor.contact or d.vendor.name, kind="italic")
        return y + th.pitch

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=foot_y - 48, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx), totals), (th.pitch * 8, closing)],
                 carry=r.random() < 0.5)


def us_corporate(ctx: Ctx) -> None:
    """US corporate invoice: logo top left, big INVOICE title right, Bill To / Ship To boxes, banded table."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    ctx.new_sheet()
    left, right = 0.6 * 72, W - 0.6 * 72
    top = 0.6 * 72
    logo(ctx, left, top, 44)
    y = top + 58
    y = party_block(ctx, left, y + 4, d.vendor, name_field="vendor_name", address_field="vendor_address",
                    name_size=th.size + 3)
    for ln in contact_lines(ctx, d.vendor, keys=("phone", "email", "web"), labels=r.random() < 0.5):
        ctx.txt(left, y, ln, color=th.muted)
        y += th.pitch
    title = ctx.t("title").upper() if r.random() < 0.7 else ctx.t("title")
    ctx.txt(right, top + 26, title, kind="bold", head=True, size=r.uniform(22, 32), align="right", color=th.accent)
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date", "po_number", "customer_number"])
    my = draw_meta(ctx, right - 170, top + 52, rows, label_w=90, align_values="right", value_x_right=right,
                   label_kind="bold")
    y = max(y, my) + 16
    # bill to / ship to boxes
    assert d.customer is not None
    bw = (right - left - 16) / 2
    boxes = [(ctx.t("bill_to"), d.customer, True)]
    if d.ship_to is not None:
        boxes.append((ctx.t("ship_to"), d.ship_to, False))
    box_h = th.pitch * (len(d.customer.address_lines) + 3.2)
    dark = r.random() < 0.6
    for k, (title2, party, main) in enumerate(boxes):
        bx = left + k * (bw + 16)
        ctx.sheet.rect(bx, y, bw, th.pitch * 1.5, fill=th.accent if dark else th.tint)
        ctx.txt(bx + 6, y + th.pitch * 1.1, title2.upper(), kind="bold", color=WHITE if dark else th.text)
        party_block(ctx, bx + 6, y + th.pitch * 2.6, party, name_field="customer_name" if main else None,
                    name_kind="bold" if r.random() < 0.5 else "regular", width=bw - 12)
    y += box_h + 14
    cols = item_columns(ctx, left, right, _item_keys(ctx))
    style = _table_style(ctx, header="band", body=r.choice(("zebra", "zebra", "hlines", "plain")))

    def footer(sheet: Sheet) -> None:
        ctx.txt(W / 2, H - 0.45 * 72, f"{d.vendor.name} · {d.vendor.phone or ''} · {d.vendor.web or ''}",
                size=7, color=th.muted, align="center", sheet=sheet)

    def continuation() -> float:
        ctx.txt(left, top + 10, f"{ctx.t('title')} {d.number}", kind="bold", size=th.size + 1)
        return top + 30

    page_number_at(ctx, right, H - 0.45 * 72, size=7)

    def totals(y: float) -> float:
        y += th.pitch * 1.2
        notes_x = left
        ctx.txt(notes_x, y, ctx.label("notes", colon=False), kind="bold")
        for k, ln in enumerate(ctx.wrap(ctx.t("terms", days=d.terms_days) if d.terms_days else ctx.t("terms_receipt"),
                                        (right - left) / 2 - 10)):
            ctx.txt(notes_x, y + th.pitch * (k + 1), ln, color=th.muted)
        if d.locale.country == "US" and r.random() < 0.6:
            ctx.txt(notes_x, y + th.pitch * 4, ctx.t("checks_payable", vendor=d.vendor.name), color=th.muted,
                    size=th.size - 0.5)
        return draw_totals(ctx, right - 200, right - 4, y, totals_rows(ctx), style=r.choice(("band", "rule", "box")))

    def thanks(y: float) -> float:
        y += th.pitch * 2
        bl = bank_lines(ctx)
        if d.locale.country == "US" and r.random() < 0.5:
            bl = [[(f"{ctx.t('routing')} {d.extra['routing']}", None)],
                  [(f"{ctx.t('account_number')} {d.extra['account']}", None)]]
        for segs in bl:
            ctx.txt(left, y, segs, size=th.size - 0.5)
            y += th.pitch
        y += th.pitch
        ctx.txt(W / 2, y, ctx.t("thanks"), kind="bold", align="center", color=th.accent, size=th.size + 1.5)
        return y + th.pitch

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - 0.9 * 72, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx) + 20, totals), (th.pitch * 8, thanks)])


def freelancer_minimal(ctx: Ctx) -> None:
    """Minimal freelancer invoice: big light name, label-above meta row, hairline table, bank details below."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    ctx.new_sheet()
    left, right = r.uniform(50, 70), W - r.uniform(50, 70)
    top = r.uniform(55, 80)
    name_size = r.uniform(20, 28)
    ctx.txt(left, top + name_size, [ctx.field("vendor_name", d.vendor.name, d.vendor.name)], kind="light", head=True,
            size=name_size)
    y = top + name_size + 16
    vline = " · ".join(d.vendor.address_lines)
    if ctx.width(vline) < right - left:
        ctx.txt(left, y, [ctx.field("vendor_address", vline, ", ".join(d.vendor.address_lines))], color=th.muted)
        y += th.pitch
    else:
        y = party_block(ctx, left, y - th.pitch, d.vendor, address_field="vendor_address", name_kind="regular") - 0
    cl = contact_lines(ctx, d.vendor, keys=("email", "phone"), labels=False)
    if cl:
        ctx.txt(left, y, " · ".join(cl), color=th.muted)
        y += th.pitch
    y += 28
    title = ctx.t("title")
    ctx.txt(left, y, title.upper() if r.random() < 0.5 else title, kind="bold", size=th.size + 5, color=th.accent)
    y += 26
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date"])
    y = draw_meta(ctx, left, y, rows, style="above", col_w=(right - left) / 3.2)
    y += 6
    assert d.customer is not None
    ctx.txt(left, y, ctx.label("bill_to", upper=True), size=th.size * 0.85, color=th.muted)
    y = party_block(ctx, left, y + th.pitch * 1.1, d.customer, name_field="customer_name", show_vat=r.random() < 0.3)
    y += 24
    cols = item_columns(ctx, left, right, [k for k in _item_keys(ctx) if k != "sku"],
                        hours=d.domain in ("services", "marketing"))
    style = _table_style(ctx, header=r.choice(("upper", "rule")), body=r.choice(("plain", "hlines")), frame=False)

    def footer(sheet: Sheet) -> None:
        if d.vendor.vat_id and r.random() < 1.0:
            seg = ctx.vendor_vat()
            assert seg is not None
            ctx.txt(left, H - 40, [(ctx.label("vat_id") + " ", None), seg], size=7, color=th.muted, sheet=sheet)

    def continuation() -> float:
        return top + 20

    page_number_at(ctx, right, H - 40, size=7)

    def totals(y: float) -> float:
        return draw_totals(ctx, right - 180, right - 3, y + th.pitch * 1.5, totals_rows(ctx), style="rule")

    def pay(y: float) -> float:
        y += th.pitch * 2
        return _closing_text(ctx, left, y, (right - left) * 0.6, bank=True, thanks=r.random() < 0.7)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - 70, continuation=continuation, footer=footer,
                 closing=[(_totals_height(ctx), totals), (th.pitch * 9, pay)])



def _vat_breakdown(ctx: Ctx, x: float, y: float, *, size: float | None = None, grid: bool = True,
                   col_w: float = 62.0) -> float:
    """A VAT specification table (rate | net | tax | gross), tagging the tax total when it has one row."""
    d, th = ctx.doc, ctx.theme
    size = size or th.size - 0.5
    pitch = size * th.leading + 3
    heads = [ctx.t("vat_table_rate"), ctx.t("vat_table_net"), ctx.t("vat_table_tax"), ctx.t("vat_table_gross")]
    col_w = max(col_w, max(ctx.width(h, size, "bold") for h in heads) + 8,
                ctx.width(ctx.num(d.total), size) + 10)
    if grid:
        ctx.sheet.rect(x, y, col_w * 4, pitch, fill=th.tint, stroke=th.rule, lw=0.4)
    for k, h in enumerate(heads):
        ctx.txt(x + col_w * (k + 1) - 4, y + pitch - 4, h, kind="bold", size=size, align="right")
    yy = y + pitch
    for tl in d.tax_lines:
        vals = [f"{d.money.number.format_rate(tl.rate)} %", ctx.num(tl.base), ctx.num(tl.tax), ctx.num(tl.gross)]
        for k, v in enumerate(vals):
            ctx.txt(x + col_w * (k + 1) - 4, yy + pitch - 4, v, size=size, align="right")
        if grid:
            ctx.sheet.rect(x, yy, col_w * 4, pitch, stroke=th.rule, lw=0.4)
        yy += pitch
    return yy + 4


def wholesale_grid(ctx: Ctx) -> None:
    """Table-heavy wholesaler invoice: condensed type, boxed meta grid, fully ruled item grid, VAT table."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    ctx.new_sheet()
    left, right = 14 * MM, W - 14 * MM
    top = 14 * MM
    name = d.vendor.name.upper() if r.random() < 0.5 else d.vendor.name
    nsize = r.uniform(13, 17)
    room = right - 2 * 34 * MM - left - 12
    nsize = min(nsize, nsize * room / max(ctx.width(name, nsize, "bold", head=True), 1.0))
    ctx.txt(left, top + 14, [ctx.field("vendor_name", name, name)], kind="bold", head=True, size=nsize,
            color=th.accent)
    y = top + 28
    room = right - 2 * 34 * MM - left - 12
    vl = " | ".join(d.vendor.address_lines)
    for seg in ctx.field_lines("vendor_address", ctx.wrap(vl, room, th.size - 0.5), ", ".join(d.vendor.address_lines)):
        ctx.txt(left, y, [seg], size=th.size - 0.5)
        y += th.pitch
    for ln in ctx.wrap(" | ".join(contact_lines(ctx, d.vendor)), room, th.size - 0.5):
        ctx.txt(left, y, ln, size=th.size - 0.5, color=th.muted)
        y += th.pitch
    y -= th.pitch
    # meta grid top right: cells with small label above value
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "customer_number", "po_number", "due_date",
                           "delivery_date"])
    cw, ch = 34 * MM, th.size * 2.9
    gx = right - 2 * cw
    title = ctx.t("title").upper()
    ctx.txt(gx, top + 8, title, kind="bold", size=th.size + 4, head=True)
    gy = top + 14
    for k, (label, segs) in enumerate(rows):
        cx, cy = gx + (k % 2) * cw, gy + (k // 2) * ch
        ctx.sheet.rect(cx, cy, cw, ch, stroke=th.rule, lw=0.5)
        ctx.txt(cx + 3, cy + th.size * 0.9, label.rstrip(": "), size=th.size * 0.7, color=th.muted)
        ctx.txt(cx + 3, cy + ch - 4, segs, kind="bold", size=th.size)
    y = max(y + 20, gy + ((len(rows) + 1) // 2) * ch + 14)
    # address boxes
    assert d.customer is not None
    bw = (right - left - 10) / 2
    show_vat = d.customer.vat_id is not None and r.random() < 0.5
    ship = d.ship_to or d.customer
    bh = th.pitch * (max(len(d.customer.address_lines) + int(show_vat), len(ship.address_lines)) + 2.6)
    for k, (label, party, main) in enumerate(((ctx.t("bill_to"), d.customer, True),
                                              (ctx.t("ship_to"), d.ship_to or d.customer, False))):
        bx = left + k * (bw + 10)
        ctx.sheet.rect(bx, y, bw, bh, stroke=th.text, lw=0.6)
        ctx.txt(bx + 4, y + th.size, label.upper(), size=th.size * 0.75, kind="bold")
        party_block(ctx, bx + 4, y + th.size + th.pitch, party, name_field="customer_name" if main else None,
                    show_vat=main and show_vat, width=bw - 8)
    y += bh + 12
    keys = ["pos", "sku", "description", "quantity", "unit", "unit_price"]
    if any(i.discount_pct for i in d.items):
        keys.append("discount")
    keys += ["tax_rate", "amount"]
    cols = item_columns(ctx, left, right, keys)
    style = _table_style(ctx, header="boxed", body="grid", size=th.size, pad=2.5, frame=True)
    foot = H - 12 * MM

    def footer(sheet: Sheet) -> None:
        _footer_columns(ctx, sheet, _vendor_footer(ctx), y=foot - 20, x0=left, x1=right, size=6)

    def continuation() -> float:
        ctx.txt(left, top + 8, f"{d.vendor.name} - {ctx.t('title')} {d.number}", kind="bold")
        return top + 22

    page_number_at(ctx, right, top - 10, size=7, only_multi=False)

    def totals(y: float) -> float:
        y += 8
        yy = _vat_breakdown(ctx, left, y) if r.random() < 0.7 else y
        ty = draw_totals(ctx, right - 70 * MM, right - 4, y + th.pitch, totals_rows(ctx, show_tax_total=True),
                         style="box")
        return max(yy, ty)

    def terms(y: float) -> float:
        return _closing_text(ctx, left, y + th.pitch, right - left, thanks=False, size=th.size - 0.5)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=foot - 45, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx) + 30, totals), (th.pitch * 4, terms)],
                 carry=r.random() < 0.6)


def utility_bill(ctx: Ctx) -> None:
    """Utility/telecom bill: account summary box with amount due, charges detail, tear-off payment stub."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 40.0, W - 40
    top = 40.0
    logo(ctx, left, top, 34)
    ctx.txt(left + 42, top + 22, [ctx.field("vendor_name", d.vendor.name, d.vendor.name)], kind="bold", head=True,
            size=15, color=th.accent)
    rows = meta_rows(ctx, ["customer_number", "invoice_number", "invoice_date"])
    acct = d.customer_number or d.extra["account"]
    rows.insert(0, (ctx.label("customer_number"), [(acct, None)]) if not d.customer_number else rows.pop(0))
    draw_meta(ctx, right - 190, top + 8, rows, label_w=95, size=th.size)
    y = top + 62
    # customer address (window) and summary box
    assert d.customer is not None
    party_block(ctx, left, y + 10, d.customer, name_field="customer_name", name_kind="regular")
    bx, bw = W / 2 + 10, right - W / 2 - 10
    summary = ctx.t("account_summary")
    bh = th.pitch * 8.5
    sh.rect(bx, y, bw, bh, fill=th.tint, stroke=th.accent, lw=1.0, radius=4)
    ctx.txt(bx + 8, y + th.pitch * 1.3, summary, kind="bold", color=th.accent, size=th.size + 1)
    prev = d.total * 0 + (d.total * r.choice((0, 1)) if r.random() < 0.6 else d.total)
    lines = [(ctx.t("previous_balance"), prev), (ctx.t("payment_received"), -prev),
             (ctx.t("current_charges"), d.total)]
    yy = y + th.pitch * 2.8
    for label, val in lines:
        ctx.txt(bx + 8, yy, label, size=th.size - 0.5)
        ctx.txt(bx + bw - 8, yy, ctx.money(val), size=th.size - 0.5, align="right")
        yy += th.pitch
    sh.line(bx + 8, yy - th.pitch * 0.6, bx + bw - 8, yy - th.pitch * 0.6, th.text, 0.6)
    yy += th.pitch * 0.4
    ctx.txt(bx + 8, yy, ctx.t("amount_due"), kind="bold", size=th.size + 1.5)
    ctx.txt(bx + bw - 8, yy, ctx.money(d.total), kind="bold", size=th.size + 1.5, align="right")
    if d.due_date and d.terms_days:
        yy += th.pitch * 1.2
        ctx.txt(bx + 8, yy, f"{ctx.t('due_date')} {ctx.date(d.due_date)}", size=th.size - 0.5)
    y += bh + 18
    period_start = d.issue_date.replace(day=1)
    ctx.txt(left, y, f"{ctx.t('period')}: {ctx.date(period_start)} - {ctx.date(d.issue_date)}", kind="bold")
    y += th.pitch * 1.5
    cols = item_columns(ctx, left, right, ["description", "qty_unit", "unit_price", "amount"])
    style = _table_style(ctx, header=r.choice(("rule", "upper")), body=r.choice(("plain", "dotted")))
    stub_h = 120.0

    def footer(sheet: Sheet) -> None:
        ctx.txt(left, H - stub_h - 24, f"{d.vendor.name} · {' · '.join(d.vendor.address_lines)}", size=6.5,
                color=th.muted, sheet=sheet)

    def continuation() -> float:
        return top + 20

    def totals(y: float) -> float:
        return draw_totals(ctx, right - 200, right - 4, y + th.pitch * 1.2,
                           totals_rows(ctx, total_key="current_charges"), style="rule")

    def stub(y: float) -> float:
        sy = H - stub_h
        sh2 = ctx.sheet
        sh2.line(left - 20, sy, right + 20, sy, th.text, 0.6, dash=(4, 3))
        ctx.txt(W / 2, sy + 10, ctx.t("detach"), size=6.5, align="center", color=th.muted)
        ctx.txt(left, sy + 30, d.vendor.name, kind="bold")
        for k, ln in enumerate(d.vendor.address_lines):
            ctx.txt(left, sy + 30 + th.pitch * (k + 1), ln)
        ctx.txt(right - 200, sy + 30, f"{ctx.t('customer_number')} {acct}")
        ctx.txt(right - 200, sy + 30 + th.pitch, f"{ctx.t('amount_due')}: {ctx.doc.money.format(d.total)}", kind="bold")
        if d.due_date and d.terms_days:
            ctx.txt(right - 200, sy + 30 + th.pitch * 2, f"{ctx.t('due_date')} {ctx.date(d.due_date)}")
        sh2.rect(right - 200, sy + 30 + th.pitch * 3, 160, th.pitch * 1.6, stroke=th.text, lw=0.6)
        return y

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - stub_h - 40, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx), totals), (0, stub)])


def facture_fr(ctx: Ctx) -> None:
    """French facture: vendor block left, client box right, numbered title, HT/TVA/TTC totals, legal notices."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 18 * MM, W - 18 * MM
    top = 16 * MM
    if r.random() < 0.7:
        logo(ctx, left, top, 36)
        y = top + 52
    else:
        y = top + 12
    y = party_block(ctx, left, y, d.vendor, name_field="vendor_name", address_field="vendor_address",
                    name_size=th.size + 3, name_kind="bold")
    for ln in contact_lines(ctx, d.vendor, keys=("phone", "email")):
        ctx.txt(left, y, ln, size=th.size - 0.5)
        y += th.pitch
    # client box
    assert d.customer is not None
    bx, bw = W * 0.52, right - W * 0.52
    by = top + 40
    bh = th.pitch * (len(d.customer.address_lines) + 3)
    sh.rect(bx, by, bw, bh, stroke=th.accent, lw=0.8, radius=6 if r.random() < 0.5 else 0)
    ctx.txt(bx + 8, by - 4, ctx.t("bill_to"), size=th.size - 0.5, kind="bold", color=th.accent)
    party_block(ctx, bx + 10, by + th.pitch * 1.5, d.customer, name_field="customer_name", width=bw - 20)
    y = max(y, by + bh) + 26
    title = f"{ctx.t('title').upper()} "
    w = ctx.txt(left, y, title, kind="bold", head=True, size=th.size + 7, color=th.accent)
    num_label = "N° " if not title.strip().endswith("N°") else ""
    ctx.txt(left + w, y, [(num_label, None), ctx.field("invoice_number", d.number, d.number)], kind="bold", head=True,
            size=th.size + 7, color=th.accent)
    y += th.pitch * 2
    rows = meta_rows(ctx, ["invoice_date", "due_date", "customer_number", "po_number"])
    y = draw_meta(ctx, left, y, rows, style="inline" if r.random() < 0.5 else "left")
    y += th.pitch
    cols = item_columns(ctx, left, right, _item_keys(ctx))
    style = _table_style(ctx, header=r.choice(("boxed", "band", "rule")))
    foot = H - 14 * MM

    def footer(sheet: Sheet) -> None:
        x = d.extra
        parts = [d.vendor.name, ctx.t("legal_capital", capital=x["capital"]) if ctx.has("legal_capital") else "",
                 f"{ctx.t('siret')} {x['siren']} 000{x['register'] % 10}{x['store_no'] % 10}"
                 if ctx.has("siret") else "",
                 ctx.t("rcs", city=x["court_city"], siren=x["siren"]) if ctx.has("rcs") else "",
                 ctx.t("ape", ape=x["ape"]) if ctx.has("ape") else ""]
        line1 = " - ".join(p for p in parts if p)
        lines = ctx.wrap(line1, right - left, 6.5)
        yy = foot - 6.5 * 1.3 * (len(lines) + 1)
        sheet.line(left, yy - 9, right, yy - 9, th.rule, 0.4)
        for ln in lines:
            ctx.txt(W / 2, yy, ln, size=6.5, color=th.muted, align="center", sheet=sheet)
            yy += 6.5 * 1.3
        vat = ctx.vendor_vat()
        if vat is not None:
            ctx.txt(W / 2, yy, [(ctx.label("vat_id") + " ", None), vat], size=6.5, color=th.muted, align="center",
                    sheet=sheet)

    def continuation() -> float:
        ctx.txt(right, top, f"{ctx.t('title')} {d.number}", align="right", color=th.muted)
        return top + 16

    page_number_at(ctx, right, foot + 6, size=7)

    def totals(y: float) -> float:
        return draw_totals(ctx, right - 72 * MM, right - 4, y + th.pitch * 1.3, totals_rows(ctx, show_tax_total=True),
                           style=r.choice(("box", "band", "rule")))

    def conditions(y: float) -> float:
        y += th.pitch
        y = _closing_text(ctx, left, y, right - left, bank=True, thanks=False, size=th.size - 0.5)
        if ctx.has("penalties"):
            for ln in ctx.wrap(ctx.t("penalties"), right - left, th.size - 1.5):
                ctx.txt(left, y, ln, size=th.size - 1.5, color=th.muted)
                y += (th.size - 1.5) * 1.3
        return y

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=foot - 50, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx), totals), (th.pitch * 9, conditions)])


def sidebar(ctx: Ctx) -> None:
    """Modern invoice with a coloured sidebar holding the vendor, meta and payment details."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sw = r.uniform(150, 180)
    on_right = r.random() < 0.3
    sx = W - sw if on_right else 0.0
    sh = ctx.new_sheet()
    sh.rect(sx, 0, sw, H, fill=th.accent)
    pad = 18
    y = 36.0
    logo(ctx, sx + pad, y, 34, color=WHITE)
    y += 54
    name_lines = ctx.wrap(d.vendor.name, sw - 2 * pad, th.size + 3, "bold")
    for seg in ctx.field_lines("vendor_name", name_lines, d.vendor.name):
        ctx.txt(sx + pad, y, [seg], kind="bold", size=th.size + 3, color=WHITE)
        y += (th.size + 3) * 1.25
    y += 6
    segs = ctx.field_lines("vendor_address", d.vendor.address_lines, ", ".join(d.vendor.address_lines))
    for seg in segs:
        ctx.txt(sx + pad, y, [seg], size=th.size - 0.5, color=WHITE)
        y += th.pitch
    y += 8
    for ln in contact_lines(ctx, d.vendor, labels=False):
        for part in ctx.wrap(ln, sw - 2 * pad, th.size - 1):
            ctx.txt(sx + pad, y, part, size=th.size - 1, color=WHITE)
            y += th.pitch
    y += 18
    for label, vsegs in meta_rows(ctx, ["invoice_number", "invoice_date", "due_date", "po_number"]):
        ctx.txt(sx + pad, y, label.rstrip(": ").upper(), size=th.size - 1.5, color=WHITE, kind="bold")
        ctx.txt(sx + pad, y + th.pitch, vsegs, size=th.size + 0.5, color=WHITE)
        y += th.pitch * 2.5
    y += 10
    for segs2 in bank_lines(ctx, with_bank=False):
        ctx.txt(sx + pad, y, segs2, size=th.size - 1.5, color=WHITE)
        y += th.pitch
    if d.vendor.vat_id:
        seg3 = ctx.vendor_vat()
        assert seg3 is not None
        ctx.txt(sx + pad, y + 6, [(ctx.label("vat_id") + " ", None), seg3], size=th.size - 1.5, color=WHITE)
    # main column
    mx0 = (24.0 if on_right else sw + 28)
    mx1 = (W - sw - 24) if on_right else W - 30
    my = 70.0
    ctx.txt(mx0, my, ctx.t("title"), kind="bold", head=True, size=r.uniform(24, 34), color=th.accent)
    my += 40
    assert d.customer is not None
    ctx.txt(mx0, my, ctx.label("bill_to", upper=True), size=th.size - 1, color=th.muted, kind="bold")
    my = party_block(ctx, mx0, my + th.pitch * 1.2, d.customer, name_field="customer_name") + 20
    cols = item_columns(ctx, mx0, mx1, [k for k in _item_keys(ctx) if k not in ("sku",)])
    style = _table_style(ctx, header=r.choice(("rule", "upper", "band")), body=r.choice(("hlines", "zebra", "plain")))

    def footer(sheet: Sheet) -> None:
        return None

    def continuation() -> float:
        ctx.sheet.rect(sx, 0, sw, H, fill=th.accent)
        ctx.txt(mx0, 50, f"{ctx.t('title')} {d.number}", kind="bold")
        return 70.0

    page_number_at(ctx, mx1, H - 30, size=7)

    def totals(y: float) -> float:
        return draw_totals(ctx, mx1 - 190, mx1 - 4, y + th.pitch * 1.4, totals_rows(ctx),
                           style=r.choice(("band", "rule")))

    def thanks(y: float) -> float:
        return _closing_text(ctx, mx0, y + th.pitch * 2, mx1 - mx0, bank=False)

    invoice_flow(ctx, y=my, x0=mx0, cols=cols, style=style, bottom=H - 60, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx), totals), (th.pitch * 6, thanks)])


def top_band(ctx: Ctx) -> None:
    """Full-width colour band across the top with vendor and title in white; billed-to / from columns below."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    bh = r.uniform(95, 130)
    sh.rect(0, 0, W, bh, fill=th.accent)
    left, right = 40.0, W - 40
    nsize = r.uniform(16, 22)
    tsize = r.uniform(20, 28)
    title = ctx.t("title").upper()
    room = right - left - ctx.width(title, tsize, "bold", head=True) - 30
    nsize = min(nsize, nsize * room / max(ctx.width(d.vendor.name, nsize, "bold", head=True), 1.0))
    ctx.txt(left, 46, [ctx.field("vendor_name", d.vendor.name, d.vendor.name)], kind="bold", head=True, size=nsize,
            color=WHITE)
    tag = ctx.t("web") if False else (d.vendor.web or "")
    ctx.txt(left, 46 + nsize, tag, size=th.size, color=WHITE)
    ctx.txt(right, 48, title, kind="bold", head=True, size=tsize, align="right", color=WHITE)
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date"])
    yy = 68.0
    for label, segs in rows:
        w = ctx.width("".join(t for t, _ in segs), th.size)
        ctx.txt(right, yy, segs, size=th.size, align="right", color=WHITE)
        ctx.txt(right - w - 6, yy, label, size=th.size, align="right", color=WHITE, kind="bold")
        yy += th.pitch
    y = bh + 30
    assert d.customer is not None
    cw = (right - left) / 3
    ctx.txt(left, y, ctx.label("bill_to", upper=True), kind="bold", color=th.accent, size=th.size - 0.5)
    e1 = party_block(ctx, left, y + th.pitch * 1.3, d.customer, name_field="customer_name", show_contact=True,
                     width=cw - 10)
    ctx.txt(left + cw, y, ctx.label("from_", upper=True), kind="bold", color=th.accent, size=th.size - 0.5)
    e2 = party_block(ctx, left + cw, y + th.pitch * 1.3, d.vendor, address_field="vendor_address", name_kind="regular",
                     width=cw - 10)
    extra = [r_ for r_ in meta_rows(ctx, ["po_number", "customer_number"])]
    if extra:
        ctx.txt(left + 2 * cw, y, ctx.label("notes", upper=True), kind="bold", color=th.accent, size=th.size - 0.5)
        draw_meta(ctx, left + 2 * cw, y + th.pitch * 1.3, extra, style="inline", size=th.size - 0.5)
    y = max(e1, e2) + 22
    cols = item_columns(ctx, left, right, _item_keys(ctx))
    style = _table_style(ctx, header=r.choice(("rule", "upper", "underline2")), body=r.choice(("hlines", "plain",
                                                                                                "zebra")))

    def footer(sheet: Sheet) -> None:
        sheet.rect(0, H - 26, W, 26, fill=th.tint)
        ctx.txt(W / 2, H - 10, " | ".join(contact_lines(ctx, d.vendor, labels=False)), size=7, align="center",
                sheet=sheet)

    def continuation() -> float:
        ctx.sheet.rect(0, 0, W, 30, fill=th.accent)
        ctx.txt(left, 20, f"{d.vendor.name} - {ctx.t('title')} {d.number}", color=WHITE, kind="bold")
        return 60.0

    page_number_at(ctx, right, H - 34, size=7)

    def totals(y: float) -> float:
        return draw_totals(ctx, right - 200, right - 4, y + th.pitch * 1.5, totals_rows(ctx), style="band")

    def pay(y: float) -> float:
        y += th.pitch * 1.5
        ctx.txt(left, y, ctx.label("bank", colon=False), kind="bold", color=th.accent)
        y += th.pitch * 1.2
        for segs in bank_lines(ctx):
            ctx.txt(left, y, segs)
            y += th.pitch
        vat = ctx.vendor_vat()
        if vat is not None:
            ctx.txt(left, y, [(ctx.label("vat_id") + " ", None), vat])
            y += th.pitch
        return _closing_text(ctx, left, y + th.pitch, right - left, terms=True, thanks=True)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - 60, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx) + 10, totals), (th.pitch * 10, pay)])


def classic_serif(ctx: Ctx) -> None:
    """Old-fashioned centred serif letterhead, double rules, vertical-ruled table, double-underlined total."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 60.0, W - 60
    y = 62.0
    name = d.vendor.name.upper() if r.random() < 0.6 else d.vendor.name
    ctx.txt(W / 2, y, [ctx.field("vendor_name", name, d.vendor.name)], kind="bold", head=True, size=r.uniform(16, 22),
            align="center")
    y += 18
    addr = " · ".join(d.vendor.address_lines) if r.random() < 0.6 else ", ".join(d.vendor.address_lines)
    ctx.txt(W / 2, y, [ctx.field("vendor_address", addr, ", ".join(d.vendor.address_lines))], align="center",
            kind="italic")
    y += th.pitch
    ctx.txt(W / 2, y, "  ·  ".join(contact_lines(ctx, d.vendor)), align="center", size=th.size - 0.5)
    y += 10
    sh.line(left, y, right, y, th.text, 1.2)
    sh.line(left, y + 3, right, y + 3, th.text, 0.4)
    y += 34
    ctx.txt(W / 2, y, " ".join(ctx.t("title").upper()), kind="bold", head=True, size=th.size + 6, align="center")
    y += 30
    assert d.customer is not None
    ctx.txt(left, y, ctx.label("bill_to"), kind="italic")
    e1 = party_block(ctx, left, y + th.pitch * 1.3, d.customer, name_field="customer_name", name_kind="bold")
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date", "po_number", "customer_number"])
    e2 = draw_meta(ctx, W * 0.58, y, rows, label_kind="italic")
    y = max(e1, e2) + 22
    cols = item_columns(ctx, left, right, _item_keys(ctx, base=("description", "quantity", "unit_price", "amount")))
    style = _table_style(ctx, header="underline2", body="vlines", frame=True, header_kind="bold")
    foot = H - 40

    def footer(sheet: Sheet) -> None:
        sheet.line(left, foot - 14, right, foot - 14, th.text, 0.4)
        vat = ctx.vendor_vat()
        parts: list[Segment] = [(ctx.t("thanks") + "   ", None)]
        if vat is not None:
            parts += [(ctx.label("vat_id") + " ", None), vat]
        ctx.txt(W / 2, foot, parts, size=th.size - 1, align="center", kind="italic", sheet=sheet)

    def continuation() -> float:
        ctx.txt(W / 2, 50, f"{d.vendor.name} — {ctx.t('title')} {d.number}", align="center", kind="italic")
        return 80.0

    page_number_at(ctx, W / 2, H - 22, align="center", size=7)

    def totals(y: float) -> float:
        return draw_totals(ctx, right - 210, right - 4, y + th.pitch * 1.6, totals_rows(ctx), style="double")

    def terms(y: float) -> float:
        return _closing_text(ctx, left, y + th.pitch * 2, right - left, bank=True, thanks=False)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=foot - 40, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx), totals), (th.pitch * 8, terms)])


def boxed_form(ctx: Ctx) -> None:
    """Pre-printed form look: every block in a frame with a small caption in its corner."""
    d, th, _r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 30.0, W - 30
    top = 30.0
    cap = th.size * 0.7

    def box(x: float, y: float, w: float, h: float, caption: str) -> None:
        sh.rect(x, y, w, h, stroke=th.text, lw=0.7)
        if caption:
            ctx.txt(x + 3, y + cap + 1.5, caption.upper().rstrip(": "), size=cap, color=th.muted, kind="bold")

    half = (right - left) / 2
    vh = th.pitch * (len(d.vendor.address_lines) + 4)
    box(left, top, half - 6, vh, ctx.t("from_"))
    party_block(ctx, left + 6, top + cap + th.pitch + 2, d.vendor, name_field="vendor_name",
                address_field="vendor_address", show_vat=True, width=half - 18)
    # title + meta grid
    tx = left + half + 6
    tw = right - tx
    box(tx, top, tw, 34, "")
    ctx.txt(tx + tw / 2, top + 24, ctx.t("title").upper(), kind="bold", head=True, size=18, align="center")
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date", "po_number"])
    cell_h = th.pitch * 2.2
    for k, (label, segs) in enumerate(rows):
        cx, cy = tx + (k % 2) * tw / 2, top + 40 + (k // 2) * cell_h
        box(cx, cy, tw / 2, cell_h, label)
        ctx.txt(cx + 4, cy + cell_h - 5, segs, kind="bold")
    y = top + max(vh, 40 + ((len(rows) + 1) // 2) * cell_h) + 10
    assert d.customer is not None
    ch = th.pitch * (len(d.customer.address_lines) + 3.5)
    box(left, y, half - 6, ch, ctx.t("bill_to"))
    party_block(ctx, left + 6, y + cap + th.pitch + 2, d.customer, name_field="customer_name", width=half - 18)
    box(tx, y, tw, ch, ctx.t("ship_to"))
    party_block(ctx, tx + 6, y + cap + th.pitch + 2, d.ship_to or d.customer, width=tw - 12)
    y += ch + 10
    cols = item_columns(ctx, left, right, _item_keys(ctx))
    style = _table_style(ctx, header="boxed", body="grid", frame=True)
    foot = H - 30

    def footer(sheet: Sheet) -> None:
        return None

    def continuation() -> float:
        box(left, top, right - left, 24, "")
        ctx.txt(left + 6, top + 16, f"{d.vendor.name} · {ctx.t('title')} {d.number}", kind="bold")
        return top + 34

    page_number_at(ctx, right, foot, size=7, only_multi=False)

    def totals(y: float) -> float:
        y += 8
        rows2 = totals_rows(ctx)
        rh = th.pitch * 1.5
        bw = 210.0
        for k, (label, segs, emph) in enumerate(rows2):
            yy = y + k * rh
            sh2 = ctx.sheet
            sh2.rect(right - bw, yy, bw, rh, stroke=th.text, lw=0.6, fill=th.tint if emph else None)
            sh2.line(right - 85, yy, right - 85, yy + rh, th.text, 0.6)
            ctx.txt(right - bw + 4, yy + rh - 5, label, kind="bold" if emph else "regular")
            ctx.txt(right - 4, yy + rh - 5, segs, kind="bold" if emph else "regular", align="right")
        nh = len(rows2) * rh
        box(left, y, right - left - bw - 10, nh, ctx.t("notes"))
        lines = ctx.wrap(ctx.t("terms", days=d.terms_days) if d.terms_days else ctx.t("thanks"),
                         right - left - bw - 24)
        for k, ln in enumerate(lines[:3]):
            ctx.txt(left + 6, y + cap + th.pitch * (k + 1) + 2, ln)
        return y + nh + 8

    def bank(y: float) -> float:
        bl = bank_lines(ctx)
        if not bl:
            return y
        bh = th.pitch * (len(bl) + 1.5)
        box(left, y, right - left, bh, ctx.t("bank"))
        for k, segs in enumerate(bl):
            ctx.txt(left + 6, y + cap + th.pitch * (k + 1) + 2, segs)
        return y + bh

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=foot - 20, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx) + 20, totals), (th.pitch * 6, bank)])


def factuur_nl(ctx: Ctx) -> None:
    """Dutch factuur: logo and vendor details column at right, address left, two-column meta, BTW specification."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    ctx.new_sheet()
    left, right = 22 * MM, W - 18 * MM
    rx = W - 62 * MM
    y = 18 * MM
    logo(ctx, rx, y, 40)
    y += 52
    y = party_block(ctx, rx, y, d.vendor, name_field="vendor_name", address_field="vendor_address",
                    size=th.size - 0.5, name_kind="bold")
    y += 4
    for ln in contact_lines(ctx, d.vendor, labels=True):
        ctx.txt(rx, y, ln, size=th.size - 1)
        y += th.pitch * 0.9
    y += 4
    if ctx.has("kvk"):
        ctx.txt(rx, y, f"{ctx.t('kvk')} {d.extra['kvk']}", size=th.size - 1)
        y += th.pitch * 0.9
    vat = ctx.vendor_vat()
    if vat is not None:
        ctx.txt(rx, y, [(ctx.label("vat_id") + " ", None), vat], size=th.size - 1)
        y += th.pitch * 0.9
    for segs in bank_lines(ctx, with_bank=False):
        ctx.txt(rx, y, segs, size=th.size - 1)
        y += th.pitch * 0.9
    assert d.customer is not None
    cy = 50 * MM
    party_block(ctx, left, cy, d.customer, name_field="customer_name", name_kind="regular", size=th.size + 0.5,
                show_contact=r.random() < 0.5)
    y = max(y, cy + th.pitch * 6) + 20
    ctx.txt(left, y, ctx.t("title"), kind="bold", head=True, size=th.size + 9, color=th.accent)
    y += 26
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date", "customer_number", "po_number"])
    half = (len(rows) + 1) // 2
    e1 = draw_meta(ctx, left, y, rows[:half], label_w=32 * MM)
    e2 = draw_meta(ctx, left + 80 * MM, y, rows[half:], label_w=32 * MM)
    y = max(e1, e2) + 16
    cols = item_columns(ctx, left, right, _item_keys(ctx))
    style = _table_style(ctx, header=r.choice(("rule", "boxed", "band")), body=r.choice(("plain", "hlines")))
    foot = H - 16 * MM

    def footer(sheet: Sheet) -> None:
        return None

    def continuation() -> float:
        ctx.txt(left, 20 * MM, f"{d.vendor.name} - {ctx.t('title')} {d.number}", kind="bold")
        return 30 * MM

    page_number_at(ctx, right, foot, size=7, only_multi=r.random() < 0.5)

    def totals(y: float) -> float:
        y = draw_totals(ctx, right - 70 * MM, right - 4, y + th.pitch * 1.5, totals_rows(ctx), style="rule")
        if len(d.tax_lines) > 1 or r.random() < 0.5:
            y = _vat_breakdown(ctx, left, y + 6, grid=r.random() < 0.5)
        return y

    def pay(y: float) -> float:
        y += th.pitch
        text = ctx.t("pay_by_transfer")
        for ln in ctx.wrap(text, right - left):
            ctx.txt(left, y, ln)
            y += th.pitch
        if d.iban:
            ctx.txt(left, y, [("IBAN ", None), ctx.iban() or ("", None)], kind="bold")
            y += th.pitch
        return _closing_text(ctx, left, y, right - left, terms=True, thanks=r.random() < 0.5)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=foot - 30, continuation=continuation,
                 footer=footer, closing=[(_totals_height(ctx) + 60, totals), (th.pitch * 7, pay)])


def factura_es(ctx: Ctx) -> None:
    """Spanish factura: title block, emisor/cliente boxes side by side, totals as a row of labelled cells."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 16 * MM, W - 16 * MM
    y = 18 * MM
    ctx.txt(left, y + 14, ctx.t("title").upper(), kind="bold", head=True, size=th.size + 10, color=th.accent)
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date", "po_number"])
    draw_meta(ctx, left, y + 34, rows, label_kind="bold")
    logo(ctx, right - 44, y, 44)
    y = y + 34 + th.pitch * (len(rows) + 1.5)
    bw = (right - left - 12) / 2
    assert d.customer is not None
    heads = ("Datos del emisor", "Datos del cliente") if ctx.lang == "es" else (ctx.t("from_"), ctx.t("bill_to"))
    bh = th.pitch * (max(len(d.vendor.address_lines), len(d.customer.address_lines)) + 4.5)
    for k, (head, party) in enumerate(zip(heads, (d.vendor, d.customer), strict=True)):
        bx = left + k * (bw + 12)
        sh.rect(bx, y, bw, th.pitch * 1.5, fill=th.accent)
        ctx.txt(bx + 6, y + th.pitch * 1.1, head.upper(), kind="bold", color=WHITE, size=th.size - 0.5)
        sh.rect(bx, y, bw, bh, stroke=th.accent, lw=0.7)
        yy = y + th.pitch * 2.7
        if k == 0:
            party_block(ctx, bx + 6, yy, party, name_field="vendor_name", address_field="vendor_address", show_vat=True,
                        width=bw - 12)
        else:
            party_block(ctx, bx + 6, yy, party, name_field="customer_name", show_vat=True, width=bw - 12)
    y += bh + 16
    cols = item_columns(ctx, left, right, _item_keys(ctx))
    style = _table_style(ctx, header=r.choice(("band", "boxed")), body=r.choice(("hlines", "grid", "zebra")))
    foot = H - 14 * MM

    def footer(sheet: Sheet) -> None:
        x = d.extra
        if ctx.has("registry"):
            ctx.txt(W / 2, foot, ctx.t("registry", city=x["court_city"], tomo=x["tomo"], folio=x["folio"],
                                       hoja=x["hoja"]), size=6, align="center", color=th.muted, sheet=sheet)

    def continuation() -> float:
        ctx.txt(left, 18 * MM, f"{ctx.t('title')} {d.number}", kind="bold")
        return 28 * MM

    page_number_at(ctx, right, foot - 10, size=7)

    def totals(y: float) -> float:
        y += 14
        cells: list[tuple[str, list[Segment]]] = [(ctx.t("subtotal"), ctx.money(d.subtotal, name="subtotal",
                                                                                currency=False))]
        if len(d.tax_lines) == 1:
            tl = d.tax_lines[0]
            cells.append((ctx.t("vat_table_rate"), [(d.money.number.format_rate(tl.rate) + " %", None)]))
            cells.append((ctx.t("tax_total"), ctx.money(tl.tax, name="tax_total", currency=False)))
        else:
            for tl in d.tax_lines:
                label = ctx.t("tax", rate=d.money.number.format_rate(tl.rate))
                cells.append((label, ctx.money(tl.tax, currency=False)))
        cells.append((ctx.t("total"), ctx.money(d.total, name="total", currency_field=True)))
        cw = (right - left) / len(cells)
        ch = th.pitch * 2.6
        for k, (label, segs) in enumerate(cells):
            cx = left + k * cw
            last = k == len(cells) - 1
            ctx.sheet.rect(cx, y, cw, ch, stroke=th.accent, lw=0.7, fill=th.tint if last else None)
            ctx.txt(cx + cw / 2, y + th.pitch, label, size=th.size - 1, align="center", color=th.muted)
            ctx.txt(cx + cw / 2, y + ch - 6, segs, kind="bold" if last else "regular", align="center",
                    size=th.size + (1.5 if last else 0))
        return y + ch + 10

    def pay(y: float) -> float:
        return _closing_text(ctx, left, y + th.pitch, right - left, bank=True, thanks=r.random() < 0.6)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=foot - 40, continuation=continuation,
                 footer=footer, closing=[(th.pitch * 6, totals), (th.pitch * 7, pay)])


def totals_left(ctx: Ctx) -> None:
    """Unusual arrangement: meta on the right, totals block under the table on the LEFT, signature right."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 48.0, W - 48
    y = 56.0
    title = ctx.t("title").upper()
    title_w = ctx.width(title, th.size + 8, "bold")
    y = party_block(ctx, left, y, d.vendor, name_field="vendor_name", address_field="vendor_address",
                    name_size=th.size + 5, name_kind="bold", width=min(W * 0.5, right - left - title_w - 20))
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date", "po_number"])
    ctx.txt(right, 56, title, kind="bold", size=th.size + 8, align="right", color=th.accent)
    draw_meta(ctx, right - 190, 80, rows, label_w=100, align_values="right", value_x_right=right)
    y = max(y, 80 + th.pitch * len(rows)) + 24
    assert d.customer is not None
    sh.line(left, y - th.size - 4, left + 30, y - th.size - 4, th.accent, 2)
    y = party_block(ctx, left, y, d.customer, name_field="customer_name", show_vat=r.random() < 0.5) + 18
    cols = item_columns(ctx, left, right, _item_keys(ctx))
    style = _table_style(ctx, header=r.choice(("upper", "rule", "band")), body=r.choice(("hlines", "dotted")))

    def footer(sheet: Sheet) -> None:
        vat = ctx.vendor_vat()
        items: list[Segment] = [(" · ".join(contact_lines(ctx, d.vendor, labels=False)) + "   ", None)]
        if vat is not None:
            items += [(ctx.label("vat_id") + " ", None), vat]
        ctx.txt(left, H - 30, items, size=7, color=th.muted, sheet=sheet)

    def continuation() -> float:
        return 60.0

    page_number_at(ctx, right, H - 30, size=7)

    def totals(y: float) -> float:
        y += th.pitch * 1.5
        end = draw_totals(ctx, left, left + 210, y, totals_rows(ctx), style=r.choice(("rule", "box", "double")))
        sx = right - 180
        ctx.sheet.line(sx, y + 50, right, y + 50, th.text, 0.5)
        ctx.txt(sx, y + 60, ctx.t("closing"), size=th.size - 1, color=th.muted)
        return max(end, y + 60 + th.pitch)

    def pay(y: float) -> float:
        return _closing_text(ctx, left, y + th.pitch, right - left, bank=True)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - 60, continuation=continuation, footer=footer,
                 closing=[(_totals_height(ctx) + 20, totals), (th.pitch * 8, pay)])


def saas_modern(ctx: Ctx) -> None:
    """Online-service invoice: heading top left, label-left meta, three party columns, '€X due <date>' line."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    ctx.new_sheet()
    left, right = 48.0, W - 48
    y = 58.0
    ctx.txt(left, y, ctx.t("title"), kind="bold", head=True, size=th.size + 10)
    logo(ctx, right - 30, y - 24, 30)
    y += 26
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date"])
    y = draw_meta(ctx, left, y, rows, label_w=110, label_kind="regular", label_color=th.muted)
    y += 18
    assert d.customer is not None
    cw = (right - left) / 3
    e1 = party_block(ctx, left, y, d.vendor, name_field="vendor_name", address_field="vendor_address",
                     name_kind="bold", width=cw - 10)
    if d.vendor.email:
        ctx.txt(left, e1, d.vendor.email, color=th.muted)
        e1 += th.pitch
    ctx.txt(left + cw, y, ctx.t("bill_to"), kind="bold")
    e2 = party_block(ctx, left + cw, y + th.pitch, d.customer, name_field="customer_name", name_kind="regular",
                     show_vat=r.random() < 0.4, width=cw - 10)
    e3 = y
    if d.ship_to is not None:
        ctx.txt(left + 2 * cw, y, ctx.t("ship_to"), kind="bold")
        e3 = party_block(ctx, left + 2 * cw, y + th.pitch, d.ship_to, name_kind="regular", width=cw - 10)
    y = max(e1, e2, e3) + 22
    due = f" {ctx.date(d.due_date)}" if d.due_date and d.terms_days else ""
    big = ctx.doc.money.format(d.total)
    ctx.txt(left, y, f"{big} {ctx.t('due_date').lower()}{due}" if due else big, kind="bold", size=th.size + 6)
    y += 30
    cols = item_columns(ctx, left, right, [k for k in _item_keys(ctx) if k not in ("pos", "sku")])
    style = _table_style(ctx, header="upper", body="hlines", header_kind="regular")

    def footer(sheet: Sheet) -> None:
        ctx.txt(left, H - 36, f"{d.number} · {big}", size=7, color=th.muted, sheet=sheet)

    def continuation() -> float:
        return 60.0

    page_number_at(ctx, right, H - 36, size=7, only_multi=False)

    def totals(y: float) -> float:
        rows2 = totals_rows(ctx)
        rows2.append((ctx.t("amount_due"), ctx.money(d.total), True))
        return draw_totals(ctx, right - 230, right - 4, y + th.pitch * 1.3, rows2, style="plain")

    def extra(y: float) -> float:
        y += th.pitch
        vat = ctx.vendor_vat()
        if vat is not None:
            ctx.txt(left, y, [(ctx.label("vat_id") + " ", None), vat], color=th.muted)
            y += th.pitch
        return _closing_text(ctx, left, y, right - left, terms=False, bank=True, thanks=False)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - 70, continuation=continuation, footer=footer,
                 closing=[(_totals_height(ctx, 2), totals), (th.pitch * 6, extra)])


def typewriter_erp(ctx: Ctx) -> None:
    """ERP printout in a monospaced font: text rules of dashes, columns aligned on a character grid."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    ctx.new_sheet()
    size = th.size
    cw = ctx.width("0", size)
    left = 42.0
    ncols = int((W - 2 * left) / cw)
    right = left + ncols * cw
    pitch = size * 1.25
    y = 50.0
    name = d.vendor.name.upper()
    ctx.txt(left, y, [ctx.field("vendor_name", name, name)], kind="bold")
    y += pitch
    addr = [ln.upper() for ln in d.vendor.address_lines]
    for seg in ctx.field_lines("vendor_address", addr, ", ".join(addr)):
        ctx.txt(left, y, [seg])
        y += pitch
    vat = ctx.vendor_vat()
    if vat is not None:
        ctx.txt(left, y, [(ctx.label("vat_id", upper=True) + " ", None), vat])
        y += pitch
    ctx.txt(right, 50, ctx.t("title").upper(), kind="bold", align="right")
    my = 50 + pitch * 1.5
    mrows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date", "customer_number", "po_number"])
    lw = max(len(label) for label, _ in mrows) + 1
    vw = max(len("".join(t for t, _ in segs)) for _, segs in mrows)
    for label, segs in mrows:
        ctx.txt(right - (lw + vw + 1) * cw, my, label.upper())
        ctx.txt(right, my, segs, align="right")
        my += pitch
    y = max(y, my) + pitch
    assert d.customer is not None
    for k, seg in enumerate([ctx.field("customer_name", d.customer.name.upper(), d.customer.name.upper())] +
                            [(ln.upper(), None) for ln in d.customer.address_lines]):
        ctx.txt(left + 4 * cw, y + k * pitch, [seg])
    y += pitch * (len(d.customer.address_lines) + 2.5)
    text_rules = r.random() < 0.5  # printed dashes, or ruled lines
    rule = "-" * ncols if text_rules else ""
    keys = ["pos", "sku", "description", "quantity", "unit_price", "amount"]
    if len({i.tax_rate for i in d.items}) > 1:
        keys.insert(5, "tax_rate")
    cols = item_columns(ctx, left, right, keys)
    for c in cols:
        c.title = c.title.upper()
    style = TableStyle(header="plain", body="plain", size=size, pad=1.0, header_kind="regular", detail_scale=1.0)

    def header_rule(y: float) -> float:
        if rule:
            ctx.txt(left, y, rule)
        else:
            ctx.sheet.line(left, y - size * 0.3, right, y - size * 0.3, th.text, 0.6, dash=(3, 2))
        return y + pitch * 0.4

    def footer(sheet: Sheet) -> None:
        if rule:
            ctx.txt(left, H - 40, rule, sheet=sheet)
        else:
            sheet.line(left, H - 43, right, H - 43, th.text, 0.6, dash=(3, 2))

    def continuation() -> float:
        ctx.txt(left, 50, f"{name}  {ctx.t('title').upper()} {d.number}")
        return header_rule(50 + pitch * 2) + pitch * 0.8

    page_number_at(ctx, right, H - 28, size=size)
    y = header_rule(y)

    def totals(y: float) -> float:
        header_rule(y + pitch * 0.6)
        y += pitch * 2
        rows2 = totals_rows(ctx, total_currency=True)
        for label, segs, emph in rows2:
            ctx.txt(right - 44 * cw, y, label.upper(), kind="bold" if emph else "regular")
            ctx.txt(right, y, segs, align="right", kind="bold" if emph else "regular")
            y += pitch
        ctx.txt(right - 20 * cw, y, "=" * 20)
        return y + pitch * 1.5

    def terms(y: float) -> float:
        text = ctx.t("terms", days=d.terms_days) if d.terms_days else ctx.t("terms_receipt")
        for ln in ctx.wrap(text.upper(), right - left):
            ctx.txt(left, y, ln)
            y += pitch
        for segs in bank_lines(ctx):
            ctx.txt(left, y, segs)
            y += pitch
        return y

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - 70, continuation=continuation, footer=footer,
                 closing=[(pitch * (len(d.tax_lines) + 7), totals), (pitch * 13, terms)])


def timesheet_services(ctx: Ctx) -> None:
    """Consultant's invoice billed by the hour: project/period line, date column, hours x rate."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 56.0, W - 56
    y = 64.0
    person = d.vendor.contact or d.vendor.name
    ctx.txt(left, y, person, kind="bold", head=True, size=th.size + 7)
    y += 18
    ctx.txt(left, y, [ctx.field("vendor_name", d.vendor.name, d.vendor.name)], color=th.accent, kind="bold")
    y += th.pitch
    addr = ", ".join(d.vendor.address_lines)
    ctx.txt(left, y, [ctx.field("vendor_address", addr, addr)], size=th.size - 0.5)
    y += th.pitch
    ctx.txt(left, y, " / ".join(contact_lines(ctx, d.vendor, keys=("email", "phone"), labels=False)),
            size=th.size - 0.5, color=th.muted)
    y += 14
    sh.line(left, y, right, y, th.accent, 2.0)
    y += 28
    ctx.txt(left, y, ctx.t("title"), kind="bold", size=th.size + 4)
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date"])
    ey = draw_meta(ctx, W / 2 + 20, y, rows, label_w=90)
    assert d.customer is not None
    cy = party_block(ctx, left, y + th.pitch * 2, d.customer, name_field="customer_name", show_contact=True)
    y = max(ey, cy) + 10
    start = d.issue_date.replace(day=1)
    ctx.txt(left, y, f"{ctx.t('period')}: {ctx.date(start)} - {ctx.date(d.issue_date)}", kind="italic")
    y += th.pitch * 2
    cols = item_columns(ctx, left, right, ["description", "quantity", "unit_price", "amount"], hours=True)
    style = _table_style(ctx, header=r.choice(("rule", "band", "upper")), body=r.choice(("hlines", "zebra")))

    def footer(sheet: Sheet) -> None:
        vat = ctx.vendor_vat()
        if vat is not None:
            ctx.txt(W / 2, H - 34, [(ctx.label("vat_id") + " ", None), vat], size=7, align="center", color=th.muted,
                    sheet=sheet)

    def continuation() -> float:
        return 64.0

    page_number_at(ctx, right, H - 34, size=7)

    def totals(y: float) -> float:
        hours = sum((i.quantity for i in d.items), start=d.items_total * 0)
        ctx.txt(left, y + th.pitch * 1.5, f"{ctx.t('hours')}: {ctx.qty(hours)}", kind="bold")
        return draw_totals(ctx, right - 200, right - 4, y + th.pitch * 1.5, totals_rows(ctx), style="rule")

    def pay(y: float) -> float:
        return _closing_text(ctx, left, y + th.pitch, right - left, bank=True)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - 70, continuation=continuation, footer=footer,
                 closing=[(_totals_height(ctx), totals), (th.pitch * 8, pay)])


def compact_two_column(ctx: Ctx) -> None:
    """Compact business invoice: letterhead left, framed meta box right, VAT table beside the totals box."""
    d, th, r = ctx.doc, ctx.theme, ctx.rng
    W, H = ctx.page_size
    sh = ctx.new_sheet()
    left, right = 36.0, W - 36
    y = 44.0
    name_first = r.random() < 0.5
    if not name_first:
        logo(ctx, left, y - 10, 30)
        y += 28
    y = party_block(ctx, left, y + 6, d.vendor, name_field="vendor_name", address_field="vendor_address",
                    name_size=th.size + 4, one_line=None if r.random() < 0.6 else ", ", width=W * 0.56 - left - 12)
    rows = meta_rows(ctx, ["invoice_number", "invoice_date", "due_date", "customer_number", "po_number",
                           "currency"])
    bx, bw = W * 0.56, right - W * 0.56
    bh = th.pitch * (len(rows) + 2.4)
    sh.rect(bx, 40, bw, bh, stroke=th.text, lw=0.8)
    ctx.txt(bx + 6, 40 + th.pitch * 1.2, ctx.t("title").upper(), kind="bold", size=th.size + 2)
    draw_meta(ctx, bx + 6, 40 + th.pitch * 2.5, rows, label_w=bw * 0.48)
    y = max(y, 40 + bh) + 18
    assert d.customer is not None
    ctx.txt(left, y, ctx.label("bill_to"), kind="bold", color=th.accent)
    e1 = party_block(ctx, left, y + th.pitch * 1.2, d.customer, name_field="customer_name", show_vat=True,
                     width=W * 0.56 - left - 12)
    e2 = y
    if d.ship_to is not None:
        ctx.txt(W * 0.56, y, ctx.label("ship_to"), kind="bold", color=th.accent)
        e2 = party_block(ctx, W * 0.56, y + th.pitch * 1.2, d.ship_to, width=right - W * 0.56)
    y = max(e1, e2) + 16
    cols = item_columns(ctx, left, right, _item_keys(ctx))
    style = _table_style(ctx, header=r.choice(("rule", "boxed")), body="vlines", frame=True)

    def footer(sheet: Sheet) -> None:
        _footer_columns(ctx, sheet, _vendor_footer(ctx, bank=True, register=r.random() < 0.5)[1:], y=H - 40,
                        x0=left, x1=right, size=6.5)

    def continuation() -> float:
        return 44.0

    page_number_at(ctx, right, 28, size=7)

    def totals(y: float) -> float:
        y += 12
        vy = _vat_breakdown(ctx, left, y, col_w=52)
        ty = draw_totals(ctx, right - 170, right - 6, y + th.pitch, totals_rows(ctx, show_tax_total=True), style="box")
        return max(vy, ty)

    def terms(y: float) -> float:
        return _closing_text(ctx, left, y + th.pitch, right - left, thanks=r.random() < 0.5)

    invoice_flow(ctx, y=y, x0=left, cols=cols, style=style, bottom=H - 80, continuation=continuation, footer=footer,
                 closing=[(_totals_height(ctx) + 30, totals), (th.pitch * 5, terms)])


def _theme_factory(body: tuple[str, ...], head: tuple[str, ...] | None = None,
                   **kw: object) -> Callable[[random.Random, str], Theme]:
    def make(rng: random.Random, lang: str) -> Theme:
        return make_theme(rng, body, head, lang=lang, **kw)  # type: ignore[arg-type]

    return make


FAMILIES: tuple[Family, ...] = (
    Family("din5008_letter", "invoice", "German DIN 5008 business letter with window address, info block and "
           "footer columns", din5008, _theme_factory(("sans", "serif"), ("sans",), size=(8.5, 10)),
           _opts(max_items=40), "A4", ("de-DE",)),
    Family("us_corporate", "invoice", "US corporate invoice: logo top left, INVOICE title, Bill To/Ship To boxes, "
           "banded table", us_corporate, _theme_factory(("sans",), ("sans", "condensed"), size=(8, 9.5)),
           _opts(ship_to_share=0.5), "locale", ("en-US",)),
    Family("freelancer_minimal", "invoice", "minimal freelancer invoice: light name, label-above meta row, "
           "hairline table", freelancer_minimal, _theme_factory(("sans",), ("sans", "serif"), size=(8.5, 10),
                                                                  colourful=0.6),
           _opts(max_items=12, domains=("services", "marketing", "software", "it")), "locale", ()),
    Family("wholesale_grid", "invoice", "table-heavy wholesaler invoice: condensed type, boxed meta grid, ruled "
           "item grid with article numbers, VAT table", wholesale_grid,
           _theme_factory(("condensed",), ("condensed", "sans"), size=(7, 8.5), leading=(1.15, 1.3)),
           _opts(min_items=6, max_items=40, domains=("wholesale_food", "industrial", "office", "it"),
                 ship_to_share=0.6, discount_share=0.35), "A4", ("de-DE", "nl-NL")),
    Family("utility_bill", "invoice", "utility/telecom bill: account summary box with amount due, charges "
           "detail, tear-off payment stub", utility_bill, _theme_factory(("sans", "condensed"), ("sans",),
                                                                         size=(8, 9.5)),
           _opts(min_items=3, max_items=10, domains=("utility",), details_share=0.1, multi_rate_share=0.1,
                 ship_to_share=0.0,
                 discount_share=0.0), "locale", ("en-US", "en-GB")),
    Family("facture_fr", "invoice", "French facture: vendor block left, client box right, HT/TVA/TTC totals, "
           "mentions legales footer", facture_fr, _theme_factory(("sans", "serif"), ("sans", "serif"),
                                                                 size=(8, 9.5)),
           _opts(max_items=40), "A4", ("fr-FR",)),
    Family("sidebar_modern", "invoice", "modern invoice with a coloured sidebar holding vendor, meta and payment "
           "details", sidebar, _theme_factory(("sans",), ("sans",), size=(8, 9.5), colourful=1.0),
           _opts(max_items=18), "locale", ()),
    Family("top_band", "invoice", "full-width colour band header with white vendor/title, billed-to and from "
           "columns", top_band, _theme_factory(("sans",), ("sans", "condensed"), size=(8, 9.5), colourful=1.0),
           _opts(max_items=40), "locale", ("en-GB", "en-US")),
    Family("classic_serif", "invoice", "old-fashioned centred serif letterhead, double rules, vertical-ruled "
           "table", classic_serif, _theme_factory(("serif",), ("serif",), size=(9, 10.5), colourful=0.2),
           _opts(max_items=36), "locale", ("en-GB", "fr-FR")),
    Family("boxed_form", "invoice", "pre-printed form: every block in a frame with a small caption, grid "
           "totals", boxed_form, _theme_factory(("sans", "condensed"), ("sans",), size=(7.5, 9), colourful=0.4),
           _opts(max_items=24, ship_to_share=0.7), "locale", ("es-ES", "en-US")),
    Family("factuur_nl", "invoice", "Dutch factuur: logo and vendor details column right, address left, "
           "two-column meta, BTW specification", factuur_nl, _theme_factory(("sans",), ("sans",), size=(8, 9.5)),
           _opts(max_items=25), "A4", ("nl-NL",)),
    Family("factura_es", "invoice", "Spanish factura: emisor/cliente boxes side by side, totals as a row of "
           "labelled cells", factura_es, _theme_factory(("sans", "condensed"), ("sans",), size=(8, 9.5)),
           _opts(max_items=22), "A4", ("es-ES",)),
    Family("totals_left", "invoice", "meta at the right, totals block under the table on the left, signature "
           "line right", totals_left, _theme_factory(("sans", "serif"), ("sans", "serif"), size=(8.5, 10)),
           _opts(max_items=18), "locale", ()),
    Family("saas_modern", "invoice", "online-service invoice: heading top left, label-left meta, three party "
           "columns, 'amount due on date' line", saas_modern, _theme_factory(("sans",), ("sans",), size=(8, 9.5),
                                                                               colourful=0.7),
           _opts(max_items=8, domains=("software", "services", "marketing"), details_share=0.4), "locale",
           ("en-US",)),
    Family("typewriter_erp", "invoice", "ERP printout in a monospaced font with dashed text rules and "
           "upper-case labels", typewriter_erp, _theme_factory(("mono",), None, size=(7.5, 9), colourful=0.0),
           _opts(max_items=35, details_share=0.05), "locale", ("de-DE", "es-ES")),
    Family("timesheet_services", "invoice", "consultant invoice billed by the hour with project period",
           timesheet_services, _theme_factory(("sans", "serif"), ("sans", "serif"), size=(8.5, 10)),
           _opts(max_items=14, domains=("services",), details_share=0.5), "locale", ("en-GB", "nl-NL")),
    Family("compact_two_column", "invoice", "compact invoice: letterhead left, framed meta box right, vertical-"
           "ruled table, VAT table beside the totals box", compact_two_column,
           _theme_factory(("sans", "condensed"), ("sans",), size=(7.5, 9)), _opts(max_items=30), "locale", ()),
)
