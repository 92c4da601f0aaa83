"""Turning a query into an answer: run it on a store and serialise the result in the format
negotiated for its form, cut at the row (or triple) limit and saying so."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pyoxigraph as ox

from belong_graph.errors import NotAcceptable
from belong_graph.formats import RDF_FORMATS, RESULT_FORMATS, Format, format_named
from belong_graph.namespaces import PREFIXES
from belong_graph.store import GraphStore

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Job:
    """A query to run, with the formats acceptable for each query form."""

    query: str
    result_format: str | None  # for SELECT and ASK; None when the client accepts none
    graph_format: str | None  # for CONSTRUCT and DESCRIBE
    limit: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A serialised answer."""

    body: bytes
    media_type: str
    truncated: bool
    count: int  # rows, triples, or 1 for ASK


def answer(store: GraphStore, job: Job) -> Answer:
    """Run ``job`` on ``store`` and serialise its result."""
    result = store.query(
        job.query, default_graphs=job.default_graphs, named_graphs=job.named_graphs
    )
    if isinstance(result, ox.QueryTriples):
        return _graph_answer(result, _chosen(job.graph_format, RDF_FORMATS, "graph"), job.limit)
    fmt = _chosen(job.result_format, RESULT_FORMATS, "result")
    assert fmt.results is not None
    if isinstance(result, ox.QueryBoolean):
        return Answer(_bytes(result.serialize(format=fmt.results)), fmt.media_type, False, 1)
    return _solutions_answer(result, fmt, job.limit)


def _chosen(name: str | None, formats: tuple[Format, ...], kind: str) -> Format:
    fmt = format_named(name, formats) if name else None
    if fmt is None:
        offered = ", ".join(f.media_type for f in formats)
        raise NotAcceptable(f"None of the accepted formats can carry a {kind}; offered: {offered}.")
    return fmt


def _graph_answer(triples: ox.QueryTriples, fmt: Format, limit: int) -> Answer:
    kept = list(islice(triples, limit + 1))
    truncated = len(kept) > limit
    kept = kept[:limit]
    body = _bytes(ox.serialize(kept, format=fmt.oxigraph, prefixes=PREFIXES))
    return Answer(body, fmt.media_type, truncated, len(kept))


def _solutions_answer(solutions: ox.QuerySolutions, fmt: Format, limit: int) -> Answer:
    variables = [v.value for v in solutions.variables]
    rows = list(islice(solutions, limit + 1))
    truncated = len(rows) > limit
    rows = rows[:limit]
    document: dict[str, Any] = {
        "head": {"vars": variables},
        "results": {"bindings": _bindings(rows, variables)},
    }
    if fmt.name == "json":
        if truncated:
            document["truncated"] = True
        return Answer(json.dumps(document).encode(), fmt.media_type, truncated, len(rows))
    assert fmt.results is not None
    parsed = ox.parse_query_results(json.dumps(document).encode(), ox.QueryResultsFormat.JSON)
    body = _bytes(parsed.serialize(format=fmt.results))
    return Answer(body, fmt.media_type, truncated, len(rows))


def _bytes(serialized: bytes | None) -> bytes:
    assert serialized is not None  # Oxigraph returns bytes when given no output file
    return serialized


def _bindings(rows: list[ox.QuerySolution], variables: list[str]) -> list[dict[str, Any]]:
    """SPARQL JSON bindings; each distinct term is converted once."""
    converted: dict[Any, dict[str, Any]] = {}

    def term(value: Any) -> dict[str, Any]:
        json_term = converted.get(value)
        if json_term is None:
            json_term = converted[value] = _term(value)
        return json_term

    return [
        {name: term(value) for name, value in zip(variables, row, strict=True) if value is not None}
        for row in rows
    ]


def _term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            value["datatype"] = term.datatype.value
        return value
    return {  # an RDF-star quoted triple
        "type": "triple",
        "value": {
            "subject": _term(term.subject),
            "predicate": _term(term.predicate),
            "object": _term(term.object),
        },
    }
