"""anso-facts: hand-verified facts about international science cooperation around COVID-19, as a Frictionless
data package with provenance back to the lines of its source documents.

    >>> import anso_facts
    >>> anso_facts.tables()                 # the table names
    >>> anso_facts.load("organizations")    # a pandas DataFrame with typed columns
    >>> anso_facts.citations("org-cast")    # where a record's facts stand in the seeds, with the text
    >>> anso_facts.find("CAST")             # ['org-cast']: ids by id, name, acronym or alias
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

__version__ = "0.1.0"
__all__ = ["__version__", "citations", "data_root", "find", "load", "package", "tables"]

_HERE = Path(__file__).resolve().parent


def installed_root() -> Path:
    """Where a wheel puts the package's data: read it, never write to it."""
    return _HERE / "_package"


def data_root() -> Path:
    """The folder holding datapackage.json: inside the installed package (a wheel carries the tables in
    anso_facts/_package/), else the source checkout this module runs from."""
    for candidate in (installed_root(), _HERE.parent.parent):
        if (candidate / "datapackage.json").is_file():
            return candidate
    raise FileNotFoundError("no datapackage.json beside anso_facts: run `anso-facts build` in the checkout")


class PackageError(Exception):
    """A package that cannot be read or is refused: one from elsewhere is untrusted (it may name any file, or hold
    a zip bomb); the message names it and says why."""


def open_regular(path: Path, inside: Path | None = None) -> BinaryIO:
    """A regular file opened to read, never through a symbolic link (which could lead outside the folder) nor a
    FIFO or a device (which would block or never end): the one way the package opens a file it did not write.
    `inside`: the folder the path is in; no folder between it and the file may be a link either."""
    if inside is not None and _resolved(path) != _resolved(inside) / path.relative_to(inside):
        raise PackageError(f"{path.relative_to(inside)}: reached through a symbolic link; only regular files are read")
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        if os.path.islink(path):
            raise PackageError(f"{path.name}: a symbolic link; only regular files are read") from None
        raise
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):  # before fdopen, which refuses a folder its own way
        os.close(descriptor)
        raise PackageError(f"{path.name}: not a regular file; only regular files are read")
    return os.fdopen(descriptor, "rb")


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except RuntimeError:  # a loop of symbolic links
        raise PackageError(f"{path.name}: a loop of symbolic links; only regular files are read") from None


def read_regular(path: Path, inside: Path | None = None, limit: int | None = None) -> bytes:
    """The bytes of a regular file (see open_regular); refused past `limit` bytes."""
    with open_regular(path, inside) as file:
        data = file.read() if limit is None else file.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise PackageError(f"{path.name}: larger than {limit} bytes; refused")
    return data


def package(root: Path | None = None) -> dict:
    """The data package descriptor (datapackage.json) as a dict."""
    return json.loads(read_regular((root or data_root()) / "datapackage.json"))


def tables(root: Path | None = None) -> list[str]:
    """Names of the tables, in the package's order."""
    try:
        return [r["name"] for r in package(root)["resources"] if r["format"] == "csv"]
    except PackageError:
        raise
    except (ValueError, KeyError, TypeError, RecursionError) as error:
        raise PackageError(f"datapackage.json is not a data package of anso-facts ({error!r:.80})") from None


def load(table: str, root: Path | None = None):
    """One table as a pandas DataFrame: strings as pandas strings, integers as nullable Int64, booleans as
    nullable boolean, dates as datetime64 (see the NAME_precision column beside each date)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = root or data_root()
    if table not in tables(root):
        raise KeyError(f"no table {table!r}; the tables are: {', '.join(tables(root))}")
    path = root / "build" / "parquet" / f"{plain_name(table, 'a table')}.parquet"
    try:
        with open_regular(path, root) as file:
            arrow = pq.read_table(file)
    except (pa.ArrowException, OSError) as error:  # missing, damaged, not Parquet
        raise PackageError(f"build/parquet/{path.name} is not a readable Parquet table ({error})") from None
    types = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype(), pa.string(): pd.StringDtype()}
    return arrow.to_pandas(types_mapper=types.get, date_as_object=False)


def citations(record_id: str, root: Path | None = None):
    """A record's citations, each with the text of the lines it cites (column `text`)."""
    root = root or data_root()
    cites = load("citations", root)
    cites = cites[cites["record_id"] == record_id].reset_index(drop=True)
    files = seed_files(root)
    lines = {seed_id: seed_text(root, files[seed_id]).split("\n") for seed_id in set(cites["seed_id"])}
    cites["text"] = [
        "\n".join(lines[seed_id][first - 1 : last])
        for seed_id, first, last in zip(cites["seed_id"], cites["line_start"], cites["line_end"], strict=True)
    ]
    return cites


def seed_files(root: Path) -> dict[str, str]:
    """Each seed's file name in seeds/, by its id; a seeds table that names an id twice is refused."""
    seeds = load("seeds", root)
    if seeds["id"].duplicated().any():
        raise PackageError("the seeds table names a seed twice")
    return dict(zip(seeds["id"], seeds["file"], strict=True))


def seed_text(root: Path, file: str) -> str:
    """A seed's text, by the file name the package's seeds table gives: a plain name of a regular file in the
    package's seeds/, never a path (see read_regular)."""
    path = root / "seeds" / plain_name(file, "the seeds table's file")
    try:
        return read_regular(path, root).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:  # missing, not UTF-8
        raise PackageError(f"seeds/{path.name} is not a readable seed text ({error})") from None


def plain_name(name: str, what: str) -> str:
    """A name the package gives (a table's, a seed file's), refused unless it is a plain file name: no path."""
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,250}", name):
        raise PackageError(f"{what} {name!r:.80} is not a plain file name; refused")
    return name


def names(root: Path | None = None) -> list[tuple[str, str]]:
    """(name, record id) for every id, name, acronym and alias of a record, and every record's label."""
    root = root or data_root()
    records = load("records", root)
    found = [*zip(records["id"], records["id"], strict=True), *zip(records["label"], records["id"], strict=True)]
    for table in ("organizations", "people", "events", "resources", "agreements"):
        frame = load(table, root)
        for column in ("name", "acronym"):
            if column in frame:
                found += [
                    (name, record_id)
                    for name, record_id in zip(frame[column], frame["id"], strict=True)
                    if isinstance(name, str)
                ]
    aliases = load("aliases", root)
    found += list(zip(aliases["alias"], aliases["organization_id"], strict=True))
    return found


def find(text: str, root: Path | None = None) -> list[str]:
    """The ids of the records whose id, name, acronym, alias or label is `text` (case and spacing aside), in id
    order. If none is, LookupError says which names come nearest."""
    import difflib

    wanted = " ".join(text.split()).casefold()
    known = [(" ".join(name.split()).casefold(), record_id) for name, record_id in names(root)]
    found = sorted({record_id for name, record_id in known if name == wanted})
    if found:
        return found
    by_name = dict(known)
    near = difflib.get_close_matches(wanted, by_name, n=3, cutoff=0.6)
    hint = "; did you mean " + " or ".join(f"{name!r} ({by_name[name]})" for name in near) + "?" if near else ""
    raise LookupError(f"no record has the id, name, acronym or alias {text!r}{hint}")
