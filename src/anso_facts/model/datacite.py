"""datacite.xml: the dataset's record in the DataCite Metadata Schema 4.5 (http://datacite.org/schema/kernel-4),
from metadata.py and the DOI record, with the seed documents as related items the dataset is derived from.

Written by `anso-facts build` (build/datacite.xml, not committed: its temporal coverage and seeds come from the
data) and put at the root of the release archive. Made with the standard library's ElementTree; the tests
validate it against the official XSD (vendored in tests/schemas/datacite-4.5/).

DataCite requires an identifier: until a DOI is reserved (`anso-facts publish zenodo --reserve-doi`) it is
DataCite's standard value for information to be assigned later, ":tba" (the schema's Appendix "Standard values
for unknown information"), and the publisher, which only the deposit decides, ":unav".
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from anso_facts.model.metadata import AUTHORS, METADATA, TEMPORAL_COVERAGE_NOTE, concept_doi, doi, doi_record

NAMESPACE = "http://datacite.org/schema/kernel-4"
SCHEMA_LOCATION = f"{NAMESPACE} http://schema.datacite.org/meta/kernel-4.5/metadata.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TO_BE_ASSIGNED, UNAVAILABLE = ":tba", ":unav"


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _publisher() -> str:
    """Zenodo publishes a record whose DOI it reserved; before that, no publisher is known."""
    return "Zenodo" if doi() and "zenodo" in doi_record().get("host", "") else UNAVAILABLE


def _creators(root: ET.Element) -> None:
    """The authors as persons (given and family names, ORCID), or else the creators as organizations."""
    creators = _element(root, "creators")
    for author in AUTHORS or METADATA["creators"]:
        creator = _element(creators, "creator")
        family, _, given = author["name"].partition(", ")
        _element(creator, "creatorName", author["name"], nameType="Personal" if AUTHORS else "Organizational")
        if AUTHORS and given:
            _element(creator, "givenName", given)
            _element(creator, "familyName", family)
        if author.get("orcid"):
            _element(
                creator, "nameIdentifier", author["orcid"], nameIdentifierScheme="ORCID", schemeURI="https://orcid.org"
            )


def _subjects_and_dates(root: ET.Element, temporal_coverage: str | None) -> None:
    subjects = _element(root, "subjects")
    for keyword in METADATA["keywords"]:
        _element(subjects, "subject", keyword)
    dates = _element(root, "dates")
    _element(dates, "date", METADATA["date_released"], dateType="Issued")
    if temporal_coverage:
        _element(dates, "date", temporal_coverage, dateType="Other", dateInformation=TEMPORAL_COVERAGE_NOTE)


def _rights(root: ET.Element) -> None:
    rights = _element(root, "rightsList")
    _element(
        rights,
        "rights",
        METADATA["license"]["title"],
        rightsURI=METADATA["license"]["url"],
        rightsIdentifier=METADATA["license"]["id"].lower(),
        rightsIdentifierScheme="SPDX",
        schemeURI="https://spdx.org/licenses/",
    )


def _related_items(root: ET.Element, seeds: list[dict]) -> None:
    items = _element(root, "relatedItems")
    for seed in seeds:  # each seed a document the dataset is derived from, as its catalogue entry describes it
        item = _element(items, "relatedItem", relatedItemType="Text", relationType="IsDerivedFrom")
        _element(_element(item, "titles"), "title", seed["title"])
        if seed.get("published"):
            _element(item, "publicationYear", str(seed["published"])[:4])
        _element(item, "publisher", seed["publisher"])


def datacite_xml(seeds: list[dict], temporal_coverage: str | None, formats: list[str]) -> str:
    """The DataCite 4.5 record. `seeds`: each source document's title, publisher, published (YYYY[-MM[-DD]])
    and file; `temporal_coverage`: an ISO 8601 interval computed from the data (build.package.temporal_coverage);
    `formats`: the media types of the files."""
    ET.register_namespace("", NAMESPACE)
    ET.register_namespace("xsi", XSI)
    root = ET.Element(f"{{{NAMESPACE}}}resource", {f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})
    # the elements in this order: datacite.xml's bytes, compared between builds and releases, depend on it
    _element(root, "identifier", doi() or TO_BE_ASSIGNED, identifierType="DOI")
    _creators(root)
    _element(_element(root, "titles"), "title", METADATA["title"], **{XML_LANG: METADATA["language"]})
    _element(root, "publisher", _publisher())
    _element(root, "publicationYear", METADATA["date_released"][:4])
    _element(root, "resourceType", "Data package (Frictionless Data Package v2)", resourceTypeGeneral="Dataset")
    _subjects_and_dates(root, temporal_coverage)
    _element(root, "language", METADATA["language"])
    if concept_doi():
        related = _element(root, "relatedIdentifiers")
        _element(related, "relatedIdentifier", concept_doi(), relatedIdentifierType="DOI", relationType="IsVersionOf")
    listed = _element(root, "formats")
    for media_type in formats:
        _element(listed, "format", media_type)
    _element(root, "version", METADATA["version"])
    _rights(root)
    _element(_element(root, "descriptions"), "description", METADATA["description"], descriptionType="Abstract")
    _related_items(root, seeds)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
