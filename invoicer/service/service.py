"""``invoicer watch``: the watcher plus its workers (a local process pool, or Celery workers elsewhere)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from invoicer.config import Settings
from invoicer.service import claims
from invoicer.service.pool import WorkerPool
from invoicer.service.settings import ServiceSettings
from invoicer.service.watcher import InboxWatcher
from invoicer.store.database import Database

log = logging.getLogger(__name__)

__all__ = ["Progress", "watch_inbox"]


class Progress:
    """One status line on the terminal every ``every_s`` seconds (nothing when ``stream`` is None)."""

    def __init__(self, database: Database, stream: TextIO | None, every_s: float = 2.0) -> None:
        self.database = database
        self.stream = stream
        self.every_s = every_s
        self._last = 0.0
        self._done_before: int | None = None
        self._t0 = time.monotonic()

    def tick(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.stream is None or (not force and now - self._last < self.every_s):
            return
        self._last = now
        counts = claims.claim_counts(self.database)
        finished = sum(counts.get(s, 0) for s in claims.FINISHED)
        if self._done_before is None:
            self._done_before = finished
        rate = (finished - self._done_before) / max(now - self._t0, 1e-9) * 60
        parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "empty"
        end = "\n" if force or not self.stream.isatty() else "\r"
        self.stream.write(f"inbox: {parts} | {rate:.1f} files/min{' ' * 8}{end}")
        self.stream.flush()


def watch_inbox(
    settings: Settings,
    service: ServiceSettings,
    database: Database,
    *,
    stop: threading.Event | None = None,
    until: Callable[[], bool] | None = None,
    progress: TextIO | None = sys.stderr,
    log_level: int = logging.WARNING,
    log_json: bool = False,
) -> dict[str, Any]:
    """Watch ``service.inbox`` until ``stop`` is set, SIGTERM/SIGINT, or ``until()`` is true.

    Local mode starts ``service.worker_count`` worker processes; celery mode sends tasks to the
    broker for ``invoicer worker`` processes. Returns the final claim counts.
    """
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    pool: WorkerPool | None = None
    send: Callable[[list[int]], None] | None = None
    if service.mode == "local":
        pool = WorkerPool(settings, service, mode="watch", log_level=log_level, log_json=log_json)
        pool.start()
    else:
        from invoicer.service import celery_app

        celery_app.configure(service.broker_url)

        def send(ids: list[int]) -> None:
            celery_app.send_claims(ids, service)
            claims.mark_enqueued(database, ids)

    watcher = InboxWatcher(service, database)
    watcher.start()
    meter = Progress(database, progress)
    log.info("watching %s (%s mode)", service.inbox, service.mode)
    try:
        while not stop.is_set():
            watcher.poll()
            if pool is not None:
                pool.supervise()
                for outcome in pool.drain():
                    log.info("processed", extra={"event": {"event": "processed", **outcome}})
            if send is not None:
                due = claims.to_enqueue(database, service.requeue_after_s)
                if due:
                    send(due)
            meter.tick()
            if until is not None and until():
                break
            stop.wait(service.poll_s)
    finally:
        watcher.stop()
        if pool is not None:
            pool.stop()
        meter.tick(force=True)
    return claims.claim_counts(database)
