"""Scoring extracted fields and line items against truth (shared by training validation and ``benchmarks/fields``).

"Exact after normalization" means: money compared as numbers, dates as ISO strings, currency codes
upper-cased, and text fields (names, addresses, numbers) compared on their letters and digits only,
case-folded (so ``"BOOK TA .K SDN BHD"`` equals ``"Book Ta.K Sdn. Bhd."``). A stricter variant that
keeps punctuation and only folds case and collapses spaces is reported beside it (``strict``).

Per field, over documents: a correct prediction is a true positive; a wrong one counts as a false
positive and, when the truth has the field, also as a false negative; a missing one is a false
negative. ``exact`` is the share of documents whose truth has the field where the prediction matches.

Line items: a predicted row matches a true row when their amounts are equal (when the truth has an
amount) and their descriptions agree (rapidfuzz ``ratio`` ≥ 80 on case-folded text, when the truth
has a description); rows are matched greedily one to one; row precision, recall and F1 are summed
over the documents whose truth has line items.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from invoicer.document import DATE_FIELDS, MONEY_FIELDS, LineItem

__all__ = [
    "FieldCounts",
    "RowCounts",
    "Scoreboard",
    "options_of",
    "rows_match",
    "same_value",
]

DESCRIPTION_MIN_RATIO = 80.0


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _alnum(text: str) -> str:
    return "".join(c for c in _fold(text) if c.isalnum())


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None


def same_value(name: str, predicted: str | None, truth: str | None, *, strict: bool = False) -> bool:
    """Whether a predicted (normalized) value equals the truth for field ``name``."""
    if predicted is None or truth is None:
        return predicted is None and truth is None
    if name in MONEY_FIELDS or name in ("quantity", "unit_price", "amount", "tax_rate"):
        a, b = _decimal(predicted), _decimal(truth)
        return a is not None and a == b
    if name in DATE_FIELDS:
        return predicted.strip() == truth.strip()
    if name == "currency":
        return predicted.strip().upper() == truth.strip().upper()
    if strict:
        return " ".join(_fold(predicted).split()) == " ".join(_fold(truth).split())
    return bool(_alnum(truth)) and _alnum(predicted) == _alnum(truth)


@dataclass
class FieldCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    truths: int = 0
    exact: int = 0
    exact_strict: int = 0

    def add(self, name: str, predicted: str | None, options: Sequence[str]) -> None:
        """Count one document; ``options`` are the acceptable true values (empty: the field is absent)."""
        correct = bool(options) and any(same_value(name, predicted, t) for t in options)
        if options:
            self.truths += 1
            self.exact += correct
            self.exact_strict += bool(
                predicted is not None and any(same_value(name, predicted, t, strict=True) for t in options)
            )
        if predicted is not None:
            if correct:
                self.tp += 1
            else:
                self.fp += 1
        if options and not correct:
            self.fn += 1

    def to_dict(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "documents_with_truth": self.truths,
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f1, 4),
            "exact": round(self.exact / self.truths, 4) if self.truths else None,
            "exact_strict": round(self.exact_strict / self.truths, 4) if self.truths else None,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def rows_match(predicted: LineItem, truth: LineItem) -> bool:
    """Whether a predicted line item is the same row as a true one (see the module docstring)."""
    if truth.amount is not None and not same_value("amount", predicted.amount, truth.amount):
        return False
    if truth.description:
        if not predicted.description:
            return False
        from rapidfuzz import fuzz

        if fuzz.ratio(" ".join(_fold(predicted.description).split()), " ".join(_fold(truth.description).split())) < (
            DESCRIPTION_MIN_RATIO
        ):
            return False
    return truth.amount is not None or bool(truth.description)


@dataclass
class RowCounts:
    tp: int = 0
    predicted: int = 0
    true: int = 0
    documents: int = 0

    def add(self, predicted: Sequence[LineItem], truth: Sequence[LineItem]) -> None:
        if not truth:
            return
        self.documents += 1
        self.predicted += len(predicted)
        self.true += len(truth)
        free = list(range(len(predicted)))
        for t in truth:
            for k in free:
                if rows_match(predicted[k], t):
                    self.tp += 1
                    free.remove(k)
                    break

    def to_dict(self) -> dict[str, Any]:
        p = self.tp / self.predicted if self.predicted else 0.0
        r = self.tp / self.true if self.true else 0.0
        return {
            "documents_with_line_items": self.documents,
            "true_rows": self.true,
            "predicted_rows": self.predicted,
            "matched_rows": self.tp,
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        }


@dataclass
class Scoreboard:
    """Per-field counts and line-item row counts over many documents."""

    fields: tuple[str, ...]
    counts: dict[str, FieldCounts] = field(default_factory=dict)
    rows: RowCounts = field(default_factory=RowCounts)
    documents: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        predicted: Mapping[str, str | None],
        truth: Mapping[str, Sequence[str]],
        predicted_items: Sequence[LineItem] | None = None,
        true_items: Sequence[LineItem] | None = None,
        *,
        key: str = "",
        keep_errors: int = 0,
    ) -> None:
        """One document: ``predicted`` field values, ``truth`` field → acceptable values (absent: not printed)."""
        self.documents += 1
        for name in self.fields:
            counts = self.counts.setdefault(name, FieldCounts())
            options = tuple(truth.get(name, ()))
            value = predicted.get(name)
            before = counts.tp
            counts.add(name, value, options)
            wrong = counts.tp == before and (options or value is not None)
            if wrong and len(self.errors) < keep_errors:
                self.errors.append({"document": key, "field": name, "predicted": value, "truth": list(options)[:3]})
        if true_items is not None:
            self.rows.add(predicted_items or (), true_items)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "documents": self.documents,
            "fields": {n: self.counts.get(n, FieldCounts()).to_dict() for n in self.fields},
        }
        if self.rows.documents:
            out["line_items"] = self.rows.to_dict()
        f1s = [self.counts[n].to_dict()["f1"] for n in self.fields if n in self.counts and self.counts[n].truths]
        out["mean_f1"] = round(sum(f1s) / len(f1s), 4) if f1s else 0.0
        return out


def options_of(value: str | None, alternates: Iterable[str] = ()) -> tuple[str, ...]:
    """The acceptable values of one field: the truth (if any) and its alternates."""
    if value is None:
        return ()
    return (value, *alternates)
