"""Publishing: citation metadata, the release archive, the wheel, and the Zenodo and CKAN clients against local
stand-ins of their APIs."""

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml

import anso_facts
from anso_facts.cli import main
from anso_facts.metadata import citation_cff, citation_text, zenodo_metadata
from anso_facts.release import release
from anso_facts.zenodo import METADATA_SCHEMA, Deposit, ZenodoError
from helpers import REPO
from standins import Ckan, Zenodo

BIN = Path(sys.executable).parent


# Citation metadata ------------------------------------------------------------------------------------------

def test_citation_files_are_generated_and_current():
    assert (REPO / "CITATION.cff").read_text(encoding="utf-8") == citation_cff()
    assert json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8")) == zenodo_metadata()


def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads((REPO / "tests" / "schemas" / "citation-file-format-1.2.0.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    cff = yaml.safe_load(citation_cff())
    assert list(validator.iter_errors(cff)) == []
    del cff["authors"]  # the schema has teeth
    assert list(validator.iter_errors(cff)) != []


def test_zenodo_json_follows_the_deposit_metadata_rules():
    metadata = zenodo_metadata()
    jsonschema.validate(metadata, METADATA_SCHEMA)
    assert metadata["upload_type"] == "dataset" and metadata["license"] == "cc-by-4.0"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**metadata, "related_identifiers": [{"identifier": "x", "relation": "likes"}]},
                            METADATA_SCHEMA)


def test_readme_cites_the_dataset_as_metadata_py_does():
    assert f"> {citation_text()}\n" in (REPO / "README.md").read_text(encoding="utf-8")


def test_one_version_and_title_everywhere():
    cff, zenodo, descriptor = yaml.safe_load(citation_cff()), zenodo_metadata(), anso_facts.package(REPO)
    assert cff["version"] == zenodo["version"] == descriptor["version"] == anso_facts.__version__
    assert cff["title"] == zenodo["title"] == descriptor["title"]
    assert cff["license"] == descriptor["licenses"][0]["name"] == "CC-BY-4.0"


# Release archive --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return release(REPO, tmp_path_factory.mktemp("dist"))


def test_release_archive_is_byte_reproducible(archive, tmp_path):
    again = release(REPO, tmp_path)
    assert again.name == f"anso-facts-{anso_facts.__version__}.zip"
    assert again.read_bytes() == archive.read_bytes()


def test_release_archive_validates_and_its_manifest_is_true(archive, tmp_path):
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path)
    top = tmp_path / f"anso-facts-{anso_facts.__version__}"
    for name in ("datapackage.json", "README.md", "LICENSE", "LICENSE-DATA", "CITATION.cff", "SEEDS-RIGHTS.md",
                 "build/parquet/citations.parquet", "data/facts/anso-newsletter-2020.yaml", "seeds/seeds.yaml",
                 "schemas/facts.schema.json", "anso-facts.sqlite", "changes.json", "CHANGELOG.md"):
        assert (top / name).is_file(), name
    manifest = json.loads((top / "manifest.json").read_text())
    assert manifest["version"] == anso_facts.__version__ and manifest["schema_version"] == "0"
    assert manifest["rows"] == {t: len(anso_facts.load(t, REPO)) for t in anso_facts.tables(REPO)}
    on_disk = sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [name for name in on_disk if name != "manifest.json"]
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((top / name).read_bytes()).hexdigest() == entry["sha256"], name
    result = subprocess.run([BIN / "frictionless", "validate", "datapackage.json"], cwd=top,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


# pip install ------------------------------------------------------------------------------------------------

def test_wheel_installs_offline_and_loads_every_table(tmp_path):
    """Build the wheel and the sdist; install the wheel with no index into a fresh venv that sees only this
    environment's dependencies (not the source tree); load every table from there."""
    subprocess.run([BIN / "hatchling", "build", "-t", "wheel", "-t", "sdist", "-d", tmp_path / "dist"],
                   cwd=REPO, check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("anso_facts-*.whl"))
    with tarfile.open(next((tmp_path / "dist").glob("anso_facts-*.tar.gz"))) as sdist:
        names = sdist.getnames()
    assert any(n.endswith("/datapackage.json") for n in names) and any(n.endswith(".parquet") for n in names)

    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    site = next(env.glob("lib/python3*/site-packages"))
    dependencies = next(Path(p) for p in sys.path if p.endswith("site-packages") and (Path(p) / "pandas").is_dir())
    (site / "dependencies.pth").write_text(f"{dependencies}\n")  # a plain path: its .pth files are not run
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--no-index", "--no-deps", "--quiet", wheel],
                   check=True, capture_output=True)
    installed = site / "anso_facts" / "_package"
    before = sorted(p.relative_to(installed) for p in installed.rglob("*"))
    for command in (["build"], ["check"], ["coverage"], ["release"], ["publish", "zenodo"],
                    ["--root", str(installed), "build"]):
        refused = subprocess.run([env / "bin" / "anso-facts", *command], cwd=tmp_path, capture_output=True, text=True)
        assert refused.returncode == 2, (command, refused.stdout, refused.stderr)
        assert "is not a checkout of anso-facts" in refused.stderr and "Traceback" not in refused.stderr
    assert sorted(p.relative_to(installed) for p in installed.rglob("*")) == before  # nothing written there
    assert not list(tmp_path.glob(".anso-cache")) and not (tmp_path / "build").exists()
    script = ("import anso_facts, duckdb, json\n"
              "root = anso_facts.data_root()\n"
              "joined = duckdb.sql(f\"select count(*) from read_parquet('{root}/build/parquet/roles.parquet') r \"\n"
              "                    f\"join read_parquet('{root}/build/parquet/people.parquet') p \"\n"
              "                    f\"on p.id = r.person_id\")\n"
              "print(json.dumps({'module': anso_facts.__file__, 'root': str(root), 'joined': joined.fetchall()[0][0], "
              "'rows': {t: len(anso_facts.load(t)) for t in anso_facts.tables()}}))\n")
    result = subprocess.run([env / "bin" / "python", "-I", "-c", script], cwd=tmp_path, check=True,
                            capture_output=True, text=True)
    found = json.loads(result.stdout)
    assert found["module"].startswith(str(site)) and found["root"].startswith(str(site))
    assert found["rows"] == {t: len(anso_facts.load(t, REPO)) for t in anso_facts.tables(REPO)}
    assert found["joined"] == found["rows"]["roles"]  # every role's person_id finds its person
    stats = subprocess.run([env / "bin" / "anso-facts", "stats"], cwd=tmp_path, check=True, capture_output=True,
                           text=True)
    assert "citations" in stats.stdout


def test_duckdb_joins_two_tables_on_a_foreign_key():
    import duckdb
    parquet = anso_facts.data_root() / "build" / "parquet"
    rows = duckdb.sql(f"""
        select r.title, p.name, o.name as organization
        from read_parquet('{parquet}/roles.parquet') r
        join read_parquet('{parquet}/people.parquet') p on p.id = r.person_id
        join read_parquet('{parquet}/organizations.parquet') o on o.id = r.organization_id
        where r.id = 'role-chunli-bai-president-cas'""").fetchall()
    assert rows == [("President", "Chunli Bai", "Chinese Academy of Sciences")]


def test_polars_and_pyarrow_read_the_installed_files():
    import polars as pl
    import pyarrow.parquet as pq
    path = anso_facts.data_root() / "build" / "parquet" / "statistics.parquet"
    frame = pl.read_parquet(path)
    assert frame.schema["value"] == pl.Int64 and frame.height == pq.read_table(path).num_rows > 0


# Zenodo -----------------------------------------------------------------------------------------------------

@pytest.fixture
def zenodo():
    server = Zenodo()
    yield server
    server.close()


def deposit(zenodo, archive, **options) -> Deposit:
    return Deposit(archive, zenodo_metadata(), zenodo.url, timeout=options.pop("timeout", 10), **options)


def test_zenodo_new_deposition_uploaded_and_published(zenodo, archive):
    result = deposit(zenodo, archive, publish=True).send(Zenodo.TOKEN)
    assert zenodo.calls() == ["POST /api/deposit/depositions", f"PUT /api/files/bucket-101/{archive.name}",
                              "PUT /api/deposit/depositions/101", "POST /api/deposit/depositions/101/actions/publish"]
    assert result["state"] == "done"
    assert all(headers["Authorization"] == "Bearer good-token" for _, _, headers, _ in zenodo.received)
    assert zenodo.buckets["bucket-101"][archive.name] == archive.read_bytes()
    upload_headers = zenodo.received[1][2]
    assert upload_headers["Content-Type"] == "application/octet-stream"
    assert json.loads(zenodo.received[2][3]) == {"metadata": zenodo_metadata()}


def test_zenodo_without_publish_leaves_a_draft(zenodo, archive):
    result = deposit(zenodo, archive).send(Zenodo.TOKEN)
    assert not any("publish" in call for call in zenodo.calls())
    assert result["state"] == "unsubmitted"


def test_zenodo_new_version_replaces_the_copied_files(zenodo, archive):
    deposit(zenodo, archive, new_version_of=42, publish=True).send(Zenodo.TOKEN)
    assert zenodo.calls() == ["POST /api/deposit/depositions/42/actions/newversion",
                              "GET /api/deposit/depositions/101", "DELETE /api/deposit/depositions/101/files/f-old",
                              f"PUT /api/files/bucket-101/{archive.name}", "PUT /api/deposit/depositions/101",
                              "POST /api/deposit/depositions/101/actions/publish"]


@pytest.mark.parametrize("failure, expected", [
    ({("POST", "/api/deposit/depositions"): 500}, "HTTP 500 from POST"),
    ({("PUT", "/api/files/.*"): 400}, "file: rejected"),
    ({("PUT", "/api/files/.*"): "bad-checksum"}, "Zenodo reports checksum 'md5:0000'"),
    ({("PUT", "/api/deposit/depositions/\\d+"): 400}, "HTTP 400 from PUT"),
    ({("PUT", "/api/files/.*"): "slow"}, "no answer"),
])
def test_zenodo_failures_never_publish(zenodo, archive, failure, expected):
    zenodo.failures = failure
    with pytest.raises(ZenodoError, match="nothing was published") as raised:
        deposit(zenodo, archive, publish=True, timeout=0.5).send(Zenodo.TOKEN)
    assert expected in str(raised.value)
    assert not any(call.endswith("/actions/publish") for call in zenodo.calls())


def test_zenodo_bad_token_is_explained_and_never_shown(zenodo, archive, monkeypatch, capsys):
    monkeypatch.setenv("ZENODO_TOKEN", "secret-but-wrong")
    monkeypatch.setattr("anso_facts.zenodo.ZENODO", zenodo.url)
    code = main(["--root", str(REPO), "publish", "zenodo", "--publish", "--archive", str(archive)])
    out, err = capsys.readouterr()
    assert code == 1 and "refused the token" in err and "ZENODO_TOKEN" in err
    assert "secret-but-wrong" not in out + err
    assert zenodo.calls() == ["POST /api/deposit/depositions"]


def test_zenodo_dry_run_sends_nothing(zenodo, archive, monkeypatch, capsys):
    monkeypatch.setenv("ZENODO_TOKEN", "good-token")
    monkeypatch.setattr("anso_facts.zenodo.ZENODO", zenodo.url)
    assert main(["--root", str(REPO), "publish", "zenodo", "--archive", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out and '"upload_type": "dataset"' in out and "good-token" not in out
    assert zenodo.received == []


# CKAN -------------------------------------------------------------------------------------------------------

@pytest.fixture
def ckan():
    server = Ckan()
    yield server
    server.close()


def test_ckan_creates_then_updates_the_dataset(ckan, monkeypatch, capsys):
    monkeypatch.setenv("CKAN_API_KEY", Ckan.KEY)
    assert main(["--root", str(REPO), "publish", "ckan", ckan.url, "--send"]) == 0
    calls = ckan.calls()
    assert calls[:2] == ["POST /api/action/package_show", "POST /api/action/package_create"]
    package = ckan.packages["anso-facts"]
    assert package["license_id"] == "cc-by" and package["version"] == anso_facts.__version__
    assert {"name": "COVID-19"} in package["tags"]
    names = [r["name"] for r in package["resources"]]
    assert names[0] == "datapackage.json" and "citations" in names and "citations-parquet" in names
    assert ckan.uploads["citations-parquet"] == (REPO / "build" / "parquet" / "citations.parquet").read_bytes()

    assert main(["--root", str(REPO), "publish", "ckan", ckan.url, "--send"]) == 0
    again = ckan.calls()[len(calls):]
    assert again[:2] == ["POST /api/action/package_show", "POST /api/action/package_update"]
    assert "POST /api/action/resource_create" not in again
    assert len(ckan.packages["anso-facts"]["resources"]) == len(names)


def test_ckan_refusal_is_a_clear_failure(ckan, monkeypatch, capsys):
    monkeypatch.setenv("CKAN_API_KEY", "wrong-key")
    assert main(["--root", str(REPO), "publish", "ckan", ckan.url, "--send"]) == 1
    err = capsys.readouterr().err
    assert "NotAuthorized" in err and "wrong-key" not in err


def test_a_plain_install_brings_only_pyarrow_and_pandas_and_is_enough_to_read(tmp_path):
    """The wheel with its core dependencies only, in a fresh virtual environment outside the repository (pip
    fetches pyarrow and pandas, pinned as in constraints.txt): every table loads and `show` works; a curator's
    command says which extra to install, without a traceback."""
    subprocess.run([BIN / "hatchling", "build", "-t", "wheel", "-d", tmp_path / "dist"], cwd=REPO, check=True,
                   capture_output=True)
    wheel = next((tmp_path / "dist").glob("anso_facts-*.whl"))
    env = tmp_path / "light"
    venv.create(env, with_pip=True)
    subprocess.run([env / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-c", REPO / "constraints.txt", wheel], check=True, capture_output=True)
    listed = subprocess.run([env / "bin" / "python", "-m", "pip", "list", "--format", "json"], check=True,
                            capture_output=True, text=True)
    installed = {p["name"].lower() for p in json.loads(listed.stdout)} - {"pip", "setuptools"}
    assert installed == {"anso-facts", "pyarrow", "pandas", "numpy", "python-dateutil", "tzdata"}
    script = "import anso_facts, json; print(json.dumps({t: len(anso_facts.load(t)) for t in anso_facts.tables()}))"
    rows = subprocess.run([env / "bin" / "python", "-I", "-c", script], cwd=tmp_path, check=True,
                          capture_output=True, text=True)
    assert json.loads(rows.stdout) == {t: len(anso_facts.load(t, REPO)) for t in anso_facts.tables(REPO)}
    shown = subprocess.run([env / "bin" / "anso-facts", "show", "org-cast"], cwd=tmp_path, capture_output=True,
                           text=True)
    assert shown.returncode == 0 and shown.stdout.startswith("org-cast (organizations): China Association")
    checkout = tmp_path / "checkout"
    for folder in ("seeds", "data"):
        shutil.copytree(REPO / folder, checkout / folder)
    for command, extra in ((["check"], "curate"), (["site"], "site"), (["validate"], "curate")):
        refused = subprocess.run([env / "bin" / "anso-facts", "--root", checkout, *command], capture_output=True,
                                 text=True)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
        assert f"pip install 'anso-facts[{extra}]'" in refused.stderr
