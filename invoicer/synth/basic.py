"""A simple, deterministic invoice renderer (reportlab) used for repository fixtures and tests.

It writes born-digital PDFs with a real text layer and can degrade them into "scans" (image-only
PDFs, PNG, JPEG, multi-frame TIFF). Truth comes back in the extraction contract's field names.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from PIL import Image, ImageFilter

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Item:
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal = Decimal("19")

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class InvoiceSpec:
    """Everything printed on a basic invoice."""

    vendor_name: str = "Nordlicht Bürobedarf GmbH"
    vendor_address: tuple[str, ...] = ("Hafenstraße 12", "20457 Hamburg")
    vendor_tax_id: str = "DE136695976"
    customer_name: str = "Kanzlei Weber & Partner"
    customer_address: tuple[str, ...] = ("Lindenallee 4", "50668 Köln")
    invoice_number: str = "RE-2024-0815"
    invoice_date: str = "2024-03-14"  # ISO; printed as dd.mm.yyyy
    due_date: str = "2024-03-28"
    po_number: str = "PO-77812"
    currency: str = "EUR"
    iban: str = "DE89370400440532013000"
    items: tuple[Item, ...] = field(
        default_factory=lambda: (
            Item("Kopierpapier A4, 500 Blatt", Decimal("10"), Decimal("4.99")),
            Item("Toner HP 305A schwarz", Decimal("2"), Decimal("79.90")),
            Item("Ordner breit, blau", Decimal("25"), Decimal("2.35")),
        )
    )

    @property
    def subtotal(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal("0"))

    @property
    def tax_total(self) -> Decimal:
        return sum(
            ((i.amount * i.tax_rate / 100).quantize(CENT, ROUND_HALF_UP) for i in self.items),
            Decimal("0"),
        )

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax_total

    def printed(self) -> dict[str, str]:
        """How each header field is printed on the page (the raw text a tagger should find)."""
        return {
            "vendor_name": self.vendor_name,
            "vendor_address": ", ".join(self.vendor_address),
            "vendor_tax_id": self.vendor_tax_id,
            "customer_name": self.customer_name,
            "invoice_number": self.invoice_number,
            "invoice_date": de_date(self.invoice_date),
            "due_date": de_date(self.due_date),
            "po_number": self.po_number,
            "currency": "€",
            "subtotal": f"{de_money(self.subtotal)} €",
            "tax_total": f"{de_money(self.tax_total)} €",
            "total": f"{de_money(self.total)} €",
            "iban": " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4)),
        }

    def truth(self) -> dict[str, Any]:
        """Expected header fields and line items, in contract form, plus how each field is printed."""
        return {
            "printed": self.printed(),
            "fields": {
                "vendor_name": self.vendor_name,
                "vendor_address": ", ".join(self.vendor_address),
                "vendor_tax_id": self.vendor_tax_id,
                "customer_name": self.customer_name,
                "invoice_number": self.invoice_number,
                "invoice_date": self.invoice_date,
                "due_date": self.due_date,
                "po_number": self.po_number,
                "currency": self.currency,
                "subtotal": str(self.subtotal),
                "tax_total": str(self.tax_total),
                "total": str(self.total),
                "iban": self.iban,
            },
            "line_items": [
                {
                    "description": i.description,
                    "quantity": str(i.quantity),
                    "unit_price": str(i.unit_price),
                    "amount": str(i.amount),
                    "tax_rate": str(i.tax_rate),
                }
                for i in self.items
            ],
        }


def de_money(value: Decimal) -> str:
    """1234.5 -> '1.234,50'."""
    text = f"{value:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def de_date(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}.{m}.{y}"


def render_invoice_pdf(spec: InvoiceSpec, *, items_per_page: int = 28) -> bytes:
    """A born-digital A4 invoice; items continue on further pages when there are many."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(f"Rechnung {spec.invoice_number}")
    _, height = A4
    items = list(spec.items)
    chunks = [items[i : i + items_per_page] for i in range(0, len(items), items_per_page)] or [[]]
    for page_no, chunk in enumerate(chunks, start=1):
        y = height - 60
        if page_no == 1:
            c.setFont("Helvetica-Bold", 16)
            c.drawString(50, y, spec.vendor_name)
            c.setFont("Helvetica", 9)
            for k, line in enumerate(spec.vendor_address):
                c.drawString(50, y - 14 - 11 * k, line)
            c.drawString(50, y - 14 - 11 * len(spec.vendor_address), f"USt-IdNr.: {spec.vendor_tax_id}")
            c.setFont("Helvetica", 10)
            c.drawString(50, y - 90, spec.customer_name)
            for k, line in enumerate(spec.customer_address):
                c.drawString(50, y - 102 - 12 * k, line)
            c.setFont("Helvetica-Bold", 20)
            c.drawString(350, y - 90, "RECHNUNG")
            c.setFont("Helvetica", 10)
            meta = [
                ("Rechnungsnr.:", spec.invoice_number),
                ("Rechnungsdatum:", de_date(spec.invoice_date)),
                ("Fällig am:", de_date(spec.due_date)),
                ("Bestellnr.:", spec.po_number),
            ]
            for k, (label, value) in enumerate(meta):
                c.drawString(350, y - 112 - 13 * k, label)
                c.drawString(450, y - 112 - 13 * k, value)
            y -= 190
        else:
            c.setFont("Helvetica", 9)
            c.drawString(50, y, f"{spec.vendor_name} · Rechnung {spec.invoice_number} · Seite {page_no}")
            y -= 30
        c.setFont("Helvetica-Bold", 10)
        for x, head in ((50, "Pos."), (85, "Beschreibung"), (330, "Menge"), (390, "Einzelpreis"), (480, "Betrag")):
            c.drawString(x, y, head)
        c.line(50, y - 4, 545, y - 4)
        c.setFont("Helvetica", 10)
        y -= 18
        start = (page_no - 1) * items_per_page
        for k, item in enumerate(chunk, start=start + 1):
            c.drawString(50, y, str(k))
            c.drawString(85, y, item.description)
            c.drawRightString(365, y, str(item.quantity))
            c.drawRightString(450, y, f"{de_money(item.unit_price)} €")
            c.drawRightString(545, y, f"{de_money(item.amount)} €")
            y -= 15
        if page_no == len(chunks):
            c.line(330, y + 5, 545, y + 5)
            y -= 10
            sums: tuple[tuple[str, Decimal], ...] = (
                ("Zwischensumme", spec.subtotal),
                ("MwSt. 19 %", spec.tax_total),
                ("Gesamtbetrag", spec.total),
            )
            for label, amount in sums:
                c.setFont("Helvetica-Bold" if label == "Gesamtbetrag" else "Helvetica", 10)
                c.drawString(330, y, label)
                c.drawRightString(545, y, f"{de_money(amount)} €")
                y -= 15
            c.setFont("Helvetica", 9)
            c.drawString(50, 80, f"Zahlbar bis {de_date(spec.due_date)} ohne Abzug.")
            iban = " ".join(spec.iban[i : i + 4] for i in range(0, len(spec.iban), 4))
            c.drawString(50, 68, f"IBAN: {iban}  BIC: COBADEFFXXX")
        else:
            c.setFont("Helvetica", 9)
            c.drawString(50, 80, "Fortsetzung auf der nächsten Seite")
        c.showPage()
    c.save()
    return buf.getvalue()


def rasterize_pdf(pdf: bytes, dpi: int = 200) -> list[Image.Image]:
    """Render every page of ``pdf`` to a grayscale image."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


def degrade(image: Image.Image, seed: int, *, skew: float = 1.2, noise: float = 6.0) -> Image.Image:
    """Make a clean render look scanned: slight rotation, blur and noise (deterministic per seed)."""
    import numpy as np

    rng = random.Random(seed)
    img = image.convert("L").rotate(
        rng.uniform(-skew, skew), resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False
    )
    img = img.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.3, 0.8)))
    gen = np.random.default_rng(seed)
    arr = np.asarray(img, dtype=np.float64) + gen.normal(0.0, noise, img.size[::-1])
    return Image.fromarray(np.clip(arr, 0, 255).astype("uint8"), mode="L")


def images_to_pdf(images: list[Image.Image], dpi: int) -> bytes:
    """An image-only ("scanned") PDF, one page per image, without any text layer."""
    buf = io.BytesIO()
    rgb = [im.convert("L") for im in images]
    rgb[0].save(buf, format="PDF", save_all=True, append_images=rgb[1:], resolution=float(dpi))
    return buf.getvalue()
