"""How the site's pages are rendered: the Jinja2 environment over templates/, the frame of base.html that the
record pages are made inside, a page written from its template, and the JSON files the site writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from anso_facts import __version__
from anso_facts.model.metadata import METADATA
from anso_facts.site.html_contexts import link, script_json_bytes, segment

TEMPLATES = Path(__file__).with_name("templates")


def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )  # no stat of base.html per page
    env.globals.update(title=METADATA["title"], version=__version__, license=METADATA["license"])
    # HTML text and attributes: autoescape; a value in a link's path: segment; a URL: link
    env.filters.update(segment=segment, link=link)
    return env


def page_frame(env, base: str) -> tuple[str, str, str]:
    """base.html for the pages of one folder, rendered once and cut where a page's title and main part go:
    what a page around its main part costs once, not once a page (docs/performance.md, "A record's page is made
    in Python": base.html was 25 of a record page's 38 microseconds)."""
    slot = "\x00"
    html = env.from_string(
        '{% extends "base.html" %}{% block title %}{{ slot }}{% endblock %}'
        "{% block main %}{{ slot }}{% endblock %}"
        '{% block scripts %}<script src="{{ base }}evidence.js"></script>\n{% endblock %}'
    ).render(base=base, slot=slot)
    before, middle, after = html.split(slot)
    return before, middle, after


def write_page(env, template: str, path: Path, **context) -> None:
    """Render `template` with `context` into the file `path`."""
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")


def write_one_line_json(path: Path, data: object, items: Iterable[object] | None = None) -> None:
    """`data` into `path` as JSON on one line (orjson, many times faster than an indented dump on 100,000
    records), safe in a <script> element as every JSON the site writes. With `items`, the empty list that
    ends `data` (the last value of its last mapping, at any depth) holds them, encoded ITEMS_AT_ONCE at a time:
    the same bytes, but a list of 400,000 annotations is never in memory whole (made whole, its objects and
    its copies cost the annotations a second of the kernel's time at 100,000 records)."""
    encoded = script_json_bytes(data)
    with path.open("wb") as stream:
        if items is None:
            stream.write(encoded)
        else:
            head, place, end = encoded.rpartition(b"[]")
            if not place or end.strip(b"}"):
                raise ValueError("the items' place must be an empty list that ends the data")
            stream.write(head + b"[")
            _write_items(stream, iter(items))
            stream.write(b"]" + end)
        stream.write(b"\n")


ITEMS_AT_ONCE = 10_000


def _write_items(stream: BinaryIO, items: Iterator[object]) -> None:
    """The items, comma-separated, a list of ITEMS_AT_ONCE at a time without its brackets."""
    separator = b""
    while chunk := list(islice(items, ITEMS_AT_ONCE)):
        stream.write(separator + script_json_bytes(chunk)[1:-1])
        separator = b","
