"""Pack SROIE line crops into one small file, to train the OCR model where the dataset is not.

``python -m invoicer.training.ocr_pack OUT.xz`` writes the SROIE *train* crops (scaled to the recognizer's
32-pixel line height, grey values quantized to ``--levels`` steps) and the fixed validation subset that
``invoicer train ocr`` evaluates on (lossless), so ``invoicer train ocr --crops OUT.xz`` runs on a
machine without ``../shared/data`` (a rented GPU, say).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from invoicer.training.ocr_data import load_sroie_crops, save_crops_pack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoicer.training.ocr_pack", description=__doc__)
    parser.add_argument("out", type=Path, help="the pack to write (xz)")
    parser.add_argument("--height", type=int, default=32, help="crops taller than this are scaled down")
    parser.add_argument("--levels", type=int, default=16, help="grey levels kept for the train split (2..256)")
    parser.add_argument("--eval-lines", type=int, default=400, help="validation crops (train ocr's --eval-lines)")
    parser.add_argument("--cache", type=Path, default=None, help="folder for the crop cache")
    args = parser.parse_args(argv)
    from invoicer.training.ocr import fixed_subset

    started = time.monotonic()
    train = load_sroie_crops("train", args.cache)
    validation = fixed_subset(load_sroie_crops("validation", args.cache), args.eval_lines)
    counts = save_crops_pack(
        {"train": (train, args.levels), "validation": (validation, 256)},
        args.out,
        height=args.height,
        note=f"SROIE line crops: train split ({args.levels} grey levels), validation subset of {args.eval_lines}",
    )
    print(json.dumps({"out": str(args.out), "crops": counts, "bytes": args.out.stat().st_size,
                      "seconds": round(time.monotonic() - started, 1)}))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
