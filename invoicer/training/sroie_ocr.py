"""SROIE receipts as the pipeline sees them: words from our OCR stage, key-field labels aligned to them.

The ground-truth words of SROIE (``box/`` lines cut into words) are clean; at inference the tagger gets
OCR words instead — misread characters, other word splits, another reading order. This module runs
the receipt images through ingest and the OCR stage exactly as :class:`invoicer.pipeline.Pipeline`
does, caches the resulting documents as JSON (``<cache>/<image sha256>-<engine>.json``, the layout
``benchmarks/fields --cache`` uses too), and labels
their words with :func:`invoicer.datasets.sroie.align_receipt` (the same alignment rules as the
ground-truth view: exact, then parsed dates / amounts, then fuzzy names and addresses).

A field whose value cannot be aligned on the OCR words (misread beyond the fuzzy threshold) is left
out of the page's ``annotated`` set, so its words are not taught as ``O``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from invoicer.document import Document
from invoicer.errors import DatasetError
from invoicer.ocr.base import engine_key

__all__ = ["align_ocr_words", "default_ocr_cache", "ocr_document", "sroie_ocr_documents"]


def default_ocr_cache() -> Path:
    home = os.environ.get("INVOICER_HOME")
    base = Path(home) if home else Path.home() / ".cache" / "invoicer"
    return base / "data" / "ocr-cache"


def ocr_document(image_path: Path, engine: Any) -> Document:
    """Ingest ``image_path`` and OCR it with ``engine`` (the pipeline's ingest and OCR stage, nothing else)."""
    from invoicer.config import IngestSettings
    from invoicer.document import Extraction
    from invoicer.ingest import ingest_path
    from invoicer.limits import Deadline
    from invoicer.ocr import OcrStage

    document = ingest_path(image_path, IngestSettings())
    return OcrStage(engine).run(Extraction(document), Deadline.never()).document


def sroie_ocr_documents(
    split: str,
    engine: Any,
    cache: str | Path | None = None,
    *,
    root: str | Path | None = None,
    ids: Iterable[str] | None = None,
    echo: Callable[[str], None] = lambda s: None,
) -> list[Any]:
    """Training documents (:class:`~invoicer.training.tagger.TrainedDocument`) of SROIE ``split`` (or of the
    given ``ids``) read by ``engine`` (an OCR engine object with ``name``); OCR results are cached per engine."""
    from invoicer.datasets.sroie import sroie_receipts
    from invoicer.tagging.encoding import normalize_box
    from invoicer.tagging.labels import canonical_label
    from invoicer.training.tagger import SROIE_TYPES, LabelledPage, TrainedDocument

    folder = Path(cache) if cache is not None else default_ocr_cache()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, receipt in enumerate(sroie_receipts(split, root, ids=ids)):
        sha = hashlib.sha256(receipt.image_path.read_bytes()).hexdigest()
        file = folder / f"{sha}-{engine_key(engine)}.json"
        if file.is_file():
            document = Document.from_dict(json.loads(file.read_text("utf-8")))
        else:
            document = ocr_document(receipt.image_path, engine)
            file.write_text(json.dumps(document.to_dict(), ensure_ascii=False) + "\n", "utf-8")
            if k % 25 == 0:
                echo(f"OCR of SROIE {split}: {k} receipts")
        labels, alignments = align_ocr_words(receipt, document)
        page = document.pages[0]
        annotated = frozenset(a.field for a in alignments if a.aligned or a.status == "absent") & SROIE_TYPES
        labelled = LabelledPage(
            f"sroie-ocr:{receipt.receipt_id}",
            tuple(w.text for w in page.words),
            tuple(normalize_box(w.bbox, page.width, page.height) for w in page.words),
            tuple(canonical_label(lb) for lb in labels),
            annotated,
        )
        out.append(
            TrainedDocument(
                f"sroie-ocr:{receipt.receipt_id}", "sroie", document.sha256, (labelled,), document, dict(receipt.truth)
            )
        )
    return out


def align_ocr_words(receipt: Any, document: Document) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """BIO labels for the words of ``document`` (a one-page OCR reading of SROIE ``receipt``) and how each
    key field was aligned (:func:`invoicer.datasets.sroie.align_receipt` on the OCR lines)."""
    from invoicer.datasets.sroie import BoxLine, SroieWord, align_receipt

    if len(document.pages) != 1:
        raise DatasetError(f"SROIE {receipt.receipt_id}: expected one page", path=str(receipt.image_path))
    page = document.pages[0]
    scale = (page.dpi or 300.0) / 72.0
    lines: list[BoxLine] = []
    words: list[SroieWord] = []
    for line in page.lines:
        text = ""
        index = len(lines)
        for w in line.words:
            if text:
                text += " "
            start = len(text)
            text += w.text
            x0, y0, x1, y1 = (v * scale for v in w.bbox)
            words.append(SroieWord(w.text, (x0, y0, x1, y1), index, start, len(text)))
        bx0, by0, bx1, by1 = (round(v * scale) for v in line.bbox)
        lines.append(BoxLine(index, (bx0, by0, bx1, by0, bx1, by1, bx0, by1), text))
    return align_receipt(lines, words, receipt.entities, receipt.truth)


def main(argv: Sequence[str] | None = None) -> int:
    """Fill the SROIE OCR cache (the one `invoicer train tagger --sroie-ocr` and `benchmarks/fields --cache` read),
    one part of the receipts per process so several processes can share the work."""
    parser = argparse.ArgumentParser(
        prog="python -m invoicer.training.sroie_ocr",
        description="Read SROIE receipts with an OCR engine into the cache (run with OMP_THREAD_LIMIT=1).",
    )
    parser.add_argument("--split", default="all", choices=("train", "validation", "all"))
    parser.add_argument("--engine", default="auto", help="OCR engine (auto, tesseract ...), as --sroie-ocr")
    parser.add_argument("--part", type=int, default=1, help="this process's part, 1..PARTS")
    parser.add_argument("--parts", type=int, default=1, help="number of parts the work is split into")
    parser.add_argument("--cache", type=Path, default=None, help="cache folder (default: the SROIE OCR cache)")
    parser.add_argument("--root", type=Path, default=None, help="SROIE folder (default: shared/data/sroie-train)")
    parser.add_argument("--split-file", type=Path, default=None, help="recorded split (default: the package's)")
    args = parser.parse_args(argv)
    if not 1 <= args.part <= args.parts:
        parser.error("--part must be between 1 and --parts")

    from invoicer.config import OcrSettings
    from invoicer.datasets.sroie import split_ids
    from invoicer.ocr import engine_from_settings

    try:
        ids = split_ids(args.split, args.split_file)[args.part - 1 :: args.parts]
        engine: Any = engine_from_settings(args.engine, OcrSettings().languages)
        getattr(engine, "setup", lambda: None)()
        start = time.perf_counter()
        documents = sroie_ocr_documents(args.split, engine, args.cache, root=args.root, ids=ids, echo=print)
    except (DatasetError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{len(documents)} receipts of SROIE {args.split} (part {args.part}/{args.parts}) read by "
        f"{engine_key(engine)} in {time.perf_counter() - start:.0f} s; cache {args.cache or default_ocr_cache()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
