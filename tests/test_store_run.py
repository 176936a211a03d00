"""``invoicer run``: files through the whole pipeline into the database, failures recorded, re-runs idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from invoicer.store.database import Database
from invoicer.store.models import DocumentRow, ExtractionRow
from invoicer.store.testing import migrated_sqlite

from .conftest import BAD, DOCUMENTS


def _env(path: Path) -> dict[str, str]:
    # no OCR and no tagger model: fast, and the born-digital PDF is read from its text layer
    return {
        "INVOICER_DATABASE_URL": f"sqlite:///{path}",
        "INVOICER_OCR_ENGINE": "none",
        "INVOICER_TAGGER_BACKEND": "none",
    }


def test_run_stores_documents_and_failures(tmp_path: Path) -> None:
    from invoicer.cli import app

    db_file = tmp_path / "inv.db"
    migrated_sqlite(db_file).dispose()
    good, empty, corrupt = DOCUMENTS / "invoice_born_digital.pdf", BAD / "empty.pdf", BAD / "corrupt.pdf"
    missing = tmp_path / "missing.pdf"
    runner = CliRunner()
    result = runner.invoke(app, ["run", str(good), str(empty), str(corrupt), str(missing), "--json"], env=_env(db_file))
    assert result.exit_code == 1, result.output
    assert f"✓ {good}" in result.output and "document 1 v1 (needs_review)" in result.output
    assert f"✗ {empty}" in result.output and "[empty_file]" in result.output
    assert "[corrupt]" in result.output and "[missing_file]" in result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(r["document_id"], r["status"], r["stored"]) for r in records] == [
        (1, "needs_review", True),
        (2, "failed", True),
        (3, "failed", True),
        (4, "failed", True),
    ]

    database = Database(f"sqlite:///{db_file}")
    try:
        with database.read() as session:
            docs = {d.id: (d.status, d.error_code, d.original_path) for d in session.scalars(select(DocumentRow))}
        assert docs[1] == ("needs_review", None, str(good.resolve()))
        assert docs[2][:2] == ("failed", "empty_file") and docs[4][:2] == ("failed", "missing_file")

        again = runner.invoke(app, ["run", str(good), str(empty)], env=_env(db_file))
        assert again.exit_code == 1  # the empty file is still a failed document
        assert "already stored as document 1 (needs_review)" in again.output
        assert "already stored as document 2 (failed)" in again.output

        redo = runner.invoke(app, ["run", str(good), "--reprocess", "--quiet"], env=_env(db_file))
        assert redo.exit_code == 0 and redo.output == ""
        with database.read() as session:
            versions = session.scalars(
                select(ExtractionRow.version).where(ExtractionRow.document_id == 1).order_by(ExtractionRow.version)
            ).all()
            assert versions == [1, 2]
            assert session.scalar(select(DocumentRow.current_version).where(DocumentRow.id == 1)) == 2
    finally:
        database.dispose()


def test_run_needs_a_migrated_database(tmp_path: Path) -> None:
    from invoicer.cli import app

    result = CliRunner().invoke(app, ["run", str(DOCUMENTS / "invoice_born_digital.pdf")], env=_env(tmp_path / "x.db"))
    assert result.exit_code == 2 and "invoicer db upgrade" in result.output
