"""`build`, first step: each file's rows -> Arrow tables, typed as model/tables.py declares; every file's
joined, sorted by the table's key and cut to its declared columns, as written.

The build hands `ArrowTables` to the check as its FileProducer: each file's tables are made where its rows are
(in the check's workers), and cached beside the check's entry as Arrow IPC streams, read back memory-mapped."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from anso_facts.check.evidence import EVIDENCE_TABLE, reference_evidence_inputs
from anso_facts.check.freetext import supported_by_labels
from anso_facts.check.rows import LOCATOR, UNSUPPORTED_TABLE, Rows
from anso_facts.model.schemas import columns
from anso_facts.model.tables import ALL_TABLES, TABLE_BY_NAME, TABLES, Table
from anso_facts.support.arrow_entry import encode, ipc_bytes, read_entry
from anso_facts.support.cache import BUILD_SUFFIX, TABLES_SUFFIX, Cache, kept

if TYPE_CHECKING:
    from anso_facts.check.project import Project


@dataclass
class FileTables:
    """One file's rows as Arrow tables (every column nullable: a record with a problem may lack a value), and
    a digest of each table's rows."""

    tables: dict[str, pa.Table]
    digests: dict[str, str]


def arrow_schema(table: Table, checking: bool = False) -> pa.Schema:
    """The Arrow schema of a table as written; `checking`: as made from one file's rows, every column nullable
    and the records table with its LOCATOR."""
    types = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(), "date": pa.date32()}
    fields = [pa.field(c.name, types[c.type], nullable=checking or not c.required) for c in columns(table)]
    if checking and table.name == "records":
        fields.append(pa.field(LOCATOR, pa.int64()))
    return pa.schema(fields)


def file_tables(rows: Rows) -> FileTables:
    """One file's rows as Arrow tables, and a digest of each table's rows."""
    tables = {t.name: arrow_table(rows[t.name], arrow_schema(t, checking=True)) for t in ALL_TABLES}
    return FileTables(tables, {name: table_bytes_digest(table) for name, table in tables.items()})


def arrow_table(rows: list[dict], schema: pa.Schema) -> pa.Table:
    """Rows as an Arrow table of `schema`, one column at a time: a value of another type is an error, and so is
    a key the schema does not declare. (Nine times faster than through JSON lines and Arrow's JSON reader,
    though pa.array imports pandas: docs/performance.md, "The rebuild".)"""
    undeclared = set().union(*rows) - set(schema.names)
    if undeclared:
        raise ValueError(f"rows with columns the schema does not declare: {sorted(undeclared)}")
    arrays = [pa.array([row.get(field.name) for row in rows], field.type) for field in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def table_bytes_digest(table: pa.Table) -> str:
    """A digest of a table's values: of its Arrow IPC stream (equal bytes, equal values)."""
    return hashlib.sha256(ipc_bytes(table)).hexdigest()


def output_table(table: Table, rows: pa.Table) -> pa.Table:
    """A table as written: sorted by its key (`Table.sort_key`), its declared columns only, required ones not
    null."""
    rows = rows.sort_by([(k, "ascending") for k in table.sort_key]) if rows.num_rows else rows
    return rows.select([c.name for c in columns(table)]).cast(arrow_schema(table))


PROJECT_WIDE = ("records", UNSUPPORTED_TABLE)  # tables whose rows (labels) are made from every file's


def with_reference_evidence(evidence: pa.Table, rows: list[dict]) -> pa.Table:
    """Every file's evidence rows, with those of references (made across files: evidence.project_evidence)."""
    schema = arrow_schema(TABLE_BY_NAME[EVIDENCE_TABLE], checking=True)
    return pa.concat_tables([evidence, arrow_table(rows, schema)])


def unsupported_words(project: Project, labels: dict[str, str]) -> pa.Table:
    """The unsupported words every file found (rows.unsupported_candidates), less those the labels of the
    records their record refers to support (freetext.py)."""
    parts = [_file_unsupported_words(product, labels, project.cache) for product in project.products]
    schema = arrow_schema(TABLE_BY_NAME[UNSUPPORTED_TABLE], checking=True)
    return pa.concat_tables(parts) if parts else pa.Table.from_batches([], schema=schema)


def _file_unsupported_words(product: FileTables, labels: dict[str, str], cache: Cache | None) -> pa.Table:
    """One file's unsupported words (its candidates), less those the labels of referred records support; kept
    in the cache under the file's rows and those labels, so that an edit elsewhere costs this file nothing."""
    candidates = product.tables[UNSUPPORTED_TABLE]
    if not candidates.num_rows:
        return candidates
    referred = _referred(product.tables)
    used = sorted({(other, labels.get(other, "")) for ids in referred.values() for other in ids})
    schema = arrow_schema(TABLE_BY_NAME[UNSUPPORTED_TABLE], checking=True)
    return kept(
        cache,
        "unsupported",
        lambda: pickle.dumps((sorted(product.digests.items()), used)),
        lambda: arrow_table(supported_by_labels(candidates.to_pylist(), referred, labels), schema),
        BUILD_SUFFIX,
    )


def _referred(tables: dict[str, pa.Table]) -> dict[str, list[str]]:
    """Record id -> the ids it refers to, for the records of the tables with free text."""
    referred: dict[str, list[str]] = {}
    for table in TABLES:
        refs = [f.name for f in table.fields if f.kind == "ref"]
        if refs and any(f.evidence == "free-text" for f in table.fields):
            for row in tables[table.name].select(["id", *refs]).to_pylist():
                referred[row["id"]] = [row[name] for name in refs if row[name]]
    return referred


def joined_tables(project: Project) -> dict[str, pa.Table]:
    """Every table's rows from every file, in file order (the tables ArrowTables made of each file)."""
    return {t.name: pa.concat_tables([tables.tables[t.name] for tables in project.products]) for t in ALL_TABLES}


def table_digest(project: Project, name: str) -> str | None:
    """A digest of a table's rows from every file, and of the seeds and code (the cache's context); None
    without the cache. The records table's labels and the unsupported words are made from every table's rows
    (PROJECT_WIDE), so their digests cover them all; the evidence's, the evidence of references too (made across
    files: a digest of what they are made from, evidence.reference_evidence_inputs)."""
    if project.cache is None:
        return None
    digest = hashlib.sha256(project.cache.context)
    names = [t.name for t in ALL_TABLES] if name in PROJECT_WIDE else [name]
    for tables in project.products:
        for each in names:
            digest.update(tables.digests[each].encode())
    if name == EVIDENCE_TABLE:
        digest.update(reference_evidence_inputs(project))
    return digest.hexdigest()


class ArrowTables:
    """The build's FileProducer (run.py): each file's Arrow tables, made where its rows are, and cached."""

    def make(self, rows: Rows) -> FileTables:
        return file_tables(rows)

    def get(self, cache: Cache, key: str) -> FileTables | None:
        entry = read_entry(cache.path(key, TABLES_SUFFIX))
        return entry if isinstance(entry, FileTables) else None

    def put(self, cache: Cache, key: str, product: FileTables) -> None:
        cache.write(key + TABLES_SUFFIX, *encode(product))
