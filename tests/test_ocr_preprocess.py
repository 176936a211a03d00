"""Page preparation for Tesseract: background normalization and the better-of-two-readings rule."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from invoicer.config import OcrSettings
from invoicer.document import Line, Word
from invoicer.errors import ConfigError, OcrError
from invoicer.ocr.engines import TesseractEngine, tesseract_available
from invoicer.ocr.preprocess import (
    better_reading,
    looks_poor,
    normalize_background,
    paper_is_uneven,
    reading_quality,
)


def page(paper: int = 255, gradient: bool = False, noise: float = 0.0, seed: int = 0) -> Image.Image:
    """A 600×400 page with three lines of text on paper of the given brightness (optionally lit from one side)."""
    img = Image.new("L", (600, 400), paper)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(("INVOICE 2024-117", "Total EUR 1,234.56", "Thank you")):
        draw.text((40, 60 + 90 * i), text, fill=20, font_size=36)
    arr = np.asarray(img, dtype=np.float32)
    if gradient:
        arr = arr * np.linspace(0.55, 1.0, arr.shape[1])[None, :]
    if noise:
        arr = arr + np.random.default_rng(seed).normal(0, noise, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def lines(*confidences: float, text: str = "word") -> tuple[Line, ...]:
    return (Line(tuple(Word(text, (i * 10, 0, i * 10 + 8, 10), c) for i, c in enumerate(confidences))),)


def test_normalization_makes_grey_unevenly_lit_paper_white_and_keeps_the_ink() -> None:
    grey = page(paper=200, gradient=True, noise=4)
    out = np.asarray(normalize_background(grey), dtype=np.float32)
    paper = out[300:390, 20:580]  # below the text: paper only
    assert paper.mean() > 235 and np.percentile(paper, 5) > 215
    ink = np.asarray(grey) < 60
    assert out[ink].mean() < 110  # text stays dark relative to the paper around it


def test_clean_white_paper_is_left_alone_and_grey_paper_is_detected() -> None:
    assert not paper_is_uneven(page())
    assert paper_is_uneven(page(paper=215))
    assert paper_is_uneven(page(gradient=True))


def test_reading_quality_counts_confident_words_with_letters_or_digits() -> None:
    assert reading_quality(lines(0.9, 0.5, 0.7)) == pytest.approx(1.6)
    assert reading_quality(lines(0.95, text="---")) == 0.0
    assert looks_poor(lines(0.9, 0.9))  # too few words
    assert looks_poor(lines(*[0.5] * 10))
    assert not looks_poor(lines(*[0.9] * 10))


def test_auto_keeps_the_better_of_two_readings_and_reads_clean_pages_once() -> None:
    seen: list[float] = []

    def reader(image: Image.Image) -> tuple[Line, ...]:
        brightness = float(np.asarray(image).mean())
        seen.append(brightness)
        return lines(*[0.9] * 10) if brightness > 230 else lines(*[0.9] * 3)

    result, which = better_reading(page(paper=200, gradient=True), reader, "auto")
    assert which == "normalized" and len(seen) == 2 and len(result[0].words) == 10
    seen.clear()
    result, which = better_reading(page(), reader, "auto")
    assert which == "raw" and len(seen) == 1
    seen.clear()
    assert better_reading(page(), reader, "normalize")[1] == "normalized" and len(seen) == 1
    assert better_reading(page(paper=200), reader, "none")[1] == "raw"
    with pytest.raises(OcrError, match="auto, normalize, none"):
        better_reading(page(), reader, "sharpen")


def test_settings_and_engine_reject_unknown_modes() -> None:
    with pytest.raises(ConfigError, match=r"ocr\.preprocess"):
        OcrSettings(preprocess="sharpen")
    with pytest.raises(OcrError, match="valid"):
        TesseractEngine(preprocess="sharpen")


@pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed")
def test_tesseract_reads_text_on_noisy_grey_paper() -> None:
    """Regression: on grey, noisy, unevenly lit paper Tesseract's own global threshold lost whole pages."""
    noisy = page(paper=205, gradient=True, noise=14, seed=3)
    text = " ".join(w.text for ln in TesseractEngine(preprocess="auto").read_pages([noisy])[0] for w in ln.words)
    assert "1,234.56" in text and "INVOICE" in text
