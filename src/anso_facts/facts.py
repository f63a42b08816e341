"""Load stage: read the seed catalogue and the fact files, parse them strictly, validate every file against its
JSON Schema, and hand the records that pass to the cross-record rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import yamlsafe
from .problems import Problem, Source, display_path, relative_name
from .seedtext import SeedText

CATALOGUE = Path("seeds/seeds.yaml")
DATA = Path("data")
MAX_FILE_BYTES = 32 * 1024 * 1024


@dataclass
class Record:
    table: str
    data: dict
    source: Source
    path: tuple  # (table, index) within its file

    @property
    def id(self) -> str:
        return self.data["id"]


@dataclass
class Facts:
    root: Path
    records: list[Record] = field(default_factory=list)  # every record that passed its schema, in file order
    seed_bytes: dict[str, bytes | None] = field(default_factory=dict)  # seed id -> file content, None if missing
    ids: set[str] = field(default_factory=set)  # every id seen, valid record or not, to spare follow-on errors

    @cached_property
    def by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.records}

    @cached_property
    def seed_texts(self) -> dict[str, SeedText]:
        return {sid: SeedText(data.decode("utf-8", "replace")) for sid, data in self.seed_bytes.items()
                if data is not None}

    def table(self, name: str) -> list[Record]:
        return [r for r in self.records if r.table == name]


def fact_files(root: Path) -> list[Path]:
    return sorted((root / DATA).rglob("*.yaml"), key=lambda p: p.as_posix())


def load(root: Path) -> tuple[Facts, list[Problem]]:
    facts, problems = Facts(root), []
    catalogue = root / CATALOGUE
    if not catalogue.is_file():
        return facts, [Problem(CATALOGUE.as_posix(), 1, 1, "the seed catalogue is missing")]
    _load_file(catalogue, "seeds.schema.json", facts, problems)
    for seed in facts.table("seeds"):
        path = root / "seeds" / seed.data["file"]
        facts.seed_bytes[seed.id] = path.read_bytes() if path.is_file() else None
    for path in fact_files(root):
        _load_file(path, "facts.schema.json", facts, problems)
    return facts, problems


def _load_file(path: Path, schema_name: str, facts: Facts, problems: list[Problem]) -> None:
    name = relative_name(path, facts.root)
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        problems.append(Problem(name, 1, 1, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; split it"))
        return
    try:
        text = yamlsafe.decode(data)
        document = yamlsafe.load(text)
    except yamlsafe.YamlError as error:
        problems.append(Problem(name, error.line, error.column, error.message))
        return
    source = Source(name, text)
    invalid = set()  # (table, index) of records with schema errors
    for path_in_file, message in schema_errors(schema_name, document):
        problems.append(Problem(name, *source.position(path_in_file), message))
        invalid.add(path_in_file[:2])
    if not isinstance(document, dict):
        return
    for table, items in document.items():
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                facts.ids.add(item["id"])
            if (table, index) not in invalid and (table,) not in invalid:
                facts.records.append(Record(table, item, source, (table, index)))


_FAST: dict = {}
_EXPLAINING: dict = {}


def schema_errors(schema_name: str, document) -> list[tuple[tuple, str]]:
    """(path, message) of every way `document` breaks the named JSON Schema.

    A document is first checked by jsonschema-rs, which is about a hundred times faster; only a document it
    rejects goes through `jsonschema`, whose errors carry the paths that become file:line:column. A test holds
    the two to the same verdict on the real data and on every bad fixture."""
    from .schemas import JSON_SCHEMAS
    if schema_name not in _FAST:
        import jsonschema_rs
        _FAST[schema_name] = jsonschema_rs.validator_for(JSON_SCHEMAS[schema_name])
    if _FAST[schema_name].is_valid(document):
        return []
    if schema_name not in _EXPLAINING:
        from jsonschema import Draft202012Validator
        _EXPLAINING[schema_name] = Draft202012Validator(JSON_SCHEMAS[schema_name])
    out = []
    for error in _EXPLAINING[schema_name].iter_errors(document):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            what = "field" if path else "table"
            for key in sorted(k for k in error.instance if k not in allowed):
                where = display_path(path + (key,))
                out.append((path + (key,), f"{where}: unknown {what} {key!r}; expected one of "
                                           f"{', '.join(sorted(allowed))}"))
            continue
        where = display_path(path) or "file"
        out.append((path, f"{where}: {error.message}"))
    return out
