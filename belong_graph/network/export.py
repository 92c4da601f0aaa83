"""The network as documents: JSON (nodes and edges with their measures), GraphML and a CSV edge
list with Gephi's column names (Source, Target, Type, Id, Label), for Gephi and NetworkX users."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import networkx as nx

from belong_graph.network import words
from belong_graph.network.graph import Network, Path
from belong_graph.network.measures import COMMUNITY_METHOD, Measures

COMMUNITIES = 20  # communities listed, largest first
CSV_COLUMNS = (
    "Source", "Target", "Type", "Id", "Label", "Role", "Relation", "Start", "End",
    "Source label", "Target label", "Sentence",
)  # fmt: skip


def node_json(graph: Network, node: str) -> dict[str, Any]:
    """A node with its measures in the whole network (``degree``, ``betweenness`` and
    ``community`` of its data, as :func:`with_measures` sets them)."""
    data = graph.nodes[node]
    return {
        "id": node,
        "label": data["label"],
        "short": data["short"],
        "type": data["type"],
        "kinds": data["kinds"],
        "themes": data["themes"],
        "year": data["year"],
        "degree": data.get("degree", 0),
        "betweenness": round(data.get("betweenness", 0.0), 6),
        "community": data.get("community"),
    }


def with_measures(graph: Network, measures: Measures) -> None:
    """Set each node's measures in the whole network on its data, for :func:`node_json`."""
    for node, data in graph.nodes(data=True):
        data["degree"] = measures.degree.get(node, 0)
        data["betweenness"] = measures.betweenness.get(node, 0.0)
        data["community"] = measures.community.get(node)


def edge_json(graph: Network, source: str, target: str, key: str) -> dict[str, Any]:
    data = graph.edges[source, target, key]
    return {
        "id": f"{source} {key} {target}",
        "source": source,
        "target": target,
        **{name: data[name] for name in ("relation", "role", "roleName", "start", "end")},
        "record": data["record"],
        "note": data["note"],
        "sentence": words.edge_sentence(
            graph.nodes[source]["label"], graph.nodes[target]["label"], data
        ),
    }


def network_json(graph: Network, page: Callable[[str], str]) -> dict[str, Any]:
    """Nodes (with ``page``, where each is shown) and edges, in a stable order."""
    nodes = [
        {**node_json(graph, n), "page": page(n)}
        for n in sorted(graph, key=lambda n: (graph.nodes[n]["type"], graph.nodes[n]["label"]))
    ]
    edges = [edge_json(graph, u, v, k) for u, v, k in sorted(graph.edges(keys=True))]
    return {"nodes": nodes, "edges": edges}


def path_json(path: Path) -> dict[str, Any]:
    return {
        "nodes": list(path.nodes),
        "labels": list(path.labels),
        "sentence": path.sentence,
        "steps": [
            {
                "from": step.here,
                "to": step.there,
                "forward": step.forward,
                "roles": [edge["role"] for edge in step.edges],
                "sentence": step.sentence,
            }
            for step in path.steps
        ],
    }


def graphml(graph: Network) -> bytes:
    """GraphML with every attribute as a GraphML key (lists joined by '|', unknowns left out)."""
    out: Network = nx.MultiDiGraph()
    for node in graph:
        out.add_node(node, **_scalars(node_json(graph, node)))
    for u, v, k in graph.edges(keys=True):
        out.add_edge(u, v, key=k, **_scalars(edge_json(graph, u, v, k)))
    buffer = io.BytesIO()
    nx.write_graphml(out, buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue()


def _scalars(values: dict[str, Any]) -> dict[str, Any]:
    kept = {}
    for name, value in values.items():
        if name in ("id", "source", "target") or value is None:
            continue
        kept[name] = "|".join(value) if isinstance(value, list) else value
    return kept


def edge_list_csv(graph: Network) -> str:
    """One row per edge, with Gephi's column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for u, v, k in sorted(graph.edges(keys=True)):
        edge = edge_json(graph, u, v, k)
        writer.writerow(
            (
                u, v, "Directed", edge["id"], edge["roleName"], edge["role"], edge["relation"],
                edge["start"] or "", edge["end"] or "", graph.nodes[u]["label"],
                graph.nodes[v]["label"], edge["sentence"],
            )
        )  # fmt: skip
    return buffer.getvalue()


def measures_json(graph: Network, measures: Measures) -> dict[str, Any]:
    """The rankings: by degree, by betweenness, organisations by partners, brokers, communities
    (each node named by its ``id``, ``label`` and ``type``; :func:`with_pages` adds where it is
    shown)."""

    def entry(node: str, **extra: Any) -> dict[str, Any]:
        data = graph.nodes[node]
        return {"id": node, "label": data["label"], "type": data["type"], **extra}

    organisations = [
        n for n, d in graph.nodes(data=True) if d["type"] in ("organisation", "unit", "funder")
    ]
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "betweenness_method": measures.betweenness_method,
        "degree": [entry(n, degree=measures.degree[n]) for n in measures.ranked(measures.degree)],
        "organisations_by_degree": [
            entry(n, degree=measures.degree[n])
            for n in measures.ranked(measures.degree, organisations)
        ],
        "betweenness": [
            entry(n, betweenness=round(measures.betweenness[n], 6))
            for n in measures.ranked(measures.betweenness)
        ],
        "most_connected_partners": [
            entry(n, partners=len(measures.partners[n]))
            for n in measures.ranked({n: len(p) for n, p in measures.partners.items()})
        ],
        "brokers": [
            entry(n, betweenness=round(measures.betweenness[n], 6), communities=bridged)
            for n, bridged in measures.brokers
        ],
        "community_method": COMMUNITY_METHOD,
        "community_count": len(measures.communities),
        "communities": [
            {
                "community": index,
                "size": len(members),
                "label": graph.nodes[members[0]]["label"],
                "top": [entry(n, degree=measures.degree[n]) for n in members[:5]],
            }
            for index, members in enumerate(measures.communities[:COMMUNITIES])
            if len(members) > 1
        ],
    }


RANKINGS = (
    "degree",
    "organisations_by_degree",
    "betweenness",
    "most_connected_partners",
    "brokers",
)


def with_pages(measures: dict[str, Any], page: Callable[[str], str]) -> dict[str, Any]:
    """The document of :func:`measures_json` with each node's ``page`` after its ``type``."""

    def paged(entry: dict[str, Any]) -> dict[str, Any]:
        named = {key: entry[key] for key in ("id", "label", "type")}
        return {**named, "page": page(entry["id"]), **entry}

    return {
        **measures,
        **{name: [paged(entry) for entry in measures[name]] for name in RANKINGS},
        "communities": [
            {**group, "top": [paged(entry) for entry in group["top"]]}
            for group in measures["communities"]
        ],
    }
