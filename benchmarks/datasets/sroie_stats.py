"""Figures of the SROIE loader: split sizes, line crops (count, time to cut them all), key-field alignment.

    .venv/bin/python -m benchmarks.datasets.sroie_stats [--root PATH] [--repeat 2] [--out FILE]

Acceptance (issue 3): at least 25,000 real line crops and 500 labelled receipts; iterating all crops "well
under a minute". Reads ../shared/data/sroie-train and the recorded split; trains nothing. Prints JSON with
the machine named.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from benchmarks.machine import machine_info
from invoicer.datasets import sroie


def main() -> None:
    parser = argparse.ArgumentParser(description="SROIE loader figures")
    parser.add_argument(
        "--root", type=Path, default=None, help="SROIE train folder (default: ../shared/data/sroie-train)"
    )
    parser.add_argument("--padding", type=int, default=3, help="pixels around each line crop")
    parser.add_argument("--repeat", type=int, default=2, help="timed passes over all crops (median reported)")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()

    root = args.root or sroie.default_sroie_root()
    split = sroie.load_sroie_split()
    data_ids = sroie.sroie_ids(root)
    total_lines = sum(len(sroie.read_box_file(root / "box" / f"{i}.txt")) for i in data_ids)

    crop_counts: dict[str, int] = {}
    widths: list[int] = []
    heights: list[int] = []
    text_lengths: list[int] = []
    for name in ("train", "validation"):
        n = 0
        for crop in sroie.sroie_line_crops(name, root, padding=args.padding):
            n += 1
            widths.append(crop.image.width)
            heights.append(crop.image.height)
            text_lengths.append(len(crop.text))
        crop_counts[name] = n
    passes = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for name in ("train", "validation"):
            for _crop in sroie.sroie_line_crops(name, root, padding=args.padding):
                pass
        passes.append(time.perf_counter() - start)

    start = time.perf_counter()
    labelled = {name: list(sroie.sroie_receipts(name, root)) for name in ("train", "validation")}
    labelling_s = time.perf_counter() - start
    label_counts: Counter[str] = Counter()
    words = 0
    for receipts in labelled.values():
        for receipt in receipts:
            label_counts.update(receipt.labels)
            words += len(receipt.words)

    out = {
        "benchmark": "datasets.sroie_stats",
        "machine": machine_info(),
        "data": {"root": str(root), "receipts": len(data_ids), "box_lines": total_lines},
        "split": {
            "file": str(sroie.default_split_path()),
            "train": len(split.train),
            "validation": len(split.validation),
        },
        "line_crops": {
            **crop_counts,
            "total": sum(crop_counts.values()),
            "skipped_lines": total_lines - sum(crop_counts.values()),
            "padding_px": args.padding,
            "seconds_all_crops_median": round(statistics.median(passes), 2),
            "seconds_all_crops_passes": [round(p, 2) for p in passes],
            "crop_width_px_median": statistics.median(widths),
            "crop_height_px_median": statistics.median(heights),
            "text_chars_median": statistics.median(text_lengths),
        },
        "labelled_receipts": {
            "seconds_all_receipts": round(labelling_s, 2),
            "words": words,
            "word_labels": dict(sorted(label_counts.items())),
            **{name: sroie.summarize_alignments(receipts) for name, receipts in labelled.items()},
        },
    }
    text = json.dumps(out, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
