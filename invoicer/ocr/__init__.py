"""OCR: words with boxes for pages that have no usable text layer.

Engines are chosen by name from :data:`ENGINES` (``tesseract``, ``none``, ``fake``; model engines
register themselves when installed). ``auto`` takes the best one available.
"""

from invoicer.ocr.base import OcrEngine, OcrStage, lines_to_points
from invoicer.ocr.engines import FakeOcrEngine, NoOcrEngine, TesseractEngine, engine_from_settings, parse_tsv
from invoicer.ocr.registry import ENGINES

__all__ = [
    "ENGINES",
    "FakeOcrEngine",
    "NoOcrEngine",
    "OcrEngine",
    "OcrStage",
    "TesseractEngine",
    "engine_from_settings",
    "lines_to_points",
    "parse_tsv",
]
