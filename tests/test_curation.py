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
    assert "its ids are not compared" in found[0].message


def test_bytes_that_are_not_utf8_are_one_problem(built, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(built, root)
    organizations = root / "data" / "entities" / "organizations.yaml"
    organizations.write_bytes(organizations.read_bytes() + b"\xff\xfe")
    assert [p.code for p in check(root)[1]] == ["not-utf8"]
