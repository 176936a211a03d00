"""Text-line detection benchmark: recall and precision at IoU 0.5 against SROIE validation line boxes.

    .venv/bin/python -m benchmarks.ocr.detect [--limit N] [--detectors ppocr,morphology,ppocr@1024]

Prints JSON (and writes benchmarks/ocr/results/detect.json): per detector, line recall/precision
over all validation receipts, and the median detection time per receipt. Also reports, for
synthetic degraded invoice scans (invoicer.synth.basic), how many of the rendered text lines were
found (recall against the PDF's own text-line boxes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

from benchmarks.ocr.common import machine, match_boxes


def sroie_validation(limit: int | None) -> list[tuple[str, Image.Image, list[tuple[int, int, int, int]]]]:
    from invoicer.datasets.sroie import sroie_receipts

    out = []
    for k, receipt in enumerate(sroie_receipts("validation")):
        if limit is not None and k >= limit:
            break
        boxes = [ln.bbox for ln in receipt.lines if ln.text.strip()]
        out.append((receipt.receipt_id, receipt.load_image(), boxes))
    return out


def synthetic_scans(n: int) -> list[tuple[str, Image.Image, list[tuple[int, int, int, int]]]]:
    """Degraded 300-dpi renders of the basic invoice, with line boxes from the PDF text layer."""
    import io

    import pdfplumber

    from invoicer.synth.basic import InvoiceSpec, degrade, rasterize_pdf, render_invoice_pdf

    out = []
    for seed in range(n):
        pdf = render_invoice_pdf(InvoiceSpec(invoice_number=f"RE-2024-{seed:04d}"))
        image = degrade(rasterize_pdf(pdf, dpi=300)[0], seed=seed, skew=0.0)
        scale = 300 / 72
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            words = doc.pages[0].extract_words(keep_blank_chars=False, x_tolerance=1.5)
        boxes = _lines_from_words(words, scale)
        out.append((f"synthetic-{seed}", image, boxes))
    return out


def _lines_from_words(words: list[dict], scale: float) -> list[tuple[int, int, int, int]]:
    """Group PDF words into line segments: same baseline, gap under 1.2 × font height."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    lines: list[list[float]] = []
    for w in words:
        h = w["bottom"] - w["top"]
        if lines:
            last = lines[-1]
            if abs(last[1] - w["top"]) < 0.3 * h and w["x0"] - last[2] < 1.2 * h:
                last[2] = max(last[2], w["x1"])
                last[3] = max(last[3], w["bottom"])
                continue
        lines.append([w["x0"], w["top"], w["x1"], w["bottom"]])
    return [tuple(round(v * scale) for v in ln) for ln in lines]  # type: ignore[misc]


def run(
    detector_names: list[str], pages: list[tuple[str, Image.Image, list[tuple[int, int, int, int]]]]
) -> dict[str, dict[str, object]]:
    from invoicer.ocr.detect import make_detector

    results: dict[str, dict[str, object]] = {}
    for name in detector_names:
        # "ppocr@1024": the ppocr detector with pages scaled to at most 1024 px on their longer side
        base, _, side = name.partition("@")
        detector = make_detector(base, max_side=int(side)) if side else make_detector(base)
        setup = getattr(detector, "setup", None)
        if callable(setup):
            setup()
        truth_n = found_n = matched = 0
        times = []
        for _, image, truth in pages:
            t0 = time.perf_counter()
            found = [b.bbox for b in detector.detect(image)]
            times.append(time.perf_counter() - t0)
            truth_n += len(truth)
            found_n += len(found)
            matched += match_boxes(truth, found, 0.5)
        recall = matched / max(1, truth_n)
        precision = matched / max(1, found_n)
        results[name] = {
            "recall_iou50": round(recall, 4),
            "precision_iou50": round(precision, 4),
            "f1": round(2 * recall * precision / max(1e-9, recall + precision), 4),
            "truth_lines": truth_n,
            "detected_lines": found_n,
            "median_seconds_per_page": round(statistics.median(times), 3),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N validation receipts")
    parser.add_argument("--synthetic", type=int, default=3, help="synthetic invoice scans to test (0 = none)")
    parser.add_argument(
        "--detectors", default="ppocr,morphology", help="comma-separated; ppocr@N scales pages to <= N px first"
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "detect.json")
    args = parser.parse_args()
    names = [n.strip() for n in args.detectors.split(",") if n.strip()]
    info = machine()
    sroie = sroie_validation(args.limit)
    report: dict[str, object] = {
        "benchmark": "text-line detection, one-to-one matches at IoU >= 0.5 (axis-aligned boxes)",
        "machine": info,
        "data": {
            "sroie": f"SROIE validation split (invoicer/datasets/splits/sroie.json), {len(sroie)} receipts, box/ lines",
        },
        "sroie": run(names, sroie),
    }
    if args.synthetic:
        scans = synthetic_scans(args.synthetic)
        report["data"]["synthetic"] = (  # type: ignore[index]
            f"{len(scans)} degraded 300-dpi A4 renders of invoicer.synth.basic invoices; "
            "truth = PDF words grouped into lines"
        )
        report["synthetic_invoices"] = run(names, scans)
    text = json.dumps(report, indent=1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
