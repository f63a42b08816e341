"""Which seed lines the facts cite: per seed, the non-blank lines cited by at least one record, those
excluded in the catalogue as carrying no fact, and those still uncited.

A line counts as cited only where a quote stands on it: a citation of lines 1-200 whose quote is three words
long covers the lines of those three words, not 200 lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from anso_facts.check.evidence import is_description
from anso_facts.check.seedtext import parse_lines
from anso_facts.model.tables import TABLE_BY_NAME, TABLES, Field, Table

if TYPE_CHECKING:
    from anso_facts.check.project import Project


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
        out.append(
            SeedCoverage(
                seed.id,
                len(content),
                frozenset(cited[seed.id] & content),
                frozenset(excluded[seed.id] & content),
                tuple(sorted(content - cited[seed.id] - excluded[seed.id])),
            )
        )
    return out


def report(project: Project) -> str:
    lines = []
    for seed in coverage(project):
        lines.append(
            f"{seed.seed_id}: {seed.share:.1%} of {seed.content_lines} content lines cited or excluded "
            f"({len(seed.cited)} cited, {len(seed.excluded - seed.cited)} excluded, "
            f"{len(seed.uncited)} uncited)"
        )
        text = project.catalogue.seed_texts[seed.seed_id]
        lines += [f"  uncited {n:4d} | {text.line(n)}" for n in seed.uncited]
    return "\n".join(lines)


# --- fields: how every value rests on the text (`coverage --fields`) --------------------------------------

FIELD_COLUMNS = (
    "grounded",
    "inferred",
    "described",
    "unaccounted",
    "vocabulary",
    "free text",
    "unsupported words",
    "free text unexplained",
)


def _values(table: Table, f: Field, rows: dict[str, list[dict]]) -> list[tuple[str, str, object]]:
    """(record id, field, value) of every value of a field in the built rows (a list's, each item)."""
    if f.kind == "list":
        owner, item = (g.name for g in TABLE_BY_NAME[table.list_table].fields)
        return [(row[owner], f.name, row[item]) for row in rows[table.list_table]]
    return [(row["id"], f.name, row[f.name]) for row in rows[table.name] if row[f.name] is not None]


def field_counts(table: Table, rows: dict[str, list[dict]]) -> dict[str, int]:
    """How the values of one curated table rest on the text (FIELD_COLUMNS), from the built rows."""
    grounded: set[tuple] = {(r["record_id"], r["field"]) for r in rows["evidence"]}  # and for a list, each item:
    grounded |= {(r["record_id"], r["field"], r["value"]) for r in rows["evidence"]}
    inferred = {(r["record_id"], r["field"]) for r in rows["inferences"]}
    unsupported: dict[tuple[str, str], int] = {}
    for r in rows["unsupported_words"]:
        unsupported[r["record_id"], r["field"]] = unsupported.get((r["record_id"], r["field"]), 0) + 1
    noted = {row["id"] for row in rows[table.name] if row.get("note")}
    counts = dict.fromkeys(FIELD_COLUMNS, 0)
    for f in table.fields:
        for record_id, name, value in _values(table, f, rows) if f.evidence else ():
            if f.evidence == "vocabulary":
                counts["vocabulary"] += 1
            elif f.evidence == "free-text":
                counts["free text"] += 1
                words = unsupported.get((record_id, name), 0)
                counts["unsupported words"] += words
                explained = record_id in noted or (record_id, name) in inferred
                counts["free text unexplained"] += bool(words) and not explained
            elif ((record_id, name, value) if f.kind == "list" else (record_id, name)) in grounded:
                counts["grounded"] += 1
            elif (record_id, name) in inferred or (record_id, f.name) in inferred:
                counts["inferred"] += 1
            elif f.evidence == "name" and is_description(str(value)):
                counts["described"] += 1
            else:
                counts["unaccounted"] += 1
    return counts


def fields_report(rows: dict[str, list[dict]]) -> str:
    """`coverage --fields`: per curated table, the values grounded in the words of their quotes, declared
    inferred, written as descriptions in [brackets] (names the text does not print) or unaccounted for (0 when
    the check passes); the classification values; the free-text values, their unsupported words, and those
    with such words that carry neither a note nor an inference saying why."""
    lines = ["| table | " + " | ".join(FIELD_COLUMNS) + " |", "|---" * (len(FIELD_COLUMNS) + 1) + "|"]
    total = dict.fromkeys(FIELD_COLUMNS, 0)
    for table in (t for t in TABLES if t.cited):
        counts = field_counts(table, rows)
        total = {name: total[name] + counts[name] for name in FIELD_COLUMNS}
        lines.append(f"| {table.name} | " + " | ".join(str(counts[name]) for name in FIELD_COLUMNS) + " |")
    lines.append("| **all** | " + " | ".join(f"**{total[name]}**" for name in FIELD_COLUMNS) + " |")
    return "\n".join(lines)
