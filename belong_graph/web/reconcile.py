"""A W3C Reconciliation Service API 0.2 at /reconcile, as OpenRefine asks it.

GET with no query answers the manifest; ``queries`` (a JSON batch, by POST form or GET) answers
each query's candidates (see ``reconcile_match``); ``extend`` the matched entities' identifiers
(see ``reconcile_extend``). Also entity suggest, preview and the property proposal. An entity's
id is its path below ``id/`` (``organisation/university-of-kent``). JSONP by ``callback``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask.sansio.blueprints import BlueprintSetupState

from belong_graph.errors import ParameterError, UnknownEntity
from belong_graph.publish import completions
from belong_graph.web.api import OPENAPI_PATHS
from belong_graph.web.reconcile_extend import extended, parse_extension
from belong_graph.web.reconcile_match import (
    BATCH_SIZE,
    PROPERTIES,
    TYPES,
    Candidate,
    Query,
    candidates,
)
from belong_graph.web.state import state
from belong_graph.web.urls import addresses

blueprint = Blueprint("reconcile", __name__)

NAME = "The Belong Network Library"
SUGGESTED = 10  # entities the autocompleter is offered at a time
LIMIT = 10  # candidates of a query that names no limit
MOST = 50  # candidates a query may ask for
MARGIN = 5.0  # points by which a match must lead the next candidate
CALLBACK = re.compile(r"[A-Za-z_$][\w$.]*")


@blueprint.record_once
def _install(setup: BlueprintSetupState) -> None:
    setup.app.extensions.setdefault(OPENAPI_PATHS, {}).update(reconcile_paths())


@blueprint.route("/reconcile", methods=["GET", "POST"])
def reconcile() -> Response:
    """The manifest, or the candidates of the ``queries`` batch."""
    callback = _callback(request.values.get("callback"))
    batch = request.values.get("queries")
    if (extension := request.values.get("extend")) is not None:
        return _answer(extended(parse_extension(extension)), callback)
    if batch is None:
        return _answer(manifest(), callback)
    queries = parse_batch(batch)
    return _answer({key: {"result": _result(query)} for key, query in queries.items()}, callback)


@blueprint.get("/reconcile/suggest/entity")
def suggest() -> Response:
    """Entities for OpenRefine's autocompleter: those whose label has a word that begins with
    ``prefix`` (or whose id begins with it), ``SUGGESTED`` at a time from ``cursor``."""
    callback = _callback(request.args.get("callback"))
    prefix = request.args.get("prefix", "").strip()
    if not prefix:
        raise ParameterError("The 'prefix' parameter is missing.", parameter="prefix")
    cursor = request.args.get("cursor", "0")
    if not cursor.isdigit():
        raise ParameterError("'cursor' must be a whole number.", parameter="cursor")
    app = state()
    ids = app.settings.base_iri + "id/"
    typed = ids + prefix if prefix.partition("/")[0] in TYPES else prefix
    found = completions.complete(
        app.pool.source.directory / completions.INDEX_FILE, "entity", typed
    )
    ours = [
        c for c in found if c.iri[len(ids) :].partition("/")[0] in TYPES and c.iri.startswith(ids)
    ]
    start = int(cursor)
    result = [
        {"id": key, "name": c.label or key, "notable": [_type(key)]}
        for c in ours[start : start + SUGGESTED]
        for key in [c.iri[len(ids) :]]
    ]
    return _answer({"result": result}, callback)


@blueprint.get("/reconcile/preview")
def preview() -> Response:
    """A small HTML card of the entity ``id``, for OpenRefine's preview iframe."""
    app = state()
    key = request.args.get("id", "")
    ids = app.settings.base_iri + "id/"
    known = completions.complete(
        app.pool.source.directory / completions.INDEX_FILE, "entity", ids + key, limit=1
    )
    if key.partition("/")[0] not in TYPES or not known or known[0].iri != ids + key:
        raise UnknownEntity(f"This library has no entity {key!r} to preview.", parameter="id")
    page = render_template(
        "reconcile_preview.html",
        name=known[0].label or key,
        kind=_type(key)["name"],
        url=addresses().url("id/" + key),
    )
    return Response(page, mimetype="text/html")


@blueprint.get("/reconcile/properties")
def propose() -> Response:
    """The properties data extension offers for a ``type``: the identifiers."""
    callback = _callback(request.args.get("callback"))
    kind = request.args.get("type", "")
    if kind not in TYPES:
        raise ParameterError(f"'type' must be one of {', '.join(TYPES)}.", parameter="type")
    offered = [{"id": pid, "name": name} for pid, (name, _, _) in PROPERTIES.items()]
    return _answer({"type": kind, "properties": offered}, callback)


def _type(key: str) -> dict[str, str]:
    """The type of the entity ``key`` (``organisation/belong``) as the API writes it."""
    kind = key.partition("/")[0]
    return {"id": kind, "name": TYPES[kind]}


def manifest() -> dict[str, Any]:
    """The service's manifest: its name, spaces, types and where an entity is shown."""
    where = addresses()
    return {
        "versions": ["0.2"],
        "name": NAME,
        "identifierSpace": where.base + "id/",
        "schemaSpace": "http://schema.org/",
        "defaultTypes": [{"id": key, "name": name} for key, name in TYPES.items()],
        "view": {"url": where.url("id/{{id}}")},
        "preview": {"url": where.url("reconcile/preview?id={{id}}"), "width": 400, "height": 90},
        "extend": {
            "propose_properties": {
                "service_url": where.url("").rstrip("/"),
                "service_path": "/reconcile/properties",
            }
        },
        "suggest": {
            "entity": {
                "service_url": where.url("").rstrip("/"),
                "service_path": "/reconcile/suggest/entity",
            }
        },
        "documentation": where.url("api/#/reconcile"),
        "batchSize": BATCH_SIZE,
    }


def parse_batch(text: str) -> dict[str, Query]:
    """The queries of a batch ``{"q0": {"query", "type"?, "limit"?}, ...}``, or a 400."""
    try:
        batch = json.loads(text)
    except ValueError as error:
        raise ParameterError(f"'queries' is not JSON: {error}.", parameter="queries") from error
    if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
        raise ParameterError(
            "'queries' must be a JSON object of queries, such as "
            '{"q0": {"query": "University of Kent"}}.',
            parameter="queries",
        )
    if len(batch) > BATCH_SIZE:
        raise ParameterError(f"A batch holds at most {BATCH_SIZE} queries.", parameter="queries")
    return {key: _query(key, query) for key, query in batch.items()}


def _query(key: str, query: dict[str, Any]) -> Query:
    text = query.get("query", "")
    identifiers = _identifiers(key, query.get("properties", []))
    if not isinstance(text, str) or not (text.strip() or identifiers):
        raise ParameterError(
            f"Query {key!r} has neither 'query' text nor 'properties'.", parameter="queries"
        )
    named = query.get("type", list(TYPES))
    types = [named] if isinstance(named, str) else named
    if not isinstance(types, list) or not all(t in TYPES for t in types):
        raise ParameterError(
            f"Query {key!r}: 'type' must be one or more of {', '.join(TYPES)}.",
            parameter="queries",
        )
    limit = query.get("limit", LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MOST:
        raise ParameterError(
            f"Query {key!r}: 'limit' must be a whole number from 1 to {MOST}.",
            parameter="queries",
        )
    return Query(text.strip(), tuple(types) or tuple(TYPES), limit, identifiers)


def _identifiers(key: str, constraints: Any) -> tuple[tuple[str, str], ...]:
    """The (property, value) pairs of a query's ``properties``: ``[{"pid", "v"}]``, where ``v``
    is a string, a number, an ``{"id"}`` or a list of them."""
    found: list[tuple[str, str]] = []
    for constraint in constraints if isinstance(constraints, list) else [None]:
        if not isinstance(constraint, dict) or constraint.get("pid") not in PROPERTIES:
            raise ParameterError(
                f"Query {key!r}: each property must be {{'pid', 'v'}} with a pid among "
                f"{', '.join(PROPERTIES)}.",
                parameter="queries",
            )
        pid, given = constraint["pid"], constraint.get("v")
        for value in given if isinstance(given, list) else [given]:
            value = value.get("id") if isinstance(value, dict) else value
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise ParameterError(
                    f"Query {key!r}: a value of {pid!r} must be a string, a number or an id.",
                    parameter="queries",
                )
            found.append((pid, _bare(pid, str(value).strip())))
    return tuple(found)


def _bare(pid: str, value: str) -> str:
    """An identifier as the data writes it: ``https://ror.org/0281jqk77`` is ``0281jqk77``."""
    for prefix in PROPERTIES[pid][2]:
        value = value.removeprefix(prefix)
    return value


def _result(query: Query) -> list[dict[str, Any]]:
    """The candidates as the API writes them; ``match`` only on the first, when its name is the
    query's and it leads the next by :data:`MARGIN`."""
    found = candidates(query)
    result = []
    for place, candidate in enumerate(found):
        result.append(
            {
                "id": candidate.id,
                "name": candidate.name,
                "type": [_type(candidate.id)],
                "score": candidate.score,
                "match": place == 0 and _unambiguous(found),
                "features": [
                    {"id": "name_similarity", "value": candidate.score},
                    {"id": "identifier_match", "value": candidate.identified},
                ],
            }
        )
    return result


def _unambiguous(found: list[Candidate]) -> bool:
    first, rest = found[0], found[1:]
    return first.exact and (not rest or rest[0].score <= first.score - MARGIN)


def _callback(name: str | None) -> str | None:
    if name is not None and not CALLBACK.fullmatch(name):
        raise ParameterError(
            "'callback' must be a JavaScript name (letters, digits, _, $ and dots).",
            parameter="callback",
        )
    return name


def _answer(document: dict[str, Any], callback: str | None) -> Response:
    """``document`` as JSON, or as a JSONP call of ``callback``."""
    if callback is None:
        return jsonify(document)
    body = f"/**/{callback}({json.dumps(document)});"
    response = Response(body, mimetype="text/javascript")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def reconcile_paths() -> dict[str, Any]:
    """The service, for the OpenAPI document of ``/api/openapi.json``; the examples are the
    seed documents' names."""
    batch = '{"q0": {"query": "Kent University", "type": "organisation", "limit": 3}}'
    extension = {"ids": ["organisation/nuffield-foundation"], "properties": [{"id": "ror"}]}
    callback = _parameter("callback", "A JavaScript function to call with the answer (JSONP).")
    callback["schema"]["pattern"] = CALLBACK.pattern
    parameters = [
        _parameter("queries", "A JSON batch of queries (without it: the manifest).", batch),
        _parameter("extend", "A JSON data extension request.", json.dumps(extension)),
        callback,
    ]
    answer = {
        "200": {
            "description": "The manifest, each query's candidates (scores 0-100) or the values",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "400": {"description": "A malformed batch, an unknown type or a bad callback"},
    }
    form = {"type": "object", "properties": {"queries": {"type": "string", "example": batch}}}
    summary = "W3C Reconciliation API 0.2 (OpenRefine)"
    prefix = _parameter(
        "prefix", "The start of a word of a name, or of an id.", "nuff", required=True
    )
    cursor = {"name": "cursor", "in": "query", "schema": {"type": "integer", "minimum": 0}}
    entity = _parameter(
        "id", "An entity's id (below id/).", "organisation/nuffield-foundation", required=True
    )
    kind = _parameter("type", f"One of {', '.join(TYPES)}.", "organisation", required=True)
    return {
        "/reconcile": {
            "get": {"summary": summary, "parameters": parameters, "responses": answer},
            "post": {
                "summary": summary,
                "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": form}}},
                "responses": answer,
            },
        },
        "/reconcile/suggest/entity": {
            "get": {
                "summary": "Entities whose name or id begins with a prefix (OpenRefine)",
                "parameters": [prefix, cursor, callback],
                "responses": {"200": {"description": "{result: [{id, name, notable}]}"}},
            }
        },
        "/reconcile/properties": {
            "get": {
                "summary": "The properties data extension offers for a type",
                "parameters": [kind, callback],
                "responses": {"200": {"description": "{type, properties: [{id, name}]}"}},
            }
        },
        "/reconcile/preview": {
            "get": {
                "summary": "An entity's card for OpenRefine's preview",
                "parameters": [entity],
                "responses": {
                    "200": {"description": "HTML", "content": {"text/html": {}}},
                    "404": {"description": "No such entity"},
                },
            }
        },
    }


def _parameter(
    name: str, description: str, example: str | None = None, *, required: bool = False
) -> dict[str, Any]:
    """A string query parameter of the service, with its example."""
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": "string"},
    }
    if example is not None:
        parameter["example"] = example
    if required:
        parameter["required"] = True
    return parameter
