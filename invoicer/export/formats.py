"""The generic, Xero and QuickBooks Online CSV formats.

* ``generic``: one row per invoice with every column of ``invoices_v1`` a bookkeeper needs and a
  link to the original document; optionally a second file with one row per line item.
* ``xero``: Xero's bills import template (Business › Bills to pay › Import): one row per line
  item, header repeated; required columns are marked with ``*`` as in Xero's template.
* ``quickbooks``: QuickBooks Online's bill import (Settings › Import data › Bills): one row per
  expense line.

Amounts in the bill formats are net (tax exclusive); choose "tax exclusive" when importing.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from invoicer.export.base import ExportOptions, Rendered, bill_lines, require, split_complete
from invoicer.export.frames import document_link, format_dates, format_numbers

__all__ = [
    "GENERIC_COLUMNS",
    "GENERIC_LINE_COLUMNS",
    "QUICKBOOKS_COLUMNS",
    "XERO_COLUMNS",
    "Generic",
    "QuickBooks",
    "Xero",
]

GENERIC_COLUMNS = (
    "invoice_id",
    "status",
    "invoice_number",
    "invoice_date",
    "due_date",
    "vendor_name",
    "vendor_address",
    "vendor_tax_id",
    "vendor_id",
    "customer_name",
    "po_number",
    "currency",
    "subtotal",
    "tax_total",
    "total",
    "iban",
    "line_count",
    "extraction_version",
    "revision",
    "updated_at",
    "source_name",
    "document_link",
    "sha256",
)
GENERIC_LINE_COLUMNS = (
    "invoice_id",
    "invoice_number",
    "line_number",
    "description",
    "quantity",
    "unit_price",
    "amount",
    "tax_rate",
)

XERO_COLUMNS = (
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "*InvoiceNumber",
    "*InvoiceDate",
    "*DueDate",
    "Total",
    "InventoryItemCode",
    "Description",
    "*Quantity",
    "*UnitAmount",
    "*AccountCode",
    "*TaxType",
    "TaxAmount",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
    "Currency",
)

QUICKBOOKS_COLUMNS = (
    "Bill No.",
    "Vendor",
    "Bill Date",
    "Due Date",
    "Terms",
    "Location",
    "Memo",
    "Account",
    "Line Description",
    "Line Amount",
    "Line Tax Code",
    "Line Tax Amount",
)


def _csv(frame: pd.DataFrame, delimiter: str, line_terminator: str) -> str:
    text: str = frame.to_csv(index=False, sep=delimiter, lineterminator=line_terminator)
    return text


def _due_dates(bills: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    missing = bills["due_date"].isna()
    notes = []
    if missing.any():
        count = bills.loc[missing, "invoice_id"].nunique()
        notes.append(f"{count} invoice(s) have no due date; their invoice date is used as due date")
    return bills["due_date"].where(~missing, bills["invoice_date"]), notes


class Generic:
    """One row per invoice (plus an optional line-items file); every column of the pull contract."""

    name = "generic"
    delimiter = ","
    decimal = "."
    date_format = "%Y-%m-%d"
    encoding = "utf-8"
    line_terminator = "\n"

    def render(
        self, invoices: pd.DataFrame, lines: pd.DataFrame, options: ExportOptions, created: dt.datetime
    ) -> Rendered:
        delimiter = options.delimiter or self.delimiter
        decimal = options.decimal or self.decimal
        date_format = options.date_format or self.date_format
        out = pd.DataFrame(index=invoices.index)
        for column in GENERIC_COLUMNS:
            if column == "document_link":
                out[column] = invoices["original_path"].map(document_link)
            elif column in ("subtotal", "tax_total", "total"):
                out[column] = format_numbers(invoices[column], decimal=decimal)
            elif column in ("invoice_date", "due_date"):
                out[column] = format_dates(invoices[column], date_format)
            elif column == "updated_at":
                out[column] = invoices[column].map(lambda t: t.isoformat())
            else:
                out[column] = invoices[column]
        lines_text = None
        if options.with_lines:
            chosen = lines[lines["invoice_id"].isin(invoices["invoice_id"])]
            chosen = chosen.merge(invoices[["invoice_id", "invoice_number"]], on="invoice_id", how="left")
            table = pd.DataFrame(index=chosen.index)
            for column in GENERIC_LINE_COLUMNS:
                if column in ("quantity", "tax_rate"):
                    table[column] = format_numbers(chosen[column], decimal=decimal, places=4, trim=True)
                elif column in ("unit_price", "amount"):
                    table[column] = format_numbers(chosen[column], decimal=decimal, places=2)
                else:
                    table[column] = chosen[column]
            lines_text = _csv(table, delimiter, self.line_terminator)
        return Rendered(
            _csv(out, delimiter, self.line_terminator),
            tuple(int(i) for i in invoices["invoice_id"]),
            len(out),
            lines_text,
        )


class Xero:
    """Xero bills import template: one row per line item."""

    name = "xero"
    delimiter = ","
    decimal = "."
    date_format = "%d/%m/%Y"  # Xero reads dates in the organisation's region format
    encoding = "utf-8"
    line_terminator = "\r\n"

    def render(
        self, invoices: pd.DataFrame, lines: pd.DataFrame, options: ExportOptions, created: dt.datetime
    ) -> Rendered:
        account = require(options.account, "--account", "xero", "the Xero account code the bills are booked to")
        delimiter = options.delimiter or self.delimiter
        decimal = options.decimal or self.decimal
        date_format = options.date_format or self.date_format
        complete, notes = split_complete(
            invoices,
            {"vendor_name": "a vendor name", "invoice_number": "an invoice number", "invoice_date": "an invoice date"},
            "xero",
        )
        bills = bill_lines(complete, lines)
        due, due_notes = _due_dates(bills)
        out = pd.DataFrame({column: "" for column in XERO_COLUMNS}, index=bills.index)
        out["*ContactName"] = bills["vendor_name"]
        out["*InvoiceNumber"] = bills["invoice_number"]
        out["*InvoiceDate"] = format_dates(bills["invoice_date"], date_format)
        out["*DueDate"] = format_dates(due, date_format)
        out["Total"] = format_numbers(bills["total"], decimal=decimal)
        out["Description"] = bills["description"]
        out["*Quantity"] = format_numbers(bills["quantity"], decimal=decimal, places=4, trim=True)
        out["*UnitAmount"] = format_numbers(bills["unit_price"], decimal=decimal)
        out["*AccountCode"] = account
        out["*TaxType"] = options.tax_code or ""
        out["TaxAmount"] = format_numbers(bills["tax_amount"], decimal=decimal)
        out["Currency"] = bills["currency"].fillna("")
        if complete["invoice_id"].nunique() > 500:
            notes.append("Xero imports at most 500 bills per file: split the export with --limit 500")
        return Rendered(
            _csv(out, delimiter, self.line_terminator),
            tuple(int(i) for i in complete["invoice_id"]),
            len(out),
            notes=(*notes, *due_notes),
        )


class QuickBooks:
    """QuickBooks Online bills import: one row per expense line."""

    name = "quickbooks"
    delimiter = ","
    decimal = "."
    date_format = "%m/%d/%Y"  # QuickBooks Online (US) default; use --date-format for other regions
    encoding = "utf-8"
    line_terminator = "\r\n"

    def render(
        self, invoices: pd.DataFrame, lines: pd.DataFrame, options: ExportOptions, created: dt.datetime
    ) -> Rendered:
        account = require(options.account, "--account", "quickbooks", "the expense account the bills are booked to")
        delimiter = options.delimiter or self.delimiter
        decimal = options.decimal or self.decimal
        date_format = options.date_format or self.date_format
        complete, notes = split_complete(
            invoices,
            {"vendor_name": "a vendor name", "invoice_number": "an invoice number", "invoice_date": "an invoice date"},
            "quickbooks",
        )
        bills = bill_lines(complete, lines)
        due, due_notes = _due_dates(bills)
        out = pd.DataFrame({column: "" for column in QUICKBOOKS_COLUMNS}, index=bills.index)
        out["Bill No."] = bills["invoice_number"]
        out["Vendor"] = bills["vendor_name"]
        out["Bill Date"] = format_dates(bills["invoice_date"], date_format)
        out["Due Date"] = format_dates(due, date_format)
        out["Memo"] = "invoicer #" + bills["invoice_id"].astype(str) + " " + bills["source_name"].fillna("")
        out["Account"] = account
        out["Line Description"] = bills["description"]
        out["Line Amount"] = format_numbers(bills["amount"], decimal=decimal)
        out["Line Tax Code"] = options.tax_code or ""
        out["Line Tax Amount"] = format_numbers(bills["tax_amount"], decimal=decimal)
        return Rendered(
            _csv(out, delimiter, self.line_terminator),
            tuple(int(i) for i in complete["invoice_id"]),
            len(out),
            notes=(*notes, *due_notes),
        )
