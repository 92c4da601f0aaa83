"""The network as files for network tools: GEXF 1.3 for Gephi (desktop and Lite) and VOSviewer's
JSON map and network.

GEXF: one static block of attributes per class (Gephi Lite reads only the last block of each),
each edge's role as its ``kind`` (with its record where a pair has several edges in one role,
since source, target and kind must be unique) and its period as a spell, with years as dates
(``YYYY-01-01`` to ``YYYY-12-31``; an unknown bound is left open). VOSviewer: its links are
undirected, so each pair of nodes gets one link whose strength is the number of its edges."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from typing import Any

from belong_graph.network.export import attribute, edge_json, list_text, node_json
from belong_graph.network.graph import Network

GEXF_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
    "<meta><creator>belong-graph</creator>"
    "<description>The partnership network</description></meta>\n"
    '<graph defaultedgetype="directed" mode="dynamic" timeformat="date" '
    'timerepresentation="interval">\n'
)
# GEXF types networkx reads back; no titles networkx sets itself (label, start, end, weight, id).
GEXF_NODE_ATTRIBUTES = {
    "type": "string", "short": "string", "kinds": "liststring", "themes": "liststring",
    "firstYear": "integer", "degree": "integer", "betweenness": "double",
    "community": "integer", "page": "anyURI",
}  # fmt: skip
GEXF_EDGE_ATTRIBUTES = {
    "role": "string", "roleName": "string", "relation": "string", "startYear": "integer",
    "endYear": "integer", "record": "anyURI", "document": "anyURI", "sentence": "string",
}  # fmt: skip
MOST_CLUSTERS = 1000  # VOSviewer's clusters are numbered 1 to 1000
VOSVIEWER_TERMS = {
    "item": "entity", "items": "entities", "link": "link", "links": "links",
    "cluster": "community", "clusters": "communities", "link_strength": "relationships",
    "total_link_strength": "total relationships",
}  # fmt: skip


def gexf(graph: Network, page: Callable[[str], str]) -> bytes:
    """GEXF 1.3: nodes with their type and measures, edges with their role as ``kind`` and
    attribute, and their period as attributes and as a spell."""
    out = io.BytesIO()

    def write(text: str) -> None:
        out.write(text.encode())

    write(GEXF_HEAD)
    for element, attributes in (("node", GEXF_NODE_ATTRIBUTES), ("edge", GEXF_EDGE_ATTRIBUTES)):
        write(f'<attributes class="{element}" mode="static">\n')
        for name, kind in attributes.items():
            write(f'<attribute id="{name}" title="{name}" type="{kind}"/>\n')
        write("</attributes>\n")
    write("<nodes>\n")
    for node in graph:
        data = node_json(graph, node)
        values = {**data, "firstYear": data["year"], "page": page(node)}
        write(
            f"<node id={attribute(node)} label={attribute(data['label'])}>"
            f"{_attvalues(values, GEXF_NODE_ATTRIBUTES)}</node>\n"
        )
    write("</nodes>\n<edges>\n")
    kinds = _kinds(graph)
    for u, v, k in graph.edges(keys=True):
        edge = edge_json(graph, u, v, k)
        values = {**edge, "startYear": edge["start"], "endYear": edge["end"]}
        write(
            f"<edge id={attribute(edge['id'])} source={attribute(u)} target={attribute(v)} "
            f"kind={attribute(kinds[u, v, k])} label={attribute(edge['roleName'])}>"
            f"{_attvalues(values, GEXF_EDGE_ATTRIBUTES)}{_spell(edge['start'], edge['end'])}"
            "</edge>\n"
        )
    write("</edges>\n</graph>\n</gexf>\n")
    return out.getvalue()


def _kinds(graph: Network) -> dict[tuple[str, str, str], str]:
    """Each edge's ``kind``: its role, or its key (role and record) where its pair has more
    than one edge in that role."""
    roles = Counter((u, v, data["role"]) for u, v, data in graph.edges(data=True))
    return {
        (u, v, k): data["role"] if roles[u, v, data["role"]] == 1 else k
        for u, v, k, data in graph.edges(keys=True, data=True)
    }


def _attvalues(values: dict[str, Any], attributes: dict[str, str]) -> str:
    """The ``<attvalues>`` of ``values`` that ``attributes`` declare and that are known."""
    known = [
        f"<attvalue for={attribute(name)} value={attribute(list_text(values[name]))}/>"
        for name in attributes
        if values.get(name) not in (None, [], "")
    ]
    return f"<attvalues>{''.join(known)}</attvalues>" if known else ""


def _spell(start: int | None, end: int | None) -> str:
    """The period from the first day of ``start`` to the last of ``end``, open where unknown."""
    if start is None and end is None:
        return ""
    bounds = (f' start="{start}-01-01"' if start is not None else "") + (
        f' end="{end}-12-31"' if end is not None else ""
    )
    return f"<spells><spell{bounds}/></spells>"


def vosviewer(
    graph: Network, page: Callable[[str], str], communities: dict[int, str]
) -> dict[str, Any]:
    """VOSviewer's JSON: an item per node (its community as cluster, its links and their
    strength as weights, its first year as a score), a link per linked pair of nodes, and the
    clusters of the ``communities`` named (by index) that its items are in."""
    strength = Counter(tuple(sorted((u, v))) for u, v in graph.edges())
    partners: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for (u, v), count in strength.items():
        for node in (u, v):
            partners[node] += 1
            total[node] += count
    items = []
    for node in sorted(graph):
        data = node_json(graph, node)
        item: dict[str, Any] = {
            "id": node,
            "label": data["label"],
            "description": data["type"],
            "url": page(node),
            "weights": {"Links": partners[node], "Total link strength": total[node]},
        }
        if data["community"] is not None and data["community"] < MOST_CLUSTERS:
            item["cluster"] = data["community"] + 1
        if data["year"] is not None:
            item["scores"] = {"First year": data["year"]}
        items.append(item)
    clusters = sorted({item["cluster"] for item in items if item.get("cluster")})
    named = [{"cluster": c, "label": communities[c - 1]} for c in clusters if c - 1 in communities]
    links = [
        {"source_id": u, "target_id": v, "strength": count}
        for (u, v), count in sorted(strength.items())
    ]
    return {
        "network": {"items": items, "links": links, "clusters": named},
        "config": {"terminology": VOSVIEWER_TERMS},
        "info": {
            "title": "The partnership network",
            "description": "Organisations, people and their work, linked by their roles.",
        },
    }
