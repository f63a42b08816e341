"""What a parsed document may not be: the verdict of its JSON Schema, with messages that say where and what to
do (codes such as `unknown-field`, `wrong-type`), and texts a curator must not write (a control character, a
spreadsheet formula)."""

from __future__ import annotations

from collections.abc import Iterator

from anso_facts.check.registry import emits
from anso_facts.model.problems import did_you_mean, display_path
from anso_facts.support.plaintext import character_name, formula_start, texts, unsafe_character

_FAST: dict = {}
_EXPLAINING: dict = {}


_CODES = {
    "required": "missing-field",
    "type": "wrong-type",
    "enum": "not-allowed-value",
    "const": "not-allowed-value",
    "pattern": "bad-format",
    "format": "bad-format",
    "minimum": "out-of-range",
    "maximum": "out-of-range",
    "exclusiveMinimum": "out-of-range",
    "exclusiveMaximum": "out-of-range",
    "minLength": "out-of-range",
    "maxLength": "out-of-range",
    "minItems": "out-of-range",
    "maxItems": "out-of-range",
}


def schema_errors(schema: dict, document) -> list[tuple[tuple, str, str]]:
    """(path, code, message) of every way `document` breaks the JSON Schema `schema`.

    A document is first checked by jsonschema-rs, which is about a hundred times faster; only a document it
    rejects goes through `jsonschema`, whose errors carry the paths that become file:line:column. A test holds
    the two to the same verdict on the real data and on every bad fixture. The validators are made once per
    schema (a schema is made once per run: see schemas.json_schemas)."""
    key = id(schema)
    if key not in _FAST:
        import jsonschema_rs

        _FAST[key] = schema, jsonschema_rs.validator_for(schema)  # the schema kept alive with its key
    if _FAST[key][1].is_valid(document):
        return []
    if key not in _EXPLAINING:
        from jsonschema import Draft202012Validator

        _EXPLAINING[key] = Draft202012Validator(schema)
    return [found for error in _EXPLAINING[key].iter_errors(document) for found in _explained(error, document)]


@emits("unknown-field", "missing-field", "wrong-type", "not-allowed-value", "bad-format", "out-of-range", "schema")
def _explained(error, document) -> list[tuple[tuple, str, str]]:
    """(path, code, message) of one error of `jsonschema`: one for each unknown field, else one."""
    from anso_facts.model.schemas import PATTERN_MEANINGS

    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        what = "field" if path else "table"
        return [
            (
                path + (key,),
                "unknown-field",
                f"{_where(document, path + (key,))}: unknown {what} {key!r}; {_allowed_hint(key, allowed)}",
            )
            for key in sorted(k for k in error.instance if k not in allowed)
        ]
    where = _where(document, path)
    if error.validator == "pattern" and error.validator_value in PATTERN_MEANINGS:
        return [(path, "bad-format", f"{where}: {error.instance!r} {PATTERN_MEANINGS[error.validator_value]}")]
    if error.validator == "maxLength":
        too_long = f"{len(error.instance)} characters long, more than the {error.validator_value} allowed"
        return [(path, "out-of-range", f"{where}: {too_long}")]
    return [(path, _CODES.get(error.validator, "schema"), f"{where}: {error.message}")]


def _where(document, path: tuple) -> str:
    """Where a value is, for a message: 'stat-x: value' for a field of a record with an id, else its path."""
    if len(path) >= 2 and isinstance(document, dict) and isinstance(path[1], int):
        items = document.get(path[0])
        record = items[path[1]] if isinstance(items, list) and path[1] < len(items) else None
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            return ": ".join(filter(None, (record["id"], display_path(path[2:]))))
    return display_path(path) or "file"


def _allowed_hint(name: str, allowed) -> str:
    """The allowed name nearest to an unknown one, if any is near, and every allowed name."""
    hint = did_you_mean(name, allowed, most=1)
    return f"{hint + ' ' if hint else ''}expected one of {', '.join(sorted(allowed))}"


@emits("control-character", "formula-text")
def unsafe_texts(value, searched: bool = True) -> Iterator[tuple[tuple, str, str]]:
    """(path, code, message) of each text in `value` (a document, or a record's data) that holds a control or
    bidirectional character, or starts as a spreadsheet formula (plaintext.py). Unless `searched`, no text is
    searched for such a character (one a file does not hold: see file_rules.text_is_plain)."""
    for at, text in texts(value):
        unsafe = unsafe_character(text) if searched else None
        if unsafe:
            yield (
                at,
                "control-character",
                f"{display_path(at)} holds the control character "
                f"{character_name(unsafe.group())} at character {unsafe.start() + 1}",
            )
        if first := formula_start(text):
            yield (
                at,
                "formula-text",
                f"{display_path(at)} starts with {first!r}, which a spreadsheet would run as a formula",
            )
