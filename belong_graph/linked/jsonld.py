"""JSON-LD as a client wants to read it: one published @context (the prefixes of the graph's
vocabularies, served at ``/context.jsonld``) and a flat ``@graph`` of nodes whose keys are
compact IRIs such as ``schema:name``. The entity comes first."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from belong_graph.namespaces import PREFIXES, compact_iri

XSD_STRING = PREFIXES["xsd"] + "string"
RDF_TYPE = PREFIXES["rdf"] + "type"


def context() -> dict[str, Any]:
    """The @context every JSON-LD answer refers to: a prefix for each vocabulary."""
    return dict(sorted(PREFIXES.items()))


def context_document() -> bytes:
    return json.dumps({"@context": context()}, indent=1).encode()


def document(triples: Iterable[ox.Triple], first: str, context_url: str) -> bytes:
    """A JSON-LD document of ``triples`` under the context at ``context_url``."""
    nodes: dict[str, dict[str, Any]] = {}
    for triple in triples:
        node_id = _node_id(triple.subject)
        node = nodes.setdefault(node_id, {"@id": node_id})
        if triple.predicate.value == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            node.setdefault("@type", []).append(compact_iri(triple.object.value))
            continue
        key = compact_iri(triple.predicate.value)
        node.setdefault(key, []).append(_value(triple.object))
    ordered = sorted(nodes.values(), key=lambda n: (n["@id"] != first, n["@id"]))
    for node in ordered:
        for values in node.values():
            if isinstance(values, list):
                values.sort(key=lambda v: json.dumps(v, sort_keys=True))
    body = {"@context": context_url, "@graph": ordered}
    return json.dumps(body, indent=1, ensure_ascii=False).encode()


def _node_id(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return term.value
    raise ValueError("RDF-star triples are not written as JSON-LD here")


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Any:
    if isinstance(term, ox.Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": compact_iri(term.datatype.value)}
    return {"@id": _node_id(term)}
