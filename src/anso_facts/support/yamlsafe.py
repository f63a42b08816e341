"""Strict, safe YAML: plain data only, with positions for error messages.

Values are built straight from libyaml's event stream (PyYAML's C parser), without PyYAML's composer or
constructor:
- a duplicate key is an error (PyYAML would silently keep the last one);
- anchors, aliases and explicit tags are errors, so an alias bomb cannot expand;
- nesting deeper than MAX_DEPTH is an error (libyaml's own composer recurses and can crash on deep input);
- plain scalars resolve as in YAML 1.2's JSON schema, stricter still: only `true`/`false` are booleans, only
  `null`, `~` and the empty value are null, only decimal numbers without a leading zero are integers.
  `NO`, `yes`, `on`, `012` and `2020-09-18` stay strings; the JSON Schemas then decide what they may be.

Positions are not kept on the fast path: `marks` parses the text again, only when an error must be placed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

MAX_DEPTH = 24
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NO_KEY = object()
_DROPPED = object()


class YamlError(Exception):
    """A problem in the YAML text, at a 1-based line and column."""

    def __init__(self, code: str, message: str, line: int, column: int):
        super().__init__(message)
        self.code, self.message, self.line, self.column = code, message, line, column


def _mark_error(code: str, message: str, mark) -> YamlError:
    return YamlError(code, message, mark.line + 1, mark.column + 1)


def _resolve_plain_scalar(value: str):
    """An unquoted scalar's value: null, a boolean, an integer, or the text itself (see the module's doc)."""
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if _INT.match(value):
        return int(value)
    return value


def _build(text: str, marks: dict | None, duplicates: list | None = None):
    """Parse one YAML document into dicts, lists and scalars. With `marks`, also record the 1-based
    (line, column) of every value under its path, a tuple of keys and list indexes. With `duplicates`, a
    duplicate key is added to that list as a YamlError (its value is dropped, the first kept) and parsing goes
    on; without, it is raised."""
    parser = CParser(text)
    builder = _Builder(marks, duplicates)
    handlers = builder.handlers()
    next_event: Callable[[], Any] = parser.get_event  # each kind of event has attributes of its own
    try:
        while (event := next_event()) is not None:
            handler = handlers.get(type(event))
            if handler is not None:  # the stream's start and end, and a document's end, build nothing
                handler(event)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(text, error) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, such as NUL
        raise _character_error(text, error) from None
    finally:
        parser.dispose()
    return builder.root


class _Builder:
    """The values built so far from a parser's events: the document (`root`) and its open mappings and lists,
    innermost last, each as a frame [container, path, pending key]. A mapping's pending key is _NO_KEY while
    the next event is a key, (_DROPPED, key) while it is the value of a duplicate key."""

    def __init__(self, marks: dict | None, duplicates: list | None):
        self.marks, self.duplicates = marks, duplicates
        self.stack: list[list] = []
        self.root: Any = None
        self.documents = 0

    def handlers(self) -> dict[type, Callable[[Any], None]]:
        return {
            ScalarEvent: self.scalar,
            MappingStartEvent: self.collection,
            SequenceStartEvent: self.collection,
            MappingEndEvent: self.end,
            SequenceEndEvent: self.end,
            DocumentStartEvent: self.document,
            AliasEvent: _refuse_alias,
        }

    def document(self, event) -> None:
        self.documents += 1
        if self.documents > 1:
            raise _mark_error("yaml-documents", "one YAML document per file, found a second", event.start_mark)

    def scalar(self, event) -> None:
        if event.anchor is not None or event.tag is not None:
            _refuse_anchor_or_tag(event)
        self.put(event, event.value if event.style else _resolve_plain_scalar(event.value), opens=False)

    def collection(self, event) -> None:
        """The start of a mapping or a list: an empty one, filled by the events up to its end."""
        if event.anchor is not None or event.tag is not None:
            _refuse_anchor_or_tag(event)
        if len(self.stack) >= MAX_DEPTH:
            raise _mark_error("yaml-too-deep", f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        self.put(event, {} if type(event) is MappingStartEvent else [], opens=True)

    def end(self, event) -> None:
        self.stack.pop()

    def put(self, event, value, opens: bool) -> None:
        """Puts a value where it stands (or takes it as a key); one that `opens` a container is filled next."""
        stack = self.stack
        if not stack:
            self.root, path = value, ()
        else:
            frame = stack[-1]
            container = frame[0]
            if type(container) is list:
                path = frame[1] + (len(container),)
                container.append(value)
            elif frame[2] is _NO_KEY:
                self.key(frame, event)
                return
            else:
                pending, frame[2] = frame[2], _NO_KEY
                if type(pending) is tuple:  # the value of a duplicate key: built, then dropped
                    if opens:
                        stack.append([value, (_DROPPED,), _NO_KEY])
                    return
                path = frame[1] + (pending,)
                container[pending] = value
        if self.marks is not None:
            self.marks[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
        if opens:
            stack.append([value, path, _NO_KEY])

    def key(self, frame: list, event) -> None:
        """A mapping's key: pending until its value comes; a duplicate is an error, raised or kept."""
        if type(event) is not ScalarEvent:
            raise _mark_error("yaml-key", "a key must be a plain string", event.start_mark)
        if event.value in frame[0]:
            error = _mark_error(
                "duplicate-key", f"duplicate key {event.value!r}: keep one of the two", event.start_mark
            )
            if self.duplicates is None:
                raise error
            self.duplicates.append(error)
            frame[2] = (_DROPPED, event.value)
            return
        frame[2] = event.value
        frame[0][event.value] = None


def _refuse_alias(event) -> None:
    raise _mark_error("yaml-alias", "anchors and aliases (&, *) are not allowed: write the value out", event.start_mark)


def _refuse_anchor_or_tag(event) -> None:
    """Plain data only: an anchor is an error, and so is a tag but the non-specific `!`."""
    if event.anchor is not None:
        _refuse_alias(event)
    if event.tag is not None and event.tag != "!":
        raise _mark_error("yaml-tag", f"tags such as {event.tag!r} are not allowed", event.start_mark)


def _syntax_error(text: str, error: yaml.MarkedYAMLError) -> YamlError:
    """libyaml's error, at its place; a tab where indentation was expected is told apart."""
    mark = error.problem_mark or error.context_mark
    index, line, column = (mark.index, mark.line, mark.column) if mark else (0, 0, 0)
    code, message = "yaml-syntax", " ".join(filter(None, (error.context, error.problem)))
    if "tab character" in message or text[index : index + 1] == "\t":
        code, message = "yaml-tab", "a tab: YAML indents with spaces only, so replace the tab with spaces"
    return YamlError(code, message, line + 1, column + 1)


def _character_error(text: str, error: yaml.reader.ReaderError) -> YamlError:
    line = text.count("\n", 0, error.position) + 1
    column = error.position - text.rfind("\n", 0, error.position)
    character = error.character if isinstance(error.character, int) else ord(error.character)
    return YamlError("yaml-character", f"character U+{character:04X} is not allowed in YAML", line, column)


def load(text: str, duplicates: list | None = None):
    """The data in `text`; raises YamlError. With `duplicates`, duplicate keys are added to it instead."""
    return _build(text, None, duplicates)


def marks(text: str) -> dict[tuple, tuple[int, int]]:
    """The 1-based (line, column) of every value in `text`, by path (a tuple of keys and list indexes)."""
    found: dict = {}
    _build(text, found, duplicates=[])  # load reports them
    return found


def decode(data: bytes) -> str:
    """UTF-8 text of a file; raises YamlError at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - data.rfind(b"\n", 0, error.start)
        message = f"not UTF-8: byte {data[error.start]:#04x} cannot be decoded"
        raise YamlError("not-utf8", message, line, column) from None
