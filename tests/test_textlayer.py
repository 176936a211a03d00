from __future__ import annotations

import pytest

from invoicer.ingest.textlayer import judge, quality, token_plausible

CLEAN = [
    "Rechnung",
    "Nr.",
    "RE-2024-0815",
    "vom",
    "14.03.2024",
    "Gesamtbetrag",
    "1.234,56",
    "€",
    "USt-IdNr.",
    "DE136695976",
    "Kopierpapier",
    "A4",
]
CLEAN_EN = [
    "INVOICE",
    "#",
    "10023",
    "Bill",
    "To:",
    "ACME",
    "Corp.",
    "Total",
    "due",
    "$1,234.56",
    "Net",
    "30",
    "Thank",
    "you",
    "for",
    "your",
    "business",
]
GARBLED = [
    "１",
    "１",
    "﹄",
    "ｊ",
    "巷",
    "評",
    "︲",
    "４",
    "﹄",
    "虹",
    "咲",
    "奴",
    "Hambur9",
    "1ofl",
    "~@#^",
    "lI1|",
    "¦ﾉ｢",
]


def test_clean_text_scores_high() -> None:
    assert quality(CLEAN) > 0.95
    assert quality(CLEAN_EN) > 0.95


def test_garbage_scores_low() -> None:
    assert quality(GARBLED) < 0.3


@pytest.mark.parametrize(
    "token", ["RE-2024-0815", "1.234,56", "$1,234.56", "14.03.2024", "A4", "GmbH", "McDonald's", "10:42", "19%", "2x"]
)
def test_plausible_tokens(token: str) -> None:
    assert token_plausible(token, "latin")


@pytest.mark.parametrize("token", ["Hambur9", "1ofl", "(cid:12)", "\ufffd\ufffd", "巷評", "HaMbUrG", "Bxqzvtk"])
def test_implausible_tokens(token: str) -> None:
    assert not token_plausible(token, "latin")


def test_chinese_text_is_fine_on_a_chinese_page() -> None:
    tokens = ["北京市", "咖啡", "合计", "¥35.00", "发票号码", "12345678"]
    assert quality(tokens) > 0.9


def test_scanned_pages_need_a_cleaner_layer_than_born_digital() -> None:
    mixed = [*CLEAN[:6], "Hambur9", "1ofl", "lI1|"]
    q = quality(mixed)
    assert 0.3 < q < 0.95
    bar = q + 0.1  # scans need the bar; born-digital pages need bar - 0.25
    assert judge(mixed, looks_scanned=False, min_quality=bar, min_chars=8).usable
    assert not judge(mixed, looks_scanned=True, min_quality=bar, min_chars=8, scanned_policy="judge").usable
    assert judge(mixed, looks_scanned=True, min_quality=q - 0.01, min_chars=8, scanned_policy="judge").usable
    assert not judge(CLEAN, looks_scanned=True, min_quality=0.5, min_chars=8).usable  # default: scans are OCRed


def test_policies_and_short_layers() -> None:
    assert not judge([], looks_scanned=False, min_quality=0.5, min_chars=8).usable
    assert judge(["Total"], looks_scanned=False, min_quality=0.5, min_chars=8).reason.startswith("text layer too short")
    assert judge(GARBLED, looks_scanned=True, min_quality=0.75, min_chars=8, policy="always").usable
    assert not judge(CLEAN, looks_scanned=False, min_quality=0.75, min_chars=8, policy="never").usable
