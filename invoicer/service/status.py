"""``invoicer status``: documents per status, inbox claims per state, queue depth and throughput."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from invoicer.service.claims import claim_counts
from invoicer.store.database import Database
from invoicer.store.models import DocumentRow, InboxClaim

__all__ = ["broker_queue_depth", "service_status"]

WINDOWS_MIN = (1, 5, 15)


def service_status(database: Database, *, broker_url: str | None = None, queue: str = "invoicer") -> dict[str, Any]:
    """The whole picture as a JSON-ready dict (see ``docs/inbox.md`` for its fields)."""
    now = dt.datetime.now(dt.UTC)
    with database.read() as session:
        documents = {
            status: int(n)
            for status, n in session.execute(select(DocumentRow.status, func.count()).group_by(DocumentRow.status))
        }
        finished = {
            f"last_{m}_min": int(
                session.scalar(select(func.count()).where(InboxClaim.finished_at >= now - dt.timedelta(minutes=m))) or 0
            )
            for m in WINDOWS_MIN
        }
        recent_errors = [
            {"claim_id": cid, "path": path, "state": state, "error": error}
            for cid, path, state, error in session.execute(
                select(InboxClaim.id, InboxClaim.path, InboxClaim.state, InboxClaim.error)
                .where(InboxClaim.state.in_(("failed", "quarantined", "missing")))
                .order_by(InboxClaim.id.desc())
                .limit(10)
            )
        ]
    inbox = claim_counts(database)
    depth: dict[str, Any] = {"queued": inbox.get("queued", 0), "running": inbox.get("running", 0)}
    if broker_url is not None:
        depth["broker"] = broker_queue_depth(broker_url, queue)
    throughput = {f"per_min_last_{m}_min": round(finished[f"last_{m}_min"] / m, 2) for m in WINDOWS_MIN} | finished
    return {
        "documents": documents,
        "inbox": inbox,
        "queue_depth": depth,
        "throughput": throughput,
        "recent_errors": recent_errors,
        "database": database.display_url,
        "at": now.isoformat(),
    }


def broker_queue_depth(broker_url: str, queue: str = "invoicer") -> int | str:
    """Messages waiting in the broker's queue, or why it could not be asked."""
    try:
        from kombu import Connection

        with Connection(broker_url, connect_timeout=2) as conn, conn.channel() as channel:
            return int(channel.queue_declare(queue=queue, passive=True).message_count)
    except Exception as exc:  # broker down, or the queue was never declared
        return f"unavailable: {' '.join(str(exc).split())[:200]}"
