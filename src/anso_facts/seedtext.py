"""Finding a quote in a seed's text.

Matching forgives line breaks, runs of white space, a word hyphenated at a line end ("Interna-" + "tional",
also across a blank line, matched as "International" or as "Interna-tional"), and typographic quote marks
(‘ ’ “ ” match ' and "). Nothing else: case, punctuation and spelling must be exact.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                             "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'})
_LETTER = r"[^\W\d_]"
_BREAKS = re.compile(rf"(?P<hyphen>(?<={_LETTER})-[ \t]*\n\s*(?={_LETTER}))|\s+")
_SPACE = re.compile(r"\s+")


def normalise_quote(quote: str) -> str:
    return _SPACE.sub(" ", quote.translate(TYPOGRAPHIC)).strip()


def _normalise(text: str, keep_hyphen: bool) -> tuple[str, list[int]]:
    """The text with each run of white space made one space and each line-end hyphenation joined (with or
    without its hyphen), and for every character of the result its offset in `text`."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for match in _BREAKS.finditer(text):
        pieces.append(text[position:match.start()])
        offsets.extend(range(position, match.start()))
        if match.group("hyphen") is None:
            pieces.append(" ")
            offsets.append(match.start())
        elif keep_hyphen:
            pieces.append("-")
            offsets.append(match.start())
        position = match.end()
    pieces.append(text[position:])
    offsets.extend(range(position, len(text)))
    return "".join(pieces), offsets


@dataclass(frozen=True)
class Match:
    char_start: int
    char_end: int
    line_start: int
    line_end: int


class SeedText:
    """A seed's text, normalised once, with the quote search the checker needs."""

    def __init__(self, text: str):
        self.text = text
        self.line_offsets = [0] + [m.end() for m in re.finditer("\n", text)]
        self.line_count = len(self.line_offsets) - (1 if text.endswith("\n") else 0)
        typo = text.translate(TYPOGRAPHIC)  # same length as text
        self._views = [_normalise(typo, keep_hyphen) for keep_hyphen in (False, True)]

    def line(self, number: int) -> str:
        start = self.line_offsets[number - 1]
        end = self.line_offsets[number] if number < len(self.line_offsets) else len(self.text)
        return self.text[start:end].rstrip("\n")

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_offsets, offset)

    def find(self, quote: str, line_start: int, line_end: int) -> Match | None:
        """Where the quote stands within lines line_start..line_end, or None."""
        start = self.line_offsets[line_start - 1]
        end = self.line_offsets[line_end] if line_end < len(self.line_offsets) else len(self.text)
        return next(self._matches(normalise_quote(quote), start, end), None)

    def find_anywhere(self, quote: str) -> list[Match]:
        """Every place in the whole seed where the quote stands."""
        return sorted(set(self._matches(normalise_quote(quote), 0, len(self.text))),
                      key=lambda m: m.char_start)

    def _matches(self, quote: str, start: int, end: int):
        if not quote:
            return
        for normal, offsets in self._views:
            lo, hi = bisect_left(offsets, start), bisect_left(offsets, end)
            found = normal.find(quote, lo, hi)
            while found != -1 and found + len(quote) <= hi:
                char_start, char_end = offsets[found], offsets[found + len(quote) - 1] + 1
                yield Match(char_start, char_end, self.line_of(char_start), self.line_of(char_end - 1))
                found = normal.find(quote, found + 1, hi)
