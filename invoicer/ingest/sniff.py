"""Identify a file's type from its first bytes (never from its name)."""

from __future__ import annotations

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

SUPPORTED = (PDF, PNG, JPEG, TIFF)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)

# Common non-documents, named so the error message can say what the file actually is.
_KNOWN_OTHER: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"RIFF", "a RIFF file (WebP/AVI/WAV)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"BM", "a BMP image"),
)


def sniff(head: bytes) -> str | None:
    """The media type of a file starting with ``head`` (first ~1 KiB), or None if unsupported.

    A PDF header is accepted anywhere in the first 1024 bytes, as PDF readers do.
    """
    for sig, media in _SIGNATURES:
        if head.startswith(sig):
            return media
    if b"%PDF-" in head[:1024]:
        return PDF
    return None


def describe_unsupported(head: bytes) -> str:
    """A short human description of what an unsupported file seems to be."""
    for sig, what in _KNOWN_OTHER:
        if head.startswith(sig):
            return what
    sample = head[:512]
    lowered = sample.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "an HTML page"
    if lowered.lstrip().startswith(b"<?xml"):
        return "an XML file"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return "binary data of an unknown format"
    return "a plain text file"
