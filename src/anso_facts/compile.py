"""Build stage: checked records -> rows of every table -> CSV, Parquet, datapackage.json, JSON Schemas and the
data dictionary.

Each file's records become Arrow tables of their own (`file_tables`, cached with the file); the build joins
every file's tables, sorts each by its key and writes it. Everything is written into a scratch folder and
swapped into place only when all of it is written, so a failing build leaves the previous output untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from .facts import Facts
from .problems import checks_markdown
from .rules import first_day, parse_lines
from .schemas import JSON_SCHEMAS, Column, columns, data_dictionary, examples, table_schema
from .metadata import citation_cff, datapackage_metadata, zenodo_metadata
from .model import ALL_TABLES, CITE_TABLE, TABLE_BY_NAME, Table, primary_key

if TYPE_CHECKING:
    from .project import Project

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
# What the build writes, relative to the project root. Each is replaced whole.
OUTPUTS = ("build", "schemas", "docs/data-dictionary.md", "docs/checks.md", "datapackage.json", "CITATION.cff", ".zenodo.json")
PRECISION_BY_PARTS = {1: "year", 2: "month", 3: "day"}
EPOCH = dt.date(1970, 1, 1)
LOCATOR = "_index"  # a column of the records table while checking: the record's index in its table in its file


def output_files(root: Path) -> dict[str, bytes]:
    """Every file the build wrote under `root`, by path: what two builds are compared by."""
    out = {}
    for name in OUTPUTS:
        paths = [root / name] if (root / name).is_file() else sorted((root / name).rglob("*"))
        out |= {p.relative_to(root).as_posix(): p.read_bytes() for p in paths if p.is_file()}
    return out


# --- rows ------------------------------------------------------------------------------------------------

def _cell(column: Column, data: dict):
    value = data.get(column.source)
    if value is None or not column.part:
        return value
    value = str(value)
    return first_day(value) if column.part == "value" else PRECISION_BY_PARTS[value.count("-") + 1]


def record_rows(facts: Facts) -> dict[str, list[dict]]:
    """Every table's rows from one file's records, in file order. A quote that does not stand (a problem the
    check reports) leaves its citation's offsets empty."""
    rows: dict[str, list[dict]] = {t.name: [] for t in ALL_TABLES}
    for record in facts.records:
        table = TABLE_BY_NAME[record.table]
        rows[table.name].append({c.name: _cell(c, record.data) for c in columns(table)})
        rows["records"].append({"id": record.id, "table": table.name, LOCATOR: record.path[1]})
        for alias in record.data.get("aliases", ()):
            rows["aliases"].append({"organization_id": record.id, "alias": alias})
        for name, reason in record.data.get("inferred", {}).items():
            rows["inferences"].append({"record_id": record.id, "field": name, "reason": reason})
        for position, cite in enumerate(record.data.get("cite", ()), 1):
            first, last = parse_lines(cite["lines"])
            text = facts.seed_texts.get(cite["seed"])
            match = text.find(cite["quote"], first, last) if text and first <= last <= text.line_count else None
            rows[CITE_TABLE].append({
                "id": f"{record.id}#{position}", "record_id": record.id, "position": position,
                "seed_id": cite["seed"], "line_start": first, "line_end": last, "quote": cite["quote"],
                "char_start": match and match.char_start, "char_end": match and match.char_end})
    return rows


def arrow_schema(table: Table, checking: bool = False):
    """The Arrow schema of a table as written; `checking`: as held while checking, every column nullable
    (a record with a problem may lack a value) and the records table with its LOCATOR."""
    types = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_(), "date": pa.date32()}
    fields = [pa.field(c.name, types[c.type], nullable=checking or not c.required) for c in columns(table)]
    if checking and table.name == "records":
        fields.append(pa.field(LOCATOR, pa.int64()))
    return pa.schema(fields)


def file_tables(facts: Facts) -> tuple[dict[str, pa.Table], dict[str, str]]:
    """One file's rows as Arrow tables, as held while checking, and a digest of each table's rows."""
    rows = record_rows(facts)
    lines = {t.name: json_lines(rows[t.name]) for t in ALL_TABLES}
    tables = {t.name: arrow_table(lines[t.name], arrow_schema(t, checking=True)) for t in ALL_TABLES}
    return tables, {name: hashlib.sha256(data).hexdigest() for name, data in lines.items()}


_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"),
                            default=lambda value: (value - EPOCH).days)


def json_lines(rows: list[dict]) -> bytes:
    """Rows as JSON lines, dates as days since 1970-01-01 (Arrow's date32)."""
    return "\n".join(map(_ENCODER.encode, rows)).encode()


def arrow_table(lines: bytes, schema: pa.Schema) -> pa.Table:
    """JSON lines as an Arrow table of `schema`, read by pyarrow's JSON reader, which types every value
    against the schema and rejects any it does not declare. (`pa.Table.from_pylist` would do the same from
    the rows, but it imports pandas: a quarter of a second on every check.)"""
    import pyarrow.json as pajson
    if not lines:
        return pa.Table.from_batches([], schema=schema)
    options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    reading = pajson.ReadOptions(use_threads=False, block_size=max(len(lines), 1 << 20))  # one chunk
    return pajson.read_json(io.BytesIO(lines), read_options=reading, parse_options=options)


def output_table(table: Table, rows: pa.Table) -> pa.Table:
    """A table as written: sorted by its key, its declared columns only, required ones not null."""
    key = ("record_id", "position") if table.name == CITE_TABLE else primary_key(table)
    rows = rows.sort_by([(k, "ascending") for k in key]) if rows.num_rows else rows
    return rows.select([c.name for c in columns(table)]).cast(arrow_schema(table))


# --- files -----------------------------------------------------------------------------------------------

def _file(table: Table, fmt: str) -> Path:
    return Path("build") / fmt / f"{table.name}.{fmt}"


def write_table(table: Table, data: pa.Table, out: Path) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    pacsv.write_csv(data, out / _file(table, "csv"), pacsv.WriteOptions(quoting_style="needed"))
    pq.write_table(data, out / _file(table, "parquet"), compression="zstd", compression_level=3,
                   row_group_size=1_000_000, use_dictionary=False, write_statistics=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _written(table: Table, digest: str | None, data: pa.Table, out: Path) -> dict:
    """What the build keeps of a written table: its digest, the sha256 of its files, its examples."""
    return {"digest": digest, **{fmt: _sha256(out / _file(table, fmt)) for fmt in ("csv", "parquet")},
            "examples": examples(table, data)}


def _status(path: Path) -> list[int] | None:
    """What changes whenever a file's bytes do: its inode, size, and times of change (the kernel sets the
    ctime on every change to a file, and only the kernel does)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return [status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def _reusable(table: Table, digest: str | None, last: dict, root: Path) -> bool:
    """Whether the table as the last build wrote it is what this build would write: the same rows from the
    same files under the same code and seeds (the digest), and its files still as that build left them."""
    status = last.get("status", {})
    return (digest is not None and last.get("digest") == digest
            and all(status.get(fmt) and _status(root / _file(table, fmt)) == status[fmt]
                    for fmt in ("csv", "parquet")))


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def write_tables(project: Project, out: Path) -> dict[str, dict]:
    """Write every table as CSV and Parquet into `out`. A table the last build wrote from the same rows under
    the same code is linked from the project's build/ (when its files there are unchanged): the same bytes,
    without sorting and compressing them again."""
    last = project.last_written()
    digests = {t.name: project.table_digest(t.name) for t in ALL_TABLES}
    written = {}
    for table in ALL_TABLES:
        if _reusable(table, digests[table.name], last.get(table.name, {}), project.root):
            for fmt in ("csv", "parquet"):
                _link_or_copy(project.root / _file(table, fmt), out / _file(table, fmt))
            written[table.name] = last[table.name]

    def write(table: Table) -> dict:
        data = output_table(table, project.tables[table.name])
        write_table(table, data, out)
        return _written(table, digests[table.name], data, out)

    missing = [t for t in ALL_TABLES if t.name not in written]
    with ThreadPoolExecutor(os.cpu_count()) as pool:  # Arrow sorts and writes without holding the GIL
        written |= dict(zip((t.name for t in missing), pool.map(write, missing)))
    return written


def remember_written(project: Project, written: dict[str, dict], root: Path) -> None:
    """Keep what was written of each table, with the status of its files as they now stand in `root`."""
    for table in ALL_TABLES:
        written[table.name]["status"] = {fmt: _status(root / _file(table, fmt)) for fmt in ("csv", "parquet")}
    project.remember_written(written)


def _resource(table: Table, written: dict, out: Path, fmt: str) -> dict:
    suffix = "" if fmt == "csv" else "-parquet"
    path = _file(table, fmt)
    resource = {"name": table.name + suffix, "type": "table", "title": table.title,
                "description": table.description, "path": path.as_posix(), "format": fmt}
    if fmt == "csv":
        # frictionless 5 checks bytes and hash of CSV; it cannot count Parquet bytes and fails any it is given
        resource |= {"mediatype": "text/csv", "encoding": "utf-8", "bytes": (out / path).stat().st_size}
    else:
        resource["mediatype"] = PARQUET_MEDIATYPE
    resource["hash"] = f"sha256:{written[fmt]}"
    resource["schema"] = table_schema(table, suffix)
    return resource


def descriptor(project: Project, written: dict[str, dict], out: Path) -> dict:
    seeds = sorted(project.catalogue.records, key=lambda r: r.id)
    return {
        **datapackage_metadata(),
        "sources": [{"title": s.data["title"], "path": f"seeds/{s.data['file']}"} for s in seeds],
        "resources": [_resource(t, written[t.name], out, fmt) for fmt in ("csv", "parquet") for t in ALL_TABLES],
    }


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_outputs(project: Project, out: Path) -> dict[str, dict]:
    """Write every output into `out`, laid out as in the project root; return what was written of each
    table (see write_tables)."""
    for folder in ("build/csv", "build/parquet", "schemas", "docs"):
        (out / folder).mkdir(parents=True)
    written = write_tables(project, out)
    for name, schema in JSON_SCHEMAS.items():
        (out / "schemas" / name).write_text(_json(schema), encoding="utf-8")
    dictionary = data_dictionary({name: entry["examples"] for name, entry in written.items()})
    (out / "docs" / "data-dictionary.md").write_text(dictionary, encoding="utf-8")
    (out / "docs" / "checks.md").write_text(checks_markdown(), encoding="utf-8")
    (out / "datapackage.json").write_text(_json(descriptor(project, written, out)), encoding="utf-8")
    (out / "CITATION.cff").write_text(citation_cff(), encoding="utf-8")
    (out / ".zenodo.json").write_text(_json(zenodo_metadata()), encoding="utf-8")
    return written


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


JOURNAL = ".anso-swap.json"  # present only while a build moves its outputs into place
SCRATCH_PREFIXES = (".build-", ".old-")


def _rename(source: Path, target: Path) -> None:
    """Every move of the swap goes through here (a test stops the process at each one)."""
    os.replace(source, target)


def _write_journal(root: Path, out: Path, trash: Path) -> None:
    scratch = root / (JOURNAL + ".new")
    scratch.write_text(json.dumps({"new": out.name, "old": trash.name}), encoding="utf-8")
    os.replace(scratch, root / JOURNAL)


def _move_in(root: Path, out: Path, trash: Path, name: str) -> None:
    """Put the new version of one output in place, the old one aside; safe to repeat after a stop."""
    target, old, new = root / name, trash / name.replace("/", "_"), out / name
    if not new.exists():
        return  # moved in already
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # not yet moved aside (a stop between the two moves leaves no target)
        _rename(target, old)
    _rename(new, target)


def swap_into_place(out: Path, root: Path) -> None:
    """Replace each output in `root` by its new version in `out`. A journal says what is being done, so that a
    process stopped half-way is finished by the next command (see `recover`); a failure while moving puts the
    old outputs back."""
    trash = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
    try:
        _write_journal(root, out, trash)
        for name in OUTPUTS:
            _move_in(root, out, trash, name)
    except OSError:
        for name in reversed(OUTPUTS):  # put back what was there
            old = trash / name.replace("/", "_")
            if old.exists():
                _remove(root / name)
                os.replace(old, root / name)
        (root / JOURNAL).unlink(missing_ok=True)
        shutil.rmtree(trash, ignore_errors=True)
        raise
    (root / JOURNAL).unlink()
    shutil.rmtree(trash, ignore_errors=True)


def recover(root: Path) -> None:
    """Finish a swap that a stopped build left half done (its new outputs were all written before the journal
    was), and remove what stopped builds left behind, so that a reader never sees a mixed package."""
    journal = root / JOURNAL
    if journal.is_file():
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
            out, trash = root / state["new"], root / state["old"]
        except (OSError, ValueError, KeyError, TypeError):
            state = None
        if state is not None and out.is_dir():
            for name in OUTPUTS:
                _move_in(root, out, trash, name)
        journal.unlink()
    (root / (JOURNAL + ".new")).unlink(missing_ok=True)
    for path in root.iterdir():
        if path.is_dir() and path.name.startswith(SCRATCH_PREFIXES):
            shutil.rmtree(path, ignore_errors=True)


def update_readme(project: Project, root: Path) -> None:
    """Write the current figures into README.md between its markers (see coverage.figures), whole or not at all."""
    from .coverage import with_figures
    readme = root / "README.md"
    if not readme.is_file():
        return
    text = readme.read_text(encoding="utf-8")
    updated = with_figures(text, project)
    if updated is None or updated == text:
        return
    scratch = readme.with_name(".README.md.new")
    scratch.write_text(updated, encoding="utf-8")
    os.replace(scratch, readme)


def build(project: Project, root: Path) -> None:
    """Write all outputs of a checked project into `root`, atomically per output, and the README's figures."""
    recover(root)
    out = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        written = write_outputs(project, out)
        swap_into_place(out, root)
        remember_written(project, written, root)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    update_readme(project, root)
