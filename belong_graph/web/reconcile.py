"""A W3C Reconciliation Service API 0.2 at /reconcile, as OpenRefine asks it.

GET with no query answers the manifest; ``queries`` (a JSON batch, by POST form or GET) answers
each query's candidates. The candidates are the entities whose label shares a word with the
query in the build's completions index, scored by rapidfuzz (0-100). An entity's id is its path
below ``id/`` (``organisation/university-of-kent``). JSONP by a ``callback`` parameter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask.sansio.blueprints import BlueprintSetupState
from rapidfuzz import fuzz, utils

from belong_graph.errors import ParameterError, UnknownEntity
from belong_graph.publish import completions
from belong_graph.sparql.answer import Job
from belong_graph.sparql.results import read_json
from belong_graph.web.api import OPENAPI_PATHS
from belong_graph.web.caching import etag_for
from belong_graph.web.querying import cached_answer
from belong_graph.web.state import AppState, state
from belong_graph.web.urls import addresses

blueprint = Blueprint("reconcile", __name__)

TYPES = {  # the types a query may name: the first part of an id
    "organisation": "Organisation",
    "person": "Person",
    "resource": "Resource",
    "initiative": "Initiative",
    "place": "Place",
}
NAME = "The Belong Network Library"
BATCH_SIZE = 50  # queries in one request
SUGGESTED = 10  # entities the autocompleter is offered at a time
LIMIT = 10  # candidates of a query that names no limit
MOST = 50  # candidates a query may ask for
SHORTLIST = 200  # entities of the index rescored for one query
MARGIN = 5.0  # points by which a match must lead the next candidate
CALLBACK = re.compile(r"[A-Za-z_$][\w$.]*")
PROPERTIES = {  # the identifiers a query may give: their scheme in the data, and prefixes to drop
    "ror": ("ROR ID", "ror", ("https://ror.org/",)),
    "wikidata": ("Wikidata QID", "wikidata", ("http://www.wikidata.org/entity/",)),
    "charity_number": ("Registered charity number", "charity-number", ("GB-CHC-",)),
}
IDENTIFIED = """PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?entity ?name WHERE {
  VALUES (?scheme ?value) { %s }
  ?entity schema:identifier [ schema:propertyID ?scheme ; schema:value ?value ] .
  OPTIONAL { ?entity schema:name ?name }
}"""
EXTENDED = """PREFIX schema: <http://schema.org/>
SELECT ?entity ?scheme ?value WHERE {
  VALUES ?entity { %s }
  VALUES ?scheme { %s }
  ?entity schema:identifier [ schema:propertyID ?scheme ; schema:value ?value ] .
} ORDER BY ?entity ?scheme ?value"""
ID = re.compile(r"[a-z]+/[A-Za-z0-9._~-]+")  # an entity's path below id/
STOP_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})


@dataclass(frozen=True)
class Query:
    """One query of a batch: the name sought, the types it may have and how many to answer."""

    text: str
    types: tuple[str, ...]
    limit: int
    identifiers: tuple[tuple[str, str], ...] = ()  # (property, value)


@dataclass(frozen=True)
class Candidate:
    """An entity that may be the one sought, with its score of 0-100."""

    id: str
    name: str
    score: float
    exact: bool
    identified: bool = False


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


@dataclass(frozen=True)
class Extension:
    """A data extension request: the entities and the properties asked of each."""

    ids: tuple[str, ...]
    properties: tuple[str, ...]


def parse_extension(text: str) -> Extension:
    """The ids and properties of ``{"ids": [...], "properties": [{"id"}]}``, or a 400."""
    try:
        asked = json.loads(text)
    except ValueError as error:
        raise ParameterError(f"'extend' is not JSON: {error}.", parameter="extend") from error
    ids = asked.get("ids") if isinstance(asked, dict) else None
    wanted = asked.get("properties") if isinstance(asked, dict) else None
    if (
        not isinstance(ids, list)
        or not all(isinstance(i, str) and ID.fullmatch(i) for i in ids)
        or not isinstance(wanted, list)
        or not all(isinstance(w, dict) and w.get("id") in PROPERTIES for w in wanted)
    ):
        raise ParameterError(
            '\'extend\' must be {"ids": [entity ids], "properties": [{"id"}]} with '
            f"properties among {', '.join(PROPERTIES)}.",
            parameter="extend",
        )
    if len(ids) > BATCH_SIZE:
        raise ParameterError(f"'extend' takes at most {BATCH_SIZE} ids.", parameter="extend")
    return Extension(tuple(ids), tuple(w["id"] for w in wanted))


def extended(extension: Extension) -> dict[str, Any]:
    """Each entity's values of each property asked (an identifier as a string)."""
    app = state()
    ids = app.settings.base_iri + "id/"
    rows: dict[str, dict[str, list[dict[str, str]]]] = {
        key: {pid: [] for pid in extension.properties} for key in extension.ids
    }
    if extension.ids and extension.properties:
        schemes = {
            ids + "identifier-scheme/" + PROPERTIES[pid][1]: pid for pid in extension.properties
        }
        query = EXTENDED % (
            " ".join(f"<{ids}{key}>" for key in extension.ids),
            " ".join(f"<{scheme}>" for scheme in schemes),
        )
        job = Job(query, "json", None, app.settings.result_limit)
        for row in read_json(cached_answer(app, job, etag_for(app.version, job)).body):
            pid = schemes[row["scheme"].value]
            rows[row["entity"].value[len(ids) :]][pid].append({"str": row["value"].value})
    meta = [{"id": pid, "name": PROPERTIES[pid][0]} for pid in extension.properties]
    return {"meta": meta, "rows": rows}


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


def candidates(query: Query) -> list[Candidate]:
    """The entities of ``query``'s types whose label is nearest the text, best first (ties by
    name)."""
    app = state()
    index = app.pool.source.directory / completions.INDEX_FILE
    ids = app.settings.base_iri + "id/"
    sought = words(query.text)
    found = _identified(app, ids, query) + _named(index, ids, query)
    for kind in query.types if query.text else ():
        labels = completions.entities_with_words(index, sought, f"{ids}{kind}/", limit=SHORTLIST)
        for iri, label in labels.items():
            name = words(label)
            score = round(fuzz.WRatio(sought, name, processor=None), 1)
            if all(iri[len(ids) :] != c.id for c in found):  # an identified one comes once
                found.append(Candidate(iri[len(ids) :], label, score, name == sought))
    found.sort(key=lambda c: (-c.score, not c.exact, not words(c.name).startswith(sought), c.name))
    return found[: query.limit]


def _identified(app: AppState, ids: str, query: Query) -> list[Candidate]:
    """The entities of the query's types that carry any of its identifiers."""
    if not query.identifiers:
        return []
    schemes = ids + "identifier-scheme/"
    pairs = " ".join(
        f"(<{schemes}{PROPERTIES[pid][1]}> {json.dumps(value)})" for pid, value in query.identifiers
    )
    job = Job(IDENTIFIED % pairs, "json", None, app.settings.result_limit)
    rows = read_json(cached_answer(app, job, etag_for(app.version, job)).body)
    found = {row["entity"].value[len(ids) :]: row.get("name") for row in rows}
    return [
        Candidate(key, name.value if name else key, 100.0, True, identified=True)
        for key, name in sorted(found.items())
        if key.partition("/")[0] in query.types
    ]


def _named(index: Path, ids: str, query: Query) -> list[Candidate]:
    """The entity whose id (or IRI, canonical or as served) is the query's text, if any."""
    text = query.text
    for space in (ids, addresses().url("id/")):
        text = text.removeprefix(space)
    if not text or text.partition("/")[0] not in query.types:
        return []
    known = completions.complete(index, "entity", ids + text, limit=1)
    return [Candidate(text, c.label or text, 100.0, True) for c in known if c.iri == ids + text]


def words(text: str) -> str:
    """``text`` as it is compared: lower case, without punctuation or words such as "of" (which
    would make any two names that share them alike), unless it has no others."""
    kept = utils.default_process(text).split()
    return " ".join([w for w in kept if w not in STOP_WORDS] or kept)


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
    """The service, for the OpenAPI document of ``/api/openapi.json``."""
    batch = '{"q0": {"query": "Kent University", "type": "organisation", "limit": 3}}'
    parameters = [
        {
            "name": "queries",
            "in": "query",
            "description": "A JSON batch of queries (without it: the manifest).",
            "schema": {"type": "string"},
            "example": batch,
        },
        {
            "name": "extend",
            "in": "query",
            "description": "A JSON data extension request: ids and the identifiers wanted.",
            "schema": {"type": "string"},
            "example": json.dumps(
                {"ids": ["organisation/nuffield-foundation"], "properties": [{"id": "ror"}]}
            ),
        },
        {
            "name": "callback",
            "in": "query",
            "description": "A JavaScript function to call with the answer (JSONP).",
            "schema": {"type": "string", "pattern": CALLBACK.pattern},
        },
    ]
    answer = {
        "200": {
            "description": "The manifest, each query's candidates (scores 0-100) or the values",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "400": {"description": "A malformed batch, an unknown type or a bad callback"},
    }
    form = {
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"queries": {"type": "string", "example": batch}},
                }
            }
        }
    }
    summary = "W3C Reconciliation API 0.2 (OpenRefine)"
    prefix = {
        "name": "prefix",
        "in": "query",
        "required": True,
        "description": "The start of a word of a name, or of an id.",
        "schema": {"type": "string"},
        "example": "nuff",
    }
    cursor = {"name": "cursor", "in": "query", "schema": {"type": "integer", "minimum": 0}}
    entity = {
        "name": "id",
        "in": "query",
        "required": True,
        "description": "An entity's id (its path below id/).",
        "schema": {"type": "string"},
        "example": "organisation/nuffield-foundation",
    }
    return {
        "/reconcile": {
            "get": {"summary": summary, "parameters": parameters, "responses": answer},
            "post": {"summary": summary, "requestBody": form, "responses": answer},
        },
        "/reconcile/suggest/entity": {
            "get": {
                "summary": "Entities whose name or id begins with a prefix (OpenRefine)",
                "parameters": [prefix, cursor, parameters[-1]],
                "responses": {"200": {"description": "{result: [{id, name, notable}]}"}},
            }
        },
        "/reconcile/properties": {
            "get": {
                "summary": "The properties data extension offers for a type",
                "parameters": [
                    {**entity, "name": "type", "description": "A type.", "example": "organisation"},
                    parameters[-1],
                ],
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
