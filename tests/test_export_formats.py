"""Each export format is read back by pandas with the right types; DATEV follows the EXTF layout."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from invoicer.document import ExtractionStatus
from invoicer.errors import ExportError, UnknownBackendError
from invoicer.export import FORMATS, ExportOptions, export_invoices
from invoicer.export.datev import DATEV_COLUMNS
from invoicer.export.formats import GENERIC_COLUMNS, QUICKBOOKS_COLUMNS, XERO_COLUMNS
from invoicer.store.database import Database
from invoicer.store.models import AuditEntry
from invoicer.store.pull import invoice_lines_v1, invoices_v1
from invoicer.store.synthetic import store_many, synthetic_extraction
from invoicer.store.testing import migrated_sqlite

DATEV = ExportOptions(account="3400", contra_account="70000", datev_consultant=29098, datev_client=55003)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 approved invoices with 3 lines, one without lines or due date, one that needs review."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = migrated_sqlite(path)
    invoices = [synthetic_extraction(k, lines=3, review_share=0.0) for k in range(30)]
    bare = synthetic_extraction(30, lines=0, review_share=0.0)
    invoices.append(bare.with_fields(f for f in bare.fields if f.name != "due_date"))
    invoices.append(replace(synthetic_extraction(31, lines=2), status=ExtractionStatus.NEEDS_REVIEW))
    store_many(database, invoices)
    database.dispose()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "inv.db"
    shutil.copy(template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def _approved(db: Database) -> pd.DataFrame:
    with db.read() as session:
        rows = session.execute(select(invoices_v1).where(invoices_v1.c.status == "approved")).all()
        lines = session.execute(select(invoice_lines_v1)).all()
    frame = pd.DataFrame(rows, columns=[c.name for c in invoices_v1.columns]).set_index("invoice_id")
    frame.attrs["lines"] = pd.DataFrame(lines, columns=[c.name for c in invoice_lines_v1.columns])
    return frame


def _statuses(db: Database) -> dict[int, str]:
    with db.read() as session:
        return dict(session.execute(select(invoices_v1.c.invoice_id, invoices_v1.c.status)).all())


def test_generic_reads_back_with_types(db: Database, tmp_path: Path) -> None:
    expected = _approved(db)
    out, lines_out = tmp_path / "invoices.csv", tmp_path / "lines.csv"
    result = export_invoices(db, "generic", out, lines_out=lines_out, mark=False)
    assert (result.invoices, result.rows, result.lines_path) == (31, 31, lines_out)
    frame = pd.read_csv(out, parse_dates=["invoice_date", "due_date", "updated_at"])
    assert tuple(frame.columns) == GENERIC_COLUMNS
    assert frame["invoice_id"].dtype == "int64" and frame["line_count"].dtype == "int64"
    for column in ("subtotal", "tax_total", "total"):
        assert frame[column].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(frame["invoice_date"])
    assert pd.api.types.is_datetime64_any_dtype(frame["updated_at"])
    assert frame["due_date"].isna().sum() == 1
    frame = frame.set_index("invoice_id")
    assert set(frame.index) == set(expected.index)
    assert (frame["total"] - expected["total"]).abs().max() < 0.005
    assert (frame["invoice_date"].dt.date == expected["invoice_date"]).all()
    assert frame["vendor_name"].str.contains('Smith & Sons "Printing"; Inc.', regex=False).any()
    assert frame["document_link"].str.startswith("file:///inbox/invoice-").all()
    lines = pd.read_csv(lines_out)
    assert lines["quantity"].dtype.kind in "if" and lines["amount"].dtype == "float64"
    assert len(lines) == 90 and set(lines["invoice_id"]) < set(frame.index)
    sums = lines.groupby("invoice_id")["amount"].sum()
    assert (sums - frame.loc[sums.index, "subtotal"]).abs().max() < 0.005


def test_delimiter_and_decimal_options(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "semicolon.csv"
    options = ExportOptions(delimiter=";", decimal=",", date_format="%d.%m.%Y", encoding="cp1252")
    export_invoices(db, "generic", out, options=options, mark=False)
    frame = pd.read_csv(out, sep=";", decimal=",", encoding="cp1252")
    assert frame["total"].dtype == "float64"
    assert "," in out.read_text("cp1252").splitlines()[1]
    dates = pd.to_datetime(frame["invoice_date"], format="%d.%m.%Y")
    assert dates.notna().all()
    assert (frame.set_index("invoice_id")["total"] - _approved(db)["total"]).abs().max() < 0.005
    with pytest.raises(ExportError, match="both ','"):
        export_invoices(db, "generic", tmp_path / "x.csv", options=ExportOptions(decimal=","), mark=False)
    with pytest.raises(ExportError, match="unknown encoding"):
        export_invoices(db, "generic", tmp_path / "x.csv", options=ExportOptions(encoding="klingon"), mark=False)
    with pytest.raises(UnknownBackendError, match="datev, generic, quickbooks, xero"):
        export_invoices(db, "sage", tmp_path / "x.csv")
    assert set(FORMATS.names()) == {"generic", "xero", "quickbooks", "datev"}


def test_xero_bills_read_back(db: Database, tmp_path: Path) -> None:
    expected = _approved(db)
    out = tmp_path / "xero.csv"
    with pytest.raises(ExportError, match="--account"):
        export_invoices(db, "xero", out, mark=False)
    result = export_invoices(
        db, "xero", out, options=ExportOptions(account="400", tax_code="Tax on Purchases"), mark=False
    )
    assert any("due date" in note for note in result.notes)
    frame = pd.read_csv(out)
    assert tuple(frame.columns) == XERO_COLUMNS
    assert len(frame) == 30 * 3 + 1 == result.rows
    assert frame["*UnitAmount"].dtype == "float64" and frame["*Quantity"].dtype.kind in "if"
    assert (frame["*AccountCode"] == 400).all() and (frame["*TaxType"] == "Tax on Purchases").all()
    dates = pd.to_datetime(frame["*InvoiceDate"], format="%d/%m/%Y")
    net = (frame["*Quantity"] * frame["*UnitAmount"]).groupby(frame["*InvoiceNumber"]).sum()
    by_number = expected.set_index("invoice_number")
    assert (net - by_number.loc[net.index, "subtotal"]).abs().max() < 0.01
    assert set(frame["Currency"]) == set(expected["currency"])
    bare = frame[frame["Description"].str.startswith("Invoice ")]
    assert len(bare) == 1 and bare["*DueDate"].iloc[0] == bare["*InvoiceDate"].iloc[0]
    assert bare["TaxAmount"].notna().all()
    assert dates.dt.year.eq(2026).all()


def test_quickbooks_bills_read_back(db: Database, tmp_path: Path) -> None:
    expected = _approved(db)
    out = tmp_path / "qbo.csv"
    export_invoices(db, "quickbooks", out, options=ExportOptions(account="Office Supplies"), mark=False)
    frame = pd.read_csv(out)
    assert tuple(frame.columns) == QUICKBOOKS_COLUMNS
    assert frame["Line Amount"].dtype == "float64"
    assert pd.to_datetime(frame["Bill Date"], format="%m/%d/%Y").notna().all()
    sums = frame.groupby("Bill No.")["Line Amount"].sum()
    by_number = expected.set_index("invoice_number")
    assert (sums - by_number.loc[sums.index, "subtotal"]).abs().max() < 0.01
    assert frame["Memo"].str.match(r"invoicer #\d+ invoice-\d+\.pdf").all()


def test_datev_follows_the_extf_layout(db: Database, tmp_path: Path) -> None:
    expected = _approved(db)
    eur = expected[expected["currency"] == "EUR"]
    out = tmp_path / "EXTF_Buchungsstapel.csv"
    result = export_invoices(db, "datev", out, options=DATEV, mark=False)
    assert result.invoices == len(eur) and any("not in EUR left out" in n for n in result.notes)
    raw = out.read_bytes()
    assert raw.count(b"\r\n") == len(eur) + 2 and b"\n" not in raw.replace(b"\r\n", b"")
    header, columns = raw.decode("cp1252").split("\r\n")[:2]
    fields = header.split(";")
    assert len(fields) == 31
    assert fields[:5] == ['"EXTF"', "700", "21", '"Buchungsstapel"', "13"]
    assert len(fields[5]) == 17 and fields[5].isdigit()  # created: YYYYMMDDHHMMSSFFF
    assert (fields[10], fields[11], fields[12], fields[13]) == ("29098", "55003", "20260101", "4")
    assert fields[14] == min(eur["invoice_date"]).strftime("%Y%m%d")
    assert fields[15] == max(eur["invoice_date"]).strftime("%Y%m%d")
    assert (fields[18], fields[21]) == ("1", '"EUR"')
    assert columns.split(";") == list(DATEV_COLUMNS)

    frame = pd.read_csv(
        out, sep=";", decimal=",", skiprows=1, encoding="cp1252", dtype={"Belegdatum": str, "Fälligkeit": str}
    )
    assert list(frame.columns) == list(DATEV_COLUMNS)
    umsatz = frame["Umsatz (ohne Soll/Haben-Kz)"]
    assert umsatz.dtype == "float64"
    booked = frame.set_index(frame["Beleginfo - Inhalt 1"].astype(int))
    assert set(booked.index) == set(eur.index)
    assert (booked["Umsatz (ohne Soll/Haben-Kz)"] - eur["total"]).abs().max() < 0.005
    assert (booked["Belegdatum"] == eur["invoice_date"].map(lambda d: d.strftime("%d%m"))).all()
    assert set(frame["Soll/Haben-Kennzeichen"]) == {"S"} and set(frame["WKZ Umsatz"]) == {"EUR"}
    assert (frame["Konto"] == 3400).all() and (frame["Gegenkonto (ohne BU-Schlüssel)"] == 70000).all()
    assert (booked["Belegfeld 1"] == eur["invoice_number"]).all()
    assert booked["Buchungstext"].str.len().max() <= 60
    assert "Müller Bürobedarf GmbH" in set(frame["Buchungstext"])  # umlauts survive Windows-1252


def test_datev_batches_hold_one_fiscal_year(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "datev.csv"
    july = replace(DATEV, fiscal_year_start="0701")  # invoices from January to October span two fiscal years
    with pytest.raises(ExportError, match="2 fiscal years") as info:
        export_invoices(db, "datev", out, options=july)
    assert info.value.hint == "export each with --fiscal-year YEAR"
    assert not out.exists() and not list(tmp_path.glob(".*tmp"))
    assert set(_statuses(db).values()) == {"approved", "needs_review"}  # nothing was marked
    result = export_invoices(db, "datev", out, options=replace(july, fiscal_year=2026))
    header = out.read_text("cp1252").split("\r\n")[0].split(";")
    assert header[12] == "20260701" and header[14] >= "20260701"
    assert result.marked == result.invoices > 0 and any("outside fiscal year 2026" in n for n in result.notes)
    for missing, message in (
        (replace(DATEV, datev_consultant=None), "--datev-consultant"),
        (replace(DATEV, account="34000"), "4-digit"),
        (replace(DATEV, fiscal_year_start="1399"), "MMDD"),
        (replace(DATEV, decimal="."), "decimal mark"),
    ):
        with pytest.raises(ExportError, match=message):
            export_invoices(db, "datev", out, options=missing)


def test_export_marks_what_it_wrote_in_the_same_transaction(db: Database, tmp_path: Path) -> None:
    before = _statuses(db)
    out = tmp_path / "all.csv"
    result = export_invoices(db, "generic", out, statuses=None)
    assert result.selected == result.invoices == 32
    assert result.outcomes == {"marked": 31, "not_exportable": 1}
    assert any("not marked" in n for n in result.notes)
    after = _statuses(db)
    assert [k for k, v in after.items() if v != "exported"] == [k for k, v in before.items() if v == "needs_review"]
    with db.read() as session:
        actors = set(session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "exported")))
        reference = session.scalar(select(invoices_v1.c.export_reference).where(invoices_v1.c.status == "exported"))
    assert actors == {"export:generic"} and reference == str(out.resolve())
    again = export_invoices(db, "generic", tmp_path / "again.csv")
    assert again.path is None and again.notes == ("no invoices matched; nothing written",)
    assert not (tmp_path / "again.csv").exists()


def test_since_cursor_selects_later_changes_only(db: Database, tmp_path: Path) -> None:
    first = export_invoices(db, "generic", tmp_path / "first.csv", limit=10, mark=False)
    assert first.invoices == 10 and first.next_cursor is not None
    rest = export_invoices(db, "generic", tmp_path / "rest.csv", since=first.next_cursor, mark=False)
    ids_first = set(pd.read_csv(tmp_path / "first.csv")["invoice_id"])
    ids_rest = set(pd.read_csv(tmp_path / "rest.csv")["invoice_id"])
    assert not ids_first & ids_rest and len(ids_first | ids_rest) == 31
    assert rest.invoices == 21 and rest.next_cursor is not None and rest.next_cursor > first.next_cursor


def test_export_command(db: Database, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from invoicer.cli import app

    env = {"INVOICER_DATABASE_URL": str(db.url)}
    out = tmp_path / "datev.csv"
    args = ["export", "--format", "datev", "--out", str(out), "--account", "3400", "--contra-account", "70000"]
    missing = CliRunner().invoke(app, args, env=env)
    assert missing.exit_code == 2 and "--datev-consultant" in missing.output
    args += ["--datev-consultant", "1001", "--datev-client", "1"]
    done = CliRunner().invoke(app, args, env=env)
    assert done.exit_code == 0, done.output
    assert "marked exported" in done.output and "next: --since '" in done.output
    assert out.read_bytes().startswith(b'"EXTF";700;21;"Buchungsstapel";13;')
    preview = CliRunner().invoke(
        app, ["export", "-f", "generic", "-o", str(tmp_path / "p.csv"), "--status", "all", "--no-mark"], env=env
    )
    assert preview.exit_code == 0 and "not marked (--no-mark)" in preview.output
    bad = CliRunner().invoke(
        app, ["export", "-f", "generic", "-o", str(tmp_path / "b.csv"), "--status", "done"], env=env
    )
    assert bad.exit_code == 2 and "unknown status done" in bad.output
