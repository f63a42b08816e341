"""The dataset's citation metadata, declared once.

datapackage.json, CITATION.cff (Citation File Format 1.2.0), .zenodo.json (Zenodo's deposit metadata),
croissant.json (MLCommons Croissant 1.0), dataset.jsonld (a schema.org Dataset), datacite.xml (DataCite 4.5,
datacite.py), the dataset card (build/card.py) and the site's signposting are all generated from METADATA and from the
DOI record (doi.json beside this file) by `anso-facts build`; none is edited by hand. The version is the
package's own (`anso_facts.__version__`): one number for the code, the data and the metadata.

The DOI record is written by `anso-facts publish zenodo --reserve-doi` (the draft's DOI, reserved before the
archive is made) and committed: it depends on no data. Its DOI is this version's only while its `version` is
`__version__`; the concept DOI (all versions) holds for every version once Zenodo has given it.

What depends on the data (the temporal coverage, row counts) is never in a committed file: the functions that
write it take it as an argument, and only the build's uncommitted outputs, the archive and the deposit made at
release carry it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from anso_facts import __version__
from anso_facts.support.atomic import write_whole

DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
CROISSANT = "http://mlcommons.org/croissant/1.0"
DOI_FILE = Path(__file__).parent.parent / "doi.json"  # the DOI record: committed, written by --reserve-doi
DOI_PATTERN = re.compile(r"10\.\d{4,9}/[^\s\x00-\x1f\x7f]+")
DOI_RESOLVER = "https://doi.org/"

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
    "license": {
        "id": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
    "code_license": "MIT",
    "keywords": [
        "ANSO",
        "COVID-19",
        "science cooperation",
        "Chinese Academy of Sciences",
        "provenance",
        "frictionless data package",
    ],
    # The language of the tables' text and of every seed (a test holds the seeds to it): BCP 47, and ISO 639-3
    # where Zenodo asks for it.
    "language": "en",
    "language_639_3": "eng",
    # The Frictionless profile is what datapackage.json conforms to ($schema there, conformsTo in the RO-Crate),
    # not an identifier of the dataset: it is cited nowhere.
}


class DoiRecordError(ValueError):
    """The DOI record (doi.json) is not one this project wrote."""


def doi_record() -> dict[str, str]:
    """The DOI record: {"version", "doi", "record", "host"} and "concept_doi" once Zenodo gave one; {} if no DOI
    was reserved. Read as untrusted (a hand edit, a merge): anything but a record of this shape is refused."""
    if not DOI_FILE.is_file():
        return {}
    try:
        record = json.loads(DOI_FILE.read_text(encoding="utf-8"))
    except ValueError as error:
        raise DoiRecordError(f"{DOI_FILE.name}: not JSON ({error})") from None
    keys = {"version", "doi", "record", "host", "concept_doi"}
    if (
        not isinstance(record, dict)
        or not set(record) <= keys
        or not {"version", "doi"} <= set(record)
        or not all(isinstance(value, str) for value in record.values())
    ):
        raise DoiRecordError(f"{DOI_FILE.name}: not a DOI record (text values of {', '.join(sorted(keys))})")
    for key in ("doi", "concept_doi"):
        if key in record and not DOI_PATTERN.fullmatch(record[key]):
            raise DoiRecordError(f"{DOI_FILE.name}: {key} {record[key]!r} is not a DOI (10.NNNN/...)")
    return record


def write_doi_record(record: dict[str, str]) -> Path:
    """Record a reserved DOI (see doi_record) in the one committed place the build reads."""
    kept = {key: value for key, value in record.items() if value}
    write_whole(DOI_FILE, json.dumps(kept, indent=2, sort_keys=True) + "\n")
    doi_record()  # what was written reads back
    return DOI_FILE


def doi() -> str | None:
    """This version's DOI, if one was reserved for it (a record of an older version names that version's)."""
    record = doi_record()
    return record["doi"] if record.get("version") == METADATA["version"] else None


def concept_doi() -> str | None:
    """The DOI of all versions (Zenodo's concept DOI), once known."""
    return doi_record().get("concept_doi")


def doi_url(value: str) -> str:
    return DOI_RESOLVER + value


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
    }
    version_doi, all_versions = doi(), concept_doi()
    if version_doi:
        cff["doi"] = version_doi
    identifiers = (
        [{"type": "doi", "value": version_doi, "description": f"this version ({METADATA['version']})"}]
        if version_doi
        else []
    )
    if all_versions:
        identifiers.append({"type": "doi", "value": all_versions, "description": "all versions (concept DOI)"})
    if identifiers:
        cff["identifiers"] = identifiers
    header = "# Generated from src/anso_facts/model/metadata.py by `anso-facts build`; do not edit by hand.\n"
    return header + yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100)


def zenodo_metadata() -> dict:
    """.zenodo.json: the `metadata` of a Zenodo deposition (which Zenodo prefers to CITATION.cff). Committed, so
    made from METADATA and the DOI record alone (no temporal coverage: that depends on the data). The legacy
    relations have no isVersionOf: a version is recorded as part of its concept DOI."""
    metadata: dict[str, Any] = {
        "upload_type": "dataset",
        "title": METADATA["title"],
        "description": METADATA["description"],
        "version": METADATA["version"],
        "publication_date": METADATA["date_released"],
        "creators": [{"name": creator["name"]} for creator in METADATA["creators"]],
        "access_right": "open",
        "license": METADATA["license"]["id"].lower(),
        "keywords": METADATA["keywords"],
        "language": METADATA["language_639_3"],
    }
    if doi():
        metadata["doi"] = doi()
    if concept_doi():
        metadata["related_identifiers"] = [{"identifier": concept_doi(), "relation": "isPartOf", "scheme": "doi"}]
    return metadata


def _zenodo_person(author: dict[str, str]) -> dict:
    family, _, given = author["name"].partition(", ")
    person: dict[str, Any] = {"type": "personal", "family_name": family, **({"given_name": given} if given else {})}
    if author.get("orcid"):
        person["identifiers"] = [{"scheme": "orcid", "identifier": author["orcid"]}]
    return person


def zenodo_record(temporal_coverage: str | None = None) -> dict:
    """The body of a Zenodo record draft in the InvenioRDM records API (PUT /api/records/{id}/draft): open
    access, files enabled, and the metadata in InvenioRDM's schema (vocabulary ids in lower case). With this
    version's reserved DOI in `pids` (a draft updated without it would give it back). `temporal_coverage`: an
    EDTF interval computed from the data at release (build.package.temporal_coverage)."""
    creators = [{"person_or_org": _zenodo_person(author)} for author in AUTHORS] or [
        {"person_or_org": {"type": "organizational", "name": creator["name"]}} for creator in METADATA["creators"]
    ]
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
            "languages": [{"id": METADATA["language_639_3"]}],
            **(
                {"dates": [{"date": temporal_coverage, "type": {"id": "other"}, "description": TEMPORAL_COVERAGE_NOTE}]}
                if temporal_coverage
                else {}
            ),
        },
        **({"pids": {"doi": {"identifier": doi(), "provider": "datacite", "client": "datacite"}}} if doi() else {}),
    }


TEMPORAL_COVERAGE_NOTE = (
    "Temporal coverage: from the earliest to the latest date of the events, agreements, "
    "launches and figures the data reports"
)


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
        "licenses": [
            {
                "name": METADATA["license"]["id"],
                "title": METADATA["license"]["title"],
                "path": METADATA["license"]["url"],
            }
        ],
        "contributors": [{"title": creator["name"], "roles": ["creator"]} for creator in METADATA["creators"]],
    }


def citation_text() -> str:
    """How to cite the dataset, in one line (APA style, as CITATION.cff would render it), with this version's
    DOI once reserved (else the concept DOI, once known)."""
    creators = ", ".join(creator["name"] for creator in METADATA["creators"])
    cited = doi() or concept_doi()
    return (
        f"{creators} ({METADATA['date_released'][:4]}). {METADATA['title']} (Version {METADATA['version']}) "
        f"[Data set].{f' {doi_url(cited)}' if cited else ''}"
    )


def _creators() -> list[dict]:
    """schema.org creators: the authors as people, or the group as an organization."""
    if AUTHORS:
        return [
            {
                "@type": "Person",
                "name": a["name"],
                **({"identifier": f"https://orcid.org/{a['orcid']}"} if a.get("orcid") else {}),
            }
            for a in AUTHORS
        ]
    return [{"@type": "Organization", "name": creator["name"]} for creator in METADATA["creators"]]


def _identifiers() -> dict:
    """schema.org identifier (this version's DOI) and sameAs (the concept DOI), as far as known."""
    found: dict[str, Any] = {}
    if doi():
        found["identifier"] = doi_url(doi())  # type: ignore[arg-type]
    if concept_doi():
        found["sameAs"] = [doi_url(concept_doi())]  # type: ignore[arg-type]
    return found


def schema_org_dataset(distribution: list[dict], based_on: list[dict], temporal_coverage: str | None = None) -> dict:
    """A schema.org `Dataset` (JSON-LD) for dataset search engines, with every property Google's documentation
    requires or recommends that the project can fill honestly; `distribution`: name, contentUrl and
    encodingFormat of each download; `based_on`: name and url of each source document; `temporal_coverage`:
    an ISO 8601 interval computed from the data (build.package.temporal_coverage). The DOI is the identifier once
    reserved, the concept DOI a sameAs once known. Left out for want of a true value: funder, spatialCoverage,
    and url until REPOSITORY is set."""
    from anso_facts.model.schemas import columns
    from anso_facts.model.tables import ALL_TABLES

    same_as = [REPOSITORY] if REPOSITORY else []
    identifiers = _identifiers()
    same_as += identifiers.pop("sameAs", [])
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": METADATA["title"],
        "alternateName": METADATA["name"],
        "description": METADATA["description"],
        **({"url": REPOSITORY} if REPOSITORY else {}),
        **({"sameAs": same_as[0] if len(same_as) == 1 else same_as} if same_as else {}),
        **identifiers,
        "version": METADATA["version"],
        "datePublished": METADATA["date_released"],
        "inLanguage": METADATA["language"],
        **({"temporalCoverage": temporal_coverage} if temporal_coverage else {}),
        "license": METADATA["license"]["url"],
        "isAccessibleForFree": True,
        "creator": _creators(),
        "keywords": METADATA["keywords"],
        "citation": citation_text(),
        "isBasedOn": [{"@type": "CreativeWork", **item} for item in based_on],
        "distribution": [{"@type": "DataDownload", **item} for item in distribution],
        "variableMeasured": [
            {"@type": "PropertyValue", "name": f"{table.name}.{column.name}", "description": column.description}
            for table in ALL_TABLES
            for column in columns(table)
        ],
    }


def package_dataset(descriptor: dict, temporal_coverage: str | None = None) -> dict:
    """dataset.jsonld: the schema.org Dataset of the package described by `descriptor` (datapackage.json), its
    distribution every table file, at its path relative to the package root (no address is known yet)."""
    files = [
        {"name": r["path"], "contentUrl": r["path"], "encodingFormat": r["mediatype"]} for r in descriptor["resources"]
    ]
    sources = [{"name": s["title"], "url": s["path"]} for s in descriptor["sources"]]
    return schema_org_dataset(files, sources, temporal_coverage)


def bibtex() -> str:
    """A BibTeX entry for the dataset (what Croissant's citeAs asks for)."""
    year = METADATA["date_released"][:4]
    authors = " and ".join(
        f"{{{creator['name']}}}" if not AUTHORS else creator["name"] for creator in METADATA["creators"]
    )
    cited = doi() or concept_doi()
    fields = {
        "title": METADATA["title"],
        "author": authors,
        "year": year,
        "version": METADATA["version"],
        "publisher": "anso-facts",
        **({"doi": cited} if cited else {}),
        **({"url": REPOSITORY} if REPOSITORY else {}),
    }
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields.items())
    return f"@misc{{{METADATA['name']}-{METADATA['version']},\n{body}\n}}"


_CROISSANT_CONTEXT = {  # Croissant 1.0's context, as its specification gives it
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
_CROISSANT_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "date": "sc:Date", "boolean": "sc:Boolean"}


def _record_set(resource: dict) -> dict:
    """A Croissant RecordSet for one CSV table: its fields read from the file's columns, its key, and each
    foreign key as a reference to the field it points to, but one into its own table (organizations.parent_id,
    events.part_of_id): mlcroissant 1.1 cannot read a RecordSet that refers to itself, nor any that leads to
    one. Those stay foreign keys in datapackage.json."""
    table, schema = resource["name"], resource["schema"]
    points_to = {
        fk["fields"][0]: fk["reference"] for fk in schema.get("foreignKeys", ()) if fk["reference"]["resource"] != table
    }
    fields = []
    for f in schema["fields"]:
        field = {
            "@type": "cr:Field",
            "@id": f"{table}/{f['name']}",
            "name": f["name"],
            "description": f["description"],
            "dataType": _CROISSANT_TYPES[f["type"]],
            "source": {"fileObject": {"@id": resource["path"]}, "extract": {"column": f["name"]}},
        }
        if f["name"] in points_to:
            target = points_to[f["name"]]
            field["references"] = {"field": {"@id": f"{target['resource']}/{target['fields'][0]}"}}
        fields.append(field)
    keys = [{"@id": f"{table}/{name}"} for name in schema["primaryKey"]]
    return {
        "@type": "cr:RecordSet",
        "@id": table,
        "name": table,
        "description": resource["description"],
        "key": keys[0] if len(keys) == 1 else keys,
        "field": fields,
    }


def croissant(descriptor: dict, temporal_coverage: str | None = None) -> dict:
    """croissant.json: the package described by `descriptor` (datapackage.json) in MLCommons Croissant 1.0,
    every table file a FileObject with its sha256, and a RecordSet per table (read from its CSV); the DOI, the
    language and the temporal coverage (computed from the data: build.package.temporal_coverage) as schema.org
    has them."""
    files = [
        {
            "@type": "cr:FileObject",
            "@id": r["path"],
            "name": r["path"],
            "contentUrl": r["path"],
            "encodingFormat": r["mediatype"],
            "sha256": r["hash"].removeprefix("sha256:"),
        }
        for r in descriptor["resources"]
    ]
    return {
        "@context": _CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT,
        "name": METADATA["name"],
        "description": METADATA["description"],
        **({"url": REPOSITORY} if REPOSITORY else {}),
        **_identifiers(),
        "version": METADATA["version"],
        "datePublished": METADATA["date_released"],
        "inLanguage": METADATA["language"],
        **({"temporalCoverage": temporal_coverage} if temporal_coverage else {}),
        "license": METADATA["license"]["url"],
        "creator": _creators(),
        "keywords": METADATA["keywords"],
        "citeAs": bibtex(),
        "distribution": files,
        "recordSet": [_record_set(r) for r in descriptor["resources"] if r["format"] == "csv"],
    }


# FAIR signposting (signposting.org/FAIR): typed links from the landing page to the persistent identifier, the
# metadata, the content, the licence and the type. GitHub Pages cannot send Link headers, so the site puts them
# in its index's <head> and in a linkset (RFC 9264, application/linkset+json).
JSON_LD = "application/ld+json"
DATACITE_XML = "application/vnd.datacite.datacite+xml"
SIGNPOSTING_RELATIONS = ("cite-as", "describedby", "item", "license", "type", "author")


def signposting_links(
    downloads: list[dict], jsonld: str = "dataset.jsonld", datacite: str = "datacite.xml"
) -> list[dict[str, str]]:
    """The landing page's typed links, each {"rel", "href"} and "type" (a media type) where it has one:
    cite-as (this version's DOI, else the concept DOI; none until reserved), describedby (the schema.org JSON-LD
    and the DataCite XML, at the hrefs given, relative to the landing page), item (each download: {"path",
    "format"} as the site lists them), license, type (schema.org Dataset, and AboutPage for the page itself) and
    author (each author's ORCID, when AUTHORS names one)."""
    links: list[dict[str, str]] = []
    cited = doi() or concept_doi()
    if cited:
        links.append({"rel": "cite-as", "href": doi_url(cited)})
    links += [
        {"rel": "describedby", "href": jsonld, "type": JSON_LD},
        {"rel": "describedby", "href": datacite, "type": DATACITE_XML},
    ]
    links += [{"rel": "item", "href": item["path"], "type": item["format"]} for item in downloads]
    links.append({"rel": "license", "href": METADATA["license"]["url"]})
    links += [
        {"rel": "type", "href": "https://schema.org/Dataset"},
        {"rel": "type", "href": "https://schema.org/AboutPage"},
    ]
    links += [{"rel": "author", "href": f"https://orcid.org/{a['orcid']}"} for a in AUTHORS if a.get("orcid")]
    return links


def linkset(links: list[dict[str, str]], anchor: str = "index.html") -> dict:
    """The links as an RFC 9264 linkset (JSON): one context, the landing page `anchor` (a URI reference,
    resolved against the linkset's own address), each relation type a list of target objects."""
    context: dict[str, Any] = {"anchor": anchor}
    for link in links:
        target = {"href": link["href"], **({"type": link["type"]} if link.get("type") else {})}
        context.setdefault(link["rel"], []).append(target)
    return {"linkset": [context]}
