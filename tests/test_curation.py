"""Curating at team scale (issue 25): the real error first."""

import shutil

import pytest

from anso_facts.check import check

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
    import subprocess
    import sys
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
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "anso_facts.cli", "check"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert done.returncode == 2 and "is not a checkout of anso-facts" in done.stderr
