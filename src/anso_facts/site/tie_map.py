"""The map of ties on the review site: organizations, people, events, resources and agreements as nodes; the
relations, roles and participations (and what is part of what) between them as labelled edges. Laid out when
the site is written (networkx's spring layout with a fixed seed: the same package gives the same picture) and
drawn as plain SVG, every value escaped through html_contexts; beside the picture, the same ties as a table for
screen readers and keyboards, and on each record's page its own ties as a list.

A site may have 100,000 records: the map of the package shows at most MAX_NODES nodes, a seed's map at most
MAX_SEED_NODES, those with the most ties (ties between them only), and each says so; the layout's cost grows
with the square of the nodes."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, NamedTuple

from markupsafe import Markup

from anso_facts.site.html_contexts import attribute, segment, text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

NODE_TABLES = ("organizations", "people", "events", "resources", "agreements")
MAX_NODES = 150  # on the map of the package: the spring layout costs nodes² per iteration (0.13 s at 150 nodes)
MAX_SEED_NODES = 80  # on a seed's map (0.02 s at 80 nodes; a site may have hundreds of seeds)
SEED = 26  # the layout's random seed: the same input, the same picture
WIDTH, HEIGHT, MARGIN = 1400, 1000, 80
SHORT = 26  # characters of a label shown on a node (the whole label is its title)


class Tie(NamedTuple):
    """An edge of the map: `source` is `label` to `target`, as the record `via` says."""

    source: str
    label: str
    target: str
    via: str


def ties(tables: Mapping[str, list[dict]]) -> list[Tie]:
    """Every tie the package states, in a fixed order: a relation (subject -> object), a role (person -> the
    organization where the title is held), a participation (participant -> event) and what an organization or
    event is part of."""
    found = [Tie(r["subject_id"], r["relation"], r["object_id"], r["id"]) for r in tables["relations"]]
    found += [
        Tie(r["person_id"], r["title"], r["organization_id"], r["id"]) for r in tables["roles"] if r["organization_id"]
    ]
    found += [Tie(r["participant_id"], r["role"], r["event_id"], r["id"]) for r in tables["participations"]]
    found += [Tie(r["id"], "part of", r["parent_id"], r["id"]) for r in tables["organizations"] if r["parent_id"]]
    found += [Tie(r["id"], "part of", r["part_of_id"], r["id"]) for r in tables["events"] if r["part_of_id"]]
    return found


def capped(all_ties: list[Tie], limit: int = MAX_NODES) -> tuple[list[str], list[Tie], int]:
    """The nodes a map shows (at most `limit`: those with the most ties, then by id) and the ties between them;
    and how many nodes the ties have in all."""
    degree: dict[str, int] = defaultdict(int)
    for tie in all_ties:
        degree[tie.source] += 1
        degree[tie.target] += 1
    nodes = sorted(degree, key=lambda n: (-degree[n], n))[:limit]
    shown = set(nodes)
    return sorted(nodes), [t for t in all_ties if t.source in shown and t.target in shown], len(degree)


def layout(nodes: list[str], edges: Iterable[Tie]) -> dict[str, tuple[float, float]]:
    """Each node's place in the picture (pixels, one decimal): the spring layout of networkx, its seed fixed and
    its input in a fixed order, so that the same ties give the same numbers."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(sorted({(t.source, t.target) for t in edges if t.source != t.target}))
    if len(nodes) <= 1:  # a seed with no ties, or one record: nothing to lay out
        return {node: (WIDTH / 2, HEIGHT / 2) for node in nodes}
    positions = nx.spring_layout(graph, seed=SEED, iterations=100, k=2.4 / max(len(nodes), 1) ** 0.5)
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {
        node: (
            round(MARGIN + (float(p[0]) - min(xs)) / span_x * (WIDTH - 2 * MARGIN), 1),
            round(MARGIN + (float(p[1]) - min(ys)) / span_y * (HEIGHT - 2 * MARGIN), 1),
        )
        for node, p in positions.items()
    }


def short(label: str, acronym: str | None) -> str:
    """What a node shows: the acronym, or the label cut to SHORT characters."""
    if acronym:
        return acronym
    return label if len(label) <= SHORT else label[: SHORT - 1].rstrip() + "\u2026"


def svg(
    nodes: list[str],
    edges: list[Tie],
    places: Mapping[str, tuple[float, float]],
    labels: Mapping[str, str],
    kinds: Mapping[str, str],
    acronyms: Mapping[str, str],
    record_href: str,
) -> Markup:
    """The map as an SVG element: each tie a line with its label, each node a circle and its short label, linked
    to its record's page (`record_href` + the id, percent-encoded by `page`). Hidden from assistive technology
    and out of the tab order: the table of ties below says the same."""
    parts = [
        f'<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:d} {HEIGHT:d}" '
        f'width="{WIDTH:d}" height="{HEIGHT:d}" aria-hidden="true" focusable="false">',
        '<g class="edges">',
    ]
    for tie in edges:
        (x1, y1), (x2, y2) = places[tie.source], places[tie.target]
        said = f"{labels.get(tie.source, tie.source)} {tie.label} {labels.get(tie.target, tie.target)}"
        parts.append(
            f'<g class="edge" data-source="{attribute(tie.source)}" data-target="{attribute(tie.target)}" '
            f'data-label="{attribute(tie.label)}" data-via="{attribute(tie.via)}">'
            f"<title>{text(said)}</title>"
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'
            f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}">{text(tie.label)}</text></g>'
        )
    parts.append('</g>\n<g class="nodes">')
    for node in nodes:
        x, y = places[node]
        label = labels.get(node, node)
        parts.append(
            f'<a class="node {attribute(kinds.get(node, "records"))}" href="{record_href}'
            f'{segment(node)}.html" data-id="{attribute(node)}" tabindex="-1">'
            f'<title>{text(label)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="7"/>'
            f'<text x="{x + 10:.1f}" y="{y + 4:.1f}">{text(short(label, acronyms.get(node)))}</text></a>'
        )
    parts.append("</g>\n</svg>")
    return Markup("\n".join(parts))


LEGEND = Markup(
    "".join(
        f'<li><svg width="14" height="14" aria-hidden="true" focusable="false"><circle class="'
        f'{kind}" cx="7" cy="7" r="6"/></svg> {kind}</li>'
        for kind in NODE_TABLES
    )
)


def ties_table(edges: list[Tie], link) -> Markup:
    """The ties as <tr>: subject, tie, object, and the record that states it; `link(id)` is a record's label
    linked to its page (HTML)."""
    rows = sorted(edges, key=lambda t: (t.source, t.label, t.target, t.via))
    return Markup(
        "\n".join(
            f"<tr><td>{link(t.source)}</td><td>{text(t.label)}</td><td>{link(t.target)}</td><td>{link(t.via)}</td></tr>"
            for t in rows
        )
    )


def neighbourhood(all_ties: list[Tie]) -> dict[str, list[tuple[bool, Tie]]]:
    """Record id -> its direct ties, each (whether it is the tie's source, the tie)."""
    found: dict[str, list[tuple[bool, Tie]]] = defaultdict(list)
    for tie in all_ties:
        found[tie.source].append((True, tie))
        if tie.target != tie.source:
            found[tie.target].append((False, tie))
    return found
