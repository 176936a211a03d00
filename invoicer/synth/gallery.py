"""The layout gallery: one small image per layout family plus label overlays (``docs/gallery``)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from invoicer.synth.draw import draw_truth, page_image
from invoicer.synth.engine import SynthOptions, render_document
from invoicer.synth.layouts import Family, families
from invoicer.synth.locales import LOCALE_CODES
from invoicer.synth.truth import truth_of

MAX_BYTES = 150_000


@dataclass(frozen=True)
class GalleryEntry:
    family: Family
    locale: str
    pages: int
    file: str
    bytes: int


def _png(img: Image.Image, limit: int = MAX_BYTES) -> bytes:
    """A palette PNG of ``img`` under ``limit`` bytes (fewer colours, then smaller, until it fits)."""
    for colours, scale in ((96, 1.0), (48, 1.0), (32, 0.9), (24, 0.8), (16, 0.7), (16, 0.55)):
        im = img if scale == 1.0 else img.resize((int(img.width * scale), int(img.height * scale)))
        buf = io.BytesIO()
        im.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(buf, format="PNG", optimize=True)
        if buf.tell() <= limit:
            return buf.getvalue()
    return buf.getvalue()


def build_gallery(out: Path, *, seed: int = 2024, dpi: float = 100) -> list[GalleryEntry]:
    """Render one sample of every family (in a locale it comes from) and write ``index.md``."""
    out.mkdir(parents=True, exist_ok=True)
    entries: list[GalleryEntry] = []
    label_examples: list[tuple[str, bytes]] = []
    for k, fam in enumerate(families()):
        code = fam.home[0] if fam.home else LOCALE_CODES[k % len(LOCALE_CODES)]
        rd = render_document(seed, k, SynthOptions(layouts=(fam.name,), locales=(code,)))
        img = page_image(rd.pdf, 1, dpi)
        data = _png(img)
        name = f"{fam.name}.png"
        (out / name).write_bytes(data)
        entries.append(GalleryEntry(fam, code, len(rd.ctx.sheets), name, len(data)))
        if fam.name in ("din5008_letter", "supermarket_till"):
            truth = truth_of(rd, file_name=f"{fam.name}.pdf", media_type="application/pdf")
            label_examples.append((f"labels_{fam.name}.png", _png(draw_truth(truth, rd.pdf, dpi=dpi))))
    for name, data in label_examples:
        (out / name).write_bytes(data)
    _index(out, entries, [n for n, _ in label_examples], seed)
    return entries


def _index(out: Path, entries: list[GalleryEntry], labels: list[str], seed: int) -> None:
    inv = [e for e in entries if e.family.kind == "invoice"]
    rec = [e for e in entries if e.family.kind == "receipt"]
    lines = [
        "# Synthetic document gallery",
        "",
        f"One sample per layout family ({len(entries)} families: {len(inv)} invoice, {len(rec)} receipt), page 1 at",
        "100 dpi, drawn by `invoicer gallery --out docs/gallery --seed " + str(seed) + "`. Every document of a family",
        "is further randomized (fonts, sizes, spacing, colours, logos, label synonyms, locale), so these are one",
        "draw each, not templates.",
        "",
        "| family | kind | locale | pages | what it looks like |",
        "|---|---|---|---|---|",
    ]
    for e in entries:
        lines.append(f"| [{e.family.name}]({e.file}) | {e.family.kind} | {e.locale} | {e.pages} | "
                     f"{e.family.description} |")
    lines += ["", "## Labels", "",
              "Words coloured by the entity they print (grey outline: unlabelled words), drawn with",
              "`invoicer draw-labels <id>.json`:", ""]
    lines += [f"- [{n}]({n})" for n in labels]
    (out / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
