"""Build stage: checked facts -> rows of every table -> CSV, Parquet, datapackage.json, JSON Schemas and the
data dictionary. Everything is written into a scratch folder and swapped into place only when all of it is
written, so a failing build leaves the previous output untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from .facts import Facts
from .rules import first_day, parse_lines
from .schemas import JSON_SCHEMAS, Column, columns, data_dictionary, table_schema
from .metadata import citation_cff, datapackage_metadata, zenodo_metadata
from .model import ALL_TABLES, TABLE_BY_NAME, Table, primary_key

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
# What the build writes, relative to the project root. Each is replaced whole.
OUTPUTS = ("build", "schemas", "docs/data-dictionary.md", "datapackage.json", "CITATION.cff", ".zenodo.json")
PRECISION_BY_PARTS = {1: "year", 2: "month", 3: "day"}


# --- rows ------------------------------------------------------------------------------------------------

def _cell(column: Column, data: dict):
    value = data.get(column.source)
    if value is None or not column.part:
        return value
    value = str(value)
    return first_day(value) if column.part == "value" else PRECISION_BY_PARTS[value.count("-") + 1]


def table_rows(facts: Facts) -> dict[str, list[dict]]:
    """Every table's rows, sorted by primary key."""
    rows: dict[str, list[dict]] = {t.name: [] for t in ALL_TABLES}
    for record in facts.records:
        table = TABLE_BY_NAME[record.table]
        rows[table.name].append({c.name: _cell(c, record.data) for c in columns(table)})
        rows["records"].append({"id": record.id, "table": table.name})
        for alias in record.data.get("aliases", ()):
            rows["aliases"].append({"organization_id": record.id, "alias": alias})
        for name, reason in record.data.get("inferred", {}).items():
            rows["inferences"].append({"record_id": record.id, "field": name, "reason": reason})
        for position, cite in enumerate(record.data.get("cite", ()), 1):
            first, last = parse_lines(cite["lines"])
            match = facts.seed_texts[cite["seed"]].find(cite["quote"], first, last)
            rows["citations"].append({
                "id": f"{record.id}#{position}", "record_id": record.id, "position": position,
                "seed_id": cite["seed"], "line_start": first, "line_end": last, "quote": cite["quote"],
                "char_start": match.char_start, "char_end": match.char_end})
    for table in ALL_TABLES:
        key = ("record_id", "position") if table.name == "citations" else primary_key(table)
        rows[table.name].sort(key=lambda row: tuple(row[k] for k in key))
    return rows


# --- files -----------------------------------------------------------------------------------------------

def arrow_schema(table: Table):
    import pyarrow as pa
    types = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(), "date": pa.date32()}
    return pa.schema([pa.field(c.name, types[c.type], nullable=not c.required) for c in columns(table)])


def write_table(table: Table, rows: list[dict], out: Path) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    schema = arrow_schema(table)
    data = pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()
    pacsv.write_csv(data, out / "build" / "csv" / f"{table.name}.csv",
                    pacsv.WriteOptions(quoting_style="needed"))
    pq.write_table(data, out / "build" / "parquet" / f"{table.name}.parquet", compression="zstd",
                   compression_level=9, row_group_size=1_000_000, use_dictionary=False, write_statistics=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _resource(table: Table, out: Path, fmt: str) -> dict:
    suffix = "" if fmt == "csv" else "-parquet"
    path = Path("build") / fmt / f"{table.name}.{fmt}"
    resource = {"name": table.name + suffix, "type": "table", "title": table.title,
                "description": table.description, "path": path.as_posix(), "format": fmt}
    if fmt == "csv":
        # frictionless 5 checks bytes and hash of CSV; it cannot count Parquet bytes and fails any it is given
        resource |= {"mediatype": "text/csv", "encoding": "utf-8", "bytes": (out / path).stat().st_size}
    else:
        resource["mediatype"] = PARQUET_MEDIATYPE
    resource["hash"] = f"sha256:{_sha256(out / path)}"
    resource["schema"] = table_schema(table, suffix)
    return resource


def descriptor(facts: Facts, out: Path) -> dict:
    seeds = sorted(facts.table("seeds"), key=lambda r: r.id)
    return {
        **datapackage_metadata(),
        "sources": [{"title": s.data["title"], "path": f"seeds/{s.data['file']}"} for s in seeds],
        "resources": [_resource(t, out, fmt) for fmt in ("csv", "parquet") for t in ALL_TABLES],
    }


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_outputs(facts: Facts, out: Path) -> None:
    """Write every output into `out`, laid out as in the project root."""
    for folder in ("build/csv", "build/parquet", "schemas", "docs"):
        (out / folder).mkdir(parents=True)
    rows = table_rows(facts)
    for table in ALL_TABLES:
        write_table(table, rows[table.name], out)
    for name, schema in JSON_SCHEMAS.items():
        (out / "schemas" / name).write_text(_json(schema), encoding="utf-8")
    (out / "docs" / "data-dictionary.md").write_text(data_dictionary(rows), encoding="utf-8")
    (out / "datapackage.json").write_text(_json(descriptor(facts, out)), encoding="utf-8")
    (out / "CITATION.cff").write_text(citation_cff(), encoding="utf-8")
    (out / ".zenodo.json").write_text(_json(zenodo_metadata()), encoding="utf-8")


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def swap_into_place(out: Path, root: Path) -> None:
    """Replace each output in `root` by its new version in `out`; the old ones go only once all are in."""
    trash = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
    moved: list[str] = []
    try:
        for name in OUTPUTS:
            target, old = root / name, trash / name.replace("/", "_")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                os.replace(target, old)
            moved.append(name)
            os.replace(out / name, target)
    except OSError:
        for name in reversed(moved):  # put back what was there
            old = trash / name.replace("/", "_")
            if old.exists():
                _remove(root / name)
                os.replace(old, root / name)
        raise
    finally:
        shutil.rmtree(trash, ignore_errors=True)


def build(facts: Facts, root: Path) -> None:
    """Write all outputs of checked facts into `root`, atomically per output."""
    out = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        write_outputs(facts, out)
        swap_into_place(out, root)
    finally:
        shutil.rmtree(out, ignore_errors=True)
