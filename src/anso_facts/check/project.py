"""What a check knows of the project: each file's contribution (`FileCheck`, cached), and the whole project
(`Project`) with the questions the project rules ask of it, over plain columns. Made by run.py, read by
project_rules.py and coverage.py."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from anso_facts.check.files import plain_file_inside
from anso_facts.check.loader import FileRecords
from anso_facts.check.rows import LOCATOR
from anso_facts.model.problems import LOAD_FAILURES, Finding, Problem, YamlFile
from anso_facts.support import yamlsafe
from anso_facts.support.cache import Cache

RELEASES = Path("releases")  # releases/VERSION/: the package of each release, committed with it
PUBLISHED_RECORDS = Path("build/csv/records.csv")  # in each release's folder: every id it published


def released_versions(root: Path) -> list[str]:
    """The versions released from this checkout (each a real folder releases/MAJOR.MINOR.PATCH/, no symbolic
    link), oldest first; the release compares with them, and the check holds every published id to them."""
    folder = root / RELEASES
    if not folder.is_dir() or folder.is_symlink():
        return []
    found = [
        path.name
        for path in folder.iterdir()
        if re.fullmatch(r"\d+\.\d+\.\d+", path.name) and not path.is_symlink() and path.is_dir()
    ]
    return sorted(found, key=lambda version: tuple(map(int, version.split("."))))


def published_records(root: Path) -> list[Path]:
    """releases/VERSION/build/csv/records.csv of every release, oldest first, each a plain file inside the root."""
    names = [RELEASES / version / PUBLISHED_RECORDS for version in released_versions(root)]
    return [name for name in names if plain_file_inside(root, name)]


PUBLISHED_LIMIT = 256 << 20  # bytes of a kept release's records.csv (26 KB today: about 10 MB at 100,000 records)


def _read_published_ids(path: Path, name: str, found: dict[str, tuple[str, int]]) -> None:
    """The ids of a kept release's records.csv into `found` (the first place of each kept)."""
    with path.open(newline="", encoding="utf-8") as stream:
        rows = csv.reader(stream)
        header = next(rows, [])
        if "id" not in header:
            return
        column = header.index("id")
        for row in rows:
            if len(row) > column:
                found.setdefault(row[column], (name, rows.line_num))


@dataclass
class FileCheck:
    """What one file contributes to the check: its problems, every id seen in it, its row count per table,
    and the columns of its rows that the project rules read (project_rules.COLUMNS_READ)."""

    name: str
    problems: list[Problem]
    ids: list[str]
    counts: dict[str, int]
    columns: dict[str, dict[str, list]]
    loaded: tuple | None = None  # the catalogue's only: its valid records, ids and load problems, kept so that
    # a check with a warm cache neither validates it again nor imports the validator

    @property
    def failed_to_load(self) -> bool:
        return any(problem.code in LOAD_FAILURES for problem in self.problems)


@dataclass
class Project:
    """A checked project: the seed catalogue, and what every file contributes (the catalogue's first, then
    each fact file's in path order), with the questions the PROJECT_RULES ask of them. `products` holds the
    FileProducer's product of each file, if there was one (run.py)."""

    root: Path
    catalogue: FileRecords
    files: list[FileCheck]
    cache: Cache | None = None
    products: list[Any] = field(default_factory=list)
    _columns: dict[tuple[str, str], list] = field(default_factory=dict, repr=False)
    _ids_in: dict[tuple[str, ...], set[str]] = field(default_factory=dict, repr=False)
    memo: dict = field(default_factory=dict, repr=False)  # what the rules make once (evidence.project_evidence)

    def column(self, table: str, name: str) -> list:
        """One column of a table (of those in project_rules.COLUMNS_READ), every file's rows in file order."""
        key = (table, name)
        if key not in self._columns:
            self._columns[key] = [value for f in self.files for value in f.columns[table][name]]
        return self._columns[key]

    def row_count(self, table: str) -> int:
        return sum(f.counts[table] for f in self.files)

    @cached_property
    def ids(self) -> set[str]:
        """Every id seen, valid record or not."""
        return {record_id for f in self.files for record_id in f.ids}

    @cached_property
    def _table_by_id(self) -> dict[str, str]:
        pairs = zip(self.column("records", "id"), self.column("records", "table"), strict=True)
        return dict(reversed(list(pairs)))  # the first record of an id wins

    def table_of(self, record_id: str) -> str | None:
        """The table of the (first) valid record with this id, or None."""
        return self._table_by_id.get(record_id)

    def ids_in(self, tables: tuple[str, ...]) -> set[str]:
        """The ids of the valid records in these tables."""
        if tables not in self._ids_in:
            self._ids_in[tables] = {record_id for name in tables for record_id in self.column(name, "id")}
        return self._ids_in[tables]

    @cached_property
    def published(self) -> tuple[dict[str, tuple[str, int]], list[Problem]]:
        """Every id of every release kept in releases/VERSION/ (records and retired ids alike), with the file and
        line of its first appearance (empty before the first release), and a problem for each kept records.csv
        that cannot be read (committed, so a pull request may change it: not UTF-8, a field past csv's limit).
        Read as CSV, with no Arrow; a release folder reached through a symbolic link is not read."""
        found: dict[str, tuple[str, int]] = {}
        problems = []
        for name in published_records(self.root):
            try:
                if (self.root / name).stat().st_size > PUBLISHED_LIMIT:  # csv holds a whole line before its limit
                    raise csv.Error(f"larger than {PUBLISHED_LIMIT} bytes")
                _read_published_ids(self.root / name, name.as_posix(), found)
            except (OSError, UnicodeDecodeError, csv.Error) as error:
                problems.append(
                    Problem(
                        name.as_posix(),
                        1,
                        1,
                        "unreadable-release",
                        f"cannot be read as a UTF-8 CSV table ({' '.join(str(error).split())[:200]})",
                    )
                )
        return found, problems

    def source(self, name: str) -> YamlFile:
        """A file as read again, to place a finding in it."""
        return YamlFile(name, yamlsafe.decode((self.root / name).read_bytes()))

    def places(self) -> Iterator[tuple[str, YamlFile, tuple]]:
        """(id, source, path in file) of every valid record, in file order."""
        for f in self.files:
            records = f.columns["records"]
            if not records["id"]:
                continue
            source = self.source(f.name)
            for record_id, table, index in zip(records["id"], records["table"], records[LOCATOR], strict=True):
                yield record_id, source, (table, index)

    @cached_property
    def _place_by_id(self) -> dict[str, tuple]:
        return dict(reversed([(record_id, (source, path)) for record_id, source, path in self.places()]))

    def finding(self, record_id: str, subpath: tuple, code: str, message: str) -> Finding:
        """A finding about the (first) record with this id."""
        source, path = self._place_by_id[record_id]
        return Finding(source, path + subpath, code, f"{record_id}: {message}")
