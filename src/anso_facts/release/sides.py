"""A side of `anso-facts diff` (release/diff.py), read: a package folder, a release archive (.zip) or a git
revision of the checkout, each untrusted (a release downloaded, a revision from a pull request). Nothing of it
is run, nothing is written outside one temporary folder, and what is read is bounded, so that a hostile side ends
in a DiffError naming it. A side is checked or extracted here, then read by the package reader (build/package.py)
under the limits below, into a Side: its version, its tables' schemas and rows."""

from __future__ import annotations

import os
import re
import stat
import struct
import subprocess
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from anso_facts import PackageError, open_regular
from anso_facts.build.package import (
    COLUMN_LIMIT,
    Budget,
    Limits,
    checked_descriptor,
    parquet_resources,
    printable,
    read_table,
    table_name,
    unsafe_path,
)


class DiffError(Exception):
    """A side that cannot be read or is refused: not a folder, archive or revision, without a data package, or
    hostile (a member or path leading outside, a zip bomb, a damaged member, a descriptor that is not one)."""


ARCHIVE_LIMIT = 1 << 30  # bytes the members a side's reader extracts may hold in all, declared or inflated
DESCRIPTOR_LIMIT = 64 << 20  # bytes of datapackage.json, parsed whole in memory
DIRECTORY_LIMIT = 4 << 20  # bytes of a zip's central directory (about 50,000 members; a release has hundreds)
DECODED_LIMIT = 256 << 20  # bytes a side's tables decode to in Arrow (the real ones: under 1 MiB); Python's rows
# take a few times more
ROW_LIMIT = 10_000_000  # rows of one table (the real ones have thousands)
CELL_LIMIT = 8_000_000  # rows times columns of all the side's tables (the real ones: tens of thousands; at the
# scale benchmark's 100,000 records, a few million); each becomes a Python value in a row's dict, about 115 bytes
CHUNK = 1 << 20  # bytes read at a time, so that no read holds more


def _copy(side: str, source: IO[bytes], target: Path, budget: Budget, what: str) -> None:
    """`source` into a new file `target`, a chunk at a time, each chunk spent from `budget` first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as out:  # "x": a name met twice is not written twice
        while chunk := source.read(CHUNK):
            budget.spend(len(chunk), what)
            out.write(chunk)


def _table_paths(descriptor: dict) -> list[str]:
    """The files to extract for the tables, each once (the descriptor itself is extracted first)."""
    return sorted({resource["path"] for resource in parquet_resources(descriptor)} - {"datapackage.json"})


def _regular_size(side: str, folder: Path, name: str) -> int:
    """The size of folder/name, refused unless it is a regular file reached through no symbolic link (one could
    lead outside the folder) and no FIFO (it would block the read): see open_regular."""
    try:
        with open_regular(folder / name, folder) as file:
            return os.fstat(file.fileno()).st_size
    except FileNotFoundError:
        raise DiffError(f"{printable(side)}: {printable(name)} is missing") from None
    except PackageError as error:
        raise DiffError(f"{printable(side)}: {error}") from None


def _check_folder(side: str, folder: Path) -> None:
    """A folder side's descriptor and tables inside it, regular files, and no larger than diff reads."""
    if not (folder / "datapackage.json").exists() and not (folder / "datapackage.json").is_symlink():
        raise DiffError(f"{printable(side)}: no datapackage.json in this folder")
    budget = Budget(side, ARCHIVE_LIMIT)
    if _regular_size(side, folder, "datapackage.json") > DESCRIPTOR_LIMIT:
        raise DiffError(f"{printable(side)}: datapackage.json is larger than {DESCRIPTOR_LIMIT} bytes")
    for resource in parquet_resources(checked_descriptor(side, (folder / "datapackage.json").read_bytes())):
        budget.spend(_regular_size(side, folder, resource["path"]), resource["path"])


def _zip_directory_size(side: str, file: IO[bytes]) -> int:
    """The size of a zip's central directory as its end record declares it; zipfile reads that many bytes and
    makes an object per member before any check could run, so it is bounded first. Zip64 archives (over
    65,535 members or 4 GiB, never a release) are refused."""
    size = file.seek(0, os.SEEK_END)
    file.seek(max(0, size - (1 << 16) - 22))
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise DiffError(f"{printable(side)}: not a zip archive, or a truncated one (no end of central directory)")
    if tail[max(0, at - 20) : at].startswith(b"PK\x06\x07"):
        raise DiffError(f"{printable(side)}: a zip64 archive, larger than any release; refused")
    (directory,) = struct.unpack("<I", tail[at + 12 : at + 16])
    return directory


def _zip_members(side: str, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The members by name, each checked: a safe name, met once, a file or folder (not a symlink), the
    declared sizes within the limit."""
    members: dict[str, zipfile.ZipInfo] = {}
    declared = Budget(side, ARCHIVE_LIMIT)
    for info in archive.infolist():
        if problem := unsafe_path(info.filename):
            raise DiffError(f"{printable(side)}: member {printable(info.filename)} {problem}; refused")
        if info.filename in members:
            raise DiffError(f"{printable(side)}: member {printable(info.filename)} appears twice; refused")
        kind = stat.S_IFMT(info.external_attr >> 16)  # unix mode bits, whatever system the archive names
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise DiffError(
                f"{printable(side)}: member {printable(info.filename)} is a symlink or special file; refused"
            )
        declared.spend(info.file_size, f"member {printable(info.filename)} (declared size)")
        members[info.filename] = info
    return members


def _package_prefix(side: str, members: dict[str, zipfile.ZipInfo]) -> str:
    """'' or 'FOLDER/': where the archive's datapackage.json is (a release has it in one top folder)."""
    found = sorted(name for name in members if name.count("/") == 1 and name.endswith("/datapackage.json"))
    found += ["datapackage.json"] if "datapackage.json" in members else []
    if not found:
        raise DiffError(f"{printable(side)}: no datapackage.json in this archive")
    return found[0].removesuffix("datapackage.json")


def _extract_zip(side: str, path: Path, scratch: Path) -> None:
    """The archive's datapackage.json and the tables it names into `scratch`, and nothing else."""
    try:
        with open(path, "rb") as file:
            if _zip_directory_size(side, file) > DIRECTORY_LIMIT:
                raise DiffError(f"{printable(side)}: a zip archive with more members than diff reads; refused")
            with zipfile.ZipFile(file) as archive:
                members = _zip_members(side, archive)
                prefix = _package_prefix(side, members)
                _copy_zip_members(side, archive, members, prefix, scratch)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        # a bad CRC, a truncated or damaged member, an unknown compression, a password
        raise DiffError(f"{printable(side)}: a damaged or unreadable zip archive ({printable(str(error))})") from None


def _copy_zip_members(
    side: str, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], prefix: str, scratch: Path
) -> None:
    budget = Budget(side, ARCHIVE_LIMIT)
    with archive.open(members[prefix + "datapackage.json"]) as source:
        _copy(side, source, scratch / "datapackage.json", Budget(side, DESCRIPTOR_LIMIT), "datapackage.json")
    for path in _table_paths(checked_descriptor(side, (scratch / "datapackage.json").read_bytes())):
        info = members.get(prefix + path)
        if info is None or info.is_dir():
            raise DiffError(
                f"{printable(side)}: {printable(path)}, named in datapackage.json, is not a file of the archive"
            )
        with archive.open(info) as source:
            _copy(side, source, scratch / path, budget, printable(path))


def _commit(side: str, root: Path) -> str:
    """The commit a revision names. `--end-of-options`: the side is a revision whatever it looks like (never an
    option such as `--output=FILE`)."""
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{side}^{{commit}}"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    commit = found.stdout.strip()
    if found.returncode or not re.fullmatch(r"[0-9a-f]{40,64}", commit):
        raise DiffError(
            f"{printable(side)}: not a package folder, a release archive or a git revision of {root} with a "
            f"built package"
        )
    return commit


def _export(side: str, root: Path, commit: str, names: list[str], scratch: Path, budget: Budget) -> None:
    """The files `names` of `commit` into `scratch`, streamed from `git archive` and each member checked: only
    the regular files asked for (a symlink, a link or a device is refused), within `budget`."""
    damaged: tarfile.TarError | None = None
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: git cannot block on a full stderr
        git = subprocess.Popen(
            ["git", "--literal-pathspecs", "-C", str(root), "archive", "--format=tar", commit, "--", *names],
            stdout=subprocess.PIPE,
            stderr=errors,
            stdin=subprocess.DEVNULL,
        )
        assert git.stdout is not None
        try:
            left = _untar(side, git.stdout, set(names), scratch, budget)
        except tarfile.TarError as error:  # git failed before writing (its message says why) or the stream broke
            damaged, left = error, set()
        except BaseException:  # refused: git need not write the rest
            git.kill()
            raise
        finally:
            git.stdout.close()
            git.wait()
        errors.seek(0)
        said = errors.read(4096).decode(errors="replace").strip()
    if git.returncode > 0:
        raise DiffError(
            f"{printable(side)}: a file named in datapackage.json is not in revision {commit[:12]} "
            f"({printable(said.splitlines()[0] if said else 'git archive failed')})"
        )
    if damaged is not None:
        raise DiffError(f"{printable(side)}: git archive wrote a damaged tar stream ({printable(str(damaged))})")
    if left:
        raise DiffError(
            f"{printable(side)}: {printable(sorted(left)[0])}, named in datapackage.json, is not a file of "
            f"revision {commit[:12]}"
        )


def _untar(side: str, stream: IO[bytes], names: set[str], scratch: Path, budget: Budget) -> set[str]:
    """The members of a tar stream that are among `names` into `scratch`; the names not met."""
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            name = member.name
            if member.isdir():
                continue  # the folders above a file asked for: nothing to write
            if problem := unsafe_path(name):
                raise DiffError(f"{printable(side)}: member {printable(name)} {problem}; refused")
            if not member.isreg():
                raise DiffError(
                    f"{printable(side)}: {printable(name)} is a symlink, a link or a device in the revision; refused"
                )
            if name not in names:
                raise DiffError(f"{printable(side)}: {printable(name)} is not a file asked for; refused")
            budget.spend(member.size, printable(name))
            source = tar.extractfile(member)
            assert source is not None  # a regular file has its bytes
            _copy(side, source, scratch / name, Budget(side, member.size), printable(name))
            names.discard(name)
    return names


def _export_revision(side: str, root: Path, scratch: Path) -> None:
    """The revision's datapackage.json, then the tables it names, into `scratch`."""
    commit = _commit(side, root)
    _export(side, root, commit, ["datapackage.json"], scratch, Budget(side, DESCRIPTOR_LIMIT))
    tables = _table_paths(checked_descriptor(side, (scratch / "datapackage.json").read_bytes()))
    if tables:
        _export(side, root, commit, tables, scratch, Budget(side, ARCHIVE_LIMIT))


def _package(side: str, root: Path, scratch: Path) -> Path:
    """The checked package folder of a side."""
    path = Path(side)
    if path.is_dir():
        _check_folder(side, path)
        return path
    if path.is_file():
        _extract_zip(side, path, scratch)
        return scratch
    if path.exists() or path.is_symlink():  # a FIFO or a device would block a read; a dangling link
        raise DiffError(f"{printable(side)}: neither a folder nor a regular file")
    _export_revision(side, root, scratch)
    return scratch


@contextmanager
def package_folder(side: str, root: Path):
    """The package folder of a side, checked: the folder itself, or the descriptor and the tables it names
    extracted from a release archive or exported from a git revision into a temporary folder, nothing else."""
    with tempfile.TemporaryDirectory(prefix="anso-diff-") as scratch:
        try:
            with _refusals():
                folder = _package(side, root, Path(scratch))
        except OSError as error:  # unreadable, a name too long: what the system says, not the path's content
            raise DiffError(f"{printable(side)}: cannot be read ({error.strerror or error})") from None
        yield folder


@dataclass
class Side:
    version: str
    schemas: dict[str, dict]  # table -> Table Schema
    rows: dict[str, dict[str, dict]]  # table -> key -> row


def _plain(value):
    """A value of a table as JSON can hold it."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def _schema(side: str, resource: dict) -> tuple[dict, list[str]]:
    """A table's schema and its primary key, checked for what compare reads."""
    schema = resource.get("schema")
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("type"), str) for f in fields
    ):
        raise DiffError(
            f"{printable(side)}: datapackage.json: resource {printable(resource['name'])} has no schema with "
            f"named and typed fields"
        )
    assert isinstance(schema, dict)
    if len(fields) > COLUMN_LIMIT:
        raise DiffError(
            f"{printable(side)}: datapackage.json: resource {printable(resource['name'])} has more than "
            f"{COLUMN_LIMIT} fields; refused"
        )
    key = schema.get("primaryKey")
    key = [key] if isinstance(key, str) else key
    names = {f["name"] for f in fields}
    if (
        not isinstance(key, list)
        or not key
        or not all(isinstance(k, str) and k in names for k in key)
        or len(set(key)) < len(key)
    ):
        raise DiffError(
            f"{printable(side)}: datapackage.json: resource {printable(resource['name'])} has no primary key "
            f"among its fields (each named once)"
        )
    return schema, key


def read_side(folder: Path, side: str = "") -> Side:
    """The schemas and rows of a checked package folder (see package_folder)."""
    side = side or str(folder)
    try:
        data = (folder / "datapackage.json").read_bytes()
    except OSError as error:
        raise DiffError(f"{printable(side)}: datapackage.json cannot be read ({error.strerror or error})") from None
    with _refusals():
        return _side(folder, side, checked_descriptor(side, data))


def _side(folder: Path, side: str, descriptor: dict) -> Side:
    schemas, rows = {}, {}
    # the budgets for all the side's tables together
    limits = Limits(ROW_LIMIT, Budget(side, DECODED_LIMIT), Budget(side, CELL_LIMIT, "cells (rows times columns)"))
    for resource in parquet_resources(descriptor):
        name = table_name(resource)
        schema, key = _schema(side, resource)
        fields = [f["name"] for f in schema["fields"]]
        table = read_table(folder, resource, limits, side, columns=fields, required=key)
        schemas[name] = schema
        rows[name] = {
            "|".join(str(row[k]) for k in key): {k: _plain(v) for k, v in row.items()}
            for row in _python_rows(side, resource, table)
        }
    return Side(descriptor.get("version", ""), schemas, rows)


def _python_rows(side: str, resource: dict, table) -> list[dict]:
    """A table's rows as Python values; a value Python cannot hold (a date past the year 9999) is refused."""
    try:
        return table.to_pylist()
    except (OverflowError, ValueError) as error:
        raise DiffError(
            f"{printable(side)}: {printable(resource['path'])} holds a value Python cannot read "
            f"({printable(str(error))})"
        ) from None


@contextmanager
def _refusals() -> Iterator[None]:
    """The package reader's refusals (build/package.py) as diff's."""
    try:
        yield
    except PackageError as error:
        raise DiffError(str(error)) from None
