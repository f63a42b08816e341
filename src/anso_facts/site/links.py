"""Links to a record's page, labelled with the record's label: from fields, ties, figures and maps."""

from __future__ import annotations

from collections.abc import Callable

from anso_facts.site.data import Package
from anso_facts.site.html_contexts import segment, text


def record_link(package: Package, record_id: str, to_records: str = "") -> str:
    """A link to a record's page (from another, or from the folder `to_records` leads to records/ from)
    labelled with its label; an id that is no record's (in a package not checked) labelled with itself."""
    page = package.page.get(record_id) or f"{segment(record_id)}.html"
    return f'<a href="{to_records}{page}">{package.label_html.get(record_id) or text(record_id)}</a>'


def record_linker(package: Package, to_records: str) -> Callable[[str], str]:
    """A function: a record's id -> its label linked to its page, from a page `to_records` leads to records/ from."""
    return lambda record_id: record_link(package, record_id, to_records)
