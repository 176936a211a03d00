from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from invoicer.config import Settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
DOCUMENTS = FIXTURES / "documents"
BAD = FIXTURES / "bad"
TRUTH = FIXTURES / "truth"


@pytest.fixture
def settings() -> Settings:
    """Default settings, isolated from the developer's environment and config file."""
    return Settings()


needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
