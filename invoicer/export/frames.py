"""pandas frames over the pull views, and the value formatting every CSV format shares."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PureWindowsPath
from typing import Any
from urllib.parse import quote

import pandas as pd
from sqlalchemy.engine import Row

from invoicer.store.pull import invoice_lines_v1, invoices_v1

__all__ = [
    "DATE_COLUMNS",
    "MONEY_COLUMNS",
    "document_link",
    "format_dates",
    "format_numbers",
    "invoices_frame",
    "lines_frame",
]

MONEY_COLUMNS = ("subtotal", "tax_total", "total")
DATE_COLUMNS = ("invoice_date", "due_date")


def invoices_frame(rows: Sequence[Row[Any]]) -> pd.DataFrame:
    """``invoices_v1`` rows as a frame with proper dtypes (ints, floats, datetimes, strings)."""
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[c.name for c in invoices_v1.columns])
    for name in ("invoice_id", "revision"):
        frame[name] = frame[name].astype("int64")
    for name in ("extraction_version", "vendor_id", "line_count", "page_count"):
        frame[name] = frame[name].astype("Int64")
    for name in MONEY_COLUMNS:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in DATE_COLUMNS:
        frame[name] = pd.to_datetime(frame[name], errors="coerce")
    for name in ("updated_at", "created_at", "exported_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame


def lines_frame(rows: Sequence[Row[Any]]) -> pd.DataFrame:
    """``invoice_lines_v1`` rows as a frame with proper dtypes."""
    frame = pd.DataFrame([tuple(r) for r in rows], columns=[c.name for c in invoice_lines_v1.columns])
    for name in ("invoice_id", "line_number", "revision"):
        frame[name] = frame[name].astype("int64")
    for name in ("quantity", "unit_price", "amount", "tax_rate"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    frame["updated_at"] = pd.to_datetime(frame["updated_at"], utc=True)
    return frame


def format_numbers(values: pd.Series, *, decimal: str, places: int = 2, trim: bool = False) -> pd.Series:
    """Numbers as text with ``places`` decimals and the decimal mark ``decimal`` (missing → empty).

    ``trim`` drops trailing zeros (quantities: ``2`` not ``2.0000``).
    """
    numeric = pd.to_numeric(values, errors="coerce").astype("float64")

    def one(v: float) -> str:
        if v != v:  # NaN
            return ""
        text = f"{v:.{places}f}"
        if trim and "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", "-0.00"):
            text = text[1:]
        return text

    out = numeric.map(one).astype(object)
    if decimal != ".":
        out = out.str.replace(".", decimal, regex=False)
    return out


def format_dates(values: pd.Series, date_format: str) -> pd.Series:
    """Dates as text in ``date_format`` (strftime; missing → empty)."""
    dates = pd.to_datetime(values, errors="coerce")
    return dates.dt.strftime(date_format).astype(object).where(dates.notna(), "")


def document_link(path: str | None) -> str:
    """A link to the original file: a ``file://`` URI for absolute paths, else the path as stored."""
    if not path:
        return ""
    if path.startswith("/"):
        return "file://" + quote(path)  # what PurePosixPath.as_uri() gives, 30x faster
    if PureWindowsPath(path).is_absolute():
        return PureWindowsPath(path).as_uri()
    return path
