"""`anso-facts diff`: what changed between two built packages, table by table, keyed by each table's primary key.

A side is a package folder (one holding datapackage.json), a release archive (.zip), or a git revision of the
checkout (`v0.2.0`, `HEAD~1`), whose committed datapackage.json and build/ are read. Every side is untrusted
and read by sides.py: a hostile one is a DiffError naming it. The diff says which tables and fields were added,
removed or retyped, and per table the records added and removed and, for a record in both, each field whose
value changed. `required_step` says which part of the version must change for it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from anso_facts.model.schemas import markdown_cell
from anso_facts.release.sides import Side, package_folder, read_side

STEPS = ("patch", "minor", "major")


@dataclass
class TableDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, list]] = field(default_factory=dict)  # key -> field -> [old, new]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class Diff:
    old_version: str
    new_version: str
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)  # table.field
    fields_removed: list[str] = field(default_factory=list)
    fields_retyped: list[str] = field(default_factory=list)  # table.field: old -> new
    tables: dict[str, TableDiff] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "schema": {
                "tables_added": self.tables_added,
                "tables_removed": self.tables_removed,
                "fields_added": self.fields_added,
                "fields_removed": self.fields_removed,
                "fields_retyped": self.fields_retyped,
            },
            "tables": {
                name: {"added": t.added, "removed": t.removed, "changed": t.changed}
                for name, t in self.tables.items()
                if t
            },
            "required_step": required_step(self),
        }


def required_step(diff: Diff) -> str | None:
    """The smallest version step the changes need: major for a removed or retyped table or field; minor for
    added tables, fields or records, or removed records (an id users may hold); patch for corrected values; None
    when nothing changed."""
    if diff.tables_removed or diff.fields_removed or diff.fields_retyped:
        return "major"
    if diff.tables_added or diff.fields_added or any(t.added or t.removed for t in diff.tables.values()):
        return "minor"
    if any(t.changed for t in diff.tables.values()):
        return "patch"
    return None


def version_tuple(version: str) -> tuple[int, ...]:
    """MAJOR.MINOR.PATCH as numbers, for comparing."""
    return tuple(int(part) for part in version.split(".")[:3])


def version_step(old: str, new: str) -> str | None:
    """The part of the version that changed from `old` to `new` (MAJOR.MINOR.PATCH), None if neither grew."""
    a, b = version_tuple(old), version_tuple(new)
    if b <= a:
        return None
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


# --- comparing --------------------------------------------------------------------------------------------


def compare(old: Side, new: Side) -> Diff:
    diff = Diff(
        old.version,
        new.version,
        sorted(set(new.schemas) - set(old.schemas)),
        sorted(set(old.schemas) - set(new.schemas)),
    )
    for name in sorted(set(old.schemas) & set(new.schemas)):
        old_fields = {f["name"]: f["type"] for f in old.schemas[name]["fields"]}
        new_fields = {f["name"]: f["type"] for f in new.schemas[name]["fields"]}
        diff.fields_added += [f"{name}.{f}" for f in new_fields if f not in old_fields]
        diff.fields_removed += [f"{name}.{f}" for f in old_fields if f not in new_fields]
        diff.fields_retyped += [
            f"{name}.{f}: {old_fields[f]} -> {new_fields[f]}"
            for f in old_fields
            if f in new_fields and old_fields[f] != new_fields[f]
        ]
        diff.tables[name] = compare_rows(old.rows[name], new.rows[name], [f for f in new_fields if f in old_fields])
    return diff


def compare_rows(old: dict[str, dict], new: dict[str, dict], shared: list[str]) -> TableDiff:
    table = TableDiff(sorted(set(new) - set(old)), sorted(set(old) - set(new)))
    for key in sorted(set(old) & set(new)):
        changed = {f: [old[key].get(f), new[key].get(f)] for f in shared if old[key].get(f) != new[key].get(f)}
        if changed:
            table.changed[key] = changed
    return table


def diff(old: str, new: str, root: Path) -> Diff:
    """The diff between two sides (folders, archives or git revisions of the checkout in `root`)."""
    with package_folder(old, root) as old_folder, package_folder(new, root) as new_folder:
        return compare(read_side(old_folder, old), read_side(new_folder, new))


# --- showing ----------------------------------------------------------------------------------------------


def _schema_changes(d: Diff) -> list[tuple[str, list[str]]]:
    """The schema's changes that happened, each with its title."""
    changes = [
        ("tables added", d.tables_added),
        ("tables removed", d.tables_removed),
        ("fields added", d.fields_added),
        ("fields removed", d.fields_removed),
        ("fields retyped", d.fields_retyped),
    ]
    return [(title, items) for title, items in changes if items]


def _value(value) -> str:
    return "(empty)" if value is None else json.dumps(value, ensure_ascii=False)


def as_text(d: Diff) -> str:
    lines = [f"{d.old_version} -> {d.new_version}: {required_step(d) or 'no'} change"]
    lines += [f"{title}: {', '.join(items)}" for title, items in _schema_changes(d)]
    for name, table in d.tables.items():
        if not table:
            continue
        lines.append(f"{name}: {len(table.added)} added, {len(table.removed)} removed, {len(table.changed)} changed")
        lines += [f"  + {key}" for key in table.added] + [f"  - {key}" for key in table.removed]
        for key, fields in table.changed.items():
            lines.append(f"  ~ {key}")
            lines += [f"      {f}: {_value(a)} -> {_value(b)}" for f, (a, b) in fields.items()]
    return "\n".join(lines)


def as_markdown(d: Diff) -> str:
    lines = [
        f"## Changes from {d.old_version} to {d.new_version}",
        "",
        f"Needs a {required_step(d)} version step." if required_step(d) else "No change.",
        "",
    ]
    lines += [f"- {title.capitalize()}: {', '.join(f'`{i}`' for i in items)}" for title, items in _schema_changes(d)]
    for name, table in d.tables.items():
        if not table:
            continue
        lines += [
            "",
            f"### {name}",
            "",
            f"{len(table.added)} added, {len(table.removed)} removed, {len(table.changed)} changed.",
            "",
        ]
        lines += [f"- added `{key}`" for key in table.added] + [f"- removed `{key}`" for key in table.removed]
        if table.changed:
            lines += ["", "| record | field | old | new |", "|---|---|---|---|"]
            lines += [
                f"| `{key}` | `{f}` | {markdown_cell(_value(a))} | {markdown_cell(_value(b))} |"
                for key, fields in table.changed.items()
                for f, (a, b) in fields.items()
            ]
    return "\n".join(lines) + "\n"
