"""`build`: a readable label for every record (the `label` column of `records`), from each table's
`label` parts declared in model/tables.py. A reference in a label stands for the referred record's acronym, or its
label where it has none, so a role reads "Chunli Bai: President, CAS" rather than three ids."""

from __future__ import annotations

import hashlib
import string

import pyarrow as pa

from anso_facts.model import dates
from anso_facts.model.tables import TABLES, Table
from anso_facts.support.arrow_entry import ipc_bytes
from anso_facts.support.cache import BUILD_SUFFIX, Cache, kept

MAX_LENGTH = 80
_FORMATTER = string.Formatter()


def _names(part: str) -> list[str]:
    return [name for _, name, _, _ in _FORMATTER.parse(part) if name]


def _refers(table: Table) -> bool:
    kinds = {f.name: f.kind for f in table.fields}
    return any(kinds[name] == "ref" for part in table.label for name in _names(part))


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1].rstrip() + "\u2026"


def _values(table: Table, data: pa.Table, referred: dict[str, str]) -> list[dict[str, str | None]]:
    """Each row's values as the label shows them: a date to its precision, a reference as the referred label."""
    names = {name for part in table.label for name in _names(part)}
    kinds = {f.name: f.kind for f in table.fields}
    shown: dict[str, list] = {}
    for name in names:
        values = data.column(name).to_pylist()
        if kinds[name] == "date":
            precisions = data.column(f"{name}_precision").to_pylist()
            values = [dates.text(v, p) for v, p in zip(values, precisions, strict=True)]
        elif kinds[name] == "ref":
            values = [v and referred.get(v, v) for v in values]
        shown[name] = [None if v is None else str(v) for v in values]
    return (
        [dict(zip(shown, row, strict=True)) for row in zip(*shown.values(), strict=True)]
        if shown
        else [{} for _ in range(data.num_rows)]
    )


def _label(parts: list[tuple[str, list[str]]], values: dict[str, str | None]) -> str:
    """The parts whose fields all have values, less a part that would only repeat them ("IGSNRR (IGSNRR)");
    `parts`: each part of the table's label with the names of the fields it shows."""
    shown_parts: list[str] = []
    shown: set[str | None] = set()
    for part, names in parts:
        if all(values[n] for n in names) and not all(values[n] in shown for n in names):
            shown_parts.append(part.format(**values))
            shown.update(values[n] for n in names)
    return _shortened("".join(shown_parts))


def record_labels(tables: dict[str, pa.Table]) -> dict[str, str]:
    """Record id -> label, for every record of the curated tables. Tables whose labels name no reference are
    labelled first, so that the others can use their labels; a reference is shown by the referred record's
    acronym where it has one, else by its label."""
    labels: dict[str, str] = {}
    short: dict[str, str] = {}
    for table in sorted(TABLES, key=_refers):
        data = tables[table.name]
        parts = [(part, _names(part)) for part in table.label]
        ids = data.column("id").to_pylist()
        acronyms = data.column("acronym").to_pylist() if "acronym" in data.column_names else [None] * len(ids)
        for record_id, acronym, values in zip(ids, acronyms, _values(table, data, short), strict=True):
            labels[record_id] = _label(parts, values) or record_id
            short[record_id] = acronym or labels[record_id]
    return labels


def label_columns(table: Table) -> list[str]:
    """The columns a table's labels are made from: the id, the acronym, the fields the label names and the
    precisions of its dates."""
    named = {name for part in table.label for name in _names(part)}
    kinds = {f.name: f.kind for f in table.fields}
    dated = {f"{name}_precision" for name in named if kinds[name] == "date"}
    return sorted({"id", *named, *dated, *({"acronym"} & set(kinds))})


def labels_digest(tables: dict[str, pa.Table]) -> bytes:
    """A digest of every column labels are made from (Arrow's IPC bytes: equal bytes, equal values)."""
    digest = hashlib.sha256()
    for table in TABLES:
        digest.update(ipc_bytes(tables[table.name].select(label_columns(table))))
    return digest.digest()


def cached_labels(tables: dict[str, pa.Table], cache: Cache | None) -> dict[str, str]:
    """record_labels, kept in the cache under the digest of what they are made from (an edit that changes no
    name, acronym or labelled field makes none again: docs/performance.md, issue 23's results)."""
    return kept(cache, "labels", lambda: labels_digest(tables), lambda: record_labels(tables), BUILD_SUFFIX)


def with_labels(records: pa.Table, known: dict[str, str]) -> pa.Table:
    """The records table with its `label` column filled from `known` (see record_labels)."""
    labels = pa.array([known[record_id] for record_id in records.column("id").to_pylist()], pa.string())
    return records.set_column(records.schema.get_field_index("label"), "label", labels)
