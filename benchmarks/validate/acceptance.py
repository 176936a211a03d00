"""Issue #6 acceptance on the hand-checked real yardstick: is ``auto_approved`` trustworthy, and how often?

    nice -n 19 .venv/bin/python -m benchmarks.validate.acceptance --threads 1 \\
        --cache ~/.cache/invoicer/data/ocr-cache [--model invoicer/models/tagger] \\
        [--out benchmarks/validate/acceptance.json] [--field-min-confidence "total=0.95,..."]

Runs the full :class:`~invoicer.pipeline.Pipeline` (ingest → OCR for pages without a usable text
layer → LayoutLM tagger, confidences calibrated when the model folder has ``calibration.json`` →
validate with the default :class:`~invoicer.config.ValidateSettings`, environment and
``invoicer.toml`` ignored) over the 100 yardstick PDFs (``invoicer.datasets.yardstick``), with the OCR
cache of ``benchmarks/fields`` (same stages, same results, faster reruns). Reports:

* the share of documents ``auto_approved`` (target ≥ 0.60);
* among auto-approved documents, the share of field values that are correct (target ≥ 0.98), per field
  and overall, by :mod:`invoicer.tagging.scoring`'s rules (normalized values, labelled alternates
  accepted). A value for a field the yardstick does not list (not printed on the document) counts as
  wrong; how many such values there were is reported (``unlabelled``); the same for the booking fields
  alone (vendor_name, invoice_number, invoice_date, currency, total) is reported beside it; optional
  fields withheld from approved records for low confidence (``validate.optional_low_confidence =
  "withhold"``, the default) are not values and are counted apart (``withheld``);
* the ``needs_review`` reasons: per failing rule, and per rule and field (``confidence:total``).

Nothing is tuned on the yardstick: the calibration and thresholds come from held-out data
(``benchmarks/validate/calibration.py``). Prints JSON with the machine named.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.fields import run as fields_run
from benchmarks.machine import machine_info
from benchmarks.validate import common
from invoicer.config import ValidateSettings
from invoicer.document import FIELD_NAMES, ExtractionStatus, RuleOutcome

HERE = Path(__file__).resolve().parent
TARGET_CORRECT = 0.98
TARGET_APPROVED = 0.60
#: The fields a document is booked by (benchmarks/fields' yardstick acceptance fields), reported beside all fields.
BOOKING_FIELDS = fields_run.ACCEPTANCE_YARDSTICK


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_pipeline_arguments(parser)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--min-confidence", type=float, help="instead of ValidateSettings' default (what-if runs)")
    parser.add_argument(
        "--field-min-confidence", help='instead of the default, e.g. "total=0.95,vendor_name=0.9" (what-if runs)'
    )
    parser.add_argument("--out", type=Path, default=HERE / "acceptance.json")
    args = parser.parse_args()

    from invoicer.datasets.yardstick import default_receipts_root, load_yardstick
    from invoicer.tagging.model import default_model_dir

    model_dir = Path(args.model) if args.model else default_model_dir()
    common.use_ocr_cache(args.cache)
    validate = ValidateSettings()
    if args.min_confidence is not None:
        validate = replace(validate, min_confidence=args.min_confidence)
    if args.field_min_confidence is not None:
        entries = tuple(x.strip() for x in args.field_min_confidence.split(",") if x.strip())
        validate = replace(validate, field_min_confidence=entries)
    pipeline, engine = common.make_pipeline(args.model, args.ocr, args.threads, calibrate=True, validate=validate)
    tagger = pipeline.stages[1].tagger  # type: ignore[attr-defined]
    settings = pipeline.settings.validate
    docs = load_yardstick()[: args.limit or None]
    root = default_receipts_root()

    statuses: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    reasons_by_field: Counter[str] = Counter()
    per_field: dict[str, Counter[str]] = {n: Counter() for n in FIELD_NAMES}
    wrong: list[dict[str, Any]] = []
    documents: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    with pipeline:
        for doc in docs:
            ex = common.process(pipeline, root / doc.path)
            truth = common.yardstick_truth(doc)
            statuses[ex.status.value] += 1
            failed = [v for v in ex.validation if v.outcome is RuleOutcome.FAIL]
            for v in failed:
                reasons[v.rule] += 1
                for name in v.fields or ("",):
                    reasons_by_field[f"{v.rule}:{name}" if name else v.rule] += 1
            if ex.status is ExtractionStatus.FAILED and ex.error is not None:
                reasons[f"failed:{ex.error.code}"] += 1
            values = {f.name: f for f in ex.fields if f.value is not None}
            if ex.status is ExtractionStatus.AUTO_APPROVED:
                # optional fields withheld for low confidence (validate.optional_low_confidence): not booked
                for f in ex.fields:
                    if f.value is None and f.raw:
                        per_field[f.name]["withheld"] += 1
                for name, f in values.items():
                    counts = per_field[name]
                    counts["values"] += 1
                    options = truth.get(name, ())
                    counts["unlabelled"] += not options
                    if common.is_correct(name, f.value or "", options):
                        counts["correct"] += 1
                    else:
                        wrong.append(
                            {
                                "document": doc.path,
                                "field": name,
                                "predicted": f.value,
                                "confidence": f.confidence,
                                "truth": list(options)[:3],
                            }
                        )
            documents.append(
                {
                    "document": doc.path,
                    "status": ex.status.value,
                    "reasons": [f"{v.rule}: {v.message}" for v in failed][:6],
                    "fields": {n: [f.value, f.confidence] for n, f in values.items()},
                }
            )
    n = len(docs)
    approved = statuses[ExtractionStatus.AUTO_APPROVED.value]
    total_values = sum(c["values"] for c in per_field.values())
    total_correct = sum(c["correct"] for c in per_field.values())
    correct_share = round(total_correct / total_values, 4) if total_values else None
    booking_values = sum(per_field[n]["values"] for n in BOOKING_FIELDS)
    booking_correct = sum(per_field[n]["correct"] for n in BOOKING_FIELDS)
    report: dict[str, Any] = {
        "benchmark": "validate/acceptance",
        "machine": machine_info(),
        "model": str(model_dir),
        "calibration": getattr(getattr(tagger, "calibration", None), "data", None) or "none (raw confidences)",
        "ocr_engine": engine,
        "command": " ".join(["python -m benchmarks.validate.acceptance", *sys.argv[1:]]),
        "data": f"benchmarks/yardstick ({n} hand-checked real PDFs from shared/data/receipts-pdf); never tuned on",
        "settings": {
            "optional_low_confidence": settings.optional_low_confidence,
            "min_confidence": settings.min_confidence,
            "field_min_confidence": list(settings.field_min_confidence),
            "required_fields": list(settings.required_fields),
        },
        "seconds": round(time.perf_counter() - t0, 1),
        "statuses": dict(statuses),
        "auto_approved_share": round(approved / n, 4) if n else None,
        "auto_approved_field_values": {
            "values": total_values,
            "correct": total_correct,
            "correct_share": correct_share,
            "unlabelled": sum(c["unlabelled"] for c in per_field.values()),
            "withheld": sum(c["withheld"] for c in per_field.values()),
            "booking_fields_only": {
                "fields": list(BOOKING_FIELDS),
                "values": booking_values,
                "correct": booking_correct,
                "correct_share": round(booking_correct / booking_values, 4) if booking_values else None,
            },
            "per_field": {
                name: {
                    "values": c["values"],
                    "correct": c["correct"],
                    "correct_share": round(c["correct"] / c["values"], 4) if c["values"] else None,
                    "unlabelled": c["unlabelled"],
                    "withheld": c["withheld"],
                }
                for name, c in per_field.items()
                if c["values"] or c["withheld"]
            },
        },
        "acceptance": {
            f"auto_approved_share_at_least_{TARGET_APPROVED}": (approved / n >= TARGET_APPROVED) if n else False,
            f"correct_share_at_least_{TARGET_CORRECT}": bool(
                correct_share is not None and correct_share >= TARGET_CORRECT
            ),
        },
        "needs_review_reasons": dict(reasons.most_common()),
        "needs_review_reasons_by_field": dict(reasons_by_field.most_common()),
        "wrong_auto_approved_values": wrong,
        "documents": documents,
    }
    common.dump(args.out, report)
    print(json.dumps({k: v for k, v in report.items() if k not in ("documents",)}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
