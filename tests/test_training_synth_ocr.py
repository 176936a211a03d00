"""Synthetic documents as scanned and read by OCR: label transfer onto OCR words, annotated types, cache."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PIL.Image import Image

from invoicer.document import Line, Word
from invoicer.ingest.layout import group_lines
from invoicer.ocr import FakeOcrEngine
from invoicer.tagging.labels import ENTITY_TYPES, canonical_label
from invoicer.training.synth_ocr import (
    CACHE_FORMAT,
    _degrade,
    choose_for_ocr,
    main,
    ocr_synth_scan,
    synth_ocr_document,
    transfer_page,
)
from tests.conftest import needs_tesseract

# a hand-made page: truth words (points) and their labels
TRUTH = [
    ("Invoice", (10, 10, 50, 20), "O"),
    ("No.", (55, 10, 70, 20), "O"),
    ("RE-2024-001", (75, 10, 140, 20), "B-INVOICE_NUMBER"),
    ("Acme", (10, 40, 40, 50), "B-VENDOR_NAME"),
    ("Trading", (45, 40, 90, 50), "I-VENDOR_NAME"),
    ("Bill", (200, 40, 220, 50), "O"),
    ("GmbH", (95, 40, 125, 50), "I-VENDOR_NAME"),  # after a word of the other column: same occurrence
    ("Total", (10, 100, 40, 110), "O"),
    ("1.234,50", (100, 100, 140, 110), "B-TOTAL"),
    ("EUR", (145, 100, 165, 110), "B-CURRENCY"),
]


def _truth() -> tuple[list[str], list[tuple[float, ...]], list[str]]:
    return [t for t, _, _ in TRUTH], [b for _, b, _ in TRUTH], [lb for _, _, lb in TRUTH]


def _w(text: str, box: tuple[float, float, float, float]) -> Word:
    return Word(text, box, 0.9)


def test_labels_follow_splits_merges_and_misreads_in_the_ocr_reading_order() -> None:
    ocr = [
        _w("lnvoice", (10, 10, 50, 20)),  # misread, O
        _w("No.RE-2024-0O1", (55, 10, 140, 20)),  # label merged with the value: mostly the value
        _w("GmbH", (95, 40, 125, 50)),  # read before the rest of the name: it opens the occurrence
        _w("AcmeTrading", (10, 40, 90, 50)),  # two words of one occurrence merged
        _w("Total", (10, 100, 40, 110)),
        _w("1.234,", (100, 100, 120, 110)),  # one word split in two
        _w("50", (121, 100, 140, 110)),
        _w("EUR", (146, 101, 164, 110)),
        _w("~", (300, 300, 305, 305)),  # noise
    ]
    tr = transfer_page(*_truth(), ocr)
    assert list(tr.labels) == [
        "O",
        "B-invoice_number",
        "B-vendor_name",
        "I-vendor_name",
        "O",
        "B-total",
        "I-total",
        "B-currency",
        "O",
    ]
    assert tr.annotated == frozenset(ENTITY_TYPES)  # every field recovered (misreads within tolerance)
    assert dict(tr.spans)["invoice_number"] >= 0.9
    assert all(tr.reached[i] for i, (_, _, lb) in enumerate(TRUTH) if lb != "O")
    assert not any(tr.reached[i] for i, (_, _, lb) in enumerate(TRUTH) if lb == "O")


def test_a_word_mostly_over_outside_words_stays_outside_and_continued_occurrences_stay_inside() -> None:
    truth = ["Total", "EUR", "Widget", "blue"]
    boxes = [(10, 10, 60, 20), (62, 10, 70, 20), (10, 30, 50, 40), (52, 30, 70, 40)]
    labels = ["O", "B-CURRENCY", "I-ITEM_DESCRIPTION", "I-ITEM_DESCRIPTION"]  # the row began on the page before
    ocr = [_w("TotalEUR", (10, 10, 70, 20)), _w("Widget", (10, 30, 50, 40)), _w("blue", (52, 30, 70, 40))]
    tr = transfer_page(truth, boxes, labels, ocr)
    assert tr.labels == ("O", "I-item_description", "I-item_description")
    assert "currency" not in tr.annotated  # its only word went to an O word: not taught as O
    assert "item_description" in tr.annotated


def test_fields_whose_text_is_not_recovered_are_not_annotated() -> None:
    ocr = [
        _w("Invoice", (10, 10, 50, 20)),
        _w("No.", (55, 10, 70, 20)),
        _w("RE-2024-001", (75, 10, 140, 20)),
        _w("Acme", (10, 40, 40, 50)),
        _w("Trading", (45, 40, 90, 50)),
        _w("GmbH", (95, 40, 125, 50)),
        _w("Total", (10, 100, 40, 110)),
        _w("#.##%;", (100, 100, 140, 110)),  # the total misread beyond recognition
        # EUR not read at all
    ]
    tr = transfer_page(*_truth(), ocr)
    assert tr.labels[7] == "B-total"  # still where the total is printed
    assert tr.annotated == frozenset(ENTITY_TYPES) - {"total", "currency"}
    shares = dict(tr.spans)
    assert shares["total"] < 0.5 and shares["currency"] == 0.0 and shares["vendor_name"] == 1.0


# ---------------------------------------------------------------------------------------------- documents


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from invoicer.synth.engine import SynthOptions, generate

    out = tmp_path_factory.mktemp("synth")
    generate(out, 2, 11, SynthOptions(layouts=("taxi_ticket",), locales=("de-DE",)))
    return out


def _perfect_reader(truth_file: Path, seed: int = 0) -> FakeOcrEngine:
    """A fake engine reading exactly the truth words where the degraded scan has them."""
    truth = json.loads(truth_file.read_text("utf-8"))
    pdf = truth_file.with_name(truth["file"]).read_bytes()
    sha = hashlib.sha256(pdf).hexdigest()
    page = _degrade(pdf, truth, truth_file.stem, sha, seed).pages[0]

    def read(image: Image) -> list[Line]:
        s = image.width / page["width"]
        words = [
            Word(w["text"], tuple(v * s for v in box), 0.9)  # type: ignore[arg-type]
            for w, box in zip(truth["pages"][0]["words"], page["boxes"], strict=True)
        ]
        return list(group_lines(words))

    return FakeOcrEngine(reader=read)


def test_a_generated_document_read_by_a_fake_engine_keeps_its_labels(corpus: Path, tmp_path: Path) -> None:
    truth_file = corpus / "000000.json"
    truth = json.loads(truth_file.read_text("utf-8"))
    engine = _perfect_reader(truth_file)
    doc, (tr,), scan = synth_ocr_document(truth_file, engine, tmp_path)
    assert doc.source == "synth-ocr" and doc.key == f"synth-ocr:{corpus.name}/000000"
    assert scan.scan is not None and 150 <= scan.scan["dpi"] <= 300 and engine.calls == 1
    assert doc.document is not None and doc.document.pages[0].engine == "fake"
    page = doc.pages[0]
    assert page.annotated == frozenset(ENTITY_TYPES) and all(
        ok for ok, w in zip(tr.reached, truth["pages"][0]["words"], strict=True) if w["label"] != "O"
    )
    # every OCR word carries the entity of the truth word it is (same text)
    truth_entity: dict[str, set[str]] = {}
    for w in truth["pages"][0]["words"]:
        truth_entity.setdefault(w["text"], set()).add(canonical_label(w["label"]).split("-", 1)[-1])
    for text, label in zip(page.words, page.labels, strict=True):
        assert label.split("-", 1)[-1] in truth_entity[text]
    n_occurrences = len({(w["label"][2:], i) for i, w in enumerate(truth["pages"][0]["words"]) if w["label"][0] == "B"})
    assert sum(lb.startswith("B-") for lb in page.labels) == n_occurrences
    assert doc.truth and doc.truth.get("total") and doc.line_items is not None
    assert all(0 <= v <= 1000 for box in page.boxes for v in box)


def test_ocr_results_are_cached_per_document_seed_and_engine(corpus: Path, tmp_path: Path) -> None:
    truth_file = corpus / "000001.json"
    engine = _perfect_reader(truth_file)
    first = ocr_synth_scan(truth_file, engine, tmp_path)
    assert first.cache_file.name.endswith("-synth0-fake.json") and first.seconds > 0
    assert json.loads(first.cache_file.read_text("utf-8"))["format"] == CACHE_FORMAT
    again = ocr_synth_scan(truth_file, engine, tmp_path)
    assert engine.calls == 1 and again.seconds == 0.0
    assert again.document == first.document and again.truth_boxes == first.truth_boxes and again.scan == first.scan
    other = ocr_synth_scan(truth_file, _perfect_reader(truth_file, seed=3), tmp_path, seed=3)
    assert other.cache_file != first.cache_file and other.scan != first.scan


def test_scan_mode_documents_are_read_as_they_are(tmp_path: Path) -> None:
    from invoicer.synth.engine import SynthOptions, generate

    out = tmp_path / "scan"
    generate(out, 1, 2, SynthOptions(mode="scan", layouts=("taxi_ticket",), locales=("de-DE",)))
    truth_file = out / "000000.json"
    truth = json.loads(truth_file.read_text("utf-8"))
    boxes = [w["bbox"] for w in truth["pages"][0]["words"]]
    scale: list[float] = []

    def read(image: Image) -> list[Line]:
        scale.append(image.width / truth["pages"][0]["width"])
        return list(
            group_lines(
                Word(w["text"], tuple(v * scale[0] for v in w["bbox"]), 0.9)  # type: ignore[arg-type]
                for w in truth["pages"][0]["words"]
            )
        )

    doc, _, scan = synth_ocr_document(truth_file, FakeOcrEngine(reader=read), tmp_path / "cache")
    sha = hashlib.sha256((out / truth["file"]).read_bytes()).hexdigest()
    assert scan.scan is None and scan.cache_file.name == f"{sha}-fake.json"  # the SROIE cache layout
    assert [list(b) for b in scan.truth_boxes[0]] == boxes
    assert doc.pages[0].annotated == frozenset(ENTITY_TYPES)
    assert sum(lb != "O" for lb in doc.pages[0].labels) == sum(w["label"] != "O" for w in truth["pages"][0]["words"])


def test_only_training_documents_are_chosen_and_parts_share_the_work(corpus: Path, tmp_path: Path, capsys) -> None:
    from invoicer.training.tagger import TrainedDocument, _split_synth

    docs = [TrainedDocument(f"synth:d/{i:06d}", "synth", "", ()) for i in range(50)]
    train, held = _split_synth(docs, 10, 7)
    chosen = choose_for_ocr(train, 30, 7)
    assert len(chosen) == 30 and not {d.key for d in chosen} & {d.key for d in held}
    assert choose_for_ocr(train, 30, 7) == chosen and len(choose_for_ocr(train, 500, 7)) == 40

    cache = tmp_path / "cache"
    runs = []
    for part in (1, 2):
        assert (
            main(
                [
                    "--data",
                    str(corpus),
                    "--engine",
                    "fake",
                    "--limit",
                    "5",
                    "--part",
                    str(part),
                    "--parts",
                    "2",
                    "--cache",
                    str(cache),
                ]
            )
            == 0
        )
        runs.append(json.loads(capsys.readouterr().out))
    assert [r["documents"] for r in runs] == [1, 1]
    assert len(list(cache.glob("*-synth0-fake.json"))) == 2


@needs_tesseract
def test_tesseract_reads_a_degraded_synthetic_receipt(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    from invoicer.ocr import TesseractEngine

    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    doc, (tr,), scan = synth_ocr_document(corpus / "000000.json", TesseractEngine("eng+deu"), tmp_path)
    page = doc.pages[0]
    assert scan.scan is not None and page.words
    truth = json.loads((corpus / "000000.json").read_text("utf-8"))
    n_labelled = sum(w["label"] != "O" for w in truth["pages"][0]["words"])
    assert any(lb != "O" for lb in page.labels) and sum(tr.reached) >= 0.3 * n_labelled
    assert set(page.annotated or ()) <= set(ENTITY_TYPES)
