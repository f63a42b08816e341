"""`anso-facts build`: the checked project's Arrow tables -> CSV, Parquet, datapackage.json, JSON Schemas, the data
dictionary, the checks' reference and the citation metadata.

Everything is written into a scratch folder and swapped into place only when all of it is written (swap.py),
so a failing build leaves the previous output untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa

from anso_facts.build.arrow_tables import (
    UNSUPPORTED_TABLE,
    ArrowTables,
    joined_tables,
    output_table,
    table_digest,
    unsupported_words,
    with_reference_evidence,
)
from anso_facts.build.card import dataset_card
from anso_facts.build.labels import record_labels, with_labels
from anso_facts.build.outputs import CARD, DATACITE
from anso_facts.build.package import temporal_coverage
from anso_facts.build.swap import recover, swap_into_place
from anso_facts.check.evidence import EVIDENCE_TABLE, project_evidence
from anso_facts.check.project import Project
from anso_facts.check.registry import emitter_of
from anso_facts.check.run import check
from anso_facts.model.datacite import datacite_xml
from anso_facts.model.metadata import citation_cff, croissant, datapackage_metadata, package_dataset, zenodo_metadata
from anso_facts.model.problems import checks_markdown
from anso_facts.model.schemas import data_dictionary, examples, json_schemas, table_schema
from anso_facts.model.tables import ALL_TABLES, Table
from anso_facts.model.vocabularies import Vocabularies
from anso_facts.support import lock
from anso_facts.support.parallel import in_threads
from anso_facts.support.reuse import link_or_copy, reusable, statuses

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
FORMATS = ("csv", "parquet")


def check_for_build(root: Path, use_cache: bool = True, workers: int | None = None):
    """The check, with each file's Arrow tables made (or read from the cache) for `build`."""
    return check(root, use_cache, workers, producer=ArrowTables())


def build(project: Project, root: Path) -> None:
    """Write all outputs of a checked project into `root`, atomically per output, holding the checkout's lock
    (lock.Busy if another command keeps it past the wait)."""
    with lock.writing(root, "build"):
        recover(root)
        out = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
        try:
            written = write_outputs(project, out)
            swap_into_place(out, root)
            remember_written(project, written, root)
            if project.cache:
                project.cache.remove_unasked(by_build=True)  # once its own entries (labels, free text) were asked
        finally:
            shutil.rmtree(out, ignore_errors=True)


def write_outputs(project: Project, out: Path) -> dict[str, dict]:
    """Write every output into `out`, laid out as in the project root; return what was written of each
    table (see write_tables)."""
    for folder in ("build/csv", "build/parquet", "schemas", "docs"):
        (out / folder).mkdir(parents=True)
    written = write_tables(project, out)
    vocabularies = project.catalogue.vocabularies
    for name, schema in json_schemas(vocabularies).items():
        (out / "schemas" / name).write_text(_indented_json(schema), encoding="utf-8")
    dictionary = data_dictionary({name: entry["examples"] for name, entry in written.items()}, vocabularies)
    (out / "docs" / "data-dictionary.md").write_text(dictionary, encoding="utf-8")
    (out / "docs" / "checks.md").write_text(checks_markdown(emitter_of()), encoding="utf-8")
    package = descriptor(project, written, out)
    (out / "datapackage.json").write_text(_indented_json(package), encoding="utf-8")
    coverage = temporal_coverage(out)  # from the data: only in outputs that are not committed
    (out / "croissant.json").write_text(_indented_json(croissant(package, coverage)), encoding="utf-8")
    (out / "dataset.jsonld").write_text(_indented_json(package_dataset(package, coverage)), encoding="utf-8")
    # In build/ (never committed): the DataCite record and the dataset card, which the release puts at the
    # archive's root (datacite.xml, and README.md)
    (out / DATACITE).write_text(package_datacite(project, package, coverage), encoding="utf-8")
    (out / CARD).write_text(dataset_card(out), encoding="utf-8")
    (out / "CITATION.cff").write_text(citation_cff(), encoding="utf-8")
    (out / ".zenodo.json").write_text(_indented_json(zenodo_metadata()), encoding="utf-8")
    return written


def write_tables(project: Project, out: Path) -> dict[str, dict]:
    """Write every table as CSV and Parquet into `out`; return what was written of each (see _written). A table
    the last build wrote from the same rows under the same code is linked from the project's build/ (when its
    files there are unchanged): the same bytes, without labelling, sorting and compressing them again."""
    digests = {t.name: table_digest(project, t.name) for t in ALL_TABLES}
    written = reuse_tables(project, digests, out)
    missing = [t for t in ALL_TABLES if t.name not in written]
    tables = tables_to_write(project, written)

    def write(table: Table) -> dict:
        return _write_and_record(table, tables[table.name], digests[table.name], out)

    return written | dict(zip((t.name for t in missing), in_threads(write, missing), strict=True))


def reuse_tables(project: Project, digests: dict[str, str | None], out: Path) -> dict[str, dict]:
    """Link into `out` the tables the last build wrote as this one would; what was written of each."""
    last = project.cache.last_written() if project.cache else {}
    reused = {}
    for table in ALL_TABLES:
        if reusable(digests[table.name], last.get(table.name, {}), _files(table, project.root)):
            for fmt, path in _files(table, project.root).items():
                link_or_copy(path, out / _file(table, fmt))
            reused[table.name] = last[table.name]
    return reused


def tables_to_write(project: Project, reused: dict[str, dict]) -> dict[str, pa.Table]:
    """Every table joined across files; the ones made across files (labels, unsupported words, the evidence of
    references) only when not reused: labels were most of a build that reuses every table."""
    tables = joined_tables(project)
    if "records" not in reused or UNSUPPORTED_TABLE not in reused:
        labels = record_labels(project.products, project.cache)
        tables["records"] = with_labels(tables["records"], labels)
        tables[UNSUPPORTED_TABLE] = unsupported_words(project, labels)
    if EVIDENCE_TABLE not in reused:
        tables[EVIDENCE_TABLE] = with_reference_evidence(tables[EVIDENCE_TABLE], project_evidence(project)[0])
    return tables


def _write_and_record(table: Table, joined: pa.Table, digest: str | None, out: Path) -> dict:
    """One table in its output form written into `out`; what the build keeps of it: its digest, the sha256 of
    its files, its examples."""
    data = output_table(table, joined)
    write_table(table, data, out)
    return {
        "digest": digest,
        **{fmt: _sha256(path) for fmt, path in _files(table, out).items()},
        "examples": examples(table, data),
    }


def write_table(table: Table, data: pa.Table, out: Path) -> None:
    """One table as CSV and Parquet in `out`."""
    _write_csv(data, out / _file(table, "csv"))
    _write_parquet(data, out / _file(table, "parquet"))


def remember_written(project: Project, written: dict[str, dict], root: Path) -> None:
    """Keep what was written of each table, with the status of its files as they now stand in `root`."""
    for table in ALL_TABLES:
        written[table.name]["status"] = statuses(_files(table, root))
    if project.cache:
        project.cache.remember_written(written)


def _file(table: Table, fmt: str) -> Path:
    return Path("build") / fmt / f"{table.name}.{fmt}"


def _files(table: Table, root: Path) -> dict[str, Path]:
    """A table's files under `root`, by format."""
    return {fmt: root / _file(table, fmt) for fmt in FORMATS}


def _write_csv(data: pa.Table, path: Path) -> None:
    import pyarrow.csv as pacsv

    pacsv.write_csv(data, path, pacsv.WriteOptions(quoting_style="needed"))


def _write_parquet(data: pa.Table, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(
        data,
        path,
        compression="zstd",
        compression_level=3,
        row_group_size=1_000_000,
        use_dictionary=False,
        write_statistics=True,
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _resource(table: Table, written: dict, out: Path, fmt: str, vocabularies: Vocabularies) -> dict:
    suffix = "" if fmt == "csv" else "-parquet"
    path = _file(table, fmt)
    resource: dict[str, Any] = {
        "name": table.name + suffix,
        "type": "table",
        "title": table.title,
        "description": table.description,
        "path": path.as_posix(),
        "format": fmt,
    }
    if fmt == "csv":
        # frictionless 5 checks bytes and hash of CSV; it cannot count Parquet bytes and fails any it is given
        resource |= {"mediatype": "text/csv", "encoding": "utf-8", "bytes": (out / path).stat().st_size}
    else:
        resource["mediatype"] = PARQUET_MEDIATYPE
    resource["hash"] = f"sha256:{written[fmt]}"
    resource["schema"] = table_schema(table, vocabularies, suffix)
    return resource


def descriptor(project: Project, written: dict[str, dict], out: Path) -> dict:
    seeds = sorted(project.catalogue.records, key=lambda r: r.id)
    return {
        **datapackage_metadata(),
        "sources": [{"title": s.data["title"], "path": f"seeds/{s.data['file']}"} for s in seeds],
        "resources": [
            _resource(t, written[t.name], out, fmt, project.catalogue.vocabularies)
            for fmt in FORMATS
            for t in ALL_TABLES
        ],
    }


def _indented_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def package_datacite(project: Project, package: dict, coverage: str | None) -> str:
    """datacite.xml for the package: the seeds from the catalogue, the formats of its files."""
    seeds = [record.data for record in sorted(project.catalogue.records, key=lambda r: r.id)]
    formats = sorted({"application/json", *(resource["mediatype"] for resource in package["resources"])})
    return datacite_xml(seeds, coverage, formats)
