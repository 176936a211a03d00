"""Work claims with leases: how every inbox file is processed exactly once, across crashes.

A file that arrives is **registered** (one ``inbox_claims`` row, state ``queued``). A worker
**leases** a claim (state ``running``, ``lease_expires_at`` in the future, ``attempts`` + 1) and
renews the lease while it works. A worker killed mid-file stops renewing; once the lease expires,
any worker may lease the claim again. The result is stored in the same transaction that records
the document on the claim, so a retry never extracts twice; a claim leased more than
``max_attempts`` times is quarantined. A lease whose owner (``kind:host:pid``) is a process on this
host that no longer exists is taken over at once, without waiting for it to expire. All changes go
through :meth:`Database.write`, which serializes writers, so two workers can never hold the same claim.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from invoicer.errors import StorageError
from invoicer.store.database import Database, Transaction
from invoicer.store.models import InboxClaim

__all__ = [
    "ACTIVE",
    "FINISHED",
    "Claim",
    "Registration",
    "claim_counts",
    "claim_write",
    "finish",
    "lease",
    "mark_enqueued",
    "register",
    "release",
    "renew",
    "to_enqueue",
]

T = TypeVar("T")

ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "duplicate", "quarantined", "missing")


@dataclass(frozen=True)
class Claim:
    """A leased claim: what the worker needs to process the file."""

    id: int
    sha256: str
    path: str
    source_name: str
    size_bytes: int
    mode: str
    attempts: int
    document_id: int | None
    created_at: dt.datetime
    owner: str

    @classmethod
    def of(cls, row: InboxClaim, owner: str) -> Claim:
        return cls(
            row.id,
            row.sha256,
            row.path,
            row.source_name,
            row.size_bytes,
            row.mode,
            row.attempts,
            row.document_id,
            row.created_at,
            owner,
        )


@dataclass(frozen=True)
class Registration:
    claim_id: int
    created: bool  # False: the file was registered before and is not finished yet


def register(
    database: Database, path: Path, *, sha256: str, size: int, mode: str = "watch", only_if_present: bool = False
) -> Registration:
    """Record that the file at ``path`` (content ``sha256``) is to be processed; idempotent while it is active.

    A path has at most one active claim: a file registered again with other content (it was still being
    written when it looked complete, e.g. a writer stalled on a busy machine) updates its queued claim,
    and a running claim's worker processes the file's current content anyway.

    ``only_if_present``: raise :class:`FileNotFoundError` (and record nothing) when no claim is active and the
    file is no longer there. The watcher reads a file before registering it; a worker can move it away and
    finish its claim in between, and the file must not be claimed a second time. Checked inside the write
    transaction, after the look-up: a worker unlinks the original before it finishes the claim, so a finished
    claim seen here means the file is already gone.
    """

    def work(tx: Transaction) -> Registration:
        existing = tx.session.scalars(
            select(InboxClaim).where(InboxClaim.path == str(path), InboxClaim.state.in_(ACTIVE))
        ).first()
        if existing is not None:
            if existing.sha256 != sha256 and existing.state == "queued":
                existing.sha256, existing.size_bytes = sha256, size
            return Registration(existing.id, False)
        if only_if_present and not path.is_file():
            raise FileNotFoundError(f"{path} was moved away before it could be registered")
        row = InboxClaim(
            sha256=sha256,
            path=str(path),
            source_name=path.name,
            size_bytes=size,
            mode=mode,
            state="queued",
            attempts=0,
            created_at=tx.now,
        )
        tx.session.add(row)
        tx.session.flush()
        return Registration(row.id, True)

    return database.write(work, actor="inbox")


def claim_write(database: Database, work: Callable[[Transaction], T], *, actor: str) -> T:
    """Run ``work`` in a write transaction that does not take the change clock, re-running it on conflicts.

    Claim rows are not part of what pulling systems read, so their (frequent) changes need no
    ``updated_at`` from the clock, and workers changing different claims do not queue behind each
    other. Rows are locked (``FOR UPDATE``) where it matters; SQLite serializes writers anyway.
    """
    sessions = sessionmaker(database.engine.execution_options(invoicer_write=True), expire_on_commit=False)
    for attempt in range(1, database.attempts + 1):
        session = sessions()
        try:
            result = work(Transaction(session, dt.datetime.now(dt.UTC), actor))
            session.commit()
            return result
        except (OperationalError, DBAPIError) as exc:
            session.rollback()
            if attempt < database.attempts and isinstance(exc, OperationalError):
                time.sleep(min(2.0, 0.02 * 2**attempt) * (0.5 + random.random()))
                continue
            raise StorageError(f"database error at {database.display_url}: {' '.join(str(exc).split())[:300]}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
    raise AssertionError("unreachable")  # pragma: no cover


def _available(now: dt.datetime) -> object:
    return or_(
        InboxClaim.state == "queued",
        (InboxClaim.state == "running") & (InboxClaim.lease_expires_at < now),
    )


def lease(
    database: Database,
    owner: str,
    lease_s: float,
    *,
    claim_id: int | None = None,
    mode: str | None = None,
    under: Path | None = None,
) -> Claim | None:
    """Lease ``claim_id`` (or the oldest available claim): queued, or running with an expired lease.

    ``under`` keeps to claims of files in that folder (a worker told about one inbox never moves another
    inbox's files into its own archive, e.g. after a stale broker message from an earlier deployment).
    Returns None when there is nothing to take. ``attempts`` of the returned claim counts this lease.
    """
    inside = InboxClaim.path.startswith(str(under).rstrip("/") + "/", autoescape=True) if under else None
    if claim_id is None:  # idle workers poll: look before taking the write lock
        now = dt.datetime.now(dt.UTC)
        with database.read() as session:
            dead = _dead_local_owners(session)
            query = select(InboxClaim.id).where(or_(_available(now), InboxClaim.lease_owner.in_(dead)))  # type: ignore[arg-type]
            if mode is not None:
                query = query.where(InboxClaim.mode == mode)
            if inside is not None:
                query = query.where(inside)
            if session.scalars(query.limit(1)).first() is None:
                return None

    def work(tx: Transaction) -> Claim | None:
        dead = _dead_local_owners(tx.session)
        taken_over = (InboxClaim.state == "running") & InboxClaim.lease_owner.in_(dead)
        stmt = select(InboxClaim).where(or_(_available(tx.now), taken_over))  # type: ignore[arg-type]
        stmt = stmt.with_for_update(skip_locked=True)  # PostgreSQL: two workers never wait for, or get, the same row
        if claim_id is not None:
            stmt = stmt.where(InboxClaim.id == claim_id)
        if mode is not None:
            stmt = stmt.where(InboxClaim.mode == mode)
        if inside is not None:
            stmt = stmt.where(inside)
        row = tx.session.scalars(stmt.order_by(InboxClaim.id).limit(1)).first()
        if row is None:
            return None
        row.state = "running"
        row.attempts = (row.attempts or 0) + 1
        row.lease_owner = owner
        row.lease_expires_at = tx.now + dt.timedelta(seconds=lease_s)
        row.started_at = row.started_at or tx.now
        tx.session.flush()
        return Claim.of(row, owner)

    return claim_write(database, work, actor=owner)


def _dead_local_owners(session: Session) -> list[str]:
    """Lease owners (``kind:host:pid``) on this host whose process is gone: their claims need not wait."""
    host = socket.gethostname()
    owners = session.scalars(
        select(InboxClaim.lease_owner).where(InboxClaim.state == "running", InboxClaim.lease_owner.like(f"%:{host}:%"))
    ).all()
    dead = []
    for owner in set(owners):
        if owner is None:
            continue
        _, owner_host, pid = owner.rsplit(":", 2)
        if owner_host == host and pid.isdigit() and not _alive(int(pid)):
            dead.append(owner)
    return dead


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: dead too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def renew(database: Database, claim: Claim, lease_s: float) -> bool:
    """Extend ``claim``'s lease; False when it was lost (it expired and another worker took it)."""

    def work(tx: Transaction) -> bool:
        result = tx.session.execute(
            update(InboxClaim)
            .where(InboxClaim.id == claim.id, InboxClaim.state == "running", InboxClaim.lease_owner == claim.owner)
            .values(lease_expires_at=tx.now + dt.timedelta(seconds=lease_s))
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    return claim_write(database, work, actor=claim.owner)


def holds(tx: Transaction, claim: Claim) -> InboxClaim | None:
    """The claim's row when ``claim.owner`` still holds its lease in this transaction, else None."""
    row = tx.session.get(InboxClaim, claim.id, with_for_update=True)
    if row is None or row.state != "running" or row.lease_owner != claim.owner:
        return None
    return row


def finish(
    database: Database,
    claim: Claim,
    state: str,
    *,
    moved_to: str | None = None,
    error: str | None = None,
    document_id: int | None = None,
    also: Callable[[Transaction], None] | None = None,
) -> bool:
    """End ``claim`` in a finished ``state``; False when the lease was lost meanwhile.

    ``also(tx)`` runs in the same transaction (e.g. recording where the original went).
    """
    if state not in FINISHED:
        raise ValueError(f"{state!r} is not a finished claim state ({', '.join(FINISHED)})")

    def work(tx: Transaction) -> bool:
        row = holds(tx, claim)
        if row is None:
            return False
        row.state = state
        row.moved_to = moved_to
        row.error = error
        if document_id is not None:
            row.document_id = document_id
        row.lease_owner = None
        row.lease_expires_at = None
        row.finished_at = tx.now
        if also is not None:
            also(tx)
        return True

    return claim_write(database, work, actor=claim.owner)


def release(database: Database, claim: Claim, error: str) -> None:
    """Give ``claim`` back (state ``queued``) after an unexpected error, recording it; attempts are kept."""

    def work(tx: Transaction) -> None:
        row = holds(tx, claim)
        if row is not None:
            row.state = "queued"
            row.error = error
            row.lease_owner = None
            row.lease_expires_at = None

    claim_write(database, work, actor=claim.owner)


def to_enqueue(database: Database, requeue_after_s: float) -> list[int]:
    """Claims a queue must (re)deliver: never sent, sent long ago and still queued, or running with an expired lease."""
    now = dt.datetime.now(dt.UTC)
    old = now - dt.timedelta(seconds=requeue_after_s)
    with database.read() as session:
        return list(
            session.scalars(
                select(InboxClaim.id)
                .where(
                    InboxClaim.mode == "watch",
                    or_(
                        (InboxClaim.state == "queued")
                        & (InboxClaim.enqueued_at.is_(None) | (InboxClaim.enqueued_at < old)),
                        (InboxClaim.state == "running")
                        & (InboxClaim.lease_expires_at < now)
                        & (InboxClaim.enqueued_at.is_(None) | (InboxClaim.enqueued_at < InboxClaim.lease_expires_at)),
                    ),
                )
                .order_by(InboxClaim.id)
            )
        )


def mark_enqueued(database: Database, claim_ids: list[int]) -> None:
    """Record that ``claim_ids`` were sent to the queue now."""
    if not claim_ids:
        return

    def work(tx: Transaction) -> None:
        tx.session.execute(update(InboxClaim).where(InboxClaim.id.in_(claim_ids)).values(enqueued_at=tx.now))

    claim_write(database, work, actor="inbox")


def claim_counts(database: Database) -> dict[str, int]:
    """How many claims are in each state (a running claim with an expired lease counts as ``stale``)."""
    now = dt.datetime.now(dt.UTC)
    with database.read() as session:
        counts = {
            state: int(n)
            for state, n in session.execute(select(InboxClaim.state, func.count()).group_by(InboxClaim.state))
        }
        stale = session.scalar(
            select(func.count()).where(InboxClaim.state == "running", InboxClaim.lease_expires_at < now)
        )
    if stale:
        counts["stale"] = int(stale)
    return counts
