"""Depositing a release on Zenodo through its records API (InvenioRDM): `anso-facts publish zenodo`.

Zenodo's legacy deposit API refuses a new version of a record that has files, so this client speaks the
records API that replaced it. The flow, each call visible below:

1. A draft. For a first deposit: the user's records are searched for one of the same title and version; a
   draft left open by an earlier run is reused (and a published one refused, as a duplicate), else
   `POST /api/records` makes one. For a new version: `POST /api/records/{id}/versions`, which Zenodo answers
   with the open draft of the next version if there is one; a new version starts without files.
2. Its metadata: `PUT /api/records/{id}/draft` (from metadata.zenodo_record).
3. The archive, in three steps: `POST .../draft/files` (its key), `PUT .../draft/files/{key}/content`,
   `POST .../draft/files/{key}/commit`; the md5 checksum Zenodo reports is compared with the file's own. Files
   an earlier run left in the draft are removed first.
4. Only if asked, and only if every file matched: with a community, a review request to it
   (`PUT .../draft/review`, then `POST .../draft/actions/submit-review`: the community's curators publish);
   without, `POST .../draft/actions/publish`.

The DOI comes first (`--reserve-doi`, Deposit.reserve): the draft is made or reused as in step 1 and its DOI
reserved (`POST /api/records/{id}/draft/pids/doi`), to be recorded in src/anso_facts/doi.json with the draft's id,
so that the next build and release carry it. A later `--send` then fills that same draft (`GET .../draft`), and
refuses an archive whose DOI (its manifest.json's) differs from the draft's, before anything is uploaded. The
draft's metadata is sent with the DOI in its `pids`, so that updating it keeps the reservation. The bookkeeping
of doi.json is here too: the draft reserved for this version (`reserved_draft`, refused on the other host), the
DOI kept once reserved, and the concept DOI once Zenodo gives it; the command only parses and prints.

The token comes from an environment variable, is checked first (publishing.token_refusal) and is only ever
sent in the Authorization header: it is never printed, logged or put in an error message (publishing.kept_secret).
Every failure, of the network included, is a ZenodoError with one line for people.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import requests

from anso_facts.build.package import temporal_coverage
from anso_facts.model.metadata import METADATA, doi_record, write_doi_record, zenodo_record
from anso_facts.release import publishing
from anso_facts.release.archive import archive_name
from anso_facts.release.publishing import PublishError, kept_secret, network_failure, redacted_line, token_refusal

ZENODO = "https://zenodo.org"
SANDBOX = "https://sandbox.zenodo.org"
TOKEN_VARIABLE = "ZENODO_TOKEN"

# The fields this project sends, with the rules of InvenioRDM's record schema for them (the metadata reference
# of inveniordm.docs.cern.ch); Zenodo would refuse the draft's publication otherwise.
_TEXT = {"type": "string", "minLength": 1}
_VOCABULARY = {
    "type": "object",
    "required": ["id"],
    "additionalProperties": False,
    "properties": {"id": {"type": "string", "pattern": r"^[a-z0-9.\-]+$"}},
}
RECORD_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Zenodo record draft (InvenioRDM; the fields anso-facts sends)",
    "type": "object",
    "required": ["access", "files", "metadata"],
    "additionalProperties": False,
    "properties": {
        "pids": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "doi": {
                    "type": "object",
                    "required": ["identifier", "provider"],
                    "properties": {
                        "identifier": {"type": "string", "pattern": r"^10\.\d{4,9}/\S+$"},
                        "provider": {"const": "datacite"},
                        "client": {"const": "datacite"},
                    },
                }
            },
        },
        "access": {
            "type": "object",
            "required": ["record", "files"],
            "properties": {"record": {"enum": ["public", "restricted"]}, "files": {"enum": ["public", "restricted"]}},
        },
        "files": {"type": "object", "required": ["enabled"], "properties": {"enabled": {"const": True}}},
        "metadata": {
            "type": "object",
            "additionalProperties": False,
            "required": ["resource_type", "title", "publication_date", "creators", "publisher"],
            "properties": {
                "resource_type": {"type": "object", "properties": {"id": {"const": "dataset"}}},
                "title": _TEXT,
                "description": _TEXT,
                "version": _TEXT,
                "publisher": _TEXT,
                "publication_date": {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                "creators": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["person_or_org"],
                        "properties": {
                            "person_or_org": {
                                "type": "object",
                                "required": ["type"],
                                "oneOf": [
                                    {"properties": {"type": {"const": "personal"}}, "required": ["family_name"]},
                                    {"properties": {"type": {"const": "organizational"}}, "required": ["name"]},
                                ],
                            }
                        },
                    },
                },
                "rights": {"type": "array", "items": _VOCABULARY},
                "languages": {"type": "array", "items": _VOCABULARY},
                "dates": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["date", "type"],
                        "additionalProperties": False,
                        "properties": {
                            "date": {
                                "type": "string",
                                "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?"
                                r"(/\d{4}(-\d{2}(-\d{2})?)?)?$",
                            },
                            "type": _VOCABULARY,
                            "description": _TEXT,
                        },
                    },
                },
                "subjects": {
                    "type": "array",
                    "items": {"type": "object", "required": ["subject"], "properties": {"subject": _TEXT}},
                },
                "related_identifiers": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["identifier", "scheme", "relation_type"],
                        "properties": {
                            "identifier": _TEXT,
                            "scheme": {"enum": ["doi", "url", "urn", "handle", "ark"]},
                            "relation_type": _VOCABULARY,
                        },
                    },
                },
            },
        },
    },
}


class ZenodoError(PublishError):
    """A failed step, with a message for people (never the token)."""


class ReservedElsewhere(PublishError):
    """This version's DOI was reserved on the other host (Zenodo or its sandbox), whose draft this one cannot
    fill: refused before anything is sent."""


@dataclass
class Step:
    method: str
    url: str
    what: str
    body: dict | list | None = None

    def __str__(self) -> str:
        body = f"\n    {json.dumps(self.body, ensure_ascii=False)}" if self.body is not None else ""
        return f"{self.method} {self.url}  ({self.what}){body}"


@dataclass
class Deposit:
    archive: Path
    record: dict  # the draft's body: metadata.zenodo_record()
    base_url: str = ZENODO
    new_version_of: str | None = None
    publish: bool = False
    community: str | None = None  # a community's slug: publication goes through its review
    timeout: float = field(default_factory=lambda: publishing.TIMEOUT)
    draft_id: str | None = None  # the draft whose DOI was reserved (doi.json's record): filled, never another

    @property
    def api(self) -> str:
        return f"{self.base_url}/api"

    def plan(self) -> list[Step]:
        """What `send` would do, for a dry run."""
        draft = f"{self.api}/records/<id>/draft"
        return [*self._plan_draft(), *self._plan_upload(draft), *self._plan_ending(draft)]

    def _plan_draft(self) -> list[Step]:
        """How the draft is found or made: as `_draft` does."""
        records = f"{self.api}/records"
        if self.draft_id:
            return [
                Step(
                    "GET",
                    f"{records}/{self.draft_id}/draft",
                    "the draft whose DOI was reserved; the "
                    f"archive's DOI ({archive_doi(self.archive) or 'none'}) must be the draft's",
                )
            ]
        if self.new_version_of:
            return [
                Step(
                    "POST",
                    f"{records}/{self.new_version_of}/versions",
                    "a new version, without files "
                    "(Zenodo gives back the open draft of the next version if there is one)",
                )
            ]
        return [
            Step(
                "GET",
                f"{self.api}/user/records?q=...",
                "look for this version, published or left open as a draft by an earlier run (then reused)",
            ),
            Step("POST", records, "create a draft, if there is none to reuse"),
        ]

    def _plan_upload(self, draft: str) -> list[Step]:
        key = self.archive.name
        return [
            Step("PUT", draft, "set the metadata", self.record),
            Step("POST", f"{draft}/files", "start the upload", [{"key": key}]),
            Step("PUT", f"{draft}/files/{key}/content", f"upload {self.archive.stat().st_size} bytes"),
            Step("POST", f"{draft}/files/{key}/commit", f"commit; Zenodo's checksum must be md5:{_md5(self.archive)}"),
        ]

    def _plan_ending(self, draft: str) -> list[Step]:
        """The community's review, asked for; and publishing, or submitting for that review."""
        steps = []
        if self.community:
            steps.append(Step("GET", f"{self.api}/communities/{self.community}", "find the community"))
            steps.append(Step("PUT", f"{draft}/review", "ask the community to review the record"))
        if self.publish:
            steps.append(
                Step("POST", f"{draft}/actions/submit-review", "submit for review")
                if self.community
                else Step("POST", f"{draft}/actions/publish", "publish")
            )
        return steps

    def reserve_plan(self) -> list[Step]:
        """What `reserve` would do, for a dry run."""
        records = f"{self.api}/records"
        if self.draft_id:
            steps = [Step("GET", f"{records}/{self.draft_id}/draft", "the draft reserved before (doi.json)")]
        elif self.new_version_of:
            steps = [Step("POST", f"{records}/{self.new_version_of}/versions", "a new version (or its open draft)")]
        else:
            steps = [
                Step("GET", f"{self.api}/user/records?q=...", "look for a draft of this version left open"),
                Step("POST", records, "create a draft, if there is none to reuse"),
            ]
        return [
            *steps,
            Step("PUT", f"{self.api}/records/<id>/draft", "set the metadata", self.record),
            Step("POST", f"{self.api}/records/<id>/draft/pids/doi", "reserve the draft's DOI (unless it has one)"),
        ]

    def reserve(self, token: str) -> dict[str, str]:
        """Make or reuse the draft, reserve its DOI (or keep the one it has); return the DOI record to keep:
        version, doi, record (the draft's id), host, and concept_doi when Zenodo gives one (a new version's)."""
        with self._session(token) as session:
            draft = self._draft(session)
            record = {key: value for key, value in self.record.items() if key != "pids"}
            draft = self._call(
                session,
                "PUT",
                self._draft_url(draft),
                "set the metadata",
                json={**record, **({"pids": draft["pids"]} if draft_doi(draft) else {})},
            )
            if not draft_doi(draft):
                draft = self._call(session, "POST", f"{self._draft_url(draft)}/pids/doi", "reserve the DOI")
            reserved = draft_doi(draft)
            if not reserved:
                raise ZenodoError(
                    f"reserve the DOI: Zenodo's answer for draft {draft.get('id')} holds no DOI; nothing was recorded"
                )
            return {
                "version": self.record["metadata"]["version"],
                "doi": reserved,
                "record": str(draft["id"]),
                "host": self.base_url,
                **({"concept_doi": concept} if (concept := parent_doi(draft)) else {}),
            }

    def send(self, token: str) -> dict:
        """Run the flow; return the record as Zenodo last described it. Raises ZenodoError on any failure,
        before publishing: a record is published (or submitted) only when its file and metadata went through."""
        with self._session(token) as session:
            return self._send(session)

    @contextmanager
    def _session(self, token: str) -> Iterator[requests.Session]:
        """A session that sends the token, once it and the record are found good; the token is blotted out of
        every log record and error while it is open (publishing.kept_secret)."""
        refusal = token_refusal(TOKEN_VARIABLE, token)
        if refusal:
            raise ZenodoError(refusal)
        jsonschema.validate(self.record, RECORD_SCHEMA)
        with kept_secret(token), requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {token}"
            try:
                yield session
            except (AttributeError, TypeError, KeyError, IndexError, RecursionError) as error:  # read as documented
                raise ZenodoError(
                    f"{publishing.host_of(self.base_url)} answered with JSON of another shape than Zenodo's API "
                    f"documents ({type(error).__name__}); check the address; nothing was published"
                ) from None

    def _send(self, session: requests.Session) -> dict:
        draft = self._draft(session)
        packed, reserved = archive_doi(self.archive), draft_doi(draft)
        if packed != reserved:
            raise ZenodoError(
                f"the archive {self.archive.name} carries the DOI {packed or '(none)'}, the draft "
                f"{draft.get('id')} {reserved or '(none)'}: an archive is uploaded only to the draft "
                f"whose DOI it cites (reserve it with --reserve-doi, build and release again); "
                f"nothing was uploaded"
            )
        draft = self._call(session, "PUT", self._draft_url(draft), "set the metadata", json=self.record)
        self._upload(session, draft)
        if self.community:
            self._ask_review(session, draft)
        if self.publish and self.community:
            self._call(
                session,
                "POST",
                f"{self._draft_url(draft)}/actions/submit-review",
                "submit for review",
                json={
                    "payload": {
                        "content": f"{self.record['metadata']['title']}, version {self.record['metadata']['version']}",
                        "format": "html",
                    }
                },
            )
            return draft
        if self.publish:
            return self._call(session, "POST", f"{self._draft_url(draft)}/actions/publish", "publish")
        return draft

    def _draft_url(self, record: dict) -> str:
        return f"{self.api}/records/{record['id']}/draft"

    def _draft(self, session: requests.Session) -> dict:
        """The draft to fill: the one whose DOI was reserved, a new version's, one left open by an earlier run, or
        a new one."""
        if self.draft_id:
            return self._call(
                session,
                "GET",
                f"{self.api}/records/{self.draft_id}/draft",
                f"read the draft {self.draft_id}, whose DOI was reserved",
            )
        if self.new_version_of:
            return self._call(
                session, "POST", f"{self.api}/records/{self.new_version_of}/versions", "make a new version"
            )
        same = self._earlier_deposits(session)
        if same:
            return self._call(session, "GET", self._draft_url(same[0]), "read the draft left by an earlier run")
        return self._call(session, "POST", f"{self.api}/records", "create a draft", json=self.record)

    def _earlier_deposits(self, session: requests.Session) -> list[dict]:
        """The deposits of this title and version made before: none, or one draft to reuse. One published, or
        several drafts, are refused: a release is deposited once, and which draft to keep is the user's choice."""
        title, version = self.record["metadata"]["title"], self.record["metadata"]["version"]
        found = self._call(
            session,
            "GET",
            f"{self.api}/user/records",
            "look for an earlier deposit",
            params={"q": f'metadata.version:"{version}"', "sort": "updated-desc", "size": 100},
        )
        same = [
            hit
            for hit in found.get("hits", {}).get("hits", [])
            if hit.get("metadata", {}).get("title") == title and hit["metadata"].get("version") == version
        ]
        published = [hit["id"] for hit in same if hit.get("is_published")]
        if published:
            raise ZenodoError(
                f"version {version} is already published as record {published[0]}; a release is "
                f"deposited once (for a later version, pass --new-version-of {published[0]}); "
                f"nothing was published"
            )
        if len(same) > 1:
            raise ZenodoError(
                f"{len(same)} drafts of version {version} are open ({', '.join(h['id'] for h in same)})"
                f"; discard all but one on Zenodo, and run again; nothing was published"
            )
        return same

    def _upload(self, session: requests.Session, draft: dict) -> None:
        files = f"{self._draft_url(draft)}/files"
        for left in self._call(session, "GET", files, "list the draft's files").get("entries", []):
            self._call(session, "DELETE", f"{files}/{left['key']}", f"remove {left['key']}, left by an earlier run")
        key = self.archive.name
        self._call(session, "POST", files, f"start the upload of {key}", json=[{"key": key}])
        with self.archive.open("rb") as stream:
            self._call(
                session,
                "PUT",
                f"{files}/{key}/content",
                f"upload {key}",
                data=stream,
                headers={"Content-Type": "application/octet-stream"},
            )
        committed = self._call(session, "POST", f"{files}/{key}/commit", f"commit {key}")
        expected = f"md5:{_md5(self.archive)}"
        if committed.get("checksum") != expected:
            raise ZenodoError(
                f"upload {key}: Zenodo reports checksum {committed.get('checksum')!r}, the file has "
                f"{expected!r}; nothing was published (the draft {draft['id']} is left unpublished)"
            )

    def _ask_review(self, session: requests.Session, draft: dict) -> None:
        community = self._call(
            session, "GET", f"{self.api}/communities/{self.community}", f"find the community {self.community}"
        )
        self._call(
            session,
            "PUT",
            f"{self._draft_url(draft)}/review",
            "ask the community for a review",
            json={"receiver": {"community": community["id"]}, "type": "community-submission"},
        )

    def _call(self, session: requests.Session, method: str, url: str, what: str, **kwargs) -> dict:
        try:
            response = session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:  # refused, timed out, no such host, TLS, a bad address
            raise ZenodoError(f"{what}: {network_failure(error, url, self.timeout)}; nothing was published") from None
        if response.status_code == 401 or response.status_code == 403:
            raise ZenodoError(
                f"{what}: Zenodo refused the token (HTTP {response.status_code}); check "
                f"{TOKEN_VARIABLE} and its scopes (deposit:write, deposit:actions); nothing was "
                f"published"
            )
        if response.status_code >= 400:
            secret = str(session.headers.get("Authorization", "")).removeprefix("Bearer ")
            raise ZenodoError(
                f"{what}: HTTP {response.status_code} from {method} {url}: "
                f"{_reason(response, secret)}; nothing was published"
            )
        try:
            answer = response.json() if response.content else {}
        except (ValueError, RecursionError):  # not JSON; nested past the parser's depth
            answer = None
        if not isinstance(answer, dict):
            raise ZenodoError(
                f"{what}: {publishing.host_of(url)} answered HTTP {response.status_code} with "
                f"something that is not a JSON object; check the address; nothing was published"
            )
        return answer


def _reason(response: requests.Response, token: str) -> str:
    """Zenodo's explanation of a refusal, on one line and short (it is the server's text: it may quote the token)."""
    try:
        body = response.json()
    except (ValueError, RecursionError):  # not JSON; nested past the parser's depth
        body = None
    if not isinstance(body, dict):
        return redacted_line(response.text, token, 300) or response.reason
    errors = "; ".join(
        f"{e.get('field', '')}: {e.get('messages') or e.get('message', '')}"
        for e in body.get("errors") or []
        if isinstance(e, dict)
    )
    reason = " ".join(part for part in (str(body.get("message", "")), errors) if part)
    return redacted_line(reason, token, 300) or response.reason


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def draft_doi(record: dict) -> str | None:
    """The DOI a record or draft holds (reserved or registered), if any."""
    found = ((record.get("pids") or {}).get("doi") or {}).get("identifier")
    return found if isinstance(found, str) and found else None


def parent_doi(record: dict) -> str | None:
    """The concept DOI (all versions) of a record, once Zenodo has given one."""
    return draft_doi(record.get("parent") or {})


def archive_doi(archive: Path) -> str | None:
    """The DOI a release archive cites (its manifest.json's `doi`); None if it cites none (or is no release
    archive: a file without a manifest cites no DOI, so it may go only to a draft without one)."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = [n for n in zipped.namelist() if n.count("/") == 1 and n.endswith("/manifest.json")]
            found = json.loads(zipped.read(names[0])).get("doi") if names else None
    except (zipfile.BadZipFile, ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None


def reserved_draft(host: str) -> str | None:
    """The draft whose DOI was reserved for this version on `host` (doi.json), if any; ReservedElsewhere if
    it was reserved on the other host."""
    record = doi_record()
    if record.get("version") != METADATA["version"] or not record.get("record"):
        return None
    if record.get("host") != host:
        raise ReservedElsewhere(
            f"the DOI {record['doi']} of version {record['version']} was reserved on "
            f"{record.get('host')}, not {host} (use --sandbox, or not, as then); nothing was sent"
        )
    return record["record"]


def reserving_deposit(root: Path, host: str, new_version_of: str | None) -> Deposit:
    """The deposit whose draft `--reserve-doi` makes or reuses, before the release: the archive it names
    (dist/'s, for this version) is not made yet."""
    archive = root / "dist" / archive_name(METADATA["version"])
    return Deposit(archive, zenodo_record(), host, new_version_of, draft_id=reserved_draft(host))


def release_deposit(
    root: Path, archive: Path, host: str, new_version_of: str | None, publish: bool, community: str | None
) -> Deposit:
    """The deposit of a release archive of the built package in `root`, into the draft whose DOI was reserved
    if there is one."""
    record = zenodo_record(temporal_coverage(root))
    draft_id = reserved_draft(host)
    return Deposit(archive, record, host, new_version_of, publish=publish, community=community, draft_id=draft_id)


def keep_reserved_doi(reserved: dict[str, str]) -> Path:
    """Record a DOI just reserved (Deposit.reserve's record) in doi.json, a concept DOI already known kept;
    the file's path."""
    concept = doi_record().get("concept_doi")
    return write_doi_record({**({"concept_doi": concept} if concept else {}), **reserved})


def keep_concept_doi(result: dict) -> str | None:
    """The DOI of all versions, once Zenodo gives it (in a sent record, `result`), kept in doi.json beside the
    version's own; it if newly recorded, else None."""
    record, concept = doi_record(), parent_doi(result)
    if not (record and concept and record.get("concept_doi") != concept):
        return None
    write_doi_record({**record, "concept_doi": concept})
    return concept
