"""Training the tagger: partial labels, yardstick guard, checkpoints, exact resume and export (tiny model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from invoicer.document import Document, Line, Page, Word, WordSource
from invoicer.errors import DatasetError, ModelError
from invoicer.tagging.labels import LABEL_TO_ID, LABELS

pytest.importorskip("torch")
pytest.importorskip("transformers")

from invoicer.training.tagger import (
    SROIE_TYPES,
    LabelledPage,
    TaggerTrainConfig,
    TrainedDocument,
    allowed_labels,
    partial_label_loss,
    train_tagger,
)


def test_fully_labelled_words_allow_only_their_label() -> None:
    assert allowed_labels("B-total", None) == [LABEL_TO_ID["B-total"]]
    assert allowed_labels("O", None) == [LABEL_TO_ID["O"]]
    assert allowed_labels("I-vendor_name", SROIE_TYPES) == [LABEL_TO_ID["I-vendor_name"]]


def test_outside_words_of_partially_labelled_pages_may_be_any_unannotated_type() -> None:
    allowed = {LABELS[i] for i in allowed_labels("O", SROIE_TYPES)}
    assert "O" in allowed and "B-invoice_number" in allowed and "I-item_amount" in allowed
    assert not allowed & {"B-total", "I-total", "B-vendor_name", "B-invoice_date", "I-vendor_address"}
    assert len(allowed) == 1 + 2 * (18 - 4)


def test_partial_label_loss_is_cross_entropy_for_one_label_and_smaller_for_a_set() -> None:
    import torch

    torch.manual_seed(0)
    logits = torch.randn(2, 5, len(LABELS))
    allowed = torch.zeros(2, 5, len(LABELS), dtype=torch.bool)
    targets = torch.randint(0, len(LABELS), (2, 5))
    allowed.scatter_(2, targets.unsqueeze(-1), True)
    allowed[1, 4] = False  # an ignored token (not a first word piece)
    expected = torch.nn.functional.cross_entropy(logits[allowed.any(-1)], targets[allowed.any(-1)])
    assert float(partial_label_loss(logits, allowed)) == pytest.approx(float(expected), rel=1e-5)
    wider = allowed.clone()
    wider[0, 0, :] = True  # a token that may be anything costs nothing
    assert float(partial_label_loss(logits, wider)) < float(partial_label_loss(logits, allowed))


def _doc(key: str, total: str, sha: str, source: str = "synth") -> TrainedDocument:
    texts = ["Rechnung", "Nr", "RE-1", "Summe", total, "EUR"]
    labels = ["O", "O", "B-invoice_number", "O", "B-total", "B-currency"]
    words = [Word(t, (50.0 + 60 * i, 100.0, 100.0 + 60 * i, 110.0)) for i, t in enumerate(texts)]
    page = Page(1, 595.0, 842.0, None, WordSource.TEXT_LAYER, (Line(tuple(words)),), "pdf-text")
    boxes = tuple((84 + 101 * i, 119, 168 + 101 * i, 131) for i in range(len(texts)))
    labelled = LabelledPage(f"{key}#p1", tuple(texts), boxes, tuple(labels), SROIE_TYPES if source == "sroie" else None)
    document = Document(sha, f"{key}.pdf", "application/pdf", 1, (page,))
    return TrainedDocument(key, source, sha, (labelled,), document, {"total": total, "invoice_number": "RE-1"})


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from invoicer.tagging.testing import build_tiny_checkpoint

    return build_tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "model", max_length=32, overlap=8)


def _config(tiny: Path, steps: int = 4) -> TaggerTrainConfig:
    return TaggerTrainConfig(
        use_sroie=False, init=str(tiny), steps=steps, batch_size=2, warmup_steps=1, max_length=32, overlap=8, seed=7
    )


def _data() -> tuple[list[TrainedDocument], list[TrainedDocument]]:
    train = [_doc(f"t{i}", f"{i}0,00", f"{i:064x}") for i in range(1, 5)]
    train.append(_doc("s1", "9,90", f"{99:064x}", source="sroie"))
    return train, [_doc("v1", "12,34", f"{77:064x}")]


def test_training_checkpoints_exports_and_resumes_exactly(tiny: Path, tmp_path: Path) -> None:
    import torch

    from invoicer.tagging.model import LayoutLMModel

    train, val = _data()
    quiet: list[str] = []
    straight = train_tagger(_config(tiny), tmp_path / "a", documents=train, validation=val, echo=quiet.append)
    assert straight.steps_done == 4 and straight.best_dir is not None
    assert (tmp_path / "a" / "checkpoint.pt").is_file() and (tmp_path / "a" / "history.jsonl").is_file()

    train_tagger(_config(tiny), tmp_path / "b", documents=train, validation=val, stop_at_step=2, echo=quiet.append)
    with pytest.raises(ModelError, match="already holds a checkpoint"):
        train_tagger(_config(tiny), tmp_path / "b", documents=train, validation=val, echo=quiet.append)
    with pytest.raises(ModelError, match="options differ"):
        other = TaggerTrainConfig(**{**_config(tiny).to_dict(), "learning_rate": 1.0})
        train_tagger(other, tmp_path / "b", resume=True, documents=train, validation=val, echo=quiet.append)
    resumed = train_tagger(
        _config(tiny), tmp_path / "b", resume=True, documents=train, validation=val, echo=quiet.append
    )
    assert resumed.steps_done == 4
    a = torch.load(tmp_path / "a" / "checkpoint.pt", weights_only=False)["model"]
    b = torch.load(tmp_path / "b" / "checkpoint.pt", weights_only=False)["model"]
    assert a.keys() == b.keys()
    for name in a:
        assert torch.equal(a[name], b[name]), name  # resuming reproduces the uninterrupted run bit for bit

    exported = LayoutLMModel.load(straight.best_dir)
    assert exported.labels == LABELS and exported.max_length == 32
    from safetensors import safe_open

    with safe_open(str(straight.best_dir / "model.safetensors"), "pt") as fh:
        assert all(str(fh.get_tensor(k).dtype) == "torch.float16" for k in fh.keys())  # noqa: SIM118
    probs = exported.predict_pages([(["Summe", "10,00"], [(0, 0, 10, 10), (20, 0, 30, 10)])])[0]
    assert probs.shape == (2, len(LABELS)) and np.allclose(probs.sum(1), 1.0, atol=1e-3)


def test_training_refuses_yardstick_documents(tiny: Path, tmp_path: Path) -> None:
    from invoicer.datasets.yardstick import yardstick_paths_and_hashes

    leaked_sha = sorted(yardstick_paths_and_hashes().sha256s)[0]
    train, val = _data()
    train.append(_doc("leak", "1,00", leaked_sha))
    with pytest.raises(DatasetError, match="yardstick"):
        train_tagger(_config(tiny), tmp_path / "c", documents=train, validation=val, echo=lambda s: None)


def test_resume_without_a_checkpoint_is_an_error(tiny: Path, tmp_path: Path) -> None:
    train, val = _data()
    with pytest.raises(ModelError, match="nothing to resume"):
        train_tagger(_config(tiny), tmp_path / "d", resume=True, documents=train, validation=val, echo=lambda s: None)


def test_synthetic_truth_files_become_fully_labelled_training_documents(tmp_path: Path) -> None:
    from invoicer.synth.engine import SynthOptions, write_document
    from invoicer.training.tagger import synth_documents

    for index in range(2):
        write_document(tmp_path, 5, index, SynthOptions())
    (tmp_path / "run.json").write_text("{}")  # not a truth file: skipped
    docs = synth_documents(tmp_path)
    assert len(docs) == 2
    for doc in docs:
        assert doc.source == "synth" and len(doc.sha256) == 64 and doc.document is not None
        assert len(doc.pages) == len(doc.document.pages)
        for page, source_page in zip(doc.pages, doc.document.pages, strict=True):
            assert page.annotated is None and len(page.words) == len(source_page.words)
            assert all(0 <= v <= 1000 for box in page.boxes for v in box)
            assert set(page.labels) <= set(LABELS)
        assert doc.truth["total"] is not None
        labelled = [w for p in doc.pages for w, lab in zip(p.words, p.labels, strict=True) if lab == "B-total"]
        assert len(labelled) == 1  # the total is labelled once, where a person would point
    with pytest.raises(DatasetError):
        synth_documents(tmp_path / "missing")


def test_partial_label_loss_has_finite_gradients_with_padding_rows() -> None:
    """Regression: rows with no allowed label (padding) gave NaN gradients (logsumexp of all -inf)."""
    import torch

    from invoicer.training.tagger import partial_label_loss

    logits = torch.randn(2, 5, 7, requires_grad=True)
    allowed = torch.zeros(2, 5, 7, dtype=torch.bool)
    allowed[0, :3, 1] = True
    allowed[1, 0, 2:4] = True
    loss = partial_label_loss(logits, allowed)
    loss.backward()
    assert logits.grad is not None and bool(torch.isfinite(logits.grad).all())
    expected = torch.nn.functional.cross_entropy(logits[0, :3].detach(), torch.tensor([1, 1, 1]), reduction="sum")
    expected = expected + torch.logsumexp(logits[1, 0].detach(), -1) - torch.logsumexp(logits[1, 0, 2:4].detach(), -1)
    assert float(loss) == pytest.approx(float(expected) / 4, rel=1e-5)
    assert float(logits.grad[0, 3:].abs().sum()) == 0.0 and float(logits.grad[1, 1:].abs().sum()) == 0.0
