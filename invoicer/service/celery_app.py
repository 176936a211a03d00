"""Scale-out mode: a Celery app whose task processes one inbox claim.

The watcher (``invoicer watch --mode celery``) sends ``invoicer.process_claim`` for every claim it
registers, and again for claims whose lease expired (a killed worker) or that sat queued too long.
Sending twice is harmless: a worker processes a claim only when it can lease it, and otherwise takes
the next available one. Workers (``invoicer worker``) build their pipeline once per process
(``worker_process_init``). Late acknowledgement plus leases means a worker killed with ``kill -9``
loses nothing. Broker: Redis (``redis://host:6379/0``) or RabbitMQ (``amqp://guest:guest@host//``);
results are not kept (the database is the record).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown

from invoicer.service.settings import ServiceSettings

log = logging.getLogger(__name__)

__all__ = ["QUEUE", "TASK", "app", "configure", "send_claims"]

QUEUE = "invoicer"
TASK = "invoicer.process_claim"

app = Celery("invoicer")
app.conf.update(
    task_default_queue=QUEUE,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 300},
    worker_hijack_root_logger=False,
)

_state: dict[str, Any] = {}


def configure(broker_url: str) -> Celery:
    """Point the app at ``broker_url``."""
    app.conf.broker_url = broker_url
    return app


def service_payload(service: ServiceSettings) -> dict[str, Any]:
    """What a worker must know about the watcher's inbox (sent with every task)."""
    return {
        "inbox": str(service.inbox),
        "archive_dir": str(service.archive_dir),
        "failed_dir": str(service.failed_dir),
        "lease_s": service.lease_s,
        "max_attempts": service.max_attempts,
    }


def send_claims(claim_ids: list[int], service: ServiceSettings) -> None:
    payload = service_payload(service)
    for claim_id in claim_ids:
        app.send_task(TASK, args=(claim_id, payload), queue=QUEUE)


@worker_process_init.connect
def _build_processor(**_: Any) -> None:
    """Models load once per worker process, here."""
    from invoicer.config import load_settings
    from invoicer.pipeline import Pipeline
    from invoicer.store.database import Database

    settings = load_settings()
    database = Database.from_settings(settings.database)
    pipeline = Pipeline.from_settings(settings, store="none")
    pipeline.setup()
    _state.update(settings=settings, database=database, pipeline=pipeline)
    log.info("worker process ready (database %s)", database.display_url)


@worker_process_shutdown.connect
def _close_processor(**_: Any) -> None:
    pipeline, database = _state.pop("pipeline", None), _state.pop("database", None)
    if pipeline is not None:
        pipeline.close()
    if database is not None:
        database.dispose()


@app.task(name=TASK)
def process_claim(claim_id: int, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Process claim ``claim_id`` (or, if someone else has it, the next available one)."""
    from invoicer.service.worker import ClaimProcessor, worker_name

    if "pipeline" not in _state:  # solo pool / eager mode: no worker_process_init
        _build_processor()
    service = ServiceSettings(
        inbox=Path(payload["inbox"]),
        archive_dir=Path(payload["archive_dir"]),
        failed_dir=Path(payload["failed_dir"]),
        lease_s=float(payload["lease_s"]),
        max_attempts=int(payload["max_attempts"]),
        mode="celery",
    )
    processor = ClaimProcessor(
        _state["settings"], service, _state["database"], pipeline=_state["pipeline"], owner=worker_name("celery")
    )
    outcome = processor.work_once(claim_id, mode="watch") or processor.work_once(mode="watch")
    return outcome.to_dict() if outcome is not None else None
