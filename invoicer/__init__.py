"""invoicer: invoice and receipt extraction — accurate, fast on a CPU, self-hosted.

Public API::

    from invoicer import extract, Pipeline, load_settings
    result = extract("invoice.pdf")          # -> Extraction
    result.to_dict()                          # the extraction contract (schemas/extraction.schema.json)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from invoicer.config import Settings
    from invoicer.document import Extraction

__all__ = ["__version__", "extract"]


def extract(path: str | os.PathLike[str], settings: Settings | None = None) -> Extraction:
    """Run the standard pipeline on one file; raises :class:`invoicer.errors.InvoicerError` on bad input."""
    from invoicer.pipeline import Pipeline

    with Pipeline.from_settings(settings) as pipeline:
        return pipeline.extract(path)
