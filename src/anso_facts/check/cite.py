"""`anso-facts cite WORDS`: where words stand in the seeds, found as the check finds a quote (line breaks, runs
of white space, line-end hyphens and typographic quote marks forgiven), each place as the `cite` entry to paste
into a record: the seed, the lines and the seed's own words. The review site's seed pages make the same entry
for the words a reader selects (site/templates/cite.js), so both write it the same simple way."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from anso_facts.check.seedtext import Match, SeedText

_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-[ \t]*\n\s*(?=[^\W\d_])")
# What a YAML reader refuses to find in a file even inside quotes (PyYAML's Reader.NON_PRINTABLE), or reads as a
# line break there (NEL, U+2028, U+2029): written as \u escapes (cite.js escapes the same)
_NOT_IN_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# YAML 1.1 reads these plain words as booleans or null, not text
_NOT_TEXT = frozenset({"yes", "no", "true", "false", "on", "off", "null"})


def places(words: str, texts: Mapping[str, SeedText], seed: str | None = None) -> list[tuple[str, Match]]:
    """Every place the words stand, seed by seed (in catalogue order), in the order of the text."""
    return [
        (seed_id, match)
        for seed_id, text in texts.items()
        if seed in (None, seed_id)
        for match in text.find_anywhere(words)
    ]


def quote_of(text: SeedText, match: Match) -> str:
    """The seed's own words at a place, on one line: a word hyphenated at a line end kept with its hyphen."""
    return " ".join(_HYPHEN_BREAK.sub("-", text.text[match.char_start : match.char_end]).split())


def double_quoted(value: str) -> str:
    """A string as a JSON string, which YAML reads as the same string (JSON.stringify writes the same)."""
    encoded = json.dumps(value, ensure_ascii=False)
    return _NOT_IN_YAML.sub(lambda m: f"\\u{ord(m[0]):04x}", encoded)


def seed_scalar(seed_id: str) -> str:
    """A seed's id as a YAML value: as it is where YAML reads it as text (a slug that starts with a letter and
    is no boolean or null), else double-quoted."""
    plain = re.fullmatch(r"[a-z][a-z0-9-]*", seed_id) and seed_id not in _NOT_TEXT
    return seed_id if plain else double_quoted(seed_id)


def cite_entry(seed_id: str, text: SeedText, match: Match) -> str:
    """The YAML of one `cite` entry, indented to stand under a record's `cite:`: the quote on one line, between
    double quotes (any words are safe there)."""
    lines = str(match.line_start) if match.line_end == match.line_start else f"{match.line_start}-{match.line_end}"
    return f"  - seed: {seed_scalar(seed_id)}\n    lines: {lines}\n    quote: {double_quoted(quote_of(text, match))}"
