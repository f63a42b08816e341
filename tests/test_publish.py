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
from anso_facts.build.package import temporal_coverage
from anso_facts.cli import main
from anso_facts.model.metadata import (
    citation_cff,
    citation_text,
    croissant,
    package_dataset,
    zenodo_metadata,
    zenodo_record,
)
from anso_facts.release.archive import release
from anso_facts.release.zenodo import RECORD_SCHEMA, Deposit, ZenodoError
from helpers import REPO, released_copy
from standins import Ckan, Zenodo

BIN = Path(sys.executable).parent


# Citation metadata ------------------------------------------------------------------------------------------


def test_citation_files_are_generated_and_current():
    assert (REPO / "CITATION.cff").read_text(encoding="utf-8") == citation_cff()
    assert json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8")) == zenodo_metadata()
    package = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    coverage = temporal_coverage(REPO)
    assert json.loads((REPO / "croissant.json").read_text(encoding="utf-8")) == croissant(package, coverage)
    assert json.loads((REPO / "dataset.jsonld").read_text(encoding="utf-8")) == package_dataset(package, coverage)


def test_croissant_validates_and_mlcroissant_reads_every_table_back(built):
    """`mlcroissant validate` passes with no warning; each FileObject's sha256 is its file's; every RecordSet
    reads back (through mlcroissant) with the rows and keys of the built table; references follow the foreign
    keys."""
    import mlcroissant

    result = subprocess.run(
        [BIN / "mlcroissant", "validate", "--jsonld", "croissant.json"], cwd=built, capture_output=True, text=True
    )
    assert result.returncode == 0 and "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    document = json.loads((built / "croissant.json").read_text())
    assert document["conformsTo"] == "http://mlcommons.org/croissant/1.0" and "@misc{" in document["citeAs"]
    for item in document["distribution"]:
        assert hashlib.sha256((built / item["contentUrl"]).read_bytes()).hexdigest() == item["sha256"]
    dataset = mlcroissant.Dataset(str(built / "croissant.json"))
    for name in anso_facts.tables(built):
        frame = anso_facts.load(name, built)
        rows = list(dataset.records(name))
        assert len(rows) == len(frame), name
        key = next(r["key"] for r in document["recordSet"] if r["name"] == name)
        for part in key if isinstance(key, list) else [key]:
            column = part["@id"].split("/", 1)[1]
            read = [row[part["@id"]] for row in rows]
            assert [value.decode() if isinstance(value, bytes) else value for value in read] == frame[
                column
            ].tolist(), name
    fields = {f["@id"]: f for r in document["recordSet"] for f in r["field"]}
    assert fields["roles/person_id"]["references"] == {"field": {"@id": "people/id"}}
    assert fields["statistics/subject_id"]["references"] == {"field": {"@id": "records/id"}}
    assert fields["retired_ids/replaced_by_id"]["references"] == {"field": {"@id": "records/id"}}
    assert "references" not in fields["organizations/parent_id"]  # mlcroissant cannot read a self-reference


# Google's Dataset documentation (developers.google.com/search/docs/appearance/structured-data/dataset): the
# properties it requires and those it recommends that the project can fill honestly.
GOOGLE_REQUIRED = ("name", "description")
GOOGLE_RECOMMENDED = (
    "license",
    "version",
    "creator",
    "keywords",
    "distribution",
    "variableMeasured",
    "citation",
    "isAccessibleForFree",
    "alternateName",
    "isBasedOn",
)


def test_dataset_json_ld_has_the_properties_search_engines_read(built):
    dataset = json.loads((built / "dataset.jsonld").read_text())
    assert dataset["@context"] == "https://schema.org/" and dataset["@type"] == "Dataset"
    for name in GOOGLE_REQUIRED + GOOGLE_RECOMMENDED:
        assert dataset.get(name) not in (None, "", []), name
    assert 50 <= len(dataset["description"]) <= 5000  # Google's bounds
    assert dataset["license"].startswith("https://creativecommons.org/")
    assert all(c["@type"] in ("Person", "Organization") and c["name"] for c in dataset["creator"])
    package = json.loads((built / "datapackage.json").read_text())
    assert {(d["contentUrl"], d["encodingFormat"]) for d in dataset["distribution"]} == {
        (r["path"], r["mediatype"]) for r in package["resources"]
    }
    assert all((built / d["contentUrl"]).is_file() and d["@type"] == "DataDownload" for d in dataset["distribution"])
    assert [s["url"] for s in dataset["isBasedOn"]] == [s["path"] for s in package["sources"]]
    measured = {v["name"] for v in dataset["variableMeasured"]}
    assert {
        f"{r['name']}.{f['name']}" for r in package["resources"] if r["format"] == "csv" for f in r["schema"]["fields"]
    } == measured
    assert "identifier" not in dataset and "funder" not in dataset  # none known: none invented


def test_citation_cff_is_valid_cff_1_2_0():
    schema = json.loads((REPO / "tests" / "schemas" / "citation-file-format-1.2.0.schema.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    cff = yaml.safe_load(citation_cff())
    assert list(validator.iter_errors(cff)) == []
    del cff["authors"]  # the schema has teeth
    assert list(validator.iter_errors(cff)) != []


def test_zenodo_json_follows_the_deposit_metadata_rules():
    """.zenodo.json is what Zenodo's GitHub integration reads, in the legacy deposit format."""
    schema = json.loads((REPO / "tests" / "schemas" / "zenodo-deposit-metadata.schema.json").read_text())
    metadata = zenodo_metadata()
    jsonschema.validate(metadata, schema)
    assert metadata["upload_type"] == "dataset" and metadata["license"] == "cc-by-4.0"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**metadata, "related_identifiers": [{"identifier": "x", "relation": "likes"}]}, schema)


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
    """The release archive of the built checkout, made in a copy of it (a release keeps its package in releases/:
    the repository's own is never written by a test)."""
    return release(released_copy(tmp_path_factory.mktemp("checkout")), tmp_path_factory.mktemp("dist"))


def test_release_archive_is_byte_reproducible(archive, tmp_path):
    again = release(released_copy(tmp_path / "checkout"), tmp_path / "dist")
    assert again.name == f"anso-facts-{anso_facts.__version__}.zip"
    assert again.read_bytes() == archive.read_bytes()


def test_release_archive_validates_and_its_manifest_is_true(archive, tmp_path):
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path)
    top = tmp_path / f"anso-facts-{anso_facts.__version__}"
    for name in (
        "datapackage.json",
        "README.md",
        "LICENSE",
        "LICENSE-DATA",
        "CITATION.cff",
        "SEEDS-RIGHTS.md",
        "build/parquet/citations.parquet",
        "data/facts/anso-newsletter-2020.yaml",
        "seeds/seeds.yaml",
        "schemas/facts.schema.json",
        "anso-facts.sqlite",
        "changes.json",
        "CHANGELOG.md",
        "croissant.json",
        "dataset.jsonld",
        "datacite.xml",
        "versions.json",
        "ro-crate-metadata.json",
    ):
        assert (top / name).is_file(), name
    manifest = json.loads((top / "manifest.json").read_text())
    assert manifest["version"] == anso_facts.__version__ and manifest["schema_version"] == "0"
    assert manifest["rows"] == {t: len(anso_facts.load(t, REPO)) for t in anso_facts.tables(REPO)}
    on_disk = sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file())
    # the RO-Crate hashes the manifest, so the manifest cannot hash the crate
    assert sorted(manifest["files"]) == [
        name for name in on_disk if name not in ("manifest.json", "ro-crate-metadata.json")
    ]
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((top / name).read_bytes()).hexdigest() == entry["sha256"], name
    result = subprocess.run(
        [BIN / "frictionless", "validate", "datapackage.json"], cwd=top, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:]


# pip install ------------------------------------------------------------------------------------------------


def test_wheel_installs_offline_and_loads_every_table(tmp_path):
    """Build the wheel and the sdist; install the wheel with no index into a fresh venv that sees only this
    environment's dependencies (not the source tree); load every table from there."""
    subprocess.run(
        [BIN / "hatchling", "build", "-t", "wheel", "-t", "sdist", "-d", tmp_path / "dist"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    wheel = next((tmp_path / "dist").glob("anso_facts-*.whl"))
    with tarfile.open(next((tmp_path / "dist").glob("anso_facts-*.tar.gz"))) as sdist:
        names = sdist.getnames()
    assert any(n.endswith("/datapackage.json") for n in names) and any(n.endswith(".parquet") for n in names)

    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    site = next(env.glob("lib/python3*/site-packages"))
    dependencies = next(Path(p) for p in sys.path if p.endswith("site-packages") and (Path(p) / "pandas").is_dir())
    (site / "dependencies.pth").write_text(f"{dependencies}\n")  # a plain path: its .pth files are not run
    subprocess.run(
        [env / "bin" / "python", "-m", "pip", "install", "--no-index", "--no-deps", "--quiet", wheel],
        check=True,
        capture_output=True,
    )
    installed = site / "anso_facts" / "_package"
    before = sorted(p.relative_to(installed) for p in installed.rglob("*"))
    for command in (
        ["build"],
        ["check"],
        ["coverage"],
        ["release"],
        ["publish", "zenodo"],
        ["--root", str(installed), "build"],
    ):
        refused = subprocess.run([env / "bin" / "anso-facts", *command], cwd=tmp_path, capture_output=True, text=True)
        assert refused.returncode == 2, (command, refused.stdout, refused.stderr)
        assert "is not a checkout of anso-facts" in refused.stderr and "Traceback" not in refused.stderr
    assert sorted(p.relative_to(installed) for p in installed.rglob("*")) == before  # nothing written there
    assert not list(tmp_path.glob(".anso-cache")) and not (tmp_path / "build").exists()
    script = (
        "import anso_facts, duckdb, json\n"
        "root = anso_facts.data_root()\n"
        "joined = duckdb.sql(f\"select count(*) from read_parquet('{root}/build/parquet/roles.parquet') r \"\n"
        "                    f\"join read_parquet('{root}/build/parquet/people.parquet') p \"\n"
        '                    f"on p.id = r.person_id")\n'
        "print(json.dumps({'module': anso_facts.__file__, 'root': str(root), 'joined': joined.fetchall()[0][0], "
        "'rows': {t: len(anso_facts.load(t)) for t in anso_facts.tables()}}))\n"
    )
    result = subprocess.run(
        [env / "bin" / "python", "-I", "-c", script], cwd=tmp_path, check=True, capture_output=True, text=True
    )
    found = json.loads(result.stdout)
    assert found["module"].startswith(str(site)) and found["root"].startswith(str(site))
    assert found["rows"] == {t: len(anso_facts.load(t, REPO)) for t in anso_facts.tables(REPO)}
    assert found["joined"] == found["rows"]["roles"]  # every role's person_id finds its person
    stats = subprocess.run(
        [env / "bin" / "anso-facts", "stats"], cwd=tmp_path, check=True, capture_output=True, text=True
    )
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
    return Deposit(archive, zenodo_record(), zenodo.url, timeout=options.pop("timeout", 10), **options)


def drafts(zenodo) -> list[dict]:
    return [r for r in zenodo.records.values() if r["is_draft"]]


def upload_calls(record_id: str, key: str) -> list[str]:
    files = f"/api/records/{record_id}/draft/files"
    return [f"GET {files}", f"POST {files}", f"PUT {files}/{key}/content", f"POST {files}/{key}/commit"]


def test_zenodo_record_follows_the_invenio_rdm_rules():
    record = zenodo_record()
    jsonschema.validate(record, RECORD_SCHEMA)
    assert record["metadata"]["resource_type"] == {"id": "dataset"}
    assert record["metadata"]["rights"] == [{"id": "cc-by-4.0"}]
    assert record["metadata"]["version"] == anso_facts.__version__
    del record["metadata"]["creators"]
    with pytest.raises(jsonschema.ValidationError):  # the schema has teeth
        jsonschema.validate(record, RECORD_SCHEMA)


def test_zenodo_first_deposit_is_a_draft_filled_in_three_steps_then_published(zenodo, archive):
    result = deposit(zenodo, archive, publish=True).send(Zenodo.TOKEN)
    assert zenodo.calls() == [
        "GET /api/user/records?q=metadata.version%3A%220.1.0%22&sort=updated-desc&size=100",
        "POST /api/records",
        "PUT /api/records/101/draft",
        *upload_calls("101", archive.name),
        "POST /api/records/101/draft/actions/publish",
    ]
    assert result["is_published"] and result["status"] == "published"
    assert all(headers["Authorization"] == "Bearer good-token" for _, _, headers, _ in zenodo.received)
    assert zenodo.records["101"]["files"][archive.name]["data"] == archive.read_bytes()
    content_headers = zenodo.received[5][2]
    assert content_headers["Content-Type"] == "application/octet-stream"
    assert json.loads(zenodo.received[2][3]) == zenodo_record()
    assert json.loads(zenodo.received[4][3]) == [{"key": archive.name}]


def test_zenodo_without_publish_leaves_a_draft(zenodo, archive):
    result = deposit(zenodo, archive).send(Zenodo.TOKEN)
    assert not any("publish" in call for call in zenodo.calls())
    assert result["is_draft"] and not result["is_published"]


def test_zenodo_new_version_starts_without_files_and_keeps_the_old_record(zenodo, archive):
    old = zenodo.published(
        "ANSO facts", "0.0.9", files={"anso-facts-0.0.9.zip": {"status": "completed", "data": b"old"}}
    )
    result = deposit(zenodo, archive, new_version_of=old["id"], publish=True).send(Zenodo.TOKEN)
    new = result["id"]
    assert zenodo.calls() == [
        f"POST /api/records/{old['id']}/versions",
        f"PUT /api/records/{new}/draft",
        *upload_calls(new, archive.name),
        f"POST /api/records/{new}/draft/actions/publish",
    ]
    assert zenodo.records[new]["parent"] == old["parent"] and result["is_published"]
    assert list(zenodo.records[new]["files"]) == [archive.name]
    assert zenodo.records[old["id"]]["files"]["anso-facts-0.0.9.zip"]["data"] == b"old"


def test_zenodo_a_draft_left_by_a_failed_run_is_reused_not_duplicated(zenodo, archive):
    zenodo.failures = {("POST", r"/api/records/\d+/draft/files/.*/commit"): 500}
    with pytest.raises(ZenodoError, match="nothing was published"):
        deposit(zenodo, archive, publish=True).send(Zenodo.TOKEN)
    assert [d["files"][archive.name]["status"] for d in drafts(zenodo)] == ["pending"]
    zenodo.failures, zenodo.received = {}, []
    result = deposit(zenodo, archive, publish=True).send(Zenodo.TOKEN)
    files = "/api/records/101/draft/files"
    assert zenodo.calls()[1:5] == [
        "GET /api/records/101/draft",
        "PUT /api/records/101/draft",
        f"GET {files}",
        f"DELETE {files}/{archive.name}",
    ]
    assert "POST /api/records" not in zenodo.calls()
    assert result["id"] == "101" and result["is_published"] and len(zenodo.records) == 1


def test_zenodo_a_new_version_draft_left_open_is_reused(zenodo, archive):
    old = zenodo.published("ANSO facts", "0.0.9")
    zenodo.failures = {("POST", r"/api/records/\d+/draft/actions/publish"): 500}
    with pytest.raises(ZenodoError):
        deposit(zenodo, archive, new_version_of=old["id"], publish=True).send(Zenodo.TOKEN)
    zenodo.failures = {}
    result = deposit(zenodo, archive, new_version_of=old["id"], publish=True).send(Zenodo.TOKEN)
    assert len(zenodo.records) == 2 and result["is_published"]
    assert [entry["key"] for entry in result["files"]["entries"]] == [archive.name]


def test_zenodo_reports_several_open_drafts_and_a_version_already_published(zenodo, archive):
    title, version = zenodo_record()["metadata"]["title"], anso_facts.__version__
    for _ in range(2):
        zenodo.draft(title, version)
    with pytest.raises(ZenodoError, match="2 drafts of version .* are open .*discard all but one"):
        deposit(zenodo, archive, publish=True).send(Zenodo.TOKEN)
    zenodo.records.clear()
    zenodo.published(title, version)
    with pytest.raises(ZenodoError, match="already published as record 10[0-9].*--new-version-of"):
        deposit(zenodo, archive, publish=True).send(Zenodo.TOKEN)
    assert [call for call in zenodo.calls() if not call.startswith("GET")] == []


def test_zenodo_with_a_community_asks_for_review_instead_of_publishing(zenodo, archive):
    result = deposit(zenodo, archive, publish=True, community="anso").send(Zenodo.TOKEN)
    assert zenodo.calls()[-3:] == [
        "GET /api/communities/anso",
        "PUT /api/records/101/draft/review",
        "POST /api/records/101/draft/actions/submit-review",
    ]
    assert zenodo.reviews["101"]["receiver"] == {"community": Zenodo.COMMUNITY["id"]}
    assert zenodo.reviews["101"]["status"] == "submitted" and not result["is_published"]
    with pytest.raises(ZenodoError, match="find the community nowhere: HTTP 404"):
        deposit(zenodo, archive, publish=True, community="nowhere").send(Zenodo.TOKEN)


@pytest.mark.parametrize(
    "failure, expected",
    [
        ({("POST", "/api/records"): 500}, "HTTP 500 from POST"),
        ({("POST", r"/api/records/\d+/draft/files"): 400}, "metadata.title: ['rejected']"),
        ({("PUT", r"/api/records/\d+/draft/files/.*/content"): 400}, "upload anso-facts"),
        ({("POST", r"/api/records/\d+/draft/files/.*/commit"): "bad-checksum"}, "Zenodo reports checksum 'md5:0000'"),
        ({("PUT", r"/api/records/\d+/draft"): 400}, "set the metadata: HTTP 400"),
        ({("PUT", r"/api/records/\d+/draft/files/.*/content"): "slow"}, "no answer"),
    ],
)
def test_zenodo_failures_never_publish(zenodo, archive, failure, expected):
    zenodo.failures = failure
    with pytest.raises(ZenodoError, match="nothing was published") as raised:
        deposit(zenodo, archive, publish=True, timeout=0.5).send(Zenodo.TOKEN)
    assert expected in str(raised.value)
    assert not any(call.endswith("/actions/publish") for call in zenodo.calls())
    assert not any(record["is_published"] for record in zenodo.records.values())


def test_zenodo_bad_token_is_explained_and_never_shown(zenodo, archive, monkeypatch, capsys):
    monkeypatch.setenv("ZENODO_TOKEN", "secret-but-wrong")
    monkeypatch.setattr("anso_facts.release.zenodo.ZENODO", zenodo.url)
    code = main(["--root", str(REPO), "publish", "zenodo", "--publish", "--archive", str(archive)])
    out, err = capsys.readouterr()
    assert code == 1 and "refused the token" in err and "ZENODO_TOKEN" in err
    assert "secret-but-wrong" not in out + err
    assert len(zenodo.calls()) == 1


def test_zenodo_cli_publishes_a_new_version_and_says_where(zenodo, archive, monkeypatch, capsys):
    monkeypatch.setenv("ZENODO_TOKEN", Zenodo.TOKEN)
    monkeypatch.setattr("anso_facts.release.zenodo.ZENODO", zenodo.url)
    old = zenodo.published("ANSO facts", "0.0.9")
    assert (
        main(
            [
                "--root",
                str(REPO),
                "publish",
                "zenodo",
                "--publish",
                "--new-version-of",
                old["id"],
                "--archive",
                str(archive),
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == f"published: record 102 {zenodo.url}/uploads/102\n"


def test_zenodo_dry_run_sends_nothing(zenodo, archive, monkeypatch, capsys):
    monkeypatch.setenv("ZENODO_TOKEN", "good-token")
    monkeypatch.setattr("anso_facts.release.zenodo.ZENODO", zenodo.url)
    assert main(["--root", str(REPO), "publish", "zenodo", "--archive", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out and '"resource_type": {"id": "dataset"}' in out and "good-token" not in out
    assert "/draft/files/" in out and "/actions/publish" not in out
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
    again = ckan.calls()[len(calls) :]
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
    subprocess.run(
        [BIN / "hatchling", "build", "-t", "wheel", "-d", tmp_path / "dist"], cwd=REPO, check=True, capture_output=True
    )
    wheel = next((tmp_path / "dist").glob("anso_facts-*.whl"))
    env = tmp_path / "light"
    venv.create(env, with_pip=True)
    subprocess.run(
        [
            env / "bin" / "python",
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            REPO / "constraints.txt",
            wheel,
        ],
        check=True,
        capture_output=True,
    )
    listed = subprocess.run(
        [env / "bin" / "python", "-m", "pip", "list", "--format", "json"], check=True, capture_output=True, text=True
    )
    installed = {p["name"].lower() for p in json.loads(listed.stdout)} - {"pip", "setuptools"}
    assert installed == {"anso-facts", "pyarrow", "pandas", "numpy", "python-dateutil", "tzdata"}
    script = "import anso_facts, json; print(json.dumps({t: len(anso_facts.load(t)) for t in anso_facts.tables()}))"
    rows = subprocess.run(
        [env / "bin" / "python", "-I", "-c", script], cwd=tmp_path, check=True, capture_output=True, text=True
    )
    assert json.loads(rows.stdout) == {t: len(anso_facts.load(t, REPO)) for t in anso_facts.tables(REPO)}
    shown = subprocess.run(
        [env / "bin" / "anso-facts", "show", "org-cast"], cwd=tmp_path, capture_output=True, text=True
    )
    assert shown.returncode == 0 and shown.stdout.startswith("org-cast (organizations): China Association")
    checkout = tmp_path / "checkout"
    for folder in ("seeds", "data"):
        shutil.copytree(REPO / folder, checkout / folder)
    for command, extra in ((["check"], "curate"), (["site"], "site"), (["validate"], "curate")):
        refused = subprocess.run(
            [env / "bin" / "anso-facts", "--root", checkout, *command], capture_output=True, text=True
        )
        assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
        assert f"pip install 'anso-facts[{extra}]'" in refused.stderr
