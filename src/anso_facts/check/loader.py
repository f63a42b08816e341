"""`check`, first step: read a YAML file, parse it strictly (yamlsafe), validate it against its JSON Schema, and hand on
the records that pass, as plain dicts. The seed catalogue is read first: the seeds it lists are what every
citation is checked against."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from anso_facts.check.registry import emits
from anso_facts.check.seedtext import SeedTexts
from anso_facts.model.problems import Problem, YamlFile, did_you_mean, display_path, relative_name
from anso_facts.model.vocabularies import FILE as VOCABULARIES_FILE
from anso_facts.model.vocabularies import Vocabularies
from anso_facts.model.vocabularies import from_document as vocabularies_from
from anso_facts.model.vocabularies import schema as vocabularies_schema
from anso_facts.support import yamlsafe
from anso_facts.support.plaintext import FORMULA_STARTS, character_name, texts, unsafe_character

CATALOGUE = Path("seeds/seeds.yaml")
DATA = Path("data")
VOCABULARIES = VOCABULARIES_FILE  # data/vocabularies.yaml: read as the catalogue is, before the fact files
MAX_FILE_BYTES = 32 * 1024 * 1024
NOT_COMPARED = " (until the file loads, nothing that depends on its records is checked)"


@dataclass
class Record:
    table: str
    data: dict
    source: YamlFile
    path: tuple  # (table, index) within its file

    @property
    def id(self) -> str:
        return self.data["id"]


def parse_lines(value) -> tuple[int, int]:
    """A citation's or exclusion's `lines`: `12` or `'12-14'` -> (12, 14)."""
    first, _, last = str(value).partition("-")
    return int(first), int(last or first)


@dataclass
class FileRecords:
    """The records of one file (the seed catalogue or a fact file), with the seeds they cite."""

    seed_bytes: dict[str, bytes | None]  # seed id -> file content, None if missing
    seed_texts: SeedTexts
    vocabularies: Vocabularies
    records: list[Record] = field(default_factory=list)  # every record that passed its schema, in file order
    ids: list[str] = field(default_factory=list)  # every id seen, valid record or not, to spare follow-on errors
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # what is made of them once (evidence.py)

    def table(self, name: str) -> list[Record]:
        return [r for r in self.records if r.table == name]


LINK_FOLDERS = (DATA, CATALOGUE.parent, Path("docs"))  # where a symbolic link is refused (see `links`)


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry under `folder`, symbolic links included but never followed."""
    for parent, folders, files in os.walk(folder):
        yield from (Path(parent, name) for name in sorted(folders + files))


@emits("symlink")
def links(root: Path) -> list[Problem]:
    """A symbolic link in data/, seeds/ or docs/ (or one of those folders a link): refused, so that nothing
    outside the checkout is read or shown. Its target is neither followed nor named."""
    found = [root / folder for folder in LINK_FOLDERS if (root / folder).is_symlink()]
    found += [
        path
        for folder in LINK_FOLDERS
        if not (root / folder).is_symlink()
        for path in _walk(root / folder)
        if path.is_symlink()
    ]
    return [
        Problem(
            relative_name(path, root),
            1,
            1,
            "symlink",
            "is a symbolic link, which is not read: put the file itself here",
        )
        for path in found
    ]


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def plain_file_inside(root: Path, name: Path) -> bool:
    """Whether ROOT/NAME is a plain file reached through no symbolic link: one that can be read without leaving
    the checkout."""
    path = root
    for part in name.parts:
        path = path / part
        if path.is_symlink():
            return False
    return path.is_file()


def data_files(root: Path) -> list[Path]:
    """Every plain file under data/, in path order: the fact files (.yaml) and any other (see unread_files);
    no symbolic link (see `links`)."""
    if (root / DATA).is_symlink():
        return []
    return sorted((p for p in _walk(root / DATA) if _plain_file(p)), key=lambda p: p.as_posix())


def read_catalogue(root: Path) -> bytes | None:
    """The seed catalogue's bytes; None if it is missing or a symbolic link."""
    return (root / CATALOGUE).read_bytes() if plain_file_inside(root, CATALOGUE) else None


@emits("unread-file", "unnamed-seed")
def unread_files(root: Path, catalogue: FileRecords, in_data: list[Path]) -> list[Problem]:
    """Files the check would silently pass over: in data/ (`in_data`, see data_files), anything but a .yaml
    fact file; in seeds/, a seed the catalogue does not name."""
    problems = []
    for path in in_data:
        if path.suffix != ".yaml":
            hint = "rename it to .yaml" if path.suffix == ".yml" else "only .yaml fact files belong in data/"
            problems.append(Problem(relative_name(path, root), 1, 1, "unread-file", f"this file is not read: {hint}"))
    named = {CATALOGUE.name, *(seed.data["file"] for seed in catalogue.records)}
    if len(catalogue.ids) > len(catalogue.records):  # an entry failed its schema: its file may be one of these,
        return problems  # and the entry's own problem is the real one
    for path in sorted((root / "seeds").iterdir()) if (root / "seeds").is_dir() else ():
        if path.name not in named and not path.is_symlink():
            problems.append(
                Problem(
                    relative_name(path, root),
                    1,
                    1,
                    "unnamed-seed",
                    "no seed in seeds/seeds.yaml names this file: add it to the catalogue, or remove it",
                )
            )
    return problems


def seed_files(root: Path) -> dict[str, bytes]:
    """Every file in seeds/ but the catalogue, by name, with its bytes."""
    folder = root / CATALOGUE.parent
    if not folder.is_dir() or folder.is_symlink():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if _plain_file(p) and p.name != CATALOGUE.name}


def with_seeds(
    records: list[Record], ids: list[str], files: dict[str, bytes], vocabularies: Vocabularies
) -> FileRecords:
    """The catalogue's records, with the bytes of every seed they list (None for a seed whose file is missing)
    and the vocabularies every file is checked with."""
    seed_bytes = {seed.id: files.get(seed.data["file"]) for seed in records}
    return FileRecords(seed_bytes, SeedTexts(seed_bytes), vocabularies, records, ids)


@emits("catalogue-missing")
def load_catalogue(
    root: Path, data: bytes | None, files: dict[str, bytes], vocabularies: Vocabularies, schema: dict
) -> tuple[FileRecords, list[Problem]]:
    """The seed catalogue's records (from its bytes, None if it is missing; checked against `schema`), with the
    bytes of every seed it lists (from `files`, see seed_files)."""
    if data is None:
        missing = Problem(CATALOGUE.as_posix(), 1, 1, "catalogue-missing", "the seed catalogue is missing")
        return FileRecords({}, SeedTexts({}), vocabularies), [missing]
    records, ids, problems = load_file(root / CATALOGUE, root, schema, data)
    return with_seeds(records, ids, files, vocabularies), problems


def read_vocabularies(root: Path) -> bytes | None:
    """data/vocabularies.yaml's bytes; None if it is missing or reached through a symbolic link."""
    return (root / VOCABULARIES).read_bytes() if plain_file_inside(root, VOCABULARIES) else None


@emits("vocabularies-missing")
def load_vocabularies(root: Path, data: bytes | None) -> tuple[Vocabularies, list[Problem]]:
    """The vocabularies of data/vocabularies.yaml (from its bytes, see read_vocabularies), and its problems: a
    file that is missing or does not load checks nothing else (every kind of every record would be in doubt)."""
    name = VOCABULARIES.as_posix()
    if data is None:
        return Vocabularies(), [
            Problem(
                name,
                1,
                1,
                "vocabularies-missing",
                "the vocabularies are missing: every "
                "kind, role, verb, comparator and relation a record may take is listed there",
            )
        ]
    document, problems = load_document(root / VOCABULARIES, root, vocabularies_schema(), data)
    return (vocabularies_from(document) if isinstance(document, dict) and not problems else Vocabularies()), problems


@emits(
    "not-utf8",
    "yaml-syntax",
    "yaml-tab",
    "yaml-character",
    "yaml-documents",
    "yaml-alias",
    "yaml-tag",
    "yaml-too-deep",
    "yaml-key",
    "duplicate-key",
)
def parse_yaml(name: str, data: bytes) -> tuple[str | None, object, list[Problem]]:
    """A file's text and document, parsed strictly (yamlsafe), and its problems: a duplicate key is reported
    with the file's other problems; only a true syntax error stops a file (its text None)."""
    duplicates: list[yamlsafe.YamlError] = []
    try:
        text = yamlsafe.decode(data)
        document = yamlsafe.load(text, duplicates)
    except yamlsafe.YamlError as error:
        return None, None, [Problem(name, error.line, error.column, error.code, error.message + NOT_COMPARED)]
    return text, document, [Problem(name, error.line, error.column, error.code, error.message) for error in duplicates]


def load_document(path: Path, root: Path, schema: dict, data: bytes) -> tuple[object, list[Problem]]:
    """A YAML file that is no table of records (the vocabularies), from its bytes, parsed strictly and checked
    against `schema`."""
    name = relative_name(path, root)
    text, document, problems = parse_yaml(name, data)
    if text is None:
        return None, problems
    source = YamlFile(name, text)
    problems += [
        Problem(name, *source.position(at), code, message) for at, code, message in schema_errors(schema, document)
    ]
    problems += [Problem(name, *source.position(at), code, message) for at, code, message in unsafe_texts(document)]
    return document, problems


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
        if text[:1] in FORMULA_STARTS:
            yield (
                at,
                "formula-text",
                f"{display_path(at)} starts with {text[0]!r}, which a spreadsheet would run as a formula",
            )


@emits("file-too-large")
def load_file(
    path: Path, root: Path, schema: dict, data: bytes | None = None
) -> tuple[list[Record], list[str], list[Problem]]:
    """The records of one file that pass its JSON Schema, every id seen in it, and its problems."""
    name = relative_name(path, root)
    data = path.read_bytes() if data is None else data
    if len(data) > MAX_FILE_BYTES:
        too_large = f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; split it{NOT_COMPARED}"
        return [], [], [Problem(name, 1, 1, "file-too-large", too_large)]
    text, document, problems = parse_yaml(name, data)
    if text is None:
        return [], [], problems
    source = YamlFile(name, text)
    if document is None:  # comments only: a fact file made for a new seed (`anso-facts seed add`), still empty
        return [], [], problems
    records: list[Record] = []
    ids: list[str] = []
    invalid = set()  # (table, index) of records with schema errors
    for path_in_file, code, message in schema_errors(schema, document):
        problems.append(Problem(name, *source.position(path_in_file), code, message))
        invalid.add(path_in_file[:2])
    if not isinstance(document, dict):
        return records, ids, problems
    for table, items in document.items():
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.append(item["id"])
            if (table, index) not in invalid and (table,) not in invalid:
                records.append(Record(table, item, source, (table, index)))
    return records, ids, problems


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
                f"{_where(document, path + (key,))}: unknown {what} {key!r}; {_closest(key, allowed)}",
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


def _closest(name: str, allowed) -> str:
    hint = did_you_mean(name, allowed, most=1)
    return f"{hint + ' ' if hint else ''}expected one of {', '.join(sorted(allowed))}"
