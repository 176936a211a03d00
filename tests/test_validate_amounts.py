"""Amount normalizer: conventions, signs, currency marks, ambiguity — examples and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoicer.errors import AmbiguousValueError, InvoicerError, NormalizationError
from invoicer.validate.normalize.amounts import find_amount, format_amount, parse_amount

# (thousands separator, decimal separator) of the conventions invoices use
CONVENTIONS = {
    "en": (",", "."),
    "de": (".", ","),
    "fr": ("\u00a0", ","),
    "fr-narrow": ("\u202f", ","),
    "fr-space": (" ", ","),
    "ch": ("'", "."),
    "ch-typographic": ("\u2019", "."),
    "plain-dot": ("", "."),
    "plain-comma": ("", ","),
}


def render(value: Decimal, convention: str) -> str:
    """Format a non-negative two-decimal amount the way ``convention`` prints it (independent of the parser)."""
    group, point = CONVENTIONS[convention]
    units, cents = f"{value:.2f}".split(".")
    groups: list[str] = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    return group.join(groups) + point + cents


def signed(text: str, negative: bool, style: str) -> str:
    if not negative:
        return text
    return {"leading": f"-{text}", "trailing": f"{text}-", "parentheses": f"({text})", "unicode": f"\u2212{text}"}[
        style
    ]


def with_currency(text: str, mark: str, where: str) -> str:
    if not mark:
        return text
    return {
        "before": f"{mark}{text}",
        "before-space": f"{mark} {text}",
        "after": f"{text}{mark}",
        "after-space": f"{text} {mark}",
    }[where]


money = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False, allow_infinity=False)


@given(
    value=money,
    convention=st.sampled_from(sorted(CONVENTIONS)),
    negative=st.booleans(),
    sign_style=st.sampled_from(["leading", "trailing", "parentheses", "unicode"]),
    mark=st.sampled_from(["", "€", "EUR", "$", "US$", "£", "CHF", "RM", "kr", "zł"]),
    where=st.sampled_from(["before", "before-space", "after", "after-space"]),
)
def test_every_convention_parses_back(
    value: Decimal, convention: str, negative: bool, sign_style: str, mark: str, where: str
) -> None:
    text = with_currency(signed(render(value, convention), negative, sign_style), mark, where)
    parsed = parse_amount(text)
    expected = -value if negative and value else value
    assert parsed.value == expected, text
    assert parsed.currency_mark == (mark or None)


@given(value=st.integers(min_value=1000, max_value=999_999_999), convention=st.sampled_from(["en", "de"]))
def test_grouped_integers_need_the_documents_convention(value: int, convention: str) -> None:
    """'1,234' / '1.234' with one separator and three digits after it is never decided without evidence."""
    group, point = CONVENTIONS[convention]
    text = render(Decimal(value), convention).rsplit(point, 1)[0]
    if text.count(group) == 1:
        with pytest.raises(AmbiguousValueError) as info:
            parse_amount(text)
        assert len(info.value.candidates) == 2
    assert parse_amount(text, decimal_separator=point).value == value
    if text.count(group) == 1:  # the other convention reads the separator as a decimal point
        assert parse_amount(text, decimal_separator=group).value == Decimal(text.replace(group, "."))


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "Nl", "No")), max_size=20))
def test_text_without_digits_is_never_an_amount(text: str) -> None:
    with pytest.raises(NormalizationError):
        parse_amount(text)


@given(value=money)
def test_format_amount_round_trips(value: Decimal) -> None:
    assert Decimal(format_amount(value)) == value
    assert "." in format_amount(value) and len(format_amount(value).split(".")[1]) >= 2


@pytest.mark.parametrize(
    ("text", "value", "mark"),
    [
        ("1'234.56", "1234.56", None),
        ("12,-", "12", None),
        ("12.50 CR", "-12.50", None),
        ("€-99.00", "-99.00", "€"),
        ("1,23,456.00", "123456.00", None),
        (".50", "0.50", None),
        ("0,500", "0.500", None),
        ("1234,567", "1234.567", None),
        ("1 ,79", "1.79", None),
        ("36.35 EUR.", "36.35", "EUR."),
        ("HK$20.00", "20.00", "HK$"),
    ],
)
def test_real_world_shapes(text: str, value: str, mark: str | None) -> None:
    parsed = parse_amount(text)
    assert parsed.value == Decimal(value)
    assert parsed.currency_mark == mark


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("11 40", "groups of three"),
        ("1.234.56", "groups of three"),
        ("--12", "more than one negative"),
        ("(12.50", "unbalanced"),
        ("12.50 €$", "unexpected"),
        ("440.oa", "unexpected"),
        ("1'234 567", "mixes spaces and apostrophes"),
        ("1,234.567.8", "mixed up"),
    ],
)
def test_bad_amounts_are_refused_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(NormalizationError, match=why) as info:
        parse_amount(text)
    assert isinstance(info.value, InvoicerError) and info.value.code in {"normalization_error", "ambiguous_value"}


def test_find_amount_reads_around_labels_but_not_around_damage() -> None:
    assert find_amount("Genehmigter Betrag : 440.00").value == Decimal("440.00")
    assert find_amount("Total 440.00 440.00").value == Decimal("440.00")  # same amount twice
    with pytest.raises(NormalizationError, match="several amounts"):
        find_amount("Total inkl. MwSt. 411.21 28.79 440.00")
    with pytest.raises(NormalizationError, match="damaged amount"):
        find_amount("TOTAL 60811 ?2.63")
    with pytest.raises(NormalizationError, match="no amount"):
        find_amount("Kartenzahlung")


def test_decimal_hint_must_be_a_separator() -> None:
    with pytest.raises(ValueError, match="decimal_separator"):
        parse_amount("1,234", decimal_separator=";")
