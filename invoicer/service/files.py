"""Moving originals out of the inbox without ever changing or losing one.

A move is a hard link to the destination (which fails instead of overwriting) followed by
unlinking the inbox entry, so the original keeps its bytes and inode; a crash in between leaves
two names of the same file, which the retry recognises. Across file systems the file is copied
to a temporary name, synced, linked into place and only then removed from the inbox.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import shutil
from pathlib import Path

from invoicer.errors import MissingFileError

__all__ = ["archive_folder", "file_sha256", "move_original", "planned_destination"]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive_folder(archive_dir: Path, arrived: dt.datetime) -> Path:
    """``archive_dir/YYYY/MM`` of the month a file arrived in (UTC)."""
    return archive_dir / f"{arrived.year:04d}" / f"{arrived.month:02d}"


def _candidates(name: str, claim_id: int) -> list[str]:
    stem, suffix = os.path.splitext(name)
    return [name, f"{stem}.{claim_id}{suffix}"]


def planned_destination(source: Path, folder: Path, *, claim_id: int) -> Path:
    """Where :func:`move_original` will put ``source``: its name in ``folder`` if free, else with the claim id."""
    for target in (folder / n for n in _candidates(source.name, claim_id)):
        if not target.exists() or (source.exists() and os.path.samefile(source, target)):
            return target
    return folder / _candidates(source.name, claim_id)[-1]


def move_original(source: Path, folder: Path, *, sha256: str, claim_id: int) -> Path:
    """Move ``source`` into ``folder`` (keeping its name when free) and return where it is now.

    Idempotent: when an earlier attempt already moved it, the destination is found and returned.
    Raises :class:`MissingFileError` when the file is neither in the inbox nor at a destination.
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = [folder / n for n in _candidates(source.name, claim_id)]
    if not source.exists():
        for target in names:
            if target.is_file() and file_sha256(target) == sha256:
                return target
        raise MissingFileError(f"{source} disappeared from the inbox before it could be archived")
    for target in names:
        try:
            os.link(source, target)
        except FileExistsError:
            if os.path.samefile(source, target):  # linked by an earlier attempt that crashed before unlinking
                os.unlink(source)
                return target
            continue
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
                raise
            if not _copy_into_place(source, target):
                continue
        os.unlink(source)
        return target
    raise FileExistsError(f"no free name for {source.name} in {folder}")  # pragma: no cover - names include the id


def _copy_into_place(source: Path, target: Path) -> bool:
    """Copy across file systems: temporary file, fsync, then an exclusive link into place."""
    partial = target.with_name(f".{target.name}.partial")
    shutil.copy2(source, partial)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    try:
        os.link(partial, target)
    except FileExistsError:
        same = file_sha256(target) == file_sha256(partial)
        os.unlink(partial)
        return same
    os.unlink(partial)
    return True
