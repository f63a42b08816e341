"""The rules across files: unique ids, references and what they point to, dates in order, cycles. They look at
a few plain columns of every file's rows (COLUMNS_READ), and run on every check, over all the rows. A rule is a
function registered by `@rule(PROJECT_RULES, codes=...)` with the codes it emits (problems.CHECKS), and one bad
fixture in tests/fixtures/bad/ that shows them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from anso_facts.check.evidence import NAMING_COLUMNS, project_evidence
from anso_facts.check.file_rules import record_finding, ungrounded_message
from anso_facts.check.graphs import cycles, graph_of, shortest_path
from anso_facts.check.registry import Rule, rule
from anso_facts.check.rows import LOCATOR
from anso_facts.check.seedtext import parse_lines
from anso_facts.model import dates
from anso_facts.model.problems import Finding, Problem, did_you_mean
from anso_facts.model.tables import CITE_TABLE, TABLES

if TYPE_CHECKING:
    from anso_facts.check.project import Project

PROJECT_RULES: list[Rule[Project]] = []

_LATER_THAN = {  # (table, date column) -> (reference column, table and date column of the referenced record)
    ("events", "date"): ("part_of_id", "events", "date"),
    ("statistics", "as_of"): ("subject_id", "resources", "launch_date"),
}


def _columns_read() -> dict[str, tuple[str, ...]]:
    """The columns of each table the project rules read: ids, references, and the dates they compare."""
    read = {t.name: ["id", *(f.name for f in t.fields if f.kind == "ref")] for t in TABLES}
    read["records"] = ["id", "table", LOCATOR]
    read["relations"].append("relation")
    read[CITE_TABLE] = ["record_id", "position", "seed_id", "char_start", "char_end"]  # its id: record_id#position
    for table, names in NAMING_COLUMNS.items():  # what a reference is grounded by (evidence.py)
        read[table] = [*read.get(table, ()), *names]
    read["inferences"] = ["record_id", "field"]
    for (table, name), (_, other_table, other_name) in _LATER_THAN.items():
        read[table] += [name, f"{name}_precision"]
        read[other_table] += [other_name, f"{other_name}_precision"]
    return {table: tuple(dict.fromkeys(names)) for table, names in read.items()}


COLUMNS_READ = _columns_read()


@rule(PROJECT_RULES, codes=("duplicate-id", "retired-id-reused"))
def unique_ids(project: Project) -> Iterator[Finding]:
    ids = project.column("records", "id")
    if len(set(ids)) == len(ids):
        return
    first: dict[str, tuple] = {}
    for record_id, source, path in project.places():
        if record_id not in first:
            first[record_id] = (source, path)
            continue
        other_source, other_path = first[record_id]
        line, _ = other_source.position(other_path)
        if path[0] == "retired_ids":
            yield Finding(
                source,
                path + ("id",),
                "retired-id-reused",
                f"{record_id}: retired here, and still used at {other_source.name}:{line}",
            )
        elif other_path[0] == "retired_ids":
            yield Finding(
                source,
                path + ("id",),
                "retired-id-reused",
                f"{record_id}: the id was retired at {other_source.name}:{line} and cannot be used again",
            )
        else:
            yield Finding(
                source, path + ("id",), "duplicate-id", f"{record_id}: id is already used at {other_source.name}:{line}"
            )


VANISHED_SHOWN = 100  # vanished ids reported one by one per release; the rest are counted


@rule(PROJECT_RULES, codes=("vanished-id", "unreadable-release"))
def no_id_vanishes(project: Project) -> Iterator[Problem]:
    """An id once published stays: as a record, or retired (which the released package keeps too). A kept
    release that cannot be read is said, not passed over: its ids could not be held to."""
    published, unreadable = project.published
    yield from unreadable
    vanished: dict[str, list[tuple[str, int]]] = {}
    for record_id, (name, line) in published.items():
        if record_id not in project.ids:
            vanished.setdefault(name, []).append((record_id, line))
    for name, ids in vanished.items():
        version = name.split("/")[1]
        for record_id, line in ids[:VANISHED_SHOWN]:
            yield Problem(
                name,
                line,
                1,
                "vanished-id",
                f"{record_id}: published in {version}, and no longer in data/; restore it, or retire "
                f"it in data/retired.yaml (retired_ids: id, replaced_by_id or reason, version)",
            )
        if len(ids) > VANISHED_SHOWN:  # a release's ids all gone: the first say what to do, the count says the rest
            record_id, line = ids[VANISHED_SHOWN]
            yield Problem(
                name, line, 1, "vanished-id", f"{len(ids) - VANISHED_SHOWN} more ids published in {version} vanished"
            )


class Reference(NamedTuple):
    """A kind of reference, as the columns hold it."""

    table: str  # the table whose rows hold it
    column: str  # the column of the referred id
    owner: str  # the column of the referring record's id
    name: str  # in messages
    allowed: tuple[str, ...]  # the tables it may point to

    def path(self, position: int | None) -> tuple:
        """Where it stands in the referring record (`position`: a citation's, counted from 1)."""
        return (self.column,) if position is None else ("cite", position - 1, "seed")


def _references() -> Iterator[Reference]:
    """Every kind of reference: each `ref` field of the curated tables, and each citation's seed."""
    for table in TABLES:
        for f in table.fields:
            if f.kind == "ref":
                yield Reference(table.name, f.name, "id", f.name, f.to)
    yield Reference(CITE_TABLE, "seed_id", "record_id", "seed", ("seeds",))


@rule(PROJECT_RULES, codes=("dangling-reference", "wrong-kind-reference"))
def references_resolve(project: Project) -> Iterator[Finding]:
    for reference in _references():
        targets = project.ids_in(reference.allowed)
        if set(project.column(reference.table, reference.column)) <= targets | {None}:
            continue  # the common case, in one set operation
        yield from _unresolved(project, reference, targets)


def _unresolved(project: Project, reference: Reference, targets: set[str]) -> Iterator[Finding]:
    """The references of one kind whose target is not among `targets`: no record's, or one of another table."""
    owners, referred = (
        project.column(reference.table, reference.owner),
        project.column(reference.table, reference.column),
    )
    positions = project.column(CITE_TABLE, "position") if reference.table == CITE_TABLE else [None] * len(owners)
    for owner, target_id, position in zip(owners, referred, positions, strict=True):
        if target_id is None or target_id in targets:
            continue
        target_table = project.table_of(target_id)
        if target_table is None and target_id in project.ids:
            continue  # the target itself failed its schema and is reported there
        if target_table is None:
            code, message = (
                "dangling-reference",
                f"{reference.name} {target_id!r} is not the id of any record"
                f"{_suggestion(project, target_id, reference.allowed)}",
            )
        else:
            code, message = (
                "wrong-kind-reference",
                f"{reference.name} {target_id!r} is in {target_table}; expected a record in "
                f"{' or '.join(reference.allowed)}",
            )
        yield project.finding(owner, reference.path(position), code, message)


def _suggestion(project: Project, target_id: str, allowed: tuple[str, ...]) -> str:
    """The ids nearest to a dangling one (for a seed, every seed id: there are few)."""
    if allowed == ("seeds",):
        seeds = sorted(project.catalogue.seed_bytes)
        return f"; the seeds are {', '.join(seeds)}" if seeds else "; the catalogue lists no seed"
    hint = did_you_mean(target_id, project.ids)
    return f"; {hint}" if hint else ""


@rule(PROJECT_RULES, codes=("relation-kind",))
def relations_fit_their_kind(project: Project) -> Iterator[Finding]:
    rows = zip(*(project.column("relations", c) for c in ("id", "relation", "subject_id", "object_id")), strict=True)
    for record_id, relation, subject_id, object_id in rows:
        kind = project.catalogue.vocabularies.relations[relation]
        for name, target_id, allowed in (
            ("subject_id", subject_id, kind.subjects),
            ("object_id", object_id, kind.objects),
        ):
            target_table = project.table_of(target_id)
            if target_table is not None and target_table not in allowed:
                yield project.finding(
                    record_id,
                    (name,),
                    "relation-kind",
                    f"relation {relation!r} takes a {name[:-3]} in {' or '.join(allowed)}, not in {target_table}",
                )


@rule(PROJECT_RULES, codes=("dates-out-of-order",))
def dates_in_order(project: Project) -> Iterator[Finding]:
    """An event does not start before the event it is part of; a resource is not counted before its launch.
    A date is before another only if the whole period it gives ('2020': all of 2020) ends before the other's."""
    for (table, name), (ref, other_table, other_name) in _LATER_THAN.items():
        columns = (other_name, f"{other_name}_precision")
        referred = zip(*(project.column(other_table, c) for c in columns), strict=True)
        theirs_by_id = dict(reversed(list(zip(project.column(other_table, "id"), referred, strict=True))))
        rows = zip(*(project.column(table, c) for c in ("id", ref, name, f"{name}_precision")), strict=True)
        for record_id, target_id, day, precision in rows:
            theirs = dates.text(*theirs_by_id.get(target_id, (None, None)))
            mine = dates.text(day, precision)
            start = dates.first_day(theirs) if theirs else None
            if mine and start and dates.last_day(mine) < start:
                yield project.finding(
                    record_id,
                    (name,),
                    "dates-out-of-order",
                    f"{name} {mine} is before {other_name} {theirs} of {target_id}",
                )


def _hierarchy_edges(project: Project) -> Iterator[tuple[str, str, str, tuple]]:
    """Every hierarchical reference: (child, parent, record that states it, path in that record)."""
    for table in TABLES:
        for f in table.fields:
            if f.hierarchical:
                parents = zip(project.column(table.name, "id"), project.column(table.name, f.name), strict=True)
                for record_id, parent in parents:
                    if parent is not None:
                        yield record_id, parent, record_id, (f.name,)
    hierarchical = project.catalogue.vocabularies.hierarchical
    rows = zip(*(project.column("relations", c) for c in ("id", "relation", "subject_id", "object_id")), strict=True)
    for record_id, relation, subject_id, object_id in rows:
        if relation in hierarchical:
            yield subject_id, object_id, record_id, ("object_id",)


@rule(PROJECT_RULES, codes=("ancestor-cycle",))
def no_record_is_its_own_ancestor(project: Project) -> Iterator[Finding]:
    """Through parent_id, part_of_id and part-of relations, no record may reach itself."""
    edges = list(_hierarchy_edges(project))
    graph = graph_of((child, parent) for child, parent, _, _ in edges)
    cycle_of = {node: cycle for cycle in cycles(graph) for node in cycle}
    for child, parent, record_id, path in edges:
        if child in cycle_of and parent in cycle_of[child]:
            around = " -> ".join([child, *shortest_path(graph, parent, child, within=cycle_of[child])])
            yield project.finding(
                record_id, path, "ancestor-cycle", f"{path[0]} {parent!r} makes {child} its own ancestor ({around})"
            )


@rule(PROJECT_RULES, codes=("excluded-quote",))
def exclusions_hold_no_quote(project: Project) -> Iterator[Finding]:
    """A line a quote stands on carries a fact: it cannot also be excluded as carrying none."""
    excluding = {seed.id for seed in project.catalogue.table("seeds") if seed.data.get("excluded")}
    if not excluding:
        return
    stands: dict[str, list[tuple[int, int, str]]] = {}
    texts = project.catalogue.seed_texts
    columns = (project.column(CITE_TABLE, c) for c in ("record_id", "position", "seed_id", "char_start", "char_end"))
    for record_id, position, seed_id, char_start, char_end in zip(*columns, strict=True):
        if char_start is not None and seed_id in excluding and seed_id in texts:
            text = texts[seed_id]
            lines = (text.line_of(char_start), text.line_of(char_end - 1), f"{record_id}#{position}")
            stands.setdefault(seed_id, []).append(lines)
    for seed in project.catalogue.table("seeds"):
        for i, exclusion in enumerate(seed.data.get("excluded", ())):
            first, last = parse_lines(exclusion["lines"])
            quoted = sorted(
                cite_id for start, end, cite_id in stands.get(seed.id, ()) if start <= last and first <= end
            )
            if quoted:
                yield record_finding(
                    seed,
                    ("excluded", i, "lines"),
                    "excluded-quote",
                    f"excluded lines {exclusion['lines']} hold the quote of {', '.join(quoted)}: a line a "
                    f"quote stands on carries a fact, so remove the exclusion",
                )


@rule(PROJECT_RULES, codes=("ungrounded-reference",))
def references_are_grounded(project: Project) -> Iterator[Finding]:
    """A reference must be named in one of its record's quotes, unless marked inferred."""
    resolved = project.ids_in(tuple(t.name for t in TABLES))
    for value in project_evidence(project)[1]:
        if value.value in resolved:  # one that does not resolve is reported as such
            yield project.finding(value.record_id, value.path, "ungrounded-reference", ungrounded_message(value))
