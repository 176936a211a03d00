"""The acceptance check on 500 documents (slow): every truth value is found among its labelled words,
and the words are exactly what ingest reads (also run and reported by benchmarks/synth/check_labels.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invoicer.synth.check import ingest_problems, truth_problems
from invoicer.synth.engine import SynthOptions, generate


@pytest.mark.slow
def test_500_documents_have_every_truth_value_on_its_labelled_words(tmp_path: Path) -> None:
    summary = generate(tmp_path, 500, 2026, SynthOptions(), workers=2)
    assert summary.n == 500 and len(summary.by_layout) >= 25 and len(summary.by_locale) == 6
    problems: list[str] = []
    for line in (tmp_path / "manifest.jsonl").read_text().splitlines():
        rec = json.loads(line)
        truth = json.loads((tmp_path / rec["truth"]).read_text())
        problems += truth_problems(truth)
        problems += ingest_problems(truth, (tmp_path / rec["files"][0]).read_bytes())
    assert problems == []
