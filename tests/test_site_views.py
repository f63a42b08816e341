"""Issue 26 on the review site, tried as a person would in Debian's Chromium through Playwright: tables with all
their values (sorted and filtered in the browser), the map of ties, the timeline, the figures of a subject side
by side, a search that finds names, no page wider than a phone; and issue 27's typed links (FAIR signposting)
read back from the index and linkset.json."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import anso_facts
from anso_facts.build.package import temporal_coverage
from anso_facts.model import metadata
from anso_facts.model.tables import ALL_TABLES, TABLES
from anso_facts.site import table_pages, tie_map, timeline
from anso_facts.site.data import CheckedProject, read_package
from anso_facts.site.table_pages import table_columns
from anso_facts.site.write import write_site
from helpers import REPO, build_project, copy_real_project

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    root = copy_real_project(tmp_path_factory.mktemp("views"))
    return root, build_project(root)


@pytest.fixture(scope="module")
def site_dir(checkout) -> Path:
    root, project = checkout
    return write_site(project, root)


def table(site_dir: Path, name: str):
    return anso_facts.load(name, site_dir / "package")


# --- as files ----------------------------------------------------------------------------------------------------


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []
        self.headers: list[str] = []
        self._in_button = False

    def handle_starttag(self, tag, attrs):
        if tag == "link":
            self.links.append(dict(attrs))
        self._in_button = tag == "button"  # the headings of a sortable table: a button each

    def handle_endtag(self, tag):
        if tag == "button":
            self._in_button = False

    def handle_data(self, data):
        if self._in_button and data.strip():
            self.headers.append(data.strip())


def _parsed(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_table_page_shows_every_column_and_links_its_downloads(site_dir):
    for t in ALL_TABLES:
        page = site_dir / "tables" / f"{t.name}.html"
        html = page.read_text(encoding="utf-8")
        shown = table_columns(t)
        built = [c for c in table(site_dir, t.name).columns if not c.endswith("_precision")]
        missing = set(built) - set(shown) - {"label"}  # records.label: the text of each id's link
        assert missing == set(), t.name
        if t in TABLES:
            assert [f.name for f in t.fields] == shown[: len(t.fields)]
        assert _parsed(page).headers == ["record" if n == "id" and t in TABLES else n for n in shown], t.name
        assert f'href="../package/build/csv/{t.name}.csv"' in html
        assert f'href="../package/build/parquet/{t.name}.parquet"' in html
        assert (site_dir / "package" / "build" / "parquet" / f"{t.name}.parquet").is_file()


def test_dates_show_their_precision_and_inferred_values_are_marked_in_tables(site_dir):
    relations = (site_dir / "tables" / "relations.html").read_text(encoding="utf-8")
    assert '<td class="date" data-sort="2004-01-01">2004</td>' in relations  # CAST's consultative status: a year
    stats = (site_dir / "tables" / "statistics.html").read_text(encoding="utf-8")
    assert '<td class="date" data-sort="2020-07-01">July 2020</td>' in stats
    assert '<td class="date" data-sort="2020-09-18">2020-09-18</td>' in stats
    inferred = table(site_dir, "inferences").iloc[0]
    kind = table(site_dir, "records").set_index("id").loc[inferred.record_id, "table"]
    page = (site_dir / "tables" / f"{kind}.html").read_text(encoding="utf-8")
    row = next(r for r in page.split("<tr>") if f"<code>{inferred.record_id}</code>" in r)
    assert 'class="inferred"' in row


def test_a_table_of_more_rows_than_a_page_is_paginated(checkout, tmp_path, monkeypatch):
    root, project = checkout
    monkeypatch.setattr(table_pages, "PAGE_ROWS", 100)
    out = write_site(project, root, tmp_path / "site")
    citations = len(table(out, "citations"))
    pages = sorted((out / "tables").glob("citations*.html"))
    assert len(pages) == -(-citations // 100)
    rows = sum(p.read_text(encoding="utf-8").count("<tr><td") for p in pages)
    assert rows == citations
    assert 'href="citations-2.html"' in (out / "tables" / "citations.html").read_text(encoding="utf-8")


def test_a_long_table_s_pager_links_the_ends_and_the_pages_near_this_one():
    shown = table_pages.pager("evidence", 50, 400)
    numbers = [link[0] if link else None for link in shown]
    assert numbers == [1, None, 47, 48, 49, 50, 51, 52, 53, None, 400]
    assert shown[-1] == (400, "evidence-400.html") and shown[0] == (1, "evidence.html")
    assert [link[0] for link in table_pages.pager("evidence", 1, 5) if link] == [1, 2, 3, 4, 5]
    assert [link[0] if link else None for link in table_pages.pager("evidence", 1, 6)] == [1, 2, 3, 4, 5, 6]
    assert [link[0] if link else None for link in table_pages.pager("evidence", 1, 7)] == [1, 2, 3, 4, None, 7]


def test_layout_is_reproducible(checkout):
    root, project = checkout
    package = read_package(root, CheckedProject(project))
    nodes, edges, _ = tie_map.capped(package.ties)
    assert tie_map.layout(nodes, edges) == tie_map.layout(list(nodes), list(reversed(edges)))


def test_the_map_is_capped_to_the_records_with_the_most_ties():
    ties = [tie_map.Tie(f"n{i}", "part of", "hub", f"n{i}") for i in range(10)] + [
        tie_map.Tie("n1", "member-of", "n2", "r")
    ]
    nodes, shown, total = tie_map.capped(ties, limit=3)
    assert total == 11 and nodes == ["hub", "n1", "n2"]
    assert shown == [ties[1], ties[2], ties[10]]


def test_the_timeline_is_sampled_past_its_cap():
    from datetime import date

    items = [timeline.Dated(date(2000 + i % 20, 1, 1), "year", f"r{i}", "event") for i in range(2501)]
    kept = timeline.sampled(items, 1000)
    assert len(kept) <= 1000 and kept[0] is items[0] and kept[-1] is items[-1]


def test_the_index_carries_signposting_links_and_linkset_json_says_the_same(site_dir, checkout):
    root, _ = checkout
    links = [link for link in _parsed(site_dir / "index.html").links if link.get("rel") not in ("icon", "stylesheet")]
    linkset_link = [link for link in links if link["rel"] == "linkset"]
    assert linkset_link == [{"rel": "linkset", "href": "linkset.json", "type": "application/linkset+json"}]
    typed = [link for link in links if link["rel"] != "linkset"]
    rels = {link["rel"] for link in typed}
    cited = metadata.doi() or metadata.concept_doi()
    assert rels == {"describedby", "item", "license", "type"} | ({"cite-as"} if cited else set()) | (
        {"author"} if any(a.get("orcid") for a in metadata.AUTHORS) else set()
    )
    for link in typed:  # every relative target is in the site
        if not re.match(r"https?:", link["href"]):
            assert (site_dir / link["href"]).is_file(), link
    described = {link["href"]: link.get("type") for link in typed if link["rel"] == "describedby"}
    assert described == {
        "dataset.jsonld": "application/ld+json",
        "datacite.xml": "application/vnd.datacite.datacite+xml",
    }
    assert json.loads((site_dir / "dataset.jsonld").read_text(encoding="utf-8"))["@type"] == "Dataset"
    assert (site_dir / "datacite.xml").read_bytes() == (root / "build" / "datacite.xml").read_bytes()
    read_back = json.loads((site_dir / "linkset.json").read_text(encoding="utf-8"))
    [context] = read_back["linkset"]
    assert context["anchor"] == "index.html"
    assert {rel for rel in context if rel != "anchor"} == rels
    assert sorted(
        (rel, t["href"], t.get("type")) for rel, targets in context.items() if rel != "anchor" for t in targets
    ) == sorted((link["rel"], link["href"], link.get("type")) for link in typed)


def test_the_index_shows_the_versions_and_its_json_ld_the_temporal_coverage(site_dir, checkout, tmp_path, monkeypatch):
    root, project = checkout
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    versions = json.loads((site_dir / "versions.json").read_text(encoding="utf-8"))
    assert versions["versions"] == [] and "No version has been released yet" in html  # none released here
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(block[1])["temporalCoverage"] == temporal_coverage(root) == "2018-10-14/2021"
    released = {
        "name": "anso-facts",
        "newest": "0.2.0",
        "versions": [
            {
                "version": "0.2.0",
                "date_released": "2027-01-02",
                "doi": "10.5281/zenodo.2",
                "archive": "a.zip",
                "newest": True,
            },
            {"version": "0.1.0", "date_released": "2026-12-01", "doi": None, "archive": "b.zip", "newest": False},
        ],
    }
    monkeypatch.setattr("anso_facts.release.archive.versions_index", lambda root, current=False: released)
    out = write_site(project, root, tmp_path / "site")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "0.2.0 <strong>(newest)</strong>, released 2027-01-02" in html and "<li>0.1.0, released 2026-12-01" in html
    assert json.loads((out / "versions.json").read_text(encoding="utf-8")) == released


# --- in the browser ------------------------------------------------------------------------------------------------


@pytest.fixture
def page(browser):
    """A page that keeps its console errors and page errors (page.errors), which fail the test (but for those
    axe-core causes when it reads the style sheets of a file:// page: a test that runs it checks before)."""
    opened = browser.new_page(viewport={"width": 1200, "height": 900})
    opened.errors = []
    opened.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    errors, axe = opened.errors, getattr(opened, "axe", False)
    opened.close()
    assert axe or errors == []


def test_the_statistics_page_shows_210_beside_casts_label(site_dir, page):
    page.goto((site_dir / "tables" / "statistics.html").as_uri())
    cast = "China Association for Science and Technology (CAST)"
    rows = page.eval_on_selector_all(
        "#table-rows tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert [row[3] for row in rows if row[1] == cast and row[2] == "national member societies"] == ["210"]
    # and among the figures by subject: CAST's heading, then its figure
    figures = page.locator("section.subject-figures", has=page.locator(f"h3 a:text-is('{cast}')"))
    assert "210" in figures.locator("table.figures").inner_text()


def test_sorting_a_column_and_filtering_rows(site_dir, page):
    page.goto((site_dir / "tables" / "statistics.html").as_uri())
    values = "() => [...document.querySelectorAll('#table-rows tbody tr')].map(r => r.cells[3].dataset.sort ?? null)"
    page.locator("#table-rows th", has_text="value").locator("button").click()
    ascending = page.evaluate(values)
    numbers = [int(v) for v in ascending if v is not None]
    assert numbers == sorted(numbers) and numbers[0] == 2 and ascending[-2:] == [None, None]  # empty cells last
    assert page.locator("#table-rows th", has_text="value").get_attribute("aria-sort") == "ascending"
    page.locator("#table-rows th", has_text="value").locator("button").click()
    descending = [int(v) for v in page.evaluate(values) if v is not None]
    assert descending == sorted(descending, reverse=True) and descending[0] == 116_000_000
    page.fill("#filter", "bhbd institutions")
    shown = page.eval_on_selector_all(
        "#table-rows tbody tr:not([hidden])", "rows => rows.map(r => r.cells[0].textContent)"
    )
    assert sorted(shown) == [
        "BHBD: countries of the institutions that have joined it stat-bhbd-member-countries",
        "BHBD: institutions it signed an MOU or DOU with stat-bhbd-mou-dou-institutions-2019",
        "BHBD: institutions that have joined stat-bhbd-member-institutions",
    ]
    assert page.locator(".filter .shown").inner_text() == f"3 of {len(table(site_dir, 'statistics'))} rows"
    page.fill("#filter", "")
    assert page.locator("#table-rows tbody tr:not([hidden])").count() == len(table(site_dir, "statistics"))


def test_the_map_has_bhbd_linked_to_its_record_and_edges_to_its_members(site_dir, page):
    relations = table(site_dir, "relations")
    members = set(
        relations[(relations.object_id == "org-bhbd") & (relations.relation == "founding-member-of")]["subject_id"]
    )
    assert len(members) == 6
    page.goto((site_dir / "graph.html").as_uri())
    node = page.locator('svg.graph a.node[data-id="org-bhbd"]')
    assert node.get_attribute("href") == "records/org-bhbd.html" and node.locator("text").text_content() == "BHBD"
    edges = page.eval_on_selector_all(
        'svg.graph g.edge[data-target="org-bhbd"][data-label="founding-member-of"]',
        "gs => gs.map(g => g.dataset.source)",
    )
    assert set(edges) == members
    for member in members:  # each member is a node, and its line ends at both nodes
        line = page.evaluate(
            """([s, t]) => {
            const g = document.querySelector(`g.edge[data-source="${s}"][data-target="${t}"] line`);
            const at = id => document.querySelector(`a.node[data-id="${id}"] circle`);
            return [g.getAttribute('x1') === at(s).getAttribute('cx'),
                    g.getAttribute('x2') === at(t).getAttribute('cx')];
        }""",
            [member, "org-bhbd"],
        )
        assert line == [True, True]
    # the same ties in the table, for screen readers and keyboards
    rows = page.eval_on_selector_all(
        "#ties-table tbody tr", "rows => rows.map(r => [r.cells[1].textContent, r.cells[2].textContent])"
    )
    label = "Global Biodiversity and Health Big Data Alliance (BHBD)"
    assert sum(row == ["founding-member-of", label] for row in rows) == 6
    node.locator("circle").click()
    page.wait_for_url("**/records/org-bhbd.html")
    ties = page.locator("ul.ties").inner_text()
    assert "founding-member-of" in ties and "hosted-by" in ties


def test_each_seed_has_a_map_of_the_ties_it_states(site_dir, page):
    for seed in table(site_dir, "seeds")["id"]:
        page.goto((site_dir / "seeds" / f"{seed}.html").as_uri())
        page.locator("p.maps a").click()
        page.wait_for_url(f"**/graphs/{seed}.html")
        nodes = page.eval_on_selector_all("a.node", "ns => ns.map(n => n.getAttribute('href'))")
        assert nodes and all(href.startswith("../records/") for href in nodes)
        assert page.locator("#ties-table tbody tr").count() == page.locator("g.edge").count() > 0


def _span(page, record_id: str) -> dict:
    return page.evaluate(
        """id => {
        const item = document.querySelector(`a.item[data-id="${id}"]`);
        const rect = item.querySelector('rect');
        return {x: +rect.getAttribute('x'), width: +rect.getAttribute('width'), precision: item.dataset.precision,
                title: item.querySelector('title').textContent};
    }""",
        record_id,
    )


def _year(page, year: int) -> tuple[float, float]:
    band = page.locator(f'g.year[data-year="{year}"]')
    return float(band.get_attribute("data-x")), float(band.get_attribute("data-width"))


def test_the_timeline_places_the_mou_in_july_2020_and_the_2004_status_as_a_year(site_dir, page):
    page.goto((site_dir / "timeline.html").as_uri())
    left, width = _year(page, 2020)
    mou = _span(page, "agr-anso-unctad-mou")
    assert mou["precision"] == "day" and mou["title"].startswith("2020-07-23")
    assert left + 6 * width / 12 <= mou["x"] and mou["x"] + mou["width"] <= left + 7 * width / 12  # July
    left, width = _year(page, 2004)
    status = _span(page, "rel-cast-consultative-status-with-ecosoc")
    assert status["precision"] == "year" and status["title"].startswith("2004 \u2014 since")
    assert (status["x"], status["width"]) == (pytest.approx(left), pytest.approx(width))  # the whole year
    month = _span(page, "stat-bhbd-member-institutions")  # July 2020, a month
    left, width = _year(page, 2020)
    assert month["title"].startswith("July 2020") and month["width"] == pytest.approx(width / 12)
    assert month["x"] == pytest.approx(left + 6 * width / 12)
    page.locator('a.item[data-id="agr-anso-unctad-mou"] text').click()
    page.wait_for_url("**/records/agr-anso-unctad-mou.html")


def test_a_subjects_figures_stand_side_by_side_by_date_and_source(site_dir, page):
    page.goto((site_dir / "records" / "res-2019ncovr.html").as_uri())
    figures = page.locator("table.figures")
    heads = figures.locator("thead th").all_inner_texts()
    assert heads[1].startswith("2020\n") and heads[2].startswith("2020-09-06\n")  # the letter, then the newsletter
    rows = {
        r[0]: r[1:]
        for r in figures.evaluate("t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent))")
    }
    assert rows["downloads"][0].startswith("over 5,000,000") and rows["downloads"][1].startswith("over 116,000,000")
    assert set(rows) == {"countries", "countries/regions", "downloads", "sequences", "visitors"}


@pytest.mark.parametrize(
    ("query", "expected_first", "expected_among"),
    [
        ("CAST", ["org-cast"], []),
        ("Zhongguancun", ["event-zgc-forum-2020", "event-zgc-forum-2020-workshop"], []),
        (
            "members of BHBD",
            ["org-bhbd"],
            [
                "rel-big-founding-member-of-bhbd",
                "rel-cncb-founding-member-of-bhbd",
                "rel-bhbd-founding-member-pakistan-founding-member-of-bhbd",
            ],
        ),
    ],
)
def test_search_finds_names(site_dir, page, query, expected_first, expected_among):
    page.goto((site_dir / "index.html").as_uri())
    page.fill("#search", query)
    page.locator("#search-results a").first.wait_for()
    found = page.eval_on_selector_all(
        "#search-results li",
        """lis => lis.map(li => [
        decodeURIComponent(li.querySelector('a').getAttribute('href').replace(/^records\\/|\\.html$/g, '')),
        li.querySelector('.table').textContent, li.querySelector('.snippet')?.textContent ?? ''])""",
    )
    ids = [f[0] for f in found]
    assert ids[: len(expected_first)] == expected_first
    assert set(expected_among) <= set(ids)
    records = table(site_dir, "records").set_index("id")["table"]
    assert all(f[1] == f" {records[f[0]]} \u00b7 {f[0]}" for f in found)  # its table
    assert all(f[2] for f in found if f[0].startswith(("org-", "event-")))  # and a snippet


PAGES = [
    "index.html",
    "graph.html",
    "graphs/anso-newsletter-2020.html",
    "timeline.html",
    "tables/statistics.html",
    "tables/organizations.html",
    "tables/citations.html",
    "records/org-bhbd.html",
    "records/res-2019ncovr.html",
    "records/event-anso-unctad-mou-signing.html",
    "seeds/anso-newsletter-2020.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_is_wider_than_a_phone(site_dir, browser, path):
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto((site_dir / path).as_uri())
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=ARTIFACTS / f"phone-{path.replace('/', '-').removesuffix('.html')}.png")
    phone.close()


NEW_PAGES = [
    "graph.html",
    "graphs/bai-letter-2020.html",
    "timeline.html",
    "tables/statistics.html",
    "tables/relations.html",
    "records/org-bhbd.html",
]


@pytest.mark.parametrize("path", NEW_PAGES)
def test_new_pages_have_no_serious_accessibility_violation_and_request_nothing_outside(site_dir, page, path):
    from axe_playwright_python.sync_playwright import Axe

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((site_dir / path).as_uri())
    inside = site_dir.as_uri() + "/"
    assert [url for url in requests if not url.startswith(inside) and not url.startswith("data:")] == []
    assert page.errors == []
    page.axe = True
    violations = Axe().run(page).response["violations"]
    assert [
        f"{v['id']} ({v['impact']}): {v['help']}" for v in violations if v["impact"] in ("serious", "critical")
    ] == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{path.replace('/', '-').removesuffix('.html')}.png", full_page=True)


def test_a_seed_with_no_ties_has_an_empty_map_not_an_error():
    nodes, shown, total = tie_map.capped([])
    assert (nodes, shown, total) == ([], [], 0) and tie_map.layout(nodes, shown) == {}
    picture = str(tie_map.svg(nodes, shown, {}, {}, {}, {}, "records/"))
    assert picture.startswith("<svg") and "<circle" not in picture
    assert tie_map.layout(["only"], []) == {"only": (tie_map.WIDTH / 2, tie_map.HEIGHT / 2)}
