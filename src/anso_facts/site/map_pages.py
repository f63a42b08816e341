"""The pages that draw the package: the map of its ties (graph.html), each seed's map (graphs/SEED.html), both
drawn by tie_map.py with the same ties as a table, and the timeline (timeline.html, drawn by timeline.py)."""

from __future__ import annotations

from pathlib import Path

from anso_facts.site import tie_map, timeline
from anso_facts.site.data import Package
from anso_facts.site.file_names import file_name
from anso_facts.site.html_contexts import segment
from anso_facts.site.links import record_linker
from anso_facts.site.render import environment, write_page


def write_maps(package: Package, root: Path, out: Path) -> None:
    """The map of ties of the whole package (graph.html) and the timeline (timeline.html)."""
    env = environment()
    _write_package_map(env, package, out)
    _write_timeline(env, package, out)


def _write_package_map(env, package: Package, out: Path) -> None:
    seeds = [
        (seed["id"], seed["title"], f"graphs/{segment(file_name(seed['id'], '.html'))}")
        for seed in package.tables["seeds"]
    ]
    _map_page(
        env,
        package,
        out / "graph.html",
        "",
        "Map of ties",
        "Organizations, people, events, resources and agreements, and how they are tied: relations, roles, "
        "participations and what is part of what. Each node links to its record; the table below the map "
        "says the same.",
        package.ties,
        tie_map.MAX_NODES,
        seeds=seeds,
    )


def _write_timeline(env, package: Package, out: Path) -> None:
    items = timeline.dated_facts(package.tables)
    shown = timeline.sampled(items)
    note = (
        ""
        if len(shown) == len(items)
        else (
            f" The package has {len(items):,d} dated facts: every {-(-len(items) // timeline.MAX_ITEMS):d}th, in date "
            f"order, is drawn ({len(shown):,d})."
        )
    )
    write_page(
        env,
        "timeline.html",
        out / "timeline.html",
        base="",
        count=len(items),
        note=note,
        svg=timeline.svg(shown, package.labels, "records/"),
    )


def write_seed_maps(package: Package, root: Path, out: Path, part: int = 0, parts: int = 1) -> None:
    """graphs/SEED.html: the map of the ties a seed states (those whose record cites it), for every `parts`-th
    seed from the `part`-th on."""
    env = environment()
    for seed in package.tables["seeds"][part::parts]:
        _map_page(
            env,
            package,
            out / "graphs" / file_name(seed["id"], ".html"),
            "../",
            f"Map of ties: {seed['title']}",
            "The ties this seed states: relations, roles, participations and what is part of what, whose "
            "records cite it. Each node links to its record.",
            package.seed_ties.get(seed["id"], []),
            tie_map.MAX_SEED_NODES,
            seeds=[],
            seed=seed,
        )


def _map_page(
    env,
    package: Package,
    path: Path,
    base: str,
    heading: str,
    intro: str,
    ties: list[tie_map.Tie],
    limit: int,
    **context,
) -> None:
    """A page with the map of `ties` (at most `limit` nodes: tie_map.capped) and the same ties as a table."""
    nodes, shown, total = tie_map.capped(ties, limit)
    places = tie_map.layout(nodes, shown)
    to_records = f"{base}records/"
    picture = tie_map.svg(nodes, shown, places, package.labels, package.kinds, package.acronyms, to_records)
    if total > len(nodes):
        intro += (
            f" Of its {total:,d} records with ties, the {len(nodes):,d} with the most ties are drawn, with the "
            f"{len(shown):,d} ties between them; each record's page lists all of its own."
        )
    else:
        intro += f" {len(nodes):,d} records and {len(shown):,d} ties."
    write_page(
        env,
        "graph.html",
        path,
        base=base,
        heading=heading,
        intro=intro,
        svg=picture,
        legend=tie_map.LEGEND,
        ties=tie_map.ties_table(shown, record_linker(package, to_records)),
        **context,
    )
