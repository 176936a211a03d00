"""Training of invoicer's line recognizer (``invoicer train ocr``).

The model is a stock ``VisionEncoderDecoderModel``: an AIMv2 vision encoder in native-resolution
mode (8×8 patches, 2-D sine-cosine positions computed for the actual patch grid, so any line width
works without interpolating positions) and a ``TrOCRForCausalLM`` decoder, with a character-level
tokenizer saved inside a ``TrOCRProcessor``. ``from_pretrained(dir)`` loads it with stock classes.

What makes it learn from scratch on two CPU cores (see ``shared/NOTES.md``): an auxiliary CTC head
on the encoder output (training only: it is not part of the exported model), zero-initialized
residual output projections in encoder and decoder, and width-grouped batches padded only to
their widest line. No stock encoder whose outputs are a sequence has a deep convolutional stem
and accepts lines of any width, so the stem is the patch embedding and the CTC head carries the
early alignment signal instead.

Runs are resumable: ``<out>/checkpoint.pt`` holds model, optimizer, scheduler, step, elapsed time,
RNG states and the data stream position; it is rewritten every ``checkpoint_minutes``. Validation
CER (case-insensitive) on a fixed subset of SROIE *validation* crops is logged every
``eval_minutes``, and every improvement is exported as fp16 safetensors + processor to ``<out>/best``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import random
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from invoicer.errors import ConfigError, ModelError
from invoicer.ocr.lineimage import LINE_HEIGHT, WIDTH_STEP, batch_tensor
from invoicer.ocr.trocr import INVOICER_LINE_FORMAT, TrOcrRecognizer, pick_device, resolve_model, torch_threads
from invoicer.training.ocr_data import CHARSET, MAX_TEXT_CHARS, LineMix, LineSource, Sample

log = logging.getLogger(__name__)

SPECIAL_TOKENS = ("<pad>", "<s>", "</s>", "<unk>")
PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3


def default_run_dir() -> Path:
    """``$XDG_CACHE_HOME/invoicer/runs/ocr`` (``~/.cache/...``): outside the source tree."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "invoicer" / "runs" / "ocr"


@dataclass(frozen=True)
class ModelSpec:
    """Sizes of a new model; ``encoder`` names the architecture (:data:`ENCODERS`)."""

    encoder: str = "conv"

    hidden: int = 256
    encoder_layers: int = 4
    encoder_heads: int = 4
    encoder_ffn: int = 768
    decoder_layers: int = 3
    decoder_heads: int = 4
    decoder_ffn: int = 1024
    max_tokens: int = MAX_TEXT_CHARS + 8


@dataclass(frozen=True)
class TrainConfig:
    """One training invocation (``invoicer train ocr`` flags)."""

    out: Path = field(default_factory=default_run_dir)
    resume: bool = False
    minutes: float | None = None  # stop after this many minutes of this invocation
    steps: int | None = None  # stop at this global step
    init: str | None = None  # start from this model (dir or hub id) instead of a new one
    batch_size: int = 32
    lr: float = 1e-3
    warmup_steps: int = 300
    schedule_steps: int = 40_000  # cosine decay length (to 10 % of lr)
    schedule_minutes: float | None = None  # decay over this many training minutes instead (speed unknown ahead)
    ctc_weight: float = 0.5
    synthetic_weight: float = 0.35  # share of synthetic lines in the mix (0 = SROIE only)
    synthetic_source: str = "fonts"  # fonts: quick single lines; engine: invoicer.synth line mode; both
    eval_minutes: float = 10.0
    checkpoint_minutes: float = 10.0
    eval_lines: int = 400
    seed: int = 0
    device: str = "auto"
    threads: int | None = None
    bf16_autocast: bool = False  # bf16 autocast: fast where the CPU has AMX / AVX-512 bf16, slow elsewhere
    crops: Path | None = None  # a crop pack (python -m invoicer.training.ocr_pack) instead of ../shared/data
    fonts: Path | None = None  # folder of fonts for synthetic lines (default: the machine's /usr/share/fonts)
    texts: Path | None = None  # document line texts for synthetic lines (python -m invoicer.training.ocr_pack)
    engine_crops: Path | None = None  # engine lines made ahead (ocr_pack --engine-docs) instead of rendered here
    header_share: float = 0.0  # share of font lines drawn as receipt headers (heavy, double width, dithered)
    workers: int = 0  # processes making training lines (0: in the training process; resumes reseed them)
    spec: ModelSpec = field(default_factory=ModelSpec)

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.lr <= 0 or self.eval_lines < 1:
            raise ConfigError("batch size, learning rate and eval lines must be positive")
        if self.minutes is not None and self.minutes <= 0:
            raise ConfigError("--minutes must be positive")
        if self.steps is not None and self.steps < 1:
            raise ConfigError("--steps must be positive")
        if not 0.0 <= self.synthetic_weight < 1.0:
            raise ConfigError("--synthetic-weight must be in [0, 1)")
        if self.synthetic_source not in ("fonts", "engine", "both"):
            raise ConfigError(f"--synthetic-source must be fonts, engine or both, got {self.synthetic_source!r}")
        if self.schedule_minutes is not None and self.schedule_minutes <= 0:
            raise ConfigError("--schedule-minutes must be positive")
        if not 0.0 <= self.header_share <= 1.0:
            raise ConfigError("--header-share must be in [0, 1]")
        if self.workers < 0:
            raise ConfigError("--workers must be 0 or more")
        if self.crops is not None and not self.crops.is_file():
            raise ConfigError(f"no crop pack at {self.crops}", hint="python -m invoicer.training.ocr_pack FILE")
        if self.fonts is not None and not self.fonts.is_dir():
            raise ConfigError(f"no font folder at {self.fonts}")
        if self.engine_crops is not None and not self.engine_crops.is_file():
            raise ConfigError(f"no crop pack at {self.engine_crops}", hint="python -m invoicer.training.ocr_pack")
        if self.texts is not None and not self.texts.is_file():
            raise ConfigError(f"no texts file at {self.texts}", hint="python -m invoicer.training.ocr_pack --texts-out")
        if self.spec.encoder not in ENCODERS:
            raise ConfigError(f"unknown OCR encoder {self.spec.encoder!r}; valid: {', '.join(ENCODERS)}")


# --------------------------------------------------------------------------------------------
# Tokenizer, processor, model
# --------------------------------------------------------------------------------------------


def build_processor(charset: str = CHARSET) -> Any:
    """A ``TrOCRProcessor``: a character-level fast tokenizer plus a ViT image processor (mean/std 0.5)."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, TrOCRProcessor
    from transformers.models.vit.image_processing_pil_vit import ViTImageProcessorPil

    vocab = {tok: i for i, tok in enumerate(SPECIAL_TOKENS)}
    for ch in charset:
        vocab.setdefault(ch, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    tok.decoder = decoders.Fuse()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>", unk_token="<unk>"
    )
    # used as-is by other tools; invoicer's recognizer keeps each line's aspect ratio (ocr.lineimage)
    image_processor = ViTImageProcessorPil(
        size={"height": LINE_HEIGHT, "width": 384}, image_mean=[0.5] * 3, image_std=[0.5] * 3
    )
    return TrOCRProcessor(image_processor=image_processor, tokenizer=tokenizer)


#: Encoder architectures of new models, by name: ``conv`` (conv stem + transformer over columns,
#: :mod:`invoicer.ocr.line_encoder`) and ``aimv2`` (AIMv2 native-resolution ViT, 8×8 patches; the
#: first seed's architecture).
ENCODERS = ("conv", "aimv2")


def build_encoder_config(spec: ModelSpec) -> Any:
    """The encoder config for ``spec.encoder`` (an unknown name raises ConfigError listing the valid ones)."""
    if spec.encoder == "conv":
        from invoicer.ocr.line_encoder import LineEncoderConfig

        return LineEncoderConfig(
            image_height=LINE_HEIGHT,
            hidden_size=spec.hidden,
            intermediate_size=spec.encoder_ffn,
            num_hidden_layers=spec.encoder_layers,
            num_attention_heads=spec.encoder_heads,
        )
    if spec.encoder == "aimv2":
        from transformers import Aimv2VisionConfig

        return Aimv2VisionConfig(
            image_size=LINE_HEIGHT,
            patch_size=WIDTH_STEP,
            num_channels=3,
            hidden_size=spec.hidden,
            intermediate_size=spec.encoder_ffn,
            num_hidden_layers=spec.encoder_layers,
            num_attention_heads=spec.encoder_heads,
            use_head=False,
            is_native=True,
        )
    raise ConfigError(f"unknown OCR encoder {spec.encoder!r}; valid: {', '.join(ENCODERS)}")


def encoder_kind(encoder_config: Any) -> str:
    """``conv`` or ``aimv2`` for a loaded model's encoder config."""
    from invoicer.ocr.line_encoder import MODEL_TYPE

    return "conv" if getattr(encoder_config, "model_type", "") == MODEL_TYPE else "aimv2"


def column_geometry(encoder_config: Any) -> tuple[int, int]:
    """(rows, pixels per column) of an encoder's output grid, for the CTC head."""
    if encoder_kind(encoder_config) == "conv":
        return 1, int(encoder_config.column_stride)
    return LINE_HEIGHT // WIDTH_STEP, WIDTH_STEP


def build_model(spec: ModelSpec, vocab_size: int) -> Any:
    """A new VisionEncoderDecoderModel (``spec.encoder`` encoder + TrOCR decoder), residuals zeroed."""
    from transformers import TrOCRConfig, VisionEncoderDecoderConfig, VisionEncoderDecoderModel

    encoder = build_encoder_config(spec)
    decoder = TrOCRConfig(
        vocab_size=vocab_size,
        d_model=spec.hidden,
        decoder_layers=spec.decoder_layers,
        decoder_attention_heads=spec.decoder_heads,
        decoder_ffn_dim=spec.decoder_ffn,
        max_position_embeddings=spec.max_tokens,
        use_learned_position_embeddings=True,
        layernorm_embedding=True,
        scale_embedding=True,
        pad_token_id=PAD_ID,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        decoder_start_token_id=BOS_ID,
    )
    config = VisionEncoderDecoderConfig.from_encoder_decoder_configs(encoder, decoder)
    config.pad_token_id = PAD_ID
    config.decoder_start_token_id = BOS_ID
    config.eos_token_id = EOS_ID
    config.invoicer_line_format = INVOICER_LINE_FORMAT
    model = VisionEncoderDecoderModel(config=config)
    _set_generation(model)
    zero_residual_outputs(model)
    return model


def _set_generation(model: Any) -> None:
    gen = model.generation_config
    gen.decoder_start_token_id = BOS_ID
    gen.bos_token_id = BOS_ID
    gen.eos_token_id = EOS_ID
    gen.pad_token_id = PAD_ID
    gen.max_length = None
    gen.max_new_tokens = MAX_TEXT_CHARS + 4
    gen.num_beams = 1
    gen.do_sample = False


def zero_residual_outputs(model: nn.Module) -> int:
    """Zero the output projections that feed residual streams (attention out, MLP down); returns how many."""
    suffixes = ("attention.out_proj", "ffn.down_proj", "self_attn.out_proj", "encoder_attn.out_proj", "fc2")
    count = 0
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear) and name.endswith(suffixes):
            nn.init.zeros_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
            count += 1
    return count


class CtcHead(nn.Module):
    """Training-only CTC classifier over the encoder's columns (rows averaged); blank = pad id."""

    def __init__(self, hidden: int, vocab_size: int) -> None:
        super().__init__()
        self.proj = nn.Linear(hidden, vocab_size)

    def forward(self, encoder_states: torch.Tensor, rows: int) -> torch.Tensor:
        b, n, c = encoder_states.shape
        cols = encoder_states.reshape(b, rows, n // rows, c).mean(dim=1)
        return torch.log_softmax(self.proj(cols).float(), dim=-1)  # (B, T, V)


# --------------------------------------------------------------------------------------------
# Batches and loss
# --------------------------------------------------------------------------------------------


def encode_texts(tokenizer: Any, texts: Sequence[str]) -> tuple[torch.Tensor, list[list[int]]]:
    """Decoder labels (tokens + EOS, -100 padded) and the bare token ids for CTC."""
    ids = [tokenizer(t, add_special_tokens=False).input_ids[:MAX_TEXT_CHARS] for t in texts]
    longest = max(len(x) for x in ids) + 1
    labels = torch.full((len(ids), longest), -100, dtype=torch.long)
    for i, x in enumerate(ids):
        labels[i, : len(x) + 1] = torch.tensor([*x, EOS_ID])
    return labels, ids


def batch_loss(
    model: Any,
    ctc: CtcHead,
    tokenizer: Any,
    batch: Sequence[Sample],
    ctc_weight: float,
    device: str,
    bf16_autocast: bool = False,
    ctc_detached: bool = False,
) -> tuple[torch.Tensor, float, float]:
    """Cross-entropy of the decoder plus ``ctc_weight`` × CTC on the encoder; returns (loss, ce, ctc).

    ``ctc_detached`` trains the CTC head without passing its gradient into the encoder (a fresh head on
    a trained model would otherwise pull the encoder away from what the decoder reads).
    """
    pixels = batch_tensor([s.pixels for s in batch]).to(device)
    labels, ids = encode_texts(tokenizer, [s.text for s in batch])
    labels = labels.to(device)
    with torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=bf16_autocast):
        encoder_out = model.encoder(pixel_values=pixels)
        out = model(encoder_outputs=encoder_out, labels=labels)
    ce = out.loss.float()
    if ctc_weight <= 0:
        return ce, float(ce.detach()), 0.0
    rows, stride = column_geometry(model.config.encoder)
    states = encoder_out.last_hidden_state
    logp = ctc(states.detach() if ctc_detached else states, rows)  # (B, T, V)
    input_lengths = torch.tensor([s.pixels.shape[1] // stride for s in batch], dtype=torch.long, device=logp.device)
    targets = torch.tensor([t for x in ids for t in x], dtype=torch.long, device=logp.device)
    target_lengths = torch.tensor([len(x) for x in ids], dtype=torch.long, device=logp.device)
    ctc_loss = nn.functional.ctc_loss(
        logp.transpose(0, 1), targets, input_lengths, target_lengths, blank=PAD_ID, zero_infinity=True
    )
    return ce + ctc_weight * ctc_loss, float(ce.detach()), float(ctc_loss.detach())


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def character_error_rate(predictions: Sequence[str], references: Sequence[str], *, ignore_case: bool = True) -> float:
    """Sum of edit distances over sum of reference lengths (case-insensitive by default)."""
    if len(predictions) != len(references):
        raise ValueError("predictions and references differ in number")
    errors = chars = 0
    for p, r in zip(predictions, references, strict=True):
        if ignore_case:
            p, r = p.upper(), r.upper()
        errors += edit_distance(p, r)
        chars += len(r)
    return errors / max(1, chars)


def fixed_subset(items: Sequence[Any], n: int) -> list[Any]:
    """Every k-th item so that about ``n`` are chosen (deterministic)."""
    if len(items) <= n:
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


# --------------------------------------------------------------------------------------------
# Checkpoints and export
# --------------------------------------------------------------------------------------------


def export_model(model: Any, processor: Any, target: Path, card: dict[str, Any] | None = None) -> Path:
    """Write fp16 safetensors + config + processor files to ``target`` (replacing it atomically)."""
    import copy

    tmp = target.with_name(target.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    half = copy.deepcopy(model).to("cpu").half()
    half.save_pretrained(tmp, safe_serialization=True)
    processor.save_pretrained(tmp)
    if card is not None:
        (tmp / "training.json").write_text(json.dumps(card, indent=1, default=str) + "\n", encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    tmp.rename(target)
    return target


def machine_info() -> dict[str, Any]:
    """Where this runs: processor, cores, torch threads, GPU."""
    return {
        "processor": platform.processor() or platform.machine(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }


# --------------------------------------------------------------------------------------------
# The loop
# --------------------------------------------------------------------------------------------


def _warm_cosine(step: int, warmup: int, progress: float) -> float:
    """Linear warm-up over ``warmup`` steps, then cosine decay to 10 % as ``progress`` goes 0 → 1."""
    if step < warmup:
        return (step + 1) / warmup
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def _lr_factor(step: int, warmup: int, total: int) -> float:
    return _warm_cosine(step, warmup, (step - warmup) / max(1, total - warmup))


def _lr_factor_by_time(step: int, warmup: int, trained_s: float, total_s: float) -> float:
    """Linear warm-up over steps, then cosine decay (to 10 %) over training seconds."""
    return _warm_cosine(step, warmup, trained_s / max(1e-6, total_s))


SourcesFactory = Callable[[Path], Sequence[tuple[LineSource, float]]]
EvalFactory = Callable[[Path], Sequence[tuple[Any, str]]]


def default_sources(config: TrainConfig) -> SourcesFactory:
    """SROIE train crops plus synthetic lines (weights from ``config.synthetic_weight``)."""

    def make(cache: Path) -> Sequence[tuple[LineSource, float]]:
        from invoicer.training.ocr_data import (
            CropSource,
            SynthEngineLineSource,
            SyntheticLineSource,
            find_fonts,
            load_crops_pack,
            load_sroie_crops,
            load_texts,
        )

        train = load_crops_pack(config.crops, split="train") if config.crops else load_sroie_crops("train", cache)
        crops = CropSource(train, "sroie-train")
        sources: list[tuple[LineSource, float]] = [(crops, 1.0 - config.synthetic_weight)]
        if config.synthetic_weight > 0:
            synthetic: list[LineSource] = []
            if config.synthetic_source in ("fonts", "both"):
                fonts = find_fonts(config.fonts) if config.fonts else None
                doc_texts = load_texts(config.texts) if config.texts else ()
                synthetic.append(
                    SyntheticLineSource(crops.texts, fonts=fonts, doc_texts=doc_texts, header_share=config.header_share)
                )
            if config.synthetic_source in ("engine", "both") and config.engine_crops is not None:
                made = load_crops_pack(config.engine_crops, split="train")
                synthetic.append(CropSource(made, "synth-engine-pack"))
            elif config.synthetic_source in ("engine", "both"):
                synthetic.append(SynthEngineLineSource(seed=config.seed))
            sources.extend((s, config.synthetic_weight / len(synthetic)) for s in synthetic)
        return sources

    return make


def default_eval_lines(config: TrainConfig) -> EvalFactory:
    """A fixed subset of SROIE validation crops (never trained on)."""

    def make(cache: Path) -> Sequence[tuple[Any, str]]:
        from invoicer.training.ocr_data import load_crops_pack, load_sroie_crops

        if config.crops is not None:
            packed = load_crops_pack(config.crops, split="validation")
            if not packed:
                raise ConfigError(f"the crop pack {config.crops} holds no validation crops")
            return fixed_subset(packed, config.eval_lines)
        return fixed_subset(load_sroie_crops("validation", cache), config.eval_lines)

    return make


def train_ocr(
    config: TrainConfig,
    sources: SourcesFactory | None = None,
    eval_lines: EvalFactory | None = None,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train (or resume) a run in ``config.out``; returns a summary (steps, best CER, paths)."""
    out = config.out
    ckpt_path = out / "checkpoint.pt"
    if ckpt_path.exists() and not config.resume:
        raise ConfigError(f"{out} already holds a run", hint="pass --resume to continue it, or another --out")
    if config.resume and not ckpt_path.exists():
        raise ConfigError(f"nothing to resume in {out} (no checkpoint.pt)")
    out.mkdir(parents=True, exist_ok=True)
    device = pick_device(config.device)
    torch.set_num_threads(config.threads or torch_threads())

    state: dict[str, Any] | None = None
    if config.resume:
        state = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        spec = ModelSpec(**{"encoder": "aimv2", **state["spec"]})  # runs from before `encoder` were aimv2
    else:
        spec = config.spec
    processor = build_processor()
    tokenizer = processor.tokenizer
    if state is not None:
        model = build_model(spec, len(tokenizer))
        model.load_state_dict(state["model"])
    elif config.init:
        from transformers import TrOCRProcessor, VisionEncoderDecoderModel

        from invoicer.ocr.line_encoder import register

        register()
        name, local = resolve_model(config.init)
        try:
            model = VisionEncoderDecoderModel.from_pretrained(name, local_files_only=local, dtype=torch.float32)
            processor = TrOCRProcessor.from_pretrained(name, local_files_only=local)
        except (OSError, ValueError) as exc:
            raise ModelError(f"cannot load the initial model ({exc})", path=name) from exc
        tokenizer = processor.tokenizer
        if getattr(model.config, "invoicer_line_format", None) != INVOICER_LINE_FORMAT:
            raise ModelError(
                "--init needs a model that reads invoicer's 32-pixel line images (an earlier `train ocr` export)",
                path=name,
            )
        encoder_config: Any = model.config.encoder
        kind = encoder_kind(encoder_config)
        spec = ModelSpec(**{**asdict(spec), "hidden": encoder_config.hidden_size, "encoder": kind})
    else:
        model = build_model(spec, len(tokenizer))
    model.to(device).train()
    hidden = model.config.encoder.hidden_size
    ctc = CtcHead(hidden, len(tokenizer)).to(device)
    params = list(model.parameters()) + list(ctc.parameters())
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.01, betas=(0.9, 0.98))
    clock = {"trained_s": 0.0}  # training seconds so far, for --schedule-minutes

    def _schedule(s: int) -> float:
        if config.schedule_minutes is not None:
            return _lr_factor_by_time(s, config.warmup_steps, clock["trained_s"], config.schedule_minutes * 60)
        return _lr_factor(s, config.warmup_steps, config.schedule_steps)

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _schedule)

    cache = out / "data-cache"
    mix = LineMix((sources or default_sources(config))(cache), seed=config.seed)
    evaluation = list((eval_lines or default_eval_lines(config))(cache))
    step, elapsed, best_cer, history = 0, 0.0, math.inf, []
    # an --init model comes without its CTC head: train the new head alone through the warm-up
    ctc_fresh_until = config.warmup_steps if config.init and state is None else 0
    if state is not None:
        ctc_fresh_until = int(state.get("ctc_fresh_until", 0))
        ctc.load_state_dict(state["ctc"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, elapsed, best_cer = state["step"], state["elapsed_s"], state["best_cer"]
        clock["trained_s"] = elapsed
        history = state.get("history", [])
        mix.restore(state["data"])
        random.setstate(state["python_rng"])
        np.random.set_state(state["numpy_rng"])
        torch.set_rng_state(state["torch_rng"])
        echo(f"resumed {out} at step {step} ({elapsed / 60:.1f} min trained, best CER {best_cer:.4f})")
    else:
        random.seed(config.seed)
        np.random.seed(config.seed)
        torch.manual_seed(config.seed)
    run_info = {
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()},
        "spec": asdict(spec),
        "machine": machine_info(),
        "sources": [(s.name, w) for s, w in mix.sources],
        "eval_lines": len(evaluation),
    }
    (out / "run.json").write_text(json.dumps(run_info, indent=1, default=str) + "\n", encoding="utf-8")

    def evaluate() -> float:
        model.eval()
        recognizer = TrOcrRecognizer(model, processor, device=device)
        predictions = recognizer.recognize([im for im, _ in evaluation])
        model.train()
        return character_error_rate([p.text for p in predictions], [t for _, t in evaluation])

    def save_checkpoint() -> None:
        payload = {
            "model": model.state_dict(),
            "ctc": ctc.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
            "elapsed_s": elapsed,
            "best_cer": best_cer,
            "ctc_fresh_until": ctc_fresh_until,
            "history": history,
            "spec": asdict(spec),
            "data": mix.state(),
            "python_rng": random.getstate(),
            "numpy_rng": np.random.get_state(),
            "torch_rng": torch.get_rng_state(),
        }
        tmp = ckpt_path.with_suffix(".tmp")
        torch.save(payload, tmp)
        tmp.replace(ckpt_path)

    start = time.monotonic()
    last_eval = last_ckpt = start
    seen = 0
    losses: list[float] = []
    batches = _batch_stream(mix, config, step)
    stop_reason = "steps"
    while True:
        if config.steps is not None and step >= config.steps:
            break
        now = time.monotonic()
        if config.minutes is not None and now - start >= config.minutes * 60:
            stop_reason = "minutes"
            break
        batch = next(batches)
        t0 = time.monotonic()
        ctc_detached = step < ctc_fresh_until
        loss, ce, ctc_value = batch_loss(
            model, ctc, tokenizer, batch, config.ctc_weight, device, config.bf16_autocast, ctc_detached
        )
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if ctc_detached:  # the fresh head's large gradients must not shrink the model's by clipping
            torch.nn.utils.clip_grad_norm_(list(model.parameters()), 1.0)
            torch.nn.utils.clip_grad_norm_(list(ctc.parameters()), 1.0)
        else:
            torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        seen += len(batch)
        elapsed += time.monotonic() - t0
        clock["trained_s"] = elapsed
        losses.append(float(loss.detach()))
        if step % 50 == 0:
            rate = seen / max(1e-6, time.monotonic() - start)
            echo(
                f"step {step} loss {np.mean(losses):.3f} (ce {ce:.3f} ctc {ctc_value:.3f}) "
                f"lr {scheduler.get_last_lr()[0]:.2e} {rate:.0f} lines/s"
            )
            losses.clear()
        now = time.monotonic()
        if now - last_eval >= config.eval_minutes * 60:
            best_cer = _eval_and_export(
                evaluate, step, elapsed, best_cer, history, model, processor, out, run_info, echo
            )
            last_eval = time.monotonic()
        if now - last_ckpt >= config.checkpoint_minutes * 60:
            save_checkpoint()
            last_ckpt = time.monotonic()
    best_cer = _eval_and_export(evaluate, step, elapsed, best_cer, history, model, processor, out, run_info, echo)
    save_checkpoint()
    summary = {
        "out": str(out),
        "step": step,
        "trained_minutes": round(elapsed / 60, 2),
        "best_cer": best_cer,
        "last_cer": history[-1]["cer"] if history else None,
        "best_dir": str(out / "best"),
        "stopped_by": stop_reason,
        "lines_drawn": mix.drawn if not config.workers else {"all (workers)": seen},
    }
    echo(json.dumps(summary))
    return summary


class _WorkerBatches(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
    """The mix's batches, made in DataLoader worker processes, each with its own random stream."""

    def __init__(self, mix: LineMix, batch_size: int, seed: int) -> None:
        self.mix, self.batch_size, self.seed = mix, batch_size, seed

    def __iter__(self) -> Iterator[list[Any]]:
        info = torch.utils.data.get_worker_info()
        worker = info.id if info is not None else 0
        self.mix.rng.seed(self.seed * 1_000_003 + worker)
        np.random.seed((self.seed * 7919 + worker) % 2**32)
        return self.mix.batches(self.batch_size)


def _as_is(batch: list[Any]) -> list[Any]:
    return batch


def _batch_stream(mix: LineMix, config: TrainConfig, step: int) -> Iterator[list[Any]]:
    """Batches from this process (``workers == 0``, reproducible across resumes) or from worker processes.

    Worker streams are seeded from the run's seed and the step they start at, so a resumed run draws
    fresh lines rather than repeating the ones it already trained on.
    """
    if not config.workers:
        return mix.batches(config.batch_size)
    loader = torch.utils.data.DataLoader(
        _WorkerBatches(mix, config.batch_size, config.seed * 100_000 + step),
        batch_size=None,
        collate_fn=_as_is,
        num_workers=config.workers,
        prefetch_factor=4,
        persistent_workers=True,
    )
    return iter(loader)


def _eval_and_export(
    evaluate: Callable[[], float],
    step: int,
    elapsed: float,
    best_cer: float,
    history: list[dict[str, Any]],
    model: Any,
    processor: Any,
    out: Path,
    run_info: dict[str, Any],
    echo: Callable[[str], None],
) -> float:
    if history and history[-1]["step"] == step:
        return best_cer
    cer = evaluate()
    history.append({"step": step, "trained_minutes": round(elapsed / 60, 2), "cer": round(cer, 5), "time": time.time()})
    echo(f"step {step}: validation CER {cer:.4f} (best {min(cer, best_cer):.4f})")
    if cer < best_cer:
        card = {**run_info, "step": step, "trained_minutes": round(elapsed / 60, 2), "validation_cer_subset": cer,
                "history": history}  # fmt: skip
        export_model(model, processor, out / "best", card)
        return cer
    return best_cer


__all__ = [
    "ENCODERS",
    "CtcHead",
    "ModelSpec",
    "TrainConfig",
    "build_encoder_config",
    "build_model",
    "build_processor",
    "character_error_rate",
    "column_geometry",
    "default_run_dir",
    "edit_distance",
    "encoder_kind",
    "export_model",
    "train_ocr",
    "zero_residual_outputs",
]
