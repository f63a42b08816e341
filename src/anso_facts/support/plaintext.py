"""Text is text: the characters no curated value may hold, and output that shows them rather than obeys them.

A control character (C0 but tab and newline, DEL, C1 such as ESC, BEL or NEL) can move a terminal's cursor, ring
its bell or rewrite what was printed before; a bidirectional override or isolate (U+202A-U+202E,
U+2066-U+2069, the "Trojan Source" characters) makes a reader see words in another order than they are stored.
A text that starts with `=`, `+`, `-` or `@` is run as a formula by a spreadsheet that opens a CSV table."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# = + - @ (OWASP's list), and, as a margin no spreadsheet's documentation rules out, their full-width and small
# forms and the minus sign
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212")
# Before them, what a spreadsheet may skip (OWASP names tab, carriage return and line feed), and, as the same
# margin, anything else that shows nothing: white space, a control or format character, a blank-looking letter
# The default-ignorable characters Python counts as printable (Unicode's DerivedCoreProperties: the combining
# grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other variation selectors), and the
# Braille blank
BLANK_LOOKING = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)


def formula_start(text: str) -> str | None:
    """The character that would have a spreadsheet run `text` as a formula (see FORMULA_STARTS), after anything
    that shows nothing; or None."""
    for char in text:
        if char.isspace() or not char.isprintable() or BLANK_LOOKING.match(char):
            continue
        return char if char in FORMULA_STARTS else None
    return None


def texts(value, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every string in a parsed YAML value (a record's fields, list items, notes, quotes; a definition), with its
    path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from texts(item, (*path, index))


def unsafe_character(text: str) -> re.Match | None:
    """The first character of `text` that no curated text may hold, or None."""
    return UNSAFE.search(text)


def character_name(character: str) -> str:
    """U+001B, as a message names a character it will not print."""
    return f"U+{ord(character):04X}"


def shown(text: str) -> str:
    """`text` with every unsafe character written as its escape (\\u001b), for a terminal or a log."""
    return UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class ShownStream(io.TextIOBase):
    """A text stream that writes to another with every unsafe character escaped (see `shown`): what a command
    prints cannot drive the terminal it prints to. The escape is also valid in a JSON string."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(shown(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def fileno(self) -> int:
        return self.stream.fileno()

    def isatty(self) -> bool:
        return self.stream.isatty()


def raw(stream: TextIO) -> TextIO:
    """The stream beneath a ShownStream: for the program's own control sequences (a progress count's `\\r`)."""
    return stream.stream if isinstance(stream, ShownStream) else stream


@contextmanager
def output_shown() -> Iterator[None]:
    """Within it, whatever is printed on stdout and stderr has its unsafe characters escaped."""
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ShownStream(sys.stdout), ShownStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = streams


def with_output_shown(function: Callable[..., int]) -> Callable[..., int]:
    """`function`, run with output_shown (the command line's entry point)."""

    def shown_function(*args, **kwargs) -> int:
        with output_shown():
            return function(*args, **kwargs)

    shown_function.__doc__ = function.__doc__
    return shown_function
