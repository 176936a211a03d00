"""Decoding BIO tags into fields and line items (pure; hand-made tag sequences, no model)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from invoicer.document import Document, Line, Page, Word, WordSource
from invoicer.errors import TaggingError
from invoicer.tagging.decoding import decode, find_spans, score_candidates, tag_words
from invoicer.tagging.labels import LABEL_TO_ID, LABELS

# A row of words: (text, x0, label) on one line at height y; label None = O. Confidence per word 0.9.
Row = tuple[float, Sequence[tuple[str, float, str | None]]]


def make_page(number: int, rows: Sequence[Row], width: float = 595.0, height: float = 842.0) -> tuple[Page, list[str]]:
    lines = []
    labels: list[str] = []
    for y, words in rows:
        ws = []
        for text, x0, label in words:
            ws.append(Word(text, (x0, y, x0 + 6.0 * len(text), y + 10.0)))
            labels.append(label or "O")
        lines.append(Line(tuple(ws)))
    return Page(number, width, height, None, WordSource.TEXT_LAYER, tuple(lines), "pdf-text"), labels


def make_document(*pages: Sequence[Row], confidence: float = 0.9) -> tuple[Document, list[np.ndarray]]:
    built, probs = [], []
    for k, rows in enumerate(pages, start=1):
        page, labels = make_page(k, rows)
        built.append(page)
        p = np.full((len(labels), len(LABELS)), (1.0 - confidence) / (len(LABELS) - 1), dtype=np.float32)
        for i, label in enumerate(labels):
            p[i, LABEL_TO_ID[label]] = confidence
        probs.append(p)
    return Document("0" * 64, "t.pdf", "application/pdf", 1, tuple(built)), probs


def fields_of(document: Document, probs: list[np.ndarray]) -> dict[str, tuple[str | None, str | None]]:
    fields, _, _ = decode(document, probs, LABELS)
    return {f.name: (f.value, f.raw) for f in fields}


def test_a_multi_word_vendor_over_two_lines_is_one_field_with_both_lines_and_a_box() -> None:
    doc, probs = make_document(
        [
            (40, [("Nordlicht", 50, "B-vendor_name"), ("Bürobedarf", 120, "I-vendor_name"), ("Rechnung", 400, None)]),
            (52, [("GmbH", 50, "I-vendor_name"), ("Nr.", 400, None), ("RE-2024-17", 430, "B-invoice_number")]),
            (64, [("Hafenstraße", 50, "B-vendor_address"), ("12", 120, "I-vendor_address")]),
        ]
    )
    fields, _, _ = decode(doc, probs, LABELS)
    vendor = next(f for f in fields if f.name == "vendor_name")
    assert vendor.value == "Nordlicht Bürobedarf GmbH" and vendor.raw == "Nordlicht Bürobedarf GmbH"
    assert vendor.page == 1
    assert vendor.bbox is not None and vendor.bbox[1] == 40 and vendor.bbox[3] == 62
    assert vendor.confidence == pytest.approx(0.9, abs=1e-4)
    assert fields_of(doc, probs)["invoice_number"] == ("RE-2024-17", "RE-2024-17")


def test_of_competing_totals_the_one_next_to_a_total_keyword_wins_not_the_subtotal_or_cash() -> None:
    doc, probs = make_document(
        [
            (500, [("Zwischensumme", 300, None), ("100,00", 450, "B-total")]),
            (512, [("MwSt", 300, None), ("19%", 340, None), ("19,00", 450, "B-tax_total")]),
            (524, [("Gesamtbetrag", 300, None), ("119,00", 450, "B-total"), ("EUR", 490, "B-currency")]),
            (540, [("Bar", 300, None), ("gegeben", 330, None), ("150,00", 450, "B-total")]),
        ]
    )
    got = fields_of(doc, probs)
    assert got["total"] == ("119.00", "119,00")
    assert got["tax_total"] == ("19.00", "19,00")
    assert got["currency"][0] == "EUR"


def test_the_largest_and_lowest_total_wins_when_no_keyword_decides() -> None:
    doc, probs = make_document(
        [
            (300, [("12.50", 450, "B-total")]),
            (600, [("37.50", 450, "B-total")]),
        ]
    )
    assert fields_of(doc, probs)["total"] == ("37.50", "37.50")


def test_a_more_confident_candidate_is_preferred_and_unreadable_values_lose() -> None:
    doc, probs = make_document([(100, [("Datum:", 300, None), ("14.03.2024", 360, "B-invoice_date")])])
    page2, _labels2 = make_page(1, [(200, [("Lieferung", 300, "B-invoice_date"), ("morgen", 360, "I-invoice_date")])])
    doc = Document(doc.sha256, "t.pdf", "application/pdf", 1, (Page(1, 595, 842, None, WordSource.TEXT_LAYER,
                   doc.pages[0].lines + page2.lines, "pdf-text"),))  # fmt: skip
    p = np.concatenate([probs[0], probs[0][:1].copy(), probs[0][:1].copy()])
    p[1] = 0.0
    p[1, LABEL_TO_ID["B-invoice_date"]] = 0.6
    p[2:] = 0.0
    p[2, LABEL_TO_ID["B-invoice_date"]] = 0.99
    p[3, LABEL_TO_ID["I-invoice_date"]] = 0.99
    tagged = tag_words(doc, [p], LABELS)
    spans = [s for s in find_spans(tagged) if s.entity == "invoice_date"]
    ranked = score_candidates("invoice_date", spans, {1: tagged}, {1: 842.0})
    assert ranked[0].span.text == "14.03.2024"  # "Lieferung morgen" is more confident but no date
    assert "not a date" in ranked[1].reasons
    assert fields_of(doc, [p])["invoice_date"] == ("2024-03-14", "14.03.2024")


def test_inside_labels_join_their_occurrence_across_words_of_another_column() -> None:
    doc, probs = make_document(
        [
            (40, [("Hafenstraße", 50, "B-vendor_address"), ("12", 120, "I-vendor_address"),
                  ("Datum", 400, None), ("01.02.2024", 450, "B-invoice_date")]),
            (52, [("20457", 50, "I-vendor_address"), ("Hamburg", 90, "I-vendor_address"),
                  ("Kunde", 400, None), ("4711", 450, None)]),
            (400, [("Hamburg", 50, "I-vendor_address")]),  # far away: not the same occurrence
        ]
    )  # fmt: skip
    tagged = tag_words(doc, probs, LABELS)
    spans = [s for s in find_spans(tagged) if s.entity == "vendor_address"]
    assert [s.text for s in spans] == ["Hafenstraße 12 20457 Hamburg", "Hamburg"]
    assert spans[0].begins and not spans[1].begins
    assert fields_of(doc, probs)["vendor_address"][0] == "Hafenstraße 12 20457 Hamburg"


def item(y: float, description: Sequence[str], qty: str | None, amount: str | None, *, first: bool = True) -> Row:
    words: list[tuple[str, float, str | None]] = []
    x = 50.0
    for k, text in enumerate(description):
        words.append((text, x, ("B-" if first and k == 0 else "I-") + "item_description"))
        x += 6.0 * len(text) + 4
    if qty is not None:
        words.append((qty, 350, "B-item_quantity"))
    if amount is not None:
        words.append((amount, 480, "B-item_amount"))
    return (y, words)


def test_line_items_group_into_rows_including_second_description_lines_and_a_row_over_a_page_break() -> None:
    page1 = [
        (100, [("Beschreibung", 50, None), ("Menge", 350, None), ("Betrag", 480, None)]),
        item(120, ["Kopierpapier", "A4"], "10", "49,90"),
        item(132, ["500", "Blatt,", "weiß"], None, None, first=False),  # the description's second line
        item(150, ["Toner", "HP", "305A"], "2", "159,80"),
        item(170, ["Wartungsvertrag", "Drucker"], "1", None),  # its amount is printed on the next page
    ]
    page2 = [
        (60, [("Übertrag", 50, None)]),
        (80, [("für", 50, "I-item_description"), ("2024", 80, "I-item_description"),
              ("240,00", 480, "B-item_amount")]),
        item(100, ["Ordner", "breit"], "25", "58,75"),
        (300, [("Summe", 300, None), ("508,45", 480, "B-total")]),
    ]  # fmt: skip
    doc, probs = make_document(page1, page2)
    _, items, _ = decode(doc, probs, LABELS)
    assert [i.description for i in items] == [
        "Kopierpapier A4 500 Blatt, weiß",
        "Toner HP 305A",
        "Wartungsvertrag Drucker für 2024",
        "Ordner breit",
    ]
    assert [i.amount for i in items] == ["49.90", "159.80", "240.00", "58.75"]
    assert [i.quantity for i in items] == ["10", "2", "1", "25"]
    assert [i.page for i in items] == [1, 1, 1, 2]
    assert all(0.0 < i.confidence <= 1.0 for i in items)
    first = items[0]
    assert first.bbox is not None and first.bbox[1] == 120 and first.bbox[3] == 142


def test_numbers_without_any_description_are_not_a_line_item() -> None:
    # numbers inside the table that the model took for an item's (a footer's, a carried-over sum's)
    doc, probs = make_document(
        [
            item(100, ["Kaffee"], "2", "4,50"),
            (112, [("9839", 350, "B-item_quantity"), ("25,00", 480, "B-item_amount")]),
        ]
    )
    _, items, _ = decode(doc, probs, LABELS)
    assert [(i.description, i.quantity, i.amount) for i in items] == [("Kaffee", "2", "4.50")]


def items_of(*pages: Sequence[Row]) -> list[tuple[str | None, str | None, str | None, str | None]]:
    doc, probs = make_document(*pages)
    _, items, _ = decode(doc, probs, LABELS)
    return [(i.description, i.quantity, i.unit_price, i.amount) for i in items]


def test_a_description_and_its_amount_read_as_separate_lines_are_one_row() -> None:
    # receipts' text layers and OCR put the price on a line of its own; the row is what lines up visually
    doc, probs = make_document(
        [
            (100, [("BIERSCHINKEN", 50, "B-item_description")]),
            (101, [("1,49", 300, "B-item_amount"), ("B", 330, None)]),
            (112, [("LOTSENWURST", 50, "B-item_description")]),
            (113, [("1,59", 300, "B-item_amount"), ("B", 330, None)]),
        ]
    )
    _, items, _ = decode(doc, probs, LABELS)
    assert [(i.description, i.amount) for i in items] == [("BIERSCHINKEN", "1.49"), ("LOTSENWURST", "1.59")]


def test_a_row_marked_as_a_continuation_but_with_its_own_amount_is_its_own_row() -> None:
    rows = [
        item(100, ["PETRELLA", "SCHNITT"], None, "1,69"),
        item(112, ["DAS", "VOLLE", "KORN"], None, "1,29", first=False),  # the model's I- on a new item
    ]
    assert items_of(rows) == [("PETRELLA SCHNITT", None, None, "1.69"), ("DAS VOLLE KORN", None, None, "1.29")]


def test_a_row_without_a_tagged_amount_takes_the_price_column_not_the_tax_amount_after_it() -> None:
    # "ICE Fahrkarte  1  86,00€  86,00€  13,73€": price, price (19 % column), tax amount
    row = (100, [("ICE", 50, None), ("Fahrkarte", 75, "I-item_description"), ("1", 200, "B-item_quantity"),
                 ("86,00€", 260, None), ("86,00€", 320, None), ("13,73€", 380, None),
                 ("Hinfahrt:", 480, None)])  # fmt: skip
    assert items_of([row]) == [("ICE Fahrkarte", "1", "86.00", "86.00")]
    # quantity × unit price printed right of it
    row = (100, [("Cola", 50, "B-item_description"), ("2", 200, None), ("3,50", 260, None), ("7,00", 320, None)])
    assert items_of([row]) == [("Cola", "2", "3.50", "7.00")]


def test_a_row_the_model_missed_joins_the_table_when_its_amount_lines_up_with_the_amount_column() -> None:
    rows = [
        (100, [("HRDBT", 50, None), ("SWEET", 90, None), ("POTATO", 130, None), ("$4.69", 300, None)]),
        (112, [("CARIBBEAN", 50, "B-item_description"), ("CUP", 110, "I-item_description"),
               ("$4.60", 300, "B-item_amount")]),
        (124, [("Thank", 50, None), ("you", 90, None), ("12.34", 400, None)]),  # not in the amount column
    ]  # fmt: skip
    assert items_of(rows) == [("HRDBT SWEET POTATO", None, None, "4.69"), ("CARIBBEAN CUP", None, None, "4.60")]


def test_totals_payment_and_tax_lines_tagged_as_items_are_not_items() -> None:
    rows = [
        item(100, ["Kaffee"], None, "3,40"),
        item(112, ["SUMME"], None, "3,40"),
        item(124, ["Mastercard"], None, "3,40"),
        item(136, ["MwSt", "19%"], None, "0,54"),
        item(148, ["Rückgeld"], None, "0,00"),
        item(160, ["RM", "OCCUPANCY", "TAX"], None, "30,66"),  # a tax charged as an item stays one
    ]
    assert items_of(rows) == [("Kaffee", None, None, "3.40"), ("RM OCCUPANCY TAX", None, None, "30.66")]


def test_quantity_lines_join_the_item_they_belong_to_below_or_above() -> None:
    def qty_line(y: float, qty: str, unit: str) -> Row:
        return (y, [(qty, 50, "B-item_quantity"), ("x", 80, None), (unit, 100, "B-item_unit_price")])

    below = [item(100, ["EIER"], None, "14,80"), qty_line(112, "4", "3,70"),
             item(124, ["BUTTER"], None, "2,51"), qty_line(136, "1", "2,51")]  # fmt: skip
    assert items_of(below) == [("EIER", "4", "3.70", "14.80"), ("BUTTER", "1", "2.51", "2.51")]
    above = [qty_line(100, "1", "7.45"), item(112, ["Masking", "tape"], None, "7.45"),
             (124, [("Part", 50, None), ("No.", 80, None)]),
             qty_line(136, "2", "8.70"), item(148, ["Silicone"], None, "17.40")]  # fmt: skip
    assert items_of(above) == [("Masking tape", "1", "7.45", "7.45"), ("Silicone", "2", "8.70", "17.40")]


def test_a_description_stops_at_dates_and_times_the_model_did_not_tag_as_description() -> None:
    row = (100, [("5/10/2019", 20, None), ("GUEST", 90, "B-item_description"), ("ROOM", 130, "I-item_description"),
                 ("23:55", 170, None), ("219.00", 480, "B-item_amount")])  # fmt: skip
    assert items_of([row]) == [("GUEST ROOM", None, None, "219.00")]


def test_an_amount_split_by_a_thousands_space_is_read_whole() -> None:
    row = (100, [("Sucre", 50, "B-item_description"), ("1", 440, "B-item_amount"), ("351,00", 450, "I-item_amount")])
    assert items_of([row]) == [("Sucre", None, None, "1351.00")]


def test_without_normalization_values_are_the_printed_text() -> None:
    doc, probs = make_document([(524, [("Total", 300, None), ("1.234,50", 450, "B-total")])])
    fields, _, _ = decode(doc, probs, LABELS, normalize=False)
    assert [(f.name, f.value, f.raw) for f in fields] == [("total", "1.234,50", "1.234,50")]


def test_probabilities_must_match_the_words() -> None:
    doc, probs = make_document([(10, [("a", 10, None)])])
    with pytest.raises(TaggingError):
        tag_words(doc, [probs[0][:0]], LABELS)
    with pytest.raises(TaggingError):
        tag_words(doc, [], LABELS)


def test_a_field_no_word_was_tagged_with_falls_back_to_its_most_probable_word_with_low_confidence() -> None:
    doc, probs = make_document([(500, [("Summe", 300, None), ("42,00", 450, None), ("EUR", 490, None)])])
    p = probs[0]
    p[1] = 0.0
    p[1, LABEL_TO_ID["O"]] = 0.6
    p[1, LABEL_TO_ID["B-total"]] = 0.35  # below the argmax, above the fallback threshold
    p[1, LABEL_TO_ID["B-invoice_number"]] = 0.05  # too unlikely to be guessed
    fields, _, _ = decode(doc, [p], LABELS)
    by_name = {f.name: f for f in fields}
    assert by_name["total"].value == "42.00" and by_name["total"].confidence == pytest.approx(0.35, abs=1e-3)
    assert "invoice_number" not in by_name


def test_implausible_candidates_are_dropped_before_choosing() -> None:
    from invoicer.tagging.decoding import plausible

    doc, probs = make_document(
        [
            (100, [("IBAN", 50, None), ("86,75€4556695619", 100, "B-iban")]),
            (120, [("DE89", 50, "B-iban"), ("3704", 80, "I-iban"), ("0044", 110, "I-iban"), ("0532", 140, "I-iban"),
                   ("0130", 170, "I-iban"), ("00", 200, "I-iban")]),
            (140, [("Summe", 50, None), ("siehe", 100, "B-total"), ("unten", 140, "I-total")]),
            (160, [("Währung", 50, None), ("Euro", 100, "B-currency")]),
        ]
    )  # fmt: skip
    got = fields_of(doc, probs)
    assert got["iban"][0] == "DE89370400440532013000"
    assert "total" not in got  # "siehe unten" is no amount
    assert got["currency"][0] == "EUR"
    assert plausible("invoice_number", "RE-17") and not plausible("invoice_number", "Rechnung")
    assert plausible("invoice_date", "14. März 2024") and not plausible("invoice_date", "morgen")


def test_on_a_page_the_model_tagged_no_priced_item_the_rows_under_a_table_heading_are_items() -> None:
    rows = [
        (100, [("Positionen", 50, None), ("Preis", 260, None), ("MwSt", 320, None), ("19%", 350, None)]),
        (112, [("ICE", 50, None), ("Fahrkarte", 75, None), ("1", 200, None), ("91,00€", 260, None),
               ("91,00€", 320, None), ("14,53€", 380, None)]),
        (124, [("Reservierung", 50, None), ("1", 200, None), ("0,00€", 260, None)]),
        (136, [("Summe", 50, None), ("91,00€", 260, None)]),
        (160, [("Kreditkarte", 50, None), ("91,00€", 260, None)]),
    ]  # fmt: skip
    assert items_of(rows) == [("ICE Fahrkarte", "1", "91.00", "91.00"), ("Reservierung", "1", None, "0.00")]


def test_a_line_labelled_only_as_tax_is_not_an_item_and_a_bare_number_is_no_price_in_a_table_with_cents() -> None:
    rows = [
        item(100, ["LEGACY", "SKYWALK"], None, "66.90"),
        item(112, ["SALES", "TAX"], None, "4.67"),
        item(124, ["BANANA", "CRM"], None, "1099"),  # OCR lost the decimal point: no price, and not a continuation
    ]
    assert items_of(rows) == [("LEGACY SKYWALK", None, None, "66.90")]


def test_a_total_below_the_sum_of_its_line_items_gives_way_to_that_sum_printed_with_a_total_keyword() -> None:
    rows = [
        item(100, ["Kaffee", "XL"], "4", "13,60"),
        item(112, ["Milchkaffee"], "2", "5,80"),
        (140, [("Summe", 50, None), ("19,40", 480, None)]),
        (152, [("Bar", 50, None), ("20,00", 480, None)]),
        (164, [("MwSt", 50, None), ("19%", 100, None), ("3,10", 480, "B-total")]),  # the model's pick
    ]
    assert fields_of(*make_document(rows))["total"][0] == "19.40"
    # a discount on the whole document takes the total below its items: left alone
    discounted = [*rows[:4], (164, [("Rabatt", 50, None), ("-2,00", 400, None), ("17,40", 480, "B-total")])]
    assert fields_of(*make_document(discounted))["total"][0] == "17.40"
    # the sum handed over in cash is not the total
    cash = [*rows[:2], (152, [("Gegeben", 50, None), ("19,40", 480, None)]), rows[4]]
    assert fields_of(*make_document(cash))["total"][0] == "3.10"


def test_a_total_that_is_the_cash_handed_over_gives_way_to_it_minus_the_change() -> None:
    """Regression (yardstick, a McDonald's receipt): the model tagged "EUR 10,00" handed over; "Rückgeld 1,63"
    under it, and 10,00 - 1,63 = 8,37 printed on the "TOTAL" row, so 8,37 is the total."""
    rows = [
        (100, [("TOTAL", 50, None), ("8,37", 480, None)]),
        (112, [("EUR", 50, None), ("10,00", 480, "B-total")]),
        (124, [("Rückgeld", 50, None), ("1,63", 480, None)]),
        (150, [("Brutto", 50, None), ("8,37", 300, None), ("MwSt", 350, None), ("0,55", 480, None)]),
    ]
    assert fields_of(*make_document(rows))["total"][0] == "8.37"
    # no difference printed, or no change word: the model's pick stays
    assert fields_of(*make_document([rows[1], rows[2]]))["total"][0] == "10.00"
    no_change = [rows[0], rows[1], (124, [("Trinkgeld", 50, None), ("1,63", 480, None)])]
    assert fields_of(*make_document(no_change))["total"][0] == "10.00"
    # regression (SROIE): "TOTAL SALES 9.45 / CASH 10.00 / CHANGE 0.55" with 8.90 printed above: a total on its
    # own total row stays, whatever the arithmetic says
    sroie = [
        (80, [("TOTAL", 50, None), ("SALES", 90, None), ("8.90", 480, None)]),
        (100, [("TOTAL", 50, None), ("SALES", 90, None), ("(INCL.", 130, None), ("9.45", 480, "B-total")]),
        (112, [("CASH", 50, None), ("10.00", 480, None)]),
        (124, [("CHANGE", 50, None), ("0.55", 480, None)]),
    ]
    assert fields_of(*make_document(sroie))["total"][0] == "9.45"


@pytest.mark.parametrize(
    ("printed", "clean"),
    [
        ("X MANGO LASSI", "MANGO LASSI"),  # the multiplication sign of "2 X MANGO LASSI"
        ("1X TONNO", "TONNO"),
        ("0LIVEN COCKTAIL 4260154101244", "0LIVEN COCKTAIL"),  # the EAN printed after the name
        ("DR OETKER SILKO4044935012796", "DR OETKER SILKO"),  # ... or onto it
        ("APRIKOSEN :", "APRIKOSEN"),
        ("GUINESS &", "GUINESS"),
        ("Gurken Stück POSTEN 16", "Gurken Stück"),  # the receipt's item count on the last item's row
        ("Toner schwarz Seriennr. FU20283724", "Toner schwarz Seriennr. FU20283724"),  # a serial number stays
        ('Laptop bag 15.6"', 'Laptop bag 15.6"'),
    ],
)
def test_descriptions_lose_the_receipts_marks_around_them(printed: str, clean: str) -> None:
    from invoicer.tagging.items import clean_description

    assert clean_description(printed) == clean


def test_a_quantity_printed_before_the_description_is_the_rows_quantity() -> None:
    row = (100, [("2X", 50, "B-item_description"), ("KROMBACHER", 70, "I-item_description"),
                 ("8,80", 480, "B-item_amount")])  # fmt: skip
    assert items_of([row]) == [("KROMBACHER", "2", None, "8.80")]


def test_an_untagged_row_joins_when_its_price_lines_up_with_a_price_the_table_rows_showed() -> None:
    # the model tagged the first row's words but no amount; the amount read from its prices shows the column
    rows = [
        (100, [("ICE", 50, "B-item_description"), ("Fahrkarte", 75, "I-item_description"), ("1", 200, None),
               ("86,00€", 260, None), ("86,00€", 320, None), ("13,73€", 380, None)]),
        (112, [("Reservierung", 50, None), ("1", 200, None), ("0,00€", 260, None), ("Gültig", 420, None)]),
        (124, [("Summe", 50, None), ("86,00€", 260, None)]),
        (200, [("Leipzig", 50, "B-item_description"), ("Hbf", 100, "I-item_description"),
               ("5688", 320, "B-item_amount")]),  # a bare number in a table with cents is no price
    ]  # fmt: skip
    assert [(d, a) for d, _, _, a in items_of(rows)] == [("ICE Fahrkarte", "86.00"), ("Reservierung", "0.00")]


def test_a_total_the_pages_arithmetic_confirms_gets_the_confirmed_confidence() -> None:
    from invoicer.tagging.decoding import CONFIRMED_TOTAL

    def total_confidence(rows: list[Row]) -> float:
        doc, probs = make_document(rows, confidence=0.6)
        fields, _, _ = decode(doc, probs, LABELS)
        return next(f.confidence for f in fields if f.name == "total")

    items = [item(100, ["Kaffee"], None, "3,40"), item(112, ["Kuchen"], None, "2,60")]
    assert total_confidence([*items, (140, [("Summe", 50, None), ("6,00", 480, "B-total")])]) == CONFIRMED_TOTAL
    # items that do not add up to it leave the model's confidence
    assert total_confidence([*items, (140, [("Summe", 50, None), ("7,00", 480, "B-total")])]) < 0.7
    # net + tax = total confirms it too
    net_tax = [
        (140, [("Netto", 50, None), ("10,00", 480, "B-subtotal")]),
        (152, [("MwSt", 50, None), ("1,90", 480, "B-tax_total")]),
        (164, [("Summe", 50, None), ("11,90", 480, "B-total")]),
    ]
    assert total_confidence(net_tax) == CONFIRMED_TOTAL


def test_a_row_the_model_did_not_tag_has_a_low_confidence() -> None:
    rows = [
        (100, [("HRDBT", 50, None), ("POTATO", 90, None), ("$4.69", 300, None)]),
        (112, [("CARIBBEAN", 50, "B-item_description"), ("CUP", 110, "I-item_description"),
               ("$4.60", 300, "B-item_amount")]),
    ]  # fmt: skip
    doc, probs = make_document(rows)
    _, items, _ = decode(doc, probs, LABELS)
    untagged, tagged = items
    assert untagged.description == "HRDBT POTATO" and untagged.confidence < 0.1
    assert tagged.confidence == 0.9


def test_a_word_the_model_skipped_inside_a_name_is_part_of_it_but_another_column_is_not() -> None:
    doc, probs = make_document(
        [(128, [("MADISON", 50, "B-vendor_name"), ("HOTEL", 96, None), ("GMBH", 130, "I-vendor_name")])]
    )
    assert fields_of(doc, probs)["vendor_name"][0] == "MADISON HOTEL GMBH"
    # far apart on one line, or tagged as something else: two columns, not one name
    doc, probs = make_document(
        [(128, [("Berex", 50, "B-vendor_name"), ("761", 200, "B-vendor_address"), ("plc", 400, "I-vendor_name")])]
    )
    assert fields_of(doc, probs)["vendor_name"][0] == "Berex plc"


def test_a_turned_scans_prices_stay_with_their_descriptions() -> None:
    """Regression (synthetic scans turned up to 3 degrees): on a wide table a row's numbers sat nearer the
    row above it, and descriptions got the numbers of the next row (rows F1 0.52 on synth-scan)."""
    slant = 0.05  # about 3 degrees: the left margin moves 0.05 pt right per point down, rows tilt up

    def at(r: float, x: float, text: str, label: str) -> Row:  # a word printed at (x, r) on the straight page
        return (r - slant * x, [(text, x + slant * r, label)])

    rows: list[Row] = [(60.0, [("Rechnung", 50, None)])]
    for k in range(8):
        r = 100.0 + 14 * k
        rows += [at(r, 50, f"Artikel{k}", "B-item_description"), at(r, 300, "2", "B-item_quantity"),
                 at(r, 380, f"{k + 1},00", "B-item_unit_price"), at(r, 460, f"{2 * k + 2},00", "B-item_amount")]
    got = items_of(sorted(rows))
    assert [(d, a) for d, _, _, a in got] == [(f"Artikel{k}", f"{2 * k + 2}.00") for k in range(8)]


def test_a_tax_amount_under_a_tax_column_heading_is_not_the_rows_amount() -> None:
    """Regression (yardstick, DB tickets): under "Preis | MwSt (D) 19% | MwSt (D) 7%" the model tagged the
    line's 7 % tax "0,22€" as its amount and the price "58,85€" as its unit price."""
    heading = (60, [("Preis", 150, None), ("MwSt", 196, None), ("(D)", 219, None), ("19%", 232, None),
                    ("MwSt", 284, None), ("(D)", 307, None), ("7%", 320, None)])  # fmt: skip
    row = (75, [("ICE", 40, "B-item_description"), ("Fahrkarte", 62, "I-item_description"),
                ("58,85€", 146, "B-item_unit_price"), ("0,22€", 326, "B-item_amount")])  # fmt: skip
    assert items_of([heading, row]) == [("ICE Fahrkarte", None, "58.85", "58.85")]
    # a heading naming the amount with tax ("Betrag inkl. MwSt") is the amount column: left alone
    gross = (60, [("Netto", 150, None), ("Betrag", 290, None), ("inkl.", 326, None), ("MwSt", 350, None)])
    assert items_of([gross, row])[0][3] == "0.22"
    # nor is the vendor's "VAT ID: GB534772977" above the table a tax column (regression, synthetic ERP invoice)
    vat_id = (60, [("VAT", 300, None), ("ID:", 320, None), ("GB534772977", 340, None)])
    assert items_of([vat_id, row])[0][3] == "0.22"
