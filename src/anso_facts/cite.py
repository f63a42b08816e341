"""`anso-facts cite WORDS`: where words stand in the seeds, found as the check finds a quote (line breaks, runs
of white space, line-end hyphens and typographic quote marks forgiven), each place as the `cite` entry to paste
into a record: the seed, the lines and the seed's own words."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .seedtext import Match, SeedText

_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-[ \t]*\n\s*(?=[^\W\d_])")


def places(words: str, texts: Mapping[str, SeedText], seed: str | None = None) -> list[tuple[str, Match]]:
    """Every place the words stand, seed by seed (in catalogue order), in the order of the text."""
    return [(seed_id, match) for seed_id, text in texts.items() if seed in (None, seed_id)
            for match in text.find_anywhere(words)]


def quote_of(text: SeedText, match: Match) -> str:
    """The seed's own words at a place, on one line: a word hyphenated at a line end kept with its hyphen."""
    return " ".join(_HYPHEN_BREAK.sub("-", text.text[match.char_start:match.char_end]).split())


def cite_entry(seed_id: str, text: SeedText, match: Match) -> str:
    """The YAML of one `cite` entry, indented to stand under a record's `cite:`."""
    import yaml
    lines = str(match.line_start) if match.line_end == match.line_start else f"{match.line_start}-{match.line_end}"
    entry = {"seed": seed_id, "lines": int(lines) if lines.isdigit() else lines, "quote": quote_of(text, match)}
    body = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=100)
    return "\n".join("  " + line for line in body.splitlines())
