"""Synthetic documents as the pipeline sees them after OCR: degraded scans read by an OCR engine,
with the truth's word labels transferred to the OCR words.

The truth of a synthetic document (``invoicer synth``, see :mod:`invoicer.synth.truth`) labels clean
words; on a real scan the tagger gets OCR words instead — misread characters, other splits, noise.
For each document this module

* makes a scan: a ``docs``-mode PDF is rasterized and degraded exactly like ``invoicer synth --mode
  scan`` does it (:func:`invoicer.synth.scan.scan_document`: 150-300 dpi, thermal fade, uneven light,
  scanner bed, skew up to 3°, blur, noise, JPEG 30-90), with settings drawn from the PDF's sha256 and a
  degradation seed, the truth boxes moved by the same geometry; a ``scan``-mode document is used as it
  is (its truth boxes already sit on the scanned page);
* reads the scan with ingest + the OCR stage, exactly as :class:`invoicer.pipeline.Pipeline` does
  (like :func:`invoicer.training.sroie_ocr.ocr_document`), and caches the result in the folder
  :func:`~invoicer.training.sroie_ocr.default_ocr_cache` names: ``<pdf sha256>-synth<seed>-<engine>.json``
  (the OCR'd document plus the scan settings and moved truth boxes) for a degraded PDF,
  ``<file sha256>-<engine>.json`` (the document alone, the layout ``sroie_ocr`` and ``benchmarks/fields
  --cache`` use) for a file that already is a scan;
* transfers labels (:func:`transfer_page`): an OCR word takes the entity occurrence of the labelled truth
  words it overlaps — intersection over the OCR word's area ≥ :data:`MIN_OVERLAP` (boxes in points of the
  scanned page on both sides), summed per occurrence, and only when no group of ``O`` truth words covers
  it more; ``B-``/``I-`` are recomputed per occurrence in the OCR reading order. An occurrence whose text
  the OCR words carrying it recover poorly (less than :data:`MIN_RECOVERED` of its characters, compared
  NFKC-casefolded without spaces) takes its entity type out of the page's ``annotated`` set, as
  :mod:`~invoicer.training.sroie_ocr` does for unaligned fields: the loss then lets any ``O`` word of the
  page be that type instead of teaching the missed words as ``O``. Line-item columns are entity types
  like the header fields and are transferred the same way.

``python -m invoicer.training.synth_ocr --data DIR --engine tesseract --limit N --part K --parts P``
fills the cache for the documents ``invoicer train tagger --synth-ocr ENGINE --synth-ocr-limit N`` will use
(the same training split and choice), part ``K`` of ``P`` (1-based) so processes can share the work.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from invoicer.document import BBox, Document, Word
from invoicer.errors import DatasetError, InvoicerError
from invoicer.ocr.base import engine_key

__all__ = [
    "CACHE_FORMAT",
    "MIN_OVERLAP",
    "MIN_RECOVERED",
    "PageTransfer",
    "SynthScan",
    "choose_for_ocr",
    "ocr_synth_scan",
    "synth_ocr_document",
    "synth_ocr_training_documents",
    "training_truth_files",
    "transfer_page",
]

#: Share of an OCR word's box that labelled truth words of one occurrence must cover for it to take the label.
MIN_OVERLAP = 0.5
#: Share of an occurrence's characters the OCR words carrying it must recover, else its type is not annotated.
MIN_RECOVERED = 0.5
CACHE_FORMAT = "invoicer.synth-ocr/1"
SOURCE = "synth-ocr"


# ----------------------------------------------------------------------------------------------
# Label transfer
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageTransfer:
    """Labels of one page's OCR words and how well each truth occurrence came through."""

    labels: tuple[str, ...]  # canonical BIO, one per OCR word (reading order)
    annotated: frozenset[str]  # entity types whose occurrences on the page were all recovered well
    spans: tuple[tuple[str, float], ...]  # per truth occurrence: entity type, share of its characters recovered
    reached: tuple[bool, ...]  # per truth word: its label reached an overlapping OCR word (False for O words)


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _recovered(truth: str, ocr: str) -> float:
    """Share of the characters of ``truth`` found, in order, in ``ocr`` (both normalized)."""
    if not truth:
        return 1.0 if ocr else 0.0
    blocks = difflib.SequenceMatcher(None, truth, ocr, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(truth)


def _intersections(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)) intersection areas of boxes ``a`` and ``b`` (x0, y0, x1, y1)."""
    w = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    h = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    return np.clip(w, 0, None) * np.clip(h, 0, None)


def _boxes(boxes: Iterable[Sequence[float]]) -> np.ndarray:
    arr = np.array([[min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])] for b in boxes], float)
    return arr.reshape(-1, 4)


def transfer_page(
    truth_words: Sequence[str],
    truth_boxes: Sequence[Sequence[float]],
    truth_labels: Sequence[str],
    ocr_words: Sequence[Word],
) -> PageTransfer:
    """Labels for ``ocr_words`` (one page, reading order) from the truth words of the same page.

    Boxes on both sides are points of the same page. ``truth_labels`` are BIO labels in any spelling
    :func:`~invoicer.tagging.labels.canonical_label` reads; an ``I-`` occurrence that starts the page (it
    began on an earlier page) stays ``I-`` on the OCR words.
    """
    from invoicer.synth.labels import spans
    from invoicer.tagging.labels import ENTITY_TYPES, OUTSIDE, canonical_label

    labels = [canonical_label(lb) for lb in truth_labels]
    if not len(truth_words) == len(truth_boxes) == len(labels):
        raise DatasetError(f"{len(truth_words)} truth words, {len(truth_boxes)} boxes, {len(labels)} labels")
    occurrences = spans(labels)  # (entity, word indices), I- joins the latest open occurrence of its type
    span_of = np.full(len(labels), -1, dtype=int)
    for s, (_, idx) in enumerate(occurrences):
        span_of[idx] = s
    n_spans = len(occurrences)
    tags: list[int | None] = [None] * len(ocr_words)
    if ocr_words and len(labels):
        ocr = _boxes(w.bbox for w in ocr_words)
        inter = _intersections(ocr, _boxes(truth_boxes))  # (ocr, truth)
        area = (ocr[:, 2] - ocr[:, 0]) * (ocr[:, 3] - ocr[:, 1])
        groups = np.where(span_of >= 0, span_of, n_spans)  # O truth words form one more group
        cover = np.zeros((len(ocr_words), n_spans + 1))
        np.add.at(cover.T, groups, inter.T)
        for j in range(len(ocr_words)):
            if area[j] <= 0:
                continue
            best = int(np.argmax(cover[j]))
            if best < n_spans and cover[j, best] / area[j] >= MIN_OVERLAP:
                tags[j] = best
    # BIO in the OCR reading order; an occurrence continued from an earlier page stays I-
    seen = {s for s, (_, idx) in enumerate(occurrences) if labels[idx[0]].startswith("I-")}
    out: list[str] = []
    for t in tags:
        if t is None:
            out.append(OUTSIDE)
            continue
        entity = occurrences[t][0]
        out.append(f"{'I' if t in seen else 'B'}-{entity}")
        seen.add(t)
    # how well each occurrence came through
    ocr_text: list[list[str]] = [[] for _ in occurrences]
    for word, t in zip(ocr_words, tags, strict=True):
        if t is not None:
            ocr_text[t].append(word.text)
    shares = []
    dropped = set()
    for s, (entity, idx) in enumerate(occurrences):
        share = _recovered(_norm("".join(truth_words[i] for i in idx)), _norm("".join(ocr_text[s])))
        shares.append((entity, round(share, 4)))
        if share < MIN_RECOVERED:
            dropped.add(entity)
    reached = [False] * len(labels)
    if ocr_words and len(labels):
        for i in range(len(labels)):
            s = int(span_of[i])
            if s >= 0:
                reached[i] = any(tags[j] == s and inter[j, i] > 0 for j in range(len(ocr_words)))
    return PageTransfer(tuple(out), frozenset(ENTITY_TYPES) - dropped, tuple(shares), tuple(reached))


# ----------------------------------------------------------------------------------------------
# Scans and OCR (cached)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthScan:
    """One synthetic document read by an OCR engine, and its truth words on the scanned pages."""

    document: Document  # the OCR'd document (pages in points of the scan)
    truth_boxes: tuple[tuple[BBox, ...], ...]  # per page, one box per truth word, points of the scanned page
    scan: dict[str, Any] | None  # the degradation applied (None: the file was a scan already)
    seconds: float  # time the scan + ingest + OCR took (0 when it came from the cache)
    cache_file: Path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ocr_bytes(data: bytes, name: str, engine: Any) -> Document:
    """Ingest ``data`` and OCR it with ``engine`` (the pipeline's ingest and OCR stage, nothing else)."""
    from invoicer.config import IngestSettings
    from invoicer.document import Extraction
    from invoicer.ingest import ingest_bytes
    from invoicer.limits import Deadline
    from invoicer.ocr import OcrStage

    document = ingest_bytes(data, name, IngestSettings())
    return OcrStage(engine).run(Extraction(document), Deadline.never()).document


def _degrade(pdf: bytes, truth: dict[str, Any], name: str, sha: str, seed: int) -> Any:
    """Scan the born-digital ``pdf`` with :func:`invoicer.synth.scan.scan_document` (settings drawn from
    ``sha`` and ``seed``); returns its :class:`~invoicer.synth.scan.ScannedDoc`."""
    from invoicer.synth.scan import scan_document

    pages = truth["pages"]
    # scan_document reads only these parts of a RenderedDoc
    rendered = SimpleNamespace(
        id=name,
        seed=int.from_bytes(hashlib.sha256(f"synth-ocr|{sha}|{seed}".encode()).digest()[:8], "big"),
        index=0,
        family=SimpleNamespace(kind=str(truth.get("kind") or "invoice")),
        ctx=SimpleNamespace(
            sheets=[SimpleNamespace(width=float(p["width"]), height=float(p["height"])) for p in pages]
        ),
        pdf=pdf,
        words=[[SimpleNamespace(word=SimpleNamespace(bbox=tuple(w["bbox"]))) for w in p["words"]] for p in pages],
    )
    return scan_document(rendered)  # type: ignore[arg-type]


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{time.monotonic_ns()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False) + "\n", "utf-8")
    tmp.replace(path)


def ocr_synth_scan(truth_path: str | Path, engine: Any, cache: str | Path | None = None, *, seed: int = 0) -> SynthScan:
    """The OCR reading of the synthetic document whose truth file is ``truth_path`` (cached, see the module
    docstring); ``seed`` varies the degradation of born-digital documents."""
    from invoicer.training.sroie_ocr import default_ocr_cache, ocr_document

    file = Path(truth_path)
    try:
        truth = json.loads(file.read_text("utf-8"))
        source = file.with_name(str(truth["file"]))
        pages = truth["pages"]
        already_scanned = truth.get("mode") == "scan" or truth.get("scan") is not None
        sha = _sha256(source)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DatasetError(f"cannot read the synthetic document ({exc})", path=str(file)) from exc
    folder = Path(cache) if cache is not None else default_ocr_cache()
    folder.mkdir(parents=True, exist_ok=True)
    if already_scanned:
        boxes = tuple(tuple(tuple(float(v) for v in w["bbox"]) for w in p["words"]) for p in pages)
        target = folder / f"{sha}-{engine_key(engine)}.json"
        if target.is_file():
            document = Document.from_dict(json.loads(target.read_text("utf-8")))
            return SynthScan(document, boxes, None, 0.0, target)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        document = ocr_document(source, engine)
        _write_json(target, document.to_dict())
        document = Document.from_dict(json.loads(target.read_text("utf-8")))  # exactly what a cache hit gives
        return SynthScan(document, boxes, None, time.perf_counter() - t0, target)  # type: ignore[arg-type]

    target = folder / f"{sha}-synth{seed}-{engine_key(engine)}.json"
    if target.is_file():
        cached = _read_cached(target, 0.0)
        if cached is not None:
            return cached
    t0 = time.perf_counter()
    scanned = _degrade(source.read_bytes(), truth, file.stem, sha, seed)
    name, payload = scanned.files[0]
    document = _ocr_bytes(payload, name, engine)
    seconds = time.perf_counter() - t0
    _write_json(
        target,
        {
            "format": CACHE_FORMAT,
            "truth_file": file.name,
            "sha256": sha,
            "seed": seed,
            "engine": engine_key(engine),
            "seconds": round(seconds, 2),
            "scan": scanned.params,
            "truth_boxes": [[[round(float(v), 2) for v in b] for b in p["boxes"]] for p in scanned.pages],
            "document": document.to_dict(),
        },
    )
    fresh = _read_cached(target, seconds)  # exactly what a cache hit gives (rounded boxes)
    if fresh is None:  # pragma: no cover - just written
        raise DatasetError("the OCR cache file cannot be read back", path=str(target))
    return fresh


def _read_cached(target: Path, seconds: float) -> SynthScan | None:
    try:
        data = json.loads(target.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        return None
    boxes = tuple(tuple(tuple(float(v) for v in b) for b in page) for page in data["truth_boxes"])
    return SynthScan(Document.from_dict(data["document"]), boxes, data["scan"], seconds, target)  # type: ignore[arg-type]


def synth_ocr_document(
    truth_path: str | Path, engine: Any, cache: str | Path | None = None, *, seed: int = 0
) -> tuple[Any, list[PageTransfer], SynthScan]:
    """The :class:`~invoicer.training.tagger.TrainedDocument` (source ``synth-ocr``) of one synthetic
    document read by ``engine``, with each page's :class:`PageTransfer` and the scan it came from."""
    from invoicer.tagging.encoding import normalize_box
    from invoicer.training.synth_reader import read_synth_truth
    from invoicer.training.tagger import LabelledPage, TrainedDocument

    file = Path(truth_path)
    clean = read_synth_truth(file)
    if clean is None:
        raise DatasetError("not the truth file of a synthetic document", path=str(file))
    scan = ocr_synth_scan(file, engine, cache, seed=seed)
    truth = json.loads(file.read_text("utf-8"))
    document = scan.document
    if len(document.pages) != len(truth["pages"]):
        raise DatasetError(
            f"the OCR'd document has {len(document.pages)} pages, the truth {len(truth['pages'])}", path=str(file)
        )
    base = clean.key.split(":", 1)[1]
    pages = []
    transfers = []
    for page, tpage, boxes in zip(document.pages, truth["pages"], scan.truth_boxes, strict=True):
        words = page.words
        tr = transfer_page(
            [str(w["text"]) for w in tpage["words"]], boxes, [str(w["label"]) for w in tpage["words"]], words
        )
        transfers.append(tr)
        pages.append(
            LabelledPage(
                f"{SOURCE}:{base}#p{page.number}",
                tuple(w.text for w in words),
                tuple(normalize_box(w.bbox, page.width, page.height) for w in words),
                tr.labels,
                tr.annotated,
            )
        )
    trained = TrainedDocument(
        f"{SOURCE}:{base}", SOURCE, clean.sha256, tuple(pages), document, dict(clean.truth), clean.line_items
    )
    return trained, transfers, scan


# ----------------------------------------------------------------------------------------------
# Which documents (training split only)
# ----------------------------------------------------------------------------------------------


def choose_for_ocr(train_docs: Sequence[Any], limit: int, seed: int) -> list[Any]:
    """Up to ``limit`` of the synthetic ``train_docs`` (source ``synth``), a stable pseudo-random choice
    spread over all their folders."""
    docs = [d for d in train_docs if d.source == "synth"]
    ranked = sorted(docs, key=lambda d: hashlib.sha256(f"synth-ocr|{seed}|{d.key}".encode()).hexdigest())
    return ranked[: max(0, limit)]


def training_truth_files(synth_dirs: Iterable[str | Path], docs: Sequence[Any]) -> list[Path]:
    """The truth files of ``docs`` (synthetic training documents read from ``synth_dirs``), in their order."""
    wanted = {d.key for d in docs}
    found: dict[str, Path] = {}
    for directory in synth_dirs:
        for path in sorted(Path(directory).rglob("*.json")):
            key = f"synth:{path.parent.name}/{path.stem}"
            if key in wanted and key not in found:
                found[key] = path
    missing = [d.key for d in docs if d.key not in found]
    if missing:
        raise DatasetError(f"truth files not found for {len(missing)} synthetic documents (e.g. {missing[0]})")
    return [found[d.key] for d in docs]


def _selected_files(
    synth_dirs: Sequence[str | Path], limit: int, seed: int, n_validation: int, everything: bool = False
) -> list[Path]:
    from invoicer.training.tagger import _split_synth, synth_documents

    synth = [d for directory in synth_dirs for d in synth_documents(directory)]
    train = synth if everything else _split_synth(synth, n_validation, seed)[0]
    return training_truth_files(synth_dirs, choose_for_ocr(train, limit, seed))


def synth_ocr_training_documents(
    synth_dirs: Sequence[str | Path],
    train_docs: Sequence[Any],
    engine: Any,
    *,
    limit: int,
    seed: int,
    cache: str | Path | None = None,
    degrade_seed: int = 0,
    echo: Callable[[str], None] = lambda s: None,
) -> list[Any]:
    """OCR'd versions of up to ``limit`` of ``train_docs`` (the synthetic training split; held-out documents
    must not be in it), read by ``engine`` (cached). A document whose OCR fails is skipped with a message."""
    chosen = choose_for_ocr(train_docs, limit, seed)
    out = []
    t0 = time.monotonic()
    for k, path in enumerate(training_truth_files(synth_dirs, chosen)):
        try:
            doc, _, scan = synth_ocr_document(path, engine, cache, seed=degrade_seed)
        except InvoicerError as exc:
            echo(f"synthetic OCR: skipping {path}: {exc}")
            continue
        out.append(doc)
        if scan.seconds and (k + 1) % 25 == 0:
            echo(f"OCR of synthetic documents: {k + 1}/{len(chosen)} ({time.monotonic() - t0:.0f} s)")
    return out


# ----------------------------------------------------------------------------------------------
# Prefilling the cache: python -m invoicer.training.synth_ocr
# ----------------------------------------------------------------------------------------------


def _stats(results: Sequence[tuple[list[PageTransfer], SynthScan, dict[str, Any]]]) -> dict[str, Any]:
    reached = labelled = 0
    kept: dict[str, list[int]] = {}
    for transfers, _, truth in results:
        for tr, tpage in zip(transfers, truth["pages"], strict=True):
            for w, ok in zip(tpage["words"], tr.reached, strict=True):
                if str(w["label"]).upper() != "O":
                    labelled += 1
                    reached += ok
            for entity in {e for e, _ in tr.spans}:
                counts = kept.setdefault(entity, [0, 0])
                counts[0] += entity in tr.annotated
                counts[1] += 1
    return {
        "labelled_truth_words": labelled,
        "label_reached_share": round(reached / labelled, 4) if labelled else None,
        "kept_annotated": {
            e: {"kept": c[0], "pages": c[1], "share": round(c[0] / c[1], 3)} for e, c in sorted(kept.items())
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m invoicer.training.synth_ocr",
        description="Fill the OCR cache for `invoicer train tagger --synth-ocr ENGINE` (run with OMP_THREAD_LIMIT=1).",
    )
    parser.add_argument(
        "--data", action="append", required=True, type=Path, help="folder of `invoicer synth` (repeatable)"
    )
    parser.add_argument("--engine", default="tesseract", help="OCR engine (tesseract, auto ...)")
    parser.add_argument("--limit", type=int, default=500, help="documents, as --synth-ocr-limit (default 500)")
    parser.add_argument("--part", type=int, default=1, help="this process's part, 1..PARTS")
    parser.add_argument("--parts", type=int, default=1, help="number of parts the work is split into")
    parser.add_argument("--cache", type=Path, default=None, help="cache folder (default: the SROIE OCR cache)")
    parser.add_argument("--seed", type=int, default=1234, help="the training run's --seed (split and choice)")
    parser.add_argument("--validation", type=int, default=None, help="held-out synthetic documents (as training)")
    parser.add_argument("--degrade-seed", type=int, default=0)
    parser.add_argument("--all", action="store_true", help="every document, held-out ones too (measurements only)")
    args = parser.parse_args(argv)
    if not 1 <= args.part <= args.parts:
        parser.error("--part must be between 1 and --parts")

    from invoicer.config import OcrSettings
    from invoicer.ocr import engine_from_settings
    from invoicer.training.tagger import TaggerTrainConfig

    n_validation = args.validation if args.validation is not None else TaggerTrainConfig().synth_validation
    try:
        files = _selected_files(args.data, args.limit, args.seed, n_validation, args.all)[args.part - 1 :: args.parts]
        engine: Any = engine_from_settings(args.engine, OcrSettings().languages)
        getattr(engine, "setup", lambda: None)()
        results = []
        seconds = 0.0
        pages = ocr_pages = failed = 0
        for k, path in enumerate(files):
            try:
                _, transfers, scan = synth_ocr_document(path, engine, args.cache, seed=args.degrade_seed)
            except InvoicerError as exc:
                print(f"{path}: {exc}", file=sys.stderr)
                failed += 1
                continue
            results.append((transfers, scan, json.loads(path.read_text("utf-8"))))
            pages += len(transfers)
            if scan.seconds:
                seconds += scan.seconds
                ocr_pages += len(transfers)
            print(
                f"[{k + 1}/{len(files)}] {path.name}: {len(transfers)} page(s), {scan.seconds:.1f} s", file=sys.stderr
            )
    except InvoicerError as exc:
        print(f"invoicer: {exc}", file=sys.stderr)
        return 2
    summary = {
        "documents": len(results),
        "failed": failed,
        "pages": pages,
        "pages_ocr_now": ocr_pages,
        "seconds_per_page": round(seconds / ocr_pages, 2) if ocr_pages else None,
        **_stats(results),
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
