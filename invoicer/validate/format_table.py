"""The table of real-world date / amount / currency formats and a runner for it (tests and benchmarks).

A table is TSV with a header ``kind  raw  expected  evidence  source``:

- ``kind``: ``date``, ``amount`` or ``currency``;
- ``raw``: the text as printed (OCR errors included);
- ``expected``: ``YYYY-MM-DD`` / a decimal / an ISO 4217 code, or ``AMBIGUOUS`` (must not be decided),
  ``UNKNOWN`` (currency must stay unknown) or ``ERROR`` (must be refused);
- ``evidence``: ``-`` or ``;``-separated ``key=value``: ``locale=de-DE``, ``country=MY`` (the vendor's,
  as the vendor master would give it), ``currency=USD`` (the currency field), ``address=...`` (the
  vendor address field, also printed on the page), ``text=a|b`` (other lines on the same document);
- ``source``: where the format was seen.

:func:`run_row` builds a one-page extraction from the row and runs the real
:func:`~invoicer.validate.normalize.normalize_extraction` on it, so the table checks the whole path
(evidence gathering included), not just the parsers.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from invoicer.document import Document, Extraction, Field, Line, Page, RuleOutcome, Word, WordSource
from invoicer.errors import DatasetError
from invoicer.validate.normalize import NormalizationContext, normalize_extraction

__all__ = ["FormatRow", "RowResult", "load_format_table", "run_row"]

KINDS = ("date", "amount", "currency")
_TARGET = {"date": "invoice_date", "amount": "total", "currency": "currency"}
_EVIDENCE_KEYS = {"locale", "country", "currency", "address", "text"}


@dataclass(frozen=True)
class FormatRow:
    kind: str
    raw: str
    expected: str
    evidence: tuple[tuple[str, str], ...]
    source: str
    line: int  # line number in the table file

    def evidence_value(self, key: str) -> str | None:
        return next((v for k, v in self.evidence if k == key), None)


@dataclass(frozen=True)
class RowResult:
    row: FormatRow
    got: str  # the normalized value, or AMBIGUOUS / UNKNOWN / ERROR
    ok: bool
    detail: str  # the validation message, when there was one


def _parse_evidence(text: str, where: str) -> tuple[tuple[str, str], ...]:
    if text.strip() in ("", "-"):
        return ()
    pairs = []
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in _EVIDENCE_KEYS:
            raise DatasetError(f"{where}: bad evidence {part!r}; use {', '.join(sorted(_EVIDENCE_KEYS))}=...")
        pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


def load_format_table(path: str | Path) -> list[FormatRow]:
    """Read a format table; raises :class:`DatasetError` for a missing file or a malformed row."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise DatasetError(f"cannot read format table {path}: {exc}") from exc
    reader = csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != ["kind", "raw", "expected", "evidence", "source"]:
        raise DatasetError(f"{path}: the header must be kind, raw, expected, evidence, source (tab-separated)")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not cells or cells[0].startswith("#"):
            continue
        where = f"{path}:{number}"
        if len(cells) != 5:
            raise DatasetError(f"{where}: expected 5 tab-separated cells, got {len(cells)}")
        kind, raw, expected, evidence, source = cells
        if kind not in KINDS:
            raise DatasetError(f"{where}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
        rows.append(FormatRow(kind, raw, expected, _parse_evidence(evidence, where), source, number))
    return rows


def _line(text: str, y: float) -> Line:
    words = text.split()
    boxes = []
    x = 20.0
    for word in words:
        width = 6.0 * len(word)
        boxes.append(Word(word, (x, y, x + width, y + 10), 0.99))
        x += width + 4
    return Line(tuple(boxes), 0.99)


def build_extraction(row: FormatRow) -> tuple[Extraction, NormalizationContext]:
    """A one-page extraction holding the row's raw text as its target field, and the row's context."""
    texts = [t for t in (row.evidence_value("text") or "").split("|") if t.strip()]
    address = row.evidence_value("address")
    if address:
        texts.append(address)
    lines = tuple(_line(t, 40.0 + 14 * i) for i, t in enumerate([row.raw, *texts]) if t.split())
    page = Page(1, 595.0, 842.0, None, WordSource.TEXT_LAYER, lines, "pdf-text")
    document = Document("0" * 64, f"format-table-line-{row.line}", "application/pdf", 1, (page,))
    target = _TARGET[row.kind]
    if row.kind == "currency" and any(ch.isdigit() for ch in row.raw):
        target = "total"  # an amount with its currency mark glued on
    fields = [Field(target, None, row.raw, 0.99, 1)]
    currency = row.evidence_value("currency")
    if currency and target != "currency":
        fields.append(Field("currency", None, currency, 0.99, 1))
    if address:
        fields.append(Field("vendor_address", None, address, 0.99, 1))
    context = NormalizationContext(locale=row.evidence_value("locale"), vendor_country=row.evidence_value("country"))
    return Extraction(document).with_fields(fields), context


def _matches(kind: str, got: str, expected: str) -> bool:
    if kind == "amount" and expected not in ("AMBIGUOUS", "ERROR"):
        try:
            return Decimal(got) == Decimal(expected)
        except InvalidOperation:
            return False
    return got == expected


def run_row(row: FormatRow) -> RowResult:
    """Normalize the row's raw text in its context and compare with ``expected``."""
    extraction, context = build_extraction(row)
    result = normalize_extraction(extraction, context)
    name = _TARGET[row.kind]
    value = result.value(name)
    failures = [v for v in result.validation if v.outcome is RuleOutcome.FAIL and name in v.fields]
    detail = "; ".join(v.message for v in failures) or "; ".join(v.message for v in result.validation)
    if value is not None:
        got = value
    elif row.kind == "currency":
        got = "UNKNOWN"
    elif any(" is ambiguous: " in v.message for v in failures):
        got = "AMBIGUOUS"
    else:
        got = "ERROR"
    return RowResult(row, got, _matches(row.kind, got, row.expected), detail)
