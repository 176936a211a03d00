"""Commands of the inbox service: ``watch``, ``worker``, ``status``, ``requeue``.

Registered on the main app by :func:`register` (see ``invoicer.cli.COMMAND_MODULES``).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from invoicer.errors import InvoicerError

if TYPE_CHECKING:  # pragma: no cover
    from invoicer.config import Settings
    from invoicer.service.settings import ServiceSettings
    from invoicer.store.database import Database

__all__ = ["register"]


def _fail(exc: InvoicerError | str, code: int = 2) -> NoReturn:
    typer.echo(f"invoicer: {exc}", err=True)
    raise typer.Exit(code)


def _settings() -> Settings:
    from invoicer.cli import _settings as cli_settings  # imported late: invoicer.cli imports this module

    return cli_settings()


def _database() -> Database:
    from invoicer.store.database import Database

    try:
        database = Database.from_settings(_settings().database)
        database.require_schema()
    except InvoicerError as exc:
        _fail(exc)
    return database


def _service(inbox: Path | None, **overrides: Any) -> ServiceSettings:
    from invoicer.service.settings import ServiceSettings

    try:
        return ServiceSettings.from_settings(_settings(), inbox, **overrides)
    except InvoicerError as exc:
        _fail(exc)


def _log_level() -> int:
    level = logging.getLogger().level
    return level if level != logging.NOTSET else logging.WARNING


def watch(
    inbox: Annotated[Path | None, typer.Argument(help="The folder to watch (default: inbox.path).")] = None,
    mode: Annotated[
        str | None, typer.Option("--mode", help="local (process pool, default) | celery (`invoicer worker`s).")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Local worker processes (default: cores).")] = None,
    archive: Annotated[
        Path | None, typer.Option("--archive", help="Where processed originals go (default: INBOX/archive).")
    ] = None,
    failed: Annotated[
        Path | None, typer.Option("--failed", help="Where originals that failed go (default: INBOX/failed).")
    ] = None,
    stable_s: Annotated[
        float | None, typer.Option("--stable-s", help="Seconds a file's size and mtime must stay unchanged.")
    ] = None,
    lease_s: Annotated[
        float | None, typer.Option("--lease-s", help="Seconds before a silent worker's file is retried.")
    ] = None,
    max_attempts: Annotated[
        int | None, typer.Option("--max-attempts", help="Crashed attempts before a file is quarantined.")
    ] = None,
    broker: Annotated[str | None, typer.Option("--broker", help="Celery broker URL (celery mode).")] = None,
    exit_when_idle: Annotated[
        bool, typer.Option("--exit-when-idle", help="Stop once the inbox is empty and every file is finished.")
    ] = False,
    log_json: Annotated[bool, typer.Option("--log-json", help="Structured logs: one JSON object per line.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress line on stderr.")] = False,
) -> None:
    """Watch INBOX: every file dropped in is extracted once, stored, and moved to archive/YYYY/MM/ or failed/.

    Files already there are taken at start. A file is taken once completely written (size and mtime
    stable, or renamed in). Safe to kill at any moment: restart it and every file is processed exactly once.
    """
    from invoicer.service import claims
    from invoicer.service.logs import configure_logging
    from invoicer.service.service import watch_inbox
    from invoicer.service.watcher import is_candidate

    service = _service(
        inbox,
        mode=mode,
        workers=workers,
        archive_dir=archive,
        failed_dir=failed,
        stable_s=stable_s,
        lease_s=lease_s,
        max_attempts=max_attempts,
        broker_url=broker,
    )
    level = _log_level() if not log_json else min(_log_level(), logging.INFO)
    configure_logging(level, json_lines=log_json)
    database = _database()
    until = None
    if exit_when_idle:
        skipped = tuple(p.absolute() for p in (service.archive_dir, service.failed_dir))

        def until() -> bool:
            counts = claims.claim_counts(database)
            if counts.get("queued") or counts.get("running"):
                return False
            return not any(is_candidate(p, service.inbox, skipped) for p in service.inbox.rglob("*") if p.is_file())

    typer.echo(f"watching {service.inbox} ({service.mode} mode); Ctrl-C to stop", err=True)
    try:
        counts = watch_inbox(
            _settings(),
            service,
            database,
            until=until,
            progress=None if quiet else sys.stderr,
            log_level=level,
            log_json=log_json,
        )
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    typer.echo("stopped; claims: " + json.dumps(counts, sort_keys=True), err=True)


def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", help="Worker processes on this machine (default: cores).")
    ] = 0,
    broker: Annotated[str | None, typer.Option("--broker", help="Broker URL (default: inbox.broker_url).")] = None,
    loglevel: Annotated[str, typer.Option("--loglevel", help="Celery log level.")] = "INFO",
    hostname: Annotated[str | None, typer.Option("--hostname", "-n", help="Celery node name.")] = None,
    pool: Annotated[
        str, typer.Option("--pool", help="Celery pool: prefork (default) or solo (one process, concurrency 1).")
    ] = "prefork",
) -> None:
    """Start a Celery worker that processes the files a `invoicer watch --mode celery` enqueues.

    Run one per machine (each needs the database at database.url and the inbox folder at the same path).
    """
    import os

    from invoicer.service import celery_app

    service = _service(None, broker_url=broker)
    _database().dispose()  # fail early on an unmigrated database
    celery_app.configure(service.broker_url)
    if pool not in ("prefork", "solo"):
        _fail(f"--pool must be prefork or solo, got {pool!r}")
    argv = ["worker", "--loglevel", loglevel, "--pool", pool]
    argv += ["--concurrency", str(1 if pool == "solo" else concurrency or os.cpu_count() or 1)]
    argv += ["--queues", celery_app.QUEUE, "--without-gossip", "--without-mingle"]
    if hostname:
        argv += ["--hostname", hostname]
    celery_app.app.worker_main(argv)


def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    broker: Annotated[
        str | None, typer.Option("--broker", help="Also ask this Celery broker for its queue length.")
    ] = None,
) -> None:
    """Documents per status, inbox files per state, queue depth and throughput."""
    from invoicer.service.status import service_status

    database = _database()
    try:
        report = service_status(database, broker_url=broker)
    except InvoicerError as exc:
        _fail(exc)
    finally:
        database.dispose()
    if as_json:
        typer.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    typer.echo(f"database: {report['database']}")
    typer.echo("documents: " + (", ".join(f"{n} {s}" for s, n in sorted(report["documents"].items())) or "none"))
    typer.echo("inbox: " + (", ".join(f"{n} {s}" for s, n in sorted(report["inbox"].items())) or "nothing yet"))
    typer.echo("queue depth: " + ", ".join(f"{k} {v}" for k, v in report["queue_depth"].items()))
    rate = report["throughput"]
    typer.echo(
        f"throughput: {rate['per_min_last_1_min']}/min (last minute), {rate['per_min_last_15_min']}/min (15 minutes)"
    )
    for err in report["recent_errors"]:
        typer.echo(f"  {err['state']}: {err['path']}: {err['error']}")


def requeue(
    inbox: Annotated[Path | None, typer.Argument(help="The inbox the claims came from (default: inbox.path).")] = None,
    broker: Annotated[str | None, typer.Option("--broker", help="Broker URL (default: inbox.broker_url).")] = None,
) -> None:
    """Send queued claims and claims with expired leases to the Celery broker again."""
    from invoicer.service import celery_app, claims

    service = _service(inbox, broker_url=broker)
    database = _database()
    try:
        due = claims.to_enqueue(database, 0.0)
        celery_app.configure(service.broker_url)
        celery_app.send_claims(due, service)
        claims.mark_enqueued(database, due)
    finally:
        database.dispose()
    typer.echo(f"sent {len(due)} claim(s) to {service.broker_url}", err=True)


def register(app: typer.Typer) -> None:
    app.command("watch")(watch)
    app.command("worker")(worker)
    app.command("status")(status)
    app.command("requeue")(requeue)
