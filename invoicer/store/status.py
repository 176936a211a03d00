"""The document lifecycle in the database, and how pipeline results enter it.

::

    new ──► needs_review ──► approved ──► exported
     │            │  ▲          │   ▲  └──► export_failed ──► exported
     │            ▼  │          ▼   │
     │         rejected ◄───────┘   └── (approve again)
     └──► failed   (the file could not be read; re-process to retry)

An extraction's :class:`~invoicer.document.ExtractionStatus` decides where a document enters:
``auto_approved`` → ``approved``, ``needs_review`` → ``needs_review``, ``failed`` → ``failed``,
``pending`` → ``new``. Re-processing a document (a new extraction version) puts it where the new
extraction says, whatever its status was.
"""

from __future__ import annotations

from enum import StrEnum

from invoicer.document import ExtractionStatus

__all__ = [
    "APPROVABLE",
    "EDITABLE",
    "EXPORTABLE",
    "REJECTABLE",
    "DocumentStatus",
    "status_for_extraction",
]


class DocumentStatus(StrEnum):
    """Where a stored document stands; the ``status`` column of ``documents`` and of the pull views."""

    NEW = "new"  # stored, not extracted yet (e.g. queued by the inbox)
    NEEDS_REVIEW = "needs_review"  # a person must look: see its validation results
    APPROVED = "approved"  # ready to be exported / pulled
    EXPORTED = "exported"  # an accounting system (or a CSV export) has taken it
    EXPORT_FAILED = "export_failed"  # the pulling system could not book it; the message says why
    REJECTED = "rejected"  # a person decided it must not be booked
    FAILED = "failed"  # the file could not be read; the error says why


_ENTRY: dict[ExtractionStatus, DocumentStatus] = {
    ExtractionStatus.PENDING: DocumentStatus.NEW,
    ExtractionStatus.AUTO_APPROVED: DocumentStatus.APPROVED,
    ExtractionStatus.NEEDS_REVIEW: DocumentStatus.NEEDS_REVIEW,
    ExtractionStatus.FAILED: DocumentStatus.FAILED,
}

#: Statuses that an export (or a pulling system) may move to ``exported``.
EXPORTABLE = frozenset({DocumentStatus.APPROVED, DocumentStatus.EXPORT_FAILED})
#: Statuses a person may approve from.
APPROVABLE = frozenset({DocumentStatus.NEEDS_REVIEW, DocumentStatus.REJECTED})
#: Statuses a person may reject from.
REJECTABLE = frozenset({DocumentStatus.NEEDS_REVIEW, DocumentStatus.APPROVED, DocumentStatus.EXPORT_FAILED})
#: Statuses whose fields a person may correct.
EDITABLE = frozenset(
    {DocumentStatus.NEEDS_REVIEW, DocumentStatus.APPROVED, DocumentStatus.REJECTED, DocumentStatus.EXPORT_FAILED}
)


def status_for_extraction(status: ExtractionStatus) -> DocumentStatus:
    """The document status an extraction with ``status`` enters as."""
    return _ENTRY[status]
