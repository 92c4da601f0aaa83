"""The partnership network as a directed multigraph: nodes are organisations, units, funders,
initiatives, people, resources and places; each edge runs from an agent (or a part, or a piece of
work) to what it took part in, wrote, belongs to or builds on, with its role, its period and its
evidence: the participation or credit (``record``) that says it, and the source document it was
read from.

The build makes the whole graph once (:func:`build`) and writes it with its measures into the
build folder (:mod:`belong_graph.network.stored`); the server reads the part a request asks for
back into a small graph of this kind, to export it and to say its paths in words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, TypeAlias

import networkx as nx

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
        record, document = item.get("record"), item.get("document")
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
            document=document["id"] if document else None,
            documentLabel=document["label"] if document else None,
        )
    graph.remove_nodes_from(list(nx.isolates(graph)))  # only what is linked is a partner
    return graph


def roles(graph: Network) -> dict[str, str]:
    """Every role the network's edges have, with its name, in name order."""
    named = {data["role"]: data["roleName"] for _, _, data in graph.edges(data=True)}
    return dict(sorted(named.items(), key=lambda item: item[1].lower()))


def with_edges(graph: Network, edges: Iterable[tuple[str, str, str]]) -> Network:
    """A copy of ``graph`` with only ``edges`` (source, target, key) and their ends."""
    return graph.edge_subgraph(list(edges)).copy()  # type: ignore[arg-type]  # keyed edges


def explained(graph: Network, nodes: Sequence[str]) -> Path:
    """The path through ``nodes`` (neighbours in ``graph``), each step said in words."""
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
