"""normalize_extraction: document evidence decides, failures are recorded, nothing is guessed."""

from __future__ import annotations

from dataclasses import replace

from invoicer.contract import validate_output
from invoicer.document import Document, Extraction, Field, Line, LineItem, Page, RuleOutcome, Word, WordSource
from invoicer.validate.normalize import NormalizationContext, collect_evidence, normalize_extraction
from invoicer.validate.normalize.currency import find_currency_marks
from invoicer.validate.normalize.evidence import countries_in_address, vendor_block_lines


def page_of(*texts: str) -> Page:
    lines = []
    for i, text in enumerate(texts):
        words, x = [], 20.0
        for w in text.split():
            words.append(Word(w, (x, 40.0 + 14 * i, x + 6 * len(w), 50.0 + 14 * i), 0.97))
            x += 6 * len(w) + 4
        lines.append(Line(tuple(words), 0.97))
    return Page(1, 595.0, 842.0, None, WordSource.TEXT_LAYER, tuple(lines), "pdf-text")


def extraction(lines: list[str], **raws: str) -> Extraction:
    doc = Document("a" * 64, "t.pdf", "application/pdf", 1, (page_of(*lines, *raws.values()),))
    return Extraction(doc).with_fields(Field(name, None, raw, 0.95, 1) for name, raw in raws.items())


def results(ex: Extraction, outcome: RuleOutcome) -> dict[str, str]:
    return {v.rule: v.message for v in ex.validation if v.outcome is outcome}


def test_vendor_vat_id_decides_day_first_and_says_so() -> None:
    ex = normalize_extraction(extraction([], invoice_date="01/02/2024", vendor_tax_id="DE 136 695 976"))
    assert ex.value("invoice_date") == "2024-02-01"
    assert ex.value("vendor_tax_id") == "DE136695976"
    passed = results(ex, RuleOutcome.PASS)
    assert "day-first" in passed["normalize_invoice_date"] and "VAT id DE136695976" in passed["normalize_invoice_date"]


def test_iban_country_and_usd_and_labels_each_decide() -> None:
    by_iban = normalize_extraction(extraction([], invoice_date="03/04/2024", iban="GB82 WEST 1234 5698 7654 32"))
    assert by_iban.value("invoice_date") == "2024-04-03" and by_iban.value("iban") == "GB82WEST12345698765432"
    by_currency = normalize_extraction(extraction([], invoice_date="03/04/2024", currency="USD"))
    assert by_currency.value("invoice_date") == "2024-03-04"
    assert "USD" in results(by_currency, RuleOutcome.PASS)["normalize_invoice_date"]
    by_labels = normalize_extraction(extraction(["Factuur", "Totaal", "BTW 21%"], invoice_date="03-04-2024"))
    assert by_labels.value("invoice_date") == "2024-04-03"
    assert "labels in nl" in results(by_labels, RuleOutcome.PASS)["normalize_invoice_date"]


def test_another_date_beats_the_country() -> None:
    ex = extraction(["Delivered 04/15/2024"], invoice_date="04/02/2024", vendor_tax_id="DE136695976")
    out = normalize_extraction(ex)
    assert out.value("invoice_date") == "2024-04-02"  # month-first, as the page's other date shows
    assert "04/15/2024" in results(out, RuleOutcome.PASS)["normalize_invoice_date"]


def test_undecidable_date_is_left_empty_with_both_readings() -> None:
    out = normalize_extraction(extraction([], invoice_date="01/02/2024", due_date="15/02/2024"))
    assert out.value("invoice_date") == "2024-02-01"  # the due date decides
    alone = normalize_extraction(extraction([], invoice_date="01/02/2024"))
    assert alone.value("invoice_date") is None
    failed = results(alone, RuleOutcome.FAIL)["normalize_invoice_date"]
    assert "ambiguous" in failed and "2024-02-01" in failed and "2024-01-02" in failed
    assert alone.field("invoice_date") is not None and alone.field("invoice_date").raw == "01/02/2024"  # type: ignore[union-attr]


def test_customer_country_on_the_page_does_not_decide() -> None:
    ex = extraction(["Bill to: ACME GmbH, 10117 Berlin, GERMANY"], invoice_date="5/10/2019")
    evidence = collect_evidence(ex)
    assert evidence.country is None and "customer" in evidence.country_note
    assert any(c.country == "DE" for c in evidence.country_clues)
    assert normalize_extraction(ex).value("invoice_date") is None


def test_vendor_address_decides_country_and_dollar() -> None:
    ex = extraction(
        [], total="$219.00", invoice_date="5/10/2019", vendor_address="55 Cyril Magnin St, San Francisco, CA 94102"
    )
    out = normalize_extraction(ex)
    assert out.value("currency") == "USD" and out.value("total") == "219.00"
    assert out.value("invoice_date") == "2019-05-10"
    currency = out.field("currency")
    assert currency is not None and currency.source == "rule" and currency.confidence == 0.95
    assert "US" in results(out, RuleOutcome.PASS)["normalize_currency"]
    validate_output(out.to_dict())


def test_currency_fails_closed() -> None:
    assert normalize_extraction(extraction(["Kopierpapier"], vendor_name="Nordlicht")).validation == ()
    out = normalize_extraction(extraction(["Total 12.50"], total="12.50"))
    assert out.value("currency") is None
    assert "not assuming" in results(out, RuleOutcome.FAIL)["normalize_currency"]
    dollar = normalize_extraction(extraction([], total="$12.50", currency="$"))
    assert dollar.value("currency") is None and "can mean" in results(dollar, RuleOutcome.FAIL)["normalize_currency"]
    assert dollar.field("currency") is not None  # kept, with its raw, for the reviewer


def test_document_decimal_convention_decides_three_digit_tails() -> None:
    german = normalize_extraction(extraction(["Summe 12,50", "MwSt 2,38"], total="1.234", currency="EUR"))
    assert german.value("total") == "1234.00"
    assert "2 of 2 amounts" in results(german, RuleOutcome.PASS)["normalize_total"]
    english = normalize_extraction(extraction(["Subtotal 12.50", "Tax 2.38"], total="1.234", currency="EUR"))
    assert english.value("total") == "1.234"
    unknown = normalize_extraction(extraction([], total="1.234", currency="EUR"))
    assert unknown.value("total") is None and "ambiguous" in results(unknown, RuleOutcome.FAIL)["normalize_total"]


def test_tagger_value_disagreeing_with_the_print_is_flagged() -> None:
    ex = extraction([], total="319,45 €")
    ex = ex.with_fields([replace(ex.fields[0], value="999.00")])
    out = normalize_extraction(ex)
    assert out.value("total") is None
    assert "disagrees" in results(out, RuleOutcome.FAIL)["normalize_total"]
    agreeing = ex.with_fields([replace(ex.fields[0], value="319.45")])
    assert normalize_extraction(agreeing).value("total") == "319.45"


def test_person_entered_fields_are_kept_and_normalization_is_idempotent() -> None:
    ex = extraction([], invoice_date="01/02/2024", total="1.234,56 €")
    date_field, total_field = ex.field("invoice_date"), ex.field("total")
    assert date_field is not None and total_field is not None
    ex = ex.with_fields([replace(date_field, value="2024-01-02", source="person"), total_field])
    once = normalize_extraction(ex)
    assert once.value("invoice_date") == "2024-01-02" and once.value("total") == "1234.56"
    assert once.value("currency") == "EUR"
    twice = normalize_extraction(replace(once, validation=()))
    assert [f.value for f in twice.fields] == [f.value for f in once.fields]


def test_line_items_are_normalized_and_bad_cells_reported() -> None:
    ex = replace(
        extraction(["Summe 12,50"], total="59,90 €"),
        line_items=(
            LineItem("Papier", "10", "4,99", "49,90", "19 %"),
            LineItem("Porto", "1", "10,00", "1O,00", "7"),
        ),
    )
    out = normalize_extraction(ex)
    first, second = out.line_items
    assert (first.quantity, first.unit_price, first.amount, first.tax_rate) == ("10", "4.99", "49.90", "19")
    assert second.amount is None and second.unit_price == "10.00"
    assert "line 2 amount" in results(out, RuleOutcome.FAIL)["normalize_line_items"]


def test_context_locale_and_vendor_master_country() -> None:
    ex = extraction([], invoice_date="04/05/2024", total="$1,234")
    us = normalize_extraction(ex, NormalizationContext(locale="en-US"))
    assert us.value("invoice_date") == "2024-04-05" and us.value("currency") == "USD" and us.value("total") == "1234.00"
    au = normalize_extraction(ex, NormalizationContext(vendor_country="AU"))
    assert au.value("invoice_date") == "2024-05-04" and au.value("currency") == "AUD"


def test_unprinted_currency_follows_the_vendors_own_country_and_says_so() -> None:
    """Regression: receipts that print no currency at all (common on German till rolls) stayed without one
    even when the vendor's VAT id showed the country; the yardstick records their currency from the country."""
    out = normalize_extraction(extraction(["Summe 12,50"], total="12,50", vendor_tax_id="DE 136 695 976"))
    assert out.value("currency") == "EUR"
    field = out.field("currency")
    assert field is not None and field.source == "rule" and field.confidence == 0.95  # the VAT id's confidence
    message = results(out, RuleOutcome.PASS)["normalize_currency"]
    assert "no currency is printed" in message and "VAT id DE136695976" in message
    validate_output(out.to_dict())


def test_unprinted_currency_is_not_taken_from_a_locale_or_a_page_hint() -> None:
    hinted = normalize_extraction(
        extraction(["Summe 12,50"], total="12,50"), NormalizationContext(locale="de-DE")
    )
    assert hinted.value("currency") is None
    assert "not sure enough" in results(hinted, RuleOutcome.FAIL)["normalize_currency"]
    elsewhere = normalize_extraction(extraction(["Summe 12,50", "USt-IdNr. DE136695976"], total="12,50"))
    assert elsewhere.value("currency") is None


def test_new_mexico_is_a_us_state_not_mexico() -> None:
    # regression: an Outback Steakhouse bill in Albuquerque was read as Mexican pesos ('$' + 'Mexico')
    ex = extraction([], total="$48.10", vendor_address="4950 Pan American Fwy NE, Albuquerque, New Mexico 87109")
    assert normalize_extraction(ex).value("currency") == "USD"


def test_a_dollar_sign_with_only_page_hints_of_one_country_is_decided_for_review() -> None:
    # a US receipt: no vendor address was extracted, but the page prints a state and ZIP
    ex = extraction(["SHAKE SHACK", "1333 Broadway, New York, NY 10018, USA", "Total $22.86"], total="$22.86")
    out = normalize_extraction(ex)
    currency = out.field("currency")
    assert currency is not None and currency.value == "USD" and currency.confidence <= 0.5
    assert "only the page" in results(out, RuleOutcome.PASS)["normalize_currency"]
    # hints of two countries on the page decide nothing
    mixed = extraction(["1333 Broadway, New York, NY 10018", "Tel +61 2 9999 0000", "Total $22.86"], total="$22.86")
    assert normalize_extraction(mixed).value("currency") is None


def test_a_euro_document_reads_an_ambiguous_numeric_date_day_first() -> None:
    # regression: a Dutch train ticket "08-10-2019" with € prices stayed unread (8 Oct vs 10 Aug)
    out = normalize_extraction(extraction([], invoice_date="08-10-2019", total="3,80 €", currency="€"))
    assert out.value("currency") == "EUR" and out.value("invoice_date") == "2019-10-08"
    assert "the currency is EUR" in results(out, RuleOutcome.PASS)["normalize_invoice_date"]


def test_one_page_hint_alone_does_not_decide_a_dollar_sign() -> None:
    # regression: "USA" printed on a Canadian grocery receipt made its '$' US dollars
    ex = extraction(["METRO", "Product of USA", "Total $21.24"], total="$21.24")
    assert normalize_extraction(ex).value("currency") is None


def test_a_two_digit_year_date_printed_in_full_elsewhere_takes_that_reading() -> None:
    """Regression (yardstick, a Canadian card slip): '18/09/28' beside '28/09/2018' became 2028-09-18."""
    out = normalize_extraction(extraction(["28/09/2018 18:06"], invoice_date="18/09/28 20:50:56"))
    assert out.value("invoice_date") == "2018-09-28"
    passed = results(out, RuleOutcome.PASS)["normalize_invoice_date"]
    assert "year-first" in passed and "printed in full" in passed
    # and it decides day- vs month-first where nothing else does
    both = normalize_extraction(extraction(["Paid 2018-06-05"], invoice_date="05/06/18"))
    assert both.value("invoice_date") == "2018-06-05"
    # a full date that matches no reading changes nothing: still ambiguous, left for review
    other = normalize_extraction(extraction(["Delivered 2018-01-01"], invoice_date="05/06/18"))
    assert other.value("invoice_date") is None


def test_a_country_in_a_shop_name_does_not_decide_its_currency() -> None:
    """Regression (yardstick): "China White", a restaurant in Leipzig, was billed in CNY."""
    out = normalize_extraction(extraction([], vendor_name="CHINA WHITE", total="99,20"))
    assert out.value("currency") is None
    assert "not assuming" in results(out, RuleOutcome.FAIL)["normalize_currency"]
    legal = normalize_extraction(extraction([], vendor_name="KEDAI MAKAN SDN BHD", total="9.00"))
    assert legal.value("currency") == "MYR"  # a single-country legal form still shows the country
    company = normalize_extraction(extraction([], vendor_name="MCDONALD'S DEUTSCHLAND LLC", total="7,99"))
    assert company.value("currency") == "EUR"  # a country in a company's name is the company's country


def test_a_us_state_with_a_dot_before_its_zip_shows_the_vendors_country() -> None:
    """Regression (yardstick, Old Navy): "SAN FRANCISCO CA. 94103" was not read as a US address."""
    out = normalize_extraction(extraction([], vendor_address="801 MARKET STREET SAN FRANCISCO CA. 94103", total="1.00"))
    assert out.value("currency") == "USD"


def test_a_canadian_province_and_postal_code_show_the_vendors_country() -> None:
    """Regression (yardstick, Whole Foods Vancouver): "$" stayed unknown beside "VANCOUVER, BC V6G 1C8"."""
    out = normalize_extraction(extraction(["TOTAL $24.24"], vendor_address="1675 ROBSON STREET VANCOUVER, BC V6G 1C8",
                                          total="24.24"))  # fmt: skip
    assert out.value("currency") == "CAD"
    assert normalize_extraction(extraction(["TOTAL $24.24"], vendor_address="ROBSON ST BC 1675", total="24.24")).value(
        "currency"
    ) is None


def test_a_canadian_postal_code_alone_shows_the_vendors_country() -> None:
    """Regression (yardstick, Whole Foods Vancouver): the OCR put "V6G 1C8" apart from "VANCOUVER, BC" with
    noise between, and "$" stayed unknown."""
    address = "1675 ROBSON STREET VANCOUVER, BC BC 2 5,50 V6G 1C8"
    out = normalize_extraction(extraction(["TOTAL $24.24"], vendor_address=address, total="24.24"))
    assert out.value("currency") == "CAD"
    assert "Canadian postal code 'V6G 1C8'" in results(out, RuleOutcome.PASS)["normalize_currency"]
    for not_canadian in ("LONDON SW1A 1AA", "ART. A1B2C3 LONDON", "W1A 0AX", "D6G 1C8 DUBLIN"):
        assert countries_in_address(not_canadian) == [], not_canadian  # UK postcodes, glued codes, letters never used


def test_a_place_in_the_lines_under_the_vendors_name_shows_its_country() -> None:
    """Regression (yardstick, a Las Vegas receipt run uncached): the tagger marked only the name as the address,
    "LAS VEGAS, NV 89109" right under it went unused, and "12/3/2019" and the currency stayed unknown."""
    lines = ["TOPGOLF", "4627 KOVAL LANE", "LAS VEGAS, NV 89109", "CHECK 465", "12/3/2019", "TOTAL 117.64"]
    page = page_of(*lines)
    doc = Document("a" * 64, "t.pdf", "application/pdf", 1, (page,))

    def tagged(name_line: int) -> Extraction:
        name = page.lines[name_line]
        return Extraction(doc).with_fields([
            Field("vendor_name", None, name.text, 0.8, 1, name.bbox),
            Field("invoice_date", None, "12/3/2019", 0.99, 1, page.lines[4].bbox),
            Field("total", None, "117.64", 0.99, 1, page.lines[5].bbox),
        ])  # fmt: skip

    assert vendor_block_lines(tagged(0)) == lines[1:5]
    out = normalize_extraction(tagged(0))
    assert out.value("invoice_date") == "2019-12-03" and out.value("currency") == "USD"
    assert "under the vendor's name" in results(out, RuleOutcome.PASS)["normalize_currency"]
    # a place printed above the name, or far below it, is not its letterhead
    below = normalize_extraction(tagged(3))
    assert below.value("invoice_date") is None and below.value("currency") is None
    assert vendor_block_lines(Extraction(doc)) == []  # no vendor name, no letterhead


def test_a_national_tax_number_in_the_documents_language_shows_the_vendors_country() -> None:
    """Regression (yardstick, a Madrid restaurant and a Bonn café): no currency printed, the vendor's unprefixed
    tax number ("NIF B83856088", "STEUERNR.: 205/5809/1828") valid in one country of the labels' language."""
    spanish = ["TICKET", "MESA: 3", "CANT PRECIO IMP", "TOTAL IVA INCLUIDO", "GRACIAS POR SU VISITA"]
    madrid = normalize_extraction(extraction(spanish, vendor_tax_id="B83856088", total="36.45"))
    assert madrid.value("currency") == "EUR"
    assert "ES" in results(madrid, RuleOutcome.PASS)["normalize_currency"]
    german = ["RECHNUNG NR. 51219", "NETTO 35,13", "MWST. 19,00%", "VIELEN DANK FÜR IHREN BESUCH"]
    bonn = normalize_extraction(extraction(german, vendor_tax_id="205/5809/1828", total="41,80"))
    assert bonn.value("currency") == "EUR"
    # no language, or a number no country of it validates: nothing decided
    assert normalize_extraction(extraction([], vendor_tax_id="B83856088", total="36.45")).value("currency") is None
    wrong = normalize_extraction(extraction(spanish, vendor_tax_id="B83856089", total="36.45"))
    assert wrong.value("currency") is None


def test_a_currency_code_glued_to_a_dollar_amount_is_read() -> None:
    """Regression (yardstick, Whole Foods Vancouver): the card slip's "AMOUNT CAD$24.24", scanned as
    "CADS24.24", was not seen, so the receipt's "$" stayed ambiguous."""
    assert find_currency_marks("AMOUNT CAD$24.24") == ["CAD", "$"]
    assert find_currency_marks("AMOUNT CADS24.24") == ["CAD"]
    assert find_currency_marks("SUBTOTALS24.24") == [] and find_currency_marks("CADS 24") == []
    out = normalize_extraction(extraction(["TOTAL $24.24", "AMOUNT CADS24.24"], total="24.24"))
    assert out.value("currency") == "CAD"


def test_a_cut_off_word_is_no_currency_code() -> None:
    """Regression (yardstick, a US diner): "CUSTOMER COPY" read as "GSTAMER COP" made the bill COP."""
    out = normalize_extraction(extraction(["GSTAMER COP", "TOTAL $56.16"], total="56.16"))
    assert out.value("currency") != "COP"
    assert normalize_extraction(extraction(["TOTAL 56.000 COP"], total="56.000")).value("currency") == "COP"


def test_company_names_lose_letter_spacing_and_a_street_their_line_ran_into() -> None:
    """Regression (yardstick): "A L D I STR." and "PEEK&CLOPPENBURG MONCKEBERGSTR." were the vendor names."""
    from invoicer.validate.normalize import company_name

    assert company_name("A L D I STR.") == "ALDI"
    assert company_name("PEEK&CLOPPENBURG MONCKEBERGSTR.") == "PEEK&CLOPPENBURG"
    assert company_name("Café Hafenstraße") == "Café Hafenstraße"  # a shop named after its street keeps it
    assert company_name("Road") == "Road" and company_name("A B") == "A B"
    # regressions (SROIE): a registration number after the name, a legal form read twice, stray marks
    assert company_name("PERNIAGAAN ZHENG HUI JM0325965-V") == "PERNIAGAAN ZHENG HUI"
    assert company_name("FOODICIOUS SDN BHD (1132106-H)") == "FOODICIOUS SDN BHD"
    assert company_name("ENW HARDWARE CENTRE (M) SDN. BHD. . BHD.") == "ENW HARDWARE CENTRE (M) SDN. BHD."
    assert company_name("INDIAN RESTAURANT ***") == "INDIAN RESTAURANT"
    assert company_name("Old Navy - 5934") == "Old Navy - 5934"  # a store number is part of the name
    assert company_name("BORA BORA") == "BORA BORA"  # two words alike are a name, not a misreading
    # regression (SROIE): a scanned zero among capitals is the letter O; digits that are a name's own stay
    assert company_name("POPULAR BOOK C0. (M) SDN BHD") == "POPULAR BOOK CO. (M) SDN BHD"
    assert company_name("10 GRAM GOURMET") == "10 GRAM GOURMET" and company_name("Studio 54") == "Studio 54"
    assert company_name("H2O SHOP 0") == "H2O SHOP 0" and company_name("Zer0 Waste") == "Zer0 Waste"
    out = normalize_extraction(extraction([], vendor_name="A L D I STR."))
    assert out.value("vendor_name") == "ALDI" and out.field("vendor_name").raw == "A L D I STR."  # type: ignore[union-attr]


def test_a_web_address_and_a_country_name_on_the_page_decide_a_dollar_sign() -> None:
    """Regression (yardstick, Hong Kong cafés): "$42.0" with CARD.STARBUCKS.COM.HK and "(HONG KONG) LIMITED"."""
    lines = ["TOTAL $42.0", "CARD.STARBUCKS.COM.HK", "COFFEE CONCEPTS (HONG KONG) LIMITED"]
    out = normalize_extraction(extraction(lines, total="$42.0"))
    assert out.value("currency") == "HKD"
    assert "web address card.starbucks.com.hk" in results(out, RuleOutcome.PASS)["normalize_currency"]
    alone = normalize_extraction(extraction(["TOTAL $42.0", "CARD.STARBUCKS.COM.HK"], total="$42.0"))
    assert alone.value("currency") is None  # one hint alone decides nothing
    initials = normalize_extraction(extraction(["TOTAL $42.0", "z.B. NO.12.DE", "USA"], total="$42.0"))
    assert initials.value("currency") is None  # abbreviations are no web addresses


def test_a_five_digit_postcode_in_a_german_document_places_the_vendor_in_germany() -> None:
    lines = ["Rechnung", "Summe 12,50", "Datum 24.07.2020", "MwSt 19%", "Bar 20,00", "Rückgeld 7,50"]
    ex = normalize_extraction(extraction(lines, total="12,50", vendor_address="Hauptstr. 1, 04109 Leipzig"))
    assert ex.value("currency") == "EUR"  # not printed: the vendor's country decides, and says so
    assert "DE" in results(ex, RuleOutcome.PASS)["normalize_currency"]
    # the same postcode in an English document says nothing about the country
    english = ["Invoice", "Total 12.50", "Date 07/24/2020", "Tax", "Cash", "Change"]
    ex = normalize_extraction(extraction(english, total="12.50", vendor_address="1 Main St, 04109 Springfield"))
    assert ex.value("currency") is None
