"""Problems, compiler style: every check adds to one list; the run reports them all, sorted, and exits once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import yamlsafe


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


@dataclass
class Source:
    """A YAML file as read: its name relative to the project root, and its text."""

    name: str
    text: str
    _marks: dict | None = field(default=None, repr=False)

    def position(self, path: tuple) -> tuple[int, int]:
        """Line and column of the value at `path`, or of the nearest value that encloses it. The text is
        parsed again for positions on first use only: the fast path keeps none, since errors are rare."""
        if self._marks is None:
            self._marks = yamlsafe.marks(self.text)
        while path and path not in self._marks:
            path = path[:-1]
        return self._marks.get(path, (1, 1))


@dataclass(frozen=True)
class Finding:
    """A problem not yet placed: the file and the path of the offending value within it."""

    source: Source
    path: tuple
    message: str

    def place(self) -> Problem:
        line, column = self.source.position(self.path)
        return Problem(self.source.name, line, column, self.message)


def did_you_mean(name: str, candidates, most: int = 3) -> str:
    """'did you mean a or b?' with the candidates nearest to a name that matches none, or ''."""
    import difflib
    near = difflib.get_close_matches(name, sorted(candidates), n=most, cutoff=0.6)
    return f"did you mean {' or '.join(near)}?" if near else ""


def display_path(path: tuple) -> str:
    """('organizations', 2, 'cite', 0, 'quote') -> organizations[2].cite[0].quote"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def relative_name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
