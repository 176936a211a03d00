"""Built-in OCR engines: ``tesseract`` (the baseline), ``none`` and ``fake`` (for tests)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from PIL.Image import Image

from invoicer.document import Line, Word
from invoicer.errors import OcrError
from invoicer.ocr.registry import ENGINES


@ENGINES.register("none", "Reads nothing; pages without a text layer stay empty (and are reported)")
class NoOcrEngine:
    name = "none"

    def read_pages(self, images: Sequence[Image]) -> list[tuple[Line, ...]]:
        return [() for _ in images]


@ENGINES.register("fake", "Returns lines given in advance (tests)")
class FakeOcrEngine:
    """Returns preset lines per page (pixel boxes), or lines computed from each image by ``reader``."""

    name = "fake"

    def __init__(
        self,
        pages: Sequence[Sequence[Line]] | None = None,
        reader: Callable[[Image], Sequence[Line]] | None = None,
    ) -> None:
        self._pages = [tuple(p) for p in pages] if pages is not None else None
        self._reader = reader
        self.calls = 0

    def read_pages(self, images: Sequence[Image]) -> list[tuple[Line, ...]]:
        out: list[tuple[Line, ...]] = []
        for image in images:
            if self._reader is not None:
                out.append(tuple(self._reader(image)))
            elif self._pages is not None and self.calls < len(self._pages):
                out.append(self._pages[self.calls])
            else:
                out.append(())
            self.calls += 1
        return out


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


@ENGINES.register("tesseract", "Tesseract 5 (baseline engine; apt-get install tesseract-ocr)")
class TesseractEngine:
    """Runs the ``tesseract`` command (one process per page, ``OMP_THREAD_LIMIT=1``) and reads its TSV.

    ``preprocess`` (:data:`invoicer.ocr.preprocess.PREPROCESS_MODES`): ``auto`` reads a page with grey or
    unevenly lit paper, or whose first reading looks poor, a second time with its background normalized
    and keeps the better reading (:func:`invoicer.ocr.preprocess.better_reading`).
    """

    name = "tesseract"

    def __init__(
        self, languages: str = "eng", psm: int = 3, timeout_s: float = 120.0, preprocess: str = "auto"
    ) -> None:
        from invoicer.ocr.preprocess import PREPROCESS_MODES

        if preprocess not in PREPROCESS_MODES:
            raise OcrError(f"unknown OCR preprocessing {preprocess!r}; valid: {', '.join(PREPROCESS_MODES)}")
        self.requested = languages
        self.psm = psm
        self.timeout_s = timeout_s
        self.preprocess = preprocess
        self.languages = ""

    @property
    def cache_key(self) -> str:
        """``tesseract`` for plain readings, ``tesseract-<mode>`` with page preparation (OCR caches)."""
        return "tesseract" if self.preprocess == "none" else f"tesseract-{self.preprocess}"

    def setup(self) -> None:
        exe = shutil.which("tesseract")
        if exe is None:
            raise OcrError("the tesseract command is not installed", hint="apt-get install tesseract-ocr")
        listed = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
        have = {x.strip() for x in listed.stdout.splitlines()[1:] if x.strip()}
        wanted = [x for x in self.requested.split("+") if x in have]
        if not wanted:
            raise OcrError(f"none of the tesseract languages {self.requested!r} is installed (have: {sorted(have)})")
        self.languages = "+".join(wanted)

    def read_pages(self, images: Sequence[Image]) -> list[tuple[Line, ...]]:
        if not self.languages:
            self.setup()
        return [self.read_image(image) for image in images]

    def read_image(self, image: Image) -> tuple[Line, ...]:
        """Lines of one page image (pixel boxes), preprocessed as ``self.preprocess`` says."""
        from invoicer.ocr.preprocess import better_reading

        lines, _ = better_reading(image, self.read_plain, self.preprocess)
        return lines

    def read_plain(self, image: Image) -> tuple[Line, ...]:
        """Lines of one page image exactly as given to Tesseract."""
        buf = io.BytesIO()
        image.save(buf, format="PNG", compress_level=1)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        try:
            proc = subprocess.run(
                ["tesseract", "stdin", "stdout", "--psm", str(self.psm), "-l", self.languages, "tsv"],
                input=buf.getvalue(),
                capture_output=True,
                timeout=self.timeout_s,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise OcrError(f"tesseract took longer than {self.timeout_s:g} s") from exc
        if proc.returncode != 0:
            raise OcrError(f"tesseract failed: {proc.stderr.decode(errors='replace').strip()[:300]}")
        return parse_tsv(proc.stdout.decode("utf-8", errors="replace"))


def parse_tsv(tsv: str) -> tuple[Line, ...]:
    """Tesseract TSV (level-5 rows) → lines of words with pixel boxes."""
    groups: dict[tuple[int, int, int, int], list[Word]] = defaultdict(list)
    order: list[tuple[int, int, int, int]] = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = (row.get("text") or "").strip()
        if not text:
            continue
        key = (int(row["page_num"]), int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        if key not in groups:
            order.append(key)
        left, top, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
        conf = max(0.0, min(1.0, float(row.get("conf") or 0) / 100.0))
        groups[key].append(Word(text, (left, top, left + w, top + h), conf))
    lines = [Line(tuple(groups[k]), min(w.confidence for w in groups[k])) for k in order]
    lines.sort(key=lambda ln: (ln.bbox[1], ln.bbox[0]))
    return tuple(lines)


def engine_from_settings(
    name: str, languages: str, options: Mapping[str, object] | None = None, preprocess: str = "auto"
) -> object:
    """Resolve ``auto`` and build the engine (model-based engines register themselves when installed).

    ``preprocess`` is Tesseract's page preparation (``ocr.preprocess``)."""
    if name == "auto":
        from invoicer.ocr.trocr import default_model_preferred

        if "trocr" in ENGINES and default_model_preferred():
            return ENGINES.create("trocr", **(options or {}))
        name = "tesseract" if tesseract_available() else "none"
    if name == "tesseract":
        return TesseractEngine(languages=languages, preprocess=preprocess)
    if name == "trocr" and "trocr" not in ENGINES:
        # an explicit trocr with a model path works without the bundled weights
        from invoicer.ocr.trocr import engine_dependencies_installed, register_engine

        if engine_dependencies_installed():
            register_engine()
    return ENGINES.create(name, **(options or {}))
