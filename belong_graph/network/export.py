"""The network as documents: JSON (nodes and edges with their measures), GraphML and a CSV edge
list with Gephi's column names (Source, Target, Type, Id, Label), for Gephi and NetworkX users."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from belong_graph.network import words
from belong_graph.network.graph import Network, Path
from belong_graph.network.measures import COMMUNITY_METHOD, Measures

COMMUNITIES = 20  # communities listed, largest first
GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
NODE_KEYS = {  # GraphML's types of what :func:`node_json` gives
    "label": "string", "short": "string", "type": "string", "kinds": "string",
    "themes": "string", "year": "long", "degree": "long", "betweenness": "double",
    "community": "long",
}  # fmt: skip
EDGE_KEYS = {  # and of what :func:`edge_json` gives
    "relation": "string", "role": "string", "roleName": "string", "start": "long",
    "end": "long", "record": "string", "note": "string", "document": "string",
    "documentLabel": "string", "sentence": "string",
}  # fmt: skip
XML_SPECIAL = re.compile(r'[&<>"\n\r\t]')  # what an attribute value may need escaped
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
        "document": data.get("document"),
        "documentLabel": data.get("documentLabel"),
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
    edges = [
        with_evidence(edge_json(graph, u, v, k), page) for u, v, k in sorted(graph.edges(keys=True))
    ]
    return {"nodes": nodes, "edges": edges}


def with_evidence(edge: dict[str, Any], page: Callable[[str], str]) -> dict[str, Any]:
    """An edge with the pages (``page``) of its evidence: its record and source document."""
    record, document = edge["record"], edge["document"]
    return {
        **edge,
        "recordPage": page(record) if record else None,
        "documentPage": page(document) if document else None,
    }


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
    """GraphML: each attribute a key of its type, lists joined by '|', what is unknown left out.
    Written here, as NetworkX writes it, in a tenth of the time (5,000 nodes and 25,000 edges:
    1.2-1.8 s), element by element as UTF-8 into one buffer (the whole document as text first
    took four times its size in memory, which the web process then kept)."""
    out = io.BytesIO()

    def write(text: str) -> None:
        out.write(text.encode())

    write(GRAPHML_HEAD)
    for element, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys.items():
            write(f'<key id="{name}" for="{element}" attr.name="{name}" attr.type="{kind}"/>\n')
    write('<graph edgedefault="directed">\n')
    for node in graph:
        write(f"<node id={attribute(node)}>{_data(node_json(graph, node), NODE_KEYS)}</node>\n")
    for u, v, k in graph.edges(keys=True):
        write(
            f"<edge source={attribute(u)} target={attribute(v)} id={attribute(k)}>"
            f"{_data(edge_json(graph, u, v, k), EDGE_KEYS)}</edge>\n"
        )
    write("</graph></graphml>\n")
    return out.getvalue()


def _data(values: dict[str, Any], keys: dict[str, str]) -> str:
    """The ``<data>`` elements of ``values`` that ``keys`` name and that are known."""
    return "".join(
        f'<data key="{name}">{escape(list_text(values[name]))}</data>'
        for name in keys
        if values[name] is not None
    )


def attribute(text: str) -> str:
    """``text`` as a quoted XML attribute value: quoteattr's, which is most of a GEXF's or a
    GraphML's writing time, only for the few values that need escaping."""
    return f'"{text}"' if XML_SPECIAL.search(text) is None else quoteattr(text)


def list_text(value: Any) -> str:
    """A value as text, a list's values separated by '|' (GraphML's strings, GEXF's
    liststrings)."""
    return "|".join(value) if isinstance(value, list) else str(value)


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
