"""Dereferencing: every IRI the graph mints answers here with its page or its RDF.

``/id/<kind>/<slug>`` answers 200 by content negotiation (HTML, Turtle, JSON-LD, RDF/XML,
N-Triples) with ``Content-Location`` naming the document it sent, such as ``/id/person/x.ttl``;
those documents answer at their own URLs, and ``?format=`` chooses for clients that cannot set
headers. The ontology answers at ``/ontology`` the same way, and the JSON-LD context at
``/context.jsonld``. The base IRI is written as the public address in everything served here
(``public_url``, or the address of the request). The route for entities is ``pages.entity``,
which calls :func:`dereference` with the views that its page adds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from belong_graph import __version__
from belong_graph.addresses import ONTOLOGY_IRI, Addresses
from belong_graph.errors import NotAcceptable, UnknownEntity
from belong_graph.formats import HTML, LINKED_DATA_FORMATS, LINKED_RDF_FORMATS, Format, rdf_format
from belong_graph.linked import facts, jsonld, metadata
from belong_graph.linked.describe import Description, describe_query, is_iri, read_description
from belong_graph.linked.documents import rdf_document
from belong_graph.linked.vocabulary import ontology_query, vocabulary
from belong_graph.sparql.answer import Job
from belong_graph.web.caching import add_validators, etag_for, not_modified
from belong_graph.web.negotiation import check_format_name, negotiate
from belong_graph.web.querying import cached_answer
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import addresses, page_of

blueprint = Blueprint("linked", __name__)

Sections = tuple[str | None, list[Any]]  # a page's kind and the view sections it adds


blueprint.add_app_template_filter(page_of, "page_link")


def dereference(kind: str, slug: str, sections: Callable[[str, str], Sections]) -> Response:
    """The entity ``id/<kind>/<slug>``, its page or its RDF, as the request asks."""
    app = state()
    slug, fmt, negotiated = _requested(slug)
    path = f"id/{kind}/{slug}"
    where = addresses()
    iri = where.to_canonical(path)
    description = describe(app, iri) if is_iri(iri) else None  # from the cache once asked for
    if description is None or not description.exists:
        raise UnknownEntity(
            f"Nothing in the library is called <{where.to_public(iri)}>; "
            f"{where.url('sparql')} can search it."
        )
    etag = etag_for(app.version, "entity", iri, fmt.name, where.public, __version__)
    if not_modified(app.version, etag):
        return _finish(Response(status=304), app, etag, where, path, fmt, negotiated)
    if fmt is HTML:
        kind_name, view_sections = sections(kind, slug)
        body = _entity_page(description, where, path, kind_name or _kind_name(kind), view_sections)
        response = Response(body, mimetype=HTML.media_type)
    else:
        response = _rdf_response(description.triples, fmt, where, iri)
    response.headers["Belong-Truncated"] = "true" if description.truncated else "false"
    return _finish(response, app, etag, where, path, fmt, negotiated)


def describe(app: AppState, iri: str) -> Description:
    """The entity's description, from a query worker (or the answer cache)."""
    job = Job(describe_query(iri), None, "ntriples", app.settings.result_limit)
    answer = cached_answer(app, job, etag_for(app.version, job))
    return read_description(iri, answer.body, truncated=answer.truncated)


def _requested(slug: str) -> tuple[str, Format, bool]:
    """The slug without its suffix, the format asked for, and whether Accept chose it."""
    stem, dot, extension = slug.rpartition(".")
    if dot:
        for fmt in LINKED_DATA_FORMATS:
            if fmt.extension == extension:
                return stem, fmt, False
    return slug, _negotiated(), True


def _negotiated() -> Format:
    """The format named by ``?format=``, or else the best by ``Accept``."""
    named = request.args.get("format")
    check_format_name(named, LINKED_DATA_FORMATS)
    fmt = negotiate(LINKED_DATA_FORMATS, named)
    if fmt is None:
        offered = ", ".join(f.media_type for f in LINKED_DATA_FORMATS)
        raise NotAcceptable(f"This answers as one of: {offered}.")
    return fmt


def _finish(
    response: Response,
    app: AppState,
    etag: str,
    where: Addresses,
    path: str,
    fmt: Format,
    negotiated: bool,
) -> Response:
    """Validators, Vary, the document's own URL and links to the other forms."""
    if negotiated:
        response.headers["Content-Location"] = where.url(f"{path}.{fmt.extension}")
    response.headers["Link"] = ", ".join(
        f'<{where.url(f"{path}.{f.extension}")}>; rel="alternate"; type="{f.media_type}"'
        for f in LINKED_DATA_FORMATS
        if f is not fmt
    )
    return add_validators(response, app.version, etag, app.settings.cache_max_age)


def _rdf_response(
    triples: Sequence[ox.Triple], fmt: Format, where: Addresses, iri: str
) -> Response:
    body = rdf_document(
        where.triples(triples),
        fmt,
        first=where.to_public(iri),
        context_url=where.url("context.jsonld"),
    )
    return Response(body, mimetype=fmt.media_type)


def _entity_page(
    description: Description, where: Addresses, path: str, kind: str, sections: list[Any]
) -> str:
    public = where.to_public(description.iri)
    return render_template(
        "entity.html",
        kind=kind,
        label=description.label(description.node) or public,
        iri=public,
        sections=sections,
        types=facts.type_values(description),
        properties=facts.property_facts(description),
        backlinks=facts.backlink_facts(description),
        schema_org=metadata.schema_org(description, where),
        meta_tags=metadata.citation_tags(description, where)
        if path.startswith("id/resource/")
        else [],
        alternates=[(f, where.url(f"{path}.{f.extension}")) for f in LINKED_RDF_FORMATS],
    )


def _kind_name(kind: str) -> str:
    return facts.humanise(kind).capitalize()


@blueprint.get("/ontology")
def ontology() -> Response:
    """The ontology: its documentation, or its RDF by content negotiation."""
    return _ontology(_negotiated(), negotiated=True)


@blueprint.get("/ontology.<extension>")
def ontology_document(extension: str) -> Response:
    for fmt in LINKED_DATA_FORMATS:
        if fmt.extension == extension:
            return _ontology(fmt, negotiated=False)
    raise UnknownEntity(f"There is no /ontology.{extension}; try /ontology.ttl or /ontology.")


def _ontology(fmt: Format, *, negotiated: bool) -> Response:
    app = state()
    where = addresses()
    etag = etag_for(app.version, "ontology", fmt.name, where.public, __version__)
    if not_modified(app.version, etag):
        return _finish(Response(status=304), app, etag, where, "ontology", fmt, negotiated)
    job = Job(
        ontology_query(app.settings.graph_iri("ontology/")),
        None,
        "ntriples",
        app.settings.result_limit,
    )
    answer = cached_answer(app, job, etag_for(app.version, job))
    triples = [q.triple for q in ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)]
    if fmt is HTML:
        page = render_template(
            "ontology.html",
            vocabulary=vocabulary(triples),
            alternates=[(f, where.url(f"ontology.{f.extension}")) for f in LINKED_RDF_FORMATS],
        )
        response = Response(page, mimetype=HTML.media_type)
    else:
        response = _rdf_response(triples, fmt, where, ONTOLOGY_IRI)
    response.headers["Belong-Truncated"] = "true" if answer.truncated else "false"
    return _finish(response, app, etag, where, "ontology", fmt, negotiated)


@blueprint.get("/context.jsonld")
def context() -> Response:
    """The JSON-LD @context that every JSON-LD answer of this server refers to."""
    app = state()
    body = jsonld.context_document()
    etag = hashlib.sha256(body).hexdigest()[:32]
    response = Response(body, mimetype=rdf_format("jsonld").media_type)
    return add_validators(response, app.version, etag, app.settings.cache_max_age)
