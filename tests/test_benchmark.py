"""The scale benchmark runs at 1,000 records, so that it never rots. No test asserts a time."""

import subprocess
import sys

from conftest import REPO


def test_scale_benchmark_runs_at_1000_records():
    result = subprocess.run([sys.executable, REPO / "benchmarks" / "scale.py", "--records", "1000", "--runs", "1"],
                            cwd=REPO, check=True, capture_output=True, text=True)
    for step in ("floor", "anso-facts build, full", "one file changed", "check, real data", "read_parquet",
                 "peak memory"):
        assert step in result.stdout, result.stdout
    assert "byte-identical to a full build: yes" in result.stdout


def test_synthetic_projects_are_deterministic_and_pass_the_check(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import generate

    from anso_facts.project import check
    generate(tmp_path / "a", 1000)
    generate(tmp_path / "b", 1000)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 201  # 100 seeds, 100 fact files, the catalogue
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    project, problems = check(tmp_path / "a")
    assert problems == []
    tables = set(project.tables["records"]["table"].to_pylist())
    assert tables >= {"organizations", "people", "events", "resources", "agreements", "roles", "participations",
                      "relations", "statistics", "quotations", "statements"}
