"""The hand-checked yardstick: real receipt/invoice PDFs labelled by reading them (never train on it).

Labels live in ``benchmarks/yardstick/*.jsonl`` (one JSON object per PDF, keyed by its path under
``shared/data/receipts-pdf`` and its sha256; the PDFs themselves are not in the repository). This
module reads and checks them:

* :func:`check_yardstick` validates every record and returns the documents plus every problem found
  (``error``: the label breaks the format; ``warning``: suspicious but possibly right, e.g. subtotal +
  tax ≠ total);
* :func:`load_yardstick` returns the documents and raises :class:`DatasetError` on any error;
* :func:`yardstick_paths_and_hashes` gives the paths and hashes to exclude from any training set
  (it reads only ``path`` and ``sha256``, so it works even while other labels are being fixed).

Record format (keys): ``path``, ``sha256``, ``pages``, ``fields`` (required); ``doc_type``, ``country``,
``language`` (ISO 639-1), ``text_layer`` (one of good/partial/garbled/none per page),
``currency_printed``, ``alternates`` (field → other acceptable values), ``line_items`` (dicts with
the contract's line-item columns), ``legible``, ``notes``. Field values follow the extraction contract:
dates ``YYYY-MM-DD``, money a decimal string with a dot, currency an ISO 4217 code.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, Literal

import invoicer
from invoicer.document import DATE_FIELDS, FIELD_NAMES, LINE_ITEM_COLUMNS, MONEY_FIELDS, Field, LineItem
from invoicer.errors import DatasetError

__all__ = [
    "CURRENCY_CODES",
    "TEXT_LAYER_STATES",
    "YardstickCheck",
    "YardstickDoc",
    "YardstickKeys",
    "YardstickProblem",
    "check_yardstick",
    "default_receipts_root",
    "default_yardstick_dir",
    "load_yardstick",
    "yardstick_paths_and_hashes",
]

TEXT_LAYER_STATES = frozenset({"good", "partial", "garbled", "none"})
_ISO_4217 = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
    GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
    LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
    STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG
    XOF XPF YER ZAR ZMW ZWG
"""
#: Active ISO 4217 currency codes.
CURRENCY_CODES = frozenset(_ISO_4217.split())
_REQUIRED_KEYS = ("path", "sha256", "pages", "fields")
_OPTIONAL_KEYS = (
    "doc_type", "country", "language", "text_layer", "currency_printed",
    "alternates", "line_items", "legible", "notes",
)  # fmt: skip
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONEY_RE = re.compile(r"^-?\d+(\.\d{1,2})?$")
_DECIMAL_RE = re.compile(r"^-?\d+(\.\d{1,4})?$")
_TWO_LETTERS_RE = re.compile(r"^[a-z]{2}$")
_FILE_DATE_RE = re.compile(r"(?<!\d)(20[12]\d)([01]\d)([0-3]\d)(?!\d)")


def default_yardstick_dir() -> Path:
    """``<repo>/benchmarks/yardstick`` (the labels live in the source checkout, not in the package)."""
    return Path(invoicer.__file__).resolve().parents[1] / "benchmarks" / "yardstick"


def default_receipts_root() -> Path:
    """``<workspace>/shared/data/receipts-pdf``: the PDFs the yardstick labels refer to."""
    return Path(invoicer.__file__).resolve().parents[2] / "shared" / "data" / "receipts-pdf"


@dataclass(frozen=True, slots=True)
class YardstickProblem:
    """Something wrong (``error``) or suspicious (``warning``) in one label record."""

    severity: Literal["error", "warning"]
    source: str  # "part-a.jsonl:12"
    doc: str | None  # the record's path, when it has one
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.source}" + (f" ({self.doc})" if self.doc else "") + f": {self.message}"


@dataclass(frozen=True, slots=True)
class YardstickDoc:
    """One hand-labelled PDF: identity, what the labeller saw, the true header fields and line items."""

    path: str  # relative to shared/data/receipts-pdf, POSIX separators
    sha256: str
    pages: int
    fields: Mapping[str, str]  # contract field name → normalized value
    alternates: Mapping[str, tuple[str, ...]]  # other values a reader may accept for a field
    line_items: tuple[LineItem, ...]
    doc_type: str | None = None
    country: str | None = None
    language: str | None = None
    text_layer: tuple[str, ...] = ()
    currency_printed: bool | None = None
    legible: bool | None = None
    notes: str = ""
    source: str = ""  # "part-a.jsonl:12"

    def value(self, name: str) -> str | None:
        """The labelled value of field ``name`` (None when the document does not show it)."""
        return self.fields.get(name)

    def accepts(self, name: str, predicted: str | None) -> bool:
        """Whether ``predicted`` equals the label or one of its alternates (money compared as numbers,
        text case- and space-insensitively); a missing label accepts only a missing prediction."""
        truth = self.fields.get(name)
        if truth is None or predicted is None:
            return truth is None and predicted is None
        return any(_same(name, predicted, option) for option in (truth, *self.alternates.get(name, ())))

    def to_fields(self) -> tuple[Field, ...]:
        """The labels as contract :class:`Field` objects (``source="person"``)."""
        return tuple(
            Field(name, self.fields[name], self.fields[name], 1.0, source="person")
            for name in FIELD_NAMES
            if name in self.fields
        )


def _same(name: str, a: str, b: str) -> bool:
    if name in MONEY_FIELDS:
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return False
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _redundant(name: str, alternate: str, value: str) -> bool:
    """An alternate that adds nothing: the same text, or the same amount."""
    return _same(name, alternate, value) if name in MONEY_FIELDS else alternate == value


@dataclass(frozen=True, slots=True)
class YardstickCheck:
    """What :func:`check_yardstick` found: the valid documents and every problem."""

    docs: tuple[YardstickDoc, ...]
    problems: tuple[YardstickProblem, ...]
    records: int  # non-blank lines read
    files: tuple[str, ...]
    pdfs_checked: bool  # whether hashes / page counts were compared with the real PDFs

    @property
    def errors(self) -> tuple[YardstickProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[YardstickProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": list(self.files),
            "records": self.records,
            "valid_docs": len(self.docs),
            "pdfs_checked": self.pdfs_checked,
            "errors": [str(p) for p in self.errors],
            "warnings": [str(p) for p in self.warnings],
        }


@dataclass(frozen=True, slots=True)
class YardstickKeys:
    """Paths and sha256 hashes of every yardstick PDF, for keeping them out of training data."""

    paths: frozenset[str]
    sha256s: frozenset[str]

    def __contains__(self, item: object) -> bool:
        """True for a yardstick sha256 or relative path."""
        return item in self.sha256s or item in self.paths

    def assert_not_in(self, sha256s: Iterable[str], what: str = "training data") -> None:
        """Raise :class:`DatasetError` if any of ``sha256s`` is a yardstick document."""
        leaked = sorted(set(sha256s) & self.sha256s)
        if leaked:
            raise DatasetError(
                f"{len(leaked)} yardstick document(s) in {what}: {', '.join(h[:12] for h in leaked[:5])}",
                hint="the yardstick is for measuring only; remove these documents",
            )


def _jsonl_files(path: str | Path | None) -> list[Path]:
    base = Path(path) if path is not None else default_yardstick_dir()
    if base.is_file():
        return [base]
    if not base.is_dir():
        raise DatasetError(
            "no yardstick labels here", path=str(base), hint="pass benchmarks/yardstick or a .jsonl file"
        )
    files = sorted(base.glob("*.jsonl"))
    if not files:
        raise DatasetError("no *.jsonl label files in the folder", path=str(base))
    return files


def _records(files: Sequence[Path]) -> Iterable[tuple[str, Any | None, str | None]]:
    """(source, parsed record or None, JSON error) for every non-blank line."""
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DatasetError(f"cannot read the label file ({exc})", path=str(file)) from exc
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            source = f"{file.name}:{number}"
            try:
                yield source, json.loads(line), None
            except json.JSONDecodeError as exc:
                yield source, None, f"not valid JSON ({exc})"


def yardstick_paths_and_hashes(path: str | Path | None = None) -> YardstickKeys:
    """The relative paths and sha256 hashes of all yardstick PDFs (all ``*.jsonl`` under ``path``,
    default ``benchmarks/yardstick``). Raises :class:`DatasetError` if a record lacks a usable hash."""
    paths: set[str] = set()
    hashes: set[str] = set()
    for source, record, error in _records(_jsonl_files(path)):
        if error or not isinstance(record, dict):
            raise DatasetError(f"{source}: {error or 'not a JSON object'}")
        sha, rel = record.get("sha256"), record.get("path")
        if not isinstance(sha, str) or not _SHA256_RE.match(sha) or not isinstance(rel, str):
            raise DatasetError(f"{source}: the record has no valid path and lower-case hex sha256")
        paths.add(rel)
        hashes.add(sha)
    return YardstickKeys(frozenset(paths), frozenset(hashes))


class _Checker:
    """Collects the problems of one record."""

    def __init__(self, source: str, doc: str | None, problems: list[YardstickProblem]) -> None:
        self.source, self.doc, self.problems = source, doc, problems
        self.failed = False

    def error(self, message: str) -> None:
        self.failed = True
        self.problems.append(YardstickProblem("error", self.source, self.doc, message))

    def warning(self, message: str) -> None:
        self.problems.append(YardstickProblem("warning", self.source, self.doc, message))


def _check_value(check: _Checker, name: str, value: Any, where: str) -> str | None:
    """Validate one header-field value; returns it when it is a usable string."""
    if not isinstance(value, str):
        check.error(f"{where} {name} must be a string, got {type(value).__name__}")
        return None
    if not value.strip():
        check.error(f"{where} {name} is empty (leave the field out instead)")
        return None
    if value != value.strip():
        check.error(f"{where} {name} has leading/trailing spaces: {value!r}")
    if name in DATE_FIELDS:
        if not _DATE_RE.match(value):
            check.error(f"{where} {name} {value!r} is not YYYY-MM-DD")
        else:
            try:
                date.fromisoformat(value)
            except ValueError:
                check.error(f"{where} {name} {value!r} is not a calendar date")
    elif name in MONEY_FIELDS:
        if not _MONEY_RE.match(value):
            check.error(f"{where} {name} {value!r} is not a decimal amount with a dot and at most 2 decimals")
        elif not re.search(r"\.\d{2}$", value):
            check.warning(f"{where} {name} {value!r} is not in the two-decimal form used elsewhere")
    elif name == "currency":
        if value not in CURRENCY_CODES:
            check.error(f"{where} currency {value!r} is not an ISO 4217 code")
    elif name == "iban":
        from stdnum import iban

        if not iban.is_valid(value):
            check.error(f"{where} iban {value!r} fails the IBAN checksum (misread digit?)")
        elif value != iban.compact(value):
            check.warning(f"{where} iban {value!r} is not in compact form ({iban.compact(value)})")
    return value


def _check_line_items(check: _Checker, items: Any) -> tuple[LineItem, ...]:
    if not isinstance(items, list):
        check.error("line_items must be a list")
        return ()
    out: list[LineItem] = []
    for k, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            check.error(f"line item {k} is not an object")
            continue
        unknown = set(item) - set(LINE_ITEM_COLUMNS)
        if unknown:
            check.error(f"line item {k} has unknown keys {sorted(unknown)}; valid: {', '.join(LINE_ITEM_COLUMNS)}")
        values: dict[str, str | None] = {}
        for column in LINE_ITEM_COLUMNS:
            v = item.get(column)
            if v is None:
                values[column] = None
                continue
            if not isinstance(v, str) or not v.strip():
                check.error(f"line item {k} {column} must be a non-empty string, got {v!r}")
                values[column] = None
                continue
            if column != "description" and not _DECIMAL_RE.match(v):
                check.error(f"line item {k} {column} {v!r} is not a decimal number with a dot")
            values[column] = v
        if not values["description"] and not values["amount"]:
            check.error(f"line item {k} has neither description nor amount")
        out.append(
            LineItem(
                description=values["description"],
                quantity=values["quantity"],
                unit_price=values["unit_price"],
                amount=values["amount"],
                tax_rate=values["tax_rate"],
                confidence=1.0,
            )
        )
    return tuple(out)


def _check_consistency(check: _Checker, rel: str, fields: Mapping[str, str], items: Sequence[LineItem]) -> None:
    """Warnings only: sums that do not add up, dates far from the file's folder year or name."""

    def money(name: str) -> Decimal | None:
        try:
            return Decimal(fields[name]) if name in fields else None
        except InvalidOperation:
            return None

    subtotal, tax, total = money("subtotal"), money("tax_total"), money("total")
    if subtotal is not None and tax is not None and total is not None and abs(subtotal + tax - total) > Decimal("0.02"):
        check.warning(f"subtotal {subtotal} + tax_total {tax} = {subtotal + tax} ≠ total {total}")
    if subtotal is not None and total is not None and subtotal > total:
        check.warning(f"subtotal {subtotal} > total {total}")
    if tax is not None and total is not None and tax > total:
        check.warning(f"tax_total {tax} > total {total}")
    amounts = []
    for item in items:
        try:
            amounts.append(Decimal(item.amount) if item.amount else None)
        except InvalidOperation:
            amounts.append(None)
    if total is not None and amounts and all(a is not None for a in amounts):
        total_items = sum(a for a in amounts if a is not None)
        if total_items != total and (subtotal is None or total_items != subtotal):
            check.warning(f"line item amounts add up to {total_items}, not to total {total} (or subtotal)")
    invoice_date = fields.get("invoice_date")
    if invoice_date and _DATE_RE.match(invoice_date):
        folder_year = PurePosixPath(rel).parts[0] if PurePosixPath(rel).parts else ""
        if folder_year.isdigit() and abs(int(folder_year) - int(invoice_date[:4])) > 1:
            check.warning(f"invoice_date {invoice_date} is far from the folder year {folder_year}")
        m = _FILE_DATE_RE.search(PurePosixPath(rel).name)
        if m:
            try:
                named = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                named = None
            if named and abs((named - date.fromisoformat(invoice_date)).days) > 31:
                check.warning(
                    f"invoice_date {invoice_date} is more than a month from the date in the file name ({named})"
                )


def _pdf_pages(path: Path) -> int | None:
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()
    except Exception:  # unreadable PDF: reported by the caller as an unknown page count
        return None


def _check_record(
    source: str, record: Any, pdf_root: Path | None, problems: list[YardstickProblem]
) -> YardstickDoc | None:
    if not isinstance(record, dict):
        problems.append(YardstickProblem("error", source, None, "the line is not a JSON object"))
        return None
    rel = record.get("path") if isinstance(record.get("path"), str) else None
    check = _Checker(source, rel, problems)
    for key in _REQUIRED_KEYS:
        if key not in record:
            check.error(f"missing key {key!r}")
    unknown = set(record) - set(_REQUIRED_KEYS) - set(_OPTIONAL_KEYS)
    if unknown:
        check.error(f"unknown keys {sorted(unknown)}")

    if rel is not None:
        posix = PurePosixPath(rel)
        if posix.is_absolute() or ".." in posix.parts or "\\" in rel or not rel.lower().endswith(".pdf"):
            check.error(f"path {rel!r} must be a relative POSIX path to a .pdf under receipts-pdf")
    elif "path" in record:
        check.error("path must be a string")
    sha = record.get("sha256")
    if not isinstance(sha, str) or not _SHA256_RE.match(sha):
        check.error(f"sha256 {sha!r} is not 64 lower-case hex digits")
        sha = None
    pages = record.get("pages")
    if not isinstance(pages, int) or isinstance(pages, bool) or pages < 1:
        check.error(f"pages must be a positive integer, got {pages!r}")
        pages = None

    if pdf_root is not None and rel is not None and not check.failed:
        pdf = pdf_root / rel
        if not pdf.is_file():
            check.error(f"no such PDF under {pdf_root}")
        else:
            actual = hashlib.sha256(pdf.read_bytes()).hexdigest()
            if sha is not None and actual != sha:
                check.error(f"sha256 does not match the file (file has {actual})")
            counted = _pdf_pages(pdf)
            if counted is None:
                check.warning("the PDF cannot be opened to count its pages")
            elif pages is not None and counted != pages:
                check.error(f"pages is {pages} but the PDF has {counted}")

    for key in ("doc_type", "notes"):
        if key in record and not isinstance(record[key], str):
            check.error(f"{key} must be a string")
    for key in ("country", "language"):
        value = record.get(key)
        if value is not None and (not isinstance(value, str) or not _TWO_LETTERS_RE.match(value)):
            check.error(f"{key} {value!r} must be a two-letter lower-case code")
    if rel is not None and isinstance(record.get("country"), str):
        parts = PurePosixPath(rel).parts
        if len(parts) > 2 and parts[1] != record["country"]:
            check.warning(f"country {record['country']!r} differs from the folder {parts[1]!r}")
    for key in ("currency_printed", "legible"):
        if key in record and not isinstance(record[key], bool):
            check.error(f"{key} must be true or false")
    text_layer = record.get("text_layer", [])
    if not isinstance(text_layer, list) or not all(isinstance(s, str) and s in TEXT_LAYER_STATES for s in text_layer):
        check.error(f"text_layer must list one of {sorted(TEXT_LAYER_STATES)} per page, got {text_layer!r}")
        text_layer = []
    elif pages is not None and text_layer and len(text_layer) != pages:
        check.error(f"text_layer has {len(text_layer)} entries for {pages} page(s)")

    raw_fields = record.get("fields", {})
    fields: dict[str, str] = {}
    if not isinstance(raw_fields, dict):
        check.error("fields must be an object")
        raw_fields = {}
    for name, value in raw_fields.items():
        if name not in FIELD_NAMES:
            check.error(f"unknown field {name!r}; valid: {', '.join(FIELD_NAMES)}")
            continue
        if value is None:
            continue  # explicitly absent
        good = _check_value(check, name, value, "field")
        if good is not None:
            fields[name] = good
    if "total" not in fields:
        check.warning("no total labelled")

    raw_alternates = record.get("alternates", {})
    alternates: dict[str, tuple[str, ...]] = {}
    if not isinstance(raw_alternates, dict):
        check.error("alternates must be an object")
        raw_alternates = {}
    for name, values in raw_alternates.items():
        if name not in FIELD_NAMES:
            check.error(f"alternates for unknown field {name!r}")
            continue
        if not isinstance(values, list):
            check.error(f"alternates[{name!r}] must be a list of strings")
            continue
        if name not in fields:
            check.warning(f"alternates given for {name}, which has no labelled value")
        good_values = tuple(v for v in (_check_value(check, name, v, "alternate") for v in values) if v is not None)
        if name in fields and any(_redundant(name, v, fields[name]) for v in good_values):
            check.warning(f"an alternate for {name} repeats its value {fields[name]!r}")
        if len(set(good_values)) != len(good_values):
            check.warning(f"alternates for {name} list a value twice")
        alternates[name] = good_values

    items = _check_line_items(check, record.get("line_items", []))
    if rel is not None:
        _check_consistency(check, rel, fields, items)
    if check.failed or rel is None or sha is None or pages is None:
        return None
    return YardstickDoc(
        path=rel,
        sha256=sha,
        pages=pages,
        fields=MappingProxyType(fields),
        alternates=MappingProxyType(alternates),
        line_items=items,
        doc_type=record.get("doc_type"),
        country=record.get("country"),
        language=record.get("language"),
        text_layer=tuple(text_layer),
        currency_printed=record.get("currency_printed"),
        legible=record.get("legible"),
        notes=record.get("notes", ""),
        source=source,
    )


def check_yardstick(
    path: str | Path | None = None, pdf_root: str | Path | None = None, *, verify_pdfs: bool = True
) -> YardstickCheck:
    """Validate every record of every ``*.jsonl`` under ``path`` (default ``benchmarks/yardstick``).

    When ``verify_pdfs`` and the PDFs are available (``pdf_root``, default ``../shared/data/receipts-pdf``),
    each record's sha256 and page count are compared with its file; otherwise those checks are skipped
    (``YardstickCheck.pdfs_checked`` says which). A ``pdf_root`` given explicitly must exist.
    """
    files = _jsonl_files(path)
    root = Path(pdf_root) if pdf_root is not None else default_receipts_root()
    if pdf_root is not None and not root.is_dir():
        raise DatasetError("the receipts PDF folder does not exist", path=str(root))
    usable_root = root if verify_pdfs and root.is_dir() else None
    problems: list[YardstickProblem] = []
    docs: list[YardstickDoc] = []
    records = 0
    first_seen: dict[tuple[str, str], str] = {}
    for source, record, error in _records(files):
        records += 1
        if error:
            problems.append(YardstickProblem("error", source, None, error))
            continue
        if isinstance(record, dict):
            for key in ("sha256", "path"):
                value = record.get(key)
                if isinstance(value, str):
                    if (key, value) in first_seen:
                        problems.append(
                            YardstickProblem(
                                "error",
                                source,
                                record.get("path"),
                                f"duplicate {key}: already in {first_seen[key, value]}",
                            )
                        )
                    else:
                        first_seen[key, value] = source
        doc = _check_record(source, record, usable_root, problems)
        if doc is not None:
            docs.append(doc)
    duplicated = {p.source for p in problems if p.message.startswith("duplicate ")}
    return YardstickCheck(
        docs=tuple(d for d in docs if d.source not in duplicated),
        problems=tuple(problems),
        records=records,
        files=tuple(f.name for f in files),
        pdfs_checked=usable_root is not None,
    )


def load_yardstick(
    path: str | Path | None = None, pdf_root: str | Path | None = None, *, verify_pdfs: bool = True
) -> list[YardstickDoc]:
    """All yardstick documents; raises :class:`DatasetError` listing the errors if any record is invalid."""
    result = check_yardstick(path, pdf_root, verify_pdfs=verify_pdfs)
    if result.errors:
        shown = "; ".join(str(p) for p in result.errors[:10])
        more = f" (and {len(result.errors) - 10} more)" if len(result.errors) > 10 else ""
        raise DatasetError(
            f"{len(result.errors)} invalid yardstick record(s): {shown}{more}",
            path=str(Path(path) if path is not None else default_yardstick_dir()),
            hint="run `invoicer datasets yardstick-check` for the full list",
        )
    return list(result.docs)
