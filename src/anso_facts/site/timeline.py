"""The timeline on the review site: every dated fact (an event, a resource's launch, an agreement, the date of a
figure, the date a relation holds since, the date a title is shown held) on one axis, at its precision: a year
is drawn as the whole year, a month as the month, a day as the day. Drawn as plain SVG when the site is written,
every value escaped through html_contexts, each fact linked to its record's page.

The axis is cut into years: each year that holds a fact has a width of its own (wider as it holds more facts,
within bounds), and a run of empty years between two that do is one narrow break, so that 1964 and 2020 stand
on one axis and the months of a busy year can still be told apart. A site may have 100,000 records: a timeline
shows at most MAX_ITEMS facts, every n-th in date order (so the first and last stay), and says so."""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup

from anso_facts.model import dates
from anso_facts.model.dates import PRECISIONS
from anso_facts.site.html_contexts import attribute, segment, text

if TYPE_CHECKING:
    from collections.abc import Mapping

# (table, date field, what the date is)
DATED = (
    ("events", "date", "event"),
    ("resources", "launch_date", "launched"),
    ("agreements", "date", "signed"),
    ("statistics", "as_of", "figure as of"),
    ("relations", "since", "since"),
    ("roles", "as_of", "title as of"),
)
MAX_ITEMS = 1000
LABEL_W, BREAK_W, ROW_H, TOP, RIGHT = 430, 40, 22, 40, 20
MIN_YEAR_W, PER_FACT_W, MAX_YEAR_W = 120, 24, 480  # a year's width grows with the facts it holds
SHOWN = 62  # characters of an item's text shown (the whole text is its title)


class Dated(NamedTuple):
    day: date
    precision: str  # year, month or day
    record_id: str
    what: str


def dated_facts(tables: Mapping[str, list[dict]]) -> list[Dated]:
    """Every dated fact, by date (a year before its months, a month before its days), then by record id."""
    found = [
        Dated(row[field], row[f"{field}_precision"] or "day", row["id"], what)
        for table, field, what in DATED
        for row in tables[table]
        if row[field] is not None
    ]
    rank = {precision: i for i, precision in enumerate(PRECISIONS)}
    found.sort(key=lambda d: (d.day, rank[d.precision], d.record_id, d.what))
    return found


def sampled(items: list[Dated], limit: int = MAX_ITEMS) -> list[Dated]:
    """At most `limit` items: every n-th, the last one kept."""
    if len(items) <= limit:
        return items
    step = -(-len(items) // limit)
    kept = items[::step]
    return kept if kept[-1] is items[-1] else [*kept[:-1], items[-1]]


class Axis:
    """Where each year of the timeline stands (its left edge, in pixels)."""

    def __init__(self, facts_per_year: dict[int, int]):
        self.left: dict[int, float] = {}
        self.year_width: dict[int, float] = {}
        self.breaks: list[float] = []
        x = float(LABEL_W)
        years = sorted(facts_per_year)
        for index, year in enumerate(years):
            if index and year != years[index - 1] + 1:
                self.breaks.append(x)
                x += BREAK_W
            self.left[year] = x
            self.year_width[year] = float(min(MAX_YEAR_W, max(MIN_YEAR_W, PER_FACT_W * facts_per_year[year])))
            x += self.year_width[year]
        self.width = x + RIGHT

    def span(self, day: date, precision: str) -> tuple[float, float]:
        """The left edge and width of a date at its precision."""
        left, year = self.left[day.year], self.year_width[day.year]
        if precision == "year":
            return left, year
        if precision == "month":
            return left + (day.month - 1) * year / 12, year / 12
        days = 366 if calendar.isleap(day.year) else 365
        width = 4.0
        return left + (day.timetuple().tm_yday - 0.5) * year / days - width / 2, width


def _year_band(index: int, year: int, left: float, width: float, height: int) -> str:
    """One year of the axis: its band (every other one shaded), a tick between its months, its number."""
    return (
        f'<g class="year" data-year="{year:d}" data-x="{left:.1f}" data-width="{width:.1f}">'
        f'<rect class="band{" odd" if index % 2 else ""}" x="{left:.1f}" y="{TOP - 14:d}" '
        f'width="{width:.1f}" height="{height - TOP + 14:d}"/>'
        + "".join(
            f'<line class="tick" x1="{left + m * width / 12:.1f}" y1="{TOP - 14:d}" '
            f'x2="{left + m * width / 12:.1f}" y2="{height:d}"/>'
            for m in range(1, 12)
        )
        + f'<text x="{left + 4:.1f}" y="{TOP - 20:d}">{year:d}</text></g>'
    )


def _axis_parts(axis: Axis, height: int) -> list[str]:
    """The years, then a mark at each run of empty years left out."""
    bands = [
        _year_band(index, year, left, axis.year_width[year], height)
        for index, (year, left) in enumerate(axis.left.items())
    ]
    marks = [f'<text class="break" x="{x + BREAK_W / 2:.1f}" y="{TOP - 20:d}">\u2026</text>' for x in axis.breaks]
    return bands + marks


def _item_row(row: int, item: Dated, axis: Axis, labels: Mapping[str, str], record_href: str) -> str:
    """One fact: its date, what the date is and its record's label (cut to SHOWN characters, whole in the
    title), and its span on the axis; linked to the record's page."""
    y = TOP + row * ROW_H
    when = dates.readable(item.day, item.precision)
    label = labels.get(item.record_id, item.record_id)
    said = f"{when} \u2014 {item.what}: {label}"
    shown = said if len(said) <= SHOWN else said[: SHOWN - 1].rstrip() + "\u2026"
    left, width = axis.span(item.day, item.precision)
    return (
        f'<a class="item {item.precision}" href="{record_href}{segment(item.record_id)}.html" '
        f'data-id="{attribute(item.record_id)}" data-date="{item.day.isoformat()}" '
        f'data-precision="{attribute(item.precision)}"><title>{text(said)}</title>'
        f'<text x="6" y="{y + 15:d}">{text(shown)}</text>'
        f'<rect x="{left:.1f}" y="{y + 4:d}" width="{width:.1f}" height="{ROW_H - 8:d}" rx="2"/></a>'
    )


def svg(items: list[Dated], labels: Mapping[str, str], record_href: str) -> Markup:
    """The timeline as an SVG element: the axis of years (with their months marked) and one row per fact, its
    date, what the date is and its record's label, linked to the record's page."""
    if not items:
        return Markup("")
    per_year: dict[int, int] = {}
    for item in items:
        per_year[item.day.year] = per_year.get(item.day.year, 0) + 1
    axis = Axis(per_year)
    height = TOP + ROW_H * len(items) + 10
    parts = [
        f'<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {axis.width:.0f} {height:d}" '
        f'width="{axis.width:.0f}" height="{height:d}" aria-labelledby="timeline-title" role="group">',
        '<g class="axis">',
        *_axis_parts(axis, height),
        '</g>\n<g class="items">',
        *(_item_row(row, item, axis, labels, record_href) for row, item in enumerate(items)),
        "</g>\n</svg>",
    ]
    return Markup("\n".join(parts))
