"""Check stage: the whole project, checked, with no Arrow.

1. The seed catalogue and every file in seeds/ are read. A catalogue whose check is cached is not validated
   again (nor the validator imported); otherwise it is loaded first, as every citation is checked against it.
2. Each fact file is found (files.py), loaded (loader.py), checked by the FILE_RULES and turned into rows
   (rows.py) on its own, and so is the catalogue. What the project rules need of its rows is kept as a few
   plain columns. The result depends on nothing but that file, the seeds and the code, so it comes from the
   cache when it can (cache.py); files that are not cached are spread over all cores when there are enough of
   them.
3. The PROJECT_RULES run across files, over those columns joined.
Every problem is placed at file:line:column; the check reports them all, sorted.

A later stage that needs more of each file than the check does (the build's Arrow tables) passes a
`FileProducer`: it is given each file's rows where they are made, and keeps its product in the cache beside
the check's, so this stage never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from anso_facts.check.file_rules import FILE_RULES
from anso_facts.check.files import CATALOGUE, VOCABULARIES, data_files, links, seed_files, unread_files
from anso_facts.check.loader import (
    FileRecords,
    load_catalogue,
    load_file,
    load_vocabularies,
    read_catalogue,
    read_vocabularies,
    seed_file_names,
    with_seeds,
)
from anso_facts.check.project import FileCheck, Project
from anso_facts.check.project_rules import COLUMNS_READ, PROJECT_RULES
from anso_facts.check.rows import Rows, record_rows, select
from anso_facts.check.seedtext import SeedTexts
from anso_facts.model.problems import Problem, placed, relative_name
from anso_facts.model.schemas import FACTS_SCHEMA, SEEDS_SCHEMA, json_schemas
from anso_facts.model.vocabularies import Vocabularies
from anso_facts.support.cache import Cache, context_digest
from anso_facts.support.parallel import collector_paused, cores, in_processes
from anso_facts.support.progress import progress

PARALLEL_FROM_BYTES = 2 * 2**20  # fewer bytes to check than this: one process, as starting more costs more


class FileProducer(Protocol):
    """What a later stage makes of each file's rows (its product), kept in the cache beside the check's entry."""

    def make(self, rows: Rows) -> Any: ...

    def get(self, cache: Cache, key: str) -> Any | None: ...

    def put(self, cache: Cache, key: str, product: Any) -> None: ...


class FileChecker:
    """Checks fact files, and the catalogue itself, against the seeds of the catalogue (loaded first)."""

    def __init__(
        self,
        root: Path,
        catalogue: FileRecords,
        catalogue_problems: list[Problem],
        schema: dict,
        make: Callable[[Rows], Any] | None = None,
    ):
        self.root, self.catalogue, self.catalogue_problems, self.make = root, catalogue, catalogue_problems, make
        self.schema = schema  # of the fact files

    def check_item(self, item: tuple[Path, bytes]) -> tuple[FileCheck, Any]:
        return self.check_file(*item)

    def check_file(self, path: Path, data: bytes) -> tuple[FileCheck, Any]:
        """The file's check, and the producer's product of its rows (None without one)."""
        if path == self.root / CATALOGUE:  # loaded already, with the seeds every file is checked against
            result, product = self.examine(CATALOGUE.as_posix(), self.catalogue, self.catalogue_problems)
            result.loaded = (self.catalogue.records, self.catalogue.ids, self.catalogue_problems)
            return result, product
        records, ids, problems = load_file(path, self.root, self.schema, data)
        catalogue = self.catalogue
        loaded = FileRecords(catalogue.seed_bytes, catalogue.seed_texts, catalogue.vocabularies, records, ids)
        return self.examine(relative_name(path, self.root), loaded, problems)

    def examine(self, name: str, loaded: FileRecords, problems: list[Problem]) -> tuple[FileCheck, Any]:
        problems = problems + [placed(finding) for rule in FILE_RULES for finding in rule(loaded)]
        rows = record_rows(loaded)
        counts = {table: len(table_rows) for table, table_rows in rows.items()}
        result = FileCheck(name, problems, loaded.ids, counts, select(rows, COLUMNS_READ))
        return result, (self.make(rows) if self.make else None)


def check_files(
    checker: FileChecker, files: list[tuple[Path, bytes]], workers: int | None
) -> list[tuple[FileCheck, Any]]:
    """Each file checked on its own, over `workers` processes (by default: all cores, if there is enough)."""
    if workers is None:
        workers = cores() if sum(len(data) for _, data in files) >= PARALLEL_FROM_BYTES else 1
    return progress(in_processes(FileChecker.check_item, checker, files, workers), len(files), "checking files")


def _from_cache(cache: Cache, key: str, result: Any, producer: FileProducer | None) -> tuple[FileCheck, Any] | None:
    """A file's check (`result`, its cache entry as read) and the producer's product of it, or None if either is
    missing."""
    if not isinstance(result, FileCheck):
        return None
    if producer is None:
        return result, None
    product = producer.get(cache, key)
    return None if product is None else (result, product)


def _catalogue(
    root: Path, data: bytes | None, seeds: dict[str, bytes], entry: Any, vocabularies: Vocabularies, schema: dict
) -> tuple[FileRecords, list[Problem]]:
    """The loaded catalogue and its load problems: from its cache entry if there is one, else loaded."""
    if isinstance(entry, FileCheck) and entry.loaded is not None:
        records, ids, problems = entry.loaded
        return with_seeds(records, ids, seeds, vocabularies), problems
    return load_catalogue(root, data, seeds, vocabularies, schema)


def _vocabularies(root: Path, data: bytes | None, cache: Cache | None) -> tuple[Vocabularies, list[Problem]]:
    """The vocabularies and their problems: from the cache when their bytes are (so that a check with a warm
    cache imports neither the YAML parser nor the validator), else loaded."""
    key = cache.key(VOCABULARIES.as_posix(), data) if cache and data is not None else None
    entry = cache.get(key) if cache and key else None
    if isinstance(entry, Vocabularies):
        return entry, []
    vocabularies, problems = load_vocabularies(root, data)
    if key and cache and not problems:
        cache.put(key, vocabularies)
    return vocabularies, problems


def _results(
    checker: FileChecker,
    files: list[tuple[Path, bytes]],
    cache: Cache | None,
    keys: list[str],
    entries: list[Any],
    producer: FileProducer | None,
    workers: int | None,
) -> list[tuple[FileCheck, Any]]:
    """Each file's check and product: from its cache entries (`keys`, `entries` as read) where both are there,
    else made, and kept for the next check."""
    cached = (
        [_from_cache(cache, key, entry, producer) for key, entry in zip(keys, entries, strict=True)]
        if cache
        else [None] * len(files)
    )
    missing = [i for i, result in enumerate(cached) if result is None]
    checked = dict(zip(missing, check_files(checker, [files[i] for i in missing], workers), strict=True))
    if cache:
        for i, (result, product) in checked.items():
            cache.put(keys[i], result)
            if producer:
                producer.put(cache, keys[i], product)
    return [checked[i] if result is None else result for i, result in enumerate(cached)]


def check(
    root: Path, use_cache: bool = True, workers: int | None = None, producer: FileProducer | None = None
) -> tuple[Project, list[Problem]]:
    """Load and check everything under `root`: every problem, placed and sorted, none raised."""
    with collector_paused():  # the cached columns are millions of objects, none in a cycle
        return _check(root, use_cache, workers, producer)


def _check(
    root: Path, use_cache: bool, workers: int | None, producer: FileProducer | None
) -> tuple[Project, list[Problem]]:
    catalogue_bytes = read_catalogue(root)
    vocabularies_bytes = read_vocabularies(root)
    seeds = seed_files(root)
    in_data = data_files(root)
    fact_files = [path for path in in_data if path.suffix == ".yaml" and path != root / VOCABULARIES]
    files = [(root / CATALOGUE, catalogue_bytes or b""), *((path, path.read_bytes()) for path in fact_files)]
    cache = Cache(root, context_digest(catalogue_bytes, seeds, vocabularies_bytes)) if use_cache else None
    vocabularies, vocabulary_problems = _vocabularies(root, vocabularies_bytes, cache)
    if vocabulary_problems:  # every kind of every record would be in doubt: the real error first (or a link)
        first = links(root) or vocabulary_problems
        return Project(root, FileRecords({}, SeedTexts({}), vocabularies), [], cache), sorted(first)
    schemas = json_schemas(vocabularies)
    keys = [cache.key(relative_name(path, root), data) for path, data in files] if cache else []
    entries = [cache.get(key) for key in keys] if cache else [None] * len(files)
    catalogue, catalogue_problems = _catalogue(
        root, catalogue_bytes, seeds, entries[0], vocabularies, schemas[SEEDS_SCHEMA]
    )
    checker = FileChecker(
        root, catalogue, catalogue_problems, schemas[FACTS_SCHEMA], producer.make if producer else None
    )
    results = _results(checker, files, cache, keys, entries, producer, workers)
    project = Project(root, catalogue, [r[0] for r in results], cache, [r[1] for r in results])
    problems = [problem for result in project.files for problem in result.problems]
    problems += unread_files(root, in_data, seed_file_names(catalogue)) + links(root)
    if not any(result.failed_to_load for result in project.files):  # else they would report what follows from it
        problems += [placed(finding) for rule in PROJECT_RULES for finding in rule(project)]
    if cache and producer is None:  # a build removes them once it has asked for its own too (build.write.build)
        cache.remove_unasked()  # after the project rules, whose entries (each file's references) are asked too
    return project, sorted(set(problems))
