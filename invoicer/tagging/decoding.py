"""Tagged words → header fields and line items (pure functions, no model involved).

1. :func:`tag_words`: per word, the most probable BIO label and its probability (the confidence).
2. :func:`find_spans`: the words of one entity occurrence form a span; a ``B-`` label starts one, an
   ``I-`` label joins the latest occurrence of its type when that is on the same page and at most
   three lines above (else it starts one that is marked as not begun: a continuation).
3. :func:`choose_fields`: per header field, every span is a candidate scored by its mean confidence
   after dropping implausible ones (:func:`plausible`: money must read as an amount, a date as a
   date, ...); a booking field no word was tagged with gets the word most probably beginning it when
   that probability reaches :data:`FALLBACK_MIN` (:func:`fallback_spans`)
   plus simple priors, and the best one wins:

   * amounts (``total``, ``subtotal``, ``tax_total``): a keyword on the same row or the row above
     (``Total``, ``Summe``, ``zu zahlen``, ``TTC`` ... for totals; ``Sub``/``Netto``/``MwSt`` count
     against a total), candidates that do not read as an amount lose; among totals the largest
     amount and the lowest one on the page get a small bonus;
   * dates: a candidate that reads as a date wins over one that does not; a date keyword on its row helps;
   * other fields: earlier pages and higher on the page win ties.

   A booking field (``total``, ``invoice_date``, ``invoice_number``) that neither the tags nor the fallback
   give is looked up next to its printed keyword (:mod:`invoicer.tagging.keywords`), with the model's low
   probability as its confidence; a ``vendor_name`` span holding part of a company name printed in prose
   is widened to the whole name up to its legal form (:func:`~invoicer.tagging.keywords.complete_company_name`).

4. :func:`invoicer.tagging.items.group_rows`: line items read row by row along the page's visual rows
   (the item-tagged rows, the table rows the model missed that line up with its amount column, second
   description lines and quantity lines joined to their row, totals and payment lines left out).

Values stay as printed (``raw``); :func:`decode` finally normalizes them with
:func:`invoicer.validate.normalize.normalize_extraction`, the same code the validate stage uses.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np

from invoicer.document import (
    DATE_FIELDS,
    FIELD_NAMES,
    MONEY_FIELDS,
    BBox,
    Document,
    Extraction,
    Field,
    LineItem,
    Word,
    center_inside,
    union_bbox,
)
from invoicer.errors import AmbiguousValueError, InvoicerError, TaggingError
from invoicer.tagging.labels import OUTSIDE, entity_type, is_begin
from invoicer.validate.normalize.evidence import has_legal_form

FALLBACK_MIN = 0.2
#: A document-number keyword right before an invoice_number candidate adds this times its strength (0.1-0.3).
NUMBER_LABEL_WEIGHT = 2.0
#: Fields a document is booked by: for these a probable but untagged word is better than nothing.
FALLBACK_FIELDS = ("vendor_name", "invoice_number", "invoice_date", "currency", "total")

__all__ = [
    "Candidate",
    "Span",
    "TaggedWord",
    "choose_fields",
    "decode",
    "fallback_spans",
    "find_spans",
    "normalize_result",
    "plausible",
    "score_candidates",
    "tag_words",
]


@dataclass(frozen=True)
class TaggedWord:
    """One word of the document with its predicted label: page (1-based), line index on the page,
    position in the page's reading order."""

    page: int
    line: int
    index: int
    word: Word
    label: str
    confidence: float
    probs: np.ndarray | None = field(default=None, compare=False, repr=False)  # all labels' probabilities


@dataclass(frozen=True)
class Span:
    """Consecutive words of one entity type on one page."""

    entity: str
    page: int
    words: tuple[TaggedWord, ...]
    begins: bool  # True when its first word is labelled B-
    looked_up: bool = False  # found next to a printed keyword, not tagged by the model

    @property
    def text(self) -> str:
        return " ".join(w.word.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return union_bbox(w.word.bbox for w in self.words)

    @property
    def confidence(self) -> float:
        return float(sum(w.confidence for w in self.words) / len(self.words))

    @property
    def top(self) -> float:
        return self.bbox[1]

    @property
    def center_y(self) -> float:
        b = self.bbox
        return (b[1] + b[3]) / 2


@dataclass(frozen=True)
class Candidate:
    span: Span
    score: float
    reasons: tuple[str, ...] = ()


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


# ----------------------------------------------------------------------------------------------
# 1-2: labels and spans
# ----------------------------------------------------------------------------------------------


def tag_words(document: Document, page_probs: Sequence[np.ndarray], labels: Sequence[str]) -> list[TaggedWord]:
    """Each word's most probable label. ``page_probs[i]`` is ``(n_words, n_labels)`` for page ``i``."""
    if len(page_probs) != len(document.pages):
        raise TaggingError(f"{len(page_probs)} probability arrays for {len(document.pages)} pages")
    out: list[TaggedWord] = []
    for page, probs in zip(document.pages, page_probs, strict=True):
        entries = [(li, w) for li, line in enumerate(page.lines) for w in line.words]
        if probs.shape != (len(entries), len(labels)):
            raise TaggingError(
                f"page {page.number}: probabilities of shape {probs.shape} for {len(entries)} words "
                f"and {len(labels)} labels"
            )
        if not entries:
            continue
        best = probs.argmax(axis=1)
        for k, (li, w) in enumerate(entries):
            out.append(TaggedWord(page.number, li, k, w, labels[int(best[k])], float(probs[k, best[k]]), probs[k]))
    return out


def _close_below(last: TaggedWord, word: TaggedWord) -> bool:
    """Whether ``word`` can continue an occurrence whose latest word is ``last``: same page, and on the
    same line or at most a few lines further down."""
    if last.page != word.page:
        return False
    lb, wb = last.word.bbox, word.word.bbox
    height = max(1.0, wb[3] - wb[1], lb[3] - lb[1])
    return -0.5 * height <= wb[1] - lb[1] <= 3.0 * height


#: Entities never printed twice side by side on one line: a ``B-`` right after one of their words, in the
#: same phrase, continues it ("NO:/B G3,/B BLK/I G,/I ..." is one address, not "NO:" and the rest).
_ONE_PER_LINE = frozenset({"vendor_address"})


def _next_in_phrase(last: TaggedWord, word: TaggedWord) -> bool:
    """``word`` is the word right after ``last`` on its line, at most a word space or two away."""
    if last.page != word.page or last.line != word.line or word.index != last.index + 1:
        return False
    height = max(1.0, last.word.bbox[3] - last.word.bbox[1])
    return -0.5 * height <= word.word.bbox[0] - last.word.bbox[2] <= 1.5 * height


def find_spans(tagged: Sequence[TaggedWord]) -> list[Span]:
    """Entity occurrences, in reading order of their first word (see the module docstring).

    As in the synthetic corpus' labels (:mod:`invoicer.synth.labels`), ``I-X`` joins the latest open
    occurrence of ``X`` even when other words come between (two columns read line by line), provided
    it sits on the same page at most three lines below that occurrence's latest word; a ``B-`` of an
    address right after one of its words continues it (:data:`_ONE_PER_LINE`).
    """
    groups: list[list[TaggedWord]] = []
    kinds: list[str] = []
    begins: list[bool] = []
    latest: dict[str, int] = {}
    for tw in tagged:
        kind = entity_type(tw.label)
        if kind is None:
            continue
        k = latest.get(kind)
        if k is not None and (
            (not is_begin(tw.label) and _close_below(groups[k][-1], tw))
            or (kind in _ONE_PER_LINE and _next_in_phrase(groups[k][-1], tw))
        ):
            groups[k].append(tw)
            continue
        latest[kind] = len(groups)
        groups.append([tw])
        kinds.append(kind)
        begins.append(is_begin(tw.label))
    return [Span(kind, g[0].page, tuple(g), b) for kind, g, b in zip(kinds, groups, begins, strict=True)]


# ----------------------------------------------------------------------------------------------
# 3: header fields
# ----------------------------------------------------------------------------------------------

_TOTAL_WORDS = re.compile(
    r"total|gesamt|summe|betrag|zu zahlen|zahlbetrag|endbetrag|montant|ttc|totaal|te betalen|importe|"
    r"a pagar|due|payable|grand|balance|jumlah|nett|rounded|bar\b|amount"
)
_NOT_TOTAL_WORDS = re.compile(
    r"sub|zwischen|netto|\bnet\b|mwst|ust|steuer|\btax\b|vat|tva|btw|iva|\bht\b|change|ruckgeld|wechselgeld|"
    r"gegeben|tender|cash|discount|rabatt|saving|excl"
)
_DISCOUNT_WORDS = re.compile(
    r"discount|rabatt|nachlass|remise|descuento|sconto|korting|coupon|voucher|gutschein|skonto|abzug|reduction"
)
_SUBTOTAL_WORDS = re.compile(r"sub|zwischen|netto|\bnet\b|\bht\b|excl|base|nettobetrag|subtotaal")
_TAX_WORDS = re.compile(r"tax|vat|mwst|ust|steuer|tva|btw|iva|gst|sst")
_DATE_WORDS = re.compile(r"date|datum|fecha|tarikh|\bdatu|le\b|issued|ausgestellt")
_DUE_WORDS = re.compile(r"due|fallig|zahlbar bis|echeance|vervaldatum|vencimiento|payable by|pay by")


def _row_context(span: Span, tagged_by_page: dict[int, list[TaggedWord]]) -> tuple[str, str]:
    """Text left of ``span`` on its row, and the text of the row right above it (folded)."""
    x0, y0, _, y1 = span.bbox
    height = max(1.0, y1 - y0)
    own = {id(w) for w in span.words}
    left: list[tuple[float, str]] = []
    above: list[tuple[float, str]] = []
    for w in tagged_by_page.get(span.page, ()):
        if id(w) in own:
            continue
        bx0, by0, _, by1 = w.word.bbox
        cy = (by0 + by1) / 2
        if y0 - 0.3 * height <= cy <= y1 + 0.3 * height and bx0 < x0:
            left.append((bx0, w.word.text))
        elif y0 - 1.8 * height <= cy < y0 - 0.3 * height:
            above.append((bx0, w.word.text))
    return _fold(" ".join(t for _, t in sorted(left))), _fold(" ".join(t for _, t in sorted(above)))


def _amount(text: str) -> Decimal | None:
    from invoicer.validate.normalize import find_amount

    try:
        return find_amount(text).value
    except InvoicerError:
        try:  # ambiguous 1.234 / 1,234: read the last separator as decimal to compare sizes
            return find_amount(text, decimal_separator="," if text.rfind(",") > text.rfind(".") else ".").value
        except InvoicerError:
            return None


def _is_date(text: str) -> bool:
    from invoicer.validate.normalize import parse_date

    try:
        parse_date(text)
        return True
    except AmbiguousValueError:
        return True  # a date, only its reading is open (the normalizer decides with the document's evidence)
    except InvoicerError:
        return False


_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_MONEY_ONLY = re.compile(r"[^\d\s]{0,3}\s?\d{1,3}([.,']\d{3})*[.,]\d{2}-?")
_DATE_ONLY = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}$")
#: Labels of other numbers on a page (tax and company ids, phones, hotel rooms): a number printed right after one
#: of them is not the document's number, whatever the model tagged.
_OTHER_NUMBER_LABEL = re.compile(
    r"(?<![a-z])(st|steuer|ust|mwst|vat|tax|gst|sst|uid|btw|moms|org|hrb?|handelsreg\w*|siret|siren|nif|cif|abn|"
    r"kvk|tel|telefon|phone|fax|mobil|fon|iban|bic|blz|konto|account|kd|kunden|room|zimmer|chambre|habitacion)"
    r"[\s.\-]*"
    r"((id|nr|no|nummer|number|n°|reg|ident|idnr)[\s.:#\-]*){0,2}$"
)


#: Last words of a street in an address line (folded): a party's name never ends in one.
_STREET_ENDINGS = frozenset(
    {"st", "street", "ave", "avenue", "blvd", "boulevard", "rd", "road", "ln", "lane", "hwy", "highway", "str",
     "strasse", "straße", "allee", "gasse", "rue"}
)  # fmt: skip

#: Words of a document's title or copy note, never a party's name on their own (folded).
_TITLE_WORDS = frozenset(
    {"online", "ticket", "fahrkarte", "fahrschein", "einzelfahrschein", "tageskarte", "ice", "ic", "ec",
     "rechnung", "invoice", "receipt", "quittung", "beleg", "kassenbon", "bon", "kundenbeleg", "handlerbeleg",
     "zahlungsbeleg", "bewirtungsbeleg", "kopie", "copy", "duplikat", "duplicate", "original", "facture",
     "factura", "fattura", "factuur", "kvitto", "bill", "folio", "customer", "merchant", "z", "b", "travel",
     "booking", "confirmation", "order", "summary", "purchase", "tax", "cash", "sale", "sales", "statement",
     "delivery", "note", "credit", "bestellung", "buchung", "auftrag", "lieferschein", "gutschrift"}
)  # fmt: skip


def words_by_page(tagged: Sequence[TaggedWord]) -> dict[int, list[TaggedWord]]:
    """The tagged words of each page number, in reading order."""
    by_page: dict[int, list[TaggedWord]] = {}
    for tw in tagged:
        by_page.setdefault(tw.page, []).append(tw)
    return by_page


def labelled_as_another_number(span: Span, tagged_by_page: dict[int, list[TaggedWord]]) -> bool:
    """Whether the words right before ``span`` on its row label another kind of number ("St.-Nr.", "Tel.")."""
    left, _ = _row_context(span, tagged_by_page)
    return bool(_OTHER_NUMBER_LABEL.search(" ".join(left.split()[-3:])))


def plausible(name: str, text: str) -> bool:
    """Whether ``text`` can be a value of header field ``name`` at all: money reads as an amount, dates as
    a date, a currency as a known mark or code, an IBAN has an IBAN's shape, ids and numbers hold a digit.
    Implausible candidates are dropped before choosing (the model's word is not taken on faith)."""
    if name in MONEY_FIELDS:
        return _amount(text) is not None
    if name in DATE_FIELDS:
        return _is_date(text)
    if name == "currency":
        from invoicer.validate.normalize.currency import currency_candidates, find_currency_marks

        return bool(currency_candidates(text) or find_currency_marks(text))
    if name == "iban":
        return bool(_IBAN_SHAPE.match(re.sub(r"[\s.\-]", "", text).upper()))
    if name == "invoice_number" and (
        _MONEY_ONLY.fullmatch(text.strip()) or (_DATE_ONLY.search(text) and _is_date(text))
    ):
        return False  # "E6.00" (a price), "03.12.18" (a date) are no document numbers
    if name == "vendor_tax_id":
        from invoicer.tagging.keywords import tax_id_shape

        return tax_id_shape(text)  # "8041", "62" (a train, a coach) are no tax ids
    if name in ("invoice_number", "po_number"):
        return any(c.isdigit() for c in text)
    if name in ("vendor_name", "customer_name"):
        # a name has a word of two letters or more and is not a document's title ("ICE Fahrkarte", "(z.B.")
        # nor a street ("MARKET ST", "801 Market Street": the address line under a logo the OCR could not read)
        words = re.findall(r"[^\W\d_]+", _fold(text))
        if words and words[-1] in _STREET_ENDINGS and len(words) <= 4 and not has_legal_form(text):
            return False
        return any(len(w) >= 2 for w in words) and not all(w in _TITLE_WORDS for w in words)
    return any(c.isalpha() for c in text)


#: What a tax-id candidate gains when its label ("USt-IdNr.", "VAT No") is printed right before it.
TAX_ID_LABEL_WEIGHT = 1.0

#: How much a vendor-name candidate loses per unit of OCR doubt (1 - the lowest word confidence of its
#: reading): garbled logo readings ("Ol 2", "metro grast") lose to the name printed in plain text below.
OCR_DOUBT_WEIGHT = 0.5


def score_candidates(
    name: str, spans: Sequence[Span], tagged_by_page: dict[int, list[TaggedWord]], page_heights: dict[int, float]
) -> list[Candidate]:
    """Score every span of header field ``name``; best first."""
    scored: list[Candidate] = []
    amounts: dict[int, Decimal | None] = {}
    if name in MONEY_FIELDS:
        amounts = {i: _amount(s.text) for i, s in enumerate(spans)}
    largest = max((a for a in amounts.values() if a is not None), default=None)
    lowest = max((s.center_y + 10000 * s.page for s in spans), default=None)
    rows_by_page: dict[int, list[list[TaggedWord]]] = {}
    if name in ("invoice_number", "vendor_tax_id"):  # visual rows once per page, for every candidate's label
        from invoicer.tagging.keywords import number_label_strength, page_rows, tax_id_label_before

        rows_by_page = {page: page_rows(words) for page, words in tagged_by_page.items()}
    for i, span in enumerate(spans):
        score = span.confidence
        reasons = [f"confidence {span.confidence:.2f}"]
        height = page_heights.get(span.page, 842.0) or 842.0
        if name in MONEY_FIELDS:
            left, above = _row_context(span, tagged_by_page)
            context = left or above
            if amounts[i] is None:
                score -= 0.5
                reasons.append("not an amount")
            if name == "total":
                if _total_keyword(left):
                    score += 0.3
                    reasons.append("total keyword")
                elif _NOT_TOTAL_WORDS.search(context):
                    score -= 0.3
                    reasons.append("subtotal/tax/change keyword")
                if largest is not None and amounts[i] == largest:
                    score += 0.1
                    reasons.append("largest amount")
                if lowest is not None and span.center_y + 10000 * span.page == lowest:
                    score += 0.05
                    reasons.append("lowest")
            elif name == "subtotal" and _SUBTOTAL_WORDS.search(context):
                score += 0.2
                reasons.append("subtotal keyword")
            elif name == "tax_total" and _TAX_WORDS.search(context):
                score += 0.2
                reasons.append("tax keyword")
        elif name in DATE_FIELDS:
            if not _is_date(span.text):
                score -= 0.5
                reasons.append("not a date")
            left, above = _row_context(span, tagged_by_page)
            words = _DUE_WORDS if name == "due_date" else _DATE_WORDS
            if words.search(left or above):
                score += 0.1
                reasons.append("date keyword")
        else:
            score += 0.05 * (1.0 - min(1.0, span.top / height)) - 0.05 * (span.page - 1)
            if name == "vendor_name":  # a logo the OCR engine was unsure of is rarely the name as printed
                doubt = 1.0 - min(w.word.confidence for w in span.words)
                if doubt > 0:
                    score -= OCR_DOUBT_WEIGHT * doubt
                    reasons.append(f"OCR doubt {doubt:.2f}")
            if name == "vendor_tax_id" and tax_id_label_before(span, rows_by_page):
                score += TAX_ID_LABEL_WEIGHT
                reasons.append("tax id label")
            if name == "invoice_number":
                strength = number_label_strength(span, rows_by_page)
                if strength:
                    score += NUMBER_LABEL_WEIGHT * strength
                    reasons.append(f"number keyword {strength:g}")
        scored.append(Candidate(span, score, tuple(reasons)))
    scored.sort(key=lambda c: -c.score)
    return scored


def fallback_spans(
    tagged: Sequence[TaggedWord], spans: Sequence[Span], labels: Sequence[str], min_probability: float = FALLBACK_MIN
) -> list[Span]:
    """For each of :data:`FALLBACK_FIELDS` no word was tagged with (plausibly), the word most probably
    beginning it (if its ``B-``
    probability reaches ``min_probability``), extended by the following words on its line whose most
    probable label among this field's is ``I-``. Their confidence is that low probability, so the
    validate stage sends such a field to review."""
    found = {s.entity for s in spans if plausible(s.entity, s.text)}
    index = {label: i for i, label in enumerate(labels)}
    out: list[Span] = []
    for name in FALLBACK_FIELDS:
        b, i = index.get(f"B-{name}"), index.get(f"I-{name}")
        if name in found or b is None or i is None:
            continue
        scored = [(float(t.probs[b]), k) for k, t in enumerate(tagged) if t.probs is not None]
        if not scored:
            continue
        p, k = max(scored)
        if p < min_probability:
            continue
        words = [replace(tagged[k], label=f"B-{name}", confidence=p)]
        for nxt in tagged[k + 1 :]:
            if nxt.probs is None or nxt.page != words[0].page or nxt.line != words[0].line:
                break
            q = float(nxt.probs[i])
            if nxt.label != OUTSIDE or q < min_probability or q < float(nxt.probs[b]):  # another entity, or not I-
                break
            words.append(replace(nxt, label=f"I-{name}", confidence=q))
        out.append(Span(name, words[0].page, tuple(words), True))
    return out


#: Text fields whose span takes the words the model skipped between two of its words on one line.
GAP_FILLED_FIELDS = ("vendor_name", "customer_name", "vendor_address")


def fill_gaps(span: Span, tagged_by_page: dict[int, list[TaggedWord]]) -> Span:
    """``span`` with the words printed between two of its words on the same line ("MADISON [HOTEL] GMBH":
    the model tagged the first and last, not the middle one): at most two words, untagged, each close to the
    next (a phrase, not two columns); the added words keep their own confidence."""
    words = list(span.words)
    if len(words) < 2:
        return span
    page_words = tagged_by_page.get(span.page, [])
    by_index = {w.index: w for w in page_words}
    filled: list[TaggedWord] = []
    for k, w in enumerate(words):
        filled.append(w)
        nxt = words[k + 1] if k + 1 < len(words) else None
        if nxt is None or nxt.line != w.line or nxt.index - w.index <= 1:
            continue
        between = [by_index[i] for i in range(w.index + 1, nxt.index) if i in by_index]
        chain = [w, *between, nxt]
        close = all(
            b.word.bbox[0] - a.word.bbox[2] <= 1.5 * max(1.0, a.word.bbox[3] - a.word.bbox[1])
            for a, b in itertools.pairwise(chain)
        )
        untagged = all(entity_type(b.label) in (None, span.entity) for b in between)
        if between and len(between) <= 2 and close and untagged and all(b.line == w.line for b in between):
            filled.extend(replace(b, label="I-" + span.entity) for b in between)
    if len(filled) == len(words):
        return span
    return Span(span.entity, span.page, tuple(filled), span.begins)


def _booking_code(span: Span) -> bool:
    """A document number of capital letters only ("Auftragsnummer: AEXVDX"), taken only when it was found
    right after its label (the model's own tags of such words are headings: "DATUM")."""
    return span.entity == "invoice_number" and span.looked_up and bool(re.fullmatch(r"[A-Z]{5,10}", span.text))


def field_confidence(span: Span) -> float:
    """A field's raw confidence: the model's (mean label probability of its words) times the OCR engine's
    certainty of the least certain word read (1 for a text layer): a value read from a doubtful OCR line is
    less often right however sure the tagger is of its label. Calibration maps it to a probability."""
    return span.confidence * min(w.word.confidence for w in span.words)


def choose_fields(tagged: Sequence[TaggedWord], spans: Sequence[Span], document: Document) -> tuple[Field, ...]:
    """One :class:`Field` (raw text, page, box, confidence) per header field that has a candidate."""
    by_page = words_by_page(tagged)
    heights = {p.number: p.height for p in document.pages}
    fields: list[Field] = []
    for name in FIELD_NAMES:
        candidates = [s for s in spans if s.entity == name and (plausible(name, s.text) or _booking_code(s))]
        if not candidates:
            continue
        best = score_candidates(name, candidates, by_page, heights)[0]
        span = fill_gaps(best.span, by_page) if name in GAP_FILLED_FIELDS else best.span
        if name == "vendor_name":
            from invoicer.tagging.keywords import cut_at_label_line, whole_name_line

            span = whole_name_line(cut_at_label_line(span, by_page), by_page)
            if not plausible(name, span.text):
                continue  # widened to its whole line, a street ("MARKET" → "MARKET ST"): no vendor name here
        elif name == "vendor_address":
            from invoicer.tagging.keywords import finish_address_line, trim_address

            vendor = next((f.raw for f in fields if f.name == "vendor_name"), None)
            span = finish_address_line(trim_address(span, vendor), by_page)
        fields.append(Field(name, None, span.text, round(field_confidence(span), 4), span.page, span.bbox))
    return tuple(fields)


def total_from_items(
    fields: Sequence[Field], items: Sequence[LineItem], tagged: Sequence[TaggedWord], labels: Sequence[str]
) -> tuple[Field, ...]:
    """The total checked against the line items: when their amounts add up to an amount printed on the page
    outside the item rows, and the chosen total is missing or smaller than that sum (a total below its own
    items: a tip, a change or a tax amount was taken), the printed sum is the total — the one with a total
    keyword on its row, else the lowest. Its confidence is the model's probability for that word."""
    amounts = [_amount(i.amount) for i in items if i.amount]
    if len(amounts) < 2 or any(a is None for a in amounts):
        return tuple(fields)
    items_sum = sum((a for a in amounts if a is not None), Decimal(0))
    if items_sum <= 0:
        return tuple(fields)
    total = next((f for f in fields if f.name == "total"), None)
    chosen = _amount(total.raw) if total is not None and total.raw else None
    if chosen is not None and chosen == items_sum:
        return tuple(fields)
    by_page = words_by_page(tagged)
    item_boxes = [(i.page, i.bbox) for i in items if i.bbox is not None]
    printed: list[tuple[bool, TaggedWord]] = []
    for w in tagged:
        if _amount(w.word.text) != items_sum or any(
            p == w.page and center_inside(w.word.bbox, b, 0.5) for p, b in item_boxes
        ):
            continue
        span = Span("total", w.page, (w,), True)
        left, _ = _row_context(span, by_page)
        if _NOT_TOTAL_WORDS.search(left):
            continue  # the sum handed over in cash ("Gegeben 20,00"), a net or tax amount
        printed.append((bool(_TOTAL_WORDS.search(left)), w))
    if not printed:
        return tuple(fields)
    if any(_DISCOUNT_WORDS.search(_fold(w.word.text)) for w in tagged):
        return tuple(fields)  # a discount on the whole document takes the total below its items
    if chosen is not None and chosen >= items_sum:
        return tuple(fields)  # tax, tips and rounding come on top of the items
    _, word = max(printed, key=lambda e: (e[0], e[1].page, e[1].word.bbox[1]))
    probability = float(word.probs[list(labels).index("B-total")]) if word.probs is not None else 0.0
    field = Field("total", None, word.word.text, round(probability, 4), word.page, word.word.bbox)
    return tuple(field if f.name == "total" else f for f in fields) + (() if total is not None else (field,))


#: Words of the change handed back ("Rückgeld 1,63", "CHANGE DUE 0.37"), folded.
_CHANGE_WORDS = re.compile(
    r"change|ruckgeld|rueckgeld|wechselgeld|zuruck|rendu|a rendre|cambio|vuelto|vuelta|resto|kembali|baki|"
    r"vaxel|wisselgeld|retour"
)


#: Cents printed: "86,75", "$9.03", "1.234,50€".
_CENTS = re.compile(r"\d[.,]\d{2}(?!\d)")


def _total_keyword(left: str) -> bool:
    return bool(_TOTAL_WORDS.search(left)) and not _NOT_TOTAL_WORDS.search(left)


def total_before_change(
    fields: Sequence[Field], tagged: Sequence[TaggedWord], labels: Sequence[str]
) -> tuple[Field, ...]:
    """The total checked against the change handed back: when the chosen total has no total keyword on its row,
    and it minus a change amount printed on the page (an amount in cents on a row with a change word, or right
    under one) is an amount printed on a row with a total keyword, the chosen one was the sum handed over
    ("TOTAL 8,37 / EUR 10,00 / Rückgeld 1,63") and that amount is the total. Its confidence is the model's
    probability for that word."""
    total = next((f for f in fields if f.name == "total"), None)
    chosen = _amount(total.raw) if total is not None and total.raw else None
    if total is None or chosen is None or chosen <= 0:
        return tuple(fields)
    if not any(_CHANGE_WORDS.search(_fold(w.word.text)) for w in tagged):
        return tuple(fields)  # no change printed: nothing to look up row by row
    by_page = words_by_page(tagged)
    box = total.bbox
    own = tuple(w for w in tagged if box is not None and w.page == total.page and center_inside(w.word.bbox, box, 0.5))
    if own and _total_keyword(_row_context(Span("total", total.page or 1, own, True), by_page)[0]):
        return tuple(fields)  # "TOTAL 9,45" minus the change can be another amount only by chance
    changes: set[Decimal] = set()
    for w in tagged:
        amount = _amount(w.word.text)
        if amount is None or not 0 < amount < chosen or not _CENTS.search(w.word.text):
            continue
        left, above = _row_context(Span("total", w.page, (w,), True), by_page)
        if _CHANGE_WORDS.search(left) or (not left and _CHANGE_WORDS.search(above)):
            changes.add(amount)
    printed: list[TaggedWord] = []
    for w in tagged:
        amount = _amount(w.word.text)
        if amount is None or amount <= 0 or not any(chosen - c == amount for c in changes):
            continue
        left, _ = _row_context(Span("total", w.page, (w,), True), by_page)
        if _total_keyword(left) and not _CHANGE_WORDS.search(left):
            printed.append(w)
    if not printed:
        return tuple(fields)
    word = max(printed, key=lambda w: (w.page, w.word.bbox[1]))
    probability = float(word.probs[list(labels).index("B-total")]) if word.probs is not None else 0.0
    field = Field("total", None, word.word.text, round(probability, 4), word.page, word.word.bbox)
    return tuple(field if f.name == "total" else f for f in fields)


# ----------------------------------------------------------------------------------------------
# 5: everything
# ----------------------------------------------------------------------------------------------


def normalize_result(
    document: Document, fields: Sequence[Field], items: Sequence[LineItem]
) -> tuple[tuple[Field, ...], tuple[LineItem, ...], tuple[str, ...]]:
    """Normalized values (dates ISO, money decimal strings, currency ISO 4217) with the validate stage's
    normalizer; a value it cannot read stays ``None`` with its ``raw`` kept, and a note says why."""
    from invoicer.validate.normalize import normalize_extraction

    found = {f.name for f in fields}
    extraction = normalize_extraction(Extraction(document, tuple(fields), tuple(items)))
    kept = tuple(f for f in extraction.fields if f.name in found)
    notes = tuple(v.message for v in extraction.validation if v.outcome.value == "fail")
    rows = tuple(i for i in extraction.line_items if i.description or i.amount)
    return kept, rows, notes


def decode(
    document: Document,
    page_probs: Sequence[np.ndarray],
    labels: Sequence[str],
    *,
    normalize: bool = True,
    keyword_candidates: bool = True,
) -> tuple[tuple[Field, ...], tuple[LineItem, ...], tuple[str, ...]]:
    """Fields, line items and notes from per-page word label probabilities; ``keyword_candidates`` False
    keeps to what the model tagged (no keyword look-up, no company-name widening)."""
    tagged = tag_words(document, page_probs, labels)
    spans = find_spans(tagged)
    candidates = [*spans, *fallback_spans(tagged, spans, labels)]
    by_page = words_by_page(tagged)
    candidates = [s for s in candidates if s.entity != "invoice_number" or not labelled_as_another_number(s, by_page)]
    from invoicer.tagging.items import group_rows
    from invoicer.tagging.keywords import (
        complete_company_name,
        keyword_spans,
        labelled_numbers,
        labelled_tax_ids,
        page_rows,
    )

    if keyword_candidates:
        candidates += keyword_spans(tagged, candidates, labels)
        taken = {(s.page, s.words[0].index) for s in candidates if s.entity == "invoice_number"}
        rows_by_page = {page: page_rows(words) for page, words in by_page.items()}
        candidates += [s for s in labelled_numbers(rows_by_page, labels) if (s.page, s.words[0].index) not in taken]
        tax_ids = {(s.page, s.words[0].index, len(s.words)) for s in candidates if s.entity == "vendor_tax_id"}
        labelled_taxes = labelled_tax_ids(rows_by_page, labels)
        candidates += [s for s in labelled_taxes if (s.page, s.words[0].index, len(s.words)) not in tax_ids]
        # a number printed after a tax-id label elsewhere ("St.-Nr. 206/5001/0914", "DE 268087748") is no
        # document number, wherever else it appears
        taxes = {_digits(s.text) for s in labelled_taxes} - {""}
        candidates = [s for s in candidates if s.entity != "invoice_number" or _digits(s.text) not in taxes]
        candidates = [complete_company_name(s, tagged) if s.entity == "vendor_name" else s for s in candidates]
    fields = choose_fields(tagged, candidates, document)
    if keyword_candidates:
        from invoicer.tagging.consensus import respell_vendor, vendor_from_web_address

        fields = vendor_from_web_address(respell_vendor(fields, tagged), candidates, tagged, labels)
    items = group_rows(tagged, labels)
    if keyword_candidates:
        fields = total_before_change(total_from_items(fields, items, tagged, labels), tagged, labels)
    if not normalize:
        return tuple(replace(f, value=f.raw) for f in fields), items, ()
    fields, items, notes = normalize_result(document, fields, items)
    if keyword_candidates:
        fields = confirm_total(fields, items)
    return fields, items, notes


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


#: The confidence a total gets when the document's own arithmetic confirms it (before calibration, which maps
#: it to the accuracy such totals had on held-out data).
CONFIRMED_TOTAL = 0.999


def confirm_total(fields: Sequence[Field], items: Sequence[LineItem]) -> tuple[Field, ...]:
    """The total's confidence raised to :data:`CONFIRMED_TOTAL` when the page's arithmetic confirms it: two or
    more line items add up to it, or the subtotal and the tax add up to it (within a cent or two). Values are
    normalized; nothing changes when the numbers do not agree."""
    by_name = {f.name: f for f in fields}
    total = by_name.get("total")
    value = _decimal(total.value) if total is not None else None
    if total is None or value is None or total.confidence >= CONFIRMED_TOTAL:
        return tuple(fields)
    tolerance = Decimal("0.02")
    amounts = [_decimal(i.amount) for i in items if i.amount]
    confirmed = len(amounts) >= 2 and None not in amounts and abs(sum(a for a in amounts if a) - value) <= tolerance
    sub, tax = (_decimal(by_name[n].value) if n in by_name else None for n in ("subtotal", "tax_total"))
    if sub is not None and tax is not None and sub > 0 and abs(sub + tax - value) <= tolerance:
        confirmed = True
    if not confirmed:
        return tuple(fields)
    return tuple(replace(f, confidence=CONFIRMED_TOTAL) if f is total else f for f in fields)


def _decimal(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except ArithmeticError:
        return None
