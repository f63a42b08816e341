"""Issue 22, classes 6 and 9 and the swap journal: one writer at a time in a checkout, no command touches a live
writer's scratch, a full disk or a read-only folder ends in one line and leaves nothing behind, and a journal
naming anything but the swap's own scratch folders is never acted on.

Every command runs for real, as a subprocess on a copy of the real project; the lock is held by another real
process; the full disk and the read-only folder are real tmpfs mounts (root only: under CI these tests fail
rather than skip when not root)."""

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from anso_facts.build.swap import JOURNAL, output_files
from anso_facts.support.atomic import SCRATCH_SUFFIX
from anso_facts.support.cache import FOLDER
from anso_facts.support.lock import EXIT_BUSY, LOCK, WAIT_VARIABLE
from helpers import copy_real_project

ANSO = Path(sys.executable).parent / "anso-facts"
BUSY = (
    "anso-facts {command}: another anso-facts command (pid {pid}: {holder}) is writing in this checkout; "
    "wait for it or stop it\n"
)
HOLD = """
import sys, time
from pathlib import Path
from anso_facts.support import lock
with lock.writing(Path(sys.argv[1]), sys.argv[2]):
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def anso(root: Path, *arguments: str, wait: float | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ) | ({WAIT_VARIABLE: str(wait)} if wait is not None else {})
    return subprocess.run([ANSO, "--root", root, *arguments], capture_output=True, text=True, env=env, timeout=300)


def start(root: Path, *arguments: str, wait: float | None = None) -> subprocess.Popen:
    env = dict(os.environ) | ({WAIT_VARIABLE: str(wait)} if wait is not None else {})
    return subprocess.Popen(
        [ANSO, "--root", root, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


@contextmanager
def held_by_another_process(root: Path, command: str, seconds: float = 120):
    """The checkout's lock, held by a live process that says it runs `command`; yields that process."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, root, command, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def leftovers(root: Path) -> list[str]:
    """What a command may leave only while it runs: scratch folders, the journal, cache and README scratch."""
    found = [
        p.name
        for p in root.iterdir()
        if p.name.startswith((".build-", ".old-", JOURNAL, f".{JOURNAL}.", ".README.md."))
    ]
    if (root / FOLDER).is_dir():
        found += [p.name for p in (root / FOLDER).iterdir() if p.name.endswith(SCRATCH_SUFFIX)]
    return found


def files(root: Path, cache: bool = False) -> dict[str, bytes]:
    """Every file under `root` (the cache's entries left out unless `cache`), by path; the lock file, which names
    its last holder, left out."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != LOCK and (cache or FOLDER.name not in p.relative_to(root).parts)
    }


def edit_a_fact(root: Path) -> None:
    """An edit that changes the outputs, so that a build must write them anew."""
    people = root / "data" / "entities" / "people.yaml"
    edited = people.read_text(encoding="utf-8").replace("honorific: Prof.", "honorific: Prof.\n  note: An edit.", 1)
    people.write_text(edited, encoding="utf-8")


@pytest.fixture(scope="module")
def lone(tmp_path_factory) -> Path:
    """The real project, built by one `anso-facts build` with no other command about: what every build must
    leave."""
    root = copy_real_project(tmp_path_factory.mktemp("lone"))
    result = anso(root, "build")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def checkout(lone, tmp_path) -> Path:
    """A copy of the lone build: its data, outputs, cache and lock file."""
    root = tmp_path / "checkout"
    shutil.copytree(lone, root, symlinks=True)
    return root


# --- one writer at a time -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "site", "release"])
def test_a_second_writer_waits_then_names_the_holder(checkout, command):
    before = files(checkout)
    with held_by_another_process(checkout, "build") as holder:
        started = time.monotonic()
        result = anso(checkout, command, wait=1)
        waited = time.monotonic() - started
    assert result.returncode == EXIT_BUSY
    assert result.stderr == BUSY.format(command=command, pid=holder.pid, holder="build")
    assert waited >= 1
    assert files(checkout) == before and leftovers(checkout) == []


def test_a_second_writer_writes_once_the_first_is_done(lone, checkout):
    edit_a_fact(checkout)
    with held_by_another_process(checkout, "site", seconds=1.5):
        started = time.monotonic()
        result = anso(checkout, "build", wait=60)
        waited = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert waited >= 1
    assert output_files(checkout) != output_files(lone)  # the edit was built
    assert leftovers(checkout) == []


@pytest.mark.parametrize("wait", [0, 5], ids=["gives-up", "waits"])
def test_two_builds_started_together_end_with_one_complete_build(lone, tmp_path, wait):
    root = copy_real_project(tmp_path / "project")
    builds = [start(root, "build", wait=wait) for _ in range(2)]
    results = [(build.wait(timeout=300), *build.communicate()) for build in builds]
    assert sorted(code for code, _, _ in results) in ([0, 0], [0, EXIT_BUSY]), results
    for code, out, err in results:
        if code == 0:
            assert out.startswith("built ") and err == "", err
        else:
            busy = re.escape(BUSY.format(command="build", pid="PID", holder="build")).replace("PID", r"\d+")
            assert re.fullmatch(busy, err), err
    assert output_files(root) == output_files(lone)
    assert leftovers(root) == []


def test_checks_during_a_build_leave_its_work_alone(lone, tmp_path):
    """A check starting while a build writes used to delete the build's scratch folder under it."""
    root = copy_real_project(tmp_path / "project")
    build = start(root, "build")
    checks = []
    while build.poll() is None:
        checks.append(anso(root, "check"))
    out, err = build.communicate()
    assert build.returncode == 0 and out.startswith("built "), err
    assert len(checks) >= 2
    assert [(c.returncode, c.stdout.split(":")[0], c.stderr) for c in checks] == [(0, "ok", "")] * len(checks)
    assert output_files(root) == output_files(lone)
    assert leftovers(root) == []


def test_reading_commands_leave_a_live_writers_scratch_alone(checkout):
    scratch = {
        checkout / ".build-live" / "build" / "csv" / "records.csv": b"half written",
        checkout / ".old-live" / "build" / "csv" / "records.csv": b"an old version",
    }
    for path, data in scratch.items():
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
    (checkout / JOURNAL).write_text(json.dumps({"new": ".build-live", "old": ".old-live"}), encoding="utf-8")
    before = output_files(checkout)
    with held_by_another_process(checkout, "build"):
        for command in (["check"], ["coverage"], ["stats"], ["show", "org-cast"], ["validate"]):
            result = anso(checkout, *command)
            assert result.returncode == 0, (command, result.stderr)
        assert {path: path.read_bytes() for path in scratch} == scratch
        assert (checkout / JOURNAL).is_file()
    assert output_files(checkout) == before


# --- the swap journal -----------------------------------------------------------------------------------------------


def forged_journals(outside: Path) -> dict[str, dict]:
    return {
        "parent": {"new": "../outside", "old": ".old-abc"},
        "absolute": {"new": str(outside), "old": ".old-abc"},
        "old-in-parent": {"new": ".build-abc", "old": "../outside"},
        "old-absolute": {"new": ".build-abc", "old": str(outside)},
        "through-a-scratch-name": {"new": ".build-abc/../../outside", "old": ".old-abc"},
        "an-output": {"new": "build", "old": ".old-abc"},
        "symlinked-scratch": {"new": ".build-link", "old": ".old-abc"},
        "not-names": {"new": ["build"], "old": None},
    }


@pytest.mark.parametrize("forgery", [*forged_journals(Path("/")), "symlinked-journal", "huge"])
def test_a_forged_journal_is_ignored_and_nothing_outside_is_touched(checkout, tmp_path, forgery):
    outside = tmp_path / "outside"
    for name, data in {
        "build/csv/records.csv": b"outside",
        "datapackage.json": b"{}",
        "journal.json": b"",
        "victim.txt": b"keep me",
    }.items():
        (outside / name).parent.mkdir(parents=True, exist_ok=True)
        (outside / name).write_bytes(data)
    (checkout / ".build-abc").mkdir()
    (checkout / ".build-abc" / "datapackage.json").write_bytes(b"forged")  # what a replay would move in
    (checkout / ".old-abc").mkdir()
    (checkout / ".build-link").symlink_to(outside, target_is_directory=True)
    journal = checkout / JOURNAL
    if forgery == "symlinked-journal":
        (outside / "journal.json").write_text(json.dumps({"new": ".build-abc", "old": ".old-abc"}))
        journal.symlink_to(outside / "journal.json")
    elif forgery == "huge":
        journal.write_text(json.dumps({"new": ".build-abc", "old": ".old-abc", "pad": "x" * 100_000}))
    else:
        journal.write_text(json.dumps(forged_journals(outside)[forgery]), encoding="utf-8")
    before, outside_before = output_files(checkout), files(outside)
    result = anso(checkout, "check")
    assert files(outside) == outside_before
    assert output_files(checkout) == before
    assert result.returncode == 0 and result.stdout.startswith("ok: ")
    assert result.stderr == (
        f"anso-facts: ignored {JOURNAL}: it does not name two scratch folders of a build in "
        f"{checkout}; nothing it names was touched\n"
    )
    assert not journal.exists() and not journal.is_symlink()
    assert (checkout / ".build-link").is_symlink()  # a link is not a scratch folder: neither followed nor removed
    (checkout / ".build-link").unlink()
    assert leftovers(checkout) == []


@pytest.mark.parametrize("link", ["build", "datapackage.json", "build/csv/records.csv", "docs", "a-fifo-in-build"])
def test_a_journal_whose_outputs_hold_a_link_moves_nothing_in(checkout, tmp_path, link):
    """A journal naming real scratch folders whose outputs are (or hold, or are reached through) a symbolic
    link: the link is never moved into the checkout, nothing outside is read or touched."""
    outside = tmp_path / "outside"
    for name in ("build/csv/records.csv", "datapackage.json", "docs/data-dictionary.md"):
        (outside / name).parent.mkdir(parents=True, exist_ok=True)
        (outside / name).write_bytes(b"outside")
    new = checkout / ".build-abc"
    shutil.copytree(checkout / "build", new / "build")
    shutil.copy(checkout / "datapackage.json", new / "datapackage.json")
    (new / "docs").mkdir()
    (checkout / ".old-abc").mkdir()
    if link == "a-fifo-in-build":
        os.mkfifo(new / "build" / "pipe")
    else:
        shutil.rmtree(new / link) if (new / link).is_dir() else (new / link).unlink(missing_ok=True)
        (new / link).symlink_to(outside / link)
    (checkout / JOURNAL).write_text(json.dumps({"new": ".build-abc", "old": ".old-abc"}), encoding="utf-8")
    before, outside_before = output_files(checkout), files(outside)
    result = anso(checkout, "check")
    assert result.returncode == 0 and result.stdout.startswith("ok: "), result.stderr
    assert result.stderr.startswith(f"anso-facts: ignored {JOURNAL}: the outputs it would move into ")
    assert result.stderr.count("\n") == 1 and "symbolic link" in result.stderr
    assert files(outside) == outside_before and output_files(checkout) == before
    assert not [p for p in checkout.rglob("*") if p.is_symlink()]
    assert leftovers(checkout) == []


# --- full disk, read-only folder ------------------------------------------------------------------------------------


def require_root() -> None:
    if os.geteuid() != 0:
        message = "mounting a tmpfs needs root"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI runs these tests as root)")
        pytest.skip(message)


@contextmanager
def tmpfs(folder: Path):
    """A fresh tmpfs mounted at `folder` (64 MiB until shrink_to_fit), unmounted at the end."""
    require_root()
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "tmpfs", folder], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", folder], check=True)


def remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", folder], check=True)


def shrink_to_fit(disk: Path, spare: int) -> None:
    """Leave `spare` bytes free on the tmpfs (a whole number of pages)."""
    status = os.statvfs(disk)
    used = (status.f_blocks - status.f_bfree) * status.f_frsize
    remount(disk, f"size={used + spare}")
    assert os.statvfs(disk).f_bavail * status.f_frsize <= spare


def fill(disk: Path) -> None:
    """Take every byte left on the disk."""
    with open(disk / "filler", "wb", buffering=0) as stream:
        try:
            while True:
                stream.write(b"\0" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC


def test_a_build_on_a_full_disk_says_so_once_and_leaves_nothing_behind(checkout, tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        root = shutil.copytree(checkout, disk / "project", symlinks=True)
        edit_a_fact(root)
        before = files(root)
        shrink_to_fit(disk, 64 * 1024)  # the outputs take about 600 KiB
        result = anso(root, "build")
        assert files(root) == before  # the previous outputs, and no partial file anywhere
        assert leftovers(root) == []
        assert result.returncode == 1
        assert re.fullmatch(
            rf"anso-facts build: cannot write {re.escape(str(root))}\S*: No space left on device; "
            r"the previous outputs are unchanged\n",
            result.stderr,
        ), result.stderr
        # a check on the full disk: its cache cannot keep the edited files' entries; it checks all the same
        (root / "data" / "entities" / "people.yaml").write_bytes(
            b"# another edit\n" + before["data/entities/people.yaml"]
        )
        fill(disk)
        result = anso(root, "check")
        assert result.returncode == 0 and result.stdout.startswith("ok: ") and result.stderr == ""
        assert leftovers(root) == []


@pytest.mark.parametrize("lock_file", [True, False], ids=["built-before", "fresh-clone"])
def test_a_read_only_checkout_says_so_once_and_still_checks(checkout, tmp_path, lock_file):
    with tmpfs(tmp_path / "disk") as disk:
        root = shutil.copytree(checkout, disk / "project", symlinks=True)
        if not lock_file:  # never built here: no lock file, no cache
            (root / LOCK).unlink()
            shutil.rmtree(root / FOLDER)
        edit_a_fact(root)  # so that the check makes entries it cannot keep
        before = files(root, cache=True)
        remount(disk, "ro")
        result = anso(root, "build")
        assert result.returncode == 1
        assert re.fullmatch(
            rf"anso-facts build: cannot write {re.escape(str(root))}\S*: Read-only file system; "
            r"the previous outputs are unchanged\n",
            result.stderr,
        ), result.stderr
        result = anso(root, "check")
        assert result.returncode == 0 and result.stdout.startswith("ok: ") and result.stderr == ""
        assert files(root, cache=True) == before


def a_document(folder: Path, lines: int = 1) -> Path:
    """A new seed's text, outside the checkout."""
    document = folder / "report.txt"
    document.write_text("A report\n\n" + "The Example Institute of Open Data opened in 2021.\n" * lines)
    return document


def seed_add(root: Path, document: Path) -> subprocess.CompletedProcess:
    fields = ["--id", "report-2021", "--title", "A report", "--publisher", "EIOD", "--kind", "letter"]
    return anso(root, "seed", "add", str(document), *fields, "--language", "en")


@pytest.mark.parametrize("disk_state", ["full", "read-only"])
def test_seed_add_and_fmt_on_a_full_or_read_only_disk_say_so_once_and_write_nothing(checkout, tmp_path, disk_state):
    document = a_document(tmp_path, lines=4000)  # larger than the full disk's last pages
    with tmpfs(tmp_path / "disk") as disk:
        root = shutil.copytree(checkout, disk / "project", symlinks=True)
        people = root / "data" / "entities" / "people.yaml"
        people.write_bytes(b"\n\n" + people.read_bytes())  # not in the canonical layout: fmt would rewrite it
        before = files(root)
        fill(disk) if disk_state == "full" else remount(disk, "ro")
        reason = "No space left on device" if disk_state == "full" else "Read-only file system"
        result = seed_add(root, document)
        assert result.returncode == 1 and result.stdout == ""
        assert re.fullmatch(
            rf"anso-facts seed add: cannot write {re.escape(str(root))}/seeds\S*: {reason}; "
            r"seeds/ and data/ are unchanged\n",
            result.stderr,
        ), result.stderr
        assert files(root) == before and leftovers(root) == []
        if disk_state == "full":  # again: the pages the seed's removed file had taken are free
            fill(disk)
        result = anso(root, "fmt")
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr == (
            f"anso-facts fmt: cannot write data/entities/people.yaml: {reason}; data/entities/people.yaml is "
            f"unchanged\n"
        )
        assert files(root) == before and leftovers(root) == []


def test_seed_add_reads_no_catalogue_through_a_link(checkout, tmp_path):
    document = a_document(tmp_path)
    outside = tmp_path / "seeds.yaml"
    outside.write_bytes((checkout / "seeds" / "seeds.yaml").read_bytes() + b"# SECRET-LINE\n")
    (checkout / "seeds" / "seeds.yaml").unlink()
    (checkout / "seeds" / "seeds.yaml").symlink_to(outside)
    result = seed_add(checkout, document)
    assert result.returncode == 2 and "seeds/seeds.yaml: reached through a symbolic link" in result.stderr
    assert "SECRET" not in result.stdout + result.stderr and (checkout / "seeds" / "seeds.yaml").is_symlink()
    assert not (checkout / "data" / "facts" / "report-2021.yaml").exists()


@pytest.mark.parametrize("link", ["seeds", "data/facts"])
def test_seed_add_writes_nothing_through_a_linked_folder(checkout, tmp_path, link):
    document = a_document(tmp_path)
    outside = tmp_path / "outside"
    shutil.move(checkout / link, outside)
    (checkout / link).symlink_to(outside, target_is_directory=True)
    before = files(outside)
    result = seed_add(checkout, document)
    assert result.returncode == 2 and result.stderr == (
        f"anso-facts seed add: {link}/ is a symbolic link; seed add writes only into real folders; nothing was "
        f"written\n"
    ), result.stderr
    assert files(outside) == before


@pytest.mark.parametrize("forgery", ["in place, aside and new", "a name of no output"])
def test_a_journal_no_stopped_build_could_leave_moves_nothing(checkout, tmp_path, forgery):
    """Real scratch folders, no link, but a state no stopped swap leaves: nothing is moved, and the next commands
    work (before, the build was replaced by the planted one, then every command failed on the next move)."""
    new, old = checkout / ".build-abc", checkout / ".old-abc"
    (new / "build").mkdir(parents=True)
    (new / "build" / "PLANTED").write_text("planted")
    if forgery == "in place, aside and new":
        (new / "docs").mkdir()
        (new / "docs" / "checks.md").write_text("new")
        (old / "docs_checks.md" / "x").mkdir(parents=True)
    else:
        old.mkdir()
        (new / "setup.py").write_text("print('planted')")
    (checkout / JOURNAL).write_text(json.dumps({"new": ".build-abc", "old": ".old-abc"}), encoding="utf-8")
    before = output_files(checkout)
    result = anso(checkout, "check")
    assert result.returncode == 0 and result.stdout.startswith("ok: "), result.stderr
    assert result.stderr.startswith(f"anso-facts: ignored {JOURNAL}: its folders are not those of a stopped build")
    assert output_files(checkout) == before and not (checkout / "build" / "PLANTED").exists()
    assert not (checkout / "setup.py").exists() and leftovers(checkout) == []
    assert anso(checkout, "check").stderr == ""
