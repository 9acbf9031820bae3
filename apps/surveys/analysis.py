"""The network analysis of a round, as pure functions of ids and ties.

Kept apart from the database so that each metric can be checked on small graphs
with known answers (tests/test_analysis.py).
"""

from dataclasses import dataclass, field

import networkx as nx


@dataclass
class NodeResult:
    in_degree: int
    betweenness: float
    community: int
    is_isolate: bool
    closed_group: int | None
    x: float
    y: float


@dataclass
class NetworkResult:
    density: float
    ties: int
    reciprocity: float
    isolates: list
    closed_groups: list  # [[staff id, ...], ...]
    communities: int
    picture_ties: list  # [[a, b], ...] undirected, a < b
    nodes: dict = field(default_factory=dict)  # staff id -> NodeResult


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


def closed_groups(graph):
    """Weakly connected groups of two or more people that link to nobody else
    (a group closed on itself can resist the programme, as one early pair did): every such group except the main
    network, which is the one strictly largest group. When no group is strictly
    the largest (two groups of four, say), all of them are closed groups."""
    components = sorted((sorted(c) for c in nx.weakly_connected_components(graph)), key=lambda c: (-len(c), c))
    components = [c for c in components if len(c) >= 2]
    if len(components) == 1 or (len(components) > 1 and len(components[0]) > len(components[1])):
        components = components[1:]
    return components


def layout(graph):
    """Positions in 0–1 from a seeded spring layout of the undirected graph:
    the same answers always give the same picture."""
    nodes = list(graph.nodes)
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    positions = nx.spring_layout(graph.to_undirected(), seed=1)
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]

    def scale(value, low, high):
        return 0.5 if high - low < 1e-9 else min(1.0, max(0.0, (float(value) - low) / (high - low)))

    return {node: (scale(p[0], min(xs), max(xs)), scale(p[1], min(ys), max(ys))) for node, p in positions.items()}


def analyse_network(people, ties):
    """Density, in-degree, betweenness, isolates, closed groups, communities and
    layout of the reported network among `people` (staff ids)."""
    graph = reported_graph(people, ties)
    n = graph.number_of_nodes()
    density = nx.density(graph) if n > 1 else 0.0
    reciprocity = nx.reciprocity(graph) if graph.number_of_edges() else 0.0
    undirected = graph.to_undirected()
    # On the undirected graph: a bridge links people whichever way they named
    # each other, and a non-respondent (who names no one) can still be one.
    betweenness = nx.betweenness_centrality(undirected, normalized=True) if n > 2 else dict.fromkeys(graph.nodes, 0.0)
    groups = closed_groups(graph)
    group_of = {person: index for index, group in enumerate(groups) for person in group}
    community_of = {}
    if undirected.number_of_edges():
        found = nx.community.greedy_modularity_communities(undirected)
        ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))
        community_of = {person: index for index, c in enumerate(ordered) for person in c}
        communities = sum(1 for c in ordered if len(c) >= 2)
    else:
        communities = 0
    # People left out of every community of two or more get their own number.
    next_index = max(community_of.values(), default=-1) + 1
    for person in sorted(graph.nodes):
        if person not in community_of:
            community_of[person] = next_index
            next_index += 1
    positions = layout(graph)
    isolates = sorted(person for person in graph.nodes if graph.in_degree(person) == 0)
    nodes = {
        person: NodeResult(
            in_degree=graph.in_degree(person),
            betweenness=float(betweenness.get(person, 0.0)),
            community=community_of[person],
            is_isolate=graph.in_degree(person) == 0,
            closed_group=group_of.get(person),
            x=positions[person][0],
            y=positions[person][1],
        )
        for person in graph.nodes
    }
    picture = sorted({(min(a, b), max(a, b)) for a, b in graph.edges})
    return NetworkResult(
        density=float(min(1.0, density)),
        ties=graph.number_of_edges(),
        reciprocity=float(reciprocity),
        isolates=isolates,
        closed_groups=groups,
        communities=communities,
        picture_ties=[list(pair) for pair in picture],
        nodes=nodes,
    )


def compare(
    *, current_pairs, current_isolates, current_people, previous_pairs, previous_isolates, previous_people=None
):
    """What changed since the previous round: directed pairs (who → whom, any
    kind) new and lost, and former isolates now named by someone. Only people in
    both rounds count, so that arrivals and departures are not taken for change."""
    both = set(current_people) & set(previous_people if previous_people is not None else current_people)
    current_pairs = {(a, b) for a, b in current_pairs if a in both and b in both}
    previous_pairs = {(a, b) for a, b in previous_pairs if a in both and b in both}
    connected = sorted(p for p in previous_isolates if p in current_people and p not in set(current_isolates))
    return {
        "new_ties": len(current_pairs - previous_pairs),
        "lost_ties": len(previous_pairs - current_pairs),
        "isolates_connected": connected,
    }
