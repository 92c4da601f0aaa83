"""The partnership network as a directed multigraph: nodes are organisations, units, funders,
initiatives, people, resources and places; each edge runs from an agent (or a part, or a piece of
work) to what it took part in, wrote, belongs to or builds on, with its role and its period.

Filters keep the edges of some roles, some years or a theme and the nodes of some types; a
filtered network shows only the nodes that keep at least one edge."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any, TypeAlias

import networkx as nx

from belong_graph.errors import NetworkError, UnknownEntity
from belong_graph.network import words

Network: TypeAlias = "nx.MultiDiGraph[str]"  # nodes are IRIs
TYPES = ("organisation", "unit", "funder", "initiative", "person", "resource", "place")
AGENTS = ("organisation", "unit", "funder")  # the types that count as organisations
WORK = ("initiative", "resource")  # the types that carry themes
MAX_DEPTH = 3


@dataclass(frozen=True)
class NetworkFilter:
    """What to keep: node types, edge roles, years (edges without a period are kept unless
    ``undated`` is False) and a theme (an IRI) of the initiatives and resources."""

    types: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    start: int | None = None
    end: int | None = None
    undated: bool = True
    theme: str | None = None

    @property
    def active(self) -> bool:
        return self != NetworkFilter()


@dataclass(frozen=True)
class Step:
    """One step of a path: from one node to the next over one or more edges."""

    here: str
    there: str
    edges: tuple[dict[str, Any], ...]
    forward: bool  # walked from the edges' source to their target
    sentence: str


@dataclass(frozen=True)
class Path:
    nodes: tuple[str, ...]
    steps: tuple[Step, ...]
    sentence: str
    labels: tuple[str, ...] = field(default=())


def build(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]]) -> Network:
    """The network from the items of the ``network-nodes`` and ``partnership-network`` views;
    nodes without a single edge are left out."""
    graph: Network = nx.MultiDiGraph()
    for item in nodes:
        node = item["node"]
        aliases = [a for a in (item.get("aliases") or "").split("|") if a]
        short = min([node["label"], *aliases], key=len)
        graph.add_node(
            node["id"],
            label=node["label"],
            short=short,
            type=item["type"],
            kinds=[k for k in (item.get("kinds") or "").split("|") if k],
            themes=[t for t in (item.get("themes") or "").split(" ") if t],
            year=item.get("year"),
        )
    for item in edges:
        source, target = item["source"], item["target"]
        for end in (source, target):
            if end["id"] not in graph:  # linked but of no type the nodes view lists
                graph.add_node(end["id"], label=end["label"], short=end["label"], type="other",
                               kinds=[], themes=[], year=None)  # fmt: skip
        record = item.get("record")
        graph.add_edge(
            source["id"],
            target["id"],
            key=f"{item['role']} {record['id'] if record else ''}".strip(),
            relation=item["relation"],
            role=item["role"],
            roleName=item["roleName"],
            start=item.get("start"),
            end=item.get("end"),
            record=record["id"] if record else None,
            note=item.get("note"),
        )
    graph.remove_nodes_from(list(nx.isolates(graph)))  # only what is linked is a partner
    return graph


def roles(graph: Network) -> dict[str, str]:
    """Every role the network's edges have, with its name, in name order."""
    named = {data["role"]: data["roleName"] for _, _, data in graph.edges(data=True)}
    return dict(sorted(named.items(), key=lambda item: item[1].lower()))


def filtered(graph: Network, chosen: NetworkFilter) -> Network:
    """The part of ``graph`` that ``chosen`` keeps (the whole graph when nothing is chosen)."""
    if not chosen.active:
        return graph
    kept = [
        (u, v, k)
        for u, v, k, data in graph.edges(keys=True, data=True)
        if _edge_kept(data, chosen) and _types_kept(graph, (u, v), chosen)
    ]
    if chosen.theme:
        kept = _themed(graph, kept, chosen.theme)
    return with_edges(graph, kept)


def with_edges(graph: Network, edges: Iterable[tuple[str, str, str]]) -> Network:
    """A copy of ``graph`` with only ``edges`` (source, target, key) and their ends."""
    return graph.edge_subgraph(list(edges)).copy()  # type: ignore[arg-type]  # keyed edges


def _edge_kept(data: Mapping[str, Any], chosen: NetworkFilter) -> bool:
    if chosen.roles and data["role"] not in chosen.roles:
        return False
    start, end = data.get("start"), data.get("end")
    first, last = start or end, end or start
    if first is None or last is None:
        return chosen.undated
    if chosen.start and last < chosen.start:
        return False
    return not (chosen.end and first > chosen.end)


def _types_kept(graph: Network, ends: Sequence[str], chosen: NetworkFilter) -> bool:
    return not chosen.types or all(graph.nodes[n]["type"] in chosen.types for n in ends)


def _themed(
    graph: Network, kept: list[tuple[str, str, str]], theme: str
) -> list[tuple[str, str, str]]:
    """The edges that touch an initiative or resource on ``theme``, and the edges (such as
    affiliations and units) between the nodes those edges reach."""

    def on_theme(node: str) -> bool:
        return theme in graph.nodes[node]["themes"]

    themed = [e for e in kept if on_theme(e[0]) or on_theme(e[1])]
    taken = set(themed)
    reached = {n for u, v, _ in themed for n in (u, v)}
    other = [
        e
        for e in kept
        if e not in taken
        and not any(graph.nodes[n]["type"] in WORK for n in e[:2])
        and e[0] in reached
        and e[1] in reached
    ]
    return themed + other


def top(graph: Network, limit: int, degree: Mapping[str, int], keep: str | None = None) -> Network:
    """The ``limit`` best-connected nodes of ``graph`` (by their links in it, then by their
    ``degree`` in the whole network; ``keep`` first) and the edges between them; nodes left
    without an edge are dropped."""
    if graph.number_of_nodes() <= limit:
        return graph
    simple: nx.Graph[str] = nx.Graph(graph.to_undirected(as_view=True))

    def rank(node: str) -> tuple[bool, int, int, str]:
        links = -simple.degree(node), -degree.get(node, 0)
        return (node != keep, *links, graph.nodes[node]["label"])

    chosen = graph.subgraph(sorted(graph, key=rank)[:limit])
    return with_edges(chosen, chosen.edges(keys=True))


def ego(graph: Network, node: str, depth: int) -> Network:
    """``node`` and everything within ``depth`` steps of it, whichever way the edges run."""
    if not 1 <= depth <= MAX_DEPTH:
        raise NetworkError(
            f"Parameter 'depth': {depth} is not a depth from 1 to {MAX_DEPTH}.", parameter="depth"
        )
    if node not in graph:
        return graph.subgraph([]).copy()
    near: Network = nx.ego_graph(graph, node, radius=depth, undirected=True)
    return near.copy()


def resolve(graph: Network, value: str, base_iri: str, name: str) -> str:
    """The node that ``value`` names: its IRI, the rest of it after ``id/``, or its label or a
    shorter name (ignoring case)."""
    value = value.strip()
    for candidate in (value, base_iri + "id/" + value.removeprefix("/").removeprefix("id/")):
        if candidate in graph:
            return candidate
    wanted = value.casefold()
    for node, data in graph.nodes(data=True):
        if wanted in (data["label"].casefold(), data["short"].casefold()):
            return str(node)
    raise UnknownEntity(
        f"Parameter '{name}': nothing in the partnership network is called {value!r}; give an "
        "IRI, the rest of it after id/ (such as organisation/belong) or a name.",
        parameter=name,
    )


def paths(graph: Network, start: str, goal: str, limit: int = 10) -> list[Path]:
    """Up to ``limit`` shortest paths from ``start`` to ``goal``, each step explained."""
    if start not in graph or goal not in graph or start == goal:
        return []
    simple: nx.Graph[str] = nx.Graph(graph.to_undirected(as_view=True))
    try:
        found = list(islice(nx.all_shortest_paths(simple, start, goal), limit))
    except nx.NetworkXNoPath:
        return []
    return [_explained(graph, nodes) for nodes in found]


def _explained(graph: Network, nodes: Sequence[str]) -> Path:
    labels = [graph.nodes[n]["label"] for n in nodes]
    steps = []
    for index, (here, there) in enumerate(pairwise(nodes)):
        forward_edges = _between(graph, here, there)
        backward_edges = _between(graph, there, here)
        forward = bool(forward_edges)
        edges = tuple(forward_edges or backward_edges)
        sentence = words.step_sentence(labels[index], labels[index + 1], edges, forward)
        steps.append(Step(here, there, edges, forward, sentence))
    sentence = words.path_sentence(labels, [(s.edges, s.forward) for s in steps])
    return Path(tuple(nodes), tuple(steps), sentence, tuple(labels))


def _between(graph: Network, source: str, target: str) -> list[dict[str, Any]]:
    """The data of every edge from ``source`` to ``target``."""
    keyed: dict[Any, dict[str, Any]] = graph.get_edge_data(source, target, default={})
    return [dict(data) for data in keyed.values()]
