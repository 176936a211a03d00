"""``invoicer run DIR`` with the inbox's guarantees: every file is worked on under a claim with a lease.

Two runs over the same tree never process a file at the same time; a run killed mid-file (kill -9)
is resumed by the next run (a lease held by a dead process on this host is taken over at once, any
other once it expires); a file that crashed the run ``max_attempts`` times is quarantined (stored as
failed, code ``quarantined``) instead of crashing every later run. Files stay where they are.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from invoicer.service import claims
from invoicer.service.claims import Claim
from invoicer.service.worker import worker_name
from invoicer.store.database import Database

__all__ = ["RunClaim", "claimed"]


@dataclass
class RunClaim:
    """The claim a run holds on one file; set ``document_id`` and ``failed`` before leaving the block."""

    claim: Claim
    quarantined: bool  # crashed too often: store it as failed instead of processing it
    document_id: int | None = None
    failed: bool = False
    error: str | None = None
    _beat: threading.Event = field(default_factory=threading.Event)


@contextmanager
def claimed(
    database: Database, path: Path, sha256: str, size: int, *, lease_s: float = 60.0, max_attempts: int = 3
) -> Iterator[RunClaim | None]:
    """Hold a claim on ``path`` for the ``with`` block; yields None when another live process holds it."""
    registration = claims.register(database, path, sha256=sha256, size=size, mode="run")
    claim = claims.lease(database, worker_name("run"), lease_s, claim_id=registration.claim_id)
    if claim is None:
        yield None
        return
    held = RunClaim(claim, quarantined=claim.attempts > max_attempts)
    beat = threading.Thread(target=_renew, args=(database, claim, lease_s, held._beat), daemon=True)
    beat.start()
    try:
        yield held
    except BaseException as exc:
        held._beat.set()
        beat.join()
        claims.release(database, claim, f"{type(exc).__name__}: {exc}")
        raise
    held._beat.set()
    beat.join()
    state = "quarantined" if held.quarantined else ("failed" if held.failed else "done")
    claims.finish(database, claim, state, error=held.error, document_id=held.document_id)


def _renew(database: Database, claim: Claim, lease_s: float, stop: threading.Event) -> None:
    while not stop.wait(lease_s / 3):
        if not claims.renew(database, claim, lease_s):
            return
