"""The check's cache: what each fact file contributes (its ids and its compiled tables), kept in .anso-cache/.

An entry's key hashes everything the entry depends on:
- the file's name and bytes;
- the seed catalogue's bytes and every seed's id and bytes;
- the code: the bytes of every source file of this package (so also the model, the JSON Schemas made from it
  and the rules) and the versions of Python, libyaml and the libraries that parse, validate and compile.
An entry is only ever read under the key it was written with, so a change to any of these makes a new key,
never a stale hit. An entry that cannot be read is made again, and each check removes the entries it did not
ask for, so the folder holds about one entry per fact file.

Entries are pickles: like the code in this checkout, they are trusted; never copy a cache from elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path

FOLDER = Path(".anso-cache")
SUFFIX = ".pickle"
WRITTEN = "written.json"  # what the last build wrote of each table (see compile.write_tables)


LIBRARIES = ("pyarrow", "PyYAML", "jsonschema-rs", "jsonschema")


def code_digest() -> bytes:
    """A digest of the code that makes an entry: this package's sources and the libraries it relies on."""
    from importlib.metadata import version

    from yaml import _yaml

    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    versions = [sys.version, _yaml.get_version_string(), *(version(name) for name in LIBRARIES)]
    digest.update(json.dumps(versions).encode())
    return digest.digest()


def context_digest(catalogue_bytes: bytes, seed_bytes: dict[str, bytes | None], schemas: dict) -> bytes:
    """A digest of everything besides the file itself that a file's check depends on."""
    digest = hashlib.sha256(code_digest())
    digest.update(json.dumps(schemas, sort_keys=True).encode())
    digest.update(hashlib.sha256(catalogue_bytes).digest())
    for seed_id, data in sorted(seed_bytes.items()):
        digest.update(seed_id.encode() + b"\0" + (hashlib.sha256(data).digest() if data is not None else b"-"))
    return digest.digest()


class Cache:
    def __init__(self, root: Path, context: bytes):
        self.folder = root / FOLDER
        self.context = context
        self.asked: set[str] = set()

    def key(self, name: str, data: bytes) -> str:
        digest = hashlib.sha256(self.context)
        digest.update(name.encode() + b"\0" + data)
        key = digest.hexdigest()
        self.asked.add(key)
        return key

    def get(self, key: str, kind: type):
        """The entry under `key` if there is one that reads back as a `kind`, else None."""
        try:
            with open(self.folder / (key + SUFFIX), "rb") as stream:
                entry = pickle.load(stream)
        except Exception:  # missing, or unreadable: made again
            return None
        return entry if isinstance(entry, kind) else None

    def put(self, key: str, entry) -> None:
        self._write(key + SUFFIX, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))

    def last_written(self) -> dict:
        try:
            return json.loads((self.folder / WRITTEN).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def remember_written(self, written: dict) -> None:
        self._write(WRITTEN, json.dumps(written, indent=1).encode())

    def _write(self, name: str, data: bytes) -> None:
        """Write whole or not at all: a check stopped half-way leaves no broken entry."""
        self.folder.mkdir(exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=self.folder, prefix=".new-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(scratch, self.folder / name)

    def remove_unasked(self) -> None:
        """Remove every entry this check did not ask for: entries of old versions of files, or of old code."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name.endswith(SUFFIX) and path.name[:-len(SUFFIX)] not in self.asked:
                path.unlink(missing_ok=True)
