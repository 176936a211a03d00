"""Normalization benchmark: the format table, and the evidence study on real SROIE receipts.

    .venv/bin/python -m benchmarks.validate.run [--table tests/data/formats.tsv] [--sroie ../shared/data/sroie-train]
                                                [--out benchmarks/validate/result.json]

1. Format table: every row of ``tests/data/formats.tsv`` (real formats from SROIE and the receipts-pdf text
   layers, and the synthetic locales) through ``normalize_extraction``; accuracy overall, per kind, per source
   and per expected outcome (a value / AMBIGUOUS / ERROR / UNKNOWN).
2. SROIE evidence study (no model involved; SROIE's own transcripts and key fields): each receipt becomes an
   extraction whose words are its ``box/`` lines and whose fields are the printed ``entities/`` date, total,
   company and address; reported is how each date was decided (by itself, by another date on the receipt, by
   the vendor's country, ...), how many stayed ambiguous, and how many totals and currencies were read. Run
   once with the address field (as a tagger would give it) and once with the page alone. Malaysian receipts
   print day-first, so a date decided by evidence is also checked against the day-first reading.
Prints JSON with the machine named.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.machine import machine_info
from invoicer.document import Document, Extraction, Field, Line, Page, RuleOutcome, Word, WordSource
from invoicer.validate.countries import DateOrder
from invoicer.validate.format_table import load_format_table, run_row
from invoicer.validate.normalize import normalize_extraction
from invoicer.validate.normalize.dates import find_numeric_dates

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "tests" / "data" / "formats.tsv"
SROIE = ROOT.parent / "shared" / "data" / "sroie-train"


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def format_table(path: Path) -> dict[str, Any]:
    rows = load_format_table(path)
    run_row(rows[0])  # warm-up: dateparser loads its language data on first use
    t0 = time.perf_counter()
    results = [run_row(r) for r in rows]
    seconds = time.perf_counter() - t0

    def group(key: Any) -> dict[str, dict[str, float]]:
        totals: Counter[str] = Counter()
        good: Counter[str] = Counter()
        for res in results:
            k = key(res)
            totals[k] += 1
            good[k] += res.ok
        return {
            k: {"rows": totals[k], "correct": good[k], "accuracy": _share(good[k], totals[k])} for k in sorted(totals)
        }

    def outcome(res: Any) -> str:
        return res.row.expected if res.row.expected in ("AMBIGUOUS", "ERROR", "UNKNOWN") else "value"

    correct = sum(r.ok for r in results)
    return {
        "table": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
        "rows": len(results),
        "correct": correct,
        "accuracy": _share(correct, len(results)),
        "by_kind": group(lambda r: r.row.kind),
        "by_source": group(lambda r: r.row.source.split(" ")[0]),
        "by_expected": group(outcome),
        "wrong": [
            {"line": r.row.line, "raw": r.row.raw, "expected": r.row.expected, "got": r.got, "detail": r.detail}
            for r in results
            if not r.ok
        ],
        "ms_per_row": round(1000 * seconds / len(results), 3),
    }


def _sroie_extraction(key: str, root: Path, with_address: bool) -> Extraction:
    lines = []
    for text in (root / "box" / f"{key}.txt").read_text("utf-8", errors="replace").splitlines():
        parts = text.split(",", 8)
        if len(parts) < 9 or not parts[8].strip():
            continue
        xs, ys = [float(v) for v in parts[0:8:2]], [float(v) for v in parts[1:8:2]]
        tokens = parts[8].split()
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        step = (x1 - x0) / max(1, len(tokens))
        words = tuple(Word(t, (x0 + i * step, y0, x0 + (i + 1) * step, y1), 1.0) for i, t in enumerate(tokens))
        lines.append(Line(words, 1.0))
    page = Page(1, 1000.0, 2000.0, None, WordSource.OCR, tuple(lines), "sroie-box")
    entities = json.loads((root / "entities" / f"{key}.txt").read_text("utf-8"))
    raws = {
        "invoice_date": entities.get("date"),
        "total": entities.get("total"),
        "vendor_name": entities.get("company"),
    }
    if with_address:
        raws["vendor_address"] = entities.get("address")
    fields = [Field(name, None, raw, 1.0, 1) for name, raw in raws.items() if raw]
    return Extraction(Document(key, f"{key}.jpg", "image/jpeg", 1, (page,))).with_fields(fields)


def _how_decided(ex: Extraction) -> tuple[str, str | None]:
    passed = [v.message for v in ex.validation if v.rule == "normalize_invoice_date" and v.outcome is RuleOutcome.PASS]
    failed = [v.message for v in ex.validation if v.rule == "normalize_invoice_date" and v.outcome is RuleOutcome.FAIL]
    if ex.field("invoice_date") is None:
        return "no date field", None
    if failed:
        return ("ambiguous" if " is ambiguous: " in failed[0] else "unreadable"), None
    if not passed:
        return "the date itself", None
    message = passed[0]
    order = "DMY" if "day-first" in message else "MDY"
    for needle, label in (
        ("another date on the document", "another date on the receipt"),
        ("the vendor is in", "the vendor's country"),
        ("labels in", "the language of the labels"),
        ("locale", "the locale"),
        ("currency is USD", "the currency"),
    ):
        if needle in message:
            return label, order
    return "other evidence", order


def sroie_study(root: Path, with_address: bool) -> dict[str, Any]:
    keys = sorted(p.stem for p in (root / "entities").glob("*.txt"))
    decided: Counter[str] = Counter()
    orders: Counter[str] = Counter()
    agree_dmy = 0
    totals_read = totals_agree = 0
    currencies: Counter[str] = Counter()
    t0 = time.perf_counter()
    for key in keys:
        ex = normalize_extraction(_sroie_extraction(key, root, with_address))
        how, order = _how_decided(ex)
        decided[how] += 1
        if order is not None:
            orders[order] += 1
            raw = ex.field("invoice_date")
            readings = find_numeric_dates(raw.raw or "") if raw else []
            chosen = ex.value("invoice_date")
            if readings and chosen == str(readings[0][1].get(DateOrder.DMY)):
                agree_dmy += 1
        total = ex.field("total")
        if total is not None and total.value is not None:
            totals_read += 1
            # SROIE totals are dot-decimal with comma grouping: keeping digits, '.' and '-' is an independent oracle
            totals_agree += Decimal(total.value) == Decimal(re.sub(r"[^0-9.-]", "", total.raw or ""))
        currencies[ex.value("currency") or "unknown"] += 1
    seconds = time.perf_counter() - t0
    by_evidence = sum(orders.values())
    return {
        "receipts": len(keys),
        "vendor_address_field": with_address,
        "date_decided_by": dict(decided.most_common()),
        "dates_normalized": sum(n for k, n in decided.items() if k not in ("ambiguous", "unreadable", "no date field")),
        "dates_left_for_review": decided["ambiguous"] + decided["unreadable"],
        "decided_by_evidence": by_evidence,
        "evidence_orders": dict(orders),
        "evidence_agrees_with_day_first": agree_dmy,
        "totals_read": totals_read,
        "totals_share": _share(totals_read, len(keys)),
        "totals_agreeing_with_digit_oracle": totals_agree,
        "currency": dict(currencies.most_common()),
        "ms_per_receipt": round(1000 * seconds / max(1, len(keys)), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", type=Path, default=TABLE)
    parser.add_argument("--sroie", type=Path, default=SROIE)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report: dict[str, Any] = {"benchmark": "validate/normalize", "machine": machine_info()}
    report["format_table"] = format_table(args.table)
    if (args.sroie / "entities").is_dir():
        report["data"] = {"sroie": str(args.sroie), "table": report["format_table"]["table"]}
        report["sroie_with_vendor_address"] = sroie_study(args.sroie, True)
        report["sroie_page_only"] = sroie_study(args.sroie, False)
    else:
        report["sroie"] = f"skipped: {args.sroie} not found"
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
