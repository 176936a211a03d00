"""Storage of extractions. ``none`` keeps nothing (``invoicer extract`` is storage-free); the database
store arrives with the database work and registers itself here."""

from __future__ import annotations

from typing import Any

from invoicer.document import Extraction
from invoicer.limits import Deadline
from invoicer.registry import Registry

STORES: Registry[Any] = Registry("store")


@STORES.register("none", "Stores nothing")
class NullStore:
    name = "none"

    def setup(self) -> None:
        pass

    def cleanup(self) -> None:
        pass

    def run(self, extraction: Extraction, deadline: Deadline) -> Extraction:
        return extraction
