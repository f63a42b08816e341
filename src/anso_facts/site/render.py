"""How the site's pages are rendered: the Jinja2 environment over templates/, the frame of base.html that the
record pages are made inside, a page written from its template, and the JSON files the site writes."""

from __future__ import annotations

from pathlib import Path

from anso_facts import __version__
from anso_facts.model.metadata import METADATA
from anso_facts.site.html_contexts import link, script_json, segment

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


def write_one_line_json(path: Path, data: object) -> None:
    """`data` into `path` as JSON on one line (Python's C encoder, many times faster than an indented dump on
    100,000 records), safe in a <script> element as every JSON the site writes."""
    path.write_text(f"{script_json(data)}\n", encoding="utf-8")
