"""Shared helpers for the OCR benchmarks: machine description, box matching, CER."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Sequence


def machine() -> dict[str, object]:
    """Where the benchmark ran, and how busy the machine was (load average at start)."""
    try:
        load = os.getloadavg()
    except OSError:  # pragma: no cover
        load = (-1.0, -1.0, -1.0)
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:  # pragma: no cover
        pass
    return {
        "processor": platform.processor() or platform.machine(),
        "cpu_model": model,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_1_5_15": [round(x, 2) for x in load],
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


Box = tuple[float, float, float, float]


def iou(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match_boxes(truth: Sequence[Box], found: Sequence[Box], threshold: float = 0.5) -> int:
    """Number of one-to-one matches at IoU >= threshold (greedy by IoU)."""
    pairs = sorted(
        ((iou(t, f), i, j) for i, t in enumerate(truth) for j, f in enumerate(found)), reverse=True
    )
    used_t: set[int] = set()
    used_f: set[int] = set()
    n = 0
    for score, i, j in pairs:
        if score < threshold:
            break
        if i in used_t or j in used_f:
            continue
        used_t.add(i)
        used_f.add(j)
        n += 1
    return n
