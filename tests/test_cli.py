from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from invoicer.cli import app
from invoicer.contract import validate_output
from tests.conftest import BAD, DOCUMENTS

runner = CliRunner()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(DOCUMENTS / "invoice_born_digital.pdf", folder / "a.pdf")
    shutil.copy(DOCUMENTS / "invoice_two_pages.pdf", folder / "sub" / "b.pdf")
    shutil.copy(BAD / "encrypted.pdf", folder / "locked.pdf")
    shutil.copy(BAD / "not_a_document.pdf", folder / "sub" / "notes.pdf")
    (folder / ".hidden").write_text("ignored")
    return folder


def env(**extra: str) -> dict[str, str]:
    return {"INVOICER_OCR_ENGINE": "none", **extra}


def test_extract_folder_writes_json_per_file_and_fails_for_bad_ones(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(inbox), "--out", str(out)], env=env())
    assert result.exit_code == 1, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == ["a.json", "b.json", "locked.json", "notes.json"]
    for name in written:
        validate_output(json.loads((out / name).read_text("utf-8")))
    a = json.loads((out / "a.json").read_text("utf-8"))
    assert a["status"] == "needs_review" and a["document"]["pages"][0]["source"] == "text_layer"
    locked = json.loads((out / "locked.json").read_text("utf-8"))
    assert locked["status"] == "failed" and locked["error"]["code"] == "encrypted"
    assert "password-protected" in result.output and "not a PDF or image" in result.output
    assert "4 file(s): 2 failed, 2 needs_review" in result.output


def test_extract_all_good_exits_zero_and_prints_json(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["extract", str(DOCUMENTS / "invoice_born_digital.pdf"), "--out", str(tmp_path), "--json", "-q"], env=env()
    )
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout.strip().splitlines()[0])
    assert line["document"]["source_name"] == "invoice_born_digital.pdf"
    assert (tmp_path / "invoice_born_digital.json").exists()


def test_same_stem_twice_gets_distinct_outputs(tmp_path: Path) -> None:
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        shutil.copy(DOCUMENTS / "invoice_born_digital.pdf", tmp_path / d / "inv.pdf")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["extract", str(tmp_path / "x" / "inv.pdf"), str(tmp_path / "y" / "inv.pdf"), "-o", str(out)], env=env()
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["inv-2.json", "inv.json"]


def test_missing_path_is_reported(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.pdf"), "-o", str(tmp_path)], env=env())
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_empty_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path)], env=env())
    assert result.exit_code == 1 and "no input files" in result.output


def test_unknown_backend_lists_valid_names(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["extract", str(DOCUMENTS / "invoice_born_digital.pdf"), "-o", str(tmp_path)],
        env=env(INVOICER_OCR_ENGINE="paddle"),
    )
    assert result.exit_code == 2
    assert "unknown ocr backend 'paddle'; valid names:" in result.output and "tesseract" in result.output


def test_bad_setting_is_a_usage_error() -> None:
    result = runner.invoke(app, ["config"], env={"INVOICER_INGEST_DPI": "high"})
    assert result.exit_code == 2 and "ingest.dpi" in result.output


def test_config_and_backends_commands() -> None:
    result = runner.invoke(app, ["config"], env={"INVOICER_INGEST_DPI": "200"})
    assert result.exit_code == 0 and json.loads(result.stdout)["ingest"]["dpi"] == 200
    result = runner.invoke(app, ["backends"])
    assert result.exit_code == 0 and "tesseract" in result.stdout and "required_fields" in result.stdout
