"""Calibrated field confidences: the tagger's raw confidence → the probability that the value is right.

The tagger's raw confidence of a field is the mean softmax probability of its words' labels (or, for a
fallback field, the probability of its first word); it says how sure the model is of the *label*, not
how often the normalized *value* is right. :class:`Calibration` maps it, per field, to the observed
share of correct values on held-out data, so that ``validate.min_confidence`` and
``validate.field_min_confidence`` are thresholds on a probability of being correct.

Method (pure numpy, no scikit-learn at run time):

* samples are ``(field, raw confidence, correct)`` for every field value the pipeline produced on
  held-out documents (never the yardstick; the data is named in the file). ``correct`` follows
  :func:`invoicer.tagging.scoring.same_value` (normalized comparison, alternates accepted), and a value
  for a field the document does not print counts as wrong;
* per field, isotonic regression (pool-adjacent-violators): the monotone non-decreasing step function
  of raw confidence closest to the 0/1 outcomes in squared error. Each pooled block keeps its mean raw
  confidence, its size and its count of correct values;
* each block's accuracy is shrunk towards the field's overall accuracy by ``prior`` pseudo-observations
  (``(correct + prior · base) / (n + prior)``), so a small block is never mapped to exactly 0 or 1, then
  made monotone again (running maximum);
* between block centres the map is linear, outside them constant: a raw confidence maps to a
  probability in ``[0, 1]``, and a higher raw confidence never to a lower probability;
* fields with fewer than ``min_field_samples`` samples (or without both right and wrong values) use
  the map fitted on all fields pooled (``"*"``).

Stored as ``calibration.json`` next to the tagger's weights (:data:`CALIBRATION_FILE`); the LayoutLM
tagger applies it when the file is present (:meth:`Calibration.load` returns None otherwise) and
leaves confidences raw when it is not. :func:`reliability_table` and :func:`threshold_for` report and
use calibration quality (``benchmarks/validate/calibration.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from invoicer.document import Field
from invoicer.errors import ModelError

__all__ = [
    "BUCKETS",
    "CALIBRATION_FILE",
    "POOLED",
    "Calibration",
    "IsotonicMap",
    "Sample",
    "fit_calibration",
    "fit_isotonic",
    "reliability_table",
    "threshold_for",
]

CALIBRATION_FILE = "calibration.json"
FORMAT_VERSION = 1
POOLED = "*"
#: Confidence buckets of the reliability table: [low, high), the last one closed.
BUCKETS: tuple[tuple[float, float], ...] = (
    (0.0, 0.5),
    (0.5, 0.7),
    (0.7, 0.8),
    (0.8, 0.9),
    (0.9, 0.95),
    (0.95, 0.99),
    (0.99, 1.0),
)


@dataclass(frozen=True)
class Sample:
    """One field value the pipeline produced: its field, confidence and whether it was right."""

    field: str
    confidence: float
    correct: bool


@dataclass(frozen=True)
class IsotonicMap:
    """A monotone map from raw confidence to probability: knots ``xs`` (increasing) → ``ys`` (non-decreasing),
    linear between knots and constant outside. ``counts`` are the samples pooled into each knot."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    counts: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.xs or len(self.xs) != len(self.ys):
            raise ValueError("an isotonic map needs as many knots as values, at least one")
        if any(b < a for a, b in zip(self.xs, self.xs[1:], strict=False)) or any(
            b < a for a, b in zip(self.ys, self.ys[1:], strict=False)
        ):
            raise ValueError("an isotonic map's knots and values must be non-decreasing")
        if not all(0.0 <= y <= 1.0 for y in self.ys):
            raise ValueError("an isotonic map's values must be probabilities")

    @property
    def n(self) -> int:
        return int(sum(self.counts))

    def __call__(self, confidence: float) -> float:
        return float(np.interp(min(1.0, max(0.0, float(confidence))), self.xs, self.ys))

    def many(self, confidences: Sequence[float] | np.ndarray) -> np.ndarray:
        return np.interp(np.clip(np.asarray(confidences, dtype=float), 0.0, 1.0), self.xs, self.ys)

    def to_dict(self) -> dict[str, Any]:
        return {
            "x": [round(x, 6) for x in self.xs],
            "y": [round(y, 6) for y in self.ys],
            "n": list(self.counts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IsotonicMap:
        return cls(
            tuple(float(x) for x in data["x"]),
            tuple(float(y) for y in data["y"]),
            tuple(int(n) for n in data.get("n", ())),
        )


def fit_isotonic(
    confidences: Sequence[float] | np.ndarray, correct: Sequence[bool] | np.ndarray, *, prior: float = 2.0
) -> IsotonicMap:
    """Isotonic regression of ``correct`` on ``confidences`` (pool-adjacent-violators), block accuracies
    shrunk towards the overall accuracy by ``prior`` pseudo-observations (see the module docstring)."""
    x = np.asarray(confidences, dtype=float)
    y = np.asarray(correct, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or not len(x):
        raise ValueError("fit_isotonic needs equally long, non-empty sequences")
    order = np.argsort(x, kind="stable")
    x, y = np.clip(x[order], 0.0, 1.0), y[order]
    # ties first: equal confidences form one block
    uniq, start = np.unique(x, return_index=True)
    sizes = np.diff(np.append(start, len(x)))
    sums_x = uniq * sizes
    sums_y = np.add.reduceat(y, start)
    blocks: list[list[float]] = []  # [sum_x, sum_y, n]
    for sx, sy, n in zip(sums_x, sums_y, sizes, strict=True):
        blocks.append([float(sx), float(sy), float(n)])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            blocks[-1] = [blocks[-1][0] + last[0], blocks[-1][1] + last[1], blocks[-1][2] + last[2]]
    base = float(y.mean())
    xs = np.array([b[0] / b[2] for b in blocks])
    ys = np.array([(b[1] + prior * base) / (b[2] + prior) for b in blocks])
    ys = np.maximum.accumulate(ys)
    return IsotonicMap(tuple(float(v) for v in xs), tuple(float(v) for v in ys), tuple(int(b[2]) for b in blocks))


@dataclass(frozen=True, eq=False)
class Calibration:
    """Per-field maps from raw to calibrated confidence (``"*"``: all fields pooled, for the others)."""

    maps: Mapping[str, IsotonicMap]
    method: str = "isotonic"
    data: str = ""  # what it was fitted on
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if POOLED not in self.maps:
            raise ValueError(f"a calibration needs a pooled map ({POOLED!r})")

    def map_for(self, name: str) -> IsotonicMap:
        return self.maps.get(name) or self.maps[POOLED]

    def probability(self, name: str, confidence: float) -> float:
        """The calibrated probability that a value of field ``name`` with raw ``confidence`` is right."""
        return self.map_for(name)(confidence)

    def apply(self, fields: Iterable[Field]) -> tuple[Field, ...]:
        """``fields`` with calibrated confidences (fields set by a person are kept as they are)."""
        return tuple(
            f if f.source == "person" else replace(f, confidence=round(self.probability(f.name, f.confidence), 4))
            for f in fields
        )

    # -- storage ---------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "method": self.method,
            "data": self.data,
            "meta": dict(self.meta),
            "fields": {name: m.to_dict() for name, m in sorted(self.maps.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calibration:
        if data.get("format") != FORMAT_VERSION or data.get("method") != "isotonic":
            raise ValueError(f"unsupported calibration (format {data.get('format')!r}, method {data.get('method')!r})")
        maps = {str(name): IsotonicMap.from_dict(m) for name, m in dict(data["fields"]).items()}
        return cls(maps, "isotonic", str(data.get("data", "")), dict(data.get("meta") or {}))

    def save(self, model_dir: str | Path) -> Path:
        path = Path(model_dir) / CALIBRATION_FILE
        path.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False) + "\n", "utf-8")
        return path

    @classmethod
    def load(cls, model_dir: str | Path) -> Calibration | None:
        """The calibration stored in ``model_dir``; None when it has none. A broken file is a :class:`ModelError`."""
        path = Path(model_dir) / CALIBRATION_FILE
        if not path.is_file():
            return None
        try:
            return cls.from_dict(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"cannot read the confidence calibration ({exc})",
                path=str(path),
                hint="refit it with benchmarks/validate/calibration.py or delete the file (raw confidences are used)",
            ) from exc


def fit_calibration(
    samples: Iterable[Sample], *, min_field_samples: int = 40, prior: float = 2.0, data: str = ""
) -> Calibration:
    """Fit one map per field with enough samples (both right and wrong ones) and a pooled map for the rest."""
    rows = list(samples)
    if not rows:
        raise ValueError("no samples to fit a calibration on")
    by_field: dict[str, list[Sample]] = {}
    for s in rows:
        by_field.setdefault(s.field, []).append(s)
    maps = {POOLED: fit_isotonic([s.confidence for s in rows], [s.correct for s in rows], prior=prior)}
    for name, group in sorted(by_field.items()):
        outcomes = {s.correct for s in group}
        if len(group) >= min_field_samples and len(outcomes) == 2:
            maps[name] = fit_isotonic([s.confidence for s in group], [s.correct for s in group], prior=prior)
    meta = {
        "samples": len(rows),
        "samples_per_field": {k: len(v) for k, v in sorted(by_field.items())},
        "min_field_samples": min_field_samples,
        "prior": prior,
        "pooled_fields": sorted(k for k in by_field if k not in maps),
    }
    return Calibration(maps, "isotonic", data, meta)


def _bucket_of(p: float, buckets: Sequence[tuple[float, float]]) -> int:
    for i, (lo, hi) in enumerate(buckets):
        if lo <= p < hi or (i == len(buckets) - 1 and p == hi):
            return i
    return len(buckets) - 1 if p > buckets[-1][1] else 0


def reliability_table(samples: Iterable[Sample], buckets: Sequence[tuple[float, float]] = BUCKETS) -> dict[str, Any]:
    """Per confidence bucket: count, mean predicted confidence, observed accuracy (overall and per field),
    plus the expected calibration error (count-weighted mean |predicted - observed|) and Brier score."""
    rows = list(samples)

    def table(group: list[Sample]) -> dict[str, Any]:
        cells: list[dict[str, Any]] = []
        gap = 0.0  # sum over buckets of count * |mean predicted - observed accuracy|
        for i, (lo, hi) in enumerate(buckets):
            inside = [s for s in group if _bucket_of(s.confidence, buckets) == i]
            n = len(inside)
            predicted = sum(s.confidence for s in inside) / n if n else 0.0
            observed = sum(s.correct for s in inside) / n if n else 0.0
            gap += n * abs(predicted - observed)
            cells.append(
                {
                    "bucket": f"{lo:g}-{hi:g}",
                    "count": n,
                    "mean_predicted": round(predicted, 4) if n else None,
                    "observed_accuracy": round(observed, 4) if n else None,
                }
            )
        n_all = len(group)
        ece = gap / n_all if n_all else None
        brier = sum((s.confidence - s.correct) ** 2 for s in group) / n_all if n_all else None
        return {
            "count": n_all,
            "accuracy": round(sum(s.correct for s in group) / n_all, 4) if n_all else None,
            "ece": round(ece, 4) if ece is not None else None,
            "brier": round(brier, 4) if brier is not None else None,
            "buckets": cells,
        }

    by_field: dict[str, list[Sample]] = {}
    for s in rows:
        by_field.setdefault(s.field, []).append(s)
    return {"overall": table(rows), "fields": {name: table(g) for name, g in sorted(by_field.items())}}


def threshold_for(
    samples: Iterable[Sample], target: float = 0.98, *, min_count: int = 20
) -> tuple[float | None, int, float | None]:
    """The lowest confidence ``t`` at which the values with confidence ≥ ``t`` are right at least ``target``
    of the time, with at least ``min_count`` such values; returns ``(t, values kept, their accuracy)``, or
    ``(None, 0, None)`` when no threshold reaches the target."""
    rows = sorted(samples, key=lambda s: -s.confidence)
    best: tuple[float | None, int, float | None] = (None, 0, None)
    correct = 0
    for i, s in enumerate(rows, start=1):
        correct += s.correct
        if i < len(rows) and rows[i].confidence == s.confidence:
            continue  # a threshold keeps all values of equal confidence
        accuracy = correct / i
        if i >= min_count and accuracy >= target:
            best = (s.confidence, i, round(accuracy, 4))
    return best
