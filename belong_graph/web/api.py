"""The canned query views as a JSON API: ``/api/views`` lists them, ``/api/views/<name>`` answers
one with its parameters bound, as items with labels and links, or in any SPARQL results format.

An answer's JSON shape is stable: ``items`` holds one object per row, where a variable ``?x``
that is an IRI becomes ``{"id": IRI, "label": ...}`` (the label from a ``?xLabel`` column when
the view has one) and any other value its plain text or number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for

from belong_graph.catalogue import PAGE, CannedQuery
from belong_graph.errors import NotAcceptable, ParameterError, UnknownView
from belong_graph.formats import RESULT_FORMATS, Format
from belong_graph.sparql.answer import Answer, Job
from belong_graph.web.caching import add_validators, etag_for, not_modified
from belong_graph.web.negotiation import check_format_name, negotiate
from belong_graph.web.state import AppState, state

blueprint = Blueprint("api", __name__, url_prefix="/api")

API_JSON = Format("json", "application/json", "json", "json")
API_FORMATS = (API_JSON, *(f for f in RESULT_FORMATS if f.name != "json"), RESULT_FORMATS[0])
CONCEPTS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?label WHERE { ?concept skos:inScheme ?scheme ; skos:prefLabel ?label }
ORDER BY ?label"""
OPENAPI_PATHS = "belong_graph.openapi_paths"  # other blueprints' API paths, by the app
NUMBERS = {"integer", "decimal", "double", "float", "long", "int"}


@blueprint.get("/")
def reference() -> Response:
    """The API's reference page for people: every view, its parameters and example links."""
    app = state()
    examples = {
        view.name: url_for("api.answer_view", **_example_values(view)) for view in app.catalogue
    }
    page = render_template("api.html", views=app.catalogue, examples=examples)
    return Response(page, mimetype="text/html")


def _example_values(view: CannedQuery) -> dict[str, Any]:
    """URL values for trying ``view``: its name and an example for each required parameter."""
    required = {p.name: p.example for p in view.parameters if p.example and p.required}
    return {"name": view.name, **required}


@blueprint.get("/views")
def list_views() -> Response:
    app = state()
    views = [_summary(view) for view in app.catalogue]
    return Response(json.dumps({"views": views}, indent=1), mimetype=API_JSON.media_type)


@blueprint.get("/views/<name>")
def answer_view(name: str) -> Response:
    app = state()
    view = view_named(app, name)
    named = request.args.get("format")
    check_format_name(named, API_FORMATS)
    fmt = _api_format(named)
    values = {k: v for k, v in request.args.items() if k != "format"}
    job = view_job(app, view, values, "json" if fmt is API_JSON else fmt.name)
    etag = etag_for(app.version, job, fmt.name)
    if not_modified(app.version, etag):
        return add_validators(Response(status=304), app.version, etag, app.settings.cache_max_age)
    answer = _answer(app, job, etag)
    response = _view_response(view, values, answer, fmt)
    return add_validators(response, app.version, etag, app.settings.cache_max_age)


@dataclass(frozen=True)
class ViewItems:
    """One page of a view's answer, as items."""

    items: list[dict[str, Any]]
    page: int
    more: bool  # whether a next page exists
    truncated: bool


def view_items(app: AppState, view: CannedQuery, values: Mapping[str, str]) -> ViewItems:
    """Run ``view`` with ``values`` (through the cache) and read its answer as items."""
    job = view_job(app, view, values, "json")
    answer = _answer(app, job, etag_for(app.version, job, "json"))
    document = json.loads(answer.body)
    rows = document["results"]["bindings"]
    more = bool(view.pagination) and len(rows) > (view.pagination or 0)
    items = [_item(row, document["head"]["vars"]) for row in rows[: view.pagination or None]]
    return ViewItems(items, _page(view, values), more, answer.truncated)


def view_job(app: AppState, view: CannedQuery, values: Mapping[str, str], fmt: str) -> Job:
    """The query job for ``view`` with ``values`` bound, its page cut, in result format ``fmt``."""
    terms = view.bind(values, app.settings.base_iri)
    for parameter in view.parameters:
        term = terms.get(parameter.name)
        if parameter.scheme and term is not None:
            concepts = scheme_concepts(app, parameter.scheme)
            if term.value not in concepts:
                entities = app.settings.base_iri + "id/"
                offered = ", ".join(iri.removeprefix(entities) for iri in concepts)
                raise ParameterError(
                    f"Parameter '{parameter.name}': {values[parameter.name]!r} is not a concept "
                    f"of {parameter.scheme}; use one of: {offered}."
                )
    query = view.query_for(terms, _page(view, values))
    return Job(query, fmt, None, app.settings.result_limit)


def scheme_concepts(app: AppState, scheme: str) -> dict[str, str]:
    """The concepts of a concept scheme (named below id/), by IRI, with their labels."""
    iri = ox.NamedNode(app.settings.base_iri + "id/" + scheme)
    query = CONCEPTS.replace("WHERE {", f"WHERE {{ VALUES ?scheme {{ {iri} }}", 1)
    job = Job(query, "json", None, app.settings.result_limit)
    document = json.loads(_answer(app, job, etag_for(app.version, job)).body)
    return {
        row["concept"]["value"]: row["label"]["value"] for row in document["results"]["bindings"]
    }


def view_named(app: AppState, name: str) -> CannedQuery:
    for view in app.catalogue:
        if view.name == name:
            return view
    raise UnknownView(f"There is no view called {name!r}; /api/views lists them.")


def _page(view: CannedQuery, values: Mapping[str, str]) -> int:
    return view.page_number(values) if view.pagination else 1


def _api_format(named: str | None) -> Format:
    fmt = negotiate(API_FORMATS, named)
    if fmt is None:
        offered = ", ".join(f.media_type for f in API_FORMATS)
        raise NotAcceptable(f"A view answers as one of: {offered}.")
    return fmt


def _answer(app: AppState, job: Job, etag: str) -> Answer:
    """The answer from the cache, or from a query worker."""
    answer = app.cache.get(etag)
    if answer is None:
        disconnected = request.environ.get("waitress.client_disconnected", lambda: False)
        answer = app.pool.run(job, timeout=app.settings.query_timeout, cancelled=disconnected)
        app.cache.put(etag, answer)
    return answer


def _view_response(
    view: CannedQuery, values: dict[str, str], answer: Answer, fmt: Format
) -> Response:
    """The answer in ``fmt``; a paged view drops its look-ahead row and links the next page."""
    page = _page(view, values)
    more = bool(view.pagination) and answer.count > (view.pagination or 0)
    next_url = _page_url(view, values, page + 1) if more else None
    if fmt is API_JSON:
        document = json.loads(answer.body)
        rows = document["results"]["bindings"][: view.pagination or None]
        body = {
            "view": view.name,
            "title": view.title,
            "parameters": {k: v for k, v in values.items() if k != PAGE},
            "page": page if view.pagination else None,
            "next": next_url,
            "truncated": answer.truncated,
            "items": [_item(row, document["head"]["vars"]) for row in rows],
            "sparql": url_for("api.view_sparql", name=view.name, _external=True),
        }
        response = Response(json.dumps(body, indent=1), mimetype=API_JSON.media_type)
    else:
        response = Response(answer.body, mimetype=answer.media_type)
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    response.headers["Belong-Truncated"] = "true" if answer.truncated else "false"
    return response


@blueprint.get("/views/<name>.rq")
def view_sparql(name: str) -> Response:
    """The SPARQL behind a view, as its file says."""
    view = view_named(state(), name)
    return Response(view.sparql, mimetype="application/sparql-query")


def _page_url(view: CannedQuery, values: Mapping[str, str], page: int) -> str:
    query = urlencode({**values, PAGE: str(page)})
    return url_for("api.answer_view", name=view.name, _external=True) + "?" + query


def _item(row: dict[str, dict[str, str]], variables: list[str]) -> dict[str, Any]:
    """One row as plain values; an IRI with its label, from the ``?xLabel`` column if any."""
    item: dict[str, Any] = {}
    for name in variables:
        if name.endswith("Label") and name[: -len("Label")] in variables:
            continue
        term = row.get(name)
        if term is None:
            item[name] = None
        elif term["type"] == "uri":
            label = row.get(name + "Label")
            item[name] = {"id": term["value"], "label": label["value"] if label else None}
        else:
            item[name] = _value(term)
    return item


def _value(term: dict[str, str]) -> Any:
    datatype = term.get("datatype", "").rsplit("#", 1)[-1]
    if datatype in NUMBERS:
        number = float(term["value"])
        return int(number) if number.is_integer() and datatype != "double" else number
    return term["value"]


def _summary(view: CannedQuery) -> dict[str, Any]:
    return {
        "name": view.name,
        "title": view.title,
        "description": view.description,
        "tags": list(view.tags),
        "visualisation": view.visualisation,
        "pagination": view.pagination,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "description": p.description,
                "required": p.required,
                "default": p.default,
                "example": p.example,
                "class": p.of_class,
                "values": list(p.values) or None,
                "scheme": p.scheme,
            }
            for p in view.parameters
        ],
        "links": {
            "answer": url_for("api.answer_view", name=view.name, _external=True),
            "sparql": url_for("api.view_sparql", name=view.name, _external=True),
            "query_page": url_for("sparql.endpoint", _external=True)
            + "?"
            + urlencode({"query": view.sparql}),
        },
    }


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """An OpenAPI 3.1 description of every view, generated from the view files' headers."""
    app = state()
    entities = app.settings.base_iri + "id/"
    schemes = {
        p.scheme: [iri.removeprefix(entities) for iri in scheme_concepts(app, p.scheme)]
        for view in app.catalogue
        for p in view.parameters
        if p.scheme
    }
    views_url = url_for("api.list_views", _external=True)
    document = openapi_document(app.catalogue, views_url, schemes)
    document["paths"].update(current_app.extensions.get(OPENAPI_PATHS, {}))
    return Response(json.dumps(document, indent=1), mimetype=API_JSON.media_type)


SCHEMAS: dict[str, dict[str, Any]] = {
    "iri": {
        "type": "string",
        "description": "An IRI of this library, or the rest of it after id/.",
    },
    "string": {"type": "string", "maxLength": 200},
    "integer": {"type": "integer"},
    "year": {"type": "string", "pattern": "^[0-9]{4}$"},
}


def openapi_document(
    views: tuple[CannedQuery, ...], views_url: str, schemes: Mapping[str, list[str]]
) -> dict[str, Any]:
    """OpenAPI 3.1 for ``views``; a parameter from a concept scheme lists its concepts."""
    server = views_url.removesuffix("/api/views")
    paths: dict[str, Any] = {
        "/api/views": {
            "get": {
                "operationId": "listViews",
                "summary": "The views, with their parameters and links",
                "responses": {"200": {"description": "The list of views"}},
            }
        }
    }
    for view in views:
        parameters = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "description": p.description,
                "schema": {
                    **SCHEMAS[p.type],
                    **({"default": p.default} if p.default else {}),
                    **({"enum": list(p.values)} if p.values else {}),
                    **({"enum": schemes[p.scheme]} if p.scheme else {}),
                },
                **({"example": p.example} if p.example else {}),
            }
            for p in view.parameters
        ]
        if view.pagination:
            parameters.append(
                {"name": PAGE, "in": "query", "schema": {"type": "integer", "minimum": 1}}
            )
        parameters.append(
            {
                "name": "format",
                "in": "query",
                "description": "json (items), csv, tsv, xml or srj (SPARQL JSON results)",
                "schema": {"type": "string", "enum": ["json", "csv", "tsv", "xml", "srj"]},
            }
        )
        paths[f"/api/views/{view.name}"] = {
            "get": {
                "operationId": view.name,
                "summary": view.title,
                "description": view.description,
                "tags": list(view.tags),
                "parameters": parameters,
                "responses": {
                    "200": {
                        "description": "The view's answer",
                        "content": {f.media_type: {} for f in API_FORMATS},
                    },
                    "400": {"description": "A parameter value that does not fit its type"},
                    "406": {"description": "None of the accepted formats is offered"},
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Belong Network Library views", "version": "1"},
        "servers": [{"url": server}],
        "paths": paths,
    }
