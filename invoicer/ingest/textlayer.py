"""Judge whether a PDF page's own text layer can be trusted.

Born-digital PDFs carry exact text. Scanned PDFs often carry a text layer made by the scanner's OCR,
and many of those are garbled (wrong scripts, broken words, stray symbols). :func:`judge` scores the
words of a page from 0 (garbage) to 1 (clean) and decides whether ingest uses them or OCRs the page.

Score: the share of characters that sit in plausible tokens. A token is implausible when it holds
private-use / replacement / control characters or ``(cid:N)`` glyph references, mixes scripts
(e.g. Latin with CJK or Arabic), is in a script that is a small minority on the page, mixes lower-case
letters and digits like OCR confusions do (``Hambur9``, ``1ofl``), has implausible letter case
(``HaMBurG``) or lacks vowels in a long Latin word. Isolated single characters count against the
page when they dominate. Pages that are images with text over them (scans) need ``min_quality``;
pages without a page-sized image are born-digital and need only ``min_quality - 0.25``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_EDGE_PUNCT = ".,;:!?()[]{}\"'«»„“”‚‘’*#<>|_~"
_NUMBERISH = re.compile(r"^[+\-−]?[€$£¥₹]?[+\-−]?\d[\d.,:/'\-–]*\d?[%€$£¥₹]?[+\-−]?$|^\d{1,2}[:.]\d{2}([:.]\d{2})?$")
_UNIT_SUFFIX = re.compile(r"\d+(st|nd|rd|th|er|e|ème|kg|g|ml|cl|l|x|pcs|stk)", re.I)
_VOWELS = set("aeiouyäöüéèêëàâáíìîïóòôúùûåæøœãõAEIOUYÄÖÜÉÈÊËÀÂÁÍÌÎÏÓÒÔÚÙÛÅÆØŒÃÕ")
_BAD_BLOCKS = (
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0x2500, 0x259F),  # box drawing / blocks (rare as text)
    (0xE000, 0xF8FF),  # private use
)


def _script(ch: str) -> str:
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o <= 0x1EFF:
        return "latin"
    if 0xFF21 <= o <= 0xFF5A:  # full-width Latin letters
        return "fullwidth"
    if 0x370 <= o <= 0x3FF:
        return "greek"
    if 0x400 <= o <= 0x52F:
        return "cyrillic"
    if 0x590 <= o <= 0x5FF:
        return "hebrew"
    if 0x600 <= o <= 0x6FF or 0xFB50 <= o <= 0xFEFF:
        return "arabic"
    if 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xAC00 <= o <= 0xD7AF:
        return "cjk"
    if 0x0E00 <= o <= 0x0E7F:
        return "thai"
    return "other"


def _bad_char(ch: str) -> bool:
    if ch == "\ufffd":
        return True
    cat = unicodedata.category(ch)
    if cat in ("Co", "Cn", "Cs", "Cc"):
        return True
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in _BAD_BLOCKS)


def _case_ok(t: str) -> bool:
    """Plausible letter case per hyphen/slash-separated part: lower, UPPER, Title or CamelCase
    with at most two humps (McDonald, iPhone, GmbH, UStIdNr); OCR garbage flips case at random."""
    for part in re.split(r"[\-/.']", t):
        if not part or part.islower() or part.isupper() or part.istitle():
            continue
        switches = sum(1 for a, b in itertools.pairwise(part) if a.islower() and b.isupper())
        if switches > 2 or (switches == 2 and len(part) < 6):
            return False
    return True


def token_plausible(token: str, page_script: str) -> bool:
    """Whether one token looks like real printed text (see module doc)."""
    if "(cid:" in token:
        return False
    if any(_bad_char(ch) for ch in token):
        return False
    t = token.strip(_EDGE_PUNCT)
    if not t:
        return True
    t = unicodedata.normalize("NFKC", t) if page_script != "cjk" else t
    letters = [ch for ch in t if ch.isalpha()]
    scripts = {_script(ch) for ch in letters}
    if len(scripts) > 1 and not (scripts <= {"latin", "greek"}):
        return False
    if scripts and page_script != "cjk" and scripts != {page_script} and "latin" not in scripts:
        return False
    if _NUMBERISH.match(t):
        return True
    if not letters:
        # symbols / punctuation runs: fine when short (e.g. "-", "&", "%", "€"), suspicious when long
        return len(t) <= 3
    script = next(iter(scripts))
    if script in {"latin", "greek", "cyrillic"}:
        has_digit = any(ch.isdigit() for ch in t)
        if has_digit:
            # codes like RE-2024-0815, A4, TP-G19028547, 2x are fine; OCR confusions like Hambur9 are not
            core = re.sub(r"[\-/.:#]", "", t)
            confused = re.search(r"[a-z]{2,}\d|\d[a-z]{2,}", core) is not None
            return not confused or _UNIT_SUFFIX.fullmatch(core) is not None
        word = re.sub(r"[\-'’.&/]", "", t)
        if not word.isalpha():
            return sum(ch.isalnum() for ch in word) >= 0.6 * len(word)
        if not _case_ok(t):
            return False
        return not (script == "latin" and len(word) >= 5 and not any(ch in _VOWELS for ch in word))
    return True


@dataclass(frozen=True)
class Judgement:
    chars: int
    quality: float
    usable: bool
    reason: str


def page_script(tokens: Sequence[str]) -> str:
    counts: Counter[str] = Counter()
    for tok in tokens:
        for ch in tok:
            if ch.isalpha():
                counts[_script(ch)] += 1
    if not counts:
        return "latin"
    return counts.most_common(1)[0][0]


def quality(tokens: Sequence[str]) -> float:
    """Share (0..1) of characters in plausible tokens, penalizing pages of isolated characters."""
    tokens = [t for t in tokens if t.strip()]
    if not tokens:
        return 0.0
    script = page_script(tokens)
    total = 0
    good = 0
    for tok in tokens:
        weight = len(tok)
        total += weight
        if token_plausible(tok, script):
            good += weight
    score = good / total
    singles = sum(1 for t in tokens if len(t.strip(_EDGE_PUNCT)) == 1 and not t.isdigit())
    single_share = singles / len(tokens)
    if single_share > 0.25:
        score *= max(0.0, 1.0 - (single_share - 0.25) * 2)
    return max(0.0, min(1.0, score))


def judge(
    tokens: Sequence[str],
    *,
    looks_scanned: bool,
    min_quality: float,
    min_chars: int,
    policy: str = "auto",
    scanned_policy: str = "ocr",
) -> Judgement:
    """Decide whether a page's text-layer ``tokens`` are used (see module doc for the rule)."""
    chars = sum(len(t.strip()) for t in tokens)
    if chars == 0:
        return Judgement(0, 0.0, False, "no text layer")
    q = quality(tokens)
    if policy == "always":
        return Judgement(chars, q, True, "text layer trusted (ingest.text_layer=always)")
    if policy == "never":
        return Judgement(chars, q, False, "text layer ignored (ingest.text_layer=never)")
    if chars < min_chars:
        return Judgement(chars, q, False, f"text layer too short ({chars} characters)")
    if looks_scanned and scanned_policy == "ocr":
        return Judgement(
            chars, q, False, f"page is a scan; its scanner-made text layer is not trusted (quality {q:.2f})"
        )
    needed = min_quality if looks_scanned else max(0.0, min_quality - 0.25)
    kind = "scanner-made text layer" if looks_scanned else "text layer"
    if q >= needed:
        return Judgement(chars, q, True, f"{kind} looks clean (quality {q:.2f} ≥ {needed:.2f})")
    return Judgement(chars, q, False, f"{kind} looks garbled (quality {q:.2f} < {needed:.2f})")
