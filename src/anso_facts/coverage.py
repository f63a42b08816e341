"""Which seed lines the facts cite: per seed, the non-blank lines cited by at least one record, those
excluded in the catalogue as carrying no fact, and those still uncited.

A line counts as cited only where a quote stands on it: a citation of lines 1-200 whose quote is three words
long covers the lines of those three words, not 200 lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .loader import parse_lines
from .model import ALL_TABLES

if TYPE_CHECKING:
    from .checked import Project


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
    columns = (project.column("citations", c) for c in ("seed_id", "char_start", "char_end"))
    for seed_id, start, end in zip(*columns, strict=True):
        text = texts[seed_id]
        cited[seed_id].update(range(text.line_of(start), text.line_of(end - 1) + 1))
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


FIGURES_START = "<!-- figures: written by `anso-facts build` from the data; do not edit by hand -->"
FIGURES_END = "<!-- /figures -->"


def figures(project: Project) -> str:
    """The README's figures: per seed, its coverage and the records and citations citing it; rows per table."""
    cites = list(zip(project.column("citations", "seed_id"), project.column("citations", "record_id"), strict=True))
    titles = {seed.id: f"`{seed.data['file']}`: {seed.data['title']}" for seed in project.catalogue.records}
    lines = ["| seed | document | content lines | cited | excluded | uncited | records citing it | citations |",
             "|---|---|---|---|---|---|---|---|"]
    for seed in coverage(project):
        of_seed = [record_id for seed_id, record_id in cites if seed_id == seed.seed_id]
        lines.append(f"| `{seed.seed_id}` | {titles[seed.seed_id]} | {seed.content_lines} | {len(seed.cited)} | "
                     f"{len(seed.excluded - seed.cited)} | {len(seed.uncited)} | {len(set(of_seed))} | "
                     f"{len(of_seed)} |")
    lines += ["", "Every content line (a line that is not blank) of every seed is cited by some fact or excluded in",
              "`seeds/seeds.yaml` with the reason (headings, a salutation). A line counts as cited only where a "
              "quote stands on", "it, not merely inside a cited range. A record can cite several seeds.", "",
              "| table | rows | | table | rows |", "|---|---|---|---|---|"]
    rows = [(table.name, project.row_count(table.name)) for table in ALL_TABLES]
    half = (len(rows) + 1) // 2
    for (left, left_rows), right in zip(rows[:half], rows[half:] + [("", 0)], strict=False):
        right_cells = f"`{right[0]}` | {right[1]}" if right[0] else " | "
        lines.append(f"| `{left}` | {left_rows} | | {right_cells} |")
    return "\n".join([FIGURES_START, *lines, FIGURES_END])


def with_figures(readme: str, project: Project) -> str | None:
    """The README with its figures replaced by the current ones; None if it has no place for them."""
    start, end = readme.find(FIGURES_START), readme.find(FIGURES_END)
    if start < 0 or end < start:
        return None
    return readme[:start] + figures(project) + readme[end + len(FIGURES_END):]
