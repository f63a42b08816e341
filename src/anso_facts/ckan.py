"""Publishing on a CKAN data portal through its action API (with ckanapi): `anso-facts publish ckan URL`.

The dataset is created, or updated if the portal has it already (package_show, then package_create or
package_update). Its metadata is mapped from datapackage.json; its resources are datapackage.json and each
table's CSV and Parquet file, uploaded (resource_create, or resource_update for a resource of the same name).
"""

from __future__ import annotations

from pathlib import Path

from . import package

KEY_VARIABLE = "CKAN_API_KEY"
LICENSE_IDS = {"CC-BY-4.0": "cc-by"}  # CKAN's default licence list calls CC-BY 4.0 "cc-by"
FORMATS = {"csv": "CSV", "parquet": "Parquet"}


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
        "extras": [{"key": "datapackage_profile", "value": descriptor["$schema"]},
                   {"key": "sources", "value": "; ".join(s["title"] for s in descriptor["sources"])}],
    }
    if owner_org:
        fields["owner_org"] = owner_org
    return fields


def resources(root: Path) -> list[dict]:
    """Each file to upload, with its CKAN resource fields (`path` is the file, not a CKAN field)."""
    descriptor = package(root)
    found = [{"name": "datapackage.json", "format": "JSON", "path": root / "datapackage.json",
              "description": "Frictionless Data Package descriptor: every table's schema, keys and provenance."}]
    for resource in descriptor["resources"]:
        found.append({"name": resource["name"], "format": FORMATS[resource["format"]], "path": root / resource["path"],
                      "description": resource.get("description", ""), "hash": resource.get("hash", "")})
    return found


def publish(url: str, root: Path, api_key: str, owner_org: str | None = None) -> list[str]:
    """Create or update the dataset and its resources on the portal; return what was done, step by step."""
    import ckanapi
    done = []
    fields = dataset(root, owner_org)
    with ckanapi.RemoteCKAN(url, apikey=api_key, user_agent="anso-facts") as portal:
        try:
            existing = portal.action.package_show(id=fields["name"])
        except ckanapi.NotFound:
            existing = None
        if existing is None:
            current = portal.action.package_create(**fields)
            done.append(f"package_create {fields['name']}")
        else:
            current = portal.action.package_update(**{**existing, **fields, "resources": existing["resources"]})
            done.append(f"package_update {fields['name']}")
        by_name = {r["name"]: r for r in current.get("resources", [])}
        for item in resources(root):
            path = item["path"]
            values = {k: v for k, v in item.items() if k != "path"}
            with path.open("rb") as upload:
                if item["name"] in by_name:
                    portal.action.resource_update(id=by_name[item["name"]]["id"], **values, upload=upload)
                    done.append(f"resource_update {item['name']}")
                else:
                    portal.action.resource_create(package_id=current["id"], **values, upload=upload)
                    done.append(f"resource_create {item['name']}")
    return done
