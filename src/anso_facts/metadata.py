"""The dataset's citation metadata, declared once.

datapackage.json, CITATION.cff (Citation File Format 1.2.0), .zenodo.json (Zenodo's deposit metadata),
croissant.json (MLCommons Croissant 1.0) and dataset.jsonld (a schema.org Dataset) are all generated from
METADATA by `anso-facts build`; none is edited by hand. The version is the package's own
(`anso_facts.__version__`): one number for the code, the data and the metadata.
"""

from __future__ import annotations

from typing import Any

from . import __version__

DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
CROISSANT = "http://mlcommons.org/croissant/1.0"

# Both empty until known; invent none. The repository: its public address (https://...). The authors: the
# people who made the dataset, each {"name": "Family, Given"}, with "orcid" where known.
REPOSITORY = ""
AUTHORS: list[dict[str, str]] = []

METADATA: dict[str, Any] = {
    "name": "anso-facts",
    "title": "ANSO facts: international science cooperation around COVID-19",
    "description": "Hand-verified facts from documents of the Alliance of International Science Organizations "
                   "(ANSO), the Chinese Academy of Sciences and partners: organizations, people, events, "
                   "databases and platforms, agreements, figures and statements, each cited to the lines and "
                   "exact words of its source.",
    "version": __version__,
    "date_released": "2026-11-21",  # set with each new version
    "repository": REPOSITORY,
    # Until authors are named, the group; Zenodo, CFF and schema.org all accept a group as the creator.
    "creators": AUTHORS or [{"name": "anso-facts contributors"}],
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


def _zenodo_person(author: dict[str, str]) -> dict:
    family, _, given = author["name"].partition(", ")
    person: dict[str, Any] = {"type": "personal", "family_name": family, **({"given_name": given} if given else {})}
    if author.get("orcid"):
        person["identifiers"] = [{"scheme": "orcid", "identifier": author["orcid"]}]
    return person


def zenodo_record() -> dict:
    """The body of a Zenodo record draft in the InvenioRDM records API (PUT /api/records/{id}/draft): open
    access, files enabled, and the metadata in InvenioRDM's schema (vocabulary ids in lower case)."""
    creators = [{"person_or_org": _zenodo_person(author)} for author in AUTHORS] or \
               [{"person_or_org": {"type": "organizational", "name": creator["name"]}}
                for creator in METADATA["creators"]]
    return {
        "access": {"record": "public", "files": "public"},
        "files": {"enabled": True},
        "metadata": {
            "resource_type": {"id": "dataset"},
            "title": METADATA["title"],
            "description": METADATA["description"],
            "publication_date": METADATA["date_released"],
            "version": METADATA["version"],
            "creators": creators,
            "rights": [{"id": METADATA["license"]["id"].lower()}],
            "subjects": [{"subject": keyword} for keyword in METADATA["keywords"]],
            "publisher": "Zenodo",  # the repository that publishes the record, as Zenodo's own form fills it in
            "related_identifiers": [{"identifier": identifier, "scheme": "url",
                                     "relation_type": {"id": relation.lower()}}
                                    for identifier, relation, _ in METADATA["related_identifiers"]],
        },
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


def _creators() -> list[dict]:
    """schema.org creators: the authors as people, or the group as an organization."""
    if AUTHORS:
        return [{"@type": "Person", "name": a["name"], **({"identifier": f"https://orcid.org/{a['orcid']}"}
                                                          if a.get("orcid") else {})} for a in AUTHORS]
    return [{"@type": "Organization", "name": creator["name"]} for creator in METADATA["creators"]]


def schema_org_dataset(distribution: list[dict], based_on: list[dict]) -> dict:
    """A schema.org `Dataset` (JSON-LD) for dataset search engines, with every property Google's documentation
    requires or recommends that the project can fill honestly; `distribution`: name, contentUrl and
    encodingFormat of each download; `based_on`: name and url of each source document. Left out for want
    of a true value: identifier (no DOI yet), funder, spatialCoverage and temporalCoverage (not declared by the
    curators), and url and sameAs until REPOSITORY is set."""
    from .model import ALL_TABLES
    from .schemas import columns
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": METADATA["title"],
        "alternateName": METADATA["name"],
        "description": METADATA["description"],
        **({"url": REPOSITORY, "sameAs": REPOSITORY} if REPOSITORY else {}),
        "version": METADATA["version"],
        "datePublished": METADATA["date_released"],
        "license": METADATA["license"]["url"],
        "isAccessibleForFree": True,
        "creator": _creators(),
        "keywords": METADATA["keywords"],
        "citation": citation_text(),
        "isBasedOn": [{"@type": "CreativeWork", **item} for item in based_on],
        "distribution": [{"@type": "DataDownload", **item} for item in distribution],
        "variableMeasured": [{"@type": "PropertyValue", "name": f"{table.name}.{column.name}",
                              "description": column.description}
                             for table in ALL_TABLES for column in columns(table)],
    }


def package_dataset(descriptor: dict) -> dict:
    """dataset.jsonld: the schema.org Dataset of the package described by `descriptor` (datapackage.json), its
    distribution every table file, at its path relative to the package root (no address is known yet)."""
    files = [{"name": r["path"], "contentUrl": r["path"], "encodingFormat": r["mediatype"]}
             for r in descriptor["resources"]]
    sources = [{"name": s["title"], "url": s["path"]} for s in descriptor["sources"]]
    return schema_org_dataset(files, sources)


def bibtex() -> str:
    """A BibTeX entry for the dataset (what Croissant's citeAs asks for)."""
    year = METADATA["date_released"][:4]
    authors = " and ".join(f"{{{creator['name']}}}" if not AUTHORS else creator["name"]
                           for creator in METADATA["creators"])
    fields = {"title": METADATA["title"], "author": authors, "year": year, "version": METADATA["version"],
              "publisher": "anso-facts", **({"url": REPOSITORY} if REPOSITORY else {})}
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields.items())
    return f"@misc{{{METADATA['name']}-{METADATA['version']},\n{body}\n}}"


_CROISSANT_CONTEXT = {  # Croissant 1.0's context, as its specification gives it
    "@language": "en", "@vocab": "https://schema.org/", "citeAs": "cr:citeAs", "column": "cr:column",
    "conformsTo": "dct:conformsTo", "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/", "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"}, "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty", "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract", "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes", "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated",
    "replace": "cr:replace", "samplingRate": "cr:samplingRate", "sc": "https://schema.org/",
    "separator": "cr:separator", "source": "cr:source", "subField": "cr:subField", "transform": "cr:transform",
}
_CROISSANT_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "date": "sc:Date", "boolean": "sc:Boolean"}


def _record_set(resource: dict) -> dict:
    """A Croissant RecordSet for one CSV table: its fields read from the file's columns, its key, and each
    foreign key as a reference to the field it points to, but one into its own table (organizations.parent_id,
    events.part_of_id): mlcroissant 1.1 cannot read a RecordSet that refers to itself, nor any that leads to
    one. Those stay foreign keys in datapackage.json."""
    table, schema = resource["name"], resource["schema"]
    points_to = {fk["fields"][0]: fk["reference"] for fk in schema.get("foreignKeys", ())
                 if fk["reference"]["resource"] != table}
    fields = []
    for f in schema["fields"]:
        field = {"@type": "cr:Field", "@id": f"{table}/{f['name']}", "name": f["name"],
                 "description": f["description"], "dataType": _CROISSANT_TYPES[f["type"]],
                 "source": {"fileObject": {"@id": resource["path"]}, "extract": {"column": f["name"]}}}
        if f["name"] in points_to:
            target = points_to[f["name"]]
            field["references"] = {"field": {"@id": f"{target['resource']}/{target['fields'][0]}"}}
        fields.append(field)
    keys = [{"@id": f"{table}/{name}"} for name in schema["primaryKey"]]
    return {"@type": "cr:RecordSet", "@id": table, "name": table, "description": resource["description"],
            "key": keys[0] if len(keys) == 1 else keys, "field": fields}


def croissant(descriptor: dict) -> dict:
    """croissant.json: the package described by `descriptor` (datapackage.json) in MLCommons Croissant 1.0,
    every table file a FileObject with its sha256, and a RecordSet per table (read from its CSV)."""
    files = [{"@type": "cr:FileObject", "@id": r["path"], "name": r["path"], "contentUrl": r["path"],
              "encodingFormat": r["mediatype"], "sha256": r["hash"].removeprefix("sha256:")}
             for r in descriptor["resources"]]
    return {
        "@context": _CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT,
        "name": METADATA["name"],
        "description": METADATA["description"],
        **({"url": REPOSITORY} if REPOSITORY else {}),
        "version": METADATA["version"],
        "datePublished": METADATA["date_released"],
        "license": METADATA["license"]["url"],
        "creator": _creators(),
        "keywords": METADATA["keywords"],
        "citeAs": bibtex(),
        "distribution": files,
        "recordSet": [_record_set(r) for r in descriptor["resources"] if r["format"] == "csv"],
    }
