"""Read raster images (PNG, JPEG, multi-frame TIFF) as pages for OCR."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from invoicer.config import IngestSettings
from invoicer.document import Page, WordSource
from invoicer.errors import CorruptDocumentError, ImageTooLargeError, TooManyPagesError, TruncatedDocumentError
from invoicer.limits import Deadline

_MIN_TRUSTED_DPI = 100
_MAX_TRUSTED_DPI = 1200


def image_dpi(image: Image.Image, default: int) -> float:
    """The image's resolution from its metadata when plausible (100-1200), else ``default``.

    Cameras and many tools write 72 dpi whatever the real scale, so lower values are not trusted.
    """
    dpi = image.info.get("dpi")
    try:
        x = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        x = 0.0
    # PNG stores pixels per metre, so 150 dpi comes back as 149.9988: round to 0.1 dpi
    return round(x, 1) if _MIN_TRUSTED_DPI <= x <= _MAX_TRUSTED_DPI else float(default)


def read_image(data: bytes, settings: IngestSettings, deadline: Deadline) -> tuple[Page, ...]:
    """One page per image frame, as a grayscale image with its resolution; words come from OCR."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(f"the image is too large to open safely ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise CorruptDocumentError("the image data cannot be decoded") from exc
    except OSError as exc:
        raise CorruptDocumentError(f"the image cannot be opened ({exc})") from exc

    frames = getattr(image, "n_frames", 1)
    if frames > settings.max_pages:
        raise TooManyPagesError(f"the image has {frames} frames; the limit is {settings.max_pages}")
    pages: list[Page] = []
    try:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            deadline.check("image ingest", page=number)
            w, h = frame.size
            if w * h > settings.max_pixels:
                raise ImageTooLargeError(
                    f"the image is {w}×{h} = {w * h:,} pixels; the limit is {settings.max_pixels:,}", page=number
                )
            if w < 8 or h < 8:
                raise CorruptDocumentError(f"the image is only {w}×{h} pixels", page=number)
            dpi = image_dpi(frame, settings.default_image_dpi)
            try:
                frame.load()
                gray = ImageOps.exif_transpose(frame.copy()).convert("L")
            except OSError as exc:
                if "truncated" in str(exc).lower():
                    raise TruncatedDocumentError(f"the image data ends early ({exc})", page=number) from exc
                raise CorruptDocumentError(f"the image data is damaged ({exc})", page=number) from exc
            except (ValueError, SyntaxError) as exc:
                raise CorruptDocumentError(f"the image data is damaged ({exc})", page=number) from exc
            pages.append(
                Page(number, gray.width * 72 / dpi, gray.height * 72 / dpi, dpi, WordSource.NONE, (), None, None, gray)
            )
    except (EOFError, OSError) as exc:
        if isinstance(exc, OSError) and "truncated" not in str(exc).lower():
            raise CorruptDocumentError(f"the image frames cannot be read ({exc})") from exc
        raise TruncatedDocumentError(f"the image data ends early ({exc})") from exc
    finally:
        image.close()
    return tuple(pages)
