"""Export timing: N synthetic invoices with line items, every CSV format, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/export/run.py [--invoices 10000] [--lines 3] [--db sqlite,postgresql]
                                              [--out benchmarks/export/results.json]

The invoices come from :func:`invoicer.store.synthetic.synthetic_extraction` (seeded, all EUR and
approved, so every format exports every invoice) and are stored through the normal
``store_extraction`` path. Each format then runs ``export_invoices`` — select from the pull views,
render with pandas, write the file and mark every row exported in the same transaction — on its own
fresh copy of the database (SQLite: a file copy; PostgreSQL: ``CREATE DATABASE ... TEMPLATE``).
The timed span is the whole ``export_invoices`` call. Each file is read back with pandas and its
totals compared with the database. Prints JSON (also written to ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from invoicer.export import ExportOptions, export_invoices
from invoicer.store.database import Database
from invoicer.store.pull import invoice_lines_v1, invoices_v1
from invoicer.store.synthetic import store_many, synthetic_extraction
from invoicer.store.testing import PostgresUnavailable, migrated_sqlite, postgres_admin_url, temporary_postgres

LIMIT_S = 5.0
FORMATS: dict[str, ExportOptions] = {
    "generic": ExportOptions(),
    "xero": ExportOptions(account="400"),
    "quickbooks": ExportOptions(account="Office Supplies"),
    "datev": ExportOptions(account="3400", contra_account="70000", datev_consultant=1001, datev_client=1),
}


def _extractions(n: int, lines: int) -> Any:
    for k in range(n):
        ex = synthetic_extraction(k, lines=lines, review_share=0.0, seed=1)
        fields = [replace(f, value="EUR", raw="EUR") if f.name == "currency" else f for f in ex.fields]
        yield ex.with_fields(fields)


def _read_back(fmt: str, path: Path) -> tuple[int, float]:
    """Rows and the sum of the gross or net amounts, read with pandas."""
    if fmt == "datev":
        frame = pd.read_csv(path, sep=";", decimal=",", skiprows=1, encoding="cp1252", low_memory=False)
        return len(frame), float(frame["Umsatz (ohne Soll/Haben-Kz)"].sum())
    frame = pd.read_csv(path, low_memory=False)
    column = {"generic": "total", "xero": "*UnitAmount", "quickbooks": "Line Amount"}[fmt]
    if fmt == "xero":
        return len(frame), float((frame["*Quantity"] * frame["*UnitAmount"]).sum())
    return len(frame), float(frame[column].sum())


def _sums(database: Database) -> dict[str, float]:
    with database.read() as session:
        total = session.scalar(select(func.sum(invoices_v1.c.total)))
        net = session.scalar(select(func.sum(invoice_lines_v1.c.amount)))
    return {"total": float(total or 0), "net": float(net or 0)}


def _export(url: str, fmt: str, workdir: Path, n: int, sums: dict[str, float]) -> dict[str, Any]:
    database = Database(url)
    out = workdir / f"{fmt}.csv"
    lines_out = workdir / f"{fmt}-lines.csv" if fmt == "generic" else None
    try:
        start = time.perf_counter()
        result = export_invoices(database, fmt, out, options=FORMATS[fmt], lines_out=lines_out)
        seconds = time.perf_counter() - start
    finally:
        database.dispose()
    rows, amount = _read_back(fmt, out)
    expected = sums["total"] if fmt in ("generic", "datev") else sums["net"]
    return {
        "seconds": round(seconds, 3),
        "within_limit": seconds <= LIMIT_S,
        "invoices": result.invoices,
        "rows": result.rows,
        "marked_exported": result.marked,
        "file_bytes": out.stat().st_size + (lines_out.stat().st_size if lines_out else 0),
        "read_back_rows": rows,
        "amounts_match": abs(amount - expected) < 0.01 * max(1, rows) and result.marked == n,
    }


def bench_sqlite(n: int, lines: int, workdir: Path) -> dict[str, Any]:
    base = workdir / "base.db"
    database = migrated_sqlite(base)
    start = time.perf_counter()
    store_many(database, _extractions(n, lines))
    populate = time.perf_counter() - start
    sums = _sums(database)
    database.dispose()
    results = {}
    for fmt in FORMATS:
        copy = workdir / f"{fmt}.db"
        shutil.copy(base, copy)
        results[fmt] = _export(f"sqlite:///{copy}", fmt, workdir, n, sums)
        copy.unlink()
    return {"populate_seconds": round(populate, 1), "formats": results}


def bench_postgres(n: int, lines: int, workdir: Path) -> dict[str, Any]:
    with temporary_postgres() as base_url:
        database = Database(base_url)
        start = time.perf_counter()
        store_many(database, _extractions(n, lines))
        populate = time.perf_counter() - start
        sums = _sums(database)
        database.dispose()
        admin = create_engine(make_url(postgres_admin_url()), isolation_level="AUTOCOMMIT")
        base_name = make_url(base_url).database
        results = {}
        try:
            for fmt in FORMATS:
                name = f"{base_name}_{fmt}_{secrets.token_hex(2)}"
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{base_name}"'))
                try:
                    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
                    results[fmt] = _export(url, fmt, workdir, n, sums)
                finally:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()
    return {"populate_seconds": round(populate, 1), "formats": results}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=3, help="line items per invoice")
    parser.add_argument("--db", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args(argv)
    report: dict[str, Any] = {
        "benchmark": "export",
        "limit_seconds": LIMIT_S,
        "machine": {
            "processor": platform.processor() or platform.machine(),
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "sqlalchemy": sqlalchemy.__version__,
            "pandas": pd.__version__,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],  # the machine is shared
        },
        "data": {
            "invoices": args.invoices,
            "lines_per_invoice": args.lines,
            "source": "invoicer.store.synthetic.synthetic_extraction(k, seed=1), EUR, all approved",
        },
        "timed": "export_invoices(): query the views, render with pandas, write, mark exported, commit",
        "databases": {},
    }
    with tempfile.TemporaryDirectory(prefix="invoicer-export-bench-") as tmp:
        workdir = Path(tmp)
        for kind in [k.strip() for k in args.db.split(",") if k.strip()]:
            if kind == "sqlite":
                report["databases"]["sqlite"] = bench_sqlite(args.invoices, args.lines, workdir)
            elif kind == "postgresql":
                try:
                    report["databases"]["postgresql"] = bench_postgres(args.invoices, args.lines, workdir)
                except PostgresUnavailable as exc:
                    report["databases"]["postgresql"] = {"skipped": str(exc)}
            else:
                parser.error(f"unknown database kind {kind!r}")
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    text_out = json.dumps(report, indent=2)
    print(text_out)
    args.out.write_text(text_out + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
