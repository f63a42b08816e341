"""Issue 22, classes 3 (release half), 4 and 5: every side of `diff` and `release --previous` (a folder, a zip
archive, a git revision) is hostile until read safely, a revision is never a git option, and a release packs
no symlink. Each hostile input is made here, on disk, and run through the command as a curator would."""

import json
import os
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from anso_facts.cli import main
from anso_facts.release import sides
from helpers import REPO

SECRET = "s3cret-the-target-must-never-be-printed"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]


# What a hostile side is made of ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def package(built, tmp_path_factory) -> Path:
    """A real built package folder (datapackage.json and build/), the side every hostile one is made from."""
    folder = tmp_path_factory.mktemp("package") / "good"
    folder.mkdir()
    shutil.copy(built / "datapackage.json", folder)
    shutil.copytree(built / "build", folder / "build")
    return folder


@pytest.fixture(scope="module")
def checkout(built, tmp_path_factory) -> Path:
    """A built checkout that `release` accepts (its README and licences added)."""
    root = tmp_path_factory.mktemp("checkout") / "root"
    shutil.copytree(built, root, symlinks=True)
    for name in ("README.md", "LICENSE", "LICENSE-DATA"):
        shutil.copy(REPO / name, root)
    return root


@pytest.fixture
def world(tmp_path: Path) -> Path:
    """The test's folder, with a secret file that no hostile side may bring into any output, and the scratch
    folder the command is given as TMPDIR."""
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (tmp_path / "scratch").mkdir()
    return tmp_path


def listing(folder: Path) -> list[str]:
    """Every path under `folder`, links not followed, with its size: what a command must leave as it was."""
    found = []
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(parent) / name
            found.append(f"{path.relative_to(folder)} {path.lstat().st_size if name in files else ''}")
    return sorted(found)


def zipped(target: Path, package: Path, extra: dict | None = None, prefix: str = "anso-facts-0.1.0/") -> Path:
    """`package` as a release archive, with `extra` members (name -> bytes, or a ZipInfo -> bytes) added."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(package).as_posix())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return target


def with_descriptor(target: Path, package: Path, text: str) -> Path:
    """A copy of `package` whose datapackage.json is `text`."""
    shutil.copytree(package, target)
    (target / "datapackage.json").write_text(text, encoding="utf-8")
    return target


def edited_descriptor(package: Path, change) -> str:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    change(descriptor)
    return json.dumps(descriptor)


def anso(world: Path, *args: str, root: Path | None = None) -> subprocess.CompletedProcess:
    """The command in a fresh process, its temporary files in world/scratch, bounded in time."""
    env = {**os.environ, "TMPDIR": str(world / "scratch")}
    return subprocess.run(
        [sys.executable, "-m", "anso_facts.cli", "--root", str(root or world), *args],
        cwd=world,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_refused(code: int, out: str, err: str, side: str, *words: str) -> None:
    """Exit 2, one line on stderr naming the side and what is wrong, no traceback, the secret never shown."""
    assert code == 2, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert side in err, err
    for word in words:
        assert word in err, err
    assert SECRET not in out + err and "root:x:" not in out + err and "\x1b" not in err


def refused_in_process(capsys, world: Path, old: str, new: str, *words: str, side: str | None = None) -> None:
    """`anso-facts diff OLD NEW` in this process (its scratch in world/scratch): refused, nothing left behind."""
    before = listing(world)
    code = main(["--root", str(world), "diff", old, new])
    captured = capsys.readouterr()
    assert_refused(code, captured.out, captured.err, side or old, *words)
    assert listing(world) == before


@pytest.fixture(autouse=True)
def scratch_in_world(world, monkeypatch):
    """In-process commands make their temporary folders in world/scratch too, where the listing sees them."""
    monkeypatch.setattr("tempfile.tempdir", str(world / "scratch"))


# Zip archives --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "member",
    [
        "../evil.txt",
        "anso-facts-0.1.0/../../evil.txt",
        "ABSOLUTE",
        "C:/evil.txt",
        "anso-facts-0.1.0\\..\\evil.txt",
        "anso-facts-0.1.0/./x",
        "anso-facts-0.1.0/\x1b[31mred",
    ],
)
def test_a_zip_member_that_could_land_outside_is_refused(package, world, capsys, member):
    member = str(world / "absolute-evil.txt") if member == "ABSOLUTE" else member
    archive = zipped(world / "hostile.zip", package, {member: SECRET})
    refused_in_process(capsys, world, str(archive), str(package), "member", "refused")
    assert not list(world.parent.rglob("*evil.txt")) and not (world / "absolute-evil.txt").exists()


def test_a_zip_traversal_through_the_command_writes_nothing_outside_its_scratch(package, world):
    archive = zipped(world / "hostile.zip", package, {"../evil.txt": SECRET, "/tmp/anso-evil-abs.txt": SECRET})
    before = listing(world)
    result = anso(world, "diff", str(archive), str(package))
    assert_refused(result.returncode, result.stdout, result.stderr, str(archive), "'..' part")
    assert listing(world) == before and not Path("/tmp/anso-evil-abs.txt").exists()


def test_a_zip_symlink_member_is_refused_and_its_target_never_read(package, world, capsys):
    link = zipfile.ZipInfo("anso-facts-0.1.0/build/parquet/people.parquet")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = world / "link.zip"
    with zipfile.ZipFile(archive, "w") as hostile:
        hostile.writestr("anso-facts-0.1.0/datapackage.json", (package / "datapackage.json").read_bytes())
        hostile.writestr(link, str(world / "secret.txt"))
    refused_in_process(capsys, world, str(archive), str(package), "symlink", "people.parquet")


def bomb(target: Path, package: Path, size: int, lie: int | None = None) -> Path:
    """`package` as a release archive whose people.parquet inflates to `size` bytes of zeros (a few kilobytes
    per megabyte on disk); `lie`: the size its headers declare instead."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in sorted(package.rglob("*")):
            if path.is_file() and path.name != "people.parquet":
                archive.write(path, "anso-facts-0.1.0/" + path.relative_to(package).as_posix())
        with archive.open("anso-facts-0.1.0/build/parquet/people.parquet", "w") as member:
            for _ in range(size >> 20):
                member.write(bytes(1 << 20))
    if lie is not None:  # the uncompressed size in the member's local header and central directory entry
        name = "anso-facts-0.1.0/build/parquet/people.parquet"
        with zipfile.ZipFile(target) as archive:
            local = archive.getinfo(name).header_offset
        data = bytearray(target.read_bytes())
        central = data.rindex(name.encode()) - 46
        for at in (local + 22, central + 24):
            data[at : at + 4] = lie.to_bytes(4, "little")
        target.write_bytes(bytes(data))
    return target


def test_a_zip_bomb_is_refused_by_the_command_in_bounded_time(package, world):
    archive = bomb(world / "bomb.zip", package, sides.ARCHIVE_LIMIT + (64 << 20))  # 1.06 GiB of zeros in a few MB
    assert archive.stat().st_size < 20 << 20
    before, started = listing(world), time.monotonic()
    result = anso(world, "diff", str(archive), str(package))
    assert_refused(result.returncode, result.stdout, result.stderr, str(archive), "zip bomb", str(sides.ARCHIVE_LIMIT))
    assert time.monotonic() - started < 60 and listing(world) == before


def test_a_zip_bomb_past_a_lowered_limit_and_one_with_lying_headers(package, world, capsys, monkeypatch):
    monkeypatch.setattr(sides, "ARCHIVE_LIMIT", 8 << 20)
    refused_in_process(capsys, world, str(bomb(world / "bomb.zip", package, 16 << 20)), str(package), "zip bomb")
    # headers that say 1000 bytes for 16 MiB: no more than 1000 bytes are inflated, and the CRC says it is damaged
    liar = bomb(world / "liar.zip", package, 16 << 20, lie=1000)
    refused_in_process(capsys, world, str(liar), str(package), "damaged")


def test_many_small_members_past_the_limit_in_all_are_refused(package, world, capsys, monkeypatch):
    monkeypatch.setattr(sides, "ARCHIVE_LIMIT", 4 << 20)
    archive = zipped(world / "many.zip", package, {f"anso-facts-0.1.0/pad/{n}": bytes(1 << 20) for n in range(5)})
    refused_in_process(capsys, world, str(archive), str(package), "zip bomb")


def test_a_truncated_corrupt_or_false_zip_is_refused(package, world, capsys):
    whole = zipped(world / "whole.zip", package).read_bytes()
    (world / "truncated.zip").write_bytes(whole[: len(whole) // 2])
    refused_in_process(capsys, world, str(world / "truncated.zip"), str(package), "truncated")
    corrupt = bytearray(whole)
    member = corrupt.index(b"people.parquet") + len("people.parquet") + 40  # inside that member's compressed bytes
    corrupt[member : member + 8] = bytes(8)
    (world / "corrupt.zip").write_bytes(bytes(corrupt))
    refused_in_process(capsys, world, str(world / "corrupt.zip"), str(package), "damaged")
    (world / "text.zip").write_text("not a zip\n", encoding="utf-8")
    refused_in_process(capsys, world, str(world / "text.zip"), str(package), "not a zip archive")


def test_a_zip_that_names_a_table_it_lacks_is_refused(package, world, capsys):
    archive = world / "partial.zip"
    with zipfile.ZipFile(archive, "w") as hostile:
        hostile.writestr("datapackage.json", (package / "datapackage.json").read_bytes())
    refused_in_process(capsys, world, str(archive), str(package), "is not a file of the archive")


# Descriptors and folder sides ----------------------------------------------------------------------------


def _no_name(descriptor):
    del descriptor["resources"][0]["name"]


def _no_path(descriptor):
    del descriptor["resources"][-1]["path"]


def _path(path):
    def change(descriptor):
        descriptor["resources"][-1]["path"] = path

    return change


def _no_key(descriptor):
    del descriptor["resources"][-1]["schema"]["primaryKey"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", ["not JSON"]),
        ('"\\ud800" \xff', ["not JSON"]),
        ("[" * 100_000, ["not JSON"]),
        ("[1, 2]", ["not a JSON object"]),
        ('{"name": "x"}', ["no list of resources"]),
        ('{"resources": {"a": 1}}', ["no list of resources"]),
        ('{"resources": [], "version": 3}', ["version is not a string"]),
        (_no_name, ["has no name"]),
        (_no_path, ["has no path"]),
        (_path("../../etc/passwd"), ["'..' part"]),
        (_path("/etc/passwd"), ["is absolute"]),
        (_path("build\\..\\..\\secret.txt"), ["backslash"]),
        (_path(["build/a.csv", "build/b.csv"]), ["has no path"]),
        (_no_key, ["no primary key"]),
    ],
)
def test_a_descriptor_that_is_not_one_is_refused(package, world, capsys, text, words):
    text = text if isinstance(text, str) else edited_descriptor(package, text)
    folder = with_descriptor(world / "side", package, text)
    refused_in_process(capsys, world, str(folder), str(package), "datapackage.json", *words)
    archive = zipped(world / "side.zip", folder)
    refused_in_process(capsys, world, str(archive), str(package), *words)


def test_a_folder_side_whose_table_or_descriptor_links_outside_is_refused(package, world, capsys):
    folder = shutil.copytree(package, world / "side")
    table = folder / "build" / "parquet" / "people.parquet"
    table.unlink()
    table.symlink_to(world / "secret.txt")
    refused_in_process(capsys, world, str(folder), str(package), "people.parquet", "reached through a symbolic link")
    table.unlink()
    table.symlink_to(table)  # a loop
    refused_in_process(capsys, world, str(folder), str(package), "people.parquet", "loop")
    table.unlink()
    table.symlink_to(folder / "build" / "parquet" / "organizations.parquet")  # inside: two names for one file
    refused_in_process(capsys, world, str(folder), str(package), "people.parquet", "reached through a symbolic link")
    table.unlink()
    shutil.copy(package / "build" / "parquet" / "people.parquet", table)
    (folder / "datapackage.json").rename(world / "outside.json")
    (folder / "datapackage.json").symlink_to(world / "outside.json")
    refused_in_process(capsys, world, str(folder), str(package), "datapackage.json", "reached through a symbolic link")


def test_a_table_that_is_not_parquet_is_refused(package, world, capsys):
    folder = shutil.copytree(package, world / "side")
    (folder / "build" / "parquet" / "people.parquet").write_text(SECRET, encoding="utf-8")
    refused_in_process(capsys, world, str(folder), str(package), "people.parquet", "not a readable Parquet table")
    (folder / "build" / "parquet" / "people.parquet").write_bytes(b"PAR1" + bytes(100) + b"PAR1")
    refused_in_process(capsys, world, str(folder), str(package), "not a readable Parquet table")
    (folder / "build" / "parquet" / "people.parquet").unlink()
    os.mkfifo(folder / "build" / "parquet" / "people.parquet")  # reading a FIFO would block for ever
    refused_in_process(capsys, world, str(folder), str(package), "not a regular file")


def test_a_small_table_that_decodes_past_the_limit_is_refused(package, world, capsys, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = shutil.copytree(package, world / "side")
    rows = 200_000  # 20 MB of names decoded from a file of a few hundred kilobytes
    people = pa.table({"id": [f"p{n}" for n in range(rows)], "name": ["x" * 100] * rows})
    pq.write_table(people, folder / "build" / "parquet" / "people.parquet", compression="zstd")
    assert (folder / "build" / "parquet" / "people.parquet").stat().st_size < 2 << 20
    monkeypatch.setattr(sides, "DECODED_LIMIT", 4 << 20)
    refused_in_process(capsys, world, str(folder), str(package), "people.parquet (decoded)", str(4 << 20))
    monkeypatch.setattr(sides, "ROW_LIMIT", 1000)
    refused_in_process(capsys, world, str(folder), str(package), "people.parquet has 200000 rows")


@pytest.mark.parametrize(
    ("value", "kind"), [(2**31 - 1, "date32"), (2**62, "timestamp[ms]"), (-(2**62), "timestamp[us]")]
)
def test_a_date_python_cannot_hold_is_refused(package, world, capsys, value, kind):
    """Arrow holds dates far past the year 9999; Python's date does not: one line, not a traceback."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = shutil.copytree(package, world / "side")
    path = folder / "build" / "parquet" / "events.parquet"
    events = pq.read_table(path)
    dates = pa.array([value] * events.num_rows, pa.int32() if kind == "date32" else pa.int64()).cast(
        pa.date32() if kind == "date32" else pa.type_for_alias(kind)
    )
    pq.write_table(events.set_column(events.schema.get_field_index("date"), "date", dates), path)
    refused_in_process(capsys, world, str(folder), str(package), "events.parquet", "a value Python cannot read")


def test_columns_of_nulls_across_tables_are_charged_to_one_budget(package, world, capsys, monkeypatch):
    """A column of nulls decodes to almost no bytes, yet each of its cells becomes a Python value: the cells of
    all the side's tables are counted together, before any is read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = shutil.copytree(package, world / "side")
    for table in ("people", "organizations", "events"):
        path = folder / "build" / "parquet" / f"{table}.parquet"
        rows = 300_000
        pq.write_table(pa.table({"id": [f"x{n}" for n in range(rows)], "name": pa.nulls(rows, pa.string())}), path)
    monkeypatch.setattr(sides, "CELL_LIMIT", 1_000_000)  # each table alone is within it; together they are not
    refused_in_process(capsys, world, str(folder), str(package), "(cells)", "1000000 cells")


@pytest.mark.parametrize("kind", ["list", "struct", "map", "fixed-size binary", "large binary of one value"])
def test_a_column_of_a_type_never_written_is_refused_before_it_is_decoded(package, world, capsys, kind):
    """A list of 50 million nulls is a Parquet file of a few hundred bytes that decodes to almost no Arrow bytes,
    yet to 50 million Python values; a fixed-size binary is decoded whole before it could be counted: anso-facts
    never writes either, and diff reads neither. (Large binary is text: counted before it is expanded.)"""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = shutil.copytree(package, world / "side")
    many = 50_000_000
    column = {
        "list": pa.ListArray.from_arrays(pa.array([0, many], pa.int32()), pa.nulls(many)),
        "struct": pa.StructArray.from_arrays([pa.nulls(1)] * 100, [f"f{n}" for n in range(100)]),
        "map": pa.array([[("k", None)] * 1000], pa.map_(pa.string(), pa.null())),
        "fixed-size binary": pa.array([b"x" * 1024], pa.binary(1024)),
        "large binary of one value": pa.array([b"x" * 1024], pa.large_binary()),
    }[kind]
    pq.write_table(pa.table({"id": ["p1"], "name": column}), folder / "build" / "parquet" / "people.parquet")
    assert (folder / "build" / "parquet" / "people.parquet").stat().st_size < 1 << 20
    if kind == "large binary of one value":  # read as text: counted before it is expanded, so it is read
        assert main(["--root", str(world), "diff", str(folder), str(package)]) == 0
        return
    refused_in_process(capsys, world, str(folder), str(package), "column name is of type", "anso-facts never writes")


def test_a_large_value_is_refused_by_its_declared_size_before_it_is_decoded(package, world, capsys, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = shutil.copytree(package, world / "side")
    people = pa.table({"id": ["p1"], "name": ["x" * (8 << 20)]})  # 8 MiB that compress to a few kilobytes
    pq.write_table(people, folder / "build" / "parquet" / "people.parquet", compression="zstd")
    assert (folder / "build" / "parquet" / "people.parquet").stat().st_size < 64 << 10
    monkeypatch.setattr(sides, "DECODED_LIMIT", 4 << 20)
    refused_in_process(capsys, world, str(folder), str(package), "people.parquet (declared size)", str(4 << 20))


def test_a_key_or_a_table_that_names_a_field_twice_is_refused(package, world, capsys):
    """A key of 100,000 repeats of one name made every row's key 100,000 joins; a column named twice has no one
    type."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def repeated(descriptor):
        people = next(r for r in descriptor["resources"] if r["name"] == "people-parquet")
        people["schema"]["primaryKey"] = ["id"] * 100_000

    folder = with_descriptor(world / "side", package, edited_descriptor(package, repeated))
    refused_in_process(
        capsys, world, str(folder), str(package), "has no primary key among its fields (each named once)"
    )
    shutil.rmtree(folder)
    folder = shutil.copytree(package, world / "side")
    twice = pa.Table.from_arrays([pa.array(["p1"]), pa.array(["a"]), pa.array(["b"])], names=["id", "name", "name"])
    pq.write_table(twice, folder / "build" / "parquet" / "people.parquet")
    refused_in_process(capsys, world, str(folder), str(package), "names the column name more than once")


def test_a_value_repeated_in_many_rows_is_counted_before_it_is_expanded(package, world):
    """One value of 1 MiB in 3,000 rows is a Parquet file of a few kilobytes (a dictionary) that decodes to 3 GiB:
    text is read as dictionaries, its expanded size counted, and refused before any batch is expanded (Arrow's
    peak, in a fresh process, stays far below one batch)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = shutil.copytree(package, world / "side")
    rows, value = 3000, "x" * (1 << 20)
    names = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), pa.array([value]))
    people = pa.table({"id": [f"p{n}" for n in range(rows)], "name": names})  # stored as plain text:
    pq.write_table(people, folder / "build" / "parquet" / "people.parquet", compression="zstd", store_schema=False)
    assert (folder / "build" / "parquet" / "people.parquet").stat().st_size < 256 << 10
    script = (
        "import sys, pyarrow as pa\n"
        "from pathlib import Path\n"
        "from anso_facts.release.sides import DiffError, read_side\n"
        "try:\n"
        "    read_side(Path(sys.argv[1]))\n"
        "except DiffError as error:\n"
        "    print(error)\n"
        "print(pa.default_memory_pool().max_memory())\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, timeout=300)
    said, peak = result.stdout.splitlines()
    assert "people.parquet (decoded) takes the side past" in said, result
    assert int(peak) < 64 << 20, peak  # one batch expanded would be 1 GiB


def test_a_descriptor_naming_one_file_twice_or_too_many_resources_is_refused(package, world, capsys):
    def twice(descriptor):
        descriptor["resources"].append({**descriptor["resources"][-1], "name": "again"})

    folder = with_descriptor(world / "side", package, edited_descriptor(package, twice))
    refused_in_process(capsys, world, str(folder), str(package), "in more than one resource")
    shutil.rmtree(folder)

    def many(descriptor):
        descriptor["resources"] += [{"name": f"r{n}", "path": f"r{n}.csv"} for n in range(1001)]

    folder = with_descriptor(world / "side", package, edited_descriptor(package, many))
    refused_in_process(capsys, world, str(folder), str(package), "more than 1000 resources")


def test_a_resource_or_table_with_more_columns_than_diff_reads_is_refused_quickly(package, world, capsys):
    """Thousands of fields (all in the key) or of columns: refused before anything is compared field by field."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def wide(descriptor):
        people = next(r for r in descriptor["resources"] if r["name"] == "people-parquet")
        people["schema"]["fields"] += [{"name": f"f{n}", "type": "string"} for n in range(1001)]
        people["schema"]["primaryKey"] = [field["name"] for field in people["schema"]["fields"]]

    folder = with_descriptor(world / "side", package, edited_descriptor(package, wide))
    refused_in_process(capsys, world, str(folder), str(package), "people-parquet", "more than 1000 fields")
    shutil.rmtree(folder)
    folder = shutil.copytree(package, world / "side")
    columns = {"id": ["p1"], **{f"c{n}": pa.nulls(1, pa.string()) for n in range(1001)}}
    pq.write_table(pa.table(columns), folder / "build" / "parquet" / "people.parquet")
    refused_in_process(capsys, world, str(folder), str(package), "people.parquet has 1002 columns")


def test_a_special_file_or_an_unreadable_name_as_a_side_is_refused(package, world, capsys):
    os.mkfifo(world / "fifo")
    refused_in_process(capsys, world, str(world / "fifo"), str(package), "neither a folder nor a regular file")
    refused_in_process(capsys, world, "x" * 5000, str(package), "cannot be read", side="xxxx")


# Git revisions -------------------------------------------------------------------------------------------


def git_repository(folder: Path, package: Path) -> Path:
    shutil.copytree(package, folder)
    subprocess.run([*GIT, "-C", str(folder), "init", "-q"], check=True)
    subprocess.run([*GIT, "-C", str(folder), "add", "."], check=True)
    subprocess.run([*GIT, "-C", str(folder), "commit", "-qm", "built"], check=True)
    return folder


@pytest.mark.parametrize("form", ["--output={}", "-o{}", "--output {}", "--remote={}"])
def test_a_revision_that_looks_like_a_git_option_is_only_a_revision(package, world, form):
    repo = git_repository(world / "repo", package)
    victim = world / "victim.txt"
    victim.write_text("must stay as it is\n", encoding="utf-8")
    for target in (victim, world / "created.txt"):
        side = form.format(target)
        before = listing(world)
        result = anso(world, "diff", "--", side, "HEAD", root=repo)  # `--`: argparse takes it as an argument
        assert_refused(
            result.returncode,
            result.stdout,
            result.stderr,
            side,
            "not a package folder, a release archive or a git revision",
        )
        assert listing(world) == before
    assert victim.read_text(encoding="utf-8") == "must stay as it is\n" and not (world / "created.txt").exists()


def test_a_revision_with_a_symlink_or_a_path_outside_is_refused(package, world):
    repo = git_repository(world / "repo", package)
    table = repo / "build" / "parquet" / "people.parquet"
    table.unlink()
    table.symlink_to(world / "secret.txt")
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qam", "a link"], check=True)
    result = anso(world, "diff", "HEAD", "HEAD~1", root=repo)
    assert_refused(result.returncode, result.stdout, result.stderr, "HEAD", "people.parquet", "symlink")
    (repo / "datapackage.json").write_text(edited_descriptor(package, _path("../secret.txt")), encoding="utf-8")
    subprocess.run([*GIT, "-C", str(repo), "commit", "-qam", "a path outside"], check=True)
    result = anso(world, "diff", "HEAD", "HEAD~2", root=repo)
    assert_refused(result.returncode, result.stdout, result.stderr, "HEAD", "'..' part")
    assert listing(world / "scratch") == []
    # and a good revision still reads: the two built commits are the same package
    assert anso(world, "diff", "HEAD~2", str(package), root=repo).stdout.startswith("0.1.0 -> 0.1.0: no change")


# release --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link", ["data/leak.yaml", "docs/leak.md", "seeds/outside", "schemas/leak.json", "CHANGELOG.md"]
)
def test_release_refuses_a_symlink_among_what_it_packs(checkout, world, link):
    root = shutil.copytree(checkout, world / "root", symlinks=True)
    outside = world / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / link).symlink_to(outside if link == "seeds/outside" else world / "secret.txt")
    before = listing(world)
    result = anso(world, "release", "--dist", str(world / "dist"), root=root)
    assert_refused(result.returncode, result.stdout, result.stderr, link, "symbolic link", "nothing was written")
    assert str(world) not in result.stderr  # named in the checkout, the target not shown
    assert listing(world) == before and not (world / "dist").exists()
    assert (world / "secret.txt").read_text(encoding="utf-8") == SECRET + "\n"


def test_release_with_a_hostile_previous_side_is_refused_and_writes_nothing(checkout, package, world):
    root = shutil.copytree(checkout, world / "root", symlinks=True)
    archive = zipped(world / "previous.zip", package, {"../evil.txt": SECRET})
    before = listing(world)
    result = anso(world, "release", "--dist", str(world / "dist"), "--previous", str(archive), root=root)
    assert_refused(result.returncode, result.stdout, result.stderr, str(archive), "'..' part")
    assert listing(world) == before
    result = anso(world, "release", "--dist", str(world / "dist"), "--previous=--output=x", root=root)
    assert_refused(result.returncode, result.stdout, result.stderr, "--output=x", "not a package folder")
    assert listing(world) == before


def test_release_writes_its_archive_whole_or_not_at_all(checkout, world):
    """A release that fails while packing leaves no partial file in dist/, and an archive already there stays."""
    from anso_facts.release import archive as releasing

    root = shutil.copytree(checkout, world / "root", symlinks=True)
    dist = world / "dist"
    first = releasing.release(root, dist)
    kept = first.read_bytes()

    def full_disk(source, target):  # the archive written, then the disk full as it is moved into place
        raise OSError(28, "No space left on device")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(releasing.os, "replace", full_disk)
        with pytest.raises(OSError):
            releasing.release(root, dist)
    assert sorted(p.name for p in dist.iterdir()) == [first.name] and first.read_bytes() == kept


def test_release_refuses_a_fifo_it_would_block_on_and_a_dist_that_is_a_link(checkout, world):
    root = shutil.copytree(checkout, world / "root", symlinks=True)
    os.mkfifo(root / "docs" / "pipe")
    result = anso(world, "release", "--dist", str(world / "dist"), root=root)
    assert_refused(result.returncode, result.stdout, result.stderr, "docs/pipe", "not a regular file")
    (root / "docs" / "pipe").unlink()
    (world / "elsewhere").mkdir()
    (root / "dist").symlink_to(world / "elsewhere")
    result = anso(world, "release", root=root)
    assert_refused(result.returncode, result.stdout, result.stderr, "dist", "symbolic link")
    assert list((world / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("link", ["releases", "releases/0.1.0"])
def test_release_refuses_a_releases_folder_that_is_a_link(checkout, world, link):
    """The package as released is kept in releases/VERSION/: a link there would have it written wherever it leads."""
    root = shutil.copytree(checkout, world / "root", symlinks=True)
    shutil.rmtree(root / "releases", ignore_errors=True)
    (root / link).parent.mkdir(exist_ok=True)
    (world / "elsewhere").mkdir()
    (root / link).symlink_to(world / "elsewhere")
    result = anso(world, "release", "--dist", str(world / "dist"), root=root)
    assert_refused(result.returncode, result.stdout, result.stderr, link, "symbolic link")
    assert list((world / "elsewhere").iterdir()) == [] and not (world / "dist").exists()


def _kept(root: Path, record: str | None, descriptor: dict | str | None) -> Path:
    """releases/0.0.1/ with a release.json and a datapackage.json (None: each left for the test to make)."""
    folder = root / "releases" / "0.0.1"
    folder.mkdir(parents=True)
    if record is not None:
        (folder / "release.json").write_text(record, encoding="utf-8")
    if descriptor is not None:
        text = descriptor if isinstance(descriptor, str) else json.dumps(descriptor)
        (folder / "datapackage.json").write_text(text, encoding="utf-8")
    return folder


RECORD_0_0_1 = json.dumps({"version": "0.0.1", "archive": "anso-facts-0.0.1.zip", "sha256": "00"})


@pytest.mark.parametrize(
    "forgery", ["absolute", "parent", "not-parquet", "record-to-dev-zero", "record-fifo", "descriptor-link", "deep"]
)
def test_a_kept_release_is_read_as_untrusted_by_the_site_and_the_release(checkout, world, forgery):
    """releases/VERSION/ is committed, so a pull request may change it: what versions.json lists from it is read
    like any package from elsewhere, and a forged one is passed over, never a traceback nor a file outside."""
    from anso_facts.release.archive import versions_index

    root = shutil.copytree(checkout, world / "root", symlinks=True)
    outside = root.parent / "outside.parquet"
    shutil.copy(root / "build" / "parquet" / "people.parquet", outside)
    resource = {"name": "people-parquet", "format": "parquet"}
    descriptor = {
        "absolute": {"resources": [{**resource, "path": str(outside)}]},
        "parent": {"resources": [{**resource, "path": "../../../outside.parquet"}]},
        "not-parquet": {"resources": [{**resource, "path": "release.json"}]},
        "deep": "[" * 100_000,
    }.get(forgery, {"resources": []})
    folder = _kept(root, None if forgery.startswith("record") else RECORD_0_0_1, descriptor)
    if forgery == "record-to-dev-zero":
        (folder / "release.json").symlink_to("/dev/zero")
    if forgery == "record-fifo":
        os.mkfifo(folder / "release.json")
    if forgery == "descriptor-link":
        (folder / "datapackage.json").unlink()
        (folder / "datapackage.json").symlink_to(root / "datapackage.json")
    assert [entry["version"] for entry in versions_index(root)["versions"]] == []
    if forgery == "record-to-dev-zero":  # and the site, which lists the versions, passes over it too
        result = anso(world, "site", "--out", str(world / "site"), root=root)
        assert result.returncode == 0, result.stderr
        listed = json.loads((world / "site" / "versions.json").read_text(encoding="utf-8"))
        assert [entry["version"] for entry in listed["versions"]] == []


def test_a_kept_release_as_made_is_listed_with_its_rows(checkout, world):
    root = shutil.copytree(checkout, world / "root", symlinks=True)
    folder = _kept(root, RECORD_0_0_1, None)
    shutil.copy(root / "datapackage.json", folder)
    shutil.copytree(root / "build", folder / "build")
    from anso_facts.release.archive import versions_index

    (entry,) = versions_index(root)["versions"]
    assert entry["version"] == "0.0.1" and entry["rows"]["people"] > 0
