"""The SROIE 2019 train receipts as training and validation data (see ``shared/data/README.md``).

Two views of the same receipts, both restricted to one side of a fixed train/validation split:

* :func:`sroie_line_crops` — one grayscale image crop per text line with its full transcript
  (from ``box/``; ``metadata.jsonl`` truncates transcripts at their first comma and is not used);
* :func:`sroie_receipts` — per receipt, the words with pixel boxes and one BIO label per word for
  the four key fields (company → ``vendor_name``, address → ``vendor_address``, date →
  ``invoice_date``, total → ``total``), plus the normalized truth for benchmarks and a
  :meth:`LabelledReceipt.to_document` that builds an :class:`invoicer.document.Document`.

The split is read from ``invoicer/datasets/splits/sroie.json`` (written once by
:func:`make_sroie_split` / ``invoicer datasets sroie-split --write``), never recomputed on the fly.

Words. ``box/`` gives one quadrilateral per *line* (all SROIE quads are axis-aligned rectangles).
A line's transcript is split on spaces; each word gets the line's full height and a horizontal
slice of the line box proportional to its character offsets in the transcript (spaces count as one
character of width each). This is an approximation: the printed glyphs are not measured.

Coordinates. Words, lines and crops carry **pixel** boxes ``(x0, y0, x1, y1)`` of the receipt
image (origin top-left, y down). :meth:`LabelledReceipt.to_document` converts them to PDF points
with ``Page.from_pixels`` at an assumed resolution, by default :data:`SROIE_DEFAULT_DPI` = 300 —
the same value ``ingest`` assumes for images without resolution metadata (the SROIE JPEGs carry
none), so a receipt ingested from its JPEG gets the same page size.

Label alignment (how an entity value is found among the line transcripts; see
:func:`align_receipt`):

* company and address: both sides are reduced to their upper-cased letters and digits, so case,
  spaces and punctuation never matter, and a value may run over several consecutive lines. The
  first exact occurrence wins (word-aligned occurrences before others). Otherwise
  ``rapidfuzz.fuzz.partial_ratio_alignment`` over the whole receipt, accepted at
  :data:`FUZZY_THRESHOLDS` (edge words are labelled only when at least half of their characters
  are inside the aligned span).
* date: the printed value (case-, space-tolerant, not inside a longer number), else any date-like
  text on the receipt that parses to the same calendar day (``25-12-18`` for ``25/12/2018``). Among
  several occurrences, the first on a row mentioning ``DATE``/``TARIKH`` wins, else the first.
* total: every amount on the receipt whose value equals the total (``RM``/``$``, thousands
  commas and a sign ignored). Each occurrence is scored by its row (lines overlapping it
  vertically): 3 for a ``TOTAL``-like keyword (``TOTAL`` but not ``SUB TOTAL``, ``GRAND``,
  ``NETT``, ``JUMLAH``, ``DUE``, ``PAYABLE``, ``ROUNDED``), minus 1 if the row says
  ``EXCL``; 1 for a payment word (``SUBTOTAL``, ``CASH``, ``AMOUNT``, ``PAY``, ``CARD``, ``RM``...); a
  keyword only on the line just above counts one point less. The highest score wins and, among
  equals, the **last** occurrence (the bottom-most total, usually the rounded/inclusive one).
  Amounts printed without decimals count only next to a ``TOTAL``-like keyword.

Words covered by an aligned value get ``B-<field>`` (first word) / ``I-<field>``; all others ``O``.
A word already labelled keeps its first label (order: vendor_name, vendor_address, invoice_date,
total) and the conflict is recorded in the alignment's ``reason``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import invoicer
from invoicer.document import Document, Line, Page, Word, WordSource
from invoicer.errors import DatasetError

if TYPE_CHECKING:  # pragma: no cover
    from PIL.Image import Image

__all__ = [
    "FIELD_FROM_SROIE",
    "FUZZY_THRESHOLDS",
    "SPLIT_NAMES",
    "SROIE_DEFAULT_DPI",
    "SROIE_DUPLICATE_GROUPS",
    "SROIE_REMOVED_IDS",
    "BoxLine",
    "FieldAlignment",
    "LabelledReceipt",
    "LineCrop",
    "SroieSplit",
    "SroieWord",
    "align_receipt",
    "default_split_path",
    "default_sroie_root",
    "label_names",
    "load_sroie_split",
    "make_sroie_split",
    "normalize_sroie_date",
    "normalize_sroie_total",
    "read_box_file",
    "read_entities",
    "split_ids",
    "sroie_ids",
    "sroie_line_crops",
    "sroie_line_crops_for_ids",
    "sroie_receipt",
    "sroie_receipts",
    "summarize_alignments",
    "words_from_lines",
    "write_sroie_split",
]

#: SROIE entity key → invoicer field name, in labelling priority order.
FIELD_FROM_SROIE: Mapping[str, str] = MappingProxyType(
    {"company": "vendor_name", "address": "vendor_address", "date": "invoice_date", "total": "total"}
)
#: rapidfuzz ``partial_ratio`` (0-100) needed to accept a fuzzy company / address alignment.
FUZZY_THRESHOLDS: Mapping[str, float] = MappingProxyType({"vendor_name": 85.0, "vendor_address": 85.0})
#: Resolution assumed when receipt pixels become PDF points (ingest's default for images without dpi).
SROIE_DEFAULT_DPI = 300.0
#: Byte-identical images filed under different ids (README); each group must stay in one split.
SROIE_DUPLICATE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("X51005268262", "X51005301659"),
    ("X51005453801", "X51009453801"),
    ("X51005453804", "X51009453804"),
    ("X51005301661", "X51005303661"),
    ("X51006401723", "X51007135037"),
)
#: Train receipts removed upstream because they duplicate SROIE test images (never expect them).
SROIE_REMOVED_IDS: frozenset[str] = frozenset(
    {"X51005453729", "X51005568881", "X51006008095", "X51006328913", "X51006329399", "X51006332575", "X51007135247"}
)
SPLIT_NAMES: tuple[str, ...] = ("train", "validation", "all")
SplitName = Literal["train", "validation", "all"]

_SPLIT_SALT = "invoicer-sroie-split-v1"
_DEFAULT_VALIDATION_FRACTION = 0.15


def default_sroie_root() -> Path:
    """``<workspace>/shared/data/sroie-train``: the shared data folder next to the repository."""
    return Path(invoicer.__file__).resolve().parents[2] / "shared" / "data" / "sroie-train"


def default_split_path() -> Path:
    """The recorded split shipped in the package: ``invoicer/datasets/splits/sroie.json``."""
    return Path(__file__).resolve().parent / "splits" / "sroie.json"


def _root(root: str | Path | None) -> Path:
    path = Path(root) if root is not None else default_sroie_root()
    if not (path / "img").is_dir() or not (path / "box").is_dir() or not (path / "entities").is_dir():
        raise DatasetError(
            "not an SROIE folder (needs img/, box/ and entities/)",
            path=str(path),
            hint="pass the folder holding the SROIE train data (default: ../shared/data/sroie-train)",
        )
    return path


# --------------------------------------------------------------------------------------------
# Raw files
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoxLine:
    """One line of ``box/<id>.txt``: its quadrilateral (clockwise from top-left, pixels) and transcript."""

    index: int  # position in the file, 0-based
    quad: tuple[int, int, int, int, int, int, int, int]
    text: str

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        """The quadrilateral's axis-aligned bounding box ``(x0, y0, x1, y1)`` in pixels."""
        xs, ys = self.quad[0::2], self.quad[1::2]
        return (min(xs), min(ys), max(xs), max(ys))


def read_box_file(path: str | Path) -> tuple[BoxLine, ...]:
    """Parse ``box/<id>.txt`` (``x1,y1,...,x4,y4,transcript``; the transcript may hold commas)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read the box file ({exc})", path=str(path)) from exc
    lines: list[BoxLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = raw.split(",", 8)
        if len(parts) != 9:
            raise DatasetError(f"line {number} has no 8 coordinates and a transcript: {raw[:60]!r}", path=str(path))
        try:
            coords = tuple(int(v) for v in parts[:8])
        except ValueError as exc:
            raise DatasetError(f"line {number} has a non-integer coordinate: {raw[:60]!r}", path=str(path)) from exc
        lines.append(BoxLine(len(lines), coords, parts[8]))  # type: ignore[arg-type]
    return tuple(lines)


def read_entities(path: str | Path) -> dict[str, str]:
    """Parse ``entities/<id>.txt`` (a JSON object with company, date, address, total; some may be absent)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"cannot read the entities file ({exc})", path=str(path)) from exc
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise DatasetError("the entities file is not a JSON object of strings", path=str(path))
    unknown = set(data) - set(FIELD_FROM_SROIE)
    if unknown:
        raise DatasetError(f"unknown entity keys {sorted(unknown)}", path=str(path))
    return {str(k): str(v) for k, v in data.items()}


def sroie_ids(root: str | Path | None = None) -> tuple[str, ...]:
    """All receipt ids in the data folder, sorted; each must have its image, box and entities file."""
    base = _root(root)
    images = {p.stem for p in (base / "img").glob("*.jpg")}
    boxes = {p.stem for p in (base / "box").glob("*.txt")}
    entities = {p.stem for p in (base / "entities").glob("*.txt")}
    if not images == boxes == entities:
        odd = sorted((images | boxes | entities) - (images & boxes & entities))
        raise DatasetError(f"ids lack an image, box or entities file: {', '.join(odd[:10])}", path=str(base))
    return tuple(sorted(images))


# --------------------------------------------------------------------------------------------
# Normalized truth
# --------------------------------------------------------------------------------------------

_MONTHS = {
    m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)
}
_MON = r"(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\.?"
_DATE_RE = re.compile(
    r"(?<![0-9])(?:"
    r"(?P<y1>(?:19|20)\d\d)[/\-.](?P<m1>\d{1,2})[/\-.](?P<d1>\d{1,2})"  # Y-M-D
    r"|(?P<d2>\d{1,2})\s*[/\-.]\s*(?P<m2>\d{1,2})\s*[/\-.]\s*(?P<y2>\d{4}|\d{2})"  # D/M/Y (M/D/Y when D > 12)
    r"|(?P<d3>\d{1,2})[\s\-/.]*" + _MON.replace("(", "(?P<mon3>", 1) + r"[\s\-/.,]*(?P<y3>\d{4}|\d{2})"  # 25 DEC 2018
    r"|" + _MON.replace("(", "(?P<mon4>", 1) + r"\s*(?P<d4>\d{1,2}),?\s*(?P<y4>\d{4})"  # DEC 25, 2018
    r"|(?P<compact>\d{8})"  # 20181225 or 25122018
    r")(?![0-9])"
)


def _make_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_from_match(m: re.Match[str]) -> date | None:
    g = m.groupdict()
    if g["y1"]:
        return _make_date(int(g["y1"]), int(g["m1"]), int(g["d1"]))
    if g["d2"]:
        day, month, year = int(g["d2"]), int(g["m2"]), int(g["y2"])
        if month > 12 >= day:  # printed month-first (12/28/2017)
            day, month = month, day
        return _make_date(year, month, day)
    if g["d3"]:
        return _make_date(int(g["y3"]), _MONTHS[g["mon3"]], int(g["d3"]))
    if g["d4"]:
        return _make_date(int(g["y4"]), _MONTHS[g["mon4"]], int(g["d4"]))
    digits = g["compact"]
    if digits[:2] in ("19", "20"):
        found = _make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        if found:
            return found
    return _make_date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))


def _dates_in(text: str) -> Iterator[tuple[int, int, date]]:
    for m in _DATE_RE.finditer(text.upper()):
        found = _date_from_match(m)
        if found is not None:
            yield m.start(), m.end(), found


def normalize_sroie_date(text: str) -> str | None:
    """ISO ``YYYY-MM-DD`` of an SROIE date value (day-first D/M/Y, Malaysia; month-first only when the
    first number cannot be a month; two-digit years are 20YY); None when ``text`` is empty.

    Raises :class:`DatasetError` when non-empty text holds no recognizable date.
    """
    if not text.strip():
        return None
    for _, _, found in _dates_in(text):
        return found.isoformat()
    raise DatasetError(f"not a recognizable date: {text!r}")


_MONEY_CLEAN_RE = re.compile(r"^(?P<sign>-)?\s*(?:RM|\$|MYR)?\s*(?P<sign2>-)?(?P<num>\d[\d,]*(?:\.\d+)?|\.\d+)$")


def normalize_sroie_total(text: str) -> str | None:
    """The total as a decimal string with two decimals (``"RM 1,007.5"`` → ``"1007.50"``); None when empty.

    Raises :class:`DatasetError` when non-empty text is not an amount.
    """
    cleaned = text.strip().upper()
    if not cleaned:
        return None
    m = _MONEY_CLEAN_RE.match(cleaned)
    if not m:
        raise DatasetError(f"not an amount: {text!r}")
    value = Decimal(m["num"].replace(",", ""))
    if m["sign"] or m["sign2"]:
        value = -value
    return f"{value:.2f}"


# --------------------------------------------------------------------------------------------
# Split
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SroieSplit:
    """A fixed train/validation partition of SROIE receipt ids."""

    train: tuple[str, ...]
    validation: tuple[str, ...]
    duplicate_groups: tuple[tuple[str, ...], ...] = SROIE_DUPLICATE_GROUPS
    method: str = ""

    def __post_init__(self) -> None:
        overlap = set(self.train) & set(self.validation)
        if overlap:
            raise DatasetError(f"ids in both train and validation: {sorted(overlap)[:10]}")
        if len(set(self.train)) != len(self.train) or len(set(self.validation)) != len(self.validation):
            raise DatasetError("the split lists an id twice")
        for group in self.duplicate_groups:
            sides = {self.side(i) for i in group if self.side(i) is not None}
            if len(sides) > 1:
                raise DatasetError(f"duplicate images {', '.join(group)} fall into different splits (validation leak)")

    def side(self, receipt_id: str) -> str | None:
        """``"train"``, ``"validation"`` or None for an id this split does not list."""
        if receipt_id in self.train:
            return "train"
        if receipt_id in self.validation:
            return "validation"
        return None

    def ids(self, split: str) -> tuple[str, ...]:
        """The ids of ``split`` (``train``, ``validation`` or ``all``), sorted."""
        if split == "train":
            return self.train
        if split == "validation":
            return self.validation
        if split == "all":
            return tuple(sorted(self.train + self.validation))
        raise DatasetError(f"unknown split {split!r}; valid: {', '.join(SPLIT_NAMES)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": "sroie-train (ICDAR 2019 SROIE train, see shared/data/README.md)",
            "method": self.method,
            "counts": {"train": len(self.train), "validation": len(self.validation)},
            "duplicate_groups": [list(g) for g in self.duplicate_groups],
            "train": list(self.train),
            "validation": list(self.validation),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SroieSplit:
        try:
            split = cls(
                train=tuple(str(i) for i in data["train"]),
                validation=tuple(str(i) for i in data["validation"]),
                duplicate_groups=tuple(tuple(str(i) for i in g) for g in data.get("duplicate_groups", ())),
                method=str(data.get("method", "")),
            )
            counts = data.get("counts") or {}
        except (KeyError, TypeError) as exc:
            raise DatasetError(f"the split file lacks train/validation id lists ({exc})") from exc
        if counts and (counts.get("train") != len(split.train) or counts.get("validation") != len(split.validation)):
            raise DatasetError(f"the split file's counts {counts} do not match its id lists")
        return split


def _split_rank(group_key: str, salt: str) -> bytes:
    return hashlib.sha256(f"{salt}|{group_key}".encode()).digest()


def make_sroie_split(
    ids: Iterable[str],
    *,
    validation_fraction: float = _DEFAULT_VALIDATION_FRACTION,
    duplicate_groups: Sequence[Sequence[str]] = SROIE_DUPLICATE_GROUPS,
    salt: str = _SPLIT_SALT,
) -> SroieSplit:
    """Deterministic split by receipt id: groups (duplicates together, else single ids) are ranked by
    ``sha256("<salt>|<smallest id of the group>")`` and taken into validation in that order until it
    holds ``round(validation_fraction × n)`` receipts; the rest is train."""
    if not 0.0 < validation_fraction < 1.0:
        raise DatasetError(f"validation_fraction must be in (0, 1), got {validation_fraction}")
    all_ids = sorted(set(ids))
    group_of: dict[str, tuple[str, ...]] = {i: (i,) for i in all_ids}
    for group in duplicate_groups:
        present = tuple(sorted(i for i in group if i in group_of))
        for i in present:
            group_of[i] = present
    groups = sorted(set(group_of.values()), key=lambda g: _split_rank(g[0], salt))
    target = round(validation_fraction * len(all_ids))
    validation: list[str] = []
    for group in groups:
        if len(validation) >= target:
            break
        validation.extend(group)
    chosen = set(validation)
    method = (
        f"groups of byte-identical images kept together; ranked by sha256('{salt}|<first id>'); "
        f"first {validation_fraction:.0%} of receipts to validation"
    )
    return SroieSplit(
        train=tuple(i for i in all_ids if i not in chosen),
        validation=tuple(sorted(chosen)),
        duplicate_groups=tuple(tuple(g) for g in duplicate_groups),
        method=method,
    )


def write_sroie_split(split: SroieSplit, path: str | Path | None = None) -> Path:
    """Record ``split`` as JSON (default: the package's ``splits/sroie.json``)."""
    target = Path(path) if path is not None else default_split_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(split.to_dict(), indent=1) + "\n", encoding="utf-8")
    return target


def load_sroie_split(path: str | Path | None = None) -> SroieSplit:
    """Read the recorded split (default: the package's ``splits/sroie.json``)."""
    source = Path(path) if path is not None else default_split_path()
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DatasetError(
            "the recorded SROIE split is missing", path=str(source), hint="run `invoicer datasets sroie-split --write`"
        ) from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise DatasetError(f"cannot read the split file ({exc})", path=str(source)) from exc
    try:
        return SroieSplit.from_dict(data)
    except DatasetError as exc:
        raise exc.with_path(str(source)) from None


def split_ids(split: str, split_file: str | Path | None = None) -> tuple[str, ...]:
    """Receipt ids of ``split`` (``train``, ``validation`` or ``all``) from the recorded split."""
    return load_sroie_split(split_file).ids(split)


# --------------------------------------------------------------------------------------------
# (a) Line crops
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineCrop:
    """A text line cut out of a receipt image, for OCR training and evaluation."""

    image: Image = field(repr=False, compare=False)  # grayscale ("L") crop
    text: str  # full transcript from box/
    receipt_id: str
    line_index: int  # position in box/<id>.txt
    box: tuple[int, int, int, int]  # the crop's pixel box in the receipt image (padded, clipped)


def _crop_box(line: BoxLine, width: int, height: int, padding: int, min_size: int) -> tuple[int, int, int, int] | None:
    x0, y0, x1, y1 = line.bbox
    if x1 - x0 < min_size or y1 - y0 < min_size:
        return None
    box = (max(0, x0 - padding), max(0, y0 - padding), min(width, x1 + padding), min(height, y1 + padding))
    if box[2] - box[0] < min_size or box[3] - box[1] < min_size:  # line (mostly) outside the image
        return None
    return box


def sroie_line_crops_for_ids(
    ids: Iterable[str], root: str | Path | None = None, *, padding: int = 3, min_size: int = 4
) -> Iterator[LineCrop]:
    """Line crops of the given receipts, in the given order, opening one image at a time.

    A crop is the axis-aligned box of the line's quadrilateral grown by ``padding`` pixels on each
    side (clipped to the image). Lines with an empty transcript or a box under ``min_size`` pixels
    in either direction are skipped.
    """
    from PIL import Image as PILImage

    if padding < 0 or min_size < 1:
        raise DatasetError(f"padding must be >= 0 and min_size >= 1, got {padding} and {min_size}")
    base = _root(root)
    for receipt_id in ids:
        lines = read_box_file(_existing(base / "box" / f"{receipt_id}.txt", receipt_id))
        image_path = _existing(base / "img" / f"{receipt_id}.jpg", receipt_id)
        try:
            with PILImage.open(image_path) as image:
                image.load()
                gray = image if image.mode == "L" else image.convert("L")
                width, height = gray.size
                for line in lines:
                    if not line.text.strip():
                        continue
                    box = _crop_box(line, width, height, padding, min_size)
                    if box is None:
                        continue
                    yield LineCrop(gray.crop(box), line.text, receipt_id, line.index, box)
        except OSError as exc:
            raise DatasetError(f"cannot decode the receipt image ({exc})", path=str(image_path)) from exc


def sroie_line_crops(
    split: str = "train",
    root: str | Path | None = None,
    *,
    padding: int = 3,
    min_size: int = 4,
    split_file: str | Path | None = None,
) -> Iterator[LineCrop]:
    """Line crops of every receipt in ``split`` (``train``, ``validation`` or ``all``) of the recorded split."""
    return sroie_line_crops_for_ids(split_ids(split, split_file), root, padding=padding, min_size=min_size)


def _existing(path: Path, receipt_id: str) -> Path:
    if not path.is_file():
        raise DatasetError(f"no such SROIE receipt {receipt_id!r} (file missing)", path=str(path))
    return path


# --------------------------------------------------------------------------------------------
# (b) Words and key-field labels
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SroieWord:
    """A word cut from a box/ line: text, pixel box (see the module docstring) and character span."""

    text: str
    box: tuple[float, float, float, float]
    line_index: int
    start: int  # character offsets of the word in its line's transcript
    end: int


def words_from_lines(lines: Sequence[BoxLine]) -> tuple[SroieWord, ...]:
    """Split each line on spaces; each word gets the line's height and a width slice proportional to
    its character span in the transcript (spaces included)."""
    words: list[SroieWord] = []
    for line in lines:
        text = line.text
        n = len(text)
        if n == 0:
            continue
        x0, y0, x1, y1 = line.bbox
        scale = (x1 - x0) / n
        for m in re.finditer(r"[^ ]+", text):
            words.append(
                SroieWord(
                    m.group(), (x0 + m.start() * scale, y0, x0 + m.end() * scale, y1), line.index, m.start(), m.end()
                )
            )
    return tuple(words)


def label_names() -> tuple[str, ...]:
    """The BIO label set: ``O`` then ``B-``/``I-`` for each field, in :data:`FIELD_FROM_SROIE` order."""
    names = ["O"]
    for name in FIELD_FROM_SROIE.values():
        names += [f"B-{name}", f"I-{name}"]
    return tuple(names)


AlignmentStatus = Literal["exact", "parsed", "fuzzy", "missing", "absent"]


@dataclass(frozen=True, slots=True)
class FieldAlignment:
    """How one entity value was found among the words.

    ``status``: ``exact`` (the printed value, modulo case/spaces/punctuation), ``parsed`` (same date
    or amount printed differently), ``fuzzy`` (rapidfuzz match, ``score`` 0-100), ``missing`` (not
    found: ``reason`` says why) or ``absent`` (the entity file has no value).
    """

    field: str
    status: AlignmentStatus
    word_indices: tuple[int, ...] = ()
    score: float = 100.0
    reason: str = ""

    @property
    def aligned(self) -> bool:
        return self.status in ("exact", "parsed", "fuzzy")


@dataclass(frozen=True, slots=True)
class _Index:
    """The receipt's letters and digits, upper-cased, concatenated over all lines."""

    key: str
    pos: tuple[tuple[int, int], ...]  # key index -> (line list position, char offset)


def _key_of(text: str) -> str:
    return "".join(ch.upper() if len(ch.upper()) == 1 else ch for ch in text if ch.isalnum())


def _build_index(lines: Sequence[BoxLine]) -> _Index:
    chars: list[str] = []
    pos: list[tuple[int, int]] = []
    for li, line in enumerate(lines):
        for ci, ch in enumerate(line.text):
            if ch.isalnum():
                up = ch.upper()
                chars.append(up if len(up) == 1 else ch)
                pos.append((li, ci))
    return _Index("".join(chars), tuple(pos))


def _is_word_start(lines: Sequence[BoxLine], li: int, ci: int) -> bool:
    return ci == 0 or not lines[li].text[ci - 1].isalnum()


def _is_word_end(lines: Sequence[BoxLine], li: int, ci: int) -> bool:
    text = lines[li].text
    return ci + 1 >= len(text) or not text[ci + 1].isalnum()


_Span = tuple[int, int, int]  # (line list position, char start, char end)


def _key_span_to_spans(index: _Index, start: int, end: int) -> list[_Span]:
    spans: dict[int, list[int]] = {}
    for li, ci in index.pos[start:end]:
        span = spans.setdefault(li, [ci, ci + 1])
        span[0] = min(span[0], ci)
        span[1] = max(span[1], ci + 1)
    return [(li, s, e) for li, (s, e) in sorted(spans.items())]


class _Receipt:
    """Lines, words and lookup helpers shared by the field aligners."""

    def __init__(self, lines: Sequence[BoxLine], words: Sequence[SroieWord]) -> None:
        self.lines = tuple(lines)
        self.words = tuple(words)
        self.index = _build_index(self.lines)
        pos_of_line = {line.index: li for li, line in enumerate(self.lines)}
        self.words_by_line: dict[int, list[int]] = {}
        for wi, word in enumerate(self.words):
            self.words_by_line.setdefault(pos_of_line[word.line_index], []).append(wi)

    def words_in(self, spans: Iterable[_Span], *, min_share: float = 0.0) -> tuple[int, ...]:
        """Words overlapping the character spans; with ``min_share`` > 0 a word needs that share of its
        letters and digits inside the span."""
        found: list[int] = []
        for li, start, end in spans:
            for wi in self.words_by_line.get(li, ()):
                w = self.words[wi]
                lo, hi = max(start, w.start), min(end, w.end)
                if lo >= hi:
                    continue
                if min_share > 0:
                    inside = sum(ch.isalnum() for ch in w.text[lo - w.start : hi - w.start])
                    total = sum(ch.isalnum() for ch in w.text)
                    if total and inside / total < min_share:
                        continue
                found.append(wi)
        return tuple(sorted(set(found)))

    def row(self, li: int) -> list[int]:
        """Lines overlapping line ``li`` vertically by at least half the smaller height (itself included)."""
        _, y0, _, y1 = self.lines[li].bbox
        out = []
        for lj, other in enumerate(self.lines):
            _, b0, _, b1 = other.bbox
            overlap = min(y1, b1) - max(y0, b0)
            if overlap > 0 and overlap >= 0.5 * max(1, min(y1 - y0, b1 - b0)):
                out.append(lj)
        return out

    def row_text(self, li: int) -> str:
        return " ".join(self.lines[lj].text for lj in self.row(li)).upper()


def _align_text(receipt: _Receipt, name: str, value: str) -> FieldAlignment:
    """Company / address: letters-and-digits match over consecutive lines, then rapidfuzz."""
    target = _key_of(value)
    if not target:
        return FieldAlignment(name, "missing", score=0.0, reason="value has no letters or digits")
    index, lines = receipt.index, receipt.lines
    occurrences: list[int] = []
    start = index.key.find(target)
    while start >= 0:
        occurrences.append(start)
        start = index.key.find(target, start + 1)
    if occurrences:

        def word_aligned(s: int) -> bool:
            return _is_word_start(lines, *index.pos[s]) and _is_word_end(lines, *index.pos[s + len(target) - 1])

        best = next((s for s in occurrences if word_aligned(s)), occurrences[0])
        spans = _key_span_to_spans(index, best, best + len(target))
        note = f"{len(occurrences)} occurrences, first used" if len(occurrences) > 1 else ""
        return FieldAlignment(name, "exact", receipt.words_in(spans), 100.0, note)

    from rapidfuzz import fuzz

    threshold = FUZZY_THRESHOLDS[name]
    result = fuzz.partial_ratio_alignment(target, index.key)
    if result is None or result.score < threshold or result.dest_end <= result.dest_start:
        score = 0.0 if result is None else result.score
        return FieldAlignment(
            name,
            "missing",
            score=score,
            reason=f"printed text differs (best rapidfuzz partial_ratio {score:.0f} < {threshold:.0f})",
        )
    spans = _key_span_to_spans(index, result.dest_start, result.dest_end)
    words = receipt.words_in(spans, min_share=0.5)
    if not words:
        return FieldAlignment(name, "missing", score=result.score, reason="fuzzy span covers no whole word")
    return FieldAlignment(name, "fuzzy", words, float(result.score))


def _value_pattern(value: str) -> re.Pattern[str]:
    """Regex for ``value`` printed with any spacing, case-insensitive, not inside a longer number or word."""
    chars = [re.escape(ch) for ch in value.upper() if not ch.isspace()]
    return re.compile(r"(?<![0-9A-Z])" + r"\s*".join(chars) + r"(?![0-9])")


def _align_date(receipt: _Receipt, value: str, truth: str | None) -> FieldAlignment:
    name = "invoice_date"
    pattern = _value_pattern(value)
    found: list[_Span] = []
    status: AlignmentStatus = "exact"
    for li, line in enumerate(receipt.lines):
        for m in pattern.finditer(line.text.upper()):
            found.append((li, m.start(), m.end()))
    if not found and truth:
        status = "parsed"
        for li, line in enumerate(receipt.lines):
            for s, e, d in _dates_in(line.text):
                if d.isoformat() == truth:
                    found.append((li, s, e))
    if not found:
        return FieldAlignment(name, "missing", score=0.0, reason="no printed date equals the entity date")
    labelled = [sp for sp in found if re.search(r"DATE|TARIKH|TRKH", receipt.row_text(sp[0]))]
    chosen = (labelled or found)[0]
    note = f"{len(found)} occurrences, {'DATE-labelled' if labelled else 'first'} used" if len(found) > 1 else ""
    return FieldAlignment(name, status, receipt.words_in([chosen]), 100.0, note)


_AMOUNT_RE = re.compile(r"(?<![\d.,])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\s?\.\s?(?P<frac>\d{1,2}))?(?![\d])")
_TOTAL_KEYWORD_RE = re.compile(r"(?<![A-Z])(?<!SUB)(?<!SUB )(?<!SUB-)TOTAL|GRAND|NETT|JUMLAH|\bDUE\b|PAYABLE|ROUNDED")
_PAYMENT_KEYWORD_RE = re.compile(r"SUB\s*-?\s*TOTAL|CASH|AMOUNT|AMT|\bPAY|PAID|CARD|VISA|MASTER|TENDER|NET\b|RM")


def _keyword_score(text: str) -> int:
    if _TOTAL_KEYWORD_RE.search(text):
        return 3 - (1 if "EXCL" in text else 0)
    return 1 if _PAYMENT_KEYWORD_RE.search(text) else 0


def _align_total(receipt: _Receipt, truth: str | None) -> FieldAlignment:
    name = "total"
    if truth is None:
        return FieldAlignment(name, "absent", score=0.0, reason="no total in the entity file")
    target = abs(Decimal(truth))
    candidates: list[tuple[int, int, _Span, bool]] = []  # (score, order, span, has decimals)
    for li, line in enumerate(receipt.lines):
        text = line.text.upper()
        for m in _AMOUNT_RE.finditer(text):
            try:
                amount = Decimal(m["int"].replace(",", "") + ("." + m["frac"] if m["frac"] else ""))
            except InvalidOperation:  # pragma: no cover - the regex only admits digits
                continue
            if amount != target:
                continue
            row_score = _keyword_score(receipt.row_text(li))
            prev_score = _keyword_score(receipt.lines[li - 1].text.upper()) - 1 if li else 0
            score = max(row_score, prev_score)
            candidates.append((score, len(candidates), (li, m.start(), m.end()), m["frac"] is not None))
    usable = [c for c in candidates if c[3] or c[0] >= 3]
    if not usable:
        reason = (
            "the amount is printed only without decimals and away from a TOTAL keyword"
            if candidates
            else ("no printed amount equals the entity total")
        )
        return FieldAlignment(name, "missing", score=0.0, reason=reason)
    best = max(usable, key=lambda c: (c[0], c[1]))
    note = f"{len(usable)} occurrences, keyword score {best[0]}, last best used" if len(usable) > 1 else ""
    if best[0] == 0:
        note = (note + "; " if note else "") + "no TOTAL-like keyword near it"
    return FieldAlignment(name, "exact", receipt.words_in([best[2]]), 100.0, note)


def align_receipt(
    lines: Sequence[BoxLine], words: Sequence[SroieWord], entities: Mapping[str, str], truth: Mapping[str, str | None]
) -> tuple[tuple[str, ...], tuple[FieldAlignment, ...]]:
    """BIO labels (one per word) and how each field was aligned; see the module docstring for the rules."""
    receipt = _Receipt(lines, words)
    alignments: list[FieldAlignment] = []
    for key, name in FIELD_FROM_SROIE.items():
        value = entities.get(key, "").strip()
        if not value:
            alignments.append(FieldAlignment(name, "absent", score=0.0, reason=f"no {key} in the entity file"))
        elif name == "invoice_date":
            alignments.append(_align_date(receipt, value, truth.get(name)))
        elif name == "total":
            alignments.append(_align_total(receipt, truth.get(name)))
        else:
            alignments.append(_align_text(receipt, name, value))
    labels = ["O"] * len(words)
    final: list[FieldAlignment] = []
    for alignment in alignments:
        taken = [wi for wi in alignment.word_indices if labels[wi] != "O"]
        free = [wi for wi in alignment.word_indices if labels[wi] == "O"]
        for k, wi in enumerate(free):
            labels[wi] = ("B-" if k == 0 else "I-") + alignment.field
        if taken:
            reason = "; ".join(x for x in (alignment.reason, f"{len(taken)} word(s) already labelled otherwise") if x)
            if not free:
                alignment = FieldAlignment(alignment.field, "missing", (), alignment.score, reason)
            else:
                alignment = FieldAlignment(alignment.field, alignment.status, tuple(free), alignment.score, reason)
        final.append(alignment)
    return tuple(labels), tuple(final)


@dataclass(frozen=True, slots=True)
class LabelledReceipt:
    """One SROIE receipt: words with pixel boxes, a BIO label per word, raw entities and normalized truth."""

    receipt_id: str
    width: int  # image size in pixels
    height: int
    image_path: Path
    lines: tuple[BoxLine, ...]
    words: tuple[SroieWord, ...]
    labels: tuple[str, ...]  # one per word: "O", "B-<field>", "I-<field>"
    entities: Mapping[str, str]  # as in entities/<id>.txt (SROIE keys)
    truth: Mapping[
        str, str | None
    ]  # normalized, invoicer field names: vendor_name, vendor_address, invoice_date, total
    alignments: tuple[FieldAlignment, ...]

    @property
    def fully_aligned(self) -> bool:
        """True when every entity value present in the entity file was found among the words."""
        return all(a.aligned for a in self.alignments if a.status != "absent")

    @property
    def labelled(self) -> bool:
        """True when at least one field is labelled."""
        return any(a.aligned for a in self.alignments)

    def alignment(self, name: str) -> FieldAlignment:
        for a in self.alignments:
            if a.field == name:
                return a
        raise KeyError(f"no field {name!r}; fields: {', '.join(a.field for a in self.alignments)}")

    def field_text(self, name: str) -> str:
        """The labelled words of field ``name`` joined by spaces ('' when not aligned)."""
        return " ".join(self.words[i].text for i in self.alignment(name).word_indices)

    def load_image(self) -> Image:
        """The receipt image (grayscale)."""
        from PIL import Image as PILImage

        with PILImage.open(self.image_path) as image:
            image.load()
            return image if image.mode == "L" else image.convert("L")

    def to_document(self, dpi: float = SROIE_DEFAULT_DPI, *, with_image: bool = False) -> Document:
        """A one-page :class:`Document` (``WordSource.OCR``, engine ``sroie-gt``) whose words are this
        receipt's, converted from pixels to points at ``dpi``; ``words[i]`` ↔ ``document.pages[0].words[i]``."""
        if dpi <= 0:
            raise DatasetError(f"dpi must be positive, got {dpi}")
        data = self.image_path.read_bytes()
        scale = 72.0 / dpi
        page = Page(1, self.width * scale, self.height * scale, float(dpi), WordSource.OCR)
        by_line: dict[int, list[Word]] = {}
        for w in self.words:
            by_line.setdefault(w.line_index, []).append(Word(w.text, page.from_pixels(w.box), 1.0))
        lines = tuple(Line(tuple(ws)) for _, ws in sorted(by_line.items()))
        page = Page(
            1,
            page.width,
            page.height,
            float(dpi),
            WordSource.OCR,
            lines,
            "sroie-gt",
            image=self.load_image() if with_image else None,
        )
        return Document(
            sha256=hashlib.sha256(data).hexdigest(),
            source_name=self.image_path.name,
            media_type="image/jpeg",
            size_bytes=len(data),
            pages=(page,),
            source_path=str(self.image_path),
        )


def _truth(entities: Mapping[str, str], receipt_id: str) -> dict[str, str | None]:
    def text(key: str) -> str | None:
        value = " ".join(entities.get(key, "").split())
        return value or None

    try:
        return {
            "vendor_name": text("company"),
            "vendor_address": text("address"),
            "invoice_date": normalize_sroie_date(entities.get("date", "")),
            "total": normalize_sroie_total(entities.get("total", "")),
        }
    except DatasetError as exc:
        raise exc.with_path(f"entities/{receipt_id}.txt") from None


def sroie_receipt(receipt_id: str, root: str | Path | None = None) -> LabelledReceipt:
    """One labelled receipt by id."""
    from PIL import Image as PILImage

    base = _root(root)
    lines = read_box_file(_existing(base / "box" / f"{receipt_id}.txt", receipt_id))
    entities = read_entities(_existing(base / "entities" / f"{receipt_id}.txt", receipt_id))
    image_path = _existing(base / "img" / f"{receipt_id}.jpg", receipt_id)
    try:
        with PILImage.open(image_path) as image:  # reads the header only
            width, height = image.size
    except OSError as exc:
        raise DatasetError(f"cannot open the receipt image ({exc})", path=str(image_path)) from exc
    words = words_from_lines(lines)
    truth = _truth(entities, receipt_id)
    labels, alignments = align_receipt(lines, words, entities, truth)
    return LabelledReceipt(
        receipt_id=receipt_id,
        width=width,
        height=height,
        image_path=image_path,
        lines=lines,
        words=words,
        labels=labels,
        entities=MappingProxyType(dict(entities)),
        truth=MappingProxyType(truth),
        alignments=alignments,
    )


def sroie_receipts(
    split: str = "train",
    root: str | Path | None = None,
    *,
    split_file: str | Path | None = None,
    ids: Iterable[str] | None = None,
) -> Iterator[LabelledReceipt]:
    """Labelled receipts of ``split`` (``train``, ``validation`` or ``all``), or of the given ``ids``."""
    chosen = tuple(ids) if ids is not None else split_ids(split, split_file)
    base = _root(root)
    for receipt_id in chosen:
        yield sroie_receipt(receipt_id, base)


def summarize_alignments(receipts: Iterable[LabelledReceipt]) -> dict[str, Any]:
    """Counts over labelled receipts: receipts fully aligned / with any label, per-field status counts,
    and every value that could not be aligned with the reason."""
    n = fully = labelled = 0
    by_field: dict[str, dict[str, int]] = {name: {} for name in FIELD_FROM_SROIE.values()}
    unaligned: list[dict[str, str]] = []
    for receipt in receipts:
        n += 1
        fully += receipt.fully_aligned
        labelled += receipt.labelled
        for a in receipt.alignments:
            by_field[a.field][a.status] = by_field[a.field].get(a.status, 0) + 1
            if a.status in ("missing", "absent"):
                key = next(k for k, v in FIELD_FROM_SROIE.items() if v == a.field)
                unaligned.append(
                    {"receipt_id": receipt.receipt_id, "field": a.field, "status": a.status, "reason": a.reason,
                     "value": receipt.entities.get(key, "")}
                )  # fmt: skip
    return {
        "receipts": n,
        "fully_aligned": fully,
        "with_any_label": labelled,
        "fields": by_field,
        "unaligned": unaligned,
    }
