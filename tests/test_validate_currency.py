"""Currency normalizer: symbols, codes, context — failing closed."""

from __future__ import annotations

import pytest

from invoicer.errors import AmbiguousValueError, NormalizationError
from invoicer.validate.normalize.currency import (
    currency_candidates,
    find_currency_marks,
    parse_currency,
    resolve_currency,
)


@pytest.mark.parametrize(
    ("mark", "code"),
    [("€", "EUR"), ("eur", "EUR"), ("EUR.", "EUR"), ("£", "GBP"), ("RM", "MYR"), ("US$", "USD"), ("HK$", "HKD"),
     ("CHF", "CHF"), ("Fr.", "CHF"), ("zł", "PLN"), ("Kč", "CZK"), ("￥", None), ("Euro", "EUR")],
)  # fmt: skip
def test_marks_with_one_meaning(mark: str, code: str | None) -> None:
    if code is None:
        assert currency_candidates(mark) == {"JPY", "CNY"}  # full-width yen: yen or yuan
    else:
        assert parse_currency(mark) == code


@pytest.mark.parametrize(("mark", "country", "code"), [("$", "US", "USD"), ("$", "CA", "CAD"), ("$", "MY", "MYR"),
                                                       ("¥", "JP", "JPY"), ("¥", "CN", "CNY"), ("kr", "SE", "SEK"),
                                                       ("kr", "DK", "DKK")])  # fmt: skip
def test_ambiguous_marks_are_decided_by_the_country(mark: str, country: str, code: str) -> None:
    assert parse_currency(mark, country=country) == code


@pytest.mark.parametrize(("mark", "country"), [("$", None), ("$", "DE"), ("¥", None), ("kr", "FR")])
def test_ambiguous_marks_stay_unknown_without_a_deciding_country(mark: str, country: str | None) -> None:
    with pytest.raises(AmbiguousValueError) as info:
        parse_currency(mark, country=country)
    assert len(info.value.candidates) >= 2


@pytest.mark.parametrize("text", ["XYZ", "", "12,50", "Euronen"])
def test_unknown_marks_are_refused(text: str) -> None:
    with pytest.raises(NormalizationError):
        parse_currency(text)


def test_marks_on_a_page_skip_words_that_look_like_codes() -> None:
    assert find_currency_marks("RM OCCUPANCY TAX $30.66") == ["$"]  # "RM" is "room" here, no amount next to it
    assert find_currency_marks("ALL ITEMS 12,50 €") == ["€"]
    assert find_currency_marks("Total (EUR) 719.90") == ["EUR"]
    assert find_currency_marks("RM 3.90") == ["RM"]
    assert find_currency_marks("HK$20.00") == ["HK$"]
    assert find_currency_marks("Seite 1 / 1") == []
    assert find_currency_marks("Fr. 12.03.2024 Summe 12,50 €") == ["€"]  # German "Fr." is Friday here
    assert find_currency_marks("Fr. 12.50") == ["Fr."]


def test_resolution_fails_closed() -> None:
    assert resolve_currency([], []).code is None
    assert "not assuming" in resolve_currency([], []).reason
    contradiction = resolve_currency(["EUR", "$"], [])
    assert contradiction.code is None and "contradict" in contradiction.reason
    mixed = resolve_currency([], ["EUR", "USD"])
    assert mixed.code is None and "several currencies" in mixed.reason
    assert resolve_currency([], ["€", "EUR"]).code == "EUR"  # only the page shows it, consistently


def test_a_sure_vendor_country_picks_its_currency_when_its_marks_outnumber_a_stray_code() -> None:
    """Regression (yardstick, an Old Navy receipt in San Francisco): five "$0.00 OFF" lines and "VERIFIED PIN"
    read as "PLN" left the currency unknown although the vendor's address is in California."""
    marks = ["$"] * 5 + ["PLN"]
    us = {"country": "US", "country_source": "US state and ZIP in the vendor address", "country_strength": 3}
    picked = resolve_currency([], marks, **us)  # type: ignore[arg-type]
    assert picked.code == "USD" and picked.decided_by_context and "5 of 6" in picked.reason
    # fails closed: a weak country hint, too few marks of its currency, or a country whose currency is not among them
    assert resolve_currency([], marks, country="US", country_source="phone", country_strength=1).code is None
    assert resolve_currency([], ["$", "$", "PLN"], **us).code is None  # type: ignore[arg-type]
    assert resolve_currency([], ["EUR"] * 5 + ["PLN"], **us).code is None  # type: ignore[arg-type]


def test_word_marks_on_the_page_are_weaker_than_symbols() -> None:
    room = resolve_currency(["$"], ["RM", "$"])  # "RM 1328" on a US hotel folio is the room
    assert room.code is None and "can mean" in room.reason
    assert resolve_currency([], ["€", "RM"]).code == "EUR"
    # only word marks on the page: a room number or an OCR slip ("RM" read on UK and Swedish tickets) decides
    # nothing unless the vendor's country uses such a currency
    only_words = resolve_currency([], ["RM", "RM"])
    assert only_words.code is None and "can also be a word" in only_words.reason
    assert resolve_currency([], ["RM", "RM"], country="MY", country_source="address", country_strength=3).code == "MYR"
    assert resolve_currency([], ["RM"], country="GB", country_source="address", country_strength=3).code is None
    assert resolve_currency(["RM"], ["$"]).code == "MYR"  # printed with the total: reliable


def test_page_marks_narrow_an_ambiguous_printed_mark() -> None:
    decision = resolve_currency(["$"], ["USD"])
    assert decision.code == "USD" and not decision.decided_by_context
    by_country = resolve_currency(["$"], [], country="AU", country_source="VAT id")
    assert by_country.code == "AUD" and by_country.decided_by_context and "AU" in by_country.reason
