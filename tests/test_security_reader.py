"""Issue 22, class 3, for data users: the package's reader (`anso_facts.load`, `citations`, and the `show` and
`stats` commands over it) reads a package folder from elsewhere (a release unzipped) as untrusted. It opens only
regular files inside the folder, never through a symbolic link, and only by plain names: a table or seed file
named as a path, a link, a FIFO or a descriptor of another kind is one PackageError (one line and exit 2 from a
command), the file outside never read."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anso_facts import PackageError, citations, load, tables

SECRET = "s3cret-outside-the-package"


@pytest.fixture
def folder(built, tmp_path) -> Path:
    """A built package as a data user has it (datapackage.json, build/, seeds/), and a secret beside it."""
    package = tmp_path / "package"
    package.mkdir()
    shutil.copy(built / "datapackage.json", package)
    shutil.copytree(built / "build", package / "build")
    shutil.copytree(built / "seeds", package / "seeds")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    return package


def a_cited_record(folder: Path) -> str:
    return str(load("citations", folder)["record_id"].iloc[0])


def anso(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "anso_facts.cli", "--root", str(folder), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2 and result.stdout == "", result
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert all(word in result.stderr for word in words) and SECRET not in result.stderr, result.stderr


def with_seed_file(folder: Path, name: str) -> None:
    """The seeds table with every seed's file named `name`."""
    path = folder / "build" / "parquet" / "seeds.parquet"
    seeds = pq.read_table(path)
    column = seeds.schema.get_field_index("file")
    pq.write_table(seeds.set_column(column, "file", pa.array([name] * seeds.num_rows, pa.string())), path)


@pytest.mark.parametrize("name", ["../../secret.txt", "/etc/passwd", "sub/../../secret.txt", ".."])
def test_a_seed_file_named_as_a_path_is_refused(folder, name):
    record = a_cited_record(folder)
    with_seed_file(folder, name)
    with pytest.raises(PackageError, match="is not a plain file name; refused"):
        citations(record, folder)
    assert_refused(anso(folder, "show", record), "not a plain file name")


def test_a_seed_file_that_is_a_link_or_a_fifo_is_refused(folder):
    record = a_cited_record(folder)
    for seed in (folder / "seeds").glob("*.txt"):
        seed.unlink()
        seed.symlink_to(folder.parent / "secret.txt")
    with pytest.raises(PackageError, match="reached through a symbolic link"):
        citations(record, folder)
    assert_refused(anso(folder, "show", record), "through a symbolic link")
    for seed in (folder / "seeds").glob("*.txt"):  # a link that stays inside is not followed either
        seed.unlink()
        seed.symlink_to(folder / "datapackage.json")
    with pytest.raises(PackageError, match="a symbolic link; only regular files are read"):
        citations(record, folder)
    for seed in (folder / "seeds").glob("*.txt"):
        seed.unlink()
        os.mkfifo(seed)  # a read would block for ever
    with pytest.raises(PackageError, match="not a regular file"):
        citations(record, folder)


def test_a_table_or_descriptor_that_is_a_link_is_refused(folder):
    table = folder / "build" / "parquet" / "people.parquet"
    shutil.move(table, folder.parent / "people.parquet")
    table.symlink_to(folder.parent / "people.parquet")
    with pytest.raises(PackageError, match="people.parquet: reached through a symbolic link"):
        load("people", folder)
    assert_refused(anso(folder, "stats"), "people.parquet: reached through a symbolic link")
    shutil.move(folder / "datapackage.json", folder.parent / "datapackage.json")
    (folder / "datapackage.json").symlink_to(folder.parent / "datapackage.json")
    with pytest.raises(PackageError, match="datapackage.json: a symbolic link"):
        tables(folder)


@pytest.mark.parametrize(
    ("descriptor", "words"),
    [
        ("[1]", "not a data package of anso-facts"),
        ('{"resources": [{"name": "x"}]}', "not a data package of anso-facts"),
        ('{"resources": [{"name": "../../secret", "format": "csv"}]}', "is not a plain file name"),
    ],
)
def test_a_descriptor_of_another_kind_is_refused(folder, descriptor, words):
    (folder / "datapackage.json").write_text(descriptor, encoding="utf-8")
    with pytest.raises(PackageError, match=words.replace(" ", ".")):
        [load(name, folder) for name in tables(folder)]
    assert_refused(anso(folder, "stats"), words)


@pytest.mark.parametrize("link", ["build", "build/parquet", "seeds"])
def test_a_folder_of_the_package_that_links_outside_is_refused(folder, link):
    """A link among the folders above a file leads out as surely as the file's own: neither is followed."""
    record = a_cited_record(folder)
    outside = folder.parent / "outside"
    shutil.move(folder / link, outside)
    (folder / link).symlink_to(outside, target_is_directory=True)
    with pytest.raises(PackageError, match="reached through a symbolic link"):
        citations(record, folder)
    assert_refused(anso(folder, "show", record), "through a symbolic link")


def with_column(folder: Path, table: str, column: str, values: pa.Array | None) -> None:
    """A table with `column` replaced by `values`, or dropped (None)."""
    path = folder / "build" / "parquet" / f"{table}.parquet"
    read = pq.read_table(path)
    index = read.schema.get_field_index(column)
    pq.write_table(read.remove_column(index) if values is None else read.set_column(index, column, values), path)


def damage(folder: Path, case: str) -> None:
    parquet = folder / "build" / "parquet"
    if case == "garbage table":
        (parquet / "records.parquet").write_bytes(b"PAR1" + bytes(100) + b"PAR1")
    elif case == "table missing":
        (parquet / "records.parquet").unlink()
    elif case == "table a folder":
        (parquet / "records.parquet").unlink()
        (parquet / "records.parquet").mkdir()
    elif case == "seed not UTF-8":
        for seed in (folder / "seeds").glob("*.txt"):
            seed.write_bytes(b"\xff\xfe" + seed.read_bytes())
    elif case == "null line":
        rows = pq.read_metadata(parquet / "citations.parquet").num_rows
        with_column(folder, "citations", "line_start", pa.nulls(rows, pa.int64()))
    elif case == "no label":
        with_column(folder, "records", "label", None)
    elif case == "a seed twice":
        seeds = pq.read_table(parquet / "seeds.parquet")
        pq.write_table(pa.concat_tables([seeds, seeds]), parquet / "seeds.parquet")
    elif case == "deep descriptor":
        (folder / "datapackage.json").write_text("[" * 200_000, encoding="utf-8")


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("garbage table", "build/parquet/records.parquet is not a readable Parquet table"),
        ("table missing", "build/parquet/records.parquet is not a readable Parquet table"),
        ("table a folder", "records.parquet: not a regular file"),
        ("seed not UTF-8", "is not a readable seed text"),
        ("null line", "its tables do not hold together as anso-facts builds them"),
        ("no label", "its tables do not hold together as anso-facts builds them"),
        ("deep descriptor", "not a data package of anso-facts"),
        ("a seed twice", "the seeds table names a seed twice"),
    ],
)
def test_a_damaged_package_is_one_line_from_show_and_stats(folder, case, words):
    record = a_cited_record(folder)
    damage(folder, case)
    assert_refused(anso(folder, "show", record), words)
    if "table" in case or "descriptor" in case:  # stats reads every table, not the seeds' texts nor their fields
        assert_refused(anso(folder, "stats"), words)


def test_a_folder_linked_within_the_package_is_refused_but_the_package_may_be_reached_through_one(
    folder, tmp_path, monkeypatch
):
    """No link below the package folder is followed, even one that stays inside (two resources could then read one
    file by two names); the folder itself may be given through a link, or as a relative path."""
    record = a_cited_record(folder)
    link = tmp_path / "link-to-package"
    link.symlink_to(folder, target_is_directory=True)
    assert len(citations(record, link)) == len(citations(record, folder)) > 0
    monkeypatch.chdir(folder.parent)
    assert len(citations(record, Path(folder.name))) > 0
    shutil.move(folder / "seeds", folder / "build" / "seeds")
    (folder / "seeds").symlink_to(folder / "build" / "seeds", target_is_directory=True)
    with pytest.raises(PackageError, match="reached through a symbolic link"):
        citations(record, folder)


def test_a_loop_of_links_is_one_line(folder):
    table = folder / "build" / "parquet" / "organizations.parquet"
    table.unlink()
    table.symlink_to(table.name)  # itself
    with pytest.raises(PackageError, match="organizations.parquet: a loop of symbolic links"):
        load("organizations", folder)
    assert_refused(anso(folder, "stats"), "a loop of symbolic links")
