"""Held-out check of normalization on the hand-labelled yardstick (real receipt/invoice PDFs, labels by others).

    .venv/bin/python -m benchmarks.validate.yardstick [--ocr tesseract] [--out benchmarks/validate/yardstick.json]

The yardstick labels hold normalized values only (no printed text), so the printed form is found on the page:
every PDF is ingested (its text layer where ingest trusts it; with ``--ocr tesseract`` the other pages are
OCR'd with Tesseract, else skipped), and on its pages every numeric date
that can read as the labelled invoice date, and every amount that can read as the labelled total (under either
decimal convention), is normalized exactly as the validate stage would — as that field's ``raw``, with the real
page as evidence and no outside context. Each is then correct, wrong (a silently wrong value: the failure that
matters) or left for review (ambiguous / unreadable). The currency decided alongside the total is compared with
the labelled currency. Nothing here was tuned on the yardstick. Prints JSON with the machine named.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.machine import machine_info
from invoicer.config import IngestSettings
from invoicer.datasets.yardstick import default_receipts_root, load_yardstick
from invoicer.document import Document, Extraction, Field, WordSource
from invoicer.errors import InvoicerError
from invoicer.ingest import ingest_path
from invoicer.limits import Deadline
from invoicer.ocr import OcrStage
from invoicer.ocr.engines import TesseractEngine
from invoicer.validate.normalize import normalize_extraction, parse_amount
from invoicer.validate.normalize.dates import find_numeric_dates


def _text_pages(document: Document) -> list[tuple[int, list[str]]]:
    return [(p.number, [line.text for line in p.lines]) for p in document.pages if p.source is not WordSource.NONE]


def _date_spans(pages: list[tuple[int, list[str]]], label: str) -> list[tuple[int, str]]:
    spans: dict[str, int] = {}
    for number, lines in pages:
        for line in lines:
            for span, readings in find_numeric_dates(line):
                if label in {d.isoformat() for d in readings.values()}:
                    spans.setdefault(span, number)
    return [(n, s) for s, n in spans.items()]


def _amount_spans(pages: list[tuple[int, list[str]]], label: str) -> list[tuple[int, str]]:
    target = Decimal(label)
    spans: dict[str, int] = {}
    for number, lines in pages:
        for line in lines:
            tokens = line.split()
            for i in range(len(tokens)):
                for j in range(i + 1, min(len(tokens), i + 3) + 1):
                    piece = " ".join(tokens[i:j])
                    for sep in (".", ","):
                        try:
                            if parse_amount(piece, decimal_separator=sep).value == target:
                                spans.setdefault(piece, number)
                        except InvoicerError:
                            continue
    # keep the longest spans (with their currency marks), not their pieces
    kept = {s: n for s, n in spans.items() if not any(s != o and s in o for o in spans)}
    return [(n, s) for s, n in kept.items()]


def _outcome(value: str | None, label: str, money: bool = False) -> str:
    if value is None:
        return "review"
    if money:
        return "correct" if Decimal(value) == Decimal(label) else "wrong"  # "83.00" is the label "83.0"
    return "correct" if value == label else "wrong"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocr", choices=["none", "tesseract"], default="none")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    root = default_receipts_root()
    docs = load_yardstick(pdf_root=root)
    # without OCR, pages needing it are rasterized but not read: keep that cheap
    settings = IngestSettings(dpi=300 if args.ocr == "tesseract" else 72)
    ocr = OcrStage(TesseractEngine(languages="eng+deu")) if args.ocr == "tesseract" else None
    sources: Counter[str] = Counter()
    dates: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    currencies: Counter[str] = Counter()
    wrong: list[dict[str, str]] = []
    review: list[dict[str, str]] = []
    skipped: Counter[str] = Counter()
    t0 = time.perf_counter()
    normalized = 0
    for doc in docs:
        try:
            document = ingest_path(root / doc.path, settings)
        except InvoicerError as exc:
            skipped[f"ingest: {exc.code}"] += 1
            continue
        if ocr is not None:
            document = ocr.run(Extraction(document), Deadline.never()).document
        pages = _text_pages(document)
        if not pages:
            skipped["no trusted text layer (and no OCR)"] += 1
            continue
        sources[", ".join(sorted({p.source.value for p in document.pages}))] += 1
        base = Extraction(document)
        label_date = doc.fields.get("invoice_date")
        if label_date:
            for page, span in _date_spans(pages, label_date):
                out = normalize_extraction(base.with_fields([Field("invoice_date", None, span, 1.0, page)]))
                normalized += 1
                result = _outcome(out.value("invoice_date"), label_date)
                dates[result] += 1
                if result == "review":
                    reasons = [v.message for v in out.validation if "invoice_date" in v.fields]
                    review.append({"doc": doc.path, "field": "invoice_date", "raw": span, "why": "; ".join(reasons)})
                if result == "wrong":
                    wrong.append(
                        {
                            "doc": doc.path,
                            "field": "invoice_date",
                            "raw": span,
                            "got": str(out.value("invoice_date")),
                            "label": label_date,
                        }
                    )
        label_total = doc.fields.get("total")
        label_currency = doc.fields.get("currency")
        for page, span in _amount_spans(pages, label_total) if label_total else []:
            out = normalize_extraction(base.with_fields([Field("total", None, span, 1.0, page)]))
            normalized += 1
            result = _outcome(out.value("total"), label_total or "", money=True)
            totals[result] += 1
            if result == "wrong":
                wrong.append(
                    {
                        "doc": doc.path,
                        "field": "total",
                        "raw": span,
                        "got": str(out.value("total")),
                        "label": str(label_total),
                    }
                )
            if label_currency:
                got = out.value("currency")
                kind = "unknown" if got is None else ("correct" if got == label_currency else "wrong")
                if kind == "unknown" and doc.currency_printed:
                    reasons = [v.message for v in out.validation if v.rule == "normalize_currency"]
                    review.append({"doc": doc.path, "field": "currency", "raw": span, "why": "; ".join(reasons)})
                printed = "printed" if doc.currency_printed else "not printed"
                currencies[f"{kind} ({printed})"] += 1
                if kind == "wrong":
                    wrong.append(
                        {"doc": doc.path, "field": "currency", "raw": span, "got": str(got), "label": label_currency}
                    )
    seconds = time.perf_counter() - t0

    def summary(counts: Counter[str]) -> dict[str, Any]:
        n = sum(counts.values())
        return {
            **dict(counts.most_common()),
            "printed_values": n,
            "correct_share": round(counts["correct"] / n, 4) if n else 0.0,
        }

    report = {
        "benchmark": "validate/yardstick",
        "machine": machine_info(),
        "data": {
            "yardstick_docs": len(docs),
            "receipts_root": str(root),
            "ocr": args.ocr,
            "docs_by_word_source": dict(sources),
            "skipped": dict(skipped),
        },
        "invoice_date_spans": summary(dates),
        "total_spans": summary(totals),
        "currency_with_total": dict(currencies.most_common()),
        "wrong": wrong,
        "left_for_review": review,
        "normalizations": normalized,
        "seconds": round(seconds, 1),
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
