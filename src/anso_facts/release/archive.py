"""The release archive: `anso-facts release` writes dist/anso-facts-<version>.zip.

The archive holds the data package (datapackage.json and build/), the same tables as one SQLite database, the
seeds, the curated data and its schemas, the documentation, the licences, the dataset card as its README.md
(build/card.py), the DataCite record (datacite.xml), the versions index (versions.json), a manifest (version, schema
version, DOI, rows per table, sha256 of every file) and an RO-Crate (ro-crate-metadata.json, ro_crate.py). It
is byte-reproducible: members in sorted order, one fixed timestamp, fixed permissions and compression.

It packs only regular files of the checkout: a symbolic link among them (which could lead outside the checkout)
or a special file is refused by its name, its target never read; the archive is written whole or not at all.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from anso_facts import PackageError, __version__, read_regular
from anso_facts.build.database import FILE_NAME as DATABASE
from anso_facts.build.database import package_database
from anso_facts.build.outputs import CARD, DATACITE, RELEASED
from anso_facts.build.package import read_tables, row_counts, temporal_coverage, untrusted_row_counts
from anso_facts.check.project import RELEASES, released_versions
from anso_facts.model.metadata import METADATA, citation_cff, concept_doi, doi
from anso_facts.release.diff import STEPS, diff, required_step, version_step, version_tuple
from anso_facts.release.ro_crate import NAME as RO_CRATE
from anso_facts.release.ro_crate import ro_crate
from anso_facts.support.atomic import scratch_beside, swap_folder, write_whole

# The sources a release packs besides what the build writes (outputs.py). The developers' README.md is not
# packed: the archive's README.md is the dataset card (build/DATASET.md)
PACKED_SOURCES = ("seeds", "data", "docs", "LICENSE", "LICENSE-DATA")
INCLUDED = PACKED_SOURCES + tuple(path for path in RELEASED if path.split("/")[0] not in PACKED_SOURCES)
VERSIONS = "versions.json"
CHANGELOG = "CHANGELOG.md"
RECORD = "release.json"  # in releases/VERSION/: the archive's name and sha256
KEPT_LIMIT = 64 << 20  # bytes of a kept release's release.json or datapackage.json (a real one: tens of kilobytes)
NOTES = Path("docs") / "changes"  # an optional curator's note for a version: docs/changes/VERSION.md
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can store


def archive_name(version: str = __version__) -> str:
    """The release archive's file name, in dist/ and in versions.json; its members are under its stem."""
    return f"anso-facts-{version}.zip"


def schema_version(version: str = __version__) -> str:
    """The schema changes incompatibly only with a new major version (see the README's version rules)."""
    return version.split(".")[0]


def _refuse_link(root: Path, path: Path) -> None:
    """A symlink among the files a release packs could lead outside the checkout: every one is refused, by its
    name in the checkout, its target neither read nor shown."""
    raise ReleaseError(
        f"{path.relative_to(root).as_posix()}: a symbolic link; a release packs only the "
        f"checkout's regular files (a link could lead outside it), so nothing was written"
    )


def _walk(root: Path, folder: Path) -> list[str]:
    """The files under `folder`, links not followed: a symlink or a special file (a FIFO would block the
    read) anywhere below is refused."""
    found = []
    for parent, folders, files in os.walk(folder, onerror=_raise):
        for name in sorted(folders + files):
            path = Path(parent) / name
            if path.is_symlink():
                _refuse_link(root, path)
            if name in files and not path.is_file():
                raise ReleaseError(f"{path.relative_to(root).as_posix()}: not a regular file; refused")
            if name in files:
                found.append(path.relative_to(root).as_posix())
    return found


def _raise(error: OSError) -> None:
    raise error


def _files(root: Path) -> list[str]:
    """The checkout's files the release packs, each a regular file inside the checkout (see _walk)."""
    found = []
    for name in (*INCLUDED, CHANGELOG):
        path = root / name
        if path.is_symlink():
            _refuse_link(root, path)
        if path.is_dir():
            found += _walk(root, path)
        elif path.is_file():
            found.append(name)
        elif path.exists():
            raise ReleaseError(f"{name}: not a regular file or a folder; refused")
        elif name != CHANGELOG:  # made by the first release
            raise FileNotFoundError(
                f"{root / name} is missing: a release is made from a built checkout (run `anso-facts build` there)"
            )
    return sorted(name for name in found if name != CHANGELOG)


def _read(root: Path, name: str) -> bytes:
    """A packed file's bytes; never through a link: a file swapped for one since _files looked is refused."""
    try:
        return read_regular(root / name)
    except PackageError:
        raise ReleaseError(f"{name}: a symbolic link or not a regular file; refused") from None


def seeds_rights(root: Path) -> str:
    seeds = read_tables(root, ["seeds"])["seeds"].to_pylist()
    lines = [
        "# Rights in the seed texts",
        "",
        "The seed texts in seeds/ are not covered by the dataset's licences. Each one's rights statement:",
        "",
    ]
    for seed in seeds:
        lines += [
            f"## {seed['id']} (seeds/{seed['file']})",
            "",
            f"Publisher: {seed['publisher']}.",
            "",
            seed["rights"],
            "",
        ]
    return "\n".join(lines)


def database_bytes(root: Path) -> bytes:
    """The built package as a SQLite file (see database.py)."""
    with tempfile.TemporaryDirectory() as scratch:
        return package_database(root, Path(scratch) / DATABASE).read_bytes()


def manifest(root: Path, contents: dict[str, bytes]) -> dict:
    return {
        "name": "anso-facts",
        "version": __version__,
        "schema_version": schema_version(),
        **({"doi": doi()} if doi() else {}),
        **({"concept_doi": concept_doi()} if concept_doi() else {}),
        **({"temporal_coverage": coverage} if (coverage := temporal_coverage(root)) else {}),
        "rows": row_counts(root),
        "files": {
            name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in sorted(contents.items())
        },
    }


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # unix, whatever the machine
    archive.writestr(info, data, compresslevel=9)


class ReleaseError(Exception):
    """A release that must not be made: its version does not step as far as its changes need, or a file it would
    pack is a symlink or not a regular file."""


def previous_release(root: Path) -> str | None:
    """The folder of the newest release older than this version (releases/VERSION/), if any."""
    older = [version for version in released_versions(root) if version_tuple(version) < version_tuple(__version__)]
    return str(root / RELEASES / older[-1]) if older else None


def _tagged_record(root: Path, version: str) -> bytes | None:
    """releases/VERSION/release.json as the tag vVERSION has it; b"" if the tag has none; None if no such tag."""
    tag = f"refs/tags/v{version}"
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "--end-of-options", tag],
        capture_output=True,
        text=True,
    )
    if found.returncode:
        return None
    shown = subprocess.run(
        ["git", "-C", str(root), "show", f"{found.stdout.strip()}:{RELEASES}/{version}/{RECORD}"], capture_output=True
    )
    return shown.stdout if shown.returncode == 0 else b""


def refuse_rewritten_version(root: Path, sha256: str) -> None:
    """A version is written once: refuse an archive for a version that an earlier release (releases/VERSION/)
    or a tag vVERSION names with other content. The same sources give the same bytes, so a release made again
    from them (as the release workflow does on the tag) passes."""
    kept = root / RELEASES / __version__ / RECORD
    records = [
        ("releases/" + __version__, kept.read_bytes() if kept.is_file() and not kept.is_symlink() else None),
        (f"the tag v{__version__}", _tagged_record(root, __version__)),
    ]
    for where, record in records:
        if record is None:
            continue
        try:
            other = json.loads(record)["sha256"] if record else None
        except (ValueError, KeyError, TypeError):
            other = None
        if other != sha256:
            raise ReleaseError(
                f"version {__version__} was released already ({where}) with other content; a version "
                f"is written once: raise __version__ in src/anso_facts/__init__.py"
            )


def keep_release(root: Path, archive: str, sha256: str) -> Path:
    """Keep the package as released in releases/VERSION/ (datapackage.json and build/), with release.json (the
    archive's name and sha256): committed with the release, it is what later checks hold every published id
    to, and what the next release is compared with. Written whole or not at all."""
    folder = root / RELEASES / __version__
    partial = scratch_beside(folder)
    partial.mkdir(parents=True)
    try:
        for name in ["datapackage.json", *(f for f in _walk(root, root / "build"))]:
            (partial / name).parent.mkdir(parents=True, exist_ok=True)
            (partial / name).write_bytes(_read(root, name))
        record = {
            "version": __version__,
            "date_released": METADATA["date_released"],
            "archive": archive,
            "sha256": sha256,
            **({"doi": doi()} if doi() else {}),
            **({"concept_doi": concept_doi()} if concept_doi() else {}),
        }
        (partial / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        swap_folder(partial, folder, scratch_beside(folder))
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def changes(root: Path, previous: str | None) -> dict:
    """The diff against the previous release (a folder, archive or tag), refused if the version does not step
    as far as it needs (see diff.required_step)."""
    if previous is None:
        return {"old_version": None, "new_version": __version__, "first_release": True}
    found = diff(previous, str(root), root)
    if not re.fullmatch(r"\d+\.\d+\.\d+", found.old_version):
        raise ReleaseError(f"{previous}: its datapackage.json has no version MAJOR.MINOR.PATCH to compare with")
    needed, made = required_step(found), version_step(found.old_version, __version__)
    if needed and (made is None or STEPS.index(made) < STEPS.index(needed)):
        raise ReleaseError(
            f"the changes since {found.old_version} need a {needed} version step, but the version "
            f"goes from {found.old_version} to {__version__}: raise __version__ in "
            f"src/anso_facts/__init__.py (and date_released in metadata.py)"
        )
    return found.as_dict()


def _summary(changed: dict) -> str:
    if changed.get("first_release"):
        return "First release."
    parts = [
        f"{name}: {len(t['added'])} added, {len(t['removed'])} removed, {len(t['changed'])} changed"
        for name, t in changed["tables"].items()
    ]
    schema = [f"{title.replace('_', ' ')}: {', '.join(items)}" for title, items in changed["schema"].items() if items]
    body = "; ".join(schema + parts) or "no change to the data"
    return f"Changes from {changed['old_version']} (`changes.json` in the archive lists each): {body}."


def changelog(root: Path, changed: dict) -> str:
    """CHANGELOG.md with this version's section made anew (the curator's note from docs/changes/VERSION.md
    first, if there is one), the other versions' sections kept."""
    path = root / CHANGELOG
    text = (
        path.read_text(encoding="utf-8")
        if path.is_file()
        else (
            "# Changelog\n\nGenerated by `anso-facts release`, a section per version, newest first. A curator's note "
            "for a version goes in `docs/changes/VERSION.md`.\n"
        )
    )
    marker = f"<!-- version {__version__} -->"
    note_path = root / NOTES / f"{__version__}.md"
    note = note_path.read_text(encoding="utf-8").strip() + "\n\n" if note_path.is_file() else ""
    section = f"{marker}\n## {__version__} ({METADATA['date_released']})\n\n{note}{_summary(changed)}\n"
    sections = re.split(r"(?=<!-- version )", text)
    head, kept = sections[0], [part for part in sections[1:] if not part.startswith(marker)]
    return head.rstrip("\n") + "\n\n" + "\n".join([section, *kept]).rstrip("\n") + "\n"


def release(root: Path, dist: Path | None = None, previous: str | None = None) -> Path:
    """Write the archive of the built package in `root`, and its section of CHANGELOG.md; return the archive's
    path; keep the package as released in releases/VERSION/. `previous`: the release to compare with (default:
    the newest older one in releases/)."""
    files = _files(root)  # first: nothing is read before every packed file is known to be a regular one
    if dist is None and (root / "dist").is_symlink():  # the archive would be written wherever it leads
        raise ReleaseError("dist: a symbolic link; the release writes only into a real folder (or pass --dist)")
    for kept in (RELEASES, f"{RELEASES}/{__version__}"):  # the package as released would be kept wherever it leads
        if (root / kept).is_symlink():
            raise ReleaseError(f"{kept}: a symbolic link; the release keeps its package only in a real folder")
    if _read(root, "CITATION.cff").decode("utf-8", "replace") != citation_cff():
        raise ReleaseError(
            "the DOI record or the metadata changed since the last build (CITATION.cff is not what "
            "metadata.py makes now): run `anso-facts build`, then release"
        )
    changed = changes(root, previous or previous_release(root))
    name = archive_name()
    contents = {name: _read(root, name) for name in files}
    contents["README.md"] = _read(root, CARD.as_posix())  # the dataset card
    contents["datacite.xml"] = _read(root, DATACITE.as_posix())
    contents[CHANGELOG] = changelog(root, changed).encode("utf-8")
    contents["SEEDS-RIGHTS.md"] = seeds_rights(root).encode("utf-8")
    contents[DATABASE] = database_bytes(root)
    contents["changes.json"] = (json.dumps(changed, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    contents[VERSIONS] = (json.dumps(versions_index(root, current=True), indent=2) + "\n").encode("utf-8")
    contents["manifest.json"] = (json.dumps(manifest(root, contents), indent=2) + "\n").encode("utf-8")
    contents[RO_CRATE] = (
        json.dumps(ro_crate(contents, temporal_coverage(root)), indent=1, ensure_ascii=False) + "\n"
    ).encode("utf-8")
    packed = _pack(name.removesuffix(".zip"), contents)
    sha256 = hashlib.sha256(packed).hexdigest()
    refuse_rewritten_version(root, sha256)
    dist = dist or root / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    target = dist / name
    write_whole(target, packed)
    write_whole(root / CHANGELOG, contents[CHANGELOG])
    keep_release(root, target.name, sha256)
    return target


def _pack(folder: str, contents: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(contents):
            _add(archive, f"{folder}/{name}", contents[name])
    return buffer.getvalue()


def _kept_entry(version: str, folder: Path) -> dict[str, Any] | None:
    """A released version's entry, from its release.json and the package kept beside it; None where that record
    is unreadable or names another version (such a folder is passed over)."""
    try:  # read as untrusted: a link, a FIFO, a huge file or a descriptor naming files outside is passed over
        record = json.loads(read_regular(folder / RECORD, folder, KEPT_LIMIT))
        rows = untrusted_row_counts(folder, KEPT_LIMIT)
    except (OSError, ValueError, RecursionError, PackageError):
        return None
    if not isinstance(record, dict) or record.get("version") != version:
        return None
    return {
        "version": version,
        "date_released": _text(record, "date_released"),
        "schema_version": schema_version(version),
        "doi": _text(record, "doi"),
        "concept_doi": _text(record, "concept_doi"),
        "archive": _text(record, "archive"),
        "sha256": _text(record, "sha256"),
        "rows": rows,
    }


def _text(record: dict, name: str) -> str | None:
    """A field of a release.json as text; None if it is missing or anything else (a number, a list: the file is
    in the checkout, and what it holds is not trusted)."""
    value = record.get(name)
    return value if isinstance(value, str) else None


def _current_entry(root: Path) -> dict[str, Any]:
    """This checkout's version, from its build; no sha256, as an archive cannot hold its own."""
    return {
        "version": __version__,
        "date_released": METADATA["date_released"],
        "schema_version": schema_version(),
        "doi": doi(),
        "concept_doi": concept_doi(),
        "archive": archive_name(),
        "sha256": None,
        "rows": row_counts(root),
    }


def versions_index(root: Path, current: bool = False) -> dict:
    """versions.json: every released version (releases/VERSION/release.json and the package kept beside it),
    newest first, each with its date, schema version, DOI and concept DOI when known, archive name and sha256,
    and rows per table; `newest` names the newest. With `current` (for the archive being made), this checkout's
    version is listed from its build instead of from releases/: the archive cannot hold its own sha256, so its
    entry has none, and a release made again from the same sources gives the same bytes."""
    kept = (_kept_entry(version, root / RELEASES / version) for version in released_versions(root))
    entries = [entry for entry in kept if entry is not None]
    if current:  # the same whether or not this version's release was kept before: a release is reproducible
        entries = [entry for entry in entries if entry["version"] != __version__]
        entries.append(_current_entry(root))
    entries.sort(key=lambda entry: version_tuple(entry["version"]), reverse=True)
    for index, entry in enumerate(entries):
        entry["newest"] = index == 0
    return {"name": METADATA["name"], "newest": entries[0]["version"] if entries else None, "versions": entries}
