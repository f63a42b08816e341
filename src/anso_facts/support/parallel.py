"""Work spread over one forked process per core or one thread per core, and the garbage collector paused while
millions of small objects are made. Measured in docs/performance.md: "Per file, in parallel, cached" (the
processes) and "the garbage collector paused"; the tables are written in threads, as Arrow releases the GIL
("How a build runs", step 5)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading makes millions of small objects and no cycles: the garbage collector would only slow it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def keep_for_good() -> None:
    """What exists now lives as long as the command: later collections need not walk it."""
    gc.freeze()


def cores() -> int:
    return os.cpu_count() or 1


def processes() -> int:
    """How many processes in_processes can spread work over: one per core, or one where there is no fork."""
    return cores() if _can_fork() else 1


def in_processes(work: Callable[[Any, Item], Result], state: Any, items: list[Item], workers: int) -> Iterator[Result]:
    """`work(state, item)` for each item, results in order, over `workers` forked processes that each receive
    `state` once (and may keep what they make of it); in this process where one worker is asked for or no fork
    is to be had. An error in a worker is raised here."""
    workers = min(workers, len(items))
    if workers <= 1 or not _can_fork():  # in that order: a check with one file to check must start fast
        yield from (work(state, item) for item in items)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers, initializer=_receive, initargs=(work, state)) as pool:
        yield from pool.imap(_run, items, chunksize=1)


def in_threads(work: Callable[[Item], Result], items: list[Item]) -> list[Result]:
    """`work(item)` for each item, results in order, over one thread per core: for work that does not hold the
    GIL (Arrow sorts, compresses and writes without it). An error in a thread is raised here."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(cores()) as pool:
        return list(pool.map(work, items))


def _can_fork() -> bool:
    import multiprocessing  # here, not above: multiprocessing takes 5 ms to import

    return "fork" in multiprocessing.get_all_start_methods()


_WORKER: dict[str, Any] = {}  # in a worker: the work and its state


def _receive(work: Callable, state: Any) -> None:
    _WORKER.update(work=work, state=state)
    gc.disable()  # as in the parent: what a worker makes lives until it ends


def _run(item: Any) -> Any:
    return _WORKER["work"](_WORKER["state"], item)
