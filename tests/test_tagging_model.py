"""The LayoutLM tagger's real loading code, windowing and registry, on a tiny checkpoint the test writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from invoicer.config import Settings
from invoicer.document import Extraction
from invoicer.errors import ModelError, UnknownBackendError
from invoicer.ingest import ingest_path
from invoicer.limits import Deadline
from invoicer.pipeline import Pipeline
from invoicer.tagging import TAGGERS, NoTagger, TagStage, tagger_from_settings
from invoicer.tagging.encoding import encode_page, windows_of_page
from invoicer.tagging.labels import LABELS
from invoicer.tagging.layoutlm import LayoutLMTagger, page_inputs
from invoicer.tagging.model import LayoutLMModel, default_model_dir, load_layoutlm, model_installed

from .conftest import DOCUMENTS

pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from invoicer.tagging.testing import build_tiny_checkpoint

    return build_tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "model", max_length=64, overlap=16)


@pytest.fixture(scope="module")
def model(tiny: Path) -> LayoutLMModel:
    return LayoutLMModel.load(tiny, batch_size=3)


def page(n: int, seed: int = 0) -> tuple[list[str], list[tuple[int, int, int, int]]]:
    rng = np.random.default_rng(seed)
    vocab = ["invoice", "total", "1", "2,", "gmbh", "abc", "summe", "€", "xyz"]
    words = [vocab[int(rng.integers(len(vocab)))] for _ in range(n)]
    boxes = []
    for _ in range(n):
        x, y = int(rng.integers(0, 900)), int(rng.integers(0, 980))
        boxes.append((x, y, x + 50, y + 12))
    return words, boxes


def test_the_checkpoint_loads_with_its_labels_and_window_settings(model: LayoutLMModel, tiny: Path) -> None:
    assert model.labels == LABELS
    assert (model.max_length, model.overlap) == (64, 16)
    assert model_installed(tiny)
    assert str(next(model.model.parameters()).dtype) == "torch.float32"  # fp16 on disk, fp32 compute


def test_a_folder_without_a_checkpoint_is_a_model_error(tmp_path: Path) -> None:
    assert not model_installed(tmp_path)
    with pytest.raises(ModelError, match="no tagger checkpoint"):
        LayoutLMModel.load(tmp_path)
    with pytest.raises(ModelError):
        LayoutLMModel.load(Path(__file__).parents[1] / "fixtures")


def test_models_are_loaded_once_per_process(tiny: Path) -> None:
    assert load_layoutlm(tiny) is load_layoutlm(str(tiny) + "/")


def test_probabilities_per_word_do_not_depend_on_batching_or_padding(model: LayoutLMModel) -> None:
    short, long_ = page(12, seed=1), page(150, seed=2)
    together = model.predict_pages([short, long_, ([], [])])
    alone = [model.predict_pages([short])[0], model.predict_pages([long_])[0]]
    assert together[0].shape == (12, len(LABELS)) and together[1].shape == (150, len(LABELS))
    assert together[2].shape == (0, len(LABELS))
    np.testing.assert_allclose(together[0], alone[0], atol=1e-4)
    np.testing.assert_allclose(together[1], alone[1], atol=1e-4)
    np.testing.assert_allclose(together[1].sum(axis=1), 1.0, atol=1e-4)


def test_long_pages_take_each_word_from_the_window_where_it_is_most_central(model: LayoutLMModel) -> None:
    import torch

    words, boxes = page(150, seed=3)
    encoded = encode_page(model.tokenizer, words, boxes)
    assert len(encoded) > 64  # several windows
    windows = windows_of_page(encoded, 0, model.tokenizer.cls_token_id, model.tokenizer.sep_token_id, 64, 16)
    assert len(windows) >= 3
    got = model.predict_pages([(words, boxes)])[0]

    def run(window: object) -> np.ndarray:
        ids = torch.tensor([window.input_ids])  # type: ignore[attr-defined]
        bbox = torch.tensor([window.boxes])  # type: ignore[attr-defined]
        with torch.inference_mode():
            logits = model.model(input_ids=ids, bbox=bbox, attention_mask=torch.ones_like(ids)).logits
        return torch.softmax(logits, -1)[0].numpy()

    second = windows[1]
    direct = run(second)
    center = second.start + (len(second) - 2) // 2  # a piece in the middle of window 1
    while not encoded.first_piece[center]:
        center += 1
    word = encoded.token_word[center]
    np.testing.assert_allclose(got[word], direct[center - second.start + 1], atol=1e-4)
    first_word_direct = run(windows[0])[1]  # the first word only lies in window 0
    np.testing.assert_allclose(got[0], first_word_direct, atol=1e-4)


def test_the_tagger_tags_a_real_document_into_contract_fields(tiny: Path) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_two_pages.pdf")
    tagger = LayoutLMTagger(tiny)
    result = tagger.tag(doc)
    words, boxes = page_inputs(doc)[0]
    assert len(words) == len(doc.pages[0].words) and all(0 <= v <= 1000 for b in boxes for v in b)
    for f in result.fields:  # a random model tags something; whatever it tags must be well-formed
        assert f.page in (1, 2) and f.bbox is not None and 0.0 < f.confidence <= 1.0 and f.raw
    for item in result.line_items:
        assert item.page in (1, 2) and (item.description or item.amount)
    extraction = TagStage(tagger).run(Extraction(doc), Deadline.never())
    assert extraction.fields == Extraction(doc, result.fields).fields
    assert extraction.line_items == result.line_items


def test_a_document_without_words_is_reported_not_guessed(tiny: Path) -> None:
    doc = ingest_path(DOCUMENTS / "invoice_scanned.pdf")  # image only: no words before OCR
    result = LayoutLMTagger(tiny).tag(doc)
    assert result.fields == () and result.line_items == ()
    assert "no words to tag" in result.notes[0]


def test_registry_auto_and_model_setting(tiny: Path) -> None:
    if not model_installed(default_model_dir()):
        assert isinstance(tagger_from_settings("auto"), NoTagger)
    tagger = tagger_from_settings("auto", str(tiny))
    assert isinstance(tagger, LayoutLMTagger) and tagger.model_path == tiny
    assert "layoutlm" in TAGGERS
    assert isinstance(tagger_from_settings("layoutlm", str(tiny)), LayoutLMTagger)
    with pytest.raises(UnknownBackendError, match="layoutlm"):
        tagger_from_settings("layoutlmv3")


def test_the_pipeline_runs_with_the_tagger_model_from_settings(tiny: Path) -> None:
    from dataclasses import replace

    settings = Settings()
    settings = replace(settings, tagger=replace(settings.tagger, model=str(tiny)))
    with Pipeline.from_settings(settings) as pipeline:
        extraction = pipeline.extract(DOCUMENTS / "invoice_born_digital.pdf")
    assert extraction.document.page_count == 1
    assert all(f.source in ("model", "rule") for f in extraction.fields)


def test_int8_and_unknown_compute_dtypes(tiny: Path, model: LayoutLMModel) -> None:
    quantized = LayoutLMModel.load(tiny, compute_dtype="qint8")
    words, boxes = page(40, seed=5)
    q = quantized.predict_pages([(words, boxes)])[0]
    f = model.predict_pages([(words, boxes)])[0]
    assert q.shape == f.shape and np.allclose(q.sum(axis=1), 1.0, atol=1e-4)
    assert np.abs(q - f).max() < 0.2  # int8 weights move the probabilities a little, not wholesale
    with pytest.raises(ModelError, match="compute_dtype"):
        LayoutLMModel.load(tiny, compute_dtype="float8")


def test_auto_compute_dtype_is_bfloat16_only_on_cpus_with_native_bf16() -> None:
    from invoicer.errors import ModelError
    from invoicer.tagging.model import resolve_compute_dtype

    amx = "processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8\n"
    zen4 = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n"
    avx512_only = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f avx512bw\n"
    avx2_only = "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n"
    assert resolve_compute_dtype("auto", "cpu", amx) == "bfloat16"
    assert resolve_compute_dtype("auto", "cpu", zen4) == "bfloat16"  # AVX-512 BF16: 13.9 vs 9.1 pages/s
    assert resolve_compute_dtype("auto", "cpu", avx512_only) == "float32"  # bf16 emulated: slower
    assert resolve_compute_dtype("auto", "cpu", avx2_only) == "float32"
    assert resolve_compute_dtype("auto", "cpu", "") == "float32"
    assert resolve_compute_dtype("auto", "cuda", amx) == "float32"
    assert resolve_compute_dtype("qint8", "cpu", amx) == "qint8"
    with pytest.raises(ModelError, match="auto, float32"):
        resolve_compute_dtype("half", "cpu", amx)


def test_settings_pass_the_compute_dtype_to_the_layoutlm_tagger_only() -> None:
    from invoicer.tagging import tagger_from_settings
    from invoicer.tagging.layoutlm import register_layoutlm

    register_layoutlm()
    assert tagger_from_settings("layoutlm", compute_dtype="qint8").compute_dtype == "qint8"
    assert tagger_from_settings("fake", compute_dtype="qint8").name == "fake"  # other taggers take no dtype
