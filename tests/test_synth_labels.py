"""The label set, BIO helpers, and how printed values are labelled on the words ingest reads."""

from __future__ import annotations

from invoicer.document import FIELD_NAMES, LINE_ITEM_COLUMNS
from invoicer.synth.fonts import load_family, pick_family
from invoicer.synth.labels import LABEL_TO_ID, LABELS, bio, entity_of, spans
from invoicer.synth.render import Sheet, sheet_words


def test_label_set_covers_every_field_and_column_once() -> None:
    assert LABELS[0] == "O"
    assert len(LABELS) == 1 + 2 * (len(FIELD_NAMES) + len(LINE_ITEM_COLUMNS))
    assert len(set(LABELS)) == len(LABELS)
    for name in FIELD_NAMES:
        assert f"B-{name.upper()}" in LABEL_TO_ID and f"I-{name.upper()}" in LABEL_TO_ID
    for col in LINE_ITEM_COLUMNS:
        assert f"B-ITEM_{col.upper()}" in LABEL_TO_ID
    assert entity_of("I-TOTAL") == "TOTAL" and entity_of("O") is None


def test_bio_marks_first_word_of_each_occurrence() -> None:
    tags = [None, ("TOTAL", 0), ("TOTAL", 0), ("ITEM_AMOUNT", 1), None, ("ITEM_AMOUNT", 2), ("VENDOR_ADDRESS", 0),
            None, ("VENDOR_ADDRESS", 0)]
    labels = bio(tags)
    assert labels == ["O", "B-TOTAL", "I-TOTAL", "B-ITEM_AMOUNT", "O", "B-ITEM_AMOUNT", "B-VENDOR_ADDRESS", "O",
                      "I-VENDOR_ADDRESS"]
    assert spans(labels) == [("TOTAL", [1, 2]), ("ITEM_AMOUNT", [3]), ("ITEM_AMOUNT", [5]),
                             ("VENDOR_ADDRESS", [6, 8])]


def _words(sheet: Sheet) -> list[tuple[str, str]]:
    tagged = sheet_words(sheet)
    return list(zip([w.word.text for w in tagged], bio([w.tag for w in tagged]), strict=True))


def test_value_words_carry_the_label_and_label_words_do_not() -> None:
    face = pick_family(__import__("random").Random(3), ("sans",)).regular
    sheet = Sheet(400, 200)
    sheet.text(20, 50, [("Summe: ", None), ("1.234,50", ("TOTAL", 0)), (" ", None), ("EUR", ("CURRENCY", 0))],
               face, 10)
    sheet.text(20, 80, [("Rechnungs-Nr. ", None), ("RE-2024-0815", ("INVOICE_NUMBER", 0))], face, 10)
    assert _words(sheet) == [("Summe:", "O"), ("1.234,50", "B-TOTAL"), ("EUR", "B-CURRENCY"),
                             ("Rechnungs-Nr.", "O"), ("RE-2024-0815", "B-INVOICE_NUMBER")]


def test_currency_glued_to_an_amount_goes_to_the_amount() -> None:
    face = pick_family(__import__("random").Random(4), ("sans",)).regular
    sheet = Sheet(400, 100)
    sheet.text(20, 50, [("Total ", None), ("$", ("CURRENCY", 0)), ("1,234.56", ("TOTAL", 0))], face, 10)
    assert _words(sheet) == [("Total", "O"), ("$1,234.56", "B-TOTAL")]


def test_standard_font_fallback_reads_back_like_ingest() -> None:
    """The standard PDF fonts (used where no TrueType font is installed) give ingest's words too."""
    from invoicer.ingest import ingest_bytes
    from invoicer.synth.render import emit_pdf

    family = load_family("Helvetica")
    assert family is not None and "€" not in family.charset
    sheet = Sheet(300, 120)
    sheet.text(20, 40, "Rechnung Nr. 4711 vom 14.03.2024", family.regular, 10)
    sheet.text(280, 70, "Summe 1.234,50 EUR", family.bold, 11, align="right")
    doc = ingest_bytes(emit_pdf([sheet]), "fallback.pdf")
    ours = sheet_words(sheet)
    assert [w.text for w in doc.pages[0].words] == [w.word.text for w in ours]
    for a, b in zip(doc.pages[0].words, ours, strict=True):
        assert max(abs(x - y) for x, y in zip(a.bbox, b.word.bbox, strict=True)) < 0.02
