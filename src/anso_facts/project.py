"""Check stage: the whole project, checked.

1. The seed catalogue is read, and with it the bytes of every seed.
2. Each fact file is loaded, checked by the FILE_RULES and compiled into Arrow tables on its own, and so is
   the catalogue. The result depends on nothing but that file, the seeds and the code, so it comes from the
   cache when it can (cache.py); files that are not cached are spread over all cores when there are enough
   of them.
3. The TABLE_RULES run across files, over every file's tables joined.
Every problem is placed at file:line:column; the check reports them all, sorted.
"""

from __future__ import annotations

import gc
import hashlib
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from . import yamlsafe
from .cache import Cache, context_digest
from .compile import LOCATOR, file_tables
from .facts import CATALOGUE, Facts, fact_files, load_catalogue, load_file, unread_files
from .model import ALL_TABLES
from .problems import Finding, Problem, Source, relative_name
from .rules import FILE_RULES, TABLE_RULES
from .schemas import JSON_SCHEMAS

PARALLEL_FROM_BYTES = 2 * 2**20  # fewer bytes to check than this: one process, as starting more costs more


@dataclass
class FileResult:
    """What one file contributes: its problems, every id seen in it, and its records compiled into tables,
    with a digest of each table's rows."""

    name: str
    problems: list[Problem]
    ids: list[str]
    tables: dict[str, pa.Table]
    digests: dict[str, str]


class FileChecker:
    """Checks fact files, and the catalogue itself, against the seeds of the catalogue (loaded first)."""

    def __init__(self, root: Path, catalogue: Facts, catalogue_problems: list[Problem]):
        self.root, self.catalogue, self.catalogue_problems = root, catalogue, catalogue_problems

    def check_file(self, path: Path, data: bytes) -> FileResult:
        if path == self.root / CATALOGUE:  # loaded already, with the seeds every file is checked against
            return self.examine(CATALOGUE.as_posix(), self.catalogue, self.catalogue_problems)
        records, ids, problems = load_file(path, self.root, "facts.schema.json", data)
        facts = Facts(self.catalogue.seed_bytes, self.catalogue.seed_texts, records, ids)
        return self.examine(relative_name(path, self.root), facts, problems)

    @staticmethod
    def examine(name: str, facts: Facts, problems: list[Problem]) -> FileResult:
        problems = problems + [finding.place() for rule in FILE_RULES for finding in rule(facts)]
        return FileResult(name, problems, facts.ids, *file_tables(facts))


@contextmanager
def _collector_paused():
    """Loading builds millions of small objects and no cycles: the garbage collector would only slow it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_WORKER_CHECKER: FileChecker | None = None


def _start_worker(checker: FileChecker) -> None:
    global _WORKER_CHECKER
    _WORKER_CHECKER = checker
    gc.disable()


def _check_in_worker(path: Path, data: bytes) -> FileResult:
    return _WORKER_CHECKER.check_file(path, data)


def check_files(checker: FileChecker, files: list[tuple[Path, bytes]], workers: int | None) -> list[FileResult]:
    """Each file checked on its own, over `workers` processes (by default: all cores, if there is enough)."""
    if workers is None:
        workers = os.cpu_count() if sum(len(data) for _, data in files) >= PARALLEL_FROM_BYTES else 1
    workers = min(workers, len(files))
    if workers <= 1:
        with _collector_paused():
            return [checker.check_file(path, data) for path, data in files]
    import multiprocessing
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else methods[0])
    with context.Pool(workers, initializer=_start_worker, initargs=(checker,)) as pool:
        return pool.starmap(_check_in_worker, files, chunksize=1)


@dataclass
class Project:
    """A checked project: the seed catalogue, and what every file contributes (the catalogue's first, then
    each fact file's in path order), with the questions the TABLE_RULES ask of them."""

    root: Path
    catalogue: Facts
    files: list[FileResult]
    cache: Cache | None = None

    @cached_property
    def tables(self) -> dict[str, pa.Table]:
        """Every table's rows from every file, in file order, as held while checking (see compile.py)."""
        return {t.name: pa.concat_tables([f.tables[t.name] for f in self.files]) for t in ALL_TABLES}

    @cached_property
    def ids(self) -> set[str]:
        """Every id seen, valid record or not."""
        return {record_id for f in self.files for record_id in f.ids}

    def table_digest(self, name: str) -> str | None:
        """A digest of a table's rows from every file, and of the seeds and code (the cache's context); None
        without the cache."""
        if self.cache is None:
            return None
        digest = hashlib.sha256(self.cache.context)
        for f in self.files:
            digest.update(f.digests[name].encode())
        return digest.hexdigest()

    def last_written(self) -> dict:
        return self.cache.last_written() if self.cache else {}

    def remember_written(self, written: dict) -> None:
        if self.cache:
            self.cache.remember_written(written)

    def ids_are_unique(self) -> bool:
        ids = self.tables["records"]["id"]
        return pc.count_distinct(ids).as_py() == len(ids)

    @cached_property
    def _table_by_id(self) -> dict[str, str]:
        records = self.tables["records"]
        pairs = zip(records["id"].to_pylist(), records["table"].to_pylist())
        return dict(reversed(list(pairs)))  # the first record of an id wins

    def table_of(self, record_id: str) -> str | None:
        """The table of the (first) valid record with this id, or None. For messages: it reads every id."""
        return self._table_by_id.get(record_id)

    def rows_pointing_outside(self, table: str, column: str, allowed: tuple[str, ...]) -> list[dict]:
        """The rows of `table` whose `column` holds an id that is not of a valid record in an allowed table."""
        targets = pa.chunked_array([c for name in allowed for c in self.tables[name]["id"].chunks], pa.string())
        values = self.tables[table][column]
        outside = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, targets.combine_chunks())))
        return self.tables[table].filter(outside).to_pylist()

    def rows_with_target(self, table: str, ref: str, columns: tuple[str, ...], target_table: str,
                         target_columns: tuple[str, ...]) -> list[dict]:
        """The rows of `table` whose `ref` column holds the id of a row of `target_table` (the first, if
        several), each with its `columns` and `ref` and the target's `target_columns` as 'target_' + name."""
        rows, targets = self.tables[table], self.tables[target_table]
        positions = pc.index_in(rows[ref], value_set=targets["id"].combine_chunks())
        found = pc.is_valid(positions)
        rows, positions = rows.select([*columns, ref]).filter(found), positions.filter(found)
        for name in target_columns:
            rows = rows.append_column(f"target_{name}", targets[name].take(positions))
        return rows.to_pylist()

    def source(self, name: str) -> Source:
        """A file as read again, to place a finding in it."""
        return Source(name, yamlsafe.decode((self.root / name).read_bytes()))

    def places(self):
        """(id, source, path in file) of every valid record, in file order."""
        for f in self.files:
            records = f.tables["records"]
            if not records.num_rows:
                continue
            source = self.source(f.name)
            for record_id, table, index in zip(*(records[c].to_pylist() for c in ("id", "table", LOCATOR))):
                yield record_id, source, (table, index)

    @cached_property
    def _place_by_id(self) -> dict[str, tuple]:
        return dict(reversed([(record_id, (source, path)) for record_id, source, path in self.places()]))

    def finding(self, record_id: str, subpath: tuple, code: str, message: str) -> Finding:
        """A finding about the (first) record with this id."""
        source, path = self._place_by_id[record_id]
        return Finding(source, path + subpath, code, f"{record_id}: {message}")


def check(root: Path, use_cache: bool = True, workers: int | None = None) -> tuple[Project, list[Problem]]:
    """Load and check everything under `root`: every problem, placed and sorted, none raised."""
    catalogue_bytes = (root / CATALOGUE).read_bytes() if (root / CATALOGUE).is_file() else None
    catalogue, catalogue_problems = load_catalogue(root, catalogue_bytes)
    checker = FileChecker(root, catalogue, catalogue_problems)
    files = [(root / CATALOGUE, catalogue_bytes or b""), *((path, path.read_bytes()) for path in fact_files(root))]
    cache = None
    if use_cache:
        cache = Cache(root, context_digest(catalogue_bytes, catalogue.seed_bytes, JSON_SCHEMAS))
    keys = [cache.key(relative_name(path, root), data) if cache else None for path, data in files]
    results = [cache.get(key, FileResult) if cache else None for key in keys]
    missing = [i for i, result in enumerate(results) if result is None]
    for i, result in zip(missing, check_files(checker, [files[i] for i in missing], workers)):
        results[i] = result
        if cache:
            cache.put(keys[i], result)
    if cache:
        cache.remove_unasked()
    project = Project(root, catalogue, results, cache)
    problems = [problem for result in project.files for problem in result.problems]
    problems += unread_files(root, catalogue)
    problems += [finding.place() for rule in TABLE_RULES for finding in rule(project)]
    return project, sorted(set(problems))
