"""Loading a LayoutLM token-classification checkpoint once per process and running it on pages.

A model directory holds ``config.json`` (a ``LayoutLMConfig`` whose ``id2label`` are the BIO labels),
``model.safetensors`` (fp16 on disk for the shipped model; any dtype loads), the tokenizer files
(``vocab.txt``/``tokenizer.json``) and optionally ``tagger.json`` (window length and overlap used in
training). :func:`load_layoutlm` caches by resolved path, so every tagger in a process shares one copy.

Compute runs in fp32 by default; ``bfloat16`` and ``qint8`` (int8 Linear layers by dynamic
quantization: about 1.4× faster on this 2-core CPU, with slightly different probabilities) are options;
``benchmarks/fields`` measures both speed and accuracy for each.
Windows of all pages of a document are sorted by length and run in batches padded to the longest
window in the batch.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import invoicer
from invoicer.config import TAGGER_COMPUTE_DTYPES
from invoicer.errors import ModelError, TaggingError
from invoicer.tagging.encoding import (
    PAD_BOX,
    Box,
    EncodedPage,
    Window,
    center_window_of_tokens,
    encode_page,
    window_spans,
    windows_of_page,
)
from invoicer.tagging.labels import canonical_label

__all__ = [
    "COMPUTE_DTYPES",
    "META_FILE",
    "LayoutLMModel",
    "TaggerMeta",
    "clear_model_cache",
    "default_model_dir",
    "load_layoutlm",
    "model_installed",
]

META_FILE = "tagger.json"
#: How the weights are computed on: fp32 (default), bf16, or int8 Linear layers (dynamic quantization, CPU).
COMPUTE_DTYPES = ("float32", "bfloat16", "qint8")
#: ``auto`` too: bfloat16 on CPUs with native bf16 arithmetic (AMX or AVX-512 BF16: 25-50 % faster there, about
#: the same accuracy), float32 elsewhere.
COMPUTE_DTYPE_CHOICES = TAGGER_COMPUTE_DTYPES


def _cpu_flags(cpuinfo: str | None) -> set[str]:
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return set()
    return {flag for line in cpuinfo.splitlines() if line.startswith("flags") for flag in line.split()}


def cpu_has_amx_bf16(cpuinfo: str | None = None) -> bool:
    """Whether the CPU advertises AMX bf16 tiles (``amx_bf16`` in ``/proc/cpuinfo``'s flags)."""
    return "amx_bf16" in _cpu_flags(cpuinfo)


def cpu_has_native_bf16(cpuinfo: str | None = None) -> bool:
    """Whether the CPU computes bf16 natively: AMX tiles (``amx_bf16``) or AVX-512 BF16 (``avx512_bf16``, e.g.
    AMD Zen 4 and later, Intel Cooper Lake). Without either, bf16 is emulated and several times slower."""
    return bool({"amx_bf16", "avx512_bf16"} & _cpu_flags(cpuinfo))


def resolve_compute_dtype(compute_dtype: str, device: str = "cpu", cpuinfo: str | None = None) -> str:
    """``auto`` → ``bfloat16`` on a CPU with native bf16 (:func:`cpu_has_native_bf16`), else ``float32``; other
    names are checked and returned.

    Measured (benchmarks/fields, 2 cores, two threads): Intel Xeon with AMX, session 5: 10.3 instead of 8.4
    pages/s, same exact-match figures as float32 on SROIE validation and the yardstick; AMD EPYC with AVX-512
    BF16 and no AMX, session 11: 13.9 instead of 9.1 pages/s, SROIE the same, three yardstick values of 100
    documents different (benchmarks/fields/*-bf16-amd-epyc.json). Training with
    bf16 autocast on an AVX2-only CPU was 4-7x slower, so ``auto`` keeps float32 there.
    """
    if compute_dtype not in COMPUTE_DTYPE_CHOICES:
        raise ModelError(f"compute_dtype must be one of {', '.join(COMPUTE_DTYPE_CHOICES)}, got {compute_dtype!r}")
    if compute_dtype != "auto":
        return compute_dtype
    return "bfloat16" if device == "cpu" and cpu_has_native_bf16(cpuinfo) else "float32"


_REQUIRED_FILES = ("config.json", "model.safetensors")


def default_model_dir() -> Path:
    """``invoicer/models/tagger``: where the shipped tagger lives."""
    return Path(invoicer.__file__).resolve().parent / "models" / "tagger"


def model_installed(path: str | Path | None = None) -> bool:
    """Whether ``path`` (default: the shipped model's folder) holds a loadable tagger checkpoint."""
    base = Path(path) if path is not None else default_model_dir()
    return all((base / name).is_file() for name in _REQUIRED_FILES) and (
        (base / "vocab.txt").is_file() or (base / "tokenizer.json").is_file()
    )


@dataclass(frozen=True)
class TaggerMeta:
    """How the checkpoint wants to be run: window length and overlap (tokens)."""

    max_length: int = 512
    overlap: int = 128

    @classmethod
    def read(cls, path: Path) -> TaggerMeta:
        file = path / META_FILE
        if not file.is_file():
            return cls()
        try:
            data = json.loads(file.read_text("utf-8"))
            return cls(int(data.get("max_length", 512)), int(data.get("overlap", 128)))
        except (OSError, ValueError, TypeError) as exc:
            raise ModelError(f"cannot read {META_FILE} ({exc})", path=str(file)) from exc


class LayoutLMModel:
    """A tagger checkpoint ready to run: tokenizer, model and labels; :meth:`predict_pages` gives
    per-word label probabilities. Build it with :meth:`load` (a folder) or directly from objects
    already in memory (training validates the model it is training this way)."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        meta: TaggerMeta | None = None,
        batch_size: int = 8,
        path: Path | None = None,
        threads: int | None = None,
    ) -> None:
        import torch

        self.torch = torch
        self.threads = threads
        self.model = model
        self.tokenizer = tokenizer
        self.path = path
        self.batch_size = batch_size
        self.meta = meta or TaggerMeta()
        id2label: Any = model.config.id2label
        try:
            self.labels: tuple[str, ...] = tuple(canonical_label(str(id2label[i])) for i in range(len(id2label)))
        except Exception as exc:
            raise ModelError(f"the checkpoint's labels are not tagger labels ({exc})", path=str(path)) from exc
        self.max_length = min(self.meta.max_length, int(model.config.max_position_embeddings))
        self.overlap = self.meta.overlap

    @property
    def device(self) -> Any:
        return next(self.model.parameters()).device

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        device: str = "cpu",
        compute_dtype: str = "float32",
        batch_size: int = 8,
        threads: int | None = None,
    ) -> LayoutLMModel:
        """Load the checkpoint in folder ``path`` (weights of any dtype; computed in ``compute_dtype``);
        ``threads`` sets torch's CPU threads while predicting (None: torch's default)."""
        import torch
        from transformers import LayoutLMForTokenClassification, LayoutLMTokenizerFast  # type: ignore[attr-defined]
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        base = Path(path)
        if not model_installed(base):
            raise ModelError(
                "no tagger checkpoint here (needs config.json, model.safetensors and vocab.txt or tokenizer.json)",
                path=str(base),
                hint="train one with `invoicer train tagger` or pass the folder of an exported model",
            )
        if compute_dtype not in COMPUTE_DTYPES:
            raise ModelError(f"compute_dtype must be one of {', '.join(COMPUTE_DTYPES)}, got {compute_dtype!r}")
        try:
            tokenizer = LayoutLMTokenizerFast.from_pretrained(str(base))
            model: Any = LayoutLMForTokenClassification.from_pretrained(str(base), dtype=torch.float32)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load the tagger model ({exc})", path=str(base)) from exc
        if compute_dtype == "qint8":
            model = _quantize_linear_layers(model.eval())
        else:
            model = model.to(torch.device(device), getattr(torch, compute_dtype)).eval()
        return cls(model, tokenizer, meta=TaggerMeta.read(base), batch_size=batch_size, path=base, threads=threads)

    # ------------------------------------------------------------------------------------------
    def encode(self, words: Sequence[str], boxes: Sequence[Box]) -> EncodedPage:
        return encode_page(self.tokenizer, words, boxes)

    def predict_pages(self, pages: Sequence[tuple[Sequence[str], Sequence[Box]]]) -> list[np.ndarray]:
        """For each page (words, 0-1000 boxes): an ``(n_words, n_labels)`` array of label probabilities."""
        encoded = [self.encode(w, b) for w, b in pages]
        windows: list[Window] = []
        for pi, page in enumerate(encoded):
            if len(page):
                windows.extend(
                    windows_of_page(
                        page,
                        pi,
                        int(self.tokenizer.cls_token_id),
                        int(self.tokenizer.sep_token_id),
                        self.max_length,
                        self.overlap,
                    )
                )
        window_probs = self._run(windows)
        out: list[np.ndarray] = []
        by_page: dict[int, list[tuple[Window, np.ndarray]]] = {}
        for window, probs in zip(windows, window_probs, strict=True):
            by_page.setdefault(window.page_index, []).append((window, probs))
        for pi, page in enumerate(encoded):
            out.append(self._page_word_probs(page, by_page.get(pi, [])))
        return out

    def _page_word_probs(self, page: EncodedPage, runs: list[tuple[Window, np.ndarray]]) -> np.ndarray:
        n_labels = len(self.labels)
        if page.n_words == 0:
            return np.zeros((0, n_labels), dtype=np.float32)
        runs = sorted(runs, key=lambda r: r[0].start)
        spans = [(w.start, w.start + len(w) - 2) for w, _ in runs]
        expected = window_spans(len(page), self.max_length - 2, min(self.overlap, self.max_length - 3))
        if spans != expected:
            raise TaggingError("internal error: windows do not cover the page as planned")
        owner = center_window_of_tokens(spans, len(page))
        word_probs = np.zeros((page.n_words, n_labels), dtype=np.float32)
        for t, (wi, is_first) in enumerate(zip(page.token_word, page.first_piece, strict=True)):
            if is_first:
                window, probs = runs[owner[t]]
                word_probs[wi] = probs[t - window.start + 1]  # +1: [CLS]
        return word_probs

    def _run(self, windows: Sequence[Window]) -> list[np.ndarray]:
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        results: list[np.ndarray | None] = [None] * len(windows)
        was_training = bool(self.model.training)
        threads = self.torch.get_num_threads()
        self.model.eval()
        try:
            if self.threads is not None:
                self.torch.set_num_threads(self.threads)
            self._run_batches(windows, order, results)
        finally:
            self.model.train(was_training)
            if self.threads is not None:
                self.torch.set_num_threads(threads)
        return [r for r in results if r is not None]

    def _run_batches(self, windows: Sequence[Window], order: list[int], results: list[np.ndarray | None]) -> None:
        torch = self.torch
        with torch.inference_mode():
            for b in range(0, len(order), self.batch_size):
                batch = [windows[i] for i in order[b : b + self.batch_size]]
                length = max(len(w) for w in batch)
                ids = torch.zeros((len(batch), length), dtype=torch.long)
                boxes = torch.tensor([[PAD_BOX] * length] * len(batch), dtype=torch.long)
                mask = torch.zeros((len(batch), length), dtype=torch.long)
                for r, w in enumerate(batch):
                    n = len(w)
                    ids[r, :n] = torch.tensor(w.input_ids, dtype=torch.long)
                    boxes[r, :n] = torch.tensor(w.boxes, dtype=torch.long)
                    mask[r, :n] = 1
                device = self.device
                logits = self.model(
                    input_ids=ids.to(device),
                    bbox=boxes.to(device),
                    attention_mask=mask.to(device),
                    token_type_ids=torch.zeros_like(ids).to(device),
                ).logits
                probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
                for r, i in enumerate(order[b : b + self.batch_size]):
                    results[i] = probs[r, : len(windows[i])]


def _quantize_linear_layers(model: Any) -> Any:
    """int8 weights for the Linear layers (dynamic quantization, CPU only): faster, slightly different outputs."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch marks eager-mode quantization as deprecated in favour of torchao
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


_CACHE: dict[tuple[str, str, str, int | None], LayoutLMModel] = {}
_LOCK = threading.Lock()


def load_layoutlm(
    path: str | Path | None = None, *, device: str = "cpu", compute_dtype: str = "float32", threads: int | None = None
) -> Any:
    """The :class:`LayoutLMModel` at ``path`` (default: the shipped model), loaded once per process."""
    resolved = str(Path(path if path is not None else default_model_dir()).resolve())
    compute_dtype = resolve_compute_dtype(compute_dtype, device)
    key = (resolved, device, compute_dtype, threads)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = LayoutLMModel.load(resolved, device=device, compute_dtype=compute_dtype, threads=threads)
        return _CACHE[key]


def clear_model_cache() -> None:
    """Forget loaded models (tests)."""
    with _LOCK:
        _CACHE.clear()
