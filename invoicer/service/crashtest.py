"""Driving ``invoicer watch`` as a real process and killing it (``kill -9``): used by tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["children", "kill9", "start_watch", "wait_until"]


def start_watch(inbox: Path, env: Mapping[str, str], *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    """``invoicer watch INBOX ARGS`` in its own process group."""
    out = log.open("ab") if log is not None else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "invoicer", "watch", str(inbox), "--quiet", *args],
        env={**os.environ, **env},
        stdout=out,
        stderr=out,
        start_new_session=True,
    )


def children(pid: int) -> list[int]:
    """Worker processes started by ``pid`` (multiprocessing's resource tracker left out)."""
    found = []
    try:
        listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    for child in map(int, listed):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in cmdline:
            found.append(child)
    return found


def kill9(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def wait_until(check: Callable[[], bool], timeout_s: float, every_s: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every_s)
    return check()
