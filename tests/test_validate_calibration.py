"""Confidence calibration (isotonic, per field), its storage next to the tagger model, and per-field thresholds."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from invoicer.config import ValidateSettings, load_settings
from invoicer.document import Document, Extraction, ExtractionStatus, Field, Line, Page, RuleOutcome, Word, WordSource
from invoicer.errors import ConfigError, ModelError
from invoicer.limits import Deadline
from invoicer.tagging.labels import LABELS
from invoicer.validate import RULES, RuleContext, ValidateStage
from invoicer.validate.calibration import (
    CALIBRATION_FILE,
    POOLED,
    Calibration,
    IsotonicMap,
    Sample,
    fit_calibration,
    fit_isotonic,
    reliability_table,
    threshold_for,
)

from .test_tagging_decoding import make_document


def toy(levels: dict[float, tuple[int, int]]) -> tuple[list[float], list[bool]]:
    """confidence → (right, wrong) counts, as two flat lists."""
    xs: list[float] = []
    ys: list[bool] = []
    for x, (right, wrong) in levels.items():
        xs += [x] * (right + wrong)
        ys += [True] * right + [False] * wrong
    return xs, ys


# -- fitting -----------------------------------------------------------------------------------------


def test_isotonic_fit_maps_a_toy_set_to_its_observed_accuracies() -> None:
    m = fit_isotonic(*toy({0.1: (1, 9), 0.5: (5, 5), 0.9: (9, 1)}), prior=0.0)
    assert m.xs == pytest.approx((0.1, 0.5, 0.9)) and m.ys == pytest.approx((0.1, 0.5, 0.9))
    assert m.counts == (10, 10, 10)
    assert m(0.9) == pytest.approx(0.9) and m(0.7) == pytest.approx(0.7)  # linear between block centres
    assert m(0.0) == pytest.approx(0.1) and m(1.0) == pytest.approx(0.9)  # constant outside


def test_isotonic_fit_pools_violators() -> None:
    # more confident but less often right: the two levels are pooled into one block
    m = fit_isotonic(*toy({0.6: (4, 0), 0.8: (0, 4), 0.95: (10, 0)}), prior=0.0)
    assert m.ys[0] == pytest.approx(0.5) and m.counts[0] == 8
    assert m(0.99) == pytest.approx(1.0)


def test_isotonic_fit_is_monotone_on_noisy_data_and_shrinks_small_blocks() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        x = rng.random(300)
        y = rng.random(300) < x**2  # overconfident raw scores
        m = fit_isotonic(x, y)
        grid = m.many(np.linspace(0, 1, 101))
        assert np.all(np.diff(grid) >= -1e-12)
        assert grid.min() > 0.0 and grid.max() < 1.0  # the prior keeps every block off 0 and 1
        assert m(0.5) == pytest.approx(0.25, abs=0.15)
    single = fit_isotonic([0.99], [True], prior=2.0)
    assert single(0.99) == pytest.approx(1.0)  # the only evidence: base rate 1


def test_isotonic_map_rejects_non_monotone_knots() -> None:
    with pytest.raises(ValueError):
        IsotonicMap((0.1, 0.5), (0.6, 0.4))
    with pytest.raises(ValueError):
        IsotonicMap((), ())
    with pytest.raises(ValueError):
        fit_isotonic([], [])


def samples(field: str, levels: dict[float, tuple[int, int]]) -> list[Sample]:
    xs, ys = toy(levels)
    return [Sample(field, x, y) for x, y in zip(xs, ys, strict=True)]


def test_fields_with_few_samples_use_the_pooled_map() -> None:
    rows = samples("total", {0.5: (30, 30), 0.99: (58, 2)}) + samples("iban", {0.99: (1, 4)})
    cal = fit_calibration(rows, min_field_samples=40, prior=0.0, data="toy")
    assert set(cal.maps) == {POOLED, "total"}
    assert cal.probability("total", 0.99) == pytest.approx(58 / 60)
    assert cal.probability("iban", 0.99) == pytest.approx(cal.maps[POOLED](0.99))
    assert cal.meta["pooled_fields"] == ["iban"] and cal.meta["samples"] == 125
    # a field with only right (or only wrong) values has nothing to calibrate on: pooled too
    assert "vendor_name" not in fit_calibration(rows + samples("vendor_name", {0.9: (50, 0)})).maps


def test_calibration_round_trips_through_json(tmp_path: Path) -> None:
    cal = fit_calibration(samples("total", {0.3: (10, 20), 0.7: (20, 10), 0.99: (49, 1)}), data="toy data")
    path = cal.save(tmp_path)
    assert path.name == CALIBRATION_FILE
    back = Calibration.load(tmp_path)
    assert back is not None and back.data == "toy data" and back.meta == json.loads(json.dumps(cal.meta))
    for x in np.linspace(0, 1, 21):
        for name in ("total", "iban"):
            assert back.probability(name, float(x)) == pytest.approx(cal.probability(name, float(x)), abs=1e-6)
    assert Calibration.load(tmp_path / "elsewhere") is None
    (tmp_path / CALIBRATION_FILE).write_text('{"format": 99}')
    with pytest.raises(ModelError, match="calibration"):
        Calibration.load(tmp_path)


def test_apply_calibrates_model_and_rule_fields_but_not_a_persons() -> None:
    cal = Calibration({POOLED: IsotonicMap((0.0, 1.0), (0.2, 0.8))})
    out = cal.apply(
        [Field("total", "1.00", "1,00", 1.0), Field("currency", "EUR", "€", 0.5, source="rule"),
         Field("vendor_name", "A", "A", 1.0, source="person")]
    )  # fmt: skip
    assert [f.confidence for f in out] == pytest.approx([0.8, 0.5, 1.0])
    assert out[0].value == "1.00" and out[0].raw == "1,00"


# -- reporting -----------------------------------------------------------------------------------------


def test_reliability_table_counts_buckets_and_errors() -> None:
    rows = samples("total", {0.3: (1, 3), 0.97: (9, 1), 1.0: (5, 0)}) + samples("iban", {0.6: (1, 1)})
    table = reliability_table(rows)
    overall = {c["bucket"]: c for c in table["overall"]["buckets"]}
    assert overall["0-0.5"]["count"] == 4 and overall["0-0.5"]["observed_accuracy"] == 0.25
    assert overall["0.95-0.99"] == {
        "bucket": "0.95-0.99",
        "count": 10,
        "mean_predicted": 0.97,
        "observed_accuracy": 0.9,
    }
    assert overall["0.99-1"]["count"] == 5  # 1.0 falls into the last, closed bucket
    assert overall["0.7-0.8"]["count"] == 0 and overall["0.7-0.8"]["mean_predicted"] is None
    assert table["overall"]["count"] == 21 and set(table["fields"]) == {"total", "iban"}
    expected_ece = (4 * abs(0.3 - 0.25) + 2 * abs(0.6 - 0.5) + 10 * abs(0.97 - 0.9) + 0) / 21
    assert table["overall"]["ece"] == pytest.approx(expected_ece, abs=1e-4)


def test_threshold_is_the_lowest_confidence_whose_values_above_reach_the_target() -> None:
    rows = samples("total", {0.5: (5, 5), 0.9: (18, 2), 0.99: (100, 0)})
    assert threshold_for(rows, 0.98, min_count=20) == (0.9, 120, 0.9833)
    assert threshold_for(rows, 0.999, min_count=20) == (0.99, 100, 1.0)
    assert threshold_for(rows, 0.98, min_count=200) == (None, 0, None)


# -- settings and the confidence rule -------------------------------------------------------------------


def test_field_thresholds_are_read_from_the_environment_and_checked() -> None:
    s = load_settings(env={"INVOICER_VALIDATE_FIELD_MIN_CONFIDENCE": "total=0.95, vendor_name=0.8"})
    assert s.validate.field_min_confidence == ("total=0.95", "vendor_name=0.8")
    assert s.validate.field_thresholds() == {"total": 0.95, "vendor_name": 0.8}
    assert s.validate.min_confidence_for("total") == 0.95
    assert s.validate.min_confidence_for("iban") == s.validate.min_confidence
    for bad, match in (("totl=0.9", "unknown field 'totl'"), ("total=high", "name=value"), ("total", "name=value"),
                       ("total=1.5", "between 0 and 1")):  # fmt: skip
        with pytest.raises(ConfigError, match=match):
            load_settings(env={"INVOICER_VALIDATE_FIELD_MIN_CONFIDENCE": bad})
    with pytest.raises(ConfigError, match="min_confidence"):
        load_settings(env={"INVOICER_VALIDATE_MIN_CONFIDENCE": "2"})


def test_field_thresholds_from_a_toml_list(tmp_path: Path) -> None:
    cfg = tmp_path / "invoicer.toml"
    cfg.write_text('[validate]\nmin_confidence = 0.8\nfield_min_confidence = ["total=0.97", "iban=0.5"]\n')
    s = load_settings(env={}, config_file=cfg).validate
    assert s.field_thresholds() == {"total": 0.97, "iban": 0.5} and s.min_confidence == 0.8


def extraction(**confidences: float) -> Extraction:
    page = Page(1, 595, 842, None, WordSource.TEXT_LAYER, (Line((Word("x", (0, 0, 5, 5)),)),), "pdf-text")
    doc = Document("c" * 64, "t.pdf", "application/pdf", 1, (page,))
    values = {"vendor_name": "ACME", "invoice_number": "17", "currency": "EUR", "total": "10.00"}
    return Extraction(doc).with_fields(Field(k, values[k], values[k], c) for k, c in confidences.items())


def test_per_field_thresholds_decide_the_confidence_rule_with_reasons() -> None:
    ex = extraction(vendor_name=0.85, total=0.95, invoice_number=0.7)
    rule = RULES.get("confidence")
    settings = ValidateSettings(
        min_confidence=0.9,
        field_min_confidence=("vendor_name=0.8", "invoice_number=0.75"),
        optional_low_confidence="review",  # every field counts
    )
    result = rule(ex, settings, RuleContext())
    assert result.outcome is RuleOutcome.FAIL and result.fields == ("invoice_number",)
    assert "invoice_number 0.7 < 0.75" in result.message
    looser = replace(settings, field_min_confidence=("vendor_name=0.8", "invoice_number=0.6"))
    assert rule(ex, looser, RuleContext()).outcome is RuleOutcome.PASS
    stricter = replace(settings, field_min_confidence=("total=0.99",))
    result = rule(ex, stricter, RuleContext())
    assert result.fields == ("vendor_name", "invoice_number", "total")  # vendor_name falls back to 0.9


def test_the_validate_stage_status_follows_the_per_field_thresholds() -> None:
    ex = extraction(vendor_name=0.99, total=0.93, invoice_number=0.99, currency=0.99)
    only = ("confidence",)
    strict = ValidateStage(ValidateSettings(field_min_confidence=("total=0.95",)), only, normalize=False)
    lenient = ValidateStage(ValidateSettings(min_confidence=0.95, field_min_confidence=("total=0.9",)), only,
                            normalize=False)  # fmt: skip
    out = strict.run(ex, Deadline.never())
    assert out.status is ExtractionStatus.NEEDS_REVIEW
    assert [v.message for v in out.validation] == ["low confidence for: total 0.93 < 0.95"]
    assert lenient.run(ex, Deadline.never()).status is ExtractionStatus.AUTO_APPROVED


# -- the tagger applies the model folder's calibration ------------------------------------------------


class FakeRuntime:
    """Stands in for a loaded LayoutLM model: fixed per-word label probabilities."""

    labels = LABELS

    def __init__(self, probs: list[np.ndarray]) -> None:
        self.probs = probs

    def predict_pages(self, pages: object) -> list[np.ndarray]:
        return self.probs


def test_the_tagger_applies_a_calibration_only_when_the_model_folder_has_one(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from invoicer.tagging.layoutlm import LayoutLMTagger

    doc, probs = make_document(
        [(100, [("Summe", 50, None), ("37,50", 120, "B-total"), ("EUR", 160, "B-currency")])], confidence=0.9
    )
    raw = LayoutLMTagger(tmp_path, runtime=FakeRuntime(probs)).tag(doc)
    assert {f.name: f.confidence for f in raw.fields}["total"] == pytest.approx(0.9)

    Calibration({POOLED: IsotonicMap((0.5, 1.0), (0.5, 0.6)), "total": IsotonicMap((0.0, 1.0), (0.0, 0.5))}).save(
        tmp_path
    )
    tagger = LayoutLMTagger(tmp_path, runtime=FakeRuntime(probs))
    got = {f.name: f for f in tagger.tag(doc).fields}
    assert got["total"].confidence == pytest.approx(0.45) and got["total"].value == "37.50"
    assert got["currency"].confidence == pytest.approx(0.58)
    unchanged = LayoutLMTagger(tmp_path, runtime=FakeRuntime(probs), calibrate=False).tag(doc)
    assert {f.name: f.confidence for f in unchanged.fields}["total"] == pytest.approx(0.9)


def test_an_optional_field_below_its_threshold_is_withheld_from_an_approved_record_not_sent_to_review() -> None:
    ex = extraction(vendor_name=0.95, total=0.95, invoice_number=0.5, currency=0.95)
    ex = replace(ex, fields=(*ex.fields, Field("invoice_date", "2024-03-01", "01.03.2024", 0.95)))
    settings = ValidateSettings(min_confidence=0.9, field_min_confidence=())
    assert settings.optional_low_confidence == "withhold"
    result = RULES.get("confidence")(ex, settings, RuleContext())
    assert result.outcome is RuleOutcome.PASS and result.fields == ("invoice_number",)
    assert "withheld" in result.message and "invoice_number 0.5 < 0.9" in result.message
    stage = ValidateStage(settings, ("required_fields", "confidence"), normalize=False)
    done = stage.run(ex, Deadline.never())
    assert done.status is ExtractionStatus.AUTO_APPROVED
    number = next(f for f in done.fields if f.name == "invoice_number")
    assert number.value is None and number.raw == "17" and number.confidence == 0.5  # printed text kept
    assert done.value("total") == "10.00"
    # a required field below its threshold still sends the document to review, with every value kept
    low_total = replace(ex, fields=tuple(replace(f, confidence=0.5) if f.name == "total" else f for f in ex.fields))
    reviewed = stage.run(low_total, Deadline.never())
    assert reviewed.status is ExtractionStatus.NEEDS_REVIEW and reviewed.value("invoice_number") == "17"
    failed = next(r for r in reviewed.validation if r.rule == "confidence")
    assert failed.fields == ("total",) and "optional, below threshold: invoice_number" in failed.message


def test_optional_low_confidence_is_checked_when_settings_are_read() -> None:
    assert load_settings(
        env={"INVOICER_VALIDATE_OPTIONAL_LOW_CONFIDENCE": "review"}
    ).validate.optional_low_confidence == ("review")
    with pytest.raises(ConfigError, match="optional_low_confidence"):
        load_settings(env={"INVOICER_VALIDATE_OPTIONAL_LOW_CONFIDENCE": "ignore"})
