"""The vendor name checked against the rest of the page: web addresses and repeated spellings."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from invoicer.document import Document, Word
from invoicer.tagging.consensus import name_key, web_names
from invoicer.tagging.decoding import decode, plausible, tag_words
from invoicer.tagging.labels import LABELS
from tests.test_tagging_decoding import make_document


def ocr(document: Document, confidence: float = 0.9) -> Document:
    """The same document as if OCR had read it (word confidences below 1)."""
    pages = tuple(
        replace(
            page,
            lines=tuple(
                replace(line, words=tuple(Word(w.text, w.bbox, confidence) for w in line.words)) for line in page.lines
            ),
        )
        for page in document.pages
    )
    return replace(document, pages=pages)


def vendor_of(document: Document, probs: list[np.ndarray]) -> str | None:
    fields, _, _ = decode(document, probs, LABELS)
    return next((f.value for f in fields if f.name == "vendor_name"), None)


def test_web_names_are_the_registrable_names_of_sites_and_mail_domains_not_of_services() -> None:
    doc, probs = make_document(
        [
            (100, [("CARD.STARBUCKS.COM.HK", 50, None), ("bonn@losteria.de", 300, None)]),
            (112, [("www.jim-block.de", 50, None), ("info@gmail.com", 300, None), ("z.B.", 400, None)]),
            (124, [("visit", 50, None), ("Walgreens.com.", 100, None), ("lntercard.de", 300, None)]),
        ]
    )
    names = [(n, printed) for n, _, printed in web_names(tag_words(doc, probs, LABELS))]
    assert names == [("starbucks", "STARBUCKS"), ("losteria", "losteria"), ("jimblock", "jim-block"),
                     ("walgreens", "Walgreens")]  # fmt: skip
    assert name_key("L'OSTERIA") == "losteria"


def test_a_row_that_matches_the_web_address_beats_a_vendor_that_does_not() -> None:
    doc, probs = make_document(
        [
            (40, [("JIM", 50, None), ("BLOCK", 80, None), ("RESTAURANT", 120, None)]),
            (60, [("PIZZA", 50, "B-vendor_name"), ("PASTA", 90, "I-vendor_name")]),
            (400, [("WWW.JIM-BLOCK.DE", 50, None)]),
        ]
    )
    assert vendor_of(doc, probs) == "JIM BLOCK RESTAURANT"


def test_a_vendor_with_its_legal_form_is_kept_whatever_the_web_address() -> None:
    doc, probs = make_document(
        [
            (40, [("DB", 50, "B-vendor_name"), ("Fernverkehr", 70, "I-vendor_name"), ("AG", 150, "I-vendor_name")]),
            (60, [("Bahn", 50, None)]),
            (400, [("www.bahn.de/agb", 50, None)]),
        ]
    )
    assert vendor_of(doc, probs) == "DB Fernverkehr AG"


def _walgreens_page(second_word: str, confidence: float) -> tuple[Document, list[np.ndarray]]:
    """A receipt whose top line "MARKET <second_word>" the model tagged as the vendor, "visit Walgreens.com." below."""
    return make_document(
        [(40, [("MARKET", 50, "B-vendor_name"), (second_word, 100, "I-vendor_name")]),
         (400, [("online", 50, None), ("purchases,", 90, None), ("visit", 160, None), ("Walgreens.com.", 200, None)])],
        confidence=confidence,
    )  # fmt: skip


def test_an_unsure_vendor_gives_way_to_the_name_of_a_printed_web_address() -> None:
    assert vendor_of(*_walgreens_page("ST", 0.4)) == "Walgreens"
    assert vendor_of(*_walgreens_page("HALL", 0.9)) == "MARKET HALL"


def test_an_ocr_misreading_of_the_vendor_takes_the_spelling_printed_twice_elsewhere() -> None:
    rows = [
        (40, [("STAR", 50, "B-vendor_name"), ("BUCWS", 90, "I-vendor_name")]),
        (300, [("STARBUCKS", 50, None), ("CARD", 120, None), ("BALANCES", 160, None)]),
        (320, [("CARD.STARBUCKS.COM.HK", 50, None)]),
    ]
    doc, probs = make_document(rows)
    assert vendor_of(ocr(doc), probs) == "STARBUCKS"
    assert vendor_of(doc, probs) == "STAR BUCWS"  # a text layer is spelt as printed
    once = [rows[0], (300, [("STARBUCKS", 50, None), ("CARD", 120, None)])]
    doc, probs = make_document(once)
    assert vendor_of(ocr(doc), probs) == "STAR BUCWS"  # printed once elsewhere is not enough ("YONG" / "YOUNG")


def test_one_misread_word_of_the_vendor_is_respelt_and_the_others_are_kept() -> None:
    doc, probs = make_document(
        [
            (40, [("OUTHACK", 50, "B-vendor_name"), ("STEAKHOUSE", 110, "I-vendor_name")]),
            (300, [("ARIZONA", 50, None), ("OUTBACK", 110, None), ("STEAKHOUSES.", 170, None)]),
            (320, [("OUTBACK", 50, None), ("STEAKHN", 110, None)]),
        ]
    )
    assert vendor_of(ocr(doc), probs) == "OUTBACK STEAKHOUSE"


def test_a_document_title_is_no_vendor_and_a_legal_name_in_prose_stands_in_for_a_missing_one() -> None:
    doc, probs = make_document(
        [
            (40, [("ICE", 50, "B-vendor_name"), ("Fahrkarte", 80, "I-vendor_name")]),
            (300, [("Kunde:", 50, None), ("Muster", 100, None), ("GmbH", 150, None)]),  # the customer's
            (320, [("Buchung", 50, None), ("erfolgte", 100, None), ("um", 150, None), ("9:28", 170, None),
                   ("Uhr.", 200, None), ("DB", 230, None), ("Fernverkehr", 250, None), ("AG,", 320, None),
                   ("Stephensonstr.", 345, None), ("1", 430, None)]),
            (400, [("www.bahn.de/agb", 50, None)]),
        ]
    )  # fmt: skip
    assert vendor_of(doc, probs) == "DB Fernverkehr AG"


def test_words_of_a_documents_title_are_no_vendor() -> None:
    """Regression (yardstick, an airline's receipt): "Not valid for travel / Travel Receipt" was the vendor."""
    doc, probs = make_document(
        [(40, [("travel", 50, "I-vendor_name"), ("Travel", 90, "I-vendor_name"), ("Receipt", 130, None)])]
    )
    assert vendor_of(doc, probs) is None


def test_a_footer_line_that_matches_the_web_address_is_found_though_its_row_holds_other_columns() -> None:
    """Regression (yardstick, a Hamburg hotel's invoices): "MADISON Hotel GmbH" shares its visual row with the
    register court and the bank in the footer's columns, so no row matched "madisonhotel.de" and the bare site
    name, or a misread logo line, became the vendor."""
    doc, probs = make_document(
        [
            (40, [("HAMBURG", 50, "B-vendor_name")]),
            (700, [("MADISON", 50, None), ("Hotel", 100, None), ("GmbH", 135, None)]),
            (700, [("AG", 250, None), ("Hamburg", 270, None), ("HRB", 320, None), ("47881", 345, None)]),
            (700, [("Hamburger", 420, None), ("Sparkasse", 480, None)]),
            (712, [("info@madisonhotel.de", 50, None)]),
        ],
        confidence=0.4,
    )
    assert vendor_of(doc, probs) == "MADISON Hotel GmbH"


def test_a_street_is_no_vendor_name_and_the_web_address_names_the_vendor() -> None:
    """Regression (yardstick, a San Francisco Walgreens): the logo was unreadable and the model, sure of itself,
    tagged the address line "MARKET ST" as the vendor; "visit Walgreens.com" names it."""
    assert vendor_of(*_walgreens_page("ST", 0.9)) == "Walgreens"
    for name in ("Main Street Bakery", "Baker Street Ltd", "Hafenstraße"):
        assert plausible("vendor_name", name), name  # a street in a name, a company, a glued street word
    assert not plausible("vendor_name", "801 Market Street")
