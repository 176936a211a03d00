"""The one exception tree of invoicer.

Every error invoicer raises on purpose derives from :class:`InvoicerError`. Each carries a stable
machine-readable ``code`` (recorded as a document's error status), the file / page it is about when
known, and a ``hint`` telling the user what to do about it::

    InvoicerError
    ├── ConfigError                    bad setting or config file
    │   └── UnknownBackendError        a backend name not in its registry (lists the valid ones)
    ├── IngestError                    the input file cannot be read as a document
    │   ├── MissingFileError           the path does not exist or is not a readable file
    │   ├── EmptyFileError             zero bytes
    │   ├── UnsupportedFormatError     not a PDF / PNG / JPEG / TIFF ("not a document")
    │   ├── CorruptDocumentError       damaged structure
    │   │   └── TruncatedDocumentError the file ends early (incomplete download or copy)
    │   ├── EncryptedDocumentError     needs a password to open
    │   └── LimitExceededError         a configured safety limit was hit
    │       ├── FileTooLargeError      bytes over ``ingest.max_file_bytes``
    │       ├── TooManyPagesError      pages over ``ingest.max_pages``
    │       ├── ImageTooLargeError     pixels over ``ingest.max_pixels`` (decompression bombs)
    │       └── ProcessingTimeoutError the document took longer than ``ingest.timeout_s``
    ├── NormalizationError             a printed value (date, amount, currency) cannot be read
    │   └── AmbiguousValueError        it reads two ways and nothing on the document decides which
    ├── ModelError                     a model could not be found or loaded
    ├── OcrError                       the OCR engine failed on a page
    ├── TaggingError                   the field tagger failed
    ├── StorageError                   the database could not be written, or is not set up
    ├── ReviewError                    a review action is not possible (unknown document, bad value, wrong status)
    ├── ExportError                    an export cannot be written (data a format needs is missing, bad options)
    └── DatasetError                   a training / benchmark data set or label file is missing or malformed

Catch :class:`InvoicerError` to handle everything invoicer reports; anything else escaping is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable


class InvoicerError(Exception):
    """Base of every error invoicer raises on purpose."""

    code = "error"
    default_hint: str | None = None

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        page: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.page = page
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}"
            if self.page is not None:
                where += f" (page {self.page})"
            where += ": "
        elif self.page is not None:
            where = f"page {self.page}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text

    def with_path(self, path: str) -> InvoicerError:
        """Return this error with its file path filled in (if it had none)."""
        if self.path is None:
            self.path = path
        return self

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready description: code, message, path, page, hint."""
        return {
            "code": self.code,
            "type": type(self).__name__,
            "message": self.message,
            "path": self.path,
            "page": self.page,
            "hint": self.hint,
        }


class ConfigError(InvoicerError):
    """A setting or the configuration file is invalid."""

    code = "config_error"


class UnknownBackendError(ConfigError):
    """A backend was requested by a name its registry does not know."""

    code = "unknown_backend"

    def __init__(self, kind: str, name: str, valid: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.valid = tuple(sorted(valid))
        super().__init__(f"unknown {kind} backend {name!r}; valid names: {', '.join(self.valid) or '(none)'}")


class IngestError(InvoicerError):
    """The input cannot be read as a document."""

    code = "ingest_error"


class MissingFileError(IngestError):
    """The path does not exist, is not a regular file, or cannot be read."""

    code = "missing_file"


class EmptyFileError(IngestError):
    """The file has zero bytes."""

    code = "empty_file"
    default_hint = "check that it was copied or downloaded completely"


class UnsupportedFormatError(IngestError):
    """The bytes are not a PDF, PNG, JPEG or TIFF document."""

    code = "unsupported_format"
    default_hint = "invoicer reads PDF, PNG, JPEG and TIFF files"


class CorruptDocumentError(IngestError):
    """The file claims a supported format but its structure is damaged."""

    code = "corrupt"
    default_hint = "the file is damaged; ask the sender for a new copy"


class TruncatedDocumentError(CorruptDocumentError):
    """The file ends before its format says it should."""

    code = "truncated"
    default_hint = "the file is incomplete (interrupted download or copy); fetch it again"


class EncryptedDocumentError(IngestError):
    """The PDF needs a password to be opened."""

    code = "encrypted"
    default_hint = "remove the password protection (or ask the sender for an unprotected copy)"


class LimitExceededError(IngestError):
    """A configured safety limit was reached."""

    code = "limit_exceeded"


class FileTooLargeError(LimitExceededError):
    """The file is larger than ``ingest.max_file_bytes``."""

    code = "file_too_large"
    default_hint = "raise INVOICER_INGEST_MAX_FILE_BYTES if the file is legitimate"


class TooManyPagesError(LimitExceededError):
    """The document has more pages than ``ingest.max_pages``."""

    code = "too_many_pages"
    default_hint = "split the document or raise INVOICER_INGEST_MAX_PAGES"


class ImageTooLargeError(LimitExceededError):
    """An image or rendered page has more pixels than ``ingest.max_pixels``."""

    code = "image_too_large"
    default_hint = "possible decompression bomb; raise INVOICER_INGEST_MAX_PIXELS if the image is legitimate"


class ProcessingTimeoutError(LimitExceededError):
    """Processing the document took longer than ``ingest.timeout_s``."""

    code = "timeout"
    default_hint = "raise INVOICER_INGEST_TIMEOUT_S or lower the OCR dpi"


class ModelError(InvoicerError):
    """A model could not be found or loaded."""

    code = "model_error"


class OcrError(InvoicerError):
    """The OCR engine failed."""

    code = "ocr_error"


class TaggingError(InvoicerError):
    """The field tagger failed."""

    code = "tagging_error"


class StorageError(InvoicerError):
    """Results could not be stored."""

    code = "storage_error"


class ReviewError(InvoicerError):
    """A review action cannot be done: unknown document, an invalid value, or a status that forbids it."""

    code = "review_error"


class ExportError(InvoicerError):
    """An export cannot be written: the data a format needs is missing, or the options are invalid."""

    code = "export_error"


class DatasetError(InvoicerError):
    """A training or benchmark data set (SROIE, the yardstick labels, a recorded split) is missing or malformed."""

    code = "dataset_error"


class NormalizationError(InvoicerError):
    """A printed value (date, amount, currency) cannot be turned into its normalized form."""

    code = "normalization_error"
    default_hint = "check the value on the document and enter it by hand if needed"

    def __init__(
        self, message: str, *, raw: str | None = None, field: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.raw = raw
        self.field = field


class AmbiguousValueError(NormalizationError):
    """A printed value has several readings (01/02/2024, 1.234) and nothing on the document decides which."""

    code = "ambiguous_value"
    default_hint = "a person must decide which reading is meant"

    def __init__(
        self,
        message: str,
        *,
        candidates: tuple[str, ...],
        raw: str | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, raw=raw, field=field, hint=hint)
        self.candidates = candidates
