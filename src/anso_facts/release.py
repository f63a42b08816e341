"""The release archive: `anso-facts release` writes dist/anso-facts-<version>.zip.

The archive holds the data package (datapackage.json and build/), the seeds, the curated data and its schemas,
the documentation, the licences and a manifest (version, schema version, rows per table, sha256 of every file).
It is byte-reproducible: members in sorted order, one fixed timestamp, fixed permissions and compression.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pyarrow.parquet as pq

from . import __version__, load, tables

INCLUDED = ("datapackage.json", "build", "seeds", "data", "schemas", "docs", "README.md", "LICENSE",
            "LICENSE-DATA", "CITATION.cff", ".zenodo.json")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can store


def schema_version(version: str = __version__) -> str:
    """The schema changes incompatibly only with a new major version (see the README's version rules)."""
    return version.split(".")[0]


def _files(root: Path) -> list[str]:
    found = []
    for name in INCLUDED:
        path = root / name
        if path.is_dir():
            found += [p.relative_to(root).as_posix() for p in path.rglob("*") if p.is_file()]
        elif path.is_file():
            found.append(name)
        else:
            raise FileNotFoundError(f"{root / name} is missing: a release is made from a built checkout "
                                    f"(run `anso-facts build` there)")
    return sorted(found)


def seeds_rights(root: Path) -> str:
    seeds = load("seeds", root)
    lines = ["# Rights in the seed texts", "",
             "The seed texts in seeds/ are not covered by the dataset's licences. Each one's rights statement:", ""]
    for seed in seeds.itertuples():
        lines += [f"## {seed.id} (seeds/{seed.file})", "", f"Publisher: {seed.publisher}.", "", seed.rights, ""]
    return "\n".join(lines)


def manifest(root: Path, contents: dict[str, bytes]) -> dict:
    return {
        "name": "anso-facts",
        "version": __version__,
        "schema_version": schema_version(),
        "rows": {table: pq.read_metadata(root / "build" / "parquet" / f"{table}.parquet").num_rows
                 for table in tables(root)},
        "files": {name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in sorted(contents.items())},
    }


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # unix, whatever the machine
    archive.writestr(info, data, compresslevel=9)


def release(root: Path, dist: Path | None = None) -> Path:
    """Write the archive of the built package in `root`; return its path."""
    dist = dist or root / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    folder = f"anso-facts-{__version__}"
    contents = {name: (root / name).read_bytes() for name in _files(root)}
    contents["SEEDS-RIGHTS.md"] = seeds_rights(root).encode("utf-8")
    contents["manifest.json"] = (json.dumps(manifest(root, contents), indent=2) + "\n").encode("utf-8")
    target = dist / f"{folder}.zip"
    partial = target.with_suffix(".zip.partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(contents):
            _add(archive, f"{folder}/{name}", contents[name])
    partial.replace(target)  # never a half-written archive under the final name
    return target
