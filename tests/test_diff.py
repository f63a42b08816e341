"""`anso-facts diff` between two built states, two git revisions and an archive; the version rule of `release`."""

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from anso_facts.cli import main
from anso_facts.release.archive import ReleaseError, changelog, changes, release
from anso_facts.release.diff import diff, required_step, version_step
from helpers import REPO, build_project, copy_real_project


def snapshot(root: Path, target: Path) -> Path:
    """The built package of `root` copied aside, as a package folder."""
    target.mkdir()
    shutil.copy(root / "datapackage.json", target)
    shutil.copytree(root / "build", target / "build")
    return target


def edit(root: Path) -> None:
    """Correct a value (a statistic's measure, which its label shows), add a record and retire one nothing refers to
    (it is renamed)."""
    facts = root / "data" / "facts" / "cast-igf2021-booth.yaml"
    text = facts.read_text(encoding="utf-8")
    assert "  measure: national member societies\n" in text
    facts.write_text(
        text.replace("  measure: national member societies\n", "  measure: member societies\n", 1), encoding="utf-8"
    )
    lines = facts.read_text(encoding="utf-8").split("\n")
    start = lines.index("- id: stmt-cast-contributions")
    end = next(i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" "))
    added = [line.replace("stmt-cast-contributions", "stmt-cast-contributions-again") for line in lines[start:end]]
    facts.write_text("\n".join(lines[:start] + added + lines[end:]), encoding="utf-8")
    (root / "data" / "retired.yaml").write_text(
        "retired_ids:\n- id: stmt-cast-contributions\n  replaced_by_id: stmt-cast-contributions-again\n"
        "  reason: renamed\n  version: 0.2.0\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(project, before, after): the real facts built, copied aside, edited and built again."""
    root = copy_real_project(tmp_path_factory.mktemp("diff"))
    for name in ("README.md", "LICENSE", "LICENSE-DATA"):
        shutil.copy(REPO / name, root)
    build_project(root)
    before = snapshot(root, root.parent / "before")
    edit(root)
    build_project(root)
    return root, before, snapshot(root, root.parent / "after")


def test_diff_of_two_built_states_lists_added_removed_and_changed_records(states):
    _, before, after = states
    found = diff(str(before), str(after), before)
    assert found.tables["statements"].added == ["stmt-cast-contributions-again"]
    assert found.tables["statements"].removed == ["stmt-cast-contributions"]
    assert found.tables["statistics"].changed == {
        "stat-cast-national-member-societies": {"measure": ["national member societies", "member societies"]}
    }
    assert found.tables["retired_ids"].added == ["stmt-cast-contributions"]
    assert found.tables["roles"].added == found.tables["roles"].removed == []
    # labels follow: the records table shows the label made from the measure
    assert found.tables["records"].changed["stat-cast-national-member-societies"] == {
        "label": ["CAST: national member societies", "CAST: member societies"]
    }
    assert found.tables["citations"].added == ["stmt-cast-contributions-again#1"]
    assert found.tables_added == found.fields_removed == found.fields_retyped == []
    assert required_step(found) == "minor"
    assert required_step(diff(str(before), str(before), before)) is None


def test_diff_command_in_text_json_and_markdown(states, capsys):
    _, before, after = states
    assert main(["--root", str(before), "diff", str(before), str(after)]) == 0
    text = capsys.readouterr().out
    assert (
        "statistics: 0 added, 0 removed, 1 changed\n  ~ stat-cast-national-member-societies\n"
        '      measure: "national member societies" -> "member societies"'
    ) in text
    assert main(["--root", str(before), "diff", str(before), str(after), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tables"]["statements"]["removed"] == ["stmt-cast-contributions"]
    assert data["required_step"] == "minor" and "organizations" not in data["tables"]
    assert main(["--root", str(before), "diff", str(before), str(after), "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert (
        "### statistics" in markdown
        and ('| `stat-cast-national-member-societies` | `measure` | "national member societies" | "member societies" |')
        in markdown
    )


def test_diff_of_two_git_revisions_and_of_an_archive(states, tmp_path, capsys):
    root, before, after = states
    repo = tmp_path / "repo"
    shutil.copytree(before, repo)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "before"], check=True)
    shutil.rmtree(repo / "build")
    shutil.copytree(after / "build", repo / "build")
    shutil.copy(after / "datapackage.json", repo)
    subprocess.run([*git, "commit", "-qam", "after"], check=True)
    assert main(["--root", str(repo), "diff", "HEAD~1", "HEAD", "--format", "json"]) == 0
    from_git = json.loads(capsys.readouterr().out)
    assert from_git == diff(str(before), str(after), root).as_dict()
    archive = tmp_path / "old.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(before.rglob("*")):
            if path.is_file():
                zipped.write(path, f"anso-facts-0.1.0/{path.relative_to(before)}")
    assert diff(str(archive), str(after), root).as_dict() == from_git
    assert main(["--root", str(repo), "diff", "no-such-rev", "HEAD"]) == 2
    assert "not a package folder, a release archive or a git revision" in capsys.readouterr().err


def _with_version(folder: Path, target: Path, version: str, extra_field: bool = False) -> Path:
    copy = shutil.copytree(folder, target)
    descriptor = json.loads((copy / "datapackage.json").read_text())
    descriptor["version"] = version
    if extra_field:  # a field the newer package no longer has
        for resource in descriptor["resources"]:
            if resource["name"] == "people-parquet":
                resource["schema"]["fields"].append({"name": "nickname", "type": "string"})
    (copy / "datapackage.json").write_text(json.dumps(descriptor))
    return copy


def test_release_refuses_a_version_step_smaller_than_the_changes_need(states, tmp_path):
    root, before, _ = states
    assert version_step("0.1.0", "0.1.1") == "patch" and version_step("0.1.9", "0.2.0") == "minor"
    assert version_step("0.9.0", "1.0.0") == "major" and version_step("0.1.0", "0.1.0") is None
    with pytest.raises(ReleaseError, match="need a minor version step, but the version goes from 0.1.0 to 0.1.0"):
        release(root, tmp_path / "dist", previous=str(before))  # records added, the version unchanged
    assert not (tmp_path / "dist").exists()
    older = _with_version(before, tmp_path / "older", "0.0.9")
    assert changes(root, str(older))["required_step"] == "minor"  # 0.0.9 -> 0.1.0 is a minor step: allowed
    archive = release(root, tmp_path / "dist", previous=str(older))
    with zipfile.ZipFile(archive) as zipped:
        changed = json.loads(zipped.read("anso-facts-0.1.0/changes.json"))
        assert changed["old_version"] == "0.0.9" and changed["tables"]["statistics"]["changed"]
        assert "## 0.1.0" in zipped.read("anso-facts-0.1.0/CHANGELOG.md").decode()
    removed = _with_version(before, tmp_path / "removed", "0.0.9", extra_field=True)
    with pytest.raises(ReleaseError, match="need a major version step"):
        changes(root, str(removed))


def test_changelog_keeps_other_versions_and_takes_the_curators_note(states):
    root, _, _ = states
    (root / "CHANGELOG.md").write_text(
        "# Changelog\n\nintro\n\n<!-- version 0.0.9 -->\n## 0.0.9 (2026-01-01)\n\nOld.\n", encoding="utf-8"
    )
    (root / "docs" / "changes").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "changes" / "0.1.0.md").write_text("A measure corrected.\n", encoding="utf-8")
    text = changelog(root, {"first_release": True})
    assert text.index("## 0.1.0") < text.index("A measure corrected.") < text.index("## 0.0.9")
    assert text.startswith("# Changelog\n\nintro\n") and text.endswith("Old.\n")
    assert changelog(root, {"first_release": True}).count("## 0.1.0") == 1
