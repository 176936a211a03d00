"""Settings, read once at the edge into frozen dataclasses and passed down to the stages.

Sources, later ones winning: built-in defaults → a TOML file → ``INVOICER_*`` environment variables.

The TOML file is ``$INVOICER_CONFIG`` if set, else ``./invoicer.toml`` if it exists. Its tables are
the sections below (``[ingest]``, ``[ocr]``, ...). Every setting also has an environment variable
``INVOICER_<SECTION>_<NAME>`` in upper case, e.g. ``INVOICER_INGEST_DPI=200`` or
``INVOICER_DATABASE_URL=postgresql+psycopg://...``. Stages never read the environment themselves.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from invoicer.errors import ConfigError


@dataclass(frozen=True)
class IngestSettings:
    """How files become documents, and the safety limits that apply."""

    dpi: int = 300  # rasterization resolution for pages that need OCR
    default_image_dpi: int = 300  # assumed for images whose metadata has no usable resolution
    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 200
    max_pixels: int = 120_000_000  # per image / rendered page (decompression-bomb guard)
    min_dpi: int = 100  # a huge PDF page is rendered at lower dpi, but not below this
    renderer: str = "pdf2image"  # pdf2image (poppler) | pdfium (in-process, faster on vector pages)
    timeout_s: float = 300.0  # per document, all stages
    text_layer: str = "auto"  # auto: judge each page; always: trust any text; never: always OCR
    scanned_text_layer: str = "ocr"  # scans' scanner-made layers: ocr (ignore them) | judge (trust if clean)
    text_layer_min_quality: float = 0.75
    text_layer_min_chars: int = 8


@dataclass(frozen=True)
class OcrSettings:
    """Which OCR engine reads pages without a usable text layer."""

    engine: str = "auto"  # auto | tesseract | none | fake | (trocr, when installed)
    model: str | None = None  # local checkpoint dir or hub id for model-based engines
    languages: str = "eng+deu+fra+nld+spa"  # tesseract language codes (missing ones are skipped)
    # tesseract page preparation: auto (re-read grey/uneven/poorly read pages with the background
    # normalized, keep the better reading) | normalize (always) | none
    preprocess: str = "auto"

    def __post_init__(self) -> None:
        modes = ("auto", "normalize", "none")  # invoicer.ocr.preprocess.PREPROCESS_MODES
        if self.preprocess not in modes:
            raise ConfigError(f"ocr.preprocess must be one of {', '.join(modes)}, got {self.preprocess!r}")


#: How the LayoutLM tagger computes: ``auto`` (bfloat16 on CPUs with AMX, else float32) or a dtype.
TAGGER_COMPUTE_DTYPES = ("auto", "float32", "bfloat16", "qint8")


@dataclass(frozen=True)
class TaggerSettings:
    """Which field tagger turns words into fields."""

    backend: str = "auto"  # auto | none | fake | (layoutlm, when installed)
    model: str | None = None
    # LayoutLM arithmetic: auto (bfloat16 on CPUs with AMX, else float32) | float32 | bfloat16 | qint8
    compute_dtype: str = "auto"
    # booking fields the model left empty (total, invoice date, invoice number) looked up next to their
    # printed keywords, and company names in prose widened to their legal form (invoicer/tagging/keywords.py)
    keyword_candidates: bool = True

    def __post_init__(self) -> None:
        if self.compute_dtype not in TAGGER_COMPUTE_DTYPES:
            raise ConfigError(
                f"tagger.compute_dtype must be one of {', '.join(TAGGER_COMPUTE_DTYPES)}, got {self.compute_dtype!r}"
            )


#: What a non-required field below its confidence threshold does (``validate.optional_low_confidence``).
OPTIONAL_LOW_CONFIDENCE = ("withhold", "review")


@dataclass(frozen=True)
class ValidateSettings:
    """What an extraction needs to be auto-approved."""

    required_fields: tuple[str, ...] = ("vendor_name", "invoice_date", "total", "currency")
    min_confidence: float = 0.9  # every field's confidence must reach this (unless set per field below)
    # per-field thresholds as "name=value" ("total=0.95"), replacing min_confidence for those fields;
    # env INVOICER_VALIDATE_FIELD_MIN_CONFIDENCE="total=0.95,vendor_name=0.9"; TOML a list of strings.
    # Confidences are calibrated probabilities of being right when the tagger's model ships a calibration
    # (invoicer/validate/calibration.py); how the defaults were chosen: benchmarks/validate/README.md
    field_min_confidence: tuple[str, ...] = (
        "vendor_name=0.9948",
        "vendor_address=1",
        "vendor_tax_id=0.8842",
        "customer_name=0.9573",
        "invoice_number=0.678",
        "invoice_date=0.3089",
        "due_date=0.7549",
        "po_number=0.768",
        "currency=0.662",
        "subtotal=0.5952",
        "tax_total=0.9401",
        "total=0.7754",
        "iban=0.8371",
    )
    # a field that is not required and falls below its threshold: "withhold" keeps it out of an auto-approved
    # record (value cleared, printed text and confidence kept, reason recorded) instead of sending the whole
    # document to review; "review" sends the document to review like a required field would
    optional_low_confidence: str = "withhold"
    rounding_tolerance: float = 0.02  # money comparisons (subtotal + tax = total, line sums)
    max_future_days: int = 1  # invoice date may be at most this far in the future
    max_due_days: int = 365  # due date at most this long after the invoice date
    tax_rate_tolerance: float = 0.1  # percentage points around a country's known rates
    max_tax_rate: float = 27.0
    two_digit_year_pivot: int = 70  # "24" → 2024, "85" → 1985
    vendor_scorer: str = "token_set_ratio"  # rapidfuzz scorer for the vendor master
    vendor_threshold: float = 90.0
    locale: str | None = None  # a hint about the documents (e.g. "de-DE"), evidence only, never a default

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError(f"validate.min_confidence must be between 0 and 1, got {self.min_confidence}")
        if self.optional_low_confidence not in OPTIONAL_LOW_CONFIDENCE:
            raise ConfigError(
                f"validate.optional_low_confidence must be one of {', '.join(OPTIONAL_LOW_CONFIDENCE)}, "
                f"got {self.optional_low_confidence!r}"
            )
        self._thresholds  # noqa: B018  (malformed entries are reported when the settings are read)

    def field_thresholds(self) -> dict[str, float]:
        """``field_min_confidence`` as a mapping field name → minimum confidence (checked)."""
        return dict(self._thresholds)

    def min_confidence_for(self, name: str) -> float:
        """The confidence a value of field ``name`` needs to be auto-approved."""
        return self._thresholds.get(name, self.min_confidence)

    @functools.cached_property
    def _thresholds(self) -> dict[str, float]:
        """Parsed once per settings object (the rule asks for every field of every document)."""
        from invoicer.document import FIELD_NAMES

        out: dict[str, float] = {}
        for entry in self.field_min_confidence:
            name, sep, value = entry.partition("=")
            name = name.strip()
            try:
                threshold = float(value) if sep else float("nan")
            except ValueError:
                threshold = float("nan")
            if not 0.0 <= threshold <= 1.0:  # NaN fails too
                raise ConfigError(
                    f"validate.field_min_confidence entry {entry!r} is not name=value with a value between 0 and 1"
                )
            if name not in FIELD_NAMES:
                raise ConfigError(
                    f"validate.field_min_confidence names unknown field {name!r}; valid: {', '.join(FIELD_NAMES)}"
                )
            out[name] = threshold
        return out


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite:///invoicer.db"


@dataclass(frozen=True)
class InboxSettings:
    """The watched inbox and its workers (see docs/inbox.md)."""

    path: str = "inbox"
    archive_dir: str = "archive"  # inside the inbox unless absolute; originals move here when done
    failed_dir: str = "failed"  # inside the inbox unless absolute; unreadable originals move here
    stable_s: float = 2.0  # size and mtime unchanged this long = completely written
    lease_s: float = 60.0  # a claim's lease; renewed while a file is processed
    max_attempts: int = 3  # a file that crashed this often is quarantined
    workers: int = 0  # local processes (0 = one per core)
    mode: str = "local"  # local | celery
    broker_url: str = "redis://127.0.0.1:6379/0"
    poll_s: float = 0.5
    requeue_after_s: float = 120.0


@dataclass(frozen=True)
class Settings:
    """All of invoicer's settings."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    tagger: TaggerSettings = field(default_factory=TaggerSettings)
    validate: ValidateSettings = field(default_factory=ValidateSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    inbox: InboxSettings = field(default_factory=InboxSettings)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_SECTIONS: dict[str, type] = {f.name: f.default_factory for f in dataclasses.fields(Settings)}  # type: ignore[misc]


def _convert(section: str, name: str, typ: Any, raw: Any) -> Any:
    where = f"{section}.{name}"
    try:
        if typ is bool or typ == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if typ is int:
            if isinstance(raw, bool):
                raise ValueError(raw)
            return int(raw)
        if typ is float:
            return float(raw)
        if typ == tuple[str, ...]:
            if isinstance(raw, str):
                return tuple(x.strip() for x in raw.split(",") if x.strip())
            return tuple(str(x) for x in raw)
        if typ == (str | None):
            return None if raw in (None, "") else str(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid value {raw!r} for setting {where}") from exc


def _build_section(section: str, values: Mapping[str, Any]) -> Any:
    cls = _SECTIONS[section]
    hints = get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(
            f"unknown setting(s) {', '.join(sorted(f'{section}.{u}' for u in unknown))}; "
            f"valid in [{section}]: {', '.join(sorted(known))}"
        )
    return cls(**{k: _convert(section, k, hints[k], v) for k, v in values.items()})


def load_settings(
    env: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Read settings once: defaults, then the TOML file, then ``INVOICER_*`` variables, then ``overrides``.

    ``env`` defaults to ``os.environ``; ``config_file`` to ``$INVOICER_CONFIG`` or ``./invoicer.toml``.
    """
    env = os.environ if env is None else env
    values: dict[str, dict[str, Any]] = {s: {} for s in _SECTIONS}

    path: Path | None
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
    elif env.get("INVOICER_CONFIG"):
        path = Path(env["INVOICER_CONFIG"])
        if not path.is_file():
            raise ConfigError(f"INVOICER_CONFIG points to {path}, which does not exist")
    else:
        path = Path("invoicer.toml") if Path("invoicer.toml").is_file() else None
    if path is not None:
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from exc
        for section, table in data.items():
            if section not in _SECTIONS or not isinstance(table, dict):
                raise ConfigError(f"unknown section [{section}] in {path}; valid: {', '.join(sorted(_SECTIONS))}")
            values[section].update(table)

    for key, raw in env.items():
        if not key.startswith("INVOICER_") or key == "INVOICER_CONFIG":
            continue
        rest = key[len("INVOICER_") :].lower()
        for section in _SECTIONS:
            if rest.startswith(section + "_"):
                values[section][rest[len(section) + 1 :]] = raw
                break
        # other INVOICER_* variables (e.g. INVOICER_HOME) belong to tools outside the settings

    for section, table in (overrides or {}).items():
        if section not in _SECTIONS:
            raise ConfigError(f"unknown settings section {section!r}")
        values[section].update(table)

    settings = Settings(**{s: _build_section(s, v) for s, v in values.items()})
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    ing = settings.ingest
    if not 50 <= ing.dpi <= 1200:
        raise ConfigError(f"ingest.dpi must be between 50 and 1200, got {ing.dpi}")
    if settings.inbox.mode not in {"local", "celery"}:
        raise ConfigError(f"inbox.mode must be local or celery, got {settings.inbox.mode!r}")
    if ing.renderer not in {"pdf2image", "pdfium"}:
        raise ConfigError(f"ingest.renderer must be pdf2image or pdfium, got {ing.renderer!r}")
    if ing.scanned_text_layer not in {"ocr", "judge"}:
        raise ConfigError(f"ingest.scanned_text_layer must be ocr or judge, got {ing.scanned_text_layer!r}")
    if ing.text_layer not in {"auto", "always", "never"}:
        raise ConfigError(f"ingest.text_layer must be auto, always or never, got {ing.text_layer!r}")
    for name in ("max_file_bytes", "max_pages", "max_pixels", "timeout_s"):
        if getattr(ing, name) <= 0:
            raise ConfigError(f"ingest.{name} must be positive")
    if not 0.0 <= ing.text_layer_min_quality <= 1.0:
        raise ConfigError("ingest.text_layer_min_quality must be between 0 and 1")
    from invoicer.document import FIELD_NAMES

    bad = [f for f in settings.validate.required_fields if f not in FIELD_NAMES]
    if bad:
        raise ConfigError(
            f"validate.required_fields has unknown field(s) {', '.join(bad)}; valid: {', '.join(FIELD_NAMES)}"
        )
