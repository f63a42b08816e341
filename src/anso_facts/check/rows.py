"""`check`, after loading: one file's loaded records -> the rows of every table, as plain Python dicts, in file order.

The project rules read a few of their columns (project_rules.COLUMNS_READ); the build turns them into
Arrow tables (build/arrow_tables.py). Nothing here imports pyarrow."""

from __future__ import annotations

import datetime as dt

from anso_facts.check.evidence import EVIDENCE_TABLE, file_evidence
from anso_facts.check.freetext import unsupported
from anso_facts.check.loader import FileRecords
from anso_facts.check.seedtext import parse_lines
from anso_facts.model import dates
from anso_facts.model.schemas import Column, columns
from anso_facts.model.tables import ALL_TABLES, CITE_TABLE, TABLE_BY_NAME, Table

UNSUPPORTED_TABLE = "unsupported_words"
LOCATOR = "_index"  # a column of the records rows, not written: the record's index in its table in its file

Rows = dict[str, list[dict]]  # table name -> rows


def _cell(column: Column, data: dict):
    value = data.get(column.source)
    if value is None or not column.part:
        return value
    value = str(value)
    return dates.first_day(value) if column.part == "value" else dates.precision(value)


def _list_rows(table: Table, record_id: str, data: dict) -> list[dict]:
    """A `list` field's values as rows of its table (`Table.list_table`): the owner's id, then the value."""
    owner, value = (f.name for f in TABLE_BY_NAME[table.list_table].fields)
    return [{owner: record_id, value: item} for f in table.fields if f.kind == "list" for item in data.get(f.name, ())]


def record_rows(records: FileRecords) -> Rows:
    """Every table's rows from one file's records, in file order. A quote that does not stand (a problem the
    check reports) leaves its citation's offsets empty."""
    rows: Rows = {t.name: [] for t in ALL_TABLES}
    for record in records.records:
        table = TABLE_BY_NAME[record.table]
        rows[table.name].append({c.name: _cell(c, record.data) for c in columns(table)})
        rows["records"].append({"id": record.id, "table": table.name, LOCATOR: record.path[1]})
        if table.list_table:
            rows[table.list_table] += _list_rows(table, record.id, record.data)
        for name, reason in record.data.get("inferred", {}).items():
            rows["inferences"].append({"record_id": record.id, "field": name, "reason": reason})
        for position, cite in enumerate(record.data.get("cite", ()), 1):
            first, last = parse_lines(cite["lines"])
            match = records.seed_texts.locate(cite)
            rows[CITE_TABLE].append(
                {
                    "id": f"{record.id}#{position}",
                    "record_id": record.id,
                    "position": position,
                    "seed_id": cite["seed"],
                    "line_start": first,
                    "line_end": last,
                    "quote": cite["quote"],
                    "char_start": match and match.char_start,
                    "char_end": match and match.char_end,
                }
            )
    rows[EVIDENCE_TABLE] = list(file_evidence(records)[0])  # a reference's evidence is the project's (write.py)
    rows[UNSUPPORTED_TABLE] = unsupported_candidates(records)  # less those referred labels support (write.py)
    return rows


def unsupported_candidates(records: FileRecords) -> list[dict]:
    """The words of each free-text value that none of its record's quotes supports (freetext.py)."""
    found = []
    for record in records.records:
        free = [f.name for f in TABLE_BY_NAME[record.table].fields if f.evidence == "free-text"]
        texts = {name: record.data[name] for name in free if record.data.get(name)}
        if texts:
            quotes = [cite["quote"] for cite in record.data.get("cite", ())]
            found += [
                {"record_id": record.id, "field": name, "word": word}
                for name, text in texts.items()
                for word in unsupported(text, quotes)
            ]
    return found


def select(rows: Rows, wanted: dict[str, tuple[str, ...]]) -> dict[str, dict[str, list]]:
    """Some columns of some tables, column by column: {table: {column: [values]}}, dates as ISO text; small to
    keep and quick to read back."""
    return {
        table: {name: [_date_as_text(row[name]) for row in rows[table]] for name in names}
        for table, names in wanted.items()
    }


def _date_as_text(value):
    """A date as ISO text (the cached columns hold no date objects); any other value as it is."""
    return value.isoformat() if isinstance(value, dt.date) else value
