"""The partnership network, computed at build time: the ``network-nodes`` and
``partnership-network`` views run on the built store, the graph built and measured, and the
result written beside the store (:mod:`belong_graph.network.stored`). ``belong-graph build``
runs the views (:func:`view_answers`) on the store it holds in memory, and hands their answers
to a process of its own (:func:`write_network`) while it writes the dumps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from belong_graph.catalogue import read_query
from belong_graph.network import graph as network
from belong_graph.network import stored
from belong_graph.network.measures import measure
from belong_graph.phases import phase, without_gc
from belong_graph.sparql.results import items, read_solutions
from belong_graph.store import GraphStore

VIEWS = ("network-nodes", "partnership-network")  # the nodes, then the edges
ORDER = "ORDER BY"  # each view ends with its order, which :func:`view_items` gives in Python


def view_answers(store: GraphStore, queries_dir: Path) -> list[bytes]:
    """The whole answer of each of :data:`VIEWS` (unpaged and unordered), as SPARQL TSV:
    Oxigraph writes it without a Python object per row, which the process that reads it makes.
    TSV, not JSON: at 30,000 synthetic resources the two answers are 63 MB instead of 173, and
    run, written and read back in 10.9 s of processor time instead of 17.8 (Oxigraph parses TSV into
    terms, where Python parsed JSON term by term). Unordered: Oxigraph's sort took 2.1 s of the
    views' 6.9; :func:`view_items` sorts them in 0.4 (keeping the order of equal rows)."""
    answers = []
    for name in VIEWS:
        sparql = read_query(queries_dir / f"{name}.rq").sparql
        solutions = store.query(sparql[: sparql.rindex(ORDER)])
        assert isinstance(solutions, ox.QuerySolutions)  # the views are SELECT queries
        answer = solutions.serialize(format=ox.QueryResultsFormat.TSV)
        assert answer is not None  # bytes when given no output file
        answers.append(answer)
    return answers


def write_network(directory: Path, answers: list[bytes]) -> None:
    """Build and measure the network from the :func:`view_answers` of a store and write it
    into that store's build folder, ``directory``."""
    with without_gc():
        with phase("network: read the views' answers"):
            nodes, edges = view_items(answers)
        with phase("network: build and measure"):
            graph = network.build(nodes, edges)
            measures = measure(graph)
        with phase("network: write"):
            stored.write(directory / stored.NETWORK_FILE, graph, measures)


def view_items(answers: list[bytes]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The items of the :func:`view_answers` (nodes, then edges), each in its view's order."""
    return _rows(answers[0], _node_order), _rows(answers[1], _edge_order)


def _rows(answer: bytes, order: Callable[[dict[str, Any]], Any]) -> list[dict[str, Any]]:
    """Every row of a view's answer, as the API gives its items, in the view's ``order``."""
    solutions = ox.parse_query_results(answer, ox.QueryResultsFormat.TSV)
    assert isinstance(solutions, ox.QuerySolutions)  # a SELECT's answer
    return sorted(items(read_solutions(solutions)), key=order)


def _node_order(item: dict[str, Any]) -> str:
    """The nodes view's ORDER BY ?node."""
    return str(item["node"]["id"])


def _edge_order(item: dict[str, Any]) -> tuple[str, str, str, str]:
    """The links view's ORDER BY ?source ?target ?role ?record (an IRI, or unbound: first)."""
    record = item["record"]
    return item["source"]["id"], item["target"]["id"], item["role"], record["id"] if record else ""
