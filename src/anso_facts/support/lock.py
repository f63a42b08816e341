"""One writer at a time in a checkout: an exclusive `fcntl.flock` on `.anso-lock` in its root.

A command that writes (build, site, release, publish, seed add, fmt) holds the lock from start to end, and writes
its pid and name into the file so that a second one can say who is writing. The second waits up to WAIT_SECONDS,
then gives up with `Busy`. `recover` (swap.py), which every command runs first, only tries the lock: when a writer
holds it, the scratch folders in the root are that writer's own, and nothing is touched.

The kernel drops the lock when its holder dies, however it dies, so a stale lock file never blocks anyone. The
lock is held per process and per root: taking it again inside the holder (the build inside `anso-facts build`)
does nothing. On a system without fcntl (Windows) there is no lock."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]

LOCK = ".anso-lock"
WAIT_SECONDS = 5.0  # how long a second writer waits for the first
WAIT_VARIABLE = "ANSO_FACTS_LOCK_WAIT"  # seconds, instead of WAIT_SECONDS (tests shorten the wait)
EXIT_BUSY = 3  # the exit code of a command that gave up waiting
POLL_SECONDS = 0.05

_held: dict[Path, int] = {}  # root -> the descriptor whose lock this process holds


class Busy(Exception):
    """Another live command holds the lock."""


def _open(root: Path) -> int:
    """The lock file's descriptor, created if need be; read-only where the folder is (a lock needs no write).
    O_NOFOLLOW: a symlink put in its place is never followed."""
    path = root / LOCK
    flags = os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        return os.open(path, flags | os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        if error.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) or not path.is_file():
            raise
        return os.open(path, flags | os.O_RDONLY)


def _try(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _say_holder(descriptor: int, command: str) -> None:
    """Write `PID COMMAND` into the lock file, for a command that waits (nothing where it cannot be written)."""
    line = f"{os.getpid()} {command}\n".encode()
    try:
        os.pwrite(descriptor, line, 0)
        os.ftruncate(descriptor, len(line))
    except OSError:
        pass


def holder(descriptor: int) -> str:
    """Who holds the lock, as its holder wrote it: "pid 1234: build" ("pid unknown" if it has not yet)."""
    try:
        text = os.pread(descriptor, 200, 0).decode("utf-8", errors="replace")
    except OSError:
        text = ""
    pid, _, command = text.strip().partition(" ")
    if not pid.isdigit():
        return "pid unknown"
    return f"pid {pid}: {''.join(c for c in command if c.isprintable())[:40]}"


def _named_holder(descriptor: int) -> str:
    """holder(), given a moment: the holder writes its name just after it takes the lock."""
    for _ in range(20):
        name = holder(descriptor)
        if name != "pid unknown":
            break
        time.sleep(POLL_SECONDS)
    return name


def wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ[WAIT_VARIABLE]))
    except (KeyError, ValueError):
        return WAIT_SECONDS


@contextmanager
def writing(root: Path, command: str, wait: float | None = None) -> Iterator[None]:
    """Hold the checkout's lock while the block runs: wait up to `wait` seconds (default: wait_seconds()) for
    another writer, then raise Busy naming it. OSError if the lock file can be neither made nor opened."""
    root = root.resolve()
    if fcntl is None or root in _held:
        yield
        return
    descriptor = _open(root)
    try:
        deadline = time.monotonic() + (wait_seconds() if wait is None else wait)
        while not _try(descriptor):
            if time.monotonic() >= deadline:
                raise Busy(
                    f"another anso-facts command ({_named_holder(descriptor)}) is writing in this checkout; "
                    f"wait for it or stop it"
                )
            time.sleep(POLL_SECONDS)
        _say_holder(descriptor, command)
        _held[root] = descriptor
        try:
            yield
        finally:
            del _held[root]
            _say_holder_gone(descriptor)
    finally:
        os.close(descriptor)  # which drops the lock


def _say_holder_gone(descriptor: int) -> None:
    try:
        os.ftruncate(descriptor, 0)
    except OSError:
        pass


@contextmanager
def unless_busy(root: Path, command: str) -> Iterator[bool]:
    """Hold the lock while the block runs if no one else does (True), else run it without (False): for a step
    that must leave a live writer's work alone (`command` names it to a writer that waits meanwhile). False also
    where the lock file cannot be opened (a folder this user cannot write, where no writer of this user can
    be either)."""
    root = root.resolve()
    if fcntl is None or root in _held:
        yield True
        return
    descriptor = _open_if_can(root)
    if descriptor is None:
        yield False
        return
    try:
        if not _try(descriptor):
            yield False
            return
        _say_holder(descriptor, command)
        _held[root] = descriptor
        try:
            yield True
        finally:
            del _held[root]
            _say_holder_gone(descriptor)
    finally:
        os.close(descriptor)


def _open_if_can(root: Path) -> int | None:
    try:
        return _open(root)
    except OSError:
        return None
