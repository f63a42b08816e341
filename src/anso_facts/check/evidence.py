"""Evidence: for every value a record must ground (model.tables.EVIDENCE), the words of its quotes that state it, as
offsets in the seed; or, if no quote states it, what was looked for.

A value that stands on its own (a name, an acronym, a title, a figure, a date, a URL) is looked for in the
record's own citations, one file at a time (`file_evidence`). A reference is grounded where the referred
record's name, acronym or an alias, or for a person the surname, stands in one of the referring record's
quotes; the referred record may be curated in another file, so references are looked for across the project
(`project_evidence`). Each citation is searched in its seed between the offsets its quote was found at, with
the quote-matching rules (seedtext.py); a value is matched as whole words."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from anso_facts.check.grounding import date_spans, number_spans, urls_in
from anso_facts.check.loader import FileRecords, Record
from anso_facts.check.seedtext import SeedText, closest_words
from anso_facts.model import dates
from anso_facts.model.tables import CITE_TABLE, GROUNDED, TABLE_BY_NAME, TABLES
from anso_facts.support.cache import Cache, kept

EVIDENCE_TABLE = "evidence"
STATED = tuple(kind for kind in GROUNDED if kind != "reference")  # what stands in the quotes itself
NAMED_TABLES = ("organizations", "people", "events", "resources", "agreements")  # what a reference is matched by
NAMING_COLUMNS = {  # the columns of the project's rows that a reference is grounded by (names_by_id)
    **{
        table: ("id", *(f.name for f in TABLE_BY_NAME[table].fields if f.name in ("name", "acronym")))
        for table in NAMED_TABLES
    },
    "aliases": ("organization_id", "alias"),
}


@dataclass(frozen=True)
class Span:
    """A citation, as evidence is looked for in it: where its quote stands in its seed."""

    citation_id: str
    text: SeedText
    start: int
    end: int


@dataclass(frozen=True)
class Unfound:
    """A value no quote of its record states: the field (with the path to the value within the record), the
    value, its kind of evidence, and the words that were looked for."""

    record_id: str
    path: tuple
    value: object
    evidence: str
    looked_for: tuple[str, ...]
    closest: str = ""

    @property
    def field(self) -> str:
        return self.path[0]


def is_description(name: str) -> bool:
    """A name in [square brackets] describes what the text does not name."""
    return name.startswith("[") and name.endswith("]")


def _row(record_id: str, field: str, value: object, span: Span, found: tuple[int, int], match: str) -> dict:
    return {
        "record_id": record_id,
        "field": field,
        "value": str(value),
        "citation_id": span.citation_id,
        "char_start": found[0],
        "char_end": found[1],
        "match": match,
    }


# --- values that stand on their own, one file at a time ------------------------------------------------------


def record_spans(record: Record, loaded: FileRecords) -> list[Span]:
    """The record's citations whose quotes stand where they say."""
    spans = []
    for position, cite in enumerate(record.data.get("cite", ()), 1):
        match = loaded.seed_texts.locate(cite)
        if match:
            text = loaded.seed_texts[cite["seed"]]
            spans.append(Span(f"{record.id}#{position}", text, match.char_start, match.char_end))
    return spans


def stated_values(record: Record) -> Iterator[tuple[tuple, str, object]]:
    """(path, kind of evidence, value) of every value of the record that must stand in its quotes itself."""
    table = TABLE_BY_NAME[record.table]
    inferred = record.data.get("inferred", {})
    for f in table.fields:
        value = record.data.get(f.name)
        if f.evidence not in STATED or value is None or f.name in inferred:
            continue
        if f.kind == "list":
            yield from (((f.name, i), f.evidence, item) for i, item in enumerate(value))
        elif not (f.evidence == "name" and is_description(value)):
            yield (f.name,), f.evidence, value


def find_stated(kind: str, value, span: Span) -> tuple[int, int] | None:
    """Where a value of this kind of evidence stands in a citation, as offsets in its seed, or None."""
    if kind in ("number", "date"):
        normal, offsets = span.text.normalised(span.start, span.end)
        if kind == "number":
            found = [(a, b) for number, a, b in number_spans(normal) if number == value]
        elif str(dates.parse(str(value))[0]) not in normal:  # every date a value can be stated by prints its year
            found = []
        else:
            found = [(a, b) for date, a, b in date_spans(normal) if date == dates.parse(str(value))]
        return offsets(*min(found)) if found else None
    if kind == "url":
        normal, _ = span.text.normalised(span.start, span.end)
        if value not in urls_in(normal) | urls_in(span.text.text[span.start : span.end]):
            return None
        match = next(span.text.matches(value, span.start, span.end), None)
        return (match.char_start, match.char_end) if match else (span.start, span.end)
    return span.text.words_at(str(value), span.start, span.end)


def file_evidence(loaded: FileRecords) -> tuple[list[dict], list[Unfound]]:
    """The evidence rows of every value that stands on its own in one file's records, and the values not found.
    Made once per file, for the rule that reports what is not found and for the rows the build writes."""
    if "evidence" not in loaded.memo:
        rows: list[dict] = []
        unfound: list[Unfound] = []
        for record in loaded.records:
            if not TABLE_BY_NAME[record.table].cited:
                continue
            spans = record_spans(record, loaded)
            unverified = len(spans) < len(record.data.get("cite", ()))  # a quote that does not stand is the error
            for path, kind, value in stated_values(record):
                found = next(((span, where) for span in spans if (where := find_stated(kind, value, span))), None)
                if found:
                    rows.append(_row(record.id, path[0], value, found[0], found[1], kind))
                elif not unverified:
                    unfound.append(
                        Unfound(
                            record.id,
                            path,
                            value,
                            kind,
                            (str(value),),
                            _closest(str(value), spans) if kind in ("name", "title") else "",
                        )
                    )
        loaded.memo["evidence"] = rows, unfound
    return loaded.memo["evidence"]


# --- references, across the project ----------------------------------------------------------------------


def names_by_id(columns: dict[str, dict[str, list]]) -> dict[str, list[tuple[str, str]]]:
    """Record id -> the (match, words) a reference to it may be grounded by: its name, acronym, aliases and,
    for a person, the surname; a description in square brackets is no name."""
    names: dict[str, list[tuple[str, str]]] = {}
    for table in NAMED_TABLES:
        data = columns[table]
        acronyms = data.get("acronym", [None] * len(data["id"]))
        for record_id, name, acronym in zip(data["id"], data["name"], acronyms, strict=True):
            found = names.setdefault(record_id, [])
            if name and not is_description(name):
                found.append(("name", name))
                if table == "people" and len(name.split()) > 1:
                    found.append(("surname", name.split()[-1]))
            if acronym:
                found.append(("acronym", acronym))
    for record_id, alias in zip(columns["aliases"]["organization_id"], columns["aliases"]["alias"], strict=True):
        names.setdefault(record_id, []).append(("alias", alias))
    return names


def references(columns: dict[str, dict[str, list]]) -> Iterator[tuple[str, str, str]]:
    """(record id, field, referred id) of every reference a record must ground: not those marked inferred."""
    inferred = set(zip(columns["inferences"]["record_id"], columns["inferences"]["field"], strict=True))
    for table in TABLES:
        for f in table.fields:
            if f.evidence != "reference":
                continue
            for record_id, target in zip(columns[table.name]["id"], columns[table.name][f.name], strict=True):
                if target is not None and (record_id, f.name) not in inferred:
                    yield record_id, f.name, target


def spans_by_record(columns: dict[str, dict[str, list]], texts) -> dict[str, list[Span] | None]:
    """Record id -> its citations, each where its quote stands; None for a record with a quote that does not
    stand where it says (that is its error, and what it grounds is not looked for until it is mended)."""
    cites = columns["citations"]
    spans: dict[str, list[Span] | None] = {}
    for record_id, position, seed_id, start, end in zip(
        cites["record_id"], cites["position"], cites["seed_id"], cites["char_start"], cites["char_end"], strict=True
    ):
        if start is None or seed_id not in texts:
            spans[record_id] = None
        elif (found := spans.setdefault(record_id, [])) is not None:
            found.append(Span(f"{record_id}#{position}", texts[seed_id], start, end))
    return spans


def reference_evidence(
    refs: Iterable[tuple[str, str, str]], names: dict[str, list[tuple[str, str]]], spans: dict[str, list[Span] | None]
) -> tuple[list[dict], list[Unfound]]:
    """The evidence rows of references, and the references no quote of their record names (not looked for in a
    record whose quote does not stand: see spans_by_record)."""
    rows: list[dict] = []
    unfound: list[Unfound] = []
    for record_id, field, target in refs:
        own = spans.get(record_id, [])
        if own is None:
            continue
        candidates = names.get(target, [])
        found = next(
            (
                (span, match, where)
                for span in own
                for match, words in candidates
                if (where := span.text.words_at(words, span.start, span.end))
            ),
            None,
        )
        if found:
            span, match, where = found
            rows.append(_row(record_id, field, target, span, where, match))
        else:
            looked_for = tuple(words for _, words in candidates)
            closest = next(filter(None, (_closest(words, own) for words in looked_for)), "")
            unfound.append(Unfound(record_id, (field,), target, "reference", looked_for, closest))
    return rows, unfound


def _closest(words: str, spans: Iterable[Span]) -> str:
    """The words of the quotes most like `words` (as many, compared letter by letter), if any come close."""
    quotes = (span.text.normalised(span.start, span.end)[0].split() for span in spans)
    closest = closest_words(words, quotes, (len(words.split()),), " ".join)
    return " ".join(closest) if closest else ""


class CheckedFile(Protocol):
    """What the evidence of references reads of one file's check (check.project.FileCheck)."""

    @property
    def name(self) -> str: ...

    @property
    def columns(self) -> dict[str, dict[str, list]]: ...


class CheckedProject(Protocol):
    """What the evidence of references reads of the checked project (check.project.Project, which imports this
    module through rows.py, so is not imported here)."""

    @property
    def catalogue(self) -> FileRecords: ...

    @property
    def files(self) -> Sequence[CheckedFile]: ...

    @property
    def cache(self) -> Cache | None: ...

    @property
    def memo(self) -> dict: ...

    def column(self, table: str, name: str) -> list: ...


def project_evidence(project: CheckedProject) -> tuple[list[dict], list[Unfound]]:
    """The evidence of every reference, and the references none of their record's quotes names; made once, for
    the rule that reports them (project_rules.references_are_grounded) and for the evidence rows the build
    writes."""
    if "evidence" not in project.memo:
        named = {
            table: {name: project.column(table, name) for name in names} for table, names in NAMING_COLUMNS.items()
        }
        names = names_by_id(named)
        rows: list[dict] = []
        unfound: list[Unfound] = []
        inputs = hashlib.sha256()
        for result in project.files:
            found_rows, found_unfound = _file_reference_evidence(project, result, names, inputs)
            rows += found_rows
            unfound += found_unfound
        project.memo["evidence"] = rows, unfound
        project.memo["evidence inputs"] = inputs.digest()
    return project.memo["evidence"]


def reference_evidence_inputs(project: CheckedProject) -> bytes:
    """A digest of everything the evidence of references is made from besides the code and the seeds: every
    file's references, citations and the names of the records they refer to. Equal digests, equal rows."""
    project_evidence(project)
    return project.memo["evidence inputs"]


def _file_reference_evidence(
    project: CheckedProject, result: CheckedFile, names: dict[str, list[tuple[str, str]]], inputs
) -> tuple[list[dict], list[Unfound]]:
    """The evidence of one file's references; kept in the cache under the file's references, citations and the
    names of the records they refer to (added to `inputs`), so that after an edit only the files it touches are
    searched again."""
    refs = list(references(result.columns))
    if not refs:
        return [], []
    targets = sorted({target for _, _, target in refs})
    data = pickle.dumps((refs, result.columns[CITE_TABLE], [(target, names.get(target, [])) for target in targets]))
    inputs.update(result.name.encode() + b"\0" + hashlib.sha256(data).digest())
    return kept(
        project.cache,
        f"references of {result.name}",
        lambda: data,
        lambda: reference_evidence(refs, names, spans_by_record(result.columns, project.catalogue.seed_texts)),
    )
