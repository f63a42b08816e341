"""One escaping helper per place a value can land in the review site's files; every value the site writes goes
through the one for its place, whatever it is (ids are slugs today: escaped anyway).

  text(value)        HTML text, between tags
  attribute(value)   an HTML attribute's value, always written between double quotes
  texts(values)      many values as HTML text at once (a table's column)
  segment(value)     one path segment of a link the site builds (a page named by an id): percent-encoded
  link(url, shown)   a curated URL: a link only for http, https, mailto and relative URLs, anything else text
  script_json(data)  JSON inside a <script> element or a .js file: no string can end the element

An integer (a line, an offset) is written with the format `{value:d}`, which raises for anything else.

Curated text is untrusted (a pull request from anyone may add it), so none of these trusts its value."""

from __future__ import annotations

import re
from urllib.parse import quote

import orjson
from markupsafe import Markup, escape

# A URL whose scheme is one of these may be a link; a value with no scheme is relative. The browser drops
# white space and control characters around a URL and tabs and line breaks inside it ("java\tscript:"), so
# a value holding any of those, or a DEL or C1 control, is no link at all.
SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_UNSAFE_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")
# What could end a <script> element or a JavaScript string: <, > and & (</script>, <!--, ]]>), and the two
# line separators that older JavaScript engines refuse inside a string.
_IN_SCRIPT = tuple(
    (character.encode(), escaped.encode())
    for character, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    )
)


# `value` as HTML text: &, <, >, " and ' escaped. Markupsafe's escape itself, not a function around it: it is
# called for every piece of every page, and a wrapper cost a fifth of the record pages' time. (A Markup is
# HTML already, and left as it is.)
text = escape
# `value` as the value of an attribute written between double quotes: the same escaping, both quotes included.
attribute = escape
_APART = "\x00"  # a character text escaping leaves as it is, and no text of the site holds (check: control-character)


def texts(values: list[str]) -> list[str]:
    """Many strings as HTML text, as [text(value) ...] gives them, in one call to the escaper: escaping
    goes character by character, so the values are joined by a character none of them holds and split again.
    (A table's page may have 100,000 rows: the escaper's call cost most of its cells' time.)"""
    joined = _APART.join(values)
    if joined.count(_APART) != max(len(values) - 1, 0):  # a value holds it after all: one at a time
        return [text(value) for value in values]
    return str(escape(joined)).split(_APART) if values else []


_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")  # what quote() leaves as it is


def segment(value: str) -> str:
    """`value` as one segment of a link's path or fragment: every character but letters, digits and `-._~`
    percent-encoded, so that no value can add a scheme, a folder, a query or a fragment, or leave the
    attribute (a slug is left as it is, without urllib's work: a site has a link for each of 100,000 ids)."""
    return value if _UNRESERVED.fullmatch(value) else quote(value, safe="")


def is_safe_url(url: str) -> bool:
    """Whether `url` may be a link: an http, https or mailto URL, or a relative one (no scheme), with no white
    space or control character anywhere."""
    if not url or _UNSAFE_IN_URL.search(url):
        return False
    scheme = _SCHEME.match(url)
    if scheme:
        return scheme[1].lower() in SAFE_SCHEMES
    # a colon before the path or query ("&#106;avascript:...", "a b:c") makes no scheme, but is no plain
    # relative URL either: refused, rather than trust how every reader of the site would take it
    return ":" not in re.split(r"[/?]", url, maxsplit=1)[0]


def link(url: str, shown: object | None = None, rel: str = "nofollow") -> Markup:
    """A curated URL as a link showing `shown` (by default the URL); as text if it is no safe link."""
    label = text(url if shown is None else shown)
    if not is_safe_url(url):
        return label
    return Markup(f'<a href="{attribute(url)}" rel="{attribute(rel)}">{label}</a>')


def script_json(data: object) -> Markup:
    """`data` as JSON on one line that can stand inside a <script> element (JSON-LD) or a .js file: <, >, &,
    U+2028 and U+2029 written as \\u escapes, which JSON and JavaScript both read back as the same string."""
    return Markup(script_json_bytes(data).decode("utf-8"))


def script_json_bytes(data: object) -> bytes:
    """script_json's JSON as UTF-8, for a file: orjson writes the same bytes as Python's json with compact
    separators and ensure_ascii=False, six times faster (docs/performance.md, "The site within 1.5x of the
    build, again"), and raises for what JSON cannot hold exactly (a key that is not a string, an integer past 64
    bits)."""
    encoded = orjson.dumps(data)
    for character, escaped in _IN_SCRIPT:  # bytes.replace: many times faster than a translation on a large index
        encoded = encoded.replace(character, escaped)
    return encoded
