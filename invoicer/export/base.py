"""What an export format is: options in, CSV text out (with the invoices it wrote and what it left out)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from invoicer.errors import ExportError

__all__ = ["ExportFormat", "ExportOptions", "Rendered", "bill_lines", "require", "split_complete"]


@dataclass(frozen=True)
class ExportOptions:
    """Choices for a CSV export; ``None`` means the format's default."""

    delimiter: str | None = None
    decimal: str | None = None
    date_format: str | None = None  # strftime pattern
    encoding: str | None = None
    with_lines: bool = False  # generic: also render the line-items file
    account: str | None = None  # expense account (Xero AccountCode, QuickBooks Account, DATEV Konto)
    contra_account: str | None = None  # DATEV: creditor (Kreditor) account
    tax_code: str | None = None  # Xero TaxType / QuickBooks Line Tax Code
    datev_consultant: int | None = None  # Beraternummer
    datev_client: int | None = None  # Mandantennummer
    datev_account_length: int = 4  # Sachkontenlänge
    fiscal_year_start: str = "0101"  # MMDD
    fiscal_year: int | None = None  # DATEV: the fiscal year to export (needed when invoices span several)
    currency: str = "EUR"  # DATEV: the batch currency (WKZ)


@dataclass(frozen=True)
class Rendered:
    """A rendered export: file text, the invoices in it, and remarks for the user."""

    text: str
    invoice_ids: tuple[int, ...]
    rows: int
    lines_text: str | None = None
    notes: tuple[str, ...] = field(default=())


class ExportFormat(Protocol):
    """A CSV format: ``render`` turns invoice and line frames (from the pull views) into file text."""

    name: str
    delimiter: str
    decimal: str
    date_format: str
    encoding: str
    line_terminator: str

    def render(
        self, invoices: pd.DataFrame, lines: pd.DataFrame, options: ExportOptions, created: dt.datetime
    ) -> Rendered: ...


def require(value: str | None, option: str, fmt: str, what: str) -> str:
    """``value`` or an :class:`ExportError` telling the user which option to give."""
    if value is None or not str(value).strip():
        raise ExportError(f"the {fmt} export needs {option} ({what})", hint=f"add {option} ...")
    return str(value).strip()


def split_complete(invoices: pd.DataFrame, needed: dict[str, str], fmt: str) -> tuple[pd.DataFrame, list[str]]:
    """Invoices that have every column in ``needed`` (name → label), and notes about the rest."""
    ok = pd.Series(True, index=invoices.index)
    notes = []
    for column, label in needed.items():
        missing = invoices[column].isna() | (invoices[column].astype(str).str.strip() == "")
        if missing.any():
            ids = invoices.loc[missing, "invoice_id"].tolist()
            shown = ", ".join(map(str, ids[:10])) + (" ..." if len(ids) > 10 else "")
            notes.append(f"{len(ids)} invoice(s) without {label} left out of the {fmt} file (ids {shown})")
        ok &= ~missing
    return invoices[ok], notes


def bill_lines(invoices: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per line item (net amounts); an invoice without items becomes one summary line.

    Columns: the invoice's columns plus ``description``, ``quantity``, ``unit_price``, ``amount``,
    ``tax_amount`` (only on summary lines, from ``tax_total``), ``line_number``.
    """
    items = lines[["invoice_id", "line_number", "description", "quantity", "unit_price", "amount"]]
    items = items[items["invoice_id"].isin(invoices["invoice_id"])]
    with_items = invoices.merge(items, on="invoice_id", how="inner")
    quantity = with_items["quantity"].where(with_items["quantity"].notna(), 1.0)
    unit = with_items["unit_price"]
    amount = with_items["amount"]
    unit = unit.where(unit.notna(), amount / quantity.where(quantity != 0))
    amount = amount.where(amount.notna(), quantity * unit)
    with_items = with_items.assign(quantity=quantity, unit_price=unit, amount=amount, tax_amount=float("nan"))
    with_items["description"] = with_items["description"].fillna("")

    bare = invoices[~invoices["invoice_id"].isin(items["invoice_id"])]
    net = bare["subtotal"].where(bare["subtotal"].notna(), bare["total"])
    summary = bare.assign(
        line_number=1,
        description="Invoice " + bare["invoice_number"].fillna("").astype(str),
        quantity=1.0,
        unit_price=net,
        amount=net,
        tax_amount=bare["tax_total"].where(bare["subtotal"].notna()),
    )
    rows = pd.concat([with_items, summary], ignore_index=True)
    return rows.sort_values(["invoice_id", "line_number"], kind="stable").reset_index(drop=True)
