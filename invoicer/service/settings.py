"""The service's settings, read from ``settings.inbox`` with defaults until config.py carries them.

Fields (to be added to :class:`invoicer.config.InboxSettings`): ``archive_dir``, ``failed_dir``,
``stable_s``, ``lease_s``, ``max_attempts``, ``workers``, ``mode``, ``broker_url``, ``poll_s``,
``requeue_after_s``. Relative ``archive_dir`` / ``failed_dir`` are inside the inbox.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from invoicer.errors import ConfigError

__all__ = ["MODES", "ServiceSettings"]

MODES = ("local", "celery")


@dataclass(frozen=True)
class ServiceSettings:
    """How the watcher and its workers behave."""

    inbox: Path
    archive_dir: Path  # originals of processed files go to archive_dir/YYYY/MM/
    failed_dir: Path  # originals of files that could not be processed
    stable_s: float = 2.0  # a file is taken once its size and mtime did not change for this long
    lease_s: float = 60.0  # a claim not renewed for this long is taken by another worker
    max_attempts: int = 3  # a file whose processing crashed this often is quarantined
    workers: int = 0  # local worker processes (0: one per core)
    mode: str = "local"  # local (process pool) | celery (the watcher enqueues, `invoicer worker` processes)
    broker_url: str = "redis://127.0.0.1:6379/0"
    poll_s: float = 0.5  # how often idle local workers look for work, and the watcher re-checks files
    requeue_after_s: float = 120.0  # celery: re-send claims queued this long without being taken

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"inbox.mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.lease_s <= 0 or self.stable_s < 0 or self.max_attempts < 1 or self.workers < 0:
            raise ConfigError("inbox.lease_s must be > 0, stable_s >= 0, max_attempts >= 1 and workers >= 0")

    @property
    def worker_count(self) -> int:
        return self.workers or (os.cpu_count() or 1)

    def skipped_dirs(self) -> tuple[Path, ...]:
        """Folders inside the inbox that the watcher must not look into."""
        return (self.archive_dir.resolve(), self.failed_dir.resolve())

    @classmethod
    def from_settings(cls, settings: Any, inbox: str | Path | None = None, **overrides: Any) -> ServiceSettings:
        """Build from ``settings.inbox`` (``getattr`` with defaults), ``inbox`` and explicit overrides."""
        section = settings.inbox
        root = Path(inbox if inbox is not None else section.path).absolute()

        def get(name: str, default: Any) -> Any:
            value = overrides.get(name)
            return value if value is not None else getattr(section, name, default)

        def inside(value: str | Path) -> Path:
            path = Path(value)
            return path if path.is_absolute() else root / path

        return cls(
            inbox=root,
            archive_dir=inside(get("archive_dir", "archive")),
            failed_dir=inside(get("failed_dir", "failed")),
            stable_s=float(get("stable_s", 2.0)),
            lease_s=float(get("lease_s", 60.0)),
            max_attempts=int(get("max_attempts", 3)),
            workers=int(get("workers", 0)),
            mode=str(get("mode", "local")),
            broker_url=str(get("broker_url", "redis://127.0.0.1:6379/0")),
            poll_s=float(get("poll_s", 0.5)),
            requeue_after_s=float(get("requeue_after_s", 120.0)),
        )
