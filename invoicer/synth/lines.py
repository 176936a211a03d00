"""Line mode: cropped text-line images with their exact text, for training the OCR model.

Lines are the document's own lines as ingest groups them (:func:`invoicer.ingest.layout.group_lines`,
which splits table columns apart the way a line detector does), so the text of a crop is exactly its
words joined by single spaces. Each crop comes from the same renderer at 150-300 dpi, with a small
random padding like a detector's box, and the scan degradations applied per crop: page-level ink
fade (thermal receipts) and uneven light, then a slight rotation, blur, noise and JPEG compression.
Lines holding digits, codes, amounts, dates and IBANs are drawn more often than plain words.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageFilter

from invoicer.document import Word
from invoicer.ingest.layout import group_lines
from invoicer.synth.scan import ScanParams, degrade_page, rasterize

if TYPE_CHECKING:  # pragma: no cover
    from invoicer.synth.engine import RenderedDoc

_DIGIT = re.compile(r"\d")
_CODE = re.compile(r"[A-Z]{2}\d{2}|[A-Z0-9]{6,}|\d+[.,]\d{2}\b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


@dataclass(frozen=True)
class LineCrop:
    file: str
    png: bytes
    text: str
    doc: str
    page: int
    layout: str
    locale: str
    kind: str
    dpi: int
    height_px: int

    def record(self) -> dict[str, Any]:
        return {"image": self.file, "text": self.text, "doc": self.doc, "page": self.page, "layout": self.layout,
                "locale": self.locale, "kind": self.kind, "dpi": self.dpi, "height": self.height_px}


def _weight(text: str) -> float:
    w = 1.0
    if _DIGIT.search(text):
        w += 1.5
    if _CODE.search(text):
        w += 2.0
    if len(text) > 25:
        w += 1.0
    if len(text) <= 2:
        w *= 0.3
    return w


def choose_lines(lines: list[tuple[int, list[Word]]], k: int, rng: random.Random) -> list[tuple[int, list[Word]]]:
    """Up to ``k`` lines without replacement, weighted towards digits, codes and long lines."""
    pool = [ln for ln in lines if any(ch.isalnum() for w in ln[1] for ch in w.text)]
    out: list[tuple[int, list[Word]]] = []
    weights = [_weight(" ".join(w.text for w in ln[1])) for ln in pool]
    while pool and len(out) < k:
        i = rng.choices(range(len(pool)), weights=weights)[0]
        out.append(pool.pop(i))
        weights.pop(i)
    out.sort(key=lambda ln: (ln[0], ln[1][0].bbox[1], ln[1][0].bbox[0]))
    return out


def _crop_degrade(img: Image.Image, rng: random.Random, gen: np.random.Generator, dpi: int) -> Image.Image:
    angle = rng.uniform(-1.5, 1.5) if rng.random() < 0.7 else 0.0
    if angle:
        fill = int(np.median(np.asarray(img)))
        img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    blur = rng.uniform(0.0, 1.1) * dpi / 200
    if blur > 0.05:
        img = img.filter(ImageFilter.GaussianBlur(radius=blur))
    noise = np.float32(rng.uniform(1.5, 12.0))
    arr = np.asarray(img, dtype=np.float32) + gen.standard_normal((img.height, img.width), dtype=np.float32) * noise
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=rng.randint(30, 90))
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def line_crops(rd: RenderedDoc, per_doc: int) -> list[LineCrop]:
    """Up to ``per_doc`` degraded line crops of ``rd`` with their exact text."""
    rng = random.Random(rd.seed * 1_000_033 + rd.index + 29)
    gen = np.random.default_rng(rng.getrandbits(64))
    dpi = rng.choice((150, 200, 200, 250, 300))
    receipt = rd.family.kind == "receipt" and rd.ctx.sheets[0].width < 300
    page_params = ScanParams(dpi=dpi, angle=0.0, blur=0.0, noise=0.0, jpeg_quality=95,
                             light=round(rng.uniform(0.0, 0.25), 3),
                             fade=round(rng.uniform(0.15, 0.65), 3) if receipt and rng.random() < 0.5 else 0.0,
                             bed=False, bed_level=255, offset=(0, 0), output="png")
    lines = [(k, list(line.words)) for k, page in enumerate(rd.words)
             for line in group_lines(w.word for w in page)]
    chosen = choose_lines(lines, per_doc, rng)
    pages_needed = sorted({k for k, _ in chosen})
    images = rasterize(rd.pdf, dpi) if chosen else []
    degraded = {k: degrade_page(images[k], page_params, gen) for k in pages_needed}
    s = dpi / 72.0
    crops = []
    for n, (k, words) in enumerate(chosen):
        page = degraded[k]
        x0 = min(w.bbox[0] for w in words)
        y0 = min(w.bbox[1] for w in words)
        x1 = max(w.bbox[2] for w in words)
        y1 = max(w.bbox[3] for w in words)
        h = y1 - y0
        px0 = max(0, int((x0 - h * rng.uniform(0.05, 0.5)) * s))
        px1 = min(page.width, round((x1 + h * rng.uniform(0.05, 0.5)) * s))
        py0 = max(0, int((y0 - h * rng.uniform(-0.08, 0.2)) * s))
        py1 = min(page.height, round((y1 + h * rng.uniform(0.0, 0.2)) * s))
        if px1 - px0 < 4 or py1 - py0 < 4:
            continue
        crop = _crop_degrade(page.crop((px0, py0, px1, py1)), rng, gen, dpi)
        buf = io.BytesIO()
        crop.save(buf, format="PNG", optimize=False, compress_level=6)
        text = " ".join(w.text for w in words)
        crops.append(LineCrop(f"{rd.id}-{n:03d}.png", buf.getvalue(), text, rd.id, k + 1, rd.family.name,
                              rd.content.locale.code, rd.family.kind, dpi, crop.height))
    return crops
