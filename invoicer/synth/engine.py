"""The synthetic document engine: one seeded document → PDF + truth; many → a corpus on disk.

Document ``index`` of a run with ``seed`` depends only on ``(seed, index)`` (its own random stream),
so runs are reproducible and parallel workers write the same files as one process would.
:func:`render_document` draws a document; :func:`truth_of` builds its truth JSON (see
:mod:`invoicer.synth.truth`); :func:`generate` writes a corpus in ``docs``, ``scan`` or ``lines`` mode.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from invoicer.errors import ConfigError
from invoicer.synth.content import ContentOptions, DocContent, make_content
from invoicer.synth.labels import bio
from invoicer.synth.layouts import Family, families, family
from invoicer.synth.layouts.base import PAGE_SIZES, ROLL_WIDTHS, Ctx, LayoutOverflow
from invoicer.synth.locales import LOCALE_CODES, locale
from invoicer.synth.render import TaggedWord, emit_pdf, sheet_words

GENERATOR = "invoicer.synth/1"
MODES = ("docs", "scan", "lines")
KINDS = ("mixed", "invoice", "receipt")
RECEIPT_SHARE = 0.4  # of documents in "mixed" runs
ATTEMPTS = 8  # redraws of a document whose content overflows its pages or whose text ingest would distrust


@dataclass(frozen=True)
class SynthOptions:
    """What to generate."""

    mode: str = "docs"
    kind: str = "mixed"
    locales: tuple[str, ...] = LOCALE_CODES
    layouts: tuple[str, ...] = ()  # empty: all families of the kind
    lines_per_doc: int = 24

    def __post_init__(self) -> None:
        """Unknown modes, kinds, locales or layouts raise :class:`~invoicer.errors.ConfigError`."""
        if self.mode not in MODES:
            raise ConfigError(f"unknown mode {self.mode!r}; valid: {', '.join(MODES)}")
        if self.kind not in KINDS:
            raise ConfigError(f"unknown kind {self.kind!r}; valid: {', '.join(KINDS)}")
        if not self.locales:
            raise ConfigError("at least one locale is needed")
        for code in self.locales:
            locale(code)
        for name in self.layouts:
            family(name)
        if self.kind != "mixed" and self.layouts and not any(family(n).kind == self.kind for n in self.layouts):
            raise ConfigError(f"none of the layouts {', '.join(self.layouts)} makes {self.kind} documents")
        if self.lines_per_doc < 1:
            raise ConfigError("lines_per_doc must be at least 1")


def doc_seed(seed: int, index: int) -> int:
    """The seed of document ``index`` in a run with ``seed`` (stable across Python versions)."""
    digest = hashlib.sha256(f"invoicer-synth:{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def doc_id(index: int) -> str:
    return f"{index:06d}"


@dataclass
class RenderedDoc:
    """One drawn document: its content, pages, PDF and words (with tags) per page."""

    id: str
    seed: int
    index: int
    family: Family
    content: DocContent
    ctx: Ctx
    pdf: bytes
    words: list[list[TaggedWord]]
    labels: list[list[str]] = field(default_factory=list)

    @property
    def page_sizes(self) -> list[tuple[float, float]]:
        return [(s.width, s.height) for s in self.ctx.sheets]


def choose(options: SynthOptions, rng: random.Random) -> tuple[Family, str]:
    """The family and locale of one document."""
    pool: Sequence[Family]
    if options.layouts:
        pool = [family(n) for n in options.layouts]
        if options.kind != "mixed":
            pool = [f for f in pool if f.kind == options.kind] or pool
    else:
        kind = options.kind
        if kind == "mixed":
            kind = "receipt" if rng.random() < RECEIPT_SHARE else "invoice"
        pool = families(kind) or families()
    fam = pool[rng.randrange(len(pool))]
    home = [c for c in fam.home if c in options.locales]
    code = rng.choice(home) if home and rng.random() < 0.5 else rng.choice(options.locales)
    return fam, code


def _page_size(fam: Family, code: str, rng: random.Random) -> tuple[float, float]:
    prof = locale(code)
    if fam.page.startswith("roll"):
        width = ROLL_WIDTHS[fam.page[4:]] if fam.page != "roll" else ROLL_WIDTHS[rng.choice(("58", "80", "80"))]
        return (width, 2000.0)
    if fam.page == "locale":
        size = prof.page_size if rng.random() < 0.9 else ("A4" if prof.page_size == "Letter" else "Letter")
        return PAGE_SIZES[size]
    return PAGE_SIZES[fam.page]


def _text_layer_usable(words: Sequence[TaggedWord]) -> bool:
    """Whether ingest would trust this born-digital page's text (else it would OCR the page and the
    truth's words would not be ingest's): the same judgement with the default settings."""
    from invoicer.config import IngestSettings
    from invoicer.ingest.textlayer import judge

    settings = IngestSettings()
    verdict = judge([w.word.text for w in words], looks_scanned=False, min_quality=settings.text_layer_min_quality,
                    min_chars=settings.text_layer_min_chars, policy=settings.text_layer)
    return verdict.usable


def render_document(seed: int, index: int, options: SynthOptions | None = None) -> RenderedDoc:
    """Draw document ``index`` of the run with ``seed``."""
    options = options or SynthOptions()
    s = doc_seed(seed, index)
    rng = random.Random(s)
    fam, code = choose(options, rng)
    prof = locale(code)
    page_size = _page_size(fam, code, rng)
    opts: ContentOptions = fam.content
    last_error: Exception | None = None
    for attempt in range(ATTEMPTS):
        arng = random.Random(s + 7919 * attempt)
        theme = fam.theme(arng, prof.lang)
        content = make_content(prof, opts, arng, charset=theme.charset)
        ctx = Ctx(content, theme, arng, page_size, fam.name)
        try:
            fam.render(ctx)
        except LayoutOverflow as exc:
            last_error = exc
            opts = replace(opts, max_items=max(opts.min_items, opts.max_items // 2),
                           min_items=min(opts.min_items, max(1, opts.max_items // 2)))
            continue
        ctx.finish()
        words = [sheet_words(sheet) for sheet in ctx.sheets]
        if not all(_text_layer_usable(page) for page in words):
            last_error = RuntimeError("a page's text layer would be judged unusable by ingest")
            continue
        pdf = emit_pdf(ctx.sheets, title=f"{content.number}", author=content.vendor.name, creator=GENERATOR)
        flat = bio([w.tag for page in words for w in page])
        labels: list[list[str]] = []
        k = 0
        for page in words:
            labels.append(flat[k : k + len(page)])
            k += len(page)
        return RenderedDoc(doc_id(index), seed, index, fam, content, ctx, pdf, words, labels)
    raise RuntimeError(f"{fam.name}: document {index} failed {ATTEMPTS} attempts ({last_error})")


# ---------------------------------------------------------------------------------------------- corpus


@dataclass(frozen=True)
class DocRecord:
    """One line of ``manifest.jsonl``."""

    id: str
    files: tuple[str, ...]
    truth: str | None
    kind: str
    layout: str
    locale: str
    pages: int
    lines: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "files": list(self.files), "truth": self.truth, "kind": self.kind,
                "layout": self.layout, "locale": self.locale, "pages": self.pages, "lines": self.lines}


def write_document(out: Path, seed: int, index: int, options: SynthOptions) -> DocRecord:
    """Render document ``index`` and write its files under ``out`` in the options' mode."""
    from invoicer.synth.truth import truth_of

    rd = render_document(seed, index, options)
    meta = dict(kind=rd.family.kind, layout=rd.family.name, locale=rd.content.locale.code, pages=len(rd.ctx.sheets))
    if options.mode == "docs":
        name = f"{rd.id}.pdf"
        (out / name).write_bytes(rd.pdf)
        truth = truth_of(rd, file_name=name, media_type="application/pdf")
        _write_json(out / f"{rd.id}.json", truth)
        return DocRecord(rd.id, (name,), f"{rd.id}.json", **meta)  # type: ignore[arg-type]
    if options.mode == "scan":
        from invoicer.synth.scan import scan_document

        scanned = scan_document(rd)
        for fname, data in scanned.files:
            (out / fname).write_bytes(data)
        truth = truth_of(rd, file_name=scanned.files[0][0], media_type=scanned.media_type, pages=scanned.pages,
                         scan=scanned.params)
        _write_json(out / f"{rd.id}.json", truth)
        return DocRecord(rd.id, tuple(f for f, _ in scanned.files), f"{rd.id}.json", **meta)  # type: ignore[arg-type]
    from invoicer.synth.lines import line_crops

    crops = line_crops(rd, options.lines_per_doc)
    (out / "lines").mkdir(exist_ok=True)
    records = []
    for crop in crops:
        (out / "lines" / crop.file).write_bytes(crop.png)
        records.append(crop.record())
    with (out / "lines" / f"{rd.id}.jsonl").open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return DocRecord(rd.id, tuple(f"lines/{c.file}" for c in crops), None, lines=len(crops), **meta)  # type: ignore[arg-type]


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def _work(args: tuple[str, int, int, SynthOptions]) -> tuple[dict[str, Any], float]:
    out, seed, index, options = args
    t0 = time.perf_counter()
    rec = write_document(Path(out), seed, index, options)
    return rec.to_dict(), time.perf_counter() - t0


@dataclass(frozen=True)
class RunSummary:
    n: int
    seconds: float
    pages: int
    lines: int
    by_layout: dict[str, int]
    by_locale: dict[str, int]
    by_kind: dict[str, int]

    @property
    def docs_per_second(self) -> float:
        return self.n / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"documents": self.n, "seconds": round(self.seconds, 2),
                "docs_per_second": round(self.docs_per_second, 2),
                "pages": self.pages, "lines": self.lines, "by_kind": self.by_kind, "by_locale": self.by_locale,
                "by_layout": self.by_layout}


def iter_records(out: Path, n: int, seed: int, options: SynthOptions, workers: int = 1,
                 start: int = 0) -> Iterator[dict[str, Any]]:
    """Write documents ``start .. start+n-1`` and yield their manifest records in index order."""
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(str(out), seed, i, options) for i in range(start, start + n)]
    if workers <= 1:
        for job in jobs:
            yield _work(job)[0]
        return
    import multiprocessing as mp

    # spawn, not fork: the caller may run threads (a progress display) that a forked child would inherit
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers) as pool:
        for rec, _ in pool.imap(_work, jobs, chunksize=4):
            yield rec


def generate(out: Path, n: int, seed: int, options: SynthOptions | None = None, *, workers: int = 1,
             start: int = 0, progress: Callable[[int], None] | None = None) -> RunSummary:
    """Write documents ``start .. start+n-1`` (and ``manifest.jsonl``) under ``out``."""
    options = options or SynthOptions()
    if n < 1:
        raise ConfigError(f"--n must be at least 1 (got {n})")
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1 (got {workers})")
    t0 = time.perf_counter()
    by_layout: dict[str, int] = {}
    by_locale: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    pages = lines = 0
    out.mkdir(parents=True, exist_ok=True)
    manifest_name = "manifest.jsonl" if start == 0 else f"manifest-{start:06d}.jsonl"
    with (out / manifest_name).open("w", encoding="utf-8") as manifest:
        for k, rec in enumerate(iter_records(out, n, seed, options, workers, start)):
            manifest.write(json.dumps(rec, ensure_ascii=False) + "\n")
            by_layout[rec["layout"]] = by_layout.get(rec["layout"], 0) + 1
            by_locale[rec["locale"]] = by_locale.get(rec["locale"], 0) + 1
            by_kind[rec["kind"]] = by_kind.get(rec["kind"], 0) + 1
            pages += rec["pages"]
            lines += rec["lines"]
            if progress is not None:
                progress(k + 1)
    if options.mode == "lines":  # one manifest of all crops, in document order
        name = "lines.jsonl" if start == 0 else f"lines-{start:06d}.jsonl"
        with (out / name).open("w", encoding="utf-8") as fh:
            for i in range(start, start + n):
                part = out / "lines" / f"{doc_id(i)}.jsonl"
                for line in part.read_text(encoding="utf-8").splitlines():
                    rec = json.loads(line)
                    rec["image"] = f"lines/{rec['image']}"
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                part.unlink()
    info = {"generator": GENERATOR, "seed": seed, "start": start, "n": n, "mode": options.mode,
            "kind": options.kind, "locales": list(options.locales), "layouts": list(options.layouts)}
    (out / ("run.json" if start == 0 else f"run-{start:06d}.json")).write_text(json.dumps(info, indent=2) + "\n",
                                                                               encoding="utf-8")
    return RunSummary(n, time.perf_counter() - t0, pages, lines, dict(sorted(by_layout.items())),
                      dict(sorted(by_locale.items())), dict(sorted(by_kind.items())))
