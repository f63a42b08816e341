"""Reading the built package for people: `anso-facts show ID` and `anso-facts stats`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from anso_facts import load, seed_files, seed_text, tables
from anso_facts.model import dates
from anso_facts.model.tables import ALL_TABLES, TABLE_BY_NAME

CONTEXT_LINES = 1


def _text(value, precision=None) -> str:
    """A value as the YAML gives it: a date at its precision ('2020-07'), anything else as text."""
    if isinstance(value, pd.Timestamp):
        return dates.text(value.date(), precision) or str(value.date())
    return str(value)


def _fields(table: str, row: pd.Series, labels: pd.Series, grounds: dict[str, str]) -> list[str]:
    """Each field with a value; a reference with the referred record's label; and below it, the words of the
    seed that ground it (`grounds`) or why it was inferred."""
    refs = {f.name for f in TABLE_BY_NAME[table].fields if f.kind == "ref"}
    lines = []
    for name, value in row.items():
        if pd.isna(value):
            continue
        shown = _text(value, row.get(f"{name}_precision"))
        lines.append(f"  {name}: {shown}" + (f" ({labels[value]})" if name in refs else ""))
        if name in grounds:
            lines.append(f"      {grounds[name]}")
    return lines


def _grounds(record_id: str, root: Path) -> dict[str, str]:
    """Field -> the words of the seed that ground its value, by citation (`[1] "words"`), or why it is inferred."""
    evidence, inferences = load("evidence", root), load("inferences", root)
    cites = load("citations", root).set_index("id")
    texts = _SeedTexts(root)
    grounds: dict[str, list[str]] = {}
    for _, row in evidence[evidence["record_id"] == record_id].iterrows():
        cite = cites.loc[row["citation_id"]]
        words = " ".join(texts[cite["seed_id"]][int(row["char_start"]) : int(row["char_end"])].split())
        grounds.setdefault(row["field"], []).append(f"[{cite['position']}] \u201c{words}\u201d")
    shown = {field: "stated in " + "; ".join(found) for field, found in grounds.items()}
    for _, row in inferences[inferences["record_id"] == record_id].iterrows():
        shown[row["field"]] = f"inferred: {row['reason']}"
    return shown


class _SeedTexts(dict):
    """Seed id -> its text, each read when first asked for."""

    def __init__(self, root: Path):
        super().__init__()
        self.files = seed_files(root)
        self.root = root

    def __missing__(self, seed_id: str) -> str:
        self[seed_id] = seed_text(self.root, self.files[seed_id])
        return self[seed_id]


def _related(record_id: str, root: Path, labels: pd.Series) -> list[str]:
    """One line for every row of another table that refers to the record: its label, then its fields."""
    out = []
    for table in ALL_TABLES:
        refs = [f.name for f in table.fields if f.kind == "ref"]
        if not refs or table.name in ("records", "citations", "evidence", "unsupported_words"):
            continue
        frame = load(table.name, root)
        for _, row in frame[frame[refs].eq(record_id).any(axis=1)].iterrows():
            summary = ", ".join(
                f"{k}={_text(v, row.get(f'{k}_precision'))}" for k, v in row.items() if not pd.isna(v) and k != "note"
            )
            label = f"{labels[row['id']]}: " if "id" in row else ""
            out.append(f"  {table.name}: {label}{summary}")
    return out


def _cited_lines(record_id: str, root: Path) -> list[str]:
    out = []
    texts = _SeedTexts(root)
    cites = load("citations", root)
    for _, cite in cites[cites["record_id"] == record_id].iterrows():
        lines = texts[cite["seed_id"]].split("\n")
        first, last = int(cite["line_start"]), int(cite["line_end"])
        out.append(f'  [{cite["position"]}] {cite["seed_id"]} lines {first}-{last}: "{cite["quote"]}"')
        for number in range(max(1, first - CONTEXT_LINES), min(len(lines), last + CONTEXT_LINES) + 1):
            marker = ">" if first <= number <= last else " "
            out.append(f"    {marker} {number:4d} | {lines[number - 1]}")
    return out


def show(record_id: str, root: Path) -> str:
    """The record, what refers to it, and its cited seed lines in context; '' if there is no such record."""
    records = load("records", root).set_index("id")
    if record_id not in records.index:
        return ""
    table, labels = records.at[record_id, "table"], records["label"]
    frame = load(table, root)
    row = frame[frame["id"] == record_id].iloc[0]
    grounds = _grounds(record_id, root)
    parts = [f"{record_id} ({table}): {labels[record_id]}", *_fields(table, row.drop("id"), labels, grounds)]
    related = _related(record_id, root, labels)
    if related:
        parts += ["referred to by:", *related]
    cited = _cited_lines(record_id, root)
    if cited:
        parts += ["cited from:", *cited]
    return "\n".join(parts)


def stats(root: Path) -> str:
    counts = [f"  {name:24s} {len(load(name, root)):6d}" for name in tables(root)]
    cites = load("citations", root)
    per_seed = cites.groupby("seed_id").agg(records=("record_id", "nunique"), citations=("id", "size"))
    seeds = [f"  {seed_id:24s} {row.records:6d} {row.citations:9d}" for seed_id, row in per_seed.iterrows()]
    return "\n".join(["rows per table:", *counts, "", f"  {'seed':24s} {'records':>6s} {'citations':>9s}", *seeds])
