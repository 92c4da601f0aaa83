"""The dataset for harvesters: its VoID and DCAT description at ``/.well-known/void``, a page
for people at ``/dataset``, the gzipped dumps under ``/dumps/``, ``sitemap.xml`` and
``robots.txt``. Everything comes from what the build wrote; no request runs a query.

Served URLs start with the server's public address (:mod:`belong_graph.web.urls`), and the IRIs the
graph mints are written with it, as the entity documents do (``linked``). The dumps are files
written at build time and keep the canonical IRIs: a crawler of a server at another address
reads the base IRI as that address (the description's ``void:uriSpace`` names it).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request, send_file, url_for
from markupsafe import Markup
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from belong_graph.addresses import Addresses
from belong_graph.citation.record import dataset_record
from belong_graph.errors import NotAcceptable, NotPublished
from belong_graph.formats import HTML as HTML_FORMAT
from belong_graph.formats import VOID_FORMATS, Format, format_named
from belong_graph.linked.signposts import (
    ABOUT_PAGE,
    PROFILES,
    SCHEMA_ORG,
    Signpost,
    header_links,
)
from belong_graph.load import new_graph
from belong_graph.namespaces import VOID, compact_iri
from belong_graph.publish.dataset import (
    DatasetContext,
    Metadata,
    dataset_description,
    schema_org_dataset,
)
from belong_graph.publish.dumps import GZIP
from belong_graph.publish.publication import Publication
from belong_graph.publish.sitemap import at_address, read_sitemap, robots_txt
from belong_graph.web.caching import add_validators, etag_for, unchanged
from belong_graph.web.citing import styled_entries
from belong_graph.web.negotiation import HTML, check_format_name, negotiate
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import addresses, served

blueprint = Blueprint("dataset", __name__)

VOID_KINDS = ("dataset", "linkset")  # the kinds of IRI the dataset description mints


def redirect_to_description(kind: str, slug: str) -> Response | None:
    """A 303 to the dataset description where ``id/<kind>/<slug>`` is an IRI that it mints and
    describes (the dataset, its linksets and the datasets they link to), in the form a suffix
    (``….ttl``) or ``?format=`` names, or to ``/dataset`` for ``html``; None for any other IRI."""
    named = request.args.get("format")
    for fmt in (*VOID_FORMATS, HTML_FORMAT):
        if slug.endswith("." + fmt.extension):
            slug, named = slug[: -len(fmt.extension) - 1], fmt.name
            break
    iri = URIRef(f"{state().settings.base_iri}id/{kind}/{slug}")
    if kind not in VOID_KINDS or iri not in set(dataset_description(context(state())).subjects()):
        return None
    if named and format_named(named, (HTML_FORMAT,)):
        location = url_for("dataset.page")
    else:
        location = url_for("dataset.void", format=named) if named else url_for("dataset.void")
    response = Response(status=303, headers={"Location": location})
    response.vary.add("Accept")
    return response


@lru_cache(maxsize=4)
def _read_publication(directory: Path) -> Publication:
    return Publication.read(directory)  # a build folder never changes once written


def publication(app: AppState) -> Publication:
    """What the build being served published."""
    return _read_publication(app.pool.source.directory)


def context(app: AppState) -> DatasetContext:
    return DatasetContext(
        publication(app),
        app.settings.base_iri,
        addresses().public,
        Metadata.from_settings(app.settings),
    )


@blueprint.get("/.well-known/void")
def void() -> Response:
    """The VoID and DCAT description, in the format the client accepts; people go to /dataset."""
    app = state()
    named = request.args.get("format")
    check_format_name(named, VOID_FORMATS)
    if not named and _prefers_html():
        response = Response(status=303, headers={"Location": url_for("dataset.page")})
        response.vary.add("Accept")
        return response
    fmt = negotiate(VOID_FORMATS, named)
    if fmt is None:
        types = ", ".join(f.media_type for f in VOID_FORMATS)
        raise NotAcceptable(f"The dataset description is available as {types} or text/html.")
    version = app.version
    etag = etag_for(version, "void", addresses().public, fmt.name)
    if (held := unchanged(version, etag, app.settings.cache_max_age)) is not None:
        return _locate(held, fmt)
    graph = _public(dataset_description(context(app)), addresses())
    response = Response(_serialize(graph, fmt), mimetype=fmt.media_type)
    return add_validators(_locate(response, fmt), version, etag, app.settings.cache_max_age)


def _locate(response: Response, fmt: Format) -> Response:
    """``Content-Location``: the description's document in ``fmt``; ``Link``: its other forms and
    the page, as an entity's answer links them."""
    response.headers["Content-Location"] = _void_url(fmt)
    forms = [(_void_url(f), f.media_type) for f in VOID_FORMATS if f is not fmt]
    forms.append((served(url_for("dataset.page")), HTML))
    response.headers["Link"] = ", ".join(f'<{u}>; rel="alternate"; type="{t}"' for u, t in forms)
    return response


def _void_url(fmt: Format) -> str:
    """The description's document in ``fmt``, at the public address."""
    return served(url_for("dataset.void", format=fmt.name))


@blueprint.get("/dataset")
def page() -> Response:
    """The dataset's page: the same facts as the description, with schema.org JSON-LD."""
    app = state()
    version = app.version
    etag = etag_for(version, "dataset-page", addresses().public)
    facts = context(app)
    if (held := unchanged(version, etag, app.settings.cache_max_age)) is not None:
        return _signposted(held, facts)
    statistics = facts.publication.statistics
    body = render_template(
        "dataset.html",
        facts=facts,
        statistics=statistics,
        dumps=[(d, d.format.title, facts.dump_url(d)) for d in facts.publication.dumps],
        void_formats=[(f, f.title) for f in VOID_FORMATS],
        classes=[(compact_iri(p.iri), p.iri, p.count) for p in statistics.classes],
        properties=[(compact_iri(p.iri), p.iri, p.count) for p in statistics.properties],
        graphs=[(p.iri, p.count) for p in statistics.graphs],
        examples=[(e, facts.served(e)) for e in statistics.examples],
        schema_org=_public_json(schema_org_dataset(facts), addresses()),
        dataset_citation=_citation(facts, app),
    )
    return add_validators(
        _signposted(Response(body, mimetype="text/html"), facts),
        version,
        etag,
        app.settings.cache_max_age,
    )


def _signposted(response: Response, facts: DatasetContext) -> Response:
    """The dataset page's FAIR Signposting in its Link header (on a 304 as well): cite-as the
    dataset's IRI, its types, its licence, the description in each form (describedby) and each
    dump (item, as served: gzip)."""
    signposts = [
        Signpost("cite-as", facts.served(str(facts.dataset))),
        Signpost("type", SCHEMA_ORG + "Dataset"),
        Signpost("type", ABOUT_PAGE),
        Signpost("license", facts.metadata.licence),
        *(
            Signpost("describedby", _void_url(f), f.media_type, PROFILES.get(f.media_type))
            for f in VOID_FORMATS
        ),
        *(Signpost("item", facts.dump_url(d), GZIP) for d in facts.publication.dumps),
    ]
    response.headers["Link"] = ", ".join(header_links(signposts))
    return response


def _citation(facts: DatasetContext, app: AppState) -> list[tuple[str, Markup]]:
    """How to cite the dataset: its publisher, title, the build's version and date, its IRI."""
    version = facts.publication.version
    record = dataset_record(
        key="dataset",
        title=facts.metadata.title,
        publisher=facts.metadata.publisher_name,
        version=version.digest,
        built=version.built,
        url=facts.served(str(facts.dataset)),
    )
    return styled_entries(record, app.settings)


@blueprint.get("/dumps/<file_name>")
def dump(file_name: str) -> Response:
    """A gzipped dump, as ``application/gzip``, with its SHA-256 as the ETag."""
    app = state()
    published = publication(app)
    found = published.dump_named(file_name)
    if found is None:
        names = ", ".join(d.file_name for d in published.dumps)
        raise NotPublished(f"There is no dump called {file_name!r}; the dumps are: {names}.")
    if (held := unchanged(app.version, found.sha256, app.settings.cache_max_age)) is not None:
        return held  # answered without opening the file
    return send_file(
        published.dump_path(found),
        mimetype=GZIP,
        as_attachment=True,
        download_name=found.file_name,
        etag=found.sha256,
        last_modified=_built(app),
        max_age=app.settings.cache_max_age,
        conditional=True,
    )


@blueprint.get("/sitemap.xml")
def sitemap() -> Response:
    """Every entity page and the dataset page; an index of numbered sitemaps past 50,000."""
    return _sitemap(None)


@blueprint.get("/sitemaps/<int:number>.xml")
def sitemap_page(number: int) -> Response:
    """One of the numbered sitemaps that the index lists."""
    return _sitemap(number)


def _sitemap(number: int | None) -> Response:
    """A sitemap the build wrote, with the URLs at the address of this request."""
    app = state()
    version = app.version
    where = addresses()
    etag = etag_for(version, "sitemap", where.public, number)
    if (held := unchanged(version, etag, app.settings.cache_max_age)) is not None:
        return held
    written = read_sitemap(publication(app).directory, number)
    body = at_address(written, where.base, where.public)
    response = Response(body, mimetype="application/xml")
    return add_validators(response, version, etag, app.settings.cache_max_age)


@blueprint.get("/robots.txt")
def robots() -> Response:
    app = state()
    version = app.version
    etag = etag_for(version, "robots", addresses().public)
    body = robots_txt(served(url_for("dataset.sitemap")))
    response = Response(body, mimetype="text/plain")
    return add_validators(response, version, etag, app.settings.cache_max_age)


def _prefers_html() -> bool:
    """A browser: it names text/html and prefers it to every RDF format."""
    accept = request.accept_mimetypes
    listed = any(value == HTML for value, _ in accept)
    candidates = [HTML, *(f.media_type for f in VOID_FORMATS)]
    return listed and accept.best_match(candidates) == HTML


def _public(graph: Graph, where: Addresses) -> Graph:
    """``graph`` with the IRIs under the base IRI, and the URI space, at the public address."""
    if where.base == where.public:
        return graph

    def public(term: Node) -> Node:
        return URIRef(where.to_public(str(term))) if isinstance(term, URIRef) else term

    rewritten = new_graph()
    for prefix, namespace in graph.namespaces():
        rewritten.bind(prefix, namespace, replace=True)
    for subject, predicate, value in graph:
        if predicate == VOID.uriSpace:
            value = Literal(where.to_public(str(value)))
        rewritten.add((public(subject), predicate, public(value)))
    return rewritten


def _public_json(value: Any, where: Addresses) -> Any:
    """A JSON value with every entity IRI in it at the public address."""
    if isinstance(value, str):
        return where.to_public(value)
    if isinstance(value, list):
        return [_public_json(item, where) for item in value]
    if isinstance(value, dict):
        return {key: _public_json(item, where) for key, item in value.items()}
    return value


def _serialize(graph: Graph, fmt: Format) -> bytes:
    if fmt.name == "jsonld":
        context = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
        return graph.serialize(format="json-ld", context=context, auto_compact=True).encode()
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


def _built(app: AppState) -> float:
    return datetime.fromisoformat(app.version.built).timestamp()
