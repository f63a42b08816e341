"""`anso-facts fmt`: every curated YAML file in one canonical layout, so that a diff shows only what a curator
changed. `fmt --check` (in the test command) lists the files that are not, and changes nothing.

The layout: two-space indents, list items at their key's indent, text folded at WIDTH characters, each record's
fields in the model's order (then `inferred`, `note`, `cite`, `excluded`), a citation's as seed, lines, quote, and
every date quoted as text ('2020-07-23'). Comments stay where they are: the files are read and written by
ruamel.yaml's round-trip mode, the tool made for that. A file is written only if it reads back to the same data
(the strict loader's reading of both), and whole."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from anso_facts.check.files import CATALOGUE, VOCABULARIES, data_files
from anso_facts.model.tables import TABLE_BY_NAME
from anso_facts.support import yamlsafe

WIDTH = 116
FOLLOWING = ("inferred", "note", "cite", "excluded")  # after a record's own fields, in this order
CITATION = ("seed", "lines", "quote")
EXCLUSION = ("lines", "reason")


class FmtError(Exception):
    """A file the formatter would change in meaning (it never writes one)."""


def curated_files(root: Path) -> list[Path]:
    """The catalogue and every YAML file in data/ (plain files inside the checkout)."""
    return [root / CATALOGUE, *(p for p in data_files(root) if p.suffix == ".yaml")]


def _yaml():
    from ruamel.yaml import YAML  # the curator's tool only: neither the check nor the build imports it

    yaml = YAML(typ="rt")
    yaml.width = WIDTH
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def _ordered(mapping, order: tuple[str, ...] | list[str]) -> None:
    """Put a mapping's keys in `order` (keys it does not name last, as they were), in place; a comment that
    followed the last value still follows the last one."""
    keys = list(mapping)
    wanted = sorted(keys, key=lambda key: order.index(key) if key in order else len(order))
    if keys == wanted:
        return
    trailing = mapping.ca.items.pop(keys[-1], None)
    for key in wanted:
        mapping.move_to_end(key)
    if trailing is not None:
        _attach_last(mapping, trailing)


def _attach_last(node, comment) -> None:
    """Attach a comment after the last scalar of a mapping or list, however deep (where ruamel writes a comment
    that follows a value)."""
    last = list(node)[-1] if hasattr(node, "move_to_end") else len(node) - 1
    value = node[last]
    if hasattr(value, "ca") and len(value):
        _attach_last(value, comment)
    else:
        node.ca.items[last] = comment


def _block_style(node) -> None:
    """Every mapping and list written as a block, one item a line (not `{a: b}`)."""
    if hasattr(node, "fa"):
        node.fa.set_block_style()
    for value in node.values() if hasattr(node, "values") else node if isinstance(node, list) else ():
        _block_style(value)


def _records(document) -> Iterator[tuple[str, Any]]:
    for table, items in document.items() if hasattr(document, "items") else ():
        if table in TABLE_BY_NAME and isinstance(items, list):
            yield from ((table, record) for record in items if hasattr(record, "move_to_end"))


def _canonical_records(document) -> None:
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    for table, record in _records(document):
        fields = TABLE_BY_NAME[table].fields
        _ordered(record, [*(f.name for f in fields), *FOLLOWING])
        for f in fields:
            if f.kind == "date" and isinstance(record.get(f.name), (str, int, dt.date)):  # ruamel reads a date
                record[f.name] = SingleQuotedScalarString(str(record[f.name]))
        if hasattr(record.get("inferred"), "move_to_end"):
            _ordered(record["inferred"], [f.name for f in fields])
        for key, order in (("cite", CITATION), ("excluded", EXCLUSION)):
            for item in record.get(key) or ():
                if hasattr(item, "move_to_end"):
                    _ordered(item, order)


def canonical(text: str, records: bool = True) -> str:
    """The text in the canonical layout (`records`: a file of tables of records, whose keys are put in order)."""
    yaml = _yaml()
    document = yaml.load(text)
    if document is None:  # comments only
        return text
    _block_style(document)
    if records:
        _canonical_records(document)
    out = io.StringIO()
    yaml.dump(document, out)
    # the emitter leaves a space where it folds a line, which the YAML reader drops again
    result = "".join(line.rstrip(" ") + "\n" for line in out.getvalue().splitlines())
    if yamlsafe.load(result) != yamlsafe.load(text):
        raise FmtError("the canonical layout would read back as other data; nothing was written")
    return result


def formatted(root: Path, path: Path) -> tuple[str, str]:
    """A file's text, and its text in the canonical layout."""
    text = path.read_text(encoding="utf-8")
    return text, canonical(text, records=path != root / VOCABULARIES)
