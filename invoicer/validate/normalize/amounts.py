"""Money amounts in any printed convention → :class:`~decimal.Decimal`.

Understood: ``1,234.56`` / ``1.234,56`` / ``1'234.56`` / ``1 234,56`` (also with no-break spaces),
Indian ``1,23,456.00``, a sign as leading or trailing minus, parentheses or ``CR``, German
``12,-``, and a currency glued on either side (``EUR12,50``, ``12,50€``, ``$1,234.56``,
``CHF 1'234.50``, ``RM 3.90``). Spaces that OCR puts next to a separator (``1 ,79``) are dropped.

The one reading that is genuinely ambiguous is a single ``.`` or ``,`` followed by exactly three
digits (``1.234``: 1234 or 1.234?). It is decided only by ``decimal_separator`` (the document's
convention, see :mod:`invoicer.validate.normalize.evidence`); without it
:class:`~invoicer.errors.AmbiguousValueError` is raised. Nothing is ever guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from invoicer.errors import AmbiguousValueError, NormalizationError
from invoicer.validate.normalize.currency import currency_candidates

__all__ = ["ParsedAmount", "find_amount", "format_amount", "parse_amount"]

_MINUS = "-−–‐‑"  # hyphen-minus, minus sign, en dash, hyphen, non-breaking hyphen
_APOSTROPHES = "'’ʼ´`"
_SPACE_CHARS = " \u00a0\u202f\u2009\u2007"

_SHAPE = re.compile(r"(?P<pre>[^\d]*?)(?P<num>[.,]?\d(?:[\d.,' ]*\d)?)(?P<post>\D*)")
_WHOLE_UNITS = re.compile(r"^\s*[.,]\s*[-–]{1,2}")  # "12,-" / "12.–" / "12,--": a whole amount
_GROUPS_3 = re.compile(r"\d{1,3}(?:X\d{3})*")
_DAMAGED = re.compile(r"\d[.,]\d{2}(?!\d)")  # an unreadable token with "d.dd" in it is a misread amount
_GROUPS_INDIAN = re.compile(r"\d{1,2}(?:X\d{2})*X\d{3}")


@dataclass(frozen=True)
class ParsedAmount:
    """An amount read from text: its value, the currency mark printed with it, and how it was read."""

    value: Decimal
    raw: str
    currency_mark: str | None = None
    decimal_separator: str | None = None  # "." / "," as used, None when the amount has no fractional part
    decided_by: str = ""  # set when outside evidence (the document's convention) decided the reading

    @property
    def decimals(self) -> int:
        exponent = self.value.as_tuple().exponent
        return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    for ch in _SPACE_CHARS:
        text = text.replace(ch, " ")
    for ch in _APOSTROPHES:
        text = text.replace(ch, "'")
    for ch in _MINUS:
        text = text.replace(ch, "-")
    return re.sub(r"\s+", " ", text).strip()


def _affix(text: str, raw: str, side: str) -> tuple[str | None, int, bool]:
    """Split an affix into (currency mark, number of minus signs, parenthesis)."""
    rest = text.strip()
    minus = 0
    paren = False
    mark: str | None = None
    while rest:
        if rest[0] == "-" or rest[-1] == "-":
            minus += 1
            rest = rest[1:] if rest[0] == "-" else rest[:-1]
        elif rest[0] in "()" or rest[-1] in "()":
            paren = True
            rest = rest[1:] if rest[0] in "()" else rest[:-1]
        elif rest[0] == "+":
            rest = rest[1:]
        elif side == "post" and re.fullmatch(r"(?i)cr\.?", rest):
            minus += 1
            rest = ""
        elif rest.upper().endswith(" CR") and side == "post":
            minus += 1
            rest = rest[:-3]
        else:
            candidate = rest.strip()
            if mark is None and currency_candidates(candidate):
                mark = candidate
                rest = ""
            else:
                raise NormalizationError(f"'{raw}' is not an amount: unexpected '{candidate}' {side}fixed", raw=raw)
        rest = rest.strip()
    return mark, minus, paren


def _check_groups(integer: str, sep: str, raw: str) -> str:
    marked = integer.replace(sep, "X")
    if _GROUPS_3.fullmatch(marked) or (sep == "," and _GROUPS_INDIAN.fullmatch(marked)):
        return integer.replace(sep, "")
    raise NormalizationError(f"'{raw}' is not an amount: '{sep}' does not separate groups of three digits", raw=raw)


def _read_number(num: str, raw: str, decimal_separator: str | None, decided_by: str) -> tuple[Decimal, str | None, str]:
    num = re.sub(r" ?([.,']) ?", r"\1", num)  # OCR spacing next to a separator: "1 ,79"
    seps = [c for c in num if not c.isdigit()]
    if num[0] in ".,":
        num = "0" + num
    kinds = set(seps)
    grouping_only = kinds & {" ", "'"}
    if len(grouping_only) > 1:
        raise NormalizationError(f"'{raw}' is not an amount: mixes spaces and apostrophes between digits", raw=raw)
    points = kinds & {".", ","}
    decimal: str | None
    how = ""
    if len(points) == 2:
        decimal = seps[-1]
        if decimal not in ".," or seps.count(decimal) != 1:
            raise NormalizationError(f"'{raw}' is not an amount: '.' and ',' are mixed up", raw=raw)
    elif len(points) == 1:
        (sep,) = points
        count = seps.count(sep)
        tail = num.rsplit(sep, 1)[1]
        head = num.rsplit(sep, 1)[0]
        if count > 1:
            decimal = None  # "1.234.567": only grouping
            if grouping_only:
                raise NormalizationError(f"'{raw}' is not an amount: too many separators", raw=raw)
        elif len(tail) != 3 or grouping_only or head.lstrip("0") == "" or len(head.replace(" ", "")) > 3:
            decimal = sep
        elif decimal_separator is not None:
            decimal = sep if decimal_separator == sep else None
            how = decided_by or f"the document writes '{decimal_separator}' as its decimal separator"
        else:
            value_a, value_b = head + "." + tail, head + tail
            raise AmbiguousValueError(
                f"'{raw}' reads as {value_a} ('{sep}' as decimal point) or {value_b} ('{sep}' grouping thousands); "
                "nothing on the document decides",
                candidates=(value_a, value_b),
                raw=raw,
            )
    else:
        decimal = None
    if decimal is not None:
        integer, fraction = num.rsplit(decimal, 1)
        if not fraction:
            raise NormalizationError(f"'{raw}' is not an amount: nothing after the decimal separator", raw=raw)
    else:
        integer, fraction = num, ""
    for sep in set(integer) - set("0123456789"):
        integer = _check_groups(integer, sep, raw)
    if not integer.isdigit() or (fraction and not fraction.isdigit()):
        raise NormalizationError(f"'{raw}' is not an amount", raw=raw)
    try:
        value = Decimal(f"{integer}.{fraction}" if fraction else integer)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the checks above
        raise NormalizationError(f"'{raw}' is not an amount", raw=raw) from exc
    return value, decimal, how


def parse_amount(text: str, *, decimal_separator: str | None = None, decided_by: str = "") -> ParsedAmount:
    """Read one printed amount (with optional sign and currency mark).

    ``decimal_separator`` (``"."`` or ``","``) is the document's convention; it only matters for the
    ambiguous ``1.234`` / ``1,234`` shape, and ``decided_by`` then says where it came from.
    Raises :class:`NormalizationError` (not an amount) or :class:`AmbiguousValueError`.
    """
    if decimal_separator not in (None, ".", ","):
        raise ValueError(f"decimal_separator must be '.' or ',', got {decimal_separator!r}")
    raw = text
    clean = _normalize_text(text)
    if not clean:
        raise NormalizationError("empty amount", raw=raw)
    m = _SHAPE.fullmatch(clean)
    if m is None:
        raise NormalizationError(f"'{raw}' is not an amount", raw=raw)
    pre, num, post = m.group("pre"), m.group("num").strip(), m.group("post")
    whole = _WHOLE_UNITS.match(post)
    if whole:
        post = post[whole.end() :]
    mark_pre, minus_pre, paren_pre = _affix(pre, raw, "pre")
    mark_post, minus_post, paren_post = _affix(post, raw, "post")
    if mark_pre and mark_post and currency_candidates(mark_pre).isdisjoint(currency_candidates(mark_post)):
        raise NormalizationError(f"'{raw}' carries two different currencies", raw=raw)
    if paren_pre != paren_post:
        raise NormalizationError(f"'{raw}' is not an amount: unbalanced parenthesis", raw=raw)
    signs = minus_pre + minus_post + (1 if paren_pre else 0)
    if signs > 1:
        raise NormalizationError(f"'{raw}' is not an amount: more than one negative sign", raw=raw)
    value, decimal, how = _read_number(num.strip(), raw, decimal_separator, decided_by)
    if signs:
        value = -value
    return ParsedAmount(value, raw, mark_pre or mark_post, decimal, how)


def find_amount(text: str, *, decimal_separator: str | None = None, decided_by: str = "") -> ParsedAmount:
    """The one amount inside a longer text ("Total: 440.00 EUR"); the same amount printed twice is fine.

    Raises :class:`NormalizationError` when there is none or several different ones.
    """
    try:
        return parse_amount(text, decimal_separator=decimal_separator, decided_by=decided_by)
    except AmbiguousValueError:
        raise
    except NormalizationError:
        pass
    tokens = _normalize_text(text).split(" ")[:40]
    found: list[tuple[int, int, ParsedAmount]] = []
    ambiguous: AmbiguousValueError | None = None
    i = 0
    while i < len(tokens):
        best: tuple[int, ParsedAmount] | None = None
        for j in range(min(len(tokens), i + 4), i, -1):
            piece = " ".join(tokens[i:j])
            if not any(c.isdigit() for c in piece):
                continue
            try:
                best = (j, parse_amount(piece, decimal_separator=decimal_separator, decided_by=decided_by))
                break
            except AmbiguousValueError as exc:
                ambiguous = ambiguous or exc
            except NormalizationError:
                continue
        if best is None:
            i += 1
        else:
            found.append((i, best[0], best[1]))
            i = best[0]
    used = {k for start, end, _ in found for k in range(start, end)}
    leftovers = [t for k, t in enumerate(tokens) if k not in used]
    for token in leftovers:
        if _DAMAGED.search(token):
            raise NormalizationError(f"'{token}' in '{text}' looks like a damaged amount; not guessing", raw=text)
    values = {p.value for _, _, p in found}
    if len(values) == 1 and ambiguous is None:
        amount = found[-1][2]
        marks = [currency_candidates(t) for t in leftovers if currency_candidates(t)]
        own = currency_candidates(amount.currency_mark) if amount.currency_mark else frozenset()
        if any(own.isdisjoint(m) if own else True for m in marks):
            raise NormalizationError(f"'{text}' shows a currency mark apart from the amount", raw=text)
        return amount
    if not values and ambiguous is not None:
        raise ambiguous
    if not values:
        raise NormalizationError(f"no amount in '{text}'", raw=text)
    listed = ", ".join(str(v) for v in sorted(values))
    raise NormalizationError(f"'{text}' holds several amounts ({listed}); which one is meant is unclear", raw=text)


def format_amount(value: Decimal, min_decimals: int = 2) -> str:
    """The contract's money string: plain decimal, '.' as separator, at least ``min_decimals`` places."""
    exponent = value.as_tuple().exponent
    places = max(min_decimals, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return f"{value:.{places}f}"
