"""A record's page (records/ID.html): its label, table and id, where it is curated, its fields, its figures
and ties, the records that refer to it, and each citation as its seed passage with the quote marked at its
character offsets. Made in Python inside the frame of base.html: a site may have 100,000 records."""

from __future__ import annotations

import os
from bisect import bisect_left
from functools import cache
from pathlib import Path

from markupsafe import Markup

from anso_facts.check.seedtext import SeedText
from anso_facts.model.tables import TABLES, Table
from anso_facts.site import tie_map
from anso_facts.site.data import Cite, Evidence, Package
from anso_facts.site.fields import FIELD_NAMES, fields_html
from anso_facts.site.figures import figures_html
from anso_facts.site.file_names import file_name
from anso_facts.site.html_contexts import segment, text
from anso_facts.site.links import record_link
from anso_facts.site.render import environment, page_frame
from anso_facts.support.fast_files import write_new_file

MAX_TIES_LISTED = 60  # ties a record's page lists (the rest are among "Referred to by")


def write_record_pages(package: Package, root: Path, out: Path, part: int = 0, parts: int = 1) -> None:
    """Every `parts`-th record's page, from the `part`-th on: its main part in the frame of base.html."""
    before, middle, after = page_frame(environment(), "../")
    titles = {seed["id"]: seed["title"] for seed in package.tables["seeds"]}
    rows = [(table, row) for table in TABLES for row in package.tables[table.name]]
    folder = str(out / "records")
    for table, row in rows[part::parts]:
        main = record_main_html(package, table, row, titles)
        page = f"{before}{package.label_html[row['id']]}{middle}{main}\n{after}"
        write_new_file(os.path.join(folder, file_name(row["id"], ".html")), page.encode())


def record_main_html(package: Package, table: Table, row: dict, seed_titles: dict[str, str]) -> str:
    """The main part of a record's page: its label, table and id, where it is curated, its fields, the records
    that refer to it and its citations. Made here rather than in a template: the site has a page for each of up
    to 100,000 records, and rendering a template for each was most of the site's time."""
    record_id = row["id"]
    curated = package.checked.curated.get(record_id)
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
            f'<pre class="passage" tabindex="0">\n{passage(package.checked.texts[cite.seed_id], cite, own)}</pre>\n'
            f"</section>"
        )
    return Markup("\n".join(sections))


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


def ties_html(package: Package, record_id: str) -> str:
    """A record's direct ties as <li>: who or what is what to whom, each linked, with the record that states it."""
    ties = package.ties_of.get(record_id)
    if not ties:
        return ""
    me = text(tie_map.short(package.labels.get(record_id, record_id), package.acronyms.get(record_id)))
    items = []
    for outgoing, tie in ties[:MAX_TIES_LISTED]:
        other = record_link(package, tie.target if outgoing else tie.source)
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
