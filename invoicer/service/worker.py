"""Processing one claimed file: extract, store, move the original, finish the claim.

Every step can be repeated after a crash: the result is stored together with the claim's
``document_id`` in one transaction (a retry finds it and does not extract again), the move is
idempotent (:func:`invoicer.service.files.move_original`) and the claim is finished last.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from invoicer.config import Settings
from invoicer.document import Document, Extraction, ExtractionStatus, ProcessingError
from invoicer.errors import InvoicerError, MissingFileError, StorageError
from invoicer.pipeline import Pipeline, failed_extraction
from invoicer.service import claims
from invoicer.service.claims import Claim
from invoicer.service.files import archive_folder, file_sha256, move_original, planned_destination
from invoicer.service.settings import ServiceSettings
from invoicer.store.database import Database, Transaction
from invoicer.store.models import DocumentRow, InboxClaim
from invoicer.store.records import store_extraction
from invoicer.validate.policy import ValidationPolicy

log = logging.getLogger(__name__)

__all__ = ["ClaimProcessor", "Outcome", "worker_name"]


def worker_name(kind: str = "worker") -> str:
    """A name for lease owners and logs: host, process id and kind."""
    return f"{kind}:{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Outcome:
    """How a claim ended."""

    claim_id: int
    path: str
    state: str  # done | failed | duplicate | quarantined | missing | lost (the lease was taken over)
    document_id: int | None
    document_status: str | None
    moved_to: str | None
    error: str | None
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class _Heartbeat:
    """Renews a claim's lease in the background while the file is being processed."""

    def __init__(self, database: Database, claim: Claim, lease_s: float) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(database, claim, lease_s), daemon=True)

    def _beat(self, database: Database, claim: Claim, lease_s: float) -> None:
        while not self._stop.wait(lease_s / 3):
            try:
                if not claims.renew(database, claim, lease_s):
                    log.warning("lost the lease of claim %d (%s)", claim.id, claim.path)
                    return
            except InvoicerError as exc:  # the database is away for a moment: try again next beat
                log.warning("could not renew the lease of claim %d: %s", claim.id, exc)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class ClaimProcessor:
    """Leases claims and processes them with one pipeline (built once: models load once per process)."""

    def __init__(
        self,
        settings: Settings,
        service: ServiceSettings,
        database: Database,
        *,
        pipeline: Pipeline | None = None,
        owner: str | None = None,
    ) -> None:
        self.settings = settings
        self.service = service
        self.database = database
        self.pipeline = pipeline or Pipeline.from_settings(settings, store="none")
        self.owner = owner or worker_name()
        self.policy = ValidationPolicy.from_settings(settings.validate)

    def setup(self) -> None:
        self.pipeline.setup()

    def close(self) -> None:
        self.pipeline.close()

    def work_once(self, claim_id: int | None = None, *, mode: str | None = None) -> Outcome | None:
        """Lease ``claim_id`` (or the next available claim) and process it; None when there was none."""
        under = self.service.inbox.absolute() if mode == "watch" else None  # watched files live in the inbox
        claim = claims.lease(
            self.database, self.owner, self.service.lease_s, claim_id=claim_id, mode=mode, under=under
        )
        if claim is None:
            return None
        started = time.perf_counter()
        if claim.attempts > self.service.max_attempts:
            return self._quarantine(claim, started)
        try:
            with _Heartbeat(self.database, claim, self.service.lease_s):
                return self._process(claim, started)
        except Exception as exc:
            log.exception("claim %d (%s) failed unexpectedly; it will be retried", claim.id, claim.path)
            with contextlib.suppress(InvoicerError):  # else the lease expires on its own
                claims.release(self.database, claim, f"{type(exc).__name__}: {exc}")
            raise

    # -- steps --------------------------------------------------------------------------------

    def _process(self, claim: Claim, started: float) -> Outcome:
        source = Path(claim.path)
        document_id = claim.document_id or self._stored_document(claim.sha256)
        duplicate = False
        if document_id is None:
            if not source.exists():
                return self._vanished(claim, started)
            actual = file_sha256(source)
            if actual != claim.sha256:
                log.warning("%s changed after it was registered; processing its current content", source)
            extraction = self.pipeline.process(source)
            if claim.mode == "watch":  # the document records where its original is going
                folder = self._folder(claim, extraction.status is ExtractionStatus.FAILED)
                planned = str(planned_destination(source, folder, claim_id=claim.id))
                extraction = replace(extraction, document=replace(extraction.document, source_path=planned))
            document_id, status, error = self._store(claim, extraction)
            # the claim now names the content that was processed (a retry looks for the moved file by it)
            claim = replace(claim, sha256=extraction.document.sha256 or claim.sha256)
        else:
            duplicate = claim.document_id is None  # stored from another file with the same content
            status, error = self._link(claim, document_id)
        moved_to: str | None = None
        if claim.mode == "watch":
            folder = self._folder(claim, status == "failed")
            try:
                moved_to = str(move_original(source, folder, sha256=claim.sha256, claim_id=claim.id))
            except MissingFileError:
                return self._vanished(claim, started, document_id)
        state = "duplicate" if duplicate else ("failed" if status == "failed" else "done")
        kept = claims.finish(
            self.database,
            claim,
            state,
            moved_to=moved_to,
            error=error,
            document_id=document_id,
        )
        outcome = Outcome(
            claim.id,
            claim.path,
            state if kept else "lost",
            document_id,
            status,
            moved_to,
            error,
            time.perf_counter() - started,
        )
        log.info("claim %d %s: %s → %s (%s)", claim.id, outcome.state, claim.path, moved_to or "-", status)
        return outcome

    def _folder(self, claim: Claim, failed: bool) -> Path:
        return self.service.failed_dir if failed else archive_folder(self.service.archive_dir, claim.created_at)

    def _stored_document(self, sha256: str) -> int | None:
        with self.database.read() as session:
            row = session.scalars(
                select(DocumentRow.id).where(DocumentRow.sha256 == sha256, DocumentRow.current_version.is_not(None))
            ).first()
        return row

    def _store(self, claim: Claim, extraction: Extraction) -> tuple[int, str, str | None]:
        """Store the extraction and note the document on the claim, in one transaction."""

        def work(tx: Transaction) -> tuple[int, str, str | None]:
            row = claims.holds(tx, claim)
            if row is None:
                raise claims_lost(claim)
            stored = store_extraction(tx, extraction, policy=self.policy)
            row.document_id = stored.document_id
            if extraction.document.sha256 and row.sha256 != extraction.document.sha256:
                row.sha256 = extraction.document.sha256  # the file changed after it was registered
            return (stored.document_id, *_document_state(tx, stored.document_id))

        return self.database.write(work, actor="pipeline")

    def _link(self, claim: Claim, document_id: int) -> tuple[str, str | None]:
        def work(tx: Transaction) -> tuple[str, str | None]:
            row = claims.holds(tx, claim)
            if row is None:
                raise claims_lost(claim)
            row.document_id = document_id
            return _document_state(tx, document_id)

        return claims.claim_write(self.database, work, actor=claim.owner)

    def _vanished(self, claim: Claim, started: float, document_id: int | None = None) -> Outcome:
        error = f"missing_file: {claim.path} disappeared from the inbox before it was processed"
        claims.finish(self.database, claim, "missing", error=error, document_id=document_id)
        log.warning("claim %d: %s", claim.id, error)
        return Outcome(claim.id, claim.path, "missing", document_id, None, None, error, time.perf_counter() - started)

    def _quarantine(self, claim: Claim, started: float) -> Outcome:
        """A file whose processing kept crashing: record it as failed, move it to failed/, never retry."""
        message = f"processing crashed or timed out {claim.attempts - 1} time(s); quarantined"
        with self.database.read() as session:
            last = session.scalar(select(InboxClaim.error).where(InboxClaim.id == claim.id))
        if last:
            message += f" (last error: {last})"
        document_id = claim.document_id or self._stored_document(claim.sha256)
        if document_id is None:
            source = Path(claim.path)
            if source.exists():
                extraction = failed_extraction(source, "quarantined", message, "see `invoicer status`", None)
            else:
                document = Document(
                    sha256=claim.sha256,
                    source_name=claim.source_name,
                    media_type="application/octet-stream",
                    size_bytes=claim.size_bytes,
                    source_path=claim.path,
                )
                error = ProcessingError("quarantined", message, None, None)
                extraction = Extraction(document, status=ExtractionStatus.FAILED, error=error)
            document_id = self._store(claim, extraction)[0]
        moved_to = None
        if claim.mode == "watch":
            try:
                moved_to = str(
                    move_original(Path(claim.path), self.service.failed_dir, sha256=claim.sha256, claim_id=claim.id)
                )
            except MissingFileError:
                moved_to = None
        claims.finish(self.database, claim, "quarantined", moved_to=moved_to, error=message, document_id=document_id)
        log.error("claim %d quarantined: %s", claim.id, message)
        return Outcome(
            claim.id, claim.path, "quarantined", document_id, "failed", moved_to, message, time.perf_counter() - started
        )


def _document_state(tx: Transaction, document_id: int) -> tuple[str, str | None]:
    doc = tx.session.get(DocumentRow, document_id)
    if doc is None:
        raise StorageError(f"document {document_id} disappeared while its file was being processed")
    return doc.status, (f"{doc.error_code}: {doc.error_message}" if doc.error_code else None)


def claims_lost(claim: Claim) -> StorageError:
    return StorageError(f"the lease of claim {claim.id} ({claim.path}) was lost to another worker")
