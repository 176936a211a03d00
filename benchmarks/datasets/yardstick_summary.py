"""What the hand-checked yardstick holds, and every problem the validator finds in its labels.

    .venv/bin/python -m benchmarks.datasets.yardstick_summary [--out FILE]

Acceptance (issue 3): at least 60 documents. Reads benchmarks/yardstick/*.jsonl and, for the hash and page
checks, ../shared/data/receipts-pdf. Prints JSON with the machine named.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from benchmarks.machine import machine_info
from invoicer.datasets.yardstick import check_yardstick, default_receipts_root, default_yardstick_dir
from invoicer.document import FIELD_NAMES


def main() -> None:
    parser = argparse.ArgumentParser(description="yardstick summary")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    result = check_yardstick()
    docs = result.docs
    field_counts = Counter(name for d in docs for name in d.fields)
    out = {
        "benchmark": "datasets.yardstick_summary",
        "machine": machine_info(),
        "data": {
            "labels": str(default_yardstick_dir()),
            "files": list(result.files),
            "pdf_root": str(default_receipts_root()),
        },
        "records": result.records,
        "valid_docs": len(docs),
        "pdfs_checked": result.pdfs_checked,
        "pages": sum(d.pages for d in docs),
        "by_country": dict(Counter(d.country or "?" for d in docs).most_common()),
        "by_language": dict(Counter(d.language or "?" for d in docs).most_common()),
        "by_doc_type": dict(Counter(d.doc_type or "?" for d in docs).most_common()),
        "by_year": dict(sorted(Counter(d.path.split("/")[0] for d in docs).items())),
        "text_layer_pages": dict(Counter(s for d in docs for s in d.text_layer).most_common()),
        "fields_labelled": {name: field_counts[name] for name in FIELD_NAMES},
        "docs_with_line_items": sum(1 for d in docs if d.line_items),
        "line_items": sum(len(d.line_items) for d in docs),
        "errors": [str(p) for p in result.errors],
        "warnings": [str(p) for p in result.warnings],
    }
    text = json.dumps(out, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
