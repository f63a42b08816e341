"""The search index (search-index.js): an entry a record, with its names and its words, which search.js cuts
into words and matches as the reader types."""

from __future__ import annotations

from pathlib import Path

from anso_facts.model.tables import TABLES
from anso_facts.site.data import Package
from anso_facts.site.html_contexts import script_json_bytes

MAX_TIE_TERMS = 30  # the distinct terms of a record's ties its search entry holds
NAME_FIELDS = ("name", "acronym", "title")


def write_search_index(package: Package, root: Path, out: Path) -> None:
    (out / "search-index.js").write_bytes(
        b"window.ANSO_SEARCH = " + script_json_bytes(search_entries(package)) + b";\n"
    )


def search_entries(package: Package) -> list[list[str]]:
    """The search index: [id, label, table, names, text]. Names (tab-separated): its name, acronym, title and
    aliases, and its label. Text: its own words (every text field), the labels of the records it refers to,
    and the terms of its ties ("founding-member-of", "speaker"), so that "members of BHBD" finds BHBD. search.js
    lowers and cuts them into words itself."""
    by_id = _names_and_words(package)
    entries = []
    for r in package.tables["records"]:
        names, words = by_id.get(r["id"], ([], []))
        entries.append([r["id"], r["label"], r["table"], "\t".join([*names, r["label"]]), " \u00b7 ".join(words)])
    return entries


def _names_and_words(package: Package) -> dict[str, tuple[list[str], list[str]]]:
    """Record id -> its names (name, acronym, title, then aliases) and its words (its text fields, the labels of
    the records it refers to, then the terms of its ties)."""
    by_id: dict[str, tuple[list[str], list[str]]] = {}
    for table in TABLES:
        kinds = [(f.name, f.kind) for f in table.fields]
        for row in package.tables[table.name]:
            _add_fields(by_id.setdefault(row["id"], ([], [])), row, kinds, package.labels)
    for record_id, aliases in package.aliases.items():
        by_id.setdefault(record_id, ([], []))[0].extend(aliases)
    for record_id, ties in package.ties_of.items():
        terms = list(dict.fromkeys(tie.label for _, tie in ties))[:MAX_TIE_TERMS]
        by_id.setdefault(record_id, ([], []))[1].append(" ".join(terms))
    return by_id


def _add_fields(entry: tuple[list[str], list[str]], row: dict, kinds: list[tuple[str, str]], labels) -> None:
    """A row's names, its text fields and the labels of the records it refers to, added to its entry."""
    names, words = entry
    for name, kind in kinds:
        value = row.get(name)
        if not value:
            continue
        if name in NAME_FIELDS:
            names.append(str(value))
        elif kind == "text":
            words.append(str(value))
        elif kind == "ref":
            words.append(labels.get(value, value))
