"""Site stage: the built package -> `site/`, a static review site where every fact stands beside its source.

Plain HTML and CSS from the Jinja2 templates in templates/, a little JavaScript for search, no external
request: it works opened from file:// and served by any static host. What repeats by the thousand (a record's
page, a seed's lines, a table's rows) is made in Python inside those templates' frame: a site may have 100,000
records. Pages: the index (coverage, tables,
citation, downloads, versions, schema.org JSON-LD, FAIR signposting links), one per table (every column,
sortable and filterable, in pages of PAGE_ROWS rows; the statistics page compares each subject's figures), one
per record (records/ID.html: its fields, its figures and ties, what refers to it, and each citation as its seed
passage with the quote marked at its character offsets), one per seed (the whole text, every quoted passage
marked and linked, excluded and uncited lines shown), the map of ties (graph.html, graphs/SEED.html: graph.py)
and the timeline (timeline.html: timeline.py). Beside them: the SQLite file with Datasette's metadata.json,
the W3C annotations, dataset.jsonld, datacite.xml, linkset.json, versions.json, and the package's files."""

from __future__ import annotations

import os
import re
import shutil
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup

from anso_facts import __version__
from anso_facts.build.database import FILE_NAME as DATABASE
from anso_facts.build.database import built_rows, datasette_metadata, package_enums, write_database
from anso_facts.check.cite import seed_scalar
from anso_facts.check.coverage import SeedCoverage, coverage
from anso_facts.check.freetext import WORD
from anso_facts.check.loader import parse_lines
from anso_facts.check.seedtext import SeedText
from anso_facts.model.metadata import METADATA, citation_text, linkset, schema_org_dataset, signposting_links
from anso_facts.model.schemas import columns
from anso_facts.model.tables import ALL_TABLES, TABLES, Table
from anso_facts.model.vocabularies import LISTS, Vocabularies
from anso_facts.site import graph, timeline
from anso_facts.site.annotations import FILE_NAME as ANNOTATIONS
from anso_facts.site.annotations import annotation_collection
from anso_facts.site.html_contexts import attribute, is_safe_url, link, script_json, segment, text
from anso_facts.support.parallel import collector_paused, cores, in_processes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from anso_facts.check.project import Project

TEMPLATES = Path(__file__).with_name("templates")
STATIC = ("style.css", "search.js", "evidence.js", "cite.js", "table.js")
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


class Sources:
    """What the checked project knows of the sources: the seed texts, their coverage, the excluded lines and
    where each record is curated. Each is made when first asked for: in the worker that needs it (see
    _write_all), rather than by the process that starts them all, before it can."""

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
    """What the pages are made from: the built tables, and what the checked project knows of the sources; the
    lookups below are made when first asked for, like the sources'."""

    tables: dict[str, list[dict]]
    sources: Sources

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
    def ties(self) -> list[graph.Tie]:
        """Every tie between records (relations, roles, participations, what is part of what)."""
        return graph.ties(self.tables)

    @cached_property
    def ties_of(self) -> dict[str, list[tuple[bool, graph.Tie]]]:
        """Record id -> its direct ties."""
        return graph.neighbourhood(self.ties)

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


def read_package(root: Path, sources: Sources) -> Package:
    """The built tables of `root`, with what the project knows of their sources."""
    return Package(built_rows(root), sources)


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


# --- what the templates show -----------------------------------------------------------------------------


def shown_date(row: dict, name: str) -> str:
    """A date field of a row at its precision: '2021', 'July 2020', '2020-09-18'."""
    return timeline.human_date(row[name], row[f"{name}_precision"])


FIELD_NAMES = {f.name: text(f.name) for t in ALL_TABLES for f in t.fields}  # escaped once: shown on every page


def _page_link(package: Package, record_id: str, to_records: str = "") -> str:
    """A link to a record's page (from another, or from the folder `to_records` leads to records/ from)
    labelled with its label; an id that is no record's (in a package not checked) labelled with itself."""
    page = package.page.get(record_id) or f"{segment(record_id)}.html"
    return f'<a href="{to_records}{page}">{package.label_html.get(record_id) or text(record_id)}</a>'


def fields_html(package: Package, table: Table, row: dict) -> Markup:
    """Each field of a record that has a value, as <dt> and <dd>: a reference as the label of the record it
    points to, linked; a URL linked if it is a safe one; a value its quotes state followed by the words that
    state it, each linked to its place in the passage below (where hovering or focusing the field lights them:
    evidence.js); an inferred value marked, with the reason; in free text, the words no quote supports
    underlined; then the curator's note."""
    record_id = row["id"]
    inferred = package.inferred.get(record_id, {})
    unsupported = package.unsupported.get(record_id, {})
    evidence = evidence_html(package, record_id)
    items = []
    for f in table.fields:
        if f.kind == "id":
            continue
        if f.kind == "list":
            value = "; ".join(package.aliases.get(record_id, ()))
        else:
            value = shown_date(row, f.name) if f.kind == "date" else row[f.name]
        if value is None or value == "":
            continue
        # a str, not Markup: Markup's + would escape what is added to it
        if f.kind == "ref":
            shown = f"{_page_link(package, value)} <code>{text(value)}</code>"
        elif f.kind == "url":
            shown = str(link(value))
        elif f.name in unsupported:
            shown = underlined(str(value), unsupported[f.name])
        else:
            shown = str(text(value))
        if f.name in inferred:
            shown += f' <span class="inferred">inferred</span> <span class="reason">{text(inferred[f.name])}</span>'
        name = FIELD_NAMES[f.name]
        if f.name in evidence:
            items.append(
                f'<dt data-ev-for="{name}">{name}</dt>\n<dd data-ev-for="{name}">{shown}{evidence[f.name]}</dd>'
            )
        else:
            items.append(f"<dt>{name}</dt>\n<dd>{shown}</dd>")
    if row.get("note"):
        items.append(f'<dt>curator\'s note</dt>\n<dd class="note">{text(row["note"])}</dd>')
    if unsupported:
        items.append(
            '<dt class="legend">underlined</dt>\n<dd class="legend"><span class="unsupported">words</span> '
            "that stand in none of the record's quotes</dd>"
        )
    return Markup("\n".join(items))


def evidence_html(package: Package, record_id: str) -> dict[str, str]:
    """Field -> the words of the record's quotes that state its value(s), as HTML to follow the value: "stated
    in [1] “words”", each linked to the words' place in the passage of citation [1]."""
    rows = package.evidence.get(record_id)
    if not rows:
        return {}
    cites = {cite.id: cite for cite in package.cites.get(record_id, ())}
    links: dict[str, list[str]] = defaultdict(list)
    for ev in rows:
        cite = cites.get(ev.citation_id)
        if cite is None:  # no citation of this record's (never, in a package the build made)
            continue
        words = " ".join(package.sources.texts[cite.seed_id].text[ev.char_start : ev.char_end].split())
        links[ev.field].append(f'<a href="#{ev.href}">[{cite.position:d}]\u00a0\u201c{text(words)}\u201d</a>')
    return {field: f' <span class="evidence">stated in {", ".join(found)}</span>' for field, found in links.items()}


UNSUPPORTED = '<span class="unsupported" title="not in the record&#39;s quotes">'


def underlined(value: str, words: set[str]) -> str:
    """A free-text value as HTML text, each of `words` (lower case) in it underlined: matched as whole words,
    whatever their case, by the word pattern that found them (freetext.WORD), before anything is escaped."""
    pieces, position = [], 0
    for match in WORD.finditer(value):
        if match[0].lower() in words:
            pieces += [text(value[position : match.start()]), UNSUPPORTED, text(match[0]), "</span>"]
            position = match.end()
    pieces.append(text(value[position:]))
    return "".join(pieces)


def referrers_html(package: Package, record_id: str) -> Markup:
    """The records that refer to this one, as <li>: each by its label, linked, and the field (TABLE.FIELD)."""
    pages, labels, tables = package.page, package.label_html, package.table_html
    return Markup(
        "\n".join(
            f'<li><a href="{pages[other]}">{labels[other]}</a> '
            f'<span class="via">({tables[other]}.{FIELD_NAMES[name]})</span></li>'
            for other, name in package.referrers.get(record_id, ())
        )
    )


def citations_html(package: Package, record_id: str, seed_titles: dict[str, str]) -> Markup:
    """Each citation of a record as a <section>: the seed and lines, linked to the passage on the seed's page,
    and the passage with the quote marked."""
    sections = []
    evidence = package.evidence.get(record_id, ())
    for cite in package.cites.get(record_id, ()):
        own = [ev for ev in evidence if ev.citation_id == cite.id]
        first, last, position = f"{cite.line_start:d}", f"{cite.line_end:d}", f"{cite.position:d}"  # :d, never text
        lines = f"line {first}" if first == last else f"lines {first}\u2013{last}"
        sections.append(
            f'<section class="cite" id="cite-{position}" aria-label="Citation {position}">\n'
            f'<h3>[{position}] <a href="../seeds/{package.page[cite.seed_id]}#cite-{package.slug[cite.record_id]}'
            f'-{position}">'
            f"{text(seed_titles[cite.seed_id])}</a>, {lines}</h3>\n"
            f'<pre class="passage" tabindex="0">\n{passage(package.sources.texts[cite.seed_id], cite, own)}</pre>\n'
            f"</section>"
        )
    return Markup("\n".join(sections))


def record_main_html(package: Package, table: Table, row: dict, seed_titles: dict[str, str]) -> str:
    """The main part of a record's page: its label, table and id, where it is curated, its fields, the records
    that refer to it and its citations. Made here rather than in a template: the site has a page for each of up
    to 100,000 records, and rendering a template for each was most of the site's time."""
    record_id = row["id"]
    curated = package.sources.curated.get(record_id)
    parts = [
        f'<h1>{package.label_html[record_id]}</h1>\n<p class="kind">A record of '
        f"{_table_link(table.name)}, id "
        f"<code>{package.id_html[record_id]}</code>."
        + (f"\nCurated in <code>{text(curated)}</code>." if curated else "")
        + "</p>"
    ]
    if table.name == "seeds":
        parts.append(f'<p><a href="../seeds/{package.page[record_id]}">Read the text of this seed</a>.</p>')
    parts.append(f'<h2>Fields</h2>\n<dl class="fields">\n{fields_html(package, table, row)}\n</dl>')
    if record_id in package.figures:
        parts.append(
            f'<h2>Figures</h2>\n<p class="kind">Its figures side by side: a row per unit, a column per '
            f"date and source.</p>\n{figures_html(package, record_id, '', seed_titles)}"
        )
    ties = ties_html(package, record_id)
    if ties:
        parts.append(f'<h2>Ties</h2>\n<ul class="ties">\n{ties}\n</ul>')
    if package.referrers.get(record_id):
        parts.append(f'<h2>Referred to by</h2>\n<ul class="referrers">\n{referrers_html(package, record_id)}\n</ul>')
    if package.cites.get(record_id):
        parts.append(f"<h2>Sources</h2>\n{citations_html(package, record_id, seed_titles)}")
    return "\n\n".join(parts)


@cache
def _table_link(name: str) -> str:
    """A link to a table's page, from a record's."""
    return f'<a href="../tables/{segment(name)}.html">{text(name)}</a>'


def passage(seed: SeedText, cite: Cite, evidence: list[Evidence] | tuple = ()) -> Markup:
    """The cited lines as HTML, the quote in one <mark> at exactly its offsets, and within it each stretch that
    `evidence` states (see _evidenced). Each line starts with an empty element whose number CSS shows (generated
    content is no part of the text, so the mark's text is the seed's)."""
    start = seed.line_offsets[cite.line_start - 1]
    end = seed.line_offsets[cite.line_end - 1] + len(seed.line(cite.line_end))
    s, e = cite.char_start, cite.char_end
    # the words that state a value stand within the quote (evidence.py looks for them there): the lines around
    # it are looked at only for a row that does not
    outside = () if all(s <= ev.char_start and ev.char_end <= e for ev in evidence) else evidence
    return Markup(
        f'{_evidenced(seed, start, s, outside)}<mark data-start="{s:d}" data-end="{e:d}">'
        f"{_evidenced(seed, s, e, evidence)}</mark>{_evidenced(seed, e, end, outside)}"
    )


def _evidenced(seed: SeedText, start: int, end: int, evidence: list[Evidence] | tuple) -> str:
    """seed.text[start:end] as _numbered makes it, each stretch that evidence rows state in one
    <span class="ev" data-ev="FIELD ..."> naming the fields they ground (rows that overlap share a stretch: no
    element crosses another), an empty anchor (the field's link target) where each row's words begin."""
    inside = [ev for ev in evidence if ev.char_start < end and ev.char_end > start]
    if not inside:
        return _numbered(seed, start, end)
    points = sorted({start, end} | {p for ev in inside for p in (ev.char_start, ev.char_end) if start < p < end})
    pieces = []
    for p, q in zip(points, points[1:], strict=False):
        covering = [ev for ev in inside if ev.char_start < q and ev.char_end > p]
        if not covering:
            pieces.append(_numbered(seed, p, q))
            continue
        fields = " ".join(dict.fromkeys(ev.field_html for ev in covering))  # escaped when read
        anchors = "".join(f'<span class="ev-anchor" id="{ev.anchor}"></span>' for ev in covering if ev.char_start == p)
        pieces.append(f'<span class="ev" data-ev="{fields}">{anchors}{_numbered(seed, p, q)}</span>')
    return "".join(pieces)


def _numbered(seed: SeedText, start: int, end: int) -> str:
    """seed.text[start:end] as HTML, with a line number element where each line begins."""
    offsets = seed.line_offsets
    first, last = bisect_left(offsets, start), bisect_left(offsets, end)
    if first == last:  # within a line (most stretches the evidence marks are)
        return text(seed.text[start:end])
    pieces, position = [], start
    for line in range(first + 1, last + 1):
        pieces += [text(seed.text[position : offsets[line - 1]]), f'<span class="ln" data-n="{line}"></span>']
        position = offsets[line - 1]
    pieces.append(text(seed.text[position:end]))
    return "".join(pieces)


def seed_lines_html(package: Package, seed_id: str) -> Markup:
    """Every line of a seed as an <li>: its number, its text with the quoted stretches marked (an anchor where
    each citation starts), its state (cited, excluded with the reason, uncited or blank) and links to the records
    whose quotes start on it. Made here rather than in the template: a seed may have 100,000 lines."""
    seed, cover = package.sources.texts[seed_id], package.sources.coverage[seed_id]
    exclusions, pages, labels = package.sources.exclusions[seed_id], package.page, package.label_html
    cites_by_line: dict[int, list[Cite]] = defaultdict(list)
    for cite in package.seed_cites.get(seed_id, []):
        for line in range(seed.line_of(cite.char_start), seed.line_of(cite.char_end - 1) + 1):
            cites_by_line[line].append(cite)
    items = []
    for number in range(1, seed.line_count + 1):
        start = seed.line_offsets[number - 1]
        content = seed.line(number)
        cites = cites_by_line.get(number, [])
        state = (
            "blank"
            if not content.strip()
            else "cited"
            if number in cover.cited
            else "excluded"
            if number in cover.excluded
            else "uncited"
        )
        notes = ' <span class="state">uncited</span>' if state == "uncited" else ""
        if number in exclusions:
            notes += f' <span class="state">excluded: {text(exclusions[number])}</span>'
        starting = [c for c in cites if seed.line_of(c.char_start) == number]
        if starting:
            notes += (
                '\n  <span class="cited-by">'
                + " · ".join(
                    f'<a href="../records/{pages[c.record_id]}#cite-{c.position:d}">{labels[c.record_id]}</a>'
                    for c in starting
                )
                + "</span>"
            )
        items.append(
            f'<li id="L{number}" class="{state}"><a class="number" href="#L{number}" '  # own counter
            f'aria-label="line {number}">{number}</a>\n  <span class="text">'
            f"{_marked(seed.text, start, start + len(content), cites)}</span>{notes}</li>"
        )
    return Markup("\n".join(items))


def _marked(seed_text: str, start: int, end: int, cites: list[Cite]) -> str:
    """seed_text[start:end] as HTML, each stretch that some citation quotes in a <mark>."""
    if not cites:
        return text(seed_text[start:end])
    points = sorted({start, end} | {p for c in cites for p in (c.char_start, c.char_end) if start < p < end})
    pieces: list[str] = []
    for p, q in zip(points, points[1:], strict=False):
        covering = [c for c in cites if c.char_start < q and c.char_end > p]
        if not covering:
            pieces.append(text(seed_text[p:q]))
            continue
        anchors = "".join(
            f'<span class="anchor" id="{attribute(c.anchor)}"></span>' for c in covering if c.char_start == p
        )
        pieces.append(
            f'<mark title="{attribute(", ".join(c.id for c in covering))}">{anchors}{text(seed_text[p:q])}</mark>'
        )
    return "".join(pieces)


PAGE_ROWS = 1000  # rows per table page: a table of 100,000 rows is 100 pages
MAX_FIGURE_SUBJECTS = 100  # subjects whose figures the statistics page compares (those with the most figures)
MAX_TIES_LISTED = 60  # ties a record's page lists (the rest are among "Referred to by")
_HOW = {
    "id": "record",
    "ref": "link",
    "date": "date",
    "integer": "integer",
    "url": "url",
    "list": "list",
    "boolean": "boolean",
}


def table_columns(table: Table) -> list[str]:
    """The columns a table's page shows: every column (a date and its precision in one; a curated table's
    aliases too), but the label of `records`, shown as the link of its id."""
    if table in TABLES:
        return [f.name for f in table.fields] + (["note"] if table.cited else [])
    return [c.name for c in columns(table) if (table.name, c.name) != ("records", "label") and c.part != "precision"]


def _column_kinds(table: Table) -> list[tuple[str, str]]:
    """Each shown column and how its cells are made: record (a curated record's label, linked, and its id),
    link (a reference as the label it points to), date, integer, url, list, boolean or text."""
    kinds = {f.name: f.kind for f in table.fields}
    shown = []
    for name in table_columns(table):
        kind = kinds.get(name, "text")
        if table not in TABLES and kind == "id":
            kind = "ref"  # records.id: a link to the record
        shown.append((name, _HOW.get(kind, "text")))
    return shown


def _column_html(package: Package, how: str, rows: list[dict], name: str) -> list[str]:
    """One column of a table's page as <td> elements, made a column at a time (a table may have 100,000 rows): a
    data-sort key where the cell's text would sort wrongly (a date, a number, a record by its label)."""
    if how == "list":
        aliases = package.aliases
        return [f"<td>{text('; '.join(aliases[r['id']]))}</td>" if r["id"] in aliases else "<td></td>" for r in rows]
    values = [r[name] for r in rows]
    labels, label_html, pages, ids = package.labels, package.label_html, package.page, package.id_html
    if how == "record":
        return [
            f'<td data-sort="{attribute(labels[v])}"><a href="../records/{pages[v]}">{label_html[v]}</a> '
            f"<code>{ids[v]}</code></td>"
            if v in labels
            else f"<td>{text(v)}</td>"
            for v in values
        ]
    if how == "link":
        return [
            "<td></td>"
            if v is None
            else f'<td><a href="../records/{pages[v]}">{label_html[v]}</a></td>'
            if v in labels
            else f"<td>{text(v)}</td>"
            for v in values
        ]
    if how == "date":
        precisions = [r[f"{name}_precision"] for r in rows]
        return [
            "<td></td>"
            if v is None
            else f'<td class="date" data-sort="{v.isoformat()}">{text(timeline.human_date(v, p))}</td>'
            for v, p in zip(values, precisions, strict=True)
        ]
    if how == "integer":
        return ["<td></td>" if v is None else f'<td class="number" data-sort="{v:d}">{v:,d}</td>' for v in values]
    if how == "url":
        return ["<td></td>" if not v else f"<td>{link(str(v))}</td>" for v in values]
    if how == "boolean":
        return ["<td></td>" if v is None else f"<td>{'yes' if v else 'no'}</td>" for v in values]
    return ["<td></td>" if v is None or v == "" else f"<td>{text(v)}</td>" for v in values]


def table_rows_html(package: Package, table: Table, rows: list[dict] | None = None) -> Markup:
    """Rows of a table (by default all) as <tr> elements: every column, ids and references as links labelled
    with the record's label, dates at their precision, inferred values marked. Made here rather than in the
    template, a column at a time: a table may have 100,000 rows."""
    rows = package.tables[table.name] if rows is None else rows
    shown = _column_kinds(table)
    cells = [_column_html(package, how, rows, name) for name, how in shown]
    if table in TABLES:  # an inferred value marked, with the reason as its title
        inferred = package.inferred
        where = {name: index for index, (name, _) in enumerate(shown)}
        for position, row in enumerate(rows):
            for name, reason in inferred.get(row["id"], {}).items():
                if name in where:
                    cell = cells[where[name]][position]
                    cells[where[name]][position] = (
                        f'{cell[:-5]} <span class="inferred" title="{attribute(reason)}">inferred</span></td>'
                    )
    return Markup("\n".join(f"<tr>{''.join(row)}</tr>" for row in zip(*cells, strict=True)))


def table_page_name(table: str, page: int) -> str:
    """tables/NAME.html, then NAME-2.html, NAME-3.html ... for a table of more than PAGE_ROWS rows."""
    return f"{table}.html" if page == 1 else f"{table}-{page:d}.html"


_COMPARATOR = {"exactly": "", "more-than": "more than ", "over": "over ", "nearly": "nearly ", "about": "about "}


def figure_text(row: dict) -> str:
    """A figure as people read it: 'over 116,000,000', '210', 'millions'."""
    if row["value"] is None:
        return str(row["comparator"])
    return f"{_COMPARATOR.get(row['comparator'], str(row['comparator']) + ' ')}{row['value']:,d}"


def figures_html(package: Package, subject_id: str, to_records: str, seed_titles: Mapping[str, str]) -> str:
    """The figures of one subject side by side: a row per unit (downloads, sequences, visitors ...), a column
    per date and source (the seed its citation quotes), so that figures of the same kind read as a series.
    Each figure is its comparator and value, linked to its record, with what it counts."""
    rows = package.figures.get(subject_id)
    if not rows:
        return ""

    def key(row: dict) -> tuple:
        seeds = package.seeds_of.get(row["id"]) or [""]
        return (row["as_of"] is None, row["as_of"] or 0, row["as_of_precision"] or "", seeds[0])

    columns_ = sorted({key(row) for row in rows})
    units = list(dict.fromkeys(row["unit"] for row in rows))
    cells: dict[tuple, list[str]] = defaultdict(list)
    for row in rows:
        cells[row["unit"], key(row)].append(
            f'<a href="{to_records}{package.page[row["id"]]}">{text(figure_text(row))}</a> '
            f'<span class="measure">{text(row["measure"])}</span>'
        )
    head = "".join(
        f'<th scope="col">{text(timeline.human_date(c[1], c[2]) if not c[0] else "undated")}'
        f'<br><span class="source">{text(seed_titles.get(c[3], c[3]))}</span></th>'
        for c in columns_
    )
    body = "\n".join(
        f'<tr><th scope="row">{text(unit)}</th>'
        + "".join(f"<td>{'<br>'.join(cells.get((unit, c), ()))}</td>" for c in columns_)
        + "</tr>"
        for unit in units
    )
    name = attribute(package.labels.get(subject_id, subject_id))
    return (
        f'<div class="scroll" tabindex="0" role="region" aria-label="Figures of {name}">\n'
        f'<table class="figures" data-subject="{attribute(subject_id)}">\n'
        f'<thead><tr><th scope="col">unit</th>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</div>'
    )


def statistics_figures_html(package: Package, seed_titles: Mapping[str, str]) -> Markup:
    """The statistics page's comparison: for each subject (at most MAX_FIGURE_SUBJECTS, those with the most
    figures), its label linked and its figures side by side."""
    subjects = sorted(package.figures, key=lambda s: (-len(package.figures[s]), package.labels.get(s, s), s))
    parts = []
    for subject in subjects[:MAX_FIGURE_SUBJECTS]:
        parts.append(
            f'<section class="subject-figures" aria-label="{attribute(package.labels.get(subject, subject))}">'
            f"<h3>{_page_link(package, subject, '../records/')}</h3>\n"
            f"{figures_html(package, subject, '../records/', seed_titles)}</section>"
        )
    more = len(subjects) - MAX_FIGURE_SUBJECTS
    if more > 0:
        parts.append(
            f"<p>And {more:,d} more subjects with figures (each one's page compares its own); the "
            f"{MAX_FIGURE_SUBJECTS:d} with the most figures are shown.</p>"
        )
    return Markup("\n".join(parts))


def ties_html(package: Package, record_id: str) -> str:
    """A record's direct ties as <li>: who or what is what to whom, each linked, with the record that states it."""
    ties = package.ties_of.get(record_id)
    if not ties:
        return ""
    me = text(graph.short(package.labels.get(record_id, record_id), package.acronyms.get(record_id)))
    items = []
    for outgoing, tie in ties[:MAX_TIES_LISTED]:
        other = _page_link(package, tie.target if outgoing else tie.source)
        via = (
            f' <span class="via">(<a href="{package.page[tie.via]}"><code>{package.id_html[tie.via]}</code></a>)</span>'
            if tie.via != record_id and tie.via in package.page
            else ""
        )
        said = f'<span class="tie">{text(tie.label)}</span>'
        items.append(f"<li>{me} {said} {other}{via}</li>" if outgoing else f"<li>{other} {said} {me}{via}</li>")
    more = len(ties) - MAX_TIES_LISTED
    if more > 0:
        items.append(f"<li>and {more:,d} more ties (see the records that refer to it)</li>")
    return "\n".join(items)


MAX_TIE_TERMS = 30  # the distinct terms of a record's ties its search entry holds


def search_entries(package: Package) -> list[list[str]]:
    """The search index: [id, label, table, names, text]. Names (tab-separated): its name, acronym, title and
    aliases, and its label. Text: its own words (every text field), the labels of the records it refers to,
    and the terms of its ties ("founding-member-of", "speaker"), so that "members of BHBD" finds BHBD. search.js
    lowers and cuts them into words itself."""
    labels = package.labels
    entries = []
    by_id: dict[str, tuple[list[str], list[str]]] = {}
    for table in TABLES:
        kinds = [(f.name, f.kind) for f in table.fields]
        for row in package.tables[table.name]:
            names, words = by_id.setdefault(row["id"], ([], []))
            for name, kind in kinds:
                value = row.get(name)
                if not value:
                    continue
                if name in ("name", "acronym", "title"):
                    names.append(str(value))
                elif kind == "text":
                    words.append(str(value))
                elif kind == "ref":
                    words.append(labels.get(value, value))
    for record_id, aliases in package.aliases.items():
        by_id.setdefault(record_id, ([], []))[0].extend(aliases)
    for record_id, ties in package.ties_of.items():
        terms = list(dict.fromkeys(tie.label for _, tie in ties))[:MAX_TIE_TERMS]
        by_id.setdefault(record_id, ([], []))[1].append(" ".join(terms))
    for r in package.tables["records"]:
        names, words = by_id.get(r["id"], ([], []))
        entries.append([r["id"], r["label"], r["table"], "\t".join([*names, r["label"]]), " \u00b7 ".join(words)])
    return entries


# --- writing ---------------------------------------------------------------------------------------------


class SiteError(Exception):
    """A folder the site will not write into, or a value that cannot name one of its files: refused input."""


# Written into every site: the mark of a folder `site` may replace whole. Any other folder that is not empty
# is refused, so that no --out, by mistake or by malice, deletes a file the command did not write.
MARKER = ".anso-facts-site"
MARKER_TEXT = (
    "This folder is a review site written by `anso-facts site`, which deletes it and writes it again "
    "each time it runs.\n"
)


def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )  # no stat of base.html per page
    env.globals.update(title=METADATA["title"], version=__version__, license=METADATA["license"])
    # HTML text and attributes: autoescape; a value in a link's path: segment; a URL: link
    env.filters.update(segment=segment, link=link)
    return env


def file_name(value: str, suffix: str) -> str:
    """VALUE+SUFFIX as the name of a file in one of the site's folders; a value that could not name one there
    (a folder in it, a name too long for the file system) is refused rather than written somewhere else."""
    name = f"{value}{suffix}"
    if not value or value in (".", "..") or "/" in value or "\0" in value or len(name.encode()) > 255:
        raise SiteError(f"{value[:80]!r} cannot name a file of the site")
    return name


def seed_text_file(seed_id: str) -> str:
    """The name of a seed's text in the site's seeds/: always .txt, so that every host serves it as text/plain,
    whatever the catalogue names the file (a seed called x.html would otherwise be served as a page)."""
    return file_name(seed_id, ".txt")


def downloads(root: Path, out: Path) -> list[dict]:
    """Copy the package's files into the site; what the index lists to download. Copied, never linked: a later
    write into the site must not go through a hard link into the checkout."""
    (out / "package" / "build").mkdir(parents=True)
    shutil.copytree(root / "build", out / "package" / "build", copy_function=shutil.copyfile, dirs_exist_ok=True)
    shutil.copyfile(root / "datapackage.json", out / "package" / "datapackage.json")
    shutil.copyfile(root / "CITATION.cff", out / "CITATION.cff")
    files = [
        {
            "name": "Data package (Frictionless): datapackage.json",
            "path": "package/datapackage.json",
            "format": "application/json",
        },
        {"name": "SQLite database", "path": DATABASE, "format": "application/vnd.sqlite3"},
        {
            "name": "W3C Web Annotations of every citation and evidence",
            "path": ANNOTATIONS,
            "format": "application/ld+json",
        },
        {"name": "CITATION.cff", "path": "CITATION.cff", "format": "application/x-yaml"},
    ]
    archive = root / "dist" / f"anso-facts-{__version__}.zip"
    if archive.is_file():  # made by `anso-facts release` (the release workflow runs it before the site)
        shutil.copyfile(archive, out / archive.name)
        files.insert(0, {"name": f"Release archive {__version__}", "path": archive.name, "format": "application/zip"})
    return files


def write_site(project: Project, root: Path, target: Path | None = None) -> Path:
    """Write the review site of the built package in `root` into `target` (default ROOT/site), whole or not at
    all; return its path. `target` must be missing, an empty folder or a site written before (SiteError if
    not, before anything is written or deleted)."""
    target = Path(os.path.abspath(target or root / "site"))
    refuse_unless_ours(target, root)
    out, old = scratch_folder(target, "partial"), scratch_folder(target, "old")
    for leftover in (out, old):  # of a run that was stopped: removed if ours, else refused
        _remove_if_ours(leftover, "is in the way of the site's scratch folder")
    out.mkdir(parents=True)
    try:
        (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        with collector_paused():  # the package is a million small objects and no cycle
            _write_all(project, root, out)
        replace_folder(out, target)
    finally:
        shutil.rmtree(out, ignore_errors=True)  # made above: ours (gone once renamed into place)
    return target


def scratch_folder(target: Path, kind: str) -> Path:
    """The folder beside `target` where its next version is written (partial), or the last one waits to be
    deleted (old)."""
    return target.with_name(f".{target.name}.{kind}")


def is_site(folder: Path) -> bool:
    """Whether `folder` is a folder (not a link to one) that `site` wrote: its marker is a file saying so."""
    marker = folder / MARKER
    try:
        if folder.is_symlink() or not folder.is_dir() or marker.is_symlink() or not marker.is_file():
            return False
        with marker.open("rb") as file:
            return file.read(len(MARKER_TEXT.encode()) + 1) == MARKER_TEXT.encode()
    except OSError:
        return False


def _is_empty_folder(path: Path) -> bool:
    return not path.is_symlink() and path.is_dir() and next(path.iterdir(), None) is None


def refuse_unless_ours(target: Path, root: Path) -> None:
    """Refuse (SiteError) a target that is not a missing or empty folder or a site `site` wrote: a link, a
    file, a folder of something else, the checkout or a folder that holds it."""
    where = f"will not write the site into {target}"
    if target.is_symlink():
        raise SiteError(f"{where}: it is a symbolic link; give the folder itself")
    resolved, checkout = target.resolve(), root.resolve()
    if resolved == checkout or resolved in checkout.parents:
        raise SiteError(f"{where}: it holds the checkout {root}; give a folder of its own, such as {root / 'site'}")
    if target.exists() and not target.is_dir():
        raise SiteError(f"{where}: it is not a folder")
    if target.exists() and not _is_empty_folder(target) and not is_site(target):
        raise SiteError(
            f"{where}: it is not empty and holds no {MARKER} (it is no site written by anso-facts); "
            f"give an empty or new folder"
        )


def _remove_if_ours(path: Path, what: str) -> None:
    """Delete `path` if it is an empty folder or a site `site` wrote; refuse (SiteError) anything else there."""
    if not path.exists() and not path.is_symlink():
        return
    if _is_empty_folder(path):
        path.rmdir()  # removes nothing else: fails if a file was added meanwhile
    elif is_site(path):
        shutil.rmtree(path)
    else:
        raise SiteError(f"{path} {what} and was not written by anso-facts site; move it away")


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder `new` where `target` is, in two renames: a reader sees the old site or the new one. Only
    an empty folder or a site is replaced, and only what was renamed from `target` is deleted."""
    old = scratch_folder(target, "old")
    if old.exists() or old.is_symlink():  # a rename onto an empty folder would replace it
        raise SiteError(f"{old} is in the way of the site's scratch folder; move it away")
    if _is_empty_folder(target):
        target.rmdir()
    elif target.exists() or target.is_symlink():
        if not is_site(target):
            raise SiteError(f"will not replace {target}: it is no site written by anso-facts")
        target.rename(old)
    new.rename(target)
    if is_site(old):
        shutil.rmtree(old)


RECORD_PARTS = 8  # the record pages are written in this many tasks, every 8th record in each


def _write_all(project: Project, root: Path, out: Path) -> None:
    """Write the site's parts as tasks, in one forked process per core, each of which reads the package itself
    (forked with the package in memory, they would copy most of it as they touched it: reading an object
    writes its reference count)."""
    _make_folders(out)
    for _ in in_processes(_SiteTasks.run, _SiteTasks(project, root, out), list(range(len(TASKS))), cores()):
        pass


def write_pages(package: Package, root: Path, out: Path) -> None:
    """Every part of the site made from `package` (and the files of `root` it offers to download), in turn,
    into the new folder `out`."""
    _make_folders(out)
    for task in TASKS:
        task(package, root, out)


def _make_folders(out: Path) -> None:
    for folder in ("records", "tables", "seeds", "graphs"):
        (out / folder).mkdir()


@dataclass
class _SiteTasks:
    """What each process that writes part of the site is given; it reads the package once, for its first task."""

    project: Project
    root: Path
    out: Path

    @cached_property
    def package(self) -> Package:
        return read_package(self.root, Sources(self.project))

    def run(self, task: int) -> None:
        TASKS[task](self.package, self.root, self.out)


def _write_database(package: Package, root: Path, out: Path) -> None:
    write_database(package.tables, out / DATABASE, package_enums(root))


def _write_index_and_tables(package: Package, root: Path, out: Path) -> None:
    """The static files, the package's files to download, the index (with its signposting links, linkset.json,
    dataset.jsonld, datacite.xml and versions.json beside it) and the table pages."""
    from anso_facts.model.card import temporal_coverage
    from anso_facts.release.archive import versions_index

    env = environment()
    for name in STATIC:
        shutil.copyfile(TEMPLATES / name, out / name)
    (out / "metadata.json").write_text(_json(datasette_metadata()), encoding="utf-8")
    files = downloads(root, out)
    seeds = package.tables["seeds"]
    for seed in seeds:
        copy_seed_text(root, seed, out)
    counts = {t.name: len(package.tables[t.name]) for t in ALL_TABLES}
    jsonld = schema_org_dataset(
        [{"name": f["name"], "contentUrl": f["path"], "encodingFormat": f["format"]} for f in files],
        [{"name": seed["title"], "url": f"seeds/{segment(seed_text_file(seed['id']))}"} for seed in seeds],
        temporal_coverage=temporal_coverage(root),
    )
    (out / "dataset.jsonld").write_text(_json(jsonld), encoding="utf-8")
    shutil.copyfile(root / "build" / "datacite.xml", out / "datacite.xml")
    signposts = signposting_links(files)
    (out / "linkset.json").write_text(_json(linkset(signposts)), encoding="utf-8")
    versions = versions_index(root)
    (out / "versions.json").write_text(_json(versions), encoding="utf-8")
    _page(
        env,
        "index.html",
        out / "index.html",
        base="",
        tables=ALL_TABLES,
        counts=counts,
        seeds=seeds,
        coverage=package.sources.coverage,
        files=files,
        citation=citation_text(),
        jsonld=script_json(jsonld),
        description=METADATA["description"],
        signposts=[s for s in signposts if is_safe_url(s["href"])],
        versions=versions["versions"],
    )
    _page(
        env,
        "vocabularies.html",
        out / "vocabularies.html",
        base="",
        lists=vocabulary_lists(package.sources.vocabularies),
    )
    titles = {seed["id"]: seed["title"] for seed in seeds}
    for table in ALL_TABLES:
        rows = package.tables[table.name]
        pages = max(1, -(-len(rows) // PAGE_ROWS))
        for page in range(1, pages + 1):
            first = (page - 1) * PAGE_ROWS
            shown = rows[first : first + PAGE_ROWS]
            figures = statistics_figures_html(package, titles) if table.name == "statistics" and page == 1 else ""
            _page(
                env,
                "table.html",
                out / "tables" / table_page_name(table.name, page),
                base="../",
                table=table,
                headers=["record" if n == "id" and table in TABLES else n for n in table_columns(table)],
                count=len(rows),
                rows=table_rows_html(package, table, shown),
                figures=figures,
                page=page,
                pages=[(n, table_page_name(table.name, n)) for n in range(1, pages + 1)],
                first=first + 1,
                last=first + len(shown),
                page_rows=PAGE_ROWS,
            )


def vocabulary_lists(vocabularies: Vocabularies) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each controlled list of data/vocabularies.yaml for its page: name, what it is for, and each term with its
    definition (a relation's with the tables it joins)."""
    lists = []
    for name, terms in vocabularies.terms.items():
        rows = []
        for term, definition in terms.items():
            relation = vocabularies.relations.get(term) if name == "relations" else None
            joins = (
                f" (subject in {', '.join(relation.subjects)}; object in {', '.join(relation.objects)})"
                if relation
                else ""
            )
            rows.append((term, definition + joins))
        lists.append((name, LISTS.get(name, ""), rows))
    return lists


def _map_link(package: Package, to_records: str):
    """A function: a record's id -> its label linked to its page, from a page `to_records` leads to records/ from."""
    return lambda record_id: _page_link(package, record_id, to_records)


def _map_page(
    env, package: Package, path: Path, base: str, heading: str, intro: str, ties: list[graph.Tie], limit: int, **context
) -> None:
    """A page with the map of `ties` (at most `limit` nodes: graph.capped) and the same ties as a table."""
    nodes, shown, total = graph.capped(ties, limit)
    places = graph.layout(nodes, shown)
    to_records = f"{base}records/"
    picture = graph.svg(nodes, shown, places, package.labels, package.kinds, package.acronyms, to_records)
    if total > len(nodes):
        intro += (
            f" Of its {total:,d} records with ties, the {len(nodes):,d} with the most ties are drawn, with the "
            f"{len(shown):,d} ties between them; each record's page lists all of its own."
        )
    else:
        intro += f" {len(nodes):,d} records and {len(shown):,d} ties."
    _page(
        env,
        "graph.html",
        path,
        base=base,
        heading=heading,
        intro=intro,
        svg=picture,
        legend=graph.LEGEND,
        ties=graph.ties_table(shown, _map_link(package, to_records)),
        **context,
    )


def _write_maps(package: Package, root: Path, out: Path) -> None:
    """The map of ties of the whole package (graph.html) and the timeline (timeline.html)."""
    env = environment()
    seeds = [
        (seed["id"], seed["title"], f"graphs/{segment(file_name(seed['id'], '.html'))}")
        for seed in package.tables["seeds"]
    ]
    _map_page(
        env,
        package,
        out / "graph.html",
        "",
        "Map of ties",
        "Organizations, people, events, resources and agreements, and how they are tied: relations, roles, "
        "participations and what is part of what. Each node links to its record; the table below the map "
        "says the same.",
        package.ties,
        graph.MAX_NODES,
        seeds=seeds,
    )
    items = timeline.dated_facts(package.tables)
    shown = timeline.sampled(items)
    note = (
        ""
        if len(shown) == len(items)
        else (
            f" The package has {len(items):,d} dated facts: every {-(-len(items) // timeline.MAX_ITEMS):d}th, in date "
            f"order, is drawn ({len(shown):,d})."
        )
    )
    _page(
        env,
        "timeline.html",
        out / "timeline.html",
        base="",
        count=len(items),
        note=note,
        svg=timeline.svg(shown, package.labels, "records/"),
    )


def _write_seed_maps(package: Package, root: Path, out: Path) -> None:
    """graphs/SEED.html: the map of the ties a seed states (those whose record cites it)."""
    env = environment()
    by_seed: dict[str, list[graph.Tie]] = defaultdict(list)
    for tie in package.ties:
        for seed_id in package.seeds_of.get(tie.via, ()):
            by_seed[seed_id].append(tie)
    for seed in package.tables["seeds"]:
        _map_page(
            env,
            package,
            out / "graphs" / file_name(seed["id"], ".html"),
            "../",
            f"Map of ties: {seed['title']}",
            "The ties this seed states: relations, roles, participations and what is part of what, whose "
            "records cite it. Each node links to its record.",
            by_seed.get(seed["id"], []),
            graph.MAX_SEED_NODES,
            seeds=[],
            seed=seed,
        )


def copy_seed_text(root: Path, seed: dict, out: Path) -> None:
    """Copy a seed's file (a plain name in seeds/, not a link) into the site's seeds/ as ID.txt."""
    source = root / "seeds" / file_name(seed["file"], "")
    if source.is_symlink():
        raise SiteError(f"seeds/{seed['file']} is a symbolic link: the site publishes only the checkout's own files")
    shutil.copyfile(source, out / "seeds" / seed_text_file(seed["id"]))


def _write_annotations(package: Package, root: Path, out: Path) -> None:
    seed_texts = {
        seed["id"]: (seed_text_file(seed["id"]), package.sources.texts[seed["id"]].text)
        for seed in package.tables["seeds"]
    }
    collection = annotation_collection(
        package.tables["citations"], package.labels, seed_texts, package.tables["evidence"]
    )
    (out / ANNOTATIONS).write_text(_json(collection), encoding="utf-8")


def _write_search_index(package: Package, root: Path, out: Path) -> None:
    (out / "search-index.js").write_text(
        f"window.ANSO_SEARCH = {script_json(search_entries(package))};\n", encoding="utf-8"
    )


def frame(env, base: str) -> tuple[str, str, str]:
    """base.html for the pages of one folder, rendered once and cut where a page's title and main part go."""
    slot = "\x00"
    html = env.from_string(
        '{% extends "base.html" %}{% block title %}{{ slot }}{% endblock %}'
        "{% block main %}{{ slot }}{% endblock %}"
        '{% block scripts %}<script src="{{ base }}evidence.js"></script>\n{% endblock %}'
    ).render(base=base, slot=slot)
    before, middle, after = html.split(slot)
    return before, middle, after


def _write_record_pages(package: Package, root: Path, out: Path, part: int = 0, parts: int = 1) -> None:
    """Every `parts`-th record's page, from the `part`-th on: its main part in the frame of base.html."""
    before, middle, after = frame(environment(), "../")
    titles = {seed["id"]: seed["title"] for seed in package.tables["seeds"]}
    rows = [(table, row) for table in TABLES for row in package.tables[table.name]]
    folder = out / "records"
    for table, row in rows[part::parts]:
        main = record_main_html(package, table, row, titles)
        _write_new_file(
            f"{folder}/{file_name(row['id'], '.html')}",
            f"{before}{package.label_html[row['id']]}{middle}{main}\n{after}".encode(),
        )


def _write_new_file(path: str, data: bytes) -> None:
    """Write a file in the fewest system calls: Python's open() adds three to each of 100,000 pages."""
    # as open() does, but a file already there (or a link) is an error: each page is new, made once
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _write_seed_pages(package: Package, root: Path, out: Path) -> None:
    template = environment().get_template("seed.html")
    for seed in package.tables["seeds"]:
        html = template.render(
            base="../",
            seed=seed,
            lines=seed_lines_html(package, seed["id"]),
            cover=package.sources.coverage[seed["id"]],
            cite_seed=seed_scalar(seed["id"]),
        )
        (out / "seeds" / file_name(seed["id"], ".html")).write_text(html, encoding="utf-8")


def _page(env, template: str, path: Path, **context) -> None:
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")


def _json(data) -> str:
    """JSON on one line (Python's C encoder, many times faster than an indented dump on 100,000 records), safe
    in a <script> element as every JSON the site writes."""
    return f"{script_json(data)}\n"


TASKS: tuple[Callable[[Package, Path, Path], object], ...] = (  # the longest first
    _write_database,
    _write_annotations,
    _write_index_and_tables,
    _write_seed_pages,
    _write_maps,
    _write_seed_maps,
    _write_search_index,
    *(partial(_write_record_pages, part=part, parts=RECORD_PARTS) for part in range(RECORD_PARTS)),
)
