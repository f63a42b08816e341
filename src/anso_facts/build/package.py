"""The one reader of a built package: datapackage.json and the Parquet tables it names, as Arrow tables or rows,
and what is read from them alike by the build, the release, the site and the deposit (the temporal coverage).

The build's own package (this checkout's, read by the site, the release and the database) is trusted and read
whole. Any other package is untrusted: `diff` checks a folder handed to it, or extracts an archive or a git
revision into a temporary folder, then reads it here under `Limits`, its descriptor checked
(`checked_descriptor`), each table's rows and the bytes they decode to bounded, so that a hostile package ends
in a PackageError naming it. Tables are read with ParquetFile: pq.read_table would import pyarrow.dataset, and
pandas with it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from anso_facts import PackageError, open_regular, read_regular
from anso_facts.model import dates

BATCH = 1024  # rows of an untrusted table decoded at a time
# The dated happenings the data reports: the span of these is its temporal coverage
TEMPORAL_FIELDS = (("events", "date"), ("agreements", "date"), ("resources", "launch_date"), ("statistics", "as_of"))


def printable(text: str) -> str:
    """A string from an untrusted package as it may be printed: control characters and the like escaped."""
    return text if text.isprintable() else repr(text)[1:-1]


def unsafe_path(name: str) -> str | None:
    """Why a member name or resource path could land outside the folder it is read into; None if it cannot.
    A directory member's trailing slash is allowed."""
    parts = name.removesuffix("/").split("/")
    if not name or name.startswith("/"):
        return "is empty" if not name else "is absolute"
    if "\\" in name or re.match(r"[A-Za-z]:", name):
        return "has a backslash or a drive letter"
    if not name.isprintable():
        return "has a control character"
    if ".." in parts:
        return "has a '..' part"
    if any(part in ("", ".") for part in parts):
        return "has an empty or '.' part"
    return None


class Budget:
    """Bytes an untrusted package may still take (extracted, or decoded): spending past the limit is refused
    before the bytes are written or kept."""

    def __init__(self, side: str, limit: int, unit: str = "bytes") -> None:
        self.side, self.limit, self.left, self.unit = side, limit, limit, unit

    def spend(self, size: int, what: str) -> None:
        self.fits(size, what)
        self.left -= size

    def fits(self, size: int, what: str) -> None:
        """Refuse, without spending, a size that would take the side past the limit (one declared before it is
        read)."""
        if size > self.left:
            raise PackageError(
                f"{printable(self.side)}: {what} takes the side past {self.limit} {self.unit}, the most diff "
                f"reads (a zip bomb?)"
            )


@dataclass(frozen=True)
class Limits:
    """What an untrusted package's tables may hold."""

    rows: int  # rows of one table
    decoded: Budget  # bytes its tables decode to in Arrow, all together
    cells: Budget  # rows times columns of its tables, all together: what becomes Python values (a column of
    # nulls decodes to no bytes, yet each of its cells does)


RESOURCE_LIMIT = 1000  # resources of an untrusted datapackage.json (a release has a few dozen)
COLUMN_LIMIT = 1000  # fields of an untrusted resource, columns of its table (a real one has at most twenty)


def checked_descriptor(side: str, data: bytes) -> dict:
    """An untrusted datapackage.json parsed and checked: an object whose resources each have a name and a path
    inside the package."""
    try:
        descriptor = json.loads(data)
    except (ValueError, RecursionError) as error:  # not UTF-8, not JSON, nested past the parser's depth
        raise PackageError(f"{printable(side)}: datapackage.json is not JSON ({error})") from None
    if not isinstance(descriptor, dict):
        raise PackageError(f"{printable(side)}: datapackage.json is not a JSON object")
    if not isinstance(descriptor.get("version", ""), str):
        raise PackageError(f"{printable(side)}: datapackage.json: version is not a string")
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        raise PackageError(f"{printable(side)}: datapackage.json has no list of resources")
    if len(resources) > RESOURCE_LIMIT:
        raise PackageError(f"{printable(side)}: datapackage.json has more than {RESOURCE_LIMIT} resources; refused")
    for number, resource in enumerate(resources, 1):
        _check_resource(side, number, resource)
    paths = [resource["path"] for resource in resources]
    if twice := sorted({path for path in paths if paths.count(path) > 1}):
        raise PackageError(
            f"{printable(side)}: datapackage.json names the file {printable(twice[0])} in more than one resource"
        )
    return descriptor


def _check_resource(side: str, number: int, resource) -> None:
    name = resource.get("name") if isinstance(resource, dict) else None
    if not isinstance(name, str) or not name:
        raise PackageError(f"{printable(side)}: datapackage.json: resource {number} has no name")
    path = resource.get("path")
    if not isinstance(path, str):
        raise PackageError(
            f"{printable(side)}: datapackage.json: resource {printable(name)} has no path (one file name)"
        )
    problem = unsafe_path(path) or ("names a folder" if path.endswith("/") else None)
    if problem:
        raise PackageError(
            f"{printable(side)}: datapackage.json: resource {printable(name)}: path {printable(path)} "
            f"{problem}; a resource path is a relative name inside the package"
        )


def descriptor(root: Path) -> dict:
    """The build's own datapackage.json."""
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def parquet_resources(descriptor: dict) -> list[dict]:
    """The resources that are tables to read: the Parquet ones (the CSV files hold the same rows)."""
    return [resource for resource in descriptor["resources"] if resource.get("format") == "parquet"]


def table_name(resource: dict) -> str:
    return resource["name"].removesuffix("-parquet")


def read_table(
    folder: Path,
    resource: dict,
    limits: Limits | None = None,
    side: str = "",
    columns: list[str] | None = None,
    required: list[str] | tuple[str, ...] = (),
) -> pa.Table:
    """A resource's Parquet table: whole from the build's own package; from an untrusted one (`limits`), the
    `columns` it has (`required` among them), a batch at a time within the limits."""
    if limits is None:
        return pq.ParquetFile(folder / resource["path"]).read(columns=columns)
    what = f"{printable(side or str(folder))}: {printable(resource['path'])}"
    try:
        return _bounded_table(folder / resource["path"], resource, limits, what, columns, required)
    except (pa.ArrowException, OSError, ValueError) as error:  # not Parquet, damaged, a type pyarrow cannot read
        raise PackageError(f"{what} is not a readable Parquet table ({printable(str(error))})") from None


def _bounded_table(
    path: Path, resource: dict, limits: Limits, what: str, columns: list[str] | None, required
) -> pa.Table:
    table = pq.ParquetFile(path)
    chosen = _chosen_columns(table, limits, what, columns, required)
    label = printable(resource["path"])
    limits.cells.spend(table.metadata.num_rows * max(1, len(chosen)), f"{label} (cells)")
    # before any batch is decoded (one may be large): the size its footer declares
    limits.decoded.fits(_declared_size(table.metadata, chosen), f"{label} (declared size)")
    # text read as dictionaries: a value repeated in many rows is held once until its repeats are counted
    texts = [name for name in chosen if _is_text(table.schema_arrow.field(name).type)]
    table = pq.ParquetFile(path, read_dictionary=texts)
    batches = []
    for batch in table.iter_batches(batch_size=BATCH, columns=chosen):
        limits.decoded.spend(_decoded_size(batch), f"{label} (decoded)")
        batches.append(_expanded(batch))
    return pa.Table.from_batches(batches) if batches else table.schema_arrow.empty_table().select(chosen)


def _decoded_size(batch: pa.RecordBatch) -> int:
    """The bytes a batch will hold once its dictionaries are expanded (counted without expanding them)."""
    import pyarrow.compute as pc  # here: only diff reads untrusted tables, and the import costs every build 40 ms

    size = 0
    for column in batch.columns:
        if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):
            lengths = pc.take(pc.binary_length(column.dictionary), column.indices)
            size += (pc.sum(lengths).as_py() or 0) + 8 * len(column)  # the values, and an offset for each
        else:
            size += column.get_total_buffer_size()
    return size


def _expanded(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A batch with its dictionary columns as plain ones (their size counted first: _decoded_size)."""
    columns = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _is_text(kind: pa.DataType) -> bool:
    return any(
        test(kind)
        for test in (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary, pa.types.is_large_binary)
    )


def _chosen_columns(table: pq.ParquetFile, limits: Limits, what: str, columns: list[str] | None, required) -> list[str]:
    """The columns of an untrusted table to read, once its footer is held to the limits: its rows and columns,
    each named once, and of a type diff reads (_is_readable)."""
    meta, schema = table.metadata, table.schema_arrow
    if meta.num_rows > limits.rows:
        raise PackageError(f"{what} has {meta.num_rows} rows, more than the {limits.rows} diff reads")
    if meta.num_columns > COLUMN_LIMIT:
        raise PackageError(f"{what} has {meta.num_columns} columns, more than the {COLUMN_LIMIT} diff reads")
    names = set(schema.names)
    if len(names) < len(schema.names):
        twice = sorted({name for name in schema.names if schema.names.count(name) > 1})
        raise PackageError(f"{what} names the column {printable(twice[0])} more than once")
    chosen = [name for name in columns if name in names] if columns is not None else schema.names
    missing = [name for name in required if name not in set(chosen)]
    if missing:
        raise PackageError(f"{what} lacks the key field {printable(missing[0])} its schema declares")
    odd = [name for name in chosen if not _is_readable(schema.field(name).type)]
    if odd:
        kind = schema.field(odd[0]).type
        raise PackageError(f"{what}: column {printable(odd[0])} is of type {kind}, which anso-facts never writes")
    return chosen


def _declared_size(meta: pq.FileMetaData, chosen: list[str]) -> int:
    """The bytes a Parquet file's footer says its `chosen` columns hold, uncompressed."""
    wanted = set(chosen)
    groups = (meta.row_group(index) for index in range(meta.num_row_groups))
    return sum(
        column.total_uncompressed_size
        for group in groups
        for column in (group.column(index) for index in range(group.num_columns))
        if column.path_in_schema in wanted
    )


def _is_readable(kind: pa.DataType) -> bool:
    """A type diff reads: text (counted before it is expanded: _decoded_size) or a fixed-width scalar. Not a
    list, struct or map (a list of nulls decodes to almost no bytes, yet to as many Python values as it holds),
    nor a view or fixed-size binary (decoded whole before it could be counted), none of which anso-facts writes."""
    if pa.types.is_dictionary(kind):
        return _is_readable(kind.value_type)
    return _is_text(kind) or any(
        test(kind)
        for test in (
            pa.types.is_integer,
            pa.types.is_floating,
            pa.types.is_boolean,
            pa.types.is_temporal,
            pa.types.is_decimal,
            pa.types.is_null,
        )
    )


def read_tables(root: Path, names: list[str] | None = None) -> dict[str, pa.Table]:
    """The build's own tables (those in `names`, or all), by name, in datapackage.json's order."""
    return {
        table_name(resource): read_table(root, resource)
        for resource in parquet_resources(descriptor(root))
        if names is None or table_name(resource) in names
    }


def table_names(root: Path) -> list[str]:
    """The build's own tables, in datapackage.json's order."""
    return [table_name(resource) for resource in parquet_resources(descriptor(root))]


def table_rows(root: Path, name: str, columns: list[str] | None = None) -> list[dict]:
    """One table of the build's own package as rows (of `columns`, or all)."""
    resource = next(r for r in parquet_resources(descriptor(root)) if table_name(r) == name)
    return read_table(root, resource, columns=columns).to_pylist()


def row_counts(root: Path) -> dict[str, int]:
    """Rows per table of the build's own package, from its Parquet files' footers, in datapackage.json's order."""
    resources = parquet_resources(descriptor(root))
    return {table_name(r): pq.read_metadata(root / r["path"]).num_rows for r in resources}


def untrusted_row_counts(folder: Path, limit: int) -> dict[str, int]:
    """Rows per table of a package folder that is not the build's own (a release kept in the checkout, which a
    pull request may change): its descriptor checked, each file regular and inside the folder, read no further
    than its footer. PackageError if any of it is not so."""
    resources = parquet_resources(
        checked_descriptor(folder.name, read_regular(folder / "datapackage.json", folder, limit))
    )
    counts = {}
    for resource in resources:
        try:
            with open_regular(folder / resource["path"], folder) as file:
                counts[table_name(resource)] = pq.read_metadata(file).num_rows
        except (pa.ArrowException, OSError) as error:
            raise PackageError(f"{printable(resource['path'])}: not a readable Parquet table ({error})") from None
    return counts


def built_rows(root: Path) -> dict[str, list[dict]]:
    """Every table of the build's own package as rows, by name."""
    return {name: table.to_pylist() for name, table in read_tables(root).items()}


def dated(root: Path, fields: tuple[tuple[str, str], ...]) -> list[tuple[date, str]]:
    """Every date of the build's own package in the (table, column) `fields`, with its precision (day, month or
    year)."""
    found = []
    resources = {table_name(r): r for r in parquet_resources(descriptor(root))}
    for table, column in fields:
        data = read_table(root, resources[table], columns=[column, f"{column}_precision"])
        values, precisions = (data.column(name).to_pylist() for name in data.column_names)
        pairs = zip(values, precisions, strict=True)
        found += [(value, precision or "day") for value, precision in pairs if value is not None]
    return found


def _start(item: tuple[date, str]) -> tuple[date, int]:
    """To compare beginnings: the first day, then the finer date first ('2020-01-01' before '2020')."""
    return item[0], -dates.PRECISIONS.index(item[1])


def _end(item: tuple[date, str]) -> tuple[date, int]:
    """To compare ends: the last day covered, then the coarser date last ('2020' after '2020-12-31')."""
    return dates.last_day(dates.text(*item)), -dates.PRECISIONS.index(item[1])


def temporal_coverage(root: Path) -> str | None:
    """The span of the dates of the events, agreements, launches and figures the build's own package reports, as
    an ISO 8601 (and EDTF) interval whose ends keep the precision the text gives: '2018-10-14/2021'. None if none
    is dated. In the build's uncommitted outputs, the card, the archive, the site and the deposit."""
    found = dated(root, TEMPORAL_FIELDS)
    if not found:
        return None
    first, last = min(_extremes(found), key=_start), max(_extremes(found), key=_end)
    return f"{dates.text(*first)}/{dates.text(*last)}"


def _extremes(found: list[tuple[date, str]]) -> list[tuple[date, str]]:
    """The earliest and the latest date of each precision: the only candidates for the first and the last, as a
    later date of one precision never ends sooner (and _end is slow enough to be worth sparing 60,000 calls)."""
    by_precision: dict[str, list[date]] = {}
    for value, precision in found:
        by_precision.setdefault(precision, []).append(value)
    return [(day, precision) for precision, days in by_precision.items() for day in (min(days), max(days))]
