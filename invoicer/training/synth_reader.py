"""Reading ``invoicer synth`` truth files (:mod:`invoicer.synth.truth`) as tagger training documents."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from invoicer.document import LineItem
from invoicer.errors import DatasetError
from invoicer.tagging.encoding import normalize_box
from invoicer.tagging.labels import canonical_label

__all__ = ["read_synth_truth"]


def read_synth_truth(path: str | Path) -> Any:
    """The :class:`~invoicer.training.tagger.TrainedDocument` of one truth file, or None for a JSON file that
    is not a synthetic document's truth (``run.json``, manifests). Raises :class:`DatasetError` for a truth
    file that is malformed."""
    from invoicer.synth.truth import truth_to_extraction
    from invoicer.training.tagger import LabelledPage, TrainedDocument

    file = Path(path)
    try:
        data = json.loads(file.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DatasetError(f"cannot read the truth file ({exc})", path=str(file)) from exc
    if not isinstance(data, dict) or "pages" not in data or "label_set" not in data:
        return None
    try:
        pages = []
        for page in data["pages"]:
            width, height = float(page["width"]), float(page["height"])
            words = page["words"]
            pages.append(
                LabelledPage(
                    f"synth:{file.parent.name}/{file.stem}#p{page['number']}",
                    tuple(str(w["text"]) for w in words),
                    tuple(normalize_box(tuple(float(v) for v in w["bbox"]), width, height) for w in words),  # type: ignore[arg-type]
                    tuple(canonical_label(str(w["label"])) for w in words),
                    None,
                )
            )
        extraction = truth_to_extraction(data)
        truth = {name: field.get("value") for name, field in data.get("fields", {}).items()}
        items = tuple(LineItem.from_dict(x) for x in data.get("line_items", ()))
    except (KeyError, TypeError, ValueError) as exc:
        raise DatasetError(f"malformed synthetic truth file ({exc})", path=str(file)) from exc
    source = file.with_name(str(data.get("file") or ""))
    sha = hashlib.sha256(source.read_bytes()).hexdigest() if source.is_file() else ""
    document = extraction.document
    return TrainedDocument(
        f"synth:{file.parent.name}/{file.stem}",
        "synth",
        sha,
        tuple(pages),
        document,
        truth,
        items,
    )
