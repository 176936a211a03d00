"""Checks of synthetic truth: is every value labelled on the words that print it, and is it right?

:func:`truth_problems` checks one truth file on its own: the contract form of its fields and line
items, the label set and BIO structure, that each field's labelled words spell its raw text, that
the raw text reads back to the normalized value (money, dates, rates, ids), that VAT ids and IBANs
pass python-stdnum and that subtotal + tax = total unless the document is marked inconsistent.
:func:`ingest_problems` compares the truth's words with what :func:`invoicer.ingest.ingest_bytes`
reads from the born-digital PDF. Both return readable problem strings (empty: all good).

    python -m invoicer.synth.check DIR [--ingest]   (every truth file of an `invoicer synth` folder)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from invoicer.document import LINE_ITEM_COLUMNS
from invoicer.synth.ids import is_valid_iban, is_valid_vat_id
from invoicer.synth.labels import LABELS, item_entity, spans
from invoicer.synth.locales import LOCALES, NumberStyle, format_date, parse_amount

BOX_TOLERANCE = 0.02  # points (truth boxes are rounded to 0.01)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _joined(words: Sequence[Mapping[str, Any]], idx: Sequence[int]) -> str:
    return " ".join(words[i]["text"] for i in idx)


def _number(truth: Mapping[str, Any]) -> NumberStyle:
    ns = truth["number_style"]
    return NumberStyle(ns["decimal"], ns["group"], int(ns.get("group_from", 4)))


def _value_ok(name: str, raw: str, value: str, truth: Mapping[str, Any]) -> str | None:
    """None when ``raw`` reads back to ``value``, else why not."""
    number = _number(truth)
    lang = LOCALES[truth["locale"]].lang
    try:
        if name in ("subtotal", "tax_total", "total", "amount", "unit_price") or name == "quantity":
            if parse_amount(raw, number) != Decimal(value):
                return f"{raw!r} reads as {parse_amount(raw, number)}, truth says {value}"
        elif name == "tax_rate":
            core = raw.replace("%", "").strip()
            if core and core[0].isdigit() and parse_amount(core, number) != Decimal(value):
                return f"rate {raw!r} is not {value}"
        elif name in ("invoice_date", "due_date"):
            from datetime import date

            if format_date(date.fromisoformat(value), truth["date_pattern"], lang) != raw:
                return f"date {raw!r} is not {value} in pattern {truth['date_pattern']}"
        elif name == "vendor_tax_id":
            if "".join(ch for ch in raw if ch.isalnum()).upper() != value:
                return f"tax id {raw!r} does not compact to {value}"
            if not is_valid_vat_id(value, LOCALES[truth["locale"]].country):
                return f"tax id {value} fails python-stdnum"
        elif name == "iban":
            if raw.replace(" ", "") != value:
                return f"IBAN {raw!r} does not compact to {value}"
            if not is_valid_iban(value):
                return f"IBAN {value} fails python-stdnum"
        elif name == "currency":
            if raw not in (value, truth.get("currency_marker"), "EUR" if value == "EUR" else value):
                return f"currency {raw!r} does not print {value}"
        elif name == "vendor_address":
            if [c for c in raw if c.isalnum()] != [c for c in value if c.isalnum()]:
                return f"address {raw!r} does not match {value!r}"
        elif _norm(raw).upper() != _norm(value).upper() and _norm(raw).replace(" ", "") != value.replace(" ", ""):
            return f"{raw!r} does not print {value!r}"
    except (InvalidOperation, ValueError) as exc:
        return f"{raw!r} cannot be read ({exc})"
    return None


def truth_problems(truth: Mapping[str, Any]) -> list[str]:
    """Everything wrong with one truth file (empty when it is consistent)."""
    from invoicer.contract import contract_problems
    from invoicer.synth.truth import truth_to_extraction

    problems: list[str] = []
    where = truth.get("id", "?")
    try:
        problems += [f"{where}: contract: {p}" for p in contract_problems(truth_to_extraction(truth).to_dict())]
    except (KeyError, ValueError, TypeError) as exc:
        return [f"{where}: truth cannot be read as an extraction ({exc})"]

    words = [w for page in truth["pages"] for w in page["words"]]
    labels = [w["label"] for w in words]
    bad = sorted({lab for lab in labels if lab not in LABELS})
    if bad:
        problems.append(f"{where}: unknown labels {bad}")
        return problems
    opened: set[str] = set()
    for i, lab in enumerate(labels):
        if lab.startswith("B-"):
            opened.add(lab[2:])
        elif lab.startswith("I-") and lab[2:] not in opened:
            problems.append(f"{where}: word {i} {words[i]['text']!r} is {lab} before any B-{lab[2:]}")
    occurrences: dict[str, list[list[int]]] = {}
    for entity, idx in spans(labels):
        occurrences.setdefault(entity, []).append(idx)

    fields = truth["fields"]
    marker = truth.get("currency_marker") or ""
    for name, data in fields.items():
        entity = name.upper()
        occ = occurrences.get(entity, [])
        raw, value = data.get("raw") or "", data["value"]
        if name == "currency" and not occ:
            total_occ = occurrences.get("TOTAL", [])
            if not total_occ or raw not in _joined(words, total_occ[0]):
                problems.append(f"{where}: currency {raw!r} is neither labelled nor glued to the labelled total")
        elif len(occ) != 1:
            problems.append(f"{where}: field {name} is labelled {len(occ)} times (want 1)")
        else:
            joined = _joined(words, occ[0])
            if _norm(joined) != _norm(raw) and _norm(joined.replace(marker, "")) != _norm(raw):
                problems.append(f"{where}: {name} words {joined!r} do not print {raw!r}")
        why = _value_ok(name, raw, value, truth)
        if why:
            problems.append(f"{where}: {name}: {why}")
    for entity in occurrences:
        if not entity.startswith("ITEM_") and entity.lower() not in fields:
            problems.append(f"{where}: words labelled {entity} but no such field in the truth")

    raws = truth.get("line_items_raw", [])
    items = truth["line_items"]
    if len(raws) != len(items):
        problems.append(f"{where}: {len(items)} line items but {len(raws)} raw rows")
    for col in LINE_ITEM_COLUMNS:
        entity = item_entity(col)
        want = [r[col] for r in raws if col in r]
        got = [_joined(words, idx) for idx in occurrences.get(entity, [])]
        if [_norm(x) for x in got] != [_norm(x) for x in want]:
            problems.append(f"{where}: {entity} words {got[:3]}... do not print the items' {col} {want[:3]}...")
        for r, item in zip(raws, items, strict=False):
            if col in r and item.get(col) is not None:
                why = _value_ok(col, r[col], item[col], truth)
                if why:
                    problems.append(f"{where}: item {col}: {why}")

    have = all(k in fields for k in ("subtotal", "tax_total", "total"))
    if have:
        s, t, tot = (Decimal(fields[k]["value"]) for k in ("subtotal", "tax_total", "total"))
        if truth["arithmetic_consistent"] and s + t != tot:
            problems.append(f"{where}: subtotal {s} + tax {t} != total {tot} in a consistent document")
        if not truth["arithmetic_consistent"] and s + t == tot:
            problems.append(f"{where}: marked inconsistent but subtotal + tax = total")
    for item in items:
        q, p, a = item.get("quantity"), item.get("unit_price"), item.get("amount")
        if q is not None and p is not None and a is not None and Decimal(a) > Decimal(q) * Decimal(p) + Decimal("0.01"):
            problems.append(f"{where}: item amount {a} exceeds {q} x {p}")
    return problems


def ingest_problems(truth: Mapping[str, Any], pdf: bytes) -> list[str]:
    """Differences between the truth's words and what ingest reads from the born-digital ``pdf``."""
    from invoicer.ingest import ingest_bytes

    where = truth.get("id", "?")
    doc = ingest_bytes(pdf, str(truth.get("file", "document.pdf")))
    problems = []
    if len(doc.pages) != len(truth["pages"]):
        return [f"{where}: ingest reads {len(doc.pages)} pages, truth has {len(truth['pages'])}"]
    for page, tpage in zip(doc.pages, truth["pages"], strict=True):
        words = page.words
        twords = tpage["words"]
        if len(words) != len(twords):
            problems.append(f"{where} p{page.number}: ingest reads {len(words)} words, truth has {len(twords)}")
            continue
        for k, (w, t) in enumerate(zip(words, twords, strict=True)):
            if w.text != t["text"]:
                problems.append(f"{where} p{page.number} word {k}: ingest {w.text!r}, truth {t['text']!r}")
            elif max(abs(a - b) for a, b in zip(w.bbox, t["bbox"], strict=True)) > BOX_TOLERANCE:
                problems.append(f"{where} p{page.number} word {k} {w.text!r}: box {w.bbox} vs {t['bbox']}")
        if abs(page.width - tpage["width"]) > BOX_TOLERANCE or abs(page.height - tpage["height"]) > BOX_TOLERANCE:
            problems.append(f"{where} p{page.number}: page size {page.width}x{page.height} vs truth")
    return problems


def check_folder(folder: Path, *, ingest: bool = False) -> dict[str, Any]:
    """:func:`truth_problems` (and with ``ingest`` :func:`ingest_problems` for born-digital PDFs) over every
    truth file of an ``invoicer synth`` folder: counts per layout and every problem found."""
    documents = 0
    by_layout: dict[str, dict[str, int]] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.json")):
        truth = json.loads(path.read_text("utf-8"))
        if "fields" not in truth or "pages" not in truth:
            continue  # run.json and other summaries
        documents += 1
        found = truth_problems(truth)
        pdf = folder / str(truth.get("file", ""))
        if ingest and truth.get("mode") == "docs" and pdf.suffix == ".pdf" and pdf.is_file():
            found += ingest_problems(truth, pdf.read_bytes())
        counts = by_layout.setdefault(str(truth.get("layout", "?")), {"documents": 0, "with_problems": 0})
        counts["documents"] += 1
        counts["with_problems"] += bool(found)
        problems.extend(found)
    with_problems = sum(c["with_problems"] for c in by_layout.values())
    return {"folder": str(folder), "documents": documents, "with_problems": with_problems,
            "by_layout": by_layout, "problems": problems}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoicer.synth.check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="folder written by `invoicer synth`")
    parser.add_argument("--ingest", action="store_true", help="also compare the words ingest reads from each PDF")
    args = parser.parse_args(argv)
    report = check_folder(args.folder, ingest=args.ingest)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    if report["documents"] == 0:
        print(f"error: no truth files in {args.folder}", file=sys.stderr)
        return 2
    return 1 if report["with_problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
