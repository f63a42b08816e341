"""The check's cache never changes a result: cached, uncached and parallel builds agree byte for byte, and an
entry made before a change to its file, the seeds, the JSON Schema or the code is never used.

The stale-cache tests poison every entry (each claims a problem no check would find) and then make the
change: a poisoned problem in the output would mean a stale entry was used."""

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from anso_facts.build.swap import output_files
from anso_facts.check.project import FileCheck
from anso_facts.check.run import check
from anso_facts.model.problems import Problem
from anso_facts.model.vocabularies import Vocabularies
from anso_facts.support.atomic import SCRATCH_SUFFIX
from anso_facts.support.cache import BUILD_SUFFIX, FOLDER, SUFFIX, WRITTEN, Cache
from helpers import REPO, build_project

POISON = "poisoned cache entry"


def built(root: Path, **options) -> dict[str, bytes]:
    build_project(root, **options)
    return output_files(root)


def rewrite(path: Path, data: bytes) -> None:
    """Give a cache entry new bytes, as a new file (as the cache does: an entry may be memory-mapped)."""
    path.unlink()
    path.write_bytes(data)


def poison_every_entry(root: Path) -> int:
    entries = sorted((root / FOLDER).glob("*" + SUFFIX))
    poisoned = 0
    for path in entries:
        entry = pickle.loads(path.read_bytes())
        if not hasattr(entry, "problems"):  # the vocabularies' entry: no file's check
            continue
        entry.problems = [Problem(entry.name, 1, 1, "schema", POISON)]
        rewrite(path, pickle.dumps(entry))
        poisoned += 1
    return poisoned


def messages(root: Path, **options) -> list[str]:
    return [str(p) for p in check(root, **options)[1]]


def test_cached_uncached_and_parallel_builds_agree_byte_for_byte(project):
    uncached = built(project, use_cache=False)
    assert not (project / FOLDER).exists()
    first = built(project)  # fills the cache
    entries = [pickle.loads(path.read_bytes()) for path in (project / FOLDER).glob("*" + SUFFIX)]
    checks = [entry for entry in entries if isinstance(entry, FileCheck)]
    assert len(checks) == len(list((project / "data").rglob("*.yaml")))  # each fact file's and the catalogue's
    # the rest: the vocabularies' entry, and the evidence of each file's references
    assert sum(isinstance(entry, Vocabularies) for entry in entries) == 1
    assert all(isinstance(entry, (FileCheck, Vocabularies, tuple)) for entry in entries)
    again = built(project)  # every file and every table from the cache
    parallel = built(project, use_cache=False, workers=2)
    assert first == uncached and again == uncached and parallel == uncached


def test_a_synthetic_project_builds_alike_cached_and_over_two_processes(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import generate

    generate(tmp_path, 1000, files=10)
    serial = built(tmp_path, use_cache=False, workers=1)
    assert built(tmp_path, workers=2) == serial
    assert built(tmp_path) == serial
    edited = sorted((tmp_path / "data").rglob("facts-*.yaml"))[5]
    edited.write_text(edited.read_text().replace("  honorific: Prof.\n", "  honorific: Prof.\n  note: An edit.\n", 1))
    rebuilt = built(tmp_path)
    assert rebuilt != serial and rebuilt == built(tmp_path, use_cache=False)


def test_the_entry_of_a_changed_file_is_not_used(project):
    check(project)
    assert poison_every_entry(project) > 1
    changed = project / "data" / "facts" / "bai-letter-2020.yaml"
    changed.write_text(changed.read_text() + "# an edit\n")
    found = messages(project)
    assert not any(p.startswith("data/facts/bai-letter-2020.yaml") for p in found)
    # the entries of unchanged files are used: that is what makes the poison a proof
    assert any(p.startswith("data/facts/anso-newsletter-2020.yaml:1:1: schema: " + POISON) for p in found)


def test_no_entry_is_used_after_a_seed_changed(project):
    check(project)
    poison_every_entry(project)
    seed = project / "seeds" / "002_0ae214f5d57581a8.txt"
    seed.write_bytes(seed.read_bytes().replace(b"210 national", b"211 national"))
    found = messages(project)
    assert found and not any(POISON in p for p in found)
    assert found == messages(project, use_cache=False)


def test_a_missing_catalogue_and_an_empty_one_are_told_apart(project):
    catalogue = project / "seeds" / "seeds.yaml"
    catalogue.unlink()
    missing = messages(project)
    catalogue.write_bytes(b"")
    assert messages(project) == messages(project, use_cache=False) != missing


@pytest.mark.parametrize(
    "damage",
    [lambda data: b"not an entry", lambda data: data[: len(data) // 2], lambda data: b""],
    ids=["junk", "cut-in-half", "empty"],
)
def test_an_unreadable_entry_is_made_again(project, damage):
    built(project)
    for path in (project / FOLDER).iterdir():  # the check's entries and the build's
        if path.name != WRITTEN:
            rewrite(path, damage(path.read_bytes()))
    assert messages(project) == []
    assert built(project) == built(project, use_cache=False)


def test_only_the_entries_asked_for_are_kept(project):
    built(project)
    folder = project / FOLDER
    kept = {path.name for path in folder.iterdir()}
    files = len(list((project / "data").rglob("*.yaml")))  # the fact files and the catalogue (not the vocabularies)
    tables = {name for name in kept if name.endswith(".tables")}
    assert WRITTEN in kept and len(tables) == files  # the build's entry per file, beside the check's
    stale = {"0" * 64 + SUFFIX, "0" * 64 + ".pickle"}  # an entry no check asks for, one in an old format
    scratch = ".of-another-check" + SCRATCH_SUFFIX
    for name in (*stale, scratch):
        (folder / name).write_bytes(b"")
    check(project)
    assert {path.name for path in folder.iterdir()} == kept | {scratch}


def test_a_table_file_changed_by_hand_is_written_again(project):
    first = built(project)
    path = project / "build" / "csv" / "people.csv"
    status = path.stat()
    path.write_bytes(path.read_bytes().replace(b'"Prof."', b'"Prof!"', 1))  # the same size
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))  # and the same modification time
    assert built(project) == first


def run_check_with_changed_code(project: Path, tmp_path: Path, module: str, old: str, new: str) -> str:
    """`anso-facts check` run by a copy of the package with one edit, in a fresh interpreter."""
    copy = tmp_path / "changed-code"
    shutil.copytree(REPO / "src" / "anso_facts", copy / "anso_facts", ignore=shutil.ignore_patterns("__pycache__"))
    source = copy / "anso_facts" / module
    text = source.read_text()
    assert old in text
    source.write_text(text.replace(old, new, 1))
    code = (
        "import anso_facts, sys; from anso_facts.cli import main; print(anso_facts.__file__); "
        "main(['--root', sys.argv[1], 'check'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, project], env={"PYTHONPATH": str(copy)}, capture_output=True, text=True
    )
    assert result.stdout.startswith(str(copy)), result.stdout + result.stderr
    return result.stdout


def test_no_entry_is_used_after_the_code_changed(project, tmp_path):
    check(project)
    poison_every_entry(project)
    assert POISON in messages(project)[0]  # unchanged code reads the entries
    out = run_check_with_changed_code(project, tmp_path, "check/file_rules.py", '"""The rules', '"""(edited) The rules')
    assert POISON not in out and out.splitlines()[-1].startswith("ok: ")


def test_no_entry_is_used_after_the_json_schema_changed(project, tmp_path):
    check(project)
    poison_every_entry(project)
    out = run_check_with_changed_code(
        project,
        tmp_path,
        "model/tables.py",
        '"Title of the document, as printed',
        '"The title of the document, as printed',
    )
    assert POISON not in out and out.splitlines()[-1].startswith("ok: ")


def test_a_write_cut_short_leaves_neither_an_entry_nor_a_scratch_file(tmp_path):
    cache = Cache(tmp_path, b"context")
    with pytest.raises(TypeError):  # the second part is no bytes: the write stops half-way
        cache.write("0" * 64 + SUFFIX, b"a first part", "not bytes")
    assert list((tmp_path / FOLDER).iterdir()) == []


def test_a_cache_folder_that_cannot_be_written_changes_no_result(project):
    """The cache only saves time: a check whose cache cannot be written checks all the same, without a word."""
    (project / FOLDER).write_bytes(b"a file where the folder should be")
    assert messages(project) == [] == messages(project, use_cache=False)
    assert (project / FOLDER).read_bytes() == b"a file where the folder should be"
    assert built(project) == built(project, use_cache=False)


def test_a_symlinked_cache_folder_is_neither_read_nor_written(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (project / FOLDER).symlink_to(elsewhere, target_is_directory=True)
    built(project)
    assert messages(project) == []
    assert list(elsewhere.iterdir()) == []


def test_the_evidence_of_references_is_searched_again_when_a_referred_name_changes(project):
    """Each file's references are cached with the names they were looked for by: a name changed in another file
    sends the unchanged files that refer to it to be searched again (here, to find it named nowhere)."""
    assert messages(project) == []
    people = project / "data" / "entities" / "people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8").replace(
            "  name: Chunli Bai\n", "  name: Chunlie Bai\n  inferred:\n    name: A test.\n", 1
        ),
        encoding="utf-8",
    )
    cached, uncached = messages(project), messages(project, use_cache=False)
    assert cached == uncached == []  # "Bai", the surname, still stands in the quotes
    people.write_text(
        people.read_text(encoding="utf-8").replace("  name: Chunlie Bai\n", "  name: Chun Li\n", 1), encoding="utf-8"
    )
    cached, uncached = messages(project), messages(project, use_cache=False)
    assert cached == uncached and any(
        p.startswith("data/facts/bai-letter-2020.yaml:")
        and ": ungrounded-reference: " in p
        and "'Chun Li' or 'Li'" in p
        for p in cached
    )


def test_a_rebuild_labels_only_what_the_edit_touches(project, monkeypatch):
    """Each file's labels of each table and its free-text words are kept in the cache under what they are made
    from: a check keeps them; a build after an edit that changes no labelled value makes no label again, and one
    after a statement's summary changed (its label shows it) labels that file's statements only; the output is
    the same as a build without the cache."""
    from anso_facts.build import labels

    first = built(project)
    kept_entries = sorted((project / FOLDER).glob("*" + BUILD_SUFFIX))
    assert kept_entries  # each file's labels of each table, and its free-text words
    check(project)
    assert sorted((project / FOLDER).glob("*" + BUILD_SUFFIX)) == kept_entries
    made = []
    original = labels.labelled
    monkeypatch.setattr(labels, "labelled", lambda table, *rest: made.append(table.name) or original(table, *rest))
    path = project / "data" / "entities" / "people.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# a comment changes no label\n", encoding="utf-8")
    assert built(project) == first and made == []
    facts = project / "data" / "facts" / "cast-igf2021-booth.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("  summary: Since its inauguration CAST", "  summary: Since inauguration CAST", 1))
    cached = built(project)
    assert made == ["statements"]
    assert cached == built(project, use_cache=False)
