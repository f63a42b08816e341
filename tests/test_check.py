"""`anso-facts check`: the real data passes; each bad fixture gives exactly the problems it expects, placed at
file:line:column; hostile input is a reported problem, never a traceback; nothing is written on failure."""

import json
import re
import shutil
from pathlib import Path

import pytest

from anso_facts.check.loader import NOT_COMPARED
from anso_facts.check.run import check
from anso_facts.cli import main
from anso_facts.support.cache import FOLDER
from helpers import REPO

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "bad").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+) ([a-z0-9-]+): (.+)$", re.M)


def problems(root: Path) -> list[str]:
    return [str(p) for p in check(root)[1]]


def test_real_data_has_no_problems():
    from helpers import REPO

    assert problems(REPO) == []


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_bad_fixture_reports_exactly_its_problems(project, fixture):
    (project / "data" / "zz-fixtures").mkdir()  # sorted after the real files
    shutil.copy(fixture, project / "data" / "zz-fixtures" / fixture.name)
    expected = EXPECT.findall(fixture.read_text())
    assert expected, f"{fixture.name} has no '# expect: LINE:COL CODE: message' line"
    found = problems(project)
    assert len(found) == len(expected), "\n".join(found)
    for line, column, code, message in expected:
        prefix = f"data/zz-fixtures/{fixture.name}:{line}:{column}: {code}: "
        assert any(p.startswith(prefix) and message in p for p in found), f"{prefix}{message}\n" + "\n".join(found)


def write(project: Path, data: bytes) -> str:
    (project / "data" / "hostile.yaml").write_bytes(data)
    found = problems(project)
    assert len(found) == 1, found
    return found[0]


def test_yaml_1_1_surprises_stay_strings(project):
    from anso_facts.support import yamlsafe

    assert yamlsafe.load("a: NO\nb: yes\nc: on\nd: 012\ne: 2020-09-18\nf: 12\ng: ~\nh: true\n") == {
        "a": "NO",
        "b": "yes",
        "c": "on",
        "d": "012",
        "e": "2020-09-18",
        "f": 12,
        "g": None,
        "h": True,
    }


def test_binary_junk(project):
    assert (
        write(project, b"people:\n- id: x\x00\x01\x02")
        == "data/hostile.yaml:2:8: yaml-character: character U+0000 is not allowed in YAML" + NOT_COMPARED
    )


def test_broken_utf8(project):
    assert (
        write(project, b"people:\n- id: person-x\n  name: Caf\xc3(\n")
        == "data/hostile.yaml:3:12: not-utf8: not UTF-8: byte 0xc3 cannot be decoded" + NOT_COMPARED
    )


def test_deep_nesting(project):
    # libyaml's own composer crashes the interpreter on this; the strict loader stops at its depth limit
    assert write(project, b"people: " + b"[" * 200_000).startswith("data/hostile.yaml:1:")
    assert ": yaml-too-deep: nested deeper than" in write(project, b"people: " + b"[" * 200_000)


def test_alias_bomb(project):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    assert write(project, bomb.encode()) == (
        "data/hostile.yaml:1:4: yaml-alias: anchors and aliases (&, *) are not "
        "allowed: write the value out" + NOT_COMPARED
    )


def test_many_documents_and_empty_file(project):
    assert (
        write(project, b"people: []\n---\npeople: []\n")
        == "data/hostile.yaml:2:1: yaml-documents: one YAML document per file, found a second" + NOT_COMPARED
    )
    (project / "data" / "hostile.yaml").write_bytes(b"# comments only: a fact file made for a new seed\n")
    assert problems(project) == []


def test_a_key_that_is_not_plain_text(project):
    assert (
        write(project, b"people:\n- [a]: x\n")
        == "data/hostile.yaml:2:3: yaml-key: a key must be a plain string" + NOT_COMPARED
    )


def test_other_schema_faults_have_the_general_code(project):
    found = write(
        project,
        b"organizations:\n- id: org-x\n  name: X\n  aliases: [A, A]\n  cite:\n"
        b"  - {seed: cast-igf2021-booth, lines: 2, quote: China Association}\n",
    )
    assert found.startswith("data/hostile.yaml:4:12: schema: org-x: aliases: ['A', 'A'] has non-unique elements")


def test_a_file_too_large_is_not_read(project, monkeypatch):
    from anso_facts.check import loader

    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 2**20)
    assert (
        write(project, b"people: []\n" + b"#" * 2**20)
        == "data/hostile.yaml:1:1: file-too-large: file is larger than 1 MiB; split it" + NOT_COMPARED
    )


def test_a_missing_catalogue_and_missing_or_miscounted_seeds(project):
    seed = project / "seeds" / "002_0ae214f5d57581a8.txt"
    seed.unlink()
    found = problems(project)
    assert re.match(
        r"seeds/seeds\.yaml:\d+:9: seed-missing: cast-igf2021-booth: seeds/002_0ae214f5d57581a8\.txt "
        r"does not exist",
        found[-1],
    ), found
    catalogue = project / "seeds" / "seeds.yaml"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace("line_count: 15", "line_count: 16"), encoding="utf-8"
    )
    shutil.copy(REPO / "seeds" / seed.name, seed)
    found = problems(project)
    assert len(found) == 1 and re.match(r"seeds/seeds\.yaml:\d+:15: seed-line-count: cast-igf2021-booth: ", found[0])
    catalogue.unlink()
    assert "seeds/seeds.yaml:1:1: catalogue-missing: the seed catalogue is missing" in problems(project)


def test_changed_seed_fails_its_hash_and_the_quotes_it_broke(project):
    seed = project / "seeds" / "002_0ae214f5d57581a8.txt"
    seed.write_bytes(seed.read_bytes().replace(b"210 national", b"211 national"))
    found = problems(project)
    assert re.match(
        r"seeds/seeds\.yaml:\d+:11: seed-changed: cast-igf2021-booth: seeds/002_0ae214f5d57581a8\.txt "
        r"has sha256 [0-9a-f]{64}, not the pinned one",
        found[-1],
    )
    quotes = found[:-1]
    assert len(quotes) == 2  # org-cast and stat-cast-national-member-societies quote "210 national"
    assert all("quote is not in lines 6-6 of cast-igf2021-booth; it stands nowhere" in p for p in quotes)


def test_all_problems_are_reported_sorted_and_exit_non_zero(project, capsys):
    for fixture in FIXTURES[:4]:
        shutil.copy(fixture, project / "data" / fixture.name)
    assert main(["--root", str(project), "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 4
    keys = [(name, int(row), int(column)) for name, row, column, _ in (line.split(":", 3) for line in lines)]
    assert keys == sorted(keys)


def test_failing_build_writes_nothing(project, capsys):
    def files():  # all but the check's cache, which keeps what it learnt of each file
        return {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and FOLDER.name not in p.parts}

    assert main(["--root", str(project), "build"]) == 0
    before = files()
    shutil.copy(FIXTURES[0], project / "data" / FIXTURES[0].name)
    assert main(["--root", str(project), "build"]) == 1
    after = files()
    del after[project / "data" / FIXTURES[0].name]
    assert after == before
    assert "nothing written" in capsys.readouterr().err


def test_fast_and_explaining_validators_agree():
    """jsonschema-rs decides; jsonschema explains. On the real files and on every bad fixture they agree."""
    import jsonschema_rs
    from jsonschema import Draft202012Validator

    from anso_facts.check.loader import load_vocabularies, read_vocabularies
    from anso_facts.model.schemas import json_schemas
    from anso_facts.support import yamlsafe

    schemas = json_schemas(load_vocabularies(REPO, read_vocabularies(REPO))[0])
    files = [
        (REPO / "seeds" / "seeds.yaml", "seeds.schema.json"),
        (REPO / "data" / "vocabularies.yaml", "vocabularies.schema.json"),
    ]
    files += [
        (p, "facts.schema.json") for p in sorted((REPO / "data").rglob("*.yaml")) if p.name != "vocabularies.yaml"
    ]
    files += [(p, "facts.schema.json") for p in sorted((REPO / "tests" / "fixtures" / "bad").glob("*.yaml"))]
    verdicts = []
    for path, name in files:
        try:
            document = yamlsafe.load(yamlsafe.decode(path.read_bytes()))
        except yamlsafe.YamlError:
            continue
        fast = jsonschema_rs.validator_for(schemas[name]).is_valid(document)
        explained = not list(Draft202012Validator(schemas[name]).iter_errors(document))
        assert fast == explained, path.name
        verdicts.append(fast)
    assert True in verdicts and False in verdicts  # both verdicts were exercised


def test_an_exclusion_over_a_quoted_line_is_rejected(project):
    catalogue = project / "seeds" / "seeds.yaml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(
        text.replace("  - lines: 5\n    reason: section heading", "  - lines: 5-6\n    reason: section heading"),
        encoding="utf-8",
    )
    found = problems(project)
    assert len(found) == 1, found
    assert re.match(
        r"seeds/seeds\.yaml:\d+:12: excluded-quote: cast-igf2021-booth: excluded lines 5-6 hold the "
        r"quote of org-cast#2, org-cast#3, stat-cast-national-member-societies#1, .*remove the exclusion",
        found[0],
    )


def test_files_the_check_would_pass_over_are_reported(project):
    (project / "data" / "extra.yml").write_text("people: []\n", encoding="utf-8")
    (project / "data" / "notes.txt").write_text("a note\n", encoding="utf-8")
    (project / "seeds" / "003_unlisted.txt").write_text("a seed nobody lists\n", encoding="utf-8")
    assert problems(project) == [
        "data/extra.yml:1:1: unread-file: this file is not read: rename it to .yaml",
        "data/notes.txt:1:1: unread-file: this file is not read: only .yaml fact files belong in data/",
        "seeds/003_unlisted.txt:1:1: unnamed-seed: no seed in seeds/seeds.yaml names this file: add it to the "
        "catalogue, or remove it",
    ]


def test_a_seed_file_outside_seeds_is_rejected(project):
    catalogue = project / "seeds" / "seeds.yaml"
    text = catalogue.read_text(encoding="utf-8")
    catalogue.write_text(text.replace("file: 002_0ae214f5d57581a8.txt", "file: ../datapackage.json"), encoding="utf-8")
    found = problems(project)
    assert any(
        re.match(
            r"seeds/seeds\.yaml:\d+:9: bad-format: cast-igf2021-booth: file: '\.\./datapackage\.json' "
            r"must be a plain file name ending in \.txt inside seeds/",
            p,
        )
        for p in found
    ), found


@pytest.mark.parametrize("fault", ["full disk", "unwritable folder"])
def test_a_build_that_cannot_write_says_where_and_why_and_changes_nothing(project, monkeypatch, capsys, fault):
    import errno
    import tempfile

    from anso_facts.build import write as write_stage

    assert main(["--root", str(project), "build", "--no-cache"]) == 0
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and FOLDER.name not in p.parts}
    if fault == "full disk":

        def write_table(table, data, out):
            raise OSError(errno.EFBIG, "File too large", str(out / "build" / "csv" / f"{table.name}.csv"))

        monkeypatch.setattr(write_stage, "write_table", write_table)
    else:

        def mkdtemp(prefix="", dir=None):
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))

        monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    capsys.readouterr()
    assert main(["--root", str(project), "build", "--no-cache"]) == 1
    err = capsys.readouterr().err
    expected = "File too large" if fault == "full disk" else "Permission denied"
    assert err.startswith(f"anso-facts build: cannot write {project}") and expected in err, err
    assert "Traceback" not in err
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file() and FOLDER.name not in p.parts}
    assert after == before
    assert not [p for p in project.iterdir() if p.name.startswith((".build-", ".old-"))]


def test_check_says_nothing_written_only_where_something_would_be(project, capsys):
    shutil.copy(FIXTURES[0], project / "data" / FIXTURES[0].name)
    assert main(["--root", str(project), "check"]) == 1
    assert "nothing written" not in capsys.readouterr().err
    assert main(["--root", str(project), "build"]) == 1
    assert "nothing written" in capsys.readouterr().err


def test_every_problem_code_is_declared_by_one_emitter_exercised_and_documented():
    """Each code of the catalogue is declared by exactly one emitter (a rule's `codes`, or `@emits` on a function
    outside the rules), and no other code is; each is expected by a bad fixture or asserted by a test;
    docs/checks.md lists them."""
    import anso_facts.check.run  # noqa: F401  (imports every emitter: the loader, the file and project rules)
    from anso_facts.check.registry import EMITTERS, emitter_of
    from anso_facts.model.problems import CHECKS, checks_markdown

    declared = sorted(code for codes in EMITTERS.values() for code in codes)
    assert declared == sorted(CHECKS)
    tests = Path(__file__).parent
    expected = {code for fixture in FIXTURES for _, _, code, _ in EXPECT.findall(fixture.read_text())}
    asserted = set(re.findall(r": ([a-z0-9-]+): ", "".join(p.read_text() for p in tests.glob("test_*.py"))))
    assert set(CHECKS) - expected - asserted == set()
    assert expected - set(declared) == set()
    assert (REPO / "docs" / "checks.md").read_text(encoding="utf-8") == checks_markdown(emitter_of())


def test_a_rule_that_yields_a_code_it_does_not_declare_fails():
    from anso_facts.check.registry import rule
    from anso_facts.model.problems import Finding, YamlFile

    registry: list = []

    @rule(registry, codes=())
    def says_more_than_it_declares(loaded):
        yield Finding(YamlFile("data/x.yaml", "a: 1\n"), ("a",), "duplicate-id", "x: id is already used")

    assert registry == [says_more_than_it_declares]
    with pytest.raises(AssertionError, match="says_more_than_it_declares yields 'duplicate-id'"):
        list(says_more_than_it_declares(None))


def test_a_code_is_declared_once():
    from anso_facts.check.registry import emits

    with pytest.raises(AssertionError, match="'duplicate-id' is declared by anso_facts.check.project_rules"):

        @emits("duplicate-id")
        def another_emitter():
            pass

    with pytest.raises(AssertionError, match="not in the catalogue"):

        @emits("no-such-code")
        def an_emitter_of_an_unknown_code():
            pass


def test_problems_as_json_and_as_github_annotations(project, capsys):
    import json

    shutil.copy(FIXTURES[0], project / "data" / FIXTURES[0].name)
    assert main(["--root", str(project), "check", "--format", "json"]) == 1
    listed = json.loads(capsys.readouterr().out)
    assert main(["--root", str(project), "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [f"{p['file']}:{p['line']}:{p['column']}: {p['code']}: {p['message']}" for p in listed] == lines
    assert main(["--root", str(project), "check", "--format", "github"]) == 1
    annotations = capsys.readouterr().out.splitlines()
    first = listed[0]
    assert annotations[0] == (
        f"::error file={first['file']},line={first['line']},col={first['column']},"
        f"title={first['code']}::{first['message']}"
    )
    assert len(annotations) == len(listed)
    shutil.os.remove(project / "data" / FIXTURES[0].name)
    assert main(["--root", str(project), "check", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [] and captured.err.startswith("ok: ")


def test_an_id_of_a_release_cannot_vanish_unless_retired(project, capsys):
    """A record released once (kept in releases/VERSION/ by `release`) and then deleted fails the check at its line
    of that release's records; retired, it passes and the package lists it (its replacement a foreign key to
    records); un-retired or reused, it fails. An id built but never released may go."""
    import pyarrow.parquet as pq

    from anso_facts.release.archive import keep_release

    extra = project / "data" / "extra.yaml"
    extra.write_text(Path(FIXTURES[0].parent / "duplicate_id.yaml").read_text().replace("org-cast", "org-cast-twice"))
    assert main(["--root", str(project), "build"]) == 0
    extra.unlink()
    assert problems(project) == []  # built, not released
    extra.write_text(Path(FIXTURES[0].parent / "duplicate_id.yaml").read_text().replace("org-cast", "org-cast-twice"))
    assert main(["--root", str(project), "build"]) == 0
    keep_release(project, "anso-facts-0.1.0.zip", "0" * 64)
    records = (project / "releases" / "0.1.0" / "build" / "csv" / "records.csv").read_text().splitlines()
    line = next(i for i, row in enumerate(records, 1) if row.startswith('"org-cast-twice",'))
    extra.unlink()
    capsys.readouterr()

    assert problems(project) == [
        f"releases/0.1.0/build/csv/records.csv:{line}:1: vanished-id: org-cast-twice: "
        f"published in 0.1.0, and no longer in data/; restore it, or retire it in "
        f"data/retired.yaml (retired_ids: id, replaced_by_id or reason, version)"
    ]
    retired = project / "data" / "retired.yaml"
    retired.write_text(
        "retired_ids:\n- id: org-cast-twice\n  replaced_by_id: org-cast\n"
        "  reason: the same organization as org-cast\n  version: 0.2.0\n"
    )
    assert main(["--root", str(project), "build"]) == 0
    table = pq.read_table(project / "build" / "parquet" / "retired_ids.parquet").to_pylist()
    assert table == [
        {
            "id": "org-cast-twice",
            "replaced_by_id": "org-cast",
            "reason": "the same organization as org-cast",
            "version": "0.2.0",
        }
    ]
    package = json.loads((project / "datapackage.json").read_text())
    schema = next(r["schema"] for r in package["resources"] if r["name"] == "retired_ids")
    assert schema["foreignKeys"] == [
        {"fields": ["replaced_by_id"], "reference": {"resource": "records", "fields": ["id"]}}
    ]
    labels = pq.read_table(project / "build" / "parquet" / "records.parquet").to_pandas().set_index("id")["label"]
    assert labels["org-cast-twice"] == "org-cast-twice (retired), now CAST"

    retired.write_text("retired_ids: []\n")
    assert [p.split(": ")[1] for p in problems(project)] == ["vanished-id"]
    extra.write_text(Path(FIXTURES[0].parent / "duplicate_id.yaml").read_text().replace("org-cast", "org-cast-twice"))
    retired.write_text("retired_ids:\n- id: org-cast-twice\n  reason: withdrawn\n  version: 0.2.0\n")
    assert [p.split(": ")[1] for p in problems(project)] == ["retired-id-reused"]
