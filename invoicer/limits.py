"""Per-document time budget shared by the stages (cooperative: checked between pages and stages)."""

from __future__ import annotations

import time
from collections.abc import Callable

from invoicer.errors import ProcessingTimeoutError


class Deadline:
    """Raises :class:`ProcessingTimeoutError` from :meth:`check` once ``seconds`` have passed."""

    def __init__(self, seconds: float | None, clock: Callable[[], float] | None = None) -> None:
        self._clock = clock or time.monotonic
        self.seconds = seconds
        self.started = self._clock()

    @classmethod
    def never(cls) -> Deadline:
        return cls(None)

    @property
    def elapsed(self) -> float:
        return self._clock() - self.started

    def check(self, what: str = "", page: int | None = None) -> None:
        if self.seconds is not None and self.elapsed > self.seconds:
            detail = f" during {what}" if what else ""
            raise ProcessingTimeoutError(f"processing took longer than {self.seconds:g} s{detail}", page=page)
