"""The SROIE loader: parsing, split, line crops, word labels — on a small generated folder and on the real data."""

from __future__ import annotations

import hashlib
import json
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from invoicer.datasets import sroie
from invoicer.datasets.sroie import (
    SROIE_DUPLICATE_GROUPS,
    SROIE_REMOVED_IDS,
    BoxLine,
    SroieSplit,
    align_receipt,
    label_names,
    load_sroie_split,
    make_sroie_split,
    normalize_sroie_date,
    normalize_sroie_total,
    read_box_file,
    read_entities,
    sroie_ids,
    sroie_line_crops,
    sroie_line_crops_for_ids,
    sroie_receipt,
    sroie_receipts,
    words_from_lines,
    write_sroie_split,
)
from invoicer.document import WordSource
from invoicer.errors import DatasetError, InvoicerError
from invoicer.tagging import find_phrase

REAL_ROOT = sroie.default_sroie_root()
needs_real_data = pytest.mark.skipif(
    not (REAL_ROOT / "box").is_dir(), reason=f"SROIE data not found at {REAL_ROOT} (shared/data/sroie-train)"
)


# ----------------------------------------------------------------------------------------------
# A small SROIE-shaped folder written by the test
# ----------------------------------------------------------------------------------------------

RECEIPT_LINES = [
    ((40, 10, 360, 40), "TAN WOON YANN"),
    ((40, 45, 360, 70), "BOOK TA.K (TAMAN"),
    ((40, 72, 360, 98), "DAYA) SDN BHD"),
    ((20, 100, 380, 120), "NO.53 55,57 & 59, JALAN SAGU 18,"),
    ((20, 122, 380, 142), "TAMAN DAYA, 81100 JOHOR BAHRU,"),
    ((20, 144, 380, 164), "JOHOR."),
    ((20, 170, 300, 190), "DATE: 25/12/2018 10:20"),
    ((20, 200, 200, 220), "ITEM A"),
    ((300, 200, 380, 220), "9.00"),
    ((20, 230, 200, 250), "TOTAL:"),
    ((300, 230, 380, 250), "9.00"),
    ((20, 260, 200, 280), "CASH"),
    ((300, 260, 380, 280), "10.00"),
    ((20, 290, 21, 291), "DOT"),  # degenerate: 1x1 pixel
    ((20, 300, 200, 320), " "),  # empty transcript
]
RECEIPT_ENTITIES = {
    "company": "BOOK TA .K (TAMAN DAYA) SDN BHD",
    "date": "25/12/2018",
    "address": "NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.",
    "total": "RM9.00",
}


def _quad(box: tuple[int, int, int, int]) -> str:
    x0, y0, x1, y1 = box
    return f"{x0},{y0},{x1},{y0},{x1},{y1},{x0},{y1}"


def _write_receipt(
    root: Path, receipt_id: str, lines: list, entities: dict, size: tuple[int, int] = (400, 340)
) -> None:
    for sub in ("img", "box", "entities"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for box, text in lines:
        draw.text((box[0] + 2, box[1] + 2), text, fill=0)
    image.save(root / "img" / f"{receipt_id}.jpg", quality=85)
    (root / "box" / f"{receipt_id}.txt").write_text(
        "\r\n".join(f"{_quad(box)},{text}" for box, text in lines) + "\r\n", encoding="utf-8"
    )
    (root / "entities" / f"{receipt_id}.txt").write_text(json.dumps(entities, indent=4), encoding="utf-8")


@pytest.fixture()
def small_root(tmp_path: Path) -> Path:
    root = tmp_path / "sroie"
    _write_receipt(root, "R001", RECEIPT_LINES, RECEIPT_ENTITIES)
    _write_receipt(
        root,
        "R002",
        [
            ((10, 10, 200, 30), "MR D.T.Y. (JOHOR) SDN BHD"),
            ((10, 40, 200, 60), "28-11-18"),
            ((10, 70, 200, 90), "1,007.50"),
        ],
        {"company": "MR D.I.Y. (JOHOR) SDN BHD", "date": "28/11/2018", "total": "1,007.50"},
        size=(220, 100),
    )
    return root


# ----------------------------------------------------------------------------------------------
# Parsing and normalization
# ----------------------------------------------------------------------------------------------


def test_box_file_keeps_commas_in_transcripts_and_tolerates_crlf(small_root: Path) -> None:
    lines = read_box_file(small_root / "box" / "R001.txt")
    assert len(lines) == len(RECEIPT_LINES)
    assert lines[3].text == "NO.53 55,57 & 59, JALAN SAGU 18,"
    assert lines[3].bbox == (20, 100, 380, 120)
    assert [line.index for line in lines] == list(range(len(lines)))


def test_malformed_box_file_is_a_dataset_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1,2,3,4,TEXT\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="8 coordinates"):
        read_box_file(bad)
    bad.write_text("1,2,3,x,5,6,7,8,TEXT\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="non-integer"):
        read_box_file(bad)
    ent = tmp_path / "ent.txt"
    ent.write_text('{"company": "A", "vendor": "B"}', encoding="utf-8")
    with pytest.raises(DatasetError, match="unknown entity keys"):
        read_entities(ent)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("25/12/2018", "2018-12-25"),
        ("12/28/2017", "2017-12-28"),  # month-first only when the first number cannot be a month
        ("05/03/2018", "2018-03-05"),  # otherwise day-first (Malaysia)
        ("18-11-18", "2018-11-18"),
        ("11.02.18", "2018-02-11"),
        ("2018-03-23", "2018-03-23"),
        ("2016/05/01", "2016-05-01"),
        ("20180304", "2018-03-04"),
        ("25032018", "2018-03-25"),
        ("10 MAR 2018", "2018-03-10"),
        ("30 DEC 17", "2017-12-30"),
        ("01-JAN-2018", "2018-01-01"),
        ("(06/12/2016)", "2016-12-06"),
        ("OCT 3, 2016", "2016-10-03"),
        ("", None),
    ],
)
def test_normalize_sroie_date(text: str, iso: str | None) -> None:
    assert normalize_sroie_date(text) == iso


def test_unparseable_date_and_amount_raise() -> None:
    with pytest.raises(DatasetError):
        normalize_sroie_date("SOMETIME")
    with pytest.raises(DatasetError):
        normalize_sroie_total("NINE")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("9.00", "9.00"),
        ("RM 12.5", "12.50"),
        ("$3.90", "3.90"),
        ("1,007.50", "1007.50"),
        ("-1.73", "-1.73"),
        ("", None),
    ],
)
def test_normalize_sroie_total(text: str, value: str | None) -> None:
    assert normalize_sroie_total(text) == value


def test_words_split_the_line_box_in_proportion_to_characters() -> None:
    line = BoxLine(0, (100, 10, 200, 10, 200, 30, 100, 30), "AB CDEFGH")  # 9 chars over 100 px
    words = words_from_lines([line])
    assert [w.text for w in words] == ["AB", "CDEFGH"]
    first, second = words
    assert first.box == pytest.approx((100, 10, 100 + 2 * 100 / 9, 30))
    assert second.box == pytest.approx((100 + 3 * 100 / 9, 10, 200, 30))
    assert (second.start, second.end) == (3, 9)


# ----------------------------------------------------------------------------------------------
# Label alignment
# ----------------------------------------------------------------------------------------------


def test_labels_on_a_generated_receipt(small_root: Path) -> None:
    receipt = sroie_receipt("R001", small_root)
    assert len(receipt.labels) == len(receipt.words)
    assert set(receipt.labels) <= set(label_names())
    assert receipt.fully_aligned
    # company over two lines despite a different spacing of "TA .K"
    assert receipt.field_text("vendor_name") == "BOOK TA.K (TAMAN DAYA) SDN BHD"
    assert receipt.alignment("vendor_name").status == "exact"
    # the address over three lines
    address = receipt.alignment("vendor_address")
    assert {receipt.words[i].line_index for i in address.word_indices} == {3, 4, 5}
    # the date inside "DATE: 25/12/2018 10:20" labels only the date word
    assert receipt.field_text("invoice_date") == "25/12/2018"
    # the total printed twice: the occurrence on the TOTAL row, not the item price
    total_words = receipt.alignment("total").word_indices
    assert [receipt.words[i].line_index for i in total_words] == [10]
    # BIO: one B per field, then I
    for name in ("vendor_name", "vendor_address", "invoice_date", "total"):
        tags = [receipt.labels[i] for i in receipt.alignment(name).word_indices]
        assert tags[0] == f"B-{name}" and all(t == f"I-{name}" for t in tags[1:])
    assert receipt.labels.count("O") == len(receipt.words) - sum(len(a.word_indices) for a in receipt.alignments)
    assert dict(receipt.truth) == {
        "vendor_name": "BOOK TA .K (TAMAN DAYA) SDN BHD",
        "vendor_address": "NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.",
        "invoice_date": "2018-12-25",
        "total": "9.00",
    }


def test_fuzzy_vendor_parsed_date_and_absent_address(small_root: Path) -> None:
    receipt = sroie_receipt("R002", small_root)
    vendor = receipt.alignment("vendor_name")
    assert vendor.status == "fuzzy" and vendor.score >= sroie.FUZZY_THRESHOLDS["vendor_name"]
    assert receipt.field_text("vendor_name") == "MR D.T.Y. (JOHOR) SDN BHD"
    date_alignment = receipt.alignment("invoice_date")
    assert date_alignment.status == "parsed" and receipt.field_text("invoice_date") == "28-11-18"
    assert receipt.alignment("vendor_address").status == "absent"
    assert receipt.field_text("total") == "1,007.50" and receipt.truth["total"] == "1007.50"
    assert receipt.fully_aligned  # an absent entity does not count against it


def test_values_not_on_the_receipt_are_reported_missing() -> None:
    lines = [
        BoxLine(0, (0, 0, 100, 0, 100, 20, 0, 20), "SOME SHOP"),
        BoxLine(1, (0, 30, 100, 30, 100, 50, 0, 50), "TOTAL 5.00"),
    ]
    words = words_from_lines(lines)
    entities = {"company": "COMPLETELY DIFFERENT NAME", "date": "01/01/2019", "total": "7.00"}
    truth = {"vendor_name": entities["company"], "invoice_date": "2019-01-01", "total": "7.00"}
    labels, alignments = align_receipt(lines, words, entities, truth)
    assert set(labels) == {"O"}
    status = {a.field: a.status for a in alignments}
    assert status == {
        "vendor_name": "missing",
        "vendor_address": "absent",
        "invoice_date": "missing",
        "total": "missing",
    }
    assert all(a.reason for a in alignments)


def test_document_from_a_receipt(small_root: Path) -> None:
    receipt = sroie_receipt("R001", small_root)
    document = receipt.to_document(dpi=200)
    page = document.pages[0]
    assert document.page_count == 1 and page.source is WordSource.OCR and page.engine == "sroie-gt"
    assert (page.width, page.height) == pytest.approx((400 * 72 / 200, 340 * 72 / 200))
    assert [w.text for w in page.words] == [w.text for w in receipt.words]
    assert page.to_pixels(page.words[3].bbox) == pytest.approx(receipt.words[3].box)
    data = (small_root / "img" / "R001.jpg").read_bytes()
    assert document.sha256 == hashlib.sha256(data).hexdigest() and document.size_bytes == len(data)
    assert page.image is None and receipt.to_document(with_image=True).pages[0].image is not None
    found = find_phrase(document, receipt.truth["vendor_name"] or "")
    assert found is not None and found[1][0].text == "BOOK"
    with pytest.raises(DatasetError):
        receipt.to_document(dpi=0)


# ----------------------------------------------------------------------------------------------
# Split
# ----------------------------------------------------------------------------------------------


def test_split_is_deterministic_and_keeps_duplicates_together() -> None:
    ids = [f"X{n:05d}" for n in range(400)]
    groups = [("X00001", "X00002"), ("X00010", "X00300", "X00399")]
    split = make_sroie_split(reversed(ids), duplicate_groups=groups)
    assert split == make_sroie_split(ids, duplicate_groups=groups)
    assert sorted(split.train + split.validation) == ids
    assert abs(len(split.validation) - 60) <= 2  # 15 % of 400, whole groups
    for group in groups:
        assert len({split.side(i) for i in group}) == 1
    other = make_sroie_split(ids, duplicate_groups=groups, salt="another")
    assert other.validation != split.validation


def test_split_file_round_trip_and_guards(tmp_path: Path) -> None:
    split = make_sroie_split([f"A{n}" for n in range(50)], duplicate_groups=[("A1", "A2")])
    path = write_sroie_split(split, tmp_path / "split.json")
    assert load_sroie_split(path) == split
    assert sroie.split_ids("all", path) == tuple(sorted(split.train + split.validation))
    data = json.loads(path.read_text())
    data["counts"]["train"] += 1
    path.write_text(json.dumps(data))
    with pytest.raises(DatasetError, match="counts"):
        load_sroie_split(path)
    with pytest.raises(DatasetError, match="different splits"):
        SroieSplit(train=("A1",), validation=("A2",), duplicate_groups=(("A1", "A2"),))
    with pytest.raises(DatasetError, match="both"):
        SroieSplit(train=("A1",), validation=("A1",))
    with pytest.raises(DatasetError, match="unknown split"):
        split.ids("test")
    with pytest.raises(DatasetError, match="missing"):
        load_sroie_split(tmp_path / "nope.json")
    with pytest.raises(DatasetError):
        make_sroie_split(["A"], validation_fraction=1.5)


# ----------------------------------------------------------------------------------------------
# Line crops
# ----------------------------------------------------------------------------------------------


def test_line_crops_pad_clip_and_skip_degenerate_lines(small_root: Path) -> None:
    crops = list(sroie_line_crops_for_ids(["R001"], small_root, padding=3))
    texts = [c.text for c in crops]
    assert "DOT" not in texts and " " not in texts  # 1-pixel box and empty transcript skipped
    assert len(crops) == len(RECEIPT_LINES) - 2
    first = crops[0]
    assert first.receipt_id == "R001" and first.line_index == 0 and first.text == "TAN WOON YANN"
    assert first.box == (37, 7, 363, 43)
    assert first.image.mode == "L" and first.image.size == (363 - 37, 43 - 7)
    wide = next(c for c in crops if c.line_index == 3)  # x from 20 to 380 of a 400 px image
    assert wide.box[2] <= 400
    unpadded = next(sroie_line_crops_for_ids(["R001"], small_root, padding=0))
    assert unpadded.box == (40, 10, 360, 40)


def test_crops_follow_the_split_file(small_root: Path, tmp_path: Path) -> None:
    split_path = write_sroie_split(SroieSplit(train=("R001",), validation=("R002",)), tmp_path / "s.json")
    validation = list(sroie_line_crops("validation", small_root, split_file=split_path))
    assert {c.receipt_id for c in validation} == {"R002"} and len(validation) == 3
    receipts = list(sroie_receipts("train", small_root, split_file=split_path))
    assert [r.receipt_id for r in receipts] == ["R001"]
    assert sroie_ids(small_root) == ("R001", "R002")


def test_bad_inputs_raise_dataset_errors(small_root: Path, tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not an SROIE folder"):
        list(sroie_line_crops_for_ids(["R001"], tmp_path / "nowhere"))
    with pytest.raises(DatasetError, match="no such SROIE receipt"):
        list(sroie_line_crops_for_ids(["R999"], small_root))
    with pytest.raises(DatasetError):
        list(sroie_line_crops_for_ids(["R001"], small_root, padding=-1))
    (small_root / "img" / "R002.jpg").write_bytes(b"not a jpeg")
    with pytest.raises(DatasetError, match="cannot decode"):
        list(sroie_line_crops_for_ids(["R002"], small_root))
    (small_root / "box" / "R003.txt").write_text("")
    with pytest.raises(DatasetError, match="R003"):
        sroie_ids(small_root)


def test_cli_split_check_and_stats(small_root: Path, tmp_path: Path) -> None:
    from invoicer.cli import app

    runner = CliRunner()
    split_path = tmp_path / "split.json"
    result = runner.invoke(app, ["datasets", "sroie-split", "--root", str(small_root), "--split-file", str(split_path)])
    assert result.exit_code == 2 and "missing" in result.output
    result = runner.invoke(
        app, ["datasets", "sroie-split", "--root", str(small_root), "--split-file", str(split_path), "--write"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["datasets", "sroie-split", "--root", str(small_root), "--split-file", str(split_path)])
    assert result.exit_code == 0 and "matches" in result.output
    result = runner.invoke(app, ["datasets", "sroie-stats", "--root", str(small_root), "--split-file", str(split_path)])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["line_crops"]["total"] == len(RECEIPT_LINES) - 2 + 3
    labelled = stats["labelled_receipts"]
    assert labelled["train"]["receipts"] + labelled["validation"]["receipts"] == 2


# ----------------------------------------------------------------------------------------------
# The real SROIE data (skipped when absent)
# ----------------------------------------------------------------------------------------------


@needs_real_data
def test_recorded_split_covers_the_data_and_matches_a_fresh_computation() -> None:
    recorded = load_sroie_split()
    data_ids = sroie_ids()
    assert sorted(recorded.ids("all")) == list(data_ids)
    assert not set(data_ids) & SROIE_REMOVED_IDS
    assert make_sroie_split(data_ids) == recorded
    assert 0.13 <= len(recorded.validation) / len(data_ids) <= 0.17
    for group in SROIE_DUPLICATE_GROUPS:  # the README's byte-identical pairs: same bytes, same side
        digests = {hashlib.sha256((REAL_ROOT / "img" / f"{i}.jpg").read_bytes()).hexdigest() for i in group}
        assert len(digests) == 1
        assert len({recorded.side(i) for i in group}) == 1


@needs_real_data
def test_real_line_crops_are_plenty_and_fast() -> None:
    start = time.perf_counter()
    counts = {"train": 0, "validation": 0}
    checked = 0
    for split in counts:
        for crop in sroie_line_crops(split):
            counts[split] += 1
            if counts[split] % 997 == 0:  # spot checks
                checked += 1
                assert crop.image.mode == "L" and crop.text.strip()
                assert crop.image.size == (crop.box[2] - crop.box[0], crop.box[3] - crop.box[1])
    elapsed = time.perf_counter() - start
    assert counts["train"] + counts["validation"] >= 25_000
    assert checked > 20
    assert elapsed < 45, f"iterating all crops took {elapsed:.1f} s"
    validation_ids = load_sroie_split().validation
    first = next(sroie_line_crops_for_ids(validation_ids[:1]))
    assert first.receipt_id == validation_ids[0]


@needs_real_data
def test_real_receipts_are_labelled() -> None:
    receipts = list(sroie_receipts("all"))
    assert sum(r.labelled for r in receipts) >= 500
    fully = [r for r in receipts if r.fully_aligned]
    assert len(fully) >= 600
    for receipt in fully:
        assert len(receipt.labels) == len(receipt.words)
        total = receipt.truth["total"]
        if total is not None:  # the labelled total words hold the amount
            text = receipt.field_text("total").replace(",", "").replace(" ", "")  # "25. 0" is printed as such
            amounts = {Decimal(m) for m in re.findall(r"\d+(?:\.\d+)?", text)}
            assert abs(Decimal(total)) in amounts, (receipt.receipt_id, text, total)
        date_text = receipt.field_text("invoice_date")
        assert normalize_sroie_date(date_text) == receipt.truth["invoice_date"], receipt.receipt_id
        assert receipt.labels.count("B-vendor_name") == 1


@needs_real_data
def test_real_receipt_known_values() -> None:
    receipt = sroie_receipt("X00016469669")  # the README's example
    assert receipt.truth["vendor_name"] == "ABC HO TRADING"
    assert receipt.field_text("vendor_name") == "ABC HO TRADING"
    assert receipt.truth["invoice_date"] == "2019-01-09"
    assert receipt.truth["total"] == "31.00"
    assert isinstance(receipt.to_document().pages[0].width, float)


def test_dataset_error_is_part_of_the_tree() -> None:
    assert issubclass(DatasetError, InvoicerError)
    assert DatasetError("x").code == "dataset_error"
