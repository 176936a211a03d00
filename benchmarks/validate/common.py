"""Shared by ``benchmarks/validate/calibration.py`` and ``acceptance.py``: the pipeline with the trained
tagger, the OCR cache of ``benchmarks/fields`` (imported, not copied), and field values scored against
truth with :func:`invoicer.tagging.scoring.same_value` (normalized values, alternates accepted)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks.fields import run as fields_run
from invoicer.config import Settings, ValidateSettings
from invoicer.document import FIELD_NAMES, Extraction
from invoicer.pipeline import Pipeline
from invoicer.tagging.scoring import options_of, same_value
from invoicer.validate.calibration import Sample

SYNTH_SEED = 900001  # as benchmarks/fields part_synth: a seed training never used
SROIE_FIELDS = fields_run.SROIE_FIELDS


def add_pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    """The options both benchmarks take: tagger checkpoint, OCR engine, torch threads, OCR cache."""
    parser.add_argument("--model", help="tagger checkpoint folder (default: invoicer/models/tagger)")
    parser.add_argument("--ocr", default="auto")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--cache", type=Path, help="OCR cache of benchmarks/fields (words after ingest + OCR)")


def use_ocr_cache(cache: Path | None) -> None:
    """Route :func:`process` through ``benchmarks/fields``' cache of words after ingest + OCR."""
    fields_run.CACHE = cache


def make_pipeline(
    model: str | None, ocr: str, threads: int | None, *, calibrate: bool, validate: ValidateSettings | None = None
) -> tuple[Pipeline, str]:
    """The standard pipeline (ingest → OCR → LayoutLM tagger → validate) on checkpoint ``model``, default
    settings (``validate`` replaces the validation settings); ``calibrate=False`` keeps the tagger's raw
    confidences. Returns it set up, and the OCR engine's name."""
    from invoicer.tagging.layoutlm import LayoutLMTagger

    settings = Settings()
    settings = replace(settings, ocr=replace(settings.ocr, engine=ocr), validate=validate or settings.validate)
    tagger = LayoutLMTagger(model, threads=threads, calibrate=calibrate)
    pipeline = Pipeline.from_settings(settings, tagger=tagger)
    pipeline.setup()
    engine = getattr(getattr(pipeline.stages[0], "engine", None), "name", "?")
    return pipeline, str(engine)


def process(pipeline: Pipeline, path: Path) -> Extraction:
    """One file through the pipeline, with the OCR cache when :func:`use_ocr_cache` set one."""
    return fields_run._process(pipeline, path)


def is_correct(name: str, value: str, options: Sequence[str]) -> bool:
    return any(same_value(name, value, t) for t in options)


def field_samples(
    extraction: Extraction, truth: Mapping[str, Sequence[str]], fields: Sequence[str] = FIELD_NAMES
) -> list[Sample]:
    """A :class:`Sample` per field value the extraction has (among ``fields``): right when it equals one of the
    acceptable true values; a value for a field the truth lacks (not printed) is wrong."""
    out = []
    for f in extraction.fields:
        if f.name in fields and f.value is not None:
            out.append(Sample(f.name, float(f.confidence), is_correct(f.name, f.value, truth.get(f.name, ()))))
    return out


@dataclass(frozen=True)
class HeldOutDoc:
    """One held-out document: where it comes from, its key, the fields its truth covers and the truth."""

    source: str  # "sroie" | "synth"
    key: str
    index: int
    path: Path
    fields: tuple[str, ...]
    truth: Mapping[str, tuple[str, ...]]


def sroie_docs(limit: int | None = None) -> list[HeldOutDoc]:
    """The SROIE validation receipts (``invoicer/datasets/splits/sroie.json``), truth for 4 fields."""
    from invoicer.datasets.sroie import sroie_receipts

    receipts = list(sroie_receipts("validation"))[: limit or None]
    return [
        HeldOutDoc(
            "sroie",
            r.receipt_id,
            i,
            Path(r.image_path),
            SROIE_FIELDS,
            {n: options_of(r.truth.get(n)) for n in SROIE_FIELDS},
        )
        for i, r in enumerate(receipts)
    ]


def synth_docs(out: Path, n: int, seed: int = SYNTH_SEED) -> list[HeldOutDoc]:
    """``n`` freshly generated synthetic documents (born-digital PDFs, seed never trained on), every field."""
    docs = []
    for i, (path, truth) in enumerate(fields_run._generate(out, n, seed)):
        values = {name: f.get("value") for name, f in truth["fields"].items()}
        docs.append(
            HeldOutDoc(
                "synth",
                f"{truth.get('layout')}/{truth.get('id')}",
                i,
                path,
                FIELD_NAMES,
                {name: options_of(values.get(name)) for name in FIELD_NAMES},
            )
        )
    return docs


def yardstick_truth(doc: Any) -> dict[str, tuple[str, ...]]:
    return {n: options_of(doc.fields.get(n), doc.alternates.get(n, ())) for n in FIELD_NAMES}


def run_docs(pipeline: Pipeline, docs: Sequence[HeldOutDoc]) -> Iterator[tuple[HeldOutDoc, Extraction]]:
    for k, doc in enumerate(docs, start=1):
        if k % 25 == 0:
            print(f"  {doc.source}: {k}/{len(docs)}", file=sys.stderr)
        # synthetic PDFs are born-digital and generated afresh: no OCR to cache (as benchmarks/fields part_synth)
        yield doc, pipeline.process(doc.path) if doc.source == "synth" else process(pipeline, doc.path)


def temp_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="invoicer-calibration-")


def dump(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
