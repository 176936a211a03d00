"""Ingest speed: text-layer ingest of a one-page born-digital invoice, and rasterizing one page at 300 dpi.

    .venv/bin/python -m benchmarks.ingest.run [--repeat 30] [--out benchmarks/ingest/result.json]

Targets (issue 2): text-layer ingest ≤ 100 ms median; rasterizing one page at 300 dpi ≤ 300 ms median.
Inputs are the repository's generated fixtures. Prints JSON with the machine named.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.machine import machine_info
from invoicer.config import IngestSettings
from invoicer.document import WordSource
from invoicer.ingest import ingest_bytes
from invoicer.ingest.pdf import _Rasterizer

ROOT = Path(__file__).resolve().parents[2]
BORN_DIGITAL = ROOT / "fixtures/documents/invoice_born_digital.pdf"
SCANNED = ROOT / "fixtures/documents/invoice_scanned.pdf"


def timed(fn: Any, repeat: int) -> dict[str, float]:
    fn()  # warm-up (imports, caches)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p90_ms": round(sorted(samples)[int(0.9 * (len(samples) - 1))], 1),
        "min_ms": round(min(samples), 1),
        "runs": repeat,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    settings = IngestSettings()
    born = BORN_DIGITAL.read_bytes()
    scanned = SCANNED.read_bytes()

    def text_layer() -> None:
        doc = ingest_bytes(born, BORN_DIGITAL.name, settings)
        assert doc.pages[0].source is WordSource.TEXT_LAYER and len(doc.pages[0].words) > 50

    def rasterizer(data: bytes, path: Path, renderer: str) -> Any:
        def run() -> None:
            with ExitStack() as stack:
                image = _Rasterizer(data, str(path), stack, renderer).render(1, 300)
            assert image.width > 2400

        return run

    def scanned_ingest() -> None:
        doc = ingest_bytes(scanned, SCANNED.name, replace(settings, dpi=300), source_path=str(SCANNED))
        assert doc.pages[0].needs_ocr

    results: dict[str, Any] = {
        "benchmark": "ingest",
        "machine": machine_info(),
        "inputs": {"born_digital": str(BORN_DIGITAL.relative_to(ROOT)), "scanned": str(SCANNED.relative_to(ROOT))},
        "text_layer_ingest_one_page": timed(text_layer, args.repeat) | {"target_median_ms": 100},
        "rasterize_one_page_300dpi": timed(rasterizer(born, BORN_DIGITAL, "pdf2image"), args.repeat)
        | {"target_median_ms": 300, "renderer": "pdf2image (poppler), grayscale", "page": "born-digital A4"},
        "rasterize_scanned_page_300dpi": timed(rasterizer(scanned, SCANNED, "pdf2image"), args.repeat)
        | {"target_median_ms": 300, "renderer": "pdf2image (poppler), grayscale", "page": "150-dpi scan, upsampled"},
        "rasterize_one_page_300dpi_pdfium": timed(rasterizer(born, BORN_DIGITAL, "pdfium"), args.repeat)
        | {"renderer": "pdfium (ingest.renderer=pdfium)", "page": "born-digital A4"},
        "scanned_pdf_ingest_one_page_300dpi": timed(scanned_ingest, args.repeat),
    }
    results["pass"] = (
        results["text_layer_ingest_one_page"]["median_ms"] <= 100
        and results["rasterize_one_page_300dpi"]["median_ms"] <= 300
        and results["rasterize_scanned_page_300dpi"]["median_ms"] <= 300
    )
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
