"""The OpenAPI description of /reconcile (see ``reconcile``) for ``/api/openapi.json``: every
route with working examples, which name the seed documents' entities."""

from __future__ import annotations

import json
import re
from typing import Any

from belong_graph.web.reconcile_extend import EXTENSIONS
from belong_graph.web.reconcile_match import TYPES

CALLBACK = re.compile(r"[A-Za-z_$][\w$.]*")  # a JSONP callback: a JavaScript name
QUERIES = (
    "A JSON batch of queries (without it: the manifest). Each query's 'type' (one or a list) "
    "binds its candidates by its 'type_strict': 'any' (the default) keeps candidates of any of "
    "the types; 'all' of every one (an entity has one type, so two types find none); 'should' "
    "of the types, and only where they give none, candidates of other types, 10 points lower "
    "and never a match."
)


def reconcile_paths() -> dict[str, Any]:
    """The service, for the OpenAPI document of ``/api/openapi.json``; the examples are the
    seed documents' names."""
    batch = json.dumps(
        {"q0": {"query": "Kent University", "type": "organisation", "type_strict": "should"}}
    )
    extension = json.dumps(
        {
            "ids": ["organisation/nuffield-foundation", "organisation/intercultural-cities-unit"],
            "properties": [
                {"id": pid} for pid in ("ror", "website", "kind", "parent", "resources")
            ],
        }
    )
    properties = ", ".join(EXTENSIONS)
    callback = _parameter("callback", "A JavaScript function to call with the answer (JSONP).")
    callback["schema"]["pattern"] = CALLBACK.pattern
    parameters = [
        _parameter("queries", QUERIES, batch),
        _parameter(
            "extend", f"A JSON data extension request; properties: {properties}.", extension
        ),
        callback,
    ]
    answer = {
        "200": {
            "description": "The manifest, each query's candidates (scores 0-100) or the values",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        "304": {"description": "The manifest has not changed (If-None-Match)"},
        "400": {"description": "A malformed batch, an unknown type or a bad callback"},
    }
    form = {"type": "object", "properties": {"queries": {"type": "string", "example": batch}}}
    summary = "W3C Reconciliation API 0.2 (OpenRefine)"
    prefix = _parameter(
        "prefix", "The start of a word of a name, or of an id.", "nuff", required=True
    )
    cursor = {"name": "cursor", "in": "query", "schema": {"type": "integer", "minimum": 0}}
    most = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}
    entity = _parameter(
        "id", "An entity's id (below id/).", "organisation/nuffield-foundation", required=True
    )
    kind = _parameter("type", f"One of {', '.join(TYPES)}.", "organisation", required=True)
    typed = _parameter("prefix", "The start of a type's id or of a word of its name.", "org")
    named = _parameter("prefix", "The start of a property's id or of a word of its name.", "we")
    of_type = _parameter("type", f"Only the properties of one of {', '.join(TYPES)}.", "person")
    return {
        "/reconcile": {
            "get": {"summary": summary, "parameters": parameters, "responses": answer},
            "post": {
                "summary": summary,
                "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": form}}},
                "responses": answer,
            },
        },
        "/reconcile/suggest/entity": _get(
            "Entities whose name or id begins with a prefix (OpenRefine)",
            [prefix, cursor, callback],
            "{result: [{id, name, description, notable}]}",
        ),
        "/reconcile/suggest/type": _get(
            "Types whose id or name begins with a prefix (OpenRefine)",
            [typed, callback],
            "{result: [{id, name, description}]}",
        ),
        "/reconcile/suggest/property": _get(
            "Properties whose id or name begins with a prefix (OpenRefine)",
            [named, of_type, callback],
            "{result: [{id, name, description}]}",
        ),
        "/reconcile/properties": _get(
            "The properties data extension offers for a type",
            [kind, most, callback],
            "{type, properties: [{id, name}], limit?}",
        ),
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


def _get(summary: str, parameters: list[dict[str, Any]], answer: str) -> dict[str, Any]:
    """A GET of the service that answers JSON of the shape ``answer``."""
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": {"description": answer}},
        }
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
