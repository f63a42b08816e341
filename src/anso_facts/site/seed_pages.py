"""A seed's page (seeds/ID.html): its whole text, every quoted passage marked and linked to the records that
quote it, excluded and uncited lines shown; and the seed's text itself, copied as seeds/ID.txt."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from markupsafe import Markup

from anso_facts.check.cite import seed_scalar
from anso_facts.check.coverage import SeedCoverage
from anso_facts.site.data import Cite, Package
from anso_facts.site.file_names import file_name, seed_text_file
from anso_facts.site.folder import copy_checkout_file
from anso_facts.site.html_contexts import attribute, text
from anso_facts.site.render import environment


def write_seed_pages(package: Package, root: Path, out: Path, part: int = 0, parts: int = 1) -> None:
    """Every `parts`-th seed's page, from the `part`-th on."""
    template = environment().get_template("seed.html")
    for seed in package.tables["seeds"][part::parts]:
        html = template.render(
            base="../",
            seed=seed,
            lines=seed_lines_html(package, seed["id"]),
            cover=package.checked.coverage[seed["id"]],
            cite_seed=seed_scalar(seed["id"]),
        )
        (out / "seeds" / file_name(seed["id"], ".html")).write_text(html, encoding="utf-8")


def copy_seed_text(root: Path, seed: dict, out: Path) -> None:
    """Copy a seed's file (a plain name in seeds/, not a link) into the site's seeds/ as ID.txt."""
    copy_checkout_file(root, root / "seeds" / file_name(seed["file"], ""), out / "seeds" / seed_text_file(seed["id"]))


def seed_lines_html(package: Package, seed_id: str) -> Markup:
    """Every line of a seed as an <li>: its number, its text with the quoted stretches marked (an anchor where
    each citation starts), its state (cited, excluded with the reason, uncited or blank) and links to the records
    whose quotes start on it. Made here rather than in the template: a seed may have 100,000 lines."""
    seed, cover = package.checked.texts[seed_id], package.checked.coverage[seed_id]
    exclusions = package.checked.exclusions[seed_id]
    cites_by_line: dict[int, list[Cite]] = defaultdict(list)
    for cite in package.seed_cites.get(seed_id, []):
        for line in range(seed.line_of(cite.char_start), seed.line_of(cite.char_end - 1) + 1):
            cites_by_line[line].append(cite)
    items = []
    for number in range(1, seed.line_count + 1):
        start = seed.line_offsets[number - 1]
        content = seed.line(number)
        cites = cites_by_line.get(number, [])
        state = _line_state(number, content, cover)
        notes = ' <span class="state">uncited</span>' if state == "uncited" else ""
        if number in exclusions:
            notes += f' <span class="state">excluded: {text(exclusions[number])}</span>'
        notes += _cited_by(package, [c for c in cites if seed.line_of(c.char_start) == number])
        items.append(
            f'<li id="L{number}" class="{state}"><a class="number" href="#L{number}" '  # own counter
            f'aria-label="line {number}">{number}</a>\n  <span class="text">'
            f"{_marked(seed.text, start, start + len(content), cites)}</span>{notes}</li>"
        )
    return Markup("\n".join(items))


def _line_state(number: int, content: str, cover: SeedCoverage) -> str:
    if not content.strip():
        return "blank"
    if number in cover.cited:
        return "cited"
    return "excluded" if number in cover.excluded else "uncited"


def _cited_by(package: Package, starting: list[Cite]) -> str:
    """Links to the records whose quotes start on a line, each to the citation on its page."""
    if not starting:
        return ""
    pages, labels = package.page, package.label_html
    links = " · ".join(
        f'<a href="../records/{pages[c.record_id]}#cite-{c.position:d}">{labels[c.record_id]}</a>' for c in starting
    )
    return f'\n  <span class="cited-by">{links}</span>'


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
