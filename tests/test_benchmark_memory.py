"""Regression: the OCR benchmark's peak memory is the OCR process's own, not its parent's.

Linux carries ``ru_maxrss`` over ``exec``, so the memory process started by the benchmark (models
already loaded, ~1.5 GB) reported 1.6 GB although it peaked at under 1 GB (session 4).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_child_peak_memory_does_not_include_the_parents() -> None:
    from benchmarks.ocr.memory import peak_rss_mb

    ballast = bytearray(400 * 2**20)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1  # make the pages resident
    assert peak_rss_mb() >= 400
    code = "from benchmarks.ocr.memory import peak_rss_mb; print(peak_rss_mb())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert float(out.stdout.strip()) < 200  # a bare interpreter, not the 400 MB parent
    del ballast
