"""Tokenization, box scaling and windowing of the LayoutLM tagger (real tokenizer from a tiny checkpoint)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from invoicer.errors import DatasetError, TaggingError
from invoicer.tagging.encoding import (
    CLS_BOX,
    SEP_BOX,
    center_window_of_tokens,
    encode_page,
    normalize_box,
    window_spans,
    windows_of_page,
)
from invoicer.tagging.labels import LABELS, canonical_label, column_of, entity_type

pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory: pytest.TempPathFactory) -> object:
    from transformers import LayoutLMTokenizerFast  # type: ignore[attr-defined]

    from invoicer.tagging.testing import build_tiny_checkpoint

    path: Path = build_tiny_checkpoint(tmp_path_factory.mktemp("tiny"))
    return LayoutLMTokenizerFast.from_pretrained(str(path))


def test_boxes_are_scaled_to_0_1000_of_the_page_and_ordered() -> None:
    assert normalize_box((0, 0, 595.28, 841.89), 595.28, 841.89) == (0, 0, 1000, 1000)
    assert normalize_box((297.64, 420.945, 100, 10), 595.28, 841.89) == (168, 12, 500, 500)
    assert normalize_box((-5, -5, 700, 900), 595.28, 841.89) == (0, 0, 1000, 1000)
    with pytest.raises(TaggingError):
        normalize_box((0, 0, 1, 1), 0, 10)


def test_each_word_gets_its_pieces_with_its_box_and_the_first_piece_is_marked(tokenizer: object) -> None:
    words = ["Invoice", "total:", "\u200b", "abcde"]
    boxes = [(1, 2, 3, 4), (5, 6, 7, 8), (9, 9, 9, 9), (10, 11, 12, 13)]
    page = encode_page(tokenizer, words, boxes)
    assert page.n_words == 4
    # every word owns at least one piece, in order, and its first piece is flagged
    assert sorted(set(page.token_word)) == [0, 1, 2, 3]
    assert list(page.token_word) == sorted(page.token_word)
    firsts = [i for i, f in enumerate(page.first_piece) if f]
    assert [page.token_word[i] for i in firsts] == [0, 1, 2, 3]
    # "total:" is two pieces (total + :), both with the word's box
    pieces_of_total = [i for i, w in enumerate(page.token_word) if w == 1]
    assert len(pieces_of_total) == 2
    assert all(page.boxes[i] == (5, 6, 7, 8) for i in pieces_of_total)
    # a word without any piece (zero-width space) becomes [UNK] so it still gets a prediction
    (unk_index,) = [i for i, w in enumerate(page.token_word) if w == 2]
    assert page.input_ids[unk_index] == tokenizer.unk_token_id  # type: ignore[attr-defined]
    with pytest.raises(TaggingError):
        encode_page(tokenizer, ["a"], [])


def test_windows_overlap_and_cover_long_pages() -> None:
    assert window_spans(100, 510, 128) == [(0, 100)]
    spans = window_spans(1200, 510, 128)
    assert spans[0] == (0, 510)
    assert spans[-1][1] == 1200
    for (_s0, e0), (s1, e1) in itertools.pairwise(spans):
        assert e0 - s1 >= 128  # consecutive windows share at least the overlap
        assert e1 - s1 == 510
    covered = set()
    for s, e in spans:
        covered.update(range(s, e))
    assert covered == set(range(1200))
    with pytest.raises(TaggingError):
        window_spans(10, 8, 8)


def test_each_token_is_predicted_by_the_window_where_it_is_most_central() -> None:
    spans = [(0, 10), (6, 16)]
    owner = center_window_of_tokens(spans, 16)
    assert owner[:8] == [0] * 8  # tokens 0..7: window 0 (token 7 is 2 from its end, 1 from window 1's start)
    assert owner[8:] == [1] * 8
    # in the overlap, a token near the middle of window 1 belongs to window 1
    assert owner[9] == 1


def test_windows_of_a_page_carry_cls_and_sep_and_respect_the_length(tokenizer: object) -> None:
    words = [f"a{i % 5}" for i in range(700)]
    page = encode_page(tokenizer, words, [(i % 1000, 0, i % 1000, 10) for i in range(700)])
    assert len(page) > 512
    windows = windows_of_page(page, 0, 2, 3, max_length=512, overlap=128)
    assert len(windows) >= 2
    for w in windows:
        assert len(w) <= 512
        assert w.input_ids[0] == 2 and w.input_ids[-1] == 3
        assert w.boxes[0] == CLS_BOX and w.boxes[-1] == SEP_BOX
        assert w.input_ids[1:-1] == page.input_ids[w.start : w.start + len(w) - 2]


def test_label_spellings_of_other_sources_map_to_the_tagger_labels() -> None:
    assert canonical_label("B-TOTAL") == "B-total"
    assert canonical_label("I-ITEM_UNIT_PRICE") == "I-item_unit_price"
    assert canonical_label("B-line_item.amount") == "B-item_amount"
    assert canonical_label("O") == "O"
    assert entity_type("I-vendor_name") == "vendor_name"
    assert column_of("item_tax_rate") == "tax_rate" and column_of("total") is None
    assert LABELS[0] == "O" and len(LABELS) == 1 + 2 * 18
    with pytest.raises(DatasetError):
        canonical_label("B-shoe_size")
    with pytest.raises(DatasetError):
        canonical_label("X-total")
