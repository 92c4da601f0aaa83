"""FAIR Signposting level 2: each entity's RFC 9264 linkset, at ``/linkset/<kind>/<slug>``
(``application/linkset``) and ``/linkset/<kind>/<slug>.json`` (``application/linkset+json``).
The entity's pages and documents link to both (:mod:`belong_graph.web.linked`); the OpenAPI
document of ``/api/openapi.json`` describes them (:func:`linkset_paths`)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response
from flask.sansio.blueprints import BlueprintSetupState

from belong_graph import __version__
from belong_graph.errors import UnknownEntity
from belong_graph.linked.describe import is_iri
from belong_graph.linked.signposts import (
    JSON_LINKSET,
    TEXT_LINKSET,
    linkset_json,
    linkset_text,
)
from belong_graph.web.api import OPENAPI_PATHS
from belong_graph.web.caching import add_validators, etag_for, not_modified
from belong_graph.web.errors import PROBLEM_JSON
from belong_graph.web.linked import describe, landing_for, refuse_removed
from belong_graph.web.state import state
from belong_graph.web.urls import addresses

blueprint = Blueprint("signposting", __name__)

JSON_SUFFIX = ".json"
# Seed 003's report "Discrimination, Prejudice and Cohesion", credited to six people.
EXAMPLE_KIND, EXAMPLE_SLUG = "resource", "discrimination-prejudice-and-cohesion"
SEGMENT = "^[a-z0-9]+(-[a-z0-9]+)*$"  # so that the text route's slug never ends in .json


@blueprint.record_once
def _install(setup: BlueprintSetupState) -> None:
    setup.app.extensions.setdefault(OPENAPI_PATHS, {}).update(linkset_paths())


@blueprint.get("/linkset/<kind>/<name>")
def linkset(kind: str, name: str) -> Response:
    """The linkset of the entity ``id/<kind>/<slug>``: text, or JSON when ``name`` is
    ``<slug>.json``."""
    app = state()
    slug = name.removesuffix(JSON_SUFFIX)
    media_type = JSON_LINKSET if name.endswith(JSON_SUFFIX) else TEXT_LINKSET
    where = addresses()
    path = f"id/{kind}/{slug}"
    iri = where.to_canonical(path)
    etag = etag_for(app.version, "linkset", iri, media_type, where.public, __version__)
    if not_modified(app.version, etag):
        return add_validators(Response(status=304), app.version, etag, app.settings.cache_max_age)
    description = describe(app, iri)[0] if is_iri(iri) else None
    if description is None or not description.exists:
        raise UnknownEntity(f"Nothing in the library is called <{where.to_public(iri)}>.")
    refuse_removed(description, where)
    landing = landing_for(app, description, where, kind, slug)
    body = (
        json.dumps(linkset_json(landing), indent=1)
        if media_type == JSON_LINKSET
        else linkset_text(landing)
    )
    response = Response(body, content_type=media_type)
    return add_validators(response, app.version, etag, app.settings.cache_max_age)


def linkset_paths() -> dict[str, Any]:
    """Both linkset routes, for the OpenAPI document of ``/api/openapi.json``."""
    return {
        "/linkset/{kind}/{slug}": _linkset_operation("linksetText", TEXT_LINKSET, "text"),
        "/linkset/{kind}/{slug}.json": _linkset_operation("linksetJson", JSON_LINKSET, "JSON"),
    }


def _linkset_operation(operation: str, media_type: str, form: str) -> dict[str, Any]:
    """The GET of an entity's linkset in ``media_type``."""
    parameters = [
        _path_parameter("kind", "The kind of entity, as in its IRI (id/<kind>/...).", EXAMPLE_KIND),
        _path_parameter(
            "slug", "The rest of its IRI (no .json: see the JSON route).", EXAMPLE_SLUG
        ),
    ]
    return {
        "get": {
            "operationId": operation,
            "summary": f"An entity's FAIR Signposting linkset (RFC 9264, {form})",
            "description": "Its landing page's typed links (cite-as, type, license, "
            "describedby, author, item...), each content resource's collection link and each "
            "metadata document's describes link, every one with an absolute anchor.",
            "tags": ["signposting"],
            "parameters": parameters,
            "responses": {
                "200": {"description": "The linkset", "content": {media_type: {}}},
                "404": {
                    "description": "Nothing in the library has that IRI",
                    "content": {PROBLEM_JSON: {}, "text/plain": {}},
                },
            },
        }
    }


def _path_parameter(name: str, description: str, example: str) -> dict[str, Any]:
    """A segment of the path: lower-case words joined by hyphens, as every IRI of the library."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": SEGMENT},
        "example": example,
    }
