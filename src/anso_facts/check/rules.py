"""The checks beyond the JSON Schemas. Each rule is a small function that yields findings, each with a code
of problems.CHECKS; adding a rule is adding a function to one of two lists (and one bad fixture to the tests):

- FILE_RULES look at the records of one file and the seeds they cite: a citation, a date, a grounded value.
  Their findings depend on that file and the seeds alone, so they are cached with the file (see check.py).
- PROJECT_RULES look across files, at a few plain columns of every file's rows (COLUMNS_READ): unique ids,
  references and what they point to, dates in order, cycles. They run on every check, over all the rows."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from anso_facts.check.evidence import (
    NAMED_TABLES,
    Unfound,
    file_evidence,
    names_by_id,
    reference_evidence,
    references,
    spans_by_record,
)
from anso_facts.check.grounding import first_day, last_day
from anso_facts.check.loader import FileRecords, Record, parse_lines
from anso_facts.check.rows import LOCATOR
from anso_facts.check.seedtext import normalise_quote
from anso_facts.model.problems import Finding, Problem, did_you_mean, display_path
from anso_facts.model.tables import CITE_TABLE, TABLE_BY_NAME, TABLES
from anso_facts.support.plaintext import FORMULA_STARTS, character_name, texts, unsafe_character

if TYPE_CHECKING:
    from anso_facts.check.project import FileCheck, Project


def citations(record: Record) -> Iterator[tuple[int, dict]]:
    return enumerate(record.data.get("cite", ()))


def _finding(record: Record, subpath: tuple, code: str, message: str) -> Finding:
    return Finding(record.source, record.path + subpath, code, f"{record.id}: {message}")


def _dates(record: Record) -> Iterator[tuple[str, str]]:
    for f in TABLE_BY_NAME[record.table].fields:
        if f.kind == "date" and record.data.get(f.name) is not None:
            yield f.name, str(record.data[f.name])


def dates_exist(loaded: FileRecords) -> Iterator[Finding]:
    for record in loaded.records:
        for name, value in _dates(record):
            if first_day(value) is None:
                yield _finding(record, (name,), "impossible-date", f"{name} {value!r} is not a date that exists")


def seed_files_match_catalogue(loaded: FileRecords) -> Iterator[Finding]:
    for seed in loaded.table("seeds"):
        data = loaded.seed_bytes.get(seed.id)
        if data is None:
            yield _finding(seed, ("file",), "seed-missing", f"seeds/{seed.data['file']} does not exist")
            continue
        digest = hashlib.sha256(data).hexdigest()
        counted = loaded.seed_texts[seed.id].line_count
        if "sha256" not in seed.data or "line_count" not in seed.data:
            yield _finding(
                seed,
                (),
                "seed-unpinned",
                f"seeds/{seed.data['file']} is not pinned: add `sha256: {digest}` and `line_count: {counted}`",
            )
            continue
        if digest != seed.data["sha256"]:
            yield _finding(
                seed,
                ("sha256",),
                "seed-changed",
                f"seeds/{seed.data['file']} has sha256 {digest}, not "
                f"the pinned one: the seed changed, so every citation "
                f"of it is in doubt",
            )
        if counted != seed.data["line_count"]:
            yield _finding(
                seed,
                ("line_count",),
                "seed-line-count",
                f"seeds/{seed.data['file']} has {counted} lines, not {seed.data['line_count']}",
            )


def line_ranges(loaded: FileRecords) -> Iterator[tuple[Record, tuple, str, int, int]]:
    """Every cited or excluded line range: (record, subpath, seed id, first, last)."""
    for record in loaded.records:
        for i, cite in citations(record):
            yield (record, ("cite", i, "lines"), cite["seed"], *parse_lines(cite["lines"]))
        for i, exclusion in enumerate(record.data.get("excluded", ())):
            yield (record, ("excluded", i, "lines"), record.id, *parse_lines(exclusion["lines"]))


def line_ranges_inside_seeds(loaded: FileRecords) -> Iterator[Finding]:
    for record, subpath, seed_id, first, last in line_ranges(loaded):
        text = loaded.seed_texts.get(seed_id)
        if first > last:
            yield _finding(record, subpath, "lines-reversed", f"lines {first}-{last}: the first line is after the last")
        elif text is not None and last > text.line_count:
            yield _finding(
                record,
                subpath,
                "lines-outside-seed",
                f"lines {first}-{last}: seed {seed_id} has {text.line_count} lines",
            )


def quotes_stand_in_their_lines(loaded: FileRecords) -> Iterator[Finding]:
    for record in loaded.records:
        for i, cite in citations(record):
            text = loaded.seed_texts.get(cite["seed"])
            first, last = parse_lines(cite["lines"])
            if text is None or not first <= last <= text.line_count:
                continue  # reported by the rules above
            if text.find(cite["quote"], first, last) is None:
                yield _finding(
                    record,
                    ("cite", i, "quote"),
                    "quote-not-in-lines",
                    f"quote is not in lines {first}-{last} of {cite['seed']}; {_elsewhere(loaded, cite, first, last)}",
                )


def _elsewhere(loaded: FileRecords, cite: dict, first: int, last: int) -> str:
    places = [
        f"{seed_id} lines {m.line_start}-{m.line_end}"
        for seed_id, text in loaded.seed_texts.items()
        for m in text.find_anywhere(cite["quote"])
    ]
    if places:
        return "it stands at " + ", ".join(places)
    lines = " ".join(loaded.seed_texts[cite["seed"]].line(n) for n in range(first, last + 1))
    return (
        "it stands nowhere in the seeds (matching forgives only line breaks, white space, line-end "
        "hyphens and typographic quote marks)"
        + _closest_passage(normalise_quote(cite["quote"]), normalise_quote(lines))
    )


def _closest_passage(quote: str, lines: str) -> str:
    """The passage of the cited lines most like the quote, and the words that differ, or '' if none is close."""
    import difflib

    mine, theirs = quote.split(), lines.split()
    best, best_ratio = None, 0.6
    for size in {max(1, len(mine) + d) for d in (-1, 0, 1)}:
        for start in range(max(1, len(theirs) - size + 1)):
            window = theirs[start : start + size]
            ratio = difflib.SequenceMatcher(None, mine, window).ratio()
            if ratio > best_ratio:
                best, best_ratio = window, ratio
    if best is None:
        return ""
    differ = difflib.SequenceMatcher(None, mine, best).get_opcodes()
    changes = [
        f"{' '.join(mine[a:b]) or '(nothing)'!r} where the text has {' '.join(best[c:d]) or '(nothing)'!r}"
        for tag, a, b, c, d in differ
        if tag != "equal"
    ]
    return f"; the closest passage of those lines is {' '.join(best)!r}: the quote has {'; '.join(changes)}"


UNGROUNDED_CODE = {
    "number": "ungrounded-value",
    "date": "ungrounded-value",
    "url": "ungrounded-value",
    "name": "ungrounded-name",
    "acronym": "ungrounded-name",
    "alias": "ungrounded-name",
    "title": "ungrounded-title",
    "text": "ungrounded-text",
    "reference": "ungrounded-reference",
}


def ungrounded_message(unfound: Unfound) -> str:
    """What a curator reads of a value that none of its record's quotes states (evidence.py), and what to do."""
    where = display_path(unfound.path)
    if unfound.evidence == "reference":
        named = " or ".join(repr(words) for words in unfound.looked_for) or "no name (its own name is a description)"
        what = f"{where} {unfound.value!r} is named in none of the record's quotes (looked for {named})"
    else:
        how = " as a whole URL" if unfound.evidence == "url" else ""
        what = f"{where} {unfound.value!r} is stated in none of the record's quotes{how}"
    closest = f"; the closest words there are {unfound.closest!r}" if unfound.closest else ""
    return f"{what}{closest}: cite the words that state it, or mark it inferred with why"


def values_are_grounded(loaded: FileRecords) -> Iterator[Finding]:
    """A name, acronym, title, figure, date or URL must stand in one of the record's quotes, unless marked
    inferred (references are the project's: see references_are_grounded)."""
    unfound = file_evidence(loaded)[1]
    records = {record.id: record for record in reversed(loaded.records)} if unfound else {}
    for value in unfound:
        yield _finding(records[value.record_id], value.path, UNGROUNDED_CODE[value.evidence], ungrounded_message(value))


def inferred_fields_have_values(loaded: FileRecords) -> Iterator[Finding]:
    for record in loaded.records:
        for name in record.data.get("inferred", {}):
            if record.data.get(name) is None:
                yield _finding(
                    record, ("inferred", name), "inferred-without-value", f"{name} is marked inferred but has no value"
                )


def figures_have_values(loaded: FileRecords) -> Iterator[Finding]:
    """A statistic has a value, unless its comparator only gives an order of magnitude ('millions')."""
    for record in loaded.table("statistics"):
        comparator = record.data["comparator"]
        vague = comparator in loaded.vocabularies.valueless
        if vague and record.data.get("value") is not None:
            yield _finding(record, ("value",), "comparator-value", f"comparator {comparator!r} takes no value")
        elif not vague and record.data.get("value") is None:
            yield _finding(record, ("comparator",), "comparator-value", f"comparator {comparator!r} needs a value")


def _suspect(value, searched: bool) -> bool:
    """Whether a record's data holds a text that starts as a formula or (where `searched`) holds an unsafe
    character: a quick look at the strings, two levels deep as records are, before the slower walk that says
    where."""
    for item in value.values():
        if isinstance(item, str):
            if item[:1] in FORMULA_STARTS or (searched and unsafe_character(item)):
                return True
        elif isinstance(item, (list, dict)) and _suspect(
            item if isinstance(item, dict) else dict(enumerate(item)), searched
        ):
            return True
    return False


def text_is_plain(loaded: FileRecords) -> Iterator[Finding]:
    """No text holds a control or bidirectional character, or starts as a spreadsheet formula (plaintext.py)."""
    if not loaded.records:
        return
    # YAML can hold such a character only as itself or as an escape: a file with neither needs no search per text
    source = loaded.records[0].source.text
    searched = "\\" in source or unsafe_character(source) is not None
    for record in loaded.records:
        if not _suspect(record.data, searched):
            continue
        for path, text in texts(record.data):
            unsafe = unsafe_character(text) if searched else None
            if unsafe:
                yield _finding(
                    record,
                    path,
                    "control-character",
                    f"{display_path(path)} holds the control "
                    f"character {character_name(unsafe.group())} at character {unsafe.start() + 1}",
                )
            if text[:1] in FORMULA_STARTS:
                yield _finding(
                    record,
                    path,
                    "formula-text",
                    f"{display_path(path)} starts with {text[0]!r}, which a spreadsheet would run as a formula",
                )


FILE_RULES = (
    dates_exist,
    seed_files_match_catalogue,
    line_ranges_inside_seeds,
    quotes_stand_in_their_lines,
    values_are_grounded,
    inferred_fields_have_values,
    figures_have_values,
    text_is_plain,
)


# --- project rules: across files, over plain columns of every file's rows ------------------------------------

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
    for table in NAMED_TABLES:  # what a reference is grounded by (evidence.py)
        read[table] += [f.name for f in TABLE_BY_NAME[table].fields if f.name in ("name", "acronym")]
    read["aliases"] = ["organization_id", "alias"]
    read["inferences"] = ["record_id", "field"]
    for (table, name), (_, other_table, other_name) in _LATER_THAN.items():
        read[table] += [name, f"{name}_precision"]
        read[other_table] += [other_name, f"{other_name}_precision"]
    return {table: tuple(dict.fromkeys(names)) for table, names in read.items()}


COLUMNS_READ = _columns_read()


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


def _references() -> Iterator[tuple[str, str, str, str, tuple, Callable[[tuple], tuple]]]:
    """Every kind of reference: (table, column holding the target id, column holding the referring record's
    id, name in messages, tables it may point to, path in the record as a function of (owner, target, position))."""
    for table in TABLES:
        for f in table.fields:
            if f.kind == "ref":
                yield table.name, f.name, "id", f.name, f.to, _field_path(f.name)
    yield CITE_TABLE, "seed_id", "record_id", "seed", ("seeds",), _citation_path


def _field_path(name: str) -> Callable[[tuple], tuple]:
    return lambda row: (name,)


def _citation_path(row: tuple) -> tuple:
    return "cite", row[2] - 1, "seed"  # row: (record id, seed id, position)


def references_resolve(project: Project) -> Iterator[Finding]:
    for table, column, owner, name, allowed, subpath in _references():
        targets = project.ids_in(allowed)
        if set(project.column(table, column)) <= targets | {None}:
            continue  # the common case, in one set operation
        positions = project.column(table, "position") if table == CITE_TABLE else project.column(table, "id")
        for row in zip(project.column(table, owner), project.column(table, column), positions, strict=True):
            target_id = row[1]
            if target_id is None or target_id in targets:
                continue
            target_table = project.table_of(target_id)
            if target_table is None and target_id in project.ids:
                continue  # the target itself failed its schema and is reported there
            if target_table is None:
                code, message = (
                    "dangling-reference",
                    f"{name} {target_id!r} is not the id of any record{_suggestion(project, target_id, allowed)}",
                )
            else:
                code, message = (
                    "wrong-kind-reference",
                    f"{name} {target_id!r} is in {target_table}; expected a record in {' or '.join(allowed)}",
                )
            yield project.finding(row[0], subpath(row), code, message)


def _suggestion(project: Project, target_id: str, allowed: tuple[str, ...]) -> str:
    """The ids nearest to a dangling one (for a seed, every seed id: there are few)."""
    if allowed == ("seeds",):
        seeds = sorted(project.catalogue.seed_bytes)
        return f"; the seeds are {', '.join(seeds)}" if seeds else "; the catalogue lists no seed"
    hint = did_you_mean(target_id, project.ids)
    return f"; {hint}" if hint else ""


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


def dates_in_order(project: Project) -> Iterator[Finding]:
    """An event does not start before the event it is part of; a resource is not counted before its launch.
    A date is before another only if the whole period it gives ('2020': all of 2020) ends before the other's."""
    for (table, name), (ref, other_table, other_name) in _LATER_THAN.items():
        columns = (other_name, f"{other_name}_precision")
        dates = zip(*(project.column(other_table, c) for c in columns), strict=True)
        theirs_by_id = dict(reversed(list(zip(project.column(other_table, "id"), dates, strict=True))))
        rows = zip(*(project.column(table, c) for c in ("id", ref, name, f"{name}_precision")), strict=True)
        for record_id, target_id, day, precision in rows:
            theirs = date_text(*theirs_by_id.get(target_id, (None, None)))
            mine = date_text(day, precision)
            start = first_day(theirs) if theirs else None
            if mine and start and last_day(mine) < start:
                yield project.finding(
                    record_id,
                    (name,),
                    "dates-out-of-order",
                    f"{name} {mine} is before {other_name} {theirs} of {target_id}",
                )


def date_text(first: str | None, precision: str | None) -> str | None:
    """The date as curated, from its compiled columns (the first day as ISO text, see rows.select):
    ('2020-07-01', 'month') -> '2020-07'."""
    if first is None or precision is None:
        return None
    return first[: {"year": 4, "month": 7, "day": 10}[precision]]


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


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """The sets of nodes that reach one another (Tarjan's strongly connected components, iteratively), of
    more than one node or with an edge to itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(edges.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    found.append(component)
    return found


def no_record_is_its_own_ancestor(project: Project) -> Iterator[Finding]:
    """Through parent_id, part_of_id and part-of relations, no record may reach itself."""
    edges = list(_hierarchy_edges(project))
    graph: dict[str, set[str]] = {}
    for child, parent, _, _ in edges:
        graph.setdefault(child, set()).add(parent)
    cycle_of = {node: cycle for cycle in _cycles(graph) for node in cycle}
    for child, parent, record_id, path in edges:
        if child in cycle_of and parent in cycle_of[child]:
            around = " -> ".join([child, *_path_within(graph, cycle_of[child], parent, child)])
            yield project.finding(
                record_id, path, "ancestor-cycle", f"{path[0]} {parent!r} makes {child} its own ancestor ({around})"
            )


def _path_within(graph: dict[str, set[str]], nodes: set[str], start: str, end: str) -> list[str]:
    """The shortest path from start to end through `nodes` (breadth first), both ends included."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    for visited in queue:
        if visited == end:
            break
        for following in sorted(graph.get(visited, ())):
            if following in nodes and following not in came_from:
                came_from[following] = visited
                queue.append(following)
    path: list[str] = []
    node: str | None = end
    while node is not None:
        path.append(node)
        node = came_from[node]
    return path[::-1]


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
                yield _finding(
                    seed,
                    ("excluded", i, "lines"),
                    "excluded-quote",
                    f"excluded lines {exclusion['lines']} hold the quote of {', '.join(quoted)}: a line a "
                    f"quote stands on carries a fact, so remove the exclusion",
                )


def no_id_vanishes(project: Project) -> Iterator[Problem]:
    """An id once published stays: as a record, or retired (which the released package keeps too)."""
    for record_id, (name, line) in project.published_ids.items():
        if record_id not in project.ids:
            version = name.split("/")[1]
            yield Problem(
                name,
                line,
                1,
                "vanished-id",
                f"{record_id}: published in {version}, and no longer in data/; restore it, or retire "
                f"it in data/retired.yaml (retired_ids: id, replaced_by_id or reason, version)",
            )


def project_evidence(project: Project) -> tuple[list[dict], list[Unfound]]:
    """The evidence of every reference, and the references none of their record's quotes names (evidence.py);
    made once, for the rule below and for the evidence rows the build writes."""
    if "evidence" not in project.memo:
        named = {
            table: {name: project.column(table, name) for name in COLUMNS_READ[table]}
            for table in (*NAMED_TABLES, "aliases")
        }
        names = names_by_id(named)
        rows: list[dict] = []
        unfound: list[Unfound] = []
        for result in project.files:
            found_rows, found_unfound = _file_reference_evidence(project, result, names)
            rows += found_rows
            unfound += found_unfound
        project.memo["evidence"] = rows, unfound
    return project.memo["evidence"]


def _file_reference_evidence(
    project: Project, result: FileCheck, names: dict[str, list[tuple[str, str]]]
) -> tuple[list[dict], list[Unfound]]:
    """The evidence of one file's references; kept in the cache under the file's references, citations and the
    names of the records they refer to, so that after an edit only the files it touches are searched again."""
    refs = list(references(result.columns))
    if not refs:
        return [], []
    targets = sorted({target for _, _, target in refs})
    cache = project.cache
    key = (
        cache.key(
            f"references of {result.name}",
            pickle.dumps((refs, result.columns[CITE_TABLE], [(target, names.get(target, [])) for target in targets])),
        )
        if cache
        else None
    )
    entry = cache.get(key) if cache and key else None
    if isinstance(entry, tuple):
        return entry
    found = reference_evidence(refs, names, spans_by_record(result.columns, project.catalogue.seed_texts))
    if cache and key:
        cache.put(key, found)
    return found


def references_are_grounded(project: Project) -> Iterator[Finding]:
    """A reference must be named in one of its record's quotes, unless marked inferred."""
    resolved = project.ids_in(tuple(t.name for t in TABLES))
    for value in project_evidence(project)[1]:
        if value.value in resolved:  # one that does not resolve is reported as such
            yield project.finding(value.record_id, value.path, "ungrounded-reference", ungrounded_message(value))


PROJECT_RULES = (
    unique_ids,
    no_id_vanishes,
    references_resolve,
    relations_fit_their_kind,
    dates_in_order,
    no_record_is_its_own_ancestor,
    exclusions_hold_no_quote,
    references_are_grounded,
)
