"""The review site, the SQLite database and the W3C annotations, made from the real facts; the site driven in
Debian's Chromium through Playwright, the database served by a real Datasette."""

import json
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import anso_facts
from anso_facts.cli import main
from anso_facts.model.tables import ALL_TABLES, TABLES
from anso_facts.site.html_contexts import segment
from anso_facts.site.map_pages import write_seed_maps
from anso_facts.site.record_pages import write_record_pages
from anso_facts.site.seed_pages import write_seed_pages
from anso_facts.site.write import site_tasks, write_site
from helpers import REPO, build_project, copy_real_project

ARTIFACTS = REPO / "test-artifacts"  # screenshots, not committed
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real facts built, and their site written, in a scratch project; returns the site's folder."""
    root = copy_real_project(tmp_path_factory.mktemp("site"))
    project = build_project(root)
    return write_site(project, root)


def seed_text(site: Path, seed_id: str) -> str:
    """A seed's text as the site publishes it: seeds/ID.txt, always text."""
    return (site / "seeds" / f"{seed_id}.txt").read_text(encoding="utf-8")


def citations(site: Path):
    return anso_facts.load("citations", site / "package")


# --- pages, checked as files ----------------------------------------------------------------------------------


def test_every_record_has_a_page_every_table_and_seed_too(site):
    records = anso_facts.load("records", site / "package")
    assert sorted(p.stem for p in (site / "records").glob("*.html")) == sorted(records["id"])
    assert sorted(p.stem for p in (site / "tables").glob("*.html")) == sorted(t.name for t in ALL_TABLES)
    seeds = anso_facts.load("seeds", site / "package")
    assert sorted(p.stem for p in (site / "seeds").glob("*.html")) == sorted(seeds["id"])


def test_median_record_page_is_under_30_kb(site):
    """The issue's weight limit, on the real facts."""
    sizes = [p.stat().st_size for p in (site / "records").glob("*.html")]
    assert statistics.median(sizes) < 30_000


@pytest.mark.parametrize("cores", [1, 2, 3, 5])
def test_workers_and_a_single_process_write_the_same_site(site, tmp_path, monkeypatch, cores):
    """The site's parts are written by forked workers, or in turn by one process where there is one core: the
    same files, byte for byte, however many processes share the record pages (3 cores: 2 of them, each every
    other record; 5 cores: 3)."""
    root = site.parent
    project = build_project(root)
    monkeypatch.setattr("os.cpu_count", lambda: cores)  # support.parallel.cores()
    other = write_site(project, root, tmp_path / "other")
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file())
    assert sum(f.parts[0] == "records" for f in files) > 200
    assert [f for f in files if (site / f).read_bytes() != (other / f).read_bytes()] == []


def test_the_record_pages_take_half_of_the_processes():
    """The record pages are half of the site's work: with one process they are one task among the others, with
    two one process's task, with five three tasks (each writing every third record). The seeds' maps and pages
    are cut in a part a process; every other part of the site is one task."""
    for processes, record_parts in ((0, 1), (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (16, 8)):
        tasks = site_tasks(processes)
        parts = {
            write: [(t.keywords["part"], t.keywords["parts"]) for t in tasks if getattr(t, "func", None) is write]
            for write in (write_record_pages, write_seed_maps, write_seed_pages)
        }
        seed_parts = max(1, processes)
        assert parts == {
            write_record_pages: [(i, record_parts) for i in range(record_parts)],
            write_seed_maps: [(i, seed_parts) for i in range(seed_parts)],
            write_seed_pages: [(i, seed_parts) for i in range(seed_parts)],
        }
        whole = [t for t in tasks if not hasattr(t, "func")]
        assert len(whole) == len(set(whole)) == 5


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])


def _parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_link_inside_the_site_resolves_fragment_included(site):
    pages = {p: _parsed(p) for p in site.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        for link in parsed.links:
            if re.match(r"^(https?:|data:|mailto:)", link):
                continue
            path, _, fragment = link.partition("#")
            target = (page.parent / path).resolve() if path else page
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
            elif fragment and fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(site)} -> {link} (no such id)")
    assert broken == []


def test_record_page_shows_fields_labels_inference_and_where_it_is_curated(site):
    html = (site / "records" / "role-chunli-bai-president-cas.html").read_text(encoding="utf-8")
    assert '<a href="person-chunli-bai.html">Chunli Bai</a>' in html
    assert "Curated in <code>data/facts/" in html
    line = re.search(r"Curated in <code>(data/[^:]+):(\d+)</code>", html)
    assert (site.parent / line[1]).read_text().splitlines()[int(line[2]) - 1] == "- id: role-chunli-bai-president-cas"
    inferred = anso_facts.load("inferences", site / "package").iloc[0]
    page = (site / "records" / f"{inferred.record_id}.html").read_text(encoding="utf-8")
    assert '<span class="inferred">inferred</span>' in page
    assert str(inferred.reason).replace("'", "&#39;").replace('"', "&#34;") in page


def test_seed_page_marks_excluded_lines_with_their_reason_and_shows_uncited_lines(tmp_path):
    root = copy_real_project(tmp_path)
    facts = root / "data" / "facts" / "cast-igf2021-booth.yaml"
    # drop the only record citing line 8 of the booth text (nothing refers to it): the line becomes uncited
    lines = facts.read_text(encoding="utf-8").split("\n")
    start = lines.index("- id: stmt-cast-contributions")
    end = next(i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" "))
    facts.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")
    project = build_project(root)
    page = (write_site(project, root) / "seeds" / "cast-igf2021-booth.html").read_text(encoding="utf-8")
    assert re.search(r'<li id="L8" class="uncited">.*?<span class="state">uncited</span>', page, re.S)
    assert page.count('class="uncited"') == 1
    assert re.search(r'<li id="L5" class="excluded">.*?excluded: section heading', page, re.S)


def test_index_has_coverage_tables_citation_downloads_and_schema_org_json_ld(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    dataset = json.loads(block[1])
    assert dataset["@type"] == "Dataset" and dataset["version"] == anso_facts.__version__
    for key in (
        "name",
        "description",
        "license",
        "creator",
        "keywords",
        "distribution",
        "variableMeasured",
        "citation",
    ):
        assert dataset[key], key
    for download in dataset["distribution"]:
        assert (site / download["contentUrl"]).is_file(), download
    for table in ALL_TABLES:
        assert f'href="tables/{table.name}.html"' in html and f'href="package/build/csv/{table.name}.csv"' in html
    assert "100.0%" in html and "How to cite" in html


def test_site_command_builds_first_and_writes_nothing_when_the_check_fails(project, capsys):
    assert main(["--root", str(project), "site"]) == 0
    assert (project / "site" / "records" / "org-cast.html").is_file()
    before = (project / "site" / "index.html").read_bytes()
    facts = project / "data" / "entities" / "organizations.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("- id: org-cast\n", "- id: org-cast\n  bogus: 1\n"), encoding="utf-8"
    )
    assert main(["--root", str(project), "site"]) == 1
    assert "unknown-field" in capsys.readouterr().out
    assert (project / "site" / "index.html").read_bytes() == before
    assert not list(project.glob(".site*"))


# --- SQLite and Datasette --------------------------------------------------------------------------------------


def test_sqlite_has_every_table_typed_with_keys_indexes_and_clean_foreign_keys(site):
    db = sqlite3.connect(site / "anso-facts.sqlite")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in ALL_TABLES:
        rows = db.execute(f'SELECT COUNT(*) FROM "{table.name}"').fetchone()[0]
        assert rows == pq.read_metadata(site / "package" / "build" / "parquet" / f"{table.name}.parquet").num_rows
        info = {row[1]: row for row in db.execute(f'PRAGMA table_info("{table.name}")')}
        assert all(row[2] in ("TEXT", "INTEGER") for row in info.values())
        assert [name for name, row in sorted(info.items(), key=lambda i: i[1][5]) if row[5]] == list(table.primary_key)
        keys = {row[3] for row in db.execute(f'PRAGMA foreign_key_list("{table.name}")')}
        refs = {f.name for f in table.fields if f.kind == "ref"}
        assert keys == refs
        indexed = {
            db.execute(f'PRAGMA index_info("{row[1]}")').fetchone()[2]
            for row in db.execute(f'PRAGMA index_list("{table.name}")')
            if row[3] == "c"
        }
        assert refs <= indexed
    db.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):  # the constraints are declared, not just documented
        db.execute("INSERT INTO roles (id, person_id, title) VALUES ('role-x', 'person-nobody', 'Chair')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO events (id, name, kind) VALUES ('event-x', 'X', 'party')")
    assert db.execute("SELECT date, date_precision FROM agreements").fetchone() == ("2020-07-23", "day")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def datasette(site):
    port = _free_port()
    server = subprocess.Popen(
        [
            BIN / "datasette",
            "serve",
            site / "anso-facts.sqlite",
            "--metadata",
            site / "metadata.json",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(server.stdout.read().decode())
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_datasette_serves_a_table_page_and_a_row_page_with_labelled_links(datasette):
    table = _get(datasette + "/anso-facts/roles")
    assert "Titles people hold at organizations." in table and "CC-BY-4.0" in table
    # a foreign key shown as a link labelled by the referred table's label column (metadata.json)
    assert '<a href="/anso-facts/people/person-chunli-bai">Chunli Bai</a>' in table
    row = _get(datasette + "/anso-facts/people/person-chunli-bai")
    assert "Links from other tables" in row and '<a href="/anso-facts/roles?person_id=person-chunli-bai">' in row
    data = json.loads(_get(datasette + "/anso-facts/records.json?id=org-cast&_shape=array"))
    assert data == [
        {"id": "org-cast", "table": "organizations", "label": "China Association for Science and Technology (CAST)"}
    ]


# --- W3C annotations -------------------------------------------------------------------------------------------


def test_every_annotation_reanchors_in_its_seed_by_position_and_by_quote(site):
    collection = json.loads((site / "annotations.jsonld").read_text(encoding="utf-8"))
    items = collection["first"]["items"]
    evidence = anso_facts.load("evidence", site / "package")
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == len(items) == len(citations(site)) + len(evidence)  # one per citation and row
    texts = {}
    for item in items:
        target = item["target"]
        quote, position = target["selector"]
        assert (quote["type"], position["type"]) == ("TextQuoteSelector", "TextPositionSelector")
        path = site / target["source"]
        text = texts.setdefault(path, path.read_text(encoding="utf-8"))
        start, end = position["start"], position["end"]
        assert text[start:end] == quote["exact"]
        # the quote selector alone finds the same place: its prefix, exact and suffix stand there
        found = text.find(quote["prefix"] + quote["exact"] + quote["suffix"])
        assert found + len(quote["prefix"]) == start
        bodies = item["body"] if isinstance(item["body"], list) else [item["body"]]
        assert all((site / body["id"]).is_file() for body in bodies if "id" in body)


def test_items_written_a_chunk_at_a_time_are_the_bytes_of_the_whole(tmp_path, monkeypatch):
    """The annotations are written ITEMS_AT_ONCE at a time into the list that ends the collection: the file is the
    one JSON document a single dump would write, escaped for a <script> element all the same."""
    from anso_facts.site import render
    from anso_facts.site.html_contexts import script_json_bytes

    monkeypatch.setattr(render, "ITEMS_AT_ONCE", 3)
    items = [{"n": n, "text": "</script>&\u2028" if n == 4 else f"item {n}"} for n in range(8)]
    head = {"type": "Collection", "first": {"page": 1, "items": []}}
    render.write_one_line_json(tmp_path / "chunked.json", head, iter(items))
    written = (tmp_path / "chunked.json").read_bytes()
    assert written == script_json_bytes({"type": "Collection", "first": {"page": 1, "items": items}}) + b"\n"
    assert b"</script>" not in written and json.loads(written)["first"]["items"] == items
    render.write_one_line_json(tmp_path / "empty.json", head, iter(()))
    assert json.loads((tmp_path / "empty.json").read_bytes()) == head
    with pytest.raises(ValueError, match="ends the data"):
        render.write_one_line_json(tmp_path / "bad.json", {"items": [], "after": 1}, iter(items))


def test_each_evidence_row_is_an_annotation_whose_selectors_point_at_its_words(site):
    """One annotation per evidence row: both selectors at the words that state the value (the row's offsets in
    its citation's seed), the body the record's field and value, and the record's page."""
    items = json.loads((site / "annotations.jsonld").read_text(encoding="utf-8"))["first"]["items"]
    by_id = {item["id"]: item for item in items if item["id"].startswith("urn:anso-facts:evidence:")}
    evidence = anso_facts.load("evidence", site / "package")
    seeds = citations(site).set_index("id")["seed_id"]
    assert len(by_id) == len(evidence)
    for row in evidence.itertuples():
        item = by_id[f"urn:anso-facts:evidence:{row.record_id}:{row.field}:{segment(row.value)}"]
        assert item["motivation"] == "identifying"
        words = seed_text(site, seeds[row.citation_id])[row.char_start : row.char_end]
        exact, position = item["target"]["selector"]
        assert item["target"]["source"] == f"seeds/{seeds[row.citation_id]}.txt"
        assert (exact["type"], exact["exact"]) == ("TextQuoteSelector", words)
        assert (position["type"], position["start"], position["end"]) == (
            "TextPositionSelector",
            row.char_start,
            row.char_end,
        )
        said, page = item["body"]
        assert said["type"] == "TextualBody" and said["value"] == f"{row.record_id}.{row.field} = {row.value}"
        assert page["id"] == f"records/{row.record_id}.html"
    # one by name: CAST's acronym, and the words of the booth text that state it
    cast = by_id["urn:anso-facts:evidence:org-cast:acronym:CAST"]
    assert cast["body"][0]["value"] == "org-cast.acronym = CAST"
    assert cast["target"]["selector"][0]["exact"] == "CAST"


# --- in the browser ----------------------------------------------------------------------------------------------


class Watched:
    """A page with every request, console error and page error it met."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def watched(browser):
    page = Watched(browser)
    yield page
    page.page.close()


def test_search_cast_finds_org_cast_and_loads_its_index_only_when_used(site, watched):
    page = watched.page
    page.goto((site / "index.html").as_uri())
    assert not any(url.endswith("search-index.js") for url in watched.requests)
    page.fill("#search", "CAST")
    first = page.locator("#search-results a").first
    first.wait_for()
    assert any(url.endswith("search-index.js") for url in watched.requests)
    assert first.get_attribute("href").endswith("records/org-cast.html")
    first.click()
    page.wait_for_url("**/records/org-cast.html")
    assert page.locator("h1").inner_text() == "China Association for Science and Technology (CAST)"


def test_every_mark_is_the_seed_text_at_its_citation_offsets(site, watched):
    """Every record page, parsed by the browser (one opened, the others read by its DOMParser: a navigation per
    page would cost 100 ms each): each mark's text is the seed text at its citation's offsets, in order."""
    cites = citations(site)
    texts = {seed_id: seed_text(site, seed_id) for seed_id in set(cites["seed_id"])}
    watched.page.goto((site / "records" / "org-cast.html").as_uri())
    pages = {
        record_id: (site / "records" / f"{record_id}.html").read_text(encoding="utf-8")
        for record_id in sorted(set(cites["record_id"]))
    }
    marks = watched.page.evaluate(
        """pages => Object.fromEntries(Object.entries(pages).map(([id, html]) => {
        const parsed = id === 'org-cast' ? document : new DOMParser().parseFromString(html, 'text/html');
        return [id, [...parsed.querySelectorAll('section.cite mark')].map(
            m => [m.textContent, +m.dataset.start, +m.dataset.end])];
    }))""",
        pages,
    )
    for record_id, own in cites.groupby("record_id", sort=True):
        expected = [
            [texts[c.seed_id][c.char_start : c.char_end], c.char_start, c.char_end]
            for c in own.sort_values("position").itertuples()
        ]
        assert marks[record_id] == expected, record_id
    assert sum(map(len, marks.values())) == len(cites)


def test_a_citation_leads_to_its_highlighted_passage_on_the_seed_page(site, watched):
    page = watched.page
    page.goto((site / "records" / "stat-cast-national-member-societies.html").as_uri())
    page.locator("section.cite h3 a").first.click()
    page.wait_for_url("**/seeds/cast-igf2021-booth.html#cite-stat-cast-national-member-societies-1")
    target = page.evaluate("""() => {
        const mark = document.querySelector(':target').closest('mark');
        const box = mark.getBoundingClientRect();
        return {text: mark.textContent, visible: box.top >= 0 && box.bottom <= window.innerHeight};
    }""")
    cite = citations(site).set_index("id").loc["stat-cast-national-member-societies#1"]
    assert seed_text(site, "cast-igf2021-booth")[cite.char_start :].startswith(target["text"])
    assert target["visible"]


PAGES = [
    "index.html",
    "records/org-cast.html",
    "records/role-chunli-bai-president-cas.html",
    "records/event-anso-unctad-mou-signing.html",
    "seeds/cast-igf2021-booth.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_console_error_no_request_outside_the_site_no_serious_accessibility_violation(site, watched, path):
    from axe_playwright_python.sync_playwright import Axe

    page = watched.page
    page.goto((site / path).as_uri())
    page.fill("#search", "ANSO")  # the search index is part of the page too
    page.locator("#search-results a").first.wait_for()
    page.fill("#search", "")
    outside = [
        url for url in watched.requests if not url.startswith(site.as_uri() + "/") and not url.startswith("data:")
    ]
    assert outside == [] and watched.errors == []
    violations = Axe().run(page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{path.replace('/', '-').removesuffix('.html')}.png")


def test_labels_name_every_record_readably(site):
    records = anso_facts.load("records", site / "package")
    assert records["label"].notna().all() and (records["label"].str.len() <= 80).all()
    labels = records.set_index("id")["label"]
    assert labels["role-chunli-bai-president-cas"] == "Chunli Bai: President, CAS"
    assert labels["org-cast"] == "China Association for Science and Technology (CAST)"
    assert set(records["table"]) == {t.name for t in TABLES} - {"retired_ids"}  # no id is retired yet
