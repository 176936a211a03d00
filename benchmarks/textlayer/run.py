"""How well ingest decides "use the text layer" vs "OCR the page", against hand-checked labels.

    .venv/bin/python -m benchmarks.textlayer.run [--data ../shared/data/receipts-pdf]

Labels: ``text_layer`` per page in the hand-checked yardstick (``benchmarks/yardstick/*.jsonl``):
good / partial / garbled / none, judged by people comparing ``pdftotext`` with the page image.
A decision is right when a "good" layer is used and every other layer is not. Prints JSON with the
confusion per label, for the default settings and for ``scanned_text_layer = "judge"``.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from benchmarks.machine import machine_info
from invoicer.config import IngestSettings
from invoicer.ingest.pdf import _looks_scanned, words_from_plumber
from invoicer.ingest.textlayer import judge

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/receipts-pdf")
    args = parser.parse_args()
    import pdfplumber

    pages = []
    for label_file in sorted((ROOT / "benchmarks/yardstick").glob("*.jsonl")):
        for line in label_file.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            with pdfplumber.open(args.data / record["path"]) as pdf:
                for page, label in zip(pdf.pages, record["text_layer"], strict=False):
                    words = [w.text for w in words_from_plumber(page)]
                    pages.append((label, words, _looks_scanned(page)))

    results = {}
    for name, settings in (
        ("default", IngestSettings()),
        ("scanned_text_layer=judge", replace(IngestSettings(), scanned_text_layer="judge")),
    ):
        confusion: Counter[str] = Counter()
        right = 0
        for label, words, scanned in pages:
            verdict = judge(
                words,
                looks_scanned=scanned,
                min_quality=settings.text_layer_min_quality,
                min_chars=settings.text_layer_min_chars,
                policy=settings.text_layer,
                scanned_policy=settings.scanned_text_layer,
            )
            confusion[f"{label}->{'used' if verdict.usable else 'ocr'}"] += 1
            right += verdict.usable == (label == "good")
        results[name] = {
            "accuracy": round(right / len(pages), 3),
            "bad_layers_used": sum(v for k, v in confusion.items() if k.endswith("used") and not k.startswith("good")),
            "confusion": dict(sorted(confusion.items())),
        }
    out = {
        "benchmark": "textlayer",
        "machine": machine_info(),
        "data": f"{len(pages)} pages of the hand-checked yardstick ({args.data})",
        "labels": dict(Counter(label for label, _, _ in pages)),
        "results": results,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
