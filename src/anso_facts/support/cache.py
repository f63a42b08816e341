"""The cache of `check` and `build`: what each file contributes, and what the build makes across files, kept in
.anso-cache/.

An entry's key hashes everything the entry depends on:
- the file's name and bytes;
- the seed catalogue's bytes and every seed's id and bytes;
- the code: the bytes of every source file of this package (so also the model, the JSON Schemas made from it
  and the rules) and the versions of Python, libyaml and the libraries that parse, validate and compile.
An entry is only ever read under the key it was written with, so a change to any of these makes a new key,
never a stale hit. An entry that cannot be read is made again, and each check removes the entries it did not
ask for, so the folder holds about one entry per fact file (and one beside it per later stage that keeps its
own, such as the build's Arrow tables: see support/arrow_entry.py).

The check's entry is a pickle of plain Python values (no Arrow: the check never imports it). Like the code in
this checkout, entries are trusted: never copy a cache from elsewhere. A `.anso-cache` that is a symlink is
neither read nor written (it could lead outside the checkout).

The cache only saves time, so it never fails a command: an entry that cannot be written (a full disk, a folder
that cannot be written) is skipped without a word, the command's results are the same, and nothing half
written is left: each entry is written under a scratch name, renamed into place whole, and its scratch file is
removed on any failure. Several commands may use the cache at once: a reader sees an entry whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

from anso_facts.support.atomic import SCRATCH_SUFFIX, written_whole

Made = TypeVar("Made")

FOLDER = Path(".anso-cache")
SUFFIX = ".check"
TABLES_SUFFIX = ".tables"  # each file's Arrow tables, beside its check (support/arrow_entry.py)
BUILD_SUFFIX = ".build"  # the build's entries made across files (labels, free text), which a check never asks for
ENTRY_SUFFIXES = (SUFFIX, TABLES_SUFFIX, BUILD_SUFFIX)
WRITTEN = "written.json"  # what the last build wrote of each table (see build.write.write_tables)


LIBRARIES = ("yaml", "jsonschema_rs", "jsonschema", "pyarrow")  # what parses, validates, explains and compiles


def code_digest() -> bytes:
    """A digest of the code that makes an entry: this package's sources, Python's version, and each library
    it relies on, by the size and modification time of the file it is imported from (installing another
    version writes it anew). None of them is imported here, nor importlib.metadata: a check must start fast."""
    from importlib.util import find_spec

    package = Path(__file__).resolve().parent.parent  # anso_facts/, every subpackage
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in LIBRARIES:
        spec = find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        status = origin.stat() if origin else None
        digest.update(f"{name}:{origin}:{status and status.st_size}:{status and status.st_mtime_ns}\0".encode())
    return digest.digest()


def context_digest(
    catalogue_bytes: bytes | None, seed_files: dict[str, bytes], vocabularies_bytes: bytes | None
) -> bytes:
    """A digest of everything besides the file itself that a file's check depends on: the code, the
    vocabularies' bytes (the JSON Schemas are made from them and the code), the catalogue's bytes (None:
    missing) and every file in seeds/, by name."""
    digest = hashlib.sha256(code_digest())
    digest.update(hashlib.sha256(vocabularies_bytes).digest() if vocabularies_bytes is not None else b"-")
    digest.update(hashlib.sha256(catalogue_bytes).digest() if catalogue_bytes is not None else b"-")
    for name, data in sorted(seed_files.items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.digest()


class Cache:
    def __init__(self, root: Path, context: bytes):
        self.folder = root / FOLDER
        self.context = context
        self.asked: set[str] = set()
        self.asked_suffixes: set[str] = set()  # of the entries read or looked for
        self.usable = not self.folder.is_symlink()
        self.writable = self.usable  # until a write fails: the next ones would fail alike

    def key(self, name: str, data: bytes) -> str:
        digest = hashlib.sha256(self.context)
        digest.update(name.encode() + b"\0" + data)
        key = digest.hexdigest()
        self.asked.add(key)
        return key

    def path(self, key: str, suffix: str = SUFFIX) -> Path:
        return self.folder / (key + suffix)

    def get(self, key: str, suffix: str = SUFFIX):
        """The entry under `key`, or None if there is none that can be read."""
        self.asked_suffixes.add(suffix)
        if not self.usable:
            return None
        try:
            return pickle.loads(self.path(key, suffix).read_bytes())
        except Exception:  # missing, or unreadable: made again
            return None

    def put(self, key: str, entry, suffix: str = SUFFIX) -> None:
        self.write(key + suffix, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))

    def last_written(self) -> dict:
        if not self.usable:
            return {}
        try:
            return json.loads((self.folder / WRITTEN).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def remember_written(self, written: dict) -> None:
        self.write(WRITTEN, json.dumps(written, indent=1).encode())

    def write(self, name: str, *parts) -> None:
        """Write whole or not at all, and as a new file (a file read memory-mapped must not change under its
        reader): a check stopped half-way leaves no broken entry. `parts`: bytes-like objects. A write that
        fails is skipped (see the module's docstring), and so are the later ones."""
        if not self.writable:
            return
        try:
            self.folder.mkdir(exist_ok=True)
            with written_whole(self.folder / name) as stream:
                stream.writelines(parts)
        except OSError:
            self.writable = False

    def remove_unasked(self, by_build: bool = False) -> None:
        """Remove every entry this command did not ask for: entries of old versions of files, of old code, or in
        an old format. The build's own entries only `by_build`, and only if it asked for some: a check never asks
        for them, and a build that reused every table had no need to. (A file still being written may be another
        command's.)"""
        if not self.usable or not self.folder.is_dir():
            return
        keep_build_entries = not (by_build and BUILD_SUFFIX in self.asked_suffixes)
        for path in self.folder.iterdir():
            key, dot, suffix = path.name.partition(".")
            kept_whole = dot + suffix == BUILD_SUFFIX and keep_build_entries
            current = (key in self.asked or kept_whole) and dot + suffix in ENTRY_SUFFIXES
            if path.name != WRITTEN and not current and not path.name.endswith(SCRATCH_SUFFIX):
                with suppress(OSError):  # a folder that cannot be written: the entries stay, unused
                    path.unlink(missing_ok=True)


def kept(
    cache: Cache | None, name: str, data: Callable[[], bytes], make: Callable[[], Made], suffix: str = SUFFIX
) -> Made:
    """make(), kept in the cache under `name` and the bytes `data()` returns (everything it depends on besides
    the code and the seeds, which the cache's context holds); made and kept when not there, or without a cache."""
    if cache is None:
        return make()
    key = cache.key(name, data())
    found = cache.get(key, suffix)
    if found is not None:
        return found
    made = make()
    cache.put(key, made, suffix)
    return made
