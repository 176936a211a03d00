"""How a text-line image becomes model input (shared by recognition and training).

A line is converted to grayscale, scaled to :data:`LINE_HEIGHT` pixels keeping its aspect ratio
(width rounded up to a multiple of :data:`WIDTH_STEP`, at most :data:`MAX_WIDTH`: longer lines are
squeezed horizontally), and stored as ``uint8``. A batch is padded on the right with white up to
its widest line only, replicated to three channels and normalized with the processor's mean/std.
The recognizer sorts lines by width before batching, so padding stays small.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from invoicer.errors import OcrError

if TYPE_CHECKING:  # pragma: no cover
    import torch

LINE_HEIGHT = 32
WIDTH_STEP = 8  # the encoder's patch width
MAX_WIDTH = 1024


def scaled_width(width: int, height: int) -> int:
    """Width of a ``width`` × ``height`` line after scaling to :data:`LINE_HEIGHT` (step-rounded, clamped)."""
    if width <= 0 or height <= 0:
        raise OcrError(f"a line image must not be empty (got {width}×{height} pixels)")
    w = round(width * LINE_HEIGHT / height)
    w = -(-w // WIDTH_STEP) * WIDTH_STEP
    return max(WIDTH_STEP * 2, min(MAX_WIDTH, w))


def line_to_array(image: Image.Image) -> np.ndarray:
    """Grayscale ``uint8`` array of shape (:data:`LINE_HEIGHT`, W) for one line image."""
    if not isinstance(image, Image.Image):
        raise OcrError(f"expected a PIL image of a text line, got {type(image).__name__}")
    gray = image if image.mode == "L" else image.convert("L")
    w = scaled_width(gray.width, gray.height)
    resized = gray.resize((w, LINE_HEIGHT), Image.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.uint8)


def batch_tensor(
    arrays: Sequence[np.ndarray], mean: float = 0.5, std: float = 0.5, width: int | None = None
) -> torch.Tensor:
    """Stack line arrays into a (B, 3, H, W) float tensor, right-padded with white to the widest (or ``width``)."""
    import torch

    if not arrays:
        raise OcrError("no line images to batch")
    widest = max(a.shape[1] for a in arrays) if width is None else width
    batch = np.full((len(arrays), LINE_HEIGHT, widest), 255, dtype=np.uint8)
    for i, a in enumerate(arrays):
        batch[i, :, : a.shape[1]] = a[:, :widest]
    pixels = (torch.from_numpy(batch).float() / 255.0 - mean) / std
    return pixels.unsqueeze(1).expand(-1, 3, -1, -1).contiguous()
