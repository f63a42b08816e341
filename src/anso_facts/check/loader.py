"""`check`, first step: read a YAML file, parse it strictly (yamlsafe), validate it (validate.py), and hand on
the records that pass, as plain dicts. The seed catalogue and the vocabularies are read first: the seeds it lists
are what every citation is checked against, the vocabularies what every kind is. Where the files are is
files.py's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from anso_facts.check.files import CATALOGUE, VOCABULARIES, plain_file_inside
from anso_facts.check.registry import emits
from anso_facts.check.seedtext import SeedTexts
from anso_facts.check.validate import schema_errors, unsafe_texts
from anso_facts.model.problems import YAML_FAILURES, Problem, YamlFile, relative_name
from anso_facts.model.vocabularies import Vocabularies
from anso_facts.model.vocabularies import from_document as vocabularies_from
from anso_facts.model.vocabularies import schema as vocabularies_schema
from anso_facts.support import yamlsafe

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


def read_catalogue(root: Path) -> bytes | None:
    """The seed catalogue's bytes; None if it is missing or a symbolic link."""
    return (root / CATALOGUE).read_bytes() if plain_file_inside(root, CATALOGUE) else None


def seed_file_names(catalogue: FileRecords) -> set[str] | None:
    """The files in seeds/ the catalogue names (itself too); None if one of its entries failed its schema, as
    that entry's file may be any of them (see files.unread_files)."""
    if len(catalogue.ids) > len(catalogue.records):
        return None
    return {CATALOGUE.name, *(seed.data["file"] for seed in catalogue.records)}


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


@emits(*YAML_FAILURES, "duplicate-key")
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
