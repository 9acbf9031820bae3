"""The network analysis of a round, as pure functions of ids and ties.

Kept apart from the database so that each figure can be checked on small graphs
with known answers (tests/test_analysis.py). Only figures that depend on how
many named each person, not on who, are computed: they are all that
disclosure.py lets a page show.
"""

from dataclasses import dataclass, field

import networkx as nx


@dataclass
class NetworkResult:
    density: float
    ties: int
    isolates: list
    named_by: dict = field(default_factory=dict)  # staff id -> respondents who named them


def reported_graph(people, ties):
    """The directed graph of ties: (respondent, target, kind) rows; an edge's
    weight is the number of kinds naming that colleague."""
    graph = nx.DiGraph()
    graph.add_nodes_from(people)
    for respondent, target, _kind in ties:
        if respondent == target or respondent not in graph or target not in graph:
            continue
        if graph.has_edge(respondent, target):
            graph[respondent][target]["weight"] += 1
        else:
            graph.add_edge(respondent, target, weight=1)
    return graph


def layout(people, pairs):
    """Positions in 0–1 from a seeded spring layout of the programme's ties
    (visits, pairs, teams), never of the answers: where a dot stands tells
    nothing of whom that person named. The same ties give the same picture."""
    nodes = sorted(people)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((a, b) for a, b, *_kinds in pairs if a in graph and b in graph and a != b)
    positions = nx.spring_layout(graph, seed=1)
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]

    def scale(value, low, high):
        return 0.5 if high - low < 1e-9 else min(1.0, max(0.0, (float(value) - low) / (high - low)))

    return {node: (scale(p[0], min(xs), max(xs)), scale(p[1], min(ys), max(ys))) for node, p in positions.items()}


def analyse_network(people, ties):
    """Density, ties, isolates and how many named each of `people` (staff ids):
    every named colleague counts once per respondent, whatever the questions."""
    graph = reported_graph(people, ties)
    n = graph.number_of_nodes()
    density = nx.density(graph) if n > 1 else 0.0
    named_by = {person: graph.in_degree(person) for person in graph.nodes}
    return NetworkResult(
        density=float(min(1.0, density)),
        ties=graph.number_of_edges(),
        isolates=sorted(person for person, count in named_by.items() if count == 0),
        named_by=named_by,
    )


def isolates_connected(*, previous_isolates, current_named, current_people):
    """Former isolates (named by no one in the previous round) named now: only
    people in both rounds, from what each round showed."""
    return sorted(p for p in set(previous_isolates) if p in current_people and p in current_named)
