"""The partnership network, computed at build time: the ``network-nodes`` and
``partnership-network`` views run on the built store, the graph built and measured, and the
result written beside the store (:mod:`belong_graph.network.stored`). ``belong-graph build``
runs :func:`write_network` in a process of its own while it writes the dumps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from belong_graph.catalogue import CannedQuery, read_query
from belong_graph.network import graph as network
from belong_graph.network import stored
from belong_graph.network.measures import measure
from belong_graph.store import GraphStore, OxigraphStore

NODES_VIEW = "network-nodes"
EDGES_VIEW = "partnership-network"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def write_network(directory: Path, queries_dir: Path) -> None:
    """Build and measure the network of the store in ``directory`` and write it there."""
    store = OxigraphStore.open(directory)
    views = [read_query(queries_dir / f"{name}.rq") for name in (NODES_VIEW, EDGES_VIEW)]
    graph = network.build(*(view_items(store, view) for view in views))
    stored.write(directory / stored.NETWORK_FILE, graph, measure(graph))


def view_items(store: GraphStore, view: CannedQuery) -> list[dict[str, Any]]:
    """Every row of ``view`` (all its pages at once) as the API gives them: an IRI as
    ``{"id", "label"}`` (its label from the ``?xLabel`` column), an integer as a number."""
    solutions = store.query(view.sparql)
    assert isinstance(solutions, ox.QuerySolutions)  # the views are SELECT queries
    names = [variable.value for variable in solutions.variables]
    shown = [n for n in names if not (n.endswith("Label") and n.removesuffix("Label") in names)]
    items = []
    for solution in solutions:
        item: dict[str, Any] = {}
        for name in shown:
            term = solution[name]
            if isinstance(term, ox.NamedNode):
                label = solution[name + "Label"] if name + "Label" in names else None
                item[name] = {"id": term.value, "label": None if label is None else label.value}
            elif isinstance(term, ox.Literal) and term.datatype.value == INTEGER:
                item[name] = int(term.value)
            else:
                item[name] = None if term is None else term.value
        items.append(item)
    return items
