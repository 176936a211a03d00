"""Shared machinery of the layout families: theme, drawing context, truth registration, blocks.

A family is a function ``render(ctx)`` that draws one document's :class:`~invoicer.synth.content.DocContent`
on :class:`~invoicer.synth.render.Sheet` pages through a :class:`Ctx`. Whatever a family prints as a
value it prints through :meth:`Ctx.field` / :meth:`Ctx.cell` (or the blocks below, which do), so the
value's truth (normalized value + raw printed text) and the tag of its words are recorded together.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from invoicer.synth.content import ContentOptions, DocContent, Item, Party
from invoicer.synth.fonts import FontFace, FontFamily, pick_family
from invoicer.synth.labels import field_entity, item_entity
from invoicer.synth.locales import has_term, term
from invoicer.synth.render import Color, Segment, Sheet, Tag

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": (595.28, 841.89),
    "Letter": (612.0, 792.0),
}
ROLL_WIDTHS: dict[str, float] = {"58": 164.41, "80": 226.77}  # till rolls: 58 mm and 80 mm paper

MAX_PAGES = 3


class LayoutOverflow(Exception):
    """The content does not fit the family's page budget; the engine retries with fewer items."""


# ---------------------------------------------------------------------------------------------- theme


def _mix(a: Color, b: Color, t: float) -> Color:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


ACCENTS: tuple[Color, ...] = (
    (0.10, 0.26, 0.55), (0.00, 0.45, 0.55), (0.70, 0.12, 0.15), (0.13, 0.45, 0.25), (0.35, 0.20, 0.55),
    (0.85, 0.40, 0.05), (0.20, 0.20, 0.22), (0.05, 0.35, 0.70), (0.55, 0.10, 0.35), (0.30, 0.38, 0.45),
    (0.00, 0.30, 0.25), (0.75, 0.55, 0.05),
)


@dataclass(frozen=True)
class Theme:
    """Fonts, sizes and colours of one document."""

    body: FontFamily
    head: FontFamily
    size: float
    leading: float  # line pitch = size * leading
    accent: Color
    text: Color
    muted: Color
    rule: Color
    tint: Color  # light fill (bands, zebra rows)
    upper_labels: bool
    colon: str  # label suffix: ":", "" or " :"

    @property
    def charset(self) -> frozenset[str]:
        return self.body.charset & self.head.charset

    @property
    def pitch(self) -> float:
        return self.size * self.leading


def make_theme(rng: random.Random, body_styles: Sequence[str], head_styles: Sequence[str] | None = None, *,
               size: tuple[float, float] = (8.0, 10.0), leading: tuple[float, float] = (1.2, 1.45),
               colourful: float = 0.8, allow_ascii: bool = False, lang: str = "en") -> Theme:
    body = pick_family(rng, body_styles, allow_ascii=allow_ascii)
    head = body if head_styles is None or rng.random() < 0.4 else pick_family(rng, head_styles, allow_ascii=allow_ascii)
    accent = rng.choice(ACCENTS) if rng.random() < colourful else (0.1, 0.1, 0.1)
    ink = rng.choice(((0.0, 0.0, 0.0), (0.1, 0.1, 0.1), (0.15, 0.15, 0.2), (0.2, 0.2, 0.2)))
    colon = " :" if lang == "fr" and rng.random() < 0.6 else rng.choice((":", ":", ""))
    return Theme(
        body=body, head=head, size=round(rng.uniform(*size) * 2) / 2, leading=rng.uniform(*leading), accent=accent,
        text=ink, muted=_mix(ink, (1.0, 1.0, 1.0), rng.uniform(0.3, 0.5)), rule=_mix(ink, (1.0, 1.0, 1.0), 0.55),
        tint=_mix(accent, (1.0, 1.0, 1.0), rng.uniform(0.82, 0.93)), upper_labels=rng.random() < 0.2, colon=colon,
    )


# ---------------------------------------------------------------------------------------------- truth


@dataclass
class FieldTruth:
    value: str
    raw: str
    tag: Tag


@dataclass
class Ctx:
    """Everything a family needs to draw one document and record its truth."""

    doc: DocContent
    theme: Theme
    rng: random.Random
    page_size: tuple[float, float]
    family: str
    sheets: list[Sheet] = field(default_factory=list)
    fields: dict[str, FieldTruth] = field(default_factory=dict)
    items: dict[int, dict[str, FieldTruth]] = field(default_factory=dict)
    _terms: dict[str, str] = field(default_factory=dict)
    _deferred: list[Callable[[int], None]] = field(default_factory=list)
    extra_truth: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ pages
    @property
    def sheet(self) -> Sheet:
        return self.sheets[-1]

    def new_sheet(self, width: float | None = None, height: float | None = None) -> Sheet:
        if len(self.sheets) >= MAX_PAGES:
            raise LayoutOverflow(f"{self.family}: more than {MAX_PAGES} pages")
        w, h = self.page_size
        sheet = Sheet(width or w, height or h)
        self.sheets.append(sheet)
        return sheet

    def at_finish(self, fn: Callable[[int], None]) -> None:
        """Run ``fn(page_count)`` once the page count is known (page numbers)."""
        self._deferred.append(fn)

    def finish(self) -> None:
        for fn in self._deferred:
            fn(len(self.sheets))
        self._deferred.clear()

    # ------------------------------------------------------------------ text
    @property
    def lang(self) -> str:
        return self.doc.lang

    def clean(self, text: str) -> str:
        return self.doc.clean(text)

    def _clean_lines(self, text: str) -> str:
        return "\n".join(self.clean(line) for line in text.split("\n"))

    def t(self, key: str, **fmt: Any) -> str:
        """This document's label for ``key`` (drawn once, then reused), formatted and cleaned."""
        if key not in self._terms:
            self._terms[key] = term(self.lang, key, self.rng, self.doc.locale.country)
        text = self._terms[key]
        for k, v in fmt.items():
            text = text.replace("{" + k + "}", str(v))
        return self.clean(text)

    def has(self, key: str) -> bool:
        return has_term(self.lang, key)

    def label(self, key: str, *, colon: bool = True, upper: bool | None = None, **fmt: Any) -> str:
        text = self.t(key, **fmt)
        if upper if upper is not None else self.theme.upper_labels:
            text = text.upper()
        if colon and self.theme.colon and not text.endswith((":", "#", "°", "º")):
            text += self.theme.colon
        return text

    def face(self, kind: str = "regular", head: bool = False) -> FontFace:
        fam = self.theme.head if head else self.theme.body
        return getattr(fam, kind)  # type: ignore[no-any-return]

    def width(self, text: str, size: float | None = None, kind: str = "regular", head: bool = False) -> float:
        return self.face(kind, head).width(text, size or self.theme.size)

    def txt(self, x: float, y: float, content: str | Sequence[Segment], *, kind: str = "regular", head: bool = False,
            size: float | None = None, color: Color | None = None, align: str = "left",
            sheet: Sheet | None = None) -> float:
        content = self.clean(content) if isinstance(content, str) else [(self.clean(t), g) for t, g in content]
        return (sheet or self.sheet).text(x, y, content, self.face(kind, head), size or self.theme.size,
                                          color or self.theme.text, align)

    def wrap(self, text: str, width: float, size: float | None = None, kind: str = "regular") -> list[str]:
        """Greedy word wrap of ``text`` into lines no wider than ``width``."""
        face = self.face(kind)
        size = size or self.theme.size
        words = self.clean(text).split()
        lines: list[str] = []
        cur = ""
        for w in words:
            cand = f"{cur} {w}" if cur else w
            if face.width(cand, size) <= width or not cur:
                cur = cand
            else:
                lines.append(cur)
                cur = w
            while face.width(cur, size) > width and len(cur) > 4:  # a single over-long word: cut it
                cut = len(cur) - 1
                while cut > 1 and face.width(cur[:cut], size) > width:
                    cut -= 1
                lines.append(cur[:cut])
                cur = cur[cut:]
        if cur:
            lines.append(cur)
        return lines

    # ------------------------------------------------------------------ truth
    def field(self, name: str, raw: str, value: str) -> Segment:
        """Register the printed occurrence of header field ``name`` and return its tagged segment."""
        raw = self._clean_lines(raw)
        if name in self.fields:
            raise ValueError(f"{self.family}: field {name} printed as a labelled value twice")
        tag = (field_entity(name), 0)
        self.fields[name] = FieldTruth(value, raw, tag)
        return (raw, tag)

    def field_lines(self, name: str, lines: Sequence[str], value: str) -> list[Segment]:
        """A multi-line field (address): one tagged segment per line, one occurrence."""
        lines = [self.clean(x) for x in lines]
        self.field(name, "\n".join(lines), value)
        tag = self.fields[name].tag
        return [(line, tag) for line in lines]

    def cell(self, column: str, index: int, raw: str, value: str | None) -> Segment:
        """Register one printed line-item cell (row ``index``)."""
        raw = self._clean_lines(raw)
        row = self.items.setdefault(index, {})
        if column in row:
            raise ValueError(f"{self.family}: item {index} column {column} printed twice")
        tag = (item_entity(column), index + 1)  # occurrence 0 is reserved for header fields
        row[column] = FieldTruth(value if value is not None else raw, raw, tag)
        return (raw, tag)

    def cell_lines(self, column: str, index: int, lines: Sequence[str], value: str) -> list[Segment]:
        lines = [self.clean(x) for x in lines]
        self.cell(column, index, "\n".join(lines), value)
        tag = self.items[index][column].tag
        return [(line, tag) for line in lines]

    # ------------------------------------------------------------------ values
    def num(self, value: Decimal, places: int = 2) -> str:
        return self.doc.money.number.format(value, places)

    def qty(self, value: Decimal) -> str:
        return self.doc.money.number.format_quantity(value)

    def rate(self, value: Decimal) -> str:
        """A tax rate as this document prints it in item rows: "19%", "19 %" or "19"."""
        if "_pct" not in self._terms:
            self._terms["_pct"] = self.rng.choice(("%", "%", " %", ""))
            if self.lang == "fr" and self._terms["_pct"] == "%":
                self._terms["_pct"] = " %"
        return self.doc.money.number.format_rate(value) + self._terms["_pct"]

    def date(self, value: Any, pattern: str | None = None) -> str:
        return self.clean(self.doc.fmt_date(value, pattern))

    def money(self, value: Decimal, *, name: str | None = None, currency: bool = True,
              currency_field: bool = False) -> list[Segment]:
        """``value`` printed in the document's money style. ``name`` tags the amount as that field;
        ``currency_field`` also tags the currency mark as the document's currency (once per document)."""
        style = self.doc.money
        if not currency:
            text = style.number.format(value)
            return [self.field(name, text, money_value(value)) if name else (text, None)]
        out: list[Segment] = []
        for text, role in style.parts(value):
            text = self.clean(text)
            if role == "n":
                out.append(self.field(name, text, money_value(value)) if name else (text, None))
            elif role == "c" and currency_field and "currency" not in self.fields:
                out.append(self.field("currency", text, style.currency))
            else:
                out.append((text, None))
        return out

    def currency_mark(self, *, register: bool = True, code: bool | None = None) -> Segment:
        """The currency as printed standing alone (e.g. in a column header), registered once."""
        style = self.doc.money
        text = style.currency if (code if code is not None else "{c}" in style.pattern) else style.symbol
        text = self.clean(text)
        if register and "currency" not in self.fields:
            return self.field("currency", text, style.currency)
        return (text, None)

    def vat_text(self, party: Party) -> str:
        from invoicer.synth.ids import print_vat_id

        assert party.vat_id is not None
        key = f"_vat_{party.vat_id}"
        if key not in self._terms:
            country = party.vat_id[:2] if party.vat_id[:2].isalpha() else "US"
            self._terms[key] = print_vat_id(party.vat_id, country, self.rng)
        return self._terms[key]

    def vendor_vat(self) -> Segment | None:
        """The vendor's VAT id as printed, registered as ``vendor_tax_id`` (first call only)."""
        v = self.doc.vendor
        if v.vat_id is None:
            return None
        text = self.vat_text(v)
        if "vendor_tax_id" in self.fields:
            return (text, None)
        return self.field("vendor_tax_id", text, compact_id(text))

    def iban_text(self) -> str:
        from invoicer.synth.ids import print_iban

        assert self.doc.iban is not None
        if "_iban" not in self._terms:
            self._terms["_iban"] = print_iban(self.doc.iban, self.rng)
        return self._terms["_iban"]

    def iban(self) -> Segment | None:
        if self.doc.iban is None:
            return None
        text = self.iban_text()
        if "iban" in self.fields:
            return (text, None)
        return self.field("iban", text, self.doc.iban)


def money_value(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def decimal_value(value: Decimal) -> str:
    """A quantity or rate as a plain decimal string without exponent or trailing zeros."""
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def compact_id(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum()).upper()


# ---------------------------------------------------------------------------------------------- blocks


def party_block(ctx: Ctx, x: float, y: float, party: Party, *, name_field: str | None = None,
                address_field: str | None = None, size: float | None = None, pitch: float | None = None,
                name_kind: str = "bold", name_size: float | None = None, align: str = "left",
                show_vat: bool = False, show_contact: bool = False, color: Color | None = None,
                one_line: str | None = None, width: float | None = None) -> float:
    """Name and address lines of ``party`` from baseline ``y``; returns the next free baseline.

    ``one_line`` joins the address into one line with that separator (" · ", ", ", " | ");
    ``width`` wraps a longer name onto more lines.
    """
    size = size or ctx.theme.size
    pitch = pitch or size * ctx.theme.leading
    name_size = name_size or size
    name = party.name
    names = ctx.wrap(name, width, name_size, name_kind) if width else [ctx.clean(name)]
    segs0: list[Segment] = (ctx.field_lines(name_field, names, " ".join(ctx.clean(name).split())) if name_field
                            else [(n, None) for n in names])
    for seg in segs0:
        ctx.txt(x, y, [seg], kind=name_kind, size=name_size, align=align, color=color)
        y += max(pitch, name_size * 1.2)
    if show_contact and party.contact:
        ctx.txt(x, y, party.contact, size=size, align=align, color=color)
        y += pitch
    lines = list(party.address_lines)
    if width and not one_line:
        lines = [part for ln in lines for part in ctx.wrap(ln, width, size)]
    if one_line:
        joined = one_line.join(lines)
        if address_field:
            seg = ctx.field(address_field, joined, ", ".join(ctx.clean(x) for x in lines))
            ctx.txt(x, y, [seg], size=size, align=align, color=color)
        else:
            ctx.txt(x, y, joined, size=size, align=align, color=color)
        y += pitch
    else:
        segs: list[Segment] = (
            ctx.field_lines(address_field, lines, ", ".join(ctx.clean(x) for x in party.address_lines))
            if address_field
            else [(ln, None) for ln in lines]
        )
        for seg in segs:
            ctx.txt(x, y, [seg], size=size, align=align, color=color)
            y += pitch
    if show_vat and party.vat_id:
        if party is ctx.doc.vendor:
            vat = ctx.vendor_vat()
            assert vat is not None
        else:
            vat = (ctx.vat_text(party), None)
        ctx.txt(x, y, [(ctx.label("vat_id") + " ", None), vat], size=size, align=align, color=color)
        y += pitch
    return y


def meta_rows(ctx: Ctx, keys: Sequence[str], *, number_key: str = "invoice_number",
              date_key: str = "invoice_date") -> list[tuple[str, list[Segment]]]:
    """(label, value segments) for the document's meta data, tagging what maps to contract fields.

    Keys: invoice_number, invoice_date, due_date, po_number, customer_number, delivery_date, terms,
    currency, page (placeholder filled by the caller), time.
    """
    d = ctx.doc
    rows: list[tuple[str, list[Segment]]] = []
    for key in keys:
        if key == "invoice_number":
            rows.append((ctx.label(number_key), [ctx.field("invoice_number", d.number, d.number)]))
        elif key == "invoice_date":
            text = ctx.date(d.issue_date)
            rows.append((ctx.label(date_key), [ctx.field("invoice_date", text, d.issue_date.isoformat())]))
        elif key == "due_date" and d.due_date is not None and d.terms_days > 0:
            text = ctx.date(d.due_date)
            rows.append((ctx.label("due_date"), [ctx.field("due_date", text, d.due_date.isoformat())]))
        elif key == "po_number" and d.po_number:
            rows.append((ctx.label("po_number"), [ctx.field("po_number", d.po_number, d.po_number)]))
        elif key == "customer_number" and d.customer_number:
            rows.append((ctx.label("customer_number"), [(d.customer_number, None)]))
        elif key == "delivery_date" and d.delivery_date is not None and ctx.has("delivery_date"):
            rows.append((ctx.label("delivery_date"), [(ctx.date(d.delivery_date), None)]))
        elif key == "currency":
            rows.append((ctx.label("currency_label"), [ctx.currency_mark(code=True)]))
    return rows


def draw_meta(ctx: Ctx, x: float, y: float, rows: Sequence[tuple[str, Sequence[Segment]]], *, style: str = "left",
              label_w: float | None = None, size: float | None = None, align_values: str = "left",
              value_x_right: float | None = None, label_kind: str = "regular", value_kind: str = "regular",
              label_color: Color | None = None, col_w: float = 95.0) -> float:
    """Meta rows as label-left (two columns), label-above (a row of cells) or inline ("Label: value")."""
    size = size or ctx.theme.size
    pitch = size * ctx.theme.leading
    if style == "above":
        cx = x
        for label, segs in rows:
            ctx.txt(cx, y, label, size=size * 0.85, color=label_color or ctx.theme.muted, kind=label_kind)
            ctx.txt(cx, y + pitch * 1.05, segs, size=size, kind=value_kind)
            cx += col_w
        return y + pitch * 2.4
    if style == "inline":
        for label, segs in rows:
            ctx.txt(x, y, [(label + " ", None), *segs], size=size, kind=value_kind)
            y += pitch
        return y
    if not rows:
        return y
    widest_label = max(ctx.width(label, size, label_kind) for label, _ in rows) + 8
    lw = max(label_w or 0.0, widest_label)
    if align_values == "right" and value_x_right is not None:
        widest_value = max(ctx.width("".join(t for t, _ in segs), size, value_kind) for _, segs in rows)
        x = min(x, value_x_right - widest_value - widest_label)
    for label, segs in rows:
        ctx.txt(x, y, label, size=size, kind=label_kind, color=label_color)
        if align_values == "right" and value_x_right is not None:
            ctx.txt(value_x_right, y, segs, size=size, kind=value_kind, align="right")
        else:
            ctx.txt(x + lw, y, segs, size=size, kind=value_kind)
        y += pitch
    return y


def totals_rows(ctx: Ctx, *, currency_on: str = "total", show_tax_total: bool | None = None,
                show_subtotal: bool = True, total_key: str = "total", tag_total: bool = True,
                total_currency: bool = True,
                others_currency: bool | None = None) -> list[tuple[str, list[Segment], bool]]:
    """(label, amount segments, emphasised) rows: subtotal, discount, shipping, tax per rate, total."""
    d = ctx.doc
    rows: list[tuple[str, list[Segment], bool]] = []
    oc = total_currency if others_currency is None else others_currency
    net_items = d.items_total if not d.prices_gross else None
    shown_subtotal = False
    if show_subtotal and not d.prices_gross:
        if d.discount or d.shipping:
            assert net_items is not None
            rows.append((ctx.label("items_total"), ctx.money(net_items, currency=oc), False))
            if d.discount:
                rows.append((ctx.label("discount"), ctx.money(-d.discount, currency=oc), False))
            if d.shipping:
                rows.append((ctx.label("shipping"), ctx.money(d.shipping, currency=oc), False))
            rows.append((ctx.label("net_after"), ctx.money(d.subtotal, name="subtotal", currency=oc), False))
        else:
            rows.append((ctx.label("subtotal"), ctx.money(d.subtotal, name="subtotal", currency=oc), False))
        shown_subtotal = True
    for tl in d.tax_lines:
        rate = d.money.number.format_rate(tl.rate)
        label = ctx.label("tax", rate=rate)
        single = len(d.tax_lines) == 1
        name = "tax_total" if single else None
        rows.append((label, ctx.money(tl.tax, name=name, currency=oc), False))
    if len(d.tax_lines) > 1 and (show_tax_total if show_tax_total is not None else ctx.rng.random() < 0.5):
        rows.append((ctx.label("tax_total"), ctx.money(d.tax_total, name="tax_total", currency=oc), False))
    if d.prices_gross and show_subtotal and not shown_subtotal:
        rows.insert(0, (ctx.label("subtotal"), ctx.money(d.subtotal, name="subtotal", currency=oc), False))
    rows.append((ctx.label(total_key), ctx.money(d.total, name="total" if tag_total else None, currency=total_currency,
                                                 currency_field=currency_on == "total"), True))
    return rows


def draw_totals(ctx: Ctx, x_label: float, x_right: float, y: float, rows: Sequence[tuple[str, Sequence[Segment], bool]],
                *, size: float | None = None, style: str = "plain", label_align: str = "left") -> float:
    """Totals as label ... amount rows; styles: plain, rule (line above total), band (filled total row),
    box (frame around the block), double (double rule under total)."""
    size = size or ctx.theme.size
    pitch = size * ctx.theme.leading * 1.05
    top = y - size
    big = size * 1.15
    label_w = max(ctx.width(label, big, "bold") for label, _, _ in rows)
    value_w = max(ctx.width("".join(t for t, _ in segs), big, "bold") for _, segs, _ in rows)
    if label_align == "left":
        x_label = min(x_label, x_right - value_w - label_w - 12)
    for i, (label, segs, emph) in enumerate(rows):
        last = i == len(rows) - 1
        kind = "bold" if emph else "regular"
        s = size * (1.15 if emph and style in ("band", "rule", "double") else 1.0)
        if emph and style == "rule":
            y += 4
            ctx.sheet.line(x_label, y - s - 3, x_right, y - s - 3, ctx.theme.text, 0.8)
        if emph and style == "band":
            y += s * 0.45
            ctx.sheet.rect(x_label - 4, y - s * 1.05, x_right - x_label + 8, s * 1.5, fill=ctx.theme.accent)
            color = (1.0, 1.0, 1.0)
        else:
            color = None
        lx = x_label if label_align == "left" else x_right - 90
        ctx.txt(lx, y, label, kind=kind, size=s, color=color, align="left")
        ctx.txt(x_right, y, segs, kind=kind, size=s, color=color, align="right")
        if emph and style == "double" and last:
            ctx.sheet.line(x_right - 80, y + 3, x_right, y + 3, ctx.theme.text, 0.6)
            ctx.sheet.line(x_right - 80, y + 5, x_right, y + 5, ctx.theme.text, 0.6)
        y += pitch * (1.3 if emph else 1.0)
    if style == "box":
        ctx.sheet.rect(x_label - 6, top - 4, x_right - x_label + 12, y - top - pitch * 0.5, stroke=ctx.theme.rule,
                       lw=0.7)
    return y


# ---------------------------------------------------------------------------------------------- item table


@dataclass
class Column:
    key: str  # pos sku description quantity unit unit_price discount tax_rate amount qty_unit
    title: str
    width: float
    align: str = "left"


@dataclass
class TableStyle:
    header: str = "rule"  # band | rule | boxed | plain | upper | underline2
    body: str = "plain"  # plain | hlines | grid | zebra | dotted | vlines
    size: float = 8.5
    pad: float = 3.0
    header_kind: str = "bold"
    detail_scale: float = 0.88
    frame: bool = False


def item_columns(ctx: Ctx, x0: float, x1: float, keys: Sequence[str], *, hours: bool = False,
                 size: float | None = None) -> list[Column]:
    """Columns for ``keys`` across [x0, x1]: fixed columns as wide as their widest cell or title, the
    description taking the remaining width."""
    d = ctx.doc
    size = size or ctx.theme.size
    titles = {
        "pos": ctx.t("pos"), "sku": ctx.t("sku"), "description": ctx.t("description"),
        "quantity": ctx.t("hours") if hours else ctx.t("quantity"), "unit": "", "qty_unit": ctx.t("quantity"),
        "unit_price": ctx.t("unit_price"), "discount": ctx.t("discount_col"), "tax_rate": ctx.t("tax_rate"),
        "amount": ctx.t("amount"),
    }
    if ctx.theme.upper_labels:
        titles = {k: v.upper() for k, v in titles.items()}
    n = d.money.number

    def cells(k: str) -> list[str]:
        items = d.items
        if k == "pos":
            return [str(len(items))]
        if k == "sku":
            return [i.sku or "" for i in items]
        if k == "quantity":
            return [n.format_quantity(i.quantity) for i in items]
        if k == "unit":
            return [i.unit for i in items]
        if k == "qty_unit":
            return [f"{n.format_quantity(i.quantity)} {i.unit}" for i in items]
        if k == "unit_price":
            return [n.format(i.unit_price, i.price_places) for i in items]
        if k == "discount":
            return [f"{n.format_rate(i.discount_pct)} %" for i in items if i.discount_pct]
        if k == "tax_rate":
            return [n.format_rate(i.tax_rate) + " %" for i in items]
        if k == "amount":
            return [n.format(i.amount) for i in items] + [n.format(d.total)]
        return []

    widths: dict[str, float] = {}
    for k in keys:
        if k == "description":
            continue
        content = max((ctx.width(c, size) for c in cells(k)), default=0.0)
        widths[k] = max(content, ctx.width(titles[k].upper(), size, "bold")) + 10
    used = sum(widths.values())
    cols = []
    for k in keys:
        if k == "description":
            cols.append(Column(k, titles[k], max(80.0, x1 - x0 - used), "left"))
        else:
            align = "left" if k in ("pos", "sku", "unit") else "right" if k != "tax_rate" else "center"
            cols.append(Column(k, titles[k], widths[k], align))
    return cols


def _cell_segments(ctx: Ctx, col: Column, idx: int, item: Item) -> list[Segment] | None:
    d = ctx.doc
    if col.key == "pos":
        return [(str(idx + 1), None)]
    if col.key == "sku":
        return [(item.sku or "", None)]
    if col.key == "quantity":
        return [ctx.cell("quantity", idx, ctx.qty(item.quantity), decimal_value(item.quantity))]
    if col.key == "unit":
        return [(item.unit, None)]
    if col.key == "qty_unit":
        qty = ctx.cell("quantity", idx, ctx.qty(item.quantity), decimal_value(item.quantity))
        return [qty, (" " + item.unit, None)]
    if col.key == "unit_price":
        text = ctx.num(item.unit_price, item.price_places)
        return [ctx.cell("unit_price", idx, text, format(item.unit_price, "f"))]
    if col.key == "discount":
        return [(f"{d.money.number.format_rate(item.discount_pct)} %" if item.discount_pct else "", None)]
    if col.key == "tax_rate":
        return [ctx.cell("tax_rate", idx, ctx.rate(item.tax_rate), decimal_value(item.tax_rate))]
    if col.key == "amount":
        return [ctx.cell("amount", idx, ctx.num(item.amount), money_value(item.amount))]
    return None


def draw_item_table(ctx: Ctx, x0: float, y: float, cols: Sequence[Column], style: TableStyle, *, bottom: float,
                    on_break: Callable[[], float], on_continue: Callable[[float], None] | None = None) -> float:
    """Draw the item rows from ``y`` (top of the header), breaking pages when a row would pass ``bottom``.

    ``on_break`` finishes the current page and starts the next, returning the y where the table
    continues; ``on_continue(y)`` may print a "carried forward" line before the break.
    Returns the y below the table.
    """
    size = style.size
    pitch = size * ctx.theme.leading
    x1 = x0 + sum(c.width for c in cols)
    pad = style.pad
    th = ctx.theme

    def header(y: float) -> float:
        h = pitch + 2 * pad
        if style.header == "band":
            ctx.sheet.rect(x0, y, x1 - x0, h, fill=th.accent)
        elif style.header == "boxed":
            ctx.sheet.rect(x0, y, x1 - x0, h, fill=th.tint, stroke=th.rule, lw=0.6)
        color = (1.0, 1.0, 1.0) if style.header == "band" else (th.accent if style.header == "upper" else th.text)
        cx = x0
        for c in cols:
            title = c.title.upper() if style.header == "upper" else c.title
            s = size * (0.85 if style.header == "upper" else 1.0)
            ax = cx + 3 if c.align == "left" else cx + c.width - 3 if c.align == "right" else cx + c.width / 2
            if title:
                ctx.txt(ax, y + pad + size, title, kind=style.header_kind, size=s, color=color, align=c.align)
            cx += c.width
        if style.header in ("rule", "upper"):
            ctx.sheet.line(x0, y + h, x1, y + h, th.text, 0.8)
        elif style.header == "underline2":
            ctx.sheet.line(x0, y + h, x1, y + h, th.text, 0.5)
            ctx.sheet.line(x0, y + h + 2, x1, y + h + 2, th.text, 0.5)
            h += 2
        if style.body == "grid":
            _vlines(ctx, x0, cols, y, y + h)
        return y + h

    y = header(y)
    top_of_rows = y
    running = Decimal("0")
    for idx, item in enumerate(ctx.doc.items):
        desc_col = next(c for c in cols if c.key == "description")
        desc_lines = ctx.wrap(item.description, desc_col.width - 6, size)
        det_lines = [ln for d in item.details for ln in ctx.wrap(d, desc_col.width - 6, size * style.detail_scale)]
        n_lines = len(desc_lines) + len(det_lines) * style.detail_scale
        h = n_lines * pitch + 2 * pad
        if y + h > bottom:
            if on_continue is not None:
                on_continue(y)
            if style.frame or style.body in ("grid", "vlines"):
                _vlines(ctx, x0, cols, top_of_rows, y)
            y = header(on_break())
            top_of_rows = y
        if style.body == "zebra" and idx % 2 == 1:
            ctx.sheet.rect(x0, y, x1 - x0, h, fill=th.tint)
        base = y + pad + size
        cx = x0
        for c in cols:
            if c.key == "description":
                segs = ctx.cell_lines("description", idx, desc_lines + det_lines,
                                      " ".join(desc_lines + det_lines))
                yy = base
                for k, seg in enumerate(segs):
                    detail = k >= len(desc_lines)
                    ctx.txt(cx + 3, yy, [seg], size=size * (style.detail_scale if detail else 1.0),
                            color=th.muted if detail else None)
                    yy += pitch * (style.detail_scale if detail else 1.0)
            else:
                segs2 = _cell_segments(ctx, c, idx, item)
                if segs2:
                    ax = cx + 3 if c.align == "left" else cx + c.width - 3 if c.align == "right" else cx + c.width / 2
                    ctx.txt(ax, base, segs2, size=size, align=c.align)
            cx += c.width
        y += h
        running += item.amount
        if style.body == "hlines" or style.body == "grid":
            ctx.sheet.line(x0, y, x1, y, th.rule, 0.4)
        elif style.body == "dotted":
            ctx.sheet.line(x0, y, x1, y, th.rule, 0.4, dash=(1, 2))
    if style.frame or style.body in ("grid", "vlines"):
        _vlines(ctx, x0, cols, top_of_rows, y)
    if style.frame:
        ctx.sheet.line(x0, y, x1, y, th.rule, 0.6)
    return y


def _vlines(ctx: Ctx, x0: float, cols: Sequence[Column], y0: float, y1: float) -> None:
    cx = x0
    ctx.sheet.line(cx, y0, cx, y1, ctx.theme.rule, 0.4)
    for c in cols:
        cx += c.width
        ctx.sheet.line(cx, y0, cx, y1, ctx.theme.rule, 0.4)


# ---------------------------------------------------------------------------------------------- misc blocks


def logo(ctx: Ctx, x: float, y: float, size: float, kind: str | None = None, color: Color | None = None) -> str:
    """A logo made of shapes (no text) with its top-left at (x, y); returns the kind drawn."""
    sh = ctx.sheet
    c = color or ctx.theme.accent
    light = _mix(c, (1.0, 1.0, 1.0), 0.45)
    kind = kind or ctx.rng.choice(("circle", "square", "triangle", "bars", "rings", "diamond", "hex", "leaf", "stack"))
    s = size
    if kind == "circle":
        sh.circle(x + s / 2, y + s / 2, s / 2, fill=c)
        sh.circle(x + s * 0.62, y + s * 0.4, s * 0.22, fill=(1.0, 1.0, 1.0))
    elif kind == "square":
        sh.rect(x, y, s, s, fill=c, radius=s * 0.15)
        sh.rect(x + s * 0.25, y + s * 0.25, s * 0.5, s * 0.5, fill=light)
    elif kind == "triangle":
        sh.polygon([(x, y + s), (x + s / 2, y), (x + s, y + s)], fill=c)
        sh.polygon([(x + s * 0.3, y + s), (x + s * 0.65, y + s * 0.35), (x + s, y + s)], fill=light)
    elif kind == "bars":
        for k in range(4):
            hh = s * (0.35 + 0.2 * k)
            sh.rect(x + k * s * 0.26, y + s - hh, s * 0.18, hh, fill=c if k % 2 == 0 else light)
    elif kind == "rings":
        sh.circle(x + s * 0.35, y + s / 2, s * 0.33, stroke=c, lw=s * 0.09)
        sh.circle(x + s * 0.65, y + s / 2, s * 0.33, stroke=light, lw=s * 0.09)
    elif kind == "diamond":
        sh.polygon([(x + s / 2, y), (x + s, y + s / 2), (x + s / 2, y + s), (x, y + s / 2)], fill=c)
        sh.polygon([(x + s / 2, y + s * 0.3), (x + s * 0.7, y + s / 2), (x + s / 2, y + s * 0.7),
                    (x + s * 0.3, y + s / 2)], fill=(1.0, 1.0, 1.0))
    elif kind == "hex":
        import math

        pts = [(x + s / 2 + s / 2 * math.cos(math.pi / 3 * k + math.pi / 6),
                y + s / 2 + s / 2 * math.sin(math.pi / 3 * k + math.pi / 6)) for k in range(6)]
        sh.polygon(pts, fill=c)
    elif kind == "leaf":
        sh.circle(x + s * 0.4, y + s * 0.6, s * 0.38, fill=c)
        sh.circle(x + s * 0.65, y + s * 0.35, s * 0.3, fill=light)
    else:  # stack
        for k in range(3):
            sh.rect(x + k * s * 0.12, y + k * s * 0.3, s * 0.75, s * 0.25, fill=c if k != 1 else light)
    return kind


def page_number_at(ctx: Ctx, x: float, y: float, *, align: str = "right", size: float | None = None,
                   color: Color | None = None, only_multi: bool = True) -> None:
    """Print "Page n of m" at (x, y) on every page once the count is known."""
    sheets = ctx.sheets

    def draw(count: int) -> None:
        if only_multi and count == 1:
            return
        for n, sheet in enumerate(sheets, start=1):
            ctx.txt(x, y, ctx.t("page", n=n, m=count), size=size or ctx.theme.size * 0.85,
                    color=color or ctx.theme.muted, align=align, sheet=sheet)

    ctx.at_finish(draw)


def contact_lines(ctx: Ctx, party: Party, *, keys: Sequence[str] = ("phone", "email", "web"),
                  labels: bool = True) -> list[str]:
    out = []
    for k in keys:
        v = getattr(party, k)
        if v:
            out.append(f"{ctx.t(k)} {v}" if labels and k != "web" else v)
    return out


def bank_lines(ctx: Ctx, *, with_bank: bool = True, tag: bool = True) -> list[list[Segment]]:
    """IBAN/BIC/bank lines (IBAN tagged once); empty when the document has no bank account."""
    d = ctx.doc
    if d.iban is None:
        return []
    out: list[list[Segment]] = []
    if with_bank and d.bank_name:
        out.append([(d.bank_name, None)])
    iban = ctx.iban() if tag else (ctx.iban_text(), None)
    assert iban is not None
    out.append([(ctx.t("iban").rstrip(":") + (ctx.theme.colon or ":") + " ", None), iban])
    if d.bic:
        out.append([(ctx.t("bic").rstrip(":") + (ctx.theme.colon or ":") + " " + d.bic, None)])
    return out


@dataclass(frozen=True)
class Family:
    """One layout family: how a kind of vendor's documents look."""

    name: str
    kind: str  # invoice | receipt
    description: str
    render: Callable[[Ctx], None]
    theme: Callable[[random.Random, str], Theme]
    content: ContentOptions
    page: str = "locale"  # locale | A4 | Letter | roll58 | roll80 | roll
    home: tuple[str, ...] = ()  # locales this design comes from (drawn more often there)
