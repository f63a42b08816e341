"""Where the project's files are, found without leaving the checkout: the fact files in data/, the seeds and
their catalogue in seeds/; a symbolic link is refused (code `symlink`), and its target neither read nor named."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from anso_facts.check.registry import emits
from anso_facts.model.problems import Problem, relative_name
from anso_facts.model.vocabularies import FILE as VOCABULARIES_FILE

CATALOGUE = Path("seeds/seeds.yaml")
DATA = Path("data")
VOCABULARIES = VOCABULARIES_FILE  # data/vocabularies.yaml: read as the catalogue is, before the fact files

LINK_FOLDERS = (DATA, CATALOGUE.parent, Path("docs"))  # where a symbolic link is refused (see `links`)


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry under `folder`, symbolic links included but never followed."""
    for parent, folders, files in os.walk(folder):
        yield from (Path(parent, name) for name in sorted(folders + files))


@emits("symlink")
def links(root: Path) -> list[Problem]:
    """A symbolic link in data/, seeds/ or docs/ (or one of those folders a link): refused, so that nothing
    outside the checkout is read or shown. Its target is neither followed nor named."""
    found = [root / folder for folder in LINK_FOLDERS if (root / folder).is_symlink()]
    found += [
        path
        for folder in LINK_FOLDERS
        if not (root / folder).is_symlink()
        for path in _walk(root / folder)
        if path.is_symlink()
    ]
    return [
        Problem(
            relative_name(path, root),
            1,
            1,
            "symlink",
            "is a symbolic link, which is not read: put the file itself here",
        )
        for path in found
    ]


def _plain_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def plain_file_inside(root: Path, name: Path) -> bool:
    """Whether ROOT/NAME is a plain file reached through no symbolic link: one that can be read without leaving
    the checkout."""
    path = root
    for part in name.parts:
        path = path / part
        if path.is_symlink():
            return False
    return path.is_file()


def data_files(root: Path) -> list[Path]:
    """Every plain file under data/, in path order: the fact files (.yaml) and any other (see unread_files);
    no symbolic link (see `links`)."""
    if (root / DATA).is_symlink():
        return []
    return sorted((p for p in _walk(root / DATA) if _plain_file(p)), key=lambda p: p.as_posix())


@emits("unread-file", "unnamed-seed")
def unread_files(root: Path, in_data: list[Path], named: set[str] | None) -> list[Problem]:
    """Files the check would silently pass over: in data/ (`in_data`, see data_files), anything but a .yaml
    fact file; in seeds/, a file not `named` by the catalogue (loader.seed_file_names: None when an entry of
    the catalogue failed its schema, as its file may be one of these and the entry's own problem is the real
    one)."""
    problems = []
    for path in in_data:
        if path.suffix != ".yaml":
            hint = "rename it to .yaml" if path.suffix == ".yml" else "only .yaml fact files belong in data/"
            problems.append(Problem(relative_name(path, root), 1, 1, "unread-file", f"this file is not read: {hint}"))
    if named is None:
        return problems
    for path in sorted((root / "seeds").iterdir()) if (root / "seeds").is_dir() else ():
        if path.name not in named and not path.is_symlink():
            problems.append(
                Problem(
                    relative_name(path, root),
                    1,
                    1,
                    "unnamed-seed",
                    "no seed in seeds/seeds.yaml names this file: add it to the catalogue, or remove it",
                )
            )
    return problems


def seed_files(root: Path) -> dict[str, bytes]:
    """Every file in seeds/ but the catalogue, by name, with its bytes."""
    folder = root / CATALOGUE.parent
    if not folder.is_dir() or folder.is_symlink():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if _plain_file(p) and p.name != CATALOGUE.name}
