"""Whether an engine answers as the build it was loaded from (`belong-graph engine check`): the
checks to run before pointing a server's ``store_url`` at an engine, new or not yet tested here.

Each check asks the engine and the build's own on-disk store (the same index order as an
Oxigraph server's) the same query: the quads of each named graph, the union default graph, the
answer forms, and every canned view with its documented examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from belong_graph.catalogue import CannedQuery
from belong_graph.remote import Engine, RemoteStore
from belong_graph.sparql.results import Results, select
from belong_graph.store import DatasetVersion, GraphStore, OxigraphStore

GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
UNION = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
A_TRIPLE = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")


@dataclass(frozen=True)
class Finding:
    """One check: what was compared, whether the engine agreed, and how."""

    name: str
    agrees: bool
    detail: str


def check_engine(
    build_folder: Path, engine: Engine, views: tuple[CannedQuery, ...], base_iri: str
) -> Iterator[Finding]:
    """Compare ``engine`` with the build in ``build_folder``, one finding at a time."""
    build = OxigraphStore.open(build_folder, in_memory=False)
    remote = RemoteStore(engine, DatasetVersion.read(build_folder))
    try:
        yield _graphs(build, remote)
        yield _union(build, remote)
        yield _forms(remote)
        for view in views:
            yield _view(build, remote, view, base_iri)
    finally:
        remote.close()


def _graphs(build: GraphStore, remote: GraphStore) -> Finding:
    expected, found = _counts(select(build, GRAPH_COUNTS)), _counts(select(remote, GRAPH_COUNTS))
    name = "named graphs hold the build's quads"
    if found == expected:
        return Finding(name, True, f"{len(found)} graphs, {sum(found.values()):,} quads")
    differ = sorted(g for g in expected.keys() | found.keys() if expected.get(g) != found.get(g))
    first = differ[0]
    return Finding(
        name,
        False,
        f"{len(differ)} graphs differ; {first}: {found.get(first, 0):,} quads on the engine, "
        f"{expected.get(first, 0):,} in the build",
    )


def _counts(results: Results) -> dict[str, int]:
    return {row["g"].value: int(row["n"].value) for row in results}


def _union(build: GraphStore, remote: GraphStore) -> Finding:
    expected, found = (int(select(s, UNION).rows[0]["n"].value) for s in (build, remote))
    return Finding(
        "the default graph is the union of the named graphs",
        found == expected,
        f"{found:,} distinct triples (the build: {expected:,})",
    )


def _forms(remote: GraphStore) -> Finding:
    """ASK read as a boolean and CONSTRUCT as triples (a wrong form raises BadEngineAnswer)."""
    truth, graph = remote.query("ASK {}"), remote.query(A_TRIPLE)
    triples = [] if isinstance(graph, ox.QuerySolutions | ox.QueryBoolean) else list(graph)
    agrees = isinstance(truth, ox.QueryBoolean) and bool(truth) and len(triples) == 1
    return Finding("ASK and CONSTRUCT answer in their forms", agrees, "ASK {} is true, one triple")


def _view(build: GraphStore, remote: GraphStore, view: CannedQuery, base_iri: str) -> Finding:
    query = view.query_for(view.bind(view.example_values(), base_iri))
    expected, found = comparable(select(build, query)), comparable(select(remote, query))
    name = f"view {view.name}"
    if found == expected:
        return Finding(name, True, _rows(len(found)))
    if len(found) != len(expected):
        return Finding(name, False, f"{_rows(len(found))}, {len(expected)} in the build")
    row = next(i for i, (a, b) in enumerate(zip(found, expected, strict=True)) if a != b)
    cells = sorted(
        k
        for k in found[row].keys() | expected[row].keys()
        if found[row].get(k) != expected[row].get(k)
    )
    return Finding(
        name,
        False,
        f"row {row + 1}, ?{cells[0]}: {found[row].get(cells[0])!r} on the engine, "
        f"{expected[row].get(cells[0])!r} in the build",
    )


def _rows(count: int) -> str:
    return f"{count} row{'' if count == 1 else 's'}"


def comparable(results: Results) -> list[dict[str, Any]]:
    """Rows with blank nodes unnamed and ``xsd:string`` as a plain literal's datatype (engines
    name both their own way)."""

    def term(value: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
        if isinstance(value, ox.BlankNode):
            return "_:"
        if isinstance(value, ox.Literal):
            datatype = None if value.datatype == XSD_STRING else value.datatype.value
            return (value.value, value.language, datatype)
        return value.value

    return [{name: term(value) for name, value in row.items()} for row in results]
