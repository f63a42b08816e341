"""A table's pages (tables/NAME.html, NAME-2.html ...): every column, sortable and filterable (table.js), in
pages of PAGE_ROWS rows, references linked by their record's label, dates at their precision, inferred values
marked; the statistics table's first page also compares each subject's figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup

from anso_facts.model import dates
from anso_facts.model.schemas import columns
from anso_facts.model.tables import ALL_TABLES, TABLES, Table
from anso_facts.site.data import Package
from anso_facts.site.figures import statistics_figures_html
from anso_facts.site.file_names import table_page_name
from anso_facts.site.html_contexts import attribute, link, text, texts
from anso_facts.site.render import write_page

PAGE_ROWS = 1000  # rows per table page: a table of 100,000 rows is 100 pages
_HOW = {
    "id": "record",
    "ref": "link",
    "date": "date",
    "integer": "integer",
    "url": "url",
    "list": "list",
    "boolean": "boolean",
}


def write_table_pages(env, package: Package, out: Path) -> None:
    """Each table's pages of PAGE_ROWS rows, with links to all of them."""
    titles = {seed["id"]: seed["title"] for seed in package.tables["seeds"]}
    for table in ALL_TABLES:
        rows = package.tables[table.name]
        pages = max(1, -(-len(rows) // PAGE_ROWS))
        for page in range(1, pages + 1):
            first = (page - 1) * PAGE_ROWS
            shown = rows[first : first + PAGE_ROWS]
            figures = statistics_figures_html(package, titles) if table.name == "statistics" and page == 1 else ""
            write_page(
                env,
                "table.html",
                out / "tables" / table_page_name(table.name, page),
                base="../",
                table=table,
                headers=["record" if n == "id" and table in TABLES else n for n in table_columns(table)],
                count=len(rows),
                rows=table_rows_html(package, table, shown),
                figures=figures,
                page=page,
                pages=pager(table.name, page, pages),
                first=first + 1,
                last=first + len(shown),
                page_rows=PAGE_ROWS,
            )


PAGER_REACH = 3  # the pager links the first and the last page, and this many on each side of the current one


def pager(table: str, page: int, pages: int) -> list[tuple[int, str] | None]:
    """The pages a table's page links, as (number, page name), None where some are left out: every page of a
    short table; of a long one the first, the last and those near `page`, so that a page's size does not grow
    with the number of pages (a table of 400,000 rows has 400)."""
    near = [n for n in range(1, pages + 1) if n in (1, pages) or abs(n - page) <= PAGER_REACH]
    numbers = sorted(set(near) | {n + 1 for n in near if n + 2 in near})  # no "…" for a single page
    shown: list[tuple[int, str] | None] = []
    for number in numbers:
        if shown and shown[-1] is not None and number > shown[-1][0] + 1:
            shown.append(None)
        shown.append((number, table_page_name(table, number)))
    return shown


def table_columns(table: Table) -> list[str]:
    """The columns a table's page shows: every column (a date and its precision in one; a curated table's
    aliases too), but the label of `records`, shown as the link of its id."""
    if table in TABLES:
        return [f.name for f in table.fields] + (["note"] if table.cited else [])
    return [c.name for c in columns(table) if (table.name, c.name) != ("records", "label") and c.part != "precision"]


def _column_kinds(table: Table) -> list[tuple[str, str]]:
    """Each shown column and how its cells are made: record (a curated record's label, linked, and its id),
    link (a reference as the label it points to), date, integer, url, list, boolean or text."""
    kinds = {f.name: f.kind for f in table.fields}
    shown = []
    for name in table_columns(table):
        kind = kinds.get(name, "text")
        if table not in TABLES and kind == "id":
            kind = "ref"  # records.id: a link to the record
        shown.append((name, _HOW.get(kind, "text")))
    return shown


def table_rows_html(package: Package, table: Table, rows: list[dict] | None = None) -> Markup:
    """Rows of a table (by default all) as <tr> elements: every column, ids and references as links labelled
    with the record's label, dates at their precision, inferred values marked. Made here rather than in the
    template, a column at a time: a table may have 100,000 rows."""
    rows = package.tables[table.name] if rows is None else rows
    shown = _column_kinds(table)
    cells = [_COLUMN_CELLS[how](package, rows, name) for name, how in shown]
    if table in TABLES:
        _mark_inferred(package, rows, [name for name, _ in shown], cells)
    return Markup("\n".join(f"<tr>{''.join(row)}</tr>" for row in zip(*cells, strict=True)))


def _mark_inferred(package: Package, rows: list[dict], names: list[str], cells: list[list[str]]) -> None:
    """Mark each inferred value's cell in `cells` (a list per column of `names`), with the reason as its title."""
    where = {name: index for index, name in enumerate(names)}
    for position, row in enumerate(rows):
        for name, reason in package.inferred.get(row["id"], {}).items():
            if name in where:
                cell = cells[where[name]][position]
                cells[where[name]][position] = (
                    f'{cell[:-5]} <span class="inferred" title="{attribute(reason)}">inferred</span></td>'
                )


# Each column of a table's page as <td> elements, made a column at a time (a table may have 100,000 rows), by
# how its cells are made (_column_kinds); a data-sort key where the cell's text would sort wrongly (a date, a
# number, a record by its label).


def _list_cells(package: Package, rows: list[dict], name: str) -> list[str]:
    aliases = package.aliases
    return [f"<td>{text('; '.join(aliases[r['id']]))}</td>" if r["id"] in aliases else "<td></td>" for r in rows]


def _record_cells(package: Package, rows: list[dict], name: str) -> list[str]:
    labels, label_html, pages, ids = package.labels, package.label_html, package.page, package.id_html
    return [  # label_html: each label escaped once, which is also its escaping as an attribute's value
        f'<td data-sort="{label_html[v]}"><a href="../records/{pages[v]}">{label_html[v]}</a> '
        f"<code>{ids[v]}</code></td>"
        if v in labels
        else f"<td>{text(v)}</td>"
        for v in (r[name] for r in rows)
    ]


def _link_cells(package: Package, rows: list[dict], name: str) -> list[str]:
    labels, label_html, pages = package.labels, package.label_html, package.page
    values = [r[name] for r in rows]
    unlabelled = iter(texts([str(v) for v in values if v is not None and v not in labels]))  # a citation's id
    return [
        "<td></td>"
        if v is None
        else f'<td><a href="../records/{pages[v]}">{label_html[v]}</a></td>'
        if v in labels
        else f"<td>{next(unlabelled)}</td>"
        for v in values
    ]


def _date_cells(package: Package, rows: list[dict], name: str) -> list[str]:
    values, precisions = [r[name] for r in rows], [r[f"{name}_precision"] for r in rows]
    return [
        "<td></td>" if v is None else f'<td class="date" data-sort="{v.isoformat()}">{text(dates.readable(v, p))}</td>'
        for v, p in zip(values, precisions, strict=True)
    ]


def _integer_cells(package: Package, rows: list[dict], name: str) -> list[str]:
    values = [r[name] for r in rows]
    return ["<td></td>" if v is None else f'<td class="number" data-sort="{v:d}">{v:,d}</td>' for v in values]


def _url_cells(package: Package, rows: list[dict], name: str) -> list[str]:
    return ["<td></td>" if not v else f"<td>{link(str(v))}</td>" for v in (r[name] for r in rows)]


def _boolean_cells(package: Package, rows: list[dict], name: str) -> list[str]:
    return ["<td></td>" if v is None else f"<td>{'yes' if v else 'no'}</td>" for v in (r[name] for r in rows)]


def _text_cells(package: Package, rows: list[dict], name: str) -> list[str]:
    values = ["" if r[name] is None else str(r[name]) for r in rows]
    return ["<td></td>" if v == "" else f"<td>{escaped}</td>" for v, escaped in zip(values, texts(values), strict=True)]


_COLUMN_CELLS: dict[str, Callable[[Package, list[dict], str], list[str]]] = {
    "list": _list_cells,
    "record": _record_cells,
    "link": _link_cells,
    "date": _date_cells,
    "integer": _integer_cells,
    "url": _url_cells,
    "boolean": _boolean_cells,
    "text": _text_cells,
}
