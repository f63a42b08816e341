"""Cross-record checks. Each rule is a small function over the loaded facts that yields findings; adding a
rule is adding a function to RULES (and one bad fixture to the tests)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

from .facts import Facts, Record, load
from .grounding import date_parts, dates_in, numbers_in
from .problems import Finding, Problem
from .seedtext import normalise_quote
from .model import RELATIONS, TABLE_BY_NAME, VAGUE_COMPARATORS


def parse_lines(value) -> tuple[int, int]:
    """`12` or `'12-14'` -> (12, 14)."""
    first, _, last = str(value).partition("-")
    return int(first), int(last or first)


def citations(record: Record) -> Iterator[tuple[int, dict]]:
    return enumerate(record.data.get("cite", ()))


def _finding(record: Record, subpath: tuple, message: str) -> Finding:
    return Finding(record.source, record.path + subpath, f"{record.id}: {message}")


def unique_ids(facts: Facts) -> Iterator[Finding]:
    first: dict[str, Record] = {}
    for record in facts.records:
        if record.id in first:
            other = first[record.id]
            line, _ = other.source.position(other.path)
            yield _finding(record, ("id",), f"id is already used at {other.source.name}:{line}")
        else:
            first[record.id] = record


def references_resolve(facts: Facts) -> Iterator[Finding]:
    for record in facts.records:
        targets = [(f.name, (f.name,), f.to) for f in TABLE_BY_NAME[record.table].fields if f.kind == "ref"]
        targets += [("seed", ("cite", i, "seed"), ("seeds",)) for i, _ in citations(record)]
        for name, subpath, allowed in targets:
            target_id = _get(record.data, subpath[:-1]).get(subpath[-1])
            if target_id is None or (target_id in facts.ids and target_id not in facts.by_id):
                continue  # empty, or the target itself failed its schema and is reported there
            target = facts.by_id.get(target_id)
            if target is None:
                yield _finding(record, subpath, f"{name} {target_id!r} is not the id of any record")
            elif target.table not in allowed:
                yield _finding(record, subpath, f"{name} {target_id!r} is in {target.table}; "
                                                f"expected a record in {' or '.join(allowed)}")


def _get(data: dict, path: tuple):
    for part in path:
        data = data[part]
    return data


def relations_fit_their_kind(facts: Facts) -> Iterator[Finding]:
    for record in facts.table("relations"):
        subjects, objects, _ = RELATIONS[record.data["relation"]]
        for name, allowed in (("subject_id", subjects), ("object_id", objects)):
            target = facts.by_id.get(record.data[name])
            if target is not None and target.table not in allowed:
                yield _finding(record, (name,), f"relation {record.data['relation']!r} takes a {name[:-3]} in "
                                                f"{' or '.join(allowed)}, not in {target.table}")


def _dates(record: Record) -> Iterator[tuple[str, str]]:
    for f in TABLE_BY_NAME[record.table].fields:
        if f.kind == "date" and record.data.get(f.name) is not None:
            yield f.name, str(record.data[f.name])


def first_day(value: str) -> dt.date | None:
    """'2020-07' -> 2020-07-01; None if no such day exists."""
    year, month, day = date_parts(value)
    try:
        return dt.date(year, month or 1, day or 1)
    except ValueError:
        return None


def last_day(value: str) -> dt.date:
    """'2020' -> 2020-12-31, '2020-02' -> 2020-02-29: the end of the period a date of that precision covers."""
    year, month, day = date_parts(value)
    if day is not None:
        return dt.date(year, month, day)
    if month is None:
        return dt.date(year, 12, 31)
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def dates_exist(facts: Facts) -> Iterator[Finding]:
    for record in facts.records:
        for name, value in _dates(record):
            if first_day(value) is None:
                yield _finding(record, (name,), f"{name} {value!r} is not a date that exists")


_LATER_THAN = {  # (table, date field) -> (reference field, date field of the referenced record)
    ("events", "date"): ("part_of_id", "date"),
    ("statistics", "as_of"): ("subject_id", "launch_date"),
}


def dates_in_order(facts: Facts) -> Iterator[Finding]:
    """An event does not start before the event it is part of; a resource is not counted before its launch.
    A date is before another only if the whole period it gives ('2020': all of 2020) ends before the other's."""
    for (table, name), (ref, other_name) in _LATER_THAN.items():
        for record in facts.table(table):
            other = facts.by_id.get(record.data.get(ref))
            if other is None or record.data.get(name) is None or other.data.get(other_name) is None:
                continue
            mine, theirs = str(record.data[name]), str(other.data[other_name])
            if first_day(mine) and first_day(theirs) and last_day(mine) < first_day(theirs):
                yield _finding(record, (name,), f"{name} {record.data[name]} is before {other_name} "
                                                f"{other.data[other_name]} of {other.id}")


def seed_files_match_catalogue(facts: Facts) -> Iterator[Finding]:
    for seed in facts.table("seeds"):
        data = facts.seed_bytes.get(seed.id)
        if data is None:
            yield _finding(seed, ("file",), f"seeds/{seed.data['file']} does not exist")
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != seed.data["sha256"]:
            yield _finding(seed, ("sha256",), f"seeds/{seed.data['file']} has sha256 {digest}, not the pinned "
                                              f"one: the seed changed, so every citation of it is in doubt")
        counted = facts.seed_texts[seed.id].line_count
        if counted != seed.data["line_count"]:
            yield _finding(seed, ("line_count",), f"seeds/{seed.data['file']} has {counted} lines, "
                                                  f"not {seed.data['line_count']}")


def line_ranges(facts: Facts) -> Iterator[tuple[Record, tuple, str, int, int]]:
    """Every cited or excluded line range: (record, subpath, seed id, first, last)."""
    for record in facts.records:
        for i, cite in citations(record):
            yield (record, ("cite", i, "lines"), cite["seed"], *parse_lines(cite["lines"]))
        for i, exclusion in enumerate(record.data.get("excluded", ())):
            yield (record, ("excluded", i, "lines"), record.id, *parse_lines(exclusion["lines"]))


def line_ranges_inside_seeds(facts: Facts) -> Iterator[Finding]:
    for record, subpath, seed_id, first, last in line_ranges(facts):
        text = facts.seed_texts.get(seed_id)
        if first > last:
            yield _finding(record, subpath, f"lines {first}-{last}: the first line is after the last")
        elif text is not None and last > text.line_count:
            yield _finding(record, subpath, f"lines {first}-{last}: seed {seed_id} has {text.line_count} lines")


def quotes_stand_in_their_lines(facts: Facts) -> Iterator[Finding]:
    for record in facts.records:
        for i, cite in citations(record):
            text = facts.seed_texts.get(cite["seed"])
            first, last = parse_lines(cite["lines"])
            if text is None or not first <= last <= text.line_count:
                continue  # reported by the rules above
            if text.find(cite["quote"], first, last) is None:
                yield _finding(record, ("cite", i, "quote"),
                               f"quote is not in lines {first}-{last} of {cite['seed']}; {_elsewhere(facts, cite)}")


def _elsewhere(facts: Facts, cite: dict) -> str:
    places = [f"{seed_id} lines {m.line_start}-{m.line_end}"
              for seed_id, text in facts.seed_texts.items() for m in text.find_anywhere(cite["quote"])]
    if places:
        return "it stands at " + ", ".join(places)
    return "it stands nowhere in the seeds (matching forgives only line breaks, white space, line-end " \
           "hyphens and typographic quote marks)"


def values_are_grounded(facts: Facts) -> Iterator[Finding]:
    """A number, date or URL must be stated in one of the record's quotes, unless marked inferred."""
    for record in facts.records:
        inferred = record.data.get("inferred", {})
        quotes = [normalise_quote(c["quote"]) for _, c in citations(record)]
        for f in TABLE_BY_NAME[record.table].fields:
            value = record.data.get(f.name)
            if not f.grounded or value is None or f.name in inferred:
                continue
            if f.kind == "url":
                stated = any(value in q for q in quotes)
            elif f.kind == "date":
                stated = any(date_parts(str(value)) in dates_in(q) for q in quotes)
            else:
                stated = any(value in numbers_in(q) for q in quotes)
            if not stated:
                yield _finding(record, (f.name,), f"{f.name} {value!r} is stated in none of the record's quotes: "
                                                  f"cite the words that state it, or mark it inferred with why")


def inferred_fields_have_values(facts: Facts) -> Iterator[Finding]:
    for record in facts.records:
        for name in record.data.get("inferred", {}):
            if record.data.get(name) is None:
                yield _finding(record, ("inferred", name), f"{name} is marked inferred but has no value")


def figures_have_values(facts: Facts) -> Iterator[Finding]:
    """A statistic has a value, unless its comparator only gives an order of magnitude ('millions')."""
    for record in facts.table("statistics"):
        vague = record.data["comparator"] in VAGUE_COMPARATORS
        if vague and record.data.get("value") is not None:
            yield _finding(record, ("value",), f"comparator {record.data['comparator']!r} takes no value")
        elif not vague and record.data.get("value") is None:
            yield _finding(record, ("comparator",), f"comparator {record.data['comparator']!r} needs a value")


RULES = (
    unique_ids, references_resolve, relations_fit_their_kind, dates_exist, dates_in_order,
    seed_files_match_catalogue, line_ranges_inside_seeds, quotes_stand_in_their_lines, values_are_grounded,
    inferred_fields_have_values, figures_have_values,
)


def check(root: Path) -> tuple[Facts, list[Problem]]:
    """Load and check everything under `root`: every problem, placed and sorted, none raised."""
    facts, problems = load(root)
    for rule in RULES:
        problems.extend(finding.place() for finding in rule(facts))
    return facts, sorted(set(problems))
