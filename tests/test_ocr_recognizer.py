"""The TrOCR loader and recognizer, run for real on a tiny checkpoint the test saves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

pytest.importorskip("torch")
pytest.importorskip("transformers")

from invoicer.errors import ModelError, OcrError
from invoicer.ocr import recognize_lines
from invoicer.ocr.trocr import INVOICER_LINE_FORMAT, TrOcrEngine, clear_cache, load_recognizer, resolve_model
from invoicer.training.ocr import ModelSpec, build_model, build_processor, export_model

TINY = ModelSpec(hidden=32, encoder_layers=1, encoder_heads=2, encoder_ffn=64, decoder_layers=1, decoder_heads=2,
                 decoder_ffn=64, max_tokens=12)  # fmt: skip


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    torch.manual_seed(0)
    processor = build_processor()
    model = build_model(TINY, len(processor.tokenizer))
    for p in model.parameters():  # zero-initialized residuals would make every line decode alike
        if p.dim() > 1:
            torch.nn.init.normal_(p, std=0.2)
    target = tmp_path_factory.mktemp("models") / "tiny-ocr"
    export_model(model, processor, target)
    return target


def line(text: str, width: int = 160) -> Image.Image:
    image = Image.new("L", (width, 30), 255)
    ImageDraw.Draw(image).text((4, 8), text, fill=0)
    return image


def test_export_writes_a_standard_fp16_checkpoint(tiny_model_dir: Path) -> None:
    import json

    from safetensors import safe_open

    names = {p.name for p in tiny_model_dir.iterdir()}
    assert {"config.json", "model.safetensors", "processor_config.json", "tokenizer.json"} <= names
    config = json.loads((tiny_model_dir / "config.json").read_text())
    assert config["model_type"] == "vision-encoder-decoder"
    assert config["invoicer_line_format"] == INVOICER_LINE_FORMAT
    with safe_open(str(tiny_model_dir / "model.safetensors"), "pt") as fh:
        key = next(iter(fh.keys()))
        assert str(fh.get_tensor(key).dtype) == "torch.float16"


def test_stock_classes_load_the_checkpoint(tiny_model_dir: Path) -> None:
    from transformers import TrOCRProcessor, VisionEncoderDecoderModel

    model = VisionEncoderDecoderModel.from_pretrained(tiny_model_dir, local_files_only=True)
    processor = TrOCRProcessor.from_pretrained(tiny_model_dir, local_files_only=True)
    ids = processor.tokenizer("Total 12,50 €", add_special_tokens=False).input_ids
    assert processor.tokenizer.decode(ids) == "Total 12,50 €"
    assert model.config.decoder.vocab_size == len(processor.tokenizer)


def test_loader_caches_one_model_per_process(tiny_model_dir: Path) -> None:
    clear_cache()
    first = load_recognizer(tiny_model_dir, device="cpu")
    assert load_recognizer(str(tiny_model_dir), device="cpu") is first
    assert first.line_format


def test_recognize_keeps_order_and_gives_confidences(tiny_model_dir: Path) -> None:
    recognizer = load_recognizer(tiny_model_dir, device="cpu")
    images = [line("A", 40), line("TOTAL 12.50", 300), line("X"), line("12/03/2024", 200)]
    sorted_one_by_one = recognizer.recognize(images, batch_size=1)  # sorted by width inside, no padding
    alone = [recognizer.recognize([im])[0] for im in images]
    # lines are sorted by width for batching; results must come back in the caller's order
    assert sorted_one_by_one == alone
    batched = recognizer.recognize(images, batch_size=3)
    assert len(batched) == len(images)
    assert all(0.0 <= r.confidence <= 1.0 for r in batched)
    assert recognizer.recognize([]) == []


def test_recognize_lines_returns_texts(tiny_model_dir: Path) -> None:
    texts = recognize_lines([line("abc"), line("12.50")], model=tiny_model_dir)
    assert len(texts) == 2 and all(isinstance(t, str) for t in texts)


def test_bad_inputs_raise_clear_errors(tiny_model_dir: Path, tmp_path: Path) -> None:
    recognizer = load_recognizer(tiny_model_dir, device="cpu")
    with pytest.raises(OcrError):
        recognizer.recognize(["not an image"])  # type: ignore[list-item]
    with pytest.raises(OcrError):
        recognizer.recognize([Image.new("L", (0, 0))])
    with pytest.raises(ModelError):
        load_recognizer(tmp_path)  # a directory without config.json
    with pytest.raises(ModelError):
        resolve_model("./no/such/model/dir")
    assert resolve_model("microsoft/trocr-base-printed") == ("microsoft/trocr-base-printed", False)


def test_engine_reads_a_page_into_lines_of_words(tiny_model_dir: Path) -> None:
    pytest.importorskip("cv2")
    page = Image.new("L", (600, 200), 255)
    draw = ImageDraw.Draw(page)
    draw.text((40, 40), "INVOICE 2024-001", fill=0)
    draw.text((40, 120), "TOTAL 99.00", fill=0)
    engine = TrOcrEngine(model=tiny_model_dir, detector="morphology", device="cpu")
    (lines,) = engine.read_pages([page])
    for ln in lines:  # an untrained model reads nonsense, but boxes must lie on the page
        x0, y0, x1, y1 = ln.bbox
        assert 0 <= x0 < x1 <= 600 and 0 <= y0 < y1 <= 200
        assert 0.0 <= ln.confidence <= 1.0


def test_auto_prefers_a_model_only_when_its_benchmark_record_says_it_beat_the_baselines(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    import json
    import shutil

    from invoicer.ocr.trocr import BENCHMARK_RECORD, default_model_installed, default_model_preferred

    model = tmp_path / "ocr"
    shutil.copytree(tiny_model_dir, model)
    assert default_model_installed(model) and not default_model_preferred(model)  # no record: not preferred
    (model / BENCHMARK_RECORD).write_text(json.dumps({"beats_baselines": False}), encoding="utf-8")
    assert not default_model_preferred(model)
    (model / BENCHMARK_RECORD).write_text(json.dumps({"beats_baselines": True}), encoding="utf-8")
    assert default_model_preferred(model)
    (model / BENCHMARK_RECORD).write_text("{not json", encoding="utf-8")
    assert not default_model_preferred(model)
    assert not default_model_preferred(tmp_path / "missing")


def test_a_fresh_process_loads_the_conv_encoder_checkpoint(tiny_model_dir: Path) -> None:
    """The conv encoder is not a stock transformers model: the loader must register it before loading."""
    import json
    import subprocess
    import sys

    assert json.loads((tiny_model_dir / "config.json").read_text())["encoder"]["model_type"] == "invoicer_line_encoder"
    code = (
        "import sys; from PIL import Image; from invoicer.ocr.trocr import load_recognizer; "
        "r = load_recognizer(sys.argv[1], device='cpu'); print(len(r.recognize([Image.new('L', (80, 30), 255)])))"
    )
    command = [sys.executable, "-c", code, str(tiny_model_dir)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("1")


def test_width_groups_bound_padding_and_batch_size() -> None:
    import itertools

    from invoicer.ocr.trocr import width_groups

    widths = [16, 24, 40, 96, 100, 180, 200, 360, 1000]
    groups = width_groups(widths, batch_size=3)
    assert groups[0][0] == 0 and groups[-1][1] == len(widths)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(groups))  # contiguous, nothing lost
    for start, stop in groups:
        assert stop - start <= 3
        assert widths[stop - 1] <= 2 * widths[start] + 64
    assert width_groups([], 8) == []
    assert width_groups([50] * 10, 4) == [(0, 4), (4, 8), (8, 10)]


def test_fast_greedy_decoding_matches_generate(tiny_model_dir: Path) -> None:
    recognizer = load_recognizer(tiny_model_dir, device="cpu")
    images = [line("Total 12,50", 200), line("A"), line("Rechnung Nr. 2024-117", 320)]
    assert recognizer.fast_greedy
    fast = recognizer.recognize(images)
    recognizer.fast_greedy = False
    try:
        slow = recognizer.recognize(images)
    finally:
        recognizer.fast_greedy = True
    assert [r.text for r in fast] == [r.text for r in slow]
    assert [r.confidence for r in fast] == pytest.approx([r.confidence for r in slow], abs=1e-4)


def test_engine_cache_key_names_the_weights(tiny_model_dir: Path, tmp_path: Path) -> None:
    """Regression: OCR caches were keyed `trocr` alone, so readings of a replaced model were reused."""
    import shutil

    from invoicer.ocr.trocr import TrOcrEngine

    key = TrOcrEngine(model=tiny_model_dir).cache_key
    assert key.startswith("trocr-") and key == TrOcrEngine(model=tiny_model_dir).cache_key
    other = tmp_path / "other"
    shutil.copytree(tiny_model_dir, other)
    weights = other / "model.safetensors"
    weights.write_bytes(weights.read_bytes() + b" ")  # other bytes, other model
    assert TrOcrEngine(model=other).cache_key != key


def test_line_batching_settings_and_right_margin(tiny_model_dir: Path) -> None:
    from invoicer.ocr.lineimage import WIDTH_STEP
    from invoicer.ocr.trocr import DEFAULT_BATCHING, LineBatching, TrOcrEngine, width_groups, with_right_margin

    tight = LineBatching.parse("1.15,16,12")
    assert tight == LineBatching(1.15, 16, 12) and tight.tag == "s1.15k16m12"
    for bad in ("1.15,16", "x,1,2", "0.5,16,0", "1.2,-1,0"):
        with pytest.raises(OcrError):
            LineBatching.parse(bad)
    # tighter groups: no batch pads a line by more than 15% + 16 px
    widths = [64, 72, 80, 96, 120, 400, 440, 1000]
    for start, stop in width_groups(widths, 64, spread=tight.spread, slack=tight.slack):
        assert widths[stop - 1] <= 1.15 * widths[start] + 16
    # the margin is white, after the ink, and keeps the width a multiple of the patch width
    ink = np.zeros((32, 40), dtype=np.uint8)
    padded = with_right_margin(ink, 12)
    assert padded.shape == (32, 56) and padded.shape[1] % WIDTH_STEP == 0
    assert (padded[:, :40] == 0).all() and (padded[:, 40:] == 255).all()
    assert with_right_margin(ink, 0) is ink
    # OCR caches never mix two batchings' readings; the default's key is unchanged
    plain = TrOcrEngine(model=tiny_model_dir).cache_key
    assert TrOcrEngine(model=tiny_model_dir, batching=DEFAULT_BATCHING).cache_key == plain
    assert TrOcrEngine(model=tiny_model_dir, batching=tight).cache_key == f"{plain}-{tight.tag}"
    # and the recognizer reads with either, one result per line, in order
    images = [line("Total 12,50", 200), line("A"), line("Rechnung Nr. 2024-117", 320)]
    recognizer = load_recognizer(tiny_model_dir, device="cpu")
    assert len(recognizer.recognize(images, batching=tight)) == len(images)
