"""The check's cache: what each fact file contributes (its ids and its compiled tables), kept in .anso-cache/.

An entry's key hashes everything the entry depends on:
- the file's name and bytes;
- the seed catalogue's bytes and every seed's id and bytes;
- the code: the bytes of every source file of this package (so also the model, the JSON Schemas made from it
  and the rules) and the versions of Python, libyaml and the libraries that parse, validate and compile.
An entry is only ever read under the key it was written with, so a change to any of these makes a new key,
never a stale hit. An entry that cannot be read is made again, and each check removes the entries it did not
ask for, so the folder holds about one entry per fact file.

An entry is a pickle, with the Arrow tables it holds written after it as Arrow IPC streams; they are read
back memory-mapped, in place. Like the code in this checkout, entries are trusted: never copy a cache from
elsewhere.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import struct
import sys
import tempfile
from pathlib import Path

import pyarrow as pa

FOLDER = Path(".anso-cache")
SUFFIX = ".entry"
ALIGNMENT = 64  # of each part of an entry's file: Arrow reads its buffers in place when they are aligned
WRITTEN = "written.json"  # what the last build wrote of each table (see compile.write_tables)
SCRATCH = ".new-"  # a file being written, to be renamed into place


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


def context_digest(catalogue_bytes: bytes | None, seed_bytes: dict[str, bytes | None], schemas: dict) -> bytes:
    """A digest of everything besides the file itself that a file's check depends on (None: a missing file)."""
    digest = hashlib.sha256(code_digest())
    digest.update(json.dumps(schemas, sort_keys=True).encode())
    for name, data in [("", catalogue_bytes), *sorted(seed_bytes.items())]:
        digest.update(name.encode() + b"\0" + (hashlib.sha256(data).digest() if data is not None else b"-"))
    return digest.digest()


def _table_from_stream(data) -> pa.Table:
    return pa.ipc.open_stream(data).read_all()


class _EntryPickler(pickle.Pickler):
    """Pickles each Arrow table as an Arrow IPC stream, out of band (see encode)."""

    def reducer_override(self, obj):
        if not isinstance(obj, pa.Table):
            return NotImplemented
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, obj.schema) as writer:
            writer.write_table(obj)
        return _table_from_stream, (pickle.PickleBuffer(sink.getvalue()),)


def _aligned(size: int) -> int:
    return size + -size % ALIGNMENT


def encode(entry) -> list:
    """An entry as the parts of its file: the number of parts after this one and their sizes, the pickle,
    then the Arrow IPC streams of its tables; each part starts at a multiple of ALIGNMENT bytes."""
    head, streams = io.BytesIO(), []
    _EntryPickler(head, protocol=5, buffer_callback=streams.append).dump(entry)
    parts = [head.getbuffer(), *(stream.raw() for stream in streams)]
    parts.insert(0, struct.pack(f"<{len(parts) + 1}Q", len(parts), *(part.nbytes for part in parts)))
    return [piece for part in parts for piece in (part, bytes(_aligned(len(part)) - len(part)))]


def decode(data: memoryview):
    """An entry from the bytes of its file (a memory map: its tables are read in place, not copied)."""
    (count,) = struct.unpack_from("<Q", data)
    sizes = struct.unpack_from(f"<{count}Q", data, 8)
    parts, start = [], _aligned(8 * (count + 1))
    for size in sizes:
        if start + size > len(data):
            raise ValueError("the entry is cut short")
        parts.append(data[start:start + size])
        start = _aligned(start + size)
    return pickle.loads(parts[0], buffers=parts[1:])


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
            # Arrow's memory map closes its file at once and keeps the mapping while a table uses it (Python's
            # mmap would hold a file descriptor per entry)
            with pa.memory_map(str(self.folder / (key + SUFFIX))) as source:
                entry = decode(memoryview(source.read_buffer()))
        except Exception:  # missing, or unreadable: made again
            return None
        return entry if isinstance(entry, kind) else None

    def put(self, key: str, entry) -> None:
        self._write(key + SUFFIX, *encode(entry))

    def last_written(self) -> dict:
        try:
            return json.loads((self.folder / WRITTEN).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def remember_written(self, written: dict) -> None:
        self._write(WRITTEN, json.dumps(written, indent=1).encode())

    def _write(self, name: str, *parts: bytes) -> None:
        """Write whole or not at all, and as a new file (a file read memory-mapped must not change under its
        reader): a check stopped half-way leaves no broken entry."""
        self.folder.mkdir(exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=self.folder, prefix=SCRATCH)
        with os.fdopen(handle, "wb") as stream:
            stream.writelines(parts)
        os.replace(scratch, self.folder / name)

    def remove_unasked(self) -> None:
        """Remove every entry this check did not ask for: entries of old versions of files, of old code, or in
        an old format. (A file still being written may be another check's.)"""
        if not self.folder.is_dir():
            return
        keep = {WRITTEN, *(key + SUFFIX for key in self.asked)}
        for path in self.folder.iterdir():
            if path.name not in keep and not path.name.startswith(SCRATCH):
                path.unlink(missing_ok=True)
