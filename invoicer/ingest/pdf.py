"""Read PDFs: each page's text layer when it is usable, else a rasterized page image for OCR."""

from __future__ import annotations

import io
import logging
import os
import tempfile
import warnings
from contextlib import ExitStack
from typing import Any

from PIL import Image

from invoicer.config import IngestSettings
from invoicer.document import Page, TextLayerInfo, Word, WordSource
from invoicer.errors import (
    CorruptDocumentError,
    EncryptedDocumentError,
    ImageTooLargeError,
    IngestError,
    TooManyPagesError,
    TruncatedDocumentError,
)
from invoicer.ingest.layout import group_lines
from invoicer.ingest.textlayer import judge
from invoicer.limits import Deadline

log = logging.getLogger(__name__)

_PDFIUM_PASSWORD = 4
_SCAN_IMAGE_SHARE = 0.5  # an image covering this share of the page makes it "scanned"


def check_structure(data: bytes) -> int:
    """Open the PDF with PDFium to classify damage; return its page count.

    Raises :class:`EncryptedDocumentError`, :class:`TruncatedDocumentError` or
    :class:`CorruptDocumentError`.
    """
    import pypdfium2 as pdfium

    tail = data[-2048:]
    if b"%%EOF" not in tail:
        # PDFs end with %%EOF; without it the file was cut off (PDFium would silently "repair" it
        # and drop whatever came after the cut).
        raise TruncatedDocumentError("the PDF ends early (no %%EOF marker at its end)")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PDFIUM_PASSWORD:
            raise EncryptedDocumentError("the PDF is password-protected") from exc
        raise CorruptDocumentError(f"the PDF cannot be parsed ({exc})") from exc
    try:
        count = len(doc)
    finally:
        doc.close()
    if count == 0:
        raise CorruptDocumentError("the PDF has no pages")
    return count


def words_from_plumber(page: Any) -> list[Word]:
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=2, y_tolerance=2)
    x_off, y_off = float(page.bbox[0]), float(page.bbox[1])
    out = []
    for w in words:
        text = w["text"].strip()
        if not text:
            continue
        x0, x1 = float(w["x0"]) - x_off, float(w["x1"]) - x_off
        y0, y1 = float(w["top"]) - y_off, float(w["bottom"]) - y_off
        if x1 - x0 < 0.1:  # fonts without width metrics for a glyph (e.g. € in some base-14 fonts)
            x1 = x0 + 0.5 * max(y1 - y0, 1.0) * len(text)
        out.append(Word(text, (x0, y0, x1, y1), 1.0))
    return out


def _looks_scanned(page: Any) -> bool:
    area = float(page.width) * float(page.height)
    if area <= 0:
        return False
    for im in page.images:
        w = abs(float(im["x1"]) - float(im["x0"]))
        h = abs(float(im["bottom"]) - float(im["top"]))
        if w * h >= _SCAN_IMAGE_SHARE * area:
            return True
    return False


def _dpi_for(width_pt: float, height_pt: float, settings: IngestSettings, page_no: int) -> int:
    """The configured dpi, lowered (not below ``min_dpi``) to keep the page under ``max_pixels``."""
    dpi = settings.dpi
    pixels = (width_pt / 72 * dpi) * (height_pt / 72 * dpi)
    if pixels <= settings.max_pixels:
        return dpi
    fitted = int(dpi * (settings.max_pixels / pixels) ** 0.5)
    if fitted < min(settings.min_dpi, dpi):
        raise ImageTooLargeError(
            f"page is {width_pt / 72:.0f}×{height_pt / 72:.0f} in; even at {settings.min_dpi} dpi it exceeds "
            f"{settings.max_pixels:,} pixels",
            page=page_no,
        )
    log.info("page %d is large; rendering at %d dpi instead of %d", page_no, fitted, dpi)
    return fitted


class _Rasterizer:
    """Renders pages with pdf2image (poppler), falling back to PDFium when poppler is missing."""

    def __init__(self, data: bytes, source_path: str | None, stack: ExitStack, renderer: str = "pdf2image") -> None:
        self._data = data
        self._path = source_path
        self._stack = stack
        self._use_pdfium = renderer == "pdfium"
        self._pdfium_doc: Any = None

    def _file(self) -> str:
        if self._path is None:
            tmp = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="invoicer-"))
            self._path = os.path.join(tmp, "document.pdf")
            with open(self._path, "wb") as fh:
                fh.write(self._data)
        return self._path

    def render(self, page_no: int, dpi: int) -> Image.Image:
        if not self._use_pdfium:
            try:
                from pdf2image import convert_from_path
                from pdf2image.exceptions import PDFInfoNotInstalledError

                try:
                    images = convert_from_path(
                        self._file(), dpi=dpi, first_page=page_no, last_page=page_no, grayscale=True, fmt="tiff"
                    )
                except PDFInfoNotInstalledError:
                    raise ImportError("poppler is not installed") from None
                if images:
                    return images[0].convert("L")
                raise CorruptDocumentError("poppler rendered no image", page=page_no)
            except ImportError as exc:
                log.warning("pdf2image/poppler unavailable (%s); rendering with PDFium", exc)
                self._use_pdfium = True
            except IngestError:
                raise
            except Exception as exc:  # poppler failed on this page: try PDFium before giving up
                log.warning("poppler failed on page %d (%s); trying PDFium", page_no, exc)
        import pypdfium2 as pdfium

        if self._pdfium_doc is None:
            self._pdfium_doc = pdfium.PdfDocument(self._data)
            self._stack.callback(self._pdfium_doc.close)
        try:
            bitmap = self._pdfium_doc[page_no - 1].render(scale=dpi / 72, grayscale=True)
            return bitmap.to_pil().convert("L")
        except pdfium.PdfiumError as exc:
            raise CorruptDocumentError(f"the page cannot be rendered ({exc})", page=page_no) from exc


def read_pdf(
    data: bytes,
    settings: IngestSettings,
    deadline: Deadline,
    source_path: str | None = None,
) -> tuple[Page, ...]:
    """Pages of a PDF: text-layer words where the layer is usable, else a page image at ``settings.dpi``."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    count = check_structure(data)
    if count > settings.max_pages:
        raise TooManyPagesError(f"the PDF has {count} pages; the limit is {settings.max_pages}")

    pages: list[Page] = []
    with ExitStack() as stack:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pdf = stack.enter_context(pdfplumber.open(io.BytesIO(data)))
            plumber_pages: list[Any] | None = list(pdf.pages)
        except PDFPasswordIncorrect as exc:
            raise EncryptedDocumentError("the PDF is password-protected") from exc
        except Exception as exc:  # pdfminer is stricter than PDFium: fall back to OCR of all pages
            log.warning("pdfplumber cannot read the text layer (%s); pages will be OCRed", exc)
            plumber_pages = None
        raster = _Rasterizer(data, source_path, stack, settings.renderer)
        for page_no in range(1, count + 1):
            deadline.check("PDF ingest", page=page_no)
            words: list[Word] = []
            scanned = True
            width = height = 0.0
            if plumber_pages is not None and page_no <= len(plumber_pages):
                pp = plumber_pages[page_no - 1]
                width, height = float(pp.width), float(pp.height)
                try:
                    words = words_from_plumber(pp)
                    scanned = _looks_scanned(pp)
                except Exception as exc:
                    log.warning("page %d: text layer unreadable (%s)", page_no, exc)
                    words = []
                finally:
                    pp.flush_cache()
            verdict = judge(
                [w.text for w in words],
                looks_scanned=scanned,
                min_quality=settings.text_layer_min_quality,
                min_chars=settings.text_layer_min_chars,
                policy=settings.text_layer,
                scanned_policy=settings.scanned_text_layer,
            )
            info = TextLayerInfo(verdict.chars, verdict.quality, verdict.usable, verdict.reason)
            if verdict.usable:
                pages.append(
                    Page(page_no, width, height, None, WordSource.TEXT_LAYER, group_lines(words), "pdf-text", info)
                )
                continue
            if not width:
                width, height = _pdfium_size(data, page_no)
            dpi = _dpi_for(width, height, settings, page_no)
            image = raster.render(page_no, dpi)
            real_dpi = image.width / (width / 72) if width else float(dpi)
            pages.append(
                Page(
                    page_no,
                    image.width * 72 / real_dpi,
                    image.height * 72 / real_dpi,
                    round(real_dpi, 2),
                    WordSource.NONE,
                    (),
                    None,
                    info,
                    image,
                )
            )
    return tuple(pages)


def _pdfium_size(data: bytes, page_no: int) -> tuple[float, float]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        w, h = doc[page_no - 1].get_size()
        return float(w), float(h)
    finally:
        doc.close()
