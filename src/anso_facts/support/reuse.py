"""Files a build wrote before, used again as they are when it would write the same bytes: linked (or copied)
into the new output instead of being made again. Measured in docs/performance.md (the rebuild after one edit)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

Status = list[int]  # as JSON keeps it in the cache (cache.WRITTEN)


def file_status(path: Path) -> Status | None:
    """What changes whenever a file's bytes do: its inode, size, and times of change (the kernel sets the
    ctime on every change to a file, and only the kernel does); None if it is missing."""
    try:
        status = path.stat()
    except OSError:
        return None
    return [status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def statuses(files: dict[str, Path]) -> dict[str, Status | None]:
    """Each file's status, by its name in `files`: what `reusable` compares with later."""
    return {name: file_status(path) for name, path in files.items()}


def reusable(digest: str | None, last: dict, files: dict[str, Path]) -> bool:
    """Whether what the last build wrote (`last`: its digest and `statuses`) is what this build would write:
    the same digest (the same inputs under the same code), and each of `files` still as that build left it."""
    status = last.get("status", {})
    return (
        digest is not None
        and last.get("digest") == digest
        and all(status.get(name) and file_status(path) == status[name] for name, path in files.items())
    )


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)
