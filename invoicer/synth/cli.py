"""Commands of the synthetic data engine: ``synth``, ``draw-labels`` and ``gallery``."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Annotated

import typer

from invoicer.errors import InvoicerError


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in value.split(",") if x.strip()) if value else ()


def synth(
    n: Annotated[int, typer.Option("--n", help="How many documents to write.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the documents, truth files and manifest.jsonl.")],
    seed: Annotated[int, typer.Option("--seed", help="Run seed: document i depends only on (seed, i).")] = 0,
    mode: Annotated[str, typer.Option("--mode", help="docs (born-digital PDF + truth), scan (degraded image "
                                                     "PDF/PNG + truth) or lines (text-line crops for OCR).")] = "docs",
    kind: Annotated[str, typer.Option("--kind", help="mixed, invoice or receipt.")] = "mixed",
    locales: Annotated[str | None, typer.Option("--locales", help="Comma-separated locales (default: all), "
                                                                   "e.g. de-DE,fr-FR.")] = None,
    layouts: Annotated[str | None, typer.Option("--layouts", help="Comma-separated layout families "
                                                                   "(default: all of the kind).")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes (output is the same for any "
                                                           "number).")] = 1,
    lines_per_doc: Annotated[int, typer.Option("--lines-per-doc", help="Line crops per document in lines "
                                                                       "mode.")] = 24,
    start: Annotated[int, typer.Option("--start", help="Index of the first document (to extend a run).")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")] = False,
) -> None:
    """Write N synthetic invoices/receipts with exact truth (fields, line items, labelled words)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from invoicer.synth.engine import LOCALE_CODES, SynthOptions, generate

    console = Console(stderr=True, quiet=quiet)
    try:
        options = SynthOptions(mode=mode, kind=kind, locales=_split(locales) or LOCALE_CODES,
                               layouts=_split(layouts), lines_per_doc=lines_per_doc)
        if start < 0:
            raise InvoicerError(f"--start must not be negative (got {start})")
        with Progress(TextColumn("synth"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                      disable=quiet or not console.is_terminal, transient=True) as progress:
            task = progress.add_task("synth", total=n)
            summary = generate(out, n, seed, options, workers=workers, start=start,
                               progress=lambda k: progress.update(task, completed=k))
    except InvoicerError as exc:
        console.print(f"[red]invoicer synth:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    report = summary.to_dict() | {"out": str(out), "seed": seed, "mode": mode, "workers": workers,
                                  "machine": {"processor": platform.processor() or platform.machine(),
                                              "cpu_count": os.cpu_count()}}
    sys.stdout.write(json.dumps(report, indent=2) + "\n")


def draw_labels_cmd(
    json_path: Annotated[Path, typer.Argument(help="A synthetic truth JSON or an extraction JSON.")],
    document: Annotated[Path | None, typer.Option("--document", help="The document (default: the truth's "
                                                                     "file / the extraction's source).")] = None,
    page: Annotated[int, typer.Option("--page", help="Page number (1-based).")] = 1,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="PNG to write (default: <json stem>-labels-"
                                                                 "p<page>.png next to the JSON).")] = None,
    dpi: Annotated[float, typer.Option("--dpi", help="Resolution of the drawing.")] = 100,
) -> None:
    """Draw the labelled words (truth) or extracted fields (extraction) on the page, coloured by field."""
    from invoicer.synth.draw import draw_labels

    try:
        try:
            data = json.loads(json_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InvoicerError("no such file", path=str(json_path)) from None
        except json.JSONDecodeError as exc:
            raise InvoicerError(f"not valid JSON ({exc})", path=str(json_path)) from exc
        if document is None:
            if "file" in data:
                document = json_path.parent / str(data["file"])
            elif data.get("document", {}).get("source_path"):
                document = Path(data["document"]["source_path"])
            else:
                raise InvoicerError("the JSON names no document; pass --document", path=str(json_path))
        try:
            doc_bytes = document.read_bytes()
        except OSError as exc:
            raise InvoicerError(f"cannot read the document ({exc.strerror})", path=str(document)) from exc
        try:
            img = draw_labels(data, doc_bytes, page=page, dpi=dpi)
        except ValueError as exc:
            raise InvoicerError(str(exc), path=str(json_path)) from exc
    except InvoicerError as exc:
        typer.echo(f"invoicer draw-labels: {exc}", err=True)
        raise typer.Exit(2) from exc
    target = out or json_path.with_name(f"{json_path.stem}-labels-p{page}.png")
    img.save(target)
    typer.echo(str(target))


def gallery(
    out: Annotated[Path, typer.Option("--out", help="Folder for the images and index.md.")] = Path("docs/gallery"),
    seed: Annotated[int, typer.Option("--seed", help="Seed of the samples.")] = 2024,
    dpi: Annotated[float, typer.Option("--dpi", help="Resolution of the images.")] = 100,
) -> None:
    """Render one sample per layout family (and two label overlays) into a gallery with index.md."""
    from invoicer.synth.gallery import build_gallery

    entries = build_gallery(out, seed=seed, dpi=dpi)
    for e in entries:
        typer.echo(f"{e.file:28s} {e.family.kind:8s} {e.locale}  {e.bytes / 1000:.0f} kB")


def register(app: typer.Typer) -> None:
    """Add ``synth``, ``draw-labels`` and ``gallery`` to the invoicer CLI."""
    app.command("synth")(synth)
    app.command("draw-labels")(draw_labels_cmd)
    app.command("gallery")(gallery)
