"""OCR: words with boxes for pages that have no usable text layer.

Engines are chosen by name from :data:`ENGINES` (``tesseract``, ``none``, ``fake``; ``trocr`` registers
itself when invoicer's own model is installed in ``invoicer/models/ocr/`` and torch + transformers are
importable, or when :func:`register_engine` is called to use another model). ``auto`` takes the best
one available (``trocr`` only when the bundled model's benchmark record says it beat Tesseract
and PP-OCR on held-out crops, else Tesseract). :func:`recognize_lines` reads cropped text-line
images with the default model.
"""

from collections.abc import Sequence
from pathlib import Path

from PIL.Image import Image

from invoicer.ocr.base import OcrEngine, OcrStage, lines_to_points
from invoicer.ocr.engines import FakeOcrEngine, NoOcrEngine, TesseractEngine, engine_from_settings, parse_tsv
from invoicer.ocr.registry import ENGINES
from invoicer.ocr.trocr import (
    RecognizedLine,
    TrOcrEngine,
    default_model_installed,
    engine_dependencies_installed,
    load_recognizer,
    register_engine,
)

if default_model_installed() and engine_dependencies_installed():
    register_engine()


def recognize_lines(images: Sequence[Image], model: str | Path | None = None) -> list[str]:
    """Texts of text-line images (PIL), read with ``model`` (a directory or hub id; None: invoicer's own)."""
    return [line.text for line in load_recognizer(model).recognize(images)]


__all__ = [
    "ENGINES",
    "FakeOcrEngine",
    "NoOcrEngine",
    "OcrEngine",
    "OcrStage",
    "RecognizedLine",
    "TesseractEngine",
    "TrOcrEngine",
    "engine_from_settings",
    "lines_to_points",
    "load_recognizer",
    "parse_tsv",
    "recognize_lines",
    "register_engine",
]
