"""Finding a quote in a seed's text, and a citation's quote in its lines.

Matching forgives line breaks, runs of white space, a word hyphenated at a line end ("Interna-" + "tional",
also across a blank line, matched as "International" or as "Interna-tional"), and typographic quote marks
(‘ ’ “ ” match ' and "). Nothing else: case, punctuation and spelling must be exact.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
    }
)
_LETTER = r"[^\W\d_]"
# What normalising changes: a line-end hyphenation, a run of two or more white-space characters, or one that is
# not a plain space. A single space stays as it is, so most of the text is copied in long runs.
# (The lookahead lets the search skip quickly to the next hyphen or white space.)
_BREAKS = re.compile(rf"(?=[-\s])(?:(?P<hyphen>(?<={_LETTER})-[ \t]*\n\s*(?={_LETTER}))|\s{{2,}}|[^\S ])")
_SPACE = re.compile(r"\s+")


def parse_lines(value) -> tuple[int, int]:
    """A citation's or exclusion's `lines`: `12` or `'12-14'` -> (12, 14)."""
    first, _, last = str(value).partition("-")
    return int(first), int(last or first)


@lru_cache(maxsize=1 << 16)  # names, titles and acronyms are looked for again and again
def normalise_quote(quote: str) -> str:
    return _SPACE.sub(" ", quote.translate(TYPOGRAPHIC)).strip()


CLOSE_ENOUGH = 0.6  # the difflib ratio above which words are shown as the closest to what was looked for


def closest_words(
    wanted: Sequence, texts: Iterable[list[str]], sizes: Iterable[int], compared: Callable[[list[str]], Sequence] = list
) -> list[str] | None:
    """The run of words, of one of `sizes` words, in `texts` (each a list of words) most like `wanted`, or None if
    none comes close: for a message that shows a curator what the seed says instead. A run is compared with
    difflib as `compared` makes it: its words (to compare word by word) or its words joined (letter by letter)."""
    best, best_ratio = None, CLOSE_ENOUGH
    for words in texts:
        for size in sizes:
            for start in range(max(1, len(words) - size + 1)):
                run = words[start : start + size]
                ratio = difflib.SequenceMatcher(None, wanted, compared(run)).ratio()
                if ratio > best_ratio:
                    best, best_ratio = run, ratio
    return best


class _View:
    """The text with each run of white space made one space and each line-end hyphenation joined (with or
    without its hyphen), and the way back: the result is a sequence of segments, each copied from one
    contiguous stretch of the text (a replacement space or hyphen is a segment of one character)."""

    def __init__(self, text: str, breaks: list[tuple[int, int, bool]], keep_hyphen: bool):
        pieces: list[str] = []
        self.starts: list[int] = []  # where each segment starts in the normalised text
        self.sources: list[int] = []  # where it comes from in the original text
        self.length = 0
        position = 0
        for start, end, hyphen in breaks:
            self._segment(pieces, text[position:start], position)
            if not hyphen:
                self._segment(pieces, " ", start)
            elif keep_hyphen:
                self._segment(pieces, "-", start)
            position = end
        self._segment(pieces, text[position:], position)
        self.normal = "".join(pieces)

    def _segment(self, pieces: list[str], piece: str, source: int) -> None:
        if piece:
            self.starts.append(self.length)
            self.sources.append(source)
            pieces.append(piece)
            self.length += len(piece)

    def source_of(self, index: int) -> int:
        """The offset in the original text of the normalised text's character `index`."""
        k = bisect_right(self.starts, index) - 1
        return self.sources[k] + index - self.starts[k]

    def index_of(self, offset: int) -> int:
        """The first normalised character that comes from `offset` or later in the original text."""
        k = bisect_right(self.sources, offset) - 1
        if k < 0:
            return 0
        end = self.starts[k + 1] if k + 1 < len(self.starts) else self.length
        return min(self.starts[k] + offset - self.sources[k], end)


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
        self.line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
        self._found: dict[tuple[str, int, int], Match | None] = {}
        self._normalised: dict[tuple[int, int, bool], tuple[str, Callable[[int, int], tuple[int, int]]]] = {}

    @cached_property
    def line_offsets(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.text)]

    @cached_property
    def _views(self) -> list[_View]:
        """The text normalised, made on the first search only: counting lines needs none of it."""
        typo = self.text.translate(TYPOGRAPHIC)  # same length as text
        breaks = [(m.start(), m.end(), m.group("hyphen") is not None) for m in _BREAKS.finditer(typo)]
        return [_View(typo, breaks, keep_hyphen) for keep_hyphen in (False, True)]

    def line(self, number: int) -> str:
        start = self.line_offsets[number - 1]
        end = self.line_offsets[number] if number < len(self.line_offsets) else len(self.text)
        return self.text[start:end].rstrip("\n")

    def line_of(self, offset: int) -> int:
        return bisect_right(self.line_offsets, offset)

    def find(self, quote: str, line_start: int, line_end: int) -> Match | None:
        """Where the quote stands within lines line_start..line_end, or None. Remembered: the check, the
        coverage report and the compiler all ask for the same citations."""
        key = (quote, line_start, line_end)
        if key not in self._found:
            start = self.line_offsets[line_start - 1]
            end = self.line_offsets[line_end] if line_end < len(self.line_offsets) else len(self.text)
            self._found[key] = next(self._matches(normalise_quote(quote), start, end), None)
        return self._found[key]

    def find_anywhere(self, quote: str) -> list[Match]:
        """Every place in the whole seed where the quote stands."""
        return sorted(set(self._matches(normalise_quote(quote), 0, len(self.text))), key=lambda m: m.char_start)

    def matches(self, words: str, start: int, end: int) -> Iterator[Match]:
        """Every place between the offsets `start` and `end` where `words` stand, matched as quotes are."""
        return self._matches(normalise_quote(words), start, end)

    def words_at(self, words: str, start: int, end: int) -> tuple[int, int] | None:
        """Where `words` first stand as whole words between the offsets `start` and `end`, matched as quotes are:
        (char_start, char_end), or None. Whole: no letter or digit joins an end that is a letter or digit ("Dr."
        stands in "Dr.Somprasong"; "CAS" does not stand in "CAST"). Searched in the stretch as normalised once
        (`normalised`): the same citation is searched for every value of its record."""
        wanted = normalise_quote(words)
        if not wanted:
            return None
        text = self.text
        for keep_hyphen in (False, True):
            normal, offsets = self.normalised(start, end, keep_hyphen)
            found = normal.find(wanted)
            while found != -1:
                char_start, char_end = offsets(found, found + len(wanted))
                before = text[char_start - 1] if char_start > 0 else " "
                after = text[char_end] if char_end < len(text) else " "
                if not ((wanted[0].isalnum() and before.isalnum()) or (wanted[-1].isalnum() and after.isalnum())):
                    return char_start, char_end
                found = normal.find(wanted, found + 1)
        return None

    def normalised(
        self, start: int, end: int, keep_hyphen: bool = False
    ) -> tuple[str, Callable[[int, int], tuple[int, int]]]:
        """The text between two offsets with white space and line-end hyphenations normalised (as a quote is
        matched; `keep_hyphen`: a hyphenated word keeps its hyphen), and a function from a stretch of that back
        to offsets in the text. Remembered, as find is."""
        key = (start, end, keep_hyphen)
        if key not in self._normalised:
            view = self._views[keep_hyphen]
            lo, hi = view.index_of(start), view.index_of(end)

            def offsets(a: int, b: int) -> tuple[int, int]:
                return view.source_of(lo + a), view.source_of(lo + b - 1) + 1

            self._normalised[key] = view.normal[lo:hi], offsets
        return self._normalised[key]

    def _matches(self, quote: str, start: int, end: int):
        if not quote:
            return
        for view in self._views:
            lo, hi = view.index_of(start), view.index_of(end)
            found = view.normal.find(quote, lo, hi)
            while found != -1 and found + len(quote) <= hi:
                char_start, char_end = view.source_of(found), view.source_of(found + len(quote) - 1) + 1
                yield Match(char_start, char_end, self.line_of(char_start), self.line_of(char_end - 1))
                found = view.normal.find(quote, found + 1, hi)


class SeedTexts(Mapping):
    """Seed id -> SeedText, each made on first use from the seed's bytes (a missing seed has none)."""

    def __init__(self, seed_bytes: dict[str, bytes | None]):
        self._bytes = {sid: data for sid, data in seed_bytes.items() if data is not None}
        self._texts: dict[str, SeedText] = {}

    def __getitem__(self, seed_id: str) -> SeedText:
        if seed_id not in self._texts:
            self._texts[seed_id] = SeedText(self._bytes[seed_id].decode("utf-8", "replace"))
        return self._texts[seed_id]

    def __iter__(self):
        return iter(self._bytes)

    def __len__(self) -> int:
        return len(self._bytes)

    def cited_text(self, cite: dict) -> SeedText | None:
        """The text of a citation's seed if it has the cited lines; None for a missing seed, or lines reversed or
        past its end (which the file rules report)."""
        first, last = parse_lines(cite["lines"])
        text = self.get(cite["seed"])
        return text if text is not None and first <= last <= text.line_count else None

    def locate(self, cite: dict) -> Match | None:
        """Where a citation's quote stands within its cited lines; None if it does not, or if its seed or lines
        are not there."""
        text = self.cited_text(cite)
        return None if text is None else text.find(cite["quote"], *parse_lines(cite["lines"]))
