"""Issues 24 and 25 on the review site, in Debian's Chromium through Playwright: on a record's page each field
lights, hovered or focused, exactly the words of its seed that state it (the `evidence` table's offsets) in a
colour of its own, and says them in text; an inferred field gives its reason; free text underlines its words
that no quote supports; on a seed's page, selecting words offers the `cite` entry `anso-facts cite` prints."""

import html
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from anso_facts.check.cite import quote_of
from anso_facts.check.seedtext import Match, SeedText
from anso_facts.site.write import write_site
from helpers import build_project, copy_real_project


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The real facts built, and their site written, in a scratch project; returns the site's folder."""
    root = copy_real_project(tmp_path_factory.mktemp("site"))
    return write_site(build_project(root), root)


def table(site: Path, name: str) -> pd.DataFrame:
    """A table as the build wrote it (build/csv/NAME.csv), as the site offers it to download."""
    return pd.read_csv(site / "package" / "build" / "csv" / f"{name}.csv", dtype=str, keep_default_na=False)


def evidence(site: Path) -> pd.DataFrame:
    """The evidence table, each row with its citation's seed and position and the words at its offsets."""
    rows = table(site, "evidence").astype({"char_start": int, "char_end": int})
    cites = table(site, "citations").set_index("id")
    rows["seed_id"] = rows["citation_id"].map(cites["seed_id"])
    rows["position"] = rows["citation_id"].map(cites["position"]).astype(int)
    texts = {seed_id: seed_text(site, seed_id) for seed_id in set(rows["seed_id"])}
    rows["words"] = [texts[r.seed_id][r.char_start : r.char_end] for r in rows.itertuples()]
    return rows


def seed_text(site: Path, seed_id: str) -> str:
    return (site / "seeds" / f"{seed_id}.txt").read_text(encoding="utf-8")


def row_of(site: Path, record_id: str, field: str):
    rows = evidence(site)
    found = rows[(rows["record_id"] == record_id) & (rows["field"] == field)]
    assert len(found) == 1, (record_id, field)
    return found.iloc[0]


@pytest.fixture
def page(browser):
    """A page (in a context that may use the clipboard) whose errors fail the test."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()
    assert errors == []


LIT = "() => [...document.querySelectorAll('.ev.lit')].map(e => e.textContent).join('')"
BACKGROUNDS = """() => {
    const lit = document.querySelector('.ev.lit'), mark = lit.closest('mark');
    return [getComputedStyle(lit).backgroundColor, getComputedStyle(mark).backgroundColor];
}"""
TRANSPARENT = "rgba(0, 0, 0, 0)"

# single-row fields: a title, an acronym, a date inside a name's words, and that name (two stretches)
FIELDS = [
    ("role-chunli-bai-president-cas", "title"),
    ("org-cast", "acronym"),
    ("event-igf2021", "date"),
    ("event-igf2021", "name"),
    ("role-chunli-bai-president-cas", "person_id"),
]


@pytest.mark.parametrize(("record_id", "field"), FIELDS)
def test_hovering_a_field_lights_exactly_the_words_that_state_it(site, page, record_id, field):
    row = row_of(site, record_id, field)
    page.goto((site / "records" / f"{record_id}.html").as_uri())
    assert page.evaluate(LIT) == ""
    page.hover(f'dd[data-ev-for="{field}"]')
    assert page.evaluate(LIT) == row.words
    lit, mark = page.evaluate(BACKGROUNDS)
    assert TRANSPARENT not in (lit, mark) and lit != mark  # a second colour, not the quote's
    page.mouse.move(0, 0)
    assert page.evaluate(LIT) == ""
    page.hover(f'dt[data-ev-for="{field}"]')  # the field's name too
    assert page.evaluate(LIT) == row.words


@pytest.mark.parametrize(("record_id", "field"), FIELDS[:2])
def test_a_field_focused_by_keyboard_lights_its_words_says_them_and_leads_to_them(site, page, record_id, field):
    row = row_of(site, record_id, field)
    page.goto((site / "records" / f"{record_id}.html").as_uri())
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('[data-ev-for]')?.dataset.evFor ?? null") == field:
            break
    else:
        pytest.fail(f"Tab never reached {field}")
    assert page.evaluate(LIT) == row.words
    lit, mark = page.evaluate(BACKGROUNDS)
    assert lit != mark
    # what a screen reader says: the words, and in which citation
    said = page.evaluate("() => document.activeElement.closest('dd').querySelector('.evidence').textContent")
    assert said == f"stated in [{row.position}]\u00a0\u201c{row.words}\u201d"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == f"#ev-{field}-1"
    assert page.evaluate("() => document.querySelector(':target').closest('.ev').textContent") == row.words
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(LIT) == ""


def test_every_evidence_row_is_marked_at_its_offsets_and_linked_from_its_field(site, page):
    """Every record page, parsed by the browser: the stretches marked for each field are the words at its
    evidence rows' offsets, in the order of the page, and its field links to each."""
    rows = evidence(site)
    page.goto((site / "records" / "org-cast.html").as_uri())
    pages = {
        record_id: (site / "records" / f"{record_id}.html").read_text(encoding="utf-8")
        for record_id in sorted(set(rows["record_id"]))
    }
    shown = page.evaluate(
        """pages => Object.fromEntries(Object.entries(pages).map(([id, html]) => {
        const parsed = new DOMParser().parseFromString(html, 'text/html'), fields = {};
        for (const dd of parsed.querySelectorAll('dd[data-ev-for]')) {
            const field = dd.dataset.evFor;
            const spans = [...parsed.querySelectorAll('section.cite .ev')]
                .filter(span => span.dataset.ev.split(' ').includes(field));
            fields[field] = [spans.map(span => span.textContent).join(''),
                             [...dd.querySelectorAll('.evidence a')].map(a => {
                                 const anchor = parsed.getElementById(a.getAttribute('href').slice(1));
                                 return anchor && anchor.closest('.ev') ? anchor.closest('section.cite').id : null;
                             })];
        }
        return [id, fields];
    }))""",
        pages,
    )
    for record_id, own in rows.groupby("record_id", sort=True):
        expected = {
            field: [
                "".join(r.words for r in of_field.sort_values(["position", "char_start"]).itertuples()),
                [f"cite-{p}" for p in of_field["position"]],
            ]
            for field, of_field in own.groupby("field")
        }
        assert shown[record_id] == expected, record_id
    assert sum(len(fields) for fields in shown.values()) == len(rows.groupby(["record_id", "field"]))


def test_an_inferred_field_gives_its_reason_and_no_words(site, page):
    inferred = table(site, "inferences").set_index(["record_id", "field"])["reason"]
    record_id, field = "event-anso-unctad-mou-signing", "date"
    page.goto((site / "records" / f"{record_id}.html").as_uri())
    dd = page.locator("dl.fields dt", has_text=re.compile(f"^{field}$")).locator("xpath=following-sibling::dd[1]")
    assert dd.locator(".inferred").inner_text() == "inferred"
    assert dd.locator(".reason").text_content() == inferred[record_id, field]
    assert dd.get_attribute("data-ev-for") is None and dd.locator(".evidence").count() == 0


def test_free_text_underlines_exactly_its_unsupported_words(site, page):
    words = table(site, "unsupported_words")
    record_id, field = words.iloc[0].record_id, words.iloc[0].field
    page.goto((site / "records" / f"{record_id}.html").as_uri())
    dd = page.locator("dl.fields dt", has_text=re.compile(f"^{field}$")).locator("xpath=following-sibling::dd[1]")
    underlined = dd.locator(".unsupported")
    expected = set(words[(words.record_id == record_id) & (words.field == field)]["word"])
    assert {text.lower() for text in underlined.all_text_contents()} == expected
    assert underlined.first.get_attribute("title") == "not in the record's quotes"
    assert "underline" in underlined.first.evaluate("e => getComputedStyle(e).textDecorationLine")
    # every record's page: its underlined words are its rows of unsupported_words, every one of them
    for record_id, own in words.groupby("record_id"):
        page_html = (site / "records" / f"{record_id}.html").read_text(encoding="utf-8")
        fields = re.search(r'<dl class="fields">.*?<dt class="legend">', page_html, re.S)[0]
        found = {
            html.unescape(w).lower()
            for w in re.findall(r'<span class="unsupported" title="[^"]*">([^<]*)</span>', fields)
        }
        assert found == set(own["word"]), record_id


# --- the cite entry of the selected words, on a seed's page -------------------------------------------------------

SELECT = """([first, from, last, to, whole]) => {
    function point(line, column) {  // the text node and offset of a column of a line's text
        const walker = document.createTreeWalker(document.querySelector(`#L${line} > .text`), NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode());) {
            if (column <= node.length) return [node, column];
            column -= node.length;
        }
        throw new Error(`no column ${column} on line ${line}`);
    }
    const range = document.createRange();
    if (whole) {  // from the line's number to past its notes, as a reader drags across whole lines
        range.setStartBefore(document.querySelector(`#L${first} > a.number`));
        range.setEndAfter(document.getElementById(`L${last}`).lastChild);
    } else {
        range.setStart(...point(first, from));
        range.setEnd(...point(last, to));
    }
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
}"""

PHRASES = [  # seed, the words (None: whole lines), which of the places the words stand in is selected
    ("anso-newsletter-2020", "Leaders from nine world-re-\nnowned institutions gave", 0),  # a line-end hyphen
    ("anso-newsletter-2020", "He also present-\ned ANSO\u2019s efforts", 0),  # and a typographic apostrophe
    ("cast-igf2021-booth", "China Association for Science and Technology", 1),  # the second of two places
    ("bai-letter-2020", None, 0),  # lines 5-7 from the first's number to past the last's notes, a blank between
]


def cite_printed(site: Path, seed_id: str, words: str) -> list[str]:
    """What `anso-facts cite WORDS --seed ID` prints: the block for each place the words stand in."""
    done = subprocess.run(
        [sys.executable, "-m", "anso_facts.cli", "--root", str(site.parent), "cite", words, "--seed", seed_id],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    header, *entries = done.stdout.rstrip("\n").split("\n")
    assert header == "  cite:" and len(entries) % 3 == 0, done.stdout
    return [header + "\n" + "\n".join(entries[i : i + 3]) for i in range(0, len(entries), 3)]


def select(page, text: str, start: int, end: int, whole: bool = False) -> str:
    """Select text[start:end] on the seed's page (open), as a reader would; the cite entry then offered."""
    first, last = text.count("\n", 0, start) + 1, text.count("\n", 0, end) + 1
    columns = start - (text.rfind("\n", 0, start) + 1), end - (text.rfind("\n", 0, end) + 1)
    page.evaluate(SELECT, [first, columns[0], last, columns[1], whole])
    page.locator("#cite-box").wait_for(state="visible")
    return page.input_value("#cite-yaml")


@pytest.mark.parametrize(("seed_id", "words", "place"), PHRASES)
def test_selected_words_are_offered_as_the_cite_entry_anso_facts_cite_prints(site, page, seed_id, words, place):
    text = seed_text(site, seed_id)
    if words is None:
        offsets = [0] + [m.end() for m in re.finditer("\n", text)]
        start, end = offsets[4], offsets[7] - 1
        words = text[start:end]
    else:
        start = -1
        for _ in range(place + 1):
            start = text.index(words, start + 1)
        end = start + len(words)
    page.goto((site / "seeds" / f"{seed_id}.html").as_uri())
    assert page.locator("#cite-box").is_hidden()
    block = select(page, text, start, end, whole=seed_id == "bai-letter-2020")
    entry = yaml.safe_load(block)["cite"]
    lines = text.count("\n", 0, start) + 1, text.count("\n", 0, end) + 1
    assert entry == [
        {
            "seed": seed_id,
            "lines": lines[0] if lines[0] == lines[1] else f"{lines[0]}-{lines[1]}",
            "quote": quote_of(SeedText(text), Match(start, end, *lines)),
        }
    ]
    # the command, given the words as the box shows them on one line (it finds no words given with a line-end
    # hyphen and line break as the seed has them), prints the same block for the same place
    assert block == cite_printed(site, seed_id, entry[0]["quote"])[place]
    # copied: to the clipboard, or selected in its box for the reader's own copy where there is none
    page.click("#cite-copy")
    page.locator("#cite-said", has_text="Copied.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == block
    page.evaluate("() => Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.click("#cite-copy")
    assert page.evaluate("""() => { const box = document.activeElement;
        return [box.id, box.selectionStart, box.selectionEnd]; }""") == ["cite-yaml", 0, len(block)]
    page.click("#cite-close")
    assert page.locator("#cite-box").is_hidden()


@pytest.mark.parametrize("path", ["records/role-chunli-bai-president-cas.html", "seeds/anso-newsletter-2020.html"])
def test_no_serious_accessibility_violation_with_a_field_lit_or_the_cite_box_open(site, page, path):
    from axe_playwright_python.sync_playwright import Axe

    page.goto((site / path).as_uri())
    if path.startswith("records/"):
        page.focus('dd[data-ev-for="title"] a')
        assert page.evaluate(LIT) == "President"
    else:
        text = seed_text(site, "anso-newsletter-2020")
        start = text.index("Leaders from nine")
        select(page, text, start, start + 40)
    assert page.errors == []
    violations = Axe().run(page).response["violations"]
    page.errors.clear()  # axe's own requests for the style sheets, which file:// refuses
    assert [
        f"{v['id']} ({v['impact']}): {v['help']}" for v in violations if v["impact"] in ("serious", "critical")
    ] == []
