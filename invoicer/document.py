"""The typed, immutable document model passed between stages.

``Document → Page → Line → Word`` describes what was read; ``Field``, ``LineItem`` and
``ValidationResult`` describe what was understood; ``Extraction`` ties them together and is what
every stage returns. All classes are frozen dataclasses; stages build new objects with
:func:`dataclasses.replace` instead of mutating.

Coordinate convention (the only one used inside invoicer)
----------------------------------------------------------
Every box is ``(x0, y0, x1, y1)`` in **PDF points** (1/72 inch) relative to the **top-left corner of
the page**, x to the right and y downwards, ``x0 <= x1`` and ``y0 <= y1``. A page's ``width`` and
``height`` are in the same unit. Raster images are converted at the edges: pixel = point ×
``page.dpi`` / 72 (see :meth:`Page.to_pixels` / :meth:`Page.from_pixels`). Images without a usable
resolution in their metadata are taken to be ``ingest.default_image_dpi`` (300 by default).

JSON: :meth:`Extraction.to_dict` produces the extraction contract
(``schemas/extraction.schema.json``) and :meth:`Extraction.from_dict` reads it back; page images are
never serialized.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

SCHEMA_VERSION = "1.0"

BBox = tuple[float, float, float, float]

#: The contract's header field names, in output order.
FIELD_NAMES: tuple[str, ...] = (
    "vendor_name",
    "vendor_address",
    "vendor_tax_id",
    "customer_name",
    "invoice_number",
    "invoice_date",
    "due_date",
    "po_number",
    "currency",
    "subtotal",
    "tax_total",
    "total",
    "iban",
)
_FIELD_ORDER = {name: i for i, name in enumerate(FIELD_NAMES)}
DATE_FIELDS = frozenset({"invoice_date", "due_date"})
MONEY_FIELDS = frozenset({"subtotal", "tax_total", "total"})
#: The line-item columns of the contract.
LINE_ITEM_COLUMNS: tuple[str, ...] = ("description", "quantity", "unit_price", "amount", "tax_rate")


class WordSource(StrEnum):
    """How a page's words were obtained."""

    TEXT_LAYER = "text_layer"  # read from the PDF's own text
    OCR = "ocr"  # recognized from the page image
    NONE = "none"  # not read (yet): a page image waiting for OCR, or OCR unavailable


class RuleOutcome(StrEnum):
    """Result of one validation rule."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


class ExtractionStatus(StrEnum):
    """Where an extraction ended."""

    PENDING = "pending"  # still inside the pipeline
    AUTO_APPROVED = "auto_approved"  # required fields present, confident, rules pass
    NEEDS_REVIEW = "needs_review"  # a person must look; ``validation`` says why
    FAILED = "failed"  # the document could not be processed; ``error`` says why


def _round(value: float, digits: int = 2) -> float:
    return float(round(value, digits))


def _bbox(values: Sequence[float]) -> BBox:
    if len(values) != 4:
        raise ValueError(f"a bbox needs 4 numbers, got {len(values)}")
    x0, y0, x1, y1 = (float(v) for v in values)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def union_bbox(boxes: Iterable[BBox]) -> BBox:
    """Smallest box holding all ``boxes`` (which must not be empty)."""
    boxes = list(boxes)
    if not boxes:
        raise ValueError("union of no boxes")
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def center_inside(box: BBox, outer: BBox, margin: float = 0.0) -> bool:
    """Whether the centre of ``box`` lies in ``outer`` (grown by ``margin`` on every side)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] - margin <= cx <= outer[2] + margin and outer[1] - margin <= cy <= outer[3] + margin


@dataclass(frozen=True, slots=True)
class Word:
    """One word with its box (points, top-left origin) and recognition confidence in [0, 1]."""

    text: str
    bbox: BBox
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "bbox": [_round(v) for v in self.bbox],
            "confidence": _round(self.confidence, 4),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Word:
        return cls(str(data["text"]), _bbox(data["bbox"]), float(data.get("confidence", 1.0)))


@dataclass(frozen=True, slots=True)
class Line:
    """A text line: words in reading order."""

    words: tuple[Word, ...]
    confidence: float = 1.0

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return union_bbox(w.bbox for w in self.words)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "bbox": [_round(v) for v in self.bbox] if self.words else None,
            "confidence": _round(self.confidence, 4),
            "words": [w.to_dict() for w in self.words],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Line:
        return cls(
            tuple(Word.from_dict(w) for w in data.get("words", ())),
            float(data.get("confidence", 1.0)),
        )


@dataclass(frozen=True, slots=True)
class TextLayerInfo:
    """What ingest found in a PDF page's own text layer and whether it was trusted."""

    chars: int
    quality: float  # 0 (garbage) .. 1 (clean), see invoicer.ingest.textlayer
    usable: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "chars": self.chars,
            "quality": _round(self.quality, 3),
            "usable": self.usable,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TextLayerInfo:
        return cls(int(data["chars"]), float(data["quality"]), bool(data["usable"]), str(data["reason"]))


@dataclass(frozen=True, slots=True)
class Page:
    """One page: its size in points, the raster resolution, and its lines.

    ``image`` holds the rendered page (grayscale PIL image at ``dpi``) when the page needs or had
    OCR; it is not part of equality and is never serialized.
    """

    number: int  # 1-based
    width: float  # points
    height: float  # points
    dpi: float | None  # resolution of ``image`` (or of the source image); None for text-only pages
    source: WordSource
    lines: tuple[Line, ...] = ()
    engine: str | None = None  # "pdf-text" or the OCR engine's name
    text_layer: TextLayerInfo | None = None
    image: Image | None = field(default=None, compare=False, repr=False)

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for line in self.lines for w in line.words)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def needs_ocr(self) -> bool:
        return self.source is WordSource.NONE and self.image is not None

    def to_pixels(self, bbox: BBox) -> BBox:
        """Convert a box in points to pixels of this page's image."""
        if not self.dpi:
            raise ValueError(f"page {self.number} has no raster resolution")
        s = self.dpi / 72.0
        return (bbox[0] * s, bbox[1] * s, bbox[2] * s, bbox[3] * s)

    def from_pixels(self, bbox: Sequence[float]) -> BBox:
        """Convert a box in pixels of this page's image to points."""
        if not self.dpi:
            raise ValueError(f"page {self.number} has no raster resolution")
        s = 72.0 / self.dpi
        return _bbox([v * s for v in bbox])

    def without_image(self) -> Page:
        return replace(self, image=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "width": _round(self.width),
            "height": _round(self.height),
            "dpi": self.dpi,
            "source": self.source.value,
            "engine": self.engine,
            "text_layer": self.text_layer.to_dict() if self.text_layer else None,
            "lines": [line.to_dict() for line in self.lines],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Page:
        tl = data.get("text_layer")
        return cls(
            number=int(data["number"]),
            width=float(data["width"]),
            height=float(data["height"]),
            dpi=float(data["dpi"]) if data.get("dpi") is not None else None,
            source=WordSource(data["source"]),
            lines=tuple(Line.from_dict(x) for x in data.get("lines", ())),
            engine=data.get("engine"),
            text_layer=TextLayerInfo.from_dict(tl) if tl else None,
        )


@dataclass(frozen=True, slots=True)
class Document:
    """An input file as read by ingest: identity, type and pages."""

    sha256: str
    source_name: str  # file name (or caller-given name for bytes)
    media_type: str  # application/pdf, image/png, image/jpeg, image/tiff
    size_bytes: int
    pages: tuple[Page, ...] = ()
    source_path: str | None = None

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def page(self, number: int) -> Page:
        """The page with 1-based ``number``."""
        return self.pages[number - 1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "source_name": self.source_name,
            "source_path": self.source_path,
            "media_type": self.media_type,
            "size_bytes": self.size_bytes,
            "page_count": self.page_count,
            "pages": [p.to_dict() for p in self.pages],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        return cls(
            sha256=str(data["sha256"]),
            source_name=str(data["source_name"]),
            media_type=str(data["media_type"]),
            size_bytes=int(data["size_bytes"]),
            pages=tuple(Page.from_dict(p) for p in data.get("pages", ())),
            source_path=data.get("source_path"),
        )


@dataclass(frozen=True, slots=True)
class Field:
    """One extracted header field.

    ``value`` is normalized (dates ``YYYY-MM-DD``, money a decimal string, currency ISO 4217);
    ``raw`` is the text as printed. ``page`` is 1-based; ``bbox`` in points on that page.
    """

    name: str
    value: str | None
    raw: str | None = None
    confidence: float = 0.0
    page: int | None = None
    bbox: BBox | None = None
    source: str = "model"  # model / rule / person

    def __post_init__(self) -> None:
        if self.name not in FIELD_NAMES:
            raise ValueError(f"unknown field {self.name!r}; valid: {', '.join(FIELD_NAMES)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "raw": self.raw,
            "confidence": _round(self.confidence, 4),
            "page": self.page,
            "bbox": [_round(v) for v in self.bbox] if self.bbox else None,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> Field:
        bbox = data.get("bbox")
        return cls(
            name=name,
            value=data.get("value"),
            raw=data.get("raw"),
            confidence=float(data.get("confidence") or 0.0),
            page=data.get("page"),
            bbox=_bbox(bbox) if bbox else None,
            source=str(data.get("source") or "model"),
        )


@dataclass(frozen=True, slots=True)
class LineItem:
    """One row of the invoice's item table; money and quantities as decimal strings."""

    description: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    amount: str | None = None
    tax_rate: str | None = None  # percent, e.g. "19" or "7.7"
    confidence: float = 0.0
    page: int | None = None
    bbox: BBox | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "amount": self.amount,
            "tax_rate": self.tax_rate,
            "confidence": _round(self.confidence, 4),
            "page": self.page,
            "bbox": [_round(v) for v in self.bbox] if self.bbox else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LineItem:
        bbox = data.get("bbox")
        return cls(
            description=data.get("description"),
            quantity=data.get("quantity"),
            unit_price=data.get("unit_price"),
            amount=data.get("amount"),
            tax_rate=data.get("tax_rate"),
            confidence=float(data.get("confidence") or 0.0),
            page=data.get("page"),
            bbox=_bbox(bbox) if bbox else None,
        )


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """Outcome of one validation rule, with a message a bookkeeper can read."""

    rule: str
    outcome: RuleOutcome
    message: str = ""
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "outcome": self.outcome.value,
            "message": self.message,
            "fields": list(self.fields),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ValidationResult:
        return cls(
            str(data["rule"]),
            RuleOutcome(data["outcome"]),
            str(data.get("message", "")),
            tuple(data.get("fields", ())),
        )


@dataclass(frozen=True, slots=True)
class ProcessingError:
    """Why a document failed (the serialized form of an :class:`invoicer.errors.InvoicerError`)."""

    code: str
    message: str
    hint: str | None = None
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "hint": self.hint, "page": self.page}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProcessingError:
        return cls(str(data["code"]), str(data["message"]), data.get("hint"), data.get("page"))


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything invoicer knows about one document; what every stage returns."""

    document: Document
    fields: tuple[Field, ...] = ()
    line_items: tuple[LineItem, ...] = ()
    validation: tuple[ValidationResult, ...] = ()
    status: ExtractionStatus = ExtractionStatus.PENDING
    error: ProcessingError | None = None
    notes: tuple[str, ...] = ()  # stage remarks worth showing a user (e.g. "no OCR engine available")

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError(f"duplicate fields in extraction: {names}")
        # canonical (contract) order, so equal content compares equal
        ordered = tuple(sorted(self.fields, key=lambda f: _FIELD_ORDER[f.name]))
        if ordered != self.fields:
            object.__setattr__(self, "fields", ordered)

    def field(self, name: str) -> Field | None:
        """The field called ``name``, or None when it was not found."""
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def value(self, name: str) -> str | None:
        f = self.field(name)
        return f.value if f else None

    def with_fields(self, fields: Iterable[Field]) -> Extraction:
        """Return a copy whose fields are ``fields`` (kept in contract order)."""
        return replace(self, fields=tuple(fields))

    def with_note(self, note: str) -> Extraction:
        return replace(self, notes=(*self.notes, note))

    def to_dict(self) -> dict[str, Any]:
        """The extraction contract as a JSON-ready dict (see schemas/extraction.schema.json)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "document": self.document.to_dict(),
            "fields": {f.name: f.to_dict() for f in self.fields if f.value is not None},
            "line_items": [item.to_dict() for item in self.line_items],
            "validation": [v.to_dict() for v in self.validation],
            "status": self.status.value,
            "error": self.error.to_dict() if self.error else None,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Extraction:
        fields = data.get("fields") or {}
        error = data.get("error")
        return cls(
            document=Document.from_dict(data["document"]),
            fields=tuple(
                Field.from_dict(name, fields[name])
                for name in FIELD_NAMES
                if name in fields and fields[name] is not None
            ),
            line_items=tuple(LineItem.from_dict(x) for x in data.get("line_items", ())),
            validation=tuple(ValidationResult.from_dict(x) for x in data.get("validation", ())),
            status=ExtractionStatus(data.get("status", ExtractionStatus.PENDING.value)),
            error=ProcessingError.from_dict(error) if error else None,
            notes=tuple(data.get("notes", ())),
        )
