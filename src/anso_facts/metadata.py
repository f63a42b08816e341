"""The dataset's citation metadata, declared once.

datapackage.json, CITATION.cff (Citation File Format 1.2.0) and .zenodo.json (Zenodo's deposit metadata) are
all generated from METADATA by `anso-facts build`; none is edited by hand. The version is the package's own
(`anso_facts.__version__`): one number for the code, the data and the metadata.
"""

from __future__ import annotations

from typing import Any

from . import __version__

DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"

METADATA: dict[str, Any] = {
    "name": "anso-facts",
    "title": "ANSO facts: international science cooperation around COVID-19",
    "description": "Hand-verified facts from documents of the Alliance of International Science Organizations "
                   "(ANSO), the Chinese Academy of Sciences and partners: organizations, people, events, "
                   "databases and platforms, agreements, figures and statements, each cited to the lines and "
                   "exact words of its source.",
    "version": __version__,
    "date_released": "2026-11-21",  # set with each new version
    # No person is named as an author yet; Zenodo and CFF both accept a group as the creator.
    "creators": [{"name": "anso-facts contributors"}],
    "license": {"id": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
                "url": "https://creativecommons.org/licenses/by/4.0/"},
    "code_license": "MIT",
    "keywords": ["ANSO", "COVID-19", "science cooperation", "Chinese Academy of Sciences", "provenance",
                 "frictionless data package"],
    # (identifier, Zenodo relation, description): the package is written to the Data Package v2 standard.
    "related_identifiers": [
        (DATAPACKAGE_PROFILE, "references", "Frictionless Data Package v2 profile the package conforms to"),
    ],
}


def citation_cff() -> str:
    """CITATION.cff, Citation File Format 1.2.0."""
    import yaml
    cff = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": METADATA["title"],
        "abstract": METADATA["description"],
        "version": METADATA["version"],
        "date-released": METADATA["date_released"],
        "authors": [{"name": creator["name"]} for creator in METADATA["creators"]],
        "license": METADATA["license"]["id"],
        "keywords": METADATA["keywords"],
        "identifiers": [{"type": "url", "value": identifier, "description": description}
                        for identifier, _, description in METADATA["related_identifiers"]],
    }
    header = "# Generated from src/anso_facts/metadata.py by `anso-facts build`; do not edit by hand.\n"
    return header + yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)


def zenodo_metadata() -> dict:
    """.zenodo.json: the `metadata` of a Zenodo deposition (which Zenodo prefers to CITATION.cff)."""
    return {
        "upload_type": "dataset",
        "title": METADATA["title"],
        "description": METADATA["description"],
        "version": METADATA["version"],
        "publication_date": METADATA["date_released"],
        "creators": [{"name": creator["name"]} for creator in METADATA["creators"]],
        "access_right": "open",
        "license": METADATA["license"]["id"].lower(),
        "keywords": METADATA["keywords"],
        "related_identifiers": [{"identifier": identifier, "relation": relation, "scheme": "url"}
                                for identifier, relation, _ in METADATA["related_identifiers"]],
    }


def datapackage_metadata() -> dict:
    """The descriptive part of datapackage.json."""
    return {
        "$schema": DATAPACKAGE_PROFILE,
        "name": METADATA["name"],
        "title": METADATA["title"],
        "description": METADATA["description"],
        "version": METADATA["version"],
        "created": f"{METADATA['date_released']}T00:00:00Z",
        "keywords": METADATA["keywords"],
        "licenses": [{"name": METADATA["license"]["id"], "title": METADATA["license"]["title"],
                      "path": METADATA["license"]["url"]}],
        "contributors": [{"title": creator["name"], "roles": ["creator"]} for creator in METADATA["creators"]],
    }


def citation_text() -> str:
    """How to cite the dataset, in one line (APA style, as CITATION.cff would render it)."""
    creators = ", ".join(creator["name"] for creator in METADATA["creators"])
    return (f"{creators} ({METADATA['date_released'][:4]}). {METADATA['title']} (Version {METADATA['version']}) "
            f"[Data set].")


def schema_org_dataset(distribution: list[dict]) -> dict:
    """A schema.org `Dataset` (JSON-LD) for dataset search engines, with every property Google's documentation
    requires or recommends that the project can fill honestly; `distribution`: name, contentUrl and
    encodingFormat of each download. Left out for want of a true value: identifier (no DOI yet), url and sameAs
    (no address yet), funder, spatialCoverage and temporalCoverage (not declared by the curators)."""
    from .model import ALL_TABLES
    from .schemas import columns
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": METADATA["title"],
        "alternateName": METADATA["name"],
        "description": METADATA["description"],
        "version": METADATA["version"],
        "datePublished": METADATA["date_released"],
        "license": METADATA["license"]["url"],
        "isAccessibleForFree": True,
        "creator": [{"@type": "Organization", "name": creator["name"]} for creator in METADATA["creators"]],
        "keywords": METADATA["keywords"],
        "citation": citation_text(),
        "distribution": [{"@type": "DataDownload", **item} for item in distribution],
        "variableMeasured": [{"@type": "PropertyValue", "name": f"{table.name}.{column.name}",
                              "description": column.description}
                             for table in ALL_TABLES for column in columns(table)],
    }
