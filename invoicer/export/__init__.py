"""CSV exports for accountants and accounting systems, built with pandas from the pull views.

Formats are chosen by name from :data:`FORMATS`: ``generic``, ``xero``, ``quickbooks``, ``datev``.
:func:`export_invoices` selects invoices from ``invoices_v1`` (by status and ``updated_at``
cursor), renders the file, and — in the same database transaction — marks the exported rows
``exported`` (only ``approved`` / ``export_failed`` rows change). The file appears under its final
name only after the transaction committed; if anything fails, nothing is marked and no file is left.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from invoicer.errors import ExportError
from invoicer.export.base import ExportFormat, ExportOptions, Rendered
from invoicer.export.datev import Datev
from invoicer.export.formats import Generic, QuickBooks, Xero
from invoicer.export.frames import invoices_frame, lines_frame
from invoicer.registry import Registry
from invoicer.store.database import Database, Transaction
from invoicer.store.pull import Cursor, invoices_query, pull_lines, record_export
from invoicer.store.status import DocumentStatus

__all__ = ["FORMATS", "ExportOptions", "ExportResult", "export_invoices"]

FORMATS: Registry[ExportFormat] = Registry("export format")
FORMATS.register("generic", "One row per invoice (+ optional line-items file), with a link to the original")(Generic)
FORMATS.register("xero", "Xero bills import template (one row per line item)")(Xero)
FORMATS.register("quickbooks", "QuickBooks Online bills import (one row per expense line)")(QuickBooks)
FORMATS.register("datev", "DATEV EXTF Buchungsstapel (header line, semicolons, decimal comma)")(Datev)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote and marked."""

    format: str
    path: Path | None  # None when there was nothing to write
    lines_path: Path | None
    selected: int  # invoices that matched --status / --since
    invoices: int  # invoices written
    rows: int  # data rows in the file
    outcomes: dict[str, int]  # marking outcome → count (empty when not marking)
    next_cursor: Cursor | None  # pass as --since next time to see only later changes
    notes: tuple[str, ...]

    @property
    def marked(self) -> int:
        return self.outcomes.get("marked", 0)


def _check_csv_options(fmt: ExportFormat, options: ExportOptions) -> None:
    delimiter = options.delimiter or fmt.delimiter
    decimal = options.decimal or fmt.decimal
    if len(delimiter) != 1 or len(decimal) != 1:
        raise ExportError(f"--delimiter and --decimal must be single characters, got {delimiter!r} and {decimal!r}")
    if delimiter == decimal:
        raise ExportError(f"the delimiter and the decimal mark are both {delimiter!r}", hint="e.g. --delimiter ';'")
    if options.encoding:
        try:
            "".encode(options.encoding)
        except LookupError as exc:
            raise ExportError(f"unknown encoding {options.encoding!r}", hint="e.g. utf-8, utf-8-sig, cp1252") from exc


def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def export_invoices(
    database: Database,
    format_name: str,
    out: str | os.PathLike[str],
    *,
    since: Cursor | None = None,
    statuses: Iterable[str] | None = (DocumentStatus.APPROVED.value,),
    options: ExportOptions | None = None,
    lines_out: str | os.PathLike[str] | None = None,
    limit: int | None = None,
    mark: bool = True,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Write invoices matching ``statuses`` (None: all) changed after ``since`` to ``out`` in ``format_name``.

    With ``mark`` the written invoices are marked exported in the same transaction that read them.
    ``lines_out`` (generic only) also writes one row per line item.
    """
    fmt = FORMATS.create(format_name)
    options = options or ExportOptions()
    if lines_out is not None:
        if fmt.name != "generic":
            raise ExportError("a line-items file (--lines) exists only for the generic format")
        options = replace(options, with_lines=True)
    _check_csv_options(fmt, options)
    if limit is not None and limit <= 0:
        raise ExportError(f"--limit must be positive, got {limit}")
    path = Path(out)
    lines_path = Path(lines_out) if lines_out is not None else None
    for target in (path, lines_path):
        if target is not None and not target.parent.is_dir():
            raise ExportError(f"the folder {target.parent} does not exist", hint="create it first")
    status_list = list(statuses) if statuses is not None else None
    if status_list is not None:
        valid = {s.value for s in DocumentStatus}
        unknown = [s for s in status_list if s not in valid]
        if unknown:
            raise ExportError(f"unknown status {', '.join(unknown)}", hint=f"statuses: {', '.join(sorted(valid))}")
    encoding = options.encoding or fmt.encoding
    temps = [p for p in (_temp_path(path), _temp_path(lines_path) if lines_path else None) if p is not None]

    def produce(session: Session, created: dt.datetime) -> tuple[Rendered, int, Cursor | None]:
        rows = session.execute(invoices_query(after=since, statuses=status_list, limit=limit)).all()
        invoices = invoices_frame(rows)
        lines = lines_frame(pull_lines(session, [r.invoice_id for r in rows]))
        cursor = Cursor(rows[-1].updated_at, rows[-1].invoice_id) if rows else since
        rendered = fmt.render(invoices, lines, options, created) if rows else Rendered("", (), 0)
        if rendered.rows:
            temps[0].write_bytes(rendered.text.encode(encoding, errors="replace"))
            if lines_path is not None and rendered.lines_text is not None:
                temps[1].write_bytes(rendered.lines_text.encode(encoding, errors="replace"))
        return rendered, len(rows), cursor

    def in_transaction(tx: Transaction) -> tuple[Rendered, int, Cursor | None, dict[str, int]]:
        rendered, selected, cursor = produce(tx.session, now or tx.now)
        counts: dict[str, int] = {}
        if rendered.invoice_ids:
            outcomes = record_export(tx, rendered.invoice_ids, system=f"csv:{fmt.name}", reference=str(path.resolve()))
            counts = dict(Counter(o.value for o in outcomes.values()))
        return rendered, selected, cursor, counts

    try:
        if mark:
            rendered, selected, cursor, counts = database.write(in_transaction, actor=f"export:{fmt.name}")
        else:
            with database.read() as session:
                rendered, selected, cursor = produce(session, now or dt.datetime.now(dt.UTC))
            counts = {}
        if rendered.rows:
            os.replace(temps[0], path)
            if lines_path is not None and rendered.lines_text is not None:
                os.replace(temps[1], lines_path)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    notes: list[str] = list(rendered.notes)
    if selected == 0:
        notes.append("no invoices matched; nothing written")
    elif rendered.rows == 0:
        notes.append("no invoice could be written in this format; nothing written")
    if counts.get("not_exportable"):
        notes.append(f"{counts['not_exportable']} invoice(s) written but not marked: their status is not approved")
    return ExportResult(
        format=fmt.name,
        path=path if rendered.rows else None,
        lines_path=lines_path if rendered.rows and rendered.lines_text is not None else None,
        selected=selected,
        invoices=len(rendered.invoice_ids),
        rows=rendered.rows,
        outcomes=counts,
        next_cursor=cursor,
        notes=tuple(notes),
    )
