"""Generate the repository's test fixtures (``python -m invoicer.synth.fixtures fixtures``).

Deterministic: the same code writes byte-identical files. Good documents go to ``documents/``,
one file per bad-input kind to ``bad/``, and the truth of each good document to ``truth/``.
"""

from __future__ import annotations

import io
import json
import random
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from PIL import Image

from invoicer.ingest import ingest_bytes
from invoicer.synth.basic import (
    InvoiceSpec,
    Item,
    degrade,
    rasterize_pdf,
    render_invoice_pdf,
)

SCAN_DPI = 150


def long_spec() -> InvoiceSpec:
    rng = random.Random(7)
    goods = ["Schraube M6x40", "Dübel 8 mm", "Kabelbinder 200 mm", "Bohrer HSS 6 mm", "Klebeband 50 m"]
    items = tuple(
        Item(
            f"{rng.choice(goods)} (Art. {1000 + k})", Decimal(rng.randint(1, 30)), Decimal(rng.randint(50, 4000)) / 100
        )
        for k in range(40)
    )
    return InvoiceSpec(invoice_number="RE-2024-0999", items=items)


def pdf_with_scanner_layer(image: Image.Image, dpi: int, words: Sequence[tuple[str, float, float]]) -> bytes:
    """An image page with an invisible text layer (as scanners write), words at (x, y) in points."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    w_pt, h_pt = image.width * 72 / dpi, image.height * 72 / dpi
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(w_pt, h_pt), invariant=1)
    jpeg = io.BytesIO()
    image.convert("L").save(jpeg, format="JPEG", quality=75)  # embedded as DCT, like real scanners
    jpeg.seek(0)
    c.drawImage(ImageReader(jpeg), 0, 0, w_pt, h_pt)
    text = c.beginText()
    text.setTextRenderMode(3)  # invisible
    text.setFont("Helvetica", 10)
    for word, x, y in words:
        text.setTextOrigin(x, h_pt - y)
        text.textOut(word)
    c.drawText(text)
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypted(pdf: bytes) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        out = io.BytesIO()
        # RC4 (R=4, no AES) has no random IV, so with a static id the file is byte-identical each run
        doc.save(
            out,
            encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret", R=4, aes=False, metadata=False),
            static_id=True,
        )
        return out.getvalue()


def generate(root: Path) -> list[Path]:
    docs, bad, truth_dir = root / "documents", root / "bad", root / "truth"
    for d in (docs, bad, truth_dir):
        d.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def write(path: Path, data: bytes) -> None:
        path.write_bytes(data)
        written.append(path)

    def write_truth(stem: str, spec: InvoiceSpec, kind: str) -> None:
        t = spec.truth() | {"kind": kind}
        p = truth_dir / f"{stem}.json"
        p.write_text(json.dumps(t, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(p)

    spec = InvoiceSpec()
    born = render_invoice_pdf(spec)
    write(docs / "invoice_born_digital.pdf", born)
    write_truth("invoice_born_digital", spec, "born_digital")

    long = long_spec()
    write(docs / "invoice_two_pages.pdf", render_invoice_pdf(long))
    write_truth("invoice_two_pages", long, "born_digital")

    clean = rasterize_pdf(born, SCAN_DPI)[0]
    scan = degrade(clean, seed=11)
    write(docs / "invoice_scanned.pdf", pdf_with_scanner_layer(scan, SCAN_DPI, []))
    write_truth("invoice_scanned", spec, "scan")

    png = io.BytesIO()
    scan.save(png, format="PNG", dpi=(SCAN_DPI, SCAN_DPI), optimize=True)  # noisy: ~1 MB
    write(docs / "invoice_photo.png", png.getvalue())
    write_truth("invoice_photo", spec, "image")

    jpg = io.BytesIO()
    degrade(clean, seed=12).save(jpg, format="JPEG", quality=70, dpi=(SCAN_DPI, SCAN_DPI))
    write(docs / "invoice_scan.jpg", jpg.getvalue())
    write_truth("invoice_scan", spec, "image")

    pages = [degrade(p, seed=20 + k) for k, p in enumerate(rasterize_pdf(render_invoice_pdf(long), SCAN_DPI))]
    tif = io.BytesIO()
    pages[0].save(
        tif,
        format="TIFF",
        save_all=True,
        append_images=pages[1:],
        compression="jpeg",
        quality=75,
        dpi=(SCAN_DPI, SCAN_DPI),
    )
    write(docs / "invoice_multipage.tif", tif.getvalue())
    write_truth("invoice_multipage", long, "image")

    # a scan whose scanner-made text layer is garbage: ingest must ignore it and OCR the page
    rng = random.Random(5)
    junk = "lI1|!¦ﾉ｢﹄ｊ巷評#~^`°ÿ"
    garbage = [
        ("".join(rng.choice(junk) for _ in range(rng.randint(2, 7))), 60 + 70 * (k % 6), 60 + 14 * (k // 6))
        for k in range(90)
    ]
    write(docs / "invoice_scan_garbled_layer.pdf", pdf_with_scanner_layer(scan, SCAN_DPI, garbage))
    write_truth("invoice_scan_garbled_layer", spec, "scan")

    # the same scan with a correct invisible layer (as good scanner software writes)
    born_page = ingest_bytes(born, "born.pdf").pages[0]
    clean_words = [(w.text, w.bbox[0], w.bbox[3] - 2) for w in born_page.words]
    write(docs / "invoice_scan_clean_layer.pdf", pdf_with_scanner_layer(scan, SCAN_DPI, clean_words))
    write_truth("invoice_scan_clean_layer", spec, "scan")

    # bad inputs, one per kind
    write(bad / "empty.pdf", b"")
    write(bad / "encrypted.pdf", encrypted(born))
    write(bad / "truncated.pdf", born[: len(born) // 2])
    write(bad / "corrupt.pdf", b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(3000)) + b"\n%%EOF\n")
    write(bad / "not_a_document.pdf", b"Dear customer,\nplease find attached our invoice.\nRegards\n")
    write(bad / "truncated.png", png.getvalue()[: len(png.getvalue()) // 3])
    written += write_expected(root)
    return written


def fake_tagger_for(truth: dict[str, Any]) -> Any:
    """A FakeTagger that finds this fixture's printed field values (so expected outputs are exact)."""
    from invoicer.tagging import FakeTagger

    fields = truth["fields"]
    return FakeTagger({name: (fields[name], raw) for name, raw in truth["printed"].items()})


def write_expected(root: Path) -> list[Path]:
    """Expected extraction JSON for the born-digital fixtures (pipeline with the fake tagger)."""
    from invoicer.config import Settings, ValidateSettings
    from invoicer.ocr import NoOcrEngine
    from invoicer.pipeline import Pipeline

    # one confidence threshold for every field, as the tests use: the fake tagger's confidences are not
    # calibrated, and the default per-field thresholds belong to the shipped model's calibration
    settings = Settings(validate=ValidateSettings(field_min_confidence=()))
    out = root / "expected"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for stem in ("invoice_born_digital", "invoice_two_pages"):
        truth = json.loads((root / "truth" / f"{stem}.json").read_text("utf-8"))
        with Pipeline.from_settings(settings, ocr_engine=NoOcrEngine(), tagger=fake_tagger_for(truth)) as pipeline:
            data = pipeline.extract(root / "documents" / f"{stem}.pdf").to_dict()
        data["document"]["source_path"] = None
        path = out / f"{stem}.json"
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else "fixtures")
    for p in generate(root):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
