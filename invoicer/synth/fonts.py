"""Fonts for synthetic documents: a catalogue of Debian font families, loaded when first used.

reportlab embeds TrueType outlines only, so the catalogue names ``.ttf`` files (found anywhere
under the font directories). A family whose files are missing, or that lacks a character of
:data:`FULL_CHARSET` (or, for ASCII-only families, of printable ASCII), is skipped. The three
standard PDF families (Helvetica, Times, Courier) stand in for a style (sans/serif/mono) that has no
TrueType family here, so rendering works on any machine, with less variety where fewer fonts are
installed; they are not used otherwise, because they are not embedded and renderers substitute them
differently (and they lack the euro sign as pdfminer reads them, so their documents print "EUR").

Each :class:`FontFace` also knows its metrics *as pdfminer reads them back* (advance widths and
descent), which is what lets :mod:`invoicer.synth.render` compute the exact words and boxes that
:func:`invoicer.ingest.ingest_bytes` will find in the PDF.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

#: Characters every "full" family must have: printable Latin-1 (no soft hyphen), euro sign, dashes,
#: typographic quotes, bullet and ellipsis.
FULL_CHARSET: frozenset[str] = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x100) if c != 0xAD]
    + list("€–—‘’“”„•…")
)
#: Characters of ASCII-only families (old printers, OCR fonts); their text is transliterated.
ASCII_CHARSET: frozenset[str] = frozenset(chr(c) for c in range(0x20, 0x7F))

FONT_DIRS: tuple[str, ...] = ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts"))

STYLES = ("sans", "serif", "mono", "condensed", "dot")


@dataclass(frozen=True)
class FontFace:
    """One font (weight/slant) with the metrics pdfminer reads back from the PDF."""

    name: str  # name registered with reportlab
    path: str | None  # the TrueType file; None for the standard PDF fonts
    descent: float  # per 1000 em, negative, as pdfminer computes char boxes
    widths: Mapping[str, float] = field(compare=False, repr=False)  # char -> advance per 1000 em
    default_width: float = field(default=0.0, compare=False, repr=False)

    def covers(self, text: str) -> bool:
        return all(ch in self.widths for ch in text)

    def advances(self, text: str, size: float) -> list[float]:
        """Advance width (points) of each character of ``text`` at ``size``."""
        w = self.widths
        d = self.default_width
        return [w.get(ch, d) * size / 1000.0 for ch in text]

    def width(self, text: str, size: float) -> float:
        w = self.widths
        d = self.default_width
        return sum(w.get(ch, d) for ch in text) * size / 1000.0


@dataclass(frozen=True)
class FontFamily:
    """A family of faces used together on a document."""

    name: str
    style: str  # one of STYLES
    regular: FontFace
    bold: FontFace
    italic: FontFace
    light: FontFace
    charset: frozenset[str]  # what text drawn in this family may contain

    @property
    def ascii_only(self) -> bool:
        return self.charset is ASCII_CHARSET or self.charset == ASCII_CHARSET

    @property
    def monospace(self) -> bool:
        return self.style in ("mono", "dot") and len({self.regular.widths.get(c) for c in "iW0. "}) == 1


@dataclass(frozen=True)
class _Spec:
    name: str
    style: str
    regular: str
    bold: str | None = None
    italic: str | None = None
    light: str | None = None
    ascii_only: bool = False


# name, style, file names (searched under FONT_DIRS). Standard PDF fonts need no files.
CATALOGUE: tuple[_Spec, ...] = (
    _Spec("LiberationSans", "sans", "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
          "LiberationSans-Italic.ttf"),
    _Spec("Arimo", "sans", "Arimo-Regular.ttf", "Arimo-Bold.ttf", "Arimo-Italic.ttf"),
    _Spec("DejaVuSans", "sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
          "DejaVuSans-ExtraLight.ttf"),
    _Spec("OpenSans", "sans", "OpenSans-Regular.ttf", "OpenSans-Bold.ttf", "OpenSans-Italic.ttf", "OpenSans-Light.ttf"),
    _Spec("Roboto", "sans", "Roboto-Regular.ttf", "Roboto-Bold.ttf", "Roboto-Italic.ttf", "Roboto-Light.ttf"),
    _Spec("Lato", "sans", "Lato-Regular.ttf", "Lato-Bold.ttf", "Lato-Italic.ttf", "Lato-Light.ttf"),
    _Spec("Carlito", "sans", "Carlito-Regular.ttf", "Carlito-Bold.ttf", "Carlito-Italic.ttf"),
    _Spec("NotoSans", "sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf"),
    _Spec("FreeSans", "sans", "FreeSans.ttf", "FreeSansBold.ttf", "FreeSansOblique.ttf"),
    _Spec("DejaVuSansCondensed", "condensed", "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf",
          "DejaVuSansCondensed-Oblique.ttf"),
    _Spec("LiberationSansNarrow", "condensed", "LiberationSansNarrow-Regular.ttf", "LiberationSansNarrow-Bold.ttf",
          "LiberationSansNarrow-Italic.ttf"),
    _Spec("RobotoCondensed", "condensed", "RobotoCondensed-Regular.ttf", "RobotoCondensed-Bold.ttf",
          "RobotoCondensed-Italic.ttf", "RobotoCondensed-Light.ttf"),
    _Spec("OpenSansCondensed", "condensed", "OpenSans-CondLight.ttf", "OpenSans-CondBold.ttf",
          "OpenSans-CondLightItalic.ttf"),
    _Spec("LiberationSerif", "serif", "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
          "LiberationSerif-Italic.ttf"),
    _Spec("Tinos", "serif", "Tinos-Regular.ttf", "Tinos-Bold.ttf", "Tinos-Italic.ttf"),
    _Spec("DejaVuSerif", "serif", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
    _Spec("NotoSerif", "serif", "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf"),
    _Spec("FreeSerif", "serif", "FreeSerif.ttf", "FreeSerifBold.ttf", "FreeSerifItalic.ttf"),
    _Spec("Caladea", "serif", "Caladea-Regular.ttf", "Caladea-Bold.ttf", "Caladea-Italic.ttf"),
    _Spec("LiberationMono", "mono", "LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf"),
    _Spec("Cousine", "mono", "Cousine-Regular.ttf", "Cousine-Bold.ttf"),
    _Spec("DejaVuSansMono", "mono", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
    _Spec("FreeMono", "mono", "FreeMono.ttf", "FreeMonoBold.ttf"),
    _Spec("NotoSansMono", "mono", "NotoSansMono-Regular.ttf", "NotoSansMono-Bold.ttf"),
    _Spec("Hack", "mono", "Hack-Regular.ttf", "Hack-Bold.ttf"),
    _Spec("FiraCode", "mono", "FiraCode-Regular.ttf", "FiraCode-Bold.ttf", None, "FiraCode-Light.ttf"),
    _Spec("JetBrainsMono", "mono", "JetBrainsMono-Regular.ttf", "JetBrainsMono-Bold.ttf", "JetBrainsMono-Italic.ttf",
          "JetBrainsMono-Light.ttf"),
    _Spec("AnonymousPro", "mono", "Anonymous Pro.ttf", "Anonymous Pro B.ttf"),
    _Spec("DotGothic16", "dot", "DotGothic16-Regular.ttf"),
    _Spec("OCRA", "dot", "OCRA.ttf", "OCRABold.ttf", ascii_only=True),
)

#: The PDF standard families: always available (no files), WinAnsi encoded.
STANDARD: dict[str, tuple[str, str, str, str]] = {
    "Helvetica": ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "sans"),
    "Times": ("Times-Roman", "Times-Bold", "Times-Italic", "serif"),
    "Courier": ("Courier", "Courier-Bold", "Courier-Oblique", "mono"),
}

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _font_files() -> dict[str, str]:
    """File name -> path of every TrueType file under :data:`FONT_DIRS` (first found wins)."""
    found: dict[str, str] = {}
    for root in FONT_DIRS:
        base = Path(root)
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.ttf")):
            found.setdefault(path.name, str(path))
    return found


def _pdfminer_view(name: str, chars: str) -> tuple[list[float], float]:
    """Advance widths (per 1000 em) and descent of ``chars`` in standard font ``name`` as pdfminer reads
    them back from a reportlab PDF (its metrics differ from reportlab's for a few glyphs, e.g. the euro)."""
    import io

    import pdfplumber
    from reportlab.pdfgen import canvas

    size = 10.0
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(20 * len(chars) + 100, 100), invariant=1)
    c.setFont(name, size)
    c.drawString(10, 50, chars)
    c.showPage()
    c.save()
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        page_chars = pdf.pages[0].chars
        if len(page_chars) != len(chars):
            raise RuntimeError(f"pdfminer read {len(page_chars)} characters of {name}, expected {len(chars)}")
        widths = [(ch["x1"] - ch["x0"]) * 1000.0 / size for ch in page_chars]
        descent = (50 - (100 - page_chars[0]["bottom"])) * 1000.0 / size
    return widths, -abs(descent)


def _standard_face(name: str) -> FontFace:
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(name)
    chars = []
    for code in range(0x20, 0x100):
        try:
            ch = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        if font.widths[code] and (ch.isprintable() or ch == " ") and code != 0xAD:  # type: ignore[attr-defined]
            chars.append(ch)
    text = "".join(chars)
    advances, descent = _pdfminer_view(name, text)
    # glyphs pdfminer reads as zero-width (the euro sign) would get wrong boxes: the family lacks them
    widths = {ch: round(w, 3) for ch, w in zip(text, advances, strict=True) if w > 0 or ch == " "}
    widths["\xa0"] = widths[" "]
    return FontFace(name, None, descent, widths, 0.0)


def _ttf_face(name: str, path: str) -> FontFace:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        if name in pdfmetrics.getRegisteredFontNames():
            font = pdfmetrics.getFont(name)
        else:  # getFont on an unknown name would search every AFM file on the machine
            font = TTFont(name, path)
            pdfmetrics.registerFont(font)
    face = font.face  # type: ignore[attr-defined]
    widths = {chr(cp): float(w) for cp, w in face.charWidths.items() if cp >= 0x20}
    descent = float(face.descent)
    return FontFace(name, path, descent if descent <= 0 else -descent, widths, float(face.defaultWidth))


@cache
def load_family(name: str) -> FontFamily | None:
    """The family called ``name`` with its faces registered in reportlab, or None when unusable here."""
    if name in STANDARD:
        reg_name, bold_name, ital_name, style = STANDARD[name]
        r, b, i = _standard_face(reg_name), _standard_face(bold_name), _standard_face(ital_name)
        charset = frozenset(ch for ch in FULL_CHARSET if all(ch in f.widths for f in (r, b, i)))
        return FontFamily(name, style, r, b, i, r, charset)
    spec = next((s for s in CATALOGUE if s.name == name), None)
    if spec is None:
        return None
    files = _font_files()
    if spec.regular not in files:
        return None
    charset = ASCII_CHARSET if spec.ascii_only else FULL_CHARSET
    faces: dict[str, FontFace] = {}
    for role, fname in (("regular", spec.regular), ("bold", spec.bold), ("italic", spec.italic), ("light", spec.light)):
        if fname is None or fname not in files:
            continue
        try:
            face = _ttf_face(f"synth-{Path(fname).stem.replace(' ', '')}", files[fname])
        except Exception:  # a damaged or unsupported font file: use the others
            continue
        if not face.covers("".join(sorted(charset))):
            continue
        faces[role] = face
    if "regular" not in faces:
        return None
    reg = faces["regular"]
    return FontFamily(
        name,
        spec.style,
        reg,
        faces.get("bold", reg),
        faces.get("italic", reg),
        faces.get("light", reg),
        charset,
    )


@lru_cache(maxsize=1)
def available_families() -> dict[str, tuple[str, ...]]:
    """Style -> names of the families installed on this machine (catalogue order; a standard PDF family
    stands in for a style with no TrueType family)."""
    files = _font_files()
    out: dict[str, list[str]] = {s: [] for s in STYLES}
    for spec in CATALOGUE:
        if spec.regular in files:
            out[spec.style].append(spec.name)
    # the standard PDF fonts are not embedded: each renderer substitutes its own (pdfium's Courier comes out
    # italic on some machines), so they are used only where no TrueType family of that style is installed
    for name, (_, _, _, style) in STANDARD.items():
        if not out[style]:
            out[style].append(name)
    return {k: tuple(v) for k, v in out.items()}


def pick_family(rng: object, styles: Iterable[str], *, allow_ascii: bool = False) -> FontFamily:
    """A usable family of one of ``styles``, chosen with ``rng`` (a :class:`random.Random`)."""
    names: list[str] = []
    families = available_families()
    for style in styles:
        names.extend(families.get(style, ()))
    if not names:
        names = ["Helvetica"]
    candidates = list(names)
    while candidates:
        name = candidates.pop(rng.randrange(len(candidates)))  # type: ignore[attr-defined]
        fam = load_family(name)
        if fam is not None and (allow_ascii or not fam.ascii_only):
            return fam
    fallback = load_family("Helvetica")
    assert fallback is not None
    return fallback


def installed_font_report() -> dict[str, list[str]]:
    """Which catalogue families are usable here (for benchmarks and the gallery index)."""
    return {style: [n for n in names if load_family(n) is not None] for style, names in available_families().items()}
