"""The write stage's last step: every output moved into place at once, recoverably.

The new outputs are written aside first (write.py). A small journal then says which folder holds them and
where the old ones go; each output is moved in one rename at a time. A process stopped between two renames
leaves the journal behind, and the next command of any kind calls `recover`, which finishes the swap, so that
no reader sees a mixed package. Nothing here imports pyarrow: every command in a checkout calls `recover`."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

# What the build writes, relative to the project root. Each is replaced whole.
OUTPUTS = ("build", "schemas", "docs/data-dictionary.md", "docs/checks.md", "datapackage.json", "CITATION.cff",
           ".zenodo.json", "croissant.json", "dataset.jsonld")


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


def _rename(source: Path, target: Path) -> None:
    """Every move of the swap goes through here (a test stops the process at each one)."""
    os.replace(source, target)


def _write_journal(root: Path, out: Path, trash: Path) -> None:
    scratch = root / (JOURNAL + ".new")
    scratch.write_text(json.dumps({"new": out.name, "old": trash.name}), encoding="utf-8")
    os.replace(scratch, root / JOURNAL)


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


def recover(root: Path) -> None:
    """Finish a swap that a stopped build left half done (its new outputs were all written before the journal
    was), and remove what stopped builds left behind, so that a reader never sees a mixed package."""
    journal = root / JOURNAL
    if journal.is_file():
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
            out, trash = root / state["new"], root / state["old"]
        except (OSError, ValueError, KeyError, TypeError):
            state = None
        if state is not None and out.is_dir():
            for name in OUTPUTS:
                _move_in(root, out, trash, name)
        journal.unlink()
    (root / (JOURNAL + ".new")).unlink(missing_ok=True)
    for path in root.iterdir():
        if path.is_dir() and path.name.startswith(SCRATCH_PREFIXES):
            shutil.rmtree(path, ignore_errors=True)


