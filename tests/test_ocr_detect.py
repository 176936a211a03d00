"""Text-line detectors on generated scans."""

from __future__ import annotations

import pytest
from PIL import Image

from invoicer.errors import OcrError, UnknownBackendError
from invoicer.ocr.detect import DETECTORS, TextLineBox, make_detector, ppocr_available, reading_order

cv2 = pytest.importorskip("cv2")


def iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@pytest.fixture(scope="module")
def scan() -> tuple[Image.Image, list[tuple[float, float, float, float]]]:
    """A degraded 150-dpi invoice scan and its text lines (from the PDF's words)."""
    pytest.importorskip("reportlab")
    import io

    import pdfplumber

    from invoicer.synth.basic import InvoiceSpec, degrade, rasterize_pdf, render_invoice_pdf

    pdf = render_invoice_pdf(InvoiceSpec())
    image = degrade(rasterize_pdf(pdf, dpi=150)[0], seed=3, skew=0.3)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        words = doc.pages[0].extract_words()
    s = 150 / 72
    return image, [(w["x0"] * s, w["top"] * s, w["x1"] * s, w["bottom"] * s) for w in words]


def covered(words: list[tuple[float, ...]], boxes: list[TextLineBox]) -> float:
    """Share of words whose box lies (mostly) inside one detected line box."""

    def inside(w: tuple[float, ...], b: tuple[int, ...]) -> bool:
        ix = max(0.0, min(w[2], b[2]) - max(w[0], b[0]))
        iy = max(0.0, min(w[3], b[3]) - max(w[1], b[1]))
        return ix * iy >= 0.7 * (w[2] - w[0]) * (w[3] - w[1])

    return sum(any(inside(w, b.bbox) for b in boxes) for w in words) / len(words)


def test_morphology_finds_the_printed_lines(scan: tuple[Image.Image, list]) -> None:
    image, words = scan
    boxes = make_detector("morphology").detect(image)
    assert covered(words, boxes) >= 0.9
    # no box spans several text rows
    assert all(b.height < 60 for b in boxes)
    assert boxes == reading_order(boxes)


@pytest.mark.skipif(not ppocr_available(), reason="rapidocr-onnxruntime is not installed")
def test_ppocr_finds_the_printed_lines(scan: tuple[Image.Image, list]) -> None:
    image, words = scan
    boxes = make_detector("ppocr").detect(image)
    assert covered(words, boxes) >= 0.9


def test_reading_order_rows_then_columns() -> None:
    a = TextLineBox((300, 12, 400, 30))
    b = TextLineBox((10, 10, 100, 30))
    c = TextLineBox((10, 50, 100, 70))
    assert reading_order([c, a, b]) == [b, a, c]


def test_detector_registry_and_errors() -> None:
    assert {"morphology", "ppocr"} <= set(DETECTORS.names())
    with pytest.raises(UnknownBackendError, match="morphology"):
        make_detector("yolo")
    with pytest.raises(OcrError):
        make_detector("morphology").detect(Image.new("L", (4, 4), 255))
    assert make_detector("morphology").detect(Image.new("L", (200, 100), 255)) == []
