"""Truth of synthetic documents: contract form, labels on ingest's words, values, arithmetic."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest

from invoicer.contract import contract_problems
from invoicer.synth.check import ingest_problems, truth_problems
from invoicer.synth.content import INCONSISTENT_SHARE, ContentOptions, make_content
from invoicer.synth.engine import SynthOptions, render_document
from invoicer.synth.layouts import families
from invoicer.synth.locales import LOCALE_CODES, LOCALES
from invoicer.synth.render import overlapping_spans
from invoicer.synth.truth import truth_of, truth_to_extraction

FAMILY_NAMES = [f.name for f in families()]


def test_there_are_at_least_25_families_of_both_kinds() -> None:
    kinds = [f.kind for f in families()]
    assert len(FAMILY_NAMES) >= 25
    assert kinds.count("invoice") >= 12 and kinds.count("receipt") >= 10
    assert len({f.description for f in families()}) == len(FAMILY_NAMES)


@pytest.fixture(scope="module")
def one_per_family() -> list[tuple[object, dict]]:
    out = []
    for k, name in enumerate(FAMILY_NAMES):
        code = LOCALE_CODES[k % len(LOCALE_CODES)]
        rd = render_document(7, k, SynthOptions(layouts=(name,), locales=(code,)))
        out.append((rd, truth_of(rd, file_name=f"{rd.id}.pdf", media_type="application/pdf")))
    return out


def test_every_family_renders_truth_that_checks_out(one_per_family: list) -> None:
    problems = [p for _, truth in one_per_family for p in truth_problems(truth)]
    assert problems == []


def test_truth_words_are_exactly_what_ingest_reads(one_per_family: list) -> None:
    problems = [p for rd, truth in one_per_family for p in ingest_problems(truth, rd.pdf)]
    assert problems == []


def test_truth_is_an_extraction_in_the_contract(one_per_family: list) -> None:
    for _, truth in one_per_family:
        extraction = truth_to_extraction(truth)
        assert contract_problems(extraction.to_dict()) == []
        assert extraction.value("total") == truth["fields"]["total"]["value"]
        assert truth["layout"] in FAMILY_NAMES and truth["locale"] in LOCALES
        assert truth["kind"] in ("invoice", "receipt")


def test_every_printed_field_is_labelled_on_its_words(one_per_family: list) -> None:
    for _, truth in one_per_family:
        words = [w for p in truth["pages"] for w in p["words"]]
        for name, field in truth["fields"].items():
            labelled = " ".join(w["text"] for w in words if w["label"][2:] == name.upper())
            raw = " ".join(field["raw"].split())
            if labelled:
                assert raw in labelled, (truth["layout"], name, raw, labelled)
            else:  # only a currency sign glued to the total may go unlabelled
                total = " ".join(w["text"] for w in words if w["label"][2:] == "TOTAL")
                assert name == "currency" and raw in total, (truth["layout"], name)
        for item, raw in zip(truth["line_items"], truth["line_items_raw"], strict=True):
            assert item["amount"] is not None and "amount" in raw


def test_no_text_overlaps_on_any_family(one_per_family: list) -> None:
    for rd, _ in one_per_family:
        assert [p for sheet in rd.ctx.sheets for p in overlapping_spans(sheet)] == [], rd.family.name


def test_documents_cover_locales_kinds_pages_and_page_sizes() -> None:
    seen_pages, sizes, locales, kinds = set(), set(), set(), set()
    for i in range(40):
        rd = render_document(3, i, SynthOptions())
        seen_pages.add(len(rd.ctx.sheets))
        sizes.add(round(rd.ctx.sheets[0].width))
        locales.add(rd.content.locale.code)
        kinds.add(rd.family.kind)
        assert 1 <= len(rd.ctx.sheets) <= 3
    assert locales == set(LOCALE_CODES) and kinds == {"invoice", "receipt"}
    assert {595, 612} <= sizes and any(w < 300 for w in sizes)  # A4, Letter and till rolls
    assert max(seen_pages) >= 2


def test_long_invoices_continue_across_pages_with_every_item() -> None:
    opts = SynthOptions(layouts=("wholesale_grid", "us_corporate", "facture_fr", "din5008_letter"))
    for i in range(80):
        rd = render_document(5, i, opts)
        if len(rd.ctx.sheets) < 2:
            continue
        truth = truth_of(rd, file_name="x.pdf", media_type="application/pdf")
        assert len(truth["line_items"]) == len(rd.content.items)
        if {item["page"] for item in truth["line_items"]} >= {1, 2}:  # the table runs over a page break
            assert truth_problems(truth) == [] and ingest_problems(truth, rd.pdf) == []
            return
    pytest.fail("no item table running over two pages in 80 draws")


def test_arithmetic_adds_up_except_a_recorded_share() -> None:
    rng = random.Random(11)
    opts = ContentOptions(domains=("office", "it", "services"))
    inconsistent = 0
    n = 300
    for k in range(n):
        doc = make_content(LOCALES[LOCALE_CODES[k % 6]], opts, rng)
        adds_up = doc.subtotal + doc.tax_total == doc.total
        assert adds_up == doc.consistent or (not doc.consistent and doc.total != doc.subtotal + doc.tax_total)
        if doc.consistent:
            assert adds_up
            assert doc.tax_total == sum((t.tax for t in doc.tax_lines), Decimal(0))
        else:
            inconsistent += 1
            assert doc.subtotal + sum((t.tax for t in doc.tax_lines), Decimal(0)) != doc.total
    assert 0 < inconsistent < n * INCONSISTENT_SHARE * 3


def test_bad_options_are_config_errors() -> None:
    from invoicer.errors import ConfigError

    with pytest.raises(ConfigError, match="valid"):
        SynthOptions(locales=("xx-XX",))
    with pytest.raises(ConfigError, match="valid names"):
        SynthOptions(layouts=("no_such_layout",))
    with pytest.raises(ConfigError, match="mode"):
        SynthOptions(mode="video")


def test_check_command_reports_a_folder_and_fails_on_a_broken_truth(tmp_path: Path) -> None:
    from invoicer.synth.check import main
    from invoicer.synth.engine import generate

    generate(tmp_path, 3, 21)
    assert main([str(tmp_path), "--ingest"]) == 0
    truth_file = tmp_path / "000001.json"
    truth = json.loads(truth_file.read_text("utf-8"))
    truth["fields"]["total"]["value"] = "0.01"  # no longer what the labelled words print
    truth_file.write_text(json.dumps(truth), "utf-8")
    assert main([str(tmp_path)]) == 1
    assert main([str(tmp_path / "empty")]) == 2
