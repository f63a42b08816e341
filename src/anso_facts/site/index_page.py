"""The index (index.html: coverage, tables, citation, downloads, versions, schema.org JSON-LD, FAIR signposting
links) and the vocabularies' page, with the files beside them: the static files, the package's files to
download, Datasette's metadata.json, dataset.jsonld, datacite.xml, linkset.json and versions.json."""

from __future__ import annotations

import shutil
from pathlib import Path

from anso_facts import __version__
from anso_facts.build.database import FILE_NAME as DATABASE
from anso_facts.build.database import datasette_metadata
from anso_facts.build.outputs import DATACITE
from anso_facts.model.metadata import METADATA, citation_text, linkset, schema_org_dataset, signposting_links
from anso_facts.model.tables import ALL_TABLES
from anso_facts.model.vocabularies import LISTS, Vocabularies
from anso_facts.site.annotations import FILE_NAME as ANNOTATIONS
from anso_facts.site.data import Package
from anso_facts.site.file_names import seed_text_file
from anso_facts.site.folder import SiteError, copy_checkout_file, copy_checkout_tree
from anso_facts.site.html_contexts import is_safe_url, script_json, segment
from anso_facts.site.render import TEMPLATES, write_one_line_json, write_page
from anso_facts.site.seed_pages import copy_seed_text

STATIC = ("style.css", "search.js", "evidence.js", "cite.js", "table.js")


def write_index(env, package: Package, root: Path, out: Path) -> None:
    """The static files, the package's files to download, the seeds' texts, the index (with its signposting
    links, linkset.json, dataset.jsonld, datacite.xml and versions.json beside it) and the vocabularies' page."""
    for name in STATIC:
        shutil.copyfile(TEMPLATES / name, out / name)
    files = downloads(root, out)
    seeds = package.tables["seeds"]
    for seed in seeds:
        copy_seed_text(root, seed, out)
    jsonld, signposts, versions = _write_metadata(root, out, files, seeds)
    write_page(
        env,
        "index.html",
        out / "index.html",
        base="",
        tables=ALL_TABLES,
        counts={t.name: len(package.tables[t.name]) for t in ALL_TABLES},
        seeds=seeds,
        coverage=package.checked.coverage,
        files=files,
        citation=citation_text(),
        jsonld=script_json(jsonld),
        description=METADATA["description"],
        signposts=[s for s in signposts if is_safe_url(s["href"])],
        versions=versions["versions"],
    )
    lists = vocabulary_lists(package.checked.vocabularies)
    write_page(env, "vocabularies.html", out / "vocabularies.html", base="", lists=lists)


def _write_metadata(root: Path, out: Path, files: list[dict], seeds: list[dict]) -> tuple[dict, list[dict], dict]:
    """Datasette's metadata.json, dataset.jsonld, datacite.xml, linkset.json and versions.json; the JSON-LD,
    the signposting links and the versions, for the index to show too."""
    from anso_facts.build.package import temporal_coverage
    from anso_facts.release.archive import versions_index

    write_one_line_json(out / "metadata.json", datasette_metadata())
    jsonld = schema_org_dataset(
        [{"name": f["name"], "contentUrl": f["path"], "encodingFormat": f["format"]} for f in files],
        [{"name": seed["title"], "url": f"seeds/{segment(seed_text_file(seed['id']))}"} for seed in seeds],
        temporal_coverage=temporal_coverage(root),
    )
    write_one_line_json(out / "dataset.jsonld", jsonld)
    copy_checkout_file(root, root / DATACITE, out / "datacite.xml")
    signposts = signposting_links(files)
    write_one_line_json(out / "linkset.json", linkset(signposts))
    versions = versions_index(root)
    write_one_line_json(out / "versions.json", versions)
    return jsonld, signposts, versions


def downloads(root: Path, out: Path) -> list[dict]:
    """Copy the package's files into the site; what the index lists to download. Copied, never linked: a later
    write into the site must not go through a hard link into the checkout."""
    copy_checkout_tree(root, root / "build", out / "package" / "build")
    copy_checkout_file(root, root / "datapackage.json", out / "package" / "datapackage.json")
    copy_checkout_file(root, root / "CITATION.cff", out / "CITATION.cff")
    files = [
        {
            "name": "Data package (Frictionless): datapackage.json",
            "path": "package/datapackage.json",
            "format": "application/json",
        },
        {"name": "SQLite database", "path": DATABASE, "format": "application/vnd.sqlite3"},
        {
            "name": "W3C Web Annotations of every citation and evidence",
            "path": ANNOTATIONS,
            "format": "application/ld+json",
        },
        {"name": "CITATION.cff", "path": "CITATION.cff", "format": "application/x-yaml"},
    ]
    from anso_facts.release.archive import archive_name

    archive = root / "dist" / archive_name()
    if archive.exists() or archive.is_symlink():  # by `anso-facts release` (the release workflow runs it first)
        if (root / "dist").is_symlink():
            raise SiteError("dist: a symbolic link; the site publishes only the checkout's own files")
        copy_checkout_file(root, archive, out / archive.name)
        files.insert(0, {"name": f"Release archive {__version__}", "path": archive.name, "format": "application/zip"})
    return files


def vocabulary_lists(vocabularies: Vocabularies) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each controlled list of data/vocabularies.yaml for its page: name, what it is for, and each term with its
    definition (a relation's with the tables it joins)."""
    return [(name, LISTS.get(name, ""), vocabularies.described(name)) for name in vocabularies.terms]
