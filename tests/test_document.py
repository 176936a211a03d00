from __future__ import annotations

import json

import pytest

from invoicer.document import (
    Document,
    Extraction,
    ExtractionStatus,
    Field,
    Line,
    LineItem,
    Page,
    ProcessingError,
    RuleOutcome,
    TextLayerInfo,
    ValidationResult,
    Word,
    WordSource,
    union_bbox,
)


def sample_extraction() -> Extraction:
    words = (Word("Total", (10, 20, 40, 30), 0.98), Word("119,00", (50, 20, 80, 30), 0.91))
    page = Page(
        1,
        595.0,
        842.0,
        300.0,
        WordSource.OCR,
        (Line(words, 0.91),),
        "tesseract",
        TextLayerInfo(0, 0.0, False, "no text layer"),
    )
    doc = Document("a" * 64, "x.pdf", "application/pdf", 1234, (page,), "/in/x.pdf")
    return Extraction(
        doc,
        fields=(
            Field("total", "119.00", "119,00 €", 0.97, 1, (50, 20, 80, 30)),
            Field("currency", "EUR", "€", 0.9, 1, None),
        ),
        line_items=(LineItem("Widget", "2", "50.00", "100.00", "19", 0.8, 1, (1, 2, 3, 4)),),
        validation=(ValidationResult("totals_add_up", RuleOutcome.SKIP, "missing", ("subtotal",)),),
        status=ExtractionStatus.NEEDS_REVIEW,
        notes=("a note",),
    )


def test_json_round_trip_is_lossless() -> None:
    ex = sample_extraction()
    data = json.loads(json.dumps(ex.to_dict()))
    back = Extraction.from_dict(data)
    assert back == ex
    assert back.to_dict() == ex.to_dict()


def test_failed_extraction_round_trip() -> None:
    doc = Document("", "bad.pdf", "application/octet-stream", 0)
    ex = Extraction(
        doc, status=ExtractionStatus.FAILED, error=ProcessingError("empty_file", "the file is empty", "hint")
    )
    assert Extraction.from_dict(ex.to_dict()) == ex


def test_model_is_immutable() -> None:
    ex = sample_extraction()
    with pytest.raises(AttributeError):
        ex.status = ExtractionStatus.AUTO_APPROVED  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ex.document.pages[0].lines[0].words[0].text = "x"  # type: ignore[misc]


def test_fields_are_kept_in_contract_order_and_unique() -> None:
    ex = sample_extraction().with_fields([Field("total", "1.00"), Field("vendor_name", "ACME")])
    assert [f.name for f in ex.fields] == ["vendor_name", "total"]
    assert ex.value("vendor_name") == "ACME"
    assert ex.field("iban") is None
    with pytest.raises(ValueError, match="duplicate"):
        Extraction(ex.document, fields=(Field("total", "1"), Field("total", "2")))


def test_unknown_field_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown field 'amount_due'"):
        Field("amount_due", "1.00")


def test_missing_fields_are_absent_from_output() -> None:
    ex = sample_extraction().with_fields([Field("total", None)])
    assert "total" not in ex.to_dict()["fields"]


def test_page_pixel_conversion_round_trips() -> None:
    page = Page(1, 595.0, 842.0, 300.0, WordSource.NONE)
    px = page.to_pixels((72.0, 144.0, 144.0, 216.0))
    assert px == pytest.approx((300.0, 600.0, 600.0, 900.0))
    assert page.from_pixels(px) == pytest.approx((72.0, 144.0, 144.0, 216.0))
    with pytest.raises(ValueError):
        Page(1, 1, 1, None, WordSource.TEXT_LAYER).to_pixels((0, 0, 1, 1))


def test_line_text_and_bbox() -> None:
    line = Line((Word("a", (0, 5, 10, 15)), Word("b", (12, 4, 20, 16))))
    assert line.text == "a b"
    assert line.bbox == (0, 4, 20, 16)
    assert union_bbox([(1, 1, 2, 2), (0, 3, 1, 4)]) == (0, 1, 2, 4)


def test_boxes_are_normalized_when_read() -> None:
    w = Word.from_dict({"text": "x", "bbox": [10, 20, 5, 2]})
    assert w.bbox == (5.0, 2.0, 10.0, 20.0)
