"""Drawing surface of the synthetic documents: record text and shapes, emit a PDF, know its words.

A :class:`Sheet` is one page in top-left coordinates (PDF points, y down — the project's convention).
Text is drawn as *segments*, each optionally tagged with the entity it prints
(``("TOTAL", 0)``, ``("ITEM_AMOUNT", 3)``); shapes are plain. :func:`emit_pdf` writes the pages with
reportlab. :func:`sheet_words` computes the words exactly as :func:`invoicer.ingest.ingest_bytes`
reads them back from that PDF — the same character boxes pdfminer derives from the fonts' widths
and descent, fed through ingest's own word reader (pdfplumber's word extractor with ingest's
tolerances and box fixes) and ordered by ingest's line grouping — and carries each word's tag along.
Computing the words this way costs a few milliseconds instead of parsing the PDF back.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from invoicer.document import Word
from invoicer.ingest.layout import group_lines
from invoicer.synth.fonts import FontFace

Tag = tuple[str, int]  # (entity, occurrence)
Color = tuple[float, float, float]
Segment = tuple[str, Tag | None]

BLACK: Color = (0.0, 0.0, 0.0)
WHITE: Color = (1.0, 1.0, 1.0)


def _r(v: float) -> float:
    return round(v, 2)


@dataclass
class Span:
    """One run of text drawn with one font at one origin."""

    x: float  # left edge of the first character
    y: float  # baseline, from the top of the page
    face: FontFace
    size: float
    color: Color
    segments: list[Segment]

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.segments)


@dataclass
class Sheet:
    """One page being drawn. ``height`` may grow while drawing (till rolls) until it is emitted."""

    width: float
    height: float
    ops: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    background: Color | None = None

    # ------------------------------------------------------------------ text
    def text(
        self,
        x: float,
        y: float,
        content: str | Sequence[Segment],
        face: FontFace,
        size: float,
        color: Color = BLACK,
        align: str = "left",
        tag: Tag | None = None,
    ) -> float:
        """Draw text with its baseline at ``y``; ``x`` is the left, right or centre edge by ``align``.

        Returns the text's width. Characters the face cannot draw are an error (content must be
        cleaned to the document's charset first).
        """
        segments: list[Segment] = [(content, tag)] if isinstance(content, str) else list(content)
        segments = [(t, g) for t, g in segments if t]
        text = "".join(t for t, _ in segments)
        if not text:
            return 0.0
        missing = {ch for ch in text if ch not in face.widths}
        if missing:
            raise ValueError(f"font {face.name} cannot draw {''.join(sorted(missing))!r} in {text!r}")
        size = round(size, 2)
        width = face.width(text, size)
        if align == "right":
            x -= width
        elif align == "center":
            x -= width / 2
        self.spans.append(Span(_r(x), _r(y), face, size, color, segments))
        self.ops.append(("text", (len(self.spans) - 1,)))
        return width

    # ------------------------------------------------------------------ shapes
    def rect(self, x: float, y: float, w: float, h: float, *, stroke: Color | None = None, fill: Color | None = None,
             lw: float = 0.5, radius: float = 0.0, dash: tuple[float, ...] | None = None) -> None:
        self.ops.append(("rect", (x, y, w, h, stroke, fill, lw, radius, dash)))

    def line(self, x0: float, y0: float, x1: float, y1: float, color: Color = BLACK, lw: float = 0.5,
             dash: tuple[float, ...] | None = None) -> None:
        self.ops.append(("line", (x0, y0, x1, y1, color, lw, dash)))

    def circle(self, cx: float, cy: float, r: float, *, stroke: Color | None = None, fill: Color | None = None,
               lw: float = 0.5) -> None:
        self.ops.append(("circle", (cx, cy, r, stroke, fill, lw)))

    def polygon(self, points: Sequence[tuple[float, float]], *, stroke: Color | None = None,
                fill: Color | None = None, lw: float = 0.5) -> None:
        self.ops.append(("poly", (tuple(points), stroke, fill, lw)))

    def image(self, x: float, y: float, w: float, h: float, png: bytes) -> None:
        """A raster image (e.g. a logo with lettering): part of the page image, not of its text layer."""
        self.ops.append(("image", (x, y, w, h, png)))


# ---------------------------------------------------------------------------------------------- PDF


def _register_faces(sheets: Iterable[Sheet]) -> None:
    """Make sure every TrueType face used is registered in this process (worker processes)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    for sheet in sheets:
        for span in sheet.spans:
            face = span.face
            if face.path is not None and face.name not in registered:
                pdfmetrics.registerFont(TTFont(face.name, face.path))
                registered.add(face.name)


def emit_pdf(sheets: Sequence[Sheet], *, title: str = "", author: str = "", creator: str = "") -> bytes:
    """The pages as one PDF (deterministic bytes: reportlab's invariant mode)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _register_faces(sheets)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(sheets[0].width, sheets[0].height), invariant=1, pageCompression=1)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    if creator:
        c.setCreator(creator)
    for sheet in sheets:
        h = _r(sheet.height)
        c.setPageSize((_r(sheet.width), h))
        if sheet.background is not None:
            c.setFillColorRGB(*sheet.background)
            c.rect(0, 0, sheet.width, h, stroke=0, fill=1)
        font_state: tuple[str, float] | None = None
        color_state: Color | None = None
        for kind, args in sheet.ops:
            if kind == "text":
                span = sheet.spans[args[0]]
                if font_state != (span.face.name, span.size):
                    c.setFont(span.face.name, span.size)
                    font_state = (span.face.name, span.size)
                if color_state != span.color:
                    c.setFillColorRGB(*span.color)
                    color_state = span.color
                c.drawString(span.x, _r(h - span.y), span.text)
                continue
            color_state = None  # shapes change the fill colour
            c.saveState()
            if kind == "rect":
                x, y, w, hh, stroke, fill, lw, radius, dash = args
                _paint(c, stroke, fill, lw, dash)
                if radius:
                    c.roundRect(x, h - y - hh, w, hh, radius, stroke=int(stroke is not None),
                                fill=int(fill is not None))
                else:
                    c.rect(x, h - y - hh, w, hh, stroke=int(stroke is not None), fill=int(fill is not None))
            elif kind == "line":
                x0, y0, x1, y1, color, lw, dash = args
                _paint(c, color, None, lw, dash)
                c.line(x0, h - y0, x1, h - y1)
            elif kind == "circle":
                cx, cy, r, stroke, fill, lw = args
                _paint(c, stroke, fill, lw, None)
                c.circle(cx, h - cy, r, stroke=int(stroke is not None), fill=int(fill is not None))
            elif kind == "poly":
                points, stroke, fill, lw = args
                _paint(c, stroke, fill, lw, None)
                path = c.beginPath()
                path.moveTo(points[0][0], h - points[0][1])
                for px, py in points[1:]:
                    path.lineTo(px, h - py)
                path.close()
                c.drawPath(path, stroke=int(stroke is not None), fill=int(fill is not None))
            elif kind == "image":
                x, y, w, hh, png = args
                c.drawImage(ImageReader(io.BytesIO(png)), x, h - y - hh, w, hh, mask="auto")
            c.restoreState()
            font_state = None
        c.showPage()
    c.save()
    return buf.getvalue()


def _paint(c: Any, stroke: Color | None, fill: Color | None, lw: float, dash: tuple[float, ...] | None) -> None:
    if stroke is not None:
        c.setStrokeColorRGB(*stroke)
        c.setLineWidth(lw)
    if fill is not None:
        c.setFillColorRGB(*fill)
    if dash:
        c.setDash(list(dash))


# ---------------------------------------------------------------------------------------------- words


@dataclass(frozen=True)
class TaggedWord:
    word: Word
    tag: Tag | None


def _chars(sheet: Sheet) -> list[dict[str, Any]]:
    """pdfminer's characters of the sheet, in content-stream order, each with its segment's tag."""
    chars: list[dict[str, Any]] = []
    for span in sheet.spans:
        size = span.size
        bottom = span.y - span.face.descent * size / 1000.0
        top = bottom - size
        x = span.x
        for text, tag in span.segments:
            for ch, adv in zip(text, span.face.advances(text, size), strict=True):
                x1 = x + adv
                chars.append({"text": ch, "x0": x, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                              "upright": True, "tag": tag})
                x = x1
    return chars


def _word_tag(chars: Sequence[dict[str, Any]]) -> Tag | None:
    """The tag of a word's characters; where a word mixes tags (a currency sign glued to an amount),
    the tag covering most of its letters and digits wins, untagged characters count for nothing."""
    counts: dict[Tag, int] = {}
    for ch in chars:
        tag = ch["tag"]
        if tag is not None:
            counts[tag] = counts.get(tag, 0) + (2 if ch["text"].isalnum() else 1)
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: kv[1])[0]


class _PlumberPage:
    """A stand-in for a pdfplumber page holding computed characters, so that ingest's own word reader
    (:func:`invoicer.ingest.pdf.words_from_plumber`: its tolerances, filters and box fixes) runs on them."""

    def __init__(self, chars: list[dict[str, Any]], width: float, height: float) -> None:
        self.chars = chars
        self.bbox = (0.0, 0.0, width, height)
        self.tags: dict[tuple[str, float, float], Tag | None] = {}

    def extract_words(self, **kwargs: Any) -> list[dict[str, Any]]:
        from pdfplumber.utils.text import WordExtractor

        words = []
        for w, wchars in WordExtractor(**kwargs).iter_extract_tuples(self.chars):
            self.tags[_key(w["text"].strip(), w["x0"], w["top"])] = _word_tag(wchars)
            words.append(w)
        return words


def _key(text: str, x0: float, top: float) -> tuple[str, float, float]:
    return (text, round(float(x0), 3), round(float(top), 3))


def sheet_words(sheet: Sheet) -> list[TaggedWord]:
    """The sheet's words in ingest's reading order, with the tag each one prints."""
    from invoicer.ingest.pdf import words_from_plumber

    chars = _chars(sheet)
    if not chars:
        return []
    page = _PlumberPage(chars, sheet.width, sheet.height)
    words = words_from_plumber(page)
    tags = {id(w): page.tags[_key(w.text, w.bbox[0], w.bbox[1])] for w in words}
    return [TaggedWord(w, tags[id(w)]) for line in group_lines(words) for w in line.words]


def span_box(span: Span) -> tuple[float, float, float, float]:
    """The box pdfminer gives the span's characters (x0, top, x1, bottom)."""
    bottom = span.y - span.face.descent * span.size / 1000.0
    return (span.x, bottom - span.size, span.x + span.face.width(span.text, span.size), bottom)


def overlapping_spans(sheet: Sheet, tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes overlap on the sheet by more than ``tolerance`` points both ways
    (overlapping text is unreadable and makes pdfplumber merge words across lines)."""
    boxes = sorted(((span_box(s), s.text) for s in sheet.spans if s.text.strip()), key=lambda b: b[0][1])
    out = []
    for i, (a, ta) in enumerate(boxes):
        for b, tb in boxes[i + 1:]:
            if b[1] >= a[3] - tolerance:
                break
            if min(a[2], b[2]) - max(a[0], b[0]) > tolerance and min(a[3], b[3]) - max(a[1], b[1]) > tolerance:
                out.append((ta, tb))
    return out
