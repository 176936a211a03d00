"""Line items from tagged words, row by row (pure functions, no model involved).

The tagger marks which words belong to the item table and which column each one is; this module
turns that into rows the way a person reads a table, by the page's *visual rows* rather than by the
order the words were read in (a receipt's text layer or OCR often splits ``BIERSCHINKEN   1,49 B``
into two lines, and a column layout reads the amounts after all descriptions):

1. The words of a page grouped into visual rows (:func:`invoicer.tagging.keywords.page_rows`).
2. A visual row holding at least one item-tagged word is an *item row*, unless it is a totals, payment
   or tax summary line (``Summe``, ``Subtotal``, ``Change``, ``Mastercard``, ``MwSt 19 %`` ...: the model
   sometimes tags those as items). A row the model left untagged right above or below the item rows
   joins them when it has text and an amount lined up with the amount column of the tagged rows.
3. :func:`parse_row`: the row's description is its item-description words and the plain words around
   them up to the numbers or dates on either side; numbers the model tagged as a column keep that
   column. :func:`complete_row`: a row without a tagged amount takes the printed price in the table's
   amount column, else one whose product with the quantity is printed right of it, else the second of
   two equal prices (``1  0,75€ 0,75€ 0,12€`` → quantity 1, unit price and amount 0.75; the trailing tax
   amount is not the amount), else the rightmost.
4. :func:`_join_rows`: a row with a description and no number continues the row above (a description's
   second line) or is completed by the row right below when that one has numbers but no description
   (``Kaffee XL`` / ``4 x 3,40   13,60``); a row of numbers without a description (``2,566 kg x 12,30``)
   completes the described row it belongs to — below it when the page's first item row is such a line,
   else above it. At the top of a page, numbers or a continued description complete the previous page's
   last row (a row broken by the page break). A row left without a price or without a description is
   not an item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from invoicer.document import LINE_ITEM_COLUMNS, LineItem, Word, union_bbox
from invoicer.tagging.decoding import TaggedWord, _fold
from invoicer.tagging.labels import column_of, entity_type, is_begin

__all__ = ["ItemRow", "clean_description", "complete_row", "group_rows", "leading_quantity", "parse_row"]

#: Lines that sum up or pay for the items, never an item themselves (folded text, word starts).
_NOT_ITEM = re.compile(
    r"(total|totaal|totale|summe|betrag|r[a-z]{1,2}ckgeld|wechselgeld|"  # anywhere: "Gesamtbetrag", "SUBTOTAL"
    r"(?<![a-z])(gesamt|zu zahlen|montant|a payer|te betalen|a pagar|grand|balance|amount due|amount paid|"
    r"rounding|rundung|change|gegeben|tendered|cash|bar|kartenzahlung|girocard|ec-karte|ec karte|mastercard|"
    r"visa|amex|american express|maestro|credit|debit|card|kreditkarte|payment|zahlung|bezahlt|paid|netto|"
    r"brutto)(?![a-z]))"
)
#: Words that make up a tax line's label ("TAX", "Sales tax", "State tax", "MwSt").
_TAX_LABEL = {"tax", "taxes", "sales", "state", "local", "city", "county", "vat", "mwst", "ust", "gst", "hst", "pst",
              "qst", "tps", "tvq", "tvh", "iva", "tva", "btw", "moms", "sst", "steuer", "umsatzsteuer"}  # fmt: skip
#: A tax summary line: a tax word and a rate ("MwSt 19 %", "T.P.S. (5.00)", "GST $9.29 @ 5.0%").
_TAX_WORD = re.compile(r"(?<![a-z])(tax|vat|mwst|ust|gst|hst|pst|qst|tps|tvq|tvh|iva|tva|btw|moms|sst)(?![a-z])")
_RATE = re.compile(r"\d\s?%|@|\(\s?\d{1,2}([.,]\d+)?\s?\)")
#: Column headings of item tables (folded); a row with two or more of them and no money heads a table.
_HEADING = re.compile(
    r"(?<![a-z])(description|beschreibung|bezeichnung|artikel|article|designation|descripcion|omschrijving|"
    r"item|items|position|positionen|produkt|product|leistung|qty|quantity|menge|anzahl|qte|quantite|"
    r"cantidad|aantal|price|preis|einzelpreis|prix|precio|prijs|unit|amount|betrag|montant|importe|bedrag)"
    r"(?![a-z])"
)
_NUMBER = re.compile(r"^[^\d\w]{0,3}[-+(]?\d[\d.,' ]*\)?-?[^\d\w]{0,3}$")
_QUANTITY = re.compile(r"^(\d{1,4}([.,]\d{1,3})?)\s?[x×*]?$", re.IGNORECASE)
_PERCENT = re.compile(r"^\d{1,2}([.,]\d{1,2})?\s?%$")


def _money(text: str) -> Decimal | None:
    """The amount a single printed token reads as (``0,75€``, ``$4.69``, ``1.234,50``, ``12.99-``), or None."""
    t = text.strip()
    if not _NUMBER.match(t) or not re.search(r"\d[.,]\d{2}\D{0,3}$|\d[.,]\d{2}-$", t):
        return None
    digits = re.sub(r"[^\d.,\-()]", "", t)
    negative = digits.endswith("-") or digits.startswith(("-", "("))
    digits = digits.strip("-()")
    last = max(digits.rfind("."), digits.rfind(","))
    if last < 0:
        return None
    if digits[last] in digits[:last]:
        return None  # "165.690.61": a code, not money (the decimal mark is not also the thousands mark)
    whole = re.sub(r"[.,']", "", digits[:last])
    try:
        value = Decimal(f"{whole or '0'}.{digits[last + 1 :]}")
    except InvalidOperation:
        return None
    return -value if negative else value


def _quantity(text: str) -> Decimal | None:
    m = _QUANTITY.match(text.strip())
    if not m:
        return None
    try:
        return Decimal(m.group(1).replace(",", "."))
    except InvalidOperation:
        return None


@dataclass
class ItemRow:
    """One row of the item table being assembled: its visual row's words and the columns found."""

    page: int
    words: list[TaggedWord]  # the visual row's words, left to right
    description: list[TaggedWord] = field(default_factory=list)
    cells: dict[str, TaggedWord] = field(default_factory=dict)  # number column → its word
    continuation: list[TaggedWord] = field(default_factory=list)  # description lines joined from below
    numbers: list[TaggedWord] = field(default_factory=list)  # the row's number words outside its description
    unreadable_price: bool = False  # the model tagged a price that does not read as one

    @property
    def continues(self) -> bool:
        """Whether the model marked the row's description as the continuation of an earlier one (``I-``)."""
        first = next((w for w in self.description if _column(w) == "description"), None)
        return first is not None and not is_begin(first.label)

    @property
    def top(self) -> float:
        return min(w.word.bbox[1] for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.word.bbox[3] for w in self.words)

    @property
    def height(self) -> float:
        return max(1.0, max(w.word.bbox[3] - w.word.bbox[1] for w in self.words))

    @property
    def has_numbers(self) -> bool:
        """Tagged number columns, or a printed price the amount can be read from."""
        tagged = any(c in self.cells for c in ("amount", "unit_price", "quantity"))
        return tagged or any(_money(w.word.text) is not None for w in self.numbers)

    @property
    def priced(self) -> bool:
        return "amount" in self.cells or "unit_price" in self.cells

    def to_item(self, labels: Sequence[str] = ()) -> LineItem | None:
        """The row as a line item; its confidence is the mean probability the model gave its words for the
        columns they fill (a word the model left untagged counts with its low probability)."""
        described = [*self.description, *self.continuation]  # row order: left to right, then the next lines
        if not described and "amount" not in self.cells:
            return None
        used = [*described, *self.cells.values()]
        same_page = [w.word.bbox for w in used if w.page == self.page]
        columns = [*(["description"] * len(described)), *self.cells]
        confidences = [column_probability(w, c, labels) for w, c in zip(used, columns, strict=True)]
        values = {c: (self.cells[c].word.text if c in self.cells else None) for c in LINE_ITEM_COLUMNS}
        printed = " ".join(w.word.text for w in described)
        if values["quantity"] is None:
            values["quantity"] = leading_quantity(printed)
        return LineItem(
            description=clean_description(printed),
            quantity=values["quantity"],
            unit_price=values["unit_price"],
            amount=values["amount"],
            tax_rate=values["tax_rate"],
            confidence=round(float(sum(confidences) / len(confidences)), 4) if confidences else 0.0,
            page=self.page,
            bbox=union_bbox(same_page) if same_page else None,
        )


_GLUED_CODE = re.compile(r"(?<=[^\d\s])\d{12,14}$")  # an EAN printed onto the name: "SILKO4044935012796"
_ITEM_COUNT = re.compile(r"(posten|artikel|items?|anzahl|articles?|art[ií]culos)\s*:?\s*\d{1,3}", re.IGNORECASE)
_LEADING_QUANTITY = re.compile(r"^(\d{1,3})\s?[x×*]$", re.IGNORECASE)  # "1X TONNO", "2x Cola"


def column_probability(word: TaggedWord, column: str, labels: Sequence[str] = ()) -> float:
    """The model's probability that ``word`` belongs to item column ``column`` (B- or I-); without the label
    list, the word's own confidence when it was tagged with that column, else 0."""
    if labels and word.probs is not None:
        index = {label: k for k, label in enumerate(labels)}
        found = [float(word.probs[index[f"{p}-item_{column}"]]) for p in "BI" if f"{p}-item_{column}" in index]
        if found:
            return max(found)
    return word.confidence if _column(word) == column else 0.0


def clean_description(text: str) -> str | None:
    """A description without the receipt's marks around it: a leading multiplication sign or quantity
    ("x MANGO LASSI", "1X TONNO": see :func:`leading_quantity`), trailing article or EAN numbers (8 digits or
    more, or 12-14 glued to the name), and trailing lone punctuation ("APRIKOSEN :", "GUINESS &")."""
    words = text.split()
    while words and (words[0].casefold() in ("x", "×", "*") or _LEADING_QUANTITY.match(words[0])):
        words = words[1:]
    while words and (re.fullmatch(r"[^\w]+", words[-1]) or re.fullmatch(r"\d{8,}", words[-1])):
        words = words[:-1]
    if len(words) > 2 and _ITEM_COUNT.fullmatch(" ".join(words[-2:])):
        words = words[:-2]  # the receipt's item count printed on the last item's row ("POSTEN 16")
    if words:
        words[-1] = _GLUED_CODE.sub("", words[-1])
    return " ".join(words) or None


def leading_quantity(text: str) -> str | None:
    """The quantity printed before a description ("2X KROMBACHER" → "2"), or None."""
    first = text.split()[:1]
    m = _LEADING_QUANTITY.match(first[0]) if first else None
    return m.group(1) if m else None


def _column(w: TaggedWord) -> str | None:
    kind = entity_type(w.label)
    return column_of(kind) if kind else None


def _is_header_money(w: TaggedWord) -> bool:
    return entity_type(w.label) in ("total", "subtotal", "tax_total")


_DATE = re.compile(r"^(\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}:\d{2}(:\d{2})?)$")


def _is_number(text: str) -> bool:
    t = text.strip()
    return bool(_NUMBER.match(t) or _PERCENT.match(t))


def _stops_description(w: TaggedWord) -> bool:
    """A word the description does not grow over: a number or a date, unless the model tagged it as description."""
    t = w.word.text.strip()
    return _is_number(t) or (bool(_DATE.match(t)) and _column(w) != "description")


def _is_amount(w: TaggedWord) -> bool:
    """Whether a word can be a row's amount: money with decimals or a currency mark, or a bare integer of three
    digits or more (a one- or two-digit bare number is a quantity, seat or platform number)."""
    text = w.word.text.strip()
    if _money(text) is not None:
        return True
    digits = re.sub(r"\D", "", text)
    return bool(_NUMBER.match(text)) and (len(digits) >= 3 or bool(re.search(r"[^\d\s.,'()+-]", text)))


def _description_words(words: list[TaggedWord], untagged: bool = False) -> list[TaggedWord]:
    """The row's description: its item-description words and the plain words between and around them up to
    the numbers on either side (a word the model left untagged or gave another label inside a description
    still belongs to it, and so does a number it tagged as description right after it: "Ticket nº 16492",
    "Laptop bag 15.6\""); for a row the model did not tag (``untagged``), the words left of its first number."""
    tagged = [k for k, w in enumerate(words) if _column(w) == "description" and not _is_number(w.word.text)]
    if not tagged:
        if not untagged:
            return []
        first_number = next((k for k, w in enumerate(words) if _is_number(w.word.text)), len(words))
        return [w for w in words[:first_number] if not _is_number(w.word.text)]
    lo, hi = tagged[0], tagged[-1]
    while (
        lo > 0
        and _close(words[lo - 1], words[lo])
        and (not _stops_description(words[lo - 1]) or _column(words[lo - 1]) == "description")
    ):
        lo -= 1
    while (
        hi + 1 < len(words)
        and _close(words[hi], words[hi + 1])
        and (not _stops_description(words[hi + 1]) or _column(words[hi + 1]) == "description")
    ):
        hi += 1
    return [w for w in words[lo : hi + 1] if not _is_number(w.word.text) or _column(w) == "description"]


def _merge_split_numbers(words: list[TaggedWord]) -> list[TaggedWord]:
    """Rejoins an amount that a thin thousands space split into two words ("1 351,00")."""
    out: list[TaggedWord] = []
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and re.fullmatch(r"[^\d\w]{0,3}\d{1,3}", prev.word.text)
            and re.fullmatch(r"\d{3}([.,]\d{2})?-?[^\d\w]{0,3}", w.word.text)
            and w.word.bbox[0] - prev.word.bbox[2] <= 0.5 * max(1.0, w.word.bbox[3] - w.word.bbox[1])
            and _column(prev) in (_column(w), None)
        ):
            box = union_bbox((prev.word.bbox, w.word.bbox))
            out[-1] = replace(
                w, word=Word(f"{prev.word.text} {w.word.text}", box, min(prev.word.confidence, w.word.confidence))
            )
            continue
        out.append(w)
    return out


def _close(left: TaggedWord, right: TaggedWord) -> bool:
    """Whether two words of a row are near enough to be one phrase (a gap under two word heights)."""
    height = max(1.0, left.word.bbox[3] - left.word.bbox[1])
    return right.word.bbox[0] - left.word.bbox[2] <= 2.0 * height


def parse_row(
    page: int,
    words: list[TaggedWord],
    amount_edges: Sequence[float] = (),
    untagged: bool = False,
    whole_amounts: bool = True,
) -> ItemRow:
    """Description and columns of one item row (see the module docstring, step 3); ``amount_edges`` are the
    right edges of amounts found on other rows of the table (the amount column), to pick this row's;
    ``untagged``: a row the model did not tag, found by its alignment with the table; ``whole_amounts``: the
    page's prices are printed without cents, so a tagged price may be a bare integer (else it must show cents
    or a currency mark: a bare number in a row of a table with cents is a platform, seat or quantity)."""
    words = _merge_split_numbers(words)
    row = ItemRow(page, words)
    # a row the model gave an amount but no description words: the words left of its numbers describe it
    priced = any(_column(w) == "amount" for w in words)
    row.description = _description_words(words, untagged or priced)
    described = {id(w) for w in row.description}
    row.numbers = [w for w in words if id(w) not in described and _is_number(w.word.text) and not _is_header_money(w)]
    for w in row.numbers:  # columns the model tagged, each once (the rightmost amount, the first of the others)
        c = _column(w)
        if c is None or c == "description":
            continue
        readable = _money(w.word.text) is not None or (whole_amounts and _is_amount(w))
        if c in ("amount", "unit_price") and not readable:
            row.unreadable_price = True  # "1099" for 10.99: a row of its own all the same, never a continuation
            continue
        if c not in row.cells or c == "amount":
            row.cells[c] = w
    return row


def complete_row(row: ItemRow, amount_edges: Sequence[float] = ()) -> None:
    """A row's amount when the model tagged none (from its printed numbers, see :func:`_assign_prices`), and its
    quantity when a plain number is printed left of its prices."""
    numbers = row.numbers
    if "amount" not in row.cells:
        monies = [w for w in numbers if _money(w.word.text) is not None
                  and _column(w) in (None, "description", "unit_price", "amount")]  # fmt: skip
        if monies:
            _assign_prices(row, monies, numbers, amount_edges)
    if "quantity" not in row.cells and "amount" in row.cells:
        first = min(w.word.bbox[0] for w in (row.cells.get("unit_price"), row.cells["amount"]) if w is not None)
        for w in numbers:
            if w.word.bbox[0] < first and _column(w) in (None, "description") and _quantity(w.word.text) is not None:
                row.cells["quantity"] = w
                break


def _assign_prices(
    row: ItemRow, monies: list[TaggedWord], numbers: list[TaggedWord], amount_edges: Sequence[float]
) -> None:
    """Amount (and unit price) of a row the model gave no amount, from its printed numbers: the one in the
    table's amount column when other rows show where that is; else a price whose product with the quantity is
    printed right of it, or the second of two equal prices (unit price = amount, later numbers being taxes);
    else the rightmost."""
    quantity_word = row.cells.get("quantity")
    if quantity_word is None:
        first_money = monies[0].word.bbox[0]
        quantity_word = next(
            (w for w in numbers if w.word.bbox[0] < first_money and _money(w.word.text) is None
             and _quantity(w.word.text) is not None), None)  # fmt: skip
    q = _quantity(quantity_word.word.text) if quantity_word is not None else None
    values = [_money(w.word.text) for w in monies]
    amount_at = len(monies) - 1
    unit_at: int | None = None
    if amount_edges:

        def offset(w: TaggedWord) -> float:
            return min(abs(w.word.bbox[2] - e) for e in amount_edges)

        k = min(range(len(monies)), key=lambda i: offset(monies[i]))
        height = max(1.0, monies[k].word.bbox[3] - monies[k].word.bbox[1])
        if offset(monies[k]) <= 1.5 * height:
            row.cells["amount"] = monies[k]
            return
    unit = row.cells.get("unit_price")
    if unit is not None and q in (None, 1):
        # the model read a unit price: the amount is a price right of it at least as large, else the same
        price = _money(unit.word.text)
        right = [w for w in monies if w.word.bbox[0] > unit.word.bbox[2]
                 and price is not None and (_money(w.word.text) or 0) >= price]  # fmt: skip
        row.cells["amount"] = right[-1] if right else unit
        return
    for i, price_i in enumerate(values):
        if q is None or price_i is None:
            continue
        j = next((j for j in range(i + 1, len(values)) if values[j] == price_i * q), None)
        if j is not None:
            unit_at, amount_at = i, j
            break
    if unit_at is None and len(monies) >= 2 and values[0] is not None and values[0] == values[1]:
        unit_at, amount_at = 0, 1
    row.cells["amount"] = monies[amount_at]
    if unit_at is not None and "unit_price" not in row.cells:
        row.cells["unit_price"] = monies[unit_at]
    if quantity_word is not None and "quantity" not in row.cells:
        row.cells["quantity"] = quantity_word


def _not_an_item(words: list[TaggedWord]) -> bool:
    """A totals, payment or tax summary line (the model sometimes tags those as items)."""
    text = _fold(" ".join(w.word.text for w in words))
    if _NOT_ITEM.search(text):
        return True
    label = re.findall(r"[^\W\d_]+", text.replace(".", ""))
    if label and all(t in _TAX_LABEL for t in label):
        return True
    return bool(_TAX_WORD.search(text.replace(".", ""))) and bool(_RATE.search(text))


def group_rows(tagged: Sequence[TaggedWord], labels: Sequence[str] = ()) -> tuple[LineItem, ...]:
    """Line items of a document from its tagged words (see the module docstring); ``labels`` (the model's label
    list, in the order of the words' probabilities) lets the rows' confidences use the model's probabilities."""
    from invoicer.tagging.keywords import page_rows

    by_page: dict[int, list[TaggedWord]] = {}
    for w in tagged:
        by_page.setdefault(w.page, []).append(w)
    rows: list[ItemRow] = []
    for page in sorted(by_page):
        vrows = page_rows(by_page[page], strict=True)
        excluded = {k for k, r in enumerate(vrows) if _not_an_item(r)}
        tagged_rows = {k for k, r in enumerate(vrows) if any(_column(w) for w in r)} - excluded
        chosen = set(tagged_rows)
        if not any(_money(w.word.text) is not None for k in chosen for w in vrows[k]):
            chosen |= _rows_under_heading(vrows, excluded)
        # prices with cents anywhere in the table: a bare number tagged as a price there is no price
        cents = any(_money(w.word.text) is not None for k in chosen for w in vrows[k])
        edges = [
            w.word.bbox[2]
            for k in chosen
            for w in vrows[k]
            if _column(w) == "amount" and (_money(w.word.text) is not None or (not cents and _is_amount(w)))
        ]
        if edges:
            chosen |= _aligned_rows(vrows, chosen, edges, excluded)
        kept = _copy(rows[-1]) if rows else None  # joining may extend the previous page's last row
        found = _page_items(page, vrows, chosen, tagged_rows, edges, cents, rows[-1] if rows else None)
        # the price columns the rows showed (read or inferred) find table rows the model left untagged
        columns = [r.cells[c].word.bbox[2] for r in found for c in ("amount", "unit_price") if c in r.cells]
        more = _aligned_rows(vrows, chosen, columns, excluded) if columns else set()
        if more:
            chosen |= more
            if rows and kept is not None:
                rows[-1] = kept
            found = _page_items(page, vrows, chosen, tagged_rows, edges or columns, cents, rows[-1] if rows else None)
        _amounts_out_of_tax_columns(found, _tax_columns(vrows))
        rows.extend(found)
    items = (r.to_item(labels) for r in rows if r.priced and (r.description or r.continuation))
    return tuple(i for i in items if i is not None)


#: Words that make a tax heading name an amount including tax ("Betrag inkl. MwSt", "Total incl. VAT").
_WITH_TAX = re.compile(r"(?<![a-z])(inkl|incl|including|inclusive|brutto|gross|ttc|total|betrag|amount|summe)(?![a-z])")


def _tax_columns(vrows: list[list[TaggedWord]]) -> list[tuple[float, float, float]]:
    """(left, right, bottom) of each tax column heading of a page ("MwSt (D) 7%", "VAT", "TVA"): a tax word and
    the words set close around it, on a table's heading row (other column headings on it, no money), not
    naming an amount including tax nor holding a number (a tax id)."""
    columns: list[tuple[float, float, float]] = []

    def set_close(left: TaggedWord, right: TaggedWord) -> bool:  # one phrase of a heading: a gap under 1.5 heights
        return right.word.bbox[0] - left.word.bbox[2] <= 1.5 * max(1.0, left.word.bbox[3] - left.word.bbox[1])

    for words in vrows:
        if any(_money(w.word.text) is not None for w in words):
            continue
        k = 0
        while k < len(words):
            if not _TAX_WORD.search(_fold(words[k].word.text).replace(".", "")):
                k += 1
                continue
            start, end = k, k  # the words set close around the tax word ("Betrag inkl. MwSt", "MwSt (D) 7%")
            while start > 0 and set_close(words[start - 1], words[start]):
                start -= 1
            while end + 1 < len(words) and set_close(words[end], words[end + 1]):
                end += 1
            group, k = words[start : end + 1], end + 1
            text = _fold(" ".join(w.word.text for w in group)).replace(".", "")
            others = _fold(" ".join(w.word.text for w in words[:start] + words[end + 1 :]))
            if (
                not _WITH_TAX.search(text)
                and not re.search(r"\d{4}", text)  # "VAT ID: GB534772977" is the vendor's id, not a heading
                and _HEADING.search(others)  # on the table's heading row ("Preis  MwSt 19%  MwSt 7%")
            ):
                columns.append((group[0].word.bbox[0], group[-1].word.bbox[2], max(w.word.bbox[3] for w in group)))
    return columns


def _amounts_out_of_tax_columns(rows: list[ItemRow], columns: Sequence[tuple[float, float, float]]) -> None:
    """A row whose amount sits under a tax column heading (the tax on the line: ``ICE Fahrkarte  58,85€  0,22€``
    under ``Betrag  MwSt 7%``) takes the rightmost price left of it that is under no tax heading."""
    if not columns:
        return

    def under_tax(w: TaggedWord) -> bool:
        x0, top, x1 = w.word.bbox[0], w.word.bbox[1], w.word.bbox[2]
        return any(top >= bottom and x0 < right and x1 > left for left, right, bottom in columns)

    for row in rows:
        amount = row.cells.get("amount")
        if amount is None or not under_tax(amount):
            continue
        left = [w for w in row.numbers if _money(w.word.text) is not None and w.word.bbox[2] <= amount.word.bbox[0]
                and not under_tax(w)]  # fmt: skip
        if left:
            row.cells["amount"] = max(left, key=lambda w: w.word.bbox[2])


def _copy(row: ItemRow) -> ItemRow:
    return replace(
        row,
        words=list(row.words),
        description=list(row.description),
        cells=dict(row.cells),
        continuation=list(row.continuation),
        numbers=list(row.numbers),
    )


def _page_items(
    page: int,
    vrows: list[list[TaggedWord]],
    chosen: set[int],
    tagged_rows: set[int],
    edges: Sequence[float],
    cents: bool,
    previous: ItemRow | None,
) -> list[ItemRow]:
    """The item rows of one page from its chosen visual rows: parsed, joined, completed."""
    found = [parse_row(page, vrows[k], edges, k not in tagged_rows, not cents) for k in sorted(chosen)]
    found = _join_rows(found, previous)
    for row in found:
        complete_row(row, edges)
    return found


def _rows_under_heading(vrows: list[list[TaggedWord]], excluded: set[int]) -> set[int]:
    """On a page where the model tagged no item row with a price: the rows right under a table heading
    (``Positionen Preis MwSt``, ``Qty Description Amount``) that have text and a price, up to the first row that
    is neither."""
    found: set[int] = set()
    for k, words in enumerate(vrows):
        text = _fold(" ".join(w.word.text for w in words))
        if len(set(_HEADING.findall(text))) < 2 or any(_money(w.word.text) is not None for w in words):
            continue
        bottom = max(w.word.bbox[3] for w in words)
        for j in range(k + 1, len(vrows)):
            if j in excluded:
                break
            row = vrows[j]
            height = max(1.0, max(w.word.bbox[3] - w.word.bbox[1] for w in row))
            if min(w.word.bbox[1] for w in row) - bottom > 2.0 * height:
                break
            monies = [w for w in row if _money(w.word.text) is not None]
            if not monies or not any(
                re.search(r"[^\W\d_]{2}", w.word.text) for w in row if w.word.bbox[2] < monies[0].word.bbox[0]
            ):
                break
            found.add(j)
            bottom = max(w.word.bbox[3] for w in row)
        if found:
            break
    return found


def _aligned_rows(
    vrows: list[list[TaggedWord]], chosen: set[int], edges: Sequence[float], excluded: set[int]
) -> set[int]:
    """Untagged rows next to the item rows that continue the table: text on the left and an amount whose right
    edge lines up with the amount column (the model missed a row of a table it read)."""
    added: set[int] = set()
    grow = True
    while grow:
        grow = False
        rows = chosen | added
        for k, words in enumerate(vrows):
            if k in rows or k in excluded or not ({k - 1, k + 1} & rows):
                continue
            neighbour = vrows[k - 1] if k - 1 in rows else vrows[k + 1]
            height = max(1.0, max(w.word.bbox[3] - w.word.bbox[1] for w in words))
            top, bottom = min(w.word.bbox[1] for w in words), max(w.word.bbox[3] for w in words)
            n_top, n_bottom = min(w.word.bbox[1] for w in neighbour), max(w.word.bbox[3] for w in neighbour)
            if max(top - n_bottom, n_top - bottom) > 1.5 * height:
                continue
            aligned = [
                w
                for w in words
                if _money(w.word.text) is not None and min(abs(w.word.bbox[2] - e) for e in edges) <= height
            ]
            if not aligned or not any(re.search(r"[^\W\d_]{2}", w.word.text) for w in words
                                      if w.word.bbox[2] < aligned[0].word.bbox[0]):  # fmt: skip
                continue
            added.add(k)
            grow = True
    return added


def _join_rows(page_rows: list[ItemRow], previous: ItemRow | None) -> list[ItemRow]:
    """Description-only rows joined to their neighbours; rows of numbers without a description joined to the
    described row they belong to (below it when the page's first item row is such a row: the page prints
    ``2 x 3,50`` above its items, else above it); numbers at the page's top completing the previous page's
    last row (step 4 of the module docstring)."""
    numbers_first = bool(page_rows) and not page_rows[0].description and page_rows[0].has_numbers
    out: list[ItemRow] = []
    k = 0
    while k < len(page_rows):
        row = page_rows[k]
        nxt = page_rows[k + 1] if k + 1 < len(page_rows) else None
        if row.description and not row.has_numbers and not row.unreadable_price:
            if nxt is not None and nxt.has_numbers and not nxt.description and nxt.top - row.bottom <= 1.2 * row.height:
                nxt.description = row.description + nxt.description
                nxt.words = row.words + nxt.words
                k += 1
                continue
            prev = out[-1] if out else None
            if prev is not None and prev.has_numbers and row.top - prev.bottom <= 1.2 * row.height:
                prev.continuation.extend(row.description)
                k += 1
                continue
            if prev is None and previous is not None and previous.has_numbers:
                previous.continuation.extend(row.description)  # continues across the page break
                k += 1
                continue
        elif row.continues and not out and _continued(row, previous):
            assert previous is not None
            previous.continuation.extend(row.description)
            _absorb(previous, row)
            k += 1
            continue
        elif not row.description and row.has_numbers:
            if numbers_first and nxt is not None and _completes(row, nxt, below=True):
                _absorb(nxt, row)
                k += 1
                continue
            if not numbers_first and out and _completes(row, out[-1], below=False):
                _absorb(out[-1], row)
                k += 1
                continue
            if not out and previous is not None:
                missing = [c for c in row.cells if c not in previous.cells]
                if missing and len(missing) == len(row.cells):
                    _absorb(previous, row)
                    k += 1
                    continue
        out.append(row)
        k += 1
    return out


def _absorb(target: ItemRow, row: ItemRow) -> None:
    """Moves a description-less row's number columns into the row it belongs to."""
    for c, w in row.cells.items():
        target.cells.setdefault(c, w)
    target.numbers.extend(row.numbers)
    if target.page == row.page:
        target.words = target.words + row.words


def _completes(row: ItemRow, target: ItemRow, *, below: bool) -> bool:
    """Whether a row of numbers without a description is the other line of ``target`` (``2,566 kg x 12,30``
    under ``HÄHNCHENBRUSTFILET 31,56``, or ``1 x 7.45`` above ``Masking tape 7.45``): a described row right
    next to it, lacking the columns it has."""
    if not target.description or any(c in target.cells for c in row.cells):
        return False
    gap = target.top - row.bottom if below else row.top - target.bottom
    return gap <= 1.2 * row.height


def _continued(row: ItemRow, target: ItemRow | None) -> bool:
    """Whether the first item row of a page, tagged as a description's continuation, completes ``target``, the
    previous page's last row, which has no amount yet (a row broken by the page break). Within a page the
    model's continuation tags are not trusted this far: real tables showed them on rows of their own."""
    if target is None or not target.description or "amount" in target.cells:
        return False
    return not any(c in target.cells for c in row.cells)
