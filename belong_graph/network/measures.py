"""The measures researchers ask of a partnership network, computed once per dataset version:
degree, betweenness, the organisations with the most partners, the brokers between
communities, and the communities themselves (Louvain, with a fixed seed so that the same data
always gives the same communities)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import networkx as nx

from belong_graph.network.graph import AGENTS, WORK, Network

EXACT_BETWEENNESS = 1500  # above this many nodes, betweenness is estimated from a sample
SAMPLE = 100  # source nodes of the estimate
SEED = 42
TOP = 10


@dataclass(frozen=True)
class Measures:
    """Per-node measures, and the rankings drawn from them."""

    degree: dict[str, int]  # distinct neighbours, whichever way the edges run
    betweenness: dict[str, float]  # normalised
    community: dict[str, int]  # 0 is the largest community
    partners: dict[str, list[str]]  # organisation: organisations it shares work with
    communities: list[list[str]]  # members, largest community first, each by degree
    brokers: list[tuple[str, list[int]]]  # node and the communities its neighbours are in
    betweenness_method: str

    def ranked(self, values: dict[str, Any], nodes: Any = None) -> list[str]:
        """Nodes (of ``nodes``, or all) by ``values``, highest first, at most TOP."""
        chosen = values if nodes is None else {n: values[n] for n in nodes if n in values}
        return sorted(chosen, key=lambda n: (-chosen[n], n))[:TOP]


def measure(graph: Network) -> Measures:
    """Every measure of ``graph``."""
    simple: nx.Graph[str] = nx.Graph(graph.to_undirected(as_view=True))
    degree = {str(n): int(d) for n, d in simple.degree()}
    if simple.number_of_nodes() > EXACT_BETWEENNESS:
        betweenness = nx.betweenness_centrality(simple, k=SAMPLE, seed=SEED)
        method = f"estimated from {SAMPLE} sampled sources (seed {SEED})"
    else:
        betweenness = nx.betweenness_centrality(simple)
        method = "exact"
    groups = nx.community.louvain_communities(simple, seed=SEED) if len(simple) else []
    ordered = sorted(
        (sorted(group, key=lambda n: (-degree[n], n)) for group in groups),
        key=lambda members: (-len(members), members[0]),
    )
    community = {node: index for index, members in enumerate(ordered) for node in members}
    return Measures(
        degree=degree,
        betweenness={str(n): float(b) for n, b in betweenness.items()},
        community=community,
        partners=_partners(graph),
        communities=ordered,
        brokers=_brokers(simple, community, betweenness),
        betweenness_method=method,
    )


def _partners(graph: Network) -> dict[str, list[str]]:
    """For each organisation, the other organisations that share an initiative or a resource
    with it (in any role)."""
    partners: dict[str, set[str]] = {}
    for node, data in graph.nodes(data=True):
        if data["type"] not in WORK:
            continue
        sharing = {n for n in nx.all_neighbors(graph, node) if graph.nodes[n]["type"] in AGENTS}
        for one, other in combinations(sorted(sharing), 2):
            partners.setdefault(one, set()).add(other)
            partners.setdefault(other, set()).add(one)
    return {node: sorted(found) for node, found in partners.items()}


def _brokers(
    simple: nx.Graph[str], community: dict[str, int], betweenness: dict[str, float]
) -> list[tuple[str, list[int]]]:
    """The nodes whose neighbours lie in more than one community, by betweenness."""
    found = []
    for node in simple:
        reached = Counter(community[n] for n in simple[node])
        reached[community[node]] += 1
        if len(reached) > 1:
            found.append((str(node), sorted(reached)))
    found.sort(key=lambda item: (-betweenness[item[0]], item[0]))
    return found[:TOP]
