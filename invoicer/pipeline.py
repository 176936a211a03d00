"""The pipeline: ingest → ocr → tag → validate → store, each a named, swappable stage.

The CLI, the API and workers all go through :class:`Pipeline`. Build one with
:meth:`Pipeline.from_settings` (backends chosen by name) or pass stages directly (tests pass fakes).
Stages are set up once (models load once per process) and cleaned up by :meth:`Pipeline.close`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from invoicer.config import Settings, load_settings
from invoicer.document import Document, Extraction, ExtractionStatus, ProcessingError
from invoicer.errors import InvoicerError
from invoicer.ingest import ingest_bytes, read_file_bytes, sha256_of
from invoicer.limits import Deadline
from invoicer.ocr import OcrStage, engine_from_settings
from invoicer.store import STORES
from invoicer.tagging import TagStage, tagger_from_settings
from invoicer.validate import ValidateStage

log = logging.getLogger(__name__)

__all__ = ["Pipeline", "Stage", "StageTiming"]


class Stage(Protocol):
    """A pipeline stage (paperless-style plugin): set up once, run per document, cleaned up once."""

    name: str

    def setup(self) -> None: ...

    def run(self, extraction: Extraction, deadline: Deadline) -> Extraction: ...

    def cleanup(self) -> None: ...


@dataclass(frozen=True)
class StageTiming:
    stage: str
    seconds: float


class Pipeline:
    """Runs the stages in order on files or bytes."""

    def __init__(self, stages: Iterable[Stage], settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.stages = list(stages)
        self._ready = False
        self.last_timings: list[StageTiming] = []

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, store: str = "none", **overrides: Any) -> Pipeline:
        """The standard pipeline with backends named in ``settings`` (``ocr.engine``, ``tagger.backend``).

        Keyword overrides replace a stage's backend object: ``ocr_engine=FakeOcrEngine(...)``,
        ``tagger=FakeTagger(...)``, ``store=...`` (a name).
        """
        settings = settings or load_settings()
        ocr_options = {"model": settings.ocr.model} if settings.ocr.model else None
        engine: Any = overrides.get("ocr_engine") or engine_from_settings(
            settings.ocr.engine, settings.ocr.languages, ocr_options, settings.ocr.preprocess
        )
        tagger = overrides.get("tagger") or tagger_from_settings(
            settings.tagger.backend,
            settings.tagger.model,
            settings.tagger.compute_dtype,
            keyword_candidates=settings.tagger.keyword_candidates,
        )
        stages: list[Stage] = [
            OcrStage(engine),
            TagStage(tagger),
            ValidateStage(settings.validate),
            STORES.create(store, settings),
        ]
        return cls(stages, settings)

    def setup(self) -> None:
        if not self._ready:
            for stage in self.stages:
                stage.setup()
            self._ready = True

    def close(self) -> None:
        for stage in self.stages:
            try:
                stage.cleanup()
            except Exception:  # pragma: no cover - cleanup must not mask results
                log.exception("cleanup of stage %s failed", stage.name)
        self._ready = False

    def __enter__(self) -> Pipeline:
        self.setup()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- processing ---------------------------------------------------------------------------

    def extract_bytes(self, data: bytes, name: str, source_path: str | None = None) -> Extraction:
        """Run every stage on ``data``; raises :class:`InvoicerError` on failure."""
        self.setup()
        deadline = Deadline(self.settings.ingest.timeout_s)
        timings: list[StageTiming] = []
        t0 = time.perf_counter()
        document = ingest_bytes(data, name, self.settings.ingest, deadline, source_path)
        timings.append(StageTiming("ingest", time.perf_counter() - t0))
        extraction = Extraction(document)
        for stage in self.stages:
            t0 = time.perf_counter()
            try:
                extraction = stage.run(extraction, deadline)
            except InvoicerError as exc:
                raise exc.with_path(source_path or name) from exc.__cause__
            timings.append(StageTiming(stage.name, time.perf_counter() - t0))
        deadline.check("the pipeline")
        self.last_timings = timings
        return _drop_images(extraction)

    def extract(self, path: str | os.PathLike[str]) -> Extraction:
        """Run every stage on the file at ``path``; raises :class:`InvoicerError` on failure."""
        data = read_file_bytes(path, self.settings.ingest)
        return self.extract_bytes(data, Path(path).name, str(path))

    def process(self, path: str | os.PathLike[str]) -> Extraction:
        """Like :meth:`extract`, but a failure becomes an extraction with status ``failed`` and its error."""
        try:
            return self.extract(path)
        except InvoicerError as exc:
            return failed_extraction(path, exc.code, exc.message, exc.hint, exc.page)
        except Exception as exc:  # a bug: keep going with the other files, but say so loudly
            log.exception("internal error while processing %s", path)
            return failed_extraction(path, "internal_error", f"{type(exc).__name__}: {exc}", "please report this", None)

    def process_many(self, paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, Extraction]]:
        for path in paths:
            yield str(path), self.process(path)


def _drop_images(extraction: Extraction) -> Extraction:
    doc = extraction.document
    if all(p.image is None for p in doc.pages):
        return extraction
    return replace(extraction, document=replace(doc, pages=tuple(p.without_image() for p in doc.pages)))


def failed_extraction(
    path: str | os.PathLike[str], code: str, message: str, hint: str | None, page: int | None
) -> Extraction:
    """The record of a file that could not be processed (identity kept as far as it could be read)."""
    p = Path(path)
    sha, size = "", 0
    try:
        if p.is_file():
            data = p.read_bytes()
            sha, size = sha256_of(data), len(data)
    except OSError:
        pass
    document = Document(
        sha256=sha, source_name=p.name, media_type="application/octet-stream", size_bytes=size, source_path=str(path)
    )
    return Extraction(document, status=ExtractionStatus.FAILED, error=ProcessingError(code, message, hint, page))
