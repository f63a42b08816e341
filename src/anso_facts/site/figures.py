"""Figures side by side: a subject's statistics as a row per unit and a column per date and source, on its
record's page and, for the subjects with the most figures, on the statistics table's first page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from markupsafe import Markup

from anso_facts.model import dates
from anso_facts.site.data import Package
from anso_facts.site.html_contexts import attribute, text
from anso_facts.site.links import record_link

MAX_FIGURE_SUBJECTS = 100  # subjects whose figures the statistics page compares (those with the most figures)

_COMPARATOR = {"exactly": "", "more-than": "more than ", "over": "over ", "nearly": "nearly ", "about": "about "}


def figure_text(row: dict) -> str:
    """A figure as people read it: 'over 116,000,000', '210', 'millions'."""
    if row["value"] is None:
        return str(row["comparator"])
    return f"{_COMPARATOR.get(row['comparator'], str(row['comparator']) + ' ')}{row['value']:,d}"


def figures_html(package: Package, subject_id: str, to_records: str, seed_titles: Mapping[str, str]) -> str:
    """The figures of one subject side by side: a row per unit (downloads, sequences, visitors ...), a column
    per date and source (the seed its citation quotes), so that figures of the same kind read as a series.
    Each figure is its comparator and value, linked to its record, with what it counts."""
    rows = package.figures.get(subject_id)
    if not rows:
        return ""

    def key(row: dict) -> tuple:
        seeds = package.seeds_of.get(row["id"]) or [""]
        return (row["as_of"] is None, row["as_of"] or 0, row["as_of_precision"] or "", seeds[0])

    columns_ = sorted({key(row) for row in rows})
    units = list(dict.fromkeys(row["unit"] for row in rows))
    cells: dict[tuple, list[str]] = defaultdict(list)
    for row in rows:
        cells[row["unit"], key(row)].append(
            f'<a href="{to_records}{package.page[row["id"]]}">{text(figure_text(row))}</a> '
            f'<span class="measure">{text(row["measure"])}</span>'
        )
    head = "".join(
        f'<th scope="col">{text(dates.readable(c[1], c[2]) if not c[0] else "undated")}'
        f'<br><span class="source">{text(seed_titles.get(c[3], c[3]))}</span></th>'
        for c in columns_
    )
    body = "\n".join(
        f'<tr><th scope="row">{text(unit)}</th>'
        + "".join(f"<td>{'<br>'.join(cells.get((unit, c), ()))}</td>" for c in columns_)
        + "</tr>"
        for unit in units
    )
    name = attribute(package.labels.get(subject_id, subject_id))
    return (
        f'<div class="scroll" tabindex="0" role="region" aria-label="Figures of {name}">\n'
        f'<table class="figures" data-subject="{attribute(subject_id)}">\n'
        f'<thead><tr><th scope="col">unit</th>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</div>'
    )


def statistics_figures_html(package: Package, seed_titles: Mapping[str, str]) -> Markup:
    """The statistics page's comparison: for each subject (at most MAX_FIGURE_SUBJECTS, those with the most
    figures), its label linked and its figures side by side."""
    subjects = sorted(package.figures, key=lambda s: (-len(package.figures[s]), package.labels.get(s, s), s))
    parts = []
    for subject in subjects[:MAX_FIGURE_SUBJECTS]:
        parts.append(
            f'<section class="subject-figures" aria-label="{attribute(package.labels.get(subject, subject))}">'
            f"<h3>{record_link(package, subject, '../records/')}</h3>\n"
            f"{figures_html(package, subject, '../records/', seed_titles)}</section>"
        )
    more = len(subjects) - MAX_FIGURE_SUBJECTS
    if more > 0:
        parts.append(
            f"<p>And {more:,d} more subjects with figures (each one's page compares its own); the "
            f"{MAX_FIGURE_SUBJECTS:d} with the most figures are shown.</p>"
        )
    return Markup("\n".join(parts))
