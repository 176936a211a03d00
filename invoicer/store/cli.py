"""Commands of the database part of invoicer: ``db``, ``run``, ``export``, ``mark-exported``, ``review``, ``vendors``.

Registered on the main app by :func:`register` (see ``invoicer.cli.COMMAND_MODULES``).
"""

from __future__ import annotations

import getpass
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from invoicer.errors import InvoicerError

if TYPE_CHECKING:  # pragma: no cover
    from invoicer.config import Settings
    from invoicer.store.database import Database

__all__ = ["register"]


def _fail(exc: InvoicerError | str, code: int = 2) -> NoReturn:
    typer.echo(f"invoicer: {exc}", err=True)
    raise typer.Exit(code)


def _settings() -> Settings:
    from invoicer.cli import _settings as cli_settings  # imported late: invoicer.cli imports this module

    return cli_settings()


def _database(*, migrated: bool = True) -> Database:
    from invoicer.store.database import Database

    try:
        database = Database.from_settings(_settings().database)
        if migrated:
            database.require_schema()
    except InvoicerError as exc:
        _fail(exc)
    return database


def _person(name: str | None) -> str:
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name (containers)
        _fail("say who you are with --by NAME")


# -- db ---------------------------------------------------------------------------------------

db_app = typer.Typer(help="Create and migrate the database (Alembic).", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision (default: the newest).")] = "head",
) -> None:
    """Create or migrate the database at database.url to the newest schema."""
    from invoicer.store import migrations

    database = _database(migrated=False)
    try:
        before = migrations.current_revision(database)
        migrations.upgrade(database, revision)
        after = migrations.current_revision(database)
    except InvoicerError as exc:
        _fail(exc)
    except Exception as exc:
        _fail(f"migration failed on {database.display_url}: {exc}")
    finally:
        database.dispose()
    typer.echo(f"{database.display_url}: schema {before or '(empty)'} → {after}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision: an id, -1, or base (removes all tables).")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm that data in dropped tables is lost.")] = False,
) -> None:
    """Migrate the database down to REVISION (data in dropped tables is lost)."""
    from invoicer.store import migrations

    if not yes:
        _fail("downgrading can drop tables and their data; add --yes to confirm")
    database = _database(migrated=False)
    try:
        before = migrations.current_revision(database)
        migrations.downgrade(database, revision)
        after = migrations.current_revision(database)
    except InvoicerError as exc:
        _fail(exc)
    except Exception as exc:
        _fail(f"migration failed on {database.display_url}: {exc}")
    finally:
        database.dispose()
    typer.echo(f"{database.display_url}: schema {before or '(empty)'} → {after or '(empty)'}")


@db_app.command("current")
def db_current() -> None:
    """Show the database URL, its schema revision and the newest one."""
    from invoicer.store import migrations

    database = _database(migrated=False)
    try:
        current, head = migrations.current_revision(database), migrations.head_revision()
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    state = "up to date" if current == head else "run `invoicer db upgrade`"
    typer.echo(f"{database.display_url}: schema {current or '(empty)'}, newest {head} ({state})")


# -- run --------------------------------------------------------------------------------------


def run(
    paths: Annotated[list[Path], typer.Argument(help="PDF/PNG/JPEG/TIFF files or folders (searched recursively).")],
    reprocess: Annotated[
        bool, typer.Option("--reprocess", help="Extract files already stored again (adds an extraction version).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON line per file on stdout.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No per-file lines or summary on stderr.")] = False,
) -> None:
    """Send files through the whole pipeline and store the results in the database.

    The same file (by content) is always the same document: a file stored before is skipped unless
    --reprocess is given. Each file is worked on under a claim with a lease, as in the watched inbox:
    two runs never process one file at once, a killed run is resumed by the next one, and a file that
    crashed the run inbox.max_attempts times is stored as failed (quarantined) instead of crashing it again.
    Files that cannot be read are stored with status "failed" and their error, and make the exit code 1.
    """
    from invoicer.cli import iter_inputs
    from invoicer.document import ExtractionStatus
    from invoicer.pipeline import Pipeline, failed_extraction
    from invoicer.service.runs import claimed
    from invoicer.service.settings import ServiceSettings
    from invoicer.store.records import find_document
    from invoicer.store.sql import SqlStore

    files = list(iter_inputs(paths))
    if not files:
        _fail("no input files found", 1)
    settings = _settings()
    database = _database()
    try:
        pipeline = Pipeline.from_settings(settings, store="sql")
        store = next(s for s in pipeline.stages if isinstance(s, SqlStore))
        store.use(database, reprocess=reprocess, settings=settings)
        pipeline.setup()
    except InvoicerError as exc:
        _fail(exc)
    service = ServiceSettings.from_settings(settings)
    claim_options: dict[str, Any] = {"lease_s": service.lease_s, "max_attempts": service.max_attempts}
    counts: dict[str, int] = {}
    failures = 0

    def say(text: str) -> None:
        if not quiet:
            typer.echo(text, err=True)

    with pipeline:
        for path in files:
            absolute = path.resolve() if path.exists() else path.absolute()
            sha, size = _identity(absolute)
            if not reprocess and sha:
                with database.read() as session:
                    known = find_document(session, sha256=sha, path=None)
                    seen = (known.id, known.status, known.current_version) if known is not None else None
                if seen is not None and seen[2] is not None:
                    counts["already stored"] = counts.get("already stored", 0) + 1
                    failures += seen[1] == "failed"
                    say(f"= {path}: already stored as document {seen[0]} ({seen[1]}); --reprocess to extract again")
                    _emit(as_json, path, seen[0], seen[2], seen[1], stored=False)
                    continue
            # the inbox's guarantees: a claim with a lease (no two runs on one file; a file that keeps
            # crashing the run is quarantined; a killed run's claim is taken over by the next run)
            with claimed(database, absolute, sha, size, **claim_options) if sha else nullcontext() as held:
                if sha and held is None:
                    counts["busy"] = counts.get("busy", 0) + 1
                    say(f"~ {path}: being processed by another run or worker right now; skipped")
                    continue
                store.take_result()
                if held is not None and held.quarantined:
                    extraction = failed_extraction(
                        absolute,
                        "quarantined",
                        f"processing crashed {held.claim.attempts - 1} time(s); quarantined",
                        "see `invoicer status`",
                        None,
                    )
                else:
                    extraction = pipeline.process(absolute)
                stored = store.take_result()
                if stored is None and extraction.status is ExtractionStatus.FAILED:
                    err = extraction.error
                    if err is not None and err.code == "storage_error":
                        _fail(f"{path}: {err.message}" + (f" — {err.hint}" if err.hint else ""))
                    try:
                        stored = store.store(extraction)
                    except InvoicerError as exc:
                        _fail(exc)
                assert stored is not None
                if held is not None:
                    held.document_id = stored.document_id
                    held.failed = extraction.status is ExtractionStatus.FAILED
                    held.error = f"{extraction.error.code}: {extraction.error.message}" if extraction.error else None
            counts[stored.status.value] = counts.get(stored.status.value, 0) + 1
            where = f"document {stored.document_id} v{stored.version}"
            if extraction.status is ExtractionStatus.FAILED:
                failures += 1
                err = extraction.error
                assert err is not None
                hint = f" — {err.hint}" if err.hint else ""
                say(f"✗ {path}: {err.message}{hint} [{err.code}] → {where} (failed)")
            else:
                found = ", ".join(f"{f.name}={f.value}" for f in extraction.fields) or "no fields"
                say(f"✓ {path}: {extraction.document.page_count} page(s); {found} → {where} ({stored.status.value})")
            _emit(as_json, path, stored.document_id, stored.version, stored.status.value, stored=True)
    database.dispose()
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    say(f"{len(files)} file(s): {summary}; database {database.display_url}")
    if failures:
        raise typer.Exit(1)


def _identity(path: Path) -> tuple[str | None, int]:
    """sha256 and size of a readable file, else (None, 0)."""
    from invoicer.ingest import sha256_of

    if not path.is_file():
        return None, 0
    try:
        data = path.read_bytes()
    except OSError:
        return None, 0
    return sha256_of(data), len(data)


def _emit(enabled: bool, path: Path, document_id: int, version: int | None, status: str, *, stored: bool) -> None:
    if enabled:
        record = {"path": str(path), "document_id": document_id, "version": version, "status": status, "stored": stored}
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()


# -- export -----------------------------------------------------------------------------------


def _parse_since(text: str | None) -> Any:
    from invoicer.store.pull import Cursor

    if text is None:
        return None
    try:
        return Cursor.parse(text)
    except ValueError as exc:
        _fail(f"--since: {exc}")


def _parse_statuses(text: str) -> list[str] | None:
    if text.strip().lower() == "all":
        return None
    return [s.strip() for s in text.split(",") if s.strip()]


def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="generic | xero | quickbooks | datev")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The CSV file to write.")],
    since: Annotated[
        str | None, typer.Option("--since", help="Only invoices changed after this time (ISO) or cursor (TIME/ID).")
    ] = None,
    status: Annotated[
        str, typer.Option("--status", help="Status(es) to export, comma-separated, or 'all'.")
    ] = "approved",
    lines: Annotated[Path | None, typer.Option("--lines", help="generic: also write line items to this file.")] = None,
    delimiter: Annotated[str | None, typer.Option("--delimiter", help="Field separator (format default).")] = None,
    decimal: Annotated[str | None, typer.Option("--decimal", help="Decimal mark (format default).")] = None,
    date_format: Annotated[
        str | None, typer.Option("--date-format", help="strftime pattern for dates (format default).")
    ] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="File encoding (format default).")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="At most this many invoices (oldest change first).")
    ] = None,
    no_mark: Annotated[
        bool, typer.Option("--no-mark", help="Preview: write the file but leave the invoices' status alone.")
    ] = False,
    account: Annotated[
        str | None,
        typer.Option("--account", help="Expense account: Xero AccountCode, QuickBooks Account, DATEV Konto."),
    ] = None,
    contra_account: Annotated[
        str | None, typer.Option("--contra-account", help="DATEV: creditor account (Gegenkonto).")
    ] = None,
    tax_code: Annotated[str | None, typer.Option("--tax-code", help="Xero TaxType / QuickBooks Line Tax Code.")] = None,
    datev_consultant: Annotated[int | None, typer.Option("--datev-consultant", help="DATEV Beraternummer.")] = None,
    datev_client: Annotated[int | None, typer.Option("--datev-client", help="DATEV Mandantennummer.")] = None,
    datev_account_length: Annotated[int, typer.Option("--datev-account-length", help="DATEV Sachkontenlänge.")] = 4,
    fiscal_year_start: Annotated[
        str, typer.Option("--fiscal-year-start", help="DATEV: first day of the fiscal year, MMDD.")
    ] = "0101",
    fiscal_year: Annotated[
        int | None, typer.Option("--fiscal-year", help="DATEV: export only this fiscal year (the year it starts in).")
    ] = None,
    currency: Annotated[str, typer.Option("--datev-currency", help="DATEV: the batch currency.")] = "EUR",
) -> None:
    """Write invoices to a CSV file for an accountant or an accounting system's import.

    Written invoices are marked exported in the same transaction (unless --no-mark); only approved
    (or export_failed) invoices change status. Prints the cursor to pass as --since next time.
    """
    from invoicer.export import ExportOptions, export_invoices

    options = ExportOptions(
        delimiter=delimiter,
        decimal=decimal,
        date_format=date_format,
        encoding=encoding,
        account=account,
        contra_account=contra_account,
        tax_code=tax_code,
        datev_consultant=datev_consultant,
        datev_client=datev_client,
        datev_account_length=datev_account_length,
        fiscal_year_start=fiscal_year_start,
        fiscal_year=fiscal_year,
        currency=currency,
    )
    cursor = _parse_since(since)
    database = _database()
    try:
        result = export_invoices(
            database,
            fmt,
            out,
            since=cursor,
            statuses=_parse_statuses(status),
            options=options,
            lines_out=lines,
            limit=limit,
            mark=not no_mark,
        )
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    if result.path is not None:
        marked = "not marked (--no-mark)" if no_mark else f"{result.marked} marked exported"
        extra = f" and {result.lines_path}" if result.lines_path else ""
        typer.echo(
            f"wrote {result.invoices} invoice(s), {result.rows} row(s) to {result.path}{extra}; {marked}", err=True
        )
    if result.next_cursor is not None:
        typer.echo(f"next: --since '{result.next_cursor}'", err=True)


def mark_exported(
    ids: Annotated[list[int], typer.Argument(help="Invoice ids (invoices_v1.invoice_id).")],
    system: Annotated[str, typer.Option("--system", help="Name of the system the invoices went to.")],
    reference: Annotated[str | None, typer.Option("--reference", help="Its id for the batch or booking.")] = None,
    failed: Annotated[
        str | None, typer.Option("--failed", help="Mark export_failed with this message instead.")
    ] = None,
) -> None:
    """Mark invoices exported (or export_failed) for a pulling system; repeating it changes nothing."""
    from invoicer.store.pull import mark_export_failed, mark_exported

    database = _database()
    try:
        if failed is not None:
            outcomes = mark_export_failed(database, ids, system=system, message=failed)
        else:
            outcomes = mark_exported(database, ids, system=system, reference=reference)
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    for invoice_id, outcome in outcomes.items():
        typer.echo(f"{invoice_id}\t{outcome.value}")
    if any(o.value in ("unknown", "not_exportable", "stale") for o in outcomes.values()):
        raise typer.Exit(1)


# -- review -----------------------------------------------------------------------------------

review_app = typer.Typer(help="Work the review queue: list, show, correct, approve, reject.", no_args_is_help=True)


@review_app.command("list")
def review_list(
    status: Annotated[str, typer.Option("--status", help="Statuses to list, comma-separated.")] = "needs_review",
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many.")] = None,
) -> None:
    """List documents waiting for a person, and why."""
    from invoicer.store.review import review_queue
    from invoicer.store.status import DocumentStatus

    try:
        statuses = [DocumentStatus(s.strip()) for s in status.split(",") if s.strip()]
    except ValueError:
        _fail(f"unknown status in {status!r}; valid: {', '.join(s.value for s in DocumentStatus)}")
    database = _database()
    try:
        items = review_queue(database, statuses, limit)
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    for item in items:
        typer.echo(f"{item.document_id}\t{item.status.value}\t{item.source_name}")
        for reason in item.reasons or ("(no failed rule recorded)",):
            typer.echo(f"\t- {reason}")
    typer.echo(f"{len(items)} document(s)", err=True)


@review_app.command("show")
def review_show(
    document_id: Annotated[int, typer.Argument(help="Document (invoice) id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the stored extraction as contract JSON.")] = False,
) -> None:
    """Show a document's fields, line items, validation results and audit trail."""
    from invoicer.store.review import details

    database = _database()
    try:
        detail = details(database, document_id)
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    ex = detail.extraction
    if as_json:
        typer.echo(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"document {detail.document_id}: {detail.source_name} ({detail.original_path})")
    versions = ", ".join(map(str, detail.versions))
    typer.echo(
        f"status {detail.status.value}, revision {detail.revision}, version {detail.current_version} of {versions}"
    )
    if detail.error:
        typer.echo(f"error: {detail.error}")
    if detail.review_note:
        typer.echo(f"review note: {detail.review_note}")
    typer.echo("fields:")
    for f in ex.fields:
        where = f" page {f.page}" if f.page else ""
        typer.echo(f"  {f.name:15s} {f.value!s:30s} conf {f.confidence:.2f} {f.source}{where}")
    if ex.line_items:
        typer.echo("line items:")
        for k, item in enumerate(ex.line_items, start=1):
            typer.echo(f"  {k:3d} {item.description or ''} | {item.quantity} x {item.unit_price} = {item.amount}")
    typer.echo("validation:")
    for v in ex.validation:
        typer.echo(f"  {v.outcome.value:4s} {v.rule}: {v.message}")
    typer.echo("audit:")
    for a in detail.audit:
        change = f" {a.field}: {a.old_value!r} → {a.new_value!r}" if a.field else ""
        typer.echo(f"  {a.at:%Y-%m-%d %H:%M:%S} {a.actor} {a.action}{change}" + (f" ({a.detail})" if a.detail else ""))


@review_app.command("set-field")
def review_set_field(
    document_id: Annotated[int, typer.Argument(help="Document (invoice) id.")],
    name: Annotated[str, typer.Argument(help="Field name, e.g. total or invoice_date.")],
    value: Annotated[str | None, typer.Argument(help="New value (dates YYYY-MM-DD, amounts 1234.50).")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the field instead.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who corrects it (default: your login name).")] = None,
) -> None:
    """Correct a field of a document's current extraction (recorded in the audit log)."""
    from invoicer.store.review import set_field

    if clear == (value is not None):
        _fail("give a VALUE or --clear (not both)")
    database = _database()
    try:
        change = set_field(database, document_id, name, value, person=_person(by), validate=_settings().validate)
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    typer.echo(f"document {change.document_id}: {change.field} {change.old_value!r} → {change.new_value!r}")
    if change.reasons:
        typer.echo("still failing: " + "; ".join(change.reasons))
    else:
        typer.echo(f"all rules pass; approve with `invoicer review approve {change.document_id}`")


@review_app.command("approve")
def review_approve(
    document_id: Annotated[int, typer.Argument(help="Document (invoice) id.")],
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the document).")] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who approves (default: your login name).")] = None,
) -> None:
    """Approve a document for export."""
    from invoicer.store.review import approve

    database = _database()
    try:
        status = approve(database, document_id, person=_person(by), note=note, validate=_settings().validate)
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    typer.echo(f"document {document_id}: {status.value}")


@review_app.command("reject")
def review_reject(
    document_id: Annotated[int, typer.Argument(help="Document (invoice) id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it must not be booked.")],
    by: Annotated[str | None, typer.Option("--by", help="Who rejects (default: your login name).")] = None,
) -> None:
    """Reject a document: it will not be exported."""
    from invoicer.store.review import reject

    database = _database()
    try:
        status = reject(database, document_id, person=_person(by), reason=reason)
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    typer.echo(f"document {document_id}: {status.value}")


# -- vendors ----------------------------------------------------------------------------------

vendors_app = typer.Typer(help="The vendor master that extractions are matched against.", no_args_is_help=True)


@vendors_app.command("list")
def vendors_list() -> None:
    """List the vendors with their tax ids and aliases."""
    from invoicer.store.vendors import list_vendors

    database = _database()
    try:
        vendors = list_vendors(database)
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    for v in vendors:
        extra = "".join(f"\t{label} {value}" for label, value in (("tax id", v.tax_id), ("iban", v.iban)) if value)
        typer.echo(f"{v.id}\t{v.name}{extra}")
        for alias in v.aliases:
            typer.echo(f"\talias: {alias}")
    typer.echo(f"{len(vendors)} vendor(s)", err=True)


@vendors_app.command("add")
def vendors_add(
    name: Annotated[str, typer.Argument(help="The vendor's name.")],
    tax_id: Annotated[str | None, typer.Option("--tax-id", help="VAT / tax id.")] = None,
    iban: Annotated[str | None, typer.Option("--iban", help="Bank account.")] = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Another name it appears under (repeatable).")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who adds it (default: your login name).")] = None,
) -> None:
    """Add a vendor to the master."""
    from invoicer.store.vendors import add_vendor

    database = _database()
    try:
        vendor_id = add_vendor(database, name, tax_id=tax_id, iban=iban, aliases=tuple(alias or ()), person=_person(by))
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    typer.echo(f"vendor {vendor_id}: {name}")


@vendors_app.command("alias")
def vendors_alias(
    vendor_id: Annotated[int, typer.Argument(help="Vendor id.")],
    alias: Annotated[str, typer.Argument(help="Another name the vendor appears under.")],
    by: Annotated[str | None, typer.Option("--by", help="Who adds it (default: your login name).")] = None,
) -> None:
    """Record another name a vendor appears under."""
    from invoicer.store.vendors import add_alias

    database = _database()
    try:
        add_alias(database, vendor_id, alias, person=_person(by))
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    typer.echo(f"vendor {vendor_id}: alias {alias!r} added")


def register(app: typer.Typer) -> None:
    """Add the database commands to the main ``invoicer`` app."""
    app.add_typer(db_app, name="db")
    app.command("run")(run)
    app.command("export")(export)
    app.command("mark-exported")(mark_exported)
    app.add_typer(review_app, name="review")
    app.add_typer(vendors_app, name="vendors")
