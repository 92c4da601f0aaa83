"""The SPARQL endpoint at /sparql: the query by GET or POST, the answer in the format asked for."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from belong_graph.errors import QueryError
from belong_graph.formats import RDF_FORMATS, RESULT_FORMATS, Format
from belong_graph.web import context

blueprint = Blueprint("sparql", __name__)


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    query = _query_text()
    result = context.store().query(query)
    if isinstance(result, ox.QueryTriples):
        fmt = _negotiate(RDF_FORMATS)
        assert fmt.oxigraph is not None
        return Response(result.serialize(format=fmt.oxigraph), mimetype=fmt.media_type)
    fmt = _negotiate(RESULT_FORMATS)
    assert fmt.results is not None
    return Response(result.serialize(format=fmt.results), mimetype=fmt.media_type)


def _query_text() -> str:
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    query = request.values.get("query")
    if not query:
        raise QueryError("Missing the 'query' parameter: send a SPARQL query.")
    return query


def _negotiate(formats: tuple[Format, ...]) -> Format:
    best = request.accept_mimetypes.best_match([f.media_type for f in formats])
    return next((f for f in formats if f.media_type == best), formats[0])
