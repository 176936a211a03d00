"""The layout families of synthetic documents, by name (:data:`LAYOUTS`).

Each :class:`~invoicer.synth.layouts.base.Family` is a visually distinct design — where header,
addresses, meta block, table and totals sit, ruled or unruled tables, label-above or label-left —
randomized further per document (fonts, sizes, spacing, colours, logos, label synonyms).
"""

from __future__ import annotations

from invoicer.registry import Registry
from invoicer.synth.layouts.base import Family
from invoicer.synth.layouts.invoices import FAMILIES as _INVOICES
from invoicer.synth.layouts.realworld import FAMILIES as _REALWORLD
from invoicer.synth.layouts.receipts import FAMILIES as _RECEIPTS

LAYOUTS: Registry[Family] = Registry("synth layout")

for _family in (*_INVOICES, *_RECEIPTS, *_REALWORLD):
    LAYOUTS.register(_family.name, _family.description)(lambda f=_family: f)


def family(name: str) -> Family:
    """The family called ``name`` (an unknown name raises UnknownBackendError listing the valid ones)."""
    return LAYOUTS.create(name)


def families(kind: str | None = None) -> tuple[Family, ...]:
    """All families (of ``kind`` invoice/receipt when given), in name order."""
    out = tuple(family(n) for n in LAYOUTS.names())
    return tuple(f for f in out if kind is None or f.kind == kind)


__all__ = ["LAYOUTS", "Family", "families", "family"]
