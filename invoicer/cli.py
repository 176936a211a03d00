"""The ``invoicer`` command line: a thin shell over :class:`invoicer.pipeline.Pipeline`."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from invoicer import __version__
from invoicer.config import Settings, load_settings
from invoicer.contract import validate_output
from invoicer.document import Extraction, ExtractionStatus
from invoicer.errors import InvoicerError

app = typer.Typer(
    name="invoicer",
    help="Extract invoice and receipt fields from PDFs and images.",
    no_args_is_help=True,
    add_completion=False,
)

_state: dict[str, Settings] = {}


def _settings() -> Settings:
    if "settings" not in _state:
        _state["settings"] = load_settings()
    return _state["settings"]


@app.callback()
def main(
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML settings file (else $INVOICER_CONFIG or ./invoicer.toml)")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        _state["settings"] = load_settings(config_file=config)
    except InvoicerError as exc:
        typer.echo(f"invoicer: {exc}", err=True)
        raise typer.Exit(2) from exc


def iter_inputs(paths: list[Path]) -> Iterator[Path]:
    """Files named directly, and every non-hidden file below named folders (sorted)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in rel.parts):
                    yield child
        else:
            yield path  # missing files are reported by the pipeline


def _out_name(path: Path, used: set[str]) -> str:
    name = f"{path.stem}.json"
    k = 2
    while name in used:
        name = f"{path.stem}-{k}.json"
        k += 1
    used.add(name)
    return name


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="PDF/PNG/JPEG/TIFF files or folders (searched recursively).")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for <stem>.json files (default: current folder).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print each extraction as one JSON line on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
) -> None:
    """Extract fields from documents and write <stem>.json per input (no database involved).

    A file that cannot be read gets a readable message, a <stem>.json with status "failed", and makes
    the exit code 1; the other files are still processed.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from invoicer.pipeline import Pipeline

    files = list(iter_inputs(paths))
    if not files:
        typer.echo("invoicer: no input files found", err=True)
        raise typer.Exit(1)
    out_dir = out or Path(".")
    out_dir.mkdir(parents=True, exist_ok=True)
    console = Console(stderr=True, quiet=quiet, soft_wrap=True)
    used: set[str] = set()
    failures = 0
    counts: dict[str, int] = {}
    try:
        pipeline = Pipeline.from_settings(_settings())
        pipeline.setup()
    except InvoicerError as exc:
        console.print(f"[red]invoicer:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    show_progress = len(files) > 1 and console.is_terminal and not quiet
    with (
        pipeline,
        Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not show_progress,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("extracting", total=len(files))
        for path in files:
            progress.update(task, description=path.name[:40])
            extraction = pipeline.process(path)
            data = extraction.to_dict()
            validate_output(data)  # never write anything that breaks the contract
            text = json.dumps(data, ensure_ascii=False, indent=2)
            (out_dir / _out_name(path, used)).write_text(text + "\n", encoding="utf-8")
            if as_json:
                sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            counts[extraction.status.value] = counts.get(extraction.status.value, 0) + 1
            if extraction.status is ExtractionStatus.FAILED:
                failures += 1
                err = extraction.error
                assert err is not None
                progress.console.print(
                    f"[red]✗[/red] {path}: {err.message}" + (f" — {err.hint}" if err.hint else "") + f" [{err.code}]",
                    highlight=False,
                )
            else:
                _report(progress.console, path, extraction)
            progress.advance(task)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    console.print(f"{len(files)} file(s): {summary}; results in {out_dir}", highlight=False)
    if failures:
        raise typer.Exit(1)


def _report(console: object, path: Path, extraction: Extraction) -> None:
    found = ", ".join(f"{f.name}={f.value}" for f in extraction.fields) or "no fields"
    sources = "/".join(sorted({p.source.value for p in extraction.document.pages}))
    pages = extraction.document.page_count
    console.print(  # type: ignore[attr-defined]
        f"[green]✓[/green] {path}: {pages} page(s) via {sources}; {found}; {extraction.status.value}",
        highlight=False,
    )


@app.command()
def backends() -> None:
    """List the backends available for each stage."""
    from invoicer.ocr import ENGINES
    from invoicer.store import STORES
    from invoicer.tagging import TAGGERS
    from invoicer.validate import RULES

    for title, reg in (("ocr engines", ENGINES), ("taggers", TAGGERS), ("stores", STORES), ("validation rules", RULES)):
        typer.echo(f"{title}:")
        for name, desc in reg.describe().items():
            typer.echo(f"  {name:12s} {desc}")


@app.command("config")
def show_config() -> None:
    """Print the effective settings (defaults + file + INVOICER_* variables) as JSON."""
    typer.echo(json.dumps(_settings().to_dict(), indent=2))


@app.command()
def version() -> None:
    """Print invoicer's version."""
    typer.echo(__version__)


# Stage packages contribute their own commands: each module below, when present, has
# ``register(app: typer.Typer) -> None``. Keeps this file a thin shell.
COMMAND_MODULES: tuple[str, ...] = (
    "invoicer.synth.cli",  # synth, draw-labels, gallery
    "invoicer.datasets.cli",  # dataset tools (SROIE, yardstick)
    "invoicer.training.cli",  # train ocr / train tagger
    "invoicer.store.cli",  # db upgrade, run, export, review, vendors
    "invoicer.service.cli",  # watch, worker, status
)


def _register_commands() -> None:
    import importlib

    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # that part of invoicer is not there (yet), or its optional dependencies are not installed
            logging.getLogger(__name__).debug("commands of %s unavailable: %s", module_name, exc)
            continue
        module.register(app)


_register_commands()


def run() -> None:  # console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    run()
