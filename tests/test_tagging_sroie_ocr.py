"""SROIE receipts read by an OCR engine, with key-field labels aligned to the OCR words (fake engine)."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from invoicer.document import Line, Word
from invoicer.ocr import FakeOcrEngine
from invoicer.training.sroie_ocr import sroie_ocr_documents

# what the fake engine "reads" (pixel boxes): the company is misread beyond recognition
OCR_LINES = [
    ((40, 10, 360, 40), "XQZW 0OO1 KKLM"),
    ((20, 100, 380, 120), "NO.53 JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR."),
    ((20, 170, 300, 190), "DATE: 25/12/2018 10:20"),
    ((20, 230, 200, 250), "TOTAL:"),
    ((300, 230, 380, 250), "9.00"),
    ((20, 260, 200, 280), "CASH 10.00"),
]
ENTITIES = {
    "company": "BOOK TA .K (TAMAN DAYA) SDN BHD",
    "date": "25/12/2018",
    "address": "NO.53 JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.",
    "total": "RM9.00",
}


def _line(box: tuple[int, int, int, int], text: str) -> Line:
    x0, y0, x1, y1 = box
    parts = text.split(" ")
    step = (x1 - x0) / len(parts)
    return Line(tuple(Word(t, (x0 + k * step, y0, x0 + (k + 1) * step - 2, y1)) for k, t in enumerate(parts)))


def test_labels_follow_the_ocr_words_and_unreadable_fields_are_not_taught_as_outside(tmp_path: Path) -> None:
    root = tmp_path / "sroie"
    for sub in ("img", "box", "entities"):
        (root / sub).mkdir(parents=True)
    Image.new("L", (400, 340), 255).save(root / "img" / "R001.jpg")
    (root / "box" / "R001.txt").write_text("40,10,360,10,360,40,40,40,BOOK TA.K (TAMAN DAYA) SDN BHD\n", "utf-8")
    (root / "entities" / "R001.txt").write_text(json.dumps(ENTITIES), "utf-8")
    engine = FakeOcrEngine(reader=lambda image: [_line(b, t) for b, t in OCR_LINES])

    (doc,) = sroie_ocr_documents("train", engine, tmp_path / "cache", root=root, ids=["R001"])
    page = doc.pages[0]
    labelled = dict(zip(page.words, page.labels, strict=True))
    assert labelled["9.00"] == "B-total"  # the amount on the TOTAL row, not CASH's
    assert labelled["25/12/2018"] == "B-invoice_date"
    assert labelled["NO.53"] == "B-vendor_address" and labelled["JOHOR."] == "I-vendor_address"
    assert page.annotated == frozenset({"vendor_address", "invoice_date", "total"})  # company unreadable
    assert doc.document is not None and doc.document.pages[0].engine == "fake"
    assert doc.truth["total"] == "9.00"
    assert page.boxes[0][0] == round(1000 * 40 / 400)  # boxes in 0-1000 of the receipt image

    # the OCR result is cached per engine: a second read does not call the engine again
    calls = engine.calls
    (again,) = sroie_ocr_documents("train", engine, tmp_path / "cache", root=root, ids=["R001"])
    assert engine.calls == calls and again.pages == doc.pages


def test_prefill_command_reads_its_part_of_the_split_into_the_cache(tmp_path: Path) -> None:
    from invoicer.datasets.sroie import SroieSplit, write_sroie_split
    from invoicer.training.sroie_ocr import main

    root = tmp_path / "sroie"
    for sub in ("img", "box", "entities"):
        (root / sub).mkdir(parents=True)
    for k, rid in enumerate(("R001", "R002", "R003")):
        Image.new("L", (400 + k, 340), 255).save(root / "img" / f"{rid}.jpg")  # distinct images, distinct files
        (root / "box" / f"{rid}.txt").write_text("40,10,360,10,360,40,40,40,SHOP\n", "utf-8")
        (root / "entities" / f"{rid}.txt").write_text(json.dumps(ENTITIES), "utf-8")
    split_file = write_sroie_split(SroieSplit(("R001", "R002"), ("R003",), ()), tmp_path / "split.json")
    cache = tmp_path / "cache"
    common = ["--engine", "none", "--cache", str(cache), "--root", str(root), "--split-file", str(split_file)]

    assert main(["--split", "all", "--part", "1", "--parts", "2", *common]) == 0
    assert len(list(cache.glob("*-none.json"))) == 2  # R001 and R003 (every second receipt from the first)
    assert main(["--split", "all", "--part", "2", "--parts", "2", *common]) == 0
    assert len(list(cache.glob("*-none.json"))) == 3
