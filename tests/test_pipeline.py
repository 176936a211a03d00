from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from invoicer.config import Settings, ValidateSettings
from invoicer.contract import validate_output
from invoicer.document import ExtractionStatus, Line, RuleOutcome, Word, WordSource
from invoicer.errors import UnknownBackendError
from invoicer.ocr import FakeOcrEngine, NoOcrEngine
from invoicer.pipeline import Pipeline
from invoicer.synth.fixtures import fake_tagger_for
from invoicer.tagging import FakeTagger, NoTagger, find_phrase
from tests.conftest import BAD, DOCUMENTS, FIXTURES, TRUTH

EXPECTED = FIXTURES / "expected"

# (value, raw text as printed) of the basic fixture invoice (German formatting)
_TRUTH = json.loads((TRUTH / "invoice_born_digital.json").read_text("utf-8"))
PRINTED = {name: (_TRUTH["fields"][name], raw) for name, raw in _TRUTH["printed"].items()}


def fake_pipeline(
    settings: Settings, values: dict[str, tuple[str, str]] | None = None, ocr: object | None = None
) -> Pipeline:
    return Pipeline.from_settings(settings, ocr_engine=ocr or NoOcrEngine(), tagger=FakeTagger(values or PRINTED))


def test_fake_tagger_finds_printed_values_with_boxes(settings: Settings) -> None:
    with fake_pipeline(settings) as p:
        ex = p.extract(DOCUMENTS / "invoice_born_digital.pdf")
    assert ex.value("total") == "319.45"
    total = ex.field("total")
    assert total is not None and total.raw == "319,45 €" and total.page == 1 and total.bbox is not None
    assert total.bbox[0] > 300  # right-hand totals column
    assert ex.value("invoice_date") == "2024-03-14"
    truth = json.loads((TRUTH / "invoice_born_digital.json").read_text("utf-8"))
    for name in PRINTED:
        assert ex.value(name) == truth["fields"][name], name


def test_complete_confident_extraction_is_auto_approved(settings: Settings) -> None:
    with fake_pipeline(settings) as p:
        ex = p.extract(DOCUMENTS / "invoice_born_digital.pdf")
    assert ex.status is ExtractionStatus.AUTO_APPROVED
    outcomes = {v.rule: v.outcome for v in ex.validation}
    assert not [r for r, o in outcomes.items() if o is RuleOutcome.FAIL]
    for rule in ("pages_read", "required_fields", "confidence", "totals_add_up"):
        assert outcomes[rule] is RuleOutcome.PASS, rule
    validate_output(ex.to_dict())


def test_missing_required_field_needs_review_with_reason(settings: Settings) -> None:
    values = {k: v for k, v in PRINTED.items() if k != "invoice_date"}
    with fake_pipeline(settings, values) as p:
        ex = p.extract(DOCUMENTS / "invoice_born_digital.pdf")
    assert ex.status is ExtractionStatus.NEEDS_REVIEW
    failing = [v for v in ex.validation if v.outcome is RuleOutcome.FAIL]
    assert [v.rule for v in failing] == ["required_fields"] and "invoice_date" in failing[0].message


def test_inconsistent_totals_need_review(settings: Settings) -> None:
    values = dict(PRINTED, total=("268.45", "268,45 €"))  # the subtotal's words, tagged as total
    with fake_pipeline(settings, values) as p:
        ex = p.extract(DOCUMENTS / "invoice_born_digital.pdf")
    assert ex.status is ExtractionStatus.NEEDS_REVIEW
    assert any(v.rule == "totals_add_up" and v.outcome is RuleOutcome.FAIL for v in ex.validation)


def test_low_confidence_needs_review(settings: Settings) -> None:
    # every field, the required ones included, below the threshold (optional ones alone would be withheld)
    s = replace(settings, validate=ValidateSettings(min_confidence=0.995, field_min_confidence=()))
    with fake_pipeline(s) as p:
        ex = p.extract(DOCUMENTS / "invoice_born_digital.pdf")
    assert ex.status is ExtractionStatus.NEEDS_REVIEW


def test_scan_goes_through_ocr_engine(settings: Settings) -> None:
    def reader(image: object) -> list[Line]:
        return [
            Line(
                (
                    Word("Gesamtbetrag", (600, 1000, 800, 1030), 0.95),
                    Word("319,45", (1000, 1000, 1100, 1030), 0.95),
                    Word("€", (1110, 1000, 1130, 1030), 0.95),
                )
            )
        ]

    with fake_pipeline(settings, {"total": ("319.45", "319,45 €")}, FakeOcrEngine(reader=reader)) as p:
        ex = p.extract(DOCUMENTS / "invoice_scanned.pdf")
    page = ex.document.pages[0]
    assert page.source is WordSource.OCR and page.engine == "fake"
    assert ex.value("total") == "319.45"
    total = ex.field("total")
    assert total is not None and total.bbox == pytest.approx(
        (1000 * 72 / 300, 1000 * 72 / 300, 1130 * 72 / 300, 1030 * 72 / 300), abs=0.5
    )


def test_unread_pages_need_review(settings: Settings) -> None:
    with Pipeline.from_settings(settings, ocr_engine=NoOcrEngine(), tagger=NoTagger()) as p:
        ex = p.extract(DOCUMENTS / "invoice_scanned.pdf")
    assert ex.status is ExtractionStatus.NEEDS_REVIEW
    assert any(v.rule == "pages_read" and v.outcome is RuleOutcome.FAIL for v in ex.validation)
    assert any("no OCR engine" in n for n in ex.notes) and any("no field tagger" in n for n in ex.notes)
    validate_output(ex.to_dict())


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()))
def test_bad_files_become_failed_extractions(settings: Settings, name: str) -> None:
    with fake_pipeline(settings) as p:
        ex = p.process(BAD / name)
    assert ex.status is ExtractionStatus.FAILED and ex.error is not None
    assert ex.error.code in {"empty_file", "encrypted", "corrupt", "truncated", "unsupported_format"}
    assert ex.document.source_name == name
    validate_output(ex.to_dict())


def test_missing_file_is_a_failed_extraction(settings: Settings, tmp_path: Path) -> None:
    with fake_pipeline(settings) as p:
        ex = p.process(tmp_path / "gone.pdf")
    assert ex.error is not None and ex.error.code == "missing_file"


def test_unknown_backend_names_are_reported(settings: Settings) -> None:
    # the list names every registered tagger: fake and none always, layoutlm once its model is installed
    expected = r"unknown tagger backend 'bert'; valid names: fake, (layoutlm, )?none"
    with pytest.raises(UnknownBackendError, match=expected):
        Pipeline.from_settings(replace(settings, tagger=replace(settings.tagger, backend="bert")))


def test_find_phrase_spans_words() -> None:
    from invoicer.ingest import ingest_path

    doc = ingest_path(DOCUMENTS / "invoice_born_digital.pdf")
    hit = find_phrase(doc, "nordlicht bürobedarf gmbh")
    assert hit is not None and [w.text for w in hit[1]] == ["Nordlicht", "Bürobedarf", "GmbH"]
    assert find_phrase(doc, "not on the page") is None


def _comparable(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data["document"]["source_path"] = None
    return data


@pytest.mark.parametrize("stem", ["invoice_born_digital", "invoice_two_pages"])
def test_expected_output(settings: Settings, stem: str) -> None:
    """Born-digital fixtures give exactly the recorded output (`python -m invoicer.synth.fixtures fixtures`)."""
    truth = json.loads((TRUTH / f"{stem}.json").read_text("utf-8"))
    with Pipeline.from_settings(settings, ocr_engine=NoOcrEngine(), tagger=fake_tagger_for(truth)) as p:
        ex = p.extract(DOCUMENTS / f"{stem}.pdf")
    expected = json.loads((EXPECTED / f"{stem}.json").read_text("utf-8"))
    assert _comparable(ex.to_dict()) == expected


def test_the_expected_outputs_are_what_the_fixture_generator_writes(tmp_path: Path) -> None:
    """Regression: the generator validated with the shipped per-field thresholds, the test with one threshold,
    so regenerated expected files could not pass (`python -m invoicer.synth.fixtures fixtures`)."""
    import shutil

    from invoicer.synth.fixtures import write_expected

    for folder in ("documents", "truth"):
        shutil.copytree(FIXTURES / folder, tmp_path / folder)
    for path in write_expected(tmp_path):
        assert json.loads(path.read_text("utf-8")) == json.loads((EXPECTED / path.name).read_text("utf-8")), path.name
