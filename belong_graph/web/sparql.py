"""The SPARQL 1.1 Protocol endpoint at /sparql.

Query by GET, by POST form or by POST ``application/sparql-query``; the answer in the format
negotiated by Accept or a ``format`` parameter. Without a query, GET answers the Service
Description (or, for a browser, the query page). Updates and SERVICE calls are refused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode, urlsplit

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from belong_graph.catalogue import CannedQuery
from belong_graph.errors import (
    ForbiddenOperation,
    NotAcceptable,
    ParameterError,
    QueryError,
    UnsupportedMediaType,
    URITooLong,
)
from belong_graph.formats import RDF_FORMATS, RESULT_FORMATS, SERVICE_DESCRIPTION_FORMATS, Format
from belong_graph.namespaces import PREFIXES
from belong_graph.publish import completions
from belong_graph.sparql.answer import Answer, Job
from belong_graph.sparql.bind import bind
from belong_graph.sparql.description import service_description
from belong_graph.sparql.guard import check_query
from belong_graph.web.caching import add_validators, etag_for, unchanged
from belong_graph.web.negotiation import check_format_name, negotiate, wants_html
from belong_graph.web.querying import run_query
from belong_graph.web.state import AppState, state

blueprint = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Protocol:
    """The parts of a SPARQL Protocol request."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    timeout: float
    format_name: str | None


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    app = state()
    protocol = read_protocol(app)
    named = protocol.format_name
    if request.method == "GET" and wants_html(named):
        return query_page(app, protocol.query)
    if protocol.query is None:
        return describe_service(app, named)
    check_query(protocol.query, service_allowlist=app.settings.service_allowlist)
    check_format_name(named, RESULT_FORMATS, RDF_FORMATS)
    job = Job(
        query=protocol.query,
        result_format=_name(negotiate(RESULT_FORMATS, named)),
        graph_format=_name(negotiate(RDF_FORMATS, named)),
        limit=app.settings.result_limit,
        default_graphs=protocol.default_graphs,
        named_graphs=protocol.named_graphs,
    )
    if request.method == "POST":
        return _answer_response(run_query(app, job, protocol.timeout))
    version = app.version
    etag = etag_for(version, job)
    if (held := unchanged(version, etag, app.settings.cache_max_age)) is not None:
        return held
    answer = app.cache.get(etag)
    if answer is None:
        answer = run_query(app, job, protocol.timeout)
        app.cache.put(etag, answer)
    response = _answer_response(answer)
    return add_validators(response, version, etag, app.settings.cache_max_age)


def read_protocol(app: AppState) -> Protocol:
    """Read query, dataset and timeout from the URL and the body, as the Protocol says."""
    if len(request.query_string) > app.settings.max_query_bytes:
        raise URITooLong("The request URL is too long: send a long query by POST.")
    url = _decode(request.query_string, "the URL")
    if "update" in url:
        raise ForbiddenOperation("SPARQL Update is not allowed: this public endpoint is read-only.")
    query = _single(url, "query")
    if request.method == "POST":
        body = request.get_data(cache=False)
        if request.mimetype == UPDATE:
            raise ForbiddenOperation(
                "SPARQL Update is not allowed: this public endpoint is read-only."
            )
        if request.mimetype == DIRECT:
            direct = _utf8(body, "the request body")
            if query is not None:
                raise QueryError(
                    "The query is both in the URL and in the body: send it once.",
                    parameter="query",
                )
            query = direct
        elif request.mimetype == FORM:
            form = _decode(body, "the request body")
            if "update" in form:
                raise ForbiddenOperation(
                    "SPARQL Update is not allowed: this public endpoint is read-only."
                )
            if "query" in form and query is not None:
                raise QueryError(
                    "The query is both in the URL and in the body: send it once.",
                    parameter="query",
                )
            query = query if query is not None else _single(form, "query")
            url = MultiDict([*url.items(multi=True), *form.items(multi=True)])
        else:
            raise UnsupportedMediaType(
                f"Unsupported Content-Type {request.mimetype or '(none)'!r}: send the query as "
                f"{FORM} or {DIRECT}."
            )
        if query is None:
            raise QueryError(
                "Missing the query: send it in a 'query' parameter or as the body.",
                parameter="query",
            )
    elif query is not None and not query.strip():
        raise QueryError("The 'query' parameter is empty.", parameter="query")
    return Protocol(
        query=query,
        default_graphs=tuple(url.getlist("default-graph-uri")),
        named_graphs=tuple(url.getlist("named-graph-uri")),
        timeout=_timeout(url.get("timeout"), app.settings.query_timeout),
        format_name=url.get("format") or url.get("output"),
    )


@blueprint.get("/sparql/completions")
def complete() -> Response:
    """The editor's suggestions from the build's index: ``kind`` (class, property or entity)
    and ``q``, what the reader has typed (the start of an IRI, a CURIE, a name or a label's
    word). JSON: ``{"kind", "q", "completions": [{"iri", "curie", "label"}]}``."""
    app = state()
    kind = request.args.get("kind", "")
    if kind not in completions.KINDS:
        raise ParameterError(
            f"The 'kind' parameter must be one of {', '.join(completions.KINDS)}.",
            parameter="kind",
        )
    typed = request.args.get("q", "")
    version = app.version
    etag = etag_for(version, "completions", kind, typed)
    if (held := unchanged(version, etag, app.settings.cache_max_age)) is not None:
        return held
    found = completions.complete(app.pool.source.directory / completions.INDEX_FILE, kind, typed)
    response = jsonify(kind=kind, q=typed, completions=[asdict(c) for c in found])
    return add_validators(response, version, etag, app.settings.cache_max_age)


def query_page(app: AppState, query: str | None) -> Response:
    """YASGUI on this endpoint, with our prefixes and the canned queries as examples, and its
    autocompleters asking our index."""
    config = {
        "endpoint": request.base_url,
        "completions": url_for("sparql.complete"),
        "prefixes": PREFIXES,
        "query": query,
        "resultLimit": app.settings.result_limit,
        "examples": [_example(view, app.settings.base_iri) for view in app.catalogue],
    }
    page = render_template(
        "sparql.html",
        config=config,
        endpoint=request.base_url,
        settings=app.settings,
        catalogue=app.catalogue,
        result_formats=RESULT_FORMATS,
        rdf_formats=RDF_FORMATS,
        description_format=SERVICE_DESCRIPTION_FORMATS[0],
    )
    return Response(page, mimetype="text/html")


def _example(view: CannedQuery, base_iri: str) -> dict[str, Any]:
    """A view as an example of the query page: its parameters bound to their documented
    examples as the views API binds them (not cut to a page)."""
    filled = view.example_values()
    sparql = bind(view.sparql, view.bind(filled, base_iri))
    return {"name": view.name, "title": view.title, "sparql": sparql, "filled": filled}


def query_page_url(sparql: str) -> str:
    """The query page with ``sparql`` in its editor. Every reserved character is encoded, ``;``
    too, which some readers of URLs (YASGUI's among them) take for a separator."""
    return url_for("sparql.endpoint") + "?" + urlencode({"query": sparql}, quote_via=quote)


def view_query_page_url(view: CannedQuery, address: str | None = None) -> str:
    """The query page with ``view`` in its editor, bound to the values of ``address`` (the
    address of the answer a page shows, a page number left out), so that it finds what the
    page shows; unbound where they are not enough to bind it."""
    values = {k: v for k, v in parse_qsl(urlsplit(address or "").query) if k != "page"}
    try:
        sparql = bind(view.sparql, view.bind(values, state().settings.base_iri))
    except ParameterError:
        sparql = view.sparql
    return query_page_url(sparql)


blueprint.add_app_template_filter(query_page_url, "query_page")
blueprint.add_app_template_filter(view_query_page_url, "view_query_page")


def describe_service(app: AppState, named: str | None) -> Response:
    fmt = negotiate(SERVICE_DESCRIPTION_FORMATS, named)
    if fmt is None:
        *others, last = (f.media_type for f in SERVICE_DESCRIPTION_FORMATS)
        raise NotAcceptable(
            f"The service description is available as {', '.join(others)} or {last}."
        )
    version = app.version
    etag = etag_for(version, "service-description", request.base_url, fmt.name)
    if (held := unchanged(version, etag, app.settings.cache_max_age)) is not None:
        return held
    graph = service_description(request.base_url, app.settings, version, list(version.graphs))
    response = Response(graph.serialize(format=fmt.rdflib_name), mimetype=fmt.media_type)
    return add_validators(response, version, etag, app.settings.cache_max_age)


def _answer_response(answer: Answer) -> Response:
    response = Response(answer.body, mimetype=answer.media_type)
    response.headers["Belong-Truncated"] = "true" if answer.truncated else "false"
    response.headers["Belong-Result-Limit"] = str(state().settings.result_limit)
    response.vary.add("Accept")
    return response


def _decode(raw: bytes, where: str) -> MultiDict[str, str]:
    """Parse URL-encoded parameters, refusing anything that is not UTF-8."""
    pairs = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        pairs.append(
            (
                _utf8(unquote_to_bytes(name.replace(b"+", b" ")), where),
                _utf8(unquote_to_bytes(value.replace(b"+", b" ")), where),
            )
        )
    return MultiDict(pairs)


def _utf8(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(f"{where} is not valid UTF-8 (byte {error.start}).") from None


def _single(params: MultiDict[str, str], name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise QueryError(
            f"The '{name}' parameter is given {len(values)} times: send it once.", parameter=name
        )
    return values[0] if values else None


def _timeout(raw: str | None, limit: float) -> float:
    if raw is None or raw == "":
        return limit
    try:
        seconds = float(raw)
    except ValueError:
        raise QueryError(
            f"The 'timeout' parameter must be a number of seconds, not {raw!r}.",
            parameter="timeout",
        ) from None
    if seconds <= 0:
        raise QueryError(
            "The 'timeout' parameter must be a positive number of seconds.", parameter="timeout"
        )
    return min(seconds, limit)


def _name(fmt: Format | None) -> str | None:
    return fmt.name if fmt else None
