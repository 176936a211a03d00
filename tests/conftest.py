from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from invoicer.config import Settings, ValidateSettings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
DOCUMENTS = FIXTURES / "documents"
BAD = FIXTURES / "bad"
TRUTH = FIXTURES / "truth"


#: Validation with one threshold for every field (``validate.min_confidence``): the fake taggers' confidences
#: are not calibrated, and the default per-field thresholds belong to the shipped model's calibration.
UNIFORM_VALIDATE = ValidateSettings(field_min_confidence=())


@pytest.fixture
def settings() -> Settings:
    """Default settings, isolated from the developer's environment and config file (uniform confidence threshold)."""
    return Settings(validate=UNIFORM_VALIDATE)


needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
