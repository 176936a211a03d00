"""``invoicer train tagger``: added to the ``train`` sub-app by :func:`add_tagger_command`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from invoicer.errors import InvoicerError

__all__ = ["add_tagger_command"]


def add_tagger_command(train_app: typer.Typer) -> None:
    """Register ``tagger`` on ``train_app`` (the ``invoicer train`` sub-app)."""

    @train_app.command("tagger")
    def train_tagger_command(
        data: Annotated[
            list[Path] | None,
            typer.Option("--data", help="Folder written by `invoicer synth` (repeatable)."),
        ] = None,
        sroie: Annotated[
            bool, typer.Option("--sroie/--no-sroie", help="Also train on SROIE train receipts (validation held out).")
        ] = True,
        sroie_ocr: Annotated[
            str | None,
            typer.Option(
                "--sroie-ocr",
                help="Also train on SROIE read by this OCR engine (auto, tesseract ...) and validate on it.",
            ),
        ] = None,
        synth_ocr: Annotated[
            str | None,
            typer.Option(
                "--synth-ocr",
                help="Also train on synthetic training documents scanned and read by this OCR engine (tesseract ...).",
            ),
        ] = None,
        synth_ocr_limit: Annotated[
            int,
            typer.Option("--synth-ocr-limit", help="How many --data training documents to also use OCR'd."),
        ] = 500,
        init: Annotated[
            Path | None, typer.Option("--init", help="Start from this tagger checkpoint (fine-tuning).")
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option("--out", help="Run folder (default ~/.cache/invoicer/runs/tagger); best model in <out>/best."),
        ] = None,
        resume: Annotated[
            bool, typer.Option("--resume", help="Continue the run in --out from its checkpoint.")
        ] = False,
        minutes: Annotated[
            float | None, typer.Option("--minutes", help="Stop (with a checkpoint) after this many minutes.")
        ] = None,
        steps: Annotated[
            int, typer.Option("--steps", help="Optimizer steps of the whole run (sets the LR schedule).")
        ] = 3000,
        seed: Annotated[int, typer.Option("--seed")] = 1234,
        batch_size: Annotated[int, typer.Option("--batch-size")] = 8,
        lr: Annotated[float, typer.Option("--lr")] = 5e-5,
        sroie_share: Annotated[
            float, typer.Option("--sroie-share", help="Share of SROIE windows in a batch when both sources are used.")
        ] = 0.3,
        checkpoint_minutes: Annotated[
            float, typer.Option("--checkpoint-minutes", help="Checkpoint every this many minutes.")
        ] = 10.0,
        validate_minutes: Annotated[
            float, typer.Option("--validate-minutes", help="Validation (and best export) every this many minutes.")
        ] = 20.0,
        warmup: Annotated[int, typer.Option("--warmup", help="Warm-up steps of the learning rate.")] = 150,
        device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")] = "auto",
        bf16: Annotated[
            bool, typer.Option("--bf16/--fp32", help="bf16 autocast (fast on CPUs with AMX or AVX-512 bf16).")
        ] = False,
    ) -> None:
        """Train the LayoutLM field tagger on synthetic documents plus SROIE train; export the best to <out>/best."""
        from invoicer.training.tagger import TaggerTrainConfig, train_tagger

        config = TaggerTrainConfig(
            synth_dirs=tuple(str(p.resolve()) for p in data or ()),
            use_sroie=sroie,
            sroie_ocr=sroie_ocr,
            synth_ocr=synth_ocr,
            synth_ocr_limit=synth_ocr_limit,
            init=str(init.resolve()) if init else None,
            steps=steps,
            batch_size=batch_size,
            learning_rate=lr,
            sroie_share=sroie_share,
            warmup_steps=warmup,
            validate_minutes=validate_minutes,
            seed=seed,
            device=device,
            bf16_autocast=bf16,
        )
        try:
            report = train_tagger(
                config,
                out,
                resume=resume,
                minutes=minutes,
                checkpoint_minutes=checkpoint_minutes,
                echo=lambda s: typer.echo(s, err=True),
            )
        except InvoicerError as exc:
            typer.echo(f"invoicer: {exc}", err=True)
            raise typer.Exit(2) from exc
        typer.echo(
            json.dumps(
                {
                    "out": str(report.out),
                    "steps": report.steps_done,
                    "best_score": report.best_score,
                    "best": str(report.best_dir) if report.best_dir else None,
                    "minutes": round(report.seconds / 60, 1),
                }
            )
        )
