"""The write stage's last step: every output moved into place at once, recoverably.

The new outputs are written aside first (write.py). A small journal then says which folder holds them and
where the old ones go; each output is moved in one rename at a time. A process stopped between two renames
leaves the journal behind, and the next command of any kind calls `recover`, which finishes the swap, so that
no reader sees a mixed package. Nothing here imports pyarrow: every command in a checkout calls `recover`.

`recover` acts only while it holds the checkout's lock (lock.py): a live writer's scratch folders are its own.
The journal is a file in the checkout, so it is read as untrusted: it may only name the swap's own scratch
folders, plain names directly in the root, and what it would move into place may hold no symbolic link nor
special file (one moved in could lead outside the checkout)."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from anso_facts.build.outputs import PATHS
from anso_facts.support import lock
from anso_facts.support.atomic import SCRATCH_SUFFIX, write_whole

OUTPUTS = PATHS  # what the build writes (outputs.py), each replaced whole


def output_files(root: Path) -> dict[str, bytes]:
    """Every file the build wrote under `root`, by path: what two builds are compared by."""
    out: dict[str, bytes] = {}
    for name in OUTPUTS:
        paths = [root / name] if (root / name).is_file() else sorted((root / name).rglob("*"))
        out |= {p.relative_to(root).as_posix(): p.read_bytes() for p in paths if p.is_file()}
    return out


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


JOURNAL = ".anso-swap.json"  # present only while a build moves its outputs into place
SCRATCH_PREFIXES = (".build-", ".old-")
JOURNAL_LIMIT = 4096  # bytes; the journal holds two short names
# The names tempfile.mkdtemp gives the new outputs' folder and the old ones' (its letters: a-z, 0-9 and _)
JOURNAL_NAMES = {"new": re.compile(r"\.build-[a-z0-9_]{1,64}"), "old": re.compile(r"\.old-[a-z0-9_]{1,64}")}


def _rename(source: Path, target: Path) -> None:
    """Every move of the swap goes through here (a test stops the process at each one)."""
    os.replace(source, target)


def _write_journal(root: Path, out: Path, trash: Path) -> None:
    write_whole(root / JOURNAL, json.dumps({"new": out.name, "old": trash.name}))


def _journal_scratch(root: Path) -> list[Path]:
    """A journal's scratch files that a stopped build left (atomic.scratch_beside names them)."""
    return [
        path for path in root.iterdir() if path.name.startswith(f".{JOURNAL}.") and path.name.endswith(SCRATCH_SUFFIX)
    ]


def _move_in(root: Path, out: Path, trash: Path, name: str) -> None:
    """Put the new version of one output in place, the old one aside; safe to repeat after a stop."""
    target, old, new = root / name, trash / name.replace("/", "_"), out / name
    if not new.exists():
        return  # moved in already
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # not yet moved aside (a stop between the two moves leaves no target)
        _rename(target, old)
    _rename(new, target)


def swap_into_place(out: Path, root: Path) -> None:
    """Replace each output in `root` by its new version in `out`. A journal says what is being done, so that a
    process stopped half-way is finished by the next command (see `recover`); a failure while moving puts the
    old outputs back."""
    trash = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
    try:
        _write_journal(root, out, trash)
        for name in OUTPUTS:
            _move_in(root, out, trash, name)
    except OSError:
        for name in reversed(OUTPUTS):  # put back what was there
            old = trash / name.replace("/", "_")
            if old.exists():
                _remove(root / name)
                os.replace(old, root / name)
        (root / JOURNAL).unlink(missing_ok=True)
        shutil.rmtree(trash, ignore_errors=True)
        raise
    (root / JOURNAL).unlink()
    shutil.rmtree(trash, ignore_errors=True)


def _real_folder(path: Path) -> bool:
    """A folder itself, not a symlink to one (which could lead outside the root)."""
    return path.is_dir() and not path.is_symlink()


def _read_journal(journal: Path) -> tuple[Path, Path] | None:
    """The new outputs' folder and the old ones' that the journal names, or None (after one line on stderr)
    unless both are scratch folders of the swap, directly in the root. The journal itself is never followed
    through a symlink."""
    root = journal.parent
    try:
        descriptor = os.open(journal, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(descriptor, "rb") as stream:
            data = stream.read(JOURNAL_LIMIT + 1)
        if len(data) > JOURNAL_LIMIT:
            raise ValueError("not a journal of this package")
        state = json.loads(data)
        names = [state[key] for key in JOURNAL_NAMES] if isinstance(state, dict) else []
    except (OSError, ValueError, KeyError):
        names = []
    valid = len(names) == 2 and all(
        isinstance(name, str) and pattern.fullmatch(name)
        for name, pattern in zip(names, JOURNAL_NAMES.values(), strict=True)
    )
    if valid and all(_real_folder(root / name) for name in names):
        return root / names[0], root / names[1]
    print(
        f"anso-facts: ignored {JOURNAL}: it does not name two scratch folders of a build in {root}; "
        f"nothing it names was touched",
        file=sys.stderr,
    )
    return None


def recover(root: Path) -> None:
    """Finish a swap that a stopped build left half done (its new outputs were all written before the journal
    was), and remove what stopped builds left behind, so that a reader never sees a mixed package. Does nothing
    while another command holds the checkout's lock: what is there is its work in progress."""
    with lock.unless_busy(root, "recover") as free:
        if free:
            _recover(root)


def _refusal(root: Path, out: Path, trash: Path) -> str | None:
    """Why the folders a journal names are not to be moved into place (a forged journal's, or one in a folder
    from elsewhere), or None."""
    linked = _linked_outputs(root, out)
    if linked:
        return f"the outputs it would move into {root} hold a symbolic link or a special file ({', '.join(linked)})"
    odd = _unlike_a_stopped_swap(root, out, trash)
    if odd:
        return f"its folders are not those of a stopped build ({', '.join(odd)})"
    return None


def _unlike_a_stopped_swap(root: Path, out: Path, trash: Path) -> list[str]:
    """What no stopped swap leaves: a name in the folders that is not an output's, or an output at once in
    place, moved aside and still new (each is moved aside, then its new version in: never all three)."""
    odd = sorted({path.name for path in out.iterdir()} - {name.split("/")[0] for name in OUTPUTS})
    odd += sorted({path.name for path in trash.iterdir()} - {name.replace("/", "_") for name in OUTPUTS})
    for name in OUTPUTS:
        places = (root / name, trash / name.replace("/", "_"), out / name)
        if all(place.exists() or place.is_symlink() for place in places):
            odd.append(name)
    return odd


def _linked_outputs(root: Path, out: Path) -> list[str]:
    """The new outputs in `out` (or their places in `root`) reached through a symbolic link or holding one or a
    special file: a journal's folder is read as untrusted, and a link moved into place could lead outside."""
    return [name for name in OUTPUTS if not (_plain(out, name) and _plain(root, name))]


def _plain(base: Path, name: str) -> bool:
    """`base/name` is reached through no symbolic link and is absent, a regular file or a folder of nothing else."""
    path = base
    for part in name.split("/"):
        path = path / part
        if path.is_symlink():
            return False
    if not path.is_dir():
        return path.is_file() or not path.exists()
    for parent, folders, files in os.walk(path):
        for entry in (Path(parent) / name for name in folders + files):
            if entry.is_symlink() or not (entry.is_dir() or entry.is_file()):
                return False
    return True


def _recover(root: Path) -> None:
    journal = root / JOURNAL
    if journal.is_file() or journal.is_symlink():
        folders = _read_journal(journal)
        refusal = _refusal(root, *folders) if folders is not None else None
        if refusal:
            print(
                f"anso-facts: ignored {JOURNAL}: {refusal}; nothing was moved into place, and its scratch "
                f"folders are removed",
                file=sys.stderr,
            )
            folders = None
        if folders is not None:
            out, trash = folders
            for name in OUTPUTS:
                _move_in(root, out, trash, name)
        journal.unlink()
    for scratch in _journal_scratch(root):  # a journal whose writer was stopped before renaming it into place
        scratch.unlink()
    for path in root.iterdir():
        if path.name.startswith(SCRATCH_PREFIXES) and _real_folder(path):
            shutil.rmtree(path, ignore_errors=True)
