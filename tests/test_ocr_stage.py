from __future__ import annotations

import pytest

from invoicer.config import Settings
from invoicer.document import Extraction, Line, Word, WordSource
from invoicer.errors import UnknownBackendError
from invoicer.ingest import ingest_path
from invoicer.limits import Deadline
from invoicer.ocr import ENGINES, FakeOcrEngine, NoOcrEngine, OcrStage, TesseractEngine, engine_from_settings, parse_tsv
from tests.conftest import DOCUMENTS, needs_tesseract

TSV = """level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t1000\t1000\t-1\t
5\t1\t1\t1\t2\t1\t100\t300\t80\t20\t91.5\tTotal
5\t1\t1\t1\t2\t2\t200\t301\t60\t20\t88\t12,50
5\t1\t1\t1\t1\t1\t100\t100\t150\t30\t96\tACME
5\t1\t1\t1\t1\t2\t260\t100\t40\t30\t95\t
"""


def test_parse_tesseract_tsv() -> None:
    lines = parse_tsv(TSV)
    assert [line.text for line in lines] == ["ACME", "Total 12,50"]
    total = lines[1].words[0]
    assert total.bbox == (100, 300, 180, 320) and total.confidence == pytest.approx(0.915)
    assert lines[1].confidence == pytest.approx(0.88)


def test_ocr_stage_converts_pixels_to_points(settings: Settings) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_photo.png", settings.ingest)  # 150 dpi
    engine = FakeOcrEngine([[Line((Word("Total", (150, 300, 300, 330), 0.9),))]])
    out = OcrStage(engine).run(Extraction(doc), Deadline(10))
    page = out.document.pages[0]
    assert page.source is WordSource.OCR and page.engine == "fake"
    assert page.words[0].bbox == pytest.approx((72.0, 144.0, 144.0, 158.4))
    assert page.image is None  # images are dropped once read
    assert engine.calls == 1


def test_text_layer_pages_are_not_ocred(settings: Settings) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_born_digital.pdf", settings.ingest)
    engine = FakeOcrEngine([[Line((Word("X", (0, 0, 1, 1)),))]])
    out = OcrStage(engine).run(Extraction(doc), Deadline(10))
    assert engine.calls == 0 and out == Extraction(doc)


def test_no_engine_leaves_pages_unread_and_says_so(settings: Settings) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_multipage.tif", settings.ingest)
    out = OcrStage(NoOcrEngine()).run(Extraction(doc), Deadline(10))
    assert all(p.source is WordSource.NONE and not p.lines for p in out.document.pages)
    assert any("no OCR engine" in n and "1, 2" in n for n in out.notes)


def test_engine_registry() -> None:
    assert {"tesseract", "none", "fake"} <= set(ENGINES.names())
    with pytest.raises(UnknownBackendError, match=r"valid names: .*tesseract"):
        engine_from_settings("paddle", "eng")


@needs_tesseract
def test_tesseract_reads_a_generated_scan(settings: Settings) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_scanned.pdf", settings.ingest)
    engine = TesseractEngine(languages="eng")
    out = OcrStage(engine).run(Extraction(doc), Deadline(60))
    page = out.document.pages[0]
    assert page.source is WordSource.OCR and page.engine == "tesseract"
    text = page.text
    for expected in ("RE-2024-0815", "14.03.2024", "DE136695976", "Gesamtbetrag"):
        assert expected in text
    total = next(w for w in page.words if w.text == "Gesamtbetrag")
    # printed at x=330pt, ~505pt from the top of the A4 page (reportlab y=842-60-190-...)
    assert 320 < total.bbox[0] < 345 and 300 < total.bbox[1] < 420
