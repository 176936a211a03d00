"""Synthetic engine speed on one core: documents per second per mode (prints JSON).

Usage: .venv/bin/python benchmarks/synth/speed.py [--n 200] [--seed 7] [--scan-n 40] [--lines-n 20]

Runs ``invoicer.synth.engine.generate`` in this one process (workers=1) into a temporary folder,
after a short warm-up (fonts and Faker locales load once per process), and reports wall-clock and
CPU-time rates for the default ``docs`` mode and for ``scan`` and ``lines``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from invoicer.synth.engine import SynthOptions, generate
from invoicer.synth.fonts import installed_font_report


def _run(mode: str, n: int, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        generate(Path(tmp) / "warm", 6, seed + 1000, SynthOptions(mode=mode))  # load fonts, Faker locales
        wall0, cpu0 = time.perf_counter(), time.process_time()
        summary = generate(Path(tmp) / "run", n, seed, SynthOptions(mode=mode))
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        size = sum(f.stat().st_size for f in (Path(tmp) / "run").rglob("*") if f.is_file())
    return {
        "mode": mode,
        "documents": n,
        "pages": summary.pages,
        "lines": summary.lines,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "docs_per_s_wall": round(n / wall, 2),
        "docs_per_s_cpu": round(n / cpu, 2),
        "lines_per_s_cpu": round(summary.lines / cpu, 1) if summary.lines else None,
        "mb_written": round(size / 1e6, 1),
        "by_kind": summary.by_kind,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="documents in docs mode")
    ap.add_argument("--scan-n", type=int, default=40, help="documents in scan mode")
    ap.add_argument("--lines-n", type=int, default=20, help="documents in lines mode")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    results = [_run("docs", args.n, args.seed)]
    if args.scan_n:
        results.append(_run("scan", args.scan_n, args.seed))
    if args.lines_n:
        results.append(_run("lines", args.lines_n, args.seed))
    print(json.dumps({
        "benchmark": "synth-speed",
        "machine": {"processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
                    "python": platform.python_version(), "load_avg_1m": round(os.getloadavg()[0], 2)},
        "fonts": installed_font_report(),
        "workers": 1,
        "seed": args.seed,
        "results": results,
    }, indent=2))


if __name__ == "__main__":
    main()
