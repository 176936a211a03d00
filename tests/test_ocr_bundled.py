"""The bundled OCR model (invoicer/models/ocr) on generated scans; skipped when no model is installed."""

from __future__ import annotations

import io

import pytest

from invoicer.ocr import ENGINES, engine_from_settings
from invoicer.ocr.trocr import DEFAULT_MODEL_DIR, default_model_installed, engine_dependencies_installed

installed = default_model_installed() and engine_dependencies_installed()
needs_model = pytest.mark.skipif(not installed, reason="invoicer's OCR model is not installed")


def test_trocr_is_registered_exactly_when_the_model_is_installed() -> None:
    assert ("trocr" in ENGINES) == installed
    engine = engine_from_settings("auto", "eng")
    assert (getattr(engine, "name", None) == "trocr") == installed


@needs_model
def test_model_card_sits_next_to_the_weights() -> None:
    card = (DEFAULT_MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    for needed in ("invoicer train ocr", "SROIE", "CER", "python -m benchmarks.ocr"):
        assert needed in card


@needs_model
@pytest.mark.slow
def test_bundled_model_reads_generated_scans() -> None:
    pytest.importorskip("reportlab")
    import pdfplumber

    from invoicer.ocr.trocr import TrOcrEngine
    from invoicer.synth.basic import InvoiceSpec, degrade, rasterize_pdf, render_invoice_pdf
    from invoicer.training.ocr import character_error_rate

    engine = TrOcrEngine(detector="auto")
    for seed, number in enumerate(("RE-2024-0815", "RE-2025-1203")):
        pdf = render_invoice_pdf(InvoiceSpec(invoice_number=number))
        page = degrade(rasterize_pdf(pdf, dpi=200)[0], seed=seed)
        (lines,) = engine.read_pages([page])
        with pdfplumber.open(io.BytesIO(pdf)) as doc:
            truth = doc.pages[0].extract_text().split()
        assert len(lines) >= 20
        tops = [ln.bbox[1] for ln in lines]
        assert tops == sorted(tops) or sum(a > b + 5 for a, b in zip(tops, tops[1:], strict=False)) <= 3
        for ln in lines:
            x0, y0, x1, y1 = ln.bbox
            assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        read = " ".join(ln.text for ln in lines).split()
        # a regression guard at the bundled model's measured quality (see MODEL_CARD.md), not the target
        assert character_error_rate([" ".join(sorted(read))], [" ".join(sorted(truth))]) < 0.9
