"""The cache entry of a file's Arrow tables: a pickle, then each Arrow table as an IPC stream, each part aligned,
read back memory-mapped so that the tables are read in place (docs/performance.md, "The rebuild": reading the
99 entries went from 0.08 s to 0.04 s against pickled tables)."""

from __future__ import annotations

import io
import pickle
import struct
from pathlib import Path

import pyarrow as pa

ALIGNMENT = 64  # of each part of an entry's file: Arrow reads its buffers in place when they are aligned


def ipc_bytes(table: pa.Table) -> pa.Buffer:
    """A table as one Arrow IPC stream: what the cache keeps of it, and what a digest of its values is of (equal
    bytes, equal values)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _table_from_stream(data) -> pa.Table:
    return pa.ipc.open_stream(data).read_all()


class _EntryPickler(pickle.Pickler):
    """Pickles each Arrow table as an Arrow IPC stream, out of band (see encode)."""

    def reducer_override(self, obj):
        if not isinstance(obj, pa.Table):
            return NotImplemented
        return _table_from_stream, (pickle.PickleBuffer(ipc_bytes(obj)),)


def _aligned(size: int) -> int:
    return size + -size % ALIGNMENT


def encode(entry) -> list:
    """An entry as the parts of its file: the number of parts after this one and their sizes, the pickle,
    then the Arrow IPC streams of its tables; each part starts at a multiple of ALIGNMENT bytes."""
    head, streams = io.BytesIO(), []  # type: tuple[io.BytesIO, list[pickle.PickleBuffer]]
    _EntryPickler(head, protocol=5, buffer_callback=streams.append).dump(entry)
    parts: list = [head.getbuffer(), *(stream.raw() for stream in streams)]
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
        parts.append(data[start : start + size])
        start = _aligned(start + size)
    return pickle.loads(parts[0], buffers=parts[1:])


def read_entry(path: Path):
    """The entry in the file `path`, or None if it is missing or cannot be read (then made again)."""
    try:
        # Arrow's memory map closes its file at once and keeps the mapping while a table uses it (Python's mmap
        # would hold a file descriptor per entry)
        with pa.memory_map(str(path)) as source:
            return decode(memoryview(source.read_buffer()))
    except Exception:
        return None
