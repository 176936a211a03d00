"""Scan and line modes: degraded images whose truth boxes still sit on the printed words."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from invoicer.ingest import ingest_bytes
from invoicer.synth.check import truth_problems
from invoicer.synth.engine import SynthOptions, generate, render_document
from invoicer.synth.lines import line_crops
from invoicer.synth.scan import MAX_SKEW, scan_document


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scan")
    generate(out, 3, 4, SynthOptions(mode="scan", layouts=("supermarket_till", "taxi_ticket", "freelancer_minimal")))
    return out


def _page_pixels(folder: Path, truth: dict) -> list[np.ndarray]:
    data = (folder / truth["file"]).read_bytes()
    doc = ingest_bytes(data, truth["file"])
    pages = []
    for page, tpage in zip(doc.pages, truth["pages"], strict=True):
        assert page.image is not None and page.dpi
        # ingest's page is the truth's page: same size in points
        assert abs(page.width - tpage["width"]) < 0.5 and abs(page.height - tpage["height"]) < 0.5
        img = page.image.resize((round(tpage["width"] * tpage["dpi"] / 72), round(tpage["height"] * tpage["dpi"] / 72)))
        pages.append(np.asarray(img, dtype=np.float32))
    return pages


def test_scan_truth_checks_out_and_boxes_sit_on_ink(scans: Path) -> None:
    manifest = [json.loads(x) for x in (scans / "manifest.jsonl").read_text().splitlines()]
    kinds = set()
    for rec in manifest:
        truth = json.loads((scans / rec["truth"]).read_text())
        assert truth_problems(truth) == []
        assert truth["file"].endswith((".png", ".pdf"))
        params = truth["scan"]
        assert 150 <= params["dpi"] <= 300 and abs(params["angle"]) <= MAX_SKEW and 30 <= params["jpeg_quality"] <= 90
        kinds.add(truth["media_type"])
        for arr, tpage in zip(_page_pixels(scans, truth), truth["pages"], strict=True):
            s = tpage["dpi"] / 72
            background = float(np.percentile(arr, 90))
            inside = []
            for w in tpage["words"]:
                x0, y0, x1, y1 = (round(v * s) for v in w["bbox"])
                patch = arr[max(0, y0):y1, max(0, x0):x1]
                if patch.size:
                    inside.append(float(patch.min()))
            # the darkest pixel in (nearly) every word box is ink, well below the page background
            dark = sum(v < background - 60 for v in inside) / len(inside)
            assert dark > 0.95, (truth["layout"], dark)
    assert kinds <= {"image/png", "application/pdf"}


def test_scan_is_deterministic() -> None:
    opts = SynthOptions(mode="scan", layouts=("cafe_vat_table",))
    a, b = scan_document(render_document(9, 2, opts)), scan_document(render_document(9, 2, opts))
    assert [f for f in a.files] == [f for f in b.files]
    assert a.pages[0]["boxes"] == b.pages[0]["boxes"]


def test_line_crops_have_exact_text_and_look_like_detector_boxes() -> None:
    rd = render_document(12, 5, SynthOptions(mode="lines"))
    crops = line_crops(rd, 20)
    assert 5 <= len(crops) <= 20
    words = {w.word.text for page in rd.words for w in page}
    assert sum(any(ch.isdigit() for ch in c.text) for c in crops) >= len(crops) // 3  # codes/amounts favoured
    for c in crops:
        assert c.text.strip() == c.text and c.text
        assert all(part in words for part in c.text.split(" "))
        img = Image.open(io.BytesIO(c.png))
        assert img.mode == "L" and 8 <= img.height <= 200 and img.width >= img.height * 0.5
    again = line_crops(render_document(12, 5, SynthOptions(mode="lines")), 20)
    assert [c.png for c in again] == [c.png for c in crops]


def test_lines_mode_writes_one_manifest(tmp_path: Path) -> None:
    generate(tmp_path, 2, 3, SynthOptions(mode="lines", lines_per_doc=5))
    recs = [json.loads(x) for x in (tmp_path / "lines.jsonl").read_text().splitlines()]
    assert 2 <= len(recs) <= 10
    for rec in recs:
        assert (tmp_path / rec["image"]).is_file() and rec["text"]
