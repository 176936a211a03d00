"""The tagger's label set: BIO over the contract's header fields and the line-item columns.

Entity types are the header field names (:data:`invoicer.document.FIELD_NAMES`) and the line-item
columns prefixed with ``item_`` (``item_description``, ``item_quantity``, ``item_unit_price``,
``item_amount``, ``item_tax_rate``). Labels are ``O`` followed by ``B-<type>`` / ``I-<type>`` for every
type, in that fixed order (:data:`LABELS`), so label ids are stable across checkpoints.

:func:`canonical_label` reads the spellings other parts of invoicer (and other data sets) use for the
same labels — ``B-line_item.amount``, ``B-item.amount``, ``B-LINE_ITEM_AMOUNT`` ... — and raises
:class:`~invoicer.errors.DatasetError` for anything it does not know.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from invoicer.document import FIELD_NAMES, LINE_ITEM_COLUMNS
from invoicer.errors import DatasetError

__all__ = [
    "ENTITY_TYPES",
    "HEADER_TYPES",
    "ITEM_TYPES",
    "LABELS",
    "LABEL_TO_ID",
    "OUTSIDE",
    "canonical_label",
    "column_of",
    "entity_type",
    "is_begin",
]

OUTSIDE = "O"
ITEM_PREFIX = "item_"
#: Header field types (the contract's field names).
HEADER_TYPES: tuple[str, ...] = FIELD_NAMES
#: Line-item column types, ``item_<column>``.
ITEM_TYPES: tuple[str, ...] = tuple(ITEM_PREFIX + c for c in LINE_ITEM_COLUMNS)
ENTITY_TYPES: tuple[str, ...] = HEADER_TYPES + ITEM_TYPES
#: All labels in id order: ``O``, then ``B-``/``I-`` per entity type.
LABELS: tuple[str, ...] = (OUTSIDE, *(f"{p}-{t}" for t in ENTITY_TYPES for p in ("B", "I")))
LABEL_TO_ID: Mapping[str, int] = MappingProxyType({label: i for i, label in enumerate(LABELS)})

_ITEM_SPELLINGS = re.compile(r"^(?:line_?items?|items?|li|row)[._\-]?(?P<col>[a-z_]+)$")


def entity_type(label: str) -> str | None:
    """The entity type of a canonical label (``B-total`` → ``total``), None for ``O``."""
    return None if label == OUTSIDE else label[2:]


def is_begin(label: str) -> bool:
    return label.startswith("B-")


def column_of(entity: str) -> str | None:
    """The line-item column of an item type (``item_amount`` → ``amount``), None for header types."""
    return entity[len(ITEM_PREFIX) :] if entity.startswith(ITEM_PREFIX) else None


def _canonical_type(raw: str) -> str | None:
    name = raw.strip().lower().replace("-", "_").replace(" ", "_")
    if name in HEADER_TYPES or name in ITEM_TYPES:
        return name
    m = _ITEM_SPELLINGS.match(name)
    if m and m["col"].strip("_") in LINE_ITEM_COLUMNS:
        return ITEM_PREFIX + m["col"].strip("_")
    return None


def canonical_label(label: str) -> str:
    """``label`` in this module's spelling; raises :class:`DatasetError` for an unknown label."""
    text = label.strip()
    if text.upper() in ("O", "OUTSIDE", ""):
        return OUTSIDE
    prefix, sep, rest = text.partition("-")
    if not sep or prefix.upper() not in ("B", "I"):
        raise DatasetError(f"not a BIO label: {label!r}", hint=f"valid labels: {', '.join(LABELS)}")
    kind = _canonical_type(rest)
    if kind is None:
        raise DatasetError(f"unknown entity type in label {label!r}", hint=f"valid types: {', '.join(ENTITY_TYPES)}")
    return f"{prefix.upper()}-{kind}"
