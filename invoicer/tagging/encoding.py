"""Words and boxes → LayoutLM inputs: sub-word tokens, 0-1000 boxes, overlapping 512-token windows.

One page is one token sequence: its words in reading order (the page's lines, as ingest or OCR gave
them), each word split into word pieces that all carry the word's box. Boxes are scaled to 0-1000 of
the page's width and height (LayoutLM's convention). Pages are never concatenated: the 2-D position
embeddings describe one page, so a multi-page document is tagged page by page and the decoder joins
the pages (line items continue across them).

A page longer than one window (``max_length`` tokens including ``[CLS]`` and ``[SEP]``) is covered
by windows that overlap by ``overlap`` tokens; each token's prediction is taken from the window in
which it lies most centrally (:func:`center_window_of_tokens`). A word's label is its first word
piece's; the other pieces are ignored in training (label ``-100``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from invoicer.document import BBox
from invoicer.errors import TaggingError

__all__ = [
    "IGNORE_INDEX",
    "EncodedPage",
    "Window",
    "center_window_of_tokens",
    "encode_page",
    "normalize_box",
    "window_spans",
    "windows_of_page",
]

IGNORE_INDEX = -100
MAX_PIECES_PER_WORD = 16
CLS_BOX = (0, 0, 0, 0)
SEP_BOX = (1000, 1000, 1000, 1000)
PAD_BOX = (0, 0, 0, 0)

Box = tuple[int, int, int, int]


def normalize_box(bbox: BBox, width: float, height: float) -> Box:
    """A box in points → integers in 0..1000 of the page size (x0 ≤ x1, y0 ≤ y1)."""
    if width <= 0 or height <= 0:
        raise TaggingError(f"page size must be positive, got {width} x {height}")

    def scale(v: float, size: float) -> int:
        return max(0, min(1000, round(1000.0 * v / size)))

    x0, y0, x1, y1 = bbox
    a, b = scale(min(x0, x1), width), scale(max(x0, x1), width)
    c, d = scale(min(y0, y1), height), scale(max(y0, y1), height)
    return (a, c, b, d)


@dataclass(frozen=True)
class EncodedPage:
    """One page as word pieces: ids, 0-1000 boxes, and for each piece its word and whether it is the first."""

    input_ids: tuple[int, ...]
    boxes: tuple[Box, ...]
    token_word: tuple[int, ...]  # word index per piece
    first_piece: tuple[bool, ...]
    n_words: int

    def __len__(self) -> int:
        return len(self.input_ids)


def encode_page(
    tokenizer: Any,
    words: Sequence[str],
    boxes: Sequence[Box],
    max_pieces_per_word: int = MAX_PIECES_PER_WORD,
) -> EncodedPage:
    """Word pieces of one page. ``tokenizer`` is a fast (BERT) tokenizer; a word that yields no piece
    (e.g. only control characters) becomes ``[UNK]`` so every word gets a prediction."""
    if len(words) != len(boxes):
        raise TaggingError(f"{len(words)} words but {len(boxes)} boxes")
    ids: list[int] = []
    tboxes: list[Box] = []
    token_word: list[int] = []
    first: list[bool] = []
    if words:
        encodings = tokenizer(list(words), add_special_tokens=False)["input_ids"]
        unk = int(tokenizer.unk_token_id)
        for wi, (pieces, box) in enumerate(zip(encodings, boxes, strict=True)):
            pieces = list(pieces[:max_pieces_per_word]) or [unk]
            for k, piece in enumerate(pieces):
                ids.append(int(piece))
                tboxes.append(box)
                token_word.append(wi)
                first.append(k == 0)
    return EncodedPage(tuple(ids), tuple(tboxes), tuple(token_word), tuple(first), len(words))


def window_spans(n_tokens: int, max_content: int, overlap: int) -> list[tuple[int, int]]:
    """``[start, end)`` token ranges of at most ``max_content`` tokens covering ``n_tokens``, consecutive
    windows overlapping by ``overlap`` tokens (the last window is aligned to the end)."""
    if max_content <= 0:
        raise TaggingError(f"windows need room for tokens, got max_content={max_content}")
    if not 0 <= overlap < max_content:
        raise TaggingError(f"overlap must be in [0, {max_content}), got {overlap}")
    if n_tokens <= max_content:
        return [(0, n_tokens)]
    step = max_content - overlap
    spans = []
    start = 0
    while True:
        end = start + max_content
        if end >= n_tokens:
            spans.append((max(0, n_tokens - max_content), n_tokens))
            break
        spans.append((start, end))
        start += step
    return spans


def center_window_of_tokens(spans: Sequence[tuple[int, int]], n_tokens: int) -> list[int]:
    """For every token, the index of the window in which it is most central (ties: the earlier window)."""
    out: list[int] = []
    for t in range(n_tokens):
        best, best_margin = -1, -1.0
        for k, (s, e) in enumerate(spans):
            if s <= t < e:
                margin = min(t - s, e - 1 - t)
                if margin > best_margin:
                    best, best_margin = k, margin
        if best < 0:
            raise TaggingError(f"token {t} is in no window")
        out.append(best)
    return out


@dataclass(frozen=True)
class Window:
    """Model input for one window of a page: ``[CLS] pieces [SEP]`` with boxes; ``start`` is the offset of
    its first piece in the page's piece sequence."""

    page_index: int
    start: int
    input_ids: tuple[int, ...]
    boxes: tuple[Box, ...]

    def __len__(self) -> int:
        return len(self.input_ids)


def windows_of_page(
    page: EncodedPage, page_index: int, cls_id: int, sep_id: int, max_length: int = 512, overlap: int = 128
) -> list[Window]:
    """The windows covering ``page`` (each at most ``max_length`` tokens with ``[CLS]``/``[SEP]``)."""
    spans = window_spans(len(page), max_length - 2, min(overlap, max_length - 3))
    out = []
    for s, e in spans:
        out.append(
            Window(
                page_index,
                s,
                (cls_id, *page.input_ids[s:e], sep_id),
                (CLS_BOX, *page.boxes[s:e], SEP_BOX),
            )
        )
    return out
