"""Date normalizer: numeric orders, spelled-out months in five languages, evidence — examples and properties."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from invoicer.errors import AmbiguousValueError, NormalizationError
from invoicer.validate.countries import DateOrder
from invoicer.validate.normalize.dates import OrderEvidence, decide_order, parse_date

MONTHS = {
    "en": str.split("January February March April May June July August September October November December"),
    "de": str.split("Januar Februar März April Mai Juni Juli August September Oktober November Dezember"),
    "fr": str.split("janvier février mars avril mai juin juillet août septembre octobre novembre décembre"),
    "nl": str.split("januari februari maart april mei juni juli augustus september oktober november december"),
    "es": str.split("enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"),
}
EN_SHORT = str.split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")

invoice_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2069, 12, 31))


def numeric(d: date, order: DateOrder, sep: str, long_year: bool, padded: bool) -> str:
    year = f"{d.year:04d}" if long_year else f"{d.year % 100:02d}"
    day, month = (f"{d.day:02d}", f"{d.month:02d}") if padded else (str(d.day), str(d.month))
    if order is DateOrder.YMD:
        return f"{d.year:04d}{sep}{d.month:02d}{sep}{d.day:02d}"
    first, second = (day, month) if order is DateOrder.DMY else (month, day)
    return f"{first}{sep}{second}{sep}{year}"


def spelled(d: date, style: str) -> str:
    if style == "en-US":
        return f"{MONTHS['en'][d.month - 1]} {d.day}, {d.year}"
    if style == "en-short":
        return f"{d.day:02d} {EN_SHORT[d.month - 1].upper()} {d.year}"
    if style == "en-GB":
        return f"{d.day} {MONTHS['en'][d.month - 1]} {d.year}"
    if style == "de":
        return f"{d.day}. {MONTHS['de'][d.month - 1]} {d.year}"
    if style == "es":
        return f"{d.day} de {MONTHS['es'][d.month - 1]} de {d.year}"
    return f"{d.day} {MONTHS[style][d.month - 1]} {d.year}"  # fr, nl


@given(
    d=invoice_dates,
    order=st.sampled_from(list(DateOrder)),
    sep=st.sampled_from(["/", ".", "-"]),
    long_year=st.booleans(),
    padded=st.booleans(),
    prefix=st.sampled_from(["", "Date: ", "Datum ", "INV DATE: "]),
    suffix=st.sampled_from(["", " 13:14:15", " 8:27 PM"]),
)
def test_numeric_dates_with_evidence_parse_back(
    d: date, order: DateOrder, sep: str, long_year: bool, padded: bool, prefix: str, suffix: str
) -> None:
    text = prefix + numeric(d, order, sep, long_year, padded) + suffix
    evidence = [OrderEvidence(order, "the test says so", 3)]
    assert parse_date(text, evidence).value == d


@given(d=invoice_dates, order=st.sampled_from([DateOrder.DMY, DateOrder.MDY]), sep=st.sampled_from(["/", ".", "-"]))
def test_ambiguous_dates_are_never_chosen_silently(d: date, order: DateOrder, sep: str) -> None:
    text = numeric(d, order, sep, True, True)
    if d.day <= 12 and d.day != d.month:  # two valid readings
        with pytest.raises(AmbiguousValueError) as info:
            parse_date(text)
        assert sorted(info.value.candidates) == sorted({d.isoformat(), date(d.year, d.day, d.month).isoformat()})
        conflicting = [OrderEvidence(DateOrder.DMY, "a", 5), OrderEvidence(DateOrder.MDY, "b", 5)]
        with pytest.raises(AmbiguousValueError, match="disagrees"):
            parse_date(text, conflicting)
    else:  # one reading: the date decides itself, whatever the evidence says
        wrong = DateOrder.MDY if order is DateOrder.DMY else DateOrder.DMY
        assert parse_date(text).value == d
        assert parse_date(text, [OrderEvidence(wrong, "wrong", 5)]).value == d


@settings(max_examples=60, deadline=None)  # the first call loads dateparser's language data
@given(d=invoice_dates, style=st.sampled_from(["en-US", "en-short", "en-GB", "de", "fr", "nl", "es"]))
def test_spelled_out_months_in_five_languages(d: date, style: str) -> None:
    text = spelled(d, style)
    parsed = parse_date(text)
    assert parsed.value == d, text
    assert parsed.order is None and "spelled-out" in parsed.decided_by


def test_stronger_evidence_wins_and_is_named() -> None:
    evidence = [
        OrderEvidence(DateOrder.MDY, "the currency is USD", 1),
        OrderEvidence(DateOrder.DMY, "the vendor is in DE (VAT id)", 3),
    ]
    parsed = parse_date("01/02/2024", evidence)
    assert parsed.value == date(2024, 2, 1) and parsed.from_evidence
    assert parsed.decided_by == "the vendor is in DE (VAT id)"
    decided, why = decide_order([OrderEvidence(DateOrder.YMD, "CN", 3)])
    assert decided is None and "nothing" in why  # year-first countries say nothing about a/b/yyyy


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018\u221210\u221216 19:22:20", date(2018, 10, 16)),
        ("21 .10,2020", date(2020, 10, 21)),
        ("Datei 01.12,19 30.11.19", None),
        ("20180428/191204", date(2018, 4, 28)),
        ("25032018", date(2018, 3, 25)),
        ("(06/12/2016)", None),
        ("28 MAR 18", date(2018, 3, 28)),
        ("OCT 3, 2016 12:16:25 PM", date(2016, 10, 3)),
    ],
)
def test_real_world_shapes(text: str, expected: date | None) -> None:
    if expected is None:
        with pytest.raises(NormalizationError):
            parse_date(text)
    else:
        assert parse_date(text).value == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("Datum:", "no date"),
        ("31/02/2024", "no date"),
        ("01.10. 18:15 Uhr", "no date"),
        ("10.06.19 - 14.06.19", "several dates"),
    ],
)
def test_bad_dates_are_refused_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(NormalizationError, match=why):
        parse_date(text)


def test_two_digit_year_pivot() -> None:
    assert parse_date("31.12.69").value == date(2069, 12, 31)
    assert parse_date("31.12.70").value == date(1970, 12, 31)
    assert parse_date("31.12.70", pivot=80).value == date(2070, 12, 31)
