"""``/oai``: the OAI-PMH 2.0 data provider, by GET or POST (see :mod:`belong_graph.publish.oai`)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, request, url_for

from belong_graph.publish.oai import Repository, respond
from belong_graph.publish.oai_records import Library
from belong_graph.sparql.answer import Job
from belong_graph.sparql.results import Results, read_json
from belong_graph.web.caching import etag_for
from belong_graph.web.querying import cached_answer
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import served

blueprint = Blueprint("oai", __name__)
WHOLE = 10**9  # rows: more than any library has


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
    library = Library(lambda query: _select(app, query), base_iri=app.settings.base_iri)
    body = respond(arguments.to_dict(flat=False), repository, library, datetime.now(UTC))
    return Response(body, mimetype="text/xml")


def _select(app: AppState, query: str) -> Results:
    """Run one of the provider's own SELECT queries in the pool (through the answer cache). They
    are not cut at ``result_limit``, the cap on clients' queries: a list of items must be whole,
    and its size is the library's."""
    job = Job(query, "json", None, WHOLE)
    return read_json(cached_answer(app, job, etag_for(app.version, job)).body)
