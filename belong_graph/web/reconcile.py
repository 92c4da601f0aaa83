"""A W3C Reconciliation Service API 0.2 at /reconcile, as OpenRefine asks it.

GET with no query answers the manifest; ``queries`` (a JSON batch, by POST form or GET) answers
each query's candidates (see ``reconcile_match``); ``extend`` what the library holds of the
matched entities (see ``reconcile_extend``). Also suggest (entities, types, properties),
preview and the property proposal. An entity's id is its path below ``id/``
(``organisation/university-of-kent``). JSONP by ``callback``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask.sansio.blueprints import BlueprintSetupState

from belong_graph import __version__
from belong_graph.errors import ParameterError, UnknownEntity
from belong_graph.publish import completions
from belong_graph.web.api import OPENAPI_PATHS
from belong_graph.web.caching import add_validators, etag_for, unchanged
from belong_graph.web.reconcile_extend import (
    EXTENSIONS,
    descriptions,
    extended,
    parse_extension,
    proposed,
)
from belong_graph.web.reconcile_match import (
    BATCH_SIZE,
    PROPERTIES,
    STRICTNESS,
    TYPES,
    Candidate,
    Query,
    candidates,
    type_of,
)
from belong_graph.web.reconcile_openapi import CALLBACK, reconcile_paths
from belong_graph.web.state import state
from belong_graph.web.urls import addresses

blueprint = Blueprint("reconcile", __name__)

NAME = "The Belong Network Library"
SUGGESTED = 10  # entities the autocompleter is offered at a time
LIMIT = 10  # candidates of a query that names no limit
MOST = 50  # candidates a query may ask for
MARGIN = 5.0  # points by which a match must lead the next candidate
TYPE_DESCRIPTIONS = {
    "organisation": "A charity, university, government body, network, funder or team",
    "person": "An author or contributor of a resource, or someone named in an initiative",
    "resource": "A report, toolkit, guide, evaluation, webinar or website of the library",
    "initiative": "A research project, programme, review or engagement",
    "place": "A country, region or town the resources are about",
}


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
        return _manifest(callback)
    queries = parse_batch(batch)
    found = {key: candidates(query) for key, query in queries.items()}
    described = descriptions(state(), {c.id for listed in found.values() for c in listed})
    return _answer(
        {key: {"result": _result(listed, described)} for key, listed in found.items()}, callback
    )


def _manifest(callback: str | None) -> Response:
    """The manifest, with validators from the dataset version and the address it is served at."""
    app = state()
    etag = etag_for(app.version, "reconcile", addresses().public, callback, __version__)
    if (held := unchanged(app.version, etag, app.settings.cache_max_age)) is not None:
        return held
    response = _answer(manifest(), callback)
    return add_validators(response, app.version, etag, app.settings.cache_max_age)


@blueprint.get("/reconcile/suggest/entity")
def suggest() -> Response:
    """Entities for OpenRefine's autocompleter: those whose label has a word that begins with
    ``prefix``, then those whose other names have (or those whose id begins with it),
    ``SUGGESTED`` at a time from ``cursor``."""
    callback = _callback(request.args.get("callback"))
    prefix = request.args.get("prefix", "").strip()
    if not prefix:
        raise ParameterError("The 'prefix' parameter is missing.", parameter="prefix")
    cursor = request.args.get("cursor", "0")
    if not cursor.isdigit():
        raise ParameterError("'cursor' must be a whole number.", parameter="cursor")
    app = state()
    ids = app.settings.base_iri + "id/"
    index = app.pool.source.directory / completions.INDEX_FILE
    if type_of(prefix) is not None:
        found = completions.complete(index, "entity", ids + prefix)
    else:
        found = completions.complete(index, "entity", prefix)
        found += completions.entities_named(index, prefix)
    ours = [c for c in found if c.iri.startswith(ids) and type_of(c.iri[len(ids) :]) is not None]
    ours = list({c.iri: c for c in ours}.values())  # each once, where it came first
    start = int(cursor)
    shown = {c.iri[len(ids) :]: c.label for c in ours[start : start + SUGGESTED]}
    described = descriptions(app, set(shown))
    result = [
        {"id": key, "name": label or key, "description": described[key], "notable": [_type(key)]}
        for key, label in shown.items()
    ]
    return _answer({"result": result}, callback)


@blueprint.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    """The types whose id, or a word of whose name, begins with ``prefix`` (all without one)."""
    callback = _callback(request.args.get("callback"))
    prefix = request.args.get("prefix", "")
    result = [
        {"id": key, "name": name, "description": TYPE_DESCRIPTIONS[key]}
        for key, name in TYPES.items()
        if _begins(prefix, key, name)
    ]
    return _answer({"result": result}, callback)


@blueprint.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    """The properties (of a ``type``, if given) whose id, or a word of whose name, begins with
    ``prefix``: the identifiers, which queries match, and the facts data extension gives."""
    callback = _callback(request.args.get("callback"))
    prefix, kind = request.args.get("prefix", ""), request.args.get("type")
    if kind is not None and kind not in TYPES:
        raise ParameterError(f"'type' must be one of {', '.join(TYPES)}.", parameter="type")
    result = [
        {
            "id": pid,
            "name": name,
            "description": "An identifier: matches candidates and extends data"
            if pid in PROPERTIES
            else "Extends data",
        }
        for pid, (name, kinds) in EXTENSIONS.items()
        if (kind is None or kind in kinds) and _begins(prefix, pid, name)
    ]
    return _answer({"result": result}, callback)


def _begins(prefix: str, key: str, name: str) -> bool:
    """Whether ``prefix`` begins the id ``key`` or a word of ``name``, whatever the case."""
    typed = prefix.strip().lower()
    return key.startswith(typed) or any(w.startswith(typed) for w in name.lower().split())


@blueprint.get("/reconcile/preview")
def preview() -> Response:
    """A small HTML card of the entity ``id``, for OpenRefine's preview iframe."""
    key, name = _known(request.args.get("id", ""))
    page = render_template(
        "reconcile_preview.html",
        name=name,
        description=descriptions(state(), {key})[key],
        url=addresses().url("id/" + key),
    )
    return Response(page, mimetype="text/html")


def _known(key: str) -> tuple[str, str]:
    """The entity ``key`` and its name, or a 404."""
    app = state()
    ids = app.settings.base_iri + "id/"
    known = completions.complete(
        app.pool.source.directory / completions.INDEX_FILE, "entity", ids + key, limit=1
    )
    if type_of(key) is None or not known or known[0].iri != ids + key:
        raise UnknownEntity(f"This library has no entity {key!r}.", parameter="id")
    return key, known[0].label or key


@blueprint.get("/reconcile/properties")
def propose() -> Response:
    """The properties data extension offers for a ``type``: those that apply to it, the first
    ``limit`` where one is given."""
    callback = _callback(request.args.get("callback"))
    kind = request.args.get("type", "")
    if kind not in TYPES:
        raise ParameterError(f"'type' must be one of {', '.join(TYPES)}.", parameter="type")
    answer: dict[str, Any] = {"type": kind, "properties": proposed(kind)}
    if (limit := request.args.get("limit")) is not None:
        if not limit.isdigit() or int(limit) < 1:
            raise ParameterError("'limit' must be a whole number from 1.", parameter="limit")
        answer |= {"limit": int(limit), "properties": answer["properties"][: int(limit)]}
    return _answer(answer, callback)


def _type(key: str) -> dict[str, str]:
    """The type of the entity ``key`` (``organisation/belong``) as the API writes it."""
    kind = type_of(key) or ""
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
            },
            "type": {
                "service_url": where.url("").rstrip("/"),
                "service_path": "/reconcile/suggest/type",
            },
            "property": {
                "service_url": where.url("").rstrip("/"),
                "service_path": "/reconcile/suggest/property",
            },
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
    strictness = query.get("type_strict", "any")
    if strictness not in STRICTNESS:
        raise ParameterError(
            f"Query {key!r}: 'type_strict' must be {', '.join(STRICTNESS)}, not {strictness!r}.",
            parameter="queries",
        )
    return Query(text.strip(), tuple(types) or tuple(TYPES), limit, identifiers, strictness)


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


def _result(found: list[Candidate], described: dict[str, str]) -> list[dict[str, Any]]:
    """The candidates as the API writes them; ``match`` only on the first, when its name is the
    query's and it leads the next by :data:`MARGIN`."""
    result = []
    for place, candidate in enumerate(found):
        result.append(
            {
                "id": candidate.id,
                "name": candidate.name,
                "description": described[candidate.id],
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
