"""The site's folder: the marker that says `site` wrote it, the refusal of any other folder (SiteError, which also
refuses a value that cannot name a file of the site), and the swap that puts a new site where the old one was, so
that a reader sees the old site or the new one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from anso_facts import PackageError, open_regular
from anso_facts.support.atomic import NEW_FILE, swap_folder


class SiteError(Exception):
    """A folder the site will not write into, or a value that cannot name one of its files: refused input."""


# Written into every site: the mark of a folder `site` may replace whole. Any other folder that is not empty
# is refused, so that no --out, by mistake or by malice, deletes a file the command did not write.
MARKER = ".anso-facts-site"
MARKER_TEXT = (
    "This folder is a review site written by `anso-facts site`, which deletes it and writes it again "
    "each time it runs.\n"
)


def copy_checkout_file(root: Path, source: Path, target: Path) -> None:
    """Copy a file of the checkout into the site: a regular file only, never through a link (which could lead
    outside the checkout), and into a new file (never through a link, never by a hard link into the checkout)."""
    try:
        with open_regular(source) as reading, os.fdopen(os.open(target, NEW_FILE, 0o666), "wb") as writing:
            shutil.copyfileobj(reading, writing)
    except PackageError:
        where = source.relative_to(root).as_posix() if source.is_relative_to(root) else source.name
        raise SiteError(
            f"{where}: a symbolic link or not a regular file; the site publishes only the checkout's own files"
        ) from None


def copy_checkout_tree(root: Path, source: Path, target: Path) -> None:
    """Copy a folder of the checkout into the site, each file by copy_checkout_file: a link anywhere in it is
    refused, its target never read."""
    if source.is_symlink():
        copy_checkout_file(root, source, target)  # refused, named in the checkout
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(os.scandir(source), key=lambda entry: entry.name):
        if entry.is_dir(follow_symlinks=False):
            copy_checkout_tree(root, Path(entry.path), target / entry.name)
        else:
            copy_checkout_file(root, Path(entry.path), target / entry.name)


def scratch_folder(target: Path, kind: str) -> Path:
    """The folder beside `target` where its next version is written (partial), or the last one waits to be
    deleted (old)."""
    return target.with_name(f".{target.name}.{kind}")


def is_site(folder: Path) -> bool:
    """Whether `folder` is a folder (not a link to one) that `site` wrote: its marker is a file saying so."""
    marker = folder / MARKER
    try:
        if folder.is_symlink() or not folder.is_dir() or marker.is_symlink() or not marker.is_file():
            return False
        with marker.open("rb") as file:
            return file.read(len(MARKER_TEXT.encode()) + 1) == MARKER_TEXT.encode()
    except OSError:
        return False


def is_empty_folder(path: Path) -> bool:
    return not path.is_symlink() and path.is_dir() and next(path.iterdir(), None) is None


def refuse_unless_ours(target: Path, root: Path) -> None:
    """Refuse (SiteError) a target that is not a missing or empty folder or a site `site` wrote: a link, a
    file, a folder of something else, the checkout or a folder that holds it."""
    where = f"will not write the site into {target}"
    if target.is_symlink():
        raise SiteError(f"{where}: it is a symbolic link; give the folder itself")
    resolved, checkout = target.resolve(), root.resolve()
    if resolved == checkout or resolved in checkout.parents:
        raise SiteError(f"{where}: it holds the checkout {root}; give a folder of its own, such as {root / 'site'}")
    if target.exists() and not target.is_dir():
        raise SiteError(f"{where}: it is not a folder")
    if target.exists() and not is_empty_folder(target) and not is_site(target):
        raise SiteError(
            f"{where}: it is not empty and holds no {MARKER} (it is no site written by anso-facts); "
            f"give an empty or new folder"
        )


def remove_if_ours(path: Path, what: str) -> None:
    """Delete `path` if it is an empty folder or a site `site` wrote; refuse (SiteError) anything else there."""
    if not path.exists() and not path.is_symlink():
        return
    if is_empty_folder(path):
        path.rmdir()  # removes nothing else: fails if a file was added meanwhile
    elif is_site(path):
        shutil.rmtree(path)
    else:
        raise SiteError(f"{path} {what} and was not written by anso-facts site; move it away")


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder `new` where `target` is, in two renames: a reader sees the old site or the new one. Only
    an empty folder or a site is replaced, and only what was renamed from `target` is deleted."""
    old = scratch_folder(target, "old")
    if old.exists() or old.is_symlink():  # a rename onto an empty folder would replace it
        raise SiteError(f"{old} is in the way of the site's scratch folder; move it away")
    if is_empty_folder(target):
        target.rmdir()
    elif (target.exists() or target.is_symlink()) and not is_site(target):
        raise SiteError(f"will not replace {target}: it is no site written by anso-facts")
    swap_folder(new, target, old, ours=is_site)
