"""Check synthetic truth on a sample: every truth value found among its labelled words (prints JSON).

Usage: .venv/bin/python benchmarks/synth/check_labels.py [--n 500] [--seed 11] [--scan-n 50] [--out DIR]

Generates ``--n`` born-digital documents (mixed invoices and receipts, all locales and layouts) and
checks each with :func:`invoicer.synth.check.truth_problems` (contract form, BIO labels, every field
and line-item value spelled by the words carrying its label, raw text reading back to the normalized
value, python-stdnum validity of VAT ids/IBANs, subtotal + tax = total unless marked inconsistent)
and :func:`invoicer.synth.check.ingest_problems` (the words and boxes equal what
``invoicer.ingest.ingest_bytes`` reads from the PDF). Scan-mode documents get the truth checks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections import Counter
from pathlib import Path

from invoicer.synth.check import ingest_problems, truth_problems
from invoicer.synth.engine import SynthOptions, generate


def _check(folder: Path, *, ingest: bool) -> dict[str, object]:
    manifest = [json.loads(x) for x in (folder / "manifest.jsonl").read_text().splitlines()]
    bad_docs: Counter[str] = Counter()
    examples: list[str] = []
    words = fields = items = consistent = inconsistent = 0
    field_counts: Counter[str] = Counter()
    for rec in manifest:
        truth = json.loads((folder / rec["truth"]).read_text())
        problems = truth_problems(truth)
        if ingest:
            problems += ingest_problems(truth, (folder / rec["files"][0]).read_bytes())
        if problems:
            bad_docs[rec["layout"]] += 1
            examples += problems[:2]
        words += sum(len(p["words"]) for p in truth["pages"])
        fields += len(truth["fields"])
        field_counts.update(list(truth["fields"]))
        items += len(truth["line_items"])
        if truth["arithmetic_consistent"]:
            consistent += 1
        else:
            inconsistent += 1
    return {
        "documents": len(manifest),
        "documents_with_problems": sum(bad_docs.values()),
        "problems_by_layout": dict(bad_docs),
        "example_problems": examples[:10],
        "words": words,
        "field_values_checked": fields,
        "line_items_checked": items,
        "field_presence": dict(sorted(field_counts.items())),
        "inconsistent_documents": inconsistent,
        "layouts": len({r["layout"] for r in manifest}),
        "locales": dict(Counter(r["locale"] for r in manifest)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--scan-n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="keep the documents here (default: temporary)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="synth-check-") as tmp:
        root = args.out or Path(tmp)
        t0 = time.perf_counter()
        generate(root / "docs", args.n, args.seed, SynthOptions(), workers=args.workers)
        docs = _check(root / "docs", ingest=True)
        result: dict[str, object] = {"benchmark": "synth-label-check", "seed": args.seed, "docs_mode": docs}
        if args.scan_n:
            generate(root / "scan", args.scan_n, args.seed, SynthOptions(mode="scan"), workers=args.workers)
            result["scan_mode"] = _check(root / "scan", ingest=False)
        result["seconds"] = round(time.perf_counter() - t0, 1)
    result["machine"] = {"processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
                         "python": platform.python_version()}
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
