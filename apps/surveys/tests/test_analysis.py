"""Each metric on small graphs with known answers."""

import pytest

from apps.surveys.analysis import analyse_network, closed_groups, compare, reported_graph

A, B, C, D, E = 1, 2, 3, 4, 5


def ties(*pairs, kind="advice"):
    return [(a, b, kind) for a, b in pairs]


def test_star_centre_is_named_by_everyone_and_is_the_only_bridge():
    leaves = [B, C, D, E]
    result = analyse_network([A, *leaves], ties(*[(leaf, A) for leaf in leaves]))
    assert result.nodes[A].in_degree == 4
    assert result.nodes[A].betweenness == pytest.approx(1.0)
    assert all(result.nodes[leaf].betweenness == 0 for leaf in leaves)
    assert result.isolates == leaves  # named by no one
    assert result.closed_groups == []


def test_path_middle_person_is_a_bridge():
    result = analyse_network([A, B, C], ties((A, B), (B, C)))
    assert result.nodes[B].betweenness == pytest.approx(1.0)
    assert result.nodes[A].betweenness == 0 and result.nodes[C].betweenness == 0
    assert result.isolates == [A]


def test_smaller_component_is_a_closed_group_and_a_lone_person_is_an_isolate():
    result = analyse_network([A, B, C, D, E], ties((A, B), (B, C), (C, A), (D, E), (E, D)))
    assert result.closed_groups == [[D, E]]
    assert result.nodes[D].closed_group == 0 and result.nodes[A].closed_group is None
    assert result.isolates == []
    lone = analyse_network([A, B, C, D], ties((A, B), (B, C), (C, A)))
    assert lone.isolates == [D] and lone.closed_groups == []  # one person is not a group


def test_density_ties_and_reciprocity_of_a_known_graph():
    # 4 people, 12 possible directed ties, 3 reported (two kinds of one tie count once).
    result = analyse_network([A, B, C, D], ties((A, B), (B, A), (C, D)) + ties((A, B), kind="trust"))
    assert result.ties == 3
    assert result.density == pytest.approx(3 / 12)
    assert result.reciprocity == pytest.approx(2 / 3)
    assert result.picture_ties == [[A, B], [C, D]]  # undirected, no kinds


def test_communities_and_positions_are_stable():
    graph = ties((A, B), (B, A), (C, D), (D, C))
    first, second = analyse_network([A, B, C, D], graph), analyse_network([A, B, C, D], graph)
    assert first.communities == 2
    assert first.nodes[A].community == first.nodes[B].community != first.nodes[C].community
    assert [(n.x, n.y) for n in first.nodes.values()] == [(n.x, n.y) for n in second.nodes.values()]
    assert all(0 <= n.x <= 1 and 0 <= n.y <= 1 for n in first.nodes.values())


def test_empty_network_has_no_ties_and_everyone_isolated():
    result = analyse_network([A, B, C], [])
    assert result.density == 0 and result.ties == 0 and result.reciprocity == 0
    assert result.isolates == [A, B, C] and result.communities == 0


def test_comparison_counts_new_and_lost_ties_and_a_former_isolate_now_named():
    changes = compare(
        current_pairs={(A, B), (C, D)},
        current_isolates=[A],
        current_people={A, B, C, D},
        previous_pairs={(A, B), (B, C)},
        previous_isolates=[A, D],
    )
    assert changes == {"new_ties": 1, "lost_ties": 1, "isolates_connected": [D]}


def test_when_no_group_is_strictly_largest_all_are_closed_groups():
    graph = reported_graph([1, 2, 3, 4, 5], [(1, 2, "advice"), (3, 4, "advice")])
    assert closed_groups(graph) == [[1, 2], [3, 4]]
    graph = reported_graph([1, 2, 3, 4, 5], [(1, 2, "advice"), (2, 3, "advice"), (4, 5, "advice")])
    assert closed_groups(graph) == [[4, 5]]


def test_comparison_counts_only_people_in_both_rounds():
    result = compare(
        current_pairs={(1, 2), (3, 9)},  # 9 joined since
        current_isolates=[],
        current_people={1, 2, 3, 9},
        previous_pairs={(1, 3), (3, 8)},  # 8 has left
        previous_isolates=[2],
        previous_people={1, 2, 3, 8},
    )
    assert result == {"new_ties": 1, "lost_ties": 1, "isolates_connected": [2]}
