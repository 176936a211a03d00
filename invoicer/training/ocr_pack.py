"""Pack SROIE line crops into one small file, to train the OCR model where the dataset is not.

``python -m invoicer.training.ocr_pack OUT.xz`` writes the SROIE *train* crops (scaled to the recognizer's
32-pixel line height, grey values quantized to ``--levels`` steps) and the fixed validation subset that
``invoicer train ocr`` evaluates on (lossless), so ``invoicer train ocr --crops OUT.xz`` runs on a
machine without ``../shared/data`` (a rented GPU, say). ``--texts-out`` also writes the line texts of
synthetic documents of all locales (``invoicer train ocr --texts``), ``--fonts-out`` a seeded sample of the
machine's Latin text fonts (``--fonts``), the other two things such a machine lacks.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from pathlib import Path

from invoicer.training.ocr_data import (
    engine_line_crops,
    find_fonts,
    load_sroie_crops,
    save_crops_pack,
    save_texts,
    synth_line_texts,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoicer.training.ocr_pack", description=__doc__)
    parser.add_argument("out", type=Path, nargs="?", help="the SROIE crop pack to write (xz; not with --skip-sroie)")
    parser.add_argument("--height", type=int, default=32, help="crops taller than this are scaled down")
    parser.add_argument("--levels", type=int, default=16, help="grey levels kept for the train split (2..256)")
    parser.add_argument("--eval-lines", type=int, default=400, help="validation crops (train ocr's --eval-lines)")
    parser.add_argument("--cache", type=Path, default=None, help="folder for the crop cache")
    parser.add_argument("--texts-out", type=Path, default=None, help="also write synthetic documents' line texts")
    parser.add_argument("--text-docs", type=int, default=3000, help="synthetic documents for --texts-out")
    parser.add_argument("--text-seed", type=int, default=71, help="synthetic corpus seed for --texts-out")
    parser.add_argument("--engine-out", type=Path, default=None, help="also write a pack of synthetic engine lines")
    parser.add_argument("--engine-docs", type=int, default=1500, help="synthetic documents for --engine-out")
    parser.add_argument("--engine-seed", type=int, default=72, help="synthetic corpus seed for --engine-out")
    parser.add_argument("--skip-sroie", action="store_true", help="write only the --*-out extras")
    parser.add_argument("--fonts-out", type=Path, default=None, help="also copy a sample of the machine's fonts")
    parser.add_argument("--fonts", type=int, default=60, help="fonts in the --fonts-out sample")
    parser.add_argument("--font-max-kb", type=int, default=400, help="largest font file taken into the sample")
    args = parser.parse_args(argv)
    if (args.out is None) != args.skip_sroie:
        parser.error("name the SROIE pack to write (OUT), or pass --skip-sroie and no OUT")
    from invoicer.training.ocr import fixed_subset

    started = time.monotonic()
    record: dict[str, object] = {}
    if not args.skip_sroie:
        train = load_sroie_crops("train", args.cache)
        validation = fixed_subset(load_sroie_crops("validation", args.cache), args.eval_lines)
        counts = save_crops_pack(
            {"train": (train, args.levels), "validation": (validation, 256)},
            args.out,
            height=args.height,
            note=f"SROIE line crops: train split ({args.levels} grey levels), validation subset of {args.eval_lines}",
        )
        record.update({"out": str(args.out), "crops": counts, "bytes": args.out.stat().st_size})
    if args.engine_out is not None:
        made = engine_line_crops(args.engine_seed, args.engine_docs)
        note = f"synthetic engine lines: {args.engine_docs} documents of seed {args.engine_seed}"
        save_crops_pack({"train": (made, args.levels)}, args.engine_out, height=args.height, note=note)
        record["engine"] = {"out": str(args.engine_out), "crops": len(made), "docs": args.engine_docs,
                            "seed": args.engine_seed, "bytes": args.engine_out.stat().st_size}  # fmt: skip
    if args.texts_out is not None:
        texts = synth_line_texts(args.text_seed, args.text_docs)
        save_texts(texts, args.texts_out)
        record["texts"] = {"out": str(args.texts_out), "lines": len(texts), "docs": args.text_docs,
                           "seed": args.text_seed, "bytes": args.texts_out.stat().st_size}  # fmt: skip
    if args.fonts_out is not None:
        record["fonts"] = copy_font_sample(args.fonts_out, args.fonts, args.font_max_kb * 1000)
    record["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(record))
    return 0


def copy_font_sample(out: Path, count: int, max_bytes: int, seed: int = 0) -> dict[str, object]:
    """Copy a seeded sample of the machine's Latin text fonts (files up to ``max_bytes``) into ``out``."""
    fonts = [p for p in find_fonts() if Path(p).stat().st_size <= max_bytes]
    chosen = sorted(random.Random(seed).sample(fonts, min(count, len(fonts))))
    out.mkdir(parents=True, exist_ok=True)
    for path in chosen:
        shutil.copy2(path, out / Path(path).name)
    return {"out": str(out), "fonts": len(chosen), "of": len(fonts),
            "bytes": sum(Path(p).stat().st_size for p in chosen)}  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
