"""Graph helpers for the project rules, over a directed graph given as node -> the nodes it points to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

Graph = dict[str, set[str]]


def graph_of(edges: Iterable[tuple[str, str]]) -> Graph:
    """The graph of (from, to) pairs."""
    graph: Graph = {}
    for start, end in edges:
        graph.setdefault(start, set()).add(end)
    return graph


def cycles(graph: Graph) -> list[set[str]]:
    """The sets of nodes that reach one another (strongly connected components), of more than one node or with
    an edge to itself; in the order Tarjan's algorithm closes them."""
    search = _Tarjan(graph)
    for start in graph:
        if start not in search.index:
            search.from_node(start)
    return search.found


class _Tarjan:
    """Tarjan's strongly connected components, iteratively (a hierarchy may be deeper than Python's recursion
    limit): each node gets an index in the order it is reached, and the lowest index it reaches back to."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.found: list[set[str]] = []

    def reach(self, node: str) -> tuple[str, Iterator[str]]:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)
        return node, iter(self.graph.get(node, ()))

    def from_node(self, start: str) -> None:
        """Every node reachable from `start` that no earlier search reached, depth first."""
        work = [self.reach(start)]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    self.low[parent] = min(self.low[parent], self.low[node])
                self.close(node)
            elif child not in self.index:
                work.append(self.reach(child))
            elif child in self.on_stack:
                self.low[node] = min(self.low[node], self.index[child])

    def close(self, node: str) -> None:
        """Once a node is done: if it is the first node of its component, the component is off the stack."""
        if self.low[node] != self.index[node]:
            return
        component = set()
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            component.add(member)
            if member == node:
                break
        if len(component) > 1 or node in self.graph.get(node, ()):
            self.found.append(component)


def shortest_path(graph: Graph, start: str, end: str, within: set[str]) -> list[str]:
    """The shortest path from start to end through the nodes `within` (breadth first, in node order), both ends
    included; [end] if there is none."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    for visited in queue:
        if visited == end:
            break
        for following in sorted(graph.get(visited, ())):
            if following in within and following not in came_from:
                came_from[following] = visited
                queue.append(following)
    path: list[str] = []
    node: str | None = end
    while node is not None:
        path.append(node)
        node = came_from.get(node)
    return path[::-1]
