"""Issue 22, classes 1 and 2: every value on the review site is escaped for the place it lands in (HTML text, an
attribute, a link, a script), hostile values in every field of every table run nothing in Chromium; seed texts
are published only as text/plain (.txt); `site --out` writes only into an empty folder or a site it wrote
before, deletes nothing else, and never hard-links a file of the checkout into the site."""

import json
import os
import re
import shutil
from collections import defaultdict
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from anso_facts.check.cite import cite_entry
from anso_facts.check.seedtext import Match, SeedText
from anso_facts.cli import main
from anso_facts.model.schemas import columns
from anso_facts.model.tables import ALL_TABLES, TABLES
from anso_facts.site.data import CheckedProject, Package, read_package
from anso_facts.site.folder import MARKER, MARKER_TEXT, SiteError, copy_checkout_tree, replace_folder
from anso_facts.site.html_contexts import attribute, is_safe_url, link, script_json, segment, text
from anso_facts.site.record_pages import MAX_TIES_LISTED, record_main_html
from anso_facts.site.table_pages import table_columns
from anso_facts.site.write import write_pages, write_site
from anso_facts.support.fast_files import write_new_file
from helpers import build_project, copy_real_project

# What would run if it reached a page unescaped: it ends a <script> element, opens one, adds an element with a
# handler, opens a comment, carries quotes, an entity and the two separators JavaScript once refused in strings.
PAYLOAD = (
    '</script><script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=1;alert(1)">'
    "<!--<svg/onload=alert(1)>\u2028\u2029\"'&amp;"
)
# The same for an id, which names a page: no "/" (refused as a file name; see test_an_id_that_is_no_file_name...)
ID_TAIL = "\"'><img src=x onerror=window.__pwned=1;alert(1)>&amp;\u2028"
# a date's precision too, and a vocabulary's term (the database checks both)
ENUMERATED = {(t.name, c.name) for t in ALL_TABLES for c in columns(t) if c.enum or c.vocabulary}
# Words of the hostile free text ("TABLE.FIELD N PAYLOAD") to underline: one an entity's name, one the payload
HOSTILE_WORDS = ("amp", "script", "onerror", "description", "summary", PAYLOAD)
HOSTILE_URLS = (
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbScript:msgbox(1)",
    "&#106;avascript:alert(1)",
)


# --- one helper per context -----------------------------------------------------------------------------------


def test_text_and_attribute_escape_every_character_that_could_leave_their_place():
    for value in (PAYLOAD, '" onmouseover="alert(1)', "' autofocus onfocus='alert(1)", "<!--", "&lt;"):
        for escaped in (text(value), attribute(value)):
            assert not set("<>\"'") & set(escaped)
            assert "&" not in escaped.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").replace(
                "&#34;", ""
            ).replace("&#39;", "")
    assert text("&lt;") == "&amp;lt;"  # escaped once more: never read back as markup


@pytest.mark.parametrize("value", ["../../etc/passwd", "a/b", "x#y?z=1", "javascript:alert(1)", ID_TAIL, "a b"])
def test_segment_keeps_a_value_inside_one_path_segment(value):
    encoded = segment(value)
    assert re.fullmatch(r"[A-Za-z0-9_.~%-]+", encoded)
    assert segment("org-cast") == "org-cast"  # a slug is left as it is: the site's links do not change


@pytest.mark.parametrize(
    "url",
    [
        *HOSTILE_URLS,
        "JAVASCRIPT:alert(1)",
        "\x00javascript:alert(1)",
        " \n javascript:alert(1)",
        "javascript\n:alert(1)",
        "java\rscript:alert(1)",
        "\u0085javascript:alert(1)",
        "javascript :alert(1)",
        "data:,hello",
        "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:x",
        "file:///etc/passwd",
        "ftp://example.org/",
        "blob:https://example.org/x",
        "jav&#x09;ascript:alert(1)",
        "javascript&colon;x:y",
        "https://example.org/ a",
        "https://example.org/\x7f",
        "",
    ],
)
def test_a_url_that_is_not_http_https_mailto_or_relative_is_shown_as_text(url):
    assert not is_safe_url(url)
    shown = link(url)
    assert "<a" not in shown and "href" not in shown
    assert shown == text(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=1&c=<2>",
        "HTTP://EXAMPLE.ORG/",
        "mailto:someone@example.org",
        "MailTo:x@y.org",
        "records/org-cast.html",
        "../seeds/a.txt#L3",
        "#L3",
        "?q=1",
        "page.html?next=javascript:alert(1)",
        "//example.org/x",
    ],
)
def test_http_https_mailto_and_relative_urls_become_links_their_value_escaped(url):
    assert is_safe_url(url)
    shown = link(url, PAYLOAD)
    match = re.fullmatch(r'<a href="([^"]*)" rel="nofollow">([^<]*)</a>', shown)
    assert match, shown
    assert match[1] == attribute(url) and match[2] == text(PAYLOAD)


def test_script_json_reads_back_the_same_data_and_cannot_end_a_script_element():
    data = {"title": PAYLOAD, "list": ["]]>", "<!--", "-->", "</SCRIPT >", "\u2028\u2029", "a\\<b"], "n": 1}
    encoded = script_json(data)
    assert json.loads(encoded) == data
    assert not set("<>&\u2028\u2029") & set(encoded)
    assert "\n" not in encoded


# --- hostile values in every field of every table, in Chromium -------------------------------------------------


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> tuple[Path, object]:
    """The real facts, built in a scratch project of this module's own (its seeds/ gets hostile files)."""
    root = copy_real_project(tmp_path_factory.mktemp("checkout"))
    return root, build_project(root)


class HostileCheckedProject:
    """What the pages take from the checked project (see CheckedProject), made hostile: each seed's text keeps
    its lines' lengths (so that every citation's offsets still hold) but is made of the payload; every
    exclusion's reason and every record's place is the payload."""

    def __init__(self, checked: CheckedProject, ids: dict[str, str]):
        self.texts = {ids[seed_id]: SeedText(_hostile_text(checked.texts[seed_id].text)) for seed_id in checked.texts}
        self.coverage = {ids[seed_id]: replace(c, seed_id=ids[seed_id]) for seed_id, c in checked.coverage.items()}
        self.exclusions = {
            ids[seed_id]: dict.fromkeys(lines, f"reason {PAYLOAD}") for seed_id, lines in checked.exclusions.items()
        }
        self.curated = {ids[record_id]: f"data/{PAYLOAD}.yaml:1" for record_id in checked.curated}
        real = checked.vocabularies  # the terms stay (the database checks them); every definition is hostile
        self.vocabularies = replace(
            real,
            terms={
                name: {term: f"{PAYLOAD} {definition}" for term, definition in terms.items()}
                for name, terms in real.terms.items()
            },
        )


def _hostile_text(seed_text: str) -> str:
    lines = []
    for line in seed_text.split("\n"):
        lines.append(line if not line.strip() else (f"{PAYLOAD} " * (len(line) // len(PAYLOAD) + 1))[: len(line)])
    return "\n".join(lines)


def _hostile_value(table: str, column: str, row: dict, index: int, ids: dict[str, str]) -> object:
    value = row[column]
    if not isinstance(value, str):
        return value  # a number, a date, a boolean: typed, nothing to inject
    if value in ids:
        return ids[value]  # an id or a reference: hostile too, and still pointing at its record
    if (table, column) in ENUMERATED or column == "field":
        return value  # one of a fixed list (the database checks it), or the name of the field a row is of
    if column == "url":
        return HOSTILE_URLS[index % len(HOSTILE_URLS)]
    if (table, column) == ("seeds", "file"):
        return f"evil-{index}{ID_TAIL}.html"
    return f"{table}.{column} {index} {PAYLOAD}"


@pytest.fixture(scope="module")
def hostile(checkout, tmp_path_factory) -> dict:
    """The real package read as the site reads it, every string of every row of every table made hostile
    (ids and references consistently), the seed files named *.html and made of the payload; written by the
    site's own tasks. Returns the site's folder and the hostile package."""
    root, project = checkout
    real = read_package(root, CheckedProject(project))
    ids = {record_id: f"{record_id}{ID_TAIL}" for record_id in real.labels}
    ids |= {cite["id"]: f"{cite['id']}{ID_TAIL}" for cite in real.tables["citations"]}  # evidence points at them
    tables = {
        name: [
            {column: _hostile_value(name, column, row, index, ids) for column in row} for index, row in enumerate(rows)
        ]
        for name, rows in real.tables.items()
    }
    seen: dict[tuple, int] = defaultdict(int)
    for row in tables["unsupported_words"]:  # words the hostile free text holds, and the payload, which it cannot
        seen[row["record_id"], row["field"]] += 1
        count = seen[row["record_id"], row["field"]]
        row["word"] = HOSTILE_WORDS[count - 1] if count <= len(HOSTILE_WORDS) else f"{count} {PAYLOAD}"
    package = Package(tables, HostileCheckedProject(real.checked, ids))
    for seed in tables["seeds"]:
        (root / "seeds" / seed["file"]).write_text(package.checked.texts[seed["id"]].text, encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile") / "site"
    out.mkdir()
    write_pages(package, root, out)
    return {"site": out, "package": package, "root": root}


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src", "action", "formaction") and value]


def _runs_script(url: str) -> bool:
    """Whether a browser would follow `url` to a scheme other than http, https and mailto (it drops tabs and
    line breaks anywhere, controls and spaces around)."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return bool(scheme) and scheme[1].lower() not in ("http", "https", "mailto")


def test_no_written_link_has_a_scheme_that_runs_anything(hostile):
    pages = sorted(hostile["site"].rglob("*.html"))
    assert len(pages) > 200
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*(javascript|data:text|vbscript)""", html, re.I), page
        parsed = _Attributes()
        parsed.feed(html)
        assert [u for u in parsed.urls if _runs_script(u) and u != "data:,"] == [], page  # data:, the empty icon


def test_every_script_the_site_writes_has_no_character_that_could_end_it(hostile):
    out = hostile["site"]
    index = (out / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r"<script[^>]*>(.*?)</script>", index, re.S)
    assert len(blocks) == 2 and blocks[0].strip().startswith("{") and blocks[1] == ""  # the JSON-LD, search.js
    search = (out / "search-index.js").read_text(encoding="utf-8")
    beside = [
        (out / name).read_text(encoding="utf-8")
        for name in ("annotations.jsonld", "dataset.jsonld", "linkset.json", "versions.json")
    ]
    for script in (blocks[0], search, *beside):
        assert not set("<>&\u2028\u2029") & set(script)
    titles = [seed["title"] for seed in hostile["package"].tables["seeds"]]
    assert [b["name"] for b in json.loads(blocks[0])["isBasedOn"]] == titles


def test_seed_files_are_published_only_as_id_txt_whatever_their_name(hostile):
    out, package = hostile["site"], hostile["package"]
    seeds = package.tables["seeds"]
    assert all(seed["file"].endswith(".html") for seed in seeds)
    published = sorted(p.name for p in (out / "seeds").iterdir())
    assert published == sorted([f"{s['id']}.txt" for s in seeds] + [f"{s['id']}.html" for s in seeds])
    assert not [p for p in out.rglob("evil-*")]
    for seed in seeds:
        assert (out / "seeds" / f"{seed['id']}.txt").read_bytes() == (
            hostile["root"] / "seeds" / seed["file"]
        ).read_bytes()
    sources = {
        item["target"]["source"]
        for item in json.loads((out / "annotations.jsonld").read_text(encoding="utf-8"))["first"]["items"]
    }
    assert sources and sources <= {f"seeds/{segment(s['id'])}.txt" for s in seeds}
    assert all((out / unquote(source)).is_file() for source in sources)


def test_a_number_that_is_text_is_refused_not_shown(checkout):
    """Lines, offsets and positions are written with the format :d, which takes integers only."""
    root, project = checkout
    package = read_package(root, CheckedProject(project))
    cite = package.tables["citations"][0]
    cite["position"] = f"1{PAYLOAD}"
    record = next(r for t in TABLES for r in package.tables[t.name] if r["id"] == cite["record_id"])
    table = next(t for t in TABLES if record in package.tables[t.name])
    with pytest.raises(ValueError):
        record_main_html(package, table, record, {s["id"]: s["title"] for s in package.tables["seeds"]})


def test_an_id_that_is_no_file_name_is_refused_not_written_elsewhere(checkout, tmp_path):
    root, project = checkout
    real = read_package(root, CheckedProject(project))
    escape_id = "../../outside"
    tables = {
        name: [{k: (escape_id if v == "org-cast" else v) for k, v in row.items()} for row in rows]
        for name, rows in real.tables.items()
    }
    out = tmp_path / "out" / "site"
    out.mkdir(parents=True)
    with pytest.raises(SiteError, match="cannot name a file"):
        write_pages(Package(tables, real.checked), root, out)
    assert not (tmp_path / "outside.html").exists() and not (tmp_path / "out" / "outside.html").exists()


def test_a_record_page_is_written_only_as_a_new_file_never_through_a_link(tmp_path):
    """The record pages' writer (support.fast_files) makes a new file or fails: it neither overwrites a file
    nor writes through a link, even a dangling one, to where the link points."""
    write_new_file(str(tmp_path / "page.html"), b"x" * 100_000)
    assert (tmp_path / "page.html").read_bytes() == b"x" * 100_000
    with pytest.raises(FileExistsError):
        write_new_file(str(tmp_path / "page.html"), b"other")
    (tmp_path / "link.html").symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(FileExistsError):
        write_new_file(str(tmp_path / "link.html"), b"payload")
    assert (tmp_path / "page.html").read_bytes() == b"x" * 100_000 and not (tmp_path / "elsewhere.html").exists()


# Every way a page could run the payload is recorded: a dialog, a call of alert/confirm/prompt, the flag.
HOOK = """window.__calls = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => { window.__calls.push([name, ...args.map(String)]); };
}"""


class Guarded:
    """A page that records dialogs, hooked alert/confirm/prompt calls, errors and requests."""

    def __init__(self, browser):
        self.page = browser.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.add_init_script(HOOK)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")

    def assert_nothing_ran(self) -> None:
        flag, calls = self.page.evaluate("() => [window.__pwned === undefined ? null : window.__pwned, window.__calls]")
        injected = [url for url in self.requests if url.rsplit("/", 1)[-1] == "x"]  # <img src=x>
        assert (flag, calls, self.dialogs, injected, self.errors) == (None, [], [], [], []), self.page.url

    def text_of(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(selector, "nodes => nodes.map(n => n.textContent)")


@pytest.fixture
def guarded(browser):
    page = Guarded(browser)
    yield page
    page.page.close()


def test_index_runs_nothing_and_shows_the_hostile_titles_as_text(hostile, guarded):
    out, package = hostile["site"], hostile["package"]
    guarded.open(out / "index.html")
    guarded.assert_nothing_ran()
    titles = [seed["title"] for seed in package.tables["seeds"]]
    assert guarded.text_of("a[href^='seeds/']") == titles
    ld = guarded.page.evaluate(
        "() => JSON.parse(document.querySelector('script[type=\"application/ld+json\"]')"
        ".textContent).isBasedOn.map(b => [b.name, b.url])"
    )
    assert ld == [[seed["title"], f"seeds/{segment(seed['id'])}.txt"] for seed in package.tables["seeds"]]
    assert guarded.page.evaluate("() => document.scripts.length") == 2  # the JSON-LD and search.js, no other


def test_the_vocabularies_page_runs_nothing_and_shows_hostile_definitions_as_text(hostile, guarded):
    guarded.open(hostile["site"] / "vocabularies.html")
    guarded.assert_nothing_ran()
    definitions = guarded.text_of("main td:nth-child(2)")
    assert definitions and all(definition.startswith(PAYLOAD) for definition in definitions)
    assert guarded.page.evaluate("() => document.scripts.length") == 1  # search.js, no other


def test_every_table_page_runs_nothing_and_shows_the_values_as_text(hostile, guarded):
    out, package = hostile["site"], hostile["package"]
    for table in ALL_TABLES:
        guarded.open(out / "tables" / f"{table.name}.html")
        guarded.assert_nothing_ran()
        body = guarded.page.evaluate("() => document.body.textContent")
        rows = package.tables[table.name]
        if table in TABLES:
            assert all(package.labels[row["id"]] in body for row in rows), table.name
        elif rows:
            shown = [c for c in table_columns(table) if isinstance(rows[0][c], str)]
            assert all(
                str(row[c]) in body or package.labels.get(row[c], "\0") in body for row in rows for c in shown
            ), table.name


def test_a_record_page_of_every_table_runs_nothing_and_shows_its_values_as_text(hostile, guarded):
    out, package = hostile["site"], hostile["package"]
    opened = 0
    for table in TABLES:
        for row in package.tables[table.name][:1]:
            guarded.open(out / "records" / f"{row['id']}.html")
            guarded.assert_nothing_ran()
            assert guarded.text_of("h1") == [package.labels[row["id"]]]
            assert guarded.page.title() == f"{package.labels[row['id']]} · anso-facts"
            assert row["id"] in guarded.text_of("p.kind code")
            dd = " ".join(guarded.text_of("dl.fields dd"))
            assert all(
                value in dd
                for name, value in row.items()
                if isinstance(value, str)
                and name != "id"
                and (table.name, name) not in ENUMERATED
                and value not in package.labels
            ), table.name
            opened += 1
    assert opened >= 10


def _record_of(href: str, folder: str) -> str:
    """The record id a link to records/ID.html names (ID percent-encoded)."""
    assert href.startswith(folder) and href.endswith(".html"), href
    return unquote(href[len(folder) : -len(".html")])


def test_the_maps_run_nothing_and_show_hostile_labels_and_ties_as_text(hostile, guarded):
    """The map of the package and each seed's: every node's title a (hostile) label, its link the page of that
    record; every tie in the table as text; no element the values could have added."""
    out, package = hostile["site"], hostile["package"]
    labels = package.labels
    pages = [(out / "graph.html", "records/")] + [
        (out / "graphs" / f"{seed['id']}.html", "../records/") for seed in package.tables["seeds"]
    ]
    nodes_seen = 0
    for path, folder in pages:
        guarded.open(path)
        guarded.assert_nothing_ran()
        nodes = guarded.page.eval_on_selector_all(
            "svg.graph a.node",
            "as => as.map(a => [a.getAttribute('href'), a.dataset.id, a.querySelector('title').textContent])",
        )
        for href, record_id, title in nodes:
            assert _record_of(href, folder) == record_id and title == labels[record_id]
        nodes_seen += len(nodes)
        cells = guarded.page.eval_on_selector_all(
            "#ties-table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
        )
        assert all(
            row[0] in labels.values() and row[2] in labels.values() and row[3] in labels.values() for row in cells
        )
        assert (
            guarded.page.evaluate(
                "() => document.querySelectorAll('main img, main script, svg script, svg foreignObject').length"
            )
            == 0
        )
    assert nodes_seen > 50
    assert any(PAYLOAD in label for label in guarded.text_of("svg.graph a.node title"))


def test_the_timeline_runs_nothing_and_shows_hostile_labels_as_text(hostile, guarded):
    out, package = hostile["site"], hostile["package"]
    guarded.open(out / "timeline.html")
    guarded.assert_nothing_ran()
    items = guarded.page.eval_on_selector_all(
        "svg.timeline a.item",
        "as => as.map(a => [a.getAttribute('href'), a.dataset.id, a.querySelector('title').textContent])",
    )
    assert len(items) > 40
    for href, record_id, title in items:
        assert _record_of(href, "records/") == record_id and title.endswith(f": {package.labels[record_id]}")
    assert guarded.page.evaluate("() => document.querySelectorAll('main img, main script').length") == 0


def test_a_records_ties_and_figures_show_hostile_labels_as_text(hostile, guarded):
    """The page of the record with the most ties lists them, each other record by its label, as text; a
    subject's figures show their hostile measures as text."""
    out, package = hostile["site"], hostile["package"]
    busiest = max(package.ties_of, key=lambda record_id: (len(package.ties_of[record_id]), record_id))
    guarded.open(out / "records" / f"{busiest}.html")
    guarded.assert_nothing_ran()
    links = guarded.page.eval_on_selector_all("ul.ties li > a", "as => as.map(a => a.textContent)")
    assert len(links) == min(len(package.ties_of[busiest]), MAX_TIES_LISTED)
    assert set(links) <= set(package.labels.values())
    subject = next(iter(package.figures))
    guarded.open(out / "records" / f"{subject}.html")
    guarded.assert_nothing_ran()
    measures = guarded.text_of("table.figures .measure")
    assert sorted(measures) == sorted(row["measure"] for row in package.figures[subject])
    assert guarded.page.evaluate("() => document.querySelectorAll('main img, main script').length") == 0


def test_a_url_field_with_a_hostile_scheme_is_text_not_a_link(hostile, guarded):
    out, package = hostile["site"], hostile["package"]
    resource = package.tables["resources"][0]
    guarded.open(out / "records" / f"{resource['id']}.html")
    guarded.assert_nothing_ran()
    # the URL as the text of its field, before the words of the seed that state it
    values = guarded.page.eval_on_selector_all(
        "dl.fields dd",
        """dds => dds.map(dd => [...dd.childNodes]
        .filter(node => !node.matches?.('.evidence')).map(node => node.textContent).join('').trim())""",
    )
    assert resource["url"] in values
    assert (
        guarded.page.evaluate(
            "() => [...document.links].filter(a => !/^(file|https?|mailto):/.test(a.protocol)).map(a => a.href)"
        )
        == []
    )


def test_a_seed_page_and_its_text_run_nothing_and_the_text_is_served_as_text_plain(hostile, guarded):
    out, package = hostile["site"], hostile["package"]
    for seed in package.tables["seeds"]:
        guarded.open(out / "seeds" / f"{seed['id']}.html")
        guarded.assert_nothing_ran()
        assert guarded.text_of("h1") == [seed["title"]]
        assert PAYLOAD[:60] in guarded.page.evaluate("() => document.querySelector('ol.seed-text').textContent")
        text_link = guarded.page.locator("p.kind a")
        assert text_link.get_attribute("href") == f"{segment(seed['id'])}.txt"
        text_link.click()
        guarded.page.wait_for_url("**/*.txt")
        assert guarded.page.evaluate("() => document.contentType") == "text/plain"
        assert package.checked.texts[seed["id"]].text in guarded.page.evaluate("() => document.body.textContent")
        guarded.assert_nothing_ran()


def test_hostile_evidence_and_unsupported_words_show_as_text_light_the_seed_words_and_run_nothing(hostile, guarded):
    """Every record page with evidence or unsupported words: each field hovered and focused lights exactly the
    (hostile) seed words at its evidence offsets, and says them as text; the unsupported words underlined are
    hostile words of the hostile free text, as text; nothing runs."""
    out, package = hostile["site"], hostile["package"]
    cites = {c["id"]: c for c in package.tables["citations"]}
    words: dict[tuple[str, str], str] = {}
    for row in package.tables["evidence"]:
        seed = package.checked.texts[cites[row["citation_id"]]["seed_id"]].text
        words[row["record_id"], row["field"]] = (
            words.get((row["record_id"], row["field"]), "") + seed[row["char_start"] : row["char_end"]]
        )
    unsupported = {r["record_id"] for r in package.tables["unsupported_words"]}
    with_words = {record_id for record_id, _ in words} | unsupported
    assert words and len(with_words) > 100 and unsupported
    lit = "() => [...document.querySelectorAll('.ev.lit')].map(e => e.textContent).join('')"
    underlined = 0
    # every record with unsupported words, and every 7th of the others: a browser navigation costs 100 ms
    for record_id in sorted(unsupported | set(sorted(with_words)[::7])):
        guarded.open(out / "records" / f"{record_id}.html")
        guarded.assert_nothing_ran()
        for field in guarded.page.eval_on_selector_all("dd[data-ev-for]", "dds => dds.map(d => d.dataset.evFor)"):
            dd = guarded.page.locator(f'dd[data-ev-for="{field}"]')
            dd.hover()
            assert guarded.page.evaluate(lit) == words[record_id, field]
            guarded.page.mouse.move(0, 0)
            dd.locator(".evidence a").first.focus()
            assert guarded.page.evaluate(lit) == words[record_id, field]
            guarded.page.evaluate("() => document.activeElement.blur()")
            said = dd.locator(".evidence").text_content()
            assert " ".join(words[record_id, field].split()) in said.replace("\u00a0", " ")
        shown = guarded.text_of("dl.fields dd:not(.legend) .unsupported")
        assert {w.lower() for w in shown} <= set(HOSTILE_WORDS) - {PAYLOAD}
        underlined += len(shown)
        guarded.assert_nothing_ran()
    assert underlined >= len(package.tables["unsupported_words"])  # each at least once


def test_selected_hostile_seed_words_are_offered_as_the_cite_entry_as_text_and_run_nothing(hostile, guarded):
    """The cite box of a seed page with a hostile id and text: the entry the command would print for the
    selected line (quotes, separators and markup all written as a JSON string), in the box as text."""
    out, package = hostile["site"], hostile["package"]
    for seed in package.tables["seeds"]:
        text = package.checked.texts[seed["id"]]
        number = next(n for n in range(1, text.line_count + 1) if len(text.line(n).strip()) > 60)
        start = text.line_offsets[number - 1]
        guarded.open(out / "seeds" / f"{seed['id']}.html")
        guarded.page.evaluate(
            """line => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector(`[id="L${line}"] > .text`));
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
            number,
        )
        guarded.page.locator("#cite-box").wait_for(state="visible")
        expected = cite_entry(seed["id"], text, Match(start, start + len(text.line(number)), number, number))
        assert guarded.page.input_value("#cite-yaml") == f"  cite:\n{expected}"
        assert guarded.page.evaluate("() => document.querySelectorAll('#cite-box *').length") == 8  # as written
        guarded.assert_nothing_ran()


def test_search_results_show_hostile_labels_as_text_and_lead_to_their_page(hostile, guarded):
    out, package = hostile["site"], hostile["package"]
    guarded.open(out / "index.html")
    guarded.page.fill("#search", "onerror")
    guarded.page.locator("#search-results a").first.wait_for()
    shown = guarded.text_of("#search-results a")
    assert len(shown) == 20 and set(shown) <= set(package.labels.values())
    assert (
        guarded.page.evaluate(
            "() => document.querySelectorAll('#search-results img, #search-results script, "
            "#search-results .snippet *').length"
        )
        == 0
    )
    snippets = guarded.text_of("#search-results .snippet")
    assert snippets and any("onerror" in snippet.lower() for snippet in snippets)  # the words, as text
    guarded.assert_nothing_ran()
    first = guarded.page.locator("#search-results a").first
    record_id = next(i for i, label in package.labels.items() if label == shown[0])
    first.click()
    guarded.page.wait_for_load_state("load")
    assert guarded.text_of("h1") == [package.labels[record_id]]
    guarded.assert_nothing_ran()


# --- seeds published as text on the real site -------------------------------------------------------------------


def test_the_real_seed_files_are_published_byte_for_byte_as_id_txt(checkout, tmp_path, browser):
    root, project = checkout
    seeds = read_package(root, CheckedProject(project)).tables["seeds"]
    out = write_site(project, root, tmp_path / "site")
    for seed in seeds:
        assert (out / "seeds" / f"{seed['id']}.txt").read_bytes() == (root / "seeds" / seed["file"]).read_bytes()
        assert not (out / "seeds" / seed["file"]).exists()
    page = browser.new_page()
    page.goto((out / "seeds" / f"{seeds[0]['id']}.txt").as_uri())
    assert page.evaluate("() => document.contentType") == "text/plain"
    page.close()


def test_a_seed_file_named_html_is_published_as_id_txt(checkout, tmp_path, browser):
    """The check refuses a seed file not ending in .txt; the site does not depend on it."""
    root, project = checkout
    package = read_package(root, CheckedProject(project))
    seed = package.tables["seeds"][0]
    evil = "<script>window.__pwned=1</script><p>seed text</p>"
    (root / "seeds" / "evil.html").write_text(evil, encoding="utf-8")
    seed["file"] = "evil.html"
    out = tmp_path / "site"
    out.mkdir()
    write_pages(package, root, out)
    assert (out / "seeds" / f"{seed['id']}.txt").read_text(encoding="utf-8") == evil
    assert [p for p in out.rglob("evil*")] == []
    page = Guarded(browser)
    page.open(out / "seeds" / f"{seed['id']}.html")
    page.page.locator("p.kind a").click()
    page.page.wait_for_url(f"**/seeds/{seed['id']}.txt")
    assert page.page.evaluate("() => document.contentType") == "text/plain"
    assert page.page.evaluate("() => document.body.textContent") == evil
    page.assert_nothing_ran()
    page.page.close()


# --- site --out writes only its own folder -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def command_checkout(tmp_path_factory) -> Path:
    """A project for the command (built by its first `site`, from the cache after)."""
    return copy_real_project(tmp_path_factory.mktemp("command"))


def _files(folder: Path) -> dict[str, bytes | str]:
    """Every file and folder under `folder` (links not followed): name -> bytes, "folder" or "link"."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        found[key] = "link" if path.is_symlink() else "folder" if path.is_dir() else path.read_bytes()
    return found


def _site(root: Path, out: Path | str | None, capsys) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = main(["--root", str(root), "site", *(["--out", str(out)] if out is not None else [])])
    return code, capsys.readouterr().err.splitlines()


def _refused(root: Path, out: Path, capsys, reason: str) -> None:
    parent = out.parent
    before = _files(parent)
    code, err = _site(root, out, capsys)
    assert (
        code == 2
        and len(err) == 1
        and err[0].startswith("anso-facts site: will not write the site into")
        and reason in err[0]
    ), err
    assert _files(parent) == before  # nothing written, nothing deleted, no scratch folder left


@pytest.mark.parametrize("link", ["dist", "archive"])
def test_site_refuses_a_release_archive_reached_through_a_link(command_checkout, tmp_path, capsys, link):
    from anso_facts.release.archive import archive_name

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / archive_name()).write_text("a secret outside the checkout")
    dist = command_checkout / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    try:
        if link == "dist":
            dist.symlink_to(elsewhere)
        else:
            dist.mkdir()
            (dist / archive_name()).symlink_to(elsewhere / archive_name())
        code, err = _site(command_checkout, tmp_path / "site", capsys)
    finally:
        dist.unlink() if dist.is_symlink() else shutil.rmtree(dist)
    assert code == 2 and len(err) == 1 and "symbolic link" in err[0] and "secret" not in err[0], err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_the_site_copies_no_link_nor_special_file_from_the_checkout(tmp_path, kind):
    (tmp_path / "build" / "sub").mkdir(parents=True)
    (tmp_path / "build" / "table.csv").write_text("a\n1\n")
    (tmp_path / "secret.txt").write_text("a secret outside the checkout")
    odd = tmp_path / "build" / "sub" / "odd.csv"
    odd.symlink_to(tmp_path / "secret.txt") if kind == "link" else os.mkfifo(odd)
    with pytest.raises(SiteError, match="^build/sub/odd.csv: a symbolic link or not a regular file"):
        copy_checkout_tree(tmp_path, tmp_path / "build", tmp_path / "out")
    assert not (tmp_path / "out" / "sub" / "odd.csv").exists()


def test_site_refuses_a_folder_that_is_not_empty_and_leaves_every_file(command_checkout, tmp_path, capsys):
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    (out / "sub" / "index.html").write_text("<p>mine</p>")
    _refused(command_checkout, out, capsys, "not empty")


@pytest.mark.parametrize("marker", ["another text\n", None])
def test_site_refuses_a_folder_whose_marker_is_not_its_own(command_checkout, tmp_path, capsys, marker):
    out = tmp_path / "mine"
    out.mkdir()
    if marker is None:  # a link to a real site's marker
        real = tmp_path / "real"
        real.mkdir()
        (real / MARKER).write_text(MARKER_TEXT)
        (out / MARKER).symlink_to(real / MARKER)
    else:
        (out / MARKER).write_text(marker)
    (out / "data.csv").write_text("a,b\n")
    _refused(command_checkout, out, capsys, "not empty")


def test_site_refuses_a_file(command_checkout, tmp_path, capsys):
    out = tmp_path / "site.html"
    out.write_text("mine")
    _refused(command_checkout, out, capsys, "not a folder")


def test_site_refuses_a_symbolic_link_even_to_an_empty_folder(command_checkout, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "empty")
    _refused(command_checkout, tmp_path / "link", capsys, "symbolic link")


@pytest.mark.parametrize("where", ["root", "parent", "dot"])
def test_site_refuses_the_checkout_and_any_folder_that_holds_it(command_checkout, capsys, monkeypatch, where):
    out = {"root": command_checkout, "parent": command_checkout.parent, "dot": Path(".")}[where]
    monkeypatch.chdir(command_checkout)
    curated = {k: v for k, v in _files(command_checkout).items() if k.startswith(("data", "seeds"))}
    code, err = _site(command_checkout, out, capsys)
    assert code == 2 and len(err) == 1 and "it holds the checkout" in err[0], err
    assert {k: v for k, v in _files(command_checkout).items() if k.startswith(("data", "seeds"))} == curated
    for folder in (command_checkout, command_checkout.parent, command_checkout.parent.parent):
        assert not [p for p in folder.iterdir() if p.name.endswith((".partial", ".old"))]


@pytest.mark.parametrize("kind", ["partial", "old"])
def test_site_refuses_a_scratch_name_in_use_by_a_folder_it_did_not_write(command_checkout, tmp_path, capsys, kind):
    out = tmp_path / "site"
    scratch = tmp_path / f".site.{kind}"
    scratch.mkdir()
    (scratch / "precious.txt").write_text("mine")
    before = _files(tmp_path)
    code, err = _site(command_checkout, out, capsys)
    assert code == 2 and len(err) == 1 and "was not written by anso-facts site" in err[0], err
    assert _files(tmp_path) == before


def test_site_writes_into_an_empty_folder_then_again_into_its_own_and_links_nothing(command_checkout, tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    assert _site(command_checkout, out, capsys) == (0, [])
    assert (out / MARKER).read_text() == MARKER_TEXT
    first = _files(out)
    assert _site(command_checkout, out, capsys) == (0, [])
    assert _files(out) == first  # the same site, byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]  # no scratch folder left
    # a second site beside it, in a missing folder and the default one
    assert _site(command_checkout, tmp_path / "new" / "site", capsys)[0] == 0
    assert _site(command_checkout, None, capsys)[0] == 0
    checkout_files = {
        p.stat().st_ino
        for p in command_checkout.rglob("*")
        if p.is_file() and "site" not in p.relative_to(command_checkout).parts
    }
    for written in (out, command_checkout / "site"):
        for path in written.rglob("*"):
            if path.is_file():
                assert path.stat().st_nlink == 1 and path.stat().st_ino not in checkout_files, path


def test_a_site_the_command_wrote_is_replaced_whole(command_checkout, tmp_path, capsys):
    out = tmp_path / "site"
    assert _site(command_checkout, out, capsys)[0] == 0
    (out / "added-later.txt").write_text("replaced with the rest")
    assert _site(command_checkout, out, capsys)[0] == 0
    assert not (out / "added-later.txt").exists() and (out / "index.html").is_file()


def test_replace_folder_never_deletes_a_folder_that_is_not_a_site(tmp_path):
    new, target = tmp_path / "new", tmp_path / "target"
    new.mkdir()
    target.mkdir()
    (target / "mine.txt").write_text("mine")
    with pytest.raises(SiteError):
        replace_folder(new, target)
    assert (target / "mine.txt").read_text() == "mine" and new.is_dir()


def test_write_site_refuses_before_writing_anything(checkout, tmp_path):
    root, project = checkout
    target = tmp_path / "target"
    target.mkdir()
    (target / "mine.txt").write_text("mine")
    with pytest.raises(SiteError):
        write_site(project, root, target)
    assert sorted(os.listdir(tmp_path)) == ["target"] and os.listdir(target) == ["mine.txt"]
    shutil.rmtree(target)


def test_a_release_record_s_fields_that_are_not_text_are_not_carried_into_versions_json(tmp_path):
    """releases/VERSION/release.json is a file of the checkout, not trusted: a number, a list or a float where
    text belongs is dropped from versions.json (as null), which is then written as always."""
    from anso_facts import __version__
    from anso_facts.release.archive import release, versions_index
    from anso_facts.site.html_contexts import script_json_bytes
    from helpers import released_copy

    root = released_copy(tmp_path / "checkout")
    release(root, tmp_path / "dist")
    path = root / "releases" / __version__ / "release.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record.update(doi=1e-7, sha256=2**70, archive=["a.zip"], concept_doi={"x": 1})
    path.write_text(json.dumps(record), encoding="utf-8")
    (entry,) = versions_index(root)["versions"]
    assert entry["version"] == __version__ and entry["date_released"] == record["date_released"]
    assert (entry["doi"], entry["sha256"], entry["archive"], entry["concept_doi"]) == (None, None, None, None)
    assert json.loads(script_json_bytes(versions_index(root)))["versions"][0]["doi"] is None
