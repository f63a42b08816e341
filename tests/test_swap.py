"""A build stopped at any instant of its swap: the next command of any kind finishes it, so that a reader never
sees a mixed package, and nothing is left behind. The process is stopped for real (os._exit) at each move."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from anso_facts.build.outputs import COMMITTED
from anso_facts.build.swap import JOURNAL, OUTPUTS, output_files
from helpers import REPO, build_project, copy_real_project

MOVES = 2 * len(OUTPUTS)  # each output: the old one aside, the new one in

STOPPED_BUILD = """
import os, sys
from pathlib import Path
from anso_facts.build import swap as stage
from anso_facts.build.write import build, check_for_build
root, stop_after = Path(sys.argv[1]), int(sys.argv[2])
real, moves = stage._rename, []
def rename(source, target):
    if stop_after == 0:
        os._exit(9)
    real(source, target)
    moves.append(target)
    if len(moves) == stop_after:
        os._exit(9)
stage._rename = rename
project, problems = check_for_build(root, use_cache=False)
assert not problems, problems
build(project, root)
"""


def built(root: Path) -> dict[str, bytes]:
    build_project(root, use_cache=False)
    return output_files(root)


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """A project built from the real data (old), and the outputs of the same project after an edit (new)."""
    old = copy_real_project(tmp_path_factory.mktemp("old"))
    old_outputs = built(old)
    edited = tmp_path_factory.mktemp("edited")
    shutil.copytree(old, edited, dirs_exist_ok=True)
    people = edited / "data" / "entities" / "people.yaml"
    edit = people.read_text(encoding="utf-8").replace("honorific: Prof.", "honorific: Prof.\n  note: An edit.", 1)
    people.write_text(edit, encoding="utf-8")
    new_outputs = built(edited)
    assert new_outputs != old_outputs
    return old, people.read_bytes(), old_outputs, new_outputs


@pytest.mark.parametrize("stop_after", range(MOVES + 1))
def test_a_build_stopped_at_any_move_is_finished_by_the_next_command(states, tmp_path, stop_after):
    old, edited_people, old_outputs, new_outputs = states
    root = tmp_path / "project"
    shutil.copytree(old, root)
    (root / "data" / "entities" / "people.yaml").write_bytes(edited_people)
    stopped = subprocess.run([sys.executable, "-c", STOPPED_BUILD, root, str(stop_after)], capture_output=True)
    assert stopped.returncode == 9, stopped.stderr.decode()
    assert (root / JOURNAL).is_file()  # stopped in the middle of the swap
    subprocess.run(
        [Path(sys.executable).parent / "anso-facts", "--root", root, "stats"], check=True, capture_output=True
    )
    assert output_files(root) == new_outputs
    assert not [p.name for p in root.iterdir() if p.name.startswith((".build-", ".old-", JOURNAL, f".{JOURNAL}."))]


def test_leftovers_of_a_build_stopped_before_its_swap_are_removed(states, tmp_path):
    old, _, old_outputs, _ = states
    root = tmp_path / "project"
    shutil.copytree(old, root)
    (root / ".build-abc" / "build").mkdir(parents=True)
    (root / ".old-def").mkdir()
    subprocess.run(
        [Path(sys.executable).parent / "anso-facts", "--root", root, "check"], check=True, capture_output=True
    )
    assert output_files(root) == old_outputs
    assert not [p.name for p in root.iterdir() if p.name.startswith((".build-", ".old-"))]


def test_git_ignores_every_output_but_the_committed_ones():
    """outputs.py and .gitignore agree: what the build writes is ignored unless it is committed."""
    ignored = subprocess.run(
        ["git", "-C", str(REPO), "check-ignore", "--no-index", *OUTPUTS], capture_output=True, text=True
    ).stdout.split()
    assert sorted(ignored) == sorted(set(OUTPUTS) - set(COMMITTED))


# --- one folder written whole (the site, a kept release): support.atomic.swap_folder --------------------------------


def _folder(path: Path, text: str) -> Path:
    path.mkdir(parents=True)
    (path / "a.txt").write_text(text, encoding="utf-8")
    return path


def test_a_folder_is_swapped_into_place_and_the_old_one_deleted(tmp_path):
    from anso_facts.support.atomic import swap_folder

    target, aside = _folder(tmp_path / "target", "old"), tmp_path / ".target.old"
    swap_folder(_folder(tmp_path / "new", "new"), target, aside)
    assert (target / "a.txt").read_text(encoding="utf-8") == "new" and not aside.exists()
    swap_folder(_folder(tmp_path / "newer", "newer"), tmp_path / "missing", aside)  # nothing there: one rename
    assert (tmp_path / "missing" / "a.txt").read_text(encoding="utf-8") == "newer"


def test_a_folder_that_cannot_be_put_in_place_leaves_the_old_one_where_it_was(tmp_path):
    from anso_facts.support.atomic import swap_folder

    target, aside = _folder(tmp_path / "target", "old"), tmp_path / ".target.old"
    with pytest.raises(OSError):
        swap_folder(tmp_path / "no-such-folder", target, aside)
    assert (target / "a.txt").read_text(encoding="utf-8") == "old" and not aside.exists()


def test_what_is_moved_aside_is_deleted_only_if_it_is_ours(tmp_path):
    from anso_facts.support.atomic import swap_folder

    target, aside = _folder(tmp_path / "target", "not ours"), tmp_path / ".target.old"
    swap_folder(_folder(tmp_path / "new", "new"), target, aside, ours=lambda path: False)
    assert (aside / "a.txt").read_text(encoding="utf-8") == "not ours"  # left, not deleted
    elsewhere = _folder(tmp_path / "elsewhere", "kept")
    (tmp_path / "link").symlink_to(elsewhere, target_is_directory=True)
    swap_folder(_folder(tmp_path / "newest", "newest"), tmp_path / "link", tmp_path / ".link.old")
    assert (elsewhere / "a.txt").read_text(encoding="utf-8") == "kept"  # a link moved aside is never followed
