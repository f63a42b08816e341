"""Which seed lines the facts cite: per seed, the non-blank lines cited by at least one record, those
excluded in the catalogue as carrying no fact, and those still uncited.

A line counts as cited only where a quote stands on it: a citation of lines 1-200 whose quote is three words
long covers the lines of those three words, not 200 lines."""

from __future__ import annotations

from dataclasses import dataclass

from .facts import Facts
from .rules import citations, parse_lines


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


def coverage(facts: Facts) -> list[SeedCoverage]:
    cited: dict[str, set[int]] = {seed.id: set() for seed in facts.table("seeds")}
    excluded: dict[str, set[int]] = {seed.id: set() for seed in facts.table("seeds")}
    for record in facts.records:
        for _, cite in citations(record):
            match = facts.seed_texts[cite["seed"]].find(cite["quote"], *parse_lines(cite["lines"]))
            if match is not None:  # a quote that does not stand is a check problem, and covers nothing
                cited[cite["seed"]].update(range(match.line_start, match.line_end + 1))
        for exclusion in record.data.get("excluded", ()):
            first, last = parse_lines(exclusion["lines"])
            excluded[record.id].update(range(first, last + 1))
    out = []
    for seed in facts.table("seeds"):
        text = facts.seed_texts[seed.id]
        content = {n for n in range(1, text.line_count + 1) if text.line(n).strip()}
        out.append(SeedCoverage(seed.id, len(content), frozenset(cited[seed.id] & content),
                                frozenset(excluded[seed.id] & content),
                                tuple(sorted(content - cited[seed.id] - excluded[seed.id]))))
    return out


def report(facts: Facts) -> str:
    lines = []
    for seed in coverage(facts):
        lines.append(f"{seed.seed_id}: {seed.share:.1%} of {seed.content_lines} content lines cited or excluded "
                     f"({len(seed.cited)} cited, {len(seed.excluded - seed.cited)} excluded, "
                     f"{len(seed.uncited)} uncited)")
        text = facts.seed_texts[seed.seed_id]
        lines += [f"  uncited {n:4d} | {text.line(n)}" for n in seed.uncited]
    return "\n".join(lines)
