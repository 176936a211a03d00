"""Generated VAT ids and IBANs are valid for python-stdnum, compact and as printed."""

from __future__ import annotations

import random

import pytest
from stdnum import iban as std_iban

from invoicer.synth import ids


@pytest.mark.parametrize("country", ids.VAT_COUNTRIES)
def test_vat_ids_pass_stdnum_compact_and_printed(country: str) -> None:
    rng = random.Random(country)
    for _ in range(150):
        value = ids.vat_id(country, rng)
        assert ids.is_valid_vat_id(value, country), value
        printed = ids.print_vat_id(value, country, rng)
        assert ids.is_valid_vat_id(printed, country), printed
        assert "".join(ch for ch in printed if ch.isalnum()).upper().endswith(value[-6:])


@pytest.mark.parametrize("country", ids.IBAN_COUNTRIES)
def test_ibans_pass_stdnum(country: str) -> None:
    rng = random.Random(country)
    for _ in range(150):
        value = ids.iban(country, rng)
        assert value.startswith(country)
        assert std_iban.is_valid(value), value
        assert std_iban.compact(ids.print_iban(value, rng)) == value


def test_routing_numbers_pass_stdnum() -> None:
    from stdnum.us import rtn

    rng = random.Random(1)
    assert all(rtn.is_valid(ids.routing_number(rng)) for _ in range(100))


def test_unknown_country_is_an_error() -> None:
    with pytest.raises(ValueError, match="valid"):
        ids.vat_id("XX", random.Random(0))
    with pytest.raises(ValueError, match="valid"):
        ids.iban("US", random.Random(0))
