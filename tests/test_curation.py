"""Curating at team scale (issue 25): the real error first, anywhere in the checkout, parallel pull requests that
merge cleanly."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from anso_facts.check import check
from helpers import REPO

SYNTAX_ERRORS = {  # what replaces the organizations file's 5th line -> the one code expected
    "a tab": ("\tname: x\n", "yaml-tab"),
    "an unclosed quote": ("  name: 'Alliance\n", "yaml-syntax"),
    "a bad indentation": ("     name: x\n  - y\n", "yaml-syntax"),
    "an alias": ("  name: *a\n", "yaml-alias"),
    "a tag": ("  name: !!str x\n", "yaml-tag"),
    "a second document": ("---\n", "yaml-documents"),
    "a NUL": ("  name: x\x00\n", "yaml-character"),
}


@pytest.mark.parametrize("error", sorted(SYNTAX_ERRORS))
def test_one_syntax_error_is_one_problem(built, tmp_path, error):
    """(`built`: the real facts as built, so that every id of the package built before is known.) A file that does
    not load is reported, and nothing that merely follows from it: no vanished id for each of
    its ids, no dangling reference to them from the other files."""
    root = tmp_path / "project"
    shutil.copytree(built, root)
    organizations = root / "data" / "entities" / "organizations.yaml"
    lines = organizations.read_text(encoding="utf-8").splitlines(keepends=True)
    line, code = SYNTAX_ERRORS[error]
    organizations.write_text("".join([*lines[:4], line, *lines[5:]]), encoding="utf-8")
    found = check(root)[1]
    assert [(p.file, p.code) for p in found] == [("data/entities/organizations.yaml", code)], [str(p) for p in found]
    assert "nothing that depends on its records is checked" in found[0].message


def test_bytes_that_are_not_utf8_are_one_problem(built, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built, root)
    organizations = root / "data" / "entities" / "organizations.yaml"
    organizations.write_bytes(organizations.read_bytes() + b"\xff\xfe")
    assert [p.code for p in check(root)[1]] == ["not-utf8"]


# Anywhere in the checkout -----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["check"], ["build"], ["coverage"], ["show", "CAST"], ["stats"], ["validate"],
                                     ["cite", "national member societies"], ["diff", ".", "."],
                                     ["publish", "ckan", "https://ckan.invalid"]])
def test_every_command_finds_the_checkout_from_a_subfolder(built, tmp_path, command):
    """Run from data/facts/ of a copy of the built project (not a checkout itself), each command finds the
    checkout above it, as git finds its repository: it does not fall back to the installed data."""
    root = tmp_path / "project"
    shutil.copytree(built, root)
    done = subprocess.run([sys.executable, "-m", "anso_facts.cli", *command], cwd=root / "data" / "facts",
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "not a checkout" not in done.stderr
    if command[0] == "stats":  # the checkout's own package, not the one beside the code
        assert str(root) in subprocess.run(
            [sys.executable, "-c", "from anso_facts.cli import enclosing_checkout; from pathlib import Path; "
             "print(enclosing_checkout(Path.cwd()))"], cwd=root / "data" / "facts", capture_output=True,
            text=True).stdout


def test_outside_any_checkout_the_writing_commands_refuse(tmp_path):
    done = subprocess.run([sys.executable, "-m", "anso_facts.cli", "check"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.returncode == 2 and "is not a checkout of anso-facts" in done.stderr


# Parallel pull requests merge cleanly ------------------------------------------------------------------------

STATEMENTS = {  # a curator's branch -> the fact file it edits and the statement it adds (under `statements:`)
    "curator-a": ("data/facts/cast-igf2021-booth.yaml", """\
- id: stmt-test-cast-ties
  speaker_id: org-cast
  verb: stated
  summary: CAST maintains close ties with millions of Chinese scientists.
  cite:
  - seed: cast-igf2021-booth
    lines: 6
    quote: CAST maintains close ties with millions of Chinese scientists
"""),
    "curator-b": ("data/facts/bai-letter-2020.yaml", """\
- id: stmt-test-bai-health
  speaker_id: person-chunli-bai
  verb: expressed
  summary: Chunli Bai hoped the databases and information would be helpful.
  cite:
  - seed: bai-letter-2020
    lines: 23
    quote: I hope you and your colleagues will find the above databases and information helpful.
  - seed: bai-letter-2020
    lines: 29
    quote: Prof. Chunli Bai
"""),
}


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    identity = {"GIT_AUTHOR_NAME": "Curator", "GIT_AUTHOR_EMAIL": "curator@example.invalid",
                "GIT_COMMITTER_NAME": "Curator", "GIT_COMMITTER_EMAIL": "curator@example.invalid"}
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env={**os.environ, **identity})


def anso(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "anso_facts.cli", *args], cwd=repo, capture_output=True, text=True)


def test_two_curators_branches_merge_without_conflict_and_the_merge_builds(tmp_path):
    """Two curators each add a statement to a different fact file, run the build, and commit everything `git
    status` shows; both branches merge into main without a conflict, and the merged tree checks and builds with
    both statements. The generated outputs are not committed (.gitignore), so neither branch carries them."""
    repo = tmp_path / "repo"
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, text=True,
                             check=True).stdout.split("\0")
    for name in filter(None, tracked):  # what a fresh clone has
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, repo / name)
    assert git(repo, "init", "-q", "-b", "main").returncode == 0
    git(repo, "add", "-A")
    assert git(repo, "commit", "-q", "-m", "the sources").returncode == 0
    for branch, (name, record) in STATEMENTS.items():
        assert git(repo, "checkout", "-q", "-b", branch, "main").returncode == 0
        path = repo / name
        path.write_text(path.read_text(encoding="utf-8").replace("statements:\n", f"statements:\n{record}", 1),
                        encoding="utf-8")
        built = anso(repo, "build")
        assert built.returncode == 0, built.stdout + built.stderr
        assert git(repo, "status", "--porcelain").stdout.split() == ["M", name]  # the outputs are not tracked
        git(repo, "add", "-A")
        assert git(repo, "commit", "-q", "-m", f"{branch}: a statement").returncode == 0
    assert git(repo, "checkout", "-q", "main").returncode == 0
    for branch in STATEMENTS:
        merged = git(repo, "merge", "--no-edit", branch)
        assert merged.returncode == 0, merged.stdout + merged.stderr
    built = anso(repo, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    statements = (repo / "build" / "csv" / "statements.csv").read_text(encoding="utf-8")
    assert '"stmt-test-cast-ties"' in statements and '"stmt-test-bai-health"' in statements


# One canonical layout -----------------------------------------------------------------------------------------

MESSY = """\
# A comment that stays.
agreements:
- kind: mou
  cite:
  - quote: On 23 July, a MoU was signed between ANSO and UNCTAD
    lines: 129-130
    seed: anso-newsletter-2020
  id: agr-test
  date: 2020-07-23
  inferred: {date: The year is read from the newsletter's own date.}
  purpose:    To enhance STI-related collaboration on building the capacities within developing countries via \
training and assessment programs, a long sentence.

# A section comment that stays too.
"""


def test_fmt_writes_the_canonical_layout_once_and_keeps_data_and_comments(project):
    from anso_facts import yamlsafe
    path = project / "data" / "messy.yaml"
    path.write_text(MESSY, encoding="utf-8")
    assert anso(project, "fmt", "--check").returncode == 1
    done = anso(project, "fmt")
    assert done.returncode == 0 and "data/messy.yaml" in done.stdout
    text = path.read_text(encoding="utf-8")
    assert yamlsafe.load(text) == yamlsafe.load(MESSY)
    lines = text.splitlines()
    assert lines[:5] == ["# A comment that stays.", "agreements:", "- id: agr-test", "  kind: mou",
                         "  date: '2020-07-23'"]
    assert lines[5].startswith("  purpose: To enhance STI-related") and lines[6].startswith("    ")  # folded
    assert max(map(len, lines)) <= 120
    assert "  cite:\n  - seed: anso-newsletter-2020\n    lines: 129-130\n    quote: On 23 July" in text
    assert "# A section comment that stays too." in text
    assert not any(line != line.rstrip() for line in text.splitlines())
    assert anso(project, "fmt", "--check").returncode == 0  # and a second fmt changes nothing
    assert anso(project, "fmt").stdout.startswith("reformatted 0 files")


def test_the_curated_files_are_in_the_canonical_layout():
    done = anso(REPO, "fmt", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
