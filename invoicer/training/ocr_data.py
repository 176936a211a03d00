"""Training data for the OCR model: pluggable line sources, augmentation, width-grouped batches.

A *source* yields ``(line image, text)`` samples from its own random generator; the mix is a list of
``(source, weight)`` pairs, so sources (e.g. the synthetic-data engine's line mode) can be added
when a run is resumed. Everything random is drawn from generators whose state goes into the
checkpoint, so a resumed run continues the same data stream.
"""

from __future__ import annotations

import functools
import glob
import io
import json
import lzma
import pickle
import random
import re
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, overload

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from invoicer.errors import DatasetError
from invoicer.ocr.lineimage import line_to_array

#: The characters the model can write (besides the special tokens).
CHARSET = (
    string.ascii_letters
    + string.digits
    + string.punctuation
    + " "
    + "€£¥§°·äöüÄÖÜßéèêëàâáçñóòôúùûíìîïÉÈÊÀÂÇÑÓÚ×±µ–—‘’“”•"
)
MAX_TEXT_CHARS = 120


@dataclass(frozen=True, slots=True)
class Sample:
    """One training line: the model-ready array (32 × W, uint8) and its text."""

    pixels: np.ndarray
    text: str


class LineSource(Protocol):
    """Something that makes training lines on demand."""

    name: str

    def sample(self, rng: random.Random) -> tuple[Image.Image, str]: ...


# --------------------------------------------------------------------------------------------
# Real lines (SROIE train crops, never validation)
# --------------------------------------------------------------------------------------------


class CropSource:
    """Real line crops held in memory, lightly augmented each time they are drawn."""

    def __init__(self, crops: Sequence[tuple[Image.Image, str]], name: str = "sroie-train") -> None:
        if not crops:
            raise DatasetError(f"the line source {name!r} has no lines")
        self.crops = list(crops)
        self.name = name

    def sample(self, rng: random.Random) -> tuple[Image.Image, str]:
        image, text = self.crops[rng.randrange(len(self.crops))]
        return augment(image, rng, strong=False), text

    @property
    def texts(self) -> list[str]:
        return [t for _, t in self.crops]


def load_sroie_crops(split: str, cache_dir: Path | None = None) -> list[tuple[Image.Image, str]]:
    """SROIE line crops of ``split`` from :mod:`invoicer.datasets.sroie` (cached as a pickle in ``cache_dir``)."""
    from invoicer.datasets.sroie import default_split_path, sroie_line_crops

    cache = None
    if cache_dir is not None:
        stamp = int(default_split_path().stat().st_mtime)
        cache = cache_dir / f"sroie-{split}-{stamp}.pkl"
        if cache.is_file():
            with cache.open("rb") as fh:
                raw = pickle.load(fh)
            return [(Image.frombytes("L", size, data), text) for size, data, text in raw]
    crops = [(c.image, c.text) for c in sroie_line_crops(split)]
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump([(im.size, im.tobytes(), text) for im, text in crops], fh, protocol=5)
        tmp.replace(cache)
    return crops


# --------------------------------------------------------------------------------------------
# Crop packs: line crops in one compact file, for training on a machine without the dataset
# --------------------------------------------------------------------------------------------

CROPS_PACK_FORMAT = "invoicer-line-crops/1"
_PACK_MAGIC = b"INVCROPS"


def _pack_scale(image: Image.Image, height: int) -> Image.Image:
    gray = image if image.mode == "L" else image.convert("L")
    if gray.height <= height:
        return gray
    width = max(1, round(gray.width * height / gray.height))
    return gray.resize((width, height), Image.Resampling.BILINEAR)


def save_crops_pack(
    splits: dict[str, tuple[Sequence[tuple[Image.Image, str]], int]],
    path: Path,
    *,
    height: int = 32,
    note: str = "",
) -> dict[str, int]:
    """Write ``{split: (crops, grey levels)}`` as one xz file; returns the number of crops per split.

    Crops taller than ``height`` are scaled down to it (the recognizer reads 32-pixel lines, so 32 loses
    nothing it would see); grey values are quantized to ``levels`` steps per split (16 keeps a training
    split small, 256 is lossless). The file holds a JSON header and raw pixels, no pickles.
    """
    header: dict[str, object] = {"format": CROPS_PACK_FORMAT, "height": height, "note": note, "splits": {}}
    body = io.BytesIO()
    counts: dict[str, int] = {}
    for name, (crops, levels) in splits.items():
        if not 2 <= levels <= 256:
            raise DatasetError(f"grey levels must be in 2..256, got {levels}")
        entries = []
        for image, text in crops:
            small = np.asarray(_pack_scale(image, height), dtype=np.uint16)
            body.write((small * levels // 256).astype(np.uint8).tobytes())
            entries.append([small.shape[1], small.shape[0], text])
        header["splits"][name] = {"levels": levels, "crops": entries}  # type: ignore[index]
        counts[name] = len(entries)
    raw = json.dumps(header, ensure_ascii=False).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with lzma.open(tmp, "wb", preset=9 | lzma.PRESET_EXTREME) as fh:
        fh.write(_PACK_MAGIC + len(raw).to_bytes(8, "little") + raw)
        fh.write(body.getbuffer())
    tmp.replace(path)
    return counts


@overload
def load_crops_pack(path: Path) -> dict[str, list[tuple[Image.Image, str]]]: ...
@overload
def load_crops_pack(path: Path, split: str) -> list[tuple[Image.Image, str]]: ...
def load_crops_pack(
    path: Path, split: str | None = None
) -> dict[str, list[tuple[Image.Image, str]]] | list[tuple[Image.Image, str]]:
    """The crops of a :func:`save_crops_pack` file, per split (grey values restored to mid-steps), or
    those of one ``split`` (an empty list when the pack has none).

    Read once per process and file version (training asks for the train and the validation split).
    """
    stat = Path(path).stat() if Path(path).is_file() else None
    splits = _read_crops_pack(str(Path(path).resolve()), stat.st_mtime_ns if stat else 0)
    return splits if split is None else splits.get(split, [])


@functools.lru_cache(maxsize=2)
def _read_crops_pack(path_text: str, _mtime_ns: int) -> dict[str, list[tuple[Image.Image, str]]]:
    path = Path(path_text)
    try:
        with lzma.open(path, "rb") as fh:
            data = fh.read()
    except (OSError, lzma.LZMAError, EOFError) as exc:
        raise DatasetError(f"cannot read the crop pack {path} ({exc})") from exc
    if not data.startswith(_PACK_MAGIC):
        raise DatasetError(f"{path} is not an invoicer crop pack")
    size = int.from_bytes(data[8:16], "little")
    header = json.loads(data[16 : 16 + size].decode("utf-8"))
    if header.get("format") != CROPS_PACK_FORMAT:
        raise DatasetError(f"{path}: unsupported crop pack format {header.get('format')!r}")
    offset = 16 + size
    out: dict[str, list[tuple[Image.Image, str]]] = {}
    for name, split in header["splits"].items():
        step = 256 // int(split["levels"])
        lut = np.minimum(255, np.arange(256, dtype=np.uint16) * step + step // 2).astype(np.uint8)
        crops: list[tuple[Image.Image, str]] = []
        for width, height, text in split["crops"]:
            n = width * height
            if offset + n > len(data):
                raise DatasetError(f"{path} is truncated")
            pixels = lut[np.frombuffer(data, dtype=np.uint8, count=n, offset=offset)].reshape(height, width)
            crops.append((Image.fromarray(np.ascontiguousarray(pixels)), text))
            offset += n
        out[name] = crops
    return out


# --------------------------------------------------------------------------------------------
# Document line texts (for synthetic lines of many locales)
# --------------------------------------------------------------------------------------------


def synth_line_texts(seed: int, docs: int, start: int = 0) -> list[str]:
    """The text lines of ``docs`` synthetic documents (all families and locales), as ingest groups them.

    Only text is made (no images), about 30 ms per document; :class:`SyntheticLineSource` renders them.
    """
    from invoicer.ingest.layout import group_lines
    from invoicer.synth.engine import render_document

    texts: list[str] = []
    for index in range(start, start + docs):
        doc = render_document(seed, index)
        for page in doc.words:
            for line in group_lines(w.word for w in page):
                text = " ".join(w.text for w in line.words)
                text = "".join(ch for ch in text if ch in CHARSET).strip()
                if text and len(text) <= MAX_TEXT_CHARS:
                    texts.append(text)
    return texts


def save_texts(texts: Sequence[str], path: Path) -> None:
    """One text per line, xz-compressed when ``path`` ends in ``.xz``."""
    data = "\n".join(t.replace("\n", " ") for t in texts).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lzma.compress(data) if path.suffix == ".xz" else data)


def load_texts(path: Path) -> list[str]:
    """The texts of a :func:`save_texts` file."""
    try:
        raw = Path(path).read_bytes()
        data = lzma.decompress(raw) if Path(path).suffix == ".xz" else raw
    except (OSError, lzma.LZMAError) as exc:
        raise DatasetError(f"cannot read the texts file {path} ({exc})") from exc
    return [t for t in data.decode("utf-8").split("\n") if t.strip()]


# --------------------------------------------------------------------------------------------
# Synthetic lines
# --------------------------------------------------------------------------------------------

_WORDS_TEXT = (
    "invoice total subtotal tax vat amount due date qty quantity price unit net gross cash change card "
    "visa receipt thank you please come again tel fax email www gst sst inc ltd sdn bhd gmbh co kg ag "
    "street road rechnung summe gesamt betrag mwst ust netto brutto datum menge preis einzelpreis zahlbar "
    "bis ohne abzug facture montant tva date prix quantité factura importe iva fecha cantidad bon kassa "
    "bonnummer tisch table server cashier order item description discount rounding balance paid payment "
    "terms account number iban bic swift customer reference delivery shipping handling service charge tip "
    "member points"
)
_WORDS_EN_DE = tuple(_WORDS_TEXT.split())


class SyntheticLineSource:
    """Receipt- and invoice-like text lines rendered with the machine's fonts and degraded like scans.

    Texts mix real transcripts from the training split (re-rendered), long codes and numbers, amounts,
    dates, and mixed-case words — the kinds of line the pilot misread most.
    """

    def __init__(
        self,
        texts: Sequence[str] = (),
        fonts: Sequence[str] | None = None,
        name: str = "synthetic",
        doc_texts: Sequence[str] = (),
        header_share: float = 0.0,
    ) -> None:
        self.name = name
        self.texts = [t for t in texts if 0 < len(t) <= MAX_TEXT_CHARS]
        self.doc_texts = [t for t in doc_texts if 0 < len(t) <= MAX_TEXT_CHARS]
        words = {w for t in (*self.texts, *self.doc_texts) for w in t.split() if re.search(r"[A-Za-z]", w)}
        self.words = sorted(words | set(_WORDS_EN_DE))
        self.header_share = header_share
        self.fonts = list(fonts) if fonts is not None else find_fonts()
        if not self.fonts:
            raise DatasetError(
                "no TrueType/OpenType fonts found for synthetic lines", hint="apt-get install fonts-dejavu"
            )
        self._font_cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}

    def _font(self, path: str, size: int) -> ImageFont.FreeTypeFont:
        key = (path, size)
        if key not in self._font_cache:
            if len(self._font_cache) > 64:  # FreeType faces hold megabytes each
                self._font_cache.clear()
            self._font_cache[key] = ImageFont.truetype(path, size)
        return self._font_cache[key]

    def text(self, rng: random.Random) -> str:
        r = rng.random()
        if self.doc_texts:
            # Lines of many locales' documents: SROIE's own transcripts no longer dominate the text the
            # decoder learns to expect (it wrote "TOTAL (RM)" into European receipts).
            if r < 0.3:
                text = rng.choice(self.doc_texts)
                return text.upper() if rng.random() < 0.15 else text
            r = (r - 0.3) / 0.7 * 0.85  # the rest as before, with half the SROIE transcripts
        if r < 0.25 and self.texts:
            text = rng.choice(self.texts)
            return text.lower() if rng.random() < 0.1 else text
        if r < 0.45:
            return _code_line(rng)
        if r < 0.65:
            return _amount_line(rng, self.words)
        if r < 0.75:
            return _date_line(rng)
        n = rng.randint(1, 7)
        words = [rng.choice(self.words) for _ in range(n)]
        style = rng.random()
        if style < 0.4:
            words = [w.upper() for w in words]
        elif style < 0.7:
            words = [w.capitalize() for w in words]
        return " ".join(words)

    def header_text(self, rng: random.Random) -> str:
        """A shop's name as receipts print it on top: one to three words, mostly capitals."""
        words = [rng.choice(self.words) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        if rng.random() < 0.3 and self.doc_texts:
            words = rng.choice(self.doc_texts).split()[:3]
        text = " ".join(words)
        return text.upper() if rng.random() < 0.75 else text

    def sample(self, rng: random.Random) -> tuple[Image.Image, str]:
        for _ in range(10):
            header = self.header_share > 0 and rng.random() < self.header_share
            text = self.header_text(rng) if header else self.text(rng)
            text = "".join(ch for ch in text if ch in CHARSET).strip()
            text = re.sub(r" {2,}", " ", text)[:MAX_TEXT_CHARS]
            if not text:
                continue
            font_path = rng.choice(self.fonts)
            size = rng.randint(16, 40)
            try:
                font = self._font(font_path, size)
                image = render_line(text, font, rng) if not header else render_header(text, font, rng)
            except (OSError, ValueError):
                continue
            if image is not None:
                return augment(image, rng, strong=True), text
        raise DatasetError("could not render a synthetic line (fonts unusable?)")


class SynthEngineLineSource:
    """Line crops from the synthetic-document engine's line mode (:mod:`invoicer.synth.lines`).

    Renders one whole document per ``per_doc`` lines (invoices and receipts of many layouts and locales),
    so each line is about ten times dearer than a :class:`SyntheticLineSource` line; the crops come with
    their exact text and the engine's own scan degradations (lightly augmented again here).
    """

    def __init__(self, per_doc: int = 12, seed: int = 0, name: str = "synth-engine") -> None:
        self.per_doc = per_doc
        self.seed = seed
        self.name = name
        self._queue: list[tuple[Image.Image, str]] = []

    def sample(self, rng: random.Random) -> tuple[Image.Image, str]:
        for _ in range(5):
            if self._queue:
                break
            self._queue.extend(engine_line_crops(self.seed, 1, self.per_doc, start=rng.randrange(1 << 30)))
        if not self._queue:
            raise DatasetError("the synthetic engine produced no usable lines")
        image, text = self._queue.pop()
        return augment(image, rng, strong=False), text


def engine_line_crops(seed: int, docs: int, per_doc: int = 12, start: int = 0) -> list[tuple[Image.Image, str]]:
    """Line crops of ``docs`` synthetic documents (:func:`invoicer.synth.lines.line_crops`), made ahead
    of training so that a machine without the PDF renderer can train on them from a crop pack."""
    from invoicer.synth.engine import render_document
    from invoicer.synth.lines import line_crops

    out: list[tuple[Image.Image, str]] = []
    for index in range(start, start + docs):
        for crop in line_crops(render_document(seed, index), per_doc):
            text = "".join(ch for ch in crop.text if ch in CHARSET).strip()
            if text and len(text) <= MAX_TEXT_CHARS:
                out.append((Image.open(io.BytesIO(crop.png)).convert("L"), text))
    return out


def find_fonts(root: str | Path = "/usr/share/fonts") -> list[str]:
    """TrueType/OpenType fonts under ``root`` (default: the machine's fonts), Latin text faces only."""
    paths = sorted(glob.glob(f"{root}/**/*.ttf", recursive=True)) + sorted(
        glob.glob(f"{root}/**/*.otf", recursive=True)
    )
    skip = ("emoji", "symbol", "math", "dingbat", "ocr-a", "cjk", "kacst", "lohit", "arabic", "hebrew", "thai")
    return [p for p in paths if not any(s in p.lower() for s in skip) and covers_latin(p)]


#: Glyphs a font must draw to render invoice lines: letters, digits, separators, umlauts, accents, € and £.
LATIN_PROBE = "AaGgZz09,.äéß€£"


def covers_latin(path: str | Path) -> bool:
    """Whether the font draws every :data:`LATIN_PROBE` character (not its "missing glyph" box).

    Regression: half of a machine's fonts (Noto faces of other scripts) drew boxes for Latin text, and
    lines rendered with them were labelled with the text they did not show.
    """
    try:
        font = ImageFont.truetype(str(path), 24)
        missing = bytes(font.getmask("\uffff"))
        return all(bytes(font.getmask(ch)) != missing for ch in LATIN_PROBE)
    except (OSError, ValueError):
        return False


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _code_line(rng: random.Random) -> str:
    kind = rng.randrange(6)
    if kind == 0:
        return _digits(rng, rng.randint(6, 20))
    if kind == 1:
        prefix = rng.choice(["INV", "RE", "NO", "BILL", "CS", "OR", "TAX INVOICE", "DOC", "GST ID", "REG NO", "ROC"])
        sep = rng.choice([": ", " ", "-", "#", ": #", " NO: "])
        body = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(rng.randint(4, 14)))
        return f"{prefix}{sep}{body}"
    if kind == 2:
        return " ".join(_digits(rng, 4) for _ in range(rng.randint(2, 6)))
    if kind == 3:
        letter = rng.choice(string.ascii_uppercase)
        return f"{_digits(rng, rng.randint(3, 6))}-{letter}{_digits(rng, rng.randint(1, 4))}"
    if kind == 4:
        return "".join(rng.choice(string.ascii_uppercase + string.digits + "-/.") for _ in range(rng.randint(6, 24)))
    if rng.random() < 0.5:
        return f"TEL: {_digits(rng, 3)}-{_digits(rng, rng.randint(7, 8))}"
    return f"{_digits(rng, 2)}-{_digits(rng, 4)} {_digits(rng, 4)}"


def _money(rng: random.Random) -> str:
    value = rng.choice([rng.uniform(0, 20), rng.uniform(0, 200), rng.uniform(0, 5000)])
    text = f"{value:,.2f}" if rng.random() < 0.3 else f"{value:.2f}"
    if rng.random() < 0.15:
        text = text.replace(",", "X").replace(".", ",").replace("X", ".")
    return text


_AMOUNT_LABELS = (
    "TOTAL", "SUBTOTAL", "CASH", "CHANGE", "GST 6%", "ROUNDING", "TOTAL (RM)", "Total", "MwSt. 19 %",
    "Summe", "SUMME EUR", "Gesamt", "Bar", "Rückgeld", "Netto", "Brutto", "MwSt 7%", "Totaal", "BTW 9%",
    "Totalt", "Moms 25%", "Att betala", "Total TTC", "TVA 20%", "Total HT", "IVA 21%", "Importe", "Totale",
    "Amount due", "Balance", "Tax", "Sales Tax", "VAT 20%", "Tip", "Kontant", "Visa", "Mastercard", "Subtotal",
)  # fmt: skip
_AMOUNT_GLUE = (" ", ": ", "  ", " RM ", " $", " € ", " EUR ", " €", " kr ", " SEK ", " £", " CHF ", " USD ", " HK$")


def _amount_line(rng: random.Random, words: Sequence[str]) -> str:
    kind = rng.randrange(5)
    if kind == 0:
        return _money(rng)
    if kind == 1:
        label = rng.choice(_AMOUNT_LABELS)
        return f"{label}{rng.choice(_AMOUNT_GLUE)}{_money(rng)}"
    if kind == 2:
        return f"{rng.randint(1, 24)} {rng.choice(['X', 'x', '@', '*'])} {_money(rng)}"
    if kind == 3:
        item = " ".join(rng.choice(words).upper() for _ in range(rng.randint(1, 4)))
        return f"{item} {_money(rng)}"
    return f"{rng.randint(1, 99)} {_money(rng)} {_money(rng)} {rng.choice(['SR', 'ZR', 'S', 'T', 'Z'])}"


def _date_line(rng: random.Random) -> str:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2025)
    date = rng.choice([f"{d:02d}/{m:02d}/{y}", f"{d:02d}-{m:02d}-{y}", f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}",
                       f"{d:02d}/{m:02d}/{y % 100:02d}"])  # fmt: skip
    if rng.random() < 0.6:
        seconds = f":{rng.randint(0, 59):02d}" if rng.random() < 0.5 else ""
        date += f" {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}{seconds}"
    if rng.random() < 0.4:
        date = rng.choice(["DATE: ", "Date: ", "DATE ", "Datum: "]) + date
    return date


def render_line(text: str, font: ImageFont.FreeTypeFont, rng: random.Random) -> Image.Image | None:
    """Dark text on a light background, cropped to the ink with a few pixels of margin."""
    left, top, right, bottom = font.getbbox(text)
    if right - left < 2 or bottom - top < 2:
        return None
    spacing = rng.choice([0, 0, 0, 1, 2])
    w = int(right - left) + 8 + spacing * len(text)
    h = int(bottom - top) + 8
    background = rng.randint(200, 255)
    ink = rng.randint(0, 90)
    image = Image.new("L", (w, h), background)
    draw = ImageDraw.Draw(image)
    stroke = 1 if rng.random() < 0.1 else 0
    if spacing:
        x = 4 - left
        for ch in text:
            draw.text((x, 4 - top), ch, font=font, fill=ink, stroke_width=stroke, stroke_fill=ink)
            x += font.getlength(ch) + spacing
    else:
        draw.text((4 - left, 4 - top), text, font=font, fill=ink, stroke_width=stroke, stroke_fill=ink)
    arr = np.asarray(image)
    ink_rows = np.where((arr < background - 40).any(axis=1))[0]
    ink_cols = np.where((arr < background - 40).any(axis=0))[0]
    if len(ink_rows) == 0 or len(ink_cols) == 0:
        return None
    pad = [rng.randint(0, 5) for _ in range(4)]
    box = (
        max(0, ink_cols[0] - pad[0]),
        max(0, ink_rows[0] - pad[1]),
        min(w, ink_cols[-1] + 1 + pad[2]),
        min(h, ink_rows[-1] + 1 + pad[3]),
    )
    return image.crop(box)


def render_header(text: str, font: ImageFont.FreeTypeFont, rng: random.Random) -> Image.Image | None:
    """A receipt's header line: heavy strokes, often printed double width (stretched 1.3-2.4×), sometimes
    dithered grey ink (thermal and dot-matrix printers). The OCR misread these ("STARBUCWS", "OUTHACK")."""
    image = render_line(text, font, rng)
    if image is None:
        return None
    if rng.random() < 0.7:  # heavy: thicken the ink
        image = image.filter(ImageFilter.MinFilter(3))
    w, h = image.size
    stretch = rng.uniform(1.3, 2.4) if rng.random() < 0.8 else 1.0
    image = image.resize((max(4, int(w * stretch)), h), Image.Resampling.BILINEAR)
    if rng.random() < 0.35:  # grey ink dithered into dots
        arr = np.asarray(image, dtype=np.float64)
        light = arr.max()
        grey = np.where(arr < light - 40, rng.uniform(90, 170), 255.0)  # white paper stays white
        image = Image.fromarray(grey.astype(np.uint8), mode="L").convert("1").convert("L")
    return image


def augment(image: Image.Image, rng: random.Random, *, strong: bool) -> Image.Image:
    """Scan- and photo-like damage: margins, width scale, rotation, blur, noise, contrast, JPEG."""
    img = image
    if rng.random() < 0.5:  # trim or extend margins
        w, h = img.size
        dx0, dx1 = rng.randint(-2, 3), rng.randint(-2, 3)
        dy0, dy1 = rng.randint(-1, 2), rng.randint(-1, 2)
        box = (max(0, dx0), max(0, dy0), min(w, w - dx1), min(h, h - dy1)) if min(dx0, dx1, dy0, dy1) >= 0 else None
        if box is not None and box[2] - box[0] > 4 and box[3] - box[1] > 4:
            img = img.crop(box)
        elif box is None:
            canvas = Image.new("L", (w + 6, h + 4), int(np.asarray(img)[0:2].mean()) if h > 2 else 255)
            canvas.paste(img, (3, 2))
            img = canvas
    if rng.random() < 0.3:
        w, h = img.size
        img = img.resize((max(4, int(w * rng.uniform(0.85, 1.15))), h), Image.Resampling.BILINEAR)
    p = 0.6 if strong else 0.25
    if rng.random() < p * 0.5:
        fill = int(np.asarray(img).max())
        img = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BILINEAR, expand=False, fillcolor=fill)
    if rng.random() < p:  # resolution loss
        w, h = img.size
        f = rng.uniform(0.4, 0.9)
        small = img.resize((max(4, int(w * f)), max(4, int(h * f))), Image.Resampling.BILINEAR)
        img = small.resize((w, h), Image.Resampling.BILINEAR)
    if rng.random() < p * 0.6:
        img = img.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.3, 1.0)))
    if rng.random() < p:
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = rng.uniform(0, 60), rng.uniform(190, 255)
        arr = lo + arr * (hi - lo) / 255.0
        arr = arr + np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(2, 14), arr.shape)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
    if rng.random() < p * 0.6:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=rng.randint(25, 80))
        buf.seek(0)
        img = Image.open(buf).convert("L")
    return img


# --------------------------------------------------------------------------------------------
# The mix and its batches
# --------------------------------------------------------------------------------------------


class LineMix:
    """Draws samples from weighted sources and groups them into width-sorted batches."""

    def __init__(self, sources: Sequence[tuple[LineSource, float]], seed: int = 0) -> None:
        if not sources or any(w <= 0 for _, w in sources):
            raise DatasetError("the training mix needs at least one source with a positive weight")
        self.sources = list(sources)
        self.rng = random.Random(seed)
        self.drawn: dict[str, int] = {s.name: 0 for s, _ in sources}

    def sample(self) -> Sample:
        names = [s for s, _ in self.sources]
        weights = [w for _, w in self.sources]
        source = self.rng.choices(names, weights)[0]
        image, text = source.sample(self.rng)
        self.drawn[source.name] = self.drawn.get(source.name, 0) + 1
        return Sample(line_to_array(image), text[:MAX_TEXT_CHARS])

    def batches(self, batch_size: int, pool_batches: int = 8) -> Iterator[list[Sample]]:
        """Endless width-grouped batches: a pool of samples sorted by width, cut into batches, shuffled."""
        while True:
            pool = sorted((self.sample() for _ in range(batch_size * pool_batches)), key=lambda s: s.pixels.shape[1])
            chunks = [pool[i : i + batch_size] for i in range(0, len(pool), batch_size)]
            self.rng.shuffle(chunks)
            yield from chunks

    def state(self) -> dict[str, object]:
        return {"rng": self.rng.getstate(), "drawn": dict(self.drawn)}

    def restore(self, state: dict[str, object]) -> None:
        self.rng.setstate(state["rng"])  # type: ignore[arg-type]
        self.drawn.update(state.get("drawn", {}))  # type: ignore[call-overload]
