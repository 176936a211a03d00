"""The OCR engine interface and the stage that applies an engine to pages without words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol, runtime_checkable

from PIL.Image import Image

from invoicer.document import Extraction, Line, Page, Word, WordSource
from invoicer.limits import Deadline


@runtime_checkable
class OcrEngine(Protocol):
    """Reads page images. Boxes it returns are in **pixels** of the given image."""

    name: str

    def read_pages(self, images: Sequence[Image]) -> list[tuple[Line, ...]]:
        """Lines (words with pixel boxes and confidences) for each image, in reading order."""
        ...


def engine_key(engine: object) -> str:
    """A name for what ``engine`` would read, for caches of OCR results: its ``cache_key`` when it has one
    (Tesseract with page preparation: ``tesseract-auto``), else its ``name``."""
    return str(getattr(engine, "cache_key", None) or getattr(engine, "name", "ocr"))


def lines_to_points(lines: Sequence[Line], page: Page) -> tuple[Line, ...]:
    """Convert pixel boxes from an engine to the page's point coordinates."""
    return tuple(
        Line(tuple(Word(w.text, page.from_pixels(w.bbox), w.confidence) for w in line.words), line.confidence)
        for line in lines
        if line.words
    )


class OcrStage:
    """Runs the engine over every page that still needs OCR (batched per document)."""

    name = "ocr"

    def __init__(self, engine: OcrEngine, keep_images: bool = False) -> None:
        self.engine = engine
        self.keep_images = keep_images

    def setup(self) -> None:
        setup = getattr(self.engine, "setup", None)
        if callable(setup):
            setup()

    def cleanup(self) -> None:
        cleanup = getattr(self.engine, "cleanup", None)
        if callable(cleanup):
            cleanup()

    def run(self, extraction: Extraction, deadline: Deadline) -> Extraction:
        doc = extraction.document
        todo = [p for p in doc.pages if p.needs_ocr]
        if not todo:
            return extraction
        deadline.check("OCR")
        results = self.engine.read_pages([p.image for p in todo if p.image is not None])
        deadline.check("OCR")
        by_number = {p.number: lines for p, lines in zip(todo, results, strict=True)}
        pages = []
        for page in doc.pages:
            if page.number in by_number:
                lines = lines_to_points(by_number[page.number], page)
                page = replace(
                    page,
                    source=WordSource.OCR if lines or self.engine.name != "none" else WordSource.NONE,
                    engine=self.engine.name,
                    lines=lines,
                    image=page.image if self.keep_images else None,
                )
            pages.append(page)
        result = replace(extraction, document=replace(doc, pages=tuple(pages)))
        if self.engine.name == "none":
            numbers = ", ".join(str(n) for n in by_number)
            result = result.with_note(
                f"no OCR engine is available, so page(s) {numbers} were not read "
                "(install tesseract-ocr or an invoicer OCR model)"
            )
        return result
