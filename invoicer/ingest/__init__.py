"""Ingest: turn a file (path or bytes) into a :class:`~invoicer.document.Document`.

The type is sniffed from the bytes (never the name). PDFs give one page per PDF page, with the text
layer's words when it is usable (see :mod:`invoicer.ingest.textlayer`) or a rendered page image for
OCR; images (PNG, JPEG, multi-frame TIFF) give one page image per frame. All boxes are in PDF
points from the page's top-left corner (see :mod:`invoicer.document`).

Every failure raises an :class:`~invoicer.errors.IngestError` subclass naming the file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from invoicer.config import IngestSettings
from invoicer.document import Document
from invoicer.errors import (
    EmptyFileError,
    FileTooLargeError,
    InvoicerError,
    MissingFileError,
    UnsupportedFormatError,
)
from invoicer.ingest.image import read_image
from invoicer.ingest.pdf import read_pdf
from invoicer.ingest.sniff import PDF, SUPPORTED, describe_unsupported, sniff
from invoicer.limits import Deadline

__all__ = ["SUPPORTED", "ingest_bytes", "ingest_path", "read_file_bytes", "sha256_of"]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file_bytes(path: str | os.PathLike[str], settings: IngestSettings) -> bytes:
    """Read a file's bytes, enforcing existence and the size limits."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise MissingFileError("no such file", path=str(p)) from None
    except OSError as exc:
        raise MissingFileError(f"cannot access the file ({exc.strerror})", path=str(p)) from exc
    if not p.is_file():
        raise MissingFileError("not a regular file", path=str(p))
    if st.st_size == 0:
        raise EmptyFileError("the file is empty (0 bytes)", path=str(p))
    if st.st_size > settings.max_file_bytes:
        raise FileTooLargeError(
            f"the file has {st.st_size:,} bytes; the limit is {settings.max_file_bytes:,}", path=str(p)
        )
    try:
        return p.read_bytes()
    except OSError as exc:
        raise MissingFileError(f"cannot read the file ({exc.strerror})", path=str(p)) from exc


def ingest_bytes(
    data: bytes,
    name: str,
    settings: IngestSettings | None = None,
    deadline: Deadline | None = None,
    source_path: str | None = None,
) -> Document:
    """Read ``data`` (the file's bytes, called ``name``) into a Document."""
    settings = settings or IngestSettings()
    deadline = deadline or Deadline(settings.timeout_s)
    where = source_path or name
    try:
        if not data:
            raise EmptyFileError("the file is empty (0 bytes)")
        if len(data) > settings.max_file_bytes:
            raise FileTooLargeError(f"the file has {len(data):,} bytes; the limit is {settings.max_file_bytes:,}")
        media_type = sniff(data[:1024])
        if media_type is None:
            raise UnsupportedFormatError(f"not a PDF or image: the file looks like {describe_unsupported(data[:1024])}")
        if media_type == PDF:
            pages = read_pdf(data, settings, deadline, source_path)
        else:
            pages = read_image(data, settings, deadline)
    except InvoicerError as exc:
        raise exc.with_path(where) from exc.__cause__
    return Document(
        sha256=sha256_of(data),
        source_name=name,
        media_type=media_type,
        size_bytes=len(data),
        pages=pages,
        source_path=source_path,
    )


def ingest_path(
    path: str | os.PathLike[str], settings: IngestSettings | None = None, deadline: Deadline | None = None
) -> Document:
    """Read the file at ``path`` into a Document (the file itself is never modified)."""
    settings = settings or IngestSettings()
    data = read_file_bytes(path, settings)
    return ingest_bytes(data, Path(path).name, settings, deadline, source_path=str(path))
