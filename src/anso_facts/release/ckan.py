"""Publishing on a CKAN data portal through its action API (with ckanapi): `anso-facts publish ckan URL`.

The dataset is created, or updated if the portal has it already (package_show, then package_create or
package_update). Its metadata is mapped from datapackage.json; its resources are datapackage.json and each
table's CSV and Parquet file, uploaded (resource_create, or resource_update for a resource of the same name).

The API key comes from an environment variable, is checked first and is only sent in its headers; every failure
(the network's included) is a CkanError of one line that never holds it (see publishing.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import requests

from anso_facts import package
from anso_facts.release import publishing
from anso_facts.release.publishing import (
    PublishError,
    host_of,
    kept_secret,
    network_failure,
    redacted_line,
    token_refusal,
    url_problem,
)

KEY_VARIABLE = "CKAN_API_KEY"
LICENSE_IDS = {"CC-BY-4.0": "cc-by"}  # CKAN's default licence list calls CC-BY 4.0 "cc-by"
FORMATS = {"csv": "CSV", "parquet": "Parquet"}


class CkanError(PublishError):
    """A failed step on the portal, with a message for people (never the key)."""


class CkanNotFound(CkanError):
    """The portal has no such thing: for package_show, a dataset to create."""


def dataset(root: Path, owner_org: str | None = None) -> dict:
    """The CKAN dataset fields, mapped from the data package."""
    descriptor = package(root)
    fields = {
        "name": descriptor["name"],
        "title": descriptor["title"],
        "notes": descriptor["description"],
        "version": descriptor["version"],
        "license_id": LICENSE_IDS[descriptor["licenses"][0]["name"]],
        "tags": [{"name": keyword} for keyword in descriptor["keywords"]],
        "author": ", ".join(c["title"] for c in descriptor["contributors"]),
        "extras": [
            {"key": "datapackage_profile", "value": descriptor["$schema"]},
            {"key": "sources", "value": "; ".join(s["title"] for s in descriptor["sources"])},
        ],
    }
    if owner_org:
        fields["owner_org"] = owner_org
    return fields


def resources(root: Path) -> list[dict]:
    """Each file to upload, with its CKAN resource fields (`path` is the file, not a CKAN field)."""
    descriptor = package(root)
    found = [
        {
            "name": "datapackage.json",
            "format": "JSON",
            "path": root / "datapackage.json",
            "description": "Frictionless Data Package descriptor: every table's schema, keys and provenance.",
        }
    ]
    for resource in descriptor["resources"]:
        found.append(
            {
                "name": resource["name"],
                "format": FORMATS[resource["format"]],
                "path": root / resource["path"],
                "description": resource.get("description", ""),
                "hash": resource.get("hash", ""),
            }
        )
    return found


def publish(url: str, root: Path, api_key: str, owner_org: str | None = None) -> list[str]:
    """Create or update the dataset and its resources on the portal; return what was done, step by step. Raises
    CkanError (one line, never the key) on any failure, the network's included, saying what was done before."""
    import ckanapi

    refusal = token_refusal(KEY_VARIABLE, api_key)
    if refusal or url_problem(url, carries_secret=True):
        raise CkanError(refusal or f"the portal's address {url_problem(url, carries_secret=True)}; nothing was sent")
    done: list[str] = []
    with kept_secret(api_key), ckanapi.RemoteCKAN(url, apikey=api_key, user_agent="anso-facts") as portal:
        try:
            _create_or_update(portal, dataset(root, owner_org), resources(root), done)
        except CkanError as error:
            raise CkanError(f"{error}; {_progress(done)}") from None
        except (AttributeError, TypeError, KeyError, IndexError, RecursionError) as error:  # read as documented
            raise CkanError(
                f"{host_of(url)} answered with JSON of another shape than CKAN's action API documents "
                f"({type(error).__name__}); {_progress(done)}"
            ) from None
    return done


def _create_or_update(portal, fields: dict, items: list[dict], done: list[str]) -> None:
    """The dataset, then each resource; each step done is added to `done` as it is."""
    try:
        existing = _action(portal, "package_show", {"id": fields["name"]})
    except CkanNotFound:
        existing = None
    if existing is None:
        current = _action(portal, "package_create", fields)
        done.append(f"package_create {fields['name']}")
    else:
        current = _action(portal, "package_update", {**existing, **fields, "resources": existing["resources"]})
        done.append(f"package_update {fields['name']}")
    by_name = {r["name"]: r for r in current.get("resources", [])}
    for item in items:
        values = {k: v for k, v in item.items() if k != "path"}
        with item["path"].open("rb") as upload:
            if item["name"] in by_name:
                _action(portal, "resource_update", {"id": by_name[item["name"]]["id"], **values}, upload)
                done.append(f"resource_update {item['name']}")
            else:
                _action(portal, "resource_create", {"package_id": current["id"], **values}, upload)
                done.append(f"resource_create {item['name']}")


def _action(portal, name: str, fields: dict, upload: BinaryIO | None = None) -> dict:
    """One call of the action API, with a timeout (ckanapi sets none: a silent portal would hang the command).
    Every failure is a CkanError of our own words: ckanapi and requests pass on whatever they were given."""
    import ckanapi

    try:
        return portal.call_action(
            name, fields, files={"upload": upload} if upload else None, requests_kwargs={"timeout": publishing.TIMEOUT}
        )
    except requests.RequestException as error:  # refused, timed out, no such host, TLS, a bad address
        raise CkanError(f"{name}: {network_failure(error, portal.address, publishing.TIMEOUT)}") from None
    except ckanapi.NotFound as error:
        raise CkanNotFound(f"{name}: {_refused(portal, error)}") from None
    except ckanapi.NotAuthorized as error:
        raise CkanError(
            f"{name}: {_refused(portal, error)}; check {KEY_VARIABLE} and the rights of its user on "
            f"the portal (and --owner-org)"
        ) from None
    except (ckanapi.CKANAPIError, ckanapi.ServerIncompatibleError) as error:
        raise CkanError(f"{name}: {_refused(portal, error)}") from None
    except RecursionError:  # an answer nested past the JSON parser's depth
        raise CkanError(f"{name}: {host_of(portal.address)} answered with JSON nested too deep to read") from None


def _refused(portal, error: Exception) -> str:
    """The portal's refusal on one line: its type, and the start of what it said."""
    said = redacted_line(_said(error), portal.apikey, 300)
    return f"{host_of(portal.address)} refused it ({type(error).__name__}: {said})"


def _said(error: Exception) -> str:
    """What the portal said, from the fields of its error (ckanapi passes on the answer's dict, whose repr would
    escape what it quotes), not the repr of it."""
    detail = error.args[0] if error.args else ""
    if not isinstance(detail, dict):
        return str(detail)
    parts = [
        f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
        for key, value in detail.items()
        if not str(key).startswith("__")
    ]
    return "; ".join(parts) or str(detail.get("__type", ""))


def _progress(done: list[str]) -> str:
    if not done:
        return "nothing was published"
    return (
        f"{len(done)} step{'s' * (len(done) != 1)} done before it stopped, the last {done[-1]}; run it again "
        f"to finish (the dataset and its resources are updated, not made twice)"
    )
