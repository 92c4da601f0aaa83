"""The canned query views as a JSON API: ``/api/views`` lists them, ``/api/views/<name>`` answers
one with its parameters bound, as items with labels and links, or in any SPARQL results format.

An answer's JSON shape is stable: ``items`` holds one object per row, where a variable ``?x``
that is an IRI becomes ``{"id": IRI, "label": ...}`` (the label from a ``?xLabel`` column when
the view has one, else from a ``?xName`` column, which stays in the item too) and any other value
its plain text or number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for

from belong_graph.catalogue import PAGE, CannedQuery
from belong_graph.errors import NotAcceptable
from belong_graph.formats import API_FORMATS, JSON, Format, parameter_names
from belong_graph.sparql.answer import Answer
from belong_graph.sparql.results import read_json
from belong_graph.web.caching import add_validators, etag_for, unchanged
from belong_graph.web.errors import problem_types
from belong_graph.web.negotiation import check_format_name, negotiate
from belong_graph.web.querying import (
    page_items,
    scheme_concepts,
    view_answer,
    view_job,
    view_named,
    view_page,
)
from belong_graph.web.state import state

blueprint = Blueprint("api", __name__, url_prefix="/api")

OPENAPI_PATHS = "belong_graph.openapi_paths"  # other blueprints' API paths, by the app


@blueprint.get("/")
def reference() -> Response:
    """The API's reference page for people: every view, its parameters and example links."""
    app = state()
    examples = {
        view.name: url_for("api.answer_view", **_example_values(view)) for view in app.catalogue
    }
    page = render_template(
        "api.html", views=app.catalogue, examples=examples, problem_types=problem_types()
    )
    return Response(page, mimetype="text/html")


def _example_values(view: CannedQuery) -> dict[str, Any]:
    """URL values for trying ``view``: its name and its documented examples, as the query
    page's examples take them."""
    return {"name": view.name, **view.example_values()}


@blueprint.get("/views")
def list_views() -> Response:
    app = state()
    views = [_summary(view) for view in app.catalogue]
    return Response(json.dumps({"views": views}, indent=1), mimetype=JSON.media_type)


@blueprint.get("/views/<name>")
def answer_view(name: str) -> Response:
    app = state()
    view = view_named(app, name)
    named = request.args.get("format")
    check_format_name(named, API_FORMATS)
    fmt = _api_format(named)
    values = {k: v for k, v in request.args.items() if k != "format"}
    job = view_job(app, view, values, fmt.name)  # items are read from SPARQL JSON
    etag = etag_for(app.version, job, fmt.media_type)  # items and SPARQL JSON share a name
    if (held := unchanged(app.version, etag, app.settings.cache_max_age)) is not None:
        return held
    answer = view_answer(app, view, values, job, etag)
    response = _view_response(view, values, answer, fmt)
    return add_validators(response, app.version, etag, app.settings.cache_max_age)


def _api_format(named: str | None) -> Format:
    fmt = negotiate(API_FORMATS, named)
    if fmt is None:
        offered = ", ".join(f.media_type for f in API_FORMATS)
        raise NotAcceptable(f"A view answers as one of: {offered}.")
    return fmt


def _view_response(
    view: CannedQuery, values: dict[str, str], answer: Answer, fmt: Format
) -> Response:
    """The answer in ``fmt``; a paged view drops its look-ahead row and links the next page."""
    page = view_page(view, values)
    more = view.has_next(answer.count)
    next_url = _page_url(view, values, page + 1) if more else None
    if fmt is JSON:
        body = {
            "view": view.name,
            "title": view.title,
            "parameters": {k: v for k, v in values.items() if k != PAGE},
            "page": page if view.pagination else None,
            "next": next_url,
            "truncated": answer.truncated,
            "items": page_items(view, read_json(answer.body)),
            "sparql": url_for("api.view_sparql", name=view.name, _external=True),
        }
        response = Response(json.dumps(body, indent=1), mimetype=JSON.media_type)
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
    return Response(json.dumps(document, indent=1), mimetype=JSON.media_type)


SCHEMAS: dict[str, dict[str, Any]] = {
    "iri": {
        "type": "string",
        "description": "An IRI of this library, or the rest of it after id/.",
    },
    "string": {"type": "string", "maxLength": 200},
    "integer": {"type": "integer"},
    "year": {"type": "string", "pattern": "^[0-9]{4}$"},
    "words": {"type": "string", "maxLength": 200},
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
                "schema": {"type": "string", "enum": parameter_names(API_FORMATS)},
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
