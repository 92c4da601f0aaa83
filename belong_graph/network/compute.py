"""The partnership network, computed at build time: the ``network-nodes`` and
``partnership-network`` views run on the built store, the graph built and measured, and the
result written beside the store (:mod:`belong_graph.network.stored`). ``belong-graph build``
runs :func:`write_network` in a process of its own while it writes the on-disk store and the
dumps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from belong_graph.catalogue import CannedQuery, read_query
from belong_graph.network import graph as network
from belong_graph.network import stored
from belong_graph.network.measures import measure
from belong_graph.sparql.results import items, select
from belong_graph.store import DatasetVersion, GraphStore, OxigraphStore
from belong_graph.timing import phase

NODES_VIEW = "network-nodes"
EDGES_VIEW = "partnership-network"


def write_network(directory: Path, version: DatasetVersion, queries_dir: Path) -> None:
    """Build and measure the network of the store whose N-Quads snapshot is in ``directory``
    and write it there."""
    with phase("network: load the snapshot"):
        store = OxigraphStore.load_snapshot(directory, version)
    views = [read_query(queries_dir / f"{name}.rq") for name in (NODES_VIEW, EDGES_VIEW)]
    with phase("network: views"):
        rows = [view_items(store, view) for view in views]
    with phase("network: build and measure"):
        graph = network.build(*rows)
        measures = measure(graph)
    with phase("network: write"):
        stored.write(directory / stored.NETWORK_FILE, graph, measures)


def view_items(store: GraphStore, view: CannedQuery) -> list[dict[str, Any]]:
    """Every row of ``view`` (its whole answer, unpaged), as the API gives its items."""
    return items(select(store, view.sparql))
