"""``/oai``: the OAI-PMH 2.0 data provider, by GET or POST (see :mod:`belong_graph.publish.oai`).
The items come from the list the build wrote beside the store; the records' metadata from the
query pool."""

from __future__ import annotations

from datetime import UTC, datetime

import pyoxigraph as ox
from flask import Blueprint, Response, request, url_for

from belong_graph.publish.oai import Repository, respond
from belong_graph.publish.oai_index import INDEX_FILE, OaiIndex
from belong_graph.publish.oai_records import Library
from belong_graph.sparql.answer import Answer, Job
from belong_graph.sparql.results import read_json
from belong_graph.web.caching import etag_for
from belong_graph.web.querying import cached_answer
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import served

blueprint = Blueprint("oai", __name__)
WHOLE = 10**9  # rows: more than any response asks for


@blueprint.route("/oai", methods=["GET", "POST"])
def endpoint() -> Response:
    app = state()
    arguments = request.form if request.method == "POST" else request.args
    repository = Repository(
        base_url=served(url_for("oai.endpoint")),
        base_iri=app.settings.base_iri,
        admin_email=app.settings.contact,
        page_size=app.settings.oai_page_size,
        built=app.version.built,
    )
    with OaiIndex(app.pool.source.directory / INDEX_FILE) as index:
        library = Library(
            index,
            lambda query: read_json(_answer(app, query, "json", None).body),
            lambda query: _triples(_answer(app, query, None, "ntriples")),
        )
        body = respond(arguments.to_dict(flat=False), repository, library, datetime.now(UTC))
    return Response(body, mimetype="text/xml")


def _answer(app: AppState, query: str, results: str | None, graph: str | None) -> Answer:
    """Run one of the provider's own queries in the pool (through the answer cache). They are
    not cut at ``result_limit``, the cap on clients' queries: a record's metadata must be whole."""
    job = Job(query, results, graph, WHOLE)
    return cached_answer(app, job, etag_for(app.version, job))


def _triples(answer: Answer) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)]
