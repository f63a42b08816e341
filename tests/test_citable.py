"""Citable and findable (issue 27): citation metadata converted by cffconvert, the DataCite XML against the
official XSD, the RO-Crate through roc-validator, signposting and the linkset read back, the dataset card loaded
by `datasets`, the DOI reserved before the archive and carried into every output, the versions index, and
`publish huggingface` against a stand-in of the Hub. Everything a test needs is installed or vendored by the
project: nothing here is skipped."""

import hashlib
import json
import os
import shutil
import subprocess
import venv
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

import anso_facts
from anso_facts.build.card import dataset_card, front_matter
from anso_facts.build.package import row_counts, temporal_coverage
from anso_facts.cli import main
from anso_facts.model import metadata
from anso_facts.release import huggingface
from anso_facts.release.archive import release, versions_index
from helpers import REPO, build_project, copy_real_project
from standins import Hub, Zenodo

SCHEMAS = REPO / "tests" / "schemas"
PROFILE = metadata.DATAPACKAGE_PROFILE
CFFCONVERT = "cffconvert==2.0.0"  # pins jsonschema 3.2: in a venv of its own (NOTES.md)
# tests/schemas/README.md: the DataCite 4.5 XSD and its includes, as published
XSD_SHA256 = {
    "metadata.xsd": "e37de897a5bfc51ffe4aa04930c68b607ff4b12ed68a32286920d08d93f713ee",
    "include/datacite-contributorType-v4.xsd": "71f6bf321730fe0db67a52a86419941b79a382d522a34aedfadb6ff63c0765f1",
    "include/datacite-dateType-v4.xsd": "ff536358f247b6e03486aa3f25283f8abb2e04803115cc151c24a7b7351f2ccb",
    "include/datacite-descriptionType-v4.xsd": "b69733e1cffe134eada14d604db17dcf913c21bc8552f6b7debcd3ce04eba3e9",
    "include/datacite-funderIdentifierType-v4.xsd": "eab86e3c6fb0d24d3508559e667641862838b988fe14147dc187ebd79c9bcfe8",
    "include/datacite-nameType-v4.xsd": "a841e852c1cf00e6301f489ce6b85d94017b6cffbdce991d2b7a5e7e27921e5a",
    "include/datacite-numberType-v4.xsd": "e9f9e3c66b34a4476bab683058734f22922d167f76e642db0c05a50842b94241",
    "include/datacite-relatedIdentifierType-v4.xsd": "8defb58eed2b6d79544f1d1991bb8ba149593399c291215f4be849cc3b8afab8",
    "include/datacite-relationType-v4.xsd": "e2aed4c4b666281be55239e9d36fb9f1c0830f9c2fa524f91236ea8fac357c73",
    "include/datacite-resourceType-v4.xsd": "c6b521096f9474ab9a41ca0768dd7f299b167fc40660a7e91a757bf0ff6d50a1",
    "include/datacite-titleType-v4.xsd": "8be9425ee1e07bf5f727cadeba90978498d14d99ac98a2720971355fd70b1f7a",
    "include/xml.xsd": "cc701736c42cc64126fad063bb95f94484b5de3b5f808a86ea098b0957aff829",
}
RO_CRATE_CONTEXT_SHA256 = "27a661f6082735563d9f83145a63876cbe0c0b78624332d3ca05053253eb0d41"
DATACITE = "{http://datacite.org/schema/kernel-4}"


@pytest.fixture
def doi_file(tmp_path, monkeypatch) -> Path:
    """The DOI record in a scratch place, so that a test never writes the committed one."""
    path = tmp_path / "doi.json"
    monkeypatch.setattr(metadata, "DOI_FILE", path)
    return path


def reserved(doi_file: Path, doi="10.5072/zenodo.101", concept: str | None = None) -> None:
    metadata.write_doi_record(
        {
            "version": anso_facts.__version__,
            "doi": doi,
            "record": "101",
            "host": "https://zenodo.org",
            **({"concept_doi": concept} if concept else {}),
        }
    )


# cffconvert --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cffconvert() -> Path:
    """cffconvert in a venv of its own, kept in .venv/ between runs (installed from PyPI the first time)."""
    env = REPO / ".venv" / "cffconvert-2.0.0"
    program = env / "bin" / "cffconvert"
    if not program.exists():
        shutil.rmtree(env, ignore_errors=True)
        venv.create(env, with_pip=True)
        subprocess.run(
            [env / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", CFFCONVERT],
            check=True,
            capture_output=True,
        )
    return program


def converted(cffconvert: Path, cff: str, folder: Path, form: str) -> str:
    (folder / "CITATION.cff").write_text(cff, encoding="utf-8")
    done = subprocess.run([cffconvert, "-f", form, "-i", folder / "CITATION.cff"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cffconvert_cites_no_profile_url_and_the_doi_once_reserved(cffconvert, tmp_path, doi_file):
    """The Frictionless profile is a conformance claim, not the dataset's address: neither APA nor BibTeX cites it,
    nor .zenodo.json or the InvenioRDM draft; once a DOI is reserved, both cite it."""
    for form in ("apalike", "bibtex"):
        text = converted(cffconvert, metadata.citation_cff(), tmp_path, form)
        assert "datapackage.org" not in text and "profiles" not in text, text
        assert metadata.METADATA["title"] in text
    assert PROFILE not in json.dumps(metadata.zenodo_metadata()) + json.dumps(metadata.zenodo_record())
    assert PROFILE not in (REPO / "CITATION.cff").read_text() + (REPO / ".zenodo.json").read_text()
    reserved(doi_file, concept="10.5072/zenodo.100")
    apa = converted(cffconvert, metadata.citation_cff(), tmp_path, "apalike")
    bibtex = converted(cffconvert, metadata.citation_cff(), tmp_path, "bibtex")
    assert "10.5072/zenodo.101" in apa and "doi = {10.5072/zenodo.101}" in bibtex
    assert "datapackage.org" not in apa + bibtex


def test_language_everywhere_and_the_seeds_are_in_it(built):
    assert metadata.zenodo_metadata()["language"] == "eng"
    assert metadata.zenodo_record()["metadata"]["languages"] == [{"id": "eng"}]
    for name in ("croissant.json", "dataset.jsonld"):
        assert json.loads((built / name).read_text())["inLanguage"] == "en"
    assert set(anso_facts.load("seeds", built)["language"]) == {metadata.METADATA["language"]}


def test_temporal_coverage_is_computed_from_the_data_and_never_committed(built):
    coverage = temporal_coverage(built)
    events, stats = anso_facts.load("events", built), anso_facts.load("statistics", built)
    first = min(events["date"].min(), stats["as_of"].min())
    assert coverage.split("/")[0] == first.date().isoformat() and coverage == "2018-10-14/2021"  # as the data gives
    for name in ("croissant.json", "dataset.jsonld"):
        assert json.loads((built / name).read_text())["temporalCoverage"] == coverage
    record = metadata.zenodo_record(coverage)["metadata"]
    assert record["dates"][0]["date"] == coverage and record["dates"][0]["type"] == {"id": "other"}
    for committed in ("CITATION.cff", ".zenodo.json"):  # made from metadata.py and the DOI record alone
        assert "2018" not in (built / committed).read_text()


# DataCite ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def datacite_schema():
    import xmlschema

    folder = SCHEMAS / "datacite-4.5"
    for name, sha256 in XSD_SHA256.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha256, name
    return xmlschema.XMLSchema(str(folder / "metadata.xsd"))


def test_datacite_xml_is_valid_4_5_with_the_seeds_as_related_items(built, datacite_schema):
    from xml.etree import ElementTree as ET

    path = built / "build" / "datacite.xml"
    datacite_schema.validate(str(path))
    root = ET.parse(path).getroot()
    assert root.find(f"{DATACITE}identifier").text == ":tba"  # DataCite's value for "to be assigned"
    items = root.findall(f"{DATACITE}relatedItems/{DATACITE}relatedItem")
    seeds = anso_facts.load("seeds", built)
    assert [i.find(f"{DATACITE}titles/{DATACITE}title").text for i in items] == list(seeds["title"])
    assert {i.get("relationType") for i in items} == {"IsDerivedFrom"}
    assert [i.find(f"{DATACITE}publisher").text for i in items] == list(seeds["publisher"])
    coverage = root.find(f"{DATACITE}dates/{DATACITE}date[@dateType='Other']")
    assert coverage.text == temporal_coverage(built) and root.find(f"{DATACITE}language").text == "en"
    broken = path.read_text().replace('relationType="IsDerivedFrom"', 'relationType="IsMadeFrom"')
    assert not datacite_schema.is_valid(broken)  # the schema has teeth


def test_datacite_xml_with_a_reserved_doi(built, datacite_schema, doi_file):
    from anso_facts.model.datacite import datacite_xml

    reserved(doi_file, concept="10.5072/zenodo.100")
    text = datacite_xml([{"title": "A seed", "publisher": "ANSO", "published": "2020"}], "2018/2021", ["text/csv"])
    datacite_schema.validate(text)
    assert '<identifier identifierType="DOI">10.5072/zenodo.101</identifier>' in text
    assert 'relationType="IsVersionOf">10.5072/zenodo.100<' in text and "<publisher>Zenodo</publisher>" in text


# Signposting -------------------------------------------------------------------------------------------------


def test_signposting_links_and_linkset_read_back(tmp_path, doi_file):
    downloads = [
        {"path": "anso-facts-0.1.0.zip", "format": "application/zip"},
        {"path": "package/datapackage.json", "format": "application/json"},
    ]
    links = metadata.signposting_links(downloads)
    assert "cite-as" not in {link["rel"] for link in links}  # no DOI yet: none invented
    reserved(doi_file)
    links = metadata.signposting_links(downloads)
    path = tmp_path / "linkset.json"
    path.write_text(json.dumps(metadata.linkset(links, "https://example.org/anso-facts/")))
    read = json.loads(path.read_text())["linkset"]
    assert len(read) == 1 and read[0]["anchor"] == "https://example.org/anso-facts/"
    context = read[0]
    assert context["cite-as"] == [{"href": "https://doi.org/10.5072/zenodo.101"}]
    assert {(t["href"], t["type"]) for t in context["describedby"]} == {
        ("dataset.jsonld", "application/ld+json"),
        ("datacite.xml", "application/vnd.datacite.datacite+xml"),
    }
    assert [t["href"] for t in context["item"]] == [d["path"] for d in downloads]
    assert context["license"] == [{"href": "https://creativecommons.org/licenses/by/4.0/"}]
    assert {t["href"] for t in context["type"]} == {"https://schema.org/Dataset", "https://schema.org/AboutPage"}
    assert set(context) - {"anchor"} <= set(metadata.SIGNPOSTING_RELATIONS)


# The dataset card and `datasets` -----------------------------------------------------------------------------


def test_the_card_states_the_computed_figures(built):
    card = dataset_card(built)
    head = yaml.safe_load(card.split("---\n")[1])
    counts = row_counts(built)
    assert head["license"] == "cc-by-4.0" and head["language"] == ["en"] and head["size_categories"] == ["n<1K"]
    assert head["pretty_name"] == metadata.METADATA["title"] and "COVID-19" in head["tags"]
    assert [c["config_name"] for c in head["configs"]] == [name for name, rows in counts.items() if rows]
    for name, rows in counts.items():
        assert f"| `{name}` | {rows} |" in card
    assert "Self-publication bias" in card and "`org-anso`" in card and "`org-cast`" in card
    assert temporal_coverage(built) in card and "roles.person_id` → `people.id`" in card
    assert "python3 dev.py" not in card and metadata.citation_text() in card


def test_datasets_loads_every_table_from_the_cards_configs(built, tmp_path):
    """The card is proven: `datasets.load_dataset(folder, TABLE)` on a local copy of what would be uploaded gives
    each table's rows and values."""
    import datasets

    folder = huggingface.write_folder(built, tmp_path / "hub")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    configs = front_matter(row_counts(built))["configs"]
    assert configs
    for config in configs:
        name = config["config_name"]
        loaded = datasets.load_dataset(str(folder), name, split="train", cache_dir=str(tmp_path / "cache"))
        expected = pq.read_table(built / "build" / "parquet" / f"{name}.parquet")
        assert loaded.num_rows == expected.num_rows == len(anso_facts.load(name, built)), name
        assert loaded.column_names == expected.column_names, name
        assert loaded.data.table.to_pylist() == expected.to_pylist(), name


# The DOI before the archive ----------------------------------------------------------------------------------


@pytest.fixture
def zenodo():
    server = Zenodo()
    yield server
    server.close()


@pytest.fixture
def checkout(tmp_path) -> Path:
    root = copy_real_project(tmp_path / "checkout")
    for name in ("LICENSE", "LICENSE-DATA"):
        shutil.copyfile(REPO / name, root / name)
    return root


def test_reserve_doi_then_build_release_and_send_one_doi_everywhere(
    zenodo, checkout, tmp_path, doi_file, monkeypatch, capsys, datacite_schema
):
    monkeypatch.setattr("anso_facts.release.zenodo.ZENODO", zenodo.url)
    monkeypatch.setenv("ZENODO_TOKEN", Zenodo.TOKEN)
    build_project(checkout)
    before = release(checkout, tmp_path / "before")  # made before the DOI: it cites none
    shutil.rmtree(checkout / "releases")

    assert main(["--root", str(checkout), "publish", "zenodo", "--reserve-doi"]) == 0  # a dry run
    assert zenodo.received == [] and not doi_file.exists()
    assert main(["--root", str(checkout), "publish", "zenodo", "--reserve-doi", "--send"]) == 0
    assert zenodo.calls()[-1] == "POST /api/records/101/draft/pids/doi" and "good-token" not in capsys.readouterr().out
    doi = "10.5072/zenodo.101"
    assert json.loads(doi_file.read_text()) == {
        "version": anso_facts.__version__,
        "doi": doi,
        "record": "101",
        "host": zenodo.url,
    }
    assert main(["--root", str(checkout), "publish", "zenodo", "--reserve-doi", "--send"]) == 0  # reused, kept
    assert len(zenodo.records) == 1 and metadata.doi() == doi

    build_project(checkout)
    cff = yaml.safe_load((checkout / "CITATION.cff").read_text())
    assert cff["doi"] == doi and cff["identifiers"][0]["value"] == doi
    assert json.loads((checkout / ".zenodo.json").read_text())["doi"] == doi
    for name in ("croissant.json", "dataset.jsonld"):
        assert json.loads((checkout / name).read_text())["identifier"] == f"https://doi.org/{doi}"
    datacite_schema.validate(str(checkout / "build" / "datacite.xml"))
    assert f'identifierType="DOI">{doi}<' in (checkout / "build" / "datacite.xml").read_text()
    assert f"https://doi.org/{doi}" in metadata.citation_text()
    archive = release(checkout, tmp_path / "dist")
    with zipfile.ZipFile(archive) as zipped:
        top = f"anso-facts-{anso_facts.__version__}/"
        assert json.loads(zipped.read(top + "manifest.json"))["doi"] == doi
        assert doi in zipped.read(top + "README.md").decode() and doi in zipped.read(top + "datacite.xml").decode()
        assert json.loads(zipped.read(top + "ro-crate-metadata.json"))["@graph"][1]["identifier"].endswith(doi)
    assert json.loads((checkout / "releases" / anso_facts.__version__ / "release.json").read_text())["doi"] == doi

    zenodo.received = []
    assert main(["--root", str(checkout), "publish", "zenodo", "--send", "--archive", str(before)]) == 1
    assert "carries the DOI (none), the draft 101 10.5072/zenodo.101" in capsys.readouterr().err
    assert zenodo.calls() == ["GET /api/records/101/draft"] and zenodo.records["101"]["files"] == {}

    zenodo.received = []
    assert main(["--root", str(checkout), "publish", "zenodo", "--publish", "--archive", str(archive)]) == 0
    assert zenodo.calls()[:2] == ["GET /api/records/101/draft", "PUT /api/records/101/draft"]
    sent = json.loads(zenodo.received[1][3])
    assert sent["pids"]["doi"]["identifier"] == doi and sent["metadata"]["dates"][0]["date"] == "2018-10-14/2021"
    record = zenodo.records["101"]
    assert record["is_published"] and record["pids"]["doi"]["identifier"] == doi
    assert record["files"][archive.name]["data"] == archive.read_bytes() and len(zenodo.records) == 1
    concept = record["parent"]["pids"]["doi"]["identifier"]
    assert metadata.concept_doi() == concept and "concept DOI" in capsys.readouterr().out


def test_versions_index_lists_every_release(checkout, tmp_path, doi_file):
    build_project(checkout)
    archive = release(checkout, tmp_path / "dist")
    index = versions_index(checkout)
    entry = index["versions"][0]
    assert index["newest"] == anso_facts.__version__ and entry["newest"]
    assert entry["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest() and entry["schema_version"] == "0"
    assert entry["rows"] == {t: len(anso_facts.load(t, checkout)) for t in anso_facts.tables(checkout)}
    assert entry["doi"] is None and entry["date_released"] == metadata.METADATA["date_released"]
    with zipfile.ZipFile(archive) as zipped:
        packed = json.loads(zipped.read(f"anso-facts-{anso_facts.__version__}/versions.json"))
    assert packed["versions"][0] == {**entry, "sha256": None}  # an archive cannot hold its own checksum


def test_the_archive_readme_is_the_card_and_its_ro_crate_is_valid(checkout, tmp_path, doi_file, monkeypatch):
    """README.md is the dataset card; ro-crate-metadata.json describes every file with its sha256 and the build
    as a CreateAction, and roc-validator finds no required issue (its JSON-LD context handed to it offline)."""
    import requests
    from rocrate_validator import models, services
    from rocrate_validator.utils.http import HttpRequester

    build_project(checkout)
    archive = release(checkout, tmp_path / "dist")
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(tmp_path / "unpacked")
    top = tmp_path / "unpacked" / f"anso-facts-{anso_facts.__version__}"
    assert (top / "README.md").read_text() == (checkout / "build" / "DATASET.md").read_text()
    assert (top / "README.md").read_text().startswith("---\nlicense: cc-by-4.0\n")
    crate = json.loads((top / "ro-crate-metadata.json").read_text())
    entities = {entity["@id"]: entity for entity in crate["@graph"]}
    files = sorted(p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file())
    assert sorted(i for i, e in entities.items() if e["@type"] == "File") == [
        name for name in files if name != "ro-crate-metadata.json"
    ]
    for name in files:
        if name != "ro-crate-metadata.json":
            assert entities[name]["sha256"] == hashlib.sha256((top / name).read_bytes()).hexdigest(), name
    action = entities["#build"]
    assert (
        action["@type"] == "CreateAction" and entities[action["instrument"]["@id"]]["version"] == anso_facts.__version__
    )
    assert {"@id": "seeds/seeds.yaml"} in action["object"] and {"@id": "datapackage.json"} in action["result"]

    context = (SCHEMAS / "ro-crate-1.2" / "context.jsonld").read_bytes()
    assert hashlib.sha256(context).hexdigest() == RO_CRATE_CONTEXT_SHA256
    asked = []

    def offline(self, url, **_):
        asked.append(url)
        response = requests.Response()
        response.url, response.status_code, response._content = url, 504, b""
        if url.rstrip("/") == "https://w3id.org/ro/crate/1.2/context":
            response.status_code, response._content = 200, context
            response.headers["Content-Type"] = "application/ld+json"
        return response

    for method in ("get", "head"):  # the requester delegates them to its session: set on the class, for the test
        monkeypatch.setattr(HttpRequester, method, offline, raising=False)

    def validate():
        return services.validate(
            services.ValidationSettings(
                rocrate_uri=str(top), profile_identifier="ro-crate-1.2", requirement_severity=models.Severity.REQUIRED
            )
        )

    result = validate()
    assert [issue.message for issue in result.get_issues()] == [] and result.passed()
    assert set(asked) == {"https://w3id.org/ro/crate/1.2/context"}
    broken = {**crate, "@graph": [e for e in crate["@graph"] if e["@id"] != "./"]}
    (top / "ro-crate-metadata.json").write_text(json.dumps(broken))
    result = validate()  # the validator has teeth
    assert not result.passed()


# Hugging Face Hub --------------------------------------------------------------------------------------------


@pytest.fixture
def hub(monkeypatch):
    server = Hub()
    monkeypatch.setattr(huggingface, "HUB", server.url)
    yield server
    server.close()


def test_publish_huggingface_dry_run_sends_nothing(hub, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", Hub.TOKEN)
    assert main(["--root", str(REPO), "publish", "huggingface", "anso/facts"]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out and "build/parquet/statistics.parquet" in out and "README.md" in out
    assert hub.received == [] and Hub.TOKEN not in out
    assert main(["--root", str(REPO), "publish", "huggingface", "not a repo"]) == 2


def test_publish_huggingface_sends_one_tagged_commit_per_version(hub, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", Hub.TOKEN)
    assert main(["--root", str(REPO), "publish", "huggingface", "anso/facts", "--send"]) == 0
    out, err = capsys.readouterr()
    repo = hub.repos["anso/facts"]
    assert len(repo["commits"]) == 1 and repo["tags"] == {f"v{anso_facts.__version__}": repo["head"]}
    assert repo["commits"][0]["summary"] == f"anso-facts {anso_facts.__version__}"
    assert repo["files"]["README.md"].decode() == dataset_card(REPO, "anso/facts")
    for name in anso_facts.tables(REPO):
        path = f"build/parquet/{name}.parquet"
        assert repo["files"][path] == (REPO / path).read_bytes(), name
    assert "POST /api/datasets/anso/facts/preupload/main" in hub.calls()
    assert any(call.startswith("PUT /lfs-upload/") for call in hub.calls())  # Parquet through LFS
    assert Hub.TOKEN not in out + err and "Xet" not in err
    assert main(["--root", str(REPO), "publish", "huggingface", "anso/facts", "--send"]) == 1
    assert "has the tag v" in capsys.readouterr().err and len(repo["commits"]) == 1


def test_publish_huggingface_bad_token_is_explained_and_never_shown(hub, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", "hf_secret_but_wrong")
    assert main(["--root", str(REPO), "publish", "huggingface", "anso/facts", "--send"]) == 1
    out, err = capsys.readouterr()
    assert "refused the token (HTTP 401)" in err and "HF_TOKEN" in err
    assert "hf_secret_but_wrong" not in out + err
    monkeypatch.setenv("HF_TOKEN", "hf_bad\r\n")
    with pytest.raises(SystemExit):
        main(["--root", str(REPO), "publish", "huggingface", "anso/facts", "--send"])
    assert "hf_bad" not in "".join(capsys.readouterr())
