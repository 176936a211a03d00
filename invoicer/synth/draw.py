"""Draw labels on a page image: a synthetic truth's labelled words or an extraction's fields.

:func:`draw_labels` takes either a truth JSON (words with BIO labels, see :mod:`invoicer.synth.truth`)
or an extraction JSON (the contract: fields and line items with boxes) plus the document's bytes, and
returns the page image with boxes coloured by field and a legend. Unlabelled words of a truth are
outlined in grey, so word segmentation can be checked too.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from invoicer.errors import IngestError
from invoicer.synth.labels import ENTITIES, spans

# one distinct colour per entity (header fields first, then line-item columns)
_PALETTE = (
    (230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 200, 200), (240, 50, 230),
    (150, 160, 20), (250, 190, 212), (0, 128, 128), (170, 110, 40), (128, 0, 0), (0, 0, 128), (255, 200, 0),
    (100, 100, 255), (0, 160, 90), (200, 80, 80), (90, 90, 90),
)
ENTITY_COLORS: dict[str, tuple[int, int, int]] = {e: _PALETTE[i % len(_PALETTE)] for i, e in enumerate(ENTITIES)}


def page_image(document: bytes, page: int, dpi: float, size_pt: tuple[float, float] | None = None) -> Image.Image:
    """Page ``page`` (1-based) of a PDF or image file as an RGB image at ``dpi``."""
    if document[:5] == b"%PDF-" or b"%PDF-" in document[:1024]:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(document)
        try:
            if not 1 <= page <= len(pdf):
                raise IngestError(f"the document has {len(pdf)} page(s); page {page} does not exist")
            return pdf[page - 1].render(scale=dpi / 72).to_pil().convert("RGB")
        finally:
            pdf.close()
    try:
        source = Image.open(io.BytesIO(document))
        source.seek(page - 1)
    except EOFError as exc:
        raise IngestError(f"the image has no page {page}") from exc
    except OSError as exc:
        raise IngestError(f"the document is neither a PDF nor a readable image ({exc})") from exc
    img = source.convert("RGB")
    if size_pt is not None:
        img = img.resize((max(1, round(size_pt[0] * dpi / 72)), max(1, round(size_pt[1] * dpi / 72))))
    return img


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default()


def _legend(img: Image.Image, entities: list[str]) -> Image.Image:
    if not entities:
        return img
    font = _font(11)
    per_row = max(1, img.width // 170)
    rows = (len(entities) + per_row - 1) // per_row
    out = Image.new("RGB", (img.width, img.height + rows * 18 + 8), "white")
    out.paste(img, (0, 0))
    d = ImageDraw.Draw(out)
    for k, e in enumerate(entities):
        x = 6 + (k % per_row) * 170
        y = img.height + 4 + (k // per_row) * 18
        d.rectangle((x, y + 2, x + 12, y + 14), fill=ENTITY_COLORS[e], outline=(0, 0, 0))
        d.text((x + 16, y + 1), e.lower(), fill=(0, 0, 0), font=font)
    return out


def _box(draw: ImageDraw.ImageDraw, bbox: Any, s: float, color: tuple[int, int, int], *, fill: int = 70,
         width: int = 2) -> None:
    x0, y0, x1, y1 = (float(v) * s for v in bbox)
    draw.rectangle((x0, y0, x1, y1), fill=(*color, fill), outline=(*color, 255), width=width)


def draw_truth(truth: Mapping[str, Any], document: bytes, *, page: int = 1, dpi: float = 100) -> Image.Image:
    """The page with each labelled word filled in its entity's colour and each occurrence framed."""
    pages = truth["pages"]
    if not 1 <= page <= len(pages):
        raise IngestError(f"the truth has {len(pages)} page(s); page {page} does not exist")
    tp = pages[page - 1]
    img = page_image(document, page, dpi, (tp["width"], tp["height"]))
    s = img.width / float(tp["width"])
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    words = tp["words"]
    seen: list[str] = []
    for w in words:
        if w["label"] == "O":
            _box(d, w["bbox"], s, (150, 150, 150), fill=0, width=1)
    for entity, idx in spans([w["label"] for w in words]):
        color = ENTITY_COLORS[entity]
        for i in idx:
            _box(d, words[i]["bbox"], s, color, fill=80, width=1)
        xs = [words[i]["bbox"] for i in idx]
        _box(d, (min(b[0] for b in xs) - 1, min(b[1] for b in xs) - 1, max(b[2] for b in xs) + 1,
                 max(b[3] for b in xs) + 1), s, color, fill=0, width=2)
        if entity not in seen:
            seen.append(entity)
    out = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    return _legend(out, [e for e in ENTITIES if e in seen])


def draw_extraction(extraction: Mapping[str, Any], document: bytes, *, page: int = 1,
                    dpi: float = 100) -> Image.Image:
    """The page with each extracted field's and line item's box in its colour, named."""
    pages = extraction.get("document", {}).get("pages", [])
    size = (pages[page - 1]["width"], pages[page - 1]["height"]) if len(pages) >= page else None
    img = page_image(document, page, dpi, size)
    s = img.width / float(size[0]) if size else dpi / 72
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    font = _font(10)
    seen: list[str] = []
    for name, f in extraction.get("fields", {}).items():
        if not f or not f.get("bbox") or (f.get("page") or 1) != page:
            continue
        entity = name.upper()
        _box(d, f["bbox"], s, ENTITY_COLORS[entity])
        d.text((f["bbox"][0] * s, f["bbox"][1] * s - 11), name, fill=(*ENTITY_COLORS[entity], 255), font=font)
        seen.append(entity)
    for item in extraction.get("line_items", []):
        if item.get("bbox") and (item.get("page") or 1) == page:
            _box(d, item["bbox"], s, ENTITY_COLORS["ITEM_DESCRIPTION"], fill=40)
            if "ITEM_DESCRIPTION" not in seen:
                seen.append("ITEM_DESCRIPTION")
    out = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    return _legend(out, [e for e in ENTITIES if e in seen])


def draw_labels(data: Mapping[str, Any], document: bytes, *, page: int = 1, dpi: float = 100) -> Image.Image:
    """Dispatch on the JSON: a synthetic truth (has ``pages`` with labelled words) or an extraction."""
    if "label_set" in data or (data.get("pages") and "words" in data["pages"][0]):
        return draw_truth(data, document, page=page, dpi=dpi)
    if "schema_version" in data:
        return draw_extraction(data, document, page=page, dpi=dpi)
    raise ValueError("the JSON is neither a synthetic truth (pages with labelled words) nor an extraction")
