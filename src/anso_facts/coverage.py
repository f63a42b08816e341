"""Which seed lines the facts cite: per seed, the non-blank lines cited by at least one record, those
excluded in the catalogue as carrying no fact, and those still uncited.

A line counts as cited only where a quote stands on it: a citation of lines 1-200 whose quote is three words
long covers the lines of those three words, not 200 lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .rules import parse_lines

if TYPE_CHECKING:
    from .project import Project


@dataclass(frozen=True)
class SeedCoverage:
    seed_id: str
    content_lines: int  # non-blank lines
    cited: frozenset[int]
    excluded: frozenset[int]
    uncited: tuple[int, ...]

    @property
    def share(self) -> float:
        return 1 - len(self.uncited) / self.content_lines if self.content_lines else 1.0


def coverage(project: Project) -> list[SeedCoverage]:
    """Coverage of a checked project without problems: every quote stands where its citation says."""
    seeds, texts = project.catalogue.records, project.catalogue.seed_texts
    cited: dict[str, set[int]] = {seed.id: set() for seed in seeds}
    excluded: dict[str, set[int]] = {seed.id: set() for seed in seeds}
    for cite in project.tables["citations"].select(["seed_id", "char_start", "char_end"]).to_pylist():
        text = texts[cite["seed_id"]]
        first, last = text.line_of(cite["char_start"]), text.line_of(cite["char_end"] - 1)
        cited[cite["seed_id"]].update(range(first, last + 1))
    for seed in seeds:
        for exclusion in seed.data.get("excluded", ()):
            first, last = parse_lines(exclusion["lines"])
            excluded[seed.id].update(range(first, last + 1))
    out = []
    for seed in seeds:
        text = texts[seed.id]
        content = {n for n in range(1, text.line_count + 1) if text.line(n).strip()}
        out.append(SeedCoverage(seed.id, len(content), frozenset(cited[seed.id] & content),
                                frozenset(excluded[seed.id] & content),
                                tuple(sorted(content - cited[seed.id] - excluded[seed.id]))))
    return out


def report(project: Project) -> str:
    lines = []
    for seed in coverage(project):
        lines.append(f"{seed.seed_id}: {seed.share:.1%} of {seed.content_lines} content lines cited or excluded "
                     f"({len(seed.cited)} cited, {len(seed.excluded - seed.cited)} excluded, "
                     f"{len(seed.uncited)} uncited)")
        text = project.catalogue.seed_texts[seed.seed_id]
        lines += [f"  uncited {n:4d} | {text.line(n)}" for n in seed.uncited]
    return "\n".join(lines)
