"""The registry of OCR engines, by name."""

from __future__ import annotations

from typing import Any

from invoicer.registry import Registry

ENGINES: Registry[Any] = Registry("ocr")
