"""Line recognition with a TrOCR-style ``VisionEncoderDecoderModel`` (transformers) and its ``TrOCRProcessor``.

:func:`load_recognizer` is the one loader: it takes a local directory (loaded with
``local_files_only``) or a hub id (``microsoft/trocr-base-printed`` works for a user who has it in
the hub cache), or None for invoicer's own model in ``invoicer/models/ocr/``. Loaded models are
cached per process, so every caller shares one copy.

Decoding is batched greedy search over lines sorted by width (see :mod:`invoicer.ocr.lineimage`
for the input format of invoicer's own models; other models get their processor's own resizing).
A line's confidence is the geometric mean of the probabilities of the tokens it chose, end-of-text
token included (``exp(mean log p)``): one unsure character pulls it down, a long sure line stays high.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL.Image import Image

from invoicer.document import Line
from invoicer.errors import ModelError, OcrError
from invoicer.ocr.lineimage import LINE_HEIGHT, WIDTH_STEP, batch_tensor, line_to_array

if TYPE_CHECKING:  # pragma: no cover
    import torch

log = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "ocr"
#: Marker in a model's config telling that it reads 32-pixel-high, aspect-preserving line images.
INVOICER_LINE_FORMAT = "invoicer-line-h32"


def default_model_installed(path: Path = DEFAULT_MODEL_DIR) -> bool:
    """True when invoicer's own OCR model (weights, config, processor) is present in ``path``."""
    return (path / "config.json").is_file() and any(path.glob("*.safetensors")) and (
        path / "processor_config.json"
    ).is_file()


#: Written next to the bundled weights by ``benchmarks/ocr --record``: the model's held-out figures
#: against Tesseract and PP-OCR on the same crops, and whether it beat both.
BENCHMARK_RECORD = "benchmark.json"


def default_model_preferred(path: Path = DEFAULT_MODEL_DIR) -> bool:
    """True when the bundled model is installed and its benchmark record says it beat both baselines.

    ``ocr.engine = "auto"`` takes ``trocr`` only then; a bundled model that has not (yet) beaten
    Tesseract stays available by name (``trocr``) and as the starting point of ``train ocr --init``.
    """
    import json

    record = path / BENCHMARK_RECORD
    if not default_model_installed(path) or not record.is_file():
        return False
    try:
        return bool(json.loads(record.read_text("utf-8")).get("beats_baselines"))
    except (OSError, ValueError, AttributeError):
        return False


def torch_threads() -> int:
    """Threads for torch: the CPUs this process may use (never more than 8)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(8, cpus))


@dataclass(frozen=True, slots=True)
class RecognizedLine:
    """Text read from one line image, with a confidence in [0, 1]."""

    text: str
    confidence: float


@dataclass(frozen=True)
class LineBatching:
    """How invoicer's line models batch line images (sorted by width, each batch padded white to its widest).

    A batch's widest line is at most ``spread`` × its narrowest + ``slack`` pixels. The model was trained on
    batches of nearly equal widths; a line padded with much white can be read past its end ("SECTION 17," →
    "SECTION 17, 17, Z"), but tighter batches cost time and other readings (benchmarks/ocr/README.md).
    ``right_margin``: white pixels added after each line's ink (rounded up to the encoder's patch width), like
    the margins training crops carry.
    """

    spread: float = 2.0
    slack: int = 64
    right_margin: int = 0

    def __post_init__(self) -> None:
        if self.spread < 1.0 or self.slack < 0 or self.right_margin < 0:
            raise OcrError(f"invalid line batching {self}: spread must be >= 1, slack and right_margin >= 0")

    @classmethod
    def parse(cls, text: str) -> LineBatching:
        """``"SPREAD,SLACK,MARGIN"`` (e.g. ``"1.15,16,8"``) as settings (benchmark command lines)."""
        try:
            spread, slack, margin = text.split(",")
            return cls(float(spread), int(slack), int(margin))
        except ValueError as exc:
            raise OcrError(f"line batching must be SPREAD,SLACK,MARGIN (e.g. 1.15,16,8), got {text!r}") from exc

    @property
    def tag(self) -> str:
        """Short text naming these settings (part of OCR cache keys: two batchings read lines differently)."""
        return f"s{self.spread:g}k{self.slack}m{self.right_margin}"


DEFAULT_BATCHING = LineBatching()


class TrOcrRecognizer:
    """Reads line images with a loaded model and processor (batched greedy decoding)."""

    def __init__(self, model: Any, processor: Any, *, device: str = "cpu", max_new_tokens: int = 128) -> None:
        self.model = model.eval()
        self.processor = processor
        self.device = device
        config = model.config
        positions = getattr(getattr(config, "decoder", None), "max_position_embeddings", None)
        self.max_new_tokens = min(max_new_tokens, positions - 2) if positions else max_new_tokens
        self.tokenizer = processor.tokenizer
        self.line_format = getattr(config, "invoicer_line_format", None) == INVOICER_LINE_FORMAT
        image_processor = processor.image_processor
        self.mean = float(_first(getattr(image_processor, "image_mean", 0.5)))
        self.std = float(_first(getattr(image_processor, "image_std", 0.5)))
        self.dtype = next(model.parameters()).dtype
        #: decode with :meth:`_greedy` (the decoder and its cache, no ``generate()``): same tokens, less overhead
        self.fast_greedy = True
        self._lock = threading.Lock()

    def recognize(
        self, images: Sequence[Image], batch_size: int = 64, batching: LineBatching = DEFAULT_BATCHING
    ) -> list[RecognizedLine]:
        """Text and confidence for each line image, in the given order."""
        if batch_size < 1:
            raise OcrError(f"batch_size must be at least 1, got {batch_size}")
        if not images:
            return []
        import torch

        if self.line_format:
            arrays = [with_right_margin(line_to_array(im), batching.right_margin) for im in images]
            order = sorted(range(len(arrays)), key=lambda i: arrays[i].shape[1])
        else:
            arrays = []
            order = list(range(len(images)))
        results: list[RecognizedLine | None] = [None] * len(images)
        if self.line_format:
            widths = [arrays[i].shape[1] for i in order]
            chunks = width_groups(widths, batch_size, spread=batching.spread, slack=batching.slack)
        else:
            chunks = [(s, min(len(order), s + batch_size)) for s in range(0, len(order), batch_size)]
        with self._lock, torch.inference_mode():
            for start, stop in chunks:
                chunk = order[start:stop]
                if self.line_format:
                    pixels = batch_tensor([arrays[i] for i in chunk], self.mean, self.std)
                    budget = min(self.max_new_tokens, pixels.shape[-1] // 5 + 6)
                else:
                    rgb = [images[i].convert("RGB") for i in chunk]
                    pixels = self.processor(images=rgb, return_tensors="pt").pixel_values
                    budget = self.max_new_tokens
                for i, line in zip(chunk, self._decode(pixels, budget), strict=True):
                    results[i] = line
        return [r for r in results if r is not None]

    def _decode(self, pixels: torch.Tensor, max_new_tokens: int) -> list[RecognizedLine]:
        if self.fast_greedy:
            try:
                return self._greedy(pixels, max_new_tokens)
            except (TypeError, AttributeError) as exc:  # a decoder with another interface: use generate()
                log.info("fast greedy decoding unavailable (%s); using generate()", exc)
                self.fast_greedy = False
        return self._generate(pixels, max_new_tokens)

    def _greedy(self, pixels: torch.Tensor, max_new_tokens: int) -> list[RecognizedLine]:
        """Greedy decoding with the decoder's cache, without ``generate()``'s per-step machinery (same result)."""
        import torch

        model = self.model
        encoded = model.encoder(pixel_values=pixels.to(self.device, self.dtype)).last_hidden_state
        if model.encoder.config.hidden_size != model.decoder.config.hidden_size and (
            getattr(model.decoder.config, "cross_attention_hidden_size", None) is None
        ):
            encoded = model.enc_to_dec_proj(encoded)
        gen = model.generation_config
        eos = gen.eos_token_id if isinstance(gen.eos_token_id, list) else [gen.eos_token_id]
        eos_ids = torch.tensor(eos, device=encoded.device)
        batch = encoded.shape[0]
        token = torch.full((batch, 1), gen.decoder_start_token_id, dtype=torch.long, device=encoded.device)
        done = torch.zeros(batch, dtype=torch.bool, device=encoded.device)
        steps: list[torch.Tensor] = []
        logps: list[torch.Tensor] = []
        cache = None
        for _ in range(max_new_tokens):
            out = model.decoder(input_ids=token, encoder_hidden_states=encoded, cache=cache, use_cache=True)
            cache = out.cache
            logp = torch.log_softmax(out.logits[:, -1].float(), dim=-1)
            best = logp.argmax(dim=-1)
            best = torch.where(done, torch.full_like(best, gen.pad_token_id), best)
            steps.append(best)
            logps.append(logp.gather(1, best.unsqueeze(1)).squeeze(1))
            done = done | torch.isin(best, eos_ids)
            if bool(done.all()):
                break
            token = best.unsqueeze(1)
        sequences = torch.stack(steps, dim=1)
        return self._lines(sequences, torch.stack(logps, dim=1), set(eos), gen.pad_token_id)

    def _generate(self, pixels: torch.Tensor, max_new_tokens: int) -> list[RecognizedLine]:
        import torch

        out = self.model.generate(
            pixel_values=pixels.to(self.device, self.dtype),
            max_new_tokens=max_new_tokens,
            do_sample=False,
            num_beams=1,
            output_scores=True,
            return_dict_in_generate=True,
        )
        sequences = out.sequences[:, 1:]  # drop the decoder start token
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos])
        pad = self.model.generation_config.pad_token_id
        logprobs = torch.stack([torch.log_softmax(s.float(), dim=-1) for s in out.scores], dim=1)
        chosen = logprobs.gather(2, sequences[:, : logprobs.shape[1]].unsqueeze(-1)).squeeze(-1)
        return self._lines(sequences, chosen, eos_ids, pad)

    def _lines(
        self, sequences: torch.Tensor, chosen: torch.Tensor, eos_ids: set[int], pad: int | None
    ) -> list[RecognizedLine]:
        """Texts (up to and without the end token) and confidences exp(mean log p), end token included."""
        lines: list[RecognizedLine] = []
        for row, lp in zip(sequences.tolist(), chosen, strict=True):
            n = len(row)
            for k, tok in enumerate(row):
                if tok in eos_ids:
                    n = k + 1
                    break
            ids = [t for t in row[:n] if t not in eos_ids and t != pad]
            text = self.tokenizer.decode(ids, skip_special_tokens=True)
            mean_lp = float(lp[:n].mean()) if n else -math.inf
            lines.append(RecognizedLine(text.strip(), math.exp(mean_lp) if n else 0.0))
        return lines


def width_groups(
    widths: Sequence[int],
    batch_size: int,
    spread: float = DEFAULT_BATCHING.spread,
    slack: int = DEFAULT_BATCHING.slack,
) -> list[tuple[int, int]]:
    """Split ascending ``widths`` into batches (start, stop) of at most ``batch_size`` lines whose widest line is at
    most ``spread`` × the narrowest + ``slack`` pixels: a batch is padded to its widest line and decodes until
    its longest text ends, so mixing short and long lines wastes both encoder columns and decoding steps."""
    groups: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(widths) + 1):
        if k == len(widths) or k - start >= batch_size or widths[k] > spread * widths[start] + slack:
            groups.append((start, k))
            start = k
    return groups


def with_right_margin(array: np.ndarray, margin: int) -> np.ndarray:
    """``array`` (a line, white = 255) with at least ``margin`` white columns appended, width kept a multiple of
    the patch width."""
    if margin <= 0:
        return array
    width = array.shape[1] + margin
    width = -(-width // WIDTH_STEP) * WIDTH_STEP
    out = np.full((array.shape[0], width), 255, dtype=array.dtype)
    out[:, : array.shape[1]] = array
    return out


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, (list, tuple)) else value


def resolve_model(model: str | Path | None) -> tuple[str, bool]:
    """``(name_or_path, is_local)`` for a model argument (None → invoicer's own model)."""
    if model is None:
        if not default_model_installed():
            raise ModelError(
                f"invoicer's OCR model is not installed in {DEFAULT_MODEL_DIR}",
                hint="train one with `invoicer train ocr` and copy its export there, or pass a model directory",
            )
        return str(DEFAULT_MODEL_DIR), True
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelError("not a model directory (no config.json)", path=str(path))
        return str(path.resolve()), True
    text = str(model)
    if path.exists() or text.startswith((".", "/", "~")) or text.count("/") > 1:
        raise ModelError("no such model directory", path=text, hint="pass a directory holding config.json or a hub id")
    return text, False


def pick_device(device: str = "auto") -> str:
    """``auto`` → ``cuda`` when a GPU is present, else ``cpu``."""
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device not in ("cpu", "cuda") and not device.startswith("cuda:"):
        raise ModelError(f"unknown device {device!r}; valid: auto, cpu, cuda, cuda:N")
    return device


def load_recognizer(model: str | Path | None = None, *, device: str = "auto") -> TrOcrRecognizer:
    """The recognizer for ``model`` (local dir, hub id, or None for invoicer's own), loaded once per process."""
    name, local = resolve_model(model)
    return _load_cached(name, local, pick_device(device))


@functools.lru_cache(maxsize=4)
def _load_cached(name: str, local: bool, device: str) -> TrOcrRecognizer:
    import torch
    from transformers import TrOCRProcessor, VisionEncoderDecoderModel

    from invoicer.ocr import line_encoder

    line_encoder.register()  # invoicer's conv-stem encoder, for checkpoints that use it
    if device == "cpu":
        torch.set_num_threads(torch_threads())
    dtype = torch.float16 if device.startswith("cuda") else torch.float32
    try:
        processor = TrOCRProcessor.from_pretrained(name, local_files_only=local)
        model = VisionEncoderDecoderModel.from_pretrained(name, local_files_only=local, dtype=dtype)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"cannot load the OCR model ({exc})", path=name) from exc
    model.to(device)  # type: ignore[arg-type]
    log.info("loaded OCR model %s on %s (%s)", name, device, dtype)
    return TrOcrRecognizer(model, processor, device=device)


def clear_cache() -> None:
    """Forget loaded models (tests; frees memory)."""
    _load_cached.cache_clear()


class TrOcrEngine:
    """OCR engine ``trocr``: text-line detection, then batched line recognition, then words with boxes.

    ``model``: a local model directory or hub id (None: invoicer's own model); ``detector``: a name from
    :data:`invoicer.ocr.detect.DETECTORS` or ``auto``. Boxes it returns are pixels of each page image.
    """

    name = "trocr"

    def __init__(
        self,
        model: str | Path | None = None,
        detector: str = "auto",
        device: str = "auto",
        batch_size: int = 64,
        min_confidence: float = 0.0,
        batching: LineBatching = DEFAULT_BATCHING,
    ) -> None:
        from invoicer.ocr.detect import make_detector

        self.model = model
        self.batching = batching
        self.device = device
        self.batch_size = batch_size
        self.min_confidence = min_confidence
        self.detector = make_detector(detector)
        self._recognizer: TrOcrRecognizer | None = None
        self._cache_key: str | None = None

    @property
    def cache_key(self) -> str:
        """``trocr-<8 hex of the weights' sha256>-<detector>[-<batching>]`` (OCR caches must not mix two models'
        readings, nor two batchings'; the default batching adds nothing, so existing caches stay valid)."""
        if self._cache_key is None:
            from invoicer.ingest import sha256_of

            name, local = resolve_model(self.model)
            weights = Path(name) / "model.safetensors"
            tag = sha256_of(weights.read_bytes() if local and weights.is_file() else str(name).encode())[:8]
            self._cache_key = f"trocr-{tag}-{getattr(self.detector, 'name', 'detector')}"
            if self.batching != DEFAULT_BATCHING:
                self._cache_key += f"-{self.batching.tag}"
        return self._cache_key

    def setup(self) -> None:
        if self._recognizer is None:
            self._recognizer = load_recognizer(self.model, device=self.device)
        setup = getattr(self.detector, "setup", None)
        if callable(setup):
            setup()

    def read_pages(self, images: Sequence[Image]) -> list[tuple[Line, ...]]:
        from invoicer.ocr.detect import crop_lines
        from invoicer.ocr.words import lines_from_recognition

        self.setup()
        assert self._recognizer is not None
        per_page = []
        all_crops: list[Image] = []
        for image in images:
            boxes = self.detector.detect(image)
            crops = crop_lines(image, boxes)
            per_page.append((boxes, crops))
            all_crops.extend(crops)
        read = self._recognizer.recognize(all_crops, batch_size=self.batch_size, batching=self.batching)
        out: list[tuple[Line, ...]] = []
        k = 0
        for boxes, crops in per_page:
            texts = read[k : k + len(crops)]
            k += len(crops)
            keep = [i for i, r in enumerate(texts) if r.text and r.confidence >= self.min_confidence]
            out.append(
                lines_from_recognition(
                    [boxes[i].bbox for i in keep],
                    [texts[i].text for i in keep],
                    [texts[i].confidence for i in keep],
                    [crops[i] for i in keep],
                )
            )
        return out


def register_engine() -> None:
    """Register :class:`TrOcrEngine` as OCR engine ``trocr`` (``auto`` then prefers it)."""
    from invoicer.ocr.registry import ENGINES

    if "trocr" not in ENGINES:
        ENGINES.register("trocr", "TrOCR line recognizer (invoicer's model) with text-line detection")(TrOcrEngine)


def engine_dependencies_installed() -> bool:
    """True when torch and transformers can be imported (checked without importing them)."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))


__all__ = [
    "DEFAULT_BATCHING",
    "DEFAULT_MODEL_DIR",
    "INVOICER_LINE_FORMAT",
    "LINE_HEIGHT",
    "LineBatching",
    "RecognizedLine",
    "TrOcrEngine",
    "TrOcrRecognizer",
    "clear_cache",
    "default_model_installed",
    "default_model_preferred",
    "engine_dependencies_installed",
    "load_recognizer",
    "pick_device",
    "register_engine",
    "resolve_model",
    "torch_threads",
]
