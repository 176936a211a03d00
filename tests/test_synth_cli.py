"""The synth, draw-labels and gallery commands, and determinism of whole runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image
from typer.testing import CliRunner

from invoicer.cli import app

runner = CliRunner()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_synth_writes_documents_truth_and_manifest(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--n", "4", "--out", str(tmp_path / "a"), "--seed", "3", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 4 and report["machine"]["cpu_count"]
    manifest = [json.loads(x) for x in (tmp_path / "a" / "manifest.jsonl").read_text().splitlines()]
    assert [m["id"] for m in manifest] == ["000000", "000001", "000002", "000003"]
    for m in manifest:
        assert (tmp_path / "a" / m["files"][0]).read_bytes().startswith(b"%PDF-")
        truth = json.loads((tmp_path / "a" / m["truth"]).read_text())
        assert truth["layout"] == m["layout"] and truth["locale"] == m["locale"]


def test_same_seed_same_bytes_any_worker_count(tmp_path: Path) -> None:
    args = ["synth", "--n", "5", "--seed", "8", "-q"]
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "one")]).exit_code == 0
    assert runner.invoke(app, [*args, "--out", str(tmp_path / "two"), "--workers", "2"]).exit_code == 0
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    other_run = ["synth", "--n", "5", "--seed", "9", "-q", "--out", str(tmp_path / "other")]
    assert runner.invoke(app, other_run).exit_code == 0
    other = _files(tmp_path / "other")
    assert other["000000.json"] != _files(tmp_path / "one")["000000.json"]


def test_synth_filters_kind_and_locale(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--n", "4", "--out", str(tmp_path), "--seed", "1", "--kind", "receipt",
                                 "--locales", "fr-FR", "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["by_kind"] == {"receipt": 4} and report["by_locale"] == {"fr-FR": 4}


def test_bad_options_give_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--n", "2", "--out", str(tmp_path), "--locales", "de-AT"])
    assert result.exit_code == 2
    assert "unknown locale 'de-AT'" in result.output and "de-DE" in result.output
    result = runner.invoke(app, ["synth", "--n", "2", "--out", str(tmp_path), "--layouts", "nope"])
    assert result.exit_code == 2 and "din5008_letter" in result.output
    result = runner.invoke(app, ["synth", "--n", "0", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--n" in result.output


def test_draw_labels_on_truth_and_extraction(tmp_path: Path) -> None:
    assert runner.invoke(app, ["synth", "--n", "1", "--out", str(tmp_path), "--seed", "2", "-q"]).exit_code == 0
    result = runner.invoke(app, ["draw-labels", str(tmp_path / "000000.json"), "--out", str(tmp_path / "t.png")])
    assert result.exit_code == 0, result.output
    img = np.asarray(Image.open(tmp_path / "t.png").convert("RGB"))
    assert img.shape[1] > 100 and len(np.unique(img.reshape(-1, 3), axis=0)) > 20  # coloured boxes on the page

    from invoicer.synth.truth import truth_to_extraction

    truth = json.loads((tmp_path / "000000.json").read_text())
    (tmp_path / "x.json").write_text(json.dumps(truth_to_extraction(truth).to_dict()))
    result = runner.invoke(app, ["draw-labels", str(tmp_path / "x.json"), "--document", str(tmp_path / "000000.pdf"),
                                 "--out", str(tmp_path / "x.png")])
    assert result.exit_code == 0, result.output and (tmp_path / "x.png").is_file()
    result = runner.invoke(app, ["draw-labels", str(tmp_path / "missing.json")])
    assert result.exit_code == 2 and "no such file" in result.output
