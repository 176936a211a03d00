"""``invoicer datasets ...``: inspect the SROIE loader and its split, and check the yardstick labels."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from invoicer.errors import InvoicerError

datasets_app = typer.Typer(
    name="datasets",
    help="Real data sets: SROIE receipts (training) and the hand-checked yardstick (measuring only).",
    no_args_is_help=True,
)

RootOption = Annotated[
    Path | None, typer.Option("--root", help="SROIE train folder (default: ../shared/data/sroie-train).")
]
SplitFileOption = Annotated[
    Path | None, typer.Option("--split-file", help="Recorded split (default: invoicer/datasets/splits/sroie.json).")
]


def register(app: typer.Typer) -> None:
    """Add the ``datasets`` sub-command group to the main CLI."""
    app.add_typer(datasets_app, name="datasets")


def _fail(exc: InvoicerError) -> typer.Exit:
    typer.echo(f"invoicer: {exc}", err=True)
    return typer.Exit(2)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@datasets_app.command("sroie-stats")
def sroie_stats(
    root: RootOption = None,
    split_file: SplitFileOption = None,
    crops: Annotated[bool, typer.Option("--crops/--no-crops", help="Also cut every line crop and time it.")] = True,
    padding: Annotated[int, typer.Option("--padding", help="Pixels added around each line crop.")] = 3,
    show_unaligned: Annotated[bool, typer.Option("--unaligned", help="List every field that was not aligned.")] = False,
) -> None:
    """Split sizes, line-crop counts and key-field alignment counts of the SROIE loader (JSON)."""
    from invoicer.datasets import sroie

    try:
        split = sroie.load_sroie_split(split_file)
        data_ids = set(sroie.sroie_ids(root))
        listed = set(split.ids("all"))
        out: dict[str, Any] = {
            "root": str(Path(root) if root else sroie.default_sroie_root()),
            "receipts_in_data": len(data_ids),
            "split": {"train": len(split.train), "validation": len(split.validation)},
            "ids_not_in_split": sorted(data_ids - listed),
            "split_ids_not_in_data": sorted(listed - data_ids),
        }
        if crops:
            counts: dict[str, int] = {}
            start = time.perf_counter()
            for name in ("train", "validation"):
                counts[name] = sum(
                    1 for _ in sroie.sroie_line_crops(name, root, padding=padding, split_file=split_file)
                )
            out["line_crops"] = {
                **counts,
                "total": sum(counts.values()),
                "seconds": round(time.perf_counter() - start, 2),
            }
        start = time.perf_counter()
        per_split = {}
        for name in ("train", "validation"):
            summary = sroie.summarize_alignments(sroie.sroie_receipts(name, root, split_file=split_file))
            if not show_unaligned:
                summary["unaligned"] = len(summary["unaligned"])
            per_split[name] = summary
        out["labelled_receipts"] = per_split
        out["labelling_seconds"] = round(time.perf_counter() - start, 2)
    except InvoicerError as exc:
        raise _fail(exc) from exc
    _echo_json(out)


@datasets_app.command("sroie-split")
def sroie_split(
    root: RootOption = None,
    split_file: SplitFileOption = None,
    write: Annotated[bool, typer.Option("--write", help="Write the split file (else only compare with it).")] = False,
) -> None:
    """Recompute the deterministic SROIE split and compare it with the recorded one (or record it with --write).

    Exits 1 when the recorded split differs from a fresh computation.
    """
    from invoicer.datasets import sroie

    try:
        fresh = sroie.make_sroie_split(sroie.sroie_ids(root))
        if write:
            target = sroie.write_sroie_split(fresh, split_file)
            typer.echo(f"wrote {target}: {len(fresh.train)} train, {len(fresh.validation)} validation")
            return
        recorded = sroie.load_sroie_split(split_file)
    except InvoicerError as exc:
        raise _fail(exc) from exc
    same = recorded.train == fresh.train and recorded.validation == fresh.validation
    typer.echo(
        f"recorded split: {len(recorded.train)} train, {len(recorded.validation)} validation; "
        + ("matches a fresh computation" if same else "DIFFERS from a fresh computation")
    )
    if not same:
        raise typer.Exit(1)


@datasets_app.command("yardstick-check")
def yardstick_check(
    labels: Annotated[
        Path | None, typer.Option("--labels", help="Label folder or .jsonl file (default: benchmarks/yardstick).")
    ] = None,
    pdf_root: Annotated[
        Path | None, typer.Option("--pdf-root", help="Folder of the PDFs (default: ../shared/data/receipts-pdf).")
    ] = None,
    warnings: Annotated[bool, typer.Option("--warnings/--no-warnings", help="Also list warnings.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Validate every yardstick label record; exits 1 when any record is invalid."""
    from invoicer.datasets.yardstick import check_yardstick

    try:
        result = check_yardstick(labels, pdf_root)
    except InvoicerError as exc:
        raise _fail(exc) from exc
    if as_json:
        _echo_json(result.to_dict())
    else:
        for problem in result.problems:
            if warnings or problem.severity == "error":
                typer.echo(str(problem))
        hashes = (
            "sha256 and page counts checked against the PDFs"
            if result.pdfs_checked
            else "PDFs not found: hashes not checked"
        )
        typer.echo(
            f"{result.records} record(s) in {', '.join(result.files)}: {len(result.docs)} valid, "
            f"{len(result.errors)} error(s), {len(result.warnings)} warning(s); {hashes}"
        )
    if result.errors:
        raise typer.Exit(1)
