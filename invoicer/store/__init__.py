"""Storage of extractions, chosen by name from :data:`STORES`.

``none`` keeps nothing (``invoicer extract`` is storage-free). ``sql`` writes every extraction to
the database at ``database.url`` (SQLite by default, PostgreSQL via ``postgresql+psycopg://``);
see :mod:`invoicer.store.sql`. The schema, the pull views and the lifecycle are described in
:mod:`invoicer.store.models`, :mod:`invoicer.store.status` and ``docs/pull-contract.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from invoicer.document import Extraction
from invoicer.limits import Deadline
from invoicer.registry import Registry

if TYPE_CHECKING:  # pragma: no cover
    from invoicer.config import Settings

__all__ = ["STORES", "NullStore"]

STORES: Registry[Any] = Registry("store")


@STORES.register("none", "Stores nothing")
class NullStore:
    name = "none"

    def __init__(self, settings: Settings | None = None) -> None:
        pass

    def setup(self) -> None:
        pass

    def cleanup(self) -> None:
        pass

    def run(self, extraction: Extraction, deadline: Deadline) -> Extraction:
        return extraction


@STORES.register("sql", "Stores every extraction in the SQL database at database.url (SQLAlchemy)")
def _sql_store(settings: Settings | None = None) -> Any:
    from invoicer.store.sql import SqlStore  # SQLAlchemy is only imported when this store is used

    return SqlStore(settings)
