"""Files written whole or not at all: every file the package writes in place goes through here, and so does
every folder it writes whole (the site, a kept release).

A new file is made beside the target (never an existing file, nor a link written through), filled, then renamed
over the target, so that a reader sees the old file or the new one, never half of it; if anything fails, the new
file is removed and the target is left as it was. A folder is filled beside its target, then put in its place
by swap_folder. (The build's outputs, several files and folders at once, are swapped with a journal:
build/swap.py.)
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# open()'s flags for a new file: never an existing file, nor through a link (even one to nowhere)
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
SCRATCH_SUFFIX = ".partial"  # a file being written, to be renamed into place (never read, never an entry)


def scratch_beside(target: Path) -> Path:
    """A name beside `target` that no other writer, this process's or another's, will choose."""
    return target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}{SCRATCH_SUFFIX}")


@contextmanager
def replaced(target: Path) -> Iterator[Path]:
    """A new, empty path beside `target` to write (e.g. by SQLite); renamed over `target` when the block ends,
    removed if it fails."""
    scratch = scratch_beside(target)
    try:
        yield scratch
        os.replace(scratch, target)
    except BaseException:  # an interrupt too: no scratch file is left behind
        scratch.unlink(missing_ok=True)
        raise


@contextmanager
def written_whole(target: Path) -> Iterator[BinaryIO]:
    """A binary stream to write `target` through, whole or not at all (mode 0o666 less the umask, as open())."""
    with replaced(target) as scratch:
        descriptor = os.open(scratch, NEW_FILE, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            yield stream


def write_whole(target: Path, data: bytes | str) -> None:
    """`data` (text as UTF-8) into `target`, whole or not at all."""
    with written_whole(target) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)


def swap_folder(new: Path, target: Path, aside: Path, ours: Callable[[Path], bool] = Path.is_dir) -> None:
    """Put the folder `new` where the folder `target` is, in two renames (`target` to `aside`, which must not
    exist, then `new` to `target`), and delete what was moved aside if it is `ours` (asked again once moved: what
    another process put there meanwhile is left): at no moment is either folder half there, and if the second
    rename fails, the first is undone."""
    if not (target.exists() or target.is_symlink()):
        new.rename(target)
        return
    target.rename(aside)
    try:
        new.rename(target)
    except OSError:
        aside.rename(target)
        raise
    if ours(aside) and not aside.is_symlink():
        shutil.rmtree(aside)
