"""Keyword candidates for booking fields the model left empty (pure; hand-made pages, no model)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from invoicer.tagging.decoding import decode, tag_words
from invoicer.tagging.keywords import page_rows
from invoicer.tagging.labels import LABELS
from tests.test_tagging_decoding import fields_of, make_document


def test_a_total_nobody_tagged_is_read_next_to_its_keyword_not_from_a_card_number() -> None:
    # the layout of an online rail ticket: the sum row has price, VAT 19 % and VAT 7 % columns; the card
    # payment row prints the amount and a terminal number
    doc, probs = make_document(
        [
            (212, [("ICE", 50, None), ("Fahrkarte", 80, None), ("86,00€", 300, None), ("13,73€", 400, None)]),
            (241, [("Summe", 50, None), ("86,75€", 300, None), ("13,85€", 400, None), ("0,00€", 480, None)]),
            (263, [("Betrag", 50, None), ("86,75€", 90, None), ("VU-Nr", 150, None), ("4556695619", 190, None)]),
        ]
    )
    fields, _, _ = decode(doc, probs, LABELS)
    total = next(f for f in fields if f.name == "total")
    assert total.value == "86.75" and total.page == 1
    assert total.confidence < 0.05  # the model did not tag it: the confidence says so
    assert total.bbox is not None and total.bbox[1] == 241  # "Summe" beats the payment row's "Betrag"


def test_keyword_totals_skip_subtotal_tax_and_change_rows_and_prefer_strong_keywords() -> None:
    doc, probs = make_document(
        [
            (500, [("Zwischensumme", 50, None), ("100,00", 300, None)]),
            (512, [("MwSt", 50, None), ("19%", 100, None), ("19,00", 300, None)]),
            (524, [("Gesamt", 50, None), ("119,00", 300, None)]),
            (536, [("Bar", 50, None), ("150,00", 300, None)]),
            (548, [("Rückgeld", 50, None), ("31,00", 300, None)]),
        ]
    )
    assert fields_of(doc, probs)["total"] == ("119.00", "119,00")


def test_an_amount_without_any_total_keyword_is_not_guessed() -> None:
    doc, probs = make_document([(500, [("Kaffee", 50, None), ("3,50", 300, None)])])
    assert "total" not in fields_of(doc, probs)


def test_the_dated_row_wins_over_validity_dates_and_otherwise_the_earliest_date() -> None:
    doc, probs = make_document(
        [
            (94, [("Fahrtantritt", 50, None), ("am", 110, None), ("24.11.2017", 130, None)]),
            (225, [("Gültig", 50, None), ("ab:", 90, None), ("24.11.2017", 130, None)]),
            (273, [("Datum", 50, None), ("23.11.2017", 100, None), ("Gen-Nr", 200, None), ("NTG65J", 250, None)]),
        ]
    )
    assert fields_of(doc, probs)["invoice_date"][0] == "2017-11-23"
    bare, bare_probs = make_document(
        [(100, [("14.03.2024", 50, None)]), (200, [("Lieferung", 50, None), ("18.03.2024", 120, None)])]
    )
    assert fields_of(bare, bare_probs)["invoice_date"][0] == "2024-03-14"


def test_a_date_spelled_over_several_words_is_one_candidate() -> None:
    doc, probs = make_document(
        [(100, [("Date:", 50, None), ("Nov", 90, None), ("23,", 115, None), ("2017", 135, None)])]
    )
    assert fields_of(doc, probs)["invoice_date"][0] == "2017-11-23"


def test_a_document_number_is_read_after_its_keyword_invoice_numbers_first() -> None:
    doc, probs = make_document(
        [
            (100, [("Ihre", 50, None), ("2024", 80, None)]),  # "...re" of "Ihre" is no "Re-Nr"
            (120, [("Transaktions-Nr", 50, None), ("714037", 160, None)]),
            (140, [("Rechnung", 50, None), ("Nr.", 110, None), ("RE-2024-17", 140, None)]),
            (160, [("Tisch", 50, None), ("12", 90, None)]),
        ]
    )
    assert fields_of(doc, probs)["invoice_number"][0] == "RE-2024-17"
    receipt, receipt_probs = make_document(
        [(100, [("Beleg-Nr.", 50, None), ("2284", 110, None), ("Kasse", 200, None), ("3", 240, None)])]
    )
    assert fields_of(receipt, receipt_probs)["invoice_number"][0] == "2284"
    plain, plain_probs = make_document([(100, [("Ihre", 50, None), ("2024", 80, None)])])
    assert "invoice_number" not in fields_of(plain, plain_probs)


def test_a_field_the_model_tagged_is_never_replaced_by_a_keyword_candidate() -> None:
    doc, probs = make_document(
        [
            (100, [("Rechnungsnummer", 50, None), ("4711", 150, None), ("Kunde", 250, None),
                   ("K-9", 300, "B-invoice_number")]),
            (500, [("Summe", 50, None), ("10,00", 300, None), ("12,00", 400, "B-total")]),
        ]
    )  # fmt: skip
    got = fields_of(doc, probs)
    assert got["invoice_number"][0] == "K-9" and got["total"][0] == "12.00"


def test_rows_join_columns_a_text_layer_split_into_separate_lines() -> None:
    doc, probs = make_document(
        [(241, [("Summe", 50, None)]), (241, [("86,75€", 300, None)]), (263, [("Betrag", 50, None)])]
    )
    rows = page_rows(tag_words(doc, probs, LABELS))
    assert [[w.word.text for w in row] for row in rows] == [["Summe", "86,75€"], ["Betrag"]]
    assert fields_of(doc, probs)["total"][0] == "86.75"


@pytest.mark.parametrize("left", ["MwSt 19%", "Netto", "Trinkgeld", "Subtotal"])
def test_not_total_keywords_block_a_keyword_total(left: str) -> None:
    words = [(w, 50 + 60 * k, None) for k, w in enumerate(left.split())]
    doc, probs = make_document([(500, [*words, ("12,00", 300, None)])])
    assert "total" not in fields_of(doc, probs)


def test_a_company_named_in_prose_is_widened_from_the_tagged_piece_to_its_legal_form() -> None:
    doc, probs = make_document(
        [(297, [("erfolgte", 20, None), ("am", 70, None), ("23.11.2017", 90, None), ("09:28", 150, None),
                ("Uhr.", 185, None), ("DB", 215, None), ("Fernverkehr", 235, None), ("AG/DB", 305, "I-vendor_name"),
                ("Regio", 340, None), ("AG,", 375, None), ("Stephensonstr.", 400, None), ("1,", 490, None)])]
    )  # fmt: skip
    vendor = next(f for f in decode(doc, probs, LABELS)[0] if f.name == "vendor_name")
    assert vendor.raw == "DB Fernverkehr AG/DB Regio AG," and vendor.value == "DB Fernverkehr AG/DB Regio AG"
    assert vendor.confidence == pytest.approx(0.9, abs=1e-3)  # the tagged piece's confidence, not more


def test_a_name_without_a_legal_form_is_left_as_tagged() -> None:
    doc, probs = make_document(
        [(40, [("Willkommen", 20, None), ("bei", 90, None), ("Café", 120, "B-vendor_name"), ("Kranz", 160, None),
               ("Hamburg", 200, None)])]
    )  # fmt: skip
    assert fields_of(doc, probs)["vendor_name"][1] == "Café"


def test_keyword_candidates_can_be_switched_off_to_keep_to_the_models_tags() -> None:
    doc, probs = make_document([(241, [("Summe", 50, None), ("86,75€", 300, None)])])
    assert "total" in {f.name for f in decode(doc, probs, LABELS)[0]}
    assert "total" not in {f.name for f in decode(doc, probs, LABELS, keyword_candidates=False)[0]}


def test_the_keyword_candidates_setting_is_read_from_the_environment() -> None:
    from invoicer.config import load_settings

    assert load_settings(env={}).tagger.keyword_candidates is True
    assert load_settings(env={"INVOICER_TAGGER_KEYWORD_CANDIDATES": "false"}).tagger.keyword_candidates is False


@pytest.mark.parametrize(
    ("row", "value"),
    [
        (["Montant", "TTC", "12,50"], "12.50"),  # French
        (["Att", "betala", "295,00"], "295.00"),  # Swedish
        (["Totale", "10,00"], "10.00"),  # Italian
        (["Do", "zapłaty", "41,80"], "41.80"),  # Polish
        (["Te", "betalen", "3,80"], "3.80"),  # Dutch
        (["Amount", "due", "$201.88"], "201.88"),  # English
        (["Kokku", "9,68"], "9.68"),  # Estonian
    ],
)
def test_total_keywords_of_several_languages(row: list[str], value: str) -> None:
    words = [(w, 50 + 70 * k, None) for k, w in enumerate(row)]
    doc, probs = make_document([(500, words)])
    assert fields_of(doc, probs)["total"][0] == value


@pytest.mark.parametrize(
    ("row", "value"),
    [
        (["Faktura", "nr", "2019/05/117"], "2019/05/117"),
        (["Kvitto", "nr:", "875553"], "875553"),
        (["Facture", "n°", "F-2024-88"], "F-2024-88"),
        (["BNR", "3807"], "3807"),  # regression (yardstick, German receipts): "BNR" abbreviates Bon-Nummer
        (["B-Nr.", "270"], "270"),
        (["CHECK", "465"], "465"),  # regression (yardstick, a US restaurant): a check number is the bill's number
    ],
)
def test_document_number_keywords_of_several_languages(row: list[str], value: str) -> None:
    words = [(w, 50 + 70 * k, None) for k, w in enumerate(row)]
    doc, probs = make_document([(100, words)])
    assert fields_of(doc, probs)["invoice_number"][0] == value


def test_a_number_printed_after_a_tax_id_or_phone_label_is_not_the_document_number() -> None:
    """Regression (yardstick, German restaurants): the model tagged the "St.-Nr." 205/5734/154 as the
    invoice number; without it, the number after "Beleg-Nr." is found by its keyword."""
    doc, probs = make_document(
        [
            (100, [("St.-Nr.:", 50, None), ("205/5734/154", 110, "B-invoice_number")]),
            (120, [("Tel.", 50, None), ("030-1234567", 90, "B-invoice_number")]),
            (140, [("Beleg-Nr.", 50, None), ("51219", 110, None)]),
        ]
    )
    assert fields_of(doc, probs)["invoice_number"][0] == "51219"


@pytest.mark.parametrize("text", ["E6.00", "12,50", "03.12.18", "2019-03-21"])
def test_a_price_or_a_date_is_no_document_number(text: str) -> None:
    doc, probs = make_document([(100, [("Hotel", 50, None), (text, 110, "B-invoice_number")])])
    assert "invoice_number" not in fields_of(doc, probs)


GLUED_LABELS = [("NR.65", "65"), ("NR.:1898", "1898"), ("No. 4711", "4711"), ("#0041", "0041"),
                ("NORD-7", "NORD-7"), ("RE-2024-17", "RE-2024-17")]  # fmt: skip


@pytest.mark.parametrize(("raw", "value"), GLUED_LABELS)
def test_a_label_glued_to_a_document_number_is_dropped(raw: str, value: str) -> None:
    doc, probs = make_document([(100, [(raw, 110, "B-invoice_number")])])
    assert fields_of(doc, probs)["invoice_number"] == (value, raw)


def test_a_number_after_a_document_number_keyword_beats_an_unlabelled_one_the_model_was_unsure_of() -> None:
    rows = [
        (100, [("Res.Nr.", 50, None), ("7919", 120, "B-invoice_number")]),
        (300, [("Auftragsnummer:", 50, None), ("VBA9YC", 150, None)]),
    ]
    doc, probs = make_document(rows, confidence=0.35)
    assert fields_of(doc, probs)["invoice_number"][0] == "VBA9YC"
    doc, probs = make_document(rows, confidence=0.9)  # a confident model keeps its pick
    assert fields_of(doc, probs)["invoice_number"][0] == "7919"


@pytest.mark.parametrize(
    ("row", "value"),
    [
        ([("RECHNUNG", 50), ("NR.:", 120), ("390", 160)], "390"),  # a small number after an invoice keyword
        ([("BED.", 50), ("1", 80), ("BON:", 100), ("270", 140)], "270"),
        ([("TRAN.", 50), ("#:", 90), ("17527", 110)], "17527"),
        ([("09-NOV-19/21:51", 50), ("RGNR:AR1405897", 200)], "AR1405897"),  # the keyword glued to the number
        ([("VAT", 50), ("INVOICE:38014", 80)], "38014"),
    ],
)
def test_document_numbers_after_or_glued_to_their_keyword(row: list[tuple[str, float]], value: str) -> None:
    doc, probs = make_document([(300, [(text, x, None) for text, x in row])])
    assert fields_of(doc, probs)["invoice_number"][0] == value


def test_a_number_glued_to_its_keyword_keeps_the_keywords_weight_against_a_room_number() -> None:
    """Regression (yardstick, a Hampton hotel bill): the model tagged "Room No: 407" (0.9); "VAT INVOICE:38014"
    lost its keyword's weight once cut from it, and a room number was taken for the document's number."""
    rows = [
        (100, [("Room", 50, None), ("No:", 90, None), ("407", 130, "B-invoice_number")]),
        (200, [("VAT", 50, None), ("INVOICE:38014", 80, None)]),
    ]
    assert fields_of(*make_document(rows))["invoice_number"][0] == "38014"
    guess = (300, [("Filiale", 50, None), ("4711", 120, "B-invoice_number")])  # unlabelled, the model unsure
    assert fields_of(*make_document([rows[1], guess], confidence=0.4))["invoice_number"][0] == "38014"


@pytest.mark.parametrize(
    ("row", "value"),
    [
        (["RECHNUNG", "NR.", "RE", "00171", "20", "DATUM", "24.07.2020"], "RE 00171 20"),
        (["Beleg-Nr.", "2394", "14", "0086", "28"], "2394 14 0086 28"),
        (["Bon-Nr.", "4711", "14:44"], "4711"),  # a time is no group of the number
        (["Tisch", "12", "34"], None),  # a weak keyword never joins groups
    ],
)
def test_a_document_number_printed_in_groups_is_read_whole(row: list[str], value: str | None) -> None:
    """Regression (yardstick, a Leipzig restaurant): "RECHNUNG NR. RE 00171 20" gave no invoice number."""
    words, x = [], 50.0
    for w in row:  # set as printed: one space (6 pt) between words
        words.append((w, x, None))
        x += 6.0 * len(w) + 6.0
    doc, probs = make_document([(100, words)])
    assert fields_of(doc, probs).get("invoice_number", (None,))[0] == value


def test_a_small_number_after_a_weak_keyword_is_no_document_number() -> None:
    doc, probs = make_document([(300, [("Tisch", 50, None), ("12", 100, None)])])
    assert "invoice_number" not in fields_of(doc, probs)


@pytest.mark.parametrize("printed", ["22SEP'18 12:46", "26 AUG 19 12:40"])
def test_a_date_with_a_spelled_out_month_and_a_two_digit_year_is_found_without_a_keyword(printed: str) -> None:
    words = [(text, 50 + 60 * k, None) for k, text in enumerate(printed.split())]
    doc, probs = make_document([(100, words)])
    assert fields_of(doc, probs)["invoice_date"][0] in ("2018-09-22", "2019-08-26")


def test_strict_rows_keep_two_tightly_printed_receipt_lines_apart() -> None:
    # a tall price word between two lines 7 pt apart: by the larger height they are one row, strictly two
    doc, probs = make_document([(100, [("PETRELLA", 50, None)]), (107, [("DAS", 50, None), ("VOLLE", 80, None)])])
    words = tag_words(doc, probs, LABELS)
    tall = replace(words[0], word=replace(words[0].word, bbox=(50.0, 98.0, 98.0, 114.0)))
    rows = [tall, *words[1:]]
    assert len(page_rows(rows)) == 1
    assert [[w.word.text for w in r] for r in page_rows(rows, strict=True)] == [["PETRELLA"], ["DAS", "VOLLE"]]


def test_a_shop_name_alone_on_its_line_is_taken_whole_when_the_model_tagged_part_of_it() -> None:
    """Regression (SROIE X51005442378, X51006414674): "PAGOH [REST AND SERVICE] AREA", "[DOMINO'S] PIZZA"."""
    doc, probs = make_document(
        [(40, [("PAGOH", 100, None), ("REST", 136, "B-vendor_name"), ("AND", 166, "I-vendor_name"),
               ("SERVICE", 190, "I-vendor_name"), ("AREA", 238, None)]),
         (60, [("LOT", 100, "B-vendor_address"), ("R1,", 140, "I-vendor_address")])]
    )  # fmt: skip
    assert fields_of(doc, probs)["vendor_name"][1] == "PAGOH REST AND SERVICE AREA"


def test_a_name_line_is_not_widened_over_a_column_gap_a_label_or_another_field() -> None:
    gap, gap_probs = make_document(
        [(40, [("DOMINO'S", 100, "B-vendor_name"), ("PIZZA", 154, None), ("Tel", 420, None)])]
    )
    assert fields_of(gap, gap_probs)["vendor_name"][1] == "DOMINO'S"
    other, other_probs = make_document(
        [(40, [("DOMINO'S", 100, "B-vendor_name"), ("PIZZA", 154, None), ("12.03.2019", 190, "B-invoice_date")])]
    )
    assert fields_of(other, other_probs)["vendor_name"][1] == "DOMINO'S"


def test_a_name_does_not_take_the_first_word_of_a_registration_label_below_it() -> None:
    """Regression (SROIE X51005806685): "ADVANCO COMPANY" above "COMPANY REG. NO. : 725186-V"."""
    doc, probs = make_document(
        [(40, [("ADVANCO", 100, "B-vendor_name"), ("COMPANY", 148, "I-vendor_name")]),
         (52, [("COMPANY", 100, "I-vendor_name"), ("REG.", 148, None), ("NO.", 178, None), (":", 200, None),
               ("725186-V", 210, None)])]
    )  # fmt: skip
    assert fields_of(doc, probs)["vendor_name"][1] == "ADVANCO COMPANY"


def test_an_address_tagged_as_two_beginnings_side_by_side_is_one_address() -> None:
    """Regression (SROIE X51007225399): "NO:/B G3,/B BLK/I ..." gave the address "NO"."""
    doc, probs = make_document(
        [(40, [("NO:", 100, "B-vendor_address"), ("G3,", 124, "B-vendor_address"), ("BLK", 148, "I-vendor_address"),
               ("G,", 172, "I-vendor_address"), ("JLN", 190, "I-vendor_address"), ("PJU", 214, "I-vendor_address")]),
         (52, [("47301", 100, "I-vendor_address"), ("PETALING", 136, "I-vendor_address"),
               ("JAYA", 190, "I-vendor_address")])]
    )  # fmt: skip
    assert fields_of(doc, probs)["vendor_address"][1] == "NO: G3, BLK G, JLN PJU 47301 PETALING JAYA"
    # two addresses in two columns of one line stay apart (a column gap is not a phrase)
    apart, apart_probs = make_document(
        [(40, [("Hafenweg", 100, "B-vendor_address"), ("3", 154, "I-vendor_address"),
               ("Ringstraße", 300, "B-vendor_address"), ("9", 366, "I-vendor_address")])]
    )  # fmt: skip
    assert fields_of(apart, apart_probs)["vendor_address"][1] in ("Hafenweg 3", "Ringstraße 9")


def test_an_address_gets_the_last_words_of_its_line_the_model_left_out_but_not_a_label() -> None:
    """Regression (SROIE X51005453804): "... SELANGOR DARUL [EHSAN]"."""
    doc, probs = make_document(
        [(40, [("43300", 100, "B-vendor_address"), ("SERI", 136, "I-vendor_address"),
               ("KEMBANGAN,", 166, "I-vendor_address")]),
         (52, [("SELANGOR", 100, "I-vendor_address"), ("DARUL", 154, "I-vendor_address"), ("EHSAN", 190, None)]),
         (64, [("TEL", 100, None), ("07-386", 124, None)])]
    )  # fmt: skip
    assert fields_of(doc, probs)["vendor_address"][1] == "43300 SERI KEMBANGAN, SELANGOR DARUL EHSAN"
    label, label_probs = make_document(
        [(40, [("Hafenweg", 100, "B-vendor_address"), ("3", 154, "I-vendor_address"), ("Tel", 166, None),
               ("AND", 190, None)])]
    )  # fmt: skip
    assert fields_of(label, label_probs)["vendor_address"][1] == "Hafenweg 3"


def test_a_vendor_reading_the_ocr_engine_doubted_loses_to_the_name_printed_plainly() -> None:
    """Regression (SROIE X51005663276): a logo read as "Ol 2" (OCR unsure) beat "SYARIKAT PERNIAGAAN GIN KEE"."""
    doc, probs = make_document(
        [(30, [("Ol", 100, "B-vendor_name"), ("2", 120, "I-vendor_name")]),
         (60, [("SYARIKAT", 100, "B-vendor_name"), ("PERNIAGAAN", 154, "I-vendor_name"), ("GIN", 220, "I-vendor_name"),
               ("KEE", 244, "I-vendor_name")])]
    )  # fmt: skip
    assert fields_of(doc, probs)["vendor_name"][1] == "Ol 2"  # all read with certainty: the top one
    page = doc.pages[0]
    logo = replace(page.lines[0], words=tuple(replace(w, confidence=0.3) for w in page.lines[0].words))
    doubted = replace(doc, pages=(replace(page, lines=(logo, *page.lines[1:])),))
    assert fields_of(doubted, probs)["vendor_name"][1] == "SYARIKAT PERNIAGAAN GIN KEE"


def test_a_tax_id_is_read_after_its_label_with_its_pieces_joined() -> None:
    """Regression (yardstick): "USt-IdNr.: DE 282 311 424" gave "282311424"; a St.-Nr. lost to a coach number."""
    doc, probs = make_document(
        [(700, [("USt-IdNr.:", 50, None), ("DE", 116, None), ("282", 134, "B-vendor_tax_id"), ("311", 156, None),
                ("424", 178, None)])]
    )  # fmt: skip
    assert fields_of(doc, probs)["vendor_tax_id"][0] == "DE282311424"
    ticket, ticket_probs = make_document(
        [(100, [("Wagen", 50, None), ("8041", 90, "B-vendor_tax_id")]),
         (700, [("St.-Nr.", 50, None), ("29/001/60002", 96, None)])]
    )  # fmt: skip
    assert fields_of(ticket, ticket_probs)["vendor_tax_id"][0] == "29/001/60002"


def test_a_short_number_is_no_tax_id_and_a_chamber_of_commerce_number_is_not_taken_for_one() -> None:
    doc, probs = make_document([(100, [("Platz", 50, None), ("62", 90, "B-vendor_tax_id")])])
    assert "vendor_tax_id" not in fields_of(doc, probs)
    kvk, kvk_probs = make_document([(700, [("KvK", 50, None), ("38347254", 76, None)])])
    assert "vendor_tax_id" not in fields_of(kvk, kvk_probs)


def test_tax_and_net_amounts_are_read_from_a_one_rate_vat_table_or_their_own_row() -> None:
    """Regression (yardstick): "TYP Netto MwSt BRUTTO / A:19,00% 24,50 4,66 29,16" and "MWST. 1=19,00% 6,67"
    left subtotal and tax empty."""
    table, table_probs = make_document(
        [(600, [("TYP", 50, None), ("Netto", 150, None), ("MwSt", 250, None), ("BRUTTO", 350, None)]),
         (612, [("A:19,00%", 50, None), ("24,50", 150, None), ("4,66", 252, None), ("29,16", 350, None)])]
    )  # fmt: skip
    fields = fields_of(table, table_probs)
    assert fields["subtotal"][0] == "24.50" and fields["tax_total"][0] == "4.66"
    row, row_probs = make_document(
        [(600, [("NETTO", 50, None), ("35,13", 300, None)]),
         (612, [("MWST.", 50, None), ("1=19,00%", 100, None), ("6,67", 300, None)])]
    )  # fmt: skip
    fields = fields_of(row, row_probs)
    assert fields["subtotal"][0] == "35.13" and fields["tax_total"][0] == "6.67"


def test_a_vat_table_with_two_rates_gives_no_tax_amount_rather_than_one_rates() -> None:
    doc, probs = make_document(
        [(600, [("Netto", 150, None), ("MwSt", 250, None), ("Brutto", 350, None)]),
         (612, [("7%", 50, None), ("10,00", 150, None), ("0,70", 252, None), ("10,70", 350, None)]),
         (624, [("19%", 50, None), ("20,00", 150, None), ("3,80", 252, None), ("23,80", 350, None)])]
    )  # fmt: skip
    fields = fields_of(doc, probs)
    assert "tax_total" not in fields and "subtotal" not in fields


def test_a_number_printed_after_a_tax_id_label_is_the_tax_id_not_the_document_number() -> None:
    """Regression (yardstick, L'Osteria): "IDENTNUMMER: DE 268087748" was read as the invoice number."""
    doc, probs = make_document(
        [(100, [("RECHNUNG", 50, None)]),
         (700, [("IDENTNUMMER:", 50, None), ("DE", 128, None), ("268087748", 146, "B-invoice_number")])]
    )  # fmt: skip
    fields = fields_of(doc, probs)
    assert fields["vendor_tax_id"][0] == "DE268087748"
    assert "invoice_number" not in fields


def test_a_fields_raw_confidence_carries_the_ocr_engines_doubt_about_its_words() -> None:
    doc, probs = make_document([(40, [("Rechnung", 50, None), ("RE-2024-17", 120, "B-invoice_number")])])
    sure = next(f for f in decode(doc, probs, LABELS)[0] if f.name == "invoice_number")
    page = doc.pages[0]
    line = replace(page.lines[0], words=tuple(replace(w, confidence=0.5) for w in page.lines[0].words))
    doubted = replace(doc, pages=(replace(page, lines=(line,)),))
    unsure = next(f for f in decode(doubted, probs, LABELS)[0] if f.name == "invoice_number")
    assert unsure.value == sure.value and unsure.confidence == pytest.approx(sure.confidence * 0.5, abs=1e-3)


def test_an_address_loses_a_branch_line_with_the_vendors_name_and_what_follows_its_country() -> None:
    """Regressions (SROIE X51006414674, X51008164420): "DOMINO'S PIZZA PERMAS JAYA" above the street, and a
    mall's name after "..., MALAYSIA", were part of the address."""
    doc, probs = make_document(
        [(30, [("DOMINO'S", 100, "B-vendor_name"), ("PIZZA", 154, "I-vendor_name")]),
         (50, [("DOMINO'S", 100, "B-vendor_address"), ("PIZZA", 154, "I-vendor_address"),
               ("PERMAS", 190, "I-vendor_address")]),
         (62, [("NO.12,", 100, "I-vendor_address"), ("JALAN", 142, "I-vendor_address"),
               ("PERMAS", 178, "I-vendor_address")]),
         (74, [("81750", 100, "I-vendor_address"), ("MASAI,", 136, "I-vendor_address"),
               ("MALAYSIA", 178, "I-vendor_address")]),
         (86, [("AMPANG", 100, "I-vendor_address"), ("POINT", 142, "I-vendor_address")])]
    )  # fmt: skip
    assert fields_of(doc, probs)["vendor_address"][1] == "NO.12, JALAN PERMAS 81750 MASAI, MALAYSIA"


def test_a_booking_code_of_letters_after_its_label_is_the_document_number_not_a_trains_number() -> None:
    """Regression (yardstick, DB tickets): "Auftragsnummer: AEXVDX" lost to "Transaktions-Nr 926138", and
    "RE 10804" (a Regional-Express) was read as an invoice number."""
    doc, probs = make_document(
        [(300, [("ab", 50, None), ("09:45", 70, None), ("RE", 110, None), ("10804", 130, None)]),
         (500, [("Transaktions-Nr", 50, None), ("926138", 150, None)]),
         (700, [("Auftragsnummer:", 50, None), ("AEXVDX", 146, None)])]
    )  # fmt: skip
    assert fields_of(doc, probs)["invoice_number"][0] == "AEXVDX"
    boxed, boxed_probs = make_document([(100, [("Rechnungs-Nr.:", 50, None), ("DATUM", 140, None)])])
    assert "invoice_number" not in fields_of(boxed, boxed_probs)  # the next box's label, not a code
    tagged, tagged_probs = make_document([(100, [("DATUM", 50, "B-invoice_number")])])
    assert "invoice_number" not in fields_of(tagged, tagged_probs)  # the model's own tag needs a digit
