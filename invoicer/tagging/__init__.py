"""Tagging: turn a document's words and boxes into header fields and line items.

Taggers are chosen by name from :data:`TAGGERS`: ``none`` (extracts nothing, says so) and ``fake``
(tests). The trained LayoutLM tagger registers itself as ``layoutlm`` when its model is installed;
``auto`` takes it when present.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

from invoicer.document import Document, Extraction, Field, LineItem, Word, union_bbox
from invoicer.limits import Deadline
from invoicer.registry import Registry

__all__ = [
    "TAGGERS",
    "FakeTagger",
    "NoTagger",
    "TagResult",
    "TagStage",
    "Tagger",
    "find_phrase",
    "tagger_from_settings",
]

TAGGERS: Registry[Any] = Registry("tagger")


@dataclass(frozen=True)
class TagResult:
    fields: tuple[Field, ...] = ()
    line_items: tuple[LineItem, ...] = ()
    notes: tuple[str, ...] = ()


@runtime_checkable
class Tagger(Protocol):
    name: str

    def tag(self, document: Document) -> TagResult:
        """Fields and line items found in ``document``."""
        ...


@TAGGERS.register("none", "Extracts no fields (no tagger model installed)")
class NoTagger:
    name = "none"

    def tag(self, document: Document) -> TagResult:
        return TagResult(notes=("no field tagger is installed, so no fields were extracted (see `invoicer backends`)",))


def _norm(text: str) -> str:
    """Letters, digits and currency symbols, case-folded (spacing and punctuation ignored)."""
    return "".join(ch for ch in text.casefold() if ch.isalnum() or unicodedata.category(ch) == "Sc")


def find_phrase(document: Document, phrase: str) -> tuple[int, tuple[Word, ...]] | None:
    """The first run of consecutive words (within a line, or across lines) whose text equals ``phrase``
    ignoring case, spaces and punctuation; returns (page number, words)."""
    target = _norm(phrase)
    if not target:
        return None
    for page in document.pages:
        words = page.words
        for i in range(len(words)):
            acc = ""
            for j in range(i, min(len(words), i + 40)):
                acc += _norm(words[j].text)
                if acc == target:
                    return page.number, words[i : j + 1]
                if not target.startswith(acc):
                    break
    return None


@TAGGERS.register("fake", "Finds values given in advance among the words (tests)")
class FakeTagger:
    """Looks for given raw texts among a document's words and reports them as fields with boxes.

    ``values`` maps a field name to ``(value, raw)``: ``raw`` is searched for (ignoring case,
    spaces and punctuation); when found, the field gets ``value``, the page and the words' box.
    """

    name = "fake"

    def __init__(
        self,
        values: Mapping[str, tuple[str, str]] | None = None,
        line_items: Sequence[LineItem] = (),
        confidence: float = 0.99,
    ) -> None:
        self.values = dict(values or {})
        self.line_items = tuple(line_items)
        self.confidence = confidence

    def tag(self, document: Document) -> TagResult:
        fields = []
        for name, (value, raw) in self.values.items():
            hit = find_phrase(document, raw)
            if hit is None:
                continue
            page, words = hit
            fields.append(
                Field(
                    name,
                    value,
                    " ".join(w.text for w in words),
                    self.confidence,
                    page,
                    union_bbox(w.bbox for w in words),
                )
            )
        return TagResult(tuple(fields), self.line_items)


def tagger_from_settings(
    name: str, model: str | None = None, compute_dtype: str = "auto", *, keyword_candidates: bool = True
) -> Any:
    """Resolve ``auto`` (the LayoutLM tagger when installed, else ``none``) and build the tagger.

    A ``model`` folder with ``auto`` or ``layoutlm`` selects the LayoutLM tagger on that checkpoint,
    whether or not the default model is installed; ``compute_dtype`` is the LayoutLM tagger's arithmetic
    (``auto``: bfloat16 on CPUs with AMX, else float32); ``keyword_candidates`` lets its decoding look up
    booking fields the model left empty next to their keywords."""
    if model is not None and name in ("auto", "layoutlm"):
        from invoicer.tagging.layoutlm import register_layoutlm

        register_layoutlm()
        name = "layoutlm"
    if name == "auto":
        name = "layoutlm" if "layoutlm" in TAGGERS else "none"
    options: dict[str, Any] = {}
    if name == "layoutlm":
        options = {"compute_dtype": compute_dtype, "keyword_candidates": keyword_candidates}
    if model is not None:
        options["model"] = model
    return TAGGERS.create(name, **options)


class TagStage:
    name = "tag"

    def __init__(self, tagger: Tagger) -> None:
        self.tagger = tagger

    def setup(self) -> None:
        setup = getattr(self.tagger, "setup", None)
        if callable(setup):
            setup()

    def cleanup(self) -> None:
        pass

    def run(self, extraction: Extraction, deadline: Deadline) -> Extraction:
        deadline.check("tagging")
        result = self.tagger.tag(extraction.document)
        out = replace(extraction.with_fields(result.fields), line_items=result.line_items)
        for note in result.notes:
            out = out.with_note(note)
        return out


from invoicer.tagging import layoutlm as _layoutlm  # noqa: E402, F401  (registers "layoutlm" when its model is installed)


def merge_notes(notes: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for n in notes:
        seen.setdefault(n, None)
    return tuple(seen)
