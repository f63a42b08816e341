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
    next_event: Callable[[], Any] = parser.get_event  # each kind of event has attributes of its own
    stack: list[list] = []  # frames: [container, path, pending key]
    root = None
    documents = 0
    try:
        while (event := next_event()) is not None:
            kind = type(event)
            if kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _mark_error("yaml-documents", "one YAML document per file, found a second", event.start_mark)
                continue
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
                continue
            if kind is AliasEvent or getattr(event, "anchor", None) is not None:
                raise _mark_error(
                    "yaml-alias", "anchors and aliases (&, *) are not allowed: write the value out", event.start_mark
                )
            if kind not in (ScalarEvent, MappingStartEvent, SequenceStartEvent):
                continue
            if event.tag is not None and event.tag != "!":
                raise _mark_error("yaml-tag", f"tags such as {event.tag!r} are not allowed", event.start_mark)
            if kind is ScalarEvent:
                value = event.value if event.style else _resolve_plain_scalar(event.value)
            else:
                if len(stack) >= MAX_DEPTH:
                    raise _mark_error("yaml-too-deep", f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
                value = {} if kind is MappingStartEvent else []
            if not stack:
                root, path = value, ()
            else:
                frame = stack[-1]
                container = frame[0]
                if type(container) is list:
                    path = frame[1] + (len(container),)
                    container.append(value)
                elif frame[2] is _NO_KEY:  # this event is a key
                    if kind is not ScalarEvent:
                        raise _mark_error("yaml-key", "a key must be a plain string", event.start_mark)
                    if event.value in container:
                        error = _mark_error(
                            "duplicate-key", f"duplicate key {event.value!r}: keep one of the two", event.start_mark
                        )
                        if duplicates is None:
                            raise error
                        duplicates.append(error)
                        frame[2] = (_DROPPED, event.value)
                        continue
                    frame[2] = event.value
                    container[event.value] = None
                    continue
                else:
                    pending = frame[2]
                    frame[2] = _NO_KEY
                    if type(pending) is tuple:  # the value of a duplicate key: built, then dropped
                        if kind is not ScalarEvent:
                            stack.append([value, (_DROPPED,), _NO_KEY])
                        continue
                    path = frame[1] + (pending,)
                    container[pending] = value
            if marks is not None:
                marks[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
            if kind is not ScalarEvent:
                stack.append([value, path, _NO_KEY])
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        index, line, column = (mark.index, mark.line, mark.column) if mark else (0, 0, 0)
        code, message = "yaml-syntax", " ".join(filter(None, (error.context, error.problem)))
        if "tab character" in message or text[index : index + 1] == "\t":
            code, message = "yaml-tab", "a tab: YAML indents with spaces only, so replace the tab with spaces"
        raise YamlError(code, message, line + 1, column + 1) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, such as NUL
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        character = error.character if isinstance(error.character, int) else ord(error.character)
        raise YamlError("yaml-character", f"character U+{character:04X} is not allowed in YAML", line, column) from None
    finally:
        parser.dispose()
    return root


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
