"""A count of results as they come, on a terminal only: a log or CI stays quiet."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from anso_facts.support.plaintext import raw


def progress(results: Iterable, total: int, what: str) -> list:
    """The results, gathered; on a terminal, a count of them on stderr as they come (nothing otherwise)."""
    shown = total > 1 and sys.stderr.isatty()
    terminal = raw(sys.stderr)  # the count's own control characters are not escaped
    gathered = []
    for result in results:
        gathered.append(result)
        if shown:
            print(f"\r{what}: {len(gathered)}/{total}", end="", file=terminal, flush=True)
    if shown:
        print("\r\033[K", end="", file=terminal, flush=True)  # the line cleared: the count was only news
    return gathered
