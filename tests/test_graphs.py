"""The graph helpers of the project rules (check/graphs.py): cycles and the shortest path around one."""

import pytest

from anso_facts.check.graphs import cycles, graph_of, shortest_path


def test_graph_of_edges():
    assert graph_of([("a", "b"), ("a", "c"), ("b", "a")]) == {"a": {"b", "c"}, "b": {"a"}}


@pytest.mark.parametrize(
    "edges, found",
    [
        ([], []),
        ([("a", "b"), ("b", "c")], []),  # a chain
        ([("a", "a")], [{"a"}]),  # a node that points to itself
        ([("a", "b"), ("b", "a"), ("b", "c")], [{"a", "b"}]),
        ([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "d")], [{"d", "e"}, {"a", "b", "c"}]),
        ([("a", "b"), ("c", "d"), ("d", "c")], [{"c", "d"}]),  # a cycle reached from a second start
    ],
)
def test_cycles(edges, found):
    assert cycles(graph_of(edges)) == found


def test_cycles_of_a_hierarchy_deeper_than_the_recursion_limit():
    chain = [(f"n{i}", f"n{i + 1}") for i in range(5000)]
    assert cycles(graph_of(chain)) == []
    assert cycles(graph_of([*chain, ("n5000", "n0")])) == [{f"n{i}" for i in range(5001)}]


def test_shortest_path_within_a_set_of_nodes():
    graph = graph_of([("a", "b"), ("b", "c"), ("c", "a"), ("a", "c"), ("b", "x"), ("x", "c")])
    assert shortest_path(graph, "a", "c", within={"a", "b", "c"}) == ["a", "c"]
    assert shortest_path(graph, "b", "a", within={"a", "b", "c"}) == ["b", "c", "a"]
    assert shortest_path(graph, "b", "c", within={"a", "b", "c"}) == ["b", "c"]
    assert shortest_path(graph, "a", "a", within={"a"}) == ["a"]
