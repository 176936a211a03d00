"""Fit the tagger's confidence calibration on held-out data and report reliability tables.

    nice -n 19 .venv/bin/python -m benchmarks.validate.calibration --threads 1 \\
        --cache ~/.cache/invoicer/data/ocr-cache [--model invoicer/models/tagger] [--synth-n 200] \\
        [--samples benchmarks/validate/calibration-samples.json] [--from-samples FILE] [--no-write]

1. Runs the pipeline (ingest → OCR for scans → tagger with *raw* confidences → validate) over
   held-out documents — the 93 SROIE validation receipts (JPEG, through our OCR stage; 4 fields
   labelled) and ``--synth-n`` fresh synthetic documents (``invoicer synth`` seed 900001, never
   trained on; every field) — and over the 100 yardstick PDFs (evaluation only, never fitted on).
   Every field value becomes a sample (field, raw confidence, right or wrong by
   :mod:`invoicer.tagging.scoring`'s rules; a value for a field the truth lacks is wrong).
2. Cross-fits on the held-out pool: two folds (synth even + SROIE odd / synth odd + SROIE even), each
   calibrated by the map fitted on the other fold, so every held-out sample gets a calibrated
   confidence from a calibration that never saw it.
3. Fits the shipped calibration on the whole held-out pool (never the yardstick) and writes
   ``calibration.json`` into the model folder (unless ``--no-write``).
4. Reliability tables (confidence buckets × count / mean predicted / observed accuracy, per field and
   overall), before and after calibration: held-out synthetic and SROIE (out-of-fold), and the
   yardstick (with the shipped calibration: data it was not fitted on).
5. Suggested thresholds: per field, the lowest calibrated (out-of-fold) confidence at which the
   held-out values at or above it are right ≥ ``--target`` (0.98) of the time (with ≥ ``--min-count``
   values), and what those thresholds would give on the held-out synthetic documents (share of
   documents auto-approved, accuracy of their field values). The yardstick plays no part in choosing.

Writes ``benchmarks/validate/reliability.json`` and ``benchmarks/validate/reliability.md`` (machine named).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.machine import machine_info
from benchmarks.validate import common
from invoicer.config import ValidateSettings
from invoicer.document import FIELD_NAMES, Extraction, RuleOutcome
from invoicer.validate.calibration import (
    BUCKETS,
    Calibration,
    Sample,
    fit_calibration,
    reliability_table,
    threshold_for,
)

HERE = Path(__file__).resolve().parent


# ------------------------------------------------------------------------------------------------
# collecting raw samples
# ------------------------------------------------------------------------------------------------


def _record(source: str, key: str, index: int, labelled: Sequence[str], truth: Any, ex: Extraction) -> dict[str, Any]:
    """One document: every field value with its raw confidence and (where the truth covers the field)
    whether it is right, plus the rules other than ``confidence`` that failed."""
    fields = []
    for f in ex.fields:
        if f.value is None:
            continue
        correct = common.is_correct(f.name, f.value, truth.get(f.name, ())) if f.name in labelled else None
        fields.append({"name": f.name, "value": f.value, "confidence": f.confidence, "correct": correct})
    failed = sorted({v.rule for v in ex.validation if v.outcome is RuleOutcome.FAIL and v.rule != "confidence"})
    return {
        "source": source,
        "key": key,
        "index": index,
        "status": ex.status.value,
        "error": ex.error.code if ex.error else None,
        "fields": fields,
        "other_failures": failed,
        "missing_required": [n for n in ("vendor_name", "invoice_date", "total", "currency") if ex.value(n) is None],
    }


def collect(args: argparse.Namespace) -> dict[str, Any]:
    from invoicer.datasets.yardstick import default_receipts_root, load_yardstick

    common.use_ocr_cache(args.cache)
    # every value the tagger produced is a sample: none withheld by validate.optional_low_confidence
    keep_all = replace(ValidateSettings(), optional_low_confidence="review")
    pipeline, engine = common.make_pipeline(args.model, args.ocr, args.threads, calibrate=False, validate=keep_all)
    records: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    with pipeline:
        for doc, ex in common.run_docs(pipeline, common.sroie_docs(args.sroie_limit)):
            records.append(_record("sroie", doc.key, doc.index, doc.fields, doc.truth, ex))
        print(f"sroie: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        with common.temp_dir() as tmp:
            for doc, ex in common.run_docs(pipeline, common.synth_docs(Path(tmp), args.synth_n, args.synth_seed)):
                records.append(_record("synth", doc.key, doc.index, doc.fields, doc.truth, ex))
        print(f"synth: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        root = default_receipts_root()
        for i, ydoc in enumerate(load_yardstick()[: args.yardstick_limit or None]):
            ex = common.process(pipeline, root / ydoc.path)
            records.append(_record("yardstick", ydoc.path, i, FIELD_NAMES, common.yardstick_truth(ydoc), ex))
        print(f"yardstick: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return {
        "ocr_engine": engine,
        "synth_seed": args.synth_seed,
        "seconds": round(time.perf_counter() - t0, 1),
        "records": records,
    }


# ------------------------------------------------------------------------------------------------
# fitting and reporting
# ------------------------------------------------------------------------------------------------


def samples_of(records: Iterable[dict[str, Any]]) -> list[Sample]:
    return [
        Sample(f["name"], float(f["confidence"]), bool(f["correct"]))
        for r in records
        for f in r["fields"]
        if f["correct"] is not None
    ]


def fold_of(record: dict[str, Any]) -> int:
    """Two folds mixing both sources: synth even + SROIE odd | synth odd + SROIE even."""
    return (record["index"] + (record["source"] == "sroie")) % 2


def calibrated(records: Iterable[dict[str, Any]], calibration: Calibration) -> list[dict[str, Any]]:
    out = []
    for r in records:
        fields = [{**f, "confidence": calibration.probability(f["name"], f["confidence"])} for f in r["fields"]]
        out.append({**r, "fields": fields})
    return out


def cross_fit(held_out: list[dict[str, Any]], **fit: Any) -> list[dict[str, Any]]:
    """Every held-out record with confidences calibrated by the map fitted on the other fold."""
    out = []
    for k in (0, 1):
        train = [r for r in held_out if fold_of(r) != k]
        cal = fit_calibration(samples_of(train), **fit)
        out.extend(calibrated([r for r in held_out if fold_of(r) == k], cal))
    return out


def simulate(records: Iterable[dict[str, Any]], thresholds: dict[str, float], default: float) -> dict[str, Any]:
    """What thresholds on these confidences would give: documents auto-approved (no other rule failed, no
    required field missing, every field at its threshold) and the accuracy of their labelled values."""
    docs = approved = values = right = 0
    for r in records:
        docs += 1
        if r["error"] or r["other_failures"] or r["missing_required"]:
            continue
        if any(f["confidence"] < thresholds.get(f["name"], default) for f in r["fields"]):
            continue
        approved += 1
        labelled = [f for f in r["fields"] if f["correct"] is not None]
        values += len(labelled)
        right += sum(bool(f["correct"]) for f in labelled)
    return {
        "documents": docs,
        "auto_approved": approved,
        "auto_approved_share": round(approved / docs, 4) if docs else None,
        "field_values_of_auto_approved": values,
        "correct_share": round(right / values, 4) if values else None,
    }


def _floor4(t: float) -> float:
    """Rounded down to 4 decimals (the calibrated value itself must pass; at most 0.0001 lower ones join)."""
    return math.floor(t * 10000 + 1e-9) / 10000


def choose_thresholds(
    samples: list[Sample], target: float, min_count: int
) -> tuple[dict[str, Any], dict[str, float], float]:
    """Per field (and pooled) the lowest calibrated confidence at which held-out accuracy ≥ target."""
    pooled_t, pooled_n, pooled_acc = threshold_for(samples, target, min_count=min_count)
    default = pooled_t if pooled_t is not None else 1.0
    table: dict[str, Any] = {"*": {"threshold": pooled_t, "values_kept": pooled_n, "accuracy_kept": pooled_acc}}
    chosen: dict[str, float] = {}
    for name in FIELD_NAMES:
        group = [s for s in samples if s.field == name]
        t, n, acc = threshold_for(group, target, min_count=min_count)
        table[name] = {
            "samples": len(group),
            "threshold": t,
            "values_kept": n,
            "accuracy_kept": acc,
            "accuracy_all": round(sum(s.correct for s in group) / len(group), 4) if group else None,
        }
        if t is not None:
            chosen[name] = _floor4(t)
        elif len(group) >= min_count:
            chosen[name] = 1.0  # no threshold reaches the target on held-out data: always review this field
    return table, chosen, default


def reliability(samples: list[Sample]) -> dict[str, Any]:
    return reliability_table(samples, BUCKETS)


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# Reliability of field confidences (`benchmarks/validate/calibration.py`)",
        "",
        f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gib', '?')} GiB, "
        f"load {m.get('load_average_1m', '?')}; model `{report['model']}`; OCR `{report['ocr_engine']}`.",
        f"Command: `{report['command']}`",
        "",
        "Data: " + "; ".join(f"**{k}**: {v}" for k, v in report["data"].items()),
        "",
        "Calibration: isotonic regression per field (`invoicer/validate/calibration.py`), fitted on the held-out "
        "pool (SROIE validation + synthetic seed 900001), never on the yardstick. Held-out rows are out-of-fold "
        "(2-fold cross-fit); yardstick rows use the shipped calibration.",
        "",
    ]
    for name, sets in report["reliability"].items():
        lines += [f"## {name}", ""]
        for when in ("before", "after"):
            table = sets[when]
            o = table["overall"]
            lines += [
                f"**{when} calibration** — {o['count']} values, accuracy {o['accuracy']}, ECE {o['ece']}, "
                f"Brier {o['brier']}",
                "",
                "| field | n | " + " | ".join(c["bucket"] for c in o["buckets"]) + " |",
                "|---|---:|" + "---|" * len(o["buckets"]),
            ]
            rows = [("**all**", o), *sorted(table["fields"].items())]
            for field_name, t in rows:
                cells = [
                    f"{c['count']}: {c['mean_predicted']:.2f}→{c['observed_accuracy']:.2f}" if c["count"] else "·"
                    for c in t["buckets"]
                ]
                lines.append(f"| {field_name} | {t['count']} | " + " | ".join(cells) + " |")
            lines.append("")
        lines.append("Cells: `count: mean predicted → observed accuracy`.")
        lines.append("")
    th = report["thresholds"]
    lines += [
        "## Thresholds (held-out, out-of-fold calibrated confidences)",
        "",
        f"Target: values at or above the threshold right ≥ {th['target']} of the time, "
        f"at least {th['min_count']} such values.",
        "",
        "| field | held-out values | accuracy (all) | threshold | values kept | accuracy kept | chosen |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in th["per_field"].items():
        if name == "*":
            continue
        lines.append(
            f"| {name} | {row['samples']} | {row['accuracy_all']} | {row['threshold']} | {row['values_kept']} | "
            f"{row['accuracy_kept']} | {th['chosen'].get(name, '—')} |"
        )
    pooled = th["per_field"]["*"]
    lines += [
        "",
        f"All fields pooled: threshold {pooled['threshold']} ({pooled['values_kept']} values kept, accuracy "
        f"{pooled['accuracy_kept']}); used as `min_confidence` suggestion: {th['min_confidence']}.",
        "",
        f'`INVOICER_VALIDATE_FIELD_MIN_CONFIDENCE="{",".join(th["field_min_confidence"])}"`',
        "",
        "What these thresholds give on held-out data (out-of-fold): "
        + "; ".join(f"{k}: {v}" for k, v in th["held_out_effect"].items()),
        "",
        "Totals the page's arithmetic confirmed (line items or subtotal + tax add up to them; raw confidence "
        "0.999), right / all: "
        + "; ".join(f"{k} {v['correct']}/{v['values']}" for k, v in report.get("confirmed_totals", {}).items()),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_pipeline_arguments(parser)
    parser.add_argument("--synth-n", type=int, default=200)
    parser.add_argument("--synth-seed", type=int, default=common.SYNTH_SEED)
    parser.add_argument("--sroie-limit", type=int)
    parser.add_argument("--yardstick-limit", type=int)
    parser.add_argument("--target", type=float, default=0.98)
    parser.add_argument("--min-count", type=int, default=20)
    parser.add_argument("--min-field-samples", type=int, default=40)
    parser.add_argument("--prior", type=float, default=2.0)
    parser.add_argument("--samples", type=Path, help="also write the raw per-document samples here")
    parser.add_argument("--from-samples", type=Path, help="read raw samples written by --samples (no pipeline run)")
    parser.add_argument("--no-write", action="store_true", help="do not write calibration.json into the model folder")
    parser.add_argument("--out", type=Path, default=HERE / "reliability.json")
    parser.add_argument("--md", type=Path, default=HERE / "reliability.md")
    args = parser.parse_args()

    from invoicer.tagging.model import default_model_dir

    model_dir = Path(args.model) if args.model else default_model_dir()
    if args.from_samples:
        collected = json.loads(args.from_samples.read_text("utf-8"))
    else:
        collected = collect(args)
        if args.samples:
            common.dump(args.samples, collected)
    records = collected["records"]
    held_out = [r for r in records if r["source"] in ("sroie", "synth")]
    yardstick = [r for r in records if r["source"] == "yardstick"]
    fit = {"min_field_samples": args.min_field_samples, "prior": args.prior}

    n_sroie = sum(r["source"] == "sroie" for r in records)
    n_synth = sum(r["source"] == "synth" for r in records)
    data = {
        "held_out_sroie": f"{n_sroie} SROIE validation receipts (invoicer/datasets/splits/sroie.json), JPEG through "
        f"OCR engine {collected['ocr_engine']}; fields vendor_name, vendor_address, invoice_date, total",
        "held_out_synth": f"{n_synth} synthetic documents, invoicer synth seed {collected['synth_seed']} (never "
        "trained on), born-digital PDFs; every field",
        "yardstick": f"{len(yardstick)} hand-checked real PDFs (benchmarks/yardstick); evaluation only",
    }
    shipped = fit_calibration(
        samples_of(held_out),
        **fit,
        data=f"{data['held_out_sroie']}; {data['held_out_synth']}",
    )
    out_of_fold = cross_fit(held_out, **fit)
    yard_cal = calibrated(yardstick, shipped)

    def sets(raw: list[dict[str, Any]], cal: list[dict[str, Any]]) -> dict[str, Any]:
        return {"before": reliability(samples_of(raw)), "after": reliability(samples_of(cal))}

    by_source = {s: [r for r in held_out if r["source"] == s] for s in ("synth", "sroie")}
    oof_by_source = {s: [r for r in out_of_fold if r["source"] == s] for s in ("synth", "sroie")}
    reliability_sets = {
        "held-out synthetic (out-of-fold)": sets(by_source["synth"], oof_by_source["synth"]),
        "held-out SROIE (out-of-fold)": sets(by_source["sroie"], oof_by_source["sroie"]),
        "yardstick (shipped calibration, never fitted on)": sets(yardstick, yard_cal),
    }

    per_field, chosen, default = choose_thresholds(samples_of(out_of_fold), args.target, args.min_count)
    min_confidence = _floor4(default)
    effect = {
        "synthetic": simulate(oof_by_source["synth"], chosen, min_confidence),
        "sroie (4 fields labelled)": simulate(oof_by_source["sroie"], chosen, min_confidence),
    }
    # totals the page's arithmetic confirmed (raw confidence CONFIRMED_TOTAL, invoicer.tagging.decoding)
    from invoicer.tagging.decoding import CONFIRMED_TOTAL

    confirmed_totals = {}
    for label, recs in (("synthetic", by_source["synth"]), ("sroie", by_source["sroie"]), ("yardstick", yardstick)):
        totals = [s for s in samples_of(recs) if s.field == "total" and s.confidence >= CONFIRMED_TOTAL]
        confirmed_totals[label] = {"values": len(totals), "correct": sum(s.correct for s in totals)}
    report: dict[str, Any] = {
        "benchmark": "validate/calibration",
        "machine": machine_info(),
        "model": str(model_dir),
        "ocr_engine": collected["ocr_engine"],
        "command": " ".join(["python -m benchmarks.validate.calibration", *sys.argv[1:]]),
        "data": data,
        "seconds_collecting": collected.get("seconds"),
        "calibration": shipped.to_dict(),
        "reliability": reliability_sets,
        "confirmed_totals": confirmed_totals,
        "thresholds": {
            "target": args.target,
            "min_count": args.min_count,
            "per_field": per_field,
            "chosen": chosen,
            "min_confidence": min_confidence,
            "field_min_confidence": [f"{k}={v:g}" for k, v in chosen.items()],
            "held_out_effect": effect,
        },
    }
    if not args.no_write:
        report["written"] = str(shipped.save(model_dir))
    common.dump(args.out, report)
    args.md.write_text(markdown(report), "utf-8")
    keys = ("machine", "data", "confirmed_totals", "thresholds")
    print(json.dumps({k: report[k] for k in keys}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
