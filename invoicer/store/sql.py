"""The ``sql`` store stage: persists each extraction through :func:`invoicer.store.records.store_extraction`."""

from __future__ import annotations

import logging

from invoicer.config import Settings
from invoicer.document import Extraction
from invoicer.limits import Deadline
from invoicer.store.database import Database
from invoicer.store.records import StoredDocument, store_extraction
from invoicer.validate.policy import ValidationPolicy

log = logging.getLogger(__name__)

__all__ = ["SqlStore"]


class SqlStore:
    """Pipeline stage writing extractions to a database.

    Give it the :class:`Database` (or call :meth:`use`) — or ``settings``, whose ``database.url`` is
    opened at :meth:`setup`. Built by name with neither (``STORES.create("sql")``), it reads the
    settings once at setup, like the CLI does.
    """

    name = "store"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        database: Database | None = None,
        reprocess: bool = False,
        actor: str = "pipeline",
    ) -> None:
        self.settings = settings
        self.database = database
        self.reprocess = reprocess
        self.actor = actor
        self._owns_database = False
        self.last_result: StoredDocument | None = None

    def use(self, database: Database, *, reprocess: bool | None = None, settings: Settings | None = None) -> None:
        """Write to ``database`` (owned by the caller) from now on; ``settings`` give the vendor matching policy."""
        self.database = database
        self._owns_database = False
        if reprocess is not None:
            self.reprocess = reprocess
        if settings is not None:
            self.settings = settings

    def setup(self) -> None:
        if self.database is None:
            from invoicer.config import load_settings

            settings = self.settings or load_settings()
            self.database = Database.from_settings(settings.database)
            self._owns_database = True
        self.database.require_schema()

    def cleanup(self) -> None:
        if self._owns_database and self.database is not None:
            self.database.dispose()
            self.database = None

    def run(self, extraction: Extraction, deadline: Deadline) -> Extraction:
        deadline.check("storing the result")
        self.last_result = None
        self.last_result = self.store(extraction)
        return extraction

    def store(self, extraction: Extraction) -> StoredDocument:
        """Persist ``extraction`` now (also used for files that failed before reaching this stage)."""
        if self.database is None:
            self.setup()
        assert self.database is not None
        policy = ValidationPolicy.from_settings(self.settings.validate) if self.settings else ValidationPolicy()
        result = self.database.write(
            lambda tx: store_extraction(tx, extraction, reprocess=self.reprocess, policy=policy), actor=self.actor
        )
        log.info(
            "stored %s as document %d (version %s)", extraction.document.source_name, result.document_id, result.version
        )
        return result

    def take_result(self) -> StoredDocument | None:
        """The result of the last :meth:`run`, once (None when the stage did not run since)."""
        result, self.last_result = self.last_result, None
        return result
