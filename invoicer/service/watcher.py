"""The inbox watcher: finds files (watchdog events plus a scan at start and now and then) and registers
each one once it is completely written: its size and mtime did not change for ``stable_s`` seconds,
or it was renamed into the inbox (an atomic rename means the writer is done).

Hidden files (``.name``), temporary downloads (``*.part``, ``*.tmp``, ``*.crdownload``, ``*~``) and
the archive and failed folders are never taken.
"""

from __future__ import annotations

import logging
import os
import queue
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from invoicer.service import claims
from invoicer.service.files import file_sha256
from invoicer.service.settings import ServiceSettings
from invoicer.store.database import Database

log = logging.getLogger(__name__)

__all__ = ["InboxWatcher", "is_candidate"]

TEMPORARY_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", "~")


def is_candidate(path: Path, root: Path, skipped: tuple[Path, ...]) -> bool:
    """Whether ``path`` (below ``root``) is a file the inbox should take."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        return False
    if any(part.startswith(".") for part in relative.parts) or path.name.endswith(TEMPORARY_SUFFIXES):
        return False
    resolved = path.absolute()
    return not any(resolved == s or s in resolved.parents for s in skipped)


@dataclass
class _Pending:
    size: int
    mtime_ns: int
    since: float  # monotonic time the size and mtime were first seen as they are now


class InboxWatcher:
    """Registers stable inbox files as claims; ``on_registered(claim_id)`` is told about new ones."""

    def __init__(
        self,
        service: ServiceSettings,
        database: Database,
        *,
        on_registered: Callable[[int], None] | None = None,
        rescan_s: float = 30.0,
        use_observer: bool = True,
    ) -> None:
        self.service = service
        self.database = database
        self.on_registered = on_registered
        self.rescan_s = rescan_s
        self.use_observer = use_observer
        self.root = service.inbox.absolute()
        self._skipped = tuple(p.absolute() for p in (service.archive_dir, service.failed_dir))
        self._pending: dict[Path, _Pending] = {}
        self._taken: dict[Path, tuple[int, int]] = {}  # registered, with (size, mtime) then
        self._events: queue.SimpleQueue[tuple[Path, bool]] = queue.SimpleQueue()
        self._observer: Any = None
        self._last_scan = 0.0
        self.registered = 0

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start watching; files already in the inbox are picked up by the first :meth:`poll`."""
        self.root.mkdir(parents=True, exist_ok=True)
        if self.use_observer:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers import Observer

            events = self._events

            class Handler(FileSystemEventHandler):
                def on_any_event(self, event: FileSystemEvent) -> None:
                    if event.is_directory:
                        return
                    if event.event_type == "moved":
                        events.put((Path(os.fsdecode(event.dest_path)), True))
                    elif event.event_type in ("created", "modified", "closed"):
                        events.put((Path(os.fsdecode(event.src_path)), False))

            self._observer = Observer()
            self._observer.schedule(Handler(), str(self.root), recursive=True)
            self._observer.start()
        self._last_scan = 0.0

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None

    # -- work ---------------------------------------------------------------------------------

    def poll(self) -> int:
        """Handle events, rescan when due, register files that became stable; returns how many were registered."""
        now = time.monotonic()
        if now - self._last_scan >= self.rescan_s:
            self._last_scan = now
            for path in [p for p in self._taken if not p.exists()]:
                del self._taken[path]  # archived: a new file under that name is a new arrival
            for path in self._scan():
                self._see(path, renamed=False)
        while True:
            try:
                path, renamed = self._events.get_nowait()
            except queue.Empty:
                break
            self._see(path, renamed)
        return self._register_stable(time.monotonic())

    def _scan(self) -> Iterator[Path]:
        for folder, dirs, files in os.walk(self.root):
            here = Path(folder)
            dirs[:] = sorted(d for d in dirs if is_candidate(here / d, self.root, self._skipped))
            for name in sorted(files):
                path = here / name
                if is_candidate(path, self.root, self._skipped):
                    yield path

    def _see(self, path: Path, renamed: bool) -> None:
        if not is_candidate(path, self.root, self._skipped):
            return
        try:
            st = path.stat()
        except OSError:
            self._pending.pop(path, None)
            return
        if not path.is_file():
            return
        if self._taken.get(path) == (st.st_size, st.st_mtime_ns):
            return  # registered already and unchanged
        known = self._pending.get(path)
        if renamed:
            self._pending[path] = _Pending(st.st_size, st.st_mtime_ns, float("-inf"))  # renamed in: complete
        elif known is None or (known.size, known.mtime_ns) != (st.st_size, st.st_mtime_ns):
            self._pending[path] = _Pending(st.st_size, st.st_mtime_ns, time.monotonic())

    def _register_stable(self, now: float) -> int:
        count = 0
        for path, seen in list(self._pending.items()):
            try:
                st = path.stat()
            except OSError:
                del self._pending[path]
                continue
            if (st.st_size, st.st_mtime_ns) != (seen.size, seen.mtime_ns):
                self._pending[path] = _Pending(st.st_size, st.st_mtime_ns, now)
                continue
            if now - seen.since < self.service.stable_s:
                continue
            del self._pending[path]
            try:
                sha = file_sha256(path)
            except OSError as exc:
                log.warning("cannot read %s: %s", path, exc)
                continue
            try:
                registration = claims.register(
                    self.database, path, sha256=sha, size=st.st_size, mode="watch", only_if_present=True
                )
            except FileNotFoundError:  # processed and moved away while it was being read here
                log.debug("%s is gone: processed before it was registered again", path)
                continue
            self._taken[path] = (st.st_size, st.st_mtime_ns)
            if registration.created:
                count += 1
                self.registered += 1
                log.info("registered %s as claim %d", path, registration.claim_id)
                if self.on_registered is not None:
                    self.on_registered(registration.claim_id)
        return count
