"""Depositing a release on Zenodo through its deposit API: `anso-facts publish zenodo`.

The flow, each call visible below: create a deposition (POST /api/deposit/depositions), or a new version of an
existing one (POST .../actions/newversion, whose files are then removed); upload the archive to the
deposition's bucket (PUT links.bucket/<name>) and compare the checksum Zenodo reports with our own; set the
metadata from .zenodo.json (PUT /api/deposit/depositions/<id>); and only if asked, and only if every upload
matched, publish (POST links.publish).

The token comes from an environment variable and is only ever sent in the Authorization header: it is never
printed, logged or put in an error message.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import requests

ZENODO = "https://zenodo.org"
SANDBOX = "https://sandbox.zenodo.org"
TOKEN_VARIABLE = "ZENODO_TOKEN"

# The deposit metadata rules from Zenodo's REST API documentation (developers.zenodo.org, "Deposit metadata"),
# for the fields this project sends.
RELATIONS = ("isCitedBy", "cites", "isSupplementTo", "isSupplementedBy", "isContinuedBy", "continues",
             "isDescribedBy", "describes", "hasMetadata", "isMetadataFor", "isNewVersionOf", "isPreviousVersionOf",
             "isPartOf", "hasPart", "isReferencedBy", "references", "isDocumentedBy", "documents", "isCompiledBy",
             "compiles", "isVariantFormOf", "isOriginalFormOf", "isIdenticalTo", "isAlternateIdentifier",
             "isReviewedBy", "reviews", "isDerivedFrom", "isSourceOf", "requires", "isRequiredBy", "isObsoletedBy",
             "obsoletes")
METADATA_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Zenodo deposit metadata (the fields anso-facts sends)",
    "type": "object",
    "required": ["upload_type", "publication_date", "title", "creators", "description", "access_right", "license"],
    "additionalProperties": False,
    "properties": {
        "upload_type": {"const": "dataset"},
        "publication_date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "title": {"type": "string", "minLength": 1},
        "description": {"type": "string", "minLength": 1},
        "version": {"type": "string", "minLength": 1},
        "access_right": {"enum": ["open", "embargoed", "restricted", "closed"]},
        "license": {"type": "string", "pattern": r"^[a-z0-9.\-]+$"},
        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "creators": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["name"], "additionalProperties": False,
            "properties": {"name": {"type": "string", "minLength": 1}, "affiliation": {"type": "string"},
                           "orcid": {"type": "string"}, "gnd": {"type": "string"}}}},
        "related_identifiers": {"type": "array", "items": {
            "type": "object", "required": ["identifier", "relation"], "additionalProperties": False,
            "properties": {"identifier": {"type": "string", "minLength": 1}, "relation": {"enum": list(RELATIONS)},
                           "scheme": {"enum": ["doi", "url", "urn", "handle", "ark", "isbn", "issn", "arxiv",
                                               "orcid", "purl", "swh", "w3id"]},
                           "resource_type": {"type": "string"}}}},
    },
}


class ZenodoError(Exception):
    """A failed step, with a message for people (never the token)."""


@dataclass
class Step:
    method: str
    url: str
    what: str
    body: dict | None = None

    def __str__(self) -> str:
        shown = f"\n    {json.dumps(self.body, ensure_ascii=False)}" if self.body is not None else ""
        return f"{self.method} {self.url}  ({self.what}){shown}"


@dataclass
class Deposit:
    archive: Path
    metadata: dict
    base_url: str = ZENODO
    new_version_of: int | None = None
    publish: bool = False
    timeout: float = 60.0

    def plan(self) -> list[Step]:
        """What `send` would do, for a dry run."""
        api = f"{self.base_url}/api/deposit/depositions"
        steps = [Step("POST", f"{api}/{self.new_version_of}/actions/newversion", "new version; its copied files "
                      "are deleted") if self.new_version_of else Step("POST", api, "create a deposition", {})]
        steps += [Step("PUT", f"<bucket>/{self.archive.name}", f"upload {self.archive.stat().st_size} bytes, md5 "
                       f"{_md5(self.archive)}"),
                  Step("PUT", f"{api}/<id>", "set the metadata", {"metadata": self.metadata})]
        if self.publish:
            steps.append(Step("POST", f"{api}/<id>/actions/publish", "publish"))
        return steps

    def send(self, token: str) -> dict:
        """Run the flow; return the deposition as Zenodo last described it. Raises ZenodoError on any failure,
        before publishing: a record is published only when its upload and metadata went through."""
        jsonschema.validate(self.metadata, METADATA_SCHEMA)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        deposition = self._draft(session)
        self._upload(session, deposition)
        deposition = self._call(session, "PUT", deposition["links"]["self"], "set the metadata",
                                json={"metadata": self.metadata})
        if self.publish:
            deposition = self._call(session, "POST", deposition["links"]["publish"], "publish")
        return deposition

    def _draft(self, session: requests.Session) -> dict:
        api = f"{self.base_url}/api/deposit/depositions"
        if not self.new_version_of:
            return self._call(session, "POST", api, "create a deposition", json={})
        old = self._call(session, "POST", f"{api}/{self.new_version_of}/actions/newversion", "make a new version")
        draft = self._call(session, "GET", old["links"]["latest_draft"], "read the new version's draft")
        for copied in draft.get("files", []):
            self._call(session, "DELETE", copied["links"]["self"], f"remove the copied file {copied['filename']}")
        return draft

    def _upload(self, session: requests.Session, deposition: dict) -> None:
        url = f"{deposition['links']['bucket']}/{self.archive.name}"
        with self.archive.open("rb") as stream:
            uploaded = self._call(session, "PUT", url, f"upload {self.archive.name}", data=stream,
                                  headers={"Content-Type": "application/octet-stream"})
        expected = f"md5:{_md5(self.archive)}"
        if uploaded.get("checksum") != expected:
            raise ZenodoError(f"upload {self.archive.name}: Zenodo reports checksum {uploaded.get('checksum')!r}, "
                              f"the file has {expected!r}; nothing was published (the draft "
                              f"{deposition.get('id')} is left unpublished)")

    def _call(self, session: requests.Session, method: str, url: str, what: str, **kwargs) -> dict:
        try:
            response = session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise ZenodoError(f"{what}: no answer from {url} within {self.timeout:g} s; nothing was published") \
                from None
        except requests.ConnectionError as error:
            raise ZenodoError(f"{what}: cannot reach {url} ({type(error).__name__}); nothing was published") \
                from None
        if response.status_code == 401 or response.status_code == 403:
            raise ZenodoError(f"{what}: Zenodo refused the token (HTTP {response.status_code}); check "
                              f"{TOKEN_VARIABLE} and its scopes (deposit:write, deposit:actions); nothing was "
                              f"published")
        if response.status_code >= 400:
            raise ZenodoError(f"{what}: HTTP {response.status_code} from {method} {url}: "
                              f"{_reason(response)}; nothing was published")
        return response.json() if response.content else {}


def _reason(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason
    errors = "; ".join(f"{e.get('field', '')}: {e.get('message', '')}" for e in body.get("errors") or [])
    return " ".join(part for part in (str(body.get("message", "")), errors) if part) or response.reason


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
