"""The measures researchers ask of a partnership network, computed once per build: degree,
betweenness, the organisations with the most partners, the brokers between communities, and the
communities themselves.

Betweenness and communities are computed with igraph (C), not networkx (Python): exact
betweenness is O(nodes by edges), which networkx takes 275 s for at 3,000 synthetic resources and
igraph 2.5 s. Betweenness is exact while nodes by edges stays within ``EXACT_WORK``, and above it
estimated from a random sample of source nodes (as networkx's ``k``). Communities are igraph's
Leiden, optimising modularity, with a fixed seed, so that the same data always gives the same
communities: at 30,000 synthetic resources it takes 0.4 s and finds communities of higher
modularity (0.34) than Louvain (0.31 to 0.32, in 8 s with igraph and 127 s with networkx).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import igraph as ig
import networkx as nx

from belong_graph.network.graph import AGENTS, WORK, Network

EXACT_WORK = 100_000_000  # nodes by edges within which betweenness is exact (a few seconds)
SEED = 42
TOP = 10
COMMUNITY_METHOD = f"Leiden, optimising modularity (seed {SEED})"


@dataclass(frozen=True)
class Measures:
    """Per-node measures, and the rankings drawn from them."""

    degree: dict[str, int]  # distinct neighbours, whichever way the edges run
    betweenness: dict[str, float]  # normalised as networkx does
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
    nodes = sorted(graph)
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {_pair(index[u], index[v]) for u, v in graph.edges(keys=False)}
    shared = ig.Graph(n=len(nodes), edges=sorted(pairs))  # undirected, one edge a pair
    degree = dict(zip(nodes, shared.degree(), strict=True))
    values, method = _betweenness(shared)
    betweenness = dict(zip(nodes, values, strict=True))
    ordered = sorted(
        (sorted(group, key=lambda n: (-degree[n], n)) for group in _communities(shared, nodes)),
        key=lambda members: (-len(members), members[0]),
    )
    community = {node: number for number, members in enumerate(ordered) for node in members}
    return Measures(
        degree=degree,
        betweenness=betweenness,
        community=community,
        partners=_partners(graph),
        communities=ordered,
        brokers=_brokers(shared, nodes, community, betweenness),
        betweenness_method=method,
    )


def _pair(one: int, other: int) -> tuple[int, int]:
    return (one, other) if one <= other else (other, one)


def _betweenness(shared: ig.Graph) -> tuple[list[float], str]:
    """Betweenness normalised as networkx normalises it (by the pairs of other nodes), exact
    within ``EXACT_WORK``, else estimated from sampled sources; and the method, in words."""
    nodes, edges = shared.vcount(), shared.ecount()
    scale = 2 / ((nodes - 1) * (nodes - 2)) if nodes > 2 else 1.0
    if nodes * edges <= EXACT_WORK:
        return [b * scale for b in shared.betweenness(directed=False)], "exact"
    sample = max(1, EXACT_WORK // max(edges, 1))
    sources = sorted(random.Random(SEED).sample(range(nodes), sample))
    found = shared.betweenness(directed=False, sources=sources, targets=None)
    method = f"estimated from {sample} of {nodes} source nodes sampled at random (seed {SEED})"
    return [b * scale * nodes / sample for b in found], method


def _communities(shared: ig.Graph, nodes: list[str]) -> list[list[str]]:
    """Leiden communities by modularity, the same for the same graph."""
    if not nodes:
        return []
    with _seeded():
        clustering = shared.community_leiden(objective_function="modularity")
    return [[nodes[i] for i in members] for members in clustering]


@contextmanager
def _seeded() -> Iterator[None]:
    """igraph draws from its own generator: a seeded one here, the usual one again after."""
    ig.set_random_number_generator(random.Random(SEED))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


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
    shared: ig.Graph, nodes: list[str], community: dict[str, int], betweenness: dict[str, float]
) -> list[tuple[str, list[int]]]:
    """The nodes whose neighbours lie in more than one community, by betweenness."""
    found = []
    for node, neighbours in zip(nodes, shared.get_adjlist(), strict=True):
        reached = {community[nodes[n]] for n in neighbours} | {community[node]}
        if len(reached) > 1:
            found.append((node, sorted(reached)))
    found.sort(key=lambda item: (-betweenness[item[0]], item[0]))
    return found[:TOP]
