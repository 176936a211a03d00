"""Peak memory of one OCR process: load the model, read one SROIE receipt and one 300-dpi A4 scan.

.venv/bin/python -m benchmarks.ocr.memory [--model DIR]   (prints one JSON line)
"""

from __future__ import annotations

import argparse
import json
import resource


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=None)
    parser.add_argument("--detector", default="auto")
    args = parser.parse_args()
    from benchmarks.ocr.__main__ import invoice_scans
    from invoicer.datasets.sroie import sroie_receipts
    from invoicer.ocr.trocr import TrOcrEngine

    receipt = next(iter(sroie_receipts("validation"))).load_image()
    invoice = invoice_scans(1)[0]
    engine = TrOcrEngine(model=args.model, detector=args.detector)
    engine.read_pages([receipt])
    engine.read_pages([invoice])
    print(json.dumps({"peak_rss_mb": round(peak_rss_mb(), 1), "what": "model load + 1 receipt + 1 A4 300-dpi page"}))


def peak_rss_mb() -> float:
    """This process's peak resident memory: ``VmHWM`` of /proc/self/status where there is one. ``ru_maxrss``
    is only the fallback: Linux carries it over ``exec``, so a process started by a large parent (the
    benchmark, models loaded) reports at least the parent's size at the fork."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
