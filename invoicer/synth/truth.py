"""Truth files of synthetic documents, and reading them back.

One JSON object per document (``<id>.json``)::

    {
      "id", "seed", "index", "generator", "mode", "file", "media_type",
      "kind": "invoice" | "receipt", "layout": <family>, "locale": "de-DE", "currency": "EUR",
      "arithmetic_consistent": true,             # false for the few drawn to break subtotal + tax = total
      "fields": {<name>: <contract field>},      # exactly the contract's "fields" object: printed fields only,
                                                 # value normalized, raw as printed, page + bbox of its words
      "line_items": [<contract line item>],      # description, quantity, unit_price, amount, tax_rate (+ page, bbox)
      "line_items_raw": [{<column>: <printed text>}],
      "label_set": "invoicer.synth.labels.LABELS",
      "pages": [{"number", "width", "height", "dpi",
                 "words": [{"text", "bbox": [x0, y0, x1, y1], "label": "B-TOTAL"}]}],
      "scan": {...}                              # scan mode: dpi, skew, blur, noise, jpeg quality ...
    }

Boxes are PDF points from the page's top-left corner. In ``docs`` mode the words are exactly those
:func:`invoicer.ingest.ingest_bytes` reads from the PDF, in its order; in ``scan`` mode they are the
rendered words moved by the scan's rotation/offset, in points of the scanned page.
:func:`truth_to_extraction` turns a truth file into an :class:`~invoicer.document.Extraction` (the
contract), e.g. to validate it or to draw it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from invoicer.document import (
    FIELD_NAMES,
    LINE_ITEM_COLUMNS,
    BBox,
    Document,
    Extraction,
    Field,
    LineItem,
    Page,
    Word,
    WordSource,
    union_bbox,
)
from invoicer.ingest.layout import group_lines
from invoicer.synth.labels import item_entity

if TYPE_CHECKING:  # pragma: no cover
    from invoicer.synth.engine import RenderedDoc
    from invoicer.synth.layouts.base import FieldTruth

LABEL_SET = "invoicer.synth.labels.LABELS"


def _r(v: float) -> float:
    return float(round(v, 2))


def _occurrence(pages: Sequence[Sequence[tuple[BBox, tuple[str, int] | None]]],
                tag: tuple[str, int]) -> tuple[int, BBox] | None:
    """Page number and box of the words carrying ``tag`` (on the first page where they appear)."""
    for number, page in enumerate(pages, start=1):
        boxes = [b for b, t in page if t == tag]
        if boxes:
            return number, union_bbox(boxes)
    return None


def truth_of(rd: RenderedDoc, *, file_name: str, media_type: str,
             pages: Sequence[Mapping[str, Any]] | None = None, scan: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The truth JSON of a rendered document.

    ``pages`` (scan mode) replaces the born-digital pages: each a mapping with ``width``, ``height``,
    ``dpi`` and ``boxes`` (one transformed box per word, in the order of ``rd.words``).
    """
    ctx, content = rd.ctx, rd.content
    page_boxes: list[list[tuple[BBox, tuple[str, int] | None]]] = []
    out_pages = []
    for k, (words, labels) in enumerate(zip(rd.words, rd.labels, strict=True)):
        if pages is not None:
            geo = pages[k]
            boxes: list[BBox] = list(geo["boxes"])
            width, height, dpi = geo["width"], geo["height"], geo["dpi"]
        else:
            boxes = [w.word.bbox for w in words]
            sheet = ctx.sheets[k]
            width, height, dpi = sheet.width, sheet.height, None
        page_boxes.append([(b, w.tag) for b, w in zip(boxes, words, strict=True)])
        out_pages.append({
            "number": k + 1,
            "width": _r(width),
            "height": _r(height),
            "dpi": dpi,
            "words": [{"text": w.word.text, "bbox": [_r(v) for v in b], "label": lab}
                      for w, b, lab in zip(words, boxes, labels, strict=True)],
        })

    fields: dict[str, Any] = {}
    for name in FIELD_NAMES:
        ft: FieldTruth | None = ctx.fields.get(name)
        if ft is None:
            continue
        occ = _occurrence(page_boxes, ft.tag)
        fields[name] = Field(name, ft.value, ft.raw, 1.0, occ[0] if occ else None, occ[1] if occ else None,
                             "person").to_dict()

    items = []
    raws = []
    for idx in sorted(ctx.items):
        row = ctx.items[idx]
        values = {col: (row[col].value if col in row else None) for col in LINE_ITEM_COLUMNS}
        found = [o for o in (_occurrence(page_boxes, (item_entity(c), idx + 1)) for c in row) if o]
        page = found[0][0] if found else None
        bbox = union_bbox([b for p, b in found if p == page]) if found else None
        items.append(LineItem(values["description"], values["quantity"], values["unit_price"], values["amount"],
                              values["tax_rate"], 1.0, page, bbox).to_dict())
        raws.append({col: row[col].raw for col in LINE_ITEM_COLUMNS if col in row})

    return {
        "id": rd.id,
        "seed": rd.seed,
        "index": rd.index,
        "generator": "invoicer.synth/1",
        "mode": "scan" if pages is not None else "docs",
        "file": file_name,
        "media_type": media_type,
        "kind": rd.family.kind,
        "layout": rd.family.name,
        "locale": content.locale.code,
        "currency": content.currency,
        "arithmetic_consistent": content.consistent,
        "number_style": {"decimal": content.money.number.decimal, "group": content.money.number.group,
                         "group_from": content.money.number.group_from},
        "date_pattern": content.date_pattern,
        "currency_marker": content.clean(content.money.marker),
        "fields": fields,
        "line_items": items,
        "line_items_raw": raws,
        "label_set": LABEL_SET,
        "pages": out_pages,
        "fonts": sorted({ctx.theme.body.name, ctx.theme.head.name}),
        "scan": dict(scan) if scan is not None else None,
    }


def truth_words(truth: Mapping[str, Any]) -> list[list[tuple[Word, str]]]:
    """Per page, the (word, label) pairs of a truth file."""
    return [
        [(Word(w["text"], tuple(float(v) for v in w["bbox"]), 1.0), w["label"]) for w in page["words"]]  # type: ignore[arg-type]
        for page in truth["pages"]
    ]


def truth_to_extraction(truth: Mapping[str, Any]) -> Extraction:
    """The truth as an extraction (the contract): pages of words, fields and line items."""
    pages = []
    for page, words in zip(truth["pages"], truth_words(truth), strict=True):
        source = WordSource.TEXT_LAYER if page.get("dpi") is None else WordSource.OCR
        pages.append(Page(int(page["number"]), float(page["width"]), float(page["height"]), page.get("dpi"), source,
                          group_lines(w for w, _ in words), "synth"))
    doc = Document("", str(truth["file"]), str(truth["media_type"]), 0, tuple(pages), None)
    fields = tuple(Field.from_dict(name, data) for name, data in truth["fields"].items())
    items = tuple(LineItem.from_dict(x) for x in truth["line_items"])
    return Extraction(doc, fields, items)
