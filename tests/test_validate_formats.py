"""The format table (tests/data/formats.tsv): real-world date / amount / currency formats, every row checked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from invoicer.errors import DatasetError
from invoicer.validate.format_table import FormatRow, load_format_table, run_row

TABLE = Path(__file__).parent / "data" / "formats.tsv"
ROWS = load_format_table(TABLE)


def test_table_covers_the_sources_and_kinds() -> None:
    assert len(ROWS) >= 100
    kinds = Counter(r.kind for r in ROWS)
    assert kinds["date"] >= 40 and kinds["amount"] >= 40 and kinds["currency"] >= 15
    sources = Counter(r.source.split(" ")[0] for r in ROWS)
    assert sources["SROIE"] >= 30 and sources["receipts-pdf"] >= 30 and sources["synthetic"] >= 30
    locales = {
        loc for loc in ("en-US", "en-GB", "de-DE", "fr-FR", "nl-NL", "es-ES") if any(loc in r.source for r in ROWS)
    }
    assert len(locales) == 6
    outcomes = Counter(r.expected for r in ROWS)
    assert outcomes["AMBIGUOUS"] >= 8 and outcomes["ERROR"] >= 8 and outcomes["UNKNOWN"] >= 5


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"line{r.line}-{r.kind}")
def test_row(row: FormatRow) -> None:
    result = run_row(row)
    assert result.ok, f"{row.raw!r} ({row.source}): expected {row.expected}, got {result.got}: {result.detail}"


def test_malformed_tables_are_reported(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="cannot read"):
        load_format_table(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("kind\traw\texpected\tevidence\tsource\ndate\t1.1.2024\t2024-01-01\tplace=DE\tme\n", "utf-8")
    with pytest.raises(DatasetError, match="bad evidence"):
        load_format_table(bad)
    bad.write_text("kind\traw\n", "utf-8")
    with pytest.raises(DatasetError, match="header"):
        load_format_table(bad)
