"""Tesseract page preparation (``ocr.preprocess``): how many of a page's words come back, per mode.

    .venv/bin/python -m benchmarks.ocr.preprocess [--synth N] [--sroie N] [--modes none,auto,normalize]

Pages: ``--synth`` synthetic documents (``invoicer synth``, seed ``--seed``) scanned with the same
degradations the tagger's OCR training uses (grey and unevenly lit paper, noise, blur, skew, JPEG;
:mod:`invoicer.training.synth_ocr`), first page each; and ``--sroie`` SROIE *validation* receipt
images, starting at ``--sroie-offset`` in the recorded validation order (the rule's thresholds were
chosen looking at the first 20 of them and at 20 scans of seed 5; the defaults here use others).

Per page and mode the full-page Tesseract reading (``--psm 3``, ``OMP_THREAD_LIMIT=1``, the
pipeline's languages) is compared with the page's true words as bags of upper-cased words:
recall = true words read exactly / true words, precision = true words read exactly / words read.
Also seconds per page and, for ``auto``, how often the second (normalized) reading was taken.
Prints JSON and writes it to ``benchmarks/ocr/results/preprocess.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from PIL import Image

from benchmarks.ocr.common import machine

RESULTS = Path(__file__).resolve().parent / "results"


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"\s+", text.upper()) if t]


def synth_pages(n: int, seed: int) -> list[tuple[str, Image.Image, list[str]]]:
    """First pages of ``n`` synthetic documents, scanned, with their true words."""
    from pdf2image import convert_from_bytes

    from invoicer.synth.engine import SynthOptions, write_document
    from invoicer.training.synth_ocr import _degrade

    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(n):
            write_document(Path(tmp), seed, index, SynthOptions())
        for pdf in sorted(Path(tmp).glob("*.pdf")):
            truth = json.loads(pdf.with_suffix(".json").read_text("utf-8"))
            data = pdf.read_bytes()
            scanned = _degrade(data, truth, pdf.stem, hashlib.sha256(data).hexdigest(), 0)
            name, blob = scanned.files[0]
            if name.endswith(".pdf"):
                image = convert_from_bytes(blob, dpi=int(scanned.pages[0]["dpi"]), first_page=1, last_page=1)[0]
            else:
                image = Image.open(io.BytesIO(blob))
            words = [t for w in truth["pages"][0]["words"] for t in _tokens(w["text"])]
            out.append((f"synth:{pdf.stem}", image.convert("L"), words))
    return out


def sroie_pages(n: int, offset: int) -> list[tuple[str, Image.Image, list[str]]]:
    """``n`` SROIE validation receipt images from ``offset``, with the words of their transcripts."""
    from invoicer.datasets.sroie import default_sroie_root, read_box_file, split_ids

    root = default_sroie_root()
    out = []
    for rid in split_ids("validation")[offset : offset + n]:
        words = [t for line in read_box_file(root / "box" / f"{rid}.txt") for t in _tokens(line.text)]
        out.append((f"sroie:{rid}", Image.open(root / "img" / f"{rid}.jpg").convert("L"), words))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synth", type=int, default=30)
    parser.add_argument("--seed", type=int, default=777)
    parser.add_argument("--sroie", type=int, default=40)
    parser.add_argument("--sroie-offset", type=int, default=20)
    parser.add_argument("--modes", default="none,auto")
    parser.add_argument("--out", type=Path, default=RESULTS / "preprocess.json")
    args = parser.parse_args(argv)

    from invoicer.config import OcrSettings
    from invoicer.ocr.engines import TesseractEngine
    from invoicer.ocr.preprocess import better_reading

    started = machine()
    modes = args.modes.split(",")
    pages = {
        "synthetic_scans": synth_pages(args.synth, args.seed),
        "sroie_validation": sroie_pages(args.sroie, args.sroie_offset),
    }
    engine = TesseractEngine(languages=OcrSettings().languages)
    engine.setup()
    report: dict[str, Any] = {
        "benchmark": "Tesseract page preparation (ocr.preprocess)",
        "machine": started,
        "data": {
            "synthetic_scans": f"{args.synth} documents of `invoicer synth --seed {args.seed}`, first page, "
            "scanned as invoicer.training.synth_ocr does (degradation seed 0)",
            "sroie_validation": f"{args.sroie} SROIE validation receipts from position {args.sroie_offset}",
        },
        "tesseract_languages": engine.languages,
        "results": {},
        "pages": {},
    }
    for kind, items in pages.items():
        per_mode: dict[str, Any] = {}
        for mode in modes:
            hits = truth_total = read_total = second = 0
            seconds = 0.0
            for name, image, truth in items:
                t0 = time.perf_counter()
                lines, which = better_reading(image, engine.read_plain, mode)
                seconds += time.perf_counter() - t0
                words = [t for line in lines for w in line.words for t in _tokens(w.text)]
                hit = sum((Counter(words) & Counter(truth)).values())
                hits, truth_total, read_total = hits + hit, truth_total + len(truth), read_total + len(words)
                second += which == "normalized"
                report["pages"].setdefault(name, {})[mode] = {"true_words_read": hit, "true_words": len(truth),
                                                              "reading": which}  # fmt: skip
            per_mode[mode] = {
                "pages": len(items),
                "word_recall": round(hits / max(1, truth_total), 4),
                "word_precision": round(hits / max(1, read_total), 4),
                "seconds_per_page": round(seconds / max(1, len(items)), 3),
                "normalized_reading_taken": second,
            }
            print(kind, mode, per_mode[mode], file=sys.stderr, flush=True)
        report["results"][kind] = per_mode
    report["machine_after"] = machine()["load_average_1_5_15"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report["results"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
