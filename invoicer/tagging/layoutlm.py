"""The ``layoutlm`` tagger: our trained LayoutLM (text + 2-D box embeddings) over each page's words.

Registered in :data:`invoicer.tagging.TAGGERS` when the default model is installed in
``invoicer/models/tagger/`` (checked by file presence at import; torch loads only in :meth:`setup`),
or on demand by :func:`invoicer.tagging.tagger_from_settings` when ``tagger.model`` names a checkpoint.

Per document: every page with words is encoded (words in the page's reading order, boxes scaled to
0-1000), windows of all pages run in batches, and :func:`invoicer.tagging.decoding.decode` turns the
per-word label probabilities into fields (raw text, normalized value, page, box, confidence) and
line items. Pages are tagged one by one (no concatenation); the decoder joins them. When the model
folder holds a ``calibration.json`` (:mod:`invoicer.validate.calibration`), the fields' confidences
are mapped to calibrated probabilities of being right (``calibrate=False`` keeps them raw).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from invoicer.document import Document
from invoicer.tagging.decoding import decode
from invoicer.tagging.encoding import normalize_box
from invoicer.tagging.model import default_model_dir, load_layoutlm, model_installed
from invoicer.validate.calibration import Calibration

__all__ = ["LayoutLMTagger", "page_inputs", "register_layoutlm"]


def page_inputs(document: Document) -> list[tuple[list[str], list[tuple[int, int, int, int]]]]:
    """(words, 0-1000 boxes) per page, words in the page's reading order."""
    out = []
    for page in document.pages:
        words = page.words
        out.append(([w.text for w in words], [normalize_box(w.bbox, page.width, page.height) for w in words]))
    return out


class LayoutLMTagger:
    """Tags documents with a LayoutLM token-classification checkpoint (default: the shipped model).

    ``model`` is a local checkpoint folder; ``threads`` the torch CPU threads while predicting (None:
    torch's default; 1 is much faster on a machine whose cores are busy with other work);
    ``runtime`` injects an already loaded model object (tests); ``calibrate`` applies the model folder's
    confidence calibration when it has one; ``keyword_candidates`` (default on) lets decoding look up
    booking fields the model left empty next to their keywords (:mod:`invoicer.tagging.keywords`).
    """

    name = "layoutlm"

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        compute_dtype: str = "float32",
        threads: int | None = None,
        normalize: bool = True,
        runtime: Any = None,
        calibrate: bool = True,
        keyword_candidates: bool = True,
    ) -> None:
        self.model_path = Path(model) if model is not None else default_model_dir()
        self.compute_dtype = compute_dtype
        self.threads = threads
        self.normalize = normalize
        self.keyword_candidates = keyword_candidates
        self._runtime = runtime
        self.calibration: Calibration | None = Calibration.load(self.model_path) if calibrate else None

    def setup(self) -> None:
        """Load the model (once per process, shared by all taggers using the same folder)."""
        if self._runtime is None:
            self._runtime = load_layoutlm(self.model_path, compute_dtype=self.compute_dtype, threads=self.threads)

    @property
    def runtime(self) -> Any:
        self.setup()
        return self._runtime

    def tag(self, document: Document) -> Any:
        from invoicer.tagging import TagResult

        if not any(page.lines for page in document.pages):
            return TagResult(notes=("no words to tag: no page has a text layer or OCR text",))
        probs = self.runtime.predict_pages(page_inputs(document))
        fields, items, _ = decode(
            document, probs, self.runtime.labels, normalize=self.normalize, keyword_candidates=self.keyword_candidates
        )
        if self.calibration is not None:
            fields = self.calibration.apply(fields)
        return TagResult(fields, items)


def register_layoutlm() -> None:
    """Put ``layoutlm`` into :data:`invoicer.tagging.TAGGERS` (idempotent)."""
    from invoicer.tagging import TAGGERS

    if "layoutlm" not in TAGGERS:
        TAGGERS.register("layoutlm", "Our trained LayoutLM field tagger (words + boxes → fields, line items)")(
            LayoutLMTagger
        )


if model_installed():
    register_layoutlm()
