"""Site stage: the built package -> `site/`, a static review site where every fact stands beside its source.

Plain HTML and CSS from the Jinja2 templates in site_templates/, a little JavaScript for search, no external
request: it works opened from file:// and served by any static host. Pages: the index (coverage, tables,
citation, downloads, schema.org JSON-LD), one per table, one per record (records/ID.html: its fields, what
refers to it, and each citation as its seed passage with the quote marked at its character offsets), one per
seed (the whole text, every quoted passage marked and linked, excluded and uncited lines shown). Beside them:
the SQLite file with Datasette's metadata.json, the W3C annotations, and the package's files to download."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import re
import shutil
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow.parquet as pq
from markupsafe import Markup, escape

from . import __version__
from .annotations import FILE_NAME as ANNOTATIONS
from .annotations import annotation_collection
from .coverage import SeedCoverage, coverage
from .database import FILE_NAME as DATABASE
from .database import datasette_metadata, write_database
from .labels import date_text
from .metadata import METADATA, citation_text, schema_org_dataset
from .model import ALL_TABLES, TABLES, Table
from .schemas import columns
from .seedtext import SeedText

if TYPE_CHECKING:
    from .checked import Project

TEMPLATES = Path(__file__).with_name("site_templates")
STATIC = ("style.css", "search.js")
_RECORD_LINE = re.compile(r"^-[ \t]+id:[ \t]*[\"']?([a-z0-9-]+)", re.MULTILINE)


@dataclass(frozen=True)
class Cite:
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


@dataclass(frozen=True)
class Sources:
    """What the checked project knows of the sources: the seed texts, their coverage, the excluded lines and
    where each record is curated."""

    texts: dict[str, SeedText]
    coverage: dict[str, SeedCoverage]
    exclusions: dict[str, dict[int, str]]  # seed id -> line -> reason
    curated: dict[str, str]  # record id -> data/FILE.yaml:LINE


@dataclass
class Package:
    """What the pages are made from: the built tables, and what the checked project knows of the sources."""

    tables: dict[str, list[dict]]
    sources: Sources
    labels: dict[str, str] = field(init=False)
    table_of: dict[str, str] = field(init=False)
    cites: dict[str, list[Cite]] = field(init=False)  # record id -> its citations, in order
    seed_cites: dict[str, list[Cite]] = field(init=False)  # seed id -> its citations, by place in the text
    inferred: dict[str, dict[str, str]] = field(init=False)
    referrers: dict[str, list[tuple[str, str]]] = field(init=False)  # id -> (referring id, field)
    aliases: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        records = self.tables["records"]
        self.labels = {r["id"]: r["label"] for r in records}
        self.table_of = {r["id"]: r["table"] for r in records}
        self.cites, self.seed_cites = defaultdict(list), defaultdict(list)
        for row in self.tables["citations"]:
            cite = Cite(**{k: row[k] for k in Cite.__dataclass_fields__})
            self.cites[cite.record_id].append(cite)
            self.seed_cites[cite.seed_id].append(cite)
        for cites in self.seed_cites.values():
            cites.sort(key=lambda c: (c.char_start, c.char_end, c.record_id))
        self.inferred = defaultdict(dict)
        for row in self.tables["inferences"]:
            self.inferred[row["record_id"]][row["field"]] = row["reason"]
        self.aliases = defaultdict(list)
        for row in self.tables["aliases"]:
            self.aliases[row["organization_id"]].append(row["alias"])
        self.referrers = defaultdict(list)
        for table in TABLES:
            refs = [f.name for f in table.fields if f.kind == "ref"]
            for row in self.tables[table.name] if refs else ():
                for name in refs:
                    if row[name]:
                        self.referrers[row[name]].append((row["id"], name))


def project_sources(project: Project) -> Sources:
    catalogue = project.catalogue
    exclusions: dict[str, dict[int, str]] = {}
    for seed in catalogue.records:
        exclusions[seed.id] = {}
        for exclusion in seed.data.get("excluded", ()):
            first, _, last = str(exclusion["lines"]).partition("-")
            for line in range(int(first), int(last or first) + 1):
                exclusions[seed.id][line] = exclusion["reason"]
    return Sources({seed.id: catalogue.seed_texts[seed.id] for seed in catalogue.records},
                   {c.seed_id: c for c in coverage(project)}, exclusions, curated_places(project))


def read_package(root: Path, sources: Sources) -> Package:
    """The built tables of `root`, with what the project knows of their sources."""
    tables = {t.name: pq.read_table(root / "build" / "parquet" / f"{t.name}.parquet").to_pylist()
              for t in ALL_TABLES}
    return Package(tables, sources)


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
    return date_text(row[name], row[f"{name}_precision"]) or ""


@dataclass(frozen=True)
class ShownField:
    """A field of a record as its page shows it."""

    name: str
    value: str = ""
    items: tuple[str, ...] = ()  # a list field's values
    ref: str | None = None  # the id a reference points to
    url: str | None = None
    inferred: str | None = None  # why the value was inferred, if it was


def record_fields(package: Package, table: Table, row: dict) -> list[ShownField]:
    """Each field of a record that has a value."""
    out = []
    for f in table.fields:
        if f.kind == "list" and package.aliases.get(row["id"]):
            out.append(ShownField(f.name, items=tuple(package.aliases[row["id"]])))
        if f.kind in ("id", "list"):
            continue
        value = shown_date(row, f.name) if f.kind == "date" else row[f.name]
        if value is None or value == "":
            continue
        out.append(ShownField(f.name, str(value), ref=value if f.kind == "ref" else None,
                              url=value if f.kind == "url" else None,
                              inferred=package.inferred.get(row["id"], {}).get(f.name)))
    return out


def passage(text: SeedText, cite: Cite) -> Markup:
    """The cited lines as HTML, the quote in one <mark> at exactly its offsets. Each line starts with an empty
    element whose number CSS shows (generated content is no part of the text, so the mark's text is the seed's)."""
    start = text.line_offsets[cite.line_start - 1]
    end = text.line_offsets[cite.line_end - 1] + len(text.line(cite.line_end))
    s, e = cite.char_start, cite.char_end
    return (_numbered(text, start, s) + Markup(f'<mark data-start="{s}" data-end="{e}">') + _numbered(text, s, e)
            + Markup("</mark>") + _numbered(text, e, end))


def _numbered(text: SeedText, start: int, end: int) -> Markup:
    """text[start:end] as HTML, with a line number element where each line begins."""
    html, position = Markup(), start
    first = bisect_left(text.line_offsets, start)
    for number, line_start in enumerate(text.line_offsets[first:bisect_left(text.line_offsets, end)], first + 1):
        html += escape(text.text[position:line_start]) + Markup(f'<span class="ln" data-n="{number}"></span>')
        position = line_start
    return html + escape(text.text[position:end])


def seed_lines(package: Package, seed_id: str) -> list[dict]:
    """Every line of a seed: its number, its text as HTML with the quoted stretches marked (an anchor where each
    citation starts), the citations on it, and its state: cited, excluded (with the reason), uncited or blank."""
    text, cover = package.sources.texts[seed_id], package.sources.coverage[seed_id]
    cites_by_line: dict[int, list[Cite]] = defaultdict(list)
    for cite in package.seed_cites.get(seed_id, []):
        for line in range(text.line_of(cite.char_start), text.line_of(cite.char_end - 1) + 1):
            cites_by_line[line].append(cite)
    out = []
    for number in range(1, text.line_count + 1):
        content = text.line(number)
        start = text.line_offsets[number - 1]
        cites = cites_by_line.get(number, [])
        state = ("blank" if not content.strip() else "cited" if number in cover.cited
                 else "excluded" if number in cover.excluded else "uncited")
        out.append({"number": number, "html": _marked(text.text, start, start + len(content), cites),
                    "cites": [c for c in cites if text.line_of(c.char_start) == number], "state": state,
                    "reason": package.sources.exclusions[seed_id].get(number)})
    return out


def _marked(text: str, start: int, end: int, cites: list[Cite]) -> Markup:
    """text[start:end] as HTML, each stretch that some citation quotes in a <mark>."""
    points = sorted({start, end} | {p for c in cites for p in (c.char_start, c.char_end) if start < p < end})
    html = Markup()
    for p, q in zip(points, points[1:], strict=False):
        piece = escape(text[p:q])
        covering = [c for c in cites if c.char_start < q and c.char_end > p]
        if not covering:
            html += piece
            continue
        anchors = Markup("").join(Markup(f'<span class="anchor" id="{c.anchor}"></span>')
                                  for c in covering if c.char_start == p)
        html += Markup('<mark title="{}">').format(", ".join(c.id for c in covering)) + anchors + piece + \
            Markup("</mark>")
    return html


def table_columns(table: Table) -> list[str]:
    """The columns a table's page shows: for a curated table, each record by its label; for a derived one, its
    columns (a citation's quote is on its record's page)."""
    if table in TABLES:
        return ["id"]
    hidden = {("citations", "quote"), ("records", "label")}
    return [c.name for c in columns(table) if (table.name, c.name) not in hidden and c.part != "precision"]


def table_rows_html(package: Package, table: Table) -> Markup:
    """Every row of a table as <tr> elements, ids and references as links labelled with the record's label.
    Made here rather than in the template: a table may have 100,000 rows."""
    names = table_columns(table)
    refs = {f.name for f in table.fields if f.kind in ("ref", "id")} & {"id", "record_id", *names}
    kinds = {c.name: c.type for c in columns(table)}
    labels = package.labels
    cells = []
    for row in package.tables[table.name]:
        out = []
        for name in names:
            value = row[name]
            if value is None:
                out.append("<td></td>")
            elif name in refs and value in labels:
                link = f'<a href="../records/{value}.html">{escape(labels[value])}</a>'
                out.append(f"<td>{link} <code>{value}</code></td>")
            elif kinds[name] == "date":
                out.append(f"<td>{shown_date(row, name)}</td>")
            else:
                out.append(f"<td>{escape(value)}</td>")
        cells.append("<tr>" + "".join(out) + "</tr>")
    return Markup("\n".join(cells))


def search_entries(package: Package) -> list[list[str]]:
    """The search index: [id, label, table, names (lower case, tab-separated), text (lower case)]."""
    names_by_id: dict[str, list[str]] = defaultdict(list)
    text_by_id: dict[str, list[str]] = defaultdict(list)
    for table in TABLES:
        for row in package.tables[table.name]:
            for f in table.fields:
                value = row.get(f.name)
                if f.name in ("name", "acronym", "title"):
                    names_by_id[row["id"]].append(str(value or ""))
                elif f.kind == "text" and value:
                    text_by_id[row["id"]].append(str(value))
    for record_id, aliases in package.aliases.items():
        names_by_id[record_id] += aliases
    return [[r["id"], r["label"], r["table"], "\t".join(n for n in names_by_id[r["id"]] if n).lower(),
             " ".join([r["label"], *text_by_id[r["id"]]]).lower()] for r in package.tables["records"]]


# --- writing ---------------------------------------------------------------------------------------------

def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(title=METADATA["title"], version=__version__, license=METADATA["license"])
    return env


def downloads(root: Path, out: Path) -> list[dict]:
    """Copy the package's files into the site; what the index lists to download."""
    from .write import link_or_copy
    (out / "package" / "build").mkdir(parents=True)
    shutil.copytree(root / "build", out / "package" / "build", copy_function=link_or_copy, dirs_exist_ok=True)
    link_or_copy(root / "datapackage.json", out / "package" / "datapackage.json")
    link_or_copy(root / "CITATION.cff", out / "CITATION.cff")
    files = [{"name": "Data package (Frictionless): datapackage.json", "path": "package/datapackage.json",
              "format": "application/json"},
             {"name": "SQLite database", "path": DATABASE, "format": "application/vnd.sqlite3"},
             {"name": "W3C Web Annotations of every citation", "path": ANNOTATIONS, "format": "application/ld+json"},
             {"name": "CITATION.cff", "path": "CITATION.cff", "format": "application/x-yaml"}]
    archive = root / "dist" / f"anso-facts-{__version__}.zip"
    if archive.is_file():  # made by `anso-facts release` (the release workflow runs it before the site)
        link_or_copy(archive, out / archive.name)
        files.insert(0, {"name": f"Release archive {__version__}", "path": archive.name, "format": "application/zip"})
    return files


def write_site(project: Project, root: Path, target: Path | None = None) -> Path:
    """Write the review site of the built package in `root` into `target` (default ROOT/site), whole or not at
    all; return its path."""
    target = target or root / "site"
    out = target.with_name(f".{target.name}.partial")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    try:
        _write_all(project, root, out)
        replace_folder(out, target)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return target


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder `new` where `target` is, in two renames: a reader sees the old site or the new one."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _write_all(project: Project, root: Path, out: Path) -> None:
    """The record and seed pages in one process per core, each reading the package itself (forked with the
    package in memory, the workers would copy most of its pages as they touch it); the rest meanwhile here."""
    sources = project_sources(project)
    for folder in ("records", "tables", "seeds"):
        (out / folder).mkdir()
    workers = os.cpu_count() or 1
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        _write_pages(root, sources, out, 0, 1)
        _write_the_rest(read_package(root, sources), root, out)
        return
    gc.freeze()  # the collector in the workers then leaves the pages they share with this process alone
    with multiprocessing.get_context("fork").Pool(workers, initializer=gc.disable) as pool:
        pages = pool.starmap_async(_write_pages, [(root, sources, out, part, workers) for part in range(workers)])
        _write_the_rest(read_package(root, sources), root, out)
        pages.get()


def _write_the_rest(package: Package, root: Path, out: Path) -> None:
    """Everything but the record and seed pages: static files, database, annotations, downloads, search index,
    the index and the table pages."""
    env = environment()
    for name in STATIC:
        shutil.copyfile(TEMPLATES / name, out / name)
    write_database(root, out / DATABASE)
    (out / "metadata.json").write_text(_json(datasette_metadata()), encoding="utf-8")
    seed_texts = {seed["id"]: (seed["file"], package.sources.texts[seed["id"]].text)
                  for seed in package.tables["seeds"]}
    collection = annotation_collection(package.tables["citations"], package.labels, seed_texts)
    (out / ANNOTATIONS).write_text(_json(collection), encoding="utf-8")
    files = downloads(root, out)
    (out / "search-index.js").write_text(f"window.ANSO_SEARCH = {_json(search_entries(package)).strip()};\n",
                                         encoding="utf-8")
    seeds = package.tables["seeds"]
    for seed in seeds:
        shutil.copyfile(root / "seeds" / seed["file"], out / "seeds" / seed["file"])
    counts = {t.name: len(package.tables[t.name]) for t in ALL_TABLES}
    jsonld = schema_org_dataset([{"name": f["name"], "contentUrl": f["path"], "encodingFormat": f["format"]}
                                 for f in files],
                                [{"name": seed["title"], "url": f"seeds/{seed['file']}"} for seed in seeds])
    _page(env, "index.html", out / "index.html", base="", tables=ALL_TABLES, counts=counts, seeds=seeds,
          coverage=package.sources.coverage, files=files, citation=citation_text(), jsonld=_json(jsonld).strip(),
          description=METADATA["description"])
    for table in ALL_TABLES:
        names = table_columns(table)
        _page(env, "table.html", out / "tables" / f"{table.name}.html", base="../", table=table,
              headers=["record" if names == ["id"] else n for n in names],
              count=len(package.tables[table.name]), rows=table_rows_html(package, table))


def _write_pages(root: Path, sources: Sources, out: Path, part: int, parts: int) -> None:
    """Every `parts`-th record page and seed page, from the `part`-th on."""
    package = read_package(root, sources)
    env = environment()
    record_page, seed_page = env.get_template("record.html"), env.get_template("seed.html")
    seeds = _by_id(package.tables["seeds"])
    rows = [(table, row) for table in TABLES for row in package.tables[table.name]]
    for table, row in rows[part::parts]:
        record_id = row["id"]
        cites = [(cite, passage(package.sources.texts[cite.seed_id], cite))
                 for cite in package.cites.get(record_id, [])]
        html = record_page.render(base="../", package=package, table=table, row=row,
                                  fields=record_fields(package, table, row), cites=cites,
                                  referrers=package.referrers.get(record_id, []),
                                  curated=package.sources.curated.get(record_id), seeds=seeds)
        (out / "records" / f"{record_id}.html").write_text(html, encoding="utf-8")
    for seed in package.tables["seeds"][part::parts]:
        html = seed_page.render(base="../", seed=seed, package=package, lines=seed_lines(package, seed["id"]),
                                cover=package.sources.coverage[seed["id"]])
        (out / "seeds" / f"{seed['id']}.html").write_text(html, encoding="utf-8")


def _by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["id"]: row for row in rows}


def _page(env, template: str, path: Path, **context) -> None:
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")


def _json(data) -> str:
    """JSON on one line: Python's C encoder, many times faster than an indented dump on 100,000 records."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
