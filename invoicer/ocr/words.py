"""Words with boxes from a recognized line (the tagger needs one box per word).

Method: the recognized text is split on spaces. Each character gets a typical advance width (narrow
``i l . , : ; ' |``, wide ``M W m w @ %``, capitals and digits wider than lower case, a space about a
third of an em); the line box is divided in proportion, which puts every space at an estimated x.
When the line image is given, its blank columns (gaps in the ink at least a fifth of the line height
wide) are found, and each estimated space moves to the centre of the nearest gap within two average
character widths, so word boundaries follow the printed gaps. Finally each word box is trimmed to
the ink inside it. Word boxes keep the line's full height.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from PIL import Image

from invoicer.document import Line, Word

_NARROW = set("iljI.,:;'|!`()[]{}ft1")
_WIDE = set("MWmw@%&")


def char_width(ch: str) -> float:
    """Typical advance width of ``ch`` in ems (a rough average over common print fonts)."""
    if ch == " ":
        return 0.33
    if ch in _NARROW:
        return 0.32
    if ch in _WIDE:
        return 0.85
    if ch.isupper() or ch.isdigit():
        return 0.64
    return 0.52


def blank_gaps(image: Image.Image, min_gap: float = 0.2) -> list[tuple[int, int]]:
    """Runs ``(start, end)`` of ink-free columns at least ``min_gap`` × height wide (x in image pixels)."""
    gray = np.asarray(image if image.mode == "L" else image.convert("L"), dtype=np.float32)
    if gray.size == 0:
        return []
    lo, hi = np.percentile(gray, 5), np.percentile(gray, 95)
    if hi - lo < 30:  # no contrast: no ink to find
        return []
    ink = gray < (lo + hi) / 2
    cols = ink.sum(axis=0) <= max(0, int(0.02 * gray.shape[0]))
    gaps: list[tuple[int, int]] = []
    start = None
    for x, blank in enumerate([*cols.tolist(), False]):
        if blank and start is None:
            start = x
        elif not blank and start is not None:
            if x - start >= max(2, min_gap * gray.shape[0]):
                gaps.append((start, x))
            start = None
    return gaps


def _ink_extent(image: Image.Image | None, x0: float, x1: float) -> tuple[float, float]:
    if image is None:
        return x0, x1
    gray = np.asarray(image if image.mode == "L" else image.convert("L"), dtype=np.float32)
    a, b = max(0, int(x0)), min(gray.shape[1], int(np.ceil(x1)))
    if b - a < 2:
        return x0, x1
    lo, hi = np.percentile(gray, 5), np.percentile(gray, 95)
    if hi - lo < 30:
        return x0, x1
    cols = np.where((gray[:, a:b] < (lo + hi) / 2).any(axis=0))[0]
    if cols.size == 0:
        return x0, x1
    return float(a + cols[0]), float(a + cols[-1] + 1)


def words_in_line(
    text: str,
    bbox: tuple[float, float, float, float],
    image: Image.Image | None = None,
    confidence: float = 1.0,
) -> tuple[Word, ...]:
    """Words of ``text`` with pixel boxes inside the line box ``bbox`` (``image`` = the line crop, optional)."""
    x0, y0, x1, y1 = bbox
    if not text.strip() or x1 <= x0:
        return ()
    widths = [char_width(c) for c in text]
    total = sum(widths)
    scale = (x1 - x0) / total
    edges = np.concatenate([[0.0], np.cumsum(widths)]) * scale  # x offset of each character's left edge
    gaps = blank_gaps(image) if image is not None else []
    local_scale = image.width / (x1 - x0) if image is not None and image.width else 1.0
    words: list[Word] = []
    pos = 0
    spans: list[tuple[int, int]] = []
    for part in text.split(" "):
        if part:
            spans.append((pos, pos + len(part)))
        pos += len(part) + 1
    avg = (x1 - x0) / max(1, len(text))
    cuts: list[float] = []  # x (line-relative) of the boundary after each word but the last
    for (_, end), (start, _) in itertools.pairwise(spans):
        guess = (edges[end] + edges[start]) / 2
        if gaps:
            centres = [((a + b) / 2) / local_scale for a, b in gaps]
            nearest = min(centres, key=lambda c: abs(c - guess))
            if abs(nearest - guess) <= 2 * avg:
                guess = nearest
        cuts.append(float(guess))
    bounds = [0.0, *cuts, x1 - x0]
    for k, (start, end) in enumerate(spans):
        left, right = bounds[k], bounds[k + 1]
        if right <= left:  # snapped cuts crossed: fall back to the character estimate
            left, right = float(edges[start]), float(edges[end])
        ink_l, ink_r = _ink_extent(image, left * local_scale, right * local_scale)
        wl, wr = x0 + ink_l / local_scale, x0 + ink_r / local_scale
        words.append(Word(text[start:end], (wl, y0, max(wr, wl + 1.0), y1), confidence))
    return tuple(words)


def lines_from_recognition(
    boxes: Sequence[tuple[float, float, float, float]],
    texts: Sequence[str],
    confidences: Sequence[float],
    crops: Sequence[Image.Image | None] | None = None,
) -> tuple[Line, ...]:
    """Document lines (pixel boxes) from detected boxes and their recognized texts; empty lines are dropped."""
    lines = []
    for i, (box, text, conf) in enumerate(zip(boxes, texts, confidences, strict=True)):
        words = words_in_line(text, box, crops[i] if crops is not None else None, conf)
        if words:
            lines.append(Line(words, conf))
    return tuple(lines)


__all__ = ["blank_gaps", "char_width", "lines_from_recognition", "words_in_line"]
