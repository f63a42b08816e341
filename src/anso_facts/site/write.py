"""`anso-facts site`: the built package -> a static review site where every fact stands beside its source.

Plain HTML and CSS from the Jinja2 templates in templates/, a little JavaScript for search, no external
request: it works opened from file:// and served by any static host. write_site refuses a folder that is not
its own (folder.py), writes the site's parts into a scratch folder as tasks over the cores, each task reading
the package itself (data.py), then swaps the scratch folder into place. The parts: the index and the
vocabularies (index_page.py), a page per table (table_pages.py), per record (record_pages.py) and per seed
(seed_pages.py), the maps and the timeline (map_pages.py), the search index (search.py), the W3C annotations
(annotations.py) and the SQLite file."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from anso_facts.build.database import FILE_NAME as DATABASE
from anso_facts.build.database import package_enums, write_database
from anso_facts.site.annotations import write_annotations
from anso_facts.site.data import CheckedProject, Package, read_package
from anso_facts.site.folder import (
    MARKER,
    MARKER_TEXT,
    refuse_unless_ours,
    remove_if_ours,
    replace_folder,
    scratch_folder,
)
from anso_facts.site.index_page import write_index
from anso_facts.site.map_pages import write_maps, write_seed_maps
from anso_facts.site.record_pages import write_record_pages
from anso_facts.site.render import environment
from anso_facts.site.search import write_search_index
from anso_facts.site.seed_pages import write_seed_pages
from anso_facts.site.table_pages import write_table_pages
from anso_facts.support.parallel import collector_paused, in_processes, processes

if TYPE_CHECKING:
    from anso_facts.check.project import Project

Task = Callable[[Package, Path, Path], object]  # a part of the site, made from the package into the new folder


def write_site(project: Project, root: Path, target: Path | None = None) -> Path:
    """Write the review site of the built package in `root` into `target` (default ROOT/site), whole or not at
    all; return its path. `target` must be missing, an empty folder or a site written before (SiteError if
    not, before anything is written or deleted)."""
    target = Path(os.path.abspath(target or root / "site"))
    refuse_unless_ours(target, root)
    out = _fresh_scratch_folder(target)
    try:
        (out / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        with collector_paused():  # the package is a million small objects and no cycle
            _write_all(project, root, out)
        replace_folder(out, target)
    finally:
        shutil.rmtree(out, ignore_errors=True)  # made here: ours (gone once renamed into place)
    return target


def _fresh_scratch_folder(target: Path) -> Path:
    """The empty folder beside `target` to write its next version in; what a stopped run left beside it is
    removed if ours, else refused."""
    out, old = scratch_folder(target, "partial"), scratch_folder(target, "old")
    for leftover in (out, old):
        remove_if_ours(leftover, "is in the way of the site's scratch folder")
    out.mkdir(parents=True)
    return out


def _write_all(project: Project, root: Path, out: Path) -> None:
    """Write the site's parts as tasks, in one forked process per core, each of which reads the package itself
    (forked with the package in memory, they would copy most of it as they touched it: reading an object
    writes its reference count)."""
    _make_folders(out)
    workers = processes()
    tasks = site_tasks(workers)
    for _ in in_processes(_SiteTasks.run, _SiteTasks(project, root, out, tasks), list(range(len(tasks))), workers):
        pass


def write_pages(package: Package, root: Path, out: Path) -> None:
    """Every part of the site made from `package` (and the files of `root` it offers to download), in turn,
    into the new folder `out`."""
    _make_folders(out)
    for task in site_tasks(1):
        task(package, root, out)


def _make_folders(out: Path) -> None:
    for folder in ("records", "tables", "seeds", "graphs"):
        (out / folder).mkdir()


@dataclass
class _SiteTasks:
    """What each process that writes part of the site is given; it reads the package once, for its first task."""

    project: Project
    root: Path
    out: Path
    tasks: tuple[Task, ...]

    @cached_property
    def package(self) -> Package:
        return read_package(self.root, CheckedProject(self.project))

    def run(self, task: int) -> None:
        self.tasks[task](self.package, self.root, self.out)


def _write_database(package: Package, root: Path, out: Path) -> None:
    write_database(package.tables, out / DATABASE, package_enums(root))


def _write_index_and_tables(package: Package, root: Path, out: Path) -> None:
    env = environment()
    write_index(env, package, root, out)
    write_table_pages(env, package, out)


def site_tasks(workers: int) -> tuple[Task, ...]:
    """The site's parts as tasks for `workers` processes, about the longest first. The record pages are half of
    the site's work: they get half of the processes (rounded up, at least one), each writing every so many
    records, and no more, as each process that writes them first makes the lookups they share (a second at
    100,000 records) and creates its files in the same folder (docs/performance.md, "The record pages in half
    the processes")."""
    return (
        *_in_parts(write_record_pages, (workers + 1) // 2),
        write_annotations,
        _write_database,
        _write_index_and_tables,
        *_in_parts(write_seed_maps, workers),  # 1.9 s and 1.1 s at 100 seeds: a part a worker, so that the
        *_in_parts(write_seed_pages, workers),  # workers end close together
        write_search_index,
        write_maps,
    )


def _in_parts(write: Callable[..., None], parts: int) -> list[Task]:
    """`write` as `parts` tasks (at least one), the i-th writing every `parts`-th item from the i-th on."""
    parts = max(1, parts)
    return [partial(write, part=part, parts=parts) for part in range(parts)]
