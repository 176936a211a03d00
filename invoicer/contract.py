"""The extraction contract: ``schemas/extraction.schema.json`` (JSON Schema 2020-12).

Every JSON document invoicer writes validates against it; :func:`validate_output` checks one.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from invoicer.document import FIELD_NAMES, LINE_ITEM_COLUMNS, SCHEMA_VERSION

__all__ = ["FIELD_NAMES", "LINE_ITEM_COLUMNS", "SCHEMA_VERSION", "ContractViolation", "schema", "validate_output"]


class ContractViolation(ValueError):
    """An output does not match the extraction contract."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("output violates the extraction contract: " + "; ".join(problems[:5]))


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The contract's JSON Schema as a dict."""
    text = (resources.files("invoicer") / "schemas" / "extraction.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def contract_problems(data: Any) -> list[str]:
    """Every way ``data`` differs from the contract (empty when it conforms)."""
    problems = []
    for error in sorted(_validator().iter_errors(data), key=lambda e: list(e.path)):
        where = "/".join(str(p) for p in error.path) or "(root)"
        problems.append(f"{where}: {error.message}")
    return problems


def validate_output(data: Any) -> None:
    """Raise :class:`ContractViolation` unless ``data`` conforms to the extraction contract."""
    problems = contract_problems(data)
    if problems:
        raise ContractViolation(problems)
