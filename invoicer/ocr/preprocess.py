"""Page-image preparation for OCR engines that binarize with one global threshold (Tesseract).

Tesseract binarizes a page with a single Otsu threshold. On scans whose paper is grey, noisy or
unevenly lit, that threshold turns the background into speckle and page segmentation then finds
little or no text; on synthetic scans of that kind it returned almost nothing for 3 pages in 20
although a person reads them easily (``benchmarks/ocr/preprocess.py``).

:func:`normalize_background` divides the page by an estimate of its paper brightness (a maximum
filter over a 16× reduced copy, so strokes thinner than ~80 pixels vanish from the estimate, then
smoothed): paper becomes white everywhere, ink keeps its contrast relative to the paper around it.
It can also hurt — on a clean white page it only adds risk — so engines use it as a second reading
(:func:`better_reading`): when the first reading looks poor, the page is read again normalized and
the reading with more confidently read words wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image, ImageFilter

from invoicer.document import Line
from invoicer.errors import OcrError

#: ``auto``: read as is, read normalized again when the first reading looks poor, keep the better;
#: ``normalize``: always normalize first; ``none``: never.
PREPROCESS_MODES = ("auto", "normalize", "none")

#: A word counts as confidently read from this engine confidence on (Tesseract's 0-100 scaled to 0-1).
CONFIDENT_WORD = 0.6


def _reduce(gray: np.ndarray, factor: int) -> Image.Image:
    h, w = gray.shape
    return Image.fromarray(gray).resize((max(8, w // factor), max(8, h // factor)), Image.Resampling.BOX)


def estimate_background(image: Image.Image, factor: int = 16) -> Image.Image:
    """The paper brightness under every pixel of ``image`` (grayscale, same size)."""
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    small = _reduce(gray, factor).filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(1.5))
    return small.resize(image.size, Image.Resampling.BILINEAR)


def paper_is_uneven(image: Image.Image, background: Image.Image | None = None) -> bool:
    """True when the paper is grey (median background below 245) or unevenly lit (5th percentile below 200)."""
    bg = np.asarray(background if background is not None else estimate_background(image), dtype=np.uint8)
    p5, p50 = np.percentile(bg[:: max(1, bg.shape[0] // 256), :: max(1, bg.shape[1] // 256)], [5, 50])
    return bool(p50 < 245 or p5 < 200)


def normalize_background(image: Image.Image, background: Image.Image | None = None) -> Image.Image:
    """``image`` in grayscale divided by its background: white paper everywhere, ink relative to its paper."""
    gray = np.asarray(image.convert("L"), dtype=np.float32)
    bg = background if background is not None else estimate_background(image)
    paper = np.maximum(np.asarray(bg, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(gray / paper * 255.0, 0, 255).astype(np.uint8))


def reading_quality(lines: Sequence[Line]) -> float:
    """Sum of the confidences of confidently read words that hold a letter or digit."""
    return sum(
        w.confidence
        for line in lines
        for w in line.words
        if w.confidence >= CONFIDENT_WORD and any(c.isalnum() for c in w.text)
    )


def looks_poor(lines: Sequence[Line], min_mean_confidence: float = 0.75, min_words: int = 8) -> bool:
    """True when a reading has few words with letters or digits, or their mean confidence is low."""
    words = [w for line in lines for w in line.words if any(c.isalnum() for c in w.text)]
    if len(words) < min_words:
        return True
    return float(np.mean([w.confidence for w in words])) < min_mean_confidence


def better_reading(
    image: Image.Image, read: Callable[[Image.Image], tuple[Line, ...]], mode: str = "auto"
) -> tuple[tuple[Line, ...], str]:
    """Read ``image`` with ``read`` as ``mode`` says; returns the lines and which image won (raw/normalized).

    ``auto`` reads the page as is and, when its paper is grey or uneven or the reading looks poor,
    reads it again normalized and keeps the reading with the higher :func:`reading_quality`.
    """
    if mode not in PREPROCESS_MODES:
        raise OcrError(f"unknown OCR preprocessing {mode!r}; valid: {', '.join(PREPROCESS_MODES)}")
    if mode == "none":
        return read(image), "raw"
    background = estimate_background(image)
    if mode == "normalize":
        return read(normalize_background(image, background)), "normalized"
    first = read(image)
    if not (paper_is_uneven(image, background) or looks_poor(first)):
        return first, "raw"
    second = read(normalize_background(image, background))
    if reading_quality(second) > reading_quality(first):
        return second, "normalized"
    return first, "raw"


__all__ = [
    "CONFIDENT_WORD",
    "PREPROCESS_MODES",
    "better_reading",
    "estimate_background",
    "looks_poor",
    "normalize_background",
    "paper_is_uneven",
    "reading_quality",
]
