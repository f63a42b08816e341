"""The site's data: the built tables of a package, with what the checked project knows of their sources, and
the lookups the pages are made from (labels, citations by record and by seed, evidence, referrers, ties,
figures), each made when a page first asks for it."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup

from anso_facts.build.package import built_rows
from anso_facts.check.coverage import SeedCoverage, coverage
from anso_facts.check.seedtext import SeedText, parse_lines
from anso_facts.model.tables import TABLES
from anso_facts.model.vocabularies import Vocabularies
from anso_facts.site import tie_map
from anso_facts.site.html_contexts import segment, text

if TYPE_CHECKING:
    from collections.abc import Mapping

    from anso_facts.check.project import Project

_RECORD_LINE = re.compile(r"^-[ \t]+id:[ \t]*[\"']?([a-z0-9-]+)", re.MULTILINE)


class Cite(NamedTuple):
    """A citation as the pages show it."""

    id: str
    record_id: str
    position: int
    seed_id: str
    line_start: int
    line_end: int
    char_start: int
    char_end: int

    @property
    def anchor(self) -> str:
        """Its id on the seed's page."""
        return f"cite-{self.record_id}-{self.position}"


class CheckedProject:
    """What the site takes from the checked project rather than the built tables: the seed texts, their
    coverage, the excluded lines, where each record is curated and the vocabularies. Each is made when first
    asked for: in the worker that needs it (write._write_all), rather than by the process that starts them
    all, before it can."""

    def __init__(self, project: Project):
        self.project = project

    @property
    def vocabularies(self) -> Vocabularies:
        return self.project.catalogue.vocabularies

    @property
    def texts(self) -> Mapping[str, SeedText]:
        return self.project.catalogue.seed_texts

    @cached_property
    def coverage(self) -> dict[str, SeedCoverage]:
        return {c.seed_id: c for c in coverage(self.project)}

    @cached_property
    def exclusions(self) -> dict[str, dict[int, str]]:
        """Seed id -> line -> why it is excluded."""
        exclusions: dict[str, dict[int, str]] = {}
        for seed in self.project.catalogue.records:
            exclusions[seed.id] = {}
            for exclusion in seed.data.get("excluded", ()):
                first, last = parse_lines(exclusion["lines"])
                for line in range(first, last + 1):
                    exclusions[seed.id][line] = exclusion["reason"]
        return exclusions

    @cached_property
    def curated(self) -> dict[str, str]:
        """Record id -> data/FILE.yaml:LINE."""
        return curated_places(self.project)


class Evidence(NamedTuple):
    """An evidence row as a record's page shows it: the field whose value the words of a citation state, and
    where they stand; the field's name as HTML text, and the element its field links to (ev-FIELD-N: the
    field's N-th row) as an id and as a link's fragment, each escaped once (html_contexts) when the package's
    evidence is read."""

    field: str
    citation_id: str
    char_start: int
    char_end: int
    field_html: str
    anchor: str
    href: str


@dataclass
class Package:
    """What the pages are made from: the built tables, and what the site takes from the checked project; the
    lookups below are made when first asked for, like the checked project's."""

    tables: dict[str, list[dict]]
    checked: CheckedProject

    @cached_property
    def labels(self) -> dict[str, str]:
        return {r["id"]: r["label"] for r in self.tables["records"]}

    @cached_property
    def label_html(self) -> dict[str, Markup]:
        """Each label escaped once, for the many links to it."""
        return {record_id: text(label) for record_id, label in self.labels.items()}

    @cached_property
    def id_html(self) -> dict[str, Markup]:
        """Each id as HTML text (or a double-quoted attribute's value), escaped once."""
        return {record_id: text(record_id) for record_id in self.labels}

    @cached_property
    def slug(self) -> dict[str, str]:
        """Each id as a segment of a link's path or fragment, percent-encoded once."""
        return {record_id: segment(record_id) for record_id in self.labels}

    @cached_property
    def page(self) -> dict[str, str]:
        """Each id as the name of its page in a link (ID.html)."""
        return {record_id: f"{slug}.html" for record_id, slug in self.slug.items()}

    @cached_property
    def table_html(self) -> dict[str, Markup]:
        """Each record's table, as HTML text: escaped once for the table names (of a few) it holds."""
        escaped: dict[str, Markup] = {}
        return {
            r["id"]: escaped.get(r["table"]) or escaped.setdefault(r["table"], text(r["table"]))
            for r in self.tables["records"]
        }

    @cached_property
    def cites(self) -> dict[str, list[Cite]]:
        """Record id -> its citations, in order."""
        cites = defaultdict(list)
        for row in self.tables["citations"]:
            cites[row["record_id"]].append(Cite(*map(row.__getitem__, Cite._fields)))
        return cites

    @cached_property
    def seed_cites(self) -> dict[str, list[Cite]]:
        """Seed id -> its citations, by place in the text."""
        by_seed = defaultdict(list)
        for of_record in self.cites.values():
            for cite in of_record:
                by_seed[cite.seed_id].append(cite)
        for of_seed in by_seed.values():
            of_seed.sort(key=lambda c: (c.char_start, c.char_end, c.record_id))
        return by_seed

    @cached_property
    def inferred(self) -> dict[str, dict[str, str]]:
        """Record id -> field -> why its value was inferred."""
        inferred: dict[str, dict[str, str]] = defaultdict(dict)
        for row in self.tables["inferences"]:
            inferred[row["record_id"]][row["field"]] = row["reason"]
        return inferred

    @cached_property
    def evidence(self) -> dict[str, list[Evidence]]:
        """Record id -> the words that state its values (rows of `evidence`, in order)."""
        evidence: dict[str, list[Evidence]] = defaultdict(list)
        counts: dict[tuple[str, str], int] = defaultdict(int)
        names: dict[str, tuple[str, str]] = {}  # field -> its name as HTML text and as a fragment, made once
        for row in self.tables["evidence"]:
            record_id, field = row["record_id"], row["field"]
            counts[record_id, field] += 1
            n = counts[record_id, field]
            html, slug = names.get(field) or names.setdefault(field, (str(text(field)), segment(field)))
            evidence[record_id].append(
                Evidence(
                    field,
                    row["citation_id"],
                    row["char_start"],
                    row["char_end"],
                    html,
                    f"ev-{html}-{n:d}",
                    f"ev-{slug}-{n:d}",
                )
            )
        return evidence

    @cached_property
    def unsupported(self) -> dict[str, dict[str, set[str]]]:
        """Record id -> free-text field -> its words (lower case) that none of the record's quotes supports."""
        unsupported: dict[str, dict[str, set[str]]] = defaultdict(dict)
        for row in self.tables["unsupported_words"]:
            unsupported[row["record_id"]].setdefault(row["field"], set()).add(row["word"])
        return unsupported

    @cached_property
    def aliases(self) -> dict[str, list[str]]:
        aliases = defaultdict(list)
        for row in self.tables["aliases"]:
            aliases[row["organization_id"]].append(row["alias"])
        return aliases

    @cached_property
    def referrers(self) -> dict[str, list[tuple[str, str]]]:
        """Record id -> (the id of a record that refers to it, by which field)."""
        referrers = defaultdict(list)
        for table in TABLES:
            refs = [f.name for f in table.fields if f.kind == "ref"]
            for row in self.tables[table.name] if refs else ():
                for name in refs:
                    if row[name]:
                        referrers[row[name]].append((row["id"], name))
        return referrers

    @cached_property
    def kinds(self) -> dict[str, str]:
        """Record id -> its table."""
        return {r["id"]: r["table"] for r in self.tables["records"]}

    @cached_property
    def acronyms(self) -> dict[str, str]:
        return {
            r["id"]: r["acronym"]
            for name in ("organizations", "resources")
            for r in self.tables[name]
            if r.get("acronym")
        }

    @cached_property
    def ties(self) -> list[tie_map.Tie]:
        """Every tie between records (relations, roles, participations, what is part of what)."""
        return tie_map.ties(self.tables)

    @cached_property
    def ties_of(self) -> dict[str, list[tuple[bool, tie_map.Tie]]]:
        """Record id -> its direct ties."""
        return tie_map.neighbourhood(self.ties)

    @cached_property
    def seed_ties(self) -> dict[str, list[tie_map.Tie]]:
        """Seed id -> the ties it states (those whose record cites it), for its map."""
        by_seed: dict[str, list[tie_map.Tie]] = defaultdict(list)
        for tie in self.ties:
            for seed_id in self.seeds_of.get(tie.via, ()):
                by_seed[seed_id].append(tie)
        return by_seed

    @cached_property
    def figures(self) -> dict[str, list[dict]]:
        """Subject id -> its statistics, by unit, date and id."""
        figures: dict[str, list[dict]] = defaultdict(list)
        for row in self.tables["statistics"]:
            figures[row["subject_id"]].append(row)
        for rows in figures.values():
            rows.sort(key=lambda r: (r["unit"], r["as_of"] is None, r["as_of"] or 0, r["id"]))
        return figures

    @cached_property
    def seeds_of(self) -> dict[str, list[str]]:
        """Record id -> the seeds its citations cite, in order, each once."""
        return {record_id: list(dict.fromkeys(c.seed_id for c in cites)) for record_id, cites in self.cites.items()}


def read_package(root: Path, checked: CheckedProject) -> Package:
    """The built tables of `root` (read here only), with what the site takes from the checked project."""
    return Package(built_rows(root), checked)


def curated_places(project: Project) -> dict[str, str]:
    """Record id -> where it is curated (FILE:LINE): the line of its `- id:`, found by a scan of the file's text,
    or, for a record written another way, by parsing the file for positions."""
    places: dict[str, str] = {}
    lines_by_source: dict[str, dict[str, int]] = {}
    for record_id, source, path in project.places():
        if source.name not in lines_by_source:
            lines_by_source[source.name] = _id_lines(source.text)
        line = lines_by_source[source.name].get(record_id) or source.position(path)[0]
        places.setdefault(record_id, f"{source.name}:{line}")
    return places


def _id_lines(text: str) -> dict[str, int]:
    """The line of each `- id: ID` in a file's text."""
    found: dict[str, int] = {}
    line, position = 1, 0
    for match in _RECORD_LINE.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        found.setdefault(match.group(1), line)
    return found
