"""``invoicer train``: one sub-command per model (``ocr`` here; ``tagger`` is added beside it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from invoicer.errors import InvoicerError

OUT_HELP = "Run folder for checkpoints and the best export (default ~/.cache/invoicer/runs/ocr)."

SOURCE_HELP = "Synthetic lines from: fonts (single lines), engine (invoicer.synth line mode) or both."

train_app = typer.Typer(name="train", help="Train invoicer's models (resumable runs).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``train`` sub-app to the main CLI."""
    app.add_typer(train_app, name="train")


@train_app.command("ocr")
def train_ocr_command(
    out: Annotated[Path | None, typer.Option("--out", help=OUT_HELP)] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the run in --out from its checkpoint.")] = False,
    minutes: Annotated[float | None, typer.Option("--minutes", help="Stop after this many minutes.")] = None,
    steps: Annotated[int | None, typer.Option("--steps", help="Stop at this global step.")] = None,
    init: Annotated[str | None, typer.Option("--init", help="Start from an earlier export (dir or hub id).")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size")] = 32,
    lr: Annotated[float, typer.Option("--lr")] = 1e-3,
    schedule_steps: Annotated[int, typer.Option("--schedule-steps", help="Cosine learning-rate decay steps.")] = 40_000,
    warmup: Annotated[
        int, typer.Option("--warmup", help="Linear warm-up steps (also the CTC head's, with --init).")
    ] = 300,
    schedule_minutes: Annotated[
        float | None,
        typer.Option("--schedule-minutes", help="Decay the learning rate over training minutes instead of steps."),
    ] = None,
    synthetic_weight: Annotated[float, typer.Option("--synthetic-weight", help="Synthetic share.")] = 0.35,
    synthetic_source: Annotated[str, typer.Option("--synthetic-source", help=SOURCE_HELP)] = "fonts",
    ctc_weight: Annotated[float, typer.Option("--ctc-weight", help="Weight of the auxiliary CTC loss.")] = 0.5,
    eval_minutes: Annotated[float, typer.Option("--eval-minutes", help="Minutes between validation CERs.")] = 10.0,
    checkpoint_minutes: Annotated[float, typer.Option("--checkpoint-minutes")] = 10.0,
    eval_lines: Annotated[int, typer.Option("--eval-lines", help="SROIE validation crops for the CER.")] = 400,
    device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")] = "auto",
    threads: Annotated[int | None, typer.Option("--threads", help="torch CPU threads (default: all cores).")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    encoder: Annotated[
        str, typer.Option("--encoder", help="Encoder of a new model: conv (conv stem, default) or aimv2.")
    ] = "conv",
    bf16: Annotated[
        bool, typer.Option("--bf16/--fp32", help="bf16 autocast (fast on CPUs with AMX or AVX-512 bf16).")
    ] = False,
    crops: Annotated[
        Path | None, typer.Option("--crops", help="SROIE crops from a pack (python -m invoicer.training.ocr_pack).")
    ] = None,
    fonts: Annotated[Path | None, typer.Option("--fonts", help="Font folder for synthetic lines.")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Processes making training lines (0: none).")] = 0,
    engine_crops: Annotated[
        Path | None,
        typer.Option("--engine-crops", help="Engine lines made ahead (ocr_pack --engine-out) for --synthetic-source."),
    ] = None,
    header_share: Annotated[
        float,
        typer.Option("--header-share", help="Share of font lines drawn as receipt headers (heavy, double width)."),
    ] = 0.0,
    texts: Annotated[
        Path | None,
        typer.Option("--texts", help="Document line texts for the font lines (python -m invoicer.training.ocr_pack)."),
    ] = None,
) -> None:
    """Train the line recognizer on SROIE train crops plus synthetic lines; export the best to <out>/best."""
    from invoicer.training.ocr import ModelSpec, TrainConfig, default_run_dir, train_ocr

    try:
        config = TrainConfig(
            out=out or default_run_dir(),
            resume=resume,
            minutes=minutes,
            steps=steps,
            init=init,
            batch_size=batch_size,
            lr=lr,
            schedule_steps=schedule_steps,
            schedule_minutes=schedule_minutes,
            warmup_steps=warmup,
            synthetic_weight=synthetic_weight,
            synthetic_source=synthetic_source,
            ctc_weight=ctc_weight,
            eval_minutes=eval_minutes,
            checkpoint_minutes=checkpoint_minutes,
            eval_lines=eval_lines,
            device=device,
            threads=threads,
            seed=seed,
            bf16_autocast=bf16,
            crops=crops,
            fonts=fonts,
            texts=texts,
            engine_crops=engine_crops,
            header_share=header_share,
            workers=workers,
            spec=ModelSpec(encoder=encoder),
        )
        summary = train_ocr(config, echo=lambda s: typer.echo(s, err=True))
    except InvoicerError as exc:
        typer.echo(f"invoicer: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(summary, default=str))


from invoicer.training.tagger_cli import add_tagger_command  # noqa: E402  (invoicer train tagger)

add_tagger_command(train_app)
