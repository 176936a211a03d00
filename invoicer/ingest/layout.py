"""Group positioned words into lines (shared by the text-layer reader and OCR engines)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from invoicer.document import Line, Page, Word


def group_lines(words: Iterable[Word], *, gap_factor: float = 2.5) -> tuple[Line, ...]:
    """Group words into lines in reading order (top to bottom, left to right).

    Words join a line when their vertical extents overlap by more than half of the smaller height.
    A line is split where the horizontal gap between neighbours exceeds ``gap_factor`` times the line
    height, so table columns and left/right blocks become separate lines, like a line detector's.
    """
    items = sorted((w for w in words if w.text.strip()), key=lambda w: (w.bbox[1], w.bbox[0]))
    rows: list[list[Word]] = []
    row_boxes: list[list[float]] = []  # y0, y1 per row
    for w in items:
        y0, y1 = w.bbox[1], w.bbox[3]
        h = max(y1 - y0, 1e-6)
        placed = False
        # look at the last few rows only: words arrive sorted by top
        for idx in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            ry0, ry1 = row_boxes[idx]
            overlap = min(y1, ry1) - max(y0, ry0)
            if overlap > 0.5 * min(h, ry1 - ry0):
                rows[idx].append(w)
                row_boxes[idx] = [min(ry0, y0), max(ry1, y1)]
                placed = True
                break
        if not placed:
            rows.append([w])
            row_boxes.append([y0, y1])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda w: w.bbox[0])
        height = max(w.bbox[3] - w.bbox[1] for w in row)
        current: list[Word] = [row[0]]
        for prev, w in itertools.pairwise(row):
            if w.bbox[0] - prev.bbox[2] > gap_factor * height:
                lines.append(_line(current))
                current = []
            current.append(w)
        lines.append(_line(current))
    return tuple(lines)


def _line(words: list[Word]) -> Line:
    conf = min(w.confidence for w in words) if words else 1.0
    return Line(tuple(words), conf)


def to_layoutparser(page: Page, level: str = "word") -> Any:
    """The page's words (``level="word"``) or lines (``"line"``) as a ``layoutparser.Layout`` of
    TextBlocks in points, for layoutparser's geometry helpers (``filter_by``, ``is_in``, ``pad``,
    ``to_dataframe``). Needs the optional ``layout`` extra."""
    try:
        import layoutparser as lp
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("layoutparser is not installed: pip install 'invoicer[layout]'") from exc
    if level == "word":
        items = [(w.text, w.bbox, w.confidence) for w in page.words]
    elif level == "line":
        items = [(line.text, line.bbox, line.confidence) for line in page.lines if line.words]
    else:
        raise ValueError(f"level must be 'word' or 'line', got {level!r}")
    return lp.Layout(
        [
            lp.TextBlock(lp.Rectangle(*bbox), text=text, id=i, type=level, score=conf)
            for i, (text, bbox, conf) in enumerate(items)
        ]
    )
