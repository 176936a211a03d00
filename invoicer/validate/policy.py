"""Validation settings beyond :class:`~invoicer.config.ValidateSettings` (to be merged into it).

:meth:`ValidationPolicy.from_settings` reads any field of the same name from ``ValidateSettings``, so
once those fields are added there (environment ``INVOICER_VALIDATE_<NAME>`` / ``[validate]`` in the
TOML file) they take effect without code changes here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from invoicer.errors import ConfigError

__all__ = ["ValidationPolicy"]


@dataclass(frozen=True)
class ValidationPolicy:
    """Tolerances and thresholds of normalization, the rules and vendor matching."""

    rounding_tolerance: float = 0.02  # money: |a - b| at most this counts as equal (per comparison)
    max_future_days: int = 1  # invoice date may be this many days after today (time zones, pre-dated bills)
    max_due_days: int = 365  # a due date further after the invoice date than this is implausible
    tax_rate_tolerance: float = 0.1  # percentage points around a known rate
    max_tax_rate: float = 27.0  # highest plausible rate where the country's rates are unknown (HU: 27 %)
    two_digit_year_pivot: int = 70  # "18" → 2018, "85" → 1985
    vendor_scorer: str = "token_set_ratio"  # a name in invoicer.validate.vendors.VENDOR_SCORERS
    vendor_threshold: float = 90.0  # 0..100: a known vendor matches at this score or above

    def __post_init__(self) -> None:
        if self.rounding_tolerance < 0:
            raise ConfigError(f"validate.rounding_tolerance must be >= 0, got {self.rounding_tolerance}")
        if self.max_future_days < 0 or self.max_due_days < 0:
            raise ConfigError("validate.max_future_days and validate.max_due_days must be >= 0")
        if not 0 <= self.tax_rate_tolerance <= 5 or not 0 < self.max_tax_rate <= 100:
            raise ConfigError("validate.tax_rate_tolerance must be in [0, 5] and validate.max_tax_rate in (0, 100]")
        if not 0 <= self.two_digit_year_pivot <= 99:
            raise ConfigError(f"validate.two_digit_year_pivot must be in [0, 99], got {self.two_digit_year_pivot}")
        if not 0 <= self.vendor_threshold <= 100:
            raise ConfigError(f"validate.vendor_threshold must be in [0, 100], got {self.vendor_threshold}")
        from invoicer.validate.vendors import VENDOR_SCORERS

        VENDOR_SCORERS.get(self.vendor_scorer)  # unknown name → UnknownBackendError listing the valid ones

    @property
    def tolerance(self) -> Decimal:
        return Decimal(str(self.rounding_tolerance))

    @classmethod
    def from_settings(cls, settings: Any) -> ValidationPolicy:
        """A policy taking every same-named attribute of ``settings`` (a ValidateSettings), defaults otherwise."""
        values = {f.name: getattr(settings, f.name) for f in dataclasses.fields(cls) if hasattr(settings, f.name)}
        return cls(**values)
