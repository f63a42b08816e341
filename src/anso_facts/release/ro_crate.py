"""ro-crate-metadata.json: the release archive as an RO-Crate 1.2 (https://w3id.org/ro/crate/1.2), at its root.

Every file of the archive is a data entity with its size, media type and sha256; the folders are Dataset
entities that hold them. The build is a CreateAction (as RO-Crate's provenance section describes a tool's run):
its instrument anso-facts at this version, its objects the sources (the seed texts, their catalogue and the
curated YAML), its results the built files. The dataset itself has the metadata of metadata.py (the DOI once
reserved, the language, the temporal coverage computed from the data). The tests validate the crate with
roc-validator (PyPI).
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import PurePosixPath
from typing import Any

from anso_facts import __version__
from anso_facts.build.outputs import PATHS
from anso_facts.model.metadata import DATAPACKAGE_PROFILE, METADATA, concept_doi, doi, doi_url

NAME = "ro-crate-metadata.json"
RO_CRATE = "https://w3id.org/ro/crate/1.2"
TOOL = "https://pypi.org/project/anso-facts/"
BUILD = "#build"  # the CreateAction that made the built files
BUILD_INPUTS = ("seeds/", "data/")  # what the build reads; the results are what it writes
MEDIA_TYPES = {
    ".parquet": "application/vnd.apache.parquet",
    ".yaml": "application/yaml",
    ".md": "text/markdown",
    ".jsonld": "application/ld+json",
    ".cff": "application/yaml",
    ".sqlite": "application/vnd.sqlite3",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
}


DESCRIPTIONS = {
    "README.md": "The dataset card: what the data is, its sources, tables, policies, licence and how to cite it.",
    "datapackage.json": "The Frictionless Data Package v2 descriptor: every table's schema, keys and sources.",
    "datacite.xml": "The dataset's DataCite Metadata Schema 4.5 record.",
    "croissant.json": "The dataset in MLCommons Croissant 1.0.",
    "dataset.jsonld": "The dataset as a schema.org Dataset (JSON-LD).",
    "CITATION.cff": "How to cite the dataset (Citation File Format 1.2.0).",
    ".zenodo.json": "Zenodo's deposit metadata.",
    "manifest.json": "The archive's manifest: version, schema version, DOI, rows per table, sha256 of every file.",
    "versions.json": "Every version of the dataset: date, schema version, DOI, archive sha256, rows.",
    "changes.json": "What changed since the previous release, per table and field.",
    "CHANGELOG.md": "The changes of every version.",
    "SEEDS-RIGHTS.md": "The rights statement of every seed text.",
    "anso-facts.sqlite": "Every table in one SQLite database, with its keys and constraints.",
    "LICENSE": "The code's licence (MIT).",
    "LICENSE-DATA": "The data's licence (CC-BY-4.0).",
    "seeds/seeds.yaml": "The seed catalogue: every source document with its sha256, line count and rights.",
}


def _description(name: str) -> str:
    path = PurePosixPath(name)
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    if name.startswith(("build/csv/", "build/parquet/")):
        return f"The {path.stem} table, as {'CSV' if path.suffix == '.csv' else 'Parquet'}."
    if name.startswith("seeds/"):
        return "A seed text, byte for byte as published (its rights are its publisher's)."
    if name.startswith("data/"):
        return "Curated facts, as YAML, each citing its seed's lines and words."
    if name.startswith("schemas/"):
        return "A JSON Schema of the curated files or tables."
    return f"{path.name}: documentation or metadata of the dataset."


def _one(items: list) -> Any:
    """A single value where there is one, as RO-Crate's JSON-LD recommends; else the list."""
    return items[0] if len(items) == 1 else items


def _media_type(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _folders(name: str) -> list[str]:
    parts = PurePosixPath(name).parts[:-1]
    return [f"{'/'.join(parts[: i + 1])}/" for i in range(len(parts))]


def _built(name: str) -> bool:
    """Whether the build wrote the file: one of its outputs, or in one of its output folders (outputs.py)."""
    return any(name == path or name.startswith(f"{path}/") for path in PATHS)


class _Tree:
    """The archive's files and folders, and what each folder holds."""

    def __init__(self, contents: dict[str, bytes]):
        self.names = sorted(name for name in contents if name != NAME)
        self.folders = sorted({folder for name in self.names for folder in _folders(name)})

    def parts_of(self, folder: str) -> Any:
        return _one(
            [{"@id": item} for item in [*self.folders, *self.names] if item != folder and _parent(item) == folder]
        )


def _parent(path: str) -> str:
    found = _folders(path.rstrip("/"))
    return found[-1] if found else "./"


def _root_dataset(tree: _Tree, temporal_coverage: str | None) -> dict[str, Any]:
    """The crate's root: the dataset, with the metadata of metadata.py; the DOIs once reserved."""
    root: dict[str, Any] = {
        "@id": "./",
        "@type": "Dataset",
        "name": METADATA["title"],
        "description": METADATA["description"],
        "version": METADATA["version"],
        "datePublished": METADATA["date_released"],
        "license": {"@id": METADATA["license"]["url"]},
        "inLanguage": METADATA["language"],
        "keywords": METADATA["keywords"],
        "creator": _one([{"@id": f"#creator-{index}"} for index, _ in enumerate(METADATA["creators"])]),
        "hasPart": tree.parts_of("./"),
        "mentions": {"@id": BUILD},
    }
    if doi():
        root["identifier"] = doi_url(doi())  # type: ignore[arg-type]
    if concept_doi():
        root["isPartOf"] = {"@id": doi_url(concept_doi())}  # type: ignore[arg-type]
    if temporal_coverage:
        root["temporalCoverage"] = temporal_coverage
    return root


def _licence_and_creators() -> list[dict[str, Any]]:
    return [
        {
            "@id": METADATA["license"]["url"],
            "@type": "CreativeWork",
            "name": METADATA["license"]["title"],
            "identifier": METADATA["license"]["id"],
            "description": f"The data's licence, {METADATA['license']['id']}.",
        },
        *[
            {
                "@id": f"#creator-{index}",
                "@type": "Organization" if not creator.get("orcid") else "Person",
                "name": creator["name"],
            }
            for index, creator in enumerate(METADATA["creators"])
        ],
    ]


def _folder_entities(tree: _Tree) -> list[dict[str, Any]]:
    return [
        {
            "@id": folder,
            "@type": "Dataset",
            "name": folder,
            "description": f"The folder {folder}.",
            "hasPart": tree.parts_of(folder),
        }
        for folder in tree.folders
    ]


def _file_entities(contents: dict[str, bytes], names: list[str]) -> list[dict[str, Any]]:
    """Every file with its size, media type and sha256; datapackage.json with the profile it conforms to."""
    entities: list[dict[str, Any]] = []
    for name in names:
        entity: dict[str, Any] = {
            "@id": name,
            "@type": "File",
            "name": PurePosixPath(name).name,
            "description": _description(name),
            "contentSize": str(len(contents[name])),
            "encodingFormat": _media_type(name),
            "sha256": hashlib.sha256(contents[name]).hexdigest(),
        }
        if name == "datapackage.json":
            entity["conformsTo"] = {"@id": DATAPACKAGE_PROFILE}
        entities.append(entity)
    if "datapackage.json" in contents:
        entities.append({"@id": DATAPACKAGE_PROFILE, "@type": "CreativeWork", "name": "Data Package v2 (Frictionless)"})
    return entities


def _provenance(names: list[str]) -> list[dict[str, Any]]:
    """The build as a CreateAction: anso-facts its instrument, the sources its objects, the built files its results."""
    return [
        {"@id": TOOL, "@type": "SoftwareApplication", "name": "anso-facts", "version": __version__, "url": TOOL},
        {
            "@id": BUILD,
            "@type": "CreateAction",
            "name": f"anso-facts build (version {__version__})",
            "description": "Checks the curated facts against the seed texts, then writes the tables and their "
            "metadata.",
            "endTime": METADATA["date_released"],
            "instrument": {"@id": TOOL},
            "object": [{"@id": name} for name in names if name.startswith(BUILD_INPUTS)],
            "result": [{"@id": name} for name in names if _built(name)],
        },
    ]


def ro_crate(contents: dict[str, bytes], temporal_coverage: str | None = None) -> dict:
    """The crate of an archive whose files (path relative to its root -> bytes) are `contents`."""
    tree = _Tree(contents)
    graph: list[dict[str, Any]] = [
        {"@id": NAME, "@type": "CreativeWork", "conformsTo": {"@id": RO_CRATE}, "about": {"@id": "./"}},
        _root_dataset(tree, temporal_coverage),
        *_licence_and_creators(),
        *_folder_entities(tree),
        *_file_entities(contents, tree.names),
        *_provenance(tree.names),
    ]
    return {"@context": f"{RO_CRATE}/context", "@graph": graph}
