"""Each figure on small graphs with known answers."""

import pytest

from apps.surveys.analysis import analyse_network, isolates_connected, layout

A, B, C, D, E = 1, 2, 3, 4, 5


def ties(*pairs, kind="advice"):
    return [(a, b, kind) for a, b in pairs]


def test_star_centre_is_named_by_everyone_and_the_leaves_by_no_one():
    leaves = [B, C, D, E]
    result = analyse_network([A, *leaves], ties(*[(leaf, A) for leaf in leaves]))
    assert result.named_by == {A: 4, B: 0, C: 0, D: 0, E: 0}
    assert result.isolates == leaves


def test_density_and_ties_count_a_colleague_once_whatever_the_questions():
    # 4 people, 12 possible directed ties, 3 reported (two kinds of one tie count once).
    result = analyse_network([A, B, C, D], ties((A, B), (B, A), (C, D)) + ties((A, B), kind="trust"))
    assert result.ties == 3
    assert result.density == pytest.approx(3 / 12)
    assert result.named_by == {A: 1, B: 1, C: 0, D: 1}


def test_naming_oneself_or_an_outsider_is_not_counted():
    result = analyse_network([A, B], ties((A, A), (A, 99), (B, A)))
    assert result.ties == 1 and result.named_by == {A: 1, B: 0}


def test_empty_network_has_no_ties_and_everyone_isolated():
    result = analyse_network([A, B, C], [])
    assert result.density == 0 and result.ties == 0
    assert result.isolates == [A, B, C]


def test_positions_come_from_the_programme_ties_only_and_are_stable():
    people = [A, B, C, D]
    programme = [[A, B, ["visits"]], [C, D, ["teams"]]]
    first, second = layout(people, programme), layout(people, programme)
    assert first == second
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in first.values())
    # Nothing but the people and the programme's ties goes in: answers cannot move a dot.
    assert layout([D, C, B, A], programme) == first
    assert layout([A], []) == {A: (0.5, 0.5)} and layout([], []) == {}


def test_former_isolates_named_now_count_only_people_in_both_rounds():
    connected = isolates_connected(previous_isolates=[A, B, 8], current_named={A, C, 8}, current_people={A, B, C})
    assert connected == [A]  # B is still named by no one, 8 has left
