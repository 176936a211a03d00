"""A tiny, randomly initialised LayoutLM tagger checkpoint for tests (real loading code, seconds to build).

:func:`build_tiny_checkpoint` writes a folder in exactly the shipped model's format (config with the
tagger labels, fp16 safetensors, a word-piece vocabulary, ``tagger.json``) so tests exercise the same
loader, tokenizer, windowing and decoder as production, without the real weights.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from invoicer.tagging.labels import LABELS
from invoicer.tagging.model import META_FILE

__all__ = ["TINY_VOCAB", "build_tiny_checkpoint"]

TINY_VOCAB: tuple[str, ...] = (
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "invoice", "total", "date", "gmbh", "summe", "rechnung", "eur", "nr", "page", "item", "qty",
    "a", "b", "c", "d", "e", "1", "2", "3", "4", "5", "0", ".", ",", ":", "-", "/", "€",
    "##a", "##b", "##c", "##d", "##e", "##1", "##2", "##3", "##4", "##5", "##0", "##s", "##x",
)  # fmt: skip


def build_tiny_checkpoint(
    path: str | Path,
    *,
    max_length: int = 64,
    overlap: int = 16,
    seed: int = 0,
    vocab: Iterable[str] = TINY_VOCAB,
) -> Path:
    """Write a tiny tagger checkpoint (hidden 32, 2 layers) to ``path`` and return it.

    ``max_length`` is the model's window (and position-embedding) size, so long pages are windowed
    after a few dozen tokens.
    """
    import torch
    from transformers import LayoutLMConfig, LayoutLMForTokenClassification, LayoutLMTokenizerFast  # type: ignore[attr-defined]

    base = Path(path)
    base.mkdir(parents=True, exist_ok=True)
    words = list(vocab)
    (base / "vocab.txt").write_text("\n".join(words) + "\n", "utf-8")
    torch.manual_seed(seed)
    config = LayoutLMConfig(
        vocab_size=len(words),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_length,
        max_2d_position_embeddings=1024,
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    model: Any = LayoutLMForTokenClassification(config)
    model = model.to(torch.float16)
    model.save_pretrained(str(base))
    tokenizer = LayoutLMTokenizerFast(vocab=str(base / "vocab.txt"), do_lower_case=True)
    tokenizer.save_pretrained(str(base))
    (base / META_FILE).write_text(json.dumps({"max_length": max_length, "overlap": overlap}) + "\n", "utf-8")
    return base
