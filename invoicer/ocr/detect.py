"""Text-line detection on page images, by name from :data:`DETECTORS`.

* ``ppocr`` — the PP-OCRv4 text detector (a DB segmentation network) that ships as an ONNX file inside
  the ``rapidocr-onnxruntime`` package, run offline through onnxruntime. Chosen by measurement on
  SROIE validation receipts (``benchmarks/ocr/detect.py``; results in ``benchmarks/ocr/results/``).
* ``morphology`` — classical: adaptive threshold, ruling lines removed, characters joined by a
  horizontal closing scaled to the median character height, one box per connected run. Needs only
  OpenCV; the fallback when the ONNX model is not installed.

``auto`` (:func:`make_detector`) takes ``ppocr`` when its package is installed, else ``morphology``.
Boxes are axis-aligned, in pixels of the given image, in reading order (top to bottom, then left to
right within a row).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from invoicer.errors import ModelError, OcrError
from invoicer.registry import Registry

PixelBox = tuple[int, int, int, int]

DETECTORS: Registry[Any] = Registry("line detector")


@dataclass(frozen=True, slots=True)
class TextLineBox:
    """One detected text line: pixel box ``(x0, y0, x1, y1)`` and the detector's score in [0, 1]."""

    bbox: PixelBox
    score: float = 1.0

    @property
    def height(self) -> int:
        return self.bbox[3] - self.bbox[1]

    @property
    def width(self) -> int:
        return self.bbox[2] - self.bbox[0]


class LineDetector(Protocol):
    """Finds text lines in a page image."""

    name: str

    def detect(self, image: Image.Image) -> list[TextLineBox]: ...


def reading_order(boxes: Sequence[TextLineBox]) -> list[TextLineBox]:
    """Top-to-bottom rows (boxes whose vertical centres lie within half a line height), left to right."""
    rows: list[list[TextLineBox]] = []
    for box in sorted(boxes, key=lambda b: (b.bbox[1] + b.bbox[3]) / 2):
        centre = (box.bbox[1] + box.bbox[3]) / 2
        if rows:
            last = rows[-1]
            ref = sum((b.bbox[1] + b.bbox[3]) / 2 for b in last) / len(last)
            tol = 0.5 * min(box.height, min(b.height for b in last))
            if abs(centre - ref) <= tol:
                last.append(box)
                continue
        rows.append([box])
    return [b for row in rows for b in sorted(row, key=lambda b: b.bbox[0])]


def _gray_array(image: Image.Image) -> np.ndarray:
    if not isinstance(image, Image.Image):
        raise OcrError(f"expected a PIL page image, got {type(image).__name__}")
    if image.width < 8 or image.height < 8:
        raise OcrError(f"the page image is too small to hold text ({image.width}×{image.height} pixels)")
    gray = image if image.mode == "L" else image.convert("L")
    return np.asarray(gray, dtype=np.uint8)


def _cv2() -> Any:
    try:
        import cv2
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ModelError("text-line detection needs OpenCV", hint="pip install opencv-python-headless") from exc
    return cv2


@DETECTORS.register("morphology", "Classical: adaptive threshold + horizontal closing (OpenCV only)")
class MorphologyDetector:
    """Lines as connected runs of ink after joining neighbouring characters horizontally."""

    name = "morphology"

    def __init__(self, join: float = 0.9, min_height: int = 6, pad: int = 2) -> None:
        self.join = join  # closing width in median character heights
        self.min_height = min_height
        self.pad = pad

    def detect(self, image: Image.Image) -> list[TextLineBox]:
        cv2 = _cv2()
        gray = _gray_array(image)
        h, w = gray.shape
        block = max(15, (min(h, w) // 40) | 1)
        ink = cv2.adaptiveThreshold(
            cv2.GaussianBlur(gray, (3, 3), 0), 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
        )
        # remove ruling lines (tables, frames) so they do not fuse the text lines they touch
        long_h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, w // 12), 1)))
        long_v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(40, h // 12))))
        ink = cv2.subtract(ink, cv2.bitwise_or(long_h, long_v))
        n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        heights = stats[1:, cv2.CC_STAT_HEIGHT]
        areas = stats[1:, cv2.CC_STAT_AREA]
        usable = heights[(heights >= 5) & (heights <= h / 8) & (areas >= 12)]
        if n <= 1 or usable.size == 0:
            return []
        char_h = float(np.median(usable))
        # keep components that look like glyphs (drop speckle and huge blobs)
        n_ok = (stats[:, cv2.CC_STAT_AREA] >= 6) & (stats[:, cv2.CC_STAT_HEIGHT] <= 4 * char_h)
        n_ok[0] = False
        labels = cv2.connectedComponentsWithStats(ink, connectivity=8)[1]
        glyphs = np.where(n_ok[labels], 255, 0).astype(np.uint8)
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(self.join * char_h)), max(1, int(char_h * 0.2))))
        joined = cv2.morphologyEx(glyphs, cv2.MORPH_CLOSE, kernel)
        m, _, runs, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        boxes = []
        for k in range(1, m):
            x, y, bw, bh, area = (int(v) for v in runs[k])
            if bh < max(self.min_height, 0.45 * char_h) or bh > 3.5 * char_h or area < 0.8 * char_h:
                continue
            if bw < 0.6 * char_h:
                continue
            p = self.pad
            boxes.append(TextLineBox((max(0, x - p), max(0, y - p), min(w, x + bw + p), min(h, y + bh + p)), 1.0))
        return reading_order(boxes)


def ppocr_available() -> bool:
    """True when the PP-OCR detection ONNX model (``rapidocr-onnxruntime``) is installed."""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def ppocr_model_path(kind: str = "det") -> Path:
    """Path of the PP-OCRv4 ``det`` or ``rec`` ONNX model shipped inside ``rapidocr-onnxruntime``."""
    spec = importlib.util.find_spec("rapidocr_onnxruntime")
    if spec is None or spec.origin is None:
        raise ModelError("the PP-OCR models are not installed", hint="pip install rapidocr-onnxruntime")
    path = Path(spec.origin).parent / "models" / f"ch_PP-OCRv4_{kind}_infer.onnx"
    if not path.is_file():
        raise ModelError("the PP-OCR model file is missing from rapidocr-onnxruntime", path=str(path))
    return path


@DETECTORS.register("ppocr", "PP-OCRv4 DB text detector (ONNX from rapidocr-onnxruntime, offline)")
class PpOcrDetector:
    """The PP-OCRv4 detection network with RapidOCR's pre/post-processing; quads become axis-aligned boxes."""

    name = "ppocr"

    def __init__(
        self,
        max_side: int = 1600,
        min_side: int = 736,
        unclip_ratio: float = 1.6,
        box_thresh: float = 0.5,
        threads: int = -1,
    ) -> None:
        # large pages are first scaled so that their longer side is at most ``max_side`` pixels; then
        # RapidOCR's own rule scales the shorter side up to ``min_side`` when it is below that
        self.max_side = max_side
        self.options = {"limit_side_len": min_side, "unclip_ratio": unclip_ratio, "box_thresh": box_thresh}
        self.threads = threads
        self._detector: Any = None

    def setup(self) -> None:
        if self._detector is not None:
            return
        try:
            from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
        except ImportError as exc:
            raise ModelError(
                "the ppocr detector needs rapidocr-onnxruntime", hint="pip install rapidocr-onnxruntime"
            ) from exc
        config = {
            "model_path": str(ppocr_model_path("det")),
            "use_cuda": False,
            "use_dml": False,
            "intra_op_num_threads": self.threads,
            "inter_op_num_threads": -1,
            "limit_type": "min",
            "std": [0.5, 0.5, 0.5],
            "mean": [0.5, 0.5, 0.5],
            "thresh": 0.3,
            "max_candidates": 1000,
            "use_dilation": True,
            "score_mode": "fast",
            **self.options,
        }
        self._detector = TextDetector(config)

    def detect(self, image: Image.Image) -> list[TextLineBox]:
        self.setup()
        gray = _gray_array(image)
        h, w = gray.shape
        scale = min(1.0, self.max_side / max(h, w))
        small = gray
        if scale < 1.0:
            size = (max(8, round(w * scale)), max(8, round(h * scale)))
            small = np.asarray(Image.fromarray(gray).resize(size, Image.Resampling.BILINEAR))
        bgr = np.repeat(small[:, :, None], 3, axis=2)
        quads, _ = self._detector(bgr)
        if quads is None:
            return []
        boxes = []
        for quad in quads:
            xs, ys = quad[:, 0] / scale, quad[:, 1] / scale
            x0, y0 = max(0, int(np.floor(xs.min()))), max(0, int(np.floor(ys.min())))
            x1, y1 = min(w, int(np.ceil(xs.max()))), min(h, int(np.ceil(ys.max())))
            if x1 - x0 >= 3 and y1 - y0 >= 3:
                boxes.append(TextLineBox((x0, y0, x1, y1), 1.0))
        return reading_order(boxes)


def make_detector(name: str = "auto", **options: Any) -> LineDetector:
    """The detector called ``name`` (``auto``: ``ppocr`` when installed, else ``morphology``)."""
    if name == "auto":
        name = "ppocr" if ppocr_available() else "morphology"
    detector: LineDetector = DETECTORS.create(name, **options)
    return detector


def crop_lines(image: Image.Image, boxes: Sequence[TextLineBox]) -> list[Image.Image]:
    """Grayscale crops of ``boxes`` from ``image``."""
    gray = image if image.mode == "L" else image.convert("L")
    return [gray.crop(b.bbox) for b in boxes]


__all__ = [
    "DETECTORS",
    "LineDetector",
    "MorphologyDetector",
    "PixelBox",
    "PpOcrDetector",
    "TextLineBox",
    "crop_lines",
    "make_detector",
    "ppocr_available",
    "ppocr_model_path",
    "reading_order",
]
