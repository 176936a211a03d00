"""The local mode: a supervised pool of worker processes that take claims from the database.

Each process builds its pipeline once (models load once per process) and then leases claims until
told to stop, or until its parent is gone (a watcher killed with ``kill -9`` leaves no orphans
working for long). The database is the queue: a claim left behind by a killed process is leased
again once its lease expires. :class:`WorkerPool` restarts processes that died.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import time
from multiprocessing.context import SpawnProcess
from multiprocessing.synchronize import Event
from typing import Any

from invoicer.config import Settings
from invoicer.service.settings import ServiceSettings

log = logging.getLogger(__name__)

__all__ = ["WorkerPool", "worker_main"]


def worker_main(
    settings: Settings,
    service: ServiceSettings,
    mode: str | None,
    outcomes: Any,
    stop: Event,
    parent_pid: int,
    log_level: int,
    log_json: bool,
) -> None:
    """Body of a pool process: build the pipeline once, then lease and process claims."""
    from invoicer.service.logs import configure_logging
    from invoicer.service.worker import ClaimProcessor, worker_name
    from invoicer.store.database import Database

    configure_logging(log_level, json_lines=log_json)
    database = Database.from_settings(settings.database)
    processor = ClaimProcessor(settings, service, database, owner=worker_name("local"))
    processor.setup()
    try:
        while not stop.is_set() and os.getppid() == parent_pid:
            try:
                outcome = processor.work_once(mode=mode)
            except Exception:  # logged and released by the processor; keep serving
                time.sleep(service.poll_s)
                continue
            if outcome is None:
                stop.wait(service.poll_s)
            else:
                outcomes.put(outcome.to_dict())
    finally:
        processor.close()
        database.dispose()


class WorkerPool:
    """``size`` worker processes (spawned fresh, so no model or connection is shared by fork)."""

    def __init__(
        self,
        settings: Settings,
        service: ServiceSettings,
        *,
        size: int | None = None,
        mode: str | None = "watch",
        log_level: int = logging.WARNING,
        log_json: bool = False,
    ) -> None:
        self.settings = settings
        self.service = service
        self.size = size or service.worker_count
        self.mode = mode
        self.log_level = log_level
        self.log_json = log_json
        self._ctx = mp.get_context("spawn")
        self.outcomes: Any = self._ctx.Queue()
        self._stop = self._ctx.Event()
        self.processes: list[SpawnProcess] = []
        self.restarts = 0

    def _spawn(self) -> SpawnProcess:
        process = self._ctx.Process(
            target=worker_main,
            args=(
                self.settings,
                self.service,
                self.mode,
                self.outcomes,
                self._stop,
                os.getpid(),
                self.log_level,
                self.log_json,
            ),
            name="invoicer-worker",
            daemon=True,
        )
        process.start()
        return process

    def start(self) -> None:
        self.processes = [self._spawn() for _ in range(self.size)]
        log.info("started %d worker process(es): %s", self.size, [p.pid for p in self.processes])

    def supervise(self) -> None:
        """Replace processes that died (their claims are retried once the leases expire)."""
        if self._stop.is_set():
            return
        for k, process in enumerate(self.processes):
            if not process.is_alive():
                log.warning("worker process %s exited with %s; starting a new one", process.pid, process.exitcode)
                process.join(timeout=0)
                self.processes[k] = self._spawn()
                self.restarts += 1

    def drain(self) -> list[dict[str, Any]]:
        """Outcomes reported since the last call."""
        found = []
        while True:
            try:
                found.append(self.outcomes.get_nowait())
            except queue.Empty:
                return found

    def stop(self, timeout: float = 30.0) -> None:
        """Let every process finish its current file, then end them."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for process in self.processes:
            process.join(timeout=max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
