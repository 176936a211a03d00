from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from invoicer.config import IngestSettings, Settings
from invoicer.document import WordSource
from invoicer.errors import (
    CorruptDocumentError,
    EmptyFileError,
    EncryptedDocumentError,
    FileTooLargeError,
    ImageTooLargeError,
    IngestError,
    InvoicerError,
    MissingFileError,
    ProcessingTimeoutError,
    TooManyPagesError,
    TruncatedDocumentError,
    UnsupportedFormatError,
)
from invoicer.ingest import ingest_bytes, ingest_path
from invoicer.ingest.sniff import sniff
from tests.conftest import BAD, DOCUMENTS, TRUTH


def truth(stem: str) -> dict:
    return json.loads((TRUTH / f"{stem}.json").read_text("utf-8"))


def test_born_digital_pdf_uses_text_layer(settings: Settings) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_born_digital.pdf", settings.ingest)
    assert doc.media_type == "application/pdf"
    assert doc.page_count == 1
    page = doc.pages[0]
    assert page.source is WordSource.TEXT_LAYER and page.engine == "pdf-text"
    assert page.text_layer is not None and page.text_layer.usable
    assert (page.width, page.height) == pytest.approx((595.28, 841.89), abs=0.01)  # A4 in points
    assert page.image is None
    text = page.text
    for value in ("Nordlicht Bürobedarf GmbH", "RE-2024-0815", "14.03.2024", "DE136695976", "319,45 €"):
        assert value in text
    # every word box lies on the page, in points from the top-left
    for w in page.words:
        x0, y0, x1, y1 = w.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
    top = min(page.words, key=lambda w: w.bbox[1])
    assert top.text == "Nordlicht"  # the letterhead is at the top: y grows downwards


def test_table_columns_become_separate_lines(settings: Settings) -> None:
    page = ingest_path(DOCUMENTS / "invoice_born_digital.pdf", settings.ingest).pages[0]
    texts = [line.text for line in page.lines]
    assert "Rechnungsnr.:" in texts and "RE-2024-0815" in texts  # label and value 35pt apart
    assert "Gesamtbetrag" in texts and "319,45 €" in texts


def test_multi_page_pdf_keeps_page_order(settings: Settings) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_two_pages.pdf", settings.ingest)
    assert [p.number for p in doc.pages] == [1, 2]
    assert all(p.source is WordSource.TEXT_LAYER for p in doc.pages)
    assert "Seite 2" in doc.pages[1].text
    t = truth("invoice_two_pages")
    assert doc.pages[1].text.count("Art.") + doc.pages[0].text.count("Art.") == len(t["line_items"])


def test_scanned_pdf_is_rasterized_for_ocr(settings: Settings) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_scanned.pdf", replace(settings.ingest, dpi=200))
    page = doc.pages[0]
    assert page.source is WordSource.NONE and page.needs_ocr
    assert page.text_layer is not None and page.text_layer.reason == "no text layer"
    assert page.image is not None and page.image.mode == "L"
    assert page.dpi == pytest.approx(200, rel=0.01)
    assert page.image.width == pytest.approx(page.width * 200 / 72, abs=2)


def test_scans_are_ocred_whatever_their_text_layer_says(settings: Settings) -> None:
    for name in ("invoice_scan_garbled_layer.pdf", "invoice_scan_clean_layer.pdf"):
        page = ingest_path(DOCUMENTS / name, settings.ingest).pages[0]
        assert page.text_layer is not None and page.text_layer.chars > 100
        assert not page.text_layer.usable and page.needs_ocr
        assert page.text_layer.reason.startswith("page is a scan")


def test_judged_scanner_layer_is_used_only_when_clean(settings: Settings) -> None:
    judging = replace(settings.ingest, scanned_text_layer="judge")
    garbled = ingest_path(DOCUMENTS / "invoice_scan_garbled_layer.pdf", judging).pages[0]
    assert garbled.text_layer is not None and "garbled" in garbled.text_layer.reason and garbled.needs_ocr
    clean = ingest_path(DOCUMENTS / "invoice_scan_clean_layer.pdf", judging).pages[0]
    assert clean.source is WordSource.TEXT_LAYER and "RE-2024-0815" in clean.text


def test_text_layer_policy_never_forces_ocr(settings: Settings) -> None:
    page = ingest_path(
        DOCUMENTS / "invoice_born_digital.pdf", replace(settings.ingest, text_layer="never", dpi=100)
    ).pages[0]
    assert page.needs_ocr and page.dpi == pytest.approx(100, rel=0.01)


@pytest.mark.parametrize(("name", "media"), [("invoice_photo.png", "image/png"), ("invoice_scan.jpg", "image/jpeg")])
def test_images_become_one_page_with_metadata_dpi(settings: Settings, name: str, media: str) -> None:
    doc = ingest_path(DOCUMENTS / name, settings.ingest)
    assert doc.media_type == media and doc.page_count == 1
    page = doc.pages[0]
    assert page.dpi == pytest.approx(150, abs=1)
    assert page.width == pytest.approx(595.3, abs=2)  # A4 rendered at 150 dpi
    assert page.needs_ocr


def test_multi_frame_tiff_gives_one_page_per_frame(settings: Settings) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_multipage.tif", settings.ingest)
    assert doc.media_type == "image/tiff"
    assert [p.number for p in doc.pages] == [1, 2]
    assert all(p.image is not None for p in doc.pages)


def test_image_without_dpi_uses_default(settings: Settings) -> None:
    buf = io.BytesIO()
    Image.new("L", (600, 300), 255).save(buf, format="PNG")
    doc = ingest_bytes(buf.getvalue(), "x.png", replace(settings.ingest, default_image_dpi=200))
    assert doc.pages[0].dpi == 200 and doc.pages[0].width == pytest.approx(216.0)


def test_document_identity(settings: Settings) -> None:
    path = DOCUMENTS / "invoice_born_digital.pdf"
    data = path.read_bytes()
    import hashlib

    doc = ingest_path(path, settings.ingest)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.size_bytes == len(data) and doc.source_name == path.name and doc.source_path == str(path)


def test_input_file_is_never_modified(settings: Settings, tmp_path: Path) -> None:
    for src in sorted(DOCUMENTS.iterdir()):
        copy = tmp_path / src.name
        copy.write_bytes(src.read_bytes())
        before = (copy.read_bytes(), copy.stat().st_mtime_ns)
        ingest_path(copy, settings.ingest)
        assert (copy.read_bytes(), copy.stat().st_mtime_ns) == before


# --- one test per bad-input kind -------------------------------------------------------------


def test_zero_byte_file(settings: Settings) -> None:
    with pytest.raises(EmptyFileError) as info:
        ingest_path(BAD / "empty.pdf", settings.ingest)
    assert info.value.code == "empty_file" and info.value.path and info.value.path.endswith("empty.pdf")


def test_encrypted_pdf(settings: Settings) -> None:
    with pytest.raises(EncryptedDocumentError, match="password"):
        ingest_path(BAD / "encrypted.pdf", settings.ingest)


def test_corrupt_pdf(settings: Settings) -> None:
    with pytest.raises(CorruptDocumentError) as info:
        ingest_path(BAD / "corrupt.pdf", settings.ingest)
    assert not isinstance(info.value, TruncatedDocumentError)


def test_truncated_pdf(settings: Settings) -> None:
    with pytest.raises(TruncatedDocumentError, match="ends early"):
        ingest_path(BAD / "truncated.pdf", settings.ingest)


def test_truncated_image(settings: Settings) -> None:
    with pytest.raises(TruncatedDocumentError):
        ingest_path(BAD / "truncated.png", settings.ingest)


def test_not_a_document(settings: Settings) -> None:
    with pytest.raises(UnsupportedFormatError, match="plain text"):
        ingest_path(BAD / "not_a_document.pdf", settings.ingest)


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"PK\x03\x04rest", "ZIP"),
        (b"GIF89a....", "GIF"),
        (b"<!DOCTYPE html><html>", "HTML"),
        (bytes(range(256)) * 2, "binary"),
    ],
)
def test_other_formats_are_named(settings: Settings, head: bytes, what: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=what):
        ingest_bytes(head, "x.pdf", settings.ingest)


def test_missing_file(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="no such file"):
        ingest_path(tmp_path / "nope.pdf", settings.ingest)
    with pytest.raises(MissingFileError, match="not a regular file"):
        ingest_path(tmp_path, settings.ingest)


def test_page_limit(settings: Settings) -> None:
    with pytest.raises(TooManyPagesError, match="2 pages; the limit is 1"):
        ingest_path(DOCUMENTS / "invoice_two_pages.pdf", replace(settings.ingest, max_pages=1))
    with pytest.raises(TooManyPagesError):
        ingest_path(DOCUMENTS / "invoice_multipage.tif", replace(settings.ingest, max_pages=1))


def test_file_size_limit(settings: Settings) -> None:
    with pytest.raises(FileTooLargeError):
        ingest_path(DOCUMENTS / "invoice_scan.jpg", replace(settings.ingest, max_file_bytes=1000))


def test_pixel_limit_stops_decompression_bombs(settings: Settings) -> None:
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, format="PNG")  # 144 Mpx in a tiny file
    assert len(buf.getvalue()) < 100_000
    with pytest.raises(ImageTooLargeError, match="pixels"):
        ingest_bytes(buf.getvalue(), "bomb.png", settings.ingest)


def test_huge_pdf_page_is_rendered_at_lower_dpi_or_refused(settings: Settings) -> None:
    path = DOCUMENTS / "invoice_scanned.pdf"
    small = replace(settings.ingest, max_pixels=2_000_000, min_dpi=72)
    page = ingest_path(path, small).pages[0]
    assert page.image is not None and page.image.width * page.image.height <= 2_000_000 * 1.02
    with pytest.raises(ImageTooLargeError):
        ingest_path(path, replace(settings.ingest, max_pixels=100_000, min_dpi=100))


def test_time_limit(settings: Settings) -> None:
    with pytest.raises(ProcessingTimeoutError) as info:
        ingest_path(DOCUMENTS / "invoice_two_pages.pdf", replace(settings.ingest, timeout_s=1e-9))
    assert info.value.code == "timeout"


def test_every_ingest_error_is_an_invoicer_error_with_a_hint_or_message() -> None:
    for cls in (
        EmptyFileError,
        EncryptedDocumentError,
        CorruptDocumentError,
        TruncatedDocumentError,
        UnsupportedFormatError,
    ):
        assert issubclass(cls, IngestError) and issubclass(cls, InvoicerError)
        err = cls("msg", path="a.pdf")
        assert str(err).startswith("a.pdf: msg")
        assert err.to_dict()["code"] == cls.code


def test_sniffing_ignores_the_file_name() -> None:
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"junk before %PDF-1.4") == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"II*\x00") == sniff(b"MM\x00*") == "image/tiff"
    assert sniff(b"hello") is None


def test_default_ingest_settings_work_without_arguments() -> None:
    doc = ingest_bytes((DOCUMENTS / "invoice_born_digital.pdf").read_bytes(), "x.pdf")
    assert doc.pages[0].source is WordSource.TEXT_LAYER
    assert IngestSettings().text_layer == "auto"


def test_layoutparser_view_of_a_page(settings: Settings) -> None:
    pytest.importorskip("layoutparser")
    from invoicer.ingest.layout import to_layoutparser

    page = ingest_path(DOCUMENTS / "invoice_born_digital.pdf", settings.ingest).pages[0]
    words = to_layoutparser(page)
    assert len(words) == len(page.words)
    header = words.filter_by(to_layoutparser_box(0, 0, page.width, 70), center=True)
    assert [b.text for b in header] == ["Nordlicht", "Bürobedarf", "GmbH"]
    lines = to_layoutparser(page, "line")
    assert "Gesamtbetrag" in [b.text for b in lines]


def to_layoutparser_box(x0: float, y0: float, x1: float, y1: float) -> object:
    import layoutparser as lp

    return lp.Rectangle(x0, y0, x1, y1)
