"""Keyword candidates: the booking fields the model left empty, looked up next to their printed labels.

When no word was tagged (plausibly) with ``total``, ``invoice_date`` or ``invoice_number`` and the model's
own fallback (:func:`invoicer.tagging.decoding.fallback_spans`) found nothing either, the words of the
page are searched the way a person would read them:

* ``total``: an amount printed with cents on the same row as a total keyword (``Summe``, ``Total``, ``zu zahlen``,
  ``Gesamtbetrag``, ``TTC`` ...) and no subtotal / tax / change keyword; a strong keyword beats a weak
  one (``Bar``, ``Balance``), then the largest amount, then the lowest row;
* ``invoice_date``: every date printed in full (day, month and year, one to three words); a date
  keyword on its row or right above it helps, a due / validity keyword (``fällig``, ``gültig ab``,
  ``valid until``) counts against it, and of the rest the earliest date wins (an invoice is dated
  before what it bills: travel, delivery, due dates);
* ``invoice_number``: the first token holding a digit right after a document-number keyword on the
  same row (``Rechnungsnummer``, ``Invoice No.``, ``Beleg-Nr.``, ``Bon``, ``Auftragsnummer``,
  ``Order #``, ``Check`` ...), invoice keywords first, then receipt, order and transaction numbers.

Each span found this way carries as its confidence the model's probability that its first word begins
the field — low by construction (the model did not tag it), so the calibrated confidence sends such a
field to review. Its words keep the page's boxes (the source is shown to the reviewer).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from invoicer.tagging.decoding import (
    _CENTS,
    _NOT_TOTAL_WORDS,
    Span,
    TaggedWord,
    _amount,
    _fold,
    plausible,
    words_by_page,
)
from invoicer.tagging.labels import entity_type
from invoicer.validate.countries import LEGAL_FORM_WORDS

__all__ = [
    "KEYWORD_FIELDS",
    "LEGAL_FORMS",
    "complete_company_name",
    "ends_name_on_the_left",
    "keyword_spans",
    "labelled_numbers",
    "labelled_span",
    "legal_parts",
    "name_start",
    "name_word",
    "number_label_strength",
    "page_rows",
]

#: The fields looked up by keyword when the model tagged none.
KEYWORD_FIELDS = ("total", "invoice_date", "invoice_number", "subtotal", "tax_total")

_STRONG_TOTAL = re.compile(
    r"\btotal|summe\b|gesamt|zu zahlen|zahlbetrag|endbetrag|rechnungsbetrag|gesamtbetrag|montant|\bttc\b|totaal|"
    r"te betalen|importe|a pagar|grand|amount due|payable|jumlah|summa|\bsuma\b|razem|do zap[lł]aty|att betala|"
    r"a betale|\bi alt\b|importo|celkem|yhteensa|kokku|\bviso\b|\bbedrag\b"
)
_WEAK_TOTAL = re.compile(r"\bbetrag\b|\bbar\b|balance|\bdue\b|amount|\bsum\b|\beur\b|\bkarte\b|\bec\b|visa|mastercard")
# decoding's subtotal / tax / change words, and what else sits on a row with a keyword but is no total
_NOT_TOTAL = re.compile(
    _NOT_TOTAL_WORDS.pattern + r"|\btax|\bgst\b|\bsst\b|trinkgeld|\btip\b|pfand|bonus|punkte|points"
)
_DATE_KEYWORDS = re.compile(
    r"date|datum|fecha|tarikh|\bdatu|\bdata\b|\bdato\b|kuupaev|paivamaara|\ble\b|issued|ausgestellt|"
    r"rechnungsdatum|belegdatum|buchung|booking|\bam\b|\bon\b|erfolgte"
)
_NOT_INVOICE_DATE = re.compile(
    r"\bdue|fallig|zahlbar|gultig|valid|\bbis\b|\bab\b|until|expir|\bexp\b|ablauf|geburt|birth|\bfrom\b|\bto\b|"
    r"hinfahrt|ruckfahrt|anreise|abreise|arrival|departure|check.?in|check.?out|lieferdatum|leistungs"
)
# Document-number keywords, strongest first; matched against the (folded) words right before a candidate.
_NUMBER_KEYWORDS: tuple[tuple[float, re.Pattern[str]], ...] = (
    (0.3, re.compile(r"(?<![a-z])(rechnungs?|invoice|inv|facture|factura|fattura|factuur|faktura)[\s.\-]*"
                     r"(nr|no|nummer|number|num|n°|n|#|numero|nº)?[\s.:#]*$")),
    # "RE-Nr.", "RG:", not a bare "RE" (a Regional-Express train: "RE 10804")
    (0.3, re.compile(r"(?<![a-z])(re|rg)([\s.\-]*(nr|no|nummer|number|num|n°|#|numero|nº)[\s.:#]*|[.:#]+\s*)$")),
    # a restaurant's "Check 465" / "CHK 2486" is its bill's number
    (0.25, re.compile(r"(?<![a-z])(beleg|bon|receipt|quittung|kassenbon|ticket|folio|bill|rechn|kvitto|kvittering|"
                      r"check|chk|paragon|ricevuta|scontrino|recibo|kvitas)[\s.\-]*"
                      r"(nr|no|nummer|number|#|n°)?[\s.:#]*$")),
    (0.25, re.compile(r"(?<![a-z])(bnr|b[.\-]nr|belnr|bonnr)[\s.:#]*$")),  # "BNR 3807", "B-Nr.", "BelNr"
    (0.2, re.compile(r"(?<![a-z])(auftrags?|order|ord|bestell|booking|buchungs|reservierungs|confirmation|vorgangs)"
                     r"[\s.\-]*"
                     r"(nr|no|nummer|number|#|ref|reference|code)?[\s.:#]*$")),
    (0.1, re.compile(r"(?<![a-z])(trans(aktions?|action)?|tran|tisch|table|kasse|beleg)[\s.\-]*"
                     r"(nr|no|nummer|number|#)?[\s.:#]*$")),
)  # fmt: skip
_ID_LABEL = re.compile(r"(nr|no|nummer|number|#|id|ref)[.:]?$")  # "VU-Nr 4556695619" is no amount
#: A year in a candidate date: four digits, a numeric date's two, or two after a month name ("22SEP'18", "26 AUG 19").
_YEAR = re.compile(r"(19|20)\d\d|\d{1,2}[./-]\d{1,2}[./-]\d{2}\b|\d{1,2}\s?[^\W\d_]{3,9}\.?\s?['’]?\d{2}\b")


#: Slants tried by :func:`page_slant` (x shift per unit of y): about ±3.4 degrees in steps of 0.11.
_SLANTS = tuple(k / 500 for k in range(-30, 31))


def page_slant(words: Sequence[TaggedWord]) -> float:
    """How far a scanned page is turned, as the shift of its left margin per unit of height (0 when the
    page is straight or nothing shows it): the slant that lines up the most line starts in one margin.
    A page turned by a small angle moves a row's right end up or down by about its width times this, which
    on a wide table is a row or two."""
    starts: dict[int, tuple[float, float]] = {}
    for t in words:
        x0, y = t.word.bbox[0], (t.word.bbox[1] + t.word.bbox[3]) / 2
        key = t.page * 100000 + t.line
        if key not in starts or x0 < starts[key][0]:
            starts[key] = (x0, y)
    if len(starts) < 8:
        return 0.0
    return _slant_of_line_starts(tuple(sorted(starts.values())))


@functools.lru_cache(maxsize=256)
def _slant_of_line_starts(starts: tuple[tuple[float, float], ...]) -> float:
    """:func:`page_slant` of a page's line starts ``(x, y)`` (cached: rows are built many times per page)."""
    import numpy as np

    xy = np.asarray(starts, dtype=np.float64)
    slants = np.asarray(_SLANTS)
    margins = np.sort(xy[None, :, 0] - slants[:, None] * xy[None, :, 1], axis=1)  # one row per slant
    # for each slant, the most line starts within 3 points of each other
    first = np.arange(len(starts))
    aligned = np.array([int((np.searchsorted(row, row + 3.0, side="right") - first).max()) for row in margins])
    straight = int(aligned[len(_SLANTS) // 2])
    best = max(range(len(_SLANTS)), key=lambda i: (int(aligned[i]), -abs(_SLANTS[i])))
    return _SLANTS[best] if aligned[best] >= straight + 3 and aligned[best] >= 5 else 0.0


def page_rows(words: Sequence[TaggedWord], *, strict: bool = False) -> list[list[TaggedWord]]:
    """The page's words grouped into visual rows (vertical centres within half a word height), each row
    left to right, rows top to bottom. Text layers often put a row's columns on separate lines. ``strict``
    measures half the smaller of the word's and the row's heights (a tall word then cannot pull the next,
    tightly printed line of a receipt into its row); otherwise the larger. On a turned scan the centres are
    measured along the page's slant (:func:`page_slant`), so a row's price stays with its description."""
    slant = page_slant(words)

    def centre(t: TaggedWord) -> float:
        b = t.word.bbox
        return (b[1] + b[3]) / 2 + slant * (b[0] + b[2]) / 2

    rows: list[tuple[float, float, list[TaggedWord]]] = []  # (centre, height, words)
    for w in sorted(words, key=centre):
        b = w.word.bbox
        cy, h = centre(w), max(1.0, b[3] - b[1])
        if rows and abs(cy - rows[-1][0]) <= 0.5 * (min if strict else max)(h, rows[-1][1]):
            row_centre, height, members = rows[-1]
            members.append(w)
            rows[-1] = ((row_centre * (len(members) - 1) + cy) / len(members), max(height, h), members)
        else:
            rows.append((cy, h, [w]))
    return [sorted(members, key=lambda t: t.word.bbox[0]) for _, _, members in rows]


def _label_probability(word: TaggedWord, labels: Sequence[str], label: str) -> float:
    if word.probs is None or label not in labels:
        return 0.0
    return float(word.probs[list(labels).index(label)])


def labelled_span(name: str, words: Sequence[TaggedWord], labels: Sequence[str]) -> Span:
    """A span of ``name`` over ``words`` found by a look-up, not tagged by the model: its confidence is the
    model's probability that the first word begins ``name`` (low when the model did not see it)."""
    p = _label_probability(words[0], labels, f"B-{name}")
    tagged = tuple(replace(w, label=("B-" if k == 0 else "I-") + name, confidence=p) for k, w in enumerate(words))
    return Span(name, words[0].page, tagged, True, looked_up=True)


def _total(rows_by_page: dict[int, list[list[TaggedWord]]], labels: Sequence[str]) -> Span | None:
    found: list[tuple[float, Decimal, float, list[TaggedWord]]] = []  # keyword score, amount, position, words
    for page, rows in rows_by_page.items():
        for row in rows:
            for i, word in enumerate(row):
                if not _CENTS.search(word.word.text):
                    continue
                amount = _amount(word.word.text)
                if amount is None or amount <= 0:
                    continue
                left = _fold(" ".join(w.word.text for w in row[:i]))
                if not left or _ID_LABEL.search(left) or _NOT_TOTAL.search(left):
                    continue
                strength = 0.3 if _STRONG_TOTAL.search(left) else 0.15 if _WEAK_TOTAL.search(left) else 0.0
                if strength:
                    found.append((strength, amount, page * 10000 + word.word.bbox[1], [word]))
    if not found:
        return None
    largest = max(a for _, a, _, _ in found)
    lowest = max(p for _, _, p, _ in found)

    def score(entry: tuple[float, Decimal, float, list[TaggedWord]]) -> float:
        strength, amount, position, words = entry
        return (
            strength + 0.1 * (amount == largest) + 0.05 * (position == lowest)
            + _label_probability(words[0], labels, "B-total")
        )  # fmt: skip

    return labelled_span("total", max(found, key=score)[3], labels)


_MONTH = re.compile(
    r"(jan|feb|mar|maer|apr|may|mai|jun|jul|aug|sep|oct|okt|nov|dec|dez|ene|abr|ago|dic|avr|juil|aou|janv|fev)"
)


def _date_edges(words: Sequence[TaggedWord]) -> bool:
    """Whether ``words`` can be one printed date: it ends in a number, and begins with one or a month name
    (so "Datum 23.11.2017" is not read as a three-word date)."""
    first, last = _fold(words[0].word.text), words[-1].word.text
    if not any(c.isdigit() for c in last):
        return False
    return any(c.isdigit() for c in first) or (len(words) > 1 and bool(_MONTH.match(first.strip(".,"))))


def _parse_date(text: str) -> date | None:
    from invoicer.errors import AmbiguousValueError, InvoicerError
    from invoicer.validate.normalize import parse_date

    if not _YEAR.search(text):
        return None
    try:
        return parse_date(text).value
    except AmbiguousValueError as exc:  # either reading: compare by the earlier one
        readings = []
        for candidate in exc.candidates:
            try:
                readings.append(date.fromisoformat(candidate))
            except ValueError:
                continue
        return min(readings) if readings else date.max
    except InvoicerError:
        return None


def _invoice_date(rows_by_page: dict[int, list[list[TaggedWord]]], labels: Sequence[str]) -> Span | None:
    found: list[tuple[float, date, list[TaggedWord]]] = []
    for rows in rows_by_page.values():
        for r, row in enumerate(rows):
            i = 0
            while i < len(row):
                for n in (3, 2, 1):  # the longest reading starting here ("23. Nov 2017" before "23.")
                    words = row[i : i + n]
                    if len(words) < n or not _date_edges(words):
                        continue
                    value = _parse_date(" ".join(w.word.text for w in words))
                    if value is None:
                        continue
                    left = _fold(" ".join(w.word.text for w in row[:i]))
                    above = _fold(" ".join(w.word.text for w in rows[r - 1])) if r else ""
                    near = " ".join(left.split()[-4:])
                    score = 0.3 if _DATE_KEYWORDS.search(near) or (not left and _DATE_KEYWORDS.search(above)) else 0.0
                    if _NOT_INVOICE_DATE.search(near):
                        score -= 0.3
                    found.append((score, value, list(words)))
                    i += n - 1
                    break
                i += 1
    if not found:
        return None
    earliest = min(v for _, v, _ in found)
    best = max(
        found,
        key=lambda e: e[0] + 0.1 * (e[1] == earliest) + _label_probability(e[2][0], labels, "B-invoice_date"),
    )
    return labelled_span("invoice_date", best[2], labels)


def _number_token(text: str) -> str:
    return text.strip(":#.,;()[]")


def _number_label(row: Sequence[TaggedWord], i: int) -> float:
    """Strength of the document-number keyword right before word ``i`` of a visual row (0 when none)."""
    before = _fold(" ".join(w.word.text for w in row[max(0, i - 3) : i]))
    return next((strength for strength, pattern in _NUMBER_KEYWORDS if pattern.search(before)), 0.0)


def _document_number_shape(token: str, strength: float = 0.0) -> bool:
    """Whether a token can be a document number: digits in it, and not a price, rate, time or date, nor a small
    count unless an invoice or receipt keyword stands before it ("RECHNUNG NR.: 390", "BON: 270")."""
    if len(token) < 2 or not any(c.isdigit() for c in token) or _parse_date(token) is not None:
        return False
    if re.fullmatch(r"\d{1,3}", token):
        return strength >= 0.25
    return not re.fullmatch(r"\d{1,3}[.,]\d{2}%?|\d{1,3}%|\d{1,2}:\d{2}(:\d{2})?", token)


def _booking_code(row: Sequence[TaggedWord], i: int, strength: float) -> bool:
    """A booking or order code of capital letters only ("Auftragsnummer: AEXVDX"), right after a number
    label that ends in a colon, "#" or a number word."""
    token = _number_token(row[i].word.text)
    if strength < 0.2 or not re.fullmatch(r"[A-Z]{5,10}", token):
        return False
    folded = _fold(token)
    if _DATE_KEYWORDS.search(folded) or _STRONG_TOTAL.search(folded) or _WEAK_TOTAL.search(folded) or any(
        pattern.search(folded) for _, pattern in _NUMBER_KEYWORDS
    ):
        return False  # the next box's label ("Rechnungs-Nr.: | DATUM"), not a code
    label = _fold(row[i - 1].word.text)
    return label.endswith((":", "#")) or bool(re.search(r"(nr|no|nummer|number|code)[.]?$", label))


_DIGIT_GROUP = re.compile(r"\d{2,8}")
_GROUP_PREFIX = re.compile(r"[A-Z]{1,3}|\d{1,8}")


def _number_in_groups(row: Sequence[TaggedWord], i: int, strength: float) -> list[TaggedWord] | None:
    """Words ``i``.. of a document number printed in groups right after a receipt or invoice keyword
    ("RECHNUNG NR. RE 00171 20", "Beleg-Nr. 2394 14 0086 28"): a short capital prefix or a digit group, then
    digit groups set close together (gaps under 1.5 × the text height). None when there is no such run."""
    if strength < 0.25 or not _GROUP_PREFIX.fullmatch(_number_token(row[i].word.text)):
        return None
    run = [row[i]]
    for word in row[i + 1 :]:
        last = run[-1].word.bbox
        if not _DIGIT_GROUP.fullmatch(word.word.text) or word.word.bbox[0] - last[2] > 1.5 * (last[3] - last[1]):
            break
        run.append(word)
    digits = sum(c.isdigit() for w in run for c in w.word.text)
    return run if len(run) > 1 and digits >= 4 else None


#: A document-number keyword glued to its value: "RGNR:AR1405897", "INVOICE:38014".
_GLUED_LABEL = re.compile(r"^(?P<label>[^\W\d_][\w.\-]*?)[.:#]+(?P<value>\w[\w\-/]*)$")


def _glued_number(word: TaggedWord) -> tuple[float, TaggedWord] | None:
    """The value and its keyword's strength when ``word`` is a keyword glued to a document number."""
    m = _GLUED_LABEL.match(word.word.text.strip())
    if not m:
        return None
    label = _fold(m["label"])
    strength = next((s for s, pattern in _NUMBER_KEYWORDS if pattern.search(label)), 0.0)
    if not strength or not _document_number_shape(m["value"], strength):
        return None
    return strength, replace(word, word=replace(word.word, text=m["value"]))


def labelled_numbers(rows_by_page: dict[int, list[list[TaggedWord]]], labels: Sequence[str]) -> list[Span]:
    """Every token printed right after a document-number keyword (``Rechnungs-Nr.``, ``Receipt #``,
    ``Auftragsnummer:``) or glued to one (``RGNR:AR1405897``), as an ``invoice_number`` span whose confidence is
    the model's probability for it."""
    out: list[Span] = []
    for rows in rows_by_page.values():
        for row in rows:
            for i in range(len(row)):
                strength = _number_label(row, i) if i else 0.0
                token = _number_token(row[i].word.text)
                if strength and (grouped := _number_in_groups(row, i, strength)) is not None:
                    out.append(labelled_span("invoice_number", grouped, labels))
                if strength and (_document_number_shape(token, strength) or _booking_code(row, i, strength)):
                    out.append(labelled_span("invoice_number", [row[i]], labels))
                elif (glued := _glued_number(row[i])) is not None:
                    out.append(labelled_span("invoice_number", [glued[1]], labels))
    return out


def number_label_strength(span: Span, rows_by_page: dict[int, list[list[TaggedWord]]]) -> float:
    """Strength of the document-number keyword printed right before ``span`` on its visual row
    (``rows_by_page``: :func:`page_rows` of each page), or glued to it (0 when none)."""
    glued = _glued_number(span.words[0])
    if glued is not None:
        return glued[0]
    found = _row_position(span, rows_by_page)
    if found is None:
        return 0.0
    row, i = found
    # a candidate cut from its keyword ("VAT INVOICE:38014" → "38014") keeps that keyword's strength
    glued = _glued_number(row[i])
    if glued is not None and _number_token(glued[1].word.text) == _number_token(span.words[0].word.text):
        return glued[0]
    return _number_label(row, i)


def _row_position(span: Span, rows_by_page: dict[int, list[list[TaggedWord]]]) -> tuple[list[TaggedWord], int] | None:
    """The visual row holding ``span``'s first word, and that word's position in it."""
    first = span.words[0]
    for row in rows_by_page.get(span.page, []):
        for i, w in enumerate(row):
            if w.index == first.index and w.page == first.page:
                return row, i
    return None


def _invoice_number(rows_by_page: dict[int, list[list[TaggedWord]]], labels: Sequence[str]) -> Span | None:
    found: list[tuple[float, list[TaggedWord]]] = []
    for rows in rows_by_page.values():
        for row in rows:
            for i in range(1, len(row)):
                strength = _number_label(row, i)
                score = strength + _label_probability(row[i], labels, "B-invoice_number")
                if strength and (grouped := _number_in_groups(row, i, strength)) is not None:
                    found.append((score + 0.01, grouped))  # the whole number before its first group alone
                if strength and _document_number_shape(_number_token(row[i].word.text), strength):
                    found.append((score, [row[i]]))
    if not found:
        return None
    return labelled_span("invoice_number", max(found, key=lambda e: e[0])[1], labels)


def keyword_spans(tagged: Sequence[TaggedWord], spans: Sequence[Span], labels: Sequence[str]) -> list[Span]:
    """Spans for each of :data:`KEYWORD_FIELDS` that ``spans`` (the model's and its fallback's) lack."""
    found = {s.entity for s in spans if plausible(s.entity, s.text)}
    missing = [name for name in KEYWORD_FIELDS if name not in found]
    if not missing:
        return []
    rows_by_page = {page: page_rows(words) for page, words in words_by_page(tagged).items()}
    finders: dict[str, Callable[[dict[int, list[list[TaggedWord]]], Sequence[str]], Span | None]] = {
        "total": _total,
        "invoice_date": _invoice_date,
        "invoice_number": _invoice_number,
        "subtotal": lambda rows, labels: _tax_or_net(rows, labels, "subtotal"),
        "tax_total": lambda rows, labels: _tax_or_net(rows, labels, "tax_total"),
    }
    out: list[Span] = []
    for name in missing:
        span = finders[name](rows_by_page, labels)
        if span is not None and plausible(name, span.text):
            out.append(span)
    return out


# ----------------------------------------------------------------------------------------------
# company names printed in prose
# ----------------------------------------------------------------------------------------------

#: Legal-form words that end a company's name ("GmbH", "AG", "Ltd.", "S.L." ...), folded, dots dropped.
LEGAL_FORMS = LEGAL_FORM_WORDS
_MAX_NAME_WORDS = 8


def legal_parts(text: str) -> list[str]:
    """The pieces of a word between slashes and commas, folded without dots: "AG/DB" → ["ag", "db"]."""
    return [p.replace(".", "") for p in re.split(r"[/,;]", _fold(text)) if p.strip(".")]


def ends_name_on_the_left(text: str) -> bool:
    """A word left of a name that belongs to something else: it ends a sentence or field ("Uhr.", "Tel:"),
    or it is another company's legal form."""
    return text.endswith((".", ",", ":", ";", ")")) or text.casefold().replace(".", "") in LEGAL_FORMS


def name_word(text: str) -> bool:
    """A word that can be part of a company name: capitalized, a number or an ampersand."""
    return text[:1].isupper() or text[:1].isdigit() or text in ("&", "+", "und", "and", "et", "y")


def name_start(row: Sequence[TaggedWord], start: int, end: int) -> int:
    """Where a company name that reaches word ``end`` of a visual row begins, going left from ``start`` over
    name words (capitalized, numbers, "&") until a word that ends something else, at most
    :data:`_MAX_NAME_WORDS` words in all."""
    while start > 0 and end - start < _MAX_NAME_WORDS:
        previous = row[start - 1].word.text
        if not name_word(previous) or ends_name_on_the_left(previous):
            break
        start -= 1
    return start


def complete_company_name(span: Span, tagged: Sequence[TaggedWord]) -> Span:
    """``span`` widened to the whole company name when it holds part of one printed in a line of prose
    ("... Uhr. DB Fernverkehr AG/DB Regio AG, Stephensonstr. 1" tagged only "AG/DB"): the capitalized
    words around it on its line, up to a word ending a sentence or field on the left and up to the last
    legal-form word ("AG", "GmbH", "Ltd." ...) on the right. Unchanged unless the result ends in a legal
    form and the span sits on one line."""
    if len({(w.page, w.line) for w in span.words}) != 1:
        return span
    page, line = span.words[0].page, span.words[0].line
    row = [t for t in tagged if t.page == page and t.line == line]
    indices = {w.index for w in span.words}
    positions = [k for k, t in enumerate(row) if t.index in indices]
    if not positions:
        return span
    start, end = min(positions), max(positions)
    if not any(p in LEGAL_FORMS for t in row[start : min(len(row), end + 2)] for p in legal_parts(t.word.text)):
        return span
    start = name_start(row, start, end)
    last_legal = None
    k = end
    while k < len(row) and k - start < _MAX_NAME_WORDS:
        text = row[k].word.text
        if k > end and not name_word(text):
            break
        if legal_parts(text) and legal_parts(text)[-1] in LEGAL_FORMS:
            last_legal = k
        if k >= end and text.endswith((",", ";", ":")):
            break
        k += 1
    if last_legal is None or (start, last_legal) == (min(positions), max(positions)):
        return span
    confidence = span.confidence
    words = tuple(replace(t, label=("B-" if i == 0 else "I-") + span.entity, confidence=confidence)
                  for i, t in enumerate(row[start : last_legal + 1]))  # fmt: skip
    return Span(span.entity, page, words, True)


#: Lowercase words that may join a company name's capitalized words ("Hampton by Hilton", "GOLFO de BIZKAIA").
_NAME_JOINERS = frozenset({"by", "de", "del", "la", "le", "am", "an", "der", "and", "und", "et", "y", "&", "+", "of"})
#: Words that begin a label printed after a name on its line or the next ("COMPANY REG. NO.", "CO. REG.").
_LABEL_WORDS = frozenset({"reg", "reg.", "regn", "no", "no.", "no:", "nr", "nr.", "tel", "tel.", "tel:", "gst", "fax"})


def _joins_a_name(text: str) -> bool:
    return (name_word(text) and not text.endswith(":")) or text.casefold() in _NAME_JOINERS


def whole_name_line(span: Span, tagged_by_page: dict[int, list[TaggedWord]]) -> Span:
    """A one-line company-name ``span`` widened to its whole printed line when the rest of the line can
    only be more of the name: a receipt prints its shop's name alone on a line, and the model often tags
    part of it ("PAGOH [REST AND SERVICE] AREA", "[DOMINO'S] PIZZA"). Unchanged when another word on the
    line is tagged as something else, is not a name word (lowercase, a label, punctuation) or stands apart
    (a column gap), or when the line holds more than :data:`_MAX_NAME_WORDS` words."""
    lines = {w.line for w in span.words}
    if len(lines) != 1:
        return span
    line = span.words[0].line
    row = sorted((t for t in tagged_by_page.get(span.page, []) if t.line == line), key=lambda t: t.word.bbox[0])
    indices = {w.index for w in span.words}
    if len(row) <= len(span.words) or len(row) > _MAX_NAME_WORDS:
        return span
    extra = [t for t in row if t.index not in indices]
    if any(entity_type(t.label) not in (None, span.entity) for t in extra):
        return span
    if not all(_joins_a_name(t.word.text) and any(c.isalnum() for c in t.word.text) for t in extra):
        return span
    if row[0].word.text.casefold() in _NAME_JOINERS or row[-1].word.text.casefold() in _NAME_JOINERS:
        return span
    height = max(1.0, max(t.word.bbox[3] - t.word.bbox[1] for t in row))
    if any(b.word.bbox[0] - a.word.bbox[2] > 2.0 * height for a, b in itertools.pairwise(row)):
        return span
    words = tuple(t if t.index in indices else replace(t, label="I-" + span.entity) for t in row)
    words = (replace(words[0], label="B-" + span.entity), *words[1:])
    return Span(span.entity, span.page, words, True)


def cut_at_label_line(span: Span, tagged_by_page: dict[int, list[TaggedWord]]) -> Span:
    """A company-name ``span`` without the words it took from a later line that goes on as a label
    ("ADVANCO COMPANY" + "COMPANY REG. NO. : 725186-V" tagged "ADVANCO COMPANY COMPANY")."""
    first_line = span.words[0].line
    page_words = tagged_by_page.get(span.page, [])
    by_index = {t.index: t for t in page_words}
    kept: list[TaggedWord] = []
    for k, w in enumerate(span.words):
        if w.line != first_line:
            last_of_line = k + 1 == len(span.words) or span.words[k + 1].line != w.line
            after = by_index.get(w.index + 1)
            height = max(1.0, w.word.bbox[3] - w.word.bbox[1])
            if (
                last_of_line
                and after is not None
                and after.line == w.line
                and _fold(after.word.text) in _LABEL_WORDS
                and after.word.bbox[0] - w.word.bbox[2] <= 2.0 * height
            ):
                break
        kept.append(w)
    if len(kept) == len(span.words) or not kept:
        return span
    return Span(span.entity, span.page, tuple(kept), span.begins)


def finish_address_line(span: Span, tagged_by_page: dict[int, list[TaggedWord]]) -> Span:
    """An address ``span`` with the last one or two words of its last line that the model left out
    ("... SELANGOR DARUL [EHSAN]"): untagged words right after its last word, in the same phrase, made of
    letters and not a label ("TEL", "GST", a word ending in ":")."""
    last = span.words[-1]
    by_index = {t.index: t for t in tagged_by_page.get(span.page, [])}
    added: list[TaggedWord] = []
    previous = last
    while len(added) < 2:
        nxt = by_index.get(previous.index + 1)
        if nxt is None or nxt.line != last.line or entity_type(nxt.label) is not None:
            break
        text = nxt.word.text
        height = max(1.0, previous.word.bbox[3] - previous.word.bbox[1])
        if (
            nxt.word.bbox[0] - previous.word.bbox[2] > 1.5 * height
            or not text.rstrip(".,").isalpha()
            or not text[:1].isupper()
            or _fold(text) in _LABEL_WORDS
            or text.casefold() in _NAME_JOINERS
        ):
            break
        added.append(replace(nxt, label="I-" + span.entity))
        previous = nxt
    if not added:
        return span
    return Span(span.entity, span.page, (*span.words, *added), span.begins)


# ----------------------------------------------------------------------------------------------
# the vendor's tax id, next to its label
# ----------------------------------------------------------------------------------------------

#: Labels of a company's tax or VAT number, folded ("USt-IdNr.", "St.-Nr.", "VAT Reg No", "N° TVA", "GST ID").
_TAX_ID_LABEL = re.compile(
    r"(?<![a-z])(ust|umsatzsteuer|identnummer|identifikationsnummer|mwst|st|stnr|steuer|vat|tva|btw|iva|"
    r"p\.?\s?iva|partita iva|nif|cif|uid|gst|sst|"
    r"tax|abn|org|moms|ein)[\s.:#\-]*"
    r"((id|nr|no|nummer|number|n°|nº|reg|regn|ident|idnr|identifikationsnummer|registration|code)[\s.:#\-]*){0,3}$"
)
_COUNTRY_PREFIX = re.compile(r"^[A-Z]{2}$")
_TAX_ID_PIECE = re.compile(r"^[A-Z0-9][A-Z0-9/\-.]*$")


def tax_id_shape(text: str) -> bool:
    """Whether ``text`` can be a tax or VAT number: seven digits or more ("DE282311424", "29/001/60002",
    "556500-3745", "Q2828032I"), not an IBAN (two letters, two digits, then more than twelve characters)."""
    compact = re.sub(r"[\s./\-]", "", text).upper()
    if sum(c.isdigit() for c in compact) < 7 or len(compact) > 16:
        return False
    return not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{13,}", compact)


def _tax_id_piece(word: TaggedWord) -> str:
    return word.word.text.strip(":,;()[]").upper()


def _tax_id_words(row: Sequence[TaggedWord], i: int) -> list[TaggedWord]:
    """The words of the tax id starting at word ``i`` of a visual row: one token holding it all
    ("DE282311424", "29/001/60002"), or a country code and digit groups printed as one phrase ("DE 282 311
    424", "GB 821 2613 24")."""
    pieces: list[TaggedWord] = []
    for w in row[i : i + 5]:
        token = _tax_id_piece(w)
        if not token or not _TAX_ID_PIECE.match(token):
            break
        if pieces:
            after_prefix = len(pieces) == 1 and _COUNTRY_PREFIX.match(_tax_id_piece(pieces[0]))
            if not (token.isdigit() or (after_prefix and any(c.isdigit() for c in token))):
                break
            last = pieces[-1].word.bbox
            if w.word.bbox[0] - last[2] > 1.5 * max(1.0, last[3] - last[1]):
                break  # a column gap: something else
        pieces.append(w)
        if len(pieces) == 1 and not _COUNTRY_PREFIX.match(token) and not token.isdigit():
            break
    return pieces


def labelled_tax_ids(rows_by_page: dict[int, list[list[TaggedWord]]], labels: Sequence[str]) -> list[Span]:
    """Every tax or VAT number printed right after its label ("USt-IdNr.: DE 282 311 424", "St.-Nr.
    29/001/60002"), its pieces joined, as a ``vendor_tax_id`` span whose confidence is the model's
    probability for it."""
    out: list[Span] = []
    for rows in rows_by_page.values():
        for row in rows:
            for i in range(1, len(row)):
                if not _tax_id_label(row, i):
                    continue
                pieces = _tax_id_words(row, i)
                if pieces and tax_id_shape(" ".join(p.word.text for p in pieces)):
                    out.append(labelled_span("vendor_tax_id", pieces, labels))
    return out


def _tax_id_label(row: Sequence[TaggedWord], i: int) -> bool:
    """Whether a tax-id label ends right before word ``i`` of a visual row."""
    return bool(_TAX_ID_LABEL.search(_fold(" ".join(w.word.text for w in row[max(0, i - 3) : i]))))


def tax_id_label_before(span: Span, rows_by_page: dict[int, list[list[TaggedWord]]]) -> bool:
    """Whether a tax-id label ends right before ``span`` on its visual row (``rows_by_page``: :func:`page_rows`
    of each page)."""
    found = _row_position(span, rows_by_page)
    return found is not None and _tax_id_label(*found)


# ----------------------------------------------------------------------------------------------
# the tax and the net amount: a "MwSt 19% 6,67" row, or a VAT table's single rate row
# ----------------------------------------------------------------------------------------------

_TAX_WORD = re.compile(r"(?<![a-z])(mwst|ust|vat|tax|tva|iva|btw|gst|sst|moms|mva|steuer)(?![a-z])")
_NET_WORD = re.compile(
    r"(?<![a-z])(netto|net|nett|ht|excl|exkl|base|subtotal|sub total|zwischensumme|subtotaal)(?![a-z])"
)
_GROSS_WORD = re.compile(r"(?<![a-z])(brutto|gross|ttc|incl|inkl|total|gesamt|summe)(?![a-z])")
_NOT_TAX_ROW = re.compile(r"(?<![a-z])(nr|no|id|number|reg|ident|incl|inkl|enthalten|included)(?![a-z])")


def _money_words(row: Sequence[TaggedWord]) -> list[tuple[int, Decimal]]:
    """(position, amount) of the words of ``row`` printed as money with cents (no percentages)."""
    out = []
    for i, w in enumerate(row):
        text = w.word.text
        if "%" in text or not _CENTS.search(text):
            continue
        amount = _amount(text)
        if amount is not None and amount > 0:
            out.append((i, amount))
    return out


def _centre_x(word: TaggedWord) -> float:
    return (word.word.bbox[0] + word.word.bbox[2]) / 2


def _table_column(rows: Sequence[Sequence[TaggedWord]], k: int, pattern: re.Pattern[str]) -> TaggedWord | None:
    """The amount under the header word matching ``pattern`` of row ``k`` (a VAT table's header, naming the
    tax and the net or gross), when exactly one row of amounts follows: a one-rate table."""
    heads = [w for w in rows[k] if pattern.search(_fold(w.word.text))]
    if len(heads) != 1 or k + 1 >= len(rows):
        return None
    body = [(r, money) for r in rows[k + 1 : k + 4] if (money := _money_words(r))]
    if not body or body[0][0] is not rows[k + 1] or (len(body) > 1 and body[1][0] is rows[k + 2]):
        return None  # not right below, or several rates (their sum is not printed on these rows)
    head, (row, money) = heads[0], body[0]
    box = head.word.bbox
    width = max(box[2] - box[0], box[3] - box[1])
    cell = min((row[i] for i, _ in money), key=lambda w: abs(_centre_x(w) - _centre_x(head)))
    return cell if abs(_centre_x(cell) - _centre_x(head)) <= 1.5 * width else None


def _tax_or_net(
    rows_by_page: dict[int, list[list[TaggedWord]]], labels: Sequence[str], name: str
) -> Span | None:
    """``tax_total`` or ``subtotal`` read from a VAT table with one rate (header "Netto MwSt Brutto"), else from
    the one row labelled with its keyword and holding a single amount ("MWST. 19,00% 6,67", "TAX 3.57",
    "NETTO 35,13"); None when that is not unambiguous."""
    word_pattern = _TAX_WORD if name == "tax_total" else _NET_WORD
    from_tables: list[TaggedWord] = []
    from_rows: list[TaggedWord] = []
    for rows in rows_by_page.values():
        for k, row in enumerate(rows):
            folded = _fold(" ".join(w.word.text for w in row))
            amounts = _money_words(row)
            is_header = _TAX_WORD.search(folded) and (_NET_WORD.search(folded) or _GROSS_WORD.search(folded))
            if is_header and not amounts:
                if (cell := _table_column(rows, k, word_pattern)) is not None:
                    from_tables.append(cell)
                continue
            if len(amounts) != 1 or _NOT_TAX_ROW.search(folded):
                continue
            i = amounts[0][0]
            left = _fold(" ".join(w.word.text for w in row[:i]))
            if not word_pattern.search(left) or (name == "tax_total" and _NET_WORD.search(left)):
                continue
            if name == "subtotal" and (_TAX_WORD.search(left) or _GROSS_WORD.search(left.replace("subtotal", ""))):
                continue
            from_rows.append(row[i])
    found = from_tables or from_rows
    if len(found) != 1:
        return None
    return labelled_span(name, [found[0]], labels)


def trim_address(span: Span, vendor: str | None) -> Span:
    """An address ``span`` without a first line that begins with the vendor's name (a branch line,
    "DOMINO'S PIZZA PERMAS JAYA" above the street) and without lines after one that ends in a country name
    ("... KUALA LUMPUR, MALAYSIA" then a mall's name)."""
    from invoicer.validate.countries import COUNTRY_NAMES

    lines: list[list[TaggedWord]] = []
    for w in span.words:
        if lines and lines[-1][-1].line == w.line:
            lines[-1].append(w)
        else:
            lines.append([w])
    if len(lines) < 2:
        return span
    vendor_words = [_fold(t).strip(".,") for t in (vendor or "").split()]
    first = [_fold(w.word.text).strip(".,") for w in lines[0]]
    if vendor_words and len(vendor_words[0]) >= 3 and first[: len(vendor_words)] == vendor_words:
        lines = lines[1:]
    for k, line in enumerate(lines[:-1]):
        if line[-1].word.text.strip(".,;").upper() in COUNTRY_NAMES:
            lines = lines[: k + 1]
            break
    words = tuple(w for line in lines for w in line)
    if len(words) == len(span.words):
        return span
    return Span(span.entity, span.page, (replace(words[0], label="B-" + span.entity), *words[1:]), True)
