"""The word-label set of the synthetic corpus (BIO over contract fields and line-item columns).

Every word of a synthetic page carries one label from :data:`LABELS`. ``B-X`` marks the first word
of one printed occurrence of entity ``X`` in reading order (the order of
:attr:`invoicer.document.Page.words`), ``I-X`` the following words of that same occurrence (they
may sit on later lines, e.g. a two-line address), ``O`` everything else — including the labels a
document prints next to values ("Total:", "Invoice No.").

Entities: one per contract header field (``FIELD_ENTITIES``, upper-cased field names) and one per
line-item column (``ITEM_ENTITIES``); each item row is its own occurrence, so ``B-ITEM_DESCRIPTION``
starts a new row.

Labelling rules:
- a value is labelled on the words that print it; where a word also holds a neighbour's text with
  no space between (``€1,234.56``), the word goes to the entity with most of its letters/digits —
  the amount, not the currency;
- a value printed more than once is labelled once, at the occurrence a person would point at: the
  header/letterhead for party data, the meta block for numbers and dates, the final totals block for
  money (not the "amount due" banner or a payment slip repeating it), the first page for repeated page
  headers; the currency at a "Currency: EUR" meta line or a receipt's currency column head when the
  document has one, else the mark printed with the total (when that mark is glued to the amount,
  ``€1,234.56``, no word carries CURRENCY);
- multi-line values (addresses, item descriptions) are one occurrence across their lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from invoicer.document import FIELD_NAMES, LINE_ITEM_COLUMNS

FIELD_ENTITIES: tuple[str, ...] = tuple(name.upper() for name in FIELD_NAMES)
ITEM_ENTITIES: tuple[str, ...] = tuple(f"ITEM_{col.upper()}" for col in LINE_ITEM_COLUMNS)
ENTITIES: tuple[str, ...] = FIELD_ENTITIES + ITEM_ENTITIES

#: The label vocabulary, in a fixed order (index = class id for a tagger).
LABELS: tuple[str, ...] = ("O", *(f"{p}-{e}" for e in ENTITIES for p in ("B", "I")))
LABEL_TO_ID: dict[str, int] = {label: i for i, label in enumerate(LABELS)}


def field_entity(field: str) -> str:
    """``total`` → ``TOTAL``."""
    if field not in FIELD_NAMES:
        raise ValueError(f"unknown field {field!r}; valid: {', '.join(FIELD_NAMES)}")
    return field.upper()


def item_entity(column: str) -> str:
    """``unit_price`` → ``ITEM_UNIT_PRICE``."""
    if column not in LINE_ITEM_COLUMNS:
        raise ValueError(f"unknown line-item column {column!r}; valid: {', '.join(LINE_ITEM_COLUMNS)}")
    return f"ITEM_{column.upper()}"


def entity_of(label: str) -> str | None:
    """``B-TOTAL`` → ``TOTAL``; ``O`` → None."""
    return None if label == "O" else label[2:]


def bio(tags: Sequence[tuple[str, int] | None]) -> list[str]:
    """BIO labels for words given in reading order, each with the (entity, occurrence) it prints."""
    seen: set[tuple[str, int]] = set()
    out = []
    for tag in tags:
        if tag is None:
            out.append("O")
        elif tag in seen:
            out.append(f"I-{tag[0]}")
        else:
            seen.add(tag)
            out.append(f"B-{tag[0]}")
    return out


def spans(labels: Iterable[str]) -> list[tuple[str, list[int]]]:
    """Group word indices into entity occurrences: each ``B-X`` opens one, ``I-X`` joins the latest open
    occurrence of ``X`` (words of other entities may come between, as on multi-column pages)."""
    out: list[tuple[str, list[int]]] = []
    latest: dict[str, int] = {}
    for i, label in enumerate(labels):
        if label == "O":
            continue
        prefix, entity = label[0], label[2:]
        if prefix == "B" or entity not in latest:
            latest[entity] = len(out)
            out.append((entity, [i]))
        else:
            out[latest[entity]][1].append(i)
    return out
