"""Scan mode: rasterize a rendered document and degrade it like a scanner or phone would.

Per page: render at 150-300 dpi, fade the ink of thermal receipts, light the page unevenly, put
narrow receipts on a scanner bed, rotate (up to 3 degrees), blur, add noise and compress as JPEG
(quality 30-90). The output is an image-only PDF (the JPEG pages embedded as they are) or, for
one-page documents, a PNG with its resolution in the metadata — what :mod:`invoicer.ingest` reads.

Word boxes go through the same geometry (offset on the bed, rotation about the image centre, pixel
↔ point scale), so the truth of a scan names the words where they are in the scanned page, in
points of that page.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image, ImageFilter

from invoicer.document import BBox

if TYPE_CHECKING:  # pragma: no cover
    from invoicer.synth.engine import RenderedDoc

MAX_SKEW = 3.0


@dataclass(frozen=True)
class ScanParams:
    """How one document was scanned (recorded in its truth)."""

    dpi: int
    angle: float  # degrees, counter-clockwise
    blur: float  # Gaussian radius in pixels
    noise: float  # standard deviation of the Gaussian noise (0-255 scale)
    jpeg_quality: int
    light: float  # strength of the uneven lighting, 0 = flat
    fade: float  # thermal fade: 0 = fresh ink, up to ~0.7 = barely legible
    bed: bool  # a receipt lying on a larger scanner bed
    bed_level: int  # grey level of the bed
    offset: tuple[int, int]  # receipt position on the bed, pixels
    output: str  # png | pdf

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["offset"] = list(self.offset)
        return d


def draw_params(rng: random.Random, *, kind: str, pages: int, narrow: bool) -> ScanParams:
    """Random scan settings for one document."""
    dpi = rng.choice((150, 200, 200, 240, 300, 300))
    receipt = kind == "receipt"
    bed = receipt and narrow and rng.random() < 0.5
    return ScanParams(
        dpi=dpi,
        angle=round(rng.uniform(-MAX_SKEW, MAX_SKEW) if rng.random() < 0.85 else 0.0, 3),
        blur=round(rng.uniform(0.0, 1.2) * dpi / 200, 3),
        noise=round(rng.uniform(1.5, 12.0), 2),
        jpeg_quality=rng.randint(30, 90),
        light=round(rng.uniform(0.0, 0.28), 3),
        fade=round(rng.uniform(0.15, 0.7), 3) if receipt and narrow and rng.random() < 0.55 else 0.0,
        bed=bed,
        bed_level=rng.choice((40, 70, 110, 160, 200, 235)),
        offset=(rng.randint(20, 160), rng.randint(20, 120)) if bed else (0, 0),
        output="pdf" if pages > 1 or rng.random() < 0.6 else "png",
    )


def rasterize(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Every page of ``pdf`` as a grayscale image at ``dpi``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


def _fade(arr: np.ndarray, strength: float, gen: np.random.Generator) -> np.ndarray:
    """Thermal paper fading: ink loses contrast, more towards one end and in vertical streaks."""
    h, w = arr.shape
    along = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    if gen.random() < 0.5:
        along = along[::-1]
    streaks = np.ones((1, w), dtype=np.float32)
    for _ in range(int(gen.integers(0, 4))):
        x0 = int(gen.integers(0, w))
        width = int(gen.integers(max(2, w // 40), max(3, w // 8)))
        streaks[:, x0 : x0 + width] *= float(gen.uniform(0.5, 0.9))
    keep = (1.0 - strength * (0.5 + 0.5 * along)) * streaks
    ink = 255.0 - arr
    return 255.0 - ink * np.clip(keep, 0.15, 1.0)


def _light(arr: np.ndarray, strength: float, gen: np.random.Generator) -> np.ndarray:
    """Uneven light: a smooth gradient and a vignette darkening parts of the page (computed at 1/8 scale,
    the field is smooth)."""
    h, w = arr.shape
    sh, sw = max(2, h // 8), max(2, w // 8)
    ys = np.linspace(-1.0, 1.0, sh, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, sw, dtype=np.float32)[None, :]
    ang = float(gen.uniform(0, 2 * math.pi))
    grad = (xs * math.cos(ang) + ys * math.sin(ang) + 1.0) / 2.0
    cx, cy = float(gen.uniform(-0.5, 0.5)), float(gen.uniform(-0.5, 0.5))
    vignette = np.clip(((xs - cx) ** 2 + (ys - cy) ** 2) / 2.0, 0.0, 1.0)
    small = (1.0 - strength * (0.6 * grad + 0.4 * vignette)).astype(np.float32)
    field = np.asarray(Image.fromarray(small, mode="F").resize((w, h), Image.Resampling.BILINEAR))
    return arr * field


def degrade_page(image: Image.Image, params: ScanParams, gen: np.random.Generator, *,
                 fade: bool = True) -> Image.Image:
    """One rendered page made to look scanned (everything but the JPEG step)."""
    arr = np.asarray(image.convert("L"), dtype=np.float32)
    if fade and params.fade > 0:
        arr = _fade(arr, params.fade, gen)
    if params.light > 0:
        arr = _light(arr, params.light, gen)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
    fill = 255
    if params.bed:
        ox, oy = params.offset
        bed = Image.new("L", (img.width + ox + params.offset[0] // 2 + 40, img.height + oy + 60), params.bed_level)
        bed.paste(img, (ox, oy))
        img = bed
        fill = params.bed_level
    if params.angle:
        img = img.rotate(params.angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=fill)
    if params.blur > 0.05:
        img = img.filter(ImageFilter.GaussianBlur(radius=params.blur))
    arr = np.asarray(img, dtype=np.float32)
    arr = arr + gen.standard_normal(arr.shape, dtype=np.float32) * np.float32(params.noise)
    speck = gen.random(arr.shape, dtype=np.float32) < 0.0008
    arr[speck] = gen.uniform(0, 120)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")


def transform_boxes(boxes: Sequence[BBox], params: ScanParams, src_size_px: tuple[int, int],
                    dst_size_px: tuple[int, int]) -> list[BBox]:
    """Word boxes (points of the rendered page) → points of the scanned page."""
    s = params.dpi / 72.0
    ox, oy = params.offset
    cx, cy = dst_size_px[0] / 2.0, dst_size_px[1] / 2.0
    t = math.radians(params.angle)
    cos, sin = math.cos(t), math.sin(t)
    out = []
    for x0, y0, x1, y1 in boxes:
        xs, ys = [], []
        for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            px, py = x * s + ox, y * s + oy
            rx = cx + (px - cx) * cos + (py - cy) * sin
            ry = cy - (px - cx) * sin + (py - cy) * cos
            xs.append(rx / s)
            ys.append(ry / s)
        out.append((min(xs), min(ys), max(xs), max(ys)))
    del src_size_px
    return out


def jpeg_bytes(image: Image.Image, quality: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality, optimize=False)
    return buf.getvalue()


def images_pdf(jpegs: Sequence[bytes], sizes_pt: Sequence[tuple[float, float]]) -> bytes:
    """An image-only PDF embedding each JPEG as it is (no re-encoding), one page each."""
    from reportlab import rl_config
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    a85 = rl_config.useA85
    rl_config.useA85 = 0  # binary image streams: ASCII85 would cost time and 25 % more bytes
    try:
        c = canvas.Canvas(buf, pagesize=sizes_pt[0], invariant=1)
        for data, (w, h) in zip(jpegs, sizes_pt, strict=True):
            c.setPageSize((w, h))
            c.drawImage(ImageReader(io.BytesIO(data)), 0, 0, w, h)
            c.showPage()
        c.save()
    finally:
        rl_config.useA85 = a85
    return buf.getvalue()


@dataclass(frozen=True)
class ScannedDoc:
    files: list[tuple[str, bytes]]
    media_type: str
    pages: list[dict[str, Any]]  # width, height (points), dpi, boxes (one per word)
    params: dict[str, Any]


def scan_document(rd: RenderedDoc) -> ScannedDoc:
    """Scan ``rd``: its files (PDF or PNG) and the geometry of its words on the scanned pages."""
    rng = random.Random(rd.seed * 1_000_003 + rd.index + 17)
    gen = np.random.default_rng(rng.getrandbits(64))
    narrow = rd.ctx.sheets[0].width < 300
    params = draw_params(rng, kind=rd.family.kind, pages=len(rd.ctx.sheets), narrow=narrow)
    images = rasterize(rd.pdf, params.dpi)
    jpegs: list[bytes] = []
    pages: list[dict[str, Any]] = []
    sizes_pt: list[tuple[float, float]] = []
    for img, words in zip(images, rd.words, strict=True):
        out = degrade_page(img, params, gen)
        data = jpeg_bytes(out, params.jpeg_quality)
        jpegs.append(data)
        w_pt, h_pt = out.width * 72.0 / params.dpi, out.height * 72.0 / params.dpi
        sizes_pt.append((w_pt, h_pt))
        boxes = transform_boxes([w.word.bbox for w in words], params, img.size, out.size)
        pages.append({"width": w_pt, "height": h_pt, "dpi": params.dpi, "boxes": boxes})
    if params.output == "png" and len(jpegs) == 1:
        decoded = Image.open(io.BytesIO(jpegs[0]))
        buf = io.BytesIO()
        decoded.save(buf, format="PNG", dpi=(params.dpi, params.dpi), optimize=False, compress_level=2)
        files = [(f"{rd.id}.png", buf.getvalue())]
        media = "image/png"
    else:
        files = [(f"{rd.id}.pdf", images_pdf(jpegs, sizes_pt))]
        media = "application/pdf"
    return ScannedDoc(files, media, pages, params.to_dict())
