"""A record's fields as its page shows them: each value (a reference linked, a URL linked if safe, a date at
its precision), the words of its quotes that state it, an inferred value's reason, and in free text the words
no quote supports underlined."""

from __future__ import annotations

from collections import defaultdict

from markupsafe import Markup

from anso_facts.check.freetext import WORD
from anso_facts.model import dates
from anso_facts.model.tables import ALL_TABLES, Field, Table
from anso_facts.site.data import Package
from anso_facts.site.html_contexts import link, text
from anso_facts.site.links import record_link

FIELD_NAMES = {f.name: text(f.name) for t in ALL_TABLES for f in t.fields}  # escaped once: shown on every page


UNSUPPORTED = '<span class="unsupported" title="not in the record&#39;s quotes">'
LEGEND = (
    '<dt class="legend">underlined</dt>\n<dd class="legend"><span class="unsupported">words</span> '
    "that stand in none of the record's quotes</dd>"
)


def shown_date(row: dict, name: str) -> str:
    """A date field of a row at its precision: '2021', 'July 2020', '2020-09-18'."""
    return dates.readable(row[name], row[f"{name}_precision"])


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
        value = None if f.kind == "id" else _field_value(package, f, row)
        if value is None or value == "":
            continue
        shown = _value_html(package, f, value, unsupported.get(f.name))
        if f.name in inferred:
            shown += f' <span class="inferred">inferred</span> <span class="reason">{text(inferred[f.name])}</span>'
        items.append(_field_item(FIELD_NAMES[f.name], shown, evidence.get(f.name)))
    if row.get("note"):
        items.append(f'<dt>curator\'s note</dt>\n<dd class="note">{text(row["note"])}</dd>')
    if unsupported:
        items.append(LEGEND)
    return Markup("\n".join(items))


def _field_value(package: Package, f: Field, row: dict) -> object:
    """A field's value as shown: a list's items joined, a date at its precision, anything else as it is."""
    if f.kind == "list":
        return "; ".join(package.aliases.get(row["id"], ()))
    return shown_date(row, f.name) if f.kind == "date" else row[f.name]


def _value_html(package: Package, f: Field, value, unsupported: set[str] | None) -> str:
    """A field's value as HTML: a str, not Markup, whose + would escape what is added to it."""
    if f.kind == "ref":
        return f"{record_link(package, value)} <code>{text(value)}</code>"
    if f.kind == "url":
        return str(link(value))
    if unsupported is not None:
        return underlined(str(value), unsupported)
    return str(text(value))


def _field_item(name: str, shown: str, evidence: str | None) -> str:
    """A field's <dt> and <dd>; with the words that state it, both marked as the field's (evidence.js)."""
    if evidence is None:
        return f"<dt>{name}</dt>\n<dd>{shown}</dd>"
    return f'<dt data-ev-for="{name}">{name}</dt>\n<dd data-ev-for="{name}">{shown}{evidence}</dd>'


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
        words = " ".join(package.checked.texts[cite.seed_id].text[ev.char_start : ev.char_end].split())
        links[ev.field].append(f'<a href="#{ev.href}">[{cite.position:d}]\u00a0\u201c{text(words)}\u201d</a>')
    return {field: f' <span class="evidence">stated in {", ".join(found)}</span>' for field, found in links.items()}


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
