"""Dereferencing: every IRI the graph mints answers here with its page or its RDF.

``/id/<kind>/<slug>`` answers 200 by content negotiation (HTML, Turtle, JSON-LD, RDF/XML,
N-Triples) with ``Content-Location`` naming the document it sent, such as ``/id/person/x.ttl``;
those documents answer at their own URLs, and ``?format=`` chooses for clients that cannot set
headers. An entity with more links into it than one page holds has further pages
(``?page=2``, see :mod:`belong_graph.linked.paging`). The ontology answers at ``/ontology`` the
same way, and the JSON-LD context at ``/context.jsonld``. The base IRI is written as the public
address in everything served here (``public_url``, or the address of the request). The route
for entities is ``pages.entity``, which calls :func:`dereference` with the views that its page
adds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from belong_graph import __version__
from belong_graph.addresses import ONTOLOGY_IRI, Addresses
from belong_graph.catalogue import PAGE, page_number
from belong_graph.errors import EntityRemoved, NotAcceptable, UnknownEntity
from belong_graph.formats import (
    BIBLIOGRAPHY,
    ENTITY_FORMATS,
    HTML,
    LINKED_DATA_FORMATS,
    LINKED_RDF_FORMATS,
    Format,
    rdf_format,
)
from belong_graph.linked import facts, jsonld, metadata
from belong_graph.linked.describe import (
    Description,
    describe_query,
    is_iri,
    link_counts_query,
    links_query,
    read_description,
)
from belong_graph.linked.documents import rdf_document
from belong_graph.linked.paging import LinkPages, counted_pages, described_pages, shown_links
from belong_graph.linked.signposts import (
    Landing,
    Signpost,
    ascii_iri,
    document_signposts,
    header_links,
    landing_of,
    landing_signposts,
    pids_query,
)
from belong_graph.linked.vocabulary import ontology_query, vocabulary
from belong_graph.namespaces import PROV
from belong_graph.sparql.answer import Job
from belong_graph.sparql.results import read_json
from belong_graph.web import citing, leads, network_request
from belong_graph.web.caching import add_validators, etag_for, not_modified
from belong_graph.web.negotiation import check_format_name, negotiate
from belong_graph.web.querying import cached_answer
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import addresses, page_of

blueprint = Blueprint("linked", __name__)

RESOURCE_KIND = "resource"  # the kind of IRI (id/resource/...) that has a citation

PageLead = Callable[[str, str, int, Description], tuple[str | None, leads.Lead]]
Documents = Callable[[int], str]  # the address of each page of the document served


blueprint.add_app_template_filter(page_of, "page_link")


def dereference(kind: str, slug: str, lead_of: PageLead) -> Response:
    """The entity ``id/<kind>/<slug>``, its page or its RDF, as the request asks; its page
    leads with what ``lead_of`` makes of it (with the kind's name)."""
    app = state()
    slug, fmt, negotiated = _requested(slug, kind)
    page = page_number(request.args.get(PAGE, "1"))
    path = f"id/{kind}/{slug}"
    where = addresses()
    iri = where.to_canonical(path)
    described = describe(app, iri, page) if is_iri(iri) else None  # cached once asked for
    if described is None or not described[0].exists:
        raise UnknownEntity(
            f"Nothing in the library is called <{where.to_public(iri)}>; "
            f"{where.url('sparql')} can search it."
        )
    description, pages = described
    refuse_removed(description, where)
    landing = landing_for(app, description, where, kind, slug)
    signposts = (
        landing_signposts(landing, page=fmt is HTML)
        if fmt is HTML or negotiated
        else document_signposts(landing)
    )
    if fmt.citation:
        return _citation(app, iri, where, path, fmt, negotiated, kind, signposts)
    if page > pages.last:
        raise UnknownEntity(
            f"<{where.to_public(iri)}> has {pages.total} links into it, {pages.size} a page: "
            f"there is no page {page}."
        )
    documents = _documents(where, path, fmt)
    # The same links on a 304, whose headers a cache puts in place of those it holds.
    paging = [f'<{ascii_iri(documents(n))}>; rel="{rel}"' for rel, n in pages.neighbours().items()]
    etag = etag_for(app.version, "entity", iri, fmt.name, page, where.public, __version__)
    if not_modified(app.version, etag):
        return _finish(
            Response(status=304), app, etag, where, path, fmt, negotiated, page, paging, signposts
        )
    if fmt is HTML:
        kind_name, lead = lead_of(kind, slug, page, description)
        record = citing.resource_record(app, iri, where) if kind == RESOURCE_KIND else None
        citation = citing.citation_box(record, app.settings, where, path) if record else None
        body = _entity_page(
            description,
            pages,
            documents,
            where,
            path,
            kind_name or _kind_name(kind),
            citation,
            lead,
            signposts,
        )
        response = Response(body, mimetype=HTML.media_type)
    else:
        triples = [*description.triples, *pages.triples(documents)]  # pages' are public
        response = _rdf_response(triples, fmt, where, iri)
    response.headers["Belong-Truncated"] = "true" if description.truncated else "false"
    return _finish(response, app, etag, where, path, fmt, negotiated, page, paging, signposts)


def refuse_removed(description: Description, where: Addresses) -> None:
    """A 410 Gone for an entity that the change record says the library removed."""
    if removed := description.values(str(PROV.invalidatedAtTime)):
        raise EntityRemoved(
            f"<{where.to_public(description.iri)}> was removed from the library on "
            f"{removed[0].value[:10]}. {where.url('resources')} lists what the library holds."
        )


def landing_for(
    app: AppState, description: Description, where: Addresses, kind: str, slug: str
) -> Landing:
    """What the signposts of the entity ``id/<kind>/<slug>`` say: its metadata documents (its
    RDF, and a resource's citations), its credited agents' ORCID or ROR IRIs and, for a
    resource, where to read it."""
    formats = ENTITY_FORMATS if kind == RESOURCE_KIND else LINKED_DATA_FORMATS
    pids: dict[str, str] = {}
    if facts.credits(description):  # no query for what credits no one
        job = Job(pids_query(description.iri), "json", None, app.settings.result_limit)
        rows = read_json(cached_answer(app, job, etag_for(app.version, job)).body)
        pids = {row["agent"].value: row["pid"].value for row in rows}
    return landing_of(
        description,
        where,
        f"id/{kind}/{slug}",
        licence=app.settings.licence,
        formats=tuple(f for f in formats if f is not HTML),
        pids=pids,
        contents=kind == RESOURCE_KIND,
    )


def describe(app: AppState, iri: str, page: int = 1) -> tuple[Description, LinkPages]:
    """The entity's description with page ``page`` of the links into it, from a query worker
    (or the answer cache), and where that page stands: the links are counted when more than
    one page might hold them."""
    size = app.settings.description_links
    limit = app.settings.result_limit
    job = Job(describe_query(iri, page=page, links=size), None, "ntriples", limit, ordered=True)
    answer = cached_answer(app, job, etag_for(app.version, job))
    description = read_description(iri, answer.body, truncated=answer.truncated)
    if page == 1 and shown_links(description) < size:
        return description, described_pages(description, size)
    counts = Job(link_counts_query(iri), "json", None, limit)
    rows = read_json(cached_answer(app, counts, etag_for(app.version, counts)).body)
    return description, counted_pages(page, size, rows)


def _documents(where: Addresses, path: str, fmt: Format) -> Documents:
    """Each page's address: the entity's, for people; the document in ``fmt``'s, for RDF."""
    document = where.url(path if fmt is HTML else f"{path}.{fmt.extension}")
    return lambda page: _on_page(document, page)


def _file(where: Addresses, path: str, fmt: Format, page: int) -> str:
    """The address of page ``page`` of the document in ``fmt`` (``/id/person/x.ttl``)."""
    return _on_page(where.url(f"{path}.{fmt.extension}"), page)


def _on_page(url: str, page: int) -> str:
    """``url`` for page ``page`` of the links (the first page has no parameter)."""
    return url + (f"?{PAGE}={page}" if page > 1 else "")


def _requested(slug: str, kind: str) -> tuple[str, Format, bool]:
    """The slug without its suffix, the format asked for, and whether Accept chose it. A
    citation format is recognised for every kind, so that an entity that is no resource can
    say why it has none (:func:`_citation`)."""
    for fmt in sorted(ENTITY_FORMATS, key=lambda f: -len(f.extension)):  # .csl.json first
        if slug.endswith("." + fmt.extension):
            return slug[: -len(fmt.extension) - 1], fmt, False
    offered = ENTITY_FORMATS if kind == RESOURCE_KIND else LINKED_DATA_FORMATS
    return slug, _negotiated(ENTITY_FORMATS, offered), True


def _negotiated(
    formats: tuple[Format, ...] = LINKED_DATA_FORMATS, offered: tuple[Format, ...] = ()
) -> Format:
    """The format named by ``?format=``, or else the best of ``formats`` by ``Accept``; when
    there is none, a 406 that lists the ``offered`` ones (all of ``formats`` by default)."""
    named = request.args.get("format")
    check_format_name(named, formats)
    fmt = negotiate(formats, named)
    if fmt is None:
        types = ", ".join(f.media_type for f in offered or formats)
        raise NotAcceptable(f"This answers as one of: {types}.")
    return fmt


def _citation(
    app: AppState,
    iri: str,
    where: Addresses,
    path: str,
    fmt: Format,
    negotiated: bool,
    kind: str,
    signposts: Sequence[Signpost],
) -> Response:
    """The resource's citation in ``fmt``; an entity that is no resource has none (406)."""
    record = citing.resource_record(app, iri, where) if kind == RESOURCE_KIND else None
    if record is None:
        offered = ", ".join(f.media_type for f in LINKED_DATA_FORMATS)
        raise NotAcceptable(
            f"<{where.to_public(iri)}> is not one of the library's resources, so it has no "
            f"citation ({fmt.title}); it answers as one of: {offered}."
        )
    style = citing.requested_style(app.settings) if fmt is BIBLIOGRAPHY else ()
    etag = etag_for(app.version, "citation", iri, fmt.name, *style, where.public, __version__)
    if not_modified(app.version, etag):
        return _finish(
            Response(status=304), app, etag, where, path, fmt, negotiated, signposts=signposts
        )
    body, media_type = citing.citation_body(record, fmt, app.settings)
    response = Response(body, content_type=media_type)
    return _finish(response, app, etag, where, path, fmt, negotiated, signposts=signposts)


def _finish(
    response: Response,
    app: AppState,
    etag: str,
    where: Addresses,
    path: str,
    fmt: Format,
    negotiated: bool,
    page: int = 1,
    paging: Sequence[str] = (),
    signposts: Sequence[Signpost] = (),
) -> Response:
    """Validators, Vary, the document's own URL, and links to the other forms, to the
    other pages of links (``paging``: RFC 8288 relations first, prev, next, last, as LDP
    Paging gives them) and the FAIR ``signposts`` that fit the header's budget."""
    if negotiated:
        response.headers["Content-Location"] = ascii_iri(_file(where, path, fmt, page))
    alternates = [
        f'<{ascii_iri(_file(where, path, f, page))}>; rel="alternate"; type="{f.media_type}"'
        for f in LINKED_DATA_FORMATS
        if f is not fmt
    ]
    links = [*alternates, *paging]
    response.headers["Link"] = ", ".join([*links, *header_links(signposts, links)])
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
    description: Description,
    pages: LinkPages,
    documents: Documents,
    where: Addresses,
    path: str,
    kind: str,
    citation: citing.CitationBox | None,
    lead: leads.Lead,
    signposts: Sequence[Signpost],
) -> str:
    public = where.to_public(description.iri)
    return render_template(
        "entity.html",
        kind=kind,
        label=description.label(description.node) or public,
        iri=public,
        types=facts.type_values(description),
        properties=facts.property_facts(description),
        backlinks=facts.backlink_facts(description, pages.counts if pages.paged else ()),
        links=pages,
        links_query=links_query(description.iri),
        pages={rel: documents(number) for rel, number in pages.neighbours().items()},
        canonical=documents(pages.page),
        schema_org=metadata.schema_org(description, where),
        citation=citation,
        lead=lead,
        meta_tags=citation.tags if citation else [],
        alternates=[(f, _file(where, path, f, pages.page)) for f in LINKED_RDF_FORMATS],
        signposts=signposts,
        in_network=network_request.served().has(description.iri),
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
        ontology_query(app.version.graphs, app.settings.graph_iri("ontology/")),
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
