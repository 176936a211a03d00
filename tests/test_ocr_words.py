"""Words with boxes from recognized lines, and the line-image format."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from invoicer.errors import OcrError
from invoicer.ocr.lineimage import LINE_HEIGHT, MAX_WIDTH, WIDTH_STEP, line_to_array, scaled_width
from invoicer.ocr.words import blank_gaps, char_width, lines_from_recognition, words_in_line


def rendered(words: list[str], gap: int = 30) -> tuple[Image.Image, list[tuple[int, int]]]:
    """A line image with words at known x ranges (ink extents)."""
    font = ImageFont.load_default(size=20)
    image = Image.new("L", (40 + sum(int(font.getlength(w)) + gap for w in words), 34), 255)
    draw = ImageDraw.Draw(image)
    x, spans = 10, []
    for w in words:
        draw.text((x, 5), w, fill=0, font=font)
        box = draw.textbbox((x, 5), w, font=font)
        spans.append((box[0], box[2]))
        x += int(font.getlength(w)) + gap
    return image, spans


def test_scaled_width_keeps_aspect_in_patch_steps() -> None:
    assert scaled_width(320, 32) == 320
    assert scaled_width(100, 64) % WIDTH_STEP == 0
    assert scaled_width(1, 100) == 2 * WIDTH_STEP  # at least two patches
    assert scaled_width(100_000, 20) == MAX_WIDTH  # very long lines are squeezed
    with pytest.raises(OcrError):
        scaled_width(0, 10)


def test_line_to_array_is_grayscale_at_line_height() -> None:
    arr = line_to_array(Image.new("RGB", (90, 30), (255, 255, 255)))
    assert arr.dtype == np.uint8 and arr.shape[0] == LINE_HEIGHT and arr.shape[1] % WIDTH_STEP == 0
    with pytest.raises(OcrError):
        line_to_array("not an image")  # type: ignore[arg-type]


def test_char_widths_follow_glyph_shapes() -> None:
    assert char_width("i") < char_width("a") < char_width("A") < char_width("W")
    assert char_width(" ") < char_width("a")


def test_words_snap_to_printed_gaps() -> None:
    image, spans = rendered(["TOTAL", "RM", "1,234.50"], gap=40)
    words = words_in_line("TOTAL RM 1,234.50", (0, 0, image.width, image.height), image, 0.9)
    assert [w.text for w in words] == ["TOTAL", "RM", "1,234.50"]
    for word, (a, b) in zip(words, spans, strict=True):
        assert abs(word.bbox[0] - a) <= 3 and abs(word.bbox[2] - b) <= 3, (word, a, b)
        assert word.confidence == 0.9
    assert [w.bbox[0] for w in words] == sorted(w.bbox[0] for w in words)


def test_words_without_image_divide_the_box_by_character_widths() -> None:
    words = words_in_line("ab  cd", (100, 10, 160, 30))
    assert [w.text for w in words] == ["ab", "cd"]
    assert words[0].bbox[0] == 100 and words[-1].bbox[2] == pytest.approx(160)
    assert words[0].bbox[2] <= words[1].bbox[0]
    assert all(w.bbox[1] == 10 and w.bbox[3] == 30 for w in words)
    assert words_in_line("   ", (0, 0, 10, 10)) == ()


def test_gaps_found_between_words_only() -> None:
    image, spans = rendered(["AB", "CD"], gap=40)
    gaps = blank_gaps(image)
    inner = [g for g in gaps if spans[0][1] < (g[0] + g[1]) / 2 < spans[1][0]]
    assert len(inner) == 1
    assert blank_gaps(Image.new("L", (50, 20), 255)) == []  # blank: nothing to find


def test_lines_from_recognition_drops_empty_lines() -> None:
    lines = lines_from_recognition([(0, 0, 50, 10), (0, 20, 50, 30)], ["A B", ""], [0.8, 0.1])
    assert len(lines) == 1 and lines[0].text == "A B" and lines[0].confidence == 0.8
