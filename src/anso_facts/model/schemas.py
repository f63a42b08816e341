"""Everything derived from the model in tables.py: JSON Schemas for the YAML, columns of the compiled tables,
Table Schemas for datapackage.json, and the data dictionary. Nothing here imports pyarrow or pandas."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from anso_facts.model.dates import PRECISIONS
from anso_facts.model.tables import (
    ALL_TABLES,
    COUNTRY,
    DATE,
    EVIDENCE,
    FILENAME,
    MAX_ID_LENGTH,
    MAX_INTEGER,
    NOT_BLANK,
    SLUG,
    TABLE_BY_NAME,
    TABLES,
    URL,
    VERSION,
    Field,
    Table,
    foreign_table,
)
from anso_facts.model.vocabularies import Vocabularies
from anso_facts.model.vocabularies import schema as vocabularies_schema

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
MAX_LINE = 999_999
LINES = r"^[1-9][0-9]{0,5}(-[1-9][0-9]{0,5})?$"

# --- JSON Schemas for the curated YAML -------------------------------------------------------------------

# The one pattern of each kind, in the JSON Schemas and Table Schemas
PATTERN_BY_KIND = {
    "id": SLUG,
    "ref": SLUG,
    "text": NOT_BLANK,
    "date": DATE,
    "url": URL,
    "country": COUNTRY,
    "filename": FILENAME,
    "version": VERSION,
}
_TEXT = {"type": "string", "pattern": PATTERN_BY_KIND["text"]}
_JSON_BY_KIND: dict[str, dict[str, Any]] = {
    **{kind: {"type": "string", "pattern": pattern} for kind, pattern in PATTERN_BY_KIND.items()},
    **{kind: {"type": "string", "pattern": SLUG, "maxLength": MAX_ID_LENGTH} for kind in ("id", "ref")},
    "integer": {"type": "integer", "minimum": 0, "maximum": MAX_INTEGER},
    "boolean": {"type": "boolean"},
    "date": {"type": ["string", "integer"], "pattern": DATE, "minimum": 1000, "maximum": 9999},
    "list": {"type": "array", "items": _TEXT, "uniqueItems": True, "minItems": 1},
}
# What each pattern means, for messages that a curator can act on
PATTERN_MEANINGS = {
    NOT_BLANK: "must not be blank",
    SLUG: "must be lower-case letters and digits in words joined by single hyphens, such as org-cast",
    DATE: "must be a date written YYYY, YYYY-MM or YYYY-MM-DD, with no month or day 00",
    URL: "must be an http:// or https:// URL with no spaces",
    COUNTRY: "must be an ISO 3166-1 alpha-2 country code in capitals, such as CN",
    FILENAME: "must be a plain file name ending in .txt inside seeds/, with no folder and no leading dot (a seed is "
    "published as plain text)",
    VERSION: "must be a release number MAJOR.MINOR.PATCH, such as 0.2.0",
}


def _json_field(f: Field, vocabularies: Vocabularies) -> dict:
    schema: dict[str, Any] = {"description": f.description, **_JSON_BY_KIND[f.kind]}
    if f.enum or f.vocabulary:
        schema["enum"] = list(f.enum or vocabularies.of(f.vocabulary))
    return schema


def record_json_schema(table: Table, vocabularies: Vocabularies) -> dict:
    properties = {f.name: _json_field(f, vocabularies) for f in table.fields}
    properties["inferred"] = {
        "description": "Fields whose value the text implies but does not print, each with the reason.",
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"enum": [f.name for f in table.fields if f.kind != "id"]},
        "additionalProperties": _TEXT,
    }
    properties["note"] = {"description": "A curator's note: a misprint, an ambiguity, a choice made.", **_TEXT}
    required = [f.name for f in table.fields if f.required and not f.computed]
    if table.cited:
        properties["cite"] = {
            "description": "The seed passages this record's facts come from.",
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/citation"},
        }
        required.append("cite")
    if table.name == "seeds":
        properties["excluded"] = {
            "description": "Lines that carry no fact (a heading, a salutation), with the reason.",
            "type": "array",
            "items": {"$ref": "#/$defs/exclusion"},
        }
    return {
        "description": table.description,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


_LINES_SCHEMA = {
    "description": "A line number, or a range such as 10-12 (1-based, inclusive).",
    "type": ["integer", "string"],
    "pattern": LINES,
    "minimum": 1,
    "maximum": MAX_LINE,
}
PATTERN_MEANINGS[LINES] = f"must be a line number or a range such as 10-12, each at most {MAX_LINE}"
_COMMON_DEFS = {
    "citation": {
        "description": "A seed passage: the seed, the lines and the exact words.",
        "type": "object",
        "required": ["seed", "lines", "quote"],
        "additionalProperties": False,
        "properties": {
            "seed": {"description": "Id of the seed in seeds/seeds.yaml.", **_JSON_BY_KIND["ref"]},
            "lines": _LINES_SCHEMA,
            "quote": {"description": "The exact words, found within those lines.", **_TEXT},
        },
    },
    "exclusion": {
        "type": "object",
        "required": ["lines", "reason"],
        "additionalProperties": False,
        "properties": {"lines": _LINES_SCHEMA, "reason": _TEXT},
    },
}


def file_json_schema(tables: tuple[Table, ...], title: str, vocabularies: Vocabularies) -> dict:
    """A YAML file is a mapping from table name to a list of that table's records."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": title,
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {t.name: {"type": "array", "items": {"$ref": f"#/$defs/{t.name}"}} for t in tables},
        "$defs": {**_COMMON_DEFS, **{t.name: record_json_schema(t, vocabularies) for t in tables}},
    }


FACT_TABLES = tuple(t for t in TABLES if t.name != "seeds")
FACTS_SCHEMA, SEEDS_SCHEMA, VOCABULARIES_SCHEMA = "facts.schema.json", "seeds.schema.json", "vocabularies.schema.json"


def json_schemas(vocabularies: Vocabularies) -> dict[str, dict]:
    """File name in schemas/ -> the JSON Schema of the fact files, the seed catalogue and the vocabularies, the
    terms of each controlled list from the vocabularies."""
    return {
        FACTS_SCHEMA: file_json_schema(FACT_TABLES, "anso-facts fact file (data/**/*.yaml)", vocabularies),
        SEEDS_SCHEMA: file_json_schema(
            (TABLE_BY_NAME["seeds"],), "anso-facts seed catalogue (seeds/seeds.yaml)", vocabularies
        ),
        VOCABULARIES_SCHEMA: vocabularies_schema(),
    }


# --- Columns of the compiled tables ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, boolean, date
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str = ""
    source: str = ""  # the YAML field it comes from
    vocabulary: str = ""  # the curated list its values come from (vocabularies.py)
    part: str = ""  # for dates: "value" or "precision"


_TYPE_BY_KIND = {
    "id": "string",
    "ref": "string",
    "text": "string",
    "url": "string",
    "country": "string",
    "filename": "string",
    "version": "string",
    "integer": "integer",
    "boolean": "boolean",
}
_TABLE_PATTERN_KINDS = ("id", "country", "url", "filename", "version")  # kinds whose pattern the Table Schema repeats


def _date_columns(f: Field) -> tuple[Column, Column]:
    """A date is two columns: the first day of the period the text gives, and whether that is a year, month or
    day."""
    value = Column(
        f.name,
        "date",
        f.description + " The first day of the period the text gives.",
        f.required,
        source=f.name,
        part="value",
    )
    precision = Column(
        f"{f.name}_precision",
        "string",
        f"How precise {f.name} is: year, month or day.",
        f.required,
        PRECISIONS,
        source=f.name,
        part="precision",
    )
    return value, precision


def _column(f: Field) -> Column:
    pattern = PATTERN_BY_KIND[f.kind].strip("^$") if f.kind in _TABLE_PATTERN_KINDS else ""
    return Column(
        f.name, _TYPE_BY_KIND[f.kind], f.description, f.required, f.enum, pattern, f.name, vocabulary=f.vocabulary
    )


@cache
def columns(table: Table) -> tuple[Column, ...]:
    out: list[Column] = []
    for f in table.fields:
        if f.kind == "list":
            continue
        out.extend(_date_columns(f) if f.kind == "date" else (_column(f),))
    if table.cited:
        out.append(
            Column("note", "string", "A curator's note: a misprint, an ambiguity, a choice made.", source="note")
        )
    return tuple(out)


def _terms_text(vocabularies: Vocabularies, name: str) -> str:
    """' The terms: a: what a means; b: ...', for the description of a column whose values come from a list."""
    return (
        " The terms: "
        + "; ".join(
            f"{term}: {definition.rstrip('.')}" for term, definition in vocabularies.terms.get(name, {}).items()
        )
        + "."
    )


def values_of(column: Column, vocabularies: Vocabularies) -> tuple[str, ...]:
    """The values a column may take: its fixed list, or the terms of its vocabulary; () for any."""
    return column.enum or vocabularies.of(column.vocabulary)


def table_schema(table: Table, vocabularies: Vocabularies, suffix: str = "") -> dict:
    """The Frictionless Table Schema of a compiled table; `suffix` names the twin resources (-parquet)."""
    key = table.primary_key
    fields = []
    for c in columns(table):
        constraints: dict[str, Any] = {}
        if c.required or c.name in key:
            constraints["required"] = True
        if values_of(c, vocabularies):
            constraints["enum"] = list(values_of(c, vocabularies))
        if c.pattern:
            constraints["pattern"] = c.pattern
        if key == (c.name,):
            constraints["unique"] = True
        if c.type == "integer":
            constraints["minimum"] = 0
        description = c.description + (_terms_text(vocabularies, c.vocabulary) if c.vocabulary else "")
        fields.append(
            {
                "name": c.name,
                "type": c.type,
                "description": description,
                **({"constraints": constraints} if constraints else {}),
            }
        )
    foreign_keys = [
        {"fields": [f.name], "reference": {"resource": foreign_table(f) + suffix, "fields": ["id"]}}
        for f in table.fields
        if f.kind == "ref"
    ]
    # frictionless 5 reads Parquet through pandas, which turns a null in an integer column into NaN
    missing = ["", "nan"] if suffix else [""]
    schema = {"fields": fields, "primaryKey": list(key), "missingValues": missing}
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def markdown_cell(text: object) -> str:
    """A value as the text of a Markdown table's cell: a bar escaped and a line break a space, so that the
    row stays one row."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def examples(table: Table, data) -> dict[str, str]:
    """Each column's first value in the built table (Arrow), shortened for a cell of the data dictionary."""
    out = {}
    for c in columns(table):
        value = next((v for v in (cell.as_py() for cell in data[c.name].drop_null()) if v != ""), None)
        text = "" if value is None else markdown_cell(value)
        out[c.name] = f"`{text if len(text) <= 48 else text[:47] + '…'}`" if text else ""
    return out


def _dictionary_intro() -> list[str]:
    return [
        "# Data dictionary",
        "",
        "Generated from `src/anso_facts/model/tables.py` and the data by `anso-facts build`; do not edit by hand.",
        "The example is the first value of the field in the built table.",
        "",
        "The *evidence* column says how a curated value rests on the words its record quotes. A value of the "
        "first kinds below must stand in one of the record's quotes (the `evidence` table gives the words and "
        "their offsets) unless the record marks it inferred, with the reason (the `inferences` table):",
        "",
        "| evidence | meaning |",
        "|---|---|",
        *(f"| {kind} | {meaning} |" for kind, meaning in EVIDENCE.items()),
        "",
    ]


def _constraints(c: Column, refs: dict[str, str]) -> str:
    """What a column's values must be: a vocabulary's term (or one of a fixed list), a pattern, a reference."""
    rules = []
    if c.vocabulary:
        rules.append(f"a term of [{c.vocabulary}](#{c.vocabulary.replace('_', '-')})")
    elif c.enum:
        rules.append("one of " + ", ".join(f"`{v}`" for v in c.enum))
    if c.pattern:
        rules.append(f"pattern `{c.pattern}`")
    if c.name in refs:
        rules.append(f"references `{refs[c.name]}.id`")
    return "; ".join(rules)


def _table_section(table: Table, examples: dict[str, str]) -> list[str]:
    """A table's heading, description and primary key, then one row per column."""
    lines = [
        f"## {table.name}",
        "",
        table.description,
        "",
        f"Primary key: `{', '.join(table.primary_key)}`.",
        "",
        "| field | type | required | constraints | evidence | description | example |",
        "|---|---|---|---|---|---|---|",
    ]
    refs = {f.name: foreign_table(f) for f in table.fields if f.kind == "ref"}
    evidence = {f.name: f.evidence for f in table.fields}
    for c in columns(table):
        # a date's precision is one of three words, a vocabulary of its own, whatever grounds the date
        shown = "vocabulary" if c.part == "precision" and evidence.get(c.source) else evidence.get(c.source, "")
        lines.append(
            f"| `{c.name}` | {c.type} | {'yes' if c.required else ''} | {_constraints(c, refs)} | {shown} "
            f"| {c.description} | {examples[c.name]} |"
        )
    lines.append("")
    return lines


def data_dictionary(examples_by_table: dict[str, dict[str, str]], vocabularies: Vocabularies) -> str:
    """docs/data-dictionary.md: every table and field, from the same declarations, with an example value from
    the data (see `examples`)."""
    lines = _dictionary_intro()
    for table in ALL_TABLES:
        lines += _table_section(table, examples_by_table[table.name])
    return "\n".join(lines + vocabulary_lines(vocabularies))


def vocabulary_lines(vocabularies: Vocabularies) -> list[str]:
    """The data dictionary's part on the controlled lists: every term with its definition."""
    lines = [
        "# Vocabularies",
        "",
        "The terms of the controlled lists, from `data/vocabularies.yaml`, where a curator adds one.",
        "",
    ]
    for name in vocabularies.terms:
        lines += [f"## {name}", "", "| term | definition |", "|---|---|"]
        lines += [f"| `{term}` | {definition} |" for term, definition in vocabularies.described(name)]
        lines.append("")
    return lines
